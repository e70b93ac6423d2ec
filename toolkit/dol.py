"""Read DOL OFLC H-2A/H-2B disclosure files of every layout era into the canonical case table.

``read_disclosure(path)`` reads one csv/xlsx/xls file (python-calamine for spreadsheets), picks
the layout by its columns (``toolkit.dol_layouts``), and returns ``schema.CASE_COLUMNS`` plus a
few era-specific extras, with an accounting in ``df.attrs["accounting"]``:
``rows_read == rows_kept + sum(rows_dropped.values())`` and worker totals before and after
harmonization equal (checked; a mismatch raises).

Harmonization rules (documented because analyses depend on them):

- ``case_status``: one vocabulary (``schema.CASE_STATUSES``) by keywords of the raw status, in
  this order: "PARTIAL" -> partially certified; "WITHDRAWN" -> withdrawn; "DENIED"/"REJECTED"
  -> denied; "CERTIF" (Certified, Certification, Certified - Full, ... Expired, ... Returned)
  -> certified; anything else (Received, Remand, Incomplete, Modification) -> other.
  ``is_certified`` is True for certified and partially certified.
- ``workers_certified`` in the FY2000-2006 H-2B export (which records only ``Num_Aliens``, the
  number on the application): equal to ``Num_Aliens`` for certified cases, 0 for denied and
  withdrawn, NA otherwise.
- ``is_duplicate``: H-2A association filings list the master application and its
  sub-applications under one case number, and the master's count already includes the subs'
  (checked on FY2017: equal in 93% of cases). Sub rows (``PRIMARY/SUB`` = "SUB", or, where the
  column is absent, rows that repeat a case number with a blank organization flag) are flagged
  ``is_duplicate`` so totals count each worker once. They are kept: they carry the member
  employers and worksites.
- ``wage_hourly`` = ``wage_offer`` divided by hours per unit: hour 1, day 8, week 40,
  bi-weekly 80, month 173.33 (40 x 52 / 12), year 2080; piece-rate and unknown units give NA.
- ``soc_code``: the first ``NN-NNNN`` (or ``NNNNNN``) in the raw value, so "45-2092.02" and
  "452092" both become "45-2092"; the raw value stays in ``soc_code_raw``.
- States: two-letter USPS codes; full names are mapped; anything else becomes NA (counted).
- ``employer_fein`` (an extra, in any layout whose file has an ``EMPLOYER_FEIN`` or ``FEIN`` header,
  ``dol_layouts.FEIN_HEADERS``): the FEIN's 9 digits (``codes.normalize_fein``); a value that is
  not one becomes NA, counted as ``employer_fein_unparsed``. No H-2A/H-2B file of the shared
  archive has the column; employer identities then rest on name + state (``toolkit.employers``).
- Fully blank rows (spreadsheet tails) and rows without a case number are dropped and counted.
  Rows repeated exactly are kept and flagged ``is_duplicate``. Nothing else is dropped.

Content is the authority (the file name only corroborates):

- ``program`` comes from the rows: the majority of a visa-class column (``VISA_CLASS``,
  ``VISA_TYPE``), else the majority of case-number prefixes (``H-300-`` H-2A, ``H-400-`` H-2B),
  else a layout that exists for one program only (the FY2000-2006 H-2B export, the FY2006 H-2A
  csv), else headers found in one program's files only (``dol_layouts.PROGRAM_HEADERS``:
  ``TOTAL_WORKERS_H2A_CERTIFIED``, ``CAP_EXEMPT``...). Only when the rows say nothing does the
  file name decide (``accounting["program_from"]`` says which).
- ``fiscal_year`` is the modal federal fiscal year of the decision dates (FY = calendar year + 1
  for decisions in October-December: FY2017 runs from 1 October 2016 to 30 September 2017).
  Rows decided outside that year (late entries of a cumulative release) are kept, in the file's
  year, and counted (``accounting["rows_decided_outside_fiscal_year"]``). Files without decision
  dates (FY2006 H-2A csv) take the year from the name (``accounting["fiscal_year_from"]``).
- The decision date is the layout's column, else any header ending in ``DECISION_DATE``
  (``RECENT_DECISION_DATE``...; ``accounting["decision_date_column"]`` names the one read).
- A file name that says another program or year than the rows is read as the rows say and
  reported, one sentence per disagreement, in ``accounting["name_disagrees"]`` (and by
  ``coverage.coverage_table``); never refused, and never "renamed" into what the rows contradict.
  A ``program=``/``fiscal_year=`` argument that contradicts the rows is an error.
- Layouts that exist as csv exports only never match a workbook (``Layout.formats``).

Bounds and coerced cells:

- Worker counts must be whole numbers from 0 to ``MAX_WORKERS_PER_CASE`` (66,000: the annual
  statutory H-2B cap, INA 214(g)(1)(B), which no single certification can exceed; about 30 times
  the largest case, 2,034 workers, in the 17 archived disclosure files). "1,234" is read as a
  thousands grouping; "1,5" (a decimal comma), negatives, fractions, text and values over the
  bound raise ``DataValidationError`` naming the file, column, values, rows and reason.
- Every cell set to empty is counted in ``accounting["cells_coerced"]`` ("<column>: <reason>" ->
  n): spreadsheet error cells (``#REF!``, ``#N/A``, ``#NAME?``..., stored as errors or as text;
  real FY2020-2022 H-2A files hold ``#NAME?`` where a requirement started with "-"), formulas
  without a stored result, dates that do not parse, wages with a decimal comma ("1,5" is never
  15) or that are not numbers, unrecognized states, pay units and SOC codes. Formula cells with
  a stored result are read as that result (``accounting["formula_cells"]``).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from toolkit import rawio, schema
from toolkit.codes import normalize_fein, normalize_soc
from toolkit.codes import normalize_us_state as normalize_state
from toolkit.checksum import sha256_file
from toolkit.dol_layouts import (CASE_PREFIX_PROGRAM, COMPANION_LAYOUTS, DECISION_DATE_SUFFIX, LAYOUTS, PROGRAM_HEADERS,
                                 VISA_HEADERS, Layout, normalize_header)
from toolkit.errors import DataValidationError, SchemaError

__all__ = ["read_disclosure", "read_recruiters", "read_worksites", "read_housing", "read_companion",
           "read_any", "detect_layout", "infer_program", "infer_fiscal_year", "fiscal_year_of",
           "normalize_status", "normalize_soc", "normalize_wage_unit", "HOURS_PER_UNIT",
           "MAX_WORKERS_PER_CASE", "sha256_file"]

#: the largest worker count a single case may hold (see the module docstring for the bound)
MAX_WORKERS_PER_CASE = 66_000

#: spreadsheet error values (stored as error cells, or as text in csv exports): emptied and counted
ERROR_LITERALS = frozenset({"#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
                            "#CALC!", "#GETTING_DATA", "#N/A N/A"})

HOURS_PER_UNIT = {"hour": 1.0, "day": 8.0, "week": 40.0, "bi-weekly": 80.0, "month": 40 * 52 / 12, "year": 2080.0}

_UNIT_WORDS = {
    "hour": ("H", "HR", "HOUR", "HOURLY", "HRS", "PER HOUR"),
    "day": ("D", "DAI", "DAY", "DAILY"),
    "week": ("W", "WK", "WEEK", "WEEKLY"),
    "bi-weekly": ("B", "BI", "BI-WEEKLY", "BIWEEKLY", "BI WEEKLY"),
    "month": ("M", "MTH", "MONTH", "MONTHLY"),
    "year": ("A", "Y", "YR", "YEAR", "YEARLY", "ANNUAL", "ANNUALLY"),
    "piece": ("P", "PIECE", "PIECE RATE", "PIECE-RATE"),
}
_UNIT_MAP = {w: unit for unit, words in _UNIT_WORDS.items() for w in words}


_APPLICATION_TYPE = (
    ("ASSOCIATION", "association"), ("JOINT", "joint"), ("INDIVIDUAL", "individual"),
    ("LABOR CONTRACTOR", "individual"), ("SOLE", "individual"),
)
_ORG_FLAG_LETTERS = {"S": "individual", "J": "joint", "A": "association", "M": "association"}


# ------------------------------------------------------------------------------------------------
# small normalizers (pure, vectorized)
def normalize_status(raw: pd.Series) -> pd.Series:
    """Map raw case statuses of any era to ``schema.CASE_STATUSES`` (see module docstring)."""
    s = raw.astype("string").str.upper()
    out = pd.Series("other", index=raw.index, dtype="string")
    out[s.str.contains("CERTIF", na=False)] = "certified"
    out[s.str.contains("DENIED|DENIAL|REJECTED", na=False, regex=True)] = "denied"
    out[s.str.contains("WITHDRAWN", na=False)] = "withdrawn"
    out[s.str.contains("PARTIAL", na=False)] = "partially certified"
    out[raw.isna()] = pd.NA
    return out


def normalize_wage_unit(raw: pd.Series) -> pd.Series:
    """Pay units of any era to ``schema.WAGE_UNITS`` ("Select Pay Range" and blanks -> NA)."""
    s = raw.astype("string").str.strip().str.upper()
    return s.map(lambda v: _UNIT_MAP.get(v, pd.NA) if isinstance(v, str) else pd.NA).astype("string")


def _application_type(raw: pd.Series) -> pd.Series:
    s = raw.astype("string").str.strip().str.upper()

    def one(v):
        if not isinstance(v, str) or not v:
            return pd.NA
        if v in _ORG_FLAG_LETTERS:
            return _ORG_FLAG_LETTERS[v]
        for key, val in _APPLICATION_TYPE:
            if key in v:
                return val
        return pd.NA

    return s.map(one).astype("string")


_NUMBER = r"[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d*)?(?:[eE][+-]?\d+)?|[+-]?\.\d+"
_DECIMAL_COMMA = r"[+-]?\d+,\d+"


def _to_number(values: pd.Series, coerced: dict | None = None, field: str = "value") -> pd.Series:
    """Numbers from text: "$1,234.50" -> 1234.5 (US thousands grouping); "1,5" (a decimal comma,
    never 15) and other text -> NA, counted in ``coerced`` by reason."""
    s = values.astype("string").str.strip().str.lstrip("$").str.strip().replace("", pd.NA)
    ok = s.str.fullmatch(_NUMBER).fillna(False).astype(bool)
    out = pd.to_numeric(s.where(ok).str.replace(",", "", regex=False), errors="coerce")
    if coerced is not None:
        comma = s.notna() & ~ok & s.str.fullmatch(_DECIMAL_COMMA).fillna(False).astype(bool)
        other = s.notna() & ~ok & ~comma
        _count(coerced, f"{field}: decimal comma (emptied)", comma)
        _count(coerced, f"{field}: not a number (emptied)", other)
    return out


def _count(coerced: dict, reason: str, mask: pd.Series) -> None:
    n = int(mask.sum())
    if n:
        coerced[reason] = coerced.get(reason, 0) + n


def _to_date(values: pd.Series, coerced: dict | None = None, field: str = "date") -> pd.Series:
    """Dates from datetimes, text or Excel serial numbers; a value that is none -> NA (counted)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.astype("datetime64[ns]")
    s = values.astype("string").str.strip().replace("", pd.NA)
    num = pd.to_numeric(s, errors="coerce")
    out = pd.to_datetime(s.where(num.isna()), errors="coerce", format="mixed")
    serial = num.notna() & (num > 1000) & (num < 80000)  # Excel serial dates read as numbers
    out[serial] = pd.to_datetime("1899-12-30") + pd.to_timedelta(num[serial], unit="D")
    out = out.astype("datetime64[ns]")
    if coerced is not None:
        _count(coerced, f"{field}: not a date (emptied)", s.notna() & out.isna())
    return out


