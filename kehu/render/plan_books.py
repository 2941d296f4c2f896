"""The workbooks of ``kehu plan`` for one month (issue 16 item 3).

- ``指标.xlsx``: the month's 指标 sheet in kehu's own shape (工号, 指标, 基本目标, 目标值, 挑战目标,
  完成值, 月份; 姓名 and 所属室 after them for the reader, ignored by kehu) — put it into the
  month's input folder as it is; 完成值 is blank, to be filled at the month's end where the
  indicator's source is ``targets.actual`` (those cells are yellow).
- ``月计划表.xlsx``: every line's 目标值 per week and per workday. Its title marks it as kehu's
  own output, so that it is set aside, not read, if it lands in an input folder.
"""
from __future__ import annotations

import os
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from kehu.compute.plan import DayPlan, MonthPlan, TargetLine
from kehu.compute.plan_split import MONEY, RATE
from kehu.schema import TARGETS

TARGET_FILE, PLAN_FILE = f"{TARGETS.name}.xlsx", "月计划表.xlsx"
TARGET_HEADER = ("工号", "指标", "基本目标", "目标值", "挑战目标", "完成值", "月份", "姓名", "所属室")
PLAN_HEADER = ("所属室", "工号", "姓名", "岗位", "指标", "本月目标值")
WEEKDAYS = "一二三四五六日"
NUMBER_FORMATS = {MONEY: "#,##0.00", RATE: "General"}       # 数量: "0"
OPTIONS = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}


def month_files(folder: Path) -> list[Path]:
    return [folder / TARGET_FILE, folder / PLAN_FILE]


def write_month_plan(plan: MonthPlan, folder: Path) -> list[Path]:
    """Both workbooks of ``plan`` into ``folder`` (each written beside and renamed into place)."""
    folder.mkdir(parents=True, exist_ok=True)
    targets, days = month_files(folder)
    _atomic(targets, lambda p: _write_targets(plan, p))
    _atomic(days, lambda p: _write_days(plan, p))
    return [targets, days]


