"""One disclosure layer for every published number: suppression, protected tables, the audit.

The rule (by construction)
--------------------------
Every number the toolkit derives from worker records is either a cell of a *protected table*
(``ProtectedTable``, returned by ``protect``: what is published after primary and secondary
suppression) or a function of protected tables' *published views* only. A published view holds
the visible cells, the scope's margins and the hidden cells merged into one row or category,
``OTHER`` ("other (hidden)"), whose value is the margin minus the visible cells and so follows
from what is published anyway. Global statistics (M, H and D of segregation, the empirical-Bayes
prior of the employer and recruiter screens, q-values, ranks, row orders, worker-weighted
expected shares) take a published view as input, never a hidden cell; where a statistic cannot
be computed from the view it is not published for that scope, and the output says so. Row orders
and ranks are over visible rows only (ranks renumbered 1, 2, ...), hidden rows come last in the
order of their labels, so no sort key depends on a hidden value. A refused scope (women or men
below k, ``scope_allows``) prints no number from the records, not even its size.

Why this protects: a published view is a function of published numbers (the margins and the
visible cells), so anything computed from it adds no information about a hidden cell to what
the table already shows; what remains is the linear information of the published cells
themselves, which the audit bounds exactly.

Every number the toolkit publishes has a *kind* (``KINDS``): ``protected`` (a count of people
from worker records: women, men, workers, applicants, selected; shown only when it is 0 or at
least k), ``public`` (a fact from public DOL records or published benchmarks: certified
positions, employer names, SOC codes, the BLS share of women in an occupation) or ``derived``
(computed from protected counts: shares, rates, intervals, p- and q-values, ranks, shrunk values,
shortfalls, expected counts or shares weighted by the workers; hidden whenever its row is).

Suppression (``protect_rows``)
------------------------------
A published table is one margin of the worker cube: one row per value of a dimension (state,
employer, occupation, ...), protected count columns whose column sums a reader knows.

1. Primary: every row with a protected count in 1..k-1 is hidden whole (a zero reveals no
   person). A row's counts are hidden together, so ``women + men = total`` adds no equation.
2. Secondary: in every protected column with a non-zero hidden cell, the hidden rows must be
   at least two and their sum S at least k; while not, the visible row with the smallest
   non-zero count of the column is hidden (ties: first in order). If no such row remains the
   column cannot be published: every protected and derived value of the table is hidden
   (``ProtectedTable.column_disclosive`` says so).

With a column sum known, the hidden cells of a column are non-negative numbers adding to S, so
each can be anything in [0, S] when there are at least two: the interval contains 0 and a value
of at least k, which is the protection rule below.

The protection rule and the audit (``audit``)
---------------------------------------------
Rule: for every hidden count, the interval of values consistent with every linear relation
published (from one publication, or from every publication of the same worker file: the
ledger, ``toolkit.ledger``) contains a value of at most 1 and a value of at least k (or is
[0, 0]: a known zero reveals no person, or lies wholly at or above k: the cell is then provably
not a small group; it was hidden only to protect others, and what the reader learns of it is
already counted in the intervals of the small cells, which the audit checks themselves).
Justification: the reader cannot tell a hidden cell holding one person from one holding k or
more, so she learns neither that a small group exists nor how small it is; "two candidate
values" or "fewer than k" are both excluded. This is the
protection-interval requirement of tau-ARGUS and sdcTable (upper protection up to k, lower
protection down to the cell's minimum), with the required width set by k.

``audit`` proves the rule for linear relations, as sdcTable's ``attack()`` does: it collects
every published linear relation (``Cell``: table cells, the merged ``OTHER`` rows, margins and
scope totals; shares with their bases and complements reduce to these cells), writes each as a
sum over the *atoms* of the worker file (admitted workers, or applicants, counted by fiscal year,
worksite state, dimension value and sex, ``support``), with the atoms of every dimension adding
to the same (year, state, sex) totals, and with ``scipy.optimize.linprog`` (HiGHS, sparse)
computes each hidden cell's minimum and maximum. The support is the set of (year, state,
dimension value) combinations present in the file: the audit assumes the reader knows where each
employer, recruiter and occupation had workers (public DOL records tell much of it), which only
narrows the intervals, so passing it is at least as strong as passing against a reader who does
not. Non-linear statistics are covered by the construction above, not by the audit.

Weighted means are linear relations too: a state's expected women sum_o s_o n_{state,o} (``Cell``
with ``weights``) given the published benchmark shares s_o. The benchmark every row's expected
women take gives the hidden occupations one merged share (``evidence._published_benchmark``), so
they cannot be told apart; each visible state's expected women are audited as such a relation.
Publications of different scopes from one file (``toolkit.ledger``) are differenced by a reader;
the counts over the parts of their scopes (``implied_cells``) are held to the rule as hidden cells.

Not covered: relations that are not linear in the counts beyond what the construction rules out
(e.g. a bootstrap interval's width); an employer's or recruiter's expected share, which depends on
its occupation mix, a cross of two dimensions the atoms do not model (protected by the merged
share, not proved by the audit); publications made outside the toolkit or from a different
worker file describing the same people, and knowledge the reader brings from outside (a woman
who knows she is in a cell can subtract herself).

References
----------
Federal Committee on Statistical Methodology (2005). Report on Statistical Disclosure Limitation
Methodology. Statistical Policy Working Paper 22 (second version). Office of Management and Budget.
Hundepool, A., et al. (2012). Statistical Disclosure Control. Wiley (tau-ARGUS practice, ch. 4).
Meindl, B. (2023). sdcTable: Methods for Statistical Disclosure Control in Tabular Data. R package
(``attack()``; the example ported in ``tests/test_disclosure.py`` is its
``tests/testthat/test-simpleheuristic.R``).
"""
from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal, get_args

