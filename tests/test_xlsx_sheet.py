"""kehu.render.xlsx_sheet: the fast worksheet writes the same bytes as xlsxwriter's own."""
from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import xlsxwriter
from xlsxwriter.worksheet import Worksheet as StockWorksheet

sys.path.insert(0, str(Path(__file__).parent))

from result_factory import make_result  # noqa: E402

from kehu.render import xlsx_sheet  # noqa: E402
from kehu.render.manager_book import write_manager_book  # noqa: E402
from kehu.render.workbooks import manager_slices  # noqa: E402
from kehu.render.xlsx_style import WORKBOOK_OPTIONS  # noqa: E402

CREATED = datetime(2026, 10, 31, 18, 0, 0)


# shared strings that xlsxwriter writes specially (escapes, xml:space, _xHHHH_, rich look-alike)
ODD_STRINGS = ["", " lead", "trail ", "全角　", "\u3000全角", "a\nb", "tab\tin", "_x0041_", "x_x", "<r>rich?</r>",
               "&<>\"'", "bell\x07", "\ufffe\uffff", "普通文本", "emoji 😀", "\u2028sep"]


def every_kind_of_cell(path: Path, worksheet_class, workbook_class=xlsxwriter.Workbook) -> bytes:
    """A workbook with each cell type xlsxwriter knows, sparse and merged cells, row
    formats and heights, > 16 rows (several spans), odd shared strings, an empty sheet and
    a sheet with a comment."""
    wb = workbook_class(str(path), {**WORKBOOK_OPTIONS, "in_memory": True, "default_date_format": "yyyy-mm-dd"})
    wb.set_properties({"created": CREATED})
    bold, money = wb.add_format({"bold": True}), wb.add_format({"num_format": "¥#,##0.00", "border": 1})
    row_format = wb.add_format({"italic": True})
    ws = wb.add_worksheet("一", worksheet_class=worksheet_class)
    ws.merge_range(0, 0, 0, 5, "", bold)
    ws.write_string(0, 0, "标题 & <title> \"quoted\"", bold)
    ws.set_row(1, 30)
    ws.set_row(3, None, row_format)
    for r in range(2, 40):
        ws.write_number(r, 0, r * 1.25, money)
        ws.write_number(r, 1, r, None)                          # number without a format
        ws.write_string(r, 2 if r % 3 else 7, f"文本 {r % 5}\x01", bold if r % 2 else None)
        ws.write_blank(r, 3, None, money)
        ws.write_datetime(r, 4, datetime(2026, 10, 1 + r % 28))
        ws.write_datetime(r, 5, datetime(2026, 10, 1 + r % 28, 12, 30), money)
    ws.write_formula(40, 0, "=SUM(A3:A40)", money, 1000.5)
    ws.write_formula(40, 1, '=IF(A1>0,"yes","no")', None, "yes")
    ws.write_boolean(40, 2, True, bold)
    ws.write_array_formula(41, 0, 41, 0, "{=SUM(A3:A5*B3:B5)}", money, 3)
    ws.write_rich_string(42, 0, "plain ", bold, "bold", " tail")
    ws.set_row(45, 40)                                          # a row with attributes only
    ws.write_string(70, 3, "far below", money)
    for i, text in enumerate(ODD_STRINGS):
        ws.write_string(80 + i, 1, text, bold)
    ws.conditional_format(2, 0, 39, 0, {"type": "cell", "criteria": ">", "value": 50, "format": bold})
    for row, height, options in [(5, 20, {"hidden": True}), (6, 15, {"level": 1}), (7, 15, {}), (8, 0, {}),
                                 (9, None, {"collapsed": True}), (10, 33.5, {})]:
        ws.set_row(row, height, None, options)
    tall = wb.add_worksheet("高", worksheet_class=worksheet_class)     # another default row height
    tall.set_default_row(24)
    tall.set_row(2, 15)
    for r in range(4):
        tall.write_number(r, 0, r, money)
    bars = wb.add_worksheet("条", worksheet_class=worksheet_class)     # Excel 2010 rows (x14ac:dyDescent)
    for r in range(4):
        bars.write_number(r, 0, r, money)
    bars.conditional_format(0, 0, 3, 0, {"type": "data_bar", "data_bar_2010": True})
    wb.add_worksheet("空", worksheet_class=worksheet_class)
    commented = wb.add_worksheet("注", worksheet_class=worksheet_class)
    commented.write_string(0, 0, "with a comment", bold)
    commented.write_comment(0, 0, "note")
    wb.close()
    return path.read_bytes()


def test_fast_sheet_writes_the_same_bytes_as_xlsxwriter(tmp_path, monkeypatch):
    # the installed xlsxwriter has what the fast paths read
    assert xlsx_sheet.FAST_ROWS and xlsx_sheet.FAST_CELLS and xlsx_sheet.FAST_SST and xlsx_sheet.FAST_ZIP
    monkeypatch.setattr(xlsx_sheet, "FAST_ZIP", False)          # the deflate level is the one byte change
    stock = every_kind_of_cell(tmp_path / "stock.xlsx", StockWorksheet)
    fast = every_kind_of_cell(tmp_path / "fast.xlsx", xlsx_sheet.Worksheet, xlsx_sheet.Workbook)
    assert fast == stock


