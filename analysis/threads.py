"""Single-threaded BLAS/OpenMP for our small sparse workloads.

Multi-threaded OpenBLAS/OpenMP spin-waiting makes liblinear and small matrix
products 10-100x slower when the cores are busy with other processes; our
matrices are small, so one thread is always at least as fast.
"""

from __future__ import annotations

import contextlib
from typing import Any

_controller: Any = None


def single_threaded() -> contextlib.AbstractContextManager[Any]:
    """Context manager limiting native thread pools to one thread (cheap to enter)."""
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    return _controller.limit(limits=1)
