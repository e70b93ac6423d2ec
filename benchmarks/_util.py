"""Shared helpers for the hand-run benchmarks: wall time and peak Python memory of a call."""
from __future__ import annotations

import subprocess
import tarfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(fn, *args, trace_memory: bool = True, **kwargs):
    """(result, seconds, peak MiB of Python allocations) for one call. Tracing allocations slows
    Python code down; with ``trace_memory=False`` the time is the plain one and the peak is NaN."""
    if trace_memory:
        tracemalloc.start()
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace_memory else float("nan")
    if trace_memory:
        tracemalloc.stop()
    return result, seconds, peak


def row(name, seconds, peak, baseline=None):
    ratio = f"{baseline / seconds:8.1f}x" if baseline else "        "
    return f"{name:<58} {seconds:9.2f} s {peak:9.1f} MiB {ratio}"


def export_commit(rev: str, dest: Path) -> Path:
    """The repository at commit ``rev``, exported with ``git archive`` into ``dest / "baseline"``."""
    archive = dest / "baseline.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), rev], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(dest / "baseline", filter="data")
    return dest / "baseline"
