"""The annual target workbook of ``kehu plan`` (seed 004 重要室经理考核制度; issue 16 item 3).

``kehu init DIR --plan`` writes its template. Its sheets are recognised by their header row
(within the first 30 rows; a title above is fine), as kehu's inputs are:

- **年度指标** (required): 所属室, 指标, 全年基本目标, 全年目标值, 全年挑战目标; optional 类别
  (金额 / 数量 / 比率 — blank: by the indicator's source) and 1月 … 12月, the row's own
  monthly weights (月进度: all twelve or none);
- **月度权重** (optional): 指标 (a name, or 全部 for every indicator without its own row) and
  1月 … 12月 — the weights of the rows that give none; without either, the months are equal;
- **分配比例** (optional): 工号, 指标 (blank: every indicator), 比例 — the shares of a room's
  customer managers instead of their head count.

The headers are not kehu's 指标 headers (全年目标值, not 目标值), so the workbook put into a
month's input folder by mistake is an unknown sheet there (a warning), never a 指标 sheet.
Every unreadable cell is a finding at that cell; its row is not used.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from kehu.compute.plan_split import KINDS, Triple, is_whole
from kehu.findings import ERROR, column_letter, worded
from kehu.load import values as V
from kehu.load.files import scan_folder
from kehu.load.headers import HEADER_SCAN_ROWS, normalise_header
from kehu.load.reader import RawSheet, read_file, vet_file
from kehu.load.safety import UnsafeFile

ROOM, INDICATOR, BASE, TARGET, CHALLENGE, KIND = "所属室", "指标", "全年基本目标", "全年目标值", "全年挑战目标", "类别"
EMPLOYEE, NAME, SHARE = "工号", "姓名", "比例"
MONTH_HEADERS = tuple(f"{m}月" for m in range(1, 13))
ANNUAL_HEADER = (ROOM, INDICATOR, BASE, TARGET, CHALLENGE, KIND, *MONTH_HEADERS)
WEIGHTS_HEADER = (INDICATOR, *MONTH_HEADERS)
SHARES_HEADER = (EMPLOYEE, NAME, INDICATOR, SHARE)
ANNUAL_SHEET, WEIGHTS_SHEET, SHARES_SHEET = "年度指标", "月度权重", "分配比例"
ALL_INDICATORS = "全部"
FIGURE_LIMIT = Decimal(10) ** 12          # as 指标's figures (kehu.schema TARGETS)
_MONTH = re.compile(r"0?(1[0-2]|[1-9])月份?")
_NEEDED = {ANNUAL_SHEET: (ROOM, INDICATOR, BASE, TARGET, CHALLENGE), WEIGHTS_SHEET: (INDICATOR,),
           SHARES_SHEET: (EMPLOYEE, SHARE)}


@dataclass(frozen=True)
class Where:
    """The clerk's row: file, sheet, Excel row, and the letter of its key column (所属室 / 工号)."""
    file: str
    sheet: str
    row: int
    letter: str = ""


@dataclass(frozen=True)
class AnnualTarget:
    """One room's year of one indicator; ``weights``: its twelve monthly weights, or None."""
    room: str
    indicator: str
    kind: str
    year: Triple
    weights: tuple | None
    where: Where


@dataclass(frozen=True)
class Share:
    """A customer manager's share of his room (``indicator`` None: of every indicator)."""
    employee_id: str
    indicator: str | None
    share: Decimal
    where: Where


@dataclass
class AnnualBook:
    targets: list = field(default_factory=list)          # AnnualTarget, in sheet order
    weights: dict = field(default_factory=dict)          # indicator or 全部 → twelve weights
    shares: list = field(default_factory=list)           # Share
    findings: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.severity == ERROR for f in self.findings)


def read_annual_book(path: Path, kinds: dict[str, str | None]) -> AnnualBook:
    """The annual workbook at ``path``; ``kinds``: indicator name → its default 类别 (None: the
    row must say). Every problem is a finding of the book."""
    book = AnnualBook()
    raws = _raw_sheets(Path(path), book.findings)
    seen = {_read_sheet(raw, kinds, book) for raw in raws}
    if raws and (ANNUAL_SHEET not in seen or (not book.targets and book.ok)):
        book.findings.append(worded("E-plan-annual-missing",
                                    f"没有找到「{ANNUAL_SHEET}」表（表头应包含：{'、'.join(_NEEDED[ANNUAL_SHEET])}），"
                                    "或表中没有一行数据。请用 kehu init 文件夹 --plan 生成的模板填写后重新运行。",
                                    file=display(path)))
    return book


