"""The detail sheets of a manager's workbook (考勤明细, KPI明细, 拜访, 回访, 问题清单) and the
vocabulary and lines the department workbook shares with it.

Each sheet shows what compute found, in words the manager can check against his own
records: an attendance event with the scheduled time, his punch, the minutes, the tier and
the amount (issue 14 item 7); a KPI line with the scorer's note (kehu/compute/kpi_scoring.py
— shown, never recomputed); figures that are counts as integers (15, not 15.00).
"""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from kehu.render.wording import appeal_line, leave_note
from kehu.render.xlsx_cells import EMPTY_RATE, as_number, is_missing, yes_no
from kehu.render.xlsx_layout import Col, Sheet
from kehu.render.xlsx_style import month_title

if TYPE_CHECKING:                                   # pragma: no cover
    from kehu.render.manager_book import ManagerSlice

SESSIONS = {"AM": "上午", "PM": "下午", "DAY": "全天"}
EVENT_TYPES = {"late": "迟到", "early": "早退", "absent": "旷工", "missing_punch": "缺卡",
               "leave_limit": "请假超限", "violation": "违纪"}
CALLBACK_STATUS = {"on_time": "按时回访", "late": "逾期回访", "pending": "待回访", "missing": "未回访"}
FLAGS = {"best": "最优", "worst": "最差"}
SEVERITY = {"error": "错误", "warning": "警告"}


def money(value) -> Decimal:
    return Decimal("0") if is_missing(value) or value == "" else Decimal(str(value))


def rate_or_dash(value):
    return EMPTY_RATE if is_missing(value) else value


def person_line(s: "ManagerSlice") -> str:
    e = s.employee
    return f"{month_title(s.month)}  {e['employee_id']} {s.staff.get('name') or e.get('name', '')}"


# ---------------------------------------------------------------------------
# KPI lines

KPI_COLS = [Col("指标", "name"), Col("权重", "weight", "int"), Col("基本目标", "base", "figure"),
            Col("目标值", "target", "figure"), Col("挑战目标", "challenge", "figure"),
            Col("完成值", "actual", "figure"), Col("完成率", "completion", "pct"), Col("得分", "score", "score")]
NOTE_COL = Col("计分说明", "note", "wrap", width=60)     # made by the scorer (compute/kpi_scoring.py)
# A customer manager's line scored on the room's figures, or on a blend of his and the room's
# (issue 16): whose figures, and the room's next to his own.
ROOM_PART_COLS = [Col("口径", "scope_text", "center"), Col("本室基本目标", "room_base", "figure"),
                  Col("本室目标值", "room_target", "figure"), Col("本室挑战目标", "room_challenge", "figure"),
                  Col("本室完成值", "room_actual", "figure")]


def kpi_records(s: "ManagerSlice") -> list[dict]:
    out = []
    for r in s.kpi:
        rec = dict(r)
        target, actual = as_number(r.get("target")), as_number(r.get("actual"))
        rec["completion"] = actual / target if target and actual is not None else None
        if r.get("source", r.get("code")) == "retention":
            rec["name"] = f"{r.get('name', '保有')}(离网率 %)"
        if r.get("missing_target"):
            rec["name"] = f"{r.get('name')}(缺指标行)"
        out.append(rec)
    return out


def scope_text(r: dict) -> str:
    if r.get("scope") == "blend":
        share = as_number(r.get("own_share")) or 0.0
        return f"本人{share:.0%}+本室{1 - share:.0%}"
    return "本室" if r.get("scope") == "room" else "本人"


def kpi_sheet(wb, fmt, s: "ManagerSlice") -> None:
    # the total row sums the rounded indicator scores = the KPI total (SPEC §2.8)
    records = kpi_records(s)
    room_parts = not s.is_room_manager and any(r.get("scope") in ("room", "blend") for r in records)
    cols = KPI_COLS[:-1] + [Col("得分", "score", "score", total=True), Col("备注", "remark", width=28)] + \
        (ROOM_PART_COLS if room_parts else []) + [NOTE_COL]
    for r in records:
        r["scope_text"] = scope_text(r)
        if r.get("missing_target"):
            r["remark"] = "指标表缺少该指标行,按 0 分计"
        elif r.get("source", r.get("code")) == "retention":
            r["remark"] = s.words["retention_note"]
    sh = Sheet(wb, fmt, "KPI明细", len(cols))
    sh.title("KPI 明细" + ("(本室合计)" if s.is_room_manager else ""), person_line(s))
    sh.table(cols, records, total_label="合计", empty_text="无 KPI 指标")
    sh.finish()


