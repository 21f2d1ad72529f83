"""Render the stitched book to one HTML file and one PDF.

Two renderers read the same book project (``outputs/<year>/book/_quarto.yml`` and
its Markdown chapters, see :mod:`lkjip_helpers.build.stitch`):

* **Quarto**, when ``quarto --version`` on PATH is >= 1.9 (Typst books; an older
  one is skipped with the reason printed): ``quarto render <book> --no-execute``
  renders the HTML book and the Typst PDF with Quarto's own crossref (lang
  ``id``, ``Tabel``/``Gambar``, chapters numbered, nothing executed);
  ``book/filters/lkjip-quarto.lua`` numbers Lampiran tables ``Tabel L.n``,
  leaves the sections of unnumbered chapters unnumbered, writes the PDF's
  Daftar Tabel/Gambar and its ``BAB III`` chapter headings
  (``book/templates/lkjip-bab.typ``); the chapter numbers of the HTML pages are
  written ``BAB III`` afterwards (:func:`roman_chapter_numbers`). The HTML book
  gets a Daftar Tabel and a Daftar Gambar page (:func:`write_quarto_lists`,
  for the Quarto run only).
  Quarto's HTML book is a small website in ``<book>/_book``; ``out_html``
  becomes a page that forwards to its ``index.html`` by a relative link (the
  site is copied next to ``out_html`` when the book folder is elsewhere).
* **built-in** otherwise (or with ``LKJIP_RENDERER=builtin``): pandoc
  (pypandoc-binary) and Typst (the ``typst`` wheel), in a few seconds:

  - chapter by chapter (:mod:`lkjip_helpers.build.assemble`): each chapter file is
    rendered alone and cached; the book is put together from the chapters;
  - HTML: one self-contained file (images as data URIs, CSS inline, no script, no
    request leaving the machine), ``lang="id"``,
    Daftar Isi / Daftar Tabel / Daftar Gambar as lists of links to the ids of
    headings, tables and figures, ``<th scope="col">``, ``<figcaption>``, image alt
    from ``fig-alt``, print CSS for A4;
  - PDF: pandoc writes Typst markup (``book/templates/lkjip.typ``), compiled by
    ``typst.compile`` with the fonts embedded in the typst wheel only (Libertinus
    Serif; system fonts ignored, so every machine produces the same PDF): A4,
    cover page, Kata Pengantar, Daftar Isi/Tabel/Gambar with page numbers,
    numbered chapters, roman then arabic page numbers in the footer.

  Numbering (``BAB I``, ``1.1``, ``Tabel 3.1``, ``Gambar 3.1``, ``@tbl-x`` ->
  ``Tabel 3.1``) is done once by ``book/filters/lkjip-nomor.lua`` for both
  outputs, so HTML and PDF agree; it follows Quarto's rules (per-chapter
  numbers, ``crossref`` titles and ``title-delim`` from ``_quarto.yml``). Tables
  of an unnumbered chapter carry its initials (``Tabel IE.1`` in the Ikhtisar
  Eksekutif), those of Lampiran chapters ``Tabel L.1`` (under Quarto,
  ``lkjip-quarto.lua`` numbers them alike; :func:`table_numbers` gives the same
  numbers from the stitched book).

Tables in both renderers: column widths computed from content by
``laporan/display.column_widths`` (the ``tbl-colwidths`` attribute of each
table); in the PDF, the Typst style ``templates/lkjip-gaya.typ`` keeps a
caption with its table, repeats the header row on each page and never breaks a
table with fewer than three body rows on a page (a table of up to eight rows
does not break).

Reproducibility: with ``SOURCE_DATE_EPOCH`` set, two renders of the same book are
byte-identical (HTML and PDF: the epoch becomes the PDF's creation date). Without
it, the PDFs differ only in their creation date.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

from lkjip_helpers.build import assemble, typst_worker
from lkjip_helpers.core.exceptions import BuildError
from lkjip_helpers.data.io import write_file_atomically
from lkjip_helpers.laporan.markdown import escape_markdown

#: pandoc reader: Quarto's Markdown, without raw HTML/TeX (defence in depth: data is
#: escaped by report.py already, and trusted prose has no need for raw HTML).
READER = "markdown-raw_html-raw_tex"
REQUIRED_META = ("instansi", "tahun", "tempat", "tanggal")
DEFAULT_TITLE = "Laporan Kinerja Instansi Pemerintah (LKjIP)"
RENDERERS = ("auto", "quarto", "builtin")
#: Oldest Quarto that renders a book to Typst (PDF without LaTeX).
QUARTO_MIN = (1, 9)
#: Where Quarto writes the HTML book, inside the book folder (``project.output-dir``).
QUARTO_SITE = "_book"
#: Typst output written next to the chapters (images are resolved relative to it).
TYPST_FILE = "_lkjip.typ"


@dataclass(frozen=True)
class BookConfig:
    """What the built-in renderer takes from ``_quarto.yml``."""

    chapters: tuple[str, ...]
    lang: str = "id"
    output_file: str = "lkjip"
    number_depth: int = 3
    toc_depth: int = 3
    tbl_title: str = "Tabel"
    fig_title: str = "Gambar"
    title_delim: str = "."
    ch_prefix: str = "Bab"
    sec_prefix: str = "Subbab"
    toc_title: str = "Daftar Isi"
    lot_title: str = "Daftar Tabel"
    lof_title: str = "Daftar Gambar"


def _chapter_list(items) -> list[str]:
    out: list[str] = []
    for item in items or []:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            if "part" in item and isinstance(item["part"], str) and item["part"].endswith(".md"):
                out.append(item["part"])
            out += _chapter_list(item.get("chapters"))
    return out


def read_book_config(book_dir: str | Path) -> BookConfig:
    """Read the chapter list and the numbering options from ``<book_dir>/_quarto.yml``."""
    path = Path(book_dir) / "_quarto.yml"
    if not path.is_file():
        raise BuildError(f"{path} is missing: stitch the book first (lkjip_helpers.build.stitch)")
    try:
        conf = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise BuildError(f"{path} is not valid YAML: {exc}") from exc
    book = conf.get("book") or {}
    chapters = _chapter_list(book.get("chapters")) + _chapter_list(book.get("appendices"))
    if not chapters:
        raise BuildError(f"{path} lists no chapters (book.chapters is empty)")
    missing = [c for c in chapters if not (Path(book_dir) / c).is_file()]
    if missing:
        raise BuildError(f"{path} lists chapters that do not exist: {missing}")
    crossref = conf.get("crossref") or {}
    language = conf.get("language") or {}
    lang = str(conf.get("lang", "id"))
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang):
        raise BuildError(f"{path}: lang {lang!r} is not a language code like 'id'")

    def text(value, default):
        return default if value is None else str(value)

    return BookConfig(
        chapters=tuple(chapters),
        lang=lang,
        output_file=text(book.get("output-file"), "lkjip"),
        number_depth=int(conf.get("number-depth", 3)),
        toc_depth=int(conf.get("toc-depth", 3)),
        tbl_title=text(crossref.get("tbl-title"), "Tabel"),
        fig_title=text(crossref.get("fig-title"), "Gambar"),
        title_delim=text(crossref.get("title-delim"), "."),
        ch_prefix=text(language.get("crossref-ch-prefix"), "Bab"),
        sec_prefix=text(language.get("crossref-sec-prefix"), "Subbab"),
        toc_title=text(language.get("toc-title-document"), "Daftar Isi"),
        lot_title=text(crossref.get("lot-title"), "Daftar Tabel"),
        lof_title=text(crossref.get("lof-title"), "Daftar Gambar"),
    )


def normalise_meta(meta: dict) -> dict[str, str]:
    """Check the title-page fields and return them as text.

    ``meta`` keys: ``instansi`` (agency name), ``tahun`` (report year), ``tempat``
    and ``tanggal`` (place and date of the report, the date already written in
    Indonesian, e.g. ``formatting.tanggal(date)``); optional ``pemerintah``
    (``Pemerintah Kota Balikpapan``) and ``judul`` (default
    ``Laporan Kinerja Instansi Pemerintah (LKjIP)``).
    """
    missing = [k for k in REQUIRED_META if not str(meta.get(k) or "").strip()]
    if missing:
        raise BuildError(
            f"render: title-page fields {missing} are missing from meta; pass "
            "instansi, tahun, tempat and tanggal (from params/agency.yaml and <year>.yaml)"
        )
    out = {k: " ".join(str(meta[k]).split()) for k in REQUIRED_META}
    out["judul"] = " ".join(str(meta.get("judul") or DEFAULT_TITLE).split())
    if str(meta.get("pemerintah") or "").strip():
        out["pemerintah"] = " ".join(str(meta["pemerintah"]).split())
    return out


# --------------------------------------------------------------------------- numbers

_H1_RE = re.compile(r"^# (?P<title>.*?)\s*(?:\{(?P<attrs>[^{}]*)\})?\s*$")
_TBL_CAPTION_RE = re.compile(r"^:\s.*\{#(?P<label>tbl-[A-Za-z0-9_-]+)[\s}]")


def _chapter_prefix(title: str, attrs: str) -> str | None:
    """The number prefix of an unnumbered chapter's tables (as filters/lkjip-nomor.lua)."""
    classes = set(re.findall(r"\.([\w-]+)", attrs))
    if {"lampiran", "appendix"} & classes or title.lower().startswith("lampiran"):
        return "L"
    return "".join(w[0].upper() for w in title.split() if w[:1].isalpha()) or None


