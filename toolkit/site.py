"""A static, offline evidence site: every state, employer and recruiter, in Spanish and English.

The site works from ``file://`` and from any static host: relative links only, no server, no
external request (no CDN script, style, font or map tile). Its parts are small pure functions:

- ``employer_identity(cases)``: one id per case row for "the same employer" across years, the
  reports' rule (``employers.match_employers``: FEIN, else normalised name + employer state). A
  whole ``EmployerMatch`` can be passed to ``build_pages`` as ``match=`` (the same one then serves
  the evidence of every state), or any identity function (cases -> Series of ids) as ``identity=``.
- ``drop_contacts(cases)``: only the columns a profile may show; e-mail addresses and phone
  numbers are blanked in what is left (DOL files hold employer contact persons, e-mails and
  phones; none of them is published).
- ``employer_profiles(cases)`` and ``recruiter_profiles(recruiters, cases)``: the entity tables
  (``EmployerProfiles``, ``RecruiterProfiles``).
- ``search_index(entities)``: the JSON index the page's search (``site_assets/search.js``) reads;
  names are folded (``fold``) so accents and case never matter, and the script tolerates small
  typos with a bounded Levenshtein distance (Levenshtein, 1966).
- ``us_map_svg()``: a clickable SVG map of the 50 states, DC and Puerto Rico from the shipped
  Census boundaries (``toolkit.geo.us_states_for_map``), simplified with Douglas-Peucker.
- ``build_pages(...)`` gathers everything into a ``SitePages`` value and ``write_site(pages,
  out_dir)`` writes ``index.html`` (a language chooser) and, per language, ``<lang>/index.html``,
  ``about.html``, ``state/XX.html``, ``employers/``, ``employer/<id>.html``, ``recruiters/`` and
  ``recruiter/<id>.html``, plus ``assets/`` (style, script, search index).

Numbers about employers, positions and wages are public DOL records; any number from worker
records goes through the disclosure layer before it reaches a page (``SitePages.sections``).

References
----------
Levenshtein, V. I. (1966). Binary codes capable of correcting deletions, insertions, and
reversals. Soviet Physics Doklady, 10(8), 707-710.
Douglas, D. H., & Peucker, T. K. (1973). Algorithms for the reduction of the number of points
required to represent a digitized line or its caricature. Cartographica, 10(2), 112-122.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from toolkit import codes, i18n, schema
from toolkit import coverage as release_rules
from toolkit.recruiters import recruiter_ids

__all__ = ["fold", "employer_identity", "worker_recruiters", "drop_contacts", "EmployerProfiles", "RecruiterProfiles",
           "employer_profiles", "recruiter_profiles", "entity_table", "search_index", "search_index_script",
           "us_map_svg", "SitePages", "build_pages", "evidence_sections", "write_site", "text", "PROFILE_COLUMNS",
           "MAP_STATES", "DIRECTORY_PAGE_ROWS"]

#: The case columns an employer profile may use; everything else (contact persons, e-mails,
#: phones, addresses, preparers) is dropped before a profile is built.
PROFILE_COLUMNS = ("program", "fiscal_year", "case_number", "is_certified", "is_duplicate", "employer_name",
                   "employer_state", "employer_city", "agent_name", "workers_requested", "workers_certified",
                   "worksite_state", "worksite_city", "soc_code", "soc_title", "wage_hourly", "source_file")

#: The 50 states, DC and Puerto Rico: the states of the map (and a page each, with or without cases).
MAP_STATES = ("AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL", "IN",
              "KS", "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE", "NH", "NJ",
              "NM", "NV", "NY", "OH", "OK", "OR", "PA", "PR", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VT",
              "WA", "WI", "WV", "WY")

#: Rows per directory page (keeps each page well under 100 KB).
DIRECTORY_PAGE_ROWS = 400

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:\+?1[\s.-]?)?\(?\b\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b")
_NO_VALUE = {"", "N/A", "NA", "NONE", "NULL", "-"}


# ------------------------------------------------------------------------------------------------
# text and names
@lru_cache(maxsize=1)
def _strings() -> dict:
    raw = resources.files("toolkit").joinpath("site_assets", "strings.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(raw)


def text(key: str, lang: str, **values) -> str:
    """The site's ``key`` text in ``lang`` (``site_assets/strings.yaml``), placeholders filled.

    Examples
    --------
    >>> text("nav_employers", "es")
    'Empleadores'
    """
    i18n.check_lang(lang)
    table = _strings()
    if key not in table:
        raise KeyError(f"no site text {key!r} in toolkit/site_assets/strings.yaml")
    out = str(table[key][lang])
    return out.format(**values) if values else out


def fold(name: object) -> str:
    """Lower-case ASCII words of ``name``: ``codes.fold`` (accents removed, NFKD), punctuation to spaces.

    The search script folds a query the same way, so "Gonzáles Farms, LLC" and "gonzales farms
    llc" are the same words.

    Examples
    --------
    >>> fold("Gonzáles Farms, LLC.")
    'gonzales farms llc'
    >>> fold(None)
    ''
    """
    if name is None or (not isinstance(name, str) and pd.isna(name)):
        return ""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", codes.fold(name)).split())


def employer_identity(cases: pd.DataFrame) -> pd.Series:
    """An employer id per case row: the identity of the reports (``employers.match_employers``:
    FEIN where the layout has it, else the normalised business name without legal forms and the
    employer's state; "GONZALEZ FARMS, LLC" in TX and "Gonzalez Farms" in TX are one employer).

    Returns a string Series aligned with ``cases`` (NA where the case has no employer name).
    Another identity (for example one that follows renamed businesses across years) can be passed
    to ``employer_profiles`` as ``identity=``: any function of cases returning such a Series.

    Examples
    --------
    >>> df = pd.DataFrame({"employer_name": ["GONZALEZ FARMS, LLC", "Gonzalez Farms"],
    ...                    "employer_state": ["TX", "TX"]})
    >>> employer_identity(df).nunique()
    1
    """
    from toolkit import employers

    _require(cases, ["employer_name", "employer_state"], "cases")
    return employers.match_employers(cases, similar=False).ids.astype("string")


def _slug(key: str) -> str:
    """A short, stable file name for an entity key (ASCII words + 8 hex digits of its SHA-1);
    the "N:" / "F:" / "R:" prefix of an identity is left out of the words."""
    body = re.sub(r"^(?:[NFR]|W:[^:]+):", "", key.split("|")[0])
    words = "-".join(fold(body).split()[:6])[:48] or "x"
    return f"{words}-{hashlib.sha1(key.encode()).hexdigest()[:8]}"


def _require(df: pd.DataFrame, cols: Iterable[str], name: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise KeyError(f"{name}: no column(s) {missing}; columns are {list(df.columns)}")


def _clean_text(values: pd.Series) -> tuple[pd.Series, int]:
    """Blank e-mail addresses and phone numbers inside ``values``; (cleaned, values changed)."""
    s = values.astype("string")
    cleaned = s.str.replace(_EMAIL, "", regex=True).str.replace(_PHONE, "", regex=True).str.strip(" ,;/-")
    cleaned = cleaned.mask(cleaned.fillna("").str.upper().isin(_NO_VALUE))
    changed = int((s.fillna("") != cleaned.fillna("")).sum())
    return cleaned, changed


def drop_contacts(cases: pd.DataFrame) -> pd.DataFrame:
    """Only ``PROFILE_COLUMNS`` of ``cases`` (those present), with e-mails and phones blanked.

    DOL files name the employer's point of contact, with e-mail and phone, and the preparer; none
    of that reaches a page. Columns outside ``PROFILE_COLUMNS`` are dropped (listed in
    ``attrs["dropped_columns"]``); inside the kept text columns any e-mail address or phone number
    is removed (count in ``attrs["contacts_blanked"]``).
    """
    _require(cases, ["employer_name"], "cases")
    keep = [c for c in PROFILE_COLUMNS if c in cases.columns]
    out = cases[keep].copy()
    blanked = 0
    for col in ("employer_name", "employer_city", "agent_name", "worksite_city"):
        if col in out:
            out[col], n = _clean_text(out[col])
            blanked += n
    out.attrs = {"synthetic": schema.is_synthetic(cases),
                 "dropped_columns": [c for c in cases.columns if c not in keep], "contacts_blanked": blanked}
    return out


# ------------------------------------------------------------------------------------------------
# entity profiles
@dataclass(frozen=True)
class EmployerProfiles:
    """Employers as the site shows them; every table keyed by ``employer_id``.

    ``employers``: one row each: ``employer_id``, ``slug``, ``name`` (the spelling used in most
    cases), ``names`` (every spelling, "; "-joined), ``states`` (employer states), ``programs``,
    ``first_year``, ``last_year``, ``years`` (sorted list), ``cases``, ``positions_certified``,
    ``expected_women``. ``positions``: per employer x program x fiscal year x SOC code:
    ``cases``, ``positions_certified``, ``wage_median``, ``wage_min``, ``wage_max`` (hourly),
    ``women_share`` (benchmark). ``worksites``, ``agents``, ``housing``: the distinct places,
    agents/attorneys and housing records with their years.
    """
    employers: pd.DataFrame
    positions: pd.DataFrame
    worksites: pd.DataFrame
    agents: pd.DataFrame
    housing: pd.DataFrame
    case_index: pd.DataFrame  # program, case_number, fiscal_year, employer_id (to link companions)
    accounting: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RecruiterProfiles:
    """Recruiters from H-2B Appendix C: ``recruiters`` (``recruiter_id``, ``slug``, ``name``,
    ``places``, ``countries``, ``first_year``, ``last_year``, ``years``, ``cases``, ``employers``) and
    ``links`` (recruiter x employer x fiscal year x SOC code, with ``cases``)."""
    recruiters: pd.DataFrame
    links: pd.DataFrame
    accounting: dict = field(default_factory=dict)


def _years(values: Iterable) -> list[int]:
    return sorted({int(v) for v in values if pd.notna(v)})


def _positions(cases: pd.DataFrame) -> pd.Series:
    """Certified positions a case row counts for (0 for duplicate master/sub rows and uncertified)."""
    dup = cases["is_duplicate"].fillna(False).astype(bool) if "is_duplicate" in cases else False
    cert = cases["is_certified"].fillna(False).astype(bool) if "is_certified" in cases else True
    return cases["workers_certified"].fillna(0).astype("int64").where(~dup & cert, 0)


def employer_profiles(cases: pd.DataFrame, *, identity: Callable[[pd.DataFrame], pd.Series] | None = None,
                      benchmark: pd.DataFrame | None = None, housing: pd.DataFrame | None = None
                      ) -> EmployerProfiles:
    """Employer profiles from canonical DOL cases (any number of programs and years).

    ``identity`` maps cases to employer ids (default ``employer_identity``). ``benchmark`` (columns
    ``soc_code``, ``women_share``; default the shipped CPS Table 11 shares for 2022) gives
    expected_women = sum over occupations of positions_certified x women_share (the same rule as
    ``analysis.expected_counts``). ``housing`` is an H-2A Addendum B housing table
    (``dol.read_housing``) linked by case number. Contact persons, e-mails and phones are dropped
    first (``drop_contacts``). Rows without an employer name are left out and counted in
    ``accounting["rows_without_employer"]``.
    """
    from toolkit import occupation_shares

    _require(cases, ["program", "fiscal_year", "case_number", "employer_name", "employer_state",
                     "workers_certified"], "cases")
    identity = employer_identity if identity is None else identity
    clean = drop_contacts(cases)
    ids = identity(clean)
    if not isinstance(ids, pd.Series) or len(ids) != len(clean):
        raise ValueError("identity must return a Series with one id per case row")
    clean = clean.assign(employer_id=ids.astype("string").to_numpy(), _pos=_positions(clean).to_numpy())
    without = clean["employer_id"].isna()
    clean = clean[~without]
    bench = occupation_shares.women_share_by_soc(2022) if benchmark is None else benchmark
    _require(bench, ["soc_code", "women_share"], "benchmark")
    share = bench.drop_duplicates("soc_code").set_index("soc_code")["women_share"].astype("float64")

    soc = clean["soc_code"].astype("string").fillna("") if "soc_code" in clean else pd.Series("", index=clean.index)
    clean = clean.assign(soc_code=soc, soc_title=clean.get("soc_title", pd.Series(pd.NA, index=clean.index)))
    wage = clean["wage_hourly"].astype("Float64") if "wage_hourly" in clean else pd.Series(pd.NA, index=clean.index,
                                                                                               dtype="Float64")
    clean = clean.assign(wage_hourly=wage)
    keys = ["employer_id", "program", "fiscal_year", "soc_code"]
    positions = (clean.groupby(keys, observed=True, dropna=False)
                 .agg(soc_title=("soc_title", "first"), cases=("case_number", "nunique"),
                      positions_certified=("_pos", "sum"), wage_median=("wage_hourly", "median"),
                      wage_min=("wage_hourly", "min"), wage_max=("wage_hourly", "max"))
                 .reset_index().sort_values(keys, ignore_index=True))
    positions["women_share"] = positions["soc_code"].map(share)
    expected = (positions["positions_certified"] * positions["women_share"]).groupby(positions["employer_id"]).sum(
        min_count=1)

    spelled = (clean.groupby(["employer_id", "employer_name"], observed=True).size().rename("n").reset_index()
               .sort_values(["employer_id", "n", "employer_name"], ascending=[True, False, True]))
    names: dict[str, list[str]] = {}
    for eid, name in zip(spelled["employer_id"], spelled["employer_name"]):
        names.setdefault(eid, []).append(name)
    g = clean.groupby("employer_id", observed=True)
    employers = pd.DataFrame({"cases": g["case_number"].nunique(), "positions_certified": g["_pos"].sum().astype("int64")})
    ids = employers.index
    employers["name"] = [names[i][0] for i in ids]
    employers["names"] = ["; ".join(names[i]) for i in ids]
    for col, src in (("states", "employer_state"), ("worksite_states", "worksite_state"), ("programs", "program")):
        joined = _joined(clean, "employer_id", src) if src in clean else {}
        employers[col] = [joined.get(i, "") for i in ids]
    years = _year_lists(clean, "employer_id")
    employers["years"] = [years[i] for i in ids]
    employers["first_year"] = employers["years"].str[0]
    employers["last_year"] = employers["years"].str[-1]
    employers["expected_women"] = expected.reindex(employers.index)
    employers = employers.rename_axis("employer_id").reset_index()
    employers["slug"] = employers["employer_id"].map(_slug)
    employers = employers.sort_values(["name", "employer_id"], key=lambda s: s.map(fold) if s.name == "name" else s,
                                      ignore_index=True)

    worksites = _distinct(clean, ["worksite_city", "worksite_state"])
    agents = _distinct(clean, ["agent_name"])
    case_index = clean[["program", "case_number", "fiscal_year", "employer_id"]].drop_duplicates(
        ["program", "case_number"], ignore_index=True)
    house = _housing(housing, case_index)
    accounting = {"rows": len(cases), "rows_without_employer": int(without.sum()),
                  "employers": len(employers), "dropped_columns": clean.attrs.get("dropped_columns", []),
                  "contacts_blanked": clean.attrs.get("contacts_blanked", 0)}
    return EmployerProfiles(employers, positions, worksites, agents, house, case_index, accounting)


def _joined(df: pd.DataFrame, key: str, col: str, sep: str = ", ") -> dict:
    """key -> the distinct non-missing values of ``col``, sorted and joined (plain Python: fast for
    thousands of small groups, where a pandas lambda per group is not)."""
    pairs = df[[key, col]].dropna().drop_duplicates()
    acc: dict = {}
    for k, v in zip(pairs[key], pairs[col]):
        acc.setdefault(k, []).append(str(v))
    return {k: sep.join(sorted(v)) for k, v in acc.items()}


def _year_lists(df: pd.DataFrame, keys: str | list[str]) -> dict:
    """key (or tuple of keys) -> sorted list of the fiscal years it appears in."""
    keys = [keys] if isinstance(keys, str) else list(keys)
    pairs = df[[*keys, "fiscal_year"]].dropna(subset=["fiscal_year"]).drop_duplicates()
    acc: dict = {}
    cols = [pairs[k] for k in keys]
    for *k, y in zip(*cols, pairs["fiscal_year"]):
        acc.setdefault(k[0] if len(k) == 1 else tuple(k), []).append(int(y))
    return {k: sorted(v) for k, v in acc.items()}


def _distinct(clean: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Distinct non-blank ``cols`` per employer with the years they appear in."""
    present = [c for c in cols if c in clean]
    if not present:
        return pd.DataFrame(columns=["employer_id", *cols, "years"])
    rows = clean.dropna(subset=present[:1])
    keys = ["employer_id", *present]
    years = _year_lists(rows.astype({c: "object" for c in present}).fillna({c: "" for c in present[1:]}), keys)
    out = pd.DataFrame(list(years.keys()), columns=keys).replace({c: {"": pd.NA} for c in present[1:]})
    out["years"] = list(years.values())
    return out.sort_values(keys, ignore_index=True)


def _housing(housing: pd.DataFrame | None, case_index: pd.DataFrame) -> pd.DataFrame:
    cols = ["employer_id", "housing_type", "housing_city", "housing_state", "years"]
    if housing is None or not len(housing):
        return pd.DataFrame(columns=cols)
    _require(housing, ["case_number"], "housing")
    h = housing.merge(case_index[["case_number", "fiscal_year", "employer_id"]], on="case_number", how="inner")
    for c in ("housing_type", "housing_city", "housing_state"):
        if c not in h:
            h[c] = pd.NA
    h = h.dropna(subset=["housing_city"])
    out = (h.groupby(["employer_id", "housing_type", "housing_city", "housing_state"], observed=True, dropna=False)
           ["fiscal_year"].agg(_years).rename("years").reset_index())
    return out[cols].sort_values(cols[:4], ignore_index=True)


def recruiter_profiles(recruiters: pd.DataFrame, employers: EmployerProfiles, cases: pd.DataFrame | None = None
                       ) -> RecruiterProfiles:
    """Recruiter profiles from H-2B Appendix C (``dol.read_recruiters``) linked to employers by
    case number (the recruiter's years are those of the cases that name it).

    A recruiter is its normalised business name and country (``recruiters.recruiter_ids``, the
    identity of the reports' Appendix C table). Appendix C rows whose case is not among
    the cases given are kept with an unknown year and employer, and counted in
    ``accounting["rows_without_case"]``. Person names in Appendix C (recruiter first/last names)
    are never read (``dol.read_companion`` does not carry them).
    """
    _require(recruiters, ["case_number", "recruiter_name"], "recruiters")
    r = recruiters.copy()
    for c in ("recruiter_city", "recruiter_country", "recruiter_province", "recruiter_state"):
        r[c] = _clean_text(r[c])[0] if c in r else pd.Series(pd.NA, index=r.index, dtype="string")
    r["recruiter_name"] = _clean_text(r["recruiter_name"])[0]
    r = r.dropna(subset=["recruiter_name"])
    idx = employers.case_index
    h2b = idx[idx["program"] == "H-2B"] if "program" in idx else idx
    r = r.merge(h2b[["case_number", "fiscal_year", "employer_id"]], on="case_number", how="left")
    if cases is not None and "soc_code" in cases:
        socs = cases[["case_number", "soc_code"]].drop_duplicates("case_number")
        r = r.merge(socs, on="case_number", how="left")
    else:
        r["soc_code"] = pd.NA
    r["recruiter_id"] = recruiter_ids(r)  # the reports' identity: normalised business name + country
    r["place"] = r[["recruiter_city", "recruiter_province", "recruiter_country"]].apply(
        lambda row: ", ".join(str(v).title() if str(v).isupper() else str(v) for v in row if pd.notna(v)), axis=1)
    spelled = (r.groupby(["recruiter_id", "recruiter_name"]).size().rename("n").reset_index()
               .sort_values(["recruiter_id", "n", "recruiter_name"], ascending=[True, False, True]))
    g = r.groupby("recruiter_id")
    out = pd.DataFrame({"name": spelled.groupby("recruiter_id")["recruiter_name"].first(),
                        "cases": g["case_number"].nunique(), "employers": g["employer_id"].nunique()})
    places = _joined(r.assign(place=r["place"].replace("", pd.NA)), "recruiter_id", "place", "; ")
    countries = _joined(r, "recruiter_id", "recruiter_country")
    years = _year_lists(r, "recruiter_id")
    out["places"] = [places.get(i, "") for i in out.index]
    out["countries"] = [countries.get(i, "") for i in out.index]
    out["years"] = [years.get(i, []) for i in out.index]
    out["first_year"] = [v[0] if v else pd.NA for v in out["years"]]
    out["last_year"] = [v[-1] if v else pd.NA for v in out["years"]]
    out = out.rename_axis("recruiter_id").reset_index()
    out["slug"] = out["recruiter_id"].map(_slug)
    out = out.sort_values("name", key=lambda s: s.map(fold), ignore_index=True)
    links = (r.dropna(subset=["employer_id"])
             .groupby(["recruiter_id", "employer_id", "fiscal_year", "soc_code"], dropna=False)["case_number"]
             .nunique().rename("cases").reset_index())
    accounting = {"rows": len(recruiters), "rows_without_case": int(r["employer_id"].isna().sum()),
                  "recruiters": len(out)}
    return RecruiterProfiles(out, links, accounting)


def worker_recruiters(data, *, match=None, forced: dict | None = None) -> pd.DataFrame:
    """Recruiters named in the worker records, as the national evidence publishes them
    (``forced``: as in ``evidence_sections``).

    For each program the national scope is built (``evidence.build``, the same call as the
    national section of ``evidence_sections``) and the rows of its audited ``recruiters`` table
    that are shown are kept: suppressed rows (fewer than k women or men, and the complementary
    ones) never reach a directory. Returns ``program``, ``recruiter``, ``women``, ``total``,
    ``observed_share``, ``expected_share``, ``credible``; empty without worker records or a
    ``recruiter`` column.
    """
    from toolkit import employers, evidence

    cols = ["program", "recruiter", "women", "total", "observed_share", "expected_share", "credible"]
    workers = data.workers
    if workers is None or "recruiter" not in workers or not workers["recruiter"].notna().any():
        return pd.DataFrame(columns=cols)
    if match is None:
        match = employers.match_employers(data.cases)
    parts = []
    for program in sorted(workers["program"].dropna().unique()):
        table = evidence.build(_scoped(data, program, None), employer_match=match,
                               forced=forced).raw_tables.get("recruiters")
        if table is None or not len(table):
            continue
        shown = table[~table["suppressed"].astype(bool)]
        parts.append(shown.assign(program=program).reindex(columns=cols))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)


