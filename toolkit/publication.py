"""A publication: every scope one output covers, each built once, and the whole audited once.

``Request -> dataset.load -> publication.build -> renderer`` (``report``, ``analyze``, ``site``):
the renderers lay out a ``Publication`` and compute nothing. A publication holds

- its scopes (``Scope``): for a report or ``h2gender analyze`` the request's own scope; for the
  site, per program the request's area (the nation, or the states asked for, labelled as such)
  and each worksite state in it. Each scope carries its narrowed ``Request`` (so its label and
  its reproduce command name that scope) and one ``Evidence``, built once: scopes that are the
  same request (``--state TX``: Texas is the whole area) share one evidence, and the national
  evidence is never built twice. The process pool that builds them lives here.
- the employer match (``employers.match_employers``, once over all cases: one employer has one
  identity on every page) and, for the site, the entity directories (``toolkit.directory``) and
  the public counts by place (``directory.place_tables``);
- what was asked for and is absent (``absent``: program x fiscal year the store holds no case
  of), so that an output says so instead of stopping;
- the disclosure audit of the whole publication (``audit``), run in one place: ``build`` calls
  ``_audit`` last.

Worker records stay in the area scope of each program only. Published for the nation and for
every state at once, the differences between pages (the nation's women in an occupation minus
those of the states that show theirs) would give back counts a state page hides; one audited
scope per program cannot be differenced that way. A state's evidence is then the DOL records',
and its request, files and command say so (no worker file).
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal, get_args

import pandas as pd

from toolkit import coverage as release_rules
from toolkit import directory, employers, evidence
from toolkit.dataset import Dataset, Request
from toolkit.evidence import Evidence

__all__ = ["Kind", "KINDS", "Scope", "Publication", "build", "scoped", "default_jobs"]

Kind = Literal["report", "analyze", "site"]
KINDS: tuple[str, ...] = get_args(Kind)


@dataclass(frozen=True)
class Scope:
    """One part of a publication: ``program`` (None: every program of the request), ``state``
    (None: the request's whole area), the narrowed ``request`` and its ``evidence``."""
    program: str | None
    state: str | None
    request: Request
    evidence: Evidence

    @property
    def key(self) -> tuple[str, str]:
        """("H-2A" or "all", state code or "area")."""
        return (self.program or "all", self.state or "area")


@dataclass(frozen=True)
class Publication:
    """What ``build`` returns; see the module docstring.

    ``request``: the request as published (programs the store holds none of are left out and
    named in ``absent_programs``). ``absent``: (program, fiscal year) asked for that no file of the
    store holds. ``releases``: the governing release per program x fiscal year
    (``coverage.year_coverage``: release, months, ``partial``) or None (synthetic data).
    ``employers``, ``recruiters``, ``places``: the site's directories and public counts (None for
    a report or ``analyze``). ``audit``: what ``disclosure.audit`` returned over the whole
    publication (None where that layer has no audit yet).
    """
    request: Request
    kind: str
    scopes: tuple[Scope, ...]
    match: employers.EmployerMatch
    files: tuple[dict, ...]
    synthetic: bool
    commit: str = "unknown"
    rendered: str = ""
    absent: tuple[tuple[str, int], ...] = ()
    absent_programs: tuple[str, ...] = ()
    releases: pd.DataFrame | None = None
    employers: directory.EmployerProfiles | None = None
    recruiters: directory.RecruiterProfiles | None = None
    places: directory.PlaceTables | None = None
    audit: object = field(default=None, compare=False)
    #: what a renderer's ``prepare`` made of each scope's evidence in the pool (``build``), by scope key
    prepared: dict = field(default_factory=dict, compare=False)

    def scope(self, program: str | None = None, state: str | None = None) -> Scope:
        """The scope of ``program`` (None: all programs together) and ``state`` (None: the area)."""
        for s in self.scopes:
            if s.program == program and s.state == state:
                return s
        raise KeyError(f"no scope for program {program!r}, state {state!r} in this {self.kind}; scopes: "
                       f"{[s.key for s in self.scopes]}")

    @property
    def programs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.program for s in self.scopes if s.program is not None))

    @property
    def states(self) -> tuple[str, ...]:
        """Worksite states with a scope of their own (the site's state pages), sorted."""
        return tuple(sorted({s.state for s in self.scopes if s.state is not None}))


