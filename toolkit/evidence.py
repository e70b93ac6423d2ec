"""Assemble the evidence a report carries: findings in plain words, tables, figures, provenance.

``build_evidence`` composes the library (``analysis``, ``segregation``, ``discrimination``,
``language``, ``benchmarks``, ``figures``, ``geo``); it computes nothing of its own beyond
formatting. Every number from worker records goes through ``toolkit.disclosure`` (primary and
complementary suppression with k, default 10; sentences with bands; a scope whose women or men
are below k publishes nothing from the records); public DOL counts are shown as they are. Evidence built from synthetic data says so.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit import __version__, analysis, benchmarks, disclosure, discrimination, i18n, language, schema, segregation

__all__ = ["Evidence", "build_evidence", "load_data", "git_commit", "command_line", "TOP_ROWS"]


@dataclass
class Evidence:
    params: dict
    synthetic: bool
    findings: list[dict] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    table_notes: dict[str, str] = field(default_factory=dict)
    table_titles: dict[str, str] = field(default_factory=dict)
    figure_titles: dict[str, str] = field(default_factory=dict)
    figures: dict[str, object] = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    raw_tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def git_commit() -> str:
    root = Path(__file__).resolve().parents[1]
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                             text=True, timeout=5)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def command_line(params: dict, files: list[dict] = ()) -> str:
    """The ``h2gender report`` command that reproduces a report with ``params`` (user worker files
    by name, as listed in the provenance)."""
    parts = ["h2gender report", f"--program {params['program']}", f"--fy {params['fiscal_year']}"]
    if params.get("state"):
        parts.append(f"--state {params['state']}")
    parts += [f"--lang {params['lang']}", f"--data {params['data']}", f"--k {params['k']}"]
    if params.get("data") == "synthetic":
        parts.append(f"--seed {params['seed']}")
    parts += [f"--workers {f['file']}" for f in files if f.get("role") == "role_workers"]
    parts += [f"--mapping {f['file']}" for f in files if f.get("role") == "role_mapping"]
    return " ".join(parts)


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_data(data: str, program: str, fiscal_year: int, *, state: str | None = None, seed: int = 2019,
              workers_path: str | Path | None = None, mapping: str | Path | dict | None = None):
    """(cases, workers or None, provenance files) for ``data`` = "synthetic" or "store".

    ``workers_path`` (with a ``mapping`` for its column names, see ``toolkit.workers``) adds worker
    records the user holds (survey, FOIA extract, case files); they replace the synthetic workers.
    Records of another program or fiscal year are left out; records without a stage are treated
    as admitted workers (visa holders), the usual content of such files.
    """
    if data not in ("synthetic", "store"):
        raise ValueError(f"data must be one of ['synthetic', 'store'], got {data!r}")
    programs = schema.PROGRAMS if program == "all" else (program,)
    if program != "all" and program not in schema.PROGRAMS:
        raise ValueError(f"program must be one of ['H-2A', 'H-2B', 'all'], got {program!r}")
    files = []
    if data == "synthetic":
        from toolkit import synth

        d = synth.generate(seed=seed, fiscal_years=(fiscal_year,), programs=programs)
        cases, workers = d.cases, d.workers
        src = resources.files("toolkit").joinpath("synth.py").read_bytes()
        files.append({"file": "toolkit/synth.py", "sha256": _sha256_bytes(src), "role": "role_generator"})
        params = json.dumps(d.truth.get("params", {}), sort_keys=True, default=str).encode("utf-8")
        files.append({"file": f"synth.generate(seed={seed}, fiscal_years=({fiscal_year},), "
                              f"programs={tuple(programs)}).truth['params']", "sha256": _sha256_bytes(params),
                      "role": "role_params"})
    else:
        from toolkit import store

        parts = [store.load_cases(p, [fiscal_year]) for p in programs]
        cases = pd.concat(parts, ignore_index=True)
        workers = None
        for sha, entry in sorted(store.manifest().items(), key=lambda kv: kv[1]["source_file"]):
            if any(f"{p} {fiscal_year}" in entry.get("partitions", []) for p in programs):
                files.append({"file": entry["source_file"], "sha256": sha, "role": "role_dol"})
    if workers_path is not None:
        records = _user_workers(Path(workers_path), mapping, programs, fiscal_year, state)
        workers = records.table
        acc = records.accounting
        # the file's name and checksum only: its folder on the user's machine is never published
        files.append({"file": acc.source_file, "sha256": acc.sha256, "role": "role_workers",
                      "accounting": acc.as_dict()})
        if mapping is not None and not isinstance(mapping, dict):
            from toolkit.checksum import sha256_file

            files.append({"file": Path(mapping).name, "sha256": sha256_file(mapping), "role": "role_mapping"})
    table = resources.files("toolkit").joinpath("data", benchmarks.SHIPPED_TABLE).read_bytes()
    files.append({"file": f"toolkit/data/{benchmarks.SHIPPED_TABLE}", "sha256": _sha256_bytes(table),
                  "role": "role_benchmark"})
    if state:
        if not (cases["worksite_state"] == state).any():
            from toolkit.errors import DataValidationError

            label = "H-2A or H-2B" if program == "all" else program
            raise DataValidationError(f"no {label} cases with worksite state {state!r} in FY{fiscal_year}; states "
                                      f"present: {', '.join(sorted(cases['worksite_state'].dropna().unique())[:60])}")
        cases = schema.mark_synthetic(cases[cases["worksite_state"] == state].reset_index(drop=True), cases)
        if workers is not None and workers_path is None:
            workers = schema.mark_synthetic(workers[workers["worksite_state"] == state].reset_index(drop=True), workers)
    return cases, workers, files


def _user_workers(path: Path, mapping, programs, fiscal_year, state=None):
    """The user's worker records of the request, accounted (``workers.WorkerRecords``); no row
    left is an error. Rows without a stage are admitted workers (visa holders)."""
    from dataclasses import replace

    from toolkit import workers as wk

    records = wk.in_scope(wk.read_worker_records(path, mapping), programs=programs, fiscal_year=fiscal_year,
                          state=state)
    table = records.table.copy()
    table["stage"] = table["stage"].fillna("admitted")
    return replace(records, table=table)


def _finding(key: str, lang: str, measure: str, value, ci=None, *, text_key: str | None = None,
             title_key: str | None = None, **values) -> dict:
    """One finding: its title and sentence in ``lang`` plus the number behind it (``measure``,
    ``value``, ``ci`` as [low, high] or None) for readers and ``h2gender analyze``."""
    num = lambda v: None if v is None or pd.isna(v) else float(v)  # noqa: E731
    text = i18n.t(text_key or f"finding_{key}", lang, **values)
    return {"key": key, "title": i18n.t(title_key or f"finding_{key}_title", lang),
            "text": text[:1].upper() + text[1:], "measure": measure, "value": num(value),
            "ci": None if ci is None else [num(ci[0]), num(ci[1])]}


def build_evidence(cases: pd.DataFrame, workers: pd.DataFrame | None, *, program: str, fiscal_year: int,
                   state: str | None = None, lang: str = "en", k: int = disclosure.K_DEFAULT,
                   benchmark_year: int = 2022, seed: int = 2019, data: str = "synthetic",
                   files: list[dict] | None = None, n_bootstrap: int = 200) -> Evidence:
    """Findings, tables, figures and provenance for one program x year (x state) in ``lang``.

    Parameters
    ----------
    cases : canonical case table (``schema.CASE_COLUMNS``), e.g. from ``load_data``.
    workers : canonical worker table (``schema.WORKER_COLUMNS``) or None. Without it (DOL files
        record no sex) the findings are the women expected from the occupational benchmark, any
        published share for the program and year, where the jobs are, and job-order language.
    program, fiscal_year, state : the scope, as shown in the report.
    lang : "en" or "es": every title, sentence, table header and figure label.
    k : counts of people below k are hidden in every table, map and sentence, with complements
        (``toolkit.disclosure``); a scope with fewer than k women or men shows nothing from the records.
    benchmark_year : year of the BLS CPS Table 11 benchmark (``benchmarks.women_share_by_soc``).
    seed : seed of the synthetic data (shown in the provenance) and of the bootstraps.
    data : "synthetic" or "store", for the provenance.
    files : the input files with their sha256 (from ``load_data``).
    n_bootstrap : replicates for the segregation interval (the wage decomposition uses at most 100).

    Returns
    -------
    Evidence
        ``findings``: dicts with ``key``, ``title``, ``text`` (the sentence in ``lang``),
        ``measure``, ``value`` and ``ci`` ([low, high] or None); ``tables`` (display, formatted,
        suppressed) and ``raw_tables`` (numeric, suppressed); ``figures`` (matplotlib);
        ``provenance`` (toolkit version, git commit, date, parameters, files).

    Notes
    -----
    The statistics fit many small least-squares problems; they run with one BLAS thread
    (``threadpoolctl``), which is fastest for them and avoids oversubscribing a shared machine.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _build(cases, workers, program=program, fiscal_year=fiscal_year, state=state, lang=lang, k=k,
                      benchmark_year=benchmark_year, seed=seed, data=data, files=files, n_bootstrap=n_bootstrap)


