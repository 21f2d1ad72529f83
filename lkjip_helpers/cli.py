"""Command line: ``data``, ``report``, ``preview``, ``new-year``, ``new-agency``, ``bench``,
``start-page``, ``batch``, ``synth``, ``bench-batch``.

User errors (:class:`~lkjip_helpers.core.exceptions.LkjipError`) are printed as one
clear message without a traceback and exit with status 2.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

from lkjip_helpers.core import config
from lkjip_helpers.core.config import DEFAULT_YEAR
from lkjip_helpers.core.exceptions import LkjipError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lkjip", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in [
        ("data", "validate raw data, write processed data and the audit"),
        ("report", "build the HTML and PDF report"),
        ("preview", "render one chapter to HTML in seconds (build cache)"),
        ("start-page", "write the analysts' start page MULAI_DI_SINI.md and the lab workspace"),
        ("new-year", "create params and Excel templates for a new year"),
        ("bench", "benchmark the naive and the cached/parallel build"),
    ]:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--year", type=int, default=DEFAULT_YEAR)
        p.add_argument(
            "--agency",
            default=None,
            metavar="PATH",
            help=f"agency folder (params/, data/raw/; outputs go there too); default: "
            f"${config.AGENCY_ENV} or the repository root (the shipped example)",
        )
        if name in ("report", "bench"):
            p.add_argument("--jobs", type=int, default=None, help="parallel notebooks")
        if name == "report":
            p.add_argument("--no-cache", action="store_true", help="re-execute every notebook")
            p.add_argument(
                "--progress",
                choices=["auto", "on", "off"],
                default="auto",
                help="progress display (auto: off in CI)",
            )
        if name == "bench":
            p.add_argument("--repeat", type=int, default=5)
        if name == "preview":
            p.add_argument(
                "--chapter", required=True, help="id (bab3), number (3, III), title or notebook"
            )
    p = sub.add_parser("new-agency", help="create a new agency folder (params, prose, templates)")
    p.add_argument(
        "--dir", required=True, help="the new agency folder (must not exist or be empty)"
    )
    p.add_argument(
        "--year",
        type=int,
        default=datetime.date.today().year - 1,
        help="first report year (default: last year)",
    )

    p = sub.add_parser(
        "warm",
        help="the notebooks' warm parent kept between builds: status, or --stop "
        "($LKJIP_KEEP_WARM seconds, 0: none)",
    )
    p.add_argument("--stop", action="store_true", help="end it now")

    _batch_parsers(sub)
    return parser


def _batch_parsers(sub) -> None:
    """``batch``, ``synth`` and ``bench-batch``: many agencies at once (build/batch.py)."""
    p = sub.add_parser("batch", help="build every agency-year of a portfolio on Dask")
    p.add_argument("--portfolio", required=True, type=Path, help="portfolio YAML file")
    p.add_argument(
        "--scheduler",
        default=None,
        help="address of a running Dask scheduler (default: $DASK_SCHEDULER_ADDRESS, "
        "else a local cluster)",
    )
    p.add_argument("--workers", type=int, default=None, help="local workers (default: cores)")
    _jobs_per_agency(p)
    p.add_argument("--out", type=Path, default=None, help="roll-up folder (default: outputs/batch)")
    p.add_argument("--progress", choices=["auto", "on", "off"], default="auto")
    p = sub.add_parser("synth", help="write synthetic agencies and their portfolio.yaml")
    p.add_argument("--agencies", type=int, required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--broken", type=int, default=0, help="number of agencies with a bad table")
    p.add_argument("--year", type=int, default=DEFAULT_YEAR, help="report year of the agencies")
    p = sub.add_parser("bench-batch", help="benchmark the batch on 1 and 2 local workers")
    p.add_argument("--agencies", type=int, default=8)
    p.add_argument("--workers", default="1,2", help="worker counts, comma separated")
    p.add_argument("--seed", type=int, default=1)
    _jobs_per_agency(p)


def _jobs_per_agency(p) -> None:
    p.add_argument(
        "--jobs-per-agency",
        type=int,
        default=1,
        metavar="N",
        help="notebooks each agency build runs at once (default 1: a single-threaded "
        "Dask worker is one core's work, so workers scale with cores)",
    )


def _print_audit_summary(audit, year: int) -> None:
    # lazy: a subcommand loads only its own machinery, so `--help` stays instant
    from lkjip_helpers.build.audit_summary import print_audit_summary

    print_audit_summary(audit, year)


def cmd_data(args) -> int:
    # lazy: a subcommand loads only its own machinery, so `--help` stays instant
    from lkjip_helpers.build.data_step import build_data

    start = time.perf_counter()
    result = build_data(args.year)
    print(
        f"data {args.year}: {len(result.processed)} tables validated and written to "
        f"{config.display_path(config.processed_dir(args.year))}/ in "
        f"{time.perf_counter() - start:.1f} s"
    )
    _print_audit_summary(result.audit, args.year)
    return 0


def cmd_report(args) -> int:
    # lazy: a subcommand loads only its own machinery, so `--help` stays instant
    from lkjip_helpers.build.pipeline import build_report

    progress = args.progress
    if progress == "auto":
        progress = "off" if os.environ.get("CI") else "on"
    build_report(args.year, jobs=args.jobs, use_cache=not args.no_cache, progress=progress == "on")
    return 0


def cmd_preview(args) -> int:
    # jsonschema (via nbformat) would import rfc3987_syntax, which builds a grammar
    # at import time: seconds of CPU for URI checks no notebook here needs.
    sys.modules.setdefault("rfc3987_syntax", None)
    # lazy: a subcommand loads only its own machinery, so `--help` stays instant
    from lkjip_helpers.build.preview import preview

    preview(args.chapter, args.year)
    return 0


def cmd_start_page(args) -> int:
    # lazy: a subcommand loads only its own machinery, so `--help` stays instant
    from lkjip_helpers.build.lab import write_start_page

    for path in write_start_page(args.year):
        print(f"wrote {path}")
    return 0


def cmd_new_year(args) -> int:
    # lazy: a subcommand loads only its own machinery, so `--help` stays instant
    from lkjip_helpers.tahun_baru.scaffold import create_new_year

    create_new_year(args.year)
    return 0


def cmd_new_agency(args) -> int:
    # lazy: a subcommand loads only its own machinery, so `--help` stays instant
    from lkjip_helpers.tahun_baru.agensi_baru import create_new_agency

    create_new_agency(args.dir, args.year)
    return 0


def cmd_bench(args) -> int:
    # lazy: a subcommand loads only its own machinery, so `--help` stays instant
    from lkjip_helpers.build.bench import run_bench

    run_bench(args.year, repeat=args.repeat, jobs=args.jobs)
    return 0


def cmd_batch(args) -> int:
    # lazy: a subcommand loads only its own machinery, so `--help` stays instant
    from lkjip_helpers.build.batch import run_batch
    from lkjip_helpers.build.batch_progress import cetak_akhir

    progress = args.progress
    if progress == "auto":
        progress = "off" if os.environ.get("CI") else "on"
    result = run_batch(
        args.portfolio,
        scheduler=args.scheduler,
        workers=args.workers,
        out_root=args.out,
        progress=progress == "on",
        jobs_per_agency=args.jobs_per_agency,
    )
    cetak_akhir(result)
    return 1 if result.gagal else 0


def cmd_synth(args) -> int:
    # lazy: a subcommand loads only its own machinery, so `--help` stays instant
    from lkjip_helpers.sintetis.instansi import buat_portofolio

    made = buat_portofolio(args.out, args.agencies, args.seed, args.broken, tahun=args.year)
    broken = [m.folder for m in made if m.rusak]
    print(
        f"synth: {len(made)} agencies and {args.out / 'portfolio.yaml'} written"
        + (f" (broken: {', '.join(broken)})" if broken else "")
    )
    return 0


def cmd_bench_batch(args) -> int:
    # lazy: a subcommand loads only its own machinery, so `--help` stays instant
    from lkjip_helpers.build.bench_batch import run_bench_batch

    workers = [int(w) for w in str(args.workers).split(",") if w.strip()]
    run_bench_batch(args.agencies, workers, seed=args.seed, jobs_per_agency=args.jobs_per_agency)
    return 0


def cmd_warm(args) -> int:
    # lazy: a subcommand loads only its own machinery, so `--help` stays instant
    from lkjip_helpers.build import execute

    if args.stop:
        stopped = execute.stop_warm_parent()
        print("warm parent stopped" if stopped else "no warm parent for this code")
        return 0
    path = execute.socket_path()
    keep = execute.keep_warm_seconds()
    state = f"warm ({path})" if path.exists() else "none running"
    print(f"warm parent: {state}; kept {keep:g} s after a build ({execute.KEEP_WARM_ENV})")
    return 0


COMMANDS = {
    "data": cmd_data,
    "report": cmd_report,
    "preview": cmd_preview,
    "start-page": cmd_start_page,
    "new-year": cmd_new_year,
    "new-agency": cmd_new_agency,
    "bench": cmd_bench,
    "batch": cmd_batch,
    "synth": cmd_synth,
    "bench-batch": cmd_bench_batch,
    "warm": cmd_warm,
}


#: Commands that read an agency folder (checked before they start).
AGENCY_COMMANDS = frozenset(COMMANDS) - {"new-agency", "warm"}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if getattr(args, "agency", None):
            config.use_agency(args.agency)
        elif os.environ.get(config.AGENCY_ENV) and args.command in AGENCY_COMMANDS:
            config.check_agency()
        return COMMANDS[args.command](args)
    except LkjipError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; outputs left as they were", file=sys.stderr)
        return 130
