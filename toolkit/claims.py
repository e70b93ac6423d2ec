"""Claims graded by evidence: what a dataset can measure, what it can only expect, what it cannot show.

A report that goes into a petition is read by the other side for overclaims. DOL disclosure files
record no worker's sex, so with DOL files alone nothing about women is *observed*; it can only be
*expected* from the occupation mix and women's share of each occupation in the US workforce.
Every finding therefore carries one of three levels, worded differently in English and Spanish and
never mixed in one sentence:

``measured``
    Counted from records that hold sex: worker records the user brought (survey, FOIA extract,
    case files), or a published share with its citation (``occupation_shares.published_share_for``).
    For job orders: counted in requirements/duties text that was read.
``expected``
    Derived from benchmarks: certified positions by occupation x women's share of that occupation
    in the US workforce (BLS CPS Table 11), with its sampling uncertainty. It says what a
    non-discriminating hiring process would have produced, not what happened.
``pooled``
    A published share that covers several fiscal years together (GAO-25-106389: FY2018-2023),
    applied to one of them: a figure about women, but not a measurement of that year.
``withheld``
    The records hold it, but the result would show a count of fewer than k people, so it is not
    shown (``reconcile``: a grade never promises a result the report does not show).
``not_measurable``
    These data cannot show it (no applicants, no sex, no wages by sex, no job-order text).

Rule (``levels``): each finding takes the strongest level its inputs support, in the order above.
The report's title and section headings follow the strongest level present among the findings about
women (``strongest``, ``title_key``); "observed" columns and bars appear only where a finding is
``measured`` from worker records (``shows_observed``).

Examples
--------
>>> import pandas as pd
>>> cases = pd.DataFrame({"soc_code": ["45-2092"], "workers_certified": [30], "is_duplicate": [False],
...                       "requirements_text": [pd.NA]})
>>> lv = levels(cases, None, benchmark_socs={"45-2092"})
>>> lv.set_index("finding")["level"].to_dict()
{'shortfall': 'expected', 'segregation': 'expected', 'selection': 'not_measurable', 'wages': 'not_measurable', 'joborders': 'not_measurable'}
>>> strongest(lv), title_key(lv), shows_observed(lv)
('expected', 'report_title_expected', False)
"""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from toolkit import analysis, i18n

__all__ = ["LEVELS", "FINDINGS", "BASES", "levels", "reconcile", "strongest", "title_key", "heading",
           "shows_observed", "basis_text"]

#: Evidence levels, strongest first.
LEVELS = ("measured", "pooled", "expected", "withheld", "not_measurable")
#: The findings about women that a report may state, in report order.
FINDINGS = ("shortfall", "segregation", "selection", "wages", "joborders")
#: What a level rests on (``basis`` column; each has ``claims_basis_<name>`` text in the locales).
BASES = ("worker_records", "published_share", "published_share_pooled", "job_order_text", "benchmark", "no_sex", "no_applicants",
         "no_wages_by_sex", "titles_only", "no_positions", "withheld")


def _fm(workers: pd.DataFrame | None, column: str | None = None) -> pd.DataFrame:
    """Worker rows with sex F or M (and ``column`` present), or an empty frame."""
    if workers is None or "sex" not in workers:
        return pd.DataFrame()
    # the two columns looked at: a filter of millions of rows copies every column it keeps
    w = workers[["sex", *([column] if column in workers and column != "sex" else [])]]
    w = w[w["sex"].isin(["F", "M"]).fillna(False).astype(bool)]
    return w if column is None else w[w[column].notna()] if column in w else w.iloc[0:0]


