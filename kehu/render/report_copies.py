"""The 校验报告's annotated copies of the input sheets that have row findings (issue 14 item 5).

A copy keeps the sheet's columns at their letters, so a finding's cell (``C7``) is where it says.
A short sheet (≤ ``SHORT_SHEET`` rows) is copied whole, at its own Excel rows; a long one as its
header row and the flagged rows only, each with its Excel row number in a column 原表行号 — not
ten printed pages for four warnings. A flagged cell is filled strongly (red: error, amber:
warning) and its row lightly; the messages stand in a column 问题说明 beside the row, because
comments do not print (each flagged cell keeps one for the screen). The header row is frozen
and repeated on every printed page (A4 landscape, one page wide).
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

from kehu.findings import ERROR, Finding, column_index
from kehu.findings_order import stage_of
from kehu.load.headers import header_row
from kehu.load.reader import RawSheet, read_file
from kehu.load.safety import UnsafeFile
from kehu.render.xlsx_fast_rows import Worksheet
from kehu.render.xlsx_style import column_width

SHORT_SHEET = 50                 # longer sheets are copied as header + flagged rows only
MAX_COMMENTS = 5_000             # per annotated sheet; Excel slows down with more
MESSAGE_WIDTH = 60
LINE_HEIGHT = 16                 # points per line of wrapped 11-point text (CJK glyphs are tall)
SHEET_NAME_MAX = 31                              # Excel's limit, in UTF-16 units (as xlsxwriter counts)
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
RESERVED_SHEET = "History"                       # Excel keeps it for itself
NUMBER_FORMATS = {datetime: "yyyy-mm-dd hh:mm", date: "yyyy-mm-dd", time: "hh:mm"}
# the look of a copied cell: (fill, bold, font colour, border) per kind
TOP = {"valign": "top"}
LOOKS = {
    "plain": TOP,
    "header": {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"},
    "row-error": {**TOP, "bg_color": "#FCE4E4"},
    "row-warning": {**TOP, "bg_color": "#FFF4D6"},
    "cell-error": {**TOP, "bold": True, "bg_color": "#FF0000", "font_color": "#FFFFFF", "border": 2, "border_color": "#7F0000"},
    "cell-warning": {**TOP, "bold": True, "bg_color": "#FFC000", "border": 2, "border_color": "#7F6000"},
    "message": {"text_wrap": True, "valign": "top", "border": 1, "font_color": "#9C0006"},
    "row-number": {**TOP, "bold": True, "align": "center", "border": 1},
}


def annotate_sheets(wb, findings: list[Finding], sources: dict, vetted: dict, used=(), kept=None) -> None:
    """A copy of every input sheet with row findings, after the sheets named in ``used``; the raw
    sheets from ``kept`` (kehu.load.cache) when it has them."""
    by_sheet = defaultdict(list)
    for f in findings:
        if f.row:
            by_sheet[(f.file, f.sheet)].append(f)
    names = {name.casefold() for name in (*used, RESERVED_SHEET)}
    looks = Looks(wb)
    for raw in _marked_sheets(sources, by_sheet, vetted, kept):
        ws = wb.add_worksheet(_sheet_name(raw, names), worksheet_class=Worksheet)
        SheetCopy(ws, looks, raw, by_sheet[(raw.file, raw.sheet)]).write()


class Looks:
    """The workbook's cell formats, one per (look, number format), made once."""

    def __init__(self, wb):
        self.wb, self.made, self.by_type = wb, {}, {}

    def __call__(self, look: str, value=None):
        key = (look, type(value))           # the same format for every value of a type: looked up once
        if key not in self.by_type:
            self.by_type[key] = self._format(look, next((f for t, f in NUMBER_FORMATS.items()
                                                         if isinstance(value, t)), None))
        return self.by_type[key]

    def _format(self, look: str, number: str | None):
        if (look, number) not in self.made:
            self.made[look, number] = self.wb.add_format({**LOOKS[look], **({"num_format": number} if number else {})})
        return self.made[look, number]


