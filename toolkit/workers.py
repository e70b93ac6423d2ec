"""Worker-level records that users bring (FOIA extracts, surveys, case files) -> canonical table.

``read_workers(path, mapping=...)`` reads CSV or xlsx with any column names, maps them to
``schema.WORKER_COLUMNS`` through a small mapping (a dict or a YAML file)::

    columns:            # canonical field: the user's column
      sex: Sexo
      fiscal_year: Año fiscal
      origin_state: Estado de origen
    values:             # optional extra value maps, per canonical field
      sex: {Mujer: F, Hombre: M}
    program: H-2A       # optional constant for a field the file does not have

validates types and codes, and accounts for every row: ``read_worker_records`` returns a
``WorkerRecords`` value (``.table``, ``.rejected`` with source row and reason but no identifiers,
``.accounting``: an ``Accounting`` with rows read, kept, rejected by reason, and the
``population`` the rows describe). ``in_scope`` keeps the rows of one request (program, fiscal
year, worksite state) and adds what it left out to the accounting; no row left is an error.
``read_workers`` is the older form that returns the table alone (accounting in ``attrs``, kept
for existing callers). Person identifiers (names, passport numbers, phone numbers; see
``privacy.PERSON_IDENTIFIER_COLUMNS``) are dropped at load unless ``keep_identifiers=True``.
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

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, get_args

import pandas as pd
import yaml

from toolkit import codes, privacy, rawio, schema
from toolkit.errors import DataValidationError, SchemaError

__all__ = ["read_workers", "read_worker_records", "in_scope", "describe_accounting", "load_mapping", "Accounting", "WorkerRecords",
           "Population", "POPULATIONS", "SEX_VALUES", "MEXICAN_STATES"]

Population = Literal["applicants", "admitted workers", "respondents"]
POPULATIONS: tuple[str, ...] = get_args(Population)


@dataclass(frozen=True)
class Accounting:
    """What happened to every row of a worker file.

    ``rows_read = rows_kept + sum(rows_rejected.values()) + sum(rows_out_of_scope.values())``.
    ``source_file`` is the file name only (never its folder); ``sha256`` its checksum (None for an
    in-memory table). ``rows_rejected``: reason -> rows that could not be read (see
    ``read_workers``); ``rows_out_of_scope``: reason (``other_program``, ``other_fiscal_year``,
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


def read_workers(path_or_df, mapping: str | os.PathLike | Mapping | None = None, *, source: str | None = None,
                 keep_identifiers: bool = False, strict: bool = False, sheet: str | None = None) -> pd.DataFrame:
    """The table of ``read_worker_records`` alone, with ``attrs["rejected"]`` and
    ``attrs["accounting"]`` (a dict) for existing callers; new code uses ``read_worker_records``.
    """
    rec = read_worker_records(path_or_df, mapping, source=source, keep_identifiers=keep_identifiers, strict=strict,
                              sheet=sheet)
    table = rec.table.copy()
    acc = rec.accounting
    table.attrs["rejected"] = rec.rejected
    table.attrs["accounting"] = {"source_file": acc.source_file, "rows_read": acc.rows_read,
                                 "rows_kept": acc.rows_kept, "rows_dropped": dict(acc.rows_rejected),
                                 "identifier_columns_dropped": list(acc.identifier_columns_dropped),
                                 "identical_rows_kept": acc.identical_rows_kept, "population": acc.population}
    return table


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
                        sheet: str | None = None) -> WorkerRecords:
    """Read user worker records into ``schema.WORKER_COLUMNS`` (see module docstring).

    Rejection reasons: ``blank_row`` (every cell empty: not a worker record),
    ``undecodable_bytes`` (a row of a UTF-8 text file with bytes that are not UTF-8, replaced by
    U+FFFD: ``rawio.decide_encoding`` decides the encoding once per file, on the evidence reported
    in ``accounting.encoding_evidence``), ``unknown_sex_code``, ``bad_fiscal_year``, ``bad_soc_code``,
    ``unknown_stage``, ``bad_selected``, ``bad_wage``, ``unknown_origin_state``, ``duplicate_row``
    (a repeated row in a file that identifies people; without identifiers identical rows may be
    different people and are kept, counted in ``accounting["identical_rows_kept"]``).
    With ``strict=True`` the first rejections raise ``DataValidationError`` instead.
    """
    spec = load_mapping(mapping)
    export = _survey_export(path_or_df) if mapping is None else None
    raw, name, meta = (export.table, export.source_file, {}) if export is not None else _read(path_or_df, sheet)
    rows_read = len(raw)
    folded = {_fold(c): c for c in raw.columns}
    out = pd.DataFrame(index=raw.index)
    for field in schema.WORKER_COLUMNS:
        user_col = spec["columns"].get(field)
        if user_col is not None:
            if user_col not in raw.columns:
                raise SchemaError(f"{name}: the mapping says {field} is in column {user_col!r}, which is not in "
                                  f"the file; columns: {list(raw.columns)}")
            out[field] = raw[user_col]
        elif field in spec["constants"]:
            out[field] = str(spec["constants"][field])
        elif _fold(field) in folded:
            out[field] = raw[folded[_fold(field)]]
    if "sex" not in out:
        raise SchemaError(f"{name}: no column for sex; map it (columns: {{sex: <your column>}}). "
                          f"Columns available: {list(raw.columns)}")
    out = out.astype("string").apply(lambda s: s.str.strip())
    reasons = export.reasons.copy() if export is not None else pd.Series(pd.NA, index=out.index, dtype="string")

    def reject(mask: pd.Series, reason: str) -> None:
        reasons[mask & reasons.isna()] = reason

    def missing(s: pd.Series) -> pd.Series:
        return s.isna() | s.map(lambda v: _fold(v) in _MISSING if isinstance(v, str) else True).astype(bool)

    blank = raw.astype("string").apply(lambda s: s.isna() | s.str.strip().eq("")).all(axis=1) if len(raw.columns) \
        else pd.Series(True, index=raw.index)
    reject(blank, "blank_row")
    replaced = pd.Series(raw.index.isin([r - 2 for r in meta.get("rows_with_replaced_bytes", [])]), index=raw.index)
    reject(replaced, "undecodable_bytes")

    extra_sex = {_fold(k): v for k, v in spec["values"].get("sex", {}).items()}
    sex = out["sex"]
    code = sex.map(lambda v: extra_sex.get(_fold(v), SEX_VALUES.get(_fold(v))) if isinstance(v, str) else None)
    reject(~missing(sex) & code.isna(), "unknown_sex_code")
    out["sex"] = code.where(~missing(sex), None)

    if "fiscal_year" in out:
        fy = pd.to_numeric(out["fiscal_year"], errors="coerce")
        reject(~missing(out["fiscal_year"]) & (fy.isna() | (fy < 1990) | (fy > 2100) | (fy % 1 != 0)), "bad_fiscal_year")
        out["fiscal_year"] = fy.where((fy >= 1990) & (fy <= 2100))
    if "program" in out:
        prog = out["program"].map(lambda v: {"h2a": "H-2A", "h-2a": "H-2A", "h2b": "H-2B", "h-2b": "H-2B"}.get(
            _fold(v).replace(" ", "")) if isinstance(v, str) else None)
        out["program"] = prog
    if "soc_code" in out:
        norm = codes.normalize_soc(out["soc_code"])
        reject(~missing(out["soc_code"]) & norm.isna(), "bad_soc_code")
        out["soc_code"] = norm
    if "stage" in out:
        st = out["stage"].map(lambda v: _STAGE.get(_fold(v)) if isinstance(v, str) else None)
        reject(~missing(out["stage"]) & st.isna(), "unknown_stage")
        out["stage"] = st
    if "selected" in out:
        sel = out["selected"].map(lambda v: _BOOL.get(_fold(v)) if isinstance(v, str) else None)
        reject(~missing(out["selected"]) & sel.isna(), "bad_selected")
        out["selected"] = sel
    if "wage_hourly" in out:
        w = pd.to_numeric(out["wage_hourly"].str.replace(r"[$,]", "", regex=True), errors="coerce")
        reject(~missing(out["wage_hourly"]) & (w.isna() | (w <= 0)), "bad_wage")
        out["wage_hourly"] = w.where(w > 0)
    if "origin_state" in out:
        extra = {_fold(k): v for k, v in spec["values"].get("origin_state", {}).items()}

        def inegi(v):
            if not isinstance(v, str):
                return None
            return extra.get(_fold(v)) or codes.mexican_state_code(v)

        code = out["origin_state"].map(inegi)
        is_mex = out["nationality"].map(lambda v: _fold(v) in ("mex", "mexico", "mx", "mexicana", "mexicano")
                                        if isinstance(v, str) else True) if "nationality" in out else True
        reject(~missing(out["origin_state"]) & code.isna() & is_mex, "unknown_origin_state")
        out["origin_state"] = code
    if source is not None or "source" not in out:
        out["source"] = source or name

    ids = [c for c in raw.columns if _fold(c).replace(" ", "_") in privacy.PERSON_IDENTIFIER_COLUMNS]
    ids += [c for c in spec.get("identifiers", []) if c in raw.columns and c not in ids]
    # Identical rows are the same person only when the file identifies people; in an anonymous
    # survey two people can give the same answers, so identical rows are kept and counted.
    identical = raw.astype(str).duplicated() & ~blank
    if ids:
        reject(identical, "duplicate_row")

    rejected = pd.DataFrame({"source_row": (reasons.index.to_numpy() + 2), "reason": reasons})[reasons.notna()]
    if strict and len(rejected):
        head = "; ".join(f"row {r}: {why}" for r, why in rejected.head(10).itertuples(index=False))
        raise DataValidationError(f"{name}: {len(rejected)} row(s) rejected: {head}")
    if not reasons.isna().any():
        found = "; ".join(f"{why} {n}" for why, n in rejected["reason"].value_counts().items()) or "the file is empty"
        raise DataValidationError(f"{name}: no worker row could be read ({rows_read} rows read; {found})")
    kept = out[reasons.isna()].reset_index(drop=True)
    table = schema.conform(kept, schema.WORKER_COLUMNS, name=name)
    if keep_identifiers and ids:
        for c in ids:
            table[c] = raw.loc[reasons.isna(), c].to_numpy()
    dropped = rejected["reason"].value_counts().to_dict()
    sha = None
    if not isinstance(path_or_df, pd.DataFrame):
        from toolkit.checksum import sha256_file

        sha = sha256_file(path_or_df)
    accounting = Accounting(source_file=name, sha256=sha, rows_read=rows_read, rows_kept=len(table),
                            rows_rejected={str(k): int(v) for k, v in dropped.items()},
                            identifier_columns_dropped=() if keep_identifiers else tuple(ids),
                            identical_rows_kept=0 if ids else int(identical.sum()),
                            population=_population(table, spec.get("population")),
                            encoding=meta.get("encoding"), encoding_evidence=meta.get("encoding_evidence"))
    return WorkerRecords(table=table, rejected=rejected.reset_index(drop=True), accounting=accounting)


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
    table = schema.mark_synthetic(t[keep.to_numpy()].reset_index(drop=True), t)
    return WorkerRecords(table=table, rejected=records.rejected, accounting=acc)
