"""What flows between the stages: the loaded month and the computed month.

load/validate produce ``MonthInputs``; compute produces ``MonthResult``;
render only reads ``MonthResult``. Frames use the English column aliases of
kehu.schema; see docs/ARCHITECTURE.md for every column.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from kehu.month import Month
from kehu.rules import load_rules


@dataclass
class SheetCount:
    """Manifest line of one input sheet (SPEC §5, §9.10)."""
    file: str
    sheet: str
    dataset: str | None
    read: int = 0
    used: int = 0
    rejected: int = 0
    ignored: int = 0      # unused with a warning (other month, unknown id…)
    duplicate: int = 0
    empty: int = 0


@dataclass
class MonthInputs:
    month: Month
    frames: dict[str, pd.DataFrame]            # dataset key → typed frame (+ _file, _sheet, _row)
    sheets: list[SheetCount] = field(default_factory=list)
    findings: list = field(default_factory=list)
    vetted: dict = field(default_factory=dict)  # workbook file name → its safety pre-scan (XlsxCheck)
    sources: dict = field(default_factory=dict)  # file name as shown → kehu.load.files.InputFile
    set_aside: list = field(default_factory=list)   # kehu.load.files.SetAside: entries not read, and why
    rejected: dict = field(default_factory=dict)    # roster key → its rejected rows (frame), for --skip-invalid
    import_check: pd.DataFrame | None = None    # 导入核对: days an attendance export judges unlike kehu (issue 17)

    def __getitem__(self, key: str) -> pd.DataFrame:
        return self.frames[key]


@dataclass
class MonthResult:
    month: Month
    results: dict                              # exactly what results.json holds
    staff: pd.DataFrame                        # assessed staff
    customers: pd.DataFrame
    attendance_events: pd.DataFrame
    kpi_indicators: pd.DataFrame
    visit_detail: pd.DataFrame
    visit_rows: pd.DataFrame
    callback_events: pd.DataFrame
    callbacks_month: pd.DataFrame
    notices: pd.DataFrame
    churn_warnings: pd.DataFrame
    rooms: pd.DataFrame
    findings: list
    as_of: date
    calendar: object = None                    # kehu.compute.calendar.WorkCalendar
    handover: pd.DataFrame | None = None       # 客户交接清单: customers of departed managers (SPEC §10.3)
    not_assessed: list = field(default_factory=list)   # people left out (--skip-invalid): id, name, where, reason
    learning_month_flags: pd.DataFrame | None = None   # every month's learning flags (kept in the history store)
    callback_rooms: pd.DataFrame | None = None      # 回访总结 per room: results, 满意率, events by status, 及时率
    callback_managers: pd.DataFrame | None = None   # the same per manager (compute.callbacks.callback_summary)
    member_misses: pd.DataFrame | None = None       # member events late or missing (回访跟进)
    dissatisfied: pd.DataFrame | None = None        # the month's dissatisfied callbacks (回访跟进)
    rules: dict = field(default_factory=load_rules)    # the rules in force: render words policy from them
    standing: pd.DataFrame | None = None            # KPI rank and month-over-month per employee (compute.standing)
