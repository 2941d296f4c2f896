"""The assessed month (``--month YYYY-MM``)."""
from __future__ import annotations

import calendar as _cal
import re
from dataclasses import dataclass
from datetime import date

_MONTH = re.compile(r"^\s*(\d{4})\s*(?:-|/|年)\s*(\d{1,2})\s*月?\s*$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> "Month":
        """'2026-10', '2026/10' or '2026年10月' → Month; ValueError otherwise."""
        m = _MONTH.match(str(text))
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise ValueError(f"月份应为 YYYY-MM（如 2026-10），实际为「{text}」。")
        return cls(int(m.group(1)), int(m.group(2)))

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, _cal.monthrange(self.year, self.month)[1])

    def shift(self, months: int) -> "Month":
        index = self.year * 12 + (self.month - 1) + months
        return Month(index // 12, index % 12 + 1)

    def next(self) -> "Month":
        return self.shift(1)

    def __str__(self) -> str:
        return self.label
