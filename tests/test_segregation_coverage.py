"""Coverage study of the segregation intervals (issues 18 and 25): toolkit.segregation.coverage explains the design.

The slow tests recompute the study's table case by case (N_SAMPLES = 400 samples per case, doubled
up to 3,200 by the sequential rule of ``coverage.study_case``, N_BOOTSTRAP = 200 replicates): whole
where a case rests on at most 800 samples, its first stage elsewhere, and every case whole with
H2GENDER_FULL_STUDY=1 (``make test-slow``; about 14 minutes of one core). On the table so checked they
check that

- the default method of each measure (``segregation.MEASURE_METHODS``: "hybrid" for M and H, the
  normal interval around the jackknife's estimate where the jackknife holds and around the
  Miller-Madow estimate below, issue 25; "iterated" for D (issue 25), "jackknife" for local scores) covers
  0.92-0.98, as printed, in every case of the grid where it is published (not flagged sparse),
  and is not flagged, and holds, in the two sparse rows of issue 18 (200 x 2, N = 3,000;
  300 x 2, N = 2,500);
- ``segregation.SPARSE_MEAN_CELL`` is what the study measured (``segregation_coverage.thresholds``,
  within two Monte Carlo standard errors: ``coverage.holds``), so the ``sparse`` flag means "this
  method was not measured to hold at this many people per cell";
- the defaults beat R's procedure in the sparse rows, and the documented limitation under weak
  segregation (D) is what the study shows.

The fast tests check the same on the committed table (toolkit/data/segregation_coverage.csv,
``python tools/coverage_study.py`` regenerates it) and the sequential rule it was made with.
The seeds are fixed, so no test flakes.
"""
from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from toolkit import segregation as sg
from toolkit.segregation import _core, intervals
from toolkit.segregation import coverage as study
from toolkit.segregation.coverage import BAND, DEFAULTS, KNOWN, population

SPARSE_ROWS = [(200, 2, 3_000), (300, 2, 2_500)]  # issue 18's


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    # the committed table, which test_committed_table_is_what_the_study_computes recomputes
    return study.load_table()


#: a full recomputation of every case (about 14 minutes of one core: the sequential rule draws up to
#: 3,200 samples in three cases) is asked for with H2GENDER_FULL_STUDY=1 (``make test-slow``); CI
#: recomputes every case whose rows rest on at most ``CI_SAMPLES`` samples whole, and the others'
#: first stage, on which their non-default rows rest (``coverage.study_case``)
FULL_STUDY = os.environ.get("H2GENDER_FULL_STUDY") == "1"
CI_SAMPLES = 800


def _defaults(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["method"] == table["measure"].map(DEFAULTS).fillna(DEFAULTS["ls"])]


@pytest.mark.slow
def test_default_method_holds_across_the_grid(table):
    default = _defaults(table)
    default = default[(default["measure"] != "ls_sparse_units")
                      & ~default.set_index(["segregation", "measure"]).index.isin(KNOWN)]
    bad = _published_defaults_outside_the_band(table)
    assert bad.empty, f"the default interval's coverage leaves 0.92-0.98 where it is published:\n{bad.to_string()}"
    # the defaults are flagged only in the sparsest cases of the grid (3 people per cell)
    assert set(default.loc[default["sparse"], "mean_cell"]) <= {3.0}, default[default["sparse"]]


@pytest.mark.slow
def test_issue_18_sparse_rows_are_covered_not_flagged(table):
    default = _defaults(table).set_index(["units", "groups", "N", "measure"])
    for units, groups, size in SPARSE_ROWS:
        for measure in ("M", "H", "D", "ls"):
            row = default.loc[(units, groups, size, measure)]
            assert not row["sparse"] and study.holds(row.to_frame().T).all(), (units, groups, size, measure, row)
    # and the defaults beat R's procedure there
    wide = table.pivot_table(index=["units", "groups", "N", "measure"], columns="method", values="coverage")
    for units, groups, size in SPARSE_ROWS:
        for measure in ("M", "H", "D"):
            got = wide.loc[(units, groups, size, measure)]
            assert got[DEFAULTS[measure]] > got["percentile_bc"], (units, measure, got)


@pytest.mark.slow
def test_sparse_thresholds_are_what_the_study_measured(table):
    measured = study.thresholds(table)
    assert measured == {m: sg.SPARSE_MEAN_CELL[m] for m in measured}, (
        f"segregation.SPARSE_MEAN_CELL must be the study's thresholds; measured {measured}")
    rows = table[table["measure"].isin(["M", "H", "D"])]
    below = rows["mean_cell"] < [sg.SPARSE_MEAN_CELL[m][k] for m, k in zip(rows["measure"], rows["method"])]
    # D is also flagged near random allocation (the weak case; test_known_limitations_...)
    near_random = (rows["measure"] == "D") & (rows["segregation"] == "weak")
    assert (rows["sparse"] == (below | near_random)).all(), "the flag is set exactly below the threshold"


