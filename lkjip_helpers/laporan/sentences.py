"""Indonesian sentences of the LKjIP, from values and templates in ``params/narrative.yaml``.

The sentences are the only prose the code writes; their wording is data so that
analysts can change it without touching code. Every figure is formatted by
:mod:`lkjip_helpers.laporan.formatting` before it is inserted.

Safety: templates are filled by :func:`lkjip_helpers.laporan.markdown.isi_templat`,
the report's one templating mechanism (also used for the prose files), as *text*
templates: the wording and every value are escaped, in a single pass, so braces
or markup inside a value (an indicator named ``{x}`` or ``<script>``) are shown
literally and never interpreted, and a sentence reads exactly as written. Templates may only use
plain ``{name}`` placeholders (no attribute/index access, conversions or format
specs), checked when the file is loaded. The result is
:class:`~lkjip_helpers.laporan.markdown.Markdown`, ready for ``show_markdown``;
its ``plain`` attribute is the sentence as a reader reads it.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

from pydantic import BeforeValidator, Field, field_validator
from pydantic_core import PydanticCustomError

from lkjip_helpers.core.config import display_path, narrative_file
from lkjip_helpers.core.exceptions import ParamsError
from lkjip_helpers.core.numbers import DESIMAL, bulatkan
from lkjip_helpers.core.schema import Skema, Teks, gagal, load
from lkjip_helpers.indikator.anggaran import efisiensi, serapan
from lkjip_helpers.laporan import formatting as fmt
from lkjip_helpers.laporan.markdown import Markdown, isi_templat

#: Placeholders each known template may use.
FIELDS: dict[str, frozenset[str]] = {
    "capaian_iku": frozenset(
        {"nama", "kode", "realisasi", "target", "capaian", "capaian_dibatasi", "kategori", "skor"}
    ),
    "tren_naik": frozenset(
        {"nama", "tahun", "tahun_lalu", "nilai", "nilai_lalu", "perubahan", "selisih", "arah"}
    ),
    "anggaran": frozenset({"uraian", "anggaran", "realisasi", "sisa", "serapan", "efisiensi"}),
    "rata_sasaran": frozenset(
        {"sasaran", "jumlah_iku", "capaian", "capaian_dibatasi", "kategori", "skor"}
    ),
}
FIELDS["tren_turun"] = FIELDS["tren_naik"]
FIELDS["tren_tetap"] = FIELDS["tren_naik"]


def _desimal(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise gagal(f"expected a whole number 0-6, got {value!r}.")
    return value


def _placeholders(teks: str) -> set[str]:
    """The ``{name}`` placeholders of a template; only plain names are allowed."""
    names: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(teks))
    except ValueError as exc:
        raise gagal(f"invalid template ({exc}); write {{{{ and }}}} for literal braces.") from None
    for _, name, spec, conv in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conv:
            raise gagal(
                f"placeholder {{{name}{'!' + conv if conv else ''}"
                f"{':' + spec if spec else ''}}} is not allowed; use a plain {{name}}."
            )
        names.add(name)
    return names


class Templat(Skema):
    """Validated content of ``params/narrative.yaml``."""

    DIISI_KODE = frozenset({"sumber"})

    kalimat: Annotated[dict[str, Teks], Field(min_length=1)]
    arah: dict[str, Teks]
    satuan_perubahan: dict[str, str] = Field(default_factory=dict)
    desimal: Annotated[int, BeforeValidator(_desimal)] = DESIMAL
    target_ringkas: bool = True
    sumber: str = ""

    @field_validator("kalimat")
    @classmethod
    def _kalimat(cls, kalimat: dict[str, str]) -> dict[str, str]:
        hilang = sorted(set(FIELDS) - set(kalimat))
        if hilang:
            raise gagal(f"missing template(s) {', '.join(hilang)}.")
        bersih: dict[str, str] = {}
        for key, teks in kalimat.items():
            try:
                dipakai = _placeholders(teks)
            except PydanticCustomError as exc:
                raise gagal(str(exc), key) from None
            asing = sorted(dipakai - FIELDS.get(key, dipakai))
            if asing:
                tidak_dikenal = ", ".join("{" + a + "}" for a in asing)
                tersedia = ", ".join("{" + f + "}" for f in sorted(FIELDS[key]))
                raise gagal(f"unknown placeholder(s) {tidak_dikenal}; available: {tersedia}.", key)
            bersih[str(key)] = " ".join(teks.split())
        return bersih

    @field_validator("arah")
    @classmethod
    def _arah(cls, arah: dict[str, str]) -> dict[str, str]:
        if set(arah) != {"naik", "turun", "tetap"}:
            raise gagal(
                f"expected the words for naik, turun and tetap, got {', '.join(arah) or 'none'}."
            )
        return arah


@functools.lru_cache(maxsize=8)
def _load_cached(path_str: str, mtime_ns: int) -> Templat:
    path = Path(path_str)
    return load(Templat, path).model_copy(update={"sumber": display_path(path)})


def load_templat(path: Path | str | None = None) -> Templat:
    """Load and validate ``params/narrative.yaml`` (cached while unchanged).

    Raises
    ------
    ParamsError
        Missing template, unknown or disallowed placeholder (naming file and key).
    """
    p = Path(path) if path is not None else narrative_file()
    if not p.exists():
        raise ParamsError(f"{display_path(p)}: file not found.")
    return _load_cached(str(p.resolve()), p.stat().st_mtime_ns)


def isi(nama_templat: str, nilai: Mapping[str, object], templat: Templat | None = None) -> Markdown:
    """Fill template ``nama_templat`` with ``nilai``; each value is escaped for Markdown.

    Use it for extra templates analysts add to ``kalimat``; values should already be
    formatted text (see :mod:`lkjip_helpers.laporan.formatting`); a
    :class:`~lkjip_helpers.laporan.markdown.Markdown` value is inserted as is.

    Raises
    ------
    ParamsError
        Unknown template, or a placeholder without a value.
    """
    t = templat or load_templat()
    if nama_templat not in t.kalimat:
        raise ParamsError(
            f"{t.sumber}: kalimat.{nama_templat}: no such template; known: "
            f"{', '.join(sorted(t.kalimat))}."
        )
    teks = t.kalimat[nama_templat]
    perlu = {name for _, name, _, _ in string.Formatter().parse(teks) if name}
    kurang = sorted(perlu - {str(k) for k in nilai})
    if kurang:
        raise ParamsError(f"{t.sumber}: kalimat.{nama_templat}: no value for {', '.join(kurang)}.")
    # Sentence templates are text: their wording reads literally, like the values.
    return isi_templat(teks, nilai, sumber=f"{t.sumber}: kalimat.{nama_templat}", markdown=False)


def _satuan_perubahan(t: Templat, satuan: str) -> str:
    s = (satuan or "").strip().lower()
    if s in t.satuan_perubahan:
        return t.satuan_perubahan[s]
    return t.satuan_perubahan.get("lainnya", "{satuan}").replace("{satuan}", satuan or "")


def kalimat_capaian_iku(
    nama: str,
    realisasi: float,
    target: float,
    capaian: float,
    kategori: str,
    satuan: str = "persen",
    capaian_dibatasi: float | None = None,
    kode: str = "",
    skor: int | None = None,
    templat: Templat | None = None,
) -> Markdown:
    """IKU achievement sentence.

    With the default template, ``kalimat_capaian_iku("X", 83.85, 76, 110.3289,
    "Sangat Baik")`` gives ``Indikator "X" dengan realisasi sebesar 83,85% dari target
    76% sehingga capaian sebesar 110,33% (Sangat Baik).``

    Parameters
    ----------
    nama : str
        Indicator name (escaped as it is inserted).
    realisasi, target : float
        In the indicator's ``satuan``.
    capaian : float
        Raw capaian, percent (the figure Tabel 3.1 prints).
    kategori : str
    satuan : str, default "persen"
    capaian_dibatasi, kode, skor : optional
        Available to templates that use them.
    templat : Templat, optional
        Defaults to ``params/narrative.yaml``.

    Returns
    -------
    Markdown
    """
    t = templat or load_templat()
    d = t.desimal
    return isi(
        "capaian_iku",
        {
            "nama": nama,
            "kode": kode,
            "realisasi": fmt.nilai_satuan(realisasi, satuan, d),
            "target": fmt.nilai_satuan(target, satuan, d, ringkas=t.target_ringkas),
            "capaian": fmt.persen(capaian, d),
            "capaian_dibatasi": fmt.persen(
                capaian if capaian_dibatasi is None else capaian_dibatasi, d
            ),
            "kategori": kategori,
            "skor": "" if skor is None else str(skor),
        },
        t,
    )


def kalimat_capaian_baris(baris: Mapping[str, object], templat: Templat | None = None) -> Markdown:
    """IKU achievement sentence from a row of :func:`lkjip_helpers.indikator.capaian.tabel_capaian`."""
    return kalimat_capaian_iku(
        nama=str(baris["indikator"]),
        realisasi=baris["realisasi"],  # type: ignore[arg-type]
        target=baris["target"],  # type: ignore[arg-type]
        capaian=baris["capaian"],  # type: ignore[arg-type]
        kategori=str(baris["kategori"]),
        satuan=str(baris["satuan"]),
        capaian_dibatasi=baris.get("capaian_dibatasi"),  # type: ignore[arg-type]
        kode=str(baris.get("kode", "")),
        skor=baris.get("skor"),  # type: ignore[arg-type]
        templat=templat,
    )


def kalimat_tren(
    nama: str,
    nilai: float,
    nilai_lalu: float,
    tahun: int,
    satuan: str = "persen",
    tahun_lalu: int | None = None,
    templat: Templat | None = None,
) -> Markdown:
    """Trend sentence vs the previous year: naik / turun / tetap, by how much, in the unit.

    The direction is decided on the change rounded to the printed decimals, so a
    change that prints as 0,00 reads "tetap".

    Parameters
    ----------
    nama : str
        What is measured (e.g. "Nilai IKM").
    nilai, nilai_lalu : float
        This year's and the previous year's value, in ``satuan``.
    tahun : int
    satuan : str, default "persen"
        A change of a percentage is written in points (``poin persentase``).
    tahun_lalu : int, optional
        Defaults to ``tahun - 1``.
    """
    t = templat or load_templat()
    d = t.desimal
    selisih = float(nilai) - float(nilai_lalu)
    teks_perubahan = fmt.perubahan(
        selisih,
        _satuan_perubahan(t, satuan),
        d,
        kata_naik=t.arah["naik"],
        kata_turun=t.arah["turun"],
        kata_tetap=t.arah["tetap"],
        ringkas=fmt.satuan_hitungan(satuan),
    )
    dibulatkan = bulatkan(selisih, d)
    arah = "naik" if dibulatkan > 0 else "turun" if dibulatkan < 0 else "tetap"
    return isi(
        f"tren_{arah}",
        {
            "nama": nama,
            "tahun": fmt.tahun(tahun),
            "tahun_lalu": fmt.tahun(tahun - 1 if tahun_lalu is None else tahun_lalu),
            "nilai": fmt.nilai_satuan(nilai, satuan, d),
            "nilai_lalu": fmt.nilai_satuan(nilai_lalu, satuan, d),
            "perubahan": teks_perubahan,
            "selisih": fmt.angka(abs(selisih), d),
            "arah": t.arah[arah],
        },
        t,
    )


def kalimat_anggaran(
    uraian: str,
    anggaran: float,
    realisasi: float,
    templat: Templat | None = None,
) -> Markdown:
    """Budget sentence: budget, realisation, absorption and efficiency.

    Parameters
    ----------
    uraian : str
        What the budget is for (e.g. 'pada sasaran "Meningkatnya ..."', 'Belanja Langsung').
    anggaran, realisasi : float
        Rupiah.
    """
    t = templat or load_templat()
    d = t.desimal
    return isi(
        "anggaran",
        {
            "uraian": uraian,
            "anggaran": fmt.rupiah(anggaran),
            "realisasi": fmt.rupiah(realisasi),
            "sisa": fmt.rupiah(float(anggaran) - float(realisasi)),
            "serapan": fmt.persen(serapan(realisasi, anggaran, uraian), d),
            "efisiensi": fmt.persen(efisiensi(realisasi, anggaran, uraian), d),
        },
        t,
    )


def kalimat_rata_sasaran(
    sasaran: str,
    capaian: float,
    kategori: str,
    jumlah_iku: int | None = None,
    capaian_dibatasi: float | None = None,
    skor: int | None = None,
    templat: Templat | None = None,
    batas: float | None = None,
) -> Markdown:
    """Sasaran average sentence (from a row of ``capaian.rata_rata_per_sasaran``).

    ``batas`` is the cap on each IKU's capaian (``pengukuran.batas_capaian``); with a
    cap the template ``rata_sasaran_dibatasi`` is used, else ``rata_sasaran``.
    """
    t = templat or load_templat()
    d = t.desimal
    return isi(
        "rata_sasaran" if batas is None else "rata_sasaran_dibatasi",
        {
            "batas": "" if batas is None else fmt.persen(batas, d, ringkas=True),
            "sasaran": sasaran,
            "jumlah_iku": "" if jumlah_iku is None else fmt.angka(jumlah_iku, 0),
            "capaian": fmt.persen(capaian, d),
            "capaian_dibatasi": fmt.persen(
                capaian if capaian_dibatasi is None else capaian_dibatasi, d
            ),
            "kategori": kategori,
            "skor": "" if skor is None else str(skor),
        },
        t,
    )
