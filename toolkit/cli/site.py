"""``h2gender site``: write the offline evidence site (every state, employer and recruiter; es/en)."""
from __future__ import annotations

import time
from pathlib import Path

import click

_LANGS = ("es", "en")


def _fy(ctx, param, value: str) -> tuple[int, ...]:
    from toolkit.dataset import parse_years
    from toolkit.errors import RequestError

    try:
        return parse_years(value)
    except RequestError as exc:
        raise click.BadParameter(str(exc)) from None


def _langs(ctx, param, value: str) -> list[str]:
    langs = [v.strip() for v in value.split(",") if v.strip()]
    if not langs or any(v not in _LANGS for v in langs) or len(set(langs)) != len(langs):
        raise click.BadParameter(f"use es, en or es,en (got {value!r})")
    return langs


@click.command()
@click.option("--data", type=click.Choice(["synthetic", "store"]), default="synthetic", show_default=True,
              help="synthetic: embedded demonstration data; store: DOL files ingested with `h2gender data ingest`.")
@click.option("--fy", "years", default="2015-2022", show_default=True, callback=_fy,
              help="Fiscal years: 2019, 2015-2022 or 2015,2017.")
@click.option("--program", type=click.Choice(["H-2A", "H-2B", "all"]), default="all", show_default=True)
@click.option("--lang", default="es,en", show_default=True, callback=_langs, help="es, en, or es,en for both.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("site"), show_default=True)
@click.option("--k", type=click.IntRange(min=1), default=10, show_default=True,
              help="Withhold any count from worker records below k.")
@click.option("--seed", type=int, default=2019, show_default=True, help="Seed of the synthetic data.")
@click.option("--evidence/--no-evidence", default=True, show_default=True,
              help="Add the report's evidence to each program x state page (evidence.build per scope).")
@click.option("--pdf", is_flag=True, help="Also print each state's evidence to PDF (OUT/pdf) and link it.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes building the states' evidence at once [default: one per available CPU]. "
                   "The site does not depend on it.")
@click.pass_context
def site(ctx, data, years, program, lang, out, k, seed, evidence, pdf, workers) -> None:
    """Write the offline evidence site: open OUT/index.html from disk or publish OUT on any static host."""
    from toolkit import __version__, dataset, runinfo
    from toolkit import site as site_mod

    obj = ctx.find_root().obj
    data_dir = obj.data_dir if obj is not None else None
    start = time.perf_counter()
    request = dataset.Request.build(data=data, program=program, fy=years, lang=lang, k=k, seed=seed,
                                    data_dir=data_dir)
    ds = dataset.load(request)
    say = lambda what: click.echo(f"==> {what} ({time.perf_counter() - start:.1f} s)", err=True)  # noqa: E731
    say(f"{len(ds.cases):,} cases read")
    commit = runinfo.git_commit()
    from toolkit import employers

    match = employers.match_employers(ds.cases)  # once: one identity per employer on every page
    say(f"{len(match.identities):,} employers matched, {len(match.ambiguous):,} possible merges reported")
    sections = {}
    if evidence:
        sections = site_mod.evidence_sections(ds, commit=commit, pdf_dir=out / "pdf" if pdf else None, match=match,
                                              progress=True, workers=workers)
        say(f"evidence for {len(sections) // len(lang)} scopes")
    command = (f"h2gender site --data {data} --fy {request.years_label} --program {program} --lang {','.join(lang)}"
               f" --k {k}" + (f" --seed {seed}" if data == "synthetic" else "") + ("" if evidence else " --no-evidence")
               + (" --pdf" if pdf else "") + f" --out {out.as_posix()}")
    files = [{"file": f["file"], "sha256": f["sha256"]} for f in ds.files]
    pages = site_mod.build_pages(ds.cases, recruiters=ds.companions.get("recruiters"),
                                 housing=ds.companions.get("housing"), k=k, sections=sections, match=match,
                                 provenance={"files": files, "version": __version__, "commit": commit,
                                             "command": command})
    say(f"{len(pages.employers.employers):,} employers, "
        f"{0 if pages.recruiters is None else len(pages.recruiters.recruiters):,} recruiters")
    written = site_mod.write_site(pages, out, langs=lang)
    say(f"{len(written):,} files written")
    click.echo(f"Site written: {out / 'index.html'}")
