"""`kehu init --calendar YEAR` and the 核对状态 of its rows (issue 17 item 4)."""
from __future__ import annotations

from datetime import datetime

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from builders import tiny_month, write_month
from kehu.cli import cli
from kehu.init_calendar import HEADER, year_rows
from kehu.month import Month
from kehu.validate.calendar_review import unreviewed_calendar

YEAR = 2031                                # a year chinese-calendar does not know


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def shifted(month: dict, year: int) -> dict:
    """The tiny October-2026 month moved to October of ``year`` (every 2026-10 date in it)."""
    def move(cell):
        if isinstance(cell, str):
            return cell.replace("2026-10", f"{year}-10").replace("2026年10月", f"{year}年10月")
        return cell
    return {name: {sheet: [[move(c) for c in row] for row in rows] for sheet, rows in sheets.items()}
            for name, sheets in month.items()}


def calendar_sheet(path):
    return openpyxl.load_workbook(path)["日历"]


def mark_reviewed(path, month: int) -> None:
    """The clerk's step: October checked, its rows set to 已核对."""
    wb = openpyxl.load_workbook(path)
    for row in wb["日历"].iter_rows(min_row=3):
        if row[0].value.month == month:
            row[4].value = "已核对"
    wb.save(path)


@pytest.fixture
def month_2031(tmp_path):
    folder = write_month(tmp_path / "输入", shifted(tiny_month(), YEAR))
    assert invoke("init", folder, "--calendar", YEAR).exit_code == 0
    return folder


def test_init_calendar_writes_the_year_to_be_checked(tmp_path):
    result = invoke("init", tmp_path / "cal", "--calendar", 2027)
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "cal").iterdir()] == ["日历_2027.xlsx"]     # only the calendar
    assert "国务院办公厅关于2027年部分节假日安排的通知" in result.output
    wb = openpyxl.load_workbook(tmp_path / "cal" / "日历_2027.xlsx")
    ws = wb["日历"]
    assert "国务院办公厅关于2027年部分节假日安排的通知" in ws["A1"].value and "已核对" in ws["A1"].value
    assert tuple(c.value for c in ws[2]) == HEADER
    rows = {r[0].date(): r[1:] for r in ws.iter_rows(min_row=3, values_only=True)}
    assert len(rows) == 365 and {r[3] for r in rows.values()} == {"待核对"}
    assert rows[datetime(2027, 2, 6).date()] == ("星期六", "休息日", "春节（初一）", "待核对")
    assert rows[datetime(2027, 2, 5).date()][1:3] == ("休息日", "春节（除夕）")        # Friday, 除夕 (2024 amendment)
    assert rows[datetime(2027, 4, 5).date()][1:3] == ("休息日", "清明节")
    assert rows[datetime(2027, 5, 3).date()][1:3] == ("休息日", "劳动节（补休）")      # 5-1 Sat, 5-2 Sun
    assert rows[datetime(2027, 3, 6).date()][:3] == ("星期六", "休息日", None)          # a plain weekend: no 说明
    assert rows[datetime(2027, 3, 8).date()][1:3] == ("工作日", None)
    notes = " ".join(c.value for c in wb["填写说明"]["A"])
    assert "调休" in notes and "已核对" in notes and "E-calendar-unreviewed" in notes
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists == {"C3": '"工作日,休息日"', "E3": '"待核对,已核对"'}


def test_year_rows_mark_every_weekend_and_statutory_day():
    rows = year_rows(2027)
    rest = [d for d, kind, _ in rows if kind == "休息日"]
    weekends = [d for d, _, _ in rows if d.weekday() >= 5]
    named_weekdays = [d for d, _, note in rows if note and d.weekday() < 5]
    assert len(rest) == len(weekends) + len(named_weekdays)
    assert all(kind == "工作日" for d, kind, note in rows if d.weekday() < 5 and not note)