def fiscal_year_of(dates: pd.Series) -> pd.Series:
    """Federal fiscal year of each date: the calendar year, plus one for October-December.

    >>> fiscal_year_of(pd.Series(pd.to_datetime(["2016-09-30", "2016-10-01"]))).tolist()
    [2016, 2017]
    """
    d = pd.to_datetime(dates, errors="coerce")
    return (d.dt.year + (d.dt.month >= 10).astype(int)).astype("Int64")


# ------------------------------------------------------------------------------------------------
# reading raw tables
def _read_raw(path: Path, sheet: str | int | None) -> tuple[pd.DataFrame, dict]:
    """All cells as strings (or datetimes), header row as read; no row dropped yet."""
    suffix = path.suffix.lower()
    coerced: dict[str, int] = {}
    df, meta = rawio.read_table(path, sheet)
    if suffix in (".xlsx", ".xlsm"):
        meta["formula_cells"] = _count_xlsx_cells(path, meta["sheet"], df, coerced)
    for col in df.columns:  # error values written as text (csv exports): emptied and counted
        hit = df[col].isin(ERROR_LITERALS)
        if hit.any():
            _count(coerced, f"{col}: error value {'/'.join(sorted(set(df.loc[hit, col])))} (emptied)", hit)
            df.loc[hit, col] = ""
    meta["cells_coerced"] = coerced
    return df, meta


