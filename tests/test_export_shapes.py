"""Each attendance-export recogniser (issue 17): its layout variants, and what it rejects.

The sheets are made here (title rows, two-row header bands, the exports' own cell forms) and
handed to the shapes as raw rows, as the reader gives them; the manifest must balance for each
(read = used + rejected + ignored + duplicate + empty, in source rows).
"""
from datetime import date, datetime, time

import pandas as pd
import pytest

from kehu.load.ledger import Ledger
from kehu.load.reader import RawSheet
from kehu.load.shapes import SHAPES, parse_sheets
from kehu.load.shapes.exports import read_band
from kehu.rules import load_rules

RULES = load_rules()


def load(rows, sheet="Sheet1", file="导出.xlsx"):
    """(frames by dataset key, the sheet's manifest line, findings) of one raw sheet."""
    ledger, findings = Ledger(), []
    parts = parse_sheets([RawSheet(file, sheet, rows)], RULES, ledger, findings)
    frames = {k: pd.concat(v, ignore_index=True) for k, v in parts.items() if v}
    counts = ledger.counts(frames)
    return frames, (counts[0] if counts else None), findings, ledger


def claimed_by(rows) -> str:
    raw = RawSheet("x.xlsx", "s", rows)
    return next(s.name for s in SHAPES if s.claims(raw) is not None)


def balanced(count) -> bool:
    return count.read == count.used + count.rejected + count.ignored + count.duplicate + count.empty


def codes(findings) -> list[tuple]:
    return sorted((f.code, f.row, f.letter) for f in findings)


def punches(frames) -> list[tuple]:
    f = frames["punches"]
    return sorted((e, f"{t:%Y-%m-%d %H:%M}", r) for e, t, r in zip(f["employee_id"], f["punched_at"], f["_row"]))


# -- 原始记录 ----------------------------------------------------------------------------------------------------

RAW_HEAD = ["姓名", "考勤组", "部门", "工号", "职位", "UserId", "考勤日期", "考勤时间", "打卡时间", "打卡结果", "打卡地址"]


def raw_row(name, eid, day, clock, result="正常", userid="u1"):
    return [name, "客户部", "集团客户部\n重要一室", eid, "客户经理", userid, day, "上班 09:00", clock, result, "日喀则"]


def test_raw_punches_under_a_title_with_text_ids_and_next_day_times():
    rows = [["原始记录 统计日期：2026-10-01 至 2026-10-31"], RAW_HEAD,
            raw_row("赵敏", "'0124", date(2026, 10, 9), time(9, 45, 31)),
            raw_row("赵敏", "\t0124", "26-10-09 星期五", "次日 00:12"),
            raw_row("张伟", 1001.0, datetime(2026, 10, 9), "2026-10-09 18:31", "早退"),
            [None] * len(RAW_HEAD)]
    frames, count, findings, ledger = load(rows)
    assert claimed_by(rows) == "钉钉 原始记录"
    # 次日 00:12 on the 考勤日期 10-09 is 10-10 00:12; '0124 and a tab are the text id 0124; 1001.0 is 1001
    assert punches(frames) == [("0124", "2026-10-09 09:45", 3), ("0124", "2026-10-10 00:12", 4),
                               ("1001", "2026-10-09 18:31", 5)]
    assert findings == []
    assert (count.read, count.used, count.empty) == (4, 3, 1) and balanced(count)
    verdicts = pd.concat(ledger.verdicts)
    assert sorted(verdicts["result"]) == ["早退", "正常", "正常"]
    assert set(verdicts["date"].dt.day) == {9}            # DingTalk's day of the 次日 punch is the 9th


def test_superseded_punches_are_dropped_and_counted_once():
    rows = [RAW_HEAD] + [raw_row("张伟", "1001", date(2026, 10, 9), time(9, m), r) for m, r in
                         ((40, "打卡无效:此记录已被更新"), (41, "打卡无效:此记录已被更新"), (45, "正常"))]
    frames, count, findings, _ = load(rows)
    assert punches(frames) == [("1001", "2026-10-09 09:45", 4)]
    assert [(f.code, f.row, f.value) for f in findings] == [("W-export-superseded", 2, "2")]
    assert (count.read, count.used, count.ignored) == (3, 1, 2) and balanced(count)


