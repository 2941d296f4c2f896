"""The department workbook ``集团客户部_<YYYY-MM>_考核汇总.xlsx`` (SPEC §6).

For the department head and the 分管副总: every employee's line (the same
totals as payroll.csv), room totals, the room-manager assessment, 通报, the
callback summary (seed 000 回访总结报告: satisfaction by room and by manager),
离网预警 per manager, every finding, and charts.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path


from kehu.model import MonthResult
from kehu.render.wording import policy_words
from kehu.schema import CALLBACK_RESULTS
from kehu.render.manager_book import (CALLBACK_STATUS, EVENT_TYPES, PAY_COLS, RATE_COLS, employee_line,
                                      findings_sheet, money, rate_or_dash)
from kehu.render.xlsx_cells import EMPTY_RATE, is_missing
from kehu.render.xlsx_layout import Col, Sheet, signoff_lines
from kehu.render.xlsx_style import Formats, close_workbook, month_title, open_workbook

SHEETS = ["全员汇总", "各室汇总", "室经理考核", "通报", "回访汇总", "回访跟进", "离网预警", "客户交接清单", "问题清单", "图表"]


def department_filename(month) -> str:
    return f"集团客户部_{month.label}_考核汇总.xlsx"


def write_department_book(result: MonthResult, path: Path) -> Path:
    month = result.month
    wb = open_workbook(path, month, f"集团客户部 {month_title(month)} 考核汇总", subject="集团客户部月度考核汇总")
    fmt = Formats(wb)
    employees = result.results.get("employees", [])
    names = {e["employee_id"]: e.get("name", "") for e in employees}
    rooms_of = {e["employee_id"]: e.get("room", "") for e in employees}
    everyone_sheet(wb, fmt, result, employees)
    rooms_sheet(wb, fmt, result)
    room_managers_sheet(wb, fmt, result, employees)
    notices_sheet(wb, fmt, result)
    callbacks_summary_sheet(wb, fmt, result, names, rooms_of)
    churn_sheet(wb, fmt, result, names, rooms_of)
    handover_sheet(wb, fmt, result)
    findings_sheet(wb, fmt, month, list(result.findings),
                   f"{month_title(month)}  共 {len(result.findings)} 条", with_employee=True)
    charts_sheet(wb, fmt, result, employees)
    close_workbook(wb)
    return path


def subtitle(result: MonthResult, extra: str = "", as_of: bool = False) -> str:
    when = f"  回访统计截至 {result.as_of:%Y-%m-%d}" if as_of and result.as_of else ""
    return f"{month_title(result.month)}{when}{'  ' + extra if extra else ''}"


# ---------------------------------------------------------------------------

EVERYONE_COLS = [Col("工号", "employee_id"), Col("姓名", "name"), Col("岗位", "role"), Col("所属室", "room"),
                 *PAY_COLS, Col("未扣足扣款", "uncovered", "money", total=True), *RATE_COLS]


def everyone_sheet(wb, fmt, result: MonthResult, employees: list) -> None:
    """Every assessed employee: the payroll.csv figures plus the deduction split."""
    lines = sorted((employee_line(e) for e in employees), key=lambda r: (str(r["room"]), str(r["employee_id"])))
    sh = Sheet(wb, fmt, "全员汇总", len(EVERYONE_COLS))
    sh.title(f"集团客户部 {month_title(result.month)} 考核汇总(全员)", subtitle(result, f"共 {len(lines)} 人"))
    sh.table(EVERYONE_COLS, lines, total_label="合计",
             alerts=[(k, ">0", "alert") for k in ("attendance_deduction", "violation_deduction",
                                                   "learning_deduction", "deductions_total", "uncovered")])
    if result.not_assessed:
        sh.skip()
        sh.section(f"未考核人员（{len(result.not_assessed)} 人：员工名册中该行有错误，本月未计算考核和绩效）")
        sh.table(NOT_ASSESSED_COLS, [{**p, "employee_id": p["employee_id"] or "（工号无法读取）"}
                                     for p in result.not_assessed], autofilter=False)
    sh.signoff(signoff_lines()[1:])
    sh.finish()


NOT_ASSESSED_COLS = [Col("工号", "employee_id"), Col("姓名", "name"), Col("位置", "where", width=30),
                     Col("原因", "reason", "wrap", width=60)]


ROOM_COLS_CUSTOMERS = [
    Col("所属室", "room"), Col("重要室经理", "room_manager_name"), Col("客户经理数", "managers", "int", total=True),
    Col("客户数", "customers", "int", total=True), Col("本月收入", "revenue", "money", total=True),
    Col("信息化收入", "info_revenue", "money", total=True), Col("成员净增", "member_growth", "int", total=True),
    Col("本月离网", "churned", "int", total=True), Col("离网率(%)", "churn_rate", "score")]
ROOM_COLS_SERVICE = [
    Col("所属室", "room"), Col("重要室经理", "room_manager_name"), Col("应拜访", "visits_due", "int", total=True),
    Col("拜访达标", "visits_compliant", "int", total=True), Col("拜访达标率", "visit_rate", "pct"),
    Col("服务事件", "callback_events", "int", total=True), Col("按时回访", "callbacks_on_time", "int", total=True),
    Col("回访及时率", "callback_rate", "pct"), Col("扣款合计", "deductions_total", "money", total=True),
    Col("应发绩效合计", "performance_pay", "money", total=True)]


def rooms_sheet(wb, fmt, result: MonthResult) -> None:
    """Room totals in two stacked tables (customers & revenue; service & pay) that print large."""
    records = []
    for r in result.rooms.to_dict("records"):
        r = dict(r)
        for k in ("visit_rate", "callback_rate"):
            r[k] = rate_or_dash(r.get(k))
        if is_missing(r.get("churn_rate")):
            r["churn_rate"] = None
        records.append(r)
    records.sort(key=lambda r: str(r.get("room")))
    sh = Sheet(wb, fmt, "各室汇总", len(ROOM_COLS_SERVICE))
    sh.title(f"{month_title(result.month)} 各室汇总", subtitle(result, as_of=True))
    sh.section("一、客户与收入")
    sh.table(ROOM_COLS_CUSTOMERS, records, total_label="合计")
    sh.skip()
    sh.section("二、拜访、回访与绩效")
    sh.table(ROOM_COLS_SERVICE, records, autofilter=False, total_label="合计",
             alerts=[("deductions_total", ">0", "alert")])
    sh.finish()


def room_managers_sheet(wb, fmt, result: MonthResult, employees: list) -> None:
    """One line per 重要室经理 with each room-scheme indicator's score, then the detail."""
    heads = {h for col in ("room_manager_id", "acting_head_id") if col in result.rooms   # per the rules' roles
             for h in result.rooms[col].dropna()}
    rms = [e for e in employees if e["employee_id"] in heads]
    kpi = result.kpi_indicators
    rm_ids = {e["employee_id"] for e in rms}
    detail = kpi[kpi["employee_id"].isin(rm_ids)] if len(kpi) else kpi
    codes, code_names = [], {}
    for r in detail.to_dict("records"):
        if r["code"] not in code_names:
            codes.append(r["code"])
            code_names[r["code"]] = f"{r['name']}({r['weight']})"
    cols = [Col("所属室", "room"), Col("工号", "employee_id"), Col("姓名", "name")] + \
        [Col(code_names[c], f"kpi_{c}", "score") for c in codes] + \
        [Col("KPI得分", "kpi_total", "score"), Col("扣款合计", "deductions_total", "money", total=True),
         Col("应发绩效", "performance_pay", "money", total=True)]
    scores = defaultdict(dict)
    for r in detail.to_dict("records"):
        scores[r["employee_id"]][f"kpi_{r['code']}"] = r["score"]
    lines = [{**employee_line(e), **scores[e["employee_id"]]} for e in rms]
    lines.sort(key=lambda r: (str(r["room"]), r["employee_id"]))
    sh = Sheet(wb, fmt, "室经理考核", max(len(cols), 9))
    sh.title(f"{month_title(result.month)} 重要室经理考核", subtitle(result, "按本室合计考核"))
    sh.table(cols, lines, total_label="合计", alerts=[("deductions_total", ">0", "alert")],
             empty_text="本月无重要室经理")
    sh.skip()
    sh.section("指标明细")
    name_of = {e["employee_id"]: e.get("name", "") for e in rms}
    recs = [{**r, "person": name_of.get(r["employee_id"], "")} for r in detail.to_dict("records")]
    sh.table([Col("工号", "employee_id"), Col("姓名", "person"), Col("指标", "name"), Col("权重", "weight", "int"),
              Col("基本目标", "base", "number"), Col("目标值", "target", "number"),
              Col("挑战目标", "challenge", "number"), Col("完成值", "actual", "number"), Col("得分", "score", "score")],
             recs, autofilter=False, empty_text="无指标")
    sh.signoff(signoff_lines()[1:])
    sh.finish()


