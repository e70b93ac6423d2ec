"""Presentation: the evidence in words, formatted numbers and pictures, in English or Spanish.

``toolkit.evidence`` returns language-free values; this module is the one place that turns them
into text (``toolkit.i18n`` strings and Babel number formats), display tables and matplotlib
figures. ``view(evidence, lang)`` gathers everything a report page lays out; renderers
(``toolkit.report``) only place it.

Counts of people in sentences (kind "count") below k read "fewer than k"; display tables show
the first ``TOP_ROWS`` rows and say so; occupation titles left in English in a Spanish text are
marked and explained.

Examples
--------
>>> format_value(("count", 3), "en", k=10)
'fewer than 10'
>>> format_value(("pct", 0.031), "es", k=10)
'3.1%'
>>> format_value(("t", "fewer_than", {"k": ("int", 5)}), "es", k=10)
'menos de 5'
"""
from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from toolkit import claims, coverage, i18n
from toolkit.evidence import Evidence, FigureSpec, Finding, TableSpec

__all__ = ["format_value", "finding_text", "occupation_namer", "display_table", "draw_figure", "figure_png",
           "planted_text", "source_line", "workers_line", "view", "TOP_ROWS", "NUMBER", "numeric_columns",
           "figure_has_values"]

#: Rows shown per table in a report (the largest first); ``h2gender analyze`` writes every row.
TOP_ROWS = 25


#: A cell that reads as a number once formatted ("14,393", "35,19 %", "$12.50", "< 0.001", "2015*",
#: "—"): renderers right-align such cells and never break them across lines.
NUMBER = re.compile(r"^\s*(?:[<>≤≥~≈±−+-]\s*)?\$?\s*[\d.,\u00a0\u202f ]*\d[\d.,\u00a0\u202f ]*\s*%?\s*\*?$"
                    r"|^\s*[—–-]\s*$")

#: What each kind of figure draws: the column whose values make the picture.
_FIGURE_VALUES = {"occupations": "women_share", "shortfall": "shortfall", "selection": "applicants",
                  "wages": "est", "joborders": "rate"}
_FIGURE_TITLES = {"occupations": "fig_occupations", "shortfall": "fig_shortfall", "selection": "fig_selection",
                  "wages": "fig_wages", "joborders": "fig_joborders"}


def numeric_columns(frame: pd.DataFrame) -> list[bool]:
    """For each column of a display table (formatted strings), whether every cell reads as a
    number (``NUMBER``).

    >>> numeric_columns(pd.DataFrame({"a": ["TX", "GA"], "b": ["14,393", "—"], "c": ["35,19 %", "< 0.001"]}))
    [False, True, True]
    """
    shown = frame.notna().to_numpy()
    values = frame.to_numpy(dtype=object)
    return [bool(len(frame)) and all(NUMBER.match(str(v) if ok else "—") for v, ok in zip(values[:, j], shown[:, j]))
            for j in range(frame.shape[1])]


def figure_has_values(spec: FigureSpec) -> bool:
    """Whether a figure would show anything: some non-missing, non-zero value in the column it
    draws (an empty chart is omitted and a sentence says so instead)."""
    col = spec.options.get("column") if spec.kind in ("us_map", "mexico_map") else _FIGURE_VALUES.get(spec.kind)
    if col is None or col not in spec.data or not len(spec.data):
        return col is None and len(spec.data) > 0
    values = pd.to_numeric(spec.data[col], errors="coerce")
    return bool(values.notna().any() and (values.fillna(0) != 0).any())


def occupation_namer(soc_titles: dict[str, str], lang: str) -> Callable[[str], str]:
    """SOC code -> occupation title in ``lang`` (``i18n.soc_title``, English titles marked in Spanish)."""
    return lambda code: i18n.soc_title(code, soc_titles.get(code), lang, mark_english=True)


