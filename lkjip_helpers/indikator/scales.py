"""Category scales (capaian -> skor, kategori) and IKM regulations, read from data.

``params/scales.yaml`` holds the scales; nothing about a scale is hard-coded here,
so an agency that uses another scale adds it to the YAML and names it in
``params/agency.yaml`` (``pengukuran.skala``).

Convention (documented in the YAML too): a band is given by its lower bound
``dari`` (inclusive); its upper bound is the lower bound of the band above
(exclusive); the lowest capaian band is open to minus infinity. Bands are therefore
half-open, disjoint and exhaustive: every number maps to exactly one band. Before
the lookup the value is rounded half up to ``pembulatan`` decimals (the printed
precision), so the category always agrees with the number the reader sees.

Values above 100 fall in the top band (the top band has no upper bound); with a
capaian cap (``batas_capaian``) the capped value is categorised, which gives the
same result. The seed calls 110,33% "Sangat Baik".
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lkjip_helpers.core.config import scales_file
from lkjip_helpers.core.exceptions import CalculationError, ParamsError
from lkjip_helpers.core.numbers import bulatkan, is_finite_number
from lkjip_helpers.data.io import display_path, read_yaml

#: Band set for capaian that grows with performance (and oriented negative formulas).
ARAH_POSITIF = "positif"
#: Mirrored band set for a negative indicator measured as realisasi / target.
ARAH_NEGATIF = "negatif"


@dataclass(frozen=True)
class Pita:
    """One band of a scale: ``dari <= nilai < sampai`` (None = unbounded)."""

    skor: int
    kategori: str
    dari: float | None
    sampai: float | None

    def memuat(self, nilai: float) -> bool:
        """True when ``nilai`` (already rounded) lies in this band."""
        atas_ok = self.sampai is None or nilai < self.sampai
        bawah_ok = self.dari is None or nilai >= self.dari
        return atas_ok and bawah_ok


@dataclass(frozen=True)
class Skala:
    """A named category scale with a positive band set and an optional mirrored one."""

    nama: str
    judul: str
    sumber: str
    pembulatan: int
    positif: tuple[Pita, ...]
    negatif: tuple[Pita, ...] | None = None

    def pita(self, arah: str = ARAH_POSITIF) -> tuple[Pita, ...]:
        """Band set for ``arah`` (``positif`` or ``negatif``)."""
        if arah == ARAH_POSITIF:
            return self.positif
        if arah == ARAH_NEGATIF:
            if self.negatif is None:
                raise ParamsError(
                    f"params/scales.yaml: skala.{self.nama}.negatif: the scale has no "
                    "mirrored (negatif) bands; use an oriented negative-polarity formula "
                    "(dua_kali_target or target_per_realisasi) or add the bands."
                )
            return self.negatif
        raise ValueError(f"arah must be 'positif' or 'negatif', got {arah!r}")

    def kategorikan(self, nilai: float, arah: str = ARAH_POSITIF) -> Pita:
        """Return the band of ``nilai``; see :func:`kategorikan`."""
        return kategorikan(nilai, self, arah)


@dataclass(frozen=True)
class MutuIkm:
    """One quality band of an IKM regulation on the converted value (25-100)."""

    mutu: str
    kinerja: str
    dari: float
    sampai: float | None


@dataclass(frozen=True)
class RegulasiIkm:
    """An IKM regulation: element count, weight, multiplier and quality bands."""

    nama: str
    judul: str
    jumlah_unsur: int
    bobot_tercetak: float | None
    pengali: float
    pembulatan: int
    minimum: float
    maksimum: float
    unsur: tuple[str, ...]
    mutu: tuple[MutuIkm, ...]


@dataclass(frozen=True)
class KatalogSkala:
    """Everything in ``params/scales.yaml``."""

    skala: Mapping[str, Skala]
    ikm: Mapping[str, RegulasiIkm]
    sumber: str


def _fail(path: Path, key: str, message: str) -> ParamsError:
    return ParamsError(f"{display_path(path)}: {key}: {message}")


def _int(path: Path, key: str, value: object, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _fail(path, key, f"expected a whole number >= {minimum}, got {value!r}")
    return value


def _num(path: Path, key: str, value: object) -> float:
    if not is_finite_number(value) or isinstance(value, str):
        raise _fail(path, key, f"expected a number, got {value!r}")
    return float(value)  # type: ignore[arg-type]


def _text(path: Path, key: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, key, f"expected a non-empty text, got {value!r}")
    return value.strip()


def _parse_bands(path: Path, key: str, raw: object) -> tuple[Pita, ...]:
    """Parse a list of {skor, kategori, dari}, high to low, the last with dari: null."""
    if not isinstance(raw, list) or len(raw) < 2:
        raise _fail(path, key, "expected a list of at least two bands {skor, kategori, dari}")
    bands: list[Pita] = []
    sampai: float | None = None
    for i, item in enumerate(raw):
        k = f"{key}[{i}]"
        if not isinstance(item, dict):
            raise _fail(path, k, "expected a mapping {skor, kategori, dari}")
        unknown = set(item) - {"skor", "kategori", "dari"}
        if unknown:
            raise _fail(path, k, f"unknown key(s): {', '.join(sorted(map(str, unknown)))}")
        skor = _int(path, f"{k}.skor", item.get("skor"))
        kategori = _text(path, f"{k}.kategori", item.get("kategori"))
        last = i == len(raw) - 1
        dari_raw = item.get("dari", "missing")
        if last:
            if dari_raw is not None:
                raise _fail(
                    path,
                    f"{k}.dari",
                    "the lowest band must have dari: null (open to minus infinity) so "
                    "that every value has a category",
                )
            dari = None
        else:
            if dari_raw is None or dari_raw == "missing":
                raise _fail(path, f"{k}.dari", "only the lowest (last) band may have dari: null")
            dari = _num(path, f"{k}.dari", dari_raw)
            if sampai is not None and not dari < sampai:
                raise _fail(
                    path,
                    f"{k}.dari",
                    f"bands must be listed from high to low: {dari} is not below {sampai}",
                )
        bands.append(Pita(skor=skor, kategori=kategori, dari=dari, sampai=sampai))
        sampai = dari
    return tuple(bands)


def _parse_scale(path: Path, nama: str, raw: object) -> Skala:
    key = f"skala.{nama}"
    if not isinstance(raw, dict):
        raise _fail(path, key, "expected a mapping")
    unknown = set(raw) - {"judul", "sumber", "pembulatan", "positif", "negatif"}
    if unknown:
        raise _fail(path, key, f"unknown key(s): {', '.join(sorted(map(str, unknown)))}")
    negatif = raw.get("negatif")
    return Skala(
        nama=nama,
        judul=_text(path, f"{key}.judul", raw.get("judul")),
        sumber=str(raw.get("sumber") or ""),
        pembulatan=_int(path, f"{key}.pembulatan", raw.get("pembulatan", 2)),
        positif=_parse_bands(path, f"{key}.positif", raw.get("positif")),
        negatif=None if negatif is None else _parse_bands(path, f"{key}.negatif", negatif),
    )


def _parse_ikm(path: Path, nama: str, raw: object) -> RegulasiIkm:
    key = f"ikm.{nama}"
    if not isinstance(raw, dict):
        raise _fail(path, key, "expected a mapping")
    allowed = {
        "judul",
        "jumlah_unsur",
        "bobot_tercetak",
        "pengali",
        "pembulatan",
        "minimum",
        "maksimum",
        "unsur",
        "mutu",
    }
    unknown = set(raw) - allowed
    if unknown:
        raise _fail(path, key, f"unknown key(s): {', '.join(sorted(map(str, unknown)))}")
    jumlah = _int(path, f"{key}.jumlah_unsur", raw.get("jumlah_unsur"), minimum=1)
    unsur_raw = raw.get("unsur") or []
    if not isinstance(unsur_raw, list) or (unsur_raw and len(unsur_raw) != jumlah):
        raise _fail(path, f"{key}.unsur", f"expected a list of {jumlah} element names")
    unsur = tuple(_text(path, f"{key}.unsur[{i}]", u) for i, u in enumerate(unsur_raw))
    minimum = _num(path, f"{key}.minimum", raw.get("minimum"))
    maksimum = _num(path, f"{key}.maksimum", raw.get("maksimum"))
    bobot = raw.get("bobot_tercetak")
    mutu_raw = raw.get("mutu")
    if not isinstance(mutu_raw, list) or not mutu_raw:
        raise _fail(path, f"{key}.mutu", "expected a list of bands {mutu, kinerja, dari}")
    mutu: list[MutuIkm] = []
    sampai: float | None = None
    for i, item in enumerate(mutu_raw):
        k = f"{key}.mutu[{i}]"
        if not isinstance(item, dict):
            raise _fail(path, k, "expected a mapping {mutu, kinerja, dari}")
        dari = _num(path, f"{k}.dari", item.get("dari"))
        if sampai is not None and not dari < sampai:
            raise _fail(path, f"{k}.dari", f"bands must go from high to low ({dari} >= {sampai})")
        mutu.append(
            MutuIkm(
                mutu=_text(path, f"{k}.mutu", item.get("mutu")),
                kinerja=_text(path, f"{k}.kinerja", item.get("kinerja")),
                dari=dari,
                sampai=sampai,
            )
        )
        sampai = dari
    if mutu[-1].dari != minimum:
        raise _fail(
            path, f"{key}.mutu[{len(mutu) - 1}].dari", f"the lowest band must start at {minimum}"
        )
    return RegulasiIkm(
        nama=nama,
        judul=_text(path, f"{key}.judul", raw.get("judul")),
        jumlah_unsur=jumlah,
        bobot_tercetak=None if bobot is None else _num(path, f"{key}.bobot_tercetak", bobot),
        pengali=_num(path, f"{key}.pengali", raw.get("pengali", 25)),
        pembulatan=_int(path, f"{key}.pembulatan", raw.get("pembulatan", 2)),
        minimum=minimum,
        maksimum=maksimum,
        unsur=unsur,
        mutu=tuple(mutu),
    )


@functools.lru_cache(maxsize=16)
def _load_cached(path_str: str, mtime_ns: int) -> KatalogSkala:
    path = Path(path_str)
    data = read_yaml(path)
    skala_raw = data.get("skala")
    if not isinstance(skala_raw, dict) or not skala_raw:
        raise _fail(path, "skala", "expected a mapping of scale names to scales")
    ikm_raw = data.get("ikm") or {}
    if not isinstance(ikm_raw, dict):
        raise _fail(path, "ikm", "expected a mapping of regulation names")
    return KatalogSkala(
        skala={str(n): _parse_scale(path, str(n), v) for n, v in skala_raw.items()},
        ikm={str(n): _parse_ikm(path, str(n), v) for n, v in ikm_raw.items()},
        sumber=display_path(path),
    )


def load_scales(path: Path | str | None = None) -> KatalogSkala:
    """Load and validate ``params/scales.yaml`` (cached while the file is unchanged).

    Parameters
    ----------
    path : Path, optional
        Defaults to :func:`lkjip_helpers.core.config.scales_file`.

    Returns
    -------
    KatalogSkala

    Raises
    ------
    ParamsError
        When the file is missing or a band list is not high-to-low and exhaustive.
    """
    p = Path(path) if path is not None else scales_file()
    if not p.exists():
        raise ParamsError(f"{display_path(p)}: file not found.")
    return _load_cached(str(p.resolve()), p.stat().st_mtime_ns)


def get_scale(nama: str, path: Path | str | None = None) -> Skala:
    """Return the scale called ``nama``.

    Raises
    ------
    ParamsError
        If no such scale exists (the message lists the known ones).
    """
    katalog = load_scales(path)
    try:
        return katalog.skala[nama]
    except KeyError:
        raise ParamsError(
            f"{katalog.sumber}: skala.{nama}: unknown scale; known: "
            f"{', '.join(sorted(katalog.skala))}"
        ) from None


def get_ikm_regulation(nama: str, path: Path | str | None = None) -> RegulasiIkm:
    """Return the IKM regulation called ``nama`` (e.g. ``kepmenpan_25_2004``).

    Raises
    ------
    ParamsError
        If no such regulation exists.
    """
    katalog = load_scales(path)
    try:
        return katalog.ikm[nama]
    except KeyError:
        raise ParamsError(
            f"{katalog.sumber}: ikm.{nama}: unknown IKM regulation; known: "
            f"{', '.join(sorted(katalog.ikm))}"
        ) from None


def kategorikan(nilai: float, skala: Skala | str, arah: str = ARAH_POSITIF) -> Pita:
    """Map a capaian (percent) to its band: skor and kategori.

    Parameters
    ----------
    nilai : float
        Capaian in percent. Use the capped value when a cap applies (the seed's
        "Angka maksimum capaian setiap IKU sebesar 100%"); above-100 values fall in
        the open top band either way.
    skala : Skala or str
        A scale or its name in ``params/scales.yaml``.
    arah : {"positif", "negatif"}
        ``negatif`` selects the mirrored bands (only for a negative indicator whose
        capaian is realisasi / target).

    Returns
    -------
    Pita
        The band; ``pita.skor`` and ``pita.kategori``.

    Raises
    ------
    CalculationError
        If ``nilai`` is missing or not finite.
    ParamsError
        If the scale is unknown or has no mirrored bands when asked for them.
    """
    if isinstance(skala, str):
        skala = get_scale(skala)
    if not is_finite_number(nilai):
        raise CalculationError(
            f"cannot categorise capaian {nilai!r} on scale {skala.nama}: not a finite number."
        )
    # Round to the printed precision first: the category must match the printed figure.
    x = float(bulatkan(nilai, skala.pembulatan))
    cocok = [p for p in skala.pita(arah) if p.memuat(x)]
    # Unreachable with validated bands (half-open, exhaustive); kept as a guard.
    if len(cocok) != 1:  # pragma: no cover
        raise CalculationError(f"scale {skala.nama}: {x} matches {len(cocok)} bands")
    return cocok[0]


def mutu_ikm(nilai_konversi: float, regulasi: RegulasiIkm | str) -> MutuIkm:
    """Quality band (A-D) of a converted IKM value (25-100) under ``regulasi``.

    The value is rounded half up to the regulation's two decimals first, because the
    regulations print their bounds with two decimals (81,25 | 81,26).

    Raises
    ------
    CalculationError
        If the value is missing or outside ``minimum``-``maksimum`` (25-100).
    """
    if isinstance(regulasi, str):
        regulasi = get_ikm_regulation(regulasi)
    if not is_finite_number(nilai_konversi):
        raise CalculationError(f"IKM value {nilai_konversi!r} is not a finite number.")
    x = float(bulatkan(nilai_konversi, regulasi.pembulatan))
    if not regulasi.minimum <= x <= regulasi.maksimum or math.isnan(x):
        raise CalculationError(
            f"IKM value {x} is outside {regulasi.minimum}-{regulasi.maksimum} "
            f"({regulasi.judul}); check that the element scores are on the 1-4 scale."
        )
    for band in regulasi.mutu:
        if x >= band.dari and (band.sampai is None or x < band.sampai):
            return band
    raise CalculationError(f"IKM value {x} matches no band")  # pragma: no cover
