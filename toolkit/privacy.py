"""Small-cell suppression and identifier removal for anything published.

Worker-level data describe vulnerable people. Every printed table, figure, map and sentence goes
through ``suppress`` (counts below ``k`` are hidden, default ``K_DEFAULT`` = 10) and no output carries
a person's name or identifier (``drop_identifiers``).

The rule follows common statistical disclosure practice (e.g. cells under 10 are withheld in many
US federal releases; see Federal Committee on Statistical Methodology, 2005, *Report on Statistical
Disclosure Limitation Methodology*, Statistical Policy Working Paper 22).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from toolkit.errors import PrivacyError

__all__ = ["K_DEFAULT", "PERSON_IDENTIFIER_COLUMNS", "suppress", "drop_identifiers", "check_no_small_cells"]

K_DEFAULT = 10

#: Column names (lower-case) that identify a person and are dropped at load unless kept explicitly.
PERSON_IDENTIFIER_COLUMNS = frozenset(
    {
        "name", "worker_name", "first_name", "last_name", "middle_name", "full_name", "nombre",
        "apellido", "apellidos", "passport", "passport_number", "visa_number", "a_number",
        "alien_number", "ssn", "curp", "rfc", "phone", "telephone", "email", "e_mail", "address",
        "street", "date_of_birth", "dob", "birth_date", "fecha_nacimiento", "worker_id", "person_id",
    }
)


def suppress(
    table: pd.DataFrame,
    count_cols: str | Sequence[str],
    *,
    k: int = K_DEFAULT,
    dependent: Iterable[str] = (),
    flag: str = "suppressed",
) -> pd.DataFrame:
    """Hide rows whose count in any of ``count_cols`` is below ``k``.

    In a suppressed row the count columns and every column in ``dependent`` (shares, rates, wages
    computed from the small count) become ``<NA>`` and ``flag`` is True. Zero counts are not
    suppressed: a zero reveals no person. Returns a copy; the input is not changed.
    """
    if k < 1:
        raise ValueError(f"k must be a positive integer, got {k}")
    cols = [count_cols] if isinstance(count_cols, str) else list(count_cols)
    dependent = list(dependent)
    missing = [c for c in cols + dependent if c not in table.columns]
    if missing:
        raise KeyError(f"suppress: columns {missing} not in table (has {list(table.columns)})")
    out = table.copy()
    small = pd.Series(False, index=out.index)
    for c in cols:
        values = pd.to_numeric(out[c], errors="coerce")
        small |= (values > 0) & (values < k)
    small = small.fillna(False).astype(bool)
    for c in cols + dependent:
        if small.any():
            if pd.api.types.is_integer_dtype(out[c]) and not pd.api.types.is_extension_array_dtype(out[c]):
                out[c] = out[c].astype("Int64")
            elif pd.api.types.is_float_dtype(out[c]) and not pd.api.types.is_extension_array_dtype(out[c]):
                out[c] = out[c].astype("Float64")
            out.loc[small, c] = pd.NA
    out[flag] = small.to_numpy()
    out.attrs = dict(table.attrs)
    out.attrs["suppression_k"] = k
    return out


def drop_identifiers(df: pd.DataFrame, *, keep: Iterable[str] = ()) -> pd.DataFrame:
    """Drop columns that identify a person (``PERSON_IDENTIFIER_COLUMNS``), except those in ``keep``."""
    keep = {c.lower() for c in keep}
    drop = [c for c in df.columns if str(c).lower() in PERSON_IDENTIFIER_COLUMNS and str(c).lower() not in keep]
    out = df.drop(columns=drop)
    out.attrs = dict(df.attrs)
    out.attrs.setdefault("dropped_identifiers", [])
    out.attrs["dropped_identifiers"] = list(out.attrs["dropped_identifiers"]) + drop
    return out


def check_no_small_cells(table: pd.DataFrame, count_cols: str | Sequence[str], *, k: int = K_DEFAULT) -> None:
    """Raise ``PrivacyError`` if any visible count in ``count_cols`` is between 1 and k-1."""
    cols = [count_cols] if isinstance(count_cols, str) else list(count_cols)
    for c in cols:
        values = pd.to_numeric(table[c], errors="coerce")
        bad = table.index[(values > 0) & (values < k)]
        if len(bad):
            raise PrivacyError(f"column {c!r} shows counts below k={k} in rows {list(bad[:5])}")