def test_missing_xlsxwriter_internals_fall_back_to_the_stock_code(tmp_path, monkeypatch):
    stock = every_kind_of_cell(tmp_path / "stock.xlsx", StockWorksheet)
    monkeypatch.setattr(xlsx_sheet, "FAST_ROWS", False)
    monkeypatch.setattr(xlsx_sheet, "FAST_SST", False)
    monkeypatch.setattr(xlsx_sheet, "FAST_ZIP", False)
    assert every_kind_of_cell(tmp_path / "fallback.xlsx", xlsx_sheet.Worksheet, xlsx_sheet.Workbook) == stock


def test_workbook_parts_are_deflated_at_level_one_and_unchanged(tmp_path, monkeypatch):
    import zipfile
    import zlib

    def parts(path: Path) -> dict:
        with zipfile.ZipFile(path) as z:
            return {i.filename: (z.read(i), i.compress_size) for i in z.infolist()}
    fast = parts(tmp_path / "fast.xlsx") if every_kind_of_cell(
        tmp_path / "fast.xlsx", xlsx_sheet.Worksheet, xlsx_sheet.Workbook) else {}
    stock = parts(tmp_path / "stock.xlsx") if every_kind_of_cell(tmp_path / "stock.xlsx", StockWorksheet) else {}
    assert {name: data for name, (data, _) in fast.items()} == {name: data for name, (data, _) in stock.items()}
    for name, (data, size) in fast.items():
        deflate = zlib.compressobj(xlsx_sheet.ZIP_LEVEL, zlib.DEFLATED, -15)
        assert size == len(deflate.compress(data) + deflate.flush()), name
    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile                 # swapped for the call only


def test_manager_books_are_the_same_with_and_without_the_fast_paths(tmp_path, monkeypatch):
    slices = manager_slices(make_result())
    expected = {}
    monkeypatch.setattr(xlsx_sheet, "FAST_ROWS", False)
    monkeypatch.setattr(xlsx_sheet, "FAST_CELLS", False)
    monkeypatch.setattr(xlsx_sheet, "FAST_SST", False)
    for s, name in slices:
        expected[name] = write_manager_book(s, tmp_path / f"stock_{name}").read_bytes()
    monkeypatch.setattr(xlsx_sheet, "FAST_ROWS", True)
    monkeypatch.setattr(xlsx_sheet, "FAST_CELLS", True)
    monkeypatch.setattr(xlsx_sheet, "FAST_SST", True)
    for s, name in slices:
        assert write_manager_book(s, tmp_path / name).read_bytes() == expected[name], name


def edge_table(path: Path) -> bytes:
    """A kehu table whose cells take every branch of Sheet._put: blanks of each missing
    kind, NaN/±inf, -0, Decimal and text numbers, text in date and rate columns, labels,
    booleans, control characters and a text longer than xlsxwriter keeps."""
    from decimal import Decimal

    import pandas as pd

    from kehu.month import Month
    from kehu.render.xlsx_style import Col, Formats, Sheet, open_workbook

    cols = [Col("文本", "text"), Col("金额", "money", "money", total=True), Col("数", "number", "number"),
            Col("整数", "int", "int"), Col("得分", "score", "score"), Col("比例", "pct", "pct"),
            Col("日期", "date", "date"), Col("是否", "flag", "bool"), Col("状态", "status", "center", {"a": "甲"})]
    values = {
        "text": [None, "", "普通", "=HYPERLINK(1)", "控制\x01字符\x7f", "x" * 40000, 12, float("nan")],
        "money": [Decimal("12.30"), "7.5", Decimal("-0"), -0.0, 3, None, "", 1e12],
        "number": [0, float("inf"), -1.005, float("-inf"), Decimal("NaN"), pd.NA, 2.675, Decimal("1234567.891")],
        "int": [1, 2.0, Decimal("3.0"), True, None, -4, 10 ** 6, "5"],
        "score": [99.995, 0.0049, None, Decimal("100"), -0.001, 1, 2, 3],
        "pct": [0.5, "—", 1, Decimal("0.123"), None, 2.0, "", -0.25],
        "date": [pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-01 13:45"), pd.NaT, "2026-10-xx",
                 datetime(2026, 10, 2), pd.Timestamp("2026-10-01"), None, __import__("datetime").date(2026, 10, 3)],
        "flag": [True, False, None, "是", 1, 0, float("nan"), "否"],
        "status": ["a", "b", None, "a", "", "a", "c", pd.NA],
    }
    records = [{key: column[i] for key, column in values.items()} for i in range(8)]
    month = Month(2026, 10)
    wb = open_workbook(path, month, "edge")
    fmt = Formats(wb)
    sheet = Sheet(wb, fmt, "表", len(cols))
    sheet.title("边界", "值")
    sheet.table(cols, records, total_label="合计", alerts=[("money", ">0", "alert")])
    sheet.table(cols, [], empty_text="无")
    sheet.finish()
    wb.close()
    return path.read_bytes()


def test_prepared_table_cells_equal_the_cell_by_cell_writes(tmp_path, monkeypatch):
    fast = edge_table(tmp_path / "fast.xlsx")
    monkeypatch.setattr(xlsx_sheet, "FAST_CELLS", False)
    monkeypatch.setattr(xlsx_sheet, "FAST_ROWS", False)
    monkeypatch.setattr(xlsx_sheet, "FAST_SST", False)
    assert edge_table(tmp_path / "stock.xlsx") == fast
