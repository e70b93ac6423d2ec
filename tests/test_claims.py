"""Claims graded by evidence (toolkit.claims): levels per finding, titles, observed columns."""
from __future__ import annotations

import doctest

import pandas as pd
import pytest

from toolkit import occupation_shares, claims, dol, i18n

BENCH = {"45-2092", "37-2011"}


def _cases(text=None):
    return pd.DataFrame({"soc_code": ["45-2092", "37-2011"], "workers_certified": [40, 10],
                         "is_duplicate": [False, False], "requirements_text": [text, pd.NA]})


def _workers(**extra):
    base = {"sex": ["F", "M", "M", None], "soc_code": ["45-2092"] * 4}
    return pd.DataFrame({**base, **extra})


def test_doctests():
    assert doctest.testmod(claims).failed == 0


def test_dol_only_is_expected_and_never_observed():
    lv = claims.levels(_cases(), None, benchmark_socs=BENCH)
    assert lv.set_index("finding")["basis"].to_dict() == {
        "shortfall": "benchmark", "segregation": "benchmark", "selection": "no_applicants",
        "wages": "no_wages_by_sex", "joborders": "titles_only"}
    assert claims.strongest(lv) == "expected" and not claims.shows_observed(lv)


def test_published_share_is_measured_but_gives_no_observed_columns():
    pub = occupation_shares.published_share_for("H-2A", 2020)
    lv = claims.levels(_cases(), None, published=pub, benchmark_socs=BENCH).set_index("finding")
    # GAO: FY2018-2023 together, applied to one year: graded as pooled, never as measured (issue 25)
    assert tuple(lv.loc["shortfall"]) == ("pooled", "published_share_pooled")
    assert lv.loc["segregation", "level"] == "expected"
    assert claims.title_key(lv.reset_index()) == "report_title_pooled", "a pooled figure: the title says so"
    single = occupation_shares.published_share_for("H-2A", 2018).head(1)  # CDM: "in 2018 3% of all H-2A visas"
    lv1 = claims.levels(_cases(), None, published=single, benchmark_socs=BENCH).set_index("finding")
    assert tuple(lv1.loc["shortfall"]) == ("measured", "published_share")
    assert claims.title_key(lv1.reset_index()) == "report_title_published", "DOL files alone measure no women"
    assert not claims.shows_observed(lv.reset_index())


def test_worker_records_measure_what_they_hold():
    sel = _workers(selected=[True, False, True, True])
    lv = claims.levels(_cases("Must lift 50 lbs"), sel, benchmark_socs=BENCH).set_index("finding")
    assert lv["level"].to_dict() == {"shortfall": "measured", "segregation": "measured", "selection": "measured",
                                     "wages": "not_measurable", "joborders": "measured"}
    assert claims.shows_observed(lv.reset_index())
    # selection needs both outcomes and both sexes; wages need both sexes with a wage
    one_outcome = claims.levels(_cases(), _workers(selected=[True] * 4), benchmark_socs=BENCH)
    assert one_outcome.set_index("finding").loc["selection", "level"] == "not_measurable"
    men_paid = claims.levels(_cases(), _workers(wage_hourly=[None, 15.0, 16.0, 14.0]), benchmark_socs=BENCH)
    assert men_paid.set_index("finding").loc["wages", "level"] == "not_measurable"


def test_no_benchmark_no_positions_is_not_measurable():
    lv = claims.levels(_cases(), None, benchmark_socs=set())
    assert claims.strongest(lv) == "not_measurable" and claims.title_key(lv) == "report_title_not_measurable"
    dups = _cases().assign(is_duplicate=True)  # master/sub rows never count as positions
    assert claims.strongest(claims.levels(dups, None, benchmark_socs=BENCH)) == "not_measurable"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_titles_never_assert_discrimination_and_headings_differ(lang):
    titles = [i18n.t(f"report_title_{lvl}", lang, program="H-2B") for lvl in (*claims.LEVELS, "published")]
    assert not any("discrimin" in t.lower() for t in titles)
    heads = [claims.heading(lvl, lang) for lvl in claims.LEVELS]
    assert len(set(heads)) == len(claims.LEVELS)
    for basis in claims.BASES:
        assert claims.basis_text(basis, lang)


def test_bad_options_name_the_allowed_values():
    lv = claims.levels(_cases(), None, benchmark_socs=BENCH)
    with pytest.raises(ValueError, match=r"level must be one of \['measured', 'pooled', 'expected', 'withheld', "
                                         r"'not_measurable'\]"):
        claims.heading("observed", "en")
    with pytest.raises(ValueError, match="findings must be among"):
        claims.strongest(lv, findings=["employers"])
    with pytest.raises(ValueError, match="basis must be one of"):
        claims.basis_text("rumour", "en")
    with pytest.raises(ValueError, match="level must be one of"):
        claims.strongest(lv.assign(level="observed"))


def _real_levels(path, program, year):
    cases = dol.read_disclosure(path)
    socs = set(occupation_shares.women_share_by_soc()["soc_code"])
    lv = claims.levels(cases, None, published=occupation_shares.published_share_for(program, year), benchmark_socs=socs)
    return cases, lv.set_index("finding")


@pytest.mark.realdata
def test_real_h2b_fy2017_titles_only(dol_dir):
    _, lv = _real_levels(dol_dir / "H-2B_Disclosure_Data_FY17.xlsx", "H-2B", 2017)
    # FY2015-2019 iCERT layout: no requirements text, so no claim about job-order language
    assert tuple(lv.loc["joborders"]) == ("not_measurable", "titles_only")
    assert tuple(lv.loc["shortfall"]) == ("expected", "benchmark")
    assert claims.title_key(lv.reset_index()) == "report_title_expected"


@pytest.mark.realdata
def test_real_h2a_fy2022_q1_reads_text_and_has_the_gao_figure(dol_dir):
    cases, lv = _real_levels(dol_dir / "H-2A_Disclosure_Data_FY2022_Q1.xlsx", "H-2A", 2022)
    assert cases["requirements_text"].notna().any()
    assert lv.loc["joborders", "level"] == "measured"
    assert tuple(lv.loc["shortfall"]) == ("pooled", "published_share_pooled")  # GAO FY2018-2023
    assert not claims.shows_observed(lv.reset_index())
