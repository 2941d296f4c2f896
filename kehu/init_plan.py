"""``kehu init DIR --plan``: the template of the annual target workbook read by ``kehu plan``.

Three sheets (kehu.load.annual_targets says how each is read): 年度指标, 月度权重, 分配比例 —
headers, dropdowns on 指标 (the rules file's ``[kpi.customer_manager]`` / ``[kpi.room_manager]``
indicator names that have targets) and 类别, number formats, no example row (an example left
in would be planned as a real room), and a 填写说明 sheet with a worked example.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import xlsxwriter

from kehu.compute.plan import indicator_kinds
from kehu.compute.plan_split import KINDS
from kehu.load.annual_targets import (ALL_INDICATORS, ANNUAL_HEADER, ANNUAL_SHEET, SHARES_HEADER, SHARES_SHEET,
                                      WEIGHTS_HEADER, WEIGHTS_SHEET)

TEMPLATE_NAME = "年度指标.xlsx"
LAST_ROW = 5000


def write_plan_template(directory: Path, rules: dict) -> Path:
    """``directory``/年度指标.xlsx; FileExistsError if it is there."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / TEMPLATE_NAME
    if path.exists():
        raise FileExistsError(f"{path} 已存在，未覆盖。请换一个文件夹，或先移走该文件。")
    kinds = indicator_kinds(rules)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"title": "年度指标", "created": datetime(2026, 1, 1)})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    names = list(kinds)
    _sheet(wb, ANNUAL_SHEET, ANNUAL_HEADER, head, {1: names, 5: list(KINDS)})
    _sheet(wb, WEIGHTS_SHEET, WEIGHTS_HEADER, head, {0: [ALL_INDICATORS, *names]})
    _sheet(wb, SHARES_SHEET, SHARES_HEADER, head, {2: names})
    _instructions(wb, head, kinds)
    wb.close()
    return path


def _sheet(wb, name: str, header: tuple, head, dropdowns: dict) -> None:
    ws = wb.add_worksheet(name)
    ws.write_row(0, 0, header, head)
    number = wb.add_format({"num_format": "#,##0.##"})
    text = wb.add_format({"num_format": "@"})
    for j, title in enumerate(header):
        numeric = title.startswith("全年") or title.endswith("月") or title == "比例"
        ws.set_column(j, j, max(8, len(title) * 2 + 4), number if numeric else text)
    for j, choices in dropdowns.items():
        ws.data_validation(1, j, LAST_ROW, j, {"validate": "list", "source": choices, "error_title": header[j],
                                               "error_message": f"请从下拉列表中选择：{'、'.join(choices)}"})
    ws.freeze_panes(1, 0)


def _instructions(wb, head, kinds: dict) -> None:
    ws = wb.add_worksheet("填写说明")
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    ws.set_column(0, 0, 110)
    for i, line in enumerate(instructions(kinds)):
        ws.write_string(i, 0, line, head if i == 0 else wrap)


def instructions(kinds: dict) -> list[str]:
    """The 填写说明 lines; ``kinds``: indicator → its default 类别."""
    defaults = "；".join(f"{name}：{kind or '须填写'}" for name, kind in kinds.items())
    return [
        "年度指标 填写说明（重要室经理将一年的指标按照月进度进行分解，再按照客户经理的人数按照月计划表再分配到每周，再细化到每天）",
        f"1. 「{ANNUAL_SHEET}」表：每个室、每项指标一行，填 所属室（与员工名册一致）、指标（下拉选择）、全年基本目标 ≤ "
        "全年目标值 ≤ 全年挑战目标。例：重要一室 | 集团收入 | 10800000 | 12000000 | 14400000。",
        f"2. 类别决定怎样取整：金额精确到 0.01（分），数量为整数，比率（如满意率）不拆分——每个月、每个人都得全年的数。"
        f"留空按指标的来源：{defaults}。全年数必须是该单位的整数倍（数量填整数，金额最多两位小数）。",
        "3. 月度分解：在该行的 1月 至 12月 填权重（月进度），12 个月都填或都不填；可以是百分比，也可以是任意比例。"
        f"都不填时，用「{WEIGHTS_SHEET}」表中该指标的一行，再没有就用其中「{ALL_INDICATORS}」一行，再没有就 12 个月平均。"
        "手头是累计进度（1月 8%、2月 16% … 12月 100%）时，请填每月的增量（本月累计 − 上月累计）。",
        "4. 各月相加正好等于全年数：按权重算出的每月数先取整到单位，剩下的零头按「余数最大者优先」补齐。",
        f"5. 分给客户经理：每月按员工名册中该室当月在岗（当月任一天在职）的客户经理、行业客户经理人数平均分；"
        f"要按比例分时，在「{SHARES_SHEET}」表中为该室在岗的每一位客户经理填 工号 和 比例（指标留空表示所有指标）。"
        "室内各人相加正好等于室的月指标。重要室经理得全室的月指标（他按全室合计考核）。",
        "6. 生成：kehu plan 年度指标.xlsx --staff 当月输入文件夹 --month 2026-10 --out 指标计划"
        "（或 --year 2026 生成 12 个月）。每个月得到 指标.xlsx（放入当月输入文件夹；月底填写黄色的完成值）和 "
        "月计划表.xlsx（各人目标值按周、按工作日分解）。",
    ]
