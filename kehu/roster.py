"""Who the 员工名册 says is there in a month: the one home of "employed in the month".

- *assessed* (SPEC §9.7): employed on at least one day of the month — 入职日期 empty or ≤ the
  month's last day, and 离职日期 empty or ≥ its first day;
- *departed* (SPEC §10.3): left before the month's end (离职日期 ≤ its last day) — his
  customers need a successor (seed 002 第14条), and they still count in his room's totals.
"""
from __future__ import annotations

import pandas as pd

from kehu.month import Month


def _dates(staff: pd.DataFrame, column: str) -> pd.Series:
    if column not in staff:
        return pd.Series(pd.NaT, index=staff.index, dtype="datetime64[ns]")
    return pd.to_datetime(staff[column])


def employed_in(staff: pd.DataFrame, month: Month) -> pd.Series:
    """True for staff employed on at least one day of ``month`` (SPEC §9.7)."""
    hired, left = _dates(staff, "hired_on"), _dates(staff, "left_on")
    return ((hired.isna() | (hired <= pd.Timestamp(month.last_day)))
            & (left.isna() | (left >= pd.Timestamp(month.first_day)))).astype(bool)


def assessed_staff(staff: pd.DataFrame, month: Month) -> pd.DataFrame:
    """The staff assessed in ``month`` (SPEC §9.7); order and columns kept."""
    return staff.loc[employed_in(staff, month).to_numpy()].reset_index(drop=True)


def departed_by(staff: pd.DataFrame, month: Month) -> pd.Series:
    """True for staff whose 离职日期 is on or before the month's last day (SPEC §10.3)."""
    left = _dates(staff, "left_on")
    return (left.notna() & (left <= pd.Timestamp(month.last_day))).astype(bool)


def room_of(*rosters: pd.DataFrame) -> pd.Series:
    """employee_id → 所属室 over every roster row given — the assessed, the departed and (with
    ``--skip-invalid``) rejected rows whose room could be read (SPEC §10.3: a room's totals hold
    every customer whose manager belongs to it, employed or not). The first row of an id wins."""
    rows = [r[["employee_id", "room"]] for r in rosters if r is not None and len(r)]
    if not rows:
        return pd.Series(dtype=object)
    both = pd.concat(rows, ignore_index=True).astype(object)
    both = both[both["employee_id"].notna() & both["room"].notna()]
    return both.drop_duplicates("employee_id").set_index("employee_id")["room"]
