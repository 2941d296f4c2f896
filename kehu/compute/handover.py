"""Customers to hand over: those whose 客户经理 has left (SPEC §10.3).

Seed 002 第14条 (客户经理变更): when a customer's manager changes, the customer is told and a
successor is named. kehu keeps such customers in their room's totals (SPEC §2.8, §10.3) and
lists them — customer, class, last on-site visit, the departed manager, the room — on the
department workbook's 客户交接清单, so that the department can reassign them; the clerk
sees W-handover (kehu.validate) for each departed manager who still has customers.
"""
from __future__ import annotations

import pandas as pd

from kehu.month import Month
from kehu.roster import departed_by

COLUMNS = ["room", "manager_id", "manager_name", "left_on", "customer_id", "customer_name",
           "customer_class", "status", "last_visit"]


def departed_customers(staff: pd.DataFrame, customers: pd.DataFrame, month: Month) -> pd.DataFrame:
    """Customers whose manager's 离职日期 is on or before the month's last day, with the manager."""
    gone = staff.loc[departed_by(staff, month).to_numpy(), ["employee_id", "name", "room", "left_on"]]
    gone = gone.rename(columns={"employee_id": "manager_id", "name": "manager_name"}).astype({"manager_id": object})
    return customers.astype({"manager_id": object}).merge(gone, on="manager_id", how="inner")


def handover_list(staff: pd.DataFrame, customers: pd.DataFrame, visits: pd.DataFrame,
                  history_visits: pd.DataFrame | None, month: Month, rules: dict) -> pd.DataFrame:
    """The 客户交接清单 (COLUMNS), by room, manager and customer. ``last_visit``: the latest
    on-site visit (``visits.counted_method``) up to the month's end, from the input and the
    history store; NaT when none is known."""
    listed = departed_customers(staff, customers, month)
    last = _last_visits(visits, history_visits, month, rules)
    # reindex, not Series.map: pandas cannot map through an empty datetime Series
    listed["last_visit"] = pd.to_datetime(last.reindex(listed["customer_id"].astype(object)).to_numpy()).astype("datetime64[ns]")
    listed = listed.sort_values(["room", "manager_id", "customer_id"], kind="stable", ignore_index=True)
    return listed.reindex(columns=COLUMNS)


def _last_visits(visits: pd.DataFrame, history_visits: pd.DataFrame | None, month: Month, rules: dict) -> pd.Series:
    frames = [v[["customer_id", "date", "method"]] for v in (visits, history_visits) if v is not None and len(v)]
    if not frames:
        return pd.Series(dtype="datetime64[ns]")
    both = pd.concat(frames, ignore_index=True)
    both["date"] = pd.to_datetime(both["date"])
    on_site = both["method"].eq(rules["visits"]["counted_method"]) & (both["date"] <= pd.Timestamp(month.last_day))
    return both.loc[on_site.to_numpy()].groupby("customer_id")["date"].max()
