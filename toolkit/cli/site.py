"""``h2gender site``: write the offline evidence site (every state, employer and recruiter; es/en)."""
from __future__ import annotations

import os
import time
from pathlib import Path

import click

_LANGS = ("es", "en")


def parse_years(value: str) -> list[int]:
    """ "2015-2022" -> [2015, ..., 2022]; "2019" -> [2019]; "2015,2017" -> [2015, 2017].

    Raises ``click.BadParameter`` naming the bad value (a year outside 2000-2099, an empty or
    reversed range)."""
    years: set[int] = set()
    for part in (p.strip() for p in str(value).split(",")):
        bounds = part.split("-")
        if not part or len(bounds) > 2 or not all(b.strip().isdigit() for b in bounds):
            raise click.BadParameter(f"use a year (2019), a range (2015-2022) or a list (2015,2017); got {value!r}")
        lo, hi = int(bounds[0]), int(bounds[-1])
        if lo > hi or not (2000 <= lo <= 2099 and 2000 <= hi <= 2099):
            raise click.BadParameter(f"fiscal years must run forward within 2000-2099; got {part!r}")
        years.update(range(lo, hi + 1))
    return sorted(years)


def _fy(ctx, param, value: str) -> list[int]:
    return parse_years(value)


def _langs(ctx, param, value: str) -> list[str]:
    langs = [v.strip() for v in value.split(",") if v.strip()]
    if not langs or any(v not in _LANGS for v in langs) or len(set(langs)) != len(langs):
        raise click.BadParameter(f"use es, en or es,en (got {value!r})")
    return langs


def _store_inputs(programs: list[str], years: list[int]):
    """(cases, recruiters or None, housing or None, input files) from the harmonized store."""
    import pandas as pd

    from toolkit import store
    from toolkit.errors import StoreError

    frames = []
    for program in programs:
        try:
            frames.append(store.load_cases(program, years))
        except StoreError:
            continue  # a program without stored years: the coverage table shows it missing
    if not frames:
        raise StoreError(f"no cases in the store for {', '.join(programs)}, fiscal years {years[0]}-{years[-1]}; "
                         "run `h2gender data ingest FILE...` first")
    cases = pd.concat(frames, ignore_index=True)
    companions = {}
    for kind in ("recruiters", "housing"):
        try:
            companions[kind] = store.read_table(kind)
        except StoreError:
            companions[kind] = None
    files = [{"file": f["file"], "sha256": f["sha256"]} for f in store.sources(programs, years)]
    return cases, companions["recruiters"], companions["housing"], files


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
@click.pass_context
def site(ctx, data, years, program, lang, out, k, seed) -> None:
    """Write the offline evidence site: open OUT/index.html from disk or publish OUT on any static host."""
    from toolkit import __version__
    from toolkit import site as site_mod
    from toolkit.evidence import git_commit

    obj = ctx.find_root().obj
    if obj is not None and obj.data_dir is not None:
        os.environ["H2GENDER_DATA_DIR"] = str(obj.data_dir)
    programs = ["H-2A", "H-2B"] if program == "all" else [program]
    start = time.perf_counter()
    if data == "store":
        cases, recruiters, housing, files = _store_inputs(programs, years)
    else:
        from toolkit import synth

        cases = synth.generate(seed, years, programs=programs).cases
        recruiters, housing, files = None, None, []
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
    command = (f"h2gender site --data {data} --fy {span} --program {program} --lang {','.join(lang)} --k {k}"
               + (f" --seed {seed}" if data == "synthetic" else "") + f" --out {out.as_posix()}")
    click.echo(f"==> {len(cases):,} cases read ({time.perf_counter() - start:.1f} s)", err=True)
    pages = site_mod.build_pages(cases, recruiters=recruiters, housing=housing, k=k,
                                 provenance={"files": files, "version": __version__,
                                             "commit": git_commit(), "command": command})
    click.echo(f"==> {len(pages.employers.employers):,} employers, "
               f"{0 if pages.recruiters is None else len(pages.recruiters.recruiters):,} recruiters "
               f"({time.perf_counter() - start:.1f} s)", err=True)
    written = site_mod.write_site(pages, out, langs=lang)
    click.echo(f"==> {len(written):,} files written ({time.perf_counter() - start:.1f} s)", err=True)
    click.echo(f"Site written: {out / 'index.html'}")
