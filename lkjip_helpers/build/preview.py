"""Preview one chapter as the reader will see it, in seconds: ``make preview``.

``make preview CHAPTER=bab3 YEAR=2017`` (or ``report.pratinjau("03_akuntabilitas",
year)`` in a notebook's last cell) runs the chapter's notebooks through the build
cache (only a notebook whose inputs changed is executed again), stitches that
one chapter and renders it to one self-contained HTML file with the built-in
pandoc renderer and the book's own numbering filter, started at the chapter's
place in the book: ``BAB III``, ``Tabel 3.1``, ``Gambar 3.2``, cross references
inside the chapter resolved. A reference to another chapter cannot be resolved
from one chapter; it is shown marked (``?@tbl-x``) and listed.

The file is ``outputs/preview/<year>/<chapter>.html``; its path is printed, to be
opened in JupyterLab's HTML viewer (a notebook's last cell calls
``report.pratinjau``, which runs this as ``lkjip preview`` and shows a link). A prose file with an unknown placeholder, a
misspelt ``{fakta[...]}`` key or a renamed ``##`` heading stops the preview with
the notebook's message (file, line, what exists), as it stops the build.

Inside a build (``LKJIP_BUILD`` set in the kernels) it does nothing: a build
never previews.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from lkjip_helpers.build.data_step import build_data, processed_is_current
from lkjip_helpers.build.pipeline import BuildStats, Chapter, execute_jobs, plan_build
from lkjip_helpers.build.render import (
    add_header_scope,
    apply_meta,
    normalise_meta,
    pandoc_command,
    read_book_config,
)
from lkjip_helpers.build.stitch import stitch
from lkjip_helpers.core import config
from lkjip_helpers.core.exceptions import BuildError
from lkjip_helpers.data.io import display_path, write_file_atomically
from lkjip_helpers.laporan.context import render_meta

#: Set in the environment of the build's kernels: the notebooks' preview cell is a no-op.
IN_BUILD_ENV = "LKJIP_BUILD"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9}


@dataclass
class PreviewResult:
    """What :func:`preview` made and how long it took."""

    html: Path
    chapter: str
    seconds: float
    stats: BuildStats
    unresolved: list[str] = field(default_factory=list)


def preview_dir(year: int) -> Path:
    """``outputs/preview/<year>/``: kept apart from the atomically swapped ``outputs/<year>``."""
    return config.outputs_dir() / "preview" / str(year)


def find_chapter(chapters: list[Chapter], name: str) -> tuple[int, Chapter]:
    """The chapter called ``name``: its id (``bab3``), number (``3``, ``III``),
    title (``Akuntabilitas Kinerja``) or one of its notebooks (``03_iku.ipynb``)."""
    wanted = str(name).strip()
    key = wanted.lower().removeprefix("bab").strip()
    numbered = [i for i, ch in enumerate(chapters) if ch.numbered]
    number = int(key) if key.isdigit() else _ROMAN.get(key)
    for i, ch in enumerate(chapters):
        notebooks = {j.source.name for j in ch.jobs} | {j.source.stem for j in ch.jobs}
        if wanted in (ch.id, ch.title) or wanted.lower() == ch.title.lower():
            return i, ch
        if wanted in notebooks or Path(wanted).name in notebooks:
            return i, ch
    if number is not None and 1 <= number <= len(numbered):
        i = numbered[number - 1]
        return i, chapters[i]
    known = ", ".join(f"{ch.id} ({ch.title})" for ch in chapters)
    raise BuildError(
        f"no chapter {wanted!r} in {display_path(config.report_file())}; chapters: {known}. "
        "Give an id, a number (3 or III), a title or a notebook name."
    )


def _render_html(book_dir: Path, out_html: Path, meta: dict, offset: int) -> list[str]:
    """Render the one-chapter book to HTML; return the labels left unresolved."""
    cfg = read_book_config(book_dir)
    apply_meta(book_dir, meta)
    cmd = pandoc_command(book_dir, "html", cfg, meta)
    cmd += ["--metadata", f"lkjip-chapter-offset={offset}"]
    proc = subprocess.run(
        cmd, cwd=book_dir, capture_output=True, text=True, encoding="utf-8", check=False
    )
    if proc.returncode != 0:
        raise BuildError(
            f"pandoc failed writing the preview (exit {proc.returncode}):\n{proc.stderr}"
        )
    unresolved = sorted(set(re.findall(r"LKJIP-UNRESOLVED (\S+)", proc.stderr or "")))
    page = add_header_scope(proc.stdout)
    note = (
        '<div class="pratinjau" style="border:1px solid #c90;background:#fff8e5;'
        'padding:6px 10px;margin:8px 0;font-family:sans-serif;font-size:90%">'
        "<b>Pratinjau satu bab</b>: penomoran, keterangan tabel/gambar dan rujukan "
        "seperti di laporan. Rujukan ke bab lain ditandai <b>?@label</b>"
        + (f" ({html.escape(', '.join('@' + u for u in unresolved))})" if unresolved else "")
        + ". Laporan lengkap: <code>make report</code>.</div>"
    )
    page = _drop_front_matter(page)
    page = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + note, page, count=1)
    write_file_atomically(out_html, page.encode("utf-8"))
    return unresolved


def _drop_front_matter(page: str) -> str:
    """Start the preview at the chapter: no cover page, no Daftar Isi/Tabel/Gambar."""
    body = re.search(r"<body[^>]*>", page)
    if body is None:
        return page
    start = body.end()
    for match in re.finditer(r"<h1\b[^>]*>", page[start:]):
        if "judul-daftar" not in match.group(0):
            return page[:start] + "\n" + page[start + match.start() :]
    return page


def preview(
    chapter: str,
    year: int = config.DEFAULT_YEAR,
    *,
    jobs: int | None = None,
    quiet: bool = False,
) -> PreviewResult | None:
    """Render one chapter of ``year`` to ``outputs/preview/<year>/<chapter>.html``.

    Parameters
    ----------
    chapter : str
        Chapter id (``bab3``), number (``3``/``III``), title or notebook name.
    year : int
    jobs : int, optional
        Parallel notebooks (default: cores).
    quiet : bool
        Do not print the path and the timing.

    Returns
    -------
    PreviewResult or None
        None inside a build (the notebooks' preview cell does nothing there).

    Raises
    ------
    BuildError
        A notebook of the chapter failed (its message names the prose or data
        file), or pandoc failed.
    """
    if os.environ.get(IN_BUILD_ENV):
        return None
    start = time.perf_counter()
    if not processed_is_current(year):
        build_data(year)
    chapters = plan_build(year)
    index, ch = find_chapter(chapters, chapter)
    offset = sum(1 for c in chapters[:index] if c.numbered)
    folder = preview_dir(year) / ch.id
    nb_dir = folder / "notebooks"
    stats = execute_jobs(ch.jobs, nb_dir, jobs_count=jobs)
    book_dir = folder / "book"
    stitch([[nb_dir / f"{j.name}.ipynb" for j in ch.jobs]], book_dir)
    out_html = preview_dir(year) / f"{ch.id}.html"
    unresolved = _render_html(book_dir, out_html, normalise_meta(render_meta(year)), offset)
    seconds = time.perf_counter() - start
    result = PreviewResult(out_html, ch.id, seconds, stats, unresolved)
    if not quiet:
        _announce(result)
    return result


def _announce(result: PreviewResult) -> None:
    path = display_path(result.html)
    ran = ", ".join(result.stats.executed) or "none"
    print(
        f"preview {result.chapter}: {path} in {result.seconds:.1f} s "
        f"(notebooks executed: {ran}; from cache: {len(result.stats.cached)})"
    )
    if result.unresolved:
        print("  references to other chapters, marked ?@: " + ", ".join(result.unresolved))
    print(f"  open it in JupyterLab: right-click {path} > Open With > HTML Viewer")
