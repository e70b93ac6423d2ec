"""Recruiters (toolkit.recruiters): Appendix C linked to cases and employers; worker-record recruiters."""
from __future__ import annotations

import doctest

import pandas as pd
import pytest

from toolkit import occupation_shares, dol, employers, recruiters

CASES = pd.DataFrame({"case_number": ["A", "B", "C"], "employer_name": ["Pine Co LLC", "Crab Inc", "Crab Inc"],
                      "employer_state": ["MD", "MD", "MD"], "soc_code": ["37-3011", "51-3022", "51-3022"],
                      "soc_title": ["Landscaping", "Meat trimmers", "Meat trimmers"],
                      "workers_certified": [20, 30, 12], "is_duplicate": [False, False, False]})
REC = pd.DataFrame({"case_number": ["A", "B", "C", "C", "Z", "B"],
                    "recruiter_name": ["Agencia X, S.C.", "AGENCIA X SC", "Agencia X", "Rec Guate", "Agencia X", None],
                    "recruiter_city": ["monterrey", "Monterrey", "Monterrey", "Antigua", "Monterrey", "x"],
                    "recruiter_province": ["NL", "NL", "NL", None, "NL", None],
                    "recruiter_country": ["MEXICO", "MEXICO", "MEXICO", "GUATEMALA", "MEXICO", "MEXICO"]})
BENCH = pd.DataFrame({"soc_code": ["37-3011", "51-3022"], "women_share": [0.1, 0.5]})


def test_doctests():
    assert doctest.testmod(recruiters).failed == 0


def test_links_keep_every_named_row_and_say_which_cases_are_absent():
    res = recruiters.links(CASES, REC)
    lk = res.table
    assert res.unnamed_rows == 1
    assert len(lk) == 5 and lk.loc[lk["case_number"] == "Z", "in_cases"].tolist() == [False]
    assert lk.loc[lk["case_number"] == "Z", "positions"].tolist() == [0]
    assert set(lk["recruiter_id"]) == {"R:AGENCIA X", "R:REC GUATE"}
    assert not [c for c in lk.columns if "first" in c or "last" in c or "mail" in c or "phone" in c]


def test_summary_by_hand():
    ids = employers.match_employers(CASES).ids
    s = recruiters.summary(CASES, REC, benchmark=BENCH, employer_ids=ids).table.set_index("recruiter_id")
    x = s.loc["R:AGENCIA X"]
    assert (x["cases"], x["shared_cases"], x["employers"], x["positions"]) == (4, 1, 2, 62)
    assert x["expected_women"] == pytest.approx(20 * 0.1 + 30 * 0.5 + 12 * 0.5)
    assert x["expected_share"] == pytest.approx(23 / 62)
    assert x["locations"] == "Monterrey, NL" and x["occupations"] == "37-3011; 51-3022"
    assert x["recruiter_name"] in {"Agencia X, S.C.", "AGENCIA X SC", "Agencia X"} and x["source"] == "appendix_c"
    g = s.loc["R:REC GUATE"]
    assert (g["positions"], g["locations"], g["expected_women"]) == (12, "Antigua", pytest.approx(6.0))
    assert pd.isna(x["workers"]), "no worker records: nothing measured"


def test_worker_records_join_the_same_table():
    workers = pd.DataFrame({"recruiter": ["Agencia X", "Agencia X", "Agencia X", "Otra Agencia", None],
                            "sex": ["F", "M", "M", "F", "F"]})
    s = recruiters.summary(CASES, REC, benchmark=BENCH, workers=workers).table.set_index("recruiter_id")
    assert s.loc["R:AGENCIA X", ["workers", "women", "source"]].tolist() == [3, 1, "both"]
    other = s.loc["R:OTRA AGENCIA"]
    assert (other["workers"], other["women"], other["source"], other["positions"]) == (1, 1, "worker_records", 0)
    only = recruiters.summary(CASES, None, workers=workers).table
    assert set(only["source"]) == {"worker_records"} and only["workers"].sum() == 4
    twice = pd.concat([REC, REC.assign(recruiter_country="GUATEMALA")], ignore_index=True)
    res = recruiters.summary(CASES, twice, workers=workers)
    both = res.table.set_index("recruiter_id")
    assert both.loc["R:AGENCIA X", "recruiter_country"] == "GUATEMALA; MEXICO", "one recruiter, its countries listed"
    assert both.loc["R:AGENCIA X", "workers"] == 3 and res.ambiguous_worker_names == 0


def test_missing_columns_are_named():
    with pytest.raises(KeyError, match="recruiter_country"):
        recruiters.recruiter_ids(REC.drop(columns="recruiter_country"))


@pytest.mark.realdata
def test_real_h2b_fy2021_q1_appendix_c(dol_dir):
    cases = dol.read_disclosure(dol_dir / "H2B_Disclosure_Data_FY2021_Q1.xlsx")
    rec = dol.read_recruiters(dol_dir / "H2B_Appendix_C_FY2021_Q1.xlsx")
    res = recruiters.links(cases, rec)
    lk = res.table
    # Appendix C repeats a recruiter once per recruiter person; links keep one row per recruiter x case
    named = recruiters.recruiter_ids(rec).notna()  # a blank or placeholder name ("N/A") is no recruiter
    assert res.unnamed_rows == (~named).sum() >= rec["recruiter_name"].isna().sum()
    assert set(lk["case_number"]) == set(rec.loc[named, "case_number"]), "no case lost"
    assert len(lk) <= len(rec.drop_duplicates(["case_number", "recruiter_name", "recruiter_country"]))
    assert lk["in_cases"].mean() > 0.9, "Appendix C of the same release links to its cases"
    s = recruiters.summary(cases, rec, benchmark=occupation_shares.women_share_by_soc(),
                           employer_ids=employers.match_employers(cases).ids).table
    assert s["recruiter_id"].is_unique and len(s) == lk["recruiter_id"].nunique()
    assert s["recruiter_country"].str.contains("MEXICO", case=False).any()
    linked_cases = lk.loc[lk["in_cases"], "case_number"].unique()
    # each recruiter is credited with its cases' positions: at least the largest case it recruits for
    assert s["positions"].max() <= cases.loc[cases["case_number"].isin(linked_cases), "workers_certified"].sum()
    assert (s["expected_share"].dropna().between(0, 1)).all()
