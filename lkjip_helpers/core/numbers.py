"""Pure numeric helpers shared by every layer: missing values, finiteness, rounding.

Rounding is half-up on the shortest decimal text of a value (``2.675`` rounds to
``2.68``), the way a reader rounds a printed figure; formatting for print is the
report layer's job (:mod:`lkjip_helpers.laporan.formatting`).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext
from numbers import Real

import numpy as np
import pandas as pd

#: Default number of decimal places of a printed figure.
DESIMAL = 2
# A float has at most ~309 integer digits; enough precision to quantize any of them
# to a few decimals without decimal.InvalidOperation (the default context has 28).
_PRESISI = 400


def kosong(nilai: object) -> bool:
    """Return True when ``nilai`` is missing: None, NaN or pandas' NA/NaT.

    Parameters
    ----------
    nilai : object
        Any value.

    Returns
    -------
    bool
    """
    if nilai is None:
        return True
    try:
        hasil = pd.isna(nilai)
    except (TypeError, ValueError):
        return False
    # pd.isna of a list/array is an array: such a value is not "a missing value".
    return isinstance(hasil, bool | np.bool_) and bool(hasil)


def _ke_decimal(nilai: Real | Decimal | str) -> Decimal:
    """Convert to Decimal through the shortest decimal text (``repr``) of the value."""
    if isinstance(nilai, Decimal):
        return nilai
    if isinstance(nilai, bool):
        raise TypeError("a boolean is not a number to format")
    if isinstance(nilai, int):
        return Decimal(nilai)
    if isinstance(nilai, str):
        return Decimal(nilai)
    # numpy scalars and other Reals: float() then repr() gives the shortest text that
    # round-trips, i.e. the number the user typed (0.125 stays 0.125, 2.675 stays 2.675).
    return Decimal(repr(float(nilai)))


def bulatkan(nilai: Real | Decimal, desimal: int = DESIMAL) -> Decimal:
    """Round half up to ``desimal`` places, as printed by this module.

    Parameters
    ----------
    nilai : float, int or Decimal
        A finite number.
    desimal : int, default 2
        Number of decimal places (0 or more).

    Returns
    -------
    Decimal
        The rounded value; ``-0`` is normalised to ``0``.

    Raises
    ------
    ValueError
        If ``nilai`` is not finite or ``desimal`` is negative.
    """
    if desimal < 0:
        raise ValueError(f"desimal must be 0 or more, got {desimal}")
    d = _ke_decimal(nilai)
    if not d.is_finite():
        raise ValueError(f"cannot round a non-finite value: {nilai!r}")
    with localcontext() as ctx:
        ctx.prec = _PRESISI
        hasil = d.quantize(Decimal(1).scaleb(-desimal), rounding=ROUND_HALF_UP)
        if hasil == 0:
            hasil = abs(hasil)  # never print "-0,00"
    return hasil


def is_finite_number(nilai: object) -> bool:
    """True for a real, finite, non-missing number (bool excluded)."""
    if isinstance(nilai, bool) or kosong(nilai):
        return False
    try:
        return math.isfinite(float(nilai))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def desimal_tertulis(teks: object) -> int:
    """Decimal places of a figure as written: the precision it was published with.

    ``'2.38'`` -> 2, ``'100'`` -> 0, ``' 55.0 '`` -> 1.
    """
    value = str(teks).strip()
    return len(value.split(".", 1)[1]) if "." in value else 0
