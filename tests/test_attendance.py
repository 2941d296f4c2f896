"""Attendance and violations (SPEC §2.2–2.4, §9.1–9.4, §9.7; seed 004 考勤制度).

Most cases use 2026-10-08 (Thursday, a winter workday right after 国庆节):
AM 09:50–13:00 (midpoint 11:25), PM 15:20–18:30 (midpoint 16:55),
boundary B = (13:00 + 15:20) / 2 = 14:10. The employee is employed on that one
day only (入职 = 离职 = 10-08) so no other day of the month produces absences.
"""
from __future__ import annotations

import copy
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kehu.roster import assessed_staff
from kehu.compute.attendance import compute_attendance, session_boundary
from kehu.compute.violations import compute_violations
from kehu.validate.visit_log import unlogged_visit_findings
from kehu.compute.calendar import CalendarError, WorkCalendar
from kehu.month import Month
from kehu.rules import load_rules

RULES = load_rules()
OCT = Month(2026, 10)
CAL = WorkCalendar(None, RULES)
DAY = "2026-10-08"
FULL_DAY = ("09:50", "13:00", "15:20", "18:30")     # on time, both sessions


# --- inputs, built per the data contract (docs/ARCHITECTURE.md) ---------------

def timestamps(texts: pd.Series) -> pd.Series:
    return pd.to_datetime(texts, format="ISO8601")


def staff(*people) -> pd.DataFrame:
    """people: (employee_id, hired_on, left_on) with dates as text or None."""
    return pd.DataFrame({
        "employee_id": pd.Series([p[0] for p in people], dtype=object),
        "name": pd.Series([f"员工{p[0]}" for p in people], dtype=object),
        "role": pd.Series(["客户经理"] * len(people), dtype=object),
        "room": pd.Series(["一室"] * len(people), dtype=object),
        "performance_base": pd.Series([Decimal("3000")] * len(people), dtype=object),
        "hired_on": timestamps(pd.Series([p[1] for p in people], dtype=object)).astype("datetime64[ns]"),
        "left_on": timestamps(pd.Series([p[2] for p in people], dtype=object)).astype("datetime64[ns]"),
        "email": pd.Series([None] * len(people), dtype=object),
        "phone": pd.Series([None] * len(people), dtype=object),
        "_file": "员工名册.xlsx", "_sheet": "员工名册", "_row": list(range(2, len(people) + 2)),
    })


def punches(*rows) -> pd.DataFrame:
    """rows: (employee_id, "YYYY-MM-DD HH:MM")."""
    return pd.DataFrame({
        "employee_id": pd.Series([r[0] for r in rows], dtype=object),
        "punched_at": timestamps(pd.Series([r[1] for r in rows], dtype=object)).astype("datetime64[ns]"),
        "_file": "打卡.xlsx", "_sheet": "打卡记录", "_row": list(range(2, len(rows) + 2)),
    })


def leave(*rows) -> pd.DataFrame:
    """rows: (employee_id, kind, starts_at, ends_at or None)."""
    return pd.DataFrame({
        "employee_id": pd.Series([r[0] for r in rows], dtype=object),
        "kind": pd.Series([r[1] for r in rows], dtype=object),
        "starts_at": timestamps(pd.Series([r[2] for r in rows], dtype=object)).astype("datetime64[ns]"),
        "ends_at": timestamps(pd.Series([r[3] for r in rows], dtype=object)).astype("datetime64[ns]"),
        "_file": "请假.xlsx", "_sheet": "请假外出", "_row": list(range(2, len(rows) + 2)),
    })


def visits(*rows) -> pd.DataFrame:
    """rows: (manager_id, "YYYY-MM-DD")."""
    return pd.DataFrame({
        "date": timestamps(pd.Series([r[1] for r in rows], dtype=object)).astype("datetime64[ns]"),
        "manager_id": pd.Series([r[0] for r in rows], dtype=object),
        "customer_id": pd.Series(["C1"] * len(rows), dtype=object),
        "method": pd.Series(["上门"] * len(rows), dtype=object),
        "_file": "出访.xlsx", "_sheet": "出访登记", "_row": list(range(2, len(rows) + 2)),
    })


