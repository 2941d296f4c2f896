"""xlsxwriter's row, cell and shared-string writing re-implemented for speed — the same bytes out.

The one module of kehu that uses another library's private names (../shared/STYLE.md "Speed
without reaching into other libraries"): a manager's workbook is ~1,400 cells in six small
sheets, written 2,000 times a month, and xlsxwriter's general-purpose code (one attribute
list, regex escape and type-name dispatch per cell) costs more than the cells themselves.
Measured: ~9.3 → 7.5 ms CPU per manager workbook on the province month (issue 13); on a
300-manager month 17.0 → 11.2 ms per manager workbook, 290 → 181 ms for the department's. The
校验报告 (kehu.render.report, issue 15) is one workbook of ~250,000 cells and 100 sheets with
comments: on the visits month its rows here, its cells prepared (report_copies.RowCells) and
the collector paused took write_report from ~2.3 to ~1.1 CPU-s (raw rows from the cache).

``Worksheet`` overrides private methods of ``xlsxwriter.worksheet.Worksheet``:

- ``_prepare_formula``: memoised (a few hundred regex substitutions per call);
- ``_calculate_spans``: one pass over the stored rows and comments instead of every
  row × column of the used range;
- ``_write_rows``: the ``<row>``/``<c>`` XML of the four cell kinds kehu writes
  in bulk (number, date, shared string, blank — each with a format) built with
  one f-string per cell; any other cell goes through xlsxwriter's own
  ``_write_cell``, a row of comments or attributes only through its ``_write_empty_row``;

and adds ``string_cells`` … ``store_rows`` (a table's cells built as the very tuples
xlsxwriter's ``_write_*`` store, stored a block of rows at a time) and ``cell_writers``
(the undecorated ``_write_*``: the public ``write_*`` add an A1-notation check that costs
more than the write itself). ``Workbook`` writes the shared strings part through
``Packager`` / ``SharedStrings``: one f-string per plain string instead of two regex passes,
and drops its sheets' stored cells on ``close``.

Guard: ``FAST`` is true only for an xlsxwriter in ``TESTED_VERSIONS`` (setup.cfg pins the
same range) that has every internal read here. Otherwise — and for a sheet the fast rows do
not handle (``constant_memory``) — every class here is xlsxwriter's public
behaviour: ``prepared_cells()`` is False, ``cell_writers()`` are the public ``write_*``, the
rows and shared strings are xlsxwriter's own; the rest of kehu never asks which path ran.
tests/test_xlsx_fast_rows.py checks that both paths write the same bytes.
"""
from __future__ import annotations

import re

import xlsxwriter
from xlsxwriter import worksheet as _xlsxwriter_worksheet
from xlsxwriter.format import Format
from xlsxwriter.packager import Packager as _StockPackager
from xlsxwriter.sharedstrings import SharedStrings as _StockSharedStrings
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook as _StockWorkbook
from xlsxwriter.worksheet import Worksheet as _StockWorksheet

# [from, below): the xlsxwriter versions the same-bytes tests were run on (3.2.1 … 3.3.1; 3.2.0 and
# older lack the cell tuples); setup.cfg pins the same range. Any other xlsxwriter takes the public
# path until the tests pass on it and this range moves.
TESTED_VERSIONS = ((3, 2, 1), (3, 4))

# the private names read here (on the class, on each sheet, on the packager and shared strings)
_WORKSHEET_METHODS = ("_write_rows", "_write_row", "_write_empty_row", "_write_cell", "_calculate_spans",
                      "_prepare_formula", "_check_dimensions", "_convert_date_time", "_write_string",
                      "_write_number", "_write_blank", "_write_datetime")
_SHEET_ATTRIBUTES = ("table", "str_table", "row_info", "comments", "constant_memory", "dim_rowmin",
                     "dim_rowmax", "row_spans", "fh", "excel_version", "default_row_height",
                     "original_row_height", "xls_strmax", "date_1904")
# the cell tuples xlsxwriter's _write_string/_number/_datetime/_blank store in ``table``
_String, _Number, _Datetime, _Blank = (getattr(_xlsxwriter_worksheet, name, None) for name in (
    "CellStringTuple", "CellNumberTuple", "CellDatetimeTuple", "CellBlankTuple"))


