"""Bad input: a clear LkjipError saying what and where, and the last good report kept."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_repo

from lkjip_helpers.core.exceptions import LkjipError

pytestmark = pytest.mark.e2e

RAW = Path("data") / "raw" / "2017"


def tree_hash(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    """A repository copy with outputs/2017 built once, shared by this module."""
    root = copy_repo(tmp_path_factory.mktemp("bad_input_base"))
    mp = pytest.MonkeyPatch()
    mp.setenv("LKJIP_ROOT", str(root))
    try:
        from lkjip_helpers.build.pipeline import build_report
        from lkjip_helpers.laporan import context as laporan

        laporan.konteks.cache_clear()
        build_report(2017, progress=False)
    finally:
        laporan.konteks.cache_clear()
        mp.undo()
    return root


@pytest.fixture
def built_copy(built_once, tmp_path, monkeypatch):
    """A fresh copy of the built tree (LKJIP_ROOT set) and its outputs' hashes."""
    root = tmp_path / "repo"
    shutil.copytree(built_once, root, symlinks=True)
    monkeypatch.setenv("LKJIP_ROOT", str(root))
    from lkjip_helpers.laporan import context as laporan

    laporan.konteks.cache_clear()
    before = tree_hash(root / "outputs" / "2017")
    assert "lkjip-2017.pdf" in before
    yield root, before
    laporan.konteks.cache_clear()


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def wrong_type(root: Path) -> tuple[list[str], bool]:
    _replace(root / RAW / "realisasi_iku.csv", ",83.85,", ",delapan,")
    return ["realisasi_iku", "delapan"], True


def missing_column(root: Path) -> tuple[list[str], bool]:
    p = root / RAW / "sarana_prasarana.csv"
    lines = p.read_text(encoding="utf-8").splitlines()
    p.write_text("\n".join(",".join(x.split(",")[:-1]) for x in lines) + "\n", encoding="utf-8")
    return ["sarana_prasarana", "kondisi"], True


def missing_file(root: Path) -> tuple[list[str], bool]:
    (root / RAW / "pk_target.csv").unlink()
    return ["pk_target"], True


def zero_target(root: Path) -> tuple[list[str], bool]:
    p = root / "params" / "2017.yaml"
    _replace(
        p,
        "perubahan: {IKU-1: 76, IKU-2: 96, IKU-3: 5,",
        "perubahan: {IKU-1: 76, IKU-2: 96, IKU-3: 0,",
    )
    return ["IKU-3"], True


def failing_notebook(root: Path) -> tuple[list[str], bool]:
    p = root / "notebooks" / "04_penutup.ipynb"
    nb = json.loads(p.read_text(encoding="utf-8"))
    nb["cells"].append(
        {
            "id": "boom",
            "cell_type": "code",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": ["raise RuntimeError('boom')"],
        }
    )
    p.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return ["04_penutup", "boom"], False


CASES = {
    "wrong_type": wrong_type,
    "missing_column": missing_column,
    "missing_file": missing_file,
    "zero_target": zero_target,
    "failing_notebook": failing_notebook,
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_fails_clearly_and_keeps_outputs(built_copy, case, monkeypatch):
    from lkjip_helpers.build import pipeline

    root, before = built_copy
    expected, quick = CASES[case](root)
    if quick:
        # Bad data must be caught by the data step, before any notebook runs.
        def no_notebooks(*args, **kwargs):
            raise AssertionError(f"{case}: notebooks ran; expected a failure in the data step")

        monkeypatch.setattr(pipeline, "run_jobs", no_notebooks)
    with pytest.raises(LkjipError) as info:
        pipeline.build_report(2017, progress=False)
    message = str(info.value)
    for word in expected:
        assert word in message, (case, word, message)
    assert tree_hash(root / "outputs" / "2017") == before


def test_unknown_indicator_code(built_copy):
    """An unknown IKU code in realisasi_iku must not pass silently."""
    from lkjip_helpers.build.pipeline import build_report

    root, before = built_copy
    p = root / RAW / "realisasi_iku.csv"
    lines = p.read_text(encoding="utf-8").splitlines()
    extra = next(x for x in lines if x.startswith("IKU-4,")).replace("IKU-4,", "IKU-9,", 1)
    p.write_text("\n".join([*lines, extra]) + "\n", encoding="utf-8")
    with pytest.raises(LkjipError) as info:
        build_report(2017, progress=False)
    assert "IKU-9" in str(info.value)
    assert "realisasi_iku" in str(info.value)
    assert tree_hash(root / "outputs" / "2017") == before


def test_year_without_data(built_copy):
    from lkjip_helpers.build.pipeline import build_report

    root, before = built_copy
    with pytest.raises(LkjipError) as info:
        build_report(2019, progress=False)
    assert "2019" in str(info.value)
    assert tree_hash(root / "outputs" / "2017") == before
    assert not (root / "outputs" / "2019" / "lkjip-2019.pdf").exists()


def test_2016_lists_missing_tables(built_copy):
    from lkjip_helpers.build.pipeline import build_report

    root, before = built_copy
    with pytest.raises(LkjipError) as info:
        build_report(2016, progress=False)
    message = str(info.value)
    assert "2016" in message
    # several required tables are absent for 2016; the message names them
    for table in ("pk_target", "survei_ikm"):
        assert table in message, message
    assert tree_hash(root / "outputs" / "2017") == before


def test_cli_reports_error_without_traceback(built_copy):
    root, _ = built_copy
    wrong_type(root)
    env = {**os.environ, "LKJIP_ROOT": str(root)}
    proc = subprocess.run(
        [sys.executable, "-m", "lkjip_helpers", "data", "--year", "2017"],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert "realisasi_iku" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
