"""Terminal summaries (rich tables) for the command line."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from lkjip_helpers.data.audit import PENYAJIAN, summary_counts


def _value(v: object) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def print_audit_summary(audit: pd.DataFrame, year: int, console: Console | None = None) -> None:
    """Print the audit: one line per finding (not per place), counts as in the appendix.

    The counts are :func:`lkjip_helpers.data.audit.summary_counts` of ``audit.csv``,
    the same the appendix "Catatan Kualitas Data" states.
    """
    console = console or Console(highlight=False)
    n = summary_counts(audit)
    if n["temuan"] == 0 and n["penyajian"] == 0:
        console.print(f"audit {year}: no inconsistencies found in the published figures")
        return
    console.print(
        f"audit {year}: {n['temuan']} inconsistencies in the published figures "
        f"({n['material']} material, {n['tempat']} places) and {n['penyajian']} "
        f"presentation remarks (outputs/{year}/audit.csv)"
    )
    if n["temuan"] == 0:
        return
    # tabel_laporan (this report's tables) is written once the report is rendered
    laporan = "tabel_laporan" in audit.columns
    table = Table(show_lines=False)
    columns = ["temuan", "tingkat", "tabel", "item", "nilai_publikasi", "nilai_hitung", "tempat"]
    if laporan:
        columns.insert(3, "tabel_laporan")
    for col in columns:
        table.add_column(col, overflow="fold")
    issues = audit[audit["jenis"] != PENYAJIAN]
    for kode, places in issues.groupby("temuan", sort=True):
        first = places.iloc[0]
        tables = ", ".join(dict.fromkeys(str(t) for t in places["tabel"]))
        values = [
            kode,
            first["tingkat"],
            tables,
            first["item"],
            _value(first["nilai_publikasi"]),
            _value(first["nilai_hitung"]),
            len(places),
        ]
        if laporan:
            numbers = [n for v in places["tabel_laporan"] for n in _value(v).split("; ") if n]
            values.insert(3, ", ".join(dict.fromkeys(numbers)))
        # Text() keeps cell content literal: data may contain [brackets] rich would parse.
        table.add_row(*(Text(str(v)) for v in values))
    console.print(table)
