"""Validation stage: typed frames + findings for a month folder (SPEC §1, §5)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from kehu.collector import collector_paused
from kehu.compute.calendar import CalendarError, WorkCalendar
from kehu.findings import Finding, make
from kehu.load.cache import TypedFileCache
from kehu.load.files import scan_folder
from kehu.load.ledger import Ledger
from kehu.load.folder import load_folder
from kehu.load.shapes.resolve import resolve_exports
from kehu.model import MonthInputs
from kehu.month import Month
from kehu.schema import DATASETS
from kehu.validate.checks import Checker
from kehu.validate.classes import class_findings
from kehu.validate.import_check import import_check
from kehu.validate.letters import letter_findings


def empty_frame(dataset) -> pd.DataFrame:
    """A dataset with no row: every column of the typed frames, so no engine meets a missing one."""
    return pd.DataFrame({c.alias: pd.Series(dtype=object) for c in dataset.columns}
                        | {name: pd.Series(dtype=dtype) for name, dtype in dataset.derived}
                        | {"_file": pd.Series(dtype=object), "_sheet": pd.Series(dtype=object),
                           "_row": pd.Series(dtype="int64")})


def _concat(parts: list[pd.DataFrame], dataset) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_frame(dataset)
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)


def validate_month(folder: Path, month: Month, rules: dict, cache: TypedFileCache | None = None,
                   keep: bool = False, progress=None) -> MonthInputs:
    """Read, type and check every input; rejected and ignored rows are removed, each with a finding.
    ``cache``: files unchanged since an earlier run are taken from it (and the others kept there
    when ``keep``, kehu.load.cache); ``progress``: a step-label callable, maybe with a ``bar``."""
    with collector_paused():
        return _validate_month(folder, month, rules, cache, keep, progress)


def _validate_month(folder: Path, month: Month, rules: dict, cache, keep, progress) -> MonthInputs:
    ledger, parse_findings, vetted = Ledger(), [], {}
    scan = scan_folder(Path(folder))
    file_findings = list(scan.findings)
    if not scan.files:
        file_findings.append(_nothing_to_read(scan))
    parts: dict[str, list[pd.DataFrame]] = {d.key: [] for d in DATASETS}
    bar = getattr(progress, "bar", None)
    advance = bar(len(scan.files), "文件") if bar and scan.files else None
    for loaded in load_folder(scan, rules, cache=cache, keep=keep, advance=advance):
        if loaded.error is not None:
            file_findings.append(loaded.error)
        ledger.absorb(loaded.ledger)
        if loaded.vetted is not None:
            vetted[loaded.file] = loaded.vetted
        parse_findings.extend(loaded.findings)
        for key, frame in loaded.parts:
            parts[key].append(frame)
    findings = file_findings + parse_findings
    frames = {d.key: _concat(parts[d.key], d) for d in DATASETS}
    frames, verdicts = resolve_exports(frames, ledger, findings)     # exports' UserId / 账号 → 工号 (issue 17)
    frames = Checker(frames, month, rules, ledger, findings).run()
    frames = {k: f.reset_index(drop=True) for k, f in frames.items()}
    findings.extend(_class_findings(frames["customers"], rules, ledger))
    findings.extend(_calendar_findings(frames["calendar"], month, rules))
    findings.extend(letter_findings(frames, month, rules, ledger.locate))
    rejected = {key: ledger.rejected_rows(key) for key in ("staff", "customers")}
    return MonthInputs(month, frames, ledger.counts(frames), findings, vetted,
                       sources={f.name: f for f in scan.files}, set_aside=scan.set_aside,
                       rejected={k: v for k, v in rejected.items() if v is not None},
                       import_check=import_check(frames, verdicts, month, rules))


def _nothing_to_read(scan) -> Finding:
    """One finding for a folder without a single readable file, instead of one per dataset."""
    seen = f"（文件夹中有 {len(scan.set_aside)} 项，都不是可读取的表格，见 manifest.json）" if scan.set_aside else ""
    return make("E-folder-empty", seen=seen)


def _calendar_findings(calendar: pd.DataFrame, month: Month, rules: dict) -> list:
    """E-calendar-year: a day of the month no source says is a workday or not (SPEC §2.1)."""
    try:
        WorkCalendar(calendar, rules).check_month(month)
    except CalendarError as exc:
        return [calendar_year_finding(exc)]
    return []


def calendar_year_finding(exc: CalendarError) -> Finding:
    return make("E-calendar-year", dataset="calendar", year=exc.year, days=_missing_days(exc.missing))


def _missing_days(days: tuple) -> str:
    """'（缺 2099-01-01 至 2099-01-31 共 31 天）', '（缺 2099-01-01）' or ''."""
    if not days:
        return ""
    first, last = days[0], days[-1]
    return f"（缺 {first:%Y-%m-%d}" + (f" 至 {last:%Y-%m-%d} 共 {len(days)} 天）" if last != first else "）")


def _class_findings(customers: pd.DataFrame, rules: dict, ledger: Ledger) -> list:
    """SPEC §2.10 class check (a warning on the row; the declared class is used)."""
    return class_findings(customers, rules, locate=ledger.locate)


__all__ = ["validate_month"]