def _build(cases, workers, *, program, fiscal_year, state, lang, k, benchmark_year, seed, data, files, n_bootstrap):
    i18n.check_lang(lang)
    synthetic = schema.is_synthetic(cases)
    ev = Evidence(params={"program": program, "fiscal_year": fiscal_year, "state": state, "lang": lang, "k": k,
                          "data": data, "seed": seed, "benchmark_year": benchmark_year}, synthetic=synthetic)
    bench = benchmarks.women_share_by_soc(benchmark_year)
    titles = _english_titles(bench, cases)
    from toolkit import figures

    source = figures.source_line(synthetic, lang=lang, seed=seed, benchmark_year=benchmark_year)
    occ_name = lambda code: i18n.soc_title(code, titles.get(code), lang, mark_english=True)  # noqa: E731

    accounting = next((f["accounting"] for f in files or [] if f.get("role") == "role_workers"), None)
    admitted = workers[workers["stage"] == "admitted"] if workers is not None else None
    allowed = admitted is not None and disclosure.scope_allows((admitted["sex"] == "F").sum(),
                                                               (admitted["sex"] == "M").sum(), k=k)
    if workers is not None and len(workers) and allowed:
        worker_source = source
        if accounting is not None:  # figures built from the user's records credit them, not the DOL files
            worker_source = i18n.t("source_workers", lang, file=accounting["source_file"],
                                   population=i18n.t(f"population_{accounting['population'].replace(' ', '_')}", lang),
                                   year=benchmark_year)
        _worker_findings(ev, cases, workers, bench, occ_name, lang=lang, k=k, seed=seed, source=worker_source,
                         n_bootstrap=n_bootstrap, synthetic=synthetic)
    else:
        if workers is not None:  # fewer than k women or men: nothing from the records is published
            ev.findings.append(_finding("workers_refused", lang, "workers_refused", None, k=k))
        _case_only_findings(ev, cases, bench, occ_name, lang=lang, k=k, program=program, fiscal_year=fiscal_year,
                            source=source, synthetic=synthetic)
    _joborder_finding(ev, cases, lang=lang, k=k, source=source, synthetic=synthetic)
    _limit_rows(ev, lang)
    order = ["occupations", "shortfall", "states", "origin", "selection", "wages", "joborders"]
    ev.figures = {name: ev.figures[name] for name in sorted(ev.figures, key=order.index)}
    ev.figure_titles = {name: fig.axes[0].get_title() for name, fig in ev.figures.items()}  # alt text
    ev.provenance = {
        "version": __version__, "commit": git_commit(), "command": command_line(ev.params, files or []),
        "rendered": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "planted": _planted(cases.attrs.get("truth"), lang) if synthetic else None,
        "parameters": dict(ev.params), "files": files or [], "workers": accounting,
    }
    return ev


