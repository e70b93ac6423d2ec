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

validates types and codes, and reports every row it rejects and why: ``attrs["rejected"]``
(source row and reason, no identifiers) and ``attrs["accounting"]`` (rows read, kept, dropped
by reason). Person identifiers (names, passport numbers, phone numbers; see
``privacy.PERSON_IDENTIFIER_COLUMNS``) are dropped at load unless ``keep_identifiers=True``.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import yaml

from toolkit import codes, privacy, schema
from toolkit.errors import DataValidationError, SchemaError

__all__ = ["read_workers", "load_mapping", "SEX_VALUES", "MEXICAN_STATES"]

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


def load_mapping(mapping: str | os.PathLike | Mapping | None) -> dict:
    """Validate a mapping (dict or YAML path); unknown canonical names raise ``SchemaError``."""
    if mapping is None:
        return {"columns": {}, "values": {}, "constants": {}}
    if not isinstance(mapping, Mapping):
        path = Path(mapping)
        try:
            mapping = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise SchemaError(f"{path.name}: the mapping is not valid YAML ({exc})") from exc
    columns = dict(mapping.get("columns", {}))
    values = dict(mapping.get("values", {}))
    constants = {k: v for k, v in mapping.items() if k in schema.WORKER_COLUMNS}
    unknown = [k for k in [*columns, *values] if k not in schema.WORKER_COLUMNS]
    extra_keys = [k for k in mapping if k not in ("columns", "values", "identifiers") and k not in schema.WORKER_COLUMNS]
    if unknown or extra_keys:
        raise SchemaError(f"mapping names unknown canonical fields {unknown + extra_keys}; "
                          f"allowed: {list(schema.WORKER_COLUMNS)}")
    return {"columns": columns, "values": values, "constants": constants,
            "identifiers": list(mapping.get("identifiers", []))}


def _read(path_or_df, sheet) -> tuple[pd.DataFrame, str]:
    if isinstance(path_or_df, pd.DataFrame):
        return path_or_df.astype("string"), "table"
    path = Path(path_or_df)
    if path.suffix.lower() == ".csv":
        for enc in ("utf-8", "cp1252"):
            try:
                return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=enc), path.name
            except UnicodeDecodeError:
                continue
    if path.suffix.lower() in (".xlsx", ".xls"):
        return pd.read_excel(path, engine="calamine", dtype=str, sheet_name=sheet or 0, keep_default_na=False), path.name
    raise SchemaError(f"{path.name}: unsupported file type; expected .csv, .xlsx or .xls")


def read_workers(path_or_df, mapping: str | os.PathLike | Mapping | None = None, *, source: str | None = None,
                 keep_identifiers: bool = False, strict: bool = False, sheet: str | None = None) -> pd.DataFrame:
    """Read user worker records into ``schema.WORKER_COLUMNS`` (see module docstring).

    Rejection reasons: ``unknown_sex_code``, ``bad_fiscal_year``, ``bad_soc_code``,
    ``unknown_stage``, ``bad_selected``, ``bad_wage``, ``unknown_origin_state``, ``duplicate_row``
    (a repeated row in a file that identifies people; without identifiers identical rows may be
    different people and are kept, counted in ``accounting["identical_rows_kept"]``).
    With ``strict=True`` the first rejections raise ``DataValidationError`` instead.
    """
    spec = load_mapping(mapping)
    raw, name = _read(path_or_df, sheet)
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
    reasons = pd.Series(pd.NA, index=out.index, dtype="string")

    def reject(mask: pd.Series, reason: str) -> None:
        reasons[mask & reasons.isna()] = reason

    def missing(s: pd.Series) -> pd.Series:
        return s.isna() | s.map(lambda v: _fold(v) in _MISSING if isinstance(v, str) else True).astype(bool)

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
    identical = raw.astype(str).duplicated()
    if ids:
        reject(identical, "duplicate_row")

    rejected = pd.DataFrame({"source_row": (reasons.index.to_numpy() + 2), "reason": reasons})[reasons.notna()]
    if strict and len(rejected):
        head = "; ".join(f"row {r}: {why}" for r, why in rejected.head(10).itertuples(index=False))
        raise DataValidationError(f"{name}: {len(rejected)} row(s) rejected: {head}")
    kept = out[reasons.isna()].reset_index(drop=True)
    table = schema.conform(kept, schema.WORKER_COLUMNS, name=name)
    if keep_identifiers and ids:
        for c in ids:
            table[c] = raw.loc[reasons.isna(), c].to_numpy()
    dropped = rejected["reason"].value_counts().to_dict()
    table.attrs["rejected"] = rejected.reset_index(drop=True)
    table.attrs["accounting"] = {"source_file": name, "rows_read": rows_read, "rows_kept": len(table),
                                 "rows_dropped": {str(k): int(v) for k, v in dropped.items()},
                                 "identifier_columns_dropped": [] if keep_identifiers else ids,
                                 "identical_rows_kept": 0 if ids else int(identical.sum())}
    assert rows_read == len(table) + sum(dropped.values())
    return table