def levels(cases: pd.DataFrame, workers: pd.DataFrame | None = None, *, published: pd.DataFrame | None = None,
           benchmark_socs: Iterable[str] = ()) -> pd.DataFrame:
    """The level each finding can reach on this dataset, and what it rests on.

    Parameters
    ----------
    cases : canonical cases (``workers_certified``, ``is_duplicate``, ``soc_code``; and
        ``requirements_text`` when the layout has it).
    workers : canonical worker records or None (DOL files only).
    published : rows of ``occupation_shares.published_share_for`` for the program and year (or None).
    benchmark_socs : SOC codes with a women's share in the benchmark table.

    Returns
    -------
    DataFrame with ``finding`` (``FINDINGS``), ``level`` (``LEVELS``) and ``basis`` (``BASES``).

    Rules, per finding (the first that applies):

    - shortfall: worker records with sex -> measured (worker_records); a published share of that
      year -> measured (published_share); a figure covering several years together, e.g.
      GAO-25-106389 for FY2018-2023 -> pooled (published_share_pooled); certified positions in occupations with a
      benchmark -> expected (benchmark); else not_measurable (no_positions).
    - segregation: worker records with sex and SOC code -> measured; positions with a benchmark ->
      expected; else not_measurable (no_positions).
    - selection: worker records of both sexes with ``selected`` True and False -> measured; else
      not_measurable (no_applicants): no benchmark says who would have been selected.
    - wages: worker records of both sexes with ``wage_hourly`` -> measured; else not_measurable
      (no_wages_by_sex): offered wages do not differ by the sex of a worker nobody recorded.
    - joborders: any case with requirements/duties text -> measured (job_order_text); else
      not_measurable (titles_only).

    Examples
    --------
    >>> cases = pd.DataFrame({"soc_code": ["45-2092"], "workers_certified": [30], "is_duplicate": [False]})
    >>> workers = pd.DataFrame({"sex": ["F", "M"], "soc_code": ["45-2092"] * 2, "selected": [True, False]})
    >>> levels(cases, workers, benchmark_socs={"45-2092"})["level"].tolist()
    ['measured', 'measured', 'measured', 'not_measurable', 'not_measurable']
    """
    socs = set(benchmark_socs)
    counted = cases if "is_duplicate" in cases else cases.assign(is_duplicate=False)
    covered = counted["soc_code"].isin(socs).fillna(False).astype(bool)
    has_expected = bool(analysis.case_positions(counted)[covered.to_numpy()].sum() > 0)
    fm = _fm(workers)
    both = lambda df: set(df["sex"].unique()) >= {"F", "M"} if len(df) else False  # noqa: E731  (distinct values: millions of rows)
    rows = []

    if len(fm):
        rows.append(("shortfall", "measured", "worker_records"))
    elif published is not None and len(published):
        pooled = "pooled" in published and bool(published["pooled"].iloc[0])
        rows.append(("shortfall", "pooled", "published_share_pooled") if pooled
                    else ("shortfall", "measured", "published_share"))
    else:
        rows.append(("shortfall", "expected" if has_expected else "not_measurable",
                     "benchmark" if has_expected else "no_positions"))

    if len(_fm(workers, "soc_code")):
        rows.append(("segregation", "measured", "worker_records"))
    else:
        rows.append(("segregation", "expected" if has_expected else "not_measurable",
                     "benchmark" if has_expected else "no_positions"))

    sel = _fm(workers, "selected")
    chosen = set(sel["selected"].astype(bool).unique()) if len(sel) else set()
    rows.append(("selection", "measured", "worker_records") if both(sel) and chosen == {True, False}
                else ("selection", "not_measurable", "no_applicants"))

    paid = _fm(workers, "wage_hourly")
    rows.append(("wages", "measured", "worker_records") if both(paid)
                else ("wages", "not_measurable", "no_wages_by_sex"))

    text = cases["requirements_text"] if "requirements_text" in cases else pd.Series(dtype="string")
    has_text = bool(text.astype("string").str.strip().fillna("").ne("").any())
    rows.append(("joborders", "measured", "job_order_text") if has_text
                else ("joborders", "not_measurable", "titles_only"))
    return pd.DataFrame(rows, columns=["finding", "level", "basis"])


