"""Tests of lkjip_helpers.indikator.profesionalitas."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lkjip_helpers.core.exceptions import CalculationError
from lkjip_helpers.indikator.profesionalitas import indeks_profesionalitas


def test_perfect_and_worst():
    assert indeks_profesionalitas(0, 1, 0, 0).nilai == 100
    assert indeks_profesionalitas(1, 0, 1, 1).nilai == 0


def test_seed_like_inputs():
    # gap kompetensi 16,15% (IKU-1 2017), violation rate 0,32% (2016)
    hasil = indeks_profesionalitas(0.1615, 0.85, 0.2, 0.0032)
    assert hasil.kompetensi == pytest.approx(25 * 0.8385)
    assert hasil.kinerja == pytest.approx(21.25)
    assert hasil.kompensasi == pytest.approx(20)
    assert hasil.disiplin == pytest.approx(25 * 0.9968)
    assert hasil.nilai == pytest.approx(
        hasil.kompetensi + hasil.kinerja + hasil.kompensasi + hasil.disiplin
    )
    assert round(hasil.nilai, 2) == 87.13


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((16, 0.85, 0.2, 0.0032), r"gap kompetensi must be a fraction .* \(give 0.16 for 16%\)"),
        ((0.16, 1.2, 0.2, 0.0032), "nilai SKP must be a fraction"),
        ((0.16, 0.85, -0.1, 0.0032), "gap kompensasi must be a fraction"),
        ((0.16, 0.85, 0.2, None), "tingkat pelanggaran disiplin is missing"),
        ((0.16, float("nan"), 0.2, 0.0), "nilai SKP is missing"),
    ],
)
def test_invalid_inputs(args, message):
    with pytest.raises(CalculationError, match=message):
        indeks_profesionalitas(*args)


FRACTION = st.floats(0, 1)


@given(FRACTION, FRACTION, FRACTION, FRACTION)
def test_range_0_100(a, b, c, d):
    assert 0 <= indeks_profesionalitas(a, b, c, d).nilai <= 100 + 1e-9
