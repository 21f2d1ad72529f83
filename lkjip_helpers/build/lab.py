"""The analyst's JupyterLab: the start page ``MULAI_DI_SINI.md`` and saved workspaces.

``make lab`` runs :func:`write_start_page` (``lkjip start-page``) and opens
JupyterLab at the project root on the workspace ``lkjip``: the file browser
(``notebooks/``, ``params/prose/<year>/``, ``data/raw/<year>/`` all reachable)
and the start page. The page is generated from ``params/report.yaml`` (the
chapters and their notebooks and prose files, the same plan the build runs) and
from the data folder (the raw files and Excel templates that exist), so it is
correct for any agency and year; it is rewritten on every ``make lab``.

For each chapter the page links its notebooks, the year's prose files, the data
tables it reads (raw file and template) and how to preview it, and a workspace
``lkjip-<chapter>`` that shows the chapter's notebooks and prose files side by
side (JupyterLab workspace files in ``.jupyter/workspaces/``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from lkjip_helpers.build import cache
from lkjip_helpers.build.pipeline import Chapter, plan_build
from lkjip_helpers.build.preview import preview_dir
from lkjip_helpers.core import config, reads
from lkjip_helpers.data.io import RAW_EXTENSIONS, display_path, write_file_atomically
from lkjip_helpers.laporan.context import load_susunan

START_PAGE = "MULAI_DI_SINI.md"
#: Table every prose file may read through ``{fakta[...]}``.
WORKSPACE_EXTENSION = ".jupyterlab-workspace"


def workspaces_dir() -> Path:
    """Where ``make lab`` tells JupyterLab to keep its workspaces: in the agency folder.

    For the example at the repository root that is the project's own
    ``.jupyter/workspaces``; an agency folder given by ``--agency`` keeps its own,
    beside its start page, so the repository is not written to.
    """
    return config.agency_root() / ".jupyter" / "workspaces"


def start_page_path() -> Path:
    """``MULAI_DI_SINI.md`` of the agency (at the repository root for the example)."""
    return config.agency_root() / START_PAGE


def workspace_name(chapter_id: str | None = None) -> str:
    """``lkjip`` (the start page) or ``lkjip-<chapter>`` (notebook and prose side by side)."""
    return "lkjip" if chapter_id is None else f"lkjip-{chapter_id}"


def _rel(path: Path) -> str:
    # JupyterLab opens at the project root; an agency folder elsewhere is reached by ../
    return Path(os.path.relpath(path, config.project_root())).as_posix()


def _link(path: Path, text: str | None = None) -> str:
    # A Markdown link resolves from the page's own folder (the agency folder), while
    # the text shows the path from where JupyterLab opens (the project root).
    target = Path(os.path.relpath(path, start_page_path().parent)).as_posix()
    return f"[{text or _rel(path)}]({target})"


def _declared_prose(chapter: Chapter, year: int) -> list[Path]:
    """Prose files ``params/report.yaml`` names for the chapter (patterns expanded)."""
    out: list[Path] = []
    bab = next((b for b in load_susunan().chapters if b.id == chapter.id), None)
    if bab is None:
        return out
    for entry in bab.notebooks:
        variants = [job.parameters for job in chapter.jobs if job.source.name == entry.notebook]
        for pattern in entry.prose:
            for params in variants or [{}]:
                path = config.prose_dir(year) / pattern.format(**params)
                found = sorted(path.parent.glob(path.name)) if "*" in path.name else [path]
                out += [f for f in found if f not in out]
    return out


def chapter_files(chapter: Chapter, year: int) -> dict[str, list[Path]]:
    """The files behind a chapter: notebooks, prose, raw tables, Excel templates.

    Prose files are the ones ``params/report.yaml`` names and those the last build
    recorded the chapter's notebooks reading; tables are the processed tables of
    ``year`` they were recorded reading (none before the first ``make report``).
    """
    notebooks = list(dict.fromkeys(job.source for job in chapter.jobs))
    prose_root = config.prose_dir(year)
    processed = config.processed_dir(year)
    prose = _declared_prose(chapter, year)
    tables: list[str] = []
    for job in chapter.jobs:
        recorded = cache.manifests(job.code_key())
        for _, rel, _ in recorded[0][1] if recorded else []:
            path = reads.resolve(rel)
            if path.is_relative_to(prose_root) and path.suffix == ".md" and path not in prose:
                prose.append(path)
            if path.parent == processed and path.suffix == ".csv" and path.stem not in tables:
                tables.append(path.stem)
    raw, templates = [], []
    for name in tables:
        found = [config.raw_dir(year) / f"{name}{ext}" for ext in RAW_EXTENSIONS]
        raw += [p for p in found if p.exists()]
        template = config.raw_dir(year) / "templates" / f"{name}.xlsx"
        if template.exists():
            templates.append(template)
    return {
        "notebooks": notebooks,
        "prose": prose,
        "tables": [Path(t) for t in tables],
        "raw": raw,
        "templates": templates,
    }


def _roman(n: int) -> str:
    numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, letter in numerals:
        while n >= value:
            out += letter
            n -= value
    return out


def start_page_markdown(year: int, chapters: list[Chapter] | None = None) -> str:
    """The Markdown of ``MULAI_DI_SINI.md`` for ``year`` (Indonesian)."""
    chapters = chapters if chapters is not None else plan_build(year)
    preview_rel = _rel(preview_dir(year))
    lines = [
        f"# Mulai di sini: LKjIP {year}",
        "",
        "Halaman ini dibuat otomatis oleh `make lab` dari `params/report.yaml` dan folder "
        "data; jangan diedit (perubahan akan tertimpa).",
        "",
        "## Cara kerja",
        "",
        "1. Pilih bab di bawah dan klik **Buka berdampingan**: notebook bab itu di kiri, "
        "berkas prosanya di kanan.",
        "2. Ubah kalimat di berkas prosa (`params/prose/...`), lalu simpan (Ctrl+S). "
        "Teks yang sama setiap tahun ada di `params/teks/`; kalimat otomatis di "
        "`params/narrative.yaml`.",
        "3. Di notebook, pilih **Run > Run All Cells**. Tabel, gambar dan prosa tampil "
        "seperti di laporan; sel terakhir membuat pratinjau bab dan menampilkan tautannya.",
        "4. Atau dari terminal: `make preview CHAPTER=<bab> YEAR="
        f"{year}`. Hasilnya di `{preview_rel}/<bab>.html`: klik kanan berkas itu di "
        "panel berkas, **Open With > HTML Viewer**, lalu **Trust HTML**.",
        "5. Laporan lengkap (HTML dan PDF): `make report YEAR=" + f"{year}`.",
        "",
        "Jika sel gagal, pesan berbahasa Indonesia di atas traceback menyebut berkas data "
        "atau prosa yang perlu diperiksa.",
        "",
        "## Bab",
    ]
    number = 0
    for ch in chapters:
        files = chapter_files(ch, year)
        if ch.numbered:
            number += 1
            title = f"BAB {_roman(number)} {ch.title}"
        else:
            title = ch.title
        lines += ["", f"### {title} (`{ch.id}`)", ""]
        lines.append(
            f"- **Buka berdampingan** (notebook dan prosa): "
            f"[/lab/workspaces/{workspace_name(ch.id)}](/lab/workspaces/{workspace_name(ch.id)})"
        )
        nb_items = []
        for nb in files["notebooks"]:
            variants = [
                job.parameters["kode_iku"]
                for job in ch.jobs
                if job.source == nb and "kode_iku" in job.parameters
            ]
            note = f" (dijalankan sekali per IKU: {', '.join(variants)})" if variants else ""
            nb_items.append(_link(nb) + note)
        lines.append("- Notebook: " + "; ".join(nb_items))
        lines.append(
            "- Prosa "
            + str(year)
            + ": "
            + ("; ".join(_link(p) for p in files["prose"]) or "tidak ada berkas prosa")
        )
        raw = "; ".join(_link(p) for p in files["raw"]) or "tidak ada"
        lines.append(f"- Data mentah {year}: {raw}")
        if files["templates"]:
            lines.append("- Templat Excel: " + "; ".join(_link(p) for p in files["templates"]))
        else:
            lines.append(
                f"- Templat Excel: belum ada untuk {year} (`make new-year` membuatnya di "
                f"`data/raw/<tahun>/templates/`)"
            )
        lines.append(
            f"- Pratinjau: `make preview CHAPTER={ch.id} YEAR={year}` atau sel terakhir "
            f"notebook; hasil: `{preview_rel}/{ch.id}.html`"
        )
    return "\n".join(lines) + "\n"


def _slug(name: str) -> str:
    # JupyterLab's own file naming for workspaces, so it finds the files we write.
    from jupyterlab_server.workspaces_handler import slugify

    return slugify(name)


def workspace(name: str, left: list[Path], right: list[Path], markdown_viewer=False) -> dict:
    """A JupyterLab workspace: ``left`` documents beside ``right`` documents.

    Notebooks open as notebooks, Markdown in the text editor (or, with
    ``markdown_viewer``, rendered), other files with their default viewer.
    """
    data: dict = {}

    def widget(path: Path) -> str:
        rel = _rel(path)
        if path.suffix == ".ipynb":
            key, factory = f"notebook:{rel}", "Notebook"
        elif path.suffix == ".md" and markdown_viewer:
            key, factory = f"markdownviewer-widget:{rel}", "Markdown Preview"
        else:
            key, factory = f"editor:{rel}", "Editor"
        data[key] = {"data": {"path": rel, "factory": factory}}
        return key

    areas = [
        {"type": "tab-area", "currentIndex": 0, "widgets": [widget(p) for p in docs]}
        for docs in (left, right)
        if docs
    ]
    if len(areas) == 1:
        dock = areas[0]
    else:
        dock = {
            "type": "split-area",
            "orientation": "horizontal",
            "sizes": [0.5, 0.5],
            "children": areas,
        }
    current = areas[0]["widgets"][0] if areas else None
    data["layout-restorer:data"] = {
        "main": {"dock": dock, "current": current},
        "left": {
            "collapsed": False,
            "visible": True,
            "current": "filebrowser",
            "widgets": ["filebrowser", "running-sessions", "table-of-contents"],
        },
        "right": {"collapsed": True, "visible": True, "widgets": []},
        "relativeSizes": [0.2, 0.8, 0],
    }
    data["file-browser-filebrowser:cwd"] = {"path": ""}
    return {"data": data, "metadata": {"id": name}}


def write_start_page(year: int) -> list[Path]:
    """Write ``MULAI_DI_SINI.md`` and the workspaces (start page, one per chapter).

    Returns the files written.
    """
    chapters = plan_build(year)
    page = start_page_path()
    write_file_atomically(page, start_page_markdown(year, chapters).encode("utf-8"))
    written = [page]
    folder = workspaces_dir()
    folder.mkdir(parents=True, exist_ok=True)
    spaces = {workspace_name(): workspace(workspace_name(), [page], [], markdown_viewer=True)}
    for ch in chapters:
        files = chapter_files(ch, year)
        spaces[workspace_name(ch.id)] = workspace(
            workspace_name(ch.id), files["notebooks"], files["prose"]
        )
    for name, content in spaces.items():
        path = folder / f"{_slug(name)}{WORKSPACE_EXTENSION}"
        write_file_atomically(path, json.dumps(content, indent=1).encode("utf-8"))
        written.append(path)
    return [Path(display_path(p)) for p in written]