@pytest.mark.parametrize("year, words", [(2026, "内置"), (2100, "2008–2099"), (2003, "2008–2099")])
def test_a_year_kehu_knows_or_cannot_compute_is_refused(tmp_path, year, words):
    result = invoke("init", tmp_path / "cal", "--calendar", year)
    assert result.exit_code == 2 and words in result.output
    assert not (tmp_path / "cal").exists() or not any((tmp_path / "cal").iterdir())


def test_init_calendar_never_overwrites(tmp_path):
    invoke("init", tmp_path, "--calendar", 2027)
    before = (tmp_path / "日历_2027.xlsx").read_bytes()
    result = invoke("init", tmp_path, "--calendar", 2027)
    assert result.exit_code == 2 and "已存在" in result.output
    assert (tmp_path / "日历_2027.xlsx").read_bytes() == before


def test_a_month_still_to_be_checked_is_refused(month_2031, tmp_path):
    result = invoke("run", month_2031, "--month", f"{YEAR}-10", "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "E-calendar-unreviewed" in result.output and "E-calendar-year" not in result.output
    assert not (tmp_path / "out" / f"{YEAR}-10").exists()
    from kehu import pipeline
    from kehu.rules import load_rules
    found = [f for f in pipeline.validate(month_2031, Month(YEAR, 10), load_rules()).inputs.findings
             if f.code == "E-calendar-unreviewed"]
    assert len(found) == 1
    f = found[0]
    # October 2031 is rows 276–306 of the sheet (title, header, then the 273 days before October)
    assert (f.file, f.sheet, f.cell, f.column, f.value) == (f"日历_{YEAR}.xlsx", "日历", "E276", "核对状态", "待核对")
    assert f"{YEAR}-10 的 31 天" in f.message and "第 276 行 至第 306 行" in f.message
    assert "已核对" in f.message and f"国务院办公厅关于 {YEAR} 年部分节假日安排的通知" in f.message


def test_skip_invalid_does_not_skip_it(month_2031, tmp_path):
    result = invoke("run", month_2031, "--month", f"{YEAR}-10", "--out", tmp_path / "out", "--skip-invalid")
    assert result.exit_code == 1 and "E-calendar-unreviewed" in result.output


def test_the_month_checked_runs_while_other_months_wait(month_2031, tmp_path):
    mark_reviewed(month_2031 / f"日历_{YEAR}.xlsx", 10)           # only October: the rest stays 待核对
    result = invoke("run", month_2031, "--month", f"{YEAR}-10", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "E-calendar" not in result.output
    assert (tmp_path / "out" / f"{YEAR}-10" / "results.json").is_file()
    november = invoke("validate", month_2031, "--month", f"{YEAR}-11", "--report", tmp_path / "r.xlsx")
    assert "E-calendar-unreviewed" in november.output


def _frame(*rows, review=True):
    frame = pd.DataFrame({"date": pd.to_datetime([r[0] for r in rows]), "kind": "工作日", "note": None,
                          "_file": "日历.xlsx", "_sheet": "日历", "_row": range(2, len(rows) + 2)})
    if review:
        frame["review"] = [r[1] for r in rows]
    return frame


def test_only_rows_of_the_month_marked_to_be_checked_count():
    month = Month(YEAR, 10)
    assert unreviewed_calendar(_frame(("2031-10-01", "已核对"), ("2031-10-02", None)), month) == []
    assert unreviewed_calendar(_frame(("2031-09-30", "待核对"), ("2031-11-01", "待核对")), month) == []
    assert unreviewed_calendar(_frame(("2031-10-01", None), review=False), month) == []     # the clerk's own sheet
    found = unreviewed_calendar(_frame(("2031-10-01", "已核对"), ("2031-10-02", "待核对")), month)
    assert [(f.row, f.code) for f in found] == [(3, "E-calendar-unreviewed")]
    assert "1 天（第 3 行）" in found[0].message
