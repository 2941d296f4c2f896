"""kehu run end to end on the tiny month: outputs, exit codes, determinism, atomicity, history."""
from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from builders import tiny_month, write_month
from kehu.cli import cli
from kehu.month import Month
from kehu.pipeline import run
from kehu.rules import load_rules

MONTH = Month(2026, 10)


@pytest.fixture
def month_dir(tmp_path) -> Path:
    return write_month(tmp_path / "输入 2026年10月", tiny_month())


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def leftovers(out: Path) -> list:
    """What a run leaves in the output folder besides its results: nothing but the lock file."""
    return [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != ".kehu.lock"]


def hashes(folder: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_run_writes_every_output(month_dir, tmp_path):
    out = tmp_path / "out"
    result = invoke("run", month_dir, "--month", "2026-10", "--out", out)
    assert result.exit_code == 0, result.output
    done = out / "2026-10"
    for name in ("results.json", "payroll.csv", "manifest.json", "校验报告.xlsx"):
        assert (done / name).is_file()
    assert (out / "history.sqlite").is_file()
    assert sorted(p.name for p in (done / "managers").iterdir()) == \
        ["1001_张伟.xlsx", "1002_李娜.xlsx", "1003_王强.xlsx"]
    manifest = json.loads((done / "manifest.json").read_text(encoding="utf-8"))
    assert all(s["balanced"] for s in manifest["sheets"])
    on_disk = sorted(p.relative_to(done).as_posix() for p in done.rglob("*") if p.is_file())
    assert manifest["outputs"] == on_disk                             # every file listed, nothing else
    assert any(name.startswith("letters/") for name in on_disk)
    assert leftovers(out) == []                                       # no temporary folder left


def test_payroll_is_utf8_bom_and_matches_results(month_dir, tmp_path):
    out = tmp_path / "out"
    invoke("run", month_dir, "--month", "2026-10", "--out", out)
    raw = (out / "2026-10" / "payroll.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["工号", "姓名", "绩效基数", "KPI得分", "扣款合计", "应发绩效"]
    results = json.loads((out / "2026-10" / "results.json").read_text(encoding="utf-8"))
    assert [r[0] for r in rows[1:]] == [e["employee_id"] for e in results["employees"]]
    assert [r[5] for r in rows[1:]] == [e["performance_pay"] for e in results["employees"]]


def test_results_json_is_byte_identical_across_runs_and_inputs_untouched(month_dir, tmp_path):
    before = hashes(month_dir)
    invoke("run", month_dir, "--month", "2026-10", "--out", tmp_path / "a")
    invoke("run", month_dir, "--month", "2026-10", "--out", tmp_path / "b")
    a = (tmp_path / "a" / "2026-10" / "results.json").read_bytes()
    b = (tmp_path / "b" / "2026-10" / "results.json").read_bytes()
    assert a == b
    assert hashes(month_dir) == before


def test_input_error_stops_before_any_output(month_dir, tmp_path):
    month = tiny_month()
    month["员工名册.xlsx"]["员工"][1][4] = "五千"          # 绩效基数 of 1001 is text
    folder = write_month(tmp_path / "bad", month)
    out = tmp_path / "out"
    result = invoke("run", folder, "--month", "2026-10", "--out", out)
    assert result.exit_code == 1
    assert "E-money" in result.output
    assert not (out / "2026-10").exists()
    assert not (out / "history.sqlite").exists()
    assert (out / "校验报告_2026-10.xlsx").is_file()


def test_skip_invalid_drops_the_bad_rows_and_runs(tmp_path):
    month = tiny_month()
    month["打卡记录.xlsx"]["打卡"][3][1] = "昨天上午"       # one unreadable punch
    folder = write_month(tmp_path / "bad", month)
    out = tmp_path / "out"
    assert invoke("run", folder, "--month", "2026-10", "--out", out).exit_code == 1
    result = invoke("run", folder, "--month", "2026-10", "--out", out, "--skip-invalid")
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "2026-10" / "manifest.json").read_text(encoding="utf-8"))
    punches = next(s for s in manifest["sheets"] if s["dataset"] == "punches")
    assert punches["rejected"] == 1 and punches["balanced"]


