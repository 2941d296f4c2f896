"""Throwaway timing: write 2,000 small manager workbooks (+ the department workbook).

    python3 bench/time_manager_books.py [MANAGERS] [JOBS…]     (default 2000, jobs 2 and 1)

Builds a synthetic month (tests/result_factory.py: 100 rooms × 20 staff, 3
customers each) and times ``write_workbooks`` with each jobs value, printing
the figure together with the machine's core count. Wall time depends on what
else the machine runs (see ``uptime``); the CPU seconds (this process + the
pool's workers) do not, so both are printed.
"""
from __future__ import annotations

import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from result_factory import make_result                        # noqa: E402
from kehu.cores import available_cores                            # noqa: E402
from kehu.render.workbooks import write_workbooks                  # noqa: E402


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the pool's workers)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


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
            t0, c0 = time.perf_counter(), _cpu()
            paths = write_workbooks(result, out, jobs=jobs)
            dt, cpu = time.perf_counter() - t0, _cpu() - c0
            n_books = len(paths) - 1
            print(f"jobs={jobs}: {n_books} manager workbooks + department workbook in {dt:.1f} s "
                  f"({dt / n_books * 1000:.1f} ms per workbook); CPU {cpu:.1f} s "
                  f"({cpu / n_books * 1000:.1f} ms per workbook); load {os.getloadavg()[0]:.2f}")
        finally:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