def violations(*rows) -> pd.DataFrame:
    """rows: (employee_id, "YYYY-MM-DD", kind, note)."""
    return pd.DataFrame({
        "employee_id": pd.Series([r[0] for r in rows], dtype=object),
        "date": timestamps(pd.Series([r[1] for r in rows], dtype=object)).astype("datetime64[ns]"),
        "kind": pd.Series([r[2] for r in rows], dtype=object),
        "note": pd.Series([r[3] for r in rows], dtype=object),
        "_file": "违纪.xlsx", "_sheet": "违纪记录", "_row": list(range(2, len(rows) + 2)),
    })


def day_punches(times, day=DAY, eid="1001"):
    return [(eid, f"{day} {t}") for t in times]


def run(punch_rows=(), leave_rows=(), people=(("1001", DAY, DAY),), month=OCT, rules=RULES,
        calendar=CAL):
    return compute_attendance(staff(*people), punches(*punch_rows), leave(*leave_rows), month, rules, calendar)


def flat(result) -> list[tuple]:
    """Events as (MM-DD, session, type, minutes, amount) — None for null."""
    return [(f"{r.date:%m-%d}", r.session, r.type, None if pd.isna(r.minutes) else int(r.minutes), int(r.amount))
            for r in result.events.itertuples()]


def on_day(times, leave_rows=(), **kw) -> list[tuple]:
    return flat(run(day_punches(times), leave_rows, **kw))


def with_rules(**attendance) -> dict:
    rules = copy.deepcopy(RULES)
    rules["attendance"].update(attendance)
    return rules


# --- §2.2 schedule -------------------------------------------------------------

def test_boundary_is_midpoint_of_am_end_and_pm_start():
    assert session_boundary(12 * 60 + 30, 15 * 60 + 20) == 13 * 60 + 55    # summer 13:55
    assert session_boundary(13 * 60, 15 * 60 + 20) == 14 * 60 + 10         # winter 14:10


def test_on_time_day_has_no_events():
    result = run(day_punches(FULL_DAY))
    assert flat(result) == []
    assert result.summary.loc[0, "deduction"] == Decimal("0")


# --- §2.3.4–5 late / early tiers ----------------------------------------------

@pytest.mark.parametrize("minutes, amount", [(0, None), (1, 50), (30, 50), (31, 100), (60, 100), (61, 200)])
def test_late_tiers(minutes, amount):
    arrive = pd.Timestamp(f"{DAY} 09:50") + pd.Timedelta(minutes=minutes)
    events = on_day((f"{arrive:%H:%M}", "13:00", "15:20", "18:30"))
    assert events == ([] if amount is None else [("10-08", "AM", "late", minutes, amount)])


@pytest.mark.parametrize("minutes, amount", [(0, None), (1, 50), (30, 50), (31, 100), (60, 100), (61, 200)])
def test_early_tiers(minutes, amount):
    leave_at = pd.Timestamp(f"{DAY} 18:30") - pd.Timedelta(minutes=minutes)
    events = on_day(("09:50", "13:00", "15:20", f"{leave_at:%H:%M}"))
    assert events == ([] if amount is None else [("10-08", "PM", "early", minutes, amount)])


def test_grace_decides_existence_but_tiers_use_raw_minutes():
    rules = with_rules(grace_minutes=30)
    # late 30 ≤ grace → no event; late 31 > grace → tier of 31 raw minutes = 100 (not 50 for 1)
    assert on_day(("10:20", "13:00", "15:20", "18:30"), rules=rules) == []
    assert on_day(("10:21", "13:00", "15:20", "18:30"), rules=rules) == [("10-08", "AM", "late", 31, 100)]
    # early 5 with grace 5 → nothing; early 6 → 50
    rules = with_rules(grace_minutes=5)
    assert on_day(("09:50", "12:55", "15:20", "18:30"), rules=rules) == []
    assert on_day(("09:50", "12:54", "15:20", "18:30"), rules=rules) == [("10-08", "AM", "early", 6, 50)]


