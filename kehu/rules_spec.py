"""Every key of the rules file with its type, range and relations (SPEC §3, §10.7).

``SPEC`` is the one table of what each key may hold; a new key is one line here
(and its default in ``default_rules.toml``). Keys are dotted; ``*`` is any entry
of a table the department may extend (``violations.kinds``, ``visits.classes``,
the KPI schemes), ``[]`` any item of an array of tables (``attendance.tiers``).
``RELATIONS`` are the checks between values (tiers ascending and open at the
top, morning before afternoon, seasons covering the year once, …); they run
only on rules whose every value has passed its own check. A key that may be
left out is ``OptionalKey(kind)`` (e.g. ``kpi.customer_manager.*.scope``);
a new table (e.g. ``[organisation]``) is the lines of its keys.

The ranges are what the engines need to compute sensible pay: a negative rate
or amount, a cap of 0, a zero streak step or an unbounded window is refused
here rather than paid out (SPEC §10.1).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Iterator

from kehu.rules_check import (Boolean, Choice, Entries, Integer, MonthDay, Number, OptionalKey, Problem, Session,
                              Spec, Tables, Text, TextList, as_decimal, bad_value, clock_minutes, written)
from kehu.schema import CALLBACK_RESULTS, CUSTOMER_CLASSES, LEAVE_KINDS, ROLES, VISIT_METHODS
from kehu.schemes import (BLEND, RETENTION, ROOM, ROOM_MANAGER, SCHEME_WORDS, SCHEMES, SCOPES, SCORINGS, SLOPE,
                          SOURCES, default_scope, default_scoring, points)

# Where a KPI indicator's 完成值 comes from (kehu.schemes, kehu.compute.kpi): a per-customer figure,
# the 指标 row's 完成值, the churn rate, or a rate of callbacks or visits.
KPI_SOURCES = SOURCES
VISIT_CYCLES = (1, 2, 3, 4, 6, 12)     # months; a cycle divides the year (SPEC §2.6)
KPI_POINTS = 100                      # a scheme's weights share 100 points (SPEC §2.8, §2.9)
MONEY_MAX = 10 ** 9                   # 元: above any deduction or 年用量 band; larger is a typo

BOOLEAN = Boolean()
RATE = Number(0, 1, "小数", "如 0.10")
MONEY = Number(0, MONEY_MAX, "金额", '元，如 50 或 "50.00"')
PERCENT = Number(0, 100, "百分数", "如 2.0 表示 2%")
POINTS = Number(0, 100, "分数", "如 5")
SESSION = Session()
MONTH_DAY = MonthDay()
NAME = Text()


@dataclass(frozen=True)
class Source(Text):
    """An indicator's ``source``: one kehu computes or reads; a wrong one names the scheme's role."""
    scheme: str = ""

    def problems(self, path, value):
        reason = self.problem(value)
        if reason:
            reason = "不是 kehu 能计算或读取的指标来源" if reason == "不在可选值中" else reason
            yield bad_value(path, value, f"{reason}（{SCHEME_WORDS[self.scheme]}考核方案）", self.allowed)


def indicator_fields(scheme: str) -> dict:
    """One KPI indicator: code = { name, weight, source [, scope, scoring, own_share, cap] } (seed 004
    客户经理/重要室经理考核制度; issue 16). Weight 0 switches a (default) indicator off."""
    return {
        "name": NAME,
        "weight": Integer(0, KPI_POINTS, "分"),
        "source": Source(KPI_SOURCES, scheme=scheme),
        "scope": OptionalKey(Text(SCOPES)),
        "scoring": OptionalKey(Text(SCORINGS)),
        "own_share": OptionalKey(Number(0, 1, "小数", "如 0.7 表示本人 70%、本室 30%", above_low=True)),
        "cap": OptionalKey(BOOLEAN),
    }


def entries(table: str, fields: dict) -> dict:
    """The spec lines of every entry of the open table ``table``."""
    return {f"{table}.*.{field}": kind for field, kind in fields.items()}


SPEC = {
    "calendar.weekday_fallback": BOOLEAN,

    "schedule.summer.from": MONTH_DAY,
    "schedule.summer.to": MONTH_DAY,
    "schedule.summer.am": SESSION,
    "schedule.summer.pm": SESSION,
    "schedule.winter.from": MONTH_DAY,
    "schedule.winter.to": MONTH_DAY,
    "schedule.winter.am": SESSION,
    "schedule.winter.pm": SESSION,

    "attendance.grace_minutes": Integer(0, 120, "分钟"),
    "attendance.absence_amount": MONEY,
    "attendance.missing_punch_amount": MONEY,
    "attendance.punch_fix_kind": Text(LEAVE_KINDS),
    "attendance.visit_leave_kind": Text(LEAVE_KINDS),
    "attendance.excusing_kinds": TextList(LEAVE_KINDS),
    "attendance.tiers": Tables(1, 20, "迟到/早退分档 [[attendance.tiers]]"),
    "attendance.tiers[].max_minutes": Integer(0, 1440, "分钟"),
    "attendance.tiers[].amount": MONEY,
    "attendance.leave_limit.counted_kinds": TextList(LEAVE_KINDS),
    "attendance.leave_limit.max_free": Integer(0, 31, "次"),
    "attendance.leave_limit.amount": MONEY,

    "violations.kinds": Entries("违纪类型"),
    **entries("violations.kinds", {"amount": MONEY, "notice": BOOLEAN}),

    "learning.roles": TextList(ROLES),
    "learning.streak_step": Integer(1, 12, "次"),
    "learning.worst_deduction_rate": RATE,
    "learning.min_ranked": Integer(1, 100, "人"),
    "learning.absent_score": Number(0, 100, "成绩", "如 0"),

    "visits.counted_method": Text(VISIT_METHODS),
    "visits.classes": Entries("客户级别"),
    **entries("visits.classes", {"required": Integer(0, 31, "次"), "cycle_months": Choice(VISIT_CYCLES, "个月")}),

    "callbacks.window_days": Integer(0, 31, "天"),
    "callbacks.next_month_days": Integer(0, 31, "天"),
    "callbacks.failed_result": Text(CALLBACK_RESULTS),
    "callbacks.dissatisfied_result": Text(CALLBACK_RESULTS),
    "callbacks.satisfied_result": Text(CALLBACK_RESULTS),
    "callbacks.member_target_rate": RATE,

    "kpi.base_fraction": RATE,
    "kpi.challenge_bonus": RATE,
    "kpi.retention_reference_rate": PERCENT,
    "kpi.retention_points_per_percent": POINTS,
    "kpi.retention_max_bonus": POINTS,
    "kpi.total_cap": Number(0, 10 * KPI_POINTS, "分数", "如 100", above_low=True),
    "kpi.points.customer_manager": Integer(1, 10 * KPI_POINTS, "分"),
    "kpi.points.room_manager": Integer(1, 10 * KPI_POINTS, "分"),
    "kpi.customer_manager": Entries("考核指标"),
    **entries("kpi.customer_manager", indicator_fields("customer_manager")),
    "kpi.room_manager": Entries("考核指标"),
    **entries("kpi.room_manager", indicator_fields("room_manager")),

    "classes.low_classes": TextList(CUSTOMER_CLASSES, min_items=1),
    "classes.bands": Tables(1, len(CUSTOMER_CLASSES), "年用量分级 [[classes.bands]]"),
    "classes.bands[].class": Text(CUSTOMER_CLASSES),
    "classes.bands[].min_annual_spend": MONEY,

    "churn_warning.drop_percent": Number(0, 100, "百分数", "如 30 表示下降 30%", above_low=True),
    "churn_warning.history_months": Integer(1, 24, "个月"),

    "roles.customer_manager": TextList(ROLES, min_items=1),
    "roles.room_manager": Text(ROLES),
    "roles.acting_head": Text(ROLES),
}


# ---------------------------------------------------------------------------
# Relations between values

def tiers_open_at_top(rules: dict) -> Iterator[Problem]:
    """SPEC §2.3.5: a tier holds up to and including max_minutes; bounds ascend, the last
    (max_minutes = 0) is open-ended, and only the last is 0."""
    bounds = [t["max_minutes"] for t in rules["attendance"]["tiers"]]
    inner = bounds[:-1]
    if bounds[-1] != 0 or 0 in inner or inner != sorted(set(inner)):
        yield bad_value(("attendance", "tiers"), bounds, "不符合分档要求",
                        "逐档递增的正整数，最后一档为 0（不封顶）且只有最后一档为 0，如 [30, 60, 0]",
                        what="各档 max_minutes")


def morning_before_afternoon(rules: dict) -> Iterator[Problem]:
    """SPEC §2.2–2.3: AM start < AM end ≤ PM start < PM end, so the boundary B falls between."""
    for name, season in rules["schedule"].items():
        am_end, pm_start = clock_minutes(season["am"][1]), clock_minutes(season["pm"][0])
        if pm_start < am_end:
            yield bad_value(("schedule", name, "pm"), season["pm"], f"早于上午结束（am = {written(season['am'])}）",
                            "不早于上午结束的时段：上午开始 < 上午结束 ≤ 下午开始 < 下午结束")


def in_season(md: str, season: dict) -> bool:
    """The MM-DD range of a season, inclusive, wrapping the year when from > to (as
    kehu.compute.attendance.season_of reads it)."""
    start, end = season["from"], season["to"]
    return start <= md <= end if start <= end else (md >= start or md <= end)


def seasons_cover_the_year(rules: dict) -> Iterator[Problem]:
    """Every day of a leap year (02-29 too) lies in exactly one season (seed 004 夏季/冬季)."""
    seasons = rules["schedule"]
    shown = "，".join(f"{n} {s['from']} 至 {s['to']}" for n, s in seasons.items())
    allowed = "合起来恰好覆盖全年每一天（含 02-29）、互不重叠的日期范围，如 summer 05-01 至 09-30，winter 10-01 至 04-30"
    for day in (date(2000, 1, 1) + timedelta(days=i) for i in range(366)):
        md = f"{day:%m-%d}"
        holding = [n for n, s in seasons.items() if in_season(md, s)]
        if len(holding) != 1:
            reason = f"没有覆盖 {md}" if not holding else f"在 {md} 重叠（{'、'.join(holding)}）"
            yield bad_value(("schedule",), None, reason, allowed, what="季节 from/to", shown=shown)
            return


def punch_fix_excuses_nothing(rules: dict) -> Iterator[Problem]:
    """A 补卡 row is an approved punch time, not a leave: it must not cut sessions (SPEC §2.3)."""
    att = rules["attendance"]
    if att["punch_fix_kind"] in att["excusing_kinds"]:
        yield bad_value(("attendance", "excusing_kinds"), att["excusing_kinds"],
                        f"含有补卡类型 \"{att['punch_fix_kind']}\"（attendance.punch_fix_kind）",
                        "不含补卡类型的请假类型数组：补卡只补打卡时间，不免除考勤")


def callback_window_fits(rules: dict) -> Iterator[Problem]:
    """回访记录 of a month-end visit arrive up to window_days into the next month (SPEC §1, §2.7)."""
    cb = rules["callbacks"]
    if cb["next_month_days"] < cb["window_days"]:
        yield bad_value(("callbacks", "next_month_days"), cb["next_month_days"],
                        f"小于回访时限 callbacks.window_days = {cb['window_days']}",
                        f"不小于 callbacks.window_days（{cb['window_days']}）、不超过 31 的整数")
    if cb["failed_result"] == cb["dissatisfied_result"]:
        yield bad_value(("callbacks", "dissatisfied_result"), cb["dissatisfied_result"],
                        "与 callbacks.failed_result 相同", "与未接通结果不同的回访结果，如 \"不满意\"")
    if cb["satisfied_result"] in (cb["failed_result"], cb["dissatisfied_result"]):
        yield bad_value(("callbacks", "satisfied_result"), cb["satisfied_result"],
                        "与 callbacks.failed_result 或 dissatisfied_result 相同", "表示满意的回访结果，如 \"满意\"")


def schemes_share_100_points(rules: dict) -> Iterator[Problem]:
    """KPI 得分 is out of the scheme's points (100; pay = 绩效基数 × min(KPI, cap) / 100, SPEC §2.9):
    the weights of a scheme's active indicators sum to ``kpi.points.<scheme>``; they have
    distinct names; a scheme has at least one indicator."""
    for scheme in SCHEMES:
        role = SCHEME_WORDS[scheme]
        total, out_of = sum(spec["weight"] for spec in rules["kpi"][scheme].values()), points(rules, scheme)
        if total != out_of:
            yield bad_value(("kpi", scheme), None, f"不等于该方案的满分 {out_of}（kpi.points.{scheme}）",
                            f" {out_of}：各指标权重相加应等于满分（权重为 0 的指标不考核）",
                            what=f"{role}考核方案各指标权重（weight）之和", shown=str(total))
        seen = set()
        for code, spec in rules["kpi"][scheme].items():
            if spec["weight"] and spec["name"] in seen:
                yield bad_value(("kpi", scheme, code, "name"), spec["name"], f"与{role}考核方案的另一指标重名",
                                "本方案中唯一的名称（权重为 0 的指标除外）")
            seen.add(spec["name"] if spec["weight"] else None)


def indicators_are_scorable(rules: dict) -> Iterator[Problem]:
    """Each indicator's scope and scoring fit its source and role (docs/RULES.md 考核方案): the churn
    rate is scored on the slope around the reference rate and nothing else is; a room scheme is
    scored on the room's totals; a blend names its own share, strictly between 0 and 1."""
    for scheme in SCHEMES:
        role = SCHEME_WORDS[scheme]
        for code, spec in rules["kpi"][scheme].items():
            path = ("kpi", scheme, code)
            scope = spec.get("scope", default_scope(scheme))
            scoring = spec.get("scoring", default_scoring(spec["source"]))
            if (scoring == SLOPE) != (spec["source"] == RETENTION):
                yield bad_value(path + ("scoring",), scoring, f"不适用于指标来源 \"{spec['source']}\"（{role}考核方案）",
                                ' "slope"（离网率加减分）当且仅当 source = "retention"，其余来源为 "tiers"（基本/目标/挑战三档）')
            if scheme == ROOM_MANAGER and scope != ROOM:
                yield bad_value(path + ("scope",), scope, f"不适用于{role}考核方案",
                                ' "room"：重要室经理按本室合计考核')
            if scope == BLEND and not 0 < as_decimal(spec.get("own_share", 0)) < 1:
                yield bad_value(path + ("own_share",), spec.get("own_share"), '缺少或不在 0 与 1 之间（scope = "blend"）',
                                " 大于 0、小于 1 的小数：本人部分的比重（如 0.7 表示本人 70%、本室 30%）")
            if scope != BLEND and "own_share" in spec:
                yield bad_value(path + ("own_share",), spec["own_share"], f'只用于 scope = "blend"，本指标 scope = "{scope}"',
                                ' 删除此键，或把 scope 改为 "blend"')


