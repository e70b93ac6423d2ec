"""Occupation shares: women's share of US employment by occupation (the benchmark), and published H-2 shares.

DOL H-2A/H-2B disclosure files record no worker's sex. To say how many women an employer's
certified jobs would hold *if* H-2 hiring looked like the US workforce in the same occupations, the
toolkit needs women's share of employment by 6-digit SOC code. This module reads it from the BLS
Current Population Survey (CPS) annual averages, Table 11, maps the CPS occupation lines (which use
Census 2018 occupation titles) to 2018 SOC codes with the Census Bureau's 2018 occupation code list,
and carries a sampling standard error for every share.

Public functions
----------------
read_cps_table11
    One row per CPS Table 11 occupation line (2022 multi-row header or 2021 flattened header).
read_census_crosswalk
    Census 2018 occupation codes with their 2018 SOC code(s), aggregates represented explicitly.
link_cps_census
    CPS lines joined to Census occupations by exact (normalised) title.
resolve_soc
    Women's share for each requested SOC code, with the documented fall-back rule.
women_share_by_soc
    The shipped table (package data) or a fresh derivation from the raw BLS/Census files.
expected_share
    A lookup (with the same fall-back) returning a Series.
cps_share_se
    The standard error of a CPS percentage (generalized variance function form).
published_shares
    Published women's shares of H-2 visas (``data_catalog/published_shares.csv``), validated.
published_share_for
    The published figures that cover a program and fiscal year, single-year rows first, with the
    caveat for figures pooled over a range of years.

Readers follow the contract in CONTRIBUTING.md: bad layouts raise ``SchemaError``, bad values raise
``DataValidationError``, both naming the file, the row and the column; ``df.attrs["accounting"]`` says
what was read, kept and dropped (and why).
"""
from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit import rawio
from toolkit.errors import DataValidationError, SchemaError
from toolkit.schema import PROGRAMS

__all__ = [
    "CPS11_TABLE_TITLE",
    "GVF_B_APPROX",
    "GVF_SOURCE",
    "MATCH_LEVELS",
    "SHARE_COLUMNS",
    "PUBLISHED_COLUMNS",
    "normalize_title",
    "cps11_citation",
    "cps_share_se",
    "read_cps_table11",
    "read_census_crosswalk",
    "read_census_crosswalk_2010",
    "classification_era",
    "benchmark_year_for",
    "benchmark_for_years",
    "CPS_YEARS",
    "link_cps_census",
    "resolve_soc",
    "women_share_by_soc",
    "expected_share",
    "published_shares",
    "published_share_for",
    "rounding_half_unit",
    "PUBLISHED_OPTIONAL",
]

CPS11_TABLE_TITLE = (
    "Table 11: Employed persons by detailed occupation, sex, race, and Hispanic or Latino ethnicity"
)

#: ``match_level`` values, from most to least specific (see ``resolve_soc``).
MATCH_LEVELS = ("detailed", "census_aggregate", "broad", "minor", "major", "unmatched")

#: Columns of ``women_share_by_soc`` (in this order; ``note`` is an extra column after them).
SHARE_COLUMNS: dict[str, str] = {
    "soc_code": "string",
    "soc_title": "string",
    "census_code": "string",
    "cps_title": "string",
    "year": "Int64",
    "employed_thousands": "Float64",
    "women_share": "Float64",
    "women_share_se": "Float64",
    "suppressed": "boolean",
    "match_level": "string",
    "source": "string",
    "note": "string",
}

PUBLISHED_COLUMNS: dict[str, str] = {
    "program": "string",
    "fiscal_year": "Int64",
    "population": "string",
    "women_share": "Float64",
    "women_count": "Int64",
    "total_count": "Int64",
    "citation": "string",
    "url": "string",
    "notes": "string",
}

#: Optional columns of ``published_shares.csv`` (added as NA when a file lacks them):
#: ``fiscal_year_end`` -- last year of a figure pooled over ``fiscal_year``..``fiscal_year_end``
#: (empty: a single year); ``men_share`` -- men's share as published, for sources that publish
#: it instead of women's (GAO-25-106389: "H-2A workers were mostly male (97 percent)").
PUBLISHED_OPTIONAL: dict[str, str] = {"fiscal_year_end": "Int64", "men_share": "Float64"}

#: Approximate generalized-variance-function ``b`` parameter (persons) used for ``women_share_se``.
#:
#: BLS publishes GVF parameters only for the estimates in The Employment Situation; "no GVF
#: parameters are published for non-PFEI news releases" (McIllece 2019), which include the annual
#: averages of Table 11. We therefore could not source an exact ``b`` for women's share of an
#: occupation's annual-average employment and use a documented conservative approximation:
#: ``b = deff * w`` with ``w`` the average number of persons a single month's sample person
#: represents and ``deff = 2`` a design effect for the clustered household sample. ``w`` is taken
#: as households / interviewed households = 131.2 million / 55,500 ~= 2,364 (about 60,000
#: eligible households a month of which about 4,500 are not interviewed: BLS Handbook of Methods,
#: CPS technical note; 131.2 million US households in 2022: Census Bureau, CPS ASEC 2022, America's
#: Families and Living Arrangements, table HH-1). The approximation ignores the reduction in
#: variance from averaging twelve monthly samples, so it overstates the annual-average standard
#: error (conservative). Replace it when BLS publishes annual-average parameters for Table 11.
GVF_B_APPROX = 2.0 * 131_200_000 / 55_500

#: Short SE note carried by every shipped row; the full reasoning is in ``GVF_B_APPROX`` above.
GVF_SOURCE = f"SE: approx. GVF b={GVF_B_APPROX:.0f}"

_DASHES = {"\u2013", "\u2014", "\u2012", "\u2212", "-", "--"}
_SOC_RE = re.compile(r"^\d\d-\d{4}$")
_SOC_PUBLISHED_RE = re.compile(r"^\d\d-\d[\dX]{3}$")


def normalize_title(title: object) -> str:
    """Normalise an occupation title for exact matching between BLS and Census lists.

    Unicode NFKC, dashes to "-", whitespace collapsed, a trailing colon removed, the serial comma
    before "and"/"or" removed (BLS writes "operators, and funeral attendants" where the Census list
    writes "operators and funeral attendants"), and case folded. Nothing else is changed: titles
    that differ in words do not match.
    """
    text = unicodedata.normalize("NFKC", str(title))
    for dash in ("\u2013", "\u2014", "\u2012", "\u2212"):
        text = text.replace(dash, "-")
    text = re.sub(r"\s+", " ", text).strip()
    text = text.rstrip(":").strip()
    text = re.sub(r",\s+(and|or)\s", r" \1 ", text)
    return text.casefold()


def cps11_citation(year: int) -> str:
    """The citation string for CPS Table 11 of ``year``."""
    return f"BLS, Current Population Survey annual averages {year}, {CPS11_TABLE_TITLE}"


