"""Paths of the project, in one place.

Two roots:

* the *project root* holds the code: the package, ``notebooks/`` and the book
  template ``book/``. It is the folder holding this package unless ``LKJIP_ROOT``
  is set (tests point it at a copy of the repository);
* the *agency root* holds one agency's content and everything built from it:
  ``params/``, ``data/raw/``, ``data/processed/``, ``outputs/`` and the build
  cache ``.cache/``. It is the project root (the shipped example) unless
  ``LKJIP_AGENCY`` is set; ``--agency PATH`` on the command line sets it.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

from lkjip_helpers.core.exceptions import ParamsError

DEFAULT_YEAR = 2017


def project_root() -> Path:
    """Return the project root folder."""
    return _resolved(os.environ.get("LKJIP_ROOT") or None)


@functools.lru_cache(maxsize=16)
def _resolved(env: str | None) -> Path:
    # Asked for by every path of a build (about a thousand times a preview): resolving
    # the same folder again, system call by system call, was a tenth of a second.
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parents[2]


#: Environment variable naming the agency folder (``--agency`` sets it).
AGENCY_ENV = "LKJIP_AGENCY"
#: What makes a folder an agency folder (relative to it).
AGENCY_MARKERS = ("params/agency.yaml", "data/raw")


def agency_root() -> Path:
    """Return the agency folder: ``LKJIP_AGENCY`` if set, else the project root."""
    env = os.environ.get(AGENCY_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return project_root()


def use_agency(path: str | os.PathLike) -> Path:
    """Make ``path`` the agency folder of this process and of what it starts.

    Sets ``LKJIP_AGENCY`` (absolute), so notebook kernels, the preview subprocess
    and the build cache all see the same agency, then checks the folder.
    """
    root = Path(path).expanduser().resolve()
    os.environ[AGENCY_ENV] = str(root)
    check_agency()
    return root


def check_agency() -> Path:
    """The agency root, after checking it holds ``params/agency.yaml`` and ``data/raw/``.

    Raises
    ------
    ParamsError
        When the folder does not exist or lacks one of :data:`AGENCY_MARKERS`.
    """
    root = agency_root()
    if not root.is_dir():
        raise ParamsError(
            f"agency folder {root} does not exist. Create one with "
            f"`python -m lkjip_helpers new-agency --dir {root}`."
        )
    missing = [m for m in AGENCY_MARKERS if not (root / m).exists()]
    if missing:
        raise ParamsError(
            f"{root} is not an agency folder: {' and '.join(missing)} missing. An agency "
            "folder holds params/ (agency.yaml, <year>.yaml, report.yaml, prose/) and "
            "data/raw/ (catalogue.yaml, <year>/); "
            f"`python -m lkjip_helpers new-agency --dir {root}` creates one."
        )
    return root


def params_dir() -> Path:
    return agency_root() / "params"


def agency_file() -> Path:
    return params_dir() / "agency.yaml"


def year_params_file(year: int) -> Path:
    return params_dir() / f"{year}.yaml"


#: Params files an agency may leave out: the package's defaults are used instead.
DEFAULTS_DIR = Path(__file__).resolve().parents[1] / "bawaan"
DEFAULT_PARAMS = ("scales.yaml", "narrative.yaml", "report.yaml")


def params_or_default(name: str) -> Path:
    """``params/<name>`` of the agency, else the package's default (:data:`DEFAULTS_DIR`)."""
    own = params_dir() / name
    if own.exists() or name not in DEFAULT_PARAMS:
        return own
    # lazy: reads imports this module. The absence of the agency's own file is an
    # input of what is built from the default: adding the file must rebuild it.
    from lkjip_helpers.core import reads

    reads.record(own)
    return DEFAULTS_DIR / name


def scales_file() -> Path:
    return params_or_default("scales.yaml")


def narrative_file() -> Path:
    return params_or_default("narrative.yaml")


def report_file() -> Path:
    return params_or_default("report.yaml")


def teks_dir() -> Path:
    return params_dir() / "teks"


def prose_dir(year: int) -> Path:
    return params_dir() / "prose" / str(year)


def raw_dir(year: int | None = None) -> Path:
    base = agency_root() / "data" / "raw"
    return base if year is None else base / str(year)


def catalogue_file() -> Path:
    return raw_dir() / "catalogue.yaml"


def processed_dir(year: int | None = None) -> Path:
    base = agency_root() / "data" / "processed"
    return base if year is None else base / str(year)


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def book_template_dir() -> Path:
    """The repository's book project (``_quarto.yml``, templates, styles)."""
    return project_root() / "book"


def outputs_dir(year: int | None = None) -> Path:
    base = agency_root() / "outputs"
    return base if year is None else base / str(year)


def cache_dir() -> Path:
    """The build cache of the agency (keyed on the agency's own files)."""
    return agency_root() / ".cache"


def display_path(path: Path) -> str:
    """Path as shown to users: relative to the agency root, else the project root."""
    resolved = Path(path).resolve()
    for root in (agency_root(), project_root()):
        try:
            return str(resolved.relative_to(root))
        except ValueError:
            continue
    return str(path)


def tahun_di(*folders: Path, sebelum: int | None = None) -> list[int]:
    """Years present in ``folders``, ascending: sub-folders ``<yyyy>/`` and files ``<yyyy>.*``.

    The one answer to "which years are there" (data/raw, data/processed,
    params, params/prose). ``sebelum`` keeps only the years before it.
    """
    years: set[int] = set()
    for folder in folders:
        if not folder.is_dir():
            continue
        for p in folder.iterdir():
            stem = p.name if p.is_dir() else p.stem
            if re.fullmatch(r"\d{4}", stem):
                years.add(int(stem))
    return sorted(y for y in years if sebelum is None or y < sebelum)
