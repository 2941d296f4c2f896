"""`kehu plan`: annual targets → the months' 指标 sheets and 月计划表 (issue 16 item 3).

The demo month's rooms (sample_inputs/员工名册.xlsx): 重要一室 = 重要室经理 1001 + customer managers
1002–1006; 重要二室 = 2001 + 2002–2006.
"""
from __future__ import annotations

import json
import shutil
from collections import defaultdict
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from kehu.cli import cli
from kehu.month import Month
from kehu.rules import load_rules
from kehu.validate import validate_month
from kehu.compute.calendar import WorkCalendar
from sample_copy import SAMPLE, copy_sample, staff_cell

D = Decimal
STAFF = SAMPLE / "员工名册.xlsx"
INDICATORS = ("集团收入", "信息化收入", "成员净增", "行业产品", "其他集团指标", "企信通")
# (所属室, 指标, 全年基本目标, 全年目标值, 全年挑战目标)
ANNUAL = [("重要一室", "集团收入", 10800000, 12000000, 14400000),
          ("重要一室", "信息化收入", "2700000.12", 3000000, 3600000),
          ("重要一室", "成员净增", 900, 1000, 1200),
          ("重要一室", "行业产品", 540, 600, 700),
          ("重要一室", "其他集团指标", 1000, 1200, 1440),
          ("重要一室", "企信通", 600, 720, 960),
          ("重要二室", "集团收入", 8400000, 9600000, 12000000),
          ("重要二室", "信息化收入", 2700000, 3000000, 3600000),
          ("重要二室", "成员净增", 1301, 1403, 1507),
          ("重要二室", "行业产品", 600, 650, 700),
          ("重要二室", "其他集团指标", 1000, 1200, 1440),
          ("重要二室", "企信通", 600, 720, 960)]
PROGRESS = [5, 6, 7, 8, 8, 9, 9, 9, 9, 10, 10, 10]      # 月进度 of 重要一室 集团收入 (percent)


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def annual_book(folder, rows=ANNUAL, weights=(), shares=(), own_weights=None):
    """The template of `kehu init --plan`, filled in as the clerk would."""
    assert invoke("init", folder, "--plan").exit_code == 0
    path = folder / "年度指标.xlsx"
    wb = openpyxl.load_workbook(path)
    for row in rows:
        extra = list(own_weights.get(row[:2], ())) if own_weights else []
        wb["年度指标"].append([*row, None, *extra] if len(row) == 5 else list(row))
    for row in weights:
        wb["月度权重"].append(list(row))
    for row in shares:
        wb["分配比例"].append(list(row))
    wb.save(path)
    return path


def read_targets(path) -> list[dict]:
    ws = openpyxl.load_workbook(path)["指标"]
    header = [c.value for c in ws[2]]
    return [dict(zip(header, [D(str(v)) if isinstance(v, (int, float)) else v for v in row]))
            for row in ws.iter_rows(min_row=3, values_only=True)]


def plan_year(tmp_path, book, staff=STAFF):
    result = invoke("plan", book, "--staff", staff, "--year", 2026, "--out", tmp_path / "plan")
    assert result.exit_code == 0, result.output
    return {m: read_targets(tmp_path / "plan" / f"2026-{m:02d}" / "指标.xlsx") for m in range(1, 13)}


HEADS = {"重要一室": "1001", "重要二室": "2001"}


def test_template_has_the_rules_indicators_and_nothing_to_mistake_for_data(tmp_path):
    result = invoke("init", tmp_path, "--plan")
    assert result.exit_code == 0
    assert [p.name for p in tmp_path.iterdir()] == ["年度指标.xlsx"]
    wb = openpyxl.load_workbook(tmp_path / "年度指标.xlsx")
    assert wb.sheetnames == ["年度指标", "月度权重", "分配比例", "填写说明"]
    ws = wb["年度指标"]
    assert [c.value for c in ws[1]][:6] == ["所属室", "指标", "全年基本目标", "全年目标值", "全年挑战目标", "类别"]
    assert ws.max_row == 1                                   # no example row to be planned as a room
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists == {"B2": f'"{",".join(INDICATORS)}"', "F2": '"金额,数量,比率"'}
    empty = invoke("plan", tmp_path / "年度指标.xlsx", "--staff", STAFF, "--month", "2026-10", "--out", tmp_path / "o")
    assert empty.exit_code == 1 and "E-plan-annual-missing" in empty.output
    assert not (tmp_path / "o").exists()


