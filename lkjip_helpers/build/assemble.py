"""The built-in renderer chapter by chapter: each chapter file rendered once, the book assembled.

A prose edit changes one chapter, yet pandoc read and wrote the whole book again
for both outputs. Here pandoc renders each chapter file on its own, to an HTML
fragment and to Typst markup, and the result is kept (``cache``) under a key of
everything it depends on: the chapter's text, the numbering state the chapters
before it leave (``book/filters/lkjip-nomor.lua``, chapter mode), the filters, the
options and the pandoc version. The book is then put together here:

* cross references: the filter writes a token per ``@label``; it is replaced by the
  label as rendered by the chapter that holds it (an unknown label is an error, as
  before);
* Daftar Isi / Tabel / Gambar go where the filter left their placeholder (HTML:
  lists of links written here from the chapters' entries; Typst: ``#outline()``);
* the sidebar of the HTML page is the same list of headings (pandoc's ``--toc``);
* the page around the body (cover, sidebar, ``<head>``; Typst's preamble and cover)
  is pandoc's own template run on an empty document;
* footnotes: pandoc numbers them per chapter, so their ids get the chapter's index;
* resources are embedded here (images as data URIs, the stylesheet inline), which
  is what ``--embed-resources`` did at a third of the whole HTML render's time.

Every chapter is parsed on its own, as Quarto parses a book: a footnote or a
reference link defined in another chapter file is not seen (none of the report's
chapters relies on it). Header ids stay unique across the book as when pandoc read
it in one piece (an id used in an earlier chapter gets ``-1``, ``-2``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import mimetypes
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lkjip_helpers.core.exceptions import BuildError
from lkjip_helpers.data.io import write_file_atomically

#: Bump when what a chapter run produces changes in a way its key does not show.
CHAPTER_FORMAT = 1
REF_RE = re.compile("\ue000([^\ue001]*)\ue001")
FRONT = {"html": "<!--LKJIP-FRONT-->", "typst": "// LKJIP-FRONT"}
BODY_MARK = {"html": "<!--LKJIP-BODY-->", "typst": "// LKJIP-BODY"}
TOC_MARK = "<!--LKJIP-TOC-->"

#: The numbering state before the first chapter (chapter mode of lkjip-nomor.lua).
START_STATE = {
    "chapter": 0,
    "prefix": "",
    "in_lampiran": False,
    "numbered": False,
    "sec": [0, 0, 0, 0, 0, 0],
    "count": [0, 0],
    "lampiran_count": [0, 0],
    "h1_index": 0,
    "first_unnumbered": False,
    "placed": False,
    "numbered_seen": False,
    "ids": [],
}


@dataclass(frozen=True)
class Chapter:
    """One chapter file rendered in one format: its output and what the book needs of it."""

    name: str
    output: str
    index: dict

    @property
    def state(self) -> dict:
        return self.index["state"]


def _as_list(value) -> list:
    # an empty Lua table is written as {} by pandoc.json
    return list(value) if isinstance(value, list) else []


def _as_dict(value) -> dict:
    return dict(value) if isinstance(value, dict) else {}


class ChapterRunner:
    """Render chapter files one at a time with pandoc, through an optional cache.

    Parameters
    ----------
    book_dir : Path
        The stitched book (filters and templates inside it).
    command : callable
        ``command(fmt, chapter, state_file, index_file)`` -> pandoc's argument list.
    fingerprint : str
        Everything besides a chapter's text and state that its output depends on.
    cache : Path, optional
        Folder of rendered chapters; None renders every chapter.
    """

    def __init__(
        self,
        book_dir: Path,
        command: Callable[[str, str, Path, Path], list[str]],
        fingerprint: str,
        cache: Path | None = None,
    ):
        self.book_dir = Path(book_dir)
        self.command = command
        self.fingerprint = fingerprint
        self.cache = None if cache is None else Path(cache)
        self.rendered: list[str] = []  # "<fmt>:<chapter>" actually run (for tests, bench)

    def key(self, fmt: str, text: bytes, state: dict) -> str:
        h = hashlib.sha256()
        h.update(f"chapter-format={CHAPTER_FORMAT};{fmt};{self.fingerprint}\n".encode())
        h.update(json.dumps(state, sort_keys=True).encode())
        h.update(b"\n")
        h.update(text)
        return h.hexdigest()

    def _load(self, key: str, name: str) -> Chapter | None:
        if self.cache is None:
            return None
        folder = self.cache / key[:2] / key
        try:
            output = (folder / "output").read_text(encoding="utf-8")
            index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return Chapter(name, output, index)

    def _store(self, key: str, chapter: Chapter) -> None:
        if self.cache is None:
            return
        folder = self.cache / key[:2] / key
        try:
            write_file_atomically(folder / "output", chapter.output.encode("utf-8"))
            write_file_atomically(
                folder / "index.json", json.dumps(chapter.index, ensure_ascii=False).encode()
            )
        except OSError:
            pass  # a cache that cannot be written only costs time

    def _run(self, fmt: str, name: str, state: dict) -> Chapter:
        with tempfile.TemporaryDirectory(prefix="lkjip-bab-") as tmp:
            state_file, index_file = Path(tmp) / "state.json", Path(tmp) / "index.json"
            state_file.write_text(json.dumps(state), encoding="utf-8")
            proc = subprocess.run(
                self.command(fmt, name, state_file, index_file),
                cwd=self.book_dir,
                capture_output=True,
                text=True,
                encoding="utf-8",
                check=False,
            )
            if proc.returncode != 0:
                raise BuildError(
                    f"pandoc failed writing {name} ({fmt}, exit {proc.returncode}):\n{proc.stderr}"
                )
            warnings = [line for line in proc.stderr.splitlines() if line.strip()]
            for line in warnings:
                # e.g. a duplicate id in one chapter, shown as pandoc wrote it
                print(f"pandoc ({name}, {fmt}): {line}", file=sys.stderr)
            index = json.loads(index_file.read_text(encoding="utf-8"))
        self.rendered.append(f"{fmt}:{name}")
        return Chapter(name, proc.stdout, index)

    def page(self, fmt: str, source: str, make: Callable[[], str]) -> str:
        """The page around the body (``make()``, a pandoc run), cached on ``source``."""
        key = self.key(f"page-{fmt}", source.encode("utf-8"), {})
        cached = self._load(key, "page")
        if cached is not None:
            return cached.output
        output = make()
        self._store(key, Chapter("page", output, {}))
        return output

    def render(self, fmt: str, chapters: tuple[str, ...]) -> list[Chapter]:
        """Render ``chapters`` in order; each starts from the state its predecessor left."""
        out: list[Chapter] = []
        state = START_STATE
        for name in chapters:
            text = (self.book_dir / name).read_bytes()
            key = self.key(fmt, text, state)
            chapter = self._load(key, name)
            if chapter is None:
                chapter = self._run(fmt, name, state)
                self._store(key, chapter)
            out.append(chapter)
            state = chapter.state
        return out


# --------------------------------------------------------------------------- assembly


def resolve_references(text: str, labels: dict[str, str]) -> str:
    """Replace each cross-reference token by its label; BuildError naming the unknown ones."""
    unknown = sorted({m.group(1) for m in REF_RE.finditer(text) if m.group(1) not in labels})
    if unknown:
        raise unknown_labels(unknown)
    return REF_RE.sub(lambda m: labels[m.group(1)], text)


def unknown_labels(labels: list[str]) -> BuildError:
    """The error of cross references whose label no table, figure or section has."""
    return BuildError(
        f"cross references to unknown labels: {', '.join('@' + u for u in labels)}; "
        "check the label passed to show_table/show_figure/heading"
    )


def _labels(chapters: list[Chapter]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for ch in chapters:
        labels.update(_as_dict(ch.index.get("labels")))
    return labels


def _nested_list(entries: list[dict], field: str) -> str:
    """Entries of a table of contents as nested ``<ul>``, each under the one before it
    of a lower level (as the filter nests Daftar Isi and pandoc its ``--toc``)."""
    lines = ["<ul>"]
    i = 0
    while i < len(entries):
        entry = entries[i]
        j = i + 1
        while j < len(entries) and entries[j]["level"] > entry["level"]:
            j += 1
        children = entries[i + 1 : j]
        if children:
            lines.append(f"<li>{entry[field]}\n{_nested_list(children, field)}</li>")
        else:
            lines.append(f"<li>{entry[field]}</li>")
        i = j
    lines.append("</ul>")
    return "\n".join(lines)


def _front_html(chapters: list[Chapter]) -> str:
    front = _as_dict(chapters[0].index.get("front")) if chapters else {}
    contents = [e for ch in chapters for e in _as_list(ch.index.get("contents"))]
    tables = [t for ch in chapters for t in _as_list(ch.index.get("tables"))]
    figures = [f for ch in chapters for f in _as_list(ch.index.get("figures"))]
    parts = [
        f'<div id="daftar-isi" class="daftar">\n{front["toc_title"]}\n'
        f"{_nested_list(contents, 'link')}\n</div>"
    ]
    for items, ident, title in (
        (tables, "daftar-tabel", front["lot_title"]),
        (figures, "daftar-gambar", front["lof_title"]),
    ):
        if items:
            lis = "\n".join(f"<li>{item}</li>" for item in items)
            parts.append(
                f'<div id="{ident}" class="daftar {ident}">\n{title}\n<ul>\n{lis}\n</ul>\n</div>'
            )
    return "\n".join(parts)


def _front_typst(chapters: list[Chapter]) -> str:
    front = _as_dict(chapters[0].index.get("front")) if chapters else {}
    lines = [front["toc_typst"]]
    if any(_as_list(ch.index.get("tables")) for ch in chapters):
        lines.append(front["lot_typst"])
    if any(_as_list(ch.index.get("figures")) for ch in chapters):
        lines.append(front["lof_typst"])
    return "\n\n".join(lines)


_FOOTNOTE_RE = re.compile(r'(id="|href="#)(fn\d+|fnref\d+|footnotes)"')


def _footnote_ids(fragment: str, n: int) -> str:
    """Pandoc numbers the footnotes of each chapter from 1: make their ids unique."""
    return _FOOTNOTE_RE.sub(lambda m: f'{m.group(1)}bab{n}-{m.group(2)}"', fragment)


def assemble_body(fmt: str, chapters: list[Chapter]) -> str:
    """The book's body in ``fmt``: the chapters in order, references and lists filled in."""
    if not chapters:
        raise BuildError("the book has no chapters to render")
    fragments = []
    for n, ch in enumerate(chapters):
        text = ch.output.rstrip("\n")
        fragments.append(_footnote_ids(text, n) if fmt == "html" else text)
    body = "\n".join(fragments) if fmt == "html" else "\n\n".join(fragments)
    front = _front_html(chapters) if fmt == "html" else _front_typst(chapters)
    if FRONT[fmt] in body:
        body = body.replace(FRONT[fmt], front, 1)
    else:  # no chapter took the lists: after the last one, as the filter does
        body = body + ("\n" if fmt == "html" else "\n\n") + front
    return resolve_references(body, _labels(chapters))


