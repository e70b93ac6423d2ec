"""Release coverage (toolkit.coverage): months per program-year from the file name, the catalog and
the decision dates; caveats for partial years in both languages."""
from __future__ import annotations

import doctest

import pandas as pd
import pytest

from toolkit import coverage, dol, releases


def _cases(files_years, dates=None):
    rows = []
    for i, (program, fy, name) in enumerate(files_years):
        rows.append({"program": program, "fiscal_year": fy, "source_file": name,
                     "decision_date": pd.Timestamp(dates[i]) if dates else pd.NaT})
    return pd.DataFrame(rows)


def test_doctests():
    assert doctest.testmod(coverage).failed == 0
    assert doctest.testmod(releases).failed == 0


def test_period_of_each_release_by_hand():
    # FY2022 runs October 2021 - September 2022
    assert releases.period(2022, "Q1") == ((2021, 10), (2021, 12))
    assert releases.period(2022, "Q2") == ((2021, 10), (2022, 3))
    assert releases.period(2022, "Q3") == ((2021, 10), (2022, 6))
    assert releases.period(2022, "Q4") == releases.period(2022, "full year") == ((2021, 10), (2022, 9))
    assert [releases.kind_from_name(n) for n in ("H2B_FY2021_Q1.xlsx", "H-2A_FY2020_Q3_extract.xlsx",
                                                 "H2A_FY2013.xls")] == ["cumulative", "extract", "full year"]


def test_decisions_outside_the_release_months_are_counted():
    cases = _cases([("H-2A", 2022, "H-2A_Disclosure_Data_FY2022_Q1.xlsx")] * 4,
                   ["2021-09-30", "2021-10-01", "2021-12-31", "2022-01-01"])
    cov = coverage.coverage_table(cases, catalog=pd.DataFrame())
    assert len(cov) == 1
    row = cov.iloc[0]
    assert row["decided_outside"] == 2, "one decision before October 2021 and one after December 2021"
    # the rows decide the months: October to January, a file whose name understates its content
    assert row["rows"] == 4 and row["months"] == 4 and row["partial"] and row["months_from"] == "rows"
    assert row["decided_first"] == pd.Timestamp("2021-09-30")


def test_catalog_release_conflict_is_reported_and_the_name_decides():
    catalog = pd.DataFrame([{"kind": "dol-disclosure", "file_name": "H-2B_FY2019_Q2.xlsx", "id": "x",
                             "release": "full year", "quirks": ["made up"]}])
    cov = coverage.coverage_table(_cases([("H-2B", 2019, "H-2B_FY2019_Q2.xlsx")]), catalog=catalog)
    row = cov.iloc[0]
    assert (row["release"], row["catalog_release"], row["release_conflict"]) == ("Q2", "full year", True)
    assert row["catalog_id"] == "x" and row["quirks"] == ["made up"]
    text = coverage.caveats(cov, "en")
    assert any("catalog says full year" in t for t in text)


def test_most_complete_release_governs_a_year_and_full_years_have_no_caveat():
    cases = _cases([("H-2B", 2021, "H2B_FY2021_Q1.xlsx"), ("H-2B", 2021, "H2B_FY2021_Q4.xlsx"),
                    ("H-2B", 2020, "H2B_FY2020.xlsx")])
    cov = coverage.coverage_table(cases, catalog=pd.DataFrame())
    years = coverage.year_coverage(cov)
    assert years.set_index("fiscal_year")["release"].to_dict() == {2020: "full year", 2021: "Q4"}
    assert years.set_index("fiscal_year")["files"].to_dict() == {2020: 1, 2021: 2}
    assert coverage.caveats(cov, "en") == [] and coverage.caveats(cov, "es") == []


def test_partial_next_to_full_years_warns_and_missing_years_are_named():
    cases = _cases([("H-2A", 2021, "H-2A_FY2021.xlsx"), ("H-2A", 2022, "H-2A_FY2022_Q1.xlsx")])
    cov = coverage.coverage_table(cases, catalog=pd.DataFrame())
    en = coverage.caveats(cov, "en", programs=["H-2A"], fiscal_years=range(2020, 2023))
    es = coverage.caveats(cov, "es", programs=["H-2A"], fiscal_years=range(2020, 2023))
    assert len(en) == len(es) == 3  # FY2022 partial, FY2020 missing, partial next to full
    assert "October 2021 to December 2021" in en[0] and "octubre de 2021 a diciembre de 2021" in es[0]
    assert "H-2A FY2020" in en[1] and "not counted as zero" in en[1]
    assert "H-2A FY2022" in en[2] and "año fiscal 2020" in es[1]


def test_bad_input_names_the_column_and_rows():
    with pytest.raises(KeyError, match="source_file"):
        coverage.coverage_table(pd.DataFrame({"program": ["H-2A"], "fiscal_year": [2020]}))
    bad = _cases([("H-2A", 2020, "a.xlsx")]).assign(source_file=[None])
    with pytest.raises(ValueError, match=r"rows \[0\]"):
        coverage.coverage_table(bad, catalog=pd.DataFrame())
    with pytest.raises(ValueError, match="lang must be one of"):
        coverage.caveats(coverage.coverage_table(_cases([("H-2A", 2020, "a.xlsx")]), catalog=pd.DataFrame()), "fr")