def _atomic(path: Path, write) -> None:
    partial = path.with_name(f".{path.stem}.partial.xlsx")
    try:
        write(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _workbook(path: Path, title: str):
    wb = xlsxwriter.Workbook(str(path), OPTIONS)
    wb.set_properties({"title": title, "created": datetime(2026, 1, 1)})
    return wb


def _formats(wb) -> dict:
    out = {"head": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
           "title": wb.add_format({"bold": True}), "note": wb.add_format({"text_wrap": True, "valign": "top"}),
           "fill": wb.add_format({"bg_color": "#FFF2CC", "border": 1})}
    for kind, fmt in NUMBER_FORMATS.items():
        out[kind] = wb.add_format({"num_format": fmt})
    out["数量"] = wb.add_format({"num_format": "0"})
    return out


def _write_targets(plan: MonthPlan, path: Path) -> None:
    month = plan.month
    wb = _workbook(path, f"{TARGETS.name} {month.label}")
    f = _formats(wb)
    ws = wb.add_worksheet(TARGETS.name)
    ws.write_string(0, 0, f"{month.year}年{month.month}月指标（由年度指标分解，kehu plan 生成；黄色的完成值请在月底填写）",
                    f["title"])
    ws.write_row(1, 0, TARGET_HEADER, f["head"])
    for i, line in enumerate(plan.lines, start=2):
        _target_row(ws, i, line, month.label, f)
    ws.set_column(0, 1, 12)
    ws.set_column(2, 5, 14)
    ws.set_column(6, 8, 10)
    ws.freeze_panes(2, 0)
    _notes(wb, f, target_notes(plan))
    wb.close()


def _target_row(ws, i: int, line: TargetLine, label: str, f: dict) -> None:
    ws.write_string(i, 0, line.employee_id)
    ws.write_string(i, 1, line.indicator)
    for j, value in enumerate((line.figures.base, line.figures.target, line.figures.challenge), start=2):
        ws.write_number(i, j, _number(value), f[line.kind])
    if line.actual_needed:
        ws.write_blank(i, 5, None, f["fill"])
    ws.write_string(i, 6, label)
    ws.write_string(i, 7, line.name or "")
    ws.write_string(i, 8, line.room)


def target_notes(plan: MonthPlan) -> list[str]:
    need = sorted({line.indicator for line in plan.lines if line.actual_needed})
    return [
        f"{plan.month.label} 指标 说明",
        "1. 本表由 kehu plan 按年度指标分解生成：室的全年指标按月度权重分到各月，再按客户经理人数（或分配比例）"
        "分给室内在岗的客户经理；重要室经理得全室的月指标（他按全室合计考核）。",
        "2. 各月相加等于全年指标，室内客户经理相加等于室的月指标（金额精确到分，数量为整数，比率不拆分）。",
        f"3. 月底请在黄色的「完成值」格中填写 {'、'.join(need) or '（本月没有需要填写的指标）'} 的完成值；"
        "其余指标的完成值由 kehu 从客户名册计算，可以留空。",
        "4. 把本文件放入当月的输入文件夹，替换原来的指标表。「姓名」「所属室」两列只供查看，kehu 不读取。",
    ]


def _write_days(plan: MonthPlan, path: Path) -> None:
    month = plan.month
    wb = _workbook(path, f"集团客户部 {month.label} 考核指标月计划表")
    f = _formats(wb)
    ws = wb.add_worksheet("月计划表")
    ws.write_string(0, 0, f"{month.year}年{month.month}月 月计划表：各人本月目标值按周（按各周工作日数）、"
                          f"再按工作日平均分解；共 {len(plan.workdays)} 个工作日", f["title"])
    header = [*PLAN_HEADER, *(w.label for w in plan.weeks),
              *(f"{d.month}月{d.day}日（{WEEKDAYS[d.weekday()]}）" for d in plan.workdays)]
    ws.write_row(1, 0, header, f["head"])
    for i, day_plan in enumerate(plan.days, start=2):
        _day_row(ws, i, day_plan, f)
    ws.set_column(0, 4, 10)
    ws.set_column(5, len(header) - 1, 13)
    ws.freeze_panes(2, len(PLAN_HEADER))
    _notes(wb, f, day_notes(plan))
    wb.close()


def _day_row(ws, i: int, day_plan: DayPlan, f: dict) -> None:
    line = day_plan.line
    ws.write_row(i, 0, [line.room, line.employee_id, line.name or "", line.role, line.indicator])
    numbers = [line.figures.target, *day_plan.weeks, *day_plan.days]
    for j, value in enumerate(numbers, start=len(PLAN_HEADER) - 1):
        ws.write_number(i, j, _number(value), f[line.kind])


def day_notes(plan: MonthPlan) -> list[str]:
    return [
        f"{plan.month.label} 月计划表 说明",
        "1. 每一行是一个人一项指标的本月目标值：先按各周的工作日数分到各周（周一至周日，月初月末的半周只算本月的天），"
        "再在周内的工作日平均分配；各周相加、各工作日相加都等于本月目标值（金额精确到分，数量为整数）。",
        "2. 工作日按国家法定节假日安排（含调休）或输入文件夹中的日历表；休息日不分配。",
        "3. 重要室经理一行是全室的合计（室内客户经理各行相加）；只考核重要室经理的指标（如企信通）直接按室的月指标分解。",
        "4. 比率类指标不按天分解，不在本表中。本表供制定工作计划用，kehu run 不读取它。",
    ]


def _notes(wb, f: dict, lines: list[str]) -> None:
    ws = wb.add_worksheet("填写说明")
    ws.set_column(0, 0, 100)
    for i, line in enumerate(lines):
        ws.write_string(i, 0, line, f["head"] if i == 0 else f["note"])


def _number(value: Decimal) -> float | int:
    """A Decimal as the number Excel stores: an int when whole (exact), else a float whose repr
    is the Decimal's digits (≤ 15 significant digits: 0.01 元 up to 10¹² 元)."""
    return int(value) if value == value.to_integral_value() else float(value)
