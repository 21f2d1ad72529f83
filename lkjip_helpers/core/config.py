"""Paths of the project, in one place.

Every path is derived from the project root, which is the folder holding this
package unless ``LKJIP_ROOT`` is set (tests point it at a copy of the repository).
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_YEAR = 2017


def project_root() -> Path:
    """Return the project root folder."""
    env = os.environ.get("LKJIP_ROOT")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parent.parent.parent


def params_dir() -> Path:
    return project_root() / "params"


def agency_file() -> Path:
    return params_dir() / "agency.yaml"


def year_params_file(year: int) -> Path:
    return params_dir() / f"{year}.yaml"


def scales_file() -> Path:
    return params_dir() / "scales.yaml"


def narrative_file() -> Path:
    return params_dir() / "narrative.yaml"


def report_file() -> Path:
    return params_dir() / "report.yaml"


def teks_dir() -> Path:
    return params_dir() / "teks"


def prose_dir(year: int) -> Path:
    return params_dir() / "prose" / str(year)


def raw_dir(year: int | None = None) -> Path:
    base = project_root() / "data" / "raw"
    return base if year is None else base / str(year)


def catalogue_file() -> Path:
    return raw_dir() / "catalogue.yaml"


def processed_dir(year: int | None = None) -> Path:
    base = project_root() / "data" / "processed"
    return base if year is None else base / str(year)


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def book_template_dir() -> Path:
    """The repository's book project (``_quarto.yml``, templates, styles)."""
    return project_root() / "book"


def outputs_dir(year: int | None = None) -> Path:
    base = project_root() / "outputs"
    return base if year is None else base / str(year)


def cache_dir() -> Path:
    return project_root() / ".cache"