# ---------------------------------------------------------------------------
# 考勤明细

ATTENDANCE_COLS = [Col("日期", "date", "date"), Col("时段", "session", "center", SESSIONS),
                   Col("类型", "type", "center", EVENT_TYPES), Col("应打卡时间", "scheduled", "center"),
                   Col("实际打卡", "punched", "center"), Col("分钟", "minutes", "int"),
                   Col("档次", "tier_text", "center"), Col("扣款", "amount", "money", total=True),
                   Col("说明", "detail", "wrap", width=30)]


def attendance_records(s: "ManagerSlice") -> list[dict]:
    """The events as the manager checks them: the tier in the seed's words, what each row is."""
    leaves = (s.employee.get("attendance") or {}).get("leave_requests", 0)
    out = []
    for r in sorted(s.attendance, key=lambda r: (str(r.get("date")), str(r.get("session")))):
        rec = dict(r)
        tier = r.get("tier")
        rec["tier_text"] = s.words["tiers"][int(tier) - 1] if not is_missing(tier) else ""
        rec["detail"] = event_detail(r, s.words, leaves)
        if r.get("type") == "absent":
            rec["punched"] = "无打卡"
        out.append(rec)
    return out


def event_detail(r: dict, words: dict, leaves: int) -> str:
    kind, note = r.get("type"), r.get("note") if isinstance(r.get("note"), str) else ""
    if kind == "violation":
        return "：".join(x for x in (r.get("kind") or "", note) if x)
    if kind == "missing_punch":
        return f"{note}，{words['missing_punch_note']}" if note else words["missing_punch_note"]
    if kind == "leave_limit":
        return leave_note(words, leaves)
    return note


def attendance_sheet(wb, fmt, s: "ManagerSlice") -> None:
    sh = Sheet(wb, fmt, "考勤明细", len(ATTENDANCE_COLS))
    sh.title("考勤明细", person_line(s))
    sh.table(ATTENDANCE_COLS, attendance_records(s), total_label="合计",
             alerts=[("amount", ">0", "alert"), ("type", ["缺卡"], "warn")],
             empty_text="本月无考勤扣款或缺卡记录")
    sh.note("应打卡时间：迟到为上班时间、早退为下班时间（请假外出后顺延或提前）；分钟 = 实际打卡与应打卡时间之差。", 18)
    sh.text_line(appeal_line(s.words, s.month), fmt.text)
    sh.set_width(0, 12)
    sh.finish()


# ---------------------------------------------------------------------------
# 拜访, 回访, 问题清单

VISIT_COLS = [Col("客户编号", "customer_id"), Col("客户名称", "customer_name"),
              Col("客户级别", "customer_class", "center"), Col("应上门次数", "required", "int"),
              Col("周期(月)", "cycle_months", "int"), Col("统计起始", "window_start", "date"),
              Col("周期内上门", "visits_in_window", "int"), Col("是否达标", "compliant", "bool")]


def visits_sheet(wb, fmt, s: "ManagerSlice") -> None:
    sh = Sheet(wb, fmt, "拜访", len(VISIT_COLS))
    v = s.employee.get("visits") or {}
    rate = v.get("rate")
    sub = f"{person_line(s)}  应拜访 {v.get('due', 0)} 户,达标 {v.get('compliant', 0)} 户" + \
        (f",达标率 {rate:.1%}" if not is_missing(rate) else "")
    sh.title("本月应拜访客户及达标情况", sub)
    records = sorted(s.visits, key=lambda r: (bool(r.get("compliant")), str(r.get("customer_id"))))
    sh.table(VISIT_COLS, records, alerts=[("compliant", "否", "alert")], empty_text="本月无应拜访客户")
    if s.churn:
        sh.skip()
        sh.section(f"离网预警（{s.words['churn_rule']}，请尽快走访）")
        sh.table([Col("客户编号", "customer_id"), Col("客户名称", "customer_name"),
                  Col("本月收入", "revenue", "money"), Col(s.words["churn_average"], "previous_average", "money"),
                  Col("降幅(%)", "drop_percent", "score")], s.churn, autofilter=False)
    sh.finish()


