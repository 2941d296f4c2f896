"""How one KPI line is scored, and the note that says so (SPEC §2.8; issue 14 item 6, issue 16).

Seed 004 重要室经理考核制度: “完成指标得满分,若只完成基本目标得全分值的90%,若完成挑战目标得全分”
(``tiers``); seed 004 客户经理考核制度 e: “按照集团客户离网客户数/集团客户总数×100%(2%)进行加减分”
(``slope``). The constants are the rules' ``[kpi]``: base_fraction, challenge_bonus,
retention_reference_rate, retention_points_per_percent, retention_max_bonus.

Each scorer returns the score rounded half-up to 0.01 **and** a one-line note made from the
branch that applied and the numbers it used, so a manager can redo it with a calculator
(“完成值 232,115.25 低于基本目标 255,300，按比例：27 × 232,115.25 ÷ 255,300 = 24.55”). A blend
scores its own part and its room part each on its own figures and 指标 row, rounds each,
and takes their weighted sum, rounded again.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kehu.numbers import ZERO, cents
from kehu.rules import money
from kehu.schemes import BLEND, ROOM, SLOPE, Indicator

# What a rate source measures, for the note when there was nothing to measure this month.
NOTHING_MEASURED = {
    "callbacks.satisfaction": "接通客户的回访",
    "callbacks.member_coverage": "会员客户的服务事件",
    "visits.rate": "应拜访的客户",
}
MISSING_ROW = "指标表缺少该指标行，按 0 分计"


@dataclass(frozen=True)
class Part:
    """One part of a line — the person's own figures or the room's — and its 指标 row.
    ``exact``: the unrounded churn rate the slope uses (``actual`` is it to 4 places)."""
    actual: Decimal | None
    base: Decimal | None = None
    target: Decimal | None = None
    challenge: Decimal | None = None
    has_target: bool = True
    exact: Decimal | None = None


def score_line(ind: Indicator, primary: Part, room: Part | None, cfg: dict,
               room_only: bool = False) -> tuple[Decimal, str]:
    """Score and note of a line: one part, or a blend of the own part and the room part.
    ``room_only``: a customer manager scored on the room's figures alone (scope room)."""
    if ind.scope != BLEND:
        score, note = score_part(ind, primary, cfg)
        return score, ("本室合计：" + note) if room_only and ind.scope == ROOM else note
    own_score, own_note = score_part(ind, primary, cfg)
    room_score, room_note = score_part(ind, room, cfg)
    score = cents(ind.own_share * own_score + ind.room_share * room_score)
    return score, (f"本人 {percent(ind.own_share)}：{own_note}；本室 {percent(ind.room_share)}：{room_note}；"
                   f"合计 {percent(ind.own_share)} × {own_score} + {percent(ind.room_share)} × {room_score} = {score}")


def score_part(ind: Indicator, part: Part, cfg: dict) -> tuple[Decimal, str]:
    if ind.scoring == SLOPE:
        return slope(part.exact, ind.weight, cfg, ind.cap)
    if not part.has_target:
        return Decimal("0.00"), MISSING_ROW
    if part.actual is None:
        if ind.source in NOTHING_MEASURED:         # nothing to measure is no failure (cf. retention)
            return cents(ind.weight), f"本月没有{NOTHING_MEASURED[ind.source]}，无从计算：按满分 {ind.weight} 计"
        return Decimal("0.00"), "没有完成值，按 0 分计"
    return tiers(part.actual, part.base, part.target, part.challenge, ind.weight, cfg, ind.cap)


def tiers(actual: Decimal, base: Decimal, target: Decimal, challenge: Decimal, weight: int, cfg: dict,
          cap: bool = True) -> tuple[Decimal, str]:
    """A ≥ T → weight (+ challenge_bonus × weight when A ≥ C; uncapped: weight × A ÷ T);
    B ≤ A < T → base_fraction × weight; A < B → base_fraction × weight × A ÷ B when B > 0,
    else 0; never below 0."""
    w, fraction = Decimal(weight), money(cfg["base_fraction"])
    bonus = money(cfg["challenge_bonus"]) * w if actual >= challenge else ZERO
    a, b, t = figure(actual), figure(base), figure(target)
    if actual >= target:
        extra = f" + {weight} × {percent(money(cfg['challenge_bonus']))}" if bonus else ""
        if cap or target <= 0:
            score = cents(w + bonus)
            reached = f"达到挑战目标 {figure(challenge)}" if bonus else f"达到目标值 {t}"
            return score, f"完成值 {a} {reached}：" + (f"{weight}{extra} = {score}" if bonus else f"满分 {weight}")
        score = cents(w * actual / target + bonus)
        return score, f"完成值 {a} 超过目标值 {t}，不封顶：{weight} × {a} ÷ {t}{extra} = {score}"
    if actual >= base:
        score = cents(fraction * w)
        return score, f"完成值 {a} 达到基本目标 {b}、未达目标值 {t}：{weight} × {percent(fraction)} = {score}"
    if base <= 0:
        return Decimal("0.00"), f"完成值 {a} 低于基本目标 {b}：0 分"
    raw = cents(fraction * w * actual / base)
    note = f"完成值 {a} 低于基本目标 {b}，按比例：{figure(fraction * w)} × {a} ÷ {b} = {raw}"
    return (raw, note) if raw >= 0 else (Decimal("0.00"), note + "，不低于 0：0.00")


def slope(rate: Decimal | None, weight: int, cfg: dict, cap: bool = True) -> tuple[Decimal, str]:
    """clamp(weight + (reference − r) × points, 0, weight + max_bonus) — uncapped: no upper
    bound; no base customers → weight."""
    if rate is None:
        return cents(weight), f"本月没有在网客户，离网率无从计算：按满分 {weight} 计"
    ref, per = money(cfg["retention_reference_rate"]), money(cfg["retention_points_per_percent"])
    raw = Decimal(weight) + (ref - rate) * per
    top = Decimal(weight) + money(cfg["retention_max_bonus"])
    score = cents(max(min(raw, top) if cap else raw, ZERO))
    shown = figure(rate.quantize(Decimal("0.0001")))
    note = f"离网率 {shown}%：{weight} + ({figure(ref)} − {shown}) × {figure(per)} = {cents(raw)}"
    if cap and raw > top:
        note += f"，最高 {cents(top)}"
    elif raw < 0:
        note += "，不低于 0：0.00"
    return score, note


# -- numbers as the note shows them ----------------------------------------------

def figure(value) -> str:
    """255300 → 255,300; 232115.25 → 232,115.25; 0.6667 → 0.6667 (no exponent, no trailing zeros)."""
    d = Decimal(value)
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.normalize():,f}"


def percent(fraction) -> str:
    """0.9 → 90%, 0.75 → 75%, 0.125 → 12.5%."""
    return figure(Decimal(fraction) * 100) + "%"
