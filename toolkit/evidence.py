"""The evidence a report carries, as values: findings, tables and figure data, with provenance.

``build(dataset, commit=..., rendered=...)`` is a pure function of a ``toolkit.dataset.Dataset``:
it reads no file, runs no git, reads no clock (the commit and the time are passed in) and draws
nothing. It composes the statistics (``analysis``, ``segregation``, ``discrimination``,
``language``) and returns an ``Evidence`` whose numbers are language-free: each finding holds the
numbers of its sentence with their kind (count, share, ...), each table its numeric columns and how
to show them, each figure the table it is drawn from. ``toolkit.present`` turns them into words,
formatted numbers and pictures in English or Spanish; ``toolkit.report`` lays them out as HTML
and PDF; ``h2gender analyze`` writes the numeric tables.

Every number from worker records goes through ``toolkit.disclosure`` before it is stored here:
tables by ``disclosure.protect_table`` (primary suppression of counts of people 1..k-1 and of
everything derived from them, complements audited so that no hidden count follows from totals,
other rows, the other sex or the other outcome), the map of origins by ``disclosure.map_values``,
sentences only with numbers of published rows and shares that leave no small rest
(``disclosure.share_allowed``); a scope whose women or men are below k publishes nothing from
the records (``disclosure.scope_allows``). Counts of people in sentences have the kind "count"
("fewer than k" below k). Public DOL counts (certified positions, job orders) are shown as they are.

Examples
--------
>>> from toolkit import dataset
>>> ds = dataset.load(dataset.Request.build(data="synthetic", program="H-2B", n_bootstrap=20))
>>> ev = build(ds, commit="abc123", rendered="2026-01-01 00:00 UTC")
>>> [f.key for f in ev.findings]
['shortfall', 'channelling', 'selection', 'wages', 'joborders']
>>> ev.synthetic, ev.provenance["commit"]
(True, 'abc123')
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from toolkit import (__version__, analysis, occupation_shares, claims, disclosure, discrimination, language,
                     segregation, soc_inference)
from toolkit.dataset import Dataset, Request

__all__ = ["Evidence", "Finding", "TableSpec", "FigureSpec", "build", "FIGURE_ORDER"]

#: The order figures appear in a report.
FIGURE_ORDER = ("occupations", "shortfall", "states", "origin", "selection", "wages", "joborders")


@dataclass(frozen=True)
class Finding:
    """One finding: the number behind it and the values of its sentence.

    ``values`` maps each placeholder of the sentence (``text_key`` in the locale files) to a
    spec ``(kind, value, ...)`` that ``present.format_value`` renders: "int" (a public count),
    "count" (a count of people: "fewer than k" below k), "pct" / "num" (with digits), "p" (a
    p-value), "occ" / "occs" (SOC codes shown as occupation titles), "list", "text", "t" (another
    locale text with its own values) and "concat" (specs joined).
    """

    key: str
    measure: str
    value: float | None
    ci: tuple[float | None, float | None] | None
    text_key: str
    title_key: str
    values: dict = field(default_factory=dict)
    #: a spec appended to the sentence (e.g. an interval that may under-cover in sparse data)
    caveat: tuple | None = None

    def as_dict(self) -> dict:
        """The number behind the finding, for ``h2gender analyze``'s findings.json."""
        return {"key": self.key, "measure": self.measure, "value": self.value,
                "ci": None if self.ci is None else list(self.ci)}


@dataclass(frozen=True)
class TableSpec:
    """A table: numeric ``data`` (suppressed) and how to show it.

    ``columns`` maps a column of ``data`` to ``(header_key, kind)``, kind one of "text", "int",
    "pct", "num3", "bool", "occ" (a SOC code shown as its title). ``notes`` are locale keys with
    their values (``(key, {name: spec})``), in order.
    """

    data: pd.DataFrame
    columns: dict
    title_key: str
    notes: tuple = ()


@dataclass(frozen=True)
class FigureSpec:
    """A figure to draw: its kind (``present.draw_figure`` knows each), the table behind it and
    options (e.g. which column a map colours)."""

    kind: str
    data: pd.DataFrame
    options: dict = field(default_factory=dict)


@dataclass
class Evidence:
    """What ``build`` returns (see the module docstring).

    ``tables``: display specs; ``raw_tables``: every numeric table ``h2gender analyze`` writes
    (suppressed, every row); ``soc_titles``: SOC code -> official English title (the fall-back
    where a locale has no title); ``provenance``: version, commit, rendered, parameters, files,
    coverage, accounting and (synthetic data) the planted truth.
    """

    request: Request
    synthetic: bool
    findings: list[Finding] = field(default_factory=list)
    tables: dict[str, TableSpec] = field(default_factory=dict)
    figures: dict[str, FigureSpec] = field(default_factory=dict)
    raw_tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    soc_titles: dict[str, str] = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    #: ``claims.levels``: what each finding about women rests on (measured / expected / not measurable)
    levels: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: every linear relation published from worker records (``disclosure.Cell``; hidden: count None),
    #: language-independent: what ``disclosure.audit`` and the ledger (``toolkit.ledger``) check
    disclosed: list = field(default_factory=list)
    #: the atoms of the worker records of this scope (``disclosure.support``; never published)
    support: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the methods section, built from what ran: locale keys with their values, in order (``_methods``)
    methods: tuple = ()

    @property
    def k(self) -> int:
        return self.request.k


