"""``kehu init DIR --calendar YEAR``: a 日历 workbook for a year no package knows (issue 17 item 4).

Every day of the year, 类型 工作日 / 休息日 from the weekends and the statutory days of
《全国年节及纪念日放假办法》 (kehu.compute.statutory), 说明 naming the holiday, 核对状态 待核对
on every row; a title line and a 填写说明 sheet tell the clerk to correct it from the State
Council's notice (国务院办公厅关于20XX年部分节假日安排的通知) — the 调休 working weekends and
the days off they buy — and then mark the rows 已核对. kehu refuses a month still 待核对
(kehu.validate.calendar_review). A year chinese-calendar already knows is refused: its
official schedule, 调休 included, is better than any computed one, and a 日历 sheet would
override it.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import xlsxwriter

from kehu.compute.calendar import RESTDAY_KIND, WORKDAY_KIND, official_workday
from kehu.compute.statutory import WEEKEND, statutory_days
from kehu.schema import CALENDAR, CALENDAR_KINDS, CALENDAR_REVIEWED, CALENDAR_UNREVIEWED

WEEKDAYS = "一二三四五六日"
HEADER = ("日期", "星期", "类型", "说明", "核对状态")      # 星期 is extra: kept and ignored by the loader


class CalendarYearKnown(ValueError):
    """The year is in chinese-calendar: kehu uses the official schedule without any 日历 sheet."""


def calendar_file_name(year: int) -> str:
    return f"{CALENDAR.name}_{year}.xlsx"


def year_rows(year: int) -> list[tuple[date, str, str]]:
    """(day, 工作日/休息日, 说明) for every day of ``year``: weekends and statutory days off."""
    notes: dict[date, list[str]] = {}
    for s in statutory_days(year):
        notes.setdefault(s.day, []).append(s.note)
    rows, day = [], date(year, 1, 1)
    while day.year == year:
        rest = day.weekday() in WEEKEND or day in notes
        rows.append((day, RESTDAY_KIND if rest else WORKDAY_KIND, "、".join(notes.get(day, []))))
        day += timedelta(days=1)
    return rows


def write_year_calendar(directory: Path, year: int) -> Path:
    """``directory``/日历_YEAR.xlsx; FileExistsError if it is there, CalendarYearKnown for a known year."""
    if official_workday(date(year, 6, 1)) is not None:
        raise CalendarYearKnown(
            f"kehu 已内置 {year} 年的国务院节假日安排（含调休），不需要日历表：日历表会覆盖内置安排。"
            f"如果单位有个别日期与国家安排不同，只在日历表中列出这些日期即可。")
    rows = year_rows(year)                     # YearOutOfRange before anything is written
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / calendar_file_name(year)
    if path.exists():
        raise FileExistsError(f"{path} 已存在，未覆盖。请换一个文件夹，或先移走该文件。")
    _write(path, year, rows)
    return path


def _write(path: Path, year: int, rows: list) -> None:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"title": f"{CALENDAR.name} {year}", "created": datetime(year - 1, 12, 1)})
    formats = _formats(wb)
    ws = wb.add_worksheet(CALENDAR.name)
    ws.merge_range(0, 0, 0, len(HEADER) - 1, _title(year), formats["title"])
    ws.set_row(0, 48)
    ws.write_row(1, 0, HEADER, formats["head"])
    for i, (day, kind, note) in enumerate(rows, start=2):
        ws.write_datetime(i, 0, datetime(day.year, day.month, day.day), formats["date"])
        ws.write_string(i, 1, f"星期{WEEKDAYS[day.weekday()]}")
        ws.write_string(i, 2, kind)
        if note:
            ws.write_string(i, 3, note)
        ws.write_string(i, 4, CALENDAR_UNREVIEWED)
    last = len(rows) + 1
    ws.data_validation(2, 2, last, 2, _dropdown("类型", CALENDAR_KINDS))
    ws.data_validation(2, 4, last, 4, _dropdown("核对状态", (CALENDAR_UNREVIEWED, CALENDAR_REVIEWED)))
    ws.conditional_format(2, 0, last, len(HEADER) - 1, {"type": "formula", "criteria": f'=$C3="{RESTDAY_KIND}"',
                                                        "format": formats["rest"]})
    ws.conditional_format(2, 4, last, 4, {"type": "cell", "criteria": "==", "value": f'"{CALENDAR_UNREVIEWED}"',
                                          "format": formats["todo"]})
    ws.set_column(0, 0, 12)
    ws.set_column(1, 2, 8)
    ws.set_column(3, 3, 22)
    ws.set_column(4, 4, 10)
    ws.freeze_panes(2, 0)
    ws.autofilter(1, 0, last, len(HEADER) - 1)
    _instructions(wb, year, formats)
    wb.close()


def _formats(wb) -> dict:
    return {"title": wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "font_color": "#C00000"}),
            "head": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
            "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
            "rest": wb.add_format({"bg_color": "#F2F2F2"}),
            "todo": wb.add_format({"font_color": "#C00000"}),
            "wrap": wb.add_format({"text_wrap": True, "valign": "top"})}


def _dropdown(name: str, choices) -> dict:
    return {"validate": "list", "source": list(choices), "error_title": name,
            "error_message": f"请从下拉列表中选择：{'、'.join(choices)}"}


def _title(year: int) -> str:
    return (f"{year} 年日历（kehu 按《全国年节及纪念日放假办法》推算，不含调休）——使用前请对照《国务院办公厅关于"
            f"{year}年部分节假日安排的通知》逐日核对，核对完一个月就把该月各行的「核对状态」改为「{CALENDAR_REVIEWED}」。"
            f"「{CALENDAR_UNREVIEWED}」的月份 kehu 不计算。")


def _instructions(wb, year: int, formats: dict) -> None:
    ws = wb.add_worksheet("填写说明")
    ws.set_column(0, 0, 100)
    for i, line in enumerate(instructions(year)):
        ws.write_string(i, 0, line, formats["head"] if i == 0 else formats["wrap"])


def instructions(year: int) -> list[str]:
    """The 填写说明 lines of the year's 日历 workbook."""
    spring = "除夕、正月初一至初三" if year >= 2025 else ("正月初一至初三" if year >= 2014 else "除夕、正月初一、初二")
    labour = "5月1日、2日" if year >= 2025 else "5月1日"
    return [
        f"{year} 年日历 填写说明",
        f"1. 本表由 kehu init --calendar {year} 生成。周六、周日为休息日；元旦（1月1日）、春节（{spring}，农历）、"
        f"清明节（清明节气当天）、劳动节（{labour}）、端午节（农历五月初五）、中秋节（农历八月十五）、"
        f"国庆节（10月1日至3日）按《全国年节及纪念日放假办法》为休息日；节日逢周六、周日的，按该办法第六条在其后"
        f"第一个工作日补休（说明写「补休」）。",
        f"2. 本表不含调休。请对照国务院办公厅每年发布的《关于{year}年部分节假日安排的通知》逐日改正："
        f"调休上班的周六、周日把「类型」改为「工作日」，说明写「××调休上班」；调休放假的工作日改为「休息日」，"
        f"说明写节日名称；补休日期与通知不同的，以通知为准。",
        f"3. 每核对完一个月，把该月每一行的「核对状态」改为「{CALENDAR_REVIEWED}」。"
        f"某月还有「{CALENDAR_UNREVIEWED}」的行时，kehu 拒绝计算该月（错误代码 E-calendar-unreviewed）。",
        "4. 把本文件放入当月的输入文件夹（可以放全年，kehu 只用当月的行）。请保留第 2 行的表头；"
        "「星期」列只供查看，kehu 不读取。",
        "5. 单位自己的安排（如某天全员休息）也可以直接改在本表中。",
    ]


__all__ = ["CalendarYearKnown", "calendar_file_name", "write_year_calendar", "year_rows"]
