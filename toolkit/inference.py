"""Shared pieces of statistical inference: option checks and the bootstrap summary.

Every statistics module (``toolkit.discrimination``, ``toolkit.segregation``) checks its options
through the helpers here, on every call and whatever the other options say, so a bad value is
always reported the same way: the option, the bad value and the allowed ones. The allowed values
of an option shared by several modules live in one ``Literal`` alias here; an option used by one
module only has its alias at the top of that module and is checked with ``check_option``.

A bootstrap, wherever it resamples, ends in ``summarise``: the standard error is the standard
deviation of the replicates; the interval is the percentile interval of the replicates (Efron &
Tibshirani 1993, ch. 13) or the normal interval est +/- z se; with ``bias_correct=True`` the
estimate is bias-corrected, ``2 est - mean(boot)``, and the percentile interval is taken on the
replicates re-centred on it, ``boot - 2 bias`` (the convention of the R package ``segregation``).

References
----------
Efron, B., & Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman & Hall.
Davison, A. C., & Hinkley, D. V. (1997). Bootstrap Methods and their Application. Cambridge
University Press.
"""
from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence
from typing import Literal, get_args, get_origin

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["Resample", "Interval", "check_option", "check_number", "check_level", "check_fraction", "check_count",
           "check_labels", "summarise", "stat_table"]

Resample = Literal["cells", "units"]
"""How a segregation bootstrap redraws a table: multinomial over cells, or whole units."""
Interval = Literal["percentile", "normal"]
"""How ``summarise`` turns replicates into an interval."""


def _allowed(allowed: object) -> tuple:
    if get_origin(allowed) is Literal:
        return get_args(allowed)
    return tuple(allowed)  # type: ignore[arg-type]


def check_option(name: str, value: object, allowed: object) -> None:
    """Raise ``ValueError`` unless ``value`` is one of ``allowed`` (a ``Literal`` alias or a sequence).

    Examples
    --------
    >>> check_option("interval", "normal", Interval)
    >>> check_option("interval", "bca", Interval)
    Traceback (most recent call last):
    ...
    ValueError: interval must be one of ['percentile', 'normal'], got 'bca'
    """
    choices = _allowed(allowed)
    try:
        ok = any(bool(value == c) and isinstance(value, bool) == isinstance(c, bool) for c in choices)
    except (TypeError, ValueError):  # an array or a frame compared with a string
        ok = False
    if not ok:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")


def check_number(name: str, value: object) -> float:
    """``value`` as a float if it is a real number (not a boolean, a string or an array).

    Examples
    --------
    >>> check_number("positions", 12)
    12.0
    >>> check_number("positions", "12")
    Traceback (most recent call last):
    ...
    ValueError: positions must be a number, got '12'
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    return float(value)


def check_fraction(name: str, value: object) -> float:
    """``value`` as a float strictly between 0 and 1, else ``ValueError`` naming ``name``.

    Examples
    --------
    >>> check_fraction("alpha", 0.05)
    0.05
    >>> check_fraction("alpha", 1.5)
    Traceback (most recent call last):
    ...
    ValueError: alpha must be between 0 and 1 (exclusive), got 1.5
    """
    v = check_number(name, value)
    if not 0 < v < 1:
        raise ValueError(f"{name} must be between 0 and 1 (exclusive), got {value!r}")
    return v


def check_level(ci: object, name: str = "ci") -> float:
    """A confidence level strictly between 0 and 1 (``check_fraction`` named ``ci``)."""
    return check_fraction(name, ci)


def check_count(name: str, value: object, minimum: int = 1) -> int:
    """``value`` as an int of at least ``minimum`` (booleans and fractions refused).

    Examples
    --------
    >>> check_count("n_bootstrap", 200, minimum=2)
    200
    >>> check_count("n_bootstrap", 1, minimum=2)
    Traceback (most recent call last):
    ...
    ValueError: n_bootstrap must be a whole number of at least 2, got 1
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, got {value!r}")
    return int(value)


