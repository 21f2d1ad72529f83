"""Stitch executed notebooks into the year's book project (``outputs/<year>/book/``).

Input: the ordered chapter list; each chapter is the list of executed notebooks
whose output makes it up, e.g. Bab III = the bab3 notebook, one IKU notebook per
indicator and the budget notebook::

    [["outputs/2017/notebooks/kata_pengantar.ipynb"],
     ["outputs/2017/notebooks/bab1.ipynb"],
     ["outputs/2017/notebooks/bab3.ipynb", ".../iku_IKU-1.ipynb", ".../anggaran.ipynb"],
     ...]

Output, written atomically (built in a temporary sibling folder, then swapped in):

* one Markdown file per chapter: ``index.md`` for the first chapter (Quarto books
  require it; it is the Kata Pengantar), then ``01-<first notebook>.md`` ... (see
  :func:`chapter_file_names`);
* ``figures/<label>.png``: every image of the notebooks, taken out of its
  ``data:`` URI (``{#fig-capaian}`` gives ``figures/capaian.png``);
* ``_quarto.yml``: the repository's ``book/_quarto.yml`` with ``book.chapters``
  filled in, plus the rest of the repository's ``book/`` folder (filters,
  templates, CSS), so the folder is a complete Quarto book project.

What is kept of a notebook: its Markdown cells (except cells tagged
``remove-cell``) and the ``text/markdown`` display outputs of its code cells, in
order. Code, stdout, stderr and outputs that only have ``text/plain`` (or images
outside Markdown) are dropped. A notebook with an error output, or that papermill
marks as failed, stops the build with :class:`BuildError`.

Why Markdown chapter files (and no merged ``.ipynb``): after stitching, a chapter is
nothing but Markdown (Markdown cells and Markdown outputs), and ``.md`` is read
as is by both renderers: Quarto renders ``.md`` book chapters without ever
executing them, and the built-in renderer hands the same files to pandoc. A merged
notebook would hold exactly the same Markdown, wrapped in JSON that pandoc's
ipynb reader and Quarto would interpret differently (cell divs, output
metadata), and two representations could drift apart. One representation means
the two renderers see the same bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from lkjip_helpers.core import config
from lkjip_helpers.core.exceptions import BuildError
from lkjip_helpers.data.io import make_temp_dir, swap_in

#: Tags of Markdown cells that are not part of the report (notes to developers).
SKIP_TAGS = frozenset({"remove-cell", "remove_cell"})

_EXTENSIONS = {"png": "png", "jpeg": "jpg", "jpg": "jpg", "gif": "gif", "svg+xml": "svg"}
_DATA_IMAGE_RE = re.compile(
    r"!\[(?P<caption>(?:\\.|[^\]\\])*)\]"
    r"\(data:image/(?P<type>png|jpeg|jpg|gif|svg\+xml);base64,(?P<data>[A-Za-z0-9+/=\s]+)\)"
    r"(?P<attr>\{(?:[^}\"]|\"(?:\\.|[^\"\\])*\")*\})?"
)
_ID_RE = re.compile(r"\{#((?:tbl|fig|sec)-[A-Za-z0-9_-]+)")
_FIG_ID_RE = re.compile(r"^\{#fig-([A-Za-z0-9_-]+)")
_H1_RE = re.compile(r"^# \S")


@dataclass
class StitchedBook:
    """What :func:`stitch` wrote."""

    book_dir: Path
    quarto_yml: Path
    chapter_files: list[Path] = field(default_factory=list)
    figures: list[Path] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- notebooks


def _source(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def _read_notebook(path: Path) -> dict:
    """An executed notebook as a dict (nbformat 4, as papermill wrote and validated it;
    another version goes through nbformat, which converts it)."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(nb, dict) and nb.get("nbformat") == 4:
            return nb
        # lazy: nbformat is needed only for a notebook of another version
        import nbformat

        return nbformat.read(path, as_version=4)
    except Exception as exc:  # json and nbformat raise several types
        raise BuildError(f"notebook {path} cannot be read ({exc}); re-run it") from exc


