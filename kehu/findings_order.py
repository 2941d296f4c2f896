"""The order the clerk fixes findings in: root causes first, consequences folded (issue 14 item 1).

A *problem* is what the clerk fixes in one go: one finding, or every finding of one code in one
column of one sheet (E-range in 绩效基数, rows 5–90: one problem of 86). Problems come errors
first, then by the stage of their code (kehu/finding_codes.py: files, sheets and columns, roster
rows others depend on and ids written another way, other rows), then by file, sheet and row. A
rejected row of 员工名册 or 客户名册 is a roster problem whatever its code: other datasets refer
to it. A consequence — a line that only says what a cause left unused (W-rows-of-rejected,
W-rows-unchecked) — is folded under its cause: the rejected roster row it names, or the
roster's missing column or sheet. The console and the report's 概要 show problems; the report's
问题清单 lists every finding in the same order.
"""
from __future__ import annotations

from dataclasses import dataclass

from kehu.finding_codes import CODES, ERROR, STAGES
from kehu.findings import Finding

ROSTERS = ("staff", "customers")
SEVERITY_WORDS = {"error": "错误", "warning": "警告"}        # the one pair of words, everywhere


@dataclass(frozen=True)
class Problem:
    findings: tuple[Finding, ...]                 # one code, one column of one sheet; by row
    consequences: tuple[Finding, ...] = ()        # what this cause left unused

    @property
    def lead(self) -> Finding:
        return self.findings[0]

    @property
    def count(self) -> int:
        return len(self.findings)

    @property
    def severity(self) -> str:
        return self.lead.severity

    @property
    def title(self) -> str:
        return title_of(self.lead)

    @property
    def stage(self) -> str:
        return stage_of(self.lead)


def title_of(f: Finding) -> str:
    return CODES[f.code].title if f.code in CODES else f.code


def stage_of(f: Finding) -> str:
    stage = CODES[f.code].stage if f.code in CODES else "row"
    if stage == "row" and f.rejected and f.dataset in ROSTERS:
        return "roster"
    return stage


def problems(findings: list[Finding]) -> list[Problem]:
    """The findings as problems, in the order the clerk fixes them."""
    causes = [f for f in findings if stage_of(f) != "consequence"]
    grouped: dict[tuple, list[Finding]] = {}
    for i, f in enumerate(causes):
        grouped.setdefault(_group(f, i), []).append(f)
    ordered = sorted((tuple(sorted(g, key=_by_row)) for g in grouped.values()), key=_rank)
    folded: dict[int, list[Finding]] = {}
    orphans = []
    rejected_at = {}                        # (file, sheet, row) of a rejected row → its problem
    for i, group in enumerate(ordered):
        for f in group:
            if f.rejected and f.row is not None:
                rejected_at.setdefault((f.file, f.sheet, f.row), i)
    for c in (f for f in findings if stage_of(f) == "consequence"):
        at = _cause_of(c, ordered, rejected_at)
        if at is None:
            orphans.append(c)
        else:
            folded.setdefault(at, []).append(c)
    out = [Problem(g, tuple(folded.get(i, ()))) for i, g in enumerate(ordered)]
    return out + [Problem((c,)) for c in orphans]


def in_order(findings: list[Finding]) -> list[Finding]:
    """Every finding, problem by problem: each cause's rows, then its consequences."""
    return [f for p in problems(findings) for f in (*p.findings, *p.consequences)]


def _group(f: Finding, i: int) -> tuple:
    """Findings at cells of one column of one sheet, of one code, are one problem — and so are
    the whole-row findings of one code in one sheet (10,000 W-duplicate-row of a 出访登记 are one
    line, not 10,000); others stand alone."""
    if f.file and f.sheet and (f.column or f.row):
        return (f.code, f.file, f.sheet, f.column, f.dataset)
    return ("", i)


def _by_row(f: Finding) -> tuple:
    return (f.row is None, f.row or 0, f.letter.rjust(3), f.message)


def _rank(group: tuple[Finding, ...]) -> tuple:
    f = group[0]
    return (f.severity != ERROR, STAGES.index(stage_of(f)), f.file, f.sheet, f.row or 0, f.letter.rjust(3), f.code,
            f.dataset, f.message)


def _cause_of(c: Finding, ordered: list[tuple], rejected_at: dict) -> int | None:
    """The problem a consequence folds under: the one holding the rejected row it names, else
    the first structural problem (a file, a sheet, a column) of its dataset or of the folder."""
    if (c.file, c.sheet, c.row) in rejected_at:
        return rejected_at[(c.file, c.sheet, c.row)]
    for i, group in enumerate(ordered):
        f = group[0]
        if f.severity == ERROR and stage_of(f) in ("file", "sheet") and f.dataset in (c.dataset, ""):
            if f.dataset == c.dataset or f.code == "E-folder-empty":
                return i
    return None
