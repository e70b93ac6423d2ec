"""Speed of toolkit.segregation inference against PySAL `segregation` on the same tables.

    .venv/bin/python benchmarks/bench_segregation.py        (needs the bench extra: pip install -e .[bench])

1. mutual_total(se=True, n_bootstrap=1000) on 10,000 units x 5 groups vs PySAL MultiInfoTheory
   with SingleValueTest(null_approach="bootstrap").
2. dissimilarity(se=True, n_bootstrap=1000) on 1,000 units x 2 groups vs PySAL Dissim with
   SingleValueTest(null_approach="bootstrap").
PySAL runs fewer iterations; its time is scaled to 1,000 iterations. Point estimates are checked
equal first. toolkit's default bootstrap resamples the contingency table (multinomial over all cells, as the R
package `segregation`); PySAL resamples units (rows) with replacement, which toolkit also offers
(`resample="units"`): those rows compare equal procedures. The multinomial draw over 50,000 cells
dominates the time of the default bootstrap in the first case; the units bootstrap of M and H
works on unit draw counts and never builds the resampled tables.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import measure, row  # noqa: E402

from toolkit import segregation as sg  # noqa: E402


def table(units, groups, seed):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(5, 60, units)
    p = rng.dirichlet(np.ones(len(groups)), units)
    counts = np.array([rng.multinomial(n, q) for n, q in zip(sizes, p)])
    return pd.DataFrame(counts, columns=list(groups)).rename_axis("unit").reset_index()


def main() -> int:
    try:
        from segregation.inference import SingleValueTest
        from segregation.multigroup import MultiInfoTheory
        from segregation.singlegroup import Dissim
    except ImportError:
        print("PySAL segregation is not installed: .venv/bin/python -m pip install -e '.[bench]'")
        return 1
    print(f"{'case':<58} {'time':>11} {'peak mem':>13} {'speed-up':>9}")
    groups = ("a", "b", "c", "d", "e")
    wide = table(10_000, groups, 1)
    long = wide.melt(id_vars="unit", var_name="g", value_name="n")
    ours, t_ours, m_ours = measure(sg.mutual_total, long, "g", "unit", "n", se=True, n_bootstrap=1000, seed=1)
    pysal_iters = 20
    ref, t_ref, m_ref = measure(SingleValueTest, MultiInfoTheory(wide, list(groups)), iterations_under_null=pysal_iters,
                                null_approach="bootstrap", n_jobs=1)
    assert np.isclose(sg.mutual_total(long, "g", "unit", "n").loc["H", "est"], MultiInfoTheory(wide, list(groups)).statistic)
    t_ref_1000 = t_ref * 1000 / pysal_iters
    print(row("toolkit mutual_total cells bootstrap, 10,000 x 5, B=1000", t_ours, m_ours, t_ref_1000))
    _, t_u, m_u = measure(sg.mutual_total, long, "g", "unit", "n", se=True, n_bootstrap=1000, seed=1, resample="units")
    print(row("toolkit mutual_total units bootstrap (PySAL's procedure), B=1000", t_u, m_u, t_ref_1000))
    print(row(f"PySAL MultiInfoTheory bootstrap, B={pysal_iters} (x{1000 // pysal_iters} scaled)", t_ref_1000, m_ref))

    two = table(1_000, ("F", "M"), 2)
    two["T"] = two["F"] + two["M"]
    long2 = two.melt(id_vars="unit", value_vars=["F", "M"], var_name="g", value_name="n")
    ours, t_ours, m_ours = measure(sg.dissimilarity, long2, "g", "unit", "n", se=True, n_bootstrap=1000, seed=1)
    assert np.isclose(sg.dissimilarity(long2, "g", "unit", "n").loc["D", "est"], Dissim(two, "F", "T").statistic)
    pysal_iters = 100
    ref, t_ref, m_ref = measure(SingleValueTest, Dissim(two, "F", "T"), iterations_under_null=pysal_iters,
                                null_approach="bootstrap", n_jobs=1)
    t_ref_1000 = t_ref * 1000 / pysal_iters
    print(row("toolkit dissimilarity cells bootstrap, 1,000 x 2, B=1000", t_ours, m_ours, t_ref_1000))
    _, t_u, m_u = measure(sg.dissimilarity, long2, "g", "unit", "n", se=True, n_bootstrap=1000, seed=1, resample="units")
    print(row("toolkit dissimilarity units bootstrap (PySAL's procedure), B=1000", t_u, m_u, t_ref_1000))
    print(row(f"PySAL Dissim bootstrap, B={pysal_iters} (x{1000 // pysal_iters} scaled)", t_ref_1000, m_ref))
    print("speed-up = PySAL time / toolkit time (above 1: toolkit faster). Bootstraps differ: toolkit "
          "resamples cells (multinomial), PySAL resamples units.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