@pytest.mark.slow
@pytest.mark.parametrize("case", range(len(study.CASES)))
def test_committed_table_is_what_the_study_computes(case):
    # toolkit/data/segregation_coverage.csv (tools/coverage_study.py) is what a notebook shows and
    # what the other tests read: case i of the study, seed 100 + i, recomputed
    committed = study.load_table()
    units, groups, size, strength, design = study.CASES[case]
    rows = committed[(committed["units"] == units) & (committed["groups"] == groups) & (committed["N"] == size)
                     & (committed["design"] == design)].reset_index(drop=True)
    assert len(rows), study.CASES[case]
    whole = FULL_STUDY or rows["samples"].max() <= CI_SAMPLES
    got = pd.DataFrame(study.study_case(*study.CASES[case], seed=100 + case,
                                        max_samples=None if whole else study.N_SAMPLES)).round(6)
    if not whole:  # the first stage only: the rows that rest on it (every method but the defaults)
        first = rows["samples"] == study.N_SAMPLES
        assert first.any() and (got["samples"] == study.N_SAMPLES).all()
        keys = ["measure", "method"]
        rows, got = rows[first], got.merge(rows.loc[first, keys], on=keys)
    pd.testing.assert_frame_equal(rows.reset_index(drop=True), got[rows.columns].reset_index(drop=True),
                                  check_dtype=False, atol=1e-6)


