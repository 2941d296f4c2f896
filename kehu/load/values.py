"""Typing of raw cell values, column-wise (SPEC §1 "Values").

Each converter takes a pandas Series of raw cells (as the reader returns them:
str, int, float, bool, date, datetime, time or None, with blanks already None)
and returns ``(values, bad)``: the typed Series and a boolean mask of cells
that are not blank but could not be read. A bad cell is never silently
blanked — the validator turns every ``bad`` cell into a finding.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d", "%Y%m%d")
_TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%H：%M")
_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "t"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "x", "f"}
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
# serials past what a pandas Timedelta holds (292 years: 2192) are refused like text, not a crash;
# Excel's own limit, 9999-12-31, is further
LAST_SERIAL = pd.Timedelta.max.days


_STRIP = " \t\r\n\u3000\xa0"


_NONE = type(None)


def _kinds(raw: pd.Series) -> set:
    """The exact types of a column's non-blank cells (one C-level pass)."""
    return set(map(type, raw.to_numpy(dtype=object))) - {_NONE}


def _each_distinct(raw: pd.Series, one) -> tuple[pd.Series, pd.Series]:
    """``one(v)`` for every non-blank cell, None for blanks — computed once per distinct value —
    and the ``bad`` mask (a cell whose ``one`` is missing), also per distinct value.

    Only for a column of one exact type that compares exactly: str, datetime.date or
    datetime.time — never mixed numbers, where 1 == 1.0 == True. 1,000,000 punches hold
    ~2,000 distinct 工号."""
    codes, uniques = pd.factorize(raw.to_numpy(dtype=object))          # None → code -1
    done = np.empty(len(uniques) + 1, dtype=object)
    done[:] = [one(u) for u in uniques] + [None]
    unreadable = pd.isna(done)
    unreadable[-1] = False                                             # a blank is not bad
    return (pd.Series(done[codes], index=raw.index, dtype=object),
            pd.Series(unreadable[codes], index=raw.index))


def _map(raw: pd.Series, one) -> tuple[pd.Series, pd.Series]:
    """``raw.map(one, na_action="ignore").astype(object)`` and its ``bad`` mask, once per
    distinct value for columns of text (or of times of day)."""
    kinds = _kinds(raw)
    if len(kinds) == 1 and kinds <= {str, dt.time}:
        return _each_distinct(raw, one)
    values = raw.map(one, na_action="ignore").astype(object)
    return values, _bad(values, raw)


def clean_columns(rows: list) -> list[np.ndarray]:
    """Raw rows (lists, ragged in a CSV) → one cleaned object array per column."""
    if not rows:
        return []
    width = max(map(len, rows))
    if min(map(len, rows)) != width:        # ragged CSV lines: pad, so that no cell shifts column
        rows = [list(r) + [None] * (width - len(r)) for r in rows]
    # a comprehension per column: zip(*rows) would make an iterator per row (ten times slower)
    return [clean_cells([r[i] for r in rows]) for i in range(width)]


def clean_cells(cells) -> np.ndarray:
    """Trim every text cell (full-width spaces too); blank text and NaN become None.

    A column of text only (the common case) is trimmed once per distinct value."""
    kinds = set(map(type, cells))
    if kinds <= {str, _NONE}:
        codes, uniques = pd.factorize(np.array(cells, dtype=object))       # None → code -1
        trimmed = [u.strip(_STRIP) or None for u in uniques] + [None]
        return np.array(trimmed, dtype=object)[codes]
    out = np.empty(len(cells), dtype=object)
    if str in kinds or float in kinds:
        out[:] = [(v.strip(_STRIP) or None) if v.__class__ is str else (None if v != v else v) for v in cells]
    else:
        out[:] = cells
    return out


def _bad(values: pd.Series, raw: pd.Series) -> pd.Series:
    return values.isna() & raw.notna()


_POINT_ZERO = re.compile(r"^(\d+)\.0+$")


def _without_point_zero(text: str) -> str:
    """"1001.0" is a number that went through text somewhere: the same id as 1001."""
    return _POINT_ZERO.sub(r"\1", text) if "." in text else text


