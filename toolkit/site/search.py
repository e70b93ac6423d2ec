"""The search index the site's pages read (``site_assets/search.js``): names folded
(``directory.fold``) so accents and case never matter; the script tolerates small typos with a
bounded Levenshtein distance (Levenshtein, 1966).

References
----------
Levenshtein, V. I. (1966). Binary codes capable of correcting deletions, insertions, and
reversals. Soviet Physics Doklady, 10(8), 707-710.
"""
from __future__ import annotations

import json

import pandas as pd

from toolkit.directory import EmployerProfiles, RecruiterProfiles, fold, require, years_of

__all__ = ["entity_table", "search_index", "search_index_script", "year_span"]


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
                                              "aliases": r["names"] if "names" in r else r["name"]})],
                         ignore_index=True)
    return rows


def year_span(years: list[int]) -> str:
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
    require(entities, ["name", "kind", "states", "years", "url"], "entities")
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
        years = rec["years"] if isinstance(rec["years"], (list, tuple)) else years_of([rec["years"]])
        rows.append([str(rec["name"]), rec["kind"], "" if pd.isna(rec["states"]) else str(rec["states"]),
                     year_span(list(years)), str(rec["url"]), " | ".join(words)])
    rows.sort(key=lambda r: (r[5], r[4]))
    return {"fields": ["name", "kind", "states", "years", "url", "words"], "rows": rows}


def search_index_script(index: dict) -> str:
    """The index as a script that sets ``window.H2GENDER_INDEX`` (a page opened from ``file://``
    may load a script but not fetch a JSON file)."""
    return "window.H2GENDER_INDEX = " + json.dumps(index, ensure_ascii=False, separators=(",", ":")) + ";\n"