def test_a_raw_punch_that_cannot_be_read_is_a_finding_at_the_exports_cell():
    rows = [RAW_HEAD, raw_row("张伟", "1001", date(2026, 10, 9), "9点45"),
            raw_row("张伟", "1001", "十月九日", "09:50"), raw_row("张伟", "1001", date(2026, 10, 9), "09:55")]
    frames, count, findings, _ = load(rows)
    # the time that is no time at 打卡时间 (I2); the day that is no date at 考勤日期 (G3)
    assert codes(findings) == [("E-datetime", 2, "I"), ("E-datetime", 3, "G")]
    assert [f.column for f in sorted(findings, key=lambda f: f.row)] == ["打卡时间", "考勤日期"]
    assert punches(frames) == [("1001", "2026-10-09 09:55", 4)]
    assert (count.read, count.used, count.rejected) == (3, 1, 2) and balanced(count)


def test_an_original_record_sheet_is_never_an_incomplete_punch_table():
    """Without the export shapes, 工号 + 日期 make it an 打卡记录 lacking 时间 (E-column-missing)."""
    rows = [["姓名", "工号", "UserId", "日期", "星期", "打卡时间", "打卡结果"],
            ["张伟", "1001", "u1", date(2026, 10, 9), "星期五", time(9, 45), "正常"]]
    frames, count, findings, _ = load(rows)
    assert claimed_by(rows) == "钉钉 原始记录" and findings == []
    assert punches(frames) == [("1001", "2026-10-09 09:45", 2)]


# -- 每日统计 -----------------------------------------------------------------------------------------------------

DAILY_TOP = ["姓名", "考勤组", "部门", "工号", "UserId", "日期", "班次", "上班1打卡时间", "上班1打卡结果", "下班1打卡时间",
             "下班1打卡结果", "上班2打卡时间", "上班2打卡结果", "下班2打卡时间", "下班2打卡结果", "请假", None, "出勤天数"]
DAILY_UNDER = [None] * 15 + ["事假", "病假", None]


def daily(name, eid, day, shift, *slots):
    cells = list(slots) + [None] * (8 - len(slots))
    return [name, "客户部", "集团客户部", eid, "u1", day, shift] + cells + [None, None, 1]


def test_daily_statistics_under_a_two_row_band_with_up_to_three_pairs():
    rows = [["每日统计表 统计日期：2026-10-01 至 2026-10-31"], ["报表生成时间：2026-11-01 09:12"], DAILY_TOP, DAILY_UNDER,
            daily("张伟", "1001", "26-10-09 星期五", "A 09:00-18:00", "09:45", "迟到", "12:59", "正常",
                  "15:10", "正常", "次日 00:12", "正常"),
            daily("张伟", "1001", "26-10-10 星期六", "休息", None, "休息", None, "休息"),
            daily("张伟", "1001", "26-10-12 星期一", "A 09:00-18:00", None, "缺卡", "12:40", "管理员王强改为正常")]
    frames, count, findings, ledger = load(rows)
    assert claimed_by(rows) == "钉钉 每日统计" and findings == []
    assert punches(frames) == [("1001", "2026-10-09 09:45", 5), ("1001", "2026-10-09 12:59", 5),
                               ("1001", "2026-10-09 15:10", 5), ("1001", "2026-10-10 00:12", 5),
                               ("1001", "2026-10-12 12:40", 7)]
    # the rest day without a punch is used (it says there was none): 3 read, 3 used
    assert (count.read, count.used) == (3, 3) and balanced(count)
    verdicts = pd.concat(ledger.verdicts)
    assert ("上班1", "管理员王强改为正常") not in set(zip(verdicts["slot"], verdicts["result"]))
    assert ("下班1", "管理员王强改为正常") in set(zip(verdicts["slot"], verdicts["result"]))
    assert ("班次", "休息") in set(zip(verdicts["slot"], verdicts["result"]))


