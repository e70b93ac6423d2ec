"""Time of the default report (``make report``: synthetic data, both programs, English and Spanish,
HTML + PDF) and of its one-language run, this checkout against another commit, in the same run.

    .venv/bin/python benchmarks/bench_report.py [--against main] [--repeat 3]

Both sides run as the user runs them: the ``h2gender report`` command in a fresh process, so
imports, data, evidence, the disclosure audit, figures, HTML and PDF are all counted. The other
side is the toolkit at ``--against`` (default ``main``), exported with ``git archive`` into a
temporary folder. Both sides share one temporary data folder and one temporary user cache folder
(``XDG_CACHE_HOME``), and each runs once unrecorded first, so caches a user's second report finds
(the preference model's coefficients, the operating system's file cache) are warm on both. Each
command then runs ``--repeat`` times (default 3), the two sides alternating; the median wall time
is reported, with the CPU time of the process and its children (wall time on a loaded machine is
several times the quiet one, CPU time much less so) and the load average before and after. Per
language = the command's time / its languages; the issue's target is 4 s per language on the
2-core machine.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from _util import export_commit  # noqa: E402

COMMANDS = {"default (en,es)": ["--lang", "en,es"], "one language (en)": ["--lang", "en"]}


def _run(code_root: Path, args: list[str], env: dict) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the process and its children) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "toolkit", *args], cwd=code_root, capture_output=True, text=True,
                       env={**env, "PYTHONPATH": str(code_root)})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise SystemExit(f"{code_root.name}: h2gender {' '.join(args)} failed:\n{r.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="main", help="the commit to compare with (default: main)")
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    load_before = os.getloadavg()
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "H2GENDER_DATA_DIR": str(tmp / "data"), "XDG_CACHE_HOME": str(tmp / "cache"),
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "JUPYTER_PLATFORM_DIRS": "1"}
        env.pop("MPLBACKEND", None)
        other = f"against {opts.against}"
        sides = {"this checkout": ROOT, other: export_commit(opts.against, tmp)}

        def args(side: str, extra: list[str]) -> list[str]:
            return ["report", "--data", "synthetic", "--program", "all", *extra, "--format", "both",
                    "--out", str(tmp / side.replace(" ", "_"))]

        for side, root in sides.items():  # warm-up, unrecorded
            _run(root, args(side, COMMANDS["one language (en)"]), env)
        for name, extra in COMMANDS.items():
            for _ in range(opts.repeat):
                for side, root in sides.items():
                    results.setdefault((name, side), []).append(_run(root, args(side, extra), env))
    load_after = os.getloadavg()
    print(f"h2gender report --data synthetic --program all --format both; median of {opts.repeat} fresh processes "
          "per side, sides alternating, after one warm-up run each")
    print(f"load average before {' '.join(f'{x:.2f}' for x in load_before)}, "
          f"after {' '.join(f'{x:.2f}' for x in load_after)}; {os.cpu_count()} CPUs")
    print(f"{'command':<20} {'side':<22} {'wall':>8} {'per lang':>9} {'CPU':>8} {'per lang':>9} {'wall ratio':>11} "
          f"{'CPU ratio':>10}")
    for name, extra in COMMANDS.items():
        langs = len(extra[1].split(","))
        base_wall = statistics.median(w for w, _ in results[(name, other)])
        base_cpu = statistics.median(c for _, c in results[(name, other)])
        for side in (other, "this checkout"):
            wall = statistics.median(w for w, _ in results[(name, side)])
            cpu = statistics.median(c for _, c in results[(name, side)])
            print(f"{name:<20} {side:<22} {wall:6.2f} s {wall / langs:7.2f} s {cpu:6.2f} s {cpu / langs:7.2f} s "
                  f"{base_wall / wall:10.2f}x {base_cpu / cpu:9.2f}x")
    print("target: <= 4 s per language (wall) on the 2-core machine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
