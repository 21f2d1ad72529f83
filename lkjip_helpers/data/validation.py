"""Validate a raw table against its catalogue entry.

Two steps: every cell is converted from text to its column type (so a wrong
type is reported with its row, column and value), then a pandera schema built
from the catalogue checks ranges, allowed categories, missing values and the
unique key. All problems of a table are collected and reported together; the
message names the file, row (as a spreadsheet user counts it: the header is
row 1), column, the value found and what was expected.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from lkjip_helpers.core.exceptions import ValidationError
from lkjip_helpers.data.catalogue import ColumnSpec, TableSpec
from lkjip_helpers.data.io import display_path

MAX_LISTED_PROBLEMS = 15
_INT_RE = re.compile(r"^[+-]?\d+(\.0+)?$")
_FLOAT_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

EXPECTED = {
    "int": "a whole number (digits only, no thousands separator or unit)",
    "float": "a number with '.' as decimal separator (no thousands separator or unit)",
    "date": "a date as YYYY-MM-DD",
    "str": "text",
    "category": "one of the allowed values",
}


@dataclass
class RawTable:
    """A validated raw table: typed values plus the cell text as published."""

    spec: TableSpec
    path: Path
    frame: pd.DataFrame
    text: pd.DataFrame

    def decimals(self, row: int, column: str) -> int:
        """Decimal places of a cell as written (the precision it was published with)."""
        value = str(self.text.at[row, column]).strip()
        return len(value.split(".", 1)[1]) if "." in value else 0


def _problem(row: int | None, column: str | None, found: object, expected: str) -> dict:
    return {"row": row, "column": column, "found": found, "expected": expected}


def _convert_cell(text: str, spec: ColumnSpec):
    """Return (value, error) for one cell; empty text is missing (None)."""
    value = text.strip()
    if value == "":
        return None, None
    if spec.type == "int":
        if _INT_RE.match(value):
            return int(float(value)), None
        return None, EXPECTED["int"]
    if spec.type == "float":
        if _FLOAT_RE.match(value):
            number = float(value)
            if math.isfinite(number):
                return number, None
        return None, EXPECTED["float"]
    if spec.type == "date":
        if _DATE_RE.match(value):
            try:
                return pd.Timestamp(value).date().isoformat(), None
            except ValueError:
                pass
        return None, EXPECTED["date"]
    return value, None


# Numbers as a decimal-comma spreadsheet writes them: 1234 | 1234,5 | 1.234 | 1.234,5
_KOMA_DESIMAL_RE = re.compile(r"^[-+]?\d+,\d+$")
_TITIK_DESIMAL_RE = re.compile(r"^[-+]?\d+\.\d+$")
_RIBUAN_RE = re.compile(r"^[-+]?\d{1,3}(\.\d{3})+(,\d+)?$")


def normalise_decimals(spec: TableSpec, text: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Rewrite the numbers of a semicolon-separated CSV in machine form (``1234.5``).

    Excel set to Indonesian saves CSV with ``;`` between fields and a decimal comma
    (``1.234,5``). The convention is decided per file from its numeric columns, and
    only when it is unambiguous: a cell like ``1,5`` proves a decimal comma, a cell
    like ``1.5`` a decimal point; both in one file, or only cells like ``1.234``
    (a thousand, or one and a bit?), are reported instead of guessed. A comma-separated
    file is returned unchanged.
    """
    if text.attrs.get("delimiter", ",") != ";":
        return text, []
    numeric = [c for c in text.columns if (s := spec.spec_for(c)) and s.type in ("int", "float")]
    cells = [
        (i, col, str(v).strip())
        for col in numeric
        for i, v in enumerate(text[col].tolist())
        if v is not None and str(v).strip()
    ]
    koma = [c for c in cells if _KOMA_DESIMAL_RE.match(c[2])]
    titik = [c for c in cells if _TITIK_DESIMAL_RE.match(c[2]) and not _RIBUAN_RE.match(c[2])]
    ribuan = [c for c in cells if _RIBUAN_RE.match(c[2])]
    if koma and titik:
        (i, col, a), (j, col2, b) = koma[0], titik[0]
        return text, [
            _problem(
                j + 2,
                col2,
                b,
                f"one decimal separator per file: row {i + 2}, column '{col}' writes "
                f"{a!r} with a decimal comma. Use the comma throughout (Excel in Indonesian) "
                "or save the file as comma-separated CSV with decimal points",
            )
        ]
    if titik or (not koma and not ribuan):
        return text, []  # decimal point (or whole numbers only): nothing to rewrite
    if ribuan and not koma and not any("," in c[2] for c in ribuan):
        i, col, a = ribuan[0]
        return text, [
            _problem(
                i + 2,
                col,
                a,
                "an unambiguous number: in a ';'-separated file '1.234' may be a thousand "
                "or one and a bit. Write it without the thousands dot (1234), or with its "
                "decimals (1.234,00 or 1,234)",
            )
        ]
    out = text.copy()
    for i, col, value in cells:
        if _KOMA_DESIMAL_RE.match(value) or _RIBUAN_RE.match(value):
            out.iat[i, out.columns.get_loc(col)] = value.replace(".", "").replace(",", ".")
    out.attrs = dict(text.attrs)
    return out, []


def _dtype(spec: ColumnSpec) -> str:
    return {"int": "Int64", "float": "Float64"}.get(spec.type, "object")


