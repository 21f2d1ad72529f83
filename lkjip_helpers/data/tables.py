"""The tables of a year: raw tables read and validated, processed tables read back.

:func:`load_raw_year` reads every raw table named in the catalogue (CSV or XLSX)
and validates it, reporting all problems together; :class:`TabelTahun` gives a
notebook the processed tables of a year, each read on first use (the build's
data step, :mod:`lkjip_helpers.build.data_step`, writes them).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from lkjip_helpers.core import config, reads
from lkjip_helpers.core.exceptions import LkjipError, MissingDataError, ValidationError
from lkjip_helpers.data.catalogue import Catalogue, TableSpec, load_catalogue
from lkjip_helpers.data.io import (
    display_path,
    find_raw_file,
    read_processed_table,
    read_raw_table,
)
from lkjip_helpers.data.tidy import tidy_table
from lkjip_helpers.data.validation import RawTable, validate_table

AUDIT_TABLE = "audit_temuan"
WARNINGS_TABLE = "peringatan_validasi"
# Written beside the processed tables: the key of the inputs they were built from.
DATA_KEY_FILE = ".kunci-data"
#: Folder of a year's blank Excel templates (``make new-year``), beside its raw tables.
TEMPLATE_FOLDER = "templates"


def missing_tables(year: int, catalogue: Catalogue) -> list[TableSpec]:
    """Required tables that have no file for ``year``."""
    folder = config.raw_dir(year)
    return [
        spec for spec in catalogue if spec.required and find_raw_file(folder, spec.file) is None
    ]


def _missing_message(year: int, missing: list[TableSpec], catalogue: Catalogue) -> str:
    folder = display_path(config.raw_dir(year))
    lines = [
        f"Cannot build {year}: {len(missing)} of {len(list(catalogue))} required raw "
        f"tables are missing in {folder}/:"
    ]
    pending = {p.stem: p for p in unfilled_templates(year)}
    for spec in missing:
        line = f"  - {spec.file}.csv (or .xlsx): {spec.source}, {spec.title}"
        if spec.file in pending:
            line += f" [template not filled in: {display_path(pending.pop(spec.file))}]"
        lines.append(line)
    if pending:
        lines.append(
            "Templates of optional tables not filled in either: "
            + ", ".join(display_path(p) for p in pending.values())
        )
    lines.append(
        f"Fill in the templates of {folder}/templates/ and save each as {folder}/<table>.xlsx"
        if unfilled_templates(year)
        else f"Add the missing files (`make new-year YEAR={year}` writes Excel templates for them)."
    )
    return "\n".join(lines)


def load_raw_year(year: int, catalogue: Catalogue | None = None) -> dict[str, RawTable]:
    """Read and validate every raw table of ``year`` (all problems reported together).

    Raises
    ------
    MissingDataError
        The year folder or a required table is missing (all missing tables listed).
    ValidationError
        One or more tables break their schema (all problems of all tables listed).
    """
    catalogue = catalogue or load_catalogue()
    folder = config.raw_dir(year)
    if not folder.is_dir():
        raise MissingDataError(
            f"No raw data for {year}: folder {display_path(folder)}/ does not exist. "
            f"Run `make new-year YEAR={year}` to create templates, fill them in, and try again."
        )
    missing = missing_tables(year, catalogue)
    if missing:
        raise MissingDataError(_missing_message(year, missing, catalogue))
    tables: dict[str, RawTable] = {}
    errors: list[ValidationError] = []
    for spec in catalogue:
        path = find_raw_file(folder, spec.file)
        if path is None:
            continue
        try:
            tables[spec.name] = validate_table(spec, path, read_raw_table(path))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        message = "\n\n".join(str(e) for e in errors)
        raise ValidationError(message, [p for e in errors for p in e.problems])
    return tables


def process_tables(tables: dict[str, RawTable]) -> dict[str, pd.DataFrame]:
    """Tidy every validated table (pure)."""
    return {name: tidy_table(t.spec, t.frame) for name, t in tables.items()}


def validation_warnings(year: int, raw: dict[str, RawTable], catalogue: Catalogue) -> pd.DataFrame:
    """What is valid but worth a reviewer's attention (not an error).

    * an optional table is absent (its published figures are not audited);
    * a column for the report year is present but entirely empty (a template
      saved without filling it in).
    """
    rows = []
    for spec in catalogue:
        if spec.name not in raw:
            if not spec.required:
                rows.append(
                    {
                        "tabel": spec.source,
                        "tabel_data": spec.name,
                        "peringatan": "tabel opsional tidak tersedia; angkanya tidak diperiksa",
                    }
                )
            continue
        frame = raw[spec.name].frame
        for col in frame.columns:
            if col.endswith(f"_{year}") and len(frame) and frame[col].isna().all():
                rows.append(
                    {
                        "tabel": spec.source,
                        "tabel_data": spec.name,
                        "peringatan": f"kolom {col} kosong seluruhnya",
                    }
                )
    return pd.DataFrame(rows, columns=["tabel", "tabel_data", "peringatan"])


_PANDAS_TYPES = {"int": "Int64", "float": "Float64", "str": "object", "category": "object"}


def load_processed(
    year: int, names: list[str] | None = None, catalogue: Catalogue | None = None
) -> dict[str, pd.DataFrame]:
    """Read processed tables of ``year`` with their catalogue types restored."""
    catalogue = catalogue or load_catalogue()
    folder = config.processed_dir(year)
    if not folder.is_dir():
        raise MissingDataError(
            f"No processed data for {year} in {display_path(folder)}/. Run `make data YEAR={year}`."
        )
    wanted = names or [p.stem for p in sorted(folder.glob("*.csv"))]
    out = {}
    for name in wanted:
        frame = read_processed_table(folder, name)
        spec = catalogue.tables.get(name)
        if spec is not None:
            for col in frame.columns:
                cspec = spec.spec_for(col)
                if col == "tahun":
                    frame[col] = frame[col].astype("Int64")
                elif cspec is not None:
                    frame[col] = frame[col].astype(_PANDAS_TYPES.get(cspec.type, "object"))
                elif spec.tidy and col in (spec.tidy.get("stubs") or []):
                    pattern = next((c for c in spec.columns if c.name.startswith(f"{col}_")), None)
                    if pattern is not None:
                        frame[col] = frame[col].astype(_PANDAS_TYPES.get(pattern.type, "object"))
        out[name] = frame
    return out


class TabelTahun(Mapping):
    """The tables of one year, read on first use (a notebook reads only what it needs).

    Backed by ``data/processed/<year>/``; with ``partial=True`` a year that was never
    built (the repository holds only part of its data) is read from its raw files,
    each table validated and tidied when first asked for.

    What it looks at is noted for the build cache (:mod:`lkjip_helpers.core.reads`):
    the folder listing its table names come from, the probe that decides whether a
    year is partial, and every table file it reads.
    """

    def __init__(self, year: int, partial: bool = False, catalogue: Catalogue | None = None):
        self.year = year
        self.catalogue = catalogue or load_catalogue()
        folder = config.processed_dir(year)
        if partial:
            reads.record(folder / "realisasi_iku.csv")
        self.partial = partial and not (folder / "realisasi_iku.csv").exists()
        if self.partial:
            raw = config.raw_dir(year)
            reads.record(raw, kind="dir")
            self._names = {
                spec.name for spec in self.catalogue if find_raw_file(raw, spec.file) is not None
            }
        else:
            if not folder.is_dir():
                raise MissingDataError(
                    f"No processed data for {year} in {display_path(folder)}/. "
                    f"Run `make data YEAR={year}`."
                )
            reads.record(folder, kind="dir")
            self._names = {p.stem for p in folder.glob("*.csv")}
        self._loaded: dict[str, pd.DataFrame] = {}
        # What loading each table read (core.reads entries): a table loaded earlier
        # (a snapshot of the report context) is still a read of whoever asks for it.
        self._reads: dict[str, list] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._names:
            raise KeyError(name)
        if name in self._loaded:
            reads.replay(self._reads.get(name, ()))
            return self._loaded[name]
        with reads.capture() as got:
            if self.partial:
                spec = self.catalogue[name]
                path = find_raw_file(config.raw_dir(self.year), spec.file)
                reads.record(path)
                table = validate_table(spec, path, read_raw_table(path))
                frame = tidy_table(spec, table.frame)
            else:
                reads.record(config.processed_dir(self.year) / f"{name}.csv")
                frame = load_processed(self.year, [name], self.catalogue)[name]
        self._loaded[name] = frame
        self._reads[name] = got
        return frame

    def muat_semua(self) -> list[str]:
        """Load every table now (for a snapshot); the names that failed stay lazy.

        A table that cannot be loaded (e.g. an earlier year's raw table that
        breaks its schema) is left to fail where a notebook asks for it, with
        the same error as without a snapshot.
        """
        failed = []
        for name in sorted(self._names):
            try:
                self[name]
            except LkjipError:
                failed.append(name)
        return failed

    def __iter__(self):
        return iter(sorted(self._names))

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._names


def unfilled_templates(year: int) -> list[Path]:
    """Templates in ``data/raw/<year>/templates/`` with no filled-in table beside them."""
    folder = config.raw_dir(year)
    templates = folder / TEMPLATE_FOLDER
    if not templates.is_dir():
        return []
    out = []
    for path in sorted(templates.glob("*.xlsx")):
        if path.name.startswith(("~$", ".")):
            continue
        try:
            filled = find_raw_file(folder, path.stem)
        except LkjipError:
            filled = True  # present twice: reported elsewhere
        if filled is None:
            out.append(path)
    return out
