"""Validation (SPEC §1, §5, §9): one planted mistake → exactly one finding at the right cell.

Every test starts from ``builders.tiny_month()`` (a valid October 2026 with no
finding at all), plants ONE mistake, writes real workbooks and asserts the
flattened findings ``(sheet, Excel row, column letter, code)``. The tiny month's
sheets: 员工 客户 出访 打卡 请假 违纪 指标 测评 回访; row 1 is the header, so the
first data row is Excel row 2.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from click.testing import CliRunner

from builders import sender_rules, sender_rules_file, tiny_month, write_month
from test_finding_codes import half_width_punctuation
from kehu import pipeline
from kehu.cli import cli
from kehu.month import Month
from kehu.validate import validate_month

MONTH = Month(2026, 10)
RULES = sender_rules()              # the letters' sender filled in: a clean month stays clean
CJK = re.compile(r"[\u4e00-\u9fff]")

# the tiny month's files
STAFF, CUST, VISIT, PUNCH, LEAVE, VIOL, TARGET, TEST, CALLBACK = (
    "员工名册.xlsx", "客户名册.xlsx", "出访登记.xlsx", "打卡记录.xlsx", "请假外出.xlsx", "违纪记录.xlsx",
    "指标.xlsx", "学习测评.xlsx", "回访记录.xlsx")


def rows(month: dict, file: str) -> list:
    """The rows of the single sheet of ``file``."""
    return next(iter(month[file].values()))


def spare_customer(month: dict, **cells) -> list:
    """Append a customer nobody references (its rejection cascades nowhere); returns the row."""
    header = rows(month, CUST)[0]
    row = dict(zip(header, ["000199", "备用客户", "C", "1001", None, None, None, None, "否", 1, 1, 0, 0, None,
                            "在网", None]))
    row.update(cells)
    rows(month, CUST).append([row[h] for h in header])
    return rows(month, CUST)[-1]


def validate(tmp_path: Path, month: dict, when: Month = MONTH):
    folder = write_month(tmp_path / "in", month)
    inputs = validate_month(folder, when, RULES)
    assert_accounted(inputs)
    return inputs


def flat(findings, fields=("sheet", "row", "letter", "code")) -> list[tuple]:
    """Tuples in a fixed order (file, sheet, row, column, code), e.g. [("打卡记录", 7, "C", "E-time")]."""
    ordered = sorted(findings, key=lambda f: (f.file, f.sheet, f.row or 0, f.letter.rjust(3), f.code, f.message))
    return [tuple(getattr(f, k) for k in fields) for f in ordered]


def assert_accounted(inputs) -> None:
    """SPEC §9.10: per sheet, read = used + rejected + ignored + duplicate + empty."""
    for s in inputs.sheets:
        assert s.read == s.used + s.rejected + s.ignored + s.duplicate + s.empty, s


def assert_clerk_message(finding) -> None:
    assert CJK.search(finding.message), finding
    if finding.value:
        assert finding.value in finding.message or finding.code in VALUE_ELSEWHERE, finding
    assert half_width_punctuation(finding.message.replace(finding.value, "")) == [], finding.message


# codes whose message describes the row rather than echoing the cell
VALUE_ELSEWHERE = {"W-duplicate-row", "E-room-manager", "E-target-order", "E-churn-date", "W-visit-unsigned"}


def test_tiny_month_is_clean(tmp_path):
    inputs = validate(tmp_path, tiny_month())
    assert inputs.findings == []
    assert {s.sheet: s.used for s in inputs.sheets} == {
        "员工": 3, "客户": 3, "出访": 3, "打卡": 24, "请假": 1, "违纪": 1, "指标": 14, "测评": 2, "回访": 2}


# -- one planted mistake per finding code -----------------------------------------------------------

def _set(file, row, col, value):
    def plant(m):
        rows(m, file)[row - 1][col] = value
    return plant


def _append(file, row):
    def plant(m):
        rows(m, file).append(list(row))
    return plant


def _spare(**cells):
    return lambda m: spare_customer(m, **cells)


def _delete(file, row):
    def plant(m):
        del rows(m, file)[row - 1]
    return plant


def _visit_column(header, value):
    def plant(m):
        v = rows(m, VISIT)
        v[0].append(header)
        for r in v[1:]:
            r.append(None)
        v[1][-1] = value
    return plant


PLANTED = {
    # cell typing (kehu.load) — a bad cell rejects its row
    "E-required": (_set(CALLBACK, 3, 4, "\u3000"), [("回访", 3, "E", "E-required")]),
    "E-id": (_set(CALLBACK, 2, 2, 1003.5), [("回访", 2, "C", "E-id")]),
    "E-enum": (_set(CALLBACK, 2, 4, "很好"), [("回访", 2, "E", "E-enum")]),
    "E-money": (_spare(本月收入="一万"), [("客户", 5, "L", "E-money")]),
    "E-money-negative": (_spare(年用量=-5), [("客户", 5, "N", "E-money")]),
    "E-int": (_spare(月末成员数=2.5), [("客户", 5, "K", "E-int")]),
    "E-number": (_append(TARGET, ["1001", "企信通", "一百", 200, 300, 1]), [("指标", 16, "C", "E-number")]),
    "E-score": (_set(TEST, 2, 2, 120), [("测评", 2, "C", "E-score")]),
    "E-date": (_set(VISIT, 2, 0, "2026-13-01"), [("出访", 2, "A", "E-date")]),
    "E-time": (_visit_column("开始时间", "25:61"), [("出访", 2, "I", "E-time")]),
    "E-datetime": (_set(PUNCH, 2, 1, "2026-10-09 上午"), [("打卡", 2, "B", "E-datetime")]),
    "E-bool": (_set(VISIT, 2, 5, "可能"), [("出访", 2, "F", "E-bool")]),
    "E-month": (_set(TEST, 2, 1, "十月"), [("测评", 2, "B", "E-month")]),
    "W-phone": (_set(CUST, 2, 5, "12345"), [("客户", 2, "F", "W-phone")]),
    # dataset checks (kehu.validate.checks)
    "W-duplicate-row": (lambda m: rows(m, VISIT).append(list(rows(m, VISIT)[3])), [("出访", 5, "", "W-duplicate-row")]),
    "E-duplicate-key": (_append(TEST, ["1001", "2026年10月", 60]), [("测评", 4, "B", "E-duplicate-key")]),
    "E-date-order": (_set(LEAVE, 2, 3, "2026-10-11"), [("请假", 2, "D", "E-date-order")]),
    "E-date-order-staff": (_append(STAFF, ["1009", "赵六", "客户经理", "重要一室", 5000, "2026-01-01", "2025-12-31",
                                           None, None]), [("员工", 5, "G", "E-date-order")]),
    "E-room-manager": (_append(STAFF, ["1004", "刘洋", "重要室经理", "重要一室", 8000, None, None, None, None]),
                       [("员工", 5, "C", "E-room-manager")]),
    "E-unknown-employee": (_set(VIOL, 2, 0, "9999"), [("违纪", 2, "A", "E-unknown-employee")]),
    "W-unknown-employee": (_set(PUNCH, 2, 0, "9999"), [("打卡", 2, "A", "W-unknown-employee")]),
    "W-unknown-employee-agent": (_set(CALLBACK, 2, 2, "9999"), [("回访", 2, "C", "W-unknown-employee")]),
    "E-unknown-customer": (_set(CALLBACK, 2, 1, "000999"), [("回访", 2, "B", "E-unknown-customer")]),
    "W-unknown-customer": (_set(VISIT, 4, 2, "000999"), [("出访", 4, "C", "W-unknown-customer")]),
    "E-churn-date": (_set(CUST, 4, 15, None), [("客户", 4, "P", "E-churn-date")]),
    "W-churn-date": (_set(CUST, 3, 15, "2026-10-01"), [("客户", 3, "P", "W-churn-date")]),
    "W-churn-date-later": (_set(CUST, 4, 15, "2026-11-03"), [("客户", 4, "P", "W-churn-date")]),
    "E-target-order": (_append(TARGET, ["1001", "企信通", 300, 200, 300, 1]), [("指标", 16, "D", "E-target-order")]),
    "E-required-actual": (_append(TARGET, ["1001", "企信通", 100, 200, 300, None]), [("指标", 16, "F", "E-required")]),
    "E-target-missing": (_delete(TARGET, 2), [("指标", None, "", "E-target-missing")]),
    "W-row-outside-month": (_set(PUNCH, 2, 1, "2026-11-02 09:45"), [("打卡", 2, "B", "W-row-outside-month")]),
    "W-row-outside-month-violation": (_append(VIOL, ["1002", "2026-09-30", "未穿工作服", None]),
                                      [("违纪", 3, "B", "W-row-outside-month")]),
    "W-row-outside-month-leave": (_append(LEAVE, ["1001", "事假", "2026-09-01", "2026-09-02"]),
                                  [("请假", 3, "C", "W-row-outside-month")]),
    # a dataset with rows but none of the month: one error, no warning per row (SPEC §10.2)
    "E-month-mismatch-violations": (_set(VIOL, 2, 1, "2026-09-30"), [("违纪", None, "", "E-month-mismatch")]),
    "E-month-mismatch-leave": (lambda m: rows(m, LEAVE)[1].__setitem__(slice(2, 4), ["2026-09-01", "2026-09-02"]),
                               [("请假", None, "", "E-month-mismatch")]),
    "E-month-mismatch-targets": (lambda m: m["指标.xlsx"].__setitem__("2026年9月指标", m["指标.xlsx"].pop("指标")),
                                 [("2026年9月指标", None, "", "E-month-mismatch")]),
    "W-row-outside-month-callback": (_set(CALLBACK, 2, 0, "2026-11-11"), [("回访", 2, "A", "W-row-outside-month")]),
    "W-row-outside-month-visit": (_set(VISIT, 4, 0, "2026-11-01"), [("出访", 4, "A", "W-row-outside-month")]),
    "W-row-outside-month-test": (_set(TEST, 3, 1, "2026-11"), [("测评", 3, "B", "W-row-outside-month")]),
    "W-visit-unsigned": (_set(VISIT, 3, 5, "是"), [("出访", 3, "G", "W-visit-unsigned")]),
    "W-visit-foreign": (_set(VISIT, 4, 2, "000101"), [("出访", 4, "C", "W-visit-foreign")]),
    "E-punch-fix-time": (_append(LEAVE, ["1001", "补卡", "2026-10-09", None]), [("请假", 3, "C", "E-punch-fix-time")]),
    "W-punch-fix-end": (_append(LEAVE, ["1001", "补卡", "2026-10-09 09:40", "2026-10-09 09:50"]),
                        [("请假", 3, "D", "W-punch-fix-end")]),
    "E-required-leave-end": (_append(LEAVE, ["1001", "事假", "2026-10-09 09:40", None]), [("请假", 3, "D", "E-required")]),
    "W-class-mismatch": (_set(CUST, 2, 2, "A2"), [("客户", 2, "C", "W-class-mismatch")]),
    "E-dataset-missing": (lambda m: m.pop("回访记录.xlsx"), [("", None, "", "E-dataset-missing")]),
    "W-dataset-missing": (lambda m: m.pop("违纪记录.xlsx"), [("", None, "", "W-dataset-missing")]),
    "E-sheet-ambiguous": (lambda m: m.__setitem__("杂表.xlsx", {"混合": [["日期", "客户经理工号", "客户编号", "方式", "结果"],
                                                                     ["2026-10-09", "1001", "000101", "上门", "满意"]]}),
                          [("混合", 1, "", "E-sheet-ambiguous")]),
    "W-sheet-unknown": (lambda m: m.__setitem__("杂表.xlsx", {"备忘": [["事项", "负责人"], ["团建", "张伟"]]}),
                        [("备忘", None, "", "W-sheet-unknown")]),
}


@pytest.mark.parametrize("case", PLANTED, ids=list(PLANTED))
def test_one_mistake_one_finding(tmp_path, case):
    plant, expected = PLANTED[case]
    month = tiny_month()
    plant(month)
    inputs = validate(tmp_path, month)
    assert flat(inputs.findings) == expected
    for f in inputs.findings:
        assert_clerk_message(f)
        assert f.severity == ("error" if f.code.startswith("E-") else "warning")


def test_rejected_row_is_gone_and_counted(tmp_path):
    month = tiny_month()
    rows(month, TEST)[1][2] = "九十"
    inputs = validate(tmp_path, month)
    assert list(inputs.frames["tests"]["employee_id"]) == ["1002"]
    [sheet] = [s for s in inputs.sheets if s.sheet == "测评"]
    assert (sheet.read, sheet.used, sheet.rejected) == (2, 1, 1)
    [f] = inputs.findings
    assert (f.file, f.column, f.value, f.cell, f.rejected) == ("学习测评.xlsx", "成绩", "九十", "C2", True)
    assert "九十" in f.message and "成绩" in f.message


def test_cell_error_div0(tmp_path):
    month = tiny_month()
    del month["学习测评.xlsx"]
    folder = write_month(tmp_path / "in", month)
    wb = xlsxwriter.Workbook(str(folder / "学习测评.xlsx"))
    ws = wb.add_worksheet("测评")
    ws.write_row(0, 0, ["工号", "月份", "成绩"])
    ws.write_row(1, 0, ["1001", "2026-10"])
    ws.write_formula(1, 2, "=90/0", None, "#DIV/0!")
    ws.write_row(2, 0, ["1002", "2026-10", 70])
    wb.close()
    inputs = validate_month(folder, MONTH, RULES)
    assert_accounted(inputs)
    assert flat(inputs.findings) == [("测评", 2, "C", "E-cell-error")]
    assert "#DIV/0!" in inputs.findings[0].message


def test_calendar_year_not_covered(tmp_path):
    folder = write_month(tmp_path / "in", tiny_month())
    outcome = pipeline.validate(folder, Month(2099, 10), RULES)
    found = [f for f in outcome.inputs.findings if f.code == "E-calendar-year"]
    assert len(found) == 1 and "2099" in found[0].message and "日历" in found[0].message
    assert outcome.exit_code == 1


def test_calendar_sheet_covers_the_year(tmp_path):
    month = tiny_month()
    days = pd.date_range("2099-10-01", "2099-10-31")
    month["日历.xlsx"] = {"日历": [["日期", "类型", "说明"]]
                          + [[f"{d:%Y-%m-%d}", "休息日" if d.weekday() >= 5 else "工作日", None] for d in days]}
    folder = write_month(tmp_path / "in", month)
    outcome = pipeline.validate(folder, Month(2099, 10), RULES)
    assert not [f for f in outcome.inputs.findings if f.code == "E-calendar-year"]
    assert len(outcome.inputs.frames["calendar"]) == 31


# -- files that cannot be read ---------------------------------------------------------------------

def _file_findings(tmp_path, name, data: bytes):
    folder = write_month(tmp_path / "in", tiny_month())
    (folder / name).write_bytes(data)
    inputs = validate_month(folder, MONTH, RULES)
    assert_accounted(inputs)
    for f in inputs.findings:
        assert_clerk_message(f)
    return [(f.file, f.code) for f in inputs.findings]


def _encrypted_xlsx() -> bytes:
    msoffcrypto = pytest.importorskip("msoffcrypto", reason="pip install msoffcrypto-tool")
    from msoffcrypto.format.ooxml import OOXMLFile
    plain = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active.append(["工号", "姓名"])
    wb.save(plain)
    plain.seek(0)
    out = io.BytesIO()
    OOXMLFile(plain).encrypt("secret", out)
    assert msoffcrypto  # imported for the skip message
    return out.getvalue()


def _zip_of(entries: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _xlsx_with(replace: dict) -> bytes:
    """A real one-sheet workbook with some of its zip entries replaced."""
    plain = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active.append(["工号", "姓名"])
    wb.active.append(["1001", "张伟"])
    wb.save(plain)
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    entries.update(replace)
    return _zip_of(entries)


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
                  b"<si><t>&lol9;</t></si></sst>")


def test_file_empty_is_a_warning(tmp_path):
    """A 0-byte file holds no row, so nothing is lost: a warning (SPEC §10.6 — an empty optional file is fine)."""
    assert _file_findings(tmp_path, "空.xlsx", b"") == [("空.xlsx", "W-file-empty")]
    assert _file_findings(tmp_path / "2", "空.csv", b"") == [("空.csv", "W-file-empty")]


def test_file_encrypted(tmp_path):
    assert _file_findings(tmp_path, "加密.xlsx", _encrypted_xlsx()) == [("加密.xlsx", "E-file-encrypted")]


def test_csv_named_xlsx_is_read_as_csv(tmp_path):
    """The reader is chosen by the bytes (SPEC §10.5); the wrong extension is worth a word."""
    found = _file_findings(tmp_path, "假表.xlsx", "工号,姓名\n1001,张伟\n".encode("utf-8"))
    assert found == [("假表.xlsx", "W-file-extension"), ("假表.xlsx", "W-sheet-unknown")]


def test_xlsx_named_csv_is_read_as_workbook(tmp_path):
    found = _file_findings(tmp_path, "假.csv", _xlsx_with({}))
    assert found == [("假.csv", "W-file-extension"), ("假.csv", "W-sheet-unknown")]


def test_file_zipbomb(tmp_path):
    bomb = _xlsx_with({"xl/worksheets/sheet1.xml": b"0" * (30 * 1024**2)})
    assert len(bomb) < 1024**2
    assert _file_findings(tmp_path, "炸弹.xlsx", bomb) == [("炸弹.xlsx", "E-file-zipbomb")]


def test_file_xml_entities(tmp_path):
    found = _file_findings(tmp_path, "实体.xlsx", _xlsx_with({"xl/sharedStrings.xml": BILLION_LAUGHS}))
    assert found == [("实体.xlsx", "E-file-xml")]


def test_sheet_too_large(tmp_path):
    with zipfile.ZipFile(io.BytesIO(_xlsx_with({}))) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml")
    huge = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', xml)
    assert huge != xml
    found = _file_findings(tmp_path, "巨大.xlsx", _xlsx_with({"xl/worksheets/sheet1.xml": huge}))
    assert found == [("巨大.xlsx", "E-sheet-too-large")]


def test_file_encoding(tmp_path):
    assert _file_findings(tmp_path, "乱码.csv", b"\xff\xfe\xfd,\x80\x80\n") == [("乱码.csv", "E-file-encoding")]


# -- accepted value forms (SPEC §1 "Values") -----------------------------------------------------

def test_date_forms(tmp_path):
    month = tiny_month()
    staff = rows(month, STAFF)
    forms = [dt.datetime(2020, 1, 8), "2020-01-08", "2020/1/8"]
    for r, form in zip(staff[1:], forms):
        r[5] = form
    rows(month, CUST)[1][6] = "1980年11月5日"
    inputs = validate(tmp_path, month)
    assert inputs.findings == []
    assert list(inputs.frames["staff"]["hired_on"]) == [pd.Timestamp("2020-01-08")] * 3
    assert inputs.frames["customers"]["key_person_birthday"].iloc[0] == pd.Timestamp("1980-11-05")


def test_time_forms_and_serial_rounding(tmp_path):
    month = tiny_month()
    v = rows(month, VISIT)
    v[0].append("开始时间")
    for r, form in zip(v[1:], [dt.time(9, 20), "9:20", "09:20:31"]):
        r.append(form)
    folder = write_month(tmp_path / "in", month)
    # an Excel serial time 0.3888888 (09:19:59.99…) rounds to the second first: 09:20 (SPEC §9.8)
    wb = openpyxl.load_workbook(folder / "出访登记.xlsx")
    ws = wb.active
    ws.append(["2026-10-21", "1001", "000101", "电话", None, None, None, None, 0.3888888])
    ws.cell(ws.max_row, 9).number_format = "hh:mm:ss"
    wb.save(folder / "出访登记.xlsx")
    inputs = validate_month(folder, MONTH, RULES)
    assert inputs.findings == []
    assert list(inputs.frames["visits"]["start_time"]) == ["09:20"] * 4


def test_datetime_forms_and_serial_rounding(tmp_path):
    month = tiny_month()
    p = rows(month, PUNCH)
    p[1][1] = dt.datetime(2026, 10, 9, 9, 45)
    p[2][1] = "2026-10-09 12:59"
    p[3][1] = 46304.6319444  # 2026-10-09 15:09:59.99… → 15:10 (not 15:09)
    inputs = validate(tmp_path, month)
    assert inputs.findings == []
    got = list(inputs.frames["punches"]["punched_at"].iloc[:3])
    assert got == [pd.Timestamp("2026-10-09 09:45"), pd.Timestamp("2026-10-09 12:59"), pd.Timestamp("2026-10-09 15:10")]


def test_punches_as_date_plus_time(tmp_path):
    month = tiny_month()
    month["打卡记录.xlsx"] = {"打卡": [["工号", "日期", "时间"], ["1001", "2026/10/9", "9:45"],
                                      ["1001", dt.date(2026, 10, 9), dt.time(18, 31, 40)]]}
    inputs = validate(tmp_path, month)
    assert inputs.findings == []
    assert list(inputs.frames["punches"]["punched_at"]) == [pd.Timestamp("2026-10-09 09:45"),
                                                           pd.Timestamp("2026-10-09 18:31")]


BOOL_FORMS = [("是", True), ("否", False), ("Y", True), ("n", False), ("yes", True), ("No", False), ("TRUE", True),
              ("false", False), (1, True), (0, False), ("√", True), ("×", False), (True, True), (False, False)]


def test_bool_forms(tmp_path):
    month = tiny_month()
    v = rows(month, VISIT)
    template = v[3]
    del v[1:]
    for day, (form, _) in enumerate(BOOL_FORMS, start=1):
        r = list(template)
        r[0], r[5], r[6] = f"2026-10-{day:02d}", form, "是"   # signed: no W-visit-unsigned
        v.append(r)
    inputs = validate(tmp_path, month)
    assert inputs.findings == []
    assert list(inputs.frames["visits"]["problem_solved"]) == [want for _, want in BOOL_FORMS]


def test_ids_number_equals_text_and_zeros_kept(tmp_path):
    month = tiny_month()
    for r in rows(month, STAFF)[1:]:
        r[0] = int(r[0])          # Excel numbers 1001 … in 员工名册, text "1001" everywhere else
    rows(month, TEST)[1][0] = 1001.0
    inputs = validate(tmp_path, month)
    assert inputs.findings == []
    assert list(inputs.frames["staff"]["employee_id"]) == ["1001", "1002", "1003"]
    assert list(inputs.frames["customers"]["customer_id"]) == ["000101", "000102", "000103"]
    assert inputs.frames["tests"]["employee_id"].iloc[0] == "1001"


def test_ids_without_zeros_do_not_match_but_are_named_as_lost_zeros(tmp_path):
    """The number 101 is not the text id 000101 — never used as it — but said as the pattern it is."""
    month = tiny_month()
    rows(month, CALLBACK)[1][1] = 101
    inputs = validate(tmp_path, month)
    assert flat(inputs.findings) == [("回访", 2, "B", "E-id-lost-zeros")]
    [f] = inputs.findings
    assert f.rejected and f.value == "101 → 000101" and "文本格式" in f.message


@pytest.mark.parametrize("encoding", ["gbk", "utf-8", "utf-8-sig"])
def test_csv_encodings(tmp_path, encoding):
    month = tiny_month()
    tests = month.pop("学习测评.xlsx")["测评"]
    folder = write_month(tmp_path / "in", month)
    with open(folder / "学习测评.csv", "w", newline="", encoding=encoding) as fh:
        csv.writer(fh).writerows(tests)
    inputs = validate_month(folder, MONTH, RULES)
    assert inputs.findings == []
    assert list(inputs.frames["tests"]["month"]) == ["2026-10", "2026-10"]
    assert list(inputs.frames["tests"]["employee_id"]) == ["1001", "1002"]
    assert [s.sheet for s in inputs.sheets if s.dataset == "tests"] == ["学习测评"]


def test_headers_by_english_alias_below_title_with_fullwidth_spaces(tmp_path):
    month = tiny_month()
    month["学习测评.xlsx"]["测评"] = [["2026年10月 学习测评成绩"], [None],
                                     ["\u3000employee_id ", "月份\u3000", " Score"],
                                     ["1001", "2026-10", 90], ["1002", "2026年10月", 70]]
    inputs = validate(tmp_path, month)
    assert inputs.findings == []
    assert list(inputs.frames["tests"]["_row"]) == [4, 5]
    assert list(inputs.frames["tests"]["score"]) == [90.0, 70.0]


def test_finding_rows_under_a_title_row(tmp_path):
    month = tiny_month()
    month["学习测评.xlsx"]["测评"] = [["学习测评"], ["工号", "月份", "成绩"], ["1001", "2026-10", "缺"]]
    inputs = validate(tmp_path, month)
    assert flat(inputs.findings) == [("测评", 3, "C", "E-score")]


def test_violation_sheet_also_holding_calendar_columns(tmp_path):
    # 违纪记录 (工号 日期 类型 说明) also holds 日历's 日期 类型 说明: the most required columns win
    inputs = validate(tmp_path, tiny_month())
    assert len(inputs.frames["violations"]) == 1 and inputs.frames["calendar"].empty
    assert [s.dataset for s in inputs.sheets if s.sheet == "违纪"] == ["violations"]


def test_several_sheets_of_one_dataset_are_concatenated(tmp_path):
    month = tiny_month()
    visits = rows(month, VISIT)
    month["出访登记_李娜.xlsx"] = {"李娜": [visits[0], visits.pop()]}
    inputs = validate(tmp_path, month)
    assert inputs.findings == []
    assert sorted(inputs.frames["visits"]["_sheet"]) == ["出访", "出访", "李娜"]


def test_empty_rows_are_counted_not_reported(tmp_path):
    month = tiny_month()
    rows(month, VISIT).insert(2, [None, "  ", "\u3000"])
    inputs = validate(tmp_path, month)
    assert inputs.findings == []
    [s] = [s for s in inputs.sheets if s.sheet == "出访"]
    assert (s.read, s.used, s.empty) == (4, 3, 1)


def test_manifest_accounts_for_every_row(tmp_path):
    """Several plants at once: rejected, ignored, duplicate and empty rows all add up."""
    month = tiny_month()
    rows(month, VISIT).append(list(rows(month, VISIT)[1]))            # duplicate
    rows(month, VISIT).append([None] * 8)                             # empty
    rows(month, VISIT).append(["2026-10-22", "1001", "000999", "上门"])  # prospect: ignored
    rows(month, PUNCH).append(["1001", "2026-10-09 09:45"])           # same minute: collapses
    rows(month, PUNCH).append(["1001", "2026-09-30 09:45"])           # outside month: ignored
    rows(month, PUNCH).append(["1001", "半夜"])                        # rejected
    month["杂表.xlsx"] = {"备忘": [["事项"], [None], ["团建"]]}
    inputs = validate(tmp_path, month)
    counts = {s.sheet: (s.read, s.used, s.rejected, s.ignored, s.duplicate, s.empty) for s in inputs.sheets}
    assert counts["出访"] == (6, 3, 0, 1, 1, 1)
    assert counts["打卡"] == (27, 24, 1, 1, 1, 0)
    assert counts["备忘"] == (3, 0, 0, 2, 0, 1)


# -- the command line and the report workbook -------------------------------------------------------

def _cli(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_cli_validate_clean_month(tmp_path):
    folder = write_month(tmp_path / "in", tiny_month())
    result = _cli("validate", folder, "--month", "2026-10", "--report", tmp_path / "r.xlsx")
    assert result.exit_code == 0, result.output
    assert "错误 0 条" in result.output
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames == ["概要", "问题清单", "读取情况"]


def test_cli_validate_planted_error_and_report(tmp_path):
    month = tiny_month()
    rows(month, TEST)[2][2] = "七十"
    folder = write_month(tmp_path / "in", month)
    report = tmp_path / "out" / "r.xlsx"
    result = _cli("validate", folder, "--month", "2026-10", "--report", report, "--rules",
                  sender_rules_file(tmp_path / "rules"))
    assert result.exit_code == 1, result.output
    assert "E-score" in result.output
    wb = openpyxl.load_workbook(report)
    assert wb.sheetnames[:3] == ["概要", "问题清单", "读取情况"] and len(wb.sheetnames) == 4
    listing = [[c.value for c in r] for r in wb["问题清单"].iter_rows(min_row=3)]
    assert [(r[1], r[3], r[4], r[6], r[7]) for r in listing] == [("E-score", "测评", 3, "C3", "七十")]
    annotated = wb[wb.sheetnames[3]]
    assert annotated["C3"].value == "七十" and "成绩" in annotated["C3"].comment.text
    assert annotated["A1"].value == "工号" and annotated["A2"].value == "1001"
    assert annotated["D1"].value == "问题说明" and annotated["D3"].value.startswith("E-score：") and "成绩" in annotated["D3"].value
    manifest = {r[1].value: [c.value for c in r[3:9]] for r in wb["读取情况"].iter_rows(min_row=3) if r[1].value}
    assert manifest["测评"] == [2, 1, 1, 0, 0, 0]


def _month_with_a_score_error(tmp_path: Path):
    month = tiny_month()
    rows(month, TEST)[2][2] = "七十"
    folder = write_month(tmp_path / "in", month)
    return folder, pipeline.validated_month(folder, MONTH, RULES)


def _annotated_cell(report: Path, cell: str):
    wb = openpyxl.load_workbook(report)
    return wb[wb.sheetnames[3]][cell].value if len(wb.sheetnames) == 4 else None


def test_report_reuses_the_loads_prescan_of_an_unchanged_file(tmp_path, monkeypatch):
    from kehu.load import reader
    folder, inputs = _month_with_a_score_error(tmp_path)
    assert TEST in inputs.vetted

    def no_second_scan(path):
        raise AssertionError(f"{path} scanned again")
    monkeypatch.setattr(reader, "check_xlsx", no_second_scan)
    report = pipeline.write_month_report(tmp_path / "r.xlsx", inputs, folder)
    assert _annotated_cell(report, "C3") == "七十"


def test_report_scans_again_a_file_changed_since_it_was_loaded(tmp_path):
    """Replaced by a workbook calamine would die on: the report refuses it, names the finding, goes on."""
    folder, inputs = _month_with_a_score_error(tmp_path)
    with zipfile.ZipFile(folder / TEST) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    entries[sheet] = entries[sheet].replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    (folder / TEST).write_bytes(_zip_of(entries))
    report = pipeline.write_month_report(tmp_path / "r.xlsx", inputs, folder)
    assert _annotated_cell(report, "C3") is None
    listing = [[c.value for c in r] for r in openpyxl.load_workbook(report)["问题清单"].iter_rows(min_row=3)]
    assert [r[1] for r in listing] == ["E-score"]


def test_cli_bad_rules_file(tmp_path):
    folder = write_month(tmp_path / "in", tiny_month())
    rules = tmp_path / "rules.toml"
    rules.write_text("[attendance]\nno_such_key = 1\n", encoding="utf-8")
    result = _cli("validate", folder, "--month", "2026-10", "--rules", rules, "--report", tmp_path / "r.xlsx")
    assert result.exit_code == 2
    assert "no_such_key" in result.output


def test_cli_bad_month_is_usage_error(tmp_path):
    folder = write_month(tmp_path / "in", tiny_month())
    result = CliRunner().invoke(cli, ["validate", str(folder), "--month", "2026-13"])
    assert result.exit_code == 2


def test_money_and_number_forms(tmp_path):
    month = tiny_month()
    rows(month, CUST)[1][11] = "¥50,000.50"
    rows(month, TARGET)[1][2] = "100.5"
    inputs = validate(tmp_path, month)
    assert inputs.findings == []
    assert inputs.frames["customers"]["revenue"].iloc[0] == Decimal("50000.50")
    assert inputs.frames["targets"]["base"].iloc[0] == Decimal("100.5")


def test_visit_leave_without_a_logged_visit_points_at_the_leave_kind_cell(tmp_path):
    """W-visit-unlogged (SPEC §2.4): a 外出走访 on 10-20 with no 出访登记 row of 1002 that day."""
    month = tiny_month()
    rows(month, "请假外出.xlsx").append(["1002", "外出走访", "2026-10-20 15:30", "2026-10-20 17:00"])
    inputs = validate(tmp_path, month)
    assert [(f.sheet, f.row, f.letter, f.column, f.code) for f in inputs.findings] == [
        ("请假", 3, "B", "类型", "W-visit-unlogged")]
    assert_clerk_message(inputs.findings[0])


def test_the_value_indicators_follow_the_rules(tmp_path):
    """完成值 is required for the indicators the rules score from it (source targets.actual)."""
    month = tiny_month()
    target = next(r for r in rows(month, "指标.xlsx") if r[0] == "1003" and r[1] == "企信通")
    target[5] = None
    # the row is rejected, so the indicator is also missing for 1003
    assert sorted(f.code for f in validate(tmp_path, month).findings) == ["E-required", "E-target-missing"]
    rules = sender_rules()
    rules["kpi"]["room_manager"]["qixintong"]["source"] = "customers.revenue"
    folder = write_month(tmp_path / "in2", month)
    assert [f.code for f in validate_month(folder, MONTH, rules).findings] == []


def test_unknown_mistyped_and_rejected_ids_interleaved_are_each_said_at_their_own_rows(tmp_path):
    """One column with every kind of reference, interleaved: each step drops rows before the next
    looks (kehu.validate.references reads its masks again at the rows left) — no finding may
    land on a row of another kind."""
    month = tiny_month()
    spare_customer(month, **{"月初成员数": "很多"})                      # 000199: a rejected customer row
    cb = rows(month, CALLBACK)
    template = cb[1]
    del cb[1:]
    for day, cid in enumerate(["000101", "000199", "000777", 102, "000102", "000888", "000199", 102, "000777"], 10):
        cb.append([f"2026-10-{day}", cid, *template[2:]])
    inputs = validate(tmp_path, month)
    said = [(f.row, f.code) for f in inputs.findings if f.sheet == "回访"]
    assert sorted(said) == [(4, "E-unknown-customer"), (5, "E-id-lost-zeros"),
                            (7, "E-unknown-customer"), (10, "E-unknown-customer")]
    assert list(inputs.frames["callbacks"]["customer_id"]) == ["000101", "000102"]
    assert list(inputs.frames["callbacks"]["_row"]) == [2, 6]
    [consequence] = [f for f in inputs.findings if f.code == "W-rows-of-rejected"]
    assert "2 行" in consequence.message
