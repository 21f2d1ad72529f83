"""The product's tests travel: they pass in a repository holding another agency.

A copy of the repository (code, notebooks, book, tests, pyproject.toml) gets a
small synthetic agency (:mod:`tests.agensi_kecil`) as its ``params/`` and
``data/raw/``, without the example's expected-figures file; the subset of the
product's tests that must pass for any agency then runs there, in its own pytest,
and the example's acceptance tests are skipped with their reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lkjip_helpers.build.workspace import CODE_PARTS
from tests.agensi_kecil import tulis_agensi_kecil

ROOT = Path(__file__).resolve().parent.parent

#: Product tests that must pass whatever the agency (the rest still read the
#: example's own tables and year; the acceptance module skips without its file).
FOR_ANY_AGENCY = [
    "tests/test_config.py",
    "tests/test_reads.py",
    "tests/test_catalogue.py",
    "tests/test_numbers.py",
    "tests/test_formatting.py",
    "tests/test_markdown.py",
    "tests/test_io.py",
    "tests/test_cli.py",
    "tests/test_agensi_baru.py",
    "tests/test_acceptance_angka.py",
]
# Built elsewhere in the suite already; here they would only cost minutes.
DESELECT = "not agency_folder_outside and not builds_its_report"


@pytest.mark.e2e
def test_product_tests_pass_in_a_repository_of_another_agency(tmp_path):
    repo = tmp_path / "repo"
    ignore = shutil.ignore_patterns("__pycache__", ".cache", "outputs")
    for part in [*CODE_PARTS, "tests"]:
        shutil.copytree(ROOT / part, repo / part, ignore=ignore)
    shutil.copy2(ROOT / "pyproject.toml", repo / "pyproject.toml")
    agency = tmp_path / "agency"
    tulis_agensi_kecil(agency, 2024)
    shutil.copytree(agency / "params", repo / "params")
    shutil.copytree(agency / "data" / "raw", repo / "data" / "raw")
    assert not (repo / "data" / "raw" / "2017").exists()

    # nothing of the outer run: its LKJIP_ settings, nor its pytest options (a --basetemp
    # in PYTEST_ADDOPTS would point this run at the outer run's folder)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("LKJIP_") and k != "PYTEST_ADDOPTS"
    }
    env["LKJIP_RENDERER"] = "builtin"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", *FOR_ANY_AGENCY, "-q", "-rs", "-p", "no:cacheprovider"]
        + ["-k", DESELECT, f"--basetemp={tmp_path / 'pt'}"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    report = proc.stdout[-4000:] + proc.stderr[-2000:]
    assert proc.returncode == 0, report
    assert "angka_harapan.yaml absent" in proc.stdout, report  # skipped, with the reason
    assert " passed" in proc.stdout and " failed" not in proc.stdout, report
