"""Coverage study of the bootstrap intervals of toolkit.segregation (issue 18).

Design. Each case is a population table of cell shares p (units x groups) with known M, H, D and
local scores ls_u; a sample is a multinomial draw of N people from p; on each sample every
interval method of ``segregation.METHODS`` is computed from the same ``n_bootstrap`` replicates
(the toolkit's own ``_bootstrap``, ``_jackknife`` and ``_summarise``, which the public verbs
call; ``test_study_uses_what_the_verbs_return`` checks that). Coverage is the share of samples
whose interval holds the true value; bias is the mean estimate minus the truth. Local scores are
pooled over the units present in a sample: row ``ls`` over the units not flagged sparse, row
``ls_sparse_units`` over those flagged (reported, not checked against the band).

Grid: mean cell sizes (N / (units x groups)) from 3 to 133, two to four groups, including the two
sparse rows of issue 18 (200 x 2 with N = 3,000; 300 x 2 with N = 2,500).

Monte Carlo error. With S samples per case the coverage estimate has a binomial standard error
sqrt(c (1 - c) / S); at c = 0.95 and S = N_SAMPLES = 400 that is 0.011. The test fails when the
default method's coverage is more than two such errors outside 0.92-0.98, i.e. outside
[0.92 - 2 se, 0.98 + 2 se] = [0.898, 1.0] at S = 400: the estimate then disagrees with every true
coverage in the band at about the 2.5% level one-sided (per check). Two se rather than a
Bonferroni correction over the ~40 checks: the seeds are fixed, so the test never flakes, and the
looser band would let a true coverage of 0.88 pass. For the local scores, units of one sample
share a draw, so their error is the standard deviation of the per-sample coverage (over units)
divided by sqrt(S); it is small, and the band there is close to 0.92-0.98 itself.

Defaults (as the verbs): "jackknife" for M, H and local scores, "percentile_bc" (R's) for D.
Where a table has fewer people per cell than ``segregation.SPARSE_MEAN_CELL`` (5 for M and H, 10
for D; 20 per group in the unit for a local score) the results flag ``sparse``: no method reached
0.92 there in this study. The test asserts the flag instead of the band, that no method reaches
the band for M and H there (what the flag claims), and that the default beats R's procedure.
Two documented limitations under weak segregation are checked as such (``KNOWN``).

Cost: about 60 s of one core (measured 63 s user time; the grid, N_SAMPLES and N_BOOTSTRAP were
chosen for it). ``python tests/test_segregation_coverage.py [samples bootstrap seed]`` prints the
table (defaults 400, 200, 100).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from toolkit import segregation as sg

N_SAMPLES = 400
N_BOOTSTRAP = 200
LEVEL = 0.95
BAND = (0.92, 0.98)
# (units, groups, N, segregation strength: smaller is more segregated)
CASES = [
    (20, 2, 4_000, 3.0),   # mean cell 100
    (50, 3, 20_000, 3.0),  # 133 (issue 18's third row)
    (100, 2, 5_000, 3.0),  # 25 (issue 18's second row)
    (60, 3, 3_600, 3.0),   # 20
    (40, 2, 800, 3.0),     # 10
    (50, 4, 2_400, 3.0),   # 12
    (200, 2, 3_000, 3.0),  # 7.5 (issue 18's sparse rows)
    (300, 2, 2_500, 3.0),  # 4.2
    (100, 4, 1_200, 3.0),  # 3
    (100, 2, 2_000, 30.0),  # 10, weak segregation (M near its floor of 0)
]


def population(units: int, groups: int, strength: float, seed: int) -> np.ndarray:
    """Cell shares: unit sizes lognormal(0, 1); each unit's group mix Dirichlet(strength * overall mix)."""
    rng = np.random.default_rng(seed)
    sizes = rng.lognormal(0.0, 1.0, units)
    overall = rng.dirichlet(np.full(groups, 4.0))
    return sizes[:, None] / sizes.sum() * rng.dirichlet(overall * strength, size=units)