NOTICE_COLS = [Col("工号", "employee_id"), Col("姓名", "name"), Col("所属室", "room"), Col("日期", "date", "date"),
               Col("违纪类型", "kind", "center"), Col("说明", "note", "wrap", width=36),
               Col("扣款", "amount", "money", total=True)]


def notices_sheet(wb, fmt, result: MonthResult) -> None:
    """通报 (seed 004 考勤制度: 私自外出 … 并在本片区内通报)."""
    records = sorted(result.notices.to_dict("records"), key=lambda r: (str(r.get("room")), str(r.get("date"))))
    sh = Sheet(wb, fmt, "通报", len(NOTICE_COLS))
    sh.title(f"集团客户部 {month_title(result.month)} 违纪通报", subtitle(result))
    sh.table(NOTICE_COLS, records, total_label="合计", empty_text="本月无需通报的违纪")
    sh.finish()


def callbacks_summary_sheet(wb, fmt, result: MonthResult, names: dict, rooms_of: dict) -> None:
    """回访总结 (seed 000): satisfaction by room and by manager, event timeliness — as compute found
    them (kehu.compute.callbacks.callback_summary) — and what needs a follow-up."""
    results = list(CALLBACK_RESULTS)
    sat_cols = [*(Col(r, r, "int", total=True) for r in results),
                Col("回访次数", "total", "int", total=True), Col("满意率", "satisfied_rate", "pct"),
                Col("服务事件", "events", "int", total=True), Col("按时", "on_time", "int", total=True),
                Col("逾期", "late", "int", total=True), Col("未回访", "missing", "int", total=True),
                Col("待回访", "pending", "int", total=True), Col("及时率", "rate", "pct")]
    per_room = {str(r["key"]): r for r in _records(result.callback_rooms)}
    rooms_info = {str(r["room"]): r for r in result.rooms.to_dict("records")}
    room_rows = [{"room": room, "manager_id": rooms_info.get(room, {}).get("room_manager_id") or "",
                  "name": rooms_info.get(room, {}).get("room_manager_name") or "",
                  **_summary_line(per_room.get(room), results)}
                 for room in sorted(set(rooms_info) | set(per_room))]
    managers = [r for r in _records(result.callback_managers) if r["key"] is not None]
    managers.sort(key=lambda r: (str(rooms_of.get(r["key"], "")), str(r["key"])))
    mgr_rows = [{"room": rooms_of.get(r["key"], ""), "manager_id": r["key"], "name": names.get(r["key"], ""),
                 **_summary_line(r, results)} for r in managers]
    unhappy = result.rules["callbacks"]["dissatisfied_result"]
    sh = Sheet(wb, fmt, "回访汇总", 3 + len(sat_cols))
    sh.title(f"{month_title(result.month)} 回访总结", subtitle(result, as_of=True))
    sh.section("一、按室")
    sh.table([Col("所属室", "room"), Col("室经理工号", "manager_id"), Col("重要室经理", "name")] + sat_cols,
             room_rows, autofilter=False, total_label="合计",
             alerts=[(unhappy, ">0", "alert"), ("missing", ">0", "alert")])
    sh.skip()
    sh.section("二、按客户经理")
    sh.table([Col("所属室", "room"), Col("工号", "manager_id"), Col("姓名", "name")] + sat_cols, mgr_rows,
             autofilter=True, total_label="合计",
             alerts=[(unhappy, ">0", "alert"), ("missing", ">0", "alert"), ("late", ">0", "warn")])
    sh.finish()
    follow_up_sheet(wb, fmt, result, names)


