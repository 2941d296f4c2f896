"""A month of attendance made up in the tests, written as DingTalk / WeCom exports and as kehu's own
sheets (issue 17 item 3). Nothing here is copied from a real export: the layouts follow
../shared/formats/attendance-exports.md — title rows, two-row header bands with merged cells,
``.xls`` as BIFF8 (xlwt), ``26-10-01 星期四`` dates, ``次日 00:12`` times, ``'0124`` ids, 部门 cells
on two lines, a person who left with blank days, superseded punches, unapproved leave and 补卡,
administrators' corrections, 外出打卡, a person outside the roster.

``make_month(seed)`` draws the month; ``native_files`` writes it as kehu's 打卡记录 / 请假外出;
``dingtalk_files`` / ``wecom_files`` as the exports (which of them: the ``layout`` argument).
Both go beside the rest of ``tests/builders.tiny_month()`` (rosters, 指标, …).
"""
from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl

from builders import STAFF, TARGETS, tiny_month, write_month

FIRST, LAST = date(2026, 10, 1), date(2026, 10, 31)
WEEKDAYS = "一二三四五六日"
PM_START, AM_END = "15:20", "13:00"           # the rules' winter schedule (default_rules.toml)
NEXT_DAY_BEFORE = time(4, 0)                  # a punch before 04:00 is the previous day's 下班 (次日)


@dataclass(frozen=True)
class Person:
    employee_id: str
    name: str
    userid: str            # 钉钉 UserId
    account: str           # 企业微信 账号
    in_export: object      # how the export writes the 工号: text, a number, "'0124", or None (blank)
    dept: str = "集团客户部\n重要一室"
    left_on: date | None = None


PEOPLE = [Person("1001", "张伟", "u1001", "zhangwei", "1001"),
          Person("1002", "李娜", "u1002", "lina", None),
          Person("1003", "王强", "u1003", "wangqiang", 1003.0, dept="集团客户部"),
          Person("0124", "赵敏", "0447654442691174", "zhaomin", "'0124", left_on=date(2026, 10, 20))]
OUTSIDER = Person("2001", "钱七", "u2001", "qianqi", "2001", dept="市场部")     # not in 员工名册


@dataclass
class Leave:
    employee_id: str
    kind: str              # the export's 假期类型 (外出 is kehu's 外出走访)
    start: object          # datetime, or date (the whole day), or (date, "上午"/"下午")
    end: object
    status: str = "审批通过"


@dataclass
class Fix:
    employee_id: str
    at: datetime
    result: str = "补卡成功"


@dataclass
class AttendanceMonth:
    punches: dict = field(default_factory=dict)        # employee_id → [datetime]
    leave: list = field(default_factory=list)
    fixes: list = field(default_factory=list)
    superseded: list = field(default_factory=list)     # (employee_id, datetime): replaced by a later punch
    admin: set = field(default_factory=set)            # (employee_id, date): 管理员…改为正常 on 上班1
    outside: list = field(default_factory=list)        # (employee_id, datetime): 外出打卡 (WeCom)


def days() -> list[date]:
    return [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]


def _at(rng: random.Random, day: date, lo: str, hi: str) -> datetime:
    start = datetime.combine(day, datetime.strptime(lo, "%H:%M").time())
    span = int((datetime.combine(day, datetime.strptime(hi, "%H:%M").time()) - start).total_seconds())
    return start + timedelta(seconds=rng.randrange(span))


