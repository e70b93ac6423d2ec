"""Sentences that notebooks show between cells, worded from the values computed on the data they ran on.

A notebook's markdown cells say what each cell computes, true whatever the data. What a result
*shows* (observed segregation above the benchmark, which years are partial, how many employers
were matched) depends on the data: it is worded here, from the computed tables, in English or
Spanish (``toolkit/locales``, keys ``nb_*``), and shown with ``IPython.display.Markdown``. A
sentence about planted effects (``planted_recovery``, ``planted_ranks``) says "Synthetic data" and
is only called when the data are synthetic, so no synthetic interpretation reaches a notebook run
on DOL files.

Every function is pure: tables in, one markdown string out.

Examples
--------
>>> import pandas as pd
>>> obs = pd.DataFrame({"est": [0.34], "ci_low": [0.32], "ci_high": [0.36]}, index=pd.Index(["H"], name="stat"))
>>> exp = pd.DataFrame({"est": [0.1]}, index=pd.Index(["H"], name="stat"))
>>> segregation_vs_benchmark(obs, exp, lang="en")  # doctest: +NORMALIZE_WHITESPACE
'Observed H across occupations is 0.340 (interval 0.320 to 0.360), 3.4 times the 0.100 the same
occupations would carry if each were staffed like the US workforce.'
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

import pandas as pd

from toolkit import i18n

__all__ = ["segregation_vs_benchmark", "largest_component", "top_contributors", "planted_recovery",
           "planted_ranks", "trend_positions", "trend_change", "employer_matches", "recruiter_sources"]

Planted = Literal["selection_odds_ratio", "wage_penalty"]
_PLANTED = ("selection_odds_ratio", "wage_penalty")


def _num(x, lang: str, digits: int = 3) -> str:
    """``x`` with ``digits`` decimals; a value that rounds to zero is written 0, never "-0.000"."""
    if pd.notna(x) and round(float(x), digits) == 0:
        x = 0.0
    return i18n.fmt_number(x, lang, digits)


def _join(items: list[str], lang: str) -> str:
    """"a, b and c" / "a, b y c"."""
    if len(items) <= 1:
        return "".join(items)
    word = " y " if lang == "es" else " and "
    return ", ".join(items[:-1]) + word + items[-1]


def segregation_vs_benchmark(observed: pd.DataFrame, expected: pd.DataFrame, *, stat: Literal["M", "H"] = "H",
                             lang: str = "en") -> str:
    """Observed segregation (``segregation.mutual_total(..., se=True)``) against the value the
    benchmark gives the same occupations (``mutual_total`` of ``analysis.expected_counts``).

    Above when the interval's lower end exceeds the benchmark value, below when its upper end is
    under it, otherwise "not distinguishable"; the ratio is observed / benchmark.
    """
    i18n.check_lang(lang)
    if stat not in ("M", "H"):
        raise ValueError(f"stat must be 'M' or 'H', got {stat!r}")
    row, exp = observed.loc[stat], float(expected.loc[stat, "est"])
    est, lo, hi = float(row["est"]), float(row["ci_low"]), float(row["ci_high"])
    key = "nb_seg_above" if lo > exp else "nb_seg_below" if hi < exp else "nb_seg_within"
    ratio = _num(est / exp, lang, 1) if exp > 0 else "—"
    return i18n.t(key, lang, stat=stat, obs=_num(est, lang), lo=_num(lo, lang), hi=_num(hi, lang),
                  exp=_num(exp, lang), ratio=ratio)


def _level(name: str, lang: str) -> str:
    key = f"nb_level_{name}"
    return i18n.t(key, lang) if key in i18n.strings(lang) else name


def largest_component(nested: pd.DataFrame, *, lang: str = "en") -> str:
    """Which term of ``segregation.mutual_total_nested`` (columns ``between``, ``within``,
    ``stat``, ``est``) holds the largest part of M, and its share of the total M.

    >>> nested = pd.DataFrame({"between": ["program", "soc_code"], "within": ["", "program"],
    ...                        "stat": "M", "est": [0.01, 0.03]})
    >>> largest_component(nested, lang="en")
    'The largest part of M, 75.0% of 0.040, lies between occupations within programs.'
    """
    i18n.check_lang(lang)
    m = nested[nested["stat"] == "M"]
    if m.empty:
        raise ValueError("nested: no 'M' rows (segregation.mutual_total_nested output expected)")
    top = m.loc[m["est"].astype(float).idxmax()]
    total = float(m["est"].sum())
    within = [w.strip() for w in str(top["within"] or "").split(",") if w.strip()]
    where = i18n.t("nb_within", lang, within=_join([_level(w, lang) for w in within], lang)) if within else ""
    return i18n.t("nb_nested_largest", lang, share=i18n.fmt_percent(float(top["est"]) / total, lang),
                  total=_num(total, lang), between=_level(str(top["between"]), lang), within=where)


def top_contributors(local: pd.DataFrame, *, n: int = 2, lang: str = "en",
                     titles: Mapping[str, str] | None = None) -> str:
    """The ``n`` occupations contributing most to M in ``segregation.mutual_local(..., wide=True)``
    (indexed by occupation, columns ``ls`` and ``p``): contribution = p x ls, and M = sum of them.

    >>> local = pd.DataFrame({"ls": [1.0, 0.1, 0.5], "p": [0.1, 0.5, 0.02]},   # p x ls: 0.1, 0.05, 0.01
    ...                      index=pd.Index(["11-1111", "22-2222", "33-3333"], name="soc_code"))
    >>> top_contributors(local, lang="en", titles={"11-1111": "Packers", "22-2222": "Graders"})
    'The occupations that contribute most to M: Packers and Graders (93.8% of M together).'
    """
    i18n.check_lang(lang)
    if int(n) < 1:
        raise ValueError(f"n must be at least 1, got {n!r}")
    contrib = (local["p"].astype(float) * local["ls"].astype(float)).sort_values(ascending=False, kind="stable")
    top = contrib.head(int(n))
    names = [i18n.soc_title(str(c), (titles or {}).get(str(c)), lang) for c in top.index]
    return i18n.t("nb_local_top", lang, occupations=_join(names, lang),
                  share=i18n.fmt_percent(float(top.sum()) / float(contrib.sum()), lang))


def planted_recovery(estimate: pd.Series, planted: float, *, what: Planted, lang: str = "en") -> str:
    """Synthetic data only: does the interval of ``estimate`` (``est``, ``ci_low``, ``ci_high``)
    contain the ``planted`` value of ``what``?

    >>> row = pd.Series({"est": 0.405, "ci_low": 0.383, "ci_high": 0.429})
    >>> planted_recovery(row, 0.4, what="selection_odds_ratio", lang="en")  # doctest: +NORMALIZE_WHITESPACE
    'Synthetic data: the planted selection odds ratio of women to men is 0.400; the estimate, 0.405
    (interval 0.383 to 0.429), recovers it.'
    """
    i18n.check_lang(lang)
    if what not in _PLANTED:
        raise ValueError(f"what must be one of {list(_PLANTED)}, got {what!r}")
    est, lo, hi = float(estimate["est"]), float(estimate["ci_low"]), float(estimate["ci_high"])
    key = "nb_planted_recovered" if lo <= planted <= hi else "nb_planted_missed"
    return i18n.t(key, lang, what=i18n.t(f"nb_what_{what}", lang), planted=_num(planted, lang),
                  est=_num(est, lang), lo=_num(lo, lang), hi=_num(hi, lang))


def planted_ranks(screen: pd.DataFrame, planted: Iterable[str], *, entity: str = "recruiter",
                  lang: str = "en") -> str:
    """Synthetic data only: the ranks of the planted entities in ``discrimination.screen_entities``
    output (columns ``rank`` and ``entity``), out of all entities screened.

    >>> screen = pd.DataFrame({"rank": [1, 2, 3], "recruiter": ["A", "B", "C"]})
    >>> planted_ranks(screen, ["B", "A"], lang="en")
    'Synthetic data: the recruiters planted as excluding women (A and B) rank 1 and 2 of 3.'
    """
    i18n.check_lang(lang)
    if entity not in screen:
        raise KeyError(f"screen: no column {entity!r}; columns: {list(screen.columns)}")
    rows = screen[screen[entity].isin(list(planted))].sort_values("rank")
    return i18n.t("nb_planted_ranks", lang, recruiters=_join(rows[entity].astype(str).tolist(), lang),
                  ranks=_join([str(int(r)) for r in rows["rank"]], lang), n=i18n.fmt_int(len(screen), lang))


def _partial_years(table: pd.DataFrame, year: str = "fiscal_year") -> list[str]:
    if "partial" not in table:
        return []
    part = table[table["partial"].fillna(False).astype(bool)]
    return [f"{p} FY{int(y)}" for p, y in part[["program", year]].drop_duplicates().itertuples(index=False)]


def _partial_mark(row: pd.Series, lang: str) -> str:
    if not bool(row.get("partial", False)) or pd.isna(row.get("months", pd.NA)):
        return ""
    return i18n.t("nb_partial_mark", lang, release=row["release"], months=int(row["months"]))


def trend_positions(yearly: pd.DataFrame, *, missing: Iterable[tuple[str, int]] = (), lang: str = "en") -> str:
    """Per program, the first and last year of ``trends.yearly_positions`` (``by="program"``):
    positions and women expected; then the partial years (``partial``) and the years asked for
    that no file holds (``missing``: ``coverage.missing_years``).

    >>> yearly = pd.DataFrame({"program": "H-2B", "fiscal_year": [2017, 2021], "positions": [90000, 20000],
    ...                        "expected_women": [21000.0, 5000.0], "expected_share": [0.233, 0.25],
    ...                        "release": ["full year", "Q1"], "partial": [False, True], "months": [12, 3]})
    >>> print(trend_positions(yearly, missing=[("H-2B", 2018)], lang="en"))  # doctest: +NORMALIZE_WHITESPACE
    H-2B: 90,000 certified positions in FY2017 and 20,000 in FY2021 (a partial year: the Q1 release, 3 of its
    12 months); women expected from the benchmark: 21,000 and 5,000 (23.3% and 25.0% of the positions in
    occupations with a benchmark).
    <BLANKLINE>
    Partial years: H-2B FY2021. Their files cover only part of the fiscal year, so their counts are not a
    year's counts and are not compared with whole years as if they were.
    <BLANKLINE>
    Fiscal years asked for that no file holds (absent, not zero): H-2B FY2018.
    """
    i18n.check_lang(lang)
    parts = []
    for program, t in yearly.sort_values(["program", "fiscal_year"]).groupby("program", sort=True):
        first, last = t.iloc[0], t.iloc[-1]
        if len(t) == 1:
            parts.append(i18n.t("nb_trend_one_year", lang, program=program, year=int(first["fiscal_year"])))
            continue
        parts.append(i18n.t(
            "nb_trend_program", lang, program=program, first=int(first["fiscal_year"]), last=int(last["fiscal_year"]),
            first_note=_partial_mark(first, lang), last_note=_partial_mark(last, lang),
            first_positions=i18n.fmt_int(first["positions"], lang), last_positions=i18n.fmt_int(last["positions"], lang),
            first_expected=i18n.fmt_int(first["expected_women"], lang),
            last_expected=i18n.fmt_int(last["expected_women"], lang),
            first_share=i18n.fmt_percent(first["expected_share"], lang),
            last_share=i18n.fmt_percent(last["expected_share"], lang)))
    partial = _partial_years(yearly)
    if partial:
        parts.append(i18n.t("nb_trend_partial", lang, years=_join(partial, lang)))
    missing = [f"{p} FY{int(y)}" for p, y in missing]
    if missing:
        parts.append(i18n.t("nb_trend_missing", lang, years=_join(missing, lang)))
    return "\n\n".join(parts)


def trend_change(change: pd.DataFrame, *, lang: str = "en") -> str:
    """``trends.segregation_change`` (long, ``stat``/``est``) in words, per program: the change of
    M and its parts (occupation mix = ``unit_marginal``, women's share = ``group_marginal``,
    occupations in one year only = ``additions + removals``, ``structural``), and a caveat when
    either year is partial (``first_partial``/``last_partial``).

    >>> ch = pd.DataFrame({"program": "H-2B", "first_year": 2015, "last_year": 2021,
    ...                    "first_partial": False, "last_partial": True,
    ...                    "stat": ["M1", "M2", "diff", "additions", "removals", "group_marginal",
    ...                             "unit_marginal", "structural"],
    ...                    "est": [0.18, 0.13, -0.05, 0.0, 0.002, 0.004, -0.056, 0.0]})
    >>> print(trend_change(ch, lang="en"))  # doctest: +NORMALIZE_WHITESPACE
    H-2B, FY2015 to FY2021: M changed by -0.0500 (from 0.1800 to 0.1300). The change of the occupation
    mix accounts for -0.0560, women's overall share for 0.0040, occupations found in one year only for
    0.0020, and the association between sex and occupation for 0.0000.
    <BLANKLINE>
    The comparison involves a partial year (H-2B FY2021): it sets part of a fiscal year against another
    period, not one whole year against another.
    """
    i18n.check_lang(lang)
    if change.empty:
        return i18n.t("nb_change_none", lang)
    by = [c for c in ("program", "worksite_state", "employer_state") if c in change]
    parts, partial = [], []
    for key, t in change.groupby(by or (lambda _: ""), sort=True):
        est = t.set_index("stat")["est"].astype(float)
        first, last = int(t["first_year"].iloc[0]), int(t["last_year"].iloc[0])
        label = " ".join(str(k) for k in (key if isinstance(key, tuple) else (key,)))
        parts.append(i18n.t(
            "nb_change", lang, program=label, first=first, last=last, diff=_num(est["diff"], lang, 4),
            m1=_num(est["M1"], lang, 4), m2=_num(est["M2"], lang, 4), unit=_num(est["unit_marginal"], lang, 4),
            group=_num(est["group_marginal"], lang, 4), addrem=_num(est["additions"] + est["removals"], lang, 4),
            structural=_num(est["structural"], lang, 4)))
        for col, year in (("first_partial", first), ("last_partial", last)):
            if col in t and bool(t[col].fillna(False).iloc[0]):
                partial.append(f"{label} FY{year}")
    if partial:
        parts.append(i18n.t("nb_change_partial", lang, years=_join(partial, lang)))
    return "\n\n".join(parts)


def employer_matches(identities: pd.DataFrame, profiles: pd.DataFrame, ambiguous: pd.DataFrame, *,
                     lang: str = "en") -> str:
    """``employers.match_employers`` and ``employers.profiles`` in words: identities by FEIN and by
    name + state, how many span several fiscal years, and the possible matches not merged (by kind).

    >>> ids = pd.DataFrame({"employer_id": ["F:1", "N:A|GA"], "basis": ["fein", "name_state"]})
    >>> prof = pd.DataFrame({"employer_id": ["F:1", "N:A|GA"], "n_years": [2, 1]})
    >>> amb = pd.DataFrame({"kind": ["similar_names"]})
    >>> employer_matches(ids, prof, amb, lang="en")  # doctest: +NORMALIZE_WHITESPACE
    '2 employer identities (1 by FEIN, 1 by name and state), 1 of them in more than one fiscal year.
    1 possible matches were not merged (similar_names: 1); they are listed below, not guessed.'
    """
    i18n.check_lang(lang)
    if identities.empty:
        return i18n.t("nb_employers_none", lang)
    kinds = ambiguous["kind"].value_counts().sort_index()
    kinds_text = "; ".join(f"{k}: {i18n.fmt_int(v, lang)}" for k, v in kinds.items()) or "—"
    return i18n.t("nb_employers", lang, identities=i18n.fmt_int(len(identities), lang),
                  by_fein=i18n.fmt_int((identities["basis"] == "fein").sum(), lang),
                  by_name=i18n.fmt_int((identities["basis"] == "name_state").sum(), lang),
                  multi=i18n.fmt_int((profiles["n_years"] > 1).sum(), lang),
                  ambiguous=i18n.fmt_int(len(ambiguous), lang), kinds=kinds_text)


def recruiter_sources(summary: pd.DataFrame | None, links: pd.DataFrame | None = None, *, lang: str = "en") -> str:
    """``recruiters.summary`` of an Appendix C table in words: recruiters, countries, and (from
    ``recruiters.links``) the cases and employers they serve; a sentence saying there is no
    Appendix C when ``summary`` is None or holds no Appendix C recruiter.

    >>> s = pd.DataFrame({"recruiter_id": ["R:A|MEXICO", "R:B|GUATEMALA"], "recruiter_country": ["MEXICO", "GUATEMALA"],
    ...                   "source": "appendix_c"})
    >>> lk = pd.DataFrame({"case_number": ["1", "1", "2"], "employer_id": ["E1", "E1", "E2"], "in_cases": True})
    >>> recruiter_sources(s, lk, lang="en")
    'H-2B Appendix C lists 2 recruiters, in 2 countries, for 2 cases of 2 employers.'
    >>> recruiter_sources(None, lang="es")[:40]
    'Estos datos no incluyen el Apéndice C de'
    """
    i18n.check_lang(lang)
    rows = None if summary is None else summary[summary["source"].isin(["appendix_c", "both"])]
    if rows is None or rows.empty:
        return i18n.t("nb_recruiters_none", lang)
    served = links[links["in_cases"]] if links is not None else pd.DataFrame(columns=["case_number", "employer_id"])
    return i18n.t("nb_recruiters", lang, recruiters=i18n.fmt_int(len(rows), lang),
                  countries=i18n.fmt_int(rows["recruiter_country"].nunique(), lang),
                  cases=i18n.fmt_int(served["case_number"].nunique(), lang),
                  employers=i18n.fmt_int(served["employer_id"].nunique(), lang))