def cps_share_se(share, employed_thousands, *, b: float = GVF_B_APPROX):
    """Standard error of a CPS share from the generalized variance function.

    se(p) = sqrt(b / x * p * (100 - p)) in percentage points, with ``p`` the percentage and ``x``
    the base in persons (``employed_thousands * 1000``); returned here on the 0-1 scale (se / 100).

    Parameters
    ----------
    share : float or array-like
        Women's share on the 0-1 scale.
    employed_thousands : float or array-like
        The base of the percentage, in thousands of employed persons (as Table 11 prints it).
    b : float, keyword-only
        GVF ``b`` parameter in persons. The default is ``GVF_B_APPROX``, a documented conservative
        approximation (no BLS-published parameter exists for Table 11 annual averages).

    Returns
    -------
    float or ndarray
        NaN where the share or base is missing or the base is not positive.

    References
    ----------
    U.S. Bureau of Labor Statistics. Reliability of Current Population Survey estimates.
    https://www.bls.gov/cps/methods/reliability-of-cps-estimates.htm

    McIllece, J. J. (2019). Expanding variance function coverage in the Current Population Survey.
    BLS Statistical Survey Paper. https://www.bls.gov/osmr/research-papers/2019/st190060.htm
    """
    if not (isinstance(b, (int, float)) and math.isfinite(b) and b > 0):
        raise ValueError(f"b must be a positive finite number of persons, got {b!r}")
    p = np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(share)), errors="coerce"), dtype=float) * 100
    x = np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(employed_thousands)), errors="coerce"),
                   dtype=float) * 1000
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.where(x > 0, np.sqrt(b / x * p * (100 - p)), np.nan) / 100
    return se if np.ndim(share) or np.ndim(employed_thousands) else float(se[0])


# --------------------------------------------------------------------------------------------
# Raw-file readers


def _read_sheets(path: Path) -> dict[str, list[list]]:
    if not path.exists():
        raise FileNotFoundError(f"{path}: file not found")
    return rawio.all_sheet_rows(path)


def _cell_text(value: object) -> str:
    return re.sub(r"\s+", " ", str(value)).strip() if value is not None else ""


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _parse_number(value: object, *, path: Path, row: int, column: str) -> tuple[float | None, bool]:
    """(value, suppressed). A BLS dash means suppressed; anything else non-numeric is an error."""
    if _is_number(value):
        return float(value), False
    text = _cell_text(value)
    if text in _DASHES:
        return None, True
    try:
        return float(text.replace(",", "")), False
    except ValueError:
        raise DataValidationError(
            f"{path.name}: row {row}, column {column!r}: expected a number or a BLS dash "
            f"(suppressed), got {value!r}"
        ) from None


def read_cps_table11(path: str | Path, year: int | None = None) -> pd.DataFrame:
    """Read BLS CPS annual averages Table 11 (employed persons by detailed occupation and sex).

    Two layouts are recognised by structure, not by year: the published multi-row header (a row
    "Occupation | <year>", then "Total employed | Percent of total employed", then "Women | White
    ...") and a flattened one-row header ("Occupation | Total Employed | Percent of total employed
    Women | ..."). Header cells of the rows between the "Occupation" row and the first data row are
    joined per column; the employed column is the one whose header says "total employed" and the
    women column the one whose header says "women".

    Parameters
    ----------
    path : str or Path
        ``cpsaat11_<year>.xlsx`` as downloaded from https://www.bls.gov/cps/tables.htm.
    year : int, optional
        Survey year. Taken from the header (multi-row layout) or from a ``cpsaat11_<year>`` file
        name when omitted; a value that disagrees with the header raises ``DataValidationError``.

    Returns
    -------
    DataFrame
        One row per occupation line: ``year``, ``cps_title``, ``level`` ("total", "group" for
        titles ending in "occupations", otherwise "detailed"; the file carries no indentation),
        ``employed_thousands``, ``women_pct``, ``women_share`` (0-1), ``suppressed`` (BLS printed a
        dash: the base is below its publication threshold of 50,000; the share stays ``<NA>``) and
        ``source_row`` (1-based spreadsheet row). ``attrs["accounting"]``, ``attrs["layout"]``,
        ``attrs["source_file"]``.

    Raises
    ------
    SchemaError
        No sheet with an "Occupation" header, or no "total employed"/"women" column.
    DataValidationError
        A value that is neither a number nor a BLS dash, or a percentage outside [0, 100].
    """
    path = Path(path)
    sheets = _read_sheets(path)
    found = None
    for sheet, rows in sheets.items():
        for i, row in enumerate(rows[:40]):
            if row and normalize_title(row[0]) == "occupation":
                found = (sheet, rows, i)
                break
        if found:
            break
    if found is None:
        raise SchemaError(
            f"{path.name}: no sheet has a header row whose first cell is 'Occupation' (looked at "
            f"sheets {list(sheets)}); expected BLS CPS annual averages Table 11 (cpsaat11)"
        )
    sheet, rows, head = found
    first_data = next(
        (j for j in range(head + 1, len(rows))
         if _cell_text(rows[j][0]) and len(rows[j]) > 1 and _is_number(rows[j][1])),
        None,
    )
    if first_data is None:
        raise SchemaError(f"{path.name}, sheet {sheet!r}: no data rows after the header (row {head + 1})")
    block = rows[head:first_data]
    ncol = max(len(r) for r in block)
    headers = [" ".join(_cell_text(r[c]) for r in block if c < len(r) and not _is_number(r[c])).strip()
               for c in range(ncol)]
    norm = [normalize_title(h) for h in headers]
    emp_col = next((c for c in range(1, ncol) if "total employed" in norm[c]), None)
    women_col = next((c for c in range(1, ncol) if re.search(r"\bwomen\b", norm[c])), None)
    if emp_col is None or women_col is None:
        raise SchemaError(
            f"{path.name}, sheet {sheet!r}: header rows {head + 1}-{first_data} have no "
            f"{'Total employed' if emp_col is None else 'Women'} column; found headers {headers}"
        )
    layout = "flattened one-row header" if first_data - head == 1 else "multi-row header"
    header_years = {int(v) for r in block for v in r[1:] if _is_number(v) and 1900 < v < 2200}
    name_year = re.search(r"cpsaat11_(\d{4})", path.name)
    detected = (next(iter(header_years)) if len(header_years) == 1
                else int(name_year.group(1)) if name_year else None)
    if year is None:
        if detected is None:
            raise SchemaError(f"{path.name}: the survey year is not in the header or the file name; "
                              "pass year=")
        year = detected
    elif header_years and year not in header_years:
        raise DataValidationError(f"{path.name}: year={year} but the header says {sorted(header_years)}")

    records, dropped = [], {"blank separator row": 0, "table note": 0}
    for j in range(first_data, len(rows)):
        row = list(rows[j]) + [""] * (ncol - len(rows[j]))
        title = _cell_text(row[0])
        if not any(_cell_text(v) for v in row):
            dropped["blank separator row"] += 1
            continue
        if title.upper().startswith(("NOTE", "FOOTNOTE")) or not any(_cell_text(v) for v in row[1:]):
            dropped["table note"] += 1
            continue
        employed, emp_sup = _parse_number(row[emp_col], path=path, row=j + 1, column=headers[emp_col])
        pct, pct_sup = _parse_number(row[women_col], path=path, row=j + 1, column=headers[women_col])
        if pct is not None and not 0 <= pct <= 100:
            raise DataValidationError(
                f"{path.name}: row {j + 1}, column {headers[women_col]!r}: women's percent {pct} is "
                "outside [0, 100]")
        ntitle = normalize_title(title)
        level = ("total" if ntitle.startswith("total") else
                 "group" if ntitle.endswith("occupations") and not ntitle.startswith("other ")
                 else "detailed")
        records.append({
            "year": year, "cps_title": title, "level": level, "employed_thousands": employed,
            "women_pct": pct, "women_share": None if pct is None else pct / 100,
            "suppressed": emp_sup or pct_sup, "source_row": j + 1,
        })
    out = pd.DataFrame.from_records(records, columns=[
        "year", "cps_title", "level", "employed_thousands", "women_pct", "women_share",
        "suppressed", "source_row"])
    out = out.astype({"year": "Int64", "cps_title": "string", "level": "string",
                      "employed_thousands": "Float64", "women_pct": "Float64",
                      "women_share": "Float64", "suppressed": "boolean", "source_row": "Int64"})
    out.attrs = {
        "source_file": path.name, "layout": layout, "sheet": sheet,
        "accounting": {"rows_read": len(out) + sum(dropped.values()), "rows_kept": len(out),
                       "rows_dropped": {k: v for k, v in dropped.items() if v}},
    }
    return out


