"""The catalogue of raw tables (``data/raw/catalogue.yaml``).

The catalogue is metadata beside the data: for each raw table its source table
number in the report, unit, columns with types and ranges, unique key, how it
is tidied and which published figures can be recomputed (audit checks).

The tables every LKjIP has (staff composition, Renstra and Perjanjian Kinerja
targets, IKU realisasi, budget, kegiatan) are described once in the *base
catalogue* shipped with the package (:data:`BASE_FILE`). An agency's catalogue
extends it (``extends: dasar``, the default; ``extends: none`` stands alone) and
lists only its own tables and its overrides. Merge rule (:func:`merge_tables`):

* a table the agency does not name is taken from the base as is; ``name: ~``
  (null) leaves a base table out;
* a table named in both: each key the agency gives replaces the base's, except
  ``columns``, merged column by column (the keys of an agency's column spec
  replace the base spec's keys; a column set to null is removed; a new column is
  added after the base's), and ``checks`` and ``corrections``, which the
  agency's list extends (``base_checks: false`` drops the base's checks);
* order: base tables the agency does not name first, then the agency's tables in
  the agency file's order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from lkjip_helpers.core import config
from lkjip_helpers.core.config import display_path
from lkjip_helpers.core.exceptions import ParamsError
from lkjip_helpers.core.schema import (
    Bilangan,
    Skema,
    Teks,
    TeksOpsional,
    gagal,
    read_yaml,
    tampil,
    validate,
)

#: The base catalogue: the tables every LKjIP has.
BASE_FILE = Path(__file__).with_name("katalog_dasar.yaml")
#: Values of ``extends:`` in an agency's catalogue.
EXTENDS_BASE = "dasar"
EXTENDS_NONE = "none"

COLUMN_TYPES = {"int", "float", "str", "category", "date"}
CHECK_RULES = {
    "sum_rows",
    "sum_columns",
    "ratio",
    "capaian",
    "share_of_total",
    "difference",
    "same_values",
}
YEAR_TOKEN = "{tahun}"
_YEAR_RE = r"(?P<tahun>\d{4})"


class ColumnSpec(Skema):
    """One column (or a family of year columns when ``name`` holds ``{tahun}``).

    ``ColumnSpec("jumlah_{tahun}", "int")`` builds one in code; in the catalogue
    the name is the column's key.
    """

    DIISI_KODE = frozenset({"name"})

    name: str
    type: Literal[tuple(sorted(COLUMN_TYPES))]  # type: ignore[valid-type]
    nullable: bool = False
    min: Bilangan | None = None
    max: Bilangan | None = None
    allowed: tuple[str, ...] | None = None
    required: bool = True
    # an optional column the analyst's Excel template offers anyway (make new-year),
    # e.g. alasan_tidak_tersedia beside a realisasi that may be missing
    di_templat: bool = False
    note: TeksOpsional = ""

    def __init__(self, *args: str, **data: Any) -> None:
        data.update(zip(("name", "type"), args))
        super().__init__(**data)

    @field_validator("allowed", mode="before")
    @classmethod
    def _teks(cls, v: object) -> object:
        return [str(a) for a in v] if isinstance(v, list) else v

    @model_validator(mode="after")
    def _kategori(self) -> ColumnSpec:
        if self.type == "category" and not self.allowed:
            raise gagal("a category column needs its allowed values", "allowed")
        return self

    @property
    def is_pattern(self) -> bool:
        return YEAR_TOKEN in self.name

    def regex(self) -> re.Pattern:
        parts = self.name.split(YEAR_TOKEN)
        return re.compile("^" + _YEAR_RE.join(re.escape(p) for p in parts) + "$")

    def matches(self, column: str) -> bool:
        if self.is_pattern:
            return bool(self.regex().match(column))
        return column == self.name


class TemplateSpec(Skema):
    """How ``make new-year`` shifts the year columns of a table's template."""

    tahun_tetap: tuple[str, ...] = ()
    tahun_geser: tuple[str, ...] = ()


def _pemeriksaan(value: object) -> object:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise gagal(f"expected a list of checks, got {tampil(value)}")
    for i, check in enumerate(value):
        rule = check.get("rule") if isinstance(check, Mapping) else check
        if rule not in CHECK_RULES:
            raise gagal(f"{rule!r} is not one of {sorted(CHECK_RULES)}", i, "rule")
    return value


