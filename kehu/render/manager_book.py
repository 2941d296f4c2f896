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
from kehu.render.manager_sheets import (FLAGS, KPI_COLS, NOTE_COL, PAY_COLS, RATE_COLS, attendance_sheet,
                                        callbacks_sheet, employee_line, findings_sheet, kpi_records, kpi_sheet, money,
                                        person_line, rate_or_dash, visits_sheet)
from kehu.render.wording import appeal_line
from kehu.render.xlsx_cells import EMPTY_RATE, is_missing
from kehu.render.xlsx_layout import Col, Sheet, signoff_lines
from kehu.render.xlsx_style import Formats, close_workbook, month_title, open_workbook

MANAGER_SHEETS = ["考核汇总", "考勤明细", "KPI明细", "拜访", "回访", "问题清单"]
ROOM_MANAGER_SHEETS = ["考核汇总", "本室汇总", "室经理考核", "考勤明细", "KPI明细", "拜访", "回访", "问题清单"]
ROOM_LINE_COLS = [Col("工号", "employee_id"), Col("姓名", "name"), Col("岗位", "role"), *PAY_COLS, *RATE_COLS]


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


def person_pairs(s: ManagerSlice) -> list:
    e = s.employee
    return [("工号", e["employee_id"], "text"), ("姓名", s.staff.get("name") or e.get("name"), "text"),
            ("岗位", s.staff.get("role") or e.get("role"), "text"), ("所属室", s.staff.get("room") or e.get("room"), "text")]


# ---------------------------------------------------------------------------
# 考核汇总

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
    kpi_notes(sh, kpi_records(s))
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
    sh.text_line(appeal_line(s.words, s.month), sh.fmt.text, SUMMARY_WIDTH)
    sh.signoff(signoff_lines(s.room_manager_name if not s.is_room_manager else ""))
    sh.header_row = None            # a form: no frozen/repeated header
    sh.finish()
    sh.ws.set_column(0, 0, 16)
    sh.ws.set_column(1, 7, 14)
    sh.ws.fit_to_pages(1, 1)


SUMMARY_WIDTH = 16 + 7 * 14          # the form's printed width in characters (its column widths below)


def kpi_notes(sh: Sheet, records: list[dict]) -> None:
    """Under the KPI table: how each line was scored, in the scorer's words and numbers
    (kehu/compute/kpi_scoring.py) — 82.6 % → 24.55 of 30, 保有 20 of 15 — to check with a calculator."""
    noted = [r for r in records if r.get("note")]
    if noted:
        sh.text_line("计分说明：", sh.fmt.label, SUMMARY_WIDTH)
    for r in noted:
        sh.text_line(f"{r['name']}：{r['note']}", sh.fmt.wrap, SUMMARY_WIDTH)


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
        ("违纪", vio.get("count", 0), "次", violation_note(s.attendance, vio), money(vio.get("deduction"))),
    ]
    if learning is None:
        rows.append(("学习测评", None, "", "重要室经理不参加排名", Decimal(0)))
    else:
        score = learning.get("score")
        parts = [f"成绩 {score:g}" if not is_missing(score) else "缺考"]
        if learning.get("flag"):
            parts.append(f"本室{FLAGS.get(learning['flag'], learning['flag'])}")
        if money(learning.get("deduction")) > 0:
            parts.append(s.words["learning_worst"])
        if learning.get("certificate"):
            parts.append(s.words["learning_best"])
        rows.append(("学习测评", None, "", "，".join(parts), money(learning.get("deduction"))))
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


def violation_note(events: list[dict], violations: dict) -> str:
    """未穿工作服 1 次、私自外出 1 次（已列入通报）: what the 违纪 were, from their events."""
    kinds: dict[str, int] = {}
    for ev in events:
        if ev.get("type") == "violation":
            kinds[ev.get("kind") or "违纪"] = kinds.get(ev.get("kind") or "违纪", 0) + 1
    text = "、".join(f"{kind} {n} 次" for kind, n in kinds.items())
    return text + ("（已列入通报）" if violations.get("notice") else "")


