"""Indonesian number, money and date formatting: the ONLY place numbers become text.

Everything a reader sees as a figure goes through this module so that the report
uses one convention everywhere (locale ``id_ID`` via Babel):

* decimal comma and dot thousands separator: ``1.234,56``;
* percent written without a space, as the seed report and PUEBI do: ``110,33%``;
* rupiah written ``Rp5.462.124.731,00`` (Babel's ``id_ID`` currency pattern
  ``¤#,##0.00`` has no space either); ``Rp5.462.124.731`` without decimals;
* dates ``28 Februari 2018``;
* a missing value (``None`` or NaN) is printed as :data:`KOSONG` (``–``), the
  dash Indonesian tables use for "not available".

Rounding is **half up** (``19,045`` -> ``19,05``) on the decimal text of the float
(``repr``), not on its binary value: this is how a reader rounds by hand and how
spreadsheets print, so a recomputed figure matches the published one. Babel would
round half-even (``0,125`` -> ``0,12``), so values are quantized here first.
:func:`lkjip_helpers.core.numbers.bulatkan` applies the same rounding so that a category decided on a rounded
value (see ``scales.py``) always agrees with the printed number.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal, localcontext
from numbers import Real

from babel.dates import format_date
from babel.numbers import format_decimal as _babel_format_decimal

# The report formats with the same rounding the engine computes with.
from lkjip_helpers.core.numbers import (
    _PRESISI,
    DESIMAL,
    _ke_decimal,
    bulatkan,
    kosong,
)

LOCALE = "id_ID"
#: Printed for a missing value (None/NaN). The dash used in Indonesian tables.
KOSONG = "\u2013"
#: IKU units printed as a percentage / as a bare number (see nilai_satuan).
SATUAN_PERSEN = frozenset({"persen", "%", "persentase"})
SATUAN_ANGKA = frozenset({"", "skor", "indeks", "nilai", "poin"})


def _pola(desimal: int, ringkas: bool) -> str:
    if desimal == 0:
        return "#,##0"
    return "#,##0." + ("#" if ringkas else "0") * desimal


def angka(nilai: Real | Decimal | None, desimal: int = DESIMAL, ringkas: bool = False) -> str:
    """Format a number the Indonesian way: ``110,33``, ``5.462.124.731,00``.

    Parameters
    ----------
    nilai : float, int, Decimal or None
        The number; None/NaN gives :data:`KOSONG`.
    desimal : int, default 2
        Decimal places (rounded half up).
    ringkas : bool, default False
        Drop trailing zeros of the fraction (``76`` rather than ``76,00``, ``96,5``
        rather than ``96,50``), as targets are usually printed.

    Returns
    -------
    str
    """
    if kosong(nilai):
        return KOSONG
    d = _ke_decimal(nilai)
    if d.is_nan():
        return KOSONG
    if d.is_infinite():
        return "-∞" if d < 0 else "∞"
    rounded = bulatkan(d, desimal)
    with localcontext() as ctx:
        ctx.prec = _PRESISI  # Babel quantizes again in the current context
        return _babel_format_decimal(rounded, format=_pola(desimal, ringkas), locale=LOCALE)


def persen(nilai: Real | Decimal | None, desimal: int = DESIMAL, ringkas: bool = False) -> str:
    """Format a percentage already expressed in percent: ``110.33`` -> ``110,33%``.

    No space before ``%``: the seed writes ``110,33%`` and PUEBI writes the percent
    sign attached to the number.

    Parameters
    ----------
    nilai : float, int, Decimal or None
        Value in percent (not a fraction: 0.5 means 0,5%).
    desimal : int, default 2
    ringkas : bool, default False
        See :func:`angka`.

    Returns
    -------
    str
    """
    if kosong(nilai):
        return KOSONG
    return angka(nilai, desimal, ringkas) + "%"


def capaian(
    mentah: Real | Decimal | None,
    dibatasi: Real | Decimal | None = None,
    desimal: int = DESIMAL,
) -> str:
    """A capaian with its capped value next to it when the cap changed it.

    ``capaian(120, 100)`` -> ``120,00% (dibatasi 100,00%)``; ``capaian(75, 75)`` and
    ``capaian(75)`` -> ``75,00%``. The two are compared as printed, so a cap that
    does not change the printed figure is not repeated.
    """
    teks = persen(mentah, desimal)
    if kosong(dibatasi) or kosong(mentah):
        return teks
    batas = persen(dibatasi, desimal)
    return teks if batas == teks else f"{teks} (dibatasi {batas})"


def rupiah(nilai: Real | Decimal | None, desimal: int = DESIMAL) -> str:
    """Format an amount of money: ``Rp5.462.124.731,00`` (or ``Rp5.462.124.731``).

    Parameters
    ----------
    nilai : float, int, Decimal or None
        Amount in rupiah.
    desimal : int, default 2
        2 prints sen as budget documents (DPA, LRA) do; 0 prints whole rupiah.

    Returns
    -------
    str
        Negative amounts are written ``-Rp1.000,00``.
    """
    if kosong(nilai):
        return KOSONG
    teks = angka(nilai, desimal)
    if teks.startswith("-"):
        return "-Rp" + teks[1:]
    return "Rp" + teks


def tanggal(nilai: _dt.date | _dt.datetime | str | None) -> str:
    """Format a date in Indonesian: ``2018-02-28`` -> ``28 Februari 2018``.

    Parameters
    ----------
    nilai : date, datetime, ISO string ``YYYY-MM-DD`` or None

    Returns
    -------
    str
    """
    if kosong(nilai):
        return KOSONG
    if isinstance(nilai, str):
        nilai = _dt.date.fromisoformat(nilai[:10])
    if isinstance(nilai, _dt.datetime):
        nilai = nilai.date()
    return format_date(nilai, "d MMMM y", locale=LOCALE)


def tahun(nilai: int | None) -> str:
    """Format a year without a thousands separator (``2017``, never ``2.017``)."""
    if kosong(nilai):
        return KOSONG
    return str(int(nilai))


def jumlah(nilai: Real | Decimal | None, satuan: str = "", desimal: int = 0) -> str:
    """Format a count with its unit: ``45 orang``, ``3.230 orang``, ``638 SK``.

    Parameters
    ----------
    nilai : number or None
    satuan : str, default ""
        Unit written after the number with a space (omitted when empty).
    desimal : int, default 0
        Counts are whole numbers; pass 1 or 2 for averages.

    Returns
    -------
    str
    """
    teks = angka(nilai, desimal)
    if teks == KOSONG or not satuan:
        return teks
    return f"{teks} {satuan}"


def perubahan(
    selisih: Real | Decimal | None,
    satuan: str = "poin",
    desimal: int = DESIMAL,
    kata_naik: str = "naik",
    kata_turun: str = "turun",
    kata_tetap: str = "tetap",
    ringkas: bool = False,
) -> str:
    """Format a signed change in words: ``naik 4,00 poin``, ``turun 2,50 poin``, ``tetap``.

    The direction is decided on the *rounded* value, so a change that prints as
    ``0,00`` is reported as ``tetap`` rather than "naik 0,00".

    Parameters
    ----------
    selisih : number or None
        New value minus old value.
    satuan : str, default "poin"
        Unit of the change (e.g. ``poin``, ``poin persen``, ``orang``); empty for none.
    desimal : int, default 2
    kata_naik, kata_turun, kata_tetap : str
        The words (``params/narrative.yaml`` passes its own wording).
    ringkas : bool, default False
        Drop trailing fraction zeros (``turun 4 kasus`` for counts).

    Returns
    -------
    str
    """
    if kosong(selisih):
        return KOSONG
    d = _ke_decimal(selisih)
    if not d.is_finite():
        return KOSONG
    rounded = bulatkan(d, desimal)
    if rounded == 0:
        return kata_tetap
    kata = kata_naik if rounded > 0 else kata_turun
    besar = angka(abs(rounded), desimal, ringkas)
    return f"{kata} {besar} {satuan}".rstrip()


def nilai_satuan(
    nilai: Real | Decimal | None, satuan: str, desimal: int = DESIMAL, ringkas: bool = False
) -> str:
    """Format a value according to an IKU unit.

    ``persen`` -> ``83,85%``; ``rupiah`` -> ``Rp...``; ``skor``/``indeks``/``nilai``
    and empty -> a bare number; any other unit is a count (``orang``, ``kasus``,
    ``SK``...) -> number without trailing zeros and the unit (``17 kasus``).

    Parameters
    ----------
    nilai : number or None
    satuan : str
        Unit as written in ``params/agency.yaml`` (``persen``, ``skor``...).
    desimal : int, default 2
    ringkas : bool, default False
        Drop trailing fraction zeros (used for targets: ``76%``).

    Returns
    -------
    str
    """
    s = (satuan or "").strip().lower()
    if s in SATUAN_PERSEN:
        return persen(nilai, desimal, ringkas)
    if s == "rupiah":
        return rupiah(nilai, desimal)
    if s in SATUAN_ANGKA:
        return angka(nilai, desimal, ringkas)
    # A count unit (orang, kasus, SK...): whole numbers print without ",00".
    teks = angka(nilai, desimal, ringkas=True)
    return teks if teks == KOSONG else f"{teks} {satuan}"


def satuan_hitungan(satuan: str) -> bool:
    """True for a count unit (orang, kasus, SK...), i.e. not persen/skor/indeks/rupiah."""
    s = (satuan or "").strip().lower()
    return s not in SATUAN_PERSEN | SATUAN_ANGKA | {"rupiah"}
