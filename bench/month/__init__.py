"""One month of kehu input files, generated dataset by dataset like kehu/schema.py lists them:
staff 员工名册, customers 客户名册, visits 出访登记, punches 打卡记录, leave 请假外出, violations 违纪记录,
targets 指标, tests 学习测评, callbacks 回访记录, calendar 日历 — one module each, making the frame and
its file(s). ``generic`` puts them together into the bench month of either shape, ``demo`` (with
``demo_visits`` and ``demo_files``) into the hand-made demo month; ``write`` writes the files.
The command line is bench/make_month.py."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from .demo import build_demo
from .demo_files import demo_tasks
from .generic import SHAPES, build_generic, generic_tasks
from .write import run_writes

__all__ = ["SHAPES", "build_demo", "build_generic", "generate"]


def generate(out_dir, month="2026-10", rooms=2, managers=12, customers=150, punches=None, visits=None,
             callbacks=None, seed=1, demo=False, csv=False, jobs=1, verbose=False, shape="punches", duplicates=None):
    """Write one month of inputs into ``out_dir``; returns a summary dict
    (``files``, ``rows`` per dataset, ``seconds``, ``planted`` text for the demo)."""
    t0 = time.time()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    planted = None
    if demo:
        frames, planted = build_demo()
        tasks = demo_tasks(frames, out)
    else:
        frames = build_generic(month, rooms, managers, customers, punches, visits, callbacks, seed,
                               shape=shape, duplicates=duplicates)
        tasks = generic_tasks(frames, out, as_csv=csv)
    t1 = time.time()
    if verbose:
        print(f"built data in {t1 - t0:.1f}s; writing {len(tasks)} files with {jobs} job(s)", file=sys.stderr)
    run_writes(tasks, jobs=jobs)
    return {"files": sorted(str(t[1]) for t in tasks), "rows": {k: len(v) for k, v in frames.items()},
            "seconds": round(time.time() - t0, 2), "build_seconds": round(t1 - t0, 2), "planted": planted}
