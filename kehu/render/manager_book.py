"""The workbook one manager receives: ``managers/<工号>_<姓名>.xlsx`` (SPEC §6).

Sheets: 考核汇总 (the signed assessment form), 考勤明细, KPI明细, 拜访, 回访,
问题清单; a 重要室经理 also gets 本室汇总 (room totals and every member's line)
and 室经理考核 (his assessment on the room's totals).

Confidentiality (seed 004 保密制度, “客户资料由客户经理本人管理”): the writer
only ever receives a ``ManagerSlice`` — this manager's rows, already filtered
by ``manager_id``/``employee_id`` — so it cannot leak another manager's
customer even by mistake. A room manager's slice carries room totals and
per-person numbers, never other managers' customer rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from kehu.month import Month
from kehu.render.xlsx_cells import EMPTY_RATE, as_number, is_missing, yes_no
from kehu.render.xlsx_layout import Col, Sheet, signoff_lines
from kehu.render.xlsx_style import Formats, close_workbook, month_title, open_workbook

SESSIONS = {"AM": "上午", "PM": "下午", "DAY": "全天"}
EVENT_TYPES = {"late": "迟到", "early": "早退", "absent": "旷工", "missing_punch": "缺卡",
               "leave_limit": "请假超限", "violation": "违纪"}
CALLBACK_STATUS = {"on_time": "按时回访", "late": "逾期回访", "pending": "待回访", "missing": "未回访"}
FLAGS = {"best": "最优", "worst": "最差"}
SEVERITY = {"error": "错误", "warning": "警告"}

MANAGER_SHEETS = ["考核汇总", "考勤明细", "KPI明细", "拜访", "回访", "问题清单"]
ROOM_MANAGER_SHEETS = ["考核汇总", "本室汇总", "室经理考核", "考勤明细", "KPI明细", "拜访", "回访", "问题清单"]


@dataclass
class ManagerSlice:
    """Everything one manager's workbook shows — and nothing else (picklable)."""
    month: Month
    employee: dict                      # his results.json employee entry
    staff: dict                         # his staff row (name, role, room, phone…)
    room_manager_name: str = ""         # the assessor named in the sign-off block
    attendance: list = field(default_factory=list)     # attendance_events rows, employee_id == his
    kpi: list = field(default_factory=list)            # kpi_indicators rows, employee_id == his
    visits: list = field(default_factory=list)         # visit_detail rows, manager_id == his
    callbacks: list = field(default_factory=list)      # callback_events rows, manager_id == his
    churn: list = field(default_factory=list)          # churn_warnings rows, manager_id == his
    findings: list = field(default_factory=list)       # Finding, employee_id == his
    room: dict | None = None            # rooms row — only for a 重要室经理
    words: dict = field(default_factory=dict)           # policy in words (kehu.render.wording)
    room_lines: list = field(default_factory=list)     # employee entries of his room (numbers only)

    @property
    def is_room_manager(self) -> bool:
        return self.room is not None


def money(value) -> Decimal:
    return Decimal("0") if is_missing(value) or value == "" else Decimal(str(value))


def rate_or_dash(value):
    return EMPTY_RATE if is_missing(value) else value


def write_manager_book(s: ManagerSlice, path: Path) -> Path:
    """Write one manager's workbook to ``path``."""
    name = s.staff.get("name") or s.employee.get("name", "")
    title = f"集团客户部 {month_title(s.month)} 考核表 — {s.employee['employee_id']} {name}"
    wb = open_workbook(path, s.month, title, subject="客户经理月度考核")
    fmt = Formats(wb)
    summary_sheet(wb, fmt, s)
    if s.is_room_manager:
        room_summary_sheet(wb, fmt, s)
        room_assessment_sheet(wb, fmt, s)
    attendance_sheet(wb, fmt, s)
    kpi_sheet(wb, fmt, s)
    visits_sheet(wb, fmt, s)
    callbacks_sheet(wb, fmt, s)
    findings_sheet(wb, fmt, s.month, s.findings, f"{person_line(s)} 问题清单", wb_sheet="问题清单")
    close_workbook(wb)
    return path


