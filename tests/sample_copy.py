"""Copies of the demo month (sample_inputs/) with one clerk's mistake planted (issue 11).

``copy_sample(folder)`` copies the month; ``rename_header``, ``set_cell``, ``staff_cell`` change a
workbook in the copy in place with openpyxl, the way a clerk would in Excel.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

SAMPLE = Path(__file__).resolve().parents[1] / "sample_inputs"
REQUIRED_FILES = ("员工名册.xlsx", "客户名册.xlsx", "打卡记录.xlsx", "指标.xlsx", "学习测评.xlsx",
                  "出访登记_重要一室.xlsx", "回访记录.xlsx")


def copy_sample(folder: Path) -> Path:
    shutil.copytree(SAMPLE, folder)
    return folder


def _header_row(ws, name: str) -> int:
    for row in ws.iter_rows(max_row=30):
        if any(c.value == name for c in row):
            return row[0].row
    raise KeyError(name)


def rename_header(folder: Path, file: str, old: str, new: str) -> None:
    """Every header cell ``old`` of every sheet of ``file`` becomes ``new``."""
    wb = openpyxl.load_workbook(folder / file)
    found = False
    for ws in wb.worksheets:
        for row in ws.iter_rows(max_row=30):
            for cell in row:
                if cell.value == old:
                    cell.value, found = new, True
    assert found, (file, old)
    wb.save(folder / file)


def column_cells(folder: Path, file: str, header: str) -> list:
    """(sheet title, cell) of every data cell under ``header`` in ``file``."""
    wb = openpyxl.load_workbook(folder / file)
    out = []
    for ws in wb.worksheets:
        try:
            top = _header_row(ws, header)
        except KeyError:
            continue
        col = next(c.column for c in ws[top] if c.value == header)
        out += [(ws.title, ws.cell(r, col)) for r in range(top + 1, ws.max_row + 1) if ws.cell(r, col).value is not None]
    return out


def edit(folder: Path, file: str, change) -> None:
    """``change(workbook)`` then save: any edit a test needs."""
    wb = openpyxl.load_workbook(folder / file)
    change(wb)
    wb.save(folder / file)


def staff_cell(folder: Path, employee_id: str, header: str, value) -> None:
    """Set the 员工名册 cell ``header`` of ``employee_id``."""
    def change(wb):
        ws = wb.active
        top = _header_row(ws, "工号")
        cols = {c.value: c.column for c in ws[top]}
        for r in range(top + 1, ws.max_row + 1):
            if str(ws.cell(r, cols["工号"]).value) == employee_id:
                ws.cell(r, cols[header]).value = value
                return
        raise KeyError(employee_id)
    edit(folder, "员工名册.xlsx", change)
