"""W-visit-unlogged: a 外出走访 leave needs a 出访登记 row of the same employee that day (SPEC §2.4).

Seed 004 出访登记: every visit out of the office is registered. The leave row is the one pointed
at; the clerk adds the visit or corrects the leave's kind or date.
"""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from kehu.compute.calendar import as_date
from kehu.findings import Finding, make


def unlogged_visit_findings(leave: pd.DataFrame, visits: pd.DataFrame, rules: dict) -> list[Finding]:
    """Each 外出走访 row without a 出访登记 row of the same employee on a day it covers
    (seed 004 出访登记; SPEC §2.4) → warning W-visit-unlogged, pointing at the leave row."""
    kind = rules["attendance"]["visit_leave_kind"]
    rows = leave.loc[leave["kind"] == kind]
    if rows.empty:
        return []
    logged = set(zip(visits["manager_id"].astype(object), pd.to_datetime(visits["date"]).dt.date))
    found = []
    for eid, start, end, file, sheet, row in zip(rows["employee_id"], rows["starts_at"], rows["ends_at"],
                                                 rows["_file"], rows["_sheet"], rows["_row"]):
        days = _covered_days(start, end)
        if not any((eid, d) in logged for d in days):
            found.append(_unlogged(eid, days[0], file, sheet, row))
    return found


def _covered_days(start, end) -> list[date]:
    """Calendar days a leave touches; an end at 00:00 does not touch its day."""
    first = as_date(start)
    if pd.isna(end) or pd.Timestamp(end) <= pd.Timestamp(start):
        return [first]
    last = as_date(pd.Timestamp(end) - pd.Timedelta(minutes=1))
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _unlogged(eid, day: date, file, sheet, row) -> Finding:
    return make("W-visit-unlogged", dataset="leave", file=str(file), sheet=str(sheet), row=int(row),
                value=f"{day:%Y-%m-%d}", employee_id=str(eid), date=f"{day:%Y-%m-%d}")