def notebook_markdown(path: str | Path) -> str:
    """Return the report content of one executed notebook as Markdown.

    Parameters
    ----------
    path : str or Path
        An executed notebook (``.ipynb``).

    Returns
    -------
    str
        Markdown cells and ``text/markdown`` outputs, separated by blank lines.

    Raises
    ------
    BuildError
        The notebook is missing, unreadable, failed under papermill or holds an
        error output.
    """
    path = Path(path)
    if not path.is_file():
        raise BuildError(
            f"notebook {path} does not exist: execute the notebooks first "
            "(make report runs them before stitching)"
        )
    nb = _read_notebook(path)
    papermill = (nb.get("metadata") or {}).get("papermill", {}) or {}
    failed = bool(papermill.get("exception"))
    parts: list[str] = []
    for index, cell in enumerate(nb.get("cells") or [], start=1):
        if cell.get("cell_type") == "markdown":
            tags = set(cell.get("metadata", {}).get("tags", []) or [])
            if tags & SKIP_TAGS:
                continue
            # papermill's "An Exception was encountered" banner is caught below
            text = _source(cell.get("source")).strip("\n")
            if text:
                parts.append(text)
        elif cell.get("cell_type") == "code":
            for output in cell.get("outputs", []):
                kind = output.get("output_type")
                if kind == "error":
                    ename = output.get("ename", "Error")
                    evalue = output.get("evalue", "")
                    raise BuildError(
                        f"notebook {path}, cell {index}: {ename}: {evalue}. Fix the cause "
                        "(data, params or notebook), then build the report again"
                    )
                if kind in ("display_data", "execute_result"):
                    data = output.get("data", {})
                    if "text/markdown" in data:
                        text = _source(data["text/markdown"]).strip("\n")
                        if text:
                            parts.append(text)
    if failed:
        raise BuildError(
            f"notebook {path} failed when it was executed (papermill marked it); "
            "see the error in the notebook, fix it and build again"
        )
    return "\n\n".join(parts) + ("\n" if parts else "")


# --------------------------------------------------------------------------- figures


