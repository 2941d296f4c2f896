"""A month's 指标 rows and day plans from the annual targets (seed 004 重要室经理考核制度; issue 16 item 3).

"重要室经理将一年的指标按照月进度进行分解,再按照客户经理的人数按照月计划表再分配到每周,再细化到每天":

1. a room's annual (基本目标, 目标值, 挑战目标) → the twelve months, by the row's monthly weights,
   else the 月度权重 sheet's row of the indicator, else its 全部 row, else equally;
2. the room's month → each customer manager of the room assessed that month (员工名册:
   岗位 in ``roles.customer_manager``, employed on a day of the month — kehu.roster), by head
   count or by the 分配比例 sheet — for the indicators of ``[kpi.customer_manager]``;
3. the 重要室经理 gets the room's month figure — for the indicators of ``[kpi.room_manager]``
   (he is scored on the room's totals, SPEC §2.8);
4. each line's 目标值 → the month's weeks (by their workdays) → the workdays (月计划表).

All splits keep exact sums (kehu.compute.plan_split). Indicators whose source is ``retention``
have no targets and are not planned; a rate (比率) is not split — every month and every
manager gets the annual figure.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from kehu.compute.calendar import WorkCalendar
from kehu.compute.plan_split import COUNT, MONEY, RATE, Triple, month_weeks, split_over_weeks, split_triple
from kehu.findings import Finding, worded
from kehu.load.annual_targets import ALL_INDICATORS, AnnualBook, AnnualTarget, Share
from kehu.month import Month
from kehu.roster import assessed_staff
from kehu.schemes import indicators

RETENTION = "retention"
TARGET_ACTUAL = "targets.actual"
SOURCE_KINDS = {"customers.revenue": MONEY, "customers.info_revenue": MONEY, "customers.member_growth": COUNT,
                TARGET_ACTUAL: COUNT}
RATE_SOURCES = ("callbacks.", "visits.")        # rates kehu computes (0–1): not split
SCHEMES = ("customer_manager", "room_manager")


def scheme_targets(rules: dict, scheme: str) -> dict[str, str]:
    """The active indicators of ``[kpi.<scheme>]`` scored against a 指标 row (kehu.schemes):
    Chinese name → source, in file order. A room- or blend-scoped customer-manager indicator reads
    the room head's row, so the room head gets it too (kehu.schemes.rows_read)."""
    return {i.name: i.source for i in indicators(rules, scheme) if i.uses_targets}


def indicator_kinds(rules: dict) -> dict[str, str | None]:
    """Every planned indicator → its default 类别 by source (None: the workbook must say)."""
    kinds: dict[str, str | None] = {}
    for scheme in SCHEMES:
        for name, source in scheme_targets(rules, scheme).items():
            kinds.setdefault(name, _source_kind(source))
    return kinds


def _source_kind(source: str) -> str | None:
    if source.startswith(RATE_SOURCES):
        return RATE
    return SOURCE_KINDS.get(source)


@dataclass(frozen=True)
class TargetLine:
    """One row of the month's 指标 sheet."""
    employee_id: str
    name: str
    role: str
    room: str
    indicator: str
    kind: str
    figures: Triple
    actual_needed: bool          # 完成值 comes from the clerk at the month's end (source targets.actual)


@dataclass(frozen=True)
class DayPlan:
    """A line's 目标值 per week and per workday of the month (月计划表)."""
    line: TargetLine
    weeks: tuple
    days: tuple


@dataclass
class MonthPlan:
    month: Month
    lines: list = field(default_factory=list)      # TargetLine, roster order, scheme order
    weeks: list = field(default_factory=list)      # Week
    workdays: list = field(default_factory=list)   # date
    days: list = field(default_factory=list)       # DayPlan of every line but the rates