CALLBACK_COLS = [Col("拜访日期", "visit_date", "date"), Col("客户编号", "customer_id"),
                 Col("客户名称", "customer_name"), Col("协议客户", "member", "bool"),
                 Col("服务项目", "service_item"), Col("回访期限", "deadline", "date"),
                 Col("状态", "status", "center", CALLBACK_STATUS), Col("回访日期", "callback_date", "date"),
                 Col("回访结果", "result", "center"), Col("未接通次数", "failed_attempts", "int")]


def callbacks_sheet(wb, fmt, s: "ManagerSlice") -> None:
    sh = Sheet(wb, fmt, "回访", len(CALLBACK_COLS))
    sh.title(f"服务事件回访情况（{s.words['callback_window']}内回访）", person_line(s))
    records = sorted(s.callbacks, key=lambda r: (str(r.get("visit_date")), str(r.get("customer_id"))))
    sh.table(CALLBACK_COLS, records,
             alerts=[("status", "未回访", "alert"), ("status", ["逾期回访", "待回访"], "warn"),
                     ("result", s.words["dissatisfied"], "alert")],
             empty_text="本月无需回访的服务事件")
    if any(r.get("member") and r.get("status") in ("missing", "late") for r in records):
        sh.note(s.words["member_callbacks"], 18)
    sh.finish()


FINDING_COLS = [Col("级别", "severity", "center", SEVERITY), Col("代码", "code"),
                Col("说明", "message", "wrap", width=40), Col("文件", "file"), Col("工作表", "sheet"),
                Col("行", "row", "int"), Col("单元格", "cell", "center"), Col("值", "value"),
                Col("已剔除", "rejected", "bool")]


def findings_sheet(wb, fmt, month, findings: list, subtitle: str, wb_sheet: str = "问题清单",
                   with_employee: bool = False) -> None:
    cols = FINDING_COLS + ([Col("工号", "employee_id")] if with_employee else [])
    sh = Sheet(wb, fmt, wb_sheet, len(cols))
    sh.title("数据问题清单(请核对原始表格)", subtitle)
    records = [{**f.to_dict()} for f in findings]
    records.sort(key=lambda r: (r["severity"] != "error", r["file"], r["sheet"], r["row"] or 0, r["code"]))
    sh.table(cols, records, alerts=[("severity", "错误", "alert"), ("severity", "警告", "warn")],
             empty_text="无问题")
    sh.finish()


# ---------------------------------------------------------------------------
# one employee's line (本室汇总, the department workbook's 全员汇总)

PAY_COLS = [Col("绩效基数", "performance_base", "money", total=True), Col("KPI得分", "kpi_total", "score"),
            Col("考勤扣款", "attendance_deduction", "money", total=True),
            Col("违纪扣款", "violation_deduction", "money", total=True),
            Col("学习扣款", "learning_deduction", "money", total=True),
            Col("扣款合计", "deductions_total", "money", total=True),
            Col("应发绩效", "performance_pay", "money", total=True)]
RATE_COLS = [Col("拜访达标率", "visit_rate", "pct"), Col("回访及时率", "callback_rate", "pct")]


def employee_line(e: dict) -> dict:
    """One results.json employee → the flat line of 全员汇总 / 本室汇总."""
    learning = e.get("learning") or {}
    attendance = e.get("attendance") or {}
    return {"employee_id": e["employee_id"], "name": e.get("name"), "role": e.get("role"), "room": e.get("room"),
            "performance_base": e.get("performance_base"), "kpi_total": e["kpi"]["total"],
            "attendance_deduction": attendance.get("deduction"),
            "violation_deduction": (e.get("violations") or {}).get("deduction"),
            "learning_deduction": learning.get("deduction", "0.00"),
            "deductions_total": e.get("deductions_total"), "performance_pay": e.get("performance_pay"),
            "uncovered": e.get("uncovered"),
            "visit_rate": rate_or_dash((e.get("visits") or {}).get("rate")),
            "callback_rate": rate_or_dash((e.get("callbacks") or {}).get("rate")),
            "learning_flag": FLAGS.get(learning.get("flag"), ""),
            "notice": yes_no((e.get("violations") or {}).get("notice")),
            **{key: attendance.get(key, 0) for key in ("late", "early", "absent_days", "missing_punches",
                                                       "leave_requests")},
            "violations": (e.get("violations") or {}).get("count", 0)}
