"""Every output of a computed month, and where each is made: the run's concurrency in one place.

    step  what                                        where
    1     managers' workbooks, first half of them     the pool
    2     letters, in batches of whole managers       the pool, queued behind 1
    3     results.json, payroll.csv                   here
    4     the month's history rows                    here; a thread writes them into the store
    5     managers' workbooks, second half            the pool
    6     department workbook                         here
    7     letters' index.html, once 2 is done         here
    8     wait for the pool                           here

The pool is ``jobs`` forked workers when there are more than ``PARALLEL_MIN`` managers and more
than one core; each worker cuts its managers' slices from the month it inherited (a spawned
worker gets them pickled instead). Without a pool the same steps run here, in this order. The
validation report is written meanwhile by a child process of its own (``report_meanwhile``,
started before compute); the history rows are committed with the output (kehu/outfolder.py);
reading the inputs has its own pool (kehu/load/folder.py).
"""
from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from pathlib import Path

from kehu.compute.history_rows import history_rows
from kehu.cores import available_cores, die_with_parent
from kehu.crashpoint import crash_point
from kehu.render.department_book import department_filename, write_department_book
from kehu.render.letters import MonthLetters, write_letter_batch
from kehu.render.manager_book import ManagerSlice, write_manager_book
from kehu.render.results import write_payroll, write_results_json
from kehu.render.workbooks import MANAGERS_DIR, ManagerSlicer

PARALLEL_MIN = 50               # more managers than this → a process pool
BATCH_MAX = 25                  # managers' workbooks per pool task, at most
LETTER_BATCHES_PER_JOB = 8      # small enough that the workers finish together, big enough to pay the IPC


def write_outputs(result, folder: Path, templates_dir: Path | None = None, jobs: int | None = None,
                  history=None, advance=None) -> list[Path]:
    """Every output but the report and the manifest, in the steps above; their paths.
    ``history``: a kehu.history.PendingMonth (step 4); ``advance(n)``: managers' workbooks done."""
    letters = MonthLetters(result, folder, templates_dir)
    with Workers(ManagerSlicer(result), Path(folder) / MANAGERS_DIR, jobs) as workers:
        first, second = workers.halves()
        books = [workers.books(r) for r in first]                                                    # 1
        batches = [workers.submit(write_letter_batch, b)
                   for b in letters.batches(LETTER_BATCHES_PER_JOB * workers.count)]                   # 2
        files = [write_results_json(result, folder / "results.json"),
                 write_payroll(result, folder / "payroll.csv")]                                     # 3
        if history is not None:
            history.write(history_rows(result))                                                     # 4
        books += [workers.books(r) for r in second]                                                 # 5
        files.append(write_department_book(result, folder / department_filename(result.month)))    # 6
        files += letters.write_index([b.result() for b in batches])                                 # 7
        return files + workers.collect(books, advance)                                              # 8


def write_workbooks(result, folder: Path, jobs: int | None = None, advance=None) -> list[Path]:
    """The managers' workbooks (in 工号 order) and the department workbook, last — steps 1, 5, 6
    and 8 alone (no letters, no files, no history)."""
    with Workers(ManagerSlicer(result), Path(folder) / MANAGERS_DIR, jobs) as workers:
        books = [workers.books(r) for part in workers.halves() for r in part]
        department = write_department_book(result, Path(folder) / department_filename(result.month))
        return workers.collect(books, advance) + [department]


def report_meanwhile(write, *arguments, in_child: bool) -> Future:
    """``write(*arguments)`` — the validation report — by a child process while this process
    computes the month (it reads the annotated sheets again: seconds on a province month), or at
    once. Only ``arguments`` cross to the child, not the month's frames."""
    if not in_child:
        return _done(write, *arguments)
    pool = ProcessPoolExecutor(max_workers=1, initializer=die_with_parent)
    try:
        return pool.submit(write, *arguments)
    finally:
        pool.shutdown(wait=False)           # the submitted report still runs to its end


class Workers:
    """The pool of steps 1, 2 and 5 — or this process, when the month is small or there is one core."""

    def __init__(self, slicer: ManagerSlicer, books_folder: Path, jobs: int | None):
        self.slicer, self.folder = slicer, Path(books_folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        jobs = jobs or available_cores()
        self.forked = _forked()
        self.pool = _pool(slicer, jobs, self.forked) if jobs > 1 and len(slicer) > PARALLEL_MIN else None
        self.count = jobs if self.pool is not None else 1

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=exc[0] is not None)

    def halves(self) -> tuple[list, list]:
        """The managers' ranges, a task each: many small ones let the workers finish together."""
        n = len(self.slicer)
        size = max(1, min(BATCH_MAX, n // (self.count * 8) or 1)) if self.pool is not None else max(n, 1)
        ranges = [(start, min(start + size, n)) for start in range(0, n, size)]
        return ranges[:len(ranges) // 2], ranges[len(ranges) // 2:]

    def books(self, span: tuple[int, int]) -> Future:
        """The workbooks of managers ``span`` = (start, stop), in the pool or at once."""
        if self.pool is None:
            return _done(_write_batch, self.slicer.slices(*span), str(self.folder))
        if self.forked:
            future = self.pool.submit(_write_range, *span, str(self.folder))
        else:
            future = self.pool.submit(_write_batch, self.slicer.slices(*span), str(self.folder))
        crash_point("workbooks")                # the workers are running (tests kill the run here)
        return future

    def submit(self, function, *args) -> Future:
        return self.pool.submit(function, *args) if self.pool is not None else _done(function, *args)

    def collect(self, books: list[Future], advance=None) -> list[Path]:
        """The workbooks' paths in 工号 order, ``advance`` told as each task finishes."""
        for done in as_completed(books):
            if advance is not None:
                advance(len(done.result()))
        return [Path(p) for f in books for p in f.result()]


# -- what a pool worker runs -------------------------------------------------------------------

_INHERITED: ManagerSlicer | None = None     # in a forked worker: its copy of the month's slicer


def _forked() -> bool:
    """The pool's workers start as forks (multiprocessing's default context on Linux)."""
    return multiprocessing.get_context().get_start_method() == "fork"


def _pool(slicer: ManagerSlicer, jobs: int, forked: bool) -> ProcessPoolExecutor:
    """Under fork a worker starts as a copy of this process: the slicer (and the month it cuts)
    arrives without being pickled — 39 MB of pickles saved on a province month, and the slicing
    is done by the workers in parallel instead of here alone before the pool starts."""
    if forked:
        return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(),
                                   initializer=_inherit, initargs=(slicer,))
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(), initializer=die_with_parent)


def _inherit(slicer: ManagerSlicer) -> None:
    """Pool initializer: keep the inherited slicer; end with the parent (kehu.cores)."""
    global _INHERITED
    die_with_parent()
    _INHERITED = slicer


def _write_range(start: int, stop: int, folder: str) -> list[str]:
    return _write_batch(_INHERITED.slices(start, stop), folder)


def _write_batch(batch: list[tuple[ManagerSlice, str]], folder: str) -> list[str]:
    return [str(write_manager_book(s, Path(folder) / name)) for s, name in batch]


def _done(function, *args) -> Future:
    """A Future of work done here, now (no pool); an exception is raised again by ``result()``."""
    done: Future = Future()
    try:
        done.set_result(function(*args))
    except Exception as exc:
        done.set_exception(exc)
    return done
