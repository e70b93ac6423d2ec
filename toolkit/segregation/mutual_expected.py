"""Index values expected when people are allocated to units at random, margins fixed (R's ``mutual_expected.R``).

References
----------
Carrington, W. J., & Troske, K. R. (1997). On measuring segregation in samples with small units.
Journal of Business & Economic Statistics, 15(4), 402-409.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from toolkit.segregation._core import (count_table, _integer_counts, _mh_counts, _d_counts, _local_counts, _log_base,
                                       _two_groups)
from toolkit.segregation.intervals import _check_inference

__all__ = ["dissimilarity_expected", "mutual_total_expected", "mutual_local_expected"]


def _random_allocation(table: np.ndarray, n_sim: int, rng: np.random.Generator) -> np.ndarray:
    """Tables (n_sim, U, G) with the margins of ``table`` and individuals allocated at random.

    Group g's members are spread over the places left in the units by multivariate
    hypergeometric draws, group by group (exact under random allocation with fixed margins).
    """
    counts = _integer_counts(table)
    u, g = counts.shape
    sizes = counts.sum(axis=1)
    groups = counts.sum(axis=0)
    out = np.zeros((n_sim, u, g), dtype=np.int64)
    for s in range(n_sim):
        left = sizes.copy()
        for j in range(g - 1):
            draw = rng.multivariate_hypergeometric(left, int(groups[j]), method="marginals")
            out[s, :, j] = draw
            left = left - draw
        out[s, :, g - 1] = left
    return out.astype(float)


def _expected(stat, table, n_sim, ci, rng, names):
    sims = stat(_random_allocation(table, n_sim, rng))
    sims = sims.reshape(n_sim, -1)
    alpha = (1 - ci) / 2
    return pd.DataFrame({"est": sims.mean(axis=0), "se": sims.std(axis=0, ddof=1),
                         "ci_low": np.quantile(sims, alpha, axis=0),
                         "ci_high": np.quantile(sims, 1 - alpha, axis=0)},
                        index=pd.Index(names, name="stat"))


def dissimilarity_expected(data: pd.DataFrame, group: str, unit: str, weight: str | None = None, *,
                           n_bootstrap: int = 100, ci: float = 0.95,
                           seed: int | np.random.Generator | None = None) -> pd.DataFrame:
    """D expected when individuals are allocated to units at random, margins fixed.

    Small units make D positive even without segregation; this is that baseline (Carrington &
    Troske 1997, "On measuring segregation in samples with small units", Journal of Business &
    Economic Statistics, 15(4), 402-409). Stat ``"D under 0"``.

    Examples
    --------
    >>> d = pd.DataFrame({"u": list("aabb"), "g": list("xyxy"), "n": [30, 10, 10, 50]})
    >>> dissimilarity_expected(d, "g", "u", "n", n_bootstrap=200, seed=1).round(3)  # doctest: +NORMALIZE_WHITESPACE
                 est     se  ci_low  ci_high
    stat
    D under 0  0.079  0.061     0.0    0.209
    """
    _check_inference(n_bootstrap, ci)
    table = _two_groups(count_table(data, group, unit, weight), group).to_numpy()
    return _expected(_d_counts, table, n_bootstrap, ci, np.random.default_rng(seed), ["D under 0"])


def mutual_total_expected(data: pd.DataFrame, group: str, unit: str, weight: str | None = None, *,
                          base: float = math.e, n_bootstrap: int = 100, ci: float = 0.95,
                          seed: int | np.random.Generator | None = None) -> pd.DataFrame:
    """M and H expected under random allocation with fixed margins (stats "M under 0", "H under 0").

    Examples
    --------
    >>> d = pd.DataFrame({"u": list("aabb"), "g": list("xyxy"), "n": [30, 10, 10, 50]})
    >>> mutual_total_expected(d, "g", "u", "n", n_bootstrap=200, seed=1).round(3)  # doctest: +NORMALIZE_WHITESPACE
                 est     se  ci_low  ci_high
    stat
    M under 0  0.005  0.007     0.0    0.022
    H under 0  0.007  0.010     0.0    0.033
    """
    _check_inference(n_bootstrap, ci)
    table = count_table(data, group, unit, weight).to_numpy()
    out = _expected(_mh_counts, table, n_bootstrap, ci, np.random.default_rng(seed), ["M under 0", "H under 0"])
    out.loc["M under 0"] = out.loc["M under 0"] / _log_base(base)
    return out


def _allocate(sizes: np.ndarray, groups: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One table (U, G) with unit totals ``sizes`` and group totals ``groups``, people allocated
    at random (multivariate hypergeometric draws, group by group)."""
    left = sizes.copy()
    out = np.zeros((len(sizes), len(groups)), dtype=np.int64)
    for j in range(len(groups) - 1):
        out[:, j] = rng.multivariate_hypergeometric(left, int(groups[j]), method="marginals")
        left = left - out[:, j]
    out[:, -1] = left
    return out