def test_a_punch_past_midnight_without_next_day_written_is_the_next_days():
    """The slots are in time order: 下班2 00:12 after 上班2 15:10 is the next day's; 09:40 after
    09:45 (a few minutes back) is not."""
    rows = [DAILY_TOP, DAILY_UNDER,
            daily("张伟", "1001", "26-10-09 星期五", "A", "09:45", "正常", "09:40", "早退", "15:10", "正常", "00:12", "正常")]
    frames, _, findings, _ = load(rows)
    assert [p[1] for p in punches(frames)] == ["2026-10-09 09:40", "2026-10-09 09:45", "2026-10-09 15:10",
                                              "2026-10-10 00:12"]


def test_daily_statistics_as_the_csv_with_one_header_row():
    head = [c for c in DAILY_TOP if c not in ("请假", None)]
    row = daily("李娜", "1002", "2026-10-09", "A", "09:30:12", "正常", "18:31", "正常")
    rows = [head, row[:15] + row[17:]]                # no 请假 group in the CSV
    frames, count, findings, _ = load(rows, file="每日汇总（新）.csv")
    assert punches(frames) == [("1002", "2026-10-09 09:30", 2), ("1002", "2026-10-09 18:31", 2)]
    assert findings == [] and balanced(count)


def test_a_daily_row_whose_day_cannot_be_read_is_rejected_at_its_day_cell():
    rows = [DAILY_TOP, DAILY_UNDER, daily("张伟", "1001", "星期五", "休息"),
            daily("张伟", "1001", "十月九日", "A", "09:45", "正常")]
    frames, count, findings, _ = load(rows)
    assert codes(findings) == [("E-date", 3, "F"), ("E-datetime", 4, "F")]
    assert frames["punches"].empty
    assert (count.read, count.rejected) == (2, 2) and balanced(count)


def test_the_month_summary_is_left_aside_with_a_word():
    rows = [["月度汇总 统计日期：2026-10-01 至 2026-10-31"], ["姓名", "考勤组", "工号", "UserId", "出勤天数", "旷工天数"]
            + [str(d) for d in range(1, 32)], ["张伟", "客户部", "1001", "u1", 21, 0] + ["正常"] * 31]
    frames, count, findings, _ = load(rows, sheet="月度汇总")
    assert frames == {} and [f.code for f in findings] == ["W-export-unused"]
    assert (count.read, count.ignored) == (1, 1) and balanced(count)


# -- 打卡时间 -----------------------------------------------------------------------------------------------------

def times_sheet(title, *people):
    head = ["姓名", "考勤组", "部门", "工号", "UserId"] + [str(d) for d in range(1, 32)]
    under = [None] * 5 + ["四五六日一二三"[(d - 1) % 7] for d in range(1, 32)]
    return ([[title]] if title else []) + [head, under] + [list(p) + [None] * (36 - len(p)) for p in people]


def test_punch_times_in_one_cell_per_day_placed_in_the_stated_period():
    rows = times_sheet("打卡时间表 统计日期：2026-10-01 至 2026-10-31",
                       ["张伟", "客户部", "集团客户部", "1001", "u1", None, None, None, None, None, None, None, None,
                        "09:45\n12:59\n15:10\n18:31"],
                       ["赵敏", "客户部", "集团客户部", "'0124", "u4"])          # left: every day blank
    frames, count, findings, _ = load(rows, file="打卡时间.xlsx")
    assert claimed_by(rows) == "钉钉 打卡时间" and findings == []
    assert [p[1] for p in punches(frames)] == ["2026-10-09 09:45", "2026-10-09 12:59", "2026-10-09 15:10",
                                              "2026-10-09 18:31"]
    assert (count.read, count.used) == (2, 2) and balanced(count)