def test_the_months_add_up_to_the_year_and_the_managers_to_their_room(tmp_path):
    months = plan_year(tmp_path, annual_book(tmp_path, own_weights={("重要一室", "集团收入"): PROGRESS}))
    year = defaultdict(lambda: [D(0)] * 3)
    for m, lines in months.items():
        assert {line["月份"] for line in lines} == {f"2026-{m:02d}"}
        room = {(line["所属室"], line["指标"]): line for line in lines if line["工号"] == HEADS[line["所属室"]]}
        team = defaultdict(lambda: [D(0)] * 3)
        for line in lines:
            figures = [line["基本目标"], line["目标值"], line["挑战目标"]]
            assert figures == sorted(figures) and line["完成值"] is None
            if line["工号"] == HEADS[line["所属室"]]:
                year[(line["所属室"], line["指标"])] = [a + b for a, b in zip(year[(line["所属室"], line["指标"])], figures)]
            else:
                key = (line["所属室"], line["指标"])
                team[key] = [a + b for a, b in zip(team[key], figures)]
        for key, total in team.items():                # five customer managers each: Σ = the room's month
            head = room[key]
            assert total == [head["基本目标"], head["目标值"], head["挑战目标"]], (m, key)
        assert len(lines) == 2 * (6 + 5 * 4)            # per room: the head's 6 indicators, 4 for each of 5
    assert {k: v for k, v in year.items()} == {(r, i): [D(str(b)), D(str(t)), D(str(c))] for r, i, b, t, c in ANNUAL}
    # 月进度 by hand: January 5 % of 12,000,000 = 600,000; October 10 % = 1,200,000 (240,000 each of five)
    jan = {(l["工号"], l["指标"]): l for l in months[1]}
    assert jan[("1001", "集团收入")]["目标值"] == 600000
    assert {l["目标值"] for l in months[10] if l["指标"] == "集团收入" and l["所属室"] == "重要一室"
            and l["工号"] != "1001"} == {240000}


def test_counts_are_whole_and_money_to_the_cent(tmp_path):
    months = plan_year(tmp_path, annual_book(tmp_path))
    # 1,403 members over 12 equal months: 116.92 → 117 × 11 + 116 (the left-over units to the earliest months)
    room2 = [next(l["目标值"] for l in months[m] if l["工号"] == "2001" and l["指标"] == "成员净增") for m in months]
    assert room2 == [117] * 11 + [116]
    for lines in months.values():
        for line in lines:
            unit = D("0.01") if line["指标"] in ("集团收入", "信息化收入") else D(1)
            assert all(line[k] % unit == 0 for k in ("基本目标", "目标值", "挑战目标"))


def test_shares_replace_the_head_count(tmp_path):
    # 重要二室 集团收入 9,600,000 a year = 800,000 a month; 2002 has 4 shares of it, the others 1
    shares = [("2002", "孙磊", "集团收入", 4), *[(e, None, None, 1) for e in ("2002", "2003", "2004", "2005", "2006")]]
    book = annual_book(tmp_path, shares=shares)
    lines = read_targets(_plan_month(tmp_path, book) / "指标.xlsx")
    revenue = {l["工号"]: l["目标值"] for l in lines if l["指标"] == "集团收入" and l["所属室"] == "重要二室"}
    assert revenue == {"2001": 800000, "2002": 400000, "2003": 100000, "2004": 100000, "2005": 100000, "2006": 100000}
    base = {l["工号"]: l["基本目标"] for l in lines if l["指标"] == "集团收入" and l["所属室"] == "重要二室"}
    assert base["2002"] == 350000 and base["2003"] == 87500        # 8,400,000 / 12 = 700,000 → 4 : 1 : 1 : 1 : 1
    # 行业产品 (no row of its own): every manager's share is 1 → head count. 650 a year → 54 in
    # October (55, 55, then 54: the two left-over units to January and February); 54 / 5 = 10.8 →
    # 10 each and four left over: 11 to four of them, starting at October's turn (the 10th → the 5th manager)
    products = {l["工号"]: l["目标值"] for l in lines if l["指标"] == "行业产品" and l["所属室"] == "重要二室"}
    assert products == {"2001": 54, "2002": 11, "2003": 11, "2004": 11, "2005": 10, "2006": 11}


