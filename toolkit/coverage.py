"""Release coverage: which months of each fiscal year the DOL files of an analysis hold.

OFLC publishes cumulative quarterly releases of a fiscal year (``..._Q1`` holds October-December
only) and end-of-year files; third parties archive extracts of them (TRLA's ``H-2A_FY2020_Q3_extract``).
A count from a Q1 file is a quarter of a year, not a year, and must never be read, compared or
trended as one. This module says, for every program x fiscal year x source file of a case table:

- the release and its kind, from the file name (the one rule: ``toolkit.releases``);
- the months it covers (``releases.period``: federal fiscal year N runs October N-1 to September N);
- what the catalog says of the file (``id``, ``release``, ``quirks``), and whether it agrees;
- what the data say: the first and last decision date, and how many rows were decided outside the
  release's months (cases decided in an earlier year, or a file whose name understates its content).

Rule for a program-year held by several files: the most complete release governs (``releases.rank``),
as the store keeps one release per case (``store.deduplicate_cases``); ``year_coverage`` returns that
row per year. Partial years (Q1-Q3) come with a caveat sentence in English and Spanish
(``caveats``), and years asked for but absent are listed (``missing_years``), never shown as zero.

Examples
--------
>>> import pandas as pd
>>> cases = pd.DataFrame({"program": ["H-2A", "H-2A"], "fiscal_year": [2022, 2022],
...                       "source_file": ["H-2A_Disclosure_Data_FY2022_Q1.xlsx"] * 2,
...                       "decision_date": pd.to_datetime(["2021-10-04", "2021-12-30"])})
>>> cov = coverage_table(cases, catalog=pd.DataFrame())
>>> cov.loc[0, ["release", "kind", "first_month", "last_month"]].tolist(), int(cov.loc[0, "months"])
(['Q1', 'cumulative', '2021-10', '2021-12'], 3)
>>> print(caveats(cov, "en")[0])  # doctest: +NORMALIZE_WHITESPACE
H-2A FY2022: H-2A_Disclosure_Data_FY2022_Q1.xlsx is the Q1 release; it covers October 2021 to
December 2021 only (3 of the 12 months of the fiscal year), so its counts are not those of a whole year.
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable

import pandas as pd
from babel.dates import format_skeleton

from toolkit import i18n, releases

__all__ = ["COVERAGE_COLUMNS", "file_coverage", "coverage_table", "year_coverage", "missing_years",
           "coverage_label", "caveats", "month_name"]

#: Columns of ``coverage_table``, in order.
COVERAGE_COLUMNS = ("program", "fiscal_year", "source_file", "release", "kind", "partial", "months",
                    "first_month", "last_month", "decided_first", "decided_last", "decided_outside", "rows",
                    "catalog_id", "catalog_release", "release_conflict", "quirks")


def _month(ym: tuple[int, int]) -> str:
    return f"{ym[0]:04d}-{ym[1]:02d}"


def month_name(ym: str, lang: str) -> str:
    """'2021-10' -> 'October 2021' / 'octubre de 2021' (Babel, CLDR en / es_MX).

    >>> month_name("2021-10", "es")
    'octubre de 2021'
    """
    i18n.check_lang(lang)
    year, month = (int(x) for x in ym.split("-"))
    return format_skeleton("yMMMM", _dt.date(year, month, 1), locale=i18n.strings(lang)["locale"])


def _catalog_index(catalog: pd.DataFrame | None) -> dict[str, dict]:
    if catalog is None:
        from toolkit import catalog as cat

        catalog = cat.load_catalog()
    if catalog.empty or "file_name" not in catalog:
        return {}
    return {str(e["file_name"]): e for e in catalog.to_dict("records") if e.get("kind") == "dol-disclosure"}


def file_coverage(name: str, fiscal_year: int, *, entry: dict | None = None) -> dict:
    """Coverage of one file of ``fiscal_year`` from its name and its catalog ``entry`` (or None).

    ``release`` and ``kind`` come from the name (``releases.release_from_name``,
    ``releases.kind_from_name``); ``catalog_release`` is the catalog's, and ``release_conflict``
    is True when the two differ (the name still decides: one rule).

    >>> c = file_coverage("H-2A_FY2020_Q3_extract.xlsx", 2020)
    >>> c["kind"], c["release"], c["first_month"], c["last_month"], c["months"]
    ('extract', 'Q3', '2019-10', '2020-06', 9)
    """
    release = releases.release_from_name(name)
    first, last = releases.period(fiscal_year, release)
    n_months = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
    entry = entry or {}
    cat_release = entry.get("release")
    cat_release = None if cat_release is None or pd.isna(cat_release) else str(cat_release)
    quirks = entry.get("quirks")
    quirks = list(quirks) if isinstance(quirks, (list, tuple)) else []
    return {"source_file": str(name), "release": release, "kind": releases.kind_from_name(name),
            "partial": releases.is_partial(release), "months": n_months, "first_month": _month(first),
            "last_month": _month(last), "catalog_id": entry.get("id"), "catalog_release": cat_release,
            "release_conflict": cat_release is not None and cat_release != release, "quirks": quirks}


def coverage_table(cases: pd.DataFrame, *, catalog: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per program x fiscal year x source file of a case table, with its coverage.

    Parameters
    ----------
    cases : canonical cases with ``program``, ``fiscal_year``, ``source_file`` (and
        ``decision_date`` when known).
    catalog : ``catalog.load_catalog()`` (the default) or a table of entries; an empty DataFrame
        skips the catalog.

    Returns
    -------
    DataFrame with ``COVERAGE_COLUMNS``: ``months`` is the number of months the release covers,
    ``first_month``/``last_month`` as ``YYYY-MM``; ``decided_first``/``decided_last`` the range
    of decision dates in the data (NaT when the layout has none); ``decided_outside`` the rows
    decided outside the release's months; ``rows`` the case rows of that file and year.
    Sorted by program, fiscal year and release rank (least complete first).

    Raises
    ------
    KeyError
        A required column is missing (named).

    Examples
    --------
    >>> cases = pd.DataFrame({"program": "H-2B", "fiscal_year": 2017, "source_file": "H-2B_Disclosure_Data_FY17.xlsx",
    ...                       "decision_date": pd.to_datetime(["2016-10-03", "2017-09-29"])})
    >>> coverage_table(cases, catalog=pd.DataFrame())[["release", "kind", "partial", "rows"]].to_dict("records")
    [{'release': 'full year', 'kind': 'full year', 'partial': False, 'rows': 2}]
    """
    missing = [c for c in ("program", "fiscal_year", "source_file") if c not in cases]
    if missing:
        raise KeyError(f"cases: column(s) {missing} missing; coverage needs program, fiscal_year and source_file")
    if cases["source_file"].isna().any():
        rows = list(cases.index[cases["source_file"].isna()][:5])
        raise ValueError(f"cases: source_file is empty in rows {rows}; coverage needs the file of every row")
    index = _catalog_index(catalog)
    dates = cases["decision_date"] if "decision_date" in cases else pd.Series(pd.NaT, index=cases.index)
    frame = pd.DataFrame({"program": cases["program"].astype(str), "fiscal_year": cases["fiscal_year"].astype(int),
                          "source_file": cases["source_file"].astype(str),
                          "decision_date": pd.to_datetime(dates)})
    out = []
    for (program, fy, name), part in frame.groupby(["program", "fiscal_year", "source_file"], sort=True):
        row = {"program": program, "fiscal_year": int(fy), **file_coverage(name, fy, entry=index.get(name))}
        d = part["decision_date"].dropna()
        start = pd.Timestamp(f"{row['first_month']}-01")
        end = pd.Timestamp(f"{row['last_month']}-01") + pd.offsets.MonthBegin(1)
        row.update(decided_first=d.min() if len(d) else pd.NaT, decided_last=d.max() if len(d) else pd.NaT,
                   decided_outside=int(((d < start) | (d >= end)).sum()), rows=len(part))
        out.append(row)
    table = pd.DataFrame(out, columns=list(COVERAGE_COLUMNS))
    if len(table):
        table["_rank"] = table["release"].map(releases.rank)
        table = table.sort_values(["program", "fiscal_year", "_rank", "source_file"], ignore_index=True).drop(columns="_rank")
    return table.astype({"partial": bool, "release_conflict": bool, "rows": int, "decided_outside": int,
                         "months": int, "fiscal_year": int})