def _numbered_by_filter(attrs: str) -> bool:
    """Whether a chapter's tables are numbered by the filters, not by chapter number."""
    classes = set(attrs.split())
    return bool({".unnumbered", "-", ".lampiran", ".appendix"} & classes)


def table_numbers(book_dir: str | Path) -> dict[str, str]:
    """The number of every table of a stitched book: ``{"tbl-x": "Tabel 3.7"}``.

    The numbers both renderers print, by the rules of ``book/filters/lkjip-nomor.lua``
    (and ``lkjip-quarto.lua``): per numbered chapter ``3.1, 3.2 ...``; in an
    unnumbered chapter the initials of its title (``IE.1``); Lampiran chapters share
    one sequence ``L.1, L.2 ...``. For what is written after the render and must
    agree with the book (the report's table beside each audit finding).
    """
    cfg = read_book_config(book_dir)
    numbers: dict[str, str] = {}
    chapter, prefix, counts = 0, None, {}
    for name in cfg.chapters:
        fenced = False
        for line in (Path(book_dir) / name).read_text(encoding="utf-8").splitlines():
            if line.startswith(("```", "~~~")):
                fenced = not fenced
            if fenced:
                continue
            heading = _H1_RE.match(line)
            if heading:
                attrs = heading.group("attrs") or ""
                if _numbered_by_filter(attrs):
                    prefix = _chapter_prefix(heading.group("title"), attrs)
                else:
                    chapter += 1
                    prefix = str(chapter)
                if prefix != "L":
                    counts[prefix] = 0
                continue
            caption = _TBL_CAPTION_RE.match(line)
            if caption and prefix is not None:
                counts[prefix] = counts.get(prefix, 0) + 1
                numbers[caption.group("label")] = f"{cfg.tbl_title} {prefix}.{counts[prefix]}"
            elif caption:
                counts[None] = counts.get(None, 0) + 1
                numbers[caption.group("label")] = f"{cfg.tbl_title} {counts[None]}"
    return numbers


