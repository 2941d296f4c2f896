"""What the attendance exports of DingTalk (钉钉) and WeCom (企业微信) have in common (issue 17).

The exports are described in ../shared/formats/attendance-exports.md. Columns are found by
their header words, never by position; a header may be one row or a band of two (a group such
as ``上班1`` or ``请假`` merged over its leaf headers, the other headers merged down over both
rows), under title rows (``统计日期：2026-09-01 至 2026-09-30``). Cells come as the exports
write them: dates ``26-09-01 星期二`` or ``2026/09/05 星期五``, times ``09:02``, ``次日 00:12``
or ``昨日 23:50``, several punches in one cell, ``--`` for nothing, ids as text with a leading
``'`` or tab.

How a shape makes kehu's rows of what it reads is kehu.load.shapes.export_rows.
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from kehu.findings import column_letter
from kehu.load.headers import normalise_header
from kehu.load.reader import RawSheet
from kehu.load.sheet_parser import is_blank

SCAN_ROWS = 12                      # an export's header band lies within its first rows
MAX_HEADER_COLUMNS = 256            # and within its first columns (a 打卡时间 sheet has ~40)
NOTHING = ("--", "-", "—", "——", "/", "无")   # what an export writes into an empty cell
DINGTALK, WECOM = "钉钉", "企业微信"
EXCEL_EPOCH = datetime(1899, 12, 30)
_STRIP = " \t\r\n\u3000\xa0"
_DATA_LIKE = re.compile(r"\d{1,2}[:：]\d{2}|\d{2,4}[-/.]\d{1,2}[-/.]\d{1,2}")


def cell_text(v) -> str:
    """A cell as trimmed text: "" for a blank, NaN or an export's ``--``; 1001.0 → "1001"."""
    if v.__class__ is str:                  # the usual cell, first
        text = v.strip(_STRIP)
        return "" if text in NOTHING else text
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


def hhmm(value, day=None) -> str:
    """A punch as shown on the 导入核对 sheet: ``09:02``, ``次日 00:12`` when it is the day after
    ``day`` ("" for none or a bad value)."""
    if not isinstance(value, datetime):
        return ""
    shifted = isinstance(day, date) and value.date() != day
    return ("次日 " if shifted and value.date() > day else "昨日 " if shifted else "") + f"{value.hour:02d}:{value.minute:02d}"


def export_id(v) -> str | None:
    """An id as the export writes it — ``'0124``, a leading tab, a number — as kehu's text id."""
    text = cell_text(v).lstrip("'‘’`\t ").strip(_STRIP)
    return text or None


def norm(cell) -> str:
    """A header as kehu compares headers (kehu.load.headers: decorations off, NFKC, lower case)."""
    return _norm_text(cell) if isinstance(cell, str) else normalise_header(cell)


@lru_cache(maxsize=8192)
def _norm_text(text: str) -> str:
    """Headers repeat (the same names in every file, the shapes' own names at every lookup)."""
    return normalise_header(text)


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

    def __post_init__(self):
        self.letters = [column_letter(i) for i in range(len(self.names))]

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
        return self.shown[col], self.letters[col]

    def has(self, *names: str) -> bool:
        return all(self.col(n) is not None for n in names)

    def any(self, *names: str) -> bool:
        return any(self.col(n) is not None for n in names)


def find_band(raw: RawSheet, fits, scan: int = SCAN_ROWS, one_row: bool = False) -> Band | None:
    """The first header band within the first ``scan`` rows whose names satisfy ``fits``
    (``one_row``: a header of one row only, as a JSON file's table has)."""
    for i in range(min(len(raw.rows), scan)):
        band = header_band(raw, i, one_row)
        if band is not None and fits(band):
            return band
    return None


def header_band(raw: RawSheet, i: int, one_row: bool = False) -> Band | None:
    """``read_band`` of the sheet's row ``i``, read once: every shape is tried on every sheet, and
    each looks at the same top rows (a kehu table was read a dozen times before it was claimed)."""
    key = (i, one_row)
    if key not in raw.bands:
        raw.bands[key] = read_band(raw.rows, i, one_row)
    return raw.bands[key]


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


_DAYS: dict = {}


def export_day(v):
    """A day cell → ``date``; None for a blank; the text itself when it is no date (each text
    read once: a month's rows repeat a few dozen days)."""
    if v.__class__ is str:
        day = _DAYS.get(v)
        if day is None:
            if len(_DAYS) > 10_000:
                _DAYS.clear()
            day = _DAYS[v] = _read_day(v)
        return day
    return _read_day(v)


def _read_day(v):
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
        return datetime.combine(day, v) if day else str(v)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if 0 <= v < 1 and day:
            return datetime.combine(day, time()) + timedelta(seconds=round(v * 86400))
        return EXCEL_EPOCH + timedelta(seconds=round(v * 86400)) if v >= 1 else str(v)
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
    return [text] if any(t is None for t in times) else in_order(times)


BACKWARDS = timedelta(hours=6)


def in_order(punches: list) -> list:
    """A day's punches as the export lists them, in time order: one that falls many hours
    (> 6 h) before the one listed before it is past midnight, the next day's (``18:40`` then
    ``00:12``) — also when the export does not write 次日. Values that are no time stay."""
    out, last = [], None
    for value in punches:
        if isinstance(value, datetime):
            if last is not None and value < last - BACKWARDS:
                value += timedelta(days=1)
            last = value
        out.append(value)
    return out


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
