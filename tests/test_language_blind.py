"""toolkit.language on the first blind set (``job_order_blind.csv``): job-order lines written by an author
who never saw the rules, the templates or the other labelled sets. The rules of issue 15 were written on
the development set and never revised on it; the floors catch regressions, and a rise above them is no
reason to edit the set or the floors. (The blind set of issue 15 is scored in
test_language_blind_recruitment.py.)"""
from __future__ import annotations

import pandas as pd
import pytest

from toolkit import language as lang


@pytest.fixture(scope="module")
def table():
    sets = ["templates", "challenge", "job_order_blind", "dev", "dev_heldout"]
    return lang.evaluation_table(seed=0, sets=sets).set_index(["set", "method", "lang"]).sort_index()


def test_blind_set_loads_and_is_independent():
    blind = lang.load_job_order_blind_set()
    assert len(blind) == 175 and (blind["lang"] == "en").sum() == 88 and blind["label"].sum() == 72

    def norm(s):
        return set(s.str.lower().str.replace(r"\W+", " ", regex=True).str.strip())

    others = pd.concat([lang.load_labelled()["text"], lang.load_challenge_set()["text"], lang.load_dev_set()["text"]])
    assert not norm(blind["text"]) & norm(others), "blind sentences must not come from the other sets"
    with pytest.raises(ValueError, match=r"name must be one of \['challenge', 'job_order_blind', 'dev'"):
        lang.load_evaluation_set("heldout")


def test_evaluation_table_covers_every_set_method_and_language(table):
    methods = {"templates": ("rules", "classifier"), "challenge": ("rules", "classifier"),
               "job_order_blind": ("rules", "classifier"), "dev": ("rules", "classifier", "sex_coded"),
               "dev_heldout": ("rules", "classifier", "sex_coded")}
    assert set(table.index) == {(s, m, c) for s, ms in methods.items() for m in ms for c in ("en", "es")}
    assert (table.loc["job_order_blind", "n"].groupby("lang").first() == pd.Series({"en": 88, "es": 87})).all()
    # the template split flatters the classifier: on unseen hand-written lines it does worse
    assert table.loc[("templates", "classifier"), "f1"].min() > table.loc[("job_order_blind", "classifier"), "f1"].max()
    with pytest.raises(ValueError, match=r"sets must be among .*got \['nope'\]"):
        lang.evaluation_table(sets=["nope"])


# Measured 2026-12-01, seed 0, one BLAS thread (precision / recall on the first blind set):
#   rules of issue 15  EN 1.000 / 0.972 (35 of 36, no false alarm)   ES 0.923 / 1.000 (36 of 36, 3 false alarms)
#   rules before       EN 1.000 / 0.694 (25 of 36)                    ES 1.000 / 0.583 (21 of 36)
#   classifier         EN 0.829 / 0.806                               ES 0.625 / 0.972
# The author of the rules of issue 15 read the first 40 lines of this set (all English) while exploring,
# before writing the development set; six development lines that echoed them were reworded. The English
# scores are therefore not fully blind; the Spanish ones are.
BLIND_FLOORS = {("rules", "en"): (0.97, 0.95), ("rules", "es"): (0.90, 0.97),
                ("classifier", "en"): (0.76, 0.74), ("classifier", "es"): (0.56, 0.92)}


@pytest.mark.parametrize("method,code", list(BLIND_FLOORS))
def test_blind_scores_stay_above_measured_floors(table, method, code):
    precision, recall = BLIND_FLOORS[method, code]
    got = table.loc[("job_order_blind", method, code)]
    assert got["precision"] >= precision and got["recall"] >= recall, (
        f"{method} on {code} blind lines fell below the measured floors: {got.round(3).to_dict()}")


def test_rules_performance_on_the_first_blind_set():
    # issue 26: the detector is fitted on this set too, so its honest score here is the one of the
    # model fitted without it (leave one writer out), from the committed table
    perf = lang.rules_performance("job_order_blind")
    assert list(perf.index) == ["en", "es"] and perf["n"].sum() == 175
    assert (perf["tp"] + perf["fn"]).tolist() == [36, 36]
    assert (perf["precision"] >= 0.85).all() and (perf["recall"] >= 0.85).all(), perf


@pytest.mark.realdata
@pytest.mark.parametrize("name", ["H-2A_FY2020_Q3_extract.xlsx", "H2B_Disclosure_Data_FY2021_Q1.xlsx",
                                  "H-2A_Disclosure_Data_FY2022_Q1.xlsx"])
def test_no_false_alarm_on_real_job_order_text(dol_dir, name):
    # The archived files with requirements/duties text (6,368 job orders). On 2026-11-29 the 28 texts
    # that use a word for sex, gender, men or women were read by hand ("sex offenders", "regardless of
    # sex", "two man lift", "In the event a female worker is hired, separate sleeping ... facilities"):
    # none states a preference, and the rules flag none of the 6,368. A flag here is a false alarm to
    # fix, or a real preference to record in this comment and exempt by case number.
    from toolkit import dol

    cases = dol.read_disclosure(dol_dir / name)
    scan = lang.scan_job_orders(cases, by="program", k=1)
    assert scan["with_text"].sum() > 1000
    assert scan["flagged"].sum() == 0, lang.detect_sex_preference(
        cases["job_title"].astype("string").fillna("") + " " + cases["requirements_text"].astype("string").fillna("")
    ).query("flag")["match"].tolist()
