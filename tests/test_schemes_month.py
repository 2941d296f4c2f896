"""A department's own scheme and acting heads, end to end (issue 16; docs/RULES.md).

`kehu run` on the tiny month with examples/九项指标.toml (seed 004's nine room-manager
indicators, customer managers on 70 % own / 30 % room) and a 临时负责人 heading a room whose
manager post is empty; a satisfaction-weighted scheme; the validation of 指标 rows against
the schemes and of the rooms' heads.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from builders import tiny_month, write_month
from kehu.cli import cli
from kehu.month import Month
from kehu.rules import load_rules
from kehu.validate import validate_month

ROOT = Path(__file__).resolve().parents[1]
NINE = ROOT / "examples" / "九项指标.toml"
MONTH = Month(2026, 10)
HEAD_ROWS = [("集团收入", 40000, 50000, 70000, None), ("集团信息化收入", 8000, 10000, 12000, None),
             ("集团个人客户到达数", 2, 5, 8, None), ("集团产品推广家数", 10, 20, 30, 20), ("其他集团指标", 10, 20, 30, 25),
             ("企信通", 10, 20, 30, 5), ("集团新增家数", 3, 4, 6, 3), ("集团彩铃个人客户到达数", 100, 120, 150, 130),
             ("中高端客户保有率", "0.95", "0.97", "0.99", "0.96"), ("放号", 50, 60, 80, 80)]
CM_ROWS = [("集团收入", 8000, 10000, 60000, None), ("集团信息化收入", 1000, 2000, 9000, None),
           ("集团个人客户到达数", 1, 3, 6, None), ("行业产品", 4, 5, 8, 5)]


def nine_indicator_month() -> dict:
    """The tiny month (重要一室: 1001, 1002, 重要室经理 1003) plus 重要二室, whose manager post is
    empty: 临时负责人 2001 and 客户经理 2002; 指标 rows for the example scheme."""
    month = tiny_month()
    month["员工名册.xlsx"]["员工"] += [["2001", "赵敏", "临时负责人", "重要二室", 6000, "2018-01-01", None, None, None],
                                   ["2002", "孙丽", "客户经理", "重要二室", 5000, "2022-01-01", None, None, None]]
    month["客户名册.xlsx"]["客户"] += [
        ["000201", "日喀则电力", "B1", "2002", None, None, None, None, "否", 20, 25, 30000, 6000, 60000, "在网", None],
        ["000202", "日喀则银行", "B2", "2001", None, None, None, None, "否", 10, 12, 9000, 2000, 30000, "在网", None]]
    month["打卡记录.xlsx"]["打卡"] += [[e, f"2026-10-{d:02d} {t}"] for e in ("2001", "2002") for d in (9, 12)
                                    for t in ("09:45", "12:59", "15:10", "18:31")]
    month["学习测评.xlsx"]["测评"].append(["2002", "2026-10", 80])
    rows = [["工号", "指标", "基本目标", "目标值", "挑战目标", "完成值"]]
    rows += [[e, *r] for e in ("1001", "1002", "2002") for r in CM_ROWS]
    rows += [[e, *r] for e in ("1003", "2001") for r in HEAD_ROWS]
    month["指标.xlsx"]["指标"] = rows
    return month


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def run_month(tmp_path: Path, month: dict, rules_text: str | None = None, rules: Path | None = None) -> dict:
    folder = write_month(tmp_path / "输入", month)
    if rules_text is not None:
        rules = tmp_path / "规则.toml"
        rules.write_text(rules_text, encoding="utf-8")
    extra = ["--rules", rules] if rules else []
    result = invoke("run", folder, "--month", "2026-10", "--out", tmp_path / "out", *extra)
    assert result.exit_code == 0, result.output
    return json.loads((tmp_path / "out" / "2026-10" / "results.json").read_text(encoding="utf-8"))


def people(results: dict) -> dict:
    return {e["employee_id"]: e for e in results["employees"]}


def scores(employee: dict) -> dict:
    return {i["name"]: i["score"] for i in employee["kpi"]["indicators"]}


@pytest.fixture(scope="module")
def nine(tmp_path_factory) -> tuple[Path, dict]:
    tmp = tmp_path_factory.mktemp("nine")
    return tmp / "out" / "2026-10", run_month(tmp, nine_indicator_month(), rules=NINE)


def test_the_nine_indicator_scheme_scores_the_acting_head_on_his_room(nine):
    """赵敏 (临时负责人, 重要二室, 绩效基数 6000): 重要二室 = 000201 (30,000 / 6,000 / 20→25) and 000202
    (9,000 / 2,000 / 10→12). 集团收入 39,000 < B 40,000 → 13.5 × 39,000 ÷ 40,000 = 13.1625 → 13.16;
    信息化收入 8,000 = B → 15 × 90% = 13.50; 到达数 5 + 2 = 7 ≥ T 5 → 10; 产品推广 20 = T → 5;
    离网率 0% → 10 + 10 → capped 15; 其他 25 ≥ T → 10; 企信通 5 < B 10 → 4.5 × 5 ÷ 10 = 2.25;
    新增家数 3 = B → 9; 彩铃 130 ≥ T → 5; 中高端保有率 0.96 ≥ B 0.95 → 9; 放号 80 = C → 5.
    Total 96.91; pay 6000 × 96.91% = 5814.60 − 1700 (旷工 on the 17 workdays he has no punches) = 4114.60."""
    _, results = nine
    e = people(results)["2001"]
    assert (e["role"], e["room"]) == ("临时负责人", "重要二室")
    assert scores(e) == {"集团收入": "13.16", "集团信息化收入": "13.50", "集团个人客户到达数": "10.00",
                         "集团产品推广家数": "5.00", "集团客户离网率": "15.00", "其他集团指标": "10.00", "企信通": "2.25",
                         "集团新增家数": "9.00", "集团彩铃个人客户到达数": "5.00", "中高端客户保有率": "9.00", "放号": "5.00"}
    assert (e["kpi"]["total"], e["deductions_total"], e["performance_pay"]) == ("96.91", "1700.00", "4114.60")
    room = next(r for r in results["rooms"] if r["room"] == "重要二室")
    assert (room["room_manager_id"], room["acting_head_id"]) == ("2001", "2001")
    assert "acting_head_id" not in next(r for r in results["rooms"] if r["room"] == "重要一室")


def test_customer_managers_blend_their_own_and_the_rooms_figures(nine):
    """孙丽 (2002, 重要二室): 集团收入 own 30,000 ≥ T 10,000 → 30; room 39,000 < B 40,000 (赵敏's row)
    → 27 × 39,000 ÷ 40,000 = 26.325 → 26.33; 0.7 × 30 + 0.3 × 26.33 = 28.899 → 28.90.
    李娜 (1002, 重要一室): 到达数 own 38 − 40 = −2 → 0; room 5 − 2 + 0 = 3 in [B 2, T 5) (王强's row) → 13.50;
    0.3 × 13.50 = 4.05."""
    _, results = nine
    p = people(results)
    line = next(i for i in p["2002"]["kpi"]["indicators"] if i["name"] == "集团收入")
    assert (line["score"], line["scope"], line["own_share"], line["room"]) == \
        ("28.90", "blend", 0.7, {"base": 40000, "target": 50000, "challenge": 70000, "actual": 39000})
    assert scores(p["1002"])["集团个人客户到达数"] == "4.05"
    assert "scope" not in p["1003"]["kpi"]["indicators"][0]            # the room scheme's scope is its default


def test_the_workbooks_show_the_room_part_and_a_note_on_every_line(nine):
    out, _ = nine
    ws = openpyxl.load_workbook(out / "managers" / "2002_孙丽.xlsx")["KPI明细"]
    rows = [[c for c in r] for r in ws.iter_rows(values_only=True)]
    header = next(r for r in rows if r and r[0] == "指标")
    for name in ("指标", "权重", "基本目标", "目标值", "挑战目标", "完成值", "完成率", "得分", "备注",
                 "口径", "本室基本目标", "本室完成值", "计分说明"):
        assert name in header
    revenue = dict(zip(header, next(r for r in rows if r and r[0] == "集团收入")))
    assert (revenue["口径"], revenue["本室完成值"], revenue["本室基本目标"]) == ("本人70%+本室30%", 39000, 40000)
    assert revenue["计分说明"].endswith("合计 70% × 30.00 + 30% × 26.33 = 28.90")
    lines = [r for r in rows[rows.index(header) + 1:] if r and r[0] and r[0] != "合计"]
    assert len(lines) == 5 and all(dict(zip(header, r))["计分说明"] for r in lines)
    acting = openpyxl.load_workbook(out / "managers" / "2001_赵敏.xlsx")
    assert "室经理考核" in acting.sheetnames and "本室汇总" in acting.sheetnames


def test_an_indicator_of_no_scheme_is_refused_and_the_rules_make_it_valid(tmp_path):
    month = tiny_month()
    month["指标.xlsx"]["指标"].append(["1003", "放号", 50, 60, 80, 70])
    found = validate_month(write_month(tmp_path / "a", month), MONTH, load_rules()).findings
    assert [(f.code, f.value) for f in found] == [("E-enum", "放号")]
    assert "集团收入" in found[0].message and "企信通" in found[0].message      # the names the rules accept
    rules = load_rules()
    rules["kpi"]["room_manager"]["fanghao"] = {"name": "放号", "weight": 5, "source": "targets.actual"}
    rules["kpi"]["room_manager"]["group_revenue"]["weight"] = 25
    assert validate_month(write_month(tmp_path / "b", month), MONTH, rules).findings == []


def test_a_row_no_line_reads_is_a_warning_and_unused(tmp_path):
    month = tiny_month()
    month["指标.xlsx"]["指标"].append(["1001", "企信通", 10, 20, 30, 15])     # 企信通 is the room scheme's only
    found = validate_month(write_month(tmp_path / "in", month), MONTH, load_rules()).findings
    assert [(f.code, f.row, f.employee_id, f.rejected) for f in found] == [("W-target-unused", 16, "1001", False)]
    assert "客户经理的考核方案中没有「企信通」" in found[0].message


def test_a_room_with_a_manager_and_an_acting_head(tmp_path):
    """Both are scored on the room's totals (seed 004: 考核对象 重要室经理和临时负责人), a warning
    says so; the room's targets for the customer managers are the 临时负责人's."""
    month = tiny_month()
    month["员工名册.xlsx"]["员工"].append(["1004", "刘洋", "临时负责人", "重要一室", 6000, None, None, None, None])
    month["打卡记录.xlsx"]["打卡"] += [["1004", f"2026-10-{d:02d} {t}"] for d in (9, 12)
                                    for t in ("09:45", "12:59", "15:10", "18:31")]
    month["指标.xlsx"]["指标"] += [["1004", r[1], 1, 2, 3, r[5]] for r in month["指标.xlsx"]["指标"] if r[0] == "1003"]
    found = validate_month(write_month(tmp_path / "check", month), MONTH, load_rules()).findings
    assert [(f.code, f.row, f.employee_id) for f in found] == [("W-acting-head", 5, "1004")]
    assert "王强（1003）" in found[0].message and "刘洋（1004）" in found[0].message
    rules = '[kpi.customer_manager.group_revenue]\nscope = "room"\n'
    p = people(run_month(tmp_path, month, rules))
    # 重要一室 revenue 50,000 + 8,000 + 500 = 58,500: ≥ C for both heads' rows and the acting head's
    assert len(p["1004"]["kpi"]["indicators"]) == len(p["1003"]["kpi"]["indicators"]) == 7
    cm = p["1001"]["kpi"]["indicators"][0]
    assert (cm["target"], cm["actual"], cm["scope"]) == (2, 58500, "room")     # 刘洋's row, not 王强's 200


def test_a_second_acting_head_in_a_room_is_an_error(tmp_path):
    month = tiny_month()
    month["员工名册.xlsx"]["员工"] += [["1004", "刘洋", "临时负责人", "重要一室", 6000, None, None, None, None],
                                   ["1005", "陈静", "临时负责人", "重要一室", 6000, None, None, None, None]]
    found = validate_month(write_month(tmp_path / "in", month), MONTH, load_rules()).findings
    assert ("E-room-manager", 6, "1005") in [(f.code, f.row, f.employee_id) for f in found]


def test_room_targets_missing_name_the_head_or_the_empty_post(tmp_path):
    rules = load_rules()
    rules["kpi"]["customer_manager"]["industry_products"]["scope"] = "room"     # the head's 行业产品 row
    rules["kpi"]["room_manager"]["industry_products"]["weight"] = 0             # not his own indicator
    rules["kpi"]["room_manager"]["other_group"]["weight"] = 25
    month = tiny_month()
    month["指标.xlsx"]["指标"] = [r for r in month["指标.xlsx"]["指标"] if r[:2] != ["1003", "行业产品"]]
    found = validate_month(write_month(tmp_path / "a", month), MONTH, rules).findings
    # their own 行业产品 rows are not read any more: a warning each
    assert [(f.code, f.employee_id, f.value) for f in found] == [
        ("E-target-missing", "1003", "行业产品"), ("W-target-unused", "1001", "行业产品"),
        ("W-target-unused", "1002", "行业产品")]
    assert found[0].message.startswith("王强（1003，重要室经理）缺少「行业产品」的指标行：本室客户经理张伟（1001）、"
                                       "李娜（1002）的「行业产品」按本室合计考核")
    assert "客户经理的「行业产品」按本室合计考核，目标取自本室负责人的指标行" in found[1].message
    month["员工名册.xlsx"]["员工"][3][2] = "客户经理"                              # 王强 no longer heads the room
    month["指标.xlsx"]["指标"] = [r for r in month["指标.xlsx"]["指标"] if r[0] != "1003"] + \
        [["1003", n, 100, 200, 300, None] for n in ("集团收入", "信息化收入", "成员净增")]
    found = [f for f in validate_month(write_month(tmp_path / "b", month), MONTH, rules).findings
             if f.code == "E-target-missing"]
    assert [(f.employee_id, f.value) for f in found] == [("", "行业产品")]
    assert found[0].message.startswith("「重要一室」本月没有重要室经理或临时负责人")


SATISFACTION = ('[kpi.customer_manager]\n'
                'group_revenue = { name = "集团收入", weight = 20, source = "customers.revenue" }\n'
                'satisfaction = { name = "客户满意度", weight = 10, source = "callbacks.satisfaction" }\n')


def test_a_manager_whose_callbacks_are_all_dissatisfied_loses_the_satisfaction_points(tmp_path):
    """Seed 003: 将满意度指标纳入绩效考核. 李娜 (1002)'s customer 000102 is called back twice, both
    不满意: 0 ÷ 2 = 0 < B 0.8 → 0 of 10. 张伟 (1001)'s one callback is 满意: 1 ≥ T 0.9 → 10.
    The same month with her callbacks 满意 gives her the 10 points back."""
    month = tiny_month()
    month["指标.xlsx"]["指标"] += [[e, "客户满意度", "0.8", "0.9", 1, None] for e in ("1001", "1002")]
    callbacks = month["回访记录.xlsx"]["回访"]
    callbacks[2][4] = "不满意"
    callbacks.append(["2026-10-16", "000102", "1003", "电话", "不满意", "没有解决"])
    unhappy = people(run_month(tmp_path / "a", month, SATISFACTION))
    for row in callbacks[2:]:
        row[4] = "满意"
    happy = people(run_month(tmp_path / "b", month, SATISFACTION))
    assert (scores(unhappy["1002"])["客户满意度"], scores(happy["1002"])["客户满意度"]) == ("0.00", "10.00")
    assert scores(unhappy["1001"])["客户满意度"] == "10.00"
    assert D(happy["1002"]["kpi"]["total"]) - D(unhappy["1002"]["kpi"]["total"]) == D(10)
    assert D(happy["1002"]["performance_pay"]) - D(unhappy["1002"]["performance_pay"]) == D(500)   # 5000 × 10%


def test_a_scheme_out_of_120_points_pays_on_its_share(tmp_path):
    rules = ('[kpi.points]\ncustomer_manager = 120\n'
             '[kpi.customer_manager.group_revenue]\nweight = 50\n')
    default = people(run_month(tmp_path / "a", tiny_month()))
    p = people(run_month(tmp_path / "b", tiny_month(), rules))
    e = p["1002"]
    assert e["kpi"]["out_of"] == 120 and "out_of" not in p["1003"]["kpi"] and "out_of" not in default["1002"]["kpi"]
    kpi, deductions = D(e["kpi"]["total"]), D(e["deductions_total"])
    expected = max(D(0), D(5000) * min(kpi * 100 / 120, D(100)) / 100 - deductions).quantize(D("0.01"))
    assert D(e["performance_pay"]) == expected


def test_the_documented_schemes_load(tmp_path):
    """examples/九项指标.toml and the TOML of docs/RULES.md are rules files kehu accepts."""
    rules = load_rules(NINE)
    assert [i["name"] for i in rules["kpi"]["room_manager"].values()][-4:] == \
        ["集团新增家数", "集团彩铃个人客户到达数", "中高端客户保有率", "放号"]
    blocks = re.findall(r"```toml\n(.*?)```", (ROOT / "docs" / "RULES.md").read_text(encoding="utf-8"), re.S)
    assert blocks
    for i, block in enumerate(blocks):
        path = tmp_path / f"rules_{i}.toml"
        path.write_text(block, encoding="utf-8")
        assert load_rules(path)["kpi"]["customer_manager"]["satisfaction"]["source"] == "callbacks.satisfaction"


def test_the_blank_targets_workbook_offers_the_schemes_names(tmp_path):
    """kehu init's 指标 dropdown lists the rules' indicator names (here with 放号)."""
    from kehu.init_inputs import write_blank_inputs
    write_blank_inputs(tmp_path, load_rules(NINE))
    ws = openpyxl.load_workbook(tmp_path / "指标.xlsx")["指标"]
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert "放号" in lists["B2"] and "集团新增家数" in lists["B2"] and "成员净增" not in lists["B2"]


def test_a_long_list_of_indicator_names_still_gets_its_dropdown(tmp_path):
    """Excel takes 255 characters inline: 30 names are read from the 填写说明 sheet instead, and the
    workbook still validates as kehu's own (the 填写说明 sheet is skipped)."""
    import warnings

    from kehu.init_inputs import write_blank_inputs
    rules = load_rules()
    names = [f"部门自定义考核指标第{i:02d}项" for i in range(30)]
    rules["kpi"]["room_manager"] = {f"x{i}": {"name": n, "weight": 5 if i < 20 else 0, "source": "targets.actual"}
                                    for i, n in enumerate(names)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")                    # xlsxwriter warns when it drops a validation
        write_blank_inputs(tmp_path, rules)
    wb = openpyxl.load_workbook(tmp_path / "指标.xlsx")
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in wb["指标"].data_validations.dataValidation}
    assert lists["B2"] == "'填写说明'!$AB$1:$AB$24"          # 4 customer-manager names + the 20 active
    assert [wb["填写说明"].cell(row=i, column=28).value for i in (1, 24)] == ["集团收入", names[19]]
