"""打卡记录 (punches): 4 a workday per employee (in before / out after each session of the rules'
schedule, summer or winter), ~2 % late and ~1 % early by the deduction tiers, ~0.5 % missing, none
while on leave (补卡 excepted; 外出走访 too in the punch-heavy month). A requested count above that
is reached with extra swipes inside the sessions (never two of one employee at the same second);
in the visit-heavy month a count below it with half days out visiting (their punches left out, a
外出走访 row for each)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .base import sessions_of
from .leave import Leave
from .write import Layout, col_text

TIERS = np.array([3, 8, 15, 25, 35, 50, 70, 95]) * 60
NO_OUTINGS = (np.array([], int), np.array([], int), np.array([], int))


def make(rng, ids: np.ndarray, wdays, leave: Leave, target: int | None, outings: tuple | None = None):
    """(frame, outings used): ``target`` rows when above the natural count; below it, half days
    of ``outings`` (staff index, workday index, 0 AM / 1 PM, in the order to use them) go out."""
    S, D = len(ids), len(wdays)
    if D == 0 or S == 0:
        return pd.DataFrame({"employee_id": np.array([], str), "punched_at": np.array([], "datetime64[ns]")}), NO_OUTINGS
    ses = np.array([sessions_of(d) for d in wdays], dtype=float) * 60  # D,2,2 in seconds
    t, keep = _planned(rng, S, D, ses)
    _off_on_leave(keep, leave, D, punched_out_visiting=outings is None)
    used = _go_out(keep, outings, target) if outings is not None else NO_OUTINGS
    e_idx, d_idx, _k = np.nonzero(keep)
    secs = t[keep].astype("int64")
    e_idx, d_idx, secs = _extra_swipes(rng, e_idx, d_idx, secs, S, D, ses, target)
    days64 = np.array(wdays, dtype="datetime64[D]").astype("datetime64[s]")
    at = days64[d_idx] + secs.astype("timedelta64[s]")
    order = np.lexsort((at, e_idx))
    return pd.DataFrame({"employee_id": ids[e_idx[order]], "punched_at": at[order].astype("datetime64[ns]")}), used


def _planned(rng, S, D, ses):
    """Times (S, D, 4: AM in, AM out, PM in, PM out, seconds) and which of them are punched."""
    am_s, am_e, pm_s, pm_e = ses[:, 0, 0], ses[:, 0, 1], ses[:, 1, 0], ses[:, 1, 1]
    shape = (S, D)
    t = np.empty((S, D, 4))
    t[..., 0] = am_s - rng.integers(60, 35 * 60, shape)
    t[..., 1] = am_e + rng.integers(0, 20 * 60, shape)
    t[..., 2] = pm_s - rng.integers(60, 30 * 60, shape)
    t[..., 3] = pm_e + rng.integers(0, 20 * 60, shape)
    late = rng.random((S, D, 2)) < 0.02
    lm = TIERS[rng.integers(0, len(TIERS), (S, D, 2))] + rng.integers(0, 60, (S, D, 2))
    t[..., 0] = np.where(late[..., 0], am_s + lm[..., 0], t[..., 0])
    t[..., 2] = np.where(late[..., 1], pm_s + lm[..., 1], t[..., 2])
    early = rng.random((S, D, 2)) < 0.01
    em = TIERS[rng.integers(0, len(TIERS), (S, D, 2))] + rng.integers(0, 60, (S, D, 2))
    t[..., 1] = np.where(early[..., 0], am_e - em[..., 0], t[..., 1])
    t[..., 3] = np.where(early[..., 1], pm_e - em[..., 1], t[..., 3])
    keep = rng.random((S, D, 4)) > 0.005
    keep &= (rng.random((S, D)) > 0.003)[..., None]
    return t, keep


def _off_on_leave(keep, leave: Leave, D, punched_out_visiting=True) -> None:
    """No punches while on leave (full-day leaves and multi-day trips), except 补卡 — and 外出走访 in
    the punch-heavy month (``punched_out_visiting``: the visit-heavy month's are away)."""
    for e, d, sp, nd, k in zip(leave.who, leave.day, leave.span, leave.ndays, leave.kind):
        if k == "补卡" or (k == "外出走访" and punched_out_visiting):
            continue
        for dd in range(d, min(D, d + nd + 1)):
            if sp == 0 or nd > 0:
                keep[e, dd, :] = False
            elif sp == 1:
                keep[e, dd, :2] = False
            else:
                keep[e, dd, 2:] = False


def _go_out(keep, outings, target) -> tuple:
    """Leave out the punches of the first half days of ``outings`` that still have some, until at
    most ``target`` remain; return those half days."""
    who, day, half = outings
    excess = int(keep.sum()) - (target or 0)
    if not target or excess <= 0 or len(who) == 0:
        return NO_OUTINGS
    removes = keep[who, day, 2 * half].astype(int) + keep[who, day, 2 * half + 1]
    some = removes > 0
    who, day, half, removes = who[some], day[some], half[some], removes[some]
    n = int(np.searchsorted(np.cumsum(removes), excess)) + 1
    who, day, half = who[:n], day[:n], half[:n]
    keep[who, day, 2 * half] = False
    keep[who, day, 2 * half + 1] = False
    return who, day, half


def _extra_swipes(rng, e_idx, d_idx, secs, S, D, ses, target):
    """Extra swipes inside the sessions up to ``target``; no two rows of one employee at the same second."""
    am_s, am_e, pm_s, pm_e = ses[:, 0, 0], ses[:, 0, 1], ses[:, 1, 0], ses[:, 1, 1]
    while target and target > len(secs):
        k = target - len(secs)
        xe = rng.integers(0, S, k)
        xd = rng.integers(0, D, k)
        xs = rng.integers(0, 2, k)
        lo = np.where(xs == 0, am_s[xd], pm_s[xd]) + 300
        hi = np.where(xs == 0, am_e[xd], pm_e[xd]) - 300
        e_idx = np.concatenate([e_idx, xe])
        d_idx = np.concatenate([d_idx, xd])
        secs = np.concatenate([secs, rng.uniform(lo, hi).round().astype("int64")])
        key = (e_idx.astype("int64") * 64 + d_idx) * 86400 + secs
        _u, first = np.unique(key, return_index=True)
        first.sort()
        e_idx, d_idx, secs = e_idx[first], d_idx[first], secs[first]
    return e_idx, d_idx, secs


def files(p: pd.DataFrame, layout: Layout) -> None:
    layout.add_split("打卡记录", "打卡记录", p,
                     lambda part: [("工号", *col_text(part["employee_id"])),
                                   layout.date("打卡时间", part["punched_at"], "datetime")])
