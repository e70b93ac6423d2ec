"""toolkit.narrative: notebook sentences follow the values (above / below / within; partial years;
planted values recovered or missed), in English and Spanish, and never speak of synthetic data
unless asked about a planted effect."""
from __future__ import annotations

import pandas as pd
import pytest

from toolkit import narrative


def _mt(est, lo=None, hi=None, stat="H"):
    cols = {"est": [est]} if lo is None else {"est": [est], "ci_low": [lo], "ci_high": [hi]}
    return pd.DataFrame(cols, index=pd.Index([stat], name="stat"))


@pytest.mark.parametrize("obs, lo, hi, word", [(0.34, 0.32, 0.36, "times the"), (0.05, 0.04, 0.06, "below the"),
                                               (0.11, 0.08, 0.13, "not distinguishable")])
def test_segregation_sentence_follows_the_interval(obs, lo, hi, word):
    text = narrative.segregation_vs_benchmark(_mt(obs, lo, hi), _mt(0.1), lang="en")
    assert word in text and f"{obs:.3f}" in text
    if word == "times the":
        assert "3.4 times" in text  # 0.34 / 0.1
    es = narrative.segregation_vs_benchmark(_mt(obs, lo, hi), _mt(0.1), lang="es")
    assert {"times the": "veces", "below the": "menor que", "not distinguishable": "no se distingue"}[word] in es


def test_options_are_checked():
    with pytest.raises(ValueError, match="stat must be 'M' or 'H'"):
        narrative.segregation_vs_benchmark(_mt(0.3, 0.2, 0.4), _mt(0.1), stat="D")
    with pytest.raises(ValueError, match="lang must be one of"):
        narrative.trend_change(pd.DataFrame(), lang="fr")
    with pytest.raises(ValueError, match="what must be one of"):
        narrative.planted_recovery(pd.Series({"est": 1, "ci_low": 0, "ci_high": 2}), 1, what="odds")
    with pytest.raises(ValueError, match="n must be at least 1"):
        narrative.top_contributors(pd.DataFrame({"ls": [1.0], "p": [1.0]}), n=0)


def test_largest_component_and_top_contributors_by_hand():
    nested = pd.DataFrame({"between": ["program", "worksite_state", "soc_code"],
                           "within": ["", "program", "program, worksite_state"], "stat": "M",
                           "est": [0.0144, 0.0032, 0.0694]})
    text = narrative.largest_component(nested, lang="en")
    # 0.0694 / (0.0144 + 0.0032 + 0.0694) = 79.8%
    assert text == "The largest part of M, 79.8% of 0.087, lies between occupations within programs and worksite states."
    assert "ocupaciones dentro de programas y estados" in narrative.largest_component(nested, lang="es")
    local = pd.DataFrame({"ls": [1.7665, 0.2337, 0.0518], "p": [0.0315, 0.0203, 0.1563]},
                         index=pd.Index(["37-2012", "35-2021", "37-3011"], name="soc_code"))
    # p x ls: 0.055645, 0.004744, 0.008096 (sum 0.068485) -> first and third 93.1%, the first alone 81.3%
    assert narrative.top_contributors(local, lang="en") == (
        "The occupations that contribute most to M: Maids and housekeeping cleaners and Landscaping and "
        "groundskeeping workers (93.1% of M together).")
    assert narrative.top_contributors(local, n=1, lang="es").startswith(
        "Las ocupaciones que más aportan a M: Camaristas y personal de limpieza (81.3% de M")


def test_planted_sentences_say_synthetic_and_follow_the_interval():
    row = pd.Series({"est": 0.0518, "ci_low": 0.0461, "ci_high": 0.0562})
    assert "recovers it" in narrative.planted_recovery(row, 0.05, what="wage_penalty", lang="en")
    missed = narrative.planted_recovery(row, 0.08, what="wage_penalty", lang="en")
    assert missed.startswith("Synthetic data:") and "misses it" in missed
    assert narrative.planted_recovery(row, 0.05, what="wage_penalty", lang="es").startswith("Datos sintéticos:")
    screen = pd.DataFrame({"rank": [3, 1, 2], "recruiter": ["C", "A", "B"]})
    assert narrative.planted_ranks(screen, {"A": 0.1, "B": 0.1}, lang="en").endswith("(A and B) rank 1 and 2 of 3.")