def test_rerun_replaces_the_month_and_keeps_previous_output_on_failure(month_dir, tmp_path, monkeypatch):
    out = tmp_path / "out"
    invoke("run", month_dir, "--month", "2026-10", "--out", out)
    good = (out / "2026-10" / "results.json").read_bytes()

    from kehu.render import outputs

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(outputs, "write_payroll", boom)
    with pytest.raises(RuntimeError):
        run(month_dir, MONTH, out, load_rules())
    assert (out / "2026-10" / "results.json").read_bytes() == good
    assert leftovers(out) == []


def _fail_after_the_history_rows(monkeypatch):
    """The department workbook fails: by then the month's history rows are being written."""
    from kehu.render import outputs

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(outputs, "write_department_book", boom)


def test_failed_run_creates_no_history(month_dir, tmp_path, monkeypatch):
    _fail_after_the_history_rows(monkeypatch)
    with pytest.raises(RuntimeError):
        run(month_dir, MONTH, tmp_path / "out", load_rules())
    assert [p.name for p in (tmp_path / "out").iterdir()] == [".kehu.lock"]


def test_failed_rerun_leaves_the_history_as_it_was(month_dir, tmp_path, monkeypatch):
    out = tmp_path / "out"
    invoke("run", month_dir, "--month", "2026-10", "--out", out)
    before = _history_dump(out / "history.sqlite")
    month = tiny_month()
    month["客户名册.xlsx"]["客户"][1][11] = 99999            # another revenue for the first customer
    changed = write_month(tmp_path / "changed", month)
    _fail_after_the_history_rows(monkeypatch)
    with pytest.raises(RuntimeError):
        run(changed, MONTH, out, load_rules())
    assert _history_dump(out / "history.sqlite") == before
    monkeypatch.undo()
    run(changed, MONTH, out, load_rules())
    assert _history_dump(out / "history.sqlite") != before


def _history_dump(path: Path) -> list:
    import sqlite3
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


def test_unexpected_failure_is_one_line_exit_3(month_dir, tmp_path, monkeypatch):
    import kehu.pipeline as pipeline

    def boom(*args, **kwargs):
        raise RuntimeError("模拟故障")
    monkeypatch.setattr(pipeline, "validate_month", boom)
    result = CliRunner().invoke(cli, ["run", str(month_dir), "--month", "2026-10", "--out", str(tmp_path / "o")])
    assert result.exit_code == 3
    assert "Traceback" not in result.output and "模拟故障" in result.output


def zhang_with_rules(month_dir: Path, tmp_path: Path, toml: str) -> dict:
    """results.json's entry of 1001 张伟 after `kehu run --rules` with ``toml``."""
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text(toml, encoding="utf-8")
    out = tmp_path / "out"
    assert invoke("run", month_dir, "--month", "2026-10", "--out", out, "--rules", rules_file).exit_code == 0
    results = json.loads((out / "2026-10" / "results.json").read_text(encoding="utf-8"))
    return next(e for e in results["employees"] if e["employee_id"] == "1001")


def test_rules_override_changes_the_result(month_dir, tmp_path):
    zhang = zhang_with_rules(month_dir, tmp_path, '[violations.kinds."未穿工作服"]\namount = 80\nnotice = false\n')
    assert zhang["violations"]["deduction"] == "80.00"


def test_rules_file_errors_exit_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[attendance]\ngrace_minute = 3\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["rules", "--rules", str(bad)])
    assert result.exit_code == 2
    assert "attendance.grace_minute" in result.output


