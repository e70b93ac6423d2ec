"""Segregation of groups (women, men, ...) across units (occupations, employers, states, recruiters).

Long/tidy input everywhere: a DataFrame with a ``group`` column, a ``unit`` column and an optional
``weight`` column of counts (one row per person when ``weight`` is None). Results are DataFrames
indexed by ``stat`` with ``est``, and ``se``, ``ci_low``, ``ci_high``, ``bias`` when inference is
requested. The design follows the R package ``segregation`` (Elbers 2023); values agree with it and
with PySAL ``segregation`` where they overlap (``tests/test_segregation.py`` uses PySAL as an oracle).

Inference resamples the contingency table: each bootstrap replicate is a multinomial draw of the
N individuals over the cells with the observed cell shares, all replicates drawn as one numpy
array (in chunks), so no Python loop runs per observation. ``se`` is the standard deviation of
the replicates. ``method=`` chooses the bias correction and the interval (``_summarise``):

- ``"jackknife"`` (default of the M/H and local verbs): est - jackknife bias, with the bootstrap
  percentile interval moved to that estimate;
- ``"percentile_bc"`` (what the R package ``segregation`` does, and the default of
  ``dissimilarity``): est_bc = 2 est - mean(boot), interval = quantiles of 2 est - boot.

The coverage study ``tests/test_segregation_coverage.py`` (population tables with known values,
multinomial samples, 400 samples per case) chose them: in tables with 7.5 people per cell R's
procedure covered M 87% of the time and the jackknife 93%; at 4 per cell 43% and 88%. No method
reached 92% below 5 people per cell, so every interval comes with a ``sparse`` flag
(``ls_sparse`` for local scores, per unit): True means "this interval may under-cover: fewer than
``SPARSE_MEAN_CELL`` people per cell" (5 for M and H; 10 for D; for a local score 20 people
per group in the unit), and a report must say so instead of "95%".

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
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Literal, get_args

import numpy as np
import pandas as pd

__all__ = [
    "entropy",
    "mutual_total",
    "mutual_local",
    "mutual_within",
    "mutual_total_nested",
    "mutual_difference",
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
Method = Literal["jackknife", "percentile_bc"]  # interval methods; see _summarise
METHODS = get_args(Method)
# People per cell below which the coverage study (tests/test_segregation_coverage.py) found the
# default interval under-covering: N / (units x groups) for M, H and D, n_u / groups for a local score.
SPARSE_MEAN_CELL = {"M": 5.0, "H": 5.0, "D": 10.0, "ls": 20.0}


# --------------------------------------------------------------------------------------------
# input
def count_table(data: pd.DataFrame, group: str, unit: str | Sequence[str], weight: str | None = None
                ) -> pd.DataFrame:
    """Wide table of counts: one row per unit, one column per group (sorted labels, zeros filled).

    Raises ``KeyError`` naming a missing column and ``ValueError`` for negative, missing or
    non-finite weights, or an empty table.
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
    if resample not in RESAMPLE:
        raise ValueError(f"resample must be one of {list(RESAMPLE)}, got {resample!r}")
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
               jack_bias: np.ndarray | None = None, sparse: np.ndarray | bool | None = None
               ) -> dict[str, np.ndarray]:
    """Estimate, ``se``, interval and ``bias`` from bootstrap replicates ``boot`` of ``est``.

    With b the replicates, mean(b) their mean and q_a their a-quantile (numpy's default, R's
    type 7), alpha = (1 - ci) / 2, se = sd(b) always, and

    - ``"percentile_bc"`` (the R package ``segregation``, ``bootstrap_summary``): the replicates
      are reflected, d = 2 est - b; est_bc = mean(d) = est - bias with bias = mean(b) - est, and
      the interval is [q_alpha(d), q_(1-alpha)(d)] = [2 est - q_(1-alpha)(b), 2 est - q_alpha(b)]
      (Davison & Hinkley's basic interval around the bootstrap-bias-corrected estimate; Allen et
      al. 2015 use the same bias correction for D).
    - ``"jackknife"``: bias is the jackknife bias ``jack_bias`` (Quenouille 1956; Efron & Stein
      1981), est_jk = est - bias, and the interval is the bootstrap percentile interval moved to
      est_jk: [est_jk + q_alpha(b) - mean(b), est_jk + q_(1-alpha)(b) - mean(b)]. It keeps the
      replicates' skew the right way round, which matters for indices near their floor of 0
      (local scores): the reflected interval of ``"percentile_bc"`` turns a right skew into a
      left one.

    ``sparse`` (broadcast to the shape of ``est``) is passed through: the callers set it where the
    mean count per cell is below ``SPARSE_MEAN_CELL``, where the coverage study found the interval
    may under-cover (see ``_check_inference``).
    """
    if boot is None:
        return {"est": est}
    mean = boot.mean(axis=0)
    alpha = (1 - ci) / 2
    lo, hi = np.quantile(boot, alpha, axis=0), np.quantile(boot, 1 - alpha, axis=0)
    bias = mean - est if method == "percentile_bc" else jack_bias
    centre = est - bias
    out = {"est": centre, "se": boot.std(axis=0, ddof=1), "ci_low": centre + (lo - mean),
           "ci_high": centre + (hi - mean), "bias": bias}
    if method == "percentile_bc":  # R's arithmetic exactly: quantiles of the reflected replicates
        out["ci_low"], out["ci_high"] = 2 * est - hi, 2 * est - lo
    if sparse is not None:
        out["sparse"] = np.broadcast_to(sparse, np.shape(est)).copy()
    return out