class TableSpec(Skema):
    """Everything the catalogue says about one raw table."""

    DIISI_KODE = frozenset({"name"})

    name: str
    file: Teks = ""
    source: Teks
    title: Teks = ""
    unit: TeksOpsional = ""
    subject: Teks = ""
    required: bool = True
    key: tuple[str, ...] = ()
    column_specs: dict[str, ColumnSpec] = Field(alias="columns")
    tidy: dict[str, Any] | None = None
    checks: Annotated[tuple[dict[str, Any], ...], BeforeValidator(_pemeriksaan)] = ()
    corrections: tuple[dict[str, Any], ...] = ()
    template: TemplateSpec | None = None
    note: TeksOpsional = ""

    @model_validator(mode="before")
    @classmethod
    def _bawaan(cls, data: Any) -> Any:
        # Defaults named after the table; each column's name is its key.
        if not isinstance(data, Mapping):
            return data
        data = dict(data)
        name = data.get("name", "")
        for key in ("file", "title", "subject"):
            data.setdefault(key, name)
        columns = data.get("columns")
        if isinstance(columns, Mapping):
            data["columns"] = {
                n: ({**c, "name": str(n)} if isinstance(c, Mapping) else c)
                for n, c in columns.items()
            }
        for key in ("key", "corrections"):
            if data.get(key) is None:
                data.pop(key, None)
        return data

    @property
    def columns(self) -> tuple[ColumnSpec, ...]:
        """The column specs, in catalogue order."""
        return tuple(self.column_specs.values())

    def spec_for(self, column: str) -> ColumnSpec | None:
        """Return the spec of an actual column name (exact names win over patterns)."""
        for c in self.columns:
            if not c.is_pattern and c.name == column:
                return c
        for c in self.columns:
            if c.is_pattern and c.matches(column):
                return c
        return None


class _CatalogueFile(Skema):
    """The file ``data/raw/catalogue.yaml``: a non-empty mapping ``tables``."""

    tables: Annotated[dict[str, TableSpec], Field(min_length=1)]
    extends: Literal["dasar", "none"] = EXTENDS_BASE

    @model_validator(mode="before")
    @classmethod
    def _nama(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and isinstance(data.get("tables"), Mapping):
            data = dict(data)
            data["tables"] = {
                n: ({**e, "name": str(n)} if isinstance(e, Mapping) else e)
                for n, e in data["tables"].items()
            }
        return data


class Catalogue:
    """The loaded catalogue: table specs by name, in file order."""

    def __init__(self, path: Path, tables: dict[str, TableSpec]):
        self.path = path
        self.tables = tables

    def __getitem__(self, name: str) -> TableSpec:
        try:
            return self.tables[name]
        except KeyError:
            raise ParamsError(
                f"{display_path(self.path)}: no table named '{name}' in the catalogue."
            ) from None

    def __iter__(self):
        return iter(self.tables.values())


def _merge_entry(base: Mapping, own: Mapping) -> dict:
    """One table named in the base and in the agency's catalogue (rule in the module doc)."""
    own = dict(own)
    keep_base_checks = own.pop("base_checks", True)
    out = dict(base)
    if keep_base_checks is False:
        out["checks"] = []
    for key, value in own.items():
        if key == "columns" and isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            columns = dict(out[key])
            for name, spec in value.items():
                if spec is None:
                    columns.pop(name, None)
                elif isinstance(spec, Mapping) and isinstance(columns.get(name), Mapping):
                    columns[name] = {**columns[name], **spec}
                else:
                    columns[name] = spec
            out[key] = columns
        elif key in ("checks", "corrections") and isinstance(value, list):
            out[key] = list(out.get(key) or []) + value
        else:
            out[key] = value
    return out


def merge_tables(base: Mapping, own: Mapping) -> dict:
    """The ``tables`` of an agency's catalogue merged onto the base catalogue's."""
    merged = {name: entry for name, entry in base.items() if name not in own}
    for name, entry in own.items():
        if name in base and entry is None:
            continue  # the agency has no such table
        if name in base and isinstance(entry, Mapping):
            entry = _merge_entry(base[name], entry)
        merged[name] = entry
    return merged


def catalogue_data(path: Path) -> dict:
    """The catalogue file ``path`` as data, merged with the base unless it says ``extends: none``."""
    data = read_yaml(path)
    if data.get("extends", EXTENDS_BASE) != EXTENDS_BASE:
        return data  # standalone, or an unknown value the schema reports
    own = data.get("tables")
    if own is None:
        own = {}
    if not isinstance(own, Mapping):
        return data  # reported by the schema, naming the key
    base = read_yaml(BASE_FILE)["tables"]
    return {**data, "tables": merge_tables(base, own)}


#: Checked catalogues of this process by the bytes they were made from (see load_catalogue).
_LOADED: dict[tuple, dict[str, TableSpec]] = {}


def _content_key(path: Path) -> tuple:
    """What a loaded catalogue depends on: the bytes of the file and of the base."""
    own = path.read_bytes() if path.exists() else None
    return (str(path), own, BASE_FILE.read_bytes())


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Load and check the catalogue (merged with the base catalogue); a malformed entry
    is a ParamsError naming its key.

    A notebook asks for the catalogue once per source note; parsing and checking
    1,500 lines of YAML each time cost about a second per notebook. The checked
    tables are kept per process, keyed by the *bytes* of both files, which are
    read on every call: an edit is always seen, and the read is recorded as any
    read is (:mod:`lkjip_helpers.core.reads`). The specs are immutable, so one
    copy serves every caller.
    """
    path = Path(path) if path else config.catalogue_file()
    key = _content_key(path)
    tables = _LOADED.get(key)
    if tables is None:
        checked = validate(_CatalogueFile, catalogue_data(path), path)
        tables = dict(checked.tables)
        if len(_LOADED) >= 8:  # a long-lived process (JupyterLab) sees many versions
            _LOADED.clear()
        _LOADED[key] = tables
    return Catalogue(path=path, tables=dict(tables))
