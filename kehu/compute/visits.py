"""Visit compliance (SPEC §2.6).

Policy: seed 000_b0d088c6ff038fee.txt, 二、职责内容 2、集团客户服务工作 1) — "集团日常走访按照
a/b/cd 集团客户分类, 客户经理分层分级开展日常拜访活动。通过上门走访, 了解客户需求 …";
seed 004 出访登记 (每次出访都要登记). The required 上门 count and the cycle of each class
come from the rules file (``[visits]``: ``counted_method``, ``classes.<class>.required``
and ``.cycle_months``).

A customer is *due* this month when it was not churned before the month's first day and
its cycle ends this month (``month % cycle == 0``); it is *compliant* when the window of
the last ``cycle`` months, this month included, holds at least ``required`` counted
visits to it, by anyone.

Visits are the input 出访登记 rows (which may hold earlier months) together with the
history store's visits: a visit known to both counts once, two real visits on one day
twice (``counted_visits``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kehu.month import Month
from kehu.numbers import rates
from kehu.schema import CHURNED

DETAIL_COLUMNS = ["customer_id", "customer_name", "customer_class", "manager_id", "required",
                  "cycle_months", "window_start", "visits_in_window", "compliant"]
PER_MANAGER_COLUMNS = ["manager_id", "due", "compliant", "rate"]
VISIT_KEY = ["date", "manager_id", "customer_id", "method"]


@dataclass
class VisitResult:
    """``detail``: one row per customer due this month (DETAIL_COLUMNS), sorted by manager
    and customer; ``per_manager``: one row per manager with due customers
    (PER_MANAGER_COLUMNS; ``rate`` is a float, None only when ``due`` is 0)."""
    detail: pd.DataFrame
    per_manager: pd.DataFrame


# ---------------------------------------------------------------------------
# Who is due

def class_policy(rules: dict) -> pd.DataFrame:
    """The rules' visit policy as a frame: customer_class, required, cycle_months."""
    classes = rules["visits"]["classes"]
    return pd.DataFrame({
        "customer_class": pd.Series(list(classes), dtype=object),
        "required": pd.Series([int(c["required"]) for c in classes.values()], dtype=np.int64),
        "cycle_months": pd.Series([int(c["cycle_months"]) for c in classes.values()], dtype=np.int64),
    })


def churned_before(customers: pd.DataFrame, month: Month) -> pd.Series:
    """Customers churned before the month's first day: 状态 离网 with a 离网日期 earlier than
    the first day (a 离网 row without a date — rejected by validation — counts as churned
    long ago). A 在网 customer is never churned, whatever its 离网日期 says."""
    churned_on = pd.to_datetime(customers["churned_on"])
    gone = customers["status"].astype(object).eq(CHURNED).to_numpy()
    early = (churned_on.isna() | (churned_on < pd.Timestamp(month.first_day))).to_numpy()
    return pd.Series(gone & early, index=customers.index)


def due_customers(customers: pd.DataFrame, month: Month, rules: dict) -> pd.DataFrame:
    """Customers due this month (seed 000 分层分级拜访; SPEC §2.6) with their policy and
    ``window_start`` (first day of the month ``cycle_months − 1`` months back). Customers
    of a class the rules do not list are never due."""
    base = customers.loc[~churned_before(customers, month).to_numpy(),
                         ["customer_id", "customer_name", "customer_class", "manager_id"]]
    due = base.astype(object).merge(class_policy(rules), on="customer_class", how="inner")
    due = due.loc[(month.month % due["cycle_months"]) == 0].copy()
    starts = {n: pd.Timestamp(month.shift(1 - n).first_day) for n in due["cycle_months"].unique()}
    due["window_start"] = due["cycle_months"].map(starts).astype("datetime64[ns]")
    return due.reset_index(drop=True)


# ---------------------------------------------------------------------------
# Which visits count

def counted_visits(visits: pd.DataFrame, history_visits: pd.DataFrame | None, month: Month,
                   rules: dict) -> pd.DataFrame:
    """The counted-method (上门) visits up to the month's last day from the input and the
    history store (SPEC §2.6, §4). A visit known to both counts once, and two real visits on
    one day count twice (SPEC §1: only rows equal in every cell are duplicates, and those the
    validation already took out): per (date, manager_id, customer_id, method), the larger of
    the input's and the store's counts."""
    frames = [_counted(_visit_keys(visits), month, rules)]
    if history_visits is not None and len(history_visits):
        frames.append(_counted(_visit_keys(history_visits), month, rules))
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    counts = pd.concat([f.groupby(VISIT_KEY, sort=False).size() for f in frames], axis=1).max(axis=1)
    keys = counts.index.repeat(counts.astype(np.int64).to_numpy())
    return keys.to_frame(index=False)


def _counted(keys: pd.DataFrame, month: Month, rules: dict) -> pd.DataFrame:
    keep = keys["method"].eq(rules["visits"]["counted_method"]) & (keys["date"] <= pd.Timestamp(month.last_day))
    return keys.loc[keep.to_numpy()]


def _visit_keys(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({
        "date": pd.to_datetime(frame["date"]).astype("datetime64[ns]").dt.normalize(),
        "manager_id": frame["manager_id"].astype(object),
        "customer_id": frame["customer_id"].astype(object),
        "method": frame["method"].astype(object),
    })
    return out.loc[out["date"].notna().to_numpy() & out["customer_id"].notna().to_numpy()]


def visits_in_window(due: pd.DataFrame, counted: pd.DataFrame) -> pd.Series:
    """Per due customer, counted visits dated window_start … month end (by anyone)."""
    if due.empty:
        return pd.Series(dtype=np.int64, index=due.index)
    start = counted["customer_id"].map(due.set_index("customer_id")["window_start"])
    inside = counted.loc[(counted["date"] >= start).to_numpy()]
    counts = inside["customer_id"].value_counts()
    return due["customer_id"].map(counts).fillna(0).astype(np.int64)


# ---------------------------------------------------------------------------
# The engine

def compute_visits(customers: pd.DataFrame, visits: pd.DataFrame, month: Month, rules: dict,
                   history_visits: pd.DataFrame | None = None) -> VisitResult:
    """Visit compliance of ``month`` per due customer and per manager (SPEC §2.6)."""
    due = due_customers(customers, month, rules)
    due["visits_in_window"] = visits_in_window(due, counted_visits(visits, history_visits, month, rules))
    due["compliant"] = (due["visits_in_window"] >= due["required"]).astype(bool)
    detail = due.sort_values(["manager_id", "customer_id"], kind="stable", ignore_index=True)
    return VisitResult(detail[DETAIL_COLUMNS], manager_rates(detail))


def manager_rates(detail: pd.DataFrame) -> pd.DataFrame:
    """due / compliant / rate per manager with due customers (SPEC §2.6 合规率)."""
    grouped = detail.groupby("manager_id", sort=True)["compliant"]
    per = pd.DataFrame({"due": grouped.size(), "compliant": grouped.sum()}).reset_index()
    per["manager_id"] = per["manager_id"].astype(object)
    per = per.astype({"due": np.int64, "compliant": np.int64})
    per["rate"] = rates(per["compliant"], per["due"])
    return per[PER_MANAGER_COLUMNS]
