"""Visit compliance (SPEC §2.6): due customers by class cycle, the window, what counts.

Default policy (rules [visits]): A1/A2 2 上门 a month, B1/B2 1 a month, C 1 per 2 months
(due in even months), D 1 per 3 months (due at quarter ends).
"""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from kehu.compute.visits import compute_visits
from kehu.month import Month
from kehu.rules import load_rules

RULES = load_rules()
OCT, NOV, DEC = Month(2026, 10), Month(2026, 11), Month(2026, 12)


def customers(*rows) -> pd.DataFrame:
    """rows: (customer_id, class, manager_id[, status, churned_on]) as the loader types them."""
    rows = [r + (None,) * (5 - len(r)) for r in rows]
    return pd.DataFrame({
        "customer_id": pd.Series([r[0] for r in rows], dtype=object),
        "customer_name": pd.Series([f"客户{r[0]}" for r in rows], dtype=object),
        "customer_class": pd.Series([r[1] for r in rows], dtype=object),
        "manager_id": pd.Series([r[2] for r in rows], dtype=object),
        "member": pd.Series([False] * len(rows), dtype=bool),
        "revenue": pd.Series([Decimal("100")] * len(rows), dtype=object),
        "status": pd.Series([r[3] or "在网" for r in rows], dtype=object),
        "churned_on": pd.to_datetime(pd.Series([r[4] for r in rows], dtype=object)).astype("datetime64[ns]"),
        "_file": "客户名册.xlsx", "_sheet": "客户", "_row": list(range(2, len(rows) + 2)),
    })


def visits(*rows) -> pd.DataFrame:
    """rows: (date, manager_id, customer_id[, method])."""
    return pd.DataFrame({
        "date": pd.to_datetime(pd.Series([r[0] for r in rows], dtype=object)).astype("datetime64[ns]"),
        "manager_id": pd.Series([r[1] for r in rows], dtype=object),
        "customer_id": pd.Series([r[2] for r in rows], dtype=object),
        "method": pd.Series([r[3] if len(r) > 3 else "上门" for r in rows], dtype=object),
        "service_item": pd.Series([None] * len(rows), dtype=object),
        "callback_required": pd.Series([True] * len(rows), dtype=bool),
        "_file": "出访登记.xlsx", "_sheet": "出访", "_row": list(range(2, len(rows) + 2)),
    })


def history(*rows) -> pd.DataFrame:
    """History-store visits [date, manager_id, customer_id, method]."""
    return visits(*rows)[["date", "manager_id", "customer_id", "method"]]


def detail_tuples(result) -> list[tuple]:
    d = result.detail
    return list(zip(d["customer_id"], d["required"], d["cycle_months"],
                    d["window_start"].dt.strftime("%Y-%m-%d"), d["visits_in_window"], d["compliant"]))


def test_a1_needs_two_visits_one_is_not_enough():
    cust = customers(("1", "A1", "m1"), ("2", "A1", "m1"))
    vis = visits(("2026-10-03", "m1", "1"), ("2026-10-20", "m1", "1"), ("2026-10-05", "m1", "2"))
    r = compute_visits(cust, vis, OCT, RULES, None)
    assert detail_tuples(r) == [("1", 2, 1, "2026-10-01", 2, True), ("2", 2, 1, "2026-10-01", 1, False)]
    assert r.per_manager.to_dict("records") == [{"manager_id": "m1", "due": 2, "compliant": 1, "rate": 0.5}]


def test_phone_visit_does_not_count():
    cust = customers(("1", "B1", "m1"))
    r = compute_visits(cust, visits(("2026-10-03", "m1", "1", "电话")), OCT, RULES, None)
    assert detail_tuples(r) == [("1", 1, 1, "2026-10-01", 0, False)]


def test_cycle_two_due_in_even_month_with_window_of_two_months():
    # C: due in October (10 % 2 == 0), window 2026-09-01 … 2026-10-31; the September
    # visit comes from the history store, the August one is outside the window.
    cust = customers(("1", "C", "m1"), ("2", "C", "m1"))
    hist = history(("2026-09-15", "m1", "1"), ("2026-08-31", "m1", "2"))
    r = compute_visits(cust, visits(), OCT, RULES, hist)
    assert detail_tuples(r) == [("1", 1, 2, "2026-09-01", 1, True), ("2", 1, 2, "2026-09-01", 0, False)]


def test_cycle_two_not_due_in_odd_month():
    cust = customers(("1", "C", "m1"))
    r = compute_visits(cust, visits(("2026-11-02", "m1", "1")), NOV, RULES, None)
    assert r.detail.empty and r.per_manager.empty
    assert list(r.detail.columns) == ["customer_id", "customer_name", "customer_class", "manager_id", "required",
                                      "cycle_months", "window_start", "visits_in_window", "compliant"]


