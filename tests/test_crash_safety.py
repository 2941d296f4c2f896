"""Real `kehu run` children killed at named points (kehu/crashpoint.py; issue 12 items 4, 5, 7).

A good October is in place (inputs A); a run of a changed October (inputs B: another revenue,
so other results and other history rows) is killed at a point of its commit. After the kill a
complete copy of the month exists; the next kehu command repairs the folder so that the month
in place and its history rows agree — the previous month before the commit point, the new one
after it; and the next `kehu run` finishes with exit 0 and the results a clean run gives.

Killing the main process while the pool writes workbooks must not leave its workers running.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from builders import tiny_month, write_month
from kehu.cli import cli
from kehu.month import Month
from kehu.outfolder import FolderLock

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the kills are POSIX signals")
ROOT = Path(__file__).resolve().parents[1]
BEFORE_COMMIT = ["during-history-write", "before-swap", "after-aside"]
AFTER_COMMIT = ["after-commit", "after-swap"]


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def child(*args, kill_at: str, **env) -> subprocess.CompletedProcess:
    """`kehu` in a child process that kills itself at the point ``kill_at``."""
    return subprocess.run([sys.executable, "-m", "kehu", *map(str, args)], capture_output=True, text=True,
                          env=dict(os.environ, KEHU_TEST_KILL_AT=kill_at, **env), timeout=300)


def results(folder: Path) -> bytes:
    return (folder / "results.json").read_bytes()


def dump(out: Path) -> list | None:
    """The history store's rows, without the months table's times and run ids."""
    if not (out / "history.sqlite").exists():
        return None
    with sqlite3.connect(out / "history.sqlite") as conn:
        return [line for line in conn.iterdump() if 'INTO "months"' not in line]


def complete_copies(out: Path) -> list[bytes]:
    """results.json of every folder of October — in place or left aside — whose manifest's files
    are all there."""
    found = []
    for folder in sorted(out.glob("*2026-10*")):
        manifest = folder / "manifest.json"
        if folder.is_dir() and manifest.is_file():
            listed = json.loads(manifest.read_text(encoding="utf-8"))["outputs"]
            if all((folder / name).is_file() for name in listed):
                found.append(results(folder))
    return found


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith(".") and p.name != ".kehu.lock")


@pytest.fixture(scope="module")
def months(tmp_path_factory):
    """Inputs A and B, and what a clean run of each gives: (results.json, history rows)."""
    base = tmp_path_factory.mktemp("months")
    a = write_month(base / "A", tiny_month())
    changed = tiny_month()
    changed["客户名册.xlsx"]["客户"][1][11] = 99999
    b = write_month(base / "B", changed)
    clean = {}
    for name, folder in (("A", a), ("B", b)):
        out = base / f"clean-{name}"
        assert invoke("run", folder, "--month", "2026-10", "--out", out).exit_code == 0
        clean[name] = (results(out / "2026-10"), dump(out), out)
    assert clean["A"][0] != clean["B"][0] and clean["A"][1] != clean["B"][1]
    return {"A": a, "B": b, "clean": clean}


def with_good_october(months, tmp_path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(months["clean"]["A"][2], out)
    return out


@pytest.mark.parametrize("point", BEFORE_COMMIT + AFTER_COMMIT)
def test_a_run_killed_at_each_point_is_repaired_to_one_whole_month(months, tmp_path, point):
    out = with_good_october(months, tmp_path)
    killed = child("run", months["B"], "--month", "2026-10", "--out", out, kill_at=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    expected = "A" if point in BEFORE_COMMIT else "B"
    good, rows, _ = months["clean"][expected]
    assert good in complete_copies(out)                  # a whole copy survived the kill
    assert invoke("history", "--out", out).exit_code == 0   # the next command repairs, under the lock
    assert results(out / "2026-10") == good and dump(out) == rows and leftovers(out) == []
    assert invoke("run", months["B"], "--month", "2026-10", "--out", out).exit_code == 0
    assert results(out / "2026-10") == months["clean"]["B"][0] and dump(out) == months["clean"]["B"][1]


@pytest.mark.parametrize("point", ["during-history-write", "before-swap", "after-commit"])
def test_a_first_run_killed_leaves_both_or_neither(months, tmp_path, point):
    """A fresh folder (SPEC §9.6): before the commit point the repair leaves no month and no
    history.sqlite; after it, the month and its history."""
    out = tmp_path / "out"
    assert child("run", months["B"], "--month", "2026-10", "--out", out, kill_at=point).returncode == -signal.SIGKILL
    assert invoke("history", "--out", out).exit_code == 0
    if point == "after-commit":
        assert results(out / "2026-10") == months["clean"]["B"][0] and dump(out) == months["clean"]["B"][1]
    else:
        assert sorted(p.name for p in out.iterdir()) == [".kehu.lock"]


def test_sigterm_cleans_up_like_ctrl_c(months, tmp_path):
    """SIGTERM after the previous folder went aside: it comes back, the history is rolled back,
    the new folder is removed and the lock released; exit 143."""
    out = with_good_october(months, tmp_path)
    terminated = child("run", months["B"], "--month", "2026-10", "--out", out, kill_at="after-aside:TERM")
    assert terminated.returncode == 143, terminated.stderr
    assert "kehu 已终止" in terminated.stderr and "Traceback" not in terminated.stderr
    assert results(out / "2026-10") == months["clean"]["A"][0] and dump(out) == months["clean"]["A"][1]
    assert leftovers(out) == []
    FolderLock.take(out, "run", Month(2026, 10), wait=0).release()


# -- the pool's workers end with their parent (item 7) -----------------------------------------

@pytest.fixture(scope="module")
def sixty_managers(tmp_path_factory):
    """A month with more managers than outputs.PARALLEL_MIN: its workbooks are written by the pool."""
    folder = tmp_path_factory.mktemp("sixty") / "inputs"
    subprocess.run([sys.executable, str(ROOT / "bench" / "make_month.py"), "--out", str(folder), "--managers", "60",
                    "--rooms", "3", "--customers", "300", "--punches", "0", "--visits", "400", "--callbacks", "200"],
                   check=True, capture_output=True, timeout=300)
    return folder


def tagged_alive(tag: str) -> list[int]:
    """Live processes (zombies aside) whose environment carries ``tag``."""
    alive = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and tag.encode() in (proc / "environ").read_bytes() \
                    and (proc / "stat").read_text().split(") ")[-1][0] != "Z":
                alive.append(int(proc.name))
        except OSError:
            continue
    return alive


def gone_within(tag: str, seconds: float) -> list[int]:
    """The tagged processes still alive after waiting up to ``seconds`` for them to end."""
    deadline = time.monotonic() + seconds
    while tagged_alive(tag) and time.monotonic() < deadline:
        time.sleep(0.2)
    return tagged_alive(tag)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", ["workbooks", "workbooks:TERM"])
def test_killing_the_run_during_the_workbooks_ends_the_pool_workers(sixty_managers, tmp_path, how):
    tag = f"kehu-test-{uuid.uuid4().hex}"
    out = tmp_path / "out"
    ended = child("run", sixty_managers, "--month", "2026-10", "--out", out, "--jobs", "2", kill_at=how,
                  KEHU_TEST_TAG=tag)
    assert ended.returncode == (143 if how.endswith("TERM") else -signal.SIGKILL), ended.stderr
    assert gone_within(tag, 30) == []
    if how.endswith("TERM"):                          # cleaned up as Ctrl+C would
        assert sorted(p.name for p in out.iterdir()) == [".kehu.lock"]
    FolderLock.take(out, "run", Month(2026, 10), wait=0).release()