def _day_punches(rng: random.Random, day: date) -> list[datetime]:
    full = [_at(rng, day, "09:00", "10:05"), _at(rng, day, "12:25", "13:10"),
            _at(rng, day, "15:00", "15:45"), _at(rng, day, "18:20", "19:40")]
    pattern = rng.choice(["full"] * 5 + ["late", "partial", "none", "extra", "midnight"])
    if pattern == "late":
        return [_at(rng, day, "09:51", "11:30")] + full[1:]
    if pattern == "partial":
        return sorted(rng.sample(full, rng.randint(1, 3)))
    if pattern == "none":
        return []
    if pattern == "extra":       # a second punch in the same minute, and one inside the morning
        return sorted(full + [full[0].replace(second=min(full[0].second + 1, 59)), _at(rng, day, "10:30", "11:00")])
    if pattern == "midnight":    # worked past midnight: the last punch is the next day's
        return full[:3] + [_at(rng, day + timedelta(days=1), "00:02", "00:50")]
    return full


def make_month(seed: int) -> AttendanceMonth:
    rng = random.Random(seed)
    month = AttendanceMonth()
    for person in PEOPLE + [OUTSIDER]:
        punches = []
        for day in days():
            if person.left_on and day > person.left_on and day != date(2026, 10, 25):
                continue                      # blank days after leaving (one stray punch on the 25th)
            punches += _day_punches(rng, day)
        month.punches[person.employee_id] = punches
    pick = [d for d in days() if d.weekday() < 5 and d > date(2026, 10, 8)]
    a, b, c, d_, e, f = rng.sample(pick, 6)
    month.leave = [Leave("1001", "事假", datetime.combine(a, time(9, 0)), datetime.combine(a, time(18, 30))),
                   Leave("1002", "年假", b, b + timedelta(days=1)),
                   Leave("1003", "病假(天)", (c, "下午"), (c, "下午")),
                   Leave("1001", "外出", datetime.combine(d_, time(14, 0)), datetime.combine(d_, time(19, 0))),
                   Leave("1002", "事假", datetime.combine(e, time(9, 0)), datetime.combine(e, time(12, 0)), "审批中"),
                   Leave("1003", "病假", e, e, "已拒绝"),
                   Leave("1001", "事假", f, f, "已撤销")]
    month.fixes = [Fix("1002", datetime.combine(c, time(9, 20))), Fix("1001", datetime.combine(e, time(18, 30))),
                   Fix("1003", datetime.combine(f, time(9, 20)), "补卡失败")]
    for eid in ("1001", "1003"):
        kept = month.punches[eid]
        for at in rng.sample(kept, 3):
            month.superseded.append((eid, at - timedelta(minutes=rng.randint(1, 9))))
        month.admin |= {(eid, (at - timedelta(hours=4)).date()) for at in rng.sample(kept, 2)}
    month.outside = [("1002", _at(rng, g, "10:00", "11:00")) for g in rng.sample(pick, 2)]
    return month


# -- kehu's own sheets -------------------------------------------------------------------------------

def native_sheets(month: AttendanceMonth) -> dict:
    """打卡记录 and 请假外出 as kehu's tables: the approved leave and 补卡, every real punch."""
    punches = [["工号", "打卡时间"]] + [[eid, at] for eid, ats in month.punches.items() for at in ats]
    leave = [["工号", "类型", "开始时间", "结束时间"]]
    for lv in month.leave:
        if lv.status == "审批通过":
            leave.append([lv.employee_id, "外出走访" if lv.kind == "外出" else lv.kind.split("(")[0],
                          _native_moment(lv.start, True), _native_moment(lv.end, False)])
    leave += [[fx.employee_id, "补卡", f"{fx.at:%Y-%m-%d %H:%M}", None] for fx in month.fixes if fx.result == "补卡成功"]
    return {"打卡记录.xlsx": {"打卡": punches}, "请假外出.xlsx": {"请假": leave}}


def _native_moment(v, is_start: bool) -> str:
    if isinstance(v, tuple):            # a half day: 下午 starts at the afternoon session, ends the day
        day, half = v
        if half == "下午":
            return f"{day:%Y-%m-%d} {PM_START}" if is_start else f"{day:%Y-%m-%d}"
        return f"{day:%Y-%m-%d}" if is_start else f"{day:%Y-%m-%d} {AM_END}"
    return f"{v:%Y-%m-%d %H:%M}" if isinstance(v, datetime) else f"{v:%Y-%m-%d}"


