"""Splitting targets with exact sums (kehu.compute.plan_split): hand cases and properties."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kehu.compute.plan_split import (COUNT, MONEY, RATE, Triple, month_weeks, split_exact, split_over_weeks,
                                     split_triple)

D = Decimal
CENT = D("0.01")


def test_largest_remainder_by_hand():
    # 100 over three equal parts: 33.33… each → 33 + 33 + 33, the one left over to the first
    assert split_exact(D(100), [1, 1, 1], D(1)) == [34, 33, 33]
    # … or to the part whose turn it is, and round to the start
    assert split_exact(D(100), [1, 1, 1], D(1), turn=2) == [33, 33, 34]
    # 10 by 1 : 2 : 3 → quotas 1.67, 3.33, 5 → 1, 3, 5 and one unit to the largest remainder (0.67)
    assert split_exact(D(10), [1, 2, 3], D(1)) == [2, 3, 5]
    # 0.05 元 over two: 0.025 each → 0.03 + 0.02; a zero weight gets nothing
    assert split_exact(D("0.05"), [1, 1, 0], CENT) == [D("0.03"), D("0.02"), D("0.00")]
    # a negative target mirrors a positive one
    assert split_exact(D(-100), [1, 1, 1], D(1)) == [-34, -33, -33]


def test_a_figure_not_of_the_unit_or_no_weight_is_refused():
    with pytest.raises(ValueError):
        split_exact(D("100.5"), [1, 1], D(1))
    with pytest.raises(ValueError):
        split_exact(D(100), [0, 0], D(1))
    with pytest.raises(ValueError):
        split_exact(D(100), [1, -1, 2], D(1))


def test_triples_keep_their_order_where_plain_rounding_would_not():
    # 基本目标 3 and 目标值 4 by 1 : 3 : 3. Each rounded on its own: 基本目标 0.43, 1.29, 1.29 →
    # 1, 1, 1 and 目标值 0.57, 1.71, 1.71 → 0, 2, 2 — the first part's 基本目标 above its 目标值.
    assert split_exact(D(3), [1, 3, 3], D(1)) == [1, 1, 1] and split_exact(D(4), [1, 3, 3], D(1)) == [0, 2, 2]
    # split as 目标值 (0, 2, 2) and 目标值 − 基本目标 (1 by 1 : 3 : 3 → 0.14, 0.43, 0.43 → 0, 1, 0):
    # 基本目标 0, 1, 2 — the order holds, and the 目标值 are exactly the 目标值's own split
    parts = split_triple(Triple(D(3), D(4), D(4)), [1, 3, 3], COUNT)
    assert [(p.base, p.target, p.challenge) for p in parts] == [(0, 0, 0), (1, 2, 2), (2, 2, 2)]


def test_a_rate_is_not_split():
    whole = Triple(D("0.85"), D("0.9"), D("0.95"))
    assert split_triple(whole, [1, 2, 3], RATE) == [whole] * 3


def test_weeks_of_october_2026():
    # 1–4 Oct (Thu–Sun) are the week before the 5th; 10-1…10-7 国庆, 10-10 a 调休 Saturday
    workdays = [date(2026, 10, d) for d in (8, 9, 10, 12, 13, 14, 15, 16, 19, 20, 21, 22, 23, 26, 27, 28, 29, 30)]
    weeks = month_weeks(date(2026, 10, 1), date(2026, 10, 31), workdays)
    assert [(w.first.day, w.last.day, len(w.workdays)) for w in weeks] == \
        [(1, 4, 0), (5, 11, 3), (12, 18, 5), (19, 25, 5), (26, 31, 5)]
    assert weeks[1].label == "第2周（10-05—10-11）"
    # 18 workdays, 100 units: weeks 16.67, 27.78 ×3 → 16, 27, 27, 27 + 3 left: 28, 28, 28 by remainder (0.78 > 0.67)
    per_week, per_day = split_over_weeks(D(100), weeks, COUNT)
    assert per_week == [0, 16, 28, 28, 28]
    assert per_day[:3] == [6, 5, 5] and sum(per_day) == 100 and len(per_day) == 18


amounts = st.integers(min_value=-10**14, max_value=10**14)
weights = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=15).filter(lambda w: sum(w) > 0)


@settings(max_examples=300, deadline=None)
@given(amounts, weights, st.sampled_from([CENT, D(1)]), st.integers(min_value=0, max_value=20))
def test_parts_sum_exactly_and_stay_within_one_unit_of_their_quota(units, ws, unit, turn):
    total = units * unit
    parts = split_exact(total, ws, unit, turn)
    assert sum(parts) == total
    for part, w in zip(parts, ws):
        assert part % unit == 0
        quota = Fraction(total) * w / sum(ws)
        assert abs(Fraction(part) - quota) < Fraction(unit)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10**9),
       st.integers(min_value=0, max_value=10**9),
       st.lists(st.decimals(min_value=0, max_value=1000, places=2), min_size=12, max_size=12)
       .filter(lambda w: sum(w) > 0), st.sampled_from([MONEY, COUNT]))
def test_any_annual_figure_and_positive_weights_give_months_summing_exactly(base, up, more, month_weights, kind):
    unit = CENT if kind == MONEY else D(1)
    year = Triple(base * unit, (base + up) * unit, (base + up + more) * unit)
    months = split_triple(year, month_weights, kind)
    assert len(months) == 12
    assert sum((m for m in months), Triple(D(0), D(0), D(0))) == year
    assert all(m.base <= m.target <= m.challenge for m in months)
    assert [m.target for m in months] == split_exact(year.target, month_weights, unit)
    assert all(m.target == 0 for m, w in zip(months, month_weights) if w == 0)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**9), st.sets(st.integers(min_value=0, max_value=30), min_size=1),
       st.sampled_from([MONEY, COUNT]), st.integers(min_value=0, max_value=9))
def test_the_days_sum_to_the_month_over_its_workdays_only(units, workday_numbers, kind, turn):
    first, last = date(2031, 1, 1), date(2031, 1, 31)
    workdays = sorted(first + timedelta(days=n) for n in workday_numbers)
    total = units * (CENT if kind == MONEY else D(1))
    weeks = month_weeks(first, last, workdays)
    per_week, per_day = split_over_weeks(total, weeks, kind, turn)
    assert sum(per_week) == total and sum(per_day) == total
    assert len(per_day) == len(workdays)                       # one value per workday, none for rest days
    for week, amount in zip(weeks, per_week):
        assert amount == 0 or week.workdays                    # a week without a workday gets nothing
