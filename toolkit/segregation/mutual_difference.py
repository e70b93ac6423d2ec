"""Decomposition of the difference between two M indices (R's ``mutual_difference.R``).

References
----------
Elbers, B. (2023). A method for studying differences in segregation across time and space.
Sociological Methods & Research, 52(1), 5-42.
"""
from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pandas as pd

from toolkit.inference import check_option
from toolkit.segregation._core import count_table, _entropy_of, _m_counts, _local_counts, _log_base
from toolkit.segregation.intervals import _bootstrap, _check_inference, _summarise_columns
from toolkit.segregation.ipf import _ipf_array

__all__ = ["DIFF_METHODS", "mutual_difference"]


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
    contribution averaged over the 2 x 2 settings of the other two."""
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
      with Shapley weights; it is not R's method and gives other numbers.

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
    check_option("method", method, DIFF_METHODS)
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
