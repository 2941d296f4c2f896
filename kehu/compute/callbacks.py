"""Callback compliance (SPEC §2.7, §9.5).

Policy: seed 000_b0d088c6ff038fee.txt, 回访规范 — "一个避免,三个必保,即避免在客户休息时打扰客户;
必须保证会员客户的100%的回访;必须保证回访信息的完整记录;必须保证在三天之内回访" — and its 回访用语
("感谢您在XX时间接受了我们XX的XX服务项目,请问您对XX服务项目满意吗?【满意】…【不满意/一般】…").
Numbers come from the rules file ``[callbacks]``: ``window_days`` (三天之内), ``next_month_days``,
``failed_result`` (未接通), ``dissatisfied_result`` (不满意).

A *service event* is a visit of the month with 需回访=是. Its window is visit_date …
visit_date + window_days, both ends included; the deadline is the window's last day.
- on time: a callback of the same customer with result ≠ 未接通 dated inside the window;
- late: the first such callback on or after the visit date lies after the deadline
  (it is always ≤ as-of, the latest callback date used);
- pending: no such callback and the deadline is after as-of;
- missing: otherwise.
One callback satisfies every event of that customer whose window contains it (§9.5).

How: events and successful callbacks are keyed by the integer ``customer_code·2³² + day``;
the first successful callback on or after each visit is one ``searchsorted`` over the
sorted callback keys, and the 未接通 attempts inside each window are the difference of two
``searchsorted`` calls. No Python loop runs over events or callbacks.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from kehu.numbers import rates
from kehu.month import Month
from kehu.schema import CALLBACK_RESULTS

EVENT_COLUMNS = ["manager_id", "customer_id", "customer_name", "member", "visit_date", "service_item",
                 "deadline", "status", "callback_date", "result", "failed_attempts"]
PER_MANAGER_COLUMNS = ["manager_id", "events", "on_time", "late", "missing", "pending", "rate"]
MONTH_ROW_COLUMNS = ["date", "customer_id", "customer_name", "agent_id", "manager_id", "room",
                     "method", "result", "comment"]
DISSATISFIED_COLUMNS = ["date", "customer_id", "customer_name", "manager_id", "comment"]
STATUSES = ("on_time", "late", "pending", "missing")
_DAY_SHIFT = np.int64(1 << 32)
_DAY_OFFSET = np.int64(1 << 31)


@dataclass
class CallbackResult:
    """``events`` one row per service event (EVENT_COLUMNS); ``per_manager`` one row per
    manager with events (PER_MANAGER_COLUMNS, rate None when events − pending is 0);
    ``as_of`` the as-of date; ``month_rows`` the callback rows used for the month
    (MONTH_ROW_COLUMNS); ``member_misses`` the member events late or missing (EVENT_COLUMNS);
    ``dissatisfied`` the month's 不满意 callbacks (DISSATISFIED_COLUMNS)."""
    events: pd.DataFrame
    per_manager: pd.DataFrame
    as_of: date
    month_rows: pd.DataFrame
    member_misses: pd.DataFrame
    dissatisfied: pd.DataFrame


# ---------------------------------------------------------------------------
# Rows used and the as-of date

def tail_end(month: Month, rules: dict) -> pd.Timestamp:
    """Last date a callback row may carry: month end + ``next_month_days`` (SPEC §1)."""
    return pd.Timestamp(month.last_day) + pd.Timedelta(days=int(rules["callbacks"]["next_month_days"]))


