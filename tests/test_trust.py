"""Everyday clerk's mistakes end in correct numbers or a loud, exact finding (issue 11, SPEC §10).

Each test plants one mistake in a copy of the demo month (tests/sample_copy.py) and runs kehu as
the clerk does; the expected numbers come from the untouched demo month (tests/golden/).
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sample_copy import copy_sample, column_cells, edit, rename_header, staff_cell
from kehu.cli import cli

GOLDEN = Path(__file__).resolve().parent / "golden"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def run(folder: Path, out: Path, *extra, month="2026-10"):
    return invoke("run", folder, "--month", month, "--out", out, *extra)


def results(out: Path, month="2026-10") -> dict:
    return json.loads((out / month / "results.json").read_text(encoding="utf-8"))


def report_codes(path: Path) -> list[tuple]:
    """(code, file, sheet, row, column letter …) of the report's 问题清单."""
    wb = openpyxl.load_workbook(path, read_only=True)
    return [r for r in wb["问题清单"].iter_rows(min_row=3, values_only=True) if r[1]]


def codes(path: Path) -> set[str]:
    return {r[1] for r in report_codes(path)}


@pytest.fixture
def month(tmp_path) -> Path:
    return copy_sample(tmp_path / "输入 10月")


@pytest.fixture(scope="module")
def golden() -> dict:
    return json.loads((GOLDEN / "2026-10_results.json").read_text(encoding="utf-8"))


# -- 1. a wrong --month -----------------------------------------------------------------------------

def test_october_files_run_as_november_stop_with_the_months_they_hold(month, tmp_path):
    out = tmp_path / "out"
    result = run(month, out, month="2026-11")
    assert result.exit_code == 1
    assert "打卡记录的 820 行都在 2026-10，没有一行属于 --month 2026-11" in result.output
    found = [r for r in report_codes(out / "校验报告_2026-11.xlsx") if r[1] == "E-month-mismatch"]
    # one finding per dataset, not one per row; 指标 by its sheet name, 客户名册 by its title row
    assert sorted(r[3] for r in found if r[3]) == ["2026年10月指标", "学习测评", "客户名册", "请假外出", "违纪记录", "重要一室"]
    assert "W-row-outside-month" not in codes(out / "校验报告_2026-11.xlsx")
    assert not (out / "2026-11").exists() and not (out / "history.sqlite").exists()


def test_a_wrong_month_is_not_skippable(month, tmp_path):
    out = tmp_path / "out"
    assert run(month, out, "--skip-invalid", month="2026-11").exit_code == 1
    assert not (out / "2026-11").exists() and not (out / "history.sqlite").exists()


def test_a_wrong_month_after_a_good_one_leaves_the_history_alone(month, tmp_path):
    out = tmp_path / "out"
    assert run(month, out).exit_code == 0
    dump = list(sqlite3.connect(out / "history.sqlite").iterdump())
    assert run(month, out, month="2026-11").exit_code == 1
    assert list(sqlite3.connect(out / "history.sqlite").iterdump()) == dump


def test_targets_of_another_month_by_their_month_column(month, tmp_path):
    """A 月份 column on 指标 wins over the sheet name; its rows of other months are unused."""
    def add_month(wb):
        ws = wb.active
        ws.cell(1, 8).value = "月份"
        for r in range(2, ws.max_row + 1):
            ws.cell(r, 8).value = "2026-09" if r == 2 else "2026-10"
        ws.append([ws.cell(2, c).value for c in range(1, 8)] + ["2026-11"])
    edit(month, "指标.xlsx", add_month)
    out = tmp_path / "out"
    result = run(month, out)
    # row 2 (1001's 集团收入) is September's: 1001 lacks October's → the one error
    assert result.exit_code == 1
    found = {(r[1], r[4]) for r in report_codes(out / "校验报告_2026-10.xlsx")}
    assert ("W-row-outside-month", 2) in found and ("E-target-missing", None) in found


# -- 2. a misspelt or decorated header --------------------------------------------------------------