def _plan_month(tmp_path, book, staff=STAFF, month="2026-10", *extra):
    result = invoke("plan", book, "--staff", staff, "--month", month, "--out", tmp_path / "plan", *extra)
    assert result.exit_code == 0, result.output
    return tmp_path / "plan" / month


def test_head_count_follows_the_roster_month_by_month(tmp_path):
    staff_dir = copy_sample(tmp_path / "month")
    staff_cell(staff_dir, "1006", "离职日期", "2026-06-15")         # leaves in June: still assessed in June
    months = plan_year(tmp_path, annual_book(tmp_path, rows=[r for r in ANNUAL if r[1] == "集团收入"]),
                       staff_dir / "员工名册.xlsx")
    june = {l["工号"]: l["目标值"] for l in months[6] if l["所属室"] == "重要一室" and l["工号"] != "1001"}
    july = {l["工号"]: l["目标值"] for l in months[7] if l["所属室"] == "重要一室" and l["工号"] != "1001"}
    assert june == {e: 200000 for e in ("1002", "1003", "1004", "1005", "1006")}
    assert july == {e: 250000 for e in ("1002", "1003", "1004", "1005")}


def test_the_day_plan_spreads_each_target_over_the_workdays(tmp_path):
    folder = _plan_month(tmp_path, annual_book(tmp_path))
    ws = openpyxl.load_workbook(folder / "月计划表.xlsx")["月计划表"]
    header = [c.value for c in ws[2]]
    workdays = WorkCalendar(None, load_rules()).workdays(date(2026, 10, 1), date(2026, 10, 31))
    days = [f"{d.month}月{d.day}日（{'一二三四五六日'[d.weekday()]}）" for d in workdays]
    assert header[11:] == days and "10月1日（四）" not in header and "10月10日（六）" in header   # 调休 Saturday
    assert header[6:11] == ["第1周（10-01—10-04）", "第2周（10-05—10-11）", "第3周（10-12—10-18）",
                            "第4周（10-19—10-25）", "第5周（10-26—10-31）"]
    rows = [[D(str(v)) if isinstance(v, (int, float)) else v for v in r] for r in ws.iter_rows(min_row=3, values_only=True)]
    assert len(rows) == 2 * (6 + 5 * 4)
    for row in rows:
        month_target, weeks, per_day = row[5], row[6:11], row[11:]
        assert sum(weeks) == month_target and sum(per_day) == month_target and weeks[0] == 0
    revenue = [r for r in rows if r[0] == "重要一室" and r[4] == "集团收入"]
    head, team = revenue[0], revenue[1:]
    assert head[1] == "1001" and [sum(col) for col in zip(*(r[11:] for r in team))] == head[11:]


