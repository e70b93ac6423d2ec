"""toolkit.publication: every scope built once; one positions rule, one identity rule and the same
employer counts in the site, the report and ``h2gender analyze``."""
from __future__ import annotations

import html
from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit import analysis, dataset, directory, employers, publication, recruiters, site, tables_out


def _cases(rows: list[dict]) -> pd.DataFrame:
    base = {"program": "H-2B", "fiscal_year": 2020, "case_number": None, "is_certified": True, "is_duplicate": False,
            "employer_name": None, "employer_state": "TX", "employer_city": "Laredo", "agent_name": pd.NA,
            "workers_requested": 10, "workers_certified": 10, "worksite_state": "TX", "worksite_city": "Laredo",
            "soc_code": "45-2092", "soc_title": "Farmworkers", "wage_hourly": 12.0, "source_file": "t.xlsx"}
    df = pd.DataFrame([{**base, **r} for r in rows])
    return df.astype({"fiscal_year": "Int64", "workers_certified": "Int64", "wage_hourly": "Float64",
                      "is_certified": "boolean", "is_duplicate": "boolean"})


BENCH = pd.DataFrame({"soc_code": ["45-2092"], "women_share": [0.25]})


def test_one_positions_rule_leaves_out_denied_and_duplicate_cases_in_every_output():
    """A denied case (a file may still fill workers_certified) and an association's duplicate
    master row count 0 in the site's directory, the report's profiles and the analysis alike."""
    cases = _cases([{"case_number": "A", "employer_name": "Crab Co", "workers_certified": 20},
                    {"case_number": "B", "employer_name": "Crab Co", "workers_certified": 5, "is_certified": False},
                    {"case_number": "C", "employer_name": "Crab Co", "workers_certified": 20, "is_duplicate": True},
                    {"case_number": "D", "employer_name": "Crab Co", "workers_certified": 7, "is_certified": pd.NA}])
    assert analysis.case_positions(cases).tolist() == [20, 0, 0, 7]
    match = employers.match_employers(cases)
    site_rows = directory.employer_profiles(cases, benchmark=BENCH).employers
    report_rows = employers.profiles(cases, match)
    assert site_rows["positions_certified"].tolist() == report_rows["positions"].tolist() == [27]
    assert analysis.certified_positions(cases, ["program"]).table["positions"].tolist() == [27]
    assert recruiters.links(cases, pd.DataFrame({"case_number": ["B", "C"], "recruiter_name": ["R", "R"],
                                                 "recruiter_country": "MEXICO"})).table["positions"].tolist() == [0, 0]


_PLACEHOLDER = st.sampled_from(["N/A", "n/a", "NA", "N.A.", "NONE", "None", "-", "--", "", "   ", ".", "/",
                                "NOT APPLICABLE", "Not Applicable", "not  applicable", "NULL", "(none)", "N / A"])
_NAME = st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]), min_size=0, max_size=24)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(placeholder=_PLACEHOLDER, name=_NAME)
def test_placeholders_are_never_an_entity_and_every_name_keys_cleanly(placeholder, name):
    keys = employers.normalize_name(pd.Series([placeholder, name]))
    assert pd.isna(keys[0]), f"{placeholder!r} named an employer or recruiter"
    if pd.notna(keys[1]):  # a key is upper-case words without the punctuation that varies between files
        assert keys[1] == keys[1].strip() and keys[1] == keys[1].upper() and "  " not in keys[1]
    rec = pd.DataFrame({"case_number": ["A", "A"], "recruiter_name": [placeholder, name],
                        "recruiter_country": ["MEXICO", "GUATEMALA"]})
    assert recruiters.recruiter_ids(rec).isna()[0]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.one_of(_PLACEHOLDER, _NAME), min_size=1, max_size=6))
