"""Release coverage: which months of each fiscal year the DOL files of an analysis hold.

OFLC publishes cumulative quarterly releases of a fiscal year (``..._Q1`` holds October-December
only) and end-of-year files; third parties archive extracts of them (TRLA's ``H-2A_FY2020_Q3_extract``).
A count from a Q1 file is a quarter of a year, not a year, and must never be read, compared or
trended as one. This module says, for every program x fiscal year x source file of a case table:

- the release and its kind, from the file name (the one rule: ``toolkit.releases``);
- the months it covers: from the rows when the file has decision dates (the first and the last
  month with a decision inside the fiscal year: federal fiscal year N runs October N-1 to
  September N), else from the name (``releases.period``). A file whose decisions stop before
  September (or start after October) is partial whatever its name says (``months_from`` says
  which decided, ``partial_by_rows`` flags a year the name calls whole);
- whether the file name agrees with the rows on program and fiscal year (``name_conflict``,
  with what the name says in ``name_program``/``name_fiscal_year``; the rows decide);
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
from functools import lru_cache

from pathlib import Path

import pandas as pd
from babel.dates import format_skeleton

from toolkit import i18n, releases
from toolkit.dol import infer_fiscal_year, infer_program

__all__ = ["COVERAGE_COLUMNS", "file_coverage", "months_decided", "coverage_table", "year_coverage", "missing_years",
           "coverage_label", "caveats", "month_name"]

#: Columns of ``coverage_table``, in order.
COVERAGE_COLUMNS = ("program", "fiscal_year", "source_file", "release", "kind", "partial", "months",
                    "first_month", "last_month", "decided_first", "decided_last", "decided_outside", "rows",
                    "catalog_id", "catalog_release", "release_conflict", "quirks", "months_from", "partial_by_rows",
                    "name_program", "name_fiscal_year", "name_conflict")


def _month(ym: tuple[int, int]) -> str:
    return f"{ym[0]:04d}-{ym[1]:02d}"


@lru_cache(maxsize=4096)
def month_name(ym: str, lang: str) -> str:
    """'2021-10' -> 'October 2021' / 'octubre de 2021' (Babel, CLDR en / es_MX; each looked up once
    per process: every page and caveat of a year names the same months).

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


