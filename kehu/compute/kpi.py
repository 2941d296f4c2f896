"""KPI scores of customer managers and room managers (SPEC §2.8).

Seed 004 客户经理考核制度 (4、考核内容及依据): 集团收入, 集团信息化收入, 集团客户到达数
(成员增加数), 集团产品 (行业产品), 集团客户保有 (“按照集团客户离网客户数/集团客户总数×100%(2%)
进行加减分”). Seed 004 重要室经理考核制度: the room manager is scored on the room's
figures plus “集团客户离网率10分 集团其他指标10分 企信通5分”, and every target
indicator by “完成指标得满分,若只完成基本目标得全分值的90%,若完成挑战目标得全分”.

Weights, names and sources of the indicators are the rules file's
``[kpi.customer_manager]`` / ``[kpi.room_manager]`` tables; the scoring
constants are ``[kpi]``. Every indicator score is rounded half-up to 0.01 and
the total is the sum of the rounded scores.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from kehu.month import Month
from kehu.numbers import ZERO, cents
from kehu.schema import CHURNED
from kehu.rules import money

PERCENT_PLACES = Decimal("0.0001")     # a churn rate in percent, exact to 4 places
RETENTION = "retention"
TARGET_ACTUAL = "targets.actual"
CUSTOMER_SOURCE = "customers."
FIGURES = ["customers", "revenue", "info_revenue", "member_growth", "churned", "base_customers"]
INDICATOR_COLUMNS = ["employee_id", "code", "name", "weight", "base", "target", "challenge",
                     "actual", "score", "missing_target"]
ROOM_COLUMNS = ["room", *FIGURES, "churn_rate"]


@dataclass
class KpiResult:
    indicators: pd.DataFrame    # INDICATOR_COLUMNS, one row per (employee, indicator of his scheme)
    totals: pd.DataFrame        # employee_id, total (Decimal)
    room_totals: pd.DataFrame   # ROOM_COLUMNS, one row per room of the staff frame


def compute_kpi(staff: pd.DataFrame, customers: pd.DataFrame, targets: pd.DataFrame,
                month: Month, rules: dict, room_of: pd.Series | None = None) -> KpiResult:
    """Indicator lines of every assessed 客户经理 / 行业客户经理 / 重要室经理 in ``staff``.
    ``room_of`` (employee_id → 所属室, kehu.roster.room_of): who belongs to which room, over the
    whole roster — by default the assessed ``staff`` only."""
    cfg = rules["kpi"]
    per_customer = customer_figures(customers, month)
    if room_of is None:
        room_of = staff[["employee_id", "room"]].drop_duplicates("employee_id").set_index("employee_id")["room"]
    rooms = room_totals(staff, per_customer, room_of)
    figures = _employee_figures(staff, per_customer, rooms, rules["roles"])
    lines = _indicator_lines(staff, rules)
    lines = lines.merge(figures, on="employee_id", how="left").merge(_target_rows(targets), on=["employee_id", "name"], how="left")
    indicators = _score_lines(lines, cfg)
    return KpiResult(indicators=indicators, totals=_totals(indicators, staff), room_totals=rooms)


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


def _employee_figures(staff: pd.DataFrame, per_customer: pd.DataFrame, rooms: pd.DataFrame,
                      roles: dict) -> pd.DataFrame:
    """The figures each employee is scored on: his own customers, or his room's for a 重要室经理."""
    own = _sum_figures(per_customer, "manager_id").rename(columns={"manager_id": "employee_id"})
    managers = staff.loc[staff["role"].isin(roles["customer_manager"]), ["employee_id"]]
    heads = staff.loc[staff["role"] == roles["room_manager"], ["employee_id", "room"]]
    frames = [managers.merge(own, on="employee_id", how="left"),
              heads.merge(rooms.drop(columns="churn_rate"), on="room", how="left").drop(columns="room")]
    figures = _fill_figures(pd.concat(frames, ignore_index=True))
    figures["churn_rate"] = pd.Series(_churn_rates(figures), index=figures.index, dtype=object)
    return figures


def _fill_figures(frame: pd.DataFrame) -> pd.DataFrame:
    """No customers → zero of every figure (counts int, money Decimal)."""
    frame = frame.copy()
    for col in ("customers", "member_growth", "churned", "base_customers"):
        frame[col] = frame[col].fillna(0).astype("int64")
    for col in ("revenue", "info_revenue"):
        frame[col] = pd.Series([ZERO if _missing(v) else v for v in frame[col]], index=frame.index, dtype=object)
    return frame


def _churn_rates(figures: pd.DataFrame) -> list:
    """离网客户数 / 集团客户总数 × 100 (percent, exact Decimal); None without base customers."""
    return [Decimal(int(c)) * 100 / Decimal(int(b)) if b else None
            for c, b in zip(figures["churned"], figures["base_customers"])]


# -- indicator lines ------------------------------------------------------------

