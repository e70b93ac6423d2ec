"""Speed of toolkit.discrimination against the peer-library calls it replaces, in the same run.

    .venv/bin/python benchmarks/bench_discrimination.py

1. wage_gap(n_bootstrap=200) on 20,000 workers (20 occupations x 10 states) vs bootstrap
   replicates each fitted with statsmodels OaxacaBlinder(...).two_fold("pooled"); statsmodels
   runs 20 replicates and its time is scaled to 200.
2. screen_entities(measure="impact_ratio") on 500 recruiters x 400 applicants (vectorised
   hypergeometric tail) vs a scipy.stats.fisher_exact(alternative="less") loop over entities.
3. cmh over 2,000 strata (case-level Mantel-Haenszel) vs building the 2x2 tables with a pandas
   groupby loop and statsmodels StratifiedTable.
Point estimates are checked equal first. BLAS runs single-threaded (set below, before numpy
loads): on the shared 2-core machine a multi-threaded BLAS competing with other processes made
single runs of either side 10-50x slower at random.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import special, stats  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import measure, row  # noqa: E402

from toolkit import discrimination as dz  # noqa: E402


def workers(n, seed):
    rng = np.random.default_rng(seed)
    female = rng.random(n) < 0.2
    soc, state = rng.integers(0, 20, n), rng.integers(0, 10, n)
    wage = np.exp(2.6 + 0.02 * soc + 0.01 * state - 0.05 * female + rng.normal(0, 0.1, n))
    return pd.DataFrame({"sex": np.where(female, "F", "M"), "soc_code": soc.astype(str),
                         "worksite_state": state.astype(str), "wage_hourly": wage})


def statsmodels_bootstrap(df, n_bootstrap, seed):
    from statsmodels.stats.oaxaca import OaxacaBlinder

    x = pd.get_dummies(df[["soc_code", "worksite_state"]], drop_first=True, dtype=float)
    x.insert(0, "const", 1.0)
    x["female"] = (df["sex"] == "F").astype(float)  # men coded 0: statsmodels does not swap groups
    y = np.log(df["wage_hourly"].to_numpy())
    rng = np.random.default_rng(seed)
    idx_f, idx_m = np.flatnonzero(x["female"] == 1), np.flatnonzero(x["female"] == 0)
    est = OaxacaBlinder(y, x, "female", hasconst=True).two_fold(two_fold_type="pooled").params
    for _ in range(n_bootstrap):
        take = np.concatenate([rng.choice(idx_f, len(idx_f)), rng.choice(idx_m, len(idx_m))])
        OaxacaBlinder(y[take], x.iloc[take], "female", hasconst=True).two_fold(two_fold_type="pooled")
    return est


def applicants(entities, per, seed):
    rng = np.random.default_rng(seed)
    n = entities * per
    female = rng.random(n) < 0.3
    sel = rng.random(n) < special.expit(np.log(0.6) * female)
    return pd.DataFrame({"recruiter": np.repeat(np.arange(entities), per), "sex": np.where(female, "F", "M"),
                         "selected": sel})


def fisher_loop(df):
    out = {}
    for name, g in df.groupby("recruiter"):
        f = g["sex"] == "F"
        table = [[(f & g.selected).sum(), (f & ~g.selected).sum()], [(~f & g.selected).sum(), (~f & ~g.selected).sum()]]
        out[name] = stats.fisher_exact(table, alternative="less").pvalue
    return pd.Series(out)


def stratified_loop(df):
    from statsmodels.stats.contingency_tables import StratifiedTable

    tables = []
    for _, g in df.groupby("recruiter"):
        f = g["sex"] == "F"
        t = np.array([[(f & g.selected).sum(), (f & ~g.selected).sum()], [(~f & g.selected).sum(), (~f & ~g.selected).sum()]])
        if (t.sum(axis=0) > 0).all() and (t.sum(axis=1) > 0).all():
            tables.append(t)
    return StratifiedTable(tables).oddsratio_pooled


def main() -> int:
    print(f"{'case':<58} {'time':>11} {'peak mem':>13} {'speed-up':>9}")
    df = workers(20_000, 1)
    ours, t_ours, m_ours = measure(dz.wage_gap, df, n_bootstrap=200, seed=1)
    ref, t_ref, m_ref = measure(statsmodels_bootstrap, df, 20, 1)
    t_ref *= 201 / 21  # the point estimate plus 200 replicates, from 1 + 20
    assert np.isclose(ours.loc["explained", "est"], ref[1]) and np.isclose(ours.loc["unexplained", "est"], ref[0])
    print(row("statsmodels OaxacaBlinder, scaled to 200 replicates (baseline)", t_ref, m_ref))
    print(row("toolkit wage_gap(n_bootstrap=200)", t_ours, m_ours, t_ref))

    app = applicants(500, 400, 2)
    ours, t_ours, m_ours = measure(dz.screen_entities, app, "recruiter", measure="impact_ratio")
    ref, t_ref, m_ref = measure(fisher_loop, app)
    assert np.allclose(ours.table.set_index("recruiter")["p_value"].sort_index(), ref.sort_index())
    print(row("scipy fisher_exact loop, 500 entities (baseline)", t_ref, m_ref))
    print(row("toolkit screen_entities(measure='impact_ratio')", t_ours, m_ours, t_ref))

    strata = applicants(2_000, 40, 3)
    ours, t_ours, m_ours = measure(dz.cmh, strata, "sex", "selected", within="recruiter")
    ref, t_ref, m_ref = measure(stratified_loop, strata)
    assert np.isclose(ours.loc["odds_ratio_mh", "est"], ref)
    print(row("groupby loop + StratifiedTable, 2,000 strata (baseline)", t_ref, m_ref))
    print(row("toolkit cmh", t_ours, m_ours, t_ref))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
