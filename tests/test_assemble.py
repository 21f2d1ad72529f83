"""Tests of lkjip_helpers.build.assemble: the built-in renderer chapter by chapter.

The reference is pandoc reading the whole book at once (``render.pandoc_command``,
what the renderer did before): the book put together from chapters rendered one
by one must read the same (HTML body and sidebar, PDF text page by page), and a
cached chapter is only reused when its text and the state it starts from are the
same. The book here has what crosses chapter files: forward and backward
references, a header id used in two chapters, Lampiran tables numbered across two
files, unnumbered chapters with initials.
"""

from __future__ import annotations

import html
import re
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader

from lkjip_helpers.build import assemble, render
from lkjip_helpers.core.exceptions import BuildError
from lkjip_helpers.laporan.context import render_meta
from tests.agensi_uji import TAHUN

ROOT = Path(__file__).resolve().parent.parent
META = render.normalise_meta(
    {"instansi": "Badan Uji", "tahun": 2024, "tempat": "Kota Uji", "tanggal": "1 Maret 2025"}
)
TABLE = "| No | Uraian |\n|---:|:-------|\n| 1 | satu |\n| 2 | dua |\n"
CHAPTERS = {
    "index.md": "# Kata Pengantar {.unnumbered}\n\nPengantar. Lihat @tbl-hasil.\n\n"
    "# Ikhtisar Eksekutif {#sec-ie .unnumbered}\n\n" + TABLE + "\n: Ringkasan {#tbl-ie}\n",
    "01.md": "# Pendahuluan {#sec-bab1}\n\n## Analisis\n\nLihat @tbl-hasil dan @sec-bab2.\n\n"
    + TABLE
    + "\n: Data *awal* {#tbl-awal}\n\n"
    '![Tren nilai](figures/tren.png){#fig-tren fig-alt="Garis naik."}\n',
    "02.md": "# Hasil {#sec-bab2}\n\n## Analisis\n\nKembali ke @tbl-awal dan @fig-tren.\n\n"
    + TABLE
    + "\n: Hasil {#tbl-hasil}\n",
    "03.md": "# Lampiran {.unnumbered}\n\n" + TABLE + "\n: Formulir {#tbl-l1}\n",
    "04.md": "# Lampiran Data {.unnumbered}\n\n" + TABLE + "\n: Data {#tbl-l2}\n\nLihat @tbl-l1.\n",
}
ORDER = list(CHAPTERS)