def _stats(n: np.ndarray) -> np.ndarray:
    """M, H, (D if two groups), ls_1..ls_U of count arrays (..., U, G), in one vector."""
    parts = [sg._mh_counts(n)]
    if n.shape[-1] == 2:
        parts.append(sg._d_counts(n)[..., None])
    parts.append(sg._local_counts(n)[..., 0])
    return np.concatenate(parts, axis=-1)


def study_case(units, groups, size, strength, *, n_samples=N_SAMPLES, n_bootstrap=N_BOOTSTRAP, seed=0):
    """Rows (case, measure, method) with coverage, its Monte Carlo se, bias and the sparse flag."""
    p = population(units, groups, strength, seed)
    truth = _stats(p * 1e9)  # the population's values (scale-free)
    rng = np.random.default_rng(seed + 1)
    names = ["M", "H"] + (["D"] if groups == 2 else [])
    k = len(names)
    hits = {m: np.full((n_samples, k + 2), np.nan) for m in sg.METHODS}
    err = {m: np.full((n_samples, k + 2), np.nan) for m in sg.METHODS}
    flagged = {m: np.zeros((n_samples, k), dtype=bool) for m in sg.METHODS}
    for s in range(n_samples):
        n = rng.multinomial(size, p.ravel()).reshape(units, groups).astype(float)
        est = _stats(n)
        boot = sg._bootstrap(_stats, n, n_bootstrap, rng)
        jack = sg._jackknife(_stats, n)
        present = n.sum(axis=1) > 0
        cells = np.concatenate([np.full(k, sg._mean_cell(n)), sg._mean_cell(n[:, None, :])])
        sparse = cells < np.array([sg.SPARSE_MEAN_CELL[name] for name in names] + [sg.SPARSE_MEAN_CELL["ls"]] * units)
        for method in sg.METHODS:
            out = sg._summarise(est, boot, LEVEL, method=method, jack_bias=jack, sparse=sparse)
            cover = (out["ci_low"] <= truth) & (truth <= out["ci_high"])
            hits[method][s, :k] = cover[:k]
            err[method][s, :k] = out["est"][:k] - truth[:k]
            for j, units_ in ((k, present & ~out["sparse"][k:]), (k + 1, present & out["sparse"][k:])):
                if units_.any():  # local scores of the units whose flag is off, then of those flagged
                    hits[method][s, j] = cover[k:][units_].mean()
                    err[method][s, j] = (out["est"][k:] - truth[k:])[units_].mean()
            flagged[method][s] = out["sparse"][:k]
    rows = []
    for method in sg.METHODS:
        for j, name in enumerate([*names, "ls", "ls_sparse_units"]):
            seen = hits[method][:, j][~np.isnan(hits[method][:, j])]
            if len(seen) < 2:
                continue
            c = seen.mean()
            mc = math.sqrt(LEVEL * (1 - LEVEL) / len(seen)) if j < k else seen.std(ddof=1) / math.sqrt(len(seen))
            rows.append({"units": units, "groups": groups, "N": size, "mean_cell": size / units / groups,
                         "segregation": "weak" if strength != 3.0 else "moderate", "measure": name,
                         "method": method, "coverage": c, "mc_se": mc, "bias": np.nanmean(err[method][:, j]),
                         "truth": truth[j] if j < k else float("nan"),
                         "sparse": name == "ls_sparse_units" or (j < k and bool(flagged[method][:, j].mean() > 0.5))})
    return rows


def coverage_table(cases=CASES, *, seed: int = 100, n_samples: int = N_SAMPLES, n_bootstrap: int = N_BOOTSTRAP
                   ) -> pd.DataFrame:
    """The study's table: case i uses seed + i (population and samples)."""
    return pd.DataFrame([row for i, case in enumerate(cases)
                         for row in study_case(*case, n_samples=n_samples, n_bootstrap=n_bootstrap, seed=seed + i)])


