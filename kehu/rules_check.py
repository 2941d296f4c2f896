"""What a rules-file value may be (SPEC §3, §10.7): value kinds and the walk that checks a tree.

A *kind* answers two questions about one value: is it allowed (``problem`` returns
None, or the Chinese reason it is not: 「不在允许范围内」), and what is allowed
(``allowed``: 「0 到 1 之间的小数（如 0.10）」). The table of which key has which kind
is ``kehu.rules_spec.SPEC``; ``Spec.check`` walks the effective rules against it
and returns every problem as a ``Problem`` naming the key, the value as written
and what is allowed. Nothing here raises on a hostile value: deep, huge or
non-finite values become problems.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Iterator

MAX_PLACES = 6          # decimal places a rate or an amount may have
CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
MONTH_DAY = re.compile(r"(\d{2})-(\d{2})")
DECIMAL_TEXT = re.compile(r"-?\d{1,40}(\.\d{1,40})?")   # "50.00"; never NaN, Infinity or 1e999999


# ---------------------------------------------------------------------------
# Problems and how a value is shown

@dataclass(frozen=True)
class Problem:
    """One thing wrong with the rules; ``text`` is the Chinese sentence after 「规则文件 X：」."""
    path: tuple
    text: str


def bad_value(path: tuple, value: Any, reason: str, allowed: str, what: str = "值", shown: str = "") -> Problem:
    """「键 K 的值 V 不在允许范围内，应为 …。」; ``what`` and ``shown`` name a part of a value."""
    return Problem(path, f"键 {dotted(path)} 的{what} {shown or written(value)} {reason}，应为{allowed}。")


def dotted(path: tuple) -> str:
    """("attendance", "tiers", 0, "amount") → attendance.tiers[1].amount (items counted from 1)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            key = part if part and not re.search(r"[\s.\"'\[\]=]", part) else '"' + part.replace('"', '\\"') + '"'
            out += ("." if out else "") + key
    return out


def written(value: Any, depth: int = 0) -> str:
    """The value as a TOML file writes it, shortened: long numbers, texts and deep arrays are cut."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if value.bit_length() <= 80 else _long_integer(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return '"' + (value if len(value) <= 40 else value[:40] + "…") + '"'
    if isinstance(value, list):
        if depth >= 2:
            return "[…]" if value else "[]"
        items = [written(v, depth + 1) for v in value[:6]]
        return "[" + ", ".join(items + (["…"] if len(value) > 6 else [])) + "]"
    if isinstance(value, dict):
        if depth >= 2:
            return "{…}"
        items = [f"{k} = {written(v, depth + 1)}" for k, v in list(value.items())[:4]]
        return "{" + ", ".join(items + (["…"] if len(value) > 4 else [])) + "}"
    return str(value)   # TOML dates and times


def _long_integer(value: int) -> str:
    """A 35-digit integer as its first 20 digits and its length (never thousands of digits)."""
    if value.bit_length() > 10_000:
        return "（位数极多的整数）"
    digits = str(abs(value))
    return f"{'-' if value < 0 else ''}{digits[:20]}…（共 {len(digits)} 位）"


# ---------------------------------------------------------------------------
# Kinds of leaf values

class Kind:
    allowed = ""

    def problem(self, value: Any) -> str | None:
        raise NotImplementedError

    def problems(self, path: tuple, value: Any) -> Iterator[Problem]:
        reason = self.problem(value)
        if reason:
            yield bad_value(path, value, reason, self.allowed)


def _not(value: Any, what: str) -> str:
    """Why a value of the wrong type is not ``what``."""
    if isinstance(value, str):
        return f"加了引号，是文字，不是{what}"
    if isinstance(value, bool):
        return f"是 true/false，不是{what}"
    return f"不是{what}"


@dataclass(frozen=True)
class Boolean(Kind):
    allowed = " true 或 false（不加引号）"

    def problem(self, value):
        return None if isinstance(value, bool) else "不是 true 或 false"


@dataclass(frozen=True)
class Integer(Kind):
    """A TOML integer (not "5", not 5.0) in [low, high]."""
    low: int
    high: int
    unit: str = ""

    @property
    def allowed(self):
        return f" {self.low} 到 {self.high} 之间的整数（{self.unit + '，' if self.unit else ''}不加引号、不带小数点）"

    def problem(self, value):
        if not isinstance(value, int) or isinstance(value, bool):
            return _not(value, "整数")
        return None if self.low <= value <= self.high else "不在允许范围内"


@dataclass(frozen=True)
class Choice(Kind):
    """A TOML integer from a fixed set (visit cycles)."""
    choices: tuple
    unit: str = ""

    @property
    def allowed(self):
        return " " + "、".join(map(str, self.choices)) + f" 之一（{self.unit + '，' if self.unit else ''}整数，不加引号）"

    def problem(self, value):
        if not isinstance(value, int) or isinstance(value, bool):
            return _not(value, "整数")
        return None if value in self.choices else "不在可选值中"


def as_decimal(value: Any) -> Decimal | None:
    """A number, or a decimal written as text ("50.00"), as a Decimal; None for anything else.
    NaN and infinities come back non-finite; "NaN", "1e999999" as text are not numbers here."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else Decimal("NaN")
    if isinstance(value, str) and DECIMAL_TEXT.fullmatch(value):
        return Decimal(value)
    return None


