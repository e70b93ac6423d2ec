"""toolkit.language on the independent challenge set: hand-written job-order sentences that the
templates of tools/build_job_order_sentences.py never produced, scored for the rules and the classifier."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from toolkit import language as lang


@pytest.fixture(scope="module")
def challenge():
    return lang.load_challenge_set()


@pytest.fixture(scope="module")
def scores(challenge):
    """Precision, recall, F1 and counts per method (rules, classifier) and language."""
    model = lang.train_classifier(seed=0)
    flags = {"rules": lang.detect_sex_preference(challenge["text"])["flag"].to_numpy(),
             "classifier": lang.classify(challenge["text"], model)["flag"].to_numpy()}
    rows = []
    for method, flag in flags.items():
        for code in ("en", "es"):
            keep = (challenge["lang"] == code).to_numpy()
            est = lang.evaluate(flag[keep], challenge["label"].to_numpy()[keep])["est"]
            rows.append({"method": method, "lang": code, **est.to_dict()})
    return pd.DataFrame(rows).set_index(["method", "lang"])


def test_challenge_set_loads_and_is_balanced(challenge):
    assert list(challenge.columns) == ["text", "lang", "label", "preferred_sex", "note"]
    # the counts stated in load_challenge_set's docstring
    assert len(challenge) == 195 and (challenge["lang"] == "en").sum() == 98 and challenge["label"].sum() == 75
    assert 0.35 <= challenge["label"].mean() <= 0.45, "about 35-45% positives"
    for code in ("en", "es"):
        part = challenge[challenge["lang"] == code]
        assert set(part["label"]) == {0, 1} and set(part.loc[part["label"] == 1, "preferred_sex"]) == {"M", "F"}
    assert challenge["text"].is_unique and (challenge["note"].str.len() > 0).all()


def test_challenge_set_is_independent_of_the_labelled_set(challenge):
    def norm(s):
        return set(s.str.lower().str.replace(r"\W+", " ", regex=True).str.strip())

    shared = norm(challenge["text"]) & norm(lang.load_labelled()["text"])
    assert not shared, f"challenge sentences also in job_order_sentences.csv: {sorted(shared)[:5]}"


@pytest.mark.parametrize("column,value,message", [
    ("label", "2", r"line 5: column 'label' is '2'; expected '0' or '1'"),
    ("lang", "fr", r"line 5: column 'lang' is 'fr'; expected 'en' or 'es'"),
    ("preferred_sex", "", r"line 5: column 'preferred_sex' is ''; expected 'M' or 'F' when label is 1"),
    ("text", " ", r"line 5: column 'text' is empty"),
])
def test_malformed_copy_names_the_line(challenge, tmp_path, column, value, message):
    bad = challenge.astype({"label": "string"}).copy()
    row = int(np.flatnonzero(bad["label"] == "1")[0])  # a positive, so preferred_sex must be M or F
    bad.loc[row, column] = value
    path = tmp_path / "challenge.csv"
    bad.to_csv(path, index=False)
    line = row + 2  # header is line 1
    with pytest.raises(ValueError, match=message.replace("line 5", f"line {line}")):
        lang.load_challenge_set(path=path)


def test_malformed_copy_missing_column_or_repeated_text(challenge, tmp_path):
    path = tmp_path / "challenge.csv"
    challenge.drop(columns="note").to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"missing column\(s\) \['note'\]"):
        lang.load_challenge_set(path=path)
    pd.concat([challenge, challenge.head(1)]).to_csv(path, index=False)
    with pytest.raises(ValueError, match=f"line {len(challenge) + 2}: column 'text' repeats"):
        lang.load_challenge_set(path=path)


def test_evaluate_formulas_and_guards():
    est = lang.evaluate([True, True, True, False, False], [1, 1, 0, 1, 0])["est"]
    assert est["tp"] == 2 and est["fp"] == 1 and est["fn"] == 1 and est["tn"] == 1 and est["n"] == 5
    assert est["precision"] == pytest.approx(2 / 3) and est["recall"] == pytest.approx(2 / 3)
    assert est["f1"] == pytest.approx(2 * 2 / (2 * 2 + 1 + 1))
    none = lang.evaluate([False, False], [1, 0])["est"]
    assert math.isnan(none["precision"]) and none["recall"] == 0.0, "no flags: precision undefined, not 0"
    with pytest.raises(ValueError, match="pred_flag must hold only 0/1"):
        lang.evaluate([0.7, 0.2], [1, 0])
    with pytest.raises(ValueError, match="pred_flag has 1 values, label 2"):
        lang.evaluate([1], [1, 0])


def test_scores_are_reported_for_each_method_and_language(scores):
    assert set(scores.index) == {(m, c) for m in ("rules", "classifier") for c in ("en", "es")}
    assert list(scores.columns) == ["precision", "recall", "f1", "n", "tp", "fp", "fn", "tn"]
    assert (scores[["precision", "recall", "f1"]].apply(lambda s: s.between(0, 1)).all()).all()
    assert (scores[["tp", "fp", "fn", "tn"]].sum(axis=1) == scores["n"]).all()
    assert list(scores.loc["rules", "n"]) == [98, 97]


# Measured with seed 0, one BLAS thread (precision / recall on the challenge set), rules of issue 15:
#   rules       EN 1.000 / 1.000 (38 tp, 0 fp)   ES 0.974 / 1.000 (37 tp, 1 fp)
#   classifier  EN 0.706 / 0.632 (24 tp, 10 fp)  ES 0.586 / 0.919 (34 tp, 24 fp)
# The one Spanish false alarm is "Se solicita cocinera para el comedor del campamento.", labelled 0 when the
# set was made; under issue 15 a call for a feminine job title is a preference, so the rules flag it.
# The rules of issues before 15 were revised after first scoring this set (EN 0.905 / 0.500, ES 0.938 / 0.405
# before), and those of issue 15 were checked on it while they were written: it is not unseen for the rules.
# The classifier, trained on the template sentences only (1.0 / 1.0 on their held-out split), was never
# tuned here: its scores are the honest ones. Floors sit a little below.
# "rules" is the detector of issue 26 since, fitted on this set among others: in sample, so optimistic
FLOORS = {("rules", "en"): (0.95, 0.95), ("rules", "es"): (0.93, 0.93),
          ("classifier", "en"): (0.62, 0.55), ("classifier", "es"): (0.50, 0.85)}


@pytest.mark.parametrize("method,code", list(FLOORS))
def test_scores_stay_above_measured_floors(scores, method, code):
    precision, recall = FLOORS[method, code]
    got = scores.loc[(method, code)]
    assert got["precision"] >= precision and got["recall"] >= recall, (
        f"{method} on {code} challenge sentences fell below the measured floors (precision >= {precision}, "
        f"recall >= {recall}): {got.round(3).to_dict()}")


def test_rules_false_alarm_only_on_the_feminine_title_call(challenge):
    found = lang.detect_sex_preference(challenge["text"])
    false = challenge.loc[found["flag"].to_numpy() & (challenge["label"] == 0).to_numpy(), "text"]
    assert list(false) == ["Se solicita cocinera para el comedor del campamento."]


def test_rules_name_the_right_sex_on_flagged_positives(challenge):
    found = lang.detect_sex_preference(challenge["text"])
    hit = found["flag"].to_numpy() & (challenge["label"] == 1).to_numpy()
    named = found["preferred_sex"].fillna("").to_numpy(dtype=str)
    wrong = challenge.loc[hit & (named != challenge["preferred_sex"].to_numpy(dtype=str)), "text"]
    # the detector names the sex of the reference that weighs most, turned over under a negation or
    # exclusion ("no women": men); it gets the sex of a few exclusions and quotas wrong
    assert len(wrong) <= 0.15 * hit.sum(), f"flagged with the wrong sex: {list(wrong)}"
