"""Entity directories: every employer and recruiter of a publication, one row each.

The identity rule is ``toolkit.employers``' (``name_keys``: normalised business name, spellings
that differ in spacing or punctuation made one, placeholders such as "N/A" no entity), the same
for the reports, ``h2gender analyze`` and the site:

- an employer is its FEIN where the file has one, else its name key + employer state
  (``employers.match_employers``; a whole ``EmployerMatch`` can be passed as ``match=``);
- a recruiter (H-2B Appendix C) is its name key, whatever the country it works from
  (``recruiters.recruiter_ids``): one row listing its countries, never one row per country.

Certified positions are ``analysis.case_positions`` (certified cases, duplicates excluded), the
one rule of every output. Contact persons, e-mails and phones never reach a directory
(``drop_contacts``). Numbers here are public DOL records; counts of people from worker records
reach a directory only as the audited, shown rows of the national evidence
(``with_worker_recruiters``).
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from toolkit import analysis, codes, schema
from toolkit.employers import normalize_name
from toolkit.recruiters import recruiter_ids

__all__ = ["fold", "employer_identity", "drop_contacts", "EmployerProfiles", "RecruiterProfiles",
           "employer_profiles", "recruiter_profiles", "contacts_dropped", "with_worker_recruiters", "PlaceTables", "place_tables",
           "slug", "require", "years_of", "worker_recruiters", "PROFILE_COLUMNS"]

#: The case columns an employer profile may use; everything else (contact persons, e-mails,
#: phones, addresses, preparers) is dropped before a profile is built.
PROFILE_COLUMNS = ("program", "fiscal_year", "case_number", "is_certified", "is_duplicate", "employer_name",
                   "employer_state", "employer_city", "agent_name", "workers_requested", "workers_certified",
                   "worksite_state", "worksite_city", "soc_code", "soc_title", "wage_hourly", "source_file")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:\+?1[\s.-]?)?\(?\b\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b")


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

    require(cases, ["employer_name", "employer_state"], "cases")
    return employers.match_employers(cases, similar=False).ids.astype("string")


def slug(key: str) -> str:
    """A short, stable file name for an entity key (ASCII words + 8 hex digits of its SHA-1);
    the "N:" / "F:" / "R:" prefix of an identity is left out of the words."""
    body = re.sub(r"^(?:[NFR]|W:[^:]+):", "", key.split("|")[0])
    words = "-".join(fold(body).split()[:6])[:48] or "x"
    return f"{words}-{hashlib.sha1(key.encode()).hexdigest()[:8]}"


def require(df: pd.DataFrame, cols: Iterable[str], name: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise KeyError(f"{name}: no column(s) {missing}; columns are {list(df.columns)}")


def _clean_text(values: pd.Series) -> tuple[pd.Series, int]:
    """Blank e-mail addresses and phone numbers inside ``values``; (cleaned, values changed)."""
    s = values.astype("string")
    cleaned = s.str.replace(_EMAIL, "", regex=True).str.replace(_PHONE, "", regex=True).str.strip(" ,;/-")
    cleaned = cleaned.mask(normalize_name(cleaned).isna())  # blank, punctuation only or "N/A": no value
    changed = int((s.fillna("") != cleaned.fillna("")).sum())
    return cleaned, changed


def drop_contacts(cases: pd.DataFrame) -> pd.DataFrame:
    """Only ``PROFILE_COLUMNS`` of ``cases`` (those present), with e-mails and phones blanked
    (``contacts_dropped`` also says what was dropped and blanked)."""
    return contacts_dropped(cases)[0]


def contacts_dropped(cases: pd.DataFrame) -> tuple[pd.DataFrame, list[str], int]:
    """(``drop_contacts`` of ``cases``, the columns dropped, the values blanked).

    DOL files name the employer's point of contact, with e-mail and phone, and the preparer; none
    of that reaches a page. Columns outside ``PROFILE_COLUMNS`` are dropped; inside the kept text
    columns any e-mail address or phone number is removed.
    """
    require(cases, ["employer_name"], "cases")
    keep = [c for c in PROFILE_COLUMNS if c in cases.columns]
    out = cases[keep].copy()
    blanked = 0
    for col in ("employer_name", "employer_city", "agent_name", "worksite_city"):
        if col in out:
            out[col], n = _clean_text(out[col])
            blanked += n
    return schema.mark_synthetic(out, cases), [c for c in cases.columns if c not in keep], blanked

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


def years_of(values: Iterable) -> list[int]:
    return sorted({int(v) for v in values if pd.notna(v)})


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

    require(cases, ["program", "fiscal_year", "case_number", "employer_name", "employer_state",
                     "workers_certified"], "cases")
    identity = employer_identity if identity is None else identity
    clean, dropped, blanked = contacts_dropped(cases)
    ids = identity(clean)
    if not isinstance(ids, pd.Series) or len(ids) != len(clean):
        raise ValueError("identity must return a Series with one id per case row")
    clean = clean.assign(employer_id=ids.astype("string").to_numpy(), _pos=analysis.case_positions(clean).to_numpy())
    without = clean["employer_id"].isna()
    clean = clean[~without]
    bench = occupation_shares.women_share_by_soc(2022) if benchmark is None else benchmark
    require(bench, ["soc_code", "women_share"], "benchmark")
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
    employers["first_year"] = [v[0] if v else pd.NA for v in employers["years"]]  # no employer: an empty table
    employers["last_year"] = [v[-1] if v else pd.NA for v in employers["years"]]
    employers["expected_women"] = expected.reindex(employers.index)
    employers = employers.rename_axis("employer_id").reset_index()
    employers["slug"] = employers["employer_id"].map(slug)
    employers = employers.sort_values(["name", "employer_id"], key=lambda s: s.map(fold) if s.name == "name" else s,
                                      ignore_index=True)

    worksites = _distinct(clean, ["worksite_city", "worksite_state"])
    agents = _distinct(clean, ["agent_name"])
    case_index = clean[["program", "case_number", "fiscal_year", "employer_id"]].drop_duplicates(
        ["program", "case_number"], ignore_index=True)
    house = _housing(housing, case_index)
    accounting = {"rows": len(cases), "rows_without_employer": int(without.sum()),
                  "employers": len(employers), "dropped_columns": dropped,
                  "contacts_blanked": blanked}
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
    require(housing, ["case_number"], "housing")
    h = housing.merge(case_index[["case_number", "fiscal_year", "employer_id"]], on="case_number", how="inner")
    for c in ("housing_type", "housing_city", "housing_state"):
        if c not in h:
            h[c] = pd.NA
    h = h.dropna(subset=["housing_city"])
    out = (h.groupby(["employer_id", "housing_type", "housing_city", "housing_state"], observed=True, dropna=False)
           ["fiscal_year"].agg(years_of).rename("years").reset_index())
    return out[cols].sort_values(cols[:4], ignore_index=True)


def _places(*columns: pd.Series) -> list[str]:
    """Per row, its non-missing values of ``columns`` joined by ", ", an all-capitals value in
    title case ("MONTERREY, Nuevo León, MEXICO" -> "Monterrey, Nuevo León, Mexico"); each distinct
    row is composed once (Appendix C repeats a recruiter's place on every case)."""
    done: dict = {}
    out = []
    for row in zip(*(c.astype(object).where(c.notna(), None) for c in columns)):
        if row not in done:
            done[row] = ", ".join(str(v).title() if str(v).isupper() else str(v) for v in row if v is not None)
        out.append(done[row])
    return out


def recruiter_profiles(directory: pd.DataFrame, employers: EmployerProfiles, cases: pd.DataFrame | None = None
                       ) -> RecruiterProfiles:
    """Recruiter profiles from H-2B Appendix C rows (``dol.read_recruiters``), linked to employers
    by case number where the disclosure file of that year is in the publication.

    ``directory``: Appendix C rows with ``case_number``, ``recruiter_name`` and, when known, the
    ``fiscal_year`` of the file they come from (``Dataset.companions["recruiters_directory"]``
    spans every Appendix C file of the request's years); without it a row's year is its case's.
    A recruiter is ``recruiters.recruiter_ids`` (name key, any country): its countries and places
    are listed. Rows without a name or with a placeholder ("N/A", "NONE", "-") are no recruiter
    and are counted in ``accounting["rows_unnamed"]``; rows whose case is not among the cases
    (its disclosure file is absent, or the case is of another program) keep their year and are
    counted in ``accounting["rows_without_case"]``. Person names in Appendix C (recruiter
    first/last names) are never read (``dol.read_companion`` does not carry them).
    """
    require(directory, ["case_number", "recruiter_name"], "recruiters")
    r = directory.copy()
    for c in ("recruiter_city", "recruiter_country", "recruiter_province", "recruiter_state"):
        r[c] = _clean_text(r[c])[0] if c in r else pd.Series(pd.NA, index=r.index, dtype="string")
    r["recruiter_id"] = recruiter_ids(r)
    unnamed = int(r["recruiter_id"].isna().sum())
    r = r.dropna(subset=["recruiter_id"])
    idx = employers.case_index
    h2b = idx[idx["program"] == "H-2B"] if "program" in idx else idx
    link = h2b[["case_number", "fiscal_year", "employer_id"]].rename(columns={"fiscal_year": "_case_year"})
    r = r.merge(link, on="case_number", how="left")
    year = r["fiscal_year"] if "fiscal_year" in r else pd.Series(pd.NA, index=r.index)
    r["fiscal_year"] = pd.to_numeric(year, errors="coerce").fillna(r["_case_year"]).astype("Int64")
    if cases is not None and "soc_code" in cases:
        socs = cases[["case_number", "soc_code"]].drop_duplicates("case_number")
        r = r.merge(socs, on="case_number", how="left")
    else:
        r["soc_code"] = pd.NA
    r["place"] = _places(r["recruiter_city"], r["recruiter_province"], r["recruiter_country"])
    spelled = (r.groupby(["recruiter_id", "recruiter_name"]).size().rename("n").reset_index()
               .sort_values(["recruiter_id", "n", "recruiter_name"], ascending=[True, False, True]))
    g = r.groupby("recruiter_id")
    out = pd.DataFrame({"name": spelled.groupby("recruiter_id")["recruiter_name"].first(),
                        "cases": g["case_number"].nunique(), "employers": g["employer_id"].nunique()})
    places = _joined(r.assign(place=r["place"].replace("", pd.NA)), "recruiter_id", "place", "; ")
    countries = _joined(r.assign(recruiter_country=r["recruiter_country"].str.title()), "recruiter_id",
                        "recruiter_country")
    names = _joined(r, "recruiter_id", "recruiter_name", "; ")
    years = _year_lists(r, "recruiter_id")
    partial: dict = {}
    if "source_file" in r:  # a year read from a partial release (a Q2 file holds half a year) is marked
        from toolkit import releases

        files = r["source_file"].astype(str)
        partial_file = {f: releases.is_partial(releases.release_from_name(f)) for f in files.unique()}
        part = r[files.map(partial_file).astype(bool)]
        partial = _year_lists(part, "recruiter_id")
    out["partial_years"] = [partial.get(i, []) for i in out.index]
    out["places"] = [places.get(i, "") for i in out.index]
    out["countries"] = [countries.get(i, "") for i in out.index]
    out["names"] = [names.get(i, "") for i in out.index]
    out["years"] = [years.get(i, []) for i in out.index]
    out["first_year"] = [v[0] if v else pd.NA for v in out["years"]]
    out["last_year"] = [v[-1] if v else pd.NA for v in out["years"]]
    out = out.rename_axis("recruiter_id").reset_index()
    out["slug"] = out["recruiter_id"].map(slug)
    out = out.sort_values(["name", "recruiter_id"], key=lambda s: s.map(fold) if s.name == "name" else s,
                          ignore_index=True)
    links = (r.dropna(subset=["employer_id"])
             .groupby(["recruiter_id", "employer_id", "fiscal_year", "soc_code"], dropna=False)["case_number"]
             .nunique().rename("cases").reset_index())
    accounting = {"rows": len(directory), "rows_unnamed": unnamed,
                  "rows_without_case": int(r["employer_id"].isna().sum()), "recruiters": len(out),
                  "spellings_merged": sum("; " in n for n in out["names"])}
    return RecruiterProfiles(out, links, accounting)


def worker_recruiters(tables: Mapping[str, pd.DataFrame | None]) -> pd.DataFrame:
    """Recruiters named in worker records as the evidence publishes them: per program, the shown
    (not suppressed) rows of that program's audited ``recruiters`` table (``Evidence.raw_tables``
    of its top scope). Returns ``program``, ``recruiter``, ``women``, ``total``,
    ``observed_share``, ``expected_share``, ``credible``."""
    cols = ["program", "recruiter", "women", "total", "observed_share", "expected_share", "credible"]
    parts = []
    for program, table in sorted(tables.items()):
        if table is None or not len(table):
            continue
        shown = table[~table["suppressed"].astype(bool)]
        parts.append(shown.assign(program=program).reindex(columns=cols))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)


