"""Segregation of groups (women, men, ...) across units (occupations, employers, states, recruiters).

Long/tidy input everywhere: a DataFrame with a ``group`` column, a ``unit`` column and an optional
``weight`` column of counts (one row per person when ``weight`` is None). Results are DataFrames
indexed by ``stat`` with ``est``, and ``se``, ``ci_low``, ``ci_high``, ``bias`` when inference is
requested. The design follows the R package ``segregation`` (Elbers 2023); values agree with it and
with PySAL ``segregation`` where they overlap (``tests/test_segregation.py`` uses PySAL as an oracle).

Inference resamples the contingency table: each bootstrap replicate is a multinomial draw of the
N individuals over the cells with the observed cell shares, all replicates drawn as one numpy
array (in chunks), so no Python loop runs per observation. ``se`` is the standard deviation of
the replicates. ``method=`` chooses the bias correction and the interval:

- ``"noncentral"`` (default of ``mutual_total``): M_mm = M - (U - 1)(G - 1) / (2N) (Miller-Madow)
  and the interval that inverts the noncentral chi-square distribution of G = 2 N M
  (Goebel et al. 2005), analytic (``_noncentral``); H = M / E(group);
- ``"folded_normal"`` (default of ``dissimilarity``): each unit's share difference replaced by its
  folded-normal moment estimate, that estimate's remaining bias removed by the bootstrap, and the
  bootstrap percentile interval moved to it (``_d_folded_counts``);
- ``"jackknife"`` (default of the local and within verbs): est - jackknife bias, with the bootstrap
  percentile interval moved to that estimate;
- ``"percentile_bc"`` (what the R package ``segregation`` does, for every index):
  est_bc = 2 est - mean(boot), interval = quantiles of 2 est - boot.

The coverage study (``toolkit.segregation_coverage``, run by ``tests/test_segregation_coverage.py``;
population tables with known values, multinomial samples, 400 samples per case) chose them. In
issue 18's sparse rows (200 x 2 with N = 3,000, 7.5 people per cell; 300 x 2 with N = 2,500,
4.2 per cell) R's procedure covered M 87% and 43% of the time, the jackknife 93% and 88%, the
noncentral interval 96.5% and 97%; for D R's procedure covered 83.5% and 72%, the folded-normal
interval 90.5% and 91%. Every interval comes with a ``sparse`` flag (``ls_sparse`` for local
scores, per unit): True means "fewer people per cell than ``SPARSE_MEAN_CELL[measure][method]``,
below which the study measured this method's 95% interval to under-cover (or did not measure
it)", and a report must say so instead of "95%". D under weak segregation (many units whose two
shares are nearly equal) is not covered by any method at any cell size (see ``dissimilarity``);
the flag does not catch that case.

Also tried and rejected in that study (``toolkit/data/segregation_coverage.csv`` has the adopted
ones): BCa (Efron 1987) for M covered 0% in the sparse rows, because M's bias there exceeds two
standard errors and the bias-correction constant z0 saturates; the studentized bootstrap
(bootstrap-t with jackknife standard errors) of the jackknife estimate of M covered 0.935 at 7.5
per cell but 0.845 at 4.2; the Miller-Madow df counted over non-empty cells covered 0.31 at 4.2;
a beta-binomial empirical-Bayes D (after Rathelot 2012, moment estimate of the dispersion) moved
its bias by about 0.02 for a 20% change of that dispersion. (Exploratory runs, 200 samples per
case, not kept in the table.)

References
----------
Theil, H., & Finizza, A. J. (1971). A note on the measurement of racial integration of schools
by means of informational concepts. Journal of Mathematical Sociology, 1(2), 187-193.
Mora, R., & Ruiz-Castillo, J. (2011). Entropy-based segregation indices. Sociological Methodology,
41(1), 159-194.
Elbers, B. (2023). A method for studying differences in segregation across time and space.
Sociological Methods & Research, 52(1), 5-42.
Duncan, O. D., & Duncan, B. (1955). A methodological analysis of segregation indexes. American
Sociological Review, 20(2), 210-217.
Goebel, B., Dawy, Z., Hagenauer, J., & Mueller, J. C. (2005). An approximation to the distribution
of finite sample size mutual information estimates. IEEE International Conference on
Communications (ICC 2005), vol. 2.
Allen, R., Burgess, S., Davidson, R., & Windmeijer, F. (2015). More reliable inference for the
dissimilarity index of segregation. Econometrics Journal, 18(1), 40-66.
Efron, B. (1987). Better bootstrap confidence intervals. Journal of the American Statistical
Association, 82(397), 171-185.
Rathelot, R. (2012). Measuring segregation when units are small: a parametric approach. Journal
of Business & Economic Statistics, 30(4), 546-553.
"""
from __future__ import annotations

import dataclasses
import heapq
import math
from collections.abc import Callable, Sequence
from typing import Literal, get_args

import numpy as np
import pandas as pd
from scipy import special

__all__ = [
    "entropy",
    "mutual_total",
    "mutual_local",
    "mutual_within",
    "mutual_total_nested",
    "mutual_difference",
    "mutual_local_expected",
    "exposure",
    "isolation",
    "compress",
    "Compression",
    "get_crosswalk",
    "merge_units",
    "scree_plot",
    "segcurve",
    "segcurve_data",
    "segplot",
    "segplot_data",
    "dissimilarity",
    "dissimilarity_expected",
    "mutual_total_expected",
    "ipf",
    "occupational_indices",
    "count_table",
]

_CHUNK_CELLS = 5_000_000  # replicate x cell values held in memory at once
_CHUNK_WEIGHTS = 1_000_000  # unit draw counts per chunk: ~8 MB stays in cache (2x faster than 40 MB)
RESAMPLE = ("cells", "units")
Method = Literal["noncentral", "folded_normal", "jackknife", "percentile_bc"]  # see _summarise, _noncentral
METHODS = get_args(Method)
WITHIN_METHODS = ("jackknife", "percentile_bc")  # mutual_within: per stratum M, p, H, ent_ratio
# the methods each measure offers, its default first (chosen by tests/test_segregation_coverage.py)
MEASURE_METHODS = {"M": ("noncentral", "jackknife", "percentile_bc"),
                   "H": ("noncentral", "jackknife", "percentile_bc"),
                   "D": ("folded_normal", "percentile_bc", "jackknife"),
                   "ls": ("jackknife", "percentile_bc")}
# People per cell below which a method's 95% interval was measured (or, below the study's smallest
# mean cell of 3, not measured) to leave 0.92-0.98 in toolkit.segregation_coverage, by measure
# and method: N / (units x groups) for M, H and D; n_u / groups for a local score. ``inf``: the
# method under-covered even in the densest case of the study. ``tools/coverage_study.py``
# regenerates the study's table; a test checks these values against it.
SPARSE_MEAN_CELL = {
    "M": {"noncentral": 4.1, "jackknife": 7.5, "percentile_bc": 12.0},
    "H": {"noncentral": 4.1, "jackknife": 7.5, "percentile_bc": 12.0},
    "D": {"folded_normal": 4.1, "percentile_bc": 10.0, "jackknife": 100.0},
    "ls": {"jackknife": 20.0, "percentile_bc": math.inf},
}

#: D is also flagged when its plug-in value is below this multiple of its expectation under random
#: allocation of the same margins (``_d_random_expected``): there the study measured every method
#: to under-cover (weak segregation, true D 0.175, plug-in to random ratio about 1.25, coverage 0.82
#: at best), while every other two-group case of the grid has a ratio of 1.66 or more.
NEAR_RANDOM_D = 1.5


# --------------------------------------------------------------------------------------------
# input
def count_table(data: pd.DataFrame, group: str, unit: str | Sequence[str], weight: str | None = None
                ) -> pd.DataFrame:
    """Wide table of counts: one row per unit, one column per group (sorted labels, zeros filled).

    Raises ``KeyError`` naming a missing column and ``ValueError`` for negative, missing or
    non-finite weights, or an empty table.

    Examples
    --------
    >>> d = pd.DataFrame({"u": list("aabb"), "g": list("xyxy"), "n": [30, 10, 10, 50]})
    >>> count_table(d, "g", "u", "n")  # doctest: +NORMALIZE_WHITESPACE
    g     x     y
    u
    a  30.0  10.0
    b  10.0  50.0
    """
    units = [unit] if isinstance(unit, str) else list(unit)
    cols = [group, *units] + ([weight] if weight else [])
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise KeyError(f"column(s) {missing} not in data (has {list(data.columns)})")
    df = data[cols]
    for c in [group, *units]:
        if df[c].isna().any():
            rows = list(df.index[df[c].isna()][:5])
            raise ValueError(f"column {c!r} has missing values (rows {rows}); drop or label them first")
    if weight:
        w = pd.to_numeric(df[weight], errors="coerce").astype(float)
        bad = ~np.isfinite(w) | (w < 0)
        if bad.any():
            raise ValueError(f"weight column {weight!r} must be finite and non-negative; "
                             f"bad rows {list(df.index[bad][:5])}")
    else:
        w = pd.Series(1.0, index=df.index)
    wide = w.groupby([df[u] for u in units] + [df[group]], observed=True).sum().unstack(group, fill_value=0.0)
    wide = wide.sort_index().sort_index(axis=1)
    if wide.to_numpy().sum() <= 0:
        raise ValueError("the table has no positive counts")
    wide.columns.name = group
    return wide


def _integer_counts(table: np.ndarray) -> np.ndarray:
    rounded = np.rint(table)
    if not np.allclose(rounded, table):
        raise ValueError("bootstrap and simulation need integer counts (people); the weights are not "
                         "whole numbers. Round them, or use se=False for point estimates")
    return rounded.astype(np.int64)


# --------------------------------------------------------------------------------------------
# statistics on count arrays shaped (..., U, G); the same code serves estimates and replicates
def _xlogx_ratio(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(p > 0, p * np.log(np.where(p > 0, p, 1) / np.where(q > 0, q, 1)), 0.0)
    return out


def _entropy_of(p: np.ndarray, axis: int = -1) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1)), 0.0), axis=axis)


def _xlogx_sum(x: np.ndarray, axis) -> np.ndarray:
    """sum of x log x over ``axis`` (0 log 0 = 0), in one log pass."""
    logs = np.log(x, out=np.zeros_like(x, dtype=float), where=x > 0)
    return (x * logs).sum(axis=axis)


def _m_counts(n: np.ndarray) -> np.ndarray:
    """Mutual information M (natural log) of count arrays (..., U, G).

    M = [sum n_ug log n_ug - sum n_u log n_u - sum n_g log n_g + N log N] / N, the count form of
    sum p_ug log(p_ug / (p_u p_g)), which needs one logarithm per cell.
    """
    n = np.asarray(n, dtype=float)
    total = n.sum(axis=(-2, -1))
    cells = _xlogx_sum(n, (-2, -1))
    units = _xlogx_sum(n.sum(axis=-1), -1)
    groups = _xlogx_sum(n.sum(axis=-2), -1)
    safe = np.where(total > 0, total, 1.0)
    m = (cells - units - groups + total * np.log(safe)) / safe
    return np.maximum(m, 0.0)  # rounding can leave -1e-17 where M is 0


def _eg_counts(n: np.ndarray) -> np.ndarray:
    total = n.sum(axis=(-2, -1), keepdims=True)
    pg = (n / np.where(total > 0, total, 1)).sum(axis=-2)
    return _entropy_of(pg)


def _mh_counts(n: np.ndarray) -> np.ndarray:
    m, e = _m_counts(n), _eg_counts(n)
    h = np.divide(m, e, out=np.zeros_like(m), where=e > 0)
    return np.stack([m, h], axis=-1)


def _mh_unit_weights(n: np.ndarray, w: np.ndarray) -> np.ndarray:
    """M and H of resampled tables given as unit draw counts ``w`` (B, U) of the table ``n`` (U, G).

    A units bootstrap repeats whole rows, so the per-unit terms of ``_m_counts`` are fixed:
    with f(x) = x log x and c_u = sum_g f(n_ug) - f(n_u), replicate b has
    M_b = [sum_u w_bu c_u - sum_g f(n_bg) + f(N_b)] / N_b, n_bg = sum_u w_bu n_ug, which is
    ``_mh_counts(n[idx])`` for any draw idx with those counts, in O(B U G) without building the
    resampled tables.
    """
    n = np.asarray(n, dtype=float)
    c = _xlogx_sum(n, -1) - _xlogx_sum(n.sum(axis=-1), ())
    w = w.astype(float)
    groups = w @ n
    total = groups.sum(axis=-1)
    safe = np.where(total > 0, total, 1.0)
    m = np.maximum((w @ c - _xlogx_sum(groups, -1) + total * np.log(safe)) / safe, 0.0)
    e = _entropy_of(groups / safe[:, None])
    h = np.divide(m, e, out=np.zeros_like(m), where=e > 0)
    return np.stack([m, h], axis=-1)


def _per_stratum(n: np.ndarray) -> np.ndarray:
    """Per stratum of count arrays (..., W, U, G): M_w, p_w, H_w = M_w / E_w and ent_ratio_w = E_w / E."""
    tw = n.sum(axis=(-2, -1))
    pw = tw / tw.sum(axis=-1, keepdims=True)
    m, e_w = _m_counts(n), _eg_counts(n)
    e = np.broadcast_to(_eg_counts(n.sum(axis=-3))[..., None], e_w.shape)
    h = np.divide(m, e_w, out=np.zeros_like(m), where=e_w > 0)
    ratio = np.divide(e_w, e, out=np.zeros_like(e_w), where=e > 0)
    return np.stack([m, pw, h, ratio], axis=-1)


def _mh_within(n: np.ndarray) -> np.ndarray:
    """M and H within strata: arrays (..., W, U, G); M = sum_w p_w M_w, H = M / E(group).

    E is the group entropy of the whole table, so that H(between strata) + H(within) = H(total),
    as in the R package ``segregation`` (equivalently sum_w p_w (E_w / E) H_w).
    """
    m_w, p_w, h_w, ratio_w = np.moveaxis(_per_stratum(n), -1, 0)
    return np.stack([(p_w * m_w).sum(axis=-1), (p_w * ratio_w * h_w).sum(axis=-1)], axis=-1)


def _d_counts(n: np.ndarray) -> np.ndarray:
    """Duncan's D for count arrays (..., U, 2)."""
    col = n.sum(axis=-2, keepdims=True)
    share = n / np.where(col > 0, col, 1)
    return 0.5 * np.abs(share[..., 0] - share[..., 1]).sum(axis=-1)