def _mean_cell(n: np.ndarray) -> np.ndarray:
    """Mean count per cell over the non-empty rows of count arrays (..., U, G): N / (U_nonempty G)."""
    rows = (n.sum(axis=-1) > 0).sum(axis=-1)
    return n.sum(axis=(-2, -1)) / np.maximum(rows, 1) / n.shape[-1]


def _check_inference(n_bootstrap: int, ci: float, method: str = "jackknife") -> None:
    """Validate the inference options; ``method`` one of ``METHODS`` (see ``_summarise``).

    ``"jackknife"`` is the default of the M/H and local verbs because it kept their coverage
    closest to nominal in ``tests/test_segregation_coverage.py``; ``"percentile_bc"`` is what the
    R package ``segregation`` does (kept to reproduce its numbers, and the default for D). Below
    5 people per cell no method reached 92% coverage of M or H in that study, so results flag
    ``sparse`` below ``SPARSE_MEAN_CELL``.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {list(METHODS)}, got {method!r}")
    if int(n_bootstrap) < 2:
        raise ValueError(f"n_bootstrap must be at least 2, got {n_bootstrap}")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, got {ci}")


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
                 resample: Literal["cells", "units"] = "cells", method: Method = "jackknife") -> pd.DataFrame:
    """Mutual information index M and Theil's information index H.

    M = sum_u sum_g p_ug log(p_ug / (p_u p_g)),  H = M / E(group),  E = -sum_g p_g log p_g.
    With ``within`` (strata w): M = sum_w p_w M_w and H = M / E(group) with the group entropy of
    the whole table, so between and within H add up to the total H (Elbers 2023; the R package).
    ``unit`` may be a list: the units are then the combinations of those columns.
    ``resample`` chooses the bootstrap: "cells" (multinomial over the table, default) or "units"
    (units drawn with replacement; see ``_bootstrap``). ``method`` chooses the bias correction
    and interval: "jackknife" (default; est - (N - 1)(mean of the leave-one-person-out values -
    est), or leave-one-unit-out with ``resample="units"``, and the bootstrap percentile interval
    moved to it) or "percentile_bc" (the R package's: 2 est - mean(boot), quantiles of
    2 est - boot); see ``_summarise``. The jackknife removes the O(1/N) bias of plug-in M,
    about (U - 1)(G - 1) / (2N) (Miller 1955; Panzeri & Treves 1996), which the bootstrap
    underestimates when cells are small because cells with no one in the sample never get
    anyone in a replicate.

    Returns a DataFrame indexed by ``stat`` ("M", "H") with ``est`` (and ``se``, ``ci_low``,
    ``ci_high``, ``bias`` and ``sparse`` when ``se=True``; ``est`` is then bias-corrected, and
    ``sparse`` is True when the table has fewer than ``SPARSE_MEAN_CELL["M"]`` (5) people per cell,
    N / (units x groups), where the interval may under-cover; tests/test_segregation_coverage.py).

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
    _check_inference(n_bootstrap, ci, method)
    if se:
        boot = _bootstrap(stat, table, n_bootstrap, np.random.default_rng(seed), resample)
        jack = _jackknife(stat, table, resample) if method == "jackknife" else None
    out = _summarise(est, boot, ci, method=method, jack_bias=jack, sparse=_mean_cell(table.reshape(-1, table.shape[-1])) < SPARSE_MEAN_CELL["M"])
    frame = pd.DataFrame(out, index=pd.Index(["M", "H"], name="stat"))
    values = [c for c in frame.columns if c != "sparse"]
    frame.loc["M", values] = frame.loc["M", values] / scale  # M is computed in nats; H does not depend on the base
    return frame


