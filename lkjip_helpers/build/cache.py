"""Content-based cache of executed notebooks, keyed on what each notebook read.

Two levels, as the "manifest mode" of ccache or bazel:

1. The *code key* of a notebook run: its source, its parameters and the source
   of the helper modules it imports (followed transitively through the package's
   own imports). Known before the run.
2. Its *inputs*: the project files the run actually read (processed tables of
   any year, raw tables of a partial earlier year, params, prose and teks files),
   recorded by the kernel (:mod:`lkjip_helpers.core.reads`) with a fingerprint of
   each file's contents as it was read. Known only after the run.

The cache lives in the agency folder (``config.cache_dir``), beside the files its
manifests name, so two agencies built from one repository never share entries.

``.cache/notebooks/<code key>/`` holds, per run, ``<inputs digest>.json`` (the
recorded reads) and ``<inputs digest>.ipynb``. A lookup re-fingerprints the
files of each recorded manifest as they are now; a hit needs every one to match.
A notebook cannot be served stale through an input nobody declared: with the same
code and parameters, it reads the same files until one of those files changes,
and then the manifest no longer matches. File contents are hashed, never
timestamps, so a fresh clone or a ``touch`` keeps the cache valid.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from lkjip_helpers.core import config, reads
from lkjip_helpers.data.io import write_file_atomically

# Bump when the way notebooks are executed changes in a way the key cannot see.
CACHE_FORMAT = 2
PACKAGE = "lkjip_helpers"
#: Files the package ships beside a module and reads at run time (not imports).
PACKAGE_DATA = {
    "lkjip_helpers.data.catalogue": ("katalog_dasar.yaml",),
    # the default scales, sentence templates and chapters of an agency without its own
    "lkjip_helpers.core.config": tuple(f"../bawaan/{n}" for n in config.DEFAULT_PARAMS),
}


def module_file(module: str) -> Path | None:
    """The source file of a module of the package (None if it is not one)."""
    return _module_file(module)


def _module_file(module: str) -> Path | None:
    return _module_file_at(module, str(config.project_root()))


@functools.lru_cache(maxsize=4096)
def _module_file_at(module: str, root: str) -> Path | None:
    # Memoised like _imports_cached: which modules exist is taken as fixed for a process.
    parts = module.split(".")
    if parts[0] != PACKAGE:
        return None
    # The package the kernels import: the project's own copy (PYTHONPATH is set to the
    # project root), or this installed one for a project that holds only data.
    base = config.project_root() / PACKAGE
    if not (base / "__init__.py").exists():
        base = Path(__file__).resolve().parents[1]
    if len(parts) == 1:
        return base / "__init__.py"
    path = base.joinpath(*parts[1:])
    if path.with_suffix(".py").exists():
        return path.with_suffix(".py")
    if (path / "__init__.py").exists():
        return path / "__init__.py"
    return None


def _imports_of_code(code: str, current: str | None = None) -> frozenset[str]:
    """Modules of the package imported by ``code`` (absolute and relative imports)."""
    return _imports_cached(code, current, str(config.project_root()))


@functools.lru_cache(maxsize=1024)
def _imports_cached(code: str, current: str | None, root: str) -> frozenset[str]:
    # Parsing is the expensive part of a key; memoised on the code (and the root,
    # which decides which modules exist), so a build parses each module once.
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return frozenset()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == PACKAGE)
        elif isinstance(node, ast.ImportFrom):
            if node.level and current:
                base = current.split(".")[: -node.level] if node.level else []
                # a module's package is its parent; `from . import x` in pkg.mod -> pkg.x
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.split(".")[0] != PACKAGE:
                continue
            found.add(mod)
            for alias in node.names:
                found.add(f"{mod}.{alias.name}")
    return frozenset(m for m in found if _module_file(m) is not None)


#: (code, root) -> (closure, stat signature of its files): every build asks again.
_CLOSURES: dict[tuple[str, str], tuple[list[str], tuple]] = {}


def _signature(modules: list[str]) -> tuple:
    out = []
    for mod in modules:
        path = _module_file(mod)
        try:
            st = os.stat(path) if path is not None else None
        except OSError:
            st = None
        out.append(None if st is None else (st.st_mtime_ns, st.st_size, st.st_ino))
    return tuple(out)


def module_closure(code: str) -> list[str]:
    """The package modules a piece of code imports, directly or through others.

    Remembered per process while none of those modules' files has changed (stat).
    """
    key = (code, str(config.project_root()))
    known = _CLOSURES.get(key)
    if known is not None and _signature(known[0]) == known[1]:
        return list(known[0])
    closure = _closure(code)
    signature = _signature(closure)
    newest = max((sig[0] for sig in signature if sig is not None), default=0)
    # as in _read_bytes: a file changed within the last tick may change again unseen
    if time.time() - newest / 1e9 > _SETTLED_SECONDS and len(_CLOSURES) < 1024:
        _CLOSURES[key] = (closure, signature)
    return list(closure)


def _closure(code: str) -> list[str]:
    todo = list(_imports_of_code(code))
    seen: set[str] = set()
    while todo:
        mod = todo.pop()
        if mod in seen:
            continue
        seen.add(mod)
        path = _module_file(mod)
        if path is None:
            continue
        # __init__ of the package is always imported with any submodule
        todo.append(PACKAGE)
        todo.extend(_imports_of_code((_read_bytes(path) or b"").decode("utf-8"), current=mod))
    return sorted(seen)


def notebook_code(path: Path) -> str:
    """All code cells of a notebook, joined (for import discovery)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = nb.get("cells", [])
    return "\n".join(
        "".join(c.get("source", ""))
        for c in cells
        if c.get("cell_type") == "code"
        and not "".join(c.get("source", "")).lstrip().startswith(("%", "!"))
    )


