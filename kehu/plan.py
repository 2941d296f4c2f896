"""``kehu plan``: the annual targets broken down to months, managers, weeks and days (issue 16 item 3).

load (the annual workbook, 员工名册 and any 日历 sheets, read as kehu reads a month) →
check (the calendar of each month as a run checks it: E-calendar-year, E-calendar-unreviewed) →
compute (kehu.compute.plan) → render (kehu.render.plan_books: ``OUT/YYYY-MM/指标.xlsx`` and
``月计划表.xlsx``). Nothing is written unless every month can be planned without an error, and
no existing file is overwritten (a 指标.xlsx may already hold the clerk's 完成值).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kehu.compute.calendar import CalendarError, WorkCalendar
from kehu.compute.plan import Planner, indicator_kinds
from kehu.findings import ERROR, Finding, make, worded
from kehu.load.annual_targets import read_annual_book
from kehu.load.files import scan_folder
from kehu.load.folder import load_file
from kehu.month import Month
from kehu.render.plan_books import month_files, write_month_plan
from kehu.schema import CALENDAR, STAFF
from kehu.validate import calendar_year_finding, empty_frame
from kehu.validate.calendar_review import unreviewed_calendar

NEEDED = ("staff", "calendar")


@dataclass
class PlanOutcome:
    findings: list = field(default_factory=list)
    written: list = field(default_factory=list)      # Path of every workbook written

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != ERROR]


def year_months(year: int) -> list[Month]:
    return [Month(year, m) for m in range(1, 13)]


def existing_outputs(out_dir: Path, months: list[Month]) -> list[Path]:
    """The workbooks of ``months`` already in ``out_dir`` (kehu plan never overwrites them)."""
    return [p for m in months for p in month_files(Path(out_dir) / m.label) if p.exists()]


def make_plan(annual: Path, staff_path: Path, months: list[Month], out_dir: Path, rules: dict,
              calendar_path: Path | None = None) -> PlanOutcome:
    """Plan ``months`` from the annual workbook and the 员工名册 at ``staff_path`` (a file, or the
    folder holding it — its 日历 sheets are used too, as are ``calendar_path``'s)."""
    outcome = PlanOutcome()
    book = read_annual_book(annual, indicator_kinds(rules))
    frames = read_inputs([staff_path] + ([calendar_path] if calendar_path else []), rules, outcome.findings)
    outcome.findings.extend(book.findings)
    if outcome.errors:
        return outcome
    calendar = WorkCalendar(frames["calendar"], rules)
    for month in months:
        outcome.findings.extend(calendar_findings(frames["calendar"], calendar, month))
    if outcome.errors:
        return outcome
    planner = Planner(book, frames["staff"], rules, calendar)
    plans = [planner.plan(m) for m in months]
    outcome.findings.extend(planner.findings)
    if not outcome.errors:
        outcome.written = [p for plan in plans for p in write_month_plan(plan, Path(out_dir) / plan.month.label)]
    return outcome


def calendar_findings(frame: pd.DataFrame, calendar: WorkCalendar, month: Month) -> list[Finding]:
    """The month's calendar as a run checks it: every day covered, no row still 待核对."""
    try:
        calendar.check_month(month)
    except CalendarError as exc:
        return [calendar_year_finding(exc)]
    return unreviewed_calendar(frame, month)


def read_inputs(paths: list[Path], rules: dict, findings: list) -> dict[str, pd.DataFrame]:
    """员工名册 and 日历 from ``paths`` (files, or folders read whole), typed as a run types them;
    their findings go to ``findings``. No 员工名册 at all, or a 工号 twice, is an error."""
    parts = {key: [] for key in NEEDED}
    for source in _sources(paths, findings):
        loaded = load_file(source, rules)
        if loaded.error is not None:
            findings.append(loaded.error)
        findings.extend(f for f in loaded.findings if f.dataset in NEEDED)
        for key, frame in loaded.parts:
            if key in parts:
                parts[key].append(frame)
    frames = {key: pd.concat(p, ignore_index=True) if p else empty_frame(d)
              for (key, p), d in zip(parts.items(), (STAFF, CALENDAR))}
    findings.extend(_roster_findings(frames["staff"]))
    return frames


def _sources(paths: list[Path], findings: list) -> list:
    out = []
    for path in map(Path, paths):
        scan = scan_folder(path if path.is_dir() else path.parent)
        if path.is_dir():
            out += scan.files
            continue
        found = [f for f in scan.files if f.path.name == path.name]
        out += found
        findings.extend(a.finding for a in scan.set_aside if a.finding is not None and a.name == path.name)
    return out


def _roster_findings(staff: pd.DataFrame) -> list[Finding]:
    if staff.empty:
        return [make("E-dataset-missing", dataset="staff", why="", name=STAFF.name,
                     columns="、".join(c.name for c in STAFF.columns if c.required),
                     hint="请用 --staff 指定员工名册文件，或当月的输入文件夹。")]
    twice = staff[staff["employee_id"].duplicated()]
    return [worded("E-duplicate-key", f"工号 {row.employee_id} 在员工名册中出现了两次。请删去重复的一行后重新运行。",
                   file=row.file, sheet=row.sheet, row=int(row.excel_row), column="工号",
                   value=str(row.employee_id), dataset="staff", rejected=True)
            for row in twice.rename(columns={"_file": "file", "_sheet": "sheet", "_row": "excel_row"})
            .itertuples(index=False)]
