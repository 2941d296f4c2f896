"""The workbooks managers and the department receive (SPEC §6, issue 4), read back with openpyxl."""
from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from result_factory import HYPERLINK_NAME, PHONE_NAME, SCRIPT_NAME, make_result  # noqa: E402

from kehu.render import outputs  # noqa: E402
from kehu.render.department_book import SHEETS as DEPARTMENT_SHEETS  # noqa: E402
from kehu.render.manager_book import MANAGER_SHEETS, ROOM_MANAGER_SHEETS  # noqa: E402
from kehu.render.safe import safe_filename, unique_filename  # noqa: E402
from kehu.render.outputs import write_workbooks
from kehu.render.workbooks import ManagerSlicer  # noqa: E402

DEPARTMENT = "集团客户部_2026-10_考核汇总.xlsx"
EXPECTED_MANAGER_FILES = {"1001_王建国.xlsx", "1002_李娜.xlsx", "1003_CON.xlsx", "2001_赵敏.xlsx",
                          "2002_script_孙丽.xlsx", "2003_周杰.xlsx"}


@pytest.fixture(scope="module")
def result():
    return make_result()


@pytest.fixture(scope="module")
def out(result, tmp_path_factory):
    folder = tmp_path_factory.mktemp("out")
    paths = write_workbooks(result, folder)
    return folder, paths


def employee(result, emp_id):
    return next(e for e in result.results["employees"] if e["employee_id"] == emp_id)


def book(out, name, data_only=True):
    folder, _ = out
    path = folder / DEPARTMENT if name == DEPARTMENT else folder / "managers" / name
    return openpyxl.load_workbook(path, data_only=data_only)