def check_labels(name: str, values: object | Iterable[object], present: Iterable[object], *,
                 column: str) -> None:
    """Raise ``ValueError`` unless every label in ``values`` occurs among ``present`` (the values
    of ``column``), naming the option, the unknown label and the labels there are.

    Examples
    --------
    >>> check_labels("reference", "M", ["F", "M"], column="sex")
    >>> check_labels("reference", "X", ["F", "M"], column="sex")
    Traceback (most recent call last):
    ...
    ValueError: reference 'X' is not a value of column 'sex'; its values: ['F', 'M']
    """
    values = [values] if isinstance(values, (str, numbers.Number)) or not isinstance(values, Iterable) else list(values)
    present = list(pd.unique(pd.Series(list(present), dtype=object).dropna()))
    for v in values:
        if v not in present:
            shown = sorted(present, key=str)
            more = f" ... ({len(shown)} in all)" if len(shown) > 20 else ""
            raise ValueError(f"{name} {v!r} is not a value of column {column!r}; its values: {shown[:20]}{more}")


def summarise(est: np.ndarray | Sequence[float], boot: np.ndarray | None, ci: float, *,
              interval: Interval = "percentile", bias_correct: bool = False) -> dict[str, np.ndarray]:
    """Estimate, standard error, interval and bias from bootstrap replicates.

    With replicates b_1..b_B of an estimate t (``boot`` shaped (B, ...), ``est`` shaped (...)):
    bias = mean(b) - t, se = sd(b) (ddof 1), and alpha = (1 - ci) / 2.

    - ``interval="percentile"``: [q_alpha(b), q_(1-alpha)(b)], the quantiles of the replicates.
    - ``interval="normal"``: t* -/+ z_(1-alpha) se.
    - ``bias_correct=True``: the estimate reported is t* = t - bias = 2 t - mean(b), and the
      percentile interval uses the replicates re-centred on it, b - 2 bias; otherwise t* = t.

    ``boot=None`` (no inference asked for) returns ``{"est": est}`` only.

    Returns
    -------
    dict with ``est``, ``se``, ``ci_low``, ``ci_high`` and ``bias`` (arrays shaped like ``est``).

    References
    ----------
    Efron, B., & Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman & Hall
    (ch. 6, 10 and 13).

    Examples
    --------
    >>> boot = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]])
    >>> s = summarise(np.array([2.0]), boot, 0.5)
    >>> float(s["est"][0]), float(s["bias"][0]), float(s["ci_low"][0]), float(s["ci_high"][0])
    (2.0, 1.0, 2.0, 4.0)
    >>> float(summarise(np.array([2.0]), boot, 0.5, bias_correct=True)["est"][0])
    1.0
    """
    level = check_level(ci)
    check_option("interval", interval, Interval)
    check_option("bias_correct", bias_correct, (True, False))
    est = np.asarray(est, dtype=float)
    if boot is None:
        return {"est": est}
    boot = np.asarray(boot, dtype=float)
    if boot.ndim < 1 or boot.shape[1:] != est.shape or boot.shape[0] < 2:
        raise ValueError(f"boot must hold at least two replicates shaped like est {est.shape}; got {boot.shape}")
    bias = boot.mean(axis=0) - est
    point, reps = (est - bias, boot - 2 * bias) if bias_correct else (est, boot)
    se = boot.std(axis=0, ddof=1)
    alpha = (1 - level) / 2
    if interval == "percentile":
        lo, hi = np.quantile(reps, alpha, axis=0), np.quantile(reps, 1 - alpha, axis=0)
    else:
        z = stats.norm.ppf(1 - alpha)
        lo, hi = point - z * se, point + z * se
    return {"est": point, "se": se, "ci_low": lo, "ci_high": hi, "bias": bias}


def stat_table(summary: dict[str, np.ndarray], names: Sequence[str]) -> pd.DataFrame:
    """The summary as the statistics modules return it: a DataFrame indexed by ``stat``.

    Examples
    --------
    >>> stat_table({"est": np.array([0.5, 0.25])}, ["a", "b"])
           est
    stat      
    a     0.50
    b     0.25
    """
    return pd.DataFrame({k: np.atleast_1d(v) for k, v in summary.items()}, index=pd.Index(list(names), name="stat"))
