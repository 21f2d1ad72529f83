"""The kernels' warm parent: kept between builds, shared by key, ended when asked."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lkjip_helpers.build import execute, forkserver
from lkjip_helpers.core.exceptions import BuildError

FIXTURES = Path(__file__).parent / "fixtures" / "exec"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (ended, not yet reaped by its parent) is not alive
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def _wait_gone(pid: int, seconds: float = 15.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False


def _run(tmp_path: Path, name: str) -> tuple[int, bool]:
    """Run the namespace notebook through a pool; the parent's pid and whether it was reused."""
    server = execute.start_fork_server()
    pool = execute.KernelPool(size=1, total=1, server=server)
    try:
        execute.execute_notebook(
            FIXTURES / "namespace.ipynb", tmp_path / f"{name}.ipynb", {"year": 2020}, pool
        )
    finally:
        pool.close()
    assert pool.mode == "fork"
    return server.pid, server.reused


def test_a_kept_parent_serves_the_next_build_until_stopped(tmp_path, monkeypatch):
    monkeypatch.setenv(execute.KEEP_WARM_ENV, "60")
    execute.stop_warm_parent()
    first, reused_first = _run(tmp_path, "a")
    second, reused_second = _run(tmp_path, "b")
    try:
        assert not reused_first and reused_second
        assert first == second and _alive(first)
    finally:
        assert execute.stop_warm_parent()
    assert _wait_gone(first), "the parent did not end after its socket was removed"
    assert not execute.stop_warm_parent()  # nothing left to stop


def test_a_parent_of_one_build_ends_with_it(tmp_path, monkeypatch):
    monkeypatch.setenv(execute.KEEP_WARM_ENV, "0")
    pid, reused = _run(tmp_path, "a")
    assert not reused
    assert _wait_gone(pid)


def test_an_unused_parent_is_not_left_warming(monkeypatch):
    monkeypatch.setenv(execute.KEEP_WARM_ENV, "0")
    server = execute.ForkServer()
    proc = server._proc
    server.close()  # the build needed no kernel
    assert proc.poll() is not None


def test_the_key_of_a_parent_follows_what_it_imports(tmp_path, monkeypatch):
    env = execute.kernel_env()
    assert execute.parent_key(env) == execute.parent_key(dict(env))
    other_path = {**env, "PYTHONPATH": f"{tmp_path}{os.pathsep}{env['PYTHONPATH']}"}
    assert execute.parent_key(other_path) != execute.parent_key(env)
    monkeypatch.setenv("LKJIP_ROOT", str(tmp_path))  # another project folder
    assert execute.parent_key() != execute.parent_key(env)


@pytest.mark.parametrize(
    "value, seconds", [("", execute.KEEP_WARM_DEFAULT), ("0", 0.0), ("30", 30.0)]
)
def test_keep_warm_seconds(monkeypatch, value, seconds):
    monkeypatch.setenv(execute.KEEP_WARM_ENV, value)
    assert execute.keep_warm_seconds() == seconds


def test_a_bad_keep_warm_value_says_what_to_write(monkeypatch):
    monkeypatch.setenv(execute.KEEP_WARM_ENV, "lama")
    with pytest.raises(BuildError, match="LKJIP_KEEP_WARM='lama': expected a number of seconds"):
        execute.keep_warm_seconds()


def test_one_parent_listens_on_a_path_and_a_dead_ones_file_is_replaced(tmp_path):
    path = str(execute.socket_folder() / f"test-{os.getpid()}.sock")
    first = forkserver._bind(path)
    try:
        assert first is not None
        assert forkserver._bind(path) is None  # a live parent serves it: the second leaves
    finally:
        first.close()
    # the file of a parent that died without removing it
    assert os.path.exists(path)
    second = forkserver._bind(path)
    try:
        assert second is not None
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        probe.connect(path)
        probe.close()
    finally:
        second.close()
        os.unlink(path)