import numpy as np
import pandas as pd

from toolkit.errors import PrivacyError

__all__ = ["Kind", "KINDS", "K_DEFAULT", "ALLOWED_COLUMNS", "OTHER", "RULE", "PERSON_IDENTIFIER_COLUMNS",
           "primary_mask", "protect_rows", "protect", "ProtectedTable", "Cell", "support", "audit", "AuditError",
           "implied_cells",
           "drop_identifiers", "rank_visible", "SUPPORT_COLUMNS", "hide_small_counts",
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


def _column_audit(values: np.ndarray, hidden: np.ndarray, k: int) -> tuple[bool, int | None]:
    """(safe, index of the next row to hide) for one protected column (secondary suppression,
    module docstring): the hidden rows of a column with a non-zero hidden cell are at least two
    and add to at least k."""
    if not (hidden & (values > 0)).any():
        return True, None
    if hidden.sum() >= 2 and values[hidden].sum() >= k:
        return True, None
    candidates = np.flatnonzero(~hidden & (values > 0))
    if not len(candidates):
        return False, None
    return False, int(candidates[np.argmin(values[candidates])])


def protect_rows(table: pd.DataFrame, kinds: Mapping[str, str], *, k: int = K_DEFAULT,
                 shown: Sequence[bool] | None = None, forced: Sequence[bool] | None = None,
                 flag: str = "suppressed") -> pd.DataFrame:
    """Primary and complementary suppression of a one-margin table, row by row (module docstring).

    Parameters
    ----------
    table : one row per scope value; every column must be named in ``kinds``.
    kinds : column -> "protected", "public" or "derived".
    k : counts 1..k-1 are hidden.
    shown : rows that will be published (default all); the others count as hidden in the audit.
    forced : rows hidden whatever their counts (an earlier publication of the same worker file hid
        them: ``toolkit.ledger``), before the secondary suppression runs.
    flag : name of the added boolean column (True for a hidden row).

    Returns
    -------
    DataFrame
        A copy with protected and derived values of hidden rows set to ``<NA>`` and ``flag``; the
        rows not ``shown`` are left out. Where a protected column cannot be protected (every
        non-zero cell hidden and still one given back), every row is hidden: no part of the
        table's protected and derived values is published (``_suppress`` names those columns).

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
    out, disclosive = _suppress(table, kinds, k=k, shown=shown, forced=forced, flag=flag)
    if disclosive:
        out = _hide_all(out, kinds, flag)
    return out


def _suppress(table: pd.DataFrame, kinds: Mapping[str, str], *, k: int, shown: Sequence[bool] | None,
              forced: Sequence[bool] | None, flag: str) -> tuple[pd.DataFrame, list[str]]:
    """``protect_rows``' suppression and the protected columns it could not protect (every non-zero
    cell hidden and the column's total still giving one back)."""
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
    if forced is not None:
        hidden |= np.asarray(forced, dtype=bool)
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
    return out, disclosive


def _hide_all(table: pd.DataFrame, kinds: Mapping[str, str], flag: str) -> pd.DataFrame:
    """Every protected and derived value hidden and every row flagged: a table whose columns cannot
    all be protected publishes only its public columns."""
    out = table.copy()
    for c in out.columns:
        if kinds.get(c, "public") != "public" and c != flag:
            out[c] = pd.Series(pd.NA, index=out.index, dtype="object")
    out[flag] = True
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
    out, disclosive = _suppress(t, {"n": "protected"}, k=k, shown=None, forced=None, flag="suppressed")
    visible = ~out["suppressed"] & (out["n"].fillna(0) > 0)
    if visible.sum() == 1 or disclosive:
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
    # the wage gap's group sizes (workers paid, by sex and per cell) are not published: no relation of
    # the audit counts workers with a wage, so they are not allow-listed (``discrimination.wage_gap``'s
    # n_focal, n_reference stay in the computation)
    "wage_gap": {"stat": "public", "est": "derived", "se": "derived", "ci_low": "derived", "ci_high": "derived",
                 "method": "public"},
    "occupations": {"soc_code": "public", "occupation": "public", "women": "protected", "men": "protected",
                    "total": "protected", "women_share_observed": "derived", "women_share": "public",
                    "women_share_se": "public", "expected_women": "derived", "log_odds_ratio": "derived",
                    "log_odds_ratio_se": "derived", "shortfall": "derived", "positions": "public"},
    "states": {"worksite_state": "public", "women": "protected", "men": "protected", "total": "protected",
               "expected_women": "derived", "women_share_observed": "derived", "shortfall": "derived",
               "missing_per_100": "derived", "positions": "public",
               # weighted by the workers' occupations: it gives a hidden state's workers back
               "expected_share": "derived"},
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
                  refuse: bool = False, forced: Sequence[bool] | None = None) -> pd.DataFrame:
    """An ``analyze``/report table made publishable: allow-listed columns only, each treated by its
    kind (``ALLOWED_COLUMNS[name]``), primary and complementary suppression (``protect_rows``).

    The counts a reader can compute from two printed ones (men = total - women, rejected =
    applicants - selected) are audited as protected columns too, then left out. With
    ``refuse=True`` (a scope whose women or men are below k, see ``scope_allows``) every protected
    and derived value is hidden. A column the audit cannot protect hides its whole table's
    protected and derived values (``_protect_table`` names it).

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
    return _protect_table(name, table, k=k, shown=shown, refuse=refuse, forced=forced)[0]


def _protect_table(name: str, table: pd.DataFrame, *, k: int, shown: Sequence[bool] | None, refuse: bool,
                   forced: Sequence[bool] | None) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """``protect_table`` and why its whole table was hidden: () when it was not, ("refused",) for a
    refused scope, ("all",) when a column could not be protected."""
    publish = publishable_columns(name, table.drop(columns=["suppressed"], errors="ignore"))
    kinds = {c: ALLOWED_COLUMNS[name][c] for c in publish.columns}
    extra = _complement_columns(name, publish)
    work = publish.assign(**extra)
    kinds.update({c: "protected" for c in extra})
    if not refuse:
        out, disclosive = _suppress(work, kinds, k=_check_k(k), shown=shown, forced=forced, flag="suppressed")
        if not disclosive:
            return out.drop(columns=list(extra)), ()
    out = publish.copy() if shown is None else publish[np.asarray(shown, dtype=bool)].copy()
    return _hide_all(out, kinds, "suppressed"), ("refused" if refuse else "all",)


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


# ------------------------------------------------------------------------------------------------
# protected tables: the only input the statistics of worker records receive
#: The label of the hidden rows merged into one (language-independent; ``present`` translates it).
OTHER = "other (hidden)"
#: The suppression and protection rule every ``ProtectedTable`` follows (module docstring).
RULE = ("rows with a count in 1..k-1 hidden; >= 2 hidden rows adding to >= k per column; interval rule [<=1, >=k] "
        "(or a known 0, or wholly >= k)")
#: The population each audited dimension counts (every other dimension: admitted workers).
POPULATIONS = {"selected": "applicants"}
_NA = "<NA>"


@dataclass(frozen=True)
class Cell:
    """One published linear relation: the count of ``sex`` over ``values`` of ``dim`` in a scope.

    ``years`` and ``states`` (empty: every state) are the scope of the publication; ``dim`` is a
    worker column (``soc_code``, ``worksite_state``, ``employer_name``, ``recruiter``,
    ``origin_state``, ``selected``, ``wage``) or ``_total`` / ``_applicants`` (the scope's admitted
    workers or applicants; ``values`` empty); ``values`` the dimension values added together (one
    for a row, several for ``OTHER``); ``count`` the published number, None when hidden; ``sex``
    "F", "M" or "T" (women and men together).

    ``weights`` (one per value, empty: all 1) make the cell a weighted sum, sum_v w_v x_v = count:
    a published mean weighted by the workers, e.g. a state's expected women sum_o s_o n_{state,o}
    over its occupations o (s_o the benchmark share; the state's expected share is that over its
    workers, whose total is a cell of its own). Its ``count`` is then the number as published (a
    float, at the precision ``analyze`` writes it).
    """

    years: tuple[int, ...]
    states: tuple[str, ...]
    dim: str
    values: tuple[str, ...]
    sex: str
    count: int | None
    #: the programs of the scope (empty: every program of the file)
    programs: tuple[str, ...] = ()
    #: one weight per value for a weighted sum (empty: a count)
    weights: tuple[float, ...] = ()

    def __post_init__(self):
        if self.weights and len(self.weights) != len(self.values):
            raise ValueError(f"Cell: {len(self.weights)} weights for {len(self.values)} values of {self.dim}")
        if self.weights and self.count is None:
            raise ValueError(f"Cell: a weighted sum over {self.dim} is published or not a cell (count None)")

    def as_list(self) -> list:
        row = [list(self.years), list(self.states), self.dim, list(self.values), self.sex, self.count,
               list(self.programs)]
        return row + [list(self.weights)] if self.weights else row

    @classmethod
    def from_list(cls, row: Sequence) -> "Cell":
        years, states, dim, values, sex, count, *rest = row
        programs = tuple(str(p) for p in (rest[0] if rest else ()))
        weights = tuple(float(w) for w in (rest[1] if len(rest) > 1 else ()))
        count = None if count is None else (float(count) if weights else int(count))
        return cls(tuple(int(y) for y in years), tuple(str(x) for x in states), dim, tuple(str(v) for v in values), sex,
                   count, programs, weights)


@dataclass(frozen=True)
class ProtectedTable:
    """A published one-margin table of worker counts, after suppression (``protect``).

    It holds only what is published: ``table`` (allow-listed columns, hidden values ``<NA>``,
    ``suppressed`` flag; what ``h2gender analyze`` writes and reports show), the ``margins``
    (admitted women "F" and men "M" over every row, shown or not) and the rule. Hidden values are
    not kept: ``view`` gives the visible rows and the ``OTHER`` row (margins minus visible).
    """

    name: str
    dim: str
    k: int
    table: pd.DataFrame
    margins: dict
    rule: str = RULE
    column_disclosive: tuple[str, ...] = ()
    #: every value of ``dim`` counted in the margins (shown or not), for the audit's ``OTHER`` cell
    values: tuple[str, ...] = ()

    @property
    def hidden(self) -> pd.Series:
        return self.table["suppressed"].astype(bool)

    def _visible_counts(self) -> pd.DataFrame:
        t = self.table[~self.hidden]
        women = pd.to_numeric(t["women"], errors="coerce").fillna(0).astype("int64")
        men = (pd.to_numeric(t["men"], errors="coerce") if "men" in t else
               pd.to_numeric(t["total"], errors="coerce") - women).fillna(0).astype("int64")
        return pd.DataFrame({self.dim: t[self.dim].astype(str).to_numpy(), "F": women.to_numpy(),
                             "M": men.to_numpy()})

    def other(self) -> dict:
        """The hidden rows merged: margins minus the visible rows (a function of published numbers)."""
        vis = self._visible_counts()
        return {sex: int(self.margins[sex] - vis[sex].sum()) for sex in ("F", "M")}

    def view(self) -> pd.DataFrame:
        """The published view: one row per visible value and one ``OTHER`` row when any is hidden,
        long (``dim``, ``sex``, ``n``), the input of every statistic of this table.

        Examples
        --------
        >>> t = pd.DataFrame({"worksite_state": ["GA", "FL", "NC", "VT"], "women": [20, 16, 15, 3],
        ...                   "total": [320, 266, 228, 15]})
        >>> pt = protect(t, "states", "worksite_state", k=10)
        >>> wide = pt.view().pivot(index="worksite_state", columns="sex", values="n")
        >>> {key: wide.loc[key].astype(int).to_dict() for key in ("GA", OTHER)}
        {'GA': {'F': 20, 'M': 300}, 'other (hidden)': {'F': 18, 'M': 225}}
        """
        wide = self._visible_counts()
        if self.hidden.any() or self.other()["F"] or self.other()["M"]:
            wide = pd.concat([wide, pd.DataFrame([{self.dim: OTHER, **self.other()}])], ignore_index=True)
        return wide.melt(id_vars=self.dim, var_name="sex", value_name="n")

    def cells(self, years: Sequence[int], states: Sequence[str] = (), programs: Sequence[str] = ()) -> list[Cell]:
        """The linear relations this table publishes: each row (hidden: count None) and the
        ``OTHER`` row (used by the statistics, so treated as published)."""
        years, states, programs = tuple(int(y) for y in years), tuple(str(x) for x in states), tuple(programs)
        out = []
        t = self.table
        women = pd.to_numeric(t["women"], errors="coerce")
        men = pd.to_numeric(t["men"], errors="coerce") if "men" in t else pd.to_numeric(t["total"], errors="coerce") - women
        for value, f, m, hid in zip(t[self.dim].astype(str), women, men, self.hidden):
            for sex, n in (("F", f), ("M", m)):
                out.append(Cell(years, states, self.dim, (value,), sex, None if hid or pd.isna(n) else int(n), programs))
        shown = set(t.loc[~self.hidden, self.dim].astype(str))
        rest = tuple(v for v in self.values if v not in shown)
        if rest:
            for sex, n in self.other().items():
                out.append(Cell(years, states, self.dim, rest, sex, n, programs))
        return out


def protect(table: pd.DataFrame, name: str, dim: str, *, k: int = K_DEFAULT, shown: Sequence[bool] | None = None,
            forced: Sequence[bool] | None = None, refuse: bool = False) -> ProtectedTable:
    """Protect one table of worker counts (``protect_table``) and return it as a ``ProtectedTable``.

    ``table`` has one row per value of ``dim`` with ``women`` and ``total`` (or ``men``) counts of
    admitted workers and any allow-listed column of ``name``; rows not ``shown`` are hidden and
    left out (their counts stay in the margins); ``forced`` rows are hidden (``toolkit.ledger``).

    Examples
    --------
    >>> t = pd.DataFrame({"worksite_state": ["GA", "FL", "NC", "VT"], "women": [20, 16, 15, 3],
    ...                   "total": [320, 266, 228, 15]})
    >>> pt = protect(t, "states", "worksite_state", k=10)
    >>> pt.table["suppressed"].tolist(), pt.margins, pt.other()
    ([False, False, True, True], {'F': 54, 'M': 775}, {'F': 18, 'M': 225})
    """
    women = pd.to_numeric(table["women"], errors="coerce").fillna(0)
    men = (pd.to_numeric(table["men"], errors="coerce").fillna(0) if "men" in table else
           pd.to_numeric(table["total"], errors="coerce").fillna(0) - women)
    out, disclosive = _protect_table(name, table, k=k, shown=shown, refuse=refuse, forced=forced)
    return ProtectedTable(name=name, dim=dim, k=_check_k(k), table=out.reset_index(drop=True),
                          margins={"F": int(women.sum()), "M": int(men.sum())}, column_disclosive=disclosive,
                          values=tuple(table[dim].astype(str)))


def rank_visible(table: pd.DataFrame, key: Sequence[str], label: str, *, ascending: Sequence[bool] | bool = True,
                 rank: str | None = "rank") -> pd.DataFrame:
    """Rows in an order no hidden value can change: visible rows sorted by ``key`` (then
    ``label``), ranked 1, 2, ... over visible rows only; hidden rows after them, by ``label``,
    without a rank.

    Examples
    --------
    >>> t = pd.DataFrame({"soc": ["a", "b", "c"], "total": [50, pd.NA, 80], "suppressed": [False, True, False]})
    >>> out = rank_visible(t, ["total"], "soc", ascending=False)
    >>> out["soc"].tolist(), out["rank"].tolist()
    (['c', 'a', 'b'], [1, 2, <NA>])
    """
    key = list(key)
    asc = [ascending] * len(key) if isinstance(ascending, bool) else list(ascending)
    hid = table["suppressed"].astype(bool)
    vis = table[~hid].sort_values([*key, label], ascending=[*asc, True], kind="mergesort")
    rest = table[hid].sort_values(label, kind="mergesort")
    out = pd.concat([vis, rest], ignore_index=True)
    if rank:
        out[rank] = pd.array(list(range(1, len(vis) + 1)) + [pd.NA] * len(rest), dtype="Int64")
    return out


# ------------------------------------------------------------------------------------------------
# the audit: feasible intervals of every hidden cell by linear programming
class AuditError(PrivacyError):
    """A publication (alone or with the ledger) lets a reader narrow a hidden count: ``failures``
    lists the cells with their intervals."""

    def __init__(self, message: str, failures: pd.DataFrame):
        super().__init__(message)
        self.failures = failures


#: Dimensions whose published tables count only workers with an occupation (``analysis.shortfall_by``).
_NEEDS_SOC = ("worksite_state", "employer_name", "recruiter")
#: The columns of ``support``.
SUPPORT_COLUMNS = ["program", "year", "state", "dim", "value"]


def support(workers: pd.DataFrame, dims: Sequence[str] = ("soc_code", "worksite_state", "employer_name", "recruiter",
                                                          "origin_state", "selected")) -> pd.DataFrame:
    """The atoms of a worker file: the (program, fiscal year, worksite state, dimension, value)
    combinations present, for admitted workers and, for ``selected``, applicants with a case
    number (as the adverse-impact table counts them).

    A missing value is an atom of its own (``"<NA>"``), never published, so that the atoms of every
    dimension add up to the same totals; so is a worker without an occupation in the dimensions
    whose tables count only workers with one (``_NEEDS_SOC``).

    Examples
    --------
    >>> w = pd.DataFrame({"fiscal_year": [2019] * 3, "worksite_state": ["GA", "GA", "FL"],
    ...                   "soc_code": ["45-2092", None, "45-2092"], "sex": ["F", "M", "M"], "stage": "admitted"})
    >>> support(w).query("dim == 'worksite_state'")["value"].tolist()
    ['FL', '<NA>', 'GA']
    """
    parts = []
    year = workers["fiscal_year"] if "fiscal_year" in workers else pd.Series(0, index=workers.index)
    base = pd.DataFrame({"program": workers["program"].astype("string").fillna(_NA).to_numpy()
                         if "program" in workers else _NA,
                         "year": pd.to_numeric(year, errors="coerce").fillna(0).astype(int).to_numpy(),
                         "state": workers["worksite_state"].astype("string").fillna(_NA).to_numpy()
                         if "worksite_state" in workers else _NA}, index=workers.index)
    admitted = (workers["stage"].eq("admitted").fillna(False).to_numpy(bool) if "stage" in workers
                else np.ones(len(workers), bool))
    has_soc = workers["soc_code"].notna().to_numpy() if "soc_code" in workers else np.ones(len(workers), bool)
    for dim in dims:
        if dim not in workers:
            continue
        if POPULATIONS.get(dim) == "applicants":
            rows = workers["selected"].notna().to_numpy()
            if "case_number" in workers:
                rows &= workers["case_number"].notna().to_numpy()
        else:
            rows = admitted
        value = workers[dim].astype("string").fillna(_NA)
        if dim in _NEEDS_SOC:
            value = value.where(has_soc, _NA)
        parts.append(base[rows].assign(dim=dim, value=value[rows].to_numpy()))
    if not parts:
        return pd.DataFrame(columns=SUPPORT_COLUMNS)
    out = pd.concat(parts, ignore_index=True).drop_duplicates()
    return out.sort_values(["dim", "program", "year", "state", "value"], ignore_index=True)[SUPPORT_COLUMNS]


def _variables(sup: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Atom variables (one per support row and sex) and total variables (one per year, state,
    population and sex); atoms first."""
    if "program" not in sup:
        sup = sup.assign(program=_NA)
    sup = sup.assign(year=sup["year"].astype(int), state=sup["state"].astype(str), value=sup["value"].astype(str),
                     program=sup["program"].astype(str), pop=sup["dim"].map(POPULATIONS).fillna("admitted"))
    atoms = pd.concat([sup.assign(sex=s) for s in ("F", "M")], ignore_index=True)
    atoms["var"] = np.arange(len(atoms))
    scopes = sup[["program", "year", "state"]].drop_duplicates()
    totals = pd.concat([scopes.assign(pop=p, sex=s) for p in ("admitted", "applicants") for s in ("F", "M")],
                       ignore_index=True)
    totals["var"] = len(atoms) + np.arange(len(totals))
    return atoms, totals


