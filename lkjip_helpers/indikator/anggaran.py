"""Budget absorption (serapan) and efficiency per activity, programme, sasaran, total.

The seed (Bab III, Tabel 3.31-3.33) reports::

    serapan   = realisasi / anggaran x 100      (anggaran = pagu perubahan)
    efisiensi = 100 - serapan                   ("terdapat efisiensi anggaran sebesar 6.76%")

e.g. Belanja Tidak Langsung 3.900.954.638 of 4.100.007.000 = 95,15%; Belanja
Langsung 5.462.124.731 of 6.348.230.000 = 86,04%; total 89,61%; Sasaran I
3.147.559.103 of 3.375.901.000 = 93,24% (efisiensi 6,76%).

Functions take a DataFrame of rows with an ``anggaran`` and a ``realisasi`` column
and return a DataFrame. If the frame has a ``jenis_baris`` column (raw tables keep
their printed totals), only ``rincian`` rows are added up, so printed totals are
never counted twice.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from lkjip_helpers.core.exceptions import CalculationError
from lkjip_helpers.core.numbers import is_finite_number

KOLOM_HASIL = ("anggaran", "realisasi", "sisa", "serapan", "efisiensi")


def serapan(realisasi: float, anggaran: float, label: str | None = None) -> float:
    """Absorption in percent: ``realisasi / anggaran x 100``.

    Raises
    ------
    CalculationError
        If a value is missing, negative, or the budget is 0.

    Examples
    --------
    >>> round(serapan(3900954638, 4100007000), 2)
    95.15
    """
    nama = f" ({label})" if label else ""
    if not is_finite_number(anggaran) or not is_finite_number(realisasi):
        raise CalculationError(
            f"budget{nama}: anggaran {anggaran!r} or realisasi {realisasi!r} is missing."
        )
    a, r = float(anggaran), float(realisasi)
    if a < 0 or r < 0:
        raise CalculationError(f"budget{nama}: negative amount (anggaran {a}, realisasi {r}).")
    if a == 0:
        raise CalculationError(f"budget{nama}: anggaran is 0, absorption is undefined.")
    return r / a * 100


def efisiensi(realisasi: float, anggaran: float, label: str | None = None) -> float:
    """Efficiency in percent as the seed defines it: ``100 - serapan``."""
    return 100 - serapan(realisasi, anggaran, label)


def _rincian(df: pd.DataFrame, kolom_jenis: str) -> pd.DataFrame:
    if kolom_jenis in df.columns:
        return df[df[kolom_jenis] == "rincian"]
    return df


def _angka(df: pd.DataFrame, kolom: str) -> pd.Series:
    if kolom not in df.columns:
        raise CalculationError(
            f"budget table has no column {kolom!r} (columns: {', '.join(map(str, df.columns))})."
        )
    return pd.to_numeric(df[kolom], errors="coerce")


def _tambah_hasil(out: pd.DataFrame, label_kolom: Sequence[str]) -> pd.DataFrame:
    """Add sisa, serapan, efisiensi to a frame with anggaran/realisasi columns."""
    serap, efis = [], []
    for idx, row in out.iterrows():
        label = " / ".join(str(row[c]) for c in label_kolom) if label_kolom else str(idx)
        s = serapan(row["realisasi"], row["anggaran"], label)
        serap.append(s)
        efis.append(100 - s)
    out = out.copy()
    out["sisa"] = out["anggaran"] - out["realisasi"]
    out["serapan"] = serap
    out["efisiensi"] = efis
    return out


def serapan_per_baris(
    df: pd.DataFrame,
    kolom_anggaran: str = "anggaran",
    kolom_realisasi: str = "realisasi",
) -> pd.DataFrame:
    """Add ``sisa`` (rupiah), ``serapan`` and ``efisiensi`` (percent) to every row.

    Rows are kept as they are (including printed totals): this is the per-activity
    view of Tabel 3.32.

    Raises
    ------
    CalculationError
        If a row has a missing, negative or zero budget (the message names the row).
    """
    out = df.copy()
    out["anggaran"] = _angka(df, kolom_anggaran)
    out["realisasi"] = _angka(df, kolom_realisasi)
    label = [c for c in ("kode", "uraian", "kegiatan") if c in out.columns][:1]
    return _tambah_hasil(out, label)


def rekap_anggaran(
    df: pd.DataFrame,
    kelompok: str | Sequence[str] | None,
    kolom_anggaran: str = "anggaran",
    kolom_realisasi: str = "realisasi",
    kolom_jenis: str = "jenis_baris",
    total: str | None = None,
) -> pd.DataFrame:
    """Sum budget and realisation per group and compute absorption and efficiency.

    Parameters
    ----------
    df : DataFrame
        Activities (or BTL/BL lines) with budget and realisation columns.
    kelompok : str, list of str or None
        Grouping column(s): e.g. ``kode_program``, ``sasaran``, ``jenis_belanja``.
        None gives one total row. Rows whose group is empty are left out (e.g.
        supporting programmes not linked to any sasaran, as in Tabel 3.33).
    kolom_anggaran, kolom_realisasi : str
        Column names.
    kolom_jenis : str, default "jenis_baris"
        If present, only ``rincian`` rows are summed (printed totals are skipped).
    total : str, optional
        Append a total row over the grouped rows, labelled ``total`` in the first
        grouping column (e.g. ``"Jumlah"``).

    Returns
    -------
    DataFrame
        Grouping column(s) then ``anggaran, realisasi, sisa, serapan, efisiensi``,
        groups in order of first appearance.

    Raises
    ------
    CalculationError
        If a column is missing or a group's budget is 0 (the message names it).
    """
    rows = _rincian(df, kolom_jenis).copy()
    rows["anggaran"] = _angka(rows, kolom_anggaran)
    rows["realisasi"] = _angka(rows, kolom_realisasi)
    kosong = rows["anggaran"].isna() | rows["realisasi"].isna()
    if kosong.any():
        raise CalculationError(
            f"budget table: {int(kosong.sum())} row(s) without anggaran or realisasi "
            f"(first: row {rows.index[kosong][0]})."
        )
    if kelompok is None:
        kol: list[str] = []
        out = pd.DataFrame(
            {"anggaran": [rows["anggaran"].sum()], "realisasi": [rows["realisasi"].sum()]}
        )
    else:
        kol = [kelompok] if isinstance(kelompok, str) else list(kelompok)
        hilang = [c for c in kol if c not in rows.columns]
        if hilang:
            raise CalculationError(f"budget table has no grouping column(s) {', '.join(hilang)}.")
        rows = rows.dropna(subset=kol)
        rows = rows[(rows[kol].astype(str) != "").all(axis=1)]
        out = (
            rows.groupby(kol, sort=False, dropna=True)[["anggaran", "realisasi"]]
            .sum()
            .reset_index()
        )
        if total is not None:
            baris = {c: "" for c in kol}
            baris[kol[0]] = total
            baris["anggaran"] = out["anggaran"].sum()
            baris["realisasi"] = out["realisasi"].sum()
            out = pd.concat([out, pd.DataFrame([baris])], ignore_index=True)
    out = _tambah_hasil(out, kol)
    return out[[*kol, *KOLOM_HASIL]]