#: Rows shown per table in a report (the largest first); ``h2gender analyze`` writes every row.
TOP_ROWS = 25


def _english_titles(bench: pd.DataFrame, cases: pd.DataFrame) -> pd.Series:
    """SOC code -> official English title: the benchmark's, else the most frequent title in the cases."""
    titles = bench.drop_duplicates("soc_code").set_index("soc_code")["soc_title"].dropna()
    if "soc_title" in cases:
        named = cases.dropna(subset=["soc_code", "soc_title"])
        from_cases = named.groupby("soc_code", observed=True)["soc_title"].agg(lambda s: s.mode().iloc[0])
        titles = titles.combine_first(from_cases.str.strip().str.capitalize())
    return titles


def _limit_rows(ev: Evidence, lang: str) -> None:
    """Keep the first ``TOP_ROWS`` rows of each display table, say so, and explain English titles."""
    for key, table in ev.tables.items():
        notes = [ev.table_notes[key]] if key in ev.table_notes else []
        if len(table) > TOP_ROWS:
            notes.append(i18n.t("t_top_rows", lang, n=TOP_ROWS, total=i18n.fmt_int(len(table), lang)))
            ev.tables[key] = table.head(TOP_ROWS)
        occupation = i18n.t("col_occupation", lang)
        if occupation in table and ev.tables[key][occupation].str.endswith(i18n.ENGLISH_MARK).any():
            notes.append(i18n.t("t_english_titles", lang))
        if notes:
            ev.table_notes[key] = " ".join(notes)