def _soc_pattern(code: str) -> tuple[str, str]:
    """(kind, prefix) for a published 2018 SOC code as the Census list writes it.

    "47-2061" -> ("detailed", "47-2061"); "45-2090" -> ("broad", "45-209");
    "43-4000" -> ("minor", "43-40"); "49-209X" -> ("residual", "49-209");
    "47-50XX" -> ("residual", "47-50"). A detailed SOC code never ends in 0 (SOC 2018 coding).
    """
    if "X" in code:
        return "residual", code[: code.index("X")]
    if code.endswith("0000"):
        return "major", code[:2]
    if code.endswith("00"):
        return "minor", code[:5]
    if code.endswith("0"):
        return "broad", code[:6]
    return "detailed", code


def read_census_crosswalk(path: str | Path) -> pd.DataFrame:
    """Read the Census Bureau 2018 occupation code list with its 2018 SOC codes.

    Reads the sheet "2018 Census Occ Code List" of ``2018-occupation-code-list-and-crosswalk.xlsx``
    (https://www.census.gov/topics/employment/industry-occupation/guidance/code-lists.html).

    Census occupations that cover several SOC codes are written as a SOC broad group ("45-2090":
    every detailed code 45-209x) or with X wildcards ("47-50XX", "49-209X": the residual detailed
    codes of that group that no other Census occupation lists). Each is represented explicitly by
    ``soc_kind`` ("detailed", "broad", "minor", "major", "residual"; "none" where the list
    writes "none", as for 9830 "Military, rank not specified") and ``soc_prefix`` (the
    leading characters a detailed code must share), so ``"49-209X"`` covers 49-2094 and 49-2095
    but not 49-2091, which has its own Census occupation (see ``resolve_soc`` for precedence).

    Returns
    -------
    DataFrame
        ``census_code`` (4 digits, or a range "6005-6130" for a group), ``census_title``,
        ``soc_code`` (as published), ``soc_kind``, ``soc_prefix``, ``is_group`` (a heading line of
        the list, e.g. "Farming, Fishing, and Forestry Occupations:"), ``source_row``.
    """
    path = Path(path)
    sheets = _read_sheets(path)
    sheet = next((s for s in sheets if "census occ code list" in normalize_title(s)), None)
    if sheet is None:
        raise SchemaError(f"{path.name}: no sheet named like '2018 Census Occ Code List'; sheets are "
                          f"{list(sheets)}")
    rows = sheets[sheet]
    head = cols = None
    for i, row in enumerate(rows[:30]):
        norm = [normalize_title(v) for v in row]
        if any("census title" in n for n in norm) and any("census code" in n for n in norm) \
                and any("soc code" in n for n in norm):
            head = i
            cols = (next(c for c, n in enumerate(norm) if "census title" in n),
                    next(c for c, n in enumerate(norm) if "census code" in n),
                    next(c for c, n in enumerate(norm) if "soc code" in n))
            break
    if head is None:
        raise SchemaError(f"{path.name}, sheet {sheet!r}: no header row with '2018 Census Title', "
                          "'2018 Census Code' and '2018 SOC Code' in the first 30 rows")
    t_col, c_col, s_col = cols
    records, dropped = [], {"blank separator row": 0, "explanatory text": 0}
    for j in range(head + 1, len(rows)):
        row = list(rows[j]) + [""] * (s_col + 1 - len(rows[j]))
        title = next((_cell_text(v) for v in row[: t_col + 1] if _cell_text(v)), "")
        code_raw, soc_raw = row[c_col], _cell_text(row[s_col])
        if not title and not _cell_text(code_raw) and not soc_raw:
            dropped["blank separator row"] += 1
            continue
        if not _cell_text(code_raw) and not soc_raw:
            dropped["explanatory text"] += 1
            continue
        code = (f"{int(code_raw):04d}" if _is_number(code_raw) else _cell_text(code_raw))
        is_group = title.endswith(":") or "-" in code
        if not is_group:
            if not re.fullmatch(r"\d{4}", code):
                raise DataValidationError(f"{path.name}, sheet {sheet!r}: row {j + 1}, column "
                                          f"'2018 Census Code': expected 4 digits, got {code_raw!r}")
            if soc_raw.casefold() == "none":
                kind, prefix = "none", None  # e.g. 9830 "Military, rank not specified"
            elif not _SOC_PUBLISHED_RE.fullmatch(soc_raw):
                raise DataValidationError(f"{path.name}, sheet {sheet!r}: row {j + 1}, column "
                                          f"'2018 SOC Code': expected NN-NNNN (X wildcards allowed), "
                                          f"got {soc_raw!r}")
            else:
                kind, prefix = _soc_pattern(soc_raw)
        elif re.fullmatch(r"\d\d-0000", soc_raw):
            kind, prefix = "major", soc_raw[:2]
        else:
            kind, prefix = "group range", None
        records.append({"census_code": code, "census_title": title.rstrip(":").strip(),
                        "soc_code": soc_raw, "soc_kind": kind, "soc_prefix": prefix,
                        "is_group": is_group, "source_row": j + 1})
    out = pd.DataFrame.from_records(records).astype({
        "census_code": "string", "census_title": "string", "soc_code": "string",
        "soc_kind": "string", "soc_prefix": "string", "is_group": "boolean", "source_row": "Int64"})
    dup = out.loc[~out["is_group"], "census_code"]
    if dup.duplicated().any():
        raise DataValidationError(f"{path.name}: duplicated Census codes {sorted(set(dup[dup.duplicated()]))}")
    out.attrs = {"source_file": path.name, "sheet": sheet, "accounting": {
        "rows_read": len(out) + sum(dropped.values()), "rows_kept": len(out),
        "rows_dropped": {k: v for k, v in dropped.items() if v}}}
    return out


