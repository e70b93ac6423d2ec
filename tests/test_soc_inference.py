"""SOC codes inferred from job titles (``--infer-soc``, toolkit.soc_inference)."""
from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest

from toolkit import analysis, dataset, evidence, present, soc_inference

TRAIN = pd.DataFrame({
    "job_title": ["farm worker", "farmworker, diversified crops", "crop farm laborer", "landscape laborer",
                  "landscape worker", "groundskeeper", "housekeeper", "housekeeping cleaner"],
    "soc_code": ["45-2092", "45-2092", "45-2092", "37-3011", "37-3011", "37-3011", "37-2012", "37-2012"],
    "fiscal_year": [2015, 2015, 2017, 2015, 2017, 2017, 2015, 2017], "cases": [5, 3, 2, 4, 2, 1, 3, 2],
    "positions": [50, 30, 20, 40, 20, 10, 30, 20]})
BENCH = pd.DataFrame({"soc_code": ["45-2092", "37-3011", "37-2012"], "women_share": [0.25, 0.06, 0.88],
                      "women_share_se": [0.01, 0.01, 0.01]})


def _cases() -> pd.DataFrame:
    return pd.DataFrame({
        "program": "H-2A", "fiscal_year": 2013,
        "job_title": ["Farm Workers", "Landscape Laborers", "Farm Workers", "zzqx", None, "Housekeeper"],
        "soc_code": pd.array([None, None, "37-3011", None, None, None], dtype="string"),
        "workers_certified": [10, 20, 5, 7, 3, 4], "is_duplicate": False})


def test_infers_only_where_no_code_and_never_changes_a_recorded_code():
    got = soc_inference.infer(_cases(), soc_inference.fit(TRAIN))
    out = got.cases
    # the recorded code stays, even where the title reads as another occupation
    assert out.loc[2, "soc_code"] == "37-3011" and not out.loc[2, "soc_inferred"]
    assert out.loc[0, "soc_code"] == "45-2092" and out.loc[1, "soc_code"] == "37-3011"
    assert out.loc[[0, 1], "soc_inferred"].all()
    # no title: no code; a title the model cannot place confidently: no code, counted
    assert pd.isna(out.loc[4, "soc_code"]) and not out.loc[4, "soc_inferred"]
    strict = soc_inference.infer(_cases(), soc_inference.fit(TRAIN), threshold=1.01)
    assert strict.cases["soc_inferred"].sum() == 0 and strict.accounting["positions_below_threshold"] == 10 + 20 + 7 + 4
    assert got.accounting["positions_without_title"] == 3
    assert (got.accounting["positions_inferred"] + got.accounting["positions_below_threshold"]
            + got.accounting["positions_without_title"]) == 10 + 20 + 7 + 3 + 4


def test_the_model_is_deterministic():
    titles = ["farm worker/laborer", "landscaping", "housekeeping", "general farm worker"]
    a = soc_inference.predict(soc_inference.fit(TRAIN), titles)
    b = soc_inference.predict(soc_inference.fit(TRAIN.sample(frac=1, random_state=3)), titles)
    pd.testing.assert_frame_equal(a, b)


def test_expected_women_grow_with_inferred_codes_and_the_rest_stay_named():
    cases = _cases()
    without = analysis.expected_counts(cases, BENCH, by=["soc_code"])
    inferred = soc_inference.infer(cases, soc_inference.fit(TRAIN))
    with_ = analysis.expected_counts(inferred.cases, BENCH, by=["soc_code"])
    women = lambda c: float(c.table.query("sex == 'F'")["n"].sum())  # noqa: E731
    assert women(with_) >= women(without)
    # by hand: 5 x 0.06 recorded; inferred 10 x 0.25 + 20 x 0.06 (+ 4 x 0.88 if the housekeeper is placed)
    assert women(without) == pytest.approx(0.3)
    assert with_.accounting["positions_without_soc"] == (inferred.accounting["positions_below_threshold"]
                                                        + inferred.accounting["positions_without_title"]) > 0