def test_the_planned_sheet_is_read_by_kehu_run_as_it_is(tmp_path):
    book = annual_book(tmp_path)
    folder = _plan_month(tmp_path, book)
    month = copy_sample(tmp_path / "month")
    shutil.copy(folder / "指标.xlsx", month / "指标.xlsx")
    # the other two workbooks dropped in as well by mistake: never read as 指标
    shutil.copy(folder / "月计划表.xlsx", month / "月计划表.xlsx")
    shutil.copy(book, month / "年度指标.xlsx")
    before = invoke("validate", month, "--month", "2026-10", "--report", tmp_path / "r.xlsx")
    # only the 完成值 the clerk fills at the month's end are missing: 行业产品 of everyone,
    # 其他集团指标 and 企信通 of the two heads
    assert before.exit_code == 1
    found = [f.code for f in validate_month(month, Month(2026, 10), load_rules()).findings]
    assert found.count("E-required") == 12 + 4 and "E-enum" not in found
    demo = {(str(r[0]), r[1]): r[5] for r in openpyxl.load_workbook(SAMPLE / "指标.xlsx").active
            .iter_rows(min_row=2, values_only=True) if r[0]}
    wb = openpyxl.load_workbook(month / "指标.xlsx")
    for row in wb["指标"].iter_rows(min_row=3):
        if row[5].fill.fgColor.rgb in ("FFFFF2CC", "00FFF2CC"):           # the yellow cells
            row[5].value = demo[(row[0].value, row[1].value)]
    wb.save(month / "指标.xlsx")
    result = invoke("run", month, "--month", "2026-10", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "out" / "2026-10" / "manifest.json").read_text(encoding="utf-8"))
    assert "月计划表.xlsx" in {entry["file"] for entry in manifest["not_read"]}
    annual = [s for s in manifest["sheets"] if s["file"] == "年度指标.xlsx"]
    assert {s["sheet"] for s in annual} == {"年度指标", "月度权重", "分配比例"}     # 填写说明 is skipped
    assert {s["dataset"] for s in annual} == {None} and "W-sheet-unknown 年度指标.xlsx 年度指标" in result.output


def test_a_rate_is_the_same_for_every_month_and_manager(tmp_path):
    rows = [r if r[1] != "行业产品" else (r[0], r[1], "0.8", "0.9", "1", "比率") for r in ANNUAL]
    months = plan_year(tmp_path, annual_book(tmp_path, rows=rows))
    rates = {(l["基本目标"], l["目标值"], l["挑战目标"]) for m in months.values() for l in m if l["指标"] == "行业产品"}
    assert rates == {(D("0.8"), D("0.9"), D(1))}
    plan = openpyxl.load_workbook(tmp_path / "plan" / "2026-10" / "月计划表.xlsx")["月计划表"]
    assert "行业产品" not in {r[4] for r in plan.iter_rows(min_row=3, values_only=True)}


@pytest.mark.parametrize("change, code, cell", [
    (lambda rows: [("重要1室",) + rows[0][1:]] + rows[1:], "E-plan-room", "A2"),
    (lambda rows: [rows[0][:1] + ("放号",) + rows[0][2:]] + rows[1:], "E-enum", "B2"),
    (lambda rows: rows[:2] + [rows[2][:2] + (900.5,) + rows[2][3:]] + rows[3:], "E-plan-unit", "C4"),
    (lambda rows: [rows[0][:3] + (9000000,) + rows[0][4:]] + rows[1:], "E-target-order", "D2"),
    (lambda rows: rows + [rows[0]], "E-duplicate-key", "B14"),
    (lambda rows: [rows[0] + (None, 1, 2)] + rows[1:], "E-plan-weights", "G2"),
    (lambda rows: [rows[0][:2] + ("很多",) + rows[0][3:]] + rows[1:], "E-number", "C2"),
])
def test_mistakes_in_the_annual_workbook_stop_it(tmp_path, change, code, cell):
    result = invoke("plan", annual_book(tmp_path, rows=change(list(ANNUAL))), "--staff", STAFF,
                    "--month", "2026-10", "--out", tmp_path / "plan")
    assert result.exit_code == 1, result.output
    assert code in result.output and "没有写出任何文件" in result.output
    if cell:
        assert f"年度指标 {cell}" in result.output
    assert not (tmp_path / "plan").exists()


