"""The history store (SPEC §4, §9.6): months saved, replaced and read back exactly."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from datetime import date
from decimal import Decimal as D

import pandas as pd
import pytest

from kehu.history import SCHEMA_VERSION, HistoryError, HistoryStore, PendingMonth, month_rows
from kehu.month import Month

SEP, OCT, NOV = Month(2026, 9), Month(2026, 10), Month(2026, 11)


def flags(label, *rows) -> pd.DataFrame:
    """rows: (工号, 所属室, flag)."""
    return pd.DataFrame([(label, *r) for r in rows], columns=["month", "employee_id", "room", "flag"], dtype=object)


def revenue(*rows) -> pd.DataFrame:
    """rows: (客户编号, 客户经理工号, 本月收入) — as the customers frame carries them (+ extra columns)."""
    return pd.DataFrame({"customer_id": pd.Series([r[0] for r in rows], dtype=object),
                         "manager_id": pd.Series([r[1] for r in rows], dtype=object),
                         "revenue": pd.Series([D(r[2]) for r in rows], dtype=object),
                         "customer_name": "某单位"})


def visits(*rows) -> pd.DataFrame:
    """rows: (日期, 客户经理工号, 客户编号, 方式)."""
    return pd.DataFrame({"date": pd.to_datetime([r[0] for r in rows]).astype("datetime64[ns]"),
                         "manager_id": pd.Series([r[1] for r in rows], dtype=object),
                         "customer_id": pd.Series([r[2] for r in rows], dtype=object),
                         "method": pd.Series([r[3] for r in rows], dtype=object),
                         "service_item": "宽带"})


def save(store, month, flag_rows=(), revenue_rows=(), visit_rows=()):
    store.save_month(month, flags(month.label, *flag_rows), revenue(*revenue_rows), visits(*visit_rows))


def test_schema_version_is_stored(tmp_path):
    with HistoryStore(tmp_path / "out" / "history.sqlite") as store:
        assert store.schema_version == SCHEMA_VERSION
    with sqlite3.connect(tmp_path / "out" / "history.sqlite") as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(SCHEMA_VERSION),)


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "history.sqlite"
    HistoryStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(HistoryError, match="99"):
        HistoryStore(path)


def test_round_trip_keeps_money_exact(tmp_path):
    with HistoryStore(tmp_path / "history.sqlite") as store:
        save(store, OCT, [("2", "一室", "worst"), ("1", "一室", "best")],
             [("c2", "1", "0.10"), ("c1", "1", "1234.50")],
             [("2026-10-08", "1", "c1", "上门"), ("2026-10-03", "2", "c2", "电话")])
        got = store.learning_flags([OCT])
        assert got.values.tolist() == [["2026-10", "1", "一室", "best"], ["2026-10", "2", "一室", "worst"]]
        rev = store.customer_revenue([OCT])
        assert rev.values.tolist() == [["2026-10", "c1", "1", D("1234.50")], ["2026-10", "c2", "1", D("0.10")]]
        assert str(rev["revenue"][0]) == "1234.50"
        v = store.visits(date(2026, 10, 1), date(2026, 10, 31))
        assert list(v.columns) == ["date", "manager_id", "customer_id", "method"]
        assert v["date"].dtype == "datetime64[ns]"
        assert [(d.strftime("%m-%d"), m) for d, m in zip(v["date"], v["method"])] == [("10-03", "电话"), ("10-08", "上门")]


def test_resaving_a_month_replaces_only_it(tmp_path):
    path = tmp_path / "history.sqlite"
    with HistoryStore(path) as store:
        save(store, SEP, [("1", "一室", "worst")], [("c1", "1", "100.00")], [("2026-09-30", "1", "c1", "上门")])
        save(store, OCT, [("1", "一室", "worst"), ("2", "一室", "best")], [("c1", "1", "90.00")],
             [("2026-10-08", "1", "c1", "上门"), ("2026-10-09", "1", "c1", "上门")])
    with HistoryStore(path) as store:      # re-run of October
        save(store, OCT, [("1", "一室", "none")], [("c1", "1", "95.00")], [("2026-10-20", "2", "c1", "电话")])
        assert store.learning_flags([SEP, OCT]).values.tolist() == [
            ["2026-09", "1", "一室", "worst"], ["2026-10", "1", "一室", "none"]]
        assert store.customer_revenue([SEP, OCT])["revenue"].tolist() == [D("100.00"), D("95.00")]
        v = store.visits(date(2026, 9, 1), date(2026, 10, 31))
        assert [(d.strftime("%Y-%m-%d"), m) for d, m in zip(v["date"], v["manager_id"])] == [
            ("2026-09-30", "1"), ("2026-10-20", "2")]
        assert [m.label for m in store.stored_months()] == ["2026-09", "2026-10"]


def test_rows_of_other_months_are_not_saved(tmp_path):
    # the month's flags frame may hold every input month; visits may hold history rows
    with HistoryStore(tmp_path / "history.sqlite") as store:
        save(store, SEP, [("1", "一室", "best")])
        mixed = pd.concat([flags("2026-09", ("1", "一室", "worst")), flags("2026-10", ("1", "一室", "best"))])
        store.save_month(OCT, mixed, revenue(), visits(("2026-09-29", "1", "c1", "上门"), ("2026-10-01", "1", "c1", "上门")))
        assert store.learning_flags([SEP, OCT])["flag"].tolist() == ["best", "best"]
        assert len(store.visits(date(2026, 9, 1), date(2026, 9, 30))) == 0
        assert len(store.visits(date(2026, 10, 1), date(2026, 10, 31))) == 1


def test_a_failed_save_changes_nothing(tmp_path):
    with HistoryStore(tmp_path / "history.sqlite") as store:
        save(store, OCT, [("1", "一室", "worst")], [("c1", "1", "90.00")])
        with pytest.raises(sqlite3.IntegrityError):
            save(store, OCT, [("1", "一室", "worst"), ("1", "一室", "best")], [("c1", "1", "1.00")])
        assert store.learning_flags([OCT])["flag"].tolist() == ["worst"]
        assert store.customer_revenue([OCT])["revenue"].tolist() == [D("90.00")]


def test_unknown_months_read_as_empty_frames(tmp_path):
    with HistoryStore(tmp_path / "history.sqlite") as store:
        assert list(store.learning_flags([NOV]).columns) == ["month", "employee_id", "room", "flag"]
        assert store.learning_flags([]).empty
        assert list(store.customer_revenue([NOV]).columns) == ["month", "customer_id", "manager_id", "revenue"]
        assert store.visits(date(2026, 1, 1), date(2026, 12, 31)).empty


def test_reads_are_deterministic(tmp_path):
    rows = [(str(i), "一室", "none") for i in (5, 3, 9, 1)]
    with HistoryStore(tmp_path / "a.sqlite") as a, HistoryStore(tmp_path / "b.sqlite") as b:
        save(a, OCT, rows)
        save(b, OCT, list(reversed(rows)))
        assert a.learning_flags([OCT]).equals(b.learning_flags([OCT]))


# -- a run's month: written while the run writes its outputs, committed after -------------------

def _october_rows(flag: str):
    return month_rows(OCT, flags(OCT.label, ("1", "一室", flag)), revenue(("c1", "1", "90.00")),
                      visits(("2026-10-08", "1", "c1", "上门")))


def _written(path, flag: str) -> PendingMonth:
    """October with 1's learning flag ``flag``, written and not yet committed."""
    pending = PendingMonth(path)
    pending.write(_october_rows(flag))
    return pending


