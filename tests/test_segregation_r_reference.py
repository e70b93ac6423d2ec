"""toolkit.segregation against values stated by the R package ``segregation`` (Benjamin Elbers).

Every input table below is rebuilt from a hand-built data frame in the R package's own tests or
documentation (GitHub elbersb/segregation), and every expected number is one the package states
there (an ``expect_equal`` value, a documented example output, or an identity its tests assert).
The source of each value is given as repository path, commit (where the stored copy showed one)
and ``test_that`` name. R's default log base is e, as the toolkit's.

R's argument order is ``f(data, group, unit, weight)``, as the toolkit's. R's
``matrix_to_long(m)`` makes one row per matrix row (unit) and one column per matrix column (group),
and R fills ``matrix(c(...), ncol = k)`` column by column; ``matrix_long`` below does the same.

These tests first found three differences, now fixed in the toolkit to follow R: H with
``within=`` divides by the whole table's group entropy (R 0.0590922 on ``TEST_DATA``; the toolkit
gave 0.0813879 by dividing by sum_w p_w E_w); ``ipf`` returns counts at the source's total; and
empty cells become tiny counts before IPF, so ``mutual_difference`` decomposes tables with zeros.
"""
from __future__ import annotations

import math

import pandas as pd
import pytest

from toolkit import segregation as sg

REPO = "elbersb/segregation"


def matrix_long(values: list[float], ncol: int) -> pd.DataFrame:
    """R's ``matrix_to_long(matrix(values, ncol = ncol))``: columns filled first, rows are units."""
    nrow = len(values) // ncol
    return pd.DataFrame([{"unit": r + 1, "group": c + 1, "n": values[c * nrow + r]}
                         for c in range(ncol) for r in range(nrow)])


# tests/testthat/test_mutual_total.R, test_mutual_local.R, test_mutual_within.R: `test_data`
# (u = a/b, g = 1..4, supergroup 12 = {1, 2}, 34 = {3, 4}).
TEST_DATA = pd.DataFrame({"u": ["a"] * 4 + ["b"] * 4, "g": [1, 2, 3, 4] * 2,
                          "supergroup": [12, 12, 34, 34] * 2, "n": [40, 20, 5, 1, 20, 40, 60, 80]})


# --------------------------------------------------------------------------------------------
# entropy
@pytest.mark.parametrize(("data", "weight", "base", "expected"), [
    # tests/testthat/test_entropy.R (commit 2c22212052e6d7587fe60edddca0516779c1e434),
    # test_that("correct entropy calculation")
    (pd.DataFrame({"x": [1]}), None, math.e, 0.0),
    (pd.DataFrame({"x": [1, 2]}), None, math.e, math.log(2)),
    (pd.DataFrame({"x": [1, 2, 3]}), None, math.e, math.log(3)),
    (pd.DataFrame({"x": [1, 2], "n": [10, 10]}), "n", math.e, math.log(2)),
    (pd.DataFrame({"x": [1, 2], "n": [10, 10]}), "n", 2, 1.0),
    (pd.DataFrame({"x": [1, 2], "n": [10, 30]}), "n", math.e, .25 * math.log(1 / .25) + .75 * math.log(1 / .75)),
    # reference/entropy.md (commit c42eecc3012273c4e303bd58a0ccd3512b72f9c2), example output:
    # entropy(data.frame(cat = c("A", "B"), n = c(25, 75)), "cat", weight = "n")  #> 0.5623351
    (pd.DataFrame({"x": ["A", "B"], "n": [25, 75]}), "n", math.e, 0.5623351),
    # same page: n = c(50, 50), base = 2  #> 1
    (pd.DataFrame({"x": ["A", "B"], "n": [50, 50]}), "n", 2, 1.0),
])
def test_entropy_r_values(data, weight, base, expected):
    assert sg.entropy(data, "x", weight, base=base) == pytest.approx(expected, rel=1e-7, abs=1e-12)


# --------------------------------------------------------------------------------------------
# mutual_total
def test_mutual_total_max_bound():
    # tests/testthat/test_mutual_total.R, test_that("zero weights no problem"):
    # n = c(40, 0, 0, 0, 0, 0, 0, 40) -> M = log(2), H = 1; a factor g gives the same estimates.
    data = TEST_DATA.drop(columns="supergroup").assign(n=[40, 0, 0, 0, 0, 0, 0, 40])
    res = sg.mutual_total(data, "u", "g", "n")["est"]
    assert res["M"] == pytest.approx(math.log(2))
    assert res["H"] == pytest.approx(1)
    as_factor = sg.mutual_total(data.assign(g=data["g"].astype("category")), "u", "g", "n")["est"]
    pd.testing.assert_series_equal(as_factor, res)