def test_a_misspelt_visit_header_is_that_sheet_with_a_column_missing(month, tmp_path):
    rename_header(month, "出访登记_重要一室.xlsx", "客户经理工号", "客户经里工号")
    out = tmp_path / "out"
    result = run(month, out, "--skip-invalid")
    assert result.exit_code == 1                                     # not skippable: a whole sheet
    [f] = [r for r in report_codes(out / "校验报告_2026-10.xlsx") if r[1] == "E-column-missing"]
    assert f[2:7] == ("出访登记_重要一室.xlsx", "出访登记", 1, "客户经里工号", "B1")
    assert "缺少必需的列「客户经理工号」" in f[8] and "最接近的是 B 列「客户经里工号」" in f[8]
    assert "W-sheet-unknown" not in codes(out / "校验报告_2026-10.xlsx")


def test_a_misspelt_roster_header_is_one_error_not_hundreds(month, tmp_path):
    rename_header(month, "员工名册.xlsx", "绩效基数", "绩效基础")
    out = tmp_path / "out"
    assert run(month, out).exit_code == 1
    found = report_codes(out / "校验报告_2026-10.xlsx")
    errors = [r for r in found if r[0] == "错误"]
    assert [(r[1], r[5]) for r in errors] == [("E-column-missing", "绩效基础")]
    assert "W-rows-unchecked" in {r[1] for r in found}                # the references: one line


@pytest.mark.parametrize("old, new", [("绩效基数", "绩效基数（元）"), ("绩效基数", "绩效基数(元)"), ("工号", "*工号(必填)"),
                                      ("所属室", " 所属　室 "), ("姓名", "姓名【必填】"), ("绩效基数", "＊绩效基数（万元）")])
def test_header_decorations_change_nothing(month, tmp_path, old, new):
    rename_header(month, "员工名册.xlsx", old, new)
    out = tmp_path / "out"
    assert run(month, out).exit_code == 0
    assert (out / "2026-10" / "results.json").read_bytes() == (GOLDEN / "2026-10_results.json").read_bytes()


# -- 3. optional data absent or empty ---------------------------------------------------------------

LEAVE_HEADER = "工号,类型,开始时间,结束时间\n"


@pytest.mark.parametrize("leave", [None, LEAVE_HEADER.encode("utf-8-sig"), b"",
                                   LEAVE_HEADER.replace(",", ";").encode("utf-8"),
                                   LEAVE_HEADER.replace(",", "\t").encode("utf-16")],
                         ids=["absent", "header-only", "0-byte", "semicolons", "utf-16"])
def test_a_month_without_leave_runs(month, tmp_path, leave):
    (month / "请假外出.csv").unlink()
    if leave is not None:
        (month / "请假外出.csv").write_bytes(leave)
    out = tmp_path / "out"
    for command in ("run", "validate"):
        args = ("--out", out) if command == "run" else ("--report", tmp_path / "r.xlsx")
        assert invoke(command, month, "--month", "2026-10", *args).exit_code == 0, command
    assert all(e["attendance"]["leave_requests"] == 0 for e in results(out)["employees"])


def test_the_same_leave_as_utf16_with_semicolons_gives_the_same_month(month, tmp_path):
    text = (month / "请假外出.csv").read_text(encoding="gb18030")      # the demo's leave is a GBK export
    rows = list(csv.reader(text.splitlines()))
    (month / "请假外出.csv").write_bytes("\r\n".join(";".join(r) for r in rows).encode("utf-16"))
    out = tmp_path / "out"
    assert run(month, out).exit_code == 0
    assert (out / "2026-10" / "results.json").read_bytes() == (GOLDEN / "2026-10_results.json").read_bytes()


def test_an_empty_folder_is_one_finding(tmp_path):
    (tmp_path / "空").mkdir()
    result = invoke("validate", tmp_path / "空", "--month", "2026-10", "--report", tmp_path / "r.xlsx")
    assert result.exit_code == 1
    assert [r[1] for r in report_codes(tmp_path / "r.xlsx")] == ["E-folder-empty"]


def test_no_callbacks_needed_no_callback_file_needed(month, tmp_path):
    """回访记录 is optional when no visit of the month needs a callback (SPEC §10.6)."""
    (month / "回访记录.xlsx").unlink()
    def no_callbacks(wb):
        for ws in wb.worksheets:
            top = next(r for r in range(1, 30) if ws.cell(r, 1).value == "日期")
            col = next(c.column for c in ws[top] if c.value == "需回访")
            for r in range(top + 1, ws.max_row + 1):
                ws.cell(r, col).value = "否"
    for name in ("出访登记_重要一室.xlsx", "出访登记_重要二室.xlsx"):
        edit(month, name, no_callbacks)
    assert run(month, tmp_path / "out").exit_code == 0


