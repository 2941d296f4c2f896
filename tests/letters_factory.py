"""A hand-made MonthResult for the letter tests and bench/letter_check.py.

Follows docs/ARCHITECTURE.md (MonthResult): only the frames the letters read
are filled (staff, customers, callback_events, results.employees); the others
are empty frames.
"""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from kehu.model import MonthResult
from kehu.month import Month

NaT = pd.NaT


def staff_frame(rows=None) -> pd.DataFrame:
    rows = rows if rows is not None else [
        ("1001", "张伟", "客户经理", "一室", "13900001001"),
        ("1002", "李娜", "客户经理", "一室", None),
        ("2001", "王强", "重要室经理", "一室", "13900002001"),
    ]
    frame = pd.DataFrame(rows, columns=["employee_id", "name", "role", "room", "phone"])
    frame["performance_base"] = Decimal("3000")
    frame["hired_on"] = pd.NaT
    frame["left_on"] = pd.NaT
    frame["email"] = None
    return frame


def customer(cid, name, manager_id, key_person=None, phone=None, birthday=None, status="在网",
             member=True, address=None) -> dict:
    return {"customer_id": cid, "customer_name": name, "customer_class": "B1", "manager_id": manager_id,
            "key_person": key_person, "key_person_phone": phone,
            "key_person_birthday": pd.Timestamp(birthday) if birthday else NaT,
            "address": address, "member": member, "members_start": 10, "members_end": 10,
            "revenue": Decimal("1000"), "info_revenue": Decimal("100"), "annual_spend": None,
            "status": status, "churned_on": NaT if status == "在网" else pd.Timestamp("2026-10-20")}


def customers_frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for col in ("key_person_birthday", "churned_on"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


def event(cid, name, manager_id, visit_date, status, failed=0, item="专线故障处理", member=True) -> dict:
    visit = pd.Timestamp(visit_date)
    return {"manager_id": manager_id, "customer_id": cid, "customer_name": name, "member": member,
            "visit_date": visit, "service_item": item, "deadline": visit + pd.Timedelta(days=3),
            "status": status, "callback_date": NaT if status in ("missing", "pending") else visit,
            "result": None if status in ("missing", "pending") else "满意", "failed_attempts": failed}


EVENT_COLUMNS = ["manager_id", "customer_id", "customer_name", "member", "visit_date", "service_item",
                 "deadline", "status", "callback_date", "result", "failed_attempts"]


def employee(eid, name, certificate=False, role="客户经理") -> dict:
    learning = None if role == "重要室经理" else {"score": 95.0, "flag": "best" if certificate else None,
                                                  "deduction": "0.00", "certificate": certificate}
    return {"employee_id": eid, "name": name, "role": role, "room": "一室", "learning": learning}


def make_result(month="2026-10", customers=None, events=None, employees=None, staff=None,
                as_of=None) -> MonthResult:
    month = Month.parse(month)
    empty = pd.DataFrame()
    return MonthResult(
        month=month,
        results={"month": month.label, "employees": employees or []},
        staff=staff if staff is not None else staff_frame(),
        customers=customers_frame(customers or [customer("C9", "空客户", "1001")]),
        attendance_events=empty, kpi_indicators=empty, visit_detail=empty, visit_rows=empty,
        callback_events=pd.DataFrame(events or [], columns=EVENT_COLUMNS),
        callbacks_month=empty, notices=empty, churn_warnings=empty, rooms=empty, findings=[],
        as_of=as_of or month.last_day)


def demo_result() -> MonthResult:
    """December 2026: 回访函 (one of each case), 元旦 greetings, January birthdays, a 奖状 — one of
    each at least."""
    customers = [
        customer("C1001", "华东精密机械制造有限公司", "1001", key_person="赵建国", phone="13800000001",
                 birthday="1970-01-15", address="江苏省南京市江宁区科学园路 88 号"),
        customer("C1002", "<script>alert(1)</script>新城物流", "1001", key_person="钱晓梅",
                 birthday="1980-02-29"),
        customer("C1003", "市第一人民医院", "1002", key_person="孙志强", phone="13800000003"),
        customer("C1004", "欧阳长长长长长长长长长长长长长长长长长长长长长长长长长长长长长科技", "1001",
                 key_person="欧阳长" + "长" * 20, birthday="1975-01-31"),
    ]
    events = [
        event("C1001", "华东精密机械制造有限公司", "1001", "2026-12-03", "missing", item="专线故障处理"),
        event("C1001", "华东精密机械制造有限公司", "1002", "2026-12-14", "pending", failed=1,
              item="集团彩铃开通及话务员培训,现场演示操作流程并留存操作手册"),
        event("C1001", "华东精密机械制造有限公司", "1001", "2026-12-22", "missing", item=None),
        event("C1003", "市第一人民医院", "1002", "2026-12-09", "on_time", item="企信通续约"),
        # one 回访函 of each case (issue 14 item 10): C1001 mixed, C1003 not called, C1002 by letter
        # (no phone on file), C1004 called and not reached
        event("C1003", "市第一人民医院", "1002", "2026-12-16", "missing", item="专线扩容"),
        event("C1002", "<script>alert(1)</script>新城物流", "1001", "2026-12-10", "missing", item="物联网卡开通"),
        event("C1004", "欧阳长长长长长长长长长长长长长长长长长长长长长长长长长长长长长科技", "1001", "2026-12-28",
              "pending", failed=2, item="集团短信平台培训"),
    ]
    employees = [employee("1001", "张伟", certificate=True), employee("1002", "李娜")]
    return make_result("2026-12", customers=customers, events=events, employees=employees)
