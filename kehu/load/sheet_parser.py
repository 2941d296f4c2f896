"""Type the cells of a table whose columns are known into a dataset's frame (SPEC §1 "Values").

Any input shape that has found which column holds which of a dataset's columns hands the sheet
here: the frame has the dataset's aliases, typed (kehu.load.values), plus the provenance
``_file``, ``_sheet``, ``_row`` (the source sheet's Excel row) and ``_extra`` (a hash of the
cells kehu does not read, for the exact-duplicate check of SPEC §1).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from kehu.findings import column_letter, make
from kehu.load import values as V
from kehu.load.ledger import Ledger
from kehu.load.reader import RawSheet
from kehu.load.rows import finish_rows
from kehu.schema import Dataset, column_choices

ROSTERS = ("staff", "customers")        # their rejected rows are kept aside: others refer to them
_SPACES = re.compile(r"[\s\u3000]+")


def is_blank(v) -> bool:
    return v is None or (isinstance(v, str) and not _SPACES.sub("", v)) or (isinstance(v, float) and np.isnan(v))


class SheetParser:
    """Types one recognised sheet into a frame of its dataset's aliases: a cell that cannot be read
    is a finding at that cell, and its row is rejected (counted in the ledger). What a dataset's
    rows need beyond their typed cells is kehu.load.rows."""

    def __init__(self, raw: RawSheet, dataset: Dataset, header: int, mapping: dict[int, str],
                 rules: dict, ledger: Ledger, findings: list):
        self.raw, self.dataset, self.header, self.mapping = raw, dataset, header, mapping
        self.rules, self.ledger, self.findings = rules, ledger, findings
        self.date_only: dict[str, pd.Series] = {}   # datetime columns: cells given as a date only
        header_row = raw.rows[header]
        self.where = {alias: (str(header_row[i]).strip(), column_letter(i)) for i, alias in mapping.items()}
        ledger.headers[(raw.file, raw.sheet)] = self.where

    def parse(self) -> pd.DataFrame:
        body = self.raw.rows[self.header + 1:]
        columns = V.clean_columns(body)                 # column index → cleaned cells
        blank = [pd.isna(cells) for cells in columns]   # column index → its blank cells
        empty = np.logical_and.reduce(blank) if blank else np.ones(len(body), dtype=bool)
        self.ledger.sheet(self.raw.file, self.raw.sheet, self.dataset.key, read=len(body), empty=int(empty.sum()))
        kept = ~empty
        index = pd.Index(np.arange(self.header + 2, self.header + 2 + len(body))[kept])   # Excel row numbers
        out = pd.DataFrame(index=index)
        errors = pd.Series(False, index=index)
        for i, alias in self.mapping.items():
            cells, blanks = (columns[i][kept], blank[i][kept]) if i < len(columns) else (None, True)
            raw = pd.Series(cells, index=index, dtype=object)
            out[alias], bad = self._convert(alias, raw, pd.Series(blanks, index=index))
            errors |= bad
        for col in self.dataset.columns:
            if col.alias not in out:
                out[col.alias] = None
        errors |= self._excel_errors(out.index)
        out, errors = finish_rows(self, out, errors)
        out["_extra"] = self._unmapped_cells(columns, kept)
        out["_file"], out["_sheet"], out["_row"] = self.raw.file, self.raw.sheet, out.index.astype(int)
        out = out.reset_index(drop=True)
        errors = pd.Series(errors.to_numpy(), index=out.index)
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
        """A finding of ``code`` at each cell of column ``alias`` under ``mask`` (its rows are
        rejected unless the code is a warning); ``fields``: the code's template fields."""
        if not mask.any():
            return
        header, letter = self.where.get(alias, (self.dataset.column(alias).name, ""))
        emp = self._employee_column()
        rejected = code.startswith("E-")
        for row in mask.index[mask.to_numpy()]:
            value = raw.at[row]
            shown = "" if value is None else str(value)[:200]
            self.findings.append(make(
                code, file=self.raw.file, sheet=self.raw.sheet, row=int(row), column=header, letter=letter,
                value=shown, dataset=self.dataset.key, employee_id=self._employee(emp, row), rejected=rejected,
                found=f"「{shown}」" if shown else "空", **fields))

    def _employee_column(self):
        for alias in ("employee_id", "manager_id"):
            if alias in self.mapping.values():
                idx = next(i for i, a in self.mapping.items() if a == alias)
                return idx
        return None

    def _employee(self, idx, row) -> str:
        if idx is None:
            return ""
        try:
            v = self.raw.rows[row - 1][idx]
        except IndexError:
            return ""
        return str(int(v)) if isinstance(v, float) and v.is_integer() else ("" if v is None else str(v).strip())

    def _excel_errors(self, index) -> pd.Series:
        """Cells holding an Excel error (#DIV/0!, #N/A…), which calamine reads as blank."""
        bad = pd.Series(False, index=index)
        letters = {letter: alias for alias, (_, letter) in self.where.items()}
        for (row, letter), text in sorted(self.raw.error_cells.items()):
            if row in bad.index and letter in letters:
                header = self.where[letters[letter]][0]
                self.findings.append(make(
                    "E-cell-error", file=self.raw.file, sheet=self.raw.sheet, row=int(row), column=header,
                    letter=letter, value=text, dataset=self.dataset.key,
                    employee_id=self._employee(self._employee_column(), row), rejected=True))
                bad.at[row] = True
        return bad
