"""The agency the test suite runs on: the one whose ``params/`` and ``data/raw/`` are here.

In this repository that is the shipped example (BKPSDM Kota Balikpapan, 2017). In
a copy whose ``params/`` and ``data/raw/`` belong to another agency (see
``tools/travel_check.py``) it is that agency, and the product's tests take its
report year, its IKUs and its files from here instead of naming the example's.

Tests whose subject is the example's own supporting tables or published text
(not the product) are marked :data:`contoh`: they run on the example and are
skipped, with the reason, in another agency's repository.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PARAMS = ROOT / "params"
RAW = ROOT / "data" / "raw"
DEFAULTS = ROOT / "lkjip_helpers" / "bawaan"
#: Params files the package supplies when an agency leaves them out.
DEFAULT_PARAMS = ("scales.yaml", "narrative.yaml", "report.yaml")

#: The shipped example, identified by its params (not by the presence of a file).
CONTOH_SINGKATAN = "BKPSDM"
CONTOH_KOTA = "Balikpapan"


def _agency() -> dict:
    return yaml.safe_load((PARAMS / "agency.yaml").read_text(encoding="utf-8")) or {}


def _tahun() -> int:
    """The agency's report year: the latest year with both params and raw data."""
    years = sorted(
        int(p.stem) for p in PARAMS.glob("[0-9][0-9][0-9][0-9].yaml") if (RAW / p.stem).is_dir()
    )
    if not years:
        raise RuntimeError(f"no params/<year>.yaml with data/raw/<year>/ under {ROOT}")
    return years[-1]


AGENCY = _agency()
#: The report year the suite builds and checks (2017 for the example).
TAHUN = _tahun()
#: The agency's IKU codes, in params order.
IKU = [i["kode"] for i in AGENCY.get("iku", [])]
_INSTANSI = AGENCY.get("instansi", {})
ADALAH_CONTOH = (
    _INSTANSI.get("singkatan") == CONTOH_SINGKATAN and _INSTANSI.get("kota") == CONTOH_KOTA
)

contoh = pytest.mark.skipif(
    not ADALAH_CONTOH,
    reason=(
        "about the shipped example's own tables and text (BKPSDM Kota Balikpapan 2017); "
        f"this repository holds {_INSTANSI.get('nama', 'another agency')}"
    ),
)


def params_file(name: str, root: Path = ROOT) -> Path:
    """``params/<name>`` of the agency at ``root``, else the package's default."""
    own = root / "params" / name
    if own.exists() or name not in DEFAULT_PARAMS:
        return own
    return DEFAULTS / name


def own_params_file(name: str, root: Path) -> Path:
    """``root/params/<name>``, copied from the package's default first when absent.

    For tests that edit the file in a copy of the repository: an agency that uses
    the default has no file of its own to edit until it copies one.
    """
    own = root / "params" / name
    if not own.exists():
        shutil.copy2(params_file(name, root), own)
    return own