def extract_figures(markdown: str, figures_dir: Path, taken: dict[str, str]) -> tuple[str, list]:
    """Write every ``data:image`` of ``markdown`` to ``figures_dir``; return new text.

    ``taken`` maps file names already written to the digest of their bytes (shared
    across chapters, so two figures cannot claim the same file). Returns the
    Markdown with ``figures/<name>`` links and the list of files written.
    """
    written: list[Path] = []

    def replace(match: re.Match) -> str:
        kind = match.group("type")
        ext = _EXTENSIONS[kind]
        try:
            data = base64.b64decode("".join(match.group("data").split()), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise BuildError(f"an embedded image is not valid base64 ({exc})") from exc
        digest = hashlib.sha256(data).hexdigest()
        attr = match.group("attr") or ""
        fig = _FIG_ID_RE.match(attr)
        stem = fig.group(1) if fig else f"gambar-{digest[:12]}"
        name = f"{stem}.{ext}"
        if name in taken and taken[name] != digest:
            raise BuildError(
                f"two different figures want the file figures/{name} (label fig-{stem} "
                "used twice?): give each figure its own label"
            )
        if name not in taken:
            figures_dir.mkdir(parents=True, exist_ok=True)
            (figures_dir / name).write_bytes(data)
            written.append(figures_dir / name)
            taken[name] = digest
        return f"![{match.group('caption')}](figures/{name}){attr}"

    return _DATA_IMAGE_RE.sub(replace, markdown), written


# --------------------------------------------------------------------------- book


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    slug = re.sub(r"^\d+-(?=[a-z])", "", slug)  # "01_pendahuluan" -> "pendahuluan"
    return slug or "bab"


def chapter_file_names(chapters: Sequence[Sequence[Path]]) -> list[str]:
    """File names of the chapters: ``index.md``, then ``NN-<first notebook>.md``.

    A numeric prefix of the notebook name is dropped (``01_pendahuluan.ipynb`` in
    chapter 1 gives ``01-pendahuluan.md``).
    """
    names = []
    for i, notebooks in enumerate(chapters):
        if i == 0:
            names.append("index.md")
        else:
            names.append(f"{i:02d}-{_slug(Path(notebooks[0]).stem)}.md")
    return names


def _normalise(chapters) -> list[list[Path]]:
    if isinstance(chapters, (str, os.PathLike)):
        raise BuildError("the chapter list must be a list of chapters, not one path")
    out = []
    for i, chapter in enumerate(chapters, start=1):
        if isinstance(chapter, (str, os.PathLike)):
            chapter = [chapter]
        notebooks = [Path(p) for p in chapter]
        if not notebooks:
            raise BuildError(f"chapter {i} of the chapter list has no notebooks")
        out.append(notebooks)
    if not out:
        raise BuildError("the chapter list is empty: nothing to stitch")
    return out


def _quarto_yml(template_dir: Path, chapter_names: list[str]) -> str:
    source = template_dir / "_quarto.yml"
    if not source.is_file():
        raise BuildError(f"{source} is missing: the book template must have a _quarto.yml")
    try:
        conf = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise BuildError(f"{source} is not valid YAML: {exc}") from exc
    book = conf.setdefault("book", {})
    book["chapters"] = list(chapter_names)
    book.pop("appendices", None)
    # Quarto renders every .md of a project unless told otherwise: only the chapters.
    project = conf.setdefault("project", {})
    project["render"] = list(chapter_names)
    header = (
        "# Generated by lkjip_helpers.build.stitch from book/_quarto.yml: do not edit here,\n"
        "# edit the template in the repository's book/ folder.\n"
    )
    return header + yaml.safe_dump(conf, sort_keys=False, allow_unicode=True, width=100)


def _copy_assets(template_dir: Path, target: Path) -> None:
    def ignore(folder: str, names: list[str]) -> set[str]:
        skip = {n for n in names if n.startswith(".") or n in {"_book", "__pycache__"}}
        if Path(folder) == template_dir:
            skip.add("_quarto.yml")
        return skip

    shutil.copytree(template_dir, target, ignore=ignore, dirs_exist_ok=True)


def stitch(
    chapters: Sequence[Sequence[str | Path] | str | Path],
    book_dir: str | Path,
    *,
    template_dir: str | Path | None = None,
) -> StitchedBook:
    """Build the year's book project from executed notebooks.

    Parameters
    ----------
    chapters : list of list of path
        Ordered chapters; each is the ordered list of executed notebooks making it
        up (a bare path counts as a one-notebook chapter). The first chapter
        becomes ``index.md`` (Kata Pengantar). Every chapter must start with a
        level-1 heading (``# Pendahuluan`` or ``# Kata Pengantar {.unnumbered}``).
    book_dir : path
        Output folder, e.g. ``outputs/2017/book``; replaced as a whole.
    template_dir : path, optional
        The book template (default: the repository's ``book/``).

    Returns
    -------
    StitchedBook

    Raises
    ------
    BuildError
        A notebook failed or is missing, a chapter does not start with a level-1
        heading, or a label (``tbl-``, ``fig-``, ``sec-``) is used twice.
    """
    chapters = _normalise(chapters)
    book_dir = Path(book_dir)
    template_dir = Path(template_dir) if template_dir else config.book_template_dir()
    names = chapter_file_names(chapters)

    book_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = make_temp_dir(book_dir.parent, prefix=f".{book_dir.name}.tmp-")
    try:
        _copy_assets(template_dir, tmp)
        result = StitchedBook(book_dir=book_dir, quarto_yml=book_dir / "_quarto.yml")
        taken: dict[str, str] = {}
        seen: dict[str, str] = {}
        for notebooks, name in zip(chapters, names):
            texts = [notebook_markdown(nb) for nb in notebooks]
            text = "\n".join(t for t in texts if t)
            first = next((line for line in text.splitlines() if line.strip()), "")
            if not _H1_RE.match(first):
                raise BuildError(
                    f"chapter {name} (from {notebooks[0]}) does not start with a level-1 "
                    f"heading but with {first[:60]!r}: the first notebook of a chapter must "
                    "emit its title first (report.heading(text, 1))"
                )
            for label in _ID_RE.findall(text):
                if label in seen:
                    raise BuildError(
                        f"label {label} is used twice ({seen[label]} and {name}): "
                        "labels must be unique in the whole report"
                    )
                seen[label] = name
                result.labels.append(label)
            text, written = extract_figures(text, tmp / "figures", taken)
            result.figures += [book_dir / "figures" / p.name for p in written]
            (tmp / name).write_text(text, encoding="utf-8")
            result.chapter_files.append(book_dir / name)
        (tmp / "_quarto.yml").write_text(_quarto_yml(template_dir, names), encoding="utf-8")
        swap_in(tmp, book_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return result


def chapters_from_names(
    names: Iterable[Sequence[str]], notebooks_dir: str | Path
) -> list[list[Path]]:
    """Map chapter lists of notebook names (``[["bab1"], ["bab3", "iku_IKU-1"]]``) to paths."""
    folder = Path(notebooks_dir)
    out = []
    for chapter in names:
        out.append([folder / (n if n.endswith(".ipynb") else f"{n}.ipynb") for n in chapter])
    return out