def person_line(s: ManagerSlice) -> str:
    e = s.employee
    return f"{month_title(s.month)}  {e['employee_id']} {s.staff.get('name') or e.get('name', '')}"


def person_pairs(s: ManagerSlice) -> list:
    e = s.employee
    return [("工号", e["employee_id"], "text"), ("姓名", s.staff.get("name") or e.get("name"), "text"),
            ("岗位", s.staff.get("role") or e.get("role"), "text"), ("所属室", s.staff.get("room") or e.get("room"), "text")]


# ---------------------------------------------------------------------------
# 考核汇总

KPI_COLS = [Col("指标", "name"), Col("权重", "weight", "int"), Col("基本目标", "base", "number"),
            Col("目标值", "target", "number"), Col("挑战目标", "challenge", "number"),
            Col("完成值", "actual", "number"), Col("完成率", "completion", "pct"), Col("得分", "score", "score")]


def kpi_records(s: ManagerSlice) -> list[dict]:
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


def summary_sheet(wb, fmt: Formats, s: ManagerSlice) -> None:
    """The assessment form a manager signs (SPEC §6, seed 004 考核流程)."""
    e = s.employee
    role = s.staff.get("role") or e.get("role", "")
    sh = Sheet(wb, fmt, "考核汇总", 8)
    sh.title(f"集团客户部 {month_title(s.month)} {role}考核表", person_line(s))
    sh.pairs(person_pairs(s), per_row=4)
    sh.skip()

    sh.section("一、KPI 考核" + ("(按本室合计考核)" if s.is_room_manager else ""))
    sh.table(KPI_COLS, kpi_records(s), autofilter=False, empty_text="无 KPI 指标")
    sh.ws.write_string(sh.row, 0, "KPI合计", fmt.total_label)
    for c in range(1, 7):
        sh.ws.write_blank(sh.row, c, None, fmt.total_blank)
    sh.write(sh.row, 7, e["kpi"]["total"], "score", fmt.total_score)
    sh.row += 1
    sh.skip()

    sh.section("二、扣款")
    deduction_block(sh, s)
    sh.skip()

    sh.section("三、拜访与回访")
    v, cb = e.get("visits") or {}, e.get("callbacks") or {}
    sh.header(["应拜访客户", "达标客户", "拜访达标率", "服务事件", "按时回访", "逾期回访", "未回访", "回访及时率"])
    r = sh.row
    sh.write(r, 0, v.get("due", 0), "int")
    sh.write(r, 1, v.get("compliant", 0), "int")
    sh.write(r, 2, rate_or_dash(v.get("rate")), "pct")
    sh.write(r, 3, cb.get("events", 0), "int")
    sh.write(r, 4, cb.get("on_time", 0), "int")
    sh.write(r, 5, cb.get("late", 0), "int")
    sh.write(r, 6, cb.get("missing", 0), "int")
    sh.write(r, 7, rate_or_dash(cb.get("rate")), "pct")
    for c in (5, 6):
        sh.ws.conditional_format(r, c, r, c, {"type": "cell", "criteria": ">", "value": 0, "format": fmt.alert})
    sh.row += 1
    if cb.get("pending"):
        sh.note(f"另有 {cb['pending']} 个服务事件{s.words['pending_note']}。", 18)
    sh.skip()

    sh.section("四、绩效")
    pay_block(sh, e, s.words)
    sh.signoff(signoff_lines(s.room_manager_name if not s.is_room_manager else ""))
    sh.header_row = None            # a form: no frozen/repeated header
    sh.finish()
    sh.ws.set_column(0, 0, 16)
    sh.ws.set_column(1, 7, 14)
    sh.ws.fit_to_pages(1, 1)


