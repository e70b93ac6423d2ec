"""Iterative proportional fitting of one table to another's margins (R's ``ipf.R``).

References
----------
Deming, W. E., & Stephan, F. F. (1940). On a least squares adjustment of a sampled frequency
table when the expected marginal totals are known. Annals of Mathematical Statistics, 11(4),
427-444.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.segregation._core import count_table

__all__ = ["ipf"]


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
