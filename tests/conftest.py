"""Shared fixtures: a copy of the repository and the 2017 report, built once per session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from lkjip_helpers.build.workspace import REPO_PARTS
from lkjip_helpers.build.workspace import copy_repo as _copy_repo
from tests.agensi_uji import TAHUN

ROOT = Path(__file__).resolve().parent.parent
__all__ = ["REPO_PARTS", "ROOT", "copy_repo"]


def copy_repo(target: Path) -> Path:
    """Copy the parts of the repository a build reads into ``target``."""
    return _copy_repo(target, source=ROOT)


@pytest.fixture(scope="session", autouse=True)
def builtin_renderer_by_default():
    """Builds in tests use the built-in renderer unless a test asks for Quarto.

    With Quarto on PATH, ``auto`` would pick it for every report a test builds
    (slow, and the built-in renderer's tests would check Quarto's output). Tests
    of the choice itself unset ``LKJIP_RENDERER``; Quarto's own tests pass
    ``renderer="quarto"``.
    """
    mp = pytest.MonkeyPatch()
    if not os.environ.get("LKJIP_RENDERER"):
        mp.setenv("LKJIP_RENDERER", "builtin")
    yield
    mp.undo()


@pytest.fixture(scope="session", autouse=True)
def the_example_agency_by_default():
    """Tests build the example at the repository root unless they name an agency.

    A ``LKJIP_AGENCY`` left in the shell would otherwise point every copy of the
    repository at that agency's folder.
    """
    mp = pytest.MonkeyPatch()
    mp.delenv("LKJIP_AGENCY", raising=False)
    yield
    mp.undo()


@pytest.fixture(scope="session", autouse=True)
def no_warm_parent_between_builds():
    """Each build's kernels' parent ends with the build.

    Tests build in many copies of the repository; a parent kept warm for each
    copy would stay for minutes. Tests of the warm parent set their own value.
    """
    mp = pytest.MonkeyPatch()
    mp.setenv("LKJIP_KEEP_WARM", "0")
    yield
    mp.undo()


@pytest.fixture(scope="session")
def built_2017(tmp_path_factory):
    """The agency's report (the example's: 2017) built once from a copy of the repo.

    Tests must not modify it. The year is :data:`tests.agensi_uji.TAHUN` (the
    fixture keeps the example's name). Returns the copy's root; the report is in
    ``<root>/outputs/<TAHUN>/``.
    """
    root = copy_repo(tmp_path_factory.mktemp("repo2017"))
    mp = pytest.MonkeyPatch()
    mp.setenv("LKJIP_ROOT", str(root))
    mp.setenv("LKJIP_RENDERER", "builtin")
    try:
        from lkjip_helpers.build.pipeline import build_report
        from lkjip_helpers.laporan import context as laporan

        laporan.konteks.cache_clear()
        build_report(TAHUN, progress=False)
        laporan.konteks.cache_clear()
    finally:
        mp.undo()
    return root


@pytest.fixture
def repo_copy(tmp_path, monkeypatch):
    """A fresh copy of the repository with LKJIP_ROOT pointing at it (for mutating tests)."""
    root = copy_repo(tmp_path / "repo")
    monkeypatch.setenv("LKJIP_ROOT", str(root))
    from lkjip_helpers.laporan import context as laporan

    laporan.konteks.cache_clear()
    yield root
    laporan.konteks.cache_clear()


MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture
def mini(tmp_path, monkeypatch):
    """A copy of the tiny data-only project (two tables, no params); LKJIP_ROOT set to it."""
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    monkeypatch.setenv("LKJIP_ROOT", str(root))
    return root


def quarto_skip_reason() -> str | None:
    """Why the Quarto end-to-end tests cannot run here (None: they can)."""
    from lkjip_helpers.build.render import find_quarto

    found, reason = find_quarto()
    if found is None:
        return f"{reason}: Quarto tests skipped (CI installs it from ../shared/tools/quarto)"
    return None


requires_quarto = pytest.mark.skipif(
    quarto_skip_reason() is not None, reason=str(quarto_skip_reason())
)

#: The renderers the browser and PDF suites run against.
RENDERER_PARAMS = [
    pytest.param("builtin", id="builtin"),
    pytest.param("quarto", id="quarto", marks=[requires_quarto, pytest.mark.quarto]),
]


@pytest.fixture(scope="session", params=RENDERER_PARAMS)
def report_2017(request, built_2017, tmp_path_factory):
    """The agency's report folder ``outputs/<TAHUN>`` (the example's 2017), once per renderer.

    ``builtin``: the folder of :func:`built_2017`. ``quarto``: the same stitched
    book (same executed notebooks) rendered by Quarto into another folder, with
    ``SOURCE_DATE_EPOCH`` set. Returns ``(renderer, folder)``.
    """
    folder = built_2017 / "outputs" / str(TAHUN)
    if request.param == "builtin":
        return "builtin", folder
    target = tmp_path_factory.mktemp("quarto") / "outputs" / str(TAHUN)
    target.mkdir(parents=True)
    shutil.copytree(folder / "book", target / "book")
    mp = pytest.MonkeyPatch()
    mp.setenv("LKJIP_ROOT", str(built_2017))
    mp.setenv("SOURCE_DATE_EPOCH", "1519776000")
    try:
        from lkjip_helpers.build.render import render
        from lkjip_helpers.laporan.context import render_meta

        used = render(
            target / "book",
            target / f"lkjip-{TAHUN}.html",
            target / f"lkjip-{TAHUN}.pdf",
            render_meta(TAHUN),
            renderer="quarto",
        )
    finally:
        mp.undo()
    assert used == "quarto"
    return "quarto", target


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    """The agency's report context (of :data:`TAHUN`) on a copy of the repository whose data step has run
    (one per test module; LKJIP_ROOT points at the copy while the module runs)."""
    from lkjip_helpers.build.data_step import build_data
    from lkjip_helpers.build.workspace import copy_repo
    from lkjip_helpers.laporan import context as laporan

    root = copy_repo(tmp_path_factory.mktemp("ctx"))
    mp = pytest.MonkeyPatch()
    mp.setenv("LKJIP_ROOT", str(root))
    laporan.konteks.cache_clear()
    build_data(TAHUN)
    yield laporan.konteks(TAHUN)
    laporan.konteks.cache_clear()
    mp.undo()
