"""Which project files a computation actually read: the inputs of a notebook run.

The build cache keys a notebook on what it *read* (recorded), not on what it was
said to read (declared). While recording is on, every file of the project that is
opened for reading is noted with a fingerprint of its contents at that moment,
through a Python audit hook on the ``open`` event, so no reader (pandas, YAML,
prose files, openpyxl) can be forgotten. Decisions taken from what is *not* there
or from a folder's listing (a table absent from a year, the years that have data)
are noted by their callers with :func:`record` and :func:`record_years`.

Entries are ``(kind, path relative to the project root, fingerprint)``:

* ``file``: sha256 of the contents, or ``-`` when the file does not exist;
* ``dir``: sha256 of the sorted names in the folder (``-`` when absent);
* ``years<N``: the sorted four-digit year sub-folders below ``N`` of a folder,
  so a later year added beside it (2018 next to 2017) is not an input of 2017.

Only files under the project root or the agency root count, except the package's
own code (keyed by its import closure), the build cache and the outputs. When the
agency folder is not the project root, its files are noted as
``@agensi/<path relative to the agency root>`` (:data:`AGENCY_PREFIX`), so a
manifest never confuses an agency's ``params/agency.yaml`` with the repository's;
the build cache itself lives in the agency folder, so two agencies never share
entries. A notebook kernel started by
the build records into the file named by :data:`ENV_VAR` (one JSON entry per line,
appended as reads happen); the build records its own data step in process with
:func:`recording`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from lkjip_helpers.core import config

#: Set in a kernel's environment by the build: where to write the reads.
ENV_VAR = "LKJIP_READS_FILE"
# Not inputs: the package (keyed by its import closure), caches, outputs, VCS.
_IGNORED_TOP = frozenset({"lkjip_helpers", ".cache", "outputs", ".git", ".venv", "notebooks"})
#: Prefix of entries relative to the agency root when it is not the project root.
AGENCY_PREFIX = "@agensi/"
STARTED = "started"
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

Entry = tuple[str, str, str]


def roots(project: Path | None = None, agency: Path | None = None) -> list[tuple[str, Path]]:
    """``(prefix, folder)`` pairs entries are relative to, the agency first.

    The agency comes first because it may lie inside the repository: a file
    of it is the agency's, never the repository's.
    """
    project = Path(project or config.project_root())
    agency = Path(agency or config.agency_root())
    if agency == project:
        return [("", project)]
    return [(AGENCY_PREFIX, agency), ("", project)]


def relative(path: Path, folders: list[tuple[str, Path]] | None = None) -> str | None:
    """The entry name of ``path`` (None when it is no input of the project)."""
    absolute = Path(os.path.abspath(path))
    for prefix, root in folders if folders is not None else roots():
        try:
            rel = absolute.relative_to(root)
        except ValueError:
            continue
        # The first folder holding the file decides, even when it ignores the file.
        if not rel.parts or rel.parts[0] in _IGNORED_TOP or "__pycache__" in rel.parts:
            return None
        return prefix + rel.as_posix()
    return None


def resolve(rel: str, project: Path | None = None, agency: Path | None = None) -> Path:
    """The file an entry name stands for (the inverse of :func:`relative`)."""
    if rel.startswith(AGENCY_PREFIX):
        return Path(agency or config.agency_root()) / rel[len(AGENCY_PREFIX) :]
    return Path(project or config.project_root()) / rel


class _Recorder:
    def __init__(self, folders: list[tuple[str, Path]], sink: Path | None):
        self.folders = folders
        self.sink = sink
        self.entries: dict[tuple[str, str], str] = {}
        self.lock = threading.Lock()
        self.busy = threading.local()
        # Open :func:`capture` blocks: each also gets every entry noted while it is open.
        self.captures: list[dict[tuple[str, str], str]] = []

    def relative(self, path: Path) -> str | None:
        return relative(path, self.folders)

    def add(self, kind: str, path: Path, make_fingerprint) -> None:
        rel = self.relative(path)
        if rel is None:
            return
        if (kind, rel) in self.entries:
            self._to_captures(kind, rel, self.entries[(kind, rel)])
            return
        # Fingerprinting opens the file itself: not a read of the computation.
        self.busy.on = True
        try:
            fp = make_fingerprint()
        finally:
            self.busy.on = False
        self.put(kind, rel, fp)

    def put(self, kind: str, rel: str, fp: str) -> None:
        """Note an entry whose fingerprint is known (the first one noted wins)."""
        with self.lock:
            if (kind, rel) not in self.entries:
                self.entries[(kind, rel)] = fp
                if self.sink is not None:
                    with open(self.sink, "a", encoding="utf-8") as fh:
                        fh.write(json.dumps([kind, rel, fp]) + "\n")
            self._to_captures(kind, rel, self.entries[(kind, rel)])

    def _to_captures(self, kind: str, rel: str, fp: str) -> None:
        for got in self.captures:
            got.setdefault((kind, rel), fp)


_active: _Recorder | None = None
_hook_installed = False


def file_fingerprint(path: Path) -> str:
    """sha256 of a file's contents; ``-`` when it does not exist; ``dir`` listing for a folder."""
    path = Path(path)
    if path.is_dir():
        return dir_fingerprint(path)
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return "-"


def dir_fingerprint(path: Path) -> str:
    """sha256 of the sorted entry names of a folder; ``-`` when it is not one."""
    path = Path(path)
    if not path.is_dir():
        return "-"
    names = sorted(p.name for p in path.iterdir() if p.name != "__pycache__")
    return hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()


