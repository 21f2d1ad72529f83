"""``make bench``: how much the cached, warm, parallel build saves over a naive one.

In one process, in a temporary copy of the repository, each round measures

a. ``naive``: sequential plain papermill per notebook, no cache, same render
   (:func:`naive_build`; the production build has no such mode);
b. ``clean``: cache and processed data emptied (as a fresh clone), warm kernels,
   parallel notebooks;
c. ``prose``: rebuild after editing the prose of one chapter (``penutup.md``);
d. ``noop``: rebuild with nothing changed.

The four scenarios are interleaved per round so they share the machine's noise.
Medians, ratios against the targets, per-phase and per-notebook times go to
``outputs/bench.json`` of the real project (never of the copy).

The measuring loop (:func:`measure`) and the summary (:func:`summarize`) take the
build as a callable, so they are tested with fake timings.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from pathlib import Path

from lkjip_helpers.build.data_step import build_data
from lkjip_helpers.build.execute import KERNEL_NAME, kernel_env
from lkjip_helpers.build.pipeline import (
    BuildStats,
    build_report,
    plan_build,
    staging_folder,
    stitch_and_render,
    write_capaian,
)
from lkjip_helpers.build.workspace import copy_repo
from lkjip_helpers.core import config
from lkjip_helpers.laporan import context as laporan
from lkjip_helpers.laporan.context import render_meta

SCENARIOS = ["naive", "clean", "prose", "noop"]
# ratio name -> (numerator, denominator, target: ratio must be <= target)
TARGETS = {
    "clean/naive": ("clean", "naive", 0.5),
    "prose/clean": ("prose", "clean", 0.25),
    "noop/clean": ("noop", "clean", 0.05),
}
TIMING_FIELDS = ["kernel_start", "warm_up", "execute", "save"]
PROSE_CHAPTER = "penutup.md"
PROSE_EDITS = [
    "\n\nKalimat uji tolok ukur (varian A).\n",
    "\n\nKalimat uji tolok ukur (varian B).\n",
]


def _record(seconds: float, stats) -> dict:
    """One measured build: wall time plus what the build reported about itself."""
    timings = {}
    for name, t in (getattr(stats, "timings", None) or {}).items():
        d = asdict(t) if is_dataclass(t) else dict(t)
        timings[name] = {f: float(d.get(f, 0.0)) for f in TIMING_FIELDS}
    return {
        "seconds": float(seconds),
        "phases": {k: float(v) for k, v in (getattr(stats, "phases", None) or {}).items()},
        "executed": list(getattr(stats, "executed", []) or []),
        "cached": list(getattr(stats, "cached", []) or []),
        "timings": timings,
    }


def measure(
    build: Callable[[str], object],
    prepare: Callable[[str, int], None],
    repeat: int,
    *,
    clock: Callable[[], float] = time.perf_counter,
    log: Callable[[str], None] = lambda text: None,
) -> dict[str, list[dict]]:
    """Run ``repeat`` rounds of the scenarios; ``prepare(scenario, round)`` is not timed.

    ``build(scenario)`` runs one build and returns its :class:`BuildStats` (or
    anything with the same attributes).
    """
    raw: dict[str, list[dict]] = {s: [] for s in SCENARIOS}
    for r in range(repeat):
        for scenario in SCENARIOS:
            prepare(scenario, r)
            t0 = clock()
            stats = build(scenario)
            seconds = clock() - t0
            raw[scenario].append(_record(seconds, stats))
            log(f"round {r + 1}/{repeat} {scenario:<6} {seconds:6.2f} s")
    return raw


def _median(values) -> float | None:
    values = list(values)
    return float(statistics.median(values)) if values else None


def summarize(raw: dict[str, list[dict]], machine: dict | None = None) -> dict:
    """Medians, ratios against the targets and where the time goes (pure)."""
    medians = {s: _median(r["seconds"] for r in runs) for s, runs in raw.items()}
    ratios = {}
    for name, (num, den, target) in TARGETS.items():
        a, b = medians.get(num), medians.get(den)
        value = a / b if a is not None and b else None
        ratios[name] = {
            "value": value,
            "target": target,
            "met": value is not None and value <= target,
        }
    phases = {}
    for s, runs in raw.items():
        names = sorted({p for r in runs for p in r["phases"]})
        phases[s] = {p: _median(r["phases"][p] for r in runs if p in r["phases"]) for p in names}
    notebooks = {}
    for s, runs in raw.items():
        per_nb = {}
        for nb in sorted({n for r in runs for n in r["timings"]}):
            per_nb[nb] = {
                f: _median(r["timings"][nb][f] for r in runs if nb in r["timings"])
                for f in TIMING_FIELDS
            }
        if per_nb:
            notebooks[s] = per_nb
    executed = {s: _median(len(r["executed"]) for r in runs) for s, runs in raw.items()}
    return {
        "machine": machine or {},
        "repeat": max((len(runs) for runs in raw.values()), default=0),
        "medians": medians,
        "executed_median": executed,
        "ratios": ratios,
        "targets_met": all(r["met"] for r in ratios.values()),
        "phases_median": phases,
        "notebooks_median": notebooks,
        "raw": raw,
    }


def format_table(summary: dict) -> str:
    """A short text table of the summary."""
    lines = [f"{'scenario':<8} {'median s':>9} {'executed':>9}  phases (data / notebooks / render)"]
    for s, m in summary["medians"].items():
        ph = summary["phases_median"].get(s, {})
        parts = " / ".join(
            f"{ph[p]:.2f}" if ph.get(p) is not None else "-"
            for p in ("data", "notebooks", "render")
        )
        m_txt = f"{m:9.2f}" if m is not None else f"{'-':>9}"
        ex = summary["executed_median"].get(s)
        ex_txt = f"{ex:9.0f}" if ex is not None else f"{'-':>9}"
        lines.append(f"{s:<8} {m_txt} {ex_txt}  {parts}")
    lines.append("")
    for name, r in summary["ratios"].items():
        v = f"{r['value']:.3f}" if r["value"] is not None else "-"
        lines.append(
            f"{name:<12} {v:>7}  target <= {r['target']:.2f}  {'met' if r['met'] else 'NOT met'}"
        )
    return "\n".join(lines)


def machine_info(jobs: int | None) -> dict:
    return {
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "jobs": jobs,
    }


def execute_naive(source: Path, output: Path, parameters: dict) -> None:
    """The baseline: plain papermill, a fresh kernel started by papermill itself."""
    # lazy: papermill is heavy and only the naive scenario runs it directly
    import papermill as pm

    env_backup = dict(os.environ)
    os.environ.update(kernel_env())
    try:
        pm.execute_notebook(
            str(source),
            str(output),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            cwd=str(config.project_root()),
            progress_bar=False,
        )
    finally:
        os.environ.clear()
        os.environ.update(env_backup)


def naive_build(year: int):
    """Scenario ``naive``: what a build without cache, warm kernels or parallelism costs.

    Same steps and output as :func:`~lkjip_helpers.build.pipeline.build_report`
    (data step, every notebook, stitch, render, atomic swap), each notebook run
    in turn by plain papermill. Returns the same kind of statistics.
    """
    stats = BuildStats()
    t_start = time.perf_counter()
    with staging_folder(year) as staging:
        t0 = time.perf_counter()
        build_data(year, audit_dir=staging)
        stats.phases["data"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        chapters = plan_build(year)
        write_capaian(year, staging)
        nb_dir = staging / "notebooks"
        nb_dir.mkdir(parents=True, exist_ok=True)
        for job in (job for ch in chapters for job in ch.jobs):
            execute_naive(job.source, nb_dir / f"{job.name}.ipynb", job.parameters)
            stats.executed.append(job.name)
        stats.phases["notebooks"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        stats.renderer = stitch_and_render(year, chapters, nb_dir, staging, render_meta(year))
        stats.phases["render"] = time.perf_counter() - t0
    stats.phases["total"] = time.perf_counter() - t_start
    return stats


def run_bench(year: int, repeat: int = 3, jobs: int | None = None) -> dict:
    """Measure the four scenarios in a temporary copy; write ``outputs/bench.json``."""

    real_root = config.project_root()
    out_file = config.outputs_dir() / "bench.json"
    saved = {k: os.environ.get(k) for k in ("LKJIP_ROOT", config.AGENCY_ENV)}
    with tempfile.TemporaryDirectory(prefix="lkjip-bench-") as tmp:
        root = copy_repo(Path(tmp) / "repo", source=real_root, agency=config.agency_root())
        prose_file = root / "params" / "prose" / str(year) / PROSE_CHAPTER
        original = prose_file.read_text(encoding="utf-8")
        # the copy is repository and agency in one folder
        os.environ["LKJIP_ROOT"] = str(root)
        os.environ.pop(config.AGENCY_ENV, None)
        try:

            def prepare(scenario: str, r: int) -> None:
                if scenario == "clean":
                    # as after a fresh clone: no build cache, no processed data
                    shutil.rmtree(root / ".cache", ignore_errors=True)
                    shutil.rmtree(root / "data" / "processed" / str(year), ignore_errors=True)
                elif scenario == "prose":
                    edit = PROSE_EDITS[r % len(PROSE_EDITS)]
                    prose_file.write_text(original + edit, encoding="utf-8")
                laporan.konteks.cache_clear()

            def build(scenario: str):
                if scenario == "naive":
                    return naive_build(year)
                return build_report(year, jobs=jobs, progress=False)

            raw = measure(build, prepare, repeat, log=lambda t: print(t, flush=True))
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            laporan.konteks.cache_clear()
    summary = summarize(raw, machine_info(jobs))
    summary["year"] = year
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(format_table(summary))
    print(f"-> {out_file}")
    return summary