class _Column:
    """One column of a group of variables as integer codes (``pandas.factorize``), so that a cell's
    selection is a look-up in a small boolean table, not a search among strings."""

    def __init__(self, values: np.ndarray):
        self.codes, uniques = pd.factorize(values)
        self.position = {v: i for i, v in enumerate(uniques)}

    def isin(self, wanted) -> np.ndarray:
        """``np.isin(values, wanted)``."""
        hit = np.zeros(len(self.position) + 1, dtype=bool)  # the extra slot: codes of -1 (missing) stay False
        hit[[self.position[v] for v in wanted if v in self.position]] = True
        return hit[self.codes]


class _Index:
    """Variables of each (dimension, sex) and of each (population, sex) as arrays, for fast lookup."""

    def __init__(self, atoms: pd.DataFrame, totals: pd.DataFrame):
        self.atoms = {key: (g["program"].to_numpy(), g["year"].to_numpy(), g["state"].to_numpy(), g["value"].to_numpy(),
                            g["var"].to_numpy()) for key, g in atoms.groupby(["dim", "sex"], sort=False)}
        self.totals = {key: (g["program"].to_numpy(), g["year"].to_numpy(), g["state"].to_numpy(), g["var"].to_numpy())
                       for key, g in totals.groupby(["pop", "sex"], sort=False)}
        self._columns = {("atoms", key): tuple(map(_Column, arrays[:-1])) for key, arrays in self.atoms.items()}
        self._columns.update({("totals", key): tuple(map(_Column, arrays[:-1])) for key, arrays in self.totals.items()})

    def terms(self, cell: Cell) -> tuple[np.ndarray, np.ndarray]:
        """The variables of ``cell`` and their coefficients (its weights, or 1); sex "T" is both."""
        parts = [self._terms(cell, sex) for sex in (("F", "M") if cell.sex == "T" else (cell.sex,))]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def _terms(self, cell: Cell, sex: str) -> tuple[np.ndarray, np.ndarray]:
        got = None if cell.dim.startswith("_") else self.atoms.get((cell.dim, sex))
        if not cell.weights or got is None:
            var = self.vars(replace(cell, sex=sex, weights=()))
            return var, np.ones(len(var))
        _program, _year, _state, value, var = got
        keep = np.isin(var, self.vars(replace(cell, sex=sex, weights=())))
        weight = dict(zip(cell.values, cell.weights))
        return var[keep], np.array([weight[v] for v in value[keep]], dtype=float)

    def vars(self, cell: Cell) -> np.ndarray:
        if cell.dim in ("_total", "_applicants"):
            key = ("totals", ("applicants" if cell.dim == "_applicants" else "admitted", cell.sex))
            got = self.totals.get(key[1])
        else:
            key = ("atoms", (cell.dim, cell.sex))
            got = self.atoms.get(key[1])
        if got is None:
            return np.array([], dtype=int)
        program, year, state, *value = self._columns[key]
        keep = year.isin(cell.years)
        if value:
            keep &= value[0].isin(cell.values)
        if cell.states:
            keep &= state.isin(cell.states)
        if cell.programs:
            keep &= program.isin(cell.programs)
        return got[-1][keep]


