"""Canonical tidy tables shared by every reader, the synthetic generator and the analyses.

One row per labor-certification case (``CASE_COLUMNS``) and one row per worker, applicant or
surveyed person (``WORKER_COLUMNS``). Readers and ``toolkit.synth`` return exactly these columns, in
this order, with these dtypes (pandas nullable types, so a field absent in an era is ``<NA>``, never
an invented value). Extra, era-specific columns are allowed after the canonical ones.

Conventions
-----------
- ``program``: "H-2A" or "H-2B".
- ``soc_code``: 6-digit SOC 2018 style ``NN-NNNN`` (``45-2092``); the raw value is in ``soc_code_raw``.
- ``worksite_state`` / ``employer_state``: USPS 2-letter code.
- ``case_status``: one of ``CASE_STATUSES``.
- ``wage_hourly``: offered wage converted to dollars per hour (see ``toolkit.dol`` for the rules).
- ``sex``: "F", "M", "X" (another or non-binary category recorded by the source) or ``<NA>``.
- ``origin_state``: for Mexico, the 2-digit INEGI state code ("01".."32").
- ``stage``: one of ``STAGES``.
- A table made by ``toolkit.synth`` has ``df.attrs["synthetic"] is True``; see ``is_synthetic``.
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from toolkit.errors import DataValidationError

__all__ = [
    "PROGRAMS",
    "CASE_STATUSES",
    "SEX_CODES",
    "STAGES",
    "WAGE_UNITS",
    "CASE_COLUMNS",
    "WORKER_COLUMNS",
    "conform",
    "is_synthetic",
    "mark_synthetic",
]

PROGRAMS = ("H-2A", "H-2B")
CASE_STATUSES = ("certified", "partially certified", "denied", "withdrawn", "other")
SEX_CODES = ("F", "M", "X")
STAGES = ("applied", "recruited", "certified", "admitted")
WAGE_UNITS = ("hour", "day", "week", "bi-weekly", "month", "year", "piece")

CASE_COLUMNS: dict[str, str] = {
    "program": "string",
    "fiscal_year": "Int64",
    "case_number": "string",
    "case_status_raw": "string",
    "case_status": "string",
    "is_certified": "boolean",
    "decision_date": "datetime64[ns]",
    "employer_name": "string",
    "employer_state": "string",
    "employer_city": "string",
    "agent_name": "string",
    "application_type": "string",
    "is_duplicate": "boolean",
    "workers_requested": "Int64",
    "workers_certified": "Int64",
    "worksite_state": "string",
    "worksite_county": "string",
    "worksite_city": "string",
    "soc_code": "string",
    "soc_code_raw": "string",
    "soc_title": "string",
    "naics_code": "string",
    "job_title": "string",
    "wage_offer": "Float64",
    "wage_unit": "string",
    "wage_hourly": "Float64",
    "experience_required": "boolean",
    "experience_months": "Float64",
    "begin_date": "datetime64[ns]",
    "end_date": "datetime64[ns]",
    "requirements_text": "string",
    "source_file": "string",
    "source_row": "Int64",
}

WORKER_COLUMNS: dict[str, str] = {
    "program": "string",
    "fiscal_year": "Int64",
    "sex": "string",
    "nationality": "string",
    "origin_state": "string",
    "age_band": "string",
    "soc_code": "string",
    "case_number": "string",
    "employer_id": "string",
    "employer_name": "string",
    "worksite_state": "string",
    "recruiter": "string",
    "stage": "string",
    "selected": "boolean",
    "wage_hourly": "Float64",
    "source": "string",
}


def conform(df: pd.DataFrame, columns: Mapping[str, str], *, name: str = "table") -> pd.DataFrame:
    """Return ``df`` with every canonical column, in canonical order and dtype, extras after.

    Missing canonical columns are added as all-``<NA>``. A value that cannot be cast raises
    ``DataValidationError`` naming the table, the column and the first offending rows.
    """
    out = df.copy()
    for col, dtype in columns.items():
        if col not in out.columns:
            out[col] = pd.Series(pd.NA, index=out.index, dtype=dtype if dtype != "datetime64[ns]" else "object")
        try:
            if dtype == "datetime64[ns]":
                out[col] = pd.to_datetime(out[col], errors="raise").astype("datetime64[ns]")
            elif str(out[col].dtype) != dtype:
                out[col] = out[col].astype(dtype)
        except (TypeError, ValueError) as exc:
            bad = _first_bad(out[col], dtype)
            raise DataValidationError(
                f"{name}: column {col!r} cannot be read as {dtype}; first bad rows {bad}: {exc}"
            ) from exc
    extras = [c for c in out.columns if c not in columns]
    result = out[list(columns) + extras]
    result.attrs = dict(df.attrs)
    return result


def _first_bad(series: pd.Series, dtype: str, limit: int = 5) -> dict:
    bad = {}
    for idx, value in series.items():
        try:
            pd.Series([value]).astype(dtype if dtype != "datetime64[ns]" else "datetime64[ns]")
        except (TypeError, ValueError):
            bad[idx] = value
            if len(bad) >= limit:
                break
    return bad


def is_synthetic(df: pd.DataFrame) -> bool:
    """True when the table (or the table it was derived from) came from ``toolkit.synth``."""
    return bool(getattr(df, "attrs", {}).get("synthetic", False))


def mark_synthetic(df: pd.DataFrame, source: pd.DataFrame | bool = True) -> pd.DataFrame:
    """Carry the synthetic label onto a derived table (pandas drops ``attrs`` in many operations)."""
    flag = is_synthetic(source) if isinstance(source, pd.DataFrame) else bool(source)
    if flag:
        df.attrs["synthetic"] = True
    return df
