"""The report context computed once per build: same context, same recorded reads."""

from __future__ import annotations

import hashlib

import pytest
from conftest import copy_repo

from lkjip_helpers.build import snapshot
from lkjip_helpers.core import reads
from lkjip_helpers.laporan import context as laporan
from tests.agensi_uji import TAHUN

YEAR = TAHUN


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """A copy of the repository whose data step has run; LKJIP_ROOT points at it."""
    from lkjip_helpers.build.data_step import build_data

    root = copy_repo(tmp_path_factory.mktemp("snapshot"))
    mp = pytest.MonkeyPatch()
    mp.setenv("LKJIP_ROOT", str(root))
    mp.delenv(laporan.SNAPSHOT_ENV, raising=False)
    laporan.konteks.cache_clear()
    build_data(YEAR)
    yield root
    laporan.konteks.cache_clear()
    mp.undo()


@pytest.fixture
def from_snapshot(root, monkeypatch):
    """Point konteks() at the build's snapshot, as the build does in its kernels."""
    snap = snapshot.context_snapshot(YEAR)
    monkeypatch.setenv(laporan.SNAPSHOT_ENV, str(snap.path))
    laporan.konteks.cache_clear()
    yield snap
    laporan.konteks.cache_clear()


def _table_only(ctx) -> str:
    """A table of the year that computing the context does not read."""
    with reads.recording() as base:
        laporan.hitung_konteks(YEAR)
    read = {p for _, p, _ in base}
    return next(n for n in ctx.tabel if f"data/processed/{YEAR}/{n}.csv" not in read)


def test_loading_records_what_computing_records(from_snapshot):
    with reads.recording() as computed:
        expected = laporan.hitung_konteks(YEAR)
    with reads.recording() as loaded:
        ctx = laporan.konteks(YEAR)
    assert loaded == computed and loaded
    assert ctx.capaian.equals(expected.capaian)
    assert ctx.sasaran.equals(expected.sasaran)
    assert set(ctx.riwayat) == set(expected.riwayat)
    # A table the notebook asks for is a read of the notebook, and only then.
    name = _table_only(ctx)
    rel = f"data/processed/{YEAR}/{name}.csv"
    assert rel not in {p for _, p, _ in loaded}
    with reads.recording() as asked:
        frame = ctx.t(name)
    assert ("file", rel) in {(k, p) for k, p, _ in asked}
    assert frame.equals(expected.t(name))


def test_tables_are_loaded_in_the_snapshot_and_read_nothing(from_snapshot, root):
    ctx = laporan.konteks(YEAR)
    name = _table_only(ctx)
    target = root / "data" / "processed" / str(YEAR) / f"{name}.csv"
    original = target.read_bytes()
    try:
        target.write_bytes(b"")  # the snapshot does not read the file again
        with reads.recording() as asked:
            assert len(ctx.t(name))
        # ... and notes the fingerprint the table was loaded from: the cache sees the edit
        fp = {p: f for _, p, f in asked}[target.relative_to(root).as_posix()]
        assert fp == hashlib.sha256(original).hexdigest() != reads.file_fingerprint(target)
    finally:
        target.write_bytes(original)


def test_snapshot_is_kept_until_one_of_its_inputs_changes(root):
    first = snapshot.context_snapshot(YEAR)
    again = snapshot.context_snapshot(YEAR)
    assert again.cached and again.path == first.path
    # A table no computation of the context needs is still an input of the snapshot
    # (it holds every table): the snapshot is computed again, the old one stays.
    name = _table_only(first.konteks)
    target = root / "data" / "processed" / str(YEAR) / f"{name}.csv"
    original = target.read_bytes()
    try:
        target.write_bytes(original + b"\n")
        changed = snapshot.context_snapshot(YEAR)
        assert not changed.cached and changed.path != first.path
    finally:
        target.write_bytes(original)
    back = snapshot.context_snapshot(YEAR)
    assert back.cached and back.path == first.path


def test_no_snapshot_or_a_bad_one_computes(root, monkeypatch, tmp_path):
    bad = tmp_path / "bad.pickle"
    bad.write_bytes(b"not a pickle")
    for value in (None, str(bad), str(snapshot.context_snapshot(YEAR).path)):
        if value is None:
            monkeypatch.delenv(laporan.SNAPSHOT_ENV, raising=False)
        else:
            monkeypatch.setenv(laporan.SNAPSHOT_ENV, value)
        assert laporan.dari_snapshot(YEAR - 1) is None  # another year: never its context
    monkeypatch.setenv(laporan.SNAPSHOT_ENV, str(bad))
    assert laporan.dari_snapshot(YEAR) is None
    laporan.konteks.cache_clear()
    assert len(laporan.konteks(YEAR).capaian)
    laporan.konteks.cache_clear()
