"""What the site's pages lay out, gathered from a ``Publication`` (``from_publication``) or, for
tests and notebooks, from canonical cases alone (``build_pages``). Nothing here computes a
statistic: the directories and counts are ``toolkit.directory``'s, the evidence is the
publication's scopes, worded by ``toolkit.present``."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import pandas as pd

from toolkit import coverage as release_rules
from toolkit import directory, schema
from toolkit.directory import EmployerProfiles, RecruiterProfiles

__all__ = ["SitePages", "build_pages", "from_publication"]


@dataclass(frozen=True)
class SitePages:
    """Everything ``write_site`` lays out (it computes nothing; a template lays out what it is given).

    ``by_state``: program x fiscal year x worksite state: ``cases``, ``positions_certified``,
    ``employers``. ``coverage``: the same by program x fiscal year (the request's area).
    ``state_occupations`` and ``state_employers``: certified positions per state by SOC code and
    by employer. ``provenance``: ``source`` ("store" or "synthetic"), ``years``, ``files`` (dicts
    with ``file``, ``sha256``), ``version``, ``commit``, ``command``. ``sections``: HTML fragments of
    the evidence keyed by (state code or "US" for the request's area, lang), already through the
    disclosure layer; ``{top}`` in them stands for the page's relative path to the site root.
    ``releases``: the governing release per program x fiscal year (``coverage.year_coverage``:
    release, months, ``partial``), or None (synthetic data). ``states``: the worksite states that
    get a page (None: every state of the map and of the data). ``area``: the states the request
    names (empty: the nation), so the area's section is labelled for what it holds. ``absent``:
    (program, fiscal year) asked for that the store does not hold.
    """
    employers: EmployerProfiles
    recruiters: RecruiterProfiles | None
    by_state: pd.DataFrame
    coverage: pd.DataFrame
    state_occupations: pd.DataFrame
    state_employers: pd.DataFrame
    provenance: dict
    k: int = 10
    synthetic: bool = False
    sections: Mapping[tuple[str, str], str] = field(default_factory=dict)
    releases: pd.DataFrame | None = None
    states: tuple[str, ...] | None = None
    area: tuple[str, ...] = ()
    absent: tuple[tuple[str, int], ...] = ()


def _provenance(cases_years: list[int], synthetic: bool, provenance: Mapping | None) -> dict:
    prov = {"source": "synthetic" if synthetic else "store", "years": cases_years, "files": [], "version": "",
            "commit": "unknown", "command": ""}
    prov.update(dict(provenance or {}))
    return prov


def build_pages(cases: pd.DataFrame, *, recruiters: pd.DataFrame | None = None, housing: pd.DataFrame | None = None,
                identity: Callable[[pd.DataFrame], pd.Series] | None = None, provenance: Mapping | None = None,
                k: int = 10, benchmark: pd.DataFrame | None = None,
                sections: Mapping[tuple[str, str], str] | None = None, match=None,
                worker_recruiters: pd.DataFrame | None = None,
                release_coverage: pd.DataFrame | None = None) -> SitePages:
    """The site's content from canonical cases (and, when given, Appendix C recruiters and
    Addendum B housing): entity directories, state and national tables, provenance. A
    ``Publication`` gives the same through ``from_publication``.

    ``match`` (an ``employers.EmployerMatch`` of these cases) gives the employer ids; else
    ``identity`` (default ``directory.employer_identity``). ``worker_recruiters``
    (``directory.worker_recruiters``: the audited, shown rows only) joins the recruiter directory.
    ``release_coverage`` (``Dataset.coverage``) says which years are partial.
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    if match is not None:
        if identity is not None:
            raise ValueError("give match= or identity=, not both")
        identity = lambda c: match.within(c.index).ids  # noqa: E731
    identity = directory.employer_identity if identity is None else identity
    emp = directory.employer_profiles(cases, identity=identity, benchmark=benchmark, housing=housing)
    rec = directory.recruiter_profiles(recruiters, emp, cases) if recruiters is not None else None
    rec = directory.with_worker_recruiters(rec, worker_recruiters, directory.years_of(cases["fiscal_year"]))
    places = directory.place_tables(cases, identity(directory.drop_contacts(cases)))
    releases = None
    if release_coverage is not None and {"partial", "months", "source_file", "first_month"} <= set(release_coverage):
        releases = release_rules.year_coverage(release_coverage)
    synthetic = schema.is_synthetic(cases)
    return SitePages(emp, rec, places.by_state, places.coverage, places.state_occupations, places.state_employers,
                     _provenance(directory.years_of(cases["fiscal_year"]), synthetic, provenance), k=k,
                     synthetic=synthetic, sections=dict(sections or {}), releases=releases)


def from_publication(pub, *, sections: Mapping[tuple[str, str], str], provenance: Mapping) -> SitePages:
    """``SitePages`` of a site ``Publication`` (``publication.build(..., kind="site")``) with the
    evidence ``sections`` already rendered (``pages.sections``)."""
    if pub.kind != "site" or pub.employers is None:
        raise ValueError(f"a site is rendered from a publication built with kind='site', got kind={pub.kind!r}")
    places = pub.places
    years = directory.years_of(places.coverage["fiscal_year"])
    return SitePages(pub.employers, pub.recruiters, places.by_state, places.coverage, places.state_occupations,
                     places.state_employers, _provenance(years, pub.synthetic, provenance), k=pub.request.k,
                     synthetic=pub.synthetic, sections=dict(sections), releases=pub.releases, states=pub.states,
                     area=pub.request.states, absent=pub.absent)


def with_sections(pages: SitePages, sections: Mapping[tuple[str, str], str]) -> SitePages:
    """``pages`` with other evidence sections."""
    return replace(pages, sections=dict(sections))
