"""Exposure and isolation indices (R's ``exposure.R``).

References
----------
Bell, W. (1954). A probability model for the measurement of ecological segregation. Social
Forces, 32(4), 357-364.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit.segregation._core import count_table

__all__ = ["exposure", "isolation"]


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
