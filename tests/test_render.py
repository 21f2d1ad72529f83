"""Tests of lkjip_helpers.build.render.

The built-in renderer (pandoc + Typst) is run for real on the fixture notebooks
(executed, stitched), and its HTML and PDF are inspected as a reader's tools
would: html.parser for the HTML, pypdf for the PDF.

The Quarto path is tested twice: against the expected command line with
``subprocess.run`` mocked (the mock writes the files Quarto would write; runs
everywhere), and for real with the Quarto on PATH (>= 1.9; skipped with the reason
otherwise): the fixture book is rendered twice, which validates book/_quarto.yml
and the filters with the real Quarto and checks that the HTML is reproducible.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import requires_quarto
from pypdf import PdfReader

from lkjip_helpers.build import render, stitch
from lkjip_helpers.core.exceptions import BuildError

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"
CHAPTERS = [["kata_pengantar"], ["bab1"], ["bab3", "iku"], ["lampiran"]]

META = {
    "instansi": "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
    "pemerintah": "Pemerintah Kota Balikpapan",
    "tahun": 2017,
    "tempat": "Balikpapan",
    "tanggal": "28 Februari 2018",
}
EPOCH = "1519776000"  # 2018-02-28
HOSTILE = [
    "<script>alert(1)</script>",
    "[link](http://x) *miring*",
    "#set text(red)",
    "\\textbf{x} $x^2$",
    "{{ x }} {{< include x >}} @tbl-palsu",
]
A4 = (595.28, 841.89)


def execute_fixture_notebooks(target: Path) -> Path:
    """Execute every fixture notebook (in parallel) into ``target`` (as test_stitch does)."""
    from concurrent.futures import ThreadPoolExecutor

    import nbformat
    from nbclient import NotebookClient

    def run(path: Path) -> None:
        nb = nbformat.read(path, as_version=4)
        meta = {"metadata": {"path": str(ROOT)}}
        NotebookClient(nb, timeout=180, kernel_name="python3", resources=meta).execute()
        nbformat.write(nb, target / path.name)

    paths = [FIXTURES / f"{name}.ipynb" for chapter in CHAPTERS for name in chapter]
    with ThreadPoolExecutor(max_workers=len(paths)) as pool:
        list(pool.map(run, paths))
    return target


@pytest.fixture(scope="module")
def stitched(tmp_path_factory):
    executed = execute_fixture_notebooks(tmp_path_factory.mktemp("executed"))
    out = tmp_path_factory.mktemp("outputs") / "book"
    return stitch.stitch(stitch.chapters_from_names(CHAPTERS, executed), out)


@pytest.fixture(scope="module")
def rendered(stitched, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    html, pdf = out / "lkjip-2017.html", out / "lkjip-2017.pdf"
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        start = time.perf_counter()
        used = render.render(stitched.book_dir, html, pdf, META, renderer="builtin")
        seconds = time.perf_counter() - start
    finally:
        mp.undo()
    return {"html": html, "pdf": pdf, "used": used, "seconds": seconds, "book": stitched}


# --------------------------------------------------------------------------- HTML


class Collector(HTMLParser):
    """Collects what the HTML tests look at."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.elements: list[tuple[str, dict]] = []
        self.ids: set[str] = set()
        self.text: list[str] = []
        self.text_in: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        d = {k: (v or "") for k, v in attrs}
        self.elements.append((tag, d))
        if "id" in d:
            self.ids.add(d["id"])
        if tag not in ("img", "br", "meta", "link", "col", "hr", "input"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop() == tag:
                break

    def handle_data(self, data):
        self.text.append(data)
        for tag in set(self.stack):
            self.text_in.setdefault(tag, []).append(data)

    def all(self, tag):
        return [a for t, a in self.elements if t == tag]


@pytest.fixture(scope="module")
def page(rendered):
    parser = Collector()
    parser.feed(rendered["html"].read_text(encoding="utf-8"))
    parser.close()
    parser.joined = " ".join(" ".join(parser.text).split())
    return parser


def test_builtin_renderer_ran_quickly(rendered, capsys):
    assert rendered["used"] == "builtin"
    assert rendered["seconds"] < 20


def test_html_language_and_no_script(page):
    (html,) = page.all("html")
    assert html["lang"] == "id"
    assert page.all("script") == []
    assert page.all("link") == []  # CSS is inline
    assert page.all("style")


def test_html_is_self_contained(rendered, page):
    for tag, attrs in page.elements:
        for key in ("src", "href", "srcset", "poster", "data"):
            value = attrs.get(key, "")
            assert not re.match(r"^(https?:)?//", value), (tag, key, value)
    raw = rendered["html"].read_text(encoding="utf-8")
    assert "mathjax" not in raw.lower() and "@import" not in raw and "url(http" not in raw


def test_hostile_text_appears_as_text(page):
    for text in HOSTILE:
        assert text in page.joined, text
    assert "<b>berbahaya</b> & [tautan](http://y)" in page.joined


def test_tables_have_column_headers_and_captions(page):
    ths = page.all("th")
    assert ths and all(th.get("scope") == "col" for th in ths)
    captions = " ".join(page.text_in.get("caption", []))
    for label in ("Tabel 1.1.", "Tabel 2.1.", "Tabel 2.2.", "Tabel L.1."):
        assert label.replace(" ", "\u00a0") in captions
    assert {"tbl-data-uji", "tbl-ikm", "tbl-dokumen", "tbl-capaian-lebar"} <= page.ids


def test_figures_have_alt_and_figcaption(page):
    imgs = page.all("img")
    assert len(imgs) == 2
    alts = sorted(img["alt"] for img in imgs)
    assert alts[0].startswith("Diagram batang target dan realisasi")
    assert alts[1] == "Garis nilai IKM naik dari 75,95 ke 86,26."
    assert all(img["src"].startswith("data:image/png;base64,") for img in imgs)
    figcaptions = " ".join(page.text_in.get("figcaption", []))
    assert "Gambar\u00a01.1." in figcaptions and "Gambar\u00a02.1." in figcaptions


def test_every_internal_link_resolves(page):
    targets = [a["href"][1:] for a in page.all("a") if a.get("href", "").startswith("#")]
    assert len(targets) > 10
    missing = [t for t in targets if t not in page.ids]
    assert missing == []


def test_daftar_isi_tabel_gambar(page):
    for ident in ("daftar-isi", "daftar-tabel", "daftar-gambar"):
        assert ident in page.ids
    links = {a["href"] for a in page.all("a") if a.get("href", "").startswith("#")}
    assert {"#pendahuluan", "#sec-latar-belakang", "#tbl-data-uji", "#fig-tren"} <= links
    assert "Daftar Tabel" in page.joined and "Daftar Gambar" in page.joined


def test_crossrefs_become_numbered_links(rendered):
    raw = rendered["html"].read_text(encoding="utf-8")
    assert '<a href="#tbl-data-uji">Tabel\u00a01.1</a>' in raw
    assert '<a href="#fig-tren">Gambar\u00a01.1</a>' in raw
    assert '<a href="#tbl-ikm">Tabel\u00a02.2</a>' in raw
    assert '<a href="#sec-latar-belakang">Subbab\u00a01.1</a>' in raw
    assert '<a href="#tbl-dokumen">Tabel\u00a0L.1</a>' in raw


def test_html_chapters_signature_and_no_code(page, rendered):
    assert "BAB I Pendahuluan" in page.joined  # (split() also splits at nbsp)
    assert "BAB II Akuntabilitas Kinerja" in page.joined
    assert "1.1 Latar Belakang" in page.joined and "2.1.1 Indikator IKU-1" in page.joined
    # a section of the (unnumbered) Lampiran is never numbered, even without {.unnumbered}
    assert "Dokumen Pendukung" in page.joined
    assert not re.search(r"\d Dokumen Pendukung", page.joined)
    raw = rendered["html"].read_text(encoding="utf-8")
    assert '<div class="tanda-tangan">' in raw
    for code in ("import pandas", "report.", "stdout yang", "print("):
        assert code not in page.joined


# --------------------------------------------------------------------------- PDF


@pytest.fixture(scope="module")
def pdf(rendered):
    reader = PdfReader(str(rendered["pdf"]))
    texts = [p.extract_text() or "" for p in reader.pages]
    return reader, texts


def _norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def test_pdf_pages_are_a4(pdf):
    reader, _ = pdf
    for p in reader.pages:
        w, h = float(p.mediabox.width), float(p.mediabox.height)
        assert (round(w, 0), round(h, 0)) == (round(A4[0]), round(A4[1]))


def test_pdf_cover_front_matter_and_chapters(pdf):
    _, texts = pdf
    allt = _norm(" ".join(texts))
    cover = _norm(texts[0])
    assert "Laporan Kinerja Instansi Pemerintah (LKjIP)" in cover  # acronym case kept
    # the year, place and date of the render's metadata (the tests' own META)
    assert f"TAHUN {META['tahun']}" in cover and f"{META['tempat']}, {META['tanggal']}" in cover
    order = [
        "KATA PENGANTAR",
        "DAFTAR ISI",
        "DAFTAR TABEL",
        "DAFTAR GAMBAR",
        "BAB I PENDAHULUAN",
        "BAB II AKUNTABILITAS KINERJA",
        "LAMPIRAN",
    ]
    positions = [allt.index(x) for x in order]
    assert positions == sorted(positions)
    for label in ("Tabel 1.1.", "Tabel 2.2.", "Tabel L.1.", "Gambar 1.1.", "Gambar 2.1."):
        assert label in allt
    # cross references resolved
    assert "Lihat Tabel 1.1 dan Gambar 1.1" in allt
    assert "@tbl-data-uji" not in allt


def test_pdf_hostile_text_is_literal_and_no_code(pdf):
    _, texts = pdf
    allt = _norm(" ".join(texts))
    for text in ("<script>alert(1)</script>", "#set text(red)", "\\textbf{x}", "{{ x }}"):
        assert text in allt, text
    assert "import pandas" not in allt and "report." not in allt


def test_pdf_page_numbers(pdf):
    _, texts = pdf
    last_lines = [t.strip().splitlines()[-1].strip() if t.strip() else "" for t in texts]
    assert not re.fullmatch(r"[ivx]+|\d+", last_lines[0])  # cover: no number
    assert last_lines[1] == "i"  # Kata Pengantar
    chapter = next(i for i, t in enumerate(texts) if "BAB I PENDAHULUAN" in _norm(t))
    assert last_lines[chapter] == "1"
    assert last_lines[-1] == str(len(texts) - chapter)


def test_pdf_daftar_isi_has_page_numbers(pdf):
    _, texts = pdf
    toc = next(t for t in texts if "DAFTAR ISI" in t)
    assert re.search(r"BAB I Pendahuluan[\s.]*1 ", _norm(toc))
    assert re.search(r"Kata Pengantar[\s.]*i ", _norm(toc))


def test_pdf_fonts_are_embedded(pdf):
    reader, _ = pdf
    seen = 0
    for p in reader.pages:
        fonts = p.get("/Resources", {}).get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            font = ref.get_object()
            if font.get("/Subtype") == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            seen += 1
    assert seen > 0


def test_render_is_reproducible(rendered, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    html, out_pdf = tmp_path / "a.html", tmp_path / "a.pdf"
    render.render(rendered["book"].book_dir, html, out_pdf, META, renderer="builtin")
    assert html.read_bytes() == rendered["html"].read_bytes()
    assert out_pdf.read_bytes() == rendered["pdf"].read_bytes()
    info = PdfReader(str(out_pdf)).metadata
    assert str(info["/CreationDate"]).startswith("D:20180228")


# --------------------------------------------------------------------------- errors


def _copy_book(stitched, tmp_path) -> Path:
    import shutil

    target = tmp_path / "book"
    shutil.copytree(stitched.book_dir, target)
    return target


def test_unresolved_reference_is_an_error(stitched, tmp_path):
    book = _copy_book(stitched, tmp_path)
    chapter = book / "01-bab1.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nLihat @tbl-tidak-ada.\n")
    with pytest.raises(BuildError, match="@tbl-tidak-ada"):
        render.render(book, tmp_path / "x.html", tmp_path / "x.pdf", META, renderer="builtin")


def test_meta_is_checked(stitched, tmp_path):
    with pytest.raises(BuildError, match="tanggal"):
        render.render(
            stitched.book_dir,
            tmp_path / "x.html",
            tmp_path / "x.pdf",
            {"instansi": "A", "tahun": 2017, "tempat": "B"},
            renderer="builtin",
        )
    with pytest.raises(BuildError, match="unknown renderer"):
        render.render(
            stitched.book_dir, tmp_path / "x.html", tmp_path / "x.pdf", META, renderer="x"
        )


def test_book_config_is_read_from_quarto_yml(stitched):
    cfg = render.read_book_config(stitched.book_dir)
    assert cfg.chapters == ("index.md", "01-bab1.md", "02-bab3.md", "03-lampiran.md")
    assert (cfg.lang, cfg.tbl_title, cfg.fig_title, cfg.title_delim) == (
        "id",
        "Tabel",
        "Gambar",
        ".",
    )


def test_meta_goes_into_quarto_yml_escaped(stitched, tmp_path):
    book = _copy_book(stitched, tmp_path)
    meta = dict(META, instansi="Badan *A* <b>")
    render.apply_meta(book, render.normalise_meta(meta))
    conf = yaml.safe_load((book / "_quarto.yml").read_text(encoding="utf-8"))
    assert conf["lkjip"]["instansi"] == "Badan \\*A\\* \\<b\\>"
    assert conf["book"]["date"] == "Balikpapan\\, 28 Februari 2018"
    assert conf["book"]["chapters"] == list(render.read_book_config(book).chapters)


# --------------------------------------------------------------------------- Quarto


def _fake_quarto(version: str = "1.10.16", render_rc: int = 0, calls: list | None = None):
    def fake_run(cmd, **kwargs):
        if cmd[1:] == ["--version"]:
            return subprocess.CompletedProcess(cmd, 0, version + "\n", "")
        if calls is not None:
            calls.append((cmd, kwargs))
        if render_rc:
            return subprocess.CompletedProcess(cmd, render_rc, "", "ERROR: typst failed")
        site = Path(kwargs["cwd"]) / "_book"
        site.mkdir()
        (site / "lkjip.pdf").write_bytes(b"%PDF-1.7 quarto")
        (site / "index.html").write_text(
            '<html lang="id"><span class="chapter-number">3</span></html>', encoding="utf-8"
        )
        return subprocess.CompletedProcess(cmd, 0, "", "")

    return fake_run


def test_quarto_path_command_line(stitched, tmp_path, monkeypatch, capsys):
    """The command line and file handling of the Quarto path, Quarto mocked."""
    monkeypatch.delenv("LKJIP_RENDERER", raising=False)
    book = _copy_book(stitched, tmp_path)
    calls = []
    monkeypatch.setattr(render.shutil, "which", lambda name: f"/opt/quarto/bin/{name}")
    monkeypatch.setattr(render.subprocess, "run", _fake_quarto(calls=calls))
    out_html, out_pdf = tmp_path / "out" / "lkjip-2017.html", tmp_path / "out" / "lkjip-2017.pdf"
    used = render.render(book, out_html, out_pdf, META)

    assert used == "quarto"
    assert "render: Quarto 1.10.16 (/opt/quarto/bin/quarto)" in capsys.readouterr().out
    ((cmd, kwargs),) = calls
    assert cmd == ["/opt/quarto/bin/quarto", "render", str(book.resolve()), "--no-execute"]
    assert kwargs["cwd"] == book.resolve()
    assert out_pdf.read_bytes() == b"%PDF-1.7 quarto"
    # the book is outside the folder of out_html: the HTML book is copied next to it
    assert 'url=lkjip-2017_html/index.html"' in out_html.read_text(encoding="utf-8")
    index = (tmp_path / "out" / "lkjip-2017_html" / "index.html").read_text(encoding="utf-8")
    assert "BAB\u00a0III" in index
    conf = yaml.safe_load((book / "_quarto.yml").read_text(encoding="utf-8"))
    assert conf["execute"] == {"enabled": False}
    assert conf["lang"] == "id"
    assert conf["crossref"]["chapters"] is True
    assert conf["crossref"]["tbl-prefix"] == "Tabel" and conf["crossref"]["fig-prefix"] == "Gambar"
    # invalid under crossref since Quarto 1.4 ("property name ch-prefix is invalid")
    assert not {"ch-prefix", "sec-prefix"} & set(conf["crossref"])
    assert set(conf["format"]) == {"html", "typst"}
    assert conf["book"]["title"] == "Laporan Kinerja Instansi Pemerintah \\(LKjIP\\)"
    assert conf["book"]["author"]  # the Typst book template fails without one


def test_quarto_html_book_inside_outputs_is_linked_relatively(stitched, tmp_path, monkeypatch):
    monkeypatch.delenv("LKJIP_RENDERER", raising=False)
    out = tmp_path / "outputs" / "2017"
    book = out / "book"
    import shutil

    shutil.copytree(stitched.book_dir, book)
    monkeypatch.setattr(render.shutil, "which", lambda name: f"/opt/quarto/bin/{name}")
    monkeypatch.setattr(render.subprocess, "run", _fake_quarto())
    render.render(book, out / "lkjip-2017.html", out / "lkjip-2017.pdf", META)
    assert 'url=book/_book/index.html"' in (out / "lkjip-2017.html").read_text(encoding="utf-8")
    assert not (out / "lkjip-2017_html").exists()


def test_quarto_failure_is_a_build_error(stitched, tmp_path, monkeypatch):
    monkeypatch.delenv("LKJIP_RENDERER", raising=False)
    book = _copy_book(stitched, tmp_path)
    monkeypatch.setattr(render.shutil, "which", lambda name: "/usr/bin/quarto")
    monkeypatch.setattr(render.subprocess, "run", _fake_quarto(render_rc=1))
    with pytest.raises(BuildError, match="typst failed"):
        render.render(book, tmp_path / "x.html", tmp_path / "x.pdf", META)


def test_old_quarto_falls_back_to_builtin_with_reason(stitched, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("LKJIP_RENDERER", raising=False)
    book = _copy_book(stitched, tmp_path)
    monkeypatch.setattr(render.shutil, "which", lambda name: "/usr/bin/quarto")
    monkeypatch.setattr(render, "render_builtin", lambda *a, **k: None)
    monkeypatch.setattr(render.subprocess, "run", _fake_quarto(version="1.4.550"))
    used = render.render(book, tmp_path / "x.html", tmp_path / "x.pdf", META)
    assert used == "builtin"
    assert "Quarto 1.4.550; Typst books need Quarto >= 1.9" in capsys.readouterr().out
    with pytest.raises(BuildError, match="LKJIP_RENDERER=quarto but .*1.4.550"):
        render.render(book, tmp_path / "x.html", tmp_path / "x.pdf", META, renderer="quarto")


def test_missing_quarto(monkeypatch):
    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    assert render.find_quarto() == (None, render.NO_QUARTO)
    assert render.parse_quarto_version("1.10.16\n") == (1, 10, 16)
    assert render.parse_quarto_version("nothing") is None


def test_environment_can_force_the_builtin_renderer(stitched, tmp_path, monkeypatch):
    book = _copy_book(stitched, tmp_path)
    monkeypatch.setattr(render.shutil, "which", lambda name: "/usr/bin/quarto")
    monkeypatch.setenv("LKJIP_RENDERER", "builtin")
    used = render.render(book, tmp_path / "x.html", tmp_path / "x.pdf", META)
    assert used == "builtin"


def test_quarto_lists_are_added_for_the_render_only(stitched, tmp_path):
    book = _copy_book(stitched, tmp_path)
    before = (book / "_quarto.yml").read_text(encoding="utf-8")
    tables, figures = render.float_entries(book, render.read_book_config(book))
    assert [(e.id, e.page, e.number) for e in tables] == [
        ("tbl-data-uji", "01-bab1.html", None),
        ("tbl-capaian-lebar", "02-bab3.html", None),
        ("tbl-ikm", "02-bab3.html", None),
        ("tbl-dokumen", "03-lampiran.html", "L.1"),
    ]
    assert [e.id for e in figures] == ["fig-tren", "fig-ikm"]
    assert tables[0].caption and "{" not in tables[0].caption

    original = render.write_quarto_lists(book)
    assert original == before
    conf = yaml.safe_load((book / "_quarto.yml").read_text(encoding="utf-8"))
    chapters = conf["book"]["chapters"]
    assert chapters[:3] == ["index.md", "daftar-tabel.md", "daftar-gambar.md"]
    assert set(render.QUARTO_LISTS) <= set(conf["project"]["render"])
    lot = (book / "daftar-tabel.md").read_text(encoding="utf-8")
    assert lot.startswith("# Daftar Tabel {.unnumbered .lkjip-daftar}")
    assert "- [@tbl-data-uji]. " in lot  # Quarto numbers it and links to its page
    assert "- [Tabel\u00a0L.1](03-lampiran.html#tbl-dokumen). Daftar dokumen pendukung" in lot
    assert "- [@fig-tren]. " in (book / "daftar-gambar.md").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- real Quarto


@pytest.fixture(scope="module")
def quarto_twice(stitched, tmp_path_factory):
    """The fixture book rendered twice by the real Quarto, with SOURCE_DATE_EPOCH."""
    import shutil

    runs = []
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        for i in range(2):
            out = tmp_path_factory.mktemp(f"quarto{i}") / "outputs" / "2017"
            shutil.copytree(stitched.book_dir, out / "book")
            used = render.render(
                out / "book",
                out / "lkjip-2017.html",
                out / "lkjip-2017.pdf",
                META,
                renderer="quarto",
            )
            assert used == "quarto"
            runs.append(out)
    finally:
        mp.undo()
    return runs


@requires_quarto
@pytest.mark.quarto
def test_real_quarto_renders_the_book(quarto_twice):
    out = quarto_twice[0]
    site = out / "book" / "_book"
    assert 'url=book/_book/index.html"' in (out / "lkjip-2017.html").read_text(encoding="utf-8")
    pages = {p.name: p.read_text(encoding="utf-8") for p in site.glob("*.html")}
    assert {"index.html", "01-bab1.html", "02-bab3.html", "03-lampiran.html"} <= set(pages)
    assert '<span class="chapter-number">BAB\u00a0II</span>' in pages["index.html"]
    assert "Tabel&nbsp;1.1." in pages["01-bab1.html"]
    assert "Gambar&nbsp;2.1." in pages["02-bab3.html"]
    assert "Tabel&nbsp;L.1." in pages["03-lampiran.html"]
    assert '<a href="#tbl-dokumen">Tabel&nbsp;L.1</a>' in pages["03-lampiran.html"]
    assert '<div id="tbl-dokumen" class="tabel-lampiran' in pages["03-lampiran.html"]
    assert 'type="module"' not in pages["index.html"]  # works from file://
    assert (site / "search.json").is_file()
    # Daftar Tabel / Daftar Gambar pages, in the sidebar, linking to each float's page
    assert 'href="./daftar-tabel.html"' in pages["index.html"]
    assert 'href="./daftar-gambar.html"' in pages["index.html"]
    lot = " ".join(pages["daftar-tabel.html"].split())
    assert re.search(r'href="(\./)?01-bab1\.html#tbl-data-uji"[^>]*>Tabel&nbsp;(<span>)?1\.1', lot)
    assert '<a href="03-lampiran.html#tbl-dokumen">Tabel&nbsp;L.1</a>' in lot
    assert re.search(r'href="(\./)?02-bab3\.html#fig-ikm"', pages["daftar-gambar.html"])
    # ... added for the render only: the book stays as stitched (the built-in renderer
    # reads the same _quarto.yml)
    conf = yaml.safe_load((out / "book" / "_quarto.yml").read_text(encoding="utf-8"))
    assert not set(render.QUARTO_LISTS) & set(conf["book"]["chapters"])
    assert not any((out / "book" / name).exists() for name in render.QUARTO_LISTS)
    # a Lampiran section without {.unnumbered} is not numbered "2.1" after BAB II
    lampiran = " ".join(re.sub(r"<[^>]+>", " ", pages["03-lampiran.html"]).split())
    assert "Dokumen Pendukung" in lampiran
    assert not re.search(r"\d Dokumen Pendukung", lampiran)
    reader = PdfReader(str(out / "lkjip-2017.pdf"))
    lines = [
        _norm(line).strip() for p in reader.pages for line in (p.extract_text() or "").splitlines()
    ]
    text = " ".join(lines)
    for label in ("Tabel 1.1.", "Tabel 2.2.", "Gambar 1.1.", "Tabel L.1.", "Daftar Tabel"):
        assert label in text, label
    assert not re.search(r"\b(Chapter|Table|Figure|Author|Published)\b", text)
    # PDF: chapters "BAB I", "BAB II" as in the built-in renderer; the Lampiran
    # section unnumbered; the HTML-only list pages are not chapters of the PDF
    assert "BAB I Pendahuluan" in lines and "BAB II Akuntabilitas Kinerja" in lines
    assert any(re.match(r"BAB II Akuntabilitas Kinerja( \.)+ \d+$", x) for x in lines)  # Daftar Isi
    assert "Dokumen Pendukung" in lines
    assert not [x for x in lines if re.fullmatch(r"\d+(\.\d+)*\.? Dokumen Pendukung", x)]
    assert not re.search(r"\bBab 2\.? Lampiran", text)
    assert text.count("Daftar dokumen pendukung") == 2  # in Daftar Tabel and its caption only


@requires_quarto
@pytest.mark.quarto
def test_real_quarto_html_is_reproducible(quarto_twice):
    first, second = (out / "book" / "_book" for out in quarto_twice)
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert names == sorted(
        p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file()
    )
    differ = [
        n
        for n in names
        if not n.endswith(".pdf") and (first / n).read_bytes() != (second / n).read_bytes()
    ]
    assert differ == []


def test_roman_chapter_numbers():
    html = '<span class="chapter-number">4</span> <span class="header-section-number">4.1</span>'
    out = render.roman_chapter_numbers(html)
    assert out.startswith('<span class="chapter-number">BAB\u00a0IV</span>')
    assert "4.1" in out


def test_classic_quarto_script(tmp_path):
    """quarto.js and its imported module become one classic script (for file://)."""
    lib = tmp_path / "site_libs" / "quarto-html"
    (lib / "tabsets").mkdir(parents=True)
    (lib / "tabsets" / "tabsets.js").write_text("export function init() { return 41 + 1; }\n")
    (lib / "quarto.js").write_text(
        'import * as tabsets from "./tabsets/tabsets.js";\nwindow.answer = tabsets.init();\n'
    )
    assert render.classic_quarto_script(tmp_path) == render.CLASSIC_JS
    code = (tmp_path / render.CLASSIC_JS).read_text()
    assert "import " not in code and "export " not in code
    assert "const tabsets = " in code and "return { init };" in code
    page = (
        '<script src="site_libs/quarto-html/quarto.js" type="module"></script>\n'
        '<script src="site_libs/quarto-html/tabsets/tabsets.js" type="module"></script>\n'
    )
    rewritten = render._MODULE_TAGS_RE.sub(
        lambda m: f'<script src="{render.CLASSIC_JS}" defer></script>' if m.group(2) else "", page
    )
    assert rewritten == f'<script src="{render.CLASSIC_JS}" defer></script>'
    (lib / "quarto.js").write_text('import { x } from "./other.js";\n')
    assert render.classic_quarto_script(tmp_path) is None  # unknown shape: left alone


def test_table_numbers_follow_the_numbering_of_the_filters(tmp_path):
    """table_numbers gives each table the number lkjip-nomor.lua prints."""
    from lkjip_helpers.build.render import table_numbers

    chapters = {
        "index.md": "# Kata Pengantar {.unnumbered}\n\nteks\n\n"
        "# Ikhtisar Eksekutif {#sec-ie .unnumbered}\n\n| a |\n|---|\n| 1 |\n\n"
        ": Ringkasan {#tbl-ie-1}\n\n| a |\n|---|\n| 1 |\n\n: Anggaran {#tbl-ie-2}\n",
        "01.md": "# Pendahuluan {#sec-bab1}\n\n| a |\n|---|\n| 1 |\n\n: Satu {#tbl-satu}\n\n"
        "```\n: bukan {#tbl-kode}\n```\n",
        "02.md": '# Hasil\n\n| a |\n|---|\n| 1 |\n\n: Dua {#tbl-dua tbl-colwidths="[10]"}\n\n'
        "| a |\n|---|\n| 1 |\n\n: Tiga {#tbl-tiga}\n",
        "03.md": "# Lampiran {.unnumbered}\n\n| a |\n|---|\n| 1 |\n\n: Formulir {#tbl-l1}\n",
        "04.md": "# Lampiran Data {.unnumbered}\n\n| a |\n|---|\n| 1 |\n\n: Data {#tbl-l2}\n",
    }
    for name, text in chapters.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "_quarto.yml").write_text(
        "book:\n  chapters: [index.md, 01.md, 02.md, 03.md, 04.md]\n", encoding="utf-8"
    )
    assert table_numbers(tmp_path) == {
        "tbl-ie-1": "Tabel IE.1",
        "tbl-ie-2": "Tabel IE.2",
        "tbl-satu": "Tabel 1.1",
        "tbl-dua": "Tabel 2.1",
        "tbl-tiga": "Tabel 2.2",
        "tbl-l1": "Tabel L.1",
        "tbl-l2": "Tabel L.2",
    }
    # and the built-in renderer prints those numbers (HTML of the same book)
    for asset in ("filters", "templates"):
        shutil.copytree(ROOT / "book" / asset, tmp_path / asset)
    shutil.copy(ROOT / "book" / "lkjip.css", tmp_path)
    cfg = render.read_book_config(tmp_path)
    html = render._run_pandoc(
        render.pandoc_command(tmp_path, "html", cfg, render.normalise_meta(META)), tmp_path, "HTML"
    )
    for label, number in table_numbers(tmp_path).items():
        assert re.search(rf'id="{label}".*?{number.replace(" ", ".")}\.', html, re.S), label
