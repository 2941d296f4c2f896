"""JSON saved from the attendance APIs → 打卡记录 rows (issue 17).

kehu.load.reader.read_json makes a JSON file a table: one row per record, its fields as the
header. Two APIs (attendance-exports.md, "Open APIs"):

- DingTalk ``/attendance/listRecord`` and ``/attendance/list``: ``userId``, ``checkType``
  (OnDuty / OffDuty), ``timeResult`` (Normal, Early, Late, SeriousLate, Absenteeism, NotSigned),
  ``userCheckTime`` and ``workDate`` in epoch milliseconds, ``sourceType``;
- WeCom ``checkin/getcheckindata``: ``userid``, ``checkin_type`` (上班打卡 / 下班打卡 / 外出打卡),
  ``exception_type`` (时间异常;地点异常;未打卡 …), ``checkin_time`` and ``sch_checkin_time`` in
  epoch seconds.

Epoch times are China's wall clock (UTC+8, no daylight saving). A record that is no punch
(NotSigned, 未打卡) says there was none; a DingTalk record an administrator made (sourceType
BOSS) is his correction — listed on the 导入核对 sheet, not used as a punch; a WeCom 外出打卡 is
no attendance punch (counted, said once). The APIs name people by userid only: looked up in
员工名册's 钉钉UserId / 企业微信账号 column (kehu.load.shapes.resolve).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd

from kehu.load.ledger import Ledger
from kehu.load.reader import RawSheet
from kehu.load.shapes.export_rows import People, Punches, Verdicts, count_sheet, drop_rows, unused_rows
from kehu.load.shapes.exports import DINGTALK, WECOM, Band, at, cell_text, find_band, hhmm

CHINA = timedelta(hours=8)
EPOCH = datetime(1970, 1, 1)
DINGTALK_RESULTS = {"Normal": "正常", "Early": "早退", "Late": "迟到", "SeriousLate": "严重迟到",
                    "Absenteeism": "旷工迟到", "NotSigned": "缺卡"}
CHECK_TYPES = {"OnDuty": "上班", "OffDuty": "下班"}
ADMIN_SOURCE = "BOSS"


def china_time(value, unit_seconds: float):
    """An epoch number (seconds × ``unit_seconds``) → China's wall clock; the value itself when
    it is no number (a finding at its cell), None for a blank."""
    text = cell_text(value)
    if not text:
        return None
    try:
        return EPOCH + timedelta(seconds=float(text) * unit_seconds) + CHINA
    except (ValueError, OverflowError):
        return text


def _day_of(value, unit_seconds: float, fallback) -> date | None:
    when = china_time(value, unit_seconds)
    if isinstance(when, datetime) and when > EPOCH + CHINA:
        return when.date()
    return fallback.date() if isinstance(fallback, datetime) else None


class DingTalkApi:
    name = "钉钉 打卡接口 JSON"

    def claims(self, raw: RawSheet) -> Band | None:
        return find_band(raw, lambda b: b.has("userId", "checkType", "userCheckTime"), 1, one_row=True)

    def rows(self, raw: RawSheet, band: Band, rules: dict, ledger: Ledger, findings: list) -> list[tuple[str, pd.DataFrame]]:
        people = People(band, DINGTALK, ("userId",))
        col = {name: band.col(name) for name in ("userCheckTime", "checkType", "timeResult", "sourceType", "workDate")}
        punches = Punches(raw, people)
        verdicts = Verdicts(raw, people, self.name, complete=False)
        quiet = []
        for row, cells in count_sheet(raw, band, "punches", ledger, findings):
            person = people.of(cells)
            when = china_time(at(cells, col["userCheckTime"]), 0.001)
            day = _day_of(at(cells, col["workDate"]), 0.001, when)
            slot = CHECK_TYPES.get(cell_text(at(cells, col["checkType"])), cell_text(at(cells, col["checkType"])))
            result = cell_text(at(cells, col["timeResult"]))
            if cell_text(at(cells, col["sourceType"])) == ADMIN_SOURCE:
                verdicts.add(row, person, day, slot, f"管理员修改为{DINGTALK_RESULTS.get(result, result)}", hhmm(when))
                quiet.append(row)
                continue
            verdicts.add(row, person, day, slot, DINGTALK_RESULTS.get(result, result), hhmm(when))
            if result == "NotSigned":
                quiet.append(row)
                continue
            punches.punch(row, person, when, band.where(col["userCheckTime"]))
        ledger.mark_used(raw.file, raw.sheet, quiet)
        verdicts.keep(ledger)
        return punches.parse(rules, ledger, findings)


class WeComApi:
    name = "企业微信 打卡接口 JSON"

    def claims(self, raw: RawSheet) -> Band | None:
        return find_band(raw, lambda b: b.has("userid", "checkin_type", "checkin_time"), 1, one_row=True)

    def rows(self, raw: RawSheet, band: Band, rules: dict, ledger: Ledger, findings: list) -> list[tuple[str, pd.DataFrame]]:
        people = People(band, WECOM, ("userid",))
        col = {name: band.col(name) for name in ("checkin_time", "checkin_type", "exception_type", "sch_checkin_time")}
        punches = Punches(raw, people)
        verdicts = Verdicts(raw, people, self.name, complete=False)
        outside, quiet = [], []
        for row, cells in count_sheet(raw, band, "punches", ledger, findings):
            kind = cell_text(at(cells, col["checkin_type"]))
            if kind.startswith("外出"):
                outside.append(row)
                continue
            person, when = people.of(cells), china_time(at(cells, col["checkin_time"]), 1)
            day = _day_of(at(cells, col["sch_checkin_time"]), 1, when)
            exception = cell_text(at(cells, col["exception_type"]))
            verdicts.add(row, person, day, kind.removesuffix("打卡"), exception or "正常", hhmm(when))
            if "未打卡" in exception:
                quiet.append(row)
                continue
            punches.punch(row, person, when, band.where(col["checkin_time"]))
        unused_rows(raw, outside, "外出打卡（不是上下班打卡）", findings)
        drop_rows(raw, outside, "ignored", ledger)
        ledger.mark_used(raw.file, raw.sheet, quiet)
        verdicts.keep(ledger)
        return punches.parse(rules, ledger, findings)
