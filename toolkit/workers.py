"""Worker-level records that users bring (FOIA extracts, surveys, case files) -> canonical table.

``read_worker_records(path, mapping=...)`` reads CSV or xlsx with any column names, maps them to
``schema.WORKER_COLUMNS`` through a small mapping (a dict or a YAML file)::

    columns:            # canonical field: the user's column
      sex: Sexo
      fiscal_year: Año fiscal
      origin_state: Estado de origen
    values:             # optional extra value maps, per canonical field
      sex: {Mujer: F, Hombre: M}
    program: H-2A       # optional constant for a field the file does not have

validates types and codes, and accounts for every row: it returns a ``WorkerRecords`` value (``.table``, ``.rejected`` with source row and reason but no identifiers,
``.accounting``: an ``Accounting`` with rows read, kept, rejected by reason, and the
``population`` the rows describe). ``in_scope`` keeps the rows of one request (program, fiscal
year, worksite state) and adds what it left out to the accounting; no row left is an error.
Person identifiers (names, passport numbers, phone numbers; see
``disclosure.PERSON_IDENTIFIER_COLUMNS``) are dropped at load unless ``keep_identifiers=True``.
A KoboToolbox or ODK Central export of the shipped survey (``h2gender survey form``) needs no
mapping: read without one, it is recognised by its columns and read through the form
(``toolkit.survey.exports``; refused consent and answers outside the form's choices are rejected
rows with their reasons).
A mapping may say what the rows are (``population: respondents``); otherwise it is read from the
data: rows with a stage before admission or ``selected`` False make them "applicants", rows that
record admission (stage "admitted" or ``selected`` True) "admitted workers", anything else
"respondents" (people who answered a survey, whatever their status).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, get_args

import numpy as np
import pandas as pd
import yaml

from toolkit import codes, disclosure, rawio, schema
from toolkit.checksum import sha256_file
from toolkit.errors import DataValidationError, SchemaError

__all__ = ["read_worker_records", "in_scope", "describe_accounting", "load_mapping", "Accounting", "WorkerRecords",
           "Population", "POPULATIONS", "SEX_VALUES", "MEXICAN_STATES"]

Population = Literal["applicants", "admitted workers", "respondents"]
POPULATIONS: tuple[str, ...] = get_args(Population)


@dataclass(frozen=True)
class Accounting:
    """What happened to every row of a worker file.

    ``rows_read = rows_kept + sum(rows_rejected.values()) + sum(rows_out_of_scope.values())``.
    ``source_file`` is the file name only (never its folder); ``sha256`` its checksum (None for an
    in-memory table). ``rows_rejected``: reason -> rows that could not be read (see
    ``read_worker_records``); ``rows_out_of_scope``: reason (``other_program``, ``other_fiscal_year``,
    ``other_state``) -> valid rows outside the request (``in_scope``).
    """

    source_file: str
    sha256: str | None
    rows_read: int
    rows_kept: int
    rows_rejected: dict[str, int] = field(default_factory=dict)
    rows_out_of_scope: dict[str, int] = field(default_factory=dict)
    identifier_columns_dropped: tuple[str, ...] = ()
    identical_rows_kept: int = 0
    population: str = "respondents"
    #: how a text file was decoded and why (``rawio.decide_encoding``); None for workbooks and tables
    encoding: str | None = None
    encoding_evidence: str | None = None

    def __post_init__(self):
        if self.population not in POPULATIONS:
            raise ValueError(f"population must be one of {list(POPULATIONS)}, got {self.population!r}")
        total = self.rows_kept + sum(self.rows_rejected.values()) + sum(self.rows_out_of_scope.values())
        if total != self.rows_read:
            raise ValueError(f"{self.source_file}: accounting does not add up: {self.rows_read} read, {total} "
                             "kept, rejected or out of scope")

    def as_dict(self) -> dict:
        """Plain fields for the provenance (JSON)."""
        return {"source_file": self.source_file, "sha256": self.sha256, "rows_read": self.rows_read,
                "rows_kept": self.rows_kept, "rows_rejected": dict(self.rows_rejected),
                "rows_out_of_scope": dict(self.rows_out_of_scope),
                "identifier_columns_dropped": list(self.identifier_columns_dropped),
                "identical_rows_kept": self.identical_rows_kept, "population": self.population,
                "encoding": self.encoding, "encoding_evidence": self.encoding_evidence}

    def describe(self) -> str:
        """One line for the terminal, e.g. ``survey.csv: 120 rows read, 118 kept (applicants);
        rejected: unknown_sex_code 2``.

        Examples
        --------
        >>> Accounting("s.csv", None, 10, 7, {"bad_wage": 2}, {"other_fiscal_year": 1}).describe()
        's.csv: 10 rows read, 7 kept (respondents); rejected: bad_wage 2; out of scope: other_fiscal_year 1'
        """
        text = f"{self.source_file}: {self.rows_read:,} rows read, {self.rows_kept:,} kept ({self.population})"
        for label, counts in (("rejected", self.rows_rejected), ("out of scope", self.rows_out_of_scope)):
            if counts:
                text += f"; {label}: " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()))
        return text


def describe_accounting(accounting: Mapping) -> str:
    """``Accounting.describe`` for the plain fields of ``Accounting.as_dict`` (as in the provenance)."""
    fields = {**accounting, "identifier_columns_dropped": tuple(accounting.get("identifier_columns_dropped", ()))}
    return Accounting(**fields).describe()


@dataclass(frozen=True)
class WorkerRecords:
    """A worker file read: the canonical ``table``, the ``rejected`` rows (source row, reason)
    and the ``accounting``."""

    table: pd.DataFrame
    rejected: pd.DataFrame
    accounting: Accounting

SEX_VALUES = {
    "f": "F", "female": "F", "woman": "F", "women": "F", "w": "F", "mujer": "F", "femenino": "F", "fem": "F",
    "m": "M", "male": "M", "man": "M", "men": "M", "hombre": "M", "masculino": "M", "masc": "M", "h": "M",
    "varon": "M", "x": "X", "non-binary": "X", "nonbinary": "X", "no binario": "X", "otro": "X", "other": "X",
}
_MISSING = {"", "na", "n/a", "nan", "none", "null", "unknown", "desconocido", "no sabe", "ns/nc", "-"}
_BOOL = {"true": True, "yes": True, "y": True, "si": True, "sí": True, "1": True, "selected": True,
         "seleccionado": True, "false": False, "no": False, "n": False, "0": False}
_STAGE = {"applied": "applied", "applicant": "applied", "solicitante": "applied", "solicitud": "applied",
          "recruited": "recruited", "reclutado": "recruited", "certified": "certified", "certificado": "certified",
          "admitted": "admitted", "admitido": "admitted", "visa": "admitted", "hired": "admitted",
          "contratado": "admitted"}
#: INEGI codes of the Mexican states by name (accents and case ignored): ``codes.MEXICAN_STATE_CODES``.
MEXICAN_STATES = codes.MEXICAN_STATE_CODES


_fold = codes.fold


#: the largest mapping file read (a mapping is a few lines; anything bigger is not one)
MAX_MAPPING_BYTES = 1_000_000


def _check_mapping(mapping: object, name: str) -> Mapping:
    """Every part of a mapping has the shape the reader expects, else a ``SchemaError`` naming the
    mapping (``name``), the key and what was expected (never a bare TypeError downstream)."""
    def kind(v) -> str:
        return type(v).__name__ if v is not None else "nothing"

    if not isinstance(mapping, Mapping):
        raise SchemaError(f"{name}: a mapping must be key: value pairs (columns:, values:, ...), got {kind(mapping)}")
    for key in mapping:
        if not isinstance(key, str):
            raise SchemaError(f"{name}: key {key!r} must be text (a canonical field or columns/values/identifiers/"
                              "population)")
    columns = mapping.get("columns", {})
    if columns is not None and not isinstance(columns, Mapping):
        raise SchemaError(f"{name}: columns must be pairs 'field: your column', got {kind(columns)}")
    for field_, col in (columns or {}).items():
        if not isinstance(field_, str) or not isinstance(col, (str, int)) or isinstance(col, bool):
            raise SchemaError(f"{name}: columns.{field_} must name one column (text), got {kind(col)} {col!r:.60}")
    values = mapping.get("values", {})
    if values is not None and not isinstance(values, Mapping):
        raise SchemaError(f"{name}: values must be pairs 'field: {{your value: code}}', got {kind(values)}")
    for field_, table in (values or {}).items():
        if not isinstance(field_, str) or not isinstance(table, Mapping):
            raise SchemaError(f"{name}: values.{field_} must be pairs 'your value: code', got {kind(table)}")
        for k, v in table.items():
            if isinstance(k, (list, dict)) or isinstance(v, (list, dict)) or v is None:
                raise SchemaError(f"{name}: values.{field_}.{k!r:.40} must map one value to one code, got {kind(v)}")
    identifiers = mapping.get("identifiers", [])
    if identifiers is not None and (not isinstance(identifiers, list)
                                    or not all(isinstance(c, str) for c in identifiers)):
        raise SchemaError(f"{name}: identifiers must be a list of column names, got {kind(identifiers)}")
    for field_ in schema.WORKER_COLUMNS:
        if field_ in mapping and isinstance(mapping[field_], (list, dict, Mapping)):
            raise SchemaError(f"{name}: {field_} (a constant for every row) must be one value, got {kind(mapping[field_])}")
    population = mapping.get("population")
    if population is not None and not isinstance(population, str):
        raise SchemaError(f"{name}: population must be one of {list(POPULATIONS)}, got {kind(population)}")
    return mapping


def load_mapping(mapping: str | os.PathLike | Mapping | None) -> dict:
    """Validate a mapping (dict or YAML path); unknown canonical names, a file that is not YAML
    and a part of the wrong shape raise ``SchemaError`` naming the file (or "mapping") and key."""
    if mapping is None:
        return {"columns": {}, "values": {}, "constants": {}}
    name = "mapping"
    if not isinstance(mapping, Mapping):
        if not isinstance(mapping, (str, os.PathLike)):
            raise SchemaError(f"mapping: expected a dict or the path of a YAML file, got {type(mapping).__name__}")
        path = Path(mapping)
        name = path.name
        try:
            if path.stat().st_size > MAX_MAPPING_BYTES:
                raise SchemaError(f"{name}: {path.stat().st_size:,} bytes is not a mapping (at most "
                                  f"{MAX_MAPPING_BYTES:,} bytes)")
            mapping = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise SchemaError(f"{path}: cannot read the mapping ({exc.strerror or exc})") from exc
        except UnicodeDecodeError as exc:
            raise SchemaError(f"{name}: the mapping is not UTF-8 text (byte {exc.start})") from exc
        except (yaml.YAMLError, RecursionError) as exc:
            raise SchemaError(f"{name}: the mapping is not valid YAML ({str(exc).splitlines()[0]})") from exc
        mapping = {} if mapping is None else mapping
    mapping = _check_mapping(mapping, name)
    columns = dict(mapping.get("columns") or {})
    values = dict(mapping.get("values") or {})
    constants = {k: v for k, v in mapping.items() if k in schema.WORKER_COLUMNS}
    unknown = [k for k in [*columns, *values] if k not in schema.WORKER_COLUMNS]
    extra_keys = [k for k in mapping if k not in ("columns", "values", "identifiers", "population")
                  and k not in schema.WORKER_COLUMNS]
    if unknown or extra_keys:
        raise SchemaError(f"{name}: the mapping names unknown canonical fields {unknown + extra_keys}; "
                          f"allowed: {list(schema.WORKER_COLUMNS)}")
    population = mapping.get("population")
    if population is not None and population not in POPULATIONS:
        raise SchemaError(f"{name}: population must be one of {list(POPULATIONS)}, got {population!r}")
    values = {f: {str(k): v for k, v in table.items()} for f, table in values.items()}
    return {"columns": {k: str(v) for k, v in columns.items()}, "values": values, "constants": constants,
            "identifiers": list(mapping.get("identifiers") or []), "population": population}


def _read(path_or_df, sheet) -> tuple[pd.DataFrame, str, dict]:
    if isinstance(path_or_df, pd.DataFrame):
        return path_or_df.astype("string"), "table", {}
    path = Path(path_or_df)
    df, meta = rawio.read_table(path, sheet if sheet is not None else None, as_text=True)
    return df, path.name, meta


def _survey_export(path_or_df):
    """An export of the shipped survey read through its form (``toolkit.survey.exports``), or None."""
    if isinstance(path_or_df, pd.DataFrame):
        return None
    from toolkit.survey.exports import read_form_export

    return read_form_export(path_or_df)


def _population(table: pd.DataFrame, declared: str | None) -> str:
    if declared is not None:
        return declared
    before = table["stage"].isin(["applied", "recruited"]).fillna(False) | table["selected"].eq(False).fillna(False)
    if before.any():
        return "applicants"
    if (table["stage"].eq("admitted").fillna(False) | table["selected"].eq(True).fillna(False)).any():
        return "admitted workers"
    return "respondents"


def read_worker_records(path_or_df, mapping: str | os.PathLike | Mapping | None = None, *,
                        source: str | None = None, keep_identifiers: bool = False, strict: bool = False,
                        sheet: str | None = None, cache: str | os.PathLike | None = None) -> WorkerRecords:
    """Read user worker records into ``schema.WORKER_COLUMNS`` (see module docstring).

    Rejection reasons: ``blank_row`` (every cell empty: not a worker record),
    ``undecodable_bytes`` (a row of a UTF-8 text file with bytes that are not UTF-8, replaced by
    U+FFFD: ``rawio.decide_encoding`` decides the encoding once per file, on the evidence reported
    in ``accounting.encoding_evidence``), ``unknown_sex_code``, ``bad_fiscal_year``, ``bad_soc_code``,
    ``unknown_stage``, ``bad_selected``, ``bad_wage``, ``unknown_origin_state``, ``duplicate_row``
    (a repeated row in a file that identifies people; without identifiers identical rows may be
    different people and are kept, counted in ``accounting["identical_rows_kept"]``).
    With ``strict=True`` the first rejections raise ``DataValidationError`` instead.

    A clean UTF-8 CSV is read by ``pyarrow.csv`` with every column dictionary-encoded; anything
    else (a spreadsheet, another encoding, ragged rows) by ``rawio.read_table``. Either way each
    column is held as integer codes into its distinct values, and every rule above (``codes.fold``,
    the mapping's value maps, SOC and state codes, numbers) runs once per distinct value and
    reaches the rows by indexing, so the rows cost only numpy work.

    ``cache``: a folder (``dataset`` passes ``<data_dir>/cache/workers``) where the result is kept
    as Parquet, keyed by the file's sha256 and a hash of the mapping and options; a second read
    of the same file with the same mapping skips parsing. Never with ``keep_identifiers=True``
    (identifiers are written nowhere) or for an in-memory table.
    """
    spec = load_mapping(mapping)
    in_memory = isinstance(path_or_df, pd.DataFrame)
    sha = None if in_memory else sha256_file(path_or_df)
    key = None
    if cache is not None and not in_memory and not keep_identifiers:
        key = _cache_key(sha, spec, source=source, strict=strict, sheet=sheet)
        cached = _cache_read(Path(cache), key)
        if cached is not None:
            return cached
    export = _survey_export(path_or_df) if mapping is None else None
    if export is not None:
        raw, name, meta = _frame_columns(export.table), export.source_file, {}
        reasons = np.array([None if pd.isna(r) else str(r) for r in export.reasons], dtype=object)
    else:
        raw, name, meta = _raw_columns(path_or_df, sheet)
        reasons = None
    records = _records(raw, name, spec, source=source, keep_identifiers=keep_identifiers, strict=strict, sha=sha,
                       reasons=reasons, meta=meta)
    if key is not None:
        _cache_write(Path(cache), key, records)
    return records


class _Column:
    """One raw column as ``codes`` (one per row) into ``values`` (an object array of the distinct
    cell texts; the last one is None, the code of an NA cell). ``values`` may be given as a
    function that makes them, called on first use (an identifier column's distinct values are as
    many as its rows and are needed only to keep the identifiers)."""

    def __init__(self, codes: np.ndarray, values, size: int):
        self.codes = codes
        self._values = values
        self.size = size  # len(values), known before they are made

    @property
    def values(self) -> np.ndarray:
        if callable(self._values):
            self._values = self._values()
        return self._values

    def per_value(self, fn) -> np.ndarray:
        """``fn`` applied once per distinct value (None stays None), as an object array."""
        return np.array([None if v is None else fn(v) for v in self.values], dtype=object)

    def rows(self, per_value: np.ndarray) -> np.ndarray:
        """A per-distinct-value array taken to the rows."""
        return per_value[self.codes]

    def text(self) -> np.ndarray:
        """The stripped cell texts of the rows, None for NA."""
        return self.rows(self.per_value(str.strip))


@dataclass(frozen=True)
class _Raw:
    names: list
    n_rows: int
    columns: dict  # name -> _Column


def _column(codes: np.ndarray, uniques, n_uniques: int | None = None) -> _Column:
    """A ``_Column`` from codes (-1 for NA) into ``uniques`` (a list, or a function making it)."""
    n = len(uniques) if n_uniques is None else n_uniques

    def values():
        out = np.empty(n + 1, dtype=object)
        out[:-1] = uniques() if callable(uniques) else list(uniques)
        return out

    codes = np.asarray(codes)  # int32 from pyarrow: 4 bytes a cell
    if (codes < 0).any():
        codes = np.where(codes < 0, n, codes)
    return _Column(codes, values if callable(uniques) else values(), n + 1)


def _arrow_csv(path: Path):
    """(table, meta): a UTF-8 CSV with a clean header as a pyarrow table of dictionary-encoded
    strings, or (None, {}) when ``rawio`` must read it (another encoding or a byte-order mark other
    than UTF-8's, a blank or repeated column name, ragged rows). pyarrow checks that every cell is
    UTF-8, so ``meta`` says what ``rawio.decide_encoding`` says of such a file."""
    import codecs
    import csv
    import io

    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
    except OSError:
        return None, {}
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # UTF-16 (or 32): rawio decodes it
        return None, {}
    try:
        lines = head.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:  # perhaps a character cut at the block's end: let pyarrow judge
        lines = head.decode("utf-8-sig", errors="replace").splitlines()
    header = next(csv.reader(io.StringIO(lines[0] if lines else "")), [])
    if not header or "" in header or len(set(header)) != len(header):
        return None, {}
    text = pa.dictionary(pa.int32(), pa.string())
    try:
        table = pacsv.read_csv(path, parse_options=pacsv.ParseOptions(newlines_in_values=True),
                               convert_options=pacsv.ConvertOptions(column_types={h: text for h in header},
                                                                    strings_can_be_null=False,
                                                                    quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None, {}
    encoding, evidence, _ = rawio.decide_encoding(codecs.BOM_UTF8 if head.startswith(codecs.BOM_UTF8) else b"")
    return table, {"encoding": encoding, "encoding_evidence": evidence}


def _raw_columns(path_or_df, sheet) -> tuple[_Raw, str, dict]:
    """Every column of the file (or table) as a ``_Column``, the fast way when ``_arrow_csv`` can;
    with the name and the reader's ``meta`` (encoding and its evidence, rows with replaced bytes)."""
    if not isinstance(path_or_df, pd.DataFrame):
        path = Path(path_or_df)
        table, meta = _arrow_csv(path) if path.suffix.lower() in rawio.CSV_SUFFIXES else (None, {})
        if table is not None:
            table = table.unify_dictionaries()
            columns = {}
            for col_name, col in zip(table.column_names, table.columns):
                col = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
                codes = (col.indices.fill_null(-1) if col.null_count else col.indices).to_numpy(zero_copy_only=False)
                columns[col_name] = _column(codes, lambda d=col.dictionary: d.to_numpy(zero_copy_only=False),
                                            len(col.dictionary))
            return _Raw(list(table.column_names), table.num_rows, columns), path.name, meta
    df, name, meta = _read(path_or_df, sheet)
    return _frame_columns(df), name, meta


def _frame_columns(df: pd.DataFrame) -> _Raw:
    """The columns of a table of texts (None or NA for missing) as ``_Column`` values."""
    columns = {}
    for col_name in df.columns:
        codes, uniques = pd.factorize(df[col_name], use_na_sentinel=True)
        columns[col_name] = _column(codes, [str(u) for u in uniques])
    return _Raw(list(df.columns), len(df), columns)


def _records(raw: _Raw, name: str, spec: dict, *, source, keep_identifiers, strict, sha,
             reasons: np.ndarray | None = None, meta: Mapping | None = None) -> WorkerRecords:
    """The canonical table, rejected rows and accounting of ``raw`` (see ``read_worker_records``);
    ``reasons``: rows already rejected (an object array, None where not), as a survey export's."""
    rows_read = raw.n_rows
    folded = {_fold(c): c for c in raw.names}
    fields: dict[str, _Column] = {}
    for field in schema.WORKER_COLUMNS:
        user_col = spec["columns"].get(field)
        if user_col is not None:
            if user_col not in raw.columns:
                raise SchemaError(f"{name}: the mapping says {field} is in column {user_col!r}, which is not in "
                                  f"the file; columns: {list(raw.names)}")
            fields[field] = raw.columns[user_col]
        elif field in spec["constants"]:  # a constant is a column of one distinct value
            fields[field] = _column(np.zeros(rows_read, dtype=np.int64), [str(spec["constants"][field])])
        elif _fold(field) in folded:
            fields[field] = raw.columns[folded[_fold(field)]]
    if "sex" not in fields:
        raise SchemaError(f"{name}: no column for sex; map it (columns: {{sex: <your column>}}). "
                          f"Columns available: {list(raw.names)}")
    reasons = np.full(rows_read, None, dtype=object) if reasons is None else reasons.copy()
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # field -> (codes of the rows, canonical value per code)

    def reject(mask: np.ndarray, reason: str) -> None:
        reasons[mask & np.equal(reasons, None)] = reason

    def parse(field: str, to_code, reason: str | None, *, valid=None, rejectable=None) -> None:
        """Map ``field`` once per distinct value; a value present that maps to nothing (or to a
        value ``valid`` refuses) is rejected with ``reason`` where ``rejectable`` (rows) allows."""
        col = fields[field]
        stripped = col.per_value(str.strip)
        code = np.array([None if v is None else to_code(v) for v in stripped], dtype=object)
        absent = np.array([v is None or _fold(v) in _MISSING for v in stripped], dtype=bool)
        bad = ~absent & np.array([c is None or (valid is not None and not valid(c)) for c in code], dtype=bool)
        if reason is not None and bad.any():
            reject(col.rows(bad) & (True if rejectable is None else rejectable), reason)
        code[absent | bad] = None
        out[field] = (col.codes, code)

    meta = meta or {}
    blank = np.ones(rows_read, dtype=bool)  # every cell empty: not a worker record
    for col in raw.columns.values():
        blank &= col.rows(np.array([v is None or not v.strip() for v in col.values], dtype=bool))
    reject(blank, "blank_row")
    replaced = np.zeros(rows_read, dtype=bool)
    replaced[[r - 2 for r in meta.get("rows_with_replaced_bytes", [])]] = True
    reject(replaced, "undecodable_bytes")

    extra_sex = {_fold(k): v for k, v in spec["values"].get("sex", {}).items()}
    parse("sex", lambda v: extra_sex.get(_fold(v), SEX_VALUES.get(_fold(v))), "unknown_sex_code")
    if "fiscal_year" in fields:
        parse("fiscal_year", _number, "bad_fiscal_year", valid=lambda y: 1990 <= y <= 2100 and y % 1 == 0)
    if "program" in fields:
        parse("program", lambda v: _PROGRAM.get(_fold(v).replace(" ", "")), None)
    if "soc_code" in fields:
        parse("soc_code", _soc, "bad_soc_code")
    if "stage" in fields:
        parse("stage", lambda v: _STAGE.get(_fold(v)), "unknown_stage")
    if "selected" in fields:
        parse("selected", lambda v: _BOOL.get(_fold(v)), "bad_selected")
    if "wage_hourly" in fields:
        parse("wage_hourly", lambda v: _number(v.replace("$", "").replace(",", "")), "bad_wage",
              valid=lambda w: w > 0)
    if "origin_state" in fields:
        extra = {_fold(k): v for k, v in spec["values"].get("origin_state", {}).items()}
        is_mex = None  # a state of origin outside Mexico is not an error
        if "nationality" in fields:
            nat = fields["nationality"]
            is_mex = nat.rows(np.array([v is None or _fold(v) in _MEXICAN for v in nat.values], dtype=bool))
        parse("origin_state", lambda v: extra.get(_fold(v)) or codes.mexican_state_code(v), "unknown_origin_state",
              rejectable=is_mex)
    for field, col in fields.items():
        if field not in out:
            out[field] = (col.codes, col.per_value(str.strip))
    if source is not None or "source" not in fields:
        out["source"] = (np.zeros(rows_read, dtype=np.int64), np.array([source or name], dtype=object))

    ids = [c for c in raw.names if _fold(c).replace(" ", "_") in disclosure.PERSON_IDENTIFIER_COLUMNS]
    ids += [c for c in spec.get("identifiers", []) if c in raw.columns and c not in ids]
    # Identical rows are the same person only when the file identifies people; in an anonymous
    # survey two people can give the same answers, so identical rows are kept and counted.
    identical = _repeated_rows([raw.columns[c] for c in raw.names]) & ~blank
    if ids:
        reject(identical, "duplicate_row")

    kept_mask = np.equal(reasons, None)
    bad_rows = np.flatnonzero(~kept_mask)
    rejected = pd.DataFrame({"source_row": bad_rows + 2, "reason": pd.array(reasons[bad_rows], dtype="string")})
    if strict and len(rejected):
        head = "; ".join(f"row {r}: {why}" for r, why in rejected.head(10).itertuples(index=False))
        raise DataValidationError(f"{name}: {len(rejected)} row(s) rejected: {head}")
    if not kept_mask.any():
        found = "; ".join(f"{why} {n}" for why, n in rejected["reason"].value_counts().items()) or "the file is empty"
        raise DataValidationError(f"{name}: no worker row could be read ({rows_read} rows read; {found})")
    kept = pd.DataFrame({f: _typed(values, schema.WORKER_COLUMNS.get(f, "string")).take(codes[kept_mask])
                         for f, (codes, values) in out.items()})
    table = _arrow_text(schema.conform(kept, schema.WORKER_COLUMNS, name=name))
    if keep_identifiers and ids:
        for c in ids:
            table[c] = pd.array(raw.columns[c].text()[kept_mask], dtype=_TEXT)
    dropped = rejected["reason"].value_counts().to_dict()
    accounting = Accounting(source_file=name, sha256=sha, rows_read=rows_read, rows_kept=len(table),
                            rows_rejected={str(k): int(v) for k, v in dropped.items()},
                            identifier_columns_dropped=() if keep_identifiers else tuple(ids),
                            identical_rows_kept=0 if ids else int(identical.sum()),
                            population=_population(table, spec.get("population")),
                            encoding=meta.get("encoding"), encoding_evidence=meta.get("encoding_evidence"))
    return WorkerRecords(table=table, rejected=rejected, accounting=accounting)


def _repeated_rows(columns: list[_Column]) -> np.ndarray:
    """True for a row equal in every column to an earlier row (``DataFrame.duplicated``).

    The columns' codes are combined into one row key, a column at a time, re-numbered after each
    (pd.factorize) so the key stays below the number of rows; the columns with most distinct
    values come first, and once every key is distinct (an identifier column does that at once)
    no row can repeat and the rest is skipped.
    """
    rows = len(columns[0].codes) if columns else 0
    key, distinct = np.zeros(rows, dtype=np.int64), 1
    for col in sorted(columns, key=lambda c: -c.size):
        if distinct == rows:
            break
        key, uniques = pd.factorize(key * col.size + col.codes)
        distinct = len(uniques)
    first = np.zeros(rows, dtype=bool)
    first[np.unique(key, return_index=True)[1]] = True  # the first row of each key
    return ~first


_PROGRAM = {"h2a": "H-2A", "h-2a": "H-2A", "h2b": "H-2B", "h-2b": "H-2B"}
_MEXICAN = {"mex", "mexico", "mx", "mexicana", "mexicano"}
_SOC = re.compile(codes.SOC_PATTERN)


def _number(text: str) -> float | None:
    """A finite number written in ``text``, else None (as ``pd.to_numeric(errors="coerce")``)."""
    if "_" in text:  # float() reads 1_000; a number in a cell is not written so
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def _soc(text: str) -> str | None:
    """``codes.normalize_soc`` for one stripped value."""
    m = _SOC.match(text)
    return f"{m[1]}-{m[2]}" if m else None


def _typed(values: np.ndarray, dtype: str):
    """An object array of canonical values (None for missing) as the column's pandas dtype; text
    as ``string`` held by pyarrow (``pd.StringDtype("pyarrow")``, still ``schema``'s "string"):
    millions of rows are then filtered, copied and grouped without a Python object per cell."""
    return pd.array(values, dtype=dtype if dtype in ("Int64", "Float64", "boolean") else _TEXT)


_TEXT = pd.StringDtype("pyarrow")


def _arrow_text(table: pd.DataFrame) -> pd.DataFrame:
    """Every text column held by pyarrow (the columns ``schema.conform`` added included)."""
    for col in table.columns:
        if isinstance(table[col].dtype, pd.StringDtype) and table[col].dtype != _TEXT:
            table[col] = table[col].astype(_TEXT)
    return table


_CACHE_VERSION = 2  # raise it when the reading rules change, so no older cached file is used


def _cache_key(sha: str, spec: dict, **options) -> str:
    text = json.dumps({"version": _CACHE_VERSION, "spec": spec, **options}, sort_keys=True, default=str)
    return f"{sha[:32]}-{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def _cache_read(folder: Path, key: str) -> WorkerRecords | None:
    """The records cached under ``key``, or None (absent or unreadable: re-created, never trusted)."""
    import pyarrow.parquet as pq

    path = folder / f"{key}.parquet"
    if not path.exists():
        return None
    try:
        table = pq.read_table(path)
        meta = json.loads(table.schema.metadata[b"h2gender"])["accounting"]
        rejected = pd.read_parquet(folder / f"{key}.rejected.parquet")
    except (OSError, KeyError, ValueError, TypeError):
        return None
    import pyarrow as pa

    text = {pa.string(), pa.large_string()}
    frame = table.to_pandas(types_mapper=lambda t: _TEXT if t in text else None)
    frame = _arrow_text(schema.conform(frame, schema.WORKER_COLUMNS, name=meta["source_file"]))
    accounting = Accounting(**{**meta, "identifier_columns_dropped": tuple(meta["identifier_columns_dropped"])})
    return WorkerRecords(table=frame, rejected=rejected.astype({"reason": "string"}), accounting=accounting)


def _cache_write(folder: Path, key: str, records: WorkerRecords) -> None:
    """Write the two Parquet files, each to a temporary name renamed into place (the table last,
    so a table on disk always has its rejected rows beside it)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(records.table, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           b"h2gender": json.dumps({"accounting": records.accounting.as_dict()})})
    for path, write in ((folder / f"{key}.rejected.parquet", lambda p: records.rejected.to_parquet(p, index=False)),
                        (folder / f"{key}.parquet", lambda p: pq.write_table(table, p))):
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            write(tmp)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)


def in_scope(records: WorkerRecords, *, programs: Sequence[str], fiscal_years: Sequence[int] | None = None,
             states: Sequence[str] | None = None) -> WorkerRecords:
    """The rows of one request: ``programs``, ``fiscal_years`` and worksite ``states`` (None: any).

    A row with the field missing is kept (a survey of one program and year often does not repeat
    them). Rows left out are counted by reason (``other_program``, ``other_fiscal_year``,
    ``other_state``) in ``accounting.rows_out_of_scope``. No row left is a
    ``DataValidationError`` naming the file and what was asked, never a silent fall-back.

    Examples
    --------
    >>> t = schema.conform(pd.DataFrame({"sex": ["F", "M", "M"], "program": ["H-2A", "H-2B", "H-2A"],
    ...                                  "fiscal_year": [2019, 2019, 2018]}), schema.WORKER_COLUMNS)
    >>> acc = Accounting("s.csv", None, 3, 3)
    >>> r = in_scope(WorkerRecords(t, t.iloc[0:0], acc), programs=["H-2A"], fiscal_years=[2019])
    >>> len(r.table), r.accounting.rows_out_of_scope
    (1, {'other_program': 1, 'other_fiscal_year': 1})
    """
    t = records.table
    reason = pd.Series(pd.NA, index=t.index, dtype="string")
    checks = [("other_program", "program", list(programs))]
    if fiscal_years is not None:
        checks.append(("other_fiscal_year", "fiscal_year", [int(y) for y in fiscal_years]))
    if states:
        checks.append(("other_state", "worksite_state", list(states)))
    for why, col, allowed in checks:
        out = t[col].notna() & ~t[col].isin(allowed)
        reason[out.fillna(False).astype(bool) & reason.isna()] = why
    keep = reason.isna()
    counts = {**records.accounting.rows_out_of_scope, **{str(k): int(v) for k, v in reason.value_counts().items()}}
    acc = replace(records.accounting, rows_kept=int(keep.sum()), rows_out_of_scope=counts)
    if not keep.any():
        wanted = f"program {'/'.join(programs)}"
        if fiscal_years is not None:
            wanted += ", FY" + "/".join(str(y) for y in fiscal_years)
        if states:
            wanted += ", worksite state " + "/".join(states)
        raise DataValidationError(f"{acc.source_file}: no worker rows left for {wanted}; {acc.describe()}")
    # every row in scope (the usual case): the table itself, not a copy of millions of rows
    table = t if keep.all() else schema.mark_synthetic(t[keep.to_numpy()].reset_index(drop=True), t)
    return WorkerRecords(table=table, rejected=records.rejected, accounting=acc)
