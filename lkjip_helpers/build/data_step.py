"""The data step of a build: validate and tidy a year's raw tables, run the audit,
and write ``data/processed/<year>/`` and ``outputs/<year>/audit.csv``.

Skipped when :func:`processed_is_current`: the folder records the hash of the inputs
it was built from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lkjip_helpers.build.cache import module_closure, module_file
from lkjip_helpers.core import config
from lkjip_helpers.data.audit import run_audit
from lkjip_helpers.data.catalogue import BASE_FILE, load_catalogue
from lkjip_helpers.data.io import frame_to_csv_bytes, write_file_atomically, write_folder_atomically
from lkjip_helpers.data.tables import (
    AUDIT_TABLE,
    DATA_KEY_FILE,
    WARNINGS_TABLE,
    load_raw_year,
    process_tables,
    validation_warnings,
)
from lkjip_helpers.data.validation import RawTable
from lkjip_helpers.indikator.params import load_params
from lkjip_helpers.indikator.pengukuran import aturan_capaian, iku_audit


@dataclass
class DataResult:
    """What the data step produced for one year."""

    year: int
    raw: dict[str, RawTable]
    processed: dict[str, pd.DataFrame]
    audit: pd.DataFrame


def build_data(year: int, *, write_audit: bool = True, audit_dir: Path | None = None) -> DataResult:
    """Validate, tidy and write the processed data and the audit of ``year``."""
    catalogue = load_catalogue()
    raw = load_raw_year(year, catalogue)
    processed = process_tables(raw)
    if config.agency_file().exists():
        # Checks that need the agency's IKU definitions (a data-only project has none):
        # the polarity-aware capaian rule and the IKU audit, grouped with the rest.
        audit = run_audit(
            raw,
            year=year,
            capaian=aturan_capaian(load_params(year)),
            extra=iku_audit(year, processed),
        )
    else:
        audit = run_audit(raw, year=year)
    files = {f"{name}.csv": frame_to_csv_bytes(df) for name, df in processed.items()}
    # The findings are data for the report's appendix (Catatan Kualitas Data) too.
    files[f"{AUDIT_TABLE}.csv"] = frame_to_csv_bytes(audit)
    files[f"{WARNINGS_TABLE}.csv"] = frame_to_csv_bytes(validation_warnings(year, raw, catalogue))
    files[DATA_KEY_FILE] = data_key(year).encode("ascii")
    write_folder_atomically(config.processed_dir(year), files)
    if write_audit:
        target = (audit_dir or config.outputs_dir(year)) / "audit.csv"
        write_file_atomically(target, frame_to_csv_bytes(audit))
    return DataResult(year=year, raw=raw, processed=processed, audit=audit)


def data_inputs(year: int) -> list[Path]:
    """The files the data step of ``year`` may read: every file of the year's raw
    folder (so a table added or removed counts), the catalogue and the params files.

    A superset of what :func:`build_data` opens; ``tests/test_build.py`` records the
    step's actual reads (:mod:`lkjip_helpers.core.reads`) and checks they are here.
    """
    files = sorted(p for p in config.raw_dir(year).rglob("*") if p.is_file())
    files += [config.catalogue_file(), BASE_FILE, config.agency_file()]
    files += [config.year_params_file(year)]
    # the agency's own scales and sentence templates, or the package's defaults; the
    # own path is listed even when absent (hashed as absent), so adding one is a change
    own = [config.params_dir() / "scales.yaml", config.params_dir() / "narrative.yaml"]
    files += [config.scales_file(), config.narrative_file(), *own]
    return list(dict.fromkeys(files))


def data_key(year: int) -> str:
    """Hash of everything the data step of ``year`` reads (contents, not timestamps):
    :func:`data_inputs` and the code of the step."""
    h = hashlib.sha256()
    files = data_inputs(year)
    for module in module_closure("import lkjip_helpers.build.data_step"):
        files.append(module_file(module))
    for path in files:
        # relative names: a copied or moved agency folder keeps its processed data current
        h.update(config.display_path(path).encode())
        h.update(hashlib.sha256(path.read_bytes()).digest() if path.exists() else b"-")
    return h.hexdigest()


def processed_is_current(year: int) -> bool:
    """True when data/processed/<year>/ was built from exactly the current inputs."""
    marker = config.processed_dir(year) / DATA_KEY_FILE
    audit = config.processed_dir(year) / f"{AUDIT_TABLE}.csv"
    if not (marker.exists() and audit.exists()):
        return False
    return marker.read_text(encoding="ascii").strip() == data_key(year)
