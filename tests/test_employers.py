"""Employers across years (toolkit.employers): the matching rule, ambiguous merges, profiles."""
from __future__ import annotations

import doctest

import pandas as pd
import pytest

from toolkit import dol, employers, store, recruiters


def _cases(**cols):
    n = len(next(iter(cols.values())))
    base = {"program": ["H-2A"] * n, "fiscal_year": [2020] * n, "case_number": [f"C{i}" for i in range(n)],
            "employer_state": ["GA"] * n, "is_duplicate": [False] * n, "workers_certified": [10] * n,
            "wage_hourly": [12.0] * n, "worksite_city": ["Tifton"] * n, "worksite_state": ["GA"] * n,
            "agent_name": [None] * n, "soc_code": ["45-2092"] * n, "soc_title": ["Farmworkers"] * n}
    return pd.DataFrame({**base, **cols})


def test_doctests():
    assert doctest.testmod(employers).failed == 0


@pytest.mark.parametrize("raw, key", [
    ("Smith Farms, L.L.C.", "SMITH FARMS"), ("SMITH FARMS LLC", "SMITH FARMS"), ("The Smith Farms Inc.", "SMITH FARMS"),
    ("Smith Farms Co., Inc.", "SMITH FARMS"), ("José Núñez & Sons", "JOSE NUNEZ AND SONS"),
    ("U.S.A. Berry Co", "USA BERRY"), ("Company Farms LLC", "COMPANY FARMS"), ("  ", None), ("Inc.", None),
    ("Agencia X, S.C.", "AGENCIA X"), ("Reclutadora Y S.A. de C.V.", "RECLUTADORA Y"), ("A & M Clapp Farms", "A AND M CLAPP FARMS"),
    ("J. L. Smith", "J L SMITH"),
])
def test_normalize_name(raw, key):
    got = employers.normalize_name(pd.Series([raw])).iloc[0]
    assert (pd.isna(got) and key is None) or got == key


def test_fein_first_then_name_and_state_and_nothing_guessed():
    cases = _cases(employer_name=["Smith Farms LLC", "SMITH FARMS", "Smith Farms", "Jones Farm", "Jones Farm",
                                  "Jones Farm", "Jones Farm", None],
                   employer_fein=["12-3456789", None, None, "111111111", "222222222", None, None, None],
                   employer_state=["GA", "GA", "FL", "GA", "GA", "GA", "AL", "GA"])
    m = employers.match_employers(cases)
    assert m.ids.tolist()[:3] == ["F:123456789", "F:123456789", "N:SMITH FARMS|FL"]  # one FEIN -> joined
    assert m.ids.tolist()[3:7] == ["F:111111111", "F:222222222", "N:JONES FARM|GA", "N:JONES FARM|AL"]
    assert pd.isna(m.ids.iloc[7]), "a case naming no employer gets no identity"
    kinds = m.ambiguous.groupby("kind")["employer_id"].agg(list).to_dict()
    assert kinds["several_feins"] == ["F:111111111"]
    assert kinds["no_fein_several_feins"] == ["N:JONES FARM|GA"]
    assert m.identities.set_index("employer_id").loc["F:123456789", ["basis", "spellings", "cases"]].tolist() == \
        ["fein", 2, 2]


def test_similar_names_are_reported_not_merged():
    cases = _cases(employer_name=["Sunny Side Farms", "Sunny Side Farm", "Sunnyside Orchards", "Sunny Side Farm"],
                   employer_state=["KY", "KY", "KY", "TN"])
    m = employers.match_employers(cases, threshold=95)
    assert m.ids.nunique() == 4
    sim = m.ambiguous[m.ambiguous["kind"] == "similar_names"]
    assert sim[["employer_id", "other_id"]].values.tolist() == [["N:SUNNY SIDE FARMS|KY", "N:SUNNY SIDE FARM|KY"]]
    assert (sim["score"] >= 95).all()
    other = m.ambiguous[m.ambiguous["kind"] == "same_name_other_states"]
    assert other[["employer_id", "other_id"]].values.tolist() == [["N:SUNNY SIDE FARM|KY", "N:SUNNY SIDE FARM|TN"]]
    with pytest.raises(ValueError, match="threshold must be a similarity between 0 and 100, got 120"):
        employers.match_employers(cases, threshold=120)
    with pytest.raises(KeyError, match="employer_state"):
        employers.match_employers(cases.drop(columns="employer_state"))


