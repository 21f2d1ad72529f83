"""Capaian (achievement) of IKU: realisasi against target, capped, categorised.

The seed (LKjIP BKPSDM Balikpapan 2017, Bab III 3.1) measures::

    capaian IKU = realisasi / target x 100%

and states "Angka maksimum capaian setiap IKU sebesar 100%". Its Tabel 3.1 still
prints the uncapped figures (110,33%, 380,95%), so both are kept: ``capaian`` (raw)
and ``capaian_dibatasi`` (capped at ``batas_capaian``; None = no cap).

For a negative-polarity indicator (smaller is better, e.g. number of violations)
three formulas are offered, chosen by ``pengukuran.rumus_polaritas_negatif``:

``dua_kali_target`` (default)
    (2 x target - realisasi) / target x 100. Linear and defined for realisasi 0;
    equals 100 at target, the usual reading in LKjIP/SAKIP practice. It can go
    below 0 when realisasi exceeds twice the target (the category is then the
    lowest one).
``target_per_realisasi``
    target / realisasi x 100. Undefined for realisasi 0 (CalculationError).
``realisasi_per_target``
    realisasi / target x 100, *not* oriented (a high capaian is bad). This is what
    the seed did in 2016 ("0,32% dari target 0,20% ... 162% ... kurang karena progres
    negatif") together with its mirrored scale; the category then uses the scale's
    ``negatif`` bands (see ``params/scales.yaml``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from lkjip_helpers.core.exceptions import CalculationError
from lkjip_helpers.core.numbers import is_finite_number
from lkjip_helpers.indikator.model import ARAH_NEGATIF, ARAH_POSITIF, POLARITAS, RUMUS_NEGATIF
from lkjip_helpers.indikator.params import AgencyParams, Iku, Pengukuran, YearParams, target_for
from lkjip_helpers.indikator.scales import Skala, get_scale, kategorikan

#: ``status`` of an IKU whose capaian is computed.
STATUS_TERUKUR = "terukur"
#: ``status`` of an IKU whose realisasi is declared not available.
STATUS_TIDAK_TERUKUR = "tidak_dapat_diukur"
#: Category (and the words of the report) for an IKU that cannot be measured.
KATEGORI_TIDAK_TERUKUR = "Tidak dapat diukur"

#: Columns of outputs/<year>/capaian_iku.csv, in order.
KOLOM_CAPAIAN = (
    "kode",
    "sasaran",
    "indikator",
    "satuan",
    "polaritas",
    "target",
    "realisasi",
    "capaian",
    "capaian_dibatasi",
    "skor",
    "kategori",
    "status",
    "keterangan",
)


@dataclass(frozen=True)
class Capaian:
    """Result of :func:`hitung_capaian`.

    Attributes
    ----------
    mentah : float
        Uncapped capaian in percent (what Tabel 3.1 prints).
    dibatasi : float
        Capaian capped at the cap (equal to ``mentah`` when there is no cap or it
        is below the cap).
    arah : str
        Band set that categorises it: ``positif`` or ``negatif`` (mirrored).
    """

    mentah: float
    dibatasi: float
    arah: str


def _label(kode: str | None) -> str:
    return f"IKU {kode}" if kode else "the indicator"


def arah_skala(polaritas: str, rumus_negatif: str = "dua_kali_target") -> str:
    """Which band set categorises a capaian: ``positif`` unless the capaian of a
    negative indicator is the non-oriented ``realisasi_per_target``."""
    if polaritas not in POLARITAS:
        raise CalculationError(f"polaritas {polaritas!r} is not one of {', '.join(POLARITAS)}")
    if rumus_negatif not in RUMUS_NEGATIF:
        raise CalculationError(
            f"rumus_polaritas_negatif {rumus_negatif!r} is not one of {', '.join(RUMUS_NEGATIF)}"
        )
    if polaritas == "negatif" and rumus_negatif == "realisasi_per_target":
        return ARAH_NEGATIF
    return ARAH_POSITIF


def batasi(nilai: float, batas: float | None) -> float:
    """Cap ``nilai`` at ``batas`` (None = no cap). Only the top is capped: a low
    capaian is information, not an outlier."""
    if batas is None:
        return float(nilai)
    return float(min(nilai, batas))


def hitung_capaian(
    realisasi: float | None,
    target: float | None,
    polaritas: str = "positif",
    rumus_negatif: str = "dua_kali_target",
    batas: float | None = None,
    kode: str | None = None,
) -> Capaian:
    """Compute the capaian of one indicator, raw and capped.

    Parameters
    ----------
    realisasi : float
        Realised value, in the indicator's unit.
    target : float
        Target (the last Perjanjian Kinerja revision), same unit; must not be 0.
    polaritas : {"positif", "negatif"}
        ``positif``: bigger is better. ``negatif``: smaller is better.
    rumus_negatif : {"dua_kali_target", "target_per_realisasi", "realisasi_per_target"}
        Formula for negative polarity (see module docstring).
    batas : float or None
        Cap in percent (the seed: 100). None = no cap.
    kode : str, optional
        IKU code, used in error messages.

    Returns
    -------
    Capaian

    Raises
    ------
    CalculationError
        If the target is missing or 0, the realisasi is missing, or
        ``target_per_realisasi`` meets a realisasi of 0.

    Examples
    --------
    >>> round(hitung_capaian(83.85, 76).mentah, 2)
    110.33
    >>> hitung_capaian(83.85, 76, batas=100).dibatasi
    100.0
    """
    arah = arah_skala(polaritas, rumus_negatif)
    if not is_finite_number(target):
        raise CalculationError(
            f"{_label(kode)}: target is missing ({target!r}); enter the Perjanjian "
            "Kinerja target in params/<year>.yaml."
        )
    if not is_finite_number(realisasi):
        raise CalculationError(
            f"{_label(kode)}: realisasi is missing ({realisasi!r}); enter it in "
            "realisasi_iku or check the rule that computes it."
        )
    t = float(target)  # type: ignore[arg-type]
    r = float(realisasi)  # type: ignore[arg-type]
    if t == 0:
        raise CalculationError(
            f"{_label(kode)}: target is 0, capaian (realisasi / target) is undefined; "
            "a Perjanjian Kinerja target must be non-zero."
        )
    if polaritas == "positif" or rumus_negatif == "realisasi_per_target":
        mentah = r / t * 100
    elif rumus_negatif == "dua_kali_target":
        mentah = (2 * t - r) / t * 100
    else:  # target_per_realisasi
        if r == 0:
            raise CalculationError(
                f"{_label(kode)}: realisasi is 0, so target / realisasi is undefined; "
                "use rumus_polaritas_negatif: dua_kali_target for indicators that can reach 0."
            )
        mentah = t / r * 100
    if batas is not None and arah == ARAH_NEGATIF:
        # Capping a non-oriented capaian (high = bad) would hide the bad values.
        dibatasi = mentah
    else:
        dibatasi = batasi(mentah, batas)
    return Capaian(mentah=mentah, dibatasi=dibatasi, arah=arah)


def capaian_iku(
    iku: Iku, realisasi: float | None, target: float | None, pengukuran: Pengukuran
) -> Capaian:
    """The capaian of ``iku`` under the agency's rules: the one function every
    place of the report uses (tables, history, Renstra progress, sentences,
    charts, audit).

    Parameters
    ----------
    iku : Iku
        Gives the polarity and the code (for messages).
    realisasi, target : float
        In the IKU's unit.
    pengukuran : Pengukuran
        ``params/agency.yaml`` ``pengukuran``: the negative-polarity formula and
        the cap.

    Returns
    -------
    Capaian
    """
    return hitung_capaian(
        realisasi,
        target,
        polaritas=iku.polaritas,
        rumus_negatif=pengukuran.rumus_polaritas_negatif,
        batas=pengukuran.batas_capaian,
        kode=iku.kode,
    )


def _nilai_realisasi(nilai: object) -> object:
    """Accept a number or a realisasi result object with ``.nilai``."""
    return getattr(nilai, "nilai", nilai)


def tabel_capaian(
    agency: AgencyParams,
    tahun: YearParams,
    realisasi: Mapping[str, object],
    skala: Skala | str | None = None,
) -> pd.DataFrame:
    """Build the capaian table of a year (becomes ``outputs/<year>/capaian_iku.csv``).

    One row per IKU active in the year (a non-null Renstra target), in the order of
    ``params/agency.yaml``.

    Parameters
    ----------
    agency : AgencyParams
        From :func:`lkjip_helpers.indikator.params.load_agency`.
    tahun : YearParams
        From :func:`lkjip_helpers.indikator.params.load_year`; the target is the last PK
        revision (:func:`lkjip_helpers.indikator.params.target_for`).
    realisasi : mapping
        IKU code -> realisasi (a number, or a ``HasilRealisasi`` from
        :mod:`lkjip_helpers.indikator.realisasi`).
    skala : Skala or str, optional
        Overrides ``pengukuran.skala``.

    Returns
    -------
    DataFrame
        Columns exactly :data:`KOLOM_CAPAIAN`: ``kode, sasaran`` (sasaran code),
        ``indikator`` (IKU name), ``satuan, polaritas, target, realisasi, capaian``
        (raw %), ``capaian_dibatasi`` (capped %), ``skor, kategori`` (from the capped
        value), ``status`` (:data:`STATUS_TERUKUR` or :data:`STATUS_TIDAK_TERUKUR`)
        and ``keterangan`` (why an IKU cannot be measured, else empty). An IKU whose
        realisasi is declared not available keeps its row, with empty realisasi,
        capaian and skor.

    Raises
    ------
    CalculationError
        If an IKU has no realisasi, or a realisasi is given for an unknown IKU.
    """
    ukur = agency.pengukuran
    sk = get_scale(skala or ukur.skala) if not isinstance(skala, Skala) else skala
    aktif = agency.iku_aktif(tahun.tahun)
    kode_aktif = {i.kode for i in aktif}
    asing = sorted(set(realisasi) - kode_aktif)
    if asing:
        raise CalculationError(
            f"realisasi given for IKU not active in {tahun.tahun}: {', '.join(asing)}; "
            f"active IKU: {', '.join(sorted(kode_aktif))}."
        )
    rows = []
    for iku in aktif:
        if iku.kode not in realisasi:
            raise CalculationError(
                f"IKU {iku.kode}: no realisasi for {tahun.tahun}; enter it in "
                "realisasi_iku or check the rule that computes it."
            )
        r = _nilai_realisasi(realisasi[iku.kode])
        target = target_for(iku, tahun)
        alasan = getattr(realisasi[iku.kode], "alasan", None)
        row = {
            "kode": iku.kode,
            "sasaran": iku.sasaran,
            "indikator": iku.nama,
            "satuan": iku.satuan,
            "polaritas": iku.polaritas,
            "target": float(target),
        }
        # only a realisasi declared not available (with its reason) is left unmeasured;
        # a bare missing value stays an error (hitung_capaian says so)
        if r is None and alasan:
            row.update(
                realisasi=float("nan"),
                capaian=float("nan"),
                capaian_dibatasi=float("nan"),
                skor=pd.NA,
                kategori=KATEGORI_TIDAK_TERUKUR,
                status=STATUS_TIDAK_TERUKUR,
                keterangan=alasan,
            )
        else:
            c = capaian_iku(iku, r, target, ukur)  # type: ignore[arg-type]
            band = kategorikan(c.dibatasi, sk, c.arah)
            row.update(
                realisasi=float(r),  # type: ignore[arg-type]
                capaian=c.mentah,
                capaian_dibatasi=c.dibatasi,
                skor=int(band.skor),
                kategori=band.kategori,
                status=STATUS_TERUKUR,
                keterangan="",
            )
        rows.append(row)
    df = pd.DataFrame(rows, columns=list(KOLOM_CAPAIAN))
    if not len(df):
        return df
    # a nullable integer keeps the scores whole beside an IKU without a score
    return df.astype({"skor": "Int64" if df["skor"].isna().any() else "int64"})


def terukur(tabel: pd.DataFrame) -> pd.DataFrame:
    """The rows of a capaian table whose capaian is computed (status terukur)."""
    if "status" not in tabel.columns:
        return tabel
    return tabel[tabel["status"] != STATUS_TIDAK_TERUKUR]


def tidak_terukur(tabel: pd.DataFrame) -> pd.DataFrame:
    """The rows of a capaian table that cannot be measured (realisasi not available)."""
    if "status" not in tabel.columns:
        return tabel.iloc[0:0]
    return tabel[tabel["status"] == STATUS_TIDAK_TERUKUR]


def rata_rata_per_sasaran(
    tabel: pd.DataFrame,
    skala: Skala | str,
    rumus_negatif: str = "dua_kali_target",
) -> pd.DataFrame:
    """Average capaian per sasaran (raw and capped), with the category of the average.

    The seed prints "Rata-rata Capaian Sasaran" as the plain mean of the IKU
    capaian of the sasaran (Sasaran II: 113,50%; Sasaran I: "> 100%").

    Parameters
    ----------
    tabel : DataFrame
        Output of :func:`tabel_capaian` (columns ``sasaran, polaritas, capaian,
        capaian_dibatasi``).
    skala : Skala or str
        Scale for the category of the average (positive bands; the category is
        taken from the capped average).
    rumus_negatif : str
        The formula used for negative indicators. With ``realisasi_per_target`` a
        negative indicator's capaian is not oriented, so averaging it with others
        would be meaningless: CalculationError.

    Returns
    -------
    DataFrame
        Columns ``sasaran, jumlah_iku`` (IKU averaged), ``capaian, capaian_dibatasi,
        skor, kategori`` and ``tidak_terukur`` (codes of the sasaran's IKU left out
        of the average because they cannot be measured, comma separated), one row
        per sasaran in order of first appearance. A sasaran none of whose IKU can
        be measured has an empty average and category :data:`KATEGORI_TIDAK_TERUKUR`.
    """
    sk = get_scale(skala) if isinstance(skala, str) else skala
    ukur = terukur(tabel)
    if rumus_negatif == "realisasi_per_target" and (ukur["polaritas"] == "negatif").any():
        raise CalculationError(
            "cannot average capaian per sasaran: negative-polarity IKU are measured as "
            "realisasi / target (a high capaian is bad); use dua_kali_target or "
            "target_per_realisasi for an average."
        )
    out = []
    for sasaran, semua in tabel.groupby("sasaran", sort=False):
        lewat = ", ".join(tidak_terukur(semua)["kode"])
        grup = terukur(semua)
        if grup.empty:
            out.append(
                {
                    "sasaran": sasaran,
                    "jumlah_iku": 0,
                    "capaian": float("nan"),
                    "capaian_dibatasi": float("nan"),
                    "skor": pd.NA,
                    "kategori": KATEGORI_TIDAK_TERUKUR,
                    "tidak_terukur": lewat,
                }
            )
            continue
        kosong = grup["capaian"].isna() | grup["capaian_dibatasi"].isna()
        if kosong.any():
            raise CalculationError(
                f"sasaran {sasaran}: capaian missing for IKU {', '.join(grup.loc[kosong, 'kode'])}."
            )
        mentah = float(grup["capaian"].mean())
        dibatasi = float(grup["capaian_dibatasi"].mean())
        band = kategorikan(dibatasi, sk)
        out.append(
            {
                "sasaran": sasaran,
                "jumlah_iku": int(len(grup)),
                "capaian": mentah,
                "capaian_dibatasi": dibatasi,
                "skor": int(band.skor),
                "kategori": band.kategori,
                "tidak_terukur": lewat,
            }
        )
    return pd.DataFrame(
        out,
        columns=[
            "sasaran",
            "jumlah_iku",
            "capaian",
            "capaian_dibatasi",
            "skor",
            "kategori",
            "tidak_terukur",
        ],
    )
