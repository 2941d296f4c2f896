"""回访记录 (callbacks): calls to customers after their 上门 visits (需回访=是) by the room's 重要室经理
(回访人 blank in ~20 %), up to 10 days into the next month; never two equal rows.

Punch-heavy month: the rows are drawn at random among the visits needing one, 0–8 days later,
so events go on time, late or missing as it falls. Visit-heavy month: each of the month's service
events gets its fate (EVENT_FATES: on time, late, missing, only 未接通, 未接通 then answered) and the
rest of the requested rows call back visits of the months before."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .base import CALLBACK_METHODS, CALLBACK_RESULTS, MonthSpec
from .customers import Customers
from .staff import Staff
from .write import Layout, col_text

COMMENTS_OK = ["服务很好", "响应及时", "", "", "希望资费再优惠一些", "客户经理很专业", ""]
COMMENTS_BAD = ["宽带故障报修后仍未彻底修复", "客户经理响应慢,问题拖了一周", "账单有疑问,解释不清"]
METHOD_P = [0.85, 0.1, 0.03, 0.02]
# visit-heavy month: what happens to each service event of the month (kehu's 回访函 goes to the
# customers with a missing one or one only 未接通)
EVENT_FATES = ("on_time", "late", "missing", "unanswered", "retried")
EVENT_FATE_P = [0.775, 0.05, 0.095, 0.04, 0.04]
ANSWERS, ANSWER_P = ("满意", "一般", "不满意"), [0.82, 0.13, 0.05]


def _last_day(M: MonthSpec) -> np.datetime64:
    return np.datetime64(M.last + dt.timedelta(10), "D")


def _agents(rng, staff: Staff, cust: Customers, customer_ids: np.ndarray) -> np.ndarray:
    """The 重要室经理 of each customer's manager's room; blank for ~20 % of the rows."""
    at = np.searchsorted(cust.ids, np.asarray(customer_ids, dtype=cust.ids.dtype))  # same-dtype search: fast
    agent = staff.room_managers[staff.room_idx[cust.manager_idx[at]]]
    return np.where(rng.random(len(customer_ids)) < 0.8, agent, None)


def make(rng, M: MonthSpec, staff: Staff, cust: Customers, visits: pd.DataFrame, count: int) -> pd.DataFrame:
    """Punch-heavy month: ``count`` rows drawn among the visits needing a callback."""
    elig = np.flatnonzero(visits["callback_required"].to_numpy())
    if len(elig) == 0:
        elig = np.arange(len(visits))
    limit = _last_day(M)
    v_date = visits["date"].to_numpy().astype("datetime64[D]")
    v_cust = visits["customer_id"].to_numpy()

    def callback_rows(n):
        pick = elig[rng.choice(len(elig), n, replace=n > len(elig))] if n and len(elig) else np.array([], int)
        off = rng.choice([0, 1, 2, 3, 4, 5, 6, 8], len(pick), p=[0.15, 0.35, 0.25, 0.12, 0.05, 0.03, 0.03, 0.02])
        cdate = np.minimum(v_date[pick] + off.astype("timedelta64[D]"), limit)
        res = np.array(CALLBACK_RESULTS)[rng.choice(4, len(pick), p=[0.72, 0.15, 0.04, 0.09])]
        comment = np.where(res == "不满意", np.array(COMMENTS_BAD)[rng.integers(0, 3, len(pick))],
                           np.array(COMMENTS_OK)[rng.integers(0, len(COMMENTS_OK), len(pick))])
        return pd.DataFrame({
            "date": cdate.astype("datetime64[ns]"), "customer_id": v_cust[pick],
            "agent_id": _agents(rng, staff, cust, v_cust[pick]),
            "method": np.array(CALLBACK_METHODS)[rng.choice(4, len(pick), p=METHOD_P)],
            "result": res, "comment": comment})

    return _exactly(callback_rows, count)


def _exactly(rows_of, count, first=None) -> pd.DataFrame:
    """``first`` (or ``rows_of(count)``) topped up with ``rows_of`` until ``count`` distinct rows, by date."""
    frame = rows_of(count) if first is None else first
    for _ in range(20):  # no exact duplicate rows (they would be W-duplicate-row)
        frame = frame.drop_duplicates(ignore_index=True)
        if len(frame) >= count:
            break
        frame = pd.concat([frame, rows_of(count - len(frame))], ignore_index=True)
    return frame.sort_values("date", kind="stable").reset_index(drop=True)


def per_event(rng, M: MonthSpec, staff: Staff, cust: Customers, visits: pd.DataFrame, count: int) -> pd.DataFrame:
    """Visit-heavy month: the month's service events by EVENT_FATES, topped up to ``count`` rows with
    on-time callbacks of the two months before (or cut down to ``count`` when they alone are more)."""
    need = visits[visits["callback_required"].to_numpy()]
    day = need["date"].to_numpy().astype("datetime64[D]")
    in_month = (day >= np.datetime64(M.first, "D")) & (day <= np.datetime64(M.last, "D"))
    fate = np.array(EVENT_FATES)[rng.choice(len(EVENT_FATES), int(in_month.sum()), p=EVENT_FATE_P)]
    month_rows = _event_rows(rng, M, staff, cust, need["customer_id"].to_numpy()[in_month], day[in_month], fate)
    if len(month_rows) > count:
        month_rows = month_rows.iloc[np.sort(rng.choice(len(month_rows), count, replace=False))]
    before_cust, before_day = need["customer_id"].to_numpy()[~in_month], day[~in_month]

    def earlier(n):
        pick = rng.choice(len(before_day), min(n, len(before_day)), replace=False) if len(before_day) else []
        return _event_rows(rng, M, staff, cust, before_cust[pick], before_day[pick],
                           np.full(len(pick), "on_time"))

    return _exactly(earlier, count, first=month_rows)


def _event_rows(rng, M, staff, cust, customer_ids, day, fate) -> pd.DataFrame:
    """The callback rows of service events (customer, visit day) with their fates: answered rows
    (on time 0–3 days, late 4–8 days, or the day after a 未接通) and 未接通 attempts."""
    n = len(day)
    tried = np.isin(fate, ("unanswered", "retried"))
    answered = np.isin(fate, ("on_time", "late", "retried"))
    fail_off = rng.choice([0, 1, 2], n, p=[0.4, 0.4, 0.2])
    off = np.select([fate == "late", fate == "retried"],
                    [rng.integers(4, 9, n), np.minimum(fail_off + 1, 3)],
                    rng.choice([0, 1, 1, 1, 2, 2, 3], n))
    limit = _last_day(M)
    ok_res = np.array(ANSWERS)[rng.choice(len(ANSWERS), n, p=ANSWER_P)]
    comment = np.where(ok_res == "不满意", np.array(COMMENTS_BAD)[rng.integers(0, 3, n)],
                       np.array(COMMENTS_OK)[rng.integers(0, len(COMMENTS_OK), n)])
    ok = pd.DataFrame({
        "date": np.minimum(day + off.astype("timedelta64[D]"), limit).astype("datetime64[ns]"),
        "customer_id": customer_ids, "agent_id": _agents(rng, staff, cust, customer_ids),
        "method": np.array(CALLBACK_METHODS)[rng.choice(4, n, p=METHOD_P)],
        "result": ok_res, "comment": comment})[answered]
    failed = pd.DataFrame({
        "date": np.minimum(day + fail_off.astype("timedelta64[D]"), limit).astype("datetime64[ns]"),
        "customer_id": customer_ids, "agent_id": _agents(rng, staff, cust, customer_ids),
        "method": "电话", "result": "未接通", "comment": ""})[tried]
    return pd.concat([ok, failed], ignore_index=True).sort_values("date", kind="stable", ignore_index=True)


def files(c: pd.DataFrame, layout: Layout) -> None:
    layout.add_split("回访记录", "回访记录", c, lambda part: [
        layout.date("日期", part["date"]), ("客户编号", *col_text(part["customer_id"])),
        ("回访人", *col_text(part["agent_id"])), ("方式", *col_text(part["method"])),
        ("结果", *col_text(part["result"])), ("意见", *col_text(part["comment"]))])
