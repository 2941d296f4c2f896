"""Shared xlsxwriter look and print setup for every workbook kehu writes.

Everything a clerk prints goes through ``Sheet``: a title row with the month,
Chinese headers, money as ¥#,##0.00, rates as percentages, column widths that
fit Chinese text (an East Asian wide character counts as 2), frozen header,
autofilter, A4 landscape fitted to the page width with the header row repeated
on every page, and page numbers in the footer.

Safety: workbooks are opened with ``strings_to_formulas``/``_urls``/``_numbers``
off and text cells are written with ``write_string``, so a customer named
``=HYPERLINK(...)`` or ``+8613800000000`` stays the text the clerk typed.
"""
from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from xlsxwriter.format import Format

from kehu.render.xlsx_sheet import Workbook, Worksheet

try:
    import pandas as pd
    _NA, _NAT, _TIMESTAMP = pd.NA, pd.NaT, pd.Timestamp
except ImportError:                           # pragma: no cover
    _NA = _NAT = _TIMESTAMP = object()

WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": True,
}
FONT_NAME = "宋体"          # on every Chinese Windows; LibreOffice falls back to a CJK font
FONT_SIZE = 10
MONEY = "¥#,##0.00"
NUMBER = "#,##0.00"
PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
MIN_WIDTH, MAX_WIDTH = 6, 48
EMPTY_RATE = "—"          # a rate whose denominator is 0 (SPEC §9.5): neither 0 nor 100 %
A4 = 9


def month_title(month) -> str:
    """'2026年10月' for Month(2026, 10)."""
    return f"{month.year}年{month.month}月"


def fixed_created(month) -> datetime:
    """Workbook 'created' property: the month's last day 18:00 — same bytes on every run."""
    last = month.last_day
    return datetime(last.year, last.month, last.day, 18, 0, 0)


def open_workbook(path: Path, month, title: str, subject: str = "") -> xlsxwriter.Workbook:
    """A safe, deterministic workbook (see module doc)."""
    wb = Workbook(str(path), {
        **WORKBOOK_OPTIONS,
        "default_date_format": DATE,
        "in_memory": True,            # no temporary files: one write per workbook
    })
    wb.set_properties({
        "title": title, "subject": subject or title, "author": "集团客户部",
        "company": "集团客户部", "comments": "kehu 月度考核", "created": fixed_created(month),
    })
    return wb


def close_workbook(wb: xlsxwriter.Workbook) -> None:
    """``wb.close()``, then drop the sheets' cells. A workbook and its sheets reference each
    other, so without this a manager book's ~1,500 stored cells would wait for the cyclic
    garbage collector instead of being freed at once."""
    wb.close()
    for ws in wb.worksheets():
        cells = getattr(ws, "table", None)
        if isinstance(cells, dict):
            cells.clear()


# ---------------------------------------------------------------------------
# width of text as Excel shows it

@functools.lru_cache(maxsize=1 << 16)       # called for every cell written; texts repeat a lot
def display_width(text: str) -> int:
    """Columns needed for ``text``: East Asian wide/fullwidth characters count 2."""
    if text.isascii():                      # no ASCII character is wide
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def column_width(texts) -> float:
    """Excel column width that shows the longest line of ``texts`` without ### or cut text."""
    widest = max((display_width(line) for t in texts for line in str(t).split("\n")), default=0)
    return float(min(MAX_WIDTH, max(MIN_WIDTH, widest + 2)))


@functools.lru_cache(maxsize=1 << 16)
def text_width(text: str) -> int:
    """Display width of the widest line of ``text`` (``column_width`` before padding and clamping)."""
    if "\n" not in text:
        return display_width(text)
    return max(display_width(line) for line in text.split("\n"))


