"""Bad input: a clear LkjipError saying what and where, and the last good report kept."""

from __future__ import annotations

import csv
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
from tests.agensi_uji import IKU, TAHUN

pytestmark = pytest.mark.e2e

RAW = Path("data") / "raw" / str(TAHUN)
OUT = Path("outputs") / str(TAHUN)


def tree_hash(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    """A repository copy with the agency's report built once, shared by this module."""
    root = copy_repo(tmp_path_factory.mktemp("bad_input_base"))
    mp = pytest.MonkeyPatch()
    mp.setenv("LKJIP_ROOT", str(root))
    try:
        from lkjip_helpers.build.pipeline import build_report
        from lkjip_helpers.laporan import context as laporan

        laporan.konteks.cache_clear()
        build_report(TAHUN, progress=False)
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
    before = tree_hash(root / OUT)
    assert f"lkjip-{TAHUN}.pdf" in before
    yield root, before
    laporan.konteks.cache_clear()


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _rows(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _write_rows(path: Path, header: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, fieldnames=header)
        out.writeheader()
        out.writerows(rows)


def wrong_type(root: Path) -> tuple[list[str], bool]:
    path = root / RAW / "realisasi_iku.csv"
    header, rows = _rows(path)
    first = next(r for r in rows if r["realisasi"].strip())
    first["realisasi"] = "delapan"
    _write_rows(path, header, rows)
    return ["realisasi_iku", "delapan"], True


def missing_column(root: Path) -> tuple[list[str], bool]:
    # a required column of a standard table (base catalogue) every agency has
    path = root / RAW / "renstra_target.csv"
    header, rows = _rows(path)
    header.remove("kode_iku")
    _write_rows(path, header, [{k: r[k] for k in header} for r in rows])
    return ["renstra_target", "kode_iku"], True


def missing_file(root: Path) -> tuple[list[str], bool]:
    (root / RAW / "pk_target.csv").unlink()
    return ["pk_target"], True


def zero_target(root: Path) -> tuple[list[str], bool]:
    import yaml

    p = root / "params" / f"{TAHUN}.yaml"
    data = yaml.safe_load(p.read_text(encoding="utf-8"))
    pk = data["perjanjian_kinerja"]
    (pk.get("perubahan") or pk["murni"])[IKU[-1]] = 0
    p.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return [IKU[-1]], True


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
        pipeline.build_report(TAHUN, progress=False)
    message = str(info.value)
    for word in expected:
        assert word in message, (case, word, message)
    assert tree_hash(root / OUT) == before


def test_unknown_indicator_code(built_copy):
    """An unknown IKU code in realisasi_iku must not pass silently."""
    from lkjip_helpers.build.pipeline import build_report

    root, before = built_copy
    p = root / RAW / "realisasi_iku.csv"
    header, rows = _rows(p)
    _write_rows(p, header, [*rows, {**rows[-1], "kode_iku": "IKU-9"}])
    with pytest.raises(LkjipError) as info:
        build_report(TAHUN, progress=False)
    assert "IKU-9" in str(info.value)
    assert "realisasi_iku" in str(info.value)
    assert tree_hash(root / OUT) == before


def test_year_without_data(built_copy):
    from lkjip_helpers.build.pipeline import build_report

    root, before = built_copy
    with pytest.raises(LkjipError) as info:
        build_report(TAHUN + 2, progress=False)
    assert str(TAHUN + 2) in str(info.value)
    assert tree_hash(root / OUT) == before
    assert not (root / "outputs" / str(TAHUN + 2) / f"lkjip-{TAHUN + 2}.pdf").exists()


def test_a_year_with_partial_data_lists_missing_tables(built_copy):
    from lkjip_helpers.build.pipeline import build_report

    root, before = built_copy
    earlier = TAHUN - 1
    folder = root / "data" / "raw" / str(earlier)
    # the year before holds at most its realisasi (the example's 2016); keep only that
    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.iterdir():
        if path.is_file() and path.name != "realisasi_iku.csv":
            path.unlink()
    with pytest.raises(LkjipError) as info:
        build_report(earlier, progress=False)
    message = str(info.value)
    assert str(earlier) in message
    # several required tables are absent that year; the message names them
    for table in ("pk_target", "renstra_target"):
        assert table in message, message
    assert tree_hash(root / OUT) == before


def test_cli_reports_error_without_traceback(built_copy):
    root, _ = built_copy
    wrong_type(root)
    env = {**os.environ, "LKJIP_ROOT": str(root)}
    proc = subprocess.run(
        [sys.executable, "-m", "lkjip_helpers", "data", "--year", str(TAHUN)],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert "realisasi_iku" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
