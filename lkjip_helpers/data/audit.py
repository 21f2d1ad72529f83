"""Audit of the published figures: recompute what can be derived, one finding per defect.

The published report is kept as data (totals, percentages, capaian as printed);
the audit recomputes each from its parts and reports a *place* wherever the
printed figure cannot be the rounding of the recomputation. Places that show the
same defect (a reprinted table, a column shifted by one row, the same printed
cell checked twice, a target and a realisation swapped in the prose) are grouped
into one *finding* (``temuan``). A finding is never a crash and never changes the
data: the reviewer decides.

Rounding never raises a finding. A printed input is an interval: ``19.05`` means
``[19.045, 19.055]`` (a whole number is taken as exact: counts, rupiah, set
targets). The recomputation propagates the intervals of its inputs, and a printed
result is a finding only when no value of its own rounding interval lies in the
propagated one.

Rules are declared per table in the catalogue (``checks``), per year for figures
printed in prose (``angka_publikasi.csv``) and, for the IKU, by the build
(:func:`lkjip_helpers.indikator.pengukuran.iku_audit`). Header corrections of the
catalogue (``corrections``) are presentation remarks (``jenis`` = ``penyajian``),
listed apart from the inconsistencies.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from lkjip_helpers.core.exceptions import ParamsError
from lkjip_helpers.core.numbers import bulatkan
from lkjip_helpers.data.catalogue import YEAR_TOKEN, ColumnSpec
from lkjip_helpers.data.tidy import tidy_table
from lkjip_helpers.data.validation import RawTable

#: Columns of ``audit.csv``: one row per place, ``temuan`` groups the places of a defect.
AUDIT_COLUMNS = [
    "temuan",
    "jenis",
    "tingkat",
    "pola",
    "tabel",
    "item",
    "nilai_publikasi",
    "nilai_hitung",
    "selisih",
    "aturan",
    "tabel_data",
    "keterangan",
]
#: ``jenis`` of an inconsistency (a printed figure the data contradicts).
INKONSISTENSI = "inkonsistensi"
#: ``jenis`` of a presentation remark (header, typo, layout): "Catatan penyajian".
PENYAJIAN = "penyajian"
MATERIAL = "material"
MINOR = "minor"

RULE_LABELS = {
    "sum_rows": "jumlah baris rinciannya",
    "sum_columns": "jumlah kolom rinciannya",
    "ratio": "pembilang / penyebut x 100",
    "capaian": "rumus capaian IKU sesuai polaritasnya",
    "share_of_total": "nilai / jumlah x 100",
    "difference": "pengurangan kedua angkanya",
    "same_values": "cetakan lainnya",
    "koreksi_header": "judul kolom atau tata letak tabel",
    "angka_publikasi": "tabel yang dikutip",
    "capaian_iku": "rumus capaian IKU dari data rinci",
    "realisasi_iku": "aturan realisasi IKU dari data rinci",
}
_OPERAND_RE = re.compile(r"^\s*(?P<table>\w+)\.(?P<column>\w+)\s*(\[(?P<query>.*)\])?\s*$")
#: Signature of the IKU capaian rule handed to the audit: (kode, realisasi, target) -> %.
CapaianRule = Callable[[str, float, float], float]


# ------------------------------------------------------------------ intervals


@dataclass(frozen=True)
class Interval:
    """A closed interval of real values (a printed figure and its rounding)."""

    lo: float
    hi: float

    @classmethod
    def exact(cls, value: float) -> Interval:
        return cls(float(value), float(value))

    @classmethod
    def printed(cls, value: float, decimals: int) -> Interval:
        """The values a printed *input* may stand for.

        A figure printed with decimals was rounded: half a unit of its last digit
        either side. A whole number is taken as exact (counts, rupiah, targets).
        """
        half = 0.5 * 10 ** (-decimals) if decimals > 0 else 0.0
        return cls(float(value) - half, float(value) + half)

    @classmethod
    def result(cls, value: float, decimals: int) -> Interval:
        """The values a printed *result* may be the rounding of (always half a unit)."""
        half = 0.5 * 10 ** (-decimals)
        return cls(float(value) - half, float(value) + half)

    @property
    def mid(self) -> float:
        return (self.lo + self.hi) / 2

    def meets(self, other: Interval) -> bool:
        """True when the intervals share a value (a tiny float slack included)."""
        slack = 1e-9 * max(1.0, abs(self.lo), abs(self.hi), abs(other.lo), abs(other.hi))
        return self.lo <= other.hi + slack and other.lo <= self.hi + slack

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.lo + other.lo, self.hi + other.hi)

    def __sub__(self, other: Interval) -> Interval:
        return Interval(self.lo - other.hi, self.hi - other.lo)


def combine(fn: Callable[..., float], *args: Interval) -> Interval:
    """Interval of ``fn`` over the box ``args``, from its corners.

    Every formula of the audit (ratio, difference, percentage change, the capaian
    rules) is monotone in each argument on a box that does not cross a zero
    denominator, so its extremes are at the corners.
    """
    values = [fn(*corner) for corner in itertools.product(*[(a.lo, a.hi) for a in args])]
    return Interval(min(values), max(values))


def interval_sum(parts: Iterable[Interval]) -> Interval:
    total = Interval.exact(0.0)
    for p in parts:
        total = total + p
    return total


def same_printed(a: float, a_decimals: int, b: float, b_decimals: int) -> bool:
    """True when two printings of one figure agree: the finer one, rounded (half up)
    to the coarser one's decimals, is the coarser one ('110' and '110.33' agree)."""
    if a_decimals > b_decimals:
        a, a_decimals, b, b_decimals = b, b_decimals, a, a_decimals
    return float(bulatkan(b, a_decimals)) == float(bulatkan(a, a_decimals))


