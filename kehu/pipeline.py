"""load → validate → compute → render, with atomic output (SPEC §5, §6, §9.6, §10.9).

A run holds the output folder's lock from start to end; everything is written
into a new folder beside the target, and the month's folder and its history
rows are committed together (kehu/outfolder.py: the lock, the journal, the
commit and the repair of an interrupted run). A run killed at any point leaves
the previous output of that month, with its history, or the complete new one.
"""
from __future__ import annotations

import gc
from concurrent.futures import wait
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

from xlsxwriter.exceptions import FileCreateError

from kehu.findings import ERROR, Finding
from kehu.history import PendingMonth, stored_months_of
from kehu.history_check import HistoryError, check_store
from kehu.model import MonthInputs
from kehu.month import Month
from kehu.load.cache import TypedFileCache
from kehu.load.folder import large_folder
from kehu.outfolder import OutputFolder, replace_file, write_trouble
from kehu.validate import validate_month
from kehu.render.report import write_report

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_FAILURE = 0, 1, 2, 3
REPORT = "校验报告.xlsx"
# errors that --skip-invalid cannot skip: there is no row to drop, the month cannot be computed
FATAL_CODES = ("E-calendar-year", "E-calendar-unreviewed", "E-dataset-missing", "E-column-missing", "E-folder-empty",
               "E-month-mismatch")


@dataclass
class Outcome:
    exit_code: int
    inputs: MonthInputs
    report: Path | None = None
    out_dir: Path | None = None
    outputs: list = field(default_factory=list)
    result: object = None                       # the MonthResult of a finished run
    report_error: str | None = None             # why the report could not be written (validate)
    previous: str | None = None                 # a failed run: where the month's last good results still are

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.inputs.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.inputs.findings if f.severity != ERROR]


def validate(input_dir: Path, month: Month, rules: dict, report_path: Path | None = None, progress=None) -> Outcome:
    """The month's findings, and its report at ``report_path``. A report that cannot be
    written (a read-only folder) leaves the findings for the console and says why. Takes no
    lock: it never touches a month's folder or the history store."""
    step = progress or (lambda label: None)
    step("读取并校验输入")
    cache = TypedFileCache(report_path.parent if report_path is not None else None, rules)
    inputs = validated_month(input_dir, month, rules, cache, keep=True, progress=progress)
    step("写出校验报告")
    code = EXIT_INPUT if any(f.severity == ERROR for f in inputs.findings) else EXIT_OK
    outcome = Outcome(code, inputs)
    if report_path is not None:
        try:
            outcome.report = write_month_report(report_path, inputs, input_dir, kept=cache)
        except (OSError, FileCreateError) as exc:       # FileCreateError: xlsxwriter's, around an OSError
            reason = exc.args[0] if isinstance(exc, FileCreateError) and exc.args else exc
            why = write_trouble(reason) if isinstance(reason, OSError) else reason
            outcome.report_error = f"校验报告无法写入 {report_path}（{why}）"
    return outcome


def validated_month(input_dir: Path, month: Month, rules: dict, cache: TypedFileCache | None = None,
                    keep: bool = False, progress=None) -> MonthInputs:
    """Every input typed and checked, with every finding of the month (kehu.validate)."""
    return validate_month(input_dir, month, rules, cache, keep, progress)


