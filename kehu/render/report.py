"""The validation report workbook (SPEC §5).

Sheet 概要 (counts and the manifest: read = used + rejected + ignored +
duplicate + empty per input sheet), sheet 问题清单 (one line per finding), and
an annotated copy of every offending sheet: rows at their original Excel row
numbers, bad cells filled, the finding's message as a cell comment.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import xlsxwriter

from kehu.findings import ERROR, Finding, column_index
from kehu.load.reader import RawSheet, read_file
from kehu.load.safety import UnsafeFile
from kehu.render.import_check import write_import_check
from kehu.render.xlsx_style import column_width

FULL_COPY_ROWS = 20_000          # larger sheets are copied as header + offending rows only
MAX_COMMENTS = 5_000             # per annotated sheet; Excel slows down with more
WB_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
              "constant_memory": False}
FINDING_HEADERS = ["严重程度", "代码", "文件", "工作表", "行", "列", "单元格", "值", "说明"]
MANIFEST_HEADERS = ["文件", "工作表", "识别为", "读取行数", "使用", "拒绝", "忽略(有提示)", "重复", "空行"]
FIXED_SHEETS = ("概要", "问题清单")
SHEET_NAME_MAX = 31                              # Excel's limit, in UTF-16 units (as xlsxwriter counts)
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
RESERVED_SHEET = "History"                       # Excel keeps it for itself


def write_report(path: Path, findings: list[Finding], sheets: list, sources: dict, month_label: str,
                 vetted: dict | None = None, set_aside: list = (), import_check=None) -> Path:
    """The report of the month whose input files are ``sources`` (name → InputFile; the offending
    sheets are read again; ``vetted``: file name → the load's safety pre-scan of that workbook, not
    repeated if unchanged; ``set_aside``: the folder's entries that were not read, and why;
    ``import_check``: the 导入核对 rows of the attendance exports, kehu.validate.import_check)."""
    wb = xlsxwriter.Workbook(str(path), WB_OPTIONS)
    wb.set_properties({"title": f"kehu 校验报告 {month_label}", "created": datetime(2000, 1, 1)})
    fmt = _formats(wb)
    ordered = sorted(findings, key=lambda f: (f.severity != ERROR, f.file, f.sheet, f.row or 0, f.letter, f.code))
    _summary(wb, fmt, ordered, sheets, month_label, set_aside)
    _finding_list(wb, fmt, ordered)
    write_import_check(wb, import_check, month_label)
    _annotated(wb, fmt, ordered, sources, vetted or {})
    wb.close()
    return path


def _formats(wb) -> dict:
    return {
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "head": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}),
        "cell": wb.add_format({"border": 1, "valign": "top"}),
        "wrap": wb.add_format({"border": 1, "text_wrap": True, "valign": "top"}),
        "error": wb.add_format({"bg_color": "#F8CBAD", "border": 1}),
        "warning": wb.add_format({"bg_color": "#FFF2CC", "border": 1}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": wb.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "time": wb.add_format({"num_format": "hh:mm"}),
        "bad": wb.add_format({"bold": True, "font_color": "#C00000"}),
    }


def _print_setup(ws, header_row: int) -> None:
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.freeze_panes(header_row + 1, 0)


def _summary(wb, fmt, findings, sheets, month_label, set_aside=()) -> None:
    ws = wb.add_worksheet("概要")
    errors = sum(f.severity == ERROR for f in findings)
    ws.write(0, 0, f"kehu 校验报告 — {month_label}", fmt["title"])
    verdict = "有错误:请按「问题清单」改正后重新运行。" if errors else "没有错误,可以运行考核。"
    ws.write(1, 0, f"错误 {errors} 条,提示 {len(findings) - errors} 条。{verdict}", fmt["bad"] if errors else None)
    ws.write_row(3, 0, MANIFEST_HEADERS, fmt["head"])
    for i, s in enumerate(sheets, start=4):
        ws.write_row(i, 0, [s.file, s.sheet, _dataset_name(s.dataset), s.read, s.used, s.rejected, s.ignored,
                            s.duplicate, s.empty], fmt["cell"])
    row = 4 + len(sheets) + 1
    if set_aside:
        ws.write_row(row, 0, ["未读取的文件", "原因"], fmt["head"])
        for i, entry in enumerate(set_aside, start=row + 1):
            ws.write_row(i, 0, [entry.name, entry.reason], fmt["cell"])
    ws.set_column(0, 1, 24)
    ws.set_column(2, 2, 12)
    ws.set_column(3, 8, 10)
    _print_setup(ws, 3)


def _dataset_name(key) -> str:
    from kehu.schema import BY_KEY
    return BY_KEY[key].name if key in BY_KEY else "(未识别)"


def _finding_list(wb, fmt, findings) -> None:
    ws = wb.add_worksheet("问题清单")
    ws.write_row(0, 0, FINDING_HEADERS, fmt["head"])
    for i, f in enumerate(findings, start=1):
        sev = "错误" if f.severity == ERROR else "提示"
        ws.write_string(i, 0, sev, fmt["error" if f.severity == ERROR else "warning"])
        for j, v in enumerate([f.code, f.file, f.sheet], start=1):
            ws.write_string(i, j, v, fmt["cell"])
        if f.row:
            ws.write_number(i, 4, f.row, fmt["cell"])
        else:
            ws.write_blank(i, 4, None, fmt["cell"])
        for j, v in enumerate([f.column, f.cell, f.value, f.message], start=5):
            ws.write_string(i, j, v, fmt["wrap" if j == 8 else "cell"])
    widths = [8, 20, 22, 14, 6, 12, 8, 18, 70]
    for j, w in enumerate(widths):
        ws.set_column(j, j, w)
    ws.autofilter(0, 0, max(len(findings), 1), len(FINDING_HEADERS) - 1)
    _print_setup(ws, 0)


def _annotated(wb, fmt, findings, sources: dict, vetted: dict) -> None:
    by_sheet = defaultdict(list)
    for f in findings:
        if f.row:
            by_sheet[(f.file, f.sheet)].append(f)
    used_names = {name.casefold() for name in (*FIXED_SHEETS, RESERVED_SHEET)}
    for raw in _marked_sheets(sources, by_sheet, vetted):
        ws = wb.add_worksheet(_sheet_name(raw, used_names))
        _copy_sheet(ws, fmt, raw, by_sheet[(raw.file, raw.sheet)])


def _marked_sheets(sources: dict, wanted, vetted: dict) -> Iterator[RawSheet]:
    """The input sheets that have row findings, in file and sheet order, read again: the load
    stage keeps no raw cells (a province month's would fill gigabytes), and a valid month's
    report annotates few sheets or none."""
    for name in sorted({file for file, _ in wanted if file in sources}):
        try:
            raws = read_file(sources[name], vetted.get(name))
        except (UnsafeFile, OSError):
            continue        # changed or removed since it was validated: 问题清单 still lists its findings
        for raw in raws:
            if (raw.file, raw.sheet) in wanted:
                yield raw


def _sheet_name(raw: RawSheet, used: set) -> str:
    """``<file stem>-<sheet>`` as a valid Excel sheet name — no ``[]:*?/\\`` or control
    characters, not starting or ending with ``'``, at most 31 characters, not ``History`` —
    unique case-insensitively among ``used`` (casefolded names; this one is added): a twin
    (``v.xlsx`` / ``V.xlsx``) is numbered ``(2)``, ``(3)``… in the fixed file and sheet order."""
    base = SHEET_NAME_FORBIDDEN.sub("_", f"{Path(raw.file).stem}-{raw.sheet}")
    name, n = _fit(base, SHEET_NAME_MAX), 1
    while name.casefold() in used:
        n += 1
        name = _fit(base, SHEET_NAME_MAX - len(f"({n})")) + f"({n})"
    used.add(name.casefold())
    return name


def _fit(base: str, width: int) -> str:
    """``base`` cut to ``width`` UTF-16 units, without a leading or trailing ``'``."""
    cut, size = [], 0
    for ch in base:
        size += 2 if ord(ch) > 0xFFFF else 1
        if size > width:
            break
        cut.append(ch)
    return "".join(cut).strip("'") or "工作表"


def _copy_sheet(ws, fmt, raw: RawSheet, marks: list[Finding]) -> None:
    rows = raw.rows
    marked_rows = {f.row for f in marks}
    copy_all = len(rows) <= FULL_COPY_ROWS
    header_end = min(marked_rows) - 1 if not copy_all else len(rows)
    for r, row in enumerate(rows):
        if copy_all or r < min(header_end, 30) or (r + 1) in marked_rows:
            for c, value in enumerate(row):
                _write_value(ws, fmt, r, c, value)
    by_cell = defaultdict(list)
    for f in marks:
        col = column_index(f.letter) if f.letter else 0
        by_cell[(f.row - 1, col)].append(f)
    for n, ((r, c), group) in enumerate(sorted(by_cell.items())):
        worst = "error" if any(f.severity == ERROR for f in group) else "warning"
        value = rows[r][c] if r < len(rows) and c < len(rows[r]) else None
        _write_value(ws, fmt, r, c, value, fmt[worst])
        if n < MAX_COMMENTS:
            ws.write_comment(r, c, "\n".join(f"[{f.code}] {f.message}" for f in group)[:30000],
                             {"x_scale": 3, "y_scale": 2})
    _fit_columns(ws, rows)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    first = min(marked_rows)
    ws.freeze_panes(min(first - 1, 30), 0)        # the header (and title) rows stay in view


def _fit_columns(ws, rows: list) -> None:
    """Widths from the first rows' text (wide CJK characters count double)."""
    sample = rows[:200]
    width = max((len(r) for r in sample), default=1)
    for c in range(width):
        texts = [_shown(r[c]) for r in sample if c < len(r) and r[c] not in (None, "")]
        ws.set_column(c, c, column_width(texts) if texts else 8)


def _shown(value) -> str:
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)[:60]


def _write_value(ws, fmt, r, c, value, cell_format=None) -> None:
    if value is None or value == "":
        ws.write_blank(r, c, None, cell_format)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, cell_format)
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value, cell_format)
    elif isinstance(value, datetime):
        ws.write_datetime(r, c, value, cell_format or fmt["datetime"])
    elif isinstance(value, date):
        ws.write_datetime(r, c, datetime(value.year, value.month, value.day), cell_format or fmt["date"])
    elif isinstance(value, time):
        ws.write_datetime(r, c, value, cell_format or fmt["time"])
    else:
        ws.write_string(r, c, str(value)[:32767], cell_format)
