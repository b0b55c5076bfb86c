"""Forked worker processes: how they start, shared by the steps that spread work over the cores."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal

PR_SET_PDEATHSIG = 1


def can_fork(items: int, minimum: int) -> int:
    """How many workers to fork for `items` pieces of work: 0 when it is not worth it or not possible."""
    workers = min(os.cpu_count() or 1, 4)
    if workers < 2 or items < minimum or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return workers


def die_with_parent() -> None:
    """A worker killed with the build, never left writing on its own (Linux; elsewhere it ends with the pool)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
