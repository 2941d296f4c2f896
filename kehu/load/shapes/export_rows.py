"""How a shape makes rows of kehu's datasets out of an attendance export (issue 17).

Who a row is (``People``: the 工号, else the system's account — never the name), the rows it
makes (``Reshaped``: typed by kehu.load.sheet_parser, each value's finding at the export's own
cell), the sheet's source rows in the ledger (``count_sheet``: one export row may make several
rows, or none; a CSV cut short is refused), and what the export says of each day (``Verdicts``,
for the 导入核对 sheet: kehu never uses it for money).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from kehu.findings import make
from kehu.load.ledger import Ledger
from kehu.load.reader import RawSheet
from kehu.load.shapes.exports import Band, at, cell_text, export_id
from kehu.load.sheet_parser import SheetParser, Source, is_blank
from kehu.load.values import FIRST_DAY, LAST_DAY
from kehu.schema import BY_KEY


# -- who a row is ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    """Who an export row is: the 工号 (when the export has one) or the account (钉钉 UserId /
    企业微信 账号) to be looked up in 员工名册 (kehu.load.shapes.resolve) — never the name, which
    is kept only to name the person in a message."""
    employee_id: str | None
    account: str | None
    name: str

    @property
    def key(self) -> str | None:
        """What goes into the 工号 column: the 工号, else the account (resolved after loading)."""
        return self.employee_id or self.account


class People:
    """The identity columns of an export sheet (工号, the account column, 姓名)."""

    def __init__(self, band: Band, system: str, account_headers: tuple[str, ...]):
        self.band, self.system = band, system
        self.id_col = band.col("工号", "员工工号", "employee_id")
        self.account_col = band.col(*account_headers)
        self.name_col = band.col("姓名", "员工姓名", "name")
        self._seen: dict[tuple, Person] = {}          # a person's cells as written → Person (rows repeat them)
        self._carried: dict[Person, tuple] = {}

    def of(self, row: list) -> Person:
        written = (at(row, self.id_col), at(row, self.account_col), at(row, self.name_col))
        person = self._seen.get(written)
        if person is None:
            person = self._seen[written] = Person(export_id(written[0]), export_id(written[1]), cell_text(written[2]))
        return person

    def cell(self, person: Person) -> tuple[str, str]:
        """(header, letter) of the cell that names ``person``: 工号, else the account."""
        col = self.id_col if person.employee_id or self.account_col is None else self.account_col
        return self.band.where(col) if col is not None else ("工号", "")

    def carry(self, person: Person) -> tuple:
        """The columns kehu.load.shapes.resolve needs (CARRIED), for a reshaped row of ``person``."""
        carried = self._carried.get(person)
        if carried is None:
            carried = self._carried[person] = (person.account, person.employee_id is None and person.account is not None,
                                               self.system, person.name)
        return carried


CARRIED = ("_account", "_by_account", "_system", "_name")


# -- rows for kehu's datasets --------------------------------------------------------------------------

class Reshaped:
    """The rows a shape makes for one of kehu's datasets out of an export sheet: each with the
    Excel row it came from and, per value, the export's cell (header, letter) behind it; typed
    by kehu.load.sheet_parser (a value that cannot be read is a finding at that cell)."""

    def __init__(self, raw: RawSheet, key: str, aliases: tuple[str, ...], carried: tuple[str, ...] = CARRIED):
        self.raw, self.dataset, self.aliases, self.carried = raw, BY_KEY[key], aliases, carried
        self.body: list[tuple] = []
        self.rows: list[int] = []
        self.cells: list[tuple] = []        # per row: (header, letter) per alias
        self.carry: list[tuple] = []        # per row: the carried values

    def add(self, row: int, values: dict, cells: dict, carry: tuple) -> None:
        """One row: ``values`` and ``cells`` (alias → (header, letter)) by alias; ``carry`` as CARRIED."""
        self.put(row, tuple(values.get(a) for a in self.aliases),
                 tuple(cells.get(a, (self.dataset.column(a).name, "")) for a in self.aliases), carry)

    def put(self, row: int, values: tuple, cells: tuple, carry: tuple) -> None:
        """One row, its values and cells in the order of ``aliases``."""
        self.body.append(values)
        self.rows.append(row)
        self.cells.append(cells)
        self.carry.append(carry)

    def parse(self, rules: dict, ledger: Ledger, findings: list) -> list[tuple[str, pd.DataFrame]]:
        """``[(dataset key, typed frame)]``, or ``[]`` when the sheet made no row."""
        if not self.body:
            return []
        header = [self.dataset.column(a).name for a in self.aliases]
        raw = RawSheet(self.raw.file, self.raw.sheet, [header] + [list(v) for v in self.body])
        by_alias = list(zip(*self.cells))
        cells = {a: ([c[0] for c in by_alias[i]], [c[1] for c in by_alias[i]]) for i, a in enumerate(self.aliases)}
        carry = dict(zip(self.carried, (list(values) for values in zip(*self.carry))))
        source = Source(np.asarray(self.rows, dtype=np.int64), cells, carry)
        parser = SheetParser(raw, self.dataset, 0, dict(enumerate(self.aliases)), rules, ledger, findings, source)
        return [(self.dataset.key, parser.parse())]


class Punches(Reshaped):
    """打卡记录 rows: a person's punch, at its cell."""

    def __init__(self, raw: RawSheet, people: People):
        super().__init__(raw, "punches", ("employee_id", "punched_at"))
        self.people = people

    def punch(self, row: int, person: Person, value, cell: tuple[str, str]) -> None:
        self.put(row, (person.key, value), (self.people.cell(person), cell), self.people.carry(person))


