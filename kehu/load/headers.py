"""Which dataset a sheet is, from its header row (SPEC §1, §10.4).

Headers are compared after the decorations clerks add are taken off: bracketed units
and marks （元）(万元) [必填] (必填), ``*``, spaces inside and around, full-width forms
(（）＊ and the full-width space), a trailing colon. Each column may be given by its
Chinese name or its English alias.

The header row is the first of the sheet's first rows holding at least two column
names of one dataset. The sheet is the dataset whose columns it carries most — a
required column misspelt (客户经里工号 for 客户经理工号) still counts for its
dataset — ties going to the dataset whose required columns are all there, then to the
one with more required columns (a 违纪记录 sheet also holds 日历's 日期 and 类型). A sheet
carrying at least half of a dataset's required columns *is* that dataset with the rest
missing: never "unknown", always an error naming each missing column and the closest
header (SPEC §10.4).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from kehu.findings import column_letter
from kehu.schema import DATASETS, Dataset

HEADER_SCAN_ROWS = 30
CLOSE_ENOUGH = 0.6          # SequenceMatcher ratio: 客户经里工号 ~ 客户经理工号 is 0.83, 绩效基础 ~ 绩效基数 0.75
SHOWN_AS_CLOSEST = 0.4      # the closest header is named in the message from this similarity on
_DECORATIONS = re.compile(r"[(\[【〔][^)\]】〕]*[)\]】〕]")
_MARKS = re.compile(r"[*※★☆]")
_SPACES = re.compile(r"\s+")


def normalise_header(cell) -> str:
    """'绩效基数（元）' → '绩效基数', '* 客户 编号' → '客户编号', 'Employee_ID' → 'employee_id'."""
    if cell is None:
        return ""
    text = unicodedata.normalize("NFKC", str(cell))        # full-width brackets, stars, spaces → half-width
    text = _MARKS.sub("", _DECORATIONS.sub("", text))
    return _SPACES.sub("", text).rstrip(":").lower()


def _names(dataset: Dataset) -> dict[str, str]:
    """Accepted header text (normalised) → alias."""
    out = {}
    for col in dataset.columns:
        out[normalise_header(col.name)] = col.alias
        out[normalise_header(col.alias)] = col.alias
    return out


NAMES = {d.key: _names(d) for d in DATASETS}


@dataclass
class Match:
    """How well one header row fits one dataset."""
    dataset: Dataset
    present: dict                   # alias → column index (exact, after normalisation)
    required: frozenset             # the required aliases of the best-fitting alternative
    close: dict = field(default_factory=dict)   # missing required alias → (column index, similarity)

    @property
    def missing(self) -> list[str]:
        return [c.alias for c in self.dataset.columns if c.alias in self.required and c.alias not in self.present]

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def candidate(self) -> bool:
        """Carries at least half of the dataset's required columns (SPEC §10.4)."""
        return 2 * len(self.required & self.present.keys()) >= len(self.required)

    @property
    def rank(self) -> tuple:
        carried = len(self.present) + sum(1 for _, ratio in self.close.values() if ratio >= CLOSE_ENOUGH)
        return carried, self.complete, len(self.required)


@dataclass
class Recognition:
    """What a sheet is: ``match`` (None: unknown), its header row (0-based), the column map,
    ``ties`` (equally good datasets: ambiguous) and ``nearest`` (for an unknown sheet's hint)."""
    match: Match | None
    header: int = -1
    mapping: dict = field(default_factory=dict)     # column index → alias
    cells: list = field(default_factory=list)       # the header row as written
    ties: list = field(default_factory=list)
    nearest: Match | None = None


def recognise(rows: list) -> Recognition:
    nearest = None
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        matches = _matches(tuple(normalise_header(c) for c in row))
        found = [m for m in matches if m.candidate]
        if found:
            found.sort(key=lambda m: m.rank, reverse=True)
            best = found[0]
            ties = [m for m in found if m.rank == best.rank]
            mapping = {i: alias for alias, i in best.present.items()}
            return Recognition(best, index, mapping, list(row), ties if len(ties) > 1 else [])
        if matches and nearest is None:
            nearest = max(matches, key=lambda m: m.rank)
    return Recognition(None, nearest=nearest)


def header_row(rows: list) -> int:
    """``recognise(rows).header`` without the ranking: the first of the first ``HEADER_SCAN_ROWS``
    rows in which some dataset's columns are a candidate header, -1 if none — for the report's
    copies, which need only where the header is, not how close each missing column comes."""
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        cells = [normalise_header(c) for c in row]
        if any(m is not None and m.candidate for m in (_present(d, cells) for d in DATASETS)):
            return index
    return -1


