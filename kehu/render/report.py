"""The validation report workbook (SPEC §5; issue 14 item 5): the document the clerk works from.

- 概要: the verdict, a failed run's note on where the month's last good results are, and what
  to fix, in order (kehu.findings_order: causes first, consequences folded under them, the
  findings of one code in one column as one line with their count);
- 问题清单: every finding in that order, one line each, printable on A4 (landscape, fit to
  width, wrapped text, a title, the header repeated on every page);
- 读取情况: the manifest — read = used + rejected + ignored + duplicate + empty per input
  sheet — and the entries of the folder that were not read, with why;
- 导入核对, when the month holds a DingTalk / WeCom attendance export: the days the export judges
  unlike kehu (kehu.render.import_check);
- an annotated copy of every sheet with row findings (kehu.render.report_copies).
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from kehu.collector import collector_paused
from kehu.findings import ERROR, Finding
from kehu.findings_order import SEVERITY_WORDS, Problem, in_order, problems, title_of
from kehu.render.import_check import SHEET as IMPORT_CHECK, write_import_check
from kehu.render.report_copies import LINE_HEIGHT, RowCells, annotate_sheets, fit_height
from kehu.render.xlsx_fast_rows import Workbook, Worksheet
from kehu.schema import BY_KEY

WB_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
              "constant_memory": False, "in_memory": True}     # no temporary file per sheet: one write
FINDING_HEADERS = ["级别", "代码", "文件", "工作表", "行", "列", "单元格", "值", "说明"]
FINDING_WIDTHS = [6, 17, 16, 10, 6, 12, 7, 12, 52]
PROBLEM_HEADERS = ["序号", "级别", "问题", "位置", "条数", "说明（同类的第一条）"]
PROBLEM_WIDTHS = [5, 6, 16, 26, 7, 70]
MANIFEST_HEADERS = ["文件", "工作表", "识别为", "读取行数", "使用", "拒绝", "忽略（有警告）", "重复", "空行"]
FIXED_SHEETS = ("概要", "问题清单", "读取情况", IMPORT_CHECK)
A4 = 9


def write_report(path: Path, findings: list[Finding], sheets: list, sources: dict, month_label: str,
                 vetted: dict | None = None, set_aside: list = (), import_check=None, note: str | None = None,
                 kept=None) -> Path:
    """The report of the month whose input files are ``sources`` (name → InputFile; the offending
    sheets are taken from ``kept``, the run's kehu.load.cache.TypedFileCache, or read again;
    ``vetted``: file name → the load's safety pre-scan of that workbook, not repeated if unchanged;
    ``set_aside``: the folder's entries that were not read, and why;
    ``import_check``: the 导入核对 rows of the attendance exports, kehu.validate.import_check;
    ``note``: a line that heads the summary — a failed run's word on the month's last results).

    The cyclic garbage collector is paused while it writes: its cells, rows and comments (half a
    million objects on the visits month) are no cyclic garbage, and each full pass over the
    month's objects that they set off found none (~0.4 of 1.7 CPU-s there)."""
    with collector_paused():
        wb = Workbook(str(path), WB_OPTIONS)       # xlsxwriter's, its rows written fast (kehu.render.xlsx_fast_rows)
        wb.set_properties({"title": f"kehu 校验报告 {month_label}", "created": datetime(2000, 1, 1)})
        fmt = _formats(wb)
        _summary(wb, fmt, problems(findings), findings, month_label, note)
        _finding_list(wb, fmt, in_order(findings), month_label)
        _manifest(wb, fmt, sheets, set_aside, month_label)
        write_import_check(wb, fmt, import_check, month_label, _print_setup)
        annotate_sheets(wb, findings, sources, vetted or {}, used=FIXED_SHEETS, kept=kept)
        wb.close()
    return path


