"""Run every engine on the validated month and assemble the MonthResult.

Pay (SPEC §2.9) lives here because it is the one rule that joins all the
others: deductions_total = attendance + violations + learning (the learning
deduction already rounded on its own); performance_pay = max(0, 绩效基数 ×
min(KPI, cap)/100 − deductions_total); what could not be taken is ``uncovered``.
Money stays Decimal until ``results`` is built, where it is rounded half-up
to 0.01 once.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from kehu import __version__
from kehu.compute.attendance import compute_attendance
from kehu.compute.calendar import WorkCalendar
from kehu.compute.callbacks import callback_summary, compute_callbacks
from kehu.compute.churn import churn_warnings
from kehu.compute.handover import handover_list
from kehu.compute.kpi import compute_kpi
from kehu.compute.learning import compute_learning
from kehu.compute.standing import employee_standing
from kehu.compute.violations import compute_violations
from kehu.compute.visits import compute_visits
from kehu.model import MonthInputs, MonthResult
from kehu.numbers import ZERO, cents, money_text, rate
from kehu.roster import assessed_staff, room_of as roster_rooms
from kehu.rules import money
from kehu.schemes import BLEND, default_scope, head_roles, points, scheme_of

@dataclass
class History:
    """What the engines need from the history store (empty frames when there is none);
    ``employees``: the previous month's KPI total and deductions per employee (month over month)."""
    learning_flags: pd.DataFrame
    customer_revenue: pd.DataFrame
    visits: pd.DataFrame
    employees: pd.DataFrame | None = None


def compute_month(inputs: MonthInputs, rules: dict, history: History) -> MonthResult:
    """Every engine on the validated month, and the MonthResult render presents (built once)."""
    f, month = inputs.frames, inputs.month
    calendar = WorkCalendar(f["calendar"], rules)
    calendar.check_month(month)
    staff = assessed_staff(f["staff"], month).sort_values("employee_id").reset_index(drop=True)
    room_of = roster_rooms(f["staff"], inputs.rejected.get("staff"))
    attendance = compute_attendance(f["staff"], f["punches"], f["leave"], month, rules, calendar)
    violations = compute_violations(f["staff"], f["violations"], month, rules)
    learning = compute_learning(f["staff"], f["tests"], month, rules, history.learning_flags)
    visits = compute_visits(f["customers"], f["visits"], month, rules, history.visits)
    callbacks = compute_callbacks(f["customers"], f["visits"], f["callbacks"], month, rules, staff=f["staff"])
    kpi = compute_kpi(staff, f["customers"], f["targets"], month, rules, room_of, callbacks=callbacks, visits=visits)
    people = _employee_table(staff, attendance, violations, learning, visits, callbacks, kpi, rules)
    rooms = _rooms(people, kpi.room_totals, rules, room_of, visits.detail, callbacks.events)
    handover = handover_list(f["staff"], f["customers"], f["visits"], history.visits, month, rules)
    left_out = not_assessed(inputs, set(staff["employee_id"]))
    results = _results_json(month, callbacks.as_of, people, attendance.events, kpi.indicators, rooms,
                            violations.notices, left_out, handover, rules)
    return MonthResult(
        month=month, results=results, staff=staff, customers=f["customers"],
        # the workbooks list violations among the deduction events; results.json keeps them apart (SPEC §6)
        attendance_events=_with_violations(attendance.events, violations.events),
        kpi_indicators=kpi.indicators, visit_detail=visits.detail, visit_rows=_month_rows(f["visits"], month),
        callback_events=callbacks.events, callbacks_month=callbacks.month_rows, notices=violations.notices,
        churn_warnings=churn_warnings(f["customers"], month, rules, history.customer_revenue),
        rooms=rooms, findings=list(inputs.findings), as_of=callbacks.as_of, calendar=calendar, handover=handover,
        not_assessed=left_out, learning_month_flags=learning.month_flags,
        callback_rooms=callback_summary(callbacks.events, callbacks.month_rows, rules,
                                        callbacks.events["manager_id"].map(room_of), callbacks.month_rows["room"]),
        callback_managers=callback_summary(callbacks.events, callbacks.month_rows, rules,
                                           callbacks.events["manager_id"], callbacks.month_rows["manager_id"]),
        member_misses=callbacks.member_misses, dissatisfied=callbacks.dissatisfied, rules=rules,
        standing=employee_standing(results["employees"], history.employees))