def test_punch_times_take_their_month_from_the_file_name_else_stop():
    person = ["张伟", "客户部", "集团客户部", "1001", "u1", "09:45"]
    frames, _, findings, _ = load(times_sheet(None, person), file="考勤报表_20260901-20260930.xlsx")
    assert punches(frames) == [("1001", "2026-09-01 09:45", 3)] and findings == []
    frames, count, findings, _ = load(times_sheet(None, person), file="打卡时间.xlsx")
    assert frames == {} and [f.code for f in findings] == ["E-export-period"]
    assert (count.read, count.rejected) == (1, 1) and balanced(count)


def test_a_day_cell_with_anything_but_times_is_one_finding_at_that_cell():
    rows = times_sheet("统计日期：2026-10-01 至 2026-10-31", ["张伟", "客户部", "集团客户部", "1001", "u1", "09:45 外勤"])
    _, count, findings, _ = load(rows)
    assert [(f.code, f.row, f.letter, f.column, f.value) for f in findings] == [("E-datetime", 4, "F", "1 四", "09:45 外勤")]
    assert count.rejected == 1 and balanced(count)


# -- 请假 and 补卡 -------------------------------------------------------------------------------------------------

LEAVE_HEAD = ["姓名", "考勤组", "部门", "工号", "职位", "假期类型", "请假时间", "请假时长(小时)", "审批单状态"]


def leave(eid, kind, span, status="审批通过"):
    return ["张伟", "客户部", "集团客户部", eid, "客户经理", kind, span, 8, status]


def leave_rows(frames) -> list[tuple]:
    f = frames["leave"]
    return [(e, k, f"{s:%m-%d %H:%M}", "" if pd.isna(t) else f"{t:%m-%d %H:%M}")
            for e, k, s, t in zip(f["employee_id"], f["kind"], f["starts_at"], f["ends_at"])]


def test_leave_is_read_when_approved_and_listed_when_not():
    rows = [["请假记录"], LEAVE_HEAD,
            leave("1001", "事假", "2026-10-09 09:00 ~ 2026-10-09 18:30"),
            leave("1001", "年假(天)", "2026-10-12 ~ 2026-10-13"),
            leave("1001", "病假", "2026-10-14 下午 ~ 2026-10-15 上午"),
            leave("1001", "外出", "2026-10-16 14:00 ~ 2026-10-16 17:00"),
            leave("1001", "事假", "2026-10-20 09:00 ~ 2026-10-20 12:00", "审批中"),
            leave("1001", "事假", "2026-10-21 09:00 ~ 2026-10-21 12:00", "已撤销")]
    frames, count, findings, _ = load(rows)
    assert claimed_by(rows) == "钉钉 请假记录"
    # a whole day is 00:00–24:00; 下午 starts with the winter afternoon (15:20), 上午 ends with the morning (13:00)
    assert leave_rows(frames) == [("1001", "事假", "10-09 09:00", "10-09 18:30"),
                                  ("1001", "年假", "10-12 00:00", "10-14 00:00"),
                                  ("1001", "病假", "10-14 15:20", "10-15 13:00"),
                                  ("1001", "外出走访", "10-16 14:00", "10-16 17:00")]
    assert [(f.code, f.row, f.letter, f.value) for f in findings] == [("W-not-approved", 7, "I", "审批中"),
                                                                      ("W-not-approved", 8, "I", "已撤销")]
    assert (count.read, count.used, count.ignored) == (6, 4, 2) and balanced(count)


def test_a_leave_kind_kehu_does_not_know_is_rejected_at_its_cell():
    rows = [LEAVE_HEAD, leave("1001", "陪产假", "2026-10-09 ~ 2026-10-09"), leave("1001", "事假", "2026-10-09 09:00")]
    _, count, findings, _ = load(rows)
    # 陪产假 is no kind of kehu's; a 请假时间 that is no 开始 ~ 结束 (its end missing)
    assert codes(findings) == [("E-datetime", 3, "G"), ("E-enum", 2, "F")]
    assert count.rejected == 2 and balanced(count)


def test_leave_given_as_start_and_end_columns():
    rows = [["姓名", "工号", "请假类型", "开始时间", "结束时间", "审批状态"],
            ["张伟", "1001", "调休", datetime(2026, 10, 9, 15, 20), datetime(2026, 10, 9, 18, 30), "已同意"]]
    frames, _, findings, _ = load(rows)
    assert leave_rows(frames) == [("1001", "调休", "10-09 15:20", "10-09 18:30")] and findings == []


