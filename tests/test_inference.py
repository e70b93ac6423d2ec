"""toolkit.inference: option checks and the bootstrap summary, against hand-computed values and numpy."""
from __future__ import annotations

from typing import Literal

import numpy as np
import pytest
from scipy import stats

from toolkit import inference

Colour = Literal["red", "blue"]


# --- option checks ----------------------------------------------------------------------------------
def test_check_option_names_the_option_the_value_and_the_allowed_ones():
    inference.check_option("colour", "red", Colour)
    inference.check_option("colour", "blue", ("red", "blue"))  # a plain sequence works too
    with pytest.raises(ValueError, match=r"^colour must be one of \['red', 'blue'\], got 'green'$"):
        inference.check_option("colour", "green", Colour)
    with pytest.raises(ValueError, match=r"got array\("):
        inference.check_option("colour", np.array(["red", "blue"]), Colour)  # no ambiguous truth value
    with pytest.raises(ValueError, match=r"flag must be one of \[True, False\], got 1"):
        inference.check_option("flag", 1, (True, False))  # 1 == True, but 1 is not a boolean
    with pytest.raises(ValueError, match="got None"):
        inference.check_option("colour", None, Colour)


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.2, np.nan, "0.95", None, True, [0.95]])
def test_check_level_refuses_anything_but_a_number_strictly_between_0_and_1(bad):
    with pytest.raises(ValueError, match=r"^ci must be "):
        inference.check_level(bad)


def test_check_level_and_fraction_return_floats():
    assert inference.check_level(0.9) == 0.9 and isinstance(inference.check_level(np.float32(0.5)), float)
    with pytest.raises(ValueError, match="^alpha must be between 0 and 1 \\(exclusive\\), got 1$"):
        inference.check_fraction("alpha", 1)


@pytest.mark.parametrize("bad", [1, 0, -3, 2.0, 2.5, "100", True, None])
def test_check_count(bad):
    with pytest.raises(ValueError, match=r"^n_bootstrap must be a whole number of at least 2, got "):
        inference.check_count("n_bootstrap", bad, minimum=2)


def test_check_count_accepts_numpy_integers():
    assert inference.check_count("n_bootstrap", np.int64(5), minimum=2) == 5


def test_check_labels():
    inference.check_labels("focal", "F", ["F", "M", None], column="sex")
    inference.check_labels("groups", ["F", "M"], np.array(["M", "F"]), column="sex")
    inference.check_labels("reference", 2, [1, 2, 3], column="code")
    with pytest.raises(ValueError, match=r"^reference 'X' is not a value of column 'sex'; its values: \['F', 'M'\]$"):
        inference.check_labels("reference", "X", ["M", "F", "M"], column="sex")
    with pytest.raises(ValueError, match=r"\.\.\. \(30 in all\)"):  # long lists are cut, with the count
        inference.check_labels("reference", -1, range(30), column="code")


# --- the bootstrap summary ----------------------------------------------------------------------------
def test_summarise_percentile_against_numpy():
    rng = np.random.default_rng(0)
    est = np.array([1.0, -2.0])
    boot = rng.normal(est + [0.1, -0.3], [0.5, 2.0], size=(500, 2))
    s = inference.summarise(est, boot, 0.9)
    np.testing.assert_allclose(s["est"], est)
    np.testing.assert_allclose(s["se"], boot.std(axis=0, ddof=1))
    np.testing.assert_allclose(s["ci_low"], np.quantile(boot, 0.05, axis=0))
    np.testing.assert_allclose(s["ci_high"], np.quantile(boot, 0.95, axis=0))
    np.testing.assert_allclose(s["bias"], boot.mean(axis=0) - est)


def test_summarise_bias_corrected_moves_the_percentile_interval():
    # est* = 2 est - mean(boot); the percentile interval moved to it, est* + q(boot) - mean(boot)
    # (the jackknife and folded-normal intervals of toolkit.segregation): hand-computed on five replicates
    boot = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]])
    s = inference.summarise(np.array([2.0]), boot, 0.5, bias_correct=True)
    assert s["bias"][0] == 1.0 and s["est"][0] == 1.0
    # quartiles (linear) of boot 2 and 4, mean 3: 1 + (2 - 3) = 0 and 1 + (4 - 3) = 2
    assert (s["ci_low"][0], s["ci_high"][0]) == (0.0, 2.0)
    assert s["se"][0] == pytest.approx(np.sqrt(2.5))


