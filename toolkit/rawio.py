"""Reading a raw CSV or spreadsheet file, written once for every reader (``dol`` for DOL files,
``workers`` for user records, ``occupation_shares`` for the BLS and Census workbooks).

Spreadsheets are read with python-calamine (about 6x faster than openpyxl on the DOL files). Every
failure is a ``SchemaError`` that names the file (and the sheet); nothing here drops a row.

Guards before any reader sees a file (``check_file``), because python-calamine aborts the whole
process (a Rust panic, exit 134) on a cell at row 1,048,576, at column XFD or at row 10^9, and
reads a zip bomb or a huge declared dimension into many gigabytes. An .xlsx is refused, with a
one-line ``SchemaError`` naming the file, when:

- a zip member declares more than ``MAX_MEMBER_BYTES`` uncompressed, or a member larger than 1 MB
  compresses more than ``MAX_COMPRESSION_RATIO`` to 1 (the shared DOL workbooks: at most 9 to 1),
  or a member inflates to more than it declares (checked by inflating it in 1 MB pieces, so the
  check itself runs in bounded memory);
- a worksheet's declared ``<dimension>`` or any cell or row it holds lies at or beyond row
  ``MAX_ROWS`` or column ``MAX_COLUMNS`` (Excel's last row and column, where the reader panics),
  or the declared area holds more than ``MAX_CELLS`` cells (the reader allocates the declared area:
  25 million cells stay under 1 GB; the Census occupation workbook declares 17.1 million).

An .xls (BIFF) larger than ``MAX_XLS_BYTES`` and a csv larger than ``MAX_CSV_BYTES`` are refused
too (the largest shared files: 3.4 MB and 2.8 MB).

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
import re
from pathlib import Path

import pandas as pd

from toolkit.errors import SchemaError

__all__ = ["CSV_SUFFIXES", "SHEET_SUFFIXES", "MAX_ROWS", "MAX_COLUMNS", "MAX_CELLS", "MAX_MEMBER_BYTES",
           "MAX_COMPRESSION_RATIO", "MAX_XLS_BYTES", "MAX_CSV_BYTES", "REPLACEMENT", "check_file", "decide_encoding",
           "read_csv_text", "read_csv_meta", "open_workbook", "sheet_rows", "all_sheet_rows",
           "read_table", "cell_text"]

CSV_SUFFIXES = (".csv", ".txt")
SHEET_SUFFIXES = (".xlsx", ".xls", ".xlsm")

#: Excel's last row and column (XFD): a cell at or beyond either is refused (the reader panics there)
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384
#: the most cells a sheet's declared area may hold: the reader allocates it (25 million cells stay under
#: 1 GB); the Census 2018 occupation workbook in shared/data/benchmarks declares 17.1 million (A1:WUN1064)
MAX_CELLS = 25_000_000
#: the most bytes one zip member may inflate to (the largest DOL sheet: 22 MB)
MAX_MEMBER_BYTES = 400_000_000
#: the highest compression ratio of a member over 1 MB (the DOL workbooks: at most 9)
MAX_COMPRESSION_RATIO = 100
#: the largest .xls (BIFF) and csv files read (the largest shared ones: 3.4 MB, 2.8 MB)
MAX_XLS_BYTES = 256_000_000
MAX_CSV_BYTES = 512_000_000

_CHUNK = 1 << 20
# a cell or row reference that may lie at or beyond Excel's last row or column: three or more
# letters, or seven or more digits (everything shorter is inside the sheet); found cheaply
_FAR_REF = re.compile(rb"r=\"((?:[A-Z]{3,}\d+|[A-Z]*\d{7,}))\"")
_DIMENSION = re.compile(rb"<dimension\b[^>]*?\sref=\"([^\"]*)\"")


def _letters_index(letters: bytes) -> int:
    """b"A" -> 1, b"XFD" -> 16384 (1-based)."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _refuse(path: Path, why: str) -> SchemaError:
    return SchemaError(f"{path.name}: refused before reading: {why}")