def years_fingerprint(path: Path, before: int) -> str:
    """The year sub-folders (``[0-9]{4}``) of ``path`` below ``before``, comma separated."""
    path = Path(path)
    if not path.is_dir():
        return "-"
    years = sorted(
        int(p.name)
        for p in path.iterdir()
        if p.is_dir() and len(p.name) == 4 and p.name.isdigit() and int(p.name) < before
    )
    return ",".join(str(y) for y in years) or "none"


def fingerprint(entry_kind: str, path: Path) -> str:
    """The current fingerprint of an entry (what a cache lookup compares)."""
    if entry_kind == "file":
        return file_fingerprint(path)
    if entry_kind == "dir":
        return dir_fingerprint(path)
    if entry_kind.startswith("years<"):
        return years_fingerprint(path, int(entry_kind[len("years<") :]))
    raise ValueError(f"unknown kind of recorded read: {entry_kind!r}")


def _hook(event: str, args: tuple) -> None:
    rec = _active
    if rec is None or event != "open" or getattr(rec.busy, "on", False):
        return
    path, mode, flags = (tuple(args) + (None, None, None))[:3]
    if isinstance(path, int):
        return
    if mode is not None:
        if any(c in str(mode) for c in "wax+"):
            return
    elif flags is not None and flags & _WRITE_FLAGS:
        return
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    p = Path(path)
    if mode is None and not p.is_absolute():
        return  # os.open relative to a folder descriptor (e.g. shutil.rmtree): not ours
    if path in sys.path and not p.exists():
        # the import system probing a sys.path entry that is no folder, such as the
        # path hook of an editable install ("__editable__.<name>.finder.__path_hook__")
        return
    if rec.relative(p) is None or p.is_dir():
        return  # outside the project's inputs, or a folder opened to walk or remove it
    rec.add("file", p, lambda: file_fingerprint(p))


def _ensure_hook() -> None:
    global _hook_installed
    if not _hook_installed:
        # An audit hook cannot be removed; it does nothing while no recorder is active.
        sys.addaudithook(_hook)
        _hook_installed = True


def start(sink: Path | None = None) -> None:
    """Start recording reads of the project (to ``sink`` as JSON lines, if given)."""
    global _active
    _ensure_hook()
    root = config.project_root()
    if sink:
        # Marks the file as written by a recorder (an empty list of reads is a result).
        with open(sink, "a", encoding="utf-8") as fh:
            fh.write(json.dumps([STARTED, str(root), ""]) + "\n")
    _active = _Recorder(roots(), Path(sink) if sink else None)


def stop() -> list[Entry]:
    """Stop recording; the entries recorded, sorted."""
    global _active
    rec, _active = _active, None
    if rec is None:
        return []
    return sorted((k, p, fp) for (k, p), fp in rec.entries.items())


def start_from_env() -> bool:
    """Start recording when the build asked for it (kernel start-up); True if so."""
    sink = os.environ.get(ENV_VAR)
    if not sink:
        return False
    start(Path(sink))
    return True


@contextlib.contextmanager
def recording() -> Iterator[list[Entry]]:
    """Record the reads of a block in this process; the list is filled on exit."""
    out: list[Entry] = []
    start()
    try:
        yield out
    finally:
        out.extend(stop())


@contextlib.contextmanager
def capture() -> Iterator[list[Entry]]:
    """The entries noted during a block, while recording goes on (empty when off).

    Entries read before the block are listed too when the block reads them again:
    a snapshot keeps, per part, what that part was computed from (see
    :func:`replay`).
    """
    out: list[Entry] = []
    rec = _active
    if rec is None:
        yield out
        return
    got: dict[tuple[str, str], str] = {}
    rec.captures.append(got)
    try:
        yield out
    finally:
        rec.captures.remove(got)
        out.extend(sorted((k, p, fp) for (k, p), fp in got.items()))


def replay(entries) -> None:
    """Note entries recorded earlier, with their fingerprints of then.

    A computation that uses a result computed elsewhere (the build's snapshot of
    the report context) read what that result was computed from: the fingerprints
    are those of the files the result was computed from, not of the files now.
    """
    rec = _active
    if rec is None:
        return
    for kind, rel, fp in entries:
        rec.put(str(kind), str(rel), str(fp))


def is_recording() -> bool:
    return _active is not None


def record(path: Path, kind: str = "file") -> None:
    """Note a read the audit hook cannot see: an existence probe, a folder listing."""
    rec = _active
    if rec is None:
        return
    p = Path(path)
    rec.add(kind, p, lambda: fingerprint(kind, p))


def record_years(folder: Path, before: int) -> None:
    """Note that the year sub-folders of ``folder`` below ``before`` were looked up."""
    record(folder, kind=f"years<{before}")


def read_sink(path: Path) -> list[Entry] | None:
    """The entries a kernel wrote to its reads file (sorted, first fingerprint wins).

    None when no recorder wrote to the file (the kernel never started recording).
    """
    entries: dict[tuple[str, str], str] = {}
    path = Path(path)
    started = False
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                kind, rel, fp = json.loads(line)
                if kind == STARTED:
                    started = True
                else:
                    entries.setdefault((kind, rel), fp)
    if not started:
        return None
    return sorted((k, p, fp) for (k, p), fp in entries.items())


def current(
    entries: list[Entry], root: Path | None = None, agency: Path | None = None
) -> list[Entry]:
    """The same entries with the fingerprints of the files as they are now."""
    return [(k, p, fingerprint(k, resolve(p, root, agency))) for k, p, _ in entries]