def test_summarise_reflected_is_r_bootstrap_summary():
    # segregation/R/segregation.R, bootstrap_summary: est_debiased = 2 est - boot; est = mean,
    # CI = quantile(est_debiased, c(.05, .95)). Skewed replicates, so reflection matters.
    boot = np.array([[1.0], [1.5], [2.0], [2.5], [9.0]])
    s = inference.summarise(np.array([2.0]), boot, 0.9, interval="reflected", bias_correct=True)
    debiased = 2 * 2.0 - boot[:, 0]
    assert s["est"][0] == pytest.approx(debiased.mean())
    assert (s["ci_low"][0], s["ci_high"][0]) == pytest.approx(tuple(np.quantile(debiased, [0.05, 0.95])))
    moved = inference.summarise(np.array([2.0]), boot, 0.9, bias_correct=True)
    assert moved["ci_high"][0] - moved["est"][0] > s["ci_high"][0] - s["est"][0]  # the right skew kept


def test_summarise_given_bias():
    boot = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]])
    s = inference.summarise(np.array([2.0]), boot, 0.5, bias_correct=True, bias=np.array([0.5]))
    assert s["bias"][0] == 0.5 and s["est"][0] == 1.5
    assert (s["ci_low"][0], s["ci_high"][0]) == (0.5, 2.5)  # 1.5 + (2 - 3), 1.5 + (4 - 3)


def test_summarise_normal_interval():
    boot = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]])
    s = inference.summarise(np.array([2.0]), boot, 0.95, interval="normal")
    z = stats.norm.ppf(0.975)
    assert (s["ci_low"][0], s["ci_high"][0]) == pytest.approx((2 - z * np.sqrt(2.5), 2 + z * np.sqrt(2.5)))
    sb = inference.summarise(np.array([2.0]), boot, 0.95, interval="normal", bias_correct=True)
    assert (sb["ci_low"][0], sb["ci_high"][0]) == pytest.approx((1 - z * np.sqrt(2.5), 1 + z * np.sqrt(2.5)))


def test_summarise_shapes_and_options():
    est = np.zeros((3, 2))
    boot = np.random.default_rng(1).normal(size=(40, 3, 2))
    s = inference.summarise(est, boot, 0.95)
    assert all(v.shape == (3, 2) for v in s.values())
    assert inference.summarise(est, None, 0.95).keys() == {"est"}
    with pytest.raises(ValueError, match="ci must be between 0 and 1"):
        inference.summarise(est, None, 1.5)  # checked even without replicates
    with pytest.raises(ValueError, match=r"interval must be one of \['percentile', 'reflected', 'normal'\], got 'bca'"):
        inference.summarise(est, None, 0.95, interval="bca")
    with pytest.raises(ValueError, match="at least two replicates shaped like est"):
        inference.summarise(est, boot[:, :2], 0.95)
    with pytest.raises(ValueError, match="at least two replicates"):
        inference.summarise(est, boot[:1], 0.95)


def test_percentile_interval_covers_a_known_mean():
    # a planted effect: the bootstrap percentile interval of a normal mean covers it ~95% of the time
    rng = np.random.default_rng(7)
    hits = 0
    for _ in range(200):
        x = rng.normal(3.0, 1.0, 60)
        boot = rng.choice(x, size=(300, 60)).mean(axis=1)[:, None]
        s = inference.summarise(np.array([x.mean()]), boot, 0.95)
        hits += s["ci_low"][0] < 3.0 < s["ci_high"][0]
    assert 0.88 <= hits / 200 <= 0.99, hits


def test_stat_table():
    t = inference.stat_table(inference.summarise(np.array([1.0, 2.0]), np.array([[1.0, 2.0], [1.2, 2.4]]), 0.9),
                             ["a", "b"])
    assert t.index.name == "stat" and list(t.index) == ["a", "b"]
    assert list(t.columns) == ["est", "se", "ci_low", "ci_high", "bias"]
