"""toolkit.disclosure: primary and complementary suppression, bands, scopes, maps, allow-list."""
from __future__ import annotations

import doctest
import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit import disclosure
from toolkit.errors import PrivacyError

from disclosure_attacks import Artifact, complements, leaks, map_complement, row_inversion

KINDS = {"state": "public", "women": "protected", "men": "protected", "total": "protected", "share": "derived"}


def test_doctests():
    result = doctest.testmod(disclosure, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 10 and result.failed == 0


def _table(women, men):
    women, men = np.asarray(women), np.asarray(men)
    return pd.DataFrame({"state": [f"S{i}" for i in range(len(women))], "women": women, "men": men,
                         "total": women + men, "share": women / np.maximum(women + men, 1)})


def _column_cells(t, out, col_sex):
    """The table as audit cells: each row's women and men (hidden: None) and the scope totals."""
    cells = [disclosure.Cell((2019,), (), "_total", (), sex, int(t[col].sum())) for col, sex in col_sex]
    for i, hid in enumerate(out["suppressed"]):
        for col, sex in col_sex:
            cells.append(disclosure.Cell((2019,), (), "soc_code", (f"S{i}",), sex, None if hid else int(t[col][i])))
    sup = pd.DataFrame({"year": 2019, "state": "GA", "dim": "soc_code", "value": [f"S{i}" for i in range(len(t))]})
    return cells, sup


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14)), min_size=2, max_size=6), st.integers(2, 8))
def test_every_hidden_cell_keeps_the_protection_interval(rows, k):
    # the LP audit of the table and its totals: every hidden count can be 0 or 1 and k or more
    t = _table([r[0] for r in rows], [r[1] for r in rows])
    out = disclosure.protect_rows(t, KINDS, k=k)
    small = ((t[["women", "men"]] > 0) & (t[["women", "men"]] < k)).any(axis=1)
    assert out.loc[small.to_numpy(), "suppressed"].all()
    assert out.loc[out["suppressed"], ["women", "men", "total", "share"]].isna().all().all()
    if disclosure._suppress(t, KINDS, k=k, shown=None, forced=None, flag="suppressed")[1]:
        # a column that cannot be protected: no protected or derived value is published
        assert out["suppressed"].all() and out[["women", "men", "total", "share"]].isna().all().all()
        return
    cells, sup = _column_cells(t, out, [("women", "F"), ("men", "M")])
    result = disclosure.audit(cells, sup, k=k)
    assert result["safe"].all(), (t.to_dict("list"), result.to_dict("records"))


def test_the_audit_catches_what_the_old_rule_allowed():
    # hidden 3 and 4 with k = 10: two values each under the old rule, but both known to be below k
    t = _table([3, 4, 40], [50, 60, 70])
    cells, sup = _column_cells(t, pd.DataFrame({"suppressed": [True, True, False]}), [("women", "F"), ("men", "M")])
    result = disclosure.audit(cells, sup, k=10)
    s0 = result[(result["values"] == ("S0",)) & (result["sex"] == "F")].iloc[0]
    assert (s0["low"], s0["high"], s0["safe"]) == (0, 7, False)
    assert disclosure.protect_rows(t, KINDS, k=10)["suppressed"].all()  # the new rule hides the third row


def test_one_hidden_row_gets_a_complement_and_the_attack_fails():
    t = _table([20, 16, 15, 3], [300, 250, 213, 12])
    out = disclosure.protect_rows(t, KINDS, k=10)
    assert out["suppressed"].tolist() == [False, False, True, True]
    art = Artifact("t", 10, tables={"states": out.rename(columns={"state": "worksite_state"})})
    known = {"women": {54.0}, "total": {829.0}}
    truth = {("worksite_state", "S3", "F"): 3, ("worksite_state", "S2", "F"): 15}
    assert leaks(complements(art, known), truth, 10) == []


