"""Recognise each raw sheet by its header and type its cells (SPEC §1).

A sheet is the dataset whose required columns its header row holds; the
header row is the first row holding at least two of a dataset's column names
(title rows above it are allowed). Each typed cell that cannot be read is a
finding at that cell; a row with an error is rejected (counted in the ledger).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from kehu.findings import ERROR, WARNING, Finding, column_letter
from kehu.load import values as V
from kehu.load.ledger import Ledger
from kehu.load.reader import RawSheet
from kehu.load.headers import Recognition, missing_column_message, recognise, sheet_month
from kehu.schema import DATASETS, Dataset

INSTRUCTION_SHEETS = ("填写说明",)
ROSTERS = ("staff", "customers")        # their rejected rows are kept aside: others refer to them
_SPACES = re.compile(r"[\s\u3000]+")


def is_blank(v) -> bool:
    return v is None or (isinstance(v, str) and not _SPACES.sub("", v)) or (isinstance(v, float) and np.isnan(v))


class SheetParser:
    """Types one recognised sheet into a frame of its dataset's aliases."""

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
        out = self._combine(out)
        errors |= self._missing_punch_time(out, errors)
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
                self._cell_findings(beyond, alias, raw, "E-range", ERROR, f"超出合理范围（绝对值应不超过 {limit:,}）")
                bad = bad & ~beyond
        else:
            values, bad = V.CONVERTERS[col.type](raw)
            expected = V.EXPECTED[col.type]
        if col.type == "phone":  # a malformed mobile is worth a look, not a rejection
            self._cell_findings(bad, alias, raw, "W-phone", WARNING, f"应为{expected}")
            bad = pd.Series(False, index=raw.index)
        else:
            code = "E-enum" if col.type == "enum" else f"E-{col.type}"
            self._cell_findings(bad, alias, raw, code, ERROR, f"应为{expected}")
        bad = bad | beyond
        if not col.mandatory:
            return values, bad
        self._cell_findings(missing, alias, raw, "E-required", ERROR, "不能为空")
        return values, bad | missing

    def _choices(self, col) -> list[str]:
        if col.choices_rule:
            table = self.rules
            for part in col.choices_rule.split("."):
                table = table[part]
            return list(table)
        return list(col.choices)

    def _cell_findings(self, mask, alias, raw, code, severity, what) -> None:
        if not mask.any():
            return
        header, letter = self.where.get(alias, (self.dataset.column(alias).name, ""))
        emp = self._employee_column()
        for row in mask.index[mask.to_numpy()]:
            value = raw.at[row]
            shown = "" if value is None else str(value)[:200]
            msg = (f"{self.dataset.name}第 {row} 行「{header}」{what},"
                   + (f"实际为「{shown}」。" if shown else "实际为空。") + "请改正后重新运行。")
            self.findings.append(Finding(severity, code, msg, self.raw.file, self.raw.sheet, int(row), header,
                                         letter, shown, self.dataset.key, self._employee(emp, row), rejected=severity == ERROR))

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
                self.findings.append(Finding(
                    ERROR, "E-cell-error",
                    f"{self.dataset.name}第 {row} 行「{header}」是 Excel 错误值 {text}(公式出错)。请改为实际数值后重新运行。",
                    self.raw.file, self.raw.sheet, int(row), header, letter, text, self.dataset.key,
                    self._employee(self._employee_column(), row), rejected=True))
                bad.at[row] = True
        return bad

    def _missing_punch_time(self, out: pd.DataFrame, errors: pd.Series) -> pd.Series:
        """A punch row needs 打卡时间, or both 日期 and 时间."""
        if self.dataset.key != "punches":
            return pd.Series(False, index=out.index)
        missing = out["punched_at"].isna() & ~errors
        if not missing.any():
            return missing
        alias = "punched_at" if "punched_at" in self.mapping.values() else (
            "date" if out.loc[missing, "date"].isna().any() else "time")
        raw = pd.Series(None, index=out.index, dtype=object)
        self._cell_findings(missing, alias, raw, "E-required", ERROR, "不能为空(打卡记录需要打卡时间,或日期加时间)")
        return missing

    def _combine(self, out: pd.DataFrame) -> pd.DataFrame:
        """Dataset-specific shaping: punches' 日期+时间, leave's 24:00 end, visit defaults."""
        key = self.dataset.key
        if key == "punches" and "punched_at" not in self.mapping.values():
            times = pd.to_timedelta(out["time"].fillna("00:00") + ":00", errors="coerce")
            out["punched_at"] = (out["date"] + times).where(out["time"].notna())
        if key == "leave":
            only = self.date_only
            end_only = only.get("ends_at", pd.Series(False, index=out.index))
            out["ends_at"] = out["ends_at"].where(~end_only, out["ends_at"] + pd.Timedelta(days=1))
            out["start_date_only"] = only.get("starts_at", pd.Series(False, index=out.index))
        if key in ("targets", "customers"):                            # the month of the figures
            stated = sheet_month(self.raw.rows[:self.header], self.raw.sheet, self.raw.file)
            out["month"] = out["month"].where(out["month"].notna(), stated)
        if key == "visits":
            for alias in ("problem_solved", "customer_signed"):       # blank is 否
                out[alias] = np.array([v is True for v in out[alias].to_numpy(dtype=object)], dtype=bool)
            default = (out["method"] == "上门").fillna(False).to_numpy(dtype=bool)   # blank 需回访: yes if 上门
            given = out["callback_required"].to_numpy(dtype=object)
            out["callback_required"] = np.array([d if v is None else v is True for v, d in zip(given, default)],
                                                dtype=bool)
        return out