def deduction_block(sh: Sheet, s: ManagerSlice) -> None:
    e, fmt = s.employee, sh.fmt
    att = e.get("attendance") or {}
    by_type: dict[str, Decimal] = {}
    for ev in s.attendance:
        by_type[ev.get("type")] = by_type.get(ev.get("type"), Decimal(0)) + money(ev.get("amount"))
    learning = e.get("learning")
    vio = e.get("violations") or {}
    rows = [
        ("迟到", att.get("late", 0), "次", "", by_type.get("late", Decimal(0))),
        ("早退", att.get("early", 0), "次", "", by_type.get("early", Decimal(0))),
        ("旷工", att.get("absent_days", 0), "天", "", by_type.get("absent", Decimal(0))),
        ("缺卡", att.get("missing_punches", 0), "次", "请以补卡流程补办", by_type.get("missing_punch", Decimal(0))),
        (s.words["leave_label"], att.get("leave_requests", 0), "次", s.words["leave_limit"],
         by_type.get("leave_limit", Decimal(0))),
        ("考勤小计", None, "", "", money(att.get("deduction"))),
        ("违纪", vio.get("count", 0), "次", "已列入通报" if vio.get("notice") else "", money(vio.get("deduction"))),
    ]
    if learning is None:
        rows.append(("学习测评", None, "", "重要室经理不参加排名", Decimal(0)))
    else:
        score = learning.get("score")
        parts = [f"成绩 {score:g}" if not is_missing(score) else "缺考"]
        if learning.get("flag"):
            parts.append(f"本室{FLAGS.get(learning['flag'], learning['flag'])}")
        if learning.get("certificate"):
            parts.append("颁发奖状")
        rows.append(("学习测评", None, "", ",".join(parts), money(learning.get("deduction"))))
    sh.header(["项目", "次数", "单位", "说明", "", "", "", "扣款"])
    sh.ws.merge_range(sh.row - 1, 3, sh.row - 1, 6, "说明", fmt.header)
    first = sh.row
    for label, count, unit, note, amount in rows:
        r = sh.row
        sh.ws.write_string(r, 0, label, fmt.label)
        sh.write(r, 1, count, "int")
        sh.write(r, 2, unit, "center")
        sh.ws.merge_range(r, 3, r, 6, "", fmt.text)
        sh.ws.write_string(r, 3, note, fmt.text)
        sh.write(r, 7, amount, "money")
        sh.row += 1
    sh.ws.conditional_format(first, 7, sh.row - 1, 7, {"type": "cell", "criteria": ">", "value": 0,
                                                       "format": fmt.alert})
    sh.ws.write_string(sh.row, 0, "扣款合计", fmt.total_label)
    for c in range(1, 7):
        sh.ws.write_blank(sh.row, c, None, fmt.total_blank)
    sh.write(sh.row, 7, e.get("deductions_total"), "money", fmt.total_money)
    sh.row += 1


def pay_block(sh: Sheet, e: dict, words: dict) -> None:
    fmt = sh.fmt
    sh.header(["绩效基数", "KPI得分", "计发比例", "扣款合计", "应发绩效", "未扣足扣款", "", ""])
    r = sh.row
    total = (as_number(e["kpi"]["total"]) or 0.0) * 100 / e["kpi"].get("out_of", 100)   # a scheme of other points
    sh.write(r, 0, e.get("performance_base"), "money")
    sh.write(r, 1, e["kpi"]["total"], "score")
    sh.write(r, 2, min(total, float(words["kpi_cap"])) / 100, "pct")
    sh.write(r, 3, e.get("deductions_total"), "money")
    sh.write(r, 4, e.get("performance_pay"), "money", fmt.big_money)
    sh.write(r, 5, e.get("uncovered"), "money")
    sh.ws.conditional_format(r, 5, r, 5, {"type": "cell", "criteria": ">", "value": 0, "format": fmt.alert})
    sh.row += 1
    sh.note(words["pay_formula"], 18)


# ---------------------------------------------------------------------------
# detail sheets

ATTENDANCE_COLS = [Col("日期", "date", "date"), Col("时段", "session", "center", SESSIONS),
                   Col("类型", "type", "center", EVENT_TYPES), Col("分钟", "minutes", "int"),
                   Col("扣款", "amount", "money", total=True)]


