"""toolkit.synth: determinism, shape, consistency with the schema, and recovery of planted effects.

Recovery uses estimators independent of the toolkit's own (statsmodels), so a generator that
failed to plant an effect, or planted the wrong one, fails here."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import special
from statsmodels.stats.contingency_tables import StratifiedTable

from toolkit import schema, synth


@pytest.fixture(scope="module")
def data():
    return synth.generate(seed=7)


def _admitted(d):
    return d.workers[d.workers["selected"].astype(bool)]


def test_same_seed_same_tables_other_seed_differs():
    a, b, c = synth.generate(3, scale=0.2), synth.generate(3, scale=0.2), synth.generate(4, scale=0.2)
    pd.testing.assert_frame_equal(a.cases, b.cases)
    pd.testing.assert_frame_equal(a.workers, b.workers)
    assert not a.workers["sex"].equals(c.workers["sex"]) or not a.cases["case_number"].equals(c.cases["case_number"])


def test_schema_labels_and_sizes(data):
    assert list(data.cases.columns[: len(schema.CASE_COLUMNS)]) == list(schema.CASE_COLUMNS)
    assert list(data.workers.columns) == list(schema.WORKER_COLUMNS)
    for df in (data.cases, data.workers):
        assert schema.is_synthetic(df) and df.attrs["truth"] is data.truth
    assert 2000 <= len(data.cases) <= 5000
    assert 20_000 <= len(data.workers) <= 300_000
    assert data.cases["case_number"].is_unique
    assert set(data.workers["sex"].dropna()) <= set(schema.SEX_CODES)
    assert set(data.workers["stage"]) == {"applied", "admitted"}
    assert (data.cases["workers_certified"] <= data.cases["workers_requested"]).all()
    assert data.cases["case_status"].isin(schema.CASE_STATUSES).all()
    # H-2A dominated by crop farmworkers
    h2a = data.cases[data.cases["program"] == "H-2A"]
    top = h2a.groupby("soc_code")["workers_certified"].sum().idxmax()
    assert top == "45-2092"


def test_admitted_workers_match_certified_positions(data):
    adm = _admitted(data).groupby("case_number").size()
    certified = data.cases.set_index("case_number")["workers_certified"]
    pd.testing.assert_series_equal(adm.reindex(certified.index, fill_value=0).astype("Int64"),
                                   certified, check_names=False)
    assert _admitted(data)["wage_hourly"].notna().all()
    assert data.workers.loc[~data.workers["selected"].astype(bool), "wage_hourly"].isna().all()


def test_program_women_share_recovered(data):
    share = _admitted(data).groupby("program")["sex"].apply(lambda s: (s == "F").mean())
    for program, target in data.truth["women_share"].items():
        assert share[program] == pytest.approx(target, rel=0.15), (program, share[program], target)


def test_selection_odds_ratio_recovered_by_mantel_haenszel(data):
    # Mantel-Haenszel common odds ratio with cases as strata (statsmodels, independent of toolkit).
    w = data.workers
    tables = []
    for _, g in w.groupby("case_number"):
        f, s = (g["sex"] == "F").to_numpy(), g["selected"].astype(bool).to_numpy()
        t = np.array([[np.sum(f & s), np.sum(f & ~s)], [np.sum(~f & s), np.sum(~f & ~s)]], float)
        if t[0].sum() > 0 and t[1].sum() > 0:
            tables.append(t)
    est = StratifiedTable(tables).oddsratio_pooled
    assert est == pytest.approx(data.truth["selection_odds_ratio"], rel=0.25)


def test_no_selection_effect_gives_ratio_near_one():
    d = synth.generate(seed=1, params={"selection_odds_ratio": 1.0}, programs=("H-2B",))
    tables = []
    for _, g in d.workers.groupby("case_number"):
        f, s = (g["sex"] == "F").to_numpy(), g["selected"].astype(bool).to_numpy()
        t = np.array([[np.sum(f & s), np.sum(f & ~s)], [np.sum(~f & s), np.sum(~f & ~s)]], float)
        if t[0].sum() > 0 and t[1].sum() > 0:
            tables.append(t)
    assert StratifiedTable(tables).oddsratio_pooled == pytest.approx(1.0, abs=0.2)


@pytest.mark.parametrize("penalty", [-0.05, 0.0])
def test_wage_penalty_recovered_by_ols(penalty):
    d = synth.generate(seed=2, params={"wage_penalty_log": penalty}, programs=("H-2B",))
    adm = _admitted(d).assign(log_w=lambda x: np.log(x["wage_hourly"].astype(float)),
                              female=lambda x: (x["sex"] == "F").astype(float))
    # case fixed effects by the within transformation (the offered wage is a case attribute)
    within = adm[["log_w", "female"]] - adm.groupby("case_number")[["log_w", "female"]].transform("mean")
    fit = smf.ols("log_w ~ female - 1", data=within).fit()
    assert fit.params["female"] == pytest.approx(penalty, abs=3 * fit.bse["female"] + 0.002)


def test_channelling_planted_by_soc(data):
    # women's applicant log odds by SOC minus the benchmark log odds, centred on the program
    # intercept, recovers the planted channelling (applicants, recruiter exclusion aside).
    truth = data.truth
    apps = data.workers[~data.workers["recruiter"].isin(list(truth["recruiter_exclusion"]))]
    h2b = apps[apps["program"] == "H-2B"]
    share = h2b.groupby("soc_code")["sex"].apply(lambda s: (s == "F").mean())
    logit = special.logit(share) - special.logit(share.index.map(truth["benchmark_shares"]).to_numpy())
    alpha = truth["program_intercepts"]["H-2B 2019"]
    got = logit - alpha
    for soc, planted in truth["channelling_log_odds"].items():
        if soc in got.index:
            assert got[soc] == pytest.approx(planted, abs=0.35), (soc, got[soc], planted)
    assert got.get("53-7062", 0) == pytest.approx(0.0, abs=0.35)


def test_recruiter_exclusion_planted(data):
    excl = list(data.truth["recruiter_exclusion"])
    apps = data.workers[data.workers["program"] == "H-2B"]
    y = (apps["sex"] == "F").astype(float).to_numpy()
    x = pd.get_dummies(apps["soc_code"].astype(str), drop_first=False, dtype=float)
    x["excluded"] = apps["recruiter"].isin(excl).astype(float).to_numpy()
    fit = sm.GLM(y, x, family=sm.families.Binomial()).fit()
    assert np.exp(fit.params["excluded"]) == pytest.approx(0.1, abs=0.08)


def test_planted_sex_preferences_are_in_requirements(data):
    planted = data.cases[data.cases["case_number"].isin(data.truth["sex_preference_cases"])]
    assert len(planted) > 10
    assert planted["requirements_text"].str.contains(
        "only|preferred|Se requieren hombres|mujeres|Mujeres|Solo hombres|Must be a man", regex=True).all()


def test_bad_parameters_raise():
    with pytest.raises(ValueError, match="unknown synthetic parameter 'womens_share'"):
        synth.generate(params={"womens_share": 0.1})
    with pytest.raises(ValueError, match="unknown program"):
        synth.generate(programs=("H-1B",))


def test_describe_in_both_languages(data):
    assert "Synthetic demonstration data" in synth.describe(data.truth)
    assert "Datos sintéticos de demostración" in synth.describe(data.truth, "es")


def test_appendix_c_has_dol_shape_for_fy2020_h2b_only_and_leaves_generate_unchanged():
    from toolkit.dol_layouts import COMPANION_LAYOUTS

    before = synth.generate(seed=5, fiscal_years=(2019, 2020), scale=0.05)
    rec = synth.appendix_c(before.cases)
    h2b = before.cases[(before.cases["program"] == "H-2B") & (before.cases["fiscal_year"] >= 2020)]
    assert set(rec.columns) == set(COMPANION_LAYOUTS["recruiters"]["columns"]), "as dol.read_recruiters reads it"
    assert len(rec) == len(h2b) > 0 and set(rec["case_number"]) == set(h2b["case_number"])
    assert rec["recruiter_name"].tolist() == h2b["recruiter"].tolist()
    assert set(rec["recruiter_country"]) <= {"MEXICO", "GUATEMALA", "JAMAICA", "SOUTH AFRICA"}
    assert rec["recruiter_city"].isna().all() and schema.is_synthetic(rec)
    after = synth.generate(seed=5, fiscal_years=(2019, 2020), scale=0.05)
    pd.testing.assert_frame_equal(before.cases, after.cases)  # no random draw taken
    assert synth.appendix_c(before.cases[before.cases["fiscal_year"] < 2020]).empty, "no Appendix C before FY2020"
    with pytest.raises(KeyError, match="recruiter"):
        synth.appendix_c(before.cases.drop(columns="recruiter"))
