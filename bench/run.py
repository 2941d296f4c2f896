#!/usr/bin/env python3
"""bench/run.py — time kehu on a generated month against the floor and pandas, on either shape.

    python3 bench/run.py                          # generate the punch-heavy month (~40 s), then time (b) (a) (c)
    python3 bench/run.py --month-dir /tmp/prov    # reuse an already generated month
    python3 bench/run.py --shape visits --month-dir /tmp/bench/visits   # the visit / callback-heavy month
    python3 bench/run.py --shape both --month-dir /tmp/bench/month --visits-month-dir /tmp/bench/visits
    python3 bench/run.py --skip-pandas            # (c) takes minutes; leave it out
    python3 bench/run.py --csv                    # generate the month as CSV files instead of xlsx

The shapes are bench/make_month.py's: ``punches`` (the province month, 1,000,000 punches) and
``visits`` (225,000 出访登记 rows with 10,000 pasted twice, 140,000 回访记录, ~24,000 letters).
On each month, one run times:

(b) ``python3 -m kehu run DIR --month 2026-10 --out …`` — first, since the floor writes as
    many letters as kehu did;
(a) the floor — every input file read with the fastest reader available
    (python-calamine ``to_python`` for xlsx, the csv module for CSV), then the
    same number of output workbooks kehu writes (one small xlsxwriter workbook
    per assessed staff member, 6 sheets), then as many letter files, of the same
    total bytes, in as many folders, as kehu wrote under ``letters/`` in (b) —
    both written in parallel across the cores like kehu does;
(c) the same files read with pandas' default Excel engine
    (``pd.read_excel(path, sheet_name=None)`` → openpyxl; CSV with ``pd.read_csv``).

Two ratios are printed: (b)/(a) against the whole floor, and (b)/(a − letters) against the floor
without its letters (its wall time less the letters' write time: the floor as it was before it
wrote letters, which flatters kehu on months where letters are a large part of the output).

Each figure runs in its own child process and is measured from outside, twice:
the wall time in a run left alone, then the peak memory of the process tree in
a second run (psutil polling every 50 ms over the child and its worker
processes — reading a big process's PSS slows it by ~10 %, so not in the timed
run): the sum of PSS (proportional set size: a page shared by a forked worker
and its parent counts once) — the tree's real footprint, compared with the 2 GB
target — and the sum of RSS (which counts such shared pages once per process,
an upper bound). Outputs go to tmpfs when there is one (see ``_scratch``). The load average is printed with each
figure since other jobs may share the machine. Targets (issues 6, 15): (b) ≤ 1.5 × (a),
(b) under 60 s and under 2 GB PSS on 2 cores.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO, TARGET_SECONDS, TARGET_RSS = 1.5, 60.0, 2 * 1024**3
STAFF_SHEET = "员工名册"


# ---------------------------------------------------------------------------
# measuring a child process tree

def measure(cmd: list[str], cwd: Path = ROOT, memory: bool = True) -> dict:
    """Run ``cmd``; return wall seconds, peak tree PSS and RSS (bytes), exit code, stdout, load.

    Reading a big process's PSS costs the kernel a walk of its page tables — ~10 % of
    kehu's wall time when polled every 50 ms — so the time is taken in a run with
    ``memory=False`` and the memory in a second run."""
    import psutil
    load = os.getloadavg()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = peak_pss = 0
    if not memory:
        out, err = proc.communicate()
        return {"wall": time.perf_counter() - t0, "rss": 0, "pss": 0, "code": proc.returncode, "stdout": out,
                "stderr": err, "load": load}
    try:
        root = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                procs = [root] + root.children(recursive=True)
            except psutil.Error:
                procs = []
            rss = pss = 0
            for p in procs:
                try:
                    info = p.memory_full_info()
                    rss += info.rss
                    pss += getattr(info, "pss", info.rss)
                except psutil.Error:
                    pass
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            time.sleep(0.05)
    except psutil.Error:
        pass
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    return {"wall": wall, "rss": peak, "pss": peak_pss, "code": proc.returncode, "stdout": out, "stderr": err,
            "load": load}


def _timed_then_sized(cmd: list[str], output: Path) -> dict:
    """Wall time from a run left alone, peak memory from a second run polled every 50 ms."""
    timed = measure(cmd, memory=False)
    if timed["code"] == 0:
        shutil.rmtree(output, ignore_errors=True)
        sized = measure(cmd)
        timed.update(rss=sized["rss"], pss=sized["pss"], sized_wall=sized["wall"])
    return timed


def _child_json(res: dict) -> dict:
    for line in reversed(res["stdout"].splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {}


# ---------------------------------------------------------------------------
# (a) the floor, run as a child: python3 bench/run.py --phase floor DIR OUT

def _read_fast(path: Path) -> tuple[int, dict]:
    """Read one input file with the fastest reader; return (rows, {sheet: rows})."""
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        return len(rows), {path.stem: rows}
    from python_calamine import CalamineWorkbook
    wb = CalamineWorkbook.from_path(str(path))
    sheets = {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}
    return sum(len(r) for r in sheets.values()), sheets


def _write_books(batch: list[int], folder: str, rows_per_sheet: int) -> int:
    import xlsxwriter
    for i in batch:
        wb = xlsxwriter.Workbook(os.path.join(folder, f"{i:05d}.xlsx"), {"in_memory": True})
        bold = wb.add_format({"bold": True})
        money = wb.add_format({"num_format": "#,##0.00"})
        for s in range(6):
            ws = wb.add_worksheet(f"sheet{s}")
            ws.write_row(0, 0, ["工号", "姓名", "客户", "日期", "项目", "金额", "状态", "备注"], bold)
            for r in range(1, rows_per_sheet + 1):
                ws.write_row(r, 0, [f"{i:05d}", "张三", f"C{r:06d}", "2026-10-08", "上门拜访"])
                ws.write_number(r, 5, r * 1.25, money)
                ws.write_row(r, 6, ["按时", ""])
        wb.close()
    return len(batch)


LETTER_TEXT = ("<p>尊敬的客户:感谢您在百忙之中接受我们的上门服务,请问您对服务项目满意吗?"
               "如有意见和建议,请联系您的客户经理。</p>\n").encode("utf-8")


def _write_letters(batch: list[tuple[int, int]], folder: str, folders: int) -> int:
    """Write letter ``i`` of ``size`` bytes for each (i, size) into ``folder/<i % folders>/``."""
    blob = LETTER_TEXT * (max((size for _i, size in batch), default=0) // len(LETTER_TEXT) + 1)
    made = set()
    for i, size in batch:
        sub = os.path.join(folder, f"{i % folders:05d}")
        if sub not in made:
            os.makedirs(sub, exist_ok=True)
            made.add(sub)
        with open(os.path.join(sub, f"{i:06d}.html"), "wb") as fh:
            fh.write(blob[:size])
    return len(batch)


def letter_sizes(count: int, total_bytes: int) -> list[int]:
    """``count`` sizes summing to ``total_bytes``, as even as can be."""
    if count <= 0:
        return []
    base, extra = divmod(total_bytes, count)
    return [base + 1 if i < extra else base for i in range(count)]


def _batched(items: list, jobs: int, most: int) -> list[list]:
    size = max(1, min(most, len(items) // (jobs * 4) or 1))
    return [items[i:i + size] for i in range(0, len(items), size)]


def phase_floor(month_dir: Path, out_dir: Path, jobs: int, letters: int = 0, letter_bytes: int = 0,
                letter_folders: int = 1) -> None:
    from concurrent.futures import ProcessPoolExecutor
    t0 = time.perf_counter()
    files = sorted(p for p in month_dir.iterdir() if p.suffix.lower() in (".xlsx", ".csv"))
    total_rows, staff = 0, 0
    for path in files:
        n, sheets = _read_fast(path)
        total_rows += n
        for name, rows in sheets.items():
            if STAFF_SHEET in name or STAFF_SHEET in path.stem:
                staff += max(0, len(rows) - 1)
        del sheets
    t_read = time.perf_counter() - t0
    # manager workbooks: one per staff member (all are assessed in a generated month);
    # each with 6 sheets of ~40 rows × 8 columns ≈ a manager's attendance, KPI, visits, callbacks
    books = staff or 2000
    out_dir.mkdir(parents=True, exist_ok=True)
    book_batches = _batched(list(range(books)), jobs, 50)
    letter_batches = _batched(list(enumerate(letter_sizes(letters, letter_bytes))), jobs, 500)
    folder, letter_dir = str(out_dir), str(out_dir / "letters")
    pool = ProcessPoolExecutor(max_workers=jobs) if jobs > 1 else None
    try:
        t1 = time.perf_counter()
        if pool:
            written = sum(f.result() for f in [pool.submit(_write_books, b, folder, 40) for b in book_batches])
        else:
            written = sum(_write_books(b, folder, 40) for b in book_batches)
        t2 = time.perf_counter()
        if pool:
            wrote = sum(f.result() for f in [pool.submit(_write_letters, b, letter_dir, letter_folders)
                                             for b in letter_batches])
        else:
            wrote = sum(_write_letters(b, letter_dir, letter_folders) for b in letter_batches)
        t3 = time.perf_counter()
    finally:
        if pool:
            pool.shutdown()
    print(json.dumps({"files": len(files), "rows": total_rows, "books": written, "letters": wrote,
                      "letter_bytes": letter_bytes if wrote else 0, "read": round(t_read, 2),
                      "write": round(t2 - t1, 2), "letters_write": round(t3 - t2, 2)}))


# ---------------------------------------------------------------------------
# (c) pandas' default engine, run as a child: python3 bench/run.py --phase pandas DIR

def phase_pandas(month_dir: Path) -> None:
    import pandas as pd
    t0 = time.perf_counter()
    rows = 0
    for path in sorted(month_dir.iterdir()):
        if path.suffix.lower() == ".xlsx":
            frames = pd.read_excel(path, sheet_name=None)          # default engine: openpyxl
            rows += sum(len(f) for f in frames.values())
        elif path.suffix.lower() == ".csv":
            rows += len(pd.read_csv(path, dtype=str, encoding="utf-8-sig"))
        else:
            continue
        print(f"  {path.name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    print(json.dumps({"rows": rows, "read": round(time.perf_counter() - t0, 2), "pandas": pd.__version__}))


# ---------------------------------------------------------------------------

def _gb(n: int) -> str:
    return f"{n / 1024**3:.2f} GB"


def _mem(res: dict) -> str:
    return f"peak memory {_gb(res['pss'])} PSS ({_gb(res['rss'])} RSS summed)"


def _load(t: tuple) -> str:
    return f"load {t[0]:.2f}"


def letters_written(out_month: Path) -> dict:
    """Files, bytes and folders under kehu's ``OUT/YYYY-MM/letters`` (zeros when there are none)."""
    files = size = 0
    folders = set()
    root = out_month / "letters"
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            files += 1
            size += os.path.getsize(os.path.join(dirpath, name))
            folders.add(dirpath)
    return {"files": files, "bytes": size, "folders": max(1, len(folders - {str(root)}))}