def display(path: Path) -> str:
    return Path(path).name


def _raw_sheets(path: Path, findings: list) -> list[RawSheet]:
    """The workbook's sheets, read as kehu reads its inputs (first bytes, safety checks)."""
    scan = scan_folder(path.parent)
    source = next((f for f in scan.files if f.path.name == path.name), None)
    if source is None:
        aside = next((a for a in scan.set_aside if a.name == display(path)), None)
        why = aside.reason if aside else "无法读取"
        findings.append(worded("E-file-format", f"年度指标文件{why}。请另存为 .xlsx 后重新运行。", file=display(path)))
        return []
    try:
        return read_file(source, vet_file(source))
    except UnsafeFile as exc:
        findings.append(exc.finding(source.name))
        return []


# -- sheets ---------------------------------------------------------------------------------------

class _Sheet:
    """One recognised sheet: its header map (column name → index) and cell typing."""

    def __init__(self, raw: RawSheet, kind: str, header: int, columns: dict, findings: list):
        self.raw, self.kind, self.header, self.columns, self.findings = raw, kind, header, columns, findings
        self.months = [columns.get(m) for m in MONTH_HEADERS]
        self.bad_rows: set[int] = set()

    def body(self) -> list[int]:
        """Excel rows of the non-empty body rows."""
        used = sorted(self.columns.values())
        return [i + 1 for i in range(self.header + 1, len(self.raw.rows))
                if any(_cell(self.raw.rows[i], j) is not None for j in used)]

    def cell(self, row: int, name: str):
        index = self.columns.get(name)
        return None if index is None else _cell(self.raw.rows[row - 1], index)

    def text(self, row: int, name: str, required: bool = True) -> str | None:
        value = self.cell(row, name)
        if value is None:
            if required:
                self.error(row, name, "E-required", "不能为空。")
            return None
        return V.to_text(pd.Series([value], dtype=object))[0].iloc[0]

    def employee(self, row: int, name: str) -> str | None:
        value = self.cell(row, name)
        parsed = None if value is None else V.to_id(pd.Series([value], dtype=object))[0].iloc[0]
        if parsed is None:
            self.error(row, name, "E-required" if value is None else "E-id", "应为工号（文本或整数）。")
        return parsed

    def number(self, row: int, name: str, required: bool = True) -> Decimal | None:
        value = self.cell(row, name)
        if value is None:
            if required:
                self.error(row, name, "E-required", "不能为空。")
            return None
        parsed = V.to_number(pd.Series([value], dtype=object), FIGURE_LIMIT)[0].iloc[0]
        if parsed is None:
            self.error(row, name, "E-number", f"应为数字（绝对值不超过 {FIGURE_LIMIT:,}）。")
        return parsed

    def weights(self, row: int) -> tuple | None:
        """The row's 1月 … 12月: all twelve numbers ≥ 0 not all 0, or all blank (None)."""
        given = [self.cell(row, m) for m in MONTH_HEADERS if self.columns.get(m) is not None]
        if all(v is None for v in given):
            return None
        numbers = [self.number(row, m, required=False) for m in MONTH_HEADERS]
        if row in self.bad_rows:
            return None
        if any(n is None for n in numbers) or any(n < 0 for n in numbers) or sum(numbers) <= 0:
            self.error(row, MONTH_HEADERS[0], "E-plan-weights",
                       "1月至12月的权重应当 12 个月都填（不小于 0 的数字，不能全为 0），或者都不填（按月度权重表或平均分）。"
                       "月进度给的是累计数时，请填每月的增量（本月累计 − 上月累计）。")
            return None
        return tuple(numbers)

    def error(self, row: int, name: str, code: str, what: str, severity: str = ERROR) -> None:
        index = self.columns.get(name)
        value = self.cell(row, name)
        shown = "" if value is None else str(value)[:200]
        self.findings.append(worded(
            code, f"{self.raw.sheet}第 {row} 行「{name}」{what}" + (f"（实际为「{shown}」）" if shown else ""),
            file=self.raw.file, sheet=self.raw.sheet, row=row, column=name,
            letter="" if index is None else column_letter(index), value=shown, rejected=code.startswith("E-")))
        if severity == ERROR:
            self.bad_rows.add(row)

    def where(self, row: int, key: str) -> Where:
        return Where(self.raw.file, self.raw.sheet, row, column_letter(self.columns[key]))