def check_columns(spec: TableSpec, columns: list[str]) -> list[dict]:
    """Problems with the header: unknown, duplicate or missing columns."""
    problems = []
    seen = set()
    for col in columns:
        if col in seen:
            problems.append(_problem(1, col, col, "each column name once"))
        seen.add(col)
        if spec.spec_for(col) is None:
            problems.append(
                _problem(1, col, col, "a column of this table (see data/raw/catalogue.yaml)")
            )
    for c in spec.columns:
        if c.required and not any(c.matches(col) for col in columns):
            what = f"a column named like '{c.name}'" if c.is_pattern else f"column '{c.name}'"
            problems.append(_problem(None, c.name, "(missing)", what))
    return problems


def convert_types(spec: TableSpec, text: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Convert text cells to typed columns, collecting a problem per bad cell."""
    problems = []
    data = {}
    for col in text.columns:
        cspec = spec.spec_for(col)
        if cspec is None:
            continue
        values = []
        for i, cell in enumerate(text[col].tolist()):
            value, error = _convert_cell("" if cell is None else str(cell), cspec)
            if error:
                problems.append(_problem(i + 2, col, cell, error))
            values.append(value)
        data[col] = pd.Series(values, dtype=_dtype(cspec), index=text.index)
    return pd.DataFrame(data, index=text.index), problems


def build_schema(spec: TableSpec, columns: list[str]) -> pa.DataFrameSchema:
    """A pandera schema for the actual columns of one file."""
    schema_columns = {}
    for col in columns:
        cspec = spec.spec_for(col)
        if cspec is None:
            continue
        checks = []
        if cspec.min is not None:
            checks.append(pa.Check.ge(cspec.min, error=f"a value >= {cspec.min}"))
        if cspec.max is not None:
            checks.append(pa.Check.le(cspec.max, error=f"a value <= {cspec.max}"))
        if cspec.allowed:
            checks.append(
                pa.Check.isin(list(cspec.allowed), error=f"one of {', '.join(cspec.allowed)}")
            )
        schema_columns[col] = pa.Column(
            _dtype(cspec), checks=checks, nullable=cspec.nullable, coerce=False
        )
    key = [k for k in spec.key if k in columns]
    return pa.DataFrameSchema(
        schema_columns,
        unique=key or None,
        report_duplicates="all",
        strict=False,
    )


def _pandera_problems(spec: TableSpec, frame: pd.DataFrame, err: SchemaErrors) -> list[dict]:
    problems = []
    cases = err.failure_cases
    for _, case in cases.iterrows():
        column = case.get("column")
        index = case.get("index")
        check = str(case.get("check"))
        found = case.get("failure_case")
        row = int(index) + 2 if pd.notna(index) else None
        if check == "not_nullable":
            problems.append(
                _problem(row, column, "(empty)", "a value (this column may not be empty)")
            )
        elif "unique" in check or check == "multiple_fields_uniqueness":
            key = ", ".join(spec.key)
            problems.append(_problem(row, column or key, found, f"a unique combination of ({key})"))
        else:
            problems.append(_problem(row, column, found, check))
    return problems


def format_problems(
    spec: TableSpec, path: Path, problems: list[dict], sheet: str | None = None
) -> str:
    """The message of a ValidationError; ``sheet`` is named for a workbook."""
    where = display_path(path)
    if sheet is not None:
        where = f"{where}, sheet '{sheet}'"
    lines = [f"{where} ({spec.source}) is not valid: {len(problems)} problem(s)."]
    for p in problems[:MAX_LISTED_PROBLEMS]:
        loc = [f"sheet '{sheet}'"] if sheet is not None else []
        if p["row"] is not None:
            loc.append(f"row {p['row']}")
        if p["column"] is not None:
            loc.append(f"column '{p['column']}'")
        lines.append(f"  - {', '.join(loc)}: found {p['found']!r}, expected {p['expected']}")
    if len(problems) > MAX_LISTED_PROBLEMS:
        lines.append(f"  ... and {len(problems) - MAX_LISTED_PROBLEMS} more")
    lines.append("Fix the file (raw data is never changed by the pipeline) and run again.")
    return "\n".join(lines)


def _as_published(text: pd.DataFrame, problems: list[dict]) -> list[dict]:
    """Rows numbered as in the file (the reader skips empty rows; it lists the others)."""
    numbers = text.attrs.get("rows")
    if not numbers or len(numbers) != len(text):
        return problems
    for p in problems:
        if p["row"] is not None and 2 <= p["row"] < len(numbers) + 2:
            p["row"] = numbers[p["row"] - 2]
    return problems


def validate_table(spec: TableSpec, path: Path, text: pd.DataFrame) -> RawTable:
    """Validate the text of a raw table; return it typed or raise ValidationError."""
    columns = list(text.columns)
    sheet = text.attrs.get("sheet")
    problems = check_columns(spec, columns)
    if problems:
        raise ValidationError(format_problems(spec, path, problems, sheet), problems)
    text, problems = normalise_decimals(spec, text)
    if problems:
        raise ValidationError(format_problems(spec, path, problems, sheet), problems)
    frame, problems = convert_types(spec, text)
    try:
        build_schema(spec, columns).validate(frame, lazy=True)
    except SchemaErrors as err:
        # A cell that failed type conversion is also empty for pandera: report it once.
        reported = {(p["row"], p["column"]) for p in problems}
        for p in _pandera_problems(spec, frame, err):
            if (p["row"], p["column"]) in reported:
                continue
            # Show the cell as the user wrote it, not as converted.
            if p["row"] is not None and p["column"] in text.columns and p["found"] != "(empty)":
                p["found"] = text.at[p["row"] - 2, p["column"]]
            problems.append(p)
    if problems:
        problems.sort(key=lambda p: (p["row"] or 0, str(p["column"])))
        problems = _as_published(text, problems)
        raise ValidationError(format_problems(spec, path, problems, sheet), problems)
    return RawTable(spec=spec, path=path, frame=frame, text=text)