def _options() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shape", choices=["punches", "visits", "both"], default="punches",
                    help="which generated month to time (default punches, the province month)")
    ap.add_argument("--month-dir", type=Path,
                    help="reuse this generated month (else generate one): the month of --shape; "
                         "with --shape both, the punch-heavy one")
    ap.add_argument("--visits-month-dir", type=Path, help="with --shape both: reuse this visit-heavy month")
    ap.add_argument("--work", type=Path, help="scratch folder (default: a temporary one, removed)")
    ap.add_argument("--month", default="2026-10")
    ap.add_argument("--csv", action="store_true", help="generate the month as CSV")
    ap.add_argument("--skip-pandas", action="store_true", help="leave out (c)")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes for the floor (default: cores)")
    ap.add_argument("--phase", choices=["floor", "pandas"], help=argparse.SUPPRESS)
    ap.add_argument("--letters", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--letter-bytes", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--letter-folders", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    return ap.parse_args()


def main() -> int:
    a = _options()
    jobs = a.jobs or _cores()
    if a.phase == "floor":
        phase_floor(Path(a.args[0]), Path(a.args[1]), jobs, a.letters, a.letter_bytes, a.letter_folders)
        return 0
    if a.phase == "pandas":
        phase_pandas(Path(a.args[0]))
        return 0

    shapes = ["punches", "visits"] if a.shape == "both" else [a.shape]
    if a.shape == "both":
        given = {"punches": a.month_dir, "visits": a.visits_month_dir}
    else:
        given = {a.shape: a.month_dir or (a.visits_month_dir if a.shape == "visits" else None)}
    work = a.work or _scratch()
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: os.cpu_count() = {os.cpu_count()}, usable cores = {_cores()}, "
          f"python {sys.version.split()[0]}, {_load(os.getloadavg())}")
    try:
        done = {shape: bench_shape(shape, given.get(shape), work, a, jobs) for shape in shapes}
    finally:
        if a.work is None:
            shutil.rmtree(work, ignore_errors=True)
    if any(r is None for r in done.values()):
        return 3
    if len(done) > 1:
        print("summary: " + ";  ".join(f"{shape} (b)/(a) = {r['ratio']:.2f} [without letters "
                                       f"{r['ratio_no_letters']:.2f}], (b) {r['wall']:.1f} s"
                                       for shape, r in done.items()))
    return 0 if all(r["ok"] for r in done.values()) else 1


