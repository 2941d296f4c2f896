"""Read and type the month's folder, one file per task (SPEC §1).

Each file is read (kehu.load.reader) and its sheets recognised and typed
(kehu.load.sheets) in one task. For a large folder the tasks run in a process
pool across the cores, so reading and typing both run in parallel and only the
typed frames — not the millions of raw cells — come back to this process. The
raw cells are not kept: the validation report re-reads the few sheets it
annotates (kehu.validate.report).
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kehu.cores import available_cores, die_with_parent
from kehu.findings import ERROR, Finding
from kehu.load.ledger import Ledger
from kehu.load.reader import input_files, read_file, vet_file
from kehu.load.safety import UnsafeFile, XlsxCheck
from kehu.load.sheets import parse_sheets

PARALLEL_BYTES = 8 * 1024**2     # a folder this large is loaded by a process pool


@dataclass
class LoadedFile:
    """One input file, typed: what crosses back from a pool worker."""
    file: str
    error: Finding | None = None                       # the file could not be read at all
    parts: list[tuple[str, pd.DataFrame]] = field(default_factory=list)   # (dataset key, typed rows)
    ledger: Ledger = field(default_factory=Ledger)
    findings: list[Finding] = field(default_factory=list)
    vetted: XlsxCheck | None = None                    # the workbook's safety pre-scan (report re-reads)


def load_file(path: Path, rules: dict) -> LoadedFile:
    """Read one file and type its sheets; an unreadable file is a finding, not an exception."""
    with collector_paused():
        try:
            vetted = vet_file(path)
            raws = read_file(path, vetted)
        except UnsafeFile as exc:
            return LoadedFile(path.name, Finding(ERROR, exc.code, exc.message, file=path.name))
        loaded = LoadedFile(path.name, vetted=vetted)
        typed = parse_sheets(raws, rules, loaded.ledger, loaded.findings)
        del raws                                        # the raw cells die here, in the worker
        loaded.parts = [(key, frame) for key, frames in typed.items() for frame in frames]
        return loaded


@contextmanager
def collector_paused():
    """No cyclic garbage collection inside the block, one collection after.

    Reading and typing a month make millions of objects and almost no cyclic garbage:
    every full pass of the collector would walk them all to find none (~0.5 s of a
    province month's loading). The one pass after the block frees whatever cycles it left."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect()


def large_folder(folder: Path) -> bool:
    """A folder whose files are worth the cost of a child process (≥ ``PARALLEL_BYTES``)."""
    return sum(p.stat().st_size for p in input_files(Path(folder))) >= PARALLEL_BYTES


def load_folder(folder: Path, rules: dict, cores: int | None = None) -> list[LoadedFile]:
    """Every input file of ``folder``, typed, in file-name order.

    A large folder (≥ ``PARALLEL_BYTES``, several files, several cores) is loaded by a
    process pool, biggest file first so that the workers finish together."""
    paths = input_files(Path(folder))
    cores = cores or available_cores()
    if cores < 2 or len(paths) < 2 or not large_folder(folder):
        return [load_file(p, rules) for p in paths]
    sizes = {p: p.stat().st_size for p in paths}
    with ProcessPoolExecutor(max_workers=min(cores, len(paths)), initializer=die_with_parent) as pool:
        futures = {p: pool.submit(load_file, p, rules) for p in sorted(paths, key=lambda p: -sizes[p])}
        return [futures[p].result() for p in paths]
