"""Tests of lkjip_helpers.laporan.formatting (id_ID numbers, money, dates)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation, localcontext

import numpy as np
import pandas as pd
import pytest
from babel.numbers import NumberFormatError, parse_decimal
from hypothesis import given
from hypothesis import strategies as st

from lkjip_helpers.core.numbers import _PRESISI, bulatkan
from lkjip_helpers.laporan import formatting as f

DASH = "\u2013"


def parse_angka(teks: str) -> Decimal:
    """Read an Indonesian-formatted number back (``1.234,56`` -> ``Decimal('1234.56')``),
    ``%`` and ``Rp`` stripped: the round-trip check of the formatters."""
    bersih = teks.strip().replace("Rp", "").replace("%", "").strip()
    negatif = bersih.startswith("-")
    if negatif:
        bersih = bersih[1:]
    try:
        with localcontext() as ctx:
            ctx.prec = _PRESISI  # the formatters' precision
            hasil = parse_decimal(bersih, locale=f.LOCALE, strict=True)
    except (NumberFormatError, InvalidOperation) as exc:
        raise ValueError(f"not an Indonesian number: {teks!r}") from exc
    return -hasil if negatif else hasil


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: f.angka(110.328947), "110,33"),
        (lambda: f.angka(1234567.891), "1.234.567,89"),
        (lambda: f.angka(19.047619), "19,05"),
        (lambda: f.angka(1 / 3, 4), "0,3333"),
        (lambda: f.angka(45, 0), "45"),
        (lambda: f.angka(76, ringkas=True), "76"),
        (lambda: f.angka(96.5, ringkas=True), "96,5"),
        (lambda: f.angka(np.float64(83.85)), "83,85"),
        (lambda: f.angka(Decimal("5462124731.00")), "5.462.124.731,00"),
        (lambda: f.persen(110.33), "110,33%"),
        (lambda: f.persen(76, ringkas=True), "76%"),
        (lambda: f.persen(380.952381), "380,95%"),
        (lambda: f.rupiah(5462124731), "Rp5.462.124.731,00"),
        (lambda: f.rupiah(5462124731, 0), "Rp5.462.124.731"),
        (lambda: f.rupiah(-1000), "-Rp1.000,00"),
        (lambda: f.tanggal(dt.date(2018, 2, 28)), "28 Februari 2018"),
        (lambda: f.tanggal("2018-02-28"), "28 Februari 2018"),
        (lambda: f.tanggal(dt.datetime(2017, 11, 1, 9, 30)), "1 November 2017"),
        (lambda: f.tahun(2017), "2017"),
        (lambda: f.jumlah(45, "orang"), "45 orang"),
        (lambda: f.jumlah(3230, "orang"), "3.230 orang"),
        (lambda: f.jumlah(638, "SK"), "638 SK"),
        (lambda: f.perubahan(4), "naik 4,00 poin"),
        (lambda: f.perubahan(-2.5, "poin persentase"), "turun 2,50 poin persentase"),
        (lambda: f.perubahan(0.004), "tetap"),  # prints 0,00: no "naik 0,00"
        (lambda: f.perubahan(-5, "orang", 0), "turun 5 orang"),
        (lambda: f.perubahan(1, "", kata_naik="meningkat"), "meningkat 1,00"),
        (lambda: f.nilai_satuan(83.85, "persen"), "83,85%"),
        (lambda: f.nilai_satuan(86.26, "skor"), "86,26"),
        (lambda: f.nilai_satuan(17, "kasus"), "17 kasus"),
        (lambda: f.nilai_satuan(2.5, "orang"), "2,5 orang"),
        (lambda: f.perubahan(-4, "kasus", ringkas=True), "turun 4 kasus"),
        (lambda: f.nilai_satuan(46000000, "rupiah"), "Rp46.000.000,00"),
    ],
)
def test_examples(call, expected):
    assert call() == expected


@pytest.mark.parametrize(
    ("nilai", "expected"),
    [
        (0.125, "0,13"),  # half up, not Babel's half-even 0,12
        (2.675, "2,68"),  # on the decimal text, not the binary value 2.67499...
        (19.045, "19,05"),
        (-0.001, "0,00"),  # never "-0,00"
        (-0.0, "0,00"),
        (-1.005, "-1,01"),
    ],
)
def test_half_up_rounding(nilai, expected):
    assert f.angka(nilai) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, pd.NaT])
def test_missing_is_dash(missing):
    for fn in (f.angka, f.persen, f.rupiah, f.perubahan, f.tahun):
        assert fn(missing) == DASH
    assert f.tanggal(missing) == DASH
    assert f.jumlah(missing, "orang") == DASH
    assert f.nilai_satuan(missing, "persen") == DASH


def test_infinity():
    assert f.angka(float("inf")) == "∞"
    assert f.angka(float("-inf")) == "-∞"
    assert f.perubahan(float("inf")) == DASH


def test_bulatkan():
    assert bulatkan(84.995, 2) == Decimal("85.00")
    assert bulatkan(84.994, 2) == Decimal("84.99")
    with pytest.raises(ValueError):
        bulatkan(float("nan"))
    with pytest.raises(ValueError):
        bulatkan(1, -1)


def test_parse_angka():
    assert parse_angka("1.234,56") == Decimal("1234.56")
    assert parse_angka("110,33%") == Decimal("110.33")
    assert parse_angka("Rp5.462.124.731,00") == Decimal("5462124731.00")
    assert parse_angka("-Rp1.000,00") == Decimal("-1000.00")
    with pytest.raises(ValueError):
        parse_angka(DASH)
    with pytest.raises(ValueError):
        parse_angka("abc")


ALL_FLOATS = st.floats(allow_nan=True, allow_infinity=True)
FINITE = st.floats(allow_nan=False, allow_infinity=False)


@given(ALL_FLOATS, st.integers(min_value=0, max_value=4))
def test_never_crashes_on_floats(x, d):
    for fn in (f.angka, f.persen, f.rupiah):
        assert isinstance(fn(x, d), str)
    assert isinstance(f.perubahan(x, "poin", d), str)
    assert isinstance(f.jumlah(x, "orang", d), str)
    assert isinstance(f.nilai_satuan(x, "persen", d), str)


@given(FINITE, st.integers(min_value=0, max_value=4))
def test_round_trip(x, d):
    expected = bulatkan(x, d)
    assert parse_angka(f.angka(x, d)) == expected
    assert parse_angka(f.persen(x, d)) == expected
    assert parse_angka(f.rupiah(x, d)) == expected


@given(FINITE)
def test_ringkas_round_trip(x):
    assert parse_angka(f.angka(x, 2, ringkas=True)) == bulatkan(x, 2)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_dates_are_indonesian(d):
    text = f.tanggal(d)
    day, month, year = text.split(" ")
    assert int(day) == d.day and int(year) == d.year
    assert month in {
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    }