@pytest.mark.parametrize("delay", [0.3, 0.8, 1.5])
def test_a_killed_run_leaves_the_previous_output_intact(month_dir, tmp_path, delay):
    """SIGKILL at several moments: once the next kehu command has repaired the folder (a kill
    between putting the old folder aside and the new one in leaves them under hidden names), the
    month folder is either the old one or the new one, whole (tests/test_crash_safety.py kills at
    each named point)."""
    import signal
    import subprocess
    import sys
    import time
    out = tmp_path / "out"
    invoke("run", month_dir, "--month", "2026-10", "--out", out)
    good = (out / "2026-10" / "results.json").read_bytes()
    proc = subprocess.Popen([sys.executable, "-m", "kehu", "run", str(month_dir), "--month", "2026-10",
                             "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert invoke("history", "--out", out).exit_code == 0
    assert (out / "2026-10" / "results.json").read_bytes() == good
    assert (out / "2026-10" / "manifest.json").is_file()
    # the next run cleans up whatever the killed one left behind
    assert invoke("run", month_dir, "--month", "2026-10", "--out", out).exit_code == 0
    assert leftovers(out) == []


def test_a_season_date_in_the_rules_file_changes_the_result(month_dir, tmp_path):
    """Winter AM start moved from 09:50 to 09:30: the 09:45 in-punches become 15 minutes late (tier 50)."""
    zhang = zhang_with_rules(month_dir, tmp_path, '[schedule.winter]\nam = ["09:30", "13:00"]\n')
    lates = [(x["date"], x["minutes"], x["amount"]) for x in zhang["attendance"]["events"] if x["type"] == "late"]
    assert lates == [("2026-10-09", 15, "50.00"), ("2026-10-12", 15, "50.00")]


def test_a_broken_letter_template_exits_2_naming_file_and_line(month_dir, tmp_path):
    templates = tmp_path / "my_templates"
    templates.mkdir()
    (templates / "callback_letter.html").write_text("{% extends 'base.html' %}\n{% block body %}\n{{ customer | no_such_filter }}\n{% endblock %}\n",
                                                   encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", str(month_dir), "--month", "2026-10", "--out", str(tmp_path / "o"),
                                      "--templates", str(templates)])
    assert result.exit_code == 2, result.output
    assert "callback_letter.html" in result.output and "第 3 行" in result.output
    assert not (tmp_path / "o" / "2026-10").exists()


def test_a_gbk_console_never_crashes_on_printing(tmp_path):
    """The clerk's Windows console is GBK: characters outside GBK are replaced, not a crash."""
    import os
    import subprocess
    import sys
    month = tiny_month()
    month["出访登记.xlsx"]["出访"].append(["2026-10-21", "1001", "潜在客户✓🙂", "上门", "拜访", "否", "否", None])
    folder = write_month(tmp_path / "输入", month)
    env = dict(os.environ, PYTHONIOENCODING="gbk")
    proc = subprocess.run([sys.executable, "-m", "kehu", "run", str(folder), "--month", "2026-10",
                           "--out", str(tmp_path / "out")], env=env, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode("gbk", "replace")
    text = proc.stdout.decode("gbk")
    assert "W-unknown-customer" in text and "潜在客户" in text


def test_learning_streak_continues_from_the_history_store(month_dir, tmp_path):
    """李娜 (1002) was worst of 重要一室 in Aug and Sep (stored by earlier runs) and is worst again in
    October (70 vs 90): streak 3 → 10% × 5000 = 500.00. Without the history her streak is 1 → 0."""
    import pandas as pd

    from kehu.history import HistoryStore
    out = tmp_path / "out"
    flags = pd.DataFrame({"month": ["2026-08", "2026-08", "2026-09", "2026-09"],
                          "employee_id": ["1001", "1002", "1001", "1002"],
                          "room": ["重要一室"] * 4, "flag": ["best", "worst", "best", "worst"]})
    empty_visits = pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "manager_id": [], "customer_id": [],
                                 "method": []})
    empty_revenue = pd.DataFrame({"customer_id": [], "manager_id": [], "revenue": []})
    with HistoryStore(out / "history.sqlite") as store:
        for label in ("2026-08", "2026-09"):
            store.save_month(Month.parse(label), flags[flags["month"] == label], empty_revenue, empty_visits)
    assert invoke("run", month_dir, "--month", "2026-10", "--out", out).exit_code == 0
    results = json.loads((out / "2026-10" / "results.json").read_text(encoding="utf-8"))
    li = next(e for e in results["employees"] if e["employee_id"] == "1002")
    assert li["learning"] == {"score": 70.0, "flag": "worst", "deduction": "500.00", "certificate": False}
    assert invoke("run", month_dir, "--month", "2026-10", "--out", tmp_path / "fresh").exit_code == 0
    fresh = json.loads((tmp_path / "fresh" / "2026-10" / "results.json").read_text(encoding="utf-8"))
    assert next(e for e in fresh["employees"] if e["employee_id"] == "1002")["learning"]["deduction"] == "0.00"
    # re-running October replaced October only: August and September are still there
    with HistoryStore(out / "history.sqlite") as store:
        assert [m.label for m in store.stored_months()] == ["2026-08", "2026-09", "2026-10"]