def bench_shape(shape: str, month_dir: Path | None, work: Path, a: argparse.Namespace, jobs: int) -> dict | None:
    """Time (b), (a) and (c) on the month of ``shape``; print their lines; None if the floor failed."""
    py = sys.executable
    if month_dir is None:
        month_dir = work / f"month-{shape}"
        cmd = [py, str(ROOT / "bench" / "make_month.py"), "--out", str(month_dir), "--month", a.month,
               "--shape", shape]
        if a.csv:
            cmd.append("--csv")
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=ROOT)
        print(f"generated {month_dir} in {time.perf_counter() - t0:.0f} s")
    files = sorted(p for p in month_dir.iterdir() if p.suffix.lower() in (".xlsx", ".csv"))
    size = sum(p.stat().st_size for p in files)
    print(f"month ({shape}): {month_dir} — {len(files)} files, {size / 1024**2:.0f} MB; outputs written under {work}")

    # (b) kehu run — first: the floor writes as many letters as it did
    out = work / "kehu-out"
    shutil.rmtree(out, ignore_errors=True)
    kr = _timed_then_sized([py, "-m", "kehu", "run", str(month_dir), "--month", a.month, "--out", str(out)], out)
    books = len(list((out / a.month / "managers").glob("*.xlsx"))) if (out / a.month).exists() else 0
    letters = letters_written(out / a.month)
    print(f"(b) kehu run: {kr['wall']:6.1f} s  {_mem(kr)}  "
          f"[exit {kr['code']}, {books:,} manager workbooks, {letters['files']:,} letter files "
          f"({letters['bytes'] / 1024**2:.0f} MB)]  {_load(kr['load'])}")
    if kr["code"] not in (0,):
        print(kr["stderr"][-3000:], file=sys.stderr)
    shutil.rmtree(out, ignore_errors=True)

    # (a) floor
    floor_cmd = [py, str(Path(__file__).resolve()), "--phase", "floor", "--jobs", str(jobs),
                 "--letters", str(letters["files"]), "--letter-bytes", str(letters["bytes"]),
                 "--letter-folders", str(letters["folders"]), str(month_dir), str(work / "floor")]
    fl = _timed_then_sized(floor_cmd, work / "floor")
    if fl["code"] != 0:
        print(fl["stderr"], file=sys.stderr)
        return None
    info = _child_json(fl)
    print(f"(a) floor: {fl['wall']:6.1f} s  {_mem(fl)}  "
          f"[read {info['rows']:,} rows in {info['read']} s (calamine/csv) + "
          f"{info['books']:,} workbooks in {info['write']} s + {info['letters']:,} letter files "
          f"({info['letter_bytes'] / 1024**2:.0f} MB) in {info['letters_write']} s, {jobs} processes]  "
          f"{_load(fl['load'])}")
    shutil.rmtree(work / "floor", ignore_errors=True)

    # (c) pandas
    pdres = None
    if not a.skip_pandas:
        pdres = measure([py, str(Path(__file__).resolve()), "--phase", "pandas", str(month_dir)])
        if pdres["code"] != 0:
            print(pdres["stderr"][-3000:], file=sys.stderr)
        pinfo = _child_json(pdres)
        print(f"(c) pandas read_excel (openpyxl): {pdres['wall']:6.1f} s  {_mem(pdres)}  "
              f"[{pinfo.get('rows', 0):,} rows, pandas {pinfo.get('pandas', '?')}]  {_load(pdres['load'])}")

    ratio = kr["wall"] / fl["wall"]
    ratio_no_letters = kr["wall"] / max(1e-9, fl["wall"] - info["letters_write"])
    print(f"(b)/(a) = {ratio:.2f}   (target ≤ {TARGET_RATIO}; the floor writes kehu's letters)")
    print(f"(b)/(a − letters) = {ratio_no_letters:.2f}   (the floor without its {info['letters_write']} s "
          f"of letters, as before)")
    if pdres is not None:
        print(f"(c)/(b) = {pdres['wall'] / kr['wall']:.2f}")
    ok = (kr["code"] == 0 and ratio <= TARGET_RATIO and kr["wall"] < TARGET_SECONDS
          and kr["pss"] < TARGET_RSS)
    print(f"targets (b ≤ {TARGET_RATIO}×a, < {TARGET_SECONDS:.0f} s, < {_gb(TARGET_RSS)}): "
          f"{'met' if ok else 'NOT met'}  — cores: {os.cpu_count()}")
    return {"ratio": ratio, "ratio_no_letters": ratio_no_letters, "wall": kr["wall"], "ok": ok}


def _scratch() -> Path:
    """A temporary folder on tmpfs (/dev/shm) when there is one.

    kehu writes ~33,000 files a province month, the floor 2,000. On a disk, ext4
    skips every inode deleted in the last minutes when it creates a file, so after
    a few runs (each removing the last one's files) file creation alone costs
    seconds of system time that swing from run to run. tmpfs keeps that noise —
    the same for every tool — out of the comparison; ``--work DIR`` measures on DIR."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 2 * 1024**3:
        return Path(tempfile.mkdtemp(prefix="kehu-bench-", dir=shm))
    return Path(tempfile.mkdtemp(prefix="kehu-bench-"))


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


if __name__ == "__main__":
    sys.exit(main())
