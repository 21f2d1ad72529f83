"""Notebook execution: fresh namespaces in warm kernels, retries, clear failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lkjip_helpers.build import execute
from lkjip_helpers.core.exceptions import BuildError

FIXTURES = Path(__file__).parent / "fixtures" / "exec"


def test_warm_kernel_keeps_the_namespace_empty(tmp_path):
    """Pre-imported modules are in sys.modules only: the notebook starts empty."""
    pool = execute.KernelPool(size=1, total=1)
    out = tmp_path / "namespace.ipynb"
    timing = execute.execute_notebook(FIXTURES / "namespace.ipynb", out, {"year": 2020}, pool)
    pool.close()
    nb = json.loads(out.read_text())
    printed = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
    assert "2021" in printed  # the parameter was injected
    assert timing.attempts == 1 and timing.execute > 0


class FlakyPool:
    """Fails to hand out a kernel once, as a kernel start-up race would."""

    def __init__(self):
        self.calls = 0

    def acquire(self):
        self.calls += 1
        if self.calls == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return execute._start_kernel(warm=True)


def test_start_up_race_is_retried(tmp_path):
    pool = FlakyPool()
    timing = execute.execute_notebook(
        FIXTURES / "namespace.ipynb", tmp_path / "out.ipynb", {"year": 2017}, pool
    )
    assert pool.calls == 2 and timing.attempts == 2


def test_failing_cell_is_a_build_error_without_retry(tmp_path):
    pool = FlakyPool()
    pool.calls = 1  # no start-up failure: the notebook itself fails
    with pytest.raises(BuildError, match=r"raises.ipynb failed .*ValueError: data tidak lengkap"):
        execute.execute_notebook(FIXTURES / "raises.ipynb", tmp_path / "out.ipynb", {}, pool)
    assert pool.calls == 2  # one kernel, one attempt


@pytest.mark.parametrize(
    "message, retry",
    [
        ("ZMQError: Address already in use", True),
        ("Kernel didn't respond in 60 seconds", True),
        ("ModuleNotFoundError: No module named 'x'", False),
    ],
)
def test_which_errors_are_retried(message, retry):
    assert execute._is_retryable(RuntimeError(message)) is retry


def test_kernel_environment_points_at_the_project(monkeypatch, tmp_path):
    monkeypatch.setenv("LKJIP_ROOT", str(tmp_path))
    env = execute.kernel_env()
    assert env["LKJIP_ROOT"] == str(tmp_path)
    assert env["PYTHONPATH"].split(":")[0] == str(tmp_path)
    assert env["MPLBACKEND"] == "Agg"


def test_kernels_see_the_agency_of_the_build(monkeypatch, tmp_path):
    monkeypatch.setenv("LKJIP_ROOT", str(tmp_path / "repo"))
    monkeypatch.delenv("LKJIP_AGENCY", raising=False)
    assert execute.kernel_env()["LKJIP_AGENCY"] == str(tmp_path / "repo")
    monkeypatch.setenv("LKJIP_AGENCY", str(tmp_path / "dinas"))
    assert execute.kernel_env()["LKJIP_AGENCY"] == str(tmp_path / "dinas")