def tested_version(version: str) -> bool:
    """True for an xlsxwriter version string in ``TESTED_VERSIONS``."""
    numbers = tuple(int(n) for n in re.findall(r"\d+", version)[:3])
    return TESTED_VERSIONS[0] <= numbers < TESTED_VERSIONS[1]


def _internals_present() -> bool:
    """Every private name the fast paths read exists in the installed xlsxwriter."""
    return (None not in (_String, _Number, _Datetime, _Blank)
            and all(hasattr(_StockWorksheet, name) for name in _WORKSHEET_METHODS)
            and hasattr(_StockWorkbook, "_get_packager") and hasattr(Format, "_get_xf_index")
            and all(hasattr(_StockPackager, name) for name in ("_write_shared_strings_file", "_filename"))
            and all(hasattr(_StockSharedStrings, name) for name in ("_write_sst_strings", "_write_si",
                                                                    "_set_xml_writer", "_assemble_xml_file")))


FAST = tested_version(getattr(xlsxwriter, "__version__", "0")) and _internals_present()
_SERIALS: dict[tuple, float] = {}
_new_tuple = tuple.__new__              # what a namedtuple's __new__ does, without its Python frame

_INF = float("inf")
_FORMULAS: dict[tuple, str] = {}
_COLUMN_NAMES: list[str] = []


def column_name(col: int) -> str:
    """'A', 'B', … 'AA' — xl_col_to_name, remembered (the same few columns every sheet)."""
    while len(_COLUMN_NAMES) <= col:
        _COLUMN_NAMES.append(xl_col_to_name(len(_COLUMN_NAMES)))
    return _COLUMN_NAMES[col]


