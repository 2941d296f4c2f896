"""The cyclic garbage collector paused around bulk work: reading a month, writing the 校验报告.

Shared by the load (one pause per file, in a pool worker), the validation (one around the whole
stage) and the report; nested pauses are one pause, ended by the outermost.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager

YOUNG_GENERATIONS = 1            # gc.collect(1): generations 0 and 1, not the old objects


@contextmanager
def collector_paused():
    """No cyclic garbage collection inside the block, one collection of the young objects after.

    Reading and typing a month make millions of objects and almost no cyclic garbage:
    every full pass of the collector would walk them all to find none (~0.5 s of a
    province month's loading). The one pass after the block frees whatever cycles it left:
    every object made inside the block is still in the youngest generation, so a pass over the
    young generations finds them all. A full pass would also walk every object of the process's
    imported libraries — ~30 ms each time, i.e. 3 CPU-seconds over the 108 files of a month
    read one per task (bench/run.py, visits shape)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect(YOUNG_GENERATIONS)