def _check_cell(path: Path, member: str, letters: bytes, row: bytes, what: str) -> None:
    r, c = int(row), _letters_index(letters) if letters else 1
    if r >= MAX_ROWS or c >= MAX_COLUMNS:
        ref = f"{letters.decode()}{row.decode()}"
        where = f"row {r:,}, column {c:,}" if letters else f"row {r:,}"
        raise _refuse(path, f"{member} has {what} at {ref} ({where}); cells at or beyond row "
                            f"{MAX_ROWS:,} or column {MAX_COLUMNS:,} (XFD) are not read")


def _check_dimension(path: Path, member: str, ref: bytes) -> None:
    corners = re.findall(rb"([A-Z]*)(\d+)", ref)
    for letters, row in corners:
        _check_cell(path, member, letters, row, "a declared dimension")
    if len(corners) == 2:
        (l0, r0), (l1, r1) = corners
        cells = (abs(int(r1) - int(r0)) + 1) * (abs(_letters_index(l1) - _letters_index(l0)) + 1)
        if cells > MAX_CELLS:
            raise _refuse(path, f"{member} declares a dimension {ref.decode()} of {cells:,} cells, more than "
                                f"{MAX_CELLS:,} (MAX_CELLS)")


def _check_xlsx(path: Path) -> None:
    import zipfile
    import zlib

    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SchemaError(f"{path.name}: cannot open as a spreadsheet ({exc}); the file may be truncated or not "
                          "an Excel file") from exc
    with zf:
        for info in zf.infolist():
            name = info.filename
            if info.file_size > MAX_MEMBER_BYTES:
                raise _refuse(path, f"zip member {name} declares {info.file_size:,} bytes uncompressed, more than "
                                    f"{MAX_MEMBER_BYTES:,} (MAX_MEMBER_BYTES)")
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _CHUNK and ratio > MAX_COMPRESSION_RATIO:
                raise _refuse(path, f"zip member {name} compresses {ratio:,.0f} to 1 (a zip bomb?); more than "
                                    f"{MAX_COMPRESSION_RATIO} to 1 is not read")
            sheet = name.startswith("xl/worksheets/") and name.endswith(".xml")
            seen, tail = 0, b""
            try:
                with zf.open(info) as fh:
                    while chunk := fh.read(_CHUNK):
                        seen += len(chunk)
                        if seen > max(info.file_size, 0) + _CHUNK or seen > MAX_MEMBER_BYTES:
                            raise _refuse(path, f"zip member {name} inflates beyond the {info.file_size:,} bytes it "
                                                "declares (a zip bomb?)")
                        if sheet:
                            text = tail + chunk
                            for m in _DIMENSION.finditer(text):
                                _check_dimension(path, name, m.group(1))
                            for ref in _FAR_REF.findall(text):
                                letters, row = re.fullmatch(rb"([A-Z]*)(\d+)", ref).groups()
                                _check_cell(path, name, letters, row, "a cell" if letters else "a row")
                            tail = text[-256:]
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
                raise SchemaError(f"{path.name}: zip member {name} cannot be read ({exc}); the file may be "
                                  "truncated or damaged") from exc


