"""Shared pieces of statistical inference: option checks and the bootstrap summary.

Every statistics module (``toolkit.discrimination``, ``toolkit.segregation``) checks its options
through the helpers here, on every call and whatever the other options say, so a bad value is
always reported the same way: the option, the bad value and the allowed ones. The allowed values
of an option shared by several modules live in one ``Literal`` alias here; an option used by one
module only has its alias at the top of that module and is checked with ``check_option``.

A bootstrap, wherever it resamples (``toolkit.discrimination``, ``toolkit.trends``, every verb of
``toolkit.segregation``), ends in ``summarise``: the standard error is the standard deviation of
the replicates; the interval is the percentile interval of the replicates (Efron & Tibshirani
1993, ch. 13), the reflected (basic) interval or the normal interval est +/- z se; with
``bias_correct=True`` the estimate is est - bias, the bias being the bootstrap's or one given
(a jackknife estimate). The R package ``segregation`` reports the reflected interval around the
bootstrap-bias-corrected estimate.

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
Interval = Literal["percentile", "reflected", "normal"]
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
    ValueError: interval must be one of ['percentile', 'reflected', 'normal'], got 'bca'
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
              interval: Interval = "percentile", bias_correct: bool = False,
              bias: np.ndarray | Sequence[float] | None = None) -> dict[str, np.ndarray]:
    """Estimate, standard error, interval and bias from bootstrap replicates.

    With replicates b_1..b_B of an estimate t (``boot`` shaped (B, ...), ``est`` shaped (...)),
    mean(b) their mean, q_a their a-quantile (numpy's default, R's type 7) and
    alpha = (1 - ci) / 2: se = sd(b) (ddof 1); the bias is ``bias`` when given (a jackknife or
    other estimate of it), else the bootstrap's, mean(b) - t; the estimate reported is
    t* = t - bias with ``bias_correct=True``, else t* = t. The interval:

    - ``"percentile"``: [q_alpha(b), q_(1-alpha)(b)] (Efron & Tibshirani 1993, ch. 13), moved to
      t* when the estimate is bias-corrected: [t* + q_alpha(b) - mean(b), t* + q_(1-alpha)(b) -
      mean(b)]. It keeps the replicates' skew the right way round, which matters for indices
      near their floor of 0.
    - ``"reflected"``: the quantiles of the reflected replicates d = 2 t - b,
      [2 t - q_(1-alpha)(b), 2 t - q_alpha(b)] (Davison & Hinkley's basic interval). With
      ``bias_correct=True`` and the bootstrap's bias this is the R package ``segregation``'s
      ``bootstrap_summary`` exactly: est = mean(d) = 2 t - mean(b).
    - ``"normal"``: t* -/+ z_(1-alpha) se.

    ``boot=None`` (no inference asked for) returns ``{"est": est}`` only.

    Returns
    -------
    dict with ``est``, ``se``, ``ci_low``, ``ci_high`` and ``bias`` (arrays shaped like ``est``).

    References
    ----------
    Efron, B., & Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman & Hall
    (ch. 6, 10 and 13).
    Davison, A. C., & Hinkley, D. V. (1997). Bootstrap Methods and their Application. Cambridge
    University Press (section 5.2).
    Elbers, B. (2023). A method for studying differences in segregation across time and space.
    Sociological Methods & Research, 52(1), 5-42 (the R package's bias correction).

    Examples
    --------
    >>> boot = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]])
    >>> s = summarise(np.array([2.0]), boot, 0.5)
    >>> float(s["est"][0]), float(s["bias"][0]), float(s["ci_low"][0]), float(s["ci_high"][0])
    (2.0, 1.0, 2.0, 4.0)
    >>> s = summarise(np.array([2.0]), boot, 0.5, interval="reflected", bias_correct=True)
    >>> float(s["est"][0]), float(s["ci_low"][0]), float(s["ci_high"][0])  # 2 x 2 - [4, 2]
    (1.0, 0.0, 2.0)
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
    mean = boot.mean(axis=0)
    bias = mean - est if bias is None else np.asarray(bias, dtype=float)
    point = est - bias if bias_correct else est
    se = boot.std(axis=0, ddof=1)
    alpha = (1 - level) / 2
    lo, hi = np.quantile(boot, alpha, axis=0), np.quantile(boot, 1 - alpha, axis=0)
    if interval == "reflected":
        lo, hi = 2 * est - hi, 2 * est - lo
    elif interval == "normal":
        z = stats.norm.ppf(1 - alpha)
        lo, hi = point - z * se, point + z * se
    elif bias_correct:
        lo, hi = point + (lo - mean), point + (hi - mean)
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
