"""xlsxwriter's worksheet with its hot paths made cheaper — same bytes out.

A manager's workbook is ~1,400 cells in six small sheets, written 2,000 times a
month; xlsxwriter's general-purpose code (one attribute list, regex escape and
type-name dispatch per cell) costs more than the cells themselves. ``Worksheet``
below overrides three private methods of ``xlsxwriter.worksheet.Worksheet``:

- ``_prepare_formula``: memoised (a few hundred regex substitutions per call);
- ``_calculate_spans``: one pass over the stored rows instead of every
  row × column of the used range;
- ``_write_rows``: the ``<row>``/``<c>`` XML of the four cell kinds kehu writes
  in bulk (number, date, shared string, blank — each with a format) built with
  one f-string per cell; any other cell goes through xlsxwriter's own
  ``_write_cell``.

Each override checks that the xlsxwriter internals it relies on are present
(``FAST_ROWS``) and otherwise — or for a sheet it does not handle (comments,
``constant_memory``) — calls the stock method. tests/test_xlsx_sheet.py checks
that both produce the same bytes.
"""
from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet as _StockWorksheet

# the private names the fast paths read; a later xlsxwriter without one of them gets the stock code
_REQUIRED = ("_write_rows", "_write_row", "_write_empty_row", "_write_cell", "_calculate_spans",
             "_prepare_formula")
_INSTANCE_ATTRIBUTES = ("table", "row_info", "comments", "constant_memory", "dim_rowmin", "dim_rowmax",
                        "row_spans", "fh")
FAST_ROWS = all(hasattr(_StockWorksheet, name) for name in _REQUIRED)

_FORMULAS: dict[tuple, str] = {}
_COLUMN_NAMES: list[str] = []


def column_name(col: int) -> str:
    """'A', 'B', … 'AA' — xl_col_to_name, remembered (the same few columns every sheet)."""
    while len(_COLUMN_NAMES) <= col:
        _COLUMN_NAMES.append(xl_col_to_name(len(_COLUMN_NAMES)))
    return _COLUMN_NAMES[col]


class Worksheet(_StockWorksheet):
    """See the module doc; instantiate through ``wb.add_worksheet(name, worksheet_class=Worksheet)``."""

    def _prepare_formula(self, formula, expand_future_functions=False):
        """Depends only on the formula text, ``expand_future_functions`` and
        ``use_future_functions``; kehu writes the same few formulas (conditional
        formats, SUM totals) in every workbook. Same result, computed once per process."""
        key = (formula, expand_future_functions, self.use_future_functions)
        prepared = _FORMULAS.get(key)
        if prepared is None:
            prepared = super()._prepare_formula(formula, expand_future_functions)
            if len(_FORMULAS) < 4096:          # bounded: SUM ranges vary with the row count
                _FORMULAS[key] = prepared
        return prepared

    def _fast_rows_ok(self) -> bool:
        """True when this sheet can take the fast paths (see module doc)."""
        if not FAST_ROWS or any(not hasattr(self, name) for name in _INSTANCE_ATTRIBUTES):
            return False
        return not self.constant_memory and not self.comments

    def _calculate_spans(self) -> None:
        """``row_spans``: per block of 16 rows, "first:last" column (1-based) holding a cell."""
        if not self._fast_rows_ok():
            return super()._calculate_spans()
        bounds: dict[int, list[int]] = {}
        for row, cells in self.table.items():
            if not cells:
                continue
            low, high = min(cells), max(cells)
            block = bounds.get(row // 16)
            if block is None:
                bounds[row // 16] = [low, high]
            else:
                block[0], block[1] = min(block[0], low), max(block[1], high)
        self.row_spans = {index: f"{low + 1}:{high + 1}" for index, (low, high) in sorted(bounds.items())}
        return None

    def _write_rows(self) -> None:
        """The sheet's ``<row>`` elements, as xlsxwriter writes them."""
        if not self._fast_rows_ok():
            return super()._write_rows()
        self._calculate_spans()
        table, row_info, spans = self.table, self.row_info, self.row_spans
        styles: dict[int, str] = {}            # id(format) → ' s="<xf index>"'
        for row in range(self.dim_rowmin, self.dim_rowmax + 1):
            cells = table.get(row)
            if cells:
                self._write_row(row, spans.get(row // 16), row_info.get(row))
                self._write_cells(row, cells, styles)
                self.fh.write("</row>")
            elif row in row_info:
                self._write_empty_row(row, spans.get(row // 16), row_info[row])
        return None

    def _write_cells(self, row: int, cells: dict, styles: dict[int, str]) -> None:
        """One row's ``<c>`` elements in column order. xf indices are handed out on first
        use, so ``_get_xf_index`` is still called in the stock order (row by row, left to right)."""
        write, number = self.fh.write, str(row + 1)
        for col in sorted(cells):
            cell = cells[col]
            kind, cell_format = cell.__class__.__name__, cell.format
            if cell_format is None or kind not in _FAST_KINDS:
                self._write_cell(row, col, cell)
                continue
            style = styles.get(id(cell_format))
            if style is None:
                style = styles[id(cell_format)] = f' s="{cell_format._get_xf_index()}"'
            ref = (_COLUMN_NAMES[col] if col < len(_COLUMN_NAMES) else column_name(col)) + number
            if kind == "String":
                write(f'<c r="{ref}"{style} t="s"><v>{cell.string}</v></c>')
            elif kind == "Blank":
                write(f'<c r="{ref}"{style}/>')
            else:                              # Number, Datetime
                write(f'<c r="{ref}"{style}><v>{cell.number:.16G}</v></c>')


# cell tuples (xlsxwriter.worksheet.Cell*Tuple) by class name, as xlsxwriter's _write_cell dispatches;
# "String" holds a shared-string index here (never constant_memory on the fast path)
_FAST_KINDS = frozenset(("Number", "Datetime", "String", "Blank"))