def _visible(table: pd.DataFrame) -> pd.DataFrame:
    return table[~table["suppressed"].astype(bool)]


def _worker_findings(ev, cases, workers, bench, occ_name, *, lang, k, seed, source, n_bootstrap, synthetic):
    """Findings, tables and figures from worker records; every number through ``toolkit.disclosure``."""
    from toolkit import figures, geo

    admitted = workers[workers["stage"] == "admitted"]
    # 1. shortfall against the occupational benchmark
    ov = analysis.observed_vs_expected(workers, cases, bench, by=["soc_code"]).dropna(subset=["women_share"])
    total, women = int(ov["total"].sum()), int(ov["women"].sum())
    expected_share = float(ov["expected_women"].sum() / total)
    se = float(np.sqrt((ov["total"] ** 2 * ov["women_share_se"].fillna(0) ** 2).sum()) / total)
    a = discrimination.availability(women, total, expected_share, expected_share_se=se).iloc[0]
    ev.findings.append(_finding(
        "shortfall", lang, "women_share", a["observed_share"], (a["ci_low"], a["ci_high"]),
        share=i18n.fmt_percent(a["observed_share"], lang), total=disclosure.band(total, k=k, lang=lang),
        lo=i18n.fmt_percent(a["ci_low"], lang), hi=i18n.fmt_percent(a["ci_high"], lang),
        expected=disclosure.band(a["expected"], k=k, lang=lang),
        shortfall=disclosure.band(a["shortfall"], k=k, lang=lang),
        sd=i18n.fmt_number(a["sd"], lang), p=_p(a["p_value"], lang)))
    ev.raw_tables["availability"] = disclosure.protect_table("availability", pd.DataFrame([a]), k=k)

    # 2. channelling and segregation
    ct = analysis.channelling_table(workers, bench, by=["soc_code"])
    occ = ct.assign(occupation=ct["soc_code"].map(occ_name), shortfall=ct["expected_women"] - ct["women"])
    occ_s = disclosure.protect_table("occupations", occ.sort_values("total", ascending=False, ignore_index=True), k=k)
    counts = analysis.worker_counts(workers, ["soc_code"])
    h = segregation.mutual_total(counts, "sex", "soc_code", "n", se=True, n_bootstrap=n_bootstrap, seed=seed)
    exp = analysis.expected_counts(cases, bench, by=["soc_code"]).dropna(subset=["n"])
    h_exp = segregation.mutual_total(exp, "sex", "soc_code", "n").loc["H", "est"]
    # the sentence names an occupation only when its row is published, and its share of women and
    # of all workers leaves no small rest (disclosure.share_allowed)
    shown = ct.merge(_visible(occ_s)[["soc_code"]], on="soc_code")
    shown = shown[[disclosure.share_allowed(w, t, k=k) and disclosure.share_allowed(w, women, k=k)
                   for w, t in zip(shown["women"], shown["total"])]].sort_values("women", ascending=False)
    if len(shown):
        top = shown.iloc[0]
        ev.findings.append(_finding(
            "channelling", lang, "theil_h", h.loc["H", "est"], (h.loc["H", "ci_low"], h.loc["H", "ci_high"]),
            occupation=i18n.t("quote", lang, text=occ_name(top["soc_code"])),
            women=disclosure.band(top["women"], k=k, lang=lang),
            share_f=i18n.fmt_percent(top["women"] / women, lang, 0),
            share_all=i18n.fmt_percent(top["total"] / total, lang, 0),
            obs=i18n.fmt_percent(top["women_share_observed"], lang), bench=i18n.fmt_percent(top["women_share"], lang),
            h_obs=i18n.fmt_number(h.loc["H", "est"], lang, 3), h_lo=i18n.fmt_number(h.loc["H", "ci_low"], lang, 3),
            h_hi=i18n.fmt_number(h.loc["H", "ci_high"], lang, 3), h_exp=i18n.fmt_number(h_exp, lang, 3)))
    ev.raw_tables["segregation"] = disclosure.protect_table("segregation", h.reset_index(), k=k)

    # 3. selection: the four cells (women and men, selected and rejected) must all be publishable
    sel = workers.dropna(subset=["selected", "case_number"])
    if sel["selected"].astype(bool).nunique() == 2 and set(sel["sex"].dropna()) >= {"F", "M"}:
        ai = discrimination.adverse_impact(sel[sel["sex"].isin(["F", "M"])], "sex", "selected", reference="M")
        ai_s = disclosure.protect_table("adverse_impact", ai, k=k)
        if not ai_s["suppressed"].any():
            f = ai.set_index("group").loc["F"]
            m = ai.set_index("group").loc["M"]
            mh = discrimination.cmh(sel, "sex", "selected", "case_number").loc["odds_ratio_mh"]
            ev.findings.append(_finding(
                "selection", lang, "impact_ratio", f["impact_ratio"], (f["ci_low"], f["ci_high"]),
                rate_f=i18n.fmt_percent(f["rate"], lang), rate_m=i18n.fmt_percent(m["rate"], lang),
                ratio=i18n.fmt_number(f["impact_ratio"], lang, 2), lo=i18n.fmt_number(f["ci_low"], lang, 2),
                hi=i18n.fmt_number(f["ci_high"], lang, 2),
                fourfifths=i18n.t("fourfifths_yes" if f["four_fifths_flag"] else "fourfifths_no", lang),
                **{"or": i18n.fmt_number(mh["est"], lang, 2)}, or_lo=i18n.fmt_number(mh["ci_low"], lang, 2),
                or_hi=i18n.fmt_number(mh["ci_high"], lang, 2)))
            ev.figures["selection"] = figures.selection_figure(ai, lang=lang, synthetic=synthetic, source=source)
        ev.raw_tables["adverse_impact"] = ai_s

    # 4. wages
    paid = admitted.dropna(subset=["wage_hourly"])
    if (paid["sex"] == "F").sum() >= k and (paid["sex"] == "M").sum() >= k:
        wg = discrimination.wage_gap(paid, n_bootstrap=min(n_bootstrap, 100), seed=seed)
        pct = lambda x: 1 - np.exp(-x)  # noqa: E731  log gap (men - women) -> share women earn less
        u = wg.loc["unexplained"]
        ev.findings.append(_finding(
            "wages", lang, "unexplained_wage_gap", pct(u["est"]), (pct(u["ci_low"]), pct(u["ci_high"])),
            title_key="finding_wage_title", text_key="finding_wage",
            gap=i18n.fmt_percent(pct(wg.loc["gap", "est"]), lang), unexplained=i18n.fmt_percent(pct(u["est"]), lang),
            lo=i18n.fmt_percent(pct(u["ci_low"]), lang), hi=i18n.fmt_percent(pct(u["ci_high"]), lang)))
        ev.figures["wages"] = figures.wage_gap_figure(wg, lang=lang, synthetic=synthetic, source=source)
        ev.raw_tables["wage_gap"] = disclosure.protect_table("wage_gap", wg.reset_index(), k=k)

    # tables: occupations, states, employers, recruiters (one margin each; protect_table audits them)
    ev.raw_tables["occupations"] = occ_s
    ev.tables["occupations"] = _present(occ_s, {
        "soc_code": "col_soc", "occupation": "col_occupation", "total": "col_workers", "women": "col_women",
        "women_share_observed": ("col_women_share", "pct"), "women_share": ("col_benchmark", "pct"),
        "expected_women": ("col_expected", "int"), "shortfall": ("col_shortfall", "int")}, lang)
    ev.figures["occupations"] = figures.occupations_figure(occ_s, lang=lang, synthetic=synthetic, source=source)
    per_occ = discrimination.availability("women", "total", "women_share", by="soc_code",
                                          data=ct.dropna(subset=["women_share"]))
    per_occ = per_occ[per_occ["soc_code"] != "all"][["soc_code", "expected_share", "ci_low", "ci_high"]]
    per_occ = per_occ[per_occ["soc_code"].isin(_visible(occ_s)["soc_code"])]  # intervals of published rows only
    ev.figures["shortfall"] = figures.shortfall_figure(occ_s.merge(per_occ, on="soc_code"), lang=lang,
                                                       synthetic=synthetic, source=source)

    st = analysis.observed_vs_expected(workers, cases, bench, by=["worksite_state", "soc_code"])
    st = st.groupby("worksite_state", observed=True)[["women", "total", "expected_women"]].sum().reset_index()
    st["women_share_observed"] = st["women"] / st["total"]
    st["shortfall"] = st["expected_women"] - st["women"]
    st["missing_per_100"] = 100 * st["shortfall"] / st["total"]
    st_s = disclosure.protect_table("states", st.sort_values("total", ascending=False, ignore_index=True), k=k)
    ev.raw_tables["states"] = st_s
    ev.tables["states"] = _present(st_s, {
        "worksite_state": "col_state", "total": "col_workers", "women": "col_women",
        "women_share_observed": ("col_women_share", "pct"), "expected_women": ("col_expected", "int"),
        "shortfall": ("col_shortfall", "int")}, lang)
    shapes = geo.us_states_for_map().merge(st_s, left_on="state", right_on="worksite_state", how="left")
    ev.figures["states"] = _map(shapes, "missing_per_100", "fig_states", "axis_missing", lang=lang, k=k,
                                synthetic=synthetic, source=source)

    origin = admitted[(admitted["sex"] == "F") & admitted["origin_state"].notna()]
    oc = origin.groupby("origin_state").size().rename("women").reset_index()
    shown_counts = disclosure.map_values(oc["women"], k=k)
    oc_s = oc.assign(women=shown_counts.to_numpy(), suppressed=shown_counts.isna().to_numpy())
    mx = geo.mexico_states().merge(oc_s, left_on="state_code", right_on="origin_state", how="left")
    ev.figures["origin"] = _map(mx, "women", "fig_origin", "axis_count", lang=lang, k=k, synthetic=synthetic,
                                source=source, cmap="magma_r")

    for entity, key, col in (("employer_name", "employers", "col_employer"), ("recruiter", "recruiters", "col_recruiter")):
        if workers[entity].dropna().nunique() < 2:
            continue  # the records do not name employers (or recruiters)
        per = analysis.observed_vs_expected(workers, cases, bench, by=[entity, "soc_code"])
        per = per.groupby(entity, observed=True)[["women", "total", "expected_women"]].sum().reset_index()
        per["expected_share"] = per["expected_women"] / per["total"]
        scr = discrimination.screen_entities(per, entity, k=k)
        # entities with fewer than k workers are never listed; the audit counts them as hidden rows
        scr = disclosure.protect_table(key, scr, k=k, shown=(scr["total"] >= k).to_numpy())
        ev.raw_tables[key] = scr
        ev.tables[key] = _present(scr.head(10), {
            "rank": "col_rank", entity: col, "total": "col_workers", "women": "col_women",
            "observed_share": ("col_women_share", "pct"), "shrunk_share": ("col_shrunk", "pct"),
            "expected_share": ("col_benchmark", "pct"), "q_value": ("col_q", "num3"),
            "credible": ("col_credible", "bool")}, lang)
        ev.table_notes[key] = i18n.t("t_employers_note", lang)


