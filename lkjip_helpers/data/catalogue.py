"""The catalogue of raw tables (``data/raw/catalogue.yaml``).

The catalogue is metadata beside the data: for each raw table its source table
number in the report, unit, columns with types and ranges, unique key, how it
is tidied and which published figures can be recomputed (audit checks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lkjip_helpers.core import config
from lkjip_helpers.core.exceptions import ParamsError
from lkjip_helpers.data.io import display_path, read_yaml

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


@dataclass(frozen=True)
class ColumnSpec:
    """One column (or a family of year columns when ``name`` holds ``{tahun}``)."""

    name: str
    type: str
    nullable: bool = False
    min: float | None = None
    max: float | None = None
    allowed: tuple[str, ...] | None = None
    required: bool = True

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


@dataclass(frozen=True)
class TableSpec:
    """Everything the catalogue says about one raw table."""

    name: str
    file: str
    source: str
    title: str
    unit: str
    subject: str
    required: bool
    key: tuple[str, ...]
    columns: tuple[ColumnSpec, ...]
    tidy: dict | None = None
    checks: tuple[dict, ...] = ()
    corrections: tuple[dict, ...] = ()
    note: str = ""
    extra: dict = field(default_factory=dict)

    def spec_for(self, column: str) -> ColumnSpec | None:
        """Return the spec of an actual column name (exact names win over patterns)."""
        for c in self.columns:
            if not c.is_pattern and c.name == column:
                return c
        for c in self.columns:
            if c.is_pattern and c.matches(column):
                return c
        return None

    def expand(self, pattern: str, columns: list[str]) -> list[str]:
        """Actual column names matching ``pattern`` (a name or a ``{tahun}`` pattern)."""
        if YEAR_TOKEN not in pattern:
            return [pattern] if pattern in columns else []
        probe = ColumnSpec(pattern, "float")
        return [c for c in columns if probe.matches(c)]


@dataclass(frozen=True)
class Catalogue:
    path: Path
    tables: dict[str, TableSpec]

    def __getitem__(self, name: str) -> TableSpec:
        try:
            return self.tables[name]
        except KeyError:
            raise ParamsError(
                f"{display_path(self.path)}: no table named '{name}' in the catalogue."
            ) from None

    def __iter__(self):
        return iter(self.tables.values())


def _fail(path: Path, key: str, message: str) -> ParamsError:
    return ParamsError(f"{display_path(path)}: {key}: {message}")


def parse_column(path: Path, table: str, name: str, spec: dict) -> ColumnSpec:
    key = f"tables.{table}.columns.{name}"
    if not isinstance(spec, dict):
        raise _fail(path, key, "expected a mapping like {type: int}")
    ctype = spec.get("type")
    if ctype not in COLUMN_TYPES:
        raise _fail(path, f"{key}.type", f"{ctype!r} is not one of {sorted(COLUMN_TYPES)}")
    allowed = spec.get("allowed")
    if ctype == "category" and not allowed:
        raise _fail(path, f"{key}.allowed", "a category column needs its allowed values")
    unknown = set(spec) - {"type", "nullable", "min", "max", "allowed", "required", "note"}
    if unknown:
        raise _fail(path, key, f"unknown option(s) {sorted(unknown)}")
    return ColumnSpec(
        name=name,
        type=ctype,
        nullable=bool(spec.get("nullable", False)),
        min=spec.get("min"),
        max=spec.get("max"),
        allowed=tuple(str(a) for a in allowed) if allowed else None,
        required=bool(spec.get("required", True)),
    )


def parse_table(path: Path, name: str, entry: dict) -> TableSpec:
    key = f"tables.{name}"
    if not isinstance(entry, dict):
        raise _fail(path, key, "expected a mapping")
    for required in ("source", "columns"):
        if required not in entry:
            raise _fail(path, f"{key}.{required}", "missing")
    columns = tuple(
        parse_column(path, name, col, spec) for col, spec in (entry["columns"] or {}).items()
    )
    for i, check in enumerate(entry.get("checks") or []):
        if not isinstance(check, dict) or check.get("rule") not in CHECK_RULES:
            rule = check.get("rule") if isinstance(check, dict) else check
            raise _fail(
                path, f"{key}.checks[{i}].rule", f"{rule!r} is not one of {sorted(CHECK_RULES)}"
            )
    tidy = entry.get("tidy")
    if tidy is not None and not isinstance(tidy, dict):
        raise _fail(path, f"{key}.tidy", "expected a mapping with id and stubs")
    known = {
        "file",
        "source",
        "title",
        "unit",
        "subject",
        "required",
        "key",
        "columns",
        "tidy",
        "checks",
        "corrections",
        "note",
    }
    return TableSpec(
        name=name,
        file=str(entry.get("file", name)),
        source=str(entry["source"]),
        title=str(entry.get("title", name)),
        unit=str(entry.get("unit", "")),
        subject=str(entry.get("subject", name)),
        required=bool(entry.get("required", True)),
        key=tuple(entry.get("key") or ()),
        columns=columns,
        tidy=tidy,
        checks=tuple(entry.get("checks") or ()),
        corrections=tuple(entry.get("corrections") or ()),
        note=str(entry.get("note", "") or ""),
        extra={k: v for k, v in entry.items() if k not in known},
    )


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Load and check the catalogue; a malformed entry is a ParamsError naming its key."""
    path = Path(path) if path else config.catalogue_file()
    data = read_yaml(path)
    tables = data.get("tables")
    if not isinstance(tables, dict) or not tables:
        raise _fail(path, "tables", "expected a non-empty mapping of table names")
    return Catalogue(
        path=path, tables={name: parse_table(path, name, e) for name, e in tables.items()}
    )
