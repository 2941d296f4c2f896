"""The statutory days of 《全国年节及纪念日放假办法》 computed for any year (issue 17 item 4)."""
from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from kehu.compute.calendar import HOLIDAY_NAMES
from kehu.compute.statutory import (FIRST_YEAR, LAST_YEAR, YearOutOfRange, compensation_days, festival_days,
                                    qingming, statutory_days)

# 清明 of 2000–2030 (Purple Mountain Observatory / HKO almanac dates, Beijing time)
QINGMING = {2000: 4, 2001: 5, 2002: 5, 2003: 5, 2004: 4, 2005: 5, 2006: 5, 2007: 5, 2008: 4, 2009: 4,
            2010: 5, 2011: 5, 2012: 4, 2013: 4, 2014: 5, 2015: 5, 2016: 4, 2017: 4, 2018: 5, 2019: 5,
            2020: 4, 2021: 4, 2022: 5, 2023: 5, 2024: 4, 2025: 4, 2026: 5, 2027: 5, 2028: 4, 2029: 4,
            2030: 5}


@pytest.mark.parametrize("year", sorted(QINGMING))
def test_qingming_2000_to_2030(year):
    assert qingming(year) == date(year, 4, QINGMING[year])


def test_qingming_agrees_with_chinese_calendar_1901_to_2099():
    # chinese_calendar's solar terms come from a different method (a fitted formula with a table
    # of exceptions): the two agreeing over two centuries is a check on both
    for year in range(1901, 2100):
        terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
        assert qingming(year) == next(d for d, name in terms if name == "清明"), year


def test_the_2024_amendment_from_2025():
    names = lambda year: [(s.day, s.note) for s in festival_days(year) if s.name in ("春节", "劳动节")]
    # 2025: 除夕 1-28 and 正月初一至初三; 劳动节 5-1 and 5-2
    assert names(2025) == [(date(2025, 1, 28), "春节（除夕）"), (date(2025, 1, 29), "春节（初一）"),
                           (date(2025, 1, 30), "春节（初二）"), (date(2025, 1, 31), "春节（初三）"),
                           (date(2025, 5, 1), "劳动节"), (date(2025, 5, 2), "劳动节")]
    # 2024 (2013 version): 正月初一至初三, 劳动节 5-1 only; 2013 (2007 version): 除夕, 初一, 初二
    assert [d for d, _ in names(2024)] == [date(2024, 2, 10), date(2024, 2, 11), date(2024, 2, 12), date(2024, 5, 1)]
    assert [n for _, n in names(2013)][:3] == ["春节（除夕）", "春节（初一）", "春节（初二）"]


def test_a_festival_on_a_weekend_gives_the_next_free_weekday():
    # 2026: 清明 Sunday 4-5 → Monday 4-6; 劳动节 5-1 Fri, 5-2 Sat → Monday 5-4; 国庆 10-3 Sat → Monday 10-5
    made = [(s.day, s.note) for s in compensation_days(festival_days(2026))]
    assert made == [(date(2026, 4, 6), "清明节（补休）"), (date(2026, 5, 4), "劳动节（补休）"),
                    (date(2026, 10, 5), "国庆节（补休）")]


def test_two_festivals_on_one_day_give_a_day_too():
    # 2020: 中秋 = 国庆 on Thursday 10-1, and 10-3 is a Saturday: two 补休, 10-5 and 10-6
    made = [s.day for s in compensation_days(festival_days(2020)) if s.day.month == 10]
    assert made == [date(2020, 10, 5), date(2020, 10, 6)]


def _official(day: date) -> tuple[bool, str | None]:
    """(rest day, festival name in Chinese) by chinese_calendar."""
    _, name = chinese_calendar.get_holiday_detail(day)
    return not chinese_calendar.is_workday(day), HOLIDAY_NAMES.get(name, name)


def _adjusted(day: date) -> bool:
    """A 调休 day: a weekend made a workday, or a weekday given off in exchange (in lieu)."""
    return chinese_calendar.is_in_lieu(day) or (day.weekday() >= 5 and chinese_calendar.is_workday(day))


def _disagreements(year: int) -> list:
    mine: dict[date, set] = {}
    for s in statutory_days(year):
        mine.setdefault(s.day, set()).add(s.name)
    out, day = [], date(year, 1, 1)
    while day.year == year:
        if not _adjusted(day):
            rest, name = _official(day)
            my_rest = day.weekday() >= 5 or day in mine
            if my_rest != rest or (day in mine and day.weekday() < 5 and name not in mine[day]):
                out.append(day)
        day += timedelta(days=1)
    return out


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_the_computed_year_agrees_with_the_official_schedule_but_for_its_tiaoxiu(year):
    # every day but the 调休 ones: weekends rest, each statutory day (and each 补休) rest and
    # named as the State Council named it, every other weekday a workday
    assert _disagreements(year) == []


def test_earlier_years_differ_only_where_the_state_council_gave_more():
    # 除夕 given off (2015–2022) before the 2024 amendment made it statutory; the 2020 epidemic
    # extension; 中秋 补休 placed by the notice, not by 第六条's next weekday; 2015's 抗战 day
    extra = {date(2009, 10, 5), date(2012, 6, 22), date(2012, 6, 25), date(2012, 10, 4), date(2015, 2, 18),
             date(2015, 9, 3), date(2015, 9, 28), date(2015, 10, 6), date(2017, 1, 27), date(2018, 2, 15),
             date(2020, 1, 24), date(2020, 1, 30), date(2020, 1, 31), date(2021, 2, 11), date(2022, 1, 31)}
    found = {d for year in range(FIRST_YEAR, 2024) for d in _disagreements(year)}
    assert found == extra


@pytest.mark.parametrize("year", [FIRST_YEAR - 1, LAST_YEAR + 1])
def test_years_outside_the_rules_are_refused(year):
    with pytest.raises(YearOutOfRange):
        statutory_days(year)
