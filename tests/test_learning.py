"""Learning ranking and streaks (SPEC §2.5, seed 004 学习制度), hand-computed months."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kehu.compute.learning import compute_learning
from kehu.month import Month
from kehu.rules import load_rules

RULES = load_rules()
OCT = Month(2026, 10)
NAN = float("nan")


def staff(*rows) -> pd.DataFrame:
    """rows: (工号, 所属室[, 岗位[, 绩效基数[, 入职日期[, 离职日期]]]])."""
    full = [(r + (None,) * 6)[:6] for r in rows]
    return pd.DataFrame({
        "employee_id": pd.Series([r[0] for r in full], dtype=object),
        "name": pd.Series([f"员工{r[0]}" for r in full], dtype=object),
        "role": pd.Series([r[2] or "客户经理" for r in full], dtype=object),
        "room": pd.Series([r[1] for r in full], dtype=object),
        "performance_base": pd.Series([Decimal(r[3] or "5000.00") for r in full], dtype=object),
        "hired_on": pd.to_datetime(pd.Series([r[4] for r in full], dtype=object)),
        "left_on": pd.to_datetime(pd.Series([r[5] for r in full], dtype=object)),
        "email": pd.Series([None] * len(full), dtype=object),
        "phone": pd.Series([None] * len(full), dtype=object),
    })


def score_rows(*rows) -> pd.DataFrame:
    """rows: (工号, 月份, 成绩 or NaN for a blank 成绩)."""
    return pd.DataFrame({
        "employee_id": pd.Series([r[0] for r in rows], dtype=object),
        "month": pd.Series([r[1] for r in rows], dtype=object),
        "score": pd.Series([float(r[2]) for r in rows], dtype="float64"),
        "_file": "学习.xlsx", "_sheet": "学习测评", "_row": range(2, 2 + len(rows)),
    })


def history(*rows) -> pd.DataFrame:
    """rows: (月份, 工号, 所属室, flag)."""
    return pd.DataFrame(list(rows), columns=["month", "employee_id", "room", "flag"], dtype=object)


def learn(staff_frame, test_rows, month=OCT, hist=None):
    return compute_learning(staff_frame, test_rows, month, RULES, hist)


def line(result, employee_id) -> dict:
    rows = result.per_employee[result.per_employee["employee_id"] == employee_id]
    assert len(rows) == 1
    return rows.iloc[0].to_dict()


def flags(result) -> dict:
    return {e: f for e, f in zip(result.per_employee["employee_id"], result.per_employee["flag"])}


def month_flags(result, label) -> dict:
    mf = result.month_flags[result.month_flags["month"] == label]
    return dict(zip(mf["employee_id"], mf["flag"]))


ROOM4 = staff(("1", "一室"), ("2", "一室"), ("3", "一室"), ("4", "一室"))


# -- ranking --------------------------------------------------------------------

def test_ties_share_best_and_worst():
    # 90, 90, 60, 60 → both 90s best, both 60s worst
    r = learn(ROOM4, score_rows(("1", "2026-10", 90), ("2", "2026-10", 90), ("3", "2026-10", 60), ("4", "2026-10", 60)))
    assert flags(r) == {"1": "best", "2": "best", "3": "worst", "4": "worst"}


def test_middle_scores_get_no_flag():
    r = learn(ROOM4, score_rows(("1", "2026-10", 95), ("2", "2026-10", 80), ("3", "2026-10", 80), ("4", "2026-10", 70)))
    assert flags(r) == {"1": "best", "2": None, "3": None, "4": "worst"}


def test_best_equals_worst_gives_no_flags():
    r = learn(ROOM4, score_rows(*[(e, "2026-10", 80) for e in "1234"]))
    assert flags(r) == {e: None for e in "1234"}
    assert set(month_flags(r, "2026-10").values()) == {"none"}


def test_room_with_one_ranked_manager_gets_no_flag():
    one = staff(("1", "一室"), ("2", "二室"), ("3", "二室"))
    r = learn(one, score_rows(("1", "2026-10", 30), ("2", "2026-10", 90), ("3", "2026-10", 70)))
    assert flags(r) == {"1": None, "2": "best", "3": "worst"}


def test_absent_ranks_as_zero():
    # 2 has no row, 3 has a blank 成绩: both 缺考 → 0 → worst together; score stays NaN
    three = staff(("1", "一室"), ("2", "一室"), ("3", "一室"))
    r = learn(three, score_rows(("1", "2026-10", 40), ("3", "2026-10", NAN)))
    assert flags(r) == {"1": "best", "2": "worst", "3": "worst"}
    assert np.isnan(line(r, "2")["score"]) and np.isnan(line(r, "3")["score"])
    assert line(r, "1")["score"] == 40.0


def test_room_without_score_rows_is_unknown():
    two_rooms = staff(("1", "一室"), ("2", "一室"), ("3", "二室"), ("4", "二室"))
    r = learn(two_rooms, score_rows(("1", "2026-10", 90), ("2", "2026-10", 50)))
    assert month_flags(r, "2026-10") == {"1": "best", "2": "worst", "3": "unknown", "4": "unknown"}
    assert flags(r) == {"1": "best", "2": "worst", "3": None, "4": None}


def test_only_staff_employed_on_the_first_day_are_ranked():
    # 3 joined 2026-10-15 with 10 points: not ranked (§9.7), so 1 (50) is worst, not 3.
    # 4 left 2026-09-30: not in the month at all.
    s = staff(("1", "一室"), ("2", "一室"), ("3", "一室", None, None, "2026-10-15"),
              ("4", "一室", None, None, None, "2026-09-30"))
    r = learn(s, score_rows(("1", "2026-10", 50), ("2", "2026-10", 90), ("3", "2026-10", 10)))
    assert flags(r) == {"1": "worst", "2": "best", "3": None}
    assert month_flags(r, "2026-10") == {"1": "worst", "2": "best", "3": "none"}


def test_room_manager_has_no_learning_line():
    s = staff(("1", "一室"), ("2", "一室", "行业客户经理"), ("9", "一室", "重要室经理"))
    r = learn(s, score_rows(("1", "2026-10", 70), ("2", "2026-10", 80), ("9", "2026-10", 10)))
    assert list(r.per_employee["employee_id"]) == ["1", "2"]
    assert flags(r) == {"1": "worst", "2": "best"}
    assert "9" not in set(r.month_flags["employee_id"])


# -- streaks from the input -------------------------------------------------------

def _always_worst(first: Month, last: Month):
    """1 scores 50 and 2 scores 90 in every month first … last."""
    rows, m = [], first
    while m <= last:
        rows += [("1", m.label, 50), ("2", m.label, 90)]
        m = m.next()
    return score_rows(*rows)


PAIR = staff(("1", "一室", None, "7333.35"), ("2", "一室"))


@pytest.mark.parametrize("month, streak, deduction, certificate", [
    (Month(2026, 6), 2, "0.00", False),
    (Month(2026, 7), 3, "733.34", True),    # 7,333.35 × 10% = 733.335 → 733.34 (half-up)
    (Month(2026, 8), 4, "0.00", False),
    (Month(2026, 10), 6, "733.34", True),
])
def test_streaks_of_2_3_4_6(month, streak, deduction, certificate):
    # rows run 2026-05 … 2026-10; rows after the assessed month are ignored
    r = learn(PAIR, _always_worst(Month(2026, 5), Month(2026, 10)), month=month)
    one, two = line(r, "1"), line(r, "2")
    assert (one["worst_streak"], one["deduction"], one["best_streak"]) == (streak, Decimal(deduction), 0)
    assert (two["best_streak"], two["certificate"], two["deduction"]) == (streak, certificate, Decimal("0.00"))


def test_month_flags_cover_every_input_month_up_to_this_one():
    r = learn(PAIR, _always_worst(Month(2026, 5), Month(2026, 10)), month=Month(2026, 7))
    assert sorted(set(r.month_flags["month"])) == ["2026-05", "2026-06", "2026-07"]


def test_unknown_month_ends_the_chain():
    # 一室 worst in 07, 08 by input; 2026-09 rows exist only for 二室 → 一室 unknown; worst in 10 → streak 1
    s = staff(("1", "一室"), ("2", "一室"), ("3", "二室"), ("4", "二室"))
    rows = _always_worst(Month(2026, 7), Month(2026, 8)).to_dict("records")
    rows = [(x["employee_id"], x["month"], x["score"]) for x in rows]
    rows += [("3", "2026-09", 60), ("4", "2026-09", 70), ("1", "2026-10", 10), ("2", "2026-10", 20)]
    r = learn(s, score_rows(*rows))
    assert month_flags(r, "2026-09")["1"] == "unknown"
    assert line(r, "1")["worst_streak"] == 1


# -- streaks from the history store ---------------------------------------------------

def test_streak_continues_from_history_store():
    # history: 1 worst in 07, 08, 09; input: worst in 10 → streak 4, no deduction
    hist = history(*[(m, "1", "一室", "worst") for m in ("2026-07", "2026-08", "2026-09")])
    r = learn(PAIR, score_rows(("1", "2026-10", 50), ("2", "2026-10", 90)), hist=hist)
    assert (line(r, "1")["worst_streak"], line(r, "1")["deduction"]) == (4, Decimal("0.00"))
    # only 08, 09 stored → streak 3 → 10% of 7,333.35
    r = learn(PAIR, score_rows(("1", "2026-10", 50), ("2", "2026-10", 90)), hist=hist[hist["month"] != "2026-07"])
    assert (line(r, "1")["worst_streak"], line(r, "1")["deduction"]) == (3, Decimal("733.34"))


def test_gap_month_ends_the_chain():
    # history knows 07 and 09 but not 08: streak in 10 = 10, 09 → 2
    hist = history(("2026-07", "1", "一室", "worst"), ("2026-09", "1", "一室", "worst"))
    r = learn(PAIR, score_rows(("1", "2026-10", 50), ("2", "2026-10", 90)), hist=hist)
    assert line(r, "1")["worst_streak"] == 2


def test_stored_unknown_ends_the_chain():
    hist = history(("2026-08", "1", "一室", "worst"), ("2026-09", "1", "一室", "unknown"))
    r = learn(PAIR, score_rows(("1", "2026-10", 50), ("2", "2026-10", 90)), hist=hist)
    assert line(r, "1")["worst_streak"] == 1


def test_input_rows_of_a_month_win_over_the_history_store():
    # the store says worst in 09, but the input's 09 rows make 1 best → chain broken
    hist = history(("2026-08", "1", "一室", "worst"), ("2026-09", "1", "一室", "worst"))
    rows = score_rows(("1", "2026-09", 95), ("2", "2026-09", 90), ("1", "2026-10", 50), ("2", "2026-10", 90))
    r = learn(PAIR, rows, hist=hist)
    assert (line(r, "1")["worst_streak"], line(r, "1")["best_streak"]) == (1, 0)


def test_input_unknown_room_falls_back_to_history():
    # input 09 has rows for 二室 only; 一室's 09 comes from the store (worst) → 1's streak 3
    s = staff(("1", "一室", None, "7333.35"), ("2", "一室"), ("3", "二室"), ("4", "二室"))
    hist = history(("2026-08", "1", "一室", "worst"), ("2026-09", "1", "一室", "worst"))
    rows = score_rows(("3", "2026-09", 60), ("4", "2026-09", 70), ("1", "2026-10", 50), ("2", "2026-10", 90))
    r = learn(s, rows, hist=hist)
    assert (line(r, "1")["worst_streak"], line(r, "1")["deduction"]) == (3, Decimal("733.34"))


def test_unknown_this_month_means_no_streak():
    hist = history(*[(m, "1", "一室", "worst") for m in ("2026-07", "2026-08", "2026-09")])
    r = learn(PAIR, score_rows(), hist=hist)
    assert (line(r, "1")["flag"], line(r, "1")["worst_streak"], line(r, "1")["deduction"]) == (None, 0, Decimal("0.00"))
    assert month_flags(r, "2026-10") == {"1": "unknown", "2": "unknown"}


def test_history_of_the_same_or_later_months_is_ignored():
    # a stored 2026-10 (an earlier run of this month) and 2026-11 never count
    hist = history(("2026-10", "1", "一室", "worst"), ("2026-11", "1", "一室", "worst"),
                   ("2026-09", "1", "一室", "worst"))
    r = learn(PAIR, score_rows(("1", "2026-10", 50), ("2", "2026-10", 90)), hist=hist)
    assert line(r, "1")["worst_streak"] == 2


# -- properties -----------------------------------------------------------------------

MONTHS = [Month(2026, m).label for m in range(4, 11)]


@settings(max_examples=60, deadline=None)
@given(scores=st.lists(st.tuples(st.sampled_from("12345"), st.sampled_from(MONTHS),
                                 st.one_of(st.none(), st.integers(0, 100))), max_size=30),
       bases=st.lists(st.decimals(min_value=0, max_value=100000, places=2), min_size=5, max_size=5),
       stored=st.lists(st.tuples(st.sampled_from(MONTHS), st.sampled_from("12345"),
                                 st.sampled_from(["best", "worst", "none", "unknown"])), max_size=20))
def test_deduction_is_never_negative_and_only_on_a_multiple_of_three(scores, bases, stored):
    s = staff(*[(e, "一室" if e in "123" else "二室", None, str(b)) for e, b in zip("12345", bases)])
    rows = {(e, m): (NAN if v is None else v) for e, m, v in scores}
    hist = history(*{(m, e): (m, e, "一室", f) for m, e, f in stored}.values())
    r = learn(s, score_rows(*[(e, m, v) for (e, m), v in rows.items()]), hist=hist)
    per = r.per_employee
    assert all(d >= 0 for d in per["deduction"])
    hit = (per["worst_streak"] > 0) & (per["worst_streak"] % 3 == 0)
    expected = [(b * Decimal("0.1")).quantize(Decimal("0.01"), ROUND_HALF_UP) if h else Decimal("0.00")
                for b, h in zip(bases, hit)]
    assert list(per["deduction"]) == expected
    assert list(per["certificate"]) == list((per["best_streak"] > 0) & (per["best_streak"] % 3 == 0))
    assert set(r.month_flags["flag"]) <= {"best", "worst", "none", "unknown"}
