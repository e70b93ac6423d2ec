"""toolkit.segregation against hand-computed values, identities, invariances and PySAL."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit import segregation as sg
from toolkit.segregation import _core, intervals, mutual_expected


def long(table: dict[str, list[float]], units=None) -> pd.DataFrame:
    """{group: counts per unit} -> long data with columns g, u, n."""
    units = units or list(range(len(next(iter(table.values())))))
    return pd.DataFrame([{"g": g, "u": u, "n": n} for g, col in table.items() for u, n in zip(units, col)])


# Two units, women 30/10, men 10/50 (N = 100).
HAND = long({"F": [30, 10], "M": [10, 50]})


def test_dissimilarity_hand_computed():
    # f = (.75, .25), m = (1/6, 5/6): D = 1/2 (|.75 - 1/6| + |.25 - 5/6|) = 0.58333...
    assert sg.dissimilarity(HAND, "g", "u", "n").loc["D", "est"] == pytest.approx(7 / 12)


def test_mutual_information_hand_computed():
    # p_ug = (.3, .1; .1, .5); p_u = (.4, .6); p_g = (.4, .6)
    p = np.array([[0.3, 0.1], [0.1, 0.5]])
    pu, pg = p.sum(1), p.sum(0)
    m = sum(p[i, j] * math.log(p[i, j] / (pu[i] * pg[j])) for i in range(2) for j in range(2))
    e = -sum(x * math.log(x) for x in pg)
    res = sg.mutual_total(HAND, "g", "u", "n")
    assert res.loc["M", "est"] == pytest.approx(m)
    assert res.loc["H", "est"] == pytest.approx(m / e)
    assert sg.mutual_total(HAND, "g", "u", "n", base=2).loc["M", "est"] == pytest.approx(m / math.log(2))
    assert sg.entropy(HAND, "g", "n") == pytest.approx(e)


def test_no_segregation_is_zero_and_complete_is_one():
    even = long({"F": [10, 20], "M": [30, 60]})
    assert sg.dissimilarity(even, "g", "u", "n").loc["D", "est"] == pytest.approx(0)
    assert sg.mutual_total(even, "g", "u", "n").loc["H", "est"] == pytest.approx(0, abs=1e-12)
    full = long({"F": [10, 0], "M": [0, 60]})
    assert sg.dissimilarity(full, "g", "u", "n").loc["D", "est"] == pytest.approx(1)
    assert sg.mutual_total(full, "g", "u", "n").loc["H", "est"] == pytest.approx(1)


def random_table(seed: int, units: int = 40, groups=("F", "M")) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"u": np.repeat(np.arange(units), len(groups)),
                         "g": np.tile(groups, units),
                         "n": rng.integers(0, 60, units * len(groups))})


@pytest.mark.parametrize("seed", range(5))
def test_agrees_with_pysal(seed):
    singlegroup = pytest.importorskip("segregation.singlegroup")
    multigroup = pytest.importorskip("segregation.multigroup")
    df = random_table(seed)
    wide = df.pivot(index="u", columns="g", values="n").reset_index()
    wide["T"] = wide["F"] + wide["M"]
    ours = sg.occupational_indices(df, "g", "u", "n", focal="F")["est"]
    assert ours["D"] == pytest.approx(singlegroup.Dissim(wide, "F", "T").statistic, rel=1e-10)
    assert ours["Gini"] == pytest.approx(singlegroup.Gini(wide, "F", "T").statistic, rel=1e-10)
    assert ours["Atkinson"] == pytest.approx(singlegroup.Atkinson(wide, "F", "T").statistic, rel=1e-10)
    assert ours["H"] == pytest.approx(singlegroup.Entropy(wide, "F", "T").statistic, rel=1e-10)
    multi = random_table(seed, groups=("a", "b", "c", "d"))
    mw = multi.pivot(index="u", columns="g", values="n").reset_index()
    h = multigroup.MultiInfoTheory(mw, ["a", "b", "c", "d"]).statistic
    assert sg.mutual_total(multi, "g", "u", "n").loc["H", "est"] == pytest.approx(h, rel=1e-10)


@pytest.mark.parametrize("seed", range(3))
def test_identities(seed):
    df = random_table(seed)
    idx = sg.occupational_indices(df, "g", "u", "n")["est"]
    a = df.loc[df.g == "F", "n"].sum() / df["n"].sum()
    assert idx["IP"] == pytest.approx(2 * a * (1 - a) * idx["D"])  # Karmel & MacLachlan 1988
    mt = sg.mutual_total(df, "g", "u", "n")["est"]
    assert mt["M"] == pytest.approx(mt["H"] * sg.entropy(df, "g", "n"))
    loc = sg.mutual_local(df, "g", "u", "n", wide=True)
    assert (loc["p"] * loc["ls"]).sum() == pytest.approx(mt["M"])
    assert loc["p"].sum() == pytest.approx(1)


def test_invariance_to_relabelling_and_scaling():
    df = random_table(11, groups=("F", "M", "X"))
    base = sg.mutual_total(df, "g", "u", "n")["est"]
    relabelled = df.assign(u=df["u"].map(lambda x: f"unit-{(x * 7) % 40}"), g=df["g"].map({"F": "z", "M": "a", "X": "m"}))
    pd.testing.assert_series_equal(sg.mutual_total(relabelled, "g", "u", "n")["est"], base)
    scaled = df.assign(n=df["n"] * 13)
    pd.testing.assert_series_equal(sg.mutual_total(scaled, "g", "u", "n")["est"], base)
    # one row per person gives the same as weights
    people = df.loc[df.index.repeat(df["n"])].drop(columns="n")
    pd.testing.assert_series_equal(sg.mutual_total(people, "g", "u")["est"], base)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=2, max_size=12))
def test_bounds_property(cells):
    f = [c[0] for c in cells]
    m = [c[1] for c in cells]
    if sum(f) == 0 or sum(m) == 0:
        return
    df = long({"F": f, "M": m})
    d = sg.dissimilarity(df, "g", "u", "n").loc["D", "est"]
    h = sg.mutual_total(df, "g", "u", "n").loc["H", "est"]
    assert -1e-12 <= d <= 1 + 1e-12
    assert -1e-12 <= h <= 1 + 1e-12


def test_within_is_weighted_average_of_strata():
    a, b = random_table(1), random_table(2)
    df = pd.concat([a.assign(s="A"), b.assign(s="B")])
    res = sg.mutual_total(df, "g", "u", "n", within="s")["est"]
    ma, mb = (sg.mutual_total(x, "g", "u", "n")["est"]["M"] for x in (a, b))
    wa = a["n"].sum() / df["n"].sum()
    assert res["M"] == pytest.approx(wa * ma + (1 - wa) * mb)
    ea, eb = sg.entropy(a, "g", "n"), sg.entropy(b, "g", "n")
    assert res["H"] == pytest.approx(res["M"] / sg.entropy(df, "g", "n"))  # the whole table's entropy, as R


def test_nested_decomposition_sums_to_total():
    df = random_table(5).assign(top=lambda x: x["u"] % 4, mid=lambda x: x["u"] % 8)
    nested = sg.mutual_total_nested(df, "g", ["top", "mid", "u"], "n")
    m = nested[nested.stat == "M"]
    assert list(m["between"]) == ["top", "mid", "u"]
    assert list(m["within"]) == ["", "top", "top, mid"]
    total = sg.mutual_total(df, "g", ["top", "mid", "u"], "n").loc["M", "est"]
    assert m["est"].sum() == pytest.approx(total)
    assert (m["est"] >= -1e-12).all()


def test_mutual_difference_components_sum_to_diff():
    d1 = random_table(3, units=30)
    d2 = random_table(4, units=35)  # 5 units added, none removed
    d1 = d1[d1["u"] != 0]  # unit 0 only in d2 as well
    res = sg.mutual_difference(d1, d2, "g", "u", "n")["est"]
    parts = res[["additions", "removals", "group_marginal", "unit_marginal", "structural"]].sum()
    assert parts == pytest.approx(res["diff"])
    assert res["diff"] == pytest.approx(res["M2"] - res["M1"])
    assert res["removals"] == pytest.approx(0, abs=1e-12)  # no unit of d1 is missing from d2
    # identical tables: every component is zero
    same = sg.mutual_difference(d1, d1, "g", "u", "n")["est"]
    assert np.allclose(same.drop(["M1", "M2"]), 0, atol=1e-12)


def test_mutual_difference_pure_group_marginal_change():
    # same structure (odds ratios) and unit sizes ... only the group margin moves:
    # structural must be ~0 when table 2 is table 1 refitted by IPF to new margins.
    d1 = random_table(8, units=10)
    target = d1.assign(n=np.where(d1["g"] == "F", d1["n"] * 3, d1["n"]))
    fitted = sg.ipf(d1, target, "g", "u", "n")
    res = sg.mutual_difference(d1, fitted, "g", "u", "n")["est"]
    assert res["structural"] == pytest.approx(0, abs=1e-8)


def test_ipf_reaches_target_margins_and_keeps_odds_ratios():
    src, tgt = random_table(1, units=6), random_table(2, units=6)
    src["n"] += 1
    tgt["n"] += 1
    out = sg.ipf(src, tgt, "g", "u", "n")
    wide = out.pivot(index="u", columns="g", values="n")
    tw = tgt.pivot(index="u", columns="g", values="n")
    sw = src.pivot(index="u", columns="g", values="n")
    scale = src["n"].sum() / tgt["n"].sum()  # the target's margins, at the source's total (as R)
    assert wide.to_numpy().sum() == pytest.approx(src["n"].sum())
    np.testing.assert_allclose(wide.sum(1), tw.sum(1) * scale, rtol=1e-8)
    np.testing.assert_allclose(wide.sum(0), tw.sum(0) * scale, rtol=1e-8)
    or_fit = wide["F"] / wide["M"] / (wide["F"].iloc[0] / wide["M"].iloc[0])
    or_src = sw["F"] / sw["M"] / (sw["F"].iloc[0] / sw["M"].iloc[0])
    np.testing.assert_allclose(or_fit, or_src, rtol=1e-8)


def test_bootstrap_reproducible_and_covers():
    df = random_table(21, units=50)
    a = sg.mutual_total(df, "g", "u", "n", se=True, n_bootstrap=200, seed=5)
    b = sg.mutual_total(df, "g", "u", "n", se=True, n_bootstrap=200, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert list(a.columns) == ["est", "se", "ci_low", "ci_high", "bias", "sparse"]
    assert (a["ci_low"] < a["est"]).all() and (a["est"] < a["ci_high"]).all()
    assert (a["bias"] > 0).all()  # M is biased upward in finite samples
    # the bootstrap se of D is close to the spread of D over samples from the same population
    rng = np.random.default_rng(0)
    pop = df.pivot(index="u", columns="g", values="n").to_numpy().astype(float)
    p = (pop / pop.sum()).ravel()
    draws = rng.multinomial(int(pop.sum()), p, size=400).reshape(400, *pop.shape)
    spread = np.std([0.5 * np.abs(t[:, 0] / t[:, 0].sum() - t[:, 1] / t[:, 1].sum()).sum() for t in draws])
    # (R's procedure: its se is the sd of the plug-in replicates; the iterated default's is wider by design)
    se = sg.dissimilarity(df, "g", "u", "n", se=True, n_bootstrap=400, seed=1, method="percentile_bc").loc["D", "se"]
    assert se == pytest.approx(spread, rel=0.25)


def test_expected_values_under_random_allocation():
    # no segregation in the population: observed D is about its random-allocation baseline
    rng = np.random.default_rng(4)
    sizes = rng.integers(2, 12, 300)
    women = rng.binomial(sizes, 0.3)
    df = long({"F": list(women), "M": list(sizes - women)})
    observed = sg.dissimilarity(df, "g", "u", "n").loc["D", "est"]
    expected = sg.dissimilarity_expected(df, "g", "u", "n", n_bootstrap=100, seed=2)
    assert expected.loc["D under 0", "est"] > 0.2  # small units inflate D
    assert abs(observed - expected.loc["D under 0", "est"]) < 4 * expected.loc["D under 0", "se"]
    m_exp = sg.mutual_total_expected(df, "g", "u", "n", n_bootstrap=50, seed=2)
    assert list(m_exp.index) == ["M under 0", "H under 0"]
    # margins are fixed in every simulated table
    sims = mutual_expected._random_allocation(df.pivot(index="u", columns="g", values="n").to_numpy(), 3,
                                 np.random.default_rng(0))
    np.testing.assert_array_equal(sims.sum(axis=2)[0], sizes)
    np.testing.assert_array_equal(sims.sum(axis=1)[1], [women.sum(), (sizes - women).sum()])


def test_bad_inputs_have_clear_errors():
    with pytest.raises(KeyError, match="'sex'"):
        sg.mutual_total(HAND, "sex", "u", "n")
    with pytest.raises(ValueError, match="non-negative"):
        sg.mutual_total(HAND.assign(n=-HAND["n"]), "g", "u", "n")
    with pytest.raises(ValueError, match="exactly two groups"):
        sg.dissimilarity(random_table(1, groups=("F", "M", "X")), "g", "u", "n")
    with pytest.raises(ValueError, match="integer counts"):
        sg.mutual_total(HAND.assign(n=HAND["n"] + 0.5), "g", "u", "n", se=True)
    with pytest.raises(ValueError, match="missing values"):
        sg.mutual_total(HAND.assign(u=[0, None, 1, 1]), "g", "u", "n")
    with pytest.raises(ValueError, match="focal group 'W'"):
        sg.occupational_indices(HAND, "g", "u", "n", focal="W")
    with pytest.raises(ValueError, match="shapley"):
        sg.mutual_difference(HAND, HAND, "g", "u", "n", method="exact")
    # single unit and single group are defined (zero), not NaN
    one_unit = long({"F": [5], "M": [7]})
    assert sg.mutual_total(one_unit, "g", "u", "n").loc["M", "est"] == 0
    one_group = long({"F": [5, 9]})
    assert sg.mutual_total(one_group, "g", "u", "n").loc["H", "est"] == 0


def test_unit_bootstrap_option():
    df = random_table(31, units=60)
    a = sg.dissimilarity(df, "g", "u", "n", se=True, n_bootstrap=300, seed=3, resample="units")
    b = sg.dissimilarity(df, "g", "u", "n", se=True, n_bootstrap=300, seed=3, resample="units")
    pd.testing.assert_frame_equal(a, b)
    assert 0 < a.loc["D", "se"] < 0.2
    with pytest.raises(ValueError, match="resample must be one of"):
        sg.mutual_total(df, "g", "u", "n", se=True, resample="rows")
    with pytest.raises(ValueError, match="no within="):
        sg.mutual_total(df.assign(s=df["u"] % 2), "g", "u", "n", within="s", se=True, resample="units",
                        method="jackknife")
    with pytest.raises(ValueError, match="does not resample units"):  # the analytic interval models people
        sg.mutual_total(df, "g", "u", "n", resample="units", method="noncentral")
    # the hybrid default resamples units with the jackknife (the analytic interval does not apply)
    assert sg.mutual_total(df, "g", "u", "n", resample="units", se=True, n_bootstrap=20, seed=3).equals(
        sg.mutual_total(df, "g", "u", "n", resample="units", se=True, n_bootstrap=20, seed=3, method="jackknife"))
    # units resampling reproduces the spread of D over units drawn from the same population of units
    wide = df.pivot(index="u", columns="g", values="n").to_numpy().astype(float)
    rng = np.random.default_rng(9)
    reps = [_core._d_counts(wide[rng.integers(0, 60, 60)]) for _ in range(300)]
    r = sg.dissimilarity(df, "g", "u", "n", se=True, n_bootstrap=300, seed=3, resample="units", method="percentile_bc")
    assert r.loc["D", "se"] == pytest.approx(np.std(reps), rel=0.2)  # R's se: the sd of the plug-in replicates


def test_units_bootstrap_of_m_and_h_equals_recomputing_each_resampled_table():
    # the closed form on unit draw counts must give what the index gives on the resampled tables
    df = random_table(41, units=80, groups=("a", "b", "c"))
    df.loc[df["u"] == 7, "n"] = 0  # an empty unit
    wide = df.pivot(index="u", columns="g", values="n").to_numpy().astype(float)
    got = sg.mutual_total(df, "g", "u", "n", se=True, n_bootstrap=200, seed=5, resample="units",
                          method="percentile_bc")
    rng = np.random.default_rng(5)
    idx = rng.integers(0, 80, size=(200, 80))
    reps = np.array([[sg.mutual_total(pd.DataFrame({"u": np.repeat(np.arange(80), 3), "g": np.tile(["a", "b", "c"], 80),
                                                   "n": wide[row].ravel()}), "g", "u", "n").loc[s, "est"]
                      for s in ("M", "H")] for row in idx])
    assert got.loc["M", "se"] == pytest.approx(reps[:, 0].std(ddof=1), rel=1e-9)
    assert got.loc["H", "se"] == pytest.approx(reps[:, 1].std(ddof=1), rel=1e-9)
    assert got.loc["M", "bias"] == pytest.approx(reps[:, 0].mean() - sg.mutual_total(df, "g", "u", "n").loc["M", "est"],
                                                 rel=1e-9)


def test_mutual_within_per_stratum_hand_computed_and_adds_up():
    # stratum A fully segregated (M = log 2, H = 1), stratum B not at all; half the people in each
    df = pd.DataFrame({"s": ["A", "A", "B", "B", "B", "B"], "u": [1, 2, 1, 1, 2, 2],
                       "g": ["F", "M", "F", "M", "F", "M"], "n": [10, 10, 5, 5, 5, 5]})
    w = sg.mutual_within(df, "g", "u", "s", "n", wide=True).set_index("s")
    assert list(w.columns) == ["M", "p", "H", "ent_ratio"]
    assert w.loc["A"].tolist() == pytest.approx([math.log(2), 0.5, 1.0, 1.0])
    assert w.loc["B"].tolist() == pytest.approx([0.0, 0.5, 0.0, 1.0])
    assert sg.mutual_within(df, "g", "u", "s", "n", base=2, wide=True).set_index("s").loc["A", "M"] == pytest.approx(1)
    # on random strata the parts add up to mutual_total(within=), as R's mutual_within documents
    a, b, c = random_table(11), random_table(12), random_table(13, groups=("F", "M"))
    big = pd.concat([a.assign(s="A", t=1), b.assign(s="B", t=1), c.assign(s="B", t=2)])
    for within in ("s", ["s", "t"]):
        parts = sg.mutual_within(big, "g", "u", within, "n", wide=True)
        total = sg.mutual_total(big, "g", "u", "n", within=within)["est"]
        assert (parts["p"] * parts["M"]).sum() == pytest.approx(total["M"])
        assert (parts["p"] * parts["ent_ratio"] * parts["H"]).sum() == pytest.approx(total["H"])
    long = sg.mutual_within(big, "g", "u", ["s", "t"], "n", se=True, n_bootstrap=40, seed=2)
    assert list(long.columns) == ["s", "t", "stat", "est", "se", "ci_low", "ci_high", "bias", "sparse"]
    assert len(long) == 3 * 4 and (long["se"] > 0).all()
    pd.testing.assert_frame_equal(long, sg.mutual_within(big, "g", "u", ["s", "t"], "n", se=True, n_bootstrap=40,
                                                         seed=2))


# --------------------------------------------------------------------------------------------
# the R verbs added for issue 16 (values against R itself: tests/test_segregation_r_reference.py)
def test_exposure_and_isolation_hand_computed():
    # HAND: F 30/10, M 10/50; unit sizes 40, 60. F's exposure to F: 30/40 * 30/40 + 10/40 * 10/60
    exp = sg.exposure(HAND, "g", "u", "n").set_index(["of", "to"])["exposure"]
    assert exp[("F", "F")] == pytest.approx(0.75 * 0.75 + 0.25 * 10 / 60)
    assert exp[("M", "F")] == pytest.approx(10 / 60 * 30 / 40 + 50 / 60 * 10 / 60)
    assert exp.groupby(level="of").sum().to_numpy() == pytest.approx([1, 1])  # rows sum to 1
    iso = sg.isolation(HAND, "g", "u", "n").set_index("g")["isolation"]
    assert iso["F"] == pytest.approx(exp[("F", "F")])
    assert iso["M"] == pytest.approx(exp[("M", "M")])
    # groups that never share a unit have no exposure row (as R)
    apart = long({"F": [5, 0], "M": [0, 7]})
    assert set(sg.exposure(apart, "g", "u", "n")[["of", "to"]].itertuples(index=False, name=None)) == {
        ("F", "F"), ("M", "M")}


def test_mutual_local_long_and_wide_agree():
    df = random_table(4, units=12)
    longf = sg.mutual_local(df, "g", "u", "n")
    wide = sg.mutual_local(df, "g", "u", "n", wide=True)
    assert list(longf.columns) == ["u", "stat", "est"]
    assert list(longf["stat"]) == ["ls"] * 12 + ["p"] * 12
    pivot = longf.pivot(index="u", columns="stat", values="est")
    np.testing.assert_allclose(pivot[["ls", "p"]], wide[["ls", "p"]], atol=1e-15)
    boot_long = sg.mutual_local(df, "g", "u", "n", se=True, n_bootstrap=50, seed=3)
    boot_wide = sg.mutual_local(df, "g", "u", "n", se=True, n_bootstrap=50, seed=3, wide=True)
    ls = boot_long[boot_long["stat"] == "ls"].set_index("u")
    np.testing.assert_allclose(ls["est"], boot_wide["ls"], atol=1e-15)
    np.testing.assert_allclose(ls["se"], boot_wide["ls_se"], atol=1e-15)
    assert (boot_long["se"] > 0).all()


def test_mutual_total_nested_se_is_the_mutual_total_se_for_one_level():
    df = random_table(5, units=20)
    nested = sg.mutual_total_nested(df, "g", ["u"], "n", se=True, n_bootstrap=60, seed=9).set_index("stat")
    total = sg.mutual_total(df, "g", "u", "n", se=True, n_bootstrap=60, seed=9)
    # the same replicates: the same standard errors (estimate and interval depend on the interval
    # method, which mutual_total may choose differently)
    np.testing.assert_allclose(nested["se"], total.loc[nested.index, "se"], atol=1e-14)
    two = df.assign(top=df["u"] % 3)
    res = sg.mutual_total_nested(two, "g", ["top", "u"], "n", se=True, n_bootstrap=60, seed=9)
    assert list(res.columns) == ["between", "within", "stat", "est", "se", "ci_low", "ci_high", "bias"]
    point = sg.mutual_total_nested(two, "g", ["top", "u"], "n")
    np.testing.assert_allclose(res["est"] + res["bias"], point["est"], atol=1e-12)  # est is bias-corrected


def test_mutual_difference_methods_add_up_and_validate():
    d1, d2 = random_table(6, units=15, groups=("F", "M", "X")), random_table(7, units=15, groups=("F", "M", "X"))
    d2 = d2[d2["u"] != 3]
    for method, parts in (("shapley", ["group_marginal", "unit_marginal", "structural"]),
                          ("shapley_three_factor", ["group_marginal", "unit_marginal", "structural"]),
                          ("km", ["group_marginal", "unit_marginal", "interaction", "structural"]),
                          ("mrc", ["unit_marginal", "group_marginal", "structural"])):
        res = sg.mutual_difference(d1, d2, "g", "u", "n", method=method)["est"]
        assert res[["additions", "removals", *parts]].sum() == pytest.approx(res["diff"], abs=1e-9), method
    # R's Shapley is symmetric: swapping the tables negates every component
    fwd = sg.mutual_difference(d1, d2, "g", "u", "n")["est"]
    back = sg.mutual_difference(d2, d1, "g", "u", "n")["est"]
    for part in ("group_marginal", "unit_marginal", "structural"):
        assert fwd[part] == pytest.approx(-back[part], abs=1e-9)
    detailed = sg.mutual_difference(d1, d2, "g", "u", "n", method="shapley_detailed")
    assert list(detailed.columns) == ["stat", "u", "est"]
    assert detailed.loc[detailed["stat"] == "total", "est"].sum() == pytest.approx(fwd["structural"], abs=1e-8)
    with pytest.raises(ValueError, match=r"method must be one of \['shapley', 'shapley_detailed'"):
        sg.mutual_difference(d1, d2, "g", "u", "n", method="shapely")
    with pytest.raises(ValueError, match="precision"):
        sg.mutual_difference(d1, d2, "g", "u", "n", precision=0)
    with pytest.raises(ValueError, match="n_bootstrap"):
        sg.mutual_difference(d1, d2, "g", "u", "n", se=True, n_bootstrap=1)
    with pytest.raises(ValueError, match="ci must be"):  # options are checked without se=True too
        sg.mutual_difference(d1, d2, "g", "u", "n", ci=1.5)
    with pytest.raises(ValueError, match="ci must be"):
        sg.mutual_total_nested(d1, "g", ["u"], "n", ci=1.5)


def test_mutual_difference_se_columns_and_detail():
    d1, d2 = random_table(8, units=6), random_table(9, units=6)
    res = sg.mutual_difference(d1, d2, "g", "u", "n", se=True, n_bootstrap=30, seed=1)
    assert list(res.columns) == ["est", "se", "ci_low", "ci_high", "bias"]
    point = sg.mutual_difference(d1, d2, "g", "u", "n")
    np.testing.assert_allclose(res["est"] + res["bias"], point["est"], atol=1e-12)
    assert (res.loc[["M1", "M2", "structural"], "se"] > 0).all()
    detailed = sg.mutual_difference(d1, d2, "g", "u", "n", method="shapley_detailed", se=True, n_bootstrap=20, seed=1)
    assert detailed["se"].notna().all()


def test_compress_path_matches_merged_tables():
    df = random_table(10, units=14, groups=("F", "M", "X"))
    cmp = sg.compress(df, "g", "u", "n", neighbors="all")
    it = cmp.iterations
    assert list(it["N_units"]) == list(range(13, 0, -1))
    assert cmp.initial_M == pytest.approx(sg.mutual_total(df, "g", "u", "n").loc["M", "est"])
    assert (np.diff(np.r_[cmp.initial_M, it["M"]]) <= 1e-15).all()  # M never rises
    assert it["M_wgt"].sum() == pytest.approx(cmp.initial_M)  # one unit left: no segregation
    for k in (10, 6, 3):
        merged = sg.merge_units(cmp, n_units=k)
        assert merged["u"].nunique() == k
        assert merged["n"].sum() == df["n"].sum()
        m = sg.mutual_total(merged, "g", "u", "n").loc["M", "est"]
        assert m == pytest.approx(it.loc[it["N_units"] == k, "M"].iloc[0], abs=1e-12)
    # percent: the last step keeping more than that share of M
    cw = sg.get_crosswalk(cmp, percent=0.5)
    step = it[it["pct_M"] > 0.5].iloc[-1]
    assert cw["new"].nunique() == step["N_units"]
    # neighbors as pairs: only those may merge
    pairs = pd.DataFrame({"a": [0, 2, 4], "b": [1, 3, 5]})
    only = sg.compress(df, "g", "u", "n", neighbors=pairs)
    assert len(only.iterations) == 3
    assert {tuple(sorted(p)) for p in only.iterations[["old_unit", "new_unit"]].itertuples(index=False)} == {
        ("0", "1"), ("2", "3"), ("4", "5")}
    assert len(sg.compress(df, "g", "u", "n", neighbors="local", n_neighbors=2, max_iter=4).iterations) == 4


def test_compress_and_crosswalk_validate():
    df = random_table(11, units=6)
    with pytest.raises(ValueError, match="neighbors must be one of"):
        sg.compress(df, "g", "u", "n", neighbors="near")
    with pytest.raises(ValueError, match="n_neighbors"):
        sg.compress(df, "g", "u", "n", n_neighbors=0)
    with pytest.raises(ValueError, match="not in 'u'"):
        sg.compress(df, "g", "u", "n", neighbors=pd.DataFrame({"a": [0], "b": [99]}))
    cmp = sg.compress(df, "g", "u", "n", neighbors="all")
    with pytest.raises(ValueError, match="exactly one of n_units or percent"):
        sg.get_crosswalk(cmp)
    with pytest.raises(ValueError, match="exactly one of n_units or percent"):
        sg.get_crosswalk(cmp, n_units=3, percent=0.5)
    with pytest.raises(ValueError, match="n_units=20 is out of bounds"):
        sg.get_crosswalk(cmp, n_units=20)
    with pytest.raises(ValueError, match="percent must be"):
        sg.get_crosswalk(cmp, percent=1.5)
    assert (sg.get_crosswalk(cmp, n_units=1)["new"] == "M1").all()


def test_segcurve_and_segplot_values_and_figures():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    curve = sg.segcurve_data(HAND, "g", "u", "n")
    # units sorted by the share of F (unit 1: 10/60, unit 0: 30/40); x = cumulative M, y = cumulative F
    np.testing.assert_allclose(curve[["cumul_prob_2", "cumul_prob_1"]], [[0, 0], [5 / 6, 1 / 4], [1, 1]])
    seg = sg.segcurve_data(random_table(12).assign(s=lambda d: d["u"] % 2), "g", "u", "n", segment="s")
    assert sorted(seg["segment"].unique()) == [0, 1]
    with pytest.raises(ValueError, match="exactly two groups"):
        sg.segcurve_data(random_table(1, groups=("F", "M", "X")), "g", "u", "n")
    rects = sg.segplot_data(HAND, "g", "u", "n")
    units = rects[rects["unit"].notna()]
    assert units.groupby("unit")["ymax"].max().to_numpy() == pytest.approx([1, 1])
    assert list(units["unit"].drop_duplicates()) == ["0", "1"]  # unit 0 has the higher ls
    ref = sg.segplot_data(HAND, "g", "u", "n", reference_distribution=pd.DataFrame({"g": ["F", "M"], "p": [.5, .5]}))
    assert ref.loc[ref["unit"].isna(), "ymax"].tolist() == [0.5, 1.0]
    with pytest.raises(ValueError, match="order must be one of"):
        sg.segplot_data(HAND, "g", "u", "n", order="size")
    ax = sg.segplot(HAND, "g", "u", "n")
    assert len(ax.patches) == len(rects)
    assert sg.segcurve(HAND, "g", "u", "n").get_ylabel() == "Cumulative % F"
    cmp = sg.compress(random_table(13, units=8), "g", "u", "n", neighbors="all")
    assert len(sg.scree_plot(cmp).collections[0].get_offsets()) == 8  # initial M + 7 merges
    assert len(sg.scree_plot(cmp, tail=3).collections[0].get_offsets()) == 3
    plt.close("all")


def test_mutual_local_expected_baseline():
    # 10 units of 10 people, 1 woman each: random allocation makes small units look segregated
    small = long({"F": [1] * 10, "M": [9] * 10})
    res = sg.mutual_local_expected(small, "g", "u", "n", n_bootstrap=300, seed=2)
    np.testing.assert_allclose(res["p_mean"], 0.1, atol=1e-12)
    assert (res["est"] > 0.02).all()
    observed = sg.mutual_local(small, "g", "u", "n", wide=True)["ls"]
    assert observed.abs().max() == pytest.approx(0, abs=1e-12)  # the observed table is perfectly even
    free = sg.mutual_local_expected(small, "g", "u", "n", n_bootstrap=300, seed=2, fixed_margins=False)
    assert free["p_mean"].between(0.05, 0.15).all()
    with pytest.raises(ValueError, match="fixed_margins"):
        sg.mutual_local_expected(small, "g", "u", "n", fixed_margins="yes")


@pytest.mark.parametrize("verb", ["mutual_total", "dissimilarity"])
def test_resample_is_checked_on_every_call_even_without_se(verb):
    # STYLE: options checked always; a typo must not pass silently because se=False skips the bootstrap
    d = pd.DataFrame({"u": list("aabb"), "g": list("xyxy"), "n": [30, 10, 10, 50]})
    with pytest.raises(ValueError, match=r"resample must be one of \['cells', 'units'\], got 'unit'"):
        getattr(sg, verb)(d, "g", "u", "n", resample="unit")


def test_d_near_random_allocation_is_flagged():
    """Weak segregation: no D interval covers (coverage study), so ``sparse`` says so; the closed-form
    random-allocation baseline agrees with the simulated one (``dissimilarity_expected``)."""
    rng = np.random.default_rng(5)
    sizes = rng.integers(15, 30, size=60)
    women = rng.binomial(sizes, 0.3)  # no segregation at all: D is chance
    df = pd.DataFrame({"unit": np.repeat(np.arange(60), 2), "g": ["F", "M"] * 60,
                       "n": np.column_stack([women, sizes - women]).ravel()})
    near = sg.dissimilarity(df, "g", "unit", "n", se=True, n_bootstrap=50, seed=1)
    assert bool(near.loc["D", "sparse"])
    table = sg.count_table(df, "g", "unit", "n").to_numpy()
    simulated = sg.dissimilarity_expected(df, "g", "unit", "n", n_bootstrap=400, seed=2).loc["D under 0", "est"]
    assert abs(float(intervals._d_random_expected(table)) - simulated) < 0.1 * simulated
    far = df.assign(n=np.column_stack([sizes * (np.arange(60) % 2), sizes * (1 - np.arange(60) % 2)]).ravel())
    assert not bool(sg.dissimilarity(far, "g", "unit", "n", se=True, n_bootstrap=50, seed=1).loc["D", "sparse"])


# The cells bootstrap's draw (intervals._MultinomialCells): Poisson counts from guide tables, the
# total then set to N by adding resampled people or removing a uniform subset of those drawn.
# Cells of 0 people, table cells (<= 64 people) and numpy-Poisson cells (> 64) in one table.
DRAW_COUNTS = np.array([0, 1, 3, 7, 20, 64, 65, 150, 300])


def _draw_moments(draws: np.ndarray, counts: np.ndarray) -> None:
    """Mean N p and covariance N (diag p - p p^T) of Multinomial(N, p), within Monte Carlo error."""
    reps, n, p = len(draws), counts.sum(), counts / counts.sum()
    cov = n * (np.diag(p) - np.outer(p, p))
    assert (draws.sum(axis=1) == n).all()  # exactly N people: fails for independent Poisson counts
    assert (draws >= 0).all() and (draws[:, counts == 0] == 0).all()
    z_mean = (draws.mean(axis=0) - n * p) / np.sqrt(np.maximum(np.diag(cov), 1e-12) / reps)
    assert np.abs(z_mean).max() < 4.5
    # sample covariance: its standard error about sqrt((s_ii s_jj + s_ij^2) / reps)
    se_cov = np.sqrt((np.outer(np.diag(cov), np.diag(cov)) + cov ** 2) / reps)
    z_cov = (np.cov(draws.T) - cov) / np.where(se_cov > 0, se_cov, 1.0)
    assert np.abs(z_cov).max() < 4.5


@pytest.mark.parametrize("scale", [None, 1.0, 0.0])  # default; Poisson at N (removals); people only
def test_cells_bootstrap_draws_are_exactly_multinomial(scale):
    cells = intervals._MultinomialCells(DRAW_COUNTS, scale=scale)
    draws = cells.draw(10_000, np.random.default_rng(11))
    _draw_moments(draws, DRAW_COUNTS)
    if scale == 1.0:  # t > N about half the time: the removal branch ran
        assert (cells.poisson(2_000, np.random.default_rng(11)).sum(axis=1) > DRAW_COUNTS.sum()).mean() > 0.3
    # independent Poisson counts (what the draw starts from) would fail the same checks
    poisson = np.random.default_rng(11).poisson(DRAW_COUNTS, size=(10_000, DRAW_COUNTS.size))
    with pytest.raises(AssertionError):
        _draw_moments(poisson, DRAW_COUNTS)


def test_poisson_guide_tables_invert_the_poisson_cdf():
    # the guide's bucket decides the draw only where the whole bucket inverts to one value
    means = np.array([0.0, 0.4, 6.5, 64.0])
    low, high, cdf = intervals._poisson_guides(means)
    for v in range(len(means)):
        u = (np.arange(4096) + 0.5) / 4096
        k = np.searchsorted(cdf[v], u, side="right")
        assert (low[v] <= k).all() and (k <= high[v]).all()
        sure = low[v] == high[v]
        assert (k[sure] == low[v][sure]).all() and sure.mean() > 0.95
    draws = intervals._MultinomialCells(np.array([6, 40]), scale=1.0).poisson(50_000, np.random.default_rng(3))
    assert draws.mean(axis=0) == pytest.approx([6, 40], rel=0.01)
    assert draws.var(axis=0) == pytest.approx([6, 40], rel=0.04)  # Poisson: variance = mean


def test_cells_bootstrap_agrees_with_numpy_multinomial_draws():
    # the replicates of M and H from the new draw and from Generator.multinomial (the draw before
    # issue 27) have the same distribution: mean, spread and the 2.5% / 97.5% quantiles
    df = random_table(7, units=40)
    table = df.pivot(index="u", columns="g", values="n").to_numpy()
    reps = 4_000
    new = intervals._bootstrap(_core._mh_counts, table, reps, np.random.default_rng(1))
    n = int(table.sum())
    old = _core._mh_counts(np.random.default_rng(2).multinomial(n, (table / n).ravel(), size=reps)
                           .reshape(reps, *table.shape).astype(float))
    se = old.std(axis=0)
    assert (np.abs(new.mean(axis=0) - old.mean(axis=0)) < 4 * se * math.sqrt(2 / reps)).all()
    assert new.std(axis=0) == pytest.approx(se, rel=0.1)
    for q in (0.025, 0.975):  # quantiles within a few Monte Carlo standard errors (0.25 se here)
        assert (np.abs(np.quantile(new, q, axis=0) - np.quantile(old, q, axis=0)) < 0.25 * se).all()
    # the verb: the same point estimate, interval ends within Monte Carlo error of the old draw's
    res = sg.mutual_total(df, "g", "u", "n", se=True, n_bootstrap=reps, seed=4, method="percentile_bc")
    est = sg.mutual_total(df, "g", "u", "n").loc[["M", "H"], "est"].to_numpy()
    assert (res["ci_low"].to_numpy() == pytest.approx(np.quantile(2 * est - old, 0.025, axis=0), abs=(0.25 * se).max()))
    assert (res["ci_high"].to_numpy() == pytest.approx(np.quantile(2 * est - old, 0.975, axis=0), abs=(0.25 * se).max()))
    # integer replicates (the bootstrap's path) and the same counts as floats give the same M and H
    ints = np.random.default_rng(5).multinomial(n, (table / n).ravel(), size=50).reshape(50, *table.shape)
    np.testing.assert_allclose(_core._mh_counts(ints), _core._mh_counts(ints.astype(float)), rtol=1e-12)