# -- 4. other file formats -----------------------------------------------------------------------------

def _as_rows(path: Path) -> list[list]:
    ws = openpyxl.load_workbook(path).active
    return [[c.value for c in row] for row in ws.iter_rows()]


def _write_xls(rows, path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")
    import datetime as dt
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("出访登记")
    day, clock = xlwt.easyxf(num_format_str="yyyy-mm-dd"), xlwt.easyxf(num_format_str="hh:mm")
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if isinstance(v, dt.datetime):
                ws.write(r, c, v, day)
            elif isinstance(v, dt.time):
                ws.write(r, c, v, clock)
            elif v is not None:
                ws.write(r, c, v)
    wb.save(str(path))


def _write_ods(rows, path: Path) -> None:
    pytest.importorskip("odf")
    import pandas as pd
    pd.DataFrame(rows[1:], columns=rows[0]).to_excel(path, engine="odf", index=False, sheet_name="出访登记")


@pytest.mark.parametrize("suffix", [".xls", ".et", ".ods"])
def test_visits_saved_in_another_format_give_the_same_month(month, tmp_path, suffix):
    source = month / "出访登记_重要二室.xlsx"
    rows = _as_rows(source)
    source.unlink()
    target = month / f"出访登记_重要二室{suffix}"
    (_write_ods if suffix == ".ods" else _write_xls)(rows, target)
    out = tmp_path / "out"
    assert run(month, out).exit_code == 0
    assert (out / "2026-10" / "results.json").read_bytes() == (GOLDEN / "2026-10_results.json").read_bytes()


@pytest.mark.parametrize("make, what", [
    (lambda p: p.write_text("<html><body><table><tr><td>工号</td></tr></table></body></html>", encoding="utf-8"), "网页"),
    (lambda p: p.write_text('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
                            encoding="utf-8"), "XML"),
    (lambda p: p.mkdir(), "文件夹"),
    (lambda p: os.mkfifo(p), "不是普通文件"),
    (lambda p: p.symlink_to(p.parent / "不存在.xlsx"), "链接"),
], ids=["html", "xml-2003", "folder", "fifo", "dangling-link"])
def test_what_cannot_be_read_is_named_with_what_to_do(month, tmp_path, make, what):
    make(month / "导出.xls")
    out = tmp_path / "out"
    result = run(month, out)
    assert result.exit_code == 1
    [f] = [r for r in report_codes(out / "校验报告_2026-10.xlsx") if r[2] == "导出.xls"]
    assert f[1] == "E-file-format" and what in f[8]


def test_every_entry_of_the_folder_is_read_or_listed_with_its_reason(month, tmp_path):
    (month / "旧资料").mkdir()
    (month / "~$员工名册.xlsx").write_bytes(b"\x00lock")
    (month / ".DS_Store").write_bytes(b"x")
    (month / "说明.pdf").write_bytes(b"%PDF-1.4 ...")
    out = tmp_path / "out"
    result = run(month, out)
    assert result.exit_code == 0
    manifest = json.loads((out / "2026-10" / "manifest.json").read_text(encoding="utf-8"))
    listed = {e["file"]: e["reason"] for e in manifest["not_read"]}
    assert set(listed) == {"旧资料", "~$员工名册.xlsx", ".DS_Store", "说明.pdf"}
    assert "正在被打开" in listed["~$员工名册.xlsx"]
    assert {"W-file-open", "W-file-ignored"} <= codes(out / "2026-10" / "校验报告.xlsx")


# -- 5. a departed manager's customers ----------------------------------------------------------------

def test_a_departed_managers_customers_stay_in_the_room_and_are_listed_for_handover(month, tmp_path, golden):
    staff_cell(month, "1004", "离职日期", "2026-09-30")
    out = tmp_path / "out"
    result = run(month, out)
    assert result.exit_code == 0
    done = results(out)
    assert "1004" not in {e["employee_id"] for e in done["employees"]}
    room = {r["room"]: r for r in done["rooms"]}["重要一室"]
    before = {r["room"]: r for r in golden["rooms"]}["重要一室"]
    for key in ("customers", "revenue", "churn_rate", "visits", "callbacks"):
        assert room[key] == before[key], key
    head = lambda r: next(e for e in r["employees"] if e["employee_id"] == "1001")     # 重要一室's 室经理
    assert head(done)["kpi"] == head(golden)["kpi"] and head(done)["performance_pay"] == head(golden)["performance_pay"]
    assert len(done["handover"]) == 15 and {h["manager_id"] for h in done["handover"]} == {"1004"}
    assert all(h["room"] == "重要一室" for h in done["handover"])
    assert sum(r[1] == "W-handover" for r in report_codes(out / "2026-10" / "校验报告.xlsx")) == 1
    ws = openpyxl.load_workbook(out / "2026-10" / "集团客户部_2026-10_考核汇总.xlsx")["客户交接清单"]
    listed = [row for row in ws.iter_rows(values_only=True) if row[1] and str(row[1]).startswith("1004")]
    assert len(listed) == 15


# -- 6. --skip-invalid names who is left out ------------------------------------------------------------

def test_skip_invalid_names_who_is_left_out_and_keeps_his_customers(month, tmp_path, golden):
    staff_cell(month, "1002", "绩效基数", "待定")
    out = tmp_path / "out"
    result = run(month, out, "--skip-invalid")
    assert result.exit_code == 0
    assert "未考核：1002" in result.output
    done = results(out)
    [left] = done["not_assessed"]
    assert left["employee_id"] == "1002" and "绩效基数" in left["reason"]
    assert "1002" not in {e["employee_id"] for e in done["employees"]}
    with open(out / "2026-10" / "payroll.csv", encoding="utf-8-sig") as fh:
        assert "1002" not in {row[0] for row in csv.reader(fh)}
    room = {r["room"]: r for r in done["rooms"]}["重要一室"]
    assert room["customers"] == {r["room"]: r for r in golden["rooms"]}["重要一室"]["customers"]
    ws = openpyxl.load_workbook(out / "2026-10" / "集团客户部_2026-10_考核汇总.xlsx")["全员汇总"]
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert any(str(c).startswith("未考核人员") for c in cells) and "1002" in cells


# -- 7. two real visits on one day ------------------------------------------------------------------------

def _visit_rows(month: Path, file="出访登记_重要一室.xlsx"):
    return column_cells(month, file, "日期")


def test_two_visits_on_one_day_that_differ_in_a_cell_count_twice(month, tmp_path):
    def second_visit(item, note=None):
        def change(wb):
            ws = wb.active
            top = next(r for r in range(1, 30) if ws.cell(r, 1).value == "日期")
            cols = {c.value: c.column for c in ws[top]}
            first = next(r for r in range(top + 1, ws.max_row + 1)        # an October 上门 needing a callback
                         if str(ws.cell(r, 1).value).startswith("2026/10") and ws.cell(r, cols["方式"]).value == "上门"
                         and ws.cell(r, cols["需回访"]).value in (None, "", "是"))
            row = [ws.cell(first, c).value for c in range(1, ws.max_column + 1)]
            ws.append(row)
            last = ws.max_row
            if item is not None:
                ws.cell(last, cols["服务项目"]).value = item
            if note is not None:
                ws.cell(top, ws.max_column + 1).value = "备注"
                ws.cell(last, ws.max_column).value = note
        return change
    variants = {"same": second_visit(None), "other-item": second_visit("另一项服务"), "other-note": second_visit(None, "下午")}
    due = {}
    for name, change in variants.items():
        folder = copy_sample(tmp_path / name)
        edit(folder, "出访登记_重要一室.xlsx", change)
        out = tmp_path / f"out-{name}"
        assert run(folder, out).exit_code == 0
        found = codes(out / "2026-10" / "校验报告.xlsx")
        assert ("W-duplicate-row" in found) == (name == "same"), name
        done = results(out)
        due[name] = (sum(e["callbacks"]["events"] for e in done["employees"]),
                     sum(e["visits"]["compliant"] for e in done["employees"]))
    # the exact copy is one visit (and one service event); the others are two of each
    assert due["other-item"][0] == due["other-note"][0] == due["same"][0] + 1


# -- 8. a 补卡 whose end is before its start ---------------------------------------------------------------

def test_a_punch_fix_end_before_its_start_is_only_ignored(month, tmp_path, golden):
    with open(month / "请假外出.csv", "a", encoding="gb18030", newline="") as fh:     # a GBK export
        csv.writer(fh).writerow(["1002", "李明", "补卡", "2026-10-30 09:40", "2026-10-29 08:00", ""])
    out = tmp_path / "out"
    result = run(month, out)
    assert result.exit_code == 0, result.output
    found = report_codes(out / "2026-10" / "校验报告.xlsx")
    assert "W-punch-fix-end" in {r[1] for r in found} and "E-date-order" not in {r[1] for r in found}


# -- 9. numbers past any sane range -----------------------------------------------------------------------

@pytest.mark.parametrize("header, value", [("绩效基数", 1e27), ("绩效基数", 1e308), ("绩效基数", "9" * 35)])
def test_absurd_money_is_an_error_at_its_cell(month, tmp_path, header, value):
    staff_cell(month, "1002", header, value)
    out = tmp_path / "out"
    assert run(month, out).exit_code == 1
    [f] = [r for r in report_codes(out / "校验报告_2026-10.xlsx") if r[1] == "E-range"]
    assert f[2] == "员工名册.xlsx" and f[5] == "绩效基数"


@pytest.mark.parametrize("header, value", [("本月收入", 1e308), ("月初成员数", 2 ** 63), ("月末成员数", "9223372036854775807")])
def test_absurd_customer_figures_are_errors_at_their_cells(month, tmp_path, header, value):
    [(_, cell), *_] = column_cells(month, "客户名册.xlsx", header)
    row = cell.row
    def change(wb):
        ws = wb.active
        ws.cell(row, cell.column).value = value
    edit(month, "客户名册.xlsx", change)
    out = tmp_path / "out"
    result = run(month, out, "--skip-invalid")
    [f] = [r for r in report_codes(out / "2026-10" / "校验报告.xlsx") if r[1] == "E-range"]
    assert (f[4], f[5]) == (row, header) and result.exit_code == 0


def test_minus_zero_is_zero(month, tmp_path):
    staff_cell(month, "1002", "绩效基数", "-0")
    out = tmp_path / "out"
    assert run(month, out).exit_code == 0
    [e] = [e for e in results(out)["employees"] if e["employee_id"] == "1002"]
    assert e["performance_base"] == "0.00" and e["performance_pay"] == "0.00"


# -- 10. kehu never reads its own outputs -----------------------------------------------------------------

def test_outputs_written_into_the_input_folder_are_never_read_back(month, tmp_path):
    staff_cell(month, "1002", "绩效基数", "待定")
    assert run(month, month).exit_code == 1                        # --out = the input folder, and it fails
    assert (month / "校验报告_2026-10.xlsx").exists()
    staff_cell(month, "1002", "绩效基数", 4500)                    # put right again
    assert run(month, month).exit_code == 0
    shutil.copy(month / "2026-10" / "payroll.csv", month / "payroll.csv")
    shutil.copy(month / "2026-10" / "集团客户部_2026-10_考核汇总.xlsx", month / "汇总(副本).xlsx")
    out = tmp_path / "out"
    assert run(month, out).exit_code == 0
    assert (out / "2026-10" / "results.json").read_bytes() == (GOLDEN / "2026-10_results.json").read_bytes()
    manifest = json.loads((out / "2026-10" / "manifest.json").read_text(encoding="utf-8"))
    listed = {e["file"] for e in manifest["not_read"]}
    assert {"2026-10", "history.sqlite", "payroll.csv", "汇总(副本).xlsx"} <= listed


# -- 11. init's example rows ---------------------------------------------------------------------------------

def test_an_example_row_left_in_is_named(month, tmp_path):
    invoke("init", tmp_path / "模板")
    shutil.copy(tmp_path / "模板" / "员工名册.xlsx", month / "新员工.xlsx")
    out = tmp_path / "out"
    invoke("run", month, "--month", "2026-10", "--out", out)
    found = report_codes(out / "校验报告_2026-10.xlsx")
    assert ("W-example-row", "新员工.xlsx", "员工名册", 2) in {r[1:5] for r in found}