def _results_json(month, as_of, people, events, indicators, rooms, notices, left_out, handover, rules) -> dict:
    """What results.json holds (SPEC §6), money rounded here, once."""
    events_of, indicators_of = _rows_by_employee(events), _rows_by_employee(indicators)
    return {
        "month": month.label,
        "kehu_version": __version__,
        "as_of": as_of.isoformat(),
        "employees": [_employee_json(row, events_of.get(row.employee_id, []), indicators_of.get(row.employee_id, []),
                                     rules) for row in people.itertuples(index=False)],
        "rooms": [_room_json(r) for r in rooms.itertuples(index=False)],
        "notices": _notices_json(notices),
        "not_assessed": left_out,
        "handover": _handover_json(handover),
    }


def not_assessed(inputs: MonthInputs, assessed: set) -> list[dict]:
    """People of 员工名册 left out because their row was rejected (``--skip-invalid``; issue 11 /
    SPEC §10.3): id, name, where and why, in file and row order. A rejected second row of an id
    that is assessed (a duplicate) leaves nobody out."""
    rows = inputs.rejected.get("staff")
    if rows is None:
        return []
    reasons: dict[tuple, list[str]] = {}
    for f in inputs.findings:
        if f.dataset == "staff" and f.severity == "error" and f.row:
            reasons.setdefault((f.file, f.sheet, f.row), []).append(f.message)
    out, seen = [], set()
    for r in rows.sort_values(["_file", "_sheet", "_row"], kind="stable").to_dict("records"):
        eid = r["employee_id"] if isinstance(r["employee_id"], str) else None
        if eid is not None and (eid in assessed or eid in seen):
            continue
        seen.add(eid)
        where = (r["_file"], r["_sheet"], int(r["_row"]))
        out.append({"employee_id": eid, "name": r["name"] if isinstance(r["name"], str) else None,
                    "where": f"{where[0]} {where[1]} 第 {where[2]} 行",
                    "reason": "；".join(reasons.get(where, [])) or "该行被拒"})
    return out


def _handover_json(handover: pd.DataFrame) -> list[dict]:
    def day(v):
        return None if pd.isna(v) else f"{v:%Y-%m-%d}"
    return [{"customer_id": h.customer_id, "customer_name": h.customer_name, "customer_class": h.customer_class,
             "manager_id": h.manager_id, "manager_name": h.manager_name, "left_on": day(h.left_on),
             "room": h.room, "last_visit": day(h.last_visit)} for h in handover.itertuples(index=False)]


def _with_violations(events: pd.DataFrame, violation_events: pd.DataFrame) -> pd.DataFrame:
    if violation_events.empty:
        return events
    both = pd.concat([events, violation_events], ignore_index=True)
    return both.sort_values(["employee_id", "date"], kind="stable", ignore_index=True)


def _rows_by_employee(frame: pd.DataFrame) -> dict[str, list]:
    """The frame's rows (named tuples, in frame order) per employee, in one pass over the frame."""
    rows: dict[str, list] = {}
    for row in frame.itertuples(index=False):
        rows.setdefault(row.employee_id, []).append(row)
    return rows


def _month_rows(visits: pd.DataFrame, month) -> pd.DataFrame:
    d = visits["date"]
    return visits[(d >= pd.Timestamp(month.first_day)) & (d <= pd.Timestamp(month.last_day))].reset_index(drop=True)


