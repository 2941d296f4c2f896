"""What the attendance exports of DingTalk (钉钉) and WeCom (企业微信) have in common (issue 17).

The exports are described in ../shared/formats/attendance-exports.md. Columns are found by
their header words, never by position; a header may be one row or a band of two (a group such
as ``上班1`` or ``请假`` merged over its leaf headers, the other headers merged down over both
rows), under title rows (``统计日期：2026-09-01 至 2026-09-30``). Cells come as the exports
write them: dates ``26-09-01 星期二`` or ``2026/09/05 星期五``, times ``09:02``, ``次日 00:12``
or ``昨日 23:50``, several punches in one cell, ``--`` for nothing, ids as text with a leading
``'`` or tab.

A shape turns an export's rows into rows of kehu's datasets with ``Reshaped`` (typed by
kehu.load.sheet_parser, each value's finding at the export's own cell), keeps what the export
says of each day with ``Verdicts`` (for the 导入核对 sheet: kehu never uses it for money) and
counts the sheet's source rows in the ledger (one export row may make several rows, or none).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

from kehu.findings import ERROR, WARNING, Finding, column_letter
from kehu.load.headers import normalise_header
from kehu.load.ledger import Ledger
from kehu.load.reader import RawSheet
from kehu.load.sheet_parser import SheetParser, Source, is_blank
from kehu.schema import BY_KEY

SCAN_ROWS = 12                      # an export's header band lies within its first rows
MAX_HEADER_COLUMNS = 256            # and within its first columns (a 打卡时间 sheet has ~40)
NOTHING = ("--", "-", "—", "——", "/", "无")   # what an export writes into an empty cell
DINGTALK, WECOM = "钉钉", "企业微信"
EXCEL_EPOCH = datetime(1899, 12, 30)
_STRIP = " \t\r\n\u3000\xa0"
_DATA_LIKE = re.compile(r"\d{1,2}[:：]\d{2}|\d{2,4}[-/.]\d{1,2}[-/.]\d{1,2}")


def cell_text(v) -> str:
    """A cell as trimmed text: "" for a blank, NaN or an export's ``--``; 1001.0 → "1001"."""
    if v is None:
        return ""
    if isinstance(v, float):
        if v != v:
            return ""
        if v.is_integer():
            return str(int(v))
    text = str(v).strip(_STRIP)
    return "" if text in NOTHING else text


def at(cells: list, col: int | None):
    """The cell of a row in column ``col`` (None when there is no such column or cell)."""
    return cells[col] if col is not None and col < len(cells) else None


def hhmm(value) -> str:
    """A punch as shown on the 导入核对 sheet: ``09:02`` (or "" for none or a bad value)."""
    return f"{value:%H:%M}" if isinstance(value, datetime) else ""


def export_id(v) -> str | None:
    """An id as the export writes it — ``'0124``, a leading tab, a number — as kehu's text id."""
    text = cell_text(v).lstrip("'‘’`\t ").strip(_STRIP)
    return text or None


def norm(cell) -> str:
    """A header as kehu compares headers (kehu.load.headers: decorations off, NFKC, lower case)."""
    return normalise_header(cell)


# -- the header band ------------------------------------------------------------------------------

@dataclass
class Band:
    """The header of an export sheet: rows ``first`` … ``last`` (0-based; two rows for a band),
    each column's name as kehu compares it (a group's name before its leaf's: ``上班1打卡时间``)
    and as the clerk sees it (``上班1 打卡时间``)."""
    first: int
    last: int
    names: list
    shown: list

    @property
    def start(self) -> int:
        """The index of the first body row."""
        return self.last + 1

    def col(self, *names: str) -> int | None:
        """The first column carrying one of ``names`` (as kehu compares headers), else None."""
        wanted = [norm(n) for n in names]
        for name in wanted:
            if name in self.names:
                return self.names.index(name)
        return None

    def cols(self, pattern: str) -> list[tuple[int, re.Match]]:
        """(column, match) of every column whose name fully matches ``pattern``."""
        found = ((i, re.fullmatch(pattern, n)) for i, n in enumerate(self.names))
        return [(i, m) for i, m in found if m]

    def where(self, col: int) -> tuple[str, str]:
        """(header as shown, column letter) of ``col``."""
        return self.shown[col], column_letter(col)

    def has(self, *names: str) -> bool:
        return all(self.col(n) is not None for n in names)

    def any(self, *names: str) -> bool:
        return any(self.col(n) is not None for n in names)