def _cell(row: list, index: int):
    if index >= len(row):
        return None
    return V.clean_cells([row[index]])[0]


def _recognise(raw: RawSheet) -> tuple[str, int, dict] | None:
    """(sheet kind, header row index, column name → index) of the first header row found."""
    for i, row in enumerate(raw.rows[:HEADER_SCAN_ROWS]):
        columns = {}
        for j, cell in enumerate(row):
            name = _column_name(normalise_header(cell))
            if name and name not in columns:
                columns[name] = j
        kind = _sheet_kind(columns)
        if kind:
            return kind, i, columns
    return None


def _column_name(text: str) -> str | None:
    month = _MONTH.fullmatch(text)
    if month:
        return f"{int(month.group(1))}月"
    known = {normalise_header(n): n for n in (*ANNUAL_HEADER, EMPLOYEE, NAME, SHARE)}
    return known.get(text)


def _sheet_kind(columns: dict) -> str | None:
    if ROOM in columns and INDICATOR in columns and len({BASE, TARGET, CHALLENGE} & columns.keys()) >= 2:
        return ANNUAL_SHEET
    if EMPLOYEE in columns and SHARE in columns:
        return SHARES_SHEET
    if INDICATOR in columns and sum(1 for m in MONTH_HEADERS if m in columns) >= 6:
        return WEIGHTS_SHEET
    return None


def _read_sheet(raw: RawSheet, kinds: dict, book: AnnualBook) -> str | None:
    """Read one sheet into ``book``; the kind of sheet it is (None: not one of the three)."""
    if raw.sheet.strip() == "填写说明":
        return None
    found = _recognise(raw)
    if found is None:
        if any(any(c not in (None, "") for c in r) for r in raw.rows):
            book.findings.append(worded("W-sheet-unknown",
                                        f"工作表无法识别为{ANNUAL_SHEET}、{WEIGHTS_SHEET}或{SHARES_SHEET}，已忽略。"
                                        "如果它有用，请核对表头（可对照 kehu init --plan 生成的模板）。",
                                        file=raw.file, sheet=raw.sheet))
        return None
    kind, header, columns = found
    sheet = _Sheet(raw, kind, header, columns, book.findings)
    if not _missing_columns(sheet):
        {ANNUAL_SHEET: _annual_rows, WEIGHTS_SHEET: _weight_rows, SHARES_SHEET: _share_rows}[kind](sheet, kinds, book)
    return kind


def _missing_columns(sheet: _Sheet) -> bool:
    needed = _NEEDED[sheet.kind] + (MONTH_HEADERS if sheet.kind == WEIGHTS_SHEET else ())
    missing = [n for n in needed if n not in sheet.columns]
    for name in missing:
        sheet.findings.append(worded(
            "E-column-missing", f"第 {sheet.header + 1} 行的表头看起来是「{sheet.kind}」，但缺少必需的列「{name}」。"
            f"请加上该列后重新运行。", file=sheet.raw.file, sheet=sheet.raw.sheet, row=sheet.header + 1, column=name,
            rejected=True))
    return bool(missing)


def _annual_rows(sheet: _Sheet, kinds: dict, book: AnnualBook) -> None:
    seen: dict[tuple, int] = {}
    for row in sheet.body():
        target = _annual_row(sheet, row, kinds)
        if target is None:
            continue
        key = (target.room, target.indicator)
        if key in seen:
            sheet.error(row, INDICATOR, "E-duplicate-key", f"与第 {seen[key]} 行重复（同一室、同一指标只能有一行），"
                                                           "本行未使用。")
            continue
        seen[key] = row
        book.targets.append(target)