def rosters() -> dict:
    """tiny_month's files without its 打卡记录 / 请假外出, 员工名册 with the accounts and 赵敏 (left on
    10-20, assessed this month: she needs 指标 rows)."""
    files = tiny_month()
    del files["打卡记录.xlsx"], files["请假外出.xlsx"]
    staff = [row + [None, None] for row in STAFF]
    staff[0][-2:] = ["钉钉UserId", "企业微信账号"]
    staff.append(["0124", "赵敏", "客户经理", "重要一室", 4000, "2024-03-01", "2026-10-20", None, None, None, None])
    for row in staff[1:]:
        person = next(p for p in PEOPLE if p.employee_id == row[0])
        row[-2:] = [person.userid, person.account]
    files["员工名册.xlsx"] = {"员工": staff}
    files["指标.xlsx"] = {"指标": TARGETS + [["0124", i, 100, 200, 300, 150 if i == "行业产品" else None]
                                            for i in ("集团收入", "信息化收入", "成员净增", "行业产品")]}
    return files


def write_native(folder: Path, month: AttendanceMonth) -> Path:
    return write_month(folder, rosters() | native_sheets(month))


# -- what the exports say of a day (DingTalk's own verdicts: a 09:00–12:00 / 14:00–18:00 shift) ----------

def attendance_day(at: datetime) -> tuple[date, str]:
    """(the day DingTalk files a punch under, the punch as its cell shows it: ``次日 00:12``)."""
    if at.time() < NEXT_DAY_BEFORE:
        return at.date() - timedelta(days=1), f"次日 {at:%H:%M}"
    return at.date(), f"{at:%H:%M}"


def slots_of(ats: list[datetime]) -> list[datetime]:
    """The punches a 每日统计 row can hold (3 pairs): the earliest and latest of each of kehu's
    sessions (split at 14:10) — all kehu reads from a day."""
    sessions: dict[tuple, list] = {}
    for at in ats:
        sessions.setdefault((at.date(), at.time() >= time(14, 10)), []).append(at)
    keep = sorted({x for group in sessions.values() for x in (min(group), max(group))})
    return keep


def dingtalk_result(slot: int, at: datetime | None) -> str:
    if at is None:
        return "缺卡"
    due = [time(9, 0), time(12, 0), time(14, 0), time(18, 0), time(19, 0), time(21, 0)][slot]
    clock = at.time()
    if slot % 2 == 0:
        late = (datetime.combine(date.min, clock) - datetime.combine(date.min, due)).total_seconds() / 60
        return "正常" if late <= 0 else "迟到" if late <= 30 else "严重迟到"
    return "正常" if clock >= due or clock < NEXT_DAY_BEFORE else "早退"


# -- DingTalk ---------------------------------------------------------------------------------------------

def _id_cell(person: Person):
    return person.in_export


def _person(eid: str) -> Person:
    return next(p for p in PEOPLE + [OUTSIDER] if p.employee_id == eid)


def raw_punches(month: AttendanceMonth) -> list[list]:
    """DingTalk 原始记录: one row per punch (the superseded ones too), 考勤日期 a date cell, 打卡时间 a
    time cell (``次日 …`` text past midnight)."""
    head = ["姓名", "考勤组", "部门", "工号", "职位", "UserId", "考勤日期", "星期", "考勤时间", "打卡时间", "打卡结果",
            "打卡地址", "打卡备注", "异常打卡原因", "打卡设备", "管理员修改备注"]
    rows = [["原始记录 统计日期：2026-10-01 至 2026-10-31"], head]
    everything = [(eid, at, False) for eid, ats in month.punches.items() for at in ats] + \
        [(eid, at, True) for eid, at in month.superseded]
    for eid, at, old in sorted(everything, key=lambda x: (x[0], x[1])):
        person, (day, shown) = _person(eid), attendance_day(at)
        punched = shown if shown.startswith("次日") else at.time()
        result = "打卡无效:此记录已被更新" if old else dingtalk_result(0 if at.hour < 12 else 3, at)
        rows.append([person.name, "客户部考勤", person.dept, _id_cell(person), "客户经理", person.userid, day,
                     f"星期{WEEKDAYS[day.weekday()]}", "上班 09:00" if at.hour < 12 else "下班 18:00", punched, result,
                     "日喀则市桑珠孜区", None, None, "iPhone", None])
    return rows


