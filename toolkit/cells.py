"""Worker records aggregated into cells: one row per combination of the columns a statistic needs,
with the count of people and the sufficient statistics of their log wages.

A file of millions of workers holds a few thousand distinct combinations of sex, occupation,
worksite state, employer, recruiter, stage and year. Every count-based statistic (shares,
availability, segregation, selection rates) is a function of the counts per cell, and the
Oaxaca-Blinder decomposition with categorical controls is a function of the per-cell count, sum
and sum of squares of log wages (its normal equations are sums over workers, constant within a
cell). So the rows are read once, grouped once, and the statistics take the cell table
(``discrimination.wage_gap_cells``); the cell table is also what disclosure control protects.

``aggregate(data, by)`` is pure: a table in, a table out, nothing else touched.

Examples
--------
>>> df = pd.DataFrame({"sex": ["F", "F", "M", "M", "M"], "soc_code": ["a", "a", "a", "b", "b"],
...                    "wage_hourly": [10.0, None, 12.0, 15.0, 15.0]})
>>> aggregate(df, ["sex", "soc_code"])[["sex", "soc_code", "n", "n_wage"]].to_dict("records")
[{'sex': 'F', 'soc_code': 'a', 'n': 2, 'n_wage': 1}, {'sex': 'M', 'soc_code': 'a', 'n': 1, 'n_wage': 1}, {'sex': 'M', 'soc_code': 'b', 'n': 2, 'n_wage': 2}]
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit import schema

__all__ = ["aggregate", "CELL_COLUMNS", "WAGE_STATS"]

#: The columns of a worker table the evidence counts by (``aggregate``'s default ``by``).
CELL_COLUMNS = ("sex", "soc_code", "worksite_state", "employer_name", "recruiter", "stage", "selected",
                "fiscal_year", "program")
#: The sufficient statistics of log wages per cell: rows with a positive wage, sum and sum of squares.
WAGE_STATS = ("n_wage", "sum_log_wage", "sumsq_log_wage")


def aggregate(data: pd.DataFrame, by: Sequence[str] = CELL_COLUMNS, *, wage: str | None = "wage_hourly") -> pd.DataFrame:
    """Counts and log-wage sufficient statistics per combination of ``by``.

    For each cell c (a distinct combination of the ``by`` values, a missing value being a value
    of its own): n_c = rows; and over the rows i of c with a positive ``wage`` w_i, y_i = ln w_i:
    n_wage_c = #{i}, sum_log_wage_c = sum y_i, sumsq_log_wage_c = sum y_i^2. Every row is in
    exactly one cell, so ``n`` sums to ``len(data)``. A wage that is zero or negative cannot be
    logged and raises ``ValueError`` naming its rows (a worker reader rejects them first).

    Parameters
    ----------
    data : one row per worker (``schema.WORKER_COLUMNS`` or any table with the ``by`` columns).
    by : the columns that define a cell (absent ones are skipped).
    wage : the column of hourly wages (None: counts only).

    Returns
    -------
    DataFrame with the ``by`` columns present, ``n`` and (with ``wage``) ``n_wage``,
    ``sum_log_wage``, ``sumsq_log_wage``; one row per non-empty cell, in sorted order.
    """
    by = [c for c in by if c in data.columns]
    work = data[by].copy()
    for col in by:  # NA is a value of its own; categoricals group on what is there
        if isinstance(work[col].dtype, pd.CategoricalDtype):
            work[col] = work[col].astype(work[col].cat.categories.dtype)
    work["n"] = 1
    if wage is not None and wage in data.columns:
        w = pd.to_numeric(data[wage], errors="coerce").astype(float).to_numpy()
        bad = np.flatnonzero(w <= 0)
        if len(bad):
            raise ValueError(f"{wage!r} must be positive to take logs; rows {list(data.index[bad][:5])}")
        y = np.log(w)
        present = ~np.isnan(y)
        work["n_wage"] = present.astype(np.int64)
        work["sum_log_wage"] = np.where(present, y, 0.0)
        work["sumsq_log_wage"] = np.where(present, y * y, 0.0)
    if not by:
        out = work.sum().to_frame().T
    else:
        out = work.groupby(by, dropna=False, sort=True, observed=True).sum().reset_index()
    out["n"] = out["n"].astype(np.int64)
    if "n_wage" in out:
        out["n_wage"] = out["n_wage"].astype(np.int64)
    return schema.mark_synthetic(out, data)