# ------------------------------------------------------------------------------ real shared files
@pytest.fixture(scope="module")
def real_cases(dol_dir):
    names = ["H-2A_Disclosure_Data_FY2022_Q1.xlsx", "H-2A_FY2020_Q3_extract.xlsx", "H-2B_Disclosure_Data_FY17.xlsx",
             "H2B_Disclosure_Data_FY2021_Q1.xlsx", "H2A_FY2013.xls", "H-2A_FY14_Q4.xlsx",
             "H-2A_Disclosure_Data_FY15_Q4.xlsx", "H-2A_Disclosure_Data_FY17.xlsx"]
    cols = ["program", "fiscal_year", "source_file", "decision_date"]
    return pd.concat([dol.read_disclosure(dol_dir / n)[cols] for n in names], ignore_index=True)


@pytest.mark.realdata
def test_real_files_coverage_with_the_catalog(real_cases):
    cov = coverage.coverage_table(real_cases).set_index("source_file")
    q1 = cov.loc["H-2A_Disclosure_Data_FY2022_Q1.xlsx"]
    # the FY2022 Q1 file holds decisions of October-December 2021 only (checked in the file)
    assert (q1["release"], q1["first_month"], q1["last_month"], q1["partial"]) == ("Q1", "2021-10", "2021-12", True)
    assert q1["decided_first"] >= pd.Timestamp("2021-10-01") and q1["decided_last"] < pd.Timestamp("2022-01-01")
    assert q1["decided_outside"] == 0 and q1["catalog_id"] == "dol-h-2a-disclosure-data-fy2022-q1"
    assert not cov["release_conflict"].any(), "catalog and file names agree on every shared file"
    ex = cov.loc["H-2A_FY2020_Q3_extract.xlsx"]
    assert (ex["kind"], ex["release"], ex["last_month"], ex["decided_outside"]) == ("extract", "Q3", "2020-06", 0)
    full = cov.loc["H-2B_Disclosure_Data_FY17.xlsx"]
    assert (full["kind"], full["partial"], full["months"]) == ("full year", False, 12)
    assert cov.loc["H-2A_FY14_Q4.xlsx", "kind"] == "cumulative" and not cov.loc["H-2A_FY14_Q4.xlsx", "partial"]


@pytest.mark.realdata
def test_real_range_fy2013_2017_names_the_missing_year(real_cases):
    h2a = real_cases[(real_cases["program"] == "H-2A") & real_cases["fiscal_year"].between(2013, 2017)]
    cov = coverage.coverage_table(h2a)
    assert coverage.missing_years(cov, ["H-2A"], range(2013, 2018)) == [("H-2A", 2016)]
    en = coverage.caveats(cov, "en", programs=["H-2A"], fiscal_years=range(2013, 2018))
    assert en == [coverage.caveats(cov, "en", programs=["H-2A"], fiscal_years=[2016])[0]]
    assert "H-2A FY2016" in en[0]


@pytest.mark.realdata
def test_real_partial_years_get_caveats_in_both_languages(real_cases):
    cov = coverage.coverage_table(real_cases)
    en, es = coverage.caveats(cov, "en"), coverage.caveats(cov, "es")
    assert len(en) == len(es)
    joined = " ".join(en)
    for text in ("H-2A FY2022", "H-2B FY2021", "H-2A FY2020", "an extract archived by a third party",
                 "not compared with full years"):
        assert text in joined
    assert "H-2B FY2017" not in joined and "FY2013" not in joined
    assert "de octubre de 2020 a diciembre de 2020" in " ".join(es)


def test_a_year_whose_decisions_stop_in_march_is_partial_whatever_its_name():
    # decisions from 2 October 2017 to 30 March 2018 in a file named as a whole year (issue 23)
    cases = _cases([("H-2A", 2018, "H-2A_FY2018.xlsx")] * 3 + [("H-2A", 2017, "H-2A_FY17.xlsx")] * 2,
                   ["2017-10-02", "2018-01-15", "2018-03-30", "2016-10-03", "2017-09-29"])
    cov = coverage.coverage_table(cases, catalog=pd.DataFrame()).set_index("fiscal_year")
    assert cov.loc[2018, ["release", "partial", "partial_by_rows", "months", "first_month", "last_month",
                          "months_from"]].tolist() == ["full year", True, True, 6, "2017-10", "2018-03", "rows"]
    assert cov.loc[2017, ["partial", "months", "months_from"]].tolist() == [False, 12, "rows"]
    en, es = coverage.caveats(cov.reset_index(), "en"), coverage.caveats(cov.reset_index(), "es")
    assert en[0] == ("H-2A FY2018: the decisions in H-2A_FY2018.xlsx run from October 2017 to March 2018 only "
                     "(6 of the 12 months of the fiscal year), although its name says full year; its counts are "
                     "not those of a whole year.")
    assert es[0].startswith("H-2A año fiscal 2018: las decisiones de H-2A_FY2018.xlsx van solo de octubre de 2017 "
                            "a marzo de 2018 (6 de los 12 meses")
    assert "H-2A FY2018" in en[-1]  # partial beside whole years: not comparable
    assert coverage.coverage_label(cov.loc[2018], "en") == "full year release: October 2017 to March 2018"
    assert coverage.coverage_label(cov.loc[2017], "en") == "full year: October 2016 to September 2017"


def test_a_name_that_disagrees_with_the_rows_is_reported():
    cases = _cases([("H-2B", 2018, "H-2A_FY2019.xlsx")], ["2018-09-28"])
    cov = coverage.coverage_table(cases, catalog=pd.DataFrame())
    assert cov.loc[0, ["name_program", "name_fiscal_year", "name_conflict"]].tolist() == ["H-2A", 2019, True]
    assert ("H-2B FY2018: the name of H-2A_FY2019.xlsx says H-2A FY2019, but its rows (visa class, case numbers, "
            "decision dates) say H-2B FY2018; the rows decide.") in coverage.caveats(cov, "en")
