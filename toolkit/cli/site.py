"""``h2gender site``: write the offline evidence site (every state, employer and recruiter; es/en)."""
from __future__ import annotations

import time
from pathlib import Path

import click

from toolkit.cli.options import build_request, request_options
from toolkit.cli.progress import enabled, progress_option


@click.command()
@request_options(fy="2015-2022", lang="es,en")
@progress_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("site"), show_default=True)
@click.option("--evidence/--no-evidence", default=True, show_default=True,
              help="Add the report's evidence to each program x state page (evidence.build per scope).")
@click.option("--pdf", is_flag=True, help="Also print each state's evidence to PDF (OUT/pdf) and link it.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes building the states' evidence at once [default: one per available CPU]. "
                   "The site does not depend on it.")
@click.pass_context
def site(ctx, out, evidence, pdf, jobs, progress, **options) -> None:
    """Write the offline evidence site: open OUT/index.html from disk or publish OUT on any static host.

    The request options are those of ``h2gender report``: with --state the site covers those
    states only; with --workers (and --mapping) the pages carry the evidence of your worker
    records, every count of people through the same disclosure rule as the reports.
    """
    from toolkit import __version__, dataset, employers, runinfo
    from toolkit import site as site_mod

    start = time.perf_counter()
    request = build_request(ctx, **options)
    say = lambda what: click.echo(f"==> {what} ({time.perf_counter() - start:.1f} s)", err=True)  # noqa: E731
    ds = dataset.load(request)
    say(f"{len(ds.cases):,} cases read" + ("" if ds.workers is None else f", {len(ds.workers):,} worker records"))
    commit = runinfo.git_commit()
    match = employers.match_employers(ds.cases)  # once: one identity per employer on every page
    say(f"{len(match.identities):,} employers matched, {len(match.ambiguous):,} possible merges reported")
    sections = {}
    if evidence:
        sections = site_mod.evidence_sections(ds, commit=commit, pdf_dir=out / "pdf" if pdf else None, match=match,
                                              progress=enabled(progress), jobs=jobs)
        say(f"evidence for {len(sections) // len(request.langs)} scopes")
    command = (request.command(verb="site") + ("" if evidence else " --no-evidence") + (" --pdf" if pdf else "")
               + f" --out {out.as_posix()}")
    files = [{"file": f["file"], "sha256": f["sha256"]} for f in ds.files]
    recruiters_in_records = site_mod.worker_recruiters(ds, match=match) if ds.workers is not None else None
    pages = site_mod.build_pages(ds.cases, recruiters=ds.companions.get("recruiters"),
                                 housing=ds.companions.get("housing"), k=request.k, sections=sections, match=match,
                                 worker_recruiters=recruiters_in_records, release_coverage=ds.coverage,
                                 provenance={"files": files, "version": __version__, "commit": commit,
                                             "command": command})
    say(f"{len(pages.employers.employers):,} employers, "
        f"{0 if pages.recruiters is None else len(pages.recruiters.recruiters):,} recruiters")
    written = site_mod.write_site(pages, out, langs=request.langs)
    say(f"{len(written):,} files written")
    click.echo(f"Site written: {out / 'index.html'}")
