"""A throw-away copy of the repository to build in (tests and ``make bench``)."""

from __future__ import annotations

import shutil
from pathlib import Path

from lkjip_helpers.core import config

# What a build reads; outputs, processed data and caches are regenerated in the copy.
CODE_PARTS = ["lkjip_helpers", "notebooks", "book"]
AGENCY_PARTS = ["params", "data/raw"]
REPO_PARTS = CODE_PARTS + AGENCY_PARTS


def copy_repo(target: Path, source: Path | None = None, agency: Path | None = None) -> Path:
    """Copy what a build reads into ``target``: one folder that is repository and agency.

    The code comes from ``source`` (default: the project root), the agency's
    ``params/`` and ``data/raw/`` from ``agency`` (default: ``source`` when it is
    given, else the current agency folder).
    """
    if agency is None:
        agency = source if source is not None else config.agency_root()
    source = Path(source) if source is not None else config.project_root()
    target = Path(target)
    for part in REPO_PARTS:
        origin = (Path(agency) if part in AGENCY_PARTS else source) / part
        shutil.copytree(origin, target / part, ignore=shutil.ignore_patterns("__pycache__"))
    (target / "data" / "processed").mkdir(parents=True, exist_ok=True)
    (target / "outputs").mkdir(exist_ok=True)
    return target
