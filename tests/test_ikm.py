"""Tests of lkjip_helpers.indikator.ikm (Kepmenpan 25/2004 and PermenPAN-RB 14/2017)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lkjip_helpers.core.exceptions import CalculationError
from lkjip_helpers.indikator.ikm import (
    ikm_dari_jawaban,
    ikm_dari_rata_unsur,
    mutu_pelayanan,
    nrr_per_unsur,
)

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _repo(monkeypatch):
    monkeypatch.setenv("LKJIP_ROOT", str(REPO))


def test_seed_86_26_is_a_sangat_baik():
    band = mutu_pelayanan(86.26, "kepmenpan_25_2004")
    assert (band.mutu, band.kinerja) == ("A", "Sangat Baik")


def test_from_element_averages_14():
    # 14 element averages with the seed's highest (3,857) and lowest (3,154) elements,
    # averaging 3,4504 -> IKM 86,26
    nrr = [3.857, 3.154] + [(3.4504 * 14 - 3.857 - 3.154) / 12] * 12
    h = ikm_dari_rata_unsur(nrr, "kepmenpan_25_2004")
    assert h.nilai_indeks == pytest.approx(3.4504)
    assert round(h.nilai_konversi, 2) == 86.26
    assert (h.mutu, h.kinerja, h.regulasi) == ("A", "Sangat Baik", "kepmenpan_25_2004")
    assert len(h.nilai_unsur) == 14


def test_printed_weight_option():
    # with the printed 0,071 a perfect survey scores 99,40
    h = ikm_dari_rata_unsur([4] * 14, "kepmenpan_25_2004", bobot="tercetak")
    assert h.nilai_konversi == pytest.approx(99.4)
    assert ikm_dari_rata_unsur([4] * 14).nilai_konversi == pytest.approx(100)


def test_permenpanrb_14_2017_nine_elements():
    assert ikm_dari_rata_unsur([4] * 9, "permenpanrb_14_2017").mutu == "A"
    h = ikm_dari_rata_unsur([3] * 9, "permenpanrb_14_2017")
    assert h.nilai_konversi == pytest.approx(75)
    assert (h.mutu, h.kinerja) == ("C", "Kurang Baik")
    # the same 75 is B under the 2004 regulation
    assert ikm_dari_rata_unsur([3] * 14, "kepmenpan_25_2004").mutu == "B"


def test_custom_weights():
    w = [0.2] + [0.1] * 8
    h = ikm_dari_rata_unsur([4] + [2] * 8, "permenpanrb_14_2017", bobot=w)
    assert h.nilai_indeks == pytest.approx(0.8 + 1.6)
    with pytest.raises(CalculationError, match="add up to 1"):
        ikm_dari_rata_unsur([3] * 9, "permenpanrb_14_2017", bobot=[0.1] * 9)
    with pytest.raises(CalculationError, match="give 9"):
        ikm_dari_rata_unsur([3] * 9, "permenpanrb_14_2017", bobot=[0.5, 0.5])


def test_element_count_mismatch():
    with pytest.raises(CalculationError, match=r"needs 14 element scores, got 9"):
        ikm_dari_rata_unsur([3] * 9, "kepmenpan_25_2004")
    with pytest.raises(CalculationError, match=r"needs 9 element columns, the survey has 14"):
        ikm_dari_jawaban(pd.DataFrame(np.full((5, 14), 3)), "permenpanrb_14_2017")


@pytest.mark.parametrize("bad", [0.5, 4.2, None, float("nan")])
def test_element_average_out_of_scale(bad):
    with pytest.raises(CalculationError, match="element 1"):
        ikm_dari_rata_unsur([bad] + [3] * 13)


def test_from_raw_answers():
    rng = np.random.default_rng(2017)
    answers = pd.DataFrame(
        rng.integers(1, 5, size=(150, 9)), columns=[f"U{i}" for i in range(1, 10)]
    )
    answers.iloc[0, 0] = np.nan  # an unanswered question is left out of that element
    h = ikm_dari_jawaban(answers, "permenpanrb_14_2017")
    nrr = answers.mean(axis=0, skipna=True)
    assert h.nilai_unsur == pytest.approx(tuple(nrr))
    assert h.nilai_konversi == pytest.approx(nrr.mean() * 25)
    assert list(nrr_per_unsur(answers).index) == list(answers.columns)


@pytest.mark.parametrize(
    ("value", "message"),
    [(5, "answer 5.0 is not a whole number 1-4"), (2.5, "2.5"), ("x", "not a number")],
)
def test_invalid_answers(value, message):
    answers = pd.DataFrame(np.full((3, 9), 3), columns=[f"U{i}" for i in range(9)]).astype(object)
    answers.iloc[1, 4] = value
    with pytest.raises(CalculationError, match=rf"element 'U4'.*{message}"):
        ikm_dari_jawaban(answers, "permenpanrb_14_2017")


def test_element_without_answers():
    answers = pd.DataFrame(np.full((3, 9), 3.0))
    answers[8] = np.nan
    with pytest.raises(CalculationError, match="have no answers"):
        ikm_dari_jawaban(answers, "permenpanrb_14_2017")
    with pytest.raises(CalculationError, match="no respondents"):
        nrr_per_unsur(pd.DataFrame())


@given(st.lists(st.floats(1, 4), min_size=14, max_size=14))
def test_any_valid_survey_has_one_quality(nrr):
    h = ikm_dari_rata_unsur(nrr)
    assert 25 - 1e-9 <= h.nilai_konversi <= 100 + 1e-9
    assert h.mutu in {"A", "B", "C", "D"}
