"""The run's safety contract (kehu/outfolder.py; SPEC §9.6, §10.9; issue 12 items 4, 5, 6, 11):
one run at a time, a month's folder and its history rows committed as one unit, an interrupted
run repaired, the user's umask kept, a folder that cannot be written named (exit 2).

Faults are injected here in-process (a step monkeypatched to fail); tests/test_crash_safety.py
kills real `kehu run` children at named points.
"""
from __future__ import annotations

import errno
import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from builders import tiny_month, write_month
from kehu import outfolder
from kehu.cli import cli
from kehu.history import PendingMonth
from kehu.month import Month
from kehu.outfolder import FolderLock, OutputError

OCT, SEP = Month(2026, 10), Month(2026, 9)
POSIX_MODES = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions and umask")


def invoke(*args, **kwargs):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, **kwargs)


@pytest.fixture
def month_dir(tmp_path) -> Path:
    return write_month(tmp_path / "十月", tiny_month())


@pytest.fixture
def changed_dir(tmp_path) -> Path:
    """October with another revenue for 000101: other results, other history rows."""
    month = tiny_month()
    month["客户名册.xlsx"]["客户"][1][11] = 99999
    return write_month(tmp_path / "十月改", month)


@pytest.fixture
def done(month_dir, tmp_path):
    """An output folder with a good October; (out, its results.json, its history dump)."""
    out = tmp_path / "out"
    assert invoke("run", month_dir, "--month", "2026-10", "--out", out).exit_code == 0
    return out, results(out), dump(out)


def results(out: Path) -> bytes:
    return (out / "2026-10" / "results.json").read_bytes()


def dump(out: Path) -> list:
    with sqlite3.connect(out / "history.sqlite") as conn:
        return [line for line in conn.iterdump() if "INTO \"months\"" not in line]


def leftovers(out: Path) -> list:
    return sorted(p.name for p in out.iterdir() if p.name.startswith(".") and p.name != ".kehu.lock")


# -- the lock (item 6) --------------------------------------------------------------------------

def test_a_second_run_waits_then_exits_2_naming_the_running_one(month_dir, tmp_path, monkeypatch):
    out = tmp_path / "out"
    monkeypatch.setattr(outfolder, "LOCK_WAIT_SECONDS", 0.3)
    holder = FolderLock.take(out, "run", SEP)
    try:
        result = invoke("run", month_dir, "--month", "2026-10", "--out", out)
        started = json.loads((out / ".kehu.lock").read_text(encoding="utf-8"))["started"]
    finally:
        holder.release()
    assert result.exit_code == 2
    assert f"进程号 {os.getpid()}" in result.output and "kehu run 2026-09" in result.output
    assert started in result.output and "请等它完成后再运行" in result.output
    assert not (out / "2026-10").exists() and not (out / "history.sqlite").exists()
    assert invoke("run", month_dir, "--month", "2026-10", "--out", out).exit_code == 0   # released: runs


def test_the_lock_is_held_from_the_history_read_to_the_commit(month_dir, tmp_path, monkeypatch):
    """Two months into one folder are serialised: no other run can take the lock while this one
    reads the history (before compute) or commits it — so 2026-10 never reads a 2026-09 half done."""
    import kehu.compute.history_rows as history_rows       # the run imports read_history from here
    out, seen = tmp_path / "out", []
    read, commit = history_rows.read_history, PendingMonth.commit

    def locked_out() -> bool:
        try:
            FolderLock.take(out, "run", SEP, wait=0).release()
        except OutputError:
            return True
        return False

    monkeypatch.setattr(history_rows, "read_history", lambda *a: seen.append(("read", locked_out())) or read(*a))
    monkeypatch.setattr(PendingMonth, "commit", lambda self: seen.append(("commit", locked_out())) or commit(self))
    assert invoke("run", month_dir, "--month", "2026-10", "--out", out).exit_code == 0
    assert seen == [("read", True), ("commit", True)]
    assert not locked_out()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork")
def test_a_forked_child_does_not_keep_the_lock(tmp_path):
    """Pool workers are forked: their copy of the lock's descriptor is closed, so a worker that
    outlives its run cannot keep the folder locked."""
    lock = FolderLock.take(tmp_path, "run", OCT)
    pid = os.fork()
    if pid == 0:                                    # the child: is the descriptor still open?
        try:
            os.fstat(lock.fd)
            os._exit(1)
        except OSError:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    lock.release()
    assert os.waitstatus_to_exitcode(status) == 0


