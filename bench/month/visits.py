"""出访登记 (visits): the month's visits and those of the two months before (the C / D cycles look
back), weighted to A-class customers, 80 % 上门 (需回访=是), ~1 % by another customer's manager
(W-visit-foreign), 解决问题 without 客户签名 now and then (W-visit-unsigned); every 外出走访 leave row
gets its visit. The punch-heavy month has no two equal rows and one register split at 250,000
rows; the visit-heavy month keeps one register per room with rows pasted twice (W-duplicate-row)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .base import VISIT_METHODS, MonthSpec, random_dates, workday_pick, workdays
from .customers import Customers
from .staff import Staff
from .write import Layout, col_bool, col_text

SERVICE_ITEMS = ["5G专网方案交流", "宽带故障处理", "集团短信业务续签", "云视讯开通培训", "IDC机房巡检",
                 "专线扩容需求调研", "物联网卡使用回访", "和对讲设备调试", "企业彩铃更新", "账单核对",
                 "新业务推介", "满意度走访", "专线故障处理", "集团V网成员变更", "OA系统对接"]
FIX_ITEMS = {"宽带故障处理", "专线故障处理", "和对讲设备调试", "集团V网成员变更"}
CLASS_WEIGHT = {"A1": 3, "A2": 3, "B1": 1.5, "B2": 1.5, "C": 0.7, "D": 0.5}
OTHER_ROOM = 0.3          # share of the pasted-twice rows that land in another room's register


def make(rng, M: MonthSpec, staff: Staff, cust: Customers, visits: int,
         previous: int | None = None) -> tuple[pd.DataFrame, int]:
    """``visits`` rows, ``previous`` of them (default a quarter) in each of the two months before;
    customers churned before the month get none. No two rows are equal. Also returns how many 上门
    rows were drawn (before equal rows are dropped): the default callback count is made from it."""
    N, S = len(cust), len(staff)
    V = visits
    prev = V // 4 if previous is None else previous
    n_cur = V - 2 * prev
    parts = []
    cust_w = np.array([CLASS_WEIGHT[c] for c in cust.cls])
    cust_w = cust_w * np.where(cust.churn & ~cust.churn_in_month, 0.0, 1.0)
    cust_p = cust_w / cust_w.sum()
    for k, n in ((0, n_cur), (-1, prev), (-2, prev)):
        mm = M.shift(k)
        wd = workdays(mm)[0] or mm.days()
        c = rng.choice(N, n, p=cust_p)
        d = np.where(rng.random(n) < 0.95, workday_pick(rng, wd, n), random_dates(rng, mm.first, mm.last, n))
        parts.append((c, d))
    vc = np.concatenate([p[0] for p in parts])
    vd = np.concatenate([p[1] for p in parts])
    nV = len(vc)
    vmgr = staff.ids[cust.manager_idx[vc]]
    foreign = rng.random(nV) < 0.01
    vmgr = np.where(foreign, staff.ids[rng.integers(0, S, nV)], vmgr)
    method = np.array(VISIT_METHODS)[rng.choice(5, nV, p=[0.8, 0.1, 0.03, 0.03, 0.04])]
    start = (rng.integers(9 * 2, 17 * 2, nV) * 1800).astype(float)
    end = start + rng.integers(2, 8, nV) * 900
    item = np.array(SERVICE_ITEMS)[rng.integers(0, len(SERVICE_ITEMS), nV)]
    solved = np.isin(item, list(FIX_ITEMS)) & (rng.random(nV) < 0.8)
    signed = np.where(solved, rng.random(nV) < 0.97, rng.random(nV) < 0.6)
    cb_req = method == "上门"
    frame = pd.DataFrame({
        "date": vd.astype("datetime64[ns]"), "manager_id": vmgr, "customer_id": cust.ids[vc],
        "method": method, "start_time": start, "end_time": end, "service_item": item,
        "problem_solved": solved, "customer_signed": signed, "callback_required": cb_req,
    })
    order = np.lexsort((start, vd))
    return frame.iloc[order].drop_duplicates(ignore_index=True), int(cb_req.sum())  # no W-duplicate-row


def with_outing_visits(rng, frame: pd.DataFrame, leave: pd.DataFrame, staff: Staff, cust: Customers,
                       who: np.ndarray, span: np.ndarray) -> pd.DataFrame:
    """A 上门 row (需回访=是) for each 外出走访 leave row: the employee's first customer, the leave's day,
    in its half day (``who`` and ``span`` are the leave rows' staff index and 0 day / 1 AM / 2 PM)."""
    out_v = leave["kind"].to_numpy() == "外出走访"
    if not out_v.any():
        return frame
    idx = np.flatnonzero(out_v)
    own = {}
    for i, m_i in enumerate(cust.manager_idx):
        own.setdefault(m_i, i)
    cust_for = np.array([own.get(e, int(rng.integers(0, len(cust)))) for e in who[idx]])
    extra = pd.DataFrame({
        "date": leave["starts_at"].to_numpy()[idx].astype("datetime64[D]").astype("datetime64[ns]"),
        "manager_id": staff.ids[who[idx]], "customer_id": cust.ids[cust_for], "method": "上门",
        "start_time": np.where(span[idx] == 2, 15.5 * 3600, 10 * 3600.0),
        "end_time": np.where(span[idx] == 2, 17.5 * 3600, 12 * 3600.0),
        "service_item": "外出走访", "problem_solved": False, "customer_signed": True,
        "callback_required": True})
    return pd.concat([frame, extra], ignore_index=True).drop_duplicates(ignore_index=True)


def outing_candidates(rng, frame: pd.DataFrame, staff: Staff, wdays, busy: np.ndarray) -> tuple:
    """(staff index, workday index, half day 0 AM / 1 PM) of the month's 上门 visits by customer
    managers, each half day once, in random order: the half days a visit-heavy month may spend out.
    Days in ``busy`` (keys staff index × 64 + workday index: already on leave) are left alone."""
    day = frame["date"].to_numpy().astype("datetime64[D]")
    wd = np.array(wdays, dtype="datetime64[D]")
    d_idx = np.searchsorted(wd, day)
    on_workday = (d_idx < len(wd)) & (wd[np.minimum(d_idx, len(wd) - 1)] == day)
    who = np.searchsorted(staff.ids, frame["manager_id"].to_numpy())
    ok = on_workday & (frame["method"].to_numpy() == "上门") & ~staff.is_rm[who]
    ok &= ~np.isin(who.astype(np.int64) * 64 + d_idx, busy)
    half = (frame["start_time"].to_numpy() >= 13 * 3600).astype(int)
    key = np.unique((who[ok].astype(np.int64) * 64 + d_idx[ok]) * 2 + half[ok])
    key = key[rng.permutation(len(key))]
    return key // 128, key // 2 % 64, key % 2


def with_duplicates(rng, frame: pd.DataFrame, staff: Staff, n: int) -> pd.DataFrame:
    """One register per room (column ``register``: the room of the manager who logged the row) with
    ``n`` rows pasted a second time: in the same room's register just after the original (after
    the rows of its date and start time), or (OTHER_ROOM of them) at their date in another room's
    register. Rows in date order per register."""
    room = staff.frame.set_index("employee_id")["room"]
    frame = frame.assign(register=room.loc[frame["manager_id"]].to_numpy())
    n = min(n, len(frame))
    dup = frame.iloc[np.sort(rng.choice(len(frame), n, replace=False))].copy()
    rooms = np.array(sorted(set(staff.frame["room"])))
    elsewhere = (rng.random(n) < OTHER_ROOM) & (len(rooms) > 1)
    pick = rooms[rng.integers(0, len(rooms), n)]
    pick = np.where(pick == dup["register"].to_numpy(), rooms[(np.searchsorted(rooms, pick) + 1) % len(rooms)], pick)
    dup["register"] = np.where(elsewhere, pick, dup["register"].to_numpy())
    both = pd.concat([frame, dup], ignore_index=True)
    return both.sort_values(["register", "date", "start_time"], kind="stable", ignore_index=True)


def _columns(v: pd.DataFrame, layout: Layout) -> list:
    return [
        layout.date("日期", v["date"]), ("客户经理工号", *col_text(v["manager_id"])),
        ("客户编号", *col_text(v["customer_id"])), ("方式", *col_text(v["method"])),
        layout.time("开始时间", v["start_time"]), layout.time("结束时间", v["end_time"]),
        ("服务项目", *col_text(v["service_item"])), ("解决问题", *col_bool(v["problem_solved"])),
        ("客户签名", *col_bool(v["customer_signed"])), ("需回访", *col_bool(v["callback_required"]))]


def files(v: pd.DataFrame, layout: Layout) -> None:
    """出访登记.xlsx (split at 250,000 rows), or 出访登记_<室>.xlsx per register when rows name one."""
    if "register" not in v:
        layout.add_split("出访登记", "出访登记", v, lambda part: _columns(part, layout))
        return
    for room, part in v.groupby("register", sort=True):
        layout.add(f"出访登记_{room}", "出访登记", _columns(part, layout), big=True)
