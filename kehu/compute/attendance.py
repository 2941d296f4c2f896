"""Attendance and discipline (SPEC §2.2–2.4 with the §9.1–9.4 and §9.7 clarifications).

The policy is seed 004_d812919048b065d8.txt, 一、考勤制度:
  1、上班时间 — 夏季 上午9:20—12:30 下午15:20—18:30; 冬季 上午9:50—13:00 下午15:20—18:30.
  2、考核办法 — (1) 每次迟到/早退在30分钟以内的扣除员工50元,30-60分钟的扣除100元,
  60分钟以上扣除200元; (2) 旷工一次扣除100元; (3) 私自逛街、购物、吃饭 … 发现一次扣200元,
  并在本片区内通报; (4) 不穿工作服一次,扣50元; (5) 每月请假超过3次以上的,扣除100元.
Every number is read from the rules file (``[schedule]``, ``[attendance]``, ``[violations]``).

How it is computed: the month is a dense grid of *sessions*, one per
(employee, day, half) with half 0 = AM and 1 = PM, addressed by the integer
key ``(employee_code * days + day) * 2 + half``. Times are integer minutes
since 00:00 of the month's first day. Punches are mapped onto the grid and
reduced to (earliest, latest) per session with one group-by; the (few) merged
leave intervals cut the grid's session bounds in a loop over their rank within
the day, each step vectorised. No Python loop ever runs over punch rows. The schedule and the
grid are kehu/compute/attendance_grid.py; the 违纪 of (3) and (4), kehu/compute/violations.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pandas as pd

from kehu.compute.attendance_grid import (DAY_MINUTES, MonthGrid, Sessions, clock_minutes,  # noqa: F401 (re-exported)
                                          month_grid, month_minutes, season_of, session_boundary, session_grid,
                                          session_times)
from kehu.compute.calendar import WorkCalendar
from kehu.month import Month
from kehu.roster import assessed_staff
from kehu.rules import money

AM, PM = 0, 1
SESSION_LABELS = ("AM", "PM")
# what results.json lists of an event (SPEC §6), then what a manager needs to check it (issue 14 item 7):
# the scheduled time and the punch the minutes are counted from ("HH:MM"), the tier (1, 2, …
# of ``attendance.tiers``), a violation's kind and the note of its row (缺卡: which punch is missing)
EVENT_COLUMNS = ["employee_id", "date", "session", "type", "minutes", "amount"]
DETAIL_COLUMNS = ["scheduled", "punched", "tier", "kind", "note"]
EVENT_DETAIL_COLUMNS = EVENT_COLUMNS + DETAIL_COLUMNS
SUMMARY_COLUMNS = ["employee_id", "late", "early", "absent_days", "missing_punches", "leave_requests", "deduction"]
_SESSION_ORDER = {"AM": 0, "PM": 1, "DAY": 2}
_TYPE_ORDER = {"late": 0, "early": 1, "missing_punch": 2, "absent": 3, "leave_limit": 4, "violation": 5}


@dataclass
class AttendanceResult:
    """``events``: one row per deduction event and per missing punch (EVENT_DETAIL_COLUMNS);
    ``summary``: one row per assessed employee (SUMMARY_COLUMNS). (W-visit-unlogged is an input
    check: kehu.validate.visit_log.)"""
    events: pd.DataFrame
    summary: pd.DataFrame


# ---------------------------------------------------------------------------
# Punches (SPEC §2.3.1)

def punch_times(punches: pd.DataFrame, leave: pd.DataFrame, rules: dict) -> pd.DataFrame:
    """Punches plus the start times of approved 补卡 rows: [employee_id, at]."""
    fix = leave.loc[leave["kind"] == rules["attendance"]["punch_fix_kind"], ["employee_id", "starts_at"]]
    parts = [punches[["employee_id", "punched_at"]].rename(columns={"punched_at": "at"})]
    if len(fix):        # no 补卡: an empty, untyped part would make "at" untyped (pandas 3) or warn (pandas 2)
        parts.append(fix.rename(columns={"starts_at": "at"}))
    both = pd.concat(parts, ignore_index=True)
    return both.loc[both["at"].notna()]


def split_at_boundary(grid: MonthGrid, codes: np.ndarray, minutes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Session key of each punch: before B → AM, at or after B → PM. Punches on days that
    are not workdays or outside the employment are dropped (SPEC §2.3). → (keys, minutes)."""
    day = np.floor_divide(minutes, DAY_MINUTES)
    keep = grid.checked(codes, day)
    codes, day, minutes = codes[keep], day[keep], minutes[keep]
    half = (minutes - day * DAY_MINUTES >= grid.boundary[day]).astype(np.int64)
    return (codes * grid.days + day) * 2 + half, minutes


