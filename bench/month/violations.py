"""违纪记录 (violations): ~2 % of the staff, 未穿工作服 or 私自外出, on a workday of the month."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .base import VIOLATION_KINDS
from .write import Layout, col_excel_date, col_text


def make(rng, ids: np.ndarray, wdays) -> pd.DataFrame:
    S, D = len(ids), len(wdays)
    wd64 = np.array(wdays, dtype="datetime64[D]").astype("datetime64[s]") if D else np.array([], "datetime64[s]")
    nX = max(1, int(round(0.02 * S))) if D else 0
    x_emp = rng.integers(0, S, nX)
    return pd.DataFrame({"employee_id": ids[x_emp],
                         "date": wd64[rng.integers(0, D, nX)].astype("datetime64[ns]") if nX else [],
                         "kind": np.array(VIOLATION_KINDS)[rng.choice(2, nX, p=[0.7, 0.3])],
                         "note": np.where(rng.random(nX) < 0.5, "巡查发现", None)})


def files(vi: pd.DataFrame, layout: Layout) -> None:
    layout.add("违纪记录", "违纪记录", [
        ("工号", *col_text(vi["employee_id"])), ("日期", *col_excel_date(vi["date"])),
        ("类型", *col_text(vi["kind"])), ("说明", *col_text(vi["note"]))])
