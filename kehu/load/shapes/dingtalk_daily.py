"""DingTalk 每日统计 and 打卡时间 sheets: a person's day in one row (issue 17).

**每日统计** — one row per person per day (attendance-exports.md): 姓名, 考勤组, 部门, 工号, 职位,
UserId, 日期 (``26-09-01 星期二``), 班次, 上班1打卡时间, 上班1打卡结果, 下班1打卡时间, 下班1打卡结果
(…2, …3 for split shifts), 关联的审批单, then counters; under a title row or two, its header
often a band of two rows. Each time cell is one punch of that day (``次日 00:12`` the next day's);
each result cell DingTalk's verdict — kept for the 导入核对 sheet, never used for money. A
result ``管理员<姓名>改为正常`` is an administrator's correction: listed there, never applied —
the time beside it, when there is one, is what DingTalk shows as punched, and is used as such.
A day without a punch (休息, 缺卡, 请假, a person who has left) is used: it says there was none.

**打卡时间** — one row per person, one column per day of the period (header ``1`` … ``31``,
perhaps a weekday under it), a day cell holding all that day's punch times. The day numbers
are placed in the period the title (``统计日期：2026-09-01 至 2026-09-30``) or the file name
(``…_20260901-20260930``) states; without one the sheet cannot be read (E-export-period).
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd

from kehu.findings import make
from kehu.load.ledger import Ledger
from kehu.load.reader import RawSheet
from kehu.load.shapes.export_rows import People, Punches, Verdicts, clean_result, count_sheet, drop_rows
from kehu.load.shapes.exports import (DINGTALK, Band, at, cell_text, export_day, find_band, hhmm, in_order,
                                      punch_value, punches_in, stated_period, title_text)

ACCOUNT = ("UserId", "钉钉UserId", "用户ID")
SLOT = r"(上班|下班)([1-3])打卡时间"
COUNTERS = ("出勤天数", "休息天数", "工作时长", "迟到次数", "旷工天数", "早退次数", "上班缺卡次数", "下班缺卡次数")
DAY_HEADER = re.compile(r"0?([1-9]|[12]\d|3[01])(?:[一二三四五六日天]|星期.|周.)?")


def _fits_daily(band: Band) -> bool:
    return band.has("日期", "上班1打卡时间") and band.any(*ACCOUNT, "工号", "考勤组", "班次")


class DingTalkDaily:
    name = "钉钉 每日统计"

    def claims(self, raw: RawSheet) -> Band | None:
        return find_band(raw, _fits_daily)

    def rows(self, raw: RawSheet, band: Band, rules: dict, ledger: Ledger, findings: list) -> list[tuple[str, pd.DataFrame]]:
        people = People(band, DINGTALK, ACCOUNT)
        day_col, shift_col = band.col("日期"), band.col("班次")
        slots = [(f"{m.group(1)}{m.group(2)}", i, band.col(f"{m.group(1)}{m.group(2)}打卡结果"))
                 for i, m in band.cols(SLOT)]
        punches = Punches(raw, people)
        verdicts = Verdicts(raw, people, self.name, complete=True)
        quiet, bad_days = [], []
        for row, cells in count_sheet(raw, band, "punches", ledger, findings):
            person, day = people.of(cells), export_day(at(cells, day_col))
            read = [punch_value(at(cells, time_col), day, band, time_col, day_col) for _, time_col, _ in slots]
            values = in_order([value for value, _ in read])         # the slots are in time order
            for (slot, _, result_col), value, (_, cell) in zip(slots, values, read):
                if value is not None:
                    punches.punch(row, person, value, cell)
                verdicts.add(row, person, day, slot, clean_result(at(cells, result_col)), hhmm(value, day))
            made = sum(value is not None for value in values)
            shift = cell_text(at(cells, shift_col))
            if shift in ("休息", "不在考勤组") or shift.startswith("未加入"):
                verdicts.add(row, person, day, "班次", shift)
            if not made:
                (quiet if isinstance(day, date) else bad_days).append(row)
        ledger.mark_used(raw.file, raw.sheet, quiet)
        _bad_days(raw, band, day_col, bad_days, ledger, findings)
        verdicts.keep(ledger)
        return punches.parse(rules, ledger, findings)


def _fits_times(band: Band) -> bool:
    return (band.has("姓名") and band.any(*ACCOUNT, "工号") and len(day_columns(band)) >= 28
            and not band.any(*COUNTERS))


def day_columns(band: Band) -> list[tuple[int, int]]:
    """(column, day number) of every column headed by a day of the month (``1``, ``1一``, ``01``)."""
    return [(i, int(m.group(1))) for i, m in band.cols(DAY_HEADER.pattern)]


class DingTalkTimes:
    name = "钉钉 打卡时间"

    def claims(self, raw: RawSheet) -> Band | None:
        return find_band(raw, _fits_times)

    def rows(self, raw: RawSheet, band: Band, rules: dict, ledger: Ledger, findings: list) -> list[tuple[str, pd.DataFrame]]:
        people = People(band, DINGTALK, ACCOUNT)
        rows = count_sheet(raw, band, "punches", ledger, findings)
        dates = _dates_of(day_columns(band), stated_period(title_text(raw.rows, band), raw.file))
        if dates is None:
            _no_period(raw, band, [row for row, _ in rows], ledger, findings)
            return []
        punches = Punches(raw, people)
        quiet = []
        for row, cells in rows:
            person, made = people.of(cells), 0
            for col, day in dates:
                for value in punches_in(at(cells, col), day):
                    punches.punch(row, person, value, band.where(col))
                    made += 1
            if not made:
                quiet.append(row)
        ledger.mark_used(raw.file, raw.sheet, quiet)
        return punches.parse(rules, ledger, findings)


def _dates_of(columns: list[tuple[int, int]], period: tuple[date, date] | None) -> list[tuple[int, date]] | None:
    """Each day column's date within the stated period (at most 31 days: each day number once)."""
    if period is None or not (0 <= (period[1] - period[0]).days <= 30):
        return None
    days = {d.day: d for d in (period[0] + timedelta(days=k) for k in range((period[1] - period[0]).days + 1))}
    return [(col, days[n]) for col, n in columns if n in days]


def _no_period(raw: RawSheet, band: Band, rows: list[int], ledger: Ledger, findings: list) -> None:
    drop_rows(raw, rows, "rejected", ledger)
    findings.append(make("E-export-period", file=raw.file, sheet=raw.sheet, row=band.first + 1, dataset="punches",
                         rejected=True))


def _bad_days(raw: RawSheet, band: Band, day_col: int | None, rows: list[int], ledger: Ledger, findings: list) -> None:
    """Rows without a punch whose 日期 cannot be read: rejected, each with a finding at its day cell."""
    drop_rows(raw, rows, "rejected", ledger)
    header, letter = band.where(day_col) if day_col is not None else ("日期", "")
    for row in rows:
        value = cell_text(at(raw.rows[row - 1], day_col))
        findings.append(make("E-date", file=raw.file, sheet=raw.sheet, row=row, column=header, letter=letter,
                             value=value, dataset="punches", rejected=True, expected="日期（如 26-09-01 星期二）",
                             found=f"「{value}」" if value else "空"))
