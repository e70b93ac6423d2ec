"""Reports on the shared DOL files say what their data cover and can show (issue 13), in both
languages: FY2022 Q1 H-2A (a partial year with Addendum B), FY2017 H-2B (titles only), FY2021 Q1 H-2B
with Appendix C (recruiters), and a FY2013-2017 H-2A range (trends, FY2016 absent)."""
from __future__ import annotations

import json

import matplotlib
import pandas as pd
import pytest
from conftest import ingest_shared

from toolkit import dataset, evidence, present, report

matplotlib.use("Agg")

CASES = ["H-2A_Disclosure_Data_FY2022_Q1.xlsx", "H-2B_Disclosure_Data_FY17.xlsx", "H2B_Disclosure_Data_FY2021_Q1.xlsx",
         "H2A_FY2013.xls", "H-2A_FY14_Q4.xlsx", "H-2A_Disclosure_Data_FY15_Q4.xlsx", "H-2A_Disclosure_Data_FY17.xlsx"]
COMPANIONS = {"H2B_Appendix_C_FY2021_Q1.xlsx": "recruiters", "H-2A_Addendum_B_Housing_FY2022_Q1.xlsx": "housing",
              "H-2A_Addendum_B_Employment_Record_FY2022_Q1.xlsx": "worksites"}

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, dol_dir):
    return ingest_shared(dol_dir, tmp_path_factory.mktemp("h2gender-dol"), CASES, COMPANIONS)


def _ev(data_dir, **request):
    request.setdefault("n_bootstrap", 20)
    return evidence.build(dataset.load(dataset.Request.build(data="store", data_dir=data_dir, **request)),
                          commit="c", rendered="r")


@pytest.fixture(scope="module")
def ev_2022(data_dir):
    return _ev(data_dir, program="H-2A", fy=2022)


@pytest.fixture(scope="module")
def ev_h2b_2017(data_dir):
    return _ev(data_dir, program="H-2B", fy=2017)


@pytest.fixture(scope="module")
def ev_h2b_2021(data_dir):
    return _ev(data_dir, program="H-2B", fy=2021)


@pytest.fixture(scope="module")
def ev_range(data_dir):
    return _ev(data_dir, program="H-2A", fy="2013-2017")


@pytest.mark.parametrize("lang, months, title", [
    ("en", "October 2021 to December 2021 only", "Women in H-2A certified jobs: a share published for several years"),
    ("es", "de octubre de 2021 a diciembre de 2021",
     "Mujeres en los empleos H-2A certificados: una proporción publicada para varios años")])
def test_partial_year_is_stated_and_title_is_graded(ev_2022, lang, months, title):
    v = present.view(ev_2022, lang)
    assert v["title"].startswith(title) and "iscrimina" not in v["title"], "no 'Sex discrimination in' title"
    assert any(months in c for c in v["caveats"]), v["caveats"]
    assert ev_2022.provenance["coverage"][0]["partial"] is True
    levels = {r["finding"]: r["level"] for r in ev_2022.provenance["levels"]}
    assert levels["shortfall"] == "pooled"  # GAO-25-106389, FY2018-2023 pooled, applied to FY2022 (issue 25)
    shortfall = next(f for f in ev_2022.findings if f.key == "shortfall")
    assert "2018-2023" in present.finding_text(shortfall, lang, k=10)[1]


def test_no_observed_bars_or_columns_without_observations(ev_2022, ev_h2b_2017):
    for ev in (ev_2022, ev_h2b_2017):
        assert "occupations" not in ev.figures, "a chart of H-2 workers vs the US workforce needs observed workers"
        assert ev.tables["occupations"].title_key == "t_occupations_expected"
        headers = [h for h, _ in ev.tables["occupations"].columns.values()]
        assert "col_women_share" not in headers and "col_women" not in headers


@pytest.mark.parametrize("lang, words", [("en", "not their requirements or duties text"),
                                         ("es", "no su texto de requisitos o funciones")])