def _with_worker_recruiters(rec: RecruiterProfiles | None, table: pd.DataFrame | None,
                            years: list[int]) -> RecruiterProfiles | None:
    """Appendix C recruiters plus those of the worker records (``worker_recruiters``), one row each
    per program, marked ``source`` = "worker_records" (Appendix C rows: "appendix_c")."""
    if table is None or not len(table):
        if rec is not None and "source" not in rec.recruiters:
            rec = RecruiterProfiles(rec.recruiters.assign(source="appendix_c"), rec.links, rec.accounting)
        return rec
    ids = ("W:" + table["program"].astype(str) + ":" + table["recruiter"].astype(str)).tolist()
    extra = pd.DataFrame({"recruiter_id": ids, "name": table["recruiter"].astype(str).to_numpy(), "places": "",
                          "countries": "", "years": [list(years)] * len(table), "cases": pd.NA, "employers": pd.NA,
                          "source": "worker_records", "program": table["program"].to_numpy(),
                          "women": table["women"].to_numpy(), "total": table["total"].to_numpy(),
                          "observed_share": table["observed_share"].to_numpy(),
                          "expected_share": table["expected_share"].to_numpy(),
                          "credible": table["credible"].to_numpy()})
    extra["first_year"] = [y[0] if y else pd.NA for y in extra["years"]]
    extra["last_year"] = [y[-1] if y else pd.NA for y in extra["years"]]
    extra["slug"] = extra["recruiter_id"].map(_slug)
    base = rec.recruiters.assign(source="appendix_c") if rec is not None else pd.DataFrame(columns=["name"])
    both = pd.concat([base, extra], ignore_index=True).sort_values("name", key=lambda v: v.map(fold), ignore_index=True)
    links = rec.links if rec is not None else pd.DataFrame(columns=["recruiter_id", "employer_id", "fiscal_year",
                                                                     "soc_code", "cases"])
    accounting = {**(rec.accounting if rec is not None else {}), "worker_record_recruiters": len(extra)}
    return RecruiterProfiles(both, links, accounting)


