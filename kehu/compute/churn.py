"""Churn early warning, 离网预警 (SPEC §2.11).

Policy: seed 004_d812919048b065d8.txt, 客户经理考核制度 — 离网必防 (a manager must watch
for customers about to leave); the threshold and the look-back come from the rules file
``[churn_warning]``: ``drop_percent`` (30) and ``history_months`` (3).

A 在网 customer is listed when its 本月收入 fell by ``drop_percent`` % or more against the
average 本月收入 of the ``history_months`` calendar months before this month, as kept in
the history store (SPEC §4). Decisions:
- all ``history_months`` previous months must be known for the customer; with fewer
  there is no reliable average and no warning (a new customer never warns);
- an average of 0 gives no warning (nothing to fall from);
- the comparison is exact (Decimal): avg 100.00 → 70.00 is a 30% drop and warns,
  70.01 (29.99%) does not; ``previous_average`` and ``drop_percent`` are then rounded
  half-up to 0.01 for display;
- the manager is the customer's current manager (客户名册), not the one in the history;
- order: manager_id, then the largest drop first, then customer_id.
"""
from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from kehu.month import Month
from kehu.numbers import cents
from kehu.schema import ACTIVE

COLUMNS = ["manager_id", "customer_id", "customer_name", "revenue", "previous_average", "drop_percent"]


def previous_months(month: Month, count: int) -> list[str]:
    """Labels of the ``count`` months before ``month``, oldest first."""
    return [month.shift(-n).label for n in range(count, 0, -1)]


def previous_average(history_revenue: pd.DataFrame, month: Month, count: int) -> pd.Series:
    """Average revenue per customer over the ``count`` previous months (Decimal), only for
    customers known in all of them."""
    labels = previous_months(month, count)
    if history_revenue is None or history_revenue.empty:
        return pd.Series(dtype=object)
    rows = history_revenue.loc[history_revenue["month"].astype(object).isin(labels).to_numpy(),
                               ["month", "customer_id", "revenue"]].astype(object)
    rows = rows.loc[rows["revenue"].notna().to_numpy()].drop_duplicates(["month", "customer_id"], keep="last")
    table = rows.pivot(index="customer_id", columns="month", values="revenue")
    table = table.reindex(columns=labels).dropna(axis=0, how="any")
    total = np.zeros(len(table), dtype=object)
    for label in labels:
        total = total + np.array([Decimal(v) for v in table[label].tolist()], dtype=object)
    return pd.Series(total / Decimal(count), index=table.index.astype(object), dtype=object)


def churn_warnings(customers: pd.DataFrame, month: Month, rules: dict,
                   history_revenue: pd.DataFrame | None) -> pd.DataFrame:
    """离网预警 per manager (seed 004 离网必防; SPEC §2.11)."""
    policy = rules["churn_warning"]
    average = previous_average(history_revenue, month, int(policy["history_months"]))
    active = customers.loc[customers["status"].astype(object).eq(ACTIVE).to_numpy(),
                           ["manager_id", "customer_id", "customer_name", "revenue"]].astype(object)
    active = active.loc[active["customer_id"].isin(average.index).to_numpy()]
    active["previous_average"] = active["customer_id"].map(average).astype(object)
    warn = _fell(active, Decimal(str(policy["drop_percent"])))
    out = active.loc[warn].copy()
    out["drop_percent"] = [_drop(r, a) for r, a in zip(out["revenue"], out["previous_average"])]
    return _presented(out)


def _fell(active: pd.DataFrame, threshold: Decimal) -> np.ndarray:
    """(average − revenue) ≥ threshold% of average, average > 0 — exact, as revenue ≤ average·(1 − t/100)."""
    limit = Decimal(1) - threshold / Decimal(100)
    return np.array([a > 0 and r is not None and Decimal(r) <= a * limit
                     for r, a in zip(active["revenue"], active["previous_average"])], dtype=bool)


def _drop(revenue, average: Decimal) -> Decimal:
    return ((average - Decimal(revenue)) * 100 / average)


def _presented(out: pd.DataFrame) -> pd.DataFrame:
    out = out.assign(sort_drop=[-float(d) for d in out["drop_percent"]])
    out = out.sort_values(["manager_id", "sort_drop", "customer_id"], kind="stable", ignore_index=True)
    out["previous_average"] = pd.Series([cents(v) for v in out["previous_average"]], dtype=object)
    out["drop_percent"] = pd.Series([cents(v) for v in out["drop_percent"]], dtype=object)
    return out.reindex(columns=COLUMNS).astype({c: object for c in COLUMNS})
