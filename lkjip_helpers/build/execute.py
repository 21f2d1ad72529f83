"""Execute notebooks with papermill: fresh kernel per notebook, warm start, retries.

Each notebook runs in a kernel of its own that is shut down afterwards, so every
notebook starts from an empty namespace (reproducibility first). What a naive
build pays per notebook besides the notebook's own work is the kernel start-up
and the import of pandas, matplotlib and the helpers. :class:`KernelPool` pays
it once per build: its kernels are forked from a parent process that has
already imported all of it (:mod:`lkjip_helpers.build.forkserver`), so each
kernel starts in a fraction of a second with those modules in ``sys.modules``
and nothing in its namespace. Where forking is not available (or the parent
fails), kernels are started the usual way and pre-import the same modules
*silently* (no name enters the user namespace, no execution count is used).

Each kernel records which project files its notebook reads (see
:mod:`lkjip_helpers.core.reads`): the build gives it a reads file of its own in
its environment, and the kernel starts the recorder before the notebook runs.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from lkjip_helpers.core import config, reads
from lkjip_helpers.core.exceptions import BuildError
from lkjip_helpers.laporan.context import SNAPSHOT_ENV

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
    # the project first, once (a build started from a kernel or a bench child already has it)
    rest = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != root]
    env["PYTHONPATH"] = os.pathsep.join([root, *rest])
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


class ForkServerError(RuntimeError):
    """The warm parent of the kernels could not start or fork."""


#: Seconds the kernels' warm parent stays after a build or preview (0: it ends with it).
KEEP_WARM_ENV = "LKJIP_KEEP_WARM"
KEEP_WARM_DEFAULT = 900.0


def keep_warm_seconds() -> float:
    """How long the warm parent outlives its build (:data:`KEEP_WARM_ENV`)."""
    value = os.environ.get(KEEP_WARM_ENV, "").strip()
    if not value:
        return KEEP_WARM_DEFAULT
    try:
        return max(0.0, float(value))
    except ValueError:
        raise BuildError(
            f"{KEEP_WARM_ENV}={value!r}: expected a number of seconds (0: no warm parent "
            "between builds)"
        ) from None


def parent_key(env: dict[str, str] | None = None) -> str:
    """What a warm parent's imports depend on: a parent is shared only when it matches.

    The interpreter, the project folder, the module search path the kernels
    get (``PYTHONPATH`` and site-packages) and the state of each of its folders
    (``mtime`` of site-packages changes when a package is installed), and every
    file of this package (an edit to the helpers means a new parent). Not the
    caller's own ``sys.path``: a script and ``make`` share one parent.
    """
    env = env or kernel_env()
    digest = hashlib.sha256()
    # the helpers the parent imports: the first on its PYTHONPATH, else these
    package = Path(__file__).resolve().parents[1]
    for entry in env.get("PYTHONPATH", "").split(os.pathsep):
        if entry and (Path(entry) / package.name / "__init__.py").is_file():
            package = (Path(entry) / package.name).resolve()
            break
    parts = [sys.executable, str(config.project_root()), env.get("PYTHONPATH", ""), str(package)]
    # The parent's own search path, not this process's (a script's folder is no concern):
    # what PYTHONPATH adds, then this interpreter's site-packages.
    # (Not the mtime of a PYTHONPATH folder: the project root changes whenever a build
    # writes its outputs; its helpers' files are fingerprinted below.)
    site = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    for entry in sorted(site):
        try:
            parts.append(f"{entry}:{os.stat(entry or '.').st_mtime_ns}")
        except OSError:
            continue
    for path in sorted(package.rglob("*.py")):
        stat = path.stat()
        parts.append(f"{path}:{stat.st_mtime_ns}:{stat.st_size}")
    digest.update("\n".join(parts).encode())
    folder = hashlib.sha256(str(config.project_root()).encode()).hexdigest()[:8]
    # "<project>-<code>": a parent started for new code of a project ends the old one
    # (see forkserver.serve), instead of both staying warm.
    return f"{folder}-{digest.hexdigest()[:16]}"


def socket_path(env: dict[str, str] | None = None) -> Path:
    """The socket of the warm parent of this code (:func:`parent_key`)."""
    return socket_folder() / f"{parent_key(env)}.sock"


def socket_folder() -> Path:
    """The folder of the warm parents' sockets (private to the user; short: a Unix
    socket path has at most about 100 characters)."""
    folder = Path(tempfile.gettempdir()) / f"lkjip-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


class ForkServer:
    """A connection to a warm parent of kernels (:mod:`lkjip_helpers.build.forkserver`).

    ``keep`` seconds (default :func:`keep_warm_seconds`): if a parent of the same
    :func:`parent_key` is alive, it is used at once; otherwise one is started,
    warming in the background (:meth:`fork` waits until it is), and stays ``keep``
    seconds after the last build. With ``keep=0`` the parent is this build's own
    and ends with it.
    """

    def __init__(self, keep: float | None = None, start: bool = True):
        self._lock = threading.Lock()
        self.pid: int | None = None
        self._sock: socket.socket | None = None
        self._reader = None
        self._proc: subprocess.Popen | None = None
        keep = keep_warm_seconds() if keep is None else keep
        self.keep = keep
        env = kernel_env()
        if keep > 0:
            self.path = socket_path(env)
            self._connect(quiet=True)
        else:
            self.path = socket_folder() / f"{uuid.uuid4().hex[:20]}.sock"
        #: Whether this build found a parent already warm.
        self.reused = self._sock is not None
        if self._sock is None and start:
            self._proc = subprocess.Popen(
                [
                    sys.executable, "-m", "lkjip_helpers.build.forkserver",
                    "--socket", str(self.path), "--idle", str(keep),
                    "--root", str(config.project_root()),
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
                cwd=str(config.project_root()),
                start_new_session=True,
            )  # fmt: skip

    def _connect(self, quiet: bool = False) -> bool:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(str(self.path))
        except OSError:
            sock.close()
            return False
        self._sock, self._reader = sock, sock.makefile("r", encoding="utf-8")
        return True

    def _reply(self) -> dict:
        line = self._reader.readline()
        if not line:
            raise ForkServerError("kernel fork server closed the connection")
        return json.loads(line)

    def ready(self) -> int:
        """Wait until the parent is warm; its pid."""
        with self._lock:
            return self._ready()

    def _ready(self, timeout: float = 120.0) -> int:
        if self.pid is not None:
            return self.pid
        end = time.monotonic() + timeout
        ended = None
        while self._sock is None and not self._connect():
            code = self._proc.poll() if self._proc is not None else None
            if code is not None and ended is None:
                ended = time.monotonic()
            # A parent that lost the race to another one exits 0 at once: the winner is
            # serving (or about to); any other end is a failure.
            lost_race = code == 0 and time.monotonic() - ended < 2.0
            if (code is not None and not lost_race) or time.monotonic() > end:
                raise ForkServerError(f"kernel fork server did not start (exit {code})")
            time.sleep(0.02)
        try:
            self.pid = int(self._reply()["ready"])
        except (OSError, ValueError, KeyError) as exc:
            raise ForkServerError(f"kernel fork server: {type(exc).__name__}: {exc}") from exc
        return self.pid

    def fork(self, argv: list[str], env: dict, cwd: str) -> int:
        """Fork a kernel running ``argv`` (ipykernel's command line); its pid."""
        with self._lock:
            env = {**env, "JPY_PARENT_PID": str(self._ready())}
            try:
                request = {"argv": argv, "env": env, "cwd": cwd, "watch": os.getpid()}
                self._sock.sendall((json.dumps(request) + "\n").encode())
                reply = self._reply()
            except (OSError, ValueError) as exc:
                raise ForkServerError(f"kernel fork server: {type(exc).__name__}: {exc}") from exc
        if "pid" not in reply:
            raise ForkServerError(f"kernel fork server: {reply.get('error', reply)}")
        return int(reply["pid"])

    def close(self) -> None:
        """Close the connection. A parent of this build alone then ends; a shared one
        stays warm for the next build (kernels still running end with their build)."""
        if self._sock is not None:
            self._reader.close()
            self._sock.close()
            self._sock = None
        proc, self._proc = self._proc, None
        if proc is None:
            return
        unused = self.pid is None and (self.keep == 0 or not self.path.exists())
        if unused:
            # Never used (the build needed no kernel) and not yet serving: it would only
            # warm for nobody.
            proc.kill()
        if unused or self.keep == 0:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        # else: a shared parent stays warm (serving, or ready to): it ends after `keep`
        # idle seconds, or 60 s if nobody ever connects


def stop_warm_parent(env: dict[str, str] | None = None) -> bool:
    """End the warm parent of this code, if one is alive (its socket file is removed;
    it notices within a second). Whether there was one."""
    try:
        socket_path(env).unlink()
    except FileNotFoundError:
        return False
    return True


def start_fork_server() -> ForkServer | None:
    """Connect to the kernels' warm parent, or start one (None where processes cannot fork)."""
    return ForkServer() if hasattr(os, "fork") else None


class _ForkedProcess:
    """A forked kernel seen as the ``Popen`` a provisioner expects (it is not our child)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid

    def poll(self) -> int | None:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return 0  # gone (reaped by its parent, which alone knows the exit code)
        except PermissionError:
            return None
        return None

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.02)
        return 0

    def send_signal(self, signum: int) -> None:
        try:
            os.kill(self.pid, signum)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _fork_provisioner(server: ForkServer, km):
    """A jupyter_client provisioner that forks ``km``'s kernel from ``server``."""
    # lazy: jupyter_client is heavy and only needed to run notebooks
    from jupyter_client.provisioning import LocalProvisioner

    class ForkProvisioner(LocalProvisioner):
        async def launch_kernel(self, cmd: list[str], **kwargs):
            if list(cmd[1:3]) != ["-m", "ipykernel_launcher"]:
                return await super().launch_kernel(cmd, **kwargs)  # another kind of kernel
            import ipykernel_launcher  # lazy: only for the path `python -m` would give

            env = dict(kwargs.get("env") or os.environ)
            cwd = str(kwargs.get("cwd") or os.getcwd())
            # ipykernel exits when its parent does: that parent is the fork server.
            pid = server.fork([ipykernel_launcher.__file__, *cmd[3:]], env, cwd)
            self.process = _ForkedProcess(pid)
            self.pid = self.pgid = pid  # the child called setsid()
            self.cwd = cwd
            return self.connection_info

    km.kernel_id = km.kernel_id or str(uuid.uuid4())
    return ForkProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)