def test_trend_sentences_mark_partial_and_missing_years_and_no_synthetic_word():
    yearly = pd.DataFrame({"program": ["H-2A", "H-2B", "H-2B"], "fiscal_year": [2019, 2017, 2021],
                           "positions": [100, 133985, 29649], "expected_women": [26.0, 33395.7, 7762.7],
                           "expected_share": [0.26, 0.2492, 0.2618], "release": ["full year", "full year", "Q1"],
                           "partial": [False, False, True], "months": [12, 12, 3]})
    text = narrative.trend_positions(yearly, missing=[("H-2B", 2018)], lang="en")
    assert "H-2A: one fiscal year only (FY2019), so no trend." in text
    assert "29,649 in FY2021 (a partial year: the Q1 release, 3 of its 12 months)" in text
    assert "Partial years: H-2B FY2021." in text and "absent, not zero): H-2B FY2018." in text
    assert "ynthetic" not in text
    es = narrative.trend_positions(yearly, lang="es")
    assert "un año parcial: la publicación Q1, 3 de sus 12 meses" in es and "Años parciales: H-2B FY2021." in es
    whole = narrative.trend_positions(yearly[yearly["fiscal_year"] < 2021].assign(program="H-2B"), lang="en")
    assert "Partial" not in whole and "partial" not in whole


def test_change_sentence_by_hand_and_without_change():
    ch = pd.DataFrame({"program": "H-2B", "first_year": 2017, "last_year": 2021, "first_partial": False,
                       "last_partial": False, "stat": ["M1", "M2", "diff", "additions", "removals", "group_marginal",
                                                        "unit_marginal", "structural"],
                       "est": [0.1864, 0.1275, -0.0589, -0.0002, -0.0002, 0.0035, -0.0620, -1e-16]})
    text = narrative.trend_change(ch, lang="en")
    assert "M changed by -0.0589 (from 0.1864 to 0.1275)" in text
    assert "occupation mix accounts for -0.0620" in text and "found in one year only for -0.0004" in text
    assert "occupation for 0.0000." in text and "-0.0000" not in text and "partial" not in text
    assert narrative.trend_change(ch.iloc[:0], lang="en").startswith("No two fiscal years")


def test_employer_and_recruiter_sentences():
    ids = pd.DataFrame({"employer_id": ["F:1", "N:A|GA", "N:B|GA"], "basis": ["fein", "name_state", "name_state"]})
    prof = pd.DataFrame({"employer_id": ids["employer_id"], "n_years": [3, 1, 2]})
    amb = pd.DataFrame({"kind": ["similar_names", "same_name_other_states", "similar_names"]})
    text = narrative.employer_matches(ids, prof, amb, lang="en")
    assert text.startswith("3 employer identities (1 by FEIN, 2 by name and state), 2 of them in more than one")
    assert "(same_name_other_states: 1; similar_names: 2)" in text
    assert narrative.employer_matches(ids.iloc[:0], prof.iloc[:0], amb.iloc[:0], lang="en").startswith("These cases")
    summary = pd.DataFrame({"recruiter_id": ["R:A|MEXICO", "R:W|(not stated)"], "recruiter_country": ["MEXICO", None],
                            "source": ["appendix_c", "worker_records"]})
    links = pd.DataFrame({"case_number": ["1", "2", "3"], "employer_id": ["E1", "E1", None],
                          "in_cases": [True, True, False]})
    assert narrative.recruiter_sources(summary, links, lang="en") == (
        "H-2B Appendix C lists 1 recruiters, in 1 countries, for 2 cases of 1 employers.")
    assert "no H-2B Appendix C" in narrative.recruiter_sources(summary.iloc[1:], lang="en")