def test_shares_for_some_managers_only_are_an_error(tmp_path):
    book = annual_book(tmp_path, shares=[("2002", None, None, 2), ("1001", None, None, 1)])
    result = invoke("plan", book, "--staff", STAFF, "--year", 2026, "--out", tmp_path / "plan")
    assert result.exit_code == 1 and not (tmp_path / "plan").exists()
    lines = [l for l in result.output.splitlines() if "E-plan-share" in l]
    assert "年度指标.xlsx 分配比例 A3：分配比例表中的工号 1001 的岗位是重要室经理" in lines[0]
    # once per indicator of 重要二室's managers, not once per month
    assert len(lines) == 1 + 4 and all("缺少 孙磊（2003）、周婷（2004）、吴强（2005）、索朗旺堆（2006）" in l for l in lines[1:])


def test_missing_rooms_and_heads_are_said(tmp_path):
    staff_dir = copy_sample(tmp_path / "month")
    staff_cell(staff_dir, "2001", "离职日期", "2026-09-30")          # 重要二室 has no head in October
    rows = [r for r in ANNUAL if not (r[0] == "重要一室" and r[1] == "企信通")]
    result = invoke("plan", annual_book(tmp_path, rows=rows), "--staff", staff_dir / "员工名册.xlsx",
                    "--month", "2026-10", "--out", tmp_path / "plan")
    assert result.exit_code == 0, result.output
    assert "W-plan-indicator-missing" in result.output and "「重要一室」的「企信通」" in result.output
    assert "W-plan-no-room-manager" in result.output
    lines = read_targets(tmp_path / "plan" / "2026-10" / "指标.xlsx")
    assert not [l for l in lines if l["工号"] == "2001"]


def test_a_year_no_calendar_knows_needs_its_checked_calendar(tmp_path):
    book = annual_book(tmp_path)
    unknown = invoke("plan", book, "--staff", STAFF, "--month", "2031-10", "--out", tmp_path / "plan")
    assert unknown.exit_code == 1 and "E-calendar-year" in unknown.output
    assert "kehu init 文件夹 --calendar 2031" in unknown.output
    invoke("init", tmp_path / "cal", "--calendar", 2031)
    calendar = tmp_path / "cal" / "日历_2031.xlsx"
    waiting = invoke("plan", book, "--staff", STAFF, "--month", "2031-10", "--out", tmp_path / "plan",
                     "--calendar", calendar)
    assert waiting.exit_code == 1 and "E-calendar-unreviewed" in waiting.output
    wb = openpyxl.load_workbook(calendar)
    for row in wb["日历"].iter_rows(min_row=3):
        row[4].value = "已核对"
    wb.save(calendar)
    shutil.copy(STAFF, tmp_path / "cal")              # --staff a folder: its 日历 sheets are used too
    done = invoke("plan", book, "--staff", tmp_path / "cal", "--month", "2031-10", "--out", tmp_path / "plan")
    assert done.exit_code == 0, done.output
    assert (tmp_path / "plan" / "2031-10" / "指标.xlsx").is_file()


def test_usage_mistakes_are_exit_2(tmp_path):
    book = annual_book(tmp_path)
    neither = invoke("plan", book, "--staff", STAFF, "--out", tmp_path / "plan")
    both = invoke("plan", book, "--staff", STAFF, "--month", "2026-10", "--year", 2026, "--out", tmp_path / "plan")
    assert neither.exit_code == 2 and both.exit_code == 2 and "二者选一" in neither.output
    _plan_month(tmp_path, book)
    again = invoke("plan", book, "--staff", STAFF, "--month", "2026-10", "--out", tmp_path / "plan")
    assert again.exit_code == 2 and "已存在" in again.output


def test_a_month_without_a_workday_cannot_be_spread_over_days(tmp_path):
    calendar = tmp_path / "日历.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["日期", "类型", "说明"])
    for day in range(1, 32):
        wb.active.append([f"2031-10-{day:02d}", "休息日", "整月停工"])
    wb.save(calendar)
    result = invoke("plan", annual_book(tmp_path), "--staff", STAFF, "--month", "2031-10", "--out", tmp_path / "plan",
                    "--calendar", calendar)
    assert result.exit_code == 1 and "E-plan-no-workdays" in result.output and "2031-10 没有一个工作日" in result.output
    assert not (tmp_path / "plan").exists()
