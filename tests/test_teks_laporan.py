"""Reviewer-grade text: the built report's text is scanned for machine defects.

The scanner reads the stitched book (``outputs/<year>/book/*.md``, the appendix
included) and the PDF's text. It reports: snake_case identifiers, English words
outside italic foreign terms, a sentence announcing a list ("berikut") with
nothing after it in its section, "Tabel x.y"/"Gambar x.y" typed as text instead
of a live cross-reference, cross-references without a target, the spelling
"Analisa", ">=" for "≥", and a sentence printed three times or more.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from tests.agensi_uji import TAHUN, contoh

#: English words that never belong in the Indonesian text (outside *italic* terms).
ENGLISH = {
    "printed", "twice", "pair", "the", "and", "of", "row", "rows", "column", "columns",
    "header", "value", "values", "published", "recomputed", "missing", "rule", "check",
    "sum", "share", "total of", "see", "which", "with", "where", "table", "figure",
    "first", "second", "1st", "2nd", "expected", "found", "not", "is", "are",
}  # fmt: skip

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
TYPED_REF = re.compile(r"\b(Tabel|Gambar)\s+(\d+\.\d+)\b(?!\s+LKjIP terbitan)")
REF = re.compile(r"@((?:tbl|fig|sec)-[A-Za-z0-9_-]+)")
LABEL = re.compile(r"\{#((?:tbl|fig|sec)-[A-Za-z0-9_-]+)")
ANNOUNCE = re.compile(r"berikut\s*[.:]?\s*$", re.IGNORECASE)


def _strip_markup(md: str) -> str:
    """Markdown without images, attributes, comments, italics and escapes."""
    md = re.sub(r"!\[[^\]]*\]\([^)]*\)(\{[^}]*\})?", " ", md)  # figures (data URIs)
    md = re.sub(r"<!--.*?-->", " ", md, flags=re.S)
    md = re.sub(r"\{[#.][^}]*\}", " ", md)  # {#label .class}
    md = re.sub(r"\\(.)", r"\1", md)  # \. \( ... escapes
    md = re.sub(r"(?<![*\w])\*(?!\*)([^*\n]+)\*(?!\*)", " ", md)  # *foreign term*
    md = re.sub(r"(?<!\w)_([^_\n]+)_(?!\w)", " ", md)
    return md


def cacat_teks(markdown: dict[str, str], pdf_text: str = "") -> list[str]:
    """All defects of a report's text: ``name: message`` strings (empty = clean).

    Parameters
    ----------
    markdown : dict
        File name -> stitched Markdown of one chapter.
    pdf_text : str
        The PDF's text (``pdftotext``), scanned for identifiers.
    """
    found: list[str] = []
    labels = {m for md in markdown.values() for m in LABEL.findall(md)}
    sentences: Counter[str] = Counter()
    for name, md in markdown.items():
        for ref in REF.findall(md):
            if ref not in labels:
                found.append(f"{name}: cross-reference @{ref} has no target")
        # an escaped backslash before punctuation is text escaped twice: the reader
        # would see the backslash
        for m in re.finditer(r"\\\\\\[^\w\s]", md):
            found.append(f"{name}: escaped twice near {md[max(0, m.start() - 40) : m.end()]!r}")
        plain = _strip_markup(md)
        for m in SNAKE.findall(plain):
            found.append(f"{name}: identifier {m!r}")
        for m in TYPED_REF.finditer(plain):
            found.append(f"{name}: '{m.group(0)}' is typed, not a cross-reference")
        lower = plain.lower()
        for word in sorted(ENGLISH):
            if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", lower):
                found.append(f"{name}: English word {word!r}")
        prose_only = "\n".join(line for line in lower.splitlines() if not line.startswith("|"))
        # names printed in published tables (an SOP title) keep their spelling
        if re.search(r"\banalisa\b", prose_only):
            found.append(f"{name}: spelling 'Analisa' (use 'Analisis')")
        if ">=" in plain or "<=" in plain:
            found.append(f"{name}: '>=' or '<=' instead of '≥' or '≤'")
        blocks = [b.strip() for b in re.split(r"\n\s*\n", md) if b.strip()]
        level = 0  # heading level of the section a block is in
        for i, block in enumerate(blocks):
            if block.startswith("#"):
                level = len(block) - len(block.lstrip("#"))
                continue
            last_line = _strip_markup(block).strip().splitlines()[-1:] or [""]
            if block.startswith((":", "|", "!")) or not ANNOUNCE.search(last_line[0]):
                continue
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            # a subsection may carry what is announced; a sibling heading ends the section
            if nxt is None or (nxt.startswith("#") and len(nxt) - len(nxt.lstrip("#")) <= level):
                found.append(f"{name}: '{last_line[0][-60:]}' announces what does not follow")
        for s in re.split(r"(?<=[.!?])\s+", re.sub(r"\s+", " ", plain)):
            if len(s) > 60 and not s.startswith(("|", ":")):
                sentences[s] += 1
    for s, n in sentences.items():
        if n >= 3:
            found.append(f"book: sentence printed {n} times: {s[:80]!r}")
    for m in sorted(set(SNAKE.findall(pdf_text))):
        found.append(f"pdf: identifier {m!r}")
    return found


# ----------------------------------------------------------------- the scanner


def test_scanner_finds_each_defect():
    md = {
        "x.md": "# Bab {#sec-bab}\n\nDiisi dari tabel realisasi_iku.\n\n"
        "Lihat Tabel 3.27 dan @tbl-tidak-ada.\n\nThe table was printed twice.\n\n"
        "## Analisa\n\nSkor >= 4.\n\nSimpulannya adalah sebagai berikut.\n\n## Lain\n\nteks\n",
    }
    found = "\n".join(cacat_teks(md, "kasus_2016 = 21"))
    assert "identifier 'realisasi_iku'" in found
    assert "'Tabel 3.27' is typed" in found
    assert "@tbl-tidak-ada has no target" in found
    assert "English word 'printed'" in found and "English word 'twice'" in found
    assert "Analisa" in found and ">=" in found
    assert "announces what does not follow" in found
    assert "pdf: identifier 'kasus_2016'" in found


def test_scanner_accepts_clean_text():
    md = {
        "x.md": "# Bab {#sec-bab}\n\nRinciannya sebagai berikut.\n\n- satu\n- dua\n\n"
        "## Misi\n\nMisi dijelaskan sebagai berikut.\n\n### Misi satu\n\nteks\n\n"
        "| SOP ANALISA DIKLAT |\n|---|\n\n"
        "Lihat @tbl-a dan Tabel 3.5 LKjIP terbitan; konsep *the right man in the right place*.\n\n"
        "| a |\n|---|\n| 1 |\n\n: Judul {#tbl-a}\n\nSkor ≥ 4.\n\n"
        "![Judul](data:image/png;base64,ab_cd){#fig-a}\n",
    }
    assert cacat_teks(md, "Tabel 3.1 dan Gambar 3.2") == []


def test_scanner_finds_a_sentence_printed_three_times():
    s = "Indikator ini terealisasi sebesar delapan puluh persen dari target tujuh puluh enam."
    md = {"a.md": f"{s}\n\n{s}\n", "b.md": f"{s}\n"}
    assert any("printed 3 times" in f for f in cacat_teks(md))


# ------------------------------------------------------- on the built report


@pytest.mark.e2e
def test_built_report_text_is_clean(built_2017):
    book = built_2017 / "outputs" / str(TAHUN) / "book"
    markdown = {p.name: p.read_text(encoding="utf-8") for p in sorted(book.glob("*.md"))}
    assert markdown, "no stitched chapters"
    pdf = built_2017 / "outputs" / str(TAHUN) / f"lkjip-{TAHUN}.pdf"
    text = ""
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    found = cacat_teks(markdown, text)
    assert not found, "\n".join(found)


@contoh
@pytest.mark.e2e
def test_built_report_has_the_evidence(built_2017):
    """Acceptance: at least 30 distinct numbered tables in the body (Bab I to IV)."""
    book = built_2017 / "outputs" / str(TAHUN) / "book"
    body = "".join(p.read_text(encoding="utf-8") for p in sorted(book.glob("0[1-4]-*.md")))
    tables = set(re.findall(r"^: .+\{#(tbl-[A-Za-z0-9_-]+)", body, flags=re.M))
    assert len(tables) >= 30, sorted(tables)


def scan_files(paths: list[Path]) -> list[str]:
    """Scan stitched chapters from disk (helper for a manual check of a build)."""
    return cacat_teks({p.name: p.read_text(encoding="utf-8") for p in paths})
