"""Throwaway timing: write 2,000 small manager workbooks (+ the department workbook).

    python3 bench/time_manager_books.py [MANAGERS] [JOBS…]     (default 2000, jobs 2 and 1)

Builds a synthetic month (tests/result_factory.py: 100 rooms × 20 staff, 3
customers each) and times ``write_workbooks`` with each jobs value, printing
the figure together with the machine's core count.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from result_factory import make_result                        # noqa: E402
from kehu.render.workbooks import available_cores, write_workbooks   # noqa: E402


def main() -> None:
    managers = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    jobs_list = [int(j) for j in sys.argv[2:]] or [2, 1]
    per_room = 20
    t0 = time.perf_counter()
    result = make_result(rooms=max(1, managers // per_room), managers_per_room=per_room)
    n = len(result.results["employees"])
    print(f"synthetic month: {n} managers, {len(result.customers)} customers "
          f"(built in {time.perf_counter() - t0:.1f} s); cores available: {available_cores()}")
    for jobs in jobs_list:
        out = Path(tempfile.mkdtemp(prefix="kehu-bench-"))
        try:
            t0 = time.perf_counter()
            paths = write_workbooks(result, out, jobs=jobs)
            dt = time.perf_counter() - t0
            print(f"jobs={jobs}: {len(paths) - 1} manager workbooks + department workbook in {dt:.1f} s "
                  f"({dt / (len(paths) - 1) * 1000:.1f} ms per workbook)")
        finally:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
