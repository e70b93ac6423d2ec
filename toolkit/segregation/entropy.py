"""Shannon entropy of a distribution (R ``segregation``'s ``entropy.R``)."""
from __future__ import annotations

import math

import pandas as pd

from toolkit.segregation._core import count_table, _entropy_of, _log_base

__all__ = ["entropy"]


def entropy(data: pd.DataFrame, group: str, weight: str | None = None, *, base: float = math.e) -> float:
    """Shannon entropy of the distribution of ``group``: E = -sum_k p_k log(p_k).

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
    counts = count_table(data.assign(_one="all"), group, "_one", weight).to_numpy()[0]
    return float(_entropy_of(counts / counts.sum()) / _log_base(base))
