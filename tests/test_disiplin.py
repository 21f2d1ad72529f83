"""Tests of lkjip_helpers.indikator.disiplin with the seed's numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lkjip_helpers.core.exceptions import CalculationError
from lkjip_helpers.indikator.disiplin import persentase_penurunan, tingkat_pelanggaran


def test_seed_decrease_21_to_17():
    hasil = persentase_penurunan(21, 17)
    assert hasil == pytest.approx(19.047619047619, rel=1e-12)
    assert round(hasil, 2) == 19.05


def test_increase_is_negative_and_no_change_is_zero():
    assert persentase_penurunan(20, 25) == pytest.approx(-25)
    assert persentase_penurunan(21, 21) == 0
    assert persentase_penurunan(21, 0) == 100


@pytest.mark.parametrize(
    ("lalu", "kini", "message"),
    [
        (0, 3, "kasus tahun n-1 is 0"),
        (None, 3, "kasus tahun n-1 is missing"),
        (21, float("nan"), "kasus tahun n is missing"),
        (-1, 3, "cannot be negative"),
    ],
)
def test_errors(lalu, kini, message):
    with pytest.raises(CalculationError, match=message):
        persentase_penurunan(lalu, kini)


def test_violation_rate_seed_2016():
    assert round(tingkat_pelanggaran(20, 6190), 2) == 0.32
    with pytest.raises(CalculationError, match="jumlah PNS is 0"):
        tingkat_pelanggaran(3, 0)


@given(st.integers(1, 10_000), st.integers(0, 10_000), st.integers(0, 10_000))
def test_fewer_cases_means_bigger_decrease(lalu, a, b):
    lo, hi = sorted((a, b))
    assert persentase_penurunan(lalu, lo) >= persentase_penurunan(lalu, hi)
    assert persentase_penurunan(lalu, lo) <= 100