def decimals_of(text: object) -> int:
    """Decimal places of a figure as written ('2.38' -> 2, '100' -> 0)."""
    value = str(text).strip()
    return len(value.split(".", 1)[1]) if "." in value else 0


def truncated(published: float, recomputed: Interval, decimals: int) -> bool:
    """True when ``published`` is the recomputation cut (not rounded) to ``decimals``:
    a presentation slip (380.95 printed "380"), not an inconsistency."""
    unit = 10 ** (-decimals)
    slack = 1e-9 * max(1.0, abs(published))
    if published >= 0:  # [published, published + unit): the next printed value excluded
        return recomputed.hi >= published - slack and recomputed.lo < published + unit - slack
    return recomputed.lo <= published + slack and recomputed.hi > published - unit + slack


def differs(published: float, recomputed: float | Interval, decimals: int) -> bool:
    """True when ``recomputed`` (a value or an interval) cannot round to ``published``."""
    if not isinstance(recomputed, Interval):
        recomputed = Interval.exact(float(recomputed))
    return not Interval.result(float(published), decimals).meets(recomputed)


# ------------------------------------------------------------------ places


@dataclass(frozen=True)
class Finding:
    """One *place* where a printed figure disagrees (or a presentation remark).

    The first eight fields are those of ``audit.csv``; the others let the audit
    group the places of one defect.
    """

    tabel: str
    item: str
    nilai_publikasi: object
    nilai_hitung: object
    selisih: float | None
    aturan: str
    tabel_data: str
    keterangan: str = ""
    jenis: str = INKONSISTENSI
    material: bool = False
    pola: str = ""
    kolom: str = ""
    cell: tuple | None = None
    other_cell: tuple | None = None
    group: str | None = None
    lokasi_teks: str = ""
    kalimat: str = ""
    extra: dict = field(default_factory=dict, compare=False)


def _is_number(value: object) -> bool:
    if value is None or value is pd.NA or isinstance(value, bool):
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


def _is_material_table(table: RawTable) -> bool:
    """Budget tables and tables of IKU figures: a defect there changes an IKU's capaian,
    a sasaran average or a budget absorption figure."""
    return table.spec.subject == "anggaran" or "kode_iku" in table.frame.columns


class _NotThisYear(Exception):
    """A check on year-named columns this year's table does not have."""


@dataclass
class _Row:
    """One evaluated cell of a check: printed value vs propagated recomputation."""

    idx: object
    published: object
    decimals: int
    computed: Interval | str | None