DAILY_HEAD = ["姓名", "考勤组", "部门", "工号", "职位", "UserId", "日期", "班次"] + \
    [f"{side}{n}打卡{what}" for n in (1, 2, 3) for side in ("上班", "下班") for what in ("时间", "结果")] + \
    ["关联的审批单", "出勤天数", "迟到次数"]
LEAVE_GROUP = ["事假", "病假"]


def daily_rows(month: AttendanceMonth) -> list[list]:
    """DingTalk 每日统计 body: a row per person per day; blank after a person left."""
    rows = []
    for person in PEOPLE + [OUTSIDER]:
        by_day: dict[date, list] = {}
        for at in slots_of(month.punches[person.employee_id]):
            by_day.setdefault(attendance_day(at)[0], []).append(at)
        for day in days():
            stamp = f"{day:%y-%m-%d} 星期{WEEKDAYS[day.weekday()]}"
            ident = [person.name, "客户部考勤", person.dept, _id_cell(person), "客户经理", person.userid, stamp]
            if person.left_on and day > person.left_on and day not in by_day:
                rows.append(ident + [None] * (len(DAILY_HEAD) - len(ident) + len(LEAVE_GROUP)))
                continue
            cells = []
            ats = by_day.get(day, [])
            for slot in range(6):
                at = ats[slot] if slot < len(ats) else None
                result = dingtalk_result(slot, at) if slot < 4 or at else None
                if slot == 0 and (person.employee_id, day) in month.admin:
                    result = "管理员王强改为正常"
                cells += [attendance_day(at)[1] if at else None, result]
            rest = day.weekday() >= 5
            rows.append(ident + ["休息" if rest else "A 09:00-18:00"] + cells + [None, 0 if rest else 1, 0, None, None])
    return rows


def punch_time_rows(month: AttendanceMonth) -> list[list]:
    """DingTalk 打卡时间: a row per person, a column per day, a day's punches in one cell in time
    order — a punch past midnight under the day it ends, without 次日."""
    head = ["姓名", "考勤组", "部门", "工号", "UserId"] + [str(d.day) for d in days()]
    under = [None] * 5 + [WEEKDAYS[d.weekday()] for d in days()]
    rows = [["打卡时间表 统计日期：2026-10-01 至 2026-10-31"], ["报表生成时间：2026-11-01 09:12"], head, under]
    for person in PEOPLE + [OUTSIDER]:
        ats = month.punches[person.employee_id]
        cells = ["\n".join(f"{at:%H:%M}" for at in sorted(ats) if attendance_day(at)[0] == d) or None for d in days()]
        rows.append([person.name, "客户部考勤", person.dept, _id_cell(person), person.userid] + cells)
    return rows


def leave_rows(month: AttendanceMonth) -> list[list]:
    head = ["姓名", "考勤组", "部门", "工号", "UserId", "职位", "假期类型", "请假时间", "请假时长(小时)", "请假时长(天)",
            "关联审批单", "审批单状态"]
    rows = [["请假记录 统计日期：2026-10-01 至 2026-10-31"], head]
    for n, lv in enumerate(month.leave, start=1):
        person = _person(lv.employee_id)
        rows.append([person.name, "客户部考勤", person.dept, _id_cell(person), person.userid, "客户经理", lv.kind,
                     f"{_export_moment(lv.start)} ~ {_export_moment(lv.end)}", 8, 1, f"2026100{n}000{n}", lv.status])
    return rows