def test_late_and_early_in_both_sessions():
    # AM in 10:00 (late 10 → 50), out 12:00 (early 60 → 100); PM in 16:21 (late 61 → 200), out 18:30
    assert on_day(("10:00", "12:00", "16:21", "18:30")) == [
        ("10-08", "AM", "late", 10, 50), ("10-08", "AM", "early", 60, 100), ("10-08", "PM", "late", 61, 200)]


def test_seconds_and_equal_minutes_collapse():
    # 09:50:59 is 09:50; the same minute twice is one punch
    assert on_day(("09:50:59", "09:50", "13:00", "15:20", "18:30")) == []


# --- §2.3.1 boundary B ---------------------------------------------------------

def test_punch_exactly_at_boundary_goes_pm():
    # 14:10 = B → PM: AM has only 09:50 (in) → 缺卡 AM; PM 14:10 + 18:30 complete
    assert on_day(("09:50", "14:10", "18:30")) == [("10-08", "AM", "missing_punch", None, 0)]


def test_punch_one_minute_before_boundary_goes_am():
    # 14:09 < B → AM out-punch; PM has only 18:30 (out) → 缺卡 PM
    assert on_day(("09:50", "14:09", "18:30")) == [("10-08", "PM", "missing_punch", None, 0)]


# --- §2.3.3 single punch and §9.2 ----------------------------------------------

@pytest.mark.parametrize("punch, expected", [
    ("11:24", [("10-08", "AM", "late", 94, 200), ("10-08", "AM", "missing_punch", None, 0)]),   # before mid → in
    ("11:25", [("10-08", "AM", "late", 95, 200), ("10-08", "AM", "missing_punch", None, 0)]),   # at mid 11:25 → in
    ("11:26", [("10-08", "AM", "early", 94, 200), ("10-08", "AM", "missing_punch", None, 0)]),  # after → out
])
def test_single_punch_by_session_midpoint(punch, expected):
    assert on_day((punch, "15:20", "18:30")) == expected


def test_two_morning_punches_are_one_in_punch():
    # 09:45 and 09:46 both before the AM midpoint → one in-punch, 缺卡 on the out side (§9.2)
    assert on_day(("09:45", "09:46", "15:20", "18:30")) == [("10-08", "AM", "missing_punch", None, 0)]


def test_two_afternoon_punches_after_midpoint_are_one_out_punch():
    # 17:00 and 18:35 both after the PM midpoint 16:55 → one out-punch (latest), no early event
    assert on_day(("09:50", "13:00", "17:00", "18:35")) == [("10-08", "PM", "missing_punch", None, 0)]


def test_late_in_punch_with_one_side_missing_still_costs():
    # only 10:30 in the AM (before 11:25 → in) → late 40 → 100 and 缺卡
    assert on_day(("10:30", "15:20", "18:30")) == [
        ("10-08", "AM", "late", 40, 100), ("10-08", "AM", "missing_punch", None, 0)]


def test_bu_ka_supplies_the_missing_punch():
    without = on_day(("09:50", "15:20", "18:30"))
    assert without == [("10-08", "AM", "missing_punch", None, 0)]
    fixed = on_day(("09:50", "15:20", "18:30"), leave_rows=[("1001", "补卡", f"{DAY} 13:00", None)])
    assert fixed == []


def test_late_bu_ka_time_is_judged_like_a_punch():
    # 补卡 at 12:40 as the AM out → early 20 → 50
    assert on_day(("09:50", "15:20", "18:30"), leave_rows=[("1001", "补卡", f"{DAY} 12:40", None)]) == [
        ("10-08", "AM", "early", 20, 50)]