def year_coverage(coverage: pd.DataFrame) -> pd.DataFrame:
    """The governing row per program x fiscal year: the most complete release (``releases.rank``;
    file names decide ties), with ``files`` = how many files of that year the analysis holds.

    >>> cov = pd.DataFrame({"program": "H-2B", "fiscal_year": 2021, "release": ["Q4", "Q1"],
    ...                     "source_file": ["H2B_FY2021_Q4.xlsx", "H2B_FY2021_Q1.xlsx"]})
    >>> year_coverage(cov)[["release", "files"]].to_dict("records")
    [{'release': 'Q4', 'files': 2}]
    """
    if coverage.empty:
        return coverage.assign(files=pd.Series(dtype=int))
    ranked = coverage.assign(_rank=coverage["release"].map(releases.rank))
    ranked = ranked.sort_values(["program", "fiscal_year", "_rank", "source_file"])
    files = ranked.groupby(["program", "fiscal_year"])["source_file"].transform("nunique")
    best = ranked.assign(files=files).groupby(["program", "fiscal_year"], as_index=False).tail(1)
    return best.drop(columns="_rank").reset_index(drop=True)


def missing_years(coverage: pd.DataFrame, programs: Iterable[str], fiscal_years: Iterable[int]) -> list[tuple[str, int]]:
    """(program, year) pairs asked for that no file of the analysis holds, sorted.

    >>> cov = pd.DataFrame({"program": ["H-2A"], "fiscal_year": [2015]})
    >>> missing_years(cov, ["H-2A"], range(2014, 2017))
    [('H-2A', 2014), ('H-2A', 2016)]
    """
    held = set(zip(coverage["program"], coverage["fiscal_year"].astype(int)))
    return sorted((p, int(y)) for p in programs for y in fiscal_years if (p, int(y)) not in held)


