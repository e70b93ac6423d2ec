"""Shared helpers for the hand-run benchmarks: wall time and peak Python memory of a call."""
from __future__ import annotations

import time
import tracemalloc


def measure(fn, *args, **kwargs):
    """(result, seconds, peak MiB of Python allocations) for one call."""
    tracemalloc.start()
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return result, seconds, peak


def row(name, seconds, peak, baseline=None):
    ratio = f"{baseline / seconds:8.1f}x" if baseline else "        "
    return f"{name:<58} {seconds:9.2f} s {peak:9.1f} MiB {ratio}"