def reconcile(table: pd.DataFrame, shown: Iterable[str]) -> pd.DataFrame:
    """``table`` with every finding graded ``measured`` from worker records that the report does
    not show (``shown``: the findings present, in ``FINDINGS`` names) set to ``withheld``: a result
    suppressed because it would show fewer than k people is never graded as if it were shown.

    >>> lv = pd.DataFrame({"finding": ["selection", "wages"], "level": ["measured", "measured"],
    ...                    "basis": ["worker_records", "worker_records"]})
    >>> reconcile(lv, shown={"wages"})["level"].tolist()
    ['withheld', 'measured']
    """
    _check_levels(table)
    out = table.copy()
    hide = (out["level"] == "measured") & (out["basis"] == "worker_records") & ~out["finding"].isin(set(shown))
    out.loc[hide, ["level", "basis"]] = ["withheld", "withheld"]
    return out


def _check_levels(table: pd.DataFrame) -> None:
    bad = sorted(set(table["level"]) - set(LEVELS))
    if bad:
        raise ValueError(f"level must be one of {list(LEVELS)}, got {bad}")


def strongest(table: pd.DataFrame, *, findings: Iterable[str] = ("shortfall", "segregation")) -> str:
    """The strongest level among ``findings`` (by default the two about women's numbers, which
    set the report's title): 'measured' > 'expected' > 'not_measurable'.

    >>> lv = pd.DataFrame({"finding": ["shortfall", "segregation"], "level": ["expected", "measured"],
    ...                    "basis": ["benchmark", "worker_records"]})
    >>> strongest(lv), strongest(lv, findings=["shortfall"])
    ('measured', 'expected')
    """
    _check_levels(table)
    wanted = set(findings)
    unknown = sorted(wanted - set(FINDINGS))
    if unknown:
        raise ValueError(f"findings must be among {list(FINDINGS)}, got {unknown}")
    present = table.loc[table["finding"].isin(wanted), "level"]
    return min(present, key=LEVELS.index) if len(present) else "not_measurable"


def title_key(table: pd.DataFrame) -> str:
    """Locale key of the report title for the strongest level: ``report_title_<level>``, except
    that a level measured only by a published share of the year (no worker records) gives
    ``report_title_published``: the DOL files themselves still measure nothing about women; a
    share pooled over several years gives ``report_title_pooled``.
    None of the titles says "discrimination": a measured shortfall is evidence for a petition to
    weigh, not a finding of discrimination.

    >>> lv = pd.DataFrame({"finding": ["shortfall", "segregation"], "level": ["expected", "measured"],
    ...                    "basis": ["benchmark", "worker_records"]})
    >>> title_key(lv)
    'report_title_measured'
    """
    level = strongest(table)
    measured = table[table["finding"].isin(["shortfall", "segregation"]) & (table["level"] == "measured")]
    if level == "measured" and not (measured["basis"] == "worker_records").any():
        return "report_title_published"
    return f"report_title_{level}"


def heading(level: str, lang: str) -> str:
    """Section heading of a level in ``lang`` (``claims_heading_<level>``).

    >>> heading("expected", "en")
    'Expected from benchmarks (not observed)'
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {list(LEVELS)}, got {level!r}")
    return i18n.t(f"claims_heading_{level}", lang)


def basis_text(basis: str, lang: str) -> str:
    """One sentence on what a level rests on (``claims_basis_<basis>``).

    >>> basis_text("titles_only", "en")[:40]
    'The files carry job titles only; the req'
    """
    if basis not in BASES:
        raise ValueError(f"basis must be one of {list(BASES)}, got {basis!r}")
    return i18n.t(f"claims_basis_{basis}", lang)


def shows_observed(table: pd.DataFrame, finding: str = "shortfall") -> bool:
    """True only when ``finding`` is measured from worker records: then tables may carry
    "observed" columns and figures observed bars. A published share is measured but pooled
    over all occupations, so it gives no observed value per occupation, state or employer.

    >>> lv = pd.DataFrame({"finding": ["shortfall", "segregation"], "level": ["expected", "measured"],
    ...                    "basis": ["benchmark", "worker_records"]})
    >>> shows_observed(lv), shows_observed(lv, "segregation")
    (False, True)
    """
    _check_levels(table)
    row = table[table["finding"] == finding]
    return bool(len(row)) and row.iloc[0]["level"] == "measured" and row.iloc[0]["basis"] == "worker_records"
