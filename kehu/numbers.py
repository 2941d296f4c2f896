"""Money and rates, each rounded one way, in one place.

SPEC §2: money is computed in ``Decimal`` and rounded half-up to 0.01 once, at the end
(``cents``); never printed as ``-0.00``. SPEC §6, §9.5: a rate is a float rounded to 4 places,
or None when its denominator is 0 (nothing to measure is not 0 % or 100 %).
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

CENT = Decimal("0.01")
ZERO = Decimal("0")
RATE_PLACES = 4


def cents(value) -> Decimal:
    """Round half-up to 0.01 — the one rounding of money; never -0.00."""
    rounded = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded.is_zero() else rounded


def money_text(value) -> str:
    """'1234.50': money as results.json and payroll.csv write it (None → '0.00')."""
    return str(cents(value if value is not None else 0))


def rate(numerator, denominator) -> float | None:
    """numerator ÷ denominator rounded to 4 places; None when the denominator is 0."""
    return None if not denominator else round(numerator / denominator, RATE_PLACES)


def rates(numerator, denominator) -> pd.Series:
    """``rate`` of each pair, as an object column (floats and None), on the numerator's index."""
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    out = np.full(len(den), None, dtype=object)
    measured = den > 0
    # Python's round, as ``rate`` does: numpy's rounds some halves differently
    out[measured] = [round(v, RATE_PLACES) for v in (num[measured] / den[measured]).tolist()]
    return pd.Series(out, index=getattr(numerator, "index", None), dtype=object)


def exact_rate(numerator, denominator) -> Decimal | None:
    """numerator ÷ denominator as a Decimal rounded half-up to 4 places — a rate a KPI line is
    scored on, exactly as its note shows it; None when the denominator is 0."""
    if not denominator:
        return None
    return (Decimal(int(numerator)) / Decimal(int(denominator))).quantize(Decimal(1).scaleb(-RATE_PLACES), ROUND_HALF_UP)
