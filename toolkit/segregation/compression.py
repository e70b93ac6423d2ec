"""Compression: merge units while keeping as much segregation information as possible (R's ``compression.R``).

References
----------
Elbers, B. (2021). Trends in U.S. residential racial segregation, 1990 to 2020. Socius, 7.
"""
from __future__ import annotations

import dataclasses
import heapq
import math
from typing import Literal

import numpy as np
import pandas as pd

from toolkit.inference import check_option
from toolkit.segregation._core import count_table, _m_counts, _local_counts

__all__ = ["Compression", "compress", "get_crosswalk", "merge_units", "scree_plot"]


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
        check_option("neighbors", neighbors, ("local", "all"))
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