def _formats(wb) -> dict:
    base = {"valign": "top", "font_size": 11}
    return {
        "title": wb.add_format({"bold": True, "font_size": 16}),
        "subtitle": wb.add_format({"font_size": 11, "font_color": "#404040"}),
        "verdict_bad": wb.add_format({"bold": True, "font_size": 12, "font_color": "#C00000"}),
        "verdict_ok": wb.add_format({"bold": True, "font_size": 12, "font_color": "#006100"}),
        "note": wb.add_format({"bold": True, "font_size": 12, "font_color": "#9C0006", "bg_color": "#FFEB9C",
                               "border": 2, "border_color": "#C00000", "text_wrap": True, "valign": "vcenter"}),
        "section": wb.add_format({"bold": True, "font_size": 12}),
        "head": wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}),
        "cell": wb.add_format({**base, "border": 1, "text_wrap": True}),
        "number": wb.add_format({**base, "border": 1, "num_format": "#,##0"}),
        "ordinal": wb.add_format({**base, "border": 1, "bold": True, "align": "center"}),
        "consequence": wb.add_format({**base, "border": 1, "text_wrap": True, "font_color": "#595959", "indent": 1}),
        "error": wb.add_format({**base, "bold": True, "border": 1, "bg_color": "#FF0000", "font_color": "#FFFFFF",
                                "align": "center"}),
        "warning": wb.add_format({**base, "bold": True, "border": 1, "bg_color": "#FFC000", "align": "center"}),
    }


def _print_setup(ws, repeat_to: int) -> None:
    """A4 landscape, one page wide, the rows up to ``repeat_to`` on every page, frozen below them."""
    ws.set_landscape()
    ws.set_paper(A4)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, repeat_to)
    ws.freeze_panes(repeat_to + 1, 0)
    ws.set_footer("&C第 &P 页，共 &N 页")


def _counts(findings: list[Finding]) -> tuple[int, int]:
    errors = sum(f.severity == ERROR for f in findings)
    return errors, len(findings) - errors


def _summary(wb, fmt, found: list[Problem], findings: list[Finding], month_label: str, note: str | None) -> None:
    """概要: the verdict and what to fix, in order, with counts."""
    ws = wb.add_worksheet("概要", worksheet_class=Worksheet)
    errors, warnings = _counts(findings)
    ws.write(0, 0, f"kehu 校验报告 — {month_label}", fmt["title"])
    verdict = ("有错误，未生成考核结果：请按下表的顺序改正后重新运行。" if errors else
               "没有错误，可以运行考核。" + ("下表的警告请核对。" if warnings else ""))
    ws.write(1, 0, f"错误 {errors:,} 条，警告 {warnings:,} 条。{verdict}", fmt["verdict_bad" if errors else "verdict_ok"])
    row = 2
    if note:
        ws.merge_range(row, 0, row, len(PROBLEM_HEADERS) - 1, note, fmt["note"])
        ws.set_row(row, 36)
        row += 1
    ws.write(row + 1, 0, "要改正的问题（按顺序：先改前面的原因，后面的问题可能随之消失）", fmt["section"])
    header = row + 2
    ws.write_row(header, 0, PROBLEM_HEADERS, fmt["head"])
    for r, line in enumerate(_problem_lines(found), start=header + 1):
        _problem_line(ws, fmt, r, line)
    if not found:
        ws.write(header + 1, 0, "没有任何问题。", fmt["subtitle"])
    for j, w in enumerate(PROBLEM_WIDTHS):
        ws.set_column(j, j, w)
    ws.write(header + 2 + max(len(found), 1) + sum(len(p.consequences) for p in found), 0,
             "每一条的详细位置见「问题清单」；有问题的工作表另有标注过的副本（见后面的工作表）；读取了哪些文件见「读取情况」。",
             fmt["subtitle"])
    _print_setup(ws, header)


def _problem_lines(found: list[Problem]) -> list[tuple]:
    """(序号 or None, severity, 问题, 位置, 条数, 说明, is a consequence) per line of 概要's table."""
    lines = []
    for n, p in enumerate(found, start=1):
        more = f"（同类共 {p.count:,} 条，见问题清单）" if p.count > 1 else ""
        lines.append((n, p.severity, f"{p.title}\n{p.lead.code}", _where(p.lead), p.count, p.lead.message + more, False))
        for c in p.consequences:
            lines.append((None, c.severity, f"└ {title_of(c)}\n{c.code}", _where(c), 1, c.message, True))
    return lines