def test_the_attacks_catch_a_naive_table():
    # without complementary suppression the same attack recovers Vermont's 3 women: the attack works
    t = _table([20, 16, 15, 3], [300, 250, 213, 12]).rename(columns={"state": "worksite_state"})
    naive = t.assign(women=t["women"].where(t["women"] >= 10))
    art = Artifact("naive", 10, tables={"states": naive})
    found = leaks(complements(art, {"women": {54.0}, "total": set()}), {("worksite_state", "S3", "F"): 3}, 10)
    assert [c.count for c in found] == [3]
    # and the share printed beside a hidden count gives it back
    found = leaks(row_inversion(art), {("worksite_state", "S3", "F"): 3}, 10)
    assert [c.count for c in found] == [3]
    # a map hatching one area gives it back from the printed total
    art = Artifact("map", 10, maps={"origin": pd.Series([20, 16, 15, pd.NA], index=["11", "16", "20", "07"])})
    assert [c.count for c in leaks(map_complement(art, {"origin": 54}), {("origin_state", "07", "F"): 3}, 10)] == [3]


def test_the_rest_of_a_margin_is_hidden_when_nothing_else_can_be():
    out = disclosure.protect_rows(_table([3, 40], [50, 60]), KINDS, k=10)
    assert out["suppressed"].all()
    out = disclosure.protect_rows(_table([3], [50]), KINDS, k=10)
    assert out["suppressed"].all() and out[["women", "men", "total", "share"]].isna().all().all()
    assert disclosure._suppress(_table([3], [50]), KINDS, k=10, shown=None, forced=None,
                                flag="suppressed")[1] == ["women", "men", "total"]
    pt = disclosure.protect(_table([3], [50]).drop(columns="share").rename(columns={"state": "worksite_state"}), "states",
                            "worksite_state", k=10)
    assert pt.column_disclosive == ("all",) and pt.table["suppressed"].all()


def test_rows_not_shown_count_as_hidden():
    # a table cut to its first rows: the left-out row is alone, so the reader could subtract the shown
    # rows from the national total; the audit hides the smallest shown row too
    t = _table([20, 16, 15, 30], [300, 250, 213, 200])
    out = disclosure.protect_rows(t, KINDS, k=10, shown=[True, True, False, True])
    assert out["state"].tolist() == ["S0", "S1", "S3"] and out["suppressed"].tolist() == [False, True, False]


def test_unlisted_column_is_refused_and_bad_options_named():
    t = _table([20, 16], [300, 250]).assign(path="/home/me/survey.csv")
    with pytest.raises(PrivacyError, match=r"\['path'\] have no disclosure kind"):
        disclosure.protect_rows(t, KINDS, k=10)
    with pytest.raises(ValueError, match="k must be a positive integer, got 0"):
        disclosure.protect_rows(_table([1], [1]), KINDS, k=0)
    with pytest.raises(ValueError, match="kinds must be one of"):
        disclosure.protect_rows(_table([1], [1]), {**KINDS, "share": "secret"}, k=5)
    with pytest.raises(PrivacyError, match="no allow-list for table 'debug'"):
        disclosure.publishable_columns("debug", t)


def test_public_values_are_shown_as_they_are():
    t = pd.DataFrame({"employer_name": ["A", "B", "C"], "positions": [3, 500, 40], "women": [0, 40, 12],
                      "total": [3, 400, 40]})
    kinds = {"employer_name": "public", "positions": "public", "women": "protected", "total": "protected"}
    out = disclosure.protect_rows(t, kinds, k=10)
    assert out["positions"].tolist() == [3, 500, 40] and out["employer_name"].tolist() == ["A", "B", "C"]
    assert out["suppressed"].tolist() == [True, False, True]


def test_bands_shares_and_scopes():
    assert disclosure.band(9, k=10) == "fewer than 10" and disclosure.band(10, k=10) == "10"
    assert not disclosure.share_allowed(54, 56, k=10)  # 2 rejected
    assert disclosure.share_allowed(0, 56, k=10) and disclosure.share_allowed(56, 56, k=10)
    assert not disclosure.scope_allows(54, 775, k=60)


def test_protect_table_keeps_allowed_columns_and_audits_the_other_sex():
    # employers: Planted Farm's 12 men are below k=60, its 3 women too; the table is written without
    # any column that is not on the allow-list
    t = pd.DataFrame({"employer_name": ["A", "B", "C"], "women": [20, 20, 3], "total": [320, 320, 15],
                      "q_value": [1e-20, 1e-19, 0.2], "path": ["/x", "/y", "/z"]})
    out = disclosure.protect_table("employers", t, k=10)
    assert list(out.columns) == ["employer_name", "women", "total", "q_value", "suppressed"]
    assert out["suppressed"].tolist() == [True, False, True]  # 3 women, then the first smallest other row
    # men = total - women is audited: 20 women of 28 leaves 8 men, below k
    t2 = pd.DataFrame({"employer_name": ["A", "B", "C"], "women": [20, 20, 30], "total": [28, 320, 330]})
    out2 = disclosure.protect_table("employers", t2, k=10)
    assert out2["suppressed"].tolist() == [True, True, False]


