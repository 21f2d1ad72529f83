"""The build: cache, re-execution of exactly what changed, failures, order, progress.

One build sequence in one copy of the repository (a clean build is the expensive part).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lkjip_helpers.build import cache
from lkjip_helpers.build.execute import kernel_env
from lkjip_helpers.build.pipeline import BuildStats, Progress, build_report, plan_build
from lkjip_helpers.core import config
from lkjip_helpers.core.exceptions import BuildError
from lkjip_helpers.laporan import context as laporan
from tests.agensi_uji import TAHUN, contoh, params_file

YEAR = TAHUN


def _build(capsys, **kw) -> tuple[BuildStats, str]:
    laporan.konteks.cache_clear()
    capsys.readouterr()
    stats = build_report(YEAR, **kw)
    return stats, capsys.readouterr().out


def _jobs():
    return [job for ch in plan_build(YEAR) for job in ch.jobs]


def _append_cell(notebook: Path, source: str) -> None:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    nb["cells"].append(
        {"cell_type": "code", "execution_count": None, "id": "probe", "metadata": {},
         "outputs": [], "source": source}
    )  # fmt: skip
    notebook.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    """Project-relative paths of processed files that differ between two snapshots."""
    names = {n for n in before.keys() | after.keys() if before.get(n) != after.get(n)}
    return {f"data/processed/{YEAR}/{n}" for n in names}


def _report_text(out: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((out / "book").glob("*.md")))


@contoh
@pytest.mark.e2e
def test_build_sequence(repo_copy, capsys):
    root = repo_copy
    out = root / "outputs" / str(YEAR)

    # The kernels import the copy's helpers (PYTHONPATH first), not the main checkout's.
    env = kernel_env()
    assert env["PYTHONPATH"].split(":")[0] == str(root.resolve())
    where = subprocess.run(
        [sys.executable, "-c", "import lkjip_helpers; print(lkjip_helpers.__file__)"],
        env=env, cwd=root, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert Path(where).resolve().is_relative_to(root.resolve())

    # 1. Clean build, default parallelism (cpu count), with progress: every notebook runs.
    stats, printed = _build(capsys, progress=True)
    stats_1 = stats
    names = [job.name for job in _jobs()]
    assert len(names) == len(set(names)) >= 8
    assert sorted(stats.executed) == sorted(names)
    assert stats.cached == [] and stats.failed == []
    assert stats.render_cached is False
    assert set(stats.timings) == set(names)
    assert {"data", "notebooks", "render", "total"} <= set(stats.phases)
    lines = [ln for ln in printed.splitlines() if ln.startswith("[")]
    assert len(lines) == len(names)
    assert lines[-1].startswith(f"[{len(names)}/{len(names)}]")
    assert f"report {YEAR}: {len(names)} notebooks" in printed

    # Chapter order is params/report.yaml order, whatever the completion order was.
    chapters = plan_build(YEAR)
    report = yaml.safe_load(params_file("report.yaml", root).read_text(encoding="utf-8"))
    assert [ch.id for ch in chapters] == [c["id"] for c in report["chapters"]]
    book = yaml.safe_load((out / "book" / "_quarto.yml").read_text(encoding="utf-8"))
    files = book["book"]["chapters"]
    assert files[0] == "index.md" and len(files) == len(chapters)
    for i, (ch, name) in enumerate(zip(chapters[1:], files[1:], strict=True), start=1):
        # chapter files are numbered in order and named after their first notebook
        assert name.startswith(f"{i:02d}-") and name.endswith(".md"), name
        assert ch.jobs[0].name.split("_", 1)[1].replace("_", "-") in name, (ch.id, name)
    penutup_md = out / "book" / files[[ch.id for ch in chapters].index("bab4")]
    html_1 = (out / f"lkjip-{YEAR}.html").read_bytes()
    csv_1 = (out / "capaian_iku.csv").read_bytes()

    # 2. Immediate rebuild: nothing executes, identical report; no progress lines when off.
    stats, printed = _build(capsys, progress=False, jobs=2)
    assert stats.executed == [] and sorted(stats.cached) == sorted(names)
    assert stats.render_cached is True  # nothing changed: stitch + render skipped
    assert not [ln for ln in printed.splitlines() if ln.startswith("[")]
    assert f"report {YEAR}: {len(names)} notebooks" not in printed
    assert (out / "capaian_iku.csv").read_bytes() == csv_1
    assert (out / f"lkjip-{YEAR}.html").read_bytes() == html_1

    # What each notebook read was recorded: every one read params and its year's tables.
    reads_1 = stats_1.reads
    assert set(reads_1) == set(names)
    for name, entries in reads_1.items():
        files = {p for k, p, _ in entries if k == "file"}
        assert {"params/agency.yaml", f"params/{YEAR}.yaml"} <= files, name
        assert any(p.startswith(f"data/processed/{YEAR}/") for p in files), name

    # 3. A raw value changes (issue #10): fakta_narasi, read by prose through {fakta[...]} and
    #    declared by no one before, 473 -> 999. Exactly the notebooks that read a processed
    #    table that changed re-run, and the report shows the new figure, not the old one.
    before_processed = _snapshot(root / "data" / "processed" / str(YEAR))
    fakta = root / "data" / "raw" / str(YEAR) / "fakta_narasi.csv"
    text = fakta.read_text(encoding="utf-8")
    assert text.count(",473,orang,") == 1
    fakta.write_text(text.replace(",473,orang,", ",999,orang,"), encoding="utf-8")
    stats, _ = _build(capsys, progress=False)
    assert stats.data_cached is False
    changed = _changed(before_processed, _snapshot(root / "data" / "processed" / str(YEAR)))
    assert f"data/processed/{YEAR}/fakta_narasi.csv" in changed
    expected = {n for n, entries in reads_1.items() if changed & {p for _, p, _ in entries}}
    assert expected and expected != set(names)
    assert set(stats.executed) == expected
    assert set(stats.cached) == set(names) - expected
    assert stats.render_cached is False
    report = _report_text(out)
    assert "999 orang" in report and "473 orang" not in report
    html = (out / f"lkjip-{YEAR}.html").read_text(encoding="utf-8")
    assert "999 orang" in html and "473 orang" not in html

    # 3b. A table one chapter reads (pns_golongan, Bab I): that chapter re-runs, plus the
    #     readers of whatever else the data step changed (the audit of the table's totals).
    reads_2 = stats.reads
    before_processed = _snapshot(root / "data" / "processed" / str(YEAR))
    golongan = root / "data" / "raw" / str(YEAR) / "pns_golongan.csv"
    text = golongan.read_text(encoding="utf-8")
    row = "4,PENGATUR MUDA TK.I (II/b),II/b,rincian,9,9,8,3,2,4,"
    assert row in text
    golongan.write_text(text.replace(row, row[: -len("4,")] + "7,"), encoding="utf-8")
    stats, _ = _build(capsys, progress=False)
    changed = _changed(before_processed, _snapshot(root / "data" / "processed" / str(YEAR)))
    expected = {n for n, entries in reads_2.items() if changed & {p for _, p, _ in entries}}
    assert "01_pendahuluan" in expected and len(expected) < len(names) - 2
    assert set(stats.executed) == expected

    # 4. One chapter's prose changes: only that chapter's notebook re-runs.
    prose = root / "params" / "prose" / str(YEAR) / "penutup.md"
    prose.write_text(prose.read_text(encoding="utf-8") + "\nKalimat uji.\n", encoding="utf-8")
    stats, _ = _build(capsys, progress=False)
    assert stats.executed == ["04_penutup"]
    assert "Kalimat uji." in penutup_md.read_text(encoding="utf-8")

    # 5. A helper module the notebooks import changes: the notebooks importing it re-run.
    helper = root / "lkjip_helpers" / "laporan" / "tables.py"
    importers = {
        j.name
        for j in _jobs()
        if "lkjip_helpers.laporan.tables" in cache.module_closure(cache.notebook_code(j.source))
    }
    assert importers
    helper.write_text(helper.read_text(encoding="utf-8") + "\n# diubah\n", encoding="utf-8")
    stats, _ = _build(capsys, progress=False)
    assert set(stats.executed) == importers

    # 6. A failing notebook: BuildError naming it, not cached, last good report untouched.
    before = _snapshot(out)
    nb = root / "notebooks" / "05_lampiran.ipynb"
    original = nb.read_text(encoding="utf-8")
    _append_cell(nb, "raise RuntimeError('boom')")
    failing = next(j for j in _jobs() if j.name == "05_lampiran")
    with pytest.raises(BuildError, match="05_lampiran") as err:
        _build(capsys, progress=False)
    assert "boom" in str(err.value)
    assert cache.lookup(failing.code_key()) is None
    assert (config.cache_dir() / "failed" / "05_lampiran.ipynb").exists()
    assert _snapshot(out) == before
    assert not [p for p in out.parent.iterdir() if "staging" in p.name]
    # Fixed: it runs again (a failure is never taken from the cache).
    nb.write_text(original, encoding="utf-8")
    _append_cell(nb, "boom = 'fixed'")
    stats, _ = _build(capsys, progress=False)
    assert stats.executed == ["05_lampiran"]
    assert stats.failed == []


def test_progress_prints_only_when_enabled(capsys):
    on = Progress(2, enabled=True)
    on.note("report: 2 notebooks")
    on.step("a", "ran", 1.0)
    on.step("b", "cached")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "report: 2 notebooks"
    assert lines[1].startswith("[ 1/2] ran") and " a " in lines[1]
    assert lines[2].startswith("[ 2/2] cached") and lines[2].split()[3] == "b"
    off = Progress(2, enabled=False)
    off.note("x")
    off.step("a", "ran", 1.0)
    assert capsys.readouterr().out == ""
    assert off.done == 1


def test_render_key_sees_notebooks_template_and_meta(repo_copy):
    from lkjip_helpers.build.pipeline import _render_key

    chapters = plan_build(YEAR)
    keys = {j.name: f"k-{j.name}" for ch in chapters for j in ch.jobs}
    meta = {"tahun": "2017"}
    base = _render_key(YEAR, chapters, keys, meta)
    assert _render_key(YEAR, chapters, dict(keys), dict(meta)) == base
    changed = dict(keys, **{chapters[-1].jobs[0].name: "other"})
    assert _render_key(YEAR, chapters, changed, meta) != base
    assert _render_key(YEAR, chapters, keys, {"tahun": "2018"}) != base
    assert _render_key(YEAR, list(reversed(chapters)), keys, meta) != base
    css = repo_copy / "book" / "lkjip.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* x */\n", encoding="utf-8")
    assert _render_key(YEAR, chapters, keys, meta) != base
    after_css = _render_key(YEAR, chapters, keys, meta)
    render_py = repo_copy / "lkjip_helpers" / "build" / "render.py"
    render_py.write_text(render_py.read_text(encoding="utf-8") + "\n# x\n", encoding="utf-8")
    assert _render_key(YEAR, chapters, keys, meta) != after_css


def _fake_quarto_on_path(folder: Path, version: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    exe = folder / "quarto"
    exe.write_text(f"#!/bin/sh\necho {version}\n", encoding="utf-8")
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)


def test_render_key_follows_the_quarto_version_not_its_path(repo_copy, tmp_path, monkeypatch):
    from lkjip_helpers.build.pipeline import _render_key

    chapters = plan_build(YEAR)
    keys = {j.name: f"k-{j.name}" for ch in chapters for j in ch.jobs}
    meta = {"tahun": "2017"}
    monkeypatch.delenv("LKJIP_RENDERER", raising=False)

    def key_with(folder: Path) -> str:
        monkeypatch.setenv("PATH", str(folder))
        return _render_key(YEAR, chapters, keys, meta)

    _fake_quarto_on_path(tmp_path / "a", "1.9.36")
    _fake_quarto_on_path(tmp_path / "b", "1.9.36")
    _fake_quarto_on_path(tmp_path / "c", "1.10.16")
    base = key_with(tmp_path / "a")
    assert key_with(tmp_path / "b") == base  # same version elsewhere: same render
    assert key_with(tmp_path / "c") != base  # Quarto upgraded: render again
    assert key_with(tmp_path / "empty") != base  # no Quarto: the built-in renderer
    monkeypatch.setenv("LKJIP_RENDERER", "builtin")
    assert key_with(tmp_path / "a") == key_with(tmp_path / "c")  # Quarto not used


def test_plan_follows_report_yaml(repo_copy):
    chapters = plan_build(YEAR)
    report = yaml.safe_load(params_file("report.yaml", repo_copy).read_text(encoding="utf-8"))
    assert [c.id for c in chapters] == [c["id"] for c in report["chapters"]]
    for ch, spec in zip(chapters, report["chapters"], strict=True):
        stems = [Path(n["notebook"]).stem for n in spec["notebooks"]]
        seen = []
        for job in ch.jobs:
            stem = job.source.stem
            if not seen or seen[-1] != stem:
                seen.append(stem)
        assert seen == stems
        for job in ch.jobs:
            assert job.parameters["year"] == YEAR


# ----------------------------------------------------------------- recorded inputs (issue #10)


@pytest.fixture(scope="module")
def built_copy(built_2017, tmp_path_factory):
    """A copy of the session's built 2017 project (cache included) that tests may mutate.

    Keys are content-based and relative to the root, so the copy's cache is as
    valid as the original's.
    """
    root = tmp_path_factory.mktemp("built-copy") / "repo"
    shutil.copytree(built_2017, root, symlinks=True)
    return root


@pytest.fixture
def in_copy(built_copy, monkeypatch):
    monkeypatch.setenv("LKJIP_ROOT", str(built_copy))
    laporan.konteks.cache_clear()
    yield built_copy
    laporan.konteks.cache_clear()


def _manifests(root: Path) -> dict[str, tuple[str, set[str]]]:
    """notebook name -> (code key, project paths its cached run read); all must be hits."""
    out = {}
    fps = cache.Fingerprints(root)
    for job in _jobs():
        code = job.code_key()
        hit = cache.lookup(code, fps)
        assert hit is not None, f"{job.name} is not in the cache of the built copy"
        out[job.name] = (code, {p for _, p, _ in hit.reads})
    return out


def _invalidated(manifests: dict[str, tuple[str, set[str]]]) -> set[str]:
    fps = cache.Fingerprints()
    return {name for name, (code, _) in manifests.items() if cache.lookup(code, fps) is None}


def _mutate_raw(spec, path: Path, processed: Path) -> bytes:
    """Change one value of a raw table so that its processed table changes; new bytes.

    Cells are tried in order (numbers first, +1, then text) until the table still
    validates and its tidy form differs.
    """
    from lkjip_helpers.data.io import frame_to_csv_bytes, read_raw_table
    from lkjip_helpers.data.tidy import tidy_table
    from lkjip_helpers.data.validation import validate_table

    original = path.read_bytes()
    before = processed.read_bytes()
    rows = list(csv.reader(io.StringIO(original.decode("utf-8"))))
    header = rows[0]
    skip = {"no", "tahun", "jenis_baris", *(spec.key or [])}
    cells = [
        (r, c) for r in range(1, len(rows)) for c in range(len(header)) if header[c] not in skip
    ]

    def number(text):
        try:
            return float(text)
        except ValueError:
            return None

    ordered = [rc for rc in cells if number(rows[rc[0]][rc[1]]) is not None]
    ordered += [rc for rc in cells if number(rows[rc[0]][rc[1]]) is None and rows[rc[0]][rc[1]]]
    for r, c in ordered:
        value = rows[r][c]
        n = number(value)
        if n is None:
            new = value + " (diubah)"
        elif n.is_integer() and "." not in value:
            new = str(int(n) + 1)
        else:
            new = f"{n + 0.01:.2f}" if n < 99 else f"{n - 0.01:.2f}"
        mutated = [list(row) for row in rows]
        mutated[r][c] = new
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(mutated)
        path.write_text(buf.getvalue(), encoding="utf-8")
        try:
            tidy = tidy_table(spec, validate_table(spec, path, read_raw_table(path)).frame)
        except Exception:
            continue
        if frame_to_csv_bytes(tidy) != before:
            return frame_to_csv_bytes(tidy)
    path.write_bytes(original)
    raise AssertionError(f"{path.name}: no single-value change reaches its processed table")


@pytest.mark.e2e
def test_every_input_invalidates_exactly_its_readers(in_copy):
    """Every raw table of the year, every params, teks and prose file: a change to it
    invalidates the cached notebooks that read it, and only those (keys only; the
    rebuilds of tests/test_build.py::test_build_sequence sample the same by running)."""
    from lkjip_helpers.data.catalogue import load_catalogue
    from lkjip_helpers.data.io import find_raw_file, frame_to_csv_bytes, read_raw_table
    from lkjip_helpers.data.tidy import tidy_table
    from lkjip_helpers.data.validation import validate_table

    root = in_copy
    manifests = _manifests(root)
    readers = {}
    for name, (_, paths) in manifests.items():
        for p in paths:
            readers.setdefault(p, set()).add(name)

    # Raw tables of the year: one value changed reaches the processed table; the
    # notebooks whose recorded reads contain it are invalidated, no other.
    processed = root / "data" / "processed" / str(YEAR)
    catalogue = load_catalogue()
    checked = 0
    for spec in catalogue:
        raw = find_raw_file(config.raw_dir(YEAR), spec.file)
        if raw is None:
            continue
        target = processed / f"{spec.name}.csv"
        rel = f"data/processed/{YEAR}/{spec.name}.csv"
        original_raw, original_processed = raw.read_bytes(), target.read_bytes()
        # the processed file is the tidy form of the raw file, as the data step writes it
        tidy = tidy_table(spec, validate_table(spec, raw, read_raw_table(raw)).frame)
        assert frame_to_csv_bytes(tidy) == original_processed, spec.name
        try:
            target.write_bytes(_mutate_raw(spec, raw, target))
            assert _invalidated(manifests) == readers.get(rel, set()), spec.name
        finally:
            raw.write_bytes(original_raw)
            target.write_bytes(original_processed)
        checked += 1
    assert checked == len(list(config.raw_dir(YEAR).glob("*.csv")))
    assert _invalidated(manifests) == set()

    # Raw tables of an earlier year held only in part: read directly by the comparisons.
    for raw in sorted(config.raw_dir().glob("[0-9][0-9][0-9][0-9]/*.csv")):
        if int(raw.parent.name) >= YEAR:
            continue
        rel = raw.relative_to(root).as_posix()
        original = raw.read_bytes()
        try:
            raw.write_bytes(original + b"\n")
            assert _invalidated(manifests) == readers.get(rel, set()), rel
        finally:
            raw.write_bytes(original)

    # Params, teks and prose files (of every year: another year's prose is no input).
    params_files = sorted(p for p in (root / "params").rglob("*") if p.is_file())
    assert len(params_files) > 10
    for path in params_files:
        rel = path.relative_to(root).as_posix()
        original = path.read_bytes()
        try:
            path.write_bytes(original + b"\n# diubah\n")
            assert _invalidated(manifests) == readers.get(rel, set()), rel
        finally:
            path.write_bytes(original)

    # The mapping is what the notebooks really use (checked against the files' contents):
    # every chapter reads its prose; a notebook filling {fakta[...]} reads fakta_narasi;
    # an IKU section reads the tables its rule and supporting charts are built from.
    fakta = f"data/processed/{YEAR}/fakta_narasi.csv"
    for name, (_, paths) in manifests.items():
        texts = [p for p in paths if p.startswith(("params/prose/", "params/teks/"))]
        if any("{fakta[" in (root / p).read_text(encoding="utf-8") for p in texts):
            assert fakta in paths, name
    for path in sorted(config.prose_dir(YEAR).rglob("*.md")):
        assert readers.get(path.relative_to(root).as_posix()), f"{path.name} is read by no one"
    from lkjip_helpers.indikator.params import load_params

    agency = load_params(YEAR).agency
    for iku in agency.iku_aktif(YEAR):
        paths = manifests[f"03_iku_{iku.kode}"][1]
        assert f"params/prose/{YEAR}/iku/{iku.kode}.md" in paths
        assert readers[f"params/prose/{YEAR}/iku/{iku.kode}.md"] == {f"03_iku_{iku.kode}"}
        tables = [iku.realisasi.tabel]
        for item in iku.pendukung:
            tables += [t.nama for t in item.daftar_tabel]
        for t in filter(None, tables):
            assert f"data/processed/{YEAR}/{t}.csv" in paths, (iku.kode, t)
    # A later year (2018 appears) is no input of 2017; an earlier one (2015) is.
    (root / "data" / "raw" / str(YEAR + 1)).mkdir()
    try:
        assert _invalidated(manifests) == set()
    finally:
        (root / "data" / "raw" / str(YEAR + 1)).rmdir()
    (root / "data" / "raw" / str(YEAR - 2)).mkdir()
    try:
        assert _invalidated(manifests) == {n for n, (_, p) in manifests.items() if "data/raw" in p}
    finally:
        (root / "data" / "raw" / str(YEAR - 2)).rmdir()


@pytest.mark.e2e
def test_data_step_key_covers_what_it_reads(in_copy):
    """The data step's key hashes every file the step actually opens (recorded)."""
    from lkjip_helpers.build.data_step import build_data, data_inputs, processed_is_current
    from lkjip_helpers.core import reads

    assert processed_is_current(YEAR)
    with reads.recording() as got:
        build_data(YEAR, write_audit=False)
    from lkjip_helpers.data.catalogue import BASE_FILE

    inputs = data_inputs(YEAR)
    assert BASE_FILE in inputs  # the base catalogue, beside the code
    hashed = {p.relative_to(in_copy).as_posix() for p in inputs if p.is_relative_to(in_copy)}
    opened = {p for kind, p, _ in got if kind == "file"}
    assert opened and opened <= hashed, opened - hashed
    assert processed_is_current(YEAR)


