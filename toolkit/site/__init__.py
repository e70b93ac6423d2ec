"""A static, offline evidence site: every state, employer and recruiter, in Spanish and English.

The site renders a ``Publication`` (``toolkit.publication``): it lays out what was built and
computes nothing. Its parts:

- ``content``: ``SitePages``, what the pages lay out (``from_publication``; ``build_pages`` from
  canonical cases alone, for tests and notebooks);
- ``pages``: the Jinja2 templates (``toolkit/site/templates``) filled with the one string
  catalogue (``toolkit/locales``) and ``write_site``;
- ``search``: the JSON index the page's search reads (``site_assets/search.js``);
- ``map``: the clickable SVG map of the states.

The site works from ``file://`` and from any static host: relative links only, no server, no
external request (no CDN script, style, font or map tile). Numbers about employers, positions
and wages are public DOL records; any number from worker records comes from the publication's
audited evidence.
"""
from __future__ import annotations

from functools import partial
from pathlib import Path

from toolkit.directory import (PROFILE_COLUMNS, EmployerProfiles, RecruiterProfiles, drop_contacts,
                               employer_identity, employer_profiles, fold, recruiter_profiles)
from toolkit.site.content import SitePages, build_pages, from_publication
from toolkit.site.map import MAP_STATES, us_map_svg
from toolkit.site.pages import DIRECTORY_PAGE_ROWS, scope_fragments, sections, text, view_html, write_site
from toolkit.site.search import entity_table, search_index, search_index_script

__all__ = ["render", "prepare", "scope_fragments", "SitePages", "build_pages", "from_publication", "write_site",
           "sections", "view_html", "text",
           "us_map_svg", "MAP_STATES", "entity_table", "search_index", "search_index_script", "fold",
           "employer_identity", "drop_contacts", "EmployerProfiles", "RecruiterProfiles", "employer_profiles",
           "recruiter_profiles", "PROFILE_COLUMNS", "DIRECTORY_PAGE_ROWS"]


def prepare(langs, *, out: str | Path, pdf: bool = False):
    """The per-scope work of this renderer, for ``publication.build(prepare=...)``: each scope's
    evidence worded (and printed, with ``pdf``) in the process that built it."""
    return partial(scope_fragments, langs=tuple(langs), pdf_dir=Path(out) / "pdf" if pdf else None)


def render(pub, out: str | Path, *, provenance: dict, pdf: bool = False, progress: bool = False) -> list[Path]:
    """Write the site of a ``Publication`` built with ``kind="site"`` under ``out``; returns the
    files written. ``provenance``: ``files``, ``version``, ``commit``, ``command`` (the reproduce
    command). With ``pdf`` each scope's evidence is also printed to ``out/pdf`` and linked (in
    the publication's pool when it was built with ``prepare(...)``)."""
    out = Path(out)
    fragments = sections(pub, pdf_dir=out / "pdf" if pdf else None, progress=progress)
    return write_site(from_publication(pub, sections=fragments, provenance=provenance), out, langs=pub.request.langs)
