"""toolkit.language: explicit preferences (EN/ES), tricky negatives, requirements, word lists,
the labelled set, the classifier, and planted preferences in synthetic job orders."""
from __future__ import annotations

import pandas as pd
import pytest

from toolkit import language as lang
from toolkit import synth

POSITIVE = [
    ("Male workers only for cutting tobacco.", "M"), ("Must be a man able to work at heights.", "M"),
    ("Female workers preferred for room cleaning.", "F"), ("Women preferred for the packing line.", "F"),
    ("Se requieren hombres fuertes para el campo.", "M"), ("Mujeres solamente para el área de proceso.", "F"),
    ("Solo hombres. Experiencia de 3 meses.", "M"), ("Sexo: femenino.", "F"), ("Debe ser hombre.", "M"),
    ("Employer seeks strong men to load trucks.", "M"), ("Only women will be hired for crab picking.", "F"),
    # exclusion wording: turning women (or men) away is a preference for the other sex
    ("No women. Work starts at 5 am.", "M"), ("Women need not apply.", "M"),
    ("No se aceptan mujeres.", "M"), ("Preference will be given to male applicants.", "M"),
    ("Hombres.", "M"), ("Mujeres", "F"), ("No men for the picking line.", "F"),
]
NEGATIVE = [
    "No gender preference; applicants must be 18 or older.", "Men and women welcome.",
    "Hombres y mujeres bienvenidos.", "Mr. Garcia, the owner, will supervise the crew.",
    "Sin preferencia de sexo.", "Install the female connector on the hose.", "Traiga una maleta pequeña.",
    "Contact human resources in Manchester.", "Women's shoes department is closed.",
    "Male and female applicants are equally considered.", "La Sra. López supervisará la línea.",
    "Must be able to lift 50 lbs.",
    "No men or women under 18 may operate the forklift.", "No women's restroom on site; portable units provided.",
    "No se aceptan menores de edad.", "Hombres y mujeres.", "No mentions of overtime are made in this order.",
]


@pytest.mark.parametrize("text,sex", POSITIVE)
def test_explicit_preferences_flag_with_sex(text, sex):
    r = lang.detect_sex_preference([text]).iloc[0]
    assert r["flag"] and r["preferred_sex"] == sex and r["kind"] == "explicit", r.to_dict()


@pytest.mark.parametrize("text", NEGATIVE)
def test_tricky_negatives_do_not_flag(text):
    assert not lang.detect_sex_preference([text]).iloc[0]["flag"]


def test_gendered_titles_are_marked_but_not_explicit():
    out = lang.detect_sex_preference(["Foreman for harvest crew", "Se buscan empacadoras con experiencia"])
    assert list(out["kind"]) == ["title", "title"]  # a feminine job title marks sex, not an explicit rule
    t = lang.detect_sex_preference(["Empacadora de tomate"]).iloc[0]
    assert t["kind"] == "title" and t["preferred_sex"] == "F" and not t["flag"]


def test_requirements_that_filter_by_sex():
    out = lang.sex_filter_requirements([
        "Must be able to lift 75 lbs repeatedly", "Debe levantar 35 kg", "Physically strong workers; six months of experience",
        "Applicants between 18 and 35 years", "Dos años de experiencia en poda"])
    assert out["lift_lbs"].iloc[0] == 75 and out["lift_lbs"].iloc[1] == pytest.approx(35 * 2.20462)
    assert out["strength"].iloc[2] and out["experience_months"].iloc[2] == 6
    assert out["age_limit"].iloc[3]
    assert out["experience_months"].iloc[4] == 24


def test_gendered_wording_scores():
    out = lang.gendered_wording(["Strong competitive leader wanted", "Careful, patient and supportive", "Pick apples"])
    assert list(out["score"]) == [1.0, -1.0, 0.0]
    assert out["masculine"].iloc[0] == 3
    es = lang.gendered_wording(["Trabajador fuerte y competitivo", "Persona paciente y amable"], lang="es")
    assert list(es["score"]) == [1.0, -1.0]
    with pytest.raises(ValueError, match="lang must be one of"):
        lang.gendered_wording(["x"], lang="fr")


def test_labelled_set_integrity():
    d = lang.load_labelled()
    assert len(d) >= 600 and d["sentence_id"].is_unique and d["text"].is_unique
    assert set(d["lang"]) == {"en", "es"} and set(d["label"]) == {0, 1}
    assert 0.2 <= (d["split"] == "heldout").mean() <= 0.3
    assert not set(d.loc[d.split == "train", "text"]) & set(d.loc[d.split == "heldout", "text"])
    assert (d.loc[d.label == 1, "preferred_sex"].isin(["M", "F"])).all()
    assert d["source"].str.contains("not real job orders").all()


def test_classifier_heldout_metrics_and_determinism():
    a, b = lang.train_classifier(seed=0), lang.train_classifier(seed=0)
    assert a.metrics == b.metrics
    assert a.metrics["precision"] >= 0.9 and a.metrics["recall"] >= 0.9
    assert a.metrics["rules_precision"] >= 0.95 and a.metrics["rules_recall"] >= 0.9
    p = lang.classify(["Male workers only", "Tools are provided at no cost"], a)
    assert list(p["flag"]) == [True, False]


def test_planted_preferences_in_synthetic_job_orders():
    d = synth.generate(seed=3)
    found = lang.detect_sex_preference(d.cases["requirements_text"])
    pred = set(d.cases.loc[found["flag"].to_numpy(), "case_number"])
    truth = set(d.truth["sex_preference_cases"])
    assert len(truth & pred) / len(truth) >= 0.95  # recall
    assert len(pred - truth) <= 0.05 * len(pred)  # few false positives among tricky negatives
    scan = lang.scan_job_orders(d.cases).set_index("program")
    assert scan.loc["H-2B", "rate"] > scan.loc["H-2A", "rate"]
    small = lang.scan_job_orders(d.cases.head(30), by="employer_name")
    assert small["suppressed"].all() and (small["examples"] == "").all()


def test_scan_counts_job_orders_with_more_than_a_title():
    cases = pd.DataFrame({"program": ["H-2B"] * 12, "job_title": ["Crab picker"] * 12,
                          "requirements_text": ["NONE", None, " ", "n/a", "Must lift 50 lbs.", "Women only."] * 2})
    scan = lang.scan_job_orders(cases, k=10).iloc[0]
    assert (scan["job_orders"], scan["with_text"], scan["flagged"], scan["prefers_women"]) == (12, 4, 2, 2)
    titles_only = lang.scan_job_orders(cases, text_cols=("job_title",), k=10).iloc[0]
    assert titles_only["with_text"] == 0 and titles_only["flagged"] == 0
