"""Shared fixtures: a copy of the repository and the 2017 report, built once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lkjip_helpers.build.workspace import REPO_PARTS
from lkjip_helpers.build.workspace import copy_repo as _copy_repo

ROOT = Path(__file__).resolve().parent.parent
__all__ = ["REPO_PARTS", "ROOT", "copy_repo"]


def copy_repo(target: Path) -> Path:
    """Copy the parts of the repository a build reads into ``target``."""
    return _copy_repo(target, source=ROOT)


@pytest.fixture(scope="session")
def built_2017(tmp_path_factory):
    """The 2017 report built once from a copy of the repo; tests must not modify it.

    Returns the copy's root; the report is in ``<root>/outputs/2017/``.
    """
    root = copy_repo(tmp_path_factory.mktemp("repo2017"))
    mp = pytest.MonkeyPatch()
    mp.setenv("LKJIP_ROOT", str(root))
    try:
        from lkjip_helpers.build.pipeline import build_report
        from lkjip_helpers.laporan import context as laporan

        laporan.konteks.cache_clear()
        build_report(2017, progress=False)
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