#: CPS Table 11 titles (2019) -> the 2010 Census code they stand for, where the CPS words the
#: occupation differently from the Census list (checked by ``link_cps_census``, which refuses a
#: detailed CPS line with a share that links to nothing).
CPS_TITLE_ALIASES_2010 = {
    "Miscellaneous healthcare support occupations, including medical equipment preparers": "3655",
}


def read_census_crosswalk_2010(path: str | Path) -> pd.DataFrame:
    """The Census 2010 occupation codes, titles and 2010 SOC codes, read from the sheet "2010 to
    2018 Crosswalk" of ``2018-occupation-code-list-and-crosswalk.xlsx``, with the group lines of
    the 2018 list (major groups keep their titles and SOC ranges across the two lists).

    CPS Table 11 for 2019 and earlier uses the 2010 Census occupations, and DOL files of those
    fiscal years use 2010 SOC codes; this gives ``link_cps_census`` and ``resolve_soc`` the same
    shape of table as ``read_census_crosswalk`` does for 2018, so a 2019 line is linked by its 2010
    Census title and keyed by the 2010 SOC code of that era's DOL files. Rows of the sheet that
    only continue a split or merge (no 2010 code) are 2018 targets and are not 2010 occupations.

    Returns
    -------
    DataFrame like ``read_census_crosswalk`` (``census_code``, ``census_title``, ``soc_code``,
    ``soc_kind``, ``soc_prefix``, ``is_group``, ``source_row``), plus ``soc_code_2018`` (the
    2018 SOC code on the same row of the crosswalk, ``<NA>`` where the occupation was split or
    merged), ``attrs["sheet"]``.
    """
    path = Path(path)
    sheets = _read_sheets(path)
    sheet = next((s for s in sheets if "2010 to 2018 crosswalk" in normalize_title(s)), None)
    if sheet is None:
        raise SchemaError(f"{path.name}: no sheet named like '2010 to 2018 Crosswalk'; sheets are {list(sheets)}")
    rows = sheets[sheet]
    head = next((i for i, row in enumerate(rows[:30])
                 if any("2010 census code" in normalize_title(v) for v in row)), None)
    if head is None:
        raise SchemaError(f"{path.name}, sheet {sheet!r}: no header row with '2010 Census Code' in the first 30 rows")
    norm = [normalize_title(v) for v in rows[head]]
    col = {name: next((c for c, n in enumerate(norm) if name in n), None)
           for name in ("2010 soc code", "2010 census code", "2010 census title", "2018 soc code")}
    missing = [name for name, c in col.items() if c is None]
    if missing:
        raise SchemaError(f"{path.name}, sheet {sheet!r}: row {head + 1} has no column {missing}")
    records = []
    for j in range(head + 1, len(rows)):
        row = list(rows[j]) + [""] * len(norm)
        code_raw = row[col["2010 census code"]]
        code = f"{int(code_raw):04d}" if _is_number(code_raw) else _cell_text(code_raw)
        if not code:
            continue  # a 2018 target continuing a split or merge
        soc, soc18 = _cell_text(row[col["2010 soc code"]]), _cell_text(row[col["2018 soc code"]])
        if not soc and not re.fullmatch(r"\d{4}", code):
            continue  # the sheet's legend and totals under the table
        if not re.fullmatch(r"\d{4}", code) or not (_SOC_PUBLISHED_RE.fullmatch(soc) or soc.casefold() == "none"):
            raise DataValidationError(f"{path.name}, sheet {sheet!r}: row {j + 1}: expected a 4-digit 2010 Census "
                                      f"code and a 2010 SOC code NN-NNNN (or 'none'), got {code_raw!r} and {soc!r}")
        kind, prefix = ("none", None) if soc.casefold() == "none" else _soc_pattern(soc)
        records.append({"census_code": code, "census_title": _cell_text(row[col["2010 census title"]]),
                        "soc_code": soc, "soc_kind": kind, "soc_prefix": prefix, "is_group": False,
                        "source_row": j + 1, "soc_code_2018": soc18 if _SOC_PUBLISHED_RE.fullmatch(soc18) else pd.NA})
    occ = pd.DataFrame.from_records(records)
    # CPS Table 11 (2011-2019) titles that word a 2010 Census occupation differently: the same
    # occupation under the CPS title, so that it links by title like every other line
    aliases = [{**occ[occ["census_code"] == code].iloc[0].to_dict(), "census_title": title}
               for title, code in CPS_TITLE_ALIASES_2010.items() if (occ["census_code"] == code).any()]
    occ = pd.concat([occ, pd.DataFrame.from_records(aliases)], ignore_index=True) if aliases else occ
    groups = read_census_crosswalk(path)
    groups = groups[groups["is_group"].astype(bool)].assign(soc_code_2018=groups["soc_code"])
    out = pd.concat([groups, occ], ignore_index=True).astype({
        "census_code": "string", "census_title": "string", "soc_code": "string", "soc_kind": "string",
        "soc_prefix": "string", "is_group": "boolean", "source_row": "Int64", "soc_code_2018": "string"})
    dup = out.loc[~out["is_group"] & ~out["census_title"].isin(list(CPS_TITLE_ALIASES_2010)), "census_code"]
    if dup.duplicated().any():
        raise DataValidationError(f"{path.name}, sheet {sheet!r}: 2010 Census codes repeat: "
                                  f"{sorted(set(dup[dup.duplicated()]))}")
    out.attrs = {"source_file": path.name, "sheet": sheet,
                 "accounting": {"rows_read": len(rows) - head - 1, "rows_kept": len(occ),
                                "rows_dropped": {"2018 continuation rows, legend and totals":
                                                 len(rows) - head - 1 - len(occ)}}}
    return out


# --------------------------------------------------------------------------------------------
# Mapping


