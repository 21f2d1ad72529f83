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
