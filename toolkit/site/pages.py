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

import shutil
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd
from markupsafe import Markup

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


def _missing(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and x != x)


def _int(x, lang: str) -> str:
    return "—" if _missing(x) else _fmt_int(int(x), lang)


@lru_cache(maxsize=65536)
def _fmt_int(x: int, lang: str) -> str:
    return i18n.fmt_int(x, lang)


@lru_cache(maxsize=65536)
def _fmt_money(x: float, lang: str) -> str:
    return "$" + i18n.fmt_number(x, lang, 2)


def _money(x, lang: str) -> str:
    return "—" if _missing(x) else _fmt_money(round(float(x), 2), lang)


def _wage(median, low, high, lang: str) -> str:
    """"$14.70 ($12.00–$15.10)"; one value when the range is a single wage; "—" when unknown."""
    if _missing(median):
        return "—"
    if _money(low, lang) == _money(high, lang):
        return _money(median, lang)
    return f"{_money(median, lang)} ({_money(low, lang)}–{_money(high, lang)})"


def _years_text(years, partial: Iterable[int] = ()) -> str:
    """"2015–2019", "2013, 2015"; a partial year is followed by "*" (its note says what it holds):
    "2019–2021 (2021*)"."""
    years = list(years)
    if not years:
        return ""
    if years == list(range(years[0], years[-1] + 1)):
        out = year_span(years).replace("-", "–")
    else:
        out = ", ".join(map(str, years))
    partial = set(partial)
    marked = [y for y in years if y in partial]
    if not marked:
        return out
    if len(years) == 1:
        return out + "*"
    return out + " (" + ", ".join(f"{y}*" for y in marked) + ")"


class _Catalogue:
    """``t(key, [lang], **values)`` for the templates: the catalogue's string in the template's
    language (or ``lang``), filled; unfilled strings are looked up once."""

    def __init__(self, lang: str):
        self.lang = lang
        self.plain = {k: str(v) for k, v in i18n.strings(lang).items() if not isinstance(v, dict)}

    def __call__(self, key: str, lang: str | None = None, /, **values) -> str:
        if lang is not None and lang != self.lang:
            return i18n.t(key, lang, **values)
        if key not in self.plain:
            return i18n.t(key, self.lang)  # the catalogue's KeyError, naming key and file
        return self.plain[key].format(**values) if values else self.plain[key]


def _finalize(value):
    """What a template prints for a missing value: nothing (never "None" or "nan")."""
    if value.__class__ is str or value.__class__ is Markup:
        return value
    return "" if _missing(value) else value


