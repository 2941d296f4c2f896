"""The four festivals of key-person care and the birthdays of a month, and when each greeting goes out.

Seed 000 (3、集团客户关键人服务工作): "集团客户经理在节假日可以通过电话、短信方式对
集团关键人进行节日问候;节假日为:元旦、春节、端午、中秋" and "集团关键人生日时可以
采用短信问候". 元旦 is 1 January; the other three are lunar dates (正月初一,
五月初五, 八月十五) converted with ``lunardate`` (1900–2099), which, unlike
``chinese_calendar``, is not limited to the years the State Council has
published.
"""
from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass
from datetime import date, timedelta

from lunardate import LunarDate

from kehu.month import Month

# (name, lunar month, lunar day); 元旦 (lunar month None) is solar 1 January.
FESTIVALS = (
    ("元旦", None, 1),
    ("春节", 1, 1),
    ("端午节", 5, 5),
    ("中秋节", 8, 15),
)


@dataclass(frozen=True)
class Festival:
    name: str
    day: date


def festival_day(name: str, year: int) -> date:
    """Gregorian date of festival ``name`` in Gregorian ``year``.

    The lunar festivals of Gregorian year Y all belong to lunar year Y
    (春节 falls between 21 January and 20 February).
    """
    for festival, lunar_month, lunar_day in FESTIVALS:
        if festival == name:
            if lunar_month is None:
                return date(year, 1, lunar_day)
            return _lunar_to_solar(year, lunar_month, lunar_day)
    raise KeyError(name)


def _lunar_to_solar(year: int, month: int, day: int) -> date:
    try:
        lunar = LunarDate(year, month, day)
    except ValueError as exc:
        raise ValueError(f"农历换算只支持 1900–2099 年,无法计算 {year} 年的节日: {exc}") from None
    convert = getattr(lunar, "to_solar_date", None) or lunar.toSolarDate
    return convert()


def festivals_in(month: Month) -> list[Festival]:
    """The festivals whose day falls in ``month``, in date order."""
    found = []
    for name, _lunar_month, _lunar_day in FESTIVALS:
        day = festival_day(name, month.year)
        if (day.year, day.month) == (month.year, month.month):
            found.append(Festival(name, day))
    return sorted(found, key=lambda f: f.day)


def birthday_in(month: Month, born: date) -> date | None:
    """This year's birthday when it falls in ``month``; 29 Feb → 28 Feb in a common year."""
    if born.month != month.month:
        return None
    last = _cal.monthrange(month.year, month.month)[1]
    return date(month.year, month.month, min(born.day, last))


def festival_send_day(festival: Festival, rules: dict) -> date:
    """When a festival's greeting goes out: ``greetings.festival_days_before`` days before it."""
    return festival.day - timedelta(days=rules["greetings"]["festival_days_before"])
