"""Employers across fiscal years and files: one identity per employer, and employer profiles.

DOL files name the employer on every case, but the same employer is spelt differently across
years and files ("Smith Farms, L.L.C.", "SMITH FARMS LLC"). An advocate building a petition needs
one employer's history (years active, jobs, wages, worksites, housing, agents, recruiters) without
two employers being merged by a guess. The matching rule, in order:

1. **FEIN** where the file has it: ``dol.read_disclosure`` maps OFLC's ``EMPLOYER_FEIN`` header
   (``dol_layouts.FEIN_HEADERS``) to ``employer_fein`` (9 digits, ``codes.normalize_fein``). None of
   the H-2A/H-2B disclosure files in the shared archive (FY2000-2022) has such a column, so on them
   every identity is a name + state one. The identity is the 9-digit FEIN, ``F:<fein>``.
2. Otherwise the **normalised name + employer state**, ``N:<name>|<state>``. ``normalize_name``:
   Unicode NFKD with accents removed, upper case, dotted initials joined ("L.L.C." -> "LLC"),
   "&" -> "AND", punctuation -> space, a leading "THE" and trailing legal forms (``LEGAL_FORMS``:
   LLC, INC, CORP, CO, LTD, LP, LLP, PLLC, PC, SA DE CV, SC, ...) removed, spaces collapsed.
   A row without FEIN whose name + state matches exactly one FEIN identity joins it.
3. Nothing else is merged. What *might* be the same employer is reported in ``ambiguous``:
   ``similar_names`` (two name keys in one state with ``rapidfuzz`` token-sort similarity of at
   least ``threshold``), ``several_feins`` (one name + state under several FEINs),
   ``no_fein_several_feins`` (a row without FEIN whose name + state matches several FEINs; it stays
   a name identity), ``same_name_other_states`` (one name key in several states).

Only business names, cities and states are used or returned: never employer contact persons,
e-mails or phone numbers (the readers do not carry them; ``profiles`` checks no such column
reaches its output).

Examples
--------
>>> normalize_name(pd.Series(["Smith Farms, L.L.C.", "The SMITH FARMS llc", "Peña & Hijos, Inc."])).tolist()
['SMITH FARMS', 'SMITH FARMS', 'PENA AND HIJOS']
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit import analysis, schema
from toolkit.codes import normalize_fein  # the one FEIN rule, shared with the DOL reader

__all__ = ["LEGAL_FORMS", "PLACEHOLDERS", "AMBIGUITY_KINDS", "EmployerMatch", "normalize_name", "name_keys",
           "normalize_fein", "match_employers", "profiles", "occupations"]

#: Trailing legal-form words removed by ``normalize_name`` (after initials are joined).
LEGAL_FORMS = ("LLC", "INC", "INCORPORATED", "CORP", "CORPORATION", "CO", "COMPANY", "LTD", "LIMITED", "LP",
               "LLP", "LLLP", "PLLC", "PC", "PA", "PLC",
               # Mexican and Central American forms (recruiters): S.C., S.A. de C.V., S. de R.L. de C.V.
               "S DE RL DE CV", "SAPI DE CV", "SA DE CV", "S DE RL", "SA", "SC")
#: Whole names that stand for "no name" in DOL files ("N/A", "n/a", "NONE", "Not applicable", ...), compared
#: after ``normalize_name`` with spaces removed; such a name is no entity (``normalize_name`` gives NA).
PLACEHOLDERS = frozenset({"NA", "NONE", "NULL", "NIL", "NOTAPPLICABLE", "NOTAVAILABLE", "UNKNOWN", "TBD"})
#: Kinds of possible merges that ``match_employers`` reports instead of making.
AMBIGUITY_KINDS = ("similar_names", "several_feins", "no_fein_several_feins", "same_name_other_states")
_FORBIDDEN = re.compile(r"poc|email|e_mail|phone|contact", re.IGNORECASE)
_FORMS_RE = re.compile(r"(?:\s+(?:" + "|".join(sorted(LEGAL_FORMS, key=len, reverse=True)) + r"))+$")


def normalize_name(names: pd.Series) -> pd.Series:
    """Employer names as matching keys (the rule is in the module docstring); blank,
    punctuation only, or a placeholder (``PLACEHOLDERS``: "N/A", "NONE", "Not applicable", ...) -> NA.

    >>> normalize_name(pd.Series(["Agencia X, S.C.", "The U.S.A. Berry Co.", "n/a", "--", "Not Applicable"])).tolist()
    ['AGENCIA X', 'USA BERRY', <NA>, <NA>, <NA>]
    """
    def one(v):
        if not isinstance(v, str) or not v.strip():
            return pd.NA
        s = "".join(c for c in unicodedata.normalize("NFKD", v) if not unicodedata.combining(c)).upper()
        # dotted initials are one word: L.L.C. -> LLC, U.S.A. -> USA, S.C. -> SC (not "X S C" -> "XSC")
        s = re.sub(r"\b(?:[A-Z]\.){2,}|\b(?:[A-Z]\.)+[A-Z]\b", lambda m: m.group(0).replace(".", ""), s)
        s = re.sub(r"[^A-Z0-9]+", " ", s.replace("&", " AND ")).strip()
        s = re.sub(r"^THE\s+", "", s)
        s = _FORMS_RE.sub("", " " + s).strip()
        return pd.NA if not s or s.replace(" ", "") in PLACEHOLDERS else s
    values = names.astype("object")
    keys = {v: one(v) for v in pd.unique(values)}  # each spelling once: names repeat across cases and years
    return values.map(keys).astype("string")


def name_keys(names: pd.Series) -> tuple[pd.Series, pd.DataFrame]:
    """One key per name, spellings that differ only in spacing or punctuation made one.

    key = ``normalize_name``; keys equal once spaces are removed ("DEL AL ASSOCIATES", "DELAL
    ASSOCIATES", from "Del-Al Associates, Inc.") are one: the key of the most frequent spelling
    (ties: alphabetical first). Returns (keys aligned with ``names``, merges: one row per key
    folded into another, ``name`` and ``into``, with ``rows`` the rows it covered), so that every
    merge is reported.

    >>> keys, merged = name_keys(pd.Series(["Del Al Associates", "DELAL ASSOCIATES", "Del-Al Associates, Inc."]))
    >>> keys.tolist(), merged[["name", "into"]].values.tolist()
    (['DEL AL ASSOCIATES', 'DEL AL ASSOCIATES', 'DEL AL ASSOCIATES'], [['DELAL ASSOCIATES', 'DEL AL ASSOCIATES']])
    """
    keys = normalize_name(names)
    counts = keys.value_counts(dropna=True)
    if not len(counts):
        return keys, pd.DataFrame(columns=["name", "into", "rows"])
    table = pd.DataFrame({"name": counts.index.astype(str), "rows": counts.to_numpy()})
    table["compact"] = table["name"].str.replace(" ", "", regex=False)
    table = table.sort_values(["compact", "rows", "name"], ascending=[True, False, True], ignore_index=True)
    table["into"] = table.groupby("compact")["name"].transform("first")
    merged = table[table["name"] != table["into"]][["name", "into", "rows"]].reset_index(drop=True)
    if len(merged):
        keys = keys.replace(dict(zip(merged["name"], merged["into"]))).astype("string")
    return keys, merged


@dataclass(frozen=True)
class EmployerMatch:
    """Result of ``match_employers``.

    ``ids``: employer identity per case row (Series aligned with the cases' index; NA where the
    case names no employer). ``identities``: one row per identity (``employer_id``, ``basis``
    "fein"/"name_state", ``employer_name`` (the most frequent spelling), ``employer_state``,
    ``spellings``, ``cases``). ``ambiguous``: possible merges not made (``kind``, ``employer_id``,
    ``other_id``, ``name``, ``other_name``, ``employer_state``, ``score``).
    """
    ids: pd.Series
    identities: pd.DataFrame
    ambiguous: pd.DataFrame
    #: spellings made one by ``name_keys`` (``name``, ``into``, ``rows``): every merge reported
    merged: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["name", "into", "rows"]))

    def within(self, index: pd.Index) -> "EmployerMatch":
        """The match narrowed to the case rows ``index`` (a subset of the matched cases' index):
        their ids, the identities they carry, and the possible merges that involve one of them
        (the other side may lie outside the subset: a state's employer can have a namesake in
        another state). ``identities``' ``cases`` and ``spellings`` stay those of the whole match.
        Matching once and narrowing gives one employer the same identity in every scope.

        >>> m = match_employers(pd.DataFrame({"employer_name": ["A Farms", "A Farms", "B LLC"],
        ...                                   "employer_state": ["GA", "FL", "GA"]}))
        >>> sub = m.within(pd.Index([0, 2]))
        >>> sub.ids.tolist(), sub.ambiguous["kind"].tolist()
        (['N:A FARMS|GA', 'N:B|GA'], ['same_name_other_states'])
        """
        if not self.ids.index.is_unique:
            raise ValueError("EmployerMatch.within needs a match over cases with a unique index")
        missing = pd.Index(index).difference(self.ids.index)
        if len(missing):
            raise KeyError(f"EmployerMatch.within: {len(missing)} row(s) not in the match, e.g. {list(missing[:3])}")
        ids = self.ids.reindex(index)
        kept = set(ids.dropna())
        amb = self.ambiguous
        involved = amb["employer_id"].isin(kept) | amb["other_id"].isin(kept)
        return EmployerMatch(ids=ids, identities=self.identities[self.identities["employer_id"].isin(kept)]
                             .reset_index(drop=True), ambiguous=amb[involved].reset_index(drop=True),
                             merged=self.merged)


def _similar_pairs(keys: pd.DataFrame, threshold: float) -> list[dict]:
    from rapidfuzz import fuzz, process

    rows = []
    for state, part in keys.groupby("employer_state", sort=True, dropna=False):
        names = part["name_key"].tolist()
        if len(names) < 2:
            continue
        scores = process.cdist(names, names, scorer=fuzz.token_sort_ratio, score_cutoff=threshold,
                               dtype=np.uint8, workers=1)
        i, j = np.nonzero(np.triu(scores, k=1))
        for a, b in zip(i, j):
            rows.append({"kind": "similar_names", "employer_id": part["employer_id"].iloc[a],
                         "other_id": part["employer_id"].iloc[b], "name": names[a], "other_name": names[b],
                         "employer_state": state, "score": float(scores[a, b])})
    return rows


def match_employers(cases: pd.DataFrame, *, threshold: float = 95, similar: bool = True) -> EmployerMatch:
    """One employer identity per case row across fiscal years and files (rule: module docstring).

    Parameters
    ----------
    cases : canonical cases (``employer_name``, ``employer_state``; ``employer_fein`` if present).
    threshold : rapidfuzz token-sort similarity (0-100) at or above which two name keys of one
        state are *reported* as possibly the same employer (never merged).
    similar : False skips that comparison (``similar_names`` is then not reported; the ids do not
        depend on it, and it is the costly part: all pairs of names within each state).

    Examples
    --------
    >>> cases = pd.DataFrame({"employer_name": ["Smith Farms LLC", "SMITH FARMS, L.L.C.", "Smith Farm LLC",
    ...                                         "Smith Farms LLC"],
    ...                       "employer_state": ["GA", "GA", "GA", "FL"]})
    >>> m = match_employers(cases, threshold=90)
    >>> m.ids.tolist()
    ['N:SMITH FARMS|GA', 'N:SMITH FARMS|GA', 'N:SMITH FARM|GA', 'N:SMITH FARMS|FL']
    >>> sorted(m.ambiguous["kind"])
    ['same_name_other_states', 'similar_names']
    """
    if not 0 <= float(threshold) <= 100:
        raise ValueError(f"threshold must be a similarity between 0 and 100, got {threshold!r}")
    missing = [c for c in ("employer_name", "employer_state") if c not in cases]
    if missing:
        raise KeyError(f"cases: column(s) {missing} missing; matching needs employer_name and employer_state")
    name, merged = name_keys(cases["employer_name"])
    state = cases["employer_state"].astype("string").fillna(NOT_STATED_STATE)
    fein = normalize_fein(cases["employer_fein"]) if "employer_fein" in cases else pd.Series(pd.NA, index=cases.index,
                                                                                               dtype="string")
    name_id = ("N:" + name + "|" + state).astype("string")
    ids = ("F:" + fein).astype("string").fillna(name_id)
    ambiguous: list[dict] = []

    with_fein = pd.DataFrame({"name_id": name_id, "fein_id": "F:" + fein})[fein.notna()].dropna()
    feins_per_name = with_fein.drop_duplicates().groupby("name_id")["fein_id"].agg(sorted)
    for nid, fids in feins_per_name.items():
        if len(fids) > 1:
            for other in fids[1:]:
                ambiguous.append({"kind": "several_feins", "employer_id": fids[0], "other_id": other,
                                  "name": nid[2:].rsplit("|", 1)[0], "other_name": nid[2:].rsplit("|", 1)[0],
                                  "employer_state": nid.rsplit("|", 1)[1], "score": np.nan})
    no_fein = fein.isna() & name.notna()
    unique = feins_per_name[feins_per_name.map(len) == 1].map(lambda f: f[0])
    joined = name_id[no_fein].map(unique)
    ids[joined.dropna().index] = joined.dropna()
    for nid in sorted(set(name_id[no_fein]) & set(feins_per_name[feins_per_name.map(len) > 1].index)):
        ambiguous.append({"kind": "no_fein_several_feins", "employer_id": nid,
                          "other_id": "; ".join(feins_per_name[nid]), "name": nid[2:].rsplit("|", 1)[0],
                          "other_name": pd.NA, "employer_state": nid.rsplit("|", 1)[1], "score": np.nan})
    ids[name.isna() & fein.isna()] = pd.NA

    keys = pd.DataFrame({"employer_id": ids, "name_key": name, "employer_state": state}).dropna(subset=["employer_id"])
    keys = keys[keys["employer_id"].str.startswith("N:")].drop_duplicates("employer_id").sort_values("employer_id")
    if similar:
        ambiguous += _similar_pairs(keys, float(threshold))
    multi = keys.groupby("name_key")["employer_id"].agg(sorted)
    for key, nids in multi.items():
        for other in nids[1:]:
            ambiguous.append({"kind": "same_name_other_states", "employer_id": nids[0], "other_id": other,
                              "name": key, "other_name": key, "employer_state": pd.NA, "score": np.nan})

    spelled = pd.DataFrame({"employer_id": ids, "raw": cases["employer_name"].astype("string"),
                            "employer_state": state, "basis": np.where(ids.str.startswith("F:").fillna(False),
                                                                       "fein", "name_state")}).dropna(subset=["employer_id"])
    g = spelled.groupby("employer_id", sort=True)
    identities = pd.DataFrame({"basis": g["basis"].first(), "employer_name": _mode_by(spelled, "raw"),
                               "employer_state": _mode_by(spelled, "employer_state"),
                               "spellings": g["raw"].nunique(), "cases": g.size()}).reset_index()
    amb_cols = ["kind", "employer_id", "other_id", "name", "other_name", "employer_state", "score"]
    amb = pd.DataFrame(ambiguous, columns=amb_cols).sort_values(["kind", "employer_id", "other_id"], ignore_index=True)
    return EmployerMatch(ids=ids.rename("employer_id"), identities=identities, ambiguous=amb, merged=merged)


#: ``employer_state`` label of employers whose state the file leaves blank (a group of their own).
NOT_STATED_STATE = "(not stated)"


def _mode_by(df: pd.DataFrame, col: str, key: str = "employer_id") -> pd.Series:
    """Per ``key``, the most frequent non-missing ``col`` (ties: the first in sort order)."""
    counts = df.dropna(subset=[col]).groupby([key, col], observed=True).size().rename("_n").reset_index()
    counts = counts.sort_values([key, "_n", col], ascending=[True, False, True])
    return counts.drop_duplicates(key).set_index(key)[col]


def _join_by(df: pd.DataFrame, col: str, key: str = "employer_id") -> pd.Series:
    """Per ``key``, the distinct non-blank values of ``col``, sorted and joined with "; "."""
    vals = df[[key, col]].dropna().astype({col: "string"})
    vals = vals[vals[col].str.strip() != ""].drop_duplicates().sort_values([key, col])
    joined: dict = {}  # plain Python: a pandas join per group is slow for thousands of employers
    for k, v in zip(vals[key].tolist(), vals[col].tolist()):
        joined.setdefault(k, []).append(v)
    index = pd.Index(list(joined), dtype=vals[key].dtype, name=key)
    return pd.Series(["; ".join(v) for v in joined.values()], index=index, name=col, dtype=vals[col].dtype)


def profiles(cases: pd.DataFrame, match: EmployerMatch, *, worksites: pd.DataFrame | None = None,
             housing: pd.DataFrame | None = None, recruiters: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per employer identity: years active, cases, positions, wages, worksites, housing,
    agents and attorneys, recruiters.

    Positions are ``workers_certified`` without master/sub duplicates. Wages: the median, lowest
    and highest offered hourly wage (``wage_hourly``) over the employer's cases. Worksites: the
    distinct city/state pairs of the cases and of the worksite companion table (H-2A Addendum B
    employment records, H-2B Appendix A), linked by case number. Housing (H-2A Addendum B):
    sites, units and occupancy. Recruiters (H-2B Appendix C): distinct recruiter business names
    and countries. Agents: distinct ``agent_name`` (law firm or agent business as filed).
    A companion row of a case filed for several employers (an H-2A association's master and
    member rows share one case number) is listed under each of them, so companion totals across
    employers can exceed the companion file's.

    Returns
    -------
    DataFrame sorted by positions (largest first) then ``employer_id``: ``employer_id``,
    ``employer_name``, ``employer_state``, ``basis``, ``years`` ("2014; 2015; 2017"),
    ``first_year``, ``last_year``, ``n_years``, ``cases``, ``positions``, ``wage_hourly_median``,
    ``wage_hourly_min``, ``wage_hourly_max``, ``worksites``, ``worksite_states``, ``housing_sites``,
    ``housing_units``, ``housing_occupancy``, ``agents``, ``recruiters``, ``recruiter_countries``.
    Counts are raw: a display must pass them through ``disclosure.protect``.

    Examples
    --------
    >>> cases = pd.DataFrame({"employer_name": ["Smith Farms LLC", "SMITH FARMS"], "employer_state": "GA",
    ...                       "fiscal_year": [2019, 2021], "case_number": ["A", "B"], "workers_certified": [10, 20],
    ...                       "is_duplicate": False, "wage_hourly": [11.0, 13.0], "worksite_city": "Tifton",
    ...                       "worksite_state": "GA", "agent_name": None})
    >>> p = profiles(cases, match_employers(cases))
    >>> p[["employer_id", "years", "positions", "wage_hourly_median", "worksites"]].to_dict("records")
    [{'employer_id': 'N:SMITH FARMS|GA', 'years': '2019; 2021', 'positions': 30, 'wage_hourly_median': 12.0, 'worksites': 1}]
    """
    c = cases.assign(employer_id=match.ids.reindex(cases.index))
    c = c[c["employer_id"].notna()]
    c = c.assign(_positions=analysis.case_positions(c))
    g = c.groupby("employer_id", sort=True)
    years = c[["employer_id", "fiscal_year"]].dropna().drop_duplicates().sort_values(["employer_id", "fiscal_year"])
    out = pd.DataFrame({
        "years": _join_by(years.astype({"fiscal_year": "int64"}).astype({"fiscal_year": "string"}), "fiscal_year"),
        "first_year": g["fiscal_year"].min().astype("Int64"), "last_year": g["fiscal_year"].max().astype("Int64"),
        "n_years": g["fiscal_year"].nunique(), "cases": g.size(), "positions": g["_positions"].sum(),
        "wage_hourly_median": g["wage_hourly"].median().astype(float),
        "wage_hourly_min": g["wage_hourly"].min().astype(float), "wage_hourly_max": g["wage_hourly"].max().astype(float),
    })
    sites = c[["employer_id", "case_number", "worksite_city", "worksite_state"]]
    if worksites is not None and len(worksites):
        link = c[["case_number", "employer_id"]].drop_duplicates()
        extra = worksites.merge(link, on="case_number", how="inner")
        sites = pd.concat([sites, extra.reindex(columns=sites.columns)], ignore_index=True)
    sites = sites.assign(_site=sites["worksite_city"].astype("string").str.upper().str.strip() + ", "
                         + sites["worksite_state"].astype("string"))
    sg = sites.groupby("employer_id")
    out["worksites"] = sg["_site"].nunique().reindex(out.index, fill_value=0)
    out["worksite_states"] = _join_by(sites, "worksite_state").reindex(out.index)
    out["housing_sites"] = 0
    out["housing_units"] = out["housing_occupancy"] = pd.NA
    if housing is not None and len(housing):
        h = housing.merge(c[["case_number", "employer_id"]].drop_duplicates(), on="case_number", how="inner")
        hg = h.groupby("employer_id")
        out["housing_sites"] = hg.size().reindex(out.index, fill_value=0)
        out["housing_units"] = hg["units"].sum(min_count=1).reindex(out.index)
        out["housing_occupancy"] = hg["occupancy"].sum(min_count=1).reindex(out.index)
    out["agents"] = _join_by(c, "agent_name").reindex(out.index) if "agent_name" in c else None
    out["recruiters"] = out["recruiter_countries"] = None
    if recruiters is not None and len(recruiters):
        r = recruiters.merge(c[["case_number", "employer_id"]].drop_duplicates(), on="case_number", how="inner")
        r = r[normalize_name(r["recruiter_name"]).notna().to_numpy()]  # "N/A" names no recruiter
        out["recruiters"] = _join_by(r, "recruiter_name").reindex(out.index)
        out["recruiter_countries"] = _join_by(r, "recruiter_country").reindex(out.index)
    out = match.identities.set_index("employer_id")[["employer_name", "employer_state", "basis"]].join(out, how="inner")
    out = out.reset_index().sort_values(["positions", "employer_id"], ascending=[False, True], ignore_index=True)
    leaked = [col for col in out.columns if _FORBIDDEN.search(col)]
    if leaked:  # pragma: no cover - guarded by the readers; kept as a last check
        raise AssertionError(f"employer profiles must not carry contact columns: {leaked}")
    return schema.mark_synthetic(out, cases)


def occupations(cases: pd.DataFrame, match: EmployerMatch, benchmark: pd.DataFrame | None = None) -> pd.DataFrame:
    """Positions by employer x fiscal year x occupation (long), with the women expected from the
    benchmark when one is given (positions x women's share of the occupation, CPS Table 11).

    Returns ``employer_id``, ``fiscal_year``, ``soc_code``, ``soc_title``, ``positions`` (and
    ``women_share``, ``expected_women``), sorted. Cases without a SOC code form their own row
    (``soc_code`` NA), never dropped.

    >>> cases = pd.DataFrame({"employer_name": ["Smith Farms"] * 2, "employer_state": "GA", "fiscal_year": 2020,
    ...                       "soc_code": ["45-2092", None], "soc_title": ["Farmworkers", None],
    ...                       "workers_certified": [10, 5], "is_duplicate": False})
    >>> occupations(cases, match_employers(cases))[["soc_code", "positions"]].to_dict("records")
    [{'soc_code': '45-2092', 'positions': 10}, {'soc_code': nan, 'positions': 5}]
    """
    c = cases.assign(employer_id=match.ids.reindex(cases.index))
    c = c[c["employer_id"].notna() & ~c["is_duplicate"].fillna(False).astype(bool)]
    c = c.assign(_positions=analysis.case_positions(c))
    keys = ["employer_id", "fiscal_year", "soc_code"]
    out = c.groupby(keys, dropna=False, sort=True)["_positions"].sum().rename("positions").reset_index()
    titles = c.assign(_soc=c["soc_code"].fillna("")).pipe(_mode_by, "soc_title", key="_soc")
    out["soc_title"] = out["soc_code"].fillna("").map(titles)
    out = out[[*keys, "soc_title", "positions"]]
    out["positions"] = out["positions"].astype("int64")
    if benchmark is not None:
        share = benchmark.drop_duplicates("soc_code").set_index("soc_code")["women_share"]
        out["women_share"] = out["soc_code"].map(share).astype(float)
        out["expected_women"] = out["positions"] * out["women_share"]
    return schema.mark_synthetic(out, cases)