def _join(items: list[str], lang: str) -> str:
    """"a, b and c" / "a, b y c"."""
    items = [str(i) for i in items]
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + i18n.t("word_and", lang) + items[-1]


def format_value(spec: tuple, lang: str, *, k: int, occ_name: Callable[[str], str] | None = None) -> str:
    """One value of a sentence, from its spec ``(kind, value, ...)`` (see ``evidence.Finding``)."""
    kind, value = spec[0], spec[1]
    occ_name = occ_name or (lambda code: code)
    if kind == "int":
        return i18n.fmt_int(value, lang)
    if kind == "count":
        return i18n.t("fewer_than", lang, k=k) if 0 < value < k else i18n.fmt_int(value, lang)
    if kind == "pct":
        return i18n.fmt_percent(np.nan if value is None else value, lang, spec[2] if len(spec) > 2 else 1)
    if kind == "num":
        return i18n.fmt_number(value, lang, spec[2] if len(spec) > 2 else 1)
    if kind == "p":
        return "< 0.001" if value < 0.001 else i18n.fmt_number(value, lang, 3)
    if kind == "occ":
        return i18n.t("quote", lang, text=occ_name(value))
    if kind == "occs":
        return _join([i18n.t("quote", lang, text=occ_name(c)) for c in value], lang)
    if kind == "org":  # an organisation's name, in the reader's language where the locale has it
        return i18n.strings(lang).get("organisations", {}).get(value, value)
    if kind == "fys":  # (program, fiscal year) pairs: "H-2A FY2022" / "H-2A año fiscal 2022"
        return _join([i18n.t("program_fiscal_year", lang, program=p, year=y) for p, y in value], lang)
    if kind == "list":
        return _join(list(value), lang)
    if kind == "text":
        return str(value)
    if kind == "t":
        sub = spec[2] if len(spec) > 2 else {}
        return i18n.t(value, lang, **{n: format_value(s, lang, k=k, occ_name=occ_name) for n, s in sub.items()})
    if kind == "concat":
        return "".join(format_value(s, lang, k=k, occ_name=occ_name) for s in value)
    raise ValueError(f"unknown value kind {kind!r} in {spec!r}")


def finding_text(finding: Finding, lang: str, *, k: int, occ_name: Callable[[str], str] | None = None
                 ) -> tuple[str, str]:
    """(title, sentence) of a finding in ``lang``; the sentence starts with a capital."""
    values = {n: format_value(s, lang, k=k, occ_name=occ_name) for n, s in finding.values.items()}
    text = i18n.t(finding.text_key, lang, **values)
    if finding.caveat is not None:
        text = f"{text} {format_value(finding.caveat, lang, k=k, occ_name=occ_name)}"
    return i18n.t(finding.title_key, lang), text[:1].upper() + text[1:]


#: Columns of people that a ``suppressed_workers`` flag hides (the rest of the row is public).
_WORKER_COLUMNS = ("workers", "women", "men")