def sidebar_html(chapters: list[Chapter], depth: int) -> str:
    """The sidebar's list of headings (what pandoc's ``--toc`` wrote)."""
    entries = [
        e for ch in chapters for e in _as_list(ch.index.get("contents")) if e["level"] <= depth
    ]
    return _nested_list(entries, "sidebar") if entries else ""


def fill_page(page: str, fmt: str, body: str, toc: str = "") -> str:
    """Put ``body`` (and the sidebar ``toc``) into the page pandoc's template made."""
    if page.count(BODY_MARK[fmt]) != 1:
        raise BuildError(f"the {fmt} template must hold $body$ exactly once")
    page = page.replace(TOC_MARK, toc)
    before, after = page.split(BODY_MARK[fmt])
    return before + body + after


def page_template(template: str, fmt: str) -> str:
    """The template with its ``$body$`` (and ``$table-of-contents$``) left as marks."""
    out = template.replace("$body$", BODY_MARK[fmt])
    if fmt == "html":
        out = out.replace("$table-of-contents$", TOC_MARK)
    return out


# --------------------------------------------------------------------------- resources

_IMG_RE = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")')
_CSS_RE = re.compile(r'<link rel="stylesheet" href="([^"]+)"\s*/?>')
_REMOTE_RE = re.compile(
    r'<(?:img|script|iframe|audio|video|source|link|embed)\b[^>]*?\b(?:src|href)="(?!#|data:)([^"]+)"'
)