def test_titles_only_job_orders_claim_nothing_and_draw_no_chart(ev_h2b_2017, lang, words):
    f = next(f for f in ev_h2b_2017.findings if f.key == "joborders")
    text = present.finding_text(f, lang, k=10)[1]
    assert words in text and "8,382" in text
    assert "None of the" not in text and "Ninguna" not in text and f.value is None
    assert "joborders" not in ev_h2b_2017.figures
    assert {r["finding"]: r["basis"] for r in ev_h2b_2017.provenance["levels"]}["joborders"] == "titles_only"


def test_a_small_public_count_is_shown_never_as_zero(data_dir):
    cases = dataset.load(dataset.Request.build(data="store", data_dir=data_dir, program="H-2B", fy=2017)).cases
    small = cases["worksite_state"].value_counts()
    state = small[small < 10].index[0]
    ev = _ev(data_dir, program="H-2B", fy=2017, state=state)
    text = present.finding_text(next(f for f in ev.findings if f.key == "joborders"), "en", k=10)[1]
    # job orders are public DOL records (#12): the small count is shown as it is, never as a zero
    assert f"the {small[state]} job orders" in text and "the 0 job orders" not in text


def test_recruiters_and_employers_from_appendix_c(ev_h2b_2021, tmp_path):
    rec = ev_h2b_2021.raw_tables["recruiters_appendix_c"]
    assert len(rec) > 50 and rec["recruiter_country"].str.contains("MEXICO", case=False).any()
    assert "recruiters_appendix_c" in ev_h2b_2021.tables
    # certified positions are public DOL records (#12): shown as they are, small ones included
    assert rec["positions"].notna().all() and ((rec["positions"] > 0) & (rec["positions"] < 10)).any()
    prof = ev_h2b_2021.raw_tables["employer_profiles"]
    assert prof["recruiters"].notna().any()
    assert not [c for c in prof.columns if any(w in c.lower() for w in ("poc", "mail", "phone"))]
    # analyze writes every row it says it writes (not the 10 the report used to show)
    from click.testing import CliRunner

    from toolkit.cli import main

    r = CliRunner().invoke(main, ["--data-dir", str(ev_h2b_2021.request.data_dir), "analyze", "--data", "store",
                                  "--program", "H-2B", "--fy", "2021", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    written = list(tmp_path.rglob("employer_profiles.csv"))
    assert written and len(pd.read_csv(written[0])) == len(prof) > 10


def test_fiscal_year_range_has_trends_and_names_the_missing_year(ev_range):
    t = ev_range.raw_tables["trend_positions"].set_index("fiscal_year")
    assert sorted(t.index) == [2013, 2014, 2015, 2017]
    assert not t["months_covered"].str.endswith("*").any()
    assert t.loc[2014, "months_covered"] == "2013-10/2014-09"
    seg = ev_range.raw_tables["trend_segregation"]
    assert set(seg["fiscal_year"]) == {2014, 2015, 2017}, "FY2013 has no SOC codes: no segregation claimed"
    change = ev_range.raw_tables["trend_change"].set_index("stat")["est"]
    assert change["diff"] == pytest.approx(change["M2"] - change["M1"])
    assert {"trend_positions", "trend_segregation"} <= set(ev_range.tables)
    assert ev_range.raw_tables["trend_states"]["positions"].notna().any()
    for lang in ("en", "es"):
        caveats = present.view(ev_range, lang)["caveats"]
        assert any("2016" in c for c in caveats) and len(caveats) == 1
    json.dumps(ev_range.provenance, default=str)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_rendered_report_states_coverage_and_levels(ev_2022, tmp_path, lang):
    (html,) = report.render(ev_2022, lang=lang, fmt="html", out=tmp_path)
    page = html.read_text(encoding="utf-8")
    assert 'class="coverage-note"' in page and 'class="levels"' in page
    assert "Sex discrimination" not in page and "Discriminación por sexo" not in page
    assert "size: letter;" in page