def build(data: Dataset, *, commit: str = "unknown", rendered: str = "", employer_match=None,
          progress=None, forced: dict | None = None) -> Evidence:
    """Findings, tables, figure data and provenance for the dataset's scope.

    Parameters
    ----------
    data : the ``Dataset`` from ``toolkit.dataset.load``. Without worker records (DOL files record
        no sex) the findings are the women expected from the occupational benchmark, any published
        share for the program and year, where the jobs are, and job-order language.
    commit, rendered : the code version and the time to state in the provenance (passed in so that
        the evidence is a function of its inputs; ``toolkit.runinfo`` reads them).
    employer_match : an ``employers.EmployerMatch`` over these cases or a superset of them (the
        site matches all cases once and builds every state from it, so that one employer has one
        identity on every page); default: ``employers.match_employers`` of the scope's cases.
    progress : called with the name of each part (``PARTS``) as it starts, for a progress bar;
        None: nothing is called.
    forced : dimension -> values whose rows are hidden whatever their counts (an earlier
        publication from the same worker file hid them: ``toolkit.ledger.forced``).

    Notes
    -----
    The statistics fit many small least-squares problems; they run with one BLAS thread
    (``threadpoolctl``), which is fastest for them and avoids oversubscribing a shared machine.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _build(data, commit=commit, rendered=rendered, employer_match=employer_match,
                      progress=progress or (lambda part: None), forced=forced or {})


#: The parts of ``build``, in order, as its ``progress`` callback names them.
PARTS = ("worker records", "job orders", "employers and recruiters", "trends", "provenance")


def _build(data: Dataset, *, commit: str, rendered: str, employer_match=None, progress, forced: dict) -> Evidence:
    req = data.request
    ev = Evidence(request=req, synthetic=data.synthetic)
    # each fiscal year is benchmarked by the CPS year of its occupation classification (Request.benchmark_years);
    # ``bench`` holds one share per SOC code (the latest year's), ``bench_cases`` the shares of each case's year
    years = req.benchmark_years
    bench = occupation_shares.women_share_by_soc(years[max(years)])
    bench_cases = (bench if len(set(years.values())) == 1 else
                   occupation_shares.benchmark_for_years(years))
    ev.soc_titles = _english_titles(bench, data.cases)
    published = _published_share(req.programs, req.fiscal_years)  # one lookup: findings and claims
    workers = data.workers
    # the admitted women and men counted without a copy of their rows (millions in a FOIA extract)
    sex = None if workers is None else workers["sex"][(workers["stage"] == "admitted").fillna(False).to_numpy(bool)]
    allowed = sex is not None and disclosure.scope_allows(int((sex == "F").sum()), int((sex == "M").sum()), k=req.k)
    progress(PARTS[0])
    if workers is not None and len(workers) and allowed:
        ev.support = disclosure.support(workers)
        _worker_findings(ev, data.cases, workers, bench, k=req.k, seed=req.seed, n_bootstrap=req.n_bootstrap,
                         forced=forced, population=data.accounting.get("workers", {}).get("population"))
        if len(data.cases):  # the DOL tables of the scope stay beside the worker records' tables
            _dol_position_tables(ev, data.cases, bench_cases, prefix="positions_")
    else:
        if workers is not None:  # fewer than k women or men: nothing from the records is published
            ev.findings.append(_finding("workers_refused", "workers_refused", None, k=("int", req.k)))
        _case_only_findings(ev, data.cases, bench_cases, k=req.k, programs=req.programs, years=req.fiscal_years,
                            published=published,
                            # partial years added to whole ones in a total are named (one year alone: the caveats say)
                            partial_years=_partial_years(data.coverage) if len(req.fiscal_years) > 1 else ())
    progress(PARTS[1])
    _joborder_finding(ev, data.cases, k=req.k)
    progress(PARTS[2])
    _employers_and_recruiters(ev, data, bench, k=req.k, match=employer_match, forced=forced,
                              workers_allowed=workers is not None and len(workers) > 0 and allowed)
    progress(PARTS[3])
    if len(req.fiscal_years) > 1:
        _trends(ev, data, bench_cases, k=req.k, seed=req.seed, n_bootstrap=req.n_bootstrap)
    progress(PARTS[4])
    # graded on what the report shows: records withheld as a whole (fewer than k women or men) grade
    # nothing, and a worker-record result that was suppressed is "withheld", never "measured"
    levels = claims.levels(data.cases, workers if allowed else None,
                           published=None if published is None else published.to_frame().T,
                           benchmark_socs=set(bench["soc_code"].dropna()))
    ev.levels = claims.reconcile(levels, {"segregation" if f.key == "channelling" else f.key for f in ev.findings})
    ev.methods = _methods(ev, req, published=published if "published" in _measures(ev) else None)
    ev.figures = {name: ev.figures[name] for name in FIGURE_ORDER if name in ev.figures}
    ev.provenance = {
        "version": __version__, "commit": commit, "rendered": rendered, "parameters": req.parameters(),
        "files": [dict(f) for f in data.files], "coverage": data.coverage.to_dict("records"),
        # a refused scope prints no number from the records, not even how many rows it used
        "accounting": {name: dict(acc) for name, acc in data.accounting.items()
                       if name != "workers" or allowed},
        "truth": dict(data.truth) if data.synthetic and data.truth else None,
        "levels": ev.levels.to_dict("records"),
    }
    return ev


def _measures(ev: Evidence) -> set[str]:
    """What the findings measured: their ``measure`` and, for published shares, "published"."""
    out = {f.measure for f in ev.findings}
    return out | ({"published"} if any(m.startswith("published") for m in out) else set())


def _methods(ev: Evidence, req: Request, *, published=None) -> tuple:
    """The methods section as (locale key, values) paragraphs, one for each method that ran, so
    the section names only the tests and interval methods behind what the report shows."""
    import inspect

    measures, tables = _measures(ev), set(ev.raw_tables)
    out = [("methods_data", {}),
           ("methods_expected", {"years": ("text", req.benchmark_label),
                                 "gvf_b": ("int", round(occupation_shares.GVF_B_APPROX))})]
    if "women_share" in measures:
        out.append(("methods_shortfall_workers", {}))
    if published is not None:
        out.append(("methods_shortfall_published", {"low": ("pct", float(published["women_share_low"]), 1),
                                                    "high": ("pct", float(published["women_share_high"]), 1),
                                                    "years": ("text", published["years"])}))
    if "expected_women_share" in measures:
        out.append(("methods_expected_only", {}))
    if "theil_h" in measures:
        method = inspect.signature(segregation.mutual_total).parameters["method"].default
        switch = min(segregation.SPARSE_MEAN_CELL[m]["jackknife"] for m in ("M", "H"))
        out.append(("methods_segregation_workers",
                    {"interval": ("t", f"interval_method_{method}", {"switch": ("num", switch, 1)})}))
    if "impact_ratio" in measures:
        out.append(("methods_selection", {}))
    if "unexplained_wage_gap" in measures:
        out.append(("methods_wages", {}))
    if {"employers", "recruiters"} & tables:
        out.append(("methods_screening", {}))
    if "trend_segregation" in tables:
        out.append(("methods_trend_segregation", {}))
    if any(f.key == "joborders" and f.value is not None for f in ev.findings):
        out.append(("methods_joborders", {}))
    if req.infer_soc:
        held = soc_inference.held_out_accuracy()
        out.append(("methods_soc_inferred", {"threshold": ("num", soc_inference.MIN_CONFIDENCE, 2),
                                             "accuracy": ("pct", held["accuracy"], 1),
                                             "lowest": ("pct", held["lowest"], 1)}))
    out.append(("methods_limits", {}))
    return tuple(out)


def _english_titles(bench: pd.DataFrame, cases: pd.DataFrame) -> dict[str, str]:
    """SOC code -> official English title: the benchmark's, else the most frequent title in the cases."""
    titles = bench.drop_duplicates("soc_code").set_index("soc_code")["soc_title"].dropna()
    if "soc_title" in cases:
        named = cases.dropna(subset=["soc_code", "soc_title"])
        from_cases = named.groupby("soc_code", observed=True)["soc_title"].agg(lambda s: s.mode().iloc[0])
        titles = titles.combine_first(from_cases.str.strip().str.capitalize())
    return {str(code): str(title) for code, title in titles.items()}


def _finding(key: str, measure: str, value, ci=None, *, text_key: str | None = None,
             title_key: str | None = None, caveat: tuple | None = None, **values) -> Finding:
    num = lambda v: None if v is None or pd.isna(v) else float(v)  # noqa: E731
    return Finding(key=key, measure=measure, value=num(value), ci=None if ci is None else (num(ci[0]), num(ci[1])),
                   text_key=text_key or f"finding_{key}", title_key=title_key or f"finding_{key}_title",
                   values=values, caveat=caveat)


def _visible(table: pd.DataFrame) -> pd.DataFrame:
    return table[~table["suppressed"].astype(bool)]