def mutual_local(data: pd.DataFrame, group: str, unit: str, weight: str | None = None, *,
                 base: float = math.e, se: bool = False, n_bootstrap: int = 100, ci: float = 0.95,
                 seed: int | np.random.Generator | None = None, method: Method = "jackknife") -> pd.DataFrame:
    """Local segregation scores: ls_u = sum_g p_{g|u} log(p_{g|u} / p_g) and unit shares p_u.

    M = sum_u p_u ls_u. Returns one row per unit (index named after ``unit``) with columns
    ``ls`` and ``p`` (and, with ``se=True``, ``ls_se``, ``ls_ci_low``, ``ls_ci_high``, ``ls_bias``
    and ``ls_sparse``: True for units with fewer than ``SPARSE_MEAN_CELL["ls"]`` (20) people per group,
    n_u / G, whose interval may under-cover). ``method`` as in ``mutual_total``: "jackknife"
    (default) or R's "percentile_bc". The default matters most here: a local score sits near its
    floor of 0 with a right-skewed sampling distribution, and R's reflected interval turned that
    skew the wrong way (coverage 0.78-0.93 against 0.92-0.95 in the coverage study).

    References
    ----------
    Frankel, D. M., & Volij, O. (2011). Measuring school segregation. Journal of Economic Theory,
    146(1), 1-38. Elbers (2023).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"sex": ["F", "M"] * 3, "occ": ["a", "a", "b", "b", "c", "c"],
    ...                    "n": [30, 10, 10, 50, 4, 6]})
    >>> out = mutual_local(df, "sex", "occ", "n", se=True, n_bootstrap=500, seed=1)
    >>> out[["ls", "p", "ls_ci_low", "ls_ci_high", "ls_sparse"]].round(3)  # doctest: +NORMALIZE_WHITESPACE
            ls      p  ls_ci_low  ls_ci_high  ls_sparse
    occ
    a    0.241  0.364      0.088       0.453      False
    b    0.121  0.545      0.045       0.226      False
    c   -0.056  0.091     -0.107       0.165       True
    """
    scale = _log_base(base)
    wide = count_table(data, group, unit, weight)
    table = wide.to_numpy()
    est = _local_counts(table)
    out = pd.DataFrame({"ls": est[:, 0] / scale, "p": est[:, 1]}, index=wide.index)
    _check_inference(n_bootstrap, ci, method)
    if se:
        boot = _bootstrap(_local_counts, table, n_bootstrap, np.random.default_rng(seed))[..., 0]
        jack = _jackknife(_ls_counts, table) if method == "jackknife" else None
        small = _mean_cell(table[:, None, :]) < SPARSE_MEAN_CELL["ls"]  # n_u / G, per unit
        summ = _summarise(est[:, 0], boot, ci, method=method, jack_bias=jack, sparse=small)
        out["ls"] = summ["est"] / scale
        for key in ("se", "ci_low", "ci_high", "bias"):
            out[f"ls_{key}"] = summ[key] / scale
        out["ls_sparse"] = summ["sparse"]
    return out


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
    ``method`` as in ``mutual_total``, and ``sparse`` per stratum: fewer than ``SPARSE_MEAN_CELL["M"]``
    people per cell in the stratum), or with
    ``wide=True`` one row per stratum with columns ``M``, ``p``, ``H``, ``ent_ratio`` (estimates).

    References
    ----------
    Elbers, B. (2023). A method for studying differences in segregation across time and space.
    Sociological Methods & Research, 52(1), 5-42. Mora, R., & Ruiz-Castillo, J. (2011).
    """
    scale = _log_base(base)
    within = [within] if isinstance(within, str) else list(within)
    table, strata = _within_array(data, group, unit, weight, within)
    est = _per_stratum(table)
    boot = jack = None
    _check_inference(n_bootstrap, ci, method)
    if se:
        boot = _bootstrap(_per_stratum, table, n_bootstrap, np.random.default_rng(seed))
        jack = _jackknife(_per_stratum, table) if method == "jackknife" else None
    parts = _summarise(est, boot, ci, method=method, jack_bias=jack, sparse=(_mean_cell(table) < SPARSE_MEAN_CELL["M"])[:, None])
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


def mutual_total_nested(data: pd.DataFrame, group: str, units: Sequence[str], weight: str | None = None, *,
                        base: float = math.e) -> pd.DataFrame:
    """Decompose M along a hierarchy of units (e.g. program, then state, then employer).

    Row k is the segregation between the level-k units within the level-(k-1) units:
    M(group, u_1..u_k) - M(group, u_1..u_{k-1}); the rows sum to M(group, finest units)
    (chain rule of mutual information). H rows divide each term by E(group).

    Returns columns ``between``, ``within``, ``stat``, ``est`` (long format, as the R package).
    """
    units = list(units)
    if not units:
        raise ValueError("units must name at least one column")
    scale = _log_base(base)
    e = _eg_counts(count_table(data, group, units[0], weight).to_numpy())
    rows, previous = [], 0.0
    for k, u in enumerate(units):
        m = float(_m_counts(count_table(data, group, units[: k + 1], weight).to_numpy()))
        term = m - previous
        previous = m
        within = ", ".join(units[:k]) if k else ""
        rows.append({"between": u, "within": within, "stat": "M", "est": term / scale})
        rows.append({"between": u, "within": within, "stat": "H", "est": term / e if e > 0 else 0.0})
    return pd.DataFrame(rows)


def dissimilarity(data: pd.DataFrame, group: str, unit: str | Sequence[str], weight: str | None = None, *,
                  se: bool = False, n_bootstrap: int = 100, ci: float = 0.95,
                  seed: int | np.random.Generator | None = None,
                  resample: Literal["cells", "units"] = "cells", method: Method = "percentile_bc") -> pd.DataFrame:
    """Duncan and Duncan's index of dissimilarity between two groups across units.

    D = 1/2 * sum_u |n_ua / N_a - n_ub / N_b|

    With ``se=True``: ``se``, ``ci_low``, ``ci_high``, ``bias`` and ``sparse`` as in
    ``mutual_total`` (``sparse``: fewer than ``SPARSE_MEAN_CELL["D"]`` = 10 people per cell, below
    which D's coverage fell to 0.84 at 7.5 per cell), but the default ``method`` is "percentile_bc", the R package's procedure
    (2 D - mean(boot), quantiles of 2 D - boot), which is also the bootstrap bias correction of
    Allen et al. (2015). The jackknife is not offered as default here: D has a kink wherever a
    unit's two shares are equal, where the jackknife is inconsistent (Efron 1982, ch. 3), and it
    covered 0.79-0.90 in the coverage study where "percentile_bc" covered 0.91-0.93.

    Known limitation: when segregation is weak (many units with nearly equal shares), D's
    sampling distribution is not normal even in large samples and no bootstrap interval holds
    its level (coverage 0.56 in the study's weak-segregation case, at 10 people per cell; Allen et
    al. 2015). Compare D with ``dissimilarity_expected`` there (Carrington & Troske 1997) rather
    than quote the interval. ``sparse`` flags only small cells, not this case.

    References
    ----------
    Duncan, O. D., & Duncan, B. (1955). A methodological analysis of segregation indexes.
    American Sociological Review, 20(2), 210-217.
    Allen, R., Burgess, S., Davidson, R., & Windmeijer, F. (2015). More reliable inference for the
    dissimilarity index of segregation. Econometrics Journal, 18(1), 40-66.
    Mazza, A., & Punzo, A. (2015). On the upward bias of the dissimilarity index and its
    corrections. Sociological Methods & Research, 44(1), 80-107.
    Efron, B. (1982). The Jackknife, the Bootstrap and Other Resampling Plans. SIAM.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"sex": ["F", "M"] * 3, "occ": ["a", "a", "b", "b", "c", "c"],
    ...                    "n": [30, 10, 10, 50, 4, 6]})
    >>> dissimilarity(df, "sex", "occ", "n", se=True, n_bootstrap=500, seed=1).round(4)  # doctest: +NORMALIZE_WHITESPACE
             est      se  ci_low  ci_high    bias  sparse
    stat
    D     0.5092  0.0773  0.3674   0.6544  0.0211   False
    """
    table = _two_groups(count_table(data, group, unit, weight), group).to_numpy()
    est = np.atleast_1d(_d_counts(table))
    boot = jack = None
    _check_inference(n_bootstrap, ci, method)
    if se:
        stat = lambda a: _d_counts(a)[..., None]  # noqa: E731
        boot = _bootstrap(stat, table, n_bootstrap, np.random.default_rng(seed), resample)
        jack = _jackknife(stat, table, resample) if method == "jackknife" else None
    out = _summarise(est, boot, ci, method=method, jack_bias=jack, sparse=_mean_cell(table) < SPARSE_MEAN_CELL["D"])
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
    """
    _check_inference(n_sim, ci)
    table = _two_groups(count_table(data, group, unit, weight), group).to_numpy()
    return _expected(_d_counts, table, n_sim, ci, np.random.default_rng(seed), ["D under 0"])


