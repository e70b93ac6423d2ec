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


def _feasible_brute(values, hidden, k):
    """Every assignment of the hidden cells consistent with the column sum and the adversary's
    bounds of the module docstring (at least 1, or 0 for a zero; at most max(k-1, m, largest))."""
    visible_nonzero = [v for v, h in zip(values, hidden) if not h and v > 0]
    cells = [v for v, h in zip(values, hidden) if h]
    s = sum(cells)
    hi = max([k - 1, min(visible_nonzero) if visible_nonzero else s, *cells])
    ranges = [range(0 if v == 0 else 1, int(hi) + 1) for v in cells]
    sols = [a for a in itertools.product(*ranges) if sum(a) == s] if len(cells) <= 4 else None
    return cells, sols


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14)), min_size=2, max_size=5), st.integers(2, 8))
def test_no_hidden_cell_is_pinned_by_its_column_sum(rows, k):
    # brute force over every assignment the adversary cannot exclude: each hidden cell keeps two values
    t = _table([r[0] for r in rows], [r[1] for r in rows])
    out = disclosure.protect_rows(t, KINDS, k=k)
    for col in ("women", "men", "total"):
        if col in out.attrs["column_disclosive"]:
            continue
        cells, sols = _feasible_brute(t[col].tolist(), out["suppressed"].tolist(), k)
        if sols is None or not cells:
            continue
        for i in (i for i, v in enumerate(cells) if v > 0):
            assert len({s[i] for s in sols}) >= 2, (col, t.to_dict("list"), out["suppressed"].tolist())
    small = ((t[["women", "men"]] > 0) & (t[["women", "men"]] < k)).any(axis=1)
    assert out.loc[small.to_numpy(), "suppressed"].all()
    assert out.loc[out["suppressed"], ["women", "men", "total", "share"]].isna().all().all()


def test_feasible_intervals_match_brute_force():
    for cells, hi in (([3, 15], [16, 16]), ([1, 1, 4], [9, 9, 9]), ([2, 9], [9, 9])):
        s = sum(cells)
        sols = [a for a in itertools.product(*[range(1, h + 1) for h in hi]) if sum(a) == s]
        expect = [(min(a[i] for a in sols), max(a[i] for a in sols)) for i in range(len(cells))]
        assert disclosure.feasible_intervals(cells, s, hi=hi) == expect


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
    assert out["suppressed"].all() and out.attrs["column_disclosive"] == ["women", "men", "total"]


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