def attendance_sheet(wb, fmt, s: ManagerSlice) -> None:
    sh = Sheet(wb, fmt, "考勤明细", len(ATTENDANCE_COLS))
    sh.title("考勤明细", person_line(s))
    records = sorted(s.attendance, key=lambda r: (str(r.get("date")), str(r.get("session"))))
    sh.table(ATTENDANCE_COLS, records, total_label="合计",
             alerts=[("amount", ">0", "alert"), ("type", ["缺卡"], "warn")],
             empty_text="本月无考勤扣款或缺卡记录")
    sh.set_width(0, 12)
    sh.finish()


# A customer manager's line scored on the room's figures, or on a blend of his and the room's
# (issue 16): whose figures, and the room's next to his own.
ROOM_PART_COLS = [Col("口径", "scope_text", "center"), Col("本室基本目标", "room_base", "number"),
                  Col("本室目标值", "room_target", "number"), Col("本室挑战目标", "room_challenge", "number"),
                  Col("本室完成值", "room_actual", "number")]
NOTE_COL = Col("计分说明", "note", "wrap", width=60)     # made by the scorer (compute/kpi_scoring.py)


def scope_text(r: dict) -> str:
    if r.get("scope") == "blend":
        share = as_number(r.get("own_share")) or 0.0
        return f"本人{share:.0%}+本室{1 - share:.0%}"
    return "本室" if r.get("scope") == "room" else "本人"


def kpi_sheet(wb, fmt, s: ManagerSlice) -> None:
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
    sh.table(cols, records, total_label="合计",
             empty_text="无 KPI 指标")
    sh.finish()


VISIT_COLS = [Col("客户编号", "customer_id"), Col("客户名称", "customer_name"),
              Col("客户级别", "customer_class", "center"), Col("应上门次数", "required", "int"),
              Col("周期(月)", "cycle_months", "int"), Col("统计起始", "window_start", "date"),
              Col("周期内上门", "visits_in_window", "int"), Col("是否达标", "compliant", "bool")]


def visits_sheet(wb, fmt, s: ManagerSlice) -> None:
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


def callbacks_sheet(wb, fmt, s: ManagerSlice) -> None:
    sh = Sheet(wb, fmt, "回访", len(CALLBACK_COLS))
    sh.title(f"服务事件回访情况（{s.words['callback_window']}内回访）", person_line(s))
    records = sorted(s.callbacks, key=lambda r: (str(r.get("visit_date")), str(r.get("customer_id"))))
    sh.table(CALLBACK_COLS, records,
             alerts=[("status", "未回访", "alert"), ("status", ["逾期回访", "待回访"], "warn"),
                     ("result", s.words["dissatisfied"], "alert")],
             empty_text="本月无需回访的服务事件")
    if any(r.get("member") and r.get("status") in ("missing", "late") for r in records):
        sh.note("协议客户(会员客户)必须 100% 按时回访:红色/黄色的协议客户事件请立即补回访。", 18)
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
# room manager

# one employee's money line, shared with the department workbook's 全员汇总
PAY_COLS = [Col("绩效基数", "performance_base", "money", total=True), Col("KPI得分", "kpi_total", "score"),
            Col("考勤扣款", "attendance_deduction", "money", total=True),
            Col("违纪扣款", "violation_deduction", "money", total=True),
            Col("学习扣款", "learning_deduction", "money", total=True),
            Col("扣款合计", "deductions_total", "money", total=True),
            Col("应发绩效", "performance_pay", "money", total=True)]
RATE_COLS = [Col("拜访达标率", "visit_rate", "pct"), Col("回访及时率", "callback_rate", "pct")]
ROOM_LINE_COLS = [Col("工号", "employee_id"), Col("姓名", "name"), Col("岗位", "role"), *PAY_COLS, *RATE_COLS]