# -- the swap and the history commit as one unit (items 4, 5) ------------------------------------

def test_a_history_commit_that_fails_leaves_the_previous_month_and_history(done, changed_dir, monkeypatch):
    """The disk fails at the commit point, after the previous folder went aside: it comes back,
    the history is as it was, exit 2 with the file named (not "意外失败", exit 3)."""
    out, good, before = done
    monkeypatch.setattr(PendingMonth, "commit", _failing_commit(sqlite3.OperationalError("disk I/O error")))
    result = invoke("run", changed_dir, "--month", "2026-10", "--out", out)
    assert result.exit_code == 2, result.output
    assert str(out / "history.sqlite") in result.output and "请检查磁盘空间" in result.output
    assert results(out) == good and dump(out) == before and leftovers(out) == []


def _failing_commit(error):
    """PendingMonth.commit failing as SQLite does: the transaction rolled back, the error mapped."""
    from kehu.history_check import store_error

    def commit(self):
        self._thread.join()
        self._close(rollback=True)
        raise store_error(self.path, error)
    return commit


def test_a_failed_first_run_leaves_no_history_store(month_dir, tmp_path, monkeypatch):
    """SPEC §9.6 in a fresh folder: the commit fails → no month folder, no history.sqlite."""
    out = tmp_path / "out"
    monkeypatch.setattr(PendingMonth, "commit", _failing_commit(sqlite3.OperationalError("database is locked")))
    result = invoke("run", month_dir, "--month", "2026-10", "--out", out)
    assert result.exit_code == 2 and "正被其他程序占用" in result.output
    assert sorted(p.name for p in out.iterdir()) == [".kehu.lock"]


def test_a_store_locked_by_another_program_stops_the_run_before_it_starts(done, changed_dir, monkeypatch):
    import kehu.history_check as history_check
    out, good, before = done
    monkeypatch.setattr(history_check, "BUSY_SECONDS", 0.2)
    other = sqlite3.connect(out / "history.sqlite")
    other.execute("BEGIN IMMEDIATE")                  # e.g. a database tool with an unsaved change
    try:
        result = invoke("run", changed_dir, "--month", "2026-10", "--out", out)
    finally:
        other.rollback()
        other.close()
    assert result.exit_code == 2
    assert f"历史库 {out / 'history.sqlite'} 正被其他程序占用" in result.output
    assert results(out) == good and dump(out) == before


def test_a_move_into_place_that_fails_after_the_commit_is_finished_by_the_next_run(done, changed_dir, monkeypatch):
    """History committed, then the new folder cannot be moved in: the run stops (exit 2) with
    its journal kept, and the next kehu command puts the committed month in place."""
    out, good, _ = done
    real = os.replace

    def refuse_new_folder(source, target, *a, **k):
        if Path(source).name.startswith(".2026-10-new-") and Path(target).name == "2026-10":
            raise PermissionError(errno.EACCES, "拒绝访问", str(source))
        return real(source, target, *a, **k)
    monkeypatch.setattr(outfolder.os, "replace", refuse_new_folder)
    result = invoke("run", changed_dir, "--month", "2026-10", "--out", out)
    assert result.exit_code == 2
    assert "2026-10 的结果已经完成并记入历史库" in result.output and f"kehu history --out {out}" in result.output
    monkeypatch.undo()
    assert not (out / "2026-10").exists() and ".kehu-journal.json" in leftovers(out)
    assert invoke("history", "--out", out).exit_code == 0       # repairs under the lock
    assert results(out) != good and leftovers(out) == []
    fresh = out.parent / "fresh"
    assert invoke("run", changed_dir, "--month", "2026-10", "--out", fresh).exit_code == 0
    assert results(out) == results(fresh) and dump(out) == dump(fresh)


def test_a_month_folder_moved_aside_by_an_older_kehu_is_restored_not_deleted(done, tmp_path):
    """Issue 12 item 4: a run killed between the two renames left only `.2026-10-old-<pid>`; the
    next run — here one that fails validation — must put it back, not delete it as stale."""
    out, good, _ = done
    os.replace(out / "2026-10", out / ".2026-10-old-4242")
    (out / ".2026-10-x1y2z3ab").mkdir()              # and the killed run's temporary folder
    month = tiny_month()
    month["员工名册.xlsx"]["员工"][1][4] = "五千"
    bad = write_month(tmp_path / "bad", month)
    assert invoke("run", bad, "--month", "2026-10", "--out", out).exit_code == 1
    assert results(out) == good and leftovers(out) == []