def _fy_bounds(fiscal_year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """[1 October of FY-1, 1 October of FY): the federal fiscal year."""
    return pd.Timestamp(int(fiscal_year) - 1, 10, 1), pd.Timestamp(int(fiscal_year), 10, 1)


def months_decided(dates: pd.Series, fiscal_year: int) -> tuple[str, str, int] | None:
    """(first month, last month, months from first to last) with a decision inside
    ``fiscal_year``; None when no date falls inside it.

    >>> months_decided(pd.Series(pd.to_datetime(["2017-10-02", "2018-03-30", "2016-05-01"])), 2018)
    ('2017-10', '2018-03', 6)
    """
    start, end = _fy_bounds(fiscal_year)
    d = pd.to_datetime(dates, errors="coerce").dropna()
    d = d[(d >= start) & (d < end)]
    if d.empty:
        return None
    first, last = d.min(), d.max()
    return (_month((first.year, first.month)), _month((last.year, last.month)),
            (last.year - first.year) * 12 + last.month - first.month + 1)


def file_coverage(name: str, fiscal_year: int, *, entry: dict | None = None,
                  decided: tuple[str, str, int] | None = None) -> dict:
    """Coverage of one file of ``fiscal_year`` from its name and its catalog ``entry`` (or None).

    ``release`` and ``kind`` come from the name (``releases.release_from_name``,
    ``releases.kind_from_name``); ``catalog_release`` is the catalog's, and ``release_conflict``
    is True when the two differ (the name still decides the release: one rule). ``decided``
    (``months_decided`` of the file's rows) decides the months and ``partial`` when given: a year
    whose decisions cover fewer than its 12 months is partial whatever the name says.

    >>> c = file_coverage("H-2A_FY2020_Q3_extract.xlsx", 2020)
    >>> c["kind"], c["release"], c["first_month"], c["last_month"], c["months"]
    ('extract', 'Q3', '2019-10', '2020-06', 9)
    >>> c = file_coverage("H-2A_FY2018.xlsx", 2018, decided=("2017-10", "2018-03", 6))
    >>> c["release"], c["partial"], c["months"], c["months_from"], c["partial_by_rows"]
    ('full year', True, 6, 'rows', True)
    """
    release = releases.release_from_name(name)
    first, last = releases.period(fiscal_year, release)
    n_months = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
    first, last = _month(first), _month(last)
    partial = releases.is_partial(release)
    by_rows = decided is not None
    if by_rows:
        first, last, n_months = decided
        partial_by_rows = n_months < 12 and not partial
        partial = n_months < 12
    else:
        partial_by_rows = False
    entry = entry or {}
    cat_release = entry.get("release")
    cat_release = None if cat_release is None or pd.isna(cat_release) else str(cat_release)
    quirks = entry.get("quirks")
    quirks = list(quirks) if isinstance(quirks, (list, tuple)) else []
    return {"source_file": str(name), "release": release, "kind": releases.kind_from_name(name),
            "partial": partial, "months": n_months, "first_month": first,
            "last_month": last, "catalog_id": entry.get("id"), "catalog_release": cat_release,
            "release_conflict": cat_release is not None and cat_release != release, "quirks": quirks,
            "months_from": "rows" if by_rows else "file name", "partial_by_rows": partial_by_rows}


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
    decided outside the months of the release the name says (a name that understates its
    content, or cases decided in another year); ``rows`` the case rows of that file and year; ``months_from`` "rows" or "file name";
    ``partial_by_rows`` a year the name calls whole whose decisions stop early (or start late);
    ``name_conflict`` a file name that says another program or fiscal year than the rows.
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
        d = part["decision_date"].dropna()
        row = {"program": program, "fiscal_year": int(fy),
               **file_coverage(name, fy, entry=index.get(name), decided=months_decided(d, fy))}
        (y0, m0), (y1, m1) = releases.period(fy, row["release"])  # the months the name's release holds
        start, end = pd.Timestamp(y0, m0, 1), pd.Timestamp(y1, m1, 1) + pd.offsets.MonthBegin(1)
        named_program, named_fy = infer_program(Path(name)), infer_fiscal_year(Path(name))
        row.update(decided_first=d.min() if len(d) else pd.NaT, decided_last=d.max() if len(d) else pd.NaT,
                   decided_outside=int(((d < start) | (d >= end)).sum()), rows=len(part),
                   name_program=named_program, name_fiscal_year=named_fy,
                   name_conflict=bool((named_program is not None and named_program != program)
                                      or (named_fy is not None and named_fy != int(fy))))
        out.append(row)
    table = pd.DataFrame(out, columns=list(COVERAGE_COLUMNS))
    if len(table):
        table["_rank"] = table["release"].map(releases.rank)
        table = table.sort_values(["program", "fiscal_year", "_rank", "source_file"], ignore_index=True).drop(columns="_rank")
    return table.astype({"partial": bool, "release_conflict": bool, "rows": int, "decided_outside": int,
                         "months": int, "fiscal_year": int, "partial_by_rows": bool, "name_conflict": bool,
                         "name_fiscal_year": "Int64"})


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
    partial = row.get("partial", row["release"] not in ("full year", "Q4"))
    if not partial:
        key = "coverage_label_full"
    else:
        key = "coverage_label_partial"
    text = i18n.t(key, lang, **values)
    return text + i18n.t("coverage_label_extract", lang) if row["kind"] == "extract" else text


def _flag(row, key: str) -> bool:
    """A boolean column of a coverage row; absent or NA is False (tables from before a column existed)."""
    value = row.get(key, False)
    return False if value is None or pd.isna(value) else bool(value)


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
        if _flag(r, "partial_by_rows"):
            out.append(i18n.t("coverage_rows_partial", lang, **values))
        elif r["partial"]:
            out.append(i18n.t("coverage_partial", lang, **values))
        if _flag(r, "name_conflict"):
            named = " ".join(str(v) for v in (r["name_program"], None if pd.isna(r["name_fiscal_year"]) else
                                               f"FY{int(r['name_fiscal_year'])}") if v)
            out.append(i18n.t("coverage_name_conflict", lang, named=named, **values))
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
