"""Splitting a target so that the parts still sum exactly (seed 004 重要室经理考核制度, issue 16 item 3).

"重要室经理将一年的指标按照月进度进行分解,再按照客户经理的人数按照月计划表再分配到每周,再细化到每天":
the year → the months (by the monthly weights), the room's month → its managers (by head
count or given shares), a manager's month → the weeks (by their workdays) → the workdays.

Every split is the largest-remainder method on whole units (0.01 元 for money, 1 for
counts): each part is its exact proportional quota rounded down or up, the units left over
going to the largest remainders (ties to the earlier part), so the parts are multiples of the
unit and sum to the whole exactly. Where remainders tie (equal days of a week) the count
starts at part ``turn``: the room's managers, each given his own turn, do not all get their
extra unit on the week's first day — so the room's day, their sum, stays even too.

A (基本目标, 目标值, 挑战目标) triple is split as 目标值, 目标值 − 基本目标 and 挑战目标 − 目标值:
目标值, the figure that scores full marks, is within one unit of its exact share, and every
part keeps 基本目标 ≤ 目标值 ≤ 挑战目标 (基本目标 and 挑战目标 within two units of theirs).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Sequence

MONEY, COUNT, RATE = "金额", "数量", "比率"
UNITS = {MONEY: Decimal("0.01"), COUNT: Decimal("1")}      # a rate is not split: every part is the whole
KINDS = (MONEY, COUNT, RATE)


@dataclass(frozen=True)
class Triple:
    """基本目标, 目标值, 挑战目标 of one indicator."""
    base: Decimal
    target: Decimal
    challenge: Decimal

    def __add__(self, other: "Triple") -> "Triple":
        return Triple(self.base + other.base, self.target + other.target, self.challenge + other.challenge)


def is_whole(value: Decimal, kind: str) -> bool:
    """``value`` is a whole number of the kind's unit (0.01 元, 1); any value for a rate."""
    return kind == RATE or value % UNITS[kind] == 0


def split_exact(total: Decimal, weights: Sequence, unit: Decimal, turn: int = 0) -> list[Decimal]:
    """``total`` into parts ∝ ``weights`` (≥ 0, not all 0), each a multiple of ``unit``, Σ = total.

    ``total`` must be a multiple of ``unit``. Largest remainder; ties go to the earlier part,
    counting from part ``turn`` (and round to the start). Exact: integers throughout."""
    units = total / unit                          # exact: ≤ 10¹² 元 in cents is 14 digits, within 28
    if units != units.to_integral_value():
        raise ValueError(f"{total} 不是 {unit} 的整数倍")
    whole, shares = abs(int(units)), _whole_weights(weights)
    if any(s < 0 for s in shares) or sum(shares) <= 0:
        raise ValueError("权重须不小于 0 且不能全为 0")
    all_shares = sum(shares)
    parts, remainders = zip(*(divmod(whole * s, all_shares) for s in shares))
    parts, n = list(parts), len(shares)
    by_remainder = sorted(range(n), key=lambda i: (-remainders[i], (i - turn) % n))
    for i in by_remainder[:whole - sum(parts)]:
        parts[i] += 1
    sign = -1 if units < 0 else 1
    return [sign * p * unit for p in parts]


def _whole_weights(weights: Sequence) -> list[int]:
    """The weights as integers in the same proportions (Decimal 8.5, 9 → 17, 18)."""
    if all(type(w) is int for w in weights):      # workdays, head counts: the common case
        return list(weights)
    exact = [Fraction(w) for w in weights]
    scale = math.lcm(*(f.denominator for f in exact))
    return [int(f * scale) for f in exact]


def split_value(total: Decimal, weights: Sequence, kind: str, turn: int = 0) -> list[Decimal]:
    """One figure of ``kind`` split ∝ ``weights``; a rate is copied to every part."""
    if kind == RATE:
        return [total] * len(weights)
    return split_exact(total, weights, UNITS[kind], turn)


def split_triple(whole: Triple, weights: Sequence, kind: str, turn: int = 0) -> list[Triple]:
    """(基本目标, 目标值, 挑战目标) split ∝ ``weights``: 目标值 on its own (each part within one unit
    of its exact share), then 目标值 − 基本目标 and 挑战目标 − 目标值 — so that every part keeps
    B ≤ T ≤ C, which rounding the three on their own would not."""
    if kind == RATE:
        return [whole] * len(weights)
    targets = split_value(whole.target, weights, kind, turn)
    below = split_value(whole.target - whole.base, weights, kind, turn)
    above = split_value(whole.challenge - whole.target, weights, kind, turn)
    return [Triple(t - b, t, t + c) for t, b, c in zip(targets, below, above)]


# -- the month's weeks and workdays ------------------------------------------------------------

@dataclass(frozen=True)
class Week:
    """Monday–Sunday, cut to the month: ``first``–``last`` and the workdays between."""
    number: int
    first: date
    last: date
    workdays: tuple

    @property
    def label(self) -> str:
        return f"第{self.number}周（{self.first:%m-%d}—{self.last:%m-%d}）"


def month_weeks(first: date, last: date, workdays: Sequence[date]) -> list[Week]:
    """The weeks (Monday first) of the days ``first``–``last``, each with its workdays."""
    weeks, start, number = [], first, 1
    while start <= last:
        end = min(start + timedelta(days=6 - start.weekday()), last)
        weeks.append(Week(number, start, end, tuple(d for d in workdays if start <= d <= end)))
        start, number = end + timedelta(days=1), number + 1
    return weeks


def split_over_weeks(total: Decimal, weeks: Sequence[Week], kind: str,
                     turn: int = 0) -> tuple[list[Decimal], list[Decimal]]:
    """A month's target → per week (∝ its workdays) → per workday (equal within the week);
    ``turn``: where ties start (see ``split_exact``).

    Returns (one value per week, one value per workday of the month in date order); both sum
    to ``total`` exactly. The month must have a workday."""
    per_week = split_value(total, [len(w.workdays) for w in weeks], kind, turn)
    per_day = []
    for week, amount in zip(weeks, per_week):
        if week.workdays:
            per_day.extend(split_value(amount, [1] * len(week.workdays), kind, turn))
    return per_week, per_day