def test_a_refused_scope_shows_no_number_from_worker_records():
    av = pd.DataFrame({"observed": [54], "total": [829], "observed_share": [54 / 829], "expected_share": [.29]})
    out = disclosure.protect_table("availability", av, k=60)
    assert out[["observed", "total", "observed_share", "expected_share"]].isna().all().all()
    seg = pd.DataFrame({"stat": ["H"], "est": [0.035], "se": [0.02]})
    assert disclosure.protect_table("segregation", seg, k=60, refuse=True)["est"].isna().all()
    assert disclosure.protect_table("segregation", seg, k=10)["est"].tolist() == [0.035]


# sdcTable's documented example of a cell recoverable from its margins although every row and column
# constraint has at least two suppressions (Meindl, sdcTable, tests/testthat/test-simpleheuristic.R):
# w|b = 47 follows from rows w+x and columns a+c; suppressing x|b too, sdcTable's attack() gives [0, 141].
SDC_INNER = {("w", "a"): 30, ("w", "b"): 47, ("w", "c"): 64, ("w", "d"): 89,
             ("x", "a"): 90, ("x", "b"): 124, ("x", "c"): 5, ("x", "d"): 31,
             ("y", "a"): 92, ("y", "b"): 100, ("y", "c"): 59, ("y", "d"): 85,
             ("z", "a"): 800, ("z", "b"): 991, ("z", "c"): 651, ("z", "d"): 685}
SDC_SUPPRESSED = {("w", "a"), ("w", "b"), ("w", "c"), ("x", "a"), ("x", "c"), ("y", "b"), ("y", "d"), ("z", "b"),
                  ("z", "d")}


def _sdc_cells(suppressed):
    # rows v1 as worksite states, columns v2 as occupations: inner cells, row, column and grand totals
    yr = (2000,)
    cells = [disclosure.Cell(yr, (r,), "soc_code", (c,), "F", None if (r, c) in suppressed else n)
             for (r, c), n in SDC_INNER.items()]
    for r in "wxyz":
        cells.append(disclosure.Cell(yr, (r,), "_total", (), "F", sum(n for (i, _), n in SDC_INNER.items() if i == r)))
    for c in "abcd":
        cells.append(disclosure.Cell(yr, (), "soc_code", (c,), "F", sum(n for (_, j), n in SDC_INNER.items() if j == c)))
    cells.append(disclosure.Cell(yr, (), "_total", (), "F", sum(SDC_INNER.values())))
    sup = pd.DataFrame([{"year": 2000, "state": r, "dim": "soc_code", "value": c} for r, c in SDC_INNER])
    return cells, sup


def test_audit_finds_sdctable_golden_cell_recoverable_from_its_margins():
    assert sum(SDC_INNER.values()) == 3943  # sdcTable's grand total
    cells, sup = _sdc_cells(SDC_SUPPRESSED)
    # the golden part: the cell's interval is exactly [47, 47]. Whether that is a disclosure depends
    # on k: at k = 3 a cell provably holding 47 is no small group (safe); at k = 50 it is one.
    for k, safe in ((3, True), (50, False)):
        out = disclosure.audit(cells, sup, k=k, exact=True).set_index("values")
        wb = out[(out.index == ("b",)) & (out["states"] == ("w",))].iloc[0]
        assert (wb["low"], wb["high"], wb["safe"]) == (47, 47, safe)
    cells, sup = _sdc_cells(SDC_SUPPRESSED | {("x", "b")})
    out = disclosure.audit(cells, sup, k=3, exact=True)
    wb = out[(out["states"] == ("w",)) & (out["values"] == ("b",))].iloc[0]
    assert (wb["low"], wb["high"]) == (0, 141)  # sdcTable: attack(sdc_protected, to_attack = 8)