def collect_punches(sessions: Sessions, keys: np.ndarray, minutes: np.ndarray) -> None:
    """Earliest and latest punch of each session (equal minutes collapse by construction)."""
    if len(keys) == 0:
        return
    bounds = pd.Series(minutes).groupby(keys).agg(["min", "max"])
    at = bounds.index.to_numpy()
    sessions.first[at] = bounds["min"].to_numpy()
    sessions.last[at] = bounds["max"].to_numpy()
    sessions.punched[at] = True


# ---------------------------------------------------------------------------
# Leave (SPEC §2.3.2, §9.1, §9.3)

def leave_intervals(leave: pd.DataFrame, grid: MonthGrid, rules: dict) -> pd.DataFrame:
    """Excusing leave rows of assessed staff as [code, s, e] minutes, clipped to the month."""
    rows = leave.loc[leave["kind"].isin(rules["attendance"]["excusing_kinds"])
                     & leave["starts_at"].notna() & leave["ends_at"].notna()]
    frame = pd.DataFrame({"code": grid.codes(rows["employee_id"]),
                          "s": month_minutes(rows["starts_at"], grid.month),
                          "e": month_minutes(rows["ends_at"], grid.month)})
    frame[["s", "e"]] = frame[["s", "e"]].clip(0, grid.days * DAY_MINUTES)
    return frame.loc[(frame["code"] >= 0) & (frame["e"] > frame["s"])]


def merge_leave(intervals: pd.DataFrame) -> pd.DataFrame:
    """One employee's intervals merged where they overlap or touch (SPEC §9.1)."""
    if intervals.empty:
        return intervals
    ordered = intervals.sort_values(["code", "s"], kind="stable").reset_index(drop=True)
    reach = ordered.groupby("code")["e"].cummax().groupby(ordered["code"]).shift()
    run = (reach.isna() | (ordered["s"] > reach)).cumsum()
    return ordered.groupby(run).agg(code=("code", "first"), s=("s", "min"), e=("e", "max")).reset_index(drop=True)


def leave_pieces(merged: pd.DataFrame) -> pd.DataFrame:
    """Merged intervals cut into per-day pieces [code, day, s, e, rank]; rank = order by
    start within the employee-day, so a multi-day leave cuts every day it covers (SPEC §2.3)."""
    first_day = merged["s"].to_numpy() // DAY_MINUTES
    count = (merged["e"].to_numpy() - 1) // DAY_MINUTES - first_day + 1
    row = np.repeat(np.arange(len(merged)), count)
    day = first_day[row] + np.arange(len(row)) - np.repeat(np.cumsum(count) - count, count)
    pieces = pd.DataFrame({"code": merged["code"].to_numpy()[row], "day": day,
                           "s": np.maximum(merged["s"].to_numpy()[row], day * DAY_MINUTES),
                           "e": np.minimum(merged["e"].to_numpy()[row], (day + 1) * DAY_MINUTES)})
    pieces = pieces.sort_values(["code", "day", "s"], kind="stable")
    pieces["rank"] = pieces.groupby(["code", "day"]).cumcount()
    return pieces


def cut_session(sessions: Sessions, keys: np.ndarray, s: np.ndarray, e: np.ndarray) -> None:
    """One leave [s, e] per session (SPEC §2.3.2): covers → excused; covers the start →
    start := e; covers the end → end := s; strictly inside or apart → nothing."""
    start, end = sessions.start[keys], sessions.end[keys]
    sessions.excused[keys] |= (s <= start) & (e >= end)
    sessions.start[keys] = np.where((s <= start) & (start < e) & (e < end), e, start)
    sessions.end[keys] = np.where((start < s) & (s < end) & (end <= e), s, end)


def apply_leave(sessions: Sessions, grid: MonthGrid, leave: pd.DataFrame, rules: dict) -> None:
    """Apply each employee-day's merged leave pieces in ascending start order (SPEC §9.1)."""
    merged = merge_leave(leave_intervals(leave, grid, rules))
    if merged.empty:
        return
    pieces = leave_pieces(merged)
    for _, step in pieces.groupby("rank", sort=True):
        base = (step["code"].to_numpy() * grid.days + step["day"].to_numpy()) * 2
        for half in (AM, PM):
            cut_session(sessions, base + half, step["s"].to_numpy(), step["e"].to_numpy())


