"""``make batch``: build many agencies' reports on Dask distributed, then the city's roll-up.

A portfolio file (YAML) lists agency folders, relative to the file, and the years to
build. Each agency-year is a small task graph on a Dask cluster::

    data(agency, year) --> report(agency, year)
    report(agency, year - 1) --> data(agency, year)      (same agency, earlier year first)

run on a ``LocalCluster`` of worker processes by default, or on an existing cluster
(``--scheduler tcp://host:8786`` or ``DASK_SCHEDULER_ADDRESS``). Dask does the
scheduling; this module only describes the graph and watches it.

One agency-year is built by the project's own command line in a subprocess
(:func:`agency_command` is the one place that knows how), so a crash, a hung kernel
or bad data stays inside that agency: its step returns a failed :class:`Langkah`
with the command's own error message, the other agencies go on, and its outputs
are those of its last good build (``report`` swaps a complete ``outputs/<year>/``
in only on success; the audit file the data step writes early is put back when
the report then fails). Only known transient kernel start-up errors are retried
(:func:`galat_sementara`).

Each agency keeps its processed data, outputs and content-keyed build cache
(``.cache/``) in its own folder, so any worker that sees the folder (one machine,
or shared storage) reuses what an earlier run built: an unchanged agency executes
no notebook.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from pydantic import Field

import lkjip_helpers
from lkjip_helpers.build.execute import KEEP_WARM_ENV
from lkjip_helpers.core import config
from lkjip_helpers.core.exceptions import ParamsError
from lkjip_helpers.core.schema import Skema, Tahun, Teks, TeksOpsional, load
from lkjip_helpers.data.io import write_file_atomically

#: Environment variable naming an existing Dask scheduler (as Dask itself reads it).
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
#: Attempts of one step when its failure is a transient kernel start-up error.
PERCOBAAN_MAKS = 3
#: Lines of a failed command's stderr kept as its message.
BARIS_PESAN = 12
#: Notebooks one agency build runs at once under the batch (its ``report --jobs``).
#: One: a single-threaded Dask worker is then one core's worth of work, and adding
#: workers (cores) scales; parallel notebooks inside a build would compete with the
#: other workers' builds for the same cores (docs/batch.md, "Cores").
JOBS_PER_AGENCY = 1
# KEEP_WARM_ENV: seconds the kernels' warm parent outlives a build. Under the batch, 0
# unless set: each build owns its kernels' parent, so the build's process tree is the
# whole build (its memory and CPU are measured, a crash stays in the agency) and
# nothing outlives the batch on a worker machine.
#: Thread pools of native libraries a build may start (BLAS, OpenMP, Rust's rayon
#: in the Typst renderer): sized to the build's notebook slots, unless set already.
THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS")


# ------------------------------------------------------------------ portfolio


class InstansiPortofolio(Skema):
    """One agency of a portfolio: its folder (relative to the portfolio file)."""

    folder: Teks
    #: Years to build for this agency; default: the portfolio's ``tahun``.
    tahun: tuple[Tahun, ...] = ()


class Portofolio(Skema):
    """Validated content of a portfolio file."""

    #: Title of the roll-up (e.g. "Pemerintah Kota Balikpapan").
    nama: TeksOpsional = ""
    #: Years built for every agency that does not list its own.
    tahun: tuple[Tahun, ...] = ()
    instansi: Annotated[tuple[InstansiPortofolio, ...], Field(min_length=1)]


@dataclass(frozen=True)
class Tugas:
    """One agency-year to build."""

    folder: Path  # absolute
    label: str  # the folder as written in the portfolio
    tahun: int


def load_portfolio(path: Path) -> tuple[Portofolio, list[Tugas]]:
    """Read and check a portfolio file; return it and its agency-years.

    Raises
    ------
    ParamsError
        One line per problem, naming the file and the key (``instansi[2].folder``):
        schema errors, a folder that does not exist or holds no agency, an agency
        listed twice, an agency without years.
    """
    path = Path(path)
    portofolio = load(Portofolio, path)
    base = path.resolve().parent
    problems: list[str] = []
    tugas: list[Tugas] = []
    seen: dict[Path, int] = {}
    for i, entry in enumerate(portofolio.instansi):
        where = f"{path}: instansi[{i}]"
        folder = (base / entry.folder).resolve()
        if folder in seen:
            problems.append(
                f"{where}.folder: {entry.folder!r} is listed twice (also instansi[{seen[folder]}])"
            )
            continue
        seen[folder] = i
        if not folder.is_dir():
            problems.append(f"{where}.folder: {entry.folder!r} not found (looked in {folder})")
            continue
        if not (folder / "params").is_dir() or not (folder / "data" / "raw").is_dir():
            problems.append(
                f"{where}.folder: {entry.folder!r} is not an agency folder "
                "(it needs params/ and data/raw/)"
            )
            continue
        years = entry.tahun or portofolio.tahun
        if not years:
            problems.append(
                f"{where}: no years to build; give `tahun` here or at the top of the file"
            )
            continue
        for year in sorted(set(years)):
            tugas.append(Tugas(folder=folder, label=entry.folder, tahun=year))
    if problems:
        raise ParamsError("\n".join(problems))
    return portofolio, tugas


# ------------------------------------------------------------------ one agency-year


def agency_command(agency_dir: Path, args: list[str]) -> tuple[list[str], dict[str, str], Path]:
    """The command line, environment and working folder that run ``lkjip <args>`` on an agency.

    The one place that knows how a single agency is built: the CLI's ``--agency``
    (params, data, outputs and cache in the agency folder; code, notebooks and book
    template from this repository, the package running this batch).
    """
    env = dict(os.environ)
    package_parent = str(Path(lkjip_helpers.__file__).resolve().parents[1])
    env["LKJIP_ROOT"] = str(config.project_root())
    env.pop(config.AGENCY_ENV, None)
    env["PYTHONPATH"] = package_parent + (
        os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""
    )
    env.setdefault("CI", "1")  # no interactive progress bars in a captured log
    env.setdefault(KEEP_WARM_ENV, "0")
    argv = [sys.executable, "-m", "lkjip_helpers", *args, "--agency", str(agency_dir)]
    return argv, env, Path(agency_dir)


#: Known transient failures of a kernel's start-up (jupyter_client, nbclient, zmq).
#: A failure while a notebook runs, bad data or a crash of the code is never here.
POLA_SEMENTARA = (
    re.compile(r"Kernel died before replying to kernel_info"),
    re.compile(r"Kernel didn't respond in \d+ seconds"),
    re.compile(r"Kernel didn't respond to heartbeats in \d+ seconds"),
    re.compile(r"ZMQError: Address already in use"),
)


def galat_sementara(stderr: str) -> bool:
    """True when a failed build's stderr shows a known transient kernel start-up error."""
    return any(p.search(stderr or "") for p in POLA_SEMENTARA)


