"""Audit of the published figures: recompute what can be derived, list every mismatch.

The published report is kept as data (totals, percentages, capaian as printed);
the audit recomputes each from its parts and reports a *finding* wherever the
printed figure differs beyond its printed precision. A finding is never a crash
and never changes the data: the reviewer decides.

Rules are declared per table in the catalogue (``checks``), per year for figures
printed in prose (``angka_publikasi.csv``) and, for the IKU, by the build
(:func:`iku_findings`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

import pandas as pd

from lkjip_helpers.core.exceptions import ParamsError
from lkjip_helpers.data.catalogue import YEAR_TOKEN, ColumnSpec
from lkjip_helpers.data.validation import RawTable

AUDIT_COLUMNS = [
    "tabel",
    "item",
    "nilai_publikasi",
    "nilai_hitung",
    "selisih",
    "aturan",
    "tabel_data",
    "keterangan",
]
RULE_LABELS = {
    "sum_rows": "jumlah baris rincian = baris jumlah",
    "sum_columns": "jumlah kolom rincian = kolom jumlah",
    "ratio": "persentase = pembilang / penyebut x 100",
    "share_of_total": "persentase = nilai / jumlah x 100",
    "difference": "selisih = a - b",
    "same_values": "tabel yang dicetak ulang memuat angka yang sama",
    "koreksi_header": "judul kolom tahun tidak sesuai isi",
    "angka_publikasi": "angka dalam teks = angka dari tabel",
    "capaian_iku": "capaian = realisasi / target x 100",
    "realisasi_iku": "realisasi tercetak = realisasi hasil hitung",
}
_OPERAND_RE = re.compile(r"^\s*(?P<table>\w+)\.(?P<column>\w+)\s*(\[(?P<query>.*)\])?\s*$")


@dataclass(frozen=True)
class Finding:
    tabel: str
    item: str
    nilai_publikasi: object
    nilai_hitung: object
    selisih: float | None
    aturan: str
    tabel_data: str
    keterangan: str = ""


def decimals_of(text: object) -> int:
    """Decimal places of a figure as written ('2.38' -> 2, '100' -> 0)."""
    value = str(text).strip()
    return len(value.split(".", 1)[1]) if "." in value else 0


def differs(published: float, recomputed: float, decimals: int) -> bool:
    """True when ``recomputed`` does not round to ``published`` at its precision."""
    tolerance = 0.5 * 10 ** (-decimals) + 1e-9
    return abs(float(recomputed) - float(published)) > tolerance


def _is_number(value: object) -> bool:
    if value is None or value is pd.NA:
        return False
    try:
        return not math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def _years(pattern: str, columns: Iterable[str]) -> dict[int | None, str]:
    """Map year -> actual column for a pattern; {None: name} for a plain column."""
    if YEAR_TOKEN not in pattern:
        return {None: pattern} if pattern in columns else {}
    regex = ColumnSpec(pattern, "float").regex()
    out = {}
    for col in columns:
        m = regex.match(col)
        if m:
            out[int(m.group("tahun"))] = col
    return out


def _resolve(pattern: str, year: int | None) -> str:
    return pattern.replace(YEAR_TOKEN, str(year)) if year is not None else pattern


def _row_label(table: RawTable, idx) -> str:
    frame = table.frame
    parts = []
    for col in table.spec.key:
        if col in frame.columns and pd.notna(frame.at[idx, col]):
            parts.append(str(frame.at[idx, col]))
    if not parts:
        # no key: the row number (as the user counts: header is row 1) tells rows apart
        parts.append(f"baris {idx + 2}")
    if "jenis_baris" in frame.columns and "jenis_baris" not in table.spec.key:
        kind = frame.at[idx, "jenis_baris"]
        if pd.notna(kind) and kind != "rincian":
            parts.append(str(kind))
    return " / ".join(parts)


def _select(frame: pd.DataFrame, query: str | None) -> pd.DataFrame:
    if not query:
        return frame
    return frame.query(query, engine="python")


class _Auditor:
    def __init__(self, table: RawTable):
        self.table = table
        self.frame = table.frame
        self.findings: list[Finding] = []

    def report(
        self,
        idx,
        column: str,
        published,
        recomputed,
        rule: str,
        note: str = "",
        item: str | None = None,
        decimals: int | None = None,
    ) -> None:
        if isinstance(published, str) or isinstance(recomputed, str):
            if published is None or recomputed is None or pd.isna(published) or pd.isna(recomputed):
                return
            if (
                " ".join(str(published).split()).casefold()
                != " ".join(str(recomputed).split()).casefold()
            ):
                self._add(idx, column, str(published), str(recomputed), None, rule, note, item)
            return
        if not (_is_number(published) and _is_number(recomputed)):
            return
        if decimals is None:
            decimals = (
                self.table.decimals(idx, column) if idx is not None else decimals_of(published)
            )
        if differs(published, recomputed, decimals):
            self._add(
                idx,
                column,
                float(published),
                round(float(recomputed), 6),
                round(float(published) - float(recomputed), 6),
                rule,
                note,
                item,
            )

    def _add(self, idx, column, published, recomputed, diff, rule, note, item) -> None:
        if item is None:
            item = f"{_row_label(self.table, idx)}: {column}" if idx is not None else column
        self.findings.append(
            Finding(
                tabel=self.table.spec.source,
                item=item,
                nilai_publikasi=published,
                nilai_hitung=recomputed,
                selisih=diff,
                aturan=rule,
                tabel_data=self.table.spec.name,
                keterangan=note,
            )
        )

    def rows(self, check: dict) -> pd.DataFrame:
        return _select(self.frame, check.get("where"))

    def kind(self, rows: pd.DataFrame, default: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        if "jenis_baris" not in rows.columns:
            raise ParamsError(
                f"data/raw/catalogue.yaml: tables.{self.table.spec.name}: rule {default} "
                "needs a jenis_baris column"
            )
        return rows[rows["jenis_baris"] == "rincian"], rows[rows["jenis_baris"] == "jumlah"]

    def groups(self, rows: pd.DataFrame, check: dict):
        group = check.get("group")
        if not group:
            yield rows
            return
        for _, sub in rows.groupby(group, sort=False, dropna=False):
            yield sub

    def sum_rows(self, check: dict) -> None:
        rows = self.rows(check)
        for sub in self.groups(rows, check):
            if check.get("parts") or check.get("total"):
                parts = _select(sub, check.get("parts"))
                totals = _select(sub, check.get("total"))
            else:
                parts, totals = self.kind(sub, "sum_rows")
            for pattern in check.get("columns", []):
                for _, col in _years(pattern, self.frame.columns).items():
                    values = parts[col].dropna()
                    if values.empty:
                        continue
                    for idx in totals.index:
                        self.report(idx, col, totals.at[idx, col], values.sum(), "sum_rows")

    def sum_columns(self, check: dict) -> None:
        rows = self.rows(check)
        for year, result in _years(check["result"], self.frame.columns).items():
            parts = [_resolve(p, year) for p in check.get("parts", [])]
            parts = [p for p in parts if p in self.frame.columns]
            for idx in rows.index:
                values = [rows.at[idx, p] for p in parts]
                if not values or not all(_is_number(v) for v in values):
                    continue
                self.report(idx, result, rows.at[idx, result], sum(values), "sum_columns")

    def ratio(self, check: dict) -> None:
        rows = self.rows(check)
        scale = float(check.get("scale", 100))
        for year, result in _years(check["result"], self.frame.columns).items():
            num = _resolve(check["numerator"], year)
            den = _resolve(check["denominator"], year)
            if num not in self.frame.columns or den not in self.frame.columns:
                continue
            for idx in rows.index:
                a, b = rows.at[idx, num], rows.at[idx, den]
                if _is_number(a) and _is_number(b) and float(b) != 0:
                    self.report(idx, result, rows.at[idx, result], a / b * scale, "ratio")

    def difference(self, check: dict) -> None:
        rows = self.rows(check)
        for year, result in _years(check["result"], self.frame.columns).items():
            a = _resolve(check["minuend"], year)
            b = _resolve(check["subtrahend"], year)
            for idx in rows.index:
                x, y = rows.at[idx, a], rows.at[idx, b]
                if _is_number(x) and _is_number(y):
                    self.report(idx, result, rows.at[idx, result], x - y, "difference")

    def share_of_total(self, check: dict) -> None:
        rows = self.rows(check)
        for sub in self.groups(rows, check):
            parts, totals = self.kind(sub, "share_of_total")
            for year, value_col in _years(check["value"], self.frame.columns).items():
                result = _resolve(check["result"], year)
                if result not in self.frame.columns:
                    continue
                # Shares are printed against the printed total; a wrong total is its own
                # finding (sum_rows). Without a printed total, the detail rows' sum counts.
                printed = totals[value_col].dropna() if not totals.empty else totals
                values = parts[value_col].dropna()
                if len(printed):
                    total = printed.iloc[0]
                else:
                    total = values.sum() if not values.empty else None
                if not _is_number(total) or float(total) == 0:
                    continue
                for idx in parts.index:
                    value = sub.at[idx, value_col]
                    if _is_number(value):
                        self.report(
                            idx, result, sub.at[idx, result], value / total * 100, "share_of_total"
                        )

    def same_values(self, check: dict, others: Mapping[str, RawTable]) -> None:
        """A table printed twice (or a figure repeated elsewhere) must agree.

        ``on`` names the matching columns (default: the key); ``where`` filters both
        tables (``other_where`` overrides it for the other one). When ``on``
        contains ``tahun`` the comparison runs on the tidy (long) forms.
        """
        from lkjip_helpers.data.tidy import tidy_table

        other = others.get(check["other"])
        if other is None:
            return
        on = list(check.get("on") or self.table.spec.key)
        long = "tahun" in on
        mine_frame, theirs_frame = self.frame, other.frame
        if long and "tahun" not in mine_frame.columns:
            mine_frame = tidy_table(self.table.spec, mine_frame)
        if long and "tahun" not in theirs_frame.columns:
            theirs_frame = tidy_table(other.spec, theirs_frame)
        where = check.get("where")
        mine = _select(mine_frame, where)
        theirs = _select(theirs_frame, check.get("other_where", where))
        note = f"dibandingkan dengan {other.spec.source}"
        for pattern in check.get("columns", []):
            for year, col in _years(pattern, mine.columns).items():
                other_col = _resolve(check.get("other_columns", {}).get(pattern, pattern), year)
                if other_col not in theirs.columns:
                    continue
                for idx in mine.index:
                    match = theirs
                    for k in on:
                        match = match[match[k] == mine.at[idx, k]]
                    if len(match) != 1:
                        continue
                    value = match.iloc[0][other_col]
                    if long:
                        label = " / ".join(str(mine.at[idx, k]) for k in on)
                        self.report(
                            None,
                            col,
                            mine.at[idx, col],
                            value,
                            "same_values",
                            note=note,
                            item=f"{label}: {col}",
                        )
                    else:
                        self.report(idx, col, mine.at[idx, col], value, "same_values", note=note)


def audit_table(
    table: RawTable, others: Mapping[str, RawTable], year: int | None = None
) -> list[Finding]:
    """Run the catalogue checks of one table and list its header corrections.

    A correction with a ``tahun`` belongs to that report year's printing only.
    """
    auditor = _Auditor(table)
    for check in table.spec.checks:
        rule = check["rule"]
        try:
            if rule == "same_values":
                auditor.same_values(check, others)
            else:
                getattr(auditor, rule)(check)
        except KeyError as exc:
            raise ParamsError(
                f"data/raw/catalogue.yaml: tables.{table.spec.name}.checks ({rule}): "
                f"column or option {exc} not found"
            ) from None
    for corr in table.spec.corrections:
        if year is not None and corr.get("tahun") not in (None, year):
            continue
        auditor.findings.append(
            Finding(
                tabel=table.spec.source,
                item=str(corr.get("where", "judul kolom")),
                nilai_publikasi=str(corr.get("published", "")),
                nilai_hitung=str(corr.get("used", "")),
                selisih=None,
                aturan="koreksi_header",
                tabel_data=table.spec.name,
                keterangan=str(corr.get("reason", "")),
            )
        )
    return auditor.findings


def evaluate_operand(operand: object, tables: Mapping[str, RawTable]) -> float | None:
    """Value of ``table.column[query]`` (the sum of the selected cells) or a number."""
    if _is_number(operand):
        return float(operand)
    text = str(operand or "").strip()
    if not text:
        return None
    m = _OPERAND_RE.match(text)
    if not m:
        raise ParamsError(f"angka_publikasi.csv: operand {text!r} is not table.column[query]")
    table = tables.get(m.group("table"))
    if table is None:
        raise ParamsError(f"angka_publikasi.csv: operand {text!r}: no table {m.group('table')!r}")
    rows = _select(table.frame, m.group("query"))
    column = m.group("column")
    if column not in rows.columns:
        raise ParamsError(f"angka_publikasi.csv: operand {text!r}: no column {column!r}")
    values = rows[column].dropna()
    if values.empty:
        return None
    return float(values.astype(float).sum())


FORMULAS = {
    "value": lambda a, b: a,
    "sum": lambda a, b: a + (b or 0.0),
    "ratio": lambda a, b: a / b * 100 if b else None,
    "difference": lambda a, b: a - b,
    "pct_change": lambda a, b: (b - a) / a * 100 if a else None,
}


def audit_prose_figures(angka: RawTable, tables: Mapping[str, RawTable]) -> list[Finding]:
    """Compare figures printed in prose with their recomputation from the tables."""
    findings = []
    frame = angka.frame
    for idx in frame.index:
        row = frame.loc[idx]
        formula = str(row.get("rumus", "value"))
        if formula not in FORMULAS:
            raise ParamsError(
                f"{angka.spec.name}.csv, row {idx + 2}: rumus {formula!r} is not one of "
                f"{sorted(FORMULAS)}"
            )
        a = evaluate_operand(row.get("a"), tables)
        b = evaluate_operand(row.get("b"), tables) if "b" in frame.columns else None
        if a is None or (formula not in ("value", "sum") and b is None):
            continue
        recomputed = FORMULAS[formula](a, b)
        published = row.get("nilai_publikasi")
        if recomputed is None or not _is_number(published):
            continue
        if differs(published, recomputed, angka.decimals(idx, "nilai_publikasi")):
            findings.append(
                Finding(
                    tabel=str(row.get("lokasi", angka.spec.source)),
                    item=str(row.get("uraian", row.get("id", ""))),
                    nilai_publikasi=float(published),
                    nilai_hitung=round(float(recomputed), 6),
                    selisih=round(float(published) - float(recomputed), 6),
                    aturan="angka_publikasi",
                    tabel_data=angka.spec.name,
                    keterangan=str(row.get("id", "")),
                )
            )
    return findings


def findings_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """The audit as a table with the columns of ``audit.csv``."""
    frame = pd.DataFrame([asdict(f) for f in findings], columns=AUDIT_COLUMNS)
    return frame.astype({"tabel": "object", "item": "object"})


def run_audit(
    tables: Mapping[str, RawTable],
    prose_table: str = "angka_publikasi",
    year: int | None = None,
) -> pd.DataFrame:
    """Audit every table (in catalogue order) and the prose figures of one year."""
    findings: list[Finding] = []
    for name, table in tables.items():
        if name == prose_table:
            continue
        findings.extend(audit_table(table, tables, year))
    if prose_table in tables:
        findings.extend(audit_prose_figures(tables[prose_table], tables))
    return findings_frame(findings)
