"""The benchmark's measuring loop and summary, with fake builds (times are never asserted)."""

from __future__ import annotations

import json

import pytest

from lkjip_helpers.build import bench
from lkjip_helpers.build.execute import Timing
from lkjip_helpers.build.pipeline import BuildStats

FAKE_SECONDS = {"naive": [40.0, 44.0, 42.0], "clean": [20.0, 18.0, 19.0], "prose": [4.0, 6.0, 5.0]}
FAKE_SECONDS["noop"] = [3.0, 2.0, 4.0]


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
        if scenario in ("naive", "clean"):
            stats.executed = ["a", "b"]
        elif scenario == "prose":
            stats.executed, stats.cached = ["b"], ["a"]
        else:
            stats.cached = ["a", "b"]
        if scenario != "naive":
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
    assert s["medians"] == pytest.approx({"naive": 42.0, "clean": 19.0, "prose": 5.0, "noop": 3.0})
    assert s["ratios"]["clean/naive"]["value"] == pytest.approx(19 / 42)
    assert s["ratios"]["clean/naive"]["met"] is True  # <= 0.5
    assert s["ratios"]["prose/clean"]["value"] == pytest.approx(5 / 19)
    assert s["ratios"]["prose/clean"]["met"] is False  # > 0.25
    assert s["ratios"]["noop/clean"]["met"] is False  # 3/19 > 0.05
    assert s["ratios"]["noop/clean"]["target"] == 0.05
    assert s["targets_met"] is False
    assert s["phases_median"]["clean"] == pytest.approx(
        {"data": 1.0, "notebooks": 3.0, "render": 3.0}
    )
    assert s["notebooks_median"]["clean"]["a"]["kernel_start"] == pytest.approx(1.5)
    assert "naive" not in s["notebooks_median"]
    assert set(s["notebooks_median"]["prose"]) == {"b"}
    assert s["executed_median"] == {"naive": 2, "clean": 2, "prose": 1, "noop": 0}
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
        for s, v in {"naive": 10.0, "clean": 4.0, "prose": 0.5, "noop": 0.1}.items()
    }
    s = bench.summarize(raw)
    assert s["targets_met"] is True
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

    monkeypatch.setattr(bench, "naive_build", fake_naive)
    monkeypatch.setattr(bench, "build_report", fake_build)
    monkeypatch.setattr(bench, "copy_repo", lambda target, source=None, agency=None: _tiny(target))
    summary = bench.run_bench(2017, repeat=1, jobs=2)
    assert calls[0] == ("naive", 2017)
    assert [c[0] for c in calls] == ["naive", "build", "build", "build"]
    assert all(c[2] == ("jobs", "progress") for c in calls[1:])
    assert summary["executed_median"]["naive"] == 2
    assert (repo_copy / "outputs" / "bench.json").exists()
    assert "clean/naive" in capsys.readouterr().out


def _tiny(target):
    """Just enough of a repository for the bench's prose edit."""
    prose = target / "params" / "prose" / "2017"
    prose.mkdir(parents=True)
    (prose / bench.PROSE_CHAPTER).write_text("Penutup.\n", encoding="utf-8")
    return target