def scheme(rules: dict, key: str) -> pd.DataFrame:
    """The rules file's indicator table ``kpi.<key>`` as rows (code, name, weight, source), in file order."""
    table = rules["kpi"][key]
    return pd.DataFrame([{"code": code, "name": spec["name"], "weight": int(spec["weight"]), "source": spec["source"]}
                         for code, spec in table.items()])


def _indicator_lines(staff: pd.DataFrame, rules: dict) -> pd.DataFrame:
    """One line per (employee, indicator): 客户经理考核制度 for customer managers, 重要室经理考核制度 for room heads."""
    roles = rules["roles"]
    staff = staff.reset_index(drop=True).assign(_order=lambda f: f.index)
    managers = staff[staff["role"].isin(roles["customer_manager"])][["employee_id", "_order"]]
    heads = staff[staff["role"] == roles["room_manager"]][["employee_id", "_order"]]
    lines = pd.concat([managers.merge(scheme(rules, "customer_manager").reset_index(names="_line"), how="cross"),
                       heads.merge(scheme(rules, "room_manager").reset_index(names="_line"), how="cross")])
    return lines.sort_values(["_order", "_line"]).drop(columns=["_order", "_line"]).reset_index(drop=True)


def _target_rows(targets: pd.DataFrame) -> pd.DataFrame:
    """指标 rows keyed by (工号, Chinese indicator name); ``has_target`` marks a row that exists."""
    rows = targets[["employee_id", "indicator", "base", "target", "challenge", "actual"]]
    rows = rows.rename(columns={"indicator": "name", "actual": "reported"}).drop_duplicates(["employee_id", "name"])
    return rows.astype(object).assign(has_target=True)


# -- scoring ----------------------------------------------------------------------

def _score_lines(lines: pd.DataFrame, cfg: dict) -> pd.DataFrame:
    """Actual and score of every line; a target indicator without its 指标 row scores 0."""
    out = lines.copy()
    retention = out["source"] == RETENTION
    out["missing_target"] = (~retention & out["has_target"].isna()).astype(bool)
    for col in ("base", "target", "challenge"):
        out[col] = pd.Series([None if r else _dec(v) for v, r in zip(out[col], retention)], index=out.index, dtype=object)
    out["actual"] = _actuals(out)
    out["score"] = pd.Series([_line_score(row, cfg) for row in out.itertuples(index=False)], index=out.index, dtype=object)
    out["weight"] = out["weight"].astype("int64")
    return out[INDICATOR_COLUMNS]


def _actuals(lines: pd.DataFrame) -> pd.Series:
    """完成值 per the indicator's source: a customer figure, the 指标 row's 完成值, or the churn rate."""
    values = []
    for source, row in zip(lines["source"], lines.itertuples(index=False)):
        if source == RETENTION:
            rate = row.churn_rate
            values.append(None if _missing(rate) else rate.quantize(PERCENT_PLACES, ROUND_HALF_UP))
        elif source == TARGET_ACTUAL:
            values.append(_dec(row.reported))
        else:
            values.append(_dec(getattr(row, source.removeprefix(CUSTOMER_SOURCE))))
    return pd.Series(values, index=lines.index, dtype=object)


def _line_score(row, cfg: dict) -> Decimal:
    if row.source == RETENTION:
        rate = None if _missing(row.churn_rate) else row.churn_rate
        return retention_score(rate, row.weight, cfg)
    if row.missing_target or row.actual is None:
        return Decimal("0.00")
    return target_score(row.actual, row.base, row.target, row.challenge, row.weight, cfg)


def target_score(actual: Decimal, base: Decimal, target: Decimal, challenge: Decimal,
                 weight: int, cfg: dict) -> Decimal:
    """完成指标得满分,若只完成基本目标得全分值的90%,若完成挑战目标得全分 (seed 004 重要室经理考核制度).

    A ≥ T → weight (+ challenge_bonus × weight when A ≥ C); B ≤ A < T → 90%;
    A < B → 90% × A / B when B > 0, else 0; never below 0. Rounded half-up to 0.01.
    """
    weight, fraction = Decimal(weight), money(cfg["base_fraction"])
    if actual >= target:
        score = weight + (money(cfg["challenge_bonus"]) * weight if actual >= challenge else ZERO)
    elif actual >= base:
        score = fraction * weight
    else:
        score = fraction * weight * actual / base if base > 0 else ZERO
    return cents(max(score, ZERO))


def retention_score(rate: Decimal | None, weight: int, cfg: dict) -> Decimal:
    """按照集团客户离网客户数/集团客户总数×100%(2%)进行加减分 (seed 004 客户经理考核制度 e).

    clamp(weight + (reference − r) × points, 0, weight + max_bonus); no base customers → weight.
    """
    weight = Decimal(weight)
    if rate is None:
        return cents(weight)
    raw = weight + (money(cfg["retention_reference_rate"]) - rate) * money(cfg["retention_points_per_percent"])
    return cents(min(max(raw, ZERO), weight + money(cfg["retention_max_bonus"])))


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
