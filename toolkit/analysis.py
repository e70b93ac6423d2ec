"""Count tables for the questions the reports ask, built from the canonical tables.

No file reading and no statistics here: these functions turn worker and case tables into the
tidy count tables that ``toolkit.segregation`` and ``toolkit.discrimination`` take, and say what
they left out (``attrs["accounting"]``). Tables derived from synthetic data stay labelled.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit import schema

__all__ = ["worker_counts", "certified_positions", "expected_counts", "channelling_table",
           "observed_vs_expected", "segregation_summary"]


def _check(df: pd.DataFrame, cols: Sequence[str], name: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise KeyError(f"{name}: column(s) {missing} missing (has {list(df.columns)})")


def worker_counts(workers: pd.DataFrame, by: Sequence[str] = ("program", "soc_code"), *,
                  stage: str | None = "admitted") -> pd.DataFrame:
    """Women and men counted by ``by`` (long: ``by`` columns, ``sex``, ``n``).

    ``stage="admitted"`` keeps visa holders (``selected`` True where the source records it);
    ``None`` counts every row. Rows with sex missing or "X" are counted in
    ``attrs["accounting"]`` and left out of the F/M table.
    """
    by = list(by)
    _check(workers, [*by, "sex"], "workers")
    rows = workers
    if stage is not None:
        if stage not in schema.STAGES:
            raise ValueError(f"stage must be one of {list(schema.STAGES)} or None, got {stage!r}")
        rows = rows[rows["stage"] == stage]
    fm = rows["sex"].isin(["F", "M"]).fillna(False).astype(bool)
    out = (rows[fm].groupby([*by, "sex"], observed=True).size().rename("n").reset_index()
           .sort_values([*by, "sex"], ignore_index=True))
    out["sex"] = out["sex"].astype(str)
    out.attrs["accounting"] = {"rows": len(rows), "counted": int(fm.sum()),
                               "sex_missing_or_other": int((~fm).sum())}
    return schema.mark_synthetic(out, workers)


def certified_positions(cases: pd.DataFrame, by: Sequence[str] = ("program", "soc_code"), *,
                        count: str = "workers_certified") -> pd.DataFrame:
    """Certified positions by ``by``, excluding duplicate (master/sub) cases."""
    by = list(by)
    _check(cases, [*by, count, "is_duplicate"], "cases")
    dup = cases["is_duplicate"].fillna(False).astype(bool)
    rows = cases[~dup]
    out = (rows.groupby(by, observed=True)[count].sum().rename("positions").reset_index()
           .sort_values(by, ignore_index=True))
    out["positions"] = out["positions"].astype("int64")
    out.attrs["accounting"] = {"cases": len(cases), "duplicates_excluded": int(dup.sum()),
                               "positions": int(out["positions"].sum())}
    return schema.mark_synthetic(out, cases)


def expected_counts(cases: pd.DataFrame, benchmark: pd.DataFrame, *,
                    by: Sequence[str] = ("program", "soc_code"), count: str = "workers_certified"
                    ) -> pd.DataFrame:
    """Women and men expected if H-2 positions were filled like the US workforce fills them.

    expected_F = positions x s_soc and expected_M = positions x (1 - s_soc), with s_soc women's
    share of the occupation (``toolkit.benchmarks.women_share_by_soc``). Positions in SOC codes
    without a benchmark share are reported in ``attrs["accounting"]["positions_without_benchmark"]``
    and the rows kept with NA, never silently dropped.

    Returns long data: ``by`` columns, ``sex``, ``n`` (float expected counts) and ``women_share``
    (the benchmark), ``women_share_se``.
    """
    by = list(by)
    if "soc_code" not in by:
        raise ValueError("expected counts need 'soc_code' among the by columns")
    _check(benchmark, ["soc_code", "women_share"], "benchmark")
    pos = certified_positions(cases, by, count=count)
    bench = benchmark.drop_duplicates("soc_code").set_index("soc_code")
    pos["women_share"] = pos["soc_code"].map(bench["women_share"]).astype("Float64")
    se = bench["women_share_se"] if "women_share_se" in bench else pd.Series(dtype=float)
    pos["women_share_se"] = pos["soc_code"].map(se).astype("Float64")
    missing = pos["women_share"].isna()
    f = pos.assign(sex="F", n=pos["positions"] * pos["women_share"])
    m = pos.assign(sex="M", n=pos["positions"] * (1 - pos["women_share"]))
    out = pd.concat([f, m], ignore_index=True).sort_values([*by, "sex"], ignore_index=True)
    out.attrs["accounting"] = {**pos.attrs["accounting"],
                               "positions_without_benchmark": int(pos.loc[missing, "positions"].sum()),
                               "soc_without_benchmark": sorted(pos.loc[missing, "soc_code"].astype(str).unique())}
    return schema.mark_synthetic(out, cases)


def observed_vs_expected(workers: pd.DataFrame, cases: pd.DataFrame, benchmark: pd.DataFrame, *,
                         by: Sequence[str] = ("program", "soc_code")) -> pd.DataFrame:
    """Per ``by`` cell: admitted women and total (workers), benchmark share and expected women.

    Columns: ``by``, ``women``, ``total``, ``women_share_observed``, ``women_share`` (benchmark),
    ``women_share_se``, ``expected_women`` (= total x benchmark share).
    """
    by = list(by)
    wc = worker_counts(workers, by)
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
    sqrt(1/(F+.5) + 1/(M+.5)), ignoring the benchmark's sampling error.
    """
    ov = observed_vs_expected(workers, workers, benchmark, by=by)
    f, m = ov["women"] + 0.5, ov["total"] - ov["women"] + 0.5
    bench = ov["women_share"]
    ov["log_odds_ratio"] = np.log(f / m) - np.log(bench / (1 - bench))
    ov["log_odds_ratio_se"] = np.sqrt(1 / f + 1 / m)
    return schema.mark_synthetic(ov, workers)


def segregation_summary(workers: pd.DataFrame | None, cases: pd.DataFrame, benchmark: pd.DataFrame, *,
                        unit: str = "soc_code", by: Sequence[str] = ("program",)) -> pd.DataFrame:
    """Segregation of women and men across occupations: observed (workers) vs expected (benchmark).

    For each ``by`` cell: D and H of the admitted workers across ``unit`` (when worker data
    exist) and of the *expected* women and men (certified positions x benchmark share), i.e. the
    segregation the H-2 job mix would carry if each occupation were staffed like the US
    workforce. Returns columns ``by``, ``source`` ("observed"/"expected"), ``stat``, ``est``.
    """
    from toolkit import segregation

    by = list(by)
    rows = []
    exp = expected_counts(cases, benchmark, by=[*by, unit]).dropna(subset=["n"])
    sources = [("expected", exp)]
    if workers is not None:
        sources.insert(0, ("observed", worker_counts(workers, [*by, unit])))
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
