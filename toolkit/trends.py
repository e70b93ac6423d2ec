"""Trends across fiscal years: certified positions, expected women and occupational segregation.

DOL files record no sex, so every trend here is *expected from benchmarks* (``toolkit.claims``):
certified positions by occupation x women's share of the occupation in the US workforce (BLS CPS
Table 11: one benchmark table for every year, or a table with a ``fiscal_year`` column giving each
year the CPS year of its occupation classification, ``occupation_shares.benchmark_for_years``;
with one table a change over time comes from the H-2 job mix only). Each year carries its release
coverage (``toolkit.coverage``): a partial year (Q1-Q3 release) is marked ``partial`` and its
counts are not a year's counts.

Functions (all pure, on canonical case tables and the benchmark table):

``yearly_positions``
    Per year (x ``by``): certified positions, expected women, expected share, and the share of
    positions in occupations where women are at least 25% / 50% of the US workforce.
``yearly_segregation``
    Per year (x ``by``): M and H (``segregation.mutual_total``) of the expected women and men
    across occupations, with an interval from the benchmark's sampling error.
``segregation_change``
    The change of M between the first and last year (x ``by``), decomposed
    (``segregation.mutual_difference``, Elbers 2023).

References
----------
Elbers, B. (2023). A method for studying differences in segregation across time and space.
Sociological Methods & Research, 52(1), 5-42.
Theil, H., & Finizza, A. J. (1971). A note on the measurement of racial integration of schools by
means of informational concepts. Journal of Mathematical Sociology, 1(2), 187-193.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit import analysis, inference, schema, segregation
from toolkit.segregation._core import _mh_counts

__all__ = ["THRESHOLDS", "NOT_STATED", "yearly_positions", "yearly_segregation", "segregation_change"]

#: Women's share of an occupation's US workforce that ``yearly_positions`` counts positions above.
THRESHOLDS = (0.25, 0.5)

_COVERAGE_COLS = ["release", "partial", "months"]

#: Label of the group of cases whose ``by`` value (e.g. worksite state) the file leaves blank:
#: they are a group of their own, never dropped.
NOT_STATED = "(not stated)"


def _label_missing(cases: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    missing = [b for b in by if b in cases and cases[b].isna().any()]
    if not missing:
        return cases
    out = cases.assign(**{b: cases[b].astype("string").fillna(NOT_STATED) for b in missing})
    return schema.mark_synthetic(out, cases)


def _by(by: Sequence[str] | str) -> list[str]:
    by = [by] if isinstance(by, str) else list(by)
    allowed = {"program", "worksite_state", "employer_state"}
    bad = [b for b in by if b not in allowed]
    if bad:
        raise ValueError(f"by must be drawn from {sorted(allowed)}, got {bad}")
    return by


def _year_rows(coverage: pd.DataFrame) -> pd.DataFrame:
    """``program``, ``fiscal_year`` and the governing release's ``release``, ``partial``, ``months``.

    ``coverage`` is per file (``coverage.coverage_table``) or per year (``dataset.Dataset.coverage``);
    a synthetic dataset's coverage (release "synthetic", no files) has whole years: ``partial``
    False, ``months`` NA (no release, no months to state).
    """
    if "source_file" not in coverage or "partial" not in coverage:
        if not (coverage["release"] == "synthetic").all():
            raise ValueError("coverage needs source_file and partial (coverage.coverage_table) unless it is the "
                             "coverage of synthetic data (release 'synthetic')")
        return coverage[["program", "fiscal_year", "release"]].assign(
            partial=False, months=pd.Series(pd.NA, index=coverage.index, dtype="Int64"))
    from toolkit import coverage as cov

    return cov.year_coverage(coverage)[["program", "fiscal_year", *_COVERAGE_COLS]]


def _with_coverage(table: pd.DataFrame, coverage: pd.DataFrame | None) -> pd.DataFrame:
    """Join the governing release of each program-year (``coverage.year_coverage``)."""
    if coverage is None:
        return table
    years = _year_rows(coverage)
    if "program" not in table:
        if years["program"].nunique() > 1:
            raise ValueError("coverage of several programs needs 'program' among the by columns")
        years = years.drop(columns="program")
    keys = [c for c in ("program", "fiscal_year") if c in table]
    out = table.merge(years, on=keys, how="left")
    return out


def yearly_positions(cases: pd.DataFrame, benchmark: pd.DataFrame, *, by: Sequence[str] | str = ("program",),
                     coverage: pd.DataFrame | None = None, thresholds: Sequence[float] = THRESHOLDS) -> pd.DataFrame:
    """Certified positions and women expected from the benchmark, per fiscal year (x ``by``).

    positions_y      = sum of ``workers_certified`` (master/sub duplicates excluded)
    expected_women_y = sum_o positions_yo x s_o   (s_o: women's share of occupation o, CPS Table 11)
    expected_share_y = expected_women_y / covered_y, covered_y = positions in occupations with an s_o
                       (NaN when no position has one, e.g. the FY2013 H-2A file, which has no SOC codes)
    share_ge_T_y     = positions in occupations with s_o >= T / covered_y,  for T in ``thresholds``

    Parameters
    ----------
    cases : canonical cases of one or more fiscal years.
    benchmark : ``occupation_shares.women_share_by_soc()``.
    by : grouping besides the year: ``"program"`` (default), ``"worksite_state"``.
    coverage : ``coverage.coverage_table(cases)`` or ``dataset.Dataset.coverage``; adds ``release``,
        ``partial``, ``months`` (synthetic data: release "synthetic", partial False, months NA).
    thresholds : women's shares (0-1) for the ``share_ge_<pct>`` columns.

    Returns
    -------
    DataFrame: ``by``, ``fiscal_year``, ``positions``, ``covered`` (positions with a benchmark share),
    ``not_benchmarked`` (positions - covered: no SOC code or no share; never counted as zero women),
    ``expected_women`` (NaN when nothing is covered),
    ``expected_share``, ``share_ge_25``, ``share_ge_50`` (one per threshold), then the coverage
    columns; sorted by ``by`` and year. Groups with no certified position are left out; cases
    whose ``by`` value is blank form the group ``NOT_STATED``.

    Examples
    --------
    >>> cases = pd.DataFrame({"program": "H-2A", "fiscal_year": [2020, 2020, 2021],
    ...                       "soc_code": ["45-2092", "45-2041", "45-2092"], "workers_certified": [30, 10, 50],
    ...                       "is_duplicate": False})
    >>> bench = pd.DataFrame({"soc_code": ["45-2092", "45-2041"], "women_share": [0.2, 0.6],
    ...                       "women_share_se": [0.01, 0.02]})
    >>> t = yearly_positions(cases, bench)
    >>> t[["fiscal_year", "positions", "expected_women", "share_ge_25", "share_ge_50"]].to_dict("records")
    [{'fiscal_year': 2020, 'positions': 40, 'expected_women': 12.0, 'share_ge_25': 0.25, 'share_ge_50': 0.25}, {'fiscal_year': 2021, 'positions': 50, 'expected_women': 10.0, 'share_ge_25': 0.0, 'share_ge_50': 0.0}]
    """
    by = _by(by)
    cases = _label_missing(cases, by)
    for t in thresholds:
        if not 0 < float(t) <= 1:
            raise ValueError(f"thresholds must be women's shares in (0, 1], got {t!r}")
    keys = [*by, "fiscal_year"]
    exp = analysis.expected_counts(cases, benchmark, by=[*keys, "soc_code"]).table
    women = exp[exp["sex"] == "F"].copy()
    women["covered"] = women["positions"].where(women["women_share"].notna(), 0)
    for t in thresholds:
        women[f"share_ge_{round(100 * t)}"] = women["positions"].where(women["women_share"] >= t, 0).fillna(0)
    share_cols = [f"share_ge_{round(100 * t)}" for t in thresholds]
    # expected_counts keeps the cases without a SOC code (FY2013 H-2A files have none) as rows of
    # their own: their positions count, their women_share is NA
    agg = women.groupby(keys, observed=True).agg(
        positions=("positions", "sum"), covered=("covered", "sum"), expected_women=("n", "sum"),
        **{c: (c, "sum") for c in share_cols}).reset_index()
    agg = agg[agg["positions"] > 0]
    covered = agg["covered"].where(agg["covered"] > 0)
    agg["expected_share"] = (agg["expected_women"] / covered).astype(float)
    for c in share_cols:
        agg[c] = (agg[c] / covered).astype(float)
    agg = agg.astype({"positions": "int64", "covered": "int64", "fiscal_year": "int64"})
    # a year with no benchmarked position (FY2008-2013 H-2A files carry no SOC code) has unknown
    # expected women, not zero; its positions are counted in not_benchmarked
    agg["expected_women"] = agg["expected_women"].astype(float).where(agg["covered"] > 0)
    agg["not_benchmarked"] = agg["positions"] - agg["covered"]
    out = agg[[*keys, "positions", "covered", "not_benchmarked", "expected_women", "expected_share", *share_cols]]
    out = _with_coverage(out.sort_values(keys, ignore_index=True), coverage)
    return schema.mark_synthetic(out, cases)


def _expected_long(cases: pd.DataFrame, benchmark: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    cases = _label_missing(cases, keys)
    exp = analysis.expected_counts(cases, benchmark, by=[*keys, "soc_code"]).table.dropna(subset=["n"])
    return exp[exp["positions"] > 0]


def yearly_segregation(cases: pd.DataFrame, benchmark: pd.DataFrame, *, by: Sequence[str] | str = ("program",),
                       coverage: pd.DataFrame | None = None, se: bool = True, n_bootstrap: int = 100,
                       ci: float = 0.95, seed: int | np.random.Generator | None = None) -> pd.DataFrame:
    """M and H of the expected women and men across occupations, per fiscal year (x ``by``).

    The table for year y has, per occupation o with a benchmark, F_o = positions_o x s_o and
    M_o = positions_o x (1 - s_o); ``segregation.mutual_total(table, "sex", "soc_code", "n")``
    gives M = sum_o sum_g p_og log(p_og / (p_o p_g)) and H = M / E(sex).

    Interval (``se=True``): positions are a census of certified jobs, so the uncertainty is the
    benchmark's. Each replicate draws s*_o ~ Normal(s_o, se_o) (``women_share_se``), clipped to
    [0, 1], and recomputes M and H. Noise in the shares adds spurious variation across occupations,
    so replicates sit above the estimate (upward bias, large when M is small, as across H-2A
    occupations); the summary follows ``segregation.mutual_total``: ``bias`` = mean of replicates -
    estimate, ``est`` bias-corrected and kept within the bounds of M (>= 0) and H ([0, 1]), ``se``
    the replicates' standard deviation, and the percentile
    interval of the replicates re-centred on the corrected estimate. With ``se=False`` ``est`` is
    the plain estimate (the value ``segregation_change`` decomposes).

    Returns
    -------
    Long DataFrame: ``by``, ``fiscal_year``, ``stat`` ("M", "H"), ``est`` (and ``se``, ``ci_low``,
    ``ci_high``, ``bias``), ``occupations`` (units in the table), then the coverage columns. Years whose
    positions fall in fewer than two occupations with a benchmark are left out (no segregation
    can be measured across one occupation).

    Examples
    --------
    >>> cases = pd.DataFrame({"program": "H-2B", "fiscal_year": 2019, "soc_code": ["37-3011", "35-2014"],
    ...                       "workers_certified": [100, 100], "is_duplicate": False})
    >>> bench = pd.DataFrame({"soc_code": ["37-3011", "35-2014"], "women_share": [0.0, 1.0],
    ...                       "women_share_se": [0.0, 0.0]})
    >>> round(float(yearly_segregation(cases, bench, se=False).set_index("stat").loc["H", "est"]), 12)  # complete
    1.0
    """
    by = _by(by)
    if se:
        if int(n_bootstrap) < 2:
            raise ValueError(f"n_bootstrap must be at least 2, got {n_bootstrap!r}")
        if not 0 < ci < 1:
            raise ValueError(f"ci must be in (0, 1), got {ci!r}")
    rng = np.random.default_rng(seed)
    keys = [*by, "fiscal_year"]
    exp = _expected_long(cases, benchmark, keys)
    rows = []
    for key, part in exp.groupby(keys, observed=True, sort=True):
        f = part[part["sex"] == "F"]
        if f["soc_code"].nunique() < 2:
            continue
        est = segregation.mutual_total(part, "sex", "soc_code", "n")["est"]
        rec = {"M": {"est": float(est["M"])}, "H": {"est": float(est["H"])}}
        if se:
            share = f["women_share"].to_numpy(float)
            sd = f["women_share_se"].fillna(0).to_numpy(float)
            pos = f["positions"].to_numpy(float)
            # all replicates at once: tables (B, occupations, [F, M]) -> M, H per replicate
            s = np.clip(rng.normal(share, sd, size=(int(n_bootstrap), len(share))), 0, 1)
            reps = _mh_counts(np.stack([pos * s, pos * (1 - s)], axis=-1))
            # the library's convention (as mutual_total): bias-corrected est, re-centred percentile interval
            summary = inference.summarise(est.to_numpy(), reps, ci, interval="reflected", bias_correct=True)
            for j, stat in enumerate(("M", "H")):
                rec[stat] = {name: float(values[j]) for name, values in summary.items()}
                # M >= 0 and 0 <= H <= 1 by definition; when the bootstrap bias exceeds the estimate
                # itself (M near 0: every replicate sits above it) the corrected value falls below 0,
                # which says "no segregation distinguishable from the benchmark's noise": it is reported
                # at the bound, as the interval is (a negative entropy is not a result)
                upper = 1.0 if stat == "H" else np.inf
                for name in ("est", "ci_low", "ci_high"):
                    rec[stat][name] = float(np.clip(rec[stat][name], 0.0, upper))
        key = key if isinstance(key, tuple) else (key,)
        for stat, vals in rec.items():
            rows.append({**dict(zip(keys, key)), "stat": stat, **vals, "occupations": int(f["soc_code"].nunique())})
    cols = [*keys, "stat", "est", *(["se", "ci_low", "ci_high", "bias"] if se else []), "occupations"]
    out = pd.DataFrame(rows, columns=cols)
    out["fiscal_year"] = out["fiscal_year"].astype("int64")
    return schema.mark_synthetic(_with_coverage(out, coverage), cases)


def segregation_change(cases: pd.DataFrame, benchmark: pd.DataFrame, *, by: Sequence[str] | str = ("program",),
                       first: int | None = None, last: int | None = None,
                       coverage: pd.DataFrame | None = None) -> pd.DataFrame:
    """The change of M (expected women and men across occupations) from ``first`` to ``last`` year.

    ``segregation.mutual_difference(table_first, table_last, "sex", "soc_code", "n")``:
    diff = M_last - M_first = additions + removals + group_marginal + unit_marginal + structural
    (occupations only in the last year / only in the first; the change on common occupations split
    by Shapley values into the change of women's overall share, of the occupation mix, and of the
    association between sex and occupation; Elbers 2023). With one benchmark for all years the
    structural term reflects only which occupations grew, since s_o does not change.

    Parameters
    ----------
    first, last : the years compared (default: the first and last year in the data of each group).
    coverage : ``coverage.coverage_table(cases)``; adds ``first_partial`` and ``last_partial``.

    Returns
    -------
    DataFrame: ``by``, ``first_year``, ``last_year``, ``stat`` (M1, M2, diff, additions, removals,
    group_marginal, unit_marginal, structural), ``est`` (and ``first_partial``, ``last_partial``).
    Groups without both years, or sharing no occupation, are left out.

    Examples
    --------
    >>> cases = pd.DataFrame({"program": "H-2B", "fiscal_year": [2019, 2019, 2020, 2020],
    ...                       "soc_code": ["37-3011", "35-2014"] * 2, "workers_certified": [50, 50, 90, 10],
    ...                       "is_duplicate": False})
    >>> bench = pd.DataFrame({"soc_code": ["37-3011", "35-2014"], "women_share": [0.1, 0.4], "women_share_se": 0.0})
    >>> ch = segregation_change(cases, bench).set_index("stat")["est"]
    >>> bool(abs(ch["diff"] - (ch["M2"] - ch["M1"])) < 1e-12), float(ch["additions"])
    (True, 0.0)
    """
    by = _by(by)
    keys = [*by, "fiscal_year"]
    exp = _expected_long(cases, benchmark, keys)
    partial = {}
    if coverage is not None:
        years = _year_rows(coverage)
        partial = {(p, int(y)): bool(x) for p, y, x in years[["program", "fiscal_year", "partial"]].itertuples(index=False)}
    rows = []
    groups = exp.groupby(by, observed=True, sort=True) if by else [((), exp)]
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        held = sorted(part["fiscal_year"].astype(int).unique())
        y1 = held[0] if first is None else int(first)
        y2 = held[-1] if last is None else int(last)
        if y1 == y2 or y1 not in held or y2 not in held:
            continue
        t1, t2 = part[part["fiscal_year"] == y1], part[part["fiscal_year"] == y2]
        if not set(t1["soc_code"]) & set(t2["soc_code"]):
            continue
        diff = segregation.mutual_difference(t1, t2, "sex", "soc_code", "n")
        base = {**dict(zip(by, key)), "first_year": y1, "last_year": y2}
        if coverage is not None:
            program = base.get("program") or (part["program"].iloc[0] if "program" in part else None)
            base.update(first_partial=partial.get((program, y1)), last_partial=partial.get((program, y2)))
        for stat, est in diff["est"].items():
            rows.append({**base, "stat": stat, "est": float(est)})
    cols = [*by, "first_year", "last_year", *(["first_partial", "last_partial"] if coverage is not None else []),
            "stat", "est"]
    return schema.mark_synthetic(pd.DataFrame(rows, columns=cols), cases)
