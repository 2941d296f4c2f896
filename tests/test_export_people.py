"""Who an export row is, and what the 导入核对 sheet says (issue 17).

People are matched by 工号, or by the export's UserId / 账号 through 员工名册's 钉钉UserId / 企业微信账号
column — never by name; a 签到's 拜访客户 by 客户编号, else by the one 客户名称 written alike. The
导入核对 sheet lists the days an export judges unlike kehu, computed here by hand.
"""
from __future__ import annotations

from pathlib import Path

import openpyxl

from attendance_exports import rosters
from builders import tiny_month, write_month
from kehu.month import Month
from kehu.pipeline import validate
from kehu.rules import load_rules
from kehu.validate import validate_month

MONTH, RULES = Month(2026, 10), load_rules()
DAILY = ["姓名", "工号", "UserId", "日期", "班次", "上班1打卡时间", "上班1打卡结果", "下班1打卡时间", "下班1打卡结果",
         "上班2打卡时间", "上班2打卡结果", "下班2打卡时间", "下班2打卡结果"]


def day(eid, userid, when, shift="A", *slots):
    return ["张伟", eid, userid, when, shift] + list(slots) + [None] * (8 - len(slots))


def folder_with(tmp_path: Path, files: dict, daily_rows: list, name="考勤报表_20261001-20261031.xlsx") -> Path:
    """The rosters and KPI sheets of ``files`` and a DingTalk 每日统计 of ``daily_rows``."""
    files = dict(files)
    files.pop("打卡记录.xlsx", None)
    files[name] = {"每日统计": [["每日统计表 统计日期：2026-10-01 至 2026-10-31"], DAILY] + daily_rows}
    return write_month(tmp_path / "in", files)


def found(inputs) -> list[tuple]:
    return sorted((f.code, f.sheet, f.row, f.value) for f in inputs.findings if f.code.startswith(("E-", "W-export", "W-signin"))
                  and f.code not in ("E-dataset-missing",))


def test_an_export_without_ids_and_a_roster_without_accounts_stops(tmp_path):
    """tiny_month's 员工名册 has no 钉钉UserId column: 李娜's rows (no 工号) cannot be given to anyone."""
    rows = [day("1001", "u1001", "26-10-09 星期五", "A", "09:45", "正常"),
            day(None, "u1002", "26-10-09 星期五", "A", "09:40", "正常", "13:02", "正常"),
            day(None, "u1002", "26-10-12 星期一", "A", "09:41", "正常")]
    inputs = validate_month(folder_with(tmp_path, tiny_month(), rows), MONTH, RULES)
    [finding] = [f for f in inputs.findings if f.code == "E-export-no-id"]
    assert (finding.sheet, finding.row, finding.value) == ("每日统计", 4, "u1002")
    assert "3 行" in finding.message and "钉钉UserId" in finding.message and "u1002" in finding.message
    count = next(s for s in inputs.sheets if s.sheet == "每日统计")
    assert (count.read, count.used, count.rejected) == (3, 1, 2)
    assert set(inputs.frames["punches"]["employee_id"]) == {"1001"}


def test_accounts_are_looked_up_in_the_roster_never_names(tmp_path):
    files = rosters()
    staff = files["员工名册.xlsx"]["员工"]
    staff[2][-2] = "u-shared"                 # 李娜 and 王强 given one UserId
    staff[3][-2] = "u-shared"
    rows = [day(None, "u1001", "26-10-09 星期五", "A", "09:45", "正常"),          # 张伟 by his UserId
            day(None, "u9999", "26-10-09 星期五", "A", "09:45", "正常"),          # nobody of the roster
            day(None, "u9999", "26-10-12 星期一", "A", "09:45", "正常"),
            day(None, "u-shared", "26-10-09 星期五", "A", "09:45", "正常")]
    rows[1][0] = rows[2][0] = "张伟"            # the same name as 1001's: names never match anyone
    inputs = validate_month(folder_with(tmp_path, files, rows), MONTH, RULES)
    assert found(inputs) == [("E-account-duplicate", "每日统计", 6, "u-shared"),
                             ("W-export-unmatched", "每日统计", 4, "u9999")]
    assert "2 行" in next(f.message for f in inputs.findings if f.code == "W-export-unmatched")
    assert list(inputs.frames["punches"]["employee_id"]) == ["1001"]
    count = next(s for s in inputs.sheets if s.sheet == "每日统计")
    assert (count.read, count.used, count.ignored, count.rejected) == (4, 1, 2, 1)


def test_sign_in_customers_by_number_or_by_the_one_name_written_alike(tmp_path):
    files = rosters()
    files["客户名册.xlsx"]["客户"].append(["000104", "日喀则酒店", "C", "1001", None, None, None, None, "否", 5, 5, 100, 0,
                                          None, "在网", None])
    head = ["姓名", "工号", "部门", "签到来源", "日期", "时间", "经度", "纬度", "地点", "拜访客户", "工作内容"]
    signs = [["张伟", "1001", "集团客户部", "手机", "2026-10-09", t, 88.8, 29.2, "日喀则", c, "走访"] for t, c in
             (("10:00", "000101"), ("11:00", "日喀则市 第一中学"), ("15:00", "日喀则酒店"), ("16:00", "拉萨宾馆"))]
    files["签到_202610.xlsx"] = {"签到": [head] + signs}
    inputs = validate_month(write_month(tmp_path / "in", files), MONTH, RULES)
    v = inputs.frames["visits"]
    mine = v[v["_file"] == "签到_202610.xlsx"]
    # 000101 by its number; 日喀则市 第一中学 is 日喀则市第一中学 (spaces aside): both 000101
    assert sorted(zip(mine["customer_id"], mine["start_time"])) == [("000101", "10:00"), ("000101", "11:00")]
    codes = sorted((f.code, f.row) for f in inputs.findings if f.file == "签到_202610.xlsx")
    assert codes == [("W-signin-customer", 4), ("W-unknown-customer", 5)]      # a shared name; a prospect


