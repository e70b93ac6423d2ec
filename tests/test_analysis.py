"""toolkit.analysis: count tables, expected counts, and the planted channelling recovered."""
from __future__ import annotations

import pandas as pd
import pytest

from toolkit import analysis, occupation_shares, schema, synth


@pytest.fixture(scope="module")
def data():
    return synth.generate(seed=11)


@pytest.fixture(scope="module")
def bench():
    return occupation_shares.women_share_by_soc(2022)


def test_worker_counts_match_admitted_rows(data):
    counted = analysis.worker_counts(data.workers, ["program"])
    wc = counted.table
    adm = data.workers[data.workers["stage"] == "admitted"]
    assert wc["n"].sum() == len(adm)
    assert wc.set_index(["program", "sex"]).loc[("H-2A", "F"), "n"] == ((adm.program == "H-2A") & (adm.sex == "F")).sum()
    assert schema.is_synthetic(wc)
    acc = counted.accounting
    assert acc["rows"] == len(adm) and acc["counted"] + acc["sex_missing_or_other"] == acc["rows"]
    with pytest.raises(ValueError, match="stage must be one of"):
        analysis.worker_counts(data.workers, ["program"], stage="hired")


def test_expected_counts_hand_case(bench):
    cases = schema.conform(pd.DataFrame({
        "program": ["H-2A", "H-2A", "H-2B", "H-2B"], "soc_code": ["45-2092", "45-2092", "37-2012", "99-9999"],
        "workers_certified": [100, 50, 20, 7], "is_duplicate": [False, True, False, False]}), schema.CASE_COLUMNS)
    counted = analysis.expected_counts(cases, bench)
    out = counted.table
    share = bench.set_index("soc_code").loc["45-2092", "women_share"]
    f = out[(out.soc_code == "45-2092") & (out.sex == "F")]["n"].iloc[0]
    assert f == pytest.approx(100 * share)  # the duplicate (sub) case is not counted
    acc = counted.accounting
    assert acc["positions_without_benchmark"] == 7 and acc["soc_without_benchmark"] == ["99-9999"]
    assert acc["duplicates_excluded"] == 1


def test_expected_counts_keep_cases_without_soc(bench):
    # a FY2013 H-2A file has no SOC code at all: its positions are counted, never dropped by groupby
    cases = schema.conform(pd.DataFrame({
        "program": ["H-2A"] * 4, "soc_code": ["45-2092", None, None, "99-9999"],
        "workers_certified": [100, 30, 12, 7], "is_duplicate": [False, False, True, False]}), schema.CASE_COLUMNS)
    counted = analysis.expected_counts(cases, bench)
    out, acc = counted.table, counted.accounting
    assert acc["positions"] == 137, "every certified position (the duplicate excluded) is in the table"
    assert acc["positions_without_soc"] == 30 and acc["positions_without_benchmark"] == 7
    assert acc["soc_without_benchmark"] == ["99-9999"], "a missing SOC code is not a SOC code without benchmark"
    women = out[out["sex"] == "F"]
    assert women["positions"].sum() == 137
    no_soc = women[women["soc_code"].isna()]
    assert no_soc["positions"].tolist() == [30] and no_soc["n"].isna().all()
    share = bench.set_index("soc_code").loc["45-2092", "women_share"]
    assert women["n"].sum() == pytest.approx(100 * share), "expected women only where a benchmark exists"
    pos = analysis.certified_positions(cases, ["soc_code"])
    assert pos.table["positions"].sum() == 107 and pos.accounting["positions_missing_by"] == 30
    with pytest.raises(ValueError, match="dropna must be True or False"):
        analysis.certified_positions(cases, ["soc_code"], dropna="no")


def test_channelling_recovers_planted_log_odds(data, bench):
    # observed log odds ratio vs benchmark = program intercept + channelling (+ selection shift);
    # relative to a SOC without planted channelling, the planted value is recovered.
    tab = analysis.channelling_table(data.workers, bench).set_index(["program", "soc_code"])
    truth = data.truth["channelling_log_odds"]
    ref = tab.loc[("H-2B", "53-7062"), "log_odds_ratio"]
    for soc in ("37-2012", "51-3022", "37-3011", "45-4011"):
        got = tab.loc[("H-2B", soc), "log_odds_ratio"] - ref
        assert got == pytest.approx(truth[soc], abs=0.5), soc


def test_segregation_summary_observed_exceeds_expected(data, bench):
    out = analysis.segregation_summary(data.workers, data.cases, bench)
    h = out[out.stat == "H"].set_index(["program", "source"])["est"]
    # planted channelling concentrates women more than the benchmark mix would in H-2B
    assert h[("H-2B", "observed")] > h[("H-2B", "expected")]
    assert set(out["source"]) == {"observed", "expected"}
    no_workers = analysis.segregation_summary(None, data.cases, bench)
    assert set(no_workers["source"]) == {"expected"}
