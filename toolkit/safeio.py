"""Safe outputs: CSV and XLSX files that cannot run formulas when opened in a spreadsheet.

DOL files carry text written by employers and recruiters (names, job titles, requirements). A
cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheets skip before reading a formula) is run as a formula by Excel, LibreOffice and
Google Sheets when the CSV is opened: "CSV injection". Advocates open our CSVs in exactly those
programs, so every CSV/XLSX the toolkit writes goes through ``write_csv``/``write_xlsx``, which
apply ``neutralize``: the OWASP rule, prefix such a text cell with a single quote (``'``), so the
spreadsheet shows it as text. Numbers are never touched (a negative count stays a number);
text that merely contains these characters later on is left alone.

References
----------
OWASP Foundation. CSV Injection. https://owasp.org/www-community/attacks/CSV_Injection

Examples
--------
>>> import pandas as pd
>>> neutralize(pd.DataFrame({"employer": ["=HYPERLINK(\\"http://x\\")", "A-1 Farms", "@SUM(1)"],
...                          "workers": [-1, 2, 3]}))
                  employer  workers
0  '=HYPERLINK("http://x")       -1
1                A-1 Farms        2
2                 '@SUM(1)        3
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

__all__ = ["FORMULA_PREFIXES", "neutralize", "neutralize_value", "write_csv", "write_xlsx"]

#: first characters that make a spreadsheet read a cell as a formula (OWASP)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize_value(value: object) -> object:
    """``value`` with a leading ``'`` when it is text starting with a ``FORMULA_PREFIXES``
    character; anything else unchanged.

    >>> neutralize_value("-cmd|' /C calc'!A0"), neutralize_value(-5), neutralize_value("Ag Co")
    ("'-cmd|' /C calc'!A0", -5, 'Ag Co')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _text_columns(df: pd.DataFrame) -> list:
    return [c for c in df.columns
            if pd.api.types.is_object_dtype(df[c]) or pd.api.types.is_string_dtype(df[c])
            or isinstance(df[c].dtype, pd.CategoricalDtype)]


def neutralize(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells, column labels and index labels are passed through
    ``neutralize_value``; dtypes and ``attrs`` are kept (categoricals become text)."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"neutralize expects a pandas DataFrame, got {type(df).__name__}")
    out = df.copy()
    for col in _text_columns(out):
        mapped = out[col].astype(object).map(neutralize_value, na_action="ignore")
        out[col] = mapped.astype(df[col].dtype) if isinstance(df[col].dtype, pd.StringDtype) else mapped
    out.columns = _neutral_index(out.columns)
    out.index = _neutral_index(out.index)
    out.attrs = dict(df.attrs)
    return out


def _neutral_index(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        return index.set_levels([_neutral_index(level) for level in index.levels])
    if index.dtype == object or pd.api.types.is_string_dtype(index.dtype):
        return index.map(neutralize_value)
    return index


def _named_write(path: str | os.PathLike, write) -> Path:
    path = Path(path)
    try:
        write(path)
    except OSError as exc:  # a write error names the file, whatever the writer said
        raise OSError(exc.errno, f"{path}: cannot write ({exc.strerror or exc})") from exc
    return path


def write_csv(df: pd.DataFrame, path: str | os.PathLike, **kwargs) -> Path:
    """``neutralize(df).to_csv(path, **kwargs)``; returns the path. An I/O error names the file.

    Lines end in CRLF unless ``lineterminator`` says otherwise (RFC 4180): the csv writer then
    quotes every field holding a CR or LF, so a stray carriage return in employer text cannot
    split a row (with "\\n" endings a lone CR is written unquoted and spreadsheets break the row).
    """
    kwargs.setdefault("lineterminator", "\r\n")
    safe = neutralize(df)
    return _named_write(path, lambda p: safe.to_csv(p, **kwargs))


def write_xlsx(df: pd.DataFrame, path: str | os.PathLike, **kwargs) -> Path:
    """``neutralize(df).to_excel(path, **kwargs)`` (needs ``openpyxl``); returns the path."""
    try:
        import openpyxl  # noqa: F401
    except ImportError as exc:  # pragma: no cover - dev and bench extras install it
        raise ImportError("writing .xlsx needs openpyxl: pip install openpyxl") from exc
    safe = neutralize(df)
    return _named_write(path, lambda p: safe.to_excel(p, **kwargs))
