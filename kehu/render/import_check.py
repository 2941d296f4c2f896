"""The 导入核对 sheet of the 校验报告 (issue 17): where an attendance export and kehu disagree.

One line per day on which DingTalk's or WeCom's own verdict differs from kehu's reading of the
punches, or on which an administrator corrected the export's result (kehu.validate.import_check
decides which): what the export says, what kehu says, kehu's schedule of that day and the punches
it used, and why they may differ. The export's verdicts are never used for money; the sheet is
there so the clerk can see why. Written only when the month's inputs hold an attendance export.
"""
from __future__ import annotations

import pandas as pd

SHEET = "导入核对"
HEADERS = ["工号", "姓名", "日期", "导出", "导出的结果", "kehu 的结果", "kehu 的作息", "kehu 使用的打卡", "说明",
           "文件", "工作表", "行"]
FIELDS = ["employee_id", "name", "date", "export", "export_says", "kehu_says", "schedule", "punches", "note",
          "file", "sheet", "row"]
WIDTHS = [10, 8, 11, 16, 34, 30, 22, 22, 40, 22, 14, 6]
HEADER_ROW = 3
EXPLAINED = ("钉钉、企业微信导出中的考勤结果（迟到、缺卡、管理员改为正常等）只用于核对，不用于扣款：kehu 按考勤制度的作息"
             "和日历，从打卡记录和审批通过的请假、补卡重新计算。下表列出两者不一致的每一天，以及管理员修改过结果的每一天。")


def write_import_check(wb, rows: pd.DataFrame | None, month_label: str) -> None:
    """The 导入核对 sheet into the report workbook ``wb`` (xlsxwriter); nothing when ``rows`` is None."""
    if rows is None:
        return
    ws = wb.add_worksheet(SHEET)
    fmt = _formats(wb)
    ws.write(0, 0, f"导入核对 — {month_label}", fmt["title"])
    ws.write(1, 0, EXPLAINED, fmt["note"])
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
    for j, value in enumerate(record):
        if j == 2 and not pd.isna(value):
            ws.write_datetime(i, j, pd.Timestamp(value).to_pydatetime(), fmt["date"])
        elif j == len(FIELDS) - 1:
            ws.write_number(i, j, int(value), fmt["cell"])
        else:
            ws.write_string(i, j, "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value),
                            fmt["wrap"])


def _formats(wb) -> dict:
    return {
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "note": wb.add_format({"font_color": "#404040"}),
        "bold": wb.add_format({"bold": True}),
        "head": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}),
        "cell": wb.add_format({"border": 1, "valign": "top"}),
        "wrap": wb.add_format({"border": 1, "text_wrap": True, "valign": "top"}),
        "date": wb.add_format({"border": 1, "valign": "top", "num_format": "yyyy-mm-dd"}),
    }

