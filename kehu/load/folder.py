"""Read and type the month's folder, one file per task (SPEC §1).

Each file is read (kehu.load.reader) and its sheets recognised and typed
(kehu.load.shapes) in one task. For a large folder the tasks run in a process
pool across the cores, so reading and typing both run in parallel and only the
typed frames — not the millions of raw cells — come back to this process. The
raw cells are not kept in memory: when the typed files are kept in the cache
(``kehu validate --report``), each worker keeps its file's raw sheets there too,
for the report's annotated copies (kehu.render.report_copies); else the report
reads the few sheets it annotates again.
"""
from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pandas as pd

from kehu.collector import collector_paused
from kehu.cores import available_cores, die_with_parent
from kehu.findings import Finding
from kehu.load.ledger import Ledger
from kehu.load.cache import TypedFileCache, kept_sheets, pickled
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


def load_file(source: InputFile, rules: dict, keep_raws=None) -> LoadedFile:
    """Read one file and type its sheets; an unreadable file is a finding, not an exception.
    ``keep_raws(raws)``: called with the file's raw sheets before they are let go."""
    with collector_paused():
        try:
            vetted = vet_file(source)
            raws = read_file(source, vetted)
        except UnsafeFile as exc:
            return LoadedFile(source.name, exc.finding(source.name))
        if keep_raws is not None:
            keep_raws(raws)
        loaded = LoadedFile(source.name, vetted=vetted)
        typed = parse_sheets(raws, rules, loaded.ledger, loaded.findings)
        del raws                                        # the raw cells die here, in the worker
        loaded.parts = [(key, frame) for key, frames in typed.items() for frame in frames]
        return loaded


def load_and_keep(source: InputFile, rules: dict, cache: TypedFileCache,
                  before: str | None = None) -> tuple[LoadedFile, bytes]:
    """``load_file``, kept in ``cache`` with the raw sheets when the file's bytes hash the same
    before and after it was read; the LoadedFile, and pickled. ``before``: the file's key, when
    the caller took it before the read (the cache lookup did)."""
    before = before or cache.key(source)
    raws = []
    loaded = load_file(source, rules, keep_raws=lambda sheets: raws.append(kept_sheets(sheets)))
    body = pickled(loaded)
    if before is not None and cache.key(source) == before:
        cache.keep(before, body, raws[0] if raws else None)
    return loaded, body


def load_kept(source: InputFile, rules: dict, cache: TypedFileCache, before: str | None = None) -> bytes:
    """A pool worker's ``load_and_keep``: the pickled LoadedFile, which serves both the cache
    and the way back to the parent (pickled once, not twice)."""
    return load_and_keep(source, rules, cache, before)[1]


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
    keys = {s.name: cache.key(s) for s in scan.files} if cache is not None and cache.enabled else {}
    done = {name: found for name, key in keys.items() if (found := cache.entry(key)) is not None}
    advance(len(done))
    todo = [s for s in scan.files if s.name not in done]
    keeper = cache if keep and keys else None
    for source, loaded in _load(todo, rules, cores or available_cores(), large_folder(scan), keeper, keys):
        done[source.name] = loaded
        advance(1)
    if keeper is not None and todo:
        keeper.trim()
    return [done[s.name] for s in scan.files]


def _load(sources: list[InputFile], rules: dict, cores: int, large: bool,
          keeper: TypedFileCache | None, keys: dict) -> Iterator[tuple[InputFile, LoadedFile]]:
    """(source, loaded) of each file as it is done: here, or in a pool for a large folder;
    each kept in ``keeper`` (by the worker that read it, under the key ``keys`` took before
    the read) when there is one."""
    if cores < 2 or len(sources) < 2 or not large:
        for s in sources:
            yield s, load_and_keep(s, rules, keeper, keys[s.name])[0] if keeper is not None else load_file(s, rules)
        return
    with ProcessPoolExecutor(max_workers=min(cores, len(sources)), initializer=die_with_parent) as pool:
        futures = {(pool.submit(load_kept, s, rules, keeper, keys[s.name]) if keeper is not None
                    else pool.submit(load_file, s, rules)): s for s in sorted(sources, key=lambda s: -s.size)}
        for future in as_completed(futures):
            yield futures[future], _unpickled(future.result())


def _unpickled(result) -> LoadedFile:
    """A pool task's LoadedFile: ``load_file``'s, or ``load_kept``'s bytes unpickled."""
    return pickle.loads(result) if isinstance(result, bytes) else result
