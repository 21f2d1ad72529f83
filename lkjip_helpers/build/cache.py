"""Content-based cache of executed notebooks.

A notebook's cache key is a hash of everything it depends on, declared rather
than guessed: the notebook's source, its parameters, the processed tables it
reads (declared in ``params/report.yaml``), the params files and prose it uses,
and the source of the helper modules it imports (followed transitively through
the package's own imports). File contents are hashed, never timestamps, so a
fresh clone or a ``touch`` keeps the cache valid.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path

from lkjip_helpers.core import config

# Bump when the way notebooks are executed changes in a way the key cannot see.
CACHE_FORMAT = 1
PACKAGE = "lkjip_helpers"


def module_file(module: str) -> Path | None:
    """The source file of a module of the package (None if it is not one)."""
    return _module_file(module)


def _module_file(module: str) -> Path | None:
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


def module_closure(code: str) -> list[str]:
    """The package modules a piece of code imports, directly or through others."""
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
        todo.extend(_imports_of_code(path.read_text(encoding="utf-8"), current=mod))
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


def _hash_file(h, path: Path, label: str) -> None:
    h.update(label.encode())
    h.update(b"\0")
    if path.exists():
        h.update(hashlib.sha256(path.read_bytes()).digest())
    else:
        h.update(b"(missing)")
    h.update(b"\0")


def notebook_key(
    notebook: Path,
    parameters: dict,
    inputs: Iterable[Path],
    extra_files: Iterable[Path] = (),
) -> str:
    """The cache key of one notebook execution (hex sha256)."""
    h = hashlib.sha256()
    h.update(f"format={CACHE_FORMAT};python={sys.version_info[:2]}".encode())
    root = config.project_root()

    def label(p: Path) -> str:
        try:
            return str(Path(p).resolve().relative_to(root))
        except ValueError:
            return str(p)

    _hash_file(h, Path(notebook), "notebook")
    h.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    for path in sorted(inputs, key=label):
        _hash_file(h, Path(path), label(path))
    for path in sorted(extra_files, key=label):
        _hash_file(h, Path(path), label(path))
    for module in module_closure(notebook_code(notebook)):
        _hash_file(h, _module_file(module), module)
    return h.hexdigest()


def cached_path(key: str) -> Path:
    return config.cache_dir() / "notebooks" / f"{key}.ipynb"


def lookup(key: str) -> Path | None:
    path = cached_path(key)
    return path if path.exists() else None


def store(key: str, executed: Path) -> None:
    """Keep a successfully executed notebook (callers never store a failed one)."""
    target = cached_path(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    shutil.copyfile(executed, tmp)
    tmp.replace(target)