def test_mutual_total_r_identities():
    # tests/testthat/test_mutual_total.R, test_that("mutual M works both ways around")
    m = sg.mutual_total(TEST_DATA, "u", "g", "n").loc["M", "est"]
    assert sg.mutual_total(TEST_DATA, "g", "u", "n").loc["M", "est"] == pytest.approx(m)
    expanded = TEST_DATA.loc[TEST_DATA.index.repeat(TEST_DATA["n"]), ["u", "g", "supergroup"]]
    assert sg.mutual_total(expanded, "u", "g").loc["M", "est"] == pytest.approx(m)
    assert sg.mutual_total(expanded, "g", "u").loc["M", "est"] == pytest.approx(m)
    assert (sg.mutual_total(TEST_DATA, "u", "g", "n", base=2).loc["M", "est"]
            == pytest.approx(sg.mutual_total(TEST_DATA, "g", "u", "n", base=2).loc["M", "est"]))
    assert sg.mutual_total(TEST_DATA, "u", ["supergroup", "g"], "n").loc["M", "est"] == pytest.approx(m)
    # test_that("H is correct"): 0 <= H <= 1
    assert 0 <= sg.mutual_total(TEST_DATA, "u", "g", "n").loc["H", "est"] <= 1


def test_mutual_total_within_m_r_identities():
    # tests/testthat/test_mutual_total.R, test_that("between + within = total") (M part) and
    # test_that("within estimations are correct"): M_within = p_12 M_12 + p_34 M_34
    total = sg.mutual_total(TEST_DATA, "u", "g", "n").loc["M", "est"]
    between = sg.mutual_total(TEST_DATA, "u", "supergroup", "n").loc["M", "est"]
    within = sg.mutual_total(TEST_DATA, "u", "g", "n", within="supergroup").loc["M", "est"]
    assert between + within == pytest.approx(total)
    parts = [(d["n"].sum() / TEST_DATA["n"].sum()) * sg.mutual_total(d, "u", "g", "n").loc["M", "est"]
             for _, d in TEST_DATA.groupby("supergroup")]
    assert within == pytest.approx(sum(parts))


# R: H_within = H_total - H_between = M_within / E(group), E over the whole table
# (R/mutual.R mutual_total_within_compute, commit 03dc2aeb00324624ee8748389c0b00d77ee86570);
# R's definition evaluated on TEST_DATA: 0.0590922 = 0.3330356 - 0.2739434 (regression pin).


def test_mutual_total_within_h_is_total_minus_between():
    # tests/testthat/test_mutual_total.R (NOT_CRAN version with the stat == "H" check),
    # test_that("between + within = total"), H part
    total = sg.mutual_total(TEST_DATA, "u", "g", "n").loc["H", "est"]
    between = sg.mutual_total(TEST_DATA, "u", "supergroup", "n").loc["H", "est"]
    within = sg.mutual_total(TEST_DATA, "u", "g", "n", within="supergroup").loc["H", "est"]
    assert between + within == pytest.approx(total)
    assert (total, between, within) == pytest.approx((0.3330356, 0.2739434, 0.0590922), abs=1e-7)


def test_mutual_within_h_uses_entropy_ratio():
    # tests/testthat/test_mutual_within.R (NOT_CRAN version), test_that("between + within = total"):
    # H_within = sum_w p_w * ent_ratio_w * H_w with ent_ratio_w = E_w / E, H_w = M_w / E_w
    e = sg.entropy(TEST_DATA, "u", "n")
    h = 0.0
    for _, d in TEST_DATA.groupby("supergroup"):
        p_w = d["n"].sum() / TEST_DATA["n"].sum()
        e_w = sg.entropy(d, "u", "n")
        h += p_w * (e_w / e) * sg.mutual_total(d, "u", "g", "n").loc["H", "est"]
    assert sg.mutual_total(TEST_DATA, "u", "g", "n", within="supergroup").loc["H", "est"] == pytest.approx(h)