@functools.lru_cache(maxsize=1 << 12)
def header_width(text: str) -> int:
    """Unclamped width a header asks for: a long header wraps to 2 lines rather than widen its column."""
    width = text_width(text)
    if display_width(text) > 8:
        width = min(width, text_width(text[: (len(text) + 1) // 2]))
    return width


def clamp_width(widest: int) -> float:
    """``column_width`` of texts whose widest line is ``widest`` — the same value and type the
    old per-cell ``max(widths.get(col, MIN_WIDTH), column_width([text]))`` ended with
    (the int MIN_WIDTH when nothing was wider, since ``max`` keeps its first argument on a tie)."""
    width = widest + 2
    return MIN_WIDTH if width <= MIN_WIDTH else float(min(MAX_WIDTH, width))


# ---------------------------------------------------------------------------
# formats

_BASE = {"font_name": FONT_NAME, "font_size": FONT_SIZE, "valign": "vcenter"}
_CELL = {**_BASE, "border": 1, "border_color": "#A6A6A6"}
_ALERT = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}
_WARN = {"bg_color": "#FFEB9C", "font_color": "#9C5700"}
_GOOD = {"font_color": "#006100"}


_PROTOTYPES: dict[tuple, Format] = {}


def _format_adder(wb: xlsxwriter.Workbook):
    """``wb.add_format`` for the fixed specs below, but each distinct spec is parsed into a
    ``Format`` only once per process: later workbooks get a copy of that pristine prototype
    registered exactly as ``add_format`` registers a new one (same attributes, same order in
    ``wb.formats``, the workbook's own index tables), so styles.xml is unchanged."""
    defaults = wb.default_format_properties
    base = tuple(defaults.items())

    def add(properties: dict) -> Format:
        key = (base, tuple(properties.items()))
        proto = _PROTOTYPES.get(key)
        if proto is None:                       # what add_format builds: defaults updated by properties
            proto = _PROTOTYPES[key] = Format({**defaults, **properties}, None, None)
        fmt = Format.__new__(Format)
        fmt.__dict__.update(proto.__dict__)
        fmt.xf_format_indices = wb.xf_format_indices
        fmt.dxf_format_indices = wb.dxf_format_indices
        wb.formats.append(fmt)
        return fmt
    return add


class Formats:
    """The formats of one workbook, created once and shared by its sheets."""

    def __init__(self, wb: xlsxwriter.Workbook):
        add = _format_adder(wb)
        self.title = add({**_BASE, "bold": True, "font_size": 14, "align": "center"})
        self.subtitle = add({**_BASE, "font_color": "#595959", "align": "left"})
        self.section = add({**_BASE, "bold": True, "font_size": 11, "bottom": 2})
        self.header = add({**_CELL, "bold": True, "bg_color": "#DDEBF7", "align": "center",
                           "text_wrap": True})
        self.text = add({**_CELL})
        self.wrap = add({**_CELL, "text_wrap": True})
        self.center = add({**_CELL, "align": "center"})
        self.money = add({**_CELL, "num_format": MONEY})
        self.number = add({**_CELL, "num_format": NUMBER})
        self.int = add({**_CELL, "num_format": "0", "align": "center"})
        self.score = add({**_CELL, "num_format": "0.00"})
        self.pct = add({**_CELL, "num_format": PERCENT, "align": "right"})
        self.date = add({**_CELL, "num_format": DATE, "align": "center"})
        self.label = add({**_CELL, "bold": True, "bg_color": "#F2F2F2"})
        self.total_label = add({**_CELL, "bold": True, "bg_color": "#F2F2F2", "top": 2})
        self.total_money = add({**_CELL, "bold": True, "num_format": MONEY, "bg_color": "#F2F2F2", "top": 2})
        self.total_score = add({**_CELL, "bold": True, "num_format": "0.00", "bg_color": "#F2F2F2", "top": 2})
        self.total_int = add({**_CELL, "bold": True, "num_format": "0", "align": "center",
                              "bg_color": "#F2F2F2", "top": 2})
        self.total_blank = add({**_CELL, "bg_color": "#F2F2F2", "top": 2})
        self.big_money = add({**_CELL, "bold": True, "font_size": 12, "num_format": MONEY})
        self.sign = add({**_BASE, "font_size": 11})
        self.note = add({**_BASE, "font_color": "#595959", "italic": True, "text_wrap": True,
                         "valign": "top"})
        self.alert = add(_ALERT)          # conditional: deduction > 0, missed callback …
        self.warn = add(_WARN)            # conditional: late callback, pending
        self.good = add(_GOOD)
        self.by_kind = {"text": self.text, "id": self.text, "wrap": self.wrap, "center": self.center,
                        "money": self.money, "number": self.number, "int": self.int,
                        "score": self.score, "pct": self.pct, "date": self.date,
                        "bool": self.center, "label": self.center}
        self.total_by_kind = {"money": self.total_money, "score": self.total_score,
                              "number": self.total_money, "int": self.total_int}


# ---------------------------------------------------------------------------
# values

def is_missing(value) -> bool:
    """None, pandas NA/NaT or a float NaN (``x != x`` is ``math.isnan`` for floats)."""
    return (value is None or value is _NA or value is _NAT
            or (isinstance(value, float) and value != value))


def _number(value) -> float:
    """``as_number`` of a value already known not missing and not ''."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return float(Decimal(value))
    return float(value)


def as_number(value) -> float | None:
    """Decimal / str "12.30" / int / float → float; None/NA/'' → None."""
    if is_missing(value) or value == "":
        return None
    return _number(value)


def as_datetime(value) -> datetime | None:
    if is_missing(value):
        return None
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return None


_CONTROL = {c: None for c in range(32) if c not in (9, 10)} | {127: None}


def printable(text: str) -> str:
    """Text without control characters (they print as boxes); tab and newline stay."""
    return text.translate(_CONTROL)


def yes_no(value) -> str:
    if is_missing(value):
        return ""
    return "是" if bool(value) else "否"


@dataclass
class Col:
    """One table column: Chinese header, record key, kind (see Formats.by_kind),
    optional value mapping (code → Chinese label) and a minimum width."""
    header: str
    key: str
    kind: str = "text"
    labels: dict | None = None
    width: float | None = None
    total: bool = False            # summed in the total row


def shown_text(value, kind: str) -> str:
    """The text Excel will show — used to size the column."""
    if is_missing(value) or value == "":
        return ""
    if kind in ("money", "number"):
        return f"¥{as_number(value):,.2f}"
    if kind == "score":
        return f"{as_number(value):.2f}"
    if kind == "pct":
        return f"{as_number(value) * 100:.1f}%" if isinstance(value, (int, float, Decimal)) else str(value)
    if kind == "date":
        return "2026-10-31"
    return str(value)


_NUMERIC_KINDS = frozenset(("money", "number", "int", "score"))
_DATE_WIDTH = display_width(shown_text(date(2026, 10, 31), "date"))


def cell_value(record: dict, col: Col):
    value = record.get(col.key)
    if col.labels is not None and not is_missing(value):
        value = col.labels.get(value, value)
    if col.kind == "bool" and not isinstance(value, str):
        value = yes_no(value)
    return value


# ---------------------------------------------------------------------------
# table cells prepared in bulk

def _is_empty(value) -> bool:
    """The values ``_put`` writes as a blank cell."""
    return (value is None or value is _NA or value is _NAT
            or (isinstance(value, float) and value != value) or value == "")


def _cell_maker(ws: Worksheet, kind: str, f: Format, center: Format):
    """value → (cell to store, its shown width) for one table column of ``kind`` written with
    ``f``: the cell and width ``Sheet._put`` would write and track (width -1: a blank, not
    tracked); None for a value to leave to ``_put`` (a huge text, NaN/±inf)."""
    if kind in _NUMERIC_KINDS or kind == "pct":
        return _number_maker(ws, kind, f, center)
    if kind == "date":
        return _date_maker(ws, f)
    return _text_maker(ws, f)


def _text_maker(ws: Worksheet, f: Format):
    blank, string_cell = (ws.blank_cell(f), -1), ws.string_cells(f)

    def make(value):
        if type(value) is str:                  # most cells: skip the missing-value tests
            if not value:
                return blank
            text = value
        elif _is_empty(value):
            return blank
        else:
            text = str(value)
        cell = string_cell(text if text.isprintable() else printable(text))
        return None if cell is None else (cell, text_width(text))
    return make


def _number_maker(ws: Worksheet, kind: str, f: Format, center: Format):
    blank, number_cell, shown = (ws.blank_cell(f), -1), ws.number_cells(f), _NUMBER_WIDTHS[kind]
    text = _text_maker(ws, center) if kind == "pct" else None       # an empty rate "—"

    def make(value):
        if _is_empty(value):
            return blank
        if text is not None and isinstance(value, str):
            return text(value)
        number = _number(value)
        cell = number_cell(number)
        return None if cell is None else (cell, shown(number, value))
    return make


def _date_maker(ws: Worksheet, f: Format):
    blank, string_cell, datetime_cell = (ws.blank_cell(f), -1), ws.string_cells(f), ws.datetime_cell
    dates: dict = {}                            # Timestamp → its cell (no shared string in it)

    def make(value):
        if type(value) is _TIMESTAMP:
            made = dates.get(value)
            if made is None:
                made = dates[value] = (datetime_cell(value.to_pydatetime(), f), _DATE_WIDTH)
            return made
        if _is_empty(value):
            return blank
        dt = as_datetime(value)
        cell = string_cell(str(value)) if dt is None else datetime_cell(dt, f)
        return None if cell is None else (cell, _DATE_WIDTH)
    return make


def _int_width(number: float, value) -> int:
    return text_width(str(value))


def _pct_width(number: float, value) -> int:
    return len(f"{number * 100:.1f}%") if isinstance(value, (int, float, Decimal)) else text_width(str(value))


_NUMBER_WIDTHS = {                                        # (number, value) → shown width, by kind
    "money": lambda number, value: len(f"{number:,.2f}") + 1,        # "¥" + digits: all narrow
    "number": lambda number, value: len(f"{number:,.2f}") + 1,
    "score": lambda number, value: len(f"{number:.2f}"),
    "int": _int_width,
    "pct": _pct_width,
}


# ---------------------------------------------------------------------------
# a sheet

class Sheet:
    """A worksheet with a row cursor, width tracking and the print setup.

    ``ncols`` is the printed width in columns (title merge, fit to width).
    """

    def __init__(self, wb: xlsxwriter.Workbook, fmt: Formats, name: str, ncols: int):
        self.wb, self.fmt, self.ncols = wb, fmt, max(1, ncols)
        self.ws = ws = wb.add_worksheet(name, worksheet_class=Worksheet)
        # xlsxwriter's undecorated cell writers (what its write()/write_row() call): the public
        # write_* only add an A1-notation check, which costs more than the write itself here
        self._string = getattr(ws, "_write_string", ws.write_string)
        self._number = getattr(ws, "_write_number", ws.write_number)
        self._blank = getattr(ws, "_write_blank", ws.write_blank)
        self._datetime = getattr(ws, "_write_datetime", ws.write_datetime)
        self.row = 0
        self._widest: dict[int, int] = {}      # column → widest text written (display width)
        self.fixed: dict[int, float] = {}
        self.header_row: int | None = None     # first table header: frozen + repeated
        self.filtered = False

    # -- widths
    @property
    def widths(self) -> dict[int, float]:
        """Column → width that fits every text written to it (headers may wrap)."""
        return {c: clamp_width(w) for c, w in self._widest.items()}

    def track(self, col: int, text: str, kind: str = "text") -> None:
        # headers wrap (2 lines) rather than widen a number column
        self._widen(col, header_width(text) if kind == "header" else text_width(text))

    def _widen(self, col: int, width: int) -> None:
        if self._widest.get(col, -1) < width:
            self._widest[col] = width

    def set_width(self, col: int, width: float) -> None:
        self.fixed[col] = width

    # -- writing
    def write(self, row: int, col: int, value, kind: str = "text", fmt=None) -> None:
        """Write one value by kind; text always as a string (never a formula/link)."""
        self._put(row, col, value, kind, fmt or self.fmt.by_kind.get(kind, self.fmt.text))

    def _put(self, row: int, col: int, value, kind: str, f) -> None:
        """``write`` with the format chosen; sizes the column by the text Excel shows
        (what ``shown_text`` returns, computed here without building it twice)."""
        if (value is None or value is _NA or value is _NAT
                or (isinstance(value, float) and value != value) or value == ""):
            self._blank(row, col, None, f)
            return
        if kind in _NUMERIC_KINDS or (kind == "pct" and not isinstance(value, str)):
            number = _number(value)
            self._number(row, col, number, f)
            if kind == "money" or kind == "number":
                width = len(f"{number:,.2f}") + 1          # "¥" + digits: all narrow
            elif kind == "score":
                width = len(f"{number:.2f}")
            elif kind == "pct" and isinstance(value, (int, float, Decimal)):
                width = len(f"{number * 100:.1f}%")
            else:
                width = text_width(str(value))
        elif kind == "date":
            dt = as_datetime(value)
            if dt is None:
                self._string(row, col, str(value), f)
            else:
                self._datetime(row, col, dt, f)
            width = _DATE_WIDTH
        else:
            if kind == "pct":                   # an empty rate shown as "—"
                f = self.fmt.center
            text = str(value)
            self._string(row, col, printable(text), f)
            width = text_width(text)
        if self._widest.get(col, -1) < width:
            self._widest[col] = width

    def title(self, text: str, subtitle: str = "") -> None:
        """Title row (merged over the printed width) and an optional subtitle row."""
        ws = self.ws
        last = self.ncols - 1
        if last > 0:
            ws.merge_range(self.row, 0, self.row, last, "", self.fmt.title)
        ws.write_string(self.row, 0, text, self.fmt.title)
        ws.set_row(self.row, 24)
        self.row += 1
        if subtitle:
            if last > 0:
                ws.merge_range(self.row, 0, self.row, last, "", self.fmt.subtitle)
            ws.write_string(self.row, 0, subtitle, self.fmt.subtitle)
            self.row += 1
        self.row += 1

    def section(self, text: str) -> None:
        last = self.ncols - 1
        if last > 0:
            self.ws.merge_range(self.row, 0, self.row, last, "", self.fmt.section)
        self.ws.write_string(self.row, 0, text, self.fmt.section)
        self.ws.set_row(self.row, 20)
        self.row += 1

    def note(self, text: str, height: int = 30) -> None:
        last = self.ncols - 1
        if last > 0:
            self.ws.merge_range(self.row, 0, self.row, last, "", self.fmt.note)
        self.ws.write_string(self.row, 0, text, self.fmt.note)
        self.ws.set_row(self.row, height)
        self.row += 1

    def header(self, headers: list[str], first_col: int = 0) -> int:
        string, fmt, widen = self._string, self.fmt.header, self._widen
        for i, h in enumerate(headers):
            string(self.row, first_col + i, h, fmt)
            widen(first_col + i, header_width(h))
        self.ws.set_row(self.row, 30 if any(display_width(h) > 8 for h in headers) else 20)
        if self.header_row is None:
            self.header_row = self.row
        self.row += 1
        return self.row - 1

    def table(self, cols: list[Col], records: list[dict], *, autofilter: bool = True,
              total_label: str | None = None, alerts: list[tuple] = (),
              empty_text: str = "本月无记录") -> tuple[int, int]:
        """Header + one row per record (+ optional total row with SUM formulas).

        ``alerts``: (key, rule, level) — rule ">0" or a text value (or list of
        texts) the cell must equal; level "alert" (red) or "warn" (amber).
        Returns (header row, last data row)."""
        header_row = self.header([c.header for c in cols])
        offset = 0
        first = self.row
        self.row = self._rows(cols, records, self.row)
        last = self.row - 1
        if not records:
            width = len(cols) + offset
            if width > 1:
                self.ws.merge_range(self.row, 0, self.row, width - 1, "", self.fmt.center)
            self.ws.write_string(self.row, 0, empty_text, self.fmt.center)
            self.row += 1
        if autofilter and records and not self.filtered:
            self.ws.autofilter(header_row, 0, last, len(cols) + offset - 1)
            self.filtered = True
        if records:
            self._alerts(cols, offset, first, last, alerts)
        if total_label is not None:
            self._total_row(cols, offset, records, first, last, total_label)
        for i, col in enumerate(cols):
            if col.width:
                self.fixed[offset + i] = max(self.fixed.get(offset + i, 0), col.width)
        return header_row, last

    def _rows(self, cols: list[Col], records: list[dict], row: int) -> int:
        """One row per record from ``row`` on; returns the next free row. Each cell is what
        ``write`` writes (``cell_value`` → ``_put``): prepared by the column's maker and stored a
        row at a time when the worksheet allows (see kehu.render.xlsx_sheet), else ``_put`` itself."""
        by_kind, text_fmt, put = self.fmt.by_kind, self.fmt.text, self._put
        fast = self.ws.prepared_cells()
        plan = [(i, c.key, c.labels, c.kind, c.kind == "bool", f,
                 _cell_maker(self.ws, c.kind, f, self.fmt.center) if fast else None)
                for i, c in enumerate(cols) for f in [by_kind.get(c.kind, text_fmt)]]
        widest, prepared = [-1] * len(cols), []
        for rec in records:
            get, cells = rec.get, {}
            for i, key, labels, kind, is_bool, f, make in plan:
                value = get(key)
                if labels is not None and not is_missing(value):
                    value = labels.get(value, value)
                if is_bool and not isinstance(value, str):
                    value = yes_no(value)
                made = make(value) if make is not None else None
                if made is None:                    # no maker, or a value only write_* handles
                    put(row + len(prepared), i, value, kind, f)
                    continue
                cells[i], width = made
                if width > widest[i]:
                    widest[i] = width
            prepared.append(cells)
        if fast:
            self.ws.store_rows(row, prepared)
        row += len(prepared)
        for i, width in enumerate(widest):
            if width >= 0:
                self._widen(i, width)
        return row

    def _alerts(self, cols, offset, first, last, alerts) -> None:
        keys = [c.key for c in cols]
        for key, rule, level in alerts:
            if key not in keys:
                continue
            c = offset + keys.index(key)
            fmt = self.fmt.alert if level == "alert" else self.fmt.warn
            if rule == ">0":
                self.ws.conditional_format(first, c, last, c, {
                    "type": "cell", "criteria": ">", "value": 0, "format": fmt})
            else:
                for text in ([rule] if isinstance(rule, str) else rule):
                    self.ws.conditional_format(first, c, last, c, {
                        "type": "cell", "criteria": "==", "value": f'"{text}"', "format": fmt})

    def _total_row(self, cols, offset, records, first, last, label) -> None:
        from xlsxwriter.utility import xl_rowcol_to_cell
        r = self.row
        for c in range(offset + len(cols)):
            self.ws.write_blank(r, c, None, self.fmt.total_blank)
        self.ws.write_string(r, 0, label, self.fmt.total_label)
        for i, col in enumerate(cols):
            if not col.total:
                continue
            c = offset + i
            values = [as_number(cell_value(rec, col)) for rec in records]
            cached = sum(Decimal(str(v)) for v in values if v is not None)
            cached = float(cached)
            fmt = self.fmt.total_by_kind.get(col.kind, self.fmt.total_money)
            if records:
                rng = f"{xl_rowcol_to_cell(first, c)}:{xl_rowcol_to_cell(last, c)}"
                self.ws.write_formula(r, c, f"=SUM({rng})", fmt, cached)
            else:
                self.ws.write_number(r, c, 0, fmt)
            self.track(c, shown_text(cached, col.kind), col.kind)
        self.row += 1

    def pairs(self, items: list[tuple[str, object, str]], per_row: int | None = None) -> None:
        """Label / value pairs across the row: [(label, value, kind), …]."""
        per_row = per_row or max(1, self.ncols // 2)
        for start in range(0, len(items), per_row):
            for j, (label, value, kind) in enumerate(items[start:start + per_row]):
                self.ws.write_string(self.row, 2 * j, label, self.fmt.label)
                self.track(2 * j, label)
                self.write(self.row, 2 * j + 1, value, kind)
            self.row += 1

    def signoff(self, lines: list[str]) -> None:
        """The assessment workflow's signature lines (考核人 / 审核 / 审批, each with 日期)."""
        self.row += 1
        for line in lines:
            last = self.ncols - 1
            if last > 0:
                self.ws.merge_range(self.row, 0, self.row, last, "", self.fmt.sign)
            self.ws.write_string(self.row, 0, line, self.fmt.sign)
            self.ws.set_row(self.row, 32)
            self.row += 1

    def skip(self, n: int = 1) -> None:
        self.row += n

    # -- print
    def finish(self, landscape: bool = True, freeze: bool = True) -> None:
        """Column widths, frozen header, A4 landscape fit to width, repeated header, page numbers."""
        ws, widest, fixed = self.ws, self._widest, self.fixed
        for c in range(max([self.ncols - 1, *widest, *fixed], default=0) + 1):
            width = max(clamp_width(widest[c]) if c in widest else MIN_WIDTH, fixed.get(c, 0))
            ws.set_column(c, c, width)
        if freeze and self.header_row is not None:
            ws.freeze_panes(self.header_row + 1, 0)
        if self.header_row is not None:
            ws.repeat_rows(self.header_row)
        ws.set_paper(A4)
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.set_footer("&C第 &P 页 / 共 &N 页", {"margin": 0.25})
        ws.hide_gridlines(2)


def signoff_lines(room_manager_name: str = "") -> list[str]:
    """The seed 004 assessment workflow: 重要室经理 assesses, 集团客户部 reviews, 分管副总 approves."""
    who = f"({room_manager_name})" if room_manager_name else ""
    blank = "＿" * 10
    return [
        f"考核人(重要室经理){who}：{blank}        日期：{blank}",
        f"审核(集团客户部)：{blank}        日期：{blank}",
        f"审批(分管副总)：{blank}        日期：{blank}",
    ]