@dataclass(frozen=True)
class Number(Kind):
    """A finite decimal in [low, high] (or (low, high] when ``above_low``), at most 6 places;
    written as a number or as text ("50.00", exact for money)."""
    low: int
    high: int
    what: str
    example: str
    above_low: bool = False

    @property
    def allowed(self):
        span = f"大于 {self.low}、不超过 {self.high} " if self.above_low else f" {self.low} 到 {self.high} 之间"
        return f"{span}的{self.what}（{self.example}）"

    def problem(self, value):
        number = as_decimal(value)
        if number is None:
            return "不是数字" if not isinstance(value, bool) else "是 true/false，不是数字"
        if not number.is_finite():
            return "不是有限的数"
        below = number <= self.low if self.above_low else number < self.low
        if below or number > self.high:
            return "不在允许范围内"
        return None if -number.as_tuple().exponent <= MAX_PLACES else f"小数位数超过 {MAX_PLACES} 位"


@dataclass(frozen=True)
class Text(Kind):
    """Non-empty text without surrounding spaces; one of ``choices`` when given."""
    choices: tuple = ()

    @property
    def allowed(self):
        if self.choices:
            return "以下之一：" + "、".join(f'"{c}"' for c in self.choices)
        return "非空的文字（加英文双引号，前后不留空格）"

    def problem(self, value):
        return text_problem(value, self.choices)


def text_problem(value: Any, choices: tuple = ()) -> str | None:
    if not isinstance(value, str):
        return "不是文字"
    if not value.strip():
        return "是空的"
    if value != value.strip():
        return "前后有空格"
    if len(value) > 100:
        return "太长"
    return "不在可选值中" if choices and value not in choices else None


@dataclass(frozen=True)
class Words(Kind):
    """One line of text that may be left empty (a profile field not filled in yet), at most
    ``longest`` characters."""
    longest: int = 100

    @property
    def allowed(self):
        return f"一行文字（加英文双引号，可以为空，不超过 {self.longest} 个字）"

    def problem(self, value):
        if not isinstance(value, str):
            return "不是文字"
        if len(value) > self.longest:
            return "太长"
        return "含有换行或控制字符" if any(ord(c) < 32 or ord(c) == 127 for c in value) else None


@dataclass(frozen=True)
class TextList(Kind):
    """An array of distinct texts (kinds, roles, classes), each one of ``choices`` when given."""
    choices: tuple = ()
    min_items: int = 0

    @property
    def allowed(self):
        least = f"至少 {self.min_items} 项的" if self.min_items else ""
        each = "以下之一：" + "、".join(f'"{c}"' for c in self.choices) if self.choices else "非空的文字"
        return f"{least}数组，各项互不重复，每项为{each}（如 {written(list(self.choices[:2]))}）"

    def problems(self, path, value):
        if not isinstance(value, list):
            yield bad_value(path, value, "不是数组", self.allowed)
            return
        if len(value) < self.min_items or len(value) > max(self.min_items, len(self.choices) or 50):
            yield bad_value(path, value, "项数不在允许范围内", self.allowed)
            return
        for i, item in enumerate(value):
            reason = text_problem(item, self.choices) or ("与前面的项重复" if item in value[:i] else None)
            if reason:
                yield bad_value(path + (i,), item, reason, self.allowed)
                return


def clock_minutes(value: Any) -> int | None:
    """"09:20" → 560; None unless a real clock time 00:00–23:59."""
    match = CLOCK.fullmatch(value) if isinstance(value, str) else None
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return int(match[1]) * 60 + int(match[2])


@dataclass(frozen=True)
class Session(Kind):
    """A work session: exactly two clock times [start, end], start before end (SPEC §2.2)."""
    allowed = '两个 HH:MM 时刻组成的数组 [开始, 结束]（00:00 到 23:59，开始早于结束，如 ["09:20", "12:30"]）'

    def problem(self, value):
        if not isinstance(value, list) or len(value) != 2:
            return "不是恰好两个时刻" if isinstance(value, list) else "不是数组"
        start, end = (clock_minutes(v) for v in value)
        if start is None or end is None:
            return "含有无效的时刻"
        return None if start < end else "开始不早于结束"


def month_day(value: Any) -> date | None:
    """"05-01" → that day in a leap year (so 02-29 exists); None unless a real MM-DD date."""
    match = MONTH_DAY.fullmatch(value) if isinstance(value, str) else None
    try:
        return date(2000, int(match[1]), int(match[2])) if match else None
    except ValueError:
        return None


