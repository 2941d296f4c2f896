"""A year's statutory days off by 《全国年节及纪念日放假办法》 — for a year no package knows (issue 17).

In January 2027 no calendar package has the State Council's 2027 schedule (its 调休 is
announced late each year). What the 办法 itself fixes can be computed for any year:

- 第二条 (全体公民放假的节日), as amended — 2008 version: 元旦 1 January; 春节 除夕, 正月初一、初二;
  清明节 (the solar term); 劳动节 1 May; 端午节 五月初五; 中秋节 八月十五; 国庆节 1–3 October.
  2013 version (from 2014): 春节 正月初一至初三. 2024 version (from 2025): 春节 除夕 and
  正月初一至初三; 劳动节 1 and 2 May.
- 第六条: "全体公民放假的假日，如果适逢星期六、星期日，应当在工作日补假" — a statutory day on a
  weekend (or two festivals on one day, as 中秋 and 国庆 in 2020) gives a 补休 on the next
  weekday that is no statutory day.

What it cannot fix are the 调休 working weekends and the days off they buy: the clerk adds
those from the State Council notice (国务院办公厅关于20XX年部分节假日安排的通知). The 清明
date is the moment the Sun's apparent longitude reaches 15° (Meeus, *Astronomical
Algorithms*, ch. 25, low accuracy: ~0.01°, minutes of time), in Beijing time. The lunar
dates come from ``lunardate`` (1900–2099).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lunardate import LunarDate

FIRST_YEAR, LAST_YEAR = 2008, 2099      # the 2007 amendment's first year; lunardate's last
QINGMING_LONGITUDE = 15.0               # degrees of the Sun's apparent ecliptic longitude
J2000 = datetime(2000, 1, 1, 12)        # Julian day 2451545.0
BEIJING = timedelta(hours=8)
WEEKEND = (5, 6)                        # Saturday, Sunday
COMPENSATION = "补休"


@dataclass(frozen=True)
class StatutoryDay:
    """A day off the 办法 gives: ``name`` the festival (元旦 … 国庆节), ``detail`` 除夕 / 初一 / 补休."""
    day: date
    name: str
    detail: str = ""

    @property
    def note(self) -> str:
        """The 日历 sheet's 说明: 春节（除夕）, 清明节（补休）, 国庆节."""
        return f"{self.name}（{self.detail}）" if self.detail else self.name


class YearOutOfRange(ValueError):
    """A year before the 2007 amendment or past lunardate's table."""


def statutory_days(year: int) -> list[StatutoryDay]:
    """Every statutory day off of ``year`` (第二条 and 第六条 补休), in date order."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise YearOutOfRange(f"只能推算 {FIRST_YEAR}–{LAST_YEAR} 年的法定节假日（{year} 年不在此范围）。")
    festivals = festival_days(year)
    return sorted(festivals + compensation_days(festivals), key=lambda s: (s.day, s.name))


def festival_days(year: int) -> list[StatutoryDay]:
    """第二条: the festivals' own days, by the version of the 办法 in force in ``year``."""
    return [StatutoryDay(date(year, 1, 1), "元旦"), *spring_festival(year),
            StatutoryDay(qingming(year), "清明节"), *labour_day(year),
            StatutoryDay(lunar(year, 5, 5), "端午节"), StatutoryDay(lunar(year, 8, 15), "中秋节"),
            *(StatutoryDay(date(year, 10, d), "国庆节") for d in (1, 2, 3))]


def spring_festival(year: int) -> list[StatutoryDay]:
    """春节: 除夕 + 初一、初二 (2008–2013); 初一至初三 (2014–2024); 除夕 + 初一至初三 (from 2025)."""
    first = lunar(year, 1, 1)
    days = [StatutoryDay(first + timedelta(days=i), "春节", label) for i, label in enumerate(("初一", "初二", "初三"))]
    eve = StatutoryDay(first - timedelta(days=1), "春节", "除夕")
    if year <= 2013:
        return [eve, *days[:2]]
    return days if year <= 2024 else [eve, *days]


def labour_day(year: int) -> list[StatutoryDay]:
    """劳动节: 1 May; 1 and 2 May from 2025 (2024 amendment)."""
    return [StatutoryDay(date(year, 5, d), "劳动节") for d in ((1,) if year <= 2024 else (1, 2))]


def compensation_days(festivals: list[StatutoryDay]) -> list[StatutoryDay]:
    """第六条 补假: each festival day lost to a weekend, or to a second festival on the same day,
    gives the next weekday that is neither a festival day nor already a 补休."""
    taken = {f.day for f in festivals}
    seen: set[date] = set()
    out = []
    for f in sorted(festivals, key=lambda s: s.day):
        lost = f.day.weekday() in WEEKEND or f.day in seen
        seen.add(f.day)
        if lost:
            day = _next_free_weekday(f.day, taken)
            taken.add(day)
            out.append(StatutoryDay(day, f.name, COMPENSATION))
    return out


def _next_free_weekday(after: date, taken: set[date]) -> date:
    day = after + timedelta(days=1)
    while day.weekday() in WEEKEND or day in taken:
        day += timedelta(days=1)
    return day


def lunar(year: int, month: int, day: int) -> date:
    """The Gregorian date of lunar ``month``/``day`` of lunar year ``year`` (not a leap month)."""
    return LunarDate(year, month, day).to_solar_date()


# -- 清明: the Sun at apparent longitude 15° -----------------------------------------------------

def qingming(year: int) -> date:
    """The date (Beijing time) of the solar term 清明 in ``year`` (4–6 April)."""
    return solar_term_moment(year, QINGMING_LONGITUDE, datetime(year, 4, 5)).date()


def solar_term_moment(year: int, longitude: float, near: datetime) -> datetime:
    """Beijing time at which the Sun's apparent longitude is ``longitude``, found from ``near``
    by Newton steps (the Sun moves ~360° per tropical year)."""
    jde = _julian_day(near) + delta_t(year) / 86400
    for _ in range(8):
        jde += _angle_between(sun_longitude(jde), longitude) * 365.2422 / 360
    return J2000 + timedelta(days=jde - 2451545.0 - delta_t(year) / 86400) + BEIJING


def sun_longitude(jde: float) -> float:
    """The Sun's apparent ecliptic longitude in degrees at Julian Ephemeris Day ``jde``
    (Meeus ch. 25: geometric mean longitude, equation of centre, nutation and aberration)."""
    t = (jde - 2451545.0) / 36525
    mean = 280.46646 + 36000.76983 * t + 0.0003032 * t * t
    anomaly = math.radians(357.52911 + 35999.05029 * t - 0.0001537 * t * t)
    centre = ((1.914602 - 0.004817 * t - 0.000014 * t * t) * math.sin(anomaly)
              + (0.019993 - 0.000101 * t) * math.sin(2 * anomaly) + 0.000289 * math.sin(3 * anomaly))
    node = math.radians(125.04 - 1934.136 * t)
    return (mean + centre - 0.00569 - 0.00478 * math.sin(node)) % 360


def delta_t(year: int) -> float:
    """TT − UT in seconds (Espenak & Meeus polynomials; about a minute now)."""
    if year < 2050:
        t = year - 2000
        return 62.92 + 0.32217 * t + 0.005589 * t * t
    return -20 + 32 * ((year - 1820) / 100) ** 2 - 0.5628 * (2150 - year)


def _julian_day(moment: datetime) -> float:
    return (moment - J2000).total_seconds() / 86400 + 2451545.0


def _angle_between(current: float, wanted: float) -> float:
    """``wanted − current`` in degrees, in (−180, 180]."""
    return (wanted - current + 180) % 360 - 180
