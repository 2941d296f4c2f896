"""A small but realistic synthetic MonthResult, exactly per docs/ARCHITECTURE.md.

Used by the render tests (and bench/) while the compute engines are built in
parallel. Every number is derived from the frames built here, so the totals in
``results`` agree with the detail frames the way the real assemble step must:

- KPI score per indicator by SPEC §2.8, total = Σ rounded scores;
- attendance deduction = Σ amounts of non-violation events, violations = Σ violation events;
- pay = max(0, base × min(total, 100) / 100 − deductions), uncovered = the rest (§2.9).

Default month 2026-10, two rooms, six staff (two 重要室经理). Hostile names on
purpose: customers ``=HYPERLINK("http://x","y")``, ``+8613800000000`` and
``../<script>alert(1)</script>``; staff ``CON`` and ``../<script>孙丽``.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd

from kehu.findings import Finding
from kehu.compute.callbacks import callback_summary, dissatisfied, member_misses
from kehu.model import MonthResult
from kehu.rules import load_rules
from kehu.month import Month

HYPERLINK_NAME = '=HYPERLINK("http://x","y")'
PHONE_NAME = "+8613800000000"
SCRIPT_NAME = "../<script>alert(1)</script>"
CM, ICM, RM = "客户经理", "行业客户经理", "重要室经理"
CENT = Decimal("0.01")

CM_SCHEME = [("group_revenue", "集团收入", 30), ("info_revenue", "信息化收入", 25),
             ("member_growth", "成员净增", 15), ("industry_products", "行业产品", 15),
             ("retention", "保有", 15)]
RM_SCHEME = [("group_revenue", "集团收入", 30), ("info_revenue", "信息化收入", 20),
             ("member_growth", "成员净增", 10), ("industry_products", "行业产品", 15),
             ("retention", "保有", 10), ("other_group", "其他集团指标", 10), ("qixintong", "企信通", 5)]
CLASS_RULES = {"A1": (2, 1), "A2": (2, 1), "B1": (1, 1), "B2": (1, 1), "C": (1, 2), "D": (1, 3)}

# (工号, 姓名, 岗位, 所属室, 绩效基数)
SMALL_STAFF = [
    ("1001", "王建国", RM, "一室", "8000"),
    ("1002", "李娜", CM, "一室", "5000"),
    ("1003", "CON", ICM, "一室", "5000"),
    ("2001", "赵敏", RM, "二室", "8000"),
    ("2002", "../<script>孙丽", CM, "二室", "5000"),
    ("2003", "周杰", CM, "二室", "4500"),
]
# (客户编号, 名称, 级别, 经理, 协议客户, 月初, 月末, 收入, 信息化收入, 状态, 离网日期)
SMALL_CUSTOMERS = [
    ("K1001", "一室直管客户有限公司", "A1", "1001", True, 120, 126, "52000.00", "8000.00", "在网", None),
    ("K1002", HYPERLINK_NAME, "A2", "1002", True, 80, 82, "23500.50", "3100.00", "在网", None),
    ("K1003", "华东电力集团股份有限公司江苏分公司", "B1", "1002", False, 40, 39, "6800.00", "900.00", "在网", None),
    ("K1004", PHONE_NAME, "B2", "1003", False, 15, 18, "2300.00", "450.00", "在网", None),
    ("K1005", "远航物流", "C", "1003", False, 10, 10, "1200.00", "0.00", "在网", None),
    ("K2001", "二室直管客户", "D", "2001", False, 8, 8, "900.00", "100.00", "在网", None),
    ("K2002", SCRIPT_NAME, "A1", "2002", True, 200, 210, "61000.00", "12000.00", "在网", None),
    ("K2003", "星河科技", "B1", "2002", False, 30, 0, "0.00", "0.00", "离网", date(2026, 10, 15)),
    ("K2004", "蓝天食品", "C", "2003", False, 12, 11, "1500.00", "200.00", "在网", None),
    ("K2005", "绿洲农业", "A2", "2003", True, 60, 64, "18000.00", "2500.00", "在网", None),
]


def q(x) -> Decimal:
    return Decimal(x).quantize(CENT, ROUND_HALF_UP)


def make_result(tmp_path: Path | None = None, *, rooms: int | None = None,
                managers_per_room: int = 3, customers_per_manager: int = 3,
                month: Month = Month(2026, 10)) -> MonthResult:
    """The small hostile-names month by default; ``rooms=N`` builds a generic
    month of N rooms × ``managers_per_room`` staff (one 重要室经理 each) for benchmarks.
    ``tmp_path`` is accepted for pytest symmetry and not written to."""
    if rooms is None:
        staff_rows, customer_rows = SMALL_STAFF, SMALL_CUSTOMERS
    else:
        staff_rows, customer_rows = _generic(rooms, managers_per_room, customers_per_manager)
    return _build(month, staff_rows, customer_rows)


def _generic(rooms: int, per_room: int, per_manager: int):
    staff, customers = [], []
    classes = list(CLASS_RULES)
    for r in range(rooms):
        for m in range(per_room):
            emp = f"{r + 1:03d}{m + 1:02d}"
            role = RM if m == 0 else (ICM if m % 4 == 3 else CM)
            staff.append((emp, f"员工{r + 1}-{m + 1}", role, f"第{r + 1}室", "5000" if m else "8000"))
            for k in range(per_manager):
                n = (r * per_room + m) * per_manager + k
                customers.append((f"K{emp}{k}", f"客户{n}有限公司", classes[n % 6], emp, n % 5 == 0,
                                  20 + n % 30, 20 + n % 30 + (n % 7) - 2, f"{5000 + n % 9000}.00",
                                  f"{500 + n % 700}.00", "在网", None))
    return staff, customers


def _build(month: Month, staff_rows, customer_rows) -> MonthResult:
    staff = pd.DataFrame([{
        "employee_id": e, "name": n, "role": r, "room": room, "performance_base": Decimal(b),
        "hired_on": pd.Timestamp("2020-03-01"), "left_on": pd.NaT,
        "email": f"{e}@example.cn", "phone": f"1390000{e[-4:]:0>4}"} for e, n, r, room, b in staff_rows])
    customers = pd.DataFrame([{
        "customer_id": c, "customer_name": n, "customer_class": k, "manager_id": m,
        "key_person": "联系人", "key_person_phone": "13800000000", "key_person_birthday": pd.NaT,
        "address": "南京市", "member": mem, "members_start": s, "members_end": e,
        "revenue": Decimal(rv), "info_revenue": Decimal(iv), "annual_spend": None,
        "status": st, "churned_on": pd.Timestamp(ch) if ch else pd.NaT,
        "_file": "客户名册.xlsx", "_sheet": "客户名册", "_row": i + 2}
        for i, (c, n, k, m, mem, s, e, rv, iv, st, ch) in enumerate(customer_rows)])
    customers["members_start"] = customers["members_start"].astype("int64")
    customers["members_end"] = customers["members_end"].astype("int64")
    room_of = dict(zip(staff.employee_id, staff.room))

    events = _attendance(month, staff)
    visit_detail, visit_rows = _visits(month, customers)
    cb_events, cb_month = _callbacks(month, customers, visit_rows, room_of)
    kpi = _kpi(staff, customers)
    learning = _learning(staff)
    notices = _notices(events, staff)
    churn = _churn(customers)
    findings = _findings(staff, customers)
    employees = _employees(month, staff, events, kpi, learning, visit_detail, cb_events)
    rooms = _rooms(staff, customers, visit_detail, cb_events, employees)
    as_of = month.last_day + timedelta(days=3)
    results = {"month": month.label, "kehu_version": "test", "as_of": as_of.isoformat(),
               "employees": employees,
               "rooms": [{k: (v if not isinstance(v, Decimal) else f"{v:.2f}") for k, v in r.items()}
                         for r in rooms.to_dict("records")],
               "notices": [{"employee_id": n["employee_id"], "date": n["date"].date().isoformat(),
                            "kind": n["kind"], "amount": f"{n['amount']:.2f}"} for n in notices.to_dict("records")]}
    rules = load_rules()
    rooms_by_id = pd.Series(room_of, dtype=object)
    return MonthResult(month=month, results=results, staff=staff, customers=customers,
                       attendance_events=events, kpi_indicators=kpi, visit_detail=visit_detail,
                       visit_rows=visit_rows, callback_events=cb_events, callbacks_month=cb_month,
                       notices=notices, churn_warnings=churn, rooms=rooms, findings=findings,
                       as_of=as_of, calendar=None, rules=rules,
                       # what compute hands render about callbacks (kehu.compute.callbacks)
                       callback_rooms=callback_summary(cb_events, cb_month, rules, cb_events["manager_id"].map(rooms_by_id),
                                                       cb_month["room"]),
                       callback_managers=callback_summary(cb_events, cb_month, rules, cb_events["manager_id"],
                                                          cb_month["manager_id"]),
                       member_misses=member_misses(cb_events), dissatisfied=dissatisfied(cb_month, rules))


def _day(month: Month, d: int) -> pd.Timestamp:
    return pd.Timestamp(month.year, month.month, min(d, month.last_day.day))


def _attendance(month: Month, staff: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for i, e in enumerate(staff.employee_id):
        pattern = i % 6
        if pattern == 1:      # 12 min late, one absent day, a missing punch
            rows += [(e, _day(month, 9), "AM", "late", 12, "50"), (e, _day(month, 14), "DAY", "absent", None, "100"),
                     (e, _day(month, 20), "PM", "missing_punch", None, "0")]
        elif pattern == 2:    # 45 min early
            rows += [(e, _day(month, 16), "PM", "early", 45, "100")]
        elif pattern == 4:    # 私自外出 (通报) + more than 3 leave requests
            rows += [(e, _day(month, 21), None, "violation", None, "200"),
                     (e, _day(month, 31), None, "leave_limit", None, "100"),
                     (e, _day(month, 22), "AM", "late", 75, "200")]
        elif pattern == 5:    # 未穿工作服
            rows += [(e, _day(month, 13), None, "violation", None, "50")]
    frame = pd.DataFrame(rows, columns=["employee_id", "date", "session", "type", "minutes", "amount"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["minutes"] = frame["minutes"].astype("Int64")
    frame["amount"] = [Decimal(a) for a in frame["amount"]]
    frame["session"] = frame["session"].astype(object).where(frame["session"].notna(), None)
    return frame


def _visits(month: Month, customers: pd.DataFrame):
    detail, rows = [], []
    for i, c in enumerate(customers.to_dict("records")):
        required, cycle = CLASS_RULES[c["customer_class"]]
        churned_before = pd.notna(c["churned_on"]) and c["churned_on"].date() < month.first_day
        n_visits = i % 3                                     # 0, 1, 2 on-site visits this month
        for v in range(n_visits):
            rows.append({"date": _day(month, 5 + 9 * v + i % 4), "manager_id": c["manager_id"],
                         "customer_id": c["customer_id"], "method": "上门", "start_time": "10:00",
                         "end_time": "11:00", "service_item": "业务走访" if v else "资费方案讲解",
                         "problem_solved": v == 1, "customer_signed": False, "callback_required": True,
                         "_file": "出访登记.xlsx", "_sheet": "出访登记", "_row": len(rows) + 2})
        if churned_before or month.month % cycle:
            continue
        detail.append({"customer_id": c["customer_id"], "customer_name": c["customer_name"],
                       "customer_class": c["customer_class"], "manager_id": c["manager_id"],
                       "required": required, "cycle_months": cycle,
                       "window_start": pd.Timestamp(month.shift(1 - cycle).first_day),
                       "visits_in_window": n_visits, "compliant": n_visits >= required})
    cols = ["customer_id", "customer_name", "customer_class", "manager_id", "required", "cycle_months",
            "window_start", "visits_in_window", "compliant"]
    vd = pd.DataFrame(detail, columns=cols)
    for k in ("required", "cycle_months", "visits_in_window"):
        vd[k] = vd[k].astype("int64")
    vd["window_start"] = pd.to_datetime(vd["window_start"])
    vd["compliant"] = vd["compliant"].astype(bool)
    vr = pd.DataFrame(rows, columns=["date", "manager_id", "customer_id", "method", "start_time", "end_time",
                                     "service_item", "problem_solved", "customer_signed", "callback_required",
                                     "_file", "_sheet", "_row"])
    vr["date"] = pd.to_datetime(vr["date"])
    return vd, vr


STATUSES = ["on_time", "missing", "late", "on_time", "pending", "on_time"]
RESULTS = ["满意", "满意", "一般", "不满意", "满意", "未接通"]


def _callbacks(month: Month, customers: pd.DataFrame, visit_rows: pd.DataFrame, room_of: dict):
    names = dict(zip(customers.customer_id, customers.customer_name))
    members = dict(zip(customers.customer_id, customers.member))
    ev, cbs = [], []
    for i, v in enumerate(visit_rows.to_dict("records")):
        status = STATUSES[i % len(STATUSES)]
        deadline = v["date"] + pd.Timedelta(days=3)
        cb_date, result, failed = pd.NaT, None, 0
        if status == "on_time":
            cb_date, result = v["date"] + pd.Timedelta(days=1 + i % 3), RESULTS[i % 5]
        elif status == "late":
            cb_date, result = v["date"] + pd.Timedelta(days=6), "一般"
        elif status == "missing":
            failed = 1
            cbs.append({"date": v["date"] + pd.Timedelta(days=1), "customer_id": v["customer_id"],
                        "customer_name": names[v["customer_id"]],
                        "manager_id": v["manager_id"], "room": room_of[v["manager_id"]], "method": "电话",
                        "result": "未接通", "comment": None})
        if pd.notna(cb_date):
            cbs.append({"date": cb_date, "customer_id": v["customer_id"], "customer_name": names[v["customer_id"]],
                        "manager_id": v["manager_id"],
                        "room": room_of[v["manager_id"]], "method": "电话", "result": result,
                        "comment": "=1+1 请尽快处理" if result == "不满意" else None})
        ev.append({"manager_id": v["manager_id"], "customer_id": v["customer_id"],
                   "customer_name": names[v["customer_id"]], "member": bool(members[v["customer_id"]]),
                   "visit_date": v["date"], "service_item": v["service_item"], "deadline": deadline,
                   "status": status, "callback_date": cb_date, "result": result, "failed_attempts": failed})
    ce = pd.DataFrame(ev, columns=["manager_id", "customer_id", "customer_name", "member", "visit_date",
                                   "service_item", "deadline", "status", "callback_date", "result",
                                   "failed_attempts"])
    for k in ("visit_date", "deadline", "callback_date"):
        ce[k] = pd.to_datetime(ce[k])
    ce["failed_attempts"] = ce["failed_attempts"].astype("int64")
    cm = pd.DataFrame(cbs, columns=["date", "customer_id", "customer_name", "manager_id", "room", "method", "result",
                                    "comment"])
    cm["date"] = pd.to_datetime(cm["date"])
    return ce, cm


def _target_score(weight: int, b: Decimal, t: Decimal, a: Decimal) -> Decimal:
    if a >= t:
        s = Decimal(weight)
    elif a >= b:
        s = Decimal(weight) * Decimal("0.9")
    else:
        s = Decimal(weight) * Decimal("0.9") * a / b if b > 0 else Decimal(0)
    return q(max(s, Decimal(0)))


def _kpi(staff: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for i, s in enumerate(staff.to_dict("records")):
        is_rm = s["role"] == RM
        if is_rm:
            mine = customers[customers.manager_id.isin(staff.employee_id[staff.room == s["room"]])]
        else:
            mine = customers[customers.manager_id == s["employee_id"]]
        actual = {"group_revenue": sum(mine.revenue, Decimal(0)),
                  "info_revenue": sum(mine.info_revenue, Decimal(0)),
                  "member_growth": Decimal(int((mine.members_end - mine.members_start).sum())),
                  "industry_products": Decimal(3 + i % 4), "other_group": Decimal(2 + i % 3),
                  "qixintong": Decimal(i % 2 * 5)}
        for k, (code, name, weight) in enumerate(RM_SCHEME if is_rm else CM_SCHEME):
            if code == "retention":
                base_n = int((mine.status == "在网").sum() + (mine.status == "离网").sum())
                churned = int((mine.status == "离网").sum())
                rate = q(Decimal(churned) * 100 / base_n) if base_n else Decimal(0)
                score = q(min(max(weight + (Decimal("2.0") - rate) * 5, 0), weight + 5)) if base_n else q(weight)
                rows.append((s["employee_id"], code, name, weight, None, None, None, rate, score, False))
                continue
            a = actual[code]
            scale = [Decimal("0.8"), Decimal("1.0"), Decimal("1.2")][(i + k) % 3]
            t = q(a * scale) if a > 0 else Decimal("10.00")
            b = q(t * Decimal("0.9"))
            c = q(t * Decimal("1.2"))
            rows.append((s["employee_id"], code, name, weight, b, t, c, a, _target_score(weight, b, t, a), False))
    frame = pd.DataFrame(rows, columns=["employee_id", "code", "name", "weight", "base", "target", "challenge",
                                        "actual", "score", "missing_target"])
    frame["weight"] = frame["weight"].astype("int64")
    frame["missing_target"] = frame["missing_target"].astype(bool)
    return frame


def _learning(staff: pd.DataFrame) -> dict:
    out = {}
    for i, s in enumerate(staff.to_dict("records")):
        if s["role"] == RM:
            out[s["employee_id"]] = None
            continue
        pattern = i % 6
        score = None if pattern == 3 else float(60 + (i * 7) % 40)
        flag = "best" if pattern == 1 else ("worst" if pattern == 5 else None)
        deduction = q(s["performance_base"] * Decimal("0.10")) if flag == "worst" else Decimal(0)
        out[s["employee_id"]] = {"score": score, "flag": flag, "deduction": f"{deduction:.2f}",
                                 "certificate": flag == "best"}
    return out


def _notices(events: pd.DataFrame, staff: pd.DataFrame) -> pd.DataFrame:
    v = events[(events.type == "violation") & (events.amount == Decimal(200))]
    info = staff.set_index("employee_id")
    rows = [{"employee_id": e, "name": info.at[e, "name"], "room": info.at[e, "room"], "date": d,
             "kind": "私自外出", "note": "上班期间私自外出购物", "amount": a}
            for e, d, a in zip(v.employee_id, v.date, v.amount)]
    frame = pd.DataFrame(rows, columns=["employee_id", "name", "room", "date", "kind", "note", "amount"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def _churn(customers: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for i, c in enumerate(customers[customers.status == "在网"].to_dict("records")):
        if i % 4 == 2:
            prev = q(c["revenue"] * Decimal("1.6") + 100)
            drop = float(((prev - c["revenue"]) * 100 / prev).quantize(Decimal("0.1")))
            rows.append({"manager_id": c["manager_id"], "customer_id": c["customer_id"],
                         "customer_name": c["customer_name"], "revenue": c["revenue"],
                         "previous_average": prev, "drop_percent": drop})
    return pd.DataFrame(rows, columns=["manager_id", "customer_id", "customer_name", "revenue",
                                       "previous_average", "drop_percent"])


def _findings(staff: pd.DataFrame, customers: pd.DataFrame) -> list:
    out = [Finding("warning", "W-duplicate-row", "重复的行,已只使用一次", file="打卡记录.xlsx",
                   sheet="打卡记录", row=7, column="工号", letter="A", value="", dataset="punches")]
    for i, e in enumerate(staff.employee_id):
        if i % 2 == 1:
            cid = customers.customer_id[customers.manager_id == e]
            value = cid.iloc[0] if len(cid) else ""
            out.append(Finding("warning", "W-visit-unsigned",
                               "解决问题=是 的出访需要客户签名(客户签名应为 是,实际为 否)",
                               file="出访登记.xlsx", sheet="出访登记", row=10 + i, column="客户签名",
                               letter="I", value=value, dataset="visits", employee_id=e))
    return out


def _money(x: Decimal) -> str:
    return f"{q(x):.2f}"


def _employees(month, staff, events, kpi, learning, visit_detail, cb_events) -> list[dict]:
    out = []
    for s in staff.to_dict("records"):
        e = s["employee_id"]
        ev = events[events.employee_id == e]
        att = ev[ev.type != "violation"]
        vio = ev[ev.type == "violation"]
        att_ded = sum(att.amount, Decimal(0))
        vio_ded = sum(vio.amount, Decimal(0))
        learn = learning[e]
        learn_ded = Decimal(learn["deduction"]) if learn else Decimal(0)
        k = kpi[kpi.employee_id == e]
        total = sum(k.score, Decimal(0))
        deductions = att_ded + vio_ded + learn_ded
        gross = q(s["performance_base"] * min(total, Decimal(100)) / 100)
        pay = max(Decimal(0), gross - deductions)
        uncovered = max(Decimal(0), deductions - gross)
        vd = visit_detail[visit_detail.manager_id == e]
        due, ok = len(vd), int(vd.compliant.sum())
        ce = cb_events[cb_events.manager_id == e]
        counts = {st: int((ce.status == st).sum()) for st in ("on_time", "late", "missing", "pending")}
        denom = len(ce) - counts["pending"]
        out.append({
            "employee_id": e, "name": s["name"], "role": s["role"], "room": s["room"],
            "attendance": {
                "late": int((att.type == "late").sum()), "early": int((att.type == "early").sum()),
                "absent_days": int((att.type == "absent").sum()),
                "missing_punches": int((att.type == "missing_punch").sum()),
                "leave_requests": 4 if (att.type == "leave_limit").any() else 1,
                "deduction": _money(att_ded),
                "events": [{"date": r["date"].date().isoformat(), "session": r["session"], "type": r["type"],
                            "minutes": None if pd.isna(r["minutes"]) else int(r["minutes"]),
                            "amount": _money(r["amount"])} for r in att.to_dict("records")]},
            "violations": {"count": len(vio), "deduction": _money(vio_ded),
                           "notice": bool((vio.amount == Decimal(200)).any())},
            "learning": learn,
            "visits": {"due": due, "compliant": ok, "rate": round(ok / due, 4) if due else None},
            "callbacks": {"events": len(ce), **counts,
                          "rate": round(counts["on_time"] / denom, 4) if denom else None},
            "kpi": {"total": _money(total), "indicators": [
                {"code": r["code"], "base": None if r["base"] is None else str(r["base"]),
                 "target": None if r["target"] is None else str(r["target"]),
                 "challenge": None if r["challenge"] is None else str(r["challenge"]),
                 "actual": None if r["actual"] is None else str(r["actual"]),
                 "score": _money(r["score"])} for r in k.to_dict("records")]},
            "deductions_total": _money(deductions), "performance_base": _money(s["performance_base"]),
            "performance_pay": _money(pay), "uncovered": _money(uncovered)})
    return out


def _rooms(staff, customers, visit_detail, cb_events, employees) -> pd.DataFrame:
    by_emp = {e["employee_id"]: e for e in employees}
    rows = []
    for room, members in staff.groupby("room", sort=True):
        ids = set(members.employee_id)
        rm = members[members.role == RM]
        cu = customers[customers.manager_id.isin(ids)]
        month_churn = int((cu.status == "离网").sum())
        base_n = len(cu)
        vd = visit_detail[visit_detail.manager_id.isin(ids)]
        ce = cb_events[cb_events.manager_id.isin(ids)]
        on_time = int((ce.status == "on_time").sum())
        denom = len(ce) - int((ce.status == "pending").sum())
        rows.append({
            "room": room, "room_manager_id": rm.employee_id.iloc[0] if len(rm) else None,
            "room_manager_name": rm.name.iloc[0] if len(rm) else None,
            "managers": int((members.role != RM).sum()), "customers": len(cu),
            "revenue": sum(cu.revenue, Decimal(0)), "info_revenue": sum(cu.info_revenue, Decimal(0)),
            "member_growth": int((cu.members_end - cu.members_start).sum()), "churned": month_churn,
            "base_customers": base_n,
            "churn_rate": round(month_churn * 100 / base_n, 4) if base_n else None,
            "visits_due": len(vd), "visits_compliant": int(vd.compliant.sum()),
            "visit_rate": round(int(vd.compliant.sum()) / len(vd), 4) if len(vd) else None,
            "callback_events": len(ce), "callbacks_on_time": on_time,
            "callback_rate": round(on_time / denom, 4) if denom else None,
            "deductions_total": sum((Decimal(by_emp[e]["deductions_total"]) for e in ids), Decimal(0)),
            "performance_pay": sum((Decimal(by_emp[e]["performance_pay"]) for e in ids), Decimal(0))})
    return pd.DataFrame(rows)
