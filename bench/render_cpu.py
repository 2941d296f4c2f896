"""CPU time of each render piece of a month, and a fingerprint of every file it writes.

    python3 bench/render_cpu.py STATE.pkl [OUT_DIR] [--books N]

STATE.pkl holds ``pickle.dump((MonthInputs, MonthResult))`` of a computed month
(e.g. the province month). Prints the CPU seconds (user and system: the
machine may be shared, wall time is printed only for the whole run) of
``manager_slices``, N manager workbooks written serially (default 300; ms each),
the department workbook and the letters; then runs ``write_workbooks`` with the
letters as ``meanwhile`` — as the pipeline does — into OUT_DIR (default
/tmp/kehu-render-cpu) and prints this process's and the pool workers' CPU.
Last, OUT_DIR.sha256 lists the sha256 of every file written: ``diff`` the lists
of two versions to check that a change kept the output byte for byte.
"""
from __future__ import annotations

import gc
import hashlib
import os
import pickle
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kehu.render.department_book import write_department_book      # noqa: E402
from kehu.render.letters import write_letters                      # noqa: E402
from kehu.render.manager_book import write_manager_book            # noqa: E402
from kehu.render.workbooks import manager_slices, write_workbooks  # noqa: E402


def cpu(label: str, action, per: int = 0):
    """Run ``action``; print its CPU seconds (user + system: file creation is system time, and
    on a busy disk it can swamp the rest, so the user part is printed too)."""
    before = os.times()
    value = action()
    after = os.times()
    user, system = after.user - before.user, after.system - before.system
    each = f"  ({(user + system) / per * 1000:.2f} ms each)" if per else ""
    print(f"{label:<28} {user + system:7.2f} s CPU = {user:.2f} user + {system:.2f} system{each}")
    return value


def fingerprint(folder: Path) -> Path:
    listing = folder.with_name(folder.name + ".sha256")
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(folder)}"
             for p in sorted(folder.rglob("*")) if p.is_file()]
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} files → {listing}")
    return listing


def main(argv: list[str]) -> None:
    books = int(argv[argv.index("--books") + 1]) if "--books" in argv else 300
    args = [a for i, a in enumerate(argv) if a != "--books" and (i == 0 or argv[i - 1] != "--books")]
    state, out = Path(args[0]), Path(args[1] if len(args) > 1 else "/tmp/kehu-render-cpu")
    with open(state, "rb") as fh:
        _inputs, result = pickle.load(fh)
    scratch = out.with_name(out.name + ".scratch")
    for folder in (out, scratch):
        shutil.rmtree(folder, ignore_errors=True)
    (scratch / "managers").mkdir(parents=True)
    gc.freeze()                                     # as the pipeline: the month is long-lived
    slices = cpu("manager_slices", lambda: manager_slices(result))
    batch = slices[:books]
    cpu(f"{len(batch)} manager books", lambda: [write_manager_book(s, scratch / "managers" / n) for s, n in batch],
        per=len(batch))
    cpu("department book", lambda: write_department_book(result, scratch / "department.xlsx"))
    cpu("letters", lambda: write_letters(result, scratch))
    shutil.rmtree(scratch)
    before, wall = os.times(), time.perf_counter()
    write_workbooks(result, out, meanwhile=lambda: write_letters(result, out))
    after = os.times()
    print(f"write_workbooks + letters: {time.perf_counter() - wall:.1f} s wall, "
          f"{after.user + after.system - before.user - before.system:.1f} s CPU here, "
          f"{after.children_user + after.children_system - before.children_user - before.children_system:.1f}"
          " s CPU in the workers")
    fingerprint(out)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
