"""How many cores kehu's process pools may use."""
from __future__ import annotations

import os


def available_cores() -> int:
    """The cores this process may run on (a container's CPU set, not the host's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:                  # pragma: no cover - not Linux
        return os.cpu_count() or 1
