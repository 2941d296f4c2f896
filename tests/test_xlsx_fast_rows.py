"""kehu.render.xlsx_fast_rows: the re-implemented rows, cells and shared strings write the same bytes
as plain public xlsxwriter calls, and outside the tested xlsxwriter versions the public API is used."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
import xlsxwriter
from xlsxwriter.worksheet import Worksheet as StockWorksheet

sys.path.insert(0, str(Path(__file__).parent))

from result_factory import make_result  # noqa: E402

from kehu.render import xlsx_fast_rows  # noqa: E402
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
    a sheet with comments (``commented_sheet``)."""
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
    commented_sheet(wb.add_worksheet("注", worksheet_class=worksheet_class), bold, money)
    wb.close()
    return path.read_bytes()


def commented_sheet(ws, bold, money) -> None:
    """Comments as xlsxwriter writes them into the rows: on cells, on rows without cells (one
    resized), in columns beyond the cells (they widen the block's span) and in a block of 16
    rows that has no cell at all."""
    ws.write_string(0, 0, "with a comment", bold)
    ws.write_comment(0, 0, "note")
    for r in range(1, 40):                              # B and D of three rows in four
        if r % 4:
            ws.write_number(r, 1, r, money)
            ws.write_string(r, 3, f"行 {r}", bold)
    ws.write_comment(2, 1, "on a cell")
    ws.write_comment(4, 2, "on a row without cells")
    ws.write_comment(5, 9, "beyond the cells of its row")
    ws.set_row(8, 30)
    ws.write_comment(8, 0, "on a resized row without cells")
    ws.write_comment(20, 12, "beyond every cell of its block")
    ws.write_comment(50, 6, "in a block without cells")
    ws.write_comment(51, 7, "x" * 40000)                 # too long: refused by write_comment


def test_the_installed_xlsxwriter_is_in_the_tested_range_and_takes_the_fast_path():
    # setup.cfg pins the range; a CI on an xlsxwriter outside it would be testing the fallback only
    assert xlsx_fast_rows.tested_version(xlsxwriter.__version__)
    assert xlsx_fast_rows.FAST


def test_fast_sheet_writes_the_same_bytes_as_xlsxwriter(tmp_path):
    stock = every_kind_of_cell(tmp_path / "stock.xlsx", StockWorksheet)
    fast = every_kind_of_cell(tmp_path / "fast.xlsx", xlsx_fast_rows.Worksheet, xlsx_fast_rows.Workbook)
    assert fast == stock


def test_a_sheet_with_comments_takes_the_fast_rows(tmp_path):
    wb = xlsx_fast_rows.Workbook(str(tmp_path / "c.xlsx"), {"in_memory": True})
    ws = wb.add_worksheet("注", worksheet_class=xlsx_fast_rows.Worksheet)
    commented_sheet(ws, None, None)
    assert ws.prepared_cells()
    wb.close()


def test_spans_and_rows_of_comments_are_xlsxwriters(tmp_path):
    """The sheet part of ``commented_sheet`` alone, so a difference shows in its XML."""
    def sheet_xml(worksheet_class, workbook_class) -> str:
        path = tmp_path / f"{workbook_class.__module__}.xlsx"
        wb = workbook_class(str(path), {"in_memory": True})
        wb.set_properties({"created": CREATED})
        commented_sheet(wb.add_worksheet("注", worksheet_class=worksheet_class), wb.add_format({"bold": True}), None)
        wb.close()
        with zipfile.ZipFile(path) as z:
            return z.read("xl/worksheets/sheet1.xml").decode()
    stock = sheet_xml(StockWorksheet, xlsxwriter.Workbook)
    assert '<row r="5" spans="1:10"/>' in stock and '<row r="51" spans="7:7"/>' in stock     # what is compared
    assert sheet_xml(xlsx_fast_rows.Worksheet, xlsx_fast_rows.Workbook) == stock


def test_without_the_fast_path_the_classes_write_what_xlsxwriter_writes(tmp_path, monkeypatch):
    stock = every_kind_of_cell(tmp_path / "stock.xlsx", StockWorksheet)
    monkeypatch.setattr(xlsx_fast_rows, "FAST", False)
    assert every_kind_of_cell(tmp_path / "fallback.xlsx", xlsx_fast_rows.Worksheet, xlsx_fast_rows.Workbook) == stock


def test_manager_books_are_the_same_with_and_without_the_fast_path(tmp_path, monkeypatch):
    slices = manager_slices(make_result())
    expected = {}
    monkeypatch.setattr(xlsx_fast_rows, "FAST", False)
    for s, name in slices:
        expected[name] = write_manager_book(s, tmp_path / f"stock_{name}").read_bytes()
    monkeypatch.undo()                                 # the path this xlsxwriter takes
    for s, name in slices:
        assert write_manager_book(s, tmp_path / name).read_bytes() == expected[name], name


@pytest.mark.parametrize("version, tested", [("2.0.0", False), ("3.1.0", False), ("3.2", False), ("3.2.0", False),
                                             ("3.2.1", True), ("3.2.5", True), ("3.3.1", True), ("3.3.9", True),
                                             ("3.4.0", False), ("3.10.0", False), ("4.0.0", False)])
