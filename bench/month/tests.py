"""学习测评 (tests): a score for every customer manager in the month and the two before (~1 % 缺考
left blank); 重要室经理 sit none."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .base import MonthSpec
from .staff import Staff
from .write import Layout, col_num, col_text


def make(rng, M: MonthSpec, staff: Staff) -> pd.DataFrame:
    cm = staff.ids[~staff.is_rm]
    parts = []
    for k in (-2, -1, 0):
        sc = np.clip(np.round(rng.normal(80, 10, len(cm)), 1), 0, 100)
        sc = np.where(rng.random(len(cm)) < 0.01, np.nan, sc)
        parts.append(pd.DataFrame({"employee_id": cm, "month": M.shift(k).label, "score": sc}))
    return pd.concat(parts, ignore_index=True)


def files(te: pd.DataFrame, layout: Layout) -> None:
    layout.add("学习测评", "学习测评", [
        ("工号", *col_text(te["employee_id"])), ("月份", *col_text(te["month"])),
        ("成绩", *col_num(te["score"]))])