#: path -> (stat signature, bytes): the helper modules, read for every notebook's key.
_READ: dict[str, tuple[tuple, bytes]] = {}
#: A file changed less than this long ago may change again within the file system's
#: timestamp tick without its stat showing it: such a read is not remembered.
_SETTLED_SECONDS = 2.0


def _read_bytes(path: Path) -> bytes | None:
    """The file's bytes (None if missing), remembered while its stat is unchanged.

    Every notebook's key reads the same helper modules; one build reads each once.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    sig = (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)
    known = _READ.get(str(path))
    if known is not None and known[0] == sig:
        return known[1]
    data = Path(path).read_bytes()
    if time.time() - st.st_mtime > _SETTLED_SECONDS and len(_READ) < 4096:
        _READ[str(path)] = (sig, data)
    return data


def _hash_file(h, path: Path, label: str) -> None:
    h.update(label.encode())
    h.update(b"\0")
    data = _read_bytes(path)
    if data is not None:
        h.update(hashlib.sha256(data).digest())
    else:
        h.update(b"(missing)")
    h.update(b"\0")


def code_key(notebook: Path, parameters: dict) -> str:
    """The first-level key of a notebook run: source, parameters, helper code (hex sha256)."""
    h = hashlib.sha256()
    h.update(f"format={CACHE_FORMAT};python={sys.version_info[:2]}".encode())
    _hash_file(h, Path(notebook), "notebook")
    h.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    for module in module_closure(notebook_code(notebook)):
        path = _module_file(module)
        _hash_file(h, path, module)
        # Data shipped beside a module is part of its code (the base catalogue).
        for name in PACKAGE_DATA.get(module, ()):
            _hash_file(h, path.parent / name, f"{module}:{name}")
    return h.hexdigest()


def inputs_digest(entries: list) -> str:
    """Digest of recorded reads with their fingerprints (order-independent)."""
    canonical = sorted([str(k), str(p), str(fp)] for k, p, fp in entries)
    return hashlib.sha256(json.dumps(canonical).encode("utf-8")).hexdigest()


def full_key(code: str, digest: str) -> str:
    """The key of one cached result: its code key and its inputs digest."""
    return hashlib.sha256(f"{code}\n{digest}".encode()).hexdigest()


@dataclass(frozen=True)
class Hit:
    """A cached executed notebook whose recorded inputs are all unchanged."""

    path: Path
    key: str
    reads: list


class Fingerprints:
    """Current fingerprints of project files, computed once per build (a memo)."""

    def __init__(self, root: Path | None = None, agency: Path | None = None):
        self.root = root or config.project_root()
        self.agency = agency or config.agency_root()
        self._memo: dict[tuple[str, str], str] = {}

    def __call__(self, kind: str, rel: str) -> str:
        k = (kind, rel)
        if k not in self._memo:
            path = reads.resolve(rel, self.root, self.agency)
            self._memo[k] = reads.fingerprint(kind, path)
        return self._memo[k]


def _folder(code: str) -> Path:
    return config.cache_dir() / "notebooks" / code


def manifests(code: str) -> list[tuple[str, list]]:
    """The recorded manifests of a code key: (inputs digest, reads), newest first."""
    folder = _folder(code)
    if not folder.is_dir():
        return []
    out = []
    files = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for path in files:
        try:
            entries = [tuple(e) for e in json.loads(path.read_text(encoding="utf-8"))["reads"]]
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a damaged manifest is a miss, never an error
        out.append((path.stem, entries))
    return out


def lookup(code: str, fingerprints: Fingerprints | None = None) -> Hit | None:
    """The cached run of ``code`` whose recorded inputs all match the files as they are now."""
    fingerprints = fingerprints or Fingerprints()
    for digest, entries in manifests(code):
        if all(fingerprints(k, p) == fp for k, p, fp in entries):
            path = _folder(code) / f"{digest}.ipynb"
            if path.exists() and inputs_digest(entries) == digest:
                return Hit(path=path, key=full_key(code, digest), reads=entries)
    return None


def store(code: str, executed: Path, entries: list) -> str:
    """Keep a successfully executed notebook with the reads recorded while it ran.

    Callers never store a failed run. Returns the result's key.
    """
    digest = inputs_digest(entries)
    folder = _folder(code)
    folder.mkdir(parents=True, exist_ok=True)
    write_file_atomically(folder / f"{digest}.ipynb", Path(executed).read_bytes())
    # The manifest last: a lookup only ever finds a manifest whose notebook is complete.
    payload = {"reads": [list(e) for e in sorted(entries)]}
    write_file_atomically(
        folder / f"{digest}.json", (json.dumps(payload, indent=0) + "\n").encode("utf-8")
    )
    return full_key(code, digest)
