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


# -- a damaged or foreign store (issue 12 item 8): refused, named, never written --------------

def _kehu_store(path) -> Path:
    """A kehu store holding September (1001 best, 000101 50000.00, one visit)."""
    with HistoryStore(path) as store:
        save(store, SEP, [("1001", "重要一室", "best")], [("000101", "1001", "50000.00")],
             [("2026-09-10", "1001", "000101", "上门")])
    return Path(path)


def _sql(path, *statements):
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        for statement in statements:
            conn.execute(statement)


_WITHOUT_CHECK = ("ALTER TABLE learning_flags RENAME TO old_flags",
                  "CREATE TABLE learning_flags (month TEXT NOT NULL, employee_id TEXT NOT NULL, room TEXT, "
                  "flag TEXT NOT NULL, PRIMARY KEY (month, employee_id))",
                  "INSERT INTO learning_flags SELECT * FROM old_flags", "DROP TABLE old_flags")


def _truncated(path):
    with HistoryStore(path) as store:                  # enough pages that half of them is a cut store
        save(store, SEP, revenue_rows=[(f"c{i:05d}", "1001", "1.00") for i in range(3000)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


DAMAGED = {
    "truncated": (_truncated, "文件已损坏"),
    "garbage": (lambda p: p.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40), "文件已损坏"),
    "text file": (lambda p: p.write_text("月份,工号\n2026-09,1001\n", encoding="utf-8"), "不是 SQLite 数据库"),
    "empty file": (lambda p: p.write_bytes(b""), "文件是空的"),
    "directory": (lambda p: p.mkdir(), "是一个文件夹"),
    "foreign database": (lambda p: _sql(p, "CREATE TABLE orders (id INTEGER, total TEXT)"),
                         "不是 kehu 的历史库（其中的表：orders）"),
    "version not a number": (lambda p: _sql(_kehu_store(p), "UPDATE meta SET value = 'v1' "
                                                              "WHERE key = 'schema_version'"), "版本标记不对（v1）"),
    "table missing": (lambda p: _sql(_kehu_store(p), "DROP TABLE visits"), "缺少表 visits"),
    "flag against the CHECK": (lambda p: _sql(_kehu_store(p), "UPDATE learning_flags SET flag = 'excellent'"),
                               "数据库内部检查未通过（CHECK constraint failed in learning_flags）"),
    "flag not in FLAGS": (lambda p: _sql(_kehu_store(p), *_WITHOUT_CHECK,
                                         "UPDATE learning_flags SET flag = 'excellent'"),
                          "1001 的学习标记「excellent」不是 best/worst/none/unknown"),
    "revenue not a decimal": (lambda p: _sql(_kehu_store(p), "UPDATE customer_revenue SET revenue = '5万'"),
                              "客户 000101 的收入「5万」不是金额"),
    "revenue not finite": (lambda p: _sql(_kehu_store(p), "UPDATE customer_revenue SET revenue = 'NaN'"),
                           "客户 000101 的收入「NaN」不是金额"),
    "month not YYYY-MM": (lambda p: _sql(_kehu_store(p), "UPDATE customer_revenue SET month = '2026/09'"),
                          "表 customer_revenue 有一行的月份「2026/09」格式不对"),
    "visit date not a date": (lambda p: _sql(_kehu_store(p), "UPDATE visits SET date = '2026/9/10'"),
                              "表 visits 有一行的日期「2026/9/10」格式不对"),
    "visit of another month": (lambda p: _sql(_kehu_store(p), "UPDATE visits SET month = '2026-10'"),
                               "表 visits 有一行的月份「2026-10」与日期「2026-09-10」不符"),
}


def _snapshot(path: Path):
    return sorted(p.name for p in path.iterdir()) if path.is_dir() else path.read_bytes()


@pytest.mark.parametrize("damage", DAMAGED, ids=list(DAMAGED))
def test_a_damaged_or_foreign_store_stops_the_run_with_exit_2_and_the_remedy(damage, tmp_path):
    from click.testing import CliRunner

    from builders import tiny_month, write_month
    from kehu.cli import cli
    make, detail = DAMAGED[damage]
    out = tmp_path / "out"
    out.mkdir()
    store = out / "history.sqlite"
    make(store)
    before = _snapshot(store)
    month_dir = write_month(tmp_path / "十月", tiny_month())
    result = CliRunner().invoke(cli, ["run", str(month_dir), "--month", "2026-10", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert f"历史库 {store} 无法使用：" in result.output and detail in result.output
    assert "把它移到别处" in result.output and "Traceback" not in result.output
    assert _snapshot(store) == before                              # never written into
    assert not (out / "2026-10").exists() and not (out / "history.sqlite.bak").exists()
    listed = CliRunner().invoke(cli, ["history", "--out", str(out)])
    assert listed.exit_code == (0 if damage.startswith(("flag", "revenue", "visit")) else 2), listed.output
    assert _snapshot(store) == before


def test_the_remedy_offers_the_backup_when_there_is_one(tmp_path):
    from kehu.history_check import backup_store, check_store
    path = _kehu_store(tmp_path / "history.sqlite")
    backup_store(path)
    path.write_text("被覆盖了", encoding="utf-8")
    with pytest.raises(HistoryError, match="用上次正常时的备份 .*history.sqlite.bak 替换它"):
        check_store(path)
    (tmp_path / "history.sqlite.bak").replace(path)              # the remedy works
    check_store(path, for_writing=True)
    assert _stored_flags(path) == []
    with HistoryStore(path) as store:
        assert store.learning_flags([SEP])["flag"].tolist() == ["best"]


def test_a_month_label_kehu_did_not_write_is_refused_on_reading(tmp_path):
    path = _kehu_store(tmp_path / "history.sqlite")
    _sql(path, "UPDATE learning_flags SET month = '2026/09'")
    with HistoryStore(path) as store, pytest.raises(HistoryError, match="月份「2026/09」不是 YYYY-MM"):
        store.stored_months()


def test_a_store_newer_than_kehu_is_refused_naming_the_version(tmp_path):
    from kehu.history_check import check_store
    path = _kehu_store(tmp_path / "history.sqlite")
    _sql(path, "UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    with pytest.raises(HistoryError, match="版本 4.*请升级 kehu"):
        check_store(path)


def test_a_store_locked_by_another_program_is_named(tmp_path, monkeypatch):
    import kehu.history_check as history_check
    monkeypatch.setattr(history_check, "BUSY_SECONDS", 0.1)
    path = _kehu_store(tmp_path / "history.sqlite")
    other = sqlite3.connect(path)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(HistoryError, match=f"历史库 {path} 正被其他程序占用"):
            history_check.check_store(path)
    finally:
        other.close()


# -- the rolling backup ----------------------------------------------------------------------

def test_each_write_first_backs_up_the_store_as_it_was(tmp_path):
    path = _kehu_store(tmp_path / "history.sqlite")
    before = list(sqlite3.connect(path).iterdump())
    _written(path, "best").commit()
    assert list(sqlite3.connect(tmp_path / "history.sqlite.bak").iterdump()) == before
    after = list(sqlite3.connect(path).iterdump())
    _written(path, "worst").commit()                             # rolling: the last good store only
    assert list(sqlite3.connect(tmp_path / "history.sqlite.bak").iterdump()) == after
    assert not (tmp_path / "history.sqlite.bak.part").exists()


def test_a_new_store_has_no_backup(tmp_path):
    _written(tmp_path / "history.sqlite", "best").commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.sqlite"]


# -- schema version 2: when each month was written; version-1 stores upgraded -----------------

V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE learning_flags (month TEXT NOT NULL, employee_id TEXT NOT NULL, room TEXT,
    flag TEXT NOT NULL CHECK (flag IN ('best', 'worst', 'none', 'unknown')), PRIMARY KEY (month, employee_id));
CREATE TABLE customer_revenue (month TEXT NOT NULL, customer_id TEXT NOT NULL, manager_id TEXT,
    revenue TEXT NOT NULL, PRIMARY KEY (month, customer_id));
CREATE TABLE visits (month TEXT NOT NULL, date TEXT NOT NULL, manager_id TEXT, customer_id TEXT, method TEXT);
CREATE INDEX visits_by_date ON visits (date);
INSERT INTO meta VALUES ('schema_version', '1');
INSERT INTO learning_flags VALUES ('2026-09', '1001', '一室', 'best');
INSERT INTO customer_revenue VALUES ('2026-09', 'c1', '1001', '100.00');
INSERT INTO visits VALUES ('2026-09', '2026-09-30', '1001', 'c1', '上门');
"""


def _v1_store(path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.executescript(V1_SCHEMA)
    return Path(path)


def test_a_version_1_store_is_read_as_it_is_and_upgraded_by_the_first_write(tmp_path):
    from kehu.history import stored_months_of
    from kehu.history_check import APPLICATION_ID
    path = _v1_store(tmp_path / "history.sqlite")
    assert [(m.label, m.written_at, m.flags, m.customers, m.visits) for m in stored_months_of(path)] == [
        ("2026-09", None, 1, 1, 1)]
    with HistoryStore(path) as store:
        assert store.schema_version == 1                        # reading writes nothing
        save(store, OCT, [("1001", "一室", "worst")])
        assert store.schema_version == SCHEMA_VERSION == 3
        assert store.learning_flags([SEP, OCT])["flag"].tolist() == ["best", "worst"]
        assert store.customer_revenue([SEP])["revenue"].tolist() == [D("100.00")]
    months = stored_months_of(path)
    assert [(m.label, m.written_at is None) for m in months] == [("2026-09", True), ("2026-10", False)]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)


def test_an_upgrade_rolled_back_leaves_a_version_1_store(tmp_path):
    path = _v1_store(tmp_path / "history.sqlite")
    before = list(sqlite3.connect(path).iterdump())
    _written(path, "best").discard()
    assert list(sqlite3.connect(path).iterdump()) == before


def test_each_month_records_when_and_by_which_run_it_was_written(tmp_path):
    from datetime import datetime, timedelta

    from kehu.history import committed_run
    path = tmp_path / "history.sqlite"
    pending = PendingMonth(path, run="run-1")
    pending.write(_october_rows("best"))
    pending.commit()
    assert committed_run(path, "2026-10") == "run-1" and committed_run(path, "2026-09") is None
    with HistoryStore(path) as store:
        (month,) = store.months()
    written = datetime.fromisoformat(month.written_at)
    assert abs(datetime.now().astimezone() - written) < timedelta(minutes=5)


def test_drop_removes_one_month_and_keeps_a_backup(tmp_path):
    from kehu.history import drop_stored_month, stored_months_of
    path = _kehu_store(tmp_path / "history.sqlite")
    _written(path, "best").commit()
    before = list(sqlite3.connect(path).iterdump())
    backup = drop_stored_month(path, "2026-10")
    assert [m.label for m in stored_months_of(path)] == ["2026-09"]
    assert list(sqlite3.connect(backup).iterdump()) == before
    with HistoryStore(path) as store:
        assert store.learning_flags([OCT]).empty and len(store.learning_flags([SEP])) == 1


def test_sqlites_own_tables_do_not_make_a_store_foreign(tmp_path):
    from kehu.history_check import check_store
    path = _kehu_store(tmp_path / "history.sqlite")
    _sql(path, "ANALYZE")                                      # adds sqlite_stat1
    check_store(path, for_writing=True)


# -- schema version 3: each employee's KPI total and deductions (issue 14 item 9) --------------

def person(employee_id, kpi, deductions) -> dict:
    """An employee as results.json states him (only what the store keeps of him)."""
    return {"employee_id": employee_id, "kpi": {"total": kpi}, "deductions_total": deductions}


def test_each_employees_kpi_and_deductions_are_kept_per_month_and_replaced_with_it(tmp_path):
    path = tmp_path / "history.sqlite"
    with HistoryStore(path) as store:
        store.save_rows(month_rows(SEP, flags(SEP.label), revenue(), visits(),
                                   [person("1002", "97.05", "750.00"), person("1001", "100.45", "0.00")]))
        store.save_rows(month_rows(OCT, flags(OCT.label), revenue(), visits(), [person("1001", "88.10", "50.00")]))
        store.save_rows(month_rows(OCT, flags(OCT.label), revenue(), visits(), [person("1001", "90.00", "0.00")]))
        sep = store.employee_results([SEP])
        assert sep.values.tolist() == [["2026-09", "1001", D("100.45"), D("0.00")],
                                       ["2026-09", "1002", D("97.05"), D("750.00")]]
        assert store.employee_results([OCT]).values.tolist() == [["2026-10", "1001", D("90.00"), D("0.00")]]
        store.drop_month("2026-09")
        assert store.employee_results([SEP]).empty


V2_UPGRADE = ("CREATE TABLE months (month TEXT PRIMARY KEY, written_at TEXT, run TEXT)",
              "INSERT INTO months (month) VALUES ('2026-09')",
              "UPDATE meta SET value = '2' WHERE key = 'schema_version'")


def test_a_version_2_store_reads_without_month_over_month_and_is_upgraded_by_the_first_write(tmp_path):
    from kehu.history_check import APPLICATION_ID, check_store
    path = _v1_store(tmp_path / "history.sqlite")
    _sql(path, *V2_UPGRADE, f"PRAGMA application_id = {APPLICATION_ID}")
    check_store(path, for_writing=True)
    with HistoryStore(path) as store:
        assert store.schema_version == 2 and store.employee_results([SEP]).empty     # reading writes nothing
        store.save_rows(month_rows(OCT, flags(OCT.label), revenue(), visits(), [person("1001", "99.50", "0.00")]))
        assert store.schema_version == 3
        assert store.employee_results([OCT])["kpi_total"].tolist() == [D("99.50")]
        assert store.learning_flags([SEP])["flag"].tolist() == ["best"]             # September as it was


def test_a_store_whose_kpi_total_is_not_a_number_is_refused_naming_it(tmp_path):
    path = tmp_path / "history.sqlite"
    with HistoryStore(path) as store:
        store.save_rows(month_rows(OCT, flags(OCT.label), revenue(), visits(), [person("1001", "99.50", "0.00")]))
    _sql(path, "UPDATE employee_results SET kpi_total = 'abc'")
    with HistoryStore(path) as store, pytest.raises(HistoryError, match="1001 的 kpi_total「abc」不是数字"):
        store.employee_results([OCT])