# --------------------------------------------------------------------------- entry point


def render(
    book_dir: str | Path,
    out_html: str | Path,
    out_pdf: str | Path,
    meta: dict,
    *,
    renderer: str | None = None,
    cache: Path | None = None,
) -> str:
    """Render the book project to ``out_html`` and ``out_pdf``.

    Parameters
    ----------
    book_dir : path
        The stitched book (``outputs/<year>/book``).
    out_html, out_pdf : path
        Files to write (``outputs/<year>/lkjip-<year>.html`` / ``.pdf``).
    meta : dict
        Title-page fields, see :func:`normalise_meta`.
    renderer : {"auto", "quarto", "builtin"}, optional
        Default: ``$LKJIP_RENDERER`` or ``auto`` (Quarto if on PATH, else built-in).
    cache : path, optional
        The built-in renderer's folder of rendered chapters (``.cache/chapters``);
        None renders every chapter.

    Returns
    -------
    str
        The renderer that ran: ``"quarto"`` or ``"builtin"`` (also printed).
    """
    book_dir = Path(book_dir)
    out_html, out_pdf = Path(out_html), Path(out_pdf)
    choice = (renderer or os.environ.get("LKJIP_RENDERER") or "auto").strip().lower()
    if choice not in RENDERERS:
        raise BuildError(f"unknown renderer {choice!r}: use one of {', '.join(RENDERERS)}")
    meta = normalise_meta(meta)
    quarto = None
    if choice in ("auto", "quarto"):
        quarto, reason = find_quarto()
        if quarto is None and choice == "quarto":
            raise BuildError(f"LKJIP_RENDERER=quarto but {reason}")
        if quarto is None:
            if reason != NO_QUARTO:
                print(f"render: not using Quarto: {reason}", flush=True)
            choice = "builtin"
        else:
            choice = "quarto"
    apply_meta(book_dir, meta)
    out_html.parent.mkdir(parents=True, exist_ok=True)
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    if choice == "quarto":
        path, version = quarto
        print(f"render: Quarto {version} ({path})", flush=True)
        render_quarto(book_dir, out_html, out_pdf, quarto=path)
    else:
        print(f"render: built-in (pandoc {_pandoc_version()} + typst)", flush=True)
        render_builtin(book_dir, out_html, out_pdf, meta, cache)
    print(f"render: {out_html} and {out_pdf} in {time.perf_counter() - start:.1f} s", flush=True)
    return choice


NO_QUARTO = "quarto is not on PATH"


def parse_quarto_version(text: str) -> tuple[int, ...] | None:
    """``"1.10.16"`` -> ``(1, 10, 16)``; None when ``text`` holds no version."""
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", text or "")
    if not match:
        return None
    return tuple(int(g) for g in match.groups() if g is not None)