@pytest.mark.e2e
def test_outputs_and_processed_data_are_readable_by_others(built_2017):
    """Folders 0777 and files 0666 minus the umask, as any normally created file."""
    umask = os.umask(0)
    os.umask(umask)
    for folder in (
        built_2017 / "outputs" / str(YEAR),
        built_2017 / "data" / "processed" / str(YEAR),
    ):
        paths = [folder, *folder.rglob("*")]
        assert len(paths) > 5
        for path in paths:
            mode = stat.S_IMODE(path.stat().st_mode)
            expected = (0o777 if path.is_dir() else 0o666) & ~umask
            assert mode == expected, (str(path.relative_to(built_2017)), oct(mode))


def test_atomic_writers_respect_the_umask(tmp_path):
    from lkjip_helpers.data.io import make_temp_dir, write_file_atomically, write_folder_atomically

    old = os.umask(0o027)
    try:
        folder = make_temp_dir(tmp_path, ".x-")
        write_folder_atomically(tmp_path / "out", {"a.csv": b"a\n", "sub/b.csv": b"b\n"})
        write_file_atomically(tmp_path / "c.csv", b"c\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o750
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o750
    assert stat.S_IMODE((tmp_path / "out" / "sub").stat().st_mode) == 0o750
    for f in (tmp_path / "out" / "a.csv", tmp_path / "out" / "sub" / "b.csv", tmp_path / "c.csv"):
        assert stat.S_IMODE(f.stat().st_mode) == 0o640, f
