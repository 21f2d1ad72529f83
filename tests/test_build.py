"""The build: cache, re-execution of exactly what changed, failures, order, progress.

One build sequence in one copy of the repository (a clean build is the expensive part).
"""

from __future__ import annotations

import json
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

YEAR = 2017


def _build(capsys, **kw) -> tuple[BuildStats, str]:
    laporan.konteks.cache_clear()
    capsys.readouterr()
    stats = build_report(YEAR, **kw)
    return stats, capsys.readouterr().out


def _jobs():
    return [job for ch in plan_build(YEAR) for job in ch.jobs]


def _capaian(root: Path, kode: str) -> str:
    import pandas as pd

    df = pd.read_csv(root / "outputs" / str(YEAR) / "capaian_iku.csv", dtype=str)
    row = df[df.apply(lambda r: kode in r.values, axis=1)]
    assert len(row) == 1, df
    return row.to_csv(index=False)


def _append_cell(notebook: Path, source: str) -> None:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    nb["cells"].append(
        {"cell_type": "code", "execution_count": None, "id": "probe", "metadata": {},
         "outputs": [], "source": source}
    )  # fmt: skip
    notebook.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


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
    report = yaml.safe_load((root / "params" / "report.yaml").read_text(encoding="utf-8"))
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
    iku3_before = _capaian(root, "IKU-3")

    # 2. Immediate rebuild: nothing executes, identical report; no progress lines when off.
    stats, printed = _build(capsys, progress=False, jobs=2)
    assert stats.executed == [] and sorted(stats.cached) == sorted(names)
    assert stats.render_cached is True  # nothing changed: stitch + render skipped
    assert not [ln for ln in printed.splitlines() if ln.startswith("[")]
    assert f"report {YEAR}: {len(names)} notebooks" not in printed
    assert (out / "capaian_iku.csv").read_bytes() == csv_1
    assert (out / f"lkjip-{YEAR}.html").read_bytes() == html_1

    # 3. A raw value changes: the notebooks keyed on that table re-run.
    raw = root / "data" / "raw" / str(YEAR) / "kasus_disiplin.csv"
    text = raw.read_text(encoding="utf-8")
    assert f"\n{YEAR},17," in text
    raw.write_text(text.replace(f"\n{YEAR},17,", f"\n{YEAR},15,"), encoding="utf-8")
    laporan.konteks.cache_clear()
    expected = {j.name for j in _jobs() if any(p.name == "kasus_disiplin.csv" for p in j.inputs)}
    assert expected  # every notebook until the build records what each one reads
    stats, _ = _build(capsys, progress=False)
    assert set(stats.executed) == expected
    assert set(stats.cached) == set(names) - expected
    assert stats.render_cached is False
    assert _capaian(root, "IKU-3") != iku3_before

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
    assert cache.lookup(failing.key()) is None
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


def test_plan_follows_report_yaml(repo_copy):
    chapters = plan_build(YEAR)
    report = yaml.safe_load((repo_copy / "params" / "report.yaml").read_text(encoding="utf-8"))
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
            assert all(p.parent.name == str(YEAR) or int(p.parent.name) < YEAR for p in job.inputs)


def test_prose_pattern_declares_every_matching_file(repo_copy):
    # 04_penutup declares "simpulan/*.md": each IKU's conclusion prose is an input
    jobs = {j.name: j for ch in plan_build(YEAR) for j in ch.jobs}
    names = {p.name for p in jobs["04_penutup"].extra_files}
    from lkjip_helpers.indikator.params import load_params

    iku = {f"{i.kode}.md" for i in load_params(YEAR).agency.iku}
    assert iku <= names