def _records(frame) -> list[dict]:
    return [] if frame is None else frame.to_dict("records")


def _summary_line(found: dict | None, results: list[str]) -> dict:
    """A room's or manager's figures; zeros (and empty rates) where compute found none."""
    zero = {**{r: 0 for r in results}, "total": 0, "satisfied_rate": None, "events": 0, "on_time": 0,
            "late": 0, "missing": 0, "pending": 0, "rate": None}
    line = {**zero, **{k: v for k, v in (found or {}).items() if k != "key"}}
    for key in ("satisfied_rate", "rate"):
        line[key] = EMPTY_RATE if line[key] is None else line[key]
    return line


def follow_up_sheet(wb, fmt, result: MonthResult, names: dict) -> None:
    """回访跟进: the dissatisfied callbacks and the member (协议客户) events late or missing (seed 000:
    必须保证会员客户的100%的回访), as compute listed them."""
    unhappy = result.rules["callbacks"]["dissatisfied_result"]
    follow = [{"kind": unhappy, "date": r["date"], "customer_id": r["customer_id"],
               "customer_name": r["customer_name"] or "", "manager": f"{r['manager_id']} {names.get(r['manager_id'], '')}",
               "detail": r["comment"] or ""} for r in _records(result.dissatisfied)]
    follow += [{"kind": "协议客户" + CALLBACK_STATUS.get(r["status"], ""), "date": r["visit_date"],
                "customer_id": r["customer_id"], "customer_name": r["customer_name"],
                "manager": f"{r['manager_id']} {names.get(r['manager_id'], '')}", "detail": r["service_item"] or ""}
               for r in _records(result.member_misses)]
    sh = Sheet(wb, fmt, "回访跟进", 6)
    sh.title(f"{month_title(result.month)} 回访跟进：{unhappy}回访、协议客户未按时回访", subtitle(result, as_of=True))
    sh.table([Col("类别", "kind", "center"), Col("日期", "date", "date"), Col("客户编号", "customer_id"),
              Col("客户名称", "customer_name"), Col("客户经理", "manager"),
              Col("意见/服务项目", "detail", "wrap", width=30)],
             follow, empty_text="无需跟进事项", alerts=[("kind", unhappy, "alert")])
    sh.finish()