# --------------------------------------------------------------------------------------------
# mutual_total_nested
def test_mutual_total_nested_terms_are_between_and_within():
    # tests/testthat/test_mutual_total_nested.R (commit 5247f8159a966fc956d986782df062b66cdea545),
    # test_that("works both ways around"): the nested rows are mutual_total(between level) and
    # mutual_total(within = previous levels), for M and H (R runs it on schools00; here on
    # test_data with levels supergroup > g). R's within H is H_total - H_between (see above);
    # reference/mutual_total_nested.md shows the same M/H ratio (= 1 / E(race)) on every row.
    nested = sg.mutual_total_nested(TEST_DATA, "u", ["supergroup", "g"], "n").set_index(["between", "stat"])["est"]
    total = sg.mutual_total(TEST_DATA, "u", "g", "n")["est"]
    between = sg.mutual_total(TEST_DATA, "u", "supergroup", "n")["est"]
    within_m = sg.mutual_total(TEST_DATA, "u", "g", "n", within="supergroup").loc["M", "est"]
    assert nested[("supergroup", "M")] == pytest.approx(between["M"])
    assert nested[("supergroup", "H")] == pytest.approx(between["H"])
    assert nested[("g", "M")] == pytest.approx(within_m)
    assert nested[("g", "H")] == pytest.approx(total["H"] - between["H"])


# --------------------------------------------------------------------------------------------
# mutual_local
def test_mutual_local_r_identities():
    # tests/testthat/test_mutual_local.R (commit 45777c52492ef87a273d2c4e63c89fbc8bd52246),
    # test_that("local calculation works") and test_that("option wide works")
    local = sg.mutual_local(TEST_DATA, "u", "g", "n")
    local2 = sg.mutual_local(TEST_DATA, "g", "u", "n")
    base2 = sg.mutual_local(TEST_DATA, "g", "u", "n", base=2)
    assert local["p"].sum() == pytest.approx(1)
    assert local2["p"].sum() == pytest.approx(1)
    assert (local["p"] * local["ls"]).sum() == pytest.approx((local2["p"] * local2["ls"]).sum())
    total = sg.mutual_total(TEST_DATA, "u", "g", "n")["est"]
    assert (local["p"] * local["ls"]).sum() == pytest.approx(total["M"])
    assert (base2["p"] * base2["ls"]).sum() == pytest.approx(
        sg.mutual_total(TEST_DATA, "u", "g", "n", base=2).loc["M", "est"])
    assert total["H"] == pytest.approx((local["p"] * local["ls"]).sum() / sg.entropy(TEST_DATA, "u", "n"))
    assert len(local) == 4 and len(local2) == 2


# --------------------------------------------------------------------------------------------
# dissimilarity
@pytest.mark.parametrize(("values", "ncol", "expected"), [
    # tests/testthat/test_dissimilarity.R (commit 2200d85d83cd2fcba8eae849d7591560c450d586),
    # test_that("correct calculations"): m0, m1, m2, m3
    ([100, 100, 100, 100, 100, 100], 2, 0.0),
    ([100, 60, 40, 0, 0, 40, 60, 100], 2, 0.6),
    ([80, 80, 20, 20, 20, 20, 80, 80], 2, 0.6),
    ([100, 100, 0, 0, 0, 0, 100, 100], 2, 1.0),
])
def test_dissimilarity_r_values(values, ncol, expected):
    data = matrix_long(values, ncol)
    assert sg.dissimilarity(data, "group", "unit", "n").loc["D", "est"] == pytest.approx(expected, abs=1e-12)


def test_dissimilarity_expected_r_value():
    # tests/testthat/test_mutual_total_expected.R (commit 510a3692c7f564f25f9238a54534db61037b7716),
    # test_that("dissimilarity"): dissimilarity_expected(data1, "g", "u", n_bootstrap = 500,
    # weight = "n")$est == 0.098, tolerance = 0.1 (relative)
    data1 = pd.DataFrame({"u": [1, 2, 3, 4] * 2, "g": ["a"] * 4 + ["b"] * 4, "n": [40, 20, 5, 1, 20, 40, 60, 80]})
    res = sg.dissimilarity_expected(data1, "g", "u", "n", n_sim=500, seed=1)
    assert res.loc["D under 0", "est"] == pytest.approx(0.098, rel=0.1)


@pytest.mark.parametrize(("minority", "majority", "expected"), [
    # same file, test_that("dissimilarity - Winship 1977"), "see table 2": 1000 units of 10 or 100
    # people with fixed composition; expected D under random allocation, tolerance = 0.1 (relative)
    (1, 9, 0.387),
    (5, 5, 0.246),
    (10, 90, 0.131),
])
def test_dissimilarity_expected_winship_1977(minority, majority, expected):
    data = matrix_long([minority] * 1000 + [majority] * 1000, 2)
    res = sg.dissimilarity_expected(data, "group", "unit", "n", n_sim=100, seed=1)
    assert res.loc["D under 0", "est"] == pytest.approx(expected, rel=0.1)


