"""What a month reads from and gives to the history store (SPEC §4).

Reading never creates the store: ``validate`` and failed runs leave no
history file behind (SPEC §9.6). A store kehu cannot use — not its own, damaged,
a bad row — is a ``HistoryError`` naming the file and the remedy.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd

from kehu.compute.assemble import History
from kehu.history import (EMPLOYEE_COLUMNS, FLAG_COLUMNS, REVENUE_COLUMNS, VISIT_COLUMNS, HistoryStore, MonthRows,
                          month_rows)
from kehu.history_check import store_error
from kehu.month import Month

LONGEST_CYCLE_MONTHS = 12   # the longest visit cycle the rules file allows


def _empty(columns) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def read_history(path: Path, month: Month, rules: dict) -> History:
    if not Path(path).exists():
        visits = _empty(VISIT_COLUMNS)
        visits["date"] = pd.Series(dtype="datetime64[ns]")
        return History(_empty(FLAG_COLUMNS), _empty(REVENUE_COLUMNS), visits, _empty(EMPLOYEE_COLUMNS))
    with HistoryStore(path) as store:
        try:
            return _read(store, month, rules)
        except sqlite3.Error as exc:
            raise store_error(store.path, exc) from None


def _read(store: HistoryStore, month: Month, rules: dict) -> History:
    earlier = [m for m in store.stored_months() if m < month]
    revenue_months = [month.shift(-i) for i in range(1, rules["churn_warning"]["history_months"] + 1)]
    first = month.shift(-(LONGEST_CYCLE_MONTHS - 1)).first_day
    return History(store.learning_flags(earlier), store.customer_revenue(revenue_months),
                   store.visits(first, month.shift(-1).last_day), store.employee_results([month.shift(-1)]))


def history_rows(result) -> MonthRows:
    """The month's rows for the history store (HistoryStore.save_rows): learning flags,
    per-customer revenue, visits and each employee's KPI total and deductions."""
    # every customer row is the month's (rows of other months were dropped by validation); the
    # roster's own 月份 column must not be taken for the month a history row belongs to
    customers = result.customers.drop(columns="month", errors="ignore")
    return month_rows(result.month, result.learning_month_flags, customers, result.visit_rows,
                      result.results.get("employees", []))