class Planner:
    """Plans months from ``book`` (kehu.load.annual_targets) and the typed 员工名册 ``staff``.
    Findings go to ``findings``, each once however many months repeat it."""

    def __init__(self, book: AnnualBook, staff: pd.DataFrame, rules: dict, calendar: WorkCalendar):
        self.book, self.staff, self.rules, self.calendar = book, staff.reset_index(drop=True), rules, calendar
        self.cm_roles, self.head_role = tuple(rules["roles"]["customer_manager"]), rules["roles"]["room_manager"]
        self.schemes = {s: scheme_targets(rules, s) for s in SCHEMES}
        self._found: dict[tuple, Finding] = {}
        self._share_rows = {(s.employee_id, s.indicator): s for s in book.shares}
        self._years = {(t.room, t.indicator): split_triple(t.year, self._month_weights(t), t.kind)
                       for t in book.targets}
        self._check_rooms()
        self._check_shares()

    @property
    def findings(self) -> list[Finding]:
        return list(self._found.values())

    def plan(self, month: Month) -> MonthPlan:
        staff = assessed_staff(self.staff, month)
        rooms = {room: people for room, people in staff.groupby("room", sort=False)}
        plan = MonthPlan(month)
        for target in self.book.targets:
            if target.room in self._rooms:                  # an unknown room is one E-plan-room, not more
                plan.lines.extend(self._room_lines(target, month, rooms.get(target.room, staff.iloc[:0])))
        self._missing_indicators(staff)
        order = {e: i for i, e in enumerate(self.staff["employee_id"])}
        names = list(self.book_order())
        plan.lines.sort(key=lambda line: (order[line.employee_id], names.index(line.indicator)))
        plan.workdays = self.calendar.workdays(month.first_day, month.last_day)
        plan.weeks = month_weeks(month.first_day, month.last_day, plan.workdays)
        if plan.workdays:
            plan.days = self._day_plans(plan)
        else:
            self._record(worded("E-plan-no-workdays", f"按日历，{month.label} 没有一个工作日，月计划表无法按天分解。"
                                "请核对日历表中该月的「类型」。", dataset="calendar"))
        return plan

    def book_order(self) -> dict[str, None]:
        """Indicator names in the rules' order (customer scheme first)."""
        return dict.fromkeys([*self.schemes["customer_manager"], *self.schemes["room_manager"]])

    # -- months and managers ------------------------------------------------------------------

    def _month_weights(self, target: AnnualTarget) -> tuple:
        weights = target.weights or self.book.weights.get(target.indicator) or self.book.weights.get(ALL_INDICATORS)
        return weights or (1,) * 12

    def _room_lines(self, target: AnnualTarget, month: Month, in_room: pd.DataFrame) -> list[TargetLine]:
        """The room's people's lines of ``target`` in ``month`` (``in_room``: its assessed staff)."""
        figures = self._years[(target.room, target.indicator)][month.month - 1]
        lines = []
        if target.indicator in self.schemes["customer_manager"]:
            lines += self._manager_lines(target, month, in_room[in_room["role"].isin(self.cm_roles)], figures)
        if target.indicator in self.schemes["room_manager"]:
            heads = in_room[in_room["role"] == self.head_role]
            if heads.empty:
                self._warn("W-plan-no-room-manager", target,
                           f"{month.label}「{target.room}」在员工名册中没有在岗的{self.head_role}，"
                           f"该室「{target.indicator}」的室指标没有写给任何人。如有临时负责人，请手工补上指标行。")
            lines += [self._line(head, target, figures) for head in heads.itertuples(index=False)]
        return lines

    def _manager_lines(self, target: AnnualTarget, month: Month, managers: pd.DataFrame,
                       figures: Triple) -> list[TargetLine]:
        if managers.empty:
            self._error("E-plan-no-managers", target,
                        f"{month.label}「{target.room}」在员工名册中没有在岗的客户经理（{'、'.join(self.cm_roles)}），"
                        f"该室「{target.indicator}」的月指标无法分配。请核对员工名册的所属室、入职和离职日期，"
                        f"或删去年度指标中该室的这一行。")
            return []
        shares = self._shares(target, month, managers)
        if shares is None:
            return []
        # the units left over go to the earlier managers of the roster — from the month's own
        # turn on, so that over the year they do not always fall to the same people
        parts = split_triple(figures, shares, target.kind, turn=month.month - 1)
        return [self._line(m, target, part) for m, part in zip(managers.itertuples(index=False), parts)]

    def _shares(self, target: AnnualTarget, month: Month, managers: pd.DataFrame) -> list | None:
        """Each manager's share: 分配比例 (his row for the indicator, else his row for all), or
        head count (1 each) when no manager of the room has one; None after an error."""
        given = [self._share_of(e, target.indicator) for e in managers["employee_id"]]
        if all(s is None for s in given):
            return [1] * len(given)
        lacking = [f"{n}（{e}）" for e, n, s in zip(managers["employee_id"], managers["name"], given) if s is None]
        if lacking:
            self._error("E-plan-share", target,
                        f"「{target.room}」的「{target.indicator}」在分配比例表中有部分客户经理的比例，"
                        f"但缺少 {'、'.join(lacking)}。请为该室在岗的每一位客户经理填比例（可以填 0）。")
            return None
        if sum(s.share for s in given) <= 0:
            self._error("E-plan-share", target, f"{month.label}「{target.room}」的「{target.indicator}」分配比例全为 0，"
                                                "无法分配。请至少给一位客户经理填大于 0 的比例。")
            return None
        return [s.share for s in given]

    def _share_of(self, employee_id: str, indicator: str) -> Share | None:
        return self._share_rows.get((employee_id, indicator)) or self._share_rows.get((employee_id, None))

    def _line(self, person, target: AnnualTarget, figures: Triple) -> TargetLine:
        scheme = "room_manager" if person.role == self.head_role else "customer_manager"
        return TargetLine(person.employee_id, person.name, person.role, target.room, target.indicator, target.kind,
                          figures, self.schemes[scheme].get(target.indicator) == TARGET_ACTUAL)

    # -- weeks and days ------------------------------------------------------------------------

    def _day_plans(self, plan: MonthPlan) -> list[DayPlan]:
        """Each line's 目标值 over the weeks and workdays; a 重要室经理's line of an indicator his
        managers also have is the sum of theirs, so that the room's days add up too."""
        own, teams = {}, {}
        for line in plan.lines:
            if line.kind != RATE and line.role != self.head_role:
                team = teams.setdefault((line.room, line.indicator), [])
                own[line] = _spread(line, plan, turn=len(team))
                team.append(own[line])
        out = []
        for line in (line for line in plan.lines if line.kind != RATE):
            team = teams.get((line.room, line.indicator)) if line.role == self.head_role else None
            if team:
                out.append(DayPlan(line, _column_sums([d.weeks for d in team]), _column_sums([d.days for d in team])))
            else:
                out.append(own.get(line) or _spread(line, plan))
        return out

    # -- checks ----------------------------------------------------------------------------------

    def _check_rooms(self) -> None:
        self._rooms = rooms = set(self.staff["room"].dropna())
        for target in self.book.targets:
            if target.room not in rooms:
                self._error("E-plan-room", target, f"「{target.room}」不是员工名册中的所属室（名册中有："
                                                   f"{'、'.join(sorted(rooms))}）。请核对室名。")

    def _check_shares(self) -> None:
        roles = dict(zip(self.staff["employee_id"], self.staff["role"]))
        for share in self.book.shares:
            role = roles.get(share.employee_id)
            if role in self.cm_roles:
                continue
            why = "不在员工名册中" if role is None else f"的岗位是{role}，分配比例只用于客户经理（重要室经理得全室指标）"
            self._record(worded("E-plan-share", f"分配比例表中的工号 {share.employee_id} {why}。请核对工号。",
                                file=share.where.file, sheet=share.where.sheet, row=share.where.row, column="工号",
                                letter=share.where.letter, value=share.employee_id, rejected=True))

    def _missing_indicators(self, staff: pd.DataFrame) -> None:
        have = {(t.room, t.indicator) for t in self.book.targets}
        for person in staff.itertuples(index=False):
            scheme = "room_manager" if person.role == self.head_role else "customer_manager"
            for indicator in self.schemes[scheme]:
                if (person.room, indicator) not in have:
                    self._record(worded("W-plan-indicator-missing",
                                        f"年度指标中没有「{person.room}」的「{indicator}」：生成的指标表没有这一行，"
                                        f"kehu run 会报 E-target-missing。请在年度指标中补上，或在月指标表中手工填写。",
                                        value=f"{person.room} {indicator}"))

    def _error(self, code: str, target: AnnualTarget, message: str) -> None:
        self._at(code, target, message)

    def _warn(self, code: str, target: AnnualTarget, message: str) -> None:
        self._at(code, target, message)

    def _at(self, code: str, target: AnnualTarget, message: str) -> None:
        w = target.where
        self._record(worded(code, message, file=w.file, sheet=w.sheet, row=w.row, column="所属室", letter=w.letter,
                            value=target.room, rejected=code.startswith("E-")))

    def _record(self, finding: Finding) -> None:
        self._found.setdefault((finding.code, finding.message, finding.row), finding)


def _spread(line: TargetLine, plan: MonthPlan, turn: int = 0) -> DayPlan:
    weeks, days = split_over_weeks(line.figures.target, plan.weeks, line.kind, turn)
    return DayPlan(line, tuple(weeks), tuple(days))


def _column_sums(rows: list[tuple]) -> tuple:
    return tuple(sum(values, Decimal(0)) for values in zip(*rows))