def with_worker_recruiters(rec: RecruiterProfiles | None, table: pd.DataFrame | None,
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
    extra["slug"] = extra["recruiter_id"].map(slug)
    extra["names"] = extra["name"]
    base = rec.recruiters.assign(source="appendix_c") if rec is not None else pd.DataFrame(columns=["name"])
    both = pd.concat([base, extra], ignore_index=True).sort_values("name", key=lambda v: v.map(fold), ignore_index=True)
    links = rec.links if rec is not None else pd.DataFrame(columns=["recruiter_id", "employer_id", "fiscal_year",
                                                                     "soc_code", "cases"])
    accounting = {**(rec.accounting if rec is not None else {}), "worker_record_recruiters": len(extra)}
    return RecruiterProfiles(both, links, accounting)


@dataclass(frozen=True)
class PlaceTables:
    """Public DOL counts by place and year: ``by_state`` (program x fiscal year x worksite state:
    ``cases``, ``positions_certified``, ``employers``), ``coverage`` (the same by program x fiscal
    year), ``state_occupations`` (state x SOC code: ``soc_title``, ``positions_certified``) and
    ``state_employers`` (state x employer: ``positions_certified``)."""
    by_state: pd.DataFrame
    coverage: pd.DataFrame
    state_occupations: pd.DataFrame
    state_employers: pd.DataFrame


def place_tables(cases: pd.DataFrame, employer_ids: pd.Series) -> PlaceTables:
    """``PlaceTables`` of ``cases``, employers counted by ``employer_ids`` (aligned with the cases),
    positions by ``analysis.case_positions``."""
    c = cases.assign(employer_id=employer_ids.to_numpy(), _pos=analysis.case_positions(cases).to_numpy())
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
    return PlaceTables(by_state, coverage, occ, semp)