def test_tested_versions(version, tested):
    assert xlsx_fast_rows.tested_version(version) is tested


FALLBACK = """
import sys
from pathlib import Path
import xlsxwriter
xlsxwriter.__version__ = "9.0.0"           # an xlsxwriter the fast path was never tested on
sys.path.insert(0, sys.argv[1])
from result_factory import make_result
from kehu.render import xlsx_fast_rows
from kehu.render.manager_book import write_manager_book
from kehu.render.workbooks import manager_slices
assert not xlsx_fast_rows.FAST
for s, name in manager_slices(make_result()):
    write_manager_book(s, Path(sys.argv[2]) / name)
"""


def test_an_untested_xlsxwriter_version_takes_the_public_path_and_writes_the_same_books(tmp_path):
    (tmp_path / "public").mkdir()
    subprocess.run([sys.executable, "-c", FALLBACK, str(Path(__file__).parent), str(tmp_path / "public")],
                   check=True)
    slices = manager_slices(make_result())
    assert len(slices) > 1
    for s, name in slices:
        fast = write_manager_book(s, tmp_path / name).read_bytes()
        assert (tmp_path / "public" / name).read_bytes() == fast, name


def edge_table(path: Path) -> bytes:
    """A kehu table whose cells take every branch of Sheet._put: blanks of each missing
    kind, NaN/±inf, -0, Decimal and text numbers, text in date and rate columns, labels,
    booleans, control characters and a text longer than xlsxwriter keeps."""
    from decimal import Decimal

    import pandas as pd

    from kehu.month import Month
    from kehu.render.xlsx_layout import Col, Sheet
    from kehu.render.xlsx_style import Formats, open_workbook

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
    monkeypatch.setattr(xlsx_fast_rows, "FAST", False)
    assert edge_table(tmp_path / "stock.xlsx") == fast


def odd_report(path: Path) -> bytes:
    """A 校验报告 whose annotated copies hold every kind of value a reader gives — and some it
    does not — flagged cells beyond a row's values, a flagged header, a long sheet copied as its
    flagged rows and a short one whole; a 问题清单 with a finding without a row and a value too
    long for a prepared cell; and a 导入核对 sheet."""
    import pandas as pd

    from kehu.findings import Finding
    from kehu.load.reader import RawSheet
    from kehu.render.import_check import FIELDS
    from kehu.render.report import write_report

    rows = [[f"{i:04d}", ODD_VALUES[i % len(ODD_VALUES)], ODD_VALUES[-i % len(ODD_VALUES)]] for i in range(1, 120)]
    long = RawSheet("打卡记录.xlsx", "打卡", [["工号", "打卡时间", "备注"], *rows])
    named = ([v, str(i)] for i, v in enumerate(ODD_VALUES))
    short = RawSheet("名册.xlsx", "员工", [["说明"], ["工号", "姓名"], *named])
    raws = {"打卡记录.xlsx": [long], "名册.xlsx": [short]}
    findings = ([flagged(long, r, "BCD"[r % 3], *(("error", "E-date") if r % 5 else ())) for r in range(2, 121, 3)]
                + [flagged(short, r, "AB"[r % 2]) for r in range(3, 22)] + [flagged(short, 2, "A", "error", "E-id")]
                + [flagged(long, 7, ""), flagged(long, 7, "B", "error", "E-required"), flagged(short, 9, "F")]
                + [Finding("error", "E-dataset-missing", "没有客户名册", dataset="customers"),
                   Finding("warning", "W-phone", "长值", "名册.xlsx", "员工", 4, "工号", "A", "v" * 20000)])
    checks = pd.DataFrame([["1001", "王芳", pd.Timestamp("2026-10-09"), "钉钉", "迟到", "正常", "09:00–18:00",
                            "08:59", "说明\n两行", "考勤.xlsx", "月报", 5]], columns=FIELDS)

    class Kept:
        def get_raws(self, source):
            return raws[source]
    write_report(path, findings, [], {name: name for name in raws}, "2026-10", import_check=checks, kept=Kept())
    return path.read_bytes()


ODD_VALUES = ["", None, 0, -1.5, 10 ** 15, True, False, datetime(2026, 10, 9, 8, 59), date(2026, 10, 9),
              time(9, 30), timedelta(hours=2), "普通", " lead", "x" * 20000, "y" * 40000, "emoji 😀" * 5000, "a\nb",
              "=1+1", "0124"]


def flagged(raw, row: int, letter: str, severity: str = "warning", code: str = "W-phone"):
    """A finding at ``letter`` of ``row`` of ``raw`` (the whole row without a letter)."""
    from kehu.findings import Finding
    cells = raw.rows[row - 1] if row <= len(raw.rows) else []
    value = str(cells[ord(letter) - 65]) if letter and ord(letter) - 65 < len(cells) else ""
    return Finding(severity, code, f"{code} 第 {row} 行 {letter}", raw.file, raw.sheet, row, letter and "列", letter,
                   value, "punches")


def test_reports_are_the_same_with_and_without_the_fast_path(tmp_path, monkeypatch):
    fast = odd_report(tmp_path / "fast.xlsx")
    monkeypatch.setattr(xlsx_fast_rows, "FAST", False)
    assert odd_report(tmp_path / "stock.xlsx") == fast
