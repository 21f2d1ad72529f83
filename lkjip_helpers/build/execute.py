"""Execute notebooks with papermill: fresh kernel per notebook, warm start, retries.

Each notebook runs in a kernel of its own that is shut down afterwards, so every
notebook starts from an empty namespace (reproducibility first). What a naive
build pays per notebook besides the notebook's own work is the kernel start-up
and the import of pandas, matplotlib and the helpers. :class:`KernelPool` starts
kernels ahead of need and pre-imports those modules *silently* (no name enters the
user namespace, no execution count is used), overlapping that cost with the
execution of other notebooks.

Each kernel records which project files its notebook reads (see
:mod:`lkjip_helpers.core.reads`): the build gives it a reads file of its own in
its environment, and the kernel starts the recorder before the notebook runs.
"""

from __future__ import annotations

import os
import queue
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from lkjip_helpers.core import config, reads
from lkjip_helpers.core.exceptions import BuildError

KERNEL_NAME = "python3"
# Imported in a throwaway namespace before the notebook runs: they land in
# sys.modules only, so the notebook's own `import` statements are instant.
WARM_UP_CODE = (
    'exec(\'import pandas, numpy, matplotlib; matplotlib.use("Agg"); '
    "import matplotlib.pyplot; import lkjip_helpers.laporan.context, lkjip_helpers.data.validation', {})"
)
# Run silently in every kernel of the build, after the warm-up: from here on the
# kernel notes every project file it reads into the file named by reads.ENV_VAR.
RECORD_CODE = "exec('import lkjip_helpers.core.reads as r; r.start_from_env()', {})"
# Known start-up races of Jupyter kernels on a busy machine: worth a retry.
RETRYABLE = (
    "Address already in use",
    "Kernel died before replying to kernel_info",
    "Kernel didn't respond",
    "Timeout waiting for",
    "kernel_info",
)
MAX_ATTEMPTS = 3


def kernel_env() -> dict[str, str]:
    """Environment of notebook kernels: this project's package, root and agency."""
    env = dict(os.environ)
    root = str(config.project_root())
    env["LKJIP_ROOT"] = root
    # The kernels read, record and cache the same agency as the build that starts them.
    env[config.AGENCY_ENV] = str(config.agency_root())
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["MPLBACKEND"] = "Agg"
    env["LKJIP_BUILD"] = "1"  # the notebooks' preview cell does nothing inside a build
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


@dataclass
class Timing:
    """Where the time of one notebook went (seconds)."""

    kernel_start: float = 0.0
    warm_up: float = 0.0
    execute: float = 0.0
    save: float = 0.0
    attempts: int = 1
    extra: dict = field(default_factory=dict)
    #: What the notebook read (``core.reads`` entries); None if nothing was recorded.
    reads: list | None = None


def _start_kernel(warm: bool):
    """A started kernel (used once), with the seconds its start-up and warm-up took.

    The kernel records its reads into ``km.lkjip_reads_file`` (a fresh file).
    """
    # lazy: papermill and jupyter_client are heavy and only needed to run notebooks
    from jupyter_client.manager import KernelManager

    t0 = time.perf_counter()
    km = KernelManager(kernel_name=KERNEL_NAME)
    fd, reads_file = tempfile.mkstemp(prefix="lkjip-reads-", suffix=".jsonl")
    os.close(fd)
    km.lkjip_reads_file = Path(reads_file)
    env = kernel_env()
    env[reads.ENV_VAR] = reads_file
    # The kernel's own start-up chatter (e.g. its TCP transport warning) is not build output.
    km.start_kernel(
        env=env,
        cwd=str(config.project_root()),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        t1 = time.perf_counter()
        if warm:
            kc.execute_interactive(WARM_UP_CODE, silent=True, store_history=False, timeout=120)
        kc.execute_interactive(RECORD_CODE, silent=True, store_history=False, timeout=60)
        t2 = time.perf_counter()
    except BaseException:
        _discard(km)
        raise
    finally:
        kc.stop_channels()
    return km, t1 - t0, t2 - t1


def _discard(km) -> None:
    """Shut a kernel down and remove its reads file."""
    try:
        km.shutdown_kernel(now=True)
    except Exception:
        pass
    reads_file = getattr(km, "lkjip_reads_file", None)
    if reads_file is not None:
        Path(reads_file).unlink(missing_ok=True)


class KernelPool:
    """Start up to ``size`` warm kernels ahead of need; each is used once."""

    def __init__(self, size: int, total: int, warm: bool = True):
        self._queue: queue.Queue = queue.Queue()
        self._remaining = total
        self._lock = threading.Lock()
        self._warm = warm
        self._threads = []
        for _ in range(min(size, total)):
            self._spawn()

    def _spawn(self) -> None:
        with self._lock:
            if self._remaining <= 0:
                return
            self._remaining -= 1

        def work():
            try:
                self._queue.put(_start_kernel(self._warm))
            except Exception as exc:  # handed to the consumer, which retries
                self._queue.put(exc)

        t = threading.Thread(target=work, daemon=True)
        t.start()
        self._threads.append(t)

    def acquire(self):
        item = self._queue.get()
        self._spawn()
        if isinstance(item, Exception):
            raise item
        return item

    def close(self) -> None:
        for t in self._threads:
            t.join(timeout=60)
        while not self._queue.empty():
            item = self._queue.get_nowait()
            if not isinstance(item, Exception):
                _discard(item[0])


def _is_retryable(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}"
    return any(marker in text for marker in RETRYABLE)


def _cell_error_message(exc, notebook: str) -> str:
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    count = getattr(exc, "exec_count", None)
    where = f" (cell {count})" if count else ""
    return (
        f"Notebook {notebook} failed{where}: {ename}: {evalue}\n"
        f"Open it in JupyterLab (`make lab`) with the same parameters to see the traceback; "
        f"the executed copy with the error is kept in .cache/failed/."
    )


def execute_notebook(
    source: Path,
    output: Path,
    parameters: dict,
    pool: KernelPool | None = None,
    *,
    timeout: int = 600,
) -> Timing:
    """Run one notebook with papermill into ``output``; raise BuildError on failure.

    The returned timing carries the notebook's recorded reads (``timing.reads``).
    """
    # lazy: papermill and jupyter_client are heavy and only needed to run notebooks
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    timing = Timing()
    last_exc: BaseException | None = None
    for attempt in range(1, MAX_ATTEMPTS + 1):
        timing.attempts = attempt
        km = None
        try:
            if pool is not None:
                km, timing.kernel_start, timing.warm_up = pool.acquire()
            else:
                km, timing.kernel_start, timing.warm_up = _start_kernel(warm=False)
            t0 = time.perf_counter()
            pm.execute_notebook(
                str(source),
                str(output),
                parameters=parameters,
                kernel_name=KERNEL_NAME,
                km=km,
                cwd=str(config.project_root()),
                progress_bar=False,
                log_output=False,
                execution_timeout=timeout,
                report_mode=False,
            )
            timing.execute = time.perf_counter() - t0
            reads_file = getattr(km, "lkjip_reads_file", None)
            timing.reads = reads.read_sink(reads_file) if reads_file else None
            return timing
        except PapermillExecutionError as exc:
            raise BuildError(_cell_error_message(exc, Path(source).name)) from None
        except Exception as exc:
            last_exc = exc
            if not _is_retryable(exc) or attempt == MAX_ATTEMPTS:
                break
        finally:
            if km is not None:
                _discard(km)
    raise BuildError(
        f"Notebook {Path(source).name} could not be executed after {timing.attempts} "
        f"attempt(s): {type(last_exc).__name__}: {last_exc}"
    )