# --- §2.3.2 / §9.1 leave --------------------------------------------------------

def test_leave_covering_session_start_moves_start():
    # 事假 08:00–10:30 → AM 10:30–13:00; arriving 10:30 is on time (without leave: late 40 → 100)
    rows = [("1001", "事假", f"{DAY} 08:00", f"{DAY} 10:30")]
    assert on_day(("10:30", "13:00", "15:20", "18:30"), rows) == []
    assert on_day(("10:35", "13:00", "15:20", "18:30"), rows) == [("10-08", "AM", "late", 5, 50)]


def test_leave_covering_session_end_moves_end():
    # 病假 12:00–13:30 → AM 09:50–12:00 (midpoint 10:55); leaving 12:00 is on time
    rows = [("1001", "病假", f"{DAY} 12:00", f"{DAY} 13:30")]
    assert on_day(("09:50", "12:00", "15:20", "18:30"), rows) == []
    # a single 11:00 punch is after the new midpoint 10:55 → out-punch, early 60 → 100, and 缺卡
    # (without the leave it would be before 11:25 → in-punch, late 70 → 200)
    assert on_day(("11:00", "15:20", "18:30"), rows) == [
        ("10-08", "AM", "early", 60, 100), ("10-08", "AM", "missing_punch", None, 0)]
    assert on_day(("11:00", "15:20", "18:30")) == [
        ("10-08", "AM", "late", 70, 200), ("10-08", "AM", "missing_punch", None, 0)]


def test_leave_strictly_inside_changes_nothing():
    # 外出走访 10:30–11:30 inside AM 09:50–13:00: leaving at 11:30 is still early 90 → 200
    rows = [("1001", "外出走访", f"{DAY} 10:30", f"{DAY} 11:30")]
    assert on_day(("09:50", "11:30", "15:20", "18:30"), rows) == [
        ("10-08", "AM", "early", 90, 200)]


def test_leave_covering_whole_session_excuses_it():
    rows = [("1001", "年假", f"{DAY} 09:00", f"{DAY} 13:00")]
    assert on_day(("15:20", "18:30"), rows) == []            # no AM absence


def test_date_only_leave_excuses_the_whole_day():
    # loader encodes date-only 10-08 … 10-08 as 10-08 00:00 … 10-09 00:00 (§9.3)
    assert on_day((), [("1001", "病假", f"{DAY} 00:00", "2026-10-09 00:00")]) == []


def test_touching_leaves_are_merged_before_applying():
    # [10:00, 11:00] + [11:00, 13:30] merge to [10:00, 13:30] → AM end := 10:00; leaving at 10:00 is on time.
    # (Applied one by one, the first is strictly inside and the second moves the end to 11:00 → early 60.)
    rows = [("1001", "出差", f"{DAY} 11:00", f"{DAY} 13:30"), ("1001", "事假", f"{DAY} 10:00", f"{DAY} 11:00")]
    assert on_day(("09:50", "10:00", "15:20", "18:30"), rows) == []


def test_overlapping_leaves_are_merged():
    rows = [("1001", "事假", f"{DAY} 08:00", f"{DAY} 10:00"), ("1001", "病假", f"{DAY} 09:30", f"{DAY} 11:00")]
    assert on_day(("11:00", "13:00", "15:20", "18:30"), rows) == []        # AM 11:00–13:00


def test_multi_day_leave_cuts_every_day():
    # employed 10-08 … 10-10 (10-10 is a Saturday 调休 workday). 年假 10-08 12:00 → 10-09 16:00:
    # 10-08 AM end := 12:00, PM excused; 10-09 AM excused, PM start := 16:00; 10-10 nobody punched → 旷工 DAY
    rows = [("1001", "年假", f"{DAY} 12:00", "2026-10-09 16:00")]
    punch_rows = day_punches(("09:50", "12:00")) + day_punches(("16:00", "18:30"), day="2026-10-09")
    result = run(punch_rows, rows, people=[("1001", DAY, "2026-10-10")])
    assert flat(result) == [("10-10", "DAY", "absent", None, 100)]