DEFAULTS = {"M": "jackknife", "H": "jackknife", "ls": "jackknife", "D": "percentile_bc"}  # as the verbs
# Known and documented: D near random allocation under-covers at any cell size (Allen et al. 2015);
# local scores near their floor of 0 over-cover (the interval is conservative, never too short).
KNOWN = {("weak", "D"), ("weak", "ls")}


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    out = coverage_table()
    with pd.option_context("display.width", 200, "display.max_rows", 200):
        print(out.round(4).to_string(index=False))
    return out


def _defaults(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["method"] == table["measure"].map(DEFAULTS).fillna("jackknife")]


@pytest.mark.slow
def test_default_method_covers_where_not_flagged(table):
    default = _defaults(table)
    default = default[~default["sparse"] & ~default.set_index(["segregation", "measure"]).index.isin(KNOWN)]
    outside = (default["coverage"] < BAND[0] - 2 * default["mc_se"]) | (default["coverage"] > BAND[1] + 2 * default["mc_se"])
    assert not outside.any(), ("the default interval's coverage leaves 0.92-0.98 by more than 2 Monte Carlo se "
                               f"where results are not flagged sparse:\n{default[outside].to_string()}")


@pytest.mark.slow
def test_sparse_cases_are_flagged_and_default_beats_r_there(table):
    below = table["mean_cell"] < table["measure"].map(sg.SPARSE_MEAN_CELL)
    flagged = table[below & table["measure"].isin(["M", "H", "D"])]
    assert flagged["sparse"].all(), "tables below SPARSE_MEAN_CELL must carry the sparse flag"
    assert not table.loc[~below & (table["mean_cell"] >= 10) & (table["measure"] != "ls_sparse_units"), "sparse"].any()
    wide = flagged.pivot_table(index=["units", "groups", "N", "measure"], columns="method", values="coverage")
    assert (wide["jackknife"] > wide["percentile_bc"]).loc[:, :, :, ["M", "H"]].all(), wide
    # what the flag admits: no method reaches the band there
    assert (wide.loc[:, :, :, ["M", "H"]].max(axis=1) < BAND[0]).all(), wide


@pytest.mark.slow
def test_known_limitations_under_weak_segregation(table):
    # Allen et al. (2015): with units whose two groups' shares are (nearly) equal the limit of D is
    # not normal, and bootstrap intervals of D under-cover; the docstring of dissimilarity says so.
    weak = _defaults(table[table["segregation"] == "weak"]).set_index("measure")
    assert weak.loc["D", "coverage"] < BAND[0], weak
    # local scores near 0 (mutual_local's docstring): conservative, not short
    assert weak.loc["ls", "coverage"] > BAND[0], weak


def test_jackknife_equals_leaving_each_person_out():
    rng = np.random.default_rng(3)
    n = rng.integers(0, 6, size=(7, 3)).astype(float)
    est = sg._mh_counts(n)
    loo = []
    for u, g in zip(*np.nonzero(n)):
        for _ in range(int(n[u, g])):
            m = n.copy()
            m[u, g] -= 1
            loo.append(sg._mh_counts(m))
    total = n.sum()
    np.testing.assert_allclose(sg._jackknife(sg._mh_counts, n), (total - 1) * (np.mean(loo, axis=0) - est))
    units = [sg._mh_counts(np.delete(n, u, axis=0)) for u in range(7)]
    np.testing.assert_allclose(sg._jackknife(sg._mh_counts, n, "units"), 6 * (np.mean(units, axis=0) - est))
    # the closed forms of M and H (cells: _mh_leave_one_out; units: _mh_unit_weights) agree with
    # evaluating every leave-one-out table, the path every other statistic takes
    generic = lambda a: sg._mh_counts(a)  # noqa: E731  (not the same object: no closed form)
    for resample in ("cells", "units"):
        np.testing.assert_allclose(sg._jackknife(sg._mh_counts, n, resample), sg._jackknife(generic, n, resample))
    local = lambda a: sg._local_counts(a)[..., 0]  # noqa: E731
    n[2] = [1, 0, 0]  # a unit that one person empties, and a group of one
    n[:, 2] = 0
    n[4, 2] = 1
    np.testing.assert_allclose(sg._jackknife(sg._ls_counts, n), sg._jackknife(local, n), atol=1e-12)