def _worker_findings(ev: Evidence, cases, workers, bench, *, k, seed, n_bootstrap, forced, population=None):
    """Findings, tables and figure data from worker records; every number through ``disclosure``."""
    # the columns the wage gap and the origin map use: a copy of millions of rows keeps only these
    admitted = workers.loc[(workers["stage"] == "admitted").fillna(False).to_numpy(bool),
                           ["sex", "wage_hourly", "soc_code", "worksite_state", "origin_state"]]
    # the occupation table first: every statistic below takes its published view, never a hidden cell
    ct = analysis.channelling_table(workers, bench, by=["soc_code"])
    occ = ct.assign(shortfall=ct["expected_women"] - ct["women"])
    occ_p = disclosure.protect(occ, "occupations", "soc_code", k=k, forced=_forced(occ, "soc_code", forced))
    occ_s = disclosure.rank_visible(occ_p.table, ["total"], "soc_code", ascending=False, rank=None)

    # 1. shortfall against the occupational benchmark (the scope has at least k women and k men)
    ov = analysis.observed_vs_expected(workers, cases, bench, by=["soc_code"]).dropna(subset=["women_share"])
    pooled = analysis.pooled_expected_share(_benchmark_view(ov, occ_p, cases, bench))
    # the benchmark as the rows' worker-weighted expected shares see it: hidden occupations share one
    # (merged) benchmark, so no state's, employer's or recruiter's expected women tells them apart
    bench_pub = _published_benchmark(ov, occ_p, cases, bench)
    women, total = int(ov["women"].sum()), int(ov["total"].sum())
    a = discrimination.availability_counts(women, total, pooled["expected_share"],
                                           expected_share_se=pooled["expected_share_se"], wide=True).iloc[0]
    # the standard deviations count the benchmark's own sampling error (CPS), as every test using it does;
    # what courts consider is said only of records of a whole population, never of a convenience survey
    sd_b = a["sd_with_benchmark_error"]
    courts = ("text", "") if population == "respondents" else ("t", "courts_clause", {})
    ev.findings.append(_finding(
        "shortfall", "women_share", a["observed_share"], (a["ci_low"], a["ci_high"]),
        share=("pct", a["observed_share"]), total=("count", total), lo=("pct", a["ci_low"]),
        hi=("pct", a["ci_high"]), expected=("count", a["expected"]), shortfall=("count", a["shortfall"]),
        sd=("num", sd_b, 1), p=("p", float(stats.norm.sf(sd_b))), courts=courts))
    ev.raw_tables["availability"] = disclosure.protect_table("availability", pd.DataFrame([a]), k=k)

    # 2. channelling and segregation: M and H take the published view of the occupation table (its
    # visible rows and the hidden ones merged, disclosure.OTHER), never a hidden cell
    years, state, programs = tuple(ev.request.fiscal_years), _states(ev.request), tuple(ev.request.programs)
    ev.disclosed += occ_p.cells(years, state, programs)
    # the scope's totals as the sentence prints them (workers of occupations with a benchmark share)
    ev.disclosed += [disclosure.Cell(years, state, "soc_code", tuple(ov["soc_code"].astype(str)), sex, n, programs)
                     for sex, n in (("F", women), ("M", total - women))]
    # the scope's admitted women and men: counted as published (the audit is then at least as strict)
    ev.disclosed += [disclosure.Cell(years, state, "_total", (), sex, int((admitted["sex"] == sex).sum()), programs)
                     for sex in ("F", "M")]
    view = occ_p.view()
    if view.loc[view["soc_code"] != disclosure.OTHER, "soc_code"].nunique() < 2:
        h = None
        ev.findings.append(_finding("segregation_withheld", "theil_h", None, k=("int", k)))
    else:
        h = segregation.mutual_total(view, "sex", "soc_code", "n", se=True, n_bootstrap=n_bootstrap, seed=seed)
    exp = analysis.expected_counts(cases, bench, by=["soc_code"]).table.dropna(subset=["n"])
    h_exp = segregation.mutual_total(exp, "sex", "soc_code", "n").loc["H", "est"]
    # the sentence names an occupation only when its row is published, it has women and its shares
    # leave no small rest
    named = ct.merge(_visible(occ_s)[["soc_code"]], on="soc_code")
    keep = np.array([w > 0 and disclosure.share_allowed(w, t, k=k) and disclosure.share_allowed(w, women, k=k)
                     for w, t in zip(named["women"], named["total"])], dtype=bool)
    named = named[keep].sort_values(["women", "soc_code"], ascending=[False, True])
    if len(named) and h is not None:
        top = named.iloc[0]
        # segregation.SPARSE_MEAN_CELL["H"][method]: below it the coverage study measured the default
        # interval leaving 0.92-0.98 (or did not measure it), so no interval is published there
        sparse = bool(h.loc["H"].get("sparse", False))
        lo, hi = h.loc["H", "ci_low"], h.loc["H", "ci_high"]
        interval = {} if sparse else {"h_lo": ("num", lo, 3), "h_hi": ("num", hi, 3)}
        ev.findings.append(_finding(
            "channelling", "theil_h", h.loc["H", "est"], None if sparse else (lo, hi),
            text_key="finding_channelling_no_interval" if sparse else None,
            occupation=("occ", top["soc_code"]), women=("count", top["women"]),
            share_f=("pct", top["women"] / women, 0), share_all=("pct", top["total"] / total, 0),
            obs=("pct", top["women_share_observed"]), bench=("pct", top["women_share"]),
            h_obs=("num", h.loc["H", "est"], 3), h_exp=("num", h_exp, 3), **interval))
    if h is not None:
        shown = h.copy()
        if "sparse" in shown:  # an interval not measured to hold is not published (the CSV either)
            shown.loc[shown["sparse"].astype(bool), ["ci_low", "ci_high"]] = np.nan
        ev.raw_tables["segregation"] = disclosure.protect_table("segregation", shown.reset_index(), k=k)

    # 3. selection: the four cells (women and men, selected and rejected) must all be publishable
    sel = workers.dropna(subset=["selected", "case_number"])
    if sel["selected"].astype(bool).nunique() == 2 and set(sel["sex"].dropna().unique()) >= {"F", "M"}:
        ai = discrimination.adverse_impact(sel[sel["sex"].isin(["F", "M"])], "sex", "selected", reference="M").table
        ai_s = disclosure.protect_table("adverse_impact", ai, k=k)
        if not ai_s["suppressed"].any():
            f = ai.set_index("group").loc["F"]
            m = ai.set_index("group").loc["M"]
            mh = discrimination.cmh(sel, "sex", "selected", within="case_number").loc["odds_ratio_mh"]
            ev.findings.append(_finding(
                "selection", "impact_ratio", f["impact_ratio"], (f["ci_low"], f["ci_high"]),
                rate_f=("pct", f["rate"]), rate_m=("pct", m["rate"]), ratio=("num", f["impact_ratio"], 2),
                lo=("num", f["ci_low"], 2), hi=("num", f["ci_high"], 2),
                fourfifths=("t", "fourfifths_yes" if f["four_fifths_flag"] else "fourfifths_no", {}),
                **{"or": ("num", mh["est"], 2)}, or_lo=("num", mh["ci_low"], 2), or_hi=("num", mh["ci_high"], 2)))
            ev.figures["selection"] = FigureSpec("selection", ai, {"source": "workers"})
        ev.raw_tables["adverse_impact"] = ai_s
        hid = bool(ai_s["suppressed"].any())
        for _, row in ai.iterrows():
            n_sel, n_app = int(row["selected"]), int(row["applicants"])
            ev.disclosed += [disclosure.Cell(years, state, "selected", (str(v),), str(row["group"]),
                                             None if hid else n, programs)
                             for v, n in ((True, n_sel), (False, n_app - n_sel))]

    # 4. wages
    paid = admitted.dropna(subset=["wage_hourly"])
    if (paid["sex"] == "F").sum() >= k and (paid["sex"] == "M").sum() >= k:
        wg = discrimination.wage_gap(paid, n_bootstrap=min(n_bootstrap, 100), seed=seed)
        pct = lambda x: 1 - np.exp(-x)  # noqa: E731  log gap (men - women) -> share women earn less
        u = wg.loc["unexplained"]
        ev.findings.append(_finding(
            "wages", "unexplained_wage_gap", pct(u["est"]), (pct(u["ci_low"]), pct(u["ci_high"])),
            title_key="finding_wage_title", text_key="finding_wage", gap=("pct", pct(wg.loc["gap", "est"])),
            unexplained=("pct", pct(u["est"])), lo=("pct", pct(u["ci_low"])), hi=("pct", pct(u["ci_high"]))))
        ev.figures["wages"] = FigureSpec("wages", wg, {"source": "workers"})
        ev.raw_tables["wage_gap"] = disclosure.protect_table("wage_gap", wg.reset_index(), k=k)

    # tables: occupations, states, employers, recruiters (one margin each; protect_table audits them)
    ev.raw_tables["occupations"] = occ_s
    ev.tables["occupations"] = TableSpec(occ_s, {
        "soc_code": ("col_soc", "text"), "occupation": ("col_occupation", "occ"), "total": ("col_workers", "int"),
        "women": ("col_women", "int"), "women_share_observed": ("col_women_share", "pct"),
        "women_share": ("col_benchmark", "pct"), "expected_women": ("col_expected", "int"),
        "shortfall": ("col_shortfall", "int")}, "t_occupations", notes=(("t_protected_note", {}),))
    ev.figures["occupations"] = FigureSpec("occupations", occ_s, {"source": "workers"})
    per_occ = discrimination.availability(ct.dropna(subset=["women_share"]), "women", "total", "women_share",
                                          within="soc_code", wide=True)
    per_occ = per_occ[per_occ["soc_code"].isin(_visible(occ_s)["soc_code"])]  # intervals of published rows only
    per_occ = per_occ[["soc_code", "expected_share", "ci_low", "ci_high"]]
    ev.figures["shortfall"] = FigureSpec("shortfall", occ_s.merge(per_occ, on="soc_code"), {"source": "workers"})

    st = analysis.shortfall_by(workers, cases, bench_pub, "worksite_state")
    st_p = disclosure.protect(st, "states", "worksite_state", k=k, forced=_forced(st, "worksite_state", forced))
    st_s = disclosure.rank_visible(st_p.table, ["total"], "worksite_state", ascending=False, rank=None)
    ev.disclosed += st_p.cells(years, state, programs)
    ev.disclosed += _expected_cells(st_p, st, bench_pub, years, programs)
    ev.raw_tables["states"] = st_s
    ev.tables["states"] = TableSpec(st_s, {
        "worksite_state": ("col_state", "text"), "total": ("col_workers", "int"), "women": ("col_women", "int"),
        "women_share_observed": ("col_women_share", "pct"), "expected_women": ("col_expected", "int"),
        "shortfall": ("col_shortfall", "int")}, "t_states")
    ev.figures["states"] = FigureSpec("us_map", st_s, {"column": "missing_per_100", "title": "fig_states",
                                                      "legend": "axis_missing", "source": "workers"})

    origin = admitted[(admitted["sex"] == "F") & admitted["origin_state"].notna()]
    oc = origin.groupby("origin_state").size().rename("women").reset_index()
    drawn = disclosure.map_values(oc["women"], k=k)  # a map never isolates one area
    hide = _forced(oc, "origin_state", forced)
    if hide is not None:  # areas an earlier publication (or the audit) hid stay hidden
        drawn = drawn.mask(hide)
        if int((drawn.fillna(0) > 0).sum()) == 1:  # one area left alone would equal the printed total
            drawn = drawn.mask(drawn.fillna(0) > 0)
    oc = oc.assign(women=drawn.to_numpy(), suppressed=drawn.isna().to_numpy())
    ev.disclosed += [disclosure.Cell(years, state, "origin_state", (str(v),), "F", None if pd.isna(n) else int(n),
                                     programs)
                     for v, n in zip(oc["origin_state"], oc["women"])]
    ev.figures["origin"] = FigureSpec("mexico_map", oc, {"column": "women", "title": "fig_origin",
                                                         "legend": "axis_count", "cmap": "magma_r",
                                                         "source": "workers"})

    for entity, key, col in (("employer_name", "employers", "col_employer"), ("recruiter", "recruiters", "col_recruiter")):
        if workers[entity].dropna().nunique() < 2:
            continue  # the records do not name employers (or recruiters)
        per = analysis.shortfall_by(workers, cases, bench_pub, entity)
        # entities with fewer than k workers are never listed; they count as hidden rows
        pt = disclosure.protect(per, key, entity, k=k, shown=(per["total"] >= k).to_numpy(),
                                forced=_forced(per, entity, forced))
        ev.disclosed += pt.cells(years, state, programs)
        scr = _screen(pt, per, entity, k=k, expected_share=float(pooled["expected_share"]))
        ev.raw_tables[key] = scr
        ev.tables[key] = TableSpec(scr.head(10), {
            "rank": ("col_rank", "int"), entity: (col, "text"), "total": ("col_workers", "int"),
            "women": ("col_women", "int"), "observed_share": ("col_women_share", "pct"),
            "shrunk_share": ("col_shrunk", "pct"), "expected_share": ("col_benchmark", "pct"),
            "q_value": ("col_q", "num3"), "credible": ("col_credible", "bool")}, f"t_{key}",
            notes=(("t_employers_note", {}), ("t_protected_note", {})))


