"""Statistics of recruitment discrimination: shortfall, selection disparity, wage gaps, screening.

The methods are those courts and agencies already use (Hazelwood standard deviations, the
four-fifths rule, Fisher's exact test, Mantel-Haenszel, Oaxaca-Blinder), so a number in a
petition can be traced to a standard computation.

One vocabulary with ``toolkit.segregation``:

- the table comes first, then the column of the group compared (``data, group, ...``); options
  are keyword-only and checked on every call (``toolkit.inference``), whatever the others say;
- ``within=`` names the strata (column or list of columns) everywhere: one block of rows per
  stratum, or, for ``cmh``, the strata of the common odds ratio;
- a ratio or a difference between groups names its ``reference`` group explicitly (and its
  ``focal`` group where there are two), and the result says which;
- statistics come as a DataFrame indexed by ``stat`` with ``est`` (and ``se``, ``ci_low``,
  ``ci_high``, ``bias`` where there is inference), plus descriptive columns; per-group tables
  (``adverse_impact``, ``screen_entities``, ``availability(..., wide=True)``) have one row per
  group; what a result leaves out (or a fitted prior) is a named field of a small frozen
  dataclass beside its ``.table`` (``AdverseImpact``, ``TypedWages``, ``Screen``), never
  ``DataFrame.attrs``;
- bootstrap replicates are summarised by ``toolkit.inference.summarise``.
"""
from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from toolkit import inference, privacy, schema
from toolkit.inference import check_count, check_fraction, check_labels, check_level, check_number, check_option

__all__ = ["availability", "availability_counts", "availability_from_published", "adverse_impact", "cmh",
           "selection_model", "wage_gap", "wage_gap_cells", "offered_wage_by_typing", "screen_entities", "HIGHEST_RATE",
           "AdverseImpact", "TypedWages", "Screen"]

Combined = Literal["normal", "exact"]
WageMethod = Literal["twofold", "threefold"]
Nondiscriminatory = Literal["pooled", "neumark", "reimers", "cotton"]
Typing = Literal["threshold", "tertiles"]
Measure = Literal["shortfall", "impact_ratio"]
HIGHEST_RATE = "highest_rate"
"""``reference=HIGHEST_RATE`` in ``adverse_impact``: compare with the group selected most often
(the Uniform Guidelines' comparison), chosen explicitly."""
_BOOL = (True, False)


def _cols(df: pd.DataFrame, cols: Sequence[str], what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what}: data must be a DataFrame, got {type(df).__name__}")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise KeyError(f"{what}: column(s) {missing} not found (has {list(df.columns)})")


def _columns(within: str | Sequence[str] | None) -> list[str]:
    return [] if within is None else [within] if isinstance(within, str) else list(within)


def _flags(values: pd.Series, column: str) -> np.ndarray:
    """A selection column as booleans: True/False or 1/0 only, no missing value."""
    if values.isna().any():
        raise ValueError(f"column {column!r} has missing values in rows {list(values.index[values.isna()][:5])}")
    odd = ~values.isin([True, False])
    if odd.any():
        raise ValueError(f"column {column!r} must hold True/False (or 1/0); rows {list(values.index[odd][:5])} "
                         f"hold {list(pd.unique(values[odd]))[:5]}")
    return values.astype(bool).to_numpy()


def _two_labels(data: pd.DataFrame, group: str, focal: object, reference: object) -> None:
    present = data[group].dropna().unique()
    check_labels("focal", focal, present, column=group)
    check_labels("reference", reference, present, column=group)
    if focal == reference:
        raise ValueError(f"focal and reference must be different groups, both are {focal!r}")