def _case_only_findings(ev, cases, bench, occ_name, *, lang, k, program, fiscal_year, source, synthetic):
    exp = analysis.expected_counts(cases, bench, by=["soc_code"])
    positions = int(cases.loc[~cases["is_duplicate"].fillna(False).astype(bool), "workers_certified"].sum())
    ew = float(exp.loc[exp["sex"] == "F", "n"].sum())
    pub = benchmarks.published_shares()
    row = pub[(pub["program"] == program) & (pub["fiscal_year"] == fiscal_year)] if program != "all" else pub.iloc[0:0]
    if len(row) and positions:
        r = row.iloc[0]
        a = discrimination.availability_from_published(float(r["women_share"]), positions, ew / positions).iloc[0]
        ev.findings.append(_finding(
            "shortfall", lang, "published_women_share", r["women_share"], title_key="finding_published_title",
            text_key="finding_published", share=i18n.fmt_percent(r["women_share"], lang, 0), program=program,
            year=fiscal_year, citation=str(r["citation"]).split("(")[0].strip(), positions=i18n.fmt_int(positions, lang),
            expected=i18n.fmt_int(a["expected"], lang), shortfall=i18n.fmt_int(a["shortfall"], lang),
            sd=i18n.fmt_number(a["sd"], lang)))
    else:
        ev.findings.append(_finding(
            "shortfall", lang, "expected_women_share", ew / positions if positions else None,
            text_key="finding_expected_only", positions=i18n.fmt_int(positions, lang), expected=i18n.fmt_int(ew, lang),
            expected_share=i18n.fmt_percent(ew / positions if positions else np.nan, lang)))
    from toolkit import figures, geo

    occ = _positions_table(cases, bench, ["soc_code"], k)
    occ["occupation"] = occ["soc_code"].map(occ_name)
    occ["women_share"] = occ["soc_code"].map(bench.drop_duplicates("soc_code").set_index("soc_code")["women_share"])
    ev.raw_tables["occupations"] = occ
    top = occ[~occ["suppressed"]].head(3)
    if len(top) and positions:
        top_states = _positions_table(cases, bench, ["worksite_state"], k)
        top_states = top_states[~top_states["suppressed"]].head(3)
        ev.findings.append(_finding(
            "concentration", lang, "top3_positions_share", top["positions"].sum() / positions,
            occupations=_join([i18n.t("quote", lang, text=occ_name(c)) for c in top["soc_code"]], lang),
            share=i18n.fmt_percent(top["positions"].sum() / positions, lang, 0), positions=i18n.fmt_int(positions, lang),
            bench=i18n.fmt_percent((top["expected_women"].sum() / top["positions"].sum()), lang, 0),
            states=_join(top_states["worksite_state"].tolist(), lang),
            state_share=i18n.fmt_percent(top_states["positions"].sum() / positions, lang, 0)))
    ev.figures["occupations"] = figures.occupations_figure(
        occ.assign(women_share_observed=float("nan")), lang=lang, synthetic=synthetic, source=source)
    ev.tables["occupations"] = _present(occ, {
        "soc_code": "col_soc", "occupation": "col_occupation", "positions": "col_positions",
        "women_share": ("col_benchmark", "pct"), "expected_women": ("col_expected", "int")}, lang)
    by_state = _positions_table(cases, bench, ["worksite_state"], k)
    ev.raw_tables["states"] = by_state
    ev.tables["states"] = _present(by_state, {
        "worksite_state": "col_state", "positions": "col_positions", "expected_women": ("col_expected", "int"),
        "expected_share": ("col_benchmark", "pct")}, lang)
    shapes = geo.us_states_for_map().merge(by_state, left_on="state", right_on="worksite_state", how="left")
    ev.figures["states"] = _map(shapes, "positions", "fig_positions", "axis_positions", lang=lang, k=k,
                                synthetic=synthetic, source=source)
    employers = _positions_table(cases, bench, ["employer_name"], k)
    employers = employers[~employers["suppressed"]].head(10)
    if len(employers):
        ev.raw_tables["employers"] = employers
        ev.tables["employers"] = _present(employers, {
            "employer_name": "col_employer", "positions": "col_positions", "expected_women": ("col_expected", "int"),
            "expected_share": ("col_benchmark", "pct")}, lang)
        ev.table_notes["employers"] = i18n.t("t_employers_positions_note", lang)
    ev.table_titles.update(states=i18n.t("t_states_positions", lang), employers=i18n.t("t_employers_positions", lang))


