"""客户名册 (customers): class mix A1 5 % … D 25 %, 年用量 / members / revenue inside each class's band
(SPEC §2.10, no W-class-mismatch), owned by 客户经理 (room managers own a few), ~1.5 % 离网 (70 % of
them in the month), 85 % with a 关键人 (phone, birthday), 客户编号 text with leading zeros."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .base import CLASS_MEMBERS, CLASS_SPEND, CUSTOMER_CLASSES, MonthSpec, random_dates
from .names import addresses, company_names, person_names, phones
from .staff import Staff
from .write import Layout, col_bool, col_excel_date, col_int, col_num, col_text


@dataclass
class Customers:
    """The customer frame and the arrays the visits and callbacks draw on (index k = k-th customer)."""
    frame: pd.DataFrame
    ids: np.ndarray              # 客户编号, sorted
    cls: np.ndarray              # 客户级别
    manager_idx: np.ndarray      # index into the staff of the customer's manager
    churn: np.ndarray            # 离网
    churn_in_month: np.ndarray   # (where churn) 离网 in the month, else in the 2 months before

    def __len__(self) -> int:
        return len(self.ids)


def make(rng, M: MonthSpec, staff: Staff, customers: int) -> Customers:
    N, S = customers, len(staff)
    cls_p = np.array([0.05, 0.08, 0.17, 0.20, 0.25, 0.25])
    cls = np.array(CUSTOMER_CLASSES)[rng.choice(6, N, p=cls_p)]
    w = np.where(staff.is_rm, 0.1, 1.0)
    mgr_idx = rng.choice(S, N, p=w / w.sum())
    lo = np.array([CLASS_SPEND[c][0] for c in cls], float)
    hi = np.array([CLASS_SPEND[c][1] for c in cls], float)
    spend = np.round(rng.uniform(lo, hi), -2)
    revenue = np.round(spend / 12 * rng.uniform(0.85, 1.15, N), 2)
    info = np.round(revenue * rng.uniform(0.05, 0.45, N), 2)
    mlo = np.array([CLASS_MEMBERS[c][0] for c in cls])
    mhi = np.array([CLASS_MEMBERS[c][1] for c in cls])
    m_start = rng.integers(mlo, mhi + 1)
    m_end = np.maximum(m_start + rng.integers(-3, 8, N), 0)
    churn = rng.random(N) < 0.015
    churn_in_month = rng.random(N) < 0.7
    churn_date = np.where(churn_in_month, random_dates(rng, M.first, M.last, N),
                          random_dates(rng, M.shift(-2).first, M.shift(-1).last, N))
    revenue = np.where(churn & ~churn_in_month, 0.0, np.where(churn, np.round(revenue * 0.4, 2), revenue))
    info = np.where(churn & ~churn_in_month, 0.0, np.where(churn, np.round(info * 0.4, 2), info))
    m_end = np.where(churn, 0, m_end)
    m_start = np.where(churn & ~churn_in_month, 0, m_start)
    width = max(6, len(str(N)) + 1)
    cust_ids = np.char.zfill(np.char.mod("%d", np.arange(1, N + 1)), width)
    has_kp = rng.random(N) < 0.85
    birthdays = random_dates(rng, dt.date(1962, 1, 1), dt.date(1995, 12, 31), N)
    member = rng.random(N) < np.select([np.isin(cls, ["A1", "A2"]), np.isin(cls, ["B1", "B2"])], [0.8, 0.5], 0.2)
    spend_blank = rng.random(N) < 0.08
    frame = pd.DataFrame({
        "customer_id": cust_ids, "customer_name": company_names(rng, N), "customer_class": cls,
        "manager_id": staff.ids[mgr_idx],
        "key_person": np.where(has_kp, person_names(rng, N), None),
        "key_person_phone": np.where(has_kp, phones(rng, N), None),
        "key_person_birthday": pd.Series(birthdays.astype("datetime64[ns]")).where(has_kp),
        "address": addresses(rng, N), "member": member,
        "members_start": m_start, "members_end": m_end,
        "revenue": revenue, "info_revenue": info,
        "annual_spend": np.where(spend_blank, np.nan, spend),
        "status": np.where(churn, "离网", "在网"),
        "churned_on": pd.Series(churn_date.astype("datetime64[ns]")).where(churn),
    })
    return Customers(frame, cust_ids, cls, mgr_idx, churn, churn_in_month)


def customer_columns(cu, churned_on) -> list:
    """The 客户名册 columns; ``churned_on`` is the 离网日期 column in the form wanted."""
    return [
        ("客户编号", *col_text(cu["customer_id"])), ("客户名称", *col_text(cu["customer_name"])),
        ("客户级别", *col_text(cu["customer_class"])), ("客户经理工号", *col_text(cu["manager_id"])),
        ("关键人", *col_text(cu["key_person"])), ("关键人电话", *col_text(cu["key_person_phone"])),
        ("关键人生日", *col_excel_date(cu["key_person_birthday"])), ("地址", *col_text(cu["address"])),
        ("协议客户", *col_bool(cu["member"])), ("月初成员数", *col_int(cu["members_start"])),
        ("月末成员数", *col_int(cu["members_end"])), ("本月收入", *col_num(cu["revenue"], "money")),
        ("本月信息化收入", *col_num(cu["info_revenue"], "money")),
        ("年用量", *col_num(cu["annual_spend"], "money")), ("状态", *col_text(cu["status"])),
        ("离网日期", *churned_on)]


def files(cu: pd.DataFrame, layout: Layout) -> None:
    layout.add("客户名册", "客户名册", [*customer_columns(cu, col_excel_date(cu["churned_on"]))])
