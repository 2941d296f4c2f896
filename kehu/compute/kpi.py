"""KPI scores of customer managers and room managers (SPEC §2.8; docs/RULES.md 考核方案).

Seed 004 客户经理考核制度 (4、考核内容及依据): 集团收入, 集团信息化收入, 集团客户到达数
(成员增加数), 集团产品 (行业产品), 集团客户保有 (“按照集团客户离网客户数/集团客户总数×100%(2%)
进行加减分”) — “对客户经理所负责的集团单位月收入及重要室当月集团收入为标准”: his own customers,
the room's, or both (an indicator's ``scope``). Seed 004 重要室经理考核制度: the room manager and
the 临时负责人 are scored on the room's figures plus “集团客户离网率10分 集团其他指标10分 企信通5分”,
and every target indicator by “完成指标得满分,若只完成基本目标得全分值的90%,若完成挑战目标得全分”.
Seed 003 “将满意度指标纳入绩效考核” and seed 000 “必须保证会员客户的100%的回访” are sources a
scheme may score (``callbacks.satisfaction``, ``callbacks.member_coverage``), as is ``visits.rate``.

The schemes are data: the rules file's ``[kpi.customer_manager]`` / ``[kpi.room_manager]``
entries, read by ``kehu.schemes``; the scoring constants are ``[kpi]`` and the scorers with
their notes are ``kehu.compute.kpi_scoring``. Every indicator score is rounded half-up to
0.01 and the total is the sum of the rounded scores.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from kehu.compute.callbacks import callback_summary
from kehu.compute.kpi_scoring import Part, score_line, slope, tiers
from kehu.month import Month
from kehu.numbers import ZERO, exact_rate
from kehu.schema import CHURNED
from kehu.schemes import (BLEND, RATE_SOURCES, RETENTION, ROOM, ROOM_MANAGER, SCHEMES, TARGET_ACTUAL,
                          Indicator, indicators, scheme_of, target_holders)

PERCENT_PLACES = Decimal("0.0001")     # a churn rate in percent, exact to 4 places
CUSTOMER_SOURCE = "customers."
FIGURES = ["customers", "revenue", "info_revenue", "member_growth", "churned", "base_customers"]
# One row per (employee, indicator of his scheme). base … actual are the figures the line is
# scored on — his own, or the room's for a room head or a customer manager's scope "room";
# a blend's room part is room_base … room_actual. note: how the score came about (kpi_scoring).
INDICATOR_COLUMNS = ["employee_id", "code", "name", "weight", "base", "target", "challenge",
                     "actual", "score", "missing_target", "source", "scope", "own_share",
                     "room_base", "room_target", "room_challenge", "room_actual", "note"]
ROOM_COLUMNS = ["room", *FIGURES, "churn_rate"]


@dataclass
class KpiResult:
    indicators: pd.DataFrame    # INDICATOR_COLUMNS, one row per (employee, indicator of his scheme)
    totals: pd.DataFrame        # employee_id, total (Decimal)
    room_totals: pd.DataFrame   # ROOM_COLUMNS, one row per room of the staff frame


def compute_kpi(staff: pd.DataFrame, customers: pd.DataFrame, targets: pd.DataFrame,
                month: Month, rules: dict, room_of: pd.Series | None = None,
                callbacks=None, visits=None) -> KpiResult:
    """Indicator lines of every assessed 客户经理 / 行业客户经理 / 重要室经理 / 临时负责人 in ``staff``.
    ``room_of`` (employee_id → 所属室, kehu.roster.room_of): who belongs to which room, over the
    whole roster — by default the assessed ``staff`` only. ``callbacks`` / ``visits``: the
    month's CallbackResult / VisitResult, needed when a scheme scores one of their rates."""
    per_customer = customer_figures(customers, month)
    if room_of is None:
        room_of = staff[["employee_id", "room"]].drop_duplicates("employee_id").set_index("employee_id")["room"]
    rooms = room_totals(staff, per_customer, room_of)
    figures = Figures(per_customer, rooms, room_of, rules, callbacks, visits)
    indicators_ = _score_lines(staff, figures, _target_rows(targets), rules)
    return KpiResult(indicators=indicators_, totals=_totals(indicators_, staff), room_totals=rooms)


# -- figures from the customer roll ---------------------------------------------