_XL_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _count_xlsx_cells(path: Path, sheet_name: str, df: pd.DataFrame, coerced: dict) -> int:
    """Count error cells and formulas without a stored result in an .xlsx sheet (calamine reads
    both as empty) into ``coerced`` by column; returns the number of formula cells read as their
    stored result. Scans the sheet XML for ``t="e"`` and ``<f>`` only."""
    import xml.etree.ElementTree as ET
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            book = ET.fromstring(z.read("xl/workbook.xml"))
            rid = next(sh.get(f"{{{_XL_NS['r']}}}id") for sh in book.iter(f"{{{_XL_NS['m']}}}sheet")
                       if sh.get("name") == sheet_name)
            rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            target = next(r.get("Target") for r in rels if r.get("Id") == rid)
            xml = z.read(target.lstrip("/") if target.startswith("/") else f"xl/{target}")
    except (KeyError, StopIteration, zipfile.BadZipFile, ET.ParseError, OSError):
        return 0  # a workbook without the usual parts: nothing to scan (calamine read it)
    errors = set(re.findall(rb'<c r="([A-Z]+)(\d+)"[^>]*?\st="e"', xml)) if b't="e"' in xml else set()
    formulas = set(re.findall(rb'<c r="([A-Z]+)(\d+)"[^>]*><f[ >/]', xml)) if b"<f" in xml else set()
    results, columns = 0, list(df.columns)
    for (letters, row), kind in [*((c, "error") for c in errors), *((c, "formula") for c in formulas - errors)]:
        i, j = int(row) - 2, _column_index(letters)
        if not (0 <= i < len(df) and 0 <= j < len(columns)):
            continue
        empty = df.iat[i, j] == ""
        if kind == "formula" and not empty:
            results += 1
        else:
            reason = "error cell" if kind == "error" else "formula without a stored result"
            coerced[f"{columns[j]}: {reason} (emptied)"] = coerced.get(f"{columns[j]}: {reason} (emptied)", 0) + 1
            df.iat[i, j] = ""
    return results


