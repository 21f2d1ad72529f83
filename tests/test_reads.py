"""Recording what a computation read: files opened, probes, folder listings, years."""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest

from lkjip_helpers.core import reads


@pytest.fixture
def root(tmp_path, monkeypatch):
    root = tmp_path / "proj"
    for folder in ("params", "data/processed/2017", "data/raw/2016", "lkjip_helpers", ".cache"):
        (root / folder).mkdir(parents=True)
    (root / "params" / "agency.yaml").write_text("a: 1\n", encoding="utf-8")
    (root / "data" / "processed" / "2017" / "t.csv").write_text("x\n1\n", encoding="utf-8")
    (root / "lkjip_helpers" / "m.py").write_text("x = 1\n", encoding="utf-8")
    (root / ".cache" / "c.txt").write_text("c", encoding="utf-8")
    monkeypatch.setenv("LKJIP_ROOT", str(root))
    yield root
    reads.stop()


def _paths(entries):
    return {(k, p) for k, p, _ in entries}


def test_files_opened_for_reading_are_recorded_with_their_contents(root, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("o", encoding="utf-8")
    with reads.recording() as got:
        (root / "params" / "agency.yaml").read_text(encoding="utf-8")
        pd.read_csv(root / "data" / "processed" / "2017" / "t.csv")
        outside.read_text(encoding="utf-8")
        (root / "lkjip_helpers" / "m.py").read_text(encoding="utf-8")
        (root / ".cache" / "c.txt").read_text(encoding="utf-8")
        (root / "params" / "baru.yaml").write_text("b: 2\n", encoding="utf-8")  # a write
    assert _paths(got) == {("file", "params/agency.yaml"), ("file", "data/processed/2017/t.csv")}
    fps = {p: fp for _, p, fp in got}
    assert fps["params/agency.yaml"] == reads.file_fingerprint(root / "params" / "agency.yaml")
    assert not reads.is_recording()


def test_nothing_is_recorded_when_off(root):
    (root / "params" / "agency.yaml").read_text(encoding="utf-8")
    reads.record(root / "params" / "agency.yaml")
    with reads.recording() as got:
        pass
    assert got == []


def test_probes_listings_and_years(root):
    (root / "data" / "raw" / "2018").mkdir()
    with reads.recording() as got:
        reads.record(root / "data" / "processed" / "2016" / "realisasi_iku.csv")
        reads.record(root / "data" / "processed" / "2017", kind="dir")
        reads.record_years(root / "data" / "raw", before=2017)
    fps = {(k, p): fp for k, p, fp in got}
    assert fps[("file", "data/processed/2016/realisasi_iku.csv")] == "-"
    assert fps[("years<2017", "data/raw")] == "2016"  # 2018 is later: not an input of 2017
    listing = fps[("dir", "data/processed/2017")]
    (root / "data" / "processed" / "2017" / "u.csv").write_text("y\n", encoding="utf-8")
    assert reads.fingerprint("dir", root / "data" / "processed" / "2017") != listing
    (root / "data" / "raw" / "2019").mkdir()
    assert reads.years_fingerprint(root / "data" / "raw", 2017) == "2016"
    (root / "data" / "raw" / "2015").mkdir()
    assert reads.years_fingerprint(root / "data" / "raw", 2017) == "2015,2016"


def test_current_fingerprints_follow_the_files(root):
    with reads.recording() as got:
        (root / "params" / "agency.yaml").read_text(encoding="utf-8")
    assert reads.current(got) == got
    (root / "params" / "agency.yaml").write_text("a: 2\n", encoding="utf-8")
    assert reads.current(got) != got
    (root / "params" / "agency.yaml").unlink()
    assert reads.current(got)[0][2] == "-"


def test_kernel_sink_round_trip(root, tmp_path, monkeypatch):
    sink = tmp_path / "reads.jsonl"
    assert reads.read_sink(sink) is None  # never started: nothing is known
    monkeypatch.setenv(reads.ENV_VAR, str(sink))
    assert reads.start_from_env()
    (root / "params" / "agency.yaml").read_text(encoding="utf-8")
    (root / "params" / "agency.yaml").read_text(encoding="utf-8")  # once is enough
    entries = reads.stop()
    lines = [json.loads(x) for x in sink.read_text(encoding="utf-8").splitlines()]
    assert lines[0][0] == reads.STARTED and len(lines) == 2
    assert (
        reads.read_sink(sink)
        == entries
        == [("file", "params/agency.yaml", reads.file_fingerprint(root / "params" / "agency.yaml"))]
    )
    empty = tmp_path / "empty.jsonl"
    monkeypatch.setenv(reads.ENV_VAR, str(empty))
    reads.start_from_env()
    reads.stop()
    assert reads.read_sink(empty) == []  # started, read nothing: an empty manifest


def test_os_open_for_writing_is_not_a_read(root):
    with reads.recording() as got:
        fd = os.open(root / "params" / "x.bin", os.O_WRONLY | os.O_CREAT, 0o644)
        os.close(fd)
        fd = os.open(root / "params" / "agency.yaml", os.O_RDONLY)
        os.close(fd)
    assert _paths(got) == {("file", "params/agency.yaml")}


def test_unknown_kind_is_an_error(root):
    with pytest.raises(ValueError, match="unknown kind"):
        reads.fingerprint("glob", root)


def test_folder_opened_to_remove_it_is_not_a_read(root):
    import shutil

    (root / "data" / "old" / "sub").mkdir(parents=True)
    with reads.recording() as got:
        shutil.rmtree(root / "data" / "old")
    assert got == []


def test_capture_lists_what_a_block_read_even_if_read_before(root):
    agency = root / "params" / "agency.yaml"
    table = root / "data" / "processed" / "2017" / "t.csv"
    with reads.capture() as off:
        agency.read_text(encoding="utf-8")
    assert off == []  # nothing is captured while nothing records
    with reads.recording() as got:
        agency.read_text(encoding="utf-8")
        with reads.capture() as part:
            agency.read_text(encoding="utf-8")  # read before: still a read of the part
            reads.record(table)
        agency.read_text(encoding="utf-8")
    assert _paths(part) == {("file", "params/agency.yaml"), ("file", "data/processed/2017/t.csv")}
    assert _paths(got) == _paths(part)


def test_replay_notes_the_fingerprints_of_then(root):
    agency = root / "params" / "agency.yaml"
    with reads.recording() as first:
        agency.read_text(encoding="utf-8")
    agency.write_text("a: 2\n", encoding="utf-8")  # changed since the result was computed
    reads.replay(first)  # not recording: nothing happens
    with reads.recording() as got:
        reads.replay(first)
    assert got == first  # the old fingerprint: a cache lookup now sees the change
    assert reads.current(got) != got


def test_an_agency_folder_elsewhere_is_recorded_under_its_own_prefix(root, tmp_path, monkeypatch):
    agency = tmp_path / "dinas"
    (agency / "params").mkdir(parents=True)
    (agency / "outputs").mkdir()
    (agency / "params" / "agency.yaml").write_text("b: 1\n", encoding="utf-8")
    (agency / "outputs" / "x.txt").write_text("o", encoding="utf-8")
    monkeypatch.setenv("LKJIP_AGENCY", str(agency))
    with reads.recording() as got:
        (agency / "params" / "agency.yaml").read_text(encoding="utf-8")
        (agency / "outputs" / "x.txt").read_text(encoding="utf-8")  # outputs: no input
        (root / "params" / "agency.yaml").read_text(encoding="utf-8")  # the repository's
    # the two agency.yaml files never share an entry
    assert _paths(got) == {("file", "@agensi/params/agency.yaml"), ("file", "params/agency.yaml")}
    assert reads.resolve("@agensi/params/agency.yaml") == agency / "params" / "agency.yaml"
    assert reads.resolve("params/agency.yaml") == root / "params" / "agency.yaml"
    assert reads.current(got) == got
    (agency / "params" / "agency.yaml").write_text("b: 2\n", encoding="utf-8")
    assert reads.current(got) != got


def test_an_agency_inside_the_repository_owns_its_files(root, monkeypatch):
    agency = root / "instansi" / "dinas"
    (agency / "params").mkdir(parents=True)
    (agency / ".cache").mkdir()
    (agency / "params" / "agency.yaml").write_text("b: 1\n", encoding="utf-8")
    (agency / ".cache" / "c.txt").write_text("c", encoding="utf-8")
    monkeypatch.setenv("LKJIP_AGENCY", str(agency))
    with reads.recording() as got:
        (agency / "params" / "agency.yaml").read_text(encoding="utf-8")
        (agency / ".cache" / "c.txt").read_text(encoding="utf-8")  # its cache: no input
    assert _paths(got) == {("file", "@agensi/params/agency.yaml")}


def test_the_default_agency_is_the_project_with_unprefixed_entries(root, monkeypatch):
    monkeypatch.delenv("LKJIP_AGENCY", raising=False)
    assert reads.roots() == [("", root)]
    assert reads.relative(root / "params" / "agency.yaml") == "params/agency.yaml"