def _parts(sets: Sequence[frozenset], universe: frozenset) -> list[frozenset]:
    """The common refinement of ``sets`` within ``universe``: the classes of elements that belong
    to the same sets (e.g. years {2020} and {2020, 2022} -> parts {2020} and {2022})."""
    classes: dict[tuple, set] = {}
    for x in universe:
        classes.setdefault(tuple(x in s for s in sets), set()).add(x)
    return [frozenset(c) for _, c in sorted(classes.items(), key=lambda kv: sorted(map(str, kv[1])))]


def implied_cells(cells: Sequence[Cell], sup: pd.DataFrame) -> list[Cell]:
    """The counts a reader gets by differencing publications of different scopes, as hidden cells.

    Publications from one worker file may cover different fiscal years, states or programs (FY2020
    and FY2020-2022; the nation and Georgia). Differencing them gives counts over the parts of
    their scopes (FY2022 alone; every state but Georgia), which no publication prints and which
    must then be protected like any hidden count: a state shown in FY2020 and in FY2020-2022
    gives its FY2022 women exactly. So every count cell (not a weighted sum) whose scope is split
    by another cell's scope (``_parts``: the common refinement of the years, of the states and of
    the programs of every cell) adds one hidden cell per part of its scope; ``audit`` then holds
    each part to the protection rule too. One publication, or several of one scope, adds none.

    Examples
    --------
    >>> a = Cell((2020,), (), "worksite_state", ("GA",), "F", 20)
    >>> b = Cell((2020, 2022), (), "worksite_state", ("GA",), "F", 25)
    >>> sup = pd.DataFrame({"year": [2020, 2022], "state": "GA", "dim": "worksite_state", "value": "GA"})
    >>> [(c.years, c.count) for c in implied_cells([a, b], sup)]
    [((2022,), None)]
    >>> audit([a, b, *implied_cells([a, b], sup)], sup, k=10)[["years", "low", "high", "safe"]].values.tolist()
    [[(2022,), 5, 5, False]]
    """
    cells = [c for c in cells if not c.weights]
    if not cells:
        return []
    sup = sup.assign(program=sup["program"] if "program" in sup else _NA)
    years_all = frozenset(int(y) for y in sup["year"]) | frozenset(y for c in cells for y in c.years)
    states_all = frozenset(sup["state"].astype(str))
    programs_all = frozenset(sup["program"].astype(str))
    scopes = {(frozenset(c.years), frozenset(c.states) or states_all, frozenset(c.programs) or programs_all)
              for c in cells}
    if len(scopes) < 2:
        return []
    year_parts = _parts([s[0] for s in scopes], years_all)
    state_parts = _parts([s[1] for s in scopes], states_all)
    program_parts = _parts([s[2] for s in scopes], programs_all)
    seen = {(c.years, c.states, c.dim, c.values, c.sex, c.programs) for c in cells}
    out = []
    for c in cells:
        ys, ss = frozenset(c.years), frozenset(c.states) or states_all
        ps = frozenset(c.programs) or programs_all
        split = [[p for p in parts if p <= whole] for parts, whole in
                 ((year_parts, ys), (state_parts, ss), (program_parts, ps))]
        if all(len(x) == 1 for x in split):
            continue
        for yp, sp, pp in itertools.product(*split):
            key = (tuple(sorted(yp)), tuple(sorted(sp)) if sp != states_all else (), c.dim, c.values, c.sex,
                   tuple(sorted(pp)) if pp != programs_all else ())
            if key not in seen:
                seen.add(key)
                out.append(Cell(key[0], key[1], c.dim, c.values, c.sex, None, key[5]))
    return out