def mutual_total_expected(data: pd.DataFrame, group: str, unit: str, weight: str | None = None, *,
                          base: float = math.e, n_sim: int = 100, ci: float = 0.95,
                          seed: int | np.random.Generator | None = None) -> pd.DataFrame:
    """M and H expected under random allocation with fixed margins (stats "M under 0", "H under 0")."""
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


def mutual_difference(data1: pd.DataFrame, data2: pd.DataFrame, group: str, unit: str,
                      weight: str | None = None, *, method: Literal["shapley"] = "shapley",
                      base: float = math.e) -> pd.DataFrame:
    """Decompose the change in M between two tables (Elbers 2023, Shapley method).

    diff = M2 - M1 = additions + removals + group_marginal + unit_marginal + structural, with
    additions = M2 - M2(common units), removals = M1(common units) - M1, and the change on the
    common units split by the Shapley value over three factors (group margins, unit margins,
    association structure); the counterfactual tables combine the factors by IPF.

    References
    ----------
    Elbers, B. (2023). A method for studying differences in segregation across time and space.
    Sociological Methods & Research, 52(1), 5-42.
    """
    if method != "shapley":
        raise ValueError(f"method must be one of ['shapley'], got {method!r}")
    scale = _log_base(base)
    w1, w2 = count_table(data1, group, unit, weight), count_table(data2, group, unit, weight)
    groups = w1.columns.union(w2.columns)
    w1, w2 = w1.reindex(columns=groups, fill_value=0), w2.reindex(columns=groups, fill_value=0)
    common = w1.index.intersection(w2.index)
    if len(common) == 0:
        raise ValueError("the two tables share no units; the difference cannot be decomposed")
    m1, m2 = float(_m_counts(w1.to_numpy())), float(_m_counts(w2.to_numpy()))
    c1, c2 = w1.loc[common].to_numpy(), w2.loc[common].to_numpy()
    c1 = c1 / c1.sum()
    c2 = c2 / c2.sum()
    m1c, m2c = float(_m_counts(c1)), float(_m_counts(c2))
    tables = {1: c1, 2: c2}
    seeds = dict(zip((1, 2), _fill_zeros(c1, c2)))  # IPF seeds: empty cells as tiny counts, as R

    def value(g: int, u: int, s: int) -> float:
        if g == s and u == s:
            return float(_m_counts(tables[s]))
        fitted = _ipf_array(seeds[s], tables[u].sum(axis=1), tables[g].sum(axis=0))
        return float(_m_counts(fitted))

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

    rows = {"M1": m1, "M2": m2, "diff": m2 - m1, "additions": m2 - m2c, "removals": m1c - m1,
            "group_marginal": shapley(0), "unit_marginal": shapley(1), "structural": shapley(2)}
    est = np.array([x / scale for x in rows.values()])
    est[np.abs(est) < 1e-12] = 0.0  # floating-point residue of components that are exactly zero
    return pd.DataFrame({"est": est}, index=pd.Index(list(rows), name="stat"))


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
