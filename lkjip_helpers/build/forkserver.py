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

Protocol on stdin/stdout, one JSON object per line: the parent writes
``{"ready": pid}`` once warm; each request ``{"argv": [...], "env": {...},
"cwd": "..."}`` is answered ``{"pid": n}``. End of stdin ends the parent;
its kernels notice (ipykernel's parent poller) and exit.

Only the standard library is imported at module level: the warm imports are
the parent's job, and this module is also imported by the build to start it.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import signal
import sys

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
    "lkjip_helpers.laporan.context",
    "lkjip_helpers.laporan.charts",
    "lkjip_helpers.laporan.tables",
    "lkjip_helpers.laporan.analisis",
    "lkjip_helpers.laporan.sentences",
    "lkjip_helpers.data.validation",
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


def _child(request: dict) -> None:
    """In the forked child: become a fresh kernel process and run ipykernel. Never returns."""
    code = 1
    try:
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
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=argv[1:])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    finally:
        os._exit(code)


def serve(stdin=None, stdout=None) -> None:
    """Warm up, then fork one kernel per request until stdin ends."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    warm_up()
    # What the parent imported is never collected: kept out of the garbage collector's
    # sight, its memory pages stay shared with the kernels instead of being copied into
    # each one when a collection walks them.
    gc.collect()
    gc.freeze()
    # Children are reaped by the system: the parent never waits for a kernel.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    stdout.write(json.dumps({"ready": os.getpid()}) + "\n")
    stdout.flush()
    for line in stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            pid = os.fork()
        except (ValueError, OSError) as exc:
            stdout.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n")
            stdout.flush()
            continue
        if pid == 0:
            _child(request)
        stdout.write(json.dumps({"pid": pid}) + "\n")
        stdout.flush()


if __name__ == "__main__":
    serve()
