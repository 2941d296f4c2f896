"""Does each monthly dataset hold the month being assessed? (SPEC §1 "Rows of other months", §10.2)

What "a row of the month" means, per dataset (docs/FINDINGS.md, E-month-mismatch):

- 打卡记录, 违纪记录: the punch / the violation is dated in the month;
- 请假外出: the leave's interval touches the month (a 补卡: its time is in the month);
- 出访登记: dated in the month (earlier rows are history and kept; later rows are unused);
- 学习测评: its 月份 is the month (earlier months are history and kept);
- 回访记录: dated from the month's first day to ``callbacks.next_month_days`` after its end —
  checked only when a visit of the month needs a callback (SPEC §10.6);
- 指标, 客户名册: its 月份 cell; where there is none, the month the sheet states in a title
  row above the header, else in its sheet name, else in its file name (``2026年10月指标``,
  ``客户名册 2026-10``); with none of them the rows are taken as the month's.

Rows of other months are unused, each with W-row-outside-month (history rows excepted). A
dataset that has rows but none of the month is one error, E-month-mismatch, naming the months
it does hold — the per-row warnings are then left out: they would say the same 1,000 times.
"""
from __future__ import annotations

from collections import Counter

import pandas as pd

from kehu.findings import Finding, make
from kehu.schema import BY_KEY

class MonthChecks:
    """Checker mixin: rows of other months (SPEC §1) and datasets without the month (§10.2)."""

    def month_checks(self) -> None:
        """Drop the rows of other months; one E-month-mismatch per dataset without the month."""
        self.mismatched = set()
        for key in ("punches", "violations", "leave", "visits", "tests", "callbacks", "targets", "customers"):
            frame = self.f[key]
            if frame.empty or (key == "callbacks" and not self._service_events()):
                continue
            inside = self._of_the_month(key, frame)
            if not inside.any():
                self.mismatched.add(key)
                self.findings.append(self._mismatch(key, frame))
                if key in KEPT_WHEN_MISMATCHED:
                    continue
            elif key in SHEET_CHECKED:
                self._sheets_without_the_month(key, frame, inside)
            self._drop_outside(key, self._unused_outside(key, frame, inside))

    def _sheets_without_the_month(self, key: str, frame: pd.DataFrame, inside: pd.Series) -> None:
        """One sheet of another month among sheets of the month: last month's file of one room.
        For punches an error (its people would all be absent every day); otherwise a warning (a
        manager's own cumulative log may well hold no row of the month)."""
        has = inside.groupby([frame["_file"], frame["_sheet"]], sort=True).any()
        for (file, sheet), ok in has.items():
            if ok:
                continue
            rows = frame[(frame["_file"] == file) & (frame["_sheet"] == sheet)]
            held = _held(rows, key)
            name = BY_KEY[key].name
            if key == "punches":
                self.findings.append(make(
                    "E-month-mismatch", file=file, sheet=sheet, dataset=key, value=held, rejected=True,
                    subject=f"这张{name}", count=len(rows), held=held, month=self.month.label, label=self.month.label,
                    note=f"（其他{name}有本月的数据）"))
            else:
                self.findings.append(make("W-sheet-other-month", file=file, sheet=sheet, dataset=key, value=held,
                                          count=len(rows), held=held, month=self.month.label))

    def _of_the_month(self, key: str, f: pd.DataFrame) -> pd.Series:
        first, end, label = self.first, self.end, self.month.label
        if key == "punches":
            return (f["punched_at"] >= first) & (f["punched_at"] < end)
        if key in ("violations", "visits"):
            return (f["date"] >= first) & (f["date"] < end)
        if key == "leave":
            return ~self._leave_outside(f)
        if key == "callbacks":
            return (f["date"] >= first) & (f["date"] < self._callback_end())
        return f["month"].isna() | (f["month"] == label)          # tests, targets, customers

    def _unused_outside(self, key: str, f: pd.DataFrame, inside: pd.Series) -> pd.Series:
        """Rows of other months that are not used: history rows (earlier visits, tests, callbacks)
        stay; the rest of the month's rows outside go."""
        if key in ("visits", "tests"):
            after = f["date"] >= self.end if key == "visits" else f["month"] > self.month.label
            return after & ~inside
        if key == "callbacks":
            return f["date"] >= self._callback_end()
        return ~inside

    def _leave_outside(self, lv: pd.DataFrame) -> pd.Series:
        fix = lv["kind"].eq(self.rules["attendance"]["punch_fix_kind"])
        ends = lv["ends_at"].where(~fix, lv["starts_at"]).fillna(lv["starts_at"])
        return (ends < self.first) | (lv["starts_at"] >= self.end) | (fix & (lv["starts_at"] < self.first))

    def _callback_end(self) -> pd.Timestamp:
        return self.end + pd.Timedelta(days=int(self.rules["callbacks"]["next_month_days"]))

    def _drop_outside(self, key: str, mask: pd.Series) -> None:
        if key in self.mismatched:                 # said once for the dataset: drop without a word per row
            self.f[key] = self.ledger.drop(self.f[key], mask, "ignored")
            return
        self.flag(key, mask, _DATE_COLUMN[key], "W-row-outside-month",
                  lambda r, key=key: {"when": _when(key, r), "month": self.month.label}, "ignored")

    def _mismatch(self, key: str, frame: pd.DataFrame) -> Finding:
        held = _held(frame, key)
        name = BY_KEY[key].name
        files = sorted(set(frame["_file"]))
        sheet = frame["_sheet"].iloc[0] if len(files) == 1 else ""
        return make("E-month-mismatch", file=files[0] if len(files) == 1 else "", sheet=sheet, dataset=key,
                    value=held, rejected=True, subject=name, count=len(frame), held=held,
                    month=f"--month {self.month.label}", label=self.month.label, note="")


# Other datasets refer to these by id: their rows stay (the run stops on E-month-mismatch anyway),
# so that every reference is not reported again as unknown.
KEPT_WHEN_MISMATCHED = ("customers", "targets")
# datasets whose sheets are checked one by one (学习测评 sheets per month are normal)
SHEET_CHECKED = ("punches", "leave", "violations", "visits", "callbacks")
_DATE_COLUMN = {"punches": "punched_at", "violations": "date", "leave": "starts_at", "visits": "date",
                "tests": "month", "callbacks": "date", "targets": "month", "customers": "month"}


def _held(frame: pd.DataFrame, key: str) -> str:
    """'2026-10', or '2026-08（106 行）、2026-09（108 行）' when the rows span several months."""
    months = Counter(_row_months(key, frame))
    if len(months) > 1:
        return "、".join(f"{m}（{n:,} 行）" for m, n in sorted(months.items()))
    return next(iter(months), "其他月份")


def _row_months(key: str, frame: pd.DataFrame) -> list[str]:
    column = frame[_DATE_COLUMN[key]]
    if key in ("tests", "targets", "customers"):
        return [m for m in column if isinstance(m, str)]
    return [f"{d:%Y-%m}" for d in column if not pd.isna(d)]


def _when(key: str, row) -> str:
    """How a row of another month is named in its warning."""
    if key == "punches":
        return f"打卡时间 {row.punched_at:%Y-%m-%d %H:%M}"
    if key == "leave":
        return f"该{row.kind}（开始时间 {row.starts_at:%Y-%m-%d %H:%M}）"
    if key in ("tests", "targets", "customers"):
        return f"月份 {row.month}"
    label = {"violations": "违纪日期", "visits": "出访日期", "callbacks": "回访日期"}[key]
    return f"{label} {row.date:%Y-%m-%d}"