@lru_cache(maxsize=256)
def _matches(cells: tuple[str, ...]) -> list[Match]:
    """The datasets a header row could be, each a ``_match``; remembered per process, because the
    same header heads every file of a kind (a department's hundred 出访登记 registers), and the
    closest-header search behind it is the costly part. Read-only: the matches are shared."""
    return [m for m in (_match(d, list(cells)) for d in DATASETS) if m is not None]


def _match(dataset: Dataset, cells: list[str]) -> Match | None:
    """The dataset's columns found in ``cells`` — None unless at least two are (a header row) —
    with the closest header of each missing required column."""
    match = _present(dataset, cells)
    if match is not None:
        taken = set(match.present.values())
        for alias in match.missing:
            match.close[alias] = _closest(dataset.column(alias), cells, taken)
    return match


def _present(dataset: Dataset, cells: list[str]) -> Match | None:
    """``_match`` without the closest headers: which columns are there, and which alternative."""
    names = NAMES[dataset.key]
    present: dict[str, int] = {}
    for i, c in enumerate(cells):
        alias = names.get(c)
        if alias and alias not in present:        # the first of two same-named columns is used
            present[alias] = i
    if len(present) < 2:
        return None
    required = max((frozenset(r) for r in dataset.required_sets),
                   key=lambda r: (len(r & present.keys()) * 2 >= len(r), len(r & present.keys()), -len(r)))
    return Match(dataset, present, required)


def _closest(column, cells: list[str], taken: set) -> tuple[int, float]:
    """(index, similarity) of the unused header most like the column's name; (-1, 0) if none."""
    best, ratio = -1, 0.0
    target = normalise_header(column.name)
    for i, c in enumerate(cells):
        if i in taken or not c:
            continue
        r = max(SequenceMatcher(None, target, c).ratio(), SequenceMatcher(None, column.alias, c).ratio())
        if r > ratio:
            best, ratio = i, r
    return best, ratio


def missing_column_fields(rec: Recognition, alias: str) -> dict:
    """The E-column-missing fields (kehu/finding_codes.py) for a required column the recognised
    sheet lacks: its ``name``, the ``alternative`` columns, and the ``closest`` header (its
    ``column`` text and ``letter`` locate the finding) or none."""
    dataset, m = rec.match.dataset, rec.match
    name = dataset.column(alias).name
    fields = {"name": name, "alternative": _alternative_hint(dataset, m), "column": name, "letter": "",
              "closest": "，表头中也没有相近的列"}
    index, ratio = m.close.get(alias, (-1, 0.0))
    if index >= 0 and ratio >= SHOWN_AS_CLOSEST:
        shown, letter = str(rec.cells[index]).strip(), column_letter(index)
        fields.update(column=shown, letter=letter, closest=f"；最接近的是 {letter} 列「{shown}」")
    return fields


def _alternative_hint(dataset: Dataset, m: Match) -> str:
    others = [r for r in dataset.required_sets if frozenset(r) != m.required]
    if not others:
        return ""
    options = ["+".join(dataset.column(a).name for a in sorted(r - m.present.keys())) for r in others]
    return f"（或改用 {'、'.join(o for o in options if o)}）"


# -- the month a sheet states (SPEC §10.2: 指标 and 客户名册 without a 月份 column) --------------

_CN_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")
_ISO_MONTH = re.compile(r"(?<!\d)(\d{4})\s*[-/.．]\s*(\d{1,2})(?![\d])(?!\s*[-/.．]\s*\d)")


def stated_month(text: str) -> str | None:
    """The one month a title, sheet or file name states ('2026年10月指标' → '2026-10'); None when it
    states none, or several (a range '2026年8—10月' states none)."""
    found = {f"{int(y):04d}-{int(m):02d}" for pattern in (_CN_MONTH, _ISO_MONTH)
             for y, m in pattern.findall(str(text)) if 1 <= int(m) <= 12 and 2000 <= int(y) <= 2099}
    return found.pop() if len(found) == 1 else None


def sheet_month(title_rows: list, sheet: str, file: str) -> str | None:
    """The month a sheet states: in a title row above its header, else its name, else its file's."""
    titles = " ".join(str(c) for row in title_rows for c in row if c not in (None, ""))
    for text in (titles, sheet, re.sub(r"\.\w+$", "", file)):
        month = stated_month(text)
        if month:
            return month
    return None
