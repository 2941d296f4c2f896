"""How many cores kehu's process pools may use, and how their workers start."""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time

PARENT_POLL_SECONDS = 0.5       # how often a worker's watchdog looks for its parent
_PR_SET_PDEATHSIG = 1           # linux/prctl.h


def available_cores() -> int:
    """The cores this process may run on (a container's CPU set, not the host's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:                  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def die_with_parent() -> None:
    """Pool initializer: this worker ends when the process that started it ends, however it
    ends (SIGKILL included) — a pool worker holds ~175 MB and the caller's stdout.

    On Linux the kernel kills it (prctl PR_SET_PDEATHSIG); everywhere a watchdog thread
    also ends it once its parent is gone (POSIX: it is re-parented; Windows: the parent's
    process handle is signalled). A forked worker inherits the parent's SIGTERM handler,
    which would clean up the *parent's* run: it gets the default back."""
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = multiprocessing.parent_process()
    parent_pid = parent.pid if parent is not None else os.getppid()
    if sys.platform.startswith("linux"):
        _kernel_kills_me_with(parent_pid)
    threading.Thread(target=_watch_parent, args=(parent, parent_pid), name="kehu-parent-watch",
                     daemon=True).start()


def _kernel_kills_me_with(parent_pid: int) -> None:
    import ctypes
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        return                              # the watchdog still ends it
    if os.getppid() != parent_pid:          # the parent died before prctl took effect
        os._exit(1)


def _watch_parent(parent, parent_pid: int) -> None:
    if sys.platform == "win32" and parent is not None:
        parent.join()                       # returns once the parent process has ended
        os._exit(1)
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)
