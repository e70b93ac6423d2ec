"""The site's pages: Jinja2 templates (``toolkit/site/templates``) filled with the strings of
the one catalogue (``toolkit/locales``, ``i18n.t``) and the content of ``SitePages``.

``write_site(pages, out_dir)`` writes ``index.html`` (a language chooser) and, per language,
``<lang>/index.html``, ``about.html``, ``state/XX.html`` (the states of the publication),
``employers/``, ``employer/<slug>.html``, ``recruiters/`` and ``recruiter/<slug>.html``, plus
``assets/`` (style, script, search index). ``sections(scopes, ...)`` words each scope's evidence
(``present.view``) as the HTML fragment a state or area page shows. Tables keep numbers whole:
numeric cells are marked ``num`` (no wrapping; a wide table scrolls sideways on a phone).
"""
from __future__ import annotations

import html
import shutil
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jinja2
import pandas as pd

from toolkit import coverage as release_rules
from toolkit import i18n, present
from toolkit.directory import fold
from toolkit.site.content import SitePages
from toolkit.site.map import MAP_STATES, us_map_svg
from toolkit.site.search import entity_table, search_index, search_index_script, year_span

__all__ = ["write_site", "sections", "scope_fragments", "view_html", "table_html", "text", "DIRECTORY_PAGE_ROWS"]

#: Rows per directory page (keeps each page well under 100 KB).
DIRECTORY_PAGE_ROWS = 400

def text(key: str, lang: str, **values) -> str:
    """The ``key`` string in ``lang`` from the one catalogue (``toolkit/locales``), filled.

    Examples
    --------
    >>> text("nav_employers", "es")
    'Empleadores'
    """
    return i18n.t(key, lang, **values)


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    loader = jinja2.PackageLoader("toolkit.site", "templates")
    return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                              keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)


def _render(template: str, **values) -> str:
    return _env().get_template(template).render(**values)


_ES_STATE_NAMES = {"DC": "Distrito de Columbia", "HI": "Hawái", "LA": "Luisiana", "NC": "Carolina del Norte",
                   "ND": "Dakota del Norte", "NH": "Nuevo Hampshire", "NJ": "Nueva Jersey", "NM": "Nuevo México",
                   "NY": "Nueva York", "PA": "Pensilvania", "SC": "Carolina del Sur", "SD": "Dakota del Sur",
                   "VI": "Islas Vírgenes", "WV": "Virginia Occidental"}


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
    """An HTML table (``templates/table.html.j2``); cells are already-escaped HTML; columns in
    ``numeric`` align right and never wrap."""
    return _render("table.html.j2", headers=headers, rows=[list(r) for r in rows], numeric=set(numeric))


def table_html(frame: pd.DataFrame) -> str:
    """A display table (``present.display_table``: formatted strings) as HTML, escaped, each cell
    that reads as a number (``present.NUMBER``) marked ``num``."""
    cells = frame.astype("object").where(frame.notna(), "—").astype(str)
    numeric = present.numeric_columns(frame)
    rows = [[html.escape(v) for v in row] for row in cells.itertuples(index=False)]
    heads = [html.escape(str(c)) for c in frame.columns]
    return _render("table.html.j2", headers=heads, rows=rows, numeric={i for i, n in enumerate(numeric) if n},
                   extra_class="evidence-table")


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