def pesan_galat(stderr: str, returncode: int) -> str:
    """The clear message of a failed command: its ``error:`` lines (the CLI's own
    message), else the tail of its stderr (a traceback's last lines)."""
    lines = [ln.rstrip() for ln in (stderr or "").splitlines() if ln.strip()]
    for i, ln in enumerate(lines):
        if ln.startswith("error:"):
            return "\n".join(lines[i : i + BARIS_PESAN])
    if lines:
        return "\n".join(lines[-BARIS_PESAN:])
    return f"exited with status {returncode} and no message"


def _rss_tree(proc, cpu: dict | None = None) -> int:
    """Resident memory of a process and all its descendants (bytes).

    ``cpu``: updated with each process's CPU seconds so far (user + system), keyed
    by (pid, start time), so a reused pid is another process.
    """
    import psutil

    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
            if cpu is not None:
                times = p.cpu_times()
                cpu[(p.pid, p.create_time())] = times.user + times.system
    return total


def _run_sampled(argv: list[str], env: dict, cwd: Path) -> tuple[int, str, str, int, float]:
    """Run a command; return (status, stdout, stderr, peak RSS of its process tree,
    CPU seconds of its process tree).

    Both are sampled every 0.2 s: the CPU seconds miss each process's last moments
    and processes shorter than a sample, so they are a slight underestimate.
    """
    import psutil

    proc = subprocess.Popen(
        argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = [0]
    cpu: dict[tuple[int, float], float] = {}
    stop = threading.Event()

    def sample() -> None:
        try:
            ps = psutil.Process(proc.pid)
        except psutil.Error:
            return
        while not stop.is_set():
            peak[0] = max(peak[0], _rss_tree(ps, cpu))
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = proc.communicate()
    finally:
        stop.set()
        sampler.join()
    return proc.returncode, out, err, peak[0], sum(cpu.values())


@dataclass
class Langkah:
    """The result of one step (``data`` or ``report``) of one agency-year."""

    langkah: str
    folder: str
    tahun: int
    ok: bool
    pesan: str = ""  # the command's error message when it failed
    detik: float = 0.0
    percobaan: int = 0
    memori_puncak: int = 0  # bytes: the command's process tree at its peak
    cpu_detik: float = 0.0  # CPU seconds of the command's process tree (sampled)
    worker: str = ""
    dieksekusi: int | None = None  # notebooks executed (report step)
    dari_cache: int | None = None  # notebooks taken from the build cache
    audit_lama: bytes | None = None  # outputs/<year>/audit.csv before the data step
    audit_ada: bool = False


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return f"pid-{os.getpid()}"


def step_args(step: str, year: int, jobs: int | None = None) -> list[str]:
    """The CLI arguments of one step; ``report`` runs ``jobs`` notebooks at once."""
    args = [step, "--year", str(year)]
    if step == "report" and jobs:
        args += ["--jobs", str(jobs)]
    return args


def run_step(agency_dir: Path, year: int, step: str, jobs: int | None = None) -> Langkah:
    """Run one step of one agency-year in a subprocess; retry transient start-up errors.

    ``jobs``: the build's notebook slots (``report --jobs``); native thread pools of
    the step's processes are sized to it too (unless the environment sets them).
    """
    argv, env, cwd = agency_command(Path(agency_dir), step_args(step, year, jobs))
    if jobs:
        for name in THREAD_ENV:
            env.setdefault(name, str(jobs))
    hasil = Langkah(langkah=step, folder=str(agency_dir), tahun=year, ok=False)
    hasil.worker = _worker_name()
    start = time.perf_counter()
    for attempt in range(1, PERCOBAAN_MAKS + 1):
        hasil.percobaan = attempt
        code, out, err, peak, cpu = _run_sampled(argv, env, cwd)
        hasil.memori_puncak = max(hasil.memori_puncak, peak)
        hasil.cpu_detik += cpu
        if code == 0:
            hasil.ok = True
            found = re.search(r"(\d+) executed, (\d+) cached", out)
            if found:
                hasil.dieksekusi, hasil.dari_cache = int(found[1]), int(found[2])
            break
        hasil.pesan = pesan_galat(err, code)
        if not galat_sementara(err):
            break
    hasil.detik = time.perf_counter() - start
    return hasil


_ROOT_LOCK = threading.Lock()


def data_is_current(agency_dir: Path, year: int) -> bool:
    """True when the agency's processed data of ``year`` was built from its current inputs.

    The build's own content-keyed check (:func:`~lkjip_helpers.build.data_step.processed_is_current`),
    run in the worker with the agency folder as the project root for its duration
    (under a lock: the root is process-wide), so an unchanged agency starts no data step.
    """
    from lkjip_helpers.build.data_step import processed_is_current

    with _ROOT_LOCK:
        old = os.environ.get("LKJIP_ROOT")
        os.environ["LKJIP_ROOT"] = str(agency_dir)
        try:
            return processed_is_current(year)
        except Exception:  # unreadable inputs: let the data step say what is wrong
            return False
        finally:
            if old is None:
                os.environ.pop("LKJIP_ROOT", None)
            else:
                os.environ["LKJIP_ROOT"] = old


def audit_file(agency_dir: Path, year: int) -> Path:
    return Path(agency_dir) / "outputs" / str(year) / "audit.csv"


def report_file(agency_dir: Path, year: int) -> Path:
    return Path(agency_dir) / "outputs" / str(year) / f"lkjip-{year}.html"


def task_data(agency_dir: str, year: int, earlier: Langkah | None = None) -> Langkah:
    """Dask task: the data step (validation, processed data, audit) of one agency-year.

    ``earlier`` (the same agency's previous year, when built in the same batch) only
    orders the graph: a year compares with the processed data of the year before.
    """
    if data_is_current(Path(agency_dir), year):
        # Nothing the data step reads has changed: its output stands, as in `report`.
        return Langkah(
            langkah="data", folder=agency_dir, tahun=year, ok=True, worker=_worker_name()
        )
    before = audit_file(Path(agency_dir), year)
    old = before.read_bytes() if before.exists() else None
    hasil = run_step(Path(agency_dir), year, "data")
    hasil.audit_lama, hasil.audit_ada = old, old is not None
    return hasil


def task_report(agency_dir: str, year: int, data: Langkah, jobs: int = JOBS_PER_AGENCY) -> Langkah:
    """Dask task: notebooks, book and render of one agency-year (after its data step).

    ``jobs``: notebooks the build runs at once (:data:`JOBS_PER_AGENCY` by default).

    A failed data step is passed on as this agency-year's result, with its message.
    A failed report leaves ``outputs/<year>/`` as its last good build: the report is
    swapped in only on success, and the audit file the data step wrote is put back.
    """
    if not data.ok:
        data.audit_lama = None
        return data
    hasil = run_step(Path(agency_dir), year, "report", jobs)
    hasil.detik += data.detik
    hasil.memori_puncak = max(hasil.memori_puncak, data.memori_puncak)
    hasil.cpu_detik += data.cpu_detik
    if not hasil.ok:
        target = audit_file(Path(agency_dir), year)
        if data.audit_ada and data.audit_lama is not None:
            write_file_atomically(target, data.audit_lama)
        elif not report_file(Path(agency_dir), year).exists():
            target.unlink(missing_ok=True)
    return hasil


def build_agency_year(agency_dir: Path, year: int, jobs: int = JOBS_PER_AGENCY) -> Langkah:
    """Build one agency-year outside Dask (data step, then report): the same steps."""
    return task_report(str(agency_dir), year, task_data(str(agency_dir), year), jobs)


# ------------------------------------------------------------------ the batch


@dataclass
class HasilBatch:
    """Everything a batch run produced."""

    portofolio: Portofolio
    tugas: list[Tugas]
    hasil: dict[Tugas, Langkah] = field(default_factory=dict)
    detik: float = 0.0
    workers: int = 0
    jobs_per_agency: int = JOBS_PER_AGENCY
    dashboard: str = ""
    ringkasan: dict[int, dict[str, Path]] = field(default_factory=dict)

    @property
    def gagal(self) -> list[Tugas]:
        return [t for t in self.tugas if not self.hasil[t].ok]


@contextlib.contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator:
    """A Dask client: on ``scheduler`` (or ``DASK_SCHEDULER_ADDRESS``), else on a new
    ``LocalCluster`` of ``workers`` single-threaded worker processes (default: cores)."""
    import logging

    from distributed import Client, LocalCluster

    address = scheduler or os.environ.get(SCHEDULER_ENV) or None
    if address:
        with Client(address) as client:
            yield client
        return
    n = workers or os.cpu_count() or 1
    # One thread per worker: one agency build at a time, which runs one notebook at
    # a time by default (JOBS_PER_AGENCY), so a worker is one core's worth; a
    # random dashboard port, so two batches (or other Dask users) never collide.
    with (
        LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _key(step: str, t: Tugas, run: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", t.label).strip("-")[:40]
    h = hashlib.sha256(str(t.folder).encode()).hexdigest()[:8]
    return f"{step}-{slug}-{h}-{t.tahun}-{run}"


def submit_graph(client, tugas: list[Tugas], jobs_per_agency: int = JOBS_PER_AGENCY) -> dict:
    """Submit every agency-year's graph; return {final future: agency-year}.

    Each report step builds with ``jobs_per_agency`` notebooks at once.
    """
    run = uuid.uuid4().hex[:8]
    finals = {}
    previous: dict[Path, object] = {}
    for t in sorted(tugas, key=lambda t: (str(t.folder), t.tahun)):
        data = client.submit(
            task_data, str(t.folder), t.tahun, previous.get(t.folder), key=_key("data", t, run)
        )
        report = client.submit(
            task_report,
            str(t.folder),
            t.tahun,
            data,
            jobs_per_agency,
            key=_key("report", t, run),
        )
        previous[t.folder] = report
        finals[report] = t
    return finals


def run_batch(
    portfolio: Path,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    out_root: Path | None = None,
    progress: bool = True,
    jobs_per_agency: int = JOBS_PER_AGENCY,
) -> HasilBatch:
    """Build every agency-year of ``portfolio`` on Dask and write the roll-up per year.

    ``jobs_per_agency``: notebooks each agency build runs at once (default one, so
    a single-threaded worker is one core; docs/batch.md). Returns the results;
    failures are results, not exceptions.
    """
    if jobs_per_agency < 1:
        raise ParamsError(f"batch: --jobs-per-agency must be at least 1, got {jobs_per_agency}.")
    from distributed import as_completed

    from lkjip_helpers.build.batch_progress import Tampilan
    from lkjip_helpers.build.ringkasan import tulis_ringkasan

    portofolio, tugas = load_portfolio(Path(portfolio))
    result = HasilBatch(portofolio=portofolio, tugas=tugas, jobs_per_agency=jobs_per_agency)
    start = time.perf_counter()
    with dask_client(scheduler, workers) as client:
        result.workers = len(client.scheduler_info().get("workers", {}))
        result.dashboard = client.dashboard_link or ""
        print(
            f"batch: {len(tugas)} agency-years of {len({t.folder for t in tugas})} agencies "
            f"on {result.workers} Dask workers ({client.scheduler.address}), "
            f"{jobs_per_agency} notebook(s) at once per agency",
            flush=True,
        )
        if result.dashboard:
            print(f"batch: Dask dashboard at {result.dashboard}", flush=True)
        finals = submit_graph(client, tugas, jobs_per_agency)
        with Tampilan(client, tugas, enabled=progress) as tampilan:
            for future in as_completed(finals):
                t = finals[future]
                try:
                    hasil = future.result()
                except Exception as exc:  # a bug or a lost worker, not the agency's data
                    hasil = Langkah(
                        langkah="batch",
                        folder=str(t.folder),
                        tahun=t.tahun,
                        ok=False,
                        pesan=f"{type(exc).__name__}: {exc}",
                    )
                result.hasil[t] = hasil
                tampilan.selesai(t, hasil)
    result.detik = time.perf_counter() - start
    out_root = Path(out_root) if out_root is not None else config.outputs_dir() / "batch"
    for year in sorted({t.tahun for t in tugas}):
        of_year = [t for t in tugas if t.tahun == year]
        result.ringkasan[year] = tulis_ringkasan(
            year, [(t, result.hasil[t]) for t in of_year], out_root / str(year), portofolio.nama
        )
    return result