def month_callback_rows(callbacks: pd.DataFrame, customers: pd.DataFrame, month: Month, rules: dict,
                        staff: pd.DataFrame | None = None) -> pd.DataFrame:
    """Callback rows dated in the month or its next-month tail, with the customer's name,
    the customer's manager and that manager's 所属室 (None without ``staff``)."""
    dates = _dates(callbacks["date"])
    rows = callbacks.loc[((dates >= pd.Timestamp(month.first_day)) & (dates <= tail_end(month, rules))).to_numpy()]
    by_id = _customer_index(customers)
    out = pd.DataFrame({
        "date": _dates(rows["date"]),
        "customer_id": _objects(rows["customer_id"]),
        "agent_id": _objects(rows["agent_id"] if "agent_id" in rows else [None] * len(rows)),
        "method": _objects(rows["method"]),
        "result": _objects(rows["result"]),
        "comment": _objects(rows["comment"] if "comment" in rows else [None] * len(rows)),
    })
    out["customer_name"] = _lookup(out["customer_id"], by_id["customer_name"])
    out["manager_id"] = _lookup(out["customer_id"], by_id["manager_id"])
    out["room"] = _lookup(out["manager_id"], _staff_rooms(staff))
    out = out.sort_values(["date", "customer_id"], kind="stable", ignore_index=True)
    return out[MONTH_ROW_COLUMNS]


def as_of_date(month_rows: pd.DataFrame, month: Month) -> date:
    """The latest callback date among the rows used, or the month's last day if later (SPEC §2.7)."""
    latest = month_rows["date"].max() if len(month_rows) else pd.NaT
    if pd.isna(latest) or latest.date() < month.last_day:
        return month.last_day
    return latest.date()


# ---------------------------------------------------------------------------
# Service events and their status

def service_events(visits: pd.DataFrame, customers: pd.DataFrame, month: Month, rules: dict) -> pd.DataFrame:
    """Visits of the month with 需回访=是 (SPEC §2.7), with customer name, 协议客户 flag
    (seed 000: 必须保证会员客户的100%的回访) and deadline = visit date + window_days."""
    dates = _dates(visits["date"])
    wanted = _objects(visits["callback_required"]).eq(True).to_numpy(dtype=bool)
    in_month = ((dates >= pd.Timestamp(month.first_day)) & (dates <= pd.Timestamp(month.last_day))).to_numpy()
    rows = visits.loc[in_month & wanted]
    by_id = _customer_index(customers)
    events = pd.DataFrame({
        "manager_id": _objects(rows["manager_id"]),
        "customer_id": _objects(rows["customer_id"]),
        "visit_date": _dates(rows["date"]),
        "service_item": _objects(rows["service_item"] if "service_item" in rows else [None] * len(rows)),
    })
    events["customer_name"] = _lookup(events["customer_id"], by_id["customer_name"])
    events["member"] = _lookup(events["customer_id"], by_id["member"]).eq(True).to_numpy(dtype=bool)
    events["deadline"] = events["visit_date"] + pd.Timedelta(days=int(rules["callbacks"]["window_days"]))
    return events


def match_callbacks(events: pd.DataFrame, callbacks: pd.DataFrame, month: Month, rules: dict,
                    as_of: date) -> pd.DataFrame:
    """Status, first successful callback (date, result) and 未接通 attempts per event."""
    usable = callbacks.loc[(_dates(callbacks["date"]) <= tail_end(month, rules)).to_numpy()]
    failed = usable["result"].astype(object).eq(rules["callbacks"]["failed_result"]).to_numpy()
    codes = _customer_codes(events["customer_id"], usable["customer_id"])
    ev_code, cb_code = codes[:len(events)], codes[len(events):]
    cb_days = _days(usable["date"])
    lo, hi = _keys(ev_code, _days(events["visit_date"])), _keys(ev_code, _days(events["deadline"]))

    ok = usable.loc[~failed]
    pick = first_on_or_after(_keys(cb_code[~failed], cb_days[~failed]), lo, ev_code)
    cb_date = np.append(_dates(ok["date"]).to_numpy(), np.datetime64("NaT", "ns"))[pick]
    out = events.copy()
    out["callback_date"] = cb_date
    out["result"] = _objects(np.append(_objects(ok["result"]).to_numpy(), None)[pick])
    out["status"] = _status(pick < len(ok), cb_date, events["deadline"].to_numpy(), as_of)
    out["failed_attempts"] = attempts_between(_keys(cb_code[failed], cb_days[failed]), lo, hi)
    return out


