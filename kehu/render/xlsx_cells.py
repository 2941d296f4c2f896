"""Cell values as kehu's workbooks show them, and a table's cells prepared in bulk.

``shown_text`` / the widths here are the text Excel shows, which sizes a column; the cell
makers turn a table column's values into the cells kehu.render.xlsx_fast_rows stores a
block of rows at a time (kehu.render.xlsx_layout ``Sheet._rows``).
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from xlsxwriter.format import Format

from kehu.render.xlsx_fast_rows import Worksheet
from kehu.render.xlsx_style import display_width, text_width

try:
    import pandas as pd
    _NA, _NAT, _TIMESTAMP = pd.NA, pd.NaT, pd.Timestamp
except ImportError:                           # pragma: no cover
    _NA = _NAT = _TIMESTAMP = object()

EMPTY_RATE = "—"          # a rate whose denominator is 0 (SPEC §9.5): neither 0 nor 100 %
NUMERIC_KINDS = frozenset(("money", "number", "int", "score"))


def is_missing(value) -> bool:
    """None, pandas NA/NaT or a float NaN (``x != x`` is ``math.isnan`` for floats)."""
    return (value is None or value is _NA or value is _NAT
            or (isinstance(value, float) and value != value))


def to_float(value) -> float:
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
    return to_float(value)


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


DATE_WIDTH = display_width(shown_text(date(2026, 10, 31), "date"))


# ---------------------------------------------------------------------------
# table cells prepared in bulk

def is_empty(value) -> bool:
    """The values written as a blank cell: missing ones and ''."""
    return (value is None or value is _NA or value is _NAT
            or (isinstance(value, float) and value != value) or value == "")


def cell_maker(ws: Worksheet, kind: str, f: Format, center: Format):
    """value → (cell to store, its shown width) for one table column of ``kind`` written with
    ``f``: the cell and width ``Sheet._put`` would write and track (width -1: a blank, not
    tracked); None for a value to leave to ``_put`` (a huge text, NaN/±inf)."""
    if kind in NUMERIC_KINDS or kind == "pct":
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
        elif is_empty(value):
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
        if is_empty(value):
            return blank
        if text is not None and isinstance(value, str):
            return text(value)
        number = to_float(value)
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
                made = dates[value] = (datetime_cell(value.to_pydatetime(), f), DATE_WIDTH)
            return made
        if is_empty(value):
            return blank
        dt = as_datetime(value)
        cell = string_cell(str(value)) if dt is None else datetime_cell(dt, f)
        return None if cell is None else (cell, DATE_WIDTH)
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
