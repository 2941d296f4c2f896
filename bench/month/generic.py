"""The generated (bench) month in two shapes, dataset by dataset in a fixed order (one random
stream: the same options and seed give the same files).

- ``punches`` (the province month, default): 1,000,000 punches dominate — 4 a workday per
  employee plus extra swipes; 300,000 visits (half in the month), 200,000 callbacks drawn at
  random; no two equal rows; big datasets in files of ≤ 250,000 rows.
- ``visits`` (visit / callback heavy): 2,100 staff, 105,000 customers, ~140,000 punches (half
  days out visiting leave theirs out), 225,000 出访登记 rows (60 % in the month) in one register
  per room with ~10,000 rows pasted twice (W-duplicate-row), 140,000 回访记录 rows with each
  service event's fate drawn (missing, 未接通 … → kehu's 回访函)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from . import calendar, callbacks, customers, leave, punches, staff, targets, tests, violations, visits
from .base import MonthSpec, workdays
from .write import Layout

SHAPES = {
    "punches": {"rooms": 100, "managers": 2000, "customers": 100_000, "punches": 1_000_000,
                "visits": 300_000, "callbacks": 200_000},
    "visits": {"rooms": 100, "managers": 2100, "customers": 105_000, "punches": 140_000,
               "visits": 225_000, "callbacks": 140_000},
}
PREVIOUS_SHARE = 0.2        # visit-heavy month: share of the distinct visits in each of the 2 months before


def default_duplicates(visits_count: int) -> int:
    """Rows pasted twice in the visit-heavy month: 10,000 of 225,000."""
    return visits_count * 2 // 45


def build_generic(month="2026-10", rooms=2, managers=12, n_customers=150, n_punches=None, n_visits=None,
                  n_callbacks=None, seed=1, shape="punches", duplicates=None):
    """Frames (English alias columns, canonical types) of a random month of ``shape``."""
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {', '.join(SHAPES)}")
    rng = np.random.default_rng(seed)
    M = MonthSpec(month)
    wdays, official = workdays(M)
    st = staff.make(rng, M, rooms, managers)
    cu = customers.make(rng, M, st, n_customers)
    build = _punch_heavy if shape == "punches" else _visit_heavy
    frames = {"staff": st.frame, "customers": cu.frame,
              **build(rng, M, wdays, st, cu, n_punches, n_visits, n_callbacks, duplicates)}
    frames["violations"] = violations.make(rng, st.ids, wdays)
    frames["targets"] = targets.make(rng, st, cu.frame)
    frames["tests"] = tests.make(rng, M, st)
    frames = {k: frames[k] for k in ("staff", "customers", "visits", "punches", "leave", "violations",
                                     "targets", "tests", "callbacks")}
    if not official:
        frames["calendar"] = calendar.make(M)
    return frames


def _punch_heavy(rng, M, wdays, st, cu, n_punches, n_visits, n_callbacks, duplicates):
    if duplicates:
        raise ValueError("duplicate rows are made in the visit-heavy month only (shape='visits')")
    vis, home_visits = visits.make(rng, M, st, cu, n_visits if n_visits is not None else 2 * len(cu))
    count = n_callbacks if n_callbacks is not None else int(home_visits * 0.9)
    cb = callbacks.make(rng, M, st, cu, vis, count)
    lv = leave.make(rng, st.ids, wdays)
    vis = visits.with_outing_visits(rng, vis, lv.frame, st, cu, lv.who, lv.span)
    pun, _none = punches.make(rng, st.ids, wdays, lv, n_punches)
    return {"visits": vis, "punches": pun, "leave": lv.frame, "callbacks": cb}


def _visit_heavy(rng, M, wdays, st, cu, n_punches, n_visits, n_callbacks, duplicates):
    V = n_visits if n_visits is not None else 2 * len(cu)
    dups = default_duplicates(V) if duplicates is None else duplicates
    distinct = V - dups
    vis, _drawn = visits.make(rng, M, st, cu, distinct, previous=round(distinct * PREVIOUS_SHARE))
    lv = leave.make(rng, st.ids, wdays)
    vis = visits.with_outing_visits(rng, vis, lv.frame, st, cu, lv.who, lv.span)
    count = n_callbacks if n_callbacks is not None else V * 28 // 45      # 140,000 for 225,000 visits
    cb = callbacks.per_event(rng, M, st, cu, vis, count)
    out = visits.outing_candidates(rng, vis, st, wdays, busy=lv.days_taken())
    pun, gone = punches.make(rng, st.ids, wdays, lv, n_punches, outings=out)
    lv_frame = leave.with_outings(lv.frame, st.ids, wdays, *gone)
    return {"visits": visits.with_duplicates(rng, vis, st, dups), "punches": pun, "leave": lv_frame,
            "callbacks": cb}


def generic_tasks(frames, out: Path, as_csv=False):
    """(kind, path, payload) write tasks, real Excel values, plain headers."""
    layout = Layout(out, as_csv)
    staff.files(frames["staff"], layout)
    customers.files(frames["customers"], layout)
    visits.files(frames["visits"], layout)
    punches.files(frames["punches"], layout)
    leave.files(frames["leave"], layout)
    violations.files(frames["violations"], layout)
    targets.files(frames["targets"], layout)
    tests.files(frames["tests"], layout)
    callbacks.files(frames["callbacks"], layout)
    if "calendar" in frames:
        calendar.files(frames["calendar"], layout)
    return layout.tasks