def _export_moment(v) -> str:
    if isinstance(v, tuple):
        return f"{v[0]:%Y-%m-%d} {v[1]}"
    return f"{v:%Y-%m-%d %H:%M}" if isinstance(v, datetime) else f"{v:%Y-%m-%d}"


def fix_rows(month: AttendanceMonth) -> list[list]:
    head = ["姓名", "工号", "UserId", "部门", "考勤日期", "考勤时间", "原打卡时间", "原考勤状态", "补卡时间", "补卡结果", "审批单状态"]
    rows = [["补卡记录"], head]
    for fx in month.fixes:
        person = _person(fx.employee_id)
        rows.append([person.name, _id_cell(person), person.userid, person.dept, f"{fx.at:%Y-%m-%d}",
                     f"上班 {fx.at:%H:%M}", None, "缺卡", f"{fx.at:%H:%M}", fx.result,
                     "审批通过" if fx.result == "补卡成功" else "已拒绝"])
    return rows


def list_record(month: AttendanceMonth) -> dict:
    """The DingTalk listRecord response: punches, a NotSigned record, administrators' records (BOSS)."""
    records = []
    for eid, ats in month.punches.items():
        for at in ats:
            day = attendance_day(at)[0]
            records.append({"userId": _person(eid).userid, "checkType": "OnDuty" if at.hour < 12 else "OffDuty",
                            "timeResult": "Normal", "locationResult": "Normal", "sourceType": "USER",
                            "userCheckTime": _ms(at), "baseCheckTime": _ms(datetime.combine(day, time(9))),
                            "workDate": _ms(datetime.combine(day, time())), "recordId": len(records) + 1})
    for eid, day in sorted(month.admin):
        records.append({"userId": _person(eid).userid, "checkType": "OnDuty", "timeResult": "Normal",
                        "sourceType": "BOSS", "userCheckTime": _ms(datetime.combine(day, time(9))),
                        "workDate": _ms(datetime.combine(day, time()))})
    records.append({"userId": "u1002", "checkType": "OffDuty", "timeResult": "NotSigned", "sourceType": "SYSTEM",
                    "userCheckTime": _ms(datetime(2026, 10, 13, 18)), "workDate": _ms(datetime(2026, 10, 13))})
    return {"errcode": 0, "errmsg": "ok", "recordresult": records, "hasMore": False}


def _ms(at: datetime) -> int:
    return int((at - timedelta(hours=8) - datetime(1970, 1, 1)).total_seconds() * 1000)


DINGTALK_LAYOUTS = ("原始记录", "每日统计", "打卡时间", "接口")


