"""日历 (calendar): written only for a year chinese-calendar does not cover — Monday to Friday
工作日, weekends 休息日."""
from __future__ import annotations

import pandas as pd

from .base import MonthSpec
from .write import Layout, col_excel_date, col_text


def make(M: MonthSpec) -> pd.DataFrame:
    days = M.days()
    return pd.DataFrame({
        "date": pd.to_datetime(days), "kind": ["工作日" if d.weekday() < 5 else "休息日" for d in days],
        "note": None})


def files(ca: pd.DataFrame, layout: Layout) -> None:
    layout.add("日历", "日历", [("日期", *col_excel_date(ca["date"])), ("类型", *col_text(ca["kind"])),
                                ("说明", *col_text(ca["note"]))])
