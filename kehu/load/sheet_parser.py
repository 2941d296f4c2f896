"""Type the cells of a table whose columns are known into a dataset's frame (SPEC §1 "Values").

Any input shape that has found which column holds which of a dataset's columns hands the sheet
here: the frame has the dataset's aliases, typed (kehu.load.values), plus the provenance
``_file``, ``_sheet``, ``_row`` (the source sheet's Excel row) and ``_extra`` (a hash of the
cells kehu does not read, for the exact-duplicate check of SPEC §1).

A shape that reshapes an export (kehu.load.shapes: one export row → several punches) hands a
table it made, with a ``Source``: the Excel row each of its rows came from and the export's
cell (header, letter) behind each value, so that a finding points at the clerk's cell.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kehu.findings import column_letter, make
from kehu.load import values as V
from kehu.load.ledger import Ledger
from kehu.load.reader import RawSheet
from kehu.load.rows import finish_rows
from kehu.schema import Dataset, column_choices

ROSTERS = ("staff", "customers")        # their rejected rows are kept aside: others refer to them


def is_blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and np.isnan(v))


@dataclass
class Source:
    """Where the body rows of a reshaped table came from (kehu.load.shapes).

    ``rows[i]``: the Excel row of the export that body row i was made from (several body rows
    may share one); ``cells[alias]``: (headers, letters), per body row, of the export's cell
    behind that value (a punch of 下班2 points at 下班2's column); ``carry``: columns copied as
    they are into the frame (e.g. the export's UserId, for kehu.load.shapes.resolve). The shape
    has counted its sheet in the ledger itself (``one_to_one=False``)."""
    rows: np.ndarray
    cells: dict = field(default_factory=dict)
    carry: dict = field(default_factory=dict)


class SheetParser:
    """Types one recognised sheet into a frame of its dataset's aliases: a cell that cannot be read
    is a finding at that cell, and its row is rejected (counted in the ledger). What a dataset's
    rows need beyond their typed cells is kehu.load.rows."""

    def __init__(self, raw: RawSheet, dataset: Dataset, header: int, mapping: dict[int, str],
                 rules: dict, ledger: Ledger, findings: list, source: Source | None = None):
        self.raw, self.dataset, self.header, self.mapping = raw, dataset, header, mapping
        self.rules, self.ledger, self.findings, self.source = rules, ledger, findings, source
        self.date_only: dict[str, pd.Series] = {}   # datetime columns: cells given as a date only
        header_row = raw.rows[header]
        self.where = {alias: (str(header_row[i]).strip(), column_letter(i)) for i, alias in mapping.items()}
        if source is not None:      # the export's own header and letter (of the first row) for each column
            self.where.update({alias: (heads[0], letters[0]) for alias, (heads, letters) in source.cells.items()
                               if len(heads)})
        ledger.headers[(raw.file, raw.sheet)] = self.where

    def parse(self) -> pd.DataFrame:
        body = self.raw.rows[self.header + 1:]
        columns = V.clean_columns(body)                 # column index → cleaned cells
        blank = [pd.isna(cells) for cells in columns]   # column index → its blank cells
        empty = np.logical_and.reduce(blank) if blank else np.ones(len(body), dtype=bool)
        if self.source is None:
            self.ledger.sheet(self.raw.file, self.raw.sheet, self.dataset.key, read=len(body), empty=int(empty.sum()))
            excel_rows = np.arange(self.header + 2, self.header + 2 + len(body))
        else:                   # a shape's rows are never empty: a blank value is a finding, not a skipped row
            excel_rows = np.asarray(self.source.rows, dtype=np.int64)
            empty = np.zeros(len(body), dtype=bool)
        kept = ~empty
        self.at = np.flatnonzero(kept)          # body row of each frame row
        self.rows = excel_rows[kept]            # Excel row of each frame row (several may share one)
        index = pd.RangeIndex(len(self.at))
        out = pd.DataFrame(index=index)
        errors = pd.Series(False, index=index)
        for i, alias in self.mapping.items():
            cells, blanks = (columns[i][kept], blank[i][kept]) if i < len(columns) else (None, True)
            raw = pd.Series(cells, index=index, dtype=object)
            out[alias], bad = self._convert(alias, raw, pd.Series(blanks, index=index))
            errors |= bad
        for col in self.dataset.columns:
            if col.alias not in out:
                out[col.alias] = V.blank_column(col.type, out.index)
        errors |= self._excel_errors(out.index)
        out, errors = finish_rows(self, out, errors)
        out["_extra"] = self._unmapped_cells(columns, kept)
        out["_file"], out["_sheet"], out["_row"] = self.raw.file, self.raw.sheet, self.rows.astype(np.int64)
        for name, values in (self.source.carry.items() if self.source is not None else ()):
            out[name] = pd.Series(np.asarray(values, dtype=object)[self.at], index=out.index, dtype=object)
        if self.dataset.key in ROSTERS and errors.any():
            self.ledger.keep_rejected(self.dataset.key, out.loc[errors])
        return self.ledger.drop(out, errors, "rejected")

    def _unmapped_cells(self, columns: list, kept: np.ndarray):
        """A hash of each row's cells in the columns kehu does not read — so that only rows equal
        in *every* cell are exact duplicates (SPEC §1) — or 0 when there are none (punches are
        told apart by 工号 and minute only)."""
        unmapped = [i for i in range(len(columns)) if i not in self.mapping]
        if not unmapped or self.dataset.key == "punches":
            return 0
        cells = pd.DataFrame({i: columns[i][kept] for i in unmapped})
        return pd.util.hash_pandas_object(cells, index=False).to_numpy()

    def _convert(self, alias: str, raw: pd.Series, missing: pd.Series) -> tuple[pd.Series, pd.Series]:
        """The typed column and its rejected cells; ``missing``: the blank cells of ``raw``."""
        col = self.dataset.column(alias)
        beyond = pd.Series(False, index=raw.index)           # numbers past the column's limit (E-range)
        if col.type == "enum":
            choices = tuple(self._choices(col))
            values, bad = V.to_enum(raw, choices)
            expected = "、".join(choices)
        elif col.type == "datetime":
            values, bad, date_only = V.to_datetime(raw)
            self.date_only[alias] = date_only
            expected = V.EXPECTED["datetime"]
        elif col.type in V.DEFAULT_LIMITS:
            limit = col.limit or V.DEFAULT_LIMITS[col.type]
            values, bad = V.CONVERTERS[col.type](raw, limit)
            expected = V.EXPECTED[col.type]
            if bad.any():
                beyond = V.beyond_limit(raw[bad], limit).reindex(raw.index, fill_value=False)
                self.cell_findings(beyond, alias, raw, "E-range", limit=limit)
                bad = bad & ~beyond
        else:
            values, bad = V.CONVERTERS[col.type](raw)
            expected = V.EXPECTED[col.type]
        if col.type == "phone":  # a malformed mobile is worth a look, not a rejection
            self.cell_findings(bad, alias, raw, "W-phone", expected=expected)
            bad = pd.Series(False, index=raw.index)
        elif col.type == "enum":
            self.cell_findings(bad, alias, raw, "E-enum", choices=expected)
        else:
            self.cell_findings(bad, alias, raw, f"E-{col.type}", expected=expected)
        bad = bad | beyond
        if not col.mandatory:
            return values, bad
        self.cell_findings(missing, alias, raw, "E-required", why="")
        return values, bad | missing

    def _choices(self, col) -> list[str]:
        return column_choices(col, self.rules)

    def cell_findings(self, mask, alias, raw, code, **fields) -> None:
        """A finding of ``code`` at the cell of ``alias`` of every frame row under ``mask`` (``raw``:
        the cells as read, by frame row; its rows are rejected unless the code is a warning);
        ``fields``: the code's template fields."""
        if not mask.any():
            return
        emp = self._employee_column()
        rejected = code.startswith("E-")
        for pos in np.flatnonzero(mask.to_numpy()):
            row = int(self.rows[pos])
            header, letter = self._cell(alias, pos)
            value = raw.iat[pos]
            shown = "" if value is None else str(value)[:200]
            self.findings.append(make(
                code, file=self.raw.file, sheet=self.raw.sheet, row=row, column=header, letter=letter,
                value=shown, dataset=self.dataset.key, employee_id=self._employee(emp, pos), rejected=rejected,
                found=f"「{shown}」" if shown else "空", **fields))

    def _cell(self, alias: str, pos: int) -> tuple[str, str]:
        """(header, letter) of ``alias``'s cell behind frame row ``pos``."""
        if self.source is not None and alias in self.source.cells:
            heads, letters = self.source.cells[alias]
            return heads[self.at[pos]], letters[self.at[pos]]
        return self.where.get(alias, (self.dataset.column(alias).name, ""))

    def _employee_column(self):
        for alias in ("employee_id", "manager_id"):
            if alias in self.mapping.values():
                idx = next(i for i, a in self.mapping.items() if a == alias)
                return idx
        return None

    def _employee(self, idx, pos) -> str:
        """The employee id as written in frame row ``pos``'s source row."""
        if idx is None:
            return ""
        try:
            v = self.raw.rows[self.header + 1 + int(self.at[pos])][idx]
        except IndexError:
            return ""
        return str(int(v)) if isinstance(v, float) and v.is_integer() else ("" if v is None else str(v).strip())

    def _excel_errors(self, index) -> pd.Series:
        """Cells holding an Excel error (#DIV/0!, #N/A…), which calamine reads as blank."""
        bad = pd.Series(False, index=index)
        if not self.raw.error_cells:
            return bad
        letters = {letter: alias for alias, (_, letter) in self.where.items()}
        rows = pd.Index(self.rows)                  # Excel row → frame rows (several for a reshaped table)
        for (row, letter), text in sorted(self.raw.error_cells.items()):
            hits = rows.get_indexer_for([row])
            hits = hits[hits >= 0]
            if len(hits) and letter in letters:
                header = self.where[letters[letter]][0]
                self.findings.append(make(
                    "E-cell-error", file=self.raw.file, sheet=self.raw.sheet, row=int(row), column=header,
                    letter=letter, value=text, dataset=self.dataset.key,
                    employee_id=self._employee(self._employee_column(), hits[0]), rejected=True))
                bad.iloc[hits] = True
        return bad