def test_mutual_total_expected_both_ways():
    # tests/testthat/test_mutual_total_expected.R (commit 510a3692...), test_that("works both ways
    # around"): "M under 0" is the same with group and unit swapped. R states tolerance 0.01 (data1)
    # and 0.05 (data2) on 100 simulations each; 1% is below the Monte Carlo error even at 4000
    # simulations here (~1.3% per estimate), so both use 0.05 with fixed seeds.
    data1 = pd.DataFrame({"u": [1, 2, 3, 4] * 2, "g": ["a"] * 4 + ["b"] * 4, "n": [40, 20, 5, 1, 20, 40, 60, 80]})
    data2 = pd.DataFrame({"u": list(range(1, 11)) * 2, "g": ["a"] * 10 + ["b"] * 10, "n": [1] * 10 + [9] * 10})
    for data in (data1, data2):
        a = sg.mutual_total_expected(data, "u", "g", "n", n_sim=4000, seed=1).loc["M under 0", "est"]
        b = sg.mutual_total_expected(data, "g", "u", "n", n_sim=4000, seed=2).loc["M under 0", "est"]
        assert a == pytest.approx(b, rel=0.05)


# --------------------------------------------------------------------------------------------
# ipf: Karmel & MacLachlan (1988) example
KM_SOURCE = pd.DataFrame({"occ": [1, 2, 3] * 2, "gender": ["male"] * 3 + ["female"] * 3,
                          "n": [100, 50, 100, 50, 50, 50]})
KM_TARGET = KM_SOURCE.assign(n=[125, 100, 100, 100, 100, 75])


def test_ipf_karmel_maclachlan_1988():
    # tests/testthat/test_ipf.R (commit be6c0d4f479886b52f205ee53113bf2fa656e154),
    # test_that("example from Karmel & Maclachlan 1988"): cells rounded to 1 decimal on the scale
    # of the target (later versions rescale R's output by sum(n_target) / sum(n) before rounding),
    # and the fitted margins equal the target margins.
    out = sg.ipf(KM_SOURCE, KM_TARGET, "occ", "gender", "n")
    fitted = out.set_index(["gender", "occ"])["n"]
    fitted = fitted / fitted.sum() * KM_TARGET["n"].sum()
    expected = {("male", 1): 134.7, ("male", 2): 85.5, ("male", 3): 104.8,
                ("female", 1): 90.3, ("female", 2): 114.5, ("female", 3): 70.2}
    for cell, value in expected.items():
        assert round(fitted[cell], 1) == pytest.approx(value)
    target = KM_TARGET.set_index(["gender", "occ"])["n"].astype(float)
    for level in ("gender", "occ"):
        pd.testing.assert_series_equal(fitted.groupby(level=level).sum(), target.groupby(level=level).sum(),
                                       check_exact=False, rtol=1e-8)


def test_ipf_sums_to_source_total():
    out = sg.ipf(KM_SOURCE, KM_TARGET, "occ", "gender", "n")
    assert out["n"].sum() == pytest.approx(KM_SOURCE["n"].sum())


# --------------------------------------------------------------------------------------------
# mutual_difference (method = "shapley")
# tests/testthat/test_mutual_difference.R (commit c7a4bb2ad0757da00877812eab734204044ad5d4)
DIFF1 = pd.DataFrame({"u": ["a"] * 4 + ["b"] * 4, "g": [1, 2, 3, 4] * 2, "n": [40, 30, 20, 10, 5, 10, 15, 20]})
DIFF2 = DIFF1.assign(n=[20, 20, 20, 15, 5, 10, 10, 15])
PARTS = ["group_marginal", "unit_marginal", "structural"]