# ---------------------------------------------------------------------------
# Per-session outcome (SPEC §2.3.3–2.3.5, §9.2, §9.4)

def session_midpoint(sessions: Sessions) -> np.ndarray:
    """start + ⌊(end − start) / 2⌋ of the effective session (SPEC §2.3.3)."""
    return sessions.start + (sessions.end - sessions.start) // 2


def punch_sides(sessions: Sessions) -> tuple[np.ndarray, np.ndarray]:
    """(has in-punch, has out-punch) per session. Punches all on one side of the midpoint
    count as one punch on that side — in at/before it, out after (SPEC §2.3.3, §9.2);
    the in-punch is the earliest, the out-punch the latest."""
    live = sessions.checked & ~sessions.excused & sessions.punched
    mid = session_midpoint(sessions)
    all_before, all_after = sessions.last <= mid, sessions.first > mid
    return live & ~all_after, live & ~all_before


def late_minutes(sessions: Sessions) -> np.ndarray:
    """in − start (SPEC §2.3.4)."""
    return sessions.first - sessions.start


def early_minutes(sessions: Sessions) -> np.ndarray:
    """end − out (SPEC §2.3.4)."""
    return sessions.end - sessions.last


def tier_amounts(minutes: np.ndarray, rules: dict) -> np.ndarray:
    """Deduction per late/early event by its raw minutes (seed 004 考勤制度 2、(1);
    SPEC §2.3.5, §9.4): a tier holds up to and including max_minutes; the last is open."""
    tiers = rules["attendance"]["tiers"]
    bounds = np.array([t["max_minutes"] for t in tiers[:-1]], dtype=np.int64)
    amounts = np.array([money(t["amount"]) for t in tiers], dtype=object)
    return amounts[np.searchsorted(bounds, minutes, side="left")]


def absent_sessions(sessions: Sessions) -> np.ndarray:
    """A checked, non-excused session without any punch (SPEC §2.3.3)."""
    return sessions.checked & ~sessions.excused & ~sessions.punched


# ---------------------------------------------------------------------------
# Events

def _objects(values, n: int) -> np.ndarray:
    return np.asarray(values, dtype=object) if n else np.array([], dtype=object)


def _events(code, day, session, kind: str, minutes, amount, scheduled=None, punched=None, tier=None,
            note=None) -> pd.DataFrame:
    n = len(code)
    none = [None] * n
    return pd.DataFrame({
        "code": np.asarray(code, dtype=np.int64), "day": np.asarray(day, dtype=np.int64),
        "session": _objects(session, n), "type": np.full(n, kind, dtype=object),
        "minutes": pd.array(minutes, dtype="Int64"), "amount": _objects(amount, n),
        "scheduled": _objects(none if scheduled is None else scheduled, n),
        "punched": _objects(none if punched is None else punched, n),
        "tier": pd.array([pd.NA] * n if tier is None else tier, dtype="Int64"),
        "note": _objects(none if note is None else note, n),
    })