def _positions_table(cases: pd.DataFrame, bench: pd.DataFrame, by: list[str], k: int) -> pd.DataFrame:
    """Certified positions by ``by`` with the women expected from the benchmark, largest first
    (rows with no certified position left out). Positions are public records: nothing is hidden.

    expected_share = expected women / positions in occupations with a benchmark share.
    """
    pos = analysis.certified_positions(cases, by)
    pos = pos[pos["positions"] > 0]
    exp = analysis.expected_counts(cases, bench, by=list(dict.fromkeys([*by, "soc_code"])))
    women = exp[exp["sex"] == "F"].assign(covered=lambda d: d["positions"].where(d["n"].notna()))
    women = women.groupby(by, observed=True).agg(expected_women=("n", "sum"), covered=("covered", "sum")).reset_index()
    out = pos.merge(women, on=by, how="left")
    out["expected_share"] = (out["expected_women"] / out["covered"].where(out["covered"] > 0)).astype(float)
    out = out.drop(columns="covered").sort_values(["positions", *by], ascending=[False] + [True] * len(by),
                                                  ignore_index=True)
    del k  # certified positions are public DOL records, not people: shown as they are (toolkit.disclosure)
    return out.assign(suppressed=False)


def _join(items: list[str], lang: str) -> str:
    """"a, b and c" / "a, b y c"."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + i18n.t("word_and", lang) + items[-1]


def _planted(truth: dict | None, lang: str) -> str | None:
    """The effects planted in synthetic data, in words: what the findings should recover."""
    if not truth:
        return None
    shares = _join([f"{p} {i18n.fmt_percent(v, lang, 0)}" for p, v in sorted(truth["women_share"].items())], lang)
    penalty = truth["wage_penalty_log"]
    return i18n.t("provenance_planted", lang, shares=shares, odds=i18n.fmt_number(truth["selection_odds_ratio"], lang, 2),
                  wage=i18n.fmt_number(penalty, lang, 2), wage_pct=i18n.fmt_percent(1 - np.exp(penalty), lang),
                  orders=i18n.fmt_int(len(truth.get("sex_preference_cases", [])), lang))


def _joborder_finding(ev, cases, *, lang, k, source, synthetic):
    from toolkit import figures

    scan = language.scan_job_orders(cases, by="program", k=k)
    orders = int(pd.to_numeric(scan["job_orders"], errors="coerce").sum())
    flagged = int(pd.to_numeric(scan["flagged"], errors="coerce").fillna(0).sum())
    with_text = int(pd.to_numeric(scan["with_text"], errors="coerce").fillna(0).sum())
    text = cases[["job_title", "requirements_text"]].astype("string").fillna("").agg(" ".join, axis=1)
    found = language.detect_sex_preference(text)
    coverage = ("" if with_text == orders else
                i18n.t("joborders_titles_only", lang) if with_text == 0 else
                i18n.t("joborders_some_text", lang, with_text=i18n.fmt_int(with_text, lang)))
    perf = language.rules_performance("blind")
    precision = perf["precision"].min()
    precision_clause = (i18n.t("joborders_precision_all", lang) if precision == 1 else
                        i18n.t("joborders_precision_some", lang, precision_low=i18n.fmt_percent(precision, lang, 0)))
    rules_note = coverage + i18n.t("joborders_rules_note", lang, n=i18n.fmt_int(int(perf["n"].sum()), lang),
                                   recall_low=i18n.fmt_percent(perf["recall"].min(), lang, 0),
                                   recall_high=i18n.fmt_percent(perf["recall"].max(), lang, 0),
                                   precision_clause=precision_clause)
    example = str(cases.loc[found["flag"].to_numpy(), "requirements_text"].dropna().head(1).str.slice(0, 100).squeeze()) \
        .rstrip(".") if flagged else ""
    if flagged:
        from statsmodels.stats.proportion import proportion_confint

        # job orders are public DOL records, not people: their counts are shown as they are
        ci = proportion_confint(flagged, orders, method="wilson")
        ev.findings.append(_finding(
            "joborders", lang, "flagged_share", flagged / orders, ci,
            flagged=i18n.fmt_int(flagged, lang), orders=i18n.fmt_int(orders, lang),
            rate=i18n.fmt_percent(flagged / orders, lang), example=example, rules_note=rules_note))
    else:
        ev.findings.append(_finding("joborders", lang, "flagged_share", 0.0, text_key="finding_joborders_none",
                                    orders=i18n.fmt_int(orders, lang), rules_note=rules_note))
    ev.figures["joborders"] = figures.joborders_figure(scan, lang=lang, synthetic=synthetic, source=source)


def _map(gdf, column, title_key, legend_key, *, lang, k, synthetic, source, cmap="viridis"):
    """A choropleth labelled in ``lang``, suppressed areas hatched; returns the figure."""
    from toolkit import geo

    ax = geo.choropleth(gdf, column, lang=lang, k=k, title=i18n.t(title_key, lang),
                        legend_label=i18n.t(legend_key, lang), cmap=cmap, source=source, synthetic=synthetic)
    return ax.figure


def _p(p, lang):
    return "< 0.001" if p < 0.001 else i18n.fmt_number(p, lang, 3)


def _present(df: pd.DataFrame, columns: dict, lang: str) -> pd.DataFrame:
    """Display table: chosen columns, formatted for ``lang``, headers translated, NA as '—'."""
    out = pd.DataFrame(index=df.index)
    for col, spec in columns.items():
        key, kind = (spec, "int") if isinstance(spec, str) else spec
        values = df[col]
        if col in ("soc_code", "occupation", "worksite_state", "employer_name", "recruiter"):
            out[i18n.t(key, lang)] = values.astype("string").fillna("—")
            continue
        if kind == "pct":
            f = lambda v: i18n.fmt_percent(v, lang)  # noqa: E731
        elif kind == "num3":
            f = lambda v: i18n.fmt_number(v, lang, 3)  # noqa: E731
        elif kind == "bool":
            f = lambda v: "—" if pd.isna(v) else i18n.t("word_yes" if v else "word_no", lang)  # noqa: E731
        else:
            f = lambda v: i18n.fmt_int(v, lang)  # noqa: E731
        out[i18n.t(key, lang)] = [("—" if pd.isna(v) else f(v)) for v in values]
    return out.reset_index(drop=True)