def test_a_hidden_cell_provably_at_or_above_k_is_no_small_group():
    # Two hidden states beside their total: each lies in [0, 23], which holds 1 and k = 10: safe. A
    # single area hidden beside the total (a map hides its only non-zero area) is pinned at 98 >= k:
    # provably no small group, so the rule holds; pinned at 3 it does not.
    from toolkit.disclosure import Cell, audit

    sup = pd.DataFrame({"year": 2019, "state": "GA", "dim": "origin_state", "value": ["11", "16"]})
    for total, safe in ((98, True), (3, False)):
        cells = [Cell((2019,), (), "_total", (), "F", total), Cell((2019,), (), "origin_state", ("11",), "F", None),
                 Cell((2019,), (), "origin_state", ("16",), "F", 0)]
        got = audit(cells, sup, k=10)
        assert got["low"].tolist() == [total] and got["safe"].tolist() == [safe]


def test_widen_suppression_hides_the_smallest_visible_row_of_each_failing_dimension():
    from toolkit.cli.options import widen_suppression
    from toolkit.disclosure import Cell

    failures = pd.DataFrame({"dim": ["recruiter", "_total"], "values": [("A",), ()], "sex": ["F", "F"],
                             "low": [4, 0], "high": [4, 0]})
    cells = [Cell((2020,), (), "recruiter", (v,), "F", n, ("H-2A",)) for v, n in (("A", None), ("B", 30), ("C", 12),
                                                                                   ("D", 12))]
    assert widen_suppression({}, failures, cells) == {"recruiter": {"C"}}  # smallest, ties by name
    assert widen_suppression({"recruiter": {"C"}}, failures, cells) == {"recruiter": {"C", "D"}}
    assert widen_suppression({"recruiter": {"B", "C", "D"}}, failures, cells) == {"recruiter": {"B", "C", "D"}}


def test_a_weighted_mean_of_a_visible_row_is_a_relation_the_audit_sees():
    # Georgia's occupations: A (3 women, 2 men) and B (7, 13) hidden beside C (20, 80), at k = 10. Alone
    # the table is safe (A's women lie in [0, 10]). Georgia's expected women, sum_o s_o (F_o + M_o) with
    # distinct shares (0.2, 0.6, 0.3), and its workers give A's and B's sizes (5 and 20), so A's women
    # are at most 5 < k: unsafe. With the hidden occupations' shares merged (0.4 each) it says nothing new.
    from toolkit.disclosure import Cell, audit

    sup = pd.DataFrame({"year": 2019, "state": "GA", "dim": "soc_code", "value": ["A", "B", "C"]})
    cells = [Cell((2019,), (), "_total", (), "F", 30), Cell((2019,), (), "_total", (), "M", 95),
             Cell((2019,), (), "soc_code", ("C",), "F", 20), Cell((2019,), (), "soc_code", ("C",), "M", 80),
             *[Cell((2019,), (), "soc_code", (v,), s, None) for v in "AB" for s in "FM"]]
    assert audit(cells, sup, k=10)["safe"].all()
    for weights, safe in (((0.2, 0.6, 0.3), False), ((0.4, 0.4, 0.3), True)):
        expected = weights[0] * 5 + weights[1] * 20 + weights[2] * 100
        rel = Cell((2019,), ("GA",), "soc_code", ("A", "B", "C"), "T", expected, (), weights)
        got = audit([*cells, rel], sup, k=10, exact=True)
        assert bool(got["safe"].all()) is safe, got
        a_women = got[(got["values"] == ("A",)) & (got["sex"] == "F")].iloc[0]
        assert (a_women["low"], a_women["high"]) == ((0, 5) if not safe else (0, 10))
        assert Cell.from_list(rel.as_list()) == rel  # as the ledger stores it


def test_the_wage_gap_publishes_no_group_size():
    # n_focal / n_reference (workers paid, by sex) are not relations of the audit: no column of the
    # published wage table may carry them, under any name
    from toolkit import discrimination

    rng = np.random.default_rng(3)
    paid = pd.DataFrame({"sex": ["F"] * 12 + ["M"] * 30, "soc_code": "45-2092", "worksite_state": "GA",
                         "wage_hourly": rng.normal(12, 1, 42).round(2)})
    wg = discrimination.wage_gap(paid, n_bootstrap=20, seed=1)
    assert {"n_focal", "n_reference"} <= set(wg.columns)
    out = disclosure.protect_table("wage_gap", wg.reset_index().rename(columns={"n_focal": "n_f",
                                                                                "n_reference": "n_m"}), k=10)
    assert not set(out.columns) & {"n_f", "n_m", "n_focal", "n_reference"}
    assert not (out.select_dtypes("number").isin([12, 30])).any().any()