def test_a_kernel_ends_with_the_build_that_asked_for_it():
    """A forked kernel watches its build: killed builds leave no kernel behind."""
    build = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    pid = os.fork()
    if pid == 0:  # stands for a kernel forked for `build`
        try:
            forkserver._watch(build.pid)
            time.sleep(30)
        finally:
            os._exit(0)
    try:
        time.sleep(0.3)
        assert _alive(pid)
        build.kill()
        build.wait()
        end = time.monotonic() + 10
        while time.monotonic() < end:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.1)
        else:
            pytest.fail("the kernel outlived its build")
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def test_a_parent_for_new_code_ends_the_older_parents_of_its_project(tmp_path):
    for name in ("proj1-old.sock", "proj1-older.sock", "proj2-old.sock", "proj1-new.sock"):
        (tmp_path / name).write_text("")
    forkserver._end_older_parents(str(tmp_path / "proj1-new.sock"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["proj1-new.sock", "proj2-old.sock"]


def test_the_socket_names_the_project_then_the_code(monkeypatch, tmp_path):
    project, _, code = execute.socket_path().stem.partition("-")
    monkeypatch.setenv("LKJIP_ROOT", str(tmp_path))
    other_project, _, _ = execute.socket_path().stem.partition("-")
    assert project and code and other_project != project


def test_the_warm_up_starts_no_thread_and_hooks_nothing():
    """What crosses the fork is imported modules only: no thread (a fork keeps only the
    forking one), no trace or profile hook, ``os.fork`` itself untouched."""
    code = (
        "import os, sys, threading\n"
        "fork = os.fork\n"
        "from lkjip_helpers.build import forkserver\n"
        "forkserver.warm_up()\n"
        "print(threading.active_count(), sys.gettrace(), sys.getprofile(), os.fork is fork)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=execute.kernel_env(), capture_output=True,
        text=True, check=True,
    ).stdout  # fmt: skip
    assert out.split() == ["1", "None", "None", "True"]


def test_a_kept_parent_warm_but_unused_is_left_serving_at_once(monkeypatch):
    """A build that needed no kernel does not wait on a shared parent that is warm."""
    monkeypatch.setenv(execute.KEEP_WARM_ENV, "60")
    execute.stop_warm_parent()
    server = execute.ForkServer()
    proc = server._proc
    try:
        end = time.monotonic() + 60
        while not server.path.exists() and time.monotonic() < end:
            time.sleep(0.1)
        assert server.path.exists()
        t0 = time.monotonic()
        server.close()
        assert time.monotonic() - t0 < 2 and proc.poll() is None
    finally:
        execute.stop_warm_parent()
        proc.wait(timeout=15)


def _kernels_of(pid: int) -> list[int]:
    import psutil

    try:
        return [c.pid for c in psutil.Process(pid).children() if c.status() != "zombie"]
    except psutil.NoSuchProcess:
        return []


def test_an_early_kernel_is_the_pools_first_or_let_go(tmp_path, monkeypatch):
    """A build forks its first kernel from a warm parent before it knows it needs one:
    used, it runs the notebook; not needed, it ends without the build waiting on it."""
    monkeypatch.setenv(execute.KEEP_WARM_ENV, "60")
    execute.stop_warm_parent()
    assert execute.warm_parent() is None  # nothing serving: none is started either
    starter = execute.start_fork_server()
    try:
        parent = starter.ready()
        server = execute.warm_parent()
        assert server is not None and server.reused
        early = execute.EarlyKernel(server)
        pool = execute.KernelPool(size=1, total=1, server=server, early=early)
        try:
            timing = execute.execute_notebook(
                FIXTURES / "namespace.ipynb", tmp_path / "a.ipynb", {"year": 2020}, pool
            )
        finally:
            pool.close()
        assert timing.extra.get("early_kernel") is True
        assert timing.reads is not None  # the recorder ran in the early kernel too

        unused = execute.warm_parent()
        t0 = time.monotonic()
        execute.EarlyKernel(unused).discard()
        unused.close()
        assert time.monotonic() - t0 < 1.0
        end = time.monotonic() + 15
        while _kernels_of(parent) and time.monotonic() < end:
            time.sleep(0.1)
        assert _kernels_of(parent) == []
    finally:
        starter.close()
        execute.stop_warm_parent()


def test_no_early_kernel_when_parents_are_not_kept(monkeypatch):
    monkeypatch.setenv(execute.KEEP_WARM_ENV, "0")
    assert execute.warm_parent() is None
