"""A month's rows for the history store (kehu/history.py), made from its results.

Made ahead of the write: a run makes them while its workbooks are being written and stores
them with its commit (kehu/outfolder.py). Only rows of the month itself are kept, so saving
a month never touches another; texts are TEXT or NULL, money exact decimal TEXT.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd

from kehu.month import Month

VISIT_COLUMNS = ["date", "manager_id", "customer_id", "method"]


@dataclass
class MonthRows:
    """A month's rows for the store: learning flags, customer revenue, visits and — schema
    version 3 — each assessed employee's KPI total and deductions (the department workbook's
    month-over-month columns, issue 14 item 9)."""
    label: str
    flags: list[tuple]
    revenue: list[tuple]
    visits: list[tuple]
    employees: list[tuple] = field(default_factory=list)


def month_rows(month: Month, learning_flags: pd.DataFrame, customer_revenue: pd.DataFrame,
               visits: pd.DataFrame, employees: list[dict] | None = None) -> MonthRows:
    """The rows ``save_month`` stores: only those of ``month``. ``employees``: results.json's."""
    label = month.label
    return MonthRows(label, _flag_rows(learning_flags, label), _revenue_rows(customer_revenue, label),
                     _visit_rows(visits, month), _employee_rows(employees or [], label))


def _texts(column: pd.Series) -> list:
    """A column as TEXT values: None where blank (column-wise: 100,000 customers a month)."""
    blank = column.isna().to_numpy()
    return [None if b else str(v) for v, b in zip(column.to_numpy(dtype=object), blank)]
def _flag_rows(frame: pd.DataFrame, label: str) -> list[tuple]:
    if frame is None or frame.empty:
        return []
    frame = frame[frame["month"].astype(str) == label] if "month" in frame else frame
    frame = frame.sort_values("employee_id", kind="stable")
    return [(label, e, r, f) for e, r, f in zip(_texts(frame["employee_id"]), _texts(frame["room"]), _texts(frame["flag"]))]


def _revenue_rows(frame: pd.DataFrame, label: str) -> list[tuple]:
    if frame is None or frame.empty:
        return []
    frame = frame[frame["month"].astype(str) == label] if "month" in frame else frame
    frame = frame.sort_values("customer_id", kind="stable")
    revenue = [str(v if isinstance(v, Decimal) else Decimal(str(v))) for v in frame["revenue"]]
    return [(label, c, m, v) for c, m, v in zip(_texts(frame["customer_id"]), _texts(frame["manager_id"]), revenue)]


def _visit_rows(frame: pd.DataFrame, month: Month) -> list[tuple]:
    if frame is None or frame.empty:
        return []
    days = pd.to_datetime(frame["date"]).to_numpy().astype("datetime64[D]")
    inside = (days >= np.datetime64(month.first_day, "D")) & (days <= np.datetime64(month.last_day, "D"))
    frame = frame.loc[inside].assign(date=np.datetime_as_string(days[inside], unit="D"))   # 'YYYY-MM-DD'
    frame = frame.sort_values(VISIT_COLUMNS, kind="stable")
    label = month.label
    return [(label, d, m, c, k) for d, m, c, k in zip(
        frame["date"].to_numpy(dtype=object), _texts(frame["manager_id"]), _texts(frame["customer_id"]),
        _texts(frame["method"]))]


def _employee_rows(employees: list[dict], label: str) -> list[tuple]:
    """(month, 工号, KPI得分, 扣款合计) per assessed employee, as results.json states them."""
    return sorted((label, str(e["employee_id"]), str(Decimal(str(e["kpi"]["total"]))),
                   str(Decimal(str(e["deductions_total"])))) for e in employees)
