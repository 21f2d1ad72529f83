"""``make bench-batch``: a synthetic portfolio built on 1 and on 2 local Dask workers.

Each run builds a fresh copy of the same synthetic portfolio (same seed, empty
caches), so every run does the same clean work. Reported per worker count: wall
time, agencies per minute, scaling efficiency against one worker
(``rate_n / (n x rate_1)``), peak memory per worker (the largest process tree one
of its builds reached) and the CPU seconds of each build (the work, whatever the
machine's load). The machine's load average
before and after each run is recorded beside the figures: on a shared machine it
explains them.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from lkjip_helpers.build.batch import JOBS_PER_AGENCY, run_batch
from lkjip_helpers.core import config
from lkjip_helpers.data.io import write_file_atomically
from lkjip_helpers.sintetis.instansi import buat_portofolio


def ukur(
    agencies: int, workers: int, seed: int, folder: Path, jobs_per_agency: int = JOBS_PER_AGENCY
) -> dict:
    """Build a fresh synthetic portfolio on ``workers`` local workers; its figures."""
    buat_portofolio(folder, agencies, seed)
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    result = run_batch(
        folder / "portfolio.yaml",
        workers=workers,
        out_root=folder / "ringkasan",
        progress=True,
        jobs_per_agency=jobs_per_agency,
    )
    wall = time.perf_counter() - t0
    peaks: dict[str, int] = defaultdict(int)
    for h in result.hasil.values():
        peaks[h.worker] = max(peaks[h.worker], h.memori_puncak)
    built = len(result.tugas) - len(result.gagal)
    return {
        "workers": workers,
        "jobs_per_agency": jobs_per_agency,
        "agency_years": len(result.tugas),
        "built": built,
        "failed": len(result.gagal),
        "wall_s": round(wall, 2),
        "batch_s": round(result.detik, 2),
        "agencies_per_minute": round(built / (wall / 60), 3) if wall > 0 else None,
        "build_s_per_agency": sorted(round(h.detik, 1) for h in result.hasil.values()),
        # CPU seconds are the work itself: equal across worker counts when builds do
        # not compete for cores; their ratio to build_s says how many cores one uses.
        "build_cpu_s_per_agency": sorted(round(h.cpu_detik, 1) for h in result.hasil.values()),
        "peak_build_tree_mb_per_worker": {w: round(b / 2**20) for w, b in sorted(peaks.items())},
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }


def run_bench_batch(
    agencies: int = 8,
    workers: list[int] | None = None,
    seed: int = 1,
    out: Path | None = None,
    jobs_per_agency: int = JOBS_PER_AGENCY,
) -> dict:
    """Run the benchmark and write ``outputs/bench-batch.json``; return its content.

    Every run builds each agency with ``jobs_per_agency`` notebooks at once, as
    ``batch`` does, so a worker is one core's worth of work by default.
    """
    workers = workers or [1, 2]
    runs = []
    with tempfile.TemporaryDirectory(prefix="lkjip-bench-batch-") as tmp:
        for n in workers:
            print(f"bench-batch: {agencies} synthetic agencies on {n} worker(s)", flush=True)
            runs.append(
                ukur(agencies, n, seed, Path(tmp) / f"workers-{n}", jobs_per_agency=jobs_per_agency)
            )
    base = next((r for r in runs if r["workers"] == 1), None)
    for r in runs:
        if base and base["agencies_per_minute"] and r["agencies_per_minute"]:
            r["scaling_efficiency"] = round(
                r["agencies_per_minute"] / (r["workers"] * base["agencies_per_minute"]), 3
            )
    report = {
        "agencies": agencies,
        "seed": seed,
        "jobs_per_agency": jobs_per_agency,
        "renderer": os.environ.get("LKJIP_RENDERER", "auto"),
        "cpu_count": os.cpu_count(),
        "machine": platform.platform(),
        "runs": runs,
    }
    target = Path(out) if out is not None else config.outputs_dir() / "bench-batch.json"
    write_file_atomically(target, (json.dumps(report, indent=2) + "\n").encode("utf-8"))
    for r in runs:
        print(
            f"bench-batch: {r['workers']} worker(s): {r['agencies_per_minute']} agencies/min, "
            f"efficiency {r.get('scaling_efficiency', '-')}, "
            f"peak memory per worker (MB) {r['peak_build_tree_mb_per_worker']}, "
            f"load {r['load_average_before']} -> {r['load_average_after']}",
            flush=True,
        )
    print(f"bench-batch: wrote {target}")
    return report
