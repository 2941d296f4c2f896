"""WorkCalendar (SPEC §2.1): 日历 sheet first, then chinese_calendar, never a silent guess."""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from kehu.compute.calendar import CalendarError, WorkCalendar
from kehu.month import Month
from kehu.rules import load_rules

RULES = load_rules()


def overrides(*rows) -> pd.DataFrame:
    """日历 rows (date text, 工作日/休息日, note) as the loader types them."""
    return pd.DataFrame({
        "date": pd.to_datetime([r[0] for r in rows]).astype("datetime64[ns]"),
        "kind": pd.Series([r[1] for r in rows], dtype=object),
        "note": pd.Series([r[2] if len(r) > 2 else None for r in rows], dtype=object),
        "_file": "日历.xlsx", "_sheet": "日历", "_row": list(range(2, len(rows) + 2)),
    })


def month_of_weekdays(year: int, month: int) -> pd.DataFrame:
    """A full 日历 sheet for a month: Monday–Friday 工作日, weekends 休息日."""
    m = Month(year, month)
    days = pd.date_range(m.first_day, m.last_day)
    return overrides(*[(str(d.date()), "工作日" if d.weekday() < 5 else "休息日") for d in days])


def test_official_schedule_national_day_2026():
    cal = WorkCalendar(None, RULES)
    assert not cal.is_workday(date(2026, 10, 1))        # 国庆节 (Thursday)
    assert cal.is_workday(date(2026, 10, 10))           # Saturday 调休 makeup day
    assert not cal.is_workday(date(2026, 10, 11))       # plain Sunday
    assert cal.workdays(date(2026, 10, 1), date(2026, 10, 11)) == [
        date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10)]


def test_accepts_datetime_and_timestamp():
    cal = WorkCalendar(pd.DataFrame(), RULES)
    assert cal.is_workday(pd.Timestamp("2026-10-08 09:30"))
    assert not cal.is_workday(datetime(2026, 10, 3, 12, 0))


def test_uncovered_year_is_an_error_naming_it():
    cal = WorkCalendar(None, RULES)
    with pytest.raises(CalendarError) as caught:
        cal.is_workday(date(2031, 3, 3))
    assert caught.value.year == 2031
    assert "2031" in str(caught.value) and "日历" in str(caught.value)


def test_check_month_lists_the_missing_days():
    with pytest.raises(CalendarError) as caught:
        WorkCalendar(None, RULES).check_month(Month(2031, 3))
    assert caught.value.year == 2031
    assert len(caught.value.missing) == 31


def test_partial_override_still_an_error():
    cal = WorkCalendar(overrides(("2031-03-03", "工作日")), RULES)
    assert cal.is_workday(date(2031, 3, 3))
    with pytest.raises(CalendarError) as caught:
        cal.check_month(Month(2031, 3))
    assert len(caught.value.missing) == 30
    assert cal.uncovered(date(2031, 3, 1), date(2031, 3, 3)) == [date(2031, 3, 1), date(2031, 3, 2)]


def test_full_override_makes_the_year_work():
    cal = WorkCalendar(month_of_weekdays(2031, 3), RULES)
    cal.check_month(Month(2031, 3))
    # March 2031: the 1st is a Saturday → 21 weekdays
    assert len(cal.workdays(date(2031, 3, 1), date(2031, 3, 31))) == 21


def test_override_beats_official_schedule():
    cal = WorkCalendar(overrides(("2026-10-08", "休息日", "单位活动"), ("2026-10-11", "工作日")), RULES)
    assert not cal.is_workday(date(2026, 10, 8))
    assert cal.is_workday(date(2026, 10, 11))


def test_weekday_fallback_only_when_configured():
    rules = {**RULES, "calendar": {"weekday_fallback": True}}
    cal = WorkCalendar(None, rules)
    assert cal.is_workday(date(2031, 3, 3))             # Monday
    assert not cal.is_workday(date(2031, 3, 1))         # Saturday
    cal.check_month(Month(2031, 3))


def test_years_before_the_official_data_are_errors_too():
    with pytest.raises(CalendarError) as caught:
        WorkCalendar(None, RULES).is_workday(date(2003, 5, 1))
    assert caught.value.year == 2003


def test_holidays_are_named_in_chinese():
    cal = WorkCalendar(None, RULES)
    found = dict(cal.holidays(date(2026, 9, 24), date(2026, 10, 11)))
    assert found[date(2026, 9, 25)] == "中秋节"
    assert found[date(2026, 10, 1)] == "国庆节"
    assert date(2026, 10, 10) not in found               # makeup workday
    assert date(2026, 10, 11) not in found               # plain weekend


def test_holidays_from_calendar_notes_and_uncovered_years_skipped():
    cal = WorkCalendar(overrides(("2031-01-01", "休息日", "元旦")), RULES)
    assert cal.holidays(date(2031, 1, 1), date(2031, 1, 3)) == [(date(2031, 1, 1), "元旦")]
