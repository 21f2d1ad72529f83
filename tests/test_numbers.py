"""Tests of lkjip_helpers.core.numbers (decimals of a published figure)."""

from __future__ import annotations

import pytest

from lkjip_helpers.core.numbers import desimal_tertulis


@pytest.mark.parametrize(
    ("teks", "desimal"), [("2.38", 2), ("100", 0), (" 55.0 ", 1), ("-0.125", 3), (7, 0)]
)
def test_decimals_as_written(teks, desimal):
    assert desimal_tertulis(teks) == desimal