def _employee_table(staff, attendance, violations, learning, visits, callbacks, kpi, rules) -> pd.DataFrame:
    """One row per assessed employee with every figure of results.json (money still Decimal)."""
    t = staff[["employee_id", "name", "role", "room", "performance_base"]].copy()
    t = t.merge(attendance.summary.rename(columns={"deduction": "attendance_deduction"}), on="employee_id", how="left")
    v = violations.summary.rename(columns={"count": "violation_count", "deduction": "violation_deduction",
                                           "notice": "violation_notice"})
    t = t.merge(v, on="employee_id", how="left")
    lr = learning.per_employee.rename(columns={"deduction": "learning_deduction", "flag": "learning_flag",
                                               "score": "learning_score"})
    t = t.merge(lr, on="employee_id", how="left", indicator="_learning")
    t["has_learning"] = t.pop("_learning").eq("both") & t["role"].isin(rules["learning"]["roles"])
    vis = visits.per_manager.rename(columns={"manager_id": "employee_id", "due": "visits_due",
                                             "compliant": "visits_compliant", "rate": "visit_rate"})
    t = t.merge(vis, on="employee_id", how="left")
    cb = callbacks.per_manager.rename(columns={"manager_id": "employee_id", "events": "cb_events", "on_time": "cb_on_time",
                                               "late": "cb_late", "missing": "cb_missing", "pending": "cb_pending",
                                               "rate": "cb_rate"})
    t = t.merge(cb, on="employee_id", how="left")
    t = t.merge(kpi.totals.rename(columns={"total": "kpi_total"}), on="employee_id", how="left")
    for col in ("late", "early", "absent_days", "missing_punches", "leave_requests", "violation_count",
                "visits_due", "visits_compliant", "cb_events", "cb_on_time", "cb_late", "cb_missing", "cb_pending"):
        t[col] = t[col].fillna(0).astype(int)
    for col in ("attendance_deduction", "violation_deduction", "learning_deduction", "kpi_total"):
        t[col] = t[col].map(lambda v: v if isinstance(v, Decimal) else ZERO)
    # eq(True): a flag the merge left missing is False, without pandas 2's downcasting warning
    t["violation_notice"] = t["violation_notice"].eq(True)
    t["certificate"] = t["certificate"].eq(True) if "certificate" in t else False
    return _pay(t, rules)


def _pay(t: pd.DataFrame, rules: dict) -> pd.DataFrame:
    """SPEC §2.9 (seed 004 客户经理考核制度: 绩效 = 绩效基数 × KPI 得分 − 扣款). A scheme out of other
    than 100 points (``kpi.points``) pays on KPI得分 ÷ points × 100, capped the same way."""
    cap = money(rules["kpi"]["total_cap"])
    t["deductions_total"] = [a + v + cents(lrn) for a, v, lrn in
                             zip(t["attendance_deduction"], t["violation_deduction"], t["learning_deduction"])]
    t["kpi_points"] = [_points(role, rules) for role in t["role"]]
    earned = [Decimal(base) * min(k if p == 100 else k * 100 / Decimal(p), cap) / Decimal(100)
              for base, k, p in zip(t["performance_base"], t["kpi_total"], t["kpi_points"])]
    t["performance_pay"] = [max(ZERO, e - d) for e, d in zip(earned, t["deductions_total"])]
    t["uncovered"] = [max(ZERO, d - e) for e, d in zip(earned, t["deductions_total"])]
    return t


def _points(role: str, rules: dict) -> int:
    scheme = scheme_of(role, rules)
    return points(rules, scheme) if scheme else 100


def _events_json(events: list) -> list[dict]:
    return [{"date": f"{e.date:%Y-%m-%d}", "session": e.session if isinstance(e.session, str) else None,
             "type": e.type, "minutes": None if pd.isna(e.minutes) else int(e.minutes), "amount": money_text(e.amount)}
            for e in events]


def _number(value):
    """A base/target/actual figure for JSON: int when whole, else float; None stays null."""
    if value is None or (not isinstance(value, Decimal) and pd.isna(value)):
        return None
    d = Decimal(value)
    return int(d) if d == d.to_integral_value() else float(d)


