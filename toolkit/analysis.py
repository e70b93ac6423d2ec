"""Count tables for the questions the reports ask, built from the canonical tables.

No file reading and no statistics here: these functions turn worker and case tables into the
tidy count tables that ``toolkit.segregation`` and ``toolkit.discrimination`` take, and say what
they left out: the counting functions return a ``Counts`` value (``.table`` and ``.accounting``).
Tables derived from synthetic data stay labelled.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit import schema

__all__ = ["Counts", "worker_counts", "case_positions", "certified_positions", "expected_counts",
           "channelling_table",
           "observed_vs_expected", "segregation_summary", "pooled_expected_share", "shortfall_by",
           "positions_table", "proportion_ci"]


def _check(df: pd.DataFrame, cols: Sequence[str], name: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise KeyError(f"{name}: column(s) {missing} missing (has {list(df.columns)})")


@dataclass(frozen=True)
class Counts:
    """A count table and what was left out of it or added to it.

    ``table``: the tidy counts. ``accounting``: named integers (and lists of codes) saying which
    rows or positions the table does not count and why; each function documents its keys.
    """

    table: pd.DataFrame
    accounting: Mapping[str, object]


def worker_counts(workers: pd.DataFrame, by: Sequence[str] = ("program", "soc_code"), *,
                  stage: str | None = "admitted") -> Counts:
    """Women and men counted by ``by`` (``.table``, long: ``by`` columns, ``sex``, ``n``).

    ``stage="admitted"`` keeps visa holders (``selected`` True where the source records it);
    ``None`` counts every row. Rows with sex missing or "X" are left out of the F/M table and
    counted in ``.accounting``: ``rows`` (at the stage), ``counted``, ``sex_missing_or_other``.

    Examples
    --------
    >>> w = pd.DataFrame({"program": ["H-2B"] * 4, "soc_code": ["51-3022"] * 4, "sex": ["F", "F", "M", None],
    ...                   "stage": ["admitted"] * 4})
    >>> out = worker_counts(w)
    >>> out.table[["sex", "n"]].to_dict("records"), out.accounting["sex_missing_or_other"]
    ([{'sex': 'F', 'n': 2}, {'sex': 'M', 'n': 1}], 1)
    """
    by = list(by)
    _check(workers, [*by, "sex"], "workers")
    # only the columns counted: a filter of millions of rows copies every column it keeps
    rows = workers[list(dict.fromkeys([*by, "sex", *([] if stage is None else ["stage"])]))]
    if stage is not None:
        if stage not in schema.STAGES:
            raise ValueError(f"stage must be one of {list(schema.STAGES)} or None, got {stage!r}")
        rows = rows[rows["stage"] == stage]
    fm = rows["sex"].isin(["F", "M"]).fillna(False).astype(bool)
    out = (rows[fm].groupby([*by, "sex"], observed=True).size().rename("n").reset_index()
           .sort_values([*by, "sex"], ignore_index=True))
    out["sex"] = out["sex"].astype(str)
    return Counts(schema.mark_synthetic(out, workers),
                  {"rows": len(rows), "counted": int(fm.sum()), "sex_missing_or_other": int((~fm).sum())})


def case_positions(cases: pd.DataFrame, *, count: str = "workers_certified") -> pd.Series:
    """The certified positions each case row counts for: the one rule every output uses.

    positions_i = workers_certified_i if case i is certified (``is_certified`` True: certified or
    partially certified) and not a duplicate (``is_duplicate``: an H-2A association's master row
    repeated by its members, or a row repeated exactly), else 0. A denied or withdrawn case
    (``is_certified`` False) counts 0 whatever its ``workers_certified`` says. A case whose status
    the file does not give (``is_certified`` NA, or no such column) counts the positions DOL
    recorded as certified.

    Returns an int64 Series aligned with ``cases``.

    Examples
    --------
    >>> cases = pd.DataFrame({"workers_certified": [30, 10, 20, 5], "is_duplicate": [False, True, False, False],
    ...                       "is_certified": [True, True, False, pd.NA]})
    >>> case_positions(cases).tolist()
    [30, 0, 0, 5]
    """
    _check(cases, [count, "is_duplicate"], "cases")
    counted = ~cases["is_duplicate"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    if "is_certified" in cases:
        counted &= cases["is_certified"].astype("boolean").fillna(True).to_numpy(dtype=bool)
    values = pd.to_numeric(cases[count], errors="coerce").fillna(0).astype("int64")
    return values.where(counted, 0).rename("positions")


def certified_positions(cases: pd.DataFrame, by: Sequence[str] = ("program", "soc_code"), *,
                        count: str = "workers_certified", dropna: bool = True) -> Counts:
    """Certified positions by ``by`` (``case_positions``: certified, duplicates excluded).

    ``.table``: ``by`` columns and ``positions``. With ``dropna=True`` (the default) cases whose
    ``by`` value is missing form no group; their positions are ``.accounting["positions_missing_by"]``.
    With ``dropna=False`` they form groups of their own (the ``by`` value NA). ``.accounting`` also
    has ``cases``, ``duplicates_excluded`` and ``positions`` (the table's total).

    Examples
    --------
    >>> cases = pd.DataFrame({"program": ["H-2A", "H-2A", "H-2A", "H-2A"],
    ...                       "soc_code": ["45-2092", "45-2092", "53-7064", None],
    ...                       "workers_certified": [30, 10, 20, 5], "is_duplicate": [False, True, False, False]})
    >>> out = certified_positions(cases)
    >>> out.table["positions"].tolist(), out.accounting["positions_missing_by"]
    ([30, 20], 5)
    >>> certified_positions(cases, dropna=False).table["positions"].tolist()
    [30, 20, 5]
    """
    by = list(by)
    if not isinstance(dropna, bool):
        raise ValueError(f"dropna must be True or False, got {dropna!r}")
    _check(cases, [*by, count, "is_duplicate"], "cases")
    dup = cases["is_duplicate"].fillna(False).astype(bool)
    rows = cases[~dup].assign(_positions=case_positions(cases, count=count)[~dup])
    out = (rows.groupby(by, observed=True, dropna=dropna)["_positions"].sum().rename("positions").reset_index()
           .sort_values(by, ignore_index=True))
    out["positions"] = out["positions"].astype("int64")
    unkeyed = rows[by].isna().any(axis=1) if by else pd.Series(False, index=rows.index)
    return Counts(schema.mark_synthetic(out, cases),
                  {"cases": len(cases), "duplicates_excluded": int(dup.sum()), "positions": int(out["positions"].sum()),
                   "positions_missing_by": 0 if not dropna else int(rows.loc[unkeyed, "_positions"].sum())})


def expected_counts(cases: pd.DataFrame, benchmark: pd.DataFrame, *,
                    by: Sequence[str] = ("program", "soc_code"), count: str = "workers_certified"
                    ) -> Counts:
    """Women and men expected if H-2 positions were filled like the US workforce fills them.

    expected_F = positions x s_soc and expected_M = positions x (1 - s_soc), with s_soc women's
    share of the occupation (``toolkit.occupation_shares.women_share_by_soc``; per fiscal year when
    the benchmark has a ``fiscal_year`` column). Nothing is dropped:
    positions in SOC codes without a benchmark share (``.accounting["positions_without_benchmark"]``)
    and positions of cases with no SOC code (``positions_without_soc``; the FY2013 H-2A file has
    none) are rows of their own with ``women_share`` and ``n`` NA. Cases whose other ``by`` values
    are missing are kept as groups with that value NA.

    ``.table`` is long: ``by`` columns, ``positions``, ``sex``, ``n`` (float expected counts) and
    ``women_share`` (the benchmark), ``women_share_se``. ``.accounting["positions"]`` is every
    certified position (duplicates excluded); ``soc_without_benchmark`` lists the codes.

    Examples
    --------
    >>> cases = pd.DataFrame({"program": ["H-2A", "H-2A", "H-2A"], "soc_code": ["45-2092", "45-2092", "53-7064"],
    ...                       "workers_certified": [30, 10, 20], "is_duplicate": [False, True, False]})
    >>> bench = pd.DataFrame({"soc_code": ["45-2092", "53-7064"], "women_share": [0.25, 0.5],
    ...                       "women_share_se": [0.01, 0.02]})
    >>> expected_counts(cases, bench).table.query("sex == 'F'")["n"].tolist()
    [7.5, 10.0]
    >>> no_soc = pd.concat([cases, pd.DataFrame({"program": ["H-2A"], "soc_code": [None],
    ...                                          "workers_certified": [8], "is_duplicate": [False]})])
    >>> out = expected_counts(no_soc, bench)
    >>> out.accounting["positions_without_soc"], int(out.table.query("sex == 'F'")["positions"].sum())
    (8, 58)

    A benchmark with a ``fiscal_year`` column (``occupation_shares.benchmark_for_years``) gives each
    case the shares of its own year: by hand, 10 x 0.2 + 30 x 0.6 = 20 women over 40 positions.

    >>> two = pd.DataFrame({"fiscal_year": [2019, 2022], "soc_code": "45-2041", "workers_certified": [10, 30],
    ...                     "is_duplicate": False})
    >>> yearly = pd.DataFrame({"fiscal_year": [2019, 2022], "soc_code": "45-2041", "women_share": [0.2, 0.6],
    ...                        "women_share_se": [0.0, 0.0]})
    >>> t = expected_counts(two, yearly, by=["soc_code"]).table
    >>> t.query("sex == 'F'")[["positions", "n"]].to_dict("records")
    [{'positions': 40, 'n': 20.0}]
    """
    by = list(by)
    if "soc_code" not in by:
        raise ValueError("expected counts need 'soc_code' among the by columns")
    _check(benchmark, ["soc_code", "women_share"], "benchmark")
    if "fiscal_year" in benchmark:  # shares per fiscal year (occupation_shares.benchmark_for_years)
        return _expected_by_year(cases, benchmark, by, count)
    counted = certified_positions(cases, by, count=count, dropna=False)
    pos = counted.table
    bench = benchmark.drop_duplicates("soc_code").set_index("soc_code")
    pos["women_share"] = pos["soc_code"].map(bench["women_share"]).astype("Float64")
    se = bench["women_share_se"] if "women_share_se" in bench else pd.Series(dtype=float)
    pos["women_share_se"] = pos["soc_code"].map(se).astype("Float64")
    return _expected_from_positions(pos, by, cases, counted.accounting)


def _expected_by_year(cases: pd.DataFrame, benchmark: pd.DataFrame, by: list[str], count: str) -> Counts:
    """``expected_counts`` with a benchmark per fiscal year: each case takes the shares of its own
    year; groups that span years get the position-weighted share sum_y P_y s_y / sum_y P_y and
    the standard error sqrt(sum_y P_y^2 se_y^2) / sum_y P_y (years' CPS samples independent)."""
    _check(cases, ["fiscal_year"], "cases")
    keys = list(dict.fromkeys([*by, "fiscal_year"]))
    counted = certified_positions(cases, keys, count=count, dropna=False)
    pos = counted.table
    bench = benchmark.drop_duplicates(["fiscal_year", "soc_code"]).set_index(["fiscal_year", "soc_code"])
    idx = pd.MultiIndex.from_arrays([pos["fiscal_year"].astype("Int64"), pos["soc_code"]])
    pos["women_share"] = bench["women_share"].reindex(idx).to_numpy()
    se = bench["women_share_se"] if "women_share_se" in bench else pd.Series(np.nan, index=bench.index)
    pos["women_share_se"] = se.reindex(idx).to_numpy()
    pos = pos.astype({"women_share": "Float64", "women_share_se": "Float64"})
    if "fiscal_year" not in by:
        pos = pos.assign(_w=pos["positions"] * pos["women_share"], _v=(pos["positions"] * pos["women_share_se"]) ** 2,
                         _b=pos["positions"].where(pos["women_share"].notna(), 0))
        agg = pos.groupby(by, observed=True, dropna=False).agg(
            positions=("positions", "sum"), _w=("_w", lambda x: x.sum(min_count=1)),
            _v=("_v", lambda x: x.sum(min_count=1)), _b=("_b", "sum")).reset_index()
        agg["women_share"] = (agg["_w"] / agg["_b"].where(agg["_b"] > 0)).astype("Float64")
        agg["women_share_se"] = (np.sqrt(agg["_v"].astype(float)) / agg["_b"].where(agg["_b"] > 0)).astype("Float64")
        # a group mixing benchmarked and unbenchmarked years: the unbenchmarked positions are split off
        part = (agg["_b"] > 0) & (agg["_b"] < agg["positions"])
        if part.any():
            rest = agg[part].assign(positions=agg["positions"] - agg["_b"], women_share=pd.NA, women_share_se=pd.NA)
            agg.loc[part, "positions"] = agg.loc[part, "_b"]
            agg = pd.concat([agg, rest], ignore_index=True)
        pos = agg.drop(columns=["_w", "_v", "_b"]).astype({"positions": "int64", "women_share": "Float64",
                                                           "women_share_se": "Float64"})
    return _expected_from_positions(pos, by, cases, counted.accounting)


def _expected_from_positions(pos: pd.DataFrame, by: list[str], cases: pd.DataFrame, accounting: dict) -> Counts:
    no_soc = pos["soc_code"].isna()
    missing = pos["women_share"].isna() & ~no_soc
    f = pos.assign(sex="F", n=pos["positions"] * pos["women_share"])
    m = pos.assign(sex="M", n=pos["positions"] * (1 - pos["women_share"]))
    out = pd.concat([f, m], ignore_index=True).sort_values([*by, "sex"], ignore_index=True)
    return Counts(schema.mark_synthetic(out, cases),
                  {**accounting, "positions_without_soc": int(pos.loc[no_soc, "positions"].sum()),
                   "positions_without_benchmark": int(pos.loc[missing, "positions"].sum()),
                   "soc_without_benchmark": sorted(pos.loc[missing, "soc_code"].astype(str).unique())})


def observed_vs_expected(workers: pd.DataFrame, cases: pd.DataFrame, benchmark: pd.DataFrame, *,
                         by: Sequence[str] = ("program", "soc_code")) -> pd.DataFrame:
    """Per ``by`` cell: admitted women and total (workers), benchmark share and expected women.

    Columns: ``by``, ``women``, ``total``, ``women_share_observed``, ``women_share`` (benchmark),
    ``women_share_se``, ``expected_women`` (= total x benchmark share).

    Examples
    --------
    >>> w = pd.DataFrame({"program": "H-2B", "soc_code": ["51-3022"] * 3 + ["37-2012"] * 2,
    ...                   "sex": ["F", "M", "M", "F", "F"], "stage": "admitted"})
    >>> bench = pd.DataFrame({"soc_code": ["51-3022", "37-2012"], "women_share": [0.5, 0.9],
    ...                       "women_share_se": [0.01, 0.01]})
    >>> observed_vs_expected(w, None, bench)[["soc_code", "women", "total", "expected_women"]].to_dict("records")
    [{'soc_code': '37-2012', 'women': 2, 'total': 2, 'expected_women': 1.8}, {'soc_code': '51-3022', 'women': 1, 'total': 3, 'expected_women': 1.5}]
    """
    by = list(by)
    wc = worker_counts(workers, by).table
    wide = wc.pivot_table(index=by, columns="sex", values="n", fill_value=0, observed=True)
    wide = wide.reindex(columns=["F", "M"], fill_value=0)
    out = pd.DataFrame({"women": wide["F"].astype("int64"), "total": (wide["F"] + wide["M"]).astype("int64")})
    out = out.reset_index()
    bench = benchmark.drop_duplicates("soc_code").set_index("soc_code")
    out["women_share_observed"] = out["women"] / out["total"]
    out["women_share"] = out["soc_code"].map(bench["women_share"]).astype(float)
    out["women_share_se"] = out["soc_code"].map(bench["women_share_se"]).astype(float)
    out["expected_women"] = out["total"] * out["women_share"]
    del cases  # cases are not needed when worker data exist; kept in the signature for symmetry
    return schema.mark_synthetic(out.sort_values(by, ignore_index=True), workers)


def channelling_table(workers: pd.DataFrame, benchmark: pd.DataFrame, *,
                      by: Sequence[str] = ("program", "soc_code")) -> pd.DataFrame:
    """Women's share by occupation against the benchmark, as a log odds ratio.

    log_odds_ratio = logit(observed share) - logit(benchmark share); positive where H-2
    employers hire relatively more women than the US workforce of that occupation (channelling
    into the occupation), negative where women are kept out. A 0.5 continuity correction
    (Haldane 1956) keeps cells with no women finite; its standard error is
    sqrt(1/(F+.5) + 1/(M+.5) + se^2 / (s (1 - s))^2): the observed log odds' and, by the delta
    method, the benchmark's own sampling error (s its share, se its standard error).

    Examples
    --------
    >>> w = pd.DataFrame({"program": "H-2B", "soc_code": ["51-3022"] * 3 + ["37-2012"] * 2,
    ...                   "sex": ["F", "M", "M", "F", "F"], "stage": "admitted"})
    >>> bench = pd.DataFrame({"soc_code": ["51-3022", "37-2012"], "women_share": [0.5, 0.9],
    ...                       "women_share_se": [0.01, 0.01]})
    >>> channelling_table(w, bench)["log_odds_ratio"].round(3).tolist()
    [-0.588, -0.511]
    """
    ov = observed_vs_expected(workers, workers, benchmark, by=by)
    f, m = ov["women"] + 0.5, ov["total"] - ov["women"] + 0.5
    bench = ov["women_share"]
    ov["log_odds_ratio"] = np.log(f / m) - np.log(bench / (1 - bench))
    bench_var = (ov["women_share_se"].fillna(0) / (bench * (1 - bench))) ** 2
    ov["log_odds_ratio_se"] = np.sqrt(1 / f + 1 / m + bench_var)
    return schema.mark_synthetic(ov, workers)


def segregation_summary(workers: pd.DataFrame | None, cases: pd.DataFrame, benchmark: pd.DataFrame, *,
                        unit: str = "soc_code", by: Sequence[str] = ("program",)) -> pd.DataFrame:
    """Segregation of women and men across occupations: observed (workers) vs expected (benchmark).

    For each ``by`` cell: D and H of the admitted workers across ``unit`` (when worker data
    exist) and of the *expected* women and men (certified positions x benchmark share), i.e. the
    segregation the H-2 job mix would carry if each occupation were staffed like the US
    workforce. Returns columns ``by``, ``source`` ("observed"/"expected"), ``stat``, ``est``.

    Examples
    --------
    >>> w = pd.DataFrame({"program": "H-2B", "soc_code": ["51-3022"] * 3 + ["37-2012"] * 2,
    ...                   "sex": ["F", "M", "M", "F", "F"], "stage": "admitted"})
    >>> bench = pd.DataFrame({"soc_code": ["51-3022", "37-2012"], "women_share": [0.5, 0.9],
    ...                       "women_share_se": [0.01, 0.01]})
    >>> cases = pd.DataFrame({"program": "H-2B", "soc_code": ["51-3022", "37-2012"], "workers_certified": [3, 2],
    ...                       "is_duplicate": False})
    >>> # by hand: observed D = 1/2 (|1/3 - 2/2| + |2/3 - 0/2|) = 2/3
    >>> segregation_summary(w, cases, bench).query("stat == 'D'")[["source", "est"]].round(3).to_dict("records")
    [{'source': 'observed', 'est': 0.667}, {'source': 'expected', 'est': 0.428}]
    """
    from toolkit import segregation

    by = list(by)
    rows = []
    exp = expected_counts(cases, benchmark, by=[*by, unit]).table.dropna(subset=["n"])
    sources = [("expected", exp)]
    if workers is not None:
        sources.insert(0, ("observed", worker_counts(workers, [*by, unit]).table))
    for name, table in sources:
        for key, part in table.groupby(by, observed=True):
            key = key if isinstance(key, tuple) else (key,)
            if part["sex"].nunique() < 2 or part["n"].sum() == 0:
                continue
            d = segregation.dissimilarity(part, "sex", unit, "n").loc["D", "est"]
            h = segregation.mutual_total(part, "sex", unit, "n").loc["H", "est"]
            for stat, est in (("D", d), ("H", h)):
                rows.append({**dict(zip(by, key)), "source": name, "stat": stat, "est": est})
    out = pd.DataFrame(rows)
    return schema.mark_synthetic(out, cases)


def pooled_expected_share(table: pd.DataFrame) -> dict[str, float]:
    """Women's expected share over occupations, and its standard error from the benchmark's.

    s = sum_j N_j s_j / N and SE(s) = sqrt(sum_j N_j^2 SE(s_j)^2) / N, with N_j the workers
    (``total``) in occupation j, s_j its benchmark share (``women_share``) and SE(s_j) the
    benchmark's standard error (``women_share_se``; missing counts as 0). The occupations' CPS
    estimates are treated as independent.

    Examples
    --------
    >>> t = pd.DataFrame({"total": [100, 300], "women_share": [0.5, 0.1], "women_share_se": [0.02, 0.01]})
    >>> r = pooled_expected_share(t)
    >>> round(r["expected_share"], 4), round(r["expected_share_se"], 5)
    (0.2, 0.00901)
    """
    _check(table, ["total", "women_share", "women_share_se"], "table")
    n = table["total"].astype(float)
    total = float(n.sum())
    if total <= 0:
        raise ValueError("pooled_expected_share: no workers in the table (total is 0)")
    share = float((n * table["women_share"].astype(float)).sum() / total)
    se = float(np.sqrt((n ** 2 * table["women_share_se"].astype(float).fillna(0) ** 2).sum()) / total)
    return {"expected_share": share, "expected_share_se": se}


def shortfall_by(workers: pd.DataFrame, cases: pd.DataFrame, benchmark: pd.DataFrame, by: str) -> pd.DataFrame:
    """Women admitted against the women the occupations would supply, per ``by`` (a state, an
    employer, a recruiter), largest first.

    expected_women = sum over occupations of total x benchmark share; shortfall = expected_women
    - women; missing_per_100 = 100 x shortfall / total; expected_share = expected_women / total.
    Columns: ``by``, ``women``, ``men``, ``total``, ``expected_women``, ``women_share_observed``,
    ``shortfall``, ``missing_per_100``, ``expected_share``.

    Examples
    --------
    >>> w = pd.DataFrame({"program": "H-2B", "soc_code": ["51-3022"] * 3 + ["37-2012"] * 2,
    ...                   "sex": ["F", "M", "M", "F", "F"], "stage": "admitted"})
    >>> bench = pd.DataFrame({"soc_code": ["51-3022", "37-2012"], "women_share": [0.5, 0.9],
    ...                       "women_share_se": [0.01, 0.01]})
    >>> shortfall_by(w.assign(worksite_state=["TX", "TX", "GA", "GA", "GA"]), None, bench, "worksite_state")[
    ...     ["worksite_state", "women", "total", "shortfall"]].round(2).to_dict("records")
    [{'worksite_state': 'GA', 'women': 2, 'total': 3, 'shortfall': 0.3}, {'worksite_state': 'TX', 'women': 1, 'total': 2, 'shortfall': 0.0}]
    """
    per = observed_vs_expected(workers, cases, benchmark, by=[by, "soc_code"])
    out = per.groupby(by, observed=True)[["women", "total", "expected_women"]].sum().reset_index()
    out["men"] = out["total"] - out["women"]
    out["women_share_observed"] = out["women"] / out["total"]
    out["shortfall"] = out["expected_women"] - out["women"]
    out["missing_per_100"] = 100 * out["shortfall"] / out["total"]
    out["expected_share"] = out["expected_women"] / out["total"]
    out = out.sort_values(["total", by], ascending=[False, True], ignore_index=True)
    return schema.mark_synthetic(out, workers)


def positions_table(cases: pd.DataFrame, benchmark: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Certified positions by ``by`` with the women expected from the benchmark, largest first
    (rows with no certified position left out).

    expected_share = expected women / positions_benchmarked, with positions_benchmarked the positions
    in occupations with a benchmark share; positions_not_benchmarked = positions -
    positions_benchmarked (no SOC code, or a SOC code without a share) are counted, never taken as
    zero expected women: ``expected_women`` is NaN where no position is benchmarked.
    Columns: ``by``, ``positions``, ``positions_benchmarked``, ``positions_not_benchmarked``,
    ``expected_women``, ``expected_share``.

    Examples
    --------
    >>> cases = pd.DataFrame({"program": ["H-2A", "H-2A", "H-2A"], "soc_code": ["45-2092", "45-2092", "53-7064"],
    ...                       "workers_certified": [30, 10, 20], "is_duplicate": [False, True, False]})
    >>> bench = pd.DataFrame({"soc_code": ["45-2092", "53-7064"], "women_share": [0.25, 0.5],
    ...                       "women_share_se": [0.01, 0.02]})
    >>> positions_table(cases, bench, ["soc_code"])[["soc_code", "positions", "expected_women"]].values.tolist()
    [['45-2092', 30, 7.5], ['53-7064', 20, 10.0]]
    >>> no_soc = cases.assign(soc_code=["45-2092", "45-2092", None], state="FL")
    >>> positions_table(no_soc, bench, ["state"])[["positions", "positions_benchmarked",
    ...                                            "positions_not_benchmarked", "expected_women"]].to_dict("records")
    [{'positions': 50, 'positions_benchmarked': 30, 'positions_not_benchmarked': 20, 'expected_women': 7.5}]
    """
    by = list(by)
    pos = certified_positions(cases, by).table
    pos = pos[pos["positions"] > 0]
    exp = expected_counts(cases, benchmark, by=list(dict.fromkeys([*by, "soc_code"]))).table
    women = exp[exp["sex"] == "F"].assign(covered=lambda d: d["positions"].where(d["n"].notna()))
    women = women.groupby(by, observed=True).agg(expected_women=("n", "sum"), covered=("covered", "sum")).reset_index()
    out = pos.merge(women, on=by, how="left")
    covered = out["covered"].fillna(0).astype("int64")
    out["positions_benchmarked"] = covered
    out["positions_not_benchmarked"] = out["positions"] - covered
    # no benchmarked position: the expected women are unknown, not zero
    out["expected_women"] = out["expected_women"].astype(float).where(covered > 0)
    out["expected_share"] = (out["expected_women"] / covered.where(covered > 0)).astype(float)
    out = out[[*by, "positions", "positions_benchmarked", "positions_not_benchmarked", "expected_women",
               "expected_share"]]
    out = out.sort_values(["positions", *by], ascending=[False] + [True] * len(by), ignore_index=True)
    return schema.mark_synthetic(out, cases)


def proportion_ci(successes: int, n: int, *, ci: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion (Wilson 1927, JASA 22:209-212), as
    ``statsmodels.stats.proportion.proportion_confint(method="wilson")``.

    Examples
    --------
    >>> lo, hi = proportion_ci(10, 100)
    >>> round(lo, 4), round(hi, 4)
    (0.0552, 0.1744)
    """
    from statsmodels.stats.proportion import proportion_confint

    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, got {ci}")
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError(f"proportion_ci needs 0 <= successes <= n and n > 0, got {successes} of {n}")
    lo, hi = proportion_confint(successes, n, alpha=1 - ci, method="wilson")
    return float(lo), float(hi)
