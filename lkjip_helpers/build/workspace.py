"""A throw-away copy of the repository to build in (tests and ``make bench``)."""

from __future__ import annotations

import shutil
from pathlib import Path

from lkjip_helpers.core import config

# What a build reads; outputs, processed data and caches are regenerated in the copy.
REPO_PARTS = ["lkjip_helpers", "notebooks", "params", "book", "data/raw"]


def copy_repo(target: Path, source: Path | None = None) -> Path:
    """Copy the parts of the repository a build reads from ``source`` into ``target``."""
    source = Path(source) if source is not None else config.project_root()
    target = Path(target)
    for part in REPO_PARTS:
        shutil.copytree(source / part, target / part, ignore=shutil.ignore_patterns("__pycache__"))
    (target / "data" / "processed").mkdir(parents=True, exist_ok=True)
    (target / "outputs").mkdir(exist_ok=True)
    return target