def _employee_json(row, mine: list, inds: list, rules: dict) -> dict:
    learning = None
    if row.has_learning:
        learning = {"score": None if pd.isna(row.learning_score) else float(row.learning_score),
                    "flag": row.learning_flag if isinstance(row.learning_flag, str) else None,
                    "deduction": money_text(row.learning_deduction), "certificate": bool(row.certificate)}
    return {
        "employee_id": row.employee_id, "name": row.name, "role": row.role, "room": row.room,
        "attendance": {"late": row.late, "early": row.early, "absent_days": row.absent_days,
                       "missing_punches": row.missing_punches, "leave_requests": row.leave_requests,
                       "deduction": money_text(row.attendance_deduction), "events": _events_json(mine)},
        "violations": {"count": row.violation_count, "deduction": money_text(row.violation_deduction),
                       "notice": bool(row.violation_notice)},
        "learning": learning,
        "visits": {"due": row.visits_due, "compliant": row.visits_compliant, "rate": rate(row.visits_compliant, row.visits_due)},
        "callbacks": {"events": row.cb_events, "on_time": row.cb_on_time, "late": row.cb_late, "missing": row.cb_missing,
                      "pending": row.cb_pending, "rate": rate(row.cb_on_time, row.cb_events - row.cb_pending)},
        "kpi": _kpi_json(row, inds, rules),
        "deductions_total": money_text(row.deductions_total),
        "performance_base": money_text(row.performance_base),
        "performance_pay": money_text(row.performance_pay),
        "uncovered": money_text(row.uncovered),
    }


def _kpi_json(row, inds: list, rules: dict) -> dict:
    """The KPI of one employee; keys beyond today's only where a non-default scheme puts them
    (a scheme out of other than 100 points, an indicator scored on the room or a blend)."""
    out = {"total": money_text(row.kpi_total), "indicators": [_indicator_json(i, row.role, rules) for i in inds]}
    if row.kpi_points != 100:
        out["out_of"] = int(row.kpi_points)
    return out


def _indicator_json(i, role: str, rules: dict) -> dict:
    out = {"code": i.code, "name": i.name, "weight": int(i.weight), "base": _number(i.base),
           "target": _number(i.target), "challenge": _number(i.challenge),
           "actual": _number(i.actual), "score": money_text(i.score)}
    if i.scope != default_scope(scheme_of(role, rules)):
        out["scope"] = i.scope
    if i.scope == BLEND:
        out["own_share"] = float(i.own_share)
        out["room"] = {"base": _number(i.room_base), "target": _number(i.room_target),
                       "challenge": _number(i.room_challenge), "actual": _number(i.room_actual)}
    return out


def _rooms(people: pd.DataFrame, room_totals: pd.DataFrame, rules: dict, room_of: pd.Series,
           visit_detail: pd.DataFrame, callback_events: pd.DataFrame) -> pd.DataFrame:
    """One row per room: its assessed people's pay, and the visits and callbacks of every customer
    whose manager belongs to the room — departed managers' customers included (SPEC §10.3)."""
    rm, acting = head_roles(rules)
    g = people.groupby("room", sort=True)
    pay = pd.DataFrame({
        "managers": g.size(),
        "deductions_total": g["deductions_total"].agg(lambda s: sum(s, ZERO)),
        "performance_pay": g["performance_pay"].agg(lambda s: sum(s, ZERO)),
    })
    rooms = pd.concat([pay, _room_visits(visit_detail, room_of), _room_callbacks(callback_events, room_of)], axis=1)
    names = sorted(set(rooms.index.dropna()) | set(room_totals["room"].dropna()))
    rooms = rooms.reindex(names).rename_axis("room").reset_index()
    for col in ("managers", "visits_due", "visits_compliant", "callback_events", "callbacks_on_time", "callbacks_pending"):
        rooms[col] = rooms[col].fillna(0).astype(int)
    for col in ("deductions_total", "performance_pay"):
        rooms[col] = [v if isinstance(v, Decimal) else ZERO for v in rooms[col]]
    rooms = rooms.merge(_heads(people, rm, "room_manager"), on="room", how="left")
    rooms = rooms.merge(_heads(people, acting, "acting_head"), on="room", how="left")
    vacant = rooms["room_manager_id"].isna() & rooms["acting_head_id"].notna()   # the acting head runs the room
    for col in ("id", "name"):
        rooms[f"room_manager_{col}"] = rooms[f"room_manager_{col}"].astype(object).where(
            ~vacant, rooms[f"acting_head_{col}"]).astype(object)
    rooms = rooms.merge(room_totals, on="room", how="left")
    rooms["visit_rate"] = [rate(c, d) for c, d in zip(rooms["visits_compliant"], rooms["visits_due"])]
    rooms["callback_rate"] = [rate(o, e - p) for o, e, p in
                              zip(rooms["callbacks_on_time"], rooms["callback_events"], rooms["callbacks_pending"])]
    return rooms


