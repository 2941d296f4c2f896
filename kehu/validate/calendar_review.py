"""A 日历 computed by kehu is used only once the clerk has checked it (issue 17 item 4, SPEC §2.1).

``kehu init --calendar YEAR`` writes every day of a year no package knows from the rules of
《全国年节及纪念日放假办法》, each row 核对状态 = 待核对: its 调休 are not in it, and a month
computed on it would put wrong absences into pay. A month whose 日历 rows are still 待核对 is
refused (E-calendar-unreviewed, exit 1); rows marked 已核对 — and rows of a 日历 sheet without
a 核对状态 column, or with the cell blank (the clerk's own sheet) — are used as they are.
"""
from __future__ import annotations

from typing import Callable

import pandas as pd

from kehu.findings import Finding, make
from kehu.month import Month
from kehu.schema import CALENDAR_REVIEWED, CALENDAR_UNREVIEWED

CODE = "E-calendar-unreviewed"
COLUMN = "核对状态"


def unreviewed_calendar(calendar: pd.DataFrame, month: Month,
                        locate: Callable[[str, str, str], tuple] | None = None) -> list[Finding]:
    """One error per 日历 sheet holding days of ``month`` still marked 待核对; ``locate`` (the
    ledger's: file, sheet, alias → header, letter) puts the finding on its cell."""
    rows = _unreviewed_rows(calendar, month)
    if rows.empty:
        return []
    return [_finding(sheet_rows, month, locate) for _, sheet_rows in rows.groupby(["_file", "_sheet"], sort=True)]


def _unreviewed_rows(calendar: pd.DataFrame, month: Month) -> pd.DataFrame:
    """The rows of ``month`` whose 核对状态 is 待核对, in sheet row order."""
    if calendar is None or calendar.empty or "review" not in calendar:
        return pd.DataFrame()
    days = pd.to_datetime(calendar["date"])
    inside = (days >= pd.Timestamp(month.first_day)) & (days <= pd.Timestamp(month.last_day))
    return calendar[inside & (calendar["review"] == CALENDAR_UNREVIEWED)].sort_values("_row")


def _finding(rows: pd.DataFrame, month: Month, locate) -> Finding:
    first = rows.iloc[0]
    header, letter = locate(str(first["_file"]), str(first["_sheet"]), "review") if locate else ("", "")
    lines = f"第 {int(first['_row'])} 行" + (f" 至第 {int(rows['_row'].iloc[-1])} 行" if len(rows) > 1 else "")
    return make(CODE, file=str(first["_file"]), sheet=str(first["_sheet"]), row=int(first["_row"]),
                column=header or COLUMN, letter=letter, value=CALENDAR_UNREVIEWED, dataset="calendar",
                month=month.label, days=len(rows), lines=lines, unreviewed=CALENDAR_UNREVIEWED, year=month.year,
                reviewed=CALENDAR_REVIEWED)