def _merged_share(ov: pd.DataFrame, occ_p: disclosure.ProtectedTable, cases, bench) -> tuple[list[str], float, float]:
    """The hidden occupations with a benchmark share (``ov`` rows whose ``occ_p`` row is hidden) and
    their merged benchmark share and its standard error, weighted by the DOL positions certified in
    them (public; none: equal weights): s_H = sum_o p_o s_o / sum_o p_o, se_H = sqrt(sum_o p_o^2
    se_o^2) / sum_o p_o. Nothing in it is a worker count."""
    hidden = set(occ_p.table.loc[occ_p.hidden, "soc_code"].astype(str))
    codes = ov.loc[ov["soc_code"].astype(str).isin(hidden), "soc_code"].astype(str)
    if not len(codes):
        return [], float("nan"), float("nan")
    b = bench.drop_duplicates("soc_code").assign(soc_code=lambda d: d["soc_code"].astype(str)).set_index("soc_code")
    pos = analysis.certified_positions(cases, ["soc_code"]).table if len(cases) else pd.DataFrame(columns=["soc_code", "positions"])
    weight = pos.assign(soc_code=pos["soc_code"].astype(str)).set_index("soc_code")["positions"].reindex(codes).fillna(0)
    weight = weight if weight.sum() > 0 else pd.Series(1.0, index=codes)  # no position: equal weights
    share = float((weight * b["women_share"].reindex(codes)).sum() / weight.sum())
    se = float(np.sqrt((weight ** 2 * b["women_share_se"].reindex(codes).fillna(0) ** 2).sum()) / weight.sum())
    return list(codes), share, se


