"""Findings are values (SPEC §5): every rejected or suspicious input row.

A finding names the clerk's cell — file, sheet, Excel row, column header and
letter — carries the offending value and a Chinese message saying what was
expected and what was found. Codes are stable: ``E-…`` errors, ``W-…``
warnings; each code is documented in docs/FINDINGS.md (a test keeps them in step).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Iterable, Iterator

import pandas as pd

ERROR = "error"
WARNING = "warning"


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
        d = asdict(self)
        d["cell"] = self.cell
        return d


@dataclass
class Findings:
    """An ordered collection of findings with counts; never prints."""
    items: list = field(default_factory=list)

    def add(self, finding: Finding) -> None:
        self.items.append(finding)

    def extend(self, findings: Iterable[Finding]) -> None:
        self.items.extend(findings)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.items if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.items if f.severity == WARNING]

    def sorted(self) -> list[Finding]:
        """Deterministic order: file, sheet, row, column, code."""
        return sorted(self.items, key=lambda f: (f.file, f.sheet, f.row or 0, f.letter.rjust(3), f.code, f.message))

    def flatten(self, fields=("sheet", "row", "letter", "code")) -> list[tuple]:
        """Tuples for tests, e.g. [("打卡记录", 7, "C", "E-time")]."""
        return [tuple(getattr(f, k) for k in fields) for f in self.sorted()]
