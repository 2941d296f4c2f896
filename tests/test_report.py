"""What the clerk reads (issue 14 items 1–5): the console and the 校验报告, causes first.

Every case starts from ``builders.tiny_month()`` and plants its mistakes; the report is read back
with openpyxl (its sheets: 概要, 问题清单, 读取情况, then the annotated copies).
"""
from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from builders import sender_rules, sender_rules_file, tiny_month, write_month
from kehu.cli import cli
from kehu.finding_codes import CODES
from kehu.findings import make
from kehu.findings_order import in_order, problems
from kehu.load.headers import header_row, recognise
from kehu.month import Month
from kehu.schema import DATASETS
from kehu.validate import validate_month
from kehu.validate.id_patterns import mistyped_ids

RULES = sender_rules()


def sheet(month: dict, file: str) -> list:
    return next(iter(month[file].values()))


def run(folder: Path, out: Path, *extra):
    rules = sender_rules_file(out.parent / "rules")
    return CliRunner().invoke(cli, ["run", str(folder), "--month", "2026-10", "--out", str(out), "--rules", str(rules),
                                    *extra])


def renamed_column_and_lost_zeros() -> dict:
    """员工名册's 绩效基数 renamed; 回访记录 and 出访登记 with customer ids that lost their zeros
    (000101 → 101); one unreadable score; one odd phone number (a warning)."""
    month = tiny_month()
    sheet(month, "员工名册.xlsx")[0][4] = "绩效基础"
    callbacks = sheet(month, "回访记录.xlsx")
    callbacks[1][1], callbacks[2][1] = 101, 102
    sheet(month, "出访登记.xlsx")[1][2] = 101
    sheet(month, "学习测评.xlsx")[2][2] = "七十"
    sheet(month, "客户名册.xlsx")[1][5] = "123"
    return month