#: How long a client waits, after a kernel_info reply, for a first message on IOPub
#: before it asks again (its subscription may not be connected yet).
IOPUB_CONFIRM_SECONDS = 0.25


async def _wait_for_ready(kc, timeout: float | None = None) -> None:
    """Return once ``kc``'s kernel answers on the shell channel *and* its IOPub is connected.

    Replaces ``KernelClient.wait_for_ready``, which ends by draining IOPub until it
    has been silent for 0,2 s: papermill calls it once more per notebook, so every
    notebook paid 0,4 s of waiting for nothing. IOPub counts as connected, as in
    jupyter_client, when any message reaches it (the kernel's ``iopub_welcome`` or
    the status of a request); nothing needs draining, because every reader of
    IOPub (papermill's and ours) matches messages to its request by parent id.
    """
    import asyncio
    from queue import Empty

    from jupyter_client.utils import ensure_async

    deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
    while True:
        kc.kernel_info()
        try:
            reply = await ensure_async(kc.shell_channel.get_msg(timeout=1))
        except Empty:
            reply = None
        if reply is not None and reply.get("msg_type") == "kernel_info_reply":
            try:
                await ensure_async(kc.iopub_channel.get_msg(timeout=IOPUB_CONFIRM_SECONDS))
            except Empty:
                pass  # not connected yet: ask again
            else:
                kc._handle_kernel_info_reply(reply)
                return
        if not await ensure_async(kc.is_alive()):
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        await asyncio.sleep(0)