# ------------------------------------------------------------------------------------------------
# search index
def entity_table(employers: EmployerProfiles, recruiters: RecruiterProfiles | None = None) -> pd.DataFrame:
    """One row per entity for the search index: ``name``, ``kind`` ("employer"/"recruiter"),
    ``states``, ``years`` (list of ints), ``url`` (relative to a language folder), ``aliases``."""
    e = employers.employers
    rows = pd.DataFrame({"name": e["name"], "kind": "employer", "states": e["states"], "years": e["years"],
                         "url": "employer/" + e["slug"] + ".html", "aliases": e["names"]})
    if recruiters is not None and len(recruiters.recruiters):
        r = recruiters.recruiters
        rows = pd.concat([rows, pd.DataFrame({"name": r["name"], "kind": "recruiter", "states": r["countries"],
                                              "years": r["years"], "url": "recruiter/" + r["slug"] + ".html",
                                              "aliases": r["name"]})], ignore_index=True)
    return rows


def _year_span(years: list[int]) -> str:
    if not years:
        return ""
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}-{years[-1]}"


def search_index(entities: pd.DataFrame) -> dict:
    """The search index as a JSON-ready dict: ``{"fields": [...], "rows": [[...], ...]}``.

    Each row is ``[name, kind, states, years, url, words]`` where ``words`` is ``fold`` of the name
    and every alias, deduplicated, so the page compares folded words only. Rows are sorted by
    folded name, then URL; entities without a name or URL raise ``ValueError`` naming the row.

    Examples
    --------
    >>> t = pd.DataFrame({"name": ["Gonzáles Farms, LLC"], "kind": ["employer"], "states": ["TX"],
    ...                   "years": [[2019, 2021]], "url": ["employer/g.html"]})
    >>> search_index(t)["rows"]
    [['Gonzáles Farms, LLC', 'employer', 'TX', '2019-2021', 'employer/g.html', 'gonzales farms llc']]
    """
    _require(entities, ["name", "kind", "states", "years", "url"], "entities")
    bad = entities.index[entities["name"].isna() | entities["url"].isna()]
    if len(bad):
        raise ValueError(f"entities: rows {list(bad[:5])} have no name or url")
    kinds = set(entities["kind"]) - {"employer", "recruiter"}
    if kinds:
        raise ValueError(f"entities: kind must be one of ['employer', 'recruiter'], got {sorted(kinds)}")
    rows = []
    for rec in entities.to_dict("records"):
        aliases = str(rec.get("aliases") or "").split("; ")
        words = []
        for w in (fold(rec["name"]), *map(fold, aliases)):
            if w and w not in words:
                words.append(w)
        years = rec["years"] if isinstance(rec["years"], (list, tuple)) else _years([rec["years"]])
        rows.append([str(rec["name"]), rec["kind"], "" if pd.isna(rec["states"]) else str(rec["states"]),
                     _year_span(list(years)), str(rec["url"]), " | ".join(words)])
    rows.sort(key=lambda r: (r[5], r[4]))
    return {"fields": ["name", "kind", "states", "years", "url", "words"], "rows": rows}