def test_cycle_three_at_quarter_end_counts_earlier_input_months():
    # D: due in December, window 2026-10-01 … 2026-12-31. Customer 1's only visit is an
    # October row of the input; customer 2's is 2026-09-30, one day before the window.
    cust = customers(("1", "D", "m1"), ("2", "D", "m2"))
    vis = visits(("2026-10-01", "m1", "1"), ("2026-09-30", "m2", "2"))
    r = compute_visits(cust, vis, DEC, RULES, None)
    assert detail_tuples(r) == [("1", 1, 3, "2026-10-01", 1, True), ("2", 1, 3, "2026-10-01", 0, False)]
    assert compute_visits(cust, vis, NOV, RULES, None).detail.empty        # not a quarter end


def test_churned_before_the_month_is_not_due_churned_during_it_is():
    cust = customers(("1", "B1", "m1", "离网", "2026-09-30"),
                     ("2", "B1", "m1", "离网", "2026-10-01"),
                     ("3", "B1", "m1", "离网", "2026-10-31"))
    r = compute_visits(cust, visits(("2026-10-01", "m1", "2")), OCT, RULES, None)
    assert detail_tuples(r) == [("2", 1, 1, "2026-10-01", 1, True), ("3", 1, 1, "2026-10-01", 0, False)]


def test_history_overlapping_the_input_counts_once():
    # The same 上门 is in the input and the history store: one visit, A1 not compliant.
    cust = customers(("1", "A1", "m1"))
    vis = visits(("2026-10-08", "m1", "1"))
    r = compute_visits(cust, vis, OCT, RULES, history(("2026-10-08", "m1", "1")))
    assert detail_tuples(r) == [("1", 2, 1, "2026-10-01", 1, False)]


def test_a_visit_by_anyone_counts_and_two_visits_on_one_day_count_twice():
    # m2 visits m1's customer (W-visit-foreign, still counts); m1 goes to customer 2 twice on the
    # 9th (rows that reach the engine differ in some cell: exact duplicates were taken out by the
    # validation, SPEC §1) — two visits, A2 compliant.
    cust = customers(("1", "A1", "m1"), ("2", "A2", "m1"))
    vis = visits(("2026-10-08", "m1", "1"), ("2026-10-08", "m2", "1"),
                 ("2026-10-09", "m1", "2"), ("2026-10-09", "m1", "2"))
    r = compute_visits(cust, vis, OCT, RULES, None)
    assert detail_tuples(r) == [("1", 2, 1, "2026-10-01", 2, True), ("2", 2, 1, "2026-10-01", 2, True)]
    assert list(r.per_manager["manager_id"]) == ["m1"]                     # m2 has no due customers


def test_history_and_input_count_each_visit_once_by_the_larger_count():
    # The input holds two 上门 of the 8th, the store one of them: two visits, not three, not one.
    cust = customers(("1", "A1", "m1"))
    vis = visits(("2026-10-08", "m1", "1"), ("2026-10-08", "m1", "1"))
    r = compute_visits(cust, vis, OCT, RULES, history(("2026-10-08", "m1", "1")))
    assert detail_tuples(r) == [("1", 2, 1, "2026-10-01", 2, True)]


def test_visits_after_the_month_do_not_count():
    cust = customers(("1", "B2", "m1"))
    r = compute_visits(cust, visits(("2026-11-01", "m1", "1")), OCT, RULES, None)
    assert detail_tuples(r) == [("1", 1, 1, "2026-10-01", 0, False)]


def test_per_manager_rates_sorted_by_manager():
    cust = customers(("1", "B1", "m2"), ("2", "B1", "m1"), ("3", "B1", "m1"), ("4", "B1", "m1"))
    vis = visits(("2026-10-02", "m2", "1"), ("2026-10-02", "m1", "2"))
    per = compute_visits(cust, vis, OCT, RULES, None).per_manager
    assert per.to_dict("records") == [{"manager_id": "m1", "due": 3, "compliant": 1, "rate": 0.3333},   # 4 places
                                      {"manager_id": "m2", "due": 1, "compliant": 1, "rate": 1.0}]
    assert str(per["rate"].dtype) == "object"


def test_rules_change_the_policy():
    rules = load_rules()
    rules["visits"]["classes"]["B1"] = {"required": 3, "cycle_months": 2}
    cust = customers(("1", "B1", "m1"))
    vis = visits(("2026-09-02", "m1", "1"), ("2026-10-02", "m1", "1"), ("2026-10-03", "m1", "1"))
    assert detail_tuples(compute_visits(cust, vis, OCT, rules, None)) == [("1", 3, 2, "2026-09-01", 3, True)]
