"""Foreign labor recruiters: who recruits for which cases and employers, where, and for what jobs.

H-2B Appendix C (FY2020 onward; ``dol.read_recruiters``) lists, per case, the foreign labor
recruiters the employer uses: business name, city, state/province, country (person names are not
read). Linked to the case table by case number, it says which employers each recruiter serves, in
which occupations, for how many certified positions, and how many women those positions would hold
if filled like the US workforce (an *expected* count, ``toolkit.claims``). Worker records that
name a recruiter (a survey's ``recruiter`` column) add *measured* counts of women and men.

Identity of a recruiter: the business name's key (``employers.name_keys``: ``normalize_name``, and
spellings that differ only in spacing made one), ``R:<name>``, the same rule as employers, so
"Agencia X, S.C.", "AGENCIA X SC" and "Agencia-X" meet. One recruiter working from several
countries is one recruiter with several countries (``recruiter_country`` lists them), not one row
per country. Placeholder names ("N/A", "NONE", "-") are no recruiter. A worker-record name joins the
Appendix C recruiter with the same key (a key names one recruiter, so
``RecruiterSummary.ambiguous_worker_names`` is 0).

A case may list several recruiters; each is credited with the case's full positions (they all
recruit for it), so positions summed over recruiters exceed the program's (``shared_cases`` says
how many of a recruiter's cases list others too).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from toolkit import analysis, schema
from toolkit.employers import _join_by, _mode_by, name_keys, normalize_name

__all__ = ["recruiter_ids", "links", "summary", "worker_recruiter_ids", "RecruiterLinks", "RecruiterSummary"]


@dataclass(frozen=True)
class RecruiterLinks:
    """``links``' result: ``table`` (one row per recruiter x case) and ``unnamed_rows``, the
    Appendix C rows left out because they name no recruiter."""

    table: pd.DataFrame
    unnamed_rows: int


@dataclass(frozen=True)
class RecruiterSummary:
    """``summary``'s result: ``table`` (one row per recruiter) and ``ambiguous_worker_names``, the
    worker-record recruiter names that match several Appendix C recruiters and so join none."""

    table: pd.DataFrame
    ambiguous_worker_names: int


def recruiter_ids(recruiters: pd.DataFrame) -> pd.Series:
    """``R:<business name key>`` per Appendix C row (``employers.name_keys``; NA without a name or
    with a placeholder such as "N/A"), whatever the country.

    >>> rec = pd.DataFrame({"recruiter_name": ["Agencia X, S.C.", "AGENCIA-X SC", "Agencia X", None, "n/a"],
    ...                     "recruiter_country": ["MEXICO", "Mexico", "GUATEMALA", "MEXICO", "MEXICO"]})
    >>> recruiter_ids(rec).tolist()
    ['R:AGENCIA X', 'R:AGENCIA X', 'R:AGENCIA X', <NA>, <NA>]
    """
    missing = [c for c in ("recruiter_name", "recruiter_country") if c not in recruiters]
    if missing:
        raise KeyError(f"recruiters: column(s) {missing} missing (Appendix C: dol.read_recruiters)")
    return ("R:" + name_keys(recruiters["recruiter_name"])[0]).astype("string").rename("recruiter_id")


def links(cases: pd.DataFrame, recruiters: pd.DataFrame, *, employer_ids: pd.Series | None = None) -> RecruiterLinks:
    """One row per recruiter x case: the recruiter, its location, the case's employer, occupation
    and certified positions (master/sub duplicates count 0).

    Parameters
    ----------
    cases : canonical cases (``case_number``, ``employer_name``, ``soc_code``, ``workers_certified``).
    recruiters : Appendix C table (``dol.read_recruiters``).
    employer_ids : ``employers.match_employers(cases).ids`` to name employers by identity.

    Returns
    -------
    RecruiterLinks: ``.table`` with ``recruiter_id``, ``recruiter_name``, ``recruiter_city``, ``recruiter_province``,
    ``recruiter_country``, ``case_number``, ``employer_id``, ``employer_name``, ``soc_code``,
    ``soc_title``, ``positions``, ``in_cases`` (False for an Appendix C row whose case is not in
    ``cases``, e.g. a case of another release: kept, with no employer or positions).
    Appendix C rows without a recruiter name are left out and counted (``.unnamed_rows``).

    Examples
    --------
    >>> cases = pd.DataFrame({"case_number": ["A"], "employer_name": ["E1"], "soc_code": ["37-3011"],
    ...                       "soc_title": [None], "workers_certified": [20], "is_duplicate": False})
    >>> rec = pd.DataFrame({"case_number": ["A", "Z"], "recruiter_name": ["Rec 1", "Rec 1"], "recruiter_city": "X",
    ...                     "recruiter_province": None, "recruiter_country": "MEXICO"})
    >>> links(cases, rec).table[["case_number", "positions", "in_cases"]].to_dict("records")
    [{'case_number': 'A', 'positions': 20, 'in_cases': True}, {'case_number': 'Z', 'positions': 0, 'in_cases': False}]
    """
    rec = recruiters.assign(recruiter_id=recruiter_ids(recruiters))
    unnamed = int(rec["recruiter_id"].isna().sum())
    rec = rec[rec["recruiter_id"].notna()]
    rec = rec.drop_duplicates(["recruiter_id", "case_number"])
    cols = ["case_number", "employer_name", "soc_code", "soc_title", "_positions", "employer_id"]
    c = cases.assign(_positions=analysis.case_positions(cases),
                     employer_id=employer_ids.reindex(cases.index) if employer_ids is not None else pd.NA)
    per_case = c.groupby("case_number", sort=False).agg(
        employer_name=("employer_name", "first"), soc_code=("soc_code", "first"), soc_title=("soc_title", "first"),
        _positions=("_positions", "sum"), employer_id=("employer_id", "first")).reset_index()
    out = rec.merge(per_case[cols], on="case_number", how="left", indicator=True)
    out["in_cases"] = out.pop("_merge").eq("both")
    out = out.rename(columns={"_positions": "positions"})
    out["positions"] = out["positions"].fillna(0).astype("int64")
    keep = ["recruiter_id", "recruiter_name", "recruiter_city", "recruiter_province", "recruiter_country",
            "case_number", "employer_id", "employer_name", "soc_code", "soc_title", "positions", "in_cases"]
    out = out.reindex(columns=keep).sort_values(["recruiter_id", "case_number"], ignore_index=True)
    return RecruiterLinks(schema.mark_synthetic(out, cases), unnamed)


def _mode(df: pd.DataFrame, col: str) -> pd.Series:
    return _mode_by(df, col, key="recruiter_id")


def worker_recruiter_ids(names: pd.Series, ids) -> pd.Series:
    """The recruiter id of each recruiter name written in worker records: the Appendix C id in
    ``ids`` with the same name key (spaces ignored, the spacing rule of ``name_keys``), else
    "R:" + the name's own key; <NA> for a missing name.

    Examples
    --------
    >>> worker_recruiter_ids(pd.Series(["Rec 1", "Otra S.A.", None]), ["R:REC 1"]).tolist()
    ['R:REC 1', 'R:OTRA', <NA>]
    """
    key = normalize_name(names)
    compact = {str(rid)[2:].replace(" ", ""): rid for rid in ids}
    return pd.Series([pd.NA if pd.isna(k) else compact.get(k.replace(" ", ""), f"R:{k}") for k in key],
                     index=names.index, dtype="object")


def summary(cases: pd.DataFrame, recruiters: pd.DataFrame | None = None, *, benchmark: pd.DataFrame | None = None,
            workers: pd.DataFrame | None = None, employer_ids: pd.Series | None = None) -> RecruiterSummary:
    """One row per recruiter: where it is, whom it serves, for which jobs, and the women expected.

    For recruiter r over the cases that list it (Appendix C):
    positions_r = sum of the cases' certified positions; expected_women_r = sum_o positions_ro x s_o
    (s_o: women's share of occupation o in the US workforce, ``benchmark``); expected_share_r =
    expected_women_r / positions in occupations with an s_o. From worker records naming r:
    workers_r (F and M counted) and women_r, measured.

    Returns
    -------
    RecruiterSummary: ``.table`` sorted by positions then workers (largest first): ``recruiter_id``,
    ``recruiter_name`` (most frequent spelling), ``recruiter_country``, ``locations`` ("City,
    Province" joined), ``cases``, ``shared_cases``, ``employers``, ``occupations`` (SOC codes
    joined), ``positions``, ``expected_women``, ``expected_share``, ``workers``, ``women``,
    ``source`` ("appendix_c", "worker_records" or "both"). Counts are raw: a display must pass
    them through ``disclosure.protect``. ``.ambiguous_worker_names``: see the module docstring.

    Examples
    --------
    >>> cases = pd.DataFrame({"case_number": ["A", "B"], "employer_name": ["E1", "E2"], "soc_code": ["37-3011"] * 2,
    ...                       "soc_title": [None, None], "workers_certified": [20, 30], "is_duplicate": False})
    >>> rec = pd.DataFrame({"case_number": ["A", "B", "B"], "recruiter_name": ["Rec 1", "Rec 1", "Rec 2"],
    ...                     "recruiter_city": "Monterrey", "recruiter_province": "NL", "recruiter_country": "MEXICO"})
    >>> bench = pd.DataFrame({"soc_code": ["37-3011"], "women_share": [0.1]})
    >>> s = summary(cases, rec, benchmark=bench).table
    >>> s[["recruiter_id", "cases", "shared_cases", "employers", "positions", "expected_women"]].values.tolist()
    [['R:REC 1', 2, 1, 2, 50, 5.0], ['R:REC 2', 1, 1, 1, 30, 3.0]]
    """
    frames = []
    if recruiters is not None and len(recruiters):
        lk = links(cases, recruiters, employer_ids=employer_ids).table
        per_case = lk.groupby("case_number")["recruiter_id"].transform("size")
        lk = lk.assign(_shared=per_case > 1,
                       _employer=lk["employer_id"].fillna(lk["employer_name"]).astype("string"),
                       _where=(lk["recruiter_city"].astype("string").str.strip().str.title() + ", "
                               + lk["recruiter_province"].astype("string").fillna("").str.strip()).str.rstrip(", "))
        if benchmark is not None:
            share = benchmark.drop_duplicates("soc_code").set_index("soc_code")["women_share"]
            lk["_share"] = lk["soc_code"].map(share).astype(float)
            lk["_expected"] = lk["positions"] * lk["_share"]
            lk["_covered"] = lk["positions"].where(lk["_share"].notna(), 0)
        g = lk.groupby("recruiter_id", sort=True)
        countries = _join_by(recruiters.assign(recruiter_id=recruiter_ids(recruiters)), "recruiter_country",
                             key="recruiter_id")  # every country it works from, not only its first row's
        out = pd.DataFrame({"recruiter_name": _mode(lk, "recruiter_name"), "recruiter_country": countries,
                            "cases": g["case_number"].nunique(), "shared_cases": g["_shared"].sum(),
                            "employers": g["_employer"].nunique(), "positions": g["positions"].sum()})
        for col, source in (("locations", "_where"), ("occupations", "soc_code")):
            vals = lk[["recruiter_id", source]].dropna().drop_duplicates().sort_values(["recruiter_id", source])
            vals = vals[vals[source].astype(str).str.strip() != ""]
            out[col] = vals.groupby("recruiter_id")[source].agg("; ".join).reindex(out.index)
        if benchmark is not None:
            out["expected_women"] = g["_expected"].sum(min_count=1)
            covered = g["_covered"].sum()
            out["expected_share"] = (out["expected_women"] / covered.where(covered > 0)).astype(float)
        out["source"] = "appendix_c"
        frames.append(out)
    table = frames[0] if frames else pd.DataFrame(columns=["recruiter_name", "recruiter_country", "source"])
    table.index.name = "recruiter_id"
    if workers is not None and "recruiter" in workers and workers["recruiter"].notna().any():
        w = workers[workers["recruiter"].notna() & workers["sex"].isin(["F", "M"]).fillna(False).astype(bool)]
        w = w.assign(recruiter_id=worker_recruiter_ids(w["recruiter"], table.index).to_numpy())
        wg = w.dropna(subset=["recruiter_id"]).groupby("recruiter_id")
        counts = pd.DataFrame({"workers": wg.size(), "women": wg["sex"].agg(lambda s: int((s == "F").sum()))})
        names = _mode(w.dropna(subset=["recruiter_id"]), "recruiter")
        table = table.join(counts, how="outer")
        new = table["source"].isna()
        table.loc[new, "recruiter_name"] = names.reindex(table.index[new])
        table.loc[new, "source"] = "worker_records"
        table.loc[~new & table["workers"].notna(), "source"] = "both"
    for col in ("workers", "women"):
        if col not in table:
            table[col] = pd.NA
        table[col] = table[col].astype("Int64")
    for col in ("cases", "shared_cases", "employers", "positions"):
        if col in table:
            table[col] = table[col].fillna(0).astype("int64")
    table = table.reset_index()
    sort = [c for c in ("positions", "workers") if c in table]
    table = table.sort_values([*sort, "recruiter_id"], ascending=[False] * len(sort) + [True], ignore_index=True,
                              na_position="last")
    return RecruiterSummary(schema.mark_synthetic(table, cases), 0)  # a name key is one recruiter