def customer_figures(customers: pd.DataFrame, month: Month) -> pd.DataFrame:
    """Per customer: revenue, info_revenue, member_growth (月末 − 月初), churned this month, in the base.

    The base of the churn rate is the customers not churned before the month's
    first day; churned = 状态 离网 with 离网日期 inside the month.
    """
    first, last = pd.Timestamp(month.first_day), pd.Timestamp(month.last_day)
    gone = customers["status"] == CHURNED
    churned_on = pd.to_datetime(customers["churned_on"])
    return pd.DataFrame({
        "customer_id": customers["customer_id"].astype(object),
        "manager_id": customers["manager_id"].astype(object),
        "revenue": customers["revenue"].map(_dec).astype(object),
        "info_revenue": customers["info_revenue"].map(_dec).astype(object),
        "member_growth": (customers["members_end"].astype("int64") - customers["members_start"].astype("int64")),
        "churned": gone & (churned_on >= first) & (churned_on <= last),
        "in_base": ~(gone & (churned_on < first)),
    }, index=customers.index)


def _sum_figures(per_customer: pd.DataFrame, key: str) -> pd.DataFrame:
    """Σ of each figure per ``key`` (manager_id or room); money summed exactly."""
    grouped = per_customer.groupby(key, sort=True)
    customers = grouped["customer_id"].count()
    return pd.DataFrame({
        "customers": customers,
        "revenue": _dec_sums(per_customer[key], per_customer["revenue"], customers.index),
        "info_revenue": _dec_sums(per_customer[key], per_customer["info_revenue"], customers.index),
        "member_growth": grouped["member_growth"].sum(),
        "churned": grouped["churned"].sum(),
        "base_customers": grouped["in_base"].sum(),
    }).reset_index()


def room_totals(staff: pd.DataFrame, per_customer: pd.DataFrame, room_of: pd.Series) -> pd.DataFrame:
    """The room's totals: all customers whose 客户经理 belongs to the room in 员工名册 —
    employed this month or not (重要室经理考核制度; SPEC §10.3). One row per room of ``staff``
    or of a customer's manager."""
    placed = per_customer.assign(room=per_customer["manager_id"].map(room_of))
    summed = _sum_figures(placed[placed["room"].notna()], "room")
    names = set(staff["room"].dropna()) | set(summed["room"])
    all_rooms = pd.DataFrame({"room": sorted(names)}, dtype=object)
    totals = _fill_figures(all_rooms.merge(summed, on="room", how="left"))
    totals["churn_rate"] = pd.Series([None if r is None else float(r.quantize(PERCENT_PLACES, ROUND_HALF_UP))
                                      for r in _churn_rates(totals)], index=totals.index, dtype=object)
    return totals[ROOM_COLUMNS]


def _fill_figures(frame: pd.DataFrame) -> pd.DataFrame:
    """No customers → zero of every figure (counts int, money Decimal)."""
    frame = frame.copy()
    for col in ("customers", "member_growth", "churned", "base_customers"):
        frame[col] = frame[col].fillna(0).astype("int64")
    for col in ("revenue", "info_revenue"):
        frame[col] = pd.Series([ZERO if _missing(v) else v for v in frame[col]], index=frame.index, dtype=object)
    return frame


def _churn_rates(figures: pd.DataFrame) -> list:
    return [_churn_rate(c, b) for c, b in zip(figures["churned"], figures["base_customers"])]


def _churn_rate(churned, base) -> Decimal | None:
    """离网客户数 / 集团客户总数 × 100 (percent, exact Decimal); None without base customers."""
    return Decimal(int(churned)) * 100 / Decimal(int(base)) if base else None


# -- the figure of each source, for a person or a room --------------------------------

class Figures:
    """The 完成值 each source gives for a person (his own customers, callbacks, visits) or a room
    (every customer whose manager belongs to it, SPEC §10.3): customer sums, the churn rate
    (percent) and the rates kehu computes (0–1, 4 places; None with nothing to measure)."""

    def __init__(self, per_customer: pd.DataFrame, rooms: pd.DataFrame, room_of: pd.Series, rules: dict,
                 callbacks=None, visits=None):
        own = _fill_figures(_sum_figures(per_customer, "manager_id"))
        self.own = dict(zip(own["manager_id"], own.drop(columns="manager_id").to_dict("records")))
        self.room = dict(zip(rooms["room"], rooms.drop(columns="room").to_dict("records")))
        self.rates = _rates(rules, room_of, callbacks, visits)

    def of(self, source: str, key, of_room: bool) -> tuple[Decimal | None, Decimal | None]:
        """(完成值, the exact churn rate for the slope) of ``key`` — a 工号, or a room when ``of_room``."""
        if source == TARGET_ACTUAL:
            return None, None                   # read from the 指标 row (_part)
        if source in RATE_SOURCES:
            return self.rates[source][of_room].get(key), None
        row = (self.room if of_room else self.own).get(key)
        if row is None:
            return (ZERO, None) if source != RETENTION else (None, None)   # no customers
        if source == RETENTION:
            rate = _churn_rate(row["churned"], row["base_customers"])
            return (None if rate is None else rate.quantize(PERCENT_PLACES, ROUND_HALF_UP)), rate
        return _dec(row[source.removeprefix(CUSTOMER_SOURCE)]), None


