"""Discipline indicators: decrease of disciplinary cases and violation rate.

IKU "Persentase Penurunan Pelanggaran Disiplin PNS" (Renstra 2016-2021, revised in
2017 "sesuai arahan bagian organisasi Provinsi Kaltim")::

    (kasus tahun n-1 - kasus tahun n) / kasus tahun n-1 x 100%

The seed: 21 cases in 2016, 17 in 2017 -> 19,05%.
"""

from __future__ import annotations

from lkjip_helpers.core.exceptions import CalculationError
from lkjip_helpers.core.numbers import is_finite_number


def _jumlah(nilai: object, nama: str) -> float:
    if not is_finite_number(nilai):
        raise CalculationError(f"{nama} is missing or not a number ({nilai!r}).")
    x = float(nilai)  # type: ignore[arg-type]
    if x < 0:
        raise CalculationError(f"{nama} cannot be negative ({nilai!r}).")
    return x


def persentase_penurunan(kasus_sebelumnya: float, kasus_sekarang: float) -> float:
    """Percentage decrease of cases from year n-1 to year n.

    Parameters
    ----------
    kasus_sebelumnya : float
        Number of cases in year n-1 (the base).
    kasus_sekarang : float
        Number of cases in year n.

    Returns
    -------
    float
        Percent; negative when cases went up (an increase is a negative decrease).

    Raises
    ------
    CalculationError
        If a count is missing or negative, or year n-1 had 0 cases (the decrease
        relative to nothing is undefined).

    Examples
    --------
    >>> round(persentase_penurunan(21, 17), 2)
    19.05
    """
    lalu = _jumlah(kasus_sebelumnya, "kasus tahun n-1")
    kini = _jumlah(kasus_sekarang, "kasus tahun n")
    if lalu == 0:
        raise CalculationError(
            "kasus tahun n-1 is 0: a percentage decrease from zero cases is undefined."
        )
    return (lalu - kini) / lalu * 100


def tingkat_pelanggaran(jumlah_kasus: float, jumlah_pns: float) -> float:
    """Violation rate: cases (SK penjatuhan hukuman disiplin) per civil servant, in percent.

    The indicator used until 2016 ("0,32% yang diperoleh dari 20 SK ... dibanding
    total PNS sebesar 6190").

    Raises
    ------
    CalculationError
        If a count is missing or negative, or there are no civil servants.

    Examples
    --------
    >>> round(tingkat_pelanggaran(20, 6190), 2)
    0.32
    """
    kasus = _jumlah(jumlah_kasus, "jumlah kasus")
    pns = _jumlah(jumlah_pns, "jumlah PNS")
    if pns == 0:
        raise CalculationError("jumlah PNS is 0: the violation rate is undefined.")
    return kasus / pns * 100
