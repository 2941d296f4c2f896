"""Where each employee stands this month (issue 14 item 9): his KPI rank among everyone assessed,
and his KPI total and deductions against the previous month's, as the history store kept them.

The rank is by KPI得分 as a share of the scheme's points (kpi.points; = KPI得分 with the default
100), highest first; equal shares share a rank (1, 2, 2, 4). A change is this month's figure
minus the previous month's; None where the store has no previous month of that employee.
"""
from __future__ import annotations

from bisect import bisect_right
from decimal import Decimal

import pandas as pd

STANDING_COLUMNS = ["employee_id", "kpi_rank", "kpi_previous", "kpi_change", "deductions_previous",
                    "deductions_change"]


def kpi_share(employee: dict) -> Decimal:
    """KPI得分 × 100 ÷ the scheme's points (results.json ``out_of``, 100 when absent)."""
    kpi = employee["kpi"]
    return Decimal(str(kpi["total"])) * 100 / Decimal(kpi.get("out_of", 100))


def kpi_ranks(employees: list[dict]) -> list[int]:
    """1 + how many have a higher share, for each employee in order."""
    shares = [kpi_share(e) for e in employees]
    ascending = sorted(shares)
    return [1 + len(ascending) - bisect_right(ascending, share) for share in shares]


def employee_standing(employees: list[dict], previous: pd.DataFrame | None) -> pd.DataFrame:
    """STANDING_COLUMNS per employee of results.json; ``previous``: the store's employee_results
    of the previous month (kehu.history.HistoryStore.employee_results)."""
    before = {} if previous is None or previous.empty else {
        e: (k, d) for e, k, d in zip(previous["employee_id"], previous["kpi_total"], previous["deductions_total"])}
    rows = []
    for e, rank in zip(employees, kpi_ranks(employees)):
        kpi, deductions = Decimal(str(e["kpi"]["total"])), Decimal(str(e["deductions_total"]))
        prior = before.get(e["employee_id"])
        rows.append((e["employee_id"], rank, prior and prior[0], prior and kpi - prior[0],
                     prior and prior[1], prior and deductions - prior[1]))
    return pd.DataFrame(rows, columns=STANDING_COLUMNS, dtype=object)