def employee_line(e: dict) -> dict:
    """One results.json employee → the flat line of 全员汇总 / 本室汇总."""
    learning = e.get("learning") or {}
    return {"employee_id": e["employee_id"], "name": e.get("name"), "role": e.get("role"), "room": e.get("room"),
            "performance_base": e.get("performance_base"), "kpi_total": e["kpi"]["total"],
            "attendance_deduction": (e.get("attendance") or {}).get("deduction"),
            "violation_deduction": (e.get("violations") or {}).get("deduction"),
            "learning_deduction": learning.get("deduction", "0.00"),
            "deductions_total": e.get("deductions_total"), "performance_pay": e.get("performance_pay"),
            "uncovered": e.get("uncovered"),
            "visit_rate": rate_or_dash((e.get("visits") or {}).get("rate")),
            "callback_rate": rate_or_dash((e.get("callbacks") or {}).get("rate")),
            "learning_flag": FLAGS.get(learning.get("flag"), ""),
            "notice": yes_no((e.get("violations") or {}).get("notice"))}


def room_total_pairs(room: dict) -> list:
    churn = room.get("churn_rate")
    return [
        ("所属室", room.get("room"), "text"), ("重要室经理", room.get("room_manager_name"), "text"),
        ("客户经理人数", room.get("managers"), "int"), ("客户数", room.get("customers"), "int"),
        ("本月收入", room.get("revenue"), "money"), ("信息化收入", room.get("info_revenue"), "money"),
        ("成员净增", room.get("member_growth"), "int"), ("本月离网", room.get("churned"), "int"),
        ("离网率(%)", churn if not is_missing(churn) else EMPTY_RATE, "score" if not is_missing(churn) else "text"),
        ("应拜访客户", room.get("visits_due"), "int"), ("拜访达标", room.get("visits_compliant"), "int"),
        ("拜访达标率", rate_or_dash(room.get("visit_rate")), "pct"),
        ("服务事件", room.get("callback_events"), "int"), ("按时回访", room.get("callbacks_on_time"), "int"),
        ("回访及时率", rate_or_dash(room.get("callback_rate")), "pct"),
        ("扣款合计", room.get("deductions_total"), "money"), ("应发绩效合计", room.get("performance_pay"), "money"),
    ]


def room_summary_sheet(wb, fmt, s: ManagerSlice) -> None:
    """Room totals and each member's numbers — no customer rows (保密制度)."""
    sh = Sheet(wb, fmt, "本室汇总", len(ROOM_LINE_COLS))
    room = s.room or {}
    sh.title(f"{room.get('room', s.staff.get('room', ''))} {month_title(s.month)} 本室汇总", person_line(s))
    sh.section("一、本室合计")
    sh.pairs(room_total_pairs(room), per_row=3)
    sh.skip()
    sh.section("二、本室人员考核")
    lines = [employee_line(e) for e in s.room_lines]
    sh.table(ROOM_LINE_COLS, lines, total_label="合计",
             alerts=[("deductions_total", ">0", "alert")], empty_text="本室无人员")
    sh.finish()


def room_assessment_sheet(wb, fmt, s: ManagerSlice) -> None:
    """The 重要室经理's own assessment (seed 004 重要室经理考核制度) on the room's totals."""
    e = s.employee
    sh = Sheet(wb, fmt, "室经理考核", len(KPI_COLS))
    sh.title(f"{month_title(s.month)} 重要室经理考核", person_line(s))
    sh.note("集团收入、信息化收入、成员净增、保有按本室全部客户合计;行业产品、其他集团指标、企信通取室经理本人指标表完成值。", 30)
    sh.table(KPI_COLS, kpi_records(s), autofilter=False, empty_text="无 KPI 指标")
    sh.skip()
    sh.pairs([("KPI得分", e["kpi"]["total"], "score"), ("扣款合计", e.get("deductions_total"), "money"),
              ("绩效基数", e.get("performance_base"), "money"), ("应发绩效", e.get("performance_pay"), "money")],
             per_row=4)
    sh.signoff(signoff_lines()[1:])
    sh.finish()