FIX_HEAD = ["姓名", "工号", "考勤日期", "考勤时间", "原打卡时间", "原考勤状态", "补卡时间", "补卡结果", "审批单状态"]


def test_punch_fixes_count_when_they_succeeded():
    rows = [["补卡记录"], FIX_HEAD,
            ["张伟", "1001", "2026-10-09", "上班 09:50", None, "缺卡", "09:40", "补卡成功", "审批通过"],
            ["张伟", "1001", "2026-10-10", "下班 18:30", None, "缺卡", None, "补卡成功", "审批通过"],
            ["张伟", "1001", "2026-10-12", "上班 09:50", None, "缺卡", "09:40", "补卡失败", "审批通过"],
            ["张伟", "1001", "2026-10-13", "上班 09:50", None, "缺卡", "09:40", "补卡成功", "审批中"]]
    frames, count, findings, _ = load(rows, file="补卡.csv")
    assert claimed_by(rows) == "钉钉 补卡记录"
    assert leave_rows(frames) == [("1001", "补卡", "10-09 09:40", ""), ("1001", "补卡", "10-10 18:30", "")]
    assert [(f.code, f.row, f.value) for f in findings] == [("W-not-approved", 5, "补卡失败"), ("W-not-approved", 6, "审批中")]
    assert (count.read, count.used, count.ignored) == (4, 2, 2) and balanced(count)


# -- 签到 ---------------------------------------------------------------------------------------------------------

SIGN_HEAD = ["姓名", "工号", "部门", "签到来源", "日期", "时间", "经度", "纬度", "地点", "详细地址", "拜访客户", "工作内容"]


def sign(eid, day, clock, customer, work="宽带故障"):
    return ["张伟", eid, "集团客户部", "手机", day, clock, 88.8, 29.2, "日喀则", "桑珠孜区", customer, work]


def test_field_sign_ins_with_a_customer_are_visits_on_site():
    rows = [SIGN_HEAD, sign("1001", "2026-10-09", "10:02", "000101"), sign("1001", "2026-10-09", "11:40", "000101"),
            sign("1001", "2026-10-12", "15:00", "日喀则酒店"), sign("1001", "2026-10-13", "15:00", None)]
    frames, count, findings, _ = load(rows, file="签到.xlsx")
    assert claimed_by(rows) == "钉钉 签到"
    v = frames["visits"]
    assert list(zip(v["manager_id"], v["customer_id"], v["method"], v["start_time"], v["end_time"])) == [
        ("1001", "000101", "上门", "10:02", "11:40"), ("1001", "日喀则酒店", "上门", "15:00", None)]
    assert [f.code for f in findings] == ["W-export-rows-unused"]
    # two sign-ins at one customer on one day are one visit: the second counts as a duplicate
    assert (count.read, count.used, count.duplicate, count.ignored) == (4, 2, 1, 1) and balanced(count)
    assert v["_customer_by_name"].tolist() == [True, True]          # resolved against 客户名册 after loading


# -- WeCom ----------------------------------------------------------------------------------------------------------

WECOM_TOP = ["时间", "姓名", "账号", "部门", "所属规则", "最早", "最晚", "打卡次数", "假勤申请",
             "上班1", None, "下班1", None, "打卡时间记录"]
WECOM_UNDER = [None] * 9 + ["打卡时间", "打卡状态", "打卡时间", "打卡状态", None]


