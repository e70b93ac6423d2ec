"""toolkit.language on the blind set: job-order lines written by an author who never saw the rules,
the templates or the other labelled sets. Nothing may be tuned on it, so these are the honest scores;
the floors catch regressions, and a rise above them is no reason to edit the set or the floors."""
from __future__ import annotations

import pandas as pd
import pytest

from toolkit import language as lang


@pytest.fixture(scope="module")
def table():
    return lang.evaluation_table(seed=0).set_index(["set", "method", "lang"]).sort_index()


def test_blind_set_loads_and_is_independent():
    blind = lang.load_challenge(name="blind")
    assert len(blind) == 175 and (blind["lang"] == "en").sum() == 88 and blind["label"].sum() == 72

    def norm(s):
        return set(s.str.lower().str.replace(r"\W+", " ", regex=True).str.strip())

    others = pd.concat([lang.load_labelled()["text"], lang.load_challenge()["text"]])
    assert not norm(blind["text"]) & norm(others), "blind sentences must not come from the other sets"
    with pytest.raises(ValueError, match=r"name must be one of \['challenge', 'blind'\]"):
        lang.load_challenge(name="heldout")


def test_evaluation_table_covers_every_set_method_and_language(table):
    assert set(table.index) == {(s, m, c) for s in ("templates", "challenge", "blind")
                                for m in ("rules", "classifier") for c in ("en", "es")}
    assert (table.loc["blind", "n"].groupby("lang").first() == pd.Series({"en": 88, "es": 87})).all()
    # the template split flatters the classifier: on unseen hand-written lines it does worse
    assert table.loc[("templates", "classifier"), "f1"].min() > table.loc[("blind", "classifier"), "f1"].max()


# Measured 2026-11-29, seed 0, one BLAS thread (precision / recall on the blind set):
#   rules       EN 1.000 / 0.694 (25 of 36, no false alarm)   ES 1.000 / 0.583 (21 of 36, none)
#   classifier  EN 0.829 / 0.806                               ES 0.625 / 0.972
# The rules miss informal recruiter wording ("Ocupo 30 hombres pa' la pisca", "chavas"), preferences
# inside requirement lists ("Requisitos: varón, 20-45 años") and "Sex: M"-style fields.
BLIND_FLOORS = {("rules", "en"): (0.95, 0.64), ("rules", "es"): (0.95, 0.53),
                ("classifier", "en"): (0.76, 0.74), ("classifier", "es"): (0.56, 0.92)}


@pytest.mark.parametrize("method,code", list(BLIND_FLOORS))
def test_blind_scores_stay_above_measured_floors(table, method, code):
    precision, recall = BLIND_FLOORS[method, code]
    got = table.loc[("blind", method, code)]
    assert got["precision"] >= precision and got["recall"] >= recall, (
        f"{method} on {code} blind lines fell below the measured floors: {got.round(3).to_dict()}")


def test_rules_performance_is_what_reports_quote():
    perf = lang.rules_performance("blind")
    assert list(perf.index) == ["en", "es"] and perf["n"].sum() == 175
    assert perf.loc["en", "recall"] == pytest.approx(25 / 36) and perf.loc["es", "recall"] == pytest.approx(21 / 36)


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
