"""WeCom (企业微信) 上下班打卡 日报 → 打卡记录 rows (issue 17).

The workbook ``上下班打卡_日报_20260901-20260930.xlsx`` (also a CSV) holds two sheets
(attendance-exports.md):

**概况统计与打卡明细** — one row per person per day, under a title and a 统计时间 row, its header a
band of two rows (groups 上班1 / 下班1 over 打卡时间 / 打卡状态): 时间 (``2026/09/05 星期五``), 姓名,
账号, 部门, 所属规则, 最早, 最晚, 打卡次数, 标准工作时长, 实际工作时长, 假勤申请, the 打卡状态 columns
and 打卡时间记录 (every punch of the day). Punches come from 打卡时间记录, else from the 上班n /
下班n times, else from 最早 and 最晚; the 打卡状态 cells (``迟到15分钟``) are WeCom's verdicts —
kept for the 导入核对 sheet, never used for money. ``--`` is an empty cell.

**打卡详情** — one row per punch: 日期 (or 时间), 姓名, 账号, 部门, 打卡类型 (上班打卡 / 下班打卡 /
外出打卡), 打卡时间, 打卡状态 … (its exact columns are not documented publicly: they are found
by these names). A 外出打卡 is no attendance punch (counted, said once); a row without a time
(未打卡) says there was none.

WeCom names a person by 账号 (its userid), looked up in 员工名册's 企业微信账号 column after loading
(kehu.load.shapes.resolve), unless the export carries a 工号 column.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from kehu.load.ledger import Ledger
from kehu.load.reader import RawSheet
from kehu.load.shapes.export_rows import (People, Punches, Verdicts, clean_result, count_sheet, drop_rows,
                                          unused_rows)
from kehu.load.shapes.exports import (WECOM, Band, at, cell_text, export_day, find_band, hhmm, punch_value,
                                      punches_in)

ACCOUNT = ("账号", "企业微信账号", "userid", "成员账号")
DAY = ("时间", "日期", "打卡日期")


def _fits_daily(band: Band) -> bool:
    return (band.any(*DAY) and band.any(*ACCOUNT, "工号") and band.any("所属规则", "打卡次数", "打卡时间记录")
            and band.any("最早", "打卡时间记录", "上班1打卡时间"))


class WeComDaily:
    name = "企业微信 概况统计与打卡明细"

    def claims(self, raw: RawSheet) -> Band | None:
        return find_band(raw, _fits_daily)

    def rows(self, raw: RawSheet, band: Band, rules: dict, ledger: Ledger, findings: list) -> list[tuple[str, pd.DataFrame]]:
        people, day_col = People(band, WECOM, ACCOUNT), band.col(*DAY)
        sources = _punch_columns(band)
        states = [(f"{m.group(1)}{m.group(2)}", i) for i, m in band.cols(r"(上班|下班)(\d)打卡(?:状态|结果)")]
        leave_col = band.col("假勤申请", "假勤")
        punches = Punches(raw, people)
        verdicts = Verdicts(raw, people, self.name, complete=bool(states))
        quiet = []
        for row, cells in count_sheet(raw, band, "punches", ledger, findings):
            person, day = people.of(cells), export_day(at(cells, day_col))
            made = 0
            for col in sources:
                for value in _values(at(cells, col), day):
                    value, cell = punch_value(value, day, band, col, day_col)
                    punches.punch(row, person, value, cell)
                    made += 1
            for slot, col in states:
                verdicts.add(row, person, day, slot, clean_result(at(cells, col)))
            verdicts.add(row, person, day, "假勤申请", clean_result(at(cells, leave_col)))
            if not made:
                quiet.append(row)
        ledger.mark_used(raw.file, raw.sheet, quiet)
        verdicts.keep(ledger)
        return punches.parse(rules, ledger, findings)


def _punch_columns(band: Band) -> list[int]:
    """Where a day's punches are: 打卡时间记录 (all of them), else the 上班n / 下班n times, else 最早 / 最晚."""
    record = band.col("打卡时间记录")
    if record is not None:
        return [record]
    slots = [i for i, _ in band.cols(r"(上班|下班)\d打卡时间")]
    return slots or [c for c in (band.col("最早"), band.col("最晚")) if c is not None]


def _values(cell, day) -> list:
    """The punches of one cell (a 打卡时间记录 cell holds several, separated by spaces)."""
    if isinstance(day, date):
        return punches_in(cell, day)
    return [cell] if cell_text(cell) else []       # no day to place it on: one finding, at the day cell


def _fits_detail(band: Band) -> bool:
    return band.any(*ACCOUNT) and band.has("打卡类型") and band.any("打卡时间", "实际打卡时间")


class WeComDetail:
    name = "企业微信 打卡详情"

    def claims(self, raw: RawSheet) -> Band | None:
        return find_band(raw, _fits_detail)

    def rows(self, raw: RawSheet, band: Band, rules: dict, ledger: Ledger, findings: list) -> list[tuple[str, pd.DataFrame]]:
        people, day_col = People(band, WECOM, ACCOUNT), band.col("日期", "打卡日期", "时间")
        time_col, kind_col = band.col("实际打卡时间", "打卡时间"), band.col("打卡类型")
        result_col = band.col("打卡状态", "打卡结果", "异常类型", "校准状态")
        punches = Punches(raw, people)
        verdicts = Verdicts(raw, people, self.name, complete=False)
        outside, quiet = [], []
        for row, cells in count_sheet(raw, band, "punches", ledger, findings):
            if cell_text(at(cells, kind_col)).startswith("外出"):
                outside.append(row)
                continue
            person, day = people.of(cells), export_day(at(cells, day_col))
            result, cell = clean_result(at(cells, result_col)), at(cells, time_col)
            if not cell_text(cell) or cell_text(cell) == "未打卡":
                quiet.append(row)
                verdicts.add(row, person, day, cell_text(at(cells, kind_col)), result or "未打卡")
                continue
            value, where = punch_value(cell, day, band, time_col, day_col)
            punches.punch(row, person, value, where)
            verdicts.add(row, person, day, cell_text(at(cells, kind_col)), result, hhmm(value))
        unused_rows(raw, outside, "外出打卡（不是上下班打卡）", findings)
        drop_rows(raw, outside, "ignored", ledger)
        ledger.mark_used(raw.file, raw.sheet, quiet)
        verdicts.keep(ledger)
        return punches.parse(rules, ledger, findings)