def test_profiles_by_hand():
    cases = _cases(employer_name=["Smith Farms LLC", "SMITH FARMS", "Smith Farms LLC", "Jones Farm"],
                   fiscal_year=[2018, 2020, 2020, 2020], workers_certified=[10, 20, 5, 7],
                   is_duplicate=[False, False, True, False], wage_hourly=[10.0, 12.0, None, 11.0],
                   agent_name=["Law Firm A", "Law Firm B", None, None], soc_code=["45-2092", "45-2092", "45-2092", None])
    worksites = pd.DataFrame({"case_number": ["C1", "C1", "C9"], "worksite_city": ["Moultrie", "TIFTON", "X"],
                              "worksite_state": ["GA", "GA", "GA"]})
    housing = pd.DataFrame({"case_number": ["C0", "C1"], "units": [2, 3], "occupancy": [10, 12]})
    recruiters = pd.DataFrame({"case_number": ["C1", "C3"], "recruiter_name": ["Rec MX", "Rec GT"],
                               "recruiter_country": ["Mexico", "Guatemala"]})
    m = employers.match_employers(cases)
    p = employers.profiles(cases, m, worksites=worksites, housing=housing, recruiters=recruiters).set_index("employer_id")
    s = p.loc["N:SMITH FARMS|GA"]
    assert (s["years"], s["first_year"], s["last_year"], s["n_years"], s["cases"]) == ("2018; 2020", 2018, 2020, 2, 3)
    assert s["positions"] == 30, "the sub-application row (5) is not counted again"
    assert (s["wage_hourly_median"], s["wage_hourly_min"], s["wage_hourly_max"]) == (11.0, 10.0, 12.0)
    assert s["worksites"] == 2 and s["worksite_states"] == "GA", "Tifton (cases and Addendum B) and Moultrie"
    assert (s["housing_sites"], s["housing_units"], s["housing_occupancy"]) == (2, 5, 22)
    assert s["agents"] == "Law Firm A; Law Firm B" and s["recruiters"] == "Rec MX"
    assert p.loc["N:JONES FARM|GA", "recruiter_countries"] == "Guatemala"
    assert p.index.tolist() == ["N:SMITH FARMS|GA", "N:JONES FARM|GA"], "largest first"
    assert not [c for c in p.columns if any(w in c.lower() for w in ("poc", "mail", "phone", "contact"))]
    occ = employers.occupations(cases, m, pd.DataFrame({"soc_code": ["45-2092"], "women_share": [0.25]}))
    assert occ["positions"].sum() == 37 and occ["soc_code"].isna().sum() == 1, "no SOC code: kept as a row"
    assert occ.dropna(subset=["soc_code"])["expected_women"].sum() == pytest.approx(30 * 0.25)


# ------------------------------------------------------------------------------ real shared files
@pytest.mark.realdata
def test_real_h2a_fy2013_2017_one_identity_across_years(dol_dir):
    names = ["H2A_FY2013.xls", "H-2A_FY14_Q4.xlsx", "H-2A_Disclosure_Data_FY15_Q4.xlsx", "H-2A_Disclosure_Data_FY17.xlsx"]
    cases = store.deduplicate_cases(pd.concat([dol.read_disclosure(dol_dir / n) for n in names], ignore_index=True))
    m = employers.match_employers(cases)
    p = employers.profiles(cases, m)
    named = cases[cases["employer_name"].notna() & ~cases["is_duplicate"].fillna(False).astype(bool)]
    assert p["positions"].sum() == named["workers_certified"].sum(), "every named position is in a profile"
    assert m.ids.isna().sum() == cases["employer_name"].isna().sum()
    assert (p["n_years"] == 4).sum() > 100, "many employers are active in all four shared years"
    assert set(p["first_year"].dropna()) <= {2013, 2014, 2015, 2017}
    assert set(m.ambiguous["kind"]) <= set(employers.AMBIGUITY_KINDS)
    sim = m.ambiguous[m.ambiguous["kind"] == "similar_names"]
    assert len(sim) and not (m.ids.isin(sim["employer_id"]) & m.ids.isin(sim["other_id"])).all()


@pytest.mark.realdata
def test_real_h2a_fy2022_q1_housing_and_worksites(dol_dir):
    cases = dol.read_disclosure(dol_dir / "H-2A_Disclosure_Data_FY2022_Q1.xlsx")
    housing = dol.read_housing(dol_dir / "H-2A_Addendum_B_Housing_FY2022_Q1.xlsx")
    sites = dol.read_worksites(dol_dir / "H-2A_Addendum_B_Employment_Record_FY2022_Q1.xlsx")
    m = employers.match_employers(cases)
    p = employers.profiles(cases, m, worksites=sites, housing=housing)
    linked = housing[housing["case_number"].isin(cases.loc[m.ids.notna(), "case_number"])]
    assert p["housing_sites"].sum() == len(linked) > 0, "every housing row of a named employer's case is counted"
    assert p["housing_occupancy"].sum() == linked["occupancy"].sum()
    assert (p["worksites"] >= 1).all()


@pytest.mark.realdata
def test_real_h2b_fy2021_q1_recruiters_in_profiles(dol_dir):
    cases = dol.read_disclosure(dol_dir / "H2B_Disclosure_Data_FY2021_Q1.xlsx")
    rec = dol.read_recruiters(dol_dir / "H2B_Appendix_C_FY2021_Q1.xlsx")
    m = employers.match_employers(cases)
    p = employers.profiles(cases, m, recruiters=rec)
    named = rec.loc[recruiters.recruiter_ids(rec).notna(), "case_number"]  # placeholders ("N/A") name no one
    served = m.ids[cases["case_number"].isin(named)].dropna().nunique()
    assert p["recruiters"].notna().sum() == served > 0
    assert p["recruiter_countries"].dropna().str.contains("MEXICO", case=False).any()
