"""The history store (SPEC §4, §9.6): month results kept between runs.

An embedded SQLite file ``<out>/history.sqlite`` holds, per month, the
learning flags (SPEC §2.5: a streak of 连续三次 best/worst spans months), the
revenue of every customer (SPEC §2.11: 离网预警 compares against the previous
three months) and the visits (SPEC §2.6: a 2- or 3-month visit cycle looks
back). Saving a month replaces that month's rows in one transaction; other
months are never touched. Money is stored as exact decimal TEXT. Reads are
ordered, so the same file always gives the same frames.

``validate`` never opens the store, and a ``run`` writes its month through
``PendingMonth``: committed only once the run's output is in place, rolled
back if the run fails (SPEC §9.6: failed runs leave the store as it was).
"""
from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from kehu.month import Month

SCHEMA_VERSION = 1
FLAGS = ("best", "worst", "none", "unknown")

FLAG_COLUMNS = ["month", "employee_id", "room", "flag"]
REVENUE_COLUMNS = ["month", "customer_id", "manager_id", "revenue"]
VISIT_COLUMNS = ["date", "manager_id", "customer_id", "method"]

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS learning_flags (
    month       TEXT NOT NULL,
    employee_id TEXT NOT NULL,
    room        TEXT,
    flag        TEXT NOT NULL CHECK (flag IN {FLAGS}),
    PRIMARY KEY (month, employee_id)
);
CREATE TABLE IF NOT EXISTS customer_revenue (
    month       TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    manager_id  TEXT,
    revenue     TEXT NOT NULL,          -- exact decimal string, e.g. '1234.50'
    PRIMARY KEY (month, customer_id)
);
CREATE TABLE IF NOT EXISTS visits (
    month       TEXT NOT NULL,          -- 'YYYY-MM' of date, the unit of replacement
    date        TEXT NOT NULL,          -- 'YYYY-MM-DD'
    manager_id  TEXT,
    customer_id TEXT,
    method      TEXT
);
CREATE INDEX IF NOT EXISTS visits_by_date ON visits (date);
"""


class HistoryError(Exception):
    """A history file this version of kehu cannot use; the message names the file."""


class HistoryStore:
    """``with HistoryStore(out / "history.sqlite") as store: ...``"""

    def __init__(self, path: str | Path, check_same_thread: bool = True):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(self.path), check_same_thread=check_same_thread)
        try:
            self._create_schema()
        except Exception:
            self._conn.close()
            raise

    def __enter__(self) -> "HistoryStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    @property
    def schema_version(self) -> int:
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0])

    # -- reading -----------------------------------------------------------

    def learning_flags(self, months: Iterable[Month]) -> pd.DataFrame:
        """[month, employee_id, room, flag] of the given months (SPEC §2.5 streaks)."""
        rows = self._select_months("SELECT month, employee_id, room, flag FROM learning_flags",
                                   months, order="month, employee_id")
        return _frame(rows, FLAG_COLUMNS)

    def customer_revenue(self, months: Iterable[Month]) -> pd.DataFrame:
        """[month, customer_id, manager_id, revenue (Decimal)] (SPEC §2.11)."""
        rows = self._select_months("SELECT month, customer_id, manager_id, revenue FROM customer_revenue",
                                   months, order="month, customer_id")
        frame = _frame(rows, REVENUE_COLUMNS)
        frame["revenue"] = pd.Series([Decimal(v) for v in frame["revenue"]], index=frame.index, dtype=object)
        return frame

    def visits(self, first: date, last: date) -> pd.DataFrame:
        """[date (datetime64), manager_id, customer_id, method] dated first … last inclusive (SPEC §2.6)."""
        rows = self._conn.execute(
            "SELECT date, manager_id, customer_id, method FROM visits WHERE date BETWEEN ? AND ? "
            "ORDER BY date, manager_id, customer_id, method, rowid",
            (_iso(first), _iso(last))).fetchall()
        frame = _frame(rows, VISIT_COLUMNS)
        frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d").astype("datetime64[ns]")
        return frame

    def stored_months(self) -> list[Month]:
        """Every month that has learning flags, oldest first (how far a streak can look back)."""
        rows = self._conn.execute("SELECT DISTINCT month FROM learning_flags ORDER BY month").fetchall()
        return [Month.parse(r[0]) for r in rows]

    # -- writing -----------------------------------------------------------

    def save_month(self, month: Month, learning_flags: pd.DataFrame,
                   customer_revenue: pd.DataFrame, visits: pd.DataFrame) -> None:
        """Replace ``month``'s rows (SPEC §4: 重跑某月只替换该月), in one transaction.

        Only rows of ``month`` are stored: flag rows whose ``month`` is another
        month and visits dated outside the month are left out, so other months
        stay exactly as they were. ``customer_revenue`` needs customer_id,
        manager_id, revenue (the customers frame will do).
        """
        self.save_rows(month_rows(month, learning_flags, customer_revenue, visits))

    def save_rows(self, rows: "MonthRows") -> None:
        """Replace the month's rows by ``rows`` (see ``month_rows``), in one transaction."""
        with self._conn:
            self._replace_rows(rows)

    def _replace_rows(self, rows: "MonthRows") -> None:
        """The month's rows replaced, in a transaction left open (``save_rows``, ``PendingMonth``)."""
        for table in ("learning_flags", "customer_revenue", "visits"):
            self._conn.execute(f"DELETE FROM {table} WHERE month = ?", (rows.label,))
        self._conn.executemany("INSERT INTO learning_flags VALUES (?, ?, ?, ?)", rows.flags)
        self._conn.executemany("INSERT INTO customer_revenue VALUES (?, ?, ?, ?)", rows.revenue)
        self._conn.executemany("INSERT INTO visits VALUES (?, ?, ?, ?, ?)", rows.visits)

    # -- internals ---------------------------------------------------------

    def _create_schema(self) -> None:
        with self._conn:
            self._conn.executescript(_SCHEMA)
            self._conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        if self.schema_version > SCHEMA_VERSION:
            raise HistoryError(f"历史库 {self.path} 由更新版本的 kehu 写入 (版本 {self.schema_version}),"
                               f"本程序只支持版本 {SCHEMA_VERSION}。请升级 kehu 或换用新的输出文件夹。")

    def _select_months(self, select: str, months: Iterable[Month], order: str) -> list[tuple]:
        labels = sorted({Month.parse(str(m)).label for m in months})
        if not labels:
            return []
        marks = ", ".join("?" * len(labels))
        return self._conn.execute(f"{select} WHERE month IN ({marks}) ORDER BY {order}", labels).fetchall()


