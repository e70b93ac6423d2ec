"""toolkit.discrimination against court/textbook values, scipy/statsmodels oracles and planted effects."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats
from statsmodels.stats.contingency_tables import StratifiedTable
from statsmodels.stats.multitest import multipletests

from toolkit import discrimination as dz
from toolkit import synth


def _one(k, n, p, **kw):
    """The one wide row of availability_counts."""
    return dz.availability_counts(k, n, p, wide=True, **kw).iloc[0]


# --- availability ---------------------------------------------------------------------------
def test_castaneda_v_partida():
    # Castaneda v. Partida, 430 U.S. 482 (1977), n. 17: 339 of 870 grand jurors Mexican-American
    # against 79.1% of the population; expected ~688, "approximately 29 standard deviations".
    r = _one(339, 870, 0.791)
    assert r["expected"] == pytest.approx(688.17, abs=0.01)
    assert r["sd"] == pytest.approx(29.1, abs=0.1)
    assert r["p_value"] < 1e-100


def test_hazelwood():
    # Hazelwood School District v. United States, 433 U.S. 299 (1977), n. 17: 15 Black teachers
    # among 405 hired. With 15.4% availability about 63 were expected and the difference exceeds
    # six standard deviations; with 5.7% about 23 were expected and the difference is under two.
    r154 = _one(15, 405, 0.154)
    assert r154["expected"] == pytest.approx(62.37, abs=0.01)
    assert r154["sd"] == pytest.approx((405 * 0.154 - 15) / np.sqrt(405 * 0.154 * 0.846), rel=1e-9)
    assert r154["sd"] > 6
    r057 = _one(15, 405, 0.057)
    assert r057["expected"] == pytest.approx(23.085, abs=0.001)
    assert 1.5 < r057["sd"] < 2


def test_hazelwood_single_year():
    # Hazelwood, 433 U.S. 299, n. 17: in 1972-1973, 10 Black teachers among 282 hired; with 15.4%
    # availability the difference is "more than five standard deviations", with 5.7% under two.
    r = _one(10, 282, 0.154)
    assert 5 < r["sd"] < 6
    assert _one(10, 282, 0.057)["sd"] < 2


def test_combined_exact_is_binomial_when_shares_are_equal():
    # a sum of independent binomials with one share p is Binomial(sum n, p): an exact oracle
    df = pd.DataFrame({"g": list("abc"), "k": [3, 10, 0], "n": [40, 90, 12], "p": [0.2, 0.2, 0.2]})
    out = dz.availability(df, "k", "n", "p", within="g", combined="exact", wide=True).iloc[-1]
    assert out["p_value"] == pytest.approx(stats.binom.cdf(13, 142, 0.2), rel=1e-10)
    normal = dz.availability(df, "k", "n", "p", within="g", wide=True).iloc[-1]
    assert normal["p_value"] == pytest.approx(stats.norm.sf(normal["sd"]))
    assert normal["p_value"] != pytest.approx(out["p_value"], rel=1e-3)  # the two methods differ


def test_combined_exact_matches_monte_carlo_with_unequal_shares():
    rng = np.random.default_rng(11)
    n, p = np.array([30, 50, 200]), np.array([0.05, 0.3, 0.1])
    df = pd.DataFrame({"g": list("xyz"), "k": [1, 10, 14], "n": n, "p": p})
    exact = dz.availability(df, "k", "n", "p", within="g", combined="exact", wide=True).iloc[-1]["p_value"]
    draws = rng.binomial(n, p, size=(200_000, 3)).sum(axis=1)
    mc = (draws <= 25).mean()
    assert exact == pytest.approx(mc, abs=4 * np.sqrt(mc * (1 - mc) / 200_000))


def test_availability_options_are_checked_and_labels_carried():
    df = pd.DataFrame({"soc": ["a", "b"], "k": [2, 5], "n": [50, 60], "p": [0.2, 0.3]})
    df.attrs["synthetic"] = True
    out = dz.availability(df, "k", "n", "p", within="soc", expected_share_se=0.02, wide=True)
    assert out.attrs.get("synthetic") is True
    assert out["sd_with_benchmark_error"].notna().all()  # a scalar se applies to every row
    with pytest.raises(ValueError, match=r"combined must be one of \['normal', 'exact'\], got 'poisson'"):
        dz.availability(df, "k", "n", "p", within="soc", combined="poisson")
    with pytest.raises(ValueError, match="has 2 rows; name the column"):
        dz.availability(df, "k", "n", "p")  # several rows need their labels
    with pytest.raises(ValueError, match="must not be missing"):
        dz.availability(df.assign(k=[2, np.nan]), "k", "n", "p", within="soc")
    with pytest.raises(ValueError, match="one row per stratum"):
        dz.availability(df.assign(soc=["a", "a"]), "k", "n", "p", within="soc")
    with pytest.raises(KeyError, match=r"column\(s\) \['women', 'total', 'expected_share'\] not found"):
        dz.availability(df, within="soc")
    with pytest.raises(ValueError, match="women must be a number"):
        dz.availability_counts("k", 50, 0.2)
    with pytest.raises(ValueError, match="expected_share_se must be a non-negative number"):
        dz.availability_counts(2, 50, 0.2, expected_share_se=-0.1)


def test_availability_matches_scipy_and_grouped_rows():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"soc": list("abcde"), "n": rng.integers(20, 400, 5)})
    df["p"] = rng.uniform(0.05, 0.6, 5)
    df["k"] = rng.binomial(df["n"], df["p"] * 0.6)
    out = dz.availability(df, "k", "n", "p", within="soc", wide=True)
    assert list(out["soc"]) == [*"abcde", "all"]
    for i, row in df.iterrows():
        r = out.iloc[i]
        assert r["p_value"] == pytest.approx(stats.binom.cdf(row.k, row.n, row.p))
        ci = stats.binomtest(int(row.k), int(row.n)).proportion_ci(method="exact")
        assert (r["ci_low"], r["ci_high"]) == pytest.approx((ci.low, ci.high))
    allrow = out.iloc[-1]
    assert allrow["observed"] == df["k"].sum()
    assert allrow["expected"] == pytest.approx((df["n"] * df["p"]).sum())
    assert allrow["shortfall"] == pytest.approx(out.iloc[:-1]["shortfall"].sum())


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 5000), frac=st.floats(0, 1), p=st.floats(0.001, 0.999))
def test_availability_properties(n, frac, p):
    k = int(round(frac * n))
    r = _one(k, n, p)
    assert r["ci_low"] <= k / n <= r["ci_high"]           # the exact interval holds the estimate
    assert np.sign(r["sd"]) == np.sign(r["shortfall"])    # positive exactly when women are missing
    assert r["shortfall"] == pytest.approx(n * p - k)
    assert 0 <= r["p_value"] <= 1


@settings(max_examples=40, deadline=None)
@given(counts=st.lists(st.tuples(st.integers(1, 80), st.integers(0, 80)), min_size=2, max_size=4))
def test_adverse_impact_relabelling_and_row_order_change_nothing(counts):
    rows = []
    for g, (n, x) in enumerate(counts):
        x = min(x, n)
        rows += [{"g": f"g{g}", "sel": i < x} for i in range(n)]
    df = pd.DataFrame(rows)
    a = dz.adverse_impact(df, "g", "sel", reference="highest_rate").table.set_index("group")
    shuffled = df.sample(frac=1, random_state=0).assign(g=lambda d: "x" + d["g"])
    b = dz.adverse_impact(shuffled, "g", "sel", reference="highest_rate").table.set_index("group").rename(index=lambda s: s[1:])
    b["reference"] = b["reference"].str[1:]
    pd.testing.assert_frame_equal(a.sort_index(), b.sort_index())
    assert (a["impact_ratio"].dropna() <= 1 + 1e-12).all()  # the default reference has the highest rate


def test_benchmark_error_widens_and_published_share():
    a = _one(30, 1000, 0.25, expected_share_se=0.03)
    assert 0 < a["sd_with_benchmark_error"] < a["sd"]
    pub = dz.availability_from_published(0.03, 10_000, 0.265, wide=True).iloc[0]
    assert pub["observed"] == 300 and pub["derived_from_published"]
    assert pub["shortfall"] == pytest.approx(2650 - 300)
    with pytest.raises(ValueError, match="between 0 and total"):
        dz.availability_counts(11, 10, 0.5)


# --- adverse impact ---------------------------------------------------------------------------
def test_four_fifths_uniform_guidelines_example():
    # Uniform Guidelines Q&A no. 12 style example: 80 of 120 (66.7%) vs 12 of 40 (30%);
    # ratio 0.30 / 0.667 = 0.45 < 0.8 -> adverse impact.
    df = pd.DataFrame({"g": ["W"] * 120 + ["B"] * 40,
                       "sel": [True] * 80 + [False] * 40 + [True] * 12 + [False] * 28})
    out = dz.adverse_impact(df, "g", "sel", reference="highest_rate").table.set_index("group")
    assert out.loc["B", "impact_ratio"] == pytest.approx(0.45)
    assert out.loc["B", "four_fifths_flag"] and not out.loc["W", "four_fifths_flag"]
    assert out.loc["B", "p_value_fisher"] == pytest.approx(stats.fisher_exact([[12, 28], [80, 40]]).pvalue)
    # a 0.85 ratio is not flagged
    df2 = pd.DataFrame({"g": ["A"] * 100 + ["B"] * 100, "sel": [True] * 50 + [False] * 50 + [True] * 43 + [False] * 57})
    out2 = dz.adverse_impact(df2, "g", "sel", reference="highest_rate").table.set_index("group")
    assert out2.loc["B", "impact_ratio"] == pytest.approx(0.86) and not out2.loc["B", "four_fifths_flag"]


def test_impact_ratio_ci_katz():
    df = pd.DataFrame({"g": ["F"] * 50 + ["M"] * 80, "sel": [True] * 10 + [False] * 40 + [True] * 40 + [False] * 40})
    r = dz.adverse_impact(df, "g", "sel", reference="M").table.set_index("group").loc["F"]
    se = np.sqrt(1 / 10 - 1 / 50 + 1 / 40 - 1 / 80)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((0.4 * np.exp(-1.959964 * se), 0.4 * np.exp(1.959964 * se)), rel=1e-5)


def test_adverse_impact_random_tables_against_scipy_and_statsmodels():
    from statsmodels.stats.proportion import proportions_ztest

    rng = np.random.default_rng(12)
    for _ in range(20):
        n = rng.integers(5, 200, 2)
        x = rng.binomial(n, rng.uniform(0.1, 0.9, 2))
        df = pd.DataFrame({"sex": ["F"] * n[0] + ["M"] * n[1],
                           "sel": np.r_[np.arange(n[0]) < x[0], np.arange(n[1]) < x[1]],
                           "soc": "s1"})
        r = dz.adverse_impact(df, "sex", "sel", within="soc", reference="M").table.set_index("group").loc["F"]
        assert r["soc"] == "s1"  # within labels the rows
        assert r["p_value_fisher"] == pytest.approx(stats.fisher_exact([[x[0], n[0] - x[0]], [x[1], n[1] - x[1]]]).pvalue)
        if 0 < x.sum() < n.sum():
            assert r["p_value_z"] == pytest.approx(proportions_ztest(x, n)[1])
        assert r["impact_ratio"] == pytest.approx((x[0] / n[0]) / (x[1] / n[1]) if x[1] else np.nan, nan_ok=True)


def test_adverse_impact_by_group_and_missing_group():
    df = pd.DataFrame({"soc": ["a"] * 6 + ["b"] * 6,
                       "sex": ["F", "F", "M", "M", "M", None, "F", "F", "F", "M", "M", "M"],
                       "sel": [1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 0, 0]})
    res = dz.adverse_impact(df, "sex", "sel", within="soc", reference="M")
    out = res.table
    assert res.rows_missing_group == 1
    got = out.set_index(["soc", "group"])["impact_ratio"]
    assert got[("a", "F")] == pytest.approx(0.5 / (2 / 3))
    assert got[("b", "F")] == pytest.approx((2 / 3) / (1 / 3))
    with pytest.raises(ValueError, match=r"reference 'X' is not a value of column 'sex'; its values: \['F', 'M'\]"):
        dz.adverse_impact(df, "sex", "sel", reference="X").table


def test_cmh_single_stratum_is_table2x2():
    # with one stratum the Mantel-Haenszel odds ratio and its Robins-Breslow-Greenland interval are
    # the sample odds ratio and Woolf's interval (statsmodels Table2x2)
    from statsmodels.stats.contingency_tables import Table2x2

    rng = np.random.default_rng(5)
    for _ in range(10):
        a, b, c, d = rng.integers(1, 60, 4)
        df = pd.DataFrame({"sex": ["F"] * (a + b) + ["M"] * (c + d),
                           "sel": [True] * a + [False] * b + [True] * c + [False] * d, "s": 0})
        r = dz.cmh(df, "sex", "sel", within="s").loc["odds_ratio_mh"]
        ref = Table2x2(np.array([[a, b], [c, d]]))
        assert r["est"] == pytest.approx(ref.oddsratio)
        assert (r["ci_low"], r["ci_high"]) == pytest.approx(ref.oddsratio_confint())


def test_cmh_agrees_with_statsmodels():
    rng = np.random.default_rng(3)
    rows = []
    for s in range(6):
        for sex, p in (("F", 0.3), ("M", 0.5)):
            n = rng.integers(20, 80)
            sel = rng.random(n) < p
            rows += [{"stratum": s, "sex": sex, "sel": x} for x in sel]
    df = pd.DataFrame(rows)
    out = dz.cmh(df, "sex", "sel", within="stratum").loc["odds_ratio_mh"]
    tables = []
    for _, g in df.groupby("stratum"):
        f, m = g.sex == "F", g.sex == "M"
        tables.append(np.array([[(f & g.sel).sum(), (f & ~g.sel).sum()], [(m & g.sel).sum(), (m & ~g.sel).sum()]]))
    st = StratifiedTable(tables)
    assert out["est"] == pytest.approx(st.oddsratio_pooled)
    assert out["p_value_breslow_day"] == pytest.approx(st.test_equal_odds(adjust=True).pvalue)


# --- selection model and planted effects ---------------------------------------------------------
@pytest.fixture(scope="module")
def syn():
    return synth.generate(seed=5, programs=("H-2B",))


def test_selection_model_recovers_planted_odds_ratio(syn):
    # case fixed effects are too many for a logit here; Mantel-Haenszel by case is the consistent
    # estimator, and the cluster-robust logit with occupation controls agrees in direction.
    true = syn.truth["selection_odds_ratio"]
    mh = dz.cmh(syn.workers, "sex", "selected", within="case_number").loc["odds_ratio_mh"]
    assert mh["ci_low"] < true < mh["ci_high"]
    fit = dz.selection_model(syn.workers, "sex", "selected", controls=["soc_code"], cluster="employer_name")
    assert fit.loc["odds_ratio_F_vs_M", "est"] < 1 and fit.loc["odds_ratio_F_vs_M", "n_clusters"] > 50


def _simulate(rng, n=600, beta=np.log(0.5)):
    x = rng.integers(0, 3, n)
    female = rng.random(n) < 0.4
    eta = -0.2 + 0.4 * x + beta * female
    y = rng.random(n) < special.expit(eta)
    return pd.DataFrame({"sel": y, "sex": np.where(female, "F", "M"), "x": x, "emp": rng.integers(0, 60, n)})


def test_selection_model_agrees_with_direct_statsmodels():
    import statsmodels.api as sm

    df = _simulate(np.random.default_rng(1))
    ours = dz.selection_model(df, "sex", "sel", controls=["x"]).loc["odds_ratio_F_vs_M"]
    X = pd.get_dummies(df["x"].astype(str), drop_first=True, dtype=float)
    X["F"] = (df["sex"] == "F").astype(float)
    X = sm.add_constant(X)
    ref = sm.Logit(df["sel"].astype(float), X).fit(disp=0)
    assert ours["est"] == pytest.approx(np.exp(ref.params["F"]), rel=1e-6)
    assert ours["log_odds_se"] == pytest.approx(ref.bse["F"], rel=1e-6)
    assert ours["se"] == pytest.approx(ours["est"] * ref.bse["F"], rel=1e-6)  # delta method
    assert ours["reference"] == "M" and ours["group"] == "F"
    clustered = dz.selection_model(df, "sex", "sel", controls=["x"], cluster="emp").loc["odds_ratio_F_vs_M"]
    refc = sm.Logit(df["sel"].astype(float), X).fit(disp=0, cov_type="cluster", cov_kwds={"groups": df["emp"]})
    assert clustered["log_odds_se"] == pytest.approx(refc.bse["F"], rel=1e-6)
    assert clustered["n"] == 600 and clustered["n_clusters"] == df["emp"].nunique()
    with pytest.raises(ValueError, match="reference 'W' is not a value of column 'sex'"):
        dz.selection_model(df, "sex", "sel", controls=["x"], reference="W")


@pytest.mark.slow
def test_selection_model_ci_coverage_over_seeds():
    # 200 simulated datasets with a true odds ratio of 0.5: the 95% CI covers it in 90-99% of them.
    rng = np.random.default_rng(2024)
    hits = 0
    for _ in range(200):
        df = _simulate(rng)
        r = dz.selection_model(df, "sex", "sel", controls=["x"], cluster="emp").loc["odds_ratio_F_vs_M"]
        hits += r["ci_low"] < 0.5 < r["ci_high"]
    assert 0.90 <= hits / 200 <= 0.99, hits


# --- wages ------------------------------------------------------------------------------------
def test_wage_gap_matches_statsmodels_oaxaca():
    from statsmodels.stats.oaxaca import OaxacaBlinder

    rng = np.random.default_rng(7)
    n = 800
    df = pd.DataFrame({"sex": np.where(rng.random(n) < 0.4, "F", "M"), "soc": rng.integers(0, 3, n)})
    df["wage"] = np.exp(2.5 + 0.1 * df["soc"] + np.where(df["sex"] == "F", -0.08, 0) + rng.normal(0, 0.1, n)
                        + np.where(df["sex"] == "F", 0.05 * (df["soc"] == 2), 0))
    ours = dz.wage_gap(df, "sex", "wage", controls=["soc"], method="threefold", n_bootstrap=20, seed=1)["est"]
    X = pd.get_dummies(df["soc"].astype(str), drop_first=True, dtype=float)
    X.insert(0, "const", 1.0)
    X["male"] = (df["sex"] == "M").astype(float)
    ob = OaxacaBlinder(np.log(df["wage"]), X, "male", hasconst=True)
    three = ob.three_fold().params  # (endowment, coefficient, interaction, gap)
    assert ours["gap"] == pytest.approx(three[3], rel=1e-8)
    assert ours["endowments"] == pytest.approx(three[0], rel=1e-6)
    assert ours["coefficients"] == pytest.approx(three[1], rel=1e-6)
    two = dz.wage_gap(df, "sex", "wage", controls=["soc"], n_bootstrap=20, seed=1)["est"]
    pooled = ob.two_fold(two_fold_type="pooled").params  # (unexplained, explained, gap)
    assert two["explained"] == pytest.approx(pooled[1], rel=1e-6)
    assert two["unexplained"] == pytest.approx(pooled[0], rel=1e-6)
    # the other non-discriminatory coefficient vectors, each against statsmodels' own name. With
    # the men coded 0 statsmodels does not swap the groups: after a swap (men coded 1, as above)
    # its "cotton" weights each group's coefficients by the other group's size (statsmodels 0.14).
    X_f = X.drop(columns="male").assign(female=(df["sex"] == "F").astype(float))
    ob_f = OaxacaBlinder(np.log(df["wage"]), X_f, "female", hasconst=True)
    for ours_name, sm_name in (("neumark", "nuemark"), ("reimers", "reimers"), ("cotton", "cotton")):
        alt = dz.wage_gap(df, "sex", "wage", controls=["soc"], nondiscriminatory=ours_name, n_bootstrap=2, seed=1)["est"]
        ref = ob_f.two_fold(two_fold_type=sm_name).params
        assert alt["explained"] == pytest.approx(ref[1], rel=1e-6), ours_name
        assert alt["unexplained"] == pytest.approx(ref[0], rel=1e-6), ours_name
        assert alt["gap"] == pytest.approx(two["gap"])
    with pytest.raises(ValueError, match="nondiscriminatory must be one of"):
        dz.wage_gap(df, "sex", "wage", controls=["soc"], nondiscriminatory="nuemark")
    with pytest.raises(ValueError, match="twofold' only"):
        dz.wage_gap(df, "sex", "wage", controls=["soc"], method="threefold", nondiscriminatory="neumark")


def test_wage_gap_recovers_planted_penalty(syn):
    adm = syn.workers[syn.workers["selected"].astype(bool)]
    out = dz.wage_gap(adm, controls=("soc_code", "worksite_state"), n_bootstrap=50, seed=0)
    penalty = -syn.truth["wage_penalty_log"]
    assert out.loc["unexplained", "ci_low"] < penalty < out.loc["unexplained", "ci_high"]
    with pytest.raises(ValueError, match="method must be one of"):
        dz.wage_gap(adm, method="neumark")


def test_offered_wage_by_typing(syn):
    from toolkit import occupation_shares

    out = dz.offered_wage_by_typing(syn.cases, occupation_shares.women_share_by_soc(2022), n_bootstrap=50, seed=0).table
    assert set(out.index) == {"female_typed", "male_typed", "difference"}
    assert out.loc["difference", "est"] == pytest.approx(out.loc["male_typed", "est"] - out.loc["female_typed", "est"])


def test_offered_wage_by_typing_hand_computed():
    bench = pd.DataFrame({"soc_code": ["a", "b", "c", "d"], "women_share": [0.9, 0.6, 0.3, 0.05]})
    cases = pd.DataFrame({"soc_code": ["a", "a", "b", "c", "d", "d", "zz"],
                          "wage_hourly": [10.0, 12.0, 11.0, 14.0, 15.0, 17.0, 99.0],
                          "workers_certified": [1, 3, 2, 4, 5, 5, 7]})
    res = dz.offered_wage_by_typing(cases, bench, n_bootstrap=50, seed=0)
    out = res.table
    fem = (10 * 1 + 12 * 3 + 11 * 2) / 6          # a, a, b: share >= 0.5
    male = (14 * 4 + 15 * 5 + 17 * 5) / 14         # c, d, d
    assert out.loc["female_typed", "est"] == pytest.approx(fem)
    assert out.loc["male_typed", "est"] == pytest.approx(male)
    assert out.loc["difference", "est"] == pytest.approx(male - fem)
    assert list(out["positions"]) == [6, 14, 20] and res.cases_left_out == 1  # "zz" has no benchmark
    ter = dz.offered_wage_by_typing(cases, bench, typing="tertiles", n_bootstrap=50, seed=0).table
    # shares {0.05, 0.3, 0.6, 0.9}: linear tertile cuts at 0.3 and 0.6, a share on a cut goes up -> d | c | a, b
    assert list(ter.index) == ["female_typed", "mixed", "male_typed", "difference"]
    assert ter.loc["mixed", "est"] == pytest.approx(14.0)
    assert ter.loc["male_typed", "est"] == pytest.approx(16.0)
    assert ter.loc["difference", "est"] == pytest.approx(16.0 - fem)
    with pytest.raises(ValueError, match="typing must be one of"):
        dz.offered_wage_by_typing(cases, bench, typing="quartiles").table
    with pytest.raises(ValueError, match="every occupation type"):
        dz.offered_wage_by_typing(cases, bench, threshold=0.95).table


# --- screening ----------------------------------------------------------------------------------
def test_screen_entities_bh_and_shrinkage_order():
    df = pd.DataFrame({"employer": ["tiny", "big", "mid", "fair"],
                       "women": [0, 150, 20, 250], "total": [3, 3000, 200, 1000],
                       "expected_share": [0.25, 0.25, 0.25, 0.25]})
    out = dz.screen_entities(df, "employer").table
    assert out["employer"].iloc[0] == "big"  # tiny (0 of 3) is not ranked first on noise
    assert not out.set_index("employer").loc["tiny", "credible"]
    p = stats.binom.cdf(df["women"], df["total"], 0.25)
    q = multipletests(p, method="fdr_bh")[1]
    got = out.set_index("employer").loc[df["employer"], "q_value"].to_numpy()
    np.testing.assert_allclose(got, q)
    assert out.set_index("employer").loc["big", "credible"]
    printable = dz.screen_entities(df, "employer", printable=True).table.set_index("employer")
    assert printable.loc["tiny", "suppressed"] and pd.isna(printable.loc["tiny", "total"])


def test_screen_says_which_entities_it_left_out():
    df = pd.DataFrame({"employer": ["a", "b", "empty"], "women": [5, 40, 0], "total": [50, 100, 0],
                       "expected_share": [0.25, 0.25, 0.25]})
    short = dz.screen_entities(df, "employer")
    assert short.entities_left_out == 1 and "empty" not in set(short.table["employer"])
    assert set(short.prior) == {"a", "b"} and short.prior["a"] > 0 and short.prior["b"] > 0
    app = pd.DataFrame({"recruiter": ["r1"] * 4 + ["men_only"] * 3, "sex": ["F", "F", "M", "M", "M", "M", "M"],
                        "selected": [True, False, True, True, True, False, True]})
    imp = dz.screen_entities(app, "recruiter", measure="impact_ratio")
    assert imp.entities_left_out == 1 and list(imp.table["recruiter"]) == ["r1"] and set(imp.prior) == {"mu", "tau2"}


def _applicants(rng, sizes, odds_ratios, base=0.5):
    """Applicant records per entity: women selected with odds ratio ``or_e`` against men."""
    rows = []
    for e, (n, or_e) in enumerate(zip(sizes, odds_ratios)):
        female = rng.random(n) < 0.3
        eta = np.log(base / (1 - base)) + np.log(or_e) * female
        sel = rng.random(n) < special.expit(eta)
        rows.append(pd.DataFrame({"recruiter": f"r{e:02d}", "sex": np.where(female, "F", "M"), "selected": sel}))
    return pd.concat(rows, ignore_index=True)


def test_screen_impact_ratio_agrees_with_scipy_and_statsmodels():
    from statsmodels.stats.meta_analysis import combine_effects

    rng = np.random.default_rng(8)
    data = _applicants(rng, rng.integers(20, 300, 12), rng.choice([0.3, 1.0], 12))
    screen = dz.screen_entities(data, "recruiter", measure="impact_ratio")
    out = screen.table.set_index("recruiter")
    for name, g in data.groupby("recruiter"):
        f, m = g["sex"] == "F", g["sex"] == "M"
        table = [[(f & g.selected).sum(), (f & ~g.selected).sum()], [(m & g.selected).sum(), (m & ~g.selected).sum()]]
        r = out.loc[name]
        assert r["p_value"] == pytest.approx(stats.fisher_exact(table, alternative="less").pvalue, rel=1e-9)
        assert r["impact_ratio"] == pytest.approx(g.selected[f].mean() / g.selected[m].mean())
    np.testing.assert_allclose(out["q_value"], multipletests(out["p_value"], method="fdr_bh")[1])
    # the prior: DerSimonian-Laird between-entity variance, as statsmodels' random-effects meta-analysis
    xf, nf, xm, nm = (out[c].to_numpy(float) + 0.5 for c in ("selected_f", "applicants_f", "selected_m", "applicants_m"))
    y, v = np.log(xf / nf) - np.log(xm / nm), 1 / xf - 1 / nf + 1 / xm - 1 / nm
    meta = combine_effects(y, v, method_re="dl")
    prior = screen.prior
    assert screen.entities_left_out == 0
    assert prior["tau2"] == pytest.approx(meta.tau2, rel=1e-9)
    assert prior["mu"] == pytest.approx(meta.mean_effect_re, rel=1e-9)
    # shrinkage moves every log ratio toward mu, never past it
    shrunk, raw = np.log(out["shrunk_impact_ratio"].to_numpy()), y
    assert np.all(np.abs(shrunk - prior["mu"]) <= np.abs(raw - prior["mu"]) + 1e-12)


def test_screen_impact_ratio_ranks_large_credible_entity_above_tiny_noisy_one():
    rng = np.random.default_rng(21)
    data = _applicants(rng, [2000] + [300] * 10, [0.35] + [1.0] * 10)
    tiny = pd.DataFrame({"recruiter": "tiny", "sex": ["F", "F", "M", "M", "M"], "selected": [False, False, True, True, True]})
    out = dz.screen_entities(pd.concat([data, tiny], ignore_index=True), "recruiter", measure="impact_ratio").table
    assert out["recruiter"].iloc[0] == "r00"  # tiny has a raw impact ratio of 0, yet ranks below
    ranked = out.set_index("recruiter")
    assert ranked.loc["tiny", "impact_ratio"] == 0 and not ranked.loc["tiny", "credible"]
    assert ranked.loc["r00", "credible"]
    printable = dz.screen_entities(pd.concat([data, tiny]), "recruiter", measure="impact_ratio", printable=True).table
    row = printable.set_index("recruiter").loc["tiny"]
    assert row["suppressed"] and pd.isna(row["applicants_f"]) and pd.isna(row["shrunk_impact_ratio"])
    assert not printable.set_index("recruiter").loc["r00", "suppressed"]
    with pytest.raises(ValueError, match="measure must be one of"):
        dz.screen_entities(data, "recruiter", measure="odds_ratio").table


def test_screen_impact_ratio_finds_planted_entities():
    # 8 of 30 recruiters select women with odds ratio 0.3; the others treat women like men. At
    # alpha = 0.05 the flagged set is mostly planted (FDR) and the top of the ranking is planted.
    rng = np.random.default_rng(4)
    planted = np.arange(30) < 8
    data = _applicants(rng, rng.integers(150, 600, 30), np.where(planted, 0.3, 1.0))
    out = dz.screen_entities(data, "recruiter", measure="impact_ratio").table
    is_planted = out["recruiter"].str[1:].astype(int) < 8
    assert is_planted.iloc[:6].all(), out.head(8)
    flagged = out[out["credible"]]
    assert len(flagged) >= 6 and is_planted[out["credible"]].mean() >= 0.8


def test_screen_shortfall_finds_planted_recruiters(syn):
    # synth plants recruiters that exclude women (truth["recruiter_exclusion"]); expected shares
    # come from the benchmark share of each admitted worker's occupation.
    adm = syn.workers[syn.workers["selected"].astype(bool)]
    share = adm["soc_code"].map(syn.truth["benchmark_shares"]).astype(float)
    per = (adm.assign(_w=(adm["sex"] == "F").astype(int), _p=share).groupby("recruiter")
           .agg(women=("_w", "sum"), total=("_w", "size"), expected=("_p", "sum")).reset_index())
    per["expected_share"] = per["expected"] / per["total"]
    out = dz.screen_entities(per, "recruiter").table
    top = set(out["recruiter"].iloc[:len(syn.truth["recruiter_exclusion"])])
    assert top == set(syn.truth["recruiter_exclusion"]), out.head()
    assert out["credible"].iloc[:2].all()


# --- the long (stat-indexed) availability result -------------------------------------------------
def test_availability_long_form_matches_wide_and_hand_values():
    df = pd.DataFrame({"soc": ["a", "b"], "women": [30, 5], "total": [400, 100], "expected_share": [0.25, 0.1]})
    long = dz.availability(df, within="soc")
    wide = dz.availability(df, within="soc", wide=True).set_index("soc")
    assert list(long.index.names) == ["soc", "stat"]
    assert list(long.index) == [(s, t) for s in ("a", "b", "all") for t in ("observed_share", "shortfall", "sd")]
    for soc in ("a", "b", "all"):
        w = wide.loc[soc]
        assert long.loc[(soc, "observed_share"), "est"] == pytest.approx(w["observed_share"])
        assert long.loc[(soc, "sd"), "est"] == pytest.approx(w["sd"])
        short = long.loc[(soc, "shortfall")]
        # the shortfall's interval is n p - n [hi, lo] from the Clopper-Pearson interval of the share
        assert (short["ci_low"], short["ci_high"]) == pytest.approx(
            (w["expected"] - w["total"] * w["ci_high"], w["expected"] - w["total"] * w["ci_low"]))
        assert short["p_value"] == pytest.approx(w["p_value"])
    assert long.loc[("a", "shortfall"), "est"] == pytest.approx(400 * 0.25 - 30)
    assert long.loc[("a", "sd"), "est"] == pytest.approx(70 / np.sqrt(400 * 0.25 * 0.75))
    one = dz.availability_counts(30, 400, 0.25, expected_share_se=0.01)
    assert list(one.index) == ["observed_share", "shortfall", "sd", "sd_with_benchmark_error"]
    assert one.loc["sd_with_benchmark_error", "est"] == pytest.approx(70 / np.sqrt(75 + 400**2 * 0.01**2))
    pub = dz.availability_from_published(0.03, 10_000, 0.25, wide=False)
    assert pub["derived_from_published"].all() and pub.loc["shortfall", "est"] == 2200


# --- options checked on every call -----------------------------------------------------------------
def _records():
    rng = np.random.default_rng(0)
    n = 200
    sex = np.where(rng.random(n) < 0.4, "F", "M")
    return pd.DataFrame({"sex": sex, "sel": rng.random(n) < np.where(sex == "F", 0.3, 0.5),
                         "soc": rng.choice(["a", "b"], n), "case": rng.integers(0, 8, n),
                         "wage": np.exp(2.5 + rng.normal(0, 0.1, n))})


@pytest.mark.parametrize("call", [
    lambda d, **o: dz.availability_counts(3, 40, 0.2, **o),
    lambda d, **o: dz.adverse_impact(d, "sex", "sel", reference="M", **o).table,
    lambda d, **o: dz.cmh(d, "sex", "sel", within="case", **o),
    lambda d, **o: dz.selection_model(d, "sex", "sel", **o),
    lambda d, **o: dz.wage_gap(d, "sex", "wage", controls=["soc"], n_bootstrap=5, **o),
], ids=["availability", "adverse_impact", "cmh", "selection_model", "wage_gap"])
@pytest.mark.parametrize("bad", [1.5, 0, -0.1, "0.95", True, np.nan])
def test_ci_is_checked_on_every_call(call, bad):
    with pytest.raises(ValueError, match=r"ci must be (between 0 and 1 \(exclusive\)|a number), got"):
        call(_records(), ci=bad)


def test_other_options_and_labels_are_checked_whatever_the_other_options_say():
    d = _records()
    with pytest.raises(ValueError, match=r"n_bootstrap must be a whole number of at least 2, got 1"):
        dz.wage_gap(d, "sex", "wage", controls=["soc"], n_bootstrap=1)
    with pytest.raises(ValueError, match="n_bootstrap must be a whole number of at least 2, got 2.5"):
        dz.wage_gap(d, "sex", "wage", controls=["soc"], n_bootstrap=2.5)
    with pytest.raises(ValueError, match=r"method must be one of \['twofold', 'threefold'\], got 'neumark'"):
        dz.wage_gap(d, "sex", "wage", controls=["soc"], method="neumark")
    with pytest.raises(ValueError, match="focal 'W' is not a value of column 'sex'"):
        dz.wage_gap(d, "sex", "wage", controls=["soc"], focal="W")
    with pytest.raises(ValueError, match="focal and reference must be different groups"):
        dz.cmh(d, "sex", "sel", within="case", focal="M")
    with pytest.raises(ValueError, match="reference 'X' is not a value of column 'sex'"):
        dz.cmh(d, "sex", "sel", within="case", reference="X")
    with pytest.raises(ValueError, match="reference 'X' is not a value"):
        dz.screen_entities(d, "soc", measure="impact_ratio", group="sex", selected="sel", reference="X").table
    shortfall = pd.DataFrame({"e": ["a", "b"], "women": [1, 2], "total": [10, 10], "expected_share": [0.3, 0.3]})
    with pytest.raises(ValueError, match="alpha must be between 0 and 1"):
        dz.screen_entities(shortfall, "e", alpha=0).table
    with pytest.raises(ValueError, match="k must be a whole number of at least 1"):
        dz.screen_entities(shortfall, "e", k=0).table  # checked although printable=False does not use it
    with pytest.raises(ValueError, match=r"printable must be one of \[True, False\], got 'yes'"):
        dz.screen_entities(shortfall, "e", printable="yes").table
    with pytest.raises(ValueError, match="threshold must be between 0 and 1"):
        dz.offered_wage_by_typing(pd.DataFrame(columns=["soc_code", "wage_hourly", "workers_certified"]),
                                  pd.DataFrame(columns=["soc_code", "women_share"]), threshold=1.2).table
    with pytest.raises(ValueError, match=r"wide must be one of \[True, False\], got 'yes'"):
        dz.availability_counts(3, 40, 0.2, wide="yes")


def test_selection_column_must_be_true_false_without_missing_values():
    d = _records()
    with pytest.raises(ValueError, match="column 'sel' has missing values"):
        dz.cmh(d.assign(sel=d["sel"].astype(object).where(d.index != 3)), "sex", "sel", within="case")
    with pytest.raises(ValueError, match=r"column 'sel' must hold True/False \(or 1/0\)"):
        dz.adverse_impact(d.assign(sel=np.where(d["sel"], "yes", "no")), "sex", "sel", reference="M").table


# --- explicit references -----------------------------------------------------------------------
def test_adverse_impact_reference_is_explicit_and_reported():
    df = pd.DataFrame({"g": ["F"] * 50 + ["M"] * 80, "sel": [True] * 30 + [False] * 20 + [True] * 40 + [False] * 40})
    by_m = dz.adverse_impact(df, "g", "sel", reference="M").table.set_index("group")
    assert (by_m["reference"] == "M").all() and (by_m["reference_rule"] == "given").all()
    assert by_m.loc["F", "impact_ratio"] == pytest.approx(0.6 / 0.5)  # above 1: no silent flip to F
    top = dz.adverse_impact(df, "g", "sel", reference="highest_rate").table.set_index("group")
    assert (top["reference"] == "F").all() and (top["reference_rule"] == "highest_rate").all()
    with pytest.raises(TypeError, match="reference"):
        dz.adverse_impact(df, "g", "sel").table  # no default comparison group
    with pytest.raises(ValueError, match="group called 'highest_rate'"):
        dz.adverse_impact(df.assign(g=df["g"].replace("F", "highest_rate")), "g", "sel", reference="highest_rate").table


def test_adverse_impact_reference_missing_in_a_block_is_named():
    df = pd.DataFrame({"soc": ["a", "a", "b", "b"], "sex": ["F", "M", "F", "F"], "sel": [1, 0, 1, 0]})
    with pytest.raises(ValueError, match=r"reference 'M' has no applicants in the block \{'soc': 'b'\}"):
        dz.adverse_impact(df, "sex", "sel", within="soc", reference="M").table


def test_results_say_which_groups_they_compare():
    d = _records()
    mh = dz.cmh(d, "sex", "sel", within="case").loc["odds_ratio_mh"]
    assert (mh["focal"], mh["reference"]) == ("F", "M")
    wg = dz.wage_gap(d, "sex", "wage", controls=["soc"], n_bootstrap=5, seed=0)
    assert (wg["focal"] == "F").all() and (wg["reference"] == "M").all() and (wg["nondiscriminatory"] == "pooled").all()
    assert wg["n_focal"].iloc[0] == (d["sex"] == "F").sum() and wg["n_reference"].iloc[0] == (d["sex"] == "M").sum()
    flipped = dz.wage_gap(d, "sex", "wage", controls=["soc"], focal="M", reference="F", n_bootstrap=5, seed=0)
    assert flipped.loc["gap", "est"] == pytest.approx(-wg.loc["gap", "est"])
    assert list(dz.selection_model(d, "sex", "sel", reference="F").index) == ["odds_ratio_M_vs_F"]


# --- cmh without strata, old call forms ----------------------------------------------------------
def test_cmh_without_within_is_the_crude_odds_ratio():
    from statsmodels.stats.contingency_tables import Table2x2

    d = _records()
    r = dz.cmh(d, "sex", "sel").loc["odds_ratio_mh"]
    f, m = d["sex"] == "F", d["sex"] == "M"
    t = np.array([[(f & d.sel).sum(), (f & ~d.sel).sum()], [(m & d.sel).sum(), (m & ~d.sel).sum()]])
    assert r["est"] == pytest.approx(Table2x2(t).oddsratio) and r["n_strata"] == 1


# --- bootstrap summaries come from toolkit.inference -------------------------------------------------
def test_wage_gap_interval_is_the_percentile_interval_of_the_replicates():
    from toolkit import inference

    d = _records()
    out = dz.wage_gap(d, "sex", "wage", controls=["soc"], n_bootstrap=30, seed=3, ci=0.9)
    # the same replicates, drawn as wage_gap_cells draws them: counts per cell, then cell sums
    c = d.assign(y=np.log(d["wage"])).groupby(["sex", "soc"])["y"].agg(["size", "sum", "mean", "std"])
    c["var"] = c["std"] ** 2 * (c["size"] - 1) / c["size"]
    is_f = c.index.get_level_values("sex") == "F"
    rng = np.random.default_rng(3)
    boot_n = np.zeros((30, len(c)))
    for mask in (is_f, ~is_f):
        total = c["size"][mask].sum()
        boot_n[:, mask] = rng.multinomial(total, c["size"][mask] / total, size=30)
    boot_s = boot_n * c["mean"].to_numpy() + np.sqrt(boot_n * c["var"].to_numpy()) * rng.standard_normal(boot_n.shape)
    # the raw gap needs no regression
    boot = boot_s[:, ~is_f].sum(1) / boot_n[:, ~is_f].sum(1) - boot_s[:, is_f].sum(1) / boot_n[:, is_f].sum(1)
    assert out.loc["gap", "ci_low"] == pytest.approx(np.quantile(boot, 0.05))
    assert out.loc["gap", "ci_high"] == pytest.approx(np.quantile(boot, 0.95))
    assert out.loc["gap", "se"] == pytest.approx(boot.std(ddof=1))
    assert out.loc["gap", "bias"] == pytest.approx(boot.mean() - out.loc["gap", "est"])
    assert inference.summarise(np.array([out.loc["gap", "est"]]), boot[:, None], 0.9)["ci_low"][0] == \
        pytest.approx(out.loc["gap", "ci_low"])


def _row_oaxaca(df, controls, nondiscriminatory):
    """The pooled/neumark two-fold decomposition on the rows, with plain numpy least squares on
    the row design (the independent reference of the cell computation)."""
    y = np.log(df["wage"].to_numpy())
    x = pd.get_dummies(df[controls].astype(str), drop_first=True, dtype=float)
    x.insert(0, "const", 1.0)
    x = x.to_numpy()
    f = (df["sex"] == "F").to_numpy()
    fit = lambda yy, xx: np.linalg.lstsq(xx, yy, rcond=None)[0]  # noqa: E731
    xf, xm = x[f].mean(0), x[~f].mean(0)
    b = fit(y, np.column_stack([x, f]))[:-1] if nondiscriminatory == "pooled" else fit(y, x)
    gap = y[~f].mean() - y[f].mean()
    return np.array([gap, (xm - xf) @ b, gap - (xm - xf) @ b])


def _wage_workers(n, seed):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"sex": np.where(rng.random(n) < 0.35, "F", "M"), "soc": rng.choice(list("abcd"), n),
                       "state": rng.choice(["GA", "TX", "NC"], n)})
    df["wage"] = np.exp(2.4 + 0.1 * (df["soc"] == "b") + 0.2 * (df["state"] == "TX") - 0.07 * (df["sex"] == "F")
                        + rng.normal(0, 0.2, n))
    return df


def test_wage_gap_from_cells_equals_the_row_computation():
    from toolkit import cells

    df = _wage_workers(600, 11)
    table = cells.aggregate(df.assign(employer=np.arange(600) % 7), ["sex", "soc", "state", "employer"], wage="wage")
    assert table["n"].sum() == 600 and len(table) < 600  # finer cells than the controls: re-celled inside
    for nd in ("pooled", "neumark"):
        ours = dz.wage_gap_cells(table, "sex", controls=["soc", "state"], nondiscriminatory=nd, n_bootstrap=2, seed=0)
        np.testing.assert_allclose(ours["est"].to_numpy(), _row_oaxaca(df, ["soc", "state"], nd), rtol=0, atol=1e-9)


def test_cell_bootstrap_se_matches_the_row_bootstrap():
    """The replicates drawn on cells have the spread of replicates resampling the rows (B = 400
    each side: Monte Carlo error of an SE about 3.5%; tolerance 20%)."""
    df = _wage_workers(400, 5)
    ours = dz.wage_gap(df, "sex", "wage", controls=["soc", "state"], n_bootstrap=400, seed=1)
    rng = np.random.default_rng(2)
    f, m = np.flatnonzero(df["sex"] == "F"), np.flatnonzero(df["sex"] == "M")
    rows = np.array([_row_oaxaca(df.iloc[np.concatenate([rng.choice(f, len(f)), rng.choice(m, len(m))])],
                                 ["soc", "state"], "pooled") for _ in range(400)])
    np.testing.assert_allclose(ours["se"].to_numpy(), rows.std(0, ddof=1), rtol=0.2)
    assert (ours["se"] > 0).all()


# --- the docstring examples run ---------------------------------------------------------------
def test_docstring_examples_run():
    import doctest

    from toolkit import inference

    for module in (dz, inference):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, f"{module.__name__}: {result.failed} of {result.attempted} examples failed"
    # every public function has an example; the result dataclasses are shown in theirs
    public = [getattr(dz, n) for n in dz.__all__ if callable(getattr(dz, n)) and not isinstance(getattr(dz, n), type)]
    assert all(">>> " in (f.__doc__ or "") for f in public), [f.__name__ for f in public if ">>> " not in f.__doc__]
