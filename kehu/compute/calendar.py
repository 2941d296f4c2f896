"""Which days are workdays (SPEC §2.1).

A date is a workday if the clerk's 日历 sheet says so; otherwise by China's
official schedule (statutory holidays off, 调休 makeup weekend days on) from
the ``chinese_calendar`` package; otherwise — only when the rules file sets
``calendar.weekday_fallback = true`` — Monday to Friday. A day neither source
covers is a ``CalendarError`` naming the year: never a silent guess.

Seed 004 考勤制度 (1、上班时间) fixes the working hours of a workday; which days
are workdays is the state's schedule, which this module supplies.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Iterable

import chinese_calendar
import pandas as pd

from kehu.compute.statutory import FIRST_YEAR, LAST_YEAR
from kehu.month import Month

WORKDAY_KIND = "工作日"
RESTDAY_KIND = "休息日"

# chinese_calendar names its holidays in English; the department reads Chinese.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


class CalendarError(Exception):
    """A day that neither the 日历 sheet nor the official schedule covers (SPEC §2.1).

    ``year`` is the year of the first uncovered day; ``missing`` lists the
    uncovered days that were asked for.
    """

    def __init__(self, year: int, missing: Iterable[date] = ()):
        self.year = year
        self.missing = tuple(missing)
        super().__init__(self._message())

    def _message(self) -> str:
        days = ""
        if self.missing:
            first, last = self.missing[0], self.missing[-1]
            days = f"(缺 {first:%Y-%m-%d}" + (f" 至 {last:%Y-%m-%d} 共 {len(self.missing)} 天)" if last != first else ")")
        return (f"内置的国家法定节假日安排不含 {self.year} 年{days},无法判断哪些天是工作日。"
                f"请在输入文件夹中加入「日历」工作表(列:日期、类型 工作日/休息日、说明),"
                f"逐日列出 {self.year} 年本月的每一天后重新运行。" + self._hint())

    def _hint(self) -> str:
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            return ""
        return (f"可以用 kehu init 输入文件夹 --calendar {self.year} 生成全年的日历表，"
                "对照国务院的放假通知核对后使用。")


def as_date(value) -> date:
    """A date, datetime, pandas Timestamp or numpy datetime64 → ``datetime.date``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


def days_between(start: date, end: date) -> list[date]:
    """Every calendar day from ``start`` to ``end``, both included."""
    start, end = as_date(start), as_date(end)
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def official_workday(d: date) -> bool | None:
    """China's official schedule for ``d``; None for a year chinese_calendar lacks."""
    try:
        return bool(chinese_calendar.is_workday(d))
    except NotImplementedError:
        return None


def official_holiday_name(d: date) -> str | None:
    """The Chinese name of the statutory holiday on rest day ``d``, if any."""
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(d)
    except NotImplementedError:
        return None
    if not on_holiday or not name:
        return None
    return HOLIDAY_NAMES.get(name, name)


class WorkCalendar:
    """Workdays from the 日历 sheet, then chinese_calendar, then (opt-in) Mon–Fri.

    ``overrides`` is the typed 日历 frame (``date`` datetime64, ``kind``
    工作日/休息日, ``note``), possibly empty or None; ``rules`` the effective
    rules dict (only ``calendar.weekday_fallback`` is read).
    """

    def __init__(self, overrides: pd.DataFrame | None = None, rules: dict | None = None):
        self._kind, self._note = _read_overrides(overrides)
        self._fallback = bool(((rules or {}).get("calendar") or {}).get("weekday_fallback", False))
        self._cache: dict[date, bool | None] = {}

    def is_workday(self, d) -> bool:
        """True on a workday; CalendarError when no source covers ``d`` (SPEC §2.1)."""
        d = as_date(d)
        known = self._known(d)
        if known is None:
            raise CalendarError(d.year, [d])
        return known

    def workdays(self, start, end) -> list[date]:
        """The workdays from ``start`` to ``end`` inclusive; CalendarError if any day is uncovered."""
        days = days_between(start, end)
        self._check(days)
        return [d for d in days if self._known(d)]

    def check_month(self, month: Month) -> None:
        """Raise CalendarError when a day of ``month`` is covered by no source."""
        self._check(days_between(month.first_day, month.last_day))

    def uncovered(self, start, end) -> list[date]:
        """The days from ``start`` to ``end`` that no source covers (empty when all are)."""
        return [d for d in days_between(start, end) if self._known(d) is None]

    def holidays(self, start, end) -> list[tuple[date, str]]:
        """Named rest days from ``start`` to ``end``: (date, name), in date order.

        A 日历 休息日 row with a 说明 names its day; otherwise the official
        statutory holiday name (元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节).
        Plain weekends are not listed. Days in years neither source covers are
        simply absent (listing holidays is informational, never a workday guess).
        """
        found = []
        for d in days_between(start, end):
            name = self._holiday_name(d)
            if name:
                found.append((d, name))
        return found

    def _check(self, days: list[date]) -> None:
        missing = [d for d in days if self._known(d) is None]
        if missing:
            raise CalendarError(missing[0].year, [d for d in missing if d.year == missing[0].year])

    def _known(self, d: date) -> bool | None:
        if d in self._kind:
            return self._kind[d]
        if d not in self._cache:
            self._cache[d] = self._official_or_fallback(d)
        return self._cache[d]

    def _official_or_fallback(self, d: date) -> bool | None:
        official = official_workday(d)
        if official is None and self._fallback:
            return d.weekday() < 5
        return official

    def _holiday_name(self, d: date) -> str | None:
        if d in self._kind:
            return None if self._kind[d] else (self._note.get(d) or official_holiday_name(d))
        return official_holiday_name(d)


def _read_overrides(frame: pd.DataFrame | None) -> tuple[dict[date, bool], dict[date, str]]:
    """日历 rows → ({date: is_workday}, {date: note})."""
    if frame is None or len(frame) == 0 or "date" not in frame or "kind" not in frame:
        return {}, {}
    rows = frame.dropna(subset=["date", "kind"])
    notes = rows["note"] if "note" in rows else pd.Series([None] * len(rows), index=rows.index)
    kind, note = {}, {}
    for d, k, n in zip(rows["date"], rows["kind"], notes):
        day = as_date(d)
        kind[day] = str(k).strip() == WORKDAY_KIND
        if isinstance(n, str) and n.strip():
            note[day] = n.strip()
    return kind, note
