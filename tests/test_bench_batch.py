"""The batch benchmark's figures (lkjip_helpers/build/bench_batch.py), without building."""

from __future__ import annotations

import json

from lkjip_helpers.build import bench_batch


def test_efficiency_is_rate_per_worker_against_one_worker(monkeypatch, tmp_path):
    rates = {1: 2.0, 2: 3.4}

    def fake(agencies, workers, seed, folder, jobs_per_agency=1):
        return {
            "workers": workers,
            "agencies_per_minute": rates[workers],
            "peak_build_tree_mb_per_worker": {},
            "load_average_before": [0, 0, 0],
            "load_average_after": [0, 0, 0],
        }

    monkeypatch.setattr(bench_batch, "ukur", fake)
    report = bench_batch.run_bench_batch(8, [1, 2], seed=1, out=tmp_path / "b.json")
    saved = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert saved == report
    assert [r["scaling_efficiency"] for r in saved["runs"]] == [1.0, 0.85]
    assert saved["agencies"] == 8
