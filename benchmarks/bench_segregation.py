"""Speed of toolkit.segregation inference against PySAL `segregation` and the R package `segregation`,
equal work side by side.

    .venv/bin/python benchmarks/bench_segregation.py        (needs the bench extra: pip install -e .[bench])

Every row of a block does the same number of bootstrap replicates on the same table; nothing is
scaled from a shorter run. PySAL runs with ``n_jobs=-1`` (all cores; the toolkit uses one) and R
(when ``Rscript`` with the package is installed: ../shared/vendor/README.md) is timed inside R
around the call only, so R's start-up and data loading are not counted.

1. M/H, 10,000 units x 5 groups, 200 replicates: toolkit cells bootstrap (multinomial over the
   cells, R's procedure) vs R ``mutual_total(se = TRUE)``; toolkit units bootstrap (units drawn
   with replacement, PySAL's procedure) vs PySAL MultiInfoTheory with
   SingleValueTest(null_approach="bootstrap").
2. D, 1,000 units x 2 groups, 999 replicates: toolkit cells bootstrap vs R ``dissimilarity(se =
   TRUE)``; toolkit units bootstrap vs PySAL Dissim with SingleValueTest(null_approach="bootstrap").

Point estimates are checked equal first. Without R, the M/H cells bootstrap is compared with R's
time recorded on this machine (``R_RECORDED``) and, in the same run, with the previous
implementation (one ``Generator.multinomial`` draw per replicate; the toolkit at ``--baseline``,
exported with ``git archive`` and run in a fresh process): wall and CPU seconds, median of 3.
The last lines time the draws alone: numpy's multinomial against ``intervals._MultinomialCells``.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import export_commit, measure  # noqa: E402

from toolkit import segregation as sg  # noqa: E402
from toolkit.segregation import intervals  # noqa: E402

os.environ.setdefault("TQDM_DISABLE", "1")  # PySAL's progress bar would interleave with the table
B_MH, B_D = 200, 999
PYSAL_JOBS = -1
ROOT = Path(__file__).resolve().parents[1]
BASELINE = "5345c1c"  # the last commit whose cells bootstrap drew Generator.multinomial per replicate
R_RECORDED = 4.65  # R mutual_total(se = TRUE), 10,000 x 5, B = 200: seconds measured here 2026-12-01

# one cells bootstrap of M/H, timed in a fresh process: wall and CPU seconds of each of 3 calls
CELLS_CALL = """
import sys, time
import pandas as pd
from toolkit import segregation as sg
long = pd.read_csv(sys.argv[1])
for _ in range(3):
    wall, cpu = time.perf_counter(), time.process_time()
    sg.mutual_total(long, "g", "unit", "n", se=True, n_bootstrap={b}, seed=1, method="percentile_bc")
    print(time.perf_counter() - wall, time.process_time() - cpu)
"""

R_SCRIPT = """
suppressPackageStartupMessages(library(segregation))
d <- read.csv("{path}")
t <- system.time(invisible(capture.output(r <- {call}, type = "message")))[["elapsed"]]
cat(sprintf("%.6f %.12f\\n", t, r$est[1]))
"""


def table(units, groups, seed):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(5, 60, units)
    p = rng.dirichlet(np.ones(len(groups)), units)
    counts = np.array([rng.multinomial(n, q) for n, q in zip(sizes, p)])
    return pd.DataFrame(counts, columns=list(groups)).rename_axis("unit").reset_index()


def r_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(["Rscript", "-e", "library(segregation)"], capture_output=True)
    return probe.returncode == 0


def r_time(long: pd.DataFrame, call: str) -> tuple[float, float]:
    """Seconds R spends in ``call`` (data frame ``d``; columns grp, unt, n), and its first estimate."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.csv"
        long.rename(columns={"g": "grp", "unit": "unt"}).to_csv(path, index=False)
        script = Path(tmp) / "bench.R"
        script.write_text(R_SCRIPT.format(path=path.as_posix(), call=call))
        out = subprocess.run(["Rscript", str(script)], capture_output=True, text=True, check=True)
    seconds, est = out.stdout.split()
    return float(seconds), float(est)


def cells_times(code_root: Path, long: pd.DataFrame, tmp: Path) -> tuple[float, float]:
    """Median wall and CPU seconds of the M/H cells bootstrap with the toolkit at ``code_root``."""
    path = tmp / "long.csv"
    long.to_csv(path, index=False)
    out = subprocess.run([sys.executable, "-c", CELLS_CALL.format(b=B_MH), str(path)], cwd=code_root, check=True,
                         capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(code_root), "OPENBLAS_NUM_THREADS": "1"})
    wall, cpu = zip(*(map(float, r.split()) for r in out.stdout.split("\n") if r.strip()))
    return statistics.median(wall), statistics.median(cpu)


def line(name: str, seconds: float, peak: float | None = None, baseline: float | None = None) -> str:
    mem = f"{peak:9.1f} MiB" if peak is not None else " " * 13
    ratio = f"{baseline / seconds:8.1f}x" if baseline else ""
    return f"  {name:<62} {seconds:9.2f} s {mem} {ratio}"