def find_quarto() -> tuple[tuple[str, str] | None, str]:
    """Find a Quarto that can render the book: ``((path, version), "")`` or ``(None, reason)``.

    Quarto must be on PATH and at least :data:`QUARTO_MIN` (Typst books).
    """
    path = shutil.which("quarto")
    if not path:
        return None, NO_QUARTO
    try:
        out = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=120, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return None, f"{path} --version failed ({exc})"
    version = parse_quarto_version(out.stdout)
    if out.returncode != 0 or version is None:
        return None, f"{path} --version failed (exit {out.returncode}): {out.stderr.strip()[:200]}"
    shown = ".".join(map(str, version))
    if version[:2] < QUARTO_MIN:
        need = ".".join(map(str, QUARTO_MIN))
        return None, f"{path} is Quarto {shown}; Typst books need Quarto >= {need}"
    return (path, shown), ""


def apply_meta(book_dir: Path, meta: dict[str, str]) -> None:
    """Write the title-page fields into ``_quarto.yml`` (book title/author/date, ``lkjip:``).

    Values are Markdown-escaped: Quarto reads YAML strings as Markdown.
    """

    path = Path(book_dir) / "_quarto.yml"
    if not path.is_file():
        raise BuildError(f"{path} is missing: stitch the book first (lkjip_helpers.build.stitch)")
    text = path.read_text(encoding="utf-8")
    conf = yaml.safe_load(text) or {}
    book = conf.setdefault("book", {})
    book["title"] = escape_markdown(meta["judul"])
    book["subtitle"] = escape_markdown(f"{meta['instansi']} Tahun {meta['tahun']}")
    book["author"] = escape_markdown(meta.get("pemerintah") or meta["instansi"])
    book["date"] = escape_markdown(f"{meta['tempat']}, {meta['tanggal']}")
    conf["lkjip"] = {k: escape_markdown(v) for k, v in meta.items()}
    header = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
    new = header + yaml.safe_dump(conf, sort_keys=False, allow_unicode=True, width=100)
    if new != text:
        path.write_text(new, encoding="utf-8")


# --------------------------------------------------------------------------- Quarto


def quarto_command(book_dir: str | Path, quarto: str = "quarto") -> list[str]:
    """The Quarto command line: render every format of the book, execute nothing."""
    return [quarto, "render", str(book_dir), "--no-execute"]


_CHAPTER_NUMBER_RE = re.compile(r'<span class="chapter-number">(\d+)</span>')


def roman_chapter_numbers(html: str, prefix: str = "BAB") -> str:
    """Write Quarto's chapter numbers as the report writes them: ``3`` -> ``BAB III``.

    Quarto marks them ``<span class="chapter-number">3</span>`` (sidebar, page
    titles, navigation); section numbers (``3.1``) and crossref labels
    (``Tabel 3.1``) keep their arabic chapter number, as in the built-in renderer.
    """

    def roman(match: re.Match) -> str:
        n = int(match.group(1))
        return f'<span class="chapter-number">{prefix}\u00a0{_roman(n)}</span>'

    return _CHAPTER_NUMBER_RE.sub(roman, html)


def _roman(n: int) -> str:
    out = []
    for value, letters in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


#: Quarto >= 1.8 loads quarto.js (which imports tabsets.js) as ES modules.
QUARTO_JS = "site_libs/quarto-html/quarto.js"
CLASSIC_JS = "site_libs/quarto-html/quarto-classic.js"
_MODULE_TAGS_RE = re.compile(
    r'<script src="(site_libs/quarto-html/(?:(quarto)\.js|tabsets/tabsets\.js))" type="module"></script>\n?'
)
_IMPORT_RE = re.compile(r'^import \* as (\w+) from "\./([\w/.-]+)";\n', re.M)
_EXPORT_RE = re.compile(r"^export (function|const|let|class) (\w+)", re.M)


def classic_quarto_script(site: Path) -> str | None:
    """Write quarto.js and the modules it imports as one classic script; its path.

    Browsers refuse ES modules from file:// pages (CORS: the origin is null), so
    a book whose pages load ``<script type="module">`` loses its navigation
    scripts when opened from the disk, as a reviewer opens an e-mailed folder.
    The classic script (deferred, like a module) has the same code: each
    imported module becomes an object of its exports. Returns None when the site
    has no such quarto.js (older Quarto: nothing to do).
    """
    main = site / QUARTO_JS
    if not main.is_file():
        return None
    code = main.read_text(encoding="utf-8")
    parts = ['"use strict";']
    for name, rel in _IMPORT_RE.findall(code):
        module = (main.parent / rel).read_text(encoding="utf-8")
        exports = [n for _, n in _EXPORT_RE.findall(module)]
        if "import " in module or not exports:
            return None  # a shape this function does not know: leave the site as it is
        module = _EXPORT_RE.sub(lambda m: f"{m.group(1)} {m.group(2)}", module)
        parts.append(
            f"const {name} = (() => {{\n{module}\nreturn {{ {', '.join(exports)} }};\n}})();"
        )
    body = _IMPORT_RE.sub("", code)
    if re.search(r"^(import|export) ", body, re.M):
        return None
    parts.append(body)
    (site / CLASSIC_JS).write_text(
        "// quarto.js and its modules as one classic script, for file:// (lkjip_helpers)\n"
        + "(() => {\n"
        + "\n".join(parts)
        + "\n})();\n",
        encoding="utf-8",
    )
    return CLASSIC_JS