def test_wecom_daily_report_under_its_band_with_every_punch_in_one_cell():
    rows = [["上下班打卡_日报"], ["统计时间:10-01 ～ 10-31     制表时间:2026-11-01 17:23(UTC+8)"], WECOM_TOP, WECOM_UNDER,
            ["2026/10/09 星期五", "张伟", "zhangwei", "集团客户部", "客户部", "09:45", "次日00:12", 3, "--",
             "09:45", "迟到15分钟", "次日00:12", "正常", "09:45 12:59 次日00:12"],
            ["2026/10/10 星期六", "张伟", "zhangwei", "集团客户部", "客户部", "--", "--", 0, "--",
             "--", "休息", "--", "休息", "--"]]
    frames, count, findings, ledger = load(rows, sheet="概况统计与打卡明细")
    assert claimed_by(rows) == "企业微信 概况统计与打卡明细" and findings == []
    assert punches(frames) == [("zhangwei", "2026-10-09 09:45", 5), ("zhangwei", "2026-10-09 12:59", 5),
                               ("zhangwei", "2026-10-10 00:12", 5)]
    assert frames["punches"]["_by_account"].tolist() == [True] * 3        # 账号 → 工号 after loading
    assert (count.read, count.used) == (2, 2) and balanced(count)
    assert "迟到15分钟" in set(pd.concat(ledger.verdicts)["result"])


def test_wecom_daily_report_without_the_record_column_reads_its_slots():
    top = [c for c in WECOM_TOP[:-1]]
    rows = [top, WECOM_UNDER[:-1], ["2026/10/09 星期五", "张伟", "zhangwei", "集团客户部", "客户部", "09:45", "18:31", 2, "--",
                                    "09:45", "正常", "18:31", "正常"]]
    frames, _, findings, _ = load(rows)
    assert punches(frames) == [("zhangwei", "2026-10-09 09:45", 3), ("zhangwei", "2026-10-09 18:31", 3)]


def test_wecom_punch_details_leave_out_field_check_ins():
    rows = [["打卡详情"], ["日期", "姓名", "账号", "部门", "打卡类型", "打卡时间", "打卡状态"],
            ["2026/10/09", "张伟", "zhangwei", "集团客户部", "上班打卡", "2026-10-09 09:45:31", "迟到"],
            ["2026/10/09", "张伟", "zhangwei", "集团客户部", "外出打卡", "2026-10-09 10:30:00", "正常"],
            ["2026/10/09", "张伟", "zhangwei", "集团客户部", "下班打卡", "未打卡", "未打卡"]]
    frames, count, findings, _ = load(rows, file="打卡详情.csv")
    assert claimed_by(rows) == "企业微信 打卡详情"
    assert punches(frames) == [("zhangwei", "2026-10-09 09:45", 3)]
    assert [(f.code, f.row) for f in findings] == [("W-export-rows-unused", 4)]
    assert (count.read, count.used, count.ignored) == (3, 2, 1) and balanced(count)


# -- JSON from the APIs (as kehu.load.reader.read_json tables them) -----------------------------------------------

def test_dingtalk_api_records_in_china_time_without_admin_records_or_unsigned_ones():
    ms = int((datetime(2026, 10, 9, 1, 45) - datetime(1970, 1, 1)).total_seconds()) * 1000   # 09:45 in China
    rows = [["userId", "checkType", "timeResult", "sourceType", "userCheckTime", "workDate"],
            ["u1", "OnDuty", "Late", "USER", ms, ms - ms % 86_400_000],
            ["u1", "OffDuty", "NotSigned", "SYSTEM", ms + 9 * 3_600_000, None],
            ["u1", "OnDuty", "Normal", "BOSS", ms - 3_600_000, None]]
    frames, count, findings, ledger = load(rows, sheet="recordresult", file="listRecord.json")
    assert punches(frames) == [("u1", "2026-10-09 09:45", 2)]
    assert (count.read, count.used) == (3, 3) and balanced(count) and findings == []
    verdicts = pd.concat(ledger.verdicts)
    assert list(verdicts["result"]) == ["迟到", "缺卡", "管理员修改为正常"]


def test_wecom_api_records_leave_out_field_check_ins():
    s = int((datetime(2026, 10, 9, 1, 45) - datetime(1970, 1, 1)).total_seconds())            # 09:45 in China
    rows = [["userid", "checkin_type", "exception_type", "checkin_time"],
            ["zhangwei", "上班打卡", "时间异常", s], ["zhangwei", "外出打卡", "", s + 3600],
            ["zhangwei", "下班打卡", "未打卡", s + 9 * 3600]]
    frames, count, findings, _ = load(rows, sheet="checkindata", file="getcheckindata.json")
    assert punches(frames) == [("zhangwei", "2026-10-09 09:45", 2)]
    assert [f.code for f in findings] == ["W-export-rows-unused"]
    assert (count.read, count.used, count.ignored) == (3, 2, 1) and balanced(count)