def test_directories_and_search_index_take_any_names(names, tmp_path_factory):
    """Issue 23 item 5: an employer named "N/A" stopped the site with a KeyError. Any names, spelled
    any way, give directories without placeholders, one row per identity, and a search index."""
    cases = _cases([{"case_number": f"C{i}", "employer_name": n} for i, n in enumerate(names)])
    rec = pd.DataFrame({"case_number": [f"C{i}" for i in range(len(names))], "recruiter_name": names,
                        "recruiter_country": [("MEXICO", "GUATEMALA")[i % 2] for i in range(len(names))]})
    pages = site.build_pages(cases, recruiters=rec, benchmark=BENCH)
    keys = employers.normalize_name(pd.Series(names))
    for table in (pages.employers.employers, pages.recruiters.recruiters):
        assert not employers.normalize_name(table["name"]).isna().any(), "a placeholder is listed"
    assert len(pages.employers.employers) == keys.dropna().str.replace(" ", "").nunique()
    assert len(pages.recruiters.recruiters) == keys.dropna().str.replace(" ", "").nunique()
    index = site.search_index(site.entity_table(pages.employers, pages.recruiters))
    assert len(index["rows"]) == len(pages.employers.employers) + len(pages.recruiters.recruiters)


def test_an_employer_named_na_writes_a_site(tmp_path):
    cases = _cases([{"case_number": "A", "employer_name": "N/A"}, {"case_number": "B", "employer_name": "Crab Co"},
                    {"case_number": "C", "employer_name": "Crab Co."}, {"case_number": "D", "employer_name": "-"}])
    rec = pd.DataFrame({"case_number": ["A", "B", "C"],
                        "recruiter_name": ["N/A", "Del-Al Associates", "DELAL ASSOCIATES"],
                        "recruiter_country": ["MEXICO", "MEXICO", "GUATEMALA"]})
    pages = site.build_pages(cases, recruiters=rec, benchmark=BENCH)
    assert pages.employers.employers["name"].tolist() == ["Crab Co"] or len(pages.employers.employers) == 1
    assert pages.employers.accounting["rows_without_employer"] == 2
    r = pages.recruiters.recruiters
    assert len(r) == 1 and r.loc[0, "countries"] == "Guatemala, Mexico", "one recruiter across countries and spellings"
    assert pages.recruiters.accounting["rows_unnamed"] == 1
    written = site.write_site(pages, tmp_path, langs=["en"])
    text = "".join(p.read_text(encoding="utf-8") for p in written if p.suffix == ".html")
    assert ">N/A<" not in text


@pytest.fixture(scope="module")
def ga():
    request = dataset.Request.build(data="synthetic", program="H-2B", fy=2020, state="GA", lang="es,en",
                                    n_bootstrap=20)
    return dataset.load(request)


def test_a_one_state_site_builds_that_state_once_and_labels_it(ga):
    pub = publication.build(ga, kind="site", commit="abc")
    assert [s.key for s in pub.scopes] == [("H-2B", "area"), ("H-2B", "GA")]
    area, state = pub.scope("H-2B"), pub.scope("H-2B", "GA")
    assert area.evidence is state.evidence, "the area is Georgia: one evidence, built once"
    assert area.request.states == ("GA",) and "--state GA" in area.request.command("en")
    assert pub.states == ("GA",) and pub.employers is not None
    with pytest.raises(KeyError, match="no scope"):
        pub.scope("H-2A")
    with pytest.raises(ValueError, match="kind must be one of"):
        publication.build(ga, kind="book")
    with pytest.raises(ValueError, match="jobs must be a positive integer"):
        publication.build(ga, jobs=0)


def test_worker_records_stay_in_the_area_scope():
    """Published for the nation and every state at once, worker counts could be differenced
    between pages (nation minus the states that show theirs); a publication holds them once."""
    data = dataset.load(dataset.Request.build(data="synthetic", program="H-2B", fy=2020, lang="en", n_bootstrap=20))
    assert data.workers is not None and len(data.workers)
    area, ga = publication.scoped(data, "H-2B", None), publication.scoped(data, "H-2B", "GA")
    assert area.workers is not None and len(area.workers) == (data.workers["program"] == "H-2B").sum()
    assert ga.workers is None and ga.request.workers_path is None
    assert all(f.get("role") != "role_workers" for f in ga.files)
    one_state = replace(data, request=replace(data.request, states=("GA",)))
    assert publication.scoped(one_state, "H-2B", "GA").workers is not None, "a one-state request is its own area"


