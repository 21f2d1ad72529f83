"""``make bench``: how much the cached, warm, parallel build saves, and how far from the limit.

In one process, in a temporary copy of the repository, each round measures

a. ``naive``: sequential plain papermill per notebook, no cache, same render
   (:func:`naive_build`; the production build has no such mode);
b. ``limit``: one process that imports once, runs the data step, then executes
   every notebook's cells in turn in-process (no kernel, no cache; the context
   computed once) and renders (:func:`limit_build`, run as a child process so
   its imports are counted): what the report's own work costs;
c. ``clean``: cache and processed data emptied (as a fresh clone) and no kernels'
   parent kept warm from before: the build starts its own, warm kernels,
   parallel notebooks;
d. ``prose``: rebuild after editing the prose of one chapter (``penutup.md``),
   with the kernels' parent the clean build left warm (``LKJIP_KEEP_WARM``, as
   after any build);
e. ``noop``: rebuild with nothing changed;
f. ``preview``: ``make preview`` of Bab III after one edit of its prose
   (``akuntabilitas.md``), with the cache the builds before it left: the
   analyst's loop (issue #17: under 5 s).

The scenarios are interleaved per round so they share the machine's noise.
Medians, ratios against the targets, the preview against its seconds, per-phase
and per-notebook times, the peak memory of each process (the build, its
kernels, the renderers) and the load average go to ``outputs/bench.json`` of
the real project (never of the copy).

The measuring loop (:func:`measure`) and the summary (:func:`summarize`) take the
build as a callable, so they are tested with fake timings.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, is_dataclass
from functools import partial
from pathlib import Path

from lkjip_helpers.build import typst_worker
from lkjip_helpers.build.data_step import build_data
from lkjip_helpers.build.execute import KERNEL_NAME, kernel_env, stop_warm_parent
from lkjip_helpers.build.pipeline import (
    BuildStats,
    build_report,
    plan_build,
    staging_folder,
    stitch_and_render,
    write_capaian,
)
from lkjip_helpers.build.preview import preview
from lkjip_helpers.build.workspace import copy_repo
from lkjip_helpers.core import config
from lkjip_helpers.core.exceptions import BuildError
from lkjip_helpers.laporan import context as laporan
from lkjip_helpers.laporan.context import render_meta

SCENARIOS = ["naive", "limit", "clean", "prose", "noop", "preview"]
# ratio name -> (numerator, denominator, target: ratio must be <= target) (issue #15)
TARGETS = {
    "clean/naive": ("clean", "naive", 0.25),
    "clean/limit": ("clean", "limit", 2.0),
    "prose/clean": ("prose", "clean", 0.15),
    "noop/clean": ("noop", "clean", 0.03),
}
# scenario -> its median must be <= these seconds (issue #17: a preview in seconds)
SECONDS_TARGETS = {"preview": 5.0}
TIMING_FIELDS = ["kernel_start", "warm_up", "execute", "save"]
PROSE_CHAPTER = "penutup.md"
PROSE_EDITS = [
    "\n\nKalimat uji tolok ukur (varian A).\n",
    "\n\nKalimat uji tolok ukur (varian B).\n",
]
#: The chapter the preview scenario shows, and the prose file edited before it.
PREVIEW_CHAPTER = "bab3"
PREVIEW_PROSE = "akuntabilitas.md"


def _record(seconds: float, stats, memory: dict | None = None) -> dict:
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
        "renderer": getattr(stats, "renderer", None),
        "timings": timings,
        "memory": memory or {},
    }


# --------------------------------------------------------------------------- memory


def _proc_status(pid: int) -> dict[str, str]:
    out = {}
    with open(f"/proc/{pid}/status", encoding="utf-8") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            out[key] = value.strip()
    return out


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _children(cpu: dict[int, int] | None = None) -> dict[int, list[int]]:
    """Process id -> its children; fills ``cpu`` with each process's CPU ticks so far."""
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="utf-8") as fh:
                stat = fh.read()
        except OSError:
            continue
        # the command name (2nd field) may hold spaces: fields after its ')'
        fields = stat.rsplit(")", 1)[1].split()
        kids.setdefault(int(fields[1]), []).append(int(entry.name))
        if cpu is not None:
            cpu[int(entry.name)] = int(fields[11]) + int(fields[12])  # utime + stime
    return kids


