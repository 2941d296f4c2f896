"""指标 (targets): base ≤ target ≤ challenge per employee and indicator — 集团收入 / 信息化收入 /
成员净增 around what the employee's customers (a room manager's: the room's) actually did, with
行业产品 (and for 重要室经理 企信通, 其他集团指标) carrying their 完成值."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .base import CM_INDICATORS
from .staff import Staff
from .write import Layout, col_num, col_text


def _around(rng, actual, money=True):
    """(base, target, challenge) around ``actual`` with base ≤ target ≤ challenge."""
    a = np.asarray(actual, dtype="float64")
    f = rng.uniform(0.85, 1.2, a.shape)
    if money:
        t = np.maximum(np.round(a * f, -2), 100.0)
        b = np.floor(t * 0.9 / 100) * 100
        c = np.ceil(t * 1.2 / 100) * 100
    else:
        t = np.maximum(np.round(a * f), 1.0)
        b = np.floor(t * 0.8)
        c = np.ceil(t * 1.25)
    return b, t, c


def _actuals(staff: Staff, customers: pd.DataFrame) -> np.ndarray:
    """(S, 3): revenue, info revenue, member growth of each employee's customers (room managers: the room's)."""
    st, S = staff.frame, len(staff)
    cur = customers.assign(growth=customers["members_end"] - customers["members_start"])
    by_mgr = cur.groupby("manager_id")[["revenue", "info_revenue", "growth"]].sum()
    by_room = cur.assign(room=st.set_index("employee_id").loc[cur["manager_id"], "room"].to_numpy()) \
                 .groupby("room")[["revenue", "info_revenue", "growth"]].sum()
    act = np.zeros((S, 3))
    for i in range(S):
        key = st["room"].iat[i] if staff.is_rm[i] else staff.ids[i]
        tbl = by_room if staff.is_rm[i] else by_mgr
        if key in tbl.index:
            act[i] = tbl.loc[key].to_numpy(dtype=float)
    return act


def make(rng, staff: Staff, customers: pd.DataFrame) -> pd.DataFrame:
    S, is_rm, emp_ids = len(staff), staff.is_rm, staff.ids
    act = _actuals(staff, customers)
    rows = []
    b, t, c = _around(rng, act[:, 0])
    rows.append(("集团收入", b, t, c, np.full(S, np.nan)))
    b, t, c = _around(rng, act[:, 1])
    rows.append(("信息化收入", b, t, c, np.full(S, np.nan)))
    b, t, c = _around(rng, np.maximum(act[:, 2], 5), money=False)
    rows.append(("成员净增", b, t, c, np.full(S, np.nan)))
    t = rng.integers(5, 16, S).astype(float)
    rows.append(("行业产品", t - 2, t, t + 4, rng.integers(0, 21, S).astype(float)))
    t = rng.integers(40, 81, S).astype(float)
    rows.append(("企信通", np.floor(t * 0.8), t, np.ceil(t * 1.3), rng.integers(20, 101, S).astype(float)))
    t = np.full(S, 100.0)
    rows.append(("其他集团指标", t - 15, t, t + 20, rng.integers(60, 131, S).astype(float)))
    parts = []
    for ind, b, t, c, a in rows:
        keep = np.ones(S, bool) if ind in CM_INDICATORS else is_rm
        parts.append(pd.DataFrame({"employee_id": emp_ids[keep], "indicator": ind, "base": b[keep],
                                   "target": t[keep], "challenge": c[keep], "actual": a[keep]}))
    frame = pd.concat(parts, ignore_index=True)
    frame["_o"] = frame["employee_id"].astype(int)
    return frame.sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)


def files(tg: pd.DataFrame, layout: Layout) -> None:
    layout.add("指标", "指标", [
        ("工号", *col_text(tg["employee_id"])), ("指标", *col_text(tg["indicator"])),
        ("基本目标", *col_num(tg["base"])), ("目标值", *col_num(tg["target"])),
        ("挑战目标", *col_num(tg["challenge"])), ("完成值", *col_num(tg["actual"]))])
