#!/usr/bin/env python3
"""bench/validate_loop.py — time the clerk's loop: validate → fix one file → validate again (issue 15 item 3).

    python3 bench/validate_loop.py /tmp/bench/visits /tmp/bench/month      # one or more generated months
    python3 bench/validate_loop.py --repeat 3 --work /tmp/vspeed /tmp/bench/visits

For each month folder (bench/make_month.py makes them; it is copied, never changed), one pass times:

- the read floor: every input file read with the fastest reader (bench/run.py's ``_read_fast``:
  python-calamine ``to_python`` for xlsx, the csv module for CSV), in one child process;
- ``kehu validate COPY --month 2026-10 --report R`` cold: no cache beside the report;
- warm: the same again, the cache (``R``'s folder/.kehu-cache) filled by the cold run;
- warm after a change: one cell of one 出访登记 file changed (openpyxl), then validated again.

Each figure is a child process's wall time (interpreter start-up included), with the CPU seconds
of that child and its workers (``RUSAGE_CHILDREN``) and the load average when it started — the
machine may be shared, so compare CPU seconds as well as wall time. Each is also printed as a
multiple of the read floor; the targets (issue 15): cold and warm ≤ 2.5 ×, warm after a change ≤ 1 ×.
With ``--repeat N`` each figure is the minimum of N passes (all passes are printed).
No assertion is made: this prints figures.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from run import _read_fast  # noqa: E402  (bench/run.py's floor reader)

MONTH = "2026-10"
TARGETS = {"cold": 2.5, "warm": 2.5, "warm, one file changed": 1.0}


def phase_floor(month_dir: Path) -> None:
    """Child: read every input with the fastest reader; print its rows as JSON."""
    rows = 0
    for path in sorted(p for p in month_dir.iterdir() if p.suffix.lower() in (".xlsx", ".csv")):
        n, sheets = _read_fast(path)
        rows += n
        del sheets
    print(json.dumps({"rows": rows}))


def timed(cmd: list[str]) -> dict:
    """Wall and CPU seconds (the child and its waited-for descendants) of ``cmd``, its exit code."""
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "code": proc.returncode, "load": load, "stdout": proc.stdout,
            "stderr": proc.stderr}


def changed_copy(month_dir: Path, work: Path) -> Path:
    """The month's first 出访登记 file with one cell changed (the 服务项目 of its first data row),
    made once per source file (openpyxl is slow on big files) and kept in ``work``."""
    source = sorted(month_dir.glob("出访登记*.xlsx"))[0]
    stamp = f"{source.stat().st_size}-{int(source.stat().st_mtime)}"
    made = work / "changed" / month_dir.name / stamp / source.name
    if not made.exists():
        import openpyxl
        wb = openpyxl.load_workbook(source)
        ws = wb.worksheets[0]
        header = [c.value for c in ws[1]]
        cell = ws.cell(row=2, column=header.index("服务项目") + 1 if "服务项目" in header else 1)
        cell.value = f"{cell.value}（已改）"
        made.parent.mkdir(parents=True, exist_ok=True)
        wb.save(made)
    return made


def one_pass(month_dir: Path, work: Path) -> dict:
    """The floor, cold, warm and warm-after-a-change figures of one pass over a fresh copy."""
    py = sys.executable
    copy = work / "month" / month_dir.name
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(month_dir, copy)
    report_dir = work / "report" / month_dir.name
    shutil.rmtree(report_dir, ignore_errors=True)            # the cache lives beside the report
    report_dir.mkdir(parents=True)
    validate = [py, "-m", "kehu", "validate", str(copy), "--month", MONTH, "--report",
                str(report_dir / "校验报告.xlsx"), "-q"]
    figures = {"floor": timed([py, str(Path(__file__).resolve()), "--phase", "floor", str(copy)])}
    figures["cold"] = timed(validate)
    figures["warm"] = timed(validate)
    changed = changed_copy(month_dir, work)
    shutil.copyfile(changed, copy / changed.name)
    figures["warm, one file changed"] = timed(validate)
    return figures


def print_month(month_dir: Path, passes: list[dict]) -> None:
    floor = min(p["floor"]["wall"] for p in passes)
    rows = json.loads(passes[0]["floor"]["stdout"].strip().splitlines()[-1])["rows"]
    print(f"month {month_dir}: {rows:,} rows read by the floor")
    for name in passes[0]:
        best = min(passes, key=lambda p: p[name]["wall"])[name]
        all_walls = ", ".join(f"{p[name]['wall']:.2f}" for p in passes)
        ratio = "" if name == "floor" else f"  = {best['wall'] / floor:.2f} × floor"
        target = f" (target ≤ {TARGETS[name]} ×)" if name in TARGETS else ""
        codes = sorted({p[name]["code"] for p in passes})
        print(f"  {name:24s} {best['wall']:6.2f} s wall, {best['cpu']:6.2f} s CPU{ratio}{target}  "
              f"[exit {codes}, passes: {all_walls} s, load {best['load']:.2f}]")
        if any(p[name]["code"] not in (0, 1) for p in passes):
            print(best["stderr"][-2000:], file=sys.stderr)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("months", nargs="+", type=Path, help="generated month folders (bench/make_month.py)")
    ap.add_argument("--repeat", type=int, default=1, help="passes per month (each figure: the minimum)")
    ap.add_argument("--work", type=Path, help="scratch folder (default: a temporary one, removed)")
    ap.add_argument("--phase", choices=["floor"], help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.phase == "floor":
        phase_floor(a.months[0])
        return 0
    work = a.work or Path(tempfile.mkdtemp(prefix="kehu-vloop-"))
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    try:
        for month_dir in a.months:
            print_month(month_dir, [one_pass(month_dir, work) for _ in range(a.repeat)])
    finally:
        if a.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
