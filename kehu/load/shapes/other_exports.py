"""Attendance exports kehu does not read: known ones it has no use for, and unknown ones (issue 17).

**月度汇总** (DingTalk's month summary: one row per person, counters and a verdict per day) is
DingTalk's own reckoning of the month; kehu computes the month from the punches (每日统计,
原始记录, 打卡时间), so the sheet that comes in the same workbook is left aside, said once
(W-export-unused).

A sheet that looks like an attendance export — its header carries words only such exports use
(考勤组, UserId, 所属规则, 打卡结果, 审批单状态 …) — but is none kehu knows is left aside with a
warning naming what kehu reads (W-export-unknown). Only when it carries no dataset of kehu's
own at all: a sheet with half of a dataset's columns stays that dataset with columns missing
(E-column-missing, kehu_table) — a clerk's own 打卡记录 with a header misspelt must stop the run,
never be left aside with a warning while the month is computed without it.
"""
from __future__ import annotations

import pandas as pd

from kehu.findings import make
from kehu.load.headers import recognise
from kehu.load.ledger import Ledger
from kehu.load.reader import RawSheet
from kehu.load.shapes.dingtalk_daily import COUNTERS, day_columns
from kehu.load.shapes.export_rows import count_sheet, drop_rows
from kehu.load.shapes.exports import Band, find_band

EXPORT_WORDS = ("考勤组", "UserId", "所属规则", "打卡结果", "考勤日期", "审批单状态", "打卡类型", "班次",
                "打卡时间记录", "签到来源", "假期类型")
KNOWN = "钉钉的每日统计、原始记录、打卡时间、请假、补卡、签到，企业微信的概况统计与打卡明细、打卡详情，或接口保存的 JSON"


def _summary(band: Band) -> bool:
    return band.has("姓名") and band.any(*COUNTERS) and (len(day_columns(band)) >= 28 or band.any("UserId", "考勤组"))


class MonthSummary:
    name = "钉钉 月度汇总"

    def claims(self, raw: RawSheet) -> Band | None:
        return find_band(raw, _summary)

    def rows(self, raw: RawSheet, band: Band, rules: dict, ledger: Ledger, findings: list) -> list[tuple[str, pd.DataFrame]]:
        rows = [row for row, _ in count_sheet(raw, band, None, ledger, findings)]
        drop_rows(raw, rows, "ignored", ledger)
        if rows:
            findings.append(make("W-export-unused", file=raw.file, sheet=raw.sheet, row=band.first + 1,
                                 count=len(rows)))
        return []


def _unknown(band: Band) -> bool:
    return sum(band.col(word) is not None for word in EXPORT_WORDS) >= 2


class UnknownExport:
    name = "未知的考勤导出"

    def claims(self, raw: RawSheet) -> Band | None:
        band = find_band(raw, _unknown)
        if band is None:
            return None
        return band if recognise(raw.rows).match is None else None

    def rows(self, raw: RawSheet, band: Band, rules: dict, ledger: Ledger, findings: list) -> list[tuple[str, pd.DataFrame]]:
        rows = [row for row, _ in count_sheet(raw, band, None, ledger, findings)]
        drop_rows(raw, rows, "ignored", ledger)
        findings.append(make("W-export-unknown", file=raw.file, sheet=raw.sheet, row=band.first + 1,
                             words="」「".join(_words(band)), count=len(rows), known=KNOWN))
        return []


def _words(band: Band) -> list[str]:
    return [band.shown[band.col(w)] for w in EXPORT_WORDS if band.col(w) is not None][:4]
