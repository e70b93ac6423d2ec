"""Facts about the run that the evidence states but must not look up itself: the code version
(git commit) and the time. The CLI and notebooks read them here and pass them to
``evidence.build`` so that the evidence stays a pure function of its inputs."""
from __future__ import annotations

import subprocess
from datetime import datetime, timezone
from pathlib import Path

__all__ = ["git_commit", "now_utc"]


def git_commit() -> str:
    """The short commit of the source checkout, or "unknown" (an installed package, no git)."""
    root = Path(__file__).resolve().parents[1]
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                             text=True, timeout=5)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def now_utc() -> str:
    """The current time as "YYYY-MM-DD HH:MM UTC"."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
