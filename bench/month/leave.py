"""请假外出 (leave): ~0.4 rows per employee on workdays of the month — whole days, AM or PM halves;
出差 / 年假 up to 3 days; 补卡 as a single time without 结束时间; 外出走访 (each gets a 出访登记 row)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .write import Layout, col_excel_date, col_text

KINDS = np.array(["事假", "病假", "年假", "调休", "出差", "外出走访", "补卡", "婚假", "丧假"])
KIND_P = [0.22, 0.14, 0.14, 0.1, 0.1, 0.16, 0.1, 0.02, 0.02]
AM_START, AM_END, PM_START, PM_END = 9 * 3600, 13 * 3600 + 600, 15 * 3600 + 600, 18 * 3600 + 2400
FIX_AT = 18 * 3600 + 2100   # 补卡 18:35


@dataclass
class Leave:
    """The leave frame and, per row, the staff index, workday index, span (0 day, 1 AM, 2 PM),
    extra days (multi-day 出差 / 年假) and kind — what the punches leave out."""
    frame: pd.DataFrame
    who: np.ndarray
    day: np.ndarray
    span: np.ndarray
    ndays: np.ndarray
    kind: np.ndarray

    def days_taken(self) -> np.ndarray:
        """Keys staff index × 64 + workday index of every workday a leave row touches."""
        reps = self.ndays.astype(np.int64) + 1
        first = np.repeat(self.who.astype(np.int64) * 64 + self.day, reps)
        later = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
        return np.unique(first + later)


def _s(seconds) -> np.timedelta64:
    return np.timedelta64(int(seconds), "s")


def _workdays64(wdays) -> np.ndarray:
    return np.array(wdays, dtype="datetime64[D]").astype("datetime64[s]") if len(wdays) else np.array([], "datetime64[s]")


def make(rng, ids: np.ndarray, wdays) -> Leave:
    S, D = len(ids), len(wdays)
    nL = max(2, int(rng.poisson(0.4 * S))) if D else 0
    l_emp = rng.integers(0, S, nL)
    l_day = rng.integers(0, D, nL) if D else np.array([], int)
    l_kind = KINDS[rng.choice(len(KINDS), nL, p=KIND_P)]
    span = rng.choice(3, nL, p=[0.5, 0.25, 0.25])  # 0 full day, 1 AM, 2 PM
    wd64 = _workdays64(wdays)
    day0 = wd64[l_day] if nL else np.array([], "datetime64[s]")
    s_off = np.where(span == 2, _s(PM_START), _s(AM_START))
    e_off = np.where(span == 1, _s(AM_END), _s(PM_END))
    l_start = day0 + s_off
    multi = (l_kind == "出差") | (l_kind == "年假")
    ndays = np.where(multi, rng.integers(1, 4, nL), 1) - 1
    l_end = day0 + ndays.astype("timedelta64[D]") + e_off
    fix = l_kind == "补卡"
    l_start = np.where(fix, day0 + _s(FIX_AT), l_start)
    frame = pd.DataFrame({"employee_id": ids[l_emp], "kind": l_kind,
                          "starts_at": l_start.astype("datetime64[ns]"),
                          "ends_at": pd.Series(l_end.astype("datetime64[ns]")).where(~fix)})
    return Leave(frame, l_emp, l_day, span, ndays, l_kind)


def with_outings(leave: pd.DataFrame, ids: np.ndarray, wdays, who, day, half) -> pd.DataFrame:
    """The half days out visiting (``who`` staff index, ``day`` workday index, ``half`` 0 AM / 1 PM)
    as 外出走访 rows after the others."""
    day0 = _workdays64(wdays)[day]
    rows = pd.DataFrame({
        "employee_id": ids[who], "kind": "外出走访",
        "starts_at": (day0 + np.where(half == 1, _s(PM_START), _s(AM_START))).astype("datetime64[ns]"),
        "ends_at": (day0 + np.where(half == 1, _s(PM_END), _s(AM_END))).astype("datetime64[ns]")})
    return pd.concat([leave, rows], ignore_index=True)


def files(lv: pd.DataFrame, layout: Layout) -> None:
    layout.add("请假外出", "请假外出", [
        ("工号", *col_text(lv["employee_id"])), ("类型", *col_text(lv["kind"])),
        ("开始时间", *col_excel_date(lv["starts_at"], "datetime")),
        ("结束时间", *col_excel_date(lv["ends_at"], "datetime"))])