def find_band(rows: list, fits, scan: int = SCAN_ROWS, one_row: bool = False) -> Band | None:
    """The first header band within the first ``scan`` rows whose names satisfy ``fits``
    (``one_row``: a header of one row only, as a JSON file's table has)."""
    for i in range(min(len(rows), scan)):
        band = read_band(rows, i, one_row)
        if band is not None and fits(band):
            return band
    return None


def read_band(rows: list, i: int, one_row: bool = False) -> Band | None:
    """The header band starting at row ``i`` (None for a row with fewer than two text cells)."""
    top = rows[i]
    if sum(1 for c in top[:MAX_HEADER_COLUMNS] if isinstance(c, str) and cell_text(c)) < 2:
        return None
    below = rows[i + 1] if i + 1 < len(rows) else []
    two = not one_row and _is_leaf_row(top, below)
    width = min(max(len(top), len(below) if two else 0), MAX_HEADER_COLUMNS)
    names, shown, group = [], [], ""
    for j in range(width):
        t = cell_text(top[j]) if j < len(top) else ""
        b = cell_text(below[j]) if two and j < len(below) else ""
        if t:           # a group over its first leaf, or a header merged down over the band
            group = t if b else ""
            name, seen = t + b, " ".join(p for p in (t, b) if p)
        else:           # a leaf under the group opened to its left (or nothing)
            name, seen = (group + b, " ".join(p for p in (group, b) if p)) if b else ("", "")
        names.append(norm(name))
        shown.append(seen)
    return Band(i, i + 1 if two else i, names, shown)


def _is_leaf_row(top: list, below: list) -> bool:
    """The row under a header holds leaf headers (a two-row band), not data: it has text cells
    only, none like a date or time, and is blank under the header's first column (a data row
    always names its person or day there)."""
    first = next((j for j, c in enumerate(top) if cell_text(c)), None)
    cells = [c for c in below if not is_blank(c)]
    if not cells or first is None or (first < len(below) and not is_blank(below[first])):
        return False
    return all(isinstance(c, str) and not _DATA_LIKE.search(c) for c in cells)


def title_text(rows: list, band: Band) -> str:
    """The title rows above the header band, as one text."""
    return " ".join(cell_text(c) for row in rows[:band.first] for c in row if cell_text(c))


# -- dates and times as the exports write them -----------------------------------------------------

_DAY = re.compile(r"^(\d{4}|\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s|星期|周|$|\()")
_CLOCK = re.compile(r"(昨日|前一天|次日|第二天|翌日)?\s*(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?")
_SHIFT = {"昨日": -1, "前一天": -1, "次日": 1, "第二天": 1, "翌日": 1}
_SEPARATORS = re.compile(r"[\s,，;；、|]+")


def export_day(v):
    """A day cell → ``date``; None for a blank; the text itself when it is no date."""
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool) and 1 <= v < 2958466:
        return (EXCEL_EPOCH + timedelta(days=int(v))).date()
    text = cell_text(v)
    if not text:
        return None
    m = _DAY.match(text + " ")
    if not m:
        return text
    year = int(m.group(1)) + (2000 if len(m.group(1)) == 2 else 0)
    try:
        return date(year, int(m.group(2)), int(m.group(3)))
    except ValueError:
        return text


def punch_at(v, day: date | None):
    """A punch cell → ``datetime`` (a time of day on ``day``, shifted by 次日 / 昨日); None for
    a blank; the text itself when it is no time (a finding at the cell, by the parser)."""
    if isinstance(v, datetime):
        return v
    if isinstance(v, time):
        return datetime.combine(day, v) if day else _shown(v)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if 0 <= v < 1 and day:
            return datetime.combine(day, time()) + timedelta(seconds=round(v * 86400))
        return EXCEL_EPOCH + timedelta(seconds=round(v * 86400)) if v >= 1 else _shown(v)
    text = cell_text(v)
    if not text:
        return None
    stamp = _stamp(text)
    if stamp is not None:
        return stamp
    m = _CLOCK.fullmatch(text)
    if not m or day is None:
        return text
    return _clock(m, day) or text


