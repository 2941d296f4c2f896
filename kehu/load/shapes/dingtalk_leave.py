"""DingTalk 考勤记录 exports of 请假 and 补卡 → 请假外出 rows (issue 17).

**请假** (attendance-exports.md): 姓名, 考勤组, 部门, 工号, 职位, 假期类型, 请假时间
(``2026-09-03 09:00 ~ 2026-09-03 18:00``; a half day as ``2026-09-03 下午``), 请假时长(小时),
请假时长(天), 关联审批单, 审批单状态. One row, one leave; only ``审批通过`` counts — a leave
审批中, 已拒绝 or 已撤销 is listed (W-not-approved) and not used. 外出 is kehu's 外出走访.
A half day is cut at the season's schedule in the rules file: 上午 ends when the morning
session ends, 下午 starts when the afternoon session starts.

**补卡**: 姓名, 工号, 考勤日期, 考勤时间, 原打卡时间, 原考勤状态, 补卡时间, 补卡结果, 审批单状态.
One row, one 补卡 at its 补卡时间 (else at its 考勤时间) on its 考勤日期; only ``补卡成功`` and
``审批通过`` count.
"""
from __future__ import annotations

import re
from datetime import date, datetime

import pandas as pd

from kehu.compute.attendance import season_of
from kehu.findings import make
from kehu.load.ledger import Ledger
from kehu.load.reader import RawSheet
from kehu.load.shapes.export_rows import People, Reshaped, count_sheet, drop_rows
from kehu.load.shapes.exports import DINGTALK, Band, at, cell_text, export_day, find_band, punch_at, punch_value

ACCOUNT = ("UserId", "钉钉UserId", "用户ID")
APPROVED = ("审批通过", "已通过", "通过", "已同意", "同意")
FIXED = ("补卡成功", "成功")
KINDS = {"外出": "外出走访", "公出": "外出走访", "因公外出": "外出走访"}
_BRACKETS = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_RANGE = re.compile(r"\s*(?:~|～|至|到|—)\s*")
_HALF = re.compile(r"(上午|下午)\s*$")
_CLOCK = re.compile(r"\d{1,2}[:：]\d{2}")
LEAVE = ("employee_id", "kind", "starts_at", "ends_at")


def _fits_leave(band: Band) -> bool:
    return (band.any("假期类型", "请假类型") and band.any("请假时间", "开始时间")
            and band.any("审批单状态", "审批状态"))


class DingTalkLeave:
    name = "钉钉 请假记录"

    def claims(self, raw: RawSheet) -> Band | None:
        return find_band(raw, _fits_leave)

    def rows(self, raw: RawSheet, band: Band, rules: dict, ledger: Ledger, findings: list) -> list[tuple[str, pd.DataFrame]]:
        people = People(band, DINGTALK, ACCOUNT)
        kind_col, status_col = band.col("假期类型", "请假类型"), band.col("审批单状态", "审批状态")
        span_col, start_col, end_col = band.col("请假时间"), band.col("开始时间"), band.col("结束时间")
        leave, pending, unsplit = Reshaped(raw, "leave", LEAVE), [], []
        for row, cells in count_sheet(raw, band, "leave", ledger, findings):
            person, status = people.of(cells), cell_text(at(cells, status_col))
            if status not in APPROVED:
                pending.append((row, person, status, _leave_words(cells, kind_col, span_col, start_col, end_col), status_col))
                continue
            if span_col is not None and len(_RANGE.split(cell_text(at(cells, span_col)))) != 2:
                unsplit.append((row, person))
                continue
            (start, s_cell), (end, e_cell) = _interval(cells, band, span_col, start_col, end_col, rules)
            leave.add(row, {"employee_id": person.key, "kind": leave_kind(at(cells, kind_col)), "starts_at": start,
                            "ends_at": end},
                      {"employee_id": people.cell(person), "kind": band.where(kind_col), "starts_at": s_cell,
                       "ends_at": e_cell}, people.carry(person))
        not_approved(raw, band, pending, "请假", ledger, findings)
        _unsplit(raw, band, span_col, unsplit, ledger, findings)
        return leave.parse(rules, ledger, findings)


def _unsplit(raw: RawSheet, band: Band, span_col: int, rows: list, ledger: Ledger, findings: list) -> None:
    """请假时间 cells that are not ``开始 ~ 结束``: rejected, each a finding at its cell."""
    drop_rows(raw, [row for row, _ in rows], "rejected", ledger)
    header, letter = band.where(span_col) if rows else ("", "")
    for row, person in rows:
        value = cell_text(at(raw.rows[row - 1], span_col))
        findings.append(make("E-datetime", file=raw.file, sheet=raw.sheet, row=row, column=header, letter=letter,
                             value=value, dataset="leave", employee_id=person.key or "", rejected=True,
                             expected="「开始 ~ 结束」（如 2026-09-03 09:00 ~ 2026-09-03 18:00）",
                             found=f"「{value}」" if value else "空"))


def leave_kind(cell) -> str | None:
    """假期类型 as kehu's 类型: ``事假(天)`` → 事假, 外出 → 外出走访 (others as they are: E-enum)."""
    text = _BRACKETS.sub("", cell_text(cell)).strip()
    return KINDS.get(text, text) or None