def _years_text(years: list[int], partial: Iterable[int] = ()) -> str:
    """"2015–2019", "2013, 2015"; a partial year is followed by "*" (its note says what it holds):
    "2019–2021 (2021*)"."""
    if not years:
        return ""
    if years == list(range(years[0], years[-1] + 1)):
        out = year_span(years).replace("-", "–")
    else:
        out = ", ".join(map(str, years))
    marked = [y for y in years if y in set(partial)]
    if not marked:
        return out
    if len(years) == 1:
        return out + "*"
    return out + " (" + ", ".join(f"{y}*" for y in marked) + ")"


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
        self.partial: dict = {}
        for (program, year), r in self.releases.items():
            if r["partial"]:
                self.partial.setdefault(program, set()).add(year)
        self.frame = {"lang": lang, "other": other, "synthetic": pages.synthetic,
                      "site_title": text("site_title", lang), "switch_to": text("switch_to", lang),
                      "synthetic_banner": text("synthetic_banner", lang), "about": text("nav_about", lang),
                      "rule": text("disclosure_rule", lang, k=pages.k, hidden=text("cell_hidden", lang)),
                      "provenance_line": text("provenance_line", lang, source=source, years=_years_text(prov["years"]),
                                              version=prov.get("version", ""), commit=prov.get("commit", "")),
                      "nav": [(text(key, lang), href) for key, href in (
                          ("home", "index.html"), ("nav_states", "index.html#states"),
                          ("nav_employers", "employers/index.html"), ("nav_recruiters", "recruiters/index.html"),
                          ("nav_about", "about.html"))]}

    # ---- page frame
    def page(self, path: str, title: str, body: str, *, search: bool = False) -> None:
        depth = path.count("/")
        up = "../" * depth             # to the language folder
        top = "../" * (depth + 1)      # to the site root
        if search:
            # the index (MBs for the national data) loads when the search box is first used, not with every page
            body = self.search_box(up) + body
        doc = _render("page.html.j2", **self.frame, path=path, up=up, top=top, title=title, body=body, search=search)
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(doc, encoding="utf-8")
        self.written.append(target)

    def years(self, years: list[int], programs: Iterable[str]) -> str:
        """``_years_text`` with the partial years of ``programs`` marked "*"."""
        partial: set = set()
        for program in programs:
            partial |= self.partial.get(program, set())
        return _years_text(list(years), partial)

    def partial_note(self, years: list[int], programs: Iterable[str]) -> str:
        """The sentence under a summary whose years hold a partial one ("" otherwise)."""
        marked = [y for y in years if any(y in self.partial.get(p, set()) for p in programs)]
        if not marked:
            return ""
        labels = [release_rules.coverage_label(self.releases[(p, y)], self.lang) for y in marked for p in programs
                  if (p, y) in self.releases and self.releases[(p, y)]["partial"]]
        return (f'<p class="note">{_e(text("partial_year_note", self.lang, years=", ".join(map(str, marked))))} '
                f'{_e("; ".join(dict.fromkeys(labels)))}</p>')

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
        pages = self.state_pages()
        names = {s: _state_name(s, lang) for s in sorted(set(MAP_STATES) | set(pages))}
        svg = us_map_svg(names=names, title=text("map_title", lang), description=text("map_desc", lang),
                         linked=pages)
        states = "".join(f'<li><a href="state/{s}.html">{_e(names[s])}</a></li>'
                         for s in sorted(pages, key=lambda s: fold(names[s])))
        national = p.sections.get(("US", lang), "").replace("{top}", "../")
        if p.area:  # the request names states: the area's section says which, never "national"
            area = ", ".join(_state_name(s, lang) for s in p.area)
            title = text("area_title", lang, states=area)
        else:
            title = text("national_title", lang)
        absent = ""
        if p.absent:
            held = ", ".join(f"{prog} FY{year}" for prog, year in p.absent)
            absent = f'<p class="note absent">{_e(text("site_absent", lang, absent=held))}</p>'
        body = (f'<h2>{_e(title)}</h2>{absent}{table}{national}'
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
                f'<p>{_e(text("disclosure_rule", lang, k=p.k, hidden=text("cell_hidden", lang)))}</p>{self.worker_box("employer")}'
                f'<h2>{_e(text("provenance_title", lang))}</h2><h3>{_e(text("provenance_files", lang))}</h3>'
                f'<ul class="files">{files or "<li>" + _e(text("none", lang)) + "</li>"}</ul>'
                f'<p>{_e(text("site_command", lang))}</p><pre>{_e(prov.get("command", ""))}</pre>')
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
        programs = [x for x in str(row["programs"]).split(", ") if x]
        summary = text("employer_summary", lang, states=row["states"] or "—", cases=_int(row["cases"], lang),
                       years=self.years(row["years"], programs), positions=_int(row["positions_certified"], lang))
        parts = [f'<p class="lead">{_e(summary)}</p>', self.partial_note(row["years"], programs)]
        others = [n for n in row["names"].split("; ") if n != row["name"]]
        if others:
            parts.append(f'<p>{_e(text("employer_also", lang))}: {_e("; ".join(others[:10]))}</p>')
        parts.append(self.worker_box("employer"))
        pos = self.positions.get(eid, [])
        if pos:
            rows = [(self.years([int(r["fiscal_year"])], [r["program"]]), _e(r["program"]), _e(self.occupation(r["soc_code"], r["soc_title"])),
                     _int(r["positions_certified"], lang), _wage(r["wage_median"], r["wage_min"], r["wage_max"], lang))
                    for r in pos]
            parts.append(f'<h2>{_e(text("employer_positions", lang))}</h2>' + _table(
                [text(k, lang) for k in ("col_year", "col_program", "col_occupation", "col_positions", "col_wage")],
                rows, numeric=(0, 3)))
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
        partial = row.get("partial_years") or []
        summary = text("recruiter_summary", lang, places=row["places"] or "—", cases=_int(row["cases"], lang),
                       years=_years_text(row["years"], partial) or "—", employers=_int(row["employers"], lang))
        parts = [f'<p class="lead">{_e(summary)}</p>']
        if partial:
            parts.append(f'<p class="note">{_e(text("partial_year_note", lang, years=", ".join(map(str, partial))))}'
                         f'</p>')
        parts.append(self.worker_box("recruiter"))
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

    def state_pages(self) -> list[str]:
        """The states that get a page: those of the publication (``SitePages.states``), else every
        state of the map and of the data."""
        if self.p.states is not None:
            return sorted(self.p.states)
        return sorted(set(MAP_STATES) | set(self.p.by_state["worksite_state"].dropna()))

    def all(self) -> list[Path]:
        lang, p = self.lang, self.p
        self.index()
        self.about()
        for code in self.state_pages():
            self.state(code)
        emp = p.employers.employers
        self.directory("employer", emp, lambda r: (f'<a href="../employer/{r.slug}.html">{_e(r.name)}</a>',
                                                   _e(r.states), self.years(r.years, r.programs.split(", ")),
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
                                                       else r.places),
                                                    _years_text(r.years, getattr(r, "partial_years", None) or []),
                                                    _int(r.employers, lang)),
                       [text(k, lang) for k in ("col_name", "col_place", "col_years", "col_employers")], intro)
        for row in _records(rec):
            self.recruiter(row)
        return self.written


