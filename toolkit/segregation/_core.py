"""Count tables and the statistics on count arrays that every segregation family shares.

``count_table`` turns long data (``group``, ``unit``, optional ``weight``) into a wide table of
counts, validating the columns. The private functions compute on count arrays shaped
(..., U, G) (units x groups, with any leading axes for replicates or strata), so the same code
serves point estimates, bootstrap replicates and simulations.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["count_table"]


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


def _xlogx_cells(n: np.ndarray) -> np.ndarray:
    """sum of n log n over the last two axes of integer counts (..., U, G): k log k looked up in a
    table of k = 0..max (one logarithm per distinct count; computed directly where the table would
    be larger than the counts), the sum a matrix product."""
    top = int(n.max(initial=0))
    if top >= n.size:
        f = n.astype(float)
        terms = f * np.log(np.maximum(f, 1.0))
    else:
        k = np.arange(top + 1, dtype=float)
        terms = (k * np.log(np.maximum(k, 1.0))).take(n)
    return terms.reshape(*n.shape[:-2], -1) @ np.ones(n.shape[-2] * n.shape[-1])


def _m_counts(n: np.ndarray) -> np.ndarray:
    """Mutual information M (natural log) of count arrays (..., U, G).

    M = [sum n_ug log n_ug - sum n_u log n_u - sum n_g log n_g + N log N] / N, the count form of
    sum p_ug log(p_ug / (p_u p_g)), which needs one logarithm per cell.
    """
    return _m_and_groups(n)[0]


def _m_and_groups(n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """M of count arrays (..., U, G) (``_m_counts``) and their group totals (..., G), from one pass of sums.

    Integer arrays (bootstrap replicates) take their sums as float matrix products, exact for
    counts below 2^53, and their logarithms of whole numbers as log(max(x, 1)), 0 log 0 = 0.
    """
    n = np.asarray(n)
    if n.dtype.kind in "iu":
        f = n.astype(float)
        groups, units = np.ones(n.shape[-2]) @ f, f @ np.ones(n.shape[-1])
        cells, xlogx = _xlogx_cells(n), lambda x: (x * np.log(np.maximum(x, 1.0))).sum(axis=-1)
    else:
        n = n.astype(float)
        groups, units = n.sum(axis=-2), n.sum(axis=-1)
        cells, xlogx = _xlogx_sum(n, (-2, -1)), lambda x: _xlogx_sum(x, -1)
    total = groups.sum(axis=-1)
    safe = np.where(total > 0, total, 1.0)
    m = (cells - xlogx(units) - xlogx(groups) + total * np.log(safe)) / safe
    return np.maximum(m, 0.0), groups  # rounding can leave -1e-17 where M is 0


def _eg_counts(n: np.ndarray) -> np.ndarray:
    return _entropy_of_totals(n.sum(axis=-2))


def _entropy_of_totals(groups: np.ndarray) -> np.ndarray:
    """Entropy of the shares of the totals (..., G); 0 for an empty table."""
    total = groups.sum(axis=-1, keepdims=True)
    return _entropy_of(groups / np.where(total > 0, total, 1))


def _mh_counts(n: np.ndarray) -> np.ndarray:
    m, groups = _m_and_groups(n)
    e = _entropy_of_totals(groups)
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


def _ls_counts(n: np.ndarray) -> np.ndarray:
    """Local scores ls_u alone of count arrays (..., U, G) (see ``_local_counts``)."""
    return _local_counts(n)[..., 0]


def _mean_cell(n: np.ndarray) -> np.ndarray:
    """Mean count per cell over the non-empty rows of count arrays (..., U, G): N / (U_nonempty G)."""
    rows = (n.sum(axis=-1) > 0).sum(axis=-1)
    return n.sum(axis=(-2, -1)) / np.maximum(rows, 1) / n.shape[-1]


def _log_base(base: float) -> float:
    if base <= 0 or base == 1:
        raise ValueError(f"base must be positive and not 1, got {base}")
    return math.log(base)


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


def _two_groups(wide: pd.DataFrame, group: str) -> pd.DataFrame:
    if wide.shape[1] != 2:
        raise ValueError(f"this index needs exactly two groups in {group!r}; found {list(wide.columns)}")
    return wide
