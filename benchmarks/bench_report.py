"""Time of one evidence report (one language, HTML + PDF, store data) on today's path against the
path it replaced (papermill executing a notebook template in a Jupyter kernel), in the same run.

    .venv/bin/python benchmarks/bench_report.py [--baseline REV] [--file ../shared/data/dol/X.xlsx]

Both sides run as the user runs them: the ``h2gender report`` command in a fresh process, on the
same store (the shared H-2B FY2021 Q1 file by default), so imports, data loading, statistics,
figures, HTML and PDF are all counted. The baseline is the toolkit at ``--baseline`` (default
2467758, the last commit with the papermill path), exported with ``git archive`` into a
temporary folder. Each side runs ``--repeat`` times (default 3); the median is reported.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from _util import export_commit  # noqa: E402

BASELINE = "2467758"


def _time(code_root: Path, args: list[str], env: dict, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "toolkit", *args], cwd=code_root, capture_output=True, text=True,
                           env={**env, "PYTHONPATH": str(code_root)})
        times.append(time.perf_counter() - start)
        if r.returncode != 0:
            raise SystemExit(f"{code_root.name}: h2gender {' '.join(args)} failed:\n{r.stderr[-2000:]}")
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--file", type=Path, default=ROOT.parent / "shared" / "data" / "dol" /
                        "H2B_Disclosure_Data_FY2021_Q1.xlsx")
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "H2GENDER_DATA_DIR": str(tmp / "data"), "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "JUPYTER_PLATFORM_DIRS": "1"}
        env.pop("MPLBACKEND", None)
        subprocess.run([sys.executable, "-m", "toolkit", "data", "ingest", str(opts.file)], cwd=ROOT, check=True,
                       env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True)
        baseline = export_commit(opts.baseline, tmp)
        args = ["report", "--data", "store", "--program", "H-2B", "--fy", "2021", "--lang", "en", "--format", "both"]
        new = _time(ROOT, [*args, "--out", str(tmp / "new")], env, opts.repeat)
        old = _time(baseline, [*args, "--out", str(tmp / "old")], env, opts.repeat)
    print(f"one report, store data ({opts.file.name}), EN, HTML + PDF; median of {opts.repeat} runs, "
          "each a fresh `h2gender report` process")
    print(f"{'path':<62} {'time':>9} {'ratio':>8}")
    print(f"{'papermill template in a kernel (' + opts.baseline + ')':<62} {old:7.2f} s {'1.0x':>8}")
    print(f"{'evidence -> present -> Jinja2 -> WeasyPrint (this checkout)':<62} {new:7.2f} s {old / new:7.1f}x")
    print("target: <= 4 s for the new path on the 2-core machine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
