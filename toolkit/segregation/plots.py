"""Segregation curve and segplot (R's ``plots.R``): the plotted values, then the matplotlib figure."""
from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from toolkit.inference import check_option
from toolkit.segregation._core import count_table, _xlogx_ratio, _entropy_of

__all__ = ["segcurve_data", "segcurve", "SEGPLOT_ORDER", "segplot_data", "segplot"]


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
    check_option("order", order, SEGPLOT_ORDER)
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