def link_cps_census(cps: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """Join CPS Table 11 lines to Census 2018 occupations by exact normalised title.

    Every CPS line is kept; an unmatched line has ``<NA>`` Census columns, so the unmatched titles
    are ``linked.loc[linked["census_code"].isna(), "cps_title"]``. A *detailed* CPS line with a published women's percent that
    matches no Census occupation raises ``DataValidationError`` listing every such title (a silent
    miss would drop that occupation from the benchmarks). Unmatched group lines (BLS summary lines
    such as "Professional and related occupations") and suppressed detailed lines are reported,
    not fatal.
    """
    cw = crosswalk.assign(_key=crosswalk["census_title"].map(normalize_title))
    dup = cw["_key"].duplicated(keep=False)
    if dup.any():
        raise DataValidationError(f"{crosswalk.attrs.get('source_file', 'crosswalk')}: titles repeat "
                                  f"after normalisation: {sorted(set(cw.loc[dup, 'census_title']))}")
    left = cps.assign(_key=cps["cps_title"].map(normalize_title))
    merged = left.merge(cw.drop(columns="source_row").rename(columns={"is_group": "census_is_group"}),
                        on="_key", how="left", validate="many_to_one").drop(columns="_key")
    unmatched = merged["census_code"].isna()
    fatal = merged[unmatched & (merged["level"] == "detailed") & merged["women_share"].notna()]
    src = cps.attrs.get("source_file", "CPS Table 11")
    if len(fatal):
        listing = "; ".join(f"row {r}: {t!r}" for r, t in zip(fatal["source_row"], fatal["cps_title"]))
        raise DataValidationError(f"{src}: CPS occupation titles with a published women's percent match "
                                  f"no 2018 Census occupation title: {listing}")
    # "Miscellaneous mathematical science occupations" (2010 Census 1240) reads as a group by its
    # title but is one Census occupation: a "group" title that the list has as an occupation takes
    # the list's level; a "detailed" title that the list has as a group is an error
    listed = merged["census_code"].notna() & ~merged["census_is_group"].fillna(False).astype(bool)
    misc = listed & (merged["level"] == "group") & merged["cps_title"].str.lower().str.startswith("miscellaneous")
    merged.loc[misc, "level"] = "detailed"
    wrong = merged[merged["census_code"].notna()
                   & ((merged["level"] == "group") != merged["census_is_group"].fillna(False))]
    if len(wrong):
        raise DataValidationError(f"{src}: the level read from the title disagrees with the Census "
                                  f"list for rows {list(wrong['source_row'])}: {list(wrong['cps_title'])}")
    merged.attrs = dict(cps.attrs)  # the reader's source file, for the citation
    return merged


def _validate_soc_codes(soc_codes: Iterable[str], *, what: str = "soc_codes") -> list[str]:
    codes = [str(c).strip() for c in soc_codes]
    bad = [c for c in codes if not _SOC_RE.fullmatch(c)]
    if bad:
        raise DataValidationError(f"{what}: expected 6-digit SOC codes like '45-2092'; got {bad[:10]}")
    return codes


def _row(code, level, *, line=None, pooled=None, note="", year=None):
    if line is not None:
        return {"soc_code": code, "soc_title": line["census_title"], "census_code": line["census_code"],
                "cps_title": line["cps_title"], "year": line["year"],
                "employed_thousands": line["employed_thousands"], "women_share": line["women_share"],
                "suppressed": bool(line["suppressed"]), "match_level": level,
                "_source_row": line["source_row"], "note": note}
    if pooled is not None and len(pooled):
        emp = pooled["employed_thousands"].astype(float)
        share = float((emp * pooled["women_share"].astype(float)).sum() / emp.sum())
        titles = list(pooled["cps_title"])
        return {"soc_code": code, "soc_title": pd.NA,
                "census_code": ";".join(pooled["census_code"]),
                "cps_title": "; ".join(titles) if len(titles) <= 3
                else f"{titles[0]}; ... ({len(titles)} CPS lines, see census_code)", "year": year,
                "employed_thousands": float(emp.sum()), "women_share": share, "suppressed": False,
                "match_level": level, "_source_row": pd.NA,
                "note": (note + " " if note else "") + f"employment-weighted mean of {len(pooled)} "
                        "CPS lines (suppressed lines excluded)"}
    return {"soc_code": code, "soc_title": pd.NA, "census_code": pd.NA, "cps_title": pd.NA,
            "year": year, "employed_thousands": np.nan, "women_share": np.nan, "suppressed": False,
            "match_level": "unmatched", "_source_row": pd.NA, "note": note}


def resolve_soc(soc_codes: Iterable[str], linked: pd.DataFrame) -> pd.DataFrame:
    """Women's share for each requested 6-digit SOC code, with an explicit fall-back rule.

    Rule, first that applies (``match_level``):

    1. ``detailed``: a Census occupation lists exactly this SOC code and its CPS line has a share.
    2. ``census_aggregate``: a Census occupation covers the code through an aggregate SOC code (a
       broad group "45-2090" or an X wildcard "47-50XX"/"49-209X") and has a share; when several
       cover it the one with the longest prefix wins (so "49-209X" gives way to an exact code and
       "47-5010" to nothing broader). Each detailed SOC then gets that occupation's share.
    3. ``broad``: employment-weighted mean share of the CPS lines whose SOC code(s) lie in the same
       SOC broad group NN-NNN0 (first six characters).
    4. ``minor``: the same over the minor group NN-NN00 (first five characters).
    5. ``major``: the CPS summary line for the major group NN-0000 (for example "Farming, fishing,
       and forestry occupations", which includes the suppressed detailed lines); if the table has
       none, the employment-weighted mean of the major group's lines.
    6. ``unmatched``: nothing found (for example military codes 55-xxxx); share ``<NA>``.

    A line that BLS suppressed (base below 50,000) gives no share, so the code falls through to
    the next level; ``note`` says so. Pooled shares exclude suppressed lines; their base is the
    sum of the pooled lines' employment. ``employed_thousands`` is the base of the share used.

    Parameters
    ----------
    soc_codes : iterable of str
        Codes "NN-NNNN"; anything else raises ``DataValidationError``.
    linked : DataFrame
        ``link_cps_census`` output for one year.
    """
    codes = _validate_soc_codes(soc_codes)
    years = linked["year"].dropna().unique()
    if len(years) != 1:
        raise DataValidationError(f"resolve_soc: linked table must hold one year, found {sorted(years)}")
    year = int(years[0])
    occ = linked[linked["census_code"].notna() & ~linked["census_is_group"].fillna(False).astype(bool)]
    occ = occ[~occ["soc_kind"].isin(["group range", "none"])]
    usable = occ[occ["women_share"].notna()]
    majors = linked[linked["census_is_group"].fillna(False).astype(bool)
                    & (linked["soc_kind"] == "major") & linked["women_share"].notna()]
    out = []
    for code in dict.fromkeys(codes):
        note = ""
        exact = occ[(occ["soc_code"] == code)]
        if len(exact):
            line = exact.iloc[0]
            if pd.notna(line["women_share"]):
                out.append(_row(code, "detailed" if line["soc_kind"] == "detailed" else "census_aggregate",
                                line=line))
                continue
            note = (f"Census occupation {line['census_code']} {line['cps_title']!r} suppressed by BLS "
                    f"(base {line['employed_thousands']} thousand);")
        # A residual X code covers only codes no Census occupation lists exactly.
        kinds = ["broad", "minor"] if len(exact) else ["broad", "minor", "residual"]
        covering = occ[occ["soc_kind"].isin(kinds) & occ["soc_prefix"].map(lambda p: code.startswith(p))]
        if len(covering):
            line = covering.loc[covering["soc_prefix"].str.len().idxmax()]
            if pd.notna(line["women_share"]):
                out.append(_row(code, "census_aggregate", line=line, note=note.strip().rstrip(";")))
                continue
            if not note:
                note = (f"Census occupation {line['census_code']} {line['cps_title']!r} suppressed by BLS "
                        f"(base {line['employed_thousands']} thousand);")
        done = False
        for level, width in (("broad", 6), ("minor", 5)):
            pool = usable[usable["soc_code"].str[:width] == code[:width]]
            if len(pool):
                out.append(_row(code, level, pooled=pool, note=note.strip().rstrip(";"), year=year))
                done = True
                break
        if done:
            continue
        major = majors[majors["soc_code"] == f"{code[:2]}-0000"]
        if len(major):
            out.append(_row(code, "major", line=major.iloc[0], note=note.strip().rstrip(";")))
            continue
        pool = usable[usable["soc_code"].str[:2] == code[:2]]
        out.append(_row(code, "major", pooled=pool, note=note.strip().rstrip(";"), year=year) if len(pool)
                   else _row(code, "unmatched", note=(note + " no CPS line in this SOC major group").strip(),
                             year=year))
    res = pd.DataFrame.from_records(out)
    res["women_share_se"] = cps_share_se(res["women_share"].astype(float).to_numpy(),
                                         res["employed_thousands"].astype(float).to_numpy())
    lines = res["_source_row"].map(lambda r: "" if pd.isna(r) else f", row {int(r)}")
    res["source"] = [
        f"BLS CPS {year} annual averages, Table 11 ({linked.attrs.get('source_file', 'cpsaat11')}{r}); "
        f"{GVF_SOURCE}" for r in lines]
    res["year"] = year
    res = res.drop(columns="_source_row")[list(SHARE_COLUMNS)]
    return _conform_shares(res)


def _conform_shares(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col, dtype in SHARE_COLUMNS.items():
        if col in ("employed_thousands", "women_share", "women_share_se"):
            out[col] = pd.to_numeric(out[col], errors="raise").astype("Float64")
        else:
            out[col] = out[col].astype(dtype)
    out["note"] = out["note"].replace("", pd.NA)
    return out.sort_values(["year", "soc_code"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Public lookups


SHIPPED_TABLE = "cps11_women_share_by_soc.csv"
#: CPS Table 11 years in the shipped table (``tools/build_occupation_shares.py``)
CPS_YEARS = (2019, 2021, 2022, 2023)


def classification_era(year: int) -> int:
    """The occupation classification of a year: 2010 (Census 2010 occupations, 2010 SOC) through
    2019, 2018 (Census 2018 occupations, 2018 SOC) from 2020. CPS switched in January 2020 (BLS,
    "Changes to the occupational and industry classification systems in the CPS", 2020); DOL
    disclosure files of a fiscal year use the SOC of their era in the same way.

    >>> classification_era(2019), classification_era(2020)
    (2010, 2018)
    """
    return 2010 if int(year) <= 2019 else 2018


def benchmark_year_for(fiscal_year: int, *, years: Iterable[int] = CPS_YEARS) -> int:
    """The CPS year whose shares benchmark ``fiscal_year``: the nearest CPS year of the same
    classification era (``classification_era``), the later one on a tie; the nearest year of any
    era only when none of its era exists.

    >>> [benchmark_year_for(fy) for fy in (2008, 2013, 2019, 2020, 2021, 2022, 2024)]
    [2019, 2019, 2019, 2021, 2021, 2022, 2023]
    """
    years = sorted(int(y) for y in years)
    same = [y for y in years if classification_era(y) == classification_era(fiscal_year)] or years
    return min(same, key=lambda y: (abs(y - int(fiscal_year)), -y))


def benchmark_for_years(fiscal_years: Iterable[int] | Mapping[int, int], *, year: int | None = None) -> pd.DataFrame:
    """The shipped benchmark for each fiscal year: ``women_share_by_soc(benchmark_year_for(fy))``
    (or of ``year`` for every fiscal year when given, or of the CPS year a mapping fiscal year ->
    CPS year gives, as ``dataset.Request.benchmark_years``), with ``fiscal_year`` and
    ``benchmark_year`` columns, so that ``analysis.expected_counts`` joins each case to the shares
    of its own year.

    >>> b = benchmark_for_years([2014, 2022])
    >>> b.groupby("fiscal_year")["benchmark_year"].first().to_dict()
    {2014: 2019, 2022: 2022}
    >>> benchmark_for_years({2014: 2022})["benchmark_year"].unique().tolist()
    [2022]
    """
    chosen = dict(fiscal_years) if isinstance(fiscal_years, Mapping) else {}
    parts = []
    for fy in sorted({int(f) for f in fiscal_years}):
        by = int(year) if year is not None else chosen.get(fy) or benchmark_year_for(fy)
        parts.append(women_share_by_soc(by).assign(fiscal_year=fy, benchmark_year=by))
    out = pd.concat(parts, ignore_index=True)
    out.attrs = {"source_file": f"toolkit/data/{SHIPPED_TABLE}"}
    return out


@lru_cache(maxsize=1)
def _shipped() -> pd.DataFrame:
    """The shipped table, read once per process (every evidence build reads it for each fiscal year;
    callers select rows, which copies, and never change it)."""
    text = resources.files("toolkit").joinpath("data", SHIPPED_TABLE).read_text(encoding="utf-8")
    df = pd.read_csv(io.StringIO(text), dtype={"soc_code": "string", "census_code": "string"},
                     keep_default_na=False, na_values=[""])
    missing = [c for c in SHARE_COLUMNS if c not in df.columns]
    if missing:
        raise SchemaError(f"toolkit/data/{SHIPPED_TABLE}: missing columns {missing}; rebuild it with "
                          "tools/build_occupation_shares.py")
    out = _conform_shares(df[list(SHARE_COLUMNS)])
    out.attrs = {"source_file": f"toolkit/data/{SHIPPED_TABLE}"}
    return out


def women_share_by_soc(year: int = 2022, *, path: str | Path | None = None,
                       crosswalk_path: str | Path | None = None) -> pd.DataFrame:
    """Women's share of US employment by 2018 SOC code, from CPS Table 11.

    With no paths, returns the table shipped with the package (``toolkit/data/
    cps11_women_share_by_soc.csv``, built by ``tools/build_occupation_shares.py`` for 2021 and 2022 and
    restricted to SOC codes that occur in the H-2 disclosure files, the H-2 core occupations and
    every SOC group key the fall-back needs). With ``path`` (a ``cpsaat11`` workbook) and
    ``crosswalk_path`` (the Census 2018 occupation code list) it derives the table from the raw
    files for every SOC code the Census list publishes.

    Parameters
    ----------
    year : int
        CPS survey year.
    path, crosswalk_path : str or Path, keyword-only
        Both or neither.

    Returns
    -------
    DataFrame
        ``soc_code``, ``soc_title``, ``census_code``, ``cps_title``, ``year``,
        ``employed_thousands``, ``women_share`` (0-1), ``women_share_se``, ``suppressed``,
        ``match_level`` (see ``resolve_soc``), ``source`` (citation, CPS line and SE method), and an
        extra ``note``.

    References
    ----------
    U.S. Bureau of Labor Statistics (2023). Current Population Survey annual averages 2022, Table 11:
    Employed persons by detailed occupation, sex, race, and Hispanic or Latino ethnicity.
    https://www.bls.gov/cps/cpsaat11.htm

    U.S. Census Bureau (2019). 2018 Census occupation code list with crosswalk.
    """
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        raise TypeError(f"year must be an int, got {year!r}")
    if (path is None) != (crosswalk_path is None):
        raise ValueError("pass both path (CPS Table 11 workbook) and crosswalk_path (Census 2018 "
                         "occupation code list), or neither to use the shipped table")
    if path is None:
        table = _shipped()
        available = sorted(int(y) for y in table["year"].dropna().unique())
        if int(year) not in available:
            raise ValueError(f"year {year} is not in the shipped table (years {available}); pass "
                             "path= and crosswalk_path= to derive it from the raw files")
        out = table[table["year"] == int(year)].reset_index(drop=True)
        out.attrs = dict(table.attrs)
        return out
    cps = read_cps_table11(path, year=int(year))
    cw = read_census_crosswalk(crosswalk_path)
    linked = link_cps_census(cps, cw)
    return resolve_soc(soc_universe(cw), linked)


def soc_universe(crosswalk: pd.DataFrame, extra: Iterable[str] = ()) -> list[str]:
    """The SOC codes a table derivation covers: ``extra`` codes plus, for every 6-digit code the
    Census list publishes (detailed, broad or X residual written with 0s) and every extra code, the
    group keys NN-NNN0, NN-NN00 and NN-0000, so that ``expected_share`` can fall back on the table.
    """
    occ = crosswalk[~crosswalk["is_group"].astype(bool) & (crosswalk["soc_kind"] != "none")]
    base = [c.replace("X", "0") for c in occ["soc_code"]]
    codes = set(_validate_soc_codes(extra, what="extra SOC codes")) | set(base)
    keys = set(codes)
    for c in codes:
        keys |= {c[:6] + "0", c[:5] + "00", c[:2] + "-0000"}
    return sorted(keys)


def expected_share(soc_codes: Iterable[str] | str, year: int = 2022) -> pd.DataFrame:
    """Women's share expected from US employment for each SOC code (shipped table, with fall-back).

    A code in the shipped table gets its row. Otherwise the first shipped key that exists among
    NN-NNN0 (broad), NN-NN00 (minor) and NN-0000 (major) is used; those keys were derived with the
    full rule of ``resolve_soc`` (a Census broad occupation such as 45-2090 resolves as
    ``census_aggregate``), so the result equals a derivation for the code.

    Returns
    -------
    DataFrame
        Indexed by ``soc_code`` in the order given: ``women_share``, ``match_level`` (of the row
        that answered; "unmatched" when none did) and ``key`` (that row's code).

    Raises
    ------
    DataValidationError
        A code that is not NN-NNNN.
    """
    codes = _validate_soc_codes([soc_codes] if isinstance(soc_codes, str) else soc_codes)
    table = women_share_by_soc(year).set_index("soc_code")
    values, levels, keys = [], [], []
    for code in codes:
        key = next((k for k in (code, code[:6] + "0", code[:5] + "00", code[:2] + "-0000")
                    if k in table.index), None)
        if key is None:
            values.append(pd.NA), levels.append("unmatched"), keys.append(pd.NA)
            continue
        row = table.loc[key]
        values.append(row["women_share"])
        levels.append(row["match_level"])
        keys.append(key)
    return pd.DataFrame({"women_share": pd.array(values, dtype="Float64"), "match_level": pd.array(levels, dtype="string"),
                         "key": pd.array(keys, dtype="string")}, index=pd.Index(codes, name="soc_code"))


# --------------------------------------------------------------------------------------------
# Published shares


def _default_published_path() -> Path:
    from toolkit.config import resource_dir

    folder = resource_dir("data_catalog") or Path(__file__).resolve().parents[1] / "data_catalog"
    return folder / "published_shares.csv"


def published_shares(path: str | Path | None = None) -> pd.DataFrame:
    """Published women's (or men's) shares of H-2 visas, workers or applications, with citations.

    Reads ``data_catalog/published_shares.csv`` (see ``data_catalog/published_shares.md``) or a
    user's file with the same columns (extra rows and extra columns allowed). Missing years are
    simply absent; no figure is interpolated, and a share published for men is not turned into
    one for women (sex may be unrecorded for some people).

    Validation (``DataValidationError`` naming the file, row and column): every column of
    ``PUBLISHED_COLUMNS`` present (``PUBLISHED_OPTIONAL`` ones may be absent); ``program`` in
    ``toolkit.schema.PROGRAMS`` or "H-2" (both programs together); ``fiscal_year`` a 4-digit
    year and ``fiscal_year_end``, when given, a year not before it; shares in [0, 1]; counts
    non-negative integers with ``women_count <= total_count``; at least one of ``women_share``,
    ``men_share`` or ``women_count``; ``citation`` and ``population`` non-empty.

    Returns
    -------
    DataFrame with ``PUBLISHED_COLUMNS``, then ``fiscal_year_end`` (equal to ``fiscal_year`` for a
    single-year figure), ``men_share``, ``pooled`` (True when the figure covers several years
    together) and any extra columns.

    Examples
    --------
    >>> p = published_shares()
    >>> gao = p[p["citation"].str.startswith("U.S. Government Accountability Office")].iloc[0]
    >>> int(gao["fiscal_year"]), int(gao["fiscal_year_end"]), float(gao["men_share"]), bool(gao["pooled"])
    (2018, 2023, 0.97, True)
    """
    path = Path(path) if path is not None else _default_published_path()
    if not path.exists():
        raise FileNotFoundError(f"{path}: published-shares file not found")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in PUBLISHED_COLUMNS if c not in raw.columns]
    if missing:
        raise SchemaError(f"{path.name}: missing columns {missing}; expected {list(PUBLISHED_COLUMNS)}")
    for col in PUBLISHED_OPTIONAL:
        if col not in raw.columns:
            raw[col] = ""
    problems = []
    allowed_programs = (*PROGRAMS, "H-2")
    for i, rec in raw.iterrows():
        row = i + 2  # header is line 1
        if rec["program"].strip() not in allowed_programs:
            problems.append(f"row {row}, column 'program': {rec['program']!r} not in {allowed_programs}")
        start = rec["fiscal_year"].strip()
        if not re.fullmatch(r"\d{4}", start):
            problems.append(f"row {row}, column 'fiscal_year': expected a 4-digit year, got "
                            f"{rec['fiscal_year']!r}")
        end = rec["fiscal_year_end"].strip()
        if end and (not re.fullmatch(r"\d{4}", end) or (re.fullmatch(r"\d{4}", start) and int(end) < int(start))):
            problems.append(f"row {row}, column 'fiscal_year_end': expected a 4-digit year not before "
                            f"fiscal_year {start}, got {end!r}")
        for col in ("citation", "population"):
            if not rec[col].strip():
                problems.append(f"row {row}, column {col!r}: empty")
        for col in ("women_share", "men_share"):
            share = rec[col].strip()
            if share:
                try:
                    v = float(share)
                    if not 0 <= v <= 1:
                        problems.append(f"row {row}, column {col!r}: {v} outside [0, 1]")
                except ValueError:
                    problems.append(f"row {row}, column {col!r}: not a number: {share!r}")
        counts = {}
        for col in ("women_count", "total_count"):
            val = rec[col].strip()
            if val:
                if not re.fullmatch(r"\d+", val):
                    problems.append(f"row {row}, column {col!r}: expected a non-negative integer, got {val!r}")
                else:
                    counts[col] = int(val)
        if len(counts) == 2 and counts["women_count"] > counts["total_count"]:
            problems.append(f"row {row}: women_count {counts['women_count']} > total_count "
                            f"{counts['total_count']}")
        if not rec["women_share"].strip() and not rec["men_share"].strip() and "women_count" not in counts:
            problems.append(f"row {row}: neither women_share, men_share nor women_count given")
    if problems:
        raise DataValidationError(f"{path.name}: " + "; ".join(problems))
    out = raw.replace({"": pd.NA})
    for col, dtype in {**PUBLISHED_COLUMNS, **PUBLISHED_OPTIONAL}.items():
        out[col] = (pd.to_numeric(out[col]) if dtype in ("Int64", "Float64") else out[col]).astype(dtype)
    out["fiscal_year_end"] = out["fiscal_year_end"].fillna(out["fiscal_year"])
    out["pooled"] = (out["fiscal_year_end"] > out["fiscal_year"]).astype(bool)
    head = [*PUBLISHED_COLUMNS, *PUBLISHED_OPTIONAL, "pooled"]
    out = out[head + [c for c in out.columns if c not in head]]
    out.attrs = {"source_file": path.name,
                 "accounting": {"rows_read": len(raw), "rows_kept": len(out), "rows_dropped": {}}}
    return out


def rounding_half_unit(share: float) -> float:
    """Half the last unit of a published percentage: a figure printed as 97% stands for any value
    in [96.5%, 97.5%), one printed as 2.4% for [2.35%, 2.45%). The unit is read from the share's
    shortest decimal form as stored (0.97 -> 1 percentage point, 0.024 -> 0.1 point).

    >>> rounding_half_unit(0.97), rounding_half_unit(0.024)
    (0.005, 0.0005)
    """
    text = repr(round(float(share), 10))
    decimals = len(text.split(".")[1].rstrip("0")) if "." in text else 0
    return round(0.5 * 10.0 ** -max(decimals, 2), 12)


def published_share_for(program: str, fiscal_year: int, *, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The published figures that cover ``program`` in ``fiscal_year``, best first.

    A row covers the year when ``fiscal_year <= year <= fiscal_year_end`` and its program is
    ``program`` (an "H-2" row, both programs together, is not a figure for one program). Order:
    single-year figures before pooled ones, then figures that publish women's share before those
    that publish men's only, then file order. A pooled figure (GAO-25-106389: FY2018-2023
    together) is not that year's figure: callers must say so (``pooled`` is True, and
    ``years`` reads "2018-2023").

    Returns the matching rows of ``published_shares()`` (or ``table``) with ``women_share_low`` and
    ``women_share_high`` (the interval a rounded figure stands for: "97% men" is 96.5%-97.5% men,
    so women 0%-3.5% when only men's share is published, 2.5%-3.5% were women's "3%" published;
    ``rounding_half_unit``; a test or sentence uses ``women_share_high``, the end that makes the
    weaker claim of missing women), ``years``
    (``"2018"`` or ``"2018-2023"``) and ``women_share_at_most`` (1 - ``men_share``, where only
    men's share is published: women can be at most that share, since people of unrecorded sex
    are not men).

    Examples
    --------
    >>> rows = published_share_for("H-2A", 2020)
    >>> rows[["years", "pooled", "men_share"]].to_dict("records")
    [{'years': '2018-2023', 'pooled': True, 'men_share': 0.97}]
    >>> rows[["women_share_low", "women_share_high"]].astype(float).round(3).to_dict("records")
    [{'women_share_low': 0.0, 'women_share_high': 0.035}]
    >>> published_share_for("H-2B", 2020).empty
    True
    """
    if program not in PROGRAMS:
        raise ValueError(f"program must be one of {list(PROGRAMS)}, got {program!r}")
    if not isinstance(fiscal_year, (int, np.integer)) or isinstance(fiscal_year, bool):
        raise ValueError(f"fiscal_year must be an integer year, got {fiscal_year!r}")
    pub = published_shares() if table is None else table
    hit = pub[(pub["program"] == program) & (pub["fiscal_year"] <= fiscal_year)
              & (pub["fiscal_year_end"] >= fiscal_year)].copy()
    hit["years"] = [str(a) if a == b else f"{a}-{b}" for a, b in zip(hit["fiscal_year"], hit["fiscal_year_end"])]
    hit["women_share_at_most"] = (1 - hit["men_share"]).where(hit["women_share"].isna()).round(12).astype("Float64")
    low, high = [], []
    for women, men in zip(hit["women_share"], hit["men_share"]):
        if pd.notna(women):
            half = rounding_half_unit(float(women))
            low.append(max(0.0, float(women) - half)), high.append(min(1.0, float(women) + half))
        else:  # men's share only: women at most 1 - (men's lowest value before rounding)
            half = rounding_half_unit(float(men))
            low.append(0.0), high.append(min(1.0, 1 - (float(men) - half)))
    hit["women_share_low"] = pd.array([round(v, 12) for v in low], dtype="Float64")
    hit["women_share_high"] = pd.array([round(v, 12) for v in high], dtype="Float64")
    hit["_order"] = range(len(hit))
    hit = hit.sort_values(["pooled", "women_share", "_order"], key=lambda s: s.isna() if s.name == "women_share" else s)
    return hit.drop(columns="_order").reset_index(drop=True)