class PendingMonth:
    """A run's month, written into the store while the run writes its other outputs and
    committed only once they are in place (SPEC §9.6).

    ``write(rows)`` replaces the month's rows on a background thread, in a transaction left
    open; ``commit()`` ends it; ``discard()`` rolls it back — and removes the store if this
    run created it — for a run that fails. A run killed meanwhile leaves no rows of its
    own: SQLite rolls the unfinished transaction back when the store is next opened. (On a
    province month the 250,000 rows take ~0.45 s: done here, not after the run.)"""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._created = not self.path.exists()
        self._store: HistoryStore | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def write(self, rows: "MonthRows") -> None:
        self._thread = threading.Thread(target=self._replace, args=(rows,), name="kehu-history", daemon=True)
        self._thread.start()

    def _replace(self, rows: "MonthRows") -> None:
        try:
            self._store = HistoryStore(self.path, check_same_thread=False)
            self._store._replace_rows(rows)
        except BaseException as exc:              # raised again by commit()
            self._error = exc

    def commit(self) -> None:
        if self._thread is None:
            return
        self._thread.join()
        if self._error is not None:
            self._close(rollback=True)
            raise self._error
        self._store._conn.commit()
        self._close()

    def discard(self) -> None:
        if self._thread is None:
            return
        self._thread.join()
        self._close(rollback=True)
        if self._created:
            for leftover in (self.path, self.path.with_name(self.path.name + "-journal")):
                leftover.unlink(missing_ok=True)

    def _close(self, rollback: bool = False) -> None:
        if self._store is not None:
            if rollback:
                self._store._conn.rollback()
            self._store.close()
            self._store = None


@dataclass
class MonthRows:
    """A month's rows for the store, made ahead of the write (a run makes them while the
    workbooks are being written and stores them once its output is in place)."""
    label: str
    flags: list[tuple]
    revenue: list[tuple]
    visits: list[tuple]


def month_rows(month: Month, learning_flags: pd.DataFrame, customer_revenue: pd.DataFrame,
               visits: pd.DataFrame) -> MonthRows:
    """The rows ``save_month`` stores: only those of ``month``."""
    label = month.label
    return MonthRows(label, _flag_rows(learning_flags, label), _revenue_rows(customer_revenue, label),
                     _visit_rows(visits, month))


def _frame(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _iso(day) -> str:
    return pd.Timestamp(day).strftime("%Y-%m-%d")


def _texts(column: pd.Series) -> list:
    """A column as TEXT values: None where blank (column-wise: 100,000 customers a month)."""
    blank = column.isna().to_numpy()
    return [None if b else str(v) for v, b in zip(column.to_numpy(dtype=object), blank)]


def _flag_rows(frame: pd.DataFrame, label: str) -> list[tuple]:
    if frame is None or frame.empty:
        return []
    frame = frame[frame["month"].astype(str) == label] if "month" in frame else frame
    frame = frame.sort_values("employee_id", kind="stable")
    return [(label, e, r, f) for e, r, f in zip(_texts(frame["employee_id"]), _texts(frame["room"]), _texts(frame["flag"]))]


def _revenue_rows(frame: pd.DataFrame, label: str) -> list[tuple]:
    if frame is None or frame.empty:
        return []
    frame = frame[frame["month"].astype(str) == label] if "month" in frame else frame
    frame = frame.sort_values("customer_id", kind="stable")
    revenue = [str(v if isinstance(v, Decimal) else Decimal(str(v))) for v in frame["revenue"]]
    return [(label, c, m, v) for c, m, v in zip(_texts(frame["customer_id"]), _texts(frame["manager_id"]), revenue)]


def _visit_rows(frame: pd.DataFrame, month: Month) -> list[tuple]:
    if frame is None or frame.empty:
        return []
    days = pd.to_datetime(frame["date"]).to_numpy().astype("datetime64[D]")
    inside = (days >= np.datetime64(month.first_day, "D")) & (days <= np.datetime64(month.last_day, "D"))
    frame = frame.loc[inside].assign(date=np.datetime_as_string(days[inside], unit="D"))   # 'YYYY-MM-DD'
    frame = frame.sort_values(VISIT_COLUMNS, kind="stable")
    label = month.label
    return [(label, d, m, c, k) for d, m, c, k in zip(
        frame["date"].to_numpy(dtype=object), _texts(frame["manager_id"]), _texts(frame["customer_id"]),
        _texts(frame["method"]))]
