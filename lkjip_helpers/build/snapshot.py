"""The report context, computed once per build and handed to every notebook.

Every chapter notebook starts with ``laporan.konteks(year)``: params, the
processed tables, the realisasi of every IKU, the capaian table, the earlier
years' tables. Rebuilt in each kernel it costs about a second per notebook.
The build computes it once, with every table loaded, and writes it as a pickle
the kernels load in milliseconds (their environment names the file,
:data:`lkjip_helpers.laporan.context.SNAPSHOT_ENV`).

The build cache stays exact. A snapshot carries what computing it read
(params, catalogue, the tables the capaian needs, folder listings) and, per
table, the file that table came from. A notebook loading the snapshot notes
the first list as its reads; a table notes its own file only when the notebook
asks for it. So a notebook's recorded reads are those it would have recorded
computing the context itself, and an edit to a table invalidates exactly the
notebooks that used it.

Snapshots are kept like notebook results (:mod:`lkjip_helpers.build.cache`):
``.cache/context/<code key>/<inputs digest>.pickle`` beside the manifest of
the reads it was computed from; a build whose inputs are unchanged (a prose
edit, a no-op) loads it instead of computing it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from lkjip_helpers.build import cache
from lkjip_helpers.core import config, reads
from lkjip_helpers.data.io import write_file_atomically
from lkjip_helpers.laporan import context as laporan

# The code the pickled objects come from: a change to any of it is a new key.
_CODE = "import lkjip_helpers.laporan.context"
_VERSIONS = ("pandas", "numpy", "pydantic")


@dataclass(frozen=True)
class Snapshot:
    """A stored snapshot: its file, and the context it holds (loaded)."""

    path: Path
    konteks: laporan.Konteks
    cached: bool


def code_key(year: int) -> str:
    """The snapshot's first-level key: the year, the context's code, library versions."""
    h = hashlib.sha256()
    h.update(
        f"snapshot={laporan.SNAPSHOT_FORMAT};year={year};python={sys.version_info[:3]}".encode()
    )
    for dist in _VERSIONS:
        h.update(f";{dist}={metadata.version(dist)}".encode())
    for module in cache.module_closure(_CODE):
        cache._hash_file(h, cache._module_file(module), module)
    return h.hexdigest()


def _folder(code: str) -> Path:
    return config.cache_dir() / "context" / code


@contextlib.contextmanager
def _recorded() -> Iterator[list]:
    # Inside a recording (a test recording a build step) the outer one goes on.
    if reads.is_recording():
        with reads.capture() as got:
            yield got
    else:
        with reads.recording() as got:
            yield got


def compute(year: int) -> tuple[laporan.Konteks, bytes, list]:
    """The context of ``year`` with every table loaded, pickled, and every read it took."""
    with _recorded() as everything:
        with reads.capture() as base:
            ctx = laporan.hitung_konteks(year)
        for tabel in (ctx.tabel, *ctx.riwayat.values()):
            tabel.muat_semua()
    return ctx, laporan.snapshot_bytes(ctx, base), everything


def lookup(code: str, fingerprints: cache.Fingerprints | None = None) -> Path | None:
    """The stored snapshot of ``code`` whose recorded inputs all match the files now."""
    fingerprints = fingerprints or cache.Fingerprints()
    folder = _folder(code)
    if not folder.is_dir():
        return None
    manifests = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for manifest in manifests:
        try:
            entries = [tuple(e) for e in json.loads(manifest.read_text(encoding="utf-8"))]
        except (OSError, ValueError, TypeError):
            continue  # a damaged manifest is a miss
        if all(fingerprints(k, p) == fp for k, p, fp in entries):
            path = folder / f"{manifest.stem}.pickle"
            if path.exists():
                return path
    return None


def context_snapshot(year: int, fingerprints: cache.Fingerprints | None = None) -> Snapshot:
    """The snapshot of ``year``'s context: from ``.cache/context/`` or computed and stored."""
    code = code_key(year)
    path = lookup(code, fingerprints)
    if path is not None:
        payload = laporan.baca_snapshot(path)
        if payload is not None and payload.get("tahun") == year:
            return Snapshot(path, payload["konteks"], cached=True)
    ctx, data, entries = compute(year)
    digest = cache.inputs_digest(entries)
    folder = _folder(code)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}.pickle"
    write_file_atomically(path, data)
    # The manifest last: a lookup only finds a manifest whose snapshot is complete.
    manifest = json.dumps([list(e) for e in sorted(entries)], indent=0) + "\n"
    write_file_atomically(folder / f"{digest}.json", manifest.encode("utf-8"))
    return Snapshot(path, ctx, cached=False)