def mutual_local_expected(data: pd.DataFrame, group: str, unit: str, weight: str | None = None, *,
                          fixed_margins: bool = True, n_bootstrap: int = 100, base: float = math.e,
                          seed: int | np.random.Generator | None = None) -> pd.DataFrame:
    """Local segregation expected when people are allocated to units at random, as R's
    ``mutual_local_expected``.

    Each of ``n_bootstrap`` simulated tables allocates the N people at random given the group
    and unit totals: the observed totals (``fixed_margins=True``, R's default) or totals drawn
    from multinomials with the observed shares (``fixed_margins=False``). On each table
    ls_u = sum_g p_{g|u} log(p_{g|u} / p_g); small units have ls_u > 0 even without segregation.

    Returns columns ``unit`` (named after the argument), ``stat`` ("LS under 0"), ``est`` (mean
    over simulations), ``se`` (their standard deviation) and ``p_mean`` (mean unit share).

    References
    ----------
    Elbers, B. (2023). Sociological Methods & Research, 52(1), 5-42.
    Carrington, W. J., & Troske, K. R. (1997). On measuring segregation in samples with small
    units. Journal of Business & Economic Statistics, 15(4), 402-409.

    Examples
    --------
    >>> d = pd.DataFrame({"u": list(range(10)) * 2, "g": ["a"] * 10 + ["b"] * 10, "n": [1] * 10 + [9] * 10})
    >>> res = mutual_local_expected(d, "g", "u", "n", n_bootstrap=500, seed=1)
    >>> list(res.columns), bool(res["est"].between(0.03, 0.08).all())
    (['u', 'stat', 'est', 'se', 'p_mean'], True)
    """
    if not isinstance(fixed_margins, bool):
        raise ValueError(f"fixed_margins must be True or False, got {fixed_margins!r}")
    if int(n_bootstrap) < 2:
        raise ValueError(f"n_bootstrap must be at least 2, got {n_bootstrap}")
    scale = _log_base(base)
    wide = count_table(data, group, unit, weight)
    counts = _integer_counts(wide.to_numpy())
    sizes, groups = counts.sum(axis=1), counts.sum(axis=0)
    total = int(counts.sum())
    rng = np.random.default_rng(seed)
    ls = np.empty((int(n_bootstrap), len(sizes)))
    pu = np.empty_like(ls)
    for b in range(int(n_bootstrap)):
        if fixed_margins:
            sim = _allocate(sizes, groups, rng)
        else:
            sim = _allocate(rng.multinomial(total, sizes / total), rng.multinomial(total, groups / total), rng)
        with np.errstate(divide="ignore", invalid="ignore"):
            local = _local_counts(sim.astype(float))
        ls[b], pu[b] = local[:, 0] / scale, local[:, 1]
    return pd.DataFrame({unit: wide.index.to_numpy(), "stat": "LS under 0", "est": ls.mean(axis=0),
                         "se": ls.std(axis=0, ddof=1), "p_mean": pu.mean(axis=0)})