def count_sheet(raw: RawSheet, band: Band, key: str | None, ledger: Ledger, findings: list) -> list[tuple[int, list]]:
    """Count the sheet's body in the ledger (source rows; one may make several rows or none) and
    return its non-empty rows as (Excel row, cells) — without a last row cut short."""
    body = raw.rows[band.start:]
    rows = [(band.start + 1 + i, row) for i, row in enumerate(body) if not all(is_blank(c) for c in row)]
    ledger.sheet(raw.file, raw.sheet, key, read=len(body), empty=len(body) - len(rows), one_to_one=False)
    if rows and _cut_short(raw, band, rows[-1][1]):
        row = rows.pop()[0]
        drop_rows(raw, [row], "rejected", ledger)
        findings.append(make("E-export-truncated", file=raw.file, sheet=raw.sheet, row=row, dataset=key or "",
                             rejected=True, cells=len(raw.rows[row - 1]), columns=len(raw.rows[band.last])))
    return rows


def _cut_short(raw: RawSheet, band: Band, last: list) -> bool:
    """A CSV whose last line stops before the header's last column (a download cut off). Rows of a
    workbook are all as wide as the sheet; a CSV's are as wide as their line."""
    width = len(raw.rows[band.last])
    return len(last) < width and not is_blank(last[-1]) and any(len(r) >= width for r in raw.rows[band.start:])


def drop_rows(raw: RawSheet, rows: list[int], kind: str, ledger: Ledger) -> None:
    """Source rows the shape does not turn into any dataset row, counted as ``kind``."""
    if rows:
        frame = pd.DataFrame({"_file": raw.file, "_sheet": raw.sheet, "_row": np.asarray(rows, dtype=np.int64)})
        ledger.drop(frame, pd.Series(True, index=frame.index), kind)


def unused_rows(raw: RawSheet, rows: list[int], what: str, findings: list) -> None:
    """One warning for the rows of a sheet kehu leaves out by design (what: why, in Chinese)."""
    if rows:
        findings.append(make("W-export-rows-unused", file=raw.file, sheet=raw.sheet, row=rows[0], what=what,
                             count=len(rows)))


# -- what the export says of each day --------------------------------------------------------------------

VERDICT_COLUMNS = ("employee_id", "_account", "_by_account", "_system", "_name", "date", "slot", "result", "shown",
                   "complete", "export", "_file", "_sheet", "_row")


@dataclass
class Verdicts:
    """What an export says of a person's day, slot by slot (``上班1``: ``迟到``), for the
    导入核对 sheet. ``complete``: the export speaks of the whole day (每日统计, 概况统计) — not
    only of the punches it lists (原始记录, 打卡详情, the APIs), which know nothing of a missing one."""
    raw: RawSheet
    people: People
    export: str
    complete: bool
    records: list = field(default_factory=list)

    def add(self, row: int, person: Person, day, slot: str, result: str, shown: str = "") -> None:
        """What the export says of ``slot`` of ``person``'s ``day`` (nothing without a day or a word)."""
        if not isinstance(day, date) or not (FIRST_DAY <= day <= LAST_DAY) or not (person.key and result):
            return                      # a day no frame holds (year 9999) is no day: its punch says so
        account, by_account, system, name = self.people.carry(person)
        self.records.append((person.key, account, by_account, system, name, day, slot, result, shown, self.complete,
                             self.export, self.raw.file, self.raw.sheet, row))

    def keep(self, ledger: Ledger) -> None:
        if self.records:
            frame = pd.DataFrame(self.records, columns=list(VERDICT_COLUMNS))
            frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
            ledger.keep_verdicts(frame)


_RESULTS: dict = {}


def clean_result(text) -> str:
    """An export's verdict text, trimmed and NFKC'd (``管理员 张三 改为正常`` stays readable)."""
    if text not in _RESULTS:
        if len(_RESULTS) > 10_000:
            _RESULTS.clear()
        _RESULTS[text] = unicodedata.normalize("NFKC", cell_text(text))
    return _RESULTS[text]