def search_index_script(index: dict) -> str:
    """The index as a script that sets ``window.H2GENDER_INDEX`` (a page opened from ``file://``
    may load a script but not fetch a JSON file)."""
    return "window.H2GENDER_INDEX = " + json.dumps(index, ensure_ascii=False, separators=(",", ":")) + ";\n"


# ------------------------------------------------------------------------------------------------
# map
def _ring_path(coords, x0: float, y1: float, scale: float) -> str:
    """SVG path data of one ring: absolute first point, then relative moves, in 0.1 px steps."""
    pts = [(round((x - x0) * scale * 10), round((y1 - y) * scale * 10)) for x, y in coords]
    out = [pts[0]]
    for p in pts[1:]:
        if p != out[-1]:
            out.append(p)
    if len(out) < 4:  # fewer than three distinct corners: the ring is below the map's resolution
        return ""
    steps = " ".join(f"{(x - px) / 10:g},{(y - py) / 10:g}" for (px, py), (x, y) in zip(out, out[1:]))
    return f"M{out[0][0] / 10:g},{out[0][1] / 10:g}l{steps}z"


def _polygons(geom, min_area: float) -> list:
    """The polygons of ``geom`` with area at least ``min_area`` (the largest always kept)."""
    polys = sorted(geom.geoms if geom.geom_type == "MultiPolygon" else [geom], key=lambda g: -g.area)
    return [polys[0]] + [g for g in polys[1:] if g.area >= min_area]


def us_map_svg(*, href: str = "state/{state}.html", names: Mapping[str, str] | None = None,
               tolerance: float = 6000.0, width: int = 960, title: str = "United States",
               description: str = "") -> str:
    """A clickable SVG map of the 50 states, DC and Puerto Rico as a string.

    Geometry: ``toolkit.geo.us_states_for_map()`` (Census 2016 cartographic boundaries in CONUS
    Albers, Alaska, Hawaii and Puerto Rico as insets), simplified by Douglas-Peucker with
    ``tolerance`` metres (topology preserved per state), islands under 25 x tolerance² left out (a
    state's largest part always kept), scaled to ``width`` pixels, coordinates rounded to 0.1 px. Each state is ``<a href="..."><path ...><title>Name</title></path></a>``;
    ``href`` is a format string with ``{state}`` (USPS code) and ``names`` maps codes to the
    accessible names (default: the Census names). Pure: the same arguments give the same string.
    """
    from toolkit import geo

    if tolerance < 0 or width <= 0:
        raise ValueError(f"tolerance must be >= 0 and width > 0, got tolerance={tolerance}, width={width}")
    if "{state}" not in href:
        raise ValueError(f"href must contain '{{state}}', got {href!r}")
    gdf = geo.us_states_for_map()
    gdf = gdf[gdf["state"].isin(MAP_STATES)]
    x0, y0, x1, y1 = gdf.total_bounds
    min_area = 25 * tolerance ** 2  # islands smaller than about 5 x 5 simplification steps are left out
    scale = width / (x1 - x0)
    height = round((y1 - y0) * scale)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="map-title map-desc" class="us-map">',
             f'<title id="map-title">{html.escape(title)}</title>', f'<desc id="map-desc">{html.escape(description)}</desc>']
    for rec in gdf.sort_values("state").itertuples():
        geom = rec.geometry.simplify(tolerance, preserve_topology=True)
        d = "".join(_ring_path(p.exterior.coords, x0, y1, scale) for p in _polygons(geom, min_area) if not p.is_empty)
        if not d:  # a state simplified away would be a missing link: keep its unsimplified outline
            d = "".join(_ring_path(p.exterior.coords, x0, y1, scale) for p in _polygons(rec.geometry, 0))
        name = (names or {}).get(rec.state, rec.name)
        link = html.escape(href.format(state=rec.state), quote=True)
        parts.append(f'<a href="{link}" aria-label="{html.escape(name, quote=True)}"><path id="map-{rec.state}" '
                     f'd="{d}"><title>{html.escape(name)}</title></path></a>')
    parts.append("</svg>")
    return "\n".join(parts)


# ------------------------------------------------------------------------------------------------
# the site as a value
_ES_STATE_NAMES = {"DC": "Distrito de Columbia", "HI": "Hawái", "LA": "Luisiana", "NC": "Carolina del Norte",
                   "ND": "Dakota del Norte", "NH": "Nuevo Hampshire", "NJ": "Nueva Jersey", "NM": "Nuevo México",
                   "NY": "Nueva York", "PA": "Pensilvania", "SC": "Carolina del Sur", "SD": "Dakota del Sur",
                   "VI": "Islas Vírgenes", "WV": "Virginia Occidental"}


@dataclass(frozen=True)
class SitePages:
    """Everything ``write_site`` lays out (it computes nothing; a template lays out what it is given).

    ``by_state``: program x fiscal year x worksite state: ``cases``, ``positions_certified``,
    ``employers``. ``coverage``: the same by program x fiscal year (national). ``state_occupations``
    and ``state_employers``: certified positions per state by SOC code and by employer.
    ``provenance``: ``source`` ("store" or "synthetic"), ``years``, ``files`` (dicts with ``file``,
    ``sha256``), ``version``, ``commit``, ``command``. ``sections``: HTML fragments of the evidence
    (``evidence_sections``), keyed by (state code or "US", lang), already through the disclosure
    layer; ``{top}`` in them stands for the page's relative path to the site root. ``releases``:
    the governing release per program x fiscal year (``coverage.year_coverage`` of the dataset's
    coverage: release, months, ``partial``), or None when the data carry no release (synthetic).
    """
    employers: EmployerProfiles
    recruiters: RecruiterProfiles | None
    by_state: pd.DataFrame
    coverage: pd.DataFrame
    state_occupations: pd.DataFrame
    state_employers: pd.DataFrame
    provenance: dict
    k: int = 10
    synthetic: bool = False
    sections: Mapping[tuple[str, str], str] = field(default_factory=dict)
    releases: pd.DataFrame | None = None