def detect_layout(columns: Iterable[str], *, name: str = "file", suffix: str | None = None) -> Layout:
    """The layout whose required fields are all present and which matches most headers.

    ``suffix`` (".xlsx", ".csv"...; default: that of ``name``) excludes the layouts that never
    exist in that format (``Layout.formats``: the FY2000-2006 exports are csv only, so a workbook
    never matches them). Raises ``SchemaError`` naming the file, the canonical fields it could not
    find and the closest known layout when no layout fits.
    """
    cols = {normalize_header(c) for c in columns}
    suffix = (suffix if suffix is not None else Path(name).suffix).lower()
    best, best_score, fits = None, -1.0, []
    for layout in LAYOUTS:
        if layout.formats and suffix and suffix not in layout.formats:
            continue
        found = {f for f, cands in layout.fields.items() if any(c in cols for c in cands)}
        sig = sum(s in cols for s in layout.signature) / len(layout.signature)
        score = len(found) / len(layout.fields) + sig
        missing = [f for f in layout.required if f not in found]
        if not missing:
            fits.append((score, layout))
        if score > best_score:
            best, best_score, best_missing = layout, score, missing
    if fits:
        return max(fits, key=lambda t: t[0])[1]
    raise SchemaError(
        f"{name}: unrecognized DOL disclosure layout; no column found for {', '.join(best_missing)} "
        f"(looked for {', '.join('/'.join(best.fields[f]) for f in best_missing)}); closest layout: "
        f"{best.name} ({best.description}). Columns seen: {', '.join(sorted(cols)[:25])}"
        f"{' ...' if len(cols) > 25 else ''}")


def infer_program(path: Path, raw: pd.DataFrame | None = None) -> str | None:
    """From the file name (``H-2A``, ``H2a``, ``H-2B``...) or a VISA_CLASS column (the file
    chooser's rule; ``read_disclosure`` trusts the rows first, see the module docstring)."""
    m = re.search(r"H-?2([AB])", Path(path).name, flags=re.IGNORECASE)
    if m:
        return f"H-2{m.group(1).upper()}"
    return _program_from_rows(raw)[0] if raw is not None else None


#: layouts that exist for one program only
_LAYOUT_PROGRAM = {"legacy-h2b-csv": "H-2B", "legacy-h2a-csv": "H-2A"}


def _program_from_rows(raw: pd.DataFrame, layout: Layout | None = None) -> tuple[str | None, str]:
    """(program, evidence) from the content, in this order: the majority of a visa-class column
    (``dol_layouts.VISA_HEADERS``: "H-2B", "H2B"...); the majority of case-number prefixes that
    name a program (``dol_layouts.CASE_PREFIX_PROGRAM``: ``H-300-`` H-2A, ``H-400-`` H-2B); a
    one-program layout; headers found in one program's files only. (None, "") when the content
    says nothing."""
    for col in raw.columns:
        if normalize_header(col) in VISA_HEADERS:
            vals = raw[col].astype(str).str.upper().str.replace(r"[\s-]", "", regex=True)
            vals = vals[vals.ne("")]
            for prog in ("H-2A", "H-2B"):
                if len(vals) and (vals == prog.replace("-", "")).mean() > 0.5:
                    return prog, f"column {col} says {prog} in {int((vals == prog.replace('-', '')).sum())} rows"
    for col in raw.columns:
        if normalize_header(col) in ("CASE_NUMBER", "CASE_NO"):
            prefix = raw[col].astype(str).str.strip().str.upper().str[:6]
            prefix = prefix[prefix.ne("")]
            for start, prog in CASE_PREFIX_PROGRAM.items():
                n = int((prefix == start).sum())
                if len(prefix) and n / len(prefix) > 0.5:
                    return prog, f"{n} of {len(prefix)} case numbers in {col} start {start} ({prog})"
    if layout is not None and layout.name in _LAYOUT_PROGRAM:
        return _LAYOUT_PROGRAM[layout.name], f"layout {layout.name} exists for {_LAYOUT_PROGRAM[layout.name]} only"
    headers = {normalize_header(c) for c in raw.columns}
    named = {prog: sorted(headers & cols) for prog, cols in PROGRAM_HEADERS.items() if headers & cols}
    if len(named) == 1:
        (prog, cols), = named.items()
        return prog, f"{prog}-only columns {', '.join(cols[:3])}"
    return None, ""