# ------------------------------------------------------------------------------------------------
# availability and shortfall
def _clopper_pearson(k, n, ci):
    alpha = 1 - ci
    k, n = np.asarray(k, float), np.asarray(n, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        lo = np.where(k > 0, stats.beta.ppf(alpha / 2, k, n - k + 1), 0.0)
        hi = np.where(k < n, stats.beta.ppf(1 - alpha / 2, k + 1, n - k), 1.0)
    return lo, hi


def availability(data: pd.DataFrame, women: str = "women", total: str = "total",
                 expected_share: str = "expected_share", *, within: str | Sequence[str] | None = None,
                 expected_share_se: str | float | None = None, ci: float = 0.95, combined: Combined = "normal",
                 wide: bool = False) -> pd.DataFrame:
    """Observed women against the number expected from an availability benchmark.

    For a stratum (e.g. an occupation) with n positions (``total``), k women observed and
    benchmark share p:

    - ``observed_share`` = k / n, with the Clopper-Pearson exact interval (``ci_low``, ``ci_high``).
    - ``shortfall`` = n p - k, the "missing women" (expected = n p); its interval is
      n p - n [hi, lo] from the share's interval (the benchmark taken as known); ``p_value`` =
      P(X <= k), X ~ Binomial(n, p), the exact lower tail.
    - ``sd`` = (n p - k) / sqrt(n p (1 - p)): Hazelwood standard deviations, positive when women
      are below expectation; more than two or three is the courts' rule of thumb for a
      disparity unlikely to arise by chance (Castaneda v. Partida, 430 U.S. 482, 1977, n. 17;
      Hazelwood School District v. United States, 433 U.S. 299, 1977, n. 14 and n. 17).
    - ``sd_with_benchmark_error`` (when ``expected_share_se`` = s is given): the benchmark's
      sampling error added to the variance, Var(k - n p_hat) = n p (1 - p) + n^2 s^2.

    With ``within`` (one row of ``data`` per stratum) a combined stratum ``all`` comes last. The
    total number of women is then a sum of independent binomials with different shares (a
    Poisson-binomial), so observed and expected are summed, sd = sum(n p - k) / sqrt(sum n p
    (1 - p)), and the combined p-value is P(sum X_g <= sum k_g): by default (``combined="normal"``)
    from the normal approximation, Phi(-sd); with ``combined="exact"`` by convolving the group
    binomial distributions (truncated at sum k_g, so the cost grows with the number of women,
    not of positions). Its ``expected_share`` is the position-weighted share sum(n p) / sum(n).

    Parameters
    ----------
    data : DataFrame
        One row per stratum (or a single row), e.g. women and positions per SOC from worker data
        with ``toolkit.occupation_shares.women_share_by_soc`` merged in.
    women, total, expected_share : str
        Columns of ``data``: women observed, positions, benchmark share of women (0-1).
    within : column name(s), optional
        Columns labelling the strata (unique per row). Required when ``data`` has several rows.
    expected_share_se : column name or number, optional
        Standard error of the benchmark share (``women_share_se``), for ``sd_with_benchmark_error``.
    ci : float
        Confidence level of the Clopper-Pearson interval.
    combined : {"normal", "exact"}
        Method for the combined stratum's p-value (see above).
    wide : bool
        False (default): long, indexed by (``within``..., ``stat``). True: one row per stratum
        with columns observed, total, observed_share, expected_share, expected, shortfall, sd,
        p_value, ci_low, ci_high (the share's interval) and sd_with_benchmark_error.

    Returns
    -------
    DataFrame indexed by (``within``..., ``stat``), stats ``observed_share``, ``shortfall``,
    ``sd`` [, ``sd_with_benchmark_error``], with ``est``, ``ci_low``, ``ci_high``, ``p_value``
    and the descriptive columns ``observed``, ``total``, ``expected_share``, ``expected``.

    References
    ----------
    Castaneda v. Partida, 430 U.S. 482 (1977). Hazelwood School District v. United States, 433 U.S.
    299 (1977). Clopper, C. J., & Pearson, E. S. (1934). The use of confidence or fiducial limits
    illustrated in the case of the binomial. Biometrika, 26(4), 404-413.

    Examples
    --------
    >>> jobs = pd.DataFrame({"soc": ["45-2092", "37-3011"], "women": [30, 5], "total": [400, 100],
    ...                      "expected_share": [0.25, 0.10]})
    >>> out = availability(jobs, within="soc")
    >>> out.loc[("all", "shortfall"), ["est", "expected"]].round(1).tolist()   # 400 .25 + 100 .1 - 35
    [75.0, 110.0]
    >>> round(float(out.loc[("45-2092", "sd"), "est"]), 2)   # (100 - 30) / sqrt(400 .25 .75)
    8.08
    """
    check_option("combined", combined, Combined)
    level = check_level(ci)
    check_option("wide", wide, _BOOL)
    within_cols = _columns(within)
    se_col = expected_share_se if isinstance(expected_share_se, str) else None
    _cols(data, [*within_cols, women, total, expected_share, *([se_col] if se_col else [])], "availability")
    if within_cols:
        dup = data.duplicated(within_cols, keep=False)
        if dup.any():
            raise ValueError(f"availability: within={within_cols} must label one row per stratum; rows "
                             f"{list(data.index[dup][:5])} repeat a label (sum them first)")
        if (data[within_cols] == "all").any().any():
            raise ValueError("availability: 'all' is the combined stratum's label; rename the stratum called 'all'")
    elif len(data) != 1:
        raise ValueError(f"availability: data has {len(data)} rows; name the column(s) that label them with "
                         "within= (one row per stratum)")
    k, n, p = (pd.to_numeric(data[c], errors="coerce").to_numpy(float) for c in (women, total, expected_share))
    if se_col:
        s = pd.to_numeric(data[se_col], errors="coerce").to_numpy(float)
    elif expected_share_se is not None:
        s = np.full(k.shape, _nonnegative("expected_share_se", expected_share_se))
    else:
        s = None
    labels = data[within_cols].reset_index(drop=True)
    table = _availability_table(k, n, p, s, labels, level, combined)
    if not wide:
        table = _availability_long(table, within_cols)
    return schema.mark_synthetic(table, data)


def _nonnegative(name: str, value: object) -> float:
    if not check_number(name, value) >= 0:
        raise ValueError(f"{name} must be a non-negative number, got {value!r}")
    return float(value)


def availability_counts(women: float, total: float, expected_share: float, *,
                        expected_share_se: float | None = None, ci: float = 0.95, wide: bool = False) -> pd.DataFrame:
    """``availability`` for one set of numbers: k women among n positions against share p.

    The formulas are those of ``availability`` (shortfall n p - k, Hazelwood sd, exact binomial
    p-value, Clopper-Pearson interval); this is ``availability`` on a one-row table.

    Parameters
    ----------
    women, total : numbers (0 <= women <= total).
    expected_share : benchmark share of women (0-1).
    expected_share_se, ci, wide : as in ``availability``.

    References
    ----------
    Castaneda v. Partida, 430 U.S. 482 (1977), n. 17.

    Examples
    --------
    Castaneda v. Partida: 339 of 870 grand jurors Mexican-American against 79.1% of the county,
    "approximately 29 standard deviations":

    >>> out = availability_counts(339, 870, 0.791)
    >>> round(float(out.loc["sd", "est"]), 1), round(float(out.loc["shortfall", "est"]))
    (29.1, 349)
    """
    for name, value in (("women", women), ("total", total), ("expected_share", expected_share)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"{name} must be a number, got {value!r}; for columns of a table use "
                             "availability(data, women=..., total=..., expected_share=...)")
    if expected_share_se is not None:
        _nonnegative("expected_share_se", expected_share_se)
    row = pd.DataFrame({"women": [women], "total": [total], "expected_share": [expected_share]})
    return availability(row, expected_share_se=expected_share_se, ci=ci, wide=wide)


def _availability_table(k, n, p, s, labels: pd.DataFrame, ci: float, combined: str) -> pd.DataFrame:
    """The wide availability table: one row per row of ``labels`` and, with labels, ``all``."""
    bad = np.flatnonzero(np.isnan(k) | np.isnan(n) | np.isnan(p))
    if len(bad):
        raise ValueError(f"observed, total and expected_share must not be missing; rows {list(bad[:5])}")
    if np.any(k < 0) or np.any(k > n):
        raise ValueError(f"observed must be between 0 and total in every row; rows "
                         f"{list(np.flatnonzero((k < 0) | (k > n))[:5])}")
    if np.any((p < 0) | (p > 1)):
        raise ValueError("expected_share must be a proportion between 0 and 1")
    if s is not None and np.any(~(s >= 0)):
        raise ValueError(f"expected_share_se must be non-negative and not missing; rows {list(np.flatnonzero(~(s >= 0))[:5])}")
    out = pd.concat([labels, _availability_rows(k, n, p, s, ci)], axis=1)
    by_cols = list(labels.columns)
    if by_cols and len(out) > 1:
        var = n * p * (1 - p)
        combined_row = {c: "all" for c in by_cols}
        short = float((n * p - k).sum())
        sd = short / np.sqrt(var.sum()) if var.sum() > 0 else np.nan
        lo, hi = _clopper_pearson(k.sum(), n.sum(), ci)
        p_all = float(stats.norm.sf(sd)) if combined == "normal" else _poisson_binomial_cdf(k.sum(), n, p)
        combined_row.update({"observed": k.sum(), "total": n.sum(), "observed_share": k.sum() / n.sum(),
                             "expected_share": (n * p).sum() / n.sum(), "expected": (n * p).sum(),
                             "shortfall": short, "sd": sd, "p_value": p_all,
                             "ci_low": float(lo), "ci_high": float(hi)})
        if s is not None:
            combined_row["sd_with_benchmark_error"] = short / np.sqrt(var.sum() + (n**2 * s**2).sum())
        out = pd.concat([out, pd.DataFrame([combined_row])], ignore_index=True)
    return out


_AVAILABILITY_STATS = ("observed_share", "shortfall", "sd", "sd_with_benchmark_error")


def _availability_long(wide: pd.DataFrame, within_cols: list[str]) -> pd.DataFrame:
    """The wide table as long rows (stratum, stat) with est, ci_low, ci_high, p_value."""
    nan = np.full(len(wide), np.nan)
    interval = {"observed_share": (wide["ci_low"], wide["ci_high"], nan),
                "shortfall": (wide["expected"] - wide["total"] * wide["ci_high"],
                              wide["expected"] - wide["total"] * wide["ci_low"], wide["p_value"]),
                "sd": (nan, nan, wide["p_value"]), "sd_with_benchmark_error": (nan, nan, nan)}
    keep = [*within_cols, "observed", "total", "expected_share", "expected"]
    frames = []
    for order, name in enumerate(s for s in _AVAILABILITY_STATS if s in wide.columns):
        lo, hi, pv = interval[name]
        frames.append(wide[keep].assign(stat=name, est=wide[name].to_numpy(float), ci_low=np.asarray(lo, float),
                                        ci_high=np.asarray(hi, float), p_value=np.asarray(pv, float),
                                        _row=np.arange(len(wide)), _order=order))
    long = pd.concat(frames, ignore_index=True).sort_values(["_row", "_order"], kind="stable")
    cols = ["est", "ci_low", "ci_high", "p_value", "observed", "total", "expected_share", "expected"]
    return long.set_index([*within_cols, "stat"])[cols]


def _poisson_binomial_cdf(k: float, n: np.ndarray, p: np.ndarray) -> float:
    """P(sum_g X_g <= k) for independent X_g ~ Binomial(n_g, p_g), by truncated convolution."""
    if np.any(n != np.round(n)):
        raise ValueError("combined='exact' needs whole-number totals; use combined='normal'")
    k = int(k)
    dist = np.ones(1)
    for n_g, p_g in zip(n.astype(int), p):
        pmf = stats.binom.pmf(np.arange(min(n_g, k) + 1), n_g, p_g)
        dist = np.convolve(dist, pmf)[: k + 1]
    return float(min(dist.sum(), 1.0))


def _availability_rows(k, n, p, s, ci) -> pd.DataFrame:
    expected = n * p
    var = n * p * (1 - p)
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = np.where(var > 0, (expected - k) / np.sqrt(var), np.nan)
    lo, hi = _clopper_pearson(k, n, ci)
    out = pd.DataFrame({"observed": k, "total": n, "observed_share": np.divide(k, n, out=np.full_like(k, np.nan), where=n > 0),
                        "expected_share": p, "expected": expected, "shortfall": expected - k, "sd": sd,
                        "p_value": stats.binom.cdf(k, n.astype(int), p), "ci_low": lo, "ci_high": hi})
    if s is not None:
        out["sd_with_benchmark_error"] = (expected - k) / np.sqrt(var + n**2 * s**2)
    return out


def availability_from_published(published_share: float, positions: float, expected_share: float, *,
                                expected_share_se: float | None = None, ci: float = 0.95,
                                wide: bool = False) -> pd.DataFrame:
    """Availability analysis when only a published women's share of visas exists.

    observed = round(published_share x positions), then ``availability_counts(observed,
    positions, expected_share)``. This is an approximation, and every row carries
    ``derived_from_published = True`` so reports say so: published shares are rounded (a "3%"
    may be anything from 2.5% to 3.5%, i.e. +/- 0.005 x positions women), and they usually
    count visas issued by the State Department while ``positions`` are certified by DOL (not
    every certified position is filled, and one worker may fill several). The sd and p-value
    treat the derived count as observed.

    Parameters
    ----------
    published_share : share of women in the published statistic (0-1).
    positions : positions (e.g. workers certified) the share is applied to; positive.
    expected_share : benchmark women's share (e.g. CPS Table 11 share of the occupation mix).
    expected_share_se, ci : as in ``availability``.
    wide : bool
        As in ``availability``: False (default) the stat-indexed result, True the one-row table.

    References
    ----------
    Hazelwood School District v. United States, 433 U.S. 299 (1977).

    Examples
    --------
    >>> out = availability_from_published(0.03, 10_000, 0.25, wide=False)
    >>> int(out.loc["shortfall", "observed"]), float(out.loc["shortfall", "est"])
    (300, 2200.0)
    """
    p_pub = check_number("published_share", published_share)
    if not 0 <= p_pub <= 1:
        raise ValueError(f"published_share must be a proportion, got {published_share}")
    if not check_number("positions", positions) > 0:
        raise ValueError(f"positions must be positive, got {positions}")
    k = round(p_pub * positions)
    out = availability_counts(k, positions, expected_share, expected_share_se=expected_share_se, ci=ci, wide=wide)
    out["derived_from_published"] = True
    return out



# ------------------------------------------------------------------------------------------------
# selection disparities
@dataclass(frozen=True)
class AdverseImpact:
    """``adverse_impact``'s result: ``table`` (one row per block and group) and
    ``rows_missing_group``, the records left out because their group is missing."""

    table: pd.DataFrame
    rows_missing_group: int


def adverse_impact(data: pd.DataFrame, group: str, selected: str, *,
                   reference: object, within: str | Sequence[str] | None = None,
                   ci: float = 0.95) -> AdverseImpact:
    """Selection rates, impact ratios and tests by group (the four-fifths rule and beyond).

    For group g with x_g selected of n_g applicants: rate_g = x_g / n_g and
    impact_ratio_g = rate_g / rate_ref. The reference is explicit: a group label (e.g. ``"M"``),
    or ``reference="highest_rate"`` (``HIGHEST_RATE``), the group selected most often in each
    block, which is the Uniform Guidelines' comparison. The interval of the ratio is Katz's log
    method, log RR +/- z sqrt(1/x_g - 1/n_g + 1/x_r - 1/n_r), undefined (NaN) when a group has
    no one selected. ``four_fifths_flag``: impact ratio below 0.8, "generally regarded by the
    Federal enforcement agencies as evidence of adverse impact" (29 CFR 1607.4(D), Uniform
    Guidelines on Employee Selection Procedures, 1978). ``p_value_fisher``: two-sided Fisher exact test
    of the group against the reference; ``p_value_z``: two-sided two-proportion z-test with pooled
    variance (statsmodels ``proportions_ztest``). The reference row has ratio 1 and no tests.
    Rows with a missing ``group`` are left out and counted (``.rows_missing_group``).

    Parameters
    ----------
    data : applicant records, one row per person.
    group : column of the group (e.g. ``sex``).
    selected : column, True (or 1) when the applicant was selected; no missing values.
    within : column(s) to compute the table within (e.g. ``soc_code``); one block of rows each.
    reference : a value of ``group``, or ``"highest_rate"`` (required: the comparison is named).
    ci : confidence level of the Katz interval.

    Returns
    -------
    AdverseImpact: ``.table``, one row per (within, group): group, applicants, selected, rate,
    reference (the label compared with), reference_rule ("given" or "highest_rate"),
    impact_ratio, ci_low, ci_high, four_fifths_flag, p_value_fisher, p_value_z; ``.rows_missing_group``.

    References
    ----------
    Equal Employment Opportunity Commission et al. (1978). Uniform Guidelines on Employee
    Selection Procedures, 29 CFR 1607.4(D); and (1979) Questions and Answers, 44 Fed. Reg. 11996.
    Katz, D., Baptista, J., Azen, S. P., & Pike, M. C. (1978). Obtaining confidence intervals for
    the risk ratio in cohort studies. Biometrics, 34(3), 469-474. Fisher, R. A. (1935). The
    logic of inductive inference. Journal of the Royal Statistical Society, 98(1), 39-82.

    Examples
    --------
    Uniform Guidelines, Q&A 12: 80 of 120 whites and 12 of 40 Blacks selected; 30% / 66.7% = 0.45:

    >>> df = pd.DataFrame({"g": ["W"] * 120 + ["B"] * 40,
    ...                    "sel": [True] * 80 + [False] * 40 + [True] * 12 + [False] * 28})
    >>> out = adverse_impact(df, "g", "sel", reference="highest_rate").table.set_index("group")
    >>> round(float(out.loc["B", "impact_ratio"]), 2), out.loc["B", "reference"], bool(out.loc["B", "four_fifths_flag"])
    (0.45, 'W', True)
    """
    level = check_level(ci)
    within_cols = _columns(within)
    _cols(data, [*within_cols, group, selected], "adverse_impact")
    present = data[group].dropna().unique()
    if isinstance(reference, str) and reference == HIGHEST_RATE:
        if HIGHEST_RATE in set(present):
            raise ValueError(f"column {group!r} has a group called {HIGHEST_RATE!r}, which is also the name of the "
                             "highest-rate rule; relabel it")
    else:
        check_labels("reference", reference, present, column=group)
    missing = int(data[group].isna().sum())
    data_ok = data[data[group].notna()]
    parts = data_ok.groupby(within_cols, observed=True) if within_cols else [((), data_ok)]
    out = []
    for key, part in parts:
        key = key if isinstance(key, tuple) else (key,)
        table = _selection_table(part, group, selected)
        if reference != HIGHEST_RATE and reference not in table.index:
            raise ValueError(f"adverse_impact: reference {reference!r} has no applicants in the block "
                             f"{dict(zip(within_cols, key))}; groups there: {list(table.index)}")
        res = _impact(table, reference, level)
        for c, v in zip(within_cols[::-1], key[::-1]):
            res.insert(0, c, v)
        out.append(res)
    if not out:
        raise ValueError(f"adverse_impact: no rows with a value of {group!r}")
    result = pd.concat(out, ignore_index=True)
    return AdverseImpact(schema.mark_synthetic(result, data), missing)


def _selection_table(data: pd.DataFrame, group: str, selected: str) -> pd.DataFrame:
    sel = pd.Series(_flags(data[selected], selected), index=data.index)
    g = data[group]
    table = pd.DataFrame({"applicants": g.groupby(g, observed=True).size(),
                          "selected": sel.groupby(g, observed=True).sum()})
    table.index.name = group
    return table


def _impact(table: pd.DataFrame, reference, ci) -> pd.DataFrame:
    from statsmodels.stats.proportion import proportions_ztest

    t = table.copy()
    t["rate"] = t["selected"] / t["applicants"]
    rule = "highest_rate" if reference == HIGHEST_RATE else "given"
    ref = t["rate"].idxmax() if rule == "highest_rate" else reference
    xr, nr = t.loc[ref, "selected"], t.loc[ref, "applicants"]
    z = stats.norm.ppf(0.5 + ci / 2)
    rows = []
    for g, r in t.iterrows():
        x, n = r["selected"], r["applicants"]
        ratio = r["rate"] / t.loc[ref, "rate"] if t.loc[ref, "rate"] > 0 else np.nan
        lo = hi = fisher = zp = np.nan
        if g != ref:
            if x > 0 and xr > 0:
                se = np.sqrt(1 / x - 1 / n + 1 / xr - 1 / nr)
                lo, hi = ratio * np.exp(-z * se), ratio * np.exp(z * se)
            fisher = stats.fisher_exact([[x, n - x], [xr, nr - xr]]).pvalue
            if 0 < x + xr < n + nr:
                zp = proportions_ztest([x, xr], [n, nr])[1]
        rows.append({"group": g, "applicants": int(n), "selected": int(x), "rate": r["rate"],
                     "reference": ref, "reference_rule": rule, "impact_ratio": ratio, "ci_low": lo, "ci_high": hi,
                     "four_fifths_flag": bool(ratio < 0.8) if not np.isnan(ratio) else False,
                     "p_value_fisher": fisher, "p_value_z": zp})
    return pd.DataFrame(rows)


def cmh(data: pd.DataFrame, group: str, selected: str, *, within: str | Sequence[str] | None = None,
        focal: object = "F", reference: object = "M", ci: float = 0.95) -> pd.DataFrame:
    """Mantel-Haenszel common odds ratio of selection (focal vs reference) across strata.

    OR_MH = sum_s (a_s d_s / n_s) / sum_s (b_s c_s / n_s), with a, b the focal group's selected
    and not selected and c, d the reference group's, in stratum s (each combination of the
    ``within`` columns, e.g. each job order); the CMH test of OR = 1 and the Breslow-Day test of
    homogeneity across strata (Tarone's correction), via statsmodels. Without ``within`` the
    table is one stratum and OR_MH is the crude odds ratio a d / (b c). Strata without both groups
    or both outcomes carry no information and are counted in ``n_strata_uninformative``.

    Returns
    -------
    DataFrame indexed by ``stat`` ("odds_ratio_mh") with est, ci_low, ci_high, p_value,
    p_value_breslow_day, n_strata, n_strata_uninformative, n, focal, reference.

    References
    ----------
    Mantel, N., & Haenszel, W. (1959). Statistical aspects of the analysis of data from
    retrospective studies of disease. Journal of the National Cancer Institute, 22(4), 719-748.
    Breslow, N. E., & Day, N. E. (1980). Statistical Methods in Cancer Research, vol. 1. IARC.
    Tarone, R. E. (1985). On heterogeneity tests based on efficient scores. Biometrika, 72(1), 91-95.

    Examples
    --------
    Two job orders; in each, women are selected at lower odds (1/3 and 1/4 of men's):

    >>> df = pd.DataFrame({"job": [1] * 16 + [2] * 20,
    ...                    "sex": list("FFFFFFFFMMMMMMMM") + list("FFFFFFFFFFMMMMMMMMMM"),
    ...                    "sel": [1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0]
    ...                           + [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]})
    >>> r = cmh(df, "sex", "sel", within="job", focal="F", reference="M").loc["odds_ratio_mh"]
    >>> round(float(r["est"]), 3), int(r["n_strata"])   # (2*4/16 + 2*5/20) / (6*4/16 + 8*5/20) = 1/3.5
    (0.286, 2)
    """
    from statsmodels.stats.contingency_tables import StratifiedTable

    level = check_level(ci)
    within_cols = _columns(within)
    _cols(data, [group, selected, *within_cols], "cmh")
    _two_labels(data, group, focal, reference)
    used = data[data[group].isin([focal, reference])]
    d = pd.DataFrame({"_g": used[group].to_numpy(), "_s": _flags(used[selected], selected),
                      "_one": 0})
    d = pd.concat([d, used[within_cols].reset_index(drop=True)], axis=1)
    keys = within_cols or ["_one"]
    counts = d.groupby([*keys, "_g", "_s"], observed=True).size().unstack(["_g", "_s"], fill_value=0)
    cells = [(focal, True), (focal, False), (reference, True), (reference, False)]
    arr = np.column_stack([counts[c].to_numpy() if c in counts.columns else np.zeros(len(counts), int) for c in cells])
    t4 = arr.reshape(-1, 2, 2).astype(float)
    informative = (t4.sum(axis=2) > 0).all(axis=1) & (t4.sum(axis=1) > 0).all(axis=1)
    dropped = int((~informative).sum())
    tables = list(t4[informative])
    if not tables:
        raise ValueError("no stratum has both groups and both outcomes; the common odds ratio is undefined")
    st = StratifiedTable(tables)
    lo, hi = st.oddsratio_pooled_confint(alpha=1 - level)
    test = st.test_null_odds(correction=False)
    bd = st.test_equal_odds(adjust=True)
    return pd.DataFrame({"est": [st.oddsratio_pooled], "ci_low": [lo], "ci_high": [hi],
                         "p_value": [test.pvalue], "p_value_breslow_day": [bd.pvalue], "n_strata": [len(tables)],
                         "n_strata_uninformative": [dropped], "n": [int(sum(t.sum() for t in tables))],
                         "focal": [focal], "reference": [reference]},
                        index=pd.Index(["odds_ratio_mh"], name="stat"))


def selection_model(data: pd.DataFrame, group: str, selected: str, *, controls: Sequence[str] = (),
                    cluster: str | None = None, reference: object = "M", ci: float = 0.95) -> pd.DataFrame:
    """Logistic regression of selection on group with categorical controls, odds ratios with CIs.

    logit P(selected_i = 1) = b0 + sum_g b_g [group_i = g] + sum_c gamma_c[control_i] (every
    control categorical, one dummy per level but the first); exp(b_g) is the odds ratio of
    selection for group g against ``reference`` (explicit; default ``"M"``) among applicants
    with the same controls, with the Wald interval exp(b_g +/- z se_b) and the delta-method
    standard error exp(b_g) se_b. With ``cluster`` (employer or recruiter) the standard errors
    are cluster-robust (sandwich with the small-sample factor G/(G-1) (N-1)/(N-K) of
    statsmodels), which allows applicants of one employer to share unobserved influences; prefer
    it whenever selection is decided by entity. Rows with a missing value in any column used are
    left out (``n`` counts the rows used).

    Returns
    -------
    DataFrame indexed by ``stat`` ("odds_ratio_F_vs_M", one row per group but the reference) with
    est (odds ratio), se, ci_low, ci_high, p_value, log_odds, log_odds_se, group, reference, n,
    n_clusters.

    References
    ----------
    Liang, K.-Y., & Zeger, S. L. (1986). Longitudinal data analysis using generalized linear
    models. Biometrika, 73(1), 13-22. Cameron, A. C., & Miller, D. L. (2015). A practitioner's
    guide to cluster-robust inference. Journal of Human Resources, 50(2), 317-372.

    Examples
    --------
    Women selected 2 of 8 times and men 4 of 8 in each of two occupations: odds ratio (2/6)/(4/4):

    >>> df = pd.DataFrame({"sex": (["F"] * 8 + ["M"] * 8) * 2, "soc": ["a"] * 16 + ["b"] * 16,
    ...                    "sel": ([1, 1] + [0] * 6 + [1] * 4 + [0] * 4) * 2})
    >>> r = selection_model(df, "sex", "sel", controls=["soc"], reference="M").loc["odds_ratio_F_vs_M"]
    >>> round(float(r["est"]), 3), int(r["n"])
    (0.333, 32)
    """
    import statsmodels.formula.api as smf

    level = check_level(ci)
    controls = [controls] if isinstance(controls, str) else list(controls)
    used = [selected, group, *controls] + ([cluster] if cluster else [])
    _cols(data, used, "selection_model")
    df = data[used].dropna().copy()
    check_labels("reference", reference, df[group].unique(), column=group)
    if df[group].nunique() < 2:
        raise ValueError(f"selection_model: {group!r} has one group only ({reference!r}) in the rows used")
    df["_y"] = _flags(df[selected], selected).astype(float)
    for c in [group, *controls]:
        df[c] = df[c].astype(str)
    terms = [f"C({group}, Treatment(reference={str(reference)!r}))"] + [f"C({c})" for c in controls]
    model = smf.logit("_y ~ " + " + ".join(terms), data=df)
    if cluster:
        fit = model.fit(disp=0, cov_type="cluster", cov_kwds={"groups": pd.factorize(df[cluster])[0]})
    else:
        fit = model.fit(disp=0)
    z = stats.norm.ppf(0.5 + level / 2)
    rows = []
    for name in fit.params.index:
        if not name.startswith(f"C({group}"):
            continue
        level_ = name.split("[T.")[-1].rstrip("]")
        b, se = fit.params[name], fit.bse[name]
        rows.append({"stat": f"odds_ratio_{level_}_vs_{reference}", "est": np.exp(b), "se": np.exp(b) * se,
                     "ci_low": np.exp(b - z * se), "ci_high": np.exp(b + z * se), "p_value": fit.pvalues[name],
                     "log_odds": b, "log_odds_se": se, "group": level_, "reference": reference,
                     "n": int(fit.nobs), "n_clusters": int(df[cluster].nunique()) if cluster else pd.NA})
    return schema.mark_synthetic(pd.DataFrame(rows).set_index("stat"), data)


# ------------------------------------------------------------------------------------------------
# wages
def wage_gap(data: pd.DataFrame, group: str = "sex", wage: str = "wage_hourly", *,
             controls: Sequence[str] = ("soc_code", "worksite_state"), method: WageMethod = "twofold",
             focal: object = "F", reference: object = "M", nondiscriminatory: Nondiscriminatory = "pooled",
             n_bootstrap: int = 200, ci: float = 0.95,
             seed: int | np.random.Generator | None = None) -> pd.DataFrame:
    """Oaxaca-Blinder decomposition of the log wage gap between the reference group and the focal one.

    gap = mean(ln w | reference) - mean(ln w | focal), the raw log gap (row ``gap``; with the
    defaults, men minus women). With group means of the regressors x_M, x_F (intercept and
    control dummies; M the reference group, F the focal one) and group OLS coefficients b_M, b_F:

    Two-fold, against a non-discriminatory coefficient vector b*:
    gap = (x_M - x_F)' b* (explained) + [x_M'(b_M - b*) + x_F'(b* - b_F)] (unexplained).
    b* is chosen explicitly with ``nondiscriminatory`` (Jann 2008, section 2.2):

    - ``"pooled"``: regression on both groups *with* a group indicator (Fortin 2008; Jann 2008),
      which keeps the group difference out of b*; the default.
    - ``"neumark"``: regression on both groups without the indicator (Neumark 1988).
    - ``"reimers"``: b* = (b_M + b_F) / 2 (Reimers 1983).
    - ``"cotton"``: b* = (n_M b_M + n_F b_F) / (n_M + n_F) (Cotton 1988).

    Three-fold, from the focal group's viewpoint (b_F as the reference coefficients; Jann 2008,
    eq. 3): gap = (x_M - x_F)' b_F (endowments) + x_F'(b_M - b_F) (coefficients)
    + (x_M - x_F)'(b_M - b_F) (interaction).

    The workers are first aggregated into cells of group x controls (``cells.aggregate``: count,
    sum and sum of squares of ln w), and ``wage_gap_cells`` computes everything from those: with
    categorical controls the regressors are constant within a cell, so the normal equations
    X'X b = X'y are sums over cells (X'X = sum_c n_c x_c x_c', X'y = sum_c x_c S_c with S_c the
    cell's sum of ln w) and the terms equal those of a regression on the rows. They equal
    statsmodels' ``OaxacaBlinder`` (the tests use it as an oracle; it spells Neumark "nuemark"
    and silently runs "pooled" for an unknown name, and may swap the groups, so it is not called
    directly). Standard errors and percentile intervals come from ``n_bootstrap`` replicates
    resampling workers within each group, drawn on the cells (see ``wage_gap_cells``), summarised
    by ``toolkit.inference.summarise``. A control level absent in one group has no coefficient
    there; the minimum-norm least-squares solution sets it to zero, which moves that level's
    difference into the explained part. The split of the unexplained part between individual
    dummies depends on the omitted category (Oaxaca & Ransom 1999), so only aggregate terms are
    reported. Rows with a missing value in a column used, or of another group, are left out.

    Returns
    -------
    DataFrame indexed by ``stat`` (gap, explained, unexplained | gap, endowments, coefficients,
    interaction) with est, se, ci_low, ci_high, bias, and n_focal, n_reference, focal, reference,
    method, nondiscriminatory.

    References
    ----------
    Oaxaca, R. (1973). Male-female wage differentials in urban labor markets. International
    Economic Review, 14(3), 693-709. Blinder, A. S. (1973). Wage discrimination: reduced form and
    structural estimates. Journal of Human Resources, 8(4), 436-455. Jann, B. (2008). The
    Blinder-Oaxaca decomposition for linear regression models. Stata Journal, 8(4), 453-479.
    Neumark, D. (1988). Employers' discriminatory behavior and the estimation of wage
    discrimination. Journal of Human Resources, 23(3), 279-295. Reimers, C. W. (1983). Labor
    market discrimination against Hispanic and black men. Review of Economics and Statistics,
    65(4), 570-579. Cotton, J. (1988). On the decomposition of wage differentials. Review of
    Economics and Statistics, 70(2), 236-243. Fortin, N. M. (2008). The gender wage gap among
    young adults in the United States. Journal of Human Resources, 43(4), 884-918. Oaxaca, R. L.,
    & Ransom, M. R. (1999). Identification in detailed wage decompositions. Review of Economics
    and Statistics, 81(1), 154-157.

    Examples
    --------
    Women and men in two occupations, women paid 10% less within each, and more women in the
    lower-paid one: part of the raw gap is explained by the occupation mix, the rest is not.

    >>> df = pd.DataFrame({"sex": list("FFFFFFMMMMMM"), "soc": list("aaaabbaabbbb"),
    ...                    "wage": [9.0, 9.0, 9.0, 9.0, 18.0, 18.0, 10.0, 10.0, 20.0, 20.0, 20.0, 20.0]})
    >>> out = wage_gap(df, "sex", "wage", controls=["soc"], n_bootstrap=20, seed=0)
    >>> out["est"].round(3).to_dict()
    {'gap': 0.336, 'explained': 0.231, 'unexplained': 0.105}

    The unexplained part is ln(10/9), the within-occupation gap; the explained part is the
    difference in the share in the better-paid occupation (2/3 - 1/3) times ln 2.
    """
    from toolkit import cells

    _wage_options(method, nondiscriminatory, n_bootstrap, ci)
    controls = [controls] if isinstance(controls, str) else list(controls)
    _cols(data, [wage, group, *controls], "wage_gap")
    _two_labels(data, group, focal, reference)
    df = data[[wage, group, *controls]].dropna()
    df = df[df[group].isin([focal, reference])]
    w = pd.to_numeric(df[wage], errors="coerce").astype(float)
    if not (w > 0).all():
        raise ValueError(f"{wage!r} must be positive to take logs; rows {list(df.index[~(w > 0)][:5])}")
    table = cells.aggregate(df, [group, *controls], wage=wage)
    out = wage_gap_cells(table, group, controls=controls, method=method, focal=focal, reference=reference,
                         nondiscriminatory=nondiscriminatory, n_bootstrap=n_bootstrap, ci=ci, seed=seed)
    return schema.mark_synthetic(out, data)


def _wage_options(method, nondiscriminatory, n_bootstrap, ci) -> int:
    check_option("method", method, WageMethod)
    check_option("nondiscriminatory", nondiscriminatory, Nondiscriminatory)
    n_boot = check_count("n_bootstrap", n_bootstrap, minimum=2)
    check_level(ci)
    if method == "threefold" and nondiscriminatory != "pooled":
        raise ValueError("nondiscriminatory applies to method='twofold' only; the three-fold "
                         "decomposition uses the focal group's coefficients")
    return n_boot


def wage_gap_cells(cells: pd.DataFrame, group: str = "sex", *,
                   controls: Sequence[str] = ("soc_code", "worksite_state"), n: str = "n_wage",
                   sum_log: str = "sum_log_wage", sumsq_log: str = "sumsq_log_wage",
                   method: WageMethod = "twofold", focal: object = "F", reference: object = "M",
                   nondiscriminatory: Nondiscriminatory = "pooled", n_bootstrap: int = 200, ci: float = 0.95,
                   seed: int | np.random.Generator | None = None) -> pd.DataFrame:
    """``wage_gap`` from a table of cells: per combination of ``group`` and ``controls`` (or any
    finer one, as ``cells.aggregate`` makes), the workers with a wage ``n``, and the sum
    ``sum_log`` and sum of squares ``sumsq_log`` of their log wages.

    The point estimates are exactly those of ``wage_gap`` on the rows (the normal equations are
    sums over workers, constant within a cell). The bootstrap resamples workers within each group
    as ``wage_gap`` on rows would, drawn on the cells: a replicate's cell counts are
    multinomial, (n*_c) ~ Multinomial(n_g, n_c / n_g) over the cells c of group g (all replicates
    in one vectorised draw), and a cell's sum of log wages given its count is
    S*_c = n*_c ybar_c + sqrt(n*_c) s_c Z_c with ybar_c and s_c^2 the cell's mean and (population)
    variance of ln w, Z_c standard normal. Given n*_c, the row bootstrap's S*_c is the sum of n*_c
    draws from the cell's log wages: the same mean n*_c ybar_c and variance n*_c s_c^2, and close
    to normal unless n*_c is tiny (central limit theorem). As every term is (nearly) linear in the
    S*_c, the standard errors equal the row bootstrap's up to Monte Carlo error; the tests compare
    them with a row bootstrap on the same data.

    Returns
    -------
    As ``wage_gap``.

    Examples
    --------
    The example of ``wage_gap`` as cells (two occupations x two groups) gives the same terms:

    >>> from toolkit import cells
    >>> df = pd.DataFrame({"sex": list("FFFFFFMMMMMM"), "soc": list("aaaabbaabbbb"),
    ...                    "wage": [9.0, 9.0, 9.0, 9.0, 18.0, 18.0, 10.0, 10.0, 20.0, 20.0, 20.0, 20.0]})
    >>> table = cells.aggregate(df, ["sex", "soc"], wage="wage")
    >>> table[["sex", "soc", "n_wage"]].to_dict("list")
    {'sex': ['F', 'F', 'M', 'M'], 'soc': ['a', 'b', 'a', 'b'], 'n_wage': [4, 2, 2, 4]}
    >>> wage_gap_cells(table, "sex", controls=["soc"], n_bootstrap=20, seed=0)["est"].round(3).to_dict()
    {'gap': 0.336, 'explained': 0.231, 'unexplained': 0.105}
    """
    n_boot = _wage_options(method, nondiscriminatory, n_bootstrap, ci)
    controls = [controls] if isinstance(controls, str) else list(controls)
    _cols(cells, [group, *controls, n, sum_log, sumsq_log], "wage_gap_cells")
    keys = [group, *controls]
    c = cells[[*keys, n, sum_log, sumsq_log]].dropna(subset=keys)
    c = c[c[group].isin([focal, reference]).to_numpy() & (c[n] > 0).to_numpy()]
    c = c.groupby(keys, observed=True, sort=True)[[n, sum_log, sumsq_log]].sum().reset_index()
    x = pd.get_dummies(c[controls].astype(str), drop_first=True, dtype=float)
    x.insert(0, "const", 1.0)
    xm = x.to_numpy()
    is_f = (c[group] == focal).to_numpy()
    counts, sums = c[n].to_numpy(dtype=float), c[sum_log].to_numpy(dtype=float)
    n_f, n_m = int(counts[is_f].sum()), int(counts[~is_f].sum())
    if n_f < 2 or n_m < 2:
        raise ValueError(f"need at least two workers in each group; {focal}: {n_f}, {reference}: {n_m}")
    est = _oaxaca(xm, counts, sums, is_f, method, nondiscriminatory)
    rng = np.random.default_rng(seed)
    boot_n = np.zeros((n_boot, len(c)))
    for mask, total in ((is_f, n_f), (~is_f, n_m)):
        boot_n[:, mask] = rng.multinomial(total, counts[mask] / total, size=n_boot)
    mean = sums / counts
    sd = np.sqrt(np.maximum(c[sumsq_log].to_numpy(dtype=float) / counts - mean**2, 0.0))
    boot_s = boot_n * mean + np.sqrt(boot_n) * sd * rng.standard_normal(boot_n.shape)
    boot = np.array([list(_oaxaca(xm, boot_n[b], boot_s[b], is_f, method, nondiscriminatory).values())
                     for b in range(n_boot)])  # one replicate per loop: small normal equations
    out = inference.stat_table(inference.summarise(np.array(list(est.values())), boot, check_level(ci)), list(est))
    out = out.assign(n_focal=n_f, n_reference=n_m, focal=focal, reference=reference, method=method,
                     nondiscriminatory=nondiscriminatory)
    return schema.mark_synthetic(out, cells)


def _ols(x, n, s):
    """Minimum-norm weighted least squares of cell means on cell regressors through the normal
    equations (x'Wx b = x's with W = diag(n) and s the cell sums; x'x is small: one column a level).

    The solutions of the normal equations are exactly the least-squares solutions of the rows,
    and both share the null space of the row design, so the minimum-norm solution of the small
    system is that of the large one.
    """
    return np.linalg.lstsq(x.T @ (n[:, None] * x), x.T @ s, rcond=None)[0]


def _oaxaca(x, n, s, is_f, method, nondiscriminatory="pooled") -> dict[str, float]:
    """The decomposition from cells: regressors ``x`` (one row a cell), counts ``n``, sums ``s``."""
    n_f, n_m = n[is_f].sum(), n[~is_f].sum()
    xf, xm_ = n[is_f] @ x[is_f] / n_f, n[~is_f] @ x[~is_f] / n_m
    # a column constant within both groups carries no information about either (as a row-level
    # std of zero); for 0/1 columns its mean in each group is then 0 or 1
    var_f = n[is_f] @ x[is_f] ** 2 / n_f - xf**2
    var_m = n[~is_f] @ x[~is_f] ** 2 / n_m - xm_**2
    keep = var_f + var_m > 1e-12
    keep[0] = True  # the intercept
    x, xf, xm_ = x[:, keep], xf[keep], xm_[keep]
    bf, bm = _ols(x[is_f], n[is_f], s[is_f]), _ols(x[~is_f], n[~is_f], s[~is_f])
    gap = s[~is_f].sum() / n_m - s[is_f].sum() / n_f
    if method == "twofold":
        if nondiscriminatory == "pooled":
            b_star = _ols(np.column_stack([x, is_f.astype(float)]), n, s)[:-1]
        elif nondiscriminatory == "neumark":
            b_star = _ols(x, n, s)
        elif nondiscriminatory == "reimers":
            b_star = (bm + bf) / 2
        else:  # cotton
            b_star = (n_m * bm + n_f * bf) / (n_m + n_f)
        explained = (xm_ - xf) @ b_star
        return {"gap": gap, "explained": explained, "unexplained": gap - explained}
    endow = (xm_ - xf) @ bf
    coef = xf @ (bm - bf)
    return {"gap": gap, "endowments": endow, "coefficients": coef, "interaction": gap - endow - coef}


@dataclass(frozen=True)
class TypedWages:
    """``offered_wage_by_typing``'s result: ``table`` (indexed by ``stat``) and
    ``cases_left_out`` (no benchmark share, no wage or no positions)."""

    table: pd.DataFrame
    cases_left_out: int


def offered_wage_by_typing(data: pd.DataFrame, benchmark: pd.DataFrame, *, threshold: float = 0.5,
                           typing: Typing = "threshold", weight: str = "workers_certified",
                           n_bootstrap: int = 200, ci: float = 0.95,
                           seed: int | np.random.Generator | None = None) -> TypedWages:
    """Offered hourly wages in female-typed vs male-typed occupations (case data, no sex needed).

    Each case's occupation (``data``: one row per case, ``soc_code``, ``wage_hourly`` and
    ``weight``) is typed by women's share of it in the benchmark (``benchmark``: ``soc_code``,
    ``women_share``, e.g. ``toolkit.occupation_shares.women_share_by_soc``):

    - ``typing="threshold"``: female-typed when the share is at least ``threshold``, else
      male-typed.
    - ``typing="tertiles"``: the distinct shares of the occupations present in ``data`` are cut
      at their tertiles (unweighted, so one dominant occupation does not fill a third on its
      own): male-typed (lowest third), mixed, female-typed (highest third).

    For each type the offered wage is the position-weighted mean
    sum_c w_c wage_c / sum_c w_c (w = ``weight``, workers certified), and ``difference`` =
    male-typed minus female-typed (female-typed is the reference). Standard errors and
    percentile intervals come from ``n_bootstrap`` resamples of cases (seeded), summarised by
    ``toolkit.inference.summarise``; a replicate that draws no case of a type is redrawn. Cases
    whose occupation is not in the benchmark, with no wage, or with no positions are left out and
    counted (``.cases_left_out``).

    Returns
    -------
    TypedWages: ``.table`` indexed by ``stat`` (female_typed, [mixed,] male_typed, difference)
    with est, se, ci_low, ci_high, bias and positions; ``.cases_left_out``.

    References
    ----------
    England, P. (1992). Comparable Worth: Theories and Evidence. Aldine de Gruyter (the
    devaluation of female-typed work). Efron, B., & Tibshirani, R. J. (1993). An Introduction to
    the Bootstrap. Chapman & Hall.

    Examples
    --------
    >>> bench = pd.DataFrame({"soc_code": ["a", "b"], "women_share": [0.8, 0.1]})
    >>> cases = pd.DataFrame({"soc_code": ["a", "a", "b", "b"], "wage_hourly": [10.0, 12.0, 15.0, 16.0],
    ...                       "workers_certified": [1, 1, 3, 1]})
    >>> out = offered_wage_by_typing(cases, bench, n_bootstrap=20, seed=0)
    >>> out.table["est"].round(2).to_dict()
    {'female_typed': 11.0, 'male_typed': 15.25, 'difference': 4.25}
    """
    check_option("typing", typing, Typing)
    check_fraction("threshold", threshold)
    n_boot = check_count("n_bootstrap", n_bootstrap, minimum=2)
    level = check_level(ci)
    _cols(data, ["soc_code", "wage_hourly", weight], "offered_wage_by_typing")
    _cols(benchmark, ["soc_code", "women_share"], "offered_wage_by_typing (benchmark)")
    share = benchmark.dropna(subset=["women_share"]).drop_duplicates("soc_code").set_index("soc_code")["women_share"]
    df = pd.DataFrame({"_share": data["soc_code"].map(share).astype(float).to_numpy(),
                       "_w": pd.to_numeric(data[weight], errors="coerce").astype(float).to_numpy(),
                       "_wage": pd.to_numeric(data["wage_hourly"], errors="coerce").astype(float).to_numpy()})
    keep = df["_share"].notna() & df["_wage"].notna() & (df["_w"] > 0)
    df = df[keep]
    if typing == "threshold":
        labels = ["female_typed", "male_typed"]
        kind = np.where(df["_share"] >= threshold, 0, 1)
    else:
        labels = ["female_typed", "mixed", "male_typed"]
        if len(np.unique(df["_share"])) < 3:
            raise ValueError("typing='tertiles' needs occupations with at least three distinct benchmark shares")
        cuts = np.quantile(np.unique(df["_share"]), [1 / 3, 2 / 3])
        kind = 2 - np.searchsorted(cuts, df["_share"].to_numpy(), side="right")
    present = [i for i in range(len(labels)) if (kind == i).any()]
    if present != list(range(len(labels))):
        raise ValueError(f"need cases in every occupation type {labels}; found {[labels[i] for i in present]}")
    wage, w = df["_wage"].to_numpy(), df["_w"].to_numpy()

    def means(i):
        m = [np.average(wage[i[kind[i] == t]], weights=w[i[kind[i] == t]]) for t in range(len(labels))]
        return [*m, m[-1] - m[0]]

    est = np.array(means(np.arange(len(df))))
    rng = np.random.default_rng(seed)
    boot = []
    while len(boot) < n_boot:
        i = rng.integers(0, len(df), len(df))
        if len(np.unique(kind[i])) == len(labels):
            boot.append(means(i))
    out = inference.stat_table(inference.summarise(est, np.array(boot), level), [*labels, "difference"])
    out["positions"] = [*(w[kind == t].sum() for t in range(len(labels))), w.sum()]
    return TypedWages(schema.mark_synthetic(out, data), int((~keep).sum()))


# ------------------------------------------------------------------------------------------------
# screening entities
def _beta_binomial_prior(k: np.ndarray, n: np.ndarray) -> tuple[float, float]:
    """Beta prior (a, b) for entity shares by the method of moments with n-weights.

    With N = sum n_i, mu = sum k_i / N and s2 = sum n_i (p_i - mu)^2 / N, the between-entity
    variance is tau2 = (s2 - mu (1 - mu) (m - 1) / N) / (1 - sum n_i^2 / N^2) for m entities
    (Kleinman, J. C. (1973). Proportions with extraneous variance: single and independent
    samples. JASA, 68(341), 46-54); a + b = mu (1 - mu) / tau2 - 1.
    """
    big_n, m = n.sum(), len(n)
    mu = k.sum() / big_n
    s2 = (n * (k / n - mu) ** 2).sum() / big_n
    denom = 1 - (n**2).sum() / big_n**2
    tau2 = (s2 - mu * (1 - mu) * (m - 1) / big_n) / denom if denom > 0 else 0.0
    tau2 = min(max(tau2, 1e-8), mu * (1 - mu) * 0.999) if 0 < mu < 1 else 1e-8
    common = max(mu * (1 - mu) / tau2 - 1, 1e-3)
    return mu * common, (1 - mu) * common


@dataclass(frozen=True)
class Screen:
    """``screen_entities``'s result.

    ``table``: one row per entity screened, in rank order. ``prior``: the fitted prior,
    ``{"a", "b"}`` (beta, shortfall) or ``{"mu", "tau2"}`` (normal on the log impact ratio).
    ``entities_left_out``: entities not screened (shortfall: no one counted, ``total`` 0;
    impact ratio: no applicant of one of the two groups).
    """

    table: pd.DataFrame
    prior: Mapping[str, float]
    entities_left_out: int


def screen_entities(data: pd.DataFrame, entity: str, *,
                    measure: Measure = "shortfall",
                    women: str = "women", total: str = "total", expected_share: str = "expected_share",
                    group: str = "sex", selected: str = "selected", focal: object = "F",
                    reference: object = "M", alpha: float = 0.05, k: int = privacy.K_DEFAULT,
                    printable: bool = False) -> Screen:
    """Rank employers or recruiters by a disparity against women, with FDR control and shrinkage.

    ``measure="shortfall"`` (``data``: one row per entity with ``women``, ``total`` and
    ``expected_share`` columns): observed women k of n against the expected share p; exact
    binomial lower-tail p-value P(X <= k); an empirical-Bayes posterior mean share
    (beta-binomial, prior Beta(a, b) fitted by moments across entities, see
    ``_beta_binomial_prior``: shrunk share = (k + a) / (n + a + b)); rows ranked by the shrunken
    ratio (shrunk share / expected share, lowest first); ``shrunk_shortfall`` = n (p - shrunk
    share) gives the size of the gap in people.

    ``measure="impact_ratio"`` (``data``: applicant records, one row per person, with ``group``
    and ``selected``): per entity the women's and men's selection rates, the impact ratio
    r_F / r_M, and the one-sided Fisher exact p-value for women being selected less often
    (hypergeometric lower tail, P(X <= x_F) with X ~ Hypergeometric(n_F + n_M, x_F + x_M, n_F)).
    Shrinkage is normal-normal on y = log impact ratio with 0.5 added to every count,
    v = 1/(x_F+.5) - 1/(n_F+.5) + 1/(x_M+.5) - 1/(n_M+.5) (Katz et al. 1978), prior N(mu, tau^2)
    fitted by the DerSimonian-Laird moment estimator; posterior mean
    mu + tau^2 / (tau^2 + v) (y - mu), reported as ``shrunk_impact_ratio`` = exp(.), ranked
    lowest first. Only entities with applicants of both groups are screened
    (``.entities_left_out`` counts the others; for the shortfall, entities with ``total`` 0).

    In both, q-values are Benjamini-Hochberg adjusted p-values across the entities screened,
    ``credible`` is q < alpha, and a small, noisy entity is pulled toward the common value so a
    3-worker employer is not ranked above a 3,000-worker one on noise. Ties in the shrunken
    value are broken by p-value, then by name.

    Parameters
    ----------
    printable : bool
        If True, entities with a count below ``k`` (women, total; or applicants and selected of
        either group) have their counts and every share or ratio computed from them set to
        ``<NA>`` by ``privacy.suppress`` (column ``suppressed``); p- and q-values stay, as they
        reveal no count. Use it for anything printed; keep ``printable=False`` for computation.

    Returns
    -------
    Screen: ``.table``, one row per entity in rank order, with ``rank``; ``.prior``, the fitted
    prior ((a, b) or (mu, tau2)); ``.entities_left_out``.

    References
    ----------
    Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate: a practical and
    powerful approach to multiple testing. Journal of the Royal Statistical Society B, 57(1),
    289-300. Efron, B. (2010). Large-Scale Inference. Cambridge University Press. Casella, G.
    (1985). An introduction to empirical Bayes data analysis. The American Statistician, 39(2),
    83-87. DerSimonian, R., & Laird, N. (1986). Meta-analysis in clinical trials. Controlled
    Clinical Trials, 7(3), 177-188. Katz, D., Baptista, J., Azen, S. P., & Pike, M. C. (1978).
    Obtaining confidence intervals for the risk ratio in cohort studies. Biometrics, 34(3),
    469-474.

    Examples
    --------
    A tiny employer with no woman among 3 workers is not ranked above a large one with 5% women
    against a 25% benchmark:

    >>> df = pd.DataFrame({"employer": ["tiny", "big", "fair"], "women": [0, 150, 250],
    ...                    "total": [3, 3000, 1000], "expected_share": [0.25, 0.25, 0.25]})
    >>> print(screen_entities(df, "employer").table[["rank", "employer", "credible"]].to_string(index=False))
     rank employer  credible
        1      big      True
        2     tiny     False
        3     fair     False
    """
    check_option("measure", measure, Measure)
    check_fraction("alpha", alpha)
    check_count("k", k, minimum=1)
    check_option("printable", printable, _BOOL)
    if measure == "shortfall":
        df, counts, dependent, prior, left_out = _screen_shortfall(data, entity, women, total, expected_share)
    else:
        df, counts, dependent, prior, left_out = _screen_impact(data, entity, group, selected, focal, reference)
    df["q_value"] = _bh(df["p_value"].to_numpy(float))
    df["credible"] = df["q_value"] < alpha
    key = "shrunk_ratio" if measure == "shortfall" else "shrunk_impact_ratio"
    df = df.sort_values([key, "p_value", entity], ignore_index=True)
    df["rank"] = np.arange(1, len(df) + 1)
    if printable:
        df = privacy.suppress(df, counts, k=k, dependent=dependent)
    return Screen(schema.mark_synthetic(df, data), prior, left_out)


def _bh(p: np.ndarray) -> np.ndarray:
    from statsmodels.stats.multitest import multipletests

    return multipletests(p, method="fdr_bh")[1] if len(p) else np.array([], float)


def _screen_shortfall(data, entity, women, total, expected_share):
    _cols(data, [entity, women, total, expected_share], "screen_entities")
    df = data[[entity, women, total, expected_share]].copy()
    counted = df[total] > 0
    df = df[counted].reset_index(drop=True)
    kf, n, p = (df[c].to_numpy(float) for c in (women, total, expected_share))
    a, b = _beta_binomial_prior(kf, n) if len(df) else (np.nan, np.nan)
    df["observed_share"] = kf / n
    df["shrunk_share"] = (kf + a) / (n + a + b)
    df["shortfall"] = n * p - kf
    df["shrunk_shortfall"] = n * (p - df["shrunk_share"])
    df["shrunk_ratio"] = df["shrunk_share"] / np.where(p > 0, p, np.nan)
    df["p_value"] = stats.binom.cdf(kf.astype(int), n.astype(int), p)
    dependent = ["observed_share", "shrunk_share", "shortfall", "shrunk_shortfall", "shrunk_ratio"]
    return df, [women, total], dependent, {"a": a, "b": b}, int((~counted).sum())


def _screen_impact(data, entity, group, selected, focal, reference):
    _cols(data, [entity, group, selected], "screen_entities")
    _two_labels(data, group, focal, reference)
    d = data.loc[data[group].isin([focal, reference]), [entity, group, selected]]
    d = d.assign(_f=(d[group] == focal).to_numpy(), _s=_flags(d[selected], selected))
    g = d.groupby(entity, observed=True)
    df = pd.DataFrame({"applicants_f": g["_f"].sum(), "selected_f": (d["_f"] & d["_s"]).groupby(d[entity], observed=True).sum(),
                       "applicants_m": (~d["_f"]).groupby(d[entity], observed=True).sum(),
                       "selected_m": (~d["_f"] & d["_s"]).groupby(d[entity], observed=True).sum()}).astype(int)
    both = (df["applicants_f"] > 0) & (df["applicants_m"] > 0)
    df = df[both].reset_index()
    xf, nf, xm, nm = (df[c].to_numpy(float) for c in ("selected_f", "applicants_f", "selected_m", "applicants_m"))
    df["rate_f"], df["rate_m"] = xf / nf, xm / nm
    df["impact_ratio"] = np.divide(df["rate_f"], df["rate_m"], out=np.full(len(df), np.nan), where=xm > 0)
    y = np.log((xf + 0.5) / (nf + 0.5)) - np.log((xm + 0.5) / (nm + 0.5))
    v = 1 / (xf + 0.5) - 1 / (nf + 0.5) + 1 / (xm + 0.5) - 1 / (nm + 0.5)
    mu, tau2 = _dersimonian_laird(y, v) if len(df) else (np.nan, np.nan)
    df["shrunk_impact_ratio"] = np.exp(mu + tau2 / (tau2 + v) * (y - mu))
    df["p_value"] = stats.hypergeom.cdf(xf, nf + nm, xf + xm, nf)
    counts = ["applicants_f", "selected_f", "applicants_m", "selected_m"]
    dependent = ["rate_f", "rate_m", "impact_ratio", "shrunk_impact_ratio"]
    return df, counts, dependent, {"mu": mu, "tau2": tau2}, int((~both).sum())


def _dersimonian_laird(y: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    """Random-effects mean and between-entity variance by DerSimonian & Laird's moments.

    w = 1/v; Q = sum w (y - ybar_w)^2; tau2 = max(0, (Q - (m - 1)) / (sum w - sum w^2 / sum w));
    mu = sum w* y / sum w* with w* = 1 / (v + tau2).
    """
    w = 1 / v
    ybar = (w * y).sum() / w.sum()
    q = (w * (y - ybar) ** 2).sum()
    denom = w.sum() - (w**2).sum() / w.sum()
    tau2 = max(0.0, (q - (len(y) - 1)) / denom) if denom > 0 else 0.0
    ws = 1 / (v + tau2)
    return float((ws * y).sum() / ws.sum()), float(tau2)