def punches_in(v, day: date | None) -> list:
    """Every punch of a cell holding a day's punches (``09:02\\n12:31\\n次日 00:12``); a cell with
    anything else in it is one bad value (its text)."""
    if not isinstance(v, str):
        one = punch_at(v, day)
        return [] if one is None else [one]
    text = cell_text(v)
    if not text:
        return []
    found = list(_CLOCK.finditer(text))
    rest = _SEPARATORS.sub("", _CLOCK.sub("", text))
    if rest or not found or day is None:
        return [text]
    times = [_clock(m, day) for m in found]
    return [text] if any(t is None for t in times) else times


def punch_value(v, day, band: Band, time_col: int | None, day_col: int | None) -> tuple:
    """(value, cell) of one punch: a datetime, at its time cell; a time without a readable day is
    the day cell's finding (a day that is no date: its text; a blank day: blank)."""
    when = punch_at(v, day if isinstance(day, date) else None)
    if isinstance(when, str) and not isinstance(day, date) and day_col is not None and _CLOCK.fullmatch(when):
        return day, band.where(day_col)
    return when, band.where(time_col) if time_col is not None else ("打卡时间", "")


def _clock(m: re.Match, day: date) -> datetime | None:
    hour, minute, second = int(m.group(2)), int(m.group(3)), int(m.group(4) or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return datetime.combine(day, time(hour, minute, second)) + timedelta(days=_SHIFT.get(m.group(1) or "", 0))


_STAMP = re.compile(r"(\d{4}|\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*(?:星期.|周.)?\s*"
                    r"(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?")


def _stamp(text: str) -> datetime | None:
    """``2026-09-03 09:02`` (or with ``/``, seconds, a 星期 between) → datetime."""
    m = _STAMP.fullmatch(text)
    if not m:
        return None
    year = int(m.group(1)) + (2000 if len(m.group(1)) == 2 else 0)
    try:
        return datetime(year, int(m.group(2)), int(m.group(3)), int(m.group(4)), int(m.group(5)), int(m.group(6) or 0))
    except ValueError:
        return None


def _shown(v) -> str:
    return str(v)


_PERIOD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*(?:至|到|~|～|－|—|-)\s*"
                     r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_FILE_PERIOD = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})\s*[-_~～至]\s*(\d{4})(\d{2})(\d{2})(?!\d)")


def stated_period(*texts: str) -> tuple[date, date] | None:
    """The period a title (``统计日期：2026-09-01 至 2026-09-30``) or a file name
    (``…_20260901-20260930.xlsx``) states: the first text that states one."""
    for text in texts:
        for pattern in (_PERIOD, _FILE_PERIOD):
            m = pattern.search(text or "")
            if m:
                try:
                    y1, m1, d1, y2, m2, d2 = (int(g) for g in m.groups())
                    return date(y1, m1, d1), date(y2, m2, d2)
                except ValueError:
                    continue
    return None


# -- who a row is ------------------------------------------------------------------------------------

@dataclass
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
        self.system = system
        self.id_col = band.col("工号", "员工工号", "employee_id")
        self.account_col = band.col(*account_headers)
        self.name_col = band.col("姓名", "员工姓名", "name")

    def of(self, row: list) -> Person:
        def at(col):
            return row[col] if col is not None and col < len(row) else None
        return Person(export_id(at(self.id_col)), export_id(at(self.account_col)), cell_text(at(self.name_col)))

    def cell(self, person: Person, band: Band) -> tuple[str, str]:
        """(header, letter) of the cell that names ``person``: 工号, else the account."""
        col = self.id_col if person.employee_id or self.account_col is None else self.account_col
        return band.where(col) if col is not None else ("工号", "")

    def carry(self, person: Person) -> dict:
        """The columns kehu.load.shapes.resolve needs, for a reshaped row of ``person``."""
        return {"_account": person.account, "_by_account": person.employee_id is None and person.account is not None,
                "_system": self.system, "_name": person.name}


CARRIED = ("_account", "_by_account", "_system", "_name")


# -- rows for kehu's datasets --------------------------------------------------------------------------

