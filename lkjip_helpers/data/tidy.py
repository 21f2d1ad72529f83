"""Tidy raw tables into processed tables (long format, typed).

A raw sheet has a column per year (``jumlah_2016``, ``jumlah_2017``...) because
that is how units fill it in; analysis wants one row per year with a ``tahun``
column. Pure functions: DataFrame in, DataFrame out.
"""

from __future__ import annotations

import re

import pandas as pd

from lkjip_helpers.core.exceptions import ParamsError
from lkjip_helpers.data.catalogue import TableSpec


def _stub_columns(columns: list[str], stub: str) -> dict[str, int]:
    pattern = re.compile(rf"^{re.escape(stub)}_(\d{{4}})$")
    found = {}
    for col in columns:
        m = pattern.match(col)
        if m:
            found[col] = int(m.group(1))
    return found


def tidy_table(spec: TableSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """Return the processed (tidy) form of a validated raw table.

    Without a ``tidy`` entry the table is returned typed as is. With
    ``tidy: {id: [...], stubs: [...]}`` every ``<stub>_<yyyy>`` column becomes a
    row per year: columns ``id..., tahun, stub1, stub2, ...``. Year columns that
    are not listed as stubs are an error in the catalogue.
    """
    frame = frame.reset_index(drop=True)
    if not spec.tidy:
        return frame.copy()
    stubs = list(spec.tidy.get("stubs") or [])
    if not stubs:
        raise ParamsError(f"data/raw/catalogue.yaml: tables.{spec.name}.tidy.stubs: missing")
    stub_cols = {stub: _stub_columns(list(frame.columns), stub) for stub in stubs}
    used = {c for cols in stub_cols.values() for c in cols}
    ids = list(spec.tidy.get("id") or [c for c in frame.columns if c not in used])
    missing = [c for c in ids if c not in frame.columns]
    if missing:
        raise ParamsError(
            f"data/raw/catalogue.yaml: tables.{spec.name}.tidy.id: columns {missing} "
            "are not in the table"
        )
    frame = frame.assign(_urutan=range(len(frame)))
    parts = []
    for stub, cols in stub_cols.items():
        if not cols:
            continue
        long = frame[ids + ["_urutan"] + list(cols)].melt(
            id_vars=ids + ["_urutan"], var_name="_kolom", value_name=stub
        )
        long["tahun"] = long["_kolom"].map(cols).astype("Int64")
        long[stub] = long[stub].astype(frame[next(iter(cols))].dtype)
        parts.append(long.drop(columns="_kolom"))
    if not parts:
        return frame.drop(columns="_urutan")[ids].copy()
    result = parts[0]
    for part in parts[1:]:
        result = result.merge(part, on=ids + ["_urutan", "tahun"], how="outer")
    result = result.sort_values(["_urutan", "tahun"], kind="stable").drop(columns="_urutan")
    columns = ids + ["tahun"] + [s for s in stubs if s in result.columns]
    return result[columns].reset_index(drop=True)