def bands_descend(rules: dict) -> Iterator[Problem]:
    """SPEC §2.10: bands highest first, each class once and none of the low classes."""
    bands = rules["classes"]["bands"]
    floors = [as_decimal(b["min_annual_spend"]) for b in bands]
    if any(a <= b for a, b in zip(floors, floors[1:])):
        yield bad_value(("classes", "bands"), [b["min_annual_spend"] for b in bands], "不是从高到低排列",
                        "严格递减的金额（最高的一档写在最前），如 [500000, 200000, 50000, 20000]",
                        what="各档 min_annual_spend")
    classes = [b["class"] for b in bands]
    low = rules["classes"]["low_classes"]
    if len(set(classes)) != len(classes) or set(classes) & set(low):
        yield bad_value(("classes", "bands"), classes, "有重复，或与 classes.low_classes 重叠",
                        f"互不重复、且不在 low_classes {written(low)} 中的客户级别", what="各档 class")


def roles_partition(rules: dict) -> Iterator[Problem]:
    """Every 岗位 is scored by exactly one KPI scheme (a role in none would be paid on a KPI of 0);
    the room scheme scores the 重要室经理 and the 临时负责人, two different 岗位."""
    roles = rules["roles"]
    managers, head, acting = roles["customer_manager"], roles["room_manager"], roles["acting_head"]
    given = list(managers) + [head, acting]
    if len(set(given)) != len(given) or set(given) != set(ROLES):
        yield bad_value(("roles",), None, "不符合要求",
                        "每个岗位恰好属于一个考核方案：" + "、".join(ROLES) + " 各出现一次",
                        what="岗位划分", shown=f"customer_manager = {written(managers)}，room_manager = {written(head)}，"
                                              f"acting_head = {written(acting)}")


RELATIONS: tuple[Callable[[dict], Iterator[Problem]], ...] = (
    tiers_open_at_top, morning_before_afternoon, seasons_cover_the_year, punch_fix_excuses_nothing,
    callback_window_fits, schemes_share_100_points, indicators_are_scorable, bands_descend, roles_partition,
)

RULES_SPEC = Spec(SPEC)


def rules_problems(rules: dict) -> list[Problem]:
    """Every problem of the effective rules: each value first; the relations once all values are sound."""
    found = RULES_SPEC.check(rules)
    if found:
        return found
    return [p for relation in RELATIONS for p in relation(rules)]