def parse_sheets(raws: list[RawSheet], rules: dict, ledger: Ledger, findings: list) -> dict[str, list[pd.DataFrame]]:
    """Recognise and type every sheet; unknown, ambiguous and incomplete sheets become findings."""
    parts: dict[str, list[pd.DataFrame]] = {d.key: [] for d in DATASETS}
    for raw in raws:
        if raw.sheet.strip() in INSTRUCTION_SHEETS:
            continue  # the 填写说明 sheet of a `kehu init` workbook
        rec = recognise(raw.rows)
        if rec.match is None or rec.ties:
            _unmatched(raw, rec, ledger, findings)
        elif not rec.match.complete:
            _incomplete(raw, rec, ledger, findings)
        else:
            parser = SheetParser(raw, rec.match.dataset, rec.header, rec.mapping, rules, ledger, findings)
            parts[rec.match.dataset.key].append(parser.parse())
    return parts


def _count_unused(raw: RawSheet, body: list, dataset: str | None, kind: str, ledger: Ledger) -> int:
    """Account for the rows of a sheet that is not typed; the number of non-empty rows."""
    empty = sum(1 for r in body if all(is_blank(v) for v in r))
    ledger.sheet(raw.file, raw.sheet, dataset, read=len(body), empty=empty)
    ledger.drop_count(raw.file, raw.sheet, len(body) - empty, kind)
    return len(body) - empty


def _incomplete(raw: RawSheet, rec: Recognition, ledger: Ledger, findings: list) -> None:
    """A sheet carrying at least half of a dataset's required columns, but not all: that dataset
    with columns missing — an error per missing column, every row rejected (SPEC §10.4)."""
    dataset = rec.match.dataset
    _count_unused(raw, raw.rows[rec.header + 1:], dataset.key, "rejected", ledger)
    for alias in rec.match.missing:
        message, shown, letter = missing_column_message(rec, alias)
        findings.append(Finding(ERROR, "E-column-missing", message, raw.file, raw.sheet, rec.header + 1,
                                shown or dataset.column(alias).name, letter, "", dataset.key, rejected=True))


def _unmatched(raw: RawSheet, rec: Recognition, ledger: Ledger, findings: list) -> None:
    body = raw.rows[rec.header + 1:] if rec.ties else raw.rows
    if not _count_unused(raw, body, None, "rejected" if rec.ties else "ignored", ledger):
        return  # an empty sheet (e.g. Excel's default Sheet2) needs no word
    if rec.ties:
        names = "、".join(m.dataset.name for m in rec.ties)
        findings.append(Finding(ERROR, "E-sheet-ambiguous",
                                f"工作表的表头同时符合{names}，无法判断是哪类数据。请删除不属于该表的列，或把数据分成两张表。",
                                raw.file, raw.sheet, rec.header + 1, rejected=True))
        return
    hint = ""
    if rec.nearest is not None:
        nearest = rec.nearest
        missing = "、".join(nearest.dataset.column(a).name for a in nearest.missing)
        hint = f"它有「{nearest.dataset.name}」的部分列，但缺少：{missing}。" if missing else ""
    findings.append(Finding(WARNING, "W-sheet-unknown",
                            f"工作表无法识别为任何一类输入数据，已忽略。{hint}如果它是输入数据，请核对表头。",
                            raw.file, raw.sheet))