def to_id(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Employee / customer id as a string: 1001.0 → "1001", "00123" stays "00123"."""
    if _kinds(raw) <= {str}:                               # the usual column: text ids
        return _each_distinct(raw, _without_point_zero)
    kinds = raw.map(type)
    values = pd.Series(None, index=raw.index, dtype=object)
    text = kinds.eq(str).to_numpy()
    if text.any():
        strings = raw[text]
        values[text], _ = _each_distinct(strings, _without_point_zero)
    numeric = kinds.isin([int, float, np.int64, np.float64]).to_numpy()
    if numeric.any():
        numbers = pd.to_numeric(raw[numeric], errors="coerce").astype("float64")
        whole = np.isfinite(numbers) & (numbers == np.floor(numbers))
        values[numeric] = pd.Series(np.where(whole, numbers.fillna(0).astype("int64").astype(str), None),
                                    index=numbers.index, dtype=object)
    return values, _bad(values, raw)


def to_text(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    def one(v):
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, (dt.datetime, dt.date, dt.time)):
            return v.isoformat()
        return str(v)
    return _map(raw, one)


def to_enum(raw: pd.Series, choices) -> tuple[pd.Series, pd.Series]:
    text, _ = to_text(raw)              # a text for every non-blank cell: its blanks are raw's
    # common export variants: "a1" for "A1"
    upper = {c.upper(): c for c in choices}
    return _map(text, lambda v: v if v in choices else upper.get(str(v).upper()))


# Largest magnitudes a cell may hold (SPEC §1 types; kehu.schema gives columns their own
# ``limit``): past them a value is a typing slip or a broken export, never money to pay.
DEFAULT_LIMITS = {"money": Decimal(10) ** 12, "number": Decimal(10) ** 13, "int": 10 ** 12}
MAX_NUMBER_TEXT = 64             # characters: a longer "number" is no amount (and Decimal("9" * 10**6) is slow)


def _decimal(v):
    """A cell as a Decimal, or None if it is not a number (type tests ordered by frequency)."""
    kind = type(v)
    if kind is float:
        if not math.isfinite(v):
            return None
        if v == 0:
            return Decimal(0)                                # -0.0 is 0
        return Decimal(int(v)) if v.is_integer() else Decimal(repr(v))
    if kind is int:
        return Decimal(v)
    if kind is str:
        text = v.replace(",", "").replace("，", "").replace("¥", "").replace("￥", "").replace("元", "").strip()
        if len(text) > MAX_NUMBER_TEXT:
            return None
        try:
            d = Decimal(text)
        except InvalidOperation:
            return None
        if not d.is_finite():
            return None
        return d.copy_abs() if d.is_zero() else d           # "-0" is 0 (it would print as -0.00)
    if kind is bool:
        return None
    if isinstance(v, (np.integer, np.floating)):
        return _decimal(v.item())
    return None


def _each(raw: pd.Series, one) -> list:
    """``one`` of every non-blank cell, None for blanks (a plain loop: no pandas per-call cost)."""
    return [None if v is None else one(v) for v in raw.to_numpy(dtype=object)]


def to_number(raw: pd.Series, limit=DEFAULT_LIMITS["number"]) -> tuple[pd.Series, pd.Series]:
    """A number of any sign, |x| ≤ ``limit``, as Decimal."""
    def one(v):
        d = _decimal(v)
        return d if d is not None and abs(d) <= limit else None
    values = pd.Series(_each(raw, one), index=raw.index, dtype=object)
    return values, _bad(values, raw)


def to_money(raw: pd.Series, limit=DEFAULT_LIMITS["money"]) -> tuple[pd.Series, pd.Series]:
    """Money 0 … ``limit`` as Decimal ("1,234.50", "¥100" accepted)."""
    def one(v):
        d = _decimal(v)
        return d if d is not None and 0 <= d <= limit else None
    values = pd.Series(_each(raw, one), index=raw.index, dtype=object)
    return values, _bad(values, raw)


def to_int(raw: pd.Series, limit=DEFAULT_LIMITS["int"]) -> tuple[pd.Series, pd.Series]:
    """Integer 0 … ``limit`` (member counts)."""
    def one(v):
        if type(v) is float and v.is_integer() and 0 <= v <= limit:      # the usual cell: skip the Decimal
            return int(v)
        d = _decimal(v)
        if d is None or d < 0 or d > limit or d != d.to_integral_value():
            return None
        return int(d)
    values = pd.Series(_each(raw, one), index=raw.index, dtype=object)
    return values.astype("Int64"), _bad(values, raw)


def beyond_limit(raw: pd.Series, limit) -> pd.Series:
    """The cells that are numbers, but larger in magnitude than ``limit`` (to tell E-range from a
    cell that is no number at all; run on the few bad cells only)."""
    def one(v):
        d = _decimal(v)
        return d is not None and abs(d) > limit
    return pd.Series([one(v) for v in raw.to_numpy(dtype=object)], index=raw.index, dtype=bool)


def to_score(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Test score 0–100 (float); blank is 缺考 (NaN)."""
    def one(v):
        d = _decimal(v)
        return float(d) if d is not None and 0 <= d <= 100 else None
    values = raw.map(one, na_action="ignore")
    return values.astype("float64"), _bad(values, raw)


def to_bool(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """是/否, Y/N, yes/no, true/false, 1/0, √/×."""
    def one(v):
        if isinstance(v, (bool, np.bool_)):
            return bool(v)
        if isinstance(v, (int, float)) and v in (0, 1):
            return bool(v)
        if isinstance(v, str):
            key = v.strip().lower()
            if key in _TRUE:
                return True
            if key in _FALSE:
                return False
        return None
    return _map(raw, one)


# The frames hold date-times as datetime64[ns] (docs/ARCHITECTURE.md), which spans 1677-09-22 to
# 2262-04-11. A cell outside (0026-10-15 typed for 2026-10-15, 9999-12-31 for "no end date") is no
# date of any month kehu assesses: it is read as no date — the cell's finding says so — never
# carried on in another unit, which pandas ≥ 3 does and which made the run stop with a traceback.
FIRST_DAY, LAST_DAY = dt.date(1678, 1, 1), dt.date(2261, 12, 31)
_FIRST, _LAST = pd.Timestamp(FIRST_DAY), pd.Timestamp(LAST_DAY) + pd.Timedelta(days=1)


def in_frame_range(parsed: pd.Series) -> pd.Series:
    """``parsed`` (date-times in any unit pandas chose) as datetime64[ns], NaT outside
    ``FIRST_DAY`` … ``LAST_DAY``."""
    inside = (parsed >= _FIRST) & (parsed < _LAST)
    return parsed.where(inside).astype("datetime64[ns]")


def _to_datetimes(values: pd.Series) -> pd.Series:
    """``pd.to_datetime`` of a Series of Python date-times, kept in the frames' range."""
    return in_frame_range(pd.Series(pd.to_datetime(values, errors="coerce")))


def _round_to_second(ts: pd.Series) -> pd.Series:
    """Excel serial times are rounded to the nearest second (SPEC §9.8)."""
    return ts.dt.round("s")


def _parse_strings(strings: pd.Series, formats) -> pd.Series:
    out = pd.Series(pd.NaT, index=strings.index, dtype="datetime64[ns]")
    for fmt in formats:
        todo = out.isna()
        if not todo.any():
            break
        out[todo] = in_frame_range(pd.to_datetime(strings[todo], format=fmt, errors="coerce"))
    return out


def _datetimes(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Raw cells → datetime64 plus a mask of values that had no time part."""
    only = _kinds(raw)
    if only <= {dt.datetime}:                            # the usual column: real Excel date-times
        out = _to_datetimes(raw.astype(object))
        return _round_to_second(out), pd.Series(False, index=raw.index)
    if only <= {dt.date}:                                # real Excel dates
        days, _ = _each_distinct(raw, lambda d: dt.datetime(d.year, d.month, d.day))
        out = _to_datetimes(days)
        return out, raw.notna() & out.notna()
    kinds = raw.map(type)
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    date_only = pd.Series(False, index=raw.index)
    is_dt = kinds.isin([dt.datetime, pd.Timestamp])
    is_d, is_s = kinds.eq(dt.date), kinds.eq(str)
    is_n = kinds.isin([int, float, np.int64, np.float64])
    if is_dt.any():
        out[is_dt] = _round_to_second(_to_datetimes(raw[is_dt].astype(object)))
    if is_d.any():
        days, _ = _each_distinct(raw[is_d], lambda d: dt.datetime(d.year, d.month, d.day))
        out[is_d] = _to_datetimes(days)
        date_only |= is_d
    if is_n.any():  # an Excel serial in a CSV or a general-format cell
        serial = pd.to_numeric(raw[is_n], errors="coerce")
        serial = serial.where((serial > 0) & (serial < LAST_SERIAL))
        out[is_n] = _round_to_second(pd.to_datetime(EXCEL_EPOCH) + pd.to_timedelta(serial, unit="D"))
        date_only |= is_n & (serial == serial.round())
    if is_s.any():
        strings = raw[is_s].astype(str).str.replace(r"\s+", " ", regex=True).str.strip()
        with_time = _parse_strings(strings, [f"{d} {t}" for d in _DATE_FORMATS[:3] for t in _TIME_FORMATS[:2]])
        only_date = _parse_strings(strings, _DATE_FORMATS)
        out[is_s] = with_time.fillna(only_date)
        date_only[is_s] = (with_time.isna() & only_date.notna()).to_numpy()     # in is_s's order
    return out, date_only


def to_date(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    values, _ = _datetimes(raw)
    values = values.dt.normalize()
    return values, _bad(values, raw)


def to_datetime(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Datetime with seconds dropped; also returns the date-only mask (SPEC §9.3)."""
    values, date_only = _datetimes(raw)
    values = values.dt.floor("min")
    return values, _bad(values, raw), date_only & values.notna()


def to_time(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Time of day as "HH:MM" (seconds dropped after rounding Excel times to the second)."""
    def one(v):
        if isinstance(v, dt.datetime):
            v = v.time()
        if isinstance(v, dt.time):
            secs = v.hour * 3600 + v.minute * 60 + v.second + round(v.microsecond / 1e6)
            return f"{secs // 3600 % 24:02d}:{secs // 60 % 60:02d}"
        if isinstance(v, dt.timedelta):
            secs = round(v.total_seconds())
            return f"{secs // 3600 % 24:02d}:{secs // 60 % 60:02d}" if 0 <= secs < 86400 else None
        if isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v < 1:
            secs = round(v * 86400)
            return f"{secs // 3600 % 24:02d}:{secs // 60 % 60:02d}"
        if isinstance(v, str):
            for fmt in _TIME_FORMATS:
                try:
                    t = dt.datetime.strptime(v.strip(), fmt)
                    return f"{t.hour:02d}:{t.minute:02d}"
                except ValueError:
                    continue
        return None
    return _map(raw, one)


_MONTH = re.compile(r"^\s*(\d{4})\s*(?:-|/|年|\.)\s*(\d{1,2})\s*月?\s*$")


def to_month(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Test month: 2026-10, 2026/10, 2026年10月, or a date in that month."""
    def one(v):
        if isinstance(v, (dt.date, dt.datetime)):
            return f"{v.year:04d}-{v.month:02d}"
        m = _MONTH.match(str(v))
        if m and 1 <= int(m.group(2)) <= 12:
            return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
        return None
    return _map(raw, one)


def to_phone(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Mobile number as text; ``bad`` marks values that are not 11 digits (a warning)."""
    values, _ = to_id(raw)
    present = values.notna().to_numpy()
    mobile = [p and _is_mobile(v) for v, p in zip(values.to_numpy(dtype=object), present)]
    bad = pd.Series(present & ~np.array(mobile, dtype=bool), index=raw.index)
    return values, bad | (values.isna() & raw.notna())


_MOBILE = re.compile(r"1\d{10}")
_PHONE_SEPARATORS = re.compile(r"[\s-]")


def _is_mobile(text: str) -> bool:
    return _MOBILE.fullmatch(_PHONE_SEPARATORS.sub("", text).removeprefix("+86")) is not None


CONVERTERS = {
    "id": to_id, "text": to_text, "money": to_money, "number": to_number, "int": to_int,
    "score": to_score, "bool": to_bool, "date": to_date, "time": to_time, "month": to_month,
    "phone": to_phone,
}

# the dtype each converter gives a column (object for the rest): an absent optional column is
# made blank in it, so that a dataset read from sheets with and without the column has one dtype
# (tests/test_values.py checks this against the converters)
DTYPES = {"int": "Int64", "score": "float64", "date": "datetime64[ns]", "datetime": "datetime64[ns]"}


def blank_column(kind: str, index) -> pd.Series:
    """The typed column of a ``kind`` column absent from a sheet: every cell blank."""
    return pd.Series(None, index=index, dtype=DTYPES.get(kind, object))


EXPECTED = {  # Chinese description of each type, for messages (expected vs found)
    "id": "编号（数字或文本）", "text": "文本", "enum": "下列之一", "money": "不小于 0 的金额",
    "number": "数字", "int": "不小于 0 的整数", "score": "0–100 的成绩", "bool": "是/否",
    "date": "日期（如 2026-10-08、2026/10/8、2026年10月8日）",
    "datetime": "日期时间（如 2026-10-08 09:20）", "time": "时间（如 9:20 或 09:20:31）",
    "month": "月份（如 2026-10 或 2026年10月）", "phone": "11 位手机号",
}
