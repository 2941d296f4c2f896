"""Discipline: the 违纪记录 of the month (SPEC §2.4 违纪).

Seed 004_d812919048b065d8.txt, 一、考勤制度 2、考核办法: (3) 上班期间若私自去逛街、购物、吃饭等
处理自己的事情,发现一次扣200元,并在本片区内通报; (4) 不穿工作服一次,扣50元. The kinds, their
amounts and whether they are notified are the rules' ``[violations.kinds]``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kehu.compute.attendance import EVENT_DETAIL_COLUMNS, decimal_totals
from kehu.month import Month
from kehu.roster import assessed_staff
from kehu.rules import money


@dataclass
class ViolationResult:
    """``summary`` [employee_id, count, deduction, notice] per assessed employee;
    ``notices`` the month's 通报 [employee_id, name, room, date, kind, note, amount];
    ``events`` the occurrences in the attendance-event shape (type "violation", with the
    违纪 ``kind`` and the row's ``note`` — what the manager reads on 考勤明细)."""
    summary: pd.DataFrame
    notices: pd.DataFrame
    events: pd.DataFrame


def compute_violations(staff: pd.DataFrame, violations: pd.DataFrame, month: Month, rules: dict) -> ViolationResult:
    """Each 违纪记录 row is one occurrence: the amount of its kind from ``violations.kinds``;
    kinds with ``notice = true`` (私自外出) also put the employee in the month's 通报."""
    people = assessed_staff(staff, month)
    rows = violation_rows(people, violations, month, rules)
    summary = violation_summary(people, rows)
    notice_rows = rows.loc[rows["notice"].to_numpy(dtype=bool)]
    notices = notice_rows[["employee_id", "name", "room", "date", "kind", "note", "amount"]].reset_index(drop=True)
    return ViolationResult(summary, notices, violation_events(rows))


def violation_events(rows: pd.DataFrame) -> pd.DataFrame:
    """The occurrences as attendance events: no session, minutes or times; the kind and note."""
    n = len(rows)
    blank = pd.Series([None] * n, dtype=object)
    return pd.DataFrame({
        "employee_id": rows["employee_id"].astype(object).to_numpy(), "date": rows["date"].to_numpy(),
        "session": blank, "type": pd.Series(["violation"] * n, dtype=object),
        "minutes": pd.array([pd.NA] * n, dtype="Int64"), "amount": pd.Series(rows["amount"].to_numpy(), dtype=object),
        "scheduled": blank, "punched": blank, "tier": pd.array([pd.NA] * n, dtype="Int64"),
        "kind": pd.Series(rows["kind"].to_numpy(), dtype=object),
        "note": pd.Series([v if isinstance(v, str) and v.strip() else None for v in rows["note"]], dtype=object),
    }, columns=EVENT_DETAIL_COLUMNS)


def violation_rows(people: pd.DataFrame, violations: pd.DataFrame, month: Month, rules: dict) -> pd.DataFrame:
    """Violations of assessed staff inside the month with amount, notice, name and room."""
    kinds = rules["violations"]["kinds"]
    date = pd.to_datetime(violations["date"]).astype("datetime64[ns]")
    inside = (date >= pd.Timestamp(month.first_day)) & (date <= pd.Timestamp(month.last_day))
    rows = violations.loc[(inside & violations["kind"].isin(list(kinds))
                           & violations["employee_id"].isin(people["employee_id"])).to_numpy()].copy()
    rows["date"] = pd.to_datetime(rows["date"]).astype("datetime64[ns]")
    rows["amount"] = pd.Series([money(kinds[k]["amount"]) for k in rows["kind"]], index=rows.index, dtype=object)
    rows["notice"] = [bool(kinds[k]["notice"]) for k in rows["kind"]]
    if "note" not in rows:
        rows["note"] = None
    rows = rows.join(people.set_index("employee_id")[["name", "room"]], on="employee_id")
    return rows.sort_values(["date", "employee_id"], kind="stable")


def violation_summary(people: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """[employee_id, count, deduction, notice] for every assessed employee."""
    ids = people["employee_id"].astype(object).to_numpy()
    codes = pd.Index(ids).get_indexer(rows["employee_id"].astype(object))
    n = len(ids)
    return pd.DataFrame({
        "employee_id": pd.Series(ids, dtype=object),
        "count": np.bincount(codes, minlength=n).astype(np.int64),
        "deduction": pd.Series(decimal_totals(codes, rows["amount"].to_numpy(dtype=object), n), dtype=object),
        "notice": np.bincount(codes[rows["notice"].to_numpy(dtype=bool)], minlength=n) > 0,
    })