def test_mutual_difference_shapley_r_identities():
    # test_that("mutual_difference SHAPLEY"): sh1..sh4
    sh1 = sg.mutual_difference(DIFF1, DIFF2, "g", "u", "n")["est"]
    sh2 = sg.mutual_difference(DIFF1, DIFF2, "u", "g", "n")["est"]
    sh3 = sg.mutual_difference(DIFF2, DIFF1, "g", "u", "n")["est"]
    sh4 = sg.mutual_difference(DIFF2, DIFF1, "u", "g", "n")["est"]
    for sh in (sh1, sh2, sh3, sh4):
        assert sh["diff"] == pytest.approx(sh["M2"] - sh["M1"])
        assert sh["diff"] == pytest.approx(sh[PARTS].sum())  # R: sum(sh[6:8, "est"])
        assert sh["additions"] == 0
        assert sh["removals"] == 0
    # symmetry by group/unit (tolerance = .0001)
    for a, b in ((sh1, sh2), (sh3, sh4)):
        assert a["M1"] == pytest.approx(b["M1"])
        assert a["M2"] == pytest.approx(b["M2"])
        assert a["diff"] == pytest.approx(b["diff"])
        assert a["group_marginal"] == pytest.approx(b["unit_marginal"], rel=1e-4)
        assert a["unit_marginal"] == pytest.approx(b["group_marginal"], rel=1e-4)
        assert a["structural"] == pytest.approx(b["structural"], rel=1e-4)
    # symmetry by data inputs (tolerance = .0001)
    for a, b in ((sh1, sh3), (sh2, sh4)):
        assert a["M1"] == pytest.approx(b["M2"])
        assert a["M2"] == pytest.approx(b["M1"])
        assert a["diff"] == pytest.approx(-b["diff"])
        for part in PARTS:
            assert a[part] == pytest.approx(-b[part], rel=1e-4)
    # test_that("mutual_difference KM"/"MRC") "same as mutual_total"
    assert sh2["M1"] == pytest.approx(sg.mutual_total(DIFF1, "u", "g", "n").loc["M", "est"])
    assert sh2["M2"] == pytest.approx(sg.mutual_total(DIFF2, "u", "g", "n").loc["M", "est"])
    # test_that("mutual_difference log base"): diff = M2 - M1 with base = 2
    b2 = sg.mutual_difference(DIFF1, DIFF2, "g", "u", "n", base=2)["est"]
    assert b2["diff"] == pytest.approx(b2["M2"] - b2["M1"])
    assert b2["M1"] == pytest.approx(sh1["M1"] / math.log(2))


@pytest.mark.parametrize("changed", [
    # test_that("correctly identifies marginal/structural changes"): test_data_cols (unit c doubled)
    # and test_data_rows (group 2 doubled in every unit). R asserts unit_marginal has the largest
    # absolute value of the three Shapley components and structural == 0 (tolerance = .001).
    [25, 25, 28, 2, 2 * 2, 18 * 2],
    [25, 25 * 2, 28, 2 * 2, 2, 18 * 2],
], ids=["cols", "rows"])
def test_mutual_difference_marginal_change_has_no_structural_part(changed):
    base = pd.DataFrame({"u": ["a", "a", "b", "b", "c", "c"], "g": [1, 2] * 3, "n": [25, 25, 28, 2, 2, 18]})
    res = sg.mutual_difference(base, base.assign(n=changed), "g", "u", "n")["est"]
    assert res[PARTS].abs().max() == pytest.approx(abs(res["unit_marginal"]))
    assert res["structural"] == pytest.approx(0, abs=1e-3)


# test_that("difference same as mutual_total (zero weights)") and test_mutual_diff_elbers.R
# test_that("mutual_elbers empty cells"): units a, b in common (c only in 1, d only in 2), a zero
# cell in each common table.
ZERO1 = pd.DataFrame({"u": ["a"] * 4 + ["b"] * 4 + ["c"] * 4, "g": [1, 2, 3, 4] * 3,
                      "n": [0, 30, 20, 10, 5, 10, 15, 20, 4, 3, 2, 1]})
ZERO2 = pd.DataFrame({"u": ["a"] * 4 + ["b"] * 4 + ["d"] * 4, "g": [1, 2, 3, 4] * 3,
                      "n": [40, 20, 20, 15, 5, 10, 10, 0, 1, 2, 3, 4]})


def test_mutual_difference_zero_cells():
    res = sg.mutual_difference(ZERO1, ZERO2, "g", "u", "n")["est"]
    assert res["M1"] == pytest.approx(sg.mutual_total(ZERO1, "g", "u", "n").loc["M", "est"])
    assert res["M2"] == pytest.approx(sg.mutual_total(ZERO2, "g", "u", "n").loc["M", "est"])
    assert res["diff"] == pytest.approx(res[["additions", "removals", *PARTS]].sum())
    # very small weights: structural unchanged (tolerance = .001)
    small = sg.mutual_difference(ZERO1.assign(n=ZERO1["n"] / 1000), ZERO2, "g", "u", "n")["est"]
    assert small["structural"] == pytest.approx(res["structural"], rel=1e-3)