def _benchmark_view(ov: pd.DataFrame, occ_p: disclosure.ProtectedTable, cases, bench) -> pd.DataFrame:
    """The occupations with a benchmark share as the pooled expected share sees them: visible rows
    as they are, the hidden ones merged (``disclosure.OTHER``: their workers = the printed total minus
    the visible rows) with their merged benchmark share (``_merged_share``), so that the expected
    women take no hidden count as input."""
    codes, share, se = _merged_share(ov, occ_p, cases, bench)
    vis = ov[~ov["soc_code"].astype(str).isin(codes)][["total", "women_share", "women_share_se"]]
    rest = int(ov["total"].sum() - vis["total"].sum())
    if not rest:
        return vis
    return pd.concat([vis, pd.DataFrame([{"total": rest, "women_share": share, "women_share_se": se}])],
                     ignore_index=True)


def _published_benchmark(ov: pd.DataFrame, occ_p: disclosure.ProtectedTable, cases, bench) -> pd.DataFrame:
    """``bench`` with every hidden occupation given the merged share of the hidden ones
    (``_merged_share``): the benchmark of the worker-weighted expected shares of rows (states,
    employers, recruiters). A row's expected women sum_o s_o n_{row,o} then depend on its hidden
    occupations' workers only through their sum, so they cannot tell hidden occupations apart
    (with distinct shares, a state's expected women and its workers would give two hidden
    occupations' sizes: ``disclosure`` rule, weighted means)."""
    codes, share, se = _merged_share(ov, occ_p, cases, bench)
    if not codes:
        return bench
    out = bench.drop_duplicates("soc_code").copy()
    hidden = out["soc_code"].astype(str).isin(codes).to_numpy()
    out.loc[hidden, "women_share"] = share
    out.loc[hidden, "women_share_se"] = se
    return out


def _expected_cells(pt: disclosure.ProtectedTable, table: pd.DataFrame, bench: pd.DataFrame,
                    years: tuple[int, ...], programs: tuple[str, ...]) -> list[disclosure.Cell]:
    """The worker-weighted expected women each visible state row publishes, as linear relations
    for the audit: for state r, sum_o s_o (F_{r,o} + M_{r,o}) = expected_women_r over the
    occupations o with a benchmark share s_o (``bench``: hidden ones merged). A weighted mean is
    linear in the counts given its published weights; its expected share is this over the
    row's workers, a cell already. Hidden rows publish neither."""
    b = bench.dropna(subset=["women_share"]).drop_duplicates("soc_code")
    codes = tuple(b["soc_code"].astype(str))
    weights = tuple(float(x) for x in b["women_share"])
    exp = table.assign(key=table["worksite_state"].astype(str)).set_index("key")["expected_women"]
    shown = pt.table.loc[~pt.hidden, "worksite_state"].astype(str)
    return [disclosure.Cell(years, (r,), "soc_code", codes, "T", float(exp[r]), programs, weights)
            for r in shown if pd.notna(exp.get(r)) and codes]


def _states(req: Request) -> tuple[str, ...]:
    """The worksite states of the request (empty: every state)."""
    return tuple(str(x) for x in (req.states or ()))


def _forced(table: pd.DataFrame, dim: str, forced: dict) -> np.ndarray | None:
    """Rows of ``table`` an earlier publication hid (``toolkit.ledger.forced``)."""
    values = forced.get(dim)
    return table[dim].astype(str).isin(set(values)).to_numpy() if values else None


def _screen(pt: disclosure.ProtectedTable, per: pd.DataFrame, entity: str, *, k: int,
            expected_share: float) -> pd.DataFrame:
    """The employer or recruiter screen computed on the published view (``disclosure`` rule): the
    empirical-Bayes prior is fitted over the visible entities and the hidden ones merged
    (``disclosure.OTHER``, its benchmark the scope's pooled share), q-values and ranks over the
    visible entities only; hidden rows follow in the order of their names, without values."""
    from statsmodels.stats.multitest import multipletests

    wide = pt.view().pivot(index=entity, columns="sex", values="n").fillna(0)
    data = pd.DataFrame({entity: wide.index.astype(str), "women": wide["F"].to_numpy(),
                         "total": (wide["F"] + wide["M"]).to_numpy()})
    exp = per.assign(**{entity: per[entity].astype(str)}).set_index(entity)["expected_share"]
    data["expected_share"] = data[entity].map(exp).where(data[entity] != disclosure.OTHER, expected_share)
    scr = discrimination.screen_entities(data, entity, k=k).table
    scr = scr[scr[entity] != disclosure.OTHER].drop(columns="rank")
    scr["q_value"] = multipletests(scr["p_value"].to_numpy(float), method="fdr_bh")[1] if len(scr) else []
    scr["credible"] = scr["q_value"] < 0.05
    scr = scr.merge(per.assign(**{entity: per[entity].astype(str)})[[entity, "expected_women"]], on=entity, how="left")
    scr = scr.assign(men=scr["total"] - scr["women"], suppressed=False)
    hidden = pt.table[pt.hidden].assign(**{entity: lambda d: d[entity].astype(str)}).dropna(axis=1, how="all")
    both = pd.concat([scr, hidden], ignore_index=True) if len(hidden) else scr
    out = disclosure.rank_visible(both, ["shrunk_ratio", "p_value"], entity)
    return disclosure.publishable_columns(pt.name, out)


def _published_share(programs: tuple[str, ...], years: tuple[int, ...]):
    """The best published figure covering a single program and year (``occupation_shares.published_share_for``:
    a single-year figure before one pooled over several years), or None."""
    if len(programs) != 1 or len(years) != 1:
        return None
    rows = occupation_shares.published_share_for(programs[0], int(years[0]))
    return rows.iloc[0] if len(rows) else None


def _not_benchmarked(accounting: dict) -> tuple:
    """The clause naming the positions the benchmark cannot cover (no SOC code; a SOC code
    without a women's share): counted and named, never taken as zero expected women."""
    no_soc, no_share = int(accounting["positions_without_soc"]), int(accounting["positions_without_benchmark"])
    if not no_soc and not no_share:
        return ("text", "")
    key = ("not_benchmarked_clause" if no_soc and no_share else
           "not_benchmarked_no_soc" if no_soc else "not_benchmarked_no_share")
    return ("t", key, {"no_soc": ("int", no_soc), "no_share": ("int", no_share), "total": ("int", no_soc + no_share)})