def coverage_label(row: dict | pd.Series, lang: str) -> str:
    """Short label of one coverage row for headings, table cells and figure titles.

    >>> coverage_label({"release": "Q1", "kind": "cumulative", "first_month": "2021-10",
    ...                 "last_month": "2021-12"}, "es")
    'versión Q1: octubre de 2021 a diciembre de 2021'
    """
    values = {"first": month_name(row["first_month"], lang), "last": month_name(row["last_month"], lang),
              "release": row["release"]}
    if row["release"] == "full year" or row["release"] == "Q4":
        key = "coverage_label_full"
    else:
        key = "coverage_label_partial"
    text = i18n.t(key, lang, **values)
    return text + i18n.t("coverage_label_extract", lang) if row["kind"] == "extract" else text


def caveats(coverage: pd.DataFrame, lang: str, *, programs: Iterable[str] | None = None,
            fiscal_years: Iterable[int] | None = None) -> list[str]:
    """Caveat sentences in ``lang``: one per partial program-year (Q1-Q3 release governing the year),
    one per extract, one per release conflict with the catalog, one per year asked for but absent
    (when ``programs`` and ``fiscal_years`` are given), and one warning when partial and full years
    sit side by side (their counts are not comparable). Empty when every year is whole and present.

    >>> cases = pd.DataFrame({"program": "H-2B", "fiscal_year": 2021, "source_file": ["H2B_FY2021_Q1.xlsx"]})
    >>> cov = coverage_table(cases, catalog=pd.DataFrame())
    >>> caveats(cov, "es")[0][:60]
    'H-2B año fiscal 2021: H2B_FY2021_Q1.xlsx es la versión Q1; c'
    >>> caveats(cov, "en", programs=["H-2B"], fiscal_years=[2020, 2021])[1][:40]
    'H-2B FY2020: no file for this year is in'
    """
    i18n.check_lang(lang)
    out = []
    years = year_coverage(coverage)
    for _, r in years.iterrows():
        values = {"program": r["program"], "fy": int(r["fiscal_year"]), "file": r["source_file"],
                  "release": r["release"], "first": month_name(r["first_month"], lang),
                  "last": month_name(r["last_month"], lang), "months": int(r["months"])}
        if r["partial"]:
            out.append(i18n.t("coverage_partial", lang, **values))
        if r["kind"] == "extract":
            out.append(i18n.t("coverage_extract", lang, **values))
        if r["release_conflict"]:
            out.append(i18n.t("coverage_conflict", lang, catalog_release=r["catalog_release"], **values))
    if programs is not None and fiscal_years is not None:
        for program, fy in missing_years(coverage, programs, fiscal_years):
            out.append(i18n.t("coverage_missing", lang, program=program, fy=fy))
    if len(years) and years["partial"].any() and not years["partial"].all():
        partial = ", ".join(f"{p} FY{y}" for p, y in years.loc[years["partial"], ["program", "fiscal_year"]].itertuples(index=False))
        out.append(i18n.t("coverage_not_comparable", lang, years=partial))
    return out