def _rates(rules: dict, room_of: pd.Series, callbacks, visits) -> dict:
    """source → ({工号: rate}, {room: rate}) for every rate source a scheme scores."""
    used = {i.source for s in SCHEMES for i in indicators(rules, s)} & set(RATE_SOURCES)
    if used and (callbacks is None or visits is None):
        raise ValueError(f"compute_kpi needs the month's callbacks and visits to score {sorted(used)}")
    out = {}
    for source in used:
        out[source] = (_rate_source(source, rules, callbacks, visits, None),
                       _rate_source(source, rules, callbacks, visits, room_of))
    return out


def _rate_source(source: str, rules: dict, callbacks, visits, room_of: pd.Series | None) -> dict:
    """One rate per manager (``room_of`` None) or per room: the rows are attributed to the
    customer's manager (callbacks), the visiting manager (service events) and the customer's
    manager (due customers), as 回访总结 and the visit rates are (SPEC §2.6, §2.7)."""
    def key(managers: pd.Series) -> pd.Series:
        managers = managers.astype(object)
        return managers if room_of is None else managers.map(room_of)
    if source == "callbacks.satisfaction":       # seed 003: 满意度 — 满意 ÷ callbacks that reached the customer
        cfg = rules["callbacks"]
        rows = callbacks.month_rows
        summary = callback_summary(callbacks.events, rows, rules, key(callbacks.events["manager_id"]),
                                   key(rows["manager_id"]))
        return {k: exact_rate(s, t - f) for k, s, t, f in zip(summary["key"], summary[cfg["satisfied_result"]],
                                                                  summary["total"], summary[cfg["failed_result"]])}
    if source == "callbacks.member_coverage":    # seed 000: 必须保证会员客户的100%的回访
        events = callbacks.events.loc[callbacks.events["member"].to_numpy(dtype=bool)]
        counted = pd.DataFrame({"key": key(events["manager_id"]).to_numpy(dtype=object),
                                "on_time": events["status"].eq("on_time").to_numpy(),
                                "due": events["status"].ne("pending").to_numpy()})
        return _group_rates(counted, "on_time", "due")
    detail = visits.detail                       # visits.rate: SPEC §2.6 合规率
    counted = pd.DataFrame({"key": key(detail["manager_id"]).to_numpy(dtype=object),
                            "compliant": detail["compliant"].to_numpy(dtype=bool), "due": True})
    return _group_rates(counted, "compliant", "due")


def _group_rates(counted: pd.DataFrame, hit: str, of: str) -> dict:
    sums = counted[counted["key"].notna()].groupby("key", sort=True)[[hit, of]].sum()
    return {k: exact_rate(h, d) for k, h, d in zip(sums.index, sums[hit], sums[of])}


# -- indicator lines ------------------------------------------------------------

def _target_rows(targets: pd.DataFrame) -> dict:
    """指标 rows by (工号, Chinese indicator name): (base, target, challenge, 完成值) as Decimals."""
    rows = targets[["employee_id", "indicator", "base", "target", "challenge", "actual"]]
    rows = rows.drop_duplicates(["employee_id", "indicator"])
    return {(r.employee_id, r.indicator): (_dec(r.base), _dec(r.target), _dec(r.challenge), _dec(r.actual))
            for r in rows.itertuples(index=False)}


def _score_lines(staff: pd.DataFrame, figures: Figures, rows: dict, rules: dict) -> pd.DataFrame:
    """One line per (employee, indicator), in staff order then scheme order: 客户经理考核制度 for
    customer managers, 重要室经理考核制度 for room heads (重要室经理 and 临时负责人)."""
    holders = target_holders(staff, rules)
    schemes = {s: indicators(rules, s) for s in SCHEMES}
    lines = []
    for person in staff[["employee_id", "role", "room"]].itertuples(index=False):
        scheme = scheme_of(person.role, rules)
        for ind in schemes.get(scheme, []):
            head = scheme == ROOM_MANAGER
            lines.append(_line(person, ind, head, holders.get(person.room), figures, rows, rules["kpi"]))
    frame = pd.DataFrame(lines, columns=INDICATOR_COLUMNS).astype(object)
    frame["weight"] = frame["weight"].astype("int64")
    frame["missing_target"] = frame["missing_target"].astype(bool)
    return frame