def pay_ratio(e: dict, words: dict) -> Decimal:
    """计发比例 as pay uses it (SPEC §2.9): min(KPI得分 [÷ 满分 × 100], cap) ÷ 100, exact."""
    kpi = e["kpi"]
    share = Decimal(str(kpi["total"])) * 100 / Decimal(kpi.get("out_of", 100))    # a scheme of other points
    return min(share, Decimal(words["kpi_cap"])) / 100


def percent_text(ratio: Decimal) -> str:
    """0.9705 → 97.05%, 1 → 100.00% (as the cell's 0.00##% shows it); a ratio with more than 4
    places of percent is shown to 4 and marked ≈."""
    shown = (ratio * 100).quantize(Decimal("0.0001"))
    text = f"{shown:.2f}%" if shown == shown.quantize(Decimal("0.01")) else f"{shown.normalize():f}%"
    return text if shown == ratio * 100 else "≈" + text


def pay_line(e: dict, words: dict) -> str:
    """The month's pay in its own numbers: 4,000.00 × 97.05% − 118.00 = 3,764.00."""
    base, deductions = money(e.get("performance_base")), money(e.get("deductions_total"))
    line = f"本月：{base:,.2f} × {percent_text(pay_ratio(e, words))} − {deductions:,.2f}"
    uncovered = money(e.get("uncovered"))
    if uncovered > 0:
        return f"{line} 不足 0：应发绩效 0.00，未扣足扣款 {uncovered:,.2f}。"
    return f"{line} = {money(e.get('performance_pay')):,.2f}。"


def pay_block(sh: Sheet, e: dict, words: dict) -> None:
    fmt = sh.fmt
    sh.header(["绩效基数", "KPI得分", "计发比例", "扣款合计", "应发绩效", "未扣足扣款", "", ""])
    r = sh.row
    sh.write(r, 0, e.get("performance_base"), "money")
    sh.write(r, 1, e["kpi"]["total"], "score")
    sh.write(r, 2, pay_ratio(e, words), "pct_exact")
    sh.write(r, 3, e.get("deductions_total"), "money")
    sh.write(r, 4, e.get("performance_pay"), "money", fmt.big_money)
    sh.write(r, 5, e.get("uncovered"), "money")
    sh.ws.conditional_format(r, 5, r, 5, {"type": "cell", "criteria": ">", "value": 0, "format": fmt.alert})
    sh.row += 1
    sh.text_line(pay_line(e, words), fmt.text, SUMMARY_WIDTH)
    sh.note(words["pay_formula"], 18)


# ---------------------------------------------------------------------------
# room manager

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


def room_sources_note(lines: list[dict]) -> str:
    """Which of the room scheme's indicators (the rules in force) are the room's totals and which
    the head's own 完成值."""
    own = [r["name"] for r in lines if r.get("source") == "targets.actual"]
    totals = [r["name"] for r in lines if r.get("source") != "targets.actual"]
    parts = ([f"{'、'.join(totals)}按本室全部客户合计"] if totals else []) + \
        ([f"{'、'.join(own)}取室经理本人指标表的完成值"] if own else [])
    return "；".join(parts) + "。" if parts else ""


def room_assessment_sheet(wb, fmt, s: ManagerSlice) -> None:
    """The 重要室经理's own assessment (seed 004 重要室经理考核制度) on the room's totals."""
    e = s.employee
    sh = Sheet(wb, fmt, "室经理考核", len(KPI_COLS) + 1)
    sh.title(f"{month_title(s.month)} 重要室经理考核", person_line(s))
    sh.note(room_sources_note(s.kpi), 30)
    sh.table(KPI_COLS + [NOTE_COL], kpi_records(s), autofilter=False, empty_text="无 KPI 指标")
    sh.skip()
    sh.pairs([("KPI得分", e["kpi"]["total"], "score"), ("扣款合计", e.get("deductions_total"), "money"),
              ("绩效基数", e.get("performance_base"), "money"), ("应发绩效", e.get("performance_pay"), "money")],
             per_row=4)
    sh.signoff(signoff_lines()[1:])
    sh.finish()