def test_leave_year_out_and_the_threshold_rule():
    t = soc_inference.leave_year_out(TRAIN, thresholds=(0.0, 0.5))
    assert set(t["fiscal_year"]) == {2015, 2017} and (t["positions_inferred"] <= t["positions"]).all()
    # the committed table gives the library's threshold, and at it every held-out year reaches the target
    committed = soc_inference.load_accuracy()
    assert soc_inference.choose_threshold(committed) == soc_inference.MIN_CONFIDENCE
    at = committed[np.isclose(committed["threshold"], soc_inference.MIN_CONFIDENCE)]
    assert (at["accuracy_positions"] >= soc_inference.TARGET_ACCURACY).all() and len(at) >= 5
    held = soc_inference.held_out_accuracy()
    assert soc_inference.TARGET_ACCURACY <= held["accuracy"] <= 1 and 0 < held["coverage"] <= 1


def test_the_committed_training_table_cites_its_sources():
    t = soc_inference.load_training()
    assert list(t.columns) == soc_inference.TRAINING_COLUMNS
    assert t["source_file"].str.len().gt(0).all() and t["soc_code"].str.match(r"^\d\d-\d{4}$").all()
    assert (t["cases"] > 0).all()


def test_the_report_marks_inferred_codes():
    req = dataset.Request.build(data="synthetic", program="H-2A", fy=2019, state="GA", lang="en,es", n_bootstrap=20)
    ds = dataset.load(req)
    cases = ds.cases.copy()
    blank = cases.index[::3]
    cases.loc[blank, "soc_code"] = pd.NA
    inferred = soc_inference.infer(cases)
    assert inferred.cases["soc_inferred"].any()
    # DOL records only (no worker records): the case-only findings and tables
    ds = dataclasses.replace(ds, request=dataclasses.replace(req, infer_soc=True), cases=inferred.cases, workers=None)
    ev = evidence.build(ds)
    occ = ev.raw_tables["occupations"]
    assert "soc_inferred" in occ and occ["soc_inferred"].sum() == inferred.accounting["positions_inferred"]
    assert "soc_inferred" in ev.tables["occupations"].columns
    shortfall = {f.key: f for f in ev.findings}["shortfall"]
    methods = dict(ev.methods)
    assert "methods_soc_inferred" in methods
    for lang, words in (("en", "inferred from their job title"), ("es", "inferido del nombre del puesto")):
        text = present.finding_text(shortfall, lang, k=10)[1]
        assert words in text
        assert str(inferred.accounting["positions_inferred"]) in re.sub(r"[,\s\u202f\xa0]", "", text)
    assert "--infer-soc" in req.__class__.build(data="store", infer_soc=True).command()


@pytest.mark.realdata
@pytest.mark.slow
def test_leave_year_out_accuracy_on_real_files(dol_dir):
    # three shared H-2A files of three fiscal years, read by the toolkit: each year left out in turn
    # (one program: an H-2B year held out of H-2A-only training has occupations it never saw)
    from toolkit import dol

    codes = set(soc_inference.load_training()["soc_code"])
    names = ["H-2A_FY14_Q4.xlsx", "H-2A_Disclosure_Data_FY2022_Q1.xlsx", "H-2A_FY2020_Q3_extract.xlsx"]
    rows = pd.concat([soc_inference.training_rows(dol.read_disclosure(dol_dir / n).assign(source_file=n), codes)
                      for n in names], ignore_index=True)
    assert sorted(rows["fiscal_year"].unique()) == [2014, 2020, 2022]
    t = soc_inference.leave_year_out(rows, thresholds=(0.0, soc_inference.MIN_CONFIDENCE))
    print(t.round(3).to_string(index=False))
    # trained on two years only, held-out codes are still mostly right where confident
    at = t[np.isclose(t["threshold"], soc_inference.MIN_CONFIDENCE)]
    assert (at["accuracy_positions"] > 0.8).all(), at
    assert (t.groupby("fiscal_year")["positions_inferred"].max() > 0).all()
