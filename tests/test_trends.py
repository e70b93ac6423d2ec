"""Trends across fiscal years (toolkit.trends): positions, expected women, segregation and its change."""
from __future__ import annotations

import doctest
import math

import numpy as np
import pandas as pd
import pytest

from toolkit import occupation_shares, coverage, dol, store, trends

BENCH = pd.DataFrame({"soc_code": ["45-2092", "45-2041", "37-3011"], "women_share": [0.25, 0.6, 0.1],
                      "women_share_se": [0.01, 0.02, 0.01]})


def _cases(rows):
    df = pd.DataFrame(rows, columns=["program", "fiscal_year", "soc_code", "workers_certified", "worksite_state"])
    return df.assign(is_duplicate=False, source_file=[f"{p}_FY{y}.xlsx" for p, y in zip(df["program"], df["fiscal_year"])])


CASES = _cases([("H-2A", 2020, "45-2092", 30, "GA"), ("H-2A", 2020, "45-2041", 10, "GA"),
                ("H-2A", 2020, "99-9999", 60, "FL"),  # no benchmark: counted in positions, not in shares
                ("H-2A", 2021, "45-2092", 50, "GA"), ("H-2A", 2021, "37-3011", 50, "FL"),
                ("H-2B", 2021, "37-3011", 20, "FL")])


def test_doctests():
    assert doctest.testmod(trends).failed == 0


def test_yearly_positions_by_hand():
    t = trends.yearly_positions(CASES, BENCH).set_index(["program", "fiscal_year"])
    a20 = t.loc[("H-2A", 2020)]
    assert (a20["positions"], a20["covered"]) == (100, 40)
    assert a20["expected_women"] == pytest.approx(30 * 0.25 + 10 * 0.6)
    assert a20["expected_share"] == pytest.approx(13.5 / 40)
    assert a20["share_ge_25"] == pytest.approx(1.0) and a20["share_ge_50"] == pytest.approx(10 / 40)
    a21 = t.loc[("H-2A", 2021)]
    assert a21["share_ge_25"] == pytest.approx(0.5) and a21["share_ge_50"] == 0
    assert t.loc[("H-2B", 2021), "expected_women"] == pytest.approx(2.0)
    states = trends.yearly_positions(CASES, BENCH, by=["program", "worksite_state"])
    assert states.groupby("fiscal_year")["positions"].sum().to_dict() == {2020: 100, 2021: 120}
    blank = CASES.assign(worksite_state=CASES["worksite_state"].where(CASES["soc_code"] != "99-9999"))
    states = trends.yearly_positions(blank, BENCH, by=["program", "worksite_state"])
    assert states.set_index("worksite_state").loc[trends.NOT_STATED, "positions"] == 60, "blank states kept as a group"


def test_partial_years_are_marked_from_coverage():
    cases = CASES.assign(source_file=np.where(CASES["fiscal_year"] == 2021, "H-2A_FY2021_Q1.xlsx", "H-2A_FY2020.xlsx"))
    cases = cases[cases["program"] == "H-2A"]
    cov = coverage.coverage_table(cases, catalog=pd.DataFrame())
    t = trends.yearly_positions(cases, BENCH, coverage=cov).set_index("fiscal_year")
    assert t["partial"].to_dict() == {2020: False, 2021: True} and t.loc[2021, "months"] == 3
    seg = trends.yearly_segregation(cases, BENCH, coverage=cov, se=False)
    assert seg.groupby("fiscal_year")["partial"].first().to_dict() == {2020: False, 2021: True}
    ch = trends.segregation_change(cases, BENCH, coverage=cov)
    assert bool(ch["first_partial"].iloc[0]) is False and bool(ch["last_partial"].iloc[0]) is True


def test_yearly_segregation_matches_hand_computed_m():
    seg = trends.yearly_segregation(CASES, BENCH, se=False).set_index(["program", "fiscal_year", "stat"])
    # H-2A 2021: 50 positions at 0.25 and 50 at 0.1 -> F = (12.5, 5), M = (37.5, 45)
    f, m = np.array([12.5, 5.0]), np.array([37.5, 45.0])
    n = np.array([f, m]).T / 100
    pu, pg = n.sum(axis=1, keepdims=True), n.sum(axis=0, keepdims=True)
    m_hand = float((n * np.log(n / (pu * pg))).sum())
    e = -float((pg * np.log(pg)).sum())
    assert seg.loc[("H-2A", 2021, "M"), "est"] == pytest.approx(m_hand, rel=1e-12)
    assert seg.loc[("H-2A", 2021, "H"), "est"] == pytest.approx(m_hand / e, rel=1e-12)
    assert ("H-2B", 2021, "M") not in seg.index, "one occupation: no segregation to measure"