_IMPORTS = threading.Lock()


@functools.cache
def _import_jupyter() -> None:
    """Import papermill and jupyter_client once, under a lock.

    Threads of a build import them at the same time (the early kernel's, the pool's,
    the notebooks'); jupyter_client's modules import each other, and two threads
    importing them at once can see one half-initialised ("cannot import name
    'AsyncKernelManager'").
    """
    with _IMPORTS:
        # lazy: heavy, and only needed to run notebooks
        import jupyter_client.blocking  # noqa: F401
        import jupyter_client.manager  # noqa: F401
        import jupyter_client.provisioning  # noqa: F401
        import papermill  # noqa: F401


@functools.cache
def _kernel_manager_class():
    """``KernelManager`` whose clients wait for readiness by :func:`_wait_for_ready`
    and whose kill is noticed within 10 ms (jupyter_client polls every 0,1 s)."""
    _import_jupyter()
    import zmq
    from jupyter_client.blocking import BlockingKernelClient
    from jupyter_client.manager import KernelManager
    from jupyter_client.utils import run_sync

    class Client(BlockingKernelClient):
        async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
            await _wait_for_ready(self, timeout)

        wait_for_ready = run_sync(_async_wait_for_ready)

        def start_channels(self, *args, **kwargs) -> None:
            # A kernel forked a moment ago has not bound its ports yet: ZeroMQ then
            # tries again after 100 ms by default, the longest wait of a kernel's start.
            self.context.setsockopt(zmq.RECONNECT_IVL, 10)
            super().start_channels(*args, **kwargs)

        def stop_channels(self) -> None:
            super().stop_channels()
            # A client used once: its own ZeroMQ context (about 13 file descriptors)
            # would otherwise wait for the garbage collector, and a long process (the
            # test suite, a batch worker) runs out of descriptors.
            if self._created_context and not self.context.closed:
                self.context.destroy(linger=0)

    class Manager(KernelManager):
        def client(self, **kwargs):
            self.client_factory = Client
            kc = super().client(**kwargs)
            # papermill leaves the channels of its client running when it was given
            # the manager (a heartbeat thread and a ZeroMQ context per notebook):
            # _discard stops every client of the kernel.
            self.__dict__.setdefault("lkjip_clients", []).append(kc)
            return kc

        async def _async_wait(self, pollinterval: float = 0.01) -> None:
            await super()._async_wait(pollinterval=pollinterval)

    return Manager


