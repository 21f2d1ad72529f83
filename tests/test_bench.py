"""The benchmark's measuring loop and summary, with fake builds (times are never asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from lkjip_helpers.build import bench
from lkjip_helpers.build.execute import Timing
from lkjip_helpers.build.pipeline import BuildStats

FAKE_SECONDS = {"naive": [40.0, 44.0, 42.0], "clean": [20.0, 18.0, 19.0], "prose": [4.0, 6.0, 5.0]}
FAKE_SECONDS |= {"noop": [3.0, 2.0, 4.0], "limit": [9.0, 10.0, 8.0], "preview": [4.0, 7.0, 4.5]}


class FakeClock:
    """A clock advanced by the fake build by the scenario's planned duration."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def _fake(clock: FakeClock, rounds: list[int]):
    calls = []

    def build(scenario):
        r = rounds[0]
        clock.now += FAKE_SECONDS[scenario][r]
        calls.append(scenario)
        stats = BuildStats(phases={"data": 1.0, "notebooks": 2.0 + r, "render": 3.0})
        if scenario in ("naive", "clean", "limit"):
            stats.executed = ["a", "b"]
        elif scenario in ("prose", "preview"):
            stats.executed, stats.cached = ["b"], ["a"]
        else:
            stats.cached = ["a", "b"]
        if scenario not in ("naive", "limit"):
            stats.timings = {
                n: Timing(kernel_start=0.5 + r, warm_up=1.0, execute=2.0, save=0.1)
                for n in stats.executed
            }
        return stats

    def prepare(scenario, r):
        rounds[0] = r
        calls.append(f"prepare:{scenario}:{r}")

    return build, prepare, calls


def test_measure_interleaves_rounds_and_records():
    clock = FakeClock()
    build, prepare, calls = _fake(clock, [0])
    raw = bench.measure(build, prepare, 3, clock=clock)
    # a, b, c, d per round, each prepared (untimed) right before it runs
    expected = []
    for r in range(3):
        for s in bench.SCENARIOS:
            expected += [f"prepare:{s}:{r}", s]
    assert calls == expected
    assert set(raw) == set(bench.SCENARIOS)
    for s in bench.SCENARIOS:
        assert [rec["seconds"] for rec in raw[s]] == pytest.approx(FAKE_SECONDS[s])
    assert raw["clean"][1]["timings"]["a"]["kernel_start"] == pytest.approx(1.5)
    assert raw["noop"][0]["cached"] == ["a", "b"]
    assert raw["naive"][0]["timings"] == {}


def test_summarize_medians_ratios_targets():
    clock = FakeClock()
    build, prepare, _ = _fake(clock, [0])
    raw = bench.measure(build, prepare, 3, clock=clock)
    s = bench.summarize(raw, {"cpu_count": 2})
    assert s["medians"] == pytest.approx(
        {"naive": 42.0, "limit": 9.0, "clean": 19.0, "prose": 5.0, "noop": 3.0, "preview": 4.5}
    )
    assert s["ratios"]["clean/naive"]["value"] == pytest.approx(19 / 42)
    assert s["ratios"]["clean/naive"]["met"] is False  # > 0.25
    assert s["ratios"]["clean/limit"]["value"] == pytest.approx(19 / 9)
    assert s["ratios"]["clean/limit"]["met"] is False  # > 2
    assert s["ratios"]["prose/clean"]["value"] == pytest.approx(5 / 19)
    assert s["ratios"]["prose/clean"]["met"] is False  # > 0.15
    assert s["ratios"]["noop/clean"]["met"] is False  # 3/19 > 0.03
    assert s["ratios"]["noop/clean"]["target"] == 0.03
    assert s["seconds"]["preview"] == {"value": 4.5, "target": 5.0, "met": True}
    assert s["targets_met"] is False
    assert s["phases_median"]["clean"] == pytest.approx(
        {"data": 1.0, "notebooks": 3.0, "render": 3.0}
    )
    assert s["notebooks_median"]["clean"]["a"]["kernel_start"] == pytest.approx(1.5)
    assert "naive" not in s["notebooks_median"]
    assert set(s["notebooks_median"]["prose"]) == {"b"}
    assert s["executed_median"] == {
        "naive": 2, "limit": 2, "clean": 2, "prose": 1, "noop": 0, "preview": 1
    }  # fmt: skip
    assert s["repeat"] == 3
    assert s["machine"] == {"cpu_count": 2}


