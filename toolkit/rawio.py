"""Reading a raw CSV or spreadsheet file, written once for every reader (``dol`` for DOL files,
``workers`` for user records, ``occupation_shares`` for the BLS and Census workbooks).

Spreadsheets are read with python-calamine (about 6x faster than openpyxl on the DOL files). Every
failure is a ``SchemaError`` that names the file (and the sheet); nothing here drops a row.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "survey.csv"
>>> _ = path.write_bytes("Sexo,Año\\nMujer,2019\\n".encode("cp1252"))
>>> df, meta = read_table(path)
>>> df.to_dict("records"), meta["encoding"]
([{'Sexo': 'Mujer', 'Año': '2019'}], 'cp1252')
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pandas as pd

from toolkit.errors import SchemaError

__all__ = ["CSV_SUFFIXES", "SHEET_SUFFIXES", "read_csv_text", "open_workbook", "sheet_rows", "all_sheet_rows",
           "read_table", "cell_text"]

CSV_SUFFIXES = (".csv", ".txt")
SHEET_SUFFIXES = (".xlsx", ".xls", ".xlsm")
_ENCODINGS = ("utf-8", "cp1252", "latin-1")


def read_csv_text(path: Path) -> tuple[pd.DataFrame, str]:
    """All cells as strings, header as read; the first of UTF-8, cp1252, latin-1 that decodes."""
    for encoding in _ENCODINGS:
        try:
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding), encoding
        except UnicodeDecodeError:
            continue
        except pd.errors.EmptyDataError as exc:
            raise SchemaError(f"{path.name}: the file is empty") from exc
        except pd.errors.ParserError as exc:
            raise SchemaError(f"{path.name}: cannot parse as CSV ({exc})") from exc
        except OSError as exc:
            raise SchemaError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    raise SchemaError(f"{path.name}: not text in any of {', '.join(_ENCODINGS)}")  # latin-1 decodes anything


def open_workbook(path: Path):
    """The calamine workbook; a ``SchemaError`` naming the file when it is missing or not a workbook."""
    from python_calamine import CalamineWorkbook

    if not path.exists():
        raise SchemaError(f"{path}: file not found")
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types for zip/OLE errors
        raise SchemaError(f"{path.name}: cannot open as a spreadsheet ({type(exc).__name__}: {exc}); "
                          "the file may be truncated or not an Excel file") from exc


def sheet_rows(path: Path, sheet: str | int | None = None, *, skip_empty_area: bool = False) -> tuple[str, list[list]]:
    """(sheet name, rows as lists of Python values) of one sheet: the first, a number or a name."""
    wb = open_workbook(path)
    names = wb.sheet_names
    if sheet is None:
        name = names[0]
    elif isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise SchemaError(f"{path.name}: no sheet number {sheet}; sheets: {names}")
        name = names[sheet]
    else:
        if sheet not in names:
            raise SchemaError(f"{path.name}: no sheet named {sheet!r}; sheets: {names}")
        name = sheet
    try:
        return name, wb.get_sheet_by_name(name).to_python(skip_empty_area=skip_empty_area)
    except Exception as exc:
        raise SchemaError(f"{path.name}: cannot read sheet {name!r} ({exc})") from exc


def all_sheet_rows(path: Path) -> dict[str, list[list]]:
    """Every sheet's rows, by sheet name."""
    wb = open_workbook(path)
    out = {}
    for name in wb.sheet_names:
        try:
            out[name] = wb.get_sheet_by_name(name).to_python()
        except Exception as exc:
            raise SchemaError(f"{path.name}: cannot read sheet {name!r} ({exc})") from exc
    return out


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person typed: "" for empty, 2019 (not 2019.0) for a whole
    number, ISO dates.

    >>> cell_text(2019.0), cell_text(None), cell_text(_dt.datetime(2021, 3, 4)), cell_text(2.5)
    ('2019', '', '2021-03-04', '2.5')
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, _dt.datetime) and value.time() == _dt.time():
        return value.date().isoformat()
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value)


def read_table(path: str | Path, sheet: str | int | None = None, *, as_text: bool = False) -> tuple[pd.DataFrame, dict]:
    """The first row as header, every other row kept (padded or cut to the header's width).

    CSV cells are strings; spreadsheet cells keep calamine's Python values ("" for empty) unless
    ``as_text`` (``cell_text``). ``meta`` holds ``encoding`` (CSV) or ``sheet`` (spreadsheets).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        df, encoding = read_csv_text(path)
        return df, {"encoding": encoding}
    if suffix not in SHEET_SUFFIXES:
        raise SchemaError(f"{path.name}: unsupported file type {suffix!r}; expected .csv, .xlsx or .xls")
    name, rows = sheet_rows(path, sheet)
    if not rows:
        raise SchemaError(f"{path.name}: sheet {name!r} is empty (no header row)")
    header = [str(h) if h is not None else "" for h in rows[0]]
    body = [r + [""] * (len(header) - len(r)) if len(r) < len(header) else r[: len(header)] for r in rows[1:]]
    df = pd.DataFrame(body, columns=header, dtype=object)
    df = df.map(cell_text if as_text else (lambda v: "" if v is None else v))
    return df, {"sheet": name}
