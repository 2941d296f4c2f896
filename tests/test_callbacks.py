"""Callback compliance (SPEC §2.7, §9.5) for October 2026 (last day 10-31, tail to 11-10).

Window = visit date … visit date + 3 days, both ends included; as-of = the latest callback
date used, or 10-31 if later.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kehu.compute.callbacks import compute_callbacks
from kehu.month import Month
from kehu.rules import load_rules

RULES = load_rules()
OCT = Month(2026, 10)


def customers(*rows) -> pd.DataFrame:
    """rows: (customer_id, manager_id, member)."""
    return pd.DataFrame({
        "customer_id": pd.Series([r[0] for r in rows], dtype=object),
        "customer_name": pd.Series([f"客户{r[0]}" for r in rows], dtype=object),
        "customer_class": pd.Series(["B1"] * len(rows), dtype=object),
        "manager_id": pd.Series([r[1] for r in rows], dtype=object),
        "member": pd.Series([r[2] for r in rows], dtype=bool),
        "revenue": pd.Series([Decimal("100")] * len(rows), dtype=object),
        "status": pd.Series(["在网"] * len(rows), dtype=object),
        "churned_on": pd.Series([pd.NaT] * len(rows), dtype="datetime64[ns]"),
        "_file": "客户名册.xlsx", "_sheet": "客户", "_row": list(range(2, len(rows) + 2)),
    })


def visits(*rows) -> pd.DataFrame:
    """rows: (date, manager_id, customer_id[, service_item[, callback_required]])."""
    return pd.DataFrame({
        "date": pd.to_datetime(pd.Series([r[0] for r in rows], dtype=object)).astype("datetime64[ns]"),
        "manager_id": pd.Series([r[1] for r in rows], dtype=object),
        "customer_id": pd.Series([r[2] for r in rows], dtype=object),
        "method": pd.Series(["上门"] * len(rows), dtype=object),
        "service_item": pd.Series([r[3] if len(r) > 3 else "宽带" for r in rows], dtype=object),
        "callback_required": pd.Series([r[4] if len(r) > 4 else True for r in rows], dtype=bool),
        "_file": "出访登记.xlsx", "_sheet": "出访", "_row": list(range(2, len(rows) + 2)),
    })


def callbacks(*rows) -> pd.DataFrame:
    """rows: (date, customer_id, result[, comment])."""
    return pd.DataFrame({
        "date": pd.to_datetime(pd.Series([r[0] for r in rows], dtype=object)).astype("datetime64[ns]"),
        "customer_id": pd.Series([r[1] for r in rows], dtype=object),
        "agent_id": pd.Series(["9001"] * len(rows), dtype=object),
        "method": pd.Series(["电话"] * len(rows), dtype=object),
        "result": pd.Series([r[2] for r in rows], dtype=object),
        "comment": pd.Series([r[3] if len(r) > 3 else None for r in rows], dtype=object),
        "_file": "回访记录.xlsx", "_sheet": "回访", "_row": list(range(2, len(rows) + 2)),
    })


def statuses(result) -> list[tuple]:
    e = result.events
    return list(zip(e["customer_id"], e["visit_date"].dt.strftime("%m-%d"), e["status"],
                    [d.strftime("%m-%d") if pd.notna(d) else None for d in e["callback_date"]],
                    e["failed_attempts"]))


CUST = customers(("1", "m1", False), ("2", "m1", False), ("3", "m1", False), ("4", "m2", True), ("5", "m2", True))


def test_day_zero_and_day_three_are_on_time_day_four_is_late():
    vis = visits(("2026-10-10", "m1", "1"), ("2026-10-10", "m1", "2"), ("2026-10-10", "m1", "3"))
    cbs = callbacks(("2026-10-10", "1", "满意"), ("2026-10-13", "2", "一般"), ("2026-10-14", "3", "满意"))
    r = compute_callbacks(CUST, vis, cbs, OCT, RULES)
    assert statuses(r) == [("1", "10-10", "on_time", "10-10", 0), ("2", "10-10", "on_time", "10-13", 0),
                           ("3", "10-10", "late", "10-14", 0)]
    assert r.events["deadline"].dt.strftime("%m-%d").tolist() == ["10-13"] * 3
    assert r.events["result"].tolist() == ["满意", "一般", "满意"]
    assert r.per_manager.to_dict("records") == [
        {"manager_id": "m1", "events": 3, "on_time": 2, "late": 1, "missing": 0, "pending": 0, "rate": 0.6667}]   # 4 places
    assert r.as_of == date(2026, 10, 31)


def test_unanswered_and_earlier_callbacks_do_not_count():
    # 1: only 未接通 inside the window (twice) → missing, 2 failed attempts;
    # 2: a callback the day before the visit → missing; later 未接通 outside the window not counted.
    vis = visits(("2026-10-10", "m1", "1"), ("2026-10-10", "m1", "2"))
    cbs = callbacks(("2026-10-11", "1", "未接通"), ("2026-10-13", "1", "未接通"), ("2026-10-14", "1", "未接通"),
                    ("2026-10-09", "2", "满意"))
    r = compute_callbacks(CUST, vis, cbs, OCT, RULES)
    assert statuses(r) == [("1", "10-10", "missing", None, 2), ("2", "10-10", "missing", None, 0)]
    assert r.events["result"].tolist() == [None, None]


def test_unanswered_then_answered_is_on_time_with_the_failed_attempt_counted():
    vis = visits(("2026-10-10", "m1", "1"))
    cbs = callbacks(("2026-10-10", "1", "未接通"), ("2026-10-12", "1", "满意"))
    assert statuses(compute_callbacks(CUST, vis, cbs, OCT, RULES)) == [("1", "10-10", "on_time", "10-12", 1)]


def test_month_end_visit_is_pending_until_as_of_passes_its_deadline():
    # Visit 10-30, deadline 11-02. Without later callbacks as-of is 10-31 → pending, and a
    # manager whose events are all pending has no rate.
    vis = visits(("2026-10-30", "m1", "1"))
    r = compute_callbacks(CUST, vis, callbacks(("2026-10-05", "2", "满意")), OCT, RULES)
    assert statuses(r) == [("1", "10-30", "pending", None, 0)]
    assert r.as_of == date(2026, 10, 31)
    assert r.per_manager.to_dict("records") == [
        {"manager_id": "m1", "events": 1, "on_time": 0, "late": 0, "missing": 0, "pending": 1, "rate": None}]
    # A next-month row of another customer moves as-of to 11-05 → the visit is missing.
    r = compute_callbacks(CUST, vis, callbacks(("2026-11-05", "2", "满意")), OCT, RULES)
    assert r.as_of == date(2026, 11, 5)
    assert statuses(r) == [("1", "10-30", "missing", None, 0)]


def test_next_month_callback_rescues_a_month_end_visit_late_or_on_time():
    vis = visits(("2026-10-30", "m1", "1"), ("2026-10-27", "m1", "2"))
    cbs = callbacks(("2026-11-02", "1", "满意"), ("2026-11-03", "2", "满意"))
    r = compute_callbacks(CUST, vis, cbs, OCT, RULES)
    assert statuses(r) == [("2", "10-27", "late", "11-03", 0), ("1", "10-30", "on_time", "11-02", 0)]
    assert r.as_of == date(2026, 11, 3)


def test_rows_past_the_tail_are_not_used():
    # 11-11 is past 10-31 + 10 days: neither as-of nor a callback.
    vis = visits(("2026-10-30", "m1", "1"))
    r = compute_callbacks(CUST, vis, callbacks(("2026-11-11", "1", "满意")), OCT, RULES)
    assert r.as_of == date(2026, 10, 31)
    assert statuses(r) == [("1", "10-30", "pending", None, 0)]
    assert r.month_rows.empty


def test_one_callback_satisfies_every_event_whose_window_holds_it():
    # Visits 10-10 and 10-12; the 10-13 callback lies in both windows (10-10…10-13, 10-12…10-15).
    # A visit 10-14 is after it: its first callback is the 10-20 one → late.
    vis = visits(("2026-10-10", "m1", "1"), ("2026-10-12", "m1", "1"), ("2026-10-14", "m1", "1"))
    cbs = callbacks(("2026-10-13", "1", "满意"), ("2026-10-20", "1", "一般"))
    assert statuses(compute_callbacks(CUST, vis, cbs, OCT, RULES)) == [
        ("1", "10-10", "on_time", "10-13", 0), ("1", "10-12", "on_time", "10-13", 0),
        ("1", "10-14", "late", "10-20", 0)]


def test_only_visits_of_the_month_needing_a_callback_are_events():
    vis = visits(("2026-09-29", "m1", "1"), ("2026-10-05", "m1", "2", "咨询", False), ("2026-10-06", "m2", "3"))
    r = compute_callbacks(CUST, vis, callbacks(), OCT, RULES)
    # the event belongs to the visit's manager (m2), not the customer's (m1)
    assert r.events[["manager_id", "customer_id", "service_item"]].values.tolist() == [["m2", "3", "宽带"]]
    assert r.per_manager["manager_id"].tolist() == ["m2"]


def test_member_misses_list_late_and_missing_member_events():
    vis = visits(("2026-10-01", "m2", "4"), ("2026-10-02", "m2", "5"), ("2026-10-03", "m2", "4"),
                 ("2026-10-02", "m1", "1"))
    cbs = callbacks(("2026-10-03", "4", "满意"), ("2026-10-09", "5", "满意"))
    r = compute_callbacks(CUST, vis, cbs, OCT, RULES)
    # 4@10-01 on time (10-03), 4@10-03 on time (same callback), 5@10-02 late, 1@10-02 missing (not a member)
    misses = r.member_misses
    assert list(zip(misses["customer_id"], misses["status"], misses["member"])) == [("5", "late", True)]
    assert list(misses.columns) == list(r.events.columns)


def test_month_rows_carry_manager_and_room_and_dissatisfied_are_listed():
    staff = pd.DataFrame({"employee_id": pd.Series(["m1", "m2"], dtype=object),
                          "room": pd.Series(["重要一室", "重要二室"], dtype=object)})
    cbs = callbacks(("2026-09-30", "1", "满意"), ("2026-10-08", "4", "不满意", "网速慢"),
                    ("2026-10-02", "1", "一般"), ("2026-11-04", "2", "不满意"))
    r = compute_callbacks(CUST, visits(), cbs, OCT, RULES, staff=staff)
    rows = r.month_rows
    assert list(zip(rows["date"].dt.strftime("%m-%d"), rows["customer_id"], rows["manager_id"], rows["room"])) == [
        ("10-02", "1", "m1", "重要一室"), ("10-08", "4", "m2", "重要二室"), ("11-04", "2", "m1", "重要一室")]
    d = r.dissatisfied
    assert list(d.columns) == ["date", "customer_id", "customer_name", "manager_id", "comment"]
    assert d[["customer_id", "manager_id", "comment"]].values.tolist() == [["4", "m2", "网速慢"], ["2", "m1", None]]
    assert r.events.empty and r.per_manager.empty and r.member_misses.empty
    assert r.as_of == date(2026, 11, 4)


def test_without_staff_room_is_none():
    r = compute_callbacks(CUST, visits(), callbacks(("2026-10-02", "1", "满意")), OCT, RULES)
    assert r.month_rows["room"].tolist() == [None]


# ---------------------------------------------------------------------------
# Properties, checked against a plain per-event reading of SPEC §2.7

DAYS = st.integers(min_value=-5, max_value=45)          # offsets from 10-01; 31+ is the tail
RESULTS = st.sampled_from(["满意", "一般", "不满意", "未接通"])
CUSTOMER = st.sampled_from(["1", "2", "3", "4", "5"])


def _day(offset: int) -> str:
    return str(date(2026, 10, 1) + timedelta(days=offset))


visit_rows = st.lists(st.tuples(st.integers(0, 30), st.sampled_from(["m1", "m2"]), CUSTOMER), max_size=12)
callback_rows = st.lists(st.tuples(DAYS, CUSTOMER, RESULTS), max_size=12)


def reference(vis, cbs) -> list[str]:
    """SPEC §2.7 event by event, the slow obvious way."""
    used = [(d, c, res) for d, c, res in cbs if 0 <= d <= 30 + 10]
    as_of = max([d for d, _, _ in used] + [30])
    out = []
    for v, _, c in vis:
        ok = sorted(d for d, cc, res in cbs if cc == c and res != "未接通" and v <= d <= 40)
        if ok and ok[0] <= v + 3:
            out.append("on_time")
        elif ok and ok[0] <= as_of:
            out.append("late")
        elif v + 3 > as_of:
            out.append("pending")
        else:
            out.append("missing")
    return out


def run(vis, cbs):
    return compute_callbacks(CUST, visits(*[(_day(d), m, c) for d, m, c in vis]),
                             callbacks(*[(_day(d), c, res) for d, c, res in cbs]), OCT, RULES)


@settings(max_examples=60, deadline=None)
@given(visit_rows, callback_rows)
def test_statuses_match_the_reference_and_add_up(vis, cbs):
    r = run(vis, cbs)
    ordered = sorted(range(len(vis)), key=lambda i: (vis[i][1], vis[i][0], vis[i][2]))
    expected = reference(vis, cbs)
    assert r.events["status"].tolist() == [expected[i] for i in ordered]
    per = r.per_manager
    assert (per[["on_time", "late", "pending", "missing"]].sum(axis=1) == per["events"]).all()
    assert int(per["events"].sum()) == len(vis)
    for rate, events, pending in zip(per["rate"], per["events"], per["pending"]):
        assert (rate is None) == (events == pending)
        assert rate is None or 0.0 <= rate <= 1.0


@settings(max_examples=60, deadline=None)
@given(visit_rows, callback_rows, st.tuples(DAYS, CUSTOMER, RESULTS))
def test_adding_a_callback_never_undoes_an_on_time_event(vis, cbs, extra):
    before = run(vis, cbs).events
    after = run(vis, cbs + [extra]).events
    was_on_time = before["status"].eq("on_time").to_numpy()
    assert after["status"].to_numpy()[was_on_time].tolist() == ["on_time"] * int(was_on_time.sum())