def build_pages(cases: pd.DataFrame, *, recruiters: pd.DataFrame | None = None, housing: pd.DataFrame | None = None,
                identity: Callable[[pd.DataFrame], pd.Series] | None = None, provenance: Mapping | None = None,
                k: int = 10, benchmark: pd.DataFrame | None = None,
                sections: Mapping[tuple[str, str], str] | None = None, match=None,
                worker_recruiters: pd.DataFrame | None = None,
                release_coverage: pd.DataFrame | None = None) -> SitePages:
    """The site's content from canonical cases (and, when given, Appendix C recruiters and
    Addendum B housing): entity profiles, state and national tables, provenance.

    Counts are case-level public records: ``positions_certified`` sums ``workers_certified``
    over certified cases, leaving out duplicate master/sub rows (``analysis.certified_positions``'s
    rule); ``employers`` counts distinct employer ids. ``match`` (an ``employers.EmployerMatch``
    of these cases, as ``evidence_sections`` used) gives the employer ids; else ``identity``.
    ``worker_recruiters`` (``worker_recruiters(data)``: the audited, shown rows only) joins the
    recruiter directory with the numbers the national evidence publishes for them.
    ``release_coverage`` (``Dataset.coverage``) gives each program-year its release and months, so
    every table by year says which years are partial (a Q1 file is three months, not a year).
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    if match is not None:
        if identity is not None:
            raise ValueError("give match= or identity=, not both")
        identity = lambda c: match.within(c.index).ids  # noqa: E731
    emp = employer_profiles(cases, identity=identity, benchmark=benchmark, housing=housing)
    rec = recruiter_profiles(recruiters, emp, cases) if recruiters is not None else None
    rec = _with_worker_recruiters(rec, worker_recruiters, _years(cases["fiscal_year"]))
    clean = drop_contacts(cases)
    ids = (employer_identity if identity is None else identity)(clean)
    c = clean.assign(employer_id=ids.to_numpy(), _pos=_positions(clean).to_numpy())
    c["worksite_state"] = c["worksite_state"].astype("string") if "worksite_state" in c else pd.NA
    agg = dict(cases=("case_number", "nunique"), positions_certified=("_pos", "sum"),
               employers=("employer_id", "nunique"))
    by_state = (c.groupby(["program", "fiscal_year", "worksite_state"], observed=True).agg(**agg).reset_index()
                .sort_values(["worksite_state", "program", "fiscal_year"], ignore_index=True))
    coverage = (c.groupby(["program", "fiscal_year"], observed=True).agg(**agg).reset_index()
                .sort_values(["program", "fiscal_year"], ignore_index=True))
    soc = c.get("soc_code", pd.Series(pd.NA, index=c.index)).astype("string").fillna("")
    c = c.assign(soc_code=soc)
    occ = (c.groupby(["worksite_state", "soc_code"], observed=True)
           .agg(soc_title=("soc_title", "first") if "soc_title" in c else ("soc_code", "first"),
                positions_certified=("_pos", "sum")).reset_index()
           .sort_values(["worksite_state", "positions_certified", "soc_code"], ascending=[True, False, True],
                        ignore_index=True))
    semp = (c.dropna(subset=["employer_id"]).groupby(["worksite_state", "employer_id"], observed=True)
            .agg(positions_certified=("_pos", "sum")).reset_index()
            .sort_values(["worksite_state", "positions_certified", "employer_id"], ascending=[True, False, True],
                         ignore_index=True))
    prov = {"source": "synthetic" if schema.is_synthetic(cases) else "store",
            "years": _years(cases["fiscal_year"]), "files": [], "version": "", "commit": "unknown", "command": ""}
    prov.update(dict(provenance or {}))
    releases = None
    if release_coverage is not None and {"partial", "months", "source_file", "first_month"} <= set(release_coverage):
        releases = release_rules.year_coverage(release_coverage)
    return SitePages(emp, rec, by_state, coverage, occ, semp, prov, k=k, synthetic=schema.is_synthetic(cases),
                     sections=dict(sections or {}), releases=releases)


# ------------------------------------------------------------------------------------------------
# the evidence of the reports, per program x state
def _scoped(data, program: str, state: str | None):
    """The dataset narrowed to one program and one worksite state (None: national), with the
    matching ``Request`` (so the evidence's provenance and command name that scope).

    Worker records stay in the national scope only. Published for the nation and for every state
    at once, the differences between pages (the nation's women in an occupation minus those of
    the states that show theirs) would give back counts a state page hides; one audited scope per
    program cannot be differenced that way. A state's evidence is then the DOL records', and its
    request, files and command say so (no worker file).
    """
    from dataclasses import replace

    req = replace(data.request, programs=(program,), states=(state,) if state else ())
    keep = data.cases["program"] == program
    if state:
        keep &= data.cases["worksite_state"] == state
    workers, files = data.workers, data.files
    if workers is not None and state:
        workers, req = None, replace(req, workers_path=None, mapping_path=None)
        files = tuple(f for f in files if f.get("role") != "role_workers")
    elif workers is not None:
        workers = workers[(workers["program"] == program).fillna(False).to_numpy()]
    return replace(data, request=req, cases=data.cases[keep.fillna(False).to_numpy()], workers=workers, files=files)


def _view_html(view: dict, *, program: str, pdf: str | None, command: str | None = None) -> str:
    """One program's evidence (``present.view``) as an HTML fragment: findings, tables, notes.

    Figures are left to the PDF of the same evidence: drawn for every state they would cost
    seconds per page and hundreds of KB; the page links the PDF instead (a site built without
    PDFs gives the ``h2gender report`` command that prints it). ``{top}`` in a link is
    replaced by the page's path to the site root.
    """
    findings = "".join(f"<h4>{_e(f['title'])}</h4><p>{_e(f['text'])}</p>" for f in view["findings"])
    tables = "".join(
        f"<h4>{_e(t['title'])}</h4><div class=\"table-wrap\">"
        + t["frame"].to_html(index=False, escape=True, border=0, na_rep="—", classes="evidence-table")
        + f"</div><p class=\"note\">{_e(t['note'])}</p>" for t in view["tables"])
    if pdf:
        link = f'<p><a href="{{top}}{_e(pdf)}">{_e(text("state_pdf", view["lang"]))}</a></p>'
    elif command:  # a site built without --pdf: the command that prints the same evidence
        link = f'<p class="note">{_e(text("state_pdf_command", view["lang"]))} <code>{_e(command)}</code></p>'
    else:
        link = ""
    return (f'<section class="evidence"><h3>{_e(program)}: {_e(view["scope"])}</h3>{findings}{tables}'
            f'<p class="note">{_e(view["suppression_note"])}</p>{link}</section>')


#: What the worker processes of ``evidence_sections`` build from (set once per process).
_SCOPE_INPUT: dict = {}


def national_evidence(data, *, match=None, forced: dict | None = None) -> list:
    """The national evidence of each program with worker records: what the site publishes from
    them (``_scoped`` keeps the records national), for the ledger (``toolkit.ledger``)."""
    from toolkit import evidence

    if data.workers is None:
        return []
    return [evidence.build(_scoped(data, program, None), employer_match=match, forced=forced)
            for program in sorted(data.workers["program"].dropna().unique())]


def _scope_init(inputs: dict) -> None:
    _SCOPE_INPUT.clear()
    _SCOPE_INPUT.update(inputs)


def _scope_html(scope: tuple[str, str | None], inputs: dict | None = None) -> list[tuple[tuple[str, str], str]]:
    """One program x state (None: national): ``evidence.build`` then, per language, ``present.view``
    as an HTML fragment (and the PDF when asked). Pure given ``inputs`` (in a worker process:
    ``_SCOPE_INPUT``, set once by ``_scope_init``)."""
    from dataclasses import replace

    from toolkit import evidence, present, report

    inputs = _SCOPE_INPUT if inputs is None else inputs
    program, state = scope
    data, pdf_dir = inputs["data"], inputs["pdf_dir"]
    ev = evidence.build(_scoped(data, program, state), commit=inputs["commit"], rendered=inputs["rendered"],
                        employer_match=inputs["match"], forced=inputs.get("forced"))
    parts = []
    for lang in data.request.langs:
        pdf = None
        if pdf_dir is not None:
            path = report.render(ev, lang=lang, fmt="pdf", out=pdf_dir)[0]
            pdf = f"{Path(pdf_dir).name}/{path.name}"
        # empty tables are left out: present.display_table fails on a table with no rows
        shown = {name: spec for name, spec in ev.tables.items() if len(spec.data)}
        view = present.view(replace(ev, figures={}, tables=shown), lang)
        fragment = _view_html(view, program=program, pdf=pdf, command=ev.request.command(lang))
        if state and data.workers is not None:
            fragment = f'<p class="note">{_e(text("state_workers_national_only", lang))}</p>' + fragment
        parts.append(((state or "US", lang), fragment))
    return parts


def _default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def evidence_sections(data, *, states: Iterable[str] | None = None, commit: str = "unknown", rendered: str = "",
                      pdf_dir: str | Path | None = None, match=None, progress: bool = False,
                      jobs: int | None = 1, forced: dict | None = None) -> dict[tuple[str, str], str]:
    """The report's evidence for each program x state (and nationally, "US"), per language.

    ``data`` is a ``dataset.Dataset`` (``dataset.load(request)``, loaded once); for each program
    and each worksite state with cases (or only ``states``) the dataset is narrowed to that scope,
    ``evidence.build`` computes the evidence (counts of people suppressed below the request's k)
    and ``present.view`` words it in each of the request's languages. With ``pdf_dir`` the same
    evidence is also printed to PDF there (``report.render``, no Jupyter kernel) and linked.
    Returns {(state or "US", lang): HTML fragment}, ready for ``SitePages.sections``.

    Employers are matched once over all the dataset's cases (``employers.match_employers``, or
    ``match`` when given) and every scope is built from that match narrowed to its cases, so one
    employer has one identity on every page; a state's list of possible merges can then name a
    namesake in another state. ``progress`` shows a tqdm bar over the scopes.

    With worker records, only the national sections carry their evidence (``_scoped`` says why);
    each state section then says so.

    ``jobs``: processes building scopes at once (None: one per available CPU; 1: in this
    process). Scopes are independent (each ``evidence.build`` seeds its own draws from the
    request), so the result does not depend on ``jobs``; the processes are started with
    "spawn" and receive the dataset once each. ``forced``: rows an earlier publication from the
    same worker file hid (``toolkit.ledger.forced``), hidden here too.
    """
    from tqdm.auto import tqdm

    from toolkit import employers

    if jobs is None:
        jobs = _default_jobs()
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive integer or None, got {jobs!r}")
    cases = data.cases
    if match is None:
        match = employers.match_employers(cases)
    wanted = None if states is None else set(states)
    scopes = []
    for program in sorted(cases["program"].dropna().unique()):
        present_states = sorted(cases.loc[cases["program"] == program, "worksite_state"].dropna().unique())
        scopes += [(program, st) for st in [None, *present_states] if st is None or wanted is None or st in wanted]
    inputs = {"data": data, "match": match, "commit": commit, "rendered": rendered,
              "pdf_dir": None if pdf_dir is None else Path(pdf_dir), "forced": forced}
    bar = dict(total=len(scopes), desc="evidence", unit="scope", disable=not progress)
    out: dict[tuple[str, str], list[str]] = {}
    if jobs == 1 or len(scopes) < 2:
        results = [_scope_html(scope, inputs) for scope in tqdm(scopes, **bar)]
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(jobs, len(scopes)), mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_scope_init, initargs=(inputs,)) as pool:
            results = list(tqdm(pool.map(_scope_html, scopes), **bar))  # in the order of ``scopes``
    for parts in results:
        for key, html_part in parts:
            out.setdefault(key, []).append(html_part)
    return {key: "".join(parts) for key, parts in out.items()}


# ------------------------------------------------------------------------------------------------
# writing
def _e(value: object) -> str:
    return html.escape("" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value))


def _records(df: pd.DataFrame) -> list[dict]:
    """Rows as dicts with missing values as None-safe pandas NA (plain Python for the page loops)."""
    return df.to_dict("records")


def _groups(df: pd.DataFrame, key: str) -> dict:
    """key -> list of row dicts, in the frame's order."""
    out: dict = {}
    for rec in _records(df):
        out.setdefault(rec[key], []).append(rec)
    return out


def _int(x, lang: str) -> str:
    return "—" if x is None or pd.isna(x) else _fmt_int(int(x), lang)


@lru_cache(maxsize=65536)
def _fmt_int(x: int, lang: str) -> str:
    return i18n.fmt_int(x, lang)


@lru_cache(maxsize=65536)
def _fmt_money(x: float, lang: str) -> str:
    return "$" + i18n.fmt_number(x, lang, 2)


def _money(x, lang: str) -> str:
    return "—" if x is None or pd.isna(x) else _fmt_money(round(float(x), 2), lang)


def _wage(median, low, high, lang: str) -> str:
    """"$14.70 ($12.00–$15.10)"; one value when the range is a single wage; "—" when unknown."""
    if median is None or pd.isna(median):
        return "—"
    if _money(low, lang) == _money(high, lang):
        return _money(median, lang)
    return f"{_money(median, lang)} ({_money(low, lang)}–{_money(high, lang)})"


def _table(headers: list[str], rows: Iterable[Iterable[str]], *, numeric: Iterable[int] = ()) -> str:
    """An HTML table; cells are already-escaped HTML; columns in ``numeric`` align right."""
    numeric = set(numeric)
    head = "".join(f'<th scope="col"{" class=num" if i in numeric else ""}>{h}</th>' for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f'<td{" class=num" if i in numeric else ""}>{v}</td>' for i, v in enumerate(r))
                   + "</tr>" for r in rows)
    return f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _state_name(code: str, lang: str) -> str:
    """The state's name in ``lang`` (Census names; Spanish names where Spanish spells them apart)."""
    if lang == "es" and code in _ES_STATE_NAMES:
        return _ES_STATE_NAMES[code]
    return _census_names().get(code, code)


