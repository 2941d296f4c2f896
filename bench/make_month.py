#!/usr/bin/env python3
"""make_month — deterministic generator of one month of kehu input files (the command line).

Writes the SPEC §1 sheet layouts (员工名册 客户名册 出访登记 打卡记录 请假外出 违纪记录 指标 学习测评
回访记录, plus 日历 when chinese-calendar does not cover the year). Every generated month validates
with zero errors; warnings (W-visit-foreign, W-class-mismatch, …) occur on purpose. The generator
itself is the package bench/month/, one module per dataset.

    python3 bench/make_month.py --out /tmp/bench/month                  # province month, punch-heavy
    python3 bench/make_month.py --out /tmp/bench/visits --shape visits  # visit / callback-heavy month
    python3 bench/make_month.py --out sample_inputs --demo              # the demo month
    python3 bench/make_month.py --out /tmp/m --managers 12 --rooms 2 --customers 150 --month 2026-06

Shapes (the sizes are the defaults; each can be changed with its option):

- ``--shape punches`` (default): 2,000 staff in 100 rooms, 100,000 customers, 1,000,000 punches,
  300,000 visits (half in the month, the rest in the two previous months), 200,000 callbacks. 4
  punches per workday per employee give only ~144,000 punches for 2,000 staff in 2026-10 (18
  workdays); the remaining ones are extra swipes inside the sessions (--punches 0 = only the
  natural 4 a day). No two rows are exact duplicates (no W-duplicate-row); the only warnings of a
  generic month are W-visit-foreign (~0.5 % of visits) and W-visit-unsigned (~0.3 %).
- ``--shape visits``: 2,100 staff in 100 rooms, 105,000 customers, 140,000 punches (below the
  natural ~147,000: half days out visiting, each a 外出走访 row, leave theirs out), 225,000
  出访登记 rows in one register per room (出访登记_重要一室.xlsx …) of which --duplicates
  (default 10,000) are rows pasted twice — in the same register just after the original, or
  in another room's (W-duplicate-row) — and 140,000 回访记录 rows where each of the month's service
  events is called back on time, late, not at all, or only 未接通 (kehu writes a 回访函 for the
  last two), the rest calling back earlier months' visits.

Big datasets are split over several files (≤ 250,000 rows each), written in parallel (--jobs,
default 2) with xlsxwriter's constant_memory mode; --csv writes them as UTF-8 CSV instead. The
demo month's story (who is late, which customers are planted) is the docstring of month/demo.py.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

if str(Path(__file__).resolve().parent) not in sys.path:      # the month package sits next to this file
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from month import SHAPES, build_demo, build_generic, generate  # noqa: E402

__all__ = ["SHAPES", "build_demo", "build_generic", "generate", "main"]


def _options(argv):
    ap = argparse.ArgumentParser(description="Generate one month of kehu input files (deterministic).")
    ap.add_argument("--out", required=True, help="output folder (created)")
    ap.add_argument("--shape", choices=sorted(SHAPES), default="punches",
                    help="punches: the punch-heavy province month (default); visits: the visit / callback-heavy one")
    ap.add_argument("--month", default="2026-10")
    ap.add_argument("--rooms", type=int, help="rooms (default 100)")
    ap.add_argument("--managers", type=int, help="staff count (incl. one 重要室经理 per room; default 2000 / 2100)")
    ap.add_argument("--customers", type=int, help="default 100,000 / 105,000")
    ap.add_argument("--punches", type=int,
                    help="punch rows (default 1,000,000 / 140,000); 0 = natural (4 per workday per employee)")
    ap.add_argument("--visits", type=int, help="出访登记 rows (default 300,000 / 225,000 incl. the duplicates)")
    ap.add_argument("--callbacks", type=int, help="回访记录 rows (default 200,000 / 140,000)")
    ap.add_argument("--duplicates", type=int,
                    help="--shape visits: 出访登记 rows pasted twice (default 10,000 for 225,000 visits, pro rata)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--csv", action="store_true", help="write the big datasets as UTF-8 CSV")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="parallel writer processes")
    ap.add_argument("--demo", action="store_true",
                    help="the hand-crafted demo month (2026-10, 2 rooms, 12 staff); sizes are ignored")
    a = ap.parse_args(argv)
    if a.duplicates is not None and a.shape != "visits":
        ap.error("--duplicates goes with --shape visits")
    for name, value in SHAPES[a.shape].items():
        if getattr(a, name) is None:
            setattr(a, name, value)
    return a


def main(argv=None):
    a = _options(argv)
    res = generate(a.out, a.month, a.rooms, a.managers, a.customers, a.punches or None, a.visits, a.callbacks,
                   a.seed, demo=a.demo, csv=a.csv, jobs=a.jobs, verbose=True, shape=a.shape,
                   duplicates=a.duplicates)
    size = sum(os.path.getsize(f) for f in res["files"])
    print(f"{len(res['files'])} files, {size / 1e6:.1f} MB, {res['seconds']}s (build {res['build_seconds']}s)")
    for k, v in res["rows"].items():
        print(f"  {k:10s} {v:>9,d} rows")
    if res["planted"]:
        print(res["planted"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
