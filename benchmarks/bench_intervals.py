"""Cost of the default interval method ("jackknife") against R's procedure ("percentile_bc").

    .venv/bin/python benchmarks/bench_intervals.py

Both methods share the bootstrap replicates; "jackknife" adds the leave-one-out values: a closed
form for M and H (O(U G)), and for the other statistics one evaluation per non-empty cell of the
statistic on the table with one person fewer (chunked arrays, O((U G)^2)). Each row times a verb
with method="jackknife" and reports the ratio against method="percentile_bc" in the same run
(ratio > 1: the default is slower by that factor).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import measure  # noqa: E402

from toolkit import segregation as sg  # noqa: E402


def long_table(units: int, groups: int, seed: int, strata: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(5, 60, units)
    counts = np.array([rng.multinomial(n, q) for n, q in zip(sizes, rng.dirichlet(np.ones(groups), units))])
    wide = pd.DataFrame(counts, columns=[f"g{j}" for j in range(groups)]).rename_axis("unit").reset_index()
    long = wide.melt(id_vars="unit", var_name="g", value_name="n")
    if strata:
        long["s"] = long["unit"] % strata
    return long


def main() -> int:
    print(f"{'case':<62} {'jackknife':>10} {'percentile_bc':>14} {'ratio':>7} {'peak MiB':>9}")
    cases = [
        ("mutual_total, 10,000 units x 5 groups, B=200", sg.mutual_total, long_table(10_000, 5, 1), {}),
        ("mutual_total, 300 x 2, B=200", sg.mutual_total, long_table(300, 2, 2), {}),
        ("mutual_total units bootstrap, 10,000 x 5, B=200", sg.mutual_total, long_table(10_000, 5, 1),
         {"resample": "units"}),
        ("dissimilarity, 1,000 x 2, B=200", sg.dissimilarity, long_table(1_000, 2, 3), {}),
        ("mutual_local, 1,000 x 2, B=200", sg.mutual_local, long_table(1_000, 2, 4), {}),
        ("mutual_within, 20 strata x 500 units x 2, B=200",
         lambda d, g, u, w, **kw: sg.mutual_within(d, g, u, "s", w, **kw), long_table(500, 2, 5, strata=20), {}),
    ]
    for name, verb, data, extra in cases:
        times, peak = {}, 0.0
        for method in ("jackknife", "percentile_bc"):
            _, seconds, mem = measure(verb, data, "g", "unit", "n", se=True, n_bootstrap=200, seed=1,
                                      method=method, **extra)
            times[method], peak = seconds, max(peak, mem)
        print(f"{name:<62} {times['jackknife']:9.2f}s {times['percentile_bc']:13.2f}s "
              f"{times['jackknife'] / times['percentile_bc']:6.2f}x {peak:9.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