#: Pages of Quarto's HTML book listing the tables and figures (written by
#: :func:`write_quarto_lists` for the render only; the PDF has its own lists).
QUARTO_LISTS = ("daftar-tabel.md", "daftar-gambar.md")
_H1_LINE_RE = re.compile(r"^# (?P<title>.*?)\s*(?:\{(?P<attrs>[^}]*)\})?\s*$")
_TABLE_CAPTION_RE = re.compile(r"^: (?P<caption>.*?)\s*\{#(?P<id>tbl-[A-Za-z0-9_-]+)[^}]*\}\s*$")
_FIGURE_RE = re.compile(r"!\[(?P<caption>(?:\\.|[^\]\\])*)\]\([^)]*\)\{#(?P<id>fig-[A-Za-z0-9_-]+)")


@dataclass(frozen=True)
class ListEntry:
    """One line of a Daftar Tabel / Daftar Gambar page."""

    id: str
    caption: str  # Markdown, as in the chapter
    page: str  # the chapter's page of the HTML book ("03-akuntabilitas.html")
    number: str | None = None  # set when Quarto's crossref does not number it ("L.1")


def float_entries(book_dir: Path, cfg: BookConfig) -> tuple[list[ListEntry], list[ListEntry]]:
    """The tables and the figures of the book's chapters, in reading order.

    Read from the stitched Markdown (``: caption {#tbl-x}`` and
    ``![caption](file){#fig-x}``, as :mod:`lkjip_helpers.laporan.display` writes
    them). Tables of unnumbered and Lampiran chapters get their number here
    (``IE.1``, ``L.1``: :func:`table_numbers`, the rule of
    ``filters/lkjip-quarto.lua``), since Quarto's crossref does not know them.
    """
    tables: list[ListEntry] = []
    figures: list[ListEntry] = []
    numbers = table_numbers(book_dir)
    for chapter in cfg.chapters:
        page = Path(chapter).with_suffix(".html").name
        by_filter = False
        for line in (Path(book_dir) / chapter).read_text(encoding="utf-8").splitlines():
            h1 = _H1_LINE_RE.match(line)
            if h1:
                by_filter = _numbered_by_filter(h1.group("attrs") or "")
                continue
            table = _TABLE_CAPTION_RE.match(line)
            if table:
                number = None
                if by_filter and table.group("id") in numbers:
                    number = numbers[table.group("id")].removeprefix(f"{cfg.tbl_title} ")
                tables.append(ListEntry(table.group("id"), table.group("caption"), page, number))
            for figure in _FIGURE_RE.finditer(line):
                figures.append(ListEntry(figure.group("id"), figure.group("caption"), page))
    return tables, figures


def _list_page(title: str, entries: list[ListEntry], cfg: BookConfig, label: str) -> str:
    lines = [f"# {escape_markdown(title)} {{.unnumbered .lkjip-daftar}}", ""]
    for e in entries:
        if e.number is None:
            # Quarto writes the number and the link to the chapter page ("Tabel 3.1")
            ref = f"[@{e.id}]"
        else:
            ref = f"[{label}\u00a0{e.number}]({e.page}#{e.id})"
        lines.append(f"- {ref}{cfg.title_delim} {e.caption}")
    if not entries:
        lines.append("Tidak ada.")
    return "\n".join(lines) + "\n"