def test_summary_is_json_with_raw_times():
    clock = FakeClock()
    build, prepare, _ = _fake(clock, [0])
    s = bench.summarize(bench.measure(build, prepare, 2, clock=clock), bench.machine_info(2))
    back = json.loads(json.dumps(s))
    assert set(back) >= {
        "machine",
        "medians",
        "ratios",
        "targets_met",
        "phases_median",
        "notebooks_median",
        "raw",
    }
    assert len(back["raw"]["naive"]) == 2
    assert back["machine"]["cpu_count"] >= 1 and back["machine"]["python"]
    table = bench.format_table(s)
    for name in [*bench.SCENARIOS, *bench.TARGETS]:
        assert name in table


def test_all_targets_met_and_missing_scenario():
    raw = {
        s: [{"seconds": v, "phases": {}, "executed": [], "cached": [], "timings": {}}]
        for s, v in {
            "naive": 20.0, "limit": 3.0, "clean": 4.0, "prose": 0.5, "noop": 0.1, "preview": 2.0
        }.items()
    }  # fmt: skip
    s = bench.summarize(raw)
    assert s["targets_met"] is True
    raw["preview"][0]["seconds"] = 6.0  # the preview alone misses its seconds
    assert bench.summarize(raw)["targets_met"] is False
    raw["preview"][0]["seconds"] = 2.0
    raw["clean"] = []
    s = bench.summarize(raw)
    assert s["medians"]["clean"] is None
    assert s["ratios"]["clean/naive"]["value"] is None
    assert s["targets_met"] is False
    bench.format_table(s)  # no crash on missing values


def test_production_build_has_no_benchmark_mode():
    import inspect

    from lkjip_helpers.build import pipeline

    params = inspect.signature(pipeline.build_report).parameters
    assert "naive" not in params and set(params) == {"year", "jobs", "use_cache", "progress"}
    assert not hasattr(pipeline, "execute_naive")


def test_run_bench_measures_naive_with_its_own_build(repo_copy, monkeypatch, capsys):
    """``make bench`` wiring: the naive scenario runs bench.naive_build, the others the
    production build (fakes here; the real scenarios are what ``make bench`` runs)."""

    calls = []

    def fake_naive(year):
        calls.append(("naive", year))
        return BuildStats(executed=["a", "b"], phases={"notebooks": 2.0})

    def fake_build(year, **kw):
        calls.append(("build", year, tuple(sorted(kw))))
        return BuildStats(cached=["a", "b"])

    def fake_limit(year):
        calls.append(("limit", year))
        return BuildStats(executed=["a", "b"])

    def fake_preview(chapter, year, **kw):
        calls.append(("preview", year, chapter))
        return SimpleNamespace(stats=BuildStats(executed=["a"], cached=["b"]))

    monkeypatch.setattr(bench, "naive_build", fake_naive)
    monkeypatch.setattr(bench, "build_report", fake_build)
    monkeypatch.setattr(bench, "run_limit", fake_limit)
    monkeypatch.setattr(bench, "preview", fake_preview)
    monkeypatch.setattr(bench, "copy_repo", lambda target, source=None, agency=None: _tiny(target))
    alone = {"seconds": 9.0, "memory": {"build": {"peak_mb": 300.0, "processes": 1}}}
    monkeypatch.setattr(bench, "build_alone", lambda year: calls.append(("alone", year)) or alone)
    summary = bench.run_bench(2017, repeat=1, jobs=2)
    assert calls[0] == ("naive", 2017)
    assert [c[0] for c in calls] == [
        "naive",
        "limit",
        "build",
        "build",
        "build",
        "preview",
        "alone",
    ]
    assert summary["build_alone"] == alone
    assert all(c[2] == ("jobs", "progress") for c in calls if c[0] == "build")
    assert calls[-2] == ("preview", 2017, bench.PREVIEW_CHAPTER)
    assert summary["executed_median"]["naive"] == 2
    assert summary["executed_median"]["preview"] == 1
    assert summary["machine"]["load_average"]
    assert (repo_copy / "outputs" / "bench.json").exists()
    assert "clean/naive" in capsys.readouterr().out


def _tiny(target):
    """Just enough of a repository for the bench's prose edit."""
    prose = target / "params" / "prose" / "2017"
    prose.mkdir(parents=True)
    (prose / bench.PROSE_CHAPTER).write_text("Penutup.\n", encoding="utf-8")
    (prose / bench.PREVIEW_PROSE).write_text("Akuntabilitas.\n", encoding="utf-8")
    return target