def test_skip_invalid_cannot_skip_a_missing_dataset(tmp_path):
    month = tiny_month()
    del month["员工名册.xlsx"]
    folder = write_month(tmp_path / "no_staff", month)
    out = tmp_path / "out"
    result = invoke("run", folder, "--month", "2026-10", "--out", out, "--skip-invalid")
    assert result.exit_code == 1
    assert "E-dataset-missing" in result.output
    assert not (out / "2026-10").exists()


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_the_pools_write_the_same_month_as_one_process(month_dir, tmp_path, monkeypatch, method):
    """Windows has only spawn: the load, report and workbook/letter pools must work under it too."""
    import multiprocessing

    from kehu.load import folder
    from kehu.render import outputs
    serial = run(month_dir, MONTH, tmp_path / "serial", load_rules(), jobs=1)
    context = multiprocessing.get_context(method)
    monkeypatch.setattr(outputs, "PARALLEL_MIN", 0)                  # the tiny month through every pool
    monkeypatch.setattr(folder, "PARALLEL_BYTES", 0)                  # the load and the report too
    monkeypatch.setattr(outputs.multiprocessing, "get_context", lambda: context)
    from concurrent.futures import ProcessPoolExecutor

    def pool(**options):
        options.pop("mp_context", None)
        return ProcessPoolExecutor(mp_context=context, **options)
    monkeypatch.setattr(folder, "ProcessPoolExecutor", pool)
    monkeypatch.setattr(outputs, "ProcessPoolExecutor", pool)             # the report's child and the pool
    pooled = run(month_dir, MONTH, tmp_path / "pooled", load_rules(), jobs=2)
    assert serial.exit_code == pooled.exit_code == 0
    assert serial.outputs == pooled.outputs
    for name in serial.outputs:
        assert (serial.out_dir / name).read_bytes() == (pooled.out_dir / name).read_bytes(), name


MAIN_FROM_PYTHON = """
import atexit, sys
atexit.register(lambda: print("atexit ran"))
from kehu.cli import main
sys.argv = ["kehu", "run", sys.argv[1], "--month", "2026-10", "--out", sys.argv[2]]
print("main returned", main())
sys.argv = ["kehu", "run", sys.argv[3], "--month", "2026-10", "--out", sys.argv[4]]
print("main returned", main())
"""


def test_main_returns_the_exit_code_to_a_python_caller_and_atexit_runs(month_dir, tmp_path):
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-c", MAIN_FROM_PYTHON, str(month_dir), str(tmp_path / "out"),
                           str(tmp_path / "没有这个文件夹"), str(tmp_path / "out2")],
                          capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line for line in lines if line.startswith(("main returned", "atexit"))] == [
        "main returned 0", "main returned 2", "atexit ran"]
    assert (tmp_path / "out" / "2026-10" / "results.json").is_file()
