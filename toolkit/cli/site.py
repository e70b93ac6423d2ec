"""``h2gender site``: write the offline evidence site (every state, employer and recruiter; es/en)."""
from __future__ import annotations

import time
from pathlib import Path

import click

from toolkit.cli.options import build_request, guarded_build, new_release_option, request_options
from toolkit.cli.progress import enabled, progress_option


@click.command()
@request_options(fy="2015-2022", lang="es,en")
@progress_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("site"), show_default=True)
@click.option("--pdf", is_flag=True, help="Also print each state's evidence to PDF (OUT/pdf) and link it.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes building the states' evidence at once [default: one per available CPU]. "
                   "The site does not depend on it.")
@new_release_option
@click.pass_context
def site(ctx, out, pdf, jobs, progress, new_release, **options) -> None:
    """Write the offline evidence site: open OUT/index.html from disk or publish OUT on any static host.

    The request options are those of ``h2gender report``: with --state the site covers those
    states only; with --workers (and --mapping) the pages carry the evidence of your worker
    records, every count of people through the same disclosure rule as the reports.
    """
    from toolkit import __version__, dataset, publication, runinfo
    from toolkit import site as site_mod

    start = time.perf_counter()
    request = build_request(ctx, **options)
    say = lambda what: click.echo(f"==> {what} ({time.perf_counter() - start:.1f} s)", err=True)  # noqa: E731
    ds = dataset.load(request)
    say(f"{len(ds.cases):,} cases read" + ("" if ds.workers is None else f", {len(ds.workers):,} worker records"))
    prepare = site_mod.prepare(request.langs, out=out, pdf=pdf)
    rendered = runinfo.now_utc()
    # what the site publishes from the worker records is audited with the ledger (hiding more rows
    # where the audit needs it) before anything is written
    pub = guarded_build(ctx, ds, lambda forced: publication.build(
        ds, kind="site", commit=runinfo.git_commit(), rendered=rendered, jobs=jobs, progress=enabled(progress),
        prepare=prepare, forced=forced), command="site", new_release=new_release)
    for program, year in pub.absent:
        click.echo(f"not in the store: {program} FY{year} (the site says so)", err=True)
    say(f"{len(pub.scopes)} scopes, {len(pub.employers.employers):,} employers "
        f"({len(pub.match.ambiguous):,} possible merges reported, {len(pub.match.merged):,} spellings made one), "
        f"{0 if pub.recruiters is None else len(pub.recruiters.recruiters):,} recruiters")
    command = (request.command(verb="site") + (" --pdf" if pdf else "") + f" --out {out.as_posix()}")
    files = [{"file": f["file"], "sha256": f["sha256"]} for f in ds.files]
    written = site_mod.render(pub, out, pdf=pdf, progress=enabled(progress),
                              provenance={"files": files, "version": __version__, "commit": pub.commit,
                                          "command": command})
    say(f"{len(written):,} files written")
    click.echo(f"Site written: {out / 'index.html'}")

