"""What a dataset's rows need beyond their typed cells — one function per dataset, in one place.

After kehu.load.sheet_parser has typed a sheet's cells, the dataset's finisher makes its rows
what the rest of kehu expects (docs/ARCHITECTURE.md, "Typed input frames"):

- 打卡记录: 日期 + 时间 become 打卡时间; a punch without a time is E-required;
- 请假外出: a date-only 结束时间 is 24:00 of that day, and a date-only 开始时间 is marked
  (SPEC §9.3: a 补卡 needs a time);
- 出访登记: a blank 解决问题 / 客户签名 is 否; a blank 需回访 is 是 for 上门, else 否 (SPEC §1);
- 指标, 客户名册: a blank 月份 is the month the sheet states in a title row, its name or its
  file's name (SPEC §10.2; kehu.load.headers.sheet_month).

A finisher takes the parser (for the sheet and its findings) and the typed frame and the rows
rejected so far; it returns the frame and the rejected rows.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kehu.load.headers import sheet_month


def finish_rows(parser, out: pd.DataFrame, errors: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    finisher = FINISHERS.get(parser.dataset.key)
    return finisher(parser, out, errors) if finisher else (out, errors)


def punch_rows(parser, out: pd.DataFrame, errors: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """打卡时间, or 日期 + 时间 (SPEC §1); a row with neither is E-required."""
    by_parts = "punched_at" not in parser.mapping.values()
    if by_parts:
        times = pd.to_timedelta(out["time"].fillna("00:00") + ":00", errors="coerce")
        out["punched_at"] = (out["date"] + times).where(out["time"].notna())
    missing = out["punched_at"].isna() & ~errors
    if missing.any():
        alias = "time" if by_parts and not out.loc[missing, "date"].isna().any() else ("date" if by_parts else "punched_at")
        blank = pd.Series(None, index=out.index, dtype=object)
        parser.cell_findings(missing, alias, blank, "E-required", why="（打卡记录需要打卡时间，或日期加时间）")
    return out, errors | missing


def leave_rows(parser, out: pd.DataFrame, errors: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """A date-only end is 24:00 of its day; a date-only start is marked (SPEC §9.3)."""
    only = parser.date_only
    end_only = only.get("ends_at", pd.Series(False, index=out.index))
    out["ends_at"] = out["ends_at"].where(~end_only, out["ends_at"] + pd.Timedelta(days=1))
    out["start_date_only"] = only.get("starts_at", pd.Series(False, index=out.index))
    return out, errors


def visit_rows(parser, out: pd.DataFrame, errors: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """Blank 解决问题 / 客户签名 are 否; a blank 需回访 is 是 for 上门 (SPEC §1)."""
    for alias in ("problem_solved", "customer_signed"):
        out[alias] = np.array([v is True for v in out[alias].to_numpy(dtype=object)], dtype=bool)
    default = (out["method"] == "上门").fillna(False).to_numpy(dtype=bool)
    given = out["callback_required"].to_numpy(dtype=object)
    out["callback_required"] = np.array([d if v is None else v is True for v, d in zip(given, default)], dtype=bool)
    return out, errors


def month_of_figures(parser, out: pd.DataFrame, errors: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """A blank 月份 is the month the sheet states (SPEC §10.2)."""
    raw = parser.raw
    stated = sheet_month(raw.rows[:parser.header], raw.sheet, raw.file)
    out["month"] = out["month"].where(out["month"].notna(), stated)
    return out, errors


FINISHERS = {"punches": punch_rows, "leave": leave_rows, "visits": visit_rows,
             "targets": month_of_figures, "customers": month_of_figures}
