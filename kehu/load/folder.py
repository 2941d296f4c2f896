"""Read and type the month's folder, one file per task (SPEC §1).

Each file is read (kehu.load.reader) and its sheets recognised and typed
(kehu.load.shapes) in one task. For a large folder the tasks run in a process
pool across the cores, so reading and typing both run in parallel and only the
typed frames — not the millions of raw cells — come back to this process. The
raw cells are not kept: the validation report re-reads the few sheets it
annotates (kehu.render.report).
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pandas as pd

from kehu.cores import available_cores, die_with_parent
from kehu.findings import Finding
from kehu.load.ledger import Ledger
from kehu.load.cache import TypedFileCache
from kehu.load.files import FolderScan, InputFile, scan_folder
from kehu.load.reader import read_file, vet_file
from kehu.load.safety import UnsafeFile, XlsxCheck
from kehu.load.shapes import parse_sheets

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


def load_file(source: InputFile, rules: dict) -> LoadedFile:
    """Read one file and type its sheets; an unreadable file is a finding, not an exception."""
    with collector_paused():
        try:
            vetted = vet_file(source)
            raws = read_file(source, vetted)
        except UnsafeFile as exc:
            return LoadedFile(source.name, exc.finding(source.name))
        loaded = LoadedFile(source.name, vetted=vetted)
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


def large_folder(folder: Path | FolderScan) -> bool:
    """A folder whose files are worth the cost of a child process (≥ ``PARALLEL_BYTES``)."""
    scan = folder if isinstance(folder, FolderScan) else scan_folder(Path(folder))
    return sum(f.size for f in scan.files) >= PARALLEL_BYTES


def load_folder(scan: FolderScan, rules: dict, cores: int | None = None, cache: TypedFileCache | None = None,
                keep: bool = False, advance=None) -> list[LoadedFile]:
    """Every readable file of the scanned folder, typed, in file-name order.

    A file unchanged since an earlier run is taken from ``cache`` (kehu.load.cache), and the
    files read now are kept there when ``keep``. The rest is read here, or by a process pool
    for a large folder (≥ ``PARALLEL_BYTES``, several files, several cores), biggest file first
    so that the workers finish together. ``advance(n)``: n more files done (a progress bar)."""
    advance = advance or (lambda n: None)
    done = {s.name: found for s in scan.files if cache is not None and (found := cache.get(s)) is not None}
    advance(len(done))
    todo = [s for s in scan.files if s.name not in done]
    for source, loaded in _load(todo, rules, cores or available_cores(), large_folder(scan)):
        done[source.name] = loaded
        if keep and cache is not None:
            cache.put(source, loaded)
        advance(1)
    return [done[s.name] for s in scan.files]


def _load(sources: list[InputFile], rules: dict, cores: int, large: bool) -> Iterator[tuple[InputFile, LoadedFile]]:
    """(source, loaded) of each file as it is done: here, or in a pool for a large folder."""
    if cores < 2 or len(sources) < 2 or not large:
        yield from ((s, load_file(s, rules)) for s in sources)
        return
    with ProcessPoolExecutor(max_workers=min(cores, len(sources)), initializer=die_with_parent) as pool:
        futures = {pool.submit(load_file, s, rules): s for s in sorted(sources, key=lambda s: -s.size)}
        for future in as_completed(futures):
            yield futures[future], future.result()
