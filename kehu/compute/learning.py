"""Learning: monthly test ranking per room and best/worst streaks (SPEC §2.5).

Seed 004 学习制度: “次月对上月所学的内容进行综合测试,评出最优客户经理和最差客户经理,
连续三次被评为最优客户经理的员工颁发奖状;连续三次被评为最差客户经理的员工扣除当月绩效的10%。”

Only the roles in ``learning.roles`` take part (客户经理, 行业客户经理); a
重要室经理 has no learning result and is left out of ``per_employee`` (the
assembler writes ``learning: null`` for him). The ranking group is the
employee's 所属室 as given in the staff frame, for every month.

``staff`` should be the whole 员工名册: earlier months are ranked among the
staff employed then, so a colleague who has since left still counts there.
``per_employee`` holds only staff employed during the assessed month.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from kehu.month import Month
from kehu.numbers import cents
from kehu.rules import money

BEST, WORST, NONE, UNKNOWN = "best", "worst", "none", "unknown"
FLAG_COLUMNS = ["month", "employee_id", "room", "flag"]
PER_EMPLOYEE_COLUMNS = ["employee_id", "score", "flag", "best_streak", "worst_streak", "deduction", "certificate"]


@dataclass
class LearningResult:
    per_employee: pd.DataFrame   # employee_id, score (NaN = 缺考), flag best|worst|None, best_streak,
    #                              worst_streak, deduction (Decimal), certificate (bool)
    month_flags: pd.DataFrame    # month "YYYY-MM", employee_id, room, flag best|worst|none|unknown


def compute_learning(staff: pd.DataFrame, tests: pd.DataFrame, month: Month, rules: dict,
                     history_flags: pd.DataFrame | None = None) -> LearningResult:
    """Flags of every month the 学习测评 rows cover, then this month's streaks and their consequences.

    ``history_flags`` is ``HistoryStore.learning_flags(...)`` of the months before
    this one (e.g. ``store.learning_flags(store.stored_months())``); None or
    empty when there is no store yet. ``month_flags`` of the result is what
    ``HistoryStore.save_month`` keeps (it stores the assessed month's rows only).
    """
    cfg = rules["learning"]
    learners = _learners(staff, cfg["roles"])
    month_flags = room_flags(learners, tests, _input_months(tests, month), cfg)
    this_month = month_flags[month_flags["month"] == month.label]
    history = _known_flags(month_flags, history_flags, month)
    per_employee = _consequences(this_month, history, month, cfg)
    return LearningResult(per_employee=per_employee, month_flags=month_flags[FLAG_COLUMNS])


# -- who and when ---------------------------------------------------------------

def _learners(staff: pd.DataFrame, roles: list[str]) -> pd.DataFrame:
    """Staff whose role takes the monthly test (学习制度: 全体客户经理)."""
    cols = ["employee_id", "room", "performance_base", "hired_on", "left_on"]
    return staff.loc[staff["role"].isin(roles), cols].reset_index(drop=True)


def _input_months(tests: pd.DataFrame, month: Month) -> list[str]:
    """Months derivable from the input: every 月份 of a 学习测评 row up to this month, and this month."""
    labels = {Month.parse(m).label for m in tests["month"].dropna().unique()}
    return sorted({m for m in labels if m <= month.label} | {month.label})


def _employment(learners: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """One row per (month, learner employed during that month) with ``ranked`` = employed on day 1.

    SPEC §2.5: employed during the month = 入职日期 ≤ month end and 离职日期 empty or ≥ month start;
    SPEC §9.7: only staff employed on the month's first day are ranked.
    """
    months = [Month.parse(m) for m in labels]
    calendar = pd.DataFrame({"month": labels,
                             "first": pd.to_datetime([m.first_day for m in months]),
                             "last": pd.to_datetime([m.last_day for m in months])})
    rows = calendar.merge(learners, how="cross")
    hired, left = rows["hired_on"], rows["left_on"]
    during = (hired.isna() | (hired <= rows["last"])) & (left.isna() | (left >= rows["first"]))
    on_first = (hired.isna() | (hired <= rows["first"])) & (left.isna() | (left >= rows["first"]))
    return rows[during].assign(ranked=on_first[during]).reset_index(drop=True)


# -- ranking --------------------------------------------------------------------

def room_flags(learners: pd.DataFrame, tests: pd.DataFrame, labels: list[str], cfg: dict) -> pd.DataFrame:
    """Best / worst of each room and month (评出最优客户经理和最差客户经理); ties share the flag.

    缺考 ranks as ``absent_score``; a room with no score at all that month is
    ``unknown``; fewer than ``min_ranked`` ranked, or best = worst, gives ``none``.
    """
    rows = _employment(learners, labels).merge(_scores(tests), on=["month", "employee_id"], how="left")
    rows["rank_score"] = rows["score"].fillna(float(cfg["absent_score"])).where(rows["ranked"])
    group = rows.groupby(["month", "room"], dropna=False)
    known = group["score"].transform("count") > 0
    high, low = group["rank_score"].transform("max"), group["rank_score"].transform("min")
    enough = (group["ranked"].transform("sum") >= cfg["min_ranked"]) & (high > low)
    flag = np.select([~known, ~enough | ~rows["ranked"], rows["rank_score"] == high, rows["rank_score"] == low],
                     [UNKNOWN, NONE, BEST, WORST], default=NONE)
    rows["flag"] = pd.Series(flag, index=rows.index, dtype=object)
    return rows.sort_values(["month", "employee_id"], kind="stable").reset_index(drop=True)


def _scores(tests: pd.DataFrame) -> pd.DataFrame:
    """(month, employee_id, score) with 月份 normalised; a blank 成绩 (缺考) stays NaN."""
    tests = tests[tests["month"].notna()]
    scores = pd.DataFrame({"month": pd.Series([Month.parse(m).label for m in tests["month"]], dtype=object),
                           "employee_id": pd.Series(tests["employee_id"].to_numpy(), dtype=object),
                           "score": pd.to_numeric(tests["score"], errors="coerce").astype(float).to_numpy()})
    return scores.drop_duplicates(["month", "employee_id"], keep="first")


# -- streaks --------------------------------------------------------------------

def _known_flags(month_flags: pd.DataFrame, history_flags: pd.DataFrame | None, month: Month) -> pd.DataFrame:
    """Flags of the months before this one: the input where it knows, else the history store.

    SPEC §2.5: “Flags of earlier months come from the 学习测评 rows of those months
    in the input, else from the history store”. An input flag of ``unknown`` (the
    room had no score that month) defers to a stored flag for that employee.
    """
    earlier = month_flags[(month_flags["month"] < month.label) & (month_flags["flag"] != UNKNOWN)]
    frames = [earlier[FLAG_COLUMNS]]
    if history_flags is not None and not history_flags.empty:
        stored = history_flags[FLAG_COLUMNS].astype({"month": object, "flag": object})
        frames.append(stored[stored["month"].astype(str) < month.label])
    known = pd.concat(frames, ignore_index=True)
    return known.drop_duplicates(["month", "employee_id"], keep="first")


def streaks(this_month: pd.DataFrame, known: pd.DataFrame, month: Month, flag: str) -> pd.Series:
    """连续N次: consecutive calendar months ending with this month flagged ``flag``.

    A month known from neither the input nor the history store, or ``unknown``,
    ends the chain. Indexed like ``this_month``.
    """
    earliest = min([month.label, *known["month"].astype(str)])
    depth = _months_between(Month.parse(earliest), month) + 1
    labels = [month.shift(-k).label for k in range(depth)]
    flags = pd.concat([this_month[["month", "employee_id", "flag"]], known[["month", "employee_id", "flag"]]])
    wide = (flags.drop_duplicates(["month", "employee_id"]).astype(object)
            .pivot(index="employee_id", columns="month", values="flag")
            .reindex(index=this_month["employee_id"], columns=labels))
    hit = (wide == flag).to_numpy(dtype=bool)
    run = np.where(hit.all(axis=1), depth, hit.argmin(axis=1))
    return pd.Series(run.astype(int), index=this_month.index)


def _months_between(first: Month, last: Month) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


# -- consequences ---------------------------------------------------------------

def _consequences(this_month: pd.DataFrame, known: pd.DataFrame, month: Month, cfg: dict) -> pd.DataFrame:
    """连续三次最差 → 扣除当月绩效的10%; 连续三次最优 → 颁发奖状 (every multiple of the step)."""
    step = int(cfg["streak_step"])
    out = this_month[["employee_id", "score", "flag", "performance_base"]].copy()
    out["best_streak"] = streaks(this_month, known, month, BEST)
    out["worst_streak"] = streaks(this_month, known, month, WORST)
    out["flag"] = out["flag"].where(out["flag"].isin([BEST, WORST]), None).astype(object)
    out["deduction"] = _worst_deduction(out["performance_base"], _triggers(out["worst_streak"], step),
                                        money(cfg["worst_deduction_rate"]))
    out["certificate"] = _triggers(out["best_streak"], step)
    return out[PER_EMPLOYEE_COLUMNS].reset_index(drop=True)


def _triggers(streak: pd.Series, step: int) -> pd.Series:
    """Streak 3, 6, 9 … (a positive multiple of the step)."""
    return ((streak > 0) & (streak % step == 0)).astype(bool)


def _worst_deduction(base: pd.Series, triggered: pd.Series, rate: Decimal) -> pd.Series:
    """rate × 绩效基数, rounded half-up to 0.01 on its own (SPEC §2.9); 0.00 when not triggered."""
    amounts = [cents(Decimal(str(b)) * rate) if hit else Decimal("0.00")
               for b, hit in zip(base, triggered)]
    return pd.Series(amounts, index=base.index, dtype=object)