def churn_cols(words: dict) -> list:
    return [Col("所属室", "room"), Col("客户经理工号", "manager_id"), Col("客户经理", "manager_name"),
            Col("客户编号", "customer_id"), Col("客户名称", "customer_name"), Col("本月收入", "revenue", "money"),
            Col(words["churn_average"], "previous_average", "money"), Col("降幅(%)", "drop_percent", "score")]


def churn_sheet(wb, fmt, result: MonthResult, names: dict, rooms_of: dict) -> None:
    """离网预警 (seed 004 离网必防): a revenue drop against the previous months' average (rules [churn_warning])."""
    records = [{**r, "room": rooms_of.get(r.get("manager_id"), ""), "manager_name": names.get(r.get("manager_id"), "")}
               for r in result.churn_warnings.to_dict("records")]
    records.sort(key=lambda r: (str(r["room"]), str(r.get("manager_id")), -(r.get("drop_percent") or 0)))
    words = policy_words(result.rules)
    cols = churn_cols(words)
    sh = Sheet(wb, fmt, "离网预警", len(cols))
    sh.title(f"{month_title(result.month)} 离网预警（{words['churn_rule']}）", subtitle(result, f"共 {len(records)} 户"))
    sh.table(cols, records, alerts=[("drop_percent", ">0", "warn")], empty_text="本月无离网预警客户")
    sh.finish()


HANDOVER_COLS = [Col("所属室", "room"), Col("离职客户经理", "manager"), Col("离职日期", "left_on", "date"),
                 Col("客户编号", "customer_id"), Col("客户名称", "customer_name"), Col("客户级别", "customer_class", "center"),
                 Col("状态", "status", "center"), Col("最近上门拜访", "last_visit", "date"), Col("接替客户经理", "successor")]


def handover_sheet(wb, fmt, result: MonthResult) -> None:
    """客户交接清单 (seed 002 第14条: 客户经理变更须通知客户并指定接替人): customers of managers who
    have left, kept in their room's totals until reassigned (SPEC §10.3)."""
    frame = result.handover
    records = [] if frame is None else [{**r, "manager": f"{r['manager_id']} {r['manager_name'] or ''}".strip(),
                                        "successor": ""} for r in frame.to_dict("records")]
    sh = Sheet(wb, fmt, "客户交接清单", len(HANDOVER_COLS))
    sh.title(f"{month_title(result.month)} 客户交接清单（客户经理已离职）",
             subtitle(result, f"共 {len(records)} 户；请填写接替客户经理，并在下月客户名册中改为接替人的工号"))
    sh.table(HANDOVER_COLS, records, empty_text="本月没有需要交接的客户")
    sh.finish()


# ---------------------------------------------------------------------------
# 图表

KPI_BANDS = [(None, 60, "60分以下"), (60, 70, "60–70"), (70, 80, "70–80"), (80, 90, "80–90"),
             (90, 100, "90–100"), (100, None, "100及以上")]


