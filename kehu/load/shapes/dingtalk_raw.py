"""DingTalk 原始记录 (raw punches): one row per punch → one 打卡记录 row (issue 17).

Columns (attendance-exports.md): 姓名, 考勤组, 部门, 工号, 职位, UserId, 考勤日期 (or 日期 with a
星期 column), 考勤时间, 打卡时间 (a time of the 考勤日期, possibly ``次日 00:12``, or a full date
and time), 打卡结果, 打卡地址, … Recognised by 打卡时间 + 打卡结果 + a day column + UserId or
考勤组, and no 上班1 columns (that is 每日统计) — so an 原始记录 sheet is never taken for an
打卡记录 with columns missing.

A punch whose 打卡结果 is ``打卡无效:此记录已被更新`` was superseded by a later one: dropped,
counted, said once (W-export-superseded). The 打卡结果 itself is DingTalk's verdict of the punch:
kept for the 导入核对 sheet, never used for money.
"""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from kehu.findings import make
from kehu.load.ledger import Ledger
from kehu.load.reader import RawSheet
from kehu.load.shapes.export_rows import People, Punches, Verdicts, clean_result, count_sheet, drop_rows
from kehu.load.shapes.exports import DINGTALK, Band, at, cell_text, export_day, find_band, hhmm, punch_value

ACCOUNT = ("UserId", "钉钉UserId", "用户ID")
SUPERSEDED = "打卡无效"


def _fits(band: Band) -> bool:
    return (band.has("打卡时间", "打卡结果") and band.any("考勤日期", "日期") and band.any(*ACCOUNT, "考勤组")
            and band.col("上班1打卡时间") is None)


class DingTalkRawPunches:
    name = "钉钉 原始记录"

    def claims(self, raw: RawSheet) -> Band | None:
        return find_band(raw, _fits)

    def rows(self, raw: RawSheet, band: Band, rules: dict, ledger: Ledger, findings: list) -> list[tuple[str, pd.DataFrame]]:
        people = People(band, DINGTALK, ACCOUNT)
        day_col, time_col, result_col = band.col("考勤日期", "日期"), band.col("打卡时间"), band.col("打卡结果")
        slot_col = band.col("考勤时间", "打卡类型")
        punches = Punches(raw, people)
        verdicts = Verdicts(raw, people, self.name, complete=False)
        superseded = []
        for row, cells in count_sheet(raw, band, "punches", ledger, findings):
            result = clean_result(at(cells, result_col))
            if result.startswith(SUPERSEDED):
                superseded.append(row)
                continue
            person, day = people.of(cells), export_day(at(cells, day_col))
            value, cell = punch_value(at(cells, time_col), day, band, time_col, day_col)
            punches.punch(row, person, value, cell)
            judged = _attendance_day(day, value)
            verdicts.add(row, person, judged, cell_text(at(cells, slot_col)), result, hhmm(value, judged))
        _superseded(raw, superseded, ledger, findings)
        verdicts.keep(ledger)
        return punches.parse(rules, ledger, findings)


def _attendance_day(day, value) -> date | None:
    """The day DingTalk judged the punch for: its 考勤日期 (a 次日 punch belongs to the day before)."""
    if isinstance(day, date):
        return day
    return value.date() if isinstance(value, datetime) else None


def _superseded(raw: RawSheet, rows: list[int], ledger: Ledger, findings: list) -> None:
    """Superseded punches: counted as unused, said once for the sheet."""
    if not rows:
        return
    drop_rows(raw, rows, "ignored", ledger)
    findings.append(make("W-export-superseded", file=raw.file, sheet=raw.sheet, row=rows[0], dataset="punches",
                         value=str(len(rows)), count=len(rows)))
