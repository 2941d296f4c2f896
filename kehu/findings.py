"""Findings are values (SPEC §5): every rejected or suspicious input row.

A finding names the clerk's cell — file, sheet, Excel row, column header and
letter — carries the offending value and a Chinese message saying what was
expected, what was found and what to do. Codes are stable: ``E-…`` errors, ``W-…``
warnings; each is defined once in kehu/finding_codes.py (severity, title, message
template, hint) and built with ``make(code, …)``; docs/FINDINGS.md is tested against
those definitions.
"""
from __future__ import annotations

from dataclasses import dataclass, fields as dataclass_fields

import pandas as pd

from kehu.finding_codes import CODES, ERROR, WARNING  # noqa: F401  (ERROR, WARNING re-exported)
from kehu.schema import BY_KEY

# the Finding fields a call to make() may set; every other keyword is a field of the code's template
LOCATION = ("file", "sheet", "row", "column", "letter", "value", "dataset", "employee_id", "rejected")


def column_index(letters: str) -> int:
    """Excel letters → 0-based column index (A → 0, AA → 26)."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def show(value) -> str:
    """A cell's value as a finding shows it: blank → "", 是/否, a date or date-time, ≤ 200 characters."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d %H:%M}" if (value.hour or value.minute) else f"{value:%Y-%m-%d}"
    return str(value)[:200]


def show_day(ts) -> str:
    return "" if pd.isna(ts) else f"{ts:%Y-%m-%d}"


@dataclass(frozen=True)
class Finding:
    severity: str                 # "error" | "warning"
    code: str                     # e.g. "E-date", "W-visit-unsigned"
    message: str                  # Chinese, actionable: expected vs found
    file: str = ""
    sheet: str = ""
    row: int | None = None        # Excel row number (1-based)
    column: str = ""              # header as written in the sheet
    letter: str = ""              # Excel column letter
    value: str = ""               # offending value as text
    dataset: str = ""             # dataset key (staff, punches…)
    employee_id: str = ""         # the manager the row belongs to, for his workbook
    rejected: bool = False        # the row is not used (error, or warning that drops the row)

    @property
    def cell(self) -> str:
        return f"{self.letter}{self.row}" if self.letter and self.row else ""

    def to_dict(self) -> dict:
        """Every field by name, and ``cell``. The fields hold plain values (str, int, bool, None), so
        they are taken as they are: ``asdict``'s deep copy of each costs ~10 µs a finding, and a
        month can have 12,000 findings in the department workbook alone."""
        d = {name: getattr(self, name) for name in FIELD_NAMES}
        d["cell"] = self.cell
        return d


FIELD_NAMES = tuple(f.name for f in dataclass_fields(Finding))


def make(code: str, *, hint: str | None = None, **fields) -> Finding:
    """The finding of ``code`` at the location among ``fields`` (file, sheet, row, column, letter,
    value, dataset, employee_id, rejected); its message is the code's template and hint filled
    from ``fields`` (the location included, and ``table``: the dataset's Chinese name). ``hint``
    replaces the code's hint where one variant of a code needs another next step."""
    spec = CODES[code]
    where = {k: fields.pop(k) for k in LOCATION if k in fields}
    finding = Finding(spec.severity, code, "", **where)
    named = {**where, "table": BY_KEY[finding.dataset].name if finding.dataset in BY_KEY else "", **fields}
    message = spec.template.format_map(named) + (spec.hint if hint is None else hint).format_map(named)
    return Finding(spec.severity, code, message, **where)


def worded(code: str, message: str, **where) -> Finding:
    """The finding of ``code`` (its severity as defined) with a message written for its case:
    ``kehu plan`` reports on its own annual workbook, whose sheets the run's templates do not
    describe. Everything the run reports goes through ``make``."""
    spec = CODES[code]
    return Finding(spec.severity, code, message, **where)


def more(code: str, count: int, **where) -> Finding:
    """One finding for the ``count`` further rows of a code in one column that are not listed one by one."""
    return Finding(CODES[code].severity, code, f"另有 {count:,} 行同样的问题（{CODES[code].title}，未逐条列出）。",
                   **where)