def write_month_report(path: Path, inputs: MonthInputs, input_dir: Path, note: str | None = None,
                       kept: TypedFileCache | None = None) -> Path:
    """The report workbook: summary, 问题清单 and the annotated sheets; ``note`` heads its summary;
    ``kept``: the cache that may hold the raw sheets it annotates (kehu.load.cache)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_report(*_report_arguments(path, inputs, input_dir), note=note, kept=kept)


def _report_arguments(path: Path, inputs: MonthInputs, input_dir: Path) -> tuple:
    """``write_report``'s arguments: only what the report needs, not the month's frames."""
    return (path, inputs.findings, inputs.sheets, inputs.sources, inputs.month.label, inputs.vetted, inputs.set_aside,
            inputs.import_check)


def run(input_dir: Path, month: Month, out_root: Path, rules: dict, rules_source: str = "default",
        skip_invalid: bool = False, templates_dir: Path | None = None, jobs: int | None = None,
        progress=None) -> Outcome:
    step = progress or (lambda label: None)
    step("读取并校验输入")
    with OutputFolder(out_root, "run", month) as out:         # the lock; an interrupted run repaired
        check_store(out.history_path, for_writing=True)
        return _run_locked(out, input_dir, month, rules, rules_source, skip_invalid, templates_dir, jobs, step)


def _run_locked(out: OutputFolder, input_dir: Path, month: Month, rules: dict, rules_source: str,
                skip_invalid: bool, templates_dir: Path | None, jobs: int | None, step) -> Outcome:
    # the engines and the renderers are imported by the run alone: `kehu validate`, run again and
    # again in the clerk's loop, never needs them (~0.1 s of every validate)
    from kehu.compute.assemble import compute_month
    from kehu.compute.history_rows import read_history
    from kehu.render.outputs import report_meanwhile
    report = history = None
    try:
        tmp = out.begin()
        # a `kehu validate` of the same files has typed them already (kehu.load.cache)
        cache = TypedFileCache(out.root, rules)
        inputs = validated_month(input_dir, month, rules, cache, progress=step)
        errors = [f for f in inputs.findings if f.severity == ERROR]
        fatal = any(f.code in FATAL_CODES for f in errors)
        if errors and (not skip_invalid or fatal):
            failed = out.root / f"校验报告_{month.label}.xlsx"
            previous = previous_results(out, month)
            replace_file(write_month_report(tmp / REPORT, inputs, input_dir, previous, cache), failed)
            out.abandon()
            return Outcome(EXIT_INPUT, inputs, failed, previous=previous)
        # the month's millions of objects live to the end: the collector's full passes over them
        # are wasted time, and in a forked child they would unshare its pages
        gc.freeze()
        report = report_meanwhile(partial(write_report, kept=cache),
                                  *_report_arguments(tmp / REPORT, inputs, input_dir), in_child=large_folder(input_dir))
        step("计算考核结果")
        result = compute_month(inputs, rules, read_history(out.history_path, month, rules))
        history = PendingMonth(out.history_path, out.run_id)
        written = _render(result, tmp, templates_dir, jobs, step, history)
        report.result()
        outputs = _write_manifest(inputs, tmp, written + [REPORT], rules_source)
        step("更新历史库")
        final = out.commit(history)
    except BaseException:
        if report is not None:
            wait([report])                  # let the report's child finish before its folder goes
        out.abandon(history)
        raise
    finally:
        gc.unfreeze()
    try:
        (out.root / f"校验报告_{month.label}.xlsx").unlink(missing_ok=True)   # an earlier failed run's report
    except OSError:
        pass                                # open in Excel: it stays, the month is done all the same
    return Outcome(EXIT_OK, inputs, final / REPORT, final, outputs, result)


def previous_results(out: OutputFolder, month: Month) -> str | None:
    """A failed run leaves the month's last good results in place (issue 14 item 4): the line that
    says so, with when they were written (the history store's, else manifest.json's time)."""
    folder = out.root / month.label
    if not (folder / "manifest.json").is_file():
        return None
    return f"上次成功运行的结果（{_written_at(out, folder, month)}）仍在 {folder}，本次未更新。"


def _written_at(out: OutputFolder, folder: Path, month: Month) -> str:
    stored = None
    if out.history_path.is_file():
        try:
            stored = next((m for m in stored_months_of(out.history_path) if m.label == month.label), None)
        except (HistoryError, OSError):
            pass                                 # the folder's own time says it as well
    if stored is not None and stored.written_at:
        return stored.written_at[:16].replace("T", " ")
    return datetime.fromtimestamp((folder / "manifest.json").stat().st_mtime).strftime("%Y-%m-%d %H:%M")


def _render(result, tmp: Path, templates_dir, jobs, step, history: PendingMonth) -> list[str]:
    """Every output but the report and the manifest (kehu.render.outputs: what runs where), as
    paths relative to ``tmp``; the month's history rows go into ``history`` meanwhile."""
    step("写出考核工作簿、结果文件和客户函件")
    bar = getattr(step, "bar", None)
    advance = bar(len(result.results["employees"])) if bar else None
    from kehu.render.outputs import write_outputs      # see _run_locked
    written = write_outputs(result, tmp, templates_dir, jobs, history, advance)
    return [Path(p).relative_to(tmp).as_posix() for p in written]


def _write_manifest(inputs: MonthInputs, tmp: Path, outputs: list[str], rules_source: str) -> list[str]:
    """manifest.json over ``outputs`` (paths relative to ``tmp``) and itself; the sorted list."""
    from kehu.render.results import manifest, write_manifest
    outputs = sorted(outputs + ["manifest.json"])
    write_manifest(manifest(inputs, outputs, rules_source), tmp / "manifest.json")
    return outputs