def test_the_import_check_lists_the_days_kehu_reads_otherwise(tmp_path):
    """October is winter (AM 09:50–13:00, PM 15:20–18:30); 10-10 is a Saturday worked for the holiday.

    10-09: DingTalk 正常 four times; kehu: the 15:30 afternoon in-punch is 10 minutes late  → listed
    10-10: DingTalk 休息; kehu: a workday without a punch, absent all day                   → listed
    10-12: both 正常                                                                       → not listed
    10-13: 上班1 管理员改为正常 at 10:05; kehu: 15 minutes late (the correction is not applied) → listed
    10-14: 上班1 and 下班1 both 缺卡; kehu: the morning absent — the same                     → not listed
    10-15: 上班1 迟到 09:55; kehu: 5 minutes late — the same                                → not listed
    """
    normal = ("正常",)
    rows = [day("1001", "u1001", "26-10-09 星期五", "A", "09:45", *normal, "13:01", *normal, "15:30", *normal, "18:31", *normal),
            day("1001", "u1001", "26-10-10 星期六", "休息", None, "休息", None, "休息"),
            day("1001", "u1001", "26-10-12 星期一", "A", "09:40", *normal, "13:05", *normal, "15:10", *normal, "18:40", *normal),
            day("1001", "u1001", "26-10-13 星期二", "A", "10:05", "管理员王强改为正常", "13:05", *normal, "15:10", *normal,
                "18:40", *normal),
            day("1001", "u1001", "26-10-14 星期三", "A", None, "缺卡", None, "缺卡", "15:10", *normal, "18:40", *normal),
            day("1001", "u1001", "26-10-15 星期四", "A", "09:55", "迟到", "13:05", *normal, "15:10", *normal, "18:40", *normal)]
    folder = folder_with(tmp_path, rosters(), rows)
    check = validate_month(folder, MONTH, RULES).import_check
    got = [(f"{r.date:%m-%d}", r.kehu_says, r.schedule, r.punches) for r in check.itertuples()]
    assert got == [("10-09", "上午正常；下午迟到 10 分钟", "09:50–13:00，15:20–18:30", "09:45、13:01、15:30、18:31"),
                   ("10-10", "上午旷工；下午旷工", "09:50–13:00，15:20–18:30", ""),
                   ("10-13", "上午迟到 15 分钟；下午正常", "09:50–13:00，15:20–18:30", "10:05、13:05、15:10、18:40")]
    assert check["export_says"][0] == "上班1 正常（09:45）；下班1 正常（13:01）；上班2 正常（15:30）；下班2 正常（18:31）"
    assert "钉钉这天排休息" in check["note"][1] and "管理员" in check["note"][2]
    assert list(check["row"]) == [3, 4, 6] and set(check["employee_id"]) == {"1001"}

    outcome = validate(folder, MONTH, RULES, tmp_path / "校验报告.xlsx")
    sheet = openpyxl.load_workbook(outcome.report)["导入核对"]
    assert sheet["A3"].value == "共 3 天需要核对。"
    assert [c.value for c in sheet[5]][:6] == ["1001", "张伟", sheet["C5"].value, "钉钉 每日统计",
                                               check["export_says"][0], "上午正常；下午迟到 10 分钟"]
    assert f"{sheet['C5'].value:%Y-%m-%d}" == "2026-10-09"
    # printed as the report's own sheets: A4 landscape one page wide, title and header on every page
    assert sheet.print_title_rows == "$1:$4" and sheet.freeze_panes == "A5"
    assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth in (1, None)
    assert sheet.row_dimensions[5].height >= 2 * 16                 # 导出的结果 wraps to two lines, shown whole
    assert openpyxl.load_workbook(outcome.report).sheetnames[:4] == ["概要", "问题清单", "读取情况", "导入核对"]


def test_an_export_that_lists_punches_only_is_compared_on_late_and_early_only(tmp_path):
    """原始记录 knows nothing of a missing punch: a morning without an out-punch is no disagreement,
    a 09:55 in-punch DingTalk calls 正常 is (kehu: 5 minutes late)."""
    files = rosters()
    files["原始记录.xlsx"] = {"原始记录": [["姓名", "工号", "UserId", "考勤日期", "打卡时间", "打卡结果"],
                                         ["张伟", "1001", "u1001", "2026-10-09", "09:45", "正常"],
                                         ["张伟", "1001", "u1001", "2026-10-12", "09:55", "正常"]]}
    check = validate_month(write_month(tmp_path / "in", files), MONTH, RULES).import_check
    assert [(f"{r.date:%m-%d}", r.kehu_says) for r in check.itertuples()] == [("10-12", "上午迟到 5 分钟、缺卡；下午旷工")]


def test_a_month_without_exports_has_no_import_check(tmp_path):
    assert validate_month(write_month(tmp_path / "in", tiny_month()), MONTH, RULES).import_check is None