def _interval(cells: list, band: Band, span_col, start_col, end_col, rules: dict) -> tuple:
    """((start, cell), (end, cell)) of a leave: one 请假时间 cell ``a ~ b``, or 开始时间 and 结束时间."""
    if span_col is not None:
        parts = _RANGE.split(cell_text(at(cells, span_col)))         # two parts: rows() made sure
        where = band.where(span_col)
        return (_moment(parts[0], True, rules), where), (_moment(parts[1], False, rules), where)
    start, end = at(cells, start_col), at(cells, end_col)
    return ((_moment(start, True, rules), band.where(start_col)),
            (_moment(end, False, rules), band.where(end_col) if end_col is not None else ("结束时间", "")))


def _moment(v, is_start: bool, rules: dict):
    """One end of a leave: a datetime; a date (the whole day: kehu reads a date-only end as 24:00);
    ``2026-09-03 上午`` / ``下午`` cut at the season's schedule; else the text (a finding)."""
    if isinstance(v, (datetime, date)) or v is None:
        return v
    text = cell_text(v)
    half = _HALF.search(text)
    day = export_day(_HALF.sub("", text).strip() if half else text)
    when = punch_at(text, None) if not half else None
    if isinstance(when, datetime):
        return when
    if not isinstance(day, date):
        return text or None
    if not half:
        return day
    return _half_day(day, half.group(1), is_start, rules)


def _half_day(day: date, half: str, is_start: bool, rules: dict):
    """上午 starts the day and ends with the morning session; 下午 starts with the afternoon
    session and ends the day (seed 004 考勤制度 1、上班时间, from the rules file's seasons)."""
    season = season_of(day, rules["schedule"])
    if half == "上午":
        return day if is_start else datetime.combine(day, _time_of(season["am"][1]))
    return datetime.combine(day, _time_of(season["pm"][0])) if is_start else day


def _time_of(text: str):
    return datetime.strptime(text, "%H:%M").time()


def _leave_words(cells: list, kind_col, span_col, start_col, end_col) -> str:
    """The leave as the export writes it, for a message: ``事假 2026-09-03 09:00 ~ 2026-09-03 18:00``."""
    when = cell_text(at(cells, span_col)) if span_col is not None else \
        f"{cell_text(at(cells, start_col))} ~ {cell_text(at(cells, end_col))}"
    return f"{cell_text(at(cells, kind_col))} {when}".strip()


def not_approved(raw: RawSheet, band: Band, rows: list, what: str, ledger: Ledger, findings: list) -> None:
    """Rows whose approval did not pass — (row, person, status, the leave in words, the status's
    column) — unused, each listed (W-not-approved)."""
    drop_rows(raw, [row for row, *_ in rows], "ignored", ledger)
    for row, person, status, words, col in rows:
        header, letter = band.where(col) if col is not None else ("", "")
        who = f"{person.name}（{person.key}）" if person.name else str(person.key or "")
        findings.append(make("W-not-approved", file=raw.file, sheet=raw.sheet, row=row, column=header, letter=letter,
                             value=status, dataset="leave", employee_id=person.key or "", rejected=True,
                             what=what, who=who, words=words, status=status or "空"))


def _fits_fix(band: Band) -> bool:
    return band.any("补卡时间", "补卡结果") and band.any("考勤日期", "补卡日期") and band.any("补卡结果", "审批单状态", "审批状态")


class DingTalkPunchFix:
    name = "钉钉 补卡记录"

    def claims(self, raw: RawSheet) -> Band | None:
        return find_band(raw, _fits_fix)

    def rows(self, raw: RawSheet, band: Band, rules: dict, ledger: Ledger, findings: list) -> list[tuple[str, pd.DataFrame]]:
        people = People(band, DINGTALK, ACCOUNT)
        day_col, fix_col, due_col = band.col("考勤日期", "补卡日期"), band.col("补卡时间"), band.col("考勤时间")
        result_col, status_col = band.col("补卡结果"), band.col("审批单状态", "审批状态")
        fixes, pending = Reshaped(raw, "leave", LEAVE), []
        for row, cells in count_sheet(raw, band, "leave", ledger, findings):
            person, day = people.of(cells), export_day(at(cells, day_col))
            result, status = cell_text(at(cells, result_col)), cell_text(at(cells, status_col))
            failed = result_col if result_col is not None and result not in FIXED else \
                status_col if status_col is not None and status not in APPROVED else None
            if failed is not None:
                words = f"补卡 {cell_text(at(cells, day_col))} {cell_text(at(cells, fix_col))}".strip()
                pending.append((row, person, cell_text(at(cells, failed)), words, failed))
                continue
            value, cell = _fix_time(cells, band, day, fix_col, due_col, day_col)
            fixes.add(row, {"employee_id": person.key, "kind": "补卡", "starts_at": value},
                      {"employee_id": people.cell(person), "starts_at": cell,
                       "kind": band.where(result_col if result_col is not None else status_col)},
                      people.carry(person))
        not_approved(raw, band, pending, "补卡", ledger, findings)
        return fixes.parse(rules, ledger, findings)


def _fix_time(cells: list, band: Band, day, fix_col, due_col, day_col) -> tuple:
    """The 补卡's time: its 补卡时间 (a time of the 考勤日期, or a full date and time), else the
    time in its 考勤时间 (``上班 09:00``)."""
    if fix_col is not None and cell_text(at(cells, fix_col)):
        return punch_value(at(cells, fix_col), day, band, fix_col, day_col)
    due = cell_text(at(cells, due_col))
    clock = _CLOCK.search(due)
    col = due_col if due_col is not None else fix_col
    return punch_value(clock.group(0) if clock else (due or None), day, band, col, day_col)

