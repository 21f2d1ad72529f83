"""Terminal summaries (rich tables) for the command line."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text


def print_audit_summary(audit: pd.DataFrame, year: int, console: Console | None = None) -> None:
    """Print the audit findings as a readable table, grouped by report table."""
    console = console or Console(highlight=False)
    if audit.empty:
        console.print(f"audit {year}: no inconsistencies found in the published figures")
        return
    console.print(
        f"audit {year}: {len(audit)} inconsistencies in the published figures "
        f"(outputs/{year}/audit.csv)"
    )
    table = Table(show_lines=False)
    for col in ("tabel", "item", "nilai_publikasi", "nilai_hitung", "aturan"):
        table.add_column(col, overflow="fold")
    for row in audit.itertuples(index=False):
        # Text() keeps cell content literal: data may contain [brackets] rich would parse.
        table.add_row(
            *(
                Text(str(v))
                for v in (row.tabel, row.item, row.nilai_publikasi, row.nilai_hitung, row.aturan)
            )
        )
    console.print(table)