def test_leave_spanning_the_month_start_is_used_inside_the_month():
    rows = [("1001", "病假", "2026-09-28 00:00", "2026-10-09 00:00")]
    assert on_day((), rows) == []


# --- §2.4 absences --------------------------------------------------------------

def test_absent_am_with_late_pm_still_counted():
    # AM no punch → 旷工 AM (100); PM in 15:30 late 10 → 50
    result = run(day_punches(("15:30", "18:30")))
    assert flat(result) == [("10-08", "AM", "absent", None, 100), ("10-08", "PM", "late", 10, 50)]
    assert result.summary.loc[0, "deduction"] == Decimal("150")


def test_absent_pm_with_late_am():
    assert on_day(("10:00", "13:00")) == [("10-08", "AM", "late", 10, 50), ("10-08", "PM", "absent", None, 100)]


def test_absent_whole_day_is_one_absence():
    result = run()
    assert flat(result) == [("10-08", "DAY", "absent", None, 100)]
    assert result.summary.loc[0, "absent_days"] == 1


def test_punches_on_holiday_ignored():
    # employed 10-01 … 10-08: 10-01 … 10-07 are 国庆 holidays; 10-03 punches are ignored
    punch_rows = day_punches(("10:30", "11:00"), day="2026-10-03") + day_punches(FULL_DAY)
    assert flat(run(punch_rows, people=[("1001", "2026-10-01", DAY)])) == []


def test_punches_outside_employment_ignored():
    # left on 10-08: punches on 10-09 change nothing and produce no events
    punch_rows = day_punches(FULL_DAY) + day_punches(("11:00",), day="2026-10-09")
    assert flat(run(punch_rows)) == []


def test_employee_hired_mid_month():
    # hired Wed 10-28, never punched: absent 10-28, 10-29, 10-30 (10-31 is a Saturday) → 300
    result = run(people=[("1001", "2026-10-28", None)])
    assert flat(result) == [(d, "DAY", "absent", None, 100) for d in ("10-28", "10-29", "10-30")]
    assert result.summary.loc[0, "deduction"] == Decimal("300")


def test_assessed_staff_window():
    people = staff(("A", None, None), ("B", "2026-11-01", None), ("C", None, "2026-09-30"),
                   ("D", "2026-10-31", None), ("E", None, "2026-10-01"))
    assert list(assessed_staff(people, OCT)["employee_id"]) == ["A", "D", "E"]
    result = run(people=[("A", DAY, DAY), ("B", "2026-11-01", None)])
    assert list(result.summary["employee_id"]) == ["A"]


# --- seasons ----------------------------------------------------------------------

def test_summer_schedule_on_september_30():
    # summer AM 09:20–12:30, PM 15:20–18:30
    people = [("1001", "2026-09-30", "2026-09-30")]
    sep = Month(2026, 9)
    assert flat(run(day_punches(("09:20", "12:30", "15:20", "18:30"), day="2026-09-30"), people=people, month=sep)) == []
    # 09:50 in summer is late 30 → 50
    assert flat(run(day_punches(("09:50", "12:30", "15:20", "18:30"), day="2026-09-30"), people=people, month=sep)) == [
        ("09-30", "AM", "late", 30, 50)]


def test_summer_boundary_is_1355():
    people = [("1001", "2026-09-30", "2026-09-30")]
    # 13:55 = summer B → PM; AM keeps only 09:20 → 缺卡 AM
    assert flat(run(day_punches(("09:20", "13:55", "18:30"), day="2026-09-30"), people=people, month=Month(2026, 9))) == [
        ("09-30", "AM", "missing_punch", None, 0)]


