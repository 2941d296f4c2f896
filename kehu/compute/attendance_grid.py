"""The attendance month as a grid (SPEC §2.2–2.3): the work schedule of each day, and one *session*
per (employee, day, half) with its bounds, addressed by the integer key
``(employee_code * days + day) * 2 + half`` (half 0 = AM, 1 = PM); times are integer minutes since
00:00 of the month's first day. The schedule is seed 004 考勤制度 1、上班时间 — 夏季 上午9:20—12:30
下午15:20—18:30; 冬季 上午9:50—13:00 下午15:20—18:30 — as the rules' ``[schedule]`` states it.
The engine that fills the grid with punches and leave is kehu/compute/attendance.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from kehu.compute.calendar import WorkCalendar
from kehu.month import Month

DAY_MINUTES = 1440


# ---------------------------------------------------------------------------
# Who is assessed, and when (SPEC §2.2, §9.7): kehu.roster

def _date_column(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    return pd.to_datetime(frame[column])


def clock_minutes(text: str) -> int:
    """'09:50' → 590 (minutes after midnight)."""
    hours, minutes = str(text).split(":")
    return int(hours) * 60 + int(minutes)


def season_of(day: date, schedule: dict) -> dict:
    """The ``[schedule.*]`` season whose MM-DD range (inclusive, may wrap the year) holds ``day``
    (seed 004 考勤制度 1、上班时间: 夏季 / 冬季)."""
    md = f"{day:%m-%d}"
    for season in schedule.values():
        start, end = season["from"], season["to"]
        inside = start <= md <= end if start <= end else (md >= start or md <= end)
        if inside:
            return season
    raise ValueError(f"规则 [schedule] 的季节没有覆盖 {md},请检查 from/to")


def session_times(day: date, schedule: dict) -> tuple[int, int, int, int]:
    """(AM start, AM end, PM start, PM end) of ``day`` in minutes after midnight."""
    season = season_of(day, schedule)
    return (*(clock_minutes(t) for t in season["am"]), *(clock_minutes(t) for t in season["pm"]))


def session_boundary(am_end: int, pm_start: int) -> int:
    """Boundary B between AM and PM punches: the midpoint of AM end and PM start,
    rounded down to a minute (summer 13:55, winter 14:10; SPEC §2.3.1)."""
    return (am_end + pm_start) // 2


# ---------------------------------------------------------------------------
# The month grid

@dataclass
class MonthGrid:
    """Days of the month × assessed employees, with per-day session times."""
    month: Month
    ids: np.ndarray            # employee_id per employee code
    workday: np.ndarray        # bool per day index
    times: np.ndarray          # (days, 4) minutes after midnight: AM start/end, PM start/end
    boundary: np.ndarray       # B per day, minutes after midnight
    hired: np.ndarray          # first employed day index per employee code
    left: np.ndarray           # last employed day index per employee code

    @property
    def days(self) -> int:
        return len(self.workday)

    @property
    def size(self) -> int:
        return len(self.ids) * self.days * 2

    def codes(self, employee_ids: pd.Series) -> np.ndarray:
        """Employee code per id; -1 for ids not assessed."""
        return pd.Index(self.ids).get_indexer(employee_ids.astype(object))

    def checked(self, codes: np.ndarray, days: np.ndarray) -> np.ndarray:
        """True where (employee, day) is a workday inside the employment (SPEC §2.2)."""
        inside = (codes >= 0) & (days >= 0) & (days < self.days)
        c, d = np.where(inside, codes, 0), np.clip(days, 0, self.days - 1)
        return inside & self.workday[d] & (self.hired[c] <= d) & (d <= self.left[c])


def month_grid(assessed: pd.DataFrame, month: Month, rules: dict, calendar: WorkCalendar) -> MonthGrid:
    """The grid of ``month``; raises CalendarError when a day is not covered (SPEC §2.1)."""
    days = [month.first_day + timedelta(days=i) for i in range(month.last_day.day)]
    workdays = set(calendar.workdays(month.first_day, month.last_day))
    times = np.array([session_times(d, rules["schedule"]) for d in days], dtype=np.int64)
    hired = _day_index(_date_column(assessed, "hired_on"), month, default=0)
    left = _day_index(_date_column(assessed, "left_on"), month, default=len(days) - 1)
    return MonthGrid(month, assessed["employee_id"].astype(object).to_numpy(),
                     np.array([d in workdays for d in days]), times,
                     session_boundary(times[:, 1], times[:, 2]), hired, left)


def _day_index(dates: pd.Series, month: Month, default: int) -> np.ndarray:
    offset = (dates - pd.Timestamp(month.first_day)).dt.days
    return offset.fillna(default).to_numpy(dtype=np.int64)


def month_minutes(values: pd.Series, month: Month) -> np.ndarray:
    """Datetimes → integer minutes since 00:00 of the month's first day (seconds dropped)."""
    minutes = pd.to_datetime(values).to_numpy(dtype="datetime64[m]")
    return (minutes - np.datetime64(month.first_day, "m")).astype(np.int64)


@dataclass
class Sessions:
    """Dense per-session arrays indexed by session key (see module docstring)."""
    start: np.ndarray          # effective start, minutes since month start
    end: np.ndarray            # effective end
    checked: np.ndarray        # a workday inside the employment
    excused: np.ndarray        # fully covered by leave
    first: np.ndarray          # earliest punch (valid where punched)
    last: np.ndarray           # latest punch
    punched: np.ndarray        # at least one punch


def session_grid(grid: MonthGrid) -> Sessions:
    """Every (employee, day, half) session with its scheduled bounds and no punches yet."""
    key = np.arange(grid.size)
    code, day, half = key // (2 * grid.days), (key // 2) % grid.days, key % 2
    start = day * DAY_MINUTES + grid.times[day, 2 * half]
    end = day * DAY_MINUTES + grid.times[day, 2 * half + 1]
    empty = np.zeros(grid.size, dtype=np.int64)
    return Sessions(start, end, grid.checked(code, day), np.zeros(grid.size, bool),
                    empty, empty.copy(), np.zeros(grid.size, bool))