def infer_fiscal_year(path: Path, decision_dates: pd.Series | None = None) -> int | None:
    """From ``FY2019``/``FY19`` in the file name, else the modal fiscal year of decision dates
    (the file chooser's rule; ``read_disclosure`` trusts the dates first)."""
    m = re.search(r"FY[ _-]?(\d{4}|\d{2})(?!\d)", Path(path).name, flags=re.IGNORECASE)
    if m:
        y = int(m.group(1))
        return y + 2000 if y < 100 else y
    if decision_dates is not None:
        fy = fiscal_year_of(decision_dates).dropna()
        if len(fy):
            return int(fy.mode().iloc[0])
    return None


def _name_disagreement(path: Path, what: str, named, found, evidence: str) -> dict:
    """{what: sentence} when the file name says one thing and the rows another (the rows decide;
    the sentence goes into ``accounting["name_disagrees"]``), else {}."""
    if named is not None and found is not None and named != found:
        return {what: f"{path.name}: the file name says {what} {named}, but the rows say {found} ({evidence}); "
                      f"read as {found}"}
    return {}


def _decision_column(norm: dict[str, str], layout: Layout) -> str | None:
    """The decision-date column: the layout's own candidates first, else any header ending in
    ``DECISION_DATE`` (``dol_layouts.DECISION_DATE_SUFFIX``; the shortest, then alphabetical)."""
    col = _pick(norm, layout.fields.get("decision_date", ()))
    if col is not None:
        return col
    found = sorted((h for h in norm if h.endswith(DECISION_DATE_SUFFIX)), key=lambda h: (len(h), h))
    return norm[found[0]] if found else None


def _pick(raw_norm: dict[str, str], candidates: tuple[str, ...] | str) -> str | None:
    for c in (candidates,) if isinstance(candidates, str) else candidates:
        if c in raw_norm:
            return raw_norm[c]
    return None


def _blank(df: pd.DataFrame) -> pd.Series:
    return df.apply(lambda col: col.astype(str).str.strip().eq("")).all(axis=1)