def find(ws, text):
    """(row, column) of the first cell whose value is exactly ``text``."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell.row, cell.column
    raise AssertionError(f"{text!r} not in sheet {ws.title}")


def strings(wb):
    return {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


def money(x):
    return Decimal(str(x)).quantize(Decimal("0.01"))


# ---------------------------------------------------------------------------
# files

def test_every_assessed_manager_gets_a_workbook_with_a_safe_name(out):
    folder, paths = out
    managers = folder / "managers"
    assert {p.name for p in managers.iterdir()} == EXPECTED_MANAGER_FILES
    assert paths[-1] == folder / DEPARTMENT and paths[-1].exists()
    for p in paths[:-1]:
        assert p.resolve().parent == managers.resolve()          # '../' never escapes the folder


def test_sheet_names(out):
    assert book(out, "1002_李娜.xlsx").sheetnames == MANAGER_SHEETS
    assert book(out, "1003_CON.xlsx").sheetnames == MANAGER_SHEETS          # 行业客户经理
    assert book(out, "1001_王建国.xlsx").sheetnames == ROOM_MANAGER_SHEETS   # 重要室经理
    assert book(out, DEPARTMENT).sheetnames == DEPARTMENT_SHEETS
    assert MANAGER_SHEETS == ["考核汇总", "考勤明细", "KPI明细", "拜访", "回访", "问题清单"]
    assert {"本室汇总", "室经理考核"} <= set(ROOM_MANAGER_SHEETS)
    assert {"全员汇总", "各室汇总", "室经理考核", "通报", "回访汇总", "离网预警", "问题清单", "图表"} \
        <= set(DEPARTMENT_SHEETS)


# ---------------------------------------------------------------------------
# key cells

@pytest.mark.parametrize("name", sorted(EXPECTED_MANAGER_FILES))
def test_summary_key_cells_equal_the_result(out, result, name):
    emp = employee(result, name.split("_")[0])
    ws = book(out, name)["考核汇总"]
    r, _ = find(ws, "KPI合计")
    assert money(ws.cell(r, 8).value) == Decimal(emp["kpi"]["total"])
    r, _ = find(ws, "扣款合计")
    assert money(ws.cell(r, 8).value) == Decimal(emp["deductions_total"])
    r, c = find(ws, "应发绩效")
    assert money(ws.cell(r + 1, c).value) == Decimal(emp["performance_pay"])
    r, c = find(ws, "绩效基数")
    assert money(ws.cell(r + 1, c).value) == Decimal(emp["performance_base"])
    r, c = find(ws, "未扣足扣款")
    assert money(ws.cell(r + 1, c).value) == Decimal(emp["uncovered"])
    # each indicator's score row
    for ind in emp["kpi"]["indicators"]:
        assert any(money(ws.cell(row, 8).value) == Decimal(ind["score"])
                   for row in range(1, ws.max_row + 1) if isinstance(ws.cell(row, 8).value, (int, float)))
    text = " ".join(strings(book(out, name)))
    for line in ("考核人(重要室经理)", "审核(集团客户部)", "审批(分管副总)"):
        assert line in text
    assert text.count("日期：") >= 3


def test_kpi_detail_total_row_is_the_kpi_total(out, result):
    # 行业客户经理 1003: Σ rounded indicator scores (SPEC §2.8)
    ws = book(out, "1003_CON.xlsx")["KPI明细"]
    r, _ = find(ws, "合计")
    _, c = find(ws, "得分")
    assert money(ws.cell(r, c).value) == Decimal(employee(result, "1003")["kpi"]["total"])


def test_attendance_sheet_lists_his_events_and_sums_to_the_deductions(out, result):
    ws = book(out, "2002_script_孙丽.xlsx")["考勤明细"]
    r, c = find(ws, "合计")
    _, amount_col = find(ws, "扣款")
    emp = employee(result, "2002")
    # attendance events + violation rows (the frame's 'violation' type)
    assert money(ws.cell(r, amount_col).value) == Decimal(emp["attendance"]["deduction"]) + \
        Decimal(emp["violations"]["deduction"])
    kinds = [ws.cell(row, 3).value for row in range(5, r)]
    assert sorted(kinds) == sorted(["违纪", "请假超限", "迟到"])


# ---------------------------------------------------------------------------
# confidentiality (seed 004 保密制度)

@pytest.mark.parametrize("name", sorted(EXPECTED_MANAGER_FILES))
def test_a_manager_workbook_holds_no_other_managers_customer(out, result, name):
    emp_id = name.split("_")[0]
    customers = result.customers
    others = customers[customers.manager_id != emp_id]
    seen = strings(book(out, name))
    leaked = (set(others.customer_id) | set(others.customer_name)) & seen
    assert not leaked
    mine_due = set(result.visit_detail.customer_id[result.visit_detail.manager_id == emp_id])
    assert mine_due <= seen


def test_room_manager_sees_room_totals_and_lines_but_not_customer_rows(out, result):
    wb = book(out, "1001_王建国.xlsx")
    ws = wb["本室汇总"]
    ids = {ws.cell(r, 1).value for r in range(1, ws.max_row + 1)}
    assert {"1001", "1002", "1003"} <= ids and not ({"2001", "2002", "2003"} & ids)
    r, c = find(ws, "本月收入")
    room = result.rooms.set_index("room").loc["一室"]
    assert money(ws.cell(r, c + 1).value) == room["revenue"]
    r, c = find(ws, "应发绩效合计")
    assert money(ws.cell(r, c + 1).value) == room["performance_pay"]
    assert not (set(result.customers.customer_id) & {ws.cell(r, c).value for r in range(1, ws.max_row + 1)
                                                   for c in range(1, ws.max_column + 1)})
    ws = wb["室经理考核"]
    assert find(ws, "企信通") and find(ws, "其他集团指标")


# ---------------------------------------------------------------------------
# safe cells

def test_formula_looking_names_stay_text(out):
    cases = [("1002_李娜.xlsx", "拜访", HYPERLINK_NAME), ("1002_李娜.xlsx", "回访", HYPERLINK_NAME),
             ("1003_CON.xlsx", "拜访", PHONE_NAME), ("2002_script_孙丽.xlsx", "拜访", SCRIPT_NAME),
             (DEPARTMENT, "离网预警", SCRIPT_NAME), (DEPARTMENT, "回访跟进", "=1+1 请尽快处理"),
             (DEPARTMENT, "全员汇总", "../<script>孙丽")]
    for name, sheet, text in cases:
        ws = book(out, name, data_only=False)[sheet]
        r, c = find(ws, text)
        cell = ws.cell(r, c)
        assert cell.data_type == "s", (name, sheet, text)
        assert cell.hyperlink is None


def test_only_our_own_sum_formulas_are_formulas(out):
    folder, paths = out
    for path in paths:
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        assert str(cell.value).startswith("=SUM("), (path.name, ws.title, cell.coordinate)


# ---------------------------------------------------------------------------
# department

def test_department_everyone_equals_the_result_and_payroll(out, result):
    ws = book(out, DEPARTMENT)["全员汇总"]
    hr, _ = find(ws, "工号")
    headers = [ws.cell(hr, c).value for c in range(1, ws.max_column + 1)]
    for h in ("工号", "姓名", "绩效基数", "KPI得分", "扣款合计", "应发绩效"):      # payroll.csv columns
        assert h in headers
    col = {h: headers.index(h) + 1 for h in headers if h}
    employees = result.results["employees"]
    rows = {ws.cell(r, 1).value: r for r in range(hr + 1, hr + 1 + len(employees))}
    assert set(rows) == {e["employee_id"] for e in employees}
    for e in employees:
        r = rows[e["employee_id"]]
        assert ws.cell(r, col["姓名"]).value == e["name"]
        assert money(ws.cell(r, col["绩效基数"]).value) == Decimal(e["performance_base"])
        assert money(ws.cell(r, col["KPI得分"]).value) == Decimal(e["kpi"]["total"])
        assert money(ws.cell(r, col["扣款合计"]).value) == Decimal(e["deductions_total"])
        assert money(ws.cell(r, col["应发绩效"]).value) == Decimal(e["performance_pay"])
    total_row = hr + 1 + len(employees)
    assert ws.cell(total_row, 1).value == "合计"
    for h, key in (("绩效基数", "performance_base"), ("扣款合计", "deductions_total"), ("应发绩效", "performance_pay")):
        assert money(ws.cell(total_row, col[h]).value) == sum(Decimal(e[key]) for e in employees)


def test_department_rooms_notices_callbacks(out, result):
    wb = book(out, DEPARTMENT)
    ws = wb["各室汇总"]
    r, _ = find(ws, "二室")
    assert find(ws, "赵敏")
    ws = wb["通报"]
    r, _ = find(ws, "私自外出")
    assert ws.cell(r, 1).value == "2002"
    ws = wb["回访汇总"]
    hr, _ = find(ws, "满意")
    for h in ("满意", "一般", "不满意", "未接通"):
        find(ws, h)
    # by-room satisfaction counts add up to all callback rows of the month
    r, _ = find(ws, "合计")
    _, c = find(ws, "回访次数")
    assert ws.cell(r, c).value == len(result.callbacks_month)
    ws = wb["室经理考核"]
    assert find(ws, "1001") and find(ws, "2001")
    ws = wb["问题清单"]
    assert sum(1 for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value in
               {f.code for f in result.findings}) == len(result.findings)
    assert len(wb["图表"]._charts) == 3


# ---------------------------------------------------------------------------
# print-ready

def test_print_setup(out):
    for name, sheet in ((DEPARTMENT, "全员汇总"), ("1002_李娜.xlsx", "回访"), ("1001_王建国.xlsx", "考核汇总")):
        ws = book(out, name)[sheet]
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9                       # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1)                    # 1 is the default (omitted)
    ws = book(out, DEPARTMENT)["全员汇总"]
    hr, _ = find(ws, "工号")
    assert ws.freeze_panes == f"A{hr + 1}"
    assert ws.print_title_rows.replace("$", "") == f"{hr}:{hr}"
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith(f"A{hr}:")
    assert ws.cell(hr + 1, 5).number_format == "¥#,##0.00"
    assert "2026年10月" in ws.cell(1, 1).value
    assert ws.conditional_formatting                                        # deductions > 0 in red
    ws = book(out, "1002_李娜.xlsx")["回访"]
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    assert any('"未回访"' in (rule.formula or [""])[0] for rule in rules)


def test_output_is_deterministic_and_parallel_equals_serial(result, tmp_path, monkeypatch):
    a = write_workbooks(result, tmp_path / "a")
    monkeypatch.setattr(outputs, "PARALLEL_MIN", 0)
    b = write_workbooks(result, tmp_path / "b", jobs=2)
    assert [p.relative_to(tmp_path / "a") for p in a] == [p.relative_to(tmp_path / "b") for p in b]
    for pa, pb in zip(a, b):
        assert pa.read_bytes() == pb.read_bytes(), pa.name


def test_slices_cut_in_ranges_equal_the_slices_cut_at_once(result):
    """A forked worker cuts its own range of managers: any split gives the same slices."""
    slicer = ManagerSlicer(result)
    whole = repr(slicer.slices())
    assert len(slicer) >= 3 and "K1003" in whole
    for split in (1, 2, len(slicer) - 1):
        assert repr(slicer.slices(0, split) + slicer.slices(split, len(slicer))) == whole
    assert repr([slicer.slices(i, i + 1)[0] for i in range(len(slicer))]) == whole


def test_workbook_created_property_is_fixed_from_the_month(out):
    wb = book(out, "1002_李娜.xlsx")
    assert wb.properties.created.year == 2026 and wb.properties.created.month == 10


# ---------------------------------------------------------------------------
# safe file names

@pytest.mark.parametrize("text, expected", [
    ("1001_王建国", "1001_王建国"),
    ("../<script>孙丽", "_script_孙丽"),
    ("..\\..\\windows", "_windows"),
    ("CON", "_CON"), ("con", "_con"), ("PRN", "_PRN"), ("AUX", "_AUX"), ("NUL", "_NUL"),
    ("COM1", "_COM1"), ("lpt9", "_lpt9"), ("CON.xlsx", "_CON.xlsx"), ("CONSOLE", "CONSOLE"),
    ('a<b>c:d"e/f\\g|h?i*j', "a_b_c_d_e_f_g_h_i_j"),
    ("tab\tnew\nline\x00nul", "tabnewlinenul"),
    ("name. . ", "name"), ("...", "未命名"), ("", "未命名"), (None, "未命名"), ("///", "未命名"),
    ("李　娜", "李 娜"),
])
def test_safe_filename(text, expected):
    assert safe_filename(text) == expected


def test_safe_filename_is_length_limited_and_never_ends_badly():
    name = safe_filename("很长的名字" * 50 + ".")
    assert len(name) <= 80 and not name.endswith((".", " "))
    assert len(safe_filename("x" * 500, max_length=20)) == 20


def test_unique_filename_ignores_case():
    taken: set[str] = set()
    assert unique_filename("a_b", taken, ".xlsx") == "a_b.xlsx"
    assert unique_filename("A_B", taken, ".xlsx") == "A_B_2.xlsx"


def test_control_characters_do_not_reach_cells(tmp_path):
    r = make_result()
    r.visit_detail.loc[r.visit_detail.customer_id == "K1003", "customer_name"] = "华东\x01电力\x7f"
    write_workbooks(r, tmp_path)
    ws = openpyxl.load_workbook(tmp_path / "managers" / "1002_李娜.xlsx")["拜访"]
    assert find(ws, "华东电力")


def test_parallel_without_fork_pickles_the_slices_and_writes_the_same(result, tmp_path, monkeypatch):
    import multiprocessing
    a = write_workbooks(result, tmp_path / "a")
    monkeypatch.setattr(outputs, "PARALLEL_MIN", 0)
    spawn = multiprocessing.get_context("spawn")
    monkeypatch.setattr(outputs.multiprocessing, "get_context", lambda: spawn)
    b = write_workbooks(result, tmp_path / "b", jobs=2)
    for pa, pb in zip(a, b, strict=True):
        assert pa.read_bytes() == pb.read_bytes(), pa.name


def test_records_equal_pandas_to_dict_records():
    import numpy as np
    import pandas as pd

    from kehu.render.frames import records
    when = pd.to_datetime(["2026-10-01 00:00", None, "2026-10-01 13:45", "2026-10-02 00:00"]).astype("datetime64[ns]")
    frame = pd.DataFrame({
        "text": ["a", None, "c", "d"], "money": [Decimal("1.20"), None, Decimal("-0"), Decimal("3")],
        "int": np.array([1, 2, 3, 4], dtype="int64"), "float": [1.5, float("nan"), 0.0, -2.0],
        "flag": [True, False, True, False], "when": when, "nullable": pd.array([1, None, 3, 4], dtype="Int64"),
        "numpy_in_object": pd.Series([np.int64(1), "x", np.float64(2.5), None], dtype=object),
        "mixed": pd.Series([pd.NaT, pd.NA, pd.Timestamp("2026-10-03"), 5], dtype=object),
        "aware": pd.to_datetime(["2026-10-01"] * 4).tz_localize("Asia/Shanghai"),
        "category": pd.Categorical(["x", "y", "x", None]),
    })
    frame["dup"] = frame["text"]
    expected, got = frame.to_dict("records"), records(frame)
    assert len(got) == len(expected)
    for want, have in zip(expected, got):
        assert list(want) == list(have)
        for key in want:
            assert type(have[key]) is type(want[key]), key
            assert have[key] is want[key] or have[key] == want[key] or (want[key] != want[key] and have[key] != have[key]), key
    assert records(frame.iloc[:0]) == [] and records(None) == []


def test_policy_words_follow_the_rules_in_force(tmp_path):
    """A department that changes a rule reads the new rule in its workbooks (issue 13 item 1,
    issue 14 item 8): no 超过3次 / 三天 / 前三月 / seed names printed from code."""
    from builders import tiny_month, write_month
    from kehu.month import Month
    from kehu.pipeline import run
    from kehu.rules import load_rules
    rules = load_rules()
    rules["attendance"]["leave_limit"]["max_free"] = 5
    rules["callbacks"]["window_days"] = 5
    rules["churn_warning"]["history_months"] = 6
    rules["kpi"]["retention_points_per_percent"] = 4
    rules["assessment"]["appeal_day"] = 20                              # issue 14 items 7, 10, 11
    rules["attendance"]["tiers"] = [{"max_minutes": 15, "amount": 20}, {"max_minutes": 0, "amount": 80}]
    rules["learning"]["streak_step"] = 2
    rules["learning"]["worst_deduction_rate"] = 0.05
    rules["organisation"]["department"] = "政企客户部"
    month = tiny_month()
    del month["回访记录.xlsx"]["回访"][2]                                # 000102 never called back: a 回访函
    month["打卡记录.xlsx"]["打卡"][1][1] = "2026-10-09 10:10"               # 1001 late 20 minutes: the second tier
    folder = write_month(tmp_path / "in", month)
    assert run(folder, Month(2026, 10), tmp_path / "out", rules).exit_code == 0
    done = tmp_path / "out" / "2026-10"
    manager = strings(openpyxl.load_workbook(done / "managers" / "1001_张伟.xlsx"))
    assert "超过5次扣款" in manager and "超过3次扣款" not in manager
    assert any("五天内回访" in t for t in manager) and not any("三天" in t for t in manager)
    assert any("±4 分" in t for t in manager)
    assert any("如有异议，请于 11月20日前向政企客户部提出。" in t for t in manager)
    assert "15分钟以上" in manager and "30分钟以内" not in manager
    department = strings(openpyxl.load_workbook(done / DEPARTMENT))
    assert any("前六月" in t for t in department) and not any("前三月" in t or "seed" in t for t in department)
    letter = (done / "letters" / "1002" / "回访函_000102.html").read_text(encoding="utf-8")
    assert "每次服务后五天之内回访" in letter and "三天" not in letter and "政企客户部" in letter
    from kehu.render.wording import policy_words
    assert policy_words(rules)["learning_worst"] == "连续二次最差，扣绩效基数的 5%"
    assert "须 100% 按时回访" in policy_words(rules)["member_callbacks"]
    rules["callbacks"]["member_target_rate"] = 0.9
    assert "须 90% 按时回访" in policy_words(rules)["member_callbacks"]


def _november(month: dict) -> dict:
    """The tiny month moved to November 2026 (its dates, months and test month), one more 违纪."""
    def moved(value):
        return value.replace("2026-10", "2026-11").replace("2026年10月", "2026年11月") if isinstance(value, str) else value
    out = {name: {sheet: [[moved(v) for v in row] for row in rows] for sheet, rows in sheets.items()}
           for name, sheets in month.items()}
    out["违纪记录.xlsx"]["违纪"].append(["1002", "2026-11-12", "未穿工作服", "会见客户时未着工作服"])
    return out


def test_all_staff_sheet_ranks_counts_and_compares_with_last_month(tmp_path):
    """Issue 14 item 9: 全员汇总 carries the KPI rank, the attendance counts, and KPI / deductions
    against the previous month the history store kept (empty, and said so, without one)."""
    import json

    from builders import tiny_month, write_month
    from kehu.month import Month
    from kehu.pipeline import run
    from kehu.rules import load_rules
    from sheet_text import sheet_text
    out = tmp_path / "out"
    assert run(write_month(tmp_path / "oct", tiny_month()), Month(2026, 10), out, load_rules()).exit_code == 0
    assert run(write_month(tmp_path / "nov", _november(tiny_month())), Month(2026, 11), out, load_rules()).exit_code == 0
    months = {m: {e["employee_id"]: e for e in json.loads((out / m / "results.json").read_text(encoding="utf-8"))["employees"]}
              for m in ("2026-10", "2026-11")}
    october = openpyxl.load_workbook(out / "2026-10" / "集团客户部_2026-10_考核汇总.xlsx")["全员汇总"]
    assert "历史库中没有2026年9月的考核结果，较上月两列为空。" in sheet_text(october)
    ws = openpyxl.load_workbook(out / "2026-11" / "集团客户部_2026-11_考核汇总.xlsx")["全员汇总"]
    hr, _ = find(ws, "工号")
    headers = [c.value for c in ws[hr]]
    assert headers[:8] == ["工号", "姓名", "岗位", "所属室", "绩效基数", "KPI得分", "KPI名次", "KPI较上月"]
    assert {"迟到", "早退", "旷工(天)", "缺卡", "请假", "违纪", "扣款较上月"} <= set(headers)
    col = {h: i for i, h in enumerate(headers)}
    lines = {row[0].value: row for row in ws.iter_rows(min_row=hr + 1, max_row=hr + 3)}
    nov, oct_ = months["2026-11"], months["2026-10"]
    ranked = sorted(nov, key=lambda e: -Decimal(nov[e]["kpi"]["total"]))
    for eid, row in lines.items():
        was, now = oct_[eid], nov[eid]
        assert money(row[col["KPI较上月"]].value) == Decimal(now["kpi"]["total"]) - Decimal(was["kpi"]["total"])
        assert money(row[col["扣款较上月"]].value) == Decimal(now["deductions_total"]) - Decimal(was["deductions_total"])
        assert row[col["KPI名次"]].value == 1 + sum(Decimal(nov[o]["kpi"]["total"]) > Decimal(now["kpi"]["total"])
                                                   for o in ranked)
        assert (row[col["违纪"]].value, row[col["旷工(天)"]].value) == (
            now["violations"]["count"], now["attendance"]["absent_days"])
    assert money(lines["1002"][col["扣款较上月"]].value) >= 50                 # one more 未穿工作服
    assert lines["1002"][col["扣款较上月"]].number_format == "+¥#,##0.00;-¥#,##0.00;¥0.00"
    assert "较上月：本月减2026年10月。" in sheet_text(ws)