def _local_counts(n: np.ndarray) -> np.ndarray:
    """Local segregation ls_u and unit share p_u: arrays (..., U, 2)."""
    total = n.sum(axis=(-2, -1), keepdims=True)
    p = n / total
    pu = p.sum(axis=-1, keepdims=True)
    pg = p.sum(axis=-2, keepdims=True)
    cond = p / np.where(pu > 0, pu, 1)
    ls = _xlogx_ratio(cond, np.broadcast_to(pg, cond.shape)).sum(axis=-1)
    return np.stack([ls, pu[..., 0]], axis=-1)


# --------------------------------------------------------------------------------------------
# inference
def _bootstrap(stat: Callable[[np.ndarray], np.ndarray], table: np.ndarray, n_bootstrap: int,
               rng: np.random.Generator, resample: str = "cells") -> np.ndarray:
    """Replicates of ``stat`` on resampled tables, vectorized over replicates.

    ``resample="cells"``: multinomial draws of the N individuals over the cells with the observed
    cell shares (as the R package ``segregation``). ``"units"``: the rows (units) of a
    units x groups table drawn with replacement (as PySAL's ``null_approach="bootstrap"``).
    """
    if resample == "units":
        if table.ndim != 2:
            raise ValueError("resample='units' needs a plain units x groups table (no within=)")
        units = table.shape[0]
        weighted = _UNIT_WEIGHTED.get(stat)
        chunk = max(1, (_CHUNK_CELLS // max(1, table.size)) if weighted is None else _CHUNK_WEIGHTS // units)
        out = []
        for start in range(0, n_bootstrap, chunk):
            size = min(chunk, n_bootstrap - start)
            idx = rng.integers(0, units, size=(size, units))
            if weighted is None:
                out.append(stat(table[idx]))
            else:  # the same draws, as counts per unit
                flat = (idx + units * np.arange(size)[:, None]).ravel()
                out.append(weighted(table, np.bincount(flat, minlength=size * units).reshape(size, units)))
        return np.concatenate(out, axis=0)
    counts = _integer_counts(table)
    n = int(counts.sum())
    p = (counts / n).ravel()
    chunk = max(1, _CHUNK_CELLS // max(1, p.size))
    out = []
    for start in range(0, n_bootstrap, chunk):
        size = min(chunk, n_bootstrap - start)
        draws = rng.multinomial(n, p, size=size).reshape((size, *table.shape)).astype(float)
        out.append(stat(draws))
    return np.concatenate(out, axis=0)


_UNIT_WEIGHTED = {_mh_counts: _mh_unit_weights}  # stats with a closed form for a units bootstrap


def _ls_counts(n: np.ndarray) -> np.ndarray:
    """Local scores ls_u alone of count arrays (..., U, G) (see ``_local_counts``)."""
    return _local_counts(n)[..., 0]


def _ls_leave_one_out(n: np.ndarray) -> np.ndarray:
    """Mean over the N individuals of the local scores (U,) with that individual left out.

    With c_ug = n_ug / n_u and log p'_g(h) = log((n_g - [g = h]) / (N - 1)) after removing a
    person of group h: other units keep c, so ls_u = sum_g c_ug log c_ug - sum_g c_ug log p'_g(h);
    the person's own unit u has c'_ug(h) = (n_ug - [g = h]) / (n_u - 1). The mean weights the
    first by n_h - n_uh and the second by n_uh, in O(U G^2).
    """
    big_n, nu, ng = n.sum(), n.sum(axis=1), n.sum(axis=0)
    eye = np.eye(n.shape[1])
    log_p = np.log(np.maximum(ng[None, :] - eye, 0) / (big_n - 1), out=np.zeros((n.shape[1],) * 2),
                   where=(ng[None, :] - eye) > 0)  # [h, g]
    c = n / np.where(nu > 0, nu, 1)[:, None]
    own = _xlogx_sum(c, -1)
    other = own[:, None] - c @ log_p.T  # [u, h]: a person of group h left another unit
    left = np.maximum(n[:, None, :] - eye[None], 0)  # [u, h, g]: the person left unit u
    size = np.maximum(nu - 1, 1)[:, None, None]
    cl = left / size
    self_ = _xlogx_sum(cl, -1) - (cl * log_p[None]).sum(axis=-1)
    return ((ng[None, :] - n) * other + n * self_).sum(axis=1) / big_n


def _mh_leave_one_out(n: np.ndarray) -> np.ndarray:
    """Mean over the N individuals of (M, H) with that individual left out, for a table n (U, G).

    With f(x) = x log x, S_c = sum f(n_ug), S_u = sum f(n_u), S_g = sum f(n_g), leaving out one
    person of cell (u, g) gives M_-ug = [S_c - f(n_ug) + f(n_ug - 1) - (S_u - f(n_u) + f(n_u - 1))
    - (S_g - f(n_g) + f(n_g - 1)) + f(N - 1)] / (N - 1) and E_-g = log(N - 1) - (S_g - f(n_g) +
    f(n_g - 1)) / (N - 1), so the mean sum_ug n_ug (M_-ug, M_-ug / E_-g) / N costs O(U G).
    """
    def f(x):
        return _xlogx_sum(np.maximum(x, 0), ())
    big_n, nu, ng = n.sum(), n.sum(axis=1), n.sum(axis=0)
    s_c, s_u, s_g = f(n).sum(), f(nu).sum(), f(ng).sum()
    groups = s_g - f(ng) + f(ng - 1)
    m = (s_c - f(n) + f(n - 1) - (s_u - f(nu) + f(nu - 1))[:, None] - groups[None, :] + f(big_n - 1)) / (big_n - 1)
    m = np.maximum(m, 0.0)
    e = np.log(big_n - 1) - groups / (big_n - 1) if big_n > 1 else np.zeros_like(groups)
    h = np.divide(m, e[None, :], out=np.zeros_like(m), where=e[None, :] > 1e-15)
    return np.array([(n * m).sum(), (n * h).sum()]) / big_n


def _jackknife(stat: Callable[[np.ndarray], np.ndarray], table: np.ndarray, resample: str = "cells") -> np.ndarray:
    """Jackknife bias of ``stat`` at ``table``: (n - 1) * (mean of the leave-one-out values - stat(table)).

    ``resample="cells"`` leaves out one individual at a time (n = N; a cell's leave-one-out table
    stands for each of its n_c members, so the mean weights it by n_c, and only non-empty cells are
    evaluated); ``"units"`` leaves out one unit (row) at a time (n = number of non-empty units).
    The tables are evaluated in chunks as one array, by the same ``stat`` as the estimate, except
    for M and H and the local scores, whose leave-one-out values have closed forms
    (``_mh_leave_one_out``, ``_ls_leave_one_out``; with units, ``_mh_unit_weights`` on weights with
    the unit's weight set to 0), O(U G^2) instead of O((U G)^2).
    """
    closed = {_mh_counts: _mh_leave_one_out, _ls_counts: _ls_leave_one_out}.get(stat)
    if resample == "cells" and closed is not None and table.ndim == 2:
        counts = _integer_counts(table)
        n = counts.sum()
        return (n - 1) * (closed(counts.astype(float)) - stat(table))
    weighted = _UNIT_WEIGHTED.get(stat) if resample == "units" else None
    flat, g = table.astype(float).ravel(), table.shape[-1]
    if resample == "units":
        weights = (table.sum(axis=-1) > 0).astype(float).ravel()  # one per non-empty unit
    else:
        weights = _integer_counts(table).ravel().astype(float)  # one per person
    where = np.flatnonzero(weights)
    chunk = max(1, _CHUNK_CELLS // max(1, table.size))
    sums = 0.0
    for start in range(0, len(where), chunk):
        part = where[start:start + chunk]
        rows = np.arange(len(part))[:, None]
        if weighted is not None:
            w = np.ones((len(part), table.shape[0]))
            w[rows[:, 0], part] = 0
            sums = sums + np.tensordot(weights[part], weighted(table, w), axes=(0, 0))
            continue
        loo = np.tile(flat, (len(part), 1))
        if resample == "units":
            loo[rows, part[:, None] * g + np.arange(g)] = 0  # the unit's row emptied
        else:
            loo[rows[:, 0], part] -= 1  # one person fewer in the cell
        values = stat(loo.reshape(len(part), *table.shape))
        sums = sums + np.tensordot(weights[part], values, axes=(0, 0))
    n = weights.sum()
    return (n - 1) * (sums / n - stat(table))


def _summarise(est: np.ndarray, boot: np.ndarray | None, ci: float, *, method: str = "percentile_bc",
               bias: np.ndarray | None = None, sparse: np.ndarray | bool | None = None
               ) -> dict[str, np.ndarray]:
    """Estimate, ``se``, interval and ``bias`` from bootstrap replicates ``boot`` of ``est``.

    With b the replicates, mean(b) their mean and q_a their a-quantile (numpy's default, R's
    type 7), alpha = (1 - ci) / 2, se = sd(b) always, and

    - ``"percentile_bc"`` (the R package ``segregation``, ``bootstrap_summary``): the replicates
      are reflected, d = 2 est - b; est_bc = mean(d) = est - bias with bias = mean(b) - est, and
      the interval is [q_alpha(d), q_(1-alpha)(d)] = [2 est - q_(1-alpha)(b), 2 est - q_alpha(b)]
      (Davison & Hinkley's basic interval around the bootstrap-bias-corrected estimate; Allen et
      al. 2015 use the same bias correction for D).
    - ``"jackknife"`` and ``"folded_normal"``: ``bias`` is given (the jackknife bias, Quenouille
      1956, Efron & Stein 1981; for ``"folded_normal"`` see ``_d_folded_counts``),
      est_c = est - bias, and the interval is the bootstrap percentile interval moved to est_c:
      [est_c + q_alpha(b) - mean(b), est_c + q_(1-alpha)(b) - mean(b)]. It keeps the
      replicates' skew the right way round, which matters for indices near their floor of 0
      (local scores): the reflected interval of ``"percentile_bc"`` turns a right skew into a
      left one.

    (``"noncentral"`` needs no replicates for its interval: ``_noncentral``.) ``sparse``
    (broadcast to the shape of ``est``) is passed through: the callers set it where the mean
    count per cell is below ``SPARSE_MEAN_CELL`` of the measure and method.
    """
    if boot is None:
        return {"est": est}
    mean = boot.mean(axis=0)
    alpha = (1 - ci) / 2
    lo, hi = np.quantile(boot, alpha, axis=0), np.quantile(boot, 1 - alpha, axis=0)
    bias = mean - est if method == "percentile_bc" else bias
    centre = est - bias
    out = {"est": centre, "se": boot.std(axis=0, ddof=1), "ci_low": centre + (lo - mean),
           "ci_high": centre + (hi - mean), "bias": bias}
    if method == "percentile_bc":  # R's arithmetic exactly: quantiles of the reflected replicates
        out["ci_low"], out["ci_high"] = 2 * est - hi, 2 * est - lo
    if sparse is not None:
        out["sparse"] = np.broadcast_to(sparse, np.shape(est)).copy()
    return out


def _independence_df(n: np.ndarray) -> np.ndarray:
    """Degrees of freedom (U - 1)(G - 1) of count arrays (..., U, G), counting non-empty units and groups."""
    units = (n.sum(axis=-1) > 0).sum(axis=-1)
    groups = (n.sum(axis=-2) > 0).sum(axis=-1)
    return (np.maximum(units - 1, 0) * np.maximum(groups - 1, 0)).astype(float)


def _noncentral(m: np.ndarray, total: np.ndarray, df: np.ndarray, ci: float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Miller-Madow estimate of M (nats) and the interval that inverts the noncentral chi-square of G.

    G = 2 N M_hat (the likelihood-ratio statistic of independence) is approximately noncentral
    chi-square with df = (U - 1)(G - 1) and noncentrality lambda = 2 N M (Goebel et al. 2005).
    The estimate is (G - df) / (2N), truncated at 0: plug-in M minus its first-order bias
    (U - 1)(G - 1) / (2N) (Miller 1955). The interval is [lambda_lo, lambda_hi] / (2N), where
    lambda_lo and lambda_hi solve F(G; df, lambda) = 1 - alpha and = alpha (F the noncentral
    chi-square distribution function, alpha = (1 - ci) / 2; ``scipy.special.chndtrinc``), or 0
    where even lambda = 0 leaves G below that quantile: the test inversion of Steiger & Lind's
    RMSEA interval (Steiger 1990). With df = 0 (one unit or one group) M is 0 and so is the
    interval.

    Examples
    --------
    >>> est, lo, hi = _noncentral(np.array([0.05]), np.array([200.0]), np.array([1.0]), 0.95)
    >>> [round(float(v[0]), 4) for v in (est, lo, hi)]  # G = 20, df = 1
    [0.0475, 0.0158, 0.1034]
    """
    g = 2 * total * m
    alpha = (1 - ci) / 2
    safe = np.maximum(df, 1.0)
    at_zero = special.chndtr(g, safe, 0.0)  # F(G; df, 0)
    lo = np.where(at_zero > 1 - alpha, special.chndtrinc(g, safe, np.full_like(g, 1 - alpha)), 0.0)
    hi = np.where(at_zero > alpha, special.chndtrinc(g, safe, np.full_like(g, alpha)), 0.0)
    scale = 2 * np.where(total > 0, total, 1.0)
    return tuple(np.where(df > 0, v / scale, 0.0) for v in (np.maximum(g - df, 0.0), lo, hi))


def _noncentral_mh(table: np.ndarray, boot: np.ndarray | None, ci: float, sparse: np.ndarray) -> dict[str, np.ndarray]:
    """``_noncentral`` for M and H = M / E(group) of a table (U, G) or strata (W, U, G) (M within
    strata: G = sum_w 2 N_w M_w, noncentral chi-square with df = sum_w (U_w - 1)(G_w - 1)).
    ``se`` is the standard deviation of the bootstrap replicates ``boot`` (of M and H), as for
    every method; ``bias`` is the plug-in estimate minus the Miller-Madow one."""
    whole = table.reshape(-1, table.shape[-1]) if table.ndim == 3 else table
    plug = _mh_counts(table) if table.ndim == 2 else _mh_within(table)
    if boot is None:
        return {"est": plug}
    df = np.atleast_1d(_independence_df(table)).sum()
    e = _eg_counts(whole)
    m = _noncentral(np.array([plug[0]]), np.array([whole.sum()]), np.array([df]), ci)
    values = {key: np.array([v[0], v[0] / e if e > 0 else 0.0]) for key, v in zip(("est", "ci_low", "ci_high"), m)}
    return {"est": values["est"], "se": boot.std(axis=0, ddof=1), "ci_low": values["ci_low"],
            "ci_high": values["ci_high"], "bias": plug - values["est"],
            "sparse": np.broadcast_to(sparse, (2,)).copy()}


def _fold_grid() -> tuple[np.ndarray, np.ndarray]:
    """r and h(r) = E|Z + r| for Z standard normal, r in [0, 10]: h(r) = sqrt(2/pi) exp(-r^2/2) + r erf(r / sqrt 2)."""
    r = np.linspace(0.0, 10.0, 4001)
    return r, math.sqrt(2 / math.pi) * np.exp(-r * r / 2) + r * special.erf(r / math.sqrt(2))


_FOLD_R, _FOLD_H = _fold_grid()


def _d_folded_counts(n: np.ndarray) -> np.ndarray:
    """D with each unit's |share difference| replaced by its folded-normal moment estimate, arrays (..., U, 2).

    For unit u, x_u = n_ua / N_a - n_ub / N_b has mean mu_u and, given the group totals, variance
    s_u^2 = a_u (1 - a_u) / N_a + b_u (1 - b_u) / N_b (a_u, b_u the observed shares). If x_u is
    normal, E|x_u| = s_u h(|mu_u| / s_u) with h(r) = sqrt(2/pi) exp(-r^2/2) + r erf(r / sqrt 2),
    which exceeds |mu_u|: the upward bias of D (Mazza & Punzo 2015 prove it is never negative).
    The moment estimate solves s_u h(m_u / s_u) = |x_u| for m_u (0 where |x_u| < s_u sqrt(2/pi),
    a difference no larger than noise; ``np.interp`` on a grid of h), and D_f = 1/2 sum_u m_u. It
    is the fixed point of iterating the bootstrap bias correction under that normal
    approximation; ``dissimilarity(method="folded_normal")`` removes its remaining bias with the
    bootstrap (Allen et al. 2015's correction applied to D_f).

    Examples
    --------
    >>> n = np.array([[30.0, 10.0], [10.0, 50.0], [4.0, 6.0], [3.0, 2.0]])
    >>> round(float(_d_counts(n)), 4), round(float(_d_folded_counts(n)), 4)  # the small units count less
    (0.5257, 0.5133)
    """
    col = n.sum(axis=-2, keepdims=True)
    col = np.where(col > 0, col, 1.0)
    share = n / col
    x = np.abs(share[..., 0] - share[..., 1])
    sd = np.sqrt((share * (1 - share) / col).sum(axis=-1))
    y = np.divide(x, sd, out=np.zeros_like(x), where=sd > 0)
    r = np.where(y >= _FOLD_H[-1], y, np.interp(y, _FOLD_H, _FOLD_R))
    return 0.5 * np.where(sd > 0, sd * r, x).sum(axis=-1)


def _mean_cell(n: np.ndarray) -> np.ndarray:
    """Mean count per cell over the non-empty rows of count arrays (..., U, G): N / (U_nonempty G)."""
    rows = (n.sum(axis=-1) > 0).sum(axis=-1)
    return n.sum(axis=(-2, -1)) / np.maximum(rows, 1) / n.shape[-1]


def _check_inference(n_bootstrap: int, ci: float, method: str = "jackknife", resample: str = "cells",
                     allowed: Sequence[str] = METHODS, verb: str = "") -> None:
    """Validate the inference options on every call, whatever ``se`` says; ``method`` one of
    ``allowed`` (the verb's methods, ``MEASURE_METHODS``; see ``_summarise`` and ``_noncentral``),
    ``resample`` one of ``RESAMPLE`` (see ``_bootstrap``).

    The defaults are the methods whose coverage ``tests/test_segregation_coverage.py`` measured
    closest to nominal: ``"noncentral"`` for M and H, ``"folded_normal"`` for D, ``"jackknife"``
    for local scores; ``"percentile_bc"`` is what the R package ``segregation`` does (kept to
    reproduce its numbers). ``"noncentral"`` models people sampled independently (multinomial),
    so it does not combine with ``resample="units"``.
    """
    where = f" for {verb}" if verb else ""
    if method not in allowed:
        raise ValueError(f"method must be one of {list(allowed)}{where}, got {method!r}")
    if resample not in RESAMPLE:
        raise ValueError(f"resample must be one of {list(RESAMPLE)}, got {resample!r}")
    if method == "noncentral" and resample == "units":
        raise ValueError("method='noncentral' is analytic for people sampled independently and does not "
                         "resample units; with resample='units' use method='jackknife' or 'percentile_bc'")
    if int(n_bootstrap) < 2:
        raise ValueError(f"n_bootstrap must be at least 2, got {n_bootstrap}")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, got {ci}")


def _sparse(measure: str, method: str, mean_cell: np.ndarray) -> np.ndarray:
    """The ``sparse`` flag: fewer people per cell than ``SPARSE_MEAN_CELL[measure][method]``."""
    return np.asarray(mean_cell < SPARSE_MEAN_CELL[measure][method])


def _d_random_expected(n: np.ndarray) -> np.ndarray:
    """E[D] under random allocation of count tables ``n`` (..., U, 2), by the normal approximation.

    Each unit's first-group count is Binomial(n_u, P), P = N_1 / N; the unit's term
    x_u = n_u1 / N_1 - n_u2 / N_2 then has mean 0 and sd_u = sqrt(n_u P (1 - P)) (1/N_1 + 1/N_2),
    and E|x_u| = sqrt(2 / pi) sd_u, so E[D] = 1/2 sum_u sqrt(2 / pi) sd_u (Carrington & Troske
    1997 give the same baseline by simulation: ``dissimilarity_expected``).

    >>> n = np.array([[50.0, 50.0], [50.0, 50.0]])
    >>> round(float(_d_random_expected(n)), 4)  # 2 x 0.5 x sqrt(2/pi) x 5 x (2/100)
    0.0798
    """
    n = np.asarray(n, dtype=float)
    tot = n.sum(axis=-2)
    total = tot.sum(axis=-1)
    p = np.divide(tot[..., 0], total, out=np.zeros_like(total), where=total > 0)
    inv = np.divide(1.0, tot, out=np.zeros_like(tot), where=tot > 0).sum(axis=-1)
    sd = np.sqrt(n.sum(axis=-1) * (p * (1 - p))[..., None]) * inv[..., None]
    return 0.5 * math.sqrt(2 / math.pi) * sd.sum(axis=-1)


def _d_near_random(n: np.ndarray) -> np.ndarray:
    """True where the plug-in D of ``n`` (..., U, 2) is below ``NEAR_RANDOM_D`` x its expectation
    under random allocation: weak segregation, where no interval method covered in the study."""
    return np.asarray(_d_counts(n) < NEAR_RANDOM_D * _d_random_expected(n))


def _log_base(base: float) -> float:
    if base <= 0 or base == 1:
        raise ValueError(f"base must be positive and not 1, got {base}")
    return math.log(base)


# --------------------------------------------------------------------------------------------
# public verbs
def entropy(data: pd.DataFrame, col: str, weight: str | None = None, base: float = math.e) -> float:
    """Shannon entropy of the distribution of ``col``: E = -sum_k p_k log(p_k).

    References
    ----------
    Shannon, C. E. (1948). A mathematical theory of communication. Bell System Technical
    Journal, 27(3), 379-423.

    Examples
    --------
    >>> d = pd.DataFrame({"u": list("aabb"), "g": list("xyxy"), "n": [30, 10, 10, 50]})
    >>> round(entropy(d, "g", "n"), 4)  # -(0.4 log 0.4 + 0.6 log 0.6)
    0.673
    """
    counts = count_table(data.assign(_one="all"), col, "_one", weight).to_numpy()[0]
    return float(_entropy_of(counts / counts.sum()) / _log_base(base))


def _within_array(data, group, unit, weight, within):
    """Counts as an array (W, U, G) over strata ``within`` (a column or a list), and the strata index."""
    within = [within] if isinstance(within, str) else list(within)
    wide = count_table(data, group, [*within, unit], weight)
    strata = wide.index.droplevel(-1).unique()
    units = wide.index.get_level_values(-1).unique().sort_values()
    arr = np.zeros((len(strata), len(units), wide.shape[1]))
    s_idx = strata.get_indexer(wide.index.droplevel(-1))
    u_idx = units.get_indexer(wide.index.get_level_values(-1))
    arr[s_idx, u_idx, :] = wide.to_numpy()
    return arr, strata


def mutual_total(data: pd.DataFrame, group: str, unit: str | Sequence[str], weight: str | None = None, *,
                 within: str | Sequence[str] | None = None, base: float = math.e, se: bool = False,
                 n_bootstrap: int = 100, ci: float = 0.95, seed: int | np.random.Generator | None = None,
                 resample: Literal["cells", "units"] = "cells", method: Method = "noncentral") -> pd.DataFrame:
    """Mutual information index M and Theil's information index H.

    M = sum_u sum_g p_ug log(p_ug / (p_u p_g)),  H = M / E(group),  E = -sum_g p_g log p_g.
    With ``within`` (strata w): M = sum_w p_w M_w and H = M / E(group) with the group entropy of
    the whole table, so between and within H add up to the total H (Elbers 2023; the R package).
    ``unit`` may be a list: the units are then the combinations of those columns.
    ``resample`` chooses the bootstrap: "cells" (multinomial over the table, default) or "units"
    (units drawn with replacement; see ``_bootstrap``). ``method`` chooses the bias correction
    and interval (``MEASURE_METHODS["M"]``):

    - "noncentral" (default): est = M - (U - 1)(G - 1) / (2N) (Miller 1955), truncated at 0, and
      the interval [lambda_lo, lambda_hi] / (2N) that inverts the noncentral chi-square
      distribution of G = 2 N M (df = (U - 1)(G - 1), noncentrality 2 N M; Goebel et al. 2005;
      the inversion of Steiger's RMSEA interval); H's bounds are M's divided by E(group). It is
      analytic: people sampled independently (so not with ``resample="units"``); ``se`` is still
      the bootstrap's. In the coverage study it covered 0.96-0.99 from 133 down to 4.2 people per
      cell (0.965 and 0.97 in issue 18's sparse rows, where R's procedure covered 0.87 and 0.43),
      0.94 at 3 per cell with lognormal unit sizes but 0.85 at 3 per cell with equal units (hence
      the flag below 4.1); it is conservative (0.98-0.99) in dense tables with large M, where the
      approximation's
      variance 2 (df + 2 lambda) exceeds the true one;
    - "jackknife": est - (N - 1)(mean of the leave-one-person-out values - est) (leave-one-unit-out
      with ``resample="units"``), with the bootstrap percentile interval moved to it; it removes
      the O(1/N) bias too (Quenouille 1956), and covered 0.92-0.95 down to 7.5 people per cell,
      0.88 at 4.2 and 0.77 at 3;
    - "percentile_bc" (what the R package ``segregation`` does, for reproducing its numbers):
      2 est - mean(boot), quantiles of 2 est - boot; see ``_summarise``. The bootstrap
      underestimates M's bias when cells are small, because cells with no one in the sample
      never get anyone in a replicate.

    Returns a DataFrame indexed by ``stat`` ("M", "H") with ``est`` (and ``se``, ``ci_low``,
    ``ci_high``, ``bias`` and ``sparse`` when ``se=True``; ``est`` is then bias-corrected, and
    ``sparse`` is True when the table has fewer people per cell, N / (units x groups), than
    ``SPARSE_MEAN_CELL[stat][method]`` (4.1 for "noncentral"), where the coverage study found or
    could not rule out under-coverage; ``toolkit.segregation_coverage``).

    References
    ----------
    Theil, H., & Finizza, A. J. (1971). Journal of Mathematical Sociology, 1(2), 187-193.
    Mora, R., & Ruiz-Castillo, J. (2011). Sociological Methodology, 41(1), 159-194.
    Elbers, B. (2023). Sociological Methods & Research, 52(1), 5-42.
    Miller, G. A. (1955). Note on the bias of information estimates. In H. Quastler (Ed.),
    Information Theory in Psychology (pp. 95-100). Free Press.
    Panzeri, S., & Treves, A. (1996). Analytical estimates of limited sampling biases in different
    information measures. Network: Computation in Neural Systems, 7(1), 87-107.
    Quenouille, M. H. (1956). Notes on bias in estimation. Biometrika, 43(3-4), 353-360.
    Efron, B., & Stein, C. (1981). The jackknife estimate of variance. Annals of Statistics, 9(3),
    586-596.
    Goebel, B., Dawy, Z., Hagenauer, J., & Mueller, J. C. (2005). An approximation to the
    distribution of finite sample size mutual information estimates. IEEE International
    Conference on Communications (ICC 2005), vol. 2.
    Steiger, J. H. (1990). Structural model evaluation and modification: an interval estimation
    approach. Multivariate Behavioral Research, 25(2), 173-180.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"sex": ["F", "M"] * 3, "occ": ["a", "a", "b", "b", "c", "c"],
    ...                    "n": [30, 10, 10, 50, 4, 6]})
    >>> mutual_total(df, "sex", "occ", "n").round(4)  # doctest: +NORMALIZE_WHITESPACE
             est
    stat
    M     0.1616
    H     0.2401
    >>> mutual_total(df, "sex", "occ", "n", se=True, n_bootstrap=500, seed=1).round(4)  # doctest: +NORMALIZE_WHITESPACE
             est      se  ci_low  ci_high    bias  sparse
    stat
    M     0.1525  0.0496  0.0691   0.2800  0.0091   False
    H     0.2266  0.0742  0.1027   0.4161  0.0135   False
    >>> mutual_total(df, "sex", "occ", "n", se=True, n_bootstrap=500, seed=1, method="jackknife").round(4)
    ... # doctest: +NORMALIZE_WHITESPACE
             est      se  ci_low  ci_high    bias  sparse
    stat
    M     0.1516  0.0496  0.0670   0.2602  0.0099   False
    H     0.2237  0.0742  0.0982   0.3820  0.0164   False
    >>> r = mutual_total(df, "sex", "occ", "n", se=True, n_bootstrap=500, seed=1, method="percentile_bc")
    >>> r.round(4)  # doctest: +NORMALIZE_WHITESPACE
             est      se  ci_low  ci_high    bias  sparse
    stat
    M     0.1532  0.0496  0.0446   0.2378  0.0084   False
    H     0.2255  0.0742  0.0672   0.3510  0.0146   False
    """
    scale = _log_base(base)
    if within is None:
        table = count_table(data, group, unit, weight).to_numpy()
        stat = _mh_counts
    else:
        table, _ = _within_array(data, group, unit, weight, within)
        stat = _mh_within
    est = stat(table)
    boot = jack = None
    _check_inference(n_bootstrap, ci, method, resample, MEASURE_METHODS["M"], "mutual_total")
    if se:
        boot = _bootstrap(stat, table, n_bootstrap, np.random.default_rng(seed), resample)
        jack = _jackknife(stat, table, resample) if method == "jackknife" else None
    cells = _mean_cell(table.reshape(-1, table.shape[-1]))
    sparse = np.array([_sparse("M", method, cells), _sparse("H", method, cells)])
    if method == "noncentral":
        out = _noncentral_mh(table, boot, ci, sparse)
    else:
        out = _summarise(est, boot, ci, method=method, bias=jack, sparse=sparse)
    frame = pd.DataFrame(out, index=pd.Index(["M", "H"], name="stat"))
    values = [c for c in frame.columns if c != "sparse"]
    frame.loc["M", values] = frame.loc["M", values] / scale  # M is computed in nats; H does not depend on the base
    return frame


def mutual_local(data: pd.DataFrame, group: str, unit: str, weight: str | None = None, *,
                 wide: bool = False,
                 base: float = math.e, se: bool = False, n_bootstrap: int = 100, ci: float = 0.95,
                 seed: int | np.random.Generator | None = None, method: Method = "jackknife") -> pd.DataFrame:
    """Local segregation scores: ls_u = sum_g p_{g|u} log(p_{g|u} / p_g) and unit shares p_u.

    By default (``wide=False``, as R's ``mutual_local``) the result is long: columns ``unit``
    (named after the argument), ``stat`` ("ls" rows for every unit, then "p" rows; units sorted)
    and ``est`` (and, with ``se=True``, ``se``, ``ci_low``, ``ci_high``, ``bias`` for both
    stats, from the same bootstrap replicates). ``wide=True`` gives the table described next.

    M = sum_u p_u ls_u. Returns one row per unit (index named after ``unit``) with columns
    ``ls`` and ``p`` (and, with ``se=True``, ``ls_se``, ``ls_ci_low``, ``ls_ci_high``, ``ls_bias``
    and ``ls_sparse``: True for units with fewer than ``SPARSE_MEAN_CELL["ls"][method]`` (20 for
    "jackknife") people per group, n_u / G, whose interval may under-cover). ``method`` is
    "jackknife" (default) or R's "percentile_bc" (``MEASURE_METHODS["ls"]``; see
    ``mutual_total``). The default matters most here: a local score sits near its floor of 0 with
    a right-skewed sampling distribution, and R's reflected interval turned that skew the wrong way
    (coverage 0.78-0.93 against 0.92-0.95 in the coverage study, so every "percentile_bc" local
    score is flagged).

    Examples
    --------
    >>> d = pd.DataFrame({"u": list("aabb"), "g": list("xyxy"), "n": [30, 10, 10, 50]})
    >>> mutual_local(d, "g", "u", "n").round(4)
       u stat     est
    0  a   ls  0.2526
    1  b   ls  0.1278
    2  a    p  0.4000
    3  b    p  0.6000
    >>> mutual_local(d, "g", "u", "n", wide=True).round(4).to_dict("index")
    {'a': {'ls': 0.2526, 'p': 0.4}, 'b': {'ls': 0.1278, 'p': 0.6}}

    >>> df = pd.DataFrame({"sex": ["F", "M"] * 3, "occ": ["a", "a", "b", "b", "c", "c"],
    ...                    "n": [30, 10, 10, 50, 4, 6]})
    >>> out = mutual_local(df, "sex", "occ", "n", wide=True, se=True, n_bootstrap=500, seed=1)
    >>> out[["ls", "p", "ls_ci_low", "ls_ci_high", "ls_sparse"]].round(3)  # doctest: +NORMALIZE_WHITESPACE
            ls      p  ls_ci_low  ls_ci_high  ls_sparse
    occ
    a    0.241  0.364      0.088       0.453      False
    b    0.121  0.545      0.045       0.226      False
    c   -0.056  0.091     -0.107       0.165       True

    References
    ----------
    Frankel, D. M., & Volij, O. (2011). Measuring school segregation. Journal of Economic Theory,
    146(1), 1-38. Elbers (2023).
    """
    if not wide:  # R's long form, built from the wide table below (``wide`` is then reused for it)
        table = mutual_local(data, group, unit, weight, wide=True, base=base, se=se, n_bootstrap=n_bootstrap,
                             ci=ci, seed=seed, method=method)
        return _local_long(table, data, group, unit, weight, base=base, se=se, n_bootstrap=n_bootstrap,
                           ci=ci, seed=seed)
    scale = _log_base(base)
    wide = count_table(data, group, unit, weight)
    table = wide.to_numpy()
    est = _local_counts(table)
    out = pd.DataFrame({"ls": est[:, 0] / scale, "p": est[:, 1]}, index=wide.index)
    _check_inference(n_bootstrap, ci, method, allowed=MEASURE_METHODS["ls"], verb="mutual_local")
    if se:
        boot = _bootstrap(_local_counts, table, n_bootstrap, np.random.default_rng(seed))[..., 0]
        jack = _jackknife(_ls_counts, table) if method == "jackknife" else None
        small = _sparse("ls", method, _mean_cell(table[:, None, :]))  # n_u / G, per unit
        summ = _summarise(est[:, 0], boot, ci, method=method, bias=jack, sparse=small)
        out["ls"] = summ["est"] / scale
        for key in ("se", "ci_low", "ci_high", "bias"):
            out[f"ls_{key}"] = summ[key] / scale
        out["ls_sparse"] = summ["sparse"]
    return out


def _local_long(table: pd.DataFrame, data, group, unit, weight, *, base, se, n_bootstrap, ci, seed) -> pd.DataFrame:
    """``mutual_local``'s wide table as R's long one: "ls" rows (with the wide table's interval
    columns), then "p" rows, whose interval comes from the same replicates (same seed, same
    table, so the same draws) as the local scores'."""
    units = table.index.to_numpy()
    ls = pd.DataFrame({unit: units, "stat": "ls", "est": table["ls"].to_numpy()})
    p = pd.DataFrame({unit: units, "stat": "p", "est": table["p"].to_numpy()})
    if se:
        counts = count_table(data, group, unit, weight).to_numpy()
        boot = _bootstrap(_local_counts, counts, n_bootstrap, np.random.default_rng(seed))[..., 1]
        parts = _summarise(_local_counts(counts)[:, 1], boot, ci)
        p["est"] = parts["est"]  # bias-corrected, as every estimate with se=True
        for key in [c[3:] for c in table.columns if c.startswith("ls_")]:
            ls[key] = table[f"ls_{key}"].to_numpy()
            if key in parts and key != "sparse":
                p[key] = parts[key]
        if "sparse" in ls:  # a unit share's interval is R's; only local scores are flagged
            p["sparse"] = False
    return pd.concat([ls, p], ignore_index=True)


def mutual_within(data: pd.DataFrame, group: str, unit: str | Sequence[str], within: str | Sequence[str],
                  weight: str | None = None, *, base: float = math.e, se: bool = False, n_bootstrap: int = 100,
                  ci: float = 0.95, seed: int | np.random.Generator | None = None, wide: bool = False,
                  method: Method = "jackknife") -> pd.DataFrame:
    """Segregation within each stratum (e.g. within each program or state), as R's ``mutual_within``.

    For stratum w: ``M`` = M_w, ``p`` = p_w (its share of the total), ``H`` = M_w / E_w and
    ``ent_ratio`` = E_w / E, with E_w the group entropy within the stratum and E the overall one.
    They add up to the ``within=`` totals of ``mutual_total``: M = sum_w p_w M_w and
    H = sum_w p_w ent_ratio_w H_w.

    Returns long data (``within`` columns, ``stat``, ``est`` and, with ``se=True``, ``se``,
    ``ci_low``, ``ci_high``, ``bias`` from the multinomial bootstrap of the whole table, with
    ``method`` "jackknife" (default) or "percentile_bc" as in ``mutual_total`` (``WITHIN_METHODS``:
    the noncentral interval covers M and H, not ``p`` and ``ent_ratio``), and ``sparse`` per
    stratum: fewer than ``SPARSE_MEAN_CELL["M"][method]`` (7.5 for "jackknife") people per cell in
    the stratum), or with
    ``wide=True`` one row per stratum with columns ``M``, ``p``, ``H``, ``ent_ratio`` (estimates).

    References
    ----------
    Elbers, B. (2023). A method for studying differences in segregation across time and space.
    Sociological Methods & Research, 52(1), 5-42. Mora, R., & Ruiz-Castillo, J. (2011).

    Examples
    --------
    >>> d = pd.DataFrame({"w": ["A"] * 4 + ["B"] * 4, "u": list("aabbccdd"), "g": list("xyxyxyxy"),
    ...                   "n": [30, 10, 10, 50, 20, 20, 25, 25]})
    >>> mutual_within(d, "g", "u", "w", "n", wide=True).round(4)  # no segregation within B
       w       M       p       H  ent_ratio
    0  A  0.1777  0.5263  0.2641     0.9788
    1  B  0.0000  0.4737  0.0000     1.0081
    """
    scale = _log_base(base)
    within = [within] if isinstance(within, str) else list(within)
    table, strata = _within_array(data, group, unit, weight, within)
    est = _per_stratum(table)
    boot = jack = None
    _check_inference(n_bootstrap, ci, method, allowed=WITHIN_METHODS, verb="mutual_within")
    if se:
        boot = _bootstrap(_per_stratum, table, n_bootstrap, np.random.default_rng(seed))
        jack = _jackknife(_per_stratum, table) if method == "jackknife" else None
    parts = _summarise(est, boot, ci, method=method, bias=jack, sparse=_sparse("M", method, _mean_cell(table))[:, None])
    stats = ["M", "p", "H", "ent_ratio"]
    keys = strata.to_frame(index=False)
    keys.columns = within
    frames = []
    for j, name in enumerate(stats):
        values = {k: v[:, j] / (scale if name == "M" and k != "sparse" else 1) for k, v in parts.items()}  # M in base
        frames.append(keys.assign(stat=name, **values))
    out = pd.concat(frames, ignore_index=True)
    if wide:
        return out.pivot_table(index=within, columns="stat", values="est", observed=True)[stats].reset_index() \
            .rename_axis(columns=None)
    return out.sort_values(within, kind="stable", ignore_index=True)


def _nested_stat(starts: list[np.ndarray]):
    """Nested terms of count arrays (..., U, G) whose rows are the finest units sorted by level:
    ``starts[k]`` are the first rows of each level-(k+1) prefix. Returns (..., 2K): M_k, H_k."""
    def stat(n: np.ndarray) -> np.ndarray:
        e = _eg_counts(n)
        out, previous = [], 0.0
        for first in starts:
            m = _m_counts(np.add.reduceat(n, first, axis=-2))
            term = m - previous
            previous = m
            out += [term, np.divide(term, e, out=np.zeros_like(term), where=e > 0)]
        return np.stack(out, axis=-1)
    return stat


def mutual_total_nested(data: pd.DataFrame, group: str, units: Sequence[str], weight: str | None = None, *,
                        base: float = math.e, se: bool = False, n_bootstrap: int = 100, ci: float = 0.95,
                        seed: int | np.random.Generator | None = None) -> pd.DataFrame:
    """Decompose M along a hierarchy of units (e.g. program, then state, then employer).

    Row k is the segregation between the level-k units within the level-(k-1) units:
    M(group, u_1..u_k) - M(group, u_1..u_{k-1}); the rows sum to M(group, finest units)
    (chain rule of mutual information). H rows divide each term by E(group), as R's
    ``mutual_total_nested``. With ``se=True`` (not in R) the finest table is resampled
    (multinomial over its cells, as ``mutual_total``) and every term is recomputed on each
    replicate; ``est`` is then bias-corrected and ``se``, ``ci_low``, ``ci_high``, ``bias`` added.

    Returns columns ``between``, ``within``, ``stat``, ``est`` (long format, as the R package).

    References
    ----------
    Mora, R., & Ruiz-Castillo, J. (2011). Entropy-based segregation indices. Sociological
    Methodology, 41(1), 159-194.
    Elbers, B. (2023). Sociological Methods & Research, 52(1), 5-42.

    Examples
    --------
    >>> d = pd.DataFrame({"st": list("AAAABBBB"), "u": list("aabbccdd"), "g": list("xyxyxyxy"),
    ...                   "n": [30, 10, 20, 20, 5, 15, 10, 10]})
    >>> mutual_total_nested(d, "g", ["st", "u"], "n").round(4)
      between within stat     est
    0      st           M  0.0281
    1      st           H  0.0408
    2       u     st    M  0.0338
    3       u     st    H  0.0490
    """
    units = list(units)
    if not units:
        raise ValueError("units must name at least one column")
    scale = _log_base(base)
    _check_inference(n_bootstrap, ci)  # checked even without se=True
    wide = count_table(data, group, units, weight)
    index = wide.index if isinstance(wide.index, pd.MultiIndex) else pd.MultiIndex.from_arrays([wide.index])
    starts = []
    for k in range(1, len(units) + 1):
        prefix = index.droplevel(list(range(k, len(units)))) if k < len(units) else index
        codes = pd.factorize(prefix)[0] if k < len(units) else np.arange(len(index))
        starts.append(np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]))
    stat = _nested_stat(starts)
    table = wide.to_numpy()
    est = stat(table)
    boot = _bootstrap(stat, table, n_bootstrap, np.random.default_rng(seed)) if se else None
    parts = _summarise(est, boot, ci)
    factor = np.tile([1 / scale, 1.0], len(units))
    rows = pd.DataFrame({"between": np.repeat(units, 2),
                         "within": np.repeat([", ".join(units[:k]) for k in range(len(units))], 2),
                         "stat": ["M", "H"] * len(units)})
    return rows.assign(**{k: v * factor for k, v in parts.items()})


def dissimilarity(data: pd.DataFrame, group: str, unit: str | Sequence[str], weight: str | None = None, *,
                  se: bool = False, n_bootstrap: int = 100, ci: float = 0.95,
                  seed: int | np.random.Generator | None = None,
                  resample: Literal["cells", "units"] = "cells", method: Method = "folded_normal") -> pd.DataFrame:
    """Duncan and Duncan's index of dissimilarity between two groups across units.

    D = 1/2 * sum_u |n_ua / N_a - n_ub / N_b|

    With ``se=True``: ``se``, ``ci_low``, ``ci_high``, ``bias`` and ``sparse`` as in
    ``mutual_total``. ``method`` (``MEASURE_METHODS["D"]``):

    - "folded_normal" (default): D_f = 1/2 sum_u m_u, where m_u solves s_u h(m_u / s_u) = |x_u|
      for the unit's share difference x_u and its standard error s_u, h(r) = E|Z + r| (the mean of
      a folded normal; ``_d_folded_counts``), so a difference no larger than noise counts 0; then
      Allen et al. (2015)'s bootstrap bias correction applied to D_f: est = D_f - (mean(D_f*) - D),
      with the percentile interval of the replicates D_f* moved to est (``se`` = sd(D_f*),
      ``bias`` = D - est). In the coverage study it covered 0.905-0.94 from 100 down to 4.2 people
      per cell (0.905 and 0.91 in issue 18's sparse rows, where R's procedure covered 0.835 and
      0.72): within two Monte Carlo errors of 0.92, but below it;
    - "percentile_bc": the R package's procedure (2 D - mean(boot), quantiles of 2 D - boot), the
      bootstrap bias correction of Allen et al. (2015) on D itself, which undercorrects when units
      are small (the bootstrap's D* inherits the noise it should remove); it covered 0.91-0.93 from
      10 people per cell up, 0.84 at 7.5;
    - "jackknife": D has a kink wherever a unit's two shares are equal, where the jackknife is
      inconsistent (Efron 1982, ch. 3); it covered 0.75-0.90.

    ``sparse``: fewer than ``SPARSE_MEAN_CELL["D"][method]`` people per cell (4.1 for
    "folded_normal"). At 3 per cell (the study's equal units with women's shares 20% and 80%)
    every method under-covered (0.375-0.585), the bootstrap corrections removing bias that the
    plug-in D does not have there.

    Known limitation: when segregation is weak (many units with nearly equal shares), D's
    sampling distribution is not normal even in large samples and no interval here holds its
    level (coverage 0.82 for "folded_normal", 0.59 for R's, in the study's weak-segregation case
    at 10 people per cell; Allen et al. 2015). ``sparse`` is therefore also True when the plug-in
    D is below ``NEAR_RANDOM_D`` (1.5) times its expectation under random allocation of the same
    margins (``_d_random_expected``, a closed form of what ``dissimilarity_expected`` simulates):
    the weak case had a ratio of about 1.25 and was flagged, every other case of the study 1.66 or
    more and was not. Compare D with ``dissimilarity_expected`` (Carrington & Troske 1997) there
    rather than quote the interval: D minus its random-allocation value is a different index
    (segregation beyond chance), not an interval for D.

    References
    ----------
    Duncan, O. D., & Duncan, B. (1955). A methodological analysis of segregation indexes.
    American Sociological Review, 20(2), 210-217.
    Allen, R., Burgess, S., Davidson, R., & Windmeijer, F. (2015). More reliable inference for the
    dissimilarity index of segregation. Econometrics Journal, 18(1), 40-66.
    Mazza, A., & Punzo, A. (2015). On the upward bias of the dissimilarity index and its
    corrections. Sociological Methods & Research, 44(1), 80-107.
    Carrington, W. J., & Troske, K. R. (1997). On measuring segregation in samples with small
    units. Journal of Business & Economic Statistics, 15(4), 402-409.
    Efron, B. (1982). The Jackknife, the Bootstrap and Other Resampling Plans. SIAM.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"sex": ["F", "M"] * 3, "occ": ["a", "a", "b", "b", "c", "c"],
    ...                    "n": [30, 10, 10, 50, 4, 6]})
    >>> dissimilarity(df, "sex", "occ", "n", se=True, n_bootstrap=500, seed=1).round(4)  # doctest: +NORMALIZE_WHITESPACE
             est      se  ci_low  ci_high   bias  sparse
    stat
    D     0.5173  0.0779  0.3666   0.6618  0.013   False
    >>> r = dissimilarity(df, "sex", "occ", "n", se=True, n_bootstrap=500, seed=1, method="percentile_bc")
    >>> r.round(4)  # R's procedure  # doctest: +NORMALIZE_WHITESPACE
             est      se  ci_low  ci_high    bias  sparse
    stat
    D     0.5092  0.0773  0.3674   0.6544  0.0211   False
    """
    table = _two_groups(count_table(data, group, unit, weight), group).to_numpy()
    est = np.atleast_1d(_d_counts(table))
    boot = jack = None
    _check_inference(n_bootstrap, ci, method, resample, MEASURE_METHODS["D"], "dissimilarity")
    if se:
        folded = method == "folded_normal"
        stat = (lambda a: _d_folded_counts(a)[..., None]) if folded else (lambda a: _d_counts(a)[..., None])
        boot = _bootstrap(stat, table, n_bootstrap, np.random.default_rng(seed), resample)
        if folded:  # est - bias = D_f - (mean(D_f*) - D): the bootstrap-corrected folded estimate
            jack = boot.mean(axis=0) - _d_folded_counts(table)
        else:
            jack = _jackknife(stat, table, resample) if method == "jackknife" else None
    flag = _sparse("D", method, _mean_cell(table)) | _d_near_random(table)
    out = _summarise(est, boot, ci, method=method, bias=jack, sparse=flag)
    return pd.DataFrame(out, index=pd.Index(["D"], name="stat"))


def _two_groups(wide: pd.DataFrame, group: str) -> pd.DataFrame:
    if wide.shape[1] != 2:
        raise ValueError(f"this index needs exactly two groups in {group!r}; found {list(wide.columns)}")
    return wide


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
                           n_sim: int = 100, ci: float = 0.95,
                           seed: int | np.random.Generator | None = None) -> pd.DataFrame:
    """D expected when individuals are allocated to units at random, margins fixed.

    Small units make D positive even without segregation; this is that baseline (Carrington &
    Troske 1997, "On measuring segregation in samples with small units", Journal of Business &
    Economic Statistics, 15(4), 402-409). Stat ``"D under 0"``.

    Examples
    --------
    >>> d = pd.DataFrame({"u": list("aabb"), "g": list("xyxy"), "n": [30, 10, 10, 50]})
    >>> dissimilarity_expected(d, "g", "u", "n", n_sim=200, seed=1).round(3)  # doctest: +NORMALIZE_WHITESPACE
                 est     se  ci_low  ci_high
    stat
    D under 0  0.079  0.061     0.0    0.209
    """
    _check_inference(n_sim, ci)
    table = _two_groups(count_table(data, group, unit, weight), group).to_numpy()
    return _expected(_d_counts, table, n_sim, ci, np.random.default_rng(seed), ["D under 0"])


def mutual_total_expected(data: pd.DataFrame, group: str, unit: str, weight: str | None = None, *,
                          base: float = math.e, n_sim: int = 100, ci: float = 0.95,
                          seed: int | np.random.Generator | None = None) -> pd.DataFrame:
    """M and H expected under random allocation with fixed margins (stats "M under 0", "H under 0").

    Examples
    --------
    >>> d = pd.DataFrame({"u": list("aabb"), "g": list("xyxy"), "n": [30, 10, 10, 50]})
    >>> mutual_total_expected(d, "g", "u", "n", n_sim=200, seed=1).round(3)  # doctest: +NORMALIZE_WHITESPACE
                 est     se  ci_low  ci_high
    stat
    M under 0  0.005  0.007     0.0    0.022
    H under 0  0.007  0.010     0.0    0.033
    """
    _check_inference(n_sim, ci)
    table = count_table(data, group, unit, weight).to_numpy()
    out = _expected(_mh_counts, table, n_sim, ci, np.random.default_rng(seed), ["M under 0", "H under 0"])
    out.loc["M under 0"] = out.loc["M under 0"] / _log_base(base)
    return out


# --------------------------------------------------------------------------------------------
# IPF and differences
def _ipf_array(seed_table: np.ndarray, row_target: np.ndarray, col_target: np.ndarray, *,
               tol: float = 1e-10, max_iter: int = 10_000) -> np.ndarray:
    """Scale rows and columns of ``seed_table`` until its margins equal the targets."""
    if not np.isclose(row_target.sum(), col_target.sum(), rtol=1e-9):
        raise ValueError("row and column targets must have the same total")
    t = seed_table.astype(float).copy()
    for _ in range(max_iter):
        rs = t.sum(axis=1)
        t *= np.divide(row_target, rs, out=np.zeros_like(rs), where=rs > 0)[:, None]
        cs = t.sum(axis=0)
        t *= np.divide(col_target, cs, out=np.zeros_like(cs), where=cs > 0)[None, :]
        if np.abs(t.sum(axis=1) - row_target).max() < tol * max(1.0, row_target.sum()):
            return t
    raise RuntimeError(f"IPF did not converge in {max_iter} iterations (a zero pattern in the source "
                       "table may make the target margins unreachable)")


def _fill_zeros(*tables: np.ndarray, fill: float = 1e-10) -> list[np.ndarray]:
    """Empty cells set to a tiny count (``fill``, or a thousandth of the smallest positive count
    if that is smaller), as the R package ``segregation`` does before IPF, so a zero pattern never
    makes the target margins unreachable."""
    positive = [t[t > 0] for t in tables if (t > 0).any()]
    smallest = min(float(x.min()) for x in positive) if positive else 1.0
    fill = min(fill, smallest / 1000)
    return [np.where(t > 0, t, fill).astype(float) for t in tables]


def ipf(source: pd.DataFrame, target: pd.DataFrame, group: str, unit: str, weight: str | None = None, *,
        tol: float = 1e-10, max_iter: int = 10_000) -> pd.DataFrame:
    """Iterative proportional fitting: ``source`` adjusted to the group and unit margins of ``target``.

    The association structure (odds ratios) of ``source`` is kept; its margins become the
    proportions of ``target``'s, and the fitted counts sum to the source total (as the R
    package ``segregation``: IPF does not change the number of observations). Only units and
    groups present in both are used; empty cells are first set to a tiny count (``_fill_zeros``).
    Returns long data with ``group``, ``unit`` and ``n`` (the fitted weights).

    References
    ----------
    Deming, W. E., & Stephan, F. F. (1940). On a least squares adjustment of a sampled frequency
    table when the expected marginal totals are known. Annals of Mathematical Statistics, 11(4),
    427-444.

    Examples
    --------
    >>> d = pd.DataFrame({"u": list("aabb"), "g": list("xyxy"), "n": [30, 10, 10, 50]})
    >>> target = pd.DataFrame({"u": list("aabb"), "g": list("xyxy"), "n": [20, 20, 30, 30]})
    >>> # the margins of target: x 50, y 50; a 40, b 60
    >>> ipf(d, target, "g", "u", "n").round(3)  # doctest: +NORMALIZE_WHITESPACE
       u  g       n
    0  a  x  33.863
    1  a  y   6.137
    2  b  x  16.137
    3  b  y  43.863
    """
    s = count_table(source, group, unit, weight)
    t = count_table(target, group, unit, weight)
    units = s.index.intersection(t.index)
    groups = s.columns.intersection(t.columns)
    if len(units) == 0 or len(groups) == 0:
        raise ValueError("source and target share no units or no groups")
    s, t = s.loc[units, groups], t.loc[units, groups]
    src, tgt = _fill_zeros(s.to_numpy(), t.to_numpy())
    tgt = tgt / tgt.sum() * src.sum()
    fitted = _ipf_array(src, tgt.sum(axis=1), tgt.sum(axis=0), tol=tol, max_iter=max_iter)
    wide = pd.DataFrame(fitted, index=units, columns=groups)
    return wide.stack().rename("n").reset_index()


DIFF_METHODS = ("shapley", "shapley_detailed", "km", "mrc", "shapley_three_factor")


def _present(wide: pd.DataFrame) -> pd.DataFrame:
    """Units and groups with positive counts only (R's ``prepare_data`` keeps weights > 0)."""
    wide = wide.loc[wide.sum(axis=1) > 0]
    return wide.loc[:, wide.sum(axis=0) > 0]


def _common_tables(w1: pd.DataFrame, w2: pd.DataFrame, fill: float = 1e-10):
    """R's ``create_common_data``: the units x groups grid present in both tables.

    Groups in both; then units with a positive count in a common group in both; then groups with
    a positive count in a common unit in both. Returns (units, groups, o1, o2, s1, s2): the
    original counts (zeros kept) and the IPF seeds, whose empty cells hold ``fill`` (or a
    thousandth of the smallest positive count of either table, if that is smaller).
    """
    groups = w1.columns.intersection(w2.columns)
    units = w1.index[(w1[groups] > 0).any(axis=1)].intersection(w2.index[(w2[groups] > 0).any(axis=1)])
    groups = w1.columns[(w1.loc[units] > 0).any(axis=0)].intersection(w2.columns[(w2.loc[units] > 0).any(axis=0)])
    if len(units) == 0 or len(groups) == 0:
        raise ValueError("the two tables share no units or no groups with positive counts; the difference "
                         "cannot be decomposed")
    o1 = w1.loc[units, groups].to_numpy(float)
    o2 = w2.loc[units, groups].to_numpy(float)
    smallest = min(float(w1.to_numpy()[w1.to_numpy() > 0].min()), float(w2.to_numpy()[w2.to_numpy() > 0].min()))
    fill = fill if fill <= smallest else smallest / 1000
    s1, s2 = np.where(o1 > 0, o1, fill), np.where(o2 > 0, o2, fill)
    return units, groups, o1, o2, s1 / s1.sum(), s2 / s2.sum()


def _ipf_shares(seed: np.ndarray, unit_target: np.ndarray, group_target: np.ndarray, precision: float,
                max_iterations: int) -> np.ndarray:
    """IPF of a share table (units x groups) to unit and group share targets, to ``precision``."""
    return _ipf_array(seed / seed.sum(), unit_target, group_target, tol=precision, max_iter=max_iterations)


def _shapley_r(w1, w2, precision, max_iterations, detail):
    """R's ``shapley_compute``: the eight tables of Elbers (2023), letters = (group margins, unit
    margins, structure) from table A (data1) or B (data2)."""
    units, groups, o1, o2, s1, s2 = _common_tables(w1, w2)
    g1, g2, u1, u2 = s1.sum(axis=0), s2.sum(axis=0), s1.sum(axis=1), s2.sum(axis=1)

    def fit(seed, g, u):
        return _ipf_shares(seed, u, g, precision, max_iterations)

    t = {"AAA": o1, "BBB": o2, "BBA": fit(s1, g2, u2), "ABA": fit(s1, g1, u2), "BAA": fit(s1, g2, u1),
         "AAB": fit(s2, g1, u1), "BAB": fit(s2, g2, u1), "ABB": fit(s2, g1, u2)}
    m = {k: float(_m_counts(v)) for k, v in t.items()}
    m1, m2 = float(_m_counts(w1.to_numpy())), float(_m_counts(w2.to_numpy()))
    structural = .5 * (m["AAB"] - m["AAA"]) + .5 * (m["BBB"] - m["BBA"])
    group_marginal = .25 * (m["BAA"] - m["AAA"] + m["BBA"] - m["ABA"] + m["BBB"] - m["ABB"] + m["BAB"] - m["AAB"])
    unit_marginal = .25 * (m["ABA"] - m["AAA"] + m["BBA"] - m["BAA"] + m["BBB"] - m["BAB"] + m["ABB"] - m["AAB"])
    rows = {"M1": m1, "M2": m2, "diff": m2 - m1, "additions": m2 - m["BBB"], "removals": m["AAA"] - m1,
            "group_marginal": group_marginal, "unit_marginal": unit_marginal, "structural": structural}
    if not detail:
        return rows, None
    ls = {k: _local_counts(t[k]) for k in ("AAB", "AAA", "BBB", "BBA")}
    p1, p2 = ls["AAA"][:, 1], ls["BBB"][:, 1]
    d1, d2 = ls["AAB"][:, 0] - ls["AAA"][:, 0], ls["BBB"][:, 0] - ls["BBA"][:, 0]
    per_unit = pd.DataFrame({"p1": p1, "p2": p2, "ls_diff1": d1, "ls_diff2": d2, "ls_diff_mean": .5 * d1 + .5 * d2,
                             "total": .5 * p1 * d1 + .5 * p2 * d2}, index=units)
    return rows, per_unit


def _shapley_three_factor(w1, w2, precision, max_iterations):
    """The three-factor Shapley value (group margins, unit margins, structure), each factor's
    contribution averaged over the 2 x 2 orders of the other two (the toolkit's method before it
    followed R)."""
    units, groups, o1, o2, s1, s2 = _common_tables(w1, w2)
    tables, seeds = {1: o1, 2: o2}, {1: s1, 2: s2}

    def value(g: int, u: int, s: int) -> float:
        if g == s and u == s:
            return float(_m_counts(tables[s]))
        return float(_m_counts(_ipf_shares(seeds[s], seeds[u].sum(axis=1), seeds[g].sum(axis=0), precision,
                                           max_iterations)))

    v = {(g, u, s): value(g, u, s) for g in (1, 2) for u in (1, 2) for s in (1, 2)}

    def shapley(pos: int) -> float:
        total = 0.0
        others = [i for i in range(3) if i != pos]
        for a in (1, 2):
            for b in (1, 2):
                k = (a == 2) + (b == 2)
                weight_ = (math.factorial(k) * math.factorial(2 - k)) / 6
                hi, lo = [0, 0, 0], [0, 0, 0]
                hi[pos], lo[pos] = 2, 1
                hi[others[0]] = lo[others[0]] = a
                hi[others[1]] = lo[others[1]] = b
                total += weight_ * (v[tuple(hi)] - v[tuple(lo)])
        return total

    m1, m2 = float(_m_counts(w1.to_numpy())), float(_m_counts(w2.to_numpy()))
    return {"M1": m1, "M2": m2, "diff": m2 - m1, "additions": m2 - v[(2, 2, 2)], "removals": v[(1, 1, 1)] - m1,
            "group_marginal": shapley(0), "unit_marginal": shapley(1), "structural": shapley(2)}


def _km(w1, w2, precision, max_iterations):
    """R's ``km_compute``: data1 adjusted to data2's margins (Karmel & MacLachlan 1988)."""
    units, groups, o1, o2, s1, s2 = _common_tables(w1, w2)
    fitted = _ipf_shares(s1, s2.sum(axis=1), s2.sum(axis=0), precision, max_iterations)
    group_adj = s1 * (s2.sum(axis=0) / s1.sum(axis=0))[None, :]
    unit_adj = s1 * (s2.sum(axis=1) / s1.sum(axis=1))[:, None]
    m1, m2 = float(_m_counts(w1.to_numpy())), float(_m_counts(w2.to_numpy()))
    m1r, m2r = float(_m_counts(o1)), float(_m_counts(o2))
    m_marg = float(_m_counts(fitted))
    mix, mix_group, mix_unit = m_marg - m1r, float(_m_counts(group_adj)) - m1r, float(_m_counts(unit_adj)) - m1r
    return {"M1": m1, "M2": m2, "diff": m2 - m1, "additions": m2 - m2r, "removals": m1r - m1,
            "group_marginal": mix_group, "unit_marginal": mix_unit, "interaction": mix - mix_group - mix_unit,
            "structural": m2r - m_marg}


def _mrc(w1, w2):
    """R's ``mrc_compute``: M = E(group) + sum_u p_u sum_g p_g|u log p_g|u, its change split
    algebraically (Mora & Ruiz-Castillo 2009)."""
    units, groups, o1, o2, _, _ = _common_tables(w1, w2)

    def parts(o):
        p = o / o.sum()
        pu = p.sum(axis=1)
        cond = p / pu[:, None]
        return _entropy_of(p.sum(axis=0)), pu, -_entropy_of(cond)

    e1, pu1, sc1 = parts(o1)
    e2, pu2, sc2 = parts(o2)
    m1, m2 = float(_m_counts(w1.to_numpy())), float(_m_counts(w2.to_numpy()))
    m1r, m2r = float(_m_counts(o1)), float(_m_counts(o2))
    return {"M1": m1, "M2": m2, "diff": m2 - m1, "additions": m2 - m2r, "removals": m1r - m1,
            "unit_marginal": float(.5 * ((pu2 - pu1) * sc2).sum() + .5 * ((pu2 - pu1) * sc1).sum()),
            "group_marginal": float(e2 - e1),
            "structural": float(.5 * (pu1 * (sc2 - sc1)).sum() + .5 * (pu2 * (sc2 - sc1)).sum())}


def _difference_parts(w1, w2, method, precision, max_iterations):
    """(overall rows as a dict, per-unit table or None) of one decomposition on wide tables."""
    w1, w2 = _present(w1), _present(w2)
    if method in ("shapley", "shapley_detailed"):
        return _shapley_r(w1, w2, precision, max_iterations, method == "shapley_detailed")
    if method == "km":
        return _km(w1, w2, precision, max_iterations), None
    if method == "mrc":
        return _mrc(w1, w2), None
    return _shapley_three_factor(w1, w2, precision, max_iterations), None


def _difference_vector(rows: dict, per_unit: pd.DataFrame | None, scale: float, unit: str):
    """The decomposition as one long table (stat[, unit], est) in R's row order."""
    frame = pd.DataFrame({"stat": list(rows), "est": [v / scale for v in rows.values()]})
    if per_unit is None:
        return frame
    detail = per_unit.copy()
    detail[["ls_diff1", "ls_diff2", "ls_diff_mean", "total"]] /= scale
    detail = detail.rename_axis(unit).reset_index().melt(id_vars=unit, var_name="stat", value_name="est")
    detail = detail.sort_values(unit, kind="stable")
    frame.insert(1, unit, None)
    return pd.concat([frame, detail[["stat", unit, "est"]]], ignore_index=True)


def mutual_difference(data1: pd.DataFrame, data2: pd.DataFrame, group: str, unit: str,
                      weight: str | None = None, *,
                      method: Literal["shapley", "shapley_detailed", "km", "mrc", "shapley_three_factor"] = "shapley",
                      se: bool = False, n_bootstrap: int = 100, ci: float = 0.95,
                      seed: int | np.random.Generator | None = None, base: float = math.e,
                      precision: float = 1e-10, max_iterations: int = 100_000) -> pd.DataFrame:
    """Decompose the difference between two M indices, as R's ``mutual_difference`` (Elbers 2023).

    ``diff = M2 - M1 = additions + removals + [the change on the common units and groups]``, with
    ``additions = M2 - M2(common)`` and ``removals = M1(common) - M1`` (units or groups present in
    only one table). The change on the common part is split by ``method``:

    - ``"shapley"`` (default, R's method): with M_xyz the M of the table with group margins x,
      unit margins y and association structure z, each taken from table A (data1) or B (data2)
      and combined by IPF (Deming & Stephan 1940),
      structural = 1/2 (M_AAB - M_AAA) + 1/2 (M_BBB - M_BBA),
      group_marginal = 1/4 [(M_BAA - M_AAA) + (M_BBA - M_ABA) + (M_BBB - M_ABB) + (M_BAB - M_AAB)],
      unit_marginal  = 1/4 [(M_ABA - M_AAA) + (M_BBA - M_BAA) + (M_BBB - M_BAB) + (M_ABB - M_AAB)];
      group_marginal + unit_marginal is the marginal part 1/2 (M_BBA - M_AAA) + 1/2 (M_BBB - M_AAB).
      Symmetric in the two tables and in group/unit (Deutsch et al. 2009; Elbers 2023).
    - ``"shapley_detailed"``: the same rows, then per common unit ``p1``, ``p2`` (unit shares),
      ``ls_diff1 = ls_AAB - ls_AAA``, ``ls_diff2 = ls_BBB - ls_BBA``, ``ls_diff_mean`` and
      ``total = 1/2 p1 ls_diff1 + 1/2 p2 ls_diff2``; the totals sum to ``structural``. The result
      then has columns ``stat``, ``unit`` (named after the argument; None on overall rows), ``est``.
    - ``"km"`` (Karmel & MacLachlan 1988): data1 adjusted to data2's margins, not symmetric:
      structural = M2 - M(data1 at data2's margins); group_marginal and unit_marginal adjust one
      margin; ``interaction`` is the rest of the marginal change.
    - ``"mrc"`` (Mora & Ruiz-Castillo 2009): M = E(group) - sum_u p_u E(group | u), so
      group_marginal = E2 - E1, unit_marginal = sum_u (p2_u - p1_u) (c1_u + c2_u) / 2 and
      structural = sum_u (p1_u + p2_u) / 2 (c2_u - c1_u), c_u = sum_g p_g|u log p_g|u.
    - ``"shapley_three_factor"``: the Shapley value over three factors (group margins, unit
      margins, structure), each factor's change averaged over the four settings of the other two
      with Shapley weights; it is not R's method and gives other numbers (the toolkit's
      ``"shapley"`` before version 2026-12).

    IPF stops when every margin share is within ``precision`` of its target (R's argument;
    R's default is 0.001, ours 1e-10). Empty cells are first set to a tiny count, as in R.
    With ``se=True`` each table is resampled (multinomial over its cells, as R) ``n_bootstrap``
    times; ``est`` is then bias-corrected and ``se``, ``ci_low``, ``ci_high``, ``bias`` added.

    Returns a DataFrame indexed by ``stat`` with ``est`` (R's rows and order), or the long table
    described above for ``"shapley_detailed"``.

    References
    ----------
    Elbers, B. (2023). A method for studying differences in segregation across time and space.
    Sociological Methods & Research, 52(1), 5-42.
    Karmel, T., & MacLachlan, M. (1988). Occupational sex segregation: increasing or decreasing?
    Economic Record, 64(3), 187-195.
    Mora, R., & Ruiz-Castillo, J. (2009). The invariance properties of the mutual information
    index of multigroup segregation. Research on Economic Inequality, 17, 33-53.
    Deutsch, J., Flückiger, Y., & Silber, J. (2009). Analyzing changes in occupational
    segregation: the case of Switzerland (1970-2000). Research on Economic Inequality, 17, 171-202.
    Deming, W. E., & Stephan, F. F. (1940). Annals of Mathematical Statistics, 11(4), 427-444.

    Examples
    --------
    >>> d1 = pd.DataFrame({"u": list("aabb"), "g": list("xyxy"), "n": [40, 10, 10, 40]})
    >>> d2 = d1.assign(n=[30, 20, 20, 30])
    >>> res = mutual_difference(d1, d2, "g", "u", "n")
    >>> round(float(res.loc["diff", "est"]), 4), round(float(res.loc["structural", "est"]), 4)
    (-0.1726, -0.1726)
    >>> mutual_difference(d1, d2, "g", "u", "n", method="mrc").index.tolist()[5:]
    ['unit_marginal', 'group_marginal', 'structural']
    """
    _check_choice("method", method, DIFF_METHODS)
    if not 0 < precision < 1:
        raise ValueError(f"precision must be between 0 and 1, got {precision}")
    if int(max_iterations) < 1:
        raise ValueError(f"max_iterations must be at least 1, got {max_iterations}")
    _check_inference(n_bootstrap, ci)  # checked even without se=True
    scale = _log_base(base)
    w1, w2 = count_table(data1, group, unit, weight), count_table(data2, group, unit, weight)
    rows, per_unit = _difference_parts(w1, w2, method, precision, int(max_iterations))
    frame = _difference_vector(rows, per_unit, scale, unit)
    if se:
        rng = np.random.default_rng(seed)
        draws1 = _bootstrap(lambda a: a, w1.to_numpy(float), n_bootstrap, rng)
        draws2 = _bootstrap(lambda a: a, w2.to_numpy(float), n_bootstrap, rng)
        keys = _difference_keys(frame, unit)
        boot = np.full((n_bootstrap, len(frame)), np.nan)
        for b in range(n_bootstrap):
            rb = _difference_vector(*_difference_parts(pd.DataFrame(draws1[b], w1.index, w1.columns),
                                                       pd.DataFrame(draws2[b], w2.index, w2.columns),
                                                       method, precision, int(max_iterations)), scale, unit)
            boot[b] = pd.Series(rb["est"].to_numpy(), index=_difference_keys(rb, unit)).reindex(keys).to_numpy()
        frame = _summarise_columns(frame, boot, ci)
    if per_unit is None:
        return frame.set_index("stat")
    return frame


def _difference_keys(frame: pd.DataFrame, unit: str) -> pd.MultiIndex | pd.Index:
    if unit in frame.columns:
        return pd.MultiIndex.from_arrays([frame["stat"], frame[unit].astype(object)])
    return pd.Index(frame["stat"])


def _summarise_columns(frame: pd.DataFrame, boot: np.ndarray, ci: float) -> pd.DataFrame:
    """``_summarise`` column by column over the replicates where the row exists (a unit can drop
    out of a replicate that draws none of its people), as R's merge of replicate rows does."""
    out = {k: np.full(len(frame), np.nan) for k in ("est", "se", "ci_low", "ci_high", "bias")}
    est = frame["est"].to_numpy(float)
    for j in range(len(frame)):
        ok = np.isfinite(boot[:, j])
        if ok.sum() < 2:
            continue
        parts = _summarise(est[j:j + 1], boot[ok, j:j + 1], ci)
        for k in out:
            out[k][j] = parts[k][0]
    return frame.assign(**out)


def _check_choice(name: str, value, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {list(allowed)}, got {value!r}")


# --------------------------------------------------------------------------------------------
# exposure, isolation, local expected values (as R's exposure, isolation, mutual_local_expected)
def exposure(data: pd.DataFrame, group: str, unit: str | Sequence[str], weight: str | None = None) -> pd.DataFrame:
    """Exposure of each group to each other group (Bell 1954), as R's ``exposure``.

    P*_ab = sum_u (n_ua / n_a) (n_ub / n_u): the share of group b in the unit of the average
    member of group a. Rows for every ordered pair that shares at least one unit (including
    a = b, the isolation index); as R, pairs that never meet (exposure 0) have no row. For each
    group a the exposures sum to 1 over b.

    Returns columns ``of``, ``to``, ``exposure``.

    References
    ----------
    Bell, W. (1954). A probability model for the measurement of ecological segregation. Social
    Forces, 32(4), 357-364.
    Massey, D. S., & Denton, N. A. (1988). The dimensions of residential segregation. Social
    Forces, 67(2), 281-315.

    Examples
    --------
    >>> d = pd.DataFrame({"u": list("aabb"), "g": list("xyxy"), "n": [30, 10, 10, 50]})
    >>> exposure(d, "g", "u", "n").round(4)
      of to  exposure
    0  x  x    0.6042
    1  x  y    0.3958
    2  y  x    0.2639
    3  y  y    0.7361
    """
    wide = count_table(data, group, unit, weight)
    n = wide.to_numpy(float)
    nu, ng = n.sum(axis=1), n.sum(axis=0)
    share = np.divide(n, nu[:, None], out=np.zeros_like(n), where=nu[:, None] > 0)
    exp = (n / ng[None, :]).T @ share  # exp[a, b] = sum_u n_ua / n_a * n_ub / n_u
    meet = ((n > 0).T.astype(float) @ (n > 0).astype(float)).ravel() > 0
    labels = wide.columns.to_numpy()
    out = pd.DataFrame({"of": np.repeat(labels, len(labels)), "to": np.tile(labels, len(labels)),
                        "exposure": exp.ravel()})
    return out[meet].reset_index(drop=True)


def isolation(data: pd.DataFrame, group: str, unit: str | Sequence[str], weight: str | None = None) -> pd.DataFrame:
    """Isolation index of each group, as R's ``isolation``: xPx = sum_u (n_ux / n_x) (n_ux / n_u).

    The share of its own group in the unit of the average member of group x (the diagonal of
    ``exposure``). Returns columns ``group`` (named after the argument) and ``isolation``.

    References
    ----------
    Bell, W. (1954). Social Forces, 32(4), 357-364. Massey & Denton (1988), Social Forces, 67(2).

    Examples
    --------
    >>> d = pd.DataFrame({"u": list("aabb"), "g": list("xyxy"), "n": [30, 10, 10, 50]})
    >>> isolation(d, "g", "u", "n").round(4)
       g  isolation
    0  x     0.6042
    1  y     0.7361
    """
    wide = count_table(data, group, unit, weight)
    n = wide.to_numpy(float)
    nu, ng = n.sum(axis=1), n.sum(axis=0)
    iso = (np.divide(n ** 2, nu[:, None], out=np.zeros_like(n), where=nu[:, None] > 0) / ng[None, :]).sum(axis=0)
    return pd.DataFrame({group: wide.columns.to_numpy(), "isolation": iso})


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


# --------------------------------------------------------------------------------------------
# compression: merge units while keeping as much segregation information as possible
@dataclasses.dataclass(frozen=True)
class Compression:
    """Result of ``compress``: one row per merge in ``iterations`` (R's columns ``iter``,
    ``M_wgt`` (the loss of M), ``M``, ``N_units``, ``old_unit``, ``new_unit``, ``pct_M``),
    the initial M, the argument names and the long data (``unit``, ``group``, ``n``)."""
    iterations: pd.DataFrame
    initial_M: float
    unit: str
    group: str
    data: pd.DataFrame


def _pair_loss(a: np.ndarray, b: np.ndarray, total: float) -> float:
    """Loss of M (nats) from merging units a and b of a table with ``total`` people:
    (n_a + n_b) / N * M(the two-unit table), R's ``calculate_reduction``, summed cell by cell in
    R's order so that ties (proportional units lose exactly 0) are broken as R breaks them."""
    n = 0.0
    for x, y in zip(a.tolist(), b.tolist()):
        n += x
        n += y
    if n <= 0:
        return 0.0
    na, nb = float(sum(a.tolist())), float(sum(b.tolist()))
    m = 0.0
    for x, y in zip(a.tolist(), b.tolist()):
        g = x + y
        if x != 0:
            m += x / n * math.log((x / n) / (na / n * g / n))
        if y != 0:
            m += y / n * math.log((y / n) / (nb / n * g / n))
    return n / total * m


def compress(data: pd.DataFrame, group: str, unit: str, weight: str | None = None, *,
             neighbors: Literal["local", "all"] | pd.DataFrame = "local", n_neighbors: int = 50,
             max_iter: int | None = None) -> Compression:
    """Merge units step by step, each time the pair whose merge loses the least M, as R's ``compress``.

    Merging units a and b lowers M by (n_a + n_b) / N * M_ab, with M_ab the M of the two-unit
    table (the within-pair term of M's decomposition), so after k merges the table keeps
    ``M`` = initial M minus the summed losses; ``pct_M`` = M / initial M is the share of the
    segregation information kept. Candidate pairs: ``neighbors="all"`` (every pair),
    ``"local"`` (units within ``n_neighbors`` places of each other when sorted by local
    segregation ls_u) or a DataFrame whose two columns list the pairs allowed to merge.
    Ties go to the pair whose (sorted) labels come first; a merged unit keeps the smaller label
    (R's order: unit labels become strings, as R coerces them, and are compared as strings).
    Stops after ``max_iter`` merges or when no candidate pair is left. See ``get_crosswalk``,
    ``merge_units`` and ``scree_plot``. Counts should be whole numbers (R's C++ code truncates
    unit totals to integers; with fractional weights its losses differ from these exact ones).

    References
    ----------
    Elbers, B. (2021). Trends in U.S. residential racial segregation, 1990 to 2020. Socius, 7
    (the compression algorithm of the R package ``segregation``).

    Examples
    --------
    >>> d = pd.DataFrame({"u": list("aabbccdd"), "g": list("xyxyxyxy"), "n": [30, 10, 29, 10, 5, 40, 4, 40]})
    >>> cmp = compress(d, "g", "u", "n", neighbors="all")
    >>> cmp.iterations[["N_units", "old_unit", "new_unit"]]
       N_units old_unit new_unit
    0        3        b        a
    1        2        d        c
    2        1        c        a
    >>> round(float(cmp.iterations.loc[1, "pct_M"]), 4)
    0.9987
    """
    if isinstance(neighbors, pd.DataFrame):
        if neighbors.shape[1] != 2:
            raise ValueError(f"neighbors as a DataFrame needs exactly two columns, got {list(neighbors.columns)}")
    else:
        _check_choice("neighbors", neighbors, ("local", "all"))
    if int(n_neighbors) < 1:
        raise ValueError(f"n_neighbors must be at least 1, got {n_neighbors}")
    if max_iter is not None and int(max_iter) < 1:
        raise ValueError(f"max_iter must be at least 1 (or None for no limit), got {max_iter}")
    wide = count_table(data, group, unit, weight)
    wide.index = wide.index.map(str)
    wide = wide.groupby(level=0).sum().sort_index()
    counts = {u: row for u, row in zip(wide.index, wide.to_numpy(float))}
    total = float(wide.to_numpy().sum())
    initial = float(_m_counts(wide.to_numpy(float)))
    names = list(wide.index)
    if isinstance(neighbors, pd.DataFrame):
        pairs = {tuple(sorted((str(a), str(b)))) for a, b in neighbors.itertuples(index=False) if str(a) != str(b)}
        unknown = {u for p in pairs for u in p} - set(names)
        if unknown:
            raise ValueError(f"neighbors names units not in {unit!r}: {sorted(unknown)[:5]}")
    elif neighbors == "all":
        pairs = {(a, b) for i, a in enumerate(names) for b in names[i + 1:]}
    else:
        ls = _local_counts(wide.to_numpy(float))[:, 0]
        order = [names[i] for i in np.argsort(ls, kind="stable")]
        k = int(n_neighbors)
        pairs = {tuple(sorted((order[i], order[j]))) for i in range(len(order))
                 for j in range(max(0, i - k), min(len(order), i + k + 1)) if i != j}
    loss = {p: _pair_loss(counts[p[0]], counts[p[1]], total) for p in pairs}
    heap = [(v, p) for p, v in loss.items()]
    heapq.heapify(heap)
    limit = min(len(pairs), len(names) - 1) if max_iter is None else int(max_iter)
    rows, m_current, n_units = [], initial, len(names)
    while heap and len(rows) < limit:
        value, pair = heapq.heappop(heap)
        if loss.get(pair) != value:
            continue  # stale entry: the pair was merged away or its loss changed
        keep, gone = pair
        counts[keep] = counts[keep] + counts.pop(gone)
        del loss[pair]
        touched = [p for p in loss if keep in p or gone in p]
        for p in touched:
            del loss[p]
        for p in touched:
            other = p[0] if p[1] in (keep, gone) else p[1]
            new = tuple(sorted((keep, other)))
            loss[new] = _pair_loss(counts[new[0]], counts[new[1]], total)
            heapq.heappush(heap, (loss[new], new))
        m_current -= value
        n_units -= 1
        rows.append({"iter": len(rows) + 1, "M_wgt": value, "M": 0.0 if n_units == 1 else m_current,
                     "N_units": n_units, "old_unit": gone, "new_unit": keep})
    iterations = pd.DataFrame(rows, columns=["iter", "M_wgt", "M", "N_units", "old_unit", "new_unit"])
    iterations["pct_M"] = iterations["M"] / initial if initial > 0 else np.nan
    long = wide.rename_axis(unit).reset_index().melt(id_vars=unit, var_name=group, value_name="n")
    return Compression(iterations, initial, unit, group, long[long["n"] > 0].reset_index(drop=True))


def _merge_count(compression: Compression, n_units: int | None, percent: float | None) -> int:
    if (n_units is None) == (percent is None):
        raise ValueError("give exactly one of n_units or percent")
    it = compression.iterations
    if n_units is not None:
        hit = it.loc[it["N_units"] == n_units, "iter"]
        if hit.empty:
            raise ValueError(f"n_units={n_units} is out of bounds: the compression has "
                             f"{int(it['N_units'].min()) if len(it) else '-'} to {int(it['N_units'].max()) if len(it) else '-'} units")
        return int(hit.iloc[0])
    if not 0 < percent <= 1:
        raise ValueError(f"percent must be in (0, 1], got {percent}")
    hit = it.loc[it["pct_M"] > percent, "iter"]
    return int(hit.iloc[-1]) if len(hit) else 0


def get_crosswalk(compression: Compression, *, n_units: int | None = None, percent: float | None = None,
                  parts: bool = False) -> pd.DataFrame:
    """Crosswalk from the original units to the merged units after ``compress``, as R's ``get_crosswalk``.

    Stops after the merge that leaves ``n_units`` units, or after the last merge that keeps more
    than ``percent`` of the initial M. Merged units are named "M1", "M2", ... (in the order their
    first merge happened); units never merged keep their label. ``parts=True`` adds the sorted
    original labels of each merged unit joined by "/".

    Returns columns ``unit`` (named after the argument), ``new`` (and ``parts``), one row per unit.

    Examples
    --------
    >>> d = pd.DataFrame({"u": list("aabbccdd"), "g": list("xyxyxyxy"), "n": [30, 10, 29, 10, 5, 40, 4, 40]})
    >>> get_crosswalk(compress(d, "g", "u", "n", neighbors="all"), n_units=2, parts=True)
       u new parts
    0  a  M1   a/b
    1  b  M1   a/b
    2  c  M2   c/d
    3  d  M2   c/d
    """
    steps = compression.iterations.iloc[:_merge_count(compression, n_units, percent)]
    bags: list[set] = []
    for old, new in zip(steps["old_unit"], steps["new_unit"]):
        i_old = next((i for i, b in enumerate(bags) if old in b), -1)
        i_new = next((i for i, b in enumerate(bags) if new in b), -1)
        if i_old == -1 and i_new == -1:
            bags.append({old, new})
        elif i_new == -1:
            bags[i_old].add(new)
        elif i_old == -1:
            bags[i_new].add(old)
        elif i_old != i_new:
            bags[i_old] |= bags[i_new]
            del bags[i_new]
    rows = [{compression.unit: u, "new": f"M{i + 1}", "parts": "/".join(sorted(b))}
            for i, b in enumerate(bags) for u in sorted(b)]
    merged = {r[compression.unit] for r in rows}
    rows += [{compression.unit: u, "new": u, "parts": None}
             for u in compression.data[compression.unit].unique() if u not in merged]
    out = pd.DataFrame(rows, columns=[compression.unit, "new", "parts"])
    return out if parts else out.drop(columns="parts")


def merge_units(compression: Compression, *, n_units: int | None = None, percent: float | None = None,
                parts: bool = False) -> pd.DataFrame:
    """The compressed data set: counts summed over the merged units of ``get_crosswalk``, as R's
    ``merge_units``. Returns long data with ``unit`` (the new labels), ``group``, ``n`` (and
    ``parts``), ready for ``mutual_total``; its M is the ``M`` of that compression step.

    Examples
    --------
    >>> d = pd.DataFrame({"u": list("aabbccdd"), "g": list("xyxyxyxy"), "n": [30, 10, 29, 10, 5, 40, 4, 40]})
    >>> merge_units(compress(d, "g", "u", "n", neighbors="all"), n_units=2)
        u  g     n
    0  M1  x  59.0
    1  M1  y  20.0
    2  M2  x   9.0
    3  M2  y  80.0
    """
    cw = get_crosswalk(compression, n_units=n_units, percent=percent, parts=parts)
    data = compression.data.merge(cw, on=compression.unit, how="left")
    keys = ["new", compression.group]
    agg = {"n": ("n", "sum")} | ({"parts": ("parts", "first")} if parts else {})
    out = data.groupby(keys, sort=True, dropna=False).agg(**agg).reset_index()
    return out.rename(columns={"new": compression.unit})


def scree_plot(compression: Compression, *, tail: int | None = None, ax=None):
    """Scree plot of a compression (R's ``scree_plot``): M against the number of units left,
    with the share of the initial M on the right axis. ``tail`` shows only the last merges.
    Returns the matplotlib Axes.

    Examples
    --------
    >>> d = pd.DataFrame({"u": list("aabbccdd"), "g": list("xyxyxyxy"), "n": [30, 10, 29, 10, 5, 40, 4, 40]})
    >>> ax = scree_plot(compress(d, "g", "u", "n", neighbors="all"))
    >>> ax.get_ylabel()
    'M index'
    """
    import matplotlib.pyplot as plt
    it = compression.iterations
    if tail is not None and int(tail) < 1:
        raise ValueError(f"tail must be a positive number of merges or None, got {tail}")
    if tail is None or int(tail) >= len(it):
        x = np.r_[it["N_units"].iloc[0] + 1 if len(it) else 1, it["N_units"].to_numpy()]
        y = np.r_[compression.initial_M, it["M"].to_numpy()]
    else:
        x, y = it["N_units"].to_numpy()[-int(tail):], it["M"].to_numpy()[-int(tail):]
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    ax.scatter(x, y, alpha=.5)
    ax.invert_xaxis()
    ax.set_xlabel("number of units")
    ax.set_ylabel("M index")
    if compression.initial_M > 0:
        right = ax.secondary_yaxis("right", functions=(lambda m: m / compression.initial_M,
                                                       lambda s: s * compression.initial_M))
        right.set_ylabel("share of segregation information")
    return ax


# --------------------------------------------------------------------------------------------
# segregation curve and segplot (R's segcurve, segplot): the plotted values, then the figure
def segcurve_data(data: pd.DataFrame, group: str, unit: str, weight: str | None = None, *,
                  segment: str | None = None) -> pd.DataFrame:
    """Points of the segregation curve (Duncan & Duncan 1955) of two groups, as R's ``segcurve``.

    Units sorted by the share of the first group (labels sorted), x = cumulative share of the
    second group, y = cumulative share of the first; the curve starts at (0, 0) and is the
    diagonal without segregation. One curve per ``segment`` value if given.

    Returns columns ``segment``, ``cumul_prob_1``, ``cumul_prob_2`` (origin first).

    Examples
    --------
    >>> d = pd.DataFrame({"u": list("aabbcc"), "g": list("xyxyxy"), "n": [10, 30, 20, 20, 30, 10]})
    >>> segcurve_data(d, "g", "u", "n").round(3)
       segment  cumul_prob_1  cumul_prob_2
    0        1         0.000         0.000
    1        1         0.167         0.500
    2        1         0.500         0.833
    3        1         1.000         1.000
    """
    cols = [segment] if segment else []
    wide = count_table(data, group, [*cols, unit], weight)
    if wide.shape[1] != 2:
        raise ValueError(f"segcurve needs exactly two groups in {group!r}; found {list(wide.columns)}")
    frame = wide.reset_index()
    frame["segment"] = frame[segment] if segment else 1
    a, b = wide.columns
    frame["_share"] = frame[a] / (frame[a] + frame[b])
    frame = frame.sort_values(["segment", "_share"], kind="stable")
    out = []
    for seg, part in frame.groupby("segment", sort=True):
        out.append(pd.DataFrame({"segment": [seg], "cumul_prob_1": [0.0], "cumul_prob_2": [0.0]}))
        out.append(pd.DataFrame({"segment": seg, "cumul_prob_1": part[a].cumsum() / part[a].sum(),
                                 "cumul_prob_2": part[b].cumsum() / part[b].sum()}))
    return pd.concat(out, ignore_index=True)


def segcurve(data: pd.DataFrame, group: str, unit: str, weight: str | None = None, *,
             segment: str | None = None, ax=None):
    """Segregation curve of two groups (R's ``segcurve``), drawn with matplotlib; see
    ``segcurve_data`` for the points. Returns the Axes.

    Examples
    --------
    >>> d = pd.DataFrame({"u": list("aabbcc"), "g": list("xyxyxy"), "n": [10, 30, 20, 20, 30, 10]})
    >>> segcurve(d, "g", "u", "n").get_xlabel()
    'Cumulative % y'
    """
    import matplotlib.pyplot as plt
    points = segcurve_data(data, group, unit, weight, segment=segment)
    labels = list(count_table(data, group, unit, weight).columns)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], color="darkgray", lw=1)
    for seg, part in points.groupby("segment", sort=True):
        ax.plot(part["cumul_prob_2"], part["cumul_prob_1"], label=str(seg) if segment else None)
    if segment:
        ax.legend(title=segment)
    ax.set_xlabel(f"Cumulative % {labels[1]}")
    ax.set_ylabel(f"Cumulative % {labels[0]}")
    ax.set_aspect("equal")
    return ax


SEGPLOT_ORDER = ("segregation", "entropy", "majority", "majority_fixed")


def segplot_data(data: pd.DataFrame, group: str, unit: str, weight: str | None = None, *,
                 order: Literal["segregation", "entropy", "majority", "majority_fixed"] = "segregation",
                 reference_distribution: pd.DataFrame | None = None, bar_space: float = 0.0) -> pd.DataFrame:
    """Rectangles of R's ``segplot``: one bar per unit, width its share p_u of the people, split
    into its group shares p_{g|u}; and one bar for the overall (or reference) distribution.

    Units are ordered by ``order``: "segregation" (local segregation ls_u against the overall
    distribution, highest first), "entropy" (the unit's group entropy, lowest first),
    "majority" / "majority_fixed" (share of the largest group ascending, then of the smallest
    descending; "majority" also stacks the groups by size, "majority_fixed" in label order).
    Ties keep R's order. ``reference_distribution`` (columns ``group`` and ``p``) replaces the
    overall distribution; ``bar_space`` puts a gap between bars.

    Returns columns ``unit`` (NaN for the overall bar), ``group``, ``xmin``, ``xmax``, ``ymin``,
    ``ymax``: one rectangle per group present in a unit.

    Examples
    --------
    >>> d = pd.DataFrame({"u": list("aabb"), "g": list("xyxy"), "n": [30, 10, 10, 50]})
    >>> segplot_data(d, "g", "u", "n").round(3)
      unit group  xmin  xmax   ymin   ymax
    0    a     x  0.00   0.4  0.000  0.750
    1    a     y  0.00   0.4  0.750  1.000
    2    b     x  0.40   1.0  0.000  0.167
    3    b     y  0.40   1.0  0.167  1.000
    4  NaN     x  1.05   1.1  0.000  0.400
    5  NaN     y  1.05   1.1  0.400  1.000
    """
    _check_choice("order", order, SEGPLOT_ORDER)
    if bar_space < 0:
        raise ValueError(f"bar_space must be non-negative, got {bar_space}")
    wide = count_table(data, group, unit, weight)
    wide.index = wide.index.map(str)
    wide = wide.groupby(level=0).sum().sort_index()
    n = wide.to_numpy(float)
    share = n / n.sum(axis=1, keepdims=True)
    p_unit = n.sum(axis=1) / n.sum()
    groups = list(wide.columns)
    if reference_distribution is None:
        overall = pd.Series(n.sum(axis=0) / n.sum(), index=groups)
    else:
        if list(reference_distribution.columns) != [group, "p"] or len(reference_distribution) != len(groups):
            raise ValueError(f"reference_distribution needs columns [{group!r}, 'p'] and one row per group "
                             f"({len(groups)}); got {list(reference_distribution.columns)}, "
                             f"{len(reference_distribution)} rows")
        overall = reference_distribution.set_index(group)["p"].reindex(groups)
        if overall.isna().any():
            raise ValueError(f"reference_distribution lacks groups {list(overall.index[overall.isna()])}")
    by_size = list(overall.sort_values(ascending=False, kind="stable").index)
    units = np.array(wide.index)
    if order == "segregation":
        ls = _xlogx_ratio(share, np.broadcast_to(overall.to_numpy(float), share.shape)).sum(axis=1)
        idx = np.lexsort((units, -ls))
    elif order == "entropy":
        idx = np.lexsort((units, _entropy_of(share)))
    else:
        first, last = groups.index(by_size[0]), groups.index(by_size[-1])
        idx = np.lexsort((units, p_unit, -share[:, last], share[:, first]))
    stack = by_size if order == "majority" else groups
    cols = [groups.index(g) for g in stack]
    xmin = np.cumsum(p_unit[idx]) - p_unit[idx] + np.arange(len(idx)) * bar_space
    xmax = xmin + p_unit[idx]
    rows = []
    for k, i in enumerate(idx):
        top = np.cumsum(share[i, cols])
        for j, g in enumerate(stack):
            if share[i, cols[j]] > 0:  # as R, a rectangle for each group present in the unit
                rows.append((units[i], g, xmin[k], xmax[k], top[j] - share[i, cols[j]], top[j]))
    end = xmax.max()
    top = np.cumsum(overall.to_numpy(float))
    for j, g in enumerate(groups):
        rows.append((np.nan, g, end + .05, end + .10, top[j] - overall.iloc[j], top[j]))
    return pd.DataFrame(rows, columns=["unit", "group", "xmin", "xmax", "ymin", "ymax"])


def segplot(data: pd.DataFrame, group: str, unit: str, weight: str | None = None, *,
            order: Literal["segregation", "entropy", "majority", "majority_fixed"] = "segregation",
            reference_distribution: pd.DataFrame | None = None, bar_space: float = 0.0, ax=None):
    """R's ``segplot`` with matplotlib: stacked bars of group shares per unit, widths the unit
    shares, ordered as in ``segplot_data``, and the overall distribution on the right.
    Returns the Axes.

    Examples
    --------
    >>> d = pd.DataFrame({"u": list("aabb"), "g": list("xyxy"), "n": [30, 10, 10, 50]})
    >>> len(segplot(d, "g", "u", "n").patches)
    6
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle
    rects = segplot_data(data, group, unit, weight, order=order, reference_distribution=reference_distribution,
                         bar_space=bar_space)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    colours = dict(zip(sorted(rects["group"].unique(), key=str), plt.rcParams["axes.prop_cycle"].by_key()["color"] * 10))
    for r in rects.itertuples(index=False):
        ax.add_patch(Rectangle((r.xmin, r.ymin), r.xmax - r.xmin, r.ymax - r.ymin, color=colours[r.group],
                               label=str(r.group) if pd.isna(r.unit) else None))
    ax.set_xlim(0, rects["xmax"].max())
    ax.set_ylim(0, 1)
    ax.set_xticks([])
    if order == "segregation":
        ax.set_xlabel("< more segregated | less segregated >")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, .5))
    return ax


# --------------------------------------------------------------------------------------------
# the occupational-segregation family (two groups: a focal group against the rest)
def occupational_indices(data: pd.DataFrame, group: str, unit: str, weight: str | None = None, *,
                         focal: object = "F", atkinson_b: float = 0.5) -> pd.DataFrame:
    """Two-group occupational segregation indices of the focal group (women) against the rest.

    With F_u, M_u focal and other counts in unit u, T_u = F_u + M_u, a = F/T, f_u = F_u/F,
    m_u = M_u/M, p_u = F_u/T_u:

    - ``D``   = 1/2 sum_u |f_u - m_u|                             (Duncan & Duncan 1955)
    - ``IP``  = 1/T sum_u |(1-a) F_u - a M_u| = 2 a (1-a) D        (Karmel & MacLachlan 1988)
    - ``D_size_standardized`` = 1/2 sum_u |p_u / sum_v p_v - (1-p_u) / sum_v (1-p_v)|  (Gibbs 1965)
    - ``Gini`` = sum_u sum_v T_u T_v |p_u - p_v| / (2 T^2 a (1-a))  (Duncan & Duncan 1955)
    - ``Hutchens`` = 1 - sum_u sqrt(f_u m_u)                       (Hutchens 2004)
    - ``Atkinson`` = 1 - a/(1-a) |sum_u (1-p_u)^(1-b) p_u^b T_u / (a T)|^(1/(1-b))  (Atkinson 1970)
    - ``H`` and ``M``: Theil's information index and mutual information (nats).

    References
    ----------
    Karmel, T., & MacLachlan, M. (1988). Occupational sex segregation: increasing or decreasing?
    Economic Record, 64(3), 187-195.
    Gibbs, J. P. (1965). Occupations and segregation. American Journal of Sociology, 70(4).
    Hutchens, R. M. (2004). One measure of segregation. International Economic Review, 45(2),
    555-578.
    Atkinson, A. B. (1970). On the measurement of inequality. Journal of Economic Theory, 2(3),
    244-263; as a segregation index: James, D. R., & Taeuber, K. E. (1985). Measures of
    segregation. Sociological Methodology, 15, 1-32.

    Examples
    --------
    >>> d = pd.DataFrame({"u": list("aabb"), "g": list("FMFM"), "n": [30, 10, 10, 50]})
    >>> occupational_indices(d, "g", "u", "n").loc[["D", "IP", "H"], "est"].round(4).tolist()
    [0.5833, 0.28, 0.2641]
    """
    if not 0 < atkinson_b < 1:
        raise ValueError(f"atkinson_b must be between 0 and 1, got {atkinson_b}")
    wide = count_table(data, group, unit, weight)
    if focal not in wide.columns:
        raise ValueError(f"focal group {focal!r} not found in {group!r}; groups: {list(wide.columns)}")
    f = wide[focal].to_numpy(float)
    m = wide.drop(columns=focal).sum(axis=1).to_numpy(float)
    big_f, big_m = f.sum(), m.sum()
    if big_f == 0 or big_m == 0:
        raise ValueError("both the focal group and the rest need positive counts")
    t = f + m
    keep = t > 0
    f, m, t = f[keep], m[keep], t[keep]
    big_t = big_f + big_m
    a = big_f / big_t
    fu, mu, pu = f / big_f, m / big_m, f / t
    d = 0.5 * np.abs(fu - mu).sum()
    ip = np.abs((1 - a) * f - a * m).sum() / big_t
    ds = 0.5 * np.abs(pu / pu.sum() - (1 - pu) / (1 - pu).sum()).sum()
    gini = (np.abs(pu[:, None] - pu[None, :]) * t[:, None] * t[None, :]).sum() / (2 * big_t**2 * a * (1 - a))
    hutchens = 1 - np.sqrt(fu * mu).sum()
    b = atkinson_b
    atk = 1 - a / (1 - a) * abs(((1 - pu) ** (1 - b) * pu**b * t).sum() / (a * big_t)) ** (1 / (1 - b))
    mh = _mh_counts(np.column_stack([f, m]))
    stats_ = {"D": d, "IP": ip, "D_size_standardized": ds, "Gini": gini, "Hutchens": hutchens,
              "Atkinson": atk, "H": mh[1], "M": mh[0]}
    return pd.DataFrame({"est": [float(v) for v in stats_.values()]}, index=pd.Index(list(stats_), name="stat"))