def read_disclosure(path: str | Path, program: str | None = None, fiscal_year: int | None = None, *,
                    sheet: str | int | None = None) -> pd.DataFrame:
    """Read one DOL H-2A/H-2B disclosure file into the canonical case table.

    Parameters
    ----------
    path : csv, xlsx or xls file as published by OFLC (any era since FY2000).
    program : "H-2A" or "H-2B"; inferred from the file name or VISA_CLASS when omitted.
    fiscal_year : inferred from the file name (``FY2019``, ``FY19``) or decision dates when omitted.
    sheet : sheet name or number (default: the first sheet).

    Returns
    -------
    DataFrame with ``schema.CASE_COLUMNS`` then extras (``layout``-specific: ``visa_class``,
    ``dot_code``, ``prevailing_wage``, ...). ``attrs["accounting"]`` has ``rows_read``,
    ``rows_kept``, ``rows_dropped`` (reason -> n), worker totals before/after, ``layout``,
    ``sheet``/``encoding``, ``notes`` (values set to NA, by field).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    raw, meta = _read_raw(path, sheet)
    layout = detect_layout(raw.columns, name=path.name, suffix=path.suffix)
    norm = {}
    for c in raw.columns:
        norm.setdefault(normalize_header(c), c)
    rows_read = len(raw)
    dropped: dict[str, int] = {}
    counts = _parse_counts(raw, norm, layout, path)
    keep = pd.Series(True, index=raw.index)

    blank = _blank(raw) if rows_read else pd.Series(dtype=bool)
    if blank.any():
        dropped["blank_row"] = int(blank.sum())
    keep &= ~blank
    if rows_read and not keep.any():
        raise SchemaError(f"{path.name}: only blank rows under the header")
    case_col = _pick(norm, layout.fields["case_number"])
    no_case = keep & raw[case_col].astype(str).str.strip().eq("")
    if no_case.any():
        dropped["missing_case_number"] = int(no_case.sum())
    keep &= ~no_case
    exact = (keep & raw.astype(str).duplicated()).loc[keep]  # kept, flagged is_duplicate below
    workers_dropped = {f: int(c[~keep].sum()) for f, c in counts.items()}
    raw = raw.loc[keep]

    content_program, evidence = _program_from_rows(raw, layout)
    named = re.search(r"H-?2([AB])", path.name, flags=re.IGNORECASE)
    named_program = f"H-2{named.group(1).upper()}" if named else None
    disagrees = _name_disagreement(path, "program", named_program, content_program, evidence)
    if program is not None and program not in schema.PROGRAMS:
        raise ValueError(f"program must be one of {list(schema.PROGRAMS)}, got {program!r}")
    if program is not None and content_program and content_program != program:
        raise DataValidationError(f"{path.name}: program={program!r} given, but the rows say {content_program} "
                                  f"({evidence})")
    program_from = ("rows" if content_program else "argument" if program else "file name" if named_program
                    else None)
    program = program or content_program or named_program
    if program not in schema.PROGRAMS:
        raise SchemaError(f"{path.name}: cannot tell H-2A from H-2B; pass program='H-2A' or 'H-2B'")

    out = pd.DataFrame(index=raw.index)
    for field_, cands in layout.fields.items():
        col = _decision_column(norm, layout) if field_ == "decision_date" else _pick(norm, cands)
        if col is not None:
            out[field_] = raw[col]
    if "decision_date" not in layout.fields and _decision_column(norm, layout) is not None:
        out["decision_date"] = raw[_decision_column(norm, layout)]
    for extra, cands in layout.extras.items():
        col = _pick(norm, cands)
        if col is not None:
            out[extra] = raw[col].astype("string").str.strip().replace("", pd.NA)

    text_fields = ["case_number", "case_status_raw", "employer_name", "employer_city", "agent_name",
                   "worksite_county", "worksite_city", "soc_code_raw", "soc_title", "naics_code", "job_title",
                   "requirements_text"]
    for f in text_fields:
        if f in out:
            out[f] = out[f].astype("string").str.strip().replace("", pd.NA)
    if "naics_code" in out:
        out["naics_code"] = out["naics_code"].str.replace(r"\.0$", "", regex=True)

    before = {}
    for f, c in counts.items():
        out[f] = c.loc[out.index]
        before[f] = int(out[f].sum())
    out["program"] = program
    out["case_status"] = normalize_status(out["case_status_raw"])
    if layout.name == "legacy-h2b-csv":
        n = out["workers_requested"]
        out["workers_certified"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
        out.loc[out["case_status"] == "certified", "workers_certified"] = n
        out.loc[out["case_status"].isin(["denied", "withdrawn"]), "workers_certified"] = 0
        before["workers_certified"] = int(out["workers_certified"].sum())
    out["is_certified"] = out["case_status"].isin(["certified", "partially certified"]).astype("boolean")
    out.loc[out["case_status"].isna(), "is_certified"] = pd.NA

    coerced: dict[str, int] = meta.pop("cells_coerced")
    for f in ("decision_date", "begin_date", "end_date"):
        if f in out:
            out[f] = _to_date(out[f], coerced, f)
    fy_rows = fiscal_year_of(out["decision_date"]) if "decision_date" in out else pd.Series(dtype="Int64")
    content_fy = int(fy_rows.dropna().mode().iloc[0]) if fy_rows.notna().any() else None
    named_fy = infer_fiscal_year(path)
    disagrees.update(_name_disagreement(path, "fiscal year", named_fy, content_fy,
                                        f"modal federal fiscal year of {int(fy_rows.notna().sum())} decision dates"))
    if fiscal_year is not None and content_fy is not None and int(fiscal_year) != content_fy:
        raise DataValidationError(f"{path.name}: fiscal_year={fiscal_year} given, but the decision dates say "
                                  f"FY{content_fy} (their modal federal fiscal year)")
    fiscal_year_from = ("decision dates" if content_fy is not None else "argument" if fiscal_year is not None
                        else "file name" if named_fy is not None else None)
    fiscal_year = fiscal_year if fiscal_year is not None else content_fy if content_fy is not None else named_fy
    if fiscal_year is None:
        raise SchemaError(f"{path.name}: cannot infer the fiscal year; pass fiscal_year=")
    out["fiscal_year"] = int(fiscal_year)
    outside = int((fy_rows.notna() & (fy_rows != int(fiscal_year))).sum())

    notes: dict[str, int] = {}
    for f in ("employer_state", "worksite_state"):
        if f in out:
            rawv = out[f].astype("string").str.strip().replace("", pd.NA)
            out[f] = normalize_state(rawv)
            lost = int((rawv.notna() & out[f].isna()).sum())
            if lost:
                notes[f"{f}_unrecognized"] = lost
    if "worksite_state" not in out and "employer_state" in out:
        notes["worksite_state_absent_in_layout"] = len(out)
    if "employer_fein" in out:  # 9 digits (codes.normalize_fein); what cannot be one is counted
        rawf = out["employer_fein"]
        out["employer_fein"] = normalize_fein(rawf)
        lost = int((rawf.notna() & out["employer_fein"].isna()).sum())
        if lost:
            notes["employer_fein_unparsed"] = lost
    if "soc_code_raw" in out:
        out["soc_code"] = normalize_soc(out["soc_code_raw"])
        lost = int((out["soc_code_raw"].notna() & out["soc_code"].isna()).sum())
        if lost:
            notes["soc_code_unparsed"] = lost
    if "application_type" in out:
        out["application_type"] = _application_type(out["application_type"])
    if "wage_offer" in out:
        out["wage_offer"] = _to_number(out["wage_offer"], coerced, "wage_offer").astype("Float64")
    if "wage_unit" in out:
        rawu = out["wage_unit"].astype("string").str.strip().replace("", pd.NA)
        out["wage_unit"] = normalize_wage_unit(rawu)
        lost = int((rawu.notna() & out["wage_unit"].isna()).sum())
        if lost:
            notes["wage_unit_unrecognized"] = lost
        hours = out["wage_unit"].map(HOURS_PER_UNIT).astype("Float64")
        out["wage_hourly"] = (out["wage_offer"] / hours).astype("Float64")
    if "experience_months" in out:
        out["experience_months"] = _to_number(out["experience_months"], coerced,
                                              "experience_months").astype("Float64")
    if "experience_required" in out:
        e = out["experience_required"].astype("string").str.strip().str.upper()
        out["experience_required"] = e.map({"Y": True, "YES": True, "N": False, "NO": False}).astype("boolean")
    elif "experience_months" in out:
        out["experience_required"] = (out["experience_months"] > 0).astype("boolean")

    out["is_duplicate"] = _duplicates(out, raw, norm, program) | exact.astype("boolean")
    out["source_file"] = path.name
    out["source_row"] = (out.index.to_numpy() + 2).astype("int64")  # 1-based, header is row 1
    extras = [c for c in out.columns if c not in schema.CASE_COLUMNS]
    result = schema.conform(out.reset_index(drop=True), schema.CASE_COLUMNS, name=path.name)
    result = result[list(schema.CASE_COLUMNS) + extras]

    after = {f: int(result[f].sum()) for f in before}
    if after != before:
        raise DataValidationError(f"{path.name}: worker totals changed during harmonization: {before} -> {after}")
    rows_kept = len(result)
    accounting = {
        "source_file": path.name, "layout": layout.name, "program": program, "fiscal_year": int(fiscal_year),
        "program_from": program_from, "fiscal_year_from": fiscal_year_from, "name_disagrees": disagrees,
        "decision_date_column": _decision_column(norm, layout),
        "rows_decided_outside_fiscal_year": outside,
        "rows_read": rows_read, "rows_kept": rows_kept, "rows_dropped": dropped,
        "cells_coerced": {**coerced, **{f"{k} (emptied)": v for k, v in notes.items()
                                        if k != "worksite_state_absent_in_layout"}},
        **{f"{k}_raw": v + workers_dropped.get(k, 0) for k, v in before.items()},
        **{f"{k}_in_dropped_rows": v for k, v in workers_dropped.items()}, **after,
        "duplicate_rows_flagged": int(result["is_duplicate"].sum()),
        "exact_duplicate_rows_flagged": int(exact.sum()), "notes": notes, **meta,
    }
    assert rows_read == rows_kept + sum(dropped.values())
    result.attrs["accounting"] = accounting
    return result


def _parse_counts(raw: pd.DataFrame, norm: dict, layout: Layout, path: Path) -> dict[str, pd.Series]:
    """Worker counts as Int64. A value that is not a whole number from 0 to
    ``MAX_WORKERS_PER_CASE`` raises, naming the file, column, reason, values and rows."""
    counts = {}
    for f in ("workers_requested", "workers_certified"):
        col = _pick(norm, layout.fields.get(f, ()))
        if col is None:
            continue
        s = raw[col].astype("string").str.strip().replace("", pd.NA)
        num = _to_number(s)
        comma = s.notna() & s.str.fullmatch(_DECIMAL_COMMA).fillna(False).astype(bool) & num.isna()
        reasons = {"not a number": s.notna() & num.isna() & ~comma, "a decimal comma": comma,
                   "negative": num < 0, "not a whole number": (num % 1 != 0) & (num >= 0),
                   f"over {MAX_WORKERS_PER_CASE:,} (MAX_WORKERS_PER_CASE)": num > MAX_WORKERS_PER_CASE}
        found = [(why, m.fillna(False).astype(bool)) for why, m in reasons.items()]
        found = [(why, m) for why, m in found if m.any()]
        if found:
            detail = "; ".join(f"{why}: values {list(s[m].head(5))} in spreadsheet rows "
                               f"{[int(i) + 2 for i in m[m].index[:5]]}" for why, m in found)
            raise DataValidationError(
                f"{path.name}: column {col!r} ({f}) must hold whole numbers from 0 to "
                f"{MAX_WORKERS_PER_CASE:,}; {detail}")
        counts[f] = num.astype("Int64")
    return counts


def _duplicates(out: pd.DataFrame, raw: pd.DataFrame, norm: dict, program: str) -> pd.Series:
    """H-2A sub-application rows (see module docstring); False elsewhere."""
    flag = pd.Series(False, index=out.index)
    if program != "H-2A":
        return flag.astype("boolean")
    if "primary_sub" in out:
        return out["primary_sub"].astype("string").str.upper().str.startswith("SUB").fillna(False).astype("boolean")
    org = _pick(norm, ("ORGANIZATION_FLAG",))
    if org is not None:
        repeated = out["case_number"].duplicated(keep=False)
        blank_org = raw[org].astype(str).str.strip().eq("")
        flag = repeated & blank_org
    return flag.astype("boolean")


# ------------------------------------------------------------------------------------------------
# companion files (FY2020+)
def read_companion(path: str | Path, kind: str | None = None, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read an H-2A Addendum A/B or H-2B Appendix A/C/D file into a tidy linked table.

    ``kind`` ("recruiters", "worksites", "housing", "crops", "employer_clients") is detected
    from the columns when omitted. Person names, phones and e-mails are not carried over.
    """
    path = Path(path)
    raw, meta = _read_raw(path, sheet)
    norm = {}
    for c in raw.columns:
        norm.setdefault(normalize_header(c), c)
    if kind is None:
        kinds = [k for k, spec in COMPANION_LAYOUTS.items() if all(s in norm for s in spec["signature"])]
        if not kinds:
            raise SchemaError(f"{path.name}: not a known companion file (Addendum/Appendix); columns: "
                              f"{', '.join(sorted(norm)[:20])}")
        kind = kinds[0]
    if kind not in COMPANION_LAYOUTS:
        raise ValueError(f"kind must be one of {sorted(COMPANION_LAYOUTS)}, got {kind!r}")
    spec = COMPANION_LAYOUTS[kind]
    rows_read = len(raw)
    blank = _blank(raw) if rows_read else pd.Series(dtype=bool)
    raw = raw.loc[~blank]
    out = pd.DataFrame(index=raw.index)
    for field_, cands in spec["columns"].items():
        col = _pick(norm, cands)
        if col is None and field_ == "case_number":
            raise SchemaError(f"{path.name}: no CASE_NUMBER column")
        if col is not None:
            out[field_] = raw[col].astype("string").str.strip().replace("", pd.NA)
    for f in ("workers", "units", "occupancy"):
        if f in out:
            num = pd.to_numeric(out[f], errors="coerce")
            bad = out[f].notna() & num.isna()
            if bad.any():
                raise DataValidationError(f"{path.name}: column for {f} has non-numeric values in rows "
                                          f"{[int(i) + 2 for i in bad[bad].index[:5]]}")
            out[f] = num.astype("Int64")
    for f in ("worksite_state", "housing_state"):
        if f in out:
            out[f] = normalize_state(out[f])
    coerced = meta.pop("cells_coerced")
    if "wage_offer" in out:
        out["wage_offer"] = _to_number(out["wage_offer"], coerced, "wage_offer").astype("Float64")
    for f in ("begin_date", "end_date"):
        if f in out:
            out[f] = _to_date(out[f], coerced, f)
    out["source_file"] = path.name
    out["source_row"] = (out.index.to_numpy() + 2).astype("int64")
    out = out.reset_index(drop=True)
    out.attrs["accounting"] = {"source_file": path.name, "kind": kind, "rows_read": rows_read,
                               "rows_kept": len(out), "rows_dropped": {"blank_row": int(blank.sum())} if blank.any() else {},
                               "cells_coerced": coerced, **meta}
    return out


def read_recruiters(path: str | Path) -> pd.DataFrame:
    """H-2B Appendix C: foreign labor recruiters per case (recruiter business name, city, country)."""
    return read_companion(path, "recruiters")


def read_worksites(path: str | Path) -> pd.DataFrame:
    """H-2A Addendum B employment records or H-2B Appendix A worksites, per case."""
    return read_companion(path, "worksites")


def read_housing(path: str | Path) -> pd.DataFrame:
    """H-2A Addendum B housing records, per case."""
    return read_companion(path, "housing")


def read_any(path: str | Path) -> tuple[str, pd.DataFrame]:
    """("cases", table) for a disclosure file, (companion kind, table) for a companion file."""
    path = Path(path)
    try:
        return "cases", read_disclosure(path)
    except SchemaError as case_error:
        try:
            table = read_companion(path)
        except SchemaError:
            raise case_error from None
        return table.attrs["accounting"]["kind"], table