def _line(person, ind: Indicator, head: bool, holder, figures: Figures, rows: dict, cfg: dict) -> list:
    """A head scores the room's figures on his own rows; a customer manager his own figures on his
    rows and/or the room's on the rows of the room's target holder (kehu.schemes.target_holders)."""
    room_rows = rows.get((person.employee_id if head else holder, ind.name)) if (head or holder) else None
    room = _part(ind, figures.of(ind.source, person.room, True), room_rows)
    own = _part(ind, figures.of(ind.source, person.employee_id, False), rows.get((person.employee_id, ind.name)))
    primary = room if head or ind.scope == ROOM else own
    blended = room if ind.scope == BLEND and not head else None
    score, note = score_line(ind, primary, blended, cfg, room_only=not head)
    missing = ind.uses_targets and not (primary.has_target and (blended is None or blended.has_target))
    second = [blended.base, blended.target, blended.challenge, blended.actual] if blended else [None] * 4
    return [person.employee_id, ind.code, ind.name, ind.weight, primary.base, primary.target, primary.challenge,
            primary.actual, score, missing, ind.source, ROOM if head else ind.scope,
            ind.own_share if ind.scope == BLEND else None, *second, note]


def _part(ind: Indicator, value: tuple, row: tuple | None) -> Part:
    """A part scored on ``value`` (完成值, exact churn rate) — or, for targets.actual, on the 完成值
    of its 指标 ``row`` — against the row's base/target/challenge."""
    actual, exact = value
    if not ind.uses_targets:
        return Part(actual=actual, exact=exact)
    if row is None:
        return Part(actual=None if ind.source == TARGET_ACTUAL else actual, has_target=False)
    base, target, challenge, reported = row
    return Part(actual=reported if ind.source == TARGET_ACTUAL else actual, base=base, target=target,
                challenge=challenge)


# -- scoring (kept for callers and tests; the scorers with notes are kpi_scoring) ----

def target_score(actual: Decimal, base: Decimal, target: Decimal, challenge: Decimal,
                 weight: int, cfg: dict) -> Decimal:
    """完成指标得满分,若只完成基本目标得全分值的90%,若完成挑战目标得全分 (seed 004 重要室经理考核制度)."""
    return tiers(actual, base, target, challenge, weight, cfg)[0]


def retention_score(rate: Decimal | None, weight: int, cfg: dict) -> Decimal:
    """按照集团客户离网客户数/集团客户总数×100%(2%)进行加减分 (seed 004 客户经理考核制度 e)."""
    return slope(rate, weight, cfg)[0]


def _totals(indicators: pd.DataFrame, staff: pd.DataFrame) -> pd.DataFrame:
    """KPI total = Σ of the rounded indicator scores, in staff order."""
    employees = pd.Index(indicators["employee_id"].dropna().unique())
    sums = _dec_sums(indicators["employee_id"], indicators["score"], employees)
    order = [e for e in staff["employee_id"] if e in sums.index]
    return pd.DataFrame({"employee_id": pd.Series(order, dtype=object),
                         "total": pd.Series([sums[e] for e in order], dtype=object)})


# -- Decimal helpers ----------------------------------------------------------------

def _missing(value) -> bool:
    return value is None or (not isinstance(value, Decimal) and pd.isna(value))


def _dec(value) -> Decimal | None:
    """A number as an exact Decimal (int, Decimal, or numeric text); blank → None."""
    if _missing(value):
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _dec_sums(keys: pd.Series, values: pd.Series, groups: pd.Index) -> pd.Series:
    """Σ of the Decimals of ``values`` per key, for each key of ``groups`` (blanks skipped, added
    in row order, 0 for a key without any): exact, in one pass over the rows — a groupby
    ``agg`` with a Python sum calls it once per group (~0.3 s on a province month)."""
    totals: dict = {}
    for key, value in zip(keys.tolist(), values.tolist()):
        if not _missing(value):
            totals[key] = totals.get(key, ZERO) + value
    return pd.Series([totals.get(key, ZERO) for key in groups], index=groups, dtype=object)