def _solve(c: np.ndarray, a_eq, b_eq, a_ub=None, b_ub=None, bounds=(0, None)):
    from scipy.optimize import linprog

    res = linprog(c, A_eq=a_eq, b_eq=b_eq, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if res.status == 2:
        raise PrivacyError("the published cells contradict each other: they cannot all come from one "
                           "worker file (an earlier publication recorded from a different reading?)")
    return res


def audit(cells, sup: pd.DataFrame | None = None, *, k: int | None = None, exact: bool = False) -> pd.DataFrame:
    """Each hidden cell's feasible interval given every published cell, and the rule (module docstring).

    ``cells`` is a sequence of ``Cell`` with ``sup`` and ``k``, or a publication (anything with
    ``scopes``, each with an ``evidence``: ``toolkit.publication.Publication``), whose scopes'
    ``Evidence.disclosed`` and ``Evidence.support`` are audited together at its request's k.

    Variables: the atoms of ``sup`` (``support``) by sex and the (year, state, population, sex)
    totals, all >= 0; equations: for each (year, state, dimension, sex) the atoms add to the
    total of their population, and each published cell equals its count. A hidden cell's interval
    is [min, max] of the sum of its variables (``linprog``, HiGHS, sparse; the continuous
    relaxation, as sdcTable's ``attack()``: at least as wide as the integer one's hull, and equal
    to it for one-margin and two-way tables).

    The rule needs, per hidden cell, one feasible solution where it is at most 1 and one where it
    is at least k. So the audit solves rounds of two LPs over every hidden cell still without
    such a witness (minimise their sum; maximise the sum of min(cell, k)), which give most cells
    both, then one LP (min or max) for each cell still without its witness. With
    ``exact=True`` it solves both LPs for every cell.

    Returns
    -------
    DataFrame, one row per distinct hidden cell: ``years``, ``states``, ``dim``, ``values``,
    ``sex``, ``low`` and ``high`` (exact when the cell's own LP was solved, else the value of a
    feasible solution: then the interval reaches at least that far), and ``safe`` (low <= 1 and
    high >= k, or high == 0, or low >= k: a cell provably at or above k is no small group).

    Raises
    ------
    PrivacyError
        When the published cells contradict each other (they cannot come from one file).

    Examples
    --------
    One hidden state beside its column's total is its remainder:

    >>> sup = pd.DataFrame({"year": 2019, "state": ["GA", "VT"], "dim": "worksite_state", "value": ["GA", "VT"]})
    >>> cells = [Cell((2019,), (), "_total", (), "F", 23), Cell((2019,), (), "worksite_state", ("GA",), "F", 20),
    ...          Cell((2019,), (), "worksite_state", ("VT",), "F", None)]
    >>> audit(cells, sup, k=10)[["values", "low", "high", "safe"]].to_dict("records")
    [{'values': ('VT',), 'low': 3, 'high': 3, 'safe': False}]
    """
    from scipy import sparse

    if hasattr(cells, "scopes"):  # a publication: every scope's evidence together
        evs = [scope.evidence for scope in cells.scopes]
        k = k if k is not None else cells.request.k
        sups = [ev.support for ev in evs if len(ev.support)]
        sup = pd.concat(sups, ignore_index=True).drop_duplicates() if sups else pd.DataFrame(columns=SUPPORT_COLUMNS)
        cells = [c for ev in evs for c in ev.disclosed]
    k = _check_k(k)
    atoms, totals = _variables(sup)
    index = _Index(atoms, totals)
    n = len(atoms) + len(totals)
    rows, cols, vals, rhs = [], [], [], []
    r = 0
    # links: atoms of each (year, state, dim, sex) add to their population's total
    tot_index = totals.set_index(["program", "year", "state", "pop", "sex"])["var"]
    for (program, year, state, dim, pop, sex), g in atoms.groupby(["program", "year", "state", "dim", "pop", "sex"],
                                                                  sort=False):
        rows += [r] * (len(g) + 1)
        cols += [*g["var"].tolist(), int(tot_index[(program, year, state, pop, sex)])]
        vals += [1.0] * len(g) + [-1.0]
        rhs.append(0.0)
        r += 1
    hidden: dict[tuple, np.ndarray] = {}
    for cell in cells:
        var, coef = index.terms(cell)
        if cell.count is None:
            hidden.setdefault((cell.years, cell.states, cell.dim, cell.values, cell.sex, cell.programs), var)
            continue
        if not len(var):
            if abs(cell.count) > 1e-9:
                raise PrivacyError(f"published cell {cell} has no record in the worker file's support")
            continue
        rows += [r] * len(var)
        cols += var.tolist()
        vals += coef.tolist()
        rhs.append(float(cell.count))
        r += 1
    a_eq = sparse.csr_array((vals, (rows, cols)), shape=(r, n))
    b_eq = np.asarray(rhs)
    keys = list(hidden)
    m = len(keys)
    # H: hidden cell h = sum of its variables (one row per cell)
    h_rows = np.concatenate([[i] * len(hidden[key]) for i, key in enumerate(keys)]) if m else np.array([], int)
    h_cols = np.concatenate([hidden[key] for key in keys]) if m else np.array([], int)
    cell_matrix = sparse.csr_array((np.ones(len(h_cols)), (h_rows.astype(int), h_cols.astype(int))), shape=(m, n))
    low = np.full(m, np.inf)   # smallest value seen in a feasible solution (exact once solved)
    high = np.full(m, -np.inf)
    exact_low, exact_high = np.zeros(m, bool), np.zeros(m, bool)

    def witness(x):
        y = cell_matrix @ x[:n]
        np.minimum(low, y, out=low)
        np.maximum(high, y, out=high)

    # rounds over every cell still without its witness: minimise their sum; maximise the sum of
    # min(cell, k) (t_h <= cell h, 0 <= t_h <= k); stop when a round witnesses nothing new
    while m and not exact:
        need_low, need_high = low > 1 + 1e-6, high < k - 1e-6
        before = need_low.sum() + need_high.sum()
        if need_low.any():
            witness(_solve(cell_matrix[need_low].sum(axis=0), a_eq, b_eq).x)
        if need_high.any():
            sel = cell_matrix[need_high]
            q = sel.shape[0]
            a_ub = sparse.hstack([-sel, sparse.eye_array(q)], format="csr")
            res = _solve(np.concatenate([np.zeros(n), -np.ones(q)]), sparse.hstack([a_eq, sparse.csr_array((r, q))]),
                         b_eq, a_ub, np.zeros(q), bounds=[(0, None)] * n + [(0, k)] * q)
            witness(res.x)
        if (low > 1 + 1e-6).sum() + (high < k - 1e-6).sum() == before:
            break
    for i in range(m):
        for sign, seen, done in ((1.0, low, exact_low), (-1.0, high, exact_high)):
            enough = seen[i] <= 1 + 1e-6 if sign > 0 else seen[i] >= k - 1e-6
            if done[i] or (enough and not exact):
                continue
            c = np.zeros(n)
            c[hidden[keys[i]]] = sign
            res = _solve(c, a_eq, b_eq)
            if res.status == 3:  # unbounded above
                high[i], exact_high[i] = np.inf, True
                continue
            witness(res.x)
            done[i] = True
            seen[i] = sign * res.fun
    out = []
    for i, (years, states, dim, values, sex, _programs) in enumerate(keys):
        low_i = int(np.ceil(low[i] - 1e-6))
        high_i = int(np.floor(high[i] + 1e-6)) if np.isfinite(high[i]) else np.iinfo(np.int64).max
        out.append({"years": years, "states": states, "dim": dim, "values": values, "sex": sex, "low": low_i,
                    "high": high_i, "safe": bool((low_i <= 1 and high_i >= k) or (exact_high[i] and high_i == 0)
                                                 or (exact_low[i] and low_i >= k))})
    return pd.DataFrame(out, columns=["years", "states", "dim", "values", "sex", "low", "high", "safe"])


# ------------------------------------------------------------------------------------------------
# identifiers (formerly ``toolkit.privacy``)
#: Column names (lower-case) that identify a person and are dropped at load unless kept explicitly.
PERSON_IDENTIFIER_COLUMNS = frozenset(
    {
        "name", "worker_name", "first_name", "last_name", "middle_name", "full_name", "nombre",
        "apellido", "apellidos", "passport", "passport_number", "visa_number", "a_number",
        "alien_number", "ssn", "curp", "rfc", "phone", "telephone", "email", "e_mail", "address",
        "street", "date_of_birth", "dob", "birth_date", "fecha_nacimiento", "worker_id", "person_id",
    }
)


def drop_identifiers(df: pd.DataFrame, *, keep: Sequence[str] = ()) -> tuple[pd.DataFrame, list[str]]:
    """``df`` without the columns that identify a person (``PERSON_IDENTIFIER_COLUMNS``), except
    those in ``keep``, and the names dropped.

    Examples
    --------
    >>> drop_identifiers(pd.DataFrame({"Nombre": ["Ana"], "sex": ["F"]}))[1]
    ['Nombre']
    """
    keep = {c.lower() for c in keep}
    drop = [c for c in df.columns if str(c).lower() in PERSON_IDENTIFIER_COLUMNS and str(c).lower() not in keep]
    return df.drop(columns=drop), drop


def hide_small_counts(table: pd.DataFrame, count_cols: str | Sequence[str], *, k: int = K_DEFAULT,
                      dependent: Sequence[str] = (), flag: str = "suppressed") -> pd.DataFrame:
    """Primary suppression only: rows with a count in 1..k-1 in ``count_cols`` get those counts and
    the ``dependent`` columns set to ``<NA>`` and ``flag`` True (a copy).

    For tables of public records where hiding small counts is a presentation choice (job orders).
    Counts of people never go through it: they go through ``protect`` (primary and secondary
    suppression, audited).

    Examples
    --------
    >>> hide_small_counts(pd.DataFrame({"job_orders": [3, 40]}), "job_orders", k=10)["suppressed"].tolist()
    [True, False]
    """
    k = _check_k(k)
    cols = [count_cols] if isinstance(count_cols, str) else list(count_cols)
    dependent = list(dependent)
    missing = [c for c in cols + dependent if c not in table.columns]
    if missing:
        raise KeyError(f"hide_small_counts: columns {missing} not in table (has {list(table.columns)})")
    out = table.copy()
    small = np.zeros(len(out), dtype=bool)
    for c in cols:
        small |= primary_mask(out[c], k=k)
    for c in cols + dependent:
        if small.any():
            if pd.api.types.is_integer_dtype(out[c]) and not pd.api.types.is_extension_array_dtype(out[c]):
                out[c] = out[c].astype("Int64")
            elif pd.api.types.is_float_dtype(out[c]) and not pd.api.types.is_extension_array_dtype(out[c]):
                out[c] = out[c].astype("Float64")
            out.loc[small, c] = pd.NA
    out[flag] = small
    return out