def _heads(people: pd.DataFrame, role: str, prefix: str) -> pd.DataFrame:
    """room, <prefix>_id, <prefix>_name of the assessed person of ``role`` in each room (one at most)."""
    heads = people.loc[people["role"].eq(role).to_numpy(), ["room", "employee_id", "name"]].drop_duplicates("room")
    return heads.rename(columns={"employee_id": f"{prefix}_id", "name": f"{prefix}_name"}).astype(object)


def _room_visits(detail: pd.DataFrame, room_of: pd.Series) -> pd.DataFrame:
    """Due and compliant customers per room (SPEC §2.6), by the room of each customer's manager."""
    rooms = detail["manager_id"].map(room_of)
    g = detail.assign(room=rooms).groupby("room", sort=True)["compliant"]
    return pd.DataFrame({"visits_due": g.size(), "visits_compliant": g.sum()})


def _room_callbacks(events: pd.DataFrame, room_of: pd.Series) -> pd.DataFrame:
    """Service events, on time and pending per room (SPEC §2.7), by the visiting manager's room."""
    status = events["status"]
    g = events.assign(room=events["manager_id"].map(room_of), on_time=status.eq("on_time"),
                      pending=status.eq("pending")).groupby("room", sort=True)
    return pd.DataFrame({"callback_events": g.size(), "callbacks_on_time": g["on_time"].sum(),
                         "callbacks_pending": g["pending"].sum()})


def _room_json(r) -> dict:
    def opt(v):
        return None if v is None or (not isinstance(v, (str, Decimal)) and pd.isna(v)) else v
    out = {"room": r.room, "room_manager_id": opt(r.room_manager_id), "managers": int(r.managers),
            "customers": int(opt(r.customers) or 0), "revenue": money_text(opt(r.revenue) or 0),
            "info_revenue": money_text(opt(r.info_revenue) or 0), "member_growth": int(opt(r.member_growth) or 0),
            "churn_rate": None if opt(r.churn_rate) is None else round(float(r.churn_rate), 4),
            "visits": {"due": int(r.visits_due), "compliant": int(r.visits_compliant), "rate": r.visit_rate},
            "callbacks": {"events": int(r.callback_events), "on_time": int(r.callbacks_on_time), "rate": r.callback_rate},
            "deductions_total": money_text(r.deductions_total), "performance_pay": money_text(r.performance_pay)}
    if opt(r.acting_head_id) is not None:                       # a 临时负责人 this month (docs/RULES.md)
        out["acting_head_id"] = r.acting_head_id
    return out


def _notices_json(notices: pd.DataFrame) -> list[dict]:
    return [{"employee_id": n.employee_id, "name": n.name, "room": n.room, "date": f"{n.date:%Y-%m-%d}",
             "kind": n.kind, "note": n.note if isinstance(n.note, str) else None, "amount": money_text(n.amount)}
            for n in notices.sort_values(["date", "employee_id"]).itertuples(index=False)]
