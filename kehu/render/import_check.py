"""The 导入核对 sheet of the 校验报告 (issue 17): where an attendance export and kehu disagree.

One line per day on which DingTalk's or WeCom's own verdict differs from kehu's reading of the
punches, or on which an administrator corrected the export's result (kehu.validate.import_check
decides which): what the export says, what kehu says, kehu's schedule of that day and the punches
it used, and why they may differ. The export's verdicts are never used for money; the sheet is
there so the clerk can see why. Written only when the month's inputs hold an attendance export.
"""
from __future__ import annotations

import math

import pandas as pd

from kehu.render.xlsx_style import display_width

SHEET = "导入核对"
HEADERS = ["工号", "姓名", "日期", "导出", "导出的结果", "kehu 的结果", "kehu 的作息", "kehu 使用的打卡", "说明",
           "文件", "工作表", "行"]
FIELDS = ["employee_id", "name", "date", "export", "export_says", "kehu_says", "schedule", "punches", "note",
          "file", "sheet", "row"]
WIDTHS = [9, 8, 11, 12, 30, 24, 13, 16, 30, 16, 10, 5]
HEADER_ROW = 3
LINE_HEIGHT = 15                    # points per line of wrapped text (the default font)
EXPLAINED = ("钉钉、企业微信导出中的考勤结果（迟到、缺卡、管理员改为正常等）只用于核对，不用于扣款：kehu 按考勤制度的作息"
             "和日历，从打卡记录和审批通过的请假、补卡重新计算。下表列出两者不一致的每一天，以及管理员修改过结果的每一天。")


def write_import_check(wb, rows: pd.DataFrame | None, month_label: str) -> None:
    """The 导入核对 sheet into the report workbook ``wb`` (xlsxwriter); nothing when ``rows`` is None."""
    if rows is None:
        return
    ws = wb.add_worksheet(SHEET)
    fmt = _formats(wb)
    ws.write(0, 0, f"导入核对 — {month_label}", fmt["title"])
    ws.merge_range(1, 0, 1, len(HEADERS) - 1, EXPLAINED, fmt["note"])
    ws.set_row(1, LINE_HEIGHT * _lines(EXPLAINED, sum(WIDTHS)))
    ws.write(2, 0, f"共 {len(rows):,} 天需要核对。" if len(rows) else "导出的考勤结果与 kehu 的计算一致，没有需要核对的日子。",
             fmt["bold"])
    ws.write_row(HEADER_ROW, 0, HEADERS, fmt["head"])
    for i, record in enumerate(rows[FIELDS].itertuples(index=False), start=HEADER_ROW + 1):
        _write_line(ws, fmt, i, record)
    for j, width in enumerate(WIDTHS):
        ws.set_column(j, j, width)
    ws.autofilter(HEADER_ROW, 0, HEADER_ROW + max(len(rows), 1), len(HEADERS) - 1)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW)


def _write_line(ws, fmt, i: int, record) -> None:
    texts = [(str(v), w) for v, w in zip(record, WIDTHS) if isinstance(v, str)]
    ws.set_row(i, LINE_HEIGHT * max([_lines(t, w) for t, w in texts] + [1]))    # print shows every line
    for j, value in enumerate(record):
        if j == 2 and not pd.isna(value):
            ws.write_datetime(i, j, pd.Timestamp(value).to_pydatetime(), fmt["date"])
        elif j == len(FIELDS) - 1:
            ws.write_number(i, j, int(value), fmt["cell"])
        else:
            ws.write_string(i, j, "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value),
                            fmt["wrap"])


def _lines(text: str, width: int) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (CJK count double)."""
    return max(1, math.ceil(display_width(text) / max(width - 2, 1)))


def _formats(wb) -> dict:
    return {
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "note": wb.add_format({"font_color": "#404040", "text_wrap": True, "valign": "top"}),
        "bold": wb.add_format({"bold": True}),
        "head": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}),
        "cell": wb.add_format({"border": 1, "valign": "top"}),
        "wrap": wb.add_format({"border": 1, "text_wrap": True, "valign": "top"}),
        "date": wb.add_format({"border": 1, "valign": "top", "num_format": "yyyy-mm-dd"}),
    }