class RowCells:
    """A sheet's cells written a row at a time — the very cells its ``write_*`` would store, in the
    same order. On a sheet that takes prepared cells (kehu.render.xlsx_fast_rows) each is made as
    the tuple xlsxwriter keeps and the row stored at once: no A1-notation check, dimension check,
    format lookup or type dispatch per cell, which cost more than the cell itself on the visits
    month's 250,000 cells of 问题清单 and the copies. A value no prepared cell holds (a text over
    16,383 characters, NaN, a bool) is written by ``write_*`` in its turn, so the shared strings
    are counted in the same order."""

    def __init__(self, ws, looks: Looks | None = None):
        self.ws, self.looks, self.fast = ws, looks, ws.prepared_cells()
        self.writers = dict(zip(("string", "number", "blank", "datetime"), ws.cell_writers()))
        self.makers: dict = {}              # (kind, format) or (look, value type) → value → cell or None
        self.at, self.cells = 0, {}

    def start(self, row: int) -> None:
        self.at, self.cells = row, {}

    def end(self) -> None:
        """Store the row's prepared cells (before anything sets the row's height, as the writes were)."""
        if self.cells:
            self.ws.store_rows(self.at, [self.cells])

    def string(self, col: int, text: str, cell_format) -> None:
        self._put("string", col, text, cell_format)

    def number(self, col: int, number, cell_format) -> None:
        self._put("number", col, number, cell_format)

    def blank(self, col: int, cell_format) -> None:
        self._put("blank", col, None, cell_format)

    def value(self, col: int, value, look: str) -> None:
        """An input cell's value in ``look``, written as ``_write_value`` writes it."""
        key = (look, value.__class__)
        make = self.makers.get(key)
        if make is None:
            make = self.makers[key] = self._value_maker(value.__class__, self.looks(look, value))
        cell = make(value)
        if cell is None:
            _write_value(self.ws, self.at, col, value, self.looks(look, value))
        else:
            self.cells[col] = cell

    def _put(self, kind: str, col: int, value, cell_format) -> None:
        make = self.makers.get((kind, cell_format))
        if make is None:
            make = self.makers[kind, cell_format] = self._maker(kind, cell_format)
        cell = make(value)
        if cell is None:
            self.writers[kind](self.at, col, value, cell_format)
        else:
            self.cells[col] = cell

    def _maker(self, kind: str, cell_format):
        if not self.fast:
            return _unprepared
        if kind == "string":
            return self.ws.string_cells(cell_format)
        if kind == "number":
            return self.ws.number_cells(cell_format)
        blank = self.ws.blank_cell(cell_format)
        return lambda _: blank

    def _value_maker(self, value_type: type, cell_format):
        """``_write_value``'s choice for a value of exactly ``value_type``, as a maker (the types
        a reader gives; any other is left to ``_write_value``)."""
        if not self.fast or value_type not in _PREPARED_TYPES:
            return _unprepared
        ws, blank = self.ws, self.ws.blank_cell(cell_format)
        if value_type is str:
            string = ws.string_cells(cell_format)
            return lambda text: string(text) if text else blank
        if value_type is int or value_type is float:
            return ws.number_cells(cell_format)
        if value_type is date:
            return lambda day: ws.datetime_cell(datetime(day.year, day.month, day.day), cell_format)
        if value_type is datetime or value_type is time:
            return lambda moment: ws.datetime_cell(moment, cell_format)
        return lambda _: blank                          # None


_PREPARED_TYPES = frozenset((str, int, float, datetime, date, time, type(None)))


def _unprepared(_value) -> None:
    """The maker of a sheet that takes no prepared cells: every cell written by ``write_*``."""
    return None


class SheetCopy:
    """One annotated copy: which rows go where, and how each cell looks."""

    def __init__(self, ws, looks: Looks, raw: RawSheet, marks: list[Finding]):
        self.ws, self.looks, self.raw = ws, looks, raw
        self.cells = RowCells(ws, looks)
        self.by_row = defaultdict(list)
        for f in sorted(marks, key=lambda f: (f.row, stage_of(f) == "consequence", f.severity != ERROR,
                                              f.letter.rjust(3), f.code)):
            if f.row <= len(raw.rows):
                self.by_row[f.row].append(f)
        self.header = max(header_row(raw.rows), 0) + 1                # the header's Excel row
        self.compact = len(raw.rows) > SHORT_SHEET
        self.plan = self._plan()                                      # (Excel row, row of the copy)
        self.width = max([len(raw.rows[r - 1]) for r, _ in self.plan] +
                         [column_index(f.letter) + 1 for fs in self.by_row.values() for f in fs if f.letter] + [1])

    def _plan(self) -> list[tuple[int, int]]:
        if not self.compact:
            return [(r, r - 1) for r in range(1, len(self.raw.rows) + 1)]
        rows = sorted({self.header, *self.by_row})
        return [(r, i) for i, r in enumerate(rows)]

    def write(self) -> None:
        for excel_row, at in self.plan:
            self._row(excel_row, at)
        self._extra_headers()
        self._comments()
        self._layout()

    def _row(self, excel_row: int, at: int) -> None:
        marks = self.by_row.get(excel_row, [])
        worst = _worst(marks)
        strong = {column_index(f.letter): _worst([g for g in marks if g.letter == f.letter]) for f in marks if f.letter}
        look = "header" if excel_row == self.header else f"row-{worst}" if worst else "plain"
        values, cells, looks = self.raw.rows[excel_row - 1], self.cells, self.looks
        cells.start(at)
        for c in range(self.width if (marks or excel_row == self.header) else len(values)):
            value = values[c] if c < len(values) else None
            cells.value(c, value, f"cell-{strong[c]}" if c in strong else look)
        if self.compact and excel_row != self.header:
            cells.number(self.width, excel_row, looks("row-number"))
        messages = _messages(marks) if marks and excel_row != self.header else None
        if messages is not None:
            cells.string(self.width + self.compact, messages, looks("message"))
        cells.end()
        if messages is not None:
            fit_height(self.ws, at, [(messages, MESSAGE_WIDTH)])

    def _extra_headers(self) -> None:
        """原表行号 (a compact copy) and 问题说明 at the header row; the header's own findings under it."""
        self.header_at = dict(self.plan).get(self.header, 0)
        if self.compact:
            self.ws.write_string(self.header_at, self.width, "原表行号", self.looks("header"))
        title = "问题说明" + ("（只复制了表头和有问题的行）" if self.compact else "")
        marks = self.by_row.get(self.header, [])
        text = title + ("\n表头：" + _messages(marks) if marks else "")
        self.ws.write_string(self.header_at, self.width + self.compact, text, self.looks("header"))
        fit_height(self.ws, self.header_at, [(text, MESSAGE_WIDTH)])

    def _comments(self) -> None:
        """A comment on each flagged cell, for the screen (the 问题说明 column is what prints)."""
        placed = dict(self.plan)
        cells = [(f.row, f.letter) for fs in self.by_row.values() for f in fs if f.letter]
        for n, (row, letter) in enumerate(sorted(set(cells), key=lambda x: (x[0], x[1].rjust(3)))):
            if n == MAX_COMMENTS:
                break
            marks = [f for f in self.by_row[row] if f.letter == letter]
            self.ws.write_comment(placed[row], column_index(letter),
                                  "\n".join(f"[{f.code}] {f.message}" for f in marks)[:30000],
                                  {"x_scale": 3, "y_scale": 2})

    def _layout(self) -> None:
        sample = [self.raw.rows[r - 1] for r, _ in self.plan[:200]]
        for c in range(self.width):
            texts = {_shown(r[c]) for r in sample if c < len(r) and r[c] not in (None, "")}     # each text once
            self.ws.set_column(c, c, min(column_width(texts), 30) if texts else 8)
        if self.compact:
            self.ws.set_column(self.width, self.width, 9)
        self.ws.set_column(self.width + self.compact, self.width + self.compact, MESSAGE_WIDTH)
        self.ws.set_landscape()
        self.ws.set_paper(9)
        self.ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        self.ws.fit_to_pages(1, 0)
        self.ws.repeat_rows(self.header_at)
        self.ws.freeze_panes(self.header_at + 1, 0)
        where = f"{self.raw.file} / {self.raw.sheet}".replace("&", "&&")      # & starts a footer code
        self.ws.set_footer(f"&C{where}（标注副本）  第 &P 页，共 &N 页")