def test_percentile_bc_is_r_bootstrap_summary():
    # segregation/R/segregation.R, bootstrap_summary: est_debiased = 2 est - boot_est;
    # est = mean(est_debiased), se = sd(est_debiased), CI = quantile(est_debiased, pct),
    # bias = est - mean(est_debiased)
    est, boot = np.array([0.3]), np.array([[0.31], [0.35], [0.33], [0.40], [0.32]])
    debiased = 2 * est - boot
    out = sg._summarise(est, boot, 0.9, method="percentile_bc")
    assert out["est"] == pytest.approx(debiased.mean())
    assert out["se"] == pytest.approx(debiased.std(ddof=1))
    assert [out["ci_low"][0], out["ci_high"][0]] == pytest.approx(np.quantile(debiased, [0.05, 0.95]))
    assert out["bias"] == pytest.approx(est - debiased.mean())
    # the jackknife method: the percentile interval moved to the jackknife-corrected estimate
    out = sg._summarise(est, boot, 0.9, method="jackknife", jack_bias=np.array([0.02]))
    assert out["est"] == pytest.approx(0.28)
    assert [out["ci_low"][0], out["ci_high"][0]] == pytest.approx(np.quantile(boot, [0.05, 0.95]) - boot.mean() + 0.28)


def test_study_uses_what_the_verbs_return():
    p = population(30, 2, 3.0, seed=1)
    n = np.random.default_rng(2).multinomial(400, p.ravel()).reshape(30, 2)
    data = pd.DataFrame({"u": np.repeat(np.arange(30), 2), "g": np.tile(["F", "M"], 30), "n": n.ravel()})
    data = data[data.groupby("u")["n"].transform("sum") > 0]
    n = n[n.sum(axis=1) > 0].astype(float)
    got = sg.mutual_total(data, "g", "u", "n", se=True, n_bootstrap=50, seed=7)
    boot = sg._bootstrap(sg._mh_counts, n, 50, np.random.default_rng(7))
    want = sg._summarise(sg._mh_counts(n), boot, 0.95, method="jackknife",
                         jack_bias=sg._jackknife(sg._mh_counts, n), sparse=sg._mean_cell(n) < 5)
    for key in ("est", "se", "ci_low", "ci_high", "bias"):
        np.testing.assert_allclose(got[key].to_numpy(), want[key])
    assert got["sparse"].tolist() == [400 / n.size < sg.SPARSE_MEAN_CELL["M"]] * 2
    d = sg.dissimilarity(data, "g", "u", "n", se=True, n_bootstrap=50, seed=7)
    r = sg.dissimilarity(data, "g", "u", "n", se=True, n_bootstrap=50, seed=7, method="percentile_bc")
    pd.testing.assert_frame_equal(d, r)  # D's default is R's procedure
    local = sg.mutual_local(data, "g", "u", "n", wide=True, se=True, n_bootstrap=50, seed=7)
    np.testing.assert_array_equal(local["ls_sparse"], n.sum(axis=1) / 2 < sg.SPARSE_MEAN_CELL["ls"])
    with pytest.raises(ValueError, match=r"method must be one of \['jackknife', 'percentile_bc'\], got 'bca'"):
        sg.mutual_total(data, "g", "u", "n", method="bca")  # checked even without se=True


if __name__ == "__main__":  # the study's table: python tests/test_segregation_coverage.py [samples bootstrap seed]
    import sys

    args = [int(a) for a in sys.argv[1:4]]
    keys = ["n_samples", "n_bootstrap", "seed"][: len(args)]
    with pd.option_context("display.width", 200, "display.max_rows", 200):
        print(coverage_table(**dict(zip(keys, args))).round(4).to_string(index=False))
