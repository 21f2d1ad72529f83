"""Tests of lkjip_helpers.build.lab: the start page and the JupyterLab workspaces."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from lkjip_helpers.build import lab
from lkjip_helpers.build.pipeline import plan_build
from tests.agensi_uji import TAHUN, contoh

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo(built_2017, monkeypatch):
    # The tables a chapter reads are recorded by a build: use the session's built copy.
    monkeypatch.setenv("LKJIP_ROOT", str(built_2017))
    return built_2017


@contoh
def test_start_page_links_every_chapters_files(repo):
    chapters = plan_build(2017)
    page = lab.start_page_markdown(2017, chapters)
    assert page.startswith("# Mulai di sini: LKjIP 2017")
    links = re.findall(r"\]\(([^)]+)\)", page)
    files = [link for link in links if not link.startswith("/lab/")]
    assert files, page
    for link in files:  # every file link opens an existing file
        assert (repo / link).is_file(), link
    for ch in chapters:
        assert f"(`{ch.id}`)" in page
        assert f"(/lab/workspaces/lkjip-{ch.id})" in page
        assert f"make preview CHAPTER={ch.id} YEAR=2017" in page
        for job in ch.jobs:
            assert f"(notebooks/{job.source.name})" in page
    # The year's prose files, raw tables (and fakta_narasi, read by prose placeholders).
    assert "(params/prose/2017/akuntabilitas.md)" in page
    assert "(params/prose/2017/iku/IKU-4.md)" in page
    assert "(data/raw/2017/realisasi_iku.csv)" in page
    assert "(data/raw/2017/fakta_narasi.csv)" in page
    assert "BAB III Akuntabilitas Kinerja" in page


@contoh
def test_chapter_files_come_from_the_plan(repo):
    bab3 = next(ch for ch in plan_build(2017) if ch.id == "bab3")
    files = lab.chapter_files(bab3, 2017)
    assert [p.name for p in files["notebooks"]] == [
        "03_akuntabilitas.ipynb",
        "03_iku.ipynb",
        "03_anggaran.ipynb",
    ]
    assert [p.name for p in files["prose"]][:2] == ["akuntabilitas.md", "IKU-1.md"]
    assert files["templates"] == []


@contoh
def test_templates_of_a_new_year_are_listed(built_2017, tmp_path, monkeypatch):
    repo_copy = tmp_path / "repo"
    shutil.copytree(built_2017, repo_copy, symlinks=True)
    monkeypatch.setenv("LKJIP_ROOT", str(repo_copy))
    bab1 = next(ch for ch in plan_build(2017) if ch.id == "bab1")
    folder = repo_copy / "data" / "raw" / "2017" / "templates"
    folder.mkdir()
    (folder / "pns_golongan.xlsx").write_bytes(b"")
    assert lab.chapter_files(bab1, 2017)["templates"] == [folder / "pns_golongan.xlsx"]


@contoh
def test_workspace_puts_notebook_and_prose_side_by_side(tmp_path, repo):
    nb = repo / "notebooks" / "03_akuntabilitas.ipynb"
    prose = repo / "params" / "prose" / "2017" / "akuntabilitas.md"
    space = lab.workspace("lkjip-bab3", [nb], [prose])
    dock = space["data"]["layout-restorer:data"]["main"]["dock"]
    assert dock["type"] == "split-area" and dock["orientation"] == "horizontal"
    left, right = dock["children"]
    assert left["widgets"] == ["notebook:notebooks/03_akuntabilitas.ipynb"]
    assert right["widgets"] == ["editor:params/prose/2017/akuntabilitas.md"]
    assert space["data"]["editor:params/prose/2017/akuntabilitas.md"]["data"]["factory"] == "Editor"
    assert space["metadata"]["id"] == "lkjip-bab3"


def test_write_start_page_writes_files_jupyterlab_finds(repo_copy):
    from jupyterlab_server.workspaces_handler import WorkspacesManager

    written = lab.write_start_page(TAHUN)
    assert (repo_copy / lab.START_PAGE).is_file()
    manager = WorkspacesManager(str(lab.workspaces_dir()))
    start = manager.load("lkjip")
    assert start["metadata"]["id"] == "lkjip"
    assert "markdownviewer-widget:MULAI_DI_SINI.md" in start["data"]
    bab3 = manager.load("lkjip-bab3")
    assert "notebook:notebooks/03_akuntabilitas.ipynb" in bab3["data"]
    assert len(written) == 2 + len(plan_build(TAHUN))
    json.dumps(bab3)


def test_make_lab_opens_the_project_root_on_the_start_page():
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = make.split("\nlab:")[1].split("\n\n")[0]
    assert "start-page" in target.splitlines()[0]
    assert "--ServerApp.root_dir=." in target
    # the agency's workspaces (the example's at the root), where start-page writes them
    assert "--LabApp.workspaces_dir=$(or $(AGENCY),.)/.jupyter/workspaces" in target
    assert "--LabApp.default_url=/lab/workspaces/lkjip" in target
    assert "notebooks/" not in target


def test_start_page_of_an_agency_folder_is_written_in_that_folder(tmp_path, monkeypatch, capsys):
    """``start-page --agency PATH`` writes the page and workspaces under PATH, not the repo."""
    from jupyterlab_server.workspaces_handler import WorkspacesManager

    from lkjip_helpers.cli import main
    from tests.agensi_kecil import tulis_agensi_kecil

    repo = tmp_path / "repo"
    for part in ("lkjip_helpers", "notebooks", "book"):
        shutil.copytree(ROOT / part, repo / part, ignore=shutil.ignore_patterns("__pycache__"))
    agency = repo / "instansi" / "dinas"
    tulis_agensi_kecil(agency, 2024)
    monkeypatch.setenv("LKJIP_ROOT", str(repo))
    # --agency sets LKJIP_AGENCY for the process: undone after the test
    monkeypatch.setenv("LKJIP_AGENCY", "")
    monkeypatch.chdir(repo)
    assert main(["start-page", "--year", "2024", "--agency", str(agency)]) == 0
    assert (agency / lab.START_PAGE).is_file()
    assert not (repo / lab.START_PAGE).exists()
    assert not (repo / ".jupyter").exists()
    manager = WorkspacesManager(str(agency / ".jupyter" / "workspaces"))
    start = manager.load("lkjip")
    # JupyterLab opens at the repository root: the page is reached through the agency folder
    assert "markdownviewer-widget:instansi/dinas/MULAI_DI_SINI.md" in start["data"]
    assert "notebook:notebooks/03_akuntabilitas.ipynb" in manager.load("lkjip-bab3")["data"]
    # the page's links resolve from the page's own folder to files that exist
    page = (agency / lab.START_PAGE).read_text(encoding="utf-8")
    links = [x for x in re.findall(r"\]\(([^)]+)\)", page) if not x.startswith("/lab/")]
    assert links
    for link in links:
        assert (agency / link).resolve().is_file(), link
