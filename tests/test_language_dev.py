"""toolkit.language on the development set of issue 15 (recruitment_dev.csv): its integrity, its
independence from the other labelled sets, and the scores of the rules on its train and held-out parts."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit import language as lang

POSITIVE_FAMILIES = {"explicit", "requirement_field", "informal", "feminine_title", "implied", "exclusion"}
NEGATIVE_FAMILIES = {"sexo_indistinto", "welcoming", "warning_quote", "report_discrimination", "separate_housing",
                     "generic_masculine", "requirement_only", "neutral"}


@pytest.fixture(scope="module")
def dev():
    return lang.load_dev_set()


def test_dev_set_size_languages_and_families(dev):
    # the counts stated in load_dev_set's docstring and recruitment_dev.md
    assert len(dev) == 667 and (dev["lang"] == "es").sum() == 386 and dev["label"].sum() == 361
    assert 0.55 <= (dev["lang"] == "es").mean() <= 0.62, "about 60% Spanish"
    assert set(dev["family"]) == POSITIVE_FAMILIES | NEGATIVE_FAMILIES
    by_family = dev.groupby("family")["label"].agg(["min", "max"])
    assert (by_family.loc[sorted(POSITIVE_FAMILIES)] == 1).all().all()
    assert (by_family.loc[sorted(NEGATIVE_FAMILIES)] == 0).all().all()
    for code in ("en", "es"):  # every family in both languages
        assert set(dev.loc[dev["lang"] == code, "family"]) == POSITIVE_FAMILIES | NEGATIVE_FAMILIES
    assert set(dev.loc[dev["label"] == 1, "preferred_sex"]) == {"M", "F"}
    assert (dev.loc[dev["label"] == 0, "preferred_sex"] == "").all()
    assert dev["id"].is_unique and dev["text"].is_unique and dev["sex_coded"].sum() == 70


def test_dev_split_is_a_stratified_quarter(dev):
    assert (dev["split"] == "heldout").sum() == 165 and set(dev["split"]) == {"train", "heldout"}
    share = dev.groupby(["lang", "family"])["split"].apply(lambda s: (s == "heldout").mean())
    assert share.between(0.15, 0.40).all(), share[~share.between(0.15, 0.40)]
    assert len(lang.load_dev_set(split="heldout")) == 165 and len(lang.load_dev_set(split="train")) == 502
    with pytest.raises(ValueError, match=r"split must be one of \[None, 'train', 'heldout'\], got 'test'"):
        lang.load_dev_set(split="test")


def test_dev_set_is_independent_of_the_other_sets(dev):
    def norm(s):
        return set(s.str.lower().str.replace(r"\W+", " ", regex=True).str.strip())

    for other in (lang.load_labelled()["text"], lang.load_challenge_set()["text"],
                  lang.load_job_order_blind_set()["text"]):
        shared = norm(dev["text"]) & norm(other)
        assert not shared, sorted(shared)[:5]


@pytest.mark.parametrize("column,value,message", [
    ("label", "2", r"line {line}: column 'label' is '2'; expected '0' or '1'"),
    ("sex_coded", "yes", r"line {line}: column 'sex_coded' is 'yes'; expected '0' or '1'"),
    ("lang", "pt", r"line {line}: column 'lang' is 'pt'; expected 'en' or 'es'"),
    ("text", "  ", r"line {line}: column 'text' is empty"),
    ("preferred_sex", "X", r"line {line}: column 'preferred_sex' is 'X'; expected 'M' or 'F' or '' when label is 1"),
])
def test_malformed_copy_names_the_line(dev, tmp_path, column, value, message):
    bad = dev.astype(str).copy()
    row = int(np.flatnonzero(bad["label"] == "1")[3])
    bad.loc[row, column] = value
    path = tmp_path / "dev.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(ValueError, match=message.format(line=row + 2)):
        lang.load_dev_set(path=path)


def test_malformed_copy_missing_column_or_repeated_id(dev, tmp_path):
    path = tmp_path / "dev.csv"
    dev.drop(columns="family").to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"missing column\(s\) \['family'\]"):
        lang.load_dev_set(path=path)
    dev.assign(id=dev["id"].where(dev.index != 5, dev["id"].iloc[0])).to_csv(path, index=False)
    with pytest.raises(ValueError, match="column 'id' repeats 'D0001'"):
        lang.load_dev_set(path=path)


# The rules were written on the train part, so their score there (1.0 everywhere) only shows they do what
# they were written to do. First look at the held-out part, before any change after it: EN precision 0.974
# (one false alarm: "Ladies, you can apply too, there's work for everyone"), recall 1.000; ES 1.000 / 1.000.
# After that look one rule changed (a sex word opening a text before a comma is no longer a list item),
# so the held-out part now scores 1.0 too and is no longer unseen.
def test_detector_on_the_development_set():
    # issue 26: the detector is fitted on this set among others (in sample), and scored on it by the
    # model fitted without it (leave one writer out): the gap is what the set taught it
    blind, insample = lang.rules_performance("dev"), lang.rules_performance("dev", fit="in_sample")
    assert (insample["precision"] >= 0.95).all() and (insample["recall"] >= 0.95).all(), insample
    assert (blind["precision"] >= 0.88).all() and (blind["recall"] >= 0.85).all(), blind
    assert (blind["n"] == insample["n"]).all() and blind["n"].sum() == 667


def test_family_table_counts_add_up():
    table = lang.family_table("challenge")
    data = lang.load_challenge_set()
    assert table["n"].sum() == len(data) and table["positives"].sum() == data["label"].sum()
    assert (table["tp"] + table["fn"] == table["positives"]).all() and (table["tp"] + table["fp"] == table["flagged"]).all()
    negatives = table[table["positives"] == 0]
    assert negatives["recall"].isna().all(), "a family of hard negatives has no recall"


def test_sex_coded_requirements_on_the_development_set(dev):
    found = lang.sex_coded_requirements(dev["text"])["sex_coded"].to_numpy()
    est = lang.evaluate(found, dev["sex_coded"].to_numpy())["est"]
    assert est["precision"] == 1.0 and est["recall"] == 1.0
    # sex-coded requirements and preferences are separate: both, either or neither occur
    both = pd.crosstab(dev["label"], dev["sex_coded"])
    assert (both.to_numpy() > 0).all()