def test_peak_memory_sees_each_process_of_a_build():
    """The sampler reports the peak of this process and of the processes it starts."""
    code = (
        "import time; x = bytearray(80 * 1024 * 1024); x[::4096] = b'1' * len(x[::4096])\n"
        "t = time.process_time()\n"
        "while time.process_time() - t < 0.3: pass\n"
        "time.sleep(0.4)"
    )
    with bench.PeakMemory(interval=0.05) as mem:
        subprocess.run([sys.executable, "-c", code], check=True)
    summary = mem.summary()
    if not mem.available:
        pytest.skip("no /proc: peak memory is not measured on this system")
    assert summary["build"]["processes"] == 1 and summary["build"]["peak_mb"] > 10
    child = Path(sys.executable).name
    assert summary[child]["peak_mb"] >= 80
    assert summary[child]["cpu_s"] >= 0.25


def test_a_process_alive_before_a_round_is_charged_only_its_cpu_during_the_round():
    """A warm parent kept from an earlier round is not charged its start-up again."""
    code = (
        "import sys, time; t = time.process_time()\n"
        "while time.process_time() - t < 0.6: pass\n"
        "print('busy', flush=True); sys.stdin.read()"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "busy"
        with bench.PeakMemory(interval=0.05, me="bench") as mem:
            time.sleep(0.3)  # the child idles through the round
    finally:
        proc.communicate("")
    if not mem.available:
        pytest.skip("no /proc: CPU is not measured on this system")
    summary = mem.summary()
    assert "bench" in summary and "build" not in summary
    child = Path(sys.executable).name
    assert summary[child]["cpu_s"] < 0.3


def test_measure_records_memory_per_build():
    clock = FakeClock()
    build, prepare, _ = _fake(clock, [0])

    class FakeMemory:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return None

        def summary(self):
            return {"build": {"peak_mb": 120.0, "processes": 1, "cpu_s": 3.0}}

    raw = bench.measure(build, prepare, 1, clock=clock, memory=FakeMemory)
    assert raw["clean"][0]["memory"]["build"]["peak_mb"] == 120.0
    s = bench.summarize(raw)
    assert s["peak_memory_mb"]["clean"] == {"build": 120.0}
    assert s["cpu_seconds_median"]["clean"] == 3.0
    assert s["cpu_ratios"]["clean/naive"] == 1.0
    assert "peak memory per process" in bench.format_table(s)


FIXTURES = Path(__file__).parent / "fixtures" / "exec"


def test_limit_runs_notebook_cells_in_process_with_fresh_namespaces(tmp_path):
    """The limit scenario's executor: parameters after the parameters cell, a fresh
    namespace per notebook, display outputs kept for the book, failures named (own
    process: an IPython shell must not leak into the test session)."""
    code = textwrap.dedent(
        f"""
        import json, os
        from pathlib import Path
        os.environ["LKJIP_BUILD"] = "1"
        from IPython.core.interactiveshell import InteractiveShell
        from lkjip_helpers.build import bench
        shell = InteractiveShell.instance()
        out = Path({str(tmp_path)!r})
        bench.execute_in_process(shell, Path({str(FIXTURES / "equivalence.ipynb")!r}),
                                 out / "a.ipynb", {{"year": 2031}})
        shell.user_ns["sisa"] = 1
        bench.execute_in_process(shell, Path({str(FIXTURES / "namespace.ipynb")!r}),
                                 out / "b.ipynb", {{"year": 2020}})
        from lkjip_helpers.core.exceptions import BuildError
        try:
            bench.execute_in_process(shell, Path({str(FIXTURES / "raises.ipynb")!r}),
                                     out / "r.ipynb", {{}})
        except BuildError as exc:
            print(exc)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    # a failing cell is a build error naming the notebook
    assert "raises.ipynb failed" in done.stdout and "data tidak lengkap" in done.stdout
    a = json.loads((tmp_path / "a.ipynb").read_text(encoding="utf-8"))
    markdown = [
        "".join(o["data"]["text/markdown"])
        for c in a["cells"]
        for o in c["outputs"]
        if "text/markdown" in o.get("data", {})
    ]
    assert any("Tabel uji" in m and "tbl-uji" in m for m in markdown)
    assert any("data:image/png;base64," in m for m in markdown)
    assert any("2031" in m for m in markdown)  # the parameter, not the default
    # namespace.ipynb asserts that no module is in its namespace: a leak would fail it
    assert (tmp_path / "b.ipynb").exists()
