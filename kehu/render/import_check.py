"""The 导入核对 sheet of the 校验报告 (issue 17): where an attendance export and kehu disagree.

One line per day on which DingTalk's or WeCom's own verdict differs from kehu's reading of the
punches, or on which an administrator corrected the export's result (kehu.validate.import_check
decides which): what the export says, what kehu says, kehu's schedule of that day and the punches
it used, and why they may differ. The export's verdicts are never used for money; the sheet is
there so the clerk can see why. Written only when the month's inputs hold an attendance export,
after the report's own sheets and in their look (kehu.render.report: its formats, A4 landscape one
page wide, the title and header repeated on every page and frozen, rows as high as their text).
"""
from __future__ import annotations

import pandas as pd

from kehu.render.report_copies import fit_height
from kehu.render.xlsx_fast_rows import Worksheet

SHEET = "导入核对"
HEADERS = ["工号", "姓名", "日期", "导出", "导出的结果", "kehu 的结果", "kehu 的作息", "kehu 使用的打卡", "说明",
           "文件", "工作表", "行"]
FIELDS = ["employee_id", "name", "date", "export", "export_says", "kehu_says", "schedule", "punches", "note",
          "file", "sheet", "row"]
WIDTHS = [9, 8, 11, 12, 30, 24, 13, 16, 30, 16, 10, 6]
HEADER_ROW = 3
EXPLAINED = ("钉钉、企业微信导出中的考勤结果（迟到、缺卡、管理员改为正常等）只用于核对，不用于扣款：kehu 按考勤制度的作息"
             "和日历，从打卡记录和审批通过的请假、补卡重新计算。下表列出两者不一致的每一天，以及管理员修改过结果的每一天。")


def write_import_check(wb, fmt: dict, rows: pd.DataFrame | None, month_label: str, print_setup) -> None:
    """The 导入核对 sheet into the report workbook ``wb`` (xlsxwriter) in the report's formats
    ``fmt``, printed as ``print_setup(ws, header_row)`` sets up; nothing when ``rows`` is None."""
    if rows is None:
        return
    ws = wb.add_worksheet(SHEET, worksheet_class=Worksheet)
    ws.write(0, 0, f"导入核对 — {month_label}", fmt["title"])
    ws.merge_range(1, 0, 1, len(HEADERS) - 1, EXPLAINED, fmt["cell"])
    fit_height(ws, 1, [(EXPLAINED, sum(WIDTHS))])
    ws.write(2, 0, f"共 {len(rows):,} 天需要核对。" if len(rows) else "导出的考勤结果与 kehu 的计算一致，没有需要核对的日子。",
             fmt["section"])
    ws.write_row(HEADER_ROW, 0, HEADERS, fmt["head"])
    date = wb.add_format({"valign": "top", "font_size": 11, "border": 1, "num_format": "yyyy-mm-dd"})
    for i, record in enumerate(rows[FIELDS].itertuples(index=False), start=HEADER_ROW + 1):
        _write_line(ws, fmt, date, i, record)
    for j, width in enumerate(WIDTHS):
        ws.set_column(j, j, width)
    ws.autofilter(HEADER_ROW, 0, HEADER_ROW + max(len(rows), 1), len(HEADERS) - 1)
    print_setup(ws, HEADER_ROW)


def _write_line(ws, fmt, date, i: int, record) -> None:
    for j, value in enumerate(record):
        if j == 2 and not pd.isna(value):
            ws.write_datetime(i, j, pd.Timestamp(value).to_pydatetime(), date)
        elif j == len(FIELDS) - 1:
            ws.write_number(i, j, int(value), fmt["number"])
        else:
            ws.write_string(i, j, _text(value), fmt["cell"])
    fit_height(ws, i, [(_text(v), w) for v, w in zip(record, WIDTHS) if isinstance(v, str)])    # print shows every line


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