def _problem_line(ws, fmt, r: int, line: tuple) -> None:
    n, severity, title, where, count, message, consequence = line
    text = fmt["consequence" if consequence else "cell"]
    ws.write(r, 0, n if n is not None else "", fmt["ordinal"] if n is not None else text)
    ws.write_string(r, 1, SEVERITY_WORDS[severity], fmt[severity])
    ws.write_string(r, 2, title, text)                    # 标题 and, under it, the code (docs/FINDINGS.md)
    ws.write_string(r, 3, where, text)
    ws.write_number(r, 4, count, fmt["number"])
    ws.write_string(r, 5, message, text)
    fit_height(ws, r, [(title, PROBLEM_WIDTHS[2]), (where, PROBLEM_WIDTHS[3]), (message, PROBLEM_WIDTHS[5])])


def _where(f: Finding) -> str:
    """'员工名册.xlsx / 员工 / 「绩效基数」列' — what of file, sheet and column the finding names."""
    parts = [f.file, f.sheet, f"「{f.column}」列" if f.column and f.row is not None else ""]
    if not f.file and f.dataset in BY_KEY:
        parts[0] = BY_KEY[f.dataset].name
    return " / ".join(p for p in parts if p)


def _finding_list(wb, fmt, findings: list[Finding], month_label: str) -> None:
    """问题清单: one line per finding, in the order the clerk fixes them."""
    ws = wb.add_worksheet("问题清单", worksheet_class=Worksheet)
    errors, warnings = _counts(findings)
    ws.write(0, 0, f"问题清单 — {month_label}（错误 {errors:,} 条，警告 {warnings:,} 条，按改正的顺序排列）", fmt["title"])
    ws.write_row(1, 0, FINDING_HEADERS, fmt["head"])
    cells = RowCells(ws)
    for i, f in enumerate(findings, start=2):
        _finding_line(cells, fmt, i, f)
        fit_height(ws, i, [(v, FINDING_WIDTHS[j]) for j, v in ((1, f.code), (2, f.file), (3, f.sheet), (5, f.column),
                                                              (7, f.value), (8, f.message))])
    for j, w in enumerate(FINDING_WIDTHS):
        ws.set_column(j, j, w)
    ws.autofilter(1, 0, max(len(findings), 1) + 1, len(FINDING_HEADERS) - 1)
    _print_setup(ws, 1)


def _finding_line(cells: RowCells, fmt, i: int, f: Finding) -> None:
    """问题清单's row ``i``: the finding's 级别, code, place, value and message."""
    cells.start(i)
    cells.string(0, SEVERITY_WORDS[f.severity], fmt[f.severity])
    text = fmt["cell"]
    for j, v in enumerate([f.code, f.file, f.sheet], start=1):
        cells.string(j, v, text)
    if f.row:
        cells.number(4, f.row, fmt["number"])
    else:
        cells.blank(4, text)
    for j, v in enumerate([f.column, f.cell, f.value, f.message], start=5):
        cells.string(j, v, text)
    cells.end()


def _manifest(wb, fmt, sheets: list, set_aside, month_label: str) -> None:
    """读取情况: per input sheet what became of its rows; the entries not read, and why."""
    ws = wb.add_worksheet("读取情况", worksheet_class=Worksheet)
    ws.write(0, 0, f"读取情况 — {month_label}（每张表：读取行数 = 使用 + 拒绝 + 忽略 + 重复 + 空行）", fmt["title"])
    ws.write_row(1, 0, MANIFEST_HEADERS, fmt["head"])
    ws.set_row(1, 2 * LINE_HEIGHT)
    for i, s in enumerate(sheets, start=2):
        ws.write_row(i, 0, [s.file, s.sheet, _dataset_name(s.dataset)], fmt["cell"])
        ws.write_row(i, 3, [s.read, s.used, s.rejected, s.ignored, s.duplicate, s.empty], fmt["number"])
    row = 2 + len(sheets) + 1
    if set_aside:
        ws.write_string(row, 0, "未读取的文件", fmt["head"])
        ws.merge_range(row, 1, row, len(MANIFEST_HEADERS) - 1, "原因", fmt["head"])
        for i, entry in enumerate(set_aside, start=row + 1):
            ws.write_string(i, 0, entry.name, fmt["cell"])
            ws.merge_range(i, 1, i, len(MANIFEST_HEADERS) - 1, entry.reason, fmt["cell"])
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 2, 12)
    ws.set_column(3, 8, 9)
    _print_setup(ws, 1)


def _dataset_name(key) -> str:
    return BY_KEY[key].name if key in BY_KEY else "（未识别）"
