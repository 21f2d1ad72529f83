"""Competency gap (gap kompetensi) from the gap-analysis tables of the seed.

Two formats appear in the seed:

* **2017 (BKN gap-competency application, Tabel 3.5)**: per OPD and per group
  (struktural / non struktural) a ``gaps`` value, a fraction 0-1, with printed
  per-OPD total rows. The share of civil servants whose competency matches the
  job requirements is ``(1 - mean gap) x 100``. The published 83,85% is
  reproduced by the mean of the 20 detail rows (sum 3,23 / 20 = 0,1615); the mean
  of the printed per-OPD total rows gives 0,16 -> 84,00%, so detail rows are the
  default (``jenis="rincian"``).
* **2015/2016 (Tabel 3.3, 3.4)**: per SKPD the number of employees and, per
  element (pendidikan, diklat, pengalaman jabatan, keahlian, ketrampilan), the
  number whose profile does not match. The gap is the share of non-matching
  element profiles: sum of non-matching counts / (employees x elements). With
  the 279 employees who returned the form in 2016 this gives 240 / (279 x 5) =
  17,20% (83% compliant), as published. The 2015 figure published after the
  re-measurement (80%) is not reproducible from Tabel 3.3 by this formula
  (108 / (193 x 5) -> 88,81%).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lkjip_helpers.core.exceptions import CalculationError
from lkjip_helpers.core.numbers import is_finite_number


@dataclass(frozen=True)
class HasilKompetensi:
    """Result of a gap analysis.

    Attributes
    ----------
    gap : float
        Mean competency gap, fraction 0-1.
    persen_sesuai : float
        Share of civil servants with matching competency, percent: ``(1 - gap) x 100``.
    jumlah_data : int
        Number of gap values averaged (2017 format) or of employee profiles
        counted (2015/2016 format).
    """

    gap: float
    persen_sesuai: float
    jumlah_data: int


def persen_sesuai(gap: float) -> float:
    """Share compliant (percent) from a mean gap (fraction 0-1): ``(1 - gap) x 100``.

    Raises
    ------
    CalculationError
        If ``gap`` is missing or outside 0-1.
    """
    if not is_finite_number(gap) or not 0 <= float(gap) <= 1:  # type: ignore[arg-type]
        raise CalculationError(f"a competency gap must be a fraction 0-1, got {gap!r}.")
    return (1 - float(gap)) * 100  # type: ignore[arg-type]


def _pilih_baris(df: pd.DataFrame, kolom_jenis: str, jenis: str | None) -> pd.DataFrame:
    if jenis is None or kolom_jenis not in df.columns:
        return df
    return df[df[kolom_jenis] == jenis]


def kompetensi_dari_gap(
    df: pd.DataFrame,
    kolom_gap: str = "gaps",
    kolom_jenis: str = "jenis_baris",
    jenis: str | None = "rincian",
) -> HasilKompetensi:
    """Mean gap and share compliant from a 2017-format gap table.

    Parameters
    ----------
    df : DataFrame
        One row per OPD group (and printed total rows marked in ``kolom_jenis``).
    kolom_gap : str, default "gaps"
        Column with the gap, fraction 0-1.
    kolom_jenis : str, default "jenis_baris"
        Row-type column (``rincian`` / ``jumlah`` / ``rata_rata``); ignored if absent.
    jenis : str or None, default "rincian"
        Which rows to average; None = all rows. ``rincian`` reproduces the seed.

    Returns
    -------
    HasilKompetensi

    Raises
    ------
    CalculationError
        If the column is missing, no row is selected, or a gap is outside 0-1.
    """
    if kolom_gap not in df.columns:
        raise CalculationError(
            f"gap table has no column {kolom_gap!r} (columns: {', '.join(map(str, df.columns))})."
        )
    rows = _pilih_baris(df, kolom_jenis, jenis)
    gaps = pd.to_numeric(rows[kolom_gap], errors="coerce").dropna()
    if gaps.empty:
        raise CalculationError(
            f"gap table: no {jenis or ''} row with a value in {kolom_gap!r}.".replace("  ", " ")
        )
    salah = gaps[(gaps < 0) | (gaps > 1)]
    if not salah.empty:
        raise CalculationError(
            f"gap table: {kolom_gap!r} must be fractions 0-1, found {float(salah.iloc[0])!r} "
            "(write 0.16, not 16)."
        )
    gap = float(gaps.mean())
    return HasilKompetensi(gap=gap, persen_sesuai=persen_sesuai(gap), jumlah_data=int(len(gaps)))
