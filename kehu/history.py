"""The history store (SPEC §4, §9.6): month results kept between runs.

An embedded SQLite file ``<out>/history.sqlite`` holds, per month, the
learning flags (SPEC §2.5: a streak of 连续三次 best/worst spans months), the
revenue of every customer (SPEC §2.11: 离网预警 compares against the previous
three months) and the visits (SPEC §2.6: a 2- or 3-month visit cycle looks
back). Saving a month replaces that month's rows in one transaction; other
months are never touched. Money is stored as exact decimal TEXT. Reads are
ordered, so the same file always gives the same frames.

``validate`` never opens the store, and a ``run`` writes its month through
``PendingMonth``: its commit is the run's commit point (kehu/outfolder.py), rolled
back if the run fails (SPEC §9.6: failed runs leave the store as it was). The
``months`` table (schema version 2) records when each month was written and by
which run; ``employee_results`` (version 3) each assessed employee's KPI total and
deductions, for the department workbook's month-over-month columns. An older store is read
as it is (an absent table reads as empty) and upgraded inside the first transaction that
writes it. kehu opens only a store it recognises as its own (kehu/history_check.py). The
rows a month stores are made by kehu/history_month.py.
"""
from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterable

import pandas as pd

from kehu.crashpoint import crash_point
from kehu.history_check import (APPLICATION_ID, HistoryError, backup_store, check_store, connect_checked,
                                refused, store_error)
from kehu.history_month import VISIT_COLUMNS, MonthRows, month_rows
from kehu.month import Month

SCHEMA_VERSION = 3
FLAGS = ("best", "worst", "none", "unknown")

FLAG_COLUMNS = ["month", "employee_id", "room", "flag"]
REVENUE_COLUMNS = ["month", "customer_id", "manager_id", "revenue"]
EMPLOYEE_COLUMNS = ["month", "employee_id", "kpi_total", "deductions_total"]

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
_MONTHS_TABLE = """
CREATE TABLE IF NOT EXISTS months (
    month      TEXT PRIMARY KEY,
    written_at TEXT,                    -- local time with its offset, NULL if written before version 2
    run        TEXT                     -- the run that wrote it (kehu/outfolder.py's journal)
)"""
_EMPLOYEES_TABLE = """
CREATE TABLE IF NOT EXISTS employee_results (
    month            TEXT NOT NULL,
    employee_id      TEXT NOT NULL,
    kpi_total        TEXT NOT NULL,     -- exact decimal strings, as results.json states them
    deductions_total TEXT NOT NULL,
    PRIMARY KEY (month, employee_id)
)"""
_MONTHS_OF_V1 = ("INSERT OR IGNORE INTO months (month) SELECT month FROM learning_flags "
                 "UNION SELECT month FROM customer_revenue UNION SELECT month FROM visits")
DATA_TABLES = ("learning_flags", "customer_revenue", "visits")