def _chooser(langs: list[str], synthetic: bool) -> str:
    return _render("chooser.html.j2", titles=[text("site_title", lang) for lang in langs],
                   banners=[(lang, text("synthetic_banner", lang)) for lang in langs] if synthetic else [],
                   links=[(lang, f'{text("site_title", lang)} ({text("lang_name", lang)})') for lang in langs])


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


def view_html(view: dict, *, program: str, pdf: str | None, command: str | None = None) -> str:
    """One program's evidence (``present.view``) as an HTML fragment: findings, tables, notes.

    Figures are left to the PDF of the same evidence: drawn for every state they would cost
    seconds per page and hundreds of KB; the page links the PDF instead (a site built without
    PDFs gives the ``h2gender report`` command that prints it). ``{top}`` in a link is
    replaced by the page's path to the site root.
    """
    findings = "".join(f"<h4>{_e(f['title'])}</h4><p>{_e(f['text'])}</p>" for f in view["findings"])
    tables = "".join(f"<h4>{_e(t['title'])}</h4>" + table_html(t["frame"]) + f"<p class=\"note\">{_e(t['note'])}</p>"
                     for t in view["tables"])
    if pdf:
        link = f'<p><a href="{{top}}{_e(pdf)}">{_e(text("state_pdf", view["lang"]))}</a></p>'
    elif command:  # a site built without --pdf: the command that prints the same evidence
        link = f'<p class="note">{_e(text("state_pdf_command", view["lang"]))} <code>{_e(command)}</code></p>'
    else:
        link = ""
    return (f'<section class="evidence"><h3>{_e(program)}: {_e(view["scope"])}</h3>{findings}{tables}'
            f'<p class="note">{_e(view["suppression_note"])}</p>{link}</section>')


def scope_fragments(ev, *, langs: tuple[str, ...], pdf_dir: str | Path | None = None) -> dict[str, str]:
    """One scope's evidence as the HTML fragment of each language (``present.view``, figures left
    to the PDF); with ``pdf_dir`` also printed there (``report.render``) and linked. Pure given its
    arguments, so ``publication.build(prepare=...)`` runs it in the pool that builds the scope."""
    from toolkit import present, report

    # empty tables are left out: present.display_table fails on a table with no rows
    shown = replace(ev, figures={}, tables={name: spec for name, spec in ev.tables.items() if len(spec.data)})
    out = {}
    for lang in langs:
        pdf = None
        if pdf_dir is not None:
            path = report.render(ev, lang=lang, fmt="pdf", out=pdf_dir)[0]
            pdf = f"{Path(pdf_dir).name}/{path.name}"
        program = ev.request.program_label if len(ev.request.programs) == 1 else ""
        out[lang] = view_html(present.view(shown, lang), program=program, pdf=pdf, command=ev.request.command(lang))
    return out


def sections(pub, *, pdf_dir: str | Path | None = None, progress: bool = False) -> dict[tuple[str, str], str]:
    """The evidence of every scope of a site ``Publication``, per language, as HTML fragments
    keyed by (state code, or "US" for the request's area, lang), programs one after the other.

    Uses what ``scope_fragments`` made of each scope in the publication's pool
    (``Publication.prepared``), else words it here. A state section of a publication with worker
    records says that their evidence is on the area page only (``publication`` says why).
    """
    from tqdm.auto import tqdm

    out: dict[tuple[str, str], list[str]] = {}
    done: dict[int, dict[str, str]] = {}
    for scope in tqdm(pub.scopes, desc="pages", unit="scope", disable=not progress):
        ev = scope.evidence
        fragments = pub.prepared.get(scope.key)
        if fragments is None:
            if id(ev) not in done:
                done[id(ev)] = scope_fragments(ev, langs=pub.request.langs, pdf_dir=pdf_dir)
            fragments = done[id(ev)]
        for lang in pub.request.langs:
            fragment = fragments[lang]
            if scope.state and pub.request.workers_path is not None and scope.request.workers_path is None:
                fragment = f'<p class="note">{_e(text("state_workers_national_only", lang))}</p>' + fragment
            out.setdefault((scope.state or "US", lang), []).append(fragment)
    return {key: "".join(parts) for key, parts in out.items()}