def _cell(kind: str, value, lang: str, occ_name, *, hidden: bool = False) -> str:
    """One formatted cell; a missing value reads "hidden" (``cell_hidden``) when disclosure control
    removed it and "—" when there is nothing to count (no records), never the same mark for both."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return i18n.t("cell_hidden", lang) if hidden else "—"
    if kind == "text":
        return str(value)
    if kind == "occ":
        return occ_name(str(value))
    if kind == "country":  # one country, or several joined with "; " (a recruiter in more than one)
        return "; ".join(i18n.country_name(part.strip(), lang) for part in str(value).split(";") if part.strip())
    if kind == "basis":  # where a benchmark share comes from (evidence._benchmark_basis)
        if not value:
            return i18n.t("basis_detailed", lang)
        lines = [part.split(" | ") for part in str(value).split(" || ") if part.count(" | ") == 2]
        # each locale names a borrowed line its own way (``basis_line_form``): the BLS title in
        # English, the Census code in Spanish (the BLS publishes its titles in English only)
        key = f"basis_line_{i18n.t('basis_line_form', lang)}"
        return i18n.t("basis_borrowed", lang, line="; ".join(
            i18n.t(key, lang, title=title, codes=codes or "—", year=year) for title, codes, year in lines))
    if kind == "pct":
        return i18n.fmt_percent(value, lang)
    if kind == "num3":
        return i18n.fmt_number(value, lang, 3)
    if kind == "bool":
        return i18n.t("word_yes" if value else "word_no", lang)
    return i18n.fmt_int(value, lang)


def display_table(spec: TableSpec, lang: str, *, occ_name, top: int = TOP_ROWS, k: int = 10
                  ) -> tuple[str, pd.DataFrame, str]:
    """(title, formatted table with translated headers, note) for a report; the first ``top`` rows."""
    data = spec.data
    rows = data.iloc[:top]
    row_hidden = (rows["suppressed"].fillna(False).astype(bool).to_numpy() if "suppressed" in rows
                  else np.zeros(len(rows), dtype=bool))
    people_hidden = (rows["suppressed_workers"].fillna(False).astype(bool).to_numpy() if "suppressed_workers" in rows
                     else np.zeros(len(rows), dtype=bool))
    marks = set()
    columns: dict[str, list[str]] = {}  # one frame made at the end (a column added at a time costs ms each)
    for col, (header, kind) in spec.columns.items():
        source = "soc_code" if kind == "occ" and col not in data else col
        hidden = row_hidden | people_hidden if col in _WORKER_COLUMNS else row_hidden
        cells = [_cell(kind, v, lang, occ_name, hidden=kind != "text" and bool(h))
                 for v, h in zip(rows[source], hidden)]
        marks.update(c for c in cells if c in ("—", i18n.t("cell_hidden", lang)))
        columns[i18n.t(header, lang)] = cells
    out = pd.DataFrame(columns, index=data.index[:top], dtype=object) if columns else pd.DataFrame(index=data.index[:top])
    notes = [i18n.t(key, lang, **{n: format_value(s, lang, k=0) for n, s in values.items()})
             for key, values in spec.notes]
    if marks:  # the legend of both marks wherever either appears
        notes.append(i18n.t("t_marks_legend", lang, hidden=i18n.t("cell_hidden", lang), k=k))
    if len(data) > top:
        notes.append(i18n.t("t_top_rows", lang, n=top, total=i18n.fmt_int(len(data), lang)))
    occupation = i18n.t("col_occupation", lang)
    if occupation in out and out[occupation].astype("string").str.endswith(i18n.ENGLISH_MARK).fillna(False).any():
        notes.append(i18n.t("t_english_titles", lang))
    return i18n.t(spec.title_key, lang), out.reset_index(drop=True), " ".join(notes)


def source_line(ev: Evidence, lang: str, *, of: str = "cases") -> str:
    """The source line under a figure; ``of="workers"`` credits the user's worker records (a figure
    built from them), else the DOL files (or the synthetic generator)."""
    from toolkit import figures

    acc = ev.provenance.get("accounting", {}).get("workers")
    if of == "workers" and acc:
        return i18n.t("source_workers", lang, file=acc["source_file"], year=ev.request.benchmark_label,
                      population=i18n.t(f"population_{acc['population'].replace(' ', '_')}", lang))
    return figures.source_line(ev.synthetic, lang=lang, seed=ev.request.seed,
                               benchmark_year=ev.request.benchmark_label)


def workers_line(accounting: dict, lang: str) -> str:
    """The worker-record accounting in words: rows read, used, rejected by reason, out of scope."""
    rejected = accounting.get("rows_rejected", {})
    reasons = ", ".join(f"{why} {i18n.fmt_int(n, lang)}" for why, n in sorted(rejected.items())) or "—"
    return i18n.t("provenance_workers", lang, file=accounting["source_file"],
                  population=i18n.t(f"population_{accounting['population'].replace(' ', '_')}", lang),
                  read=i18n.fmt_int(accounting["rows_read"], lang), kept=i18n.fmt_int(accounting["rows_kept"], lang),
                  rejected=i18n.fmt_int(sum(rejected.values()), lang), reasons=reasons,
                  out=i18n.fmt_int(sum(accounting.get("rows_out_of_scope", {}).values()), lang))


def draw_figure(spec: FigureSpec, lang: str, *, synthetic: bool, source: str, k: int, occ_name):
    """The matplotlib figure for ``spec`` in ``lang``."""
    from toolkit import figures, geo

    data = spec.data
    if "soc_code" in data and "occupation" not in data:
        data = data.assign(occupation=data["soc_code"].map(occ_name))
    common = {"lang": lang, "synthetic": synthetic, "source": source}
    if spec.kind in ("us_map", "mexico_map"):
        o = spec.options
        shapes = (geo.us_states_for_map(geo.FIGURE_TOLERANCE).merge(data, left_on="state", right_on=data.columns[0], how="left")
                  if spec.kind == "us_map" else
                  geo.mexico_states().merge(data, left_on="state_code", right_on=data.columns[0], how="left"))
        ax = geo.choropleth(shapes, o["column"], k=k, title=i18n.t(o["title"], lang),
                            legend_label=i18n.t(o["legend"], lang), cmap=o.get("cmap", "viridis"), **common)
        return ax.figure
    draw = {"occupations": figures.occupations_figure, "shortfall": figures.shortfall_figure,
            "selection": figures.selection_figure, "wages": figures.wage_gap_figure,
            "joborders": figures.joborders_figure}
    if spec.kind not in draw:
        raise ValueError(f"unknown figure kind {spec.kind!r}; known: {sorted([*draw, 'us_map', 'mexico_map'])}")
    return draw[spec.kind](data, **common)


def figure_png(fig, dpi: int = 110) -> str:
    """The figure as a base64 PNG (for an HTML ``img``); the figure is closed."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def planted_text(truth: dict | None, lang: str) -> str | None:
    """The effects planted in synthetic data, in words: what the findings should recover."""
    if not truth:
        return None
    shares = _join([f"{p} {i18n.fmt_percent(v, lang, 0)}" for p, v in sorted(truth["women_share"].items())], lang)
    penalty = truth["wage_penalty_log"]
    return i18n.t("provenance_planted", lang, shares=shares, odds=i18n.fmt_number(truth["selection_odds_ratio"], lang, 2),
                  wage=i18n.fmt_number(penalty, lang, 2), wage_pct=i18n.fmt_percent(1 - np.exp(penalty), lang),
                  orders=i18n.fmt_int(len(truth.get("sex_preference_cases", [])), lang))


