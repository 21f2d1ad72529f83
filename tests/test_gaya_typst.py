"""The shared Typst style of both renderers (``book/templates/lkjip-gaya.typ``):
where tables break across pages.

The rule: a caption never parts from its table, a long table repeats its header
row on each page, and no table splits with fewer than three body rows on a page
(before or after a break); a short table does not split at all. Each test
compiles small documents with the style, a table whose rows carry a marker
(``R07``), pushed down the page by every amount of filler, and reads back on
which page each row landed (``pdftotext``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

typst = pytest.importorskip("typst")

ROOT = Path(__file__).resolve().parent.parent
GAYA = ROOT / "book" / "templates" / "lkjip-gaya.typ"
MINIMUM = 3

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")


def _document(rows: int, filler_lines: int, *, long_cells: bool = False) -> str:
    filler = "\n\n".join(f"Baris pengisi {i}." for i in range(filler_lines))
    body = []
    for r in range(1, rows + 1):
        text = f"R{r:02d}"
        if long_cells:
            text += " " + "uraian panjang yang membungkus " * 4
        body.append(f"    [{text}], [{r * 7}], [Baik],")
    return (
        '#set page(paper: "a4", margin: 2.5cm)\n#set text(size: 11pt)\n'
        + GAYA.read_text(encoding="utf-8")
        + f"\n{filler}\n\n#figure(\n  table(\n    columns: 3,\n    align: (left, right, left),\n"
        + "    table.header([Nama Barang], [Jumlah], [Kondisi]),\n    table.hline(),\n"
        + "\n".join(body)
        + "\n  ),\n  caption: [Tabel~1.1. Sarana Uji],\n  kind: table,\n)\n"
    )


def _pages(tmp_path: Path, source: str) -> list[str]:
    typ = tmp_path / "uji.typ"
    pdf = tmp_path / "uji.pdf"
    typ.write_text(source, encoding="utf-8")
    typst.compile(str(typ), output=str(pdf), font_paths=[], ignore_system_fonts=True)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")


def _rows_per_page(pages: list[str]) -> list[tuple[int, list[int]]]:
    """(page index, body-row numbers on it) for each page that holds rows of the table."""
    out = []
    for i, page in enumerate(pages):
        found = [int(m) for m in re.findall(r"\bR(\d\d)\b", page)]
        if found:
            out.append((i, found))
    return out


@pytest.mark.parametrize("rows", [4, 8, 12, 30])
def test_no_page_holds_fewer_than_three_rows_of_a_table(tmp_path, rows):
    seen_split = False
    # filler pushes the table to every height of the page (a line is ~1/45 page)
    for filler in range(0, 48, 2):
        parts = _rows_per_page(_pages(tmp_path, _document(rows, filler)))
        numbers = [n for _, found in parts for n in found]
        assert numbers == list(range(1, rows + 1)), (filler, parts)
        if rows <= 8:
            assert len(parts) == 1, f"a short table broke (filler {filler}): {parts}"
        for _, found in parts:
            assert len(found) >= MINIMUM, f"{rows} rows, filler {filler}: {parts}"
        seen_split |= len(parts) > 1
    if rows > 8:
        assert seen_split, "no filler made the long table break: the test proves nothing"


def test_header_repeats_and_caption_stays_with_the_first_rows(tmp_path):
    for filler in range(20, 48, 3):
        pages = _pages(tmp_path, _document(30, filler))
        parts = _rows_per_page(pages)
        if len(parts) < 2:
            continue
        for i, _ in parts:
            assert "Nama Barang" in pages[i], f"no header on page {i + 1} (filler {filler})"
        caption_page = next(i for i, p in enumerate(pages) if "Tabel 1.1. Sarana Uji" in p)
        assert caption_page == parts[0][0], f"caption parted from its table (filler {filler})"
        return
    pytest.fail("the table never broke: the test proves nothing")


def test_tall_rows_still_break_with_three_rows_a_page(tmp_path):
    for filler in (0, 20, 40):
        parts = _rows_per_page(_pages(tmp_path, _document(14, filler, long_cells=True)))
        assert [n for _, f in parts for n in f] == list(range(1, 15))
        assert all(len(f) >= MINIMUM for _, f in parts), parts