def write_quarto_lists(book_dir: Path) -> str:
    """Add the Daftar Tabel and Daftar Gambar pages to the book for Quarto.

    Writes :data:`QUARTO_LISTS` into ``book_dir`` and lists them in
    ``_quarto.yml`` right after the first chapter (Kata Pengantar), as the PDF
    and the built-in HTML place their lists. Returns the previous text of
    ``_quarto.yml`` (:func:`render_quarto` puts it back after the render, so the
    built-in renderer never sees these pages). In the Typst book the pages are
    dropped by ``filters/lkjip-quarto.lua`` (class ``.lkjip-daftar``): the PDF
    has its lists with page numbers.
    """
    book_dir = Path(book_dir)
    cfg = read_book_config(book_dir)
    tables, figures = float_entries(book_dir, cfg)
    pages = {
        QUARTO_LISTS[0]: _list_page(cfg.lot_title, tables, cfg, cfg.tbl_title),
        QUARTO_LISTS[1]: _list_page(cfg.lof_title, figures, cfg, cfg.fig_title),
    }
    for name, text in pages.items():
        (book_dir / name).write_text(text, encoding="utf-8")
    path = book_dir / "_quarto.yml"
    original = path.read_text(encoding="utf-8")
    conf = yaml.safe_load(original) or {}
    book = conf.setdefault("book", {})
    chapters = [c for c in book.get("chapters") or [] if c not in QUARTO_LISTS]
    book["chapters"] = chapters[:1] + list(QUARTO_LISTS) + chapters[1:]
    project = conf.setdefault("project", {})
    if project.get("render"):
        rendered = [c for c in project["render"] if c not in QUARTO_LISTS]
        project["render"] = rendered + list(QUARTO_LISTS)
    header = "".join(line + "\n" for line in original.splitlines() if line.startswith("#"))
    path.write_text(
        header + yaml.safe_dump(conf, sort_keys=False, allow_unicode=True, width=100),
        encoding="utf-8",
    )
    return original


def render_quarto(book_dir: Path, out_html: Path, out_pdf: Path, *, quarto: str = "quarto") -> None:
    """Run Quarto; copy the PDF to ``out_pdf``, make ``out_html`` open the HTML book.

    The HTML book stays in ``<book_dir>/_book`` when ``book_dir`` is inside the
    folder of ``out_html`` (``outputs/<year>/book``), else it is copied next to
    ``out_html`` (``<name>_html/``). ``out_html`` forwards to its ``index.html``
    by a relative link: the outputs folder can be zipped and opened anywhere,
    from the disk, without a server.
    """
    book_dir = Path(book_dir).resolve()
    cfg = read_book_config(book_dir)
    site = book_dir / QUARTO_SITE
    if site.exists():
        shutil.rmtree(site)
    original_yml = write_quarto_lists(book_dir)
    try:
        proc = subprocess.run(
            quarto_command(book_dir, quarto),
            cwd=book_dir,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        (book_dir / "_quarto.yml").write_text(original_yml, encoding="utf-8")
        for name in QUARTO_LISTS:
            (book_dir / name).unlink(missing_ok=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout or "").strip().splitlines()[-20:])
        raise BuildError(f"quarto render failed (exit {proc.returncode}):\n{tail}")
    pdf = site / f"{cfg.output_file}.pdf"
    if not pdf.is_file():
        raise BuildError(
            f"quarto render did not write {pdf}; check the typst format in _quarto.yml"
        )
    index = site / "index.html"
    if not index.is_file():
        raise BuildError(f"quarto render did not write {index}; check the html format")
    classic = classic_quarto_script(site)
    for page in sorted(site.glob("*.html")):
        text = page.read_text(encoding="utf-8")
        new = roman_chapter_numbers(text)
        if classic:
            new = _MODULE_TAGS_RE.sub(
                lambda m: f'<script src="{classic}" defer></script>' if m.group(2) else "", new
            )
        if new != text:
            page.write_text(new, encoding="utf-8")
    shutil.copyfile(pdf, out_pdf)
    out_dir = Path(out_html).resolve().parent
    if out_dir in site.parents:
        target = index
    else:
        html_dir = out_dir / (Path(out_html).stem + "_html")
        if html_dir.exists():
            shutil.rmtree(html_dir)
        shutil.copytree(site, html_dir)
        target = html_dir / "index.html"
    link = Path(os.path.relpath(target, out_dir)).as_posix()
    out_html.write_text(
        '<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0; url={link}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>LKjIP</title></head>"
        f'<body><p><a href="{link}">Buka laporan</a></p></body></html>\n',
        encoding="utf-8",
    )


# --------------------------------------------------------------------------- built-in


def _pandoc_path() -> str:
    try:
        # lazy: a renderer is imported only when it is the one chosen
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError) as exc:
        found = shutil.which("pandoc")
        if found:
            return found
        raise BuildError(
            "pandoc is not available: install pypandoc-binary (pip) or Quarto"
        ) from exc


def _pandoc_version() -> str:
    try:
        out = subprocess.run(
            [_pandoc_path(), "--version"], capture_output=True, text=True, check=True
        ).stdout
        return out.split()[1]
    except (OSError, subprocess.CalledProcessError, IndexError):
        return "?"