class Worksheet(_StockWorksheet):
    """See the module doc; instantiate through ``wb.add_worksheet(name, worksheet_class=Worksheet)``."""

    def _prepare_formula(self, formula, *args, **kwargs):
        """Depends only on the formula text, ``expand_future_functions`` and
        ``use_future_functions``; kehu writes the same few formulas (conditional
        formats, SUM totals) in every workbook. Same result, computed once per process."""
        if not FAST or kwargs or len(args) > 1:
            return super()._prepare_formula(formula, *args, **kwargs)
        expand_future_functions = args[0] if args else False
        key = (formula, expand_future_functions, self.use_future_functions)
        prepared = _FORMULAS.get(key)
        if prepared is None:
            prepared = super()._prepare_formula(formula, expand_future_functions)
            if len(_FORMULAS) < 4096:          # bounded: SUM ranges vary with the row count
                _FORMULAS[key] = prepared
        return prepared

    # -- storing prepared cells (the table rows of kehu's sheets)
    def prepared_cells(self) -> bool:
        """True when ``string_cells`` … ``store_rows`` may be used on this sheet; otherwise
        write each cell with the ``cell_writers``."""
        return _fast_sheet(self) and hasattr(self.str_table, "_get_shared_string_index")

    def cell_writers(self) -> tuple:
        """(string, number, blank, datetime) writers, each called as xlsxwriter's ``write_*``
        with (row, col, value, format): its undecorated ``_write_*`` on the fast path."""
        if FAST:
            return self._write_string, self._write_number, self._write_blank, self._write_datetime
        return self.write_string, self.write_number, self.write_blank, self.write_datetime

    def string_cells(self, cell_format):
        """text → what ``_write_string`` stores for it with ``cell_format`` (its shared string
        counted now, in write order); None for a text so long xlsxwriter would have to cut it."""
        index, limit = self.str_table._get_shared_string_index, self.xls_strmax // 2

        def cell(text: str):
            return None if len(text) > limit else _new_tuple(_String, (index(text), cell_format))
        return cell

    @staticmethod
    def number_cells(cell_format):
        """float → what ``_write_number`` stores; None for NaN/±inf (written as error formulas)."""
        def cell(number: float):
            if number != number or number == _INF or number == -_INF:
                return None
            return _new_tuple(_Number, (number, cell_format))
        return cell

    def datetime_cell(self, value, cell_format):
        """What ``_write_datetime`` stores; the Excel serial of a naive date is computed once per process."""
        if getattr(value, "tzinfo", None) is not None:
            return _Datetime(self._convert_date_time(value), cell_format)
        key = (value, self.date_1904)
        serial = _SERIALS.get(key)
        if serial is None:
            serial = self._convert_date_time(value)
            if len(_SERIALS) < 65536:
                _SERIALS[key] = serial
        return _Datetime(serial, cell_format)

    @staticmethod
    def blank_cell(cell_format):
        return _Blank(cell_format)

    def store_rows(self, first_row: int, rows: list[dict]) -> None:
        """Store rows of prepared cells (column → cell), ``first_row`` on, and extend the used
        range to them: one dimension check for the block instead of one per cell."""
        used = [(row, cells) for row, cells in enumerate(rows, first_row) if cells]
        if not used:
            return
        low, high = min(min(cells) for _, cells in used), max(max(cells) for _, cells in used)
        if self._check_dimensions(used[0][0], low) or self._check_dimensions(used[-1][0], high):
            # past Excel's last row or column: store cell by cell, dropping what write_* would drop
            used = [(row, {col: cell for col, cell in cells.items() if not self._check_dimensions(row, col)})
                    for row, cells in used]
        for row, cells in used:
            self.table.setdefault(row, {}).update(cells)

    # -- writing the XML
    def _calculate_spans(self, *args, **kwargs) -> None:
        """``row_spans``: per block of 16 rows, "first:last" column (1-based) holding a cell or
        a comment (xlsxwriter counts both)."""
        if not _fast_sheet(self) or args or kwargs:
            return super()._calculate_spans(*args, **kwargs)
        bounds: dict[int, list[int]] = {}
        for stored in (self.table, self.comments):        # row → {column: cell or comment}
            for row, cells in stored.items():
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

    def _write_rows(self, *args, **kwargs) -> None:
        """The sheet's ``<row>`` elements, as xlsxwriter writes them: a row without cells but
        with attributes or comments is an empty ``<row/>``."""
        if not _fast_sheet(self) or args or kwargs:
            return super()._write_rows(*args, **kwargs)
        self._calculate_spans()
        table, row_info, spans, comments = self.table, self.row_info, self.row_spans, self.comments
        styles: dict = {}                      # Format → ' s="<xf index>"'
        for row in range(self.dim_rowmin, self.dim_rowmax + 1):
            cells = table.get(row)
            if cells:
                span, info = spans.get(row // 16), row_info.get(row)
                start = _plain_row_start(self, row, span, info)
                if start is None:
                    self._write_row(row, span, info)
                else:
                    self.fh.write(start)
                _write_cells(self, row, cells, styles)
                self.fh.write("</row>")
            elif row in row_info or row in comments:
                self._write_empty_row(row, spans.get(row // 16), row_info.get(row))
        return None


# Helpers of the fast rows are functions, not methods: a later xlsxwriter may add a private
# method by any name, and a method here of that name would replace it.

def _fast_sheet(ws: Worksheet) -> bool:
    """True when this sheet can take the fast paths (see module doc)."""
    if not FAST or any(not hasattr(ws, name) for name in _SHEET_ATTRIBUTES):
        return False
    return not ws.constant_memory


def _plain_row_start(ws: Worksheet, row: int, span: str | None, info) -> str | None:
    """The ``<row>`` start tag ``_write_row`` writes for a row that is at most resized (no
    row format, hidden, outline or Excel 2010 attributes); None for any other row."""
    try:
        if info is not None and (info.row_format or info.hidden or info.level or info.collapsed):
            return None
        height = ws.default_row_height if info is None or info.height is None else info.height
    except AttributeError:                 # a row_info entry of another shape: the stock code
        return None
    if ws.excel_version == 2010:
        return None
    tag = f'<row r="{row + 1}"' + (f' spans="{span}"' if span else "")
    if height != ws.original_row_height or height != ws.default_row_height:
        tag += f' ht="{height * 0.75:.16g}" customHeight="1"'
    return tag + ">"


def _write_cells(ws: Worksheet, row: int, cells: dict, styles: dict) -> None:
    """One row's ``<c>`` elements in column order. xf indices are handed out on first
    use, so ``_get_xf_index`` is still called in the stock order (row by row, left to right)."""
    number, names, kinds = str(row + 1), _COLUMN_NAMES, _KINDS
    column_name(max(cells))                 # every column name of the row known
    xml = []
    for col in sorted(cells):
        cell = cells[col]
        kind = kinds.get(cell.__class__, _UNSEEN)
        if kind is _UNSEEN:
            kind = _fast_kind(cell.__class__)
        cell_format = cell[-1] if kind is not None else None     # the last field of all four
        if cell_format is None:
            if xml:
                ws.fh.write("".join(xml))
                xml.clear()
            ws._write_cell(row, col, cell)
            continue
        style = styles.get(cell_format)
        if style is None:
            style = styles[cell_format] = f' s="{cell_format._get_xf_index()}"'
        if kind is _STRING:
            xml.append(f'<c r="{names[col]}{number}"{style} t="s"><v>{cell[0]}</v></c>')
        elif kind is _BLANK:
            xml.append(f'<c r="{names[col]}{number}"{style}/>')
        else:                              # Number, Datetime
            xml.append(f'<c r="{names[col]}{number}"{style}><v>{cell[0]:.16G}</v></c>')
    ws.fh.write("".join(xml))


# cell tuples (xlsxwriter.worksheet.Cell*Tuple) by class name, as xlsxwriter's _write_cell dispatches,
# with the fields the fast path reads by position; a "String" holds a shared-string index here
# (never constant_memory on the fast path)
_STRING, _BLANK, _NUMBER = "String", "Blank", "Number"
_FAST_FIELDS = {"Number": (_NUMBER, ("number", "format")), "Datetime": (_NUMBER, ("number", "format")),
                "String": (_STRING, ("string", "format")), "Blank": (_BLANK, ("format",))}
_KINDS: dict[type, str | None] = {}
_UNSEEN = object()


def _fast_kind(cell_type: type) -> str | None:
    """_STRING, _BLANK or _NUMBER for a cell tuple the fast path writes, else None (remembered
    per class)."""
    kind, fields = _FAST_FIELDS.get(cell_type.__name__, (None, None))
    if fields is None or getattr(cell_type, "_fields", None) != fields:
        kind = None
    _KINDS[cell_type] = kind
    return kind


# ---------------------------------------------------------------------------
# the shared strings part (xl/sharedStrings.xml)

def _plain(text: str) -> bool:
    """A string ``SharedStrings._write_si`` writes as just ``<si><t>escaped</t></si>``: no
    control or non-characters (isprintable), no ``_xHHHH_`` look-alike, no leading or trailing
    whitespace (xml:space="preserve") and not a rich string's ``<r>…``."""
    return (text.isprintable() and "_x" not in text and not text.startswith("<r>")
            and not (text and (text[0].isspace() or text[-1].isspace())))


class SharedStrings(_StockSharedStrings):
    """xlsxwriter's shared-strings writer; plain strings (nearly all of kehu's) are written
    with one f-string each instead of two regex substitutions and an attribute list."""

    def _write_sst_strings(self) -> None:
        xml = []
        for text in self.string_table.string_array:
            if _plain(text):
                xml.append(f"<si><t>{text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</t></si>")
            else:
                self.fh.write("".join(xml))
                xml.clear()
                self._write_si(text)
        self.fh.write("".join(xml))


class Packager(_StockPackager):
    """xlsxwriter's packager writing the shared strings with ``SharedStrings`` above."""

    def _write_shared_strings_file(self) -> None:
        # xlsxwriter's own method, with the class swapped
        sst = SharedStrings()
        sst.string_table = self.workbook.str_table
        if not self.workbook.str_table.count:
            return
        sst._set_xml_writer(self._filename("xl/sharedStrings.xml"))
        sst._assemble_xml_file()


class Workbook(_StockWorkbook):
    """xlsxwriter's workbook, packaged by ``Packager`` on the fast path."""

    def _get_packager(self, *args, **kwargs):
        return Packager() if FAST and not (args or kwargs) else super()._get_packager(*args, **kwargs)

    def close(self) -> None:
        """``close()``, then drop the sheets' stored cells. A workbook and its sheets reference
        each other, so without this a manager book's ~1,500 stored cells would wait for the
        cyclic garbage collector instead of being freed at once."""
        super().close()
        if FAST:
            for ws in self.worksheets():
                cells = getattr(ws, "table", None)
                if isinstance(cells, dict):
                    cells.clear()