def test_interval_reflects_the_benchmark_error_only():
    exact = BENCH.assign(women_share_se=0.0)
    seg = trends.yearly_segregation(CASES, exact, n_bootstrap=20, seed=1)
    plain = trends.yearly_segregation(CASES, exact, se=False)
    assert np.allclose(seg["ci_low"], seg["est"]) and np.allclose(seg["ci_high"], seg["est"])
    assert np.allclose(seg["est"], plain["est"]) and np.allclose(seg["bias"], 0)
    noisy = trends.yearly_segregation(CASES, BENCH.assign(women_share_se=0.05), n_bootstrap=200, seed=1)
    assert (noisy["ci_low"] < noisy["est"]).all() and (noisy["est"] < noisy["ci_high"]).all()
    again = trends.yearly_segregation(CASES, BENCH.assign(women_share_se=0.05), n_bootstrap=200, seed=1)
    pd.testing.assert_frame_equal(noisy, again)
    with pytest.raises(ValueError, match="n_bootstrap must be at least 2"):
        trends.yearly_segregation(CASES, BENCH, n_bootstrap=1)
    with pytest.raises(ValueError, match=r"by must be drawn from .*'employer_name'"):
        trends.yearly_positions(CASES, BENCH, by="employer_name")


def test_segregation_change_components_add_up():
    ch = trends.segregation_change(CASES, BENCH).set_index(["program", "stat"])["est"]
    a = ch.loc["H-2A"]
    parts = a[["additions", "removals", "group_marginal", "unit_marginal", "structural"]].sum()
    assert a["diff"] == pytest.approx(a["M2"] - a["M1"]) and parts == pytest.approx(a["diff"], abs=1e-10)
    assert a["additions"] != 0 and a["removals"] != 0  # 37-3011 only in 2021, 45-2041 only in 2020
    assert "H-2B" not in ch.index.get_level_values(0), "H-2B has one year only"
    seg = trends.yearly_segregation(CASES, BENCH, se=False).set_index(["program", "fiscal_year", "stat"])["est"]
    assert a["M1"] == pytest.approx(seg[("H-2A", 2020, "M")]) and a["M2"] == pytest.approx(seg[("H-2A", 2021, "M")])


# ------------------------------------------------------------------------------ real shared files
@pytest.fixture(scope="module")
def h2a_range(dol_dir):
    names = ["H2A_FY2013.xls", "H-2A_FY14_Q4.xlsx", "H-2A_Disclosure_Data_FY15_Q4.xlsx", "H-2A_Disclosure_Data_FY17.xlsx"]
    return store.deduplicate_cases(pd.concat([dol.read_disclosure(dol_dir / n) for n in names], ignore_index=True))


@pytest.mark.realdata
def test_real_h2a_fy2013_2017(h2a_range):
    bench = occupation_shares.women_share_by_soc()
    cov = coverage.coverage_table(h2a_range)
    t = trends.yearly_positions(h2a_range, bench, coverage=cov).set_index("fiscal_year")
    assert sorted(t.index) == [2013, 2014, 2015, 2017], "FY2016 is not in the shared files: absent, not zero"
    once = h2a_range[~h2a_range["is_duplicate"].fillna(False).astype(bool)]
    assert t["positions"].to_dict() == once.groupby("fiscal_year")["workers_certified"].sum().astype(int).to_dict()
    assert t.loc[2013, "covered"] == 0 and math.isnan(t.loc[2013, "expected_share"]), "FY2013 has no SOC codes"
    assert not t["partial"].any()
    for y in (2014, 2015, 2017):
        assert 0 < t.loc[y, "expected_share"] < 0.5 and 0 <= t.loc[y, "share_ge_50"] <= t.loc[y, "share_ge_25"] <= 1
    ch = trends.segregation_change(h2a_range, bench).set_index("stat")["est"]
    assert ch["diff"] == pytest.approx(ch["M2"] - ch["M1"])
    plain = trends.yearly_segregation(h2a_range, bench, se=False).set_index(["fiscal_year", "stat"])
    assert ch["M1"] == pytest.approx(plain.loc[(2014, "M"), "est"]) and ch["M2"] == pytest.approx(plain.loc[(2017, "M"), "est"])
    seg = trends.yearly_segregation(h2a_range, bench, n_bootstrap=20, seed=2).set_index(["fiscal_year", "stat"])
    assert (seg["ci_low"] <= seg["est"] + 1e-12).all() and (seg["est"] <= seg["ci_high"] + 1e-12).all()
    # benchmark noise biases M upward (a known property of M on noisy shares): corrected est is lower
    assert (seg["bias"] > 0).all() and (seg["est"] < plain["est"]).all()
    per_state = trends.yearly_positions(h2a_range, bench, by=["program", "worksite_state"])
    assert per_state.groupby("fiscal_year")["positions"].sum().to_dict() == t["positions"].to_dict()