def test_winter_schedule_on_october_9():
    # the summer timetable on 10-09 (winter): 09:20 in is fine, leaving 12:30 is early 30 → 50
    people = [("1001", "2026-10-09", "2026-10-09")]
    assert flat(run(day_punches(("09:20", "12:30", "15:20", "18:30"), day="2026-10-09"), people=people)) == [
        ("10-09", "AM", "early", 30, 50)]


# --- calendar ----------------------------------------------------------------------

def march_2031_calendar() -> pd.DataFrame:
    days = pd.date_range("2031-03-01", "2031-03-31")
    return pd.DataFrame({"date": days.astype("datetime64[ns]"),
                         "kind": pd.Series(["工作日" if d.weekday() < 5 else "休息日" for d in days], dtype=object),
                         "note": pd.Series([None] * len(days), dtype=object),
                         "_file": "日历.xlsx", "_sheet": "日历", "_row": range(2, len(days) + 2)})


def test_uncovered_year_raises_calendar_error():
    with pytest.raises(CalendarError) as caught:
        run(people=[("1001", None, None)], month=Month(2031, 3))
    assert caught.value.year == 2031


def test_calendar_sheet_makes_uncovered_year_work():
    cal = WorkCalendar(march_2031_calendar(), RULES)
    result = run(people=[("1001", None, None)], month=Month(2031, 3), calendar=cal)
    # March 2031 has 21 weekdays, no punches → 21 absences
    assert result.summary.loc[0, "absent_days"] == 21
    assert result.summary.loc[0, "deduction"] == Decimal("2100")


# --- §2.4 leave limit ---------------------------------------------------------------

def counted(n: int, kind: str = "事假") -> list[tuple]:
    return [("1001", kind, f"2026-10-{12 + i} 16:00", f"2026-10-{12 + i} 17:00") for i in range(n)]


def test_three_counted_leaves_are_free():
    result = run(day_punches(FULL_DAY), counted(3))
    assert flat(result) == []
    assert result.summary.loc[0, "leave_requests"] == 3


def test_four_counted_leaves_cost_once_on_the_last_day():
    result = run(day_punches(FULL_DAY), counted(2) + counted(2, "病假"))
    assert flat(result) == [("10-31", None, "leave_limit", None, 100)]
    assert result.summary.loc[0, "leave_requests"] == 4


def test_annual_leave_and_other_months_never_count():
    rows = counted(5, "年假") + counted(3) + [("1001", "事假", "2026-09-30 09:00", "2026-10-02 00:00")]
    result = run(day_punches(FULL_DAY), rows)
    assert flat(result) == []
    assert result.summary.loc[0, "leave_requests"] == 3


# --- rules override ------------------------------------------------------------------

def test_rules_override_changes_tier_amount():
    rules = copy.deepcopy(RULES)
    rules["attendance"]["tiers"][0]["amount"] = "80.00"
    rules["attendance"]["absence_amount"] = 150
    result = run(day_punches(("10:00", "13:00")), rules=rules)
    assert flat(result) == [("10-08", "AM", "late", 10, 80), ("10-08", "PM", "absent", None, 150)]
    assert result.summary.loc[0, "deduction"] == Decimal("230.00")


# --- W-visit-unlogged ------------------------------------------------------------------

def test_visit_leave_without_visit_row_warns():
    rows = [("1001", "外出走访", f"{DAY} 10:00", f"{DAY} 11:00"),
            ("1001", "外出走访", "2026-10-09 10:00", "2026-10-09 11:00"),
            ("1001", "事假", "2026-10-12 10:00", "2026-10-12 11:00")]
    found = unlogged_visit_findings(leave(*rows), visits(("1001", DAY), ("1002", "2026-10-09")), RULES)
    assert [(f.sheet, f.row, f.code, f.employee_id, f.file) for f in found] == [
        ("请假外出", 3, "W-visit-unlogged", "1001", "请假.xlsx")]
    assert "出访登记" in found[0].message and "2026-10-09" in found[0].message


# --- output shape ----------------------------------------------------------------------

