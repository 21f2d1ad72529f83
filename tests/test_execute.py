"""Notebook execution: fresh namespaces in warm kernels, retries, clear failures."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lkjip_helpers.build import execute
from lkjip_helpers.core import config
from lkjip_helpers.core.exceptions import BuildError
from tests.agensi_uji import TAHUN

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

    def release(self, km):
        execute._discard(km)


def test_start_up_race_is_retried(tmp_path):
    pool = FlakyPool()
    timing = execute.execute_notebook(
        FIXTURES / "namespace.ipynb", tmp_path / "out.ipynb", {"year": TAHUN}, pool
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


def _plain_papermill(source: Path, output: Path, parameters: dict) -> None:
    """The reference: papermill starting its own kernel, in the build's kernel environment."""
    import papermill as pm

    saved = dict(os.environ)
    os.environ.update(execute.kernel_env())
    try:
        pm.execute_notebook(
            str(source), str(output), parameters=parameters, kernel_name=execute.KERNEL_NAME,
            cwd=str(config.project_root()), progress_bar=False,
        )  # fmt: skip
    finally:
        os.environ.clear()
        os.environ.update(saved)


def comparable(path: Path) -> dict:
    """An executed notebook without what differs between two identical runs:
    timestamps and durations (papermill's and the kernel's), execution counts, and
    the random id papermill gives the cell it injects the parameters in."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    nb["metadata"].pop("papermill", None)
    for cell in nb["cells"]:
        if "injected-parameters" in cell["metadata"].get("tags", []):
            cell.pop("id", None)
        cell.pop("execution_count", None)
        cell["metadata"].pop("execution", None)
        cell["metadata"].pop("papermill", None)
        for out in cell.get("outputs", []):
            out.pop("execution_count", None)
    return nb


def _fast(source: Path, output: Path, parameters: dict) -> str:
    pool = execute.KernelPool(size=1, total=1)
    try:
        execute.execute_notebook(source, output, parameters, pool)
    finally:
        pool.close()
    return pool.mode


def test_forked_kernel_outputs_equal_a_plain_papermill_run(tmp_path):
    """Parameters, streams, tables, figures, the namespace, the backend, pyplot's figure
    numbers: a kernel forked from the warm parent gives exactly a fresh kernel's outputs."""
    source = FIXTURES / "equivalence.ipynb"
    _plain_papermill(source, tmp_path / "plain.ipynb", {"year": 2031})
    assert _fast(source, tmp_path / "fast.ipynb", {"year": 2031}) == "fork"
    plain, fast = comparable(tmp_path / "plain.ipynb"), comparable(tmp_path / "fast.ipynb")
    outputs = [o for c in fast["cells"] for o in c["outputs"]]
    text = json.dumps(outputs)
    assert "tahun 2031" in text and "image/png" in text and "tbl-uji" in text
    assert fast == plain


def test_the_warm_parent_imports_without_reading_the_project(tmp_path):
    """The kernels' parent imports modules only: a project file it read would not be
    recorded in the kernels (their recorder starts after the fork)."""
    code = (
        "from lkjip_helpers.core import reads\n"
        "reads.start()\n"
        "from lkjip_helpers.build import forkserver\n"
        "forkserver.warm_up()\n"
        "print(reads.stop())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=execute.kernel_env(), cwd=config.project_root(),
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    # (an editable install's metadata, read by entry-point lookups, is no report input)
    read = [e for e in ast.literal_eval(out.strip()) if ".egg-info/" not in e[1]]
    assert read == []


def test_without_the_warm_parent_kernels_start_the_usual_way(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise execute.ForkServerError("kernel fork server ended (exit 1)")

    monkeypatch.setattr(execute.ForkServer, "fork", broken)
    pool = execute.KernelPool(size=1, total=1)
    try:
        execute.execute_notebook(
            FIXTURES / "namespace.ipynb", tmp_path / "out.ipynb", {"year": 2020}, pool
        )
    finally:
        pool.close()
    assert pool.mode == "spawn"


@pytest.mark.e2e
def test_a_chapter_from_the_build_equals_a_plain_papermill_run(built_2017, monkeypatch, tmp_path):
    """A report chapter as the build ran it (forked kernel, the build's snapshot of the
    context) has the outputs of plain papermill computing everything in a fresh kernel."""
    monkeypatch.setenv("LKJIP_ROOT", str(built_2017))
    name = "03_akuntabilitas"
    built = built_2017 / "outputs" / str(TAHUN) / "notebooks" / f"{name}.ipynb"
    _plain_papermill(
        built_2017 / "notebooks" / f"{name}.ipynb", tmp_path / "plain.ipynb", {"year": TAHUN}
    )
    fast, plain = comparable(built), comparable(tmp_path / "plain.ipynb")
    assert "image/png" in json.dumps(fast) and "tbl-capaian-iku" in json.dumps(fast)
    assert fast == plain


def test_kernels_see_the_agency_of_the_build(monkeypatch, tmp_path):
    monkeypatch.setenv("LKJIP_ROOT", str(tmp_path / "repo"))
    monkeypatch.delenv("LKJIP_AGENCY", raising=False)
    assert execute.kernel_env()["LKJIP_AGENCY"] == str(tmp_path / "repo")
    monkeypatch.setenv("LKJIP_AGENCY", str(tmp_path / "dinas"))
    assert execute.kernel_env()["LKJIP_AGENCY"] == str(tmp_path / "dinas")


def test_a_kernel_leaves_no_thread_or_descriptor_behind(tmp_path):
    """papermill leaves the channels of its client running when it is given the kernel;
    a long process (the test suite, a batch worker) then runs out of descriptors."""
    import threading

    def heartbeats() -> int:
        return sum(type(t).__name__ == "HBChannel" for t in threading.enumerate())

    def descriptors() -> int:
        return len(os.listdir("/proc/self/fd"))

    pool = execute.KernelPool(size=1, total=4)
    try:
        execute.execute_notebook(
            FIXTURES / "namespace.ipynb", tmp_path / "0.ipynb", {"year": 2020}, pool
        )
        before = descriptors()
        for i in range(1, 4):
            execute.execute_notebook(
                FIXTURES / "namespace.ipynb", tmp_path / f"{i}.ipynb", {"year": 2020}, pool
            )
    finally:
        pool.close()
    assert heartbeats() == 0
    # the next kernel of the pool was warming at `before`; each leaked client held ~13
    assert descriptors() - before < 8