def _start_kernel(warm: bool, context_file: Path | None = None, server: ForkServer | None = None):
    """A started kernel (used once), with the seconds its start-up and warm-up took.

    The kernel records its reads into ``km.lkjip_reads_file`` (a fresh file) and
    loads the build's snapshot of the report context from ``context_file``. With
    a ``server`` it is forked from that warm parent (no warm-up needed).
    """
    t0 = time.perf_counter()
    km = _boot_kernel(server)
    t1 = time.perf_counter()
    _prepare_kernel(km, warm and server is None, context_file)
    return km, t1 - t0, time.perf_counter() - t1


def _boot_kernel(server: ForkServer | None = None):
    """A kernel started and answering (forked from ``server`` if given), not yet prepared
    for a notebook: its reads file is named in its environment, nothing is recorded."""
    km = _kernel_manager_class()(kernel_name=KERNEL_NAME)
    if server is not None:
        km.provisioner = _fork_provisioner(server, km)
    fd, reads_file = tempfile.mkstemp(prefix="lkjip-reads-", suffix=".jsonl")
    os.close(fd)
    km.lkjip_reads_file = Path(reads_file)
    env = kernel_env()
    env[reads.ENV_VAR] = reads_file
    try:
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
        finally:
            kc.stop_channels()
    except BaseException:
        _discard(km)
        raise
    return km


def _prepare_kernel(km, warm: bool, context_file: Path | None) -> None:
    """Before its notebook: warm-up imports (``warm``), the snapshot of the report
    context to load (``context_file``), then the recorder of reads started."""
    code = []
    if warm:
        code.append(WARM_UP_CODE)
    record = RECORD_CODE
    if context_file is not None:
        # read when the notebook asks for its context, not at start-up (one request)
        inner = f"import os; os.environ[{SNAPSHOT_ENV!r}] = {str(context_file)!r}"
        record = f"exec({inner!r}, {{}}); {RECORD_CODE}"
    code.append(record)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        for cell in code:
            kc.execute_interactive(cell, silent=True, store_history=False, timeout=120)
    except BaseException:
        _discard(km)
        raise
    finally:
        kc.stop_channels()


class EarlyKernel:
    """One kernel forked from an already warm parent as the build starts, before it knows
    whether a notebook is to run: its start-up overlaps the build's checks of the cache.

    :class:`KernelPool` takes it as its first kernel; unused, it is shut down in the
    background (and, like every forked kernel, ends if its build does).
    """

    def __init__(self, server: ForkServer):
        self._done = threading.Event()
        self._result = None
        self.seconds = 0.0
        threading.Thread(target=self._boot, args=(server,), daemon=True).start()

    def _boot(self, server: ForkServer) -> None:
        t0 = time.perf_counter()
        try:
            self._result = _boot_kernel(server)
        except Exception as exc:  # the pool then starts its kernels the usual way
            self._result = exc
        self.seconds = time.perf_counter() - t0
        self._done.set()

    def take(self):
        """The booted kernel manager, or None if it could not start."""
        self._done.wait()
        result, self._result = self._result, None
        return None if isinstance(result, Exception) else result

    def discard(self) -> None:
        def end():
            km = self.take()
            if km is not None:
                _discard(km)

        threading.Thread(target=end, daemon=True).start()