@lru_cache(maxsize=None)
def _env(lang: str) -> jinja2.Environment:
    """The site's templates in ``lang``, compiled once per process: ``t`` and the number filters
    are bound to the language, so a page renders from plain values."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("toolkit.site", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=True,
                             lstrip_blocks=True, finalize=_finalize, auto_reload=False)
    env.globals["t"] = _Catalogue(lang)
    env.filters.update({
        "num": lambda x: _int(x, lang),
        "round_num": lambda x: _int(round(x), lang),
        "money": lambda x: _money(x, lang),
        "wage": lambda median, low, high: _wage(median, low, high, lang),
        "percent": lambda x: i18n.fmt_percent(x, lang, 1),
        "years": _years_text,
    })
    env.tests["missing"] = _missing
    env.globals["m"] = env.get_template("macros.html.j2").module  # the site's macros, built once
    return env


def _render(template: str, lang: str, **values) -> str:
    return _env(lang).get_template(template).render(**values)


def _records(df: pd.DataFrame) -> list[dict]:
    """Rows as plain dicts of Python values, as ``to_dict("records")`` gives them (a missing value
    of a pandas extension column is None, NaN stays NaN; the templates print nothing), read a
    column at a time."""
    columns = list(df.columns)
    return [dict(zip(columns, row)) for row in zip(*(_column(df.iloc[:, j]) for j in range(len(columns))))]


def _column(s: pd.Series) -> list:
    """A column's values as ``to_dict("records")`` gives them: those of an object or extension
    column boxed as Python values (pandas' NA as None), numpy columns' already so."""
    values = s.tolist()
    if s.dtype == object or isinstance(s.dtype, pd.api.extensions.ExtensionDtype):
        return [_native(v) for v in values]
    return values


def _native(v):
    if v is pd.NA:
        return None
    if isinstance(v, (np.datetime64, np.timedelta64)):
        return pd.Timestamp(v) if isinstance(v, np.datetime64) else pd.Timedelta(v)
    if isinstance(v, np.generic):
        return v.item()
    return v


def _groups(df: pd.DataFrame, key: str) -> dict:
    """key -> list of row dicts, in the frame's order."""
    out: dict = {}
    for rec in _records(df):
        out.setdefault(rec[key], []).append(rec)
    return out


def _frame_table(frame: pd.DataFrame) -> dict:
    """A display table (``present.display_table``: formatted strings) as the template's values:
    headers, rows (missing as "—") and which columns read as numbers (``present.NUMBER``)."""
    shown = frame.notna().to_numpy()
    rows = [[str(v) if ok else "—" for v, ok in zip(values, oks)]
            for values, oks in zip(frame.to_numpy(dtype=object), shown)]
    numeric = present.numeric_columns(frame)
    return {"headers": [str(c) for c in frame.columns], "rows": rows, "numeric": {i for i, n in enumerate(numeric) if n}}


def table_html(frame: pd.DataFrame, lang: str = "en") -> str:
    """A display table (``present.display_table``) as HTML (``macros.html.j2``, ``frame_table``):
    escaped, each cell that reads as a number marked ``num``."""
    tb = _frame_table(frame)
    return str(_env(lang).globals["m"].frame_table(tb["headers"], tb["rows"], tb["numeric"]))


_ES_STATE_NAMES = {"DC": "Distrito de Columbia", "HI": "Hawái", "LA": "Luisiana", "NC": "Carolina del Norte",
                   "ND": "Dakota del Norte", "NH": "Nuevo Hampshire", "NJ": "Nueva Jersey", "NM": "Nuevo México",
                   "NY": "Nueva York", "PA": "Pensilvania", "SC": "Carolina del Sur", "SD": "Dakota del Sur",
                   "VI": "Islas Vírgenes", "WV": "Virginia Occidental"}


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


def _initials(name: str) -> str:
    return fold(name)[:3]


class _Writer:
    """Lays out one language of the site (paths are relative to ``<out>/<lang>/``): each page is
    a template (``templates/<page>.html.j2``) given plain values."""

    def __init__(self, pages: SitePages, lang: str, root: Path, other: str | None):
        self.p, self.lang, self.root, self.other = pages, lang, root, other
        self.env = _env(lang)
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
        source = "source_synthetic" if pages.synthetic else "source_store"
        self.caveats: dict[frozenset, list[str]] = {}
        self.labels: dict[tuple, str] = {}
        self.partial: dict = {}
        for (program, year), r in self.releases.items():
            if r["partial"]:
                self.partial.setdefault(program, set()).add(year)
        # the frame's words are the same on every page of a language: looked up once
        self.frame = {"lang": lang, "other": other, "synthetic": pages.synthetic, "k": pages.k,
                      "site_title": text("site_title", lang), "switch_to": text("switch_to", lang),
                      "synthetic_banner": text("synthetic_banner", lang), "about": text("nav_about", lang),
                      "rule": text("disclosure_rule", lang, k=pages.k, hidden=text("cell_hidden", lang)),
                      "provenance_line": text("provenance_line", lang, source=text(source, lang),
                                              years=_years_text(prov["years"]), version=prov.get("version", ""),
                                              commit=prov.get("commit", "")),
                      "nav": [(text(key, lang), href) for key, href in (
                          ("home", "index.html"), ("nav_states", "index.html#states"),
                          ("nav_employers", "employers/index.html"), ("nav_recruiters", "recruiters/index.html"),
                          ("nav_about", "about.html"))]}
        # the same on every page of a kind: rendered once per language
        self.frame["worker_box"] = {kind: self.env.globals["m"].worker_box(kind) for kind in ("employer", "recruiter")}

    # ---- page frame
    def page(self, template: str, path: str, *, search: bool = False, **values) -> None:
        depth = path.count("/")
        # the search index (MBs for the national data) loads when the search box is first used
        doc = self.env.get_template(template).render(**self.frame, path=path, up="../" * depth,
                                                     top="../" * (depth + 1), search=search, **values)
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(doc, encoding="utf-8")
        self.written.append(target)

    def partial_of(self, programs: Iterable[str]) -> set:
        """The partial fiscal years of ``programs``."""
        out: set = set()
        for program in programs:
            out |= self.partial.get(program, set())
        return out

    def partial_note(self, years: list[int], programs: list[str]) -> dict:
        """The partial years of a summary and the labels of their releases (none: no note)."""
        marked = [y for y in years if any(y in self.partial.get(p, set()) for p in programs)]
        labels = [self.label(p, y) for y in marked for p in programs
                  if (p, y) in self.releases and self.releases[(p, y)]["partial"]]
        return {"marked": marked, "labels": list(dict.fromkeys(labels))}

    def label(self, program: str, year: int) -> str:
        """``coverage.coverage_label`` of a program-year's release, worded once per language."""
        if (program, year) not in self.labels:
            self.labels[(program, year)] = release_rules.coverage_label(self.releases[(program, year)], self.lang)
        return self.labels[(program, year)]

    def months(self, program: str, year) -> str:
        """The release and months of a program-year ("Q1 release: October 2021 to December 2021 *"
        for a partial year), or "" without release data."""
        r = self.releases.get((program, int(year)))
        if r is None:
            return ""
        return self.label(program, int(year)) + (" *" if r["partial"] else "")

    def year_table(self, table: pd.DataFrame) -> dict:
        """A table by program x fiscal year (cases, positions, employers) as values: with the
        months each year covers when the releases are known, and the caveats of partial years."""
        known = bool(self.releases)
        rows = [{**r, "months": self.months(r["program"], r["fiscal_year"]) if known else ""}
                for r in _records(table)]
        notes: list[str] = []
        if known:  # the caveats of the same program-years are written once per language
            held = frozenset(zip(table["program"], table["fiscal_year"].astype(int)))
            if held not in self.caveats:
                rel = self.p.releases
                index = pd.MultiIndex.from_arrays([table["program"], table["fiscal_year"].astype(int)])
                mine = rel[pd.MultiIndex.from_arrays([rel["program"], rel["fiscal_year"].astype(int)]).isin(index)]
                self.caveats[held] = release_rules.caveats(mine, self.lang) if len(mine) else []
            notes = list(self.caveats[held])
        return {"known": known, "rows": rows, "notes": notes}

    def occupation(self, code, title) -> str:
        return i18n.soc_title(code, title if isinstance(title, str) else None, self.lang) if code else "—"

    # ---- pages
    def index(self) -> None:
        lang, p = self.lang, self.p
        pages = self.state_pages()
        names = {s: _state_name(s, lang) for s in sorted(set(MAP_STATES) | set(pages))}
        svg = us_map_svg(names=names, title=text("map_title", lang), description=text("map_desc", lang),
                         linked=pages)
        self.page("index.html.j2", "index.html", search=True, years_table=self.year_table(p.coverage),
                  section=Markup(p.sections.get(("US", lang), "").replace("{top}", "../")), svg=Markup(svg),
                  area=[_state_name(s, lang) for s in p.area],
                  absent=", ".join(text("program_fiscal_year", lang, program=prog, year=year) for prog, year in p.absent),
                  states=[(s, names[s]) for s in sorted(pages, key=lambda s: fold(names[s]))])

    def about(self) -> None:
        prov = self.p.provenance
        self.page("about.html.j2", "about.html", years_table=self.year_table(self.p.coverage),
                  files=list(prov.get("files", [])), command=prov.get("command", ""))

    def state(self, code: str) -> None:
        p = self.p
        mine = p.by_state[p.by_state["worksite_state"] == code]
        occ = p.state_occupations[p.state_occupations["worksite_state"] == code].head(15)
        emps = p.state_employers[p.state_employers["worksite_state"] == code]
        section = p.sections.get((code, self.lang))
        self.page("state.html.j2", f"state/{code}.html", name=_state_name(code, self.lang),
                  years_table=self.year_table(mine),
                  occupations=[(self.occupation(r.soc_code, r.soc_title), r.positions_certified)
                               for r in occ.itertuples()],
                  employers=[(self.emp_by_id[r.employer_id]["slug"], self.emp_by_id[r.employer_id]["name"],
                              r.positions_certified) for r in emps.head(50).itertuples()],
                  employers_total=len(emps), section=Markup(section.replace("{top}", "../../")) if section else "")

    def directory(self, folder: str, rows: list[dict], intro: str) -> None:
        chunks = [rows[i:i + DIRECTORY_PAGE_ROWS] for i in range(0, len(rows), DIRECTORY_PAGE_ROWS)]
        labels = [(_initials(c[0]["name"]), _initials(c[-1]["name"])) for c in chunks]
        common = {"folder": folder, "labels": labels}
        self.page("directory.html.j2", f"{folder}/index.html", search=True, intro=intro, n=len(rows), label=None,
                  rows=None, **common)
        for n, chunk in enumerate(chunks):
            self.page("directory.html.j2", f"{folder}/{n + 1}.html", intro=None, n=0, label=labels[n], rows=chunk,
                      **common)

    def employer(self, row: dict) -> None:
        eid = row["employer_id"]
        programs = [x for x in str(row["programs"]).split(", ") if x]
        places = []
        for key, frame, cols in (("employer_worksites", self.worksites.get(eid), ("worksite_city", "worksite_state")),
                                 ("employer_housing", self.housing.get(eid), ("housing_type", "housing_city",
                                                                             "housing_state")),
                                 ("employer_agents", self.agents.get(eid), ("agent_name",))):
            if frame:
                items = [{"href": None, "name": ", ".join(str(r[c]) for c in cols if not _missing(r[c])), "years": r["years"]}
                         for r in frame[:60]]
                places.append((key, items, max(len(frame) - 60, 0)))
        recs: dict = {}
        for r in self.rec_links.get(eid, []):
            recs.setdefault(r["recruiter_id"], set()).add(int(r["fiscal_year"]))
        recruiters = [{"href": f"../recruiter/{self.rec_by_id[rid]['slug']}.html", "name": self.rec_by_id[rid]["name"],
                       "years": sorted(ys)} for rid, ys in sorted(recs.items())]
        positions = [{**r, "partial": self.partial.get(r["program"], ()),
                      "occupation": self.occupation(r["soc_code"], r["soc_title"])}
                     for r in self.positions.get(eid, [])]
        self.page("employer.html.j2", f"employer/{row['slug']}.html", e=row, partial=self.partial_of(programs),
                  **self.partial_note(row["years"], programs),
                  others=[n for n in row["names"].split("; ") if n != row["name"]][:10],
                  positions=positions, places=places, recruiters=recruiters)

    def recruiter(self, row: dict) -> None:
        employers: list = []
        occupations: list = []
        if row.get("source") != "worker_records":
            emps: dict = {}
            socs: dict = {}
            for r in self.links_by_rec.get(row["recruiter_id"], []):
                emps.setdefault(r["employer_id"], set()).add(int(r["fiscal_year"]))
                if isinstance(r["soc_code"], str) and r["soc_code"]:
                    socs[r["soc_code"]] = socs.get(r["soc_code"], 0) + int(r["cases"])
            employers = [{"href": f"../employer/{self.emp_by_id[eid]['slug']}.html",
                          "name": self.emp_by_id[eid]["name"], "years": sorted(ys)}
                         for eid, ys in sorted(emps.items(), key=lambda kv: fold(self.emp_by_id[kv[0]]["name"]))]
            occupations = [self.occupation(code, self.soc_titles.get(code))
                           for code, _ in sorted(socs.items(), key=lambda kv: (-kv[1], kv[0]))]
        self.page("recruiter.html.j2", f"recruiter/{row['slug']}.html", r=row,
                  partial=row.get("partial_years") or [], employers=employers, occupations=occupations)

    def state_pages(self) -> list[str]:
        """The states that get a page: those of the publication (``SitePages.states``), else every
        state of the map and of the data."""
        if self.p.states is not None:
            return sorted(self.p.states)
        return sorted(set(MAP_STATES) | set(self.p.by_state["worksite_state"].dropna()))

    def all(self) -> list[Path]:
        p = self.p
        self.index()
        self.about()
        for code in self.state_pages():
            self.state(code)
        employers = _records(p.employers.employers)
        for row in employers:
            row["partial"] = self.partial_of(x for x in str(row["programs"]).split(", ") if x)
        self.directory("employers", employers, "employers_intro")
        for row in employers:
            self.employer(row)
        recruiters = _records(p.recruiters.recruiters) if p.recruiters is not None else []
        for row in recruiters:
            row["partial"] = row.get("partial_years") or []
            row["from_records"] = row.get("source", "") == "worker_records"
        self.directory("recruiters", recruiters, "recruiters_intro" if p.recruiters is not None else "recruiters_none")
        for row in recruiters:
            self.recruiter(row)
        return self.written


def _chooser(langs: list[str], synthetic: bool) -> str:
    return _render("chooser.html.j2", langs[0], langs=langs, synthetic=synthetic)


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


def view_html(view: dict, *, program: str, pdf: str | None, command: str | None = None,
              national_only: bool = False) -> str:
    """One program's evidence (``present.view``) as an HTML fragment (``evidence.html.j2``):
    findings, tables, notes.

    Figures are left to the PDF of the same evidence: drawn for every state they would cost
    seconds per page and hundreds of KB; the page links the PDF instead (a site built without
    PDFs gives the ``h2gender report`` command that prints it). ``{top}`` in a link is
    replaced by the page's path to the site root. ``national_only``: the fragment opens with the
    note that worker records are read on the area page only.
    """
    tables = [{"title": tb["title"], "note": tb["note"], **_frame_table(tb["frame"])} for tb in view["tables"]]
    return _render("evidence.html.j2", view["lang"], v=view, tables=tables, program=program, pdf=pdf,
                   command=command, national_only=national_only)


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
                fragment = _render("evidence_note.html.j2", lang) + fragment
            out.setdefault((scope.state or "US", lang), []).append(fragment)
    return {key: "".join(parts) for key, parts in out.items()}
