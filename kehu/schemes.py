"""The KPI schemes of the rules file, read as data (SPEC §2.8; docs/RULES.md "考核方案").

The rules' ``[kpi.customer_manager]`` and ``[kpi.room_manager]`` tables hold one entry per
indicator: ``code = { name, weight, source [, scope, scoring, own_share, cap] }``. This module
is the one reader of those entries — the rules check, the validation, the KPI engine and
the loaders (the 指标 sheet's indicator names) all ask it, so they agree on

- which indicators a scheme has (an entry of weight 0 is switched off: no line, no 指标 row —
  the way a department drops a default indicator, since a rules file merges into the
  defaults entry by entry);
- where each indicator's figure comes from (``source``), whose figure (``scope``: the
  person's own customers, the room's, or a blend) and how it is scored (``scoring``);
- who heads a room (seed 004 重要室经理考核制度, “考核对象：重要室经理和临时负责人”): both a
  重要室经理 and a 临时负责人 are scored by the room scheme on the room's totals, each on his
  own 指标 rows; the room's targets that customer managers' room parts read are the
  临时负责人's rows when the room has one this month, else the 重要室经理's.

Nothing here imports the rules loader: ``kehu.rules_spec`` reads the constants below.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

CUSTOMER_MANAGER, ROOM_MANAGER = "customer_manager", "room_manager"
SCHEMES = (CUSTOMER_MANAGER, ROOM_MANAGER)
SCHEME_WORDS = {CUSTOMER_MANAGER: "客户经理", ROOM_MANAGER: "重要室经理"}   # seed 004's two 考核制度

# Where an indicator's 完成值 comes from.
RETENTION = "retention"                     # churn rate in percent (离网客户数 ÷ 集团客户总数 × 100)
TARGET_ACTUAL = "targets.actual"            # the 完成值 of the 指标 row
CUSTOMER_SOURCES = ("customers.revenue", "customers.info_revenue", "customers.member_growth")
RATE_SOURCES = ("callbacks.satisfaction",   # 满意 ÷ callbacks that reached the customer (seed 003)
                "callbacks.member_coverage",  # member events called back on time ÷ (events − pending) (seed 000)
                "visits.rate")              # due customers visited as required ÷ due (SPEC §2.6)
SOURCES = CUSTOMER_SOURCES + (TARGET_ACTUAL, RETENTION) + RATE_SOURCES

OWN, ROOM, BLEND = "own", "room", "blend"
SCOPES = (OWN, ROOM, BLEND)
TIERS, SLOPE = "tiers", "slope"
SCORINGS = (TIERS, SLOPE)


@dataclass(frozen=True)
class Indicator:
    """One active indicator of a scheme, every optional field filled with its default."""
    code: str
    name: str
    weight: int
    source: str
    scope: str              # own / room / blend (a room scheme is always room)
    scoring: str            # tiers / slope
    own_share: Decimal      # the own part of a blend; 1 for own, 0 for room
    cap: bool               # False: above the target (tiers) or the bonus cap (slope) the score keeps growing

    @property
    def uses_targets(self) -> bool:
        """Scored against base/target/challenge of a 指标 row (every source but the churn slope)."""
        return self.source != RETENTION

    @property
    def room_share(self) -> Decimal:
        return 1 - self.own_share


def default_scope(scheme: str) -> str:
    return ROOM if scheme == ROOM_MANAGER else OWN


def default_scoring(source: str) -> str:
    return SLOPE if source == RETENTION else TIERS


def indicators(rules: dict, scheme: str) -> list[Indicator]:
    """The active indicators (weight > 0) of ``kpi.<scheme>``, in file order."""
    out = []
    for code, spec in rules["kpi"][scheme].items():
        if int(spec["weight"]) <= 0:
            continue
        scope = spec.get("scope", default_scope(scheme))
        share = Decimal(str(spec["own_share"])) if scope == BLEND else Decimal(1 if scope == OWN else 0)
        out.append(Indicator(code=code, name=spec["name"], weight=int(spec["weight"]), source=spec["source"],
                             scope=scope, scoring=spec.get("scoring", default_scoring(spec["source"])),
                             own_share=share, cap=bool(spec.get("cap", True))))
    return out


def points(rules: dict, scheme: str) -> int:
    """What a scheme's weights sum to and its KPI 得分 is out of (``kpi.points``; 100 by default)."""
    return int(rules["kpi"]["points"][scheme])


def indicator_names(rules: dict) -> list[str]:
    """The 指标 sheet's indicator names: every active indicator scored against a 指标 row, of
    either scheme, once, in file order (the 指标 column's choices; ``kehu init``'s dropdown)."""
    names: list[str] = []
    for scheme in SCHEMES:
        names += [i.name for i in indicators(rules, scheme) if i.uses_targets and i.name not in names]
    return names


def actual_names(rules: dict) -> set[str]:
    """Indicators scored on the 完成值 of their 指标 row: their rows must carry it (SPEC §2.8)."""
    return {i.name for scheme in SCHEMES for i in indicators(rules, scheme) if i.source == TARGET_ACTUAL}


# ---------------------------------------------------------------------------
# Roles: who is scored by which scheme, who heads a room

def head_roles(rules: dict) -> tuple[str, str]:
    """The 岗位 values of a room's head: 重要室经理 and 临时负责人 (seed 004 重要室经理考核制度)."""
    roles = rules["roles"]
    return roles["room_manager"], roles["acting_head"]


def scheme_of(role: str, rules: dict) -> str | None:
    """The scheme that scores a 岗位 (None for a role of no scheme)."""
    if role in head_roles(rules):
        return ROOM_MANAGER
    return CUSTOMER_MANAGER if role in rules["roles"]["customer_manager"] else None


def target_holders(staff: pd.DataFrame, rules: dict) -> pd.Series:
    """room → the 工号 whose 指标 rows are the room's targets: the room's 临时负责人 if ``staff``
    (the people assessed this month) has one, else its 重要室经理. Rooms with neither are absent."""
    manager, acting = head_roles(rules)
    holders: dict = {}
    for role in (manager, acting):          # the acting head, read last, wins
        for person in staff.loc[staff["role"].eq(role).to_numpy(), ["employee_id", "room"]].itertuples(index=False):
            holders[person.room] = person.employee_id
    return pd.Series(holders, dtype=object)


def rows_read(staff: pd.DataFrame, rules: dict) -> tuple[dict, dict]:
    """The 指标 rows the month's KPI lines read, given the assessed ``staff``, in staff order then
    scheme order: ``(own, room)`` — ``own`` maps each (工号, 指标) read by a person's own lines (a
    head's room lines read his own rows) to that person's scheme; ``room`` maps (holder 工号 or
    None, room, 指标) → the customer managers whose room part reads it (None: the room has no head)."""
    holders = target_holders(staff, rules)
    schemes = {s: [i for i in indicators(rules, s) if i.uses_targets] for s in SCHEMES}
    own: dict = {}
    room: dict = {}
    for person in staff[["employee_id", "role", "room"]].itertuples(index=False):
        scheme = scheme_of(person.role, rules)
        for ind in schemes.get(scheme, []):
            if scheme == ROOM_MANAGER or ind.scope in (OWN, BLEND):
                own.setdefault((person.employee_id, ind.name), scheme)
            if scheme == CUSTOMER_MANAGER and ind.scope in (ROOM, BLEND):
                key = (holders.get(person.room), person.room, ind.name)
                room.setdefault(key, []).append(person.employee_id)
    return own, room