def test_a_scope_carries_only_its_own_programs_companions(ga):
    """Every H-2A page listed 25 of the H-2B recruiters: the scope's companions follow its cases."""
    both = dataset.load(dataset.Request.build(data="synthetic", program="all", fy=2020, lang="en"))
    h2b = both.cases.loc[both.cases["program"] == "H-2B", "case_number"].head(3).tolist()
    data = replace(both, companions={"recruiters": pd.DataFrame({"case_number": h2b, "recruiter_name": "Agencia X",
                                                                 "recruiter_country": "MEXICO"})})
    assert len(publication.scoped(data, "H-2A", None).companions["recruiters"]) == 0
    assert len(publication.scoped(data, "H-2B", None).companions["recruiters"]) == 3


@pytest.mark.realdata
def test_employer_counts_agree_between_site_report_and_analyze(tmp_path, monkeypatch, dol_dir):
    from toolkit import dol, store

    monkeypatch.setenv("H2GENDER_DATA_DIR", str(tmp_path / "data"))
    for name in ("H2B_Disclosure_Data_FY2021_Q1.xlsx",):
        path = dol_dir / name
        store.write_cases(dol.read_disclosure(path), source_sha256=dol.sha256_file(path), source_file=path.name)
    data = dataset.load(dataset.Request.build(data="store", program="H-2B", fy=2021, state="TX", lang="en"))
    site_pub = publication.build(data, kind="site")
    report_pub = publication.build(data, kind="report")
    written = tables_out.write(publication.build(data, kind="analyze"), tmp_path / "analysis", lang="en")
    shown = pd.read_csv(next(p for p in written if p.name == "employer_profiles.csv"))
    report = report_pub.scope().evidence.raw_tables["employer_profiles"].set_index("employer_id")["positions"]
    directory_rows = site_pub.employers.employers.set_index("employer_id")["positions_certified"]
    area = site_pub.scope("H-2B").evidence.raw_tables["employer_profiles"].set_index("employer_id")["positions"]
    assert len(report) == len(directory_rows) == len(shown) == len(area) > 50
    pd.testing.assert_series_equal(report.sort_index(), directory_rows.sort_index(), check_names=False,
                                   check_index_type=False, check_dtype=False)
    pd.testing.assert_series_equal(report.sort_index(), area.sort_index(), check_names=False, check_index_type=False,
                                   check_dtype=False)
    assert shown["positions"].sum() == report.sum() == int(analysis.case_positions(data.cases).sum())
    # and the page of the largest employer says the number the report's table has
    out = site.render(site_pub, tmp_path / "site", provenance={"files": [], "version": "", "commit": "", "command": ""})
    top = site_pub.employers.employers.sort_values("positions_certified").iloc[-1]
    page = html.unescape((tmp_path / "site" / "en" / "employer" / f"{top['slug']}.html").read_text(encoding="utf-8"))
    assert f"{int(report[top['employer_id']]):,} certified positions" in page or \
        f"{int(report[top['employer_id']]):,}" in page
    assert out


def test_housing_is_listed_per_employer_with_its_years():
    cases = _cases([{"case_number": "A", "employer_name": "Crab Co", "program": "H-2A", "fiscal_year": 2021},
                    {"case_number": "B", "employer_name": "Crab Co", "program": "H-2A", "fiscal_year": 2022}])
    housing = pd.DataFrame({"case_number": ["A", "B", "Z"], "housing_type": "Rental", "housing_city": "Tifton",
                            "housing_state": "GA"})
    prof = directory.employer_profiles(cases, benchmark=BENCH, housing=housing)
    assert prof.housing[["housing_city", "years"]].values.tolist() == [["Tifton", [2021, 2022]]]