class Reshaped:
    """The rows a shape makes for one of kehu's datasets out of an export sheet: each with the
    Excel row it came from and, per value, the export's cell (header, letter) behind it; typed
    by kehu.load.sheet_parser (a value that cannot be read is a finding at that cell)."""

    def __init__(self, raw: RawSheet, key: str, aliases: tuple[str, ...], carried: tuple[str, ...] = CARRIED):
        self.raw, self.dataset, self.aliases = raw, BY_KEY[key], aliases
        self.body: list[list] = []
        self.rows: list[int] = []
        self.cells = {a: ([], []) for a in aliases}
        self.carry: dict[str, list] = {name: [] for name in carried}

    def __len__(self) -> int:
        return len(self.body)

    def add(self, row: int, values: dict, cells: dict, carry: dict | None = None) -> None:
        """One row: ``values`` and ``cells`` (alias → (header, letter)) by alias; ``carry`` by name."""
        self.body.append([values.get(a) for a in self.aliases])
        self.rows.append(row)
        for alias in self.aliases:
            heads, letters = self.cells[alias]
            head, letter = cells.get(alias, (self.dataset.column(alias).name, ""))
            heads.append(head)
            letters.append(letter)
        for name, values_of in self.carry.items():
            values_of.append((carry or {}).get(name))

    def parse(self, rules: dict, ledger: Ledger, findings: list) -> list[tuple[str, pd.DataFrame]]:
        """``[(dataset key, typed frame)]``, or ``[]`` when the sheet made no row."""
        if not self.body:
            return []
        header = [self.dataset.column(a).name for a in self.aliases]
        raw = RawSheet(self.raw.file, self.raw.sheet, [header] + self.body)
        source = Source(np.asarray(self.rows, dtype=np.int64), self.cells, self.carry)
        parser = SheetParser(raw, self.dataset, 0, dict(enumerate(self.aliases)), rules, ledger, findings, source)
        return [(self.dataset.key, parser.parse())]


def count_sheet(raw: RawSheet, band: Band, key: str | None, ledger: Ledger, findings: list) -> list[tuple[int, list]]:
    """Count the sheet's body in the ledger (source rows; one may make several rows or none) and
    return its non-empty rows as (Excel row, cells) — without a last row cut short."""
    body = raw.rows[band.start:]
    rows = [(band.start + 1 + i, row) for i, row in enumerate(body) if not all(is_blank(c) for c in row)]
    ledger.sheet(raw.file, raw.sheet, key, read=len(body), empty=len(body) - len(rows), one_to_one=False)
    if rows and _cut_short(raw, band, rows[-1][1]):
        row = rows.pop()[0]
        drop_rows(raw, [row], "rejected", ledger)
        findings.append(Finding(ERROR, "E-export-truncated",
                                f"最后一行（第 {row} 行）只有 {len(raw.rows[row - 1])} 列，表头有 {len(raw.rows[band.last])} 列："
                                "文件可能没有下载完整。该行未使用；请重新导出或下载完整的文件后再运行。",
                                raw.file, raw.sheet, row, dataset=key or "", rejected=True))
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


def unused_rows(raw: RawSheet, rows: list[int], what: str, findings: list, code: str = "W-export-rows-unused") -> None:
    """One warning for the rows of a sheet kehu leaves out by design (what: why, in Chinese)."""
    if rows:
        findings.append(Finding(WARNING, code, f"{what}共 {len(rows):,} 行（第 {rows[0]} 行起），未使用。"
                                "这是导出中的正常内容，无需处理；如有疑问请核对原表。", raw.file, raw.sheet, rows[0]))


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

    def add(self, row: int, person: Person, day: date, slot: str, result: str, shown: str = "") -> None:
        if day is None or not isinstance(day, date) or not (person.key and result):
            return
        carry = self.people.carry(person)
        self.records.append((person.key, carry["_account"], carry["_by_account"], self.people.system, person.name,
                             pd.Timestamp(day), slot, result, shown, self.complete, self.export,
                             self.raw.file, self.raw.sheet, row))

    def keep(self, ledger: Ledger) -> None:
        if self.records:
            frame = pd.DataFrame(self.records, columns=list(VERDICT_COLUMNS))
            frame["date"] = frame["date"].astype("datetime64[ns]")
            ledger.keep_verdicts(frame)


def clean_result(text: str) -> str:
    """An export's verdict text, trimmed and NFKC'd (``管理员 张三 改为正常`` stays readable)."""
    return unicodedata.normalize("NFKC", cell_text(text))