def fit_height(ws, row: int, cells: list[tuple[str, float]]) -> None:
    """Set ``row``'s height to show each (text, column width) of ``cells`` whole when wrapped:
    neither Excel nor LibreOffice grows a row for wrapped text written by xlsxwriter."""
    lines = max((_lines(text, width) for text, width in cells), default=1)
    if lines > 1:
        ws.set_row(row, LINE_HEIGHT * lines)


def _lines(text: str, width: float) -> int:
    per_line = max(int(width) - 1, 1)
    text = str(text)
    if "\n" not in text:                   # most texts: one line, counted without splitting
        if len(text) <= per_line // 2:      # fits even if every character is wide
            return 1
        return max(1, -(-_columns(text) // per_line))
    return sum(max(1, -(-_columns(line) // per_line)) for line in text.split("\n"))


def _columns(line: str) -> int:
    """About ``display_width(line)``, counted in C: a CJK character is 3 UTF-8 bytes and 2
    columns, ASCII 1 and 1 — for a report of many thousand findings."""
    return len(line) + (len(line.encode("utf-8")) - len(line)) // 2


def _messages(marks: list[Finding]) -> str:
    return "\n".join(f"{f.code}：{f.message}" for f in marks)[:32767]


def _worst(marks: list[Finding]) -> str | None:
    if not marks:
        return None
    return "error" if any(f.severity == ERROR for f in marks) else "warning"


def _marked_sheets(sources: dict, wanted, vetted: dict, kept=None) -> Iterator[RawSheet]:
    """The input sheets that have row findings, in file and sheet order: the raw sheets the load
    kept in the cache with the file's present bytes (``kept``), else read again — the load keeps
    no raw cells in memory (a province month's would fill gigabytes)."""
    for name in sorted({file for file, _ in wanted if file in sources}):
        raws = kept.get_raws(sources[name]) if kept is not None else None
        if raws is None:
            try:
                raws = read_file(sources[name], vetted.get(name))
            except (UnsafeFile, OSError):
                continue    # changed or removed since it was validated: 问题清单 still lists its findings
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


def _shown(value) -> str:
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)[:60]


def _write_value(ws, r, c, value, cell_format) -> None:
    if value is None or value == "":
        ws.write_blank(r, c, None, cell_format)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, cell_format)
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value, cell_format)
    elif isinstance(value, datetime):
        ws.write_datetime(r, c, value, cell_format)
    elif isinstance(value, date):
        ws.write_datetime(r, c, datetime(value.year, value.month, value.day), cell_format)
    elif isinstance(value, time):
        ws.write_datetime(r, c, value, cell_format)
    else:
        ws.write_string(r, c, str(value)[:32767], cell_format)
