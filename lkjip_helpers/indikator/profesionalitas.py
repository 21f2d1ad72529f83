"""Indeks Profesionalitas ASN (indicator of Tujuan 1 in the seed's Renstra).

The seed (Bab II, Tujuan 1) defines::

    25 (1 - gap kompetensi) + 25 (nilai SKP) + 25 (1 - gap kompensasi)
        + 25 (1 - tingkat pelanggaran disiplin)

Every input is a fraction 0-1 (a gap of 16% is 0.16; an average SKP of 85 out of
100 is 0.85), so each term is worth at most 25 points and the index is 0-100.
"""

from __future__ import annotations

from dataclasses import dataclass

from lkjip_helpers.core.exceptions import CalculationError
from lkjip_helpers.core.numbers import is_finite_number

BOBOT = 25.0  # each of the four dimensions weighs 25 of 100 points


@dataclass(frozen=True)
class IndeksProfesionalitas:
    """The index and its four terms (each 0-25)."""

    nilai: float
    kompetensi: float
    kinerja: float
    kompensasi: float
    disiplin: float


def _fraksi(nilai: object, nama: str) -> float:
    if not is_finite_number(nilai):
        raise CalculationError(f"{nama} is missing or not a number ({nilai!r}).")
    x = float(nilai)  # type: ignore[arg-type]
    if not 0 <= x <= 1:
        raise CalculationError(
            f"{nama} must be a fraction between 0 and 1, got {x!r}"
            + (" (give 0.16 for 16%)" if 1 < x <= 100 else "")
            + "."
        )
    return x


def indeks_profesionalitas(
    gap_kompetensi: float,
    nilai_skp: float,
    gap_kompensasi: float,
    tingkat_pelanggaran: float,
) -> IndeksProfesionalitas:
    """Compute the Indeks Profesionalitas ASN.

    Parameters
    ----------
    gap_kompetensi : float
        Competency gap, fraction 0-1 (see :mod:`lkjip_helpers.indikator.kompetensi`).
    nilai_skp : float
        Performance (SKP) score as a fraction 0-1.
    gap_kompensasi : float
        Compensation gap, fraction 0-1.
    tingkat_pelanggaran : float
        Discipline violation rate, fraction 0-1 (0.0032 for 0,32%).

    Returns
    -------
    IndeksProfesionalitas
        ``.nilai`` is the index (0-100).

    Raises
    ------
    CalculationError
        If an input is missing or outside 0-1.

    Examples
    --------
    >>> round(indeks_profesionalitas(0.16, 0.85, 0.2, 0.0032).nilai, 2)
    87.17
    """
    gk = _fraksi(gap_kompetensi, "gap kompetensi")
    skp = _fraksi(nilai_skp, "nilai SKP")
    gkom = _fraksi(gap_kompensasi, "gap kompensasi")
    tp = _fraksi(tingkat_pelanggaran, "tingkat pelanggaran disiplin")
    kompetensi = BOBOT * (1 - gk)
    kinerja = BOBOT * skp
    kompensasi = BOBOT * (1 - gkom)
    disiplin = BOBOT * (1 - tp)
    return IndeksProfesionalitas(
        nilai=kompetensi + kinerja + kompensasi + disiplin,
        kompetensi=kompetensi,
        kinerja=kinerja,
        kompensasi=kompensasi,
        disiplin=disiplin,
    )
