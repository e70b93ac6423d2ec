"""One disclosure layer for every published number: primary and complementary suppression.

Every number the toolkit publishes (report tables, sentences, figures, maps, ``analyze`` CSV/JSON)
has a *kind* (``KINDS``):

- ``protected``: a count of people from worker records (women, men, workers, applicants,
  selected). Shown only when it is 0 or at least ``k``.
- ``public``: a fact from public DOL records or published benchmarks (certified positions,
  employer names, SOC codes, the BLS share of women in an occupation). Shown as it is.
- ``derived``: a value computed from protected counts (shares, rates, standard errors, intervals,
  p- and q-values, ranks, odds ratios, shrunk values, shortfalls, expected counts that use a
  protected total). It inherits the protection of the counts it comes from: it is hidden
  whenever any protected count of its row is hidden.

Primary suppression hides every protected count from 1 to k-1 (a zero reveals no person and is
shown). Complementary (secondary) suppression hides enough further cells that no hidden count
follows from what is shown, following the practice of statistical agencies (FCSM 2005, ch. 4;
tau-ARGUS and the R package ``sdcTable``, which solve it by linear programming). Here the rule is
deliberately simple so that it can be proved, and an audit checks it on every call.

The rule (``protect_rows``)
---------------------------
A published table is one margin of the worker cube: one row per scope value (state, employer,
occupation, origin state, sex), protected count columns (e.g. women, men, total) whose column sums
the reader can know from elsewhere (the national totals printed in a sentence, another table of
the same output set, ``analyze`` files). We assume the adversary knows every column sum, knows the
rule, and can bound every hidden count of a column: at least 1 (zeros are never hidden for their
own sake; a zero in a row hidden for another column gets the bound 0) and at most
``hi = max(k - 1, m, largest hidden count)``, where ``m`` is the smallest visible non-zero count of
the column (a hidden cell is a primary one, below k, or a complement chosen as the smallest
visible cell). These bounds are at least as tight as anything the published numbers can tell a
reader, so protecting against them protects against any real reader.

1. The unit of suppression is the row: if any protected count of a row is in 1..k-1, every
   protected and derived value of the row is hidden. Because a row's counts are hidden together,
   the linear system ``women + men = total`` adds no equation the adversary can use, and the
   problem splits into one independent problem per column (the row totals are unknowns too).
2. For each protected column, with hidden set H and S = column sum - visible sum, the adversary's
   feasible values of a hidden cell h are the integers in
   ``[max(1, S - sum_{j in H, j != h} hi_j), min(hi_h, S - (|H| - 1))]``. This interval is exact
   for the one-column problem with box constraints (a sum of bounded integers takes every
   integer value between its bounds).
3. While some hidden cell of some column has fewer than two feasible values (in particular when
   |H| = 1), hide the row with the smallest visible non-zero count of that column (ties: first
   in order) and recompute. The loop ends because each step hides a row; if no visible non-zero
   row remains, the column is all hidden or zero and the column itself must not be published:
   the function says so (``result`` flag ``column_disclosive``), and callers refuse the scope.

Claim: after the loop, for every protected column and every hidden cell, at least two values are
consistent with everything the table and its column sums show, so no hidden count is recovered
exactly or narrowed to one value. Proof: by (1) the feasible set of the table factorises into
per-column sets; by (2) the projection of each column's set on a cell is the integer interval
given; (3) stops only when every such interval has at least two integers. Derived values of
hidden rows are hidden, so they add no equation; derived values of visible rows are functions
of visible counts (and public values) only, when the caller follows the kinds.

Rows that are not published at all (a table cut to its first rows, entities below k left out)
are hidden rows for the audit (pass ``shown``): the reader knows their sum, not their values.

Sentences (``band``, ``share_allowed``) and scopes (``scope_allows``) follow the same rule: a
count in a sentence is a band ("fewer than 10") when below k; a share is printed only when the
part and the rest of its total are both 0 or at least k; a scope (state, employer, recruiter)
whose women or men are below k gives a suppressed-only result, never a percentage. Maps go
through ``protect_rows`` like tables, and ``map_values`` also hides a lone visible area.

References
----------
Federal Committee on Statistical Methodology (2005). Report on Statistical Disclosure Limitation
Methodology. Statistical Policy Working Paper 22 (second version). Office of Management and Budget.
Hundepool, A., et al. (2012). Statistical Disclosure Control. Wiley (tau-ARGUS practice, ch. 4).
Meindl, B. (2023). sdcTable: Methods for Statistical Disclosure Control in Tabular Data. R package.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, get_args

import numpy as np
import pandas as pd

from toolkit.errors import PrivacyError

__all__ = ["Kind", "KINDS", "K_DEFAULT", "ALLOWED_COLUMNS", "primary_mask", "feasible_intervals", "protect_rows",
           "band", "share_allowed", "scope_allows", "map_values", "publishable_columns", "protect_table",
           "share_text"]

Kind = Literal["protected", "public", "derived"]
KINDS: tuple[str, ...] = get_args(Kind)
K_DEFAULT = 10


def _check_k(k: int) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    return int(k)


def primary_mask(values, *, k: int = K_DEFAULT) -> np.ndarray:
    """True where a protected count is between 1 and k-1 (primary suppression).

    Examples
    --------
    >>> primary_mask([0, 1, 4, 5, 12], k=5).tolist()
    [False, True, True, False, False]
    """
    k = _check_k(k)
    v = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    return (v > 0) & (v < k)


def feasible_intervals(hidden: Sequence[float], total_hidden: float, *, hi: Sequence[float] | float,
                       lo: Sequence[float] | float = 1) -> list[tuple[int, int]]:
    """The integer values each hidden cell can take, given only the sum of the hidden cells.

    For cell h: low_h = max(lo_h, S - sum_{j != h} hi_j), high_h = min(hi_h, S - sum_{j != h} lo_j),
    with S the hidden sum and each hidden cell known to be in [lo_j, hi_j] (see the module
    docstring). The interval is exact: a sum of bounded integers takes every value between its
    bounds. ``hidden`` only sets the number and order of the cells.

    Examples
    --------
    One hidden cell is its column's remainder:

    >>> feasible_intervals([3], 3, hi=9)
    [(3, 3)]

    Two hidden cells of 1 each are both pinned by their sum 2; 3 and 15 are not:

    >>> feasible_intervals([1, 1], 2, hi=9)
    [(1, 1), (1, 1)]
    >>> feasible_intervals([3, 15], 18, hi=16)
    [(2, 16), (2, 16)]
    """
    n = len(hidden)
    his = [float(hi)] * n if np.isscalar(hi) else [float(h) for h in hi]
    los = [float(lo)] * n if np.isscalar(lo) else [float(x) for x in lo]
    out = []
    for h in range(n):
        low = max(los[h], total_hidden - (sum(his) - his[h]))
        high = min(his[h], total_hidden - (sum(los) - los[h]))
        out.append((int(np.ceil(low)), int(np.floor(high))))
    return out


def _column_audit(values: np.ndarray, hidden: np.ndarray, k: int) -> tuple[bool, int | None]:
    """(safe, index of the next row to hide) for one protected column (rule step 3)."""
    if not (hidden & (values > 0)).any():
        return True, None
    cells = values[hidden]
    visible_nonzero = values[~hidden & (values > 0)]
    m = visible_nonzero.min() if len(visible_nonzero) else cells.sum()
    hi = max(k - 1, m, cells.max())
    lo = np.where(cells > 0, 1, 0)
    intervals = feasible_intervals(cells, float(cells.sum()), hi=hi, lo=lo)
    if all(high - low >= 1 for (low, high), v in zip(intervals, cells) if v > 0):
        return True, None
    candidates = np.flatnonzero(~hidden & (values > 0))
    if not len(candidates):
        return False, None
    return False, int(candidates[np.argmin(values[candidates])])


def protect_rows(table: pd.DataFrame, kinds: Mapping[str, str], *, k: int = K_DEFAULT,
                 shown: Sequence[bool] | None = None, flag: str = "suppressed") -> pd.DataFrame:
    """Primary and complementary suppression of a one-margin table, row by row (module docstring).

    Parameters
    ----------
    table : one row per scope value; every column must be named in ``kinds``.
    kinds : column -> "protected", "public" or "derived".
    k : counts 1..k-1 are hidden.
    shown : rows that will be published (default all); the others count as hidden in the audit.
    flag : name of the added boolean column (True for a hidden row).

    Returns
    -------
    DataFrame
        A copy with protected and derived values of hidden rows set to ``<NA>`` and ``flag``; the
        rows not ``shown`` are left out. ``attrs["column_disclosive"]`` lists protected columns
        that cannot be protected (every non-zero cell hidden): publish no part of them.

    Raises
    ------
    PrivacyError
        When a column of ``table`` has no kind (it is not on the allow-list), naming it.

    Examples
    --------
    Vermont's 3 women are hidden, and so is the next-smallest state, so that the national total
    does not give 3 back (54 - 20 - 16 = 18 = VT + NC):

    >>> t = pd.DataFrame({"state": ["GA", "FL", "NC", "VT"], "women": [20, 16, 15, 3],
    ...                   "total": [320, 266, 228, 15], "share": [.0625, .0602, .0658, .2]})
    >>> kinds = {"state": "public", "women": "protected", "total": "protected", "share": "derived"}
    >>> protect_rows(t, kinds, k=10)[["state", "women", "suppressed"]]
      state  women  suppressed
    0    GA     20       False
    1    FL     16       False
    2    NC   <NA>        True
    3    VT   <NA>        True
    """
    k = _check_k(k)
    bad_kinds = {c: v for c, v in kinds.items() if v not in KINDS}
    if bad_kinds:
        raise ValueError(f"kinds must be one of {list(KINDS)}, got {bad_kinds}")
    unlisted = [c for c in table.columns if c not in kinds]
    if unlisted:
        raise PrivacyError(f"columns {unlisted} have no disclosure kind (allowed: {list(kinds)}); "
                           "they are not published")
    protected = [c for c in table.columns if kinds[c] == "protected"]
    derived = [c for c in table.columns if kinds[c] == "derived"]
    values = {c: pd.to_numeric(table[c], errors="coerce").fillna(0).to_numpy(dtype=float) for c in protected}
    hidden = np.zeros(len(table), dtype=bool)
    for c in protected:
        hidden |= primary_mask(values[c], k=k)
    if shown is not None:
        hidden |= ~np.asarray(shown, dtype=bool)
    disclosive = []
    changed = True
    while changed:
        changed = False
        for c in protected:
            safe, nxt = _column_audit(values[c], hidden, k)
            if not safe and nxt is not None:
                hidden[nxt] = True
                changed = True
            elif not safe and c not in disclosive:
                disclosive.append(c)
    out = table.copy()
    for c in protected + derived:
        if hidden.any():
            if not pd.api.types.is_extension_array_dtype(out[c]):
                if pd.api.types.is_bool_dtype(out[c]):
                    out[c] = out[c].astype("boolean")
                elif pd.api.types.is_integer_dtype(out[c]):
                    out[c] = out[c].astype("Int64")
                elif pd.api.types.is_float_dtype(out[c]):
                    out[c] = out[c].astype("Float64")
                else:
                    out[c] = out[c].astype("object")
            out.loc[hidden, c] = pd.NA
    out[flag] = hidden
    if shown is not None:
        out = out[np.asarray(shown, dtype=bool)]
    out.attrs = {"suppression_k": k, "column_disclosive": disclosive}
    return out


def band(n: float, *, k: int = K_DEFAULT, lang: str = "en") -> str:
    """A count for a sentence: the number when 0 or at least k, else "fewer than k".

    Examples
    --------
    >>> band(3, k=10), band(0, k=10), band(1234, k=10), band(7, k=10, lang="es")
    ('fewer than 10', '0', '1,234', 'menos de 10')
    """
    from toolkit import i18n

    k = _check_k(k)
    return i18n.t("fewer_than", lang, k=k) if 0 < n < k else i18n.fmt_int(n, lang)


def share_allowed(part: float, whole: float, *, k: int = K_DEFAULT) -> bool:
    """Whether ``part / whole`` may be printed: the part and the rest are each 0 or at least k.

    A share with its total gives the part back (20.0% of 15 is 3), and the rest too (95.0% of
    women selected, of 40, leaves 2 rejected).

    Examples
    --------
    >>> share_allowed(3, 15, k=10), share_allowed(38, 40, k=10), share_allowed(54, 829, k=10)
    (False, False, True)
    """
    k = _check_k(k)
    rest = whole - part
    return all(x == 0 or x >= k for x in (part, rest))


def scope_allows(women: float, men: float, *, k: int = K_DEFAULT) -> bool:
    """Whether a scope (the whole request, a state, an employer, a recruiter) may be described.

    Both women and men must be at least k; otherwise the scope gives a suppressed-only result.

    Examples
    --------
    >>> scope_allows(3, 12, k=10), scope_allows(54, 775, k=60), scope_allows(54, 775, k=10)
    (False, False, True)
    """
    k = _check_k(k)
    return women >= k and men >= k


def map_values(values: pd.Series, *, k: int = K_DEFAULT) -> pd.Series:
    """Counts of people by area for a map: suppressed like a table column whose total is printed.

    Hidden areas become ``<NA>`` (drawn hatched). Besides ``protect_rows``, a map never shows a
    single non-zero area: alone, it would equal the printed total.

    Examples
    --------
    >>> map_values(pd.Series([20, 16, 15, 3], index=["11", "16", "20", "07"]), k=10).tolist()
    [20, 16, <NA>, <NA>]
    >>> map_values(pd.Series([3, 40], index=["07", "11"]), k=10).tolist()
    [<NA>, <NA>]
    """
    t = pd.DataFrame({"n": pd.to_numeric(values, errors="coerce").fillna(0).astype("int64").to_numpy()})
    out = protect_rows(t, {"n": "protected"}, k=k)
    visible = ~out["suppressed"] & (out["n"].fillna(0) > 0)
    if visible.sum() == 1 or out.attrs["column_disclosive"]:
        out.loc[out["n"].fillna(0) > 0, "n"] = pd.NA
    return pd.Series(out["n"].array, index=values.index, name=values.name, dtype="Int64")


#: Publishable columns of the ``analyze`` tables and their kinds; a column not listed is not written.
ALLOWED_COLUMNS: dict[str, dict[str, str]] = {
    "availability": {"observed": "protected", "total": "protected", "observed_share": "derived",
                     "expected_share": "derived", "expected": "derived", "shortfall": "derived", "sd": "derived",
                     "p_value": "derived", "ci_low": "derived", "ci_high": "derived",
                     "sd_with_benchmark_error": "derived"},
    "segregation": {"stat": "public", "est": "derived", "se": "derived", "ci_low": "derived", "ci_high": "derived",
                    "bias": "derived"},
    "adverse_impact": {"group": "public", "applicants": "protected", "selected": "protected",
                       "rejected": "protected", "rate": "derived", "reference": "public", "impact_ratio": "derived",
                       "ci_low": "derived", "ci_high": "derived", "four_fifths_flag": "derived",
                       "p_value_fisher": "derived", "p_value_z": "derived"},
    "wage_gap": {"stat": "public", "est": "derived", "se": "derived", "ci_low": "derived", "ci_high": "derived",
                 "n_f": "protected", "n_m": "protected", "method": "public"},
    "occupations": {"soc_code": "public", "occupation": "public", "women": "protected", "men": "protected",
                    "total": "protected", "women_share_observed": "derived", "women_share": "public",
                    "women_share_se": "public", "expected_women": "derived", "log_odds_ratio": "derived",
                    "log_odds_ratio_se": "derived", "shortfall": "derived", "positions": "public"},
    "states": {"worksite_state": "public", "women": "protected", "men": "protected", "total": "protected",
               "expected_women": "derived", "women_share_observed": "derived", "shortfall": "derived",
               "missing_per_100": "derived", "positions": "public", "expected_share": "public"},
    **{key: {entity: "public", "women": "protected", "men": "protected", "total": "protected",
             "expected_share": "derived", "observed_share": "derived", "shrunk_share": "derived",
             "shortfall": "derived", "shrunk_shortfall": "derived", "shrunk_ratio": "derived", "p_value": "derived",
             "q_value": "derived", "credible": "derived", "rank": "derived", "positions": "public",
             "expected_women": "derived"}
       for key, entity in (("employers", "employer_name"), ("recruiters", "recruiter"))},
}
ALLOWED_COLUMNS["occupations"]["expected_share"] = "public"
# certified positions with and without an occupation benchmark (public DOL counts)
for _name in ("occupations", "states"):
    ALLOWED_COLUMNS[_name].update(positions_benchmarked="public", positions_not_benchmarked="public",
                                  benchmark_basis="public")
# Tables of DOL facts only (employers' certified positions and offered wages, Appendix C recruiters,
# trends of positions and of the segregation expected from benchmarks): public records, not people.
# Only the worker counts a recruiter table may carry from user records are protected.
_PUBLIC_TABLES = {
    "employer_profiles": ("employer_id", "employer_name", "employer_state", "basis", "years", "first_year", "last_year",
                          "n_years", "cases", "positions", "wage_hourly_median", "wage_hourly_min", "wage_hourly_max",
                          "worksites", "worksite_states", "housing_sites", "housing_units", "housing_occupancy",
                          "agents", "recruiters", "recruiter_countries"),
    "employer_ambiguous_matches": ("kind", "employer_id", "other_id", "name", "other_name", "employer_state", "score"),
    "recruiters_appendix_c": ("recruiter_id", "recruiter_name", "recruiter_country", "cases", "shared_cases",
                              "employers", "positions", "locations", "occupations", "expected_women",
                              "expected_share", "source", "suppressed_workers"),
    "trend_positions": ("program", "fiscal_year", "benchmark_year", "positions", "covered", "not_benchmarked",
                        "expected_women",
                        "expected_share",
                        "share_ge_25", "share_ge_50", "release", "partial", "months", "months_covered"),
    "trend_states": ("program", "worksite_state", "fiscal_year", "positions", "covered", "not_benchmarked",
                     "expected_women",
                     "expected_share", "share_ge_25", "share_ge_50"),
    # the DOL tables of a scope shown beside worker records' tables (evidence._dol_position_tables)
    **{f"positions_{name}": (key, "positions", "positions_benchmarked", "positions_not_benchmarked", "expected_women",
                             "expected_share", "women_share", "benchmark_basis")
       for name, key in (("occupations", "soc_code"), ("states", "worksite_state"))},
    "trend_segregation": ("program", "fiscal_year", "stat", "est", "se", "ci_low", "ci_high", "bias", "occupations",
                          "release", "partial", "months", "months_covered"),
    "trend_change": ("program", "first_year", "last_year", "first_partial", "last_partial", "stat", "est"),
}
ALLOWED_COLUMNS.update({name: dict.fromkeys(cols, "public") for name, cols in _PUBLIC_TABLES.items()})
ALLOWED_COLUMNS["recruiters_appendix_c"].update(workers="protected", women="protected")


def publishable_columns(name: str, table: pd.DataFrame) -> pd.DataFrame:
    """``table`` cut to the allow-listed columns of ``name`` (``ALLOWED_COLUMNS``), in its order,
    plus the ``suppressed`` flag; any other column is left out.

    Examples
    --------
    >>> t = pd.DataFrame({"stat": ["H"], "est": [0.03], "debug_path": ["/home/me/survey.csv"]})
    >>> list(publishable_columns("segregation", t).columns)
    ['stat', 'est']
    """
    if name not in ALLOWED_COLUMNS:
        raise PrivacyError(f"no allow-list for table {name!r}; known: {sorted(ALLOWED_COLUMNS)}")
    allowed = ALLOWED_COLUMNS[name]
    return table[[c for c in table.columns if c in allowed or c == "suppressed"]]


def _complement_columns(name: str, table: pd.DataFrame) -> dict[str, pd.Series]:
    """Protected counts a reader can compute from two printed ones (men = total - women,
    rejected = applicants - selected), audited like the printed ones."""
    out = {}
    if {"women", "total"} <= set(table.columns) and "men" not in table:
        out["men"] = pd.to_numeric(table["total"], errors="coerce") - pd.to_numeric(table["women"], errors="coerce")
    if {"observed", "total"} <= set(table.columns):
        out["men"] = pd.to_numeric(table["total"], errors="coerce") - pd.to_numeric(table["observed"], errors="coerce")
    if {"applicants", "selected"} <= set(table.columns) and "rejected" not in table:
        out["rejected"] = (pd.to_numeric(table["applicants"], errors="coerce")
                           - pd.to_numeric(table["selected"], errors="coerce"))
    return out


def protect_table(name: str, table: pd.DataFrame, *, k: int = K_DEFAULT, shown: Sequence[bool] | None = None,
                  refuse: bool = False) -> pd.DataFrame:
    """An ``analyze``/report table made publishable: allow-listed columns only, each treated by its
    kind (``ALLOWED_COLUMNS[name]``), primary and complementary suppression (``protect_rows``).

    The counts a reader can compute from two printed ones (men = total - women, rejected =
    applicants - selected) are audited as protected columns too, then left out. With
    ``refuse=True`` (a scope whose women or men are below k, see ``scope_allows``) every protected
    and derived value is hidden. A column the audit cannot protect hides its whole table's
    protected and derived values (``attrs["column_disclosive"]``).

    Examples
    --------
    Two rejected women are a small cell: both sexes' rows go, as the other row and the printed
    totals would give them back.

    >>> ai = pd.DataFrame({"group": ["F", "M"], "applicants": [56, 1000], "selected": [54, 775],
    ...                    "rate": [54 / 56, .775], "debug": ["x", "y"]})
    >>> protect_table("adverse_impact", ai, k=10)
      group  applicants  selected  rate  suppressed
    0     F        <NA>      <NA>  <NA>        True
    1     M        <NA>      <NA>  <NA>        True
    """
    publish = publishable_columns(name, table.drop(columns=["suppressed"], errors="ignore"))
    kinds = {c: ALLOWED_COLUMNS[name][c] for c in publish.columns}
    extra = _complement_columns(name, publish)
    work = publish.assign(**extra)
    kinds.update({c: "protected" for c in extra})
    if not refuse:
        out = protect_rows(work, kinds, k=k, shown=shown).drop(columns=list(extra))
        if not out.attrs["column_disclosive"]:
            return out
    out = publish.copy() if shown is None else publish[np.asarray(shown, dtype=bool)].copy()
    for c in out.columns:
        if kinds[c] != "public":
            out[c] = pd.Series(pd.NA, index=out.index, dtype="object")
    out["suppressed"] = True
    out.attrs = {"suppression_k": k, "column_disclosive": ["refused" if refuse else "all"]}
    return out


def share_text(part: float, whole: float, *, k: int = K_DEFAULT, lang: str = "en", digits: int = 1) -> str | None:
    """``part / whole`` formatted for a sentence, or None when it may not be printed
    (``share_allowed``).

    Examples
    --------
    >>> share_text(54, 829, k=10), share_text(3, 15, k=10)
    ('6.5%', None)
    """
    from toolkit import i18n

    return i18n.fmt_percent(part / whole, lang, digits) if whole and share_allowed(part, whole, k=k) else None
