"""Typst compiles in a process of their own, kept while the process that asked lives.

After one compile of the report, Typst holds about 200 MB (fonts, decoded images,
the caches that make the next compile incremental) and keeps it. In the build's
own process that made the build the largest process of all (about 350 MB against
150 MB without it). Here a worker process compiles, one request at a time; it
stays for the life of the process that started it, so the second compile of a
long process (the bench, a batch worker building agency after agency) is still
incremental (about 0,1 s instead of 0,6 s). It ends when its parent closes its
input, which is also what happens when the parent dies.

Protocol: one JSON line per request on the worker's standard input
(``{"input", "output", "root", "timestamp"}``), one JSON line per answer on its
standard output (``{"ok": true, "warnings": [...]}`` or ``{"ok": false, "error"}``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from lkjip_helpers.core.exceptions import BuildError

_LOCK = threading.Lock()
_WORKER: subprocess.Popen | None = None
#: A worker grows with every new version of a document it compiles (Typst's caches
#: are never trimmed); past this resident size it is retired after its compile, and
#: the next compile starts a new one (cold: about 0,5 s more, once).
RETIRE_MB = 400


def _answer(request: dict) -> dict:
    try:
        # lazy: only the worker imports Typst
        import typst
    except ImportError:
        return {"ok": False, "error": "the typst Python package is missing: pip install typst"}
    try:
        compile_fn = getattr(typst, "compile_with_warnings", None) or typst.compile
        result = compile_fn(
            request["input"],
            output=request["output"],
            root=request["root"],
            font_paths=[],
            ignore_system_fonts=True,
            timestamp=request.get("timestamp"),
        )
    except Exception as exc:  # typst.TypstError and friends
        return {"ok": False, "error": str(getattr(exc, "diagnostic", None) or exc)}
    warnings = result[1] if isinstance(result, tuple) and len(result) == 2 else []
    texts = [
        str(getattr(w, "diagnostic", None) or getattr(w, "message", None) or w)
        for w in warnings or []
    ]
    return {"ok": True, "warnings": texts}


def main() -> None:
    """The worker: answer requests until the input closes."""
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    sys.stdout = sys.stderr  # nothing else may write into the answers
    for line in sys.stdin:
        if line.strip():
            out.write(json.dumps(_answer(json.loads(line))) + "\n")
            out.flush()


def _worker() -> subprocess.Popen:
    global _WORKER
    if _WORKER is None or _WORKER.poll() is not None:
        _WORKER = subprocess.Popen(
            [sys.executable, "-m", "lkjip_helpers.build.typst_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
    return _WORKER


def compile_pdf(typ_file: Path, out_pdf: Path, root: Path, timestamp: int | None) -> list[str]:
    """Compile ``typ_file`` to ``out_pdf`` in the worker; Typst's warnings.

    Raises BuildError with Typst's message when it cannot compile.
    """
    request = {
        "input": str(typ_file),
        "output": str(out_pdf),
        "root": str(root),
        "timestamp": timestamp,
    }
    with _LOCK:
        for attempt in (1, 2):
            worker = _worker()
            try:
                worker.stdin.write(json.dumps(request) + "\n")
                worker.stdin.flush()
                line = worker.stdout.readline()
            except (BrokenPipeError, OSError):
                line = ""
            if line:
                break
            worker.kill()  # it died (or was killed): one new worker, once
            worker.wait()
            if attempt == 2:
                raise BuildError(f"the Typst worker ended without compiling {typ_file}")
        if _resident_mb(worker.pid) > RETIRE_MB:
            _stop(worker)
    answer = json.loads(line)
    if not answer.get("ok"):
        raise BuildError(f"Typst could not compile {typ_file}:\n{answer.get('error')}")
    return list(answer.get("warnings") or [])


def _resident_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as fh:
            for row in fh:
                if row.startswith("VmRSS:"):
                    return int(row.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def _stop(worker: subprocess.Popen) -> None:
    global _WORKER
    if _WORKER is worker:
        _WORKER = None
    try:
        worker.stdin.close()  # its loop ends with its input
        worker.wait(timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        worker.kill()
        worker.wait()


def stop() -> None:
    """End this process's worker, if any (the next compile starts a new one)."""
    with _LOCK:
        if _WORKER is not None:
            _stop(_WORKER)


if __name__ == "__main__":
    main()