def charts_sheet(wb, fmt, result: MonthResult, employees: list) -> None:
    """KPI score distribution, deductions by type, compliance by room — one landscape page:
    the three data tables stacked on the left, the charts in a 2 × 2 grid beside them."""
    sh = Sheet(wb, fmt, "图表", 3)
    sh.title(f"{month_title(result.month)} 考核图表", subtitle(result))
    ws, sheet, top = sh.ws, "图表", sh.row

    # 1. KPI distribution
    totals = [float(money(e["kpi"]["total"])) for e in employees]
    sh.header(["KPI得分区间", "人数"])
    first = sh.row
    for lo, hi, label in KPI_BANDS:
        sh.write(sh.row, 0, label, "center")
        sh.write(sh.row, 1, sum(1 for t in totals if (lo is None or t >= lo) and (hi is None or t < hi)), "int")
        sh.row += 1
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"name": "人数", "categories": [sheet, first, 0, sh.row - 1, 0],
                      "values": [sheet, first, 1, sh.row - 1, 1],
                      "data_labels": {"value": True}, "fill": {"color": "#4472C4"}})
    _style_chart(chart, "KPI 得分分布(人数)")
    chart.set_legend({"none": True})
    peak = max([sum(1 for t in totals if (lo is None or t >= lo) and (hi is None or t < hi))
                for lo, hi, _ in KPI_BANDS] + [1])
    chart.set_y_axis({"min": 0, "major_unit": max(1, -(-peak // 8)), "num_format": "0",
                      "num_font": {"name": "宋体", "size": 9}, "major_gridlines": {"visible": True}})
    ws.insert_chart(top, 3, chart, {"x_offset": 10})
    sh.skip()

    # 2. deductions by type
    sh.header(["扣款类型", "金额"])
    first = sh.row
    amounts = defaultdict(Decimal)
    for r in result.attendance_events.to_dict("records"):
        amounts[EVENT_TYPES.get(r.get("type"), str(r.get("type")))] += money(r.get("amount"))
    amounts["学习"] = sum((money((e.get("learning") or {}).get("deduction")) for e in employees), Decimal(0))
    for label in ["迟到", "早退", "旷工", "请假超限", "违纪", "学习"]:
        sh.write(sh.row, 0, label, "center")
        sh.write(sh.row, 1, amounts.get(label, Decimal(0)), "money")
        sh.row += 1
    chart = wb.add_chart({"type": "bar"})
    chart.add_series({"name": "扣款", "categories": [sheet, first, 0, sh.row - 1, 0],
                      "values": [sheet, first, 1, sh.row - 1, 1],
                      "data_labels": {"value": True, "num_format": "¥#,##0"}, "fill": {"color": "#C0504D"}})
    _style_chart(chart, "扣款按类型(元)")
    chart.set_legend({"none": True})
    ws.insert_chart(top, 3, chart, {"x_offset": 10 + CHART_W + 20})
    sh.skip()

    # 3. compliance by room
    sh.header(["所属室", "拜访达标率", "回访及时率"])
    first = sh.row
    for r in result.rooms.to_dict("records"):
        sh.write(sh.row, 0, r.get("room"), "center")
        sh.write(sh.row, 1, None if is_missing(r.get("visit_rate")) else r["visit_rate"], "pct")
        sh.write(sh.row, 2, None if is_missing(r.get("callback_rate")) else r["callback_rate"], "pct")
        sh.row += 1
    last = max(first, sh.row - 1)
    chart = wb.add_chart({"type": "column"})
    for c, color in ((1, "#4472C4"), (2, "#ED7D31")):
        chart.add_series({"name": [sheet, first - 1, c], "categories": [sheet, first, 0, last, 0],
                          "values": [sheet, first, c, last, c], "fill": {"color": color},
                          "data_labels": {"value": True, "num_format": "0%"}})
    _style_chart(chart, "各室拜访达标率与回访及时率")
    chart.set_y_axis({"min": 0, "max": 1, "num_format": "0%", "major_gridlines": {"visible": True},
                      "num_font": {"name": "宋体", "size": 9}})
    chart.set_size({"width": 2 * CHART_W + 20, "height": CHART_H})
    ws.insert_chart(top, 3, chart, {"x_offset": 10, "y_offset": CHART_H + 20})
    sh.header_row = None
    sh.finish(freeze=False)
    ws.set_column(0, 2, 12)
    ws.set_column(3, 3, 2 * CHART_W / 7 + 6)     # the charts float over column D
    ws.fit_to_pages(1, 1)


CHART_W, CHART_H = 520, 300


def _style_chart(chart, title: str) -> None:
    font = {"name": "宋体", "size": 10}
    chart.set_title({"name": title, "name_font": {"name": "宋体", "size": 12, "bold": True}})
    chart.set_legend({"position": "bottom", "font": font})
    chart.set_x_axis({"num_font": font})
    chart.set_y_axis({"num_font": font, "major_gridlines": {"visible": True}})
    chart.set_size({"width": CHART_W, "height": CHART_H})