@pytest.mark.realdata
def test_real_h2b_full_and_partial_year(dol_dir):
    cases = pd.concat([dol.read_disclosure(dol_dir / n) for n in
                       ("H-2B_Disclosure_Data_FY17.xlsx", "H2B_Disclosure_Data_FY2021_Q1.xlsx")], ignore_index=True)
    cov = coverage.coverage_table(cases)
    t = trends.yearly_positions(cases, occupation_shares.women_share_by_soc(), coverage=cov).set_index("fiscal_year")
    assert t["partial"].to_dict() == {2017: False, 2021: True} and t.loc[2021, "months"] == 3
    # the direct mutual_difference on the same tables gives the same change
    ch = trends.segregation_change(cases, occupation_shares.women_share_by_soc(), coverage=cov).set_index("stat")["est"]
    assert ch.index.tolist()[:3] == ["M1", "M2", "diff"] and ch["diff"] == pytest.approx(ch["M2"] - ch["M1"])



def test_dataset_coverage_of_synthetic_data_has_whole_years():
    from toolkit import dataset

    bench = occupation_shares.women_share_by_soc(2022)
    ds = dataset.load(dataset.Request.build(data="synthetic", program="H-2B", fy="2019-2020"))
    t = trends.yearly_positions(ds.cases, bench, coverage=ds.coverage)
    assert t["release"].tolist() == ["synthetic"] * 2 and not t["partial"].any() and t["months"].isna().all()
    ch = trends.segregation_change(ds.cases, bench, coverage=ds.coverage)
    assert not ch["last_partial"].any()
    with pytest.raises(ValueError, match="coverage needs source_file"):
        trends.yearly_positions(ds.cases, bench, coverage=ds.coverage.assign(release="Q1"))


@pytest.mark.realdata
def test_dataset_coverage_of_the_store_marks_the_partial_year(tmp_path, dol_dir):
    from toolkit import dataset

    name = "H2B_Disclosure_Data_FY2021_Q1.xlsx"
    store.write_cases(dol.read_disclosure(dol_dir / name), source_sha256=dol.sha256_file(dol_dir / name),
                      source_file=name, root=tmp_path / "store")
    ds = dataset.load(dataset.Request.build(data="store", program="H-2B", fy=2021, data_dir=tmp_path))
    t = trends.yearly_positions(ds.cases, occupation_shares.women_share_by_soc(2022), coverage=ds.coverage)
    assert t[["release", "partial", "months"]].values.tolist() == [["Q1", True, 3]]


def test_segregation_is_never_reported_below_zero():
    """Two occupations with the same women's share: M = H = 0 exactly, and every bootstrap
    replicate (shares drawn with their standard errors) sits above 0, so the bias-corrected value
    est - bias is negative. M and H cannot be negative: the estimate and its interval stay at 0."""
    cases = pd.DataFrame({"program": "H-2A", "fiscal_year": 2020, "soc_code": ["45-2092", "45-2041"],
                          "workers_certified": [100, 100], "is_duplicate": False})
    bench = pd.DataFrame({"soc_code": ["45-2092", "45-2041"], "women_share": [0.3, 0.3],
                          "women_share_se": [0.05, 0.05]})
    seg = trends.yearly_segregation(cases, bench, n_bootstrap=50, seed=1).set_index("stat")
    assert seg.loc["H", "bias"] > 0, "the replicates sit above the estimate (the case the bound is for)"
    for stat in ("M", "H"):
        assert seg.loc[stat, "est"] == 0 and seg.loc[stat, "ci_low"] == 0 and seg.loc[stat, "ci_high"] >= 0
    assert seg.loc["H", "ci_high"] <= 1