def _published_defaults_outside_the_band(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of M, H and D whose default interval is published (not flagged sparse) and whose
    coverage is outside 0.92-0.98 as printed: no Monte Carlo allowance."""
    default = _defaults(table)
    default = default[default["measure"].isin(["M", "H", "D"]) & ~default["sparse"].astype(bool)]
    return default[(default["coverage"] < BAND[0]) | (default["coverage"] > BAND[1])]


def test_committed_defaults_cover_0_92_to_0_98_in_every_row():
    # issue 25, "Done when": the coverage study's table shows 0.92-0.98 for the defaults in every
    # row, literally: every row of M, H and D where the default interval is published (a flagged
    # interval is not: evidence drops it) covers 0.92 <= c <= 0.98 as printed. The table before
    # issue 25's last round failed this (D 0.905 at 300 x 2, H 0.91 at 50 x 4).
    committed = study.load_table()
    bad = _published_defaults_outside_the_band(committed)
    assert bad.empty, f"published default intervals outside 0.92-0.98:\n{bad.to_string()}"
    default = _defaults(committed)
    assert set(default["measure"]) == {"M", "H", "D", "ls", "ls_sparse_units"}
    # flagged only at 3 people per cell, or D near random allocation (weak segregation)
    flagged = default[default["sparse"] & default["measure"].isin(["M", "H", "D"])]
    assert ((flagged["mean_cell"] == 3.0) | ((flagged["measure"] == "D") & (flagged["segregation"] == "weak"))).all()
    # local scores: inside the band, except the named, conservative case under weak segregation
    # (units near their floor of 0 over-cover; mutual_local's docstring), which stays above 0.92
    ls = default[default["measure"] == "ls"]
    conservative = ls["segregation"] == "weak"
    assert ls.loc[~conservative, "coverage"].between(*BAND).all(), ls
    assert (ls.loc[conservative, "coverage"] > BAND[0]).all(), ls


def test_the_literal_band_check_fails_on_a_row_just_outside():
    # the check above has no Monte Carlo allowance: 0.9199 published fails, the same row flagged does not
    committed = study.load_table()
    row = _defaults(committed).query("measure == 'D' and not sparse").iloc[[0]]
    assert _published_defaults_outside_the_band(row.assign(coverage=0.9199)).shape[0] == 1
    assert _published_defaults_outside_the_band(row.assign(coverage=0.9801)).shape[0] == 1
    assert _published_defaults_outside_the_band(row.assign(coverage=0.9199, sparse=True)).empty
    assert _published_defaults_outside_the_band(row.assign(coverage=0.92)).empty


def test_committed_table_follows_the_sequential_design():
    # coverage.study_case: 400 samples, doubled while a default row's coverage -/+ 2 mc_se
    # holds 0.92 or 0.98, up to 3,200; the added samples serve the defaults' rows only. Each case's
    # count is a stage of that rule, and a case stopped before the cap is decided (every default row)
    committed = study.load_table()
    stages = {study.N_SAMPLES * 2 ** k for k in range(4)}
    cap = study.N_SAMPLES * study.MAX_SAMPLES_FACTOR
    for _, case in committed.groupby(["units", "groups", "N", "design", "segregation"]):
        default = case["method"] == case["measure"].map(DEFAULTS).fillna(DEFAULTS["ls"])
        indices = case["measure"].isin(["M", "H", "D"])
        samples = case.loc[default & indices, "samples"].unique()
        assert len(samples) == 1 and samples[0] in stages, case
        assert (case.loc[~default & indices, "samples"] == study.N_SAMPLES).all(), case
        np.testing.assert_allclose(case.loc[indices, "mc_se"], np.sqrt(0.95 * 0.05 / case.loc[indices, "samples"]),
                                   atol=1e-6)
        if samples[0] < cap:
            assert not study._undecided(case.to_dict("records")), case


def test_stopping_rule():
    row = {"measure": "M", "method": DEFAULTS["M"], "sparse": False, "mc_se": 0.011}
    assert study._undecided([dict(row, coverage=0.93)])  # 0.908-0.952 holds 0.92
    assert study._undecided([dict(row, coverage=0.97)])  # holds 0.98
    assert study._undecided([dict(row, coverage=0.905)])  # below, but not surely
    assert not study._undecided([dict(row, coverage=0.95)])
    assert not study._undecided([dict(row, coverage=0.85)])  # surely below: more samples would not change that
    assert study._undecided([dict(row, coverage=0.93, sparse=True)])  # flagged: the flag comes from the table
    assert not study._undecided([dict(row, coverage=0.93, method="percentile_bc")])  # not a default
    assert study._undecided([dict(row, coverage=0.95), dict(row, measure="D", method=DEFAULTS["D"], coverage=0.91)])


def test_committed_table_gives_the_library_thresholds():
    committed = study.load_table()
    measured = study.thresholds(committed)
    assert measured == {m: sg.SPARSE_MEAN_CELL[m] for m in measured}, measured
    assert set(committed["method"]) == set(sg.METHODS)
    default = _defaults(committed).set_index(["units", "groups", "N", "measure"])
    for units, groups, size in SPARSE_ROWS:  # issue 18's sparse rows: covered, not flagged
        rows = default.loc[[(units, groups, size, m) for m in ("M", "H", "D", "ls")]]
        assert study.holds(rows).all() and not rows["sparse"].any(), rows


def test_thresholds_rule():
    # the smallest mean cell from which every denser case holds; inf when the densest fails
    rows = pd.DataFrame({"measure": "M", "method": "x", "segregation": "moderate", "mc_se": 0.01,
                         "mean_cell": [100, 25, 10, 7.5, 4.1667, 3.0],
                         "coverage": [0.95, 0.93, 0.85, 0.95, 0.95, 0.95]})
    assert study.thresholds(rows) == {"M": {"x": 25.0}}
    assert study.thresholds(rows.assign(coverage=0.95)) == {"M": {"x": 3.0}}
    assert study.thresholds(rows.assign(coverage=[0.5] + [0.95] * 5)) == {"M": {"x": math.inf}}
    assert study.thresholds(rows.assign(coverage=[0.95] * 5 + [0.5])) == {"M": {"x": 4.1}}  # floor: 4.17 holds
    assert study.thresholds(rows.assign(coverage=0.999, mc_se=0.001)) == {"M": {"x": math.inf}}  # over-covering


@pytest.mark.slow
def test_known_limitations_under_weak_segregation(table):
    # Allen et al. (2015): with units whose two groups' shares are (nearly) equal the limit of D is
    # not normal, and no interval of D here holds its level; the docstring of dissimilarity says so.
    # (the iterated default, whose analytic corrections target exactly that bias, is reported, not asserted)
    weak = table[(table["segregation"] == "weak")]
    single = weak[(weak["measure"] == "D") & (weak["method"] != DEFAULTS["D"])]
    assert (single["coverage"] < BAND[0]).all(), weak
    # ... so the default's D is flagged there (near random allocation), and only there
    d = table[(table["measure"] == "D") & (table["method"] == DEFAULTS["D"])]
    assert d.loc[d["segregation"] == "weak", "sparse"].all()
    assert not d.loc[(d["segregation"] != "weak") & (d["mean_cell"] > sg.SPARSE_MEAN_CELL["D"][DEFAULTS["D"]]),
                     "sparse"].any()
    # local scores near 0 (mutual_local's docstring): conservative, not short
    assert _defaults(weak).set_index("measure").loc["ls", "coverage"] > BAND[0], weak
    # M and H there are covered by the default (their floor of 0 is handled by the inversion)
    assert study.holds(_defaults(weak).set_index("measure").loc[["M", "H"]]).all()


def test_jackknife_equals_leaving_each_person_out():
    rng = np.random.default_rng(3)
    n = rng.integers(0, 6, size=(7, 3)).astype(float)
    est = _core._mh_counts(n)
    loo = []
    for u, g in zip(*np.nonzero(n)):
        for _ in range(int(n[u, g])):
            m = n.copy()
            m[u, g] -= 1
            loo.append(_core._mh_counts(m))
    total = n.sum()
    np.testing.assert_allclose(intervals._jackknife(_core._mh_counts, n), (total - 1) * (np.mean(loo, axis=0) - est))
    units = [_core._mh_counts(np.delete(n, u, axis=0)) for u in range(7)]
    np.testing.assert_allclose(intervals._jackknife(_core._mh_counts, n, "units"), 6 * (np.mean(units, axis=0) - est))
    # the closed forms of M and H (cells: _mh_leave_one_out; units: _mh_unit_weights) agree with
    # evaluating every leave-one-out table, the path every other statistic takes
    generic = lambda a: _core._mh_counts(a)  # noqa: E731  (not the same object: no closed form)
    for resample in ("cells", "units"):
        np.testing.assert_allclose(intervals._jackknife(_core._mh_counts, n, resample), intervals._jackknife(generic, n, resample))
    local = lambda a: _core._local_counts(a)[..., 0]  # noqa: E731
    n[2] = [1, 0, 0]  # a unit that one person empties, and a group of one
    n[:, 2] = 0
    n[4, 2] = 1
    np.testing.assert_allclose(intervals._jackknife(_core._ls_counts, n), intervals._jackknife(local, n), atol=1e-12)


def test_percentile_bc_is_r_bootstrap_summary():
    # segregation/R/segregation.R, bootstrap_summary: est_debiased = 2 est - boot_est;
    # est = mean(est_debiased), se = sd(est_debiased), CI = quantile(est_debiased, pct),
    # bias = est - mean(est_debiased)
    est, boot = np.array([0.3]), np.array([[0.31], [0.35], [0.33], [0.40], [0.32]])
    debiased = 2 * est - boot
    out = intervals._summary(est, boot, 0.9, method="percentile_bc")
    assert out["est"] == pytest.approx(debiased.mean())
    assert out["se"] == pytest.approx(debiased.std(ddof=1))
    assert [out["ci_low"][0], out["ci_high"][0]] == pytest.approx(np.quantile(debiased, [0.05, 0.95]))
    assert out["bias"] == pytest.approx(est - debiased.mean())
    # the jackknife method: the percentile interval moved to the jackknife-corrected estimate
    out = intervals._summary(est, boot, 0.9, method="jackknife", bias=np.array([0.02]))
    assert out["est"] == pytest.approx(0.28)
    assert [out["ci_low"][0], out["ci_high"][0]] == pytest.approx(np.quantile(boot, [0.05, 0.95]) - boot.mean() + 0.28)


def test_noncentral_inverts_scipy_ncx2_on_a_2x2_table():
    # HAND-style 2 x 2 table: 30/10 and 10/50, N = 100, df = 1
    n = np.array([[30.0, 10.0], [10.0, 50.0]])
    p = n / 100
    m = sum(p[i, j] * math.log(p[i, j] / (p[i].sum() * p[:, j].sum())) for i in range(2) for j in range(2))
    g = 200 * m
    est, lo, hi = intervals._noncentral(np.array([m]), np.array([100.0]), np.array([1.0]), 0.95)
    assert est[0] == pytest.approx((g - 1) / 200)  # Miller-Madow: M - (U - 1)(G - 1) / (2N)
    # the bounds are the noncentralities at which G is the 97.5% and 2.5% point (scipy.stats.ncx2)
    assert stats.ncx2.cdf(g, 1, lo[0] * 200) == pytest.approx(0.975, abs=1e-6)
    assert stats.ncx2.cdf(g, 1, hi[0] * 200) == pytest.approx(0.025, abs=1e-6)
    # and they agree with a root-finder on scipy.stats.ncx2 itself
    for bound, q in ((lo[0], 0.975), (hi[0], 0.025)):
        root = optimize.brentq(lambda lam: stats.ncx2.cdf(g, 1, lam) - q, 1e-9, 10 * g)
        assert bound * 200 == pytest.approx(root, rel=1e-5)
    # the verb: the same numbers for M, and H = M / E(group)
    data = pd.DataFrame({"g": ["F", "M"] * 2, "u": [0, 0, 1, 1], "n": n.ravel()})
    got = sg.mutual_total(data, "g", "u", "n", se=True, n_bootstrap=20, seed=1, method="noncentral")
    e = -sum(x * math.log(x) for x in p.sum(0))
    np.testing.assert_allclose(got.loc["M", ["est", "ci_low", "ci_high"]].to_numpy(float), [est[0], lo[0], hi[0]])
    np.testing.assert_allclose(got.loc["H", ["est", "ci_low", "ci_high"]].to_numpy(float),
                               np.array([est[0], lo[0], hi[0]]) / e)
    assert got.loc["M", "bias"] == pytest.approx(1 / 200)
    # base 2 rescales M, not H
    got2 = sg.mutual_total(data, "g", "u", "n", se=True, n_bootstrap=20, seed=1, base=2, method="noncentral")
    assert got2.loc["M", "ci_high"] == pytest.approx(hi[0] / math.log(2))


def test_noncentral_edges():
    # G below the 97.5% point of the central chi-square: the lower bound is 0, and so is the estimate
    # when G < df; G below the 2.5% point: the whole interval is 0
    est, lo, hi = intervals._noncentral(np.array([2.0, 0.2, 0.0]) / 200, np.full(3, 100.0), np.full(3, 3.0), 0.95)
    assert lo.tolist() == [0.0, 0.0, 0.0] and est.tolist() == [0.0, 0.0, 0.0]
    assert hi[0] > 0 and hi[1] == 0 and hi[2] == 0  # chi2(3).cdf(0.2) = 0.022 < 0.025
    assert stats.chi2.cdf(0.2, 3) < 0.025 < stats.chi2.cdf(2.0, 3)
    # one unit or one group: df = 0, M = 0 and its interval is [0, 0]
    one = pd.DataFrame({"g": ["F", "M"], "u": [0, 0], "n": [5, 7]})
    got = sg.mutual_total(one, "g", "u", "n", se=True, n_bootstrap=10, seed=1, method="noncentral")
    assert (got[["est", "ci_low", "ci_high"]].to_numpy(float) == 0).all()
    # within strata: G = sum_w 2 N_w M_w, df = sum_w (U_w - 1)(G_w - 1) (stratum B has one unit: df 0)
    d = pd.DataFrame({"w": list("AAAABB"), "u": list("aabbcc"), "g": list("xyxyxy"), "n": [30, 10, 10, 50, 5, 5]})
    got = sg.mutual_total(d, "g", "u", "n", within="w", se=True, n_bootstrap=10, seed=1, method="noncentral")
    plug = sg.mutual_total(d, "g", "u", "n", within="w").loc["M", "est"]
    want = intervals._noncentral(np.array([plug]), np.array([110.0]), np.array([1.0]), 0.95)
    np.testing.assert_allclose(got.loc["M", ["est", "ci_low", "ci_high"]].to_numpy(float), [w[0] for w in want])
    with pytest.raises(ValueError, match="does not resample units"):
        sg.mutual_total(d, "g", "u", "n", resample="units", method="noncentral")


def test_folded_normal_hand_computed():
    # each unit: x = |a_u - b_u|, s^2 = a(1 - a)/N_a + b(1 - b)/N_b; m solves E|N(m, s^2)| = x, or 0
    n = np.array([[30.0, 10.0], [10.0, 50.0], [4.0, 6.0], [1.0, 1.0]])
    a, b = n[:, 0] / n[:, 0].sum(), n[:, 1] / n[:, 1].sum()
    x = np.abs(a - b)
    s = np.sqrt(a * (1 - a) / n[:, 0].sum() + b * (1 - b) / n[:, 1].sum())

    def folded_mean(m, sd):  # E|X| for X ~ N(m, sd^2)
        return sd * math.sqrt(2 / math.pi) * math.exp(-m * m / (2 * sd * sd)) + m * (1 - 2 * stats.norm.cdf(-m / sd))

    want = [optimize.brentq(lambda m: folded_mean(m, sd) - xi, 0, xi) if xi > sd * math.sqrt(2 / math.pi) else 0.0
            for xi, sd in zip(x, s)]
    assert intervals._d_folded_counts(n) == pytest.approx(0.5 * sum(want), abs=1e-6)
    assert intervals._d_folded_counts(n) < _core._d_counts(n)  # never above the plug-in D
    assert want[3] == 0.0  # 1 woman and 1 man: a difference no larger than noise
    # vectorised over replicates: the same as one table at a time
    tables = np.stack([n, n[::-1], n + 1])
    np.testing.assert_allclose(intervals._d_folded_counts(tables), [intervals._d_folded_counts(t) for t in tables])


def test_iterated_d_hand_computed():
    # phi_0 = r (h(r) = y, h(r) = E|Z + r|), phi_1(y) = r(y) + y - E r(|y + Z|): by scipy quad and brentq,
    # independently of the grid and Gauss-Hermite nodes of _d_iteration_grid
    from scipy import integrate

    h = lambda r: math.sqrt(2 / math.pi) * math.exp(-r * r / 2) + r * math.erf(r / math.sqrt(2))  # noqa: E731
    r = lambda y: optimize.brentq(lambda v: h(v) - y, 0, y + 1) if y > math.sqrt(2 / math.pi) else 0.0  # noqa: E731
    phi1 = lambda y: r(y) + y - integrate.quad(lambda z: r(abs(y + z)) * stats.norm.pdf(z), -9, 9,  # noqa: E731
                                               points=[-y], limit=200)[0]
    n = np.array([[30.0, 10.0], [10.0, 50.0], [4.0, 6.0], [3.0, 2.0]])
    a, b = n[:, 0] / n[:, 0].sum(), n[:, 1] / n[:, 1].sum()
    x = np.abs(a - b)
    s = np.sqrt(a * (1 - a) / n[:, 0].sum() + b * (1 - b) / n[:, 1].sum())
    want = 0.5 * sum(si * phi1(xi / si) for xi, si in zip(x, s))
    assert intervals._d_iterated_counts(n, 1) == pytest.approx(want, abs=2e-3)
    assert intervals._d_iterated_counts(n, 0) == pytest.approx(intervals._d_folded_counts(n), abs=1e-5)  # two grids
    # far from noise (y large) a unit's term is its plug-in difference, whatever the iterations
    big = np.array([[500.0, 10.0], [10.0, 500.0]])
    assert intervals._d_iterated_counts(big, 5) == pytest.approx(_core._d_counts(big), abs=1e-3)
    # the verb: est = D_K - (mean(D_K*) - D), clipped to [0, 1]; bias = D - est before clipping
    data = pd.DataFrame({"g": ["F", "M"] * 4, "u": [0, 0, 1, 1, 2, 2, 3, 3], "n": n.ravel()})
    got = sg.dissimilarity(data, "g", "u", "n", se=True, n_bootstrap=50, seed=3).loc["D"]
    boot = intervals._bootstrap(lambda t: np.stack([intervals._d_iterated_counts(t, intervals.D_ITERATIONS),
                                                    intervals._d_iterated_counts(t, intervals.D_ITERATIONS + 1)], -1),
                                n, 50, np.random.default_rng(3))
    est = intervals._d_iterated_counts(n) - (boot[:, 0].mean() - _core._d_counts(n))
    assert got["est"] == pytest.approx(min(max(est, 0), 1)) and got["bias"] == pytest.approx(_core._d_counts(n) - est)
    assert got["se"] == pytest.approx(boot[:, 1].std(ddof=1))


def test_folded_normal_removes_most_of_the_planted_small_unit_bias():
    # planted: 400 units of equal expected size whose share of women runs evenly from 5% to 95%,
    # samples of 3,200 people (4 per cell); the plug-in D is biased up by the noise of the small
    # units. Over 40 samples the folded estimate's bias is under half of R's bootstrap-corrected
    # one, and its interval covers the truth more often.
    pi = np.linspace(0.05, 0.95, 400)
    p = np.c_[pi, 1 - pi] / 400
    truth = _core._d_counts(p)
    rng = np.random.default_rng(8)
    err = {"plug-in": [], "folded_normal": [], "percentile_bc": []}
    hit = {"folded_normal": [], "percentile_bc": []}
    for _ in range(40):
        n = rng.multinomial(3_200, p.ravel()).reshape(400, 2)
        data = pd.DataFrame({"u": np.repeat(np.arange(400), 2), "g": np.tile(["F", "M"], 400), "n": n.ravel()})
        data = data[data.groupby("u")["n"].transform("sum") > 0]
        plug = sg.dissimilarity(data, "g", "u", "n").loc["D", "est"]
        err["plug-in"].append(plug - truth)
        for method in hit:
            got = sg.dissimilarity(data, "g", "u", "n", se=True, n_bootstrap=100, seed=rng, method=method).loc["D"]
            err[method].append(got["est"] - truth)
            hit[method].append(got["ci_low"] <= truth <= got["ci_high"])
            assert got["bias"] == pytest.approx(plug - got["est"])
    bias = {k: np.mean(v) for k, v in err.items()}
    assert bias["plug-in"] > 0.03, bias
    assert abs(bias["folded_normal"]) < abs(bias["percentile_bc"]) / 2, bias
    assert np.mean(hit["folded_normal"]) > np.mean(hit["percentile_bc"]), hit


def test_noncentral_covers_a_planted_m():
    # planted population M; 200 samples of a sparse table (4 people per cell): coverage near 95%
    p = population(100, 2, 3.0, seed=4)
    truth = _core._m_counts(p * 1e9)
    rng = np.random.default_rng(5)
    hit = []
    for _ in range(200):
        n = rng.multinomial(800, p.ravel()).reshape(100, 2).astype(float)
        n = n[n.sum(1) > 0]
        _, lo, hi = intervals._noncentral(_core._m_counts(n)[None], n.sum()[None], intervals._independence_df(n)[None], 0.95)
        hit.append(lo[0] <= truth <= hi[0])
    assert 0.90 <= np.mean(hit) <= 0.99, np.mean(hit)


def test_study_uses_what_the_verbs_return_in_a_dense_table():
    # 133 people per cell: the hybrid is the jackknife-corrected estimate with the normal interval
    # t_J -/+ z se (se: the sd of the plug-in replicates), in the verb and in the study alike
    p = population(30, 2, 3.0, seed=1)
    n = np.random.default_rng(2).multinomial(8_000, p.ravel()).reshape(30, 2).astype(float)
    data = pd.DataFrame({"u": np.repeat(np.arange(30), 2), "g": np.tile(["F", "M"], 30), "n": n.ravel()})
    assert intervals._hybrid_method(_core._mean_cell(n)) == "jackknife_normal"
    est, jack = study._stats(n), study._jackknife(n)
    boot = intervals._bootstrap(study._stats, n, 50, np.random.default_rng(7))
    want = study.intervals(n, est, boot, jack, "hybrid")
    got = sg.mutual_total(data, "g", "u", "n", se=True, n_bootstrap=50, seed=7)
    for i, measure in enumerate(("M", "H")):
        for key in ("est", "ci_low", "ci_high"):
            assert got.loc[measure, key] == pytest.approx(want[measure][key][0], rel=1e-9), (measure, key)
        # by hand: t_J -/+ 1.96 sd of the plug-in replicates, t_J = t - jackknife bias
        replicates = intervals._MultinomialCells(n.astype(np.int64)).draw(50, np.random.default_rng(7))
        sd = np.std([_core._mh_counts(t)[i] for t in replicates.reshape(50, 30, 2)], ddof=1)
        assert got.loc[measure, "se"] == pytest.approx(sd, rel=1e-9)
        t_j = _core._mh_counts(n)[i] - intervals._jackknife(_core._mh_counts, n)[i]
        assert [got.loc[measure, "ci_low"], got.loc[measure, "ci_high"]] == pytest.approx(
            [t_j - stats.norm.ppf(0.975) * sd, t_j + stats.norm.ppf(0.975) * sd], rel=1e-9)


def test_hybrid_below_the_switch_is_miller_madow_with_the_normal_interval():
    # 4 people per cell: est = (G - df) / (2N), G = 2 N M, df = (U - 1)(G - 1) over the non-empty
    # units (Miller 1955), interval est -/+ 1.96 sd of the plug-in replicates; H = M / E(group)
    p = population(100, 2, 3.0, seed=4)
    n = np.random.default_rng(5).multinomial(800, p.ravel()).reshape(100, 2)
    n = n[n.sum(axis=1) > 0].astype(float)
    data = pd.DataFrame({"u": np.repeat(np.arange(len(n)), 2), "g": np.tile(["F", "M"], len(n)), "n": n.ravel()})
    assert intervals._hybrid_method(_core._mean_cell(n)) == "miller_madow_normal"
    got = sg.mutual_total(data, "g", "u", "n", se=True, n_bootstrap=60, seed=3)
    m, total = _core._mh_counts(n)[0], n.sum()
    mm = max(2 * total * m - (len(n) - 1), 0) / (2 * total)
    shares = n.sum(axis=0) / total
    e = -(shares * np.log(shares)).sum()
    replicates = intervals._MultinomialCells(n.astype(np.int64)).draw(60, np.random.default_rng(3)).reshape(60, -1, 2)
    sd = np.std([_core._mh_counts(t) for t in replicates], axis=0, ddof=1)
    z = stats.norm.ppf(0.975)
    for i, (measure, est) in enumerate((("M", mm), ("H", mm / e))):
        assert got.loc[measure, "est"] == pytest.approx(est, rel=1e-9)
        assert got.loc[measure, "se"] == pytest.approx(sd[i], rel=1e-9)
        assert [got.loc[measure, "ci_low"], got.loc[measure, "ci_high"]] == pytest.approx(
            [est - z * sd[i], est + z * sd[i]], rel=1e-9)
    assert not got["sparse"].any()  # 4 per cell: above SPARSE_MEAN_CELL["M"]["hybrid"]


def test_study_uses_what_the_verbs_return():
    p = population(30, 2, 3.0, seed=1)
    n = np.random.default_rng(2).multinomial(400, p.ravel()).reshape(30, 2)
    data = pd.DataFrame({"u": np.repeat(np.arange(30), 2), "g": np.tile(["F", "M"], 30), "n": n.ravel()})
    data = data[data.groupby("u")["n"].transform("sum") > 0]
    n = n[n.sum(axis=1) > 0].astype(float)
    est = study._stats(n)
    boot = intervals._bootstrap(study._stats, n, 50, np.random.default_rng(7))
    jack = study._jackknife(n)
    np.testing.assert_allclose(np.delete(jack, [3, 4, 5]), np.delete(intervals._jackknife(study._stats, n), [3, 4, 5]),
                               atol=1e-12)  # the folded and iterated Ds have no jackknife (NaN)
    verbs = {"M": lambda **kw: sg.mutual_total(data, "g", "u", "n", **kw).loc[["M"]],
             "H": lambda **kw: sg.mutual_total(data, "g", "u", "n", **kw).loc[["H"]],
             "D": lambda **kw: sg.dissimilarity(data, "g", "u", "n", **kw),
             "ls": lambda **kw: sg.mutual_local(data, "g", "u", "n", wide=True, **kw)
             .rename(columns=lambda c: c.removeprefix("ls_")).assign(est=lambda t: t["ls"])}
    seen = set()
    for method in sg.METHODS:
        for measure, want in study.intervals(n, est, boot, jack, method).items():
            got = verbs[measure](se=True, n_bootstrap=50, seed=7, method=method)
            for key in ("est", "ci_low", "ci_high", "sparse"):
                np.testing.assert_allclose(got[key].to_numpy(float), np.asarray(want[key], float), err_msg=f"{measure} {method} {key}")
            seen.add((measure, method))
    assert seen == {(m, k) for m, ks in sg.MEASURE_METHODS.items() for k in ks}
    with pytest.raises(ValueError, match=r"method must be one of \['jackknife', 'percentile_bc'\] for mutual_local, "
                                         r"got 'noncentral'"):
        sg.mutual_local(data, "g", "u", "n", method="noncentral")  # checked even without se=True
    with pytest.raises(ValueError, match=r"method must be one of \['iterated', 'folded_normal', 'percentile_bc', 'jackknife'\]"):
        sg.dissimilarity(data, "g", "u", "n", method="bca")
    with pytest.raises(ValueError, match=r"for mutual_within, got 'noncentral'"):
        sg.mutual_within(data.assign(w=data["u"] % 2), "g", "u", "w", "n", method="noncentral")


if __name__ == "__main__":  # the study's table: python tests/test_segregation_coverage.py [samples bootstrap seed]
    import sys

    args = [int(a) for a in sys.argv[1:4]]
    keys = ["n_samples", "n_bootstrap", "seed"][: len(args)]
    with pd.option_context("display.width", 200, "display.max_rows", 300):
        print(study.coverage_table(**dict(zip(keys, args))).round(4).to_string(index=False))


def test_the_notebook_view_of_the_study_shows_each_default_against_r():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from toolkit.segregation import coverage as study

    table = study.load_table()
    wide = study.default_coverage(table)
    sparse_row = wide[(wide["units"] == 300) & (wide["N"] == 2500)].iloc[0]
    got = table.query("units == 300 and N == 2500 and measure == 'M' and method == 'hybrid'")["coverage"].item()
    assert sparse_row["M"] == got and sparse_row["M"] > sparse_row["M (R)"]
    assert wide.loc[wide["groups"] > 2, "D"].isna().all(), "D is defined for two groups only"
    fig = study.coverage_figure(table)
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert "M: hybrid" in labels and "D: percentile_bc (R)" in labels
    plt.close(fig)