def _session_events(grid: MonthGrid, keys: np.ndarray, kind: str, minutes, amount, **detail) -> pd.DataFrame:
    labels = np.array(SESSION_LABELS, dtype=object)[keys % 2]
    return _events(keys // (2 * grid.days), (keys // 2) % grid.days, labels, kind, minutes, amount, **detail)


def clock_text(minutes: np.ndarray) -> list[str]:
    """Minutes since the month's first day → the wall-clock "HH:MM" of each."""
    return [f"{m // 60:02d}:{m % 60:02d}" for m in (np.asarray(minutes, dtype=np.int64) % DAY_MINUTES).tolist()]


def session_span(sessions: Sessions, keys: np.ndarray) -> list[str]:
    """"09:50–13:00": each session's effective bounds (after leave cut it)."""
    return [f"{a}–{b}" for a, b in zip(clock_text(sessions.start[keys]), clock_text(sessions.end[keys]))]


def tier_numbers(minutes: np.ndarray, rules: dict) -> np.ndarray:
    """The tier (1, 2, … of ``attendance.tiers``) each late/early event's minutes fall in."""
    bounds = np.array([t["max_minutes"] for t in rules["attendance"]["tiers"][:-1]], dtype=np.int64)
    return np.searchsorted(bounds, minutes, side="left") + 1


def timing_events(sessions: Sessions, grid: MonthGrid, rules: dict) -> list[pd.DataFrame]:
    """Late and early events where minutes > grace (SPEC §2.3.4, §9.4)."""
    grace = rules["attendance"]["grace_minutes"]
    has_in, has_out = punch_sides(sessions)
    found = []
    for kind, has, minutes, bound, punch in (
            ("late", has_in, late_minutes(sessions), sessions.start, sessions.first),
            ("early", has_out, early_minutes(sessions), sessions.end, sessions.last)):
        keys = np.flatnonzero(has & (minutes > grace))
        found.append(_session_events(grid, keys, kind, minutes[keys], tier_amounts(minutes[keys], rules),
                                     scheduled=clock_text(bound[keys]), punched=clock_text(punch[keys]),
                                     tier=tier_numbers(minutes[keys], rules)))
    return found


def missing_punch_events(sessions: Sessions, grid: MonthGrid, rules: dict) -> pd.DataFrame:
    """缺卡: a punched session lacking its in- or out-punch; listed for 补卡 (SPEC §2.4)."""
    has_in, has_out = punch_sides(sessions)
    keys = np.flatnonzero(has_in ^ has_out)
    amount = np.full(len(keys), money(rules["attendance"]["missing_punch_amount"]), dtype=object)
    lacks_out = has_in[keys]                    # the one punch is the in-punch: the out-punch is missing
    return _session_events(grid, keys, "missing_punch", [pd.NA] * len(keys), amount,
                           scheduled=clock_text(np.where(lacks_out, sessions.end[keys], sessions.start[keys])),
                           punched=clock_text(np.where(lacks_out, sessions.first[keys], sessions.last[keys])),
                           note=np.where(lacks_out, "缺下班卡", "缺上班卡").astype(object))


def absence_events(sessions: Sessions, grid: MonthGrid, rules: dict) -> pd.DataFrame:
    """旷工: one absence per day with an absent session, session AM, PM or DAY (both)
    (seed 004 考勤制度 2、(2) 旷工一次扣除100元; SPEC §2.4)."""
    pairs = absent_sessions(sessions).reshape(-1, 2)
    rows = np.flatnonzero(pairs.any(axis=1))
    am, pm = pairs[rows, AM], pairs[rows, PM]
    label = np.where(am & pm, "DAY", np.where(am, "AM", "PM")).astype(object)
    amount = np.full(len(rows), money(rules["attendance"]["absence_amount"]), dtype=object)
    spans = [session_span(sessions, rows * 2 + half) for half in (AM, PM)]
    scheduled = [f"{a}、{p}" if both else (a if morning else p)
                 for a, p, both, morning in zip(*spans, (am & pm).tolist(), am.tolist())]
    return _events(rows // grid.days, rows % grid.days, label, "absent", [pd.NA] * len(rows), amount,
                   scheduled=scheduled)


def leave_requests(leave: pd.DataFrame, grid: MonthGrid, rules: dict) -> np.ndarray:
    """请假次数 per employee code: counted-kind rows (事假, 病假) starting in the month (SPEC §2.4)."""
    limit = rules["attendance"]["leave_limit"]
    start = pd.to_datetime(leave["starts_at"])
    month = grid.month
    rows = leave.loc[leave["kind"].isin(limit["counted_kinds"]).to_numpy()
                     & (start >= pd.Timestamp(month.first_day)).to_numpy()
                     & (start < pd.Timestamp(month.last_day + timedelta(days=1))).to_numpy()]
    codes = grid.codes(rows["employee_id"])
    return np.bincount(codes[codes >= 0], minlength=len(grid.ids))


def leave_limit_events(requests: np.ndarray, grid: MonthGrid, rules: dict) -> pd.DataFrame:
    """More than max_free counted leaves → one deduction on the month's last day
    (seed 004 考勤制度 2、(5) 每月请假超过3次以上的,扣除100元)."""
    limit = rules["attendance"]["leave_limit"]
    codes = np.flatnonzero(requests > limit["max_free"])
    n = len(codes)
    return _events(codes, np.full(n, grid.days - 1), [None] * n, "leave_limit",
                   [pd.NA] * n, np.full(n, money(limit["amount"]), dtype=object))


def finish_events(parts: list[pd.DataFrame], grid: MonthGrid) -> tuple[pd.DataFrame, np.ndarray]:
    """Concatenate event parts → (events with EVENT_DETAIL_COLUMNS ordered by employee, date,
    session, type; the employee code of each event)."""
    events = pd.concat(parts, ignore_index=True)
    order = np.lexsort((events["type"].map(_TYPE_ORDER).to_numpy(),
                        events["session"].map(_SESSION_ORDER).fillna(3).to_numpy(),
                        events["day"].to_numpy(), events["code"].to_numpy()))
    events = events.iloc[order].reset_index(drop=True)
    first = np.datetime64(grid.month.first_day, "ns")
    return pd.DataFrame({
        "employee_id": pd.Series(grid.ids[events["code"].to_numpy()], dtype=object),
        "date": pd.Series(first + events["day"].to_numpy().astype("timedelta64[D]")).astype("datetime64[ns]"),
        "session": pd.Series(events["session"].to_numpy(), dtype=object),
        "type": pd.Series(events["type"].to_numpy(), dtype=object),
        "minutes": events["minutes"].astype("Int64"),
        **{name: pd.Series(events[name].to_numpy(), dtype=object) for name in ("amount", "scheduled", "punched")},
        "tier": events["tier"].astype("Int64"),
        "kind": pd.Series([None] * len(events), dtype=object),
        "note": pd.Series(events["note"].to_numpy(), dtype=object),
    }, columns=EVENT_DETAIL_COLUMNS), events["code"].to_numpy()


def decimal_totals(codes: np.ndarray, amounts: np.ndarray, n: int) -> list[Decimal]:
    """Σ amount per code as exact Decimals (one bincount per distinct amount)."""
    totals = [Decimal("0")] * n
    for amount in set(amounts.tolist()):
        counts = np.bincount(codes[amounts == amount], minlength=n)
        totals = [t + amount * int(c) for t, c in zip(totals, counts)]
    return totals


def attendance_summary(events: pd.DataFrame, codes: np.ndarray, requests: np.ndarray, grid: MonthGrid) -> pd.DataFrame:
    """One row per assessed employee: event counts and the deduction (SPEC §6 attendance)."""
    n = len(grid.ids)
    kinds = events["type"].to_numpy()

    def count(kind: str) -> np.ndarray:
        return np.bincount(codes[kinds == kind], minlength=n)

    return pd.DataFrame({
        "employee_id": pd.Series(grid.ids, dtype=object),
        "late": count("late"), "early": count("early"), "absent_days": count("absent"),
        "missing_punches": count("missing_punch"), "leave_requests": requests.astype(np.int64),
        "deduction": pd.Series(decimal_totals(codes, events["amount"].to_numpy(), n), dtype=object),
    }, columns=SUMMARY_COLUMNS)


# ---------------------------------------------------------------------------
# The engine

def compute_attendance(staff: pd.DataFrame, punches: pd.DataFrame, leave: pd.DataFrame,
                       month: Month, rules: dict, calendar: WorkCalendar) -> AttendanceResult:
    """Attendance events and per-employee summary of ``month``
    (seed 004 考勤制度; SPEC §2.2–2.4, §9.1–9.4, §9.7). Raises CalendarError when a day
    of the month is covered neither by the 日历 sheet nor by the official schedule."""
    grid, sessions = month_sessions(staff, punches, leave, month, rules, calendar)
    requests = leave_requests(leave, grid, rules)
    parts = [*session_events(sessions, grid, rules), leave_limit_events(requests, grid, rules)]
    events, codes = finish_events(parts, grid)
    return AttendanceResult(events, attendance_summary(events, codes, requests, grid))


def month_sessions(staff: pd.DataFrame, punches: pd.DataFrame, leave: pd.DataFrame, month: Month, rules: dict,
                   calendar: WorkCalendar) -> tuple[MonthGrid, Sessions]:
    """The month's grid and its sessions with their punches and leave applied (SPEC §2.3.1–2.3.2)
    — what the per-session outcomes are read from (also by kehu.validate.import_check)."""
    grid = month_grid(assessed_staff(staff, month), month, rules, calendar)
    sessions = session_grid(grid)
    times = punch_times(punches, leave, rules)
    collect_punches(sessions, *split_at_boundary(grid, grid.codes(times["employee_id"]),
                                                 month_minutes(times["at"], month)))
    apply_leave(sessions, grid, leave, rules)
    return grid, sessions


def session_events(sessions: Sessions, grid: MonthGrid, rules: dict) -> list[pd.DataFrame]:
    """Late, early, missing-punch and absence events of the sessions (SPEC §2.3.3–2.4), each part
    with columns code, day, session, type, minutes, amount and the detail (scheduled, punched,
    tier, note)."""
    return [*timing_events(sessions, grid, rules), missing_punch_events(sessions, grid, rules),
            absence_events(sessions, grid, rules)]