def block(verb, long: pd.DataFrame, pysal_index, replicates: int, r_call: str, with_r: bool) -> None:
    """One case: toolkit cells bootstrap vs R, toolkit units bootstrap vs PySAL, same replicates."""
    from segregation.inference import SingleValueTest
    name = verb.__name__
    _, t_cells, m_cells = measure(verb, long, "g", "unit", "n", se=True, n_bootstrap=replicates, seed=1,
                                  method="percentile_bc")
    cells = f"toolkit {name}(se=True), cells bootstrap (R's procedure)"
    if with_r:
        t_r, _ = r_time(long, r_call)
        print(line(f"R {name}(se = TRUE), cells bootstrap", t_r))
        print(line(cells, t_cells, m_cells, t_r))
    else:
        print("  R not installed (Rscript with the segregation package): R rows skipped")
        print(line(cells, t_cells, m_cells))
    _, t_ref, m_ref = measure(SingleValueTest, pysal_index, iterations_under_null=replicates,
                              null_approach="bootstrap", n_jobs=PYSAL_JOBS)
    _, t_units, m_units = measure(verb, long, "g", "unit", "n", se=True, n_bootstrap=replicates, seed=1,
                                  resample="units", method="percentile_bc")
    print(line(f"PySAL {type(pysal_index).__name__} bootstrap (units), n_jobs={PYSAL_JOBS}", t_ref, m_ref))
    print(line(f"toolkit {name}(resample='units') (PySAL's procedure)", t_units, m_units, t_ref))
    print(line("toolkit cells bootstrap vs PySAL (other procedure)", t_cells, None, t_ref))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help="the commit of the previous cells bootstrap")
    opts = parser.parse_args()
    try:
        from segregation.multigroup import MultiInfoTheory
        from segregation.singlegroup import Dissim
    except ImportError:
        print("PySAL segregation is not installed: .venv/bin/python -m pip install -e '.[bench]'")
        return 1
    with_r = r_available()
    print(f"{'case':<64} {'time':>11} {'peak mem':>13} {'speed-up':>9}")
    print("speed-up = baseline time / toolkit time for the same replicates (above 1: toolkit faster)")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    groups = ("a", "b", "c", "d", "e")
    wide = table(10_000, groups, 1)
    long = wide.melt(id_vars="unit", var_name="g", value_name="n")
    pysal_mh = MultiInfoTheory(wide, list(groups))
    assert np.isclose(sg.mutual_total(long, "g", "unit", "n").loc["H", "est"], pysal_mh.statistic)
    print(f"\n1. M/H, 10,000 units x 5 groups, B = {B_MH} replicates")
    block(sg.mutual_total, long, pysal_mh, B_MH,
          f'mutual_total(d, "grp", "unt", weight = "n", se = TRUE, n_bootstrap = {B_MH})', with_r)

    two = table(1_000, ("F", "M"), 2)
    two["T"] = two["F"] + two["M"]
    long2 = two.melt(id_vars="unit", value_vars=["F", "M"], var_name="g", value_name="n")
    pysal_d = Dissim(two, "F", "T")
    assert np.isclose(sg.dissimilarity(long2, "g", "unit", "n").loc["D", "est"], pysal_d.statistic)
    print(f"\n2. D, 1,000 units x 2 groups, B = {B_D} replicates")
    block(sg.dissimilarity, long2, pysal_d, B_D,
          f'dissimilarity(d, "grp", "unt", weight = "n", se = TRUE, n_bootstrap = {B_D})', with_r)

    print(f"\n3. M/H cells bootstrap, 10,000 x 5, B = {B_MH}: fresh processes, median of 3 calls (wall / CPU)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        old_wall, old_cpu = cells_times(export_commit(opts.baseline, tmp), long, tmp)
        new_wall, new_cpu = cells_times(ROOT, long, tmp)
    print(line(f"previous: Generator.multinomial per replicate ({opts.baseline}), wall", old_wall))
    print(line("this checkout: _MultinomialCells, wall", new_wall, None, old_wall))
    print(line(f"previous ({opts.baseline}), CPU", old_cpu))
    print(line("this checkout, CPU", new_cpu, None, old_cpu))
    if not with_r:
        print(line("R mutual_total(se = TRUE) recorded 2026-12-01 (not this run)", R_RECORDED))
        print(line("this checkout (wall) vs that recorded R time", new_wall, None, R_RECORDED))
        print(line("this checkout (CPU) vs that recorded R time", new_cpu, None, R_RECORDED))

    print("\nThe draws alone (no statistic), all replicates, same table")
    rng = np.random.default_rng(1)
    for name, frame_, reps in (("10,000 x 5", long, B_MH), ("1,000 x 2", long2, B_D)):
        counts = frame_.groupby(["unit", "g"])["n"].sum().to_numpy()
        start = time.perf_counter()
        rng.multinomial(int(counts.sum()), counts / counts.sum(), size=reps)
        multinomial = time.perf_counter() - start
        start = time.perf_counter()
        intervals._MultinomialCells(counts).draw(reps, rng)
        cells = time.perf_counter() - start
        print(line(f"{name}: Generator.multinomial, {reps} draws", multinomial))
        print(line(f"{name}: _MultinomialCells, {reps} draws", cells, None, multinomial))
    return 0


if __name__ == "__main__":
    sys.exit(main())
