"""Test-only: named points at which the crash-safety tests have kehu killed.

With ``KEHU_TEST_KILL_AT=<name>`` in its environment, a kehu process kills itself with
SIGKILL when it reaches ``crash_point("<name>")`` (``<name>:TERM``: SIGTERM instead, to
test the clean-up a terminated run does). Outside the tests the variable is unset and a
crash point does nothing. The points are listed in tests/test_crash_safety.py.
"""
from __future__ import annotations

import os
import signal

VARIABLE = "KEHU_TEST_KILL_AT"


def crash_point(name: str) -> None:
    wanted = os.environ.get(VARIABLE)
    if not wanted or wanted.split(":")[0] != name:
        return
    number = signal.SIGTERM if wanted.endswith(":TERM") else getattr(signal, "SIGKILL", None)
    if number is None:                      # Windows has no SIGKILL: end as abruptly
        os._exit(137)
    os.kill(os.getpid(), number)