@lru_cache(maxsize=1)
def _census_names() -> dict[str, str]:
    from toolkit import geo

    states = geo.us_states()
    return dict(zip(states["state"], states["name"]))


def _years_text(years: list[int]) -> str:
    if not years:
        return ""
    if years == list(range(years[0], years[-1] + 1)):
        return _year_span(years).replace("-", "–")
    return ", ".join(map(str, years))


class _Writer:
    """Lays out one language of the site (paths are relative to ``<out>/<lang>/``)."""

    def __init__(self, pages: SitePages, lang: str, root: Path, other: str | None):
        self.p, self.lang, self.root, self.other = pages, lang, root, other
        self.written: list[Path] = []
        emp = pages.employers
        self.emp_by_id = {r["employer_id"]: r for r in _records(emp.employers)}
        self.positions = _groups(emp.positions, "employer_id")
        self.worksites = _groups(emp.worksites, "employer_id")
        self.agents = _groups(emp.agents, "employer_id")
        self.housing = _groups(emp.housing, "employer_id")
        rec = pages.recruiters
        self.rec_links = {} if rec is None else _groups(rec.links, "employer_id")
        self.rec_by_id = {} if rec is None else {r["recruiter_id"]: r for r in _records(rec.recruiters)}
        self.links_by_rec = {} if rec is None else _groups(rec.links, "recruiter_id")
        self.soc_titles = dict(zip(pages.state_occupations["soc_code"], pages.state_occupations["soc_title"]))
        rel = pages.releases
        self.releases = {} if rel is None else {(r["program"], int(r["fiscal_year"])): r for r in _records(rel)}
        prov = pages.provenance
        source = text("source_synthetic" if pages.synthetic else "source_store", lang)
        self.footer = (f'<footer><p>{_e(text("provenance_line", lang, source=source, years=_years_text(prov["years"]), version=prov.get("version", ""), commit=prov.get("commit", "")))}'
                       f' <a href="{{up}}about.html">{_e(text("nav_about", lang))}</a></p>'
                       f'<p class="rule">{_e(text("disclosure_rule", lang, k=pages.k))}</p></footer>')

    # ---- page frame
    def page(self, path: str, title: str, body: str, *, search: bool = False) -> None:
        depth = path.count("/")
        up = "../" * depth             # to the language folder
        top = "../" * (depth + 1)      # to the site root
        lang = self.lang
        nav = "".join(f'<a href="{up}{href}">{_e(text(key, lang))}</a>' for key, href in (
            ("home", "index.html"), ("nav_states", "index.html#states"), ("nav_employers", "employers/index.html"),
            ("nav_recruiters", "recruiters/index.html"), ("nav_about", "about.html")))
        switch = (f'<a class="lang" hreflang="{self.other}" lang="{self.other}" href="{top}{self.other}/{path}">'
                  f'{_e(text("switch_to", lang))}</a>') if self.other else ""
        banner = f'<p class="synthetic">{_e(text("synthetic_banner", lang))}</p>' if self.p.synthetic else ""
        scripts = ""
        if search:
            body = self.search_box(up) + body
            # the index (MBs for the national data) loads when the search box is first used, not with every page
            scripts = f'<script src="{top}assets/search.js"></script>'
        doc = (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
               f'<meta name="viewport" content="width=device-width, initial-scale=1">'
               f'<title>{_e(title)} · {_e(text("site_title", lang))}</title>'
               f'<link rel="stylesheet" href="{top}assets/site.css"></head><body>'
               f'<header><nav aria-label="site">{nav}</nav>{switch}</header>{banner}<main>'
               f'<h1>{_e(title)}</h1>{body}</main>{self.footer.replace("{up}", up)}{scripts}</body></html>\n')
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(doc, encoding="utf-8")
        self.written.append(target)

    def months(self, program: str, year) -> str:
        """The release and months of a program-year ("Q1 release: October 2021 to December 2021 *"
        for a partial year), or "" without release data."""
        r = self.releases.get((program, int(year)))
        if r is None:
            return ""
        return release_rules.coverage_label(r, self.lang) + (" *" if r["partial"] else "")

    def year_rows(self, table: pd.DataFrame, with_employers: bool = True) -> str:
        """A table by program x fiscal year (cases, positions, employers), with the months each
        year covers when the releases are known, and the caveats of partial years under it."""
        lang = self.lang
        known = bool(self.releases)
        keys = ["col_program", "col_year", *(["col_months"] if known else []), "col_cases", "col_positions",
                *(["col_employers"] if with_employers else [])]
        rows = [(_e(r.program), str(r.fiscal_year), *([_e(self.months(r.program, r.fiscal_year))] if known else []),
                 _int(r.cases, lang), _int(r.positions_certified, lang),
                 *([_int(r.employers, lang)] if with_employers else [])) for r in table.itertuples()]
        first = 3 if known else 2
        out = _table([text(k, lang) for k in keys], rows, numeric=range(first, len(keys)))
        if known:
            rel = self.p.releases
            held = pd.MultiIndex.from_arrays([table["program"], table["fiscal_year"].astype(int)])
            mine = rel[pd.MultiIndex.from_arrays([rel["program"], rel["fiscal_year"].astype(int)]).isin(held)]
            notes = release_rules.caveats(mine, lang) if len(mine) else []
            if notes:
                out += '<ul class="note">' + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>"
        return out

    def search_box(self, up: str) -> str:
        lang = self.lang
        return (f'<form class="search" role="search" data-root="{up}" data-index="{up}../assets/search-index.js" '
                f'data-none="{_e(text("search_none", lang))}" '
                f'data-employer="{_e(text("kind_employer", lang))}" data-recruiter="{_e(text("kind_recruiter", lang))}" '
                f'onsubmit="return false"><label for="q">{_e(text("search_label", lang))}</label>'
                f'<input id="q" name="q" type="search" autocomplete="off" '
                f'placeholder="{_e(text("search_placeholder", lang))}"><small>{_e(text("search_hint", lang))}</small>'
                f'<noscript>{_e(text("search_needs_js", lang))}</noscript><ul id="results" aria-live="polite"></ul></form>')

    def worker_box(self, kind: str) -> str:
        lang = self.lang
        says = text("says_employer" if kind == "employer" else "says_recruiter", lang)
        helptext = _e(text("help_text", lang)).replace(
            "Contratados.org", '<a href="https://contratados.org/">Contratados.org</a>', 1)
        return (f'<section class="worker"><h2>{_e(text("says_title", lang))}</h2><p>{_e(says)}</p>'
                f'<h2>{_e(text("not_say_title", lang))}</h2><p>{_e(text("not_say", lang))}</p>'
                f'<h2>{_e(text("help_title", lang))}</h2><p>{helptext}</p></section>')

    def employer_link(self, eid: str, up: str) -> str:
        row = self.emp_by_id[eid]
        return f'<a href="{up}employer/{row["slug"]}.html">{_e(row["name"])}</a>'

    def occupation(self, code, title) -> str:
        return i18n.soc_title(code, title if isinstance(title, str) else None, self.lang) if code else "—"

    # ---- pages
    def index(self) -> None:
        lang, p = self.lang, self.p
        table = self.year_rows(p.coverage)
        names = {s: _state_name(s, lang) for s in MAP_STATES}
        svg = us_map_svg(names=names, title=text("map_title", lang), description=text("map_desc", lang))
        states = "".join(f'<li><a href="state/{s}.html">{_e(names[s])}</a></li>'
                         for s in sorted(MAP_STATES, key=lambda s: fold(names[s])))
        national = p.sections.get(("US", lang), "").replace("{top}", "../")
        body = (f'<h2>{_e(text("national_title", lang))}</h2>{table}{national}'
                f'<h2 id="map">{_e(text("map_title", lang))}</h2><div class="map">{svg}</div>'
                f'<h2 id="states">{_e(text("states_list", lang))}</h2><ul class="columns">{states}</ul>'
                f'<p><a href="employers/index.html">{_e(text("employers_title", lang))}</a> · '
                f'<a href="recruiters/index.html">{_e(text("recruiters_title", lang))}</a></p>')
        self.page("index.html", text("site_title", lang), body, search=True)

    def about(self) -> None:
        lang, p = self.lang, self.p
        prov = p.provenance
        cov = self.year_rows(p.coverage, with_employers=False)
        files = "".join(f'<li><code>{_e(f.get("file"))}</code> <code class="sha">{_e(f.get("sha256"))}</code></li>'
                        for f in prov.get("files", []))
        body = (f'<h2>{_e(text("coverage_title", lang))}</h2><p>{_e(text("coverage_intro", lang))}</p>{cov}'
                f'<h2>{_e(text("limits_title", lang))}</h2><p>{_e(text("limits_text", lang))}</p>'
                f'<p>{_e(text("disclosure_rule", lang, k=p.k))}</p>{self.worker_box("employer")}'
                f'<h2>{_e(text("provenance_title", lang))}</h2><h3>{_e(text("provenance_files", lang))}</h3>'
                f'<ul class="files">{files or "<li>" + _e(text("none", lang)) + "</li>"}</ul>'
                f'<p>{_e(text("provenance_command", lang))}</p><pre>{_e(prov.get("command", ""))}</pre>')
        self.page("about.html", text("about_title", lang), body)

    def state(self, code: str) -> None:
        lang, p = self.lang, self.p
        name = _state_name(code, lang)
        mine = p.by_state[p.by_state["worksite_state"] == code]
        parts = []
        if not len(mine):
            parts.append(f'<p>{_e(text("state_none", lang))}</p>')
        else:
            parts.append(f'<h2>{_e(text("state_by_year", lang))}</h2>' + self.year_rows(mine))
            occ = p.state_occupations[p.state_occupations["worksite_state"] == code].head(15)
            parts.append(f'<h2>{_e(text("state_occupations", lang))}</h2>' + _table(
                [text("col_occupation", lang), text("col_positions", lang)],
                [(_e(self.occupation(r.soc_code, r.soc_title)), _int(r.positions_certified, lang))
                 for r in occ.itertuples()], numeric=(1,)))
            emps = p.state_employers[p.state_employers["worksite_state"] == code]
            top = emps.head(50)
            parts.append(f'<h2>{_e(text("state_top_employers", lang, n=len(top), total=len(emps)))}</h2>' + _table(
                [text("col_name", lang), text("col_positions", lang)],
                [(self.employer_link(r.employer_id, "../"), _int(r.positions_certified, lang))
                 for r in top.itertuples()], numeric=(1,)))
        section = p.sections.get((code, lang))
        if section:
            parts.append(f'<h2>{_e(text("state_evidence", lang))}</h2>{section.replace("{top}", "../../")}')
        self.page(f"state/{code}.html", text("state_title", lang, name=name), "".join(parts))

    def directory(self, kind: str, table: pd.DataFrame, row_html: Callable, headers: list[str],
                  intro: str) -> None:
        lang = self.lang
        folder = "employers" if kind == "employer" else "recruiters"
        chunks = [table.iloc[i:i + DIRECTORY_PAGE_ROWS] for i in range(0, len(table), DIRECTORY_PAGE_ROWS)]
        title = text(f"{folder}_title", lang)
        labels = [f"{fold(c['name'].iloc[0])[:3] or '…'} – {fold(c['name'].iloc[-1])[:3] or '…'}" for c in chunks]
        pager = "".join(f'<li><a href="{n + 1}.html">{_e(lab)}</a></li>' for n, lab in enumerate(labels))
        pager = f'<nav aria-label="{_e(text("directory_pages", lang))}"><ul class="pager">{pager}</ul></nav>'
        self.page(f"{folder}/index.html", title, f"<p>{_e(intro)}</p>{pager}", search=True)
        for n, chunk in enumerate(chunks):
            self.page(f"{folder}/{n + 1}.html", f"{title} ({labels[n]})",
                      pager + _table(headers, (row_html(r) for r in chunk.itertuples())))

    def employer(self, row: dict) -> None:
        lang = self.lang
        eid = row["employer_id"]
        summary = text("employer_summary", lang, states=row["states"] or "—", cases=_int(row["cases"], lang),
                       years=_years_text(row["years"]), positions=_int(row["positions_certified"], lang))
        parts = [f'<p class="lead">{_e(summary)}</p>']
        others = [n for n in row["names"].split("; ") if n != row["name"]]
        if others:
            parts.append(f'<p>{_e(text("employer_also", lang))}: {_e("; ".join(others[:10]))}</p>')
        parts.append(self.worker_box("employer"))
        pos = self.positions.get(eid, [])
        if pos:
            rows = [(str(r["fiscal_year"]), _e(r["program"]), _e(self.occupation(r["soc_code"], r["soc_title"])),
                     _int(r["positions_certified"], lang), _wage(r["wage_median"], r["wage_min"], r["wage_max"], lang))
                    for r in pos]
            parts.append(f'<h2>{_e(text("employer_positions", lang))}</h2>' + _table(
                [text(k, lang) for k in ("col_year", "col_program", "col_occupation", "col_positions", "col_wage")],
                rows, numeric=(3,)))
        if pd.notna(row["expected_women"]):
            parts.append(f'<p>{_e(text("employer_expected", lang, n=_int(round(row["expected_women"]), lang)))}</p>')
        for key, frame, cols in (("employer_worksites", self.worksites.get(eid), ("worksite_city", "worksite_state")),
                                 ("employer_housing", self.housing.get(eid), ("housing_type", "housing_city",
                                                                             "housing_state")),
                                 ("employer_agents", self.agents.get(eid), ("agent_name",))):
            if not frame:
                continue
            items = [", ".join(_e(r[c]) for c in cols if pd.notna(r[c])) +
                     f' <span class="years">({_years_text(r["years"])})</span>' for r in frame[:60]]
            more = f'<li>{_e(text("more_rows", lang, n=len(frame) - 60))}</li>' if len(frame) > 60 else ""
            parts.append(f'<h2>{_e(text(key, lang))}</h2><ul>' + "".join(f"<li>{i}</li>" for i in items) + more
                         + "</ul>")
        links = self.rec_links.get(eid, [])
        if links:
            recs: dict = {}
            for r in links:
                recs.setdefault(r["recruiter_id"], set()).add(int(r["fiscal_year"]))
            items = [f'<li><a href="../recruiter/{self.rec_by_id[rid]["slug"]}.html">'
                     f'{_e(self.rec_by_id[rid]["name"])}</a> ({_years_text(sorted(ys))})</li>'
                     for rid, ys in sorted(recs.items())]
            parts.append(f'<h2>{_e(text("employer_recruiters", lang))}</h2><ul>{"".join(items)}</ul>')
        self.page(f"employer/{row['slug']}.html", row["name"], "".join(parts))

    def recruiter(self, row: dict) -> None:
        lang = self.lang
        if row.get("source") == "worker_records":
            summary = text("recruiter_records_summary", lang, program=row["program"],
                           years=_years_text(row["years"]) or "—", total=_int(row["total"], lang),
                           women=_int(row["women"], lang), observed=i18n.fmt_percent(row["observed_share"], lang, 1),
                           expected=i18n.fmt_percent(row["expected_share"], lang, 1))
            parts = [f'<p class="lead">{_e(summary)}</p>',
                     f'<p class="note">{_e(text("recruiter_records_rule", lang, k=_int(self.p.k, lang)))} '
                     f'<a href="../index.html">{_e(text("national_title", lang))}</a></p>',
                     self.worker_box("recruiter")]
            self.page(f"recruiter/{row['slug']}.html", row["name"], "".join(parts))
            return
        summary = text("recruiter_summary", lang, places=row["places"] or "—", cases=_int(row["cases"], lang),
                       years=_years_text(row["years"]) or "—", employers=_int(row["employers"], lang))
        parts = [f'<p class="lead">{_e(summary)}</p>', self.worker_box("recruiter")]
        links = self.links_by_rec.get(row["recruiter_id"], [])
        if links:
            emps: dict = {}
            socs: dict = {}
            for r in links:
                emps.setdefault(r["employer_id"], set()).add(int(r["fiscal_year"]))
                if isinstance(r["soc_code"], str) and r["soc_code"]:
                    socs[r["soc_code"]] = socs.get(r["soc_code"], 0) + int(r["cases"])
            items = [f'<li>{self.employer_link(eid, "../")} ({_years_text(sorted(ys))})</li>'
                     for eid, ys in sorted(emps.items(), key=lambda kv: fold(self.emp_by_id[kv[0]]["name"]))]
            parts.append(f'<h2>{_e(text("recruiter_employers", lang))}</h2><ul>{"".join(items)}</ul>')
            items = [f"<li>{_e(self.occupation(code, self.soc_titles.get(code)))}</li>"
                     for code, _ in sorted(socs.items(), key=lambda kv: (-kv[1], kv[0]))]
            if items:
                parts.append(f'<h2>{_e(text("recruiter_occupations", lang))}</h2><ul>{"".join(items)}</ul>')
        self.page(f"recruiter/{row['slug']}.html", row["name"], "".join(parts))

    def all(self) -> list[Path]:
        lang, p = self.lang, self.p
        self.index()
        self.about()
        states = sorted(set(MAP_STATES) | set(p.by_state["worksite_state"].dropna()))
        for code in states:
            self.state(code)
        emp = p.employers.employers
        self.directory("employer", emp, lambda r: (f'<a href="../employer/{r.slug}.html">{_e(r.name)}</a>',
                                                   _e(r.states), _years_text(r.years),
                                                   _int(r.positions_certified, lang)),
                       [text(k, lang) for k in ("col_name", "col_state", "col_years", "col_positions")],
                       text("employers_intro", lang, n=_int(len(emp), lang)))
        for row in _records(emp):
            self.employer(row)
        rec = p.recruiters.recruiters if p.recruiters is not None else pd.DataFrame(columns=["name"])
        intro = (text("recruiters_intro", lang, n=_int(len(rec), lang)) if p.recruiters is not None
                 else text("recruiters_none", lang))
        records = text("recruiter_from_records", lang)
        self.directory("recruiter", rec, lambda r: (f'<a href="../recruiter/{r.slug}.html">{_e(r.name)}</a>',
                                                    _e(records if getattr(r, "source", "") == "worker_records"
                                                       else r.places), _years_text(r.years),
                                                    _int(r.employers, lang)),
                       [text(k, lang) for k in ("col_name", "col_place", "col_years", "col_employers")], intro)
        for row in _records(rec):
            self.recruiter(row)
        return self.written


