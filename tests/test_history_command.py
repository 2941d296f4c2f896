"""`kehu history` (issue 11 item 12): the months kept in OUT/history.sqlite, and taking a wrong
month back out (`kehu history drop YYYY-MM`), asking first unless --yes."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from builders import tiny_month, write_month
from kehu import outfolder
from kehu.cli import cli
from kehu.history import HistoryStore, stored_months_of
from kehu.month import Month
from kehu.outfolder import FolderLock


def invoke(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


@pytest.fixture
def out(tmp_path) -> Path:
    """August and September saved by an earlier kehu, then `kehu run` of October."""
    out = tmp_path / "kehu-out"
    flags = pd.DataFrame({"month": ["2026-08", "2026-09"], "employee_id": ["1002", "1002"],
                          "room": ["重要一室"] * 2, "flag": ["worst", "worst"]})
    no_visits = pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "manager_id": [], "customer_id": [],
                              "method": []})
    no_revenue = pd.DataFrame({"customer_id": [], "manager_id": [], "revenue": []})
    with HistoryStore(out / "history.sqlite") as store:
        for label in ("2026-08", "2026-09"):
            store.save_month(Month.parse(label), flags[flags["month"] == label], no_revenue, no_visits)
    month_dir = write_month(tmp_path / "十月", tiny_month())
    assert invoke("run", month_dir, "--month", "2026-10", "--out", out).exit_code == 0
    return out


def months(out: Path) -> list[str]:
    return [m.label for m in stored_months_of(out / "history.sqlite")]


def test_history_lists_the_months_with_when_each_was_written(out, monkeypatch):
    monkeypatch.chdir(out.parent)                       # --out defaults to ./kehu-out
    result = invoke("history")
    assert result.exit_code == 0, result.output
    lines = [l.strip() for l in result.output.splitlines() if l.startswith("  ")]
    assert [l[:7] for l in lines] == ["2026-08", "2026-09", "2026-10"]
    assert all(re.search(r"写入于 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d  学习标记 \d+ 条", l) for l in lines)
    assert "2026-10  写入于" in result.output and "学习标记 2 条、客户收入 3 条、出访 3 条" in result.output
    assert invoke("history", "list", "--out", "kehu-out").output == result.output


def test_history_of_a_folder_without_a_store_says_so(tmp_path):
    result = invoke("history", "--out", tmp_path / "nothing")
    assert result.exit_code == 0 and "还没有保存过任何月份" in result.output
    assert not (tmp_path / "nothing").exists()          # listing creates nothing


def test_drop_with_yes_removes_the_month_and_keeps_a_backup(out):
    result = invoke("history", "drop", "2026-09", "--out", out, "--yes")
    assert result.exit_code == 0, result.output
    assert months(out) == ["2026-08", "2026-10"]
    assert f"删除前的历史库备份在 {out / 'history.sqlite.bak'}" in result.output
    assert [m.label for m in stored_months_of(out / "history.sqlite.bak")] == ["2026-08", "2026-09", "2026-10"]


def test_drop_asks_first_and_a_no_keeps_the_month(out):
    result = invoke("history", "drop", "2026-10", "--out", out, input="n\n")
    assert result.exit_code == 0
    assert "确定从历史库" in result.output and "删除 2026-10 的全部记录吗？" in result.output
    assert "未删除。" in result.output and months(out) == ["2026-08", "2026-09", "2026-10"]
    result = invoke("history", "drop", "2026-10", "--out", out, input="y\n")
    assert result.exit_code == 0 and months(out) == ["2026-08", "2026-09"]
    assert f"输出文件夹 {out / '2026-10'} 没有删除" in result.output


def test_drop_without_a_terminal_and_without_yes_is_a_usage_error(out):
    result = invoke("history", "drop", "2026-10", "--out", out, input="")
    assert result.exit_code == 2 and "请加 --yes" in result.output
    assert months(out) == ["2026-08", "2026-09", "2026-10"]


def test_drop_of_a_month_not_kept_names_the_months_that_are(out):
    result = invoke("history", "drop", "2026-11", "--out", out, "--yes")
    assert result.exit_code == 2
    assert "没有 2026-11 的记录（现有：2026-08、2026-09、2026-10）" in result.output


def test_drop_waits_for_a_running_kehu(out, monkeypatch):
    monkeypatch.setattr(outfolder, "LOCK_WAIT_SECONDS", 0.2)
    running = FolderLock.take(out, "run", Month(2026, 11))
    try:
        result = invoke("history", "drop", "2026-10", "--out", out, "--yes")
    finally:
        running.release()
    assert result.exit_code == 2 and "kehu run 2026-11" in result.output
    assert months(out) == ["2026-08", "2026-09", "2026-10"]


def test_a_dropped_month_is_no_longer_history_for_the_next(out, tmp_path):
    """李娜 (1002) was worst in Aug and Sep: October is her third → 500.00. Without September
    (dropped) the streak is broken and October deducts nothing."""
    import json
    month_dir = tmp_path / "十月"
    li = lambda: next(e for e in json.loads((out / "2026-10" / "results.json").read_text(encoding="utf-8"))["employees"]
                      if e["employee_id"] == "1002")["learning"]["deduction"]
    assert li() == "500.00"
    assert invoke("history", "drop", "2026-09", "--out", out, "--yes").exit_code == 0
    assert invoke("run", month_dir, "--month", "2026-10", "--out", out).exit_code == 0
    assert li() == "0.00"
