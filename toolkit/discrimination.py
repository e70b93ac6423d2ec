"""Statistics of recruitment discrimination: shortfall, selection disparity, wage gaps, screening.

Each function takes tidy tables (or scalars) and returns a tidy DataFrame with the estimate, its
interval, a p-value and the n behind it. The methods are those courts and agencies already use
(Hazelwood standard deviations, the four-fifths rule, Fisher's exact test, Mantel-Haenszel,
Oaxaca-Blinder), so a number in a petition can be traced to a standard computation.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from toolkit import privacy, schema

__all__ = ["availability", "availability_from_published", "adverse_impact", "cmh", "selection_model",
           "wage_gap", "offered_wage_by_typing", "screen_entities"]


def _choice(name: str, value: object, allowed: Sequence[object]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {list(allowed)}, got {value!r}")


def _cols(df: pd.DataFrame, cols: Sequence[str], what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise KeyError(f"{what}: column(s) {missing} not found (has {list(df.columns)})")


# ------------------------------------------------------------------------------------------------
# availability and shortfall
def _clopper_pearson(k, n, ci):
    alpha = 1 - ci
    k, n = np.asarray(k, float), np.asarray(n, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        lo = np.where(k > 0, stats.beta.ppf(alpha / 2, k, n - k + 1), 0.0)
        hi = np.where(k < n, stats.beta.ppf(1 - alpha / 2, k + 1, n - k), 1.0)
    return lo, hi


def availability(observed, total, expected_share, *, by: str | Sequence[str] | None = None,
                 data: pd.DataFrame | None = None, expected_share_se=None, ci: float = 0.95,
                 combined: Literal["normal", "exact"] = "normal") -> pd.DataFrame:
    """Observed women against the number expected from an availability benchmark.

    For a group with n positions (``total``), k women observed and benchmark share p:

    - expected = n p; shortfall = n p - k (the "missing women")
    - sd = (n p - k) / sqrt(n p (1 - p)): Hazelwood standard deviations, positive when women
      are below expectation; more than two or three is the courts' rule of thumb for a
      disparity unlikely to arise by chance (Castaneda v. Partida, 430 U.S. 482, 1977, n. 17;
      Hazelwood School District v. United States, 433 U.S. 299, 1977, n. 14 and n. 17).
    - p_value = P(X <= k), X ~ Binomial(n, p): exact lower tail.
    - ci_low, ci_high: Clopper-Pearson exact interval for the observed share k / n.
    - sd_with_benchmark_error: when ``expected_share_se`` (s) is given, the benchmark's sampling
      error is added to the variance, Var(k - n p_hat) = n p (1 - p) + n^2 s^2.

    With ``by`` (grouped rows) a combined row ``all`` comes last. The total number of women is
    then a sum of independent binomials with different shares (a Poisson-binomial), so observed
    and expected are summed, sd = sum(n p - k) / sqrt(sum n p (1 - p)), and the combined
    p-value is P(sum X_g <= sum k_g): by default (``combined="normal"``) from the normal
    approximation, Phi(-sd); with ``combined="exact"`` by convolving the group binomial
    distributions (truncated at sum k_g, so the cost grows with the number of women, not of
    positions). Its ``expected_share`` is the position-weighted share sum(n p) / sum(n).

    Parameters
    ----------
    observed, total, expected_share
        Scalars or equal-length arrays (one row each, no labels), or column names in ``data``
        (one row per row of ``data``, labelled by ``by``).
    by : column name(s) in ``data`` labelling the rows; requires ``data``.
    data : DataFrame, optional
        Table holding the named columns (e.g. women and positions per SOC from worker data,
        with ``toolkit.benchmarks.women_share_by_soc`` merged in).
    expected_share_se : scalar, array or column name, optional
        Standard error of the benchmark share (``women_share_se``); adds the column
        ``sd_with_benchmark_error``. ``sd`` itself always treats the benchmark as known.
    ci : float
        Confidence level of the Clopper-Pearson interval.
    combined : {"normal", "exact"}
        Method for the combined row's p-value (see above).

    Returns
    -------
    DataFrame with the ``by`` columns, then observed, total, observed_share, expected_share,
    expected, shortfall, sd, p_value, ci_low, ci_high (and sd_with_benchmark_error).

    References
    ----------
    Castaneda v. Partida, 430 U.S. 482 (1977). Hazelwood School District v. United States, 433 U.S.
    299 (1977). Clopper, C. J., & Pearson, E. S. (1934). The use of confidence or fiducial limits
    illustrated in the case of the binomial. Biometrika, 26(4), 404-413.

    Examples
    --------
    >>> r = availability(339, 870, 0.791).iloc[0]   # Castaneda v. Partida
    >>> round(float(r["sd"]), 1)
    29.1
    """
    _choice("combined", combined, ("normal", "exact"))
    if data is not None:
        by_cols = [by] if isinstance(by, str) else list(by or [])
        names = [observed, total, expected_share] + ([expected_share_se] if isinstance(expected_share_se, str) else [])
        _cols(data, [*by_cols, *names], "availability")
        k = data[observed].to_numpy(float)
        n = data[total].to_numpy(float)
        p = data[expected_share].to_numpy(float)
        if isinstance(expected_share_se, str):
            s = data[expected_share_se].to_numpy(float)
        else:
            s = None if expected_share_se is None else np.broadcast_to(np.asarray(expected_share_se, float), k.shape)
        labels = data[by_cols].reset_index(drop=True) if by_cols else pd.DataFrame(index=range(len(data)))
    else:
        if by is not None:
            raise ValueError("by names columns of data; pass data=<DataFrame> with observed/total/"
                             "expected_share as column names")
        k, n, p = np.broadcast_arrays(*(np.atleast_1d(np.asarray(x, float)) for x in (observed, total, expected_share)))
        s = None if expected_share_se is None else np.broadcast_to(np.asarray(expected_share_se, float), k.shape)
        labels = pd.DataFrame(index=range(len(k)))
        by_cols = []
    bad = np.flatnonzero(np.isnan(k) | np.isnan(n) | np.isnan(p))
    if len(bad):
        raise ValueError(f"observed, total and expected_share must not be missing; rows {list(bad[:5])}")
    if np.any(k < 0) or np.any(k > n):
        raise ValueError("observed must be between 0 and total in every row")
    if np.any((p < 0) | (p > 1)):
        raise ValueError("expected_share must be a proportion between 0 and 1")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, got {ci}")
    rows = _availability_rows(k, n, p, s, ci)
    out = pd.concat([labels, rows], axis=1)
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
    return schema.mark_synthetic(out, data) if data is not None else out


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
                                expected_share_se: float | None = None, ci: float = 0.95) -> pd.DataFrame:
    """Availability analysis when only a published women's share of visas exists.

    observed = round(published_share x positions), then ``availability(observed, positions,
    expected_share)``. This is an approximation, and the row carries
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

    Examples
    --------
    >>> r = availability_from_published(0.03, 10_000, 0.25).iloc[0]
    >>> int(r["observed"]), float(r["shortfall"])
    (300, 2200.0)
    """
    if not 0 <= published_share <= 1:
        raise ValueError(f"published_share must be a proportion, got {published_share}")
    if not positions > 0:
        raise ValueError(f"positions must be positive, got {positions}")
    k = round(published_share * positions)
    out = availability(k, positions, expected_share, expected_share_se=expected_share_se, ci=ci)
    out["derived_from_published"] = True
    return out


# ------------------------------------------------------------------------------------------------
# selection disparities
def adverse_impact(data: pd.DataFrame, group: str, selected: str, by: str | Sequence[str] | None = None, *,
                   reference: object | None = None, ci: float = 0.95) -> pd.DataFrame:
    """Selection rates, impact ratios and tests by group (the four-fifths rule and beyond).

    For group g with x_g selected of n_g applicants: rate_g = x_g / n_g and
    impact_ratio_g = rate_g / rate_ref, with ``reference`` the highest-rate group unless given.
    The interval of the ratio is Katz's log method,
    log RR +/- z sqrt(1/x_g - 1/n_g + 1/x_r - 1/n_r), undefined (NaN) when a group has no one
    selected. ``four_fifths_flag``: impact ratio below 0.8, "generally regarded by the Federal
    enforcement agencies as evidence of adverse impact" (29 CFR 1607.4(D), Uniform Guidelines on
    Employee Selection Procedures, 1978). ``fisher_p``: two-sided Fisher exact test of the group
    against the reference; ``z_p``: two-sided two-proportion z-test with pooled variance
    (statsmodels ``proportions_ztest``). The reference row has ratio 1 and no tests. Rows with a
    missing ``group`` are left out and counted in ``attrs["rows_missing_group"]``.

    Parameters
    ----------
    data : applicant records, one row per person.
    group : column of the group (e.g. ``sex``).
    selected : boolean column, True when the applicant was selected (no missing values).
    by : column(s) to compute the table within (e.g. ``soc_code``); one block of rows each.
    reference : group the others are compared with; default the highest-rate group.
    ci : confidence level of the Katz interval.

    Returns
    -------
    DataFrame, one row per (by, group): group, applicants, selected, rate, reference,
    impact_ratio, ci_low, ci_high, four_fifths_flag, fisher_p, z_p.

    References
    ----------
    Equal Employment Opportunity Commission et al. (1978). Uniform Guidelines on Employee
    Selection Procedures, 29 CFR 1607.4(D); and (1979) Questions and Answers, 44 Fed. Reg. 11996.
    Katz, D., Baptista, J., Azen, S. P., & Pike, M. C. (1978). Obtaining confidence intervals for
    the risk ratio in cohort studies. Biometrics, 34(3), 469-474. Fisher, R. A. (1935). The
    logic of inductive inference. Journal of the Royal Statistical Society, 98(1), 39-82.

    Examples
    --------
    >>> df = pd.DataFrame({"g": ["W"] * 120 + ["B"] * 40,
    ...                    "sel": [True] * 80 + [False] * 40 + [True] * 12 + [False] * 28})
    >>> round(float(adverse_impact(df, "g", "sel").set_index("group").loc["B", "impact_ratio"]), 2)
    0.45
    """
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, got {ci}")
    by_cols = [by] if isinstance(by, str) else list(by or [])
    _cols(data, [*by_cols, group, selected], "adverse_impact")
    missing = int(data[group].isna().sum())
    data_ok = data[data[group].notna()]
    parts = data_ok.groupby(by_cols, observed=True) if by_cols else [((), data_ok)]
    out = []
    for key, part in parts:
        table = _selection_table(part, group, selected)
        res = _impact(table, reference, ci)
        for c, v in zip(by_cols, key if isinstance(key, tuple) else (key,)):
            res.insert(0, c, v)
        out.append(res)
    if not out:
        raise ValueError(f"adverse_impact: no rows with a value of {group!r}")
    result = pd.concat(out, ignore_index=True)
    result.attrs["rows_missing_group"] = missing
    return schema.mark_synthetic(result, data)


def _selection_table(data: pd.DataFrame, group: str, selected: str) -> pd.DataFrame:
    sel = data[selected]
    if sel.isna().any():
        raise ValueError(f"column {selected!r} has missing values in rows {list(data.index[sel.isna()][:5])}")
    sel = sel.astype(bool)
    g = data[group]
    table = pd.DataFrame({"applicants": g.groupby(g, observed=True).size(),
                          "selected": sel.groupby(g, observed=True).sum()})
    table.index.name = group
    return table


def _impact(table: pd.DataFrame, reference, ci) -> pd.DataFrame:
    from statsmodels.stats.proportion import proportions_ztest

    t = table.copy()
    t["rate"] = t["selected"] / t["applicants"]
    ref = t["rate"].idxmax() if reference is None else reference
    if ref not in t.index:
        raise ValueError(f"reference group {ref!r} not found; groups: {list(t.index)}")
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
                     "reference": ref, "impact_ratio": ratio, "ci_low": lo, "ci_high": hi,
                     "four_fifths_flag": bool(ratio < 0.8) if not np.isnan(ratio) else False,
                     "fisher_p": fisher, "z_p": zp})
    return pd.DataFrame(rows)


def cmh(data: pd.DataFrame, group: str, selected: str, strata: str | Sequence[str], *,
        focal: object = "F", reference: object = "M", ci: float = 0.95) -> pd.DataFrame:
    """Mantel-Haenszel common odds ratio of selection (focal vs reference) across strata.

    OR_MH = sum_s (a_s d_s / n_s) / sum_s (b_s c_s / n_s), with a, b the focal group's selected
    and not selected and c, d the reference group's, in stratum s; the CMH test of OR = 1 and
    the Breslow-Day test of homogeneity across strata (Tarone's correction), via statsmodels.

    References
    ----------
    Mantel, N., & Haenszel, W. (1959). Statistical aspects of the analysis of data from
    retrospective studies of disease. Journal of the National Cancer Institute, 22(4), 719-748.
    Breslow, N. E., & Day, N. E. (1980). Statistical Methods in Cancer Research, vol. 1. IARC.
    Tarone, R. E. (1985). On heterogeneity tests based on efficient scores. Biometrika, 72(1), 91-95.
    """
    from statsmodels.stats.contingency_tables import StratifiedTable

    strata_cols = [strata] if isinstance(strata, str) else list(strata)
    _cols(data, [group, selected, *strata_cols], "cmh")
    d = pd.DataFrame({"_g": data[group].to_numpy(), "_s": data[selected].astype(bool).to_numpy()})
    d = pd.concat([d, data[strata_cols].reset_index(drop=True)], axis=1)
    d = d[d["_g"].isin([focal, reference])]
    counts = d.groupby([*strata_cols, "_g", "_s"], observed=True).size().unstack(["_g", "_s"], fill_value=0)
    cells = [(focal, True), (focal, False), (reference, True), (reference, False)]
    arr = np.column_stack([counts[c].to_numpy() if c in counts.columns else np.zeros(len(counts), int) for c in cells])
    t4 = arr.reshape(-1, 2, 2).astype(float)
    informative = (t4.sum(axis=2) > 0).all(axis=1) & (t4.sum(axis=1) > 0).all(axis=1)
    dropped = int((~informative).sum())  # strata without both groups or both outcomes carry no information
    tables = list(t4[informative])
    if not tables:
        raise ValueError("no stratum has both groups and both outcomes; the common odds ratio is undefined")
    st = StratifiedTable(tables)
    lo, hi = st.oddsratio_pooled_confint(alpha=1 - ci)
    test = st.test_null_odds(correction=False)
    bd = st.test_equal_odds(adjust=True)
    return pd.DataFrame({"est": [st.oddsratio_pooled], "ci_low": [lo], "ci_high": [hi],
                         "p_value": [test.pvalue], "breslow_day_p": [bd.pvalue], "strata": [len(tables)],
                         "strata_uninformative": [dropped], "n": [int(sum(t.sum() for t in tables))]},
                        index=pd.Index(["odds_ratio_mh"], name="stat"))


def selection_model(data: pd.DataFrame, selected: str, group: str = "sex", controls: Sequence[str] = (),
                    cluster: str | None = None, *, reference: object = "M", ci: float = 0.95) -> pd.DataFrame:
    """Logistic regression of selection on group with categorical controls, odds ratios with CIs.

    logit P(selected_i = 1) = b0 + sum_g b_g [group_i = g] + sum_c gamma_c[control_i] (every
    control categorical, one dummy per level but the first); exp(b_g) is the odds ratio of
    selection for group g against ``reference`` among applicants with the same controls, with
    the Wald interval exp(b_g +/- z se). With ``cluster`` (employer or recruiter) the standard
    errors are cluster-robust (sandwich with the small-sample factor
    G/(G-1) (N-1)/(N-K) of statsmodels), which allows applicants of one employer to share
    unobserved influences; prefer it whenever selection is decided by entity. Rows with a
    missing value in any column used are dropped (``n`` counts the rows used).

    Returns
    -------
    DataFrame indexed by ``term`` ("sex=F", ...) with odds_ratio, ci_low, ci_high, log_odds, se,
    p_value, n, n_clusters.

    References
    ----------
    Liang, K.-Y., & Zeger, S. L. (1986). Longitudinal data analysis using generalized linear
    models. Biometrika, 73(1), 13-22. Cameron, A. C., & Miller, D. L. (2015). A practitioner's
    guide to cluster-robust inference. Journal of Human Resources, 50(2), 317-372.
    """
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, got {ci}")
    import statsmodels.formula.api as smf

    controls = list(controls)
    _cols(data, [selected, group, *controls] + ([cluster] if cluster else []), "selection_model")
    df = data[[selected, group, *controls] + ([cluster] if cluster else [])].dropna().copy()
    if reference not in set(df[group]):
        raise ValueError(f"reference {reference!r} not among the values of {group!r}: {sorted(set(df[group]))}")
    df["_y"] = df[selected].astype(bool).astype(float)
    for c in [group, *controls]:
        df[c] = df[c].astype(str)
    terms = [f"C({group}, Treatment(reference={str(reference)!r}))"] + [f"C({c})" for c in controls]
    model = smf.logit("_y ~ " + " + ".join(terms), data=df)
    if cluster:
        groups = pd.factorize(df[cluster])[0]
        fit = model.fit(disp=0, cov_type="cluster", cov_kwds={"groups": groups})
    else:
        fit = model.fit(disp=0)
    z = stats.norm.ppf(0.5 + ci / 2)
    rows = []
    for name in fit.params.index:
        if not name.startswith(f"C({group}"):
            continue
        level = name.split("[T.")[-1].rstrip("]")
        b, se = fit.params[name], fit.bse[name]
        rows.append({"term": f"{group}={level}", "odds_ratio": np.exp(b), "ci_low": np.exp(b - z * se),
                     "ci_high": np.exp(b + z * se), "log_odds": b, "se": se, "p_value": fit.pvalues[name],
                     "n": int(fit.nobs), "n_clusters": int(df[cluster].nunique()) if cluster else pd.NA})
    return pd.DataFrame(rows).set_index("term")


# ------------------------------------------------------------------------------------------------
# wages
def wage_gap(data: pd.DataFrame, wage: str = "wage_hourly", group: str = "sex",
             controls: Sequence[str] = ("soc_code", "worksite_state"), *,
             method: Literal["twofold", "threefold"] = "twofold", reference: object = "M",
             focal: object = "F",
             nondiscriminatory: Literal["pooled", "neumark", "reimers", "cotton"] = "pooled",
             n_bootstrap: int = 200, ci: float = 0.95,
             seed: int | np.random.Generator | None = None) -> pd.DataFrame:
    """Oaxaca-Blinder decomposition of the log wage gap between men (reference) and women.

    gap = mean(ln w | M) - mean(ln w | F), the raw log gap (row ``gap``). With group means of the
    regressors x_M, x_F (intercept and control dummies) and group OLS coefficients b_M, b_F:

    Two-fold, against a non-discriminatory coefficient vector b*:
    gap = (x_M - x_F)' b* (explained) + [x_M'(b_M - b*) + x_F'(b* - b_F)] (unexplained).
    b* is chosen explicitly with ``nondiscriminatory`` (Jann 2008, section 2.2):

    - ``"pooled"``: regression on both groups *with* a group indicator (Fortin 2008; Jann 2008),
      which keeps the group difference out of b*; the default.
    - ``"neumark"``: regression on both groups without the indicator (Neumark 1988).
    - ``"reimers"``: b* = (b_M + b_F) / 2 (Reimers 1983).
    - ``"cotton"``: b* = (n_M b_M + n_F b_F) / (n_M + n_F) (Cotton 1988).

    Three-fold, from the women's viewpoint (b_F as the reference coefficients; Jann 2008, eq. 3):
    gap = (x_M - x_F)' b_F (endowments) + x_F'(b_M - b_F) (coefficients)
    + (x_M - x_F)'(b_M - b_F) (interaction).

    The terms are computed here with numpy least squares and equal statsmodels' ``OaxacaBlinder``
    (the tests use it as an oracle; it spells Neumark "nuemark" and silently runs "pooled" for an
    unknown name, and may swap the groups, so it is not called directly). Standard errors and
    percentile intervals come from ``n_bootstrap`` replicates resampling workers within each
    group (seeded). A control level absent in one group has no coefficient there; the
    minimum-norm least-squares solution sets it to zero, which moves that level's difference
    into the explained part. The split of the unexplained part between individual dummies
    depends on the omitted category (Oaxaca & Ransom 1999), so only aggregate terms are
    reported.

    Returns
    -------
    DataFrame indexed by ``stat`` (gap, explained, unexplained | gap, endowments, coefficients,
    interaction) with est, se, ci_low, ci_high, n_f, n_m, method; ``attrs["nondiscriminatory"]``.

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
    """
    _choice("method", method, ("twofold", "threefold"))
    _choice("nondiscriminatory", nondiscriminatory, ("pooled", "neumark", "reimers", "cotton"))
    if method == "threefold" and nondiscriminatory != "pooled":
        raise ValueError("nondiscriminatory applies to method='twofold' only; the three-fold "
                         "decomposition uses the women's coefficients")
    if n_bootstrap < 2:
        raise ValueError(f"n_bootstrap must be at least 2 for a standard error, got {n_bootstrap}")
    controls = list(controls)
    _cols(data, [wage, group, *controls], "wage_gap")
    df = data[[wage, group, *controls]].dropna()
    df = df[df[group].isin([focal, reference])]
    w = df[wage].astype(float)
    if (w <= 0).any():
        raise ValueError(f"{wage!r} must be positive to take logs; rows {list(df.index[w <= 0][:5])}")
    y = np.log(w.to_numpy())
    x = pd.get_dummies(df[controls].astype(str), drop_first=True, dtype=float)
    x.insert(0, "const", 1.0)
    xm = x.to_numpy()
    is_f = (df[group] == focal).to_numpy()
    n_f, n_m = int(is_f.sum()), int((~is_f).sum())
    if n_f < 2 or n_m < 2:
        raise ValueError(f"need at least two workers in each group; {focal}: {n_f}, {reference}: {n_m}")
    est = _oaxaca(y, xm, is_f, method, nondiscriminatory)
    rng = np.random.default_rng(seed)
    idx_f, idx_m = np.flatnonzero(is_f), np.flatnonzero(~is_f)
    boot = np.empty((n_bootstrap, len(est)))
    for b in range(n_bootstrap):  # one replicate per loop: a least-squares fit, not per observation
        take = np.concatenate([rng.choice(idx_f, n_f), rng.choice(idx_m, n_m)])
        boot[b] = list(_oaxaca(y[take], xm[take], is_f[take], method, nondiscriminatory).values())
    alpha = (1 - ci) / 2
    out = pd.DataFrame({"est": list(est.values()), "se": boot.std(axis=0, ddof=1),
                        "ci_low": np.quantile(boot, alpha, axis=0), "ci_high": np.quantile(boot, 1 - alpha, axis=0)},
                       index=pd.Index(list(est), name="stat"))
    out["n_f"], out["n_m"], out["method"] = n_f, n_m, method
    out.attrs["nondiscriminatory"] = nondiscriminatory
    return schema.mark_synthetic(out, data)


def _ols(y, x):
    """Minimum-norm least squares through the normal equations (x'x is small: one column a level).

    The solutions of x'x b = x'y are exactly the least-squares solutions, and both share the null
    space of x, so the minimum-norm solution of the small system is that of the large one.
    """
    return np.linalg.lstsq(x.T @ x, x.T @ y, rcond=None)[0]


def _oaxaca(y, x, is_f, method, nondiscriminatory="pooled") -> dict[str, float]:
    keep = x[is_f].std(axis=0) + x[~is_f].std(axis=0) > 0
    keep[0] = True  # the intercept
    x = x[:, keep]
    xf, xm_ = x[is_f].mean(axis=0), x[~is_f].mean(axis=0)
    bf, bm = _ols(y[is_f], x[is_f]), _ols(y[~is_f], x[~is_f])
    gap = y[~is_f].mean() - y[is_f].mean()
    if method == "twofold":
        if nondiscriminatory == "pooled":
            b_star = _ols(y, np.column_stack([x, is_f.astype(float)]))[:-1]
        elif nondiscriminatory == "neumark":
            b_star = _ols(y, x)
        elif nondiscriminatory == "reimers":
            b_star = (bm + bf) / 2
        else:  # cotton
            b_star = ((~is_f).sum() * bm + is_f.sum() * bf) / len(y)
        explained = (xm_ - xf) @ b_star
        return {"gap": gap, "explained": explained, "unexplained": gap - explained}
    endow = (xm_ - xf) @ bf
    coef = xf @ (bm - bf)
    return {"gap": gap, "endowments": endow, "coefficients": coef, "interaction": gap - endow - coef}


def offered_wage_by_typing(cases: pd.DataFrame, benchmark: pd.DataFrame, *, threshold: float = 0.5,
                           typing: Literal["threshold", "tertiles"] = "threshold",
                           weight: str = "workers_certified", n_bootstrap: int = 200,
                           seed: int | np.random.Generator | None = None, ci: float = 0.95) -> pd.DataFrame:
    """Offered hourly wages in female-typed vs male-typed occupations (case data, no sex needed).

    Each case's occupation is typed by women's share of it in the benchmark (``benchmark``:
    ``soc_code``, ``women_share``, e.g. ``toolkit.benchmarks.women_share_by_soc``):

    - ``typing="threshold"``: female-typed when the share is at least ``threshold``, else
      male-typed.
    - ``typing="tertiles"``: the distinct shares of the occupations present in ``cases`` are cut
      at their tertiles (unweighted, so one dominant occupation does not fill a third on its
      own): male-typed (lowest third), mixed, female-typed (highest third).

    For each type the offered wage is the position-weighted mean
    sum_c w_c wage_c / sum_c w_c (w = ``weight``, workers certified), and ``difference`` =
    male-typed minus female-typed. Standard errors and percentile intervals come from
    ``n_bootstrap`` resamples of cases (seeded); a replicate that draws no case of a type is
    redrawn. Cases whose occupation is not in the benchmark, with no wage, or with no positions
    are left out and counted in ``attrs["cases_left_out"]``.

    Returns
    -------
    DataFrame indexed by ``stat`` (female_typed, [mixed,] male_typed, difference) with est, se,
    ci_low, ci_high and positions.

    References
    ----------
    England, P. (1992). Comparable Worth: Theories and Evidence. Aldine de Gruyter (the
    devaluation of female-typed work). Efron, B., & Tibshirani, R. J. (1993). An Introduction to
    the Bootstrap. Chapman & Hall.
    """
    _choice("typing", typing, ("threshold", "tertiles"))
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be a share between 0 and 1, got {threshold}")
    if n_bootstrap < 2:
        raise ValueError(f"n_bootstrap must be at least 2 for a standard error, got {n_bootstrap}")
    _cols(cases, ["soc_code", "wage_hourly", weight], "offered_wage_by_typing")
    _cols(benchmark, ["soc_code", "women_share"], "offered_wage_by_typing (benchmark)")
    share = benchmark.dropna(subset=["women_share"]).drop_duplicates("soc_code").set_index("soc_code")["women_share"]
    df = pd.DataFrame({"_share": cases["soc_code"].map(share).astype(float).to_numpy(),
                       "_w": pd.to_numeric(cases[weight], errors="coerce").astype(float).to_numpy(),
                       "_wage": pd.to_numeric(cases["wage_hourly"], errors="coerce").astype(float).to_numpy()})
    keep = df["_share"].notna() & df["_wage"].notna() & (df["_w"] > 0)
    df = df[keep]
    if typing == "threshold":
        labels = ["female_typed", "male_typed"]
        kind = np.where(df["_share"] >= threshold, 0, 1)
    else:
        labels = ["female_typed", "mixed", "male_typed"]
        cuts = np.quantile(np.unique(df["_share"]), [1 / 3, 2 / 3]) if len(df) else []
        if len(np.unique(df["_share"])) < 3:
            raise ValueError("typing='tertiles' needs occupations with at least three distinct benchmark shares")
        kind = 2 - np.searchsorted(cuts, df["_share"].to_numpy(), side="right")
    present = [i for i in range(len(labels)) if (kind == i).any()]
    if present != list(range(len(labels))):
        raise ValueError(f"need cases in every occupation type {labels}; found {[labels[i] for i in present]}")
    wage, w = df["_wage"].to_numpy(), df["_w"].to_numpy()

    def means(i):
        m = [np.average(wage[i[kind[i] == t]], weights=w[i[kind[i] == t]]) for t in range(len(labels))]
        return [*m, m[-1] - m[0]]

    est = means(np.arange(len(df)))
    rng = np.random.default_rng(seed)
    boot = []
    while len(boot) < n_bootstrap:
        i = rng.integers(0, len(df), len(df))
        if len(np.unique(kind[i])) == len(labels):
            boot.append(means(i))
    boot = np.array(boot)
    alpha = (1 - ci) / 2
    out = pd.DataFrame({"est": est, "se": boot.std(axis=0, ddof=1), "ci_low": np.quantile(boot, alpha, axis=0),
                        "ci_high": np.quantile(boot, 1 - alpha, axis=0)},
                       index=pd.Index([*labels, "difference"], name="stat"))
    out["positions"] = [*(w[kind == t].sum() for t in range(len(labels))), w.sum()]
    out.attrs["cases_left_out"] = int((~keep).sum())
    return schema.mark_synthetic(out, cases)


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


def screen_entities(data: pd.DataFrame, entity: str, *,
                    measure: Literal["shortfall", "impact_ratio"] = "shortfall",
                    women: str = "women", total: str = "total", expected_share: str = "expected_share",
                    group: str = "sex", selected: str = "selected", focal: object = "F",
                    reference: object = "M", alpha: float = 0.05, k: int = privacy.K_DEFAULT,
                    printable: bool = False) -> pd.DataFrame:
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
    (``attrs["entities_without_both_groups"]`` counts the others).

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
    DataFrame, one row per entity in rank order, with ``rank``; ``attrs["prior"]`` holds the
    fitted prior ((a, b) or (mu, tau2)).

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
    """
    _choice("measure", measure, ("shortfall", "impact_ratio"))
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    if measure == "shortfall":
        df, counts, dependent = _screen_shortfall(data, entity, women, total, expected_share)
    else:
        df, counts, dependent = _screen_impact(data, entity, group, selected, focal, reference)
    df["q_value"] = _bh(df["p_value"].to_numpy(float))
    df["credible"] = df["q_value"] < alpha
    key = "shrunk_ratio" if measure == "shortfall" else "shrunk_impact_ratio"
    df = df.sort_values([key, "p_value", entity], ignore_index=True)
    df["rank"] = np.arange(1, len(df) + 1)
    if printable:
        df = privacy.suppress(df, counts, k=k, dependent=dependent)
    return schema.mark_synthetic(df, data)


def _bh(p: np.ndarray) -> np.ndarray:
    from statsmodels.stats.multitest import multipletests

    return multipletests(p, method="fdr_bh")[1] if len(p) else np.array([], float)


def _screen_shortfall(data, entity, women, total, expected_share):
    _cols(data, [entity, women, total, expected_share], "screen_entities")
    df = data[[entity, women, total, expected_share]].copy()
    df = df[df[total] > 0].reset_index(drop=True)
    kf, n, p = (df[c].to_numpy(float) for c in (women, total, expected_share))
    a, b = _beta_binomial_prior(kf, n) if len(df) else (np.nan, np.nan)
    df["observed_share"] = kf / n
    df["shrunk_share"] = (kf + a) / (n + a + b)
    df["shortfall"] = n * p - kf
    df["shrunk_shortfall"] = n * (p - df["shrunk_share"])
    df["shrunk_ratio"] = df["shrunk_share"] / np.where(p > 0, p, np.nan)
    df["p_value"] = stats.binom.cdf(kf.astype(int), n.astype(int), p)
    df.attrs["prior"] = {"a": a, "b": b}
    return df, [women, total], ["observed_share", "shrunk_share", "shortfall", "shrunk_shortfall", "shrunk_ratio"]


def _screen_impact(data, entity, group, selected, focal, reference):
    _cols(data, [entity, group, selected], "screen_entities")
    d = data.loc[data[group].isin([focal, reference]), [entity, group, selected]]
    if d[selected].isna().any():
        raise ValueError(f"column {selected!r} has missing values in rows {list(d.index[d[selected].isna()][:5])}")
    d = d.assign(_f=(d[group] == focal).to_numpy(), _s=d[selected].astype(bool).to_numpy())
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
    df.attrs["prior"] = {"mu": mu, "tau2": tau2}
    df.attrs["entities_without_both_groups"] = int((~both).sum())
    counts = ["applicants_f", "selected_f", "applicants_m", "selected_m"]
    return df, counts, ["rate_f", "rate_m", "impact_ratio", "shrunk_impact_ratio"]


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