def _stored_flags(path) -> list:
    with HistoryStore(path) as store:
        return store.learning_flags([OCT]).values.tolist()


def test_pending_month_is_stored_on_commit(tmp_path):
    _written(tmp_path / "history.sqlite", "best").commit()
    assert _stored_flags(tmp_path / "history.sqlite") == [["2026-10", "1", "一室", "best"]]


def test_discarded_month_leaves_the_store_as_it_was(tmp_path):
    path = tmp_path / "history.sqlite"
    with HistoryStore(path) as store:
        store.save_rows(_october_rows("worst"))
    _written(path, "best").discard()
    assert _stored_flags(path) == [["2026-10", "1", "一室", "worst"]]


def test_discarded_month_removes_the_store_it_created(tmp_path):
    _written(tmp_path / "history.sqlite", "best").discard()
    assert list(tmp_path.iterdir()) == []


def test_a_run_killed_before_the_commit_leaves_no_rows(tmp_path):
    """The process dies with the month written but not committed: the next open rolls it back."""
    import subprocess
    import sys
    path = tmp_path / "history.sqlite"
    with HistoryStore(path) as store:
        store.save_rows(_october_rows("worst"))
    script = ("import os, sys; sys.path[:0] = sys.argv[2:]\n"
              "from test_history import _written\n"
              "_written(sys.argv[1], 'best')._thread.join()\n"
              "os._exit(9)\n")
    tests = str(Path(__file__).parent)
    killed = subprocess.run([sys.executable, "-c", script, str(path), tests], capture_output=True, text=True)
    assert killed.returncode == 9, killed.stderr
    assert _stored_flags(path) == [["2026-10", "1", "一室", "worst"]]