def _kind(pid: int, ppid: int, kinds: dict[int, str]) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            cmd = fh.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return "?"
    if kinds.get(ppid) == "forkserver" or "ipykernel" in cmd:
        return "kernel"
    if "lkjip_helpers.build.forkserver" in cmd:
        return "forkserver"
    if "lkjip_helpers.build.typst_worker" in cmd:
        return "typst"
    if "lkjip_helpers.build.bench clean" in cmd:
        return "build"  # a clean build in a process of its own (build_alone)
    if "lkjip_helpers.build.bench" in cmd:
        return "limit"
    return Path(cmd.split(" ", 1)[0]).name or "?"


def _release_memory() -> None:
    """Give what earlier rounds left in this process back to the system before a round.

    Without it the bench process's resident size only grows (freed heap stays
    mapped), and a build would be charged with the rounds before it.
    """
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class PeakMemory:
    """Peak resident memory and CPU time of this process and of every process it starts.

    The kernel records each process's own peak (``VmHWM``); a thread samples the
    process tree every ``interval`` seconds so short-lived kernels are seen. The
    peak of this process is reset on entry (``/proc/self/clear_refs``), so each
    measured build reports its own. CPU-seconds (user + system, each process's
    counted from entry; a process's last ``interval`` may be missed) tell what a
    build costs when the machine is shared and wall times mostly measure the
    load. Linux only; elsewhere the result is empty.
    """

    def __init__(self, interval: float = 0.2, me: str = "build"):
        self.interval = interval
        self.peaks: dict[int, tuple[str, int]] = {}  # pid -> (kind, kB)
        self.cpu: dict[int, int] = {}  # pid -> CPU ticks seen
        self._cpu_at_entry: dict[int, int] = {}
        # pid -> kind, decided when first seen alive (an exiting process shows no command)
        self.kinds: dict[int, str] = {os.getpid(): me}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.available = Path("/proc/self/status").exists()

    def _sample(self) -> None:
        me = os.getpid()
        kinds = self.kinds
        todo = [(me, 0)]
        ticks: dict[int, int] = {}
        tree = _children(ticks)
        while todo:
            pid, ppid = todo.pop()
            try:
                kb = int(_proc_status(pid).get("VmHWM", "0 kB").split()[0])
            except (OSError, ValueError):
                continue
            kind = kinds.get(pid) or _kind(pid, ppid, kinds)
            if kind != "?":
                kinds[pid] = kind
            old = self.peaks.get(pid, (kind, 0))[1]
            self.peaks[pid] = (kind, max(old, kb))
            self.cpu[pid] = max(self.cpu.get(pid, 0), ticks.get(pid, 0))
            todo.extend((child, pid) for child in tree.get(pid, ()))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            with contextlib.suppress(OSError, ValueError):
                self._sample()

    def __enter__(self) -> PeakMemory:
        if self.available:
            _release_memory()
            with contextlib.suppress(OSError):
                Path("/proc/self/clear_refs").write_text("5")  # reset this process's peak
            ticks: dict[int, int] = {}
            with contextlib.suppress(OSError, ValueError):
                _children(ticks)
            # every process alive now (this one, a warm parent kept from an earlier
            # round) is charged only what it spends from here on
            self._cpu_at_entry = ticks
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            with contextlib.suppress(OSError, ValueError):
                self._sample()

    def summary(self) -> dict:
        """Per kind of process: the largest peak (MB) and how many processes there were."""
        out: dict[str, dict] = {}
        for pid, (kind, kb) in self.peaks.items():
            if not kb:
                continue  # seen only while exiting: nothing measured
            entry = out.setdefault(kind, {"peak_mb": 0.0, "processes": 0, "cpu_s": 0.0})
            entry["peak_mb"] = max(entry["peak_mb"], round(kb / 1024, 1))
            entry["processes"] += 1
            ticks = self.cpu.get(pid, 0) - self._cpu_at_entry.get(pid, 0)
            entry["cpu_s"] = round(entry["cpu_s"] + max(ticks, 0) / _TICKS, 2)
        return out


@contextlib.contextmanager
def no_memory() -> Iterator[None]:
    yield None