class HistoryStore:
    """``with HistoryStore(out / "history.sqlite") as store: ...`` — a new store is made at
    ``path`` if there is none; an existing one must be kehu's (else ``HistoryError``)."""

    def __init__(self, path: str | Path, check_same_thread: bool = True):
        self.path = Path(path)
        if self.path.exists() or self.path.is_symlink():
            self._conn = connect_checked(self.path, check_same_thread)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(self.path), check_same_thread=check_same_thread)
        try:
            self._conn.executescript(f"BEGIN; {_SCHEMA} {_MONTHS_TABLE}; {_EMPLOYEES_TABLE}; "
                                     f"PRAGMA application_id = {APPLICATION_ID}; "
                                     f"INSERT INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}'); COMMIT;")
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
        bad = next((r for r in rows if r[3] not in FLAGS), None)
        if bad is not None:
            raise self._bad_row("learning_flags", bad[0], f"{bad[1]} 的学习标记「{bad[3]}」不是 {'/'.join(FLAGS)}")
        return _frame(rows, FLAG_COLUMNS)

    def customer_revenue(self, months: Iterable[Month]) -> pd.DataFrame:
        """[month, customer_id, manager_id, revenue (Decimal)] (SPEC §2.11)."""
        rows = self._select_months("SELECT month, customer_id, manager_id, revenue FROM customer_revenue",
                                   months, order="month, customer_id")
        frame = _frame(rows, REVENUE_COLUMNS)
        frame["revenue"] = pd.Series([self._money(r) for r in rows], index=frame.index, dtype=object)
        return frame

    def employee_results(self, months: Iterable[Month]) -> pd.DataFrame:
        """[month, employee_id, kpi_total, deductions_total (Decimal)] of the given months; empty
        for a store from before schema version 3 (issue 14 item 9: month over month)."""
        if self.schema_version < 3:
            return _frame([], EMPLOYEE_COLUMNS)
        rows = self._select_months("SELECT month, employee_id, kpi_total, deductions_total FROM employee_results",
                                   months, order="month, employee_id")
        frame = _frame(rows, EMPLOYEE_COLUMNS)
        for i, column in ((2, "kpi_total"), (3, "deductions_total")):
            frame[column] = pd.Series([self._decimal(r, i, "employee_results", f"{r[1]} 的 {column}") for r in rows],
                                      index=frame.index, dtype=object)
        return frame

    def visits(self, first: date, last: date) -> pd.DataFrame:
        """[date (datetime64), manager_id, customer_id, method] dated first … last inclusive (SPEC §2.6)."""
        rows = self._conn.execute(
            "SELECT date, manager_id, customer_id, method FROM visits WHERE date BETWEEN ? AND ? "
            "ORDER BY date, manager_id, customer_id, method, rowid",
            (_iso(first), _iso(last))).fetchall()
        frame = _frame(rows, VISIT_COLUMNS)
        try:
            frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d").astype("datetime64[ns]")
        except (ValueError, TypeError) as exc:
            raise self._bad_row("visits", "", f"日期不对（{exc}）") from None
        return frame

    def stored_months(self) -> list[Month]:
        """Every month that has learning flags, oldest first (how far a streak can look back)."""
        rows = self._conn.execute("SELECT DISTINCT month FROM learning_flags ORDER BY month").fetchall()
        return [self._month(r[0], "learning_flags") for r in rows]

    def months(self) -> list["StoredMonth"]:
        """Every month the store holds rows of, oldest first, with when it was written."""
        counts: dict[str, dict] = {}
        for table in DATA_TABLES:
            for label, n in self._conn.execute(f"SELECT month, count(*) FROM {table} GROUP BY month"):
                counts.setdefault(self._month(label, table).label, {})[table] = n
        written = {self._month(label, "months").label: at for label, at in
                   self._conn.execute("SELECT month, written_at FROM months")} if self.schema_version >= 2 else {}
        return [StoredMonth(label, written.get(label), *(counts.get(label, {}).get(t, 0) for t in DATA_TABLES))
                for label in sorted(set(counts) | set(written))]

    def committed_run(self, label: str) -> str | None:
        """The run that last wrote month ``label`` (None before schema version 2)."""
        if self.schema_version < 2:
            return None
        row = self._conn.execute("SELECT run FROM months WHERE month = ?", (label,)).fetchone()
        return row[0] if row else None

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

    def save_rows(self, rows: "MonthRows", run: str | None = None) -> None:
        """Replace the month's rows by ``rows`` (see ``month_rows``), in one transaction."""
        with self._conn:
            self._replace_rows(rows, run)

    def drop_month(self, label: str) -> None:
        """Remove every row of month ``label`` (``kehu history drop``), in one transaction."""
        with self._conn:
            self._begin_writing()
            for table in DATA_TABLES + ("months", "employee_results"):
                self._conn.execute(f"DELETE FROM {table} WHERE month = ?", (label,))

    def _replace_rows(self, rows: "MonthRows", run: str | None = None) -> None:
        """The month's rows replaced, in a transaction left open (``save_rows``, ``PendingMonth``)."""
        self._begin_writing()
        for table in DATA_TABLES + ("employee_results",):
            self._conn.execute(f"DELETE FROM {table} WHERE month = ?", (rows.label,))
        self._conn.executemany("INSERT INTO learning_flags VALUES (?, ?, ?, ?)", rows.flags)
        self._conn.executemany("INSERT INTO employee_results VALUES (?, ?, ?, ?)", rows.employees)
        self._conn.executemany("INSERT INTO customer_revenue VALUES (?, ?, ?, ?)", rows.revenue)
        self._conn.executemany("INSERT INTO visits VALUES (?, ?, ?, ?, ?)", rows.visits)
        written_at = datetime.now().astimezone().isoformat(timespec="seconds")
        self._conn.execute("INSERT OR REPLACE INTO months VALUES (?, ?, ?)", (rows.label, written_at, run))

    # -- internals ---------------------------------------------------------

    def _begin_writing(self) -> None:
        """A write transaction; an older store is upgraded inside it: version 1 gets the ``months``
        table, filled with the months it holds, written_at unknown, and kehu's application_id;
        versions 1 and 2 the ``employee_results`` table, empty (earlier months have none)."""
        self._conn.execute("BEGIN IMMEDIATE")
        version = self.schema_version
        if version < SCHEMA_VERSION:
            if version < 2:
                self._conn.execute(_MONTHS_TABLE)
                self._conn.execute(_MONTHS_OF_V1)
            self._conn.execute(_EMPLOYEES_TABLE)
            self._conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self._conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))

    def _select_months(self, select: str, months: Iterable[Month], order: str) -> list[tuple]:
        labels = sorted({Month.parse(str(m)).label for m in months})
        if not labels:
            return []
        marks = ", ".join("?" * len(labels))
        return self._conn.execute(f"{select} WHERE month IN ({marks}) ORDER BY {order}", labels).fetchall()

    def _money(self, row: tuple) -> Decimal:
        return self._decimal(row, 3, "customer_revenue", f"客户 {row[1]} 的收入", "金额")

    def _decimal(self, row: tuple, i: int, table: str, what: str, kind: str = "数字") -> Decimal:
        try:
            value = Decimal(row[i])
        except (InvalidOperation, TypeError, ValueError):
            value = None
        if value is None or not value.is_finite():
            raise self._bad_row(table, row[0], f"{what}「{row[i]}」不是{kind}")
        return value

    def _month(self, label, table: str) -> Month:
        try:
            month = Month.parse(str(label))
        except ValueError:
            month = None
        if month is None or month.label != label:
            raise self._bad_row(table, "", f"月份「{label}」不是 YYYY-MM")
        return month

    def _bad_row(self, table: str, label: str, what: str) -> HistoryError:
        where = f"表 {table} 中 {label} 的" if label else f"表 {table} 中"
        return refused(self.path, f"{where}一行不对：{what}")