def test_a_file_open_in_excel_stops_the_swap_and_keeps_the_previous_month(done, changed_dir, monkeypatch):
    """Windows will not rename a folder while Excel/WPS holds a file in it open."""
    out, good, before = done
    real = os.replace
    locked = out / "2026-10" / "managers" / "1001_张伟.xlsx"

    def windows_replace(source, target, *a, **k):
        if Path(source) == out / "2026-10":
            raise PermissionError(errno.EACCES, "另一个程序正在使用此文件，进程无法访问。", str(source))
        return real(source, target, *a, **k)
    monkeypatch.setattr(outfolder.os, "replace", windows_replace)
    monkeypatch.setattr(outfolder, "file_in_use", lambda path: path == locked)
    result = invoke("run", changed_dir, "--month", "2026-10", "--out", out)
    assert result.exit_code == 2
    assert str(locked) in result.output and "请关闭 Excel/WPS 中打开的该文件后重试" in result.output
    assert results(out) == good and dump(out) == before and leftovers(out) == []


# -- folders that cannot be written (item 11), the umask --------------------------------------

@pytest.fixture
def read_only(monkeypatch):
    """Make a folder read-only; as root (whom permissions do not stop) the OS refusal is injected."""
    made = []

    def make(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o555)
        made.append(folder)
        if os.geteuid() == 0:                       # (POSIX_MODES: the tests using it)
            for name in ("open", "mkdir"):
                real = getattr(os, name)

                def refuse(path, *a, real=real, **k):
                    if Path(os.path.abspath(path)).parent == folder:
                        raise PermissionError(errno.EACCES, "Permission denied", str(path))
                    return real(path, *a, **k)
                monkeypatch.setattr(os, name, refuse)
        return folder
    yield make
    for folder in made:
        folder.chmod(0o755)                         # so that pytest can remove it


@POSIX_MODES
def test_a_read_only_output_folder_exits_2_naming_it(month_dir, tmp_path, read_only):
    out = read_only(tmp_path / "只读")
    result = invoke("run", month_dir, "--month", "2026-10", "--out", out)
    assert result.exit_code == 2, result.output
    assert f"无法写入输出文件夹 {out}（没有写入权限）" in result.output and "Errno" not in result.output


@POSIX_MODES
def test_validate_shows_the_findings_when_the_report_cannot_be_written(tmp_path, read_only, monkeypatch):
    month = tiny_month()
    month["员工名册.xlsx"]["员工"][1][4] = "五千"
    bad = write_month(tmp_path / "bad", month)
    monkeypatch.chdir(read_only(tmp_path / "只读"))           # the default report: ./kehu-out/…
    result = invoke("validate", bad, "--month", "2026-10")
    assert result.exit_code == 1
    assert "E-money" in result.output
    assert f"校验报告无法写入 {Path('kehu-out') / '校验报告_2026-10.xlsx'}（没有写入权限）" in result.output


def test_validate_names_a_report_path_it_cannot_write(month_dir, tmp_path):
    (tmp_path / "报告").write_text("a file where the report's folder should be", encoding="utf-8")
    taken = tmp_path / "报告" / "校验报告.xlsx"
    result = invoke("validate", month_dir, "--month", "2026-10", "--report", taken)
    assert result.exit_code == 0
    assert f"校验报告无法写入 {taken}（同名的文件已存在，不能建文件夹）" in result.output


@POSIX_MODES
def test_output_folders_keep_the_users_umask(month_dir, tmp_path):
    previous = os.umask(0o027)
    try:
        assert invoke("run", month_dir, "--month", "2026-10", "--out", tmp_path / "out").exit_code == 0
    finally:
        os.umask(previous)
    done = tmp_path / "out" / "2026-10"
    assert [oct(p.stat().st_mode & 0o777) for p in (done, done / "managers")] == ["0o750", "0o750"]
    assert oct((done / "results.json").stat().st_mode & 0o777) == "0o640"


@pytest.mark.parametrize("journal", ["{not json", '{"run": "x", "month": "2026-10", "new": "../../etc", '
                                     '"old": ".2026-10-old-1", "created_store": false}'])
def test_a_damaged_journal_is_refused_and_nothing_is_moved(done, journal):
    out, good, _ = done
    (out / ".kehu-journal.json").write_text(journal, encoding="utf-8")
    result = invoke("history", "--out", out)
    assert result.exit_code == 2 and "kehu 的运行记录" in result.output and "已损坏" in result.output
    assert results(out) == good
