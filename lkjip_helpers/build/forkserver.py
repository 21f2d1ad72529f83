"""Warm notebook kernels: each forked from a parent that has already imported everything.

A notebook kernel started the usual way pays, before the notebook's first line,
a Python start-up, the import of IPython and ipykernel, and the import of
pandas, matplotlib and the helpers: about 2 CPU-seconds, 11 times per build on a
2-core machine. This module is that parent. Run by the build as
``python -m lkjip_helpers.build.forkserver`` (in the kernels' environment and
folder), it imports all of it once, then, for each kernel the build asks for,
forks a child that starts a real ipykernel (``IPKernelApp``, the code
``python -m ipykernel_launcher`` runs) on the connection file of the request.

What a child inherits is what the build's warm kernels always had: modules in
``sys.modules``, nothing in any namespace. The parent only imports; it runs no
report code (no context, no file of the project read), creates no IPython
shell, no ZeroMQ socket and no thread, so nothing but imported modules crosses
the fork. The kernel, its namespace, its sockets and its execution counter are
created in the child, exactly as in a kernel started from scratch; the
notebook then runs in it through papermill as before
(:mod:`lkjip_helpers.build.execute`). ``tests/test_execute.py`` checks that a
notebook's outputs are the same as a plain papermill run's.

The parent serves on a Unix socket (:func:`serve`). A build connects, the parent
answers ``{"ready": pid}`` once warm, and each request ``{"argv": [...],
"env": {...}, "cwd": "...", "watch": pid}`` on that connection is answered
``{"pid": n}``. A forked kernel ends when the process ``watch`` (the build that
asked for it) ends, so a killed build leaves no kernel behind.

How long the parent lives is the caller's choice (``--idle``):

* ``0``: it ends when its last connection closes. One build, one parent.
* ``n`` seconds: it stays warm ``n`` seconds after the last connection closes,
  at a socket path derived from what it imported (see
  :func:`lkjip_helpers.build.execute.parent_key`), so the next build or preview
  of the same code skips its 2 CPU-seconds of start-up: an analyst previewing
  after each edit pays them once. It also ends when the project folder it was
  started for disappears or its socket file is removed (``lkjip warm --stop``).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import selectors
import signal
import socket
import sys
import threading
import time

#: Imported by the parent before forking: what every notebook imports.
#: Not ``lkjip_helpers.laporan.display``: importing it inside a kernel installs
#: the notebook's error explainer on the kernel's shell, so each kernel imports it.
WARM_MODULES = (
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "IPython",
    "ipykernel.kernelapp",
    # what IPKernelApp imports only when it starts (the debugger's debugpy and pydevd
    # among them: about 0.3 CPU-seconds a kernel); importing starts no thread, sets
    # no trace hook and patches nothing (tests/test_forkserver.py)
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "IPython.core.history",
    "sqlite3",
    "pdb",
    "psutil",
    "tornado.ioloop",
    "lkjip_helpers.laporan.context",
    "lkjip_helpers.laporan.charts",
    "lkjip_helpers.laporan.tables",
    "lkjip_helpers.laporan.analisis",
    "lkjip_helpers.laporan.sentences",
    "lkjip_helpers.data.validation",
    # what lkjip_helpers.laporan.display imports (not display itself, see above)
    "markdown_it",
    "lkjip_helpers.laporan.markdown",
    "lkjip_helpers.laporan.formatting",
)


def warm_up() -> None:
    """Import :data:`WARM_MODULES` (matplotlib on Agg, as in every kernel of the build),
    then draw one throw-away figure in the report's style.

    The drawing loads the report's font and fills matplotlib's font and text
    caches once, for every kernel, instead of once per kernel (about a tenth of a
    second each). It uses a bare ``Figure``, never pyplot: no figure number is
    taken, nothing of pyplot's state changes, and the caches only memoise what
    any drawing computes the same way.
    """
    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in WARM_MODULES:
        importlib.import_module(name)
    import io

    from matplotlib.figure import Figure

    from lkjip_helpers.laporan import charts

    with charts.style():
        fig = Figure(figsize=charts.FIGSIZE)
        ax = fig.subplots()
        ax.bar(["a", "b"], [1.0, 2.0], label="0123456789,%")
        ax.set_title("Judul")
        ax.legend()
        fig.savefig(io.BytesIO(), format="png", dpi=100)


def _watch(pid: int) -> None:
    """End this kernel when process ``pid`` (the build that asked for it) has ended."""

    def run():
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass
            time.sleep(1.0)

    threading.Thread(target=run, name="lkjip-watch", daemon=True).start()


def _child(request: dict, inherited: list) -> None:
    """In the forked child: become a fresh kernel process and run ipykernel. Never returns.

    ``inherited``: the parent's sockets and selector, closed first (the kernel
    must not keep the parent's connections open).
    """
    code = 1
    try:
        for obj in inherited:
            obj.close()
        os.setsid()  # its own process group, as jupyter_client starts kernels
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the kernel waits for its own children
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.close(devnull)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        argv = list(request["argv"])
        # What `python -m ipykernel_launcher` does: the launcher's folder is not on
        # sys.path (IPython puts '' back), sys.argv is the kernel's command line.
        if sys.path and sys.path[0] in ("", os.getcwd()):
            del sys.path[0]
        sys.argv = argv
        # The build package's process-wide setting (lkjip_helpers/build/__init__.py) is
        # the parent's, not a kernel's: a notebook imports what a fresh kernel would.
        if "rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is None:
            del sys.modules["rfc3987_syntax"]
        if request.get("watch"):
            _watch(int(request["watch"]))
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=argv[1:])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    finally:
        os._exit(code)


def _bind(path: str) -> socket.socket | None:
    """Listen on ``path``; None if a live parent already listens there."""
    import fcntl  # lazy: POSIX only, like fork itself

    with open(os.path.join(os.path.dirname(path), ".bind.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two parents starting at once: one binds
        if os.path.exists(path):
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                probe.connect(path)
                return None  # another parent serves this path
            except OSError:
                os.unlink(path)  # left by a parent that died
            finally:
                probe.close()
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(path)
        os.chmod(path, 0o600)
        server.listen(64)
        return server


def _end_older_parents(path: str) -> None:
    """Remove the sockets of parents of the same project started for other code.

    Socket names are ``<project>-<code>.sock``; a parent whose socket is gone ends
    within a second (kernels it forked end with their own builds).
    """
    folder, name = os.path.split(path)
    project, sep, _ = name.partition("-")
    if not sep:
        return  # a build's own parent
    for other in os.listdir(folder):
        if other != name and other.startswith(project + "-") and other.endswith(".sock"):
            try:
                os.unlink(os.path.join(folder, other))
            except FileNotFoundError:
                pass


class _Connection:
    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buffer = b""

    def send(self, payload: dict) -> None:
        self.sock.sendall((json.dumps(payload) + "\n").encode())


def serve(path: str, idle: float = 0.0, root: str | None = None) -> None:
    """Warm up, listen on the Unix socket ``path``, fork one kernel per request.

    Parameters
    ----------
    path : str
        The socket file.
    idle : float
        Seconds to stay after the last connection closes (0: end then).
    root : str, optional
        The project folder: the parent ends when it disappears.
    """
    warm_up()
    # What the parent imported is never collected: kept out of the garbage collector's
    # sight, its memory pages stay shared with the kernels instead of being copied into
    # each one when a collection walks them.
    gc.collect()
    gc.freeze()
    # Children are reaped by the system: the parent never waits for a kernel.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    server = _bind(path)
    if server is None:
        return
    inode = os.stat(path).st_ino
    _end_older_parents(path)
    selector = selectors.DefaultSelector()
    selector.register(server, selectors.EVENT_READ)
    connections: dict[socket.socket, _Connection] = {}
    served = False
    last = time.monotonic()
    try:
        while True:
            for key, _ in selector.select(timeout=1.0):
                last = time.monotonic()
                if key.fileobj is server:
                    sock, _ = server.accept()
                    conn = connections[sock] = _Connection(sock)
                    selector.register(sock, selectors.EVENT_READ)
                    served = True
                    conn.send({"ready": os.getpid()})
                    continue
                conn = connections[key.fileobj]
                data = conn.sock.recv(1 << 16)
                if not data:
                    selector.unregister(conn.sock)
                    conn.sock.close()
                    del connections[conn.sock]
                    continue
                conn.buffer += data
                while b"\n" in conn.buffer:
                    line, conn.buffer = conn.buffer.split(b"\n", 1)
                    if line.strip():
                        _answer(conn, line, [server, selector, *connections])
            if not connections:
                if served and time.monotonic() - last >= idle:
                    break
                if not served and time.monotonic() - last >= max(idle, 60.0):
                    break  # nobody came
            if root and not os.path.isdir(root):
                break
            try:
                if os.stat(path).st_ino != inode:
                    break  # replaced by another parent
            except FileNotFoundError:
                break  # removed: asked to stop
    finally:
        try:
            if os.stat(path).st_ino == inode:
                os.unlink(path)
        except FileNotFoundError:
            pass
        server.close()


def _answer(conn: _Connection, line: bytes, inherited: list) -> None:
    """Fork a kernel for one request line and answer its pid (or the error)."""
    try:
        request = json.loads(line)
        pid = os.fork()
    except (ValueError, OSError) as exc:
        conn.send({"error": f"{type(exc).__name__}: {exc}"})
        return
    if pid == 0:
        _child(request, inherited)
    conn.send({"pid": pid})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lkjip_helpers.build.forkserver")
    parser.add_argument("--socket", required=True)
    parser.add_argument("--idle", type=float, default=0.0)
    parser.add_argument("--root")
    args = parser.parse_args(argv)
    serve(args.socket, args.idle, args.root)


if __name__ == "__main__":
    main()
