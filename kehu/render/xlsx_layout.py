"""Sheet: the layout of one printed sheet — title, tables, totals, sign-off lines, print setup.

A4 landscape fitted to the page width, the table header frozen and repeated on every page,
page numbers in the footer. Each cell is written by kind (kehu.render.xlsx_cells) in the
workbook's formats (kehu.render.xlsx_style); a table's rows are prepared in bulk where the
worksheet allows (kehu.render.xlsx_fast_rows).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from kehu.render.xlsx_cells import (DATE_WIDTH, NUMERIC_KINDS, as_datetime, as_number, cell_maker, is_empty,
                                    is_missing, printable, shown_text, to_float, yes_no)
from kehu.render.xlsx_fast_rows import Worksheet
from kehu.render.xlsx_style import MIN_WIDTH, Formats, clamp_width, display_width, header_width, text_width

A4 = 9                    # xlsxwriter's paper index (set_paper)


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


def cell_value(record: dict, col: Col):
    value = record.get(col.key)
    if col.labels is not None and not is_missing(value):
        value = col.labels.get(value, value)
    if col.kind == "bool" and not isinstance(value, str):
        value = yes_no(value)
    return value


# ---------------------------------------------------------------------------
# a sheet

class Sheet:
    """A worksheet with a row cursor, width tracking and the print setup.

    ``ncols`` is the printed width in columns (title merge, fit to width).
    """

    def __init__(self, wb: xlsxwriter.Workbook, fmt: Formats, name: str, ncols: int):
        self.wb, self.fmt, self.ncols = wb, fmt, max(1, ncols)
        self.ws = ws = wb.add_worksheet(name, worksheet_class=Worksheet)
        self._string, self._number, self._blank, self._datetime = ws.cell_writers()
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
        if is_empty(value):
            self._blank(row, col, None, f)
            return
        if kind in NUMERIC_KINDS or (kind == "pct" and not isinstance(value, str)):
            number = to_float(value)
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
            width = DATE_WIDTH
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
        row at a time when the worksheet allows (see kehu.render.xlsx_fast_rows), else ``_put`` itself."""
        by_kind, text_fmt, put = self.fmt.by_kind, self.fmt.text, self._put
        fast = self.ws.prepared_cells()
        plan = [(i, c.key, c.labels, c.kind, c.kind == "bool", f,
                 cell_maker(self.ws, c.kind, f, self.fmt.center) if fast else None)
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