def scoped(data: Dataset, program: str | None, state: str | None) -> Dataset:
    """``data`` narrowed to ``program`` (None: all) and worksite ``state`` (None: the request's
    area), with the matching ``Request`` and companion tables (by case number: an H-2A scope
    carries no H-2B Appendix C recruiter). A state scope of a request with worker records leaves
    them out (module docstring), and its request and files say so."""
    req = data.request
    if program is not None:
        req = replace(req, programs=(program,))
    if state is not None:
        req = replace(req, states=(state,))
    keep = pd.Series(True, index=data.cases.index)
    if program is not None:
        keep &= data.cases["program"] == program
    if state is not None:
        keep &= data.cases["worksite_state"] == state
    cases = data.cases[keep.fillna(False).to_numpy()]
    workers, files = data.workers, data.files
    if workers is not None and state is not None and data.request.states != (state,):
        workers, req = None, replace(req, workers_path=None, mapping_path=None)
        files = tuple(f for f in files if f.get("role") not in ("role_workers", "role_mapping"))
    elif workers is not None and program is not None:
        workers = workers[(workers["program"] == program).fillna(False).to_numpy()]
    numbers = set(cases["case_number"].dropna().astype(str))
    companions = {kind: table[table["case_number"].astype("string").isin(numbers).fillna(False).to_numpy()]
                  for kind, table in data.companions.items()
                  if kind != "recruiters_directory" and "case_number" in table}
    return replace(data, request=req, cases=cases, workers=workers, files=files, companions=companions)