def _inferred_clause(cases: pd.DataFrame, rest: tuple) -> tuple:
    """``rest`` preceded, when some positions carry a SOC code inferred from their job title
    (``--infer-soc``, ``toolkit.soc_inference``), by how many and the held-out accuracy."""
    if "soc_inferred" not in cases:
        return rest
    inferred = int(analysis.case_positions(cases)[cases["soc_inferred"].astype(bool)].sum())
    if not inferred:
        return rest
    held = soc_inference.held_out_accuracy()
    return ("t", "soc_inferred_clause", {"inferred": ("int", inferred), "accuracy": ("pct", held["accuracy"], 1),
                                         "rest": rest})


def _soc_inferred_column(table: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """``table`` (by ``soc_code``) with ``soc_inferred``: its positions whose code was inferred (0 when none)."""
    live = cases["soc_inferred"].astype(bool)  # case_positions counts a duplicate row 0
    counts = (analysis.case_positions(cases)[live].groupby(cases.loc[live, "soc_code"]).sum()
              .rename("soc_inferred").rename_axis("soc_code").reset_index())
    out = table.merge(counts, on="soc_code", how="left")
    out["soc_inferred"] = out["soc_inferred"].fillna(0).astype("int64")
    return out


def _partial_clause(partial_years: list[str]) -> tuple:
    """A clause saying which partial years a headline total adds to whole ones (or nothing)."""
    if not partial_years:
        return ("text", "")
    return ("t", "partial_in_total_clause", {"years": ("fys", partial_years)})


def _case_only_findings(ev: Evidence, cases, bench, *, k, programs, years, published, partial_years=()):
    counted = analysis.expected_counts(cases, bench, by=["soc_code"])
    exp = counted.table
    positions = int(analysis.case_positions(cases).sum())
    women_rows = exp[(exp["sex"] == "F") & exp["n"].notna()]
    benchmarked = int(women_rows["positions"].sum())
    ew = float(women_rows["n"].sum())
    pooled_exp = (analysis.pooled_expected_share(women_rows.rename(columns={"positions": "total"}))
                  if benchmarked else None)
    unbenchmarked = _inferred_clause(cases, _not_benchmarked(counted.accounting))
    partial = _partial_clause(list(partial_years))
    row = published
    if row is not None and benchmarked:
        women = pd.notna(row["women_share"])
        # a rounded figure stands for an interval; the test uses the end that claims the fewest missing women
        share = float(row["women_share_high"])
        a = discrimination.availability_from_published(share, benchmarked, pooled_exp["expected_share"],
                                                       expected_share_se=pooled_exp["expected_share_se"],
                                                       wide=True).iloc[0]
        values = dict(share=("pct", share, 1), low=("pct", float(row["women_share_low"]), 1),
                      program=("text", programs[0]), year=("text", str(years[0])),
                      years=("text", row["years"]), citation=("org", str(row["citation"]).split("(")[0].strip()),
                      positions=("int", benchmarked), expected=("int", a["expected"]), shortfall=("int", a["shortfall"]),
                      sd=("num", a["sd_with_benchmark_error"], 1), unbenchmarked=unbenchmarked, partial=partial)
        if pd.notna(row["men_share"]):
            values["men_share"] = ("pct", float(row["men_share"]), 0)
            values["men_low"] = ("pct", float(row["men_share"]) - occupation_shares.rounding_half_unit(row["men_share"]), 1)
        # a figure pooled over several years, or a men's share only, says so (occupation_shares.published_share_for)
        text_key = ("finding_published" if women and not row["pooled"] else
                    "finding_published_pooled" if women else "finding_published_pooled_men")
        ev.findings.append(_finding(
            "shortfall", "published_women_share" if women else "published_women_share_at_most", share,
            (float(row["women_share_low"]), share), title_key="finding_published_title", text_key=text_key, **values))
    else:
        share = ew / benchmarked if benchmarked else None
        if benchmarked:
            ev.findings.append(_finding(
                "shortfall", "expected_women_share", share, text_key="finding_expected_only",
                title_key="finding_expected_only_title",  # nothing measured: the title claims no shortfall
                positions=("int", benchmarked), expected=("int", ew), expected_share=("pct", share),
                unbenchmarked=unbenchmarked, partial=partial))
        else:
            ev.findings.append(_finding(
                "shortfall", "expected_women_share", None, text_key="finding_expected_none",
                title_key="finding_expected_only_title", positions=("int", positions)))

    occ, by_state = _dol_position_tables(ev, cases, bench, prefix="")
    top = occ[~occ["suppressed"]].head(3)
    if len(top) and positions:
        top_states = by_state[~by_state["suppressed"]].head(3)
        ev.findings.append(_finding(
            "concentration", "top3_positions_share", top["positions"].sum() / positions,
            occupations=("occs", top["soc_code"].tolist()), share=("pct", top["positions"].sum() / positions, 0),
            positions=("int", positions), bench=("pct", top["expected_women"].sum() / top["positions"].sum(), 0),
            states=("list", top_states["worksite_state"].tolist()),
            state_share=("pct", top_states["positions"].sum() / positions, 0)))
    ev.figures["states"] = FigureSpec("us_map", by_state, {"column": "positions", "title": "fig_positions",
                                                          "legend": "axis_positions"})


def _dol_position_tables(ev: Evidence, cases, bench, *, prefix: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The certified positions of the scope by occupation and by worksite state, with the women
    expected from the benchmark, as tables ``<prefix>occupations`` and ``<prefix>states``. Certified
    positions are public DOL records, not people: shown as they are (toolkit.disclosure). Worker
    records add their own tables beside these (``prefix="positions_"``), never instead of them."""
    occ = analysis.positions_table(cases, bench, ["soc_code"]).assign(suppressed=False)
    occ["women_share"] = occ["expected_share"]  # one year: the CPS share; several: their position-weighted mean
    occ = occ.merge(_benchmark_basis(bench), on="soc_code", how="left")
    inferred = "soc_inferred" in cases  # --infer-soc: the positions whose code was inferred are marked
    if inferred:
        occ = _soc_inferred_column(occ, cases)
    ev.raw_tables[f"{prefix}occupations"] = occ
    by_state = analysis.positions_table(cases, bench, ["worksite_state"]).assign(suppressed=False)
    # the women are expected, not observed (claims: "expected from benchmarks"): the title says so
    ev.tables[f"{prefix}occupations"] = TableSpec(occ, {
        "soc_code": ("col_soc", "text"), "occupation": ("col_occupation", "occ"),
        "positions": ("col_positions", "int"), "women_share": ("col_benchmark", "pct"),
        "expected_women": ("col_expected", "int"), "benchmark_basis": ("col_benchmark_basis", "basis"),
        **({"soc_inferred": ("col_soc_inferred", "int")} if inferred else {})},
        "t_occupations_expected", notes=(("t_occupations_benchmark_note", {}),))
    ev.raw_tables[f"{prefix}states"] = by_state
    ev.tables[f"{prefix}states"] = TableSpec(by_state, {
        "worksite_state": ("col_state", "text"), "positions": ("col_positions", "int"),
        "positions_not_benchmarked": ("col_not_benchmarked", "int"),
        "expected_women": ("col_expected", "int"), "expected_share": ("col_benchmark", "pct")}, "t_states_positions",
        notes=(("t_expected_over_benchmarked", {}),))
    return occ, by_state


def _benchmark_basis(bench: pd.DataFrame) -> pd.DataFrame:
    """Per SOC code, where its share comes from: "" for the occupation's own published CPS line in
    every benchmark year, else the line(s) it is borrowed from (BLS suppressed the occupation's
    line, or lists it only within a wider group), each "CPS title | Census code(s) | year", joined
    by " || " (``present`` words it: the BLS title in English, the line's codes in Spanish)."""
    own = (bench["match_level"] == "detailed") & ~bench["suppressed"].fillna(False).astype(bool)
    borrowed = bench[~own.to_numpy()].assign(
        line=lambda d: d["cps_title"].fillna(d["match_level"]).astype(str) + " | "
        + d["census_code"].fillna("").astype(str) + " | " + d["year"].astype(str))
    lines = borrowed.groupby("soc_code")["line"].agg(lambda x: " || ".join(dict.fromkeys(x)))
    codes = pd.Series(bench["soc_code"].unique(), name="soc_code")
    return pd.DataFrame({"soc_code": codes, "benchmark_basis": codes.map(lines).fillna("").to_numpy()})



def _writers_value(writers: int, fit: str):
    """The writers behind the detector's stated scores, as ``language.writers_words_key`` words them."""
    key = language.writers_words_key(writers, fit)
    return ("int", writers) if key is None else ("t", key, {"n": ("int", writers)})

def _joborder_finding(ev: Evidence, cases, *, k):
    # job orders are public DOL records, not people: their counts are shown as they are (k=1)
    counts = scan = language.scan_job_orders(cases, by="program", k=1)
    orders = int(pd.to_numeric(counts["job_orders"], errors="coerce").sum())
    flagged = int(pd.to_numeric(counts["flagged"], errors="coerce").fillna(0).sum())
    with_text = int(pd.to_numeric(counts["with_text"], errors="coerce").fillna(0).sum())
    if with_text == 0:
        # titles only (FY2015-2019 layouts): the text was not read, so nothing is claimed and no chart drawn
        ev.findings.append(_finding("joborders", "flagged_share", None, text_key="finding_joborders_not_read",
                                    orders=("int", orders)))
        return
    coverage = (("text", "") if with_text == orders else
                ("t", "joborders_titles_only", {}) if with_text == 0 else
                ("t", "joborders_some_text", {"with_text": ("int", with_text)}))
    perf = language.rules_performance()
    precision = perf["precision"].min()
    precision_clause = (("t", "joborders_precision_all", {}) if precision == 1 else
                        ("t", "joborders_precision_some", {"precision_low": ("pct", precision, 0)}))
    fit = language.headline_scores()[1]  # the scores the note states: a sealed set, else blind
    rules_note = ("concat", [coverage, ("t", "joborders_rules_note_sealed" if fit == "sealed" else "joborders_rules_note", {
        "n": ("int", int(perf["n"].sum())), "writers": _writers_value(language.score_writers(), fit), "recall_en": ("pct", perf.loc["en", "recall"], 0),
        "recall_es": ("pct", perf.loc["es", "recall"], 0), "precision_clause": precision_clause})])
    ev.figures["joborders"] = FigureSpec("joborders", scan)
    if not flagged:
        # every job order in scope is the total; the coverage clause says how many of them carry text
        ev.findings.append(_finding("joborders", "flagged_share", 0.0, text_key="finding_joborders_none",
                                    orders=("int", orders), rules_note=rules_note))
        return
    text = cases[["job_title", "requirements_text"]].astype("string").fillna("").agg(" ".join, axis=1)
    found = language.detect_sex_preference(text)
    example = str(cases.loc[found["flag"].to_numpy(), "requirements_text"].dropna().head(1).str.slice(0, 100)
                  .squeeze()).rstrip(".")
    # job orders are public DOL records, not people: their counts are shown as they are
    ev.findings.append(_finding(
        "joborders", "flagged_share", flagged / orders, analysis.proportion_ci(flagged, orders),
        flagged=("int", flagged), orders=("int", orders), rate=("pct", flagged / orders),
        example=("text", example), rules_note=rules_note))


def _employers_and_recruiters(ev: Evidence, data: Dataset, bench, *, k, match=None, forced=None,
                              workers_allowed: bool = False):
    """Employer profiles across the years and files in scope (``employers``: one identity per
    employer, never merged by a guess) and, with H-2B Appendix C, the recruiters (``recruiters``).
    Certified positions and offered wages are public DOL records and shown as they are; counts of
    people from worker records (recruiters' workers and women: admitted workers with an occupation,
    as every worker table counts them) go through ``disclosure.protect_rows`` and are published
    relations of the audit (``_appendix_c_cells``), only when the scope's worker records are
    (``workers_allowed``). ``raw_tables`` keep every row (``h2gender analyze`` writes them all)."""
    from toolkit import employers, recruiters

    cases, ids = data.cases, None
    # the DOL employer profiles are shown with or without worker records (which add their own screen)
    if cases["employer_name"].notna().any():
        match = employers.match_employers(cases) if match is None else match.within(cases.index)
        prof = employers.profiles(cases, match, worksites=data.companions.get("worksites"),
                                  housing=data.companions.get("housing"), recruiters=data.companions.get("recruiters"))
        prof = prof.assign(suppressed=False)  # certified positions and wages are public DOL records
        ev.raw_tables["employer_profiles"] = prof
        ev.raw_tables["employer_ambiguous_matches"] = match.ambiguous
        shown = prof[~prof["suppressed"]]
        if len(shown):
            ev.tables["employer_profiles"] = TableSpec(shown, {
                "employer_name": ("col_employer", "text"), "employer_state": ("col_state", "text"),
                "years": ("col_years", "text"), "positions": ("col_positions", "int"),
                "wage_hourly_median": ("col_wage_median", "num"), "worksites": ("col_worksites", "int"),
                "agents": ("col_agents", "text"), "recruiters": ("col_recruiters", "text")},
                "t_employer_profiles", notes=(("t_employer_profiles_note", {"ambiguous": ("int", len(match.ambiguous))}),))
        ids = match.ids
    rec = data.companions.get("recruiters")
    workers = None
    if workers_allowed and "recruiter" in data.workers:
        w = data.workers
        # the population of the recruiter atoms of the audit (``disclosure.support``): admitted, with an occupation
        workers = w[((w["stage"] == "admitted").fillna(False) & w["soc_code"].notna()).to_numpy(bool)
                    & w["recruiter"].notna().to_numpy(bool)] if "soc_code" in w else None
    has_worker_recruiters = workers is not None and len(workers) > 0
    if rec is None or not len(rec):
        return  # no Appendix C: worker-record recruiters are screened above (``recruiters`` table)
    table = recruiters.summary(cases, rec, benchmark=bench,
                               workers=workers if has_worker_recruiters else None, employer_ids=ids).table
    for col in ("expected_women", "expected_share"):
        if col not in table:
            table[col] = float("nan")
    table = table.assign(men=table["workers"] - table["women"], suppressed=False)
    if "recruiters" in ev.raw_tables:
        # the worker records' recruiters are published, audited, in the ``recruiters`` table; a second
        # audit of the same people here could hide other rows and give back what that one hides
        table[["women", "men", "workers"]] = np.nan
    names = (pd.DataFrame({"name": workers["recruiter"].astype(str).unique()}) if has_worker_recruiters
             else pd.DataFrame({"name": pd.Series(dtype=str)}))
    names["recruiter_id"] = recruiters.worker_recruiter_ids(names["name"], table["recruiter_id"]).to_numpy()
    values = names.groupby("recruiter_id")["name"].agg(lambda v: tuple(sorted(v)))
    row_values = table["recruiter_id"].map(values)
    people = table[["women", "men", "workers"]]
    hide = forced.get("recruiter") if forced else None  # rows the ledger (or the audit) hid
    hide = (row_values.map(lambda v: isinstance(v, tuple) and bool(set(v) & set(hide))).to_numpy(bool)
            if hide else None)
    audited = disclosure.protect_rows(people, {c: "protected" for c in people.columns}, k=k,
                                      flag="suppressed_workers", forced=hide)
    table[["women", "workers"]] = audited[["women", "workers"]].to_numpy()
    table["suppressed_workers"] = audited["suppressed_workers"].to_numpy()
    if has_worker_recruiters and "recruiters" not in ev.raw_tables:
        ev.disclosed += _appendix_c_cells(ev.request, people, audited["suppressed_workers"], row_values)
    table = table.drop(columns="men")
    ev.raw_tables["recruiters_appendix_c"] = table
    shown = table[~table["suppressed"]]
    if len(shown):
        # a recruiter is credited with every position of each case naming it: not summable (the headers say so);
        # people are columns only when worker records name recruiters (else there is nothing to count)
        people = ({"workers": ("col_workers", "int"), "women": ("col_women", "int")}
                  if has_worker_recruiters and "recruiters" not in ev.raw_tables else {})
        ev.tables["recruiters_appendix_c"] = TableSpec(shown, {
            "recruiter_name": ("col_recruiter", "text"), "recruiter_country": ("col_country", "country"),
            "locations": ("col_locations", "text"), "employers": ("col_employers", "int"),
            "positions": ("col_positions_credited", "int"), "expected_women": ("col_expected_credited", "int"),
            **people},
            "t_recruiters_appendix_c", notes=(("t_recruiters_appendix_c_note", {}),))


def _appendix_c_cells(req: Request, people: pd.DataFrame, hidden: pd.Series,
                      values: pd.Series) -> list[disclosure.Cell]:
    """The recruiter table's worker counts as relations of the audit: per row with workers, its
    women and men (None where hidden) over the worker-record recruiter names that row counts
    (``recruiters.worker_recruiter_ids``), in the scope's years, states and programs."""
    years, state, programs = tuple(req.fiscal_years), _states(req), tuple(req.programs)
    out = []
    for (_, row), hid, vals in zip(people.iterrows(), hidden.to_numpy(bool), values):
        if not isinstance(vals, tuple) or pd.isna(row["workers"]):
            continue
        for sex, n in (("F", row["women"]), ("M", row["men"])):
            out.append(disclosure.Cell(years, state, "recruiter", vals, sex, None if hid else int(n), programs))
    return out


def _trends(ev: Evidence, data: Dataset, bench, *, k, seed, n_bootstrap):
    """Per fiscal year: positions, women expected, shares of positions in occupations at least
    25% / 50% women, and segregation (M, H) of the expected counts, with partial years marked
    (``trends``, ``coverage``); the first-to-last change decomposed; per state in ``raw_tables``."""
    from toolkit import trends

    cov = data.coverage if {"partial", "months", "source_file"} <= set(data.coverage.columns) else None
    yearly = _months_covered(trends.yearly_positions(data.cases, bench, coverage=_coverage_rows(cov)), cov)
    yearly = yearly.assign(suppressed=False,  # positions are public DOL records
                           benchmark_year=yearly["fiscal_year"].map(data.request.benchmark_years).astype("Int64"))
    ev.raw_tables["trend_positions"] = yearly
    covered = {"months_covered": ("col_coverage", "text")} if "months_covered" in yearly else {}
    ev.tables["trend_positions"] = TableSpec(yearly, {
        "program": ("col_program", "text"), "fiscal_year": ("col_fiscal_year", "text"),
        **covered, "benchmark_year": ("col_benchmark_year", "text"),
        "positions": ("col_positions", "int"), "not_benchmarked": ("col_not_benchmarked", "int"),
        "expected_women": ("col_expected", "int"), "expected_share": ("col_benchmark", "pct"),
        "share_ge_25": ("col_share_ge_25", "pct"), "share_ge_50": ("col_share_ge_50", "pct")},
        "t_trend_positions", notes=(("t_trend_note", {}),))
    states = trends.yearly_positions(data.cases, bench, by=["program", "worksite_state"])
    ev.raw_tables["trend_states"] = states.assign(suppressed=False)
    seg = _months_covered(trends.yearly_segregation(data.cases, bench, coverage=_coverage_rows(cov),
                                                    n_bootstrap=max(2, n_bootstrap), seed=seed), cov)
    ev.raw_tables["trend_segregation"] = seg
    h = seg[seg["stat"] == "H"]
    if len(h):
        ev.tables["trend_segregation"] = TableSpec(h, {
            "program": ("col_program", "text"), "fiscal_year": ("col_fiscal_year", "text"),
            **covered, "est": ("col_h", "num3"), "ci_low": ("col_ci_low", "num3"),
            "ci_high": ("col_ci_high", "num3"), "occupations": ("col_occupations", "int")},
            "t_trend_segregation", notes=(("t_trend_segregation_note", {}),))
    ev.raw_tables["trend_change"] = trends.segregation_change(data.cases, bench, coverage=_coverage_rows(cov))


def _partial_years(cov) -> list[tuple[str, int]]:
    """(program, fiscal year) for each program-year in scope whose governing release is partial."""
    if cov is None or not len(cov) or "partial" not in cov:
        return []
    part = cov[cov["partial"].fillna(False).astype(bool)][["program", "fiscal_year"]].drop_duplicates()
    return [(str(p), int(y)) for p, y in part.sort_values(["program", "fiscal_year"]).itertuples(index=False)]


def _months_covered(table: pd.DataFrame, cov) -> pd.DataFrame:
    """Add ``months_covered`` ("2021-10/2021-12", ISO 8601 interval; "*" marks a partial year)."""
    if cov is None or not len(cov):
        return table
    label = cov.assign(months_covered=cov["first_month"] + "/" + cov["last_month"]
                       + np.where(cov["partial"].astype(bool), " *", ""))[["program", "fiscal_year", "months_covered"]]
    return table.merge(label.drop_duplicates(["program", "fiscal_year"]), on=["program", "fiscal_year"], how="left")


def _coverage_rows(cov):
    """The per-file coverage rows ``trends`` joins (``coverage.year_coverage`` input), or None."""
    if cov is None or not len(cov):
        return None
    return cov[["program", "fiscal_year", "source_file", "release", "partial", "months"]]