def _png() -> bytes:
    """A 1x1 PNG (no image library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def book(tmp_path) -> Path:
    folder = tmp_path / "book"
    folder.mkdir()
    for name, text in CHAPTERS.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "figures").mkdir()
    (folder / "figures" / "tren.png").write_bytes(_png())
    for asset in ("filters", "templates"):
        shutil.copytree(ROOT / "book" / asset, folder / asset)
    shutil.copy(ROOT / "book" / "lkjip.css", folder)
    (folder / "_quarto.yml").write_text(
        "lang: id\nbook:\n  chapters: [" + ", ".join(ORDER) + "]\n", encoding="utf-8"
    )
    return folder


def _render(book: Path, out: Path, cache: Path | None = None) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    return render.render_builtin(book, out / "r.html", out / "r.pdf", META, cache)


def _whole_book(book: Path, out: Path, meta: dict = META) -> tuple[str, str]:
    """HTML and Typst as pandoc wrote them reading the whole book at once."""
    cfg = render.read_book_config(book)
    cmd = [a for a in render.pandoc_command(book, "html", cfg, meta) if a != "--embed-resources"]
    page = render._run_pandoc(cmd, book, "HTML")
    page = render.add_header_scope(assemble.embed_resources(page, book))
    typ = render._run_pandoc(render.pandoc_command(book, "typst", cfg, meta), book, "Typst")
    (book / "_utuh.typ").write_text(typ, encoding="utf-8")
    render.compile_typst(book / "_utuh.typ", out / "utuh.pdf", book)
    return page, typ


def _norm(text: str) -> str:
    text = re.sub(r">\s+<", "><", " ".join(text.split()))
    return html.unescape(text)


def _part(page: str, start: str, end: str) -> str:
    return _norm(page[page.index(start) : page.index(end)])


def _pdf_text(path: Path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(str(path)).pages]


def test_chapters_put_together_read_as_the_whole_book(book, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    runs = _render(book, tmp_path / "bab")
    assert sorted(runs) == sorted(f"{f}:{c}" for f in ("html", "typst") for c in ORDER)
    page = (tmp_path / "bab" / "r.html").read_text(encoding="utf-8")
    whole, _ = _whole_book(book, tmp_path)
    assert _part(page, "<main", "</main>") == _part(whole, "<main", "</main>")
    assert _part(page, "<nav", "</nav>") == _part(whole, "<nav", "</nav>")
    assert _pdf_text(tmp_path / "bab" / "r.pdf") == _pdf_text(tmp_path / "utuh.pdf")
    # what crosses chapter files came out right
    assert '<a href="#tbl-hasil">Tabel\u00a02.1</a>' in page  # forward, from chapter 1
    assert 'id="analisis"' in page and 'id="analisis-1"' in page  # unique as one document
    assert '<a href="#tbl-l1">Tabel\u00a0L.1</a>' in page
    assert "Tabel\u00a0L.2." in page and "Tabel\u00a0IE.1." in page
    assert "\ue000" not in page and assemble.FRONT["html"] not in page


def test_the_agencys_report_reads_as_its_whole_book(built_2017, tmp_path, monkeypatch):
    """The report the build made, against pandoc reading its whole book at once."""
    monkeypatch.setenv("LKJIP_ROOT", str(built_2017))
    folder = built_2017 / "outputs" / str(TAHUN)
    book = tmp_path / "book"
    shutil.copytree(folder / "book", book)
    whole, _ = _whole_book(book, tmp_path, render.normalise_meta(render_meta(TAHUN)))
    page = (folder / f"lkjip-{TAHUN}.html").read_text(encoding="utf-8")
    assert _part(page, "<main", "</main>") == _part(whole, "<main", "</main>")
    assert _part(page, "<nav", "</nav>") == _part(whole, "<nav", "</nav>")
    assert _pdf_text(folder / f"lkjip-{TAHUN}.pdf") == _pdf_text(tmp_path / "utuh.pdf")


def test_a_prose_edit_renders_that_chapter_only(book, tmp_path):
    cache = tmp_path / "cache"
    _render(book, tmp_path / "a", cache)
    chapter = book / "02.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nKalimat baru.\n", encoding="utf-8")
    runs = _render(book, tmp_path / "b", cache)
    assert sorted(runs) == ["html:02.md", "typst:02.md"]
    assert "Kalimat baru." in (tmp_path / "b" / "r.html").read_text(encoding="utf-8")
    # the same bytes as rendering every chapter again
    assert _render(book, tmp_path / "c") != []
    assert (tmp_path / "b" / "r.html").read_bytes() == (tmp_path / "c" / "r.html").read_bytes()
    assert _render(book, tmp_path / "d", cache) == []


def test_a_new_table_renumbers_the_chapters_after_it(book, tmp_path):
    cache = tmp_path / "cache"
    _render(book, tmp_path / "a", cache)
    lampiran = book / "03.md"
    lampiran.write_text(
        lampiran.read_text(encoding="utf-8") + "\n" + TABLE + "\n: Tambahan {#tbl-l-baru}\n",
        encoding="utf-8",
    )
    runs = _render(book, tmp_path / "b", cache)
    # 04.md starts from another state (one more Lampiran table): rendered again
    assert sorted(runs) == sorted(f"{f}:{c}" for f in ("html", "typst") for c in ("03.md", "04.md"))
    page = (tmp_path / "b" / "r.html").read_text(encoding="utf-8")
    assert re.search(r'id="tbl-l2".*?Tabel\u00a0L\.3\.', page, re.S)
    _render(book, tmp_path / "c")
    assert page == (tmp_path / "c" / "r.html").read_text(encoding="utf-8")


def test_unknown_reference_names_the_label(book, tmp_path):
    chapter = book / "01.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nLihat @tbl-tidak-ada.\n")
    with pytest.raises(BuildError, match="@tbl-tidak-ada"):
        _render(book, tmp_path / "x")


def test_footnotes_of_two_chapters_keep_their_own_ids(book, tmp_path):
    for name in ("01.md", "02.md"):
        path = book / name
        path.write_text(path.read_text(encoding="utf-8") + "\nCatatan.[^a]\n\n[^a]: Isi catatan.\n")
    _render(book, tmp_path / "x")
    page = (tmp_path / "x" / "r.html").read_text(encoding="utf-8")
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    targets = set(re.findall(r'href="#([^"]+)"', page))
    assert targets <= set(ids)
    assert page.count("Isi catatan.") == 2


def test_embed_resources(tmp_path):
    (tmp_path / "a.css").write_text("p { color: red; }\n", encoding="utf-8")
    (tmp_path / "g.png").write_bytes(_png())
    page = '<link rel="stylesheet" href="a.css">\n<img src="g.png" alt="x"><a href="#y">y</a>'
    out = assemble.embed_resources(page, tmp_path)
    assert "<style>\np { color: red; }" in out and "<link" not in out
    assert 'src="data:image/png;base64,' in out and 'alt="x"' in out
    for bad in ('<img src="tidak-ada.png">', '<img src="https://x.org/a.png">'):
        with pytest.raises(BuildError, match="Could not fetch"):
            assemble.embed_resources(bad, tmp_path)
    (tmp_path / "b.css").write_text("p { background: url(http://x.org/a.png); }\n")
    with pytest.raises(BuildError, match="url"):
        assemble.embed_resources('<link rel="stylesheet" href="b.css">', tmp_path)


def test_nested_list_follows_heading_levels():
    entries = [
        {"level": 1, "link": "A"},
        {"level": 2, "link": "A1"},
        {"level": 3, "link": "A1a"},
        {"level": 1, "link": "B"},
    ]
    out = assemble._nested_list(entries, "link")
    assert _norm(out) == (
        "<ul><li>A <ul><li>A1 <ul><li>A1a</li></ul></li></ul></li><li>B</li></ul>"
    )
