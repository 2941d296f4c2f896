"""The demo month (sample_inputs/, October 2026) end to end, checked by hand and against golden files."""
from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from kehu.month import Month
from kehu.pipeline import run, validate
from kehu.rules import load_rules

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    assert run(ROOT / "sample_inputs", Month(2026, 10), out, load_rules()).exit_code == 0
    return out / "2026-10"


@pytest.fixture(scope="module")
def people(out) -> dict:
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return {e["employee_id"]: e for e in results["employees"]}


def test_demo_month_validates_with_zero_errors():
    outcome = validate(ROOT / "sample_inputs", Month(2026, 10), load_rules())
    assert outcome.exit_code == 0
    assert outcome.errors == []


def test_the_demo_month_raises_no_library_warning(tmp_path):
    """The clerk's console shows kehu's findings, never a library's notice: no Python warning
    while the month runs (pandas 2 — what Python 3.10 gets, pandas 3 needs 3.11 — printed
    FutureWarnings on every run)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert run(ROOT / "sample_inputs", Month(2026, 10), tmp_path, load_rules()).exit_code == 0


def test_results_and_payroll_match_the_golden_files(out):
    """Regenerate with `python tests/regen_golden.py` and review the diff when a rule changes."""
    for name in ("results.json", "payroll.csv"):
        assert (out / name).read_bytes() == (GOLDEN / f"2026-10_{name}").read_bytes(), name


def test_wang_fang_1003_by_hand(people):
    """王芳 (客户经理, 重要一室, 绩效基数 4000).

    Attendance (winter AM 09:50–13:00, PM 15:20–18:30): in-punch 11:05 on 10-13 → late 75 min → tier
    61+ = 200; out-punch 17:50 on 10-20 → early 40 min → tier 31–60 = 100. 未穿工作服 on 10-09 → 50.
    Learning: worst of 重要一室 in Aug, Sep, Oct → streak 3 → 10% × 4000 = 400.
    KPI: 集团收入 A 232,115.25 < B 255,300 → 90% × 30 × A/B = 24.548… → 24.55;
         信息化收入 B 79,800 ≤ A 84,028.21 < T 90,800 → 90% × 25 = 22.50;
         成员净增 33 ≥ C 27 → 15; 行业产品 10 = T → 15; 保有 churn 0% → 15 + 2 × 5 = 25, capped at 15 + 5 = 20.
         Total 97.05.
    Pay: 4000 × 97.05% = 3882.00 − (300 + 50 + 400) = 3132.00.
    """
    e = people["1003"]
    assert [(x["date"], x["session"], x["type"], x["minutes"], x["amount"]) for x in e["attendance"]["events"]] == [
        ("2026-10-13", "AM", "late", 75, "200.00"), ("2026-10-20", "PM", "early", 40, "100.00")]
    assert e["violations"] == {"count": 1, "deduction": "50.00", "notice": False}
    assert (e["learning"]["flag"], e["learning"]["deduction"]) == ("worst", "400.00")
    assert [i["score"] for i in e["kpi"]["indicators"]] == ["24.55", "22.50", "15.00", "15.00", "20.00"]
    assert e["kpi"]["total"] == "97.05"
    assert (e["deductions_total"], e["performance_pay"], e["uncovered"]) == ("750.00", "3132.00", "0.00")


def test_pubu_zhuoma_2002_by_hand(people):
    """普布卓玛 (客户经理, 重要二室, 绩效基数 4000).

    Four 事假/病假 rows start in October (one date-only) → more than 3 → one leave_limit of 100,
    dated the month's last day; no late/early. 未穿工作服 on 10-15 → 50.
    KPI: 集团收入 A 105,093.16 < B 115,600 → 27 × A/B = 24.546… → 24.55; 信息化收入 A 33,497.65 ≥ T 31,800 → 25;
         成员净增 36 ≥ C → 15; 行业产品 8 ≥ T 6 → 15; 保有 → 20. Total 99.55.
    Pay: 4000 × 99.55% = 3982.00 − 150 = 3832.00.
    """
    e = people["2002"]
    assert e["attendance"]["leave_requests"] == 4
    assert e["attendance"]["events"] == [
        {"date": "2026-10-31", "session": None, "type": "leave_limit", "minutes": None, "amount": "100.00"}]
    assert e["kpi"]["total"] == "99.55"
    assert (e["deductions_total"], e["performance_pay"]) == ("150.00", "3832.00")


def test_planted_situations(people):
    assert people["1005"]["learning"]["certificate"] is True          # best Aug–Oct → 奖状
    assert people["2006"]["learning"]["certificate"] is False         # best only Sep–Oct
    assert people["2005"]["violations"] == {"count": 1, "deduction": "200.00", "notice": True}   # 私自外出 → 通报
    assert [x["session"] for x in people["2003"]["attendance"]["events"] if x["type"] == "absent"] == ["DAY"]
    assert [x["session"] for x in people["1004"]["attendance"]["events"] if x["type"] == "absent"] == ["AM"]
    missing = [x for x in people["2004"]["attendance"]["events"] if x["type"] == "missing_punch"]
    assert [(x["date"], x["amount"], x["minutes"]) for x in missing] == [("2026-10-21", "0.00", None)]
    assert people["1002"]["callbacks"]["pending"] == 1                 # visit on 10-31, deadline after as-of
    assert people["2001"]["learning"] is None                         # 重要室经理: no learning result


def test_manifest_accounts_for_every_row(out):
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sheets"] and all(s["balanced"] for s in manifest["sheets"])


def test_department_workbook_matches_payroll(out):
    """全员汇总 (the department head's sheet) carries the same money as payroll.csv, row by row."""
    import csv
    from decimal import Decimal

    import openpyxl
    payroll = list(csv.DictReader((out / "payroll.csv").read_text(encoding="utf-8-sig").splitlines()))
    ws = openpyxl.load_workbook(out / "集团客户部_2026-10_考核汇总.xlsx", read_only=True)["全员汇总"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r and r[0] == "工号"))
    cols = rows[header]
    ids = {p["工号"] for p in payroll}
    lines = {r[0]: dict(zip(cols, r)) for r in rows[header + 1:] if r and r[0] in ids}
    assert [r[0] for r in rows[header + 1:header + 1 + len(ids)]] == [p["工号"] for p in payroll]
    assert sorted(lines) == sorted(p["工号"] for p in payroll)
    for p in payroll:
        line = lines[p["工号"]]
        for key in ("绩效基数", "KPI得分", "扣款合计", "应发绩效"):
            assert Decimal(str(line[key])).quantize(Decimal("0.01")) == Decimal(p[key]), (p["工号"], key)