def check_file(path: str | Path) -> None:
    """Refuse a file that would crash or exhaust the readers (module docstring); a
    ``SchemaError`` naming the file and the cause, in bounded memory. Nothing is returned."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SchemaError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        _check_xlsx(path)
    elif suffix == ".xls" and size > MAX_XLS_BYTES:
        raise _refuse(path, f"{size:,} bytes, more than {MAX_XLS_BYTES:,} (MAX_XLS_BYTES) for an .xls workbook")
    elif suffix in CSV_SUFFIXES and size > MAX_CSV_BYTES:
        raise _refuse(path, f"{size:,} bytes, more than {MAX_CSV_BYTES:,} (MAX_CSV_BYTES) for a csv file")


_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
#: a UTF-8 lead byte followed by the right number of continuation bytes: evidence of UTF-8 text
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
REPLACEMENT = "\ufffd"


def decide_encoding(data: bytes) -> tuple[str, str, bool]:
    r"""(encoding, evidence, replace): how to decode a whole text file, decided once per file.

    A byte-order mark decides (UTF-8, UTF-16 LE/BE). Bytes that decode as UTF-8 are UTF-8. Else the
    evidence is weighed: when the well-formed UTF-8 multi-byte sequences are at least as many as
    the bytes that break UTF-8, the file is UTF-8 with a few damaged bytes, decoded with U+FFFD in
    their place (``replace`` True; the reader reports the rows); otherwise it is cp1252 (latin-1
    for the five bytes cp1252 leaves undefined). One bad row never turns a UTF-8 file into cp1252.

    >>> decide_encoding("Año,niño\n".encode())[0], decide_encoding("Año\n".encode("cp1252"))[0]
    ('utf-8', 'cp1252')
    >>> enc, why, replace = decide_encoding("Año,niño,Peña\n".encode() + b"Pe\xf1a\n")
    >>> enc, replace, why
    ('utf-8', True, '3 well-formed UTF-8 sequences, 1 byte that is not UTF-8: UTF-8 with 1 byte replaced by U+FFFD')
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, f"byte-order mark {bom.hex(' ')}", False
    try:
        data.decode("utf-8")
        return "utf-8", "every byte is valid UTF-8", False
    except UnicodeDecodeError:
        pass
    good = len(_UTF8_SEQUENCE.findall(data))
    text = data.decode("utf-8", errors="replace")
    bad = text.count(REPLACEMENT) - data.decode("utf-8", errors="ignore").count(REPLACEMENT)
    if good >= bad:
        return ("utf-8", f"{good} well-formed UTF-8 sequences, {bad} byte{'s' * (bad != 1)} that "
                         f"{'are' if bad != 1 else 'is'} not UTF-8: UTF-8 with {bad} byte{'s' * (bad != 1)} "
                         "replaced by U+FFFD", True)
    try:
        data.decode("cp1252")
        return "cp1252", f"{bad} bytes that are not UTF-8 and {good} well-formed UTF-8 sequences: cp1252", False
    except UnicodeDecodeError:
        return "latin-1", f"{bad} bytes that are not UTF-8, some undefined in cp1252: latin-1", False


def read_csv_text(path: Path) -> tuple[pd.DataFrame, str]:
    """All cells as strings, header as read, decoded as ``decide_encoding`` says; the evidence and
    the rows holding replaced bytes are in ``read_csv_meta``. (table, encoding)."""
    df, meta = read_csv_meta(path)
    return df, meta["encoding"]


def read_csv_meta(path: Path) -> tuple[pd.DataFrame, dict]:
    """(table, meta): ``meta`` has ``encoding``, ``encoding_evidence`` and ``rows_with_replaced_bytes``
    (1-based row numbers, the header being row 1, of rows where U+FFFD replaced bytes that were not
    UTF-8)."""
    import io

    check_file(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SchemaError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    encoding, evidence, replace = decide_encoding(data)
    try:
        text = data.decode(encoding, errors="replace" if replace else "strict")
    except UnicodeDecodeError as exc:
        raise SchemaError(f"{path.name}: not {encoding} text ({exc})") from exc
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError as exc:
        raise SchemaError(f"{path.name}: the file is empty") from exc
    except pd.errors.ParserError as exc:
        raise SchemaError(f"{path.name}: cannot parse as CSV ({exc})") from exc
    rows = []
    if replace:
        hit = df.apply(lambda col: col.str.contains(REPLACEMENT, regex=False, na=False)).any(axis=1)
        rows = [int(i) + 2 for i in hit[hit].index]
    return df, {"encoding": encoding, "encoding_evidence": evidence, "rows_with_replaced_bytes": rows}


def open_workbook(path: Path):
    """The calamine workbook; a ``SchemaError`` naming the file when it is missing or not a workbook."""
    from python_calamine import CalamineWorkbook

    if not path.exists():
        raise SchemaError(f"{path}: file not found")
    check_file(path)
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
    ``as_text`` (``cell_text``). ``meta`` holds ``encoding``, ``encoding_evidence`` and
    ``rows_with_replaced_bytes`` (CSV, ``read_csv_meta``) or ``sheet`` (spreadsheets).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return read_csv_meta(path)
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