def measure(
    build: Callable[[str], object],
    prepare: Callable[[str, int], None],
    repeat: int,
    *,
    clock: Callable[[], float] = time.perf_counter,
    log: Callable[[str], None] = lambda text: None,
    memory: Callable[[], object] | None = None,
    scenarios: list[str] | None = None,
) -> dict[str, list[dict]]:
    """Run ``repeat`` rounds of the scenarios; ``prepare(scenario, round)`` is not timed.

    ``build(scenario)`` runs one build and returns its :class:`BuildStats` (or
    anything with the same attributes). ``memory``: a factory of a context
    manager like :class:`PeakMemory` wrapped around each build.
    """
    scenarios = scenarios or SCENARIOS
    raw: dict[str, list[dict]] = {s: [] for s in scenarios}
    for r in range(repeat):
        for scenario in scenarios:
            prepare(scenario, r)
            sampler = memory() if memory is not None else None
            with sampler if sampler is not None else no_memory():
                t0 = clock()
                stats = build(scenario)
                seconds = clock() - t0
            used = sampler.summary() if hasattr(sampler, "summary") else None
            raw[scenario].append(_record(seconds, stats, used))
            log(f"round {r + 1}/{repeat} {scenario:<7} {seconds:6.2f} s")
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
    # which renderer the builds used (Quarto and the built-in one differ by seconds)
    renderers = {s: sorted({str(r.get("renderer")) for r in runs}) for s, runs in raw.items()}
    seconds = {}
    for s, target in SECONDS_TARGETS.items():
        if s in raw:
            value = medians.get(s)
            seconds[s] = {
                "value": value,
                "target": target,
                "met": value is not None and value <= target,
            }
    cpu = {}
    for s, runs in raw.items():
        totals = [
            sum(k.get("cpu_s", 0.0) for k in r["memory"].values()) for r in runs if r.get("memory")
        ]
        if totals:
            cpu[s] = _median(totals)
    cpu_ratios = {
        name: cpu[num] / cpu[den]
        for name, (num, den, _) in TARGETS.items()
        if cpu.get(num) is not None and cpu.get(den)
    }
    memory = {}
    for s, runs in raw.items():
        kinds = sorted({k for r in runs for k in (r.get("memory") or {})})
        if kinds:
            memory[s] = {
                k: max(r["memory"][k]["peak_mb"] for r in runs if k in (r.get("memory") or {}))
                for k in kinds
            }
    return {
        "machine": machine or {},
        "repeat": max((len(runs) for runs in raw.values()), default=0),
        "medians": medians,
        "executed_median": executed,
        "renderers": renderers,
        "ratios": ratios,
        "seconds": seconds,
        "targets_met": all(r["met"] for r in [*ratios.values(), *seconds.values()]),
        "phases_median": phases,
        "notebooks_median": notebooks,
        "peak_memory_mb": memory,
        # CPU-seconds of every process of a build (informative: the targets are on wall time)
        "cpu_seconds_median": cpu,
        "cpu_ratios": cpu_ratios,
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
    for name, r in summary.get("seconds", {}).items():
        v = f"{r['value']:.2f}" if r["value"] is not None else "-"
        lines.append(
            f"{name:<12} {v:>7}  target <= {r['target']:.1f} s {'met' if r['met'] else 'NOT met'}"
        )
    cpu = summary.get("cpu_seconds_median") or {}
    if cpu:
        lines.append("")
        lines.append(
            "CPU-seconds, all processes: "
            + ", ".join(f"{s} {v:.1f}" for s, v in cpu.items() if v is not None)
        )
        ratios = summary.get("cpu_ratios") or {}
        if ratios:
            lines.append("CPU ratios: " + ", ".join(f"{n} {v:.3f}" for n, v in ratios.items()))
    memory = summary.get("peak_memory_mb") or {}
    if memory:
        lines.append("")
        lines.append("peak memory per process (MB)")
        for s, kinds in memory.items():
            parts = ", ".join(f"{k} {v:.0f}" for k, v in sorted(kinds.items()))
            lines.append(f"{s:<8} {parts}")
        lines.append("(build: the bench's own process, which runs every round in turn)")
    alone = summary.get("build_alone")
    if alone:
        parts = ", ".join(
            f"{k} {v['peak_mb']:.0f} MB x{v['processes']}"
            for k, v in sorted(alone["memory"].items())
        )
        lines.append(f"a clean build in its own process: {alone['seconds']:.2f} s; {parts}")
    load = (summary.get("machine") or {}).get("load_average")
    if load:
        lines.append("")
        lines.append(
            "load average before / after: "
            + " / ".join(", ".join(f"{x:.2f}" for x in v) for v in load if v)
        )
    return "\n".join(lines)


def load_average() -> list[float] | None:
    """The 1, 5 and 15 minute load averages (the machine is shared: numbers need them)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def machine_info(jobs: int | None, load: list | None = None) -> dict:
    return {
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "jobs": jobs,
        "load_average": load or [load_average()],
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


def sequential_build(year: int, execute) -> BuildStats:
    """A whole build with every notebook run in turn by ``execute(source, output, parameters)``.

    Same steps and output as :func:`~lkjip_helpers.build.pipeline.build_report`
    (data step, every notebook, stitch, render, atomic swap); the scenarios differ
    only in how a notebook is executed.
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
            execute(job.source, nb_dir / f"{job.name}.ipynb", job.parameters)
            stats.executed.append(job.name)
        stats.phases["notebooks"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        stats.renderer = stitch_and_render(year, chapters, nb_dir, staging, render_meta(year))
        stats.phases["render"] = time.perf_counter() - t0
    stats.phases["total"] = time.perf_counter() - t_start
    return stats


def naive_build(year: int):
    """Scenario ``naive``: what a build without cache, warm kernels or parallelism costs.

    Same steps and output as :func:`~lkjip_helpers.build.pipeline.build_report`
    (data step, every notebook, stitch, render, atomic swap), each notebook run
    in turn by plain papermill. Returns the same kind of statistics.
    """
    return sequential_build(year, execute_naive)


def execute_in_process(shell, source: Path, output: Path, parameters: dict) -> None:
    """Run a notebook's code cells in ``shell`` (an IPython shell of this process).

    The namespace is emptied first and the parameters are set after the cell
    tagged ``parameters``, as papermill would; the display outputs of each cell
    are kept so the book can be stitched. No kernel, no cache, no recording.
    """
    # lazy: only the limit scenario executes notebooks in process
    import nbformat
    from IPython.utils.capture import capture_output

    nb = nbformat.read(str(source), as_version=4)
    shell.reset(new_session=False)
    injected = "\n".join(f"{k} = {v!r}" for k, v in parameters.items())
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        codes = [cell.source]
        if "parameters" in cell.metadata.get("tags", []):
            codes.append(injected)
        outputs = []
        for code in codes:
            with capture_output(stdout=True, stderr=True, display=True) as cap:
                result = shell.run_cell(code, store_history=False)
            if not result.success:
                err = result.error_in_exec or result.error_before_exec
                raise BuildError(f"{Path(source).name} failed in process: {err!r}")
            outputs += [
                nbformat.v4.new_output("display_data", data=o.data, metadata=o.metadata)
                for o in cap.outputs
            ]
        cell.outputs = outputs
    nbformat.write(nb, str(output))


def limit_build(year: int) -> BuildStats:
    """Scenario ``limit``: the report's own work in this one process, nothing else.

    Data step, the context once (it is cached in the process), every notebook's
    cells in turn in an in-process IPython shell (no kernel, no cache), stitch,
    render: what no build of notebooks can beat by much.
    """
    # lazy: only the limit scenario needs an in-process shell
    from IPython.core.interactiveshell import InteractiveShell

    os.environ.pop(laporan.SNAPSHOT_ENV, None)
    os.environ.update({"LKJIP_BUILD": "1", "MPLBACKEND": "Agg"})
    shell = InteractiveShell.instance()
    return sequential_build(year, partial(execute_in_process, shell))


def run_limit(year: int) -> BuildStats:
    """:func:`limit_build` in a fresh child process (its start-up and imports counted)."""
    env = kernel_env()
    proc = subprocess.run(
        [sys.executable, "-m", "lkjip_helpers.build.bench", "limit", str(year)],
        env=env,
        cwd=str(config.project_root()),
        capture_output=True,
        text=True,
        check=False,
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise BuildError(f"limit build failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    data = json.loads(lines[-1])
    return BuildStats(executed=data["executed"], phases=data["phases"], renderer=data["renderer"])


def _limit_main(year: int) -> None:
    stats = limit_build(year)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    payload = {
        "executed": stats.executed,
        "phases": stats.phases,
        "renderer": stats.renderer,
        "peak_mb": round(peak_kb / 1024, 1),
    }
    print(json.dumps(payload))


def _clean_main(year: int) -> None:
    """A clean build in this fresh process, as ``make report`` runs it (build_alone)."""
    build_report(year, progress=False)


def build_alone(year: int) -> dict:
    """One clean build in a process of its own, what ``make report`` costs: its wall
    time, and peak memory and CPU per kind of process (the bench's own process, which
    runs every round, holds more than any one build needs)."""
    typst_worker.stop()  # the bench's own worker, grown over the rounds, is not the build's
    with PeakMemory(me="bench") as sampler:
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "lkjip_helpers.build.bench", "clean", str(year)],
            env=kernel_env(),
            cwd=str(config.project_root()),
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise BuildError(f"clean build failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    memory = sampler.summary()
    memory.pop("bench", None)  # the waiting bench process itself
    return {"seconds": seconds, "memory": memory}


def run_bench(year: int, repeat: int = 5, jobs: int | None = None) -> dict:
    """Measure the scenarios in a temporary copy; write ``outputs/bench.json``."""

    real_root = config.project_root()
    out_file = config.outputs_dir() / "bench.json"
    saved = {k: os.environ.get(k) for k in ("LKJIP_ROOT", config.AGENCY_ENV)}
    with tempfile.TemporaryDirectory(prefix="lkjip-bench-") as tmp:
        root = copy_repo(Path(tmp) / "repo", source=real_root, agency=config.agency_root())
        prose_dir = root / "params" / "prose" / str(year)
        originals = {
            name: (prose_dir / name).read_text(encoding="utf-8")
            for name in (PROSE_CHAPTER, PREVIEW_PROSE)
            if (prose_dir / name).exists()
        }
        # the copy is repository and agency in one folder
        os.environ["LKJIP_ROOT"] = str(root)
        os.environ.pop(config.AGENCY_ENV, None)
        load_before = load_average()
        try:

            def prepare(scenario: str, r: int) -> None:
                if scenario in ("clean", "limit", "naive"):
                    # as after a fresh clone: no build cache, no processed data, nothing warm
                    stop_warm_parent()
                    shutil.rmtree(root / ".cache", ignore_errors=True)
                    shutil.rmtree(root / "data" / "processed" / str(year), ignore_errors=True)
                elif scenario in ("prose", "preview"):
                    name = PROSE_CHAPTER if scenario == "prose" else PREVIEW_PROSE
                    edit = PROSE_EDITS[r % len(PROSE_EDITS)]
                    (prose_dir / name).write_text(originals[name] + edit, encoding="utf-8")
                laporan.konteks.cache_clear()

            def build(scenario: str):
                if scenario == "naive":
                    return naive_build(year)
                if scenario == "limit":
                    return run_limit(year)
                if scenario == "preview":
                    return preview(PREVIEW_CHAPTER, year, jobs=jobs, quiet=True).stats
                return build_report(year, jobs=jobs, progress=False)

            raw = measure(
                build, prepare, repeat, log=lambda t: print(t, flush=True), memory=PeakMemory
            )
            prepare("clean", repeat)
            alone = build_alone(year)
            print(f"clean build in its own process: {alone['seconds']:.2f} s", flush=True)
        finally:
            stop_warm_parent()
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            laporan.konteks.cache_clear()
    summary = summarize(raw, machine_info(jobs, [load_before, load_average()]))
    summary["year"] = year
    # what `make report` costs on a clean checkout, in a process of its own (once)
    summary["build_alone"] = alone
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(format_table(summary))
    print(f"-> {out_file}")
    return summary


if __name__ == "__main__":
    # `python -m lkjip_helpers.build.bench limit YEAR`: the limit scenario's own process
    if len(sys.argv) == 3 and sys.argv[1] == "limit":
        _limit_main(int(sys.argv[2]))
    elif len(sys.argv) == 3 and sys.argv[1] == "clean":
        _clean_main(int(sys.argv[2]))
    else:
        sys.exit("usage: python -m lkjip_helpers.build.bench limit|clean YEAR (make bench runs it)")