def summary_lines(report: Path) -> list[tuple]:
    """(序号, code, 条数) of 概要's table, consequences with 序号 None."""
    ws = openpyxl.load_workbook(report)["概要"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    start = next(i for i, r in enumerate(rows) if r[0] == "序号") + 1
    return [(r[0] or None, r[2].split("\n")[1], r[4]) for r in rows[start:] if r[2]]


# -- causes first --------------------------------------------------------------------------------

def test_report_lists_causes_before_consequences(tmp_path):
    """Issue 14's Done-when: a renamed column and lost leading zeros — the column first, the
    unchecked references folded under it, the ids' pattern next, then the rows, then warnings."""
    folder = write_month(tmp_path / "in", renamed_column_and_lost_zeros())
    result = run(folder, tmp_path / "out")
    assert result.exit_code == 1, result.output
    assert summary_lines(tmp_path / "out" / "校验报告_2026-10.xlsx") == [
        (1, "E-column-missing", 1), (None, "W-rows-unchecked", 1),
        (2, "E-id-lost-zeros", 1), (3, "E-id-lost-zeros", 1),        # 出访登记, 回访记录: one line each
        (4, "E-score", 1), (5, "W-phone", 1)]


def test_console_says_the_same_in_the_same_order(tmp_path):
    folder = write_month(tmp_path / "in", renamed_column_and_lost_zeros())
    lines = run(folder, tmp_path / "out").output.splitlines()
    codes = [re.match(r"(\s*└ )?\[(错误|警告)\] ([EW]-[a-z-]+)", l) for l in lines]
    assert [(bool(m.group(1)), m.group(2), m.group(3)) for m in codes if m] == [
        (False, "错误", "E-column-missing"), (True, "警告", "W-rows-unchecked"), (False, "错误", "E-id-lost-zeros"),
        (False, "错误", "E-id-lost-zeros"), (False, "错误", "E-score"), (False, "警告", "W-phone")]
    assert "错误 4 条，警告 2 条。" in lines
    zeros = next(l for l in lines if "回访记录.xlsx" in l and "E-id-lost-zeros" in l)
    assert "2 个客户编号疑似丢失了前导零（如 101 → 000101）" in zeros and "设为文本格式后重新导出" in zeros
    assert not any("提示" in l for l in lines)


def test_findings_of_one_code_in_one_column_are_one_problem():
    rows = [make("E-date", file="a.xlsx", sheet="s", row=r, column="日期", letter="A", value="x", dataset="visits",
                 rejected=True, expected="日期", found="「x」") for r in (9, 3, 5)]
    roster = make("E-required", file="z.xlsx", sheet="员工", row=7, column="姓名", letter="B", dataset="staff",
                  rejected=True, why="")
    cause = make("W-rows-of-rejected", file="z.xlsx", sheet="员工", row=7, dataset="staff", value="1003",
                 roster="员工名册", where="「z.xlsx」第 7 行", id_name="工号", count=154, parts="打卡记录 154 行")
    found = problems([*rows, cause, roster])
    assert [(p.lead.code, p.count, [c.code for c in p.consequences]) for p in found] == [
        ("E-required", 1, ["W-rows-of-rejected"]), ("E-date", 3, [])]       # the roster row comes first
    assert [f.row for f in in_order([*rows, cause, roster])] == [7, 7, 3, 5, 9]


# -- ids written another way ---------------------------------------------------------------------

@pytest.mark.parametrize("written, roster, code, fix_in", [
    ("126", {"000126", "000127"}, "E-id-lost-zeros", "here"),
    ("000126", {"126", "127"}, "E-id-lost-zeros", "roster"),
    ("１００１", {"1001"}, "E-id-form", "here"),
    ("10 01", {"1001"}, "E-id-form", "here"),
    ("1001", {"１００１"}, "E-id-form", "roster"),
])
def test_an_id_written_another_way_is_recognised(written, roster, code, fix_in):
    [(got, found)] = mistyped_ids({written}, roster).items()
    assert got == written and (found.code, found.fix_in) == (code, fix_in)


@pytest.mark.parametrize("written, roster", [
    ("999", {"000126"}),                   # a different id
    ("126", {"0126", "00126"}),            # two roster ids it could be: no guess
    ("0", {"000"}),                        # nothing left once the zeros are gone
])
def test_no_pattern_is_guessed(written, roster):
    assert mistyped_ids({written}, roster) == {}


def test_lost_zeros_in_punches_are_one_error_not_an_absent_month(tmp_path):
    """Punches of 工号 001001 exported as 1001 would make him absent every day: an error."""
    month = tiny_month()
    for rows in (sheet(month, f) for f in month):
        for row in rows[1:]:
            for i, cell in enumerate(row):
                if cell in ("1001", "1002", "1003"):
                    row[i] = "00" + cell
    for row in sheet(month, "打卡记录.xlsx")[1:]:
        row[0] = int(row[0])
    inputs = validate_month(write_month(tmp_path / "in", month), Month(2026, 10), RULES)
    assert [(f.sheet, f.row, f.letter, f.code, f.rejected) for f in inputs.findings] == [
        ("打卡", 2, "A", "E-id-lost-zeros", True)]
    assert "3 个工号疑似丢失了前导零（如 1001 → 001001），打卡记录中涉及 24 行（第 2、3、4、5、6 行等）" in \
        inputs.findings[0].message


# -- both places of a duplicate key --------------------------------------------------------------

def test_a_key_duplicated_across_files_names_both_and_says_what_happens(tmp_path):
    month = tiny_month()
    header, _, _, wang = sheet(month, "员工名册.xlsx")
    month["员工名册2.xlsx"] = {"补充": [header, ["1003", "王强", "重要室经理", "重要一室", 9000, "2019-05-06"]]}
    inputs = validate_month(write_month(tmp_path / "in", month), Month(2026, 10), RULES)
    [dup] = [f for f in inputs.findings if f.code == "E-duplicate-key"]
    assert (dup.file, dup.sheet, dup.row, dup.letter) == ("员工名册2.xlsx", "补充", 2, "A")
    assert "「员工名册2.xlsx」工作表「补充」第 2 行与「员工名册.xlsx」工作表「员工」第 4 行是同一个键" in dup.message
    assert "kehu run 不生成考核结果；加 --skip-invalid 则使用「员工名册.xlsx」工作表「员工」第 4 行" in dup.message
    assert "已使用前一行" not in dup.message


# -- a failed re-run -----------------------------------------------------------------------------

def test_a_failed_rerun_says_where_the_last_good_results_are(tmp_path):
    out = tmp_path / "out"
    assert run(write_month(tmp_path / "good", tiny_month()), out).exit_code == 0
    before = (out / "2026-10" / "results.json").read_bytes()
    month = tiny_month()
    sheet(month, "学习测评.xlsx")[2][2] = "七十"
    result = run(write_month(tmp_path / "bad", month), out)
    assert result.exit_code == 1
    said = re.search(r"上次成功运行的结果（(\d{4}-\d{2}-\d{2} \d{2}:\d{2})）仍在 (.+)，本次未更新。", result.output)
    assert said and said.group(2) == str(out / "2026-10")
    summary = openpyxl.load_workbook(out / "校验报告_2026-10.xlsx")["概要"]
    assert summary["A3"].value == said.group(0)
    assert (out / "2026-10" / "results.json").read_bytes() == before          # the old results stay


def test_a_first_run_that_fails_has_no_such_note(tmp_path):
    month = tiny_month()
    sheet(month, "学习测评.xlsx")[2][2] = "七十"
    result = run(write_month(tmp_path / "in", month), tmp_path / "out")
    assert result.exit_code == 1 and "上次成功运行" not in result.output


# -- the workbook --------------------------------------------------------------------------------

def test_a_long_sheet_is_copied_as_its_header_and_the_flagged_rows(tmp_path):
    """Four warnings in 400 punches are one printed page, not ten; each row keeps its Excel row."""
    month = tiny_month()
    punches = sheet(month, "打卡记录.xlsx")
    punches += [[e, f"2026-10-{d:02d} 09:00"] for d in range(13, 31) for e in ("1001", "1002", "1003")] * 7
    for r, minute in ((60, 1), (200, 2)):
        punches[r - 1] = ["9999", f"2026-10-20 09:0{minute}"]                 # W-unknown-employee
    folder = write_month(tmp_path / "in", month)
    result = CliRunner().invoke(cli, ["validate", str(folder), "--month", "2026-10", "--report", str(tmp_path / "r.xlsx"),
                                      "--rules", str(sender_rules_file(tmp_path / "rules"))])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    copy = book[book.sheetnames[3]]
    cells = [[c.value for c in r] for r in copy.iter_rows()]
    assert [r[:3] for r in cells] == [["工号", "打卡时间", "原表行号"], ["9999", "2026-10-20 09:01", 60],
                                      ["9999", "2026-10-20 09:02", 200]]
    assert cells[0][3].startswith("问题说明") and cells[1][3].startswith("W-unknown-employee：")
    assert copy.freeze_panes == "A2" and copy.print_title_rows == "$1:$1"
    assert copy["A2"].fill.fgColor.rgb.endswith("FFC000")                   # the flagged cell, strongly


def test_findings_list_prints_on_a4_with_a_title_and_repeated_headers(tmp_path):
    folder = write_month(tmp_path / "in", renamed_column_and_lost_zeros())
    run(folder, tmp_path / "out")
    ws = openpyxl.load_workbook(tmp_path / "out" / "校验报告_2026-10.xlsx")["问题清单"]
    assert ws["A1"].value.startswith("问题清单 — 2026-10（错误 4 条，警告 2 条")
    assert [c.value for c in ws[2]] == ["级别", "代码", "文件", "工作表", "行", "列", "单元格", "值", "说明"]
    assert ws.print_title_rows == "$1:$2" and ws.freeze_panes == "A3"
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (1, None)
    assert ws["I3"].alignment.wrap_text and {c.value for c in ws["A"][2:]} == {"错误", "警告"}


def test_every_code_has_a_title_the_summary_can_show():
    assert all(c.title and "\n" not in c.title for c in CODES.values())


HEADER_WORDS = sorted({c.name for d in DATASETS for c in d.columns}) + ["备注", "合计", "", None, 3, "2026-10"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(HEADER_WORDS), max_size=8), max_size=34))
def test_the_copies_find_the_header_where_recognition_does(rows):
    """The annotated copies' header row (headers.header_row, without the ranking) is the row
    that recognising the sheet takes, or none (-1) alike."""
    assert header_row(rows) == recognise(rows).header