def test_each_manager_workbook_holds_only_his_own_customers(out):
    """Seed 004 保密制度: the 拜访 sheet lists only customers of that manager (客户名册 客户经理工号)."""
    import openpyxl

    from kehu.validate import validate_month
    customers = validate_month(ROOT / "sample_inputs", Month(2026, 10), load_rules()).frames["customers"]
    owner = dict(zip(customers["customer_id"], customers["manager_id"]))
    for path in sorted((out / "managers").glob("*.xlsx")):
        employee_id = path.name.split("_")[0]
        ws = openpyxl.load_workbook(path, read_only=True)["拜访"]
        ids = [r[0] for r in ws.iter_rows(values_only=True) if r and isinstance(r[0], str) and r[0] in owner]
        assert all(owner[c] == employee_id for c in ids), path.name


# -- what the manager reads (issue 14 items 6, 7) ---------------------------------------------

def manager_sheet(out, name: str, sheet: str) -> str:
    import openpyxl

    from sheet_text import sheet_text
    return sheet_text(openpyxl.load_workbook(out / "managers" / f"{name}.xlsx", data_only=True)[sheet])


def test_wang_fangs_signed_form_matches_the_golden_text(out):
    """考核汇总 of 1003 王芳 as Excel shows it (regenerate with `python tests/regen_golden.py`)."""
    golden = (GOLDEN / "2026-10_1003_王芳_考核汇总.txt").read_text(encoding="utf-8")
    assert manager_sheet(out, "1003_王芳", "考核汇总") == golden


def test_wang_fang_can_check_her_pay_with_a_calculator(out):
    """计发比例 at the precision pay uses (4,000 × 97.05 % = 3,882, not 97.1 %); counts as integers;
    every KPI line's scoring note on the printed form; 保有 20 of 15 explained; the appeal line."""
    text = manager_sheet(out, "1003_王芳", "考核汇总")
    assert "| 97.05% |" in text and "97.1%" not in text
    assert "本月：4,000.00 × 97.05% − 750.00 = 3,132.00。" in text
    assert "成员净增 | 15 | 15 | 20 | 27 | 33 |" in text                        # not 15.00
    assert "集团收入：完成值 232,115.25 低于基本目标 255,300，按比例：27 × 232,115.25 ÷ 255,300 = 24.55" in text
    assert "保有(离网率 %)：离网率 0%：15 + (2 − 0) × 5 = 25.00，最高 20.00" in text
    assert "如有异议，请于 11月15日前向集团客户部提出。" in text


def test_attendance_rows_a_manager_can_dispute(out):
    """Scheduled time, his punch, minutes, tier in the seed's words, amount; a violation's kind."""
    text = manager_sheet(out, "1003_王芳", "考勤明细")
    assert "日期 | 时段 | 类型 | 应打卡时间 | 实际打卡 | 分钟 | 档次 | 扣款 | 说明" in text
    assert "2026-10-09 |  | 违纪 |  |  |  |  | ¥50.00 | 未穿工作服" in text
    assert "2026-10-13 | 上午 | 迟到 | 09:50 | 11:05 | 75 | 60分钟以上 | ¥200.00" in text
    assert "2026-10-20 | 下午 | 早退 | 18:30 | 17:50 | 40 | 31–60分钟 | ¥100.00" in text
    assert "如有异议，请于 11月15日前向集团客户部提出。" in text
    leave = manager_sheet(out, "2002_普布卓玛", "考勤明细")
    assert "请假超限 |  |  |  |  | ¥100.00 | 本月事假/病假共 4 次，超过3次扣款" in leave
