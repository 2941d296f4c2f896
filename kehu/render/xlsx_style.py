"""The look of kehu's workbooks: opened safe and deterministic, their formats, column widths for Chinese text.

Everything a clerk prints shares this look: Chinese headers, money as ¥#,##0.00, rates as
percentages, column widths that fit Chinese text (an East Asian wide character counts as 2).
The layout of a sheet (title, tables, print setup) is kehu.render.xlsx_layout; the values
written into cells, kehu.render.xlsx_cells.

Safety: workbooks are opened with ``strings_to_formulas``/``_urls``/``_numbers``
off and text cells are written as strings, so a customer named
``=HYPERLINK(...)`` or ``+8613800000000`` stays the text the clerk typed.
"""
from __future__ import annotations

import functools
import unicodedata
from datetime import datetime
from pathlib import Path

import xlsxwriter

from kehu.render.xlsx_fast_rows import Workbook

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
    """Write the workbook's file (its stored cells are freed at once: kehu.render.xlsx_fast_rows)."""
    wb.close()


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


class Formats:
    """The formats of one workbook, created once and shared by its sheets."""

    def __init__(self, wb: xlsxwriter.Workbook):
        add = wb.add_format
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
