"""``make report``: data -> notebooks (papermill, cached, parallel) -> book -> HTML + PDF.

The whole year's output is assembled in a staging folder and swapped into
``outputs/<year>/`` only when everything succeeded, so a failed build leaves the
last good report exactly as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pandas as pd

from lkjip_helpers.build import cache
from lkjip_helpers.build.data_step import build_data, processed_is_current
from lkjip_helpers.build.execute import (
    EarlyKernel,
    ForkServer,
    KernelPool,
    Timing,
    execute_notebook,
    start_fork_server,
    warm_parent,
)
from lkjip_helpers.build.render import find_quarto, render, table_numbers
from lkjip_helpers.build.snapshot import context_snapshot
from lkjip_helpers.build.stitch import stitch
from lkjip_helpers.core import config
from lkjip_helpers.core.exceptions import BuildError, ParamsError
from lkjip_helpers.data.audit import tabel_laporan
from lkjip_helpers.data.io import display_path, frame_to_csv_bytes, make_temp_dir, swap_in
from lkjip_helpers.data.tables import AUDIT_TABLE
from lkjip_helpers.indikator.params import load_params
from lkjip_helpers.laporan.context import Konteks, capaian_iku_table, load_susunan, render_meta


@dataclass
class NotebookJob:
    """One notebook execution of the build."""

    chapter: str
    name: str  # output stem, unique in the build
    source: Path
    parameters: dict

    def code_key(self) -> str:
        """The first-level cache key (source, parameters, helper code); inputs are recorded."""
        return cache.code_key(self.source, self.parameters)


@dataclass
class Chapter:
    id: str
    title: str
    numbered: bool
    jobs: list[NotebookJob]


@dataclass
class BuildStats:
    executed: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    timings: dict[str, Timing] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)
    renderer: str = ""
    data_cached: bool = False
    keys: dict[str, str] = field(default_factory=dict)  # notebook name -> cache key
    # notebook name -> the project files it read (core.reads entries), run or cached
    reads: dict[str, list] = field(default_factory=dict)
    render_cached: bool = False  # book + HTML + PDF taken from the render cache
    context_cached: bool = False  # the report context's snapshot taken from .cache/context/


def plan_build(year: int) -> list[Chapter]:
    """Chapters and notebook jobs for ``year`` from ``params/report.yaml``.

    What a notebook reads is not planned: the build records it (core.reads).
    """
    susunan = load_susunan()
    params = load_params(year)
    chapters = []
    for ci, chapter in enumerate(susunan.chapters):
        where = f"{display_path(config.report_file())}: chapters[{ci}]"
        jobs = []
        for ni, entry in enumerate(chapter.notebooks):
            source = config.notebooks_dir() / entry.notebook
            if not source.exists():
                raise ParamsError(f"{where}.notebooks[{ni}]: {display_path(source)} not found")
            variants = (
                [{"kode_iku": iku.kode} for iku in params.agency.iku_aktif(year)]
                if entry.per_iku
                else [{}]
            )
            for extra in variants:
                stem = Path(entry.notebook).stem
                name = f"{stem}_{extra['kode_iku']}" if extra else stem
                jobs.append(
                    NotebookJob(
                        chapter=chapter.id,
                        name=name,
                        source=source,
                        parameters={"year": year, **extra},
                    )
                )
        chapters.append(
            Chapter(
                id=chapter.id,
                title=chapter.judul or chapter.id,
                numbered=chapter.bernomor,
                jobs=jobs,
            )
        )
    return chapters


class Progress:
    """Terminal progress: one line per notebook and a summary; silent when off."""

    def __init__(self, total: int, enabled: bool):
        self.total = total
        self.enabled = enabled
        self.done = 0
        self.start = time.perf_counter()

    def _print(self, text: str) -> None:
        if self.enabled:
            print(text, flush=True)

    def step(self, name: str, status: str, seconds: float | None = None) -> None:
        self.done += 1
        elapsed = time.perf_counter() - self.start
        took = f" {seconds:5.1f} s" if seconds is not None else ""
        self._print(
            f"[{self.done:>2}/{self.total}] {status:<8} {name}{took}  (elapsed {elapsed:.1f} s)"
        )

    def note(self, text: str) -> None:
        self._print(text)


def take_from_cache(
    jobs: list[NotebookJob],
    out_dir: Path,
    *,
    use_cache: bool = True,
    progress: Progress | None = None,
    stats: BuildStats | None = None,
    fingerprints: cache.Fingerprints | None = None,
) -> list[tuple[NotebookJob, str]]:
    """Copy cached notebooks into ``out_dir``; return the (job, code key) pairs left to run.

    A notebook is taken from the cache when a run with the same code key recorded
    reads whose files are all unchanged (:func:`cache.lookup`).
    """
    stats = stats if stats is not None else BuildStats()
    progress = progress or Progress(len(jobs), enabled=False)
    out_dir.mkdir(parents=True, exist_ok=True)
    fingerprints = fingerprints or cache.Fingerprints()
    todo = []
    for job in jobs:
        code = job.code_key()
        hit = cache.lookup(code, fingerprints) if use_cache else None
        if hit is not None:
            shutil.copyfile(hit.path, out_dir / f"{job.name}.ipynb")
            stats.keys[job.name] = hit.key
            stats.reads[job.name] = list(hit.reads)
            stats.cached.append(job.name)
            progress.step(job.name, "cached")
        else:
            todo.append((job, code))
    return todo


def _let_go(early: EarlyKernel | None, server: ForkServer | None) -> None:
    """No kernel needed (or the build failed): the early one ends, the parent is let be."""
    if early is not None:
        early.discard()
    if server is not None:
        server.close()


def start_pool(
    todo: list,
    jobs_count: int | None,
    context_file: Path | None = None,
    server: ForkServer | None = None,
    early: EarlyKernel | None = None,
) -> tuple[KernelPool | None, int]:
    """Start warming kernels for ``todo`` (None when there is nothing to run).

    ``context_file``: the build's snapshot of the report context, loaded by the
    notebooks instead of computing it (:mod:`lkjip_helpers.build.snapshot`).
    ``server``: the kernels' warm parent, if already started (the pool closes it);
    ``early``: a kernel already starting from it (the pool's first).
    """
    if not todo:
        _let_go(early, server)
        return None, 0
    workers = max(1, min(jobs_count or os.cpu_count() or 1, len(todo)))
    pool = KernelPool(
        size=workers, total=len(todo), context_file=context_file, server=server, early=early
    )
    return pool, workers


def _context_and_pool(
    year: int,
    todo: list,
    jobs_count: int | None,
    fingerprints: cache.Fingerprints,
    server: ForkServer | None = None,
    early: EarlyKernel | None = None,
):
    """The context snapshot and the kernel pool, the kernels' parent warming meanwhile.

    ``server``: the kernels' parent if the caller already started it, ``early`` a
    kernel already starting from it (both ended here when nothing is to be run).
    """
    if not todo:
        _let_go(early, server)
        early = server = None
    elif server is None:
        server = start_fork_server()
    try:
        snap = context_snapshot(year, fingerprints)
    except BaseException:
        _let_go(early, server)
        raise
    pool, workers = start_pool(todo, jobs_count, snap.path, server, early)
    return snap, pool, workers


def run_jobs(
    todo: list[tuple[NotebookJob, str]],
    out_dir: Path,
    pool: KernelPool,
    workers: int,
    *,
    progress: Progress,
    stats: BuildStats,
    close_pool: bool = True,
) -> BuildStats:
    """Execute the jobs in parallel with kernels from ``pool``; cache each success.

    Each success is stored under its code key with the reads its kernel recorded.
    ``close_pool=False``: the caller closes the pool later (its used kernels are
    shut down in the background meanwhile); on an error it is closed here.
    """
    errors = []
    try:
        with ThreadPoolExecutor(max_workers=workers) as executor:
            futures = {}
            for job, code in todo:
                target = out_dir / f"{job.name}.ipynb"
                future = executor.submit(execute_notebook, job.source, target, job.parameters, pool)
                futures[future] = (job, code, target)
            for future in as_completed(futures):
                job, code, target = futures[future]
                try:
                    timing = future.result()
                except BuildError as exc:
                    stats.failed.append(job.name)
                    errors.append(f"{job.name} {json.dumps(job.parameters)}: {exc}")
                    progress.step(job.name, "FAILED")
                    _keep_failed(target, job.name)
                    continue
                if timing.reads is None:
                    # Without its reads a result could be served stale later: never cache it.
                    stats.failed.append(job.name)
                    errors.append(f"{job.name}: its kernel recorded no reads (not cached)")
                    progress.step(job.name, "FAILED")
                    continue
                t0 = time.perf_counter()
                stats.keys[job.name] = cache.store(code, target, timing.reads)
                stats.reads[job.name] = list(timing.reads)
                timing.save = time.perf_counter() - t0
                stats.timings[job.name] = timing
                stats.executed.append(job.name)
                progress.step(
                    job.name, "ran", timing.kernel_start + timing.warm_up + timing.execute
                )
    except BaseException:
        pool.close()
        raise
    if close_pool or errors:
        pool.close()
    if errors:
        raise BuildError("\n".join(errors))
    return stats


def execute_jobs(
    jobs: list[NotebookJob],
    out_dir: Path,
    *,
    jobs_count: int | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
    stats: BuildStats | None = None,
) -> BuildStats:
    """Execute (or take from cache) every job into ``out_dir/<name>.ipynb``."""
    stats = stats if stats is not None else BuildStats()
    progress = progress or Progress(len(jobs), enabled=False)
    fingerprints = cache.Fingerprints()
    # as in build_report: a kernel from a warm parent starts while the cache is checked
    server = warm_parent()
    early = EarlyKernel(server) if server is not None else None
    try:
        todo = take_from_cache(
            jobs,
            out_dir,
            use_cache=use_cache,
            progress=progress,
            stats=stats,
            fingerprints=fingerprints,
        )
    except BaseException:
        _let_go(early, server)
        raise
    if todo and "year" in todo[0][0].parameters:
        _, pool, workers = _context_and_pool(
            todo[0][0].parameters["year"], todo, jobs_count, fingerprints, server, early
        )
    else:
        pool, workers = start_pool(todo, jobs_count, server=server, early=early)
    if pool is not None:
        run_jobs(todo, out_dir, pool, workers, progress=progress, stats=stats)
    return stats


def _keep_failed(target: Path, name: str) -> None:
    """Keep the executed copy of a failed notebook (with its traceback) for the analyst."""
    if target.exists():
        failed = config.cache_dir() / "failed"
        failed.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, failed / f"{name}.ipynb")


# Bump when stitching/rendering changes in a way the render key cannot see.
RENDER_FORMAT = 1


def _render_key(year: int, chapters: list[Chapter], keys: dict[str, str], meta: dict) -> str:
    """Key of the stitched book + HTML + PDF: what goes into stitch and render.

    The executed notebooks are identified by their own cache keys (in chapter
    order), plus the book template, the title-page metadata, the source of the
    stitch/render code and the renderer choice and versions (Quarto's from
    ``quarto --version``, not its path).
    """

    h = hashlib.sha256()
    h.update(f"render-format={RENDER_FORMAT};year={year}\n".encode())
    for ch in chapters:
        h.update(f"chapter={ch.id};{ch.title};{ch.numbered}\n".encode())
        for job in ch.jobs:
            h.update(f"{job.name}={keys[job.name]}\n".encode())
    h.update(json.dumps(meta, sort_keys=True, default=str).encode())
    versions = []
    for dist in ("pypandoc-binary", "pypandoc_binary", "typst"):
        try:
            versions.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            pass
    # The Quarto that would render, by version (``quarto --version``): upgrading
    # Quarto renders again; the same version elsewhere on PATH does not.
    choice = (os.environ.get("LKJIP_RENDERER") or "auto").strip().lower()
    quarto = "-"
    if choice in ("auto", "quarto"):
        found, _ = find_quarto()
        quarto = found[1] if found else "none"
    h.update(
        (
            f"renderer={os.environ.get('LKJIP_RENDERER', '')};quarto={quarto};"
            f"epoch={os.environ.get('SOURCE_DATE_EPOCH', '')};{';'.join(versions)}\n"
        ).encode()
    )
    template = config.book_template_dir()
    for path in sorted(
        p for p in template.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    ):
        cache._hash_file(h, path, str(path.relative_to(template)))
    for module in cache.module_closure("from lkjip_helpers.build import render, stitch"):
        cache._hash_file(h, cache._module_file(module), module)
    return h.hexdigest()


def _render_cache_dir(key: str) -> Path:
    return config.cache_dir() / "render" / key


def _render_from_cache(key: str, staging: Path, year: int) -> str | None:
    """Copy a cached book + HTML + PDF into ``staging``; the renderer name, or None."""
    folder = _render_cache_dir(key)
    done = folder / "renderer.txt"
    if not done.exists():
        return None
    shutil.copytree(folder / "book", staging / "book")
    for suffix in ("html", "pdf"):
        shutil.copyfile(folder / f"lkjip-{year}.{suffix}", staging / f"lkjip-{year}.{suffix}")
    return done.read_text(encoding="utf-8").strip()


def _render_store(key: str, staging: Path, year: int, renderer: str) -> None:
    folder = _render_cache_dir(key)
    if folder.exists():
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = make_temp_dir(folder.parent, prefix=f".{key[:12]}-")
    try:
        shutil.copytree(staging / "book", tmp / "book")
        for suffix in ("html", "pdf"):
            shutil.copyfile(staging / f"lkjip-{year}.{suffix}", tmp / f"lkjip-{year}.{suffix}")
        (tmp / "renderer.txt").write_text(renderer + "\n", encoding="utf-8")
        tmp.rename(folder)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def staging_folder(year: int) -> Iterator[Path]:
    """A staging folder for ``outputs/<year>/``, swapped in only if the block succeeds.

    Created like any folder (permissions from the umask, not a private temporary
    folder's 0700), so the swapped-in outputs are readable by a web server or a
    colleague as a normally written folder would be.
    """
    dest = config.outputs_dir(year)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = make_temp_dir(dest.parent, prefix=f".{year}.staging-")
    try:
        yield staging
        swap_in(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_capaian(year: int, staging: Path, ctx: Konteks | None = None) -> None:
    """``capaian_iku.csv``: the machine-readable heart of the report (from ``ctx`` if given)."""

    capaian = ctx.capaian if ctx is not None else capaian_iku_table(year)
    (staging / "capaian_iku.csv").write_bytes(
        capaian.to_csv(index=False, lineterminator="\n").encode("utf-8")
    )


def annotate_audit(year: int, staging: Path) -> None:
    """``audit.csv``: this report's table beside each published one (``tabel_laporan``).

    The published tables a place names are looked up in ``tabel_terbitan`` of the
    year's params and numbered as the rendered book numbers them
    (:func:`lkjip_helpers.build.render.table_numbers`), so the column agrees with
    the appendix, whose cross-references the renderer resolved.
    """
    path = staging / "audit.csv"
    if not path.exists() or not config.agency_file().exists():
        return
    audit = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "tabel" not in audit.columns or "tabel_laporan" in audit.columns:
        return
    peta = load_params(year).tahun.tabel_terbitan
    numbers = table_numbers(staging / "book")
    missing = sorted({x for v in peta.values() for x in v} - set(numbers))
    if missing:
        raise BuildError(
            f"{display_path(config.year_params_file(year))}: tabel_terbitan names "
            f"{', '.join(missing)}, which no table of the report has; known labels: "
            f"{', '.join(sorted(numbers))}"
        )
    column = ["; ".join(numbers[x] for x in tabel_laporan([t], peta)) for t in audit["tabel"]]
    audit.insert(audit.columns.get_loc("tabel") + 1, "tabel_laporan", column)
    path.write_bytes(frame_to_csv_bytes(audit))


def stitch_and_render(
    year: int, chapters: list[Chapter], nb_dir: Path, staging: Path, meta: dict
) -> str:
    """Stitch the executed notebooks into ``staging/book`` and render HTML and PDF."""

    book_dir = staging / "book"
    chapter_list = [[nb_dir / f"{j.name}.ipynb" for j in ch.jobs] for ch in chapters]
    stitch(chapter_list, book_dir)
    return render(
        book_dir,
        staging / f"lkjip-{year}.html",
        staging / f"lkjip-{year}.pdf",
        meta,
        cache=config.cache_dir() / "chapters",
    )


def build_report(
    year: int,
    *,
    jobs: int | None = None,
    use_cache: bool = True,
    progress: bool = True,
) -> BuildStats:
    """Build ``outputs/<year>/`` (HTML, PDF, executed notebooks, CSVs) atomically."""

    stats = BuildStats()
    t_start = time.perf_counter()
    t0 = time.perf_counter()
    dest = config.outputs_dir(year)
    with staging_folder(year) as staging:
        # With the kernels' parent warm from an earlier build, one kernel starts at once,
        # on the other core, while the build checks its caches (let go if none is needed).
        server = warm_parent()
        early = EarlyKernel(server) if server is not None else None
        data_current = use_cache and processed_is_current(year)
        # A data step to run means notebooks to run: their warm parent (if not already
        # warm from an earlier build) starts now and warms on the other core meanwhile.
        if server is None and not data_current:
            server = start_fork_server()
        try:
            if data_current:
                # Nothing the data step reads has changed: reuse its output and audit.
                shutil.copyfile(
                    config.processed_dir(year) / f"{AUDIT_TABLE}.csv", staging / "audit.csv"
                )
                stats.data_cached = True
            else:
                build_data(year, audit_dir=staging)
            stats.phases["data"] = time.perf_counter() - t0

            t0 = time.perf_counter()
            chapters = plan_build(year)
            all_jobs = [job for ch in chapters for job in ch.jobs]
            bar = Progress(len(all_jobs), enabled=progress)
            bar.note(f"report {year}: {len(all_jobs)} notebooks")
            nb_dir = staging / "notebooks"
            fingerprints = cache.Fingerprints()
            todo = take_from_cache(
                all_jobs, nb_dir, use_cache=use_cache, progress=bar, stats=stats,
                fingerprints=fingerprints,
            )  # fmt: skip
            # The report context, once for the whole build: capaian_iku.csv and every notebook.
            t1 = time.perf_counter()
            snap, pool, workers = _context_and_pool(year, todo, jobs, fingerprints, server, early)
        except BaseException:
            _let_go(early, server)
            raise
        stats.phases["context"] = time.perf_counter() - t1
        stats.context_cached = snap.cached
        try:
            write_capaian(year, staging, snap.konteks)
        except BaseException:
            if pool is not None:
                pool.close()
            raise
        if pool is not None:
            # the used kernels end in the background while the book renders
            run_jobs(todo, nb_dir, pool, workers, progress=bar, stats=stats, close_pool=False)
        stats.phases["notebooks"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        try:
            meta = render_meta(year)
            render_key = None
            if use_cache:
                render_key = _render_key(year, chapters, stats.keys, meta)
                cached_renderer = _render_from_cache(render_key, staging, year)
                if cached_renderer is not None:
                    stats.renderer = cached_renderer
                    stats.render_cached = True
            if not stats.render_cached:
                stats.renderer = stitch_and_render(year, chapters, nb_dir, staging, meta)
                if render_key is not None:
                    _render_store(render_key, staging, year, stats.renderer)
            annotate_audit(year, staging)
        finally:
            if pool is not None:
                pool.close()
        stats.phases["render"] = time.perf_counter() - t0
    total = time.perf_counter() - t_start
    stats.phases["total"] = total
    cached_note = ", render cached" if stats.render_cached else ""
    summary = (
        f"report {year}: {len(stats.executed)} executed, {len(stats.cached)} cached, "
        f"{len(stats.failed)} failed in {total:.1f} s (renderer: {stats.renderer}{cached_note}) -> "
        f"{display_path(dest)}/lkjip-{year}.html, .pdf"
    )
    print(summary, flush=True)
    return stats