def _chooser(langs: list[str], synthetic: bool) -> str:
    links = "".join(f'<li><a href="{lang}/index.html" hreflang="{lang}" lang="{lang}">'
                    f'{_e(text("site_title", lang))} ({_e(text("lang_name", lang))})</a></li>' for lang in langs)
    banner = "".join(f'<p class="synthetic" lang="{lang}">{_e(text("synthetic_banner", lang))}</p>'
                     for lang in langs) if synthetic else ""
    return ('<!DOCTYPE html>\n<html lang="es"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{_e(" / ".join(text("site_title", lang) for lang in langs))}</title>'
            f'<link rel="stylesheet" href="assets/site.css"></head><body><main>{banner}<ul class="chooser">{links}</ul>'
            '</main></body></html>\n')


def write_site(pages: SitePages, out_dir: str | Path, *, langs: Iterable[str] = ("es", "en")) -> list[Path]:
    """Write the static site for ``pages`` under ``out_dir``; returns every file written, sorted.

    Layout: ``index.html`` (language chooser), ``assets/`` (``site.css``, ``search.js``,
    ``search-index.js``) and per language ``<lang>/index.html``, ``about.html``,
    ``state/XX.html`` (every state of the map, and any other worksite state in the data),
    ``employers/index.html`` + ``employers/N.html``, ``employer/<slug>.html``, the same for
    recruiters. Links are relative and nothing is loaded from the network, so the site works
    from ``file://``. The output is the same for the same ``pages`` (no timestamps).
    """
    langs = list(langs)
    if not langs or len(set(langs)) != len(langs):
        raise ValueError(f"langs must be distinct values of {list(i18n.LANGS)}, got {langs!r}")
    for lang in langs:
        i18n.check_lang(lang)
    out = Path(out_dir)
    assets = out / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ("site.css", "search.js"):
        src = resources.files("toolkit").joinpath("site_assets", name)
        with resources.as_file(src) as path:
            shutil.copyfile(path, assets / name)
        written.append(assets / name)
    index = search_index(entity_table(pages.employers, pages.recruiters))
    (assets / "search-index.js").write_text(search_index_script(index), encoding="utf-8")
    written.append(assets / "search-index.js")
    (out / "index.html").write_text(_chooser(langs, pages.synthetic), encoding="utf-8")
    written.append(out / "index.html")
    for lang in langs:
        other = next((x for x in langs if x != lang), None)
        written += _Writer(pages, lang, out / lang, other).all()
    return sorted(written)