def view(ev: Evidence, lang: str) -> dict:
    """Everything a report page shows, in ``lang``, as plain strings and tables.

    Keys: ``lang``, ``title``, ``scope``, ``synthetic``, ``synthetic_note``, ``suppression_note``,
    ``findings`` (title, text), ``figures`` (name, alt, png; a figure with nothing to draw is
    left out and ``figures_omitted`` says so in a sentence), ``tables`` (title, frame, note),
    ``methods`` (markdown), ``provenance`` (version, commit, rendered, parameters, planted,
    command, files frame), ``caveats`` (coverage sentences: partial years, extracts, years absent),
    ``levels`` (finding, heading, basis: what each finding rests on), and the section headings ``h``.
    The title follows the strongest evidence level (``claims.title_key``).
    """
    import matplotlib.pyplot as plt

    i18n.check_lang(lang)
    req, k = ev.request, ev.k
    occ_name = occupation_namer(ev.soc_titles, lang)
    program = i18n.t("all_programs", lang) if req.program_label == "all" else req.program_label
    data = i18n.t("data_synthetic", lang, seed=req.seed) if ev.synthetic else i18n.t("data_store", lang)
    source = source_line(ev, lang)
    figures, omitted = [], []
    for name, spec in ev.figures.items():
        if not figure_has_values(spec):
            title = spec.options.get("title") or _FIGURE_TITLES.get(spec.kind, "h_figures")
            omitted.append(i18n.t("figure_omitted", lang, title=i18n.t(title, lang)))
            continue
        credit = source_line(ev, lang, of="workers") if spec.options.get("source") == "workers" else source
        fig = draw_figure(spec, lang, synthetic=ev.synthetic, source=credit, k=k, occ_name=occ_name)
        alt = fig.axes[0].get_title() if fig.axes else name
        figures.append({"name": name, "alt": alt, "png": figure_png(fig)})
    plt.close("all")
    tables = []
    for spec in ev.tables.values():
        title, frame, note = display_table(spec, lang, occ_name=occ_name, k=k)
        tables.append({"title": title, "frame": frame, "note": note})
    prov = ev.provenance
    levels = ev.levels if len(ev.levels) else None
    title_key = claims.title_key(levels) if levels is not None else "report_title"
    cov = pd.DataFrame(prov.get("coverage") or [])
    caveats = ([] if ev.synthetic or "partial" not in cov else
               coverage.caveats(cov, lang, programs=req.programs, fiscal_years=req.fiscal_years))
    files = pd.DataFrame([{i18n.t("col_file", lang): f["file"], i18n.t("col_sha256", lang): f["sha256"],
                           i18n.t("col_role", lang): i18n.t(f["role"], lang)} for f in prov["files"]])
    params = ", ".join(f"{key}={'—' if v is None else v}" for key, v in prov["parameters"].items())
    return {
        "lang": lang,
        "title": i18n.t(title_key, lang, program=program),
        "caveats": caveats,
        "levels": [] if levels is None else [
            {"finding": i18n.t(f"claims_finding_{r['finding']}", lang), "heading": claims.heading(r["level"], lang),
             "basis": claims.basis_text(r["basis"], lang)} for r in levels.to_dict("records")],
        "scope": i18n.t("scope", lang, program=program, fy=req.years_label,
                        state=req.states_label or i18n.t("all_states", lang), data=data),
        "synthetic": ev.synthetic,
        "synthetic_banner": i18n.t("synthetic_banner", lang),
        "synthetic_note": i18n.t("synthetic_note", lang),
        "suppression_note": i18n.t("suppression_note", lang, k=k, k_minus_1=k - 1, hidden=i18n.t("cell_hidden", lang)),
        "findings": [{"title": title.rstrip("."), "text": text}
                     for title, text in (finding_text(f, lang, k=k, occ_name=occ_name) for f in ev.findings)],
        "figures": figures,
        "figures_omitted": omitted,
        "tables": tables,
        "methods": "\n\n".join(i18n.t(key, lang, **{n: format_value(v, lang, k=k) for n, v in values.items()})
                                for key, values in ev.methods) or i18n.t("methods", lang),
        "provenance": {
            "version": i18n.t("provenance_version", lang, version=prov["version"], commit=prov["commit"]),
            "rendered": i18n.t("provenance_rendered", lang, date=prov["rendered"]),
            "parameters": i18n.t("provenance_parameters", lang, params=params),
            "planted": planted_text(prov.get("truth"), lang) if ev.synthetic else None,
            "workers": (workers_line(prov["accounting"]["workers"], lang)
                        if prov.get("accounting", {}).get("workers") else None),
            "command_label": i18n.t("provenance_command", lang),
            "command": req.command(lang),
            "files_label": i18n.t("provenance_files", lang),
            "files": files,
        },
        "h": {key: i18n.t(f"h_{key}", lang) for key in ("findings", "figures", "tables", "methods", "provenance",
                                                           "levels", "coverage")},
    }