def first_on_or_after(keys: np.ndarray, lo: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Per event, the position (in ``keys``' row order) of the earliest key ≥ ``lo`` of the
    same customer; ``len(keys)`` where there is none. Ties keep the row order."""
    order = np.argsort(keys, kind="stable")
    ordered = np.append(keys[order], np.iinfo(np.int64).max)
    at = np.searchsorted(ordered, lo, side="left")
    same = (ordered[at] // _DAY_SHIFT) == codes
    return np.where(same, np.append(order, len(keys))[at], len(keys))


def attempts_between(keys: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Per event, the number of keys in [lo, hi] (未接通 attempts inside the window)."""
    ordered = np.sort(keys)
    return (np.searchsorted(ordered, hi, side="right") - np.searchsorted(ordered, lo, side="left")).astype(np.int64)


def _status(found: np.ndarray, cb_date: np.ndarray, deadline: np.ndarray, as_of: date) -> pd.Series:
    """on_time / late / pending / missing (SPEC §2.7: 必须保证在三天之内回访)."""
    as_of_ts = np.datetime64(pd.Timestamp(as_of), "ns")
    on_time = found & (cb_date <= deadline)
    late = found & ~on_time & (cb_date <= as_of_ts)
    pending = ~found & (deadline > as_of_ts)
    return _objects(np.select([on_time, late, pending], ["on_time", "late", "pending"], "missing"))


# ---------------------------------------------------------------------------
# Per manager, member misses, dissatisfied

def manager_callback_rates(events: pd.DataFrame) -> pd.DataFrame:
    """Events per status and rate = on_time / (events − pending) per manager (SPEC §2.7, §9.5)."""
    flags = pd.DataFrame({s: events["status"].eq(s).to_numpy(dtype=np.int64) for s in STATUSES})
    flags["manager_id"] = events["manager_id"].to_numpy(dtype=object)
    per = flags.groupby("manager_id", sort=True)[list(STATUSES)].sum().astype(np.int64).reset_index()
    per["manager_id"] = per["manager_id"].astype(object)
    per["events"] = per[list(STATUSES)].sum(axis=1).astype(np.int64)
    per["rate"] = rates(per["on_time"], per["events"] - per["pending"])
    return per[PER_MANAGER_COLUMNS]


def member_misses(events: pd.DataFrame) -> pd.DataFrame:
    """Member (协议客户) events late or missing — 必须保证会员客户的100%的回访 (seed 000)."""
    miss = events["member"].to_numpy(dtype=bool) & events["status"].isin(["late", "missing"]).to_numpy()
    return events.loc[miss].reset_index(drop=True)


def dissatisfied(month_rows: pd.DataFrame, rules: dict) -> pd.DataFrame:
    """The month's callbacks with result 不满意, listed for follow-up (SPEC §2.7)."""
    hit = month_rows["result"].astype(object).eq(rules["callbacks"]["dissatisfied_result"]).to_numpy()
    return month_rows.loc[hit, DISSATISFIED_COLUMNS].reset_index(drop=True)


def callback_summary(events: pd.DataFrame, month_rows: pd.DataFrame, rules: dict, event_keys: pd.Series,
                     row_keys: pd.Series) -> pd.DataFrame:
    """回访总结 (seed 000: 回访总结报告; seed 003: 满意度) per key — a room or a manager: the month's
    callbacks by result with 满意率 = satisfied ÷ callbacks that reached the customer, and the
    service events by status with 及时率 = on time ÷ (events − pending) (SPEC §2.7, §9.5).
    ``event_keys`` / ``row_keys``: the key of each event / callback row. Rates are None with
    nothing to measure; keys in the union of both, sorted."""
    cfg = rules["callbacks"]
    results = pd.crosstab(row_keys.to_numpy(dtype=object), month_rows["result"].to_numpy(dtype=object))
    results = results.reindex(columns=list(CALLBACK_RESULTS), fill_value=0)
    status = pd.crosstab(event_keys.to_numpy(dtype=object), events["status"].to_numpy(dtype=object))
    status = status.reindex(columns=list(STATUSES), fill_value=0)
    keys = sorted(set(results.index) | set(status.index), key=str)
    out = pd.concat([results.reindex(keys, fill_value=0), status.reindex(keys, fill_value=0)], axis=1).astype(np.int64)
    out["total"] = out[list(CALLBACK_RESULTS)].sum(axis=1)
    out["satisfied_rate"] = rates(out[cfg["satisfied_result"]], out["total"] - out[cfg["failed_result"]])
    out["events"] = out[list(STATUSES)].sum(axis=1)
    out["rate"] = rates(out["on_time"], out["events"] - out["pending"])
    return out.rename_axis("key").reset_index()


# ---------------------------------------------------------------------------
# The engine

def compute_callbacks(customers: pd.DataFrame, visits: pd.DataFrame, callbacks: pd.DataFrame, month: Month,
                      rules: dict, staff: pd.DataFrame | None = None) -> CallbackResult:
    """Callback compliance of ``month`` (SPEC §2.7, §9.5); ``staff`` only adds 所属室 to
    ``month_rows``."""
    rows = month_callback_rows(callbacks, customers, month, rules, staff)
    as_of = as_of_date(rows, month)
    events = match_callbacks(service_events(visits, customers, month, rules), callbacks, month, rules, as_of)
    events = events.sort_values(["manager_id", "visit_date", "customer_id"], kind="stable", ignore_index=True)
    events = events[EVENT_COLUMNS]
    return CallbackResult(events, manager_callback_rates(events), as_of, rows,
                          member_misses(events), dissatisfied(rows, rules))


def letter_due(events: pd.DataFrame) -> np.ndarray:
    """The events a 回访函 goes out for (SPEC §7): the callback is missing, or was tried and never
    answered (未接通) while the event is still open."""
    failed = pd.to_numeric(events["failed_attempts"], errors="coerce").fillna(0).to_numpy() > 0
    status = events["status"].astype(object).to_numpy()
    return (status == "missing") | ((status == "pending") & failed)


# ---------------------------------------------------------------------------
# Small column helpers

def _dates(values) -> pd.Series:
    """Dates as a datetime64[ns] column at midnight, on a fresh 0…n−1 index."""
    return pd.Series(pd.to_datetime(np.asarray(values))).astype("datetime64[ns]").dt.normalize()


def _days(values) -> np.ndarray:
    """Dates → int64 day numbers (days since 1970-01-01)."""
    return _dates(values).to_numpy().astype("datetime64[D]").astype(np.int64)


def _objects(values) -> pd.Series:
    """Values as an object column (None for missing), on a fresh 0…n−1 index — pandas 3
    would otherwise infer its ``str`` dtype and turn None into NaN."""
    array = np.asarray(values, dtype=object)
    return pd.Series(np.where(pd.isna(array), None, array), dtype=object)


def _keys(codes: np.ndarray, days: np.ndarray) -> np.ndarray:
    return codes.astype(np.int64) * _DAY_SHIFT + (days + _DAY_OFFSET)


def _customer_codes(*id_columns) -> np.ndarray:
    joined = pd.concat([pd.Series(c, dtype=object) for c in id_columns], ignore_index=True)
    return pd.factorize(joined)[0].astype(np.int64)


def _customer_index(customers: pd.DataFrame) -> pd.DataFrame:
    frame = customers[["customer_id", "customer_name", "manager_id", "member"]].astype(object)
    return frame.drop_duplicates("customer_id").set_index("customer_id")


def _staff_rooms(staff: pd.DataFrame | None) -> pd.Series:
    if staff is None or not len(staff):
        return pd.Series(dtype=object)
    return staff[["employee_id", "room"]].astype(object).drop_duplicates("employee_id").set_index("employee_id")["room"]


def _lookup(keys: pd.Series, table: pd.Series) -> pd.Series:
    """``table[key]`` per key as an object column, None where the key is unknown."""
    return _objects(pd.Series(keys, dtype=object).map(table))

