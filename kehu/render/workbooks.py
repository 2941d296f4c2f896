"""Write every workbook of the month (SPEC §6): one per assessed manager and the
department workbook.

    write_workbooks(result, out_dir) -> [paths]

``out_dir/managers/<工号>_<姓名>.xlsx`` for every assessed 客户经理, 行业客户经理
and 重要室经理, and ``out_dir/集团客户部_<YYYY-MM>_考核汇总.xlsx``.

The MonthResult is cut into one ``ManagerSlice`` per manager (``ManagerSlicer``:
one groupby per frame, not one filter per manager), so a writer — in this
process or in a worker of the process pool — is only ever handed that
manager's rows (seed 004 保密制度). Many managers (> ``PARALLEL_MIN``) are written by a
process pool across the cores while this process writes the department
workbook; a few are written serially.
"""
from __future__ import annotations

import gc
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from pathlib import Path

import numpy as np
import pandas as pd

from kehu.cores import available_cores, die_with_parent
from kehu.crashpoint import crash_point
from kehu.model import MonthResult
from kehu.render.department_book import department_filename, write_department_book
from kehu.render.frames import records
from kehu.render.manager_book import ManagerSlice, write_manager_book
from kehu.render.wording import policy_words
from kehu.render.safe import safe_filename, unique_names

PARALLEL_MIN = 50            # more managers than this → process pool
BATCH_MAX = 25               # managers' workbooks per pool task, at most
MANAGERS_DIR = "managers"


def write_workbooks(result: MonthResult, out_dir: Path, jobs: int | None = None, advance=None,
                    meanwhile=None) -> list[Path]:
    """Write the manager workbooks and the department workbook; return their paths
    (managers in 工号 order, the department workbook last). ``advance(n)`` is called as
    managers' workbooks are done (a progress bar on a terminal). ``meanwhile(submit)``
    (optional) runs in this process before the department workbook, while the pool writes;
    ``submit(function, *args)`` queues more work (e.g. letters) half-way through the
    managers' workbooks — in the pool, or at once without one — and returns its Future.
    ``meanwhile`` may return a callable, run here once the rest of the workbooks are queued
    (e.g. to wait for its work and finish it while the pool writes them). All of it is done
    when this returns."""
    advance = advance or (lambda n: None)
    out_dir = Path(out_dir)
    managers_dir = out_dir / MANAGERS_DIR
    managers_dir.mkdir(parents=True, exist_ok=True)
    slicer = ManagerSlicer(result)
    jobs = jobs or available_cores()
    department = out_dir / department_filename(result.month)
    def in_this_process(submit):
        then = meanwhile(submit) if meanwhile is not None else None
        write_department_book(result, department)
        return then
    # Frozen, the month (and the slicer) are left out of the garbage collector's passes while
    # the workbooks and letters are written: a full pass over a province month costs ~0.15 s
    # and the letters alone set off several. The forked workers inherit the frozen state, so
    # their collector does not touch (and so copy) those pages either.
    gc.freeze()
    try:
        if jobs > 1 and len(slicer) > PARALLEL_MIN:
            paths = _write_parallel(slicer, managers_dir, jobs, in_this_process, advance)
        else:
            paths = []
            for s, s_name in slicer.slices():
                paths.append(write_manager_book(s, managers_dir / s_name))
                advance(1)
            then = in_this_process(_run_now)
            if then is not None:
                then()
    finally:
        gc.unfreeze()
    return paths + [department]


def _write_batch(batch: list[tuple[ManagerSlice, str]], folder: str) -> list[str]:
    return [str(write_manager_book(s, Path(folder) / name)) for s, name in batch]


_INHERITED: "ManagerSlicer | None" = None       # a forked worker's copy of the parent's slicer


def _inherit(slicer: "ManagerSlicer") -> None:
    """Pool initializer. Under fork a worker starts as a copy of this process, so ``slicer``
    (and the month it cuts) arrives without being pickled; the tasks then name only a range
    of managers, whose slices the worker makes itself. The worker ends with its parent."""
    global _INHERITED
    die_with_parent()
    _INHERITED = slicer


def _write_range(start: int, stop: int, folder: str) -> list[str]:
    return _write_batch(_INHERITED.slices(start, stop), folder)


def _write_parallel(slicer: "ManagerSlicer", folder: Path, jobs: int, write_department, advance) -> list[Path]:
    # a batch per task keeps IPC overhead small; many small batches let the workers finish together
    size = max(1, min(BATCH_MAX, len(slicer) // (jobs * 8) or 1))
    ranges = [(start, min(start + size, len(slicer))) for start in range(0, len(slicer), size)]
    # Under fork the workers cut their slices from the month they inherit (39 MB of pickles
    # saved on a province month, and ~0.6 s this process would spend alone before the pool
    # starts); under spawn or forkserver each batch is cut here and pickled to its worker.
    context = multiprocessing.get_context()               # what ProcessPoolExecutor would use
    if context.get_start_method() == "fork":
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_inherit, initargs=(slicer,))
        def submit(start, stop):
            return pool.submit(_write_range, start, stop, str(folder))
    else:
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=die_with_parent)
        def submit(start, stop):
            return pool.submit(_write_batch, slicer.slices(start, stop), str(folder))
    half = len(ranges) // 2
    with pool:                                              # leaving it waits for every task
        futures = [submit(*r) for r in ranges[:half]]
        crash_point("workbooks")                            # the workers are running
        # meanwhile, in this process: its own work queues behind the first half, so that what
        # it then waits for is done while the pool still has the second half to write
        then = write_department(pool.submit)
        futures += [submit(*r) for r in ranges[half:]]
        if then is not None:
            then()
        for done in as_completed(futures):
            advance(len(done.result()))
        return [Path(p) for f in futures for p in f.result()]