def dingtalk_files(folder: Path, month: AttendanceMonth, layout: str) -> list[Path]:
    """The month's DingTalk exports into ``folder``: punches as ``layout``, and always 请假 + 补卡."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    if layout == "原始记录":
        made.append(write_xlsx(folder / "客户部_原始记录_20261001-20261031.xlsx", {"原始记录": (raw_punches(month), [(1, 1, 1, 16)])}))
    elif layout == "每日统计":
        made.append(write_daily_xls(folder / "客户部_考勤报表_20261001-20261031.xls", month))
    elif layout == "打卡时间":
        made.append(write_csv(folder / "打卡时间_20261001-20261031.csv", punch_time_rows(month), "gb18030"))
    else:
        made.append(folder / "listRecord_2026-10.json")
        made[-1].write_text(json.dumps(list_record(month), ensure_ascii=False), encoding="utf-8")
    made.append(write_xlsx(folder / "请假记录.xlsx", {"请假": (leave_rows(month), [])}))
    made.append(write_csv(folder / "补卡记录.csv", fix_rows(month), "utf-8-sig"))
    return made


def write_daily_xls(path: Path, month: AttendanceMonth) -> Path:
    """The 考勤报表 workbook as BIFF8: 每日统计 (title, 生成时间, a two-row header band: leaf headers
    merged down, 请假 merged over 事假 / 病假) and 月度汇总 (which kehu leaves aside)."""
    import xlwt
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("每日统计")
    width = len(DAILY_HEAD) + len(LEAVE_GROUP)
    ws.write_merge(0, 0, 0, width - 1, "每日统计表 统计日期：2026-10-01 至 2026-10-31")
    ws.write_merge(1, 1, 0, width - 1, "报表生成时间：2026-11-01 09:12")
    for j, name in enumerate(DAILY_HEAD):
        ws.write_merge(2, 3, j, j, name)
    ws.write_merge(2, 2, len(DAILY_HEAD), width - 1, "请假")
    for k, name in enumerate(LEAVE_GROUP):
        ws.write(3, len(DAILY_HEAD) + k, name)
    for i, row in enumerate(daily_rows(month), start=4):
        for j, value in enumerate(row):
            if value is not None:
                ws.write(i, j, value)
    summary = book.add_sheet("月度汇总")
    summary.write_merge(0, 0, 0, 10, "月度汇总 统计日期：2026-10-01 至 2026-10-31")
    head = ["姓名", "考勤组", "部门", "工号", "UserId", "出勤天数", "休息天数", "迟到次数", "旷工天数"] + [str(d.day) for d in days()]
    for j, name in enumerate(head):
        summary.write(2, j, name)
    for i, person in enumerate(PEOPLE, start=3):
        summary.write(i, 0, person.name)
        summary.write(i, 4, person.userid)
        for j, _ in enumerate(days(), start=9):
            summary.write(i, j, "正常")
    book.save(str(path))
    return path


# -- WeCom --------------------------------------------------------------------------------------------------

def wecom_daily_rows(month: AttendanceMonth) -> tuple[list[list], list]:
    """概况统计与打卡明细: title, 统计时间, a header band (上班1 / 下班1 over 打卡时间 / 打卡状态), a row per
    person per day with every punch in 打卡时间记录; ``--`` for nothing."""
    fixed = ["时间", "姓名", "账号", "部门", "所属规则", "最早", "最晚", "打卡次数", "假勤申请"]
    groups = ["上班1", "下班1", "上班2", "下班2"]
    top = fixed + [g if k == 0 else None for g in groups for k in range(2)] + ["打卡时间记录"]
    under = [None] * len(fixed) + ["打卡时间", "打卡状态"] * len(groups) + [None]
    rows = [["上下班打卡_日报"], ["统计时间:10-01 ～ 10-31     制表时间:2026-11-01 17:23(UTC+8)"], top, under]
    merges = [(1, 1, 1, len(top)), (2, 1, 2, len(top))] + [(3, j + 1, 4, j + 1) for j in range(len(fixed))] + \
        [(3, len(fixed) + 2 * k + 1, 3, len(fixed) + 2 * k + 2) for k in range(len(groups))] + \
        [(3, len(top), 4, len(top))]
    for person in PEOPLE + [OUTSIDER]:
        by_day: dict[date, list] = {}
        for at in sorted(month.punches[person.employee_id]):
            by_day.setdefault(attendance_day(at)[0], []).append(at)
        for day in days():
            ats = by_day.get(day, [])
            shown = [attendance_day(at)[1].replace(" ", "") for at in ats]
            slots = [x for k in range(4) for x in ((shown[k], dingtalk_result(k, ats[k])) if k < len(ats) else ("--", "缺卡"))]
            rows.append([f"{day:%Y/%m/%d} 星期{WEEKDAYS[day.weekday()]}", person.name, person.account,
                         person.dept.replace("\n", "/"), "客户部考勤", shown[0] if shown else "--",
                         shown[-1] if shown else "--", len(ats), "--"] + slots + [" ".join(shown) or "--"])
    return rows, merges


def wecom_detail_rows(month: AttendanceMonth) -> list[list]:
    """打卡详情: a row per punch (seconds shown), 外出打卡 rows, a 未打卡 row."""
    rows = [["打卡详情"], ["日期", "姓名", "账号", "部门", "所属规则", "打卡类型", "打卡时间", "打卡状态", "打卡地点"]]
    everything = [(eid, at, "上班打卡" if at.hour < 12 else "下班打卡") for eid, ats in month.punches.items() for at in ats]
    everything += [(eid, at, "外出打卡") for eid, at in month.outside]
    for eid, at, kind in sorted(everything, key=lambda x: (x[0], x[1])):
        person = _person(eid)
        rows.append([f"{at:%Y/%m/%d}", person.name, person.account, person.dept, "客户部考勤", kind,
                     f"{at:%Y-%m-%d %H:%M:%S}", "正常", "日喀则"])
    rows.append(["2026/10/13", "李娜", "lina", "集团客户部", "客户部考勤", "下班打卡", "未打卡", "未打卡", "--"])
    return rows


def checkin_data(month: AttendanceMonth) -> list[dict]:
    """getcheckindata responses, one page per person (a list of responses, as a clerk saves pages)."""
    pages = []
    for eid, ats in month.punches.items():
        person = _person(eid)
        data = [{"userid": person.account, "groupname": "客户部考勤", "checkin_type": "上班打卡" if at.hour < 12 else "下班打卡",
                 "exception_type": "", "checkin_time": int(_ms(at) / 1000), "location_title": "日喀则",
                 "sch_checkin_time": int(_ms(datetime.combine(attendance_day(at)[0], time(9))) / 1000)} for at in ats]
        data += [{"userid": person.account, "checkin_type": "外出打卡", "exception_type": "", "checkin_time": int(_ms(at) / 1000)}
                 for e, at in month.outside if e == eid]
        pages.append({"errcode": 0, "errmsg": "ok", "checkindata": data})
    pages[0]["checkindata"].append({"userid": "zhangwei", "checkin_type": "下班打卡", "exception_type": "未打卡",
                                    "checkin_time": int(_ms(datetime(2026, 10, 14, 18, 30)) / 1000)})
    return pages


WECOM_LAYOUTS = ("概况统计与打卡明细", "打卡详情", "接口")


def wecom_files(folder: Path, month: AttendanceMonth, layout: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    if layout == "概况统计与打卡明细":
        rows, merges = wecom_daily_rows(month)
        return [write_xlsx(folder / "上下班打卡_日报_20261001-20261031.xlsx", {"概况统计与打卡明细": (rows, merges)})]
    if layout == "打卡详情":
        return [write_csv(folder / "上下班打卡_打卡详情_20261001-20261031.csv", wecom_detail_rows(month), "utf-8-sig")]
    path = folder / "getcheckindata_2026-10.json"
    path.write_text(json.dumps(checkin_data(month), ensure_ascii=False, indent=1), encoding="utf-8")
    return [path]


def write_exports(folder: Path, month: AttendanceMonth, system: str, layout: str) -> Path:
    """A whole month's input folder: the rosters and KPI sheets, and the attendance as exports
    (WeCom has no leave export here: its 请假外出 stays kehu's own sheet)."""
    files = rosters()
    if system == "企业微信":
        files["请假外出.xlsx"] = native_sheets(month)["请假外出.xlsx"]
    write_month(folder, files)
    (dingtalk_files if system == "钉钉" else wecom_files)(folder, month, layout)
    return folder


# -- writers ---------------------------------------------------------------------------------------------------

def write_xlsx(path: Path, sheets: dict) -> Path:
    """sheets: name → (rows, merges as 1-based (row1, col1, row2, col2))."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, (rows, merges) in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        for r1, c1, r2, c2 in merges:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list], encoding: str) -> Path:
    with open(path, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh).writerows([["" if v is None else v for v in row] for row in rows])
    return path