def _read_resource(base: Path, ref: str) -> bytes:
    path = (base / html.unescape(ref)).resolve()
    if re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I) or not path.is_file():
        raise BuildError(f"could not embed resources of the HTML:\nCould not fetch {ref}")
    return path.read_bytes()


def embed_resources(page: str, base: Path) -> str:
    """Images as data URIs and stylesheets inline: one file that asks nothing of the net.

    What ``pandoc --embed-resources`` did for this template; any other resource left
    to fetch is an error, so the page never loads anything from elsewhere.
    """

    def css(match: re.Match) -> str:
        text = _read_resource(base, match.group(1)).decode("utf-8")
        if re.search(r"url\(\s*['\"]?(?!data:)", text):
            raise BuildError(f"{match.group(1)} refers to url(...): embed it in the CSS itself")
        return f"<style>\n{text}\n</style>"

    def image(match: re.Match) -> str:
        ref = match.group(2)
        if ref.startswith("data:"):
            return match.group(0)
        data = _read_resource(base, ref)
        mime = mimetypes.guess_type(html.unescape(ref))[0] or "application/octet-stream"
        encoded = base64.b64encode(data).decode("ascii")
        return f"{match.group(1)}data:{mime};base64,{encoded}{match.group(3)}"

    page = _CSS_RE.sub(css, page)
    page = _IMG_RE.sub(image, page)
    left = _REMOTE_RE.search(page)
    if left:
        raise BuildError(f"could not embed resources of the HTML:\nCould not fetch {left.group(1)}")
    return page


def fingerprint(paths: list[Path], *parts: str) -> str:
    """A digest of files' bytes and of ``parts`` (what every chapter run depends on)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() + b"\0")
    for path in paths:
        h.update(os.fsencode(path.name) + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()