def warm_parent() -> ForkServer | None:
    """A connection to the kernels' warm parent if one is serving already (no new one)."""
    if not hasattr(os, "fork") or keep_warm_seconds() <= 0:
        return None
    server = ForkServer(start=False)
    return server if server.reused else None


def _discard(km) -> None:
    """Stop its clients, shut a kernel down and remove its reads file."""
    for kc in km.__dict__.pop("lkjip_clients", []):
        try:
            if kc.channels_running:
                kc.stop_channels()
            elif kc._created_context and not kc.context.closed:
                kc.context.destroy(linger=0)
        except Exception:
            pass
    try:
        km.shutdown_kernel(now=True)
    except Exception:
        pass
    reads_file = getattr(km, "lkjip_reads_file", None)
    if reads_file is not None:
        Path(reads_file).unlink(missing_ok=True)


class KernelPool:
    """Start up to ``size`` warm kernels ahead of need; each is used once.

    ``fork``: kernels are forked from one warm parent (:class:`ForkServer`),
    ``server`` if given (started earlier, to warm while the build does other
    work; the pool closes it); if it fails, the pool falls back to kernels
    started the usual way.
    """

    def __init__(
        self,
        size: int,
        total: int,
        warm: bool = True,
        context_file: Path | None = None,
        fork: bool = True,
        server: ForkServer | None = None,
        early: EarlyKernel | None = None,
    ):
        self._queue: queue.Queue = queue.Queue()
        self._early = early
        self._releasing: list[threading.Thread] = []
        self._context_file = context_file
        if server is None and fork and warm and total:
            server = start_fork_server()
        self._server = server
        #: How the pool's kernels were started: "fork" or "spawn" (set by each start).
        self.mode = "fork" if self._server is not None else "spawn"
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
                self._queue.put(self._start())
            except Exception as exc:  # handed to the consumer, which retries
                self._queue.put(exc)

        t = threading.Thread(target=work, daemon=True)
        t.start()
        self._threads.append(t)

    def _start(self):
        with self._lock:
            early, self._early = self._early, None
        if early is not None:
            t0 = time.perf_counter()
            km = early.take()
            if km is not None:
                km.lkjip_early = True
                waited = time.perf_counter() - t0
                _prepare_kernel(km, False, self._context_file)
                return km, waited, time.perf_counter() - t0 - waited
        server = self._server
        if server is not None:
            try:
                return _start_kernel(self._warm, self._context_file, server)
            except ForkServerError:
                self._server, self.mode = None, "spawn"  # start the usual way from now on
                server.close()
        return _start_kernel(self._warm, self._context_file)

    def acquire(self):
        item = self._queue.get()
        self._spawn()
        if isinstance(item, Exception):
            raise item
        return item

    def release(self, km) -> None:
        """Shut a used kernel down in the background (:meth:`close` waits for it)."""
        t = threading.Thread(target=_discard, args=(km,), daemon=True)
        t.start()
        with self._lock:
            self._releasing.append(t)

    def close(self) -> None:
        with self._lock:
            early, self._early = self._early, None
        if early is not None:
            early.discard()
        for t in self._threads + self._releasing:
            t.join(timeout=60)
        while not self._queue.empty():
            item = self._queue.get_nowait()
            if not isinstance(item, Exception):
                _discard(item[0])
        server, self._server = self._server, None
        if server is not None:
            server.close()


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
    _import_jupyter()
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
            if getattr(km, "lkjip_early", False):
                timing.extra["early_kernel"] = True
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
                # Papermill rewrites the whole notebook (images included) at the start and
                # end of every cell, for watching a long run; the build reads it only once
                # it is done. A failed run is still written before the error is raised.
                request_save_on_cell_execute=False,
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
            if km is not None and pool is not None:
                pool.release(km)
            elif km is not None:
                _discard(km)
    raise BuildError(
        f"Notebook {Path(source).name} could not be executed after {timing.attempts} "
        f"attempt(s): {type(last_exc).__name__}: {last_exc}"
    )
