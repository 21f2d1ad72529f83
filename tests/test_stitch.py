"""Tests of lkjip_helpers.build.stitch: executed notebooks -> Markdown book project.

The fixture notebooks (tests/fixtures/notebooks/) are executed for real with a
Jupyter kernel, so these tests also check what report.py emits inside a kernel.
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from lkjip_helpers.build import stitch
from lkjip_helpers.core.exceptions import BuildError

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"
CHAPTERS = [["kata_pengantar"], ["bab1"], ["bab3", "iku"], ["lampiran"]]


def execute_fixture_notebooks(target: Path) -> Path:
    """Execute every fixture notebook (in parallel) into ``target``; return it."""
    from nbclient import NotebookClient

    target.mkdir(parents=True, exist_ok=True)

    def run(path: Path) -> None:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
        )
        client.execute()
        nbformat.write(nb, target / path.name)

    paths = [FIXTURES / f"{name}.ipynb" for chapter in CHAPTERS for name in chapter]
    with ThreadPoolExecutor(max_workers=len(paths)) as pool:
        list(pool.map(run, paths))
    return target


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> Path:
    return execute_fixture_notebooks(tmp_path_factory.mktemp("executed"))


@pytest.fixture(scope="module")
def book(executed, tmp_path_factory):
    out = tmp_path_factory.mktemp("outputs") / "book"
    chapters = stitch.chapters_from_names(CHAPTERS, executed)
    return stitch.stitch(chapters, out)


def test_report_outputs_are_markdown_for_the_book_and_html_for_the_eye(executed):
    nb = nbformat.read(executed / "bab1.ipynb", as_version=4)
    kinds = set()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "display_data":
                kinds.add(tuple(sorted(out.data)))
    # text/markdown goes into the book; text/html is JupyterLab's view of the same output.
    assert kinds == {("text/html", "text/markdown")}


def test_chapter_files_and_quarto_yml(book):
    names = [p.name for p in book.chapter_files]
    assert names == ["index.md", "01-bab1.md", "02-bab3.md", "03-lampiran.md"]
    conf = yaml.safe_load(book.quarto_yml.read_text(encoding="utf-8"))
    assert conf["book"]["chapters"] == names
    assert conf["project"]["render"] == names
    assert conf["lang"] == "id"
    assert conf["execute"]["enabled"] is False
    assert conf["crossref"]["tbl-title"] == "Tabel"
    assert conf["crossref"]["fig-title"] == "Gambar"
    for asset in ("filters/lkjip-nomor.lua", "filters/lkjip-blocks.lua", "lkjip.css"):
        assert (book.book_dir / asset).is_file()


def test_chapters_hold_only_report_markdown(book):
    text = "\n".join(p.read_text(encoding="utf-8") for p in book.chapter_files)
    assert "import pandas" not in text and "report.show_table" not in text  # no code
    assert "stdout yang tidak" not in text and "stderr juga" not in text  # no streams
    assert "hasil teks biasa" not in text  # text/plain-only results dropped
    assert "Catatan pengembang" not in text  # remove-cell
    assert "data:image" not in text
    assert "\\<script\\>alert\\(1\\)\\<\\/script\\>" in text  # escaped, as emitted
    assert "Puji syukur" in text  # Markdown cells kept
    bab3 = (book.book_dir / "02-bab3.md").read_text(encoding="utf-8")
    # Bab III = bab3 notebook then the IKU notebook, in order
    assert bab3.index("Akuntabilitas Kinerja") < bab3.index("Indikator IKU\\-1")


def test_figures_are_extracted(book):
    names = sorted(p.name for p in book.figures)
    assert names == ["ikm.png", "tren.png"]
    for p in book.figures:
        assert p.read_bytes().startswith(b"\x89PNG")
    bab1 = (book.book_dir / "01-bab1.md").read_text(encoding="utf-8")
    assert "](figures/tren.png){#fig-tren fig-alt=" in bab1
    assert set(book.labels) >= {"tbl-data-uji", "fig-tren", "tbl-ikm", "fig-ikm", "tbl-dokumen"}


def test_stitch_is_deterministic_and_replaces_the_folder(book, executed, tmp_path):
    out = tmp_path / "book"
    out.mkdir()
    (out / "stale.md").write_text("old", encoding="utf-8")
    again = stitch.stitch(stitch.chapters_from_names(CHAPTERS, executed), out)
    assert not (out / "stale.md").exists()
    for a, b in zip(book.chapter_files, again.chapter_files):
        assert a.read_bytes() == b.read_bytes()
    for a, b in zip(sorted(book.figures), sorted(again.figures)):
        assert a.read_bytes() == b.read_bytes()
    assert not list(tmp_path.glob(".book*"))  # no temporary folder left


# --------------------------------------------------------------- synthetic notebooks


def _write(path: Path, cells, **metadata) -> Path:
    nb = new_notebook(cells=cells)
    nb.metadata.update(metadata)
    nbformat.write(nb, path)
    return path


def _md_output(text: str):
    return new_output("display_data", data={"text/markdown": text})


def test_notebook_markdown_keeps_markdown_and_markdown_outputs(tmp_path):
    cell = new_code_cell("x")
    cell.outputs = [
        new_output("stream", name="stdout", text="noise"),
        _md_output("# Judul"),
        new_output("display_data", data={"text/plain": "<Figure>", "image/png": "AAAA"}),
        new_output("execute_result", data={"text/plain": "42"}, execution_count=1),
        new_output("execute_result", data={"text/markdown": "hasil", "text/plain": "x"}),
    ]
    path = _write(tmp_path / "a.ipynb", [cell, new_markdown_cell("Prosa.")])
    assert stitch.notebook_markdown(path) == "# Judul\n\nhasil\n\nProsa.\n"


def test_error_output_stops_the_build(tmp_path):
    cell = new_code_cell("1/0")
    cell.outputs = [
        _md_output("# Judul"),
        new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=[]),
    ]
    path = _write(tmp_path / "gagal.ipynb", [cell])
    with pytest.raises(BuildError, match="gagal.ipynb, cell 1: ZeroDivisionError"):
        stitch.notebook_markdown(path)
    with pytest.raises(BuildError):
        stitch.stitch([[path]], tmp_path / "book")
    assert not (tmp_path / "book").exists()


def test_papermill_failure_flag_stops_the_build(tmp_path):
    cell = new_code_cell("x")
    cell.outputs = [_md_output("# Judul")]
    path = _write(tmp_path / "pm.ipynb", [cell], papermill={"exception": True})
    with pytest.raises(BuildError, match="failed"):
        stitch.notebook_markdown(path)


def test_missing_notebook(tmp_path):
    with pytest.raises(BuildError, match="does not exist"):
        stitch.notebook_markdown(tmp_path / "tidak_ada.ipynb")


def test_chapter_must_start_with_a_level_1_heading(tmp_path):
    path = _write(tmp_path / "a.ipynb", [new_markdown_cell("## Bukan bab")])
    with pytest.raises(BuildError, match="level-1"):
        stitch.stitch([[path]], tmp_path / "book")


def test_duplicate_labels_are_refused(tmp_path):
    table = "| a |\n|---|\n| 1 |\n\n: T {#tbl-sama}"
    one = _write(tmp_path / "a.ipynb", [new_markdown_cell("# A\n\n" + table)])
    two = _write(tmp_path / "b.ipynb", [new_markdown_cell("# B\n\n" + table)])
    with pytest.raises(BuildError, match="tbl-sama is used twice"):
        stitch.stitch([[one], [two]], tmp_path / "book")


def test_extract_figures_names_and_conflicts(tmp_path):
    png = "iVBORw0KGgo="  # the PNG signature, base64
    md = "![A \\] b](data:image/png;base64," + png + '){#fig-x fig-alt="a } \\" b"} and more'
    taken: dict[str, str] = {}
    out, written = stitch.extract_figures(md, tmp_path / "figures", taken)
    assert out == '![A \\] b](figures/x.png){#fig-x fig-alt="a } \\" b"} and more'
    assert [p.name for p in written] == ["x.png"]
    anonymous, _ = stitch.extract_figures(f"![c](data:image/png;base64,{png})", tmp_path, taken)
    assert anonymous.startswith("![c](figures/gambar-")
    other = "![A](data:image/png;base64,AAAA){#fig-x}"
    with pytest.raises(BuildError, match="figures/x.png"):
        stitch.extract_figures(other, tmp_path / "figures", taken)


def test_chapter_list_validation(tmp_path):
    with pytest.raises(BuildError, match="empty"):
        stitch.stitch([], tmp_path / "book")
    with pytest.raises(BuildError, match="no notebooks"):
        stitch.stitch([[]], tmp_path / "book")
    with pytest.raises(BuildError, match="not one path"):
        stitch.stitch("bab1.ipynb", tmp_path / "book")


def test_custom_template_dir(tmp_path):
    template = tmp_path / "tpl"
    shutil.copytree(ROOT / "book", template)
    (template / "extra.css").write_text("p {}", encoding="utf-8")
    path = _write(tmp_path / "a.ipynb", [new_markdown_cell("# Satu")])
    result = stitch.stitch([[path]], tmp_path / "book", template_dir=template)
    assert (result.book_dir / "extra.css").is_file()
    assert (result.book_dir / "index.md").read_text(encoding="utf-8") == "# Satu\n"