class _Auditor:
    def __init__(self, table: RawTable, capaian: CapaianRule | None = None):
        self.table = table
        self.frame = table.frame
        self.capaian_rule = capaian
        self.findings: list[Finding] = []
        self.material = _is_material_table(table)

    # -- errors and inputs ---------------------------------------------------

    def missing(self, rule: str, columns: list[str]) -> Exception:
        """A missing column is a catalogue error, unless every missing name carries a
        year: the check then belongs to another year's printing (the catalogue serves
        every year) and does not apply to this table."""
        if all(_YEAR_SUFFIX.match(c) or re.search(r"\d{4}", c) for c in columns):
            return _NotThisYear()
        return self.error(rule, f"column {', '.join(columns)} not found in the table")

    def error(self, rule: str, message: str) -> ParamsError:
        return ParamsError(
            f"data/raw/catalogue.yaml: tables.{self.table.spec.name}.checks ({rule}): {message}"
        )

    def need(self, rule: str, *columns: str) -> None:
        missing = [c for c in columns if c not in self.frame.columns]
        if missing:
            raise self.missing(rule, missing)

    def years(self, rule: str, pattern: str) -> dict[int | None, str]:
        found = _years(pattern, self.frame.columns)
        if not found:
            if YEAR_TOKEN not in pattern:
                raise self.missing(rule, [pattern])
            raise self.error(rule, f"no column matches {pattern!r}")
        return found

    def iv(self, idx, column: str) -> Interval | None:
        """Interval of a printed input cell (None when empty)."""
        value = self.frame.at[idx, column]
        if not _is_number(value):
            return None
        return Interval.printed(float(value), self.table.decimals(idx, column))

    # -- reporting -----------------------------------------------------------

    def flag(self, column: str, rule: str, rows: list[_Row], note: str = "", **kw) -> None:
        """Report the rows whose printed value is not a rounding of the recomputation.

        When two or more rows of one column disagree and every printed value equals
        the recomputation of the next (or previous) row, the column is shifted by
        one row: one defect, whose places are grouped.
        """
        bad = [i for i, r in enumerate(rows) if self._mismatch(r)]
        group = None
        pola = ""
        if len(bad) >= 2:
            for step in (1, -1):
                # the row at the end the column moved away from has no neighbour
                edge = len(rows) - 1 if step == 1 else 0
                explained = [i for i in bad if self._shifted(rows, i, step)]
                if len(explained) >= 2 and all(i in explained or i == edge for i in bad):
                    group = f"geser:{self.table.spec.name}:{column}"
                    pola = "geser_bawah" if step == 1 else "geser_atas"
                    break
        for i in bad:
            r = rows[i]
            self._add_row(r, column, rule, note, group=group, pola=pola, **kw)

    def _mismatch(self, r: _Row) -> bool:
        if isinstance(r.computed, str) or isinstance(r.published, str):
            if r.published is None or r.computed is None:
                return False
            if pd.isna(r.published) or pd.isna(r.computed):
                return False
            return (
                " ".join(str(r.published).split()).casefold()
                != " ".join(str(r.computed).split()).casefold()
            )
        if r.computed is None or not _is_number(r.published):
            return False
        return differs(float(r.published), r.computed, r.decimals)

    def _shifted(self, rows: list[_Row], i: int, step: int) -> bool:
        j = i + step
        if not 0 <= j < len(rows):
            return False
        r, other = rows[i], rows[j]
        if not isinstance(other.computed, Interval) or not _is_number(r.published):
            return False
        return not differs(float(r.published), other.computed, r.decimals)

    def _add_row(self, r: _Row, column: str, rule: str, note: str, **kw) -> None:
        if isinstance(r.computed, Interval):
            published = float(r.published)
            computed = round(r.computed.mid, 6)
            diff = round(published - computed, 6)
        else:
            published, computed, diff = str(r.published), str(r.computed), None
        item = kw.pop("item", None)
        if isinstance(r.computed, Interval) and truncated(published, r.computed, r.decimals):
            kw.update(jenis=PENYAJIAN, pola="pemotongan", group=None)
        if item is None:
            item = f"{_row_label(self.table, r.idx)}: {column}" if r.idx is not None else column
        cell = kw.pop("cell", None) or (self.table.spec.name, r.idx, column)
        self.findings.append(
            Finding(
                tabel=self.table.spec.source,
                item=item,
                nilai_publikasi=published,
                nilai_hitung=computed,
                selisih=diff,
                aturan=rule,
                tabel_data=self.table.spec.name,
                keterangan=note,
                material=self.material,
                kolom=column,
                cell=cell,
                **kw,
            )
        )

    def row(self, idx, column: str, computed: Interval | None) -> _Row:
        return _Row(idx, self.frame.at[idx, column], self.table.decimals(idx, column), computed)

    # -- rules ---------------------------------------------------------------

    def rows(self, check: dict) -> pd.DataFrame:
        return _select(self.frame, check.get("where"))

    def kind(self, rows: pd.DataFrame, rule: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        if "jenis_baris" not in rows.columns:
            raise self.error(rule, "needs a jenis_baris column")
        return rows[rows["jenis_baris"] == "rincian"], rows[rows["jenis_baris"] == "jumlah"]

    def groups(self, rows: pd.DataFrame, check: dict):
        group = check.get("group")
        if not group:
            yield rows
            return
        self.need("sum_rows", group)
        for _, sub in rows.groupby(group, sort=False, dropna=False):
            yield sub

    def sum_rows(self, check: dict) -> None:
        rows = self.rows(check)
        for pattern in check.get("columns", []):
            self.years("sum_rows", pattern)
        for sub in self.groups(rows, check):
            if check.get("parts") or check.get("total"):
                parts = _select(sub, check.get("parts"))
                totals = _select(sub, check.get("total"))
            else:
                parts, totals = self.kind(sub, "sum_rows")
            for pattern in check.get("columns", []):
                for _, col in _years(pattern, self.frame.columns).items():
                    cells = [self.iv(i, col) for i in parts.index]
                    cells = [c for c in cells if c is not None]
                    if not cells:
                        continue
                    total = interval_sum(cells)
                    self.flag(col, "sum_rows", [self.row(i, col, total) for i in totals.index])

    def sum_columns(self, check: dict) -> None:
        rows = self.rows(check)
        for year, result in self.years("sum_columns", check["result"]).items():
            parts = [_resolve(p, year) for p in check.get("parts", [])]
            self.need("sum_columns", *parts)
            evaluated = []
            for idx in rows.index:
                cells = [self.iv(idx, p) for p in parts]
                if not cells or any(c is None for c in cells):
                    continue
                evaluated.append(self.row(idx, result, interval_sum(cells)))
            self.flag(result, "sum_columns", evaluated)

    def _ratio_like(self, check: dict, rule: str, a_key: str, b_key: str, fn) -> None:
        rows = self.rows(check)
        for year, result in self.years(rule, check["result"]).items():
            a_col = _resolve(check[a_key], year)
            b_col = _resolve(check[b_key], year)
            self.need(rule, a_col, b_col)
            evaluated = []
            for idx in rows.index:
                a, b = self.iv(idx, a_col), self.iv(idx, b_col)
                if a is None or b is None or not _is_number(rows.at[idx, result]):
                    continue
                if b.lo <= 0 <= b.hi:
                    raise self.error(
                        rule,
                        f"row {_row_label(self.table, idx)}: {b_col} is 0, so {result} "
                        "cannot be recomputed",
                    )
                evaluated.append(self.row(idx, result, fn(idx, a, b)))
            self.flag(result, rule, evaluated)

    def ratio(self, check: dict) -> None:
        scale = float(check.get("scale", 100))
        self._ratio_like(
            check,
            "ratio",
            "numerator",
            "denominator",
            lambda idx, a, b: combine(lambda x, y: x / y * scale, a, b),
        )

    def capaian(self, check: dict) -> None:
        """Capaian of an IKU row with the indicator's polarity and the agency's rule."""
        if self.capaian_rule is None:
            raise self.error(
                "capaian",
                "needs the agency's IKU definitions (params/agency.yaml) to know each "
                "indicator's polarity",
            )
        kode_col = check.get("kode", "kode_iku")
        self.need("capaian", kode_col)
        rule = self.capaian_rule

        def fn(idx, r, t):
            kode = str(self.frame.at[idx, kode_col])
            try:
                return combine(lambda x, y: rule(kode, x, y), r, t)
            except (KeyError, ValueError) as exc:
                raise self.error("capaian", f"row {kode}: {exc}") from None

        self._ratio_like(check, "capaian", "realisasi", "target", fn)

    def difference(self, check: dict) -> None:
        rows = self.rows(check)
        for year, result in self.years("difference", check["result"]).items():
            a = _resolve(check["minuend"], year)
            b = _resolve(check["subtrahend"], year)
            self.need("difference", a, b)
            evaluated = []
            for idx in rows.index:
                x, y = self.iv(idx, a), self.iv(idx, b)
                if x is not None and y is not None:
                    evaluated.append(self.row(idx, result, x - y))
            self.flag(result, "difference", evaluated)

    def share_of_total(self, check: dict) -> None:
        rows = self.rows(check)
        self.years("share_of_total", check["value"])
        for sub in self.groups(rows, check):
            parts, totals = self.kind(sub, "share_of_total")
            for year, value_col in _years(check["value"], self.frame.columns).items():
                result = _resolve(check["result"], year)
                if result not in self.frame.columns:
                    continue
                # Shares are printed against the printed total; a wrong total is its own
                # finding (sum_rows). Without a printed total, the detail rows' sum counts.
                printed = [self.iv(i, value_col) for i in totals.index]
                printed = [p for p in printed if p is not None]
                values = [self.iv(i, value_col) for i in parts.index]
                if printed:
                    total = printed[0]
                elif any(v is not None for v in values):
                    total = interval_sum(v for v in values if v is not None)
                else:
                    continue
                if total.hi <= 0:
                    continue  # nothing to share (every detail empty or 0)
                details = interval_sum(v for v in values if v is not None)
                evaluated = []
                for idx, value in zip(parts.index, values, strict=True):
                    if value is None or not _is_number(sub.at[idx, result]):
                        continue
                    share = combine(lambda v, t: v / t * 100, value, total)
                    evaluated.append(self.row(idx, result, share))
                before = len(self.findings)
                self.flag(result, "share_of_total", evaluated)
                if details.lo > 0:
                    # a share that is right against the details' sum shows a wrong
                    # printed total (its symptom), not a wrong share
                    for i in range(before, len(self.findings)):
                        f = self.findings[i]
                        value = self.iv(f.cell[1], value_col)
                        alt = combine(lambda v, t: v / t * 100, value, details)
                        if not differs(
                            float(f.nilai_publikasi), alt, self.table.decimals(f.cell[1], result)
                        ):
                            self.findings[i] = replace(f, extra={"sesuai_rincian": True})

    def same_values(self, check: dict, others: Mapping[str, RawTable]) -> None:
        """A table printed twice (or a figure repeated elsewhere) must agree.

        ``on`` names the matching columns (default: the key); ``where`` filters both
        tables (``other_where`` overrides it for the other one). When ``on``
        contains ``tahun`` the comparison runs on the tidy (long) forms.
        """
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
                    if re.search(r"\d{4}", other_col):
                        continue  # another year's column: not in this year's table
                    raise self.error(
                        "same_values", f"column {other_col!r} not found in {other.spec.name}"
                    )
                for idx in mine.index:
                    match = theirs
                    for k in on:
                        match = match[match[k] == mine.at[idx, k]]
                    if len(match) != 1:
                        continue
                    j = match.index[0]
                    value = match.iloc[0][other_col]
                    mine_value = mine.at[idx, col]
                    if isinstance(value, str) or isinstance(mine_value, str):
                        computed = value if pd.notna(value) else None
                        decimals = 0
                    elif _is_number(value) and _is_number(mine_value):
                        their_dec = decimals_of(value) if long else other.decimals(j, other_col)
                        decimals = (
                            decimals_of(mine_value) if long else self.table.decimals(idx, col)
                        )
                        if same_printed(float(mine_value), decimals, float(value), their_dec):
                            continue
                        computed = Interval.exact(float(value))
                    else:
                        continue
                    r = _Row(None if long else idx, mine_value, decimals, computed)
                    label = " / ".join(str(mine.at[idx, k]) for k in on)
                    if not self._mismatch(r):
                        continue
                    self._add_row(
                        r,
                        col,
                        "same_values",
                        note,
                        item=f"{label}: {col}" if long else None,
                        cell=(self.table.spec.name, label, col) if long else None,
                        other_cell=_canonical_cell(other, match.iloc[0], other_col),
                    )
                    if not isinstance(computed, str):
                        # the other printing's own value, not an interval midpoint
                        last = self.findings[-1]
                        self.findings[-1] = replace(
                            last,
                            nilai_hitung=float(value),
                            selisih=round(float(mine_value) - float(value), 6),
                        )


_YEAR_SUFFIX = re.compile(r"^(?P<base>.+)_(?P<tahun>\d{4})$")


def _canonical_cell(table: RawTable, row: pd.Series, column: str) -> tuple:
    """One printed cell named the same whether reached in the wide or the tidy form:
    (table, key values without tahun, column stub, year)."""
    keys = tuple(str(row[k]) for k in table.spec.key if k != "tahun" and k in row.index)
    m = _YEAR_SUFFIX.match(column)
    if m:
        return (table.spec.name, keys, m.group("base"), int(m.group("tahun")))
    year = row.get("tahun") if "tahun" in row.index else None
    return (table.spec.name, keys, column, int(year) if _is_number(year) else None)


def _link_symptoms(table: RawTable, findings: list[Finding]) -> list[Finding]:
    """Group the places of one table that follow from one defect.

    * the printed total of a shifted column (its sum no longer matches);
    * for a ``share_of_total`` check: the printed 100% total of the shares when
      the counts' total is wrong (the shares were computed against it), and a
      share whose printed value implies the detail the counts' total misses.
    """
    out = list(findings)
    shift_groups = {f.kolom: f.group for f in out if f.group and f.group.startswith("geser:")}
    for i, f in enumerate(out):
        if f.aturan == "sum_rows" and f.group is None and f.kolom in shift_groups:
            out[i] = replace(f, group=shift_groups[f.kolom])
    for check in table.spec.checks:
        if check.get("rule") != "share_of_total":
            continue
        for year, value_col in _years(check["value"], table.frame.columns).items():
            result = _resolve(check["result"], year)
            totals = [f for f in out if f.aturan == "sum_rows" and f.kolom == value_col]
            if not totals or result in shift_groups:
                continue
            anchor = totals[0]
            key = anchor.group or f"jumlah:{table.spec.name}:{value_col}"
            missing = float(anchor.nilai_publikasi) - float(anchor.nilai_hitung)
            for i, f in enumerate(out):
                if f.kolom == result and f.aturan == "sum_rows" and f.group is None:
                    out[i] = replace(f, group=key)
                elif (
                    f.kolom == result
                    and f.aturan == "share_of_total"
                    and f.group is None
                    and not f.extra.get("sesuai_rincian")
                ):
                    idx = f.cell[1]
                    printed_value = table.frame.at[idx, value_col]
                    implied = float(f.nilai_publikasi) * float(anchor.nilai_publikasi) / 100
                    if (
                        _is_number(printed_value)
                        and abs(implied - float(printed_value) - missing) <= 0.5
                    ):
                        out[i] = replace(
                            f,
                            group=key,
                            pola="rincian_salah",
                            extra={
                                "baris": _row_label(table, idx),
                                "tercetak": float(printed_value),
                                "tersirat": round(implied, 2),
                            },
                        )
            for i, f in enumerate(out):
                if f.kolom == result and f.group is None and f.extra.get("sesuai_rincian"):
                    out[i] = replace(f, group=key)
            out = [replace(f, group=key) if f is anchor else f for f in out]
        # the printed 100% of the shares is off by exactly the error of the wrong shares
        for year in _years(check["value"], table.frame.columns):
            result = _resolve(check["result"], year)
            sums = [f for f in out if f.aturan == "sum_rows" and f.kolom == result and not f.group]
            shares = [
                f for f in out if f.aturan == "share_of_total" and f.kolom == result and not f.group
            ]
            if len(sums) != 1 or not shares:
                continue
            off = sum(float(f.nilai_publikasi) - float(f.nilai_hitung) for f in shares)
            total_off = float(sums[0].nilai_hitung) - float(sums[0].nilai_publikasi)
            if abs(off - total_off) <= 0.01 * (len(shares) + 1) + 0.005 * len(table.frame):
                key = f"persen:{table.spec.name}:{result}"
                out = [replace(f, group=key) if f in sums or f in shares else f for f in out]
    return out


def audit_table(
    table: RawTable,
    others: Mapping[str, RawTable],
    year: int | None = None,
    capaian: CapaianRule | None = None,
) -> list[Finding]:
    """Run the catalogue checks of one table and list its presentation remarks.

    A correction with a ``tahun`` belongs to that report year's printing only.

    Raises
    ------
    ParamsError
        A check that cannot run: unknown rule, missing column or option, a zero
        denominator, a capaian rule without the agency's IKU.
    """
    auditor = _Auditor(table, capaian)
    for check in table.spec.checks:
        rule = check.get("rule")
        method = RULES.get(rule)
        if method is None:
            raise auditor.error(str(rule), f"unknown rule; known: {', '.join(sorted(RULES))}")
        try:
            if rule == "same_values":
                auditor.same_values(check, others)
            else:
                method(auditor, check)
        except _NotThisYear:
            continue
        except KeyError as exc:
            raise auditor.error(rule, f"column or option {exc} not found") from None
    findings = _link_symptoms(table, auditor.findings)
    for corr in table.spec.corrections:
        if year is not None and corr.get("tahun") not in (None, year):
            continue
        findings.append(
            Finding(
                tabel=table.spec.source,
                item=str(corr.get("where", "judul kolom")),
                nilai_publikasi=str(corr.get("published", "")),
                nilai_hitung=str(corr.get("used", "")),
                selisih=None,
                aturan="koreksi_header",
                tabel_data=table.spec.name,
                keterangan=" ".join(str(corr.get("reason", "")).split()),
                jenis=PENYAJIAN,
            )
        )
    return findings


RULES = {
    "sum_rows": _Auditor.sum_rows,
    "sum_columns": _Auditor.sum_columns,
    "ratio": _Auditor.ratio,
    "capaian": _Auditor.capaian,
    "difference": _Auditor.difference,
    "share_of_total": _Auditor.share_of_total,
    "same_values": _Auditor.same_values,
}


# ------------------------------------------------------------------ prose figures


def evaluate_operand(
    operand: object, tables: Mapping[str, RawTable]
) -> tuple[Interval, str | None] | None:
    """Interval of ``table.column[query]`` (the sum of the selected cells) or a number,
    with the name of the table it comes from (None for a number)."""
    if _is_number(operand):
        return Interval.exact(float(operand)), None
    text = str(operand or "").strip()
    if not text or text.lower() == "nan":
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
    cells = [
        Interval.printed(float(rows.at[i, column]), table.decimals(i, column))
        for i in rows.index
        if _is_number(rows.at[i, column])
    ]
    if not cells:
        return None
    return interval_sum(cells), table.spec.name


def _nonzero(x: float) -> float:
    if x == 0:
        raise ZeroDivisionError
    return x


FORMULAS = {
    "value": lambda a, b: a,
    "sum": lambda a, b: a + b,
    "ratio": lambda a, b: a / _nonzero(b) * 100,
    "difference": lambda a, b: a - b,
    "pct_change": lambda a, b: (b - a) / _nonzero(a) * 100,
}


def _prose_formula(formula: str, row: pd.Series, where: str, capaian: CapaianRule | None):
    """The function of a prose ``rumus``; ``capaian`` is the IKU capaian of column
    ``kode_iku`` with the agency's rule (a = realisasi, b = target)."""
    if formula != "capaian":
        return FORMULAS[formula]
    kode = str(row.get("kode_iku", "") or "").strip()
    if not kode or kode.lower() == "nan":
        raise ParamsError(f"{where}: rumus capaian needs the IKU code in column kode_iku")
    if capaian is None:
        raise ParamsError(
            f"{where}: rumus capaian needs the agency's IKU definitions (params/agency.yaml)"
        )

    def rule(r: float, t: float) -> float:
        try:
            return capaian(kode, r, t)
        except KeyError:
            raise ParamsError(f"{where}: kode_iku {kode!r} is not an IKU of the agency") from None

    return rule


def audit_prose_figures(
    angka: RawTable, tables: Mapping[str, RawTable], capaian: CapaianRule | None = None
) -> list[Finding]:
    """Compare figures printed in prose with their recomputation from the tables.

    ``rumus: capaian`` recomputes an IKU's capaian (``a`` realisasi, ``b`` target,
    IKU code in ``kode_iku``) with ``capaian``, the agency's rule: the one the
    capaian table uses, whatever the IKU's polarity.

    Raises
    ------
    ParamsError
        Unknown ``rumus``, an operand that is not ``table.column[query]``, or a
        formula that cannot run (a denominator of 0, a capaian without its IKU).
    """
    findings = []
    frame = angka.frame
    for idx in frame.index:
        row = frame.loc[idx]
        where = f"{angka.spec.name}.csv, row {idx + 2} ({row.get('id', '')})"
        formula = str(row.get("rumus", "value"))
        if formula not in FORMULAS and formula != "capaian":
            raise ParamsError(
                f"{where}: rumus {formula!r} is not one of {sorted([*FORMULAS, 'capaian'])}"
            )
        fn = _prose_formula(formula, row, where, capaian)
        a = evaluate_operand(row.get("a"), tables)
        b = evaluate_operand(row.get("b"), tables) if "b" in frame.columns else None
        if a is None or (formula != "value" and b is None):
            continue
        args = [a[0], b[0] if b is not None else Interval.exact(0.0)]
        try:
            recomputed = combine(fn, *args)
        except ZeroDivisionError:
            raise ParamsError(f"{where}: rumus {formula}: the denominator is 0") from None
        published = row.get("nilai_publikasi")
        if not _is_number(published):
            continue
        decimals = angka.decimals(idx, "nilai_publikasi")
        if not differs(float(published), recomputed, decimals):
            continue
        remark = truncated(float(published), recomputed, decimals)
        sources = [t for t in (a[1], b[1] if b else None) if t]
        # material: a budget figure, or a capaian of an IKU table (printed or a ratio)
        quotes_capaian = any(".capaian" in str(row.get(k, "")) for k in ("a", "b"))
        material = any(
            _is_material_table(tables[t])
            and (
                tables[t].spec.subject == "anggaran"
                or formula in ("ratio", "capaian")
                or quotes_capaian
            )
            for t in sources
        )
        kalimat = row.get("kalimat") if "kalimat" in frame.columns else None
        findings.append(
            Finding(
                tabel=str(row.get("lokasi", angka.spec.source)),
                item=str(row.get("uraian", row.get("id", ""))),
                nilai_publikasi=float(published),
                nilai_hitung=round(recomputed.mid, 6),
                selisih=round(float(published) - recomputed.mid, 6),
                aturan="angka_publikasi",
                tabel_data=angka.spec.name,
                keterangan=str(row.get("id", "")),
                material=material,
                jenis=PENYAJIAN if remark else INKONSISTENSI,
                pola="pemotongan" if remark else "",
                kolom=str(row.get("a", "")),
                cell=(angka.spec.name, idx, "nilai_publikasi"),
                lokasi_teks=str(row.get("lokasi", "")),
                kalimat=str(kalimat) if kalimat is not None and pd.notna(kalimat) else "",
                extra={"sumber": ", ".join(tables[t].spec.source for t in sources)},
            )
        )
    return findings


# ------------------------------------------------------------------ grouping


class _Union:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def _num_key(value: object) -> object:
    return round(float(value), 4) if _is_number(value) else str(value)


def _reprint_links(tables: Mapping[str, RawTable]) -> dict[str, str]:
    """Component of each table among tables linked by a ``same_values`` check."""
    names = list(tables)
    union = _Union(len(names))
    pos = {n: i for i, n in enumerate(names)}
    for name, table in tables.items():
        for check in table.spec.checks:
            other = check.get("other")
            if check.get("rule") == "same_values" and other in pos:
                union.join(pos[name], pos[other])
    return {n: names[union.find(pos[n])] for n in names}


def group_findings(
    findings: list[Finding], tables: Mapping[str, RawTable] | None = None
) -> list[tuple[str, list[Finding]]]:
    """Group places into defects; returns ``[(temuan id, places)]`` in report order.

    Places are one defect when they have the same explicit group (a shifted column,
    a total and its symptoms), concern the same printed cell, compare the same
    pair of printed values (``same_values``), repeat the same mismatch in tables
    that reprint each other, share a prose sentence (``kalimat``), or swap two
    figures of one prose passage. Inconsistencies are numbered T01.., presentation
    remarks P01.. (each remark is its own entry).
    """
    tables = tables or {}
    component = _reprint_links(tables)
    issues = [f for f in findings if f.jenis != PENYAJIAN]
    union = _Union(len(issues))
    seen: dict[tuple, int] = {}

    def key(k: tuple, i: int) -> None:
        if k in seen:
            union.join(seen[k], i)
        else:
            seen[k] = i

    for i, f in enumerate(issues):
        pair = (_num_key(f.nilai_publikasi), _num_key(f.nilai_hitung))
        if f.group:
            key(("group", f.group), i)
        if f.cell is not None:
            key(("cell", f.cell), i)
        if f.other_cell is not None:
            unordered = tuple(sorted(map(str, pair)))
            key(("pair", f.cell, unordered), i)
            key(("pair", f.other_cell, unordered), i)
            # one row printed with other values than its source row: one defect
            other_row = (f.other_cell[0], f.other_cell[1], f.other_cell[-1])
            key(("row", f.cell[:2] if f.cell else None, other_row), i)
        if f.aturan not in ("angka_publikasi",) and f.tabel_data in component:
            label = f.item.split(":", 1)[-1].strip()
            key(("reprint", component[f.tabel_data], f.aturan, label, pair), i)
        if f.kalimat:
            key(("kalimat", f.lokasi_teks, f.kalimat), i)
    prose = [i for i, f in enumerate(issues) if f.aturan == "angka_publikasi"]
    for i, j in itertools.combinations(prose, 2):
        a, b = issues[i], issues[j]
        if (
            a.lokasi_teks == b.lokasi_teks
            and _num_key(a.nilai_publikasi) == _num_key(b.nilai_hitung)
            and _num_key(b.nilai_publikasi) == _num_key(a.nilai_hitung)
        ):
            union.join(i, j)
            issues[i] = replace(a, pola="tukar")
            issues[j] = replace(b, pola="tukar")
    groups: dict[int, list[Finding]] = {}
    for i, f in enumerate(issues):
        groups.setdefault(union.find(i), []).append(f)
    out = [(f"T{n:02d}", places) for n, places in enumerate(groups.values(), start=1)]
    remarks = [f for f in findings if f.jenis == PENYAJIAN]
    out += [(f"P{n:02d}", [f]) for n, f in enumerate(remarks, start=1)]
    return out


def _pola(places: list[Finding]) -> str:
    for name in ("geser_bawah", "geser_atas", "tukar", "rincian_salah"):
        if any(p.pola == name for p in places):
            return name
    if len({p.tabel for p in places}) > 1 and all(p.aturan != "same_values" for p in places):
        return "cetak_ulang"
    return ""


def findings_frame(
    findings: Iterable[Finding], tables: Mapping[str, RawTable] | None = None
) -> pd.DataFrame:
    """The audit as a table with the columns of ``audit.csv`` (one row per place)."""
    rows = []
    for temuan, places in group_findings(list(findings), tables):
        remark = places[0].jenis == PENYAJIAN
        tingkat = "" if remark else (MATERIAL if any(p.material for p in places) else MINOR)
        pola = places[0].pola if remark else _pola(places)
        for p in places:
            rows.append(
                {
                    "temuan": temuan,
                    "jenis": p.jenis,
                    "tingkat": tingkat,
                    "pola": pola,
                    "tabel": p.tabel,
                    "item": p.item,
                    "nilai_publikasi": p.nilai_publikasi,
                    "nilai_hitung": p.nilai_hitung,
                    "selisih": p.selisih,
                    "aturan": p.aturan,
                    "tabel_data": p.tabel_data,
                    "keterangan": p.keterangan
                    or (
                        f"{p.extra['baris']}: tercetak {p.extra['tercetak']:g}, "
                        f"tersirat {p.extra['tersirat']:g}"
                        if p.pola == "rincian_salah"
                        else ""
                    ),
                }
            )
    frame = pd.DataFrame(rows, columns=AUDIT_COLUMNS)
    return frame.astype({"tabel": "object", "item": "object"})


def audit_places(
    tables: Mapping[str, RawTable],
    prose_table: str = "angka_publikasi",
    year: int | None = None,
    capaian: CapaianRule | None = None,
) -> list[Finding]:
    """Every place of every table (in catalogue order) and of the prose figures."""
    findings: list[Finding] = []
    for name, table in tables.items():
        if name == prose_table:
            continue
        findings.extend(audit_table(table, tables, year, capaian))
    if prose_table in tables:
        findings.extend(audit_prose_figures(tables[prose_table], tables, capaian))
    return findings


def run_audit(
    tables: Mapping[str, RawTable],
    prose_table: str = "angka_publikasi",
    year: int | None = None,
    capaian: CapaianRule | None = None,
    extra: Iterable[Finding] = (),
) -> pd.DataFrame:
    """Audit every table and the prose figures of one year, grouped into findings.

    ``capaian`` is the agency's capaian rule for the ``capaian`` checks; ``extra``
    adds places found elsewhere (the IKU audit) so that they group with the rest.
    """
    findings = audit_places(tables, prose_table, year, capaian)
    findings.extend(extra)
    return findings_frame(findings, tables)


def summary_counts(audit: pd.DataFrame) -> dict[str, int]:
    """Counts the terminal summary and the appendix report (and tests compare).

    ``temuan``/``tempat``: inconsistencies and their places (distinct printed figures);
    ``material``: material
    inconsistencies; ``penyajian``: presentation remarks.
    """
    if audit.empty:
        return {"temuan": 0, "tempat": 0, "material": 0, "penyajian": 0}
    issues = audit[audit["jenis"] != PENYAJIAN]
    material = issues[issues["tingkat"] == MATERIAL]
    return {
        "temuan": int(issues["temuan"].nunique()),
        # a printed figure checked against two sources is one place
        "tempat": int(len(issues.drop_duplicates(["temuan", "tabel", "item"]))),
        "material": int(material["temuan"].nunique()),
        "penyajian": int(audit[audit["jenis"] == PENYAJIAN]["temuan"].nunique()),
    }


_NOMOR_TERBITAN = re.compile(r"\bTabel\s+(\d+\.\d+)\b")


def tabel_laporan(tempat: Iterable[object], peta: Mapping[str, Sequence[str]]) -> list[str]:
    """Labels of this report's tables that show the published tables named in ``tempat``.

    ``tempat`` are audit places ("Tabel 3.5", "Bab III 3.2.1 a (narasi setelah
    Tabel 3.7)"); ``peta`` is ``tabel_terbitan`` of the year's params (published
    number -> labels). Each published table named is looked up, in order, each
    label once; a place naming no table (a page of prose) gives none.
    """
    labels: list[str] = []
    for place in tempat:
        for nomor in _NOMOR_TERBITAN.findall(str(place)):
            labels += [x for x in peta.get(f"Tabel {nomor}", ()) if x not in labels]
    return labels