# -- what is no export kehu reads ------------------------------------------------------------------------------------

def test_an_unknown_attendance_export_is_left_aside_with_what_kehu_reads():
    rows = [["加班记录"], ["姓名", "考勤组", "UserId", "加班开始", "加班结束", "审批单状态"],
            ["张伟", "客户部", "u1", "2026-10-09 19:00", "2026-10-09 21:00", "审批通过"]]
    frames, count, findings, _ = load(rows)
    assert frames == {} and [f.code for f in findings] == ["W-export-unknown"]
    assert "每日统计" in findings[0].message
    assert (count.read, count.ignored) == (1, 1) and balanced(count)


def test_a_clerks_own_punch_table_with_export_words_still_stops_on_a_missing_column():
    """A sheet with half of 打卡记录's columns is 打卡记录 with one missing (SPEC §10.4), even beside
    export words: warned about and left aside, its people would be absent every day."""
    rows = [["工号", "考勤组", "日子", "打卡结果", "时间"], ["1001", "客户部", "2026-10-09", "正常", "09:45"]]
    _, _, findings, _ = load(rows)
    assert [f.code for f in findings] == ["E-column-missing"]


def test_kehus_own_tables_are_not_taken_for_exports():
    for rows in ([["工号", "打卡时间"], ["1001", "2026-10-09 09:45"]],
                 [["工号", "日期", "时间"], ["1001", "2026-10-09", "09:45"]],
                 [["工号", "类型", "开始时间", "结束时间"], ["1001", "事假", "2026-10-09", "2026-10-09"]],
                 [["日期", "客户经理工号", "客户编号", "方式"], ["2026-10-09", "1001", "000101", "上门"]]):
        assert claimed_by(rows) == "kehu 表格"


@pytest.mark.parametrize("cut", ["张伟,客户部,集团客户部,1001,u1,26-10-09 星期五,A,09:4", "张伟,客户部,集团客"])
def test_a_half_downloaded_csv_export_stops_on_its_last_line(cut):
    head = ",".join(c for c in DAILY_TOP if c not in ("请假", None))
    full = "张伟,客户部,集团客户部,1001,u1,26-10-08 星期四,A,09:45,正常,18:31,正常,,,,,1"
    rows = [line.split(",") for line in (head, full, cut)]
    frames, count, findings, _ = load(rows, file="每日汇总（新）.csv")
    assert [(f.code, f.row) for f in findings] == [("E-export-truncated", 3)]
    assert punches(frames) == [("1001", "2026-10-08 09:45", 2), ("1001", "2026-10-08 18:31", 2)]
    assert (count.read, count.used, count.rejected) == (2, 1, 1) and balanced(count)


# -- header bands read once per sheet ---------------------------------------------------------------

def test_a_band_read_once_is_the_band_each_shape_would_read_itself():
    """Every shape tries the same top rows; the bands kept on the sheet must be what a fresh read
    gives, whichever shape asked first (kehu.load.shapes.exports.header_band)."""
    from attendance_exports import daily_rows, leave_rows, make_month, raw_punches, wecom_detail_rows
    month = make_month(3)
    for rows in (daily_rows(month), raw_punches(month), leave_rows(month), wecom_detail_rows(month),
                 [["工号", "姓名", "日期"], ["1001", "张三", "2026-10-08"]]):
        shared = RawSheet("x.xlsx", "s", rows)
        claims_shared = [s.claims(shared) for s in SHAPES]
        claims_fresh = [s.claims(RawSheet("x.xlsx", "s", rows)) for s in SHAPES]
        assert claims_shared == claims_fresh
        assert shared.bands and all(band == read_band(rows, i, one) for (i, one), band in shared.bands.items())