@dataclass(frozen=True)
class MonthDay(Kind):
    allowed = ' MM-DD 格式的日期（月、日各两位，如 "05-01"）'

    def problem(self, value):
        return None if month_day(value) else ("不是文字" if not isinstance(value, str) else "不是存在的日期")


# ---------------------------------------------------------------------------
# Structure: arrays of tables, open tables, optional keys

@dataclass(frozen=True)
class Tables(Kind):
    """An array of tables ([[a.b]] blocks); the fields of each are the spec's ``a.b[].x`` keys."""
    min_items: int
    max_items: int
    what: str

    @property
    def allowed(self):
        return f" {self.min_items} 到 {self.max_items} 个{self.what}"

    def problem(self, value):
        if not isinstance(value, list):
            return "不是表的数组"
        return None if self.min_items <= len(value) <= self.max_items else "项数不在允许范围内"


@dataclass(frozen=True)
class Entries(Kind):
    """A table the department may extend (a new 违纪 kind, class, indicator): any key of
    non-empty text, each entry with the fields of the spec's ``a.b.*.x`` keys."""
    what: str

    @property
    def allowed(self):
        return f"由{self.what}组成的表，每项的名称是非空文字"

    def problem(self, value):
        if not isinstance(value, dict):
            return "不是表"
        return None if value else "是空的"


@dataclass(frozen=True)
class OptionalKey(Kind):
    """A key that may be left out (e.g. a later optional field of an indicator)."""
    kind: Kind

    @property
    def allowed(self):
        return self.kind.allowed

    def problems(self, path, value):
        return self.kind.problems(path, value)


# ---------------------------------------------------------------------------
# The walk

def pattern_parts(key: str) -> tuple:
    """"attendance.tiers[].amount" → ("attendance", "tiers", "[]", "amount")."""
    parts = []
    for part in key.split("."):
        parts += [part[:-2], "[]"] if part.endswith("[]") else [part]
    return tuple(parts)


class Spec:
    """A flat table {dotted pattern: kind}; '*' stands for any key of an open table, '[]' for
    any item of an array of tables. Every prefix of a pattern is a table."""

    def __init__(self, table: dict[str, Kind]):
        self.kinds = {pattern_parts(k): v for k, v in table.items()}
        self.tables = {p[:i] for p in self.kinds for i in range(len(p))}
        known = self.kinds.keys() | self.tables
        self.required = {t: {p[len(t)] for p in known if p[:len(t)] == t and len(p) > len(t)} for t in self.tables}
        for t, names in self.required.items():   # every named child must be there, unless optional
            names -= {n for n in names if n in ("*", "[]") or isinstance(self.kinds.get(t + (n,)), OptionalKey)}

    def check(self, rules: dict) -> list[Problem]:
        return list(self._table(rules, (), ()))

    def _table(self, value: Any, path: tuple, pattern: tuple) -> Iterator[Problem]:
        if not isinstance(value, dict):
            yield bad_value(path, value, "不是表", f"表（[{dotted(path)}] 小节）")
            return
        for key, child in value.items():
            sub = self._child(pattern, key)
            if sub is None:
                yield Problem(path + (key,), f"未知的键 {dotted(path + (key,))}（请检查拼写；"
                                             f"`kehu rules` 列出全部的键）。")
            elif sub[-1] == "*" and text_problem(key):
                yield Problem(path + (key,), f"键 {dotted(path)} 中的名称 {written(key)} {text_problem(key)}，"
                                             f"应为非空的文字。")
            else:
                yield from self._node(child, path + (key,), sub)
        for missing in sorted(self.required.get(pattern, set()) - set(value)):
            kind = self.kinds.get(pattern + (missing,))
            allowed = f"，应为{kind.allowed}" if kind is not None else ""
            yield Problem(path + (missing,), f"键 {dotted(path)} 缺少 {missing}{allowed}。")

    def _node(self, value: Any, path: tuple, pattern: tuple) -> Iterator[Problem]:
        kind = self.kinds.get(pattern)
        if kind is not None:
            found = list(kind.problems(path, value))
            yield from found
            if found or not isinstance(kind, (Tables, Entries)):
                return
        if isinstance(kind, Tables):
            for i, item in enumerate(value):
                yield from self._table(item, path + (i,), pattern + ("[]",))
        else:
            yield from self._table(value, path, pattern)

    def _child(self, pattern: tuple, key: str) -> tuple | None:
        """The pattern of ``key`` inside ``pattern``: its own, else the open table's '*'; None if unknown."""
        if key in ("*", "[]"):
            return None
        for sub in (pattern + (key,), pattern + ("*",)):
            if sub in self.kinds or sub in self.tables:
                return sub
        return None