def _meta_args(cfg: BookConfig, meta: dict[str, str]) -> list[str]:
    """``--metadata`` of the title page (``meta``, none for one chapter) and of the options."""
    values = {"lang": cfg.lang}
    if meta:
        values["pagetitle"] = f"{meta['judul']} {meta['instansi']} Tahun {meta['tahun']}"
    values |= {
        **meta,
        "lkjip-tbl-title": cfg.tbl_title,
        "lkjip-fig-title": cfg.fig_title,
        "lkjip-title-delim": cfg.title_delim,
        "lkjip-ch-prefix": cfg.ch_prefix,
        "lkjip-sec-prefix": cfg.sec_prefix,
        "lkjip-number-depth": str(cfg.number_depth),
        "lkjip-toc-depth": str(cfg.toc_depth),
        "lkjip-toc-title": cfg.toc_title,
        "lkjip-lot-title": cfg.lot_title,
        "lkjip-lof-title": cfg.lof_title,
    }
    args = []
    for key, value in values.items():
        args += ["--metadata", f"{key}={value}"]
    return args


def _reader_args() -> list[str]:
    """How pandoc reads the chapters: the reader and the filters of both outputs."""
    return [
        "--from",
        READER,
        "--lua-filter",
        "filters/lkjip-blocks.lua",
        "--lua-filter",
        "filters/lkjip-nomor.lua",
    ]


def pandoc_command(book_dir: Path, to: str, cfg: BookConfig, meta: dict[str, str]) -> list[str]:
    """The pandoc command line of the built-in renderer (run with ``cwd=book_dir``)."""
    cmd = [_pandoc_path(), *cfg.chapters, *_reader_args(), "--standalone", *_meta_args(cfg, meta)]
    if to == "html":
        cmd += [
            "--to",
            "html5",
            "--template",
            "templates/lkjip.html",
            "--css",
            "lkjip.css",
            "--embed-resources",
            "--resource-path",
            ".",
            # The sidebar (template): chapters and sections, after the filter has
            # numbered them; the lists' own headings are .unlisted.
            "--toc",
            "--toc-depth",
            str(min(cfg.toc_depth, 2)),
        ]
    elif to == "typst":
        cmd += ["--to", "typst", "--template", "templates/lkjip.typ"]
    else:  # pragma: no cover
        raise ValueError(to)
    return cmd


def _run_pandoc(cmd: list[str], book_dir: Path, what: str) -> str:
    """Run pandoc in ``book_dir`` and return its output (BuildError on any problem).

    The whole book at once (the reference the chapter-by-chapter render is tested
    against).
    """
    proc = subprocess.run(
        cmd, cwd=book_dir, capture_output=True, text=True, encoding="utf-8", check=False
    )
    stderr = proc.stderr or ""
    if proc.returncode != 0:
        raise BuildError(f"pandoc failed writing the {what} (exit {proc.returncode}):\n{stderr}")
    unresolved = sorted(set(re.findall(r"LKJIP-UNRESOLVED (\S+)", stderr)))
    if unresolved:
        raise assemble.unknown_labels(unresolved)
    fetch = [line for line in stderr.splitlines() if "Could not fetch" in line]
    if fetch:
        raise BuildError(f"pandoc could not embed resources of the {what}:\n" + "\n".join(fetch))
    for line in stderr.splitlines():
        if line.strip():
            print(f"pandoc ({what}): {line}", file=sys.stderr)
    return proc.stdout


_TH_RE = re.compile(r"<th(?=[\s>])(?![^>]*\bscope=)")


def add_header_scope(html: str) -> str:
    """Give every ``<th>`` of the document ``scope="col"`` (pandoc writes none).

    Pandoc writes ``th`` only in table heads (column headers); text from data is
    escaped (``&lt;th``), so only real elements match.
    """
    return _TH_RE.sub('<th scope="col"', html)


def _typst_timestamp() -> int | None:
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None or not value.strip():
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise BuildError(f"SOURCE_DATE_EPOCH={value!r} is not a number of seconds") from exc


def compile_typst(typ_file: Path, out_pdf: Path, root: Path) -> None:
    """Compile Typst markup to PDF with the typst wheel (embedded fonts only), in the
    Typst worker process (:mod:`lkjip_helpers.build.typst_worker`)."""
    for text in typst_worker.compile_pdf(typ_file, out_pdf, root, _typst_timestamp()):
        print(f"typst: {text}", file=sys.stderr)


def chapter_command(
    cfg: BookConfig, fmt: str, chapter: str, state_file: Path, index_file: Path
) -> list[str]:
    """pandoc's command line for one chapter file in chapter mode (run with ``cwd=book_dir``)."""
    return [
        _pandoc_path(),
        chapter,
        *_reader_args(),
        *_meta_args(cfg, {}),
        "--metadata",
        f"lkjip-state-file={state_file}",
        "--metadata",
        f"lkjip-index-file={index_file}",
        # no line breaks of pandoc's: a reference's final label is not the token's width
        "--wrap=none",
        "--to",
        "html5" if fmt == "html" else "typst",
    ]