def test_event_and_summary_columns():
    result = run(day_punches(("10:00",)))
    assert list(result.events.columns) == ["employee_id", "date", "session", "type", "minutes", "amount",
                                           "scheduled", "punched", "tier", "kind", "note"]
    assert str(result.events["date"].dtype) == "datetime64[ns]"
    assert str(result.events["minutes"].dtype) == "Int64"
    assert all(isinstance(a, Decimal) for a in result.events["amount"])
    assert list(result.summary.columns) == ["employee_id", "late", "early", "absent_days",
                                            "missing_punches", "leave_requests", "deduction"]
    row = result.summary.iloc[0]
    assert (row.late, row.early, row.absent_days, row.missing_punches) == (1, 0, 1, 1)
    assert row.deduction == Decimal("150")


def test_each_event_says_what_the_manager_can_check():
    """Issue 14 item 7: the scheduled time, the punch the minutes count from, the tier; a 缺卡
    says which punch is missing; an absence the session's hours (winter: 09:50–13:00, 15:20–18:30)."""
    two_days = (("1001", DAY, "2026-10-09"),)
    result = run(day_punches(("10:00", "18:05")) + day_punches(("09:40",), day="2026-10-09"), people=two_days)
    assert [(f"{r.date:%m-%d}", r.session, r.type, r.scheduled, r.punched, None if pd.isna(r.minutes) else r.minutes,
             None if pd.isna(r.tier) else r.tier, r.note) for r in result.events.itertuples()] == [
        ("10-08", "AM", "late", "09:50", "10:00", 10, 1, None),           # 10 min: the first tier (≤ 30)
        ("10-08", "AM", "missing_punch", "13:00", "10:00", None, None, "缺下班卡"),
        ("10-08", "PM", "early", "18:30", "18:05", 25, 1, None),
        ("10-08", "PM", "missing_punch", "15:20", "18:05", None, None, "缺上班卡"),
        ("10-09", "AM", "missing_punch", "13:00", "09:40", None, None, "缺下班卡"),
        ("10-09", "PM", "absent", "15:20–18:30", None, None, None, None),
    ]


def test_an_absent_day_names_both_sessions_and_a_late_hour_its_tier():
    result = run(day_punches(("11:20", "13:00")), people=(("1001", DAY, "2026-10-09"),))   # in before 11:25
    late = result.events.loc[result.events["type"] == "late"].iloc[0]
    assert (late.scheduled, late.punched, late.minutes, late.tier, late.amount) == ("09:50", "11:20", 90, 3, Decimal("200"))
    day = result.events.loc[result.events["type"] == "absent"].iloc[-1]
    assert (day.session, day.scheduled) == ("DAY", "09:50–13:00、15:20–18:30")


def test_empty_inputs():
    result = run(people=())
    assert result.events.empty and result.summary.empty


# --- violations ------------------------------------------------------------------------

def test_violations_amounts_and_notice():
    rows = [("1001", "2026-10-08", "未穿工作服", None), ("1001", "2026-10-09", "未穿工作服", None),
            ("1001", "2026-10-12", "私自外出", "上班时间逛商场"), ("1002", "2026-10-13", "未穿工作服", "")]
    result = compute_violations(staff(("1001", None, None), ("1002", None, None), ("1003", None, None)),
                                violations(*rows), OCT, RULES)
    s = result.summary.set_index("employee_id")
    assert (s.loc["1001", "count"], s.loc["1001", "deduction"], s.loc["1001", "notice"]) == (3, Decimal("300"), True)
    assert (s.loc["1002", "count"], s.loc["1002", "deduction"], s.loc["1002", "notice"]) == (1, Decimal("50"), False)
    assert (s.loc["1003", "count"], s.loc["1003", "deduction"], s.loc["1003", "notice"]) == (0, Decimal("0"), False)
    notices = result.notices
    assert list(notices.columns) == ["employee_id", "name", "room", "date", "kind", "note", "amount"]
    assert notices.iloc[0].tolist()[:3] == ["1001", "员工1001", "一室"]
    assert notices.iloc[0]["amount"] == Decimal("200")
    assert len(result.events) == 4 and set(result.events["type"]) == {"violation"}
    # what the manager reads on 考勤明细 (issue 14 item 7): the kind and the row's note; a blank note is none
    assert [(r.kind, r.note) for r in result.events.itertuples()] == [
        ("未穿工作服", None), ("未穿工作服", None), ("私自外出", "上班时间逛商场"), ("未穿工作服", None)]