def _annual_row(sheet: _Sheet, row: int, kinds: dict) -> AnnualTarget | None:
    room, indicator = sheet.text(row, ROOM), sheet.text(row, INDICATOR)
    figures = [sheet.number(row, name) for name in (BASE, TARGET, CHALLENGE)]
    kind = _kind(sheet, row, indicator, kinds)
    weights = sheet.weights(row)
    if row in sheet.bad_rows or None in figures or kind is None:
        return None
    year = Triple(*figures)
    if not year.base <= year.target <= year.challenge:
        sheet.error(row, TARGET, "E-target-order", f"应满足 全年基本目标 ≤ 全年目标值 ≤ 全年挑战目标，"
                                                   f"实际为 {year.base} / {year.target} / {year.challenge}。")
        return None
    for name, value in zip((BASE, TARGET, CHALLENGE), figures):
        if not is_whole(value, kind):
            sheet.error(row, name, "E-plan-unit", f"是{kind}类指标，应为{_unit_words(kind)}，实际为 {value}。")
    if row in sheet.bad_rows:
        return None
    return AnnualTarget(room, indicator, kind, year, weights, sheet.where(row, ROOM))


def _kind(sheet: _Sheet, row: int, indicator: str | None, kinds: dict) -> str | None:
    """The row's 类别, else the indicator's default; an indicator of no scheme is an error."""
    if indicator is None:
        return None
    if indicator not in kinds:
        names = "、".join(kinds)
        sheet.error(row, INDICATOR, "E-enum", f"不是规则文件中任何考核方案的指标（可选：{names}）。")
        return None
    given = sheet.text(row, KIND, required=False)
    if given is not None and given not in KINDS:
        sheet.error(row, KIND, "E-enum", f"应为 {'、'.join(KINDS)} 之一，或留空。")
        return None
    if given is None and kinds[indicator] is None:
        sheet.error(row, KIND, "E-required", f"不能为空：「{indicator}」的来源无法判断是金额、数量还是比率，请选择。")
        return None
    return given or kinds[indicator]


def _unit_words(kind: str) -> str:
    return "整数" if kind == "数量" else "最多两位小数的金额"


def _weight_rows(sheet: _Sheet, kinds: dict, book: AnnualBook) -> None:
    for row in sheet.body():
        indicator = sheet.text(row, INDICATOR)
        if indicator is not None and indicator != ALL_INDICATORS and indicator not in kinds:
            sheet.error(row, INDICATOR, "E-enum", f"应为「{ALL_INDICATORS}」或规则文件中的指标名（{'、'.join(kinds)}）。")
        weights = sheet.weights(row)
        if weights is None and row not in sheet.bad_rows:
            sheet.error(row, MONTH_HEADERS[0], "E-plan-weights", "月度权重表的每一行都要填 1月至12月的权重。")
        if row in sheet.bad_rows:
            continue
        if indicator in book.weights:
            sheet.error(row, INDICATOR, "E-duplicate-key", "在月度权重表中出现了两次，本行未使用。")
            continue
        book.weights[indicator] = weights


def _share_rows(sheet: _Sheet, kinds: dict, book: AnnualBook) -> None:
    seen: dict[tuple, int] = {}
    for row in sheet.body():
        employee = sheet.employee(row, EMPLOYEE)
        indicator = sheet.text(row, INDICATOR, required=False)
        share = sheet.number(row, SHARE)
        if indicator is not None and indicator not in kinds:
            sheet.error(row, INDICATOR, "E-enum", f"应为规则文件中的指标名（{'、'.join(kinds)}），或留空表示全部指标。")
        if share is not None and share < 0:
            sheet.error(row, SHARE, "E-plan-share", "不能小于 0。")
        if row in sheet.bad_rows:
            continue
        if (employee, indicator) in seen:
            sheet.error(row, EMPLOYEE, "E-duplicate-key", f"与第 {seen[(employee, indicator)]} 行重复，本行未使用。")
            continue
        seen[(employee, indicator)] = row
        book.shares.append(Share(employee, indicator, share, sheet.where(row, EMPLOYEE)))