def _run_now(function, *args) -> Future:
    """``submit`` without a pool: the work is done before it returns."""
    done: Future = Future()
    try:
        done.set_result(function(*args))
    except Exception as exc:                                # raised again by done.result()
        done.set_exception(exc)
    return done


# ---------------------------------------------------------------------------
# slicing the month per manager

def _positions_by(frame: pd.DataFrame | None, key: str) -> dict:
    """{key value: the positions of its rows, in frame order} (one vectorised groupby)."""
    if frame is None or len(frame) == 0 or key not in frame.columns:
        return {}
    return frame.groupby(key, sort=False).indices


def manager_filenames(people: list[tuple[str, str]]) -> list[str]:
    """``<工号>_<姓名>.xlsx`` of each (工号, 姓名), made safe and unique in the folder, also where
    the file system ignores case (``unique_names``: the one mechanism for every output name)."""
    return unique_names([(f"{employee_id}_{name}", safe_filename(f"{safe_filename(employee_id)}_{safe_filename(name)}"))
                         for employee_id, name in people], ".xlsx")


class ManagerSlicer:
    """Cuts the month into one ``ManagerSlice`` per assessed employee, in 工号 order, any range
    of them at a time.

    Up front (cheap) it orders the employees, names their files and groups each frame's rows
    by manager — positions only. ``slices(start, stop)`` then makes records of just those
    managers' rows: a forked pool worker that inherits the slicer cuts its own batches, in
    parallel, instead of this process cutting all 2,000 alone before the pool starts."""

    FRAMES = (("attendance", "attendance_events", "employee_id"), ("kpi", "kpi_indicators", "employee_id"),
              ("visits", "visit_detail", "manager_id"), ("callbacks", "callback_events", "manager_id"),
              ("churn", "churn_warnings", "manager_id"))

    def __init__(self, result: MonthResult):
        self.month = result.month
        self.words = policy_words(result.rules)
        staff = {r["employee_id"]: r for r in result.staff.to_dict("records")} if len(result.staff) else {}
        self.rooms = {r["room"]: r for r in result.rooms.to_dict("records")} if len(result.rooms) else {}
        self.findings: dict[str, list] = {}
        for f in result.findings:
            if f.employee_id:
                self.findings.setdefault(f.employee_id, []).append(f)
        employees = result.results.get("employees", [])
        self.by_room: dict[str, list] = {}
        for e in employees:
            self.by_room.setdefault(e.get("room"), []).append(e)
        ordered = sorted(employees, key=lambda e: str(e["employee_id"]))
        rows = [staff.get(e["employee_id"]) or {k: e.get(k) for k in ("employee_id", "name", "role", "room")}
                for e in ordered]
        names = manager_filenames([(str(e["employee_id"]), st.get("name") or e.get("name") or "")
                                   for e, st in zip(ordered, rows)])
        self.managers = list(zip(ordered, rows, names))      # (employee entry, staff row, file name)
        self.rows = {field: (getattr(result, attr), key, _positions_by(getattr(result, attr), key))
                     for field, attr, key in self.FRAMES}

    def __len__(self) -> int:
        return len(self.managers)

    def slices(self, start: int = 0, stop: int | None = None) -> list[tuple[ManagerSlice, str]]:
        """(slice, file name) of the managers ``start`` … ``stop`` − 1."""
        chosen = self.managers[start:stop]
        ids = [e["employee_id"] for e, _, _ in chosen]
        rows = {field: self._records(frame, key, positions, ids) for field, (frame, key, positions) in self.rows.items()}
        return [(self._slice(e, st, rows), name) for e, st, name in chosen]

    @staticmethod
    def _records(frame: pd.DataFrame, key: str, positions: dict, ids: list) -> dict[str, list[dict]]:
        """{manager: his rows as records, in frame order} for the managers ``ids``."""
        parts = [positions[i] for i in ids if i in positions]
        if not parts:
            return {}
        groups: dict[str, list[dict]] = {}
        for record in records(frame.take(np.concatenate(parts))):
            groups.setdefault(record[key], []).append(record)
        return groups

    def _slice(self, e: dict, st: dict, rows: dict) -> ManagerSlice:
        eid = e["employee_id"]
        room = self.rooms.get(st.get("room"))
        # rules roles.room_manager / acting_head (临时负责人): scored on the room's totals
        is_rm = room is not None and eid in (room.get("room_manager_id"), room.get("acting_head_id"))
        return ManagerSlice(
            month=self.month, employee=e, staff=st,
            room_manager_name=(room or {}).get("room_manager_name") or "",
            **{field: groups.get(eid, []) for field, groups in rows.items()},
            findings=self.findings.get(eid, []),
            room=room if is_rm else None,
            room_lines=sorted(self.by_room.get(st.get("room"), []), key=lambda x: str(x["employee_id"])) if is_rm else [],
            words=self.words)


def manager_slices(result: MonthResult) -> list[tuple[ManagerSlice, str]]:
    """(slice, file name) per assessed employee, in 工号 order."""
    return ManagerSlicer(result).slices()
