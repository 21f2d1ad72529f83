"""Indeks Kepuasan Masyarakat (IKM / SKM): index, converted value and quality.

Two regulations are supported, chosen in ``params/agency.yaml``
(``pengukuran.ikm_regulasi``) and described in ``params/scales.yaml``:

* Kepmenpan KEP/25/M.PAN/2/2004: 14 elements (unsur);
* PermenPAN-RB 14/2017: 9 elements.

Both compute, per element, the average respondent score NRR (nilai rata-rata, on
the 1-4 perception scale); the index is the weighted sum of the NRR with equal
weights (1/14 or 1/9), and the converted value ("nilai IKM", 25-100) is the index
x 25. The regulations print the weight rounded (0,071 and 0,111); the exact
weight is used unless ``bobot="tercetak"`` (with the printed weight a perfect score
is 99,40 rather than 100). Quality A-D comes from the regulation's bands on the
converted value (seed: 86,26 -> A, Sangat Baik under Kepmenpan 25/2004).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lkjip_helpers.core.exceptions import CalculationError
from lkjip_helpers.core.numbers import is_finite_number
from lkjip_helpers.indikator.scales import MutuIkm, RegulasiIkm, get_ikm_regulation, mutu_ikm

SKOR_MIN = 1  # perception scale: 1 = tidak baik ... 4 = sangat baik
SKOR_MAKS = 4


@dataclass(frozen=True)
class HasilIkm:
    """Result of an IKM computation.

    Attributes
    ----------
    nilai_indeks : float
        Weighted average of the element NRR (1-4).
    nilai_konversi : float
        Converted value, ``nilai_indeks x 25`` (25-100): the "nilai IKM" printed.
    mutu : str
        Quality letter A-D.
    kinerja : str
        Performance label (Sangat Baik, Baik, Kurang Baik, Tidak Baik).
    regulasi : str
        Regulation name.
    nilai_unsur : tuple of float
        NRR per element, in input order.
    """

    nilai_indeks: float
    nilai_konversi: float
    mutu: str
    kinerja: str
    regulasi: str
    nilai_unsur: tuple[float, ...]


def _regulasi(regulasi: RegulasiIkm | str) -> RegulasiIkm:
    return get_ikm_regulation(regulasi) if isinstance(regulasi, str) else regulasi


def _bobot(reg: RegulasiIkm, bobot: str | Sequence[float]) -> np.ndarray:
    n = reg.jumlah_unsur
    if isinstance(bobot, str):
        if bobot == "rata":
            return np.full(n, 1.0 / n)
        if bobot == "tercetak":
            if reg.bobot_tercetak is None:
                raise CalculationError(f"{reg.judul}: no printed weight (bobot_tercetak).")
            return np.full(n, reg.bobot_tercetak)
        raise CalculationError(f"bobot must be 'rata', 'tercetak' or a list, got {bobot!r}.")
    w = np.asarray(list(bobot), dtype=float)
    if len(w) != n or not np.all(np.isfinite(w)) or np.any(w < 0):
        raise CalculationError(f"give {n} non-negative weights, got {list(bobot)!r}.")
    # The 2017 regulation allows other weights "dengan catatan jumlah bobot seluruh unsur tetap 1".
    if not np.isclose(w.sum(), 1.0):
        raise CalculationError(f"weights must add up to 1, they add up to {w.sum():g}.")
    return w


def mutu_pelayanan(nilai_konversi: float, regulasi: RegulasiIkm | str) -> MutuIkm:
    """Quality band (``.mutu`` A-D, ``.kinerja``) of a converted IKM value (25-100).

    Examples
    --------
    >>> mutu_pelayanan(86.26, "kepmenpan_25_2004").mutu
    'A'
    """
    return mutu_ikm(nilai_konversi, _regulasi(regulasi))


def ikm_dari_rata_unsur(
    nilai_unsur: Sequence[float] | pd.Series,
    regulasi: RegulasiIkm | str = "kepmenpan_25_2004",
    bobot: str | Sequence[float] = "rata",
) -> HasilIkm:
    """IKM from the average score (NRR) of each element.

    Parameters
    ----------
    nilai_unsur : sequence of float
        NRR per element, each 1-4, exactly as many as the regulation has elements.
    regulasi : RegulasiIkm or str, default "kepmenpan_25_2004"
    bobot : {"rata", "tercetak"} or sequence of float
        ``rata``: exact equal weights; ``tercetak``: the rounded weight printed in the
        regulation; or explicit weights adding up to 1.

    Returns
    -------
    HasilIkm

    Raises
    ------
    CalculationError
        If the element count does not match the regulation or a score is outside 1-4.
    """
    reg = _regulasi(regulasi)
    nilai = list(nilai_unsur.tolist() if isinstance(nilai_unsur, pd.Series) else nilai_unsur)
    if len(nilai) != reg.jumlah_unsur:
        raise CalculationError(
            f"IKM under {reg.judul} needs {reg.jumlah_unsur} element scores, got {len(nilai)}; "
            "check pengukuran.ikm_regulasi in params/agency.yaml or the survey table."
        )
    for i, v in enumerate(nilai, start=1):
        if not is_finite_number(v) or not SKOR_MIN <= float(v) <= SKOR_MAKS:
            raise CalculationError(
                f"IKM element {i}: average score {v!r} is outside {SKOR_MIN}-{SKOR_MAKS}."
            )
    nrr = np.asarray(nilai, dtype=float)
    indeks = float(np.dot(nrr, _bobot(reg, bobot)))
    konversi = indeks * reg.pengali
    band = mutu_ikm(konversi, reg)
    return HasilIkm(
        nilai_indeks=indeks,
        nilai_konversi=konversi,
        mutu=band.mutu,
        kinerja=band.kinerja,
        regulasi=reg.nama,
        nilai_unsur=tuple(float(x) for x in nrr),
    )


def nrr_per_unsur(jawaban: pd.DataFrame) -> pd.Series:
    """Average score (NRR) per element from raw answers.

    Parameters
    ----------
    jawaban : DataFrame
        Respondents x elements, integer answers 1-4; an empty cell (NaN) is an
        unanswered question and is left out of that element's average (the
        regulations divide by the number of answers to the element).

    Returns
    -------
    Series
        NRR per element (column), in column order.

    Raises
    ------
    CalculationError
        If an answer is not a whole number 1-4 or an element has no answer.
    """
    if jawaban.empty:
        raise CalculationError("the survey has no respondents.")
    angka = jawaban.apply(pd.to_numeric, errors="coerce")
    bukan_angka = angka.isna() & jawaban.notna()
    if bukan_angka.any().any():
        kol = angka.columns[bukan_angka.any()][0]
        raise CalculationError(f"IKM element {kol!r}: an answer is not a number.")
    ada = angka.notna()
    salah = ada & ((angka < SKOR_MIN) | (angka > SKOR_MAKS) | (angka % 1 != 0))
    if salah.any().any():
        kol = angka.columns[salah.any()][0]
        contoh = float(angka.loc[salah[kol], kol].iloc[0])
        raise CalculationError(
            f"IKM element {kol!r}: answer {contoh!r} is not a whole number {SKOR_MIN}-{SKOR_MAKS}."
        )
    kosong = [str(c) for c in angka.columns if not ada[c].any()]
    if kosong:
        raise CalculationError(f"IKM element(s) {', '.join(kosong)} have no answers.")
    return angka.mean(axis=0, skipna=True)


def ikm_dari_jawaban(
    jawaban: pd.DataFrame,
    regulasi: RegulasiIkm | str = "kepmenpan_25_2004",
    bobot: str | Sequence[float] = "rata",
) -> HasilIkm:
    """IKM from raw answers (respondents x elements, values 1-4).

    See :func:`nrr_per_unsur` and :func:`ikm_dari_rata_unsur`.

    Raises
    ------
    CalculationError
        If the number of element columns does not match the regulation, or an
        answer is invalid.
    """
    reg = _regulasi(regulasi)
    if jawaban.shape[1] != reg.jumlah_unsur:
        raise CalculationError(
            f"IKM under {reg.judul} needs {reg.jumlah_unsur} element columns, the survey "
            f"has {jawaban.shape[1]}; check pengukuran.ikm_regulasi in params/agency.yaml."
        )
    return ikm_dari_rata_unsur(nrr_per_unsur(jawaban), reg, bobot)