# --- properties ------------------------------------------------------------------------

minutes_of_day = st.integers(min_value=7 * 60, max_value=20 * 60)


def hhmm(m: int) -> str:
    return f"{m // 60:02d}:{m % 60:02d}"


leave_rows = st.lists(st.tuples(st.sampled_from(["事假", "病假", "年假", "出差", "外出走访", "补卡"]),
                                minutes_of_day, st.integers(min_value=0, max_value=300)), max_size=3)


def to_leave(rows):
    out = []
    for kind, start, length in rows:
        end = None if kind == "补卡" else f"{DAY} {hhmm(min(start + length, 1439))}"
        out.append(("1001", kind, f"{DAY} {hhmm(start)}", end))
    return out


def configured_amounts(rules) -> set:
    a = rules["attendance"]
    return ({Decimal(str(t["amount"])) for t in a["tiers"]}
            | {Decimal(str(a[k])) for k in ("absence_amount", "missing_punch_amount")}
            | {Decimal(str(a["leave_limit"]["amount"]))})


PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(st.lists(minutes_of_day, max_size=6), leave_rows, st.integers(min_value=0, max_value=20))
def test_deductions_never_negative_and_amounts_configured(times, rows, grace):
    rules = with_rules(grace_minutes=grace)
    result = run(day_punches([hhmm(t) for t in times]), to_leave(rows), rules=rules)
    assert all(d >= 0 for d in result.summary["deduction"])
    assert set(result.events["amount"]) <= configured_amounts(rules)
    assert all(m > grace for m in result.events["minutes"].dropna())


@PROPERTY
@given(st.lists(minutes_of_day, max_size=6), minutes_of_day, leave_rows)
def test_adding_a_punch_never_adds_a_late_event(times, extra, rows):
    """A late event can only appear where the session had no in-punch before
    (it was absent or had a 缺卡); where it had one, late minutes never grow."""
    def late_and_open(punch_times):
        events = run(day_punches([hhmm(t) for t in punch_times]), to_leave(rows)).events
        late = {r.session: int(r.minutes) for r in events.itertuples() if r.type == "late"}
        open_ = {s for r in events.itertuples() if r.type in ("absent", "missing_punch")
                 for s in (("AM", "PM") if r.session == "DAY" else (r.session,))}
        return late, open_

    before, open_before = late_and_open(times)
    after, _ = late_and_open(times + [extra])
    for session, minutes in after.items():
        if session in before:
            assert minutes <= before[session]
        else:
            assert session in open_before


workday_dates = st.sampled_from(["2026-10-08", "2026-10-09", "2026-10-10", "2026-10-12"])
punch_rows = st.lists(st.tuples(workday_dates, minutes_of_day), max_size=8)


@PROPERTY
@given(punch_rows, punch_rows)
def test_one_employees_punches_never_affect_another(mine, theirs):
    people = [("1001", DAY, "2026-10-12"), ("1002", DAY, "2026-10-12")]
    rows = [("1001", f"{d} {hhmm(t)}") for d, t in mine]
    alone = run(rows, people=people[:1]).events
    together = run(rows + [("1002", f"{d} {hhmm(t)}") for d, t in theirs], people=people).events
    assert flat_frame(together[together["employee_id"] == "1001"]) == flat_frame(alone)


def flat_frame(events: pd.DataFrame) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in row) for row in events.itertuples(index=False)]