def _page(
    runner: assemble.ChapterRunner,
    fmt: str,
    cfg: BookConfig,
    meta: dict[str, str],
    toc: bool = False,
) -> str:
    """The page around the body, from the book's template: cover, ``<head>``, preamble
    (``toc``: the HTML page has a sidebar); cached on the templates and the fields."""
    book_dir = runner.book_dir
    templates = sorted((book_dir / "templates").glob("*"))
    source = json.dumps(
        [_meta_args(cfg, meta), toc] + [[t.name, t.read_text(encoding="utf-8")] for t in templates]
    )
    return runner.page(fmt, source, lambda: _run_page(book_dir, fmt, cfg, meta, toc))


def _run_page(book_dir: Path, fmt: str, cfg: BookConfig, meta: dict[str, str], toc: bool) -> str:
    template = book_dir / "templates" / f"lkjip.{'html' if fmt == 'html' else 'typ'}"
    # beside the original, so the template's partials (lkjip-gaya.typ) are found
    marked = template.with_name(f"_halaman-{template.name}")
    marked.write_text(
        assemble.page_template(template.read_text(encoding="utf-8"), fmt), encoding="utf-8"
    )
    cmd = [
        _pandoc_path(),
        "--from",
        READER,
        "--standalone",
        "--template",
        str(marked.relative_to(book_dir)),
        *_meta_args(cfg, meta),
    ]
    if fmt == "html":
        cmd += ["--to", "html5", "--css", "lkjip.css", "--toc"]
    else:
        cmd += ["--to", "typst"]
    # One heading, so that pandoc sets $toc$ (the sidebar is written by assemble).
    proc = subprocess.run(
        cmd,
        cwd=book_dir,
        input="# -\n" if toc else "",
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    marked.unlink(missing_ok=True)
    if proc.returncode != 0:
        raise BuildError(
            f"pandoc failed writing the {fmt} page (exit {proc.returncode}):\n{proc.stderr}"
        )
    return proc.stdout


def render_builtin(
    book_dir: Path,
    out_html: Path,
    out_pdf: Path,
    meta: dict[str, str],
    cache: Path | None = None,
) -> list[str]:
    """Render with pandoc and Typst, chapter by chapter (see :mod:`.assemble`).

    ``cache``: folder of rendered chapters (a chapter whose text and starting state
    are unchanged is not rendered again). Returns the chapter runs that pandoc did
    (``"html:04-penutup.md"``).
    """
    book_dir = Path(book_dir).resolve()
    cfg = read_book_config(book_dir)
    needed = [
        "filters/lkjip-blocks.lua",
        "filters/lkjip-nomor.lua",
        "templates/lkjip.html",
        "templates/lkjip.typ",
        "lkjip.css",
    ]
    for name in needed:
        if not (book_dir / name).is_file():
            raise BuildError(f"{book_dir / name} is missing: stitch the book again")
    fingerprint = assemble.fingerprint(
        [book_dir / name for name in needed[:2]],
        READER,
        _pandoc_path(),
        _pandoc_version(),
        json.dumps(_meta_args(cfg, {})),
    )
    runner = assemble.ChapterRunner(
        book_dir, lambda *a: chapter_command(cfg, *a), fingerprint, cache
    )
    tmp_pdf = Path(out_pdf).with_name(Path(out_pdf).name + ".tmp")
    # Two chains of chapters (HTML and Typst) side by side; the PDF compiles while
    # the HTML is put together.
    with ThreadPoolExecutor(max_workers=2) as pool:
        html_future = pool.submit(_html_page, runner, book_dir, cfg, meta)
        try:
            typ = assemble.fill_page(
                _page(runner, "typst", cfg, meta),
                "typst",
                assemble.assemble_body("typst", runner.render("typst", cfg.chapters)),
            )
            typ_file = book_dir / TYPST_FILE
            typ_file.write_text(typ, encoding="utf-8")
            compile_typst(typ_file, tmp_pdf, book_dir)
            page = html_future.result()
            write_file_atomically(Path(out_html), page.encode("utf-8"))
            os.replace(tmp_pdf, out_pdf)
        finally:
            html_future.cancel()
            tmp_pdf.unlink(missing_ok=True)
    return runner.rendered


def _html_page(runner: assemble.ChapterRunner, book_dir: Path, cfg: BookConfig, meta) -> str:
    chapters = runner.render("html", cfg.chapters)
    sidebar = assemble.sidebar_html(chapters, min(cfg.toc_depth, 2))
    page = assemble.fill_page(
        _page(runner, "html", cfg, meta, toc=bool(sidebar)),
        "html",
        assemble.assemble_body("html", chapters),
        sidebar,
    )
    return add_header_scope(assemble.embed_resources(page, book_dir))
