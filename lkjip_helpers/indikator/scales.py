"""Category scales (capaian -> skor, kategori), read from data.

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
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from lkjip_helpers.core.config import display_path, scales_file
from lkjip_helpers.core.exceptions import CalculationError, ParamsError
from lkjip_helpers.core.numbers import bulatkan, is_finite_number
from lkjip_helpers.core.schema import Angka, Cacah, Skema, Teks, TeksOpsional, gagal, load
from lkjip_helpers.indikator.model import ARAH_NEGATIF, ARAH_POSITIF


class Pita(Skema):
    """One band of a scale: ``dari <= nilai < sampai`` (None = unbounded).

    The file gives ``dari``; ``sampai`` is the ``dari`` of the band above.
    """

    DIISI_KODE = frozenset({"sampai"})

    skor: Cacah
    kategori: Teks
    dari: Angka | None
    sampai: float | None = None

    def memuat(self, nilai: float) -> bool:
        """True when ``nilai`` (already rounded) lies in this band."""
        atas_ok = self.sampai is None or nilai < self.sampai
        bawah_ok = self.dari is None or nilai >= self.dari
        return atas_ok and bawah_ok


def _susun_pita(pita: tuple[Pita, ...]) -> tuple[Pita, ...]:
    """Check a band list (high to low, only the last open below) and set each ``sampai``."""
    if len(pita) < 2:
        raise gagal("expected a list of at least two bands {skor, kategori, dari}")
    out: list[Pita] = []
    sampai: float | None = None
    for i, p in enumerate(pita):
        if i == len(pita) - 1:
            if p.dari is not None:
                raise gagal(
                    "the lowest band must have dari: null (open to minus infinity) so "
                    "that every value has a category",
                    i,
                    "dari",
                )
        elif p.dari is None:
            raise gagal("only the lowest (last) band may have dari: null", i, "dari")
        elif sampai is not None and not p.dari < sampai:
            raise gagal(
                f"bands must be listed from high to low: {p.dari} is not below {sampai}",
                i,
                "dari",
            )
        out.append(p.model_copy(update={"sampai": sampai}))
        sampai = p.dari
    return tuple(out)


class Skala(Skema):
    """A named category scale with a positive band set and an optional mirrored one."""

    DIISI_KODE = frozenset({"nama"})

    nama: str
    judul: Teks
    sumber: TeksOpsional = ""
    pembulatan: Cacah = 2
    positif: tuple[Pita, ...]
    negatif: tuple[Pita, ...] | None = None

    @field_validator("positif")
    @classmethod
    def _positif(cls, v: tuple[Pita, ...]) -> tuple[Pita, ...]:
        return _susun_pita(v)

    @field_validator("negatif")
    @classmethod
    def _negatif(cls, v: tuple[Pita, ...] | None) -> tuple[Pita, ...] | None:
        return None if v is None else _susun_pita(v)

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


class KatalogSkala(Skema):
    """Everything in ``params/scales.yaml``."""

    DIISI_KODE = frozenset({"sumber"})

    skala: Annotated[dict[str, Skala], Field(min_length=1)]
    sumber: str = ""

    @model_validator(mode="before")
    @classmethod
    def _nama_dari_kunci(cls, data: Any) -> Any:
        # A scale's name is its key in the file.
        if isinstance(data, Mapping) and isinstance(data.get("skala"), Mapping):
            data = dict(data)
            data["skala"] = {
                n: ({**v, "nama": str(n)} if isinstance(v, Mapping) else v)
                for n, v in data["skala"].items()
            }
        return data


@functools.lru_cache(maxsize=16)
def _load_cached(path_str: str, mtime_ns: int) -> KatalogSkala:
    path = Path(path_str)
    katalog = load(KatalogSkala, path)
    return katalog.model_copy(update={"sumber": display_path(path)})


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