@dataclass(frozen=True)
class StoredMonth:
    """One month of the store, as ``kehu history`` lists it."""
    label: str
    written_at: str | None
    flags: int
    customers: int
    visits: int


def stored_months_of(path: Path) -> list[StoredMonth]:
    """The months kept in the store at ``path`` (``kehu history``)."""
    with HistoryStore(path) as store:
        try:
            return store.months()
        except sqlite3.Error as exc:
            raise store_error(store.path, exc) from None


def drop_stored_month(path: Path, label: str) -> Path:
    """Month ``label`` removed from the store at ``path``, once the store is checked and backed
    up (``kehu history drop``); the backup's path."""
    check_store(path, for_writing=True)
    backup = backup_store(path)
    with HistoryStore(path) as store:
        try:
            store.drop_month(label)
        except sqlite3.Error as exc:
            raise store_error(store.path, exc) from None
    return backup


def committed_run(path: Path, label: str) -> str | None:
    """The run that last wrote month ``label`` into the store at ``path`` (None: none)."""
    if not Path(path).exists():
        return None
    with HistoryStore(path) as store:
        try:
            return store.committed_run(label)
        except sqlite3.Error as exc:
            raise store_error(store.path, exc) from None


class PendingMonth:
    """A run's month, written into the store while the run writes its other outputs; its
    ``commit()`` is the run's commit point (kehu/outfolder.py, SPEC §10.9).

    ``write(rows)`` backs the store up (``history.sqlite.bak``) and replaces the month's rows
    on a background thread, in a transaction left open, recording ``run`` in ``months``;
    ``commit()`` ends it; ``discard()`` rolls it back — and removes the store if this run
    created it — for a run that fails. A run killed meanwhile leaves no rows of its own:
    SQLite rolls the unfinished transaction back when the store is next opened. (On a
    province month the 250,000 rows take ~0.45 s: done here, not after the run.)"""

    def __init__(self, path: str | Path, run: str | None = None):
        self.path = Path(path)
        self.run = run
        self.committed = False
        self._created = not self.path.exists()
        self._store: HistoryStore | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def write(self, rows: "MonthRows") -> None:
        self._thread = threading.Thread(target=self._replace, args=(rows,), name="kehu-history", daemon=True)
        self._thread.start()

    def _replace(self, rows: "MonthRows") -> None:
        try:
            if not self._created:
                backup_store(self.path)
            self._store = HistoryStore(self.path, check_same_thread=False)
            self._store._replace_rows(rows, self.run)
            crash_point("during-history-write")
        except sqlite3.Error as exc:              # raised again by commit()
            self._error = store_error(self.path, exc)
        except BaseException as exc:
            self._error = exc

    def commit(self) -> None:
        if self._thread is None:
            raise RuntimeError("PendingMonth.commit() before write(): a run always writes its month")
        self._thread.join()
        if self._error is not None:
            self._close(rollback=True)
            raise self._error
        try:
            self._store._conn.commit()
        except sqlite3.Error as exc:
            self._close(rollback=True)
            raise store_error(self.path, exc) from None
        self.committed = True
        self._close()

    def discard(self) -> None:
        if self._thread is None or self.committed:
            return
        self._thread.join()
        self._close(rollback=True)
        if self._created:
            remove_store(self.path)

    def _close(self, rollback: bool = False) -> None:
        if self._store is not None:
            try:
                if rollback:
                    self._store._conn.rollback()
            except sqlite3.Error:
                pass                # closing rolls back an unfinished transaction all the same
            self._store.close()
            self._store = None


def remove_store(path: Path) -> None:
    """A store a failed run created, with its rollback journal (SPEC §9.6: nothing left)."""
    for leftover in (path, path.with_name(path.name + "-journal")):
        leftover.unlink(missing_ok=True)


def _frame(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _iso(day) -> str:
    return pd.Timestamp(day).strftime("%Y-%m-%d")