def default_jobs() -> int:
    """Processes available to this one (``os.sched_getaffinity``; CPU count elsewhere)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


#: What the worker processes of ``_evidences`` build from (set once per process).
_INPUT: dict = {}


def _init(inputs: dict) -> None:
    _INPUT.clear()
    _INPUT.update(inputs)


def _evidence_of(part: tuple[str | None, str | None], inputs: dict | None = None) -> tuple[Evidence, object]:
    inputs = _INPUT if inputs is None else inputs
    program, state = part
    ev = evidence.build(scoped(inputs["data"], program, state), commit=inputs["commit"],
                        rendered=inputs["rendered"], employer_match=inputs["match"],
                        progress=inputs.get("on_part"), forced=inputs.get("forced"))
    prepare = inputs.get("prepare")
    return ev, (None if prepare is None else prepare(ev))


def _evidences(data: Dataset, parts: list[tuple[str | None, str | None]], *, match, commit: str, rendered: str,
               jobs: int, progress: bool, prepare=None, forced: dict | None = None,
               on_part: Callable[[str], None] | None = None) -> list[tuple[Evidence, object]]:
    """``evidence.build`` of each part, in order; with ``jobs`` > 1 in that many processes
    (started with "spawn", each receiving the dataset once). Each build seeds its own draws from
    its request, so the result does not depend on ``jobs``."""
    from tqdm.auto import tqdm

    inputs = {"data": data, "match": match, "commit": commit, "rendered": rendered, "prepare": prepare,
              "forced": forced}
    bar = dict(total=len(parts), desc="evidence", unit="scope", disable=not progress)
    if jobs == 1 or len(parts) < 2:  # in this process: the evidence parts can be named to a progress bar
        return [_evidence_of(part, {**inputs, "on_part": on_part}) for part in tqdm(parts, **bar)]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    light = replace(data, companions={k: v for k, v in data.companions.items() if k != "recruiters_directory"})
    with ProcessPoolExecutor(max_workers=min(jobs, len(parts)), mp_context=multiprocessing.get_context("spawn"),
                             initializer=_init, initargs=({**inputs, "data": light},)) as pool:
        return list(tqdm(pool.map(_evidence_of, parts), **bar))


def _parts(data: Dataset, kind: str, programs: tuple[str, ...]) -> list[tuple[str | None, str | None]]:
    """(program, state) of every scope of a ``kind`` of output."""
    if kind != "site":
        return [(None, None)]
    out: list[tuple[str | None, str | None]] = []
    for program in programs:
        held = data.cases.loc[data.cases["program"] == program, "worksite_state"].dropna().unique()
        states = [s for s in (data.request.states or sorted(held)) if s in set(held)]
        out += [(program, None)] + [(program, s) for s in states]
    return out


def _same_request(data: Dataset, part: tuple[str | None, str | None]) -> tuple:
    """A key equal for two parts that narrow ``data`` to the same request (built once)."""
    program, state = part
    if state is not None and data.request.states == (state,):
        return (program, None)  # the request's whole area is this one state
    return part


def build(data: Dataset, *, kind: Kind = "report", commit: str = "unknown", rendered: str = "",
          jobs: int | None = 1, progress: bool = False, match: employers.EmployerMatch | None = None,
          prepare: Callable[[Evidence], object] | None = None, forced: dict | None = None,
          on_part: Callable[[str], None] | None = None) -> Publication:
    """The ``Publication`` of ``data`` for one ``kind`` of output ("report", "analyze", "site").

    ``jobs``: processes building the scopes' evidence at once (None: one per available CPU).
    ``match``: an employer match of ``data.cases`` already made (default: made here, once).
    ``prepare``: a renderer's per-scope work, a picklable pure function of one ``Evidence``, run
    in the same process right after that evidence is built (the site words each scope there, so
    the wording runs in parallel too); its results are ``Publication.prepared`` by scope key.
    ``forced``: rows an earlier publication from the same worker file hid (``toolkit.ledger.forced``),
    hidden in every scope here too. ``on_part``: called with each ``evidence.PARTS`` name as it
    starts, when the scopes are built in this process (a progress bar's stages).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {list(KINDS)}, got {kind!r}")
    if jobs is None:
        jobs = default_jobs()
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive integer or None, got {jobs!r}")
    request = data.request
    absent_programs = tuple(data.accounting.get("cases", {}).get("absent_programs", ()))
    held = tuple(p for p in request.programs if p not in absent_programs)
    if absent_programs:
        request = replace(request, programs=held)
        data = replace(data, request=request)
    cov = data.coverage
    absent = tuple(release_rules.missing_years(cov, data.request.programs, data.request.fiscal_years)) \
        if not data.synthetic and "program" in cov else ()
    absent = tuple(sorted({*absent, *((p, int(y)) for p in absent_programs for y in request.fiscal_years)}))
    match = employers.match_employers(data.cases) if match is None else match
    parts = _parts(data, kind, held)
    unique = list(dict.fromkeys(_same_request(data, p) for p in parts))
    results = dict(zip(unique, _evidences(data, unique, match=match, commit=commit, rendered=rendered, jobs=jobs,
                                          progress=progress, prepare=prepare, forced=forced, on_part=on_part)))
    built = {key: ev for key, (ev, _) in results.items()}
    scopes = tuple(Scope(p[0], p[1], built[_same_request(data, p)].request, built[_same_request(data, p)])
                   for p in parts)
    prepared = {} if prepare is None else {Scope(p[0], p[1], built[_same_request(data, p)].request,
                                                 built[_same_request(data, p)]).key: results[_same_request(data, p)][1]
                                           for p in parts}
    releases = None
    if {"partial", "months", "source_file", "first_month"} <= set(cov):
        releases = release_rules.year_coverage(cov)
    pub = Publication(request=request, kind=kind, scopes=scopes, match=match, files=tuple(data.files),
                      synthetic=data.synthetic, commit=commit, rendered=rendered, absent=absent,
                      absent_programs=absent_programs, releases=releases, prepared=prepared)
    if kind == "site":
        pub = replace(pub, **_directories(data, pub))
    return replace(pub, audit=_audit(pub))


def _directories(data: Dataset, pub: Publication) -> dict:
    """The site's entity directories and place tables, from the same match and positions rule as
    every scope's evidence; recruiters named in worker records as the area evidence shows them."""
    identity = lambda c: pub.match.within(c.index).ids  # noqa: E731
    emp = directory.employer_profiles(data.cases, identity=identity, housing=data.companions.get("housing"))
    appendix_c = data.companions.get("recruiters_directory", data.companions.get("recruiters"))
    rec = directory.recruiter_profiles(appendix_c, emp, data.cases) if appendix_c is not None else None
    shown = directory.worker_recruiters({s.program: s.evidence.raw_tables.get("recruiters")
                                         for s in pub.scopes if s.state is None and s.program is not None}) \
        if data.workers is not None else None
    years = sorted({int(y) for y in data.cases["fiscal_year"].dropna()})
    rec = directory.with_worker_recruiters(rec, shown, years)
    places = directory.place_tables(data.cases, pub.match.within(data.cases.index).ids)
    return {"employers": emp, "recruiters": rec, "places": places}


def _audit(pub: Publication):
    """THE place the disclosure audit runs over a whole publication (every scope, every directory)
    before anything is rendered. Each scope's tables are already protected by ``evidence.build``
    (``toolkit.disclosure``); this audit looks across scopes. Until the disclosure layer provides
    ``disclosure.audit(publication)`` audits every scope's published cells together; the ledger
    (``toolkit.ledger``, through the CLI's ``guard_publication``) adds what was published before."""
    from toolkit import disclosure

    return disclosure.audit(pub)
