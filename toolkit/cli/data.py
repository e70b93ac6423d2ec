"""``h2gender data``: catalog, fetch, ingest, status."""
from __future__ import annotations

import json
import os
from pathlib import Path

import click


def _apply_data_dir(ctx: click.Context) -> None:
    obj = ctx.find_root().obj
    if obj is not None and obj.data_dir is not None:
        os.environ["H2GENDER_DATA_DIR"] = str(obj.data_dir)


@click.group()
@click.pass_context
def data(ctx: click.Context) -> None:
    """Data sources: list the catalog, download, ingest into the store, show store status."""
    _apply_data_dir(ctx)


@data.command("catalog")
@click.option("--program", type=click.Choice(["H-2A", "H-2B"]), help="Only this program.")
@click.option("--fy", "fiscal_year", type=int, help="Only this fiscal year.")
@click.option("--kind", type=click.Choice(["dol-disclosure", "dol-companion", "bls-cps11", "census-crosswalk",
                                           "boundaries"]), help="Only this kind of source.")
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON.")
def catalog_cmd(program, fiscal_year, kind, as_json) -> None:
    """List the known data sources (validated first)."""
    from toolkit import catalog

    catalog.validate_catalog()
    entries = catalog.find(program=program, fiscal_year=fiscal_year, kind=kind)
    if as_json:
        click.echo(json.dumps(entries, indent=1, default=str))
        return
    for e in entries:
        sha = "sha256 known" if e.get("sha256") else "no sha256"
        verified = ("" if e.get("url_verified", True) else
                    " (URL not verified; published name corroborated)" if e.get("name_corroborated") else
                    " (URL not verified)")
        click.echo(f"{e['id']:<52} {e['kind']:<15} {sha:<10} {e['url']}{verified}")
    click.echo(f"{len(entries)} entries")


@data.command()
@click.option("--program", type=click.Choice(["H-2A", "H-2B"]), required=True)
@click.option("--fy", "fiscal_year", type=int, required=True, help="Fiscal year, e.g. 2019.")
@click.option("--companions/--no-companions", default=False, help="Also fetch the year's companion files.")
@click.option("--all-releases", is_flag=True,
              help="Every catalogued release of the year (e.g. Q1 and Q4), not only the most complete one.")
@click.option("--force", is_flag=True, help="Download again even if the file is present.")
def fetch(program, fiscal_year, companions, all_releases, force) -> None:
    """Download DOL disclosure files into the data directory (the only command that uses the network).

    By default the year's most complete release: quarterly files are cumulative, so the full-year
    (or Q4) file holds every case of the earlier quarters.
    """
    from toolkit import catalog
    from toolkit.errors import CatalogError
    from toolkit.fetch import fetch as fetch_one

    disclosure = catalog.find(program=program, fiscal_year=fiscal_year, kind="dol-disclosure")
    entries = disclosure if all_releases else catalog.most_complete(disclosure)
    if companions:
        entries += catalog.find(program=program, fiscal_year=fiscal_year, kind="dol-companion")
    if not entries:
        raise CatalogError(f"no catalog entry for {program} FY{fiscal_year}; `h2gender data catalog` lists them")
    for e in entries:
        path = fetch_one(e, force=force)
        click.echo(f"{e['id']}: {path}")


@data.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def ingest(paths) -> None:
    """Read DOL files (any era; disclosure or companion) into the harmonized store."""
    from tqdm.auto import tqdm

    from toolkit import dol, store

    for path in tqdm(paths, desc="ingest", unit="file", disable=len(paths) < 2):
        sha = dol.sha256_file(path)
        kind, table = dol.read_any(path)
        acc = table.attrs.get("accounting", {})
        if kind == "cases":
            res = store.write_cases(table, source_sha256=sha, source_file=path.name)
        else:
            res = store.write_table(kind, table, source_sha256=sha, source_file=path.name)
        dropped = ", ".join(f"{k} {v}" for k, v in acc.get("rows_dropped", {}).items()) or "none"
        workers = (f"; workers certified {acc.get('workers_certified_raw')} read, {acc.get('workers_certified')} kept"
                   if kind == "cases" else "")
        click.echo(f"{path.name}: {kind} ({acc.get('layout', acc.get('kind', ''))}) {res['status']}; rows read "
                   f"{acc.get('rows_read')}, kept {acc.get('rows_kept')}, dropped: {dropped}{workers}")


@data.command()
def status() -> None:
    """What is in the store: sources with sha256, cases and workers by program and year."""
    from toolkit import config, store

    entries = store.manifest()
    if not entries:
        click.echo(f"the store at {config.store_dir()} is empty; run `h2gender data ingest FILE...`")
        return
    for sha, e in sorted(entries.items(), key=lambda kv: kv[1]["source_file"]):
        parts = ", ".join(e.get("partitions", [])) or e.get("kind")
        click.echo(f"{e['source_file']:<50} {sha[:12]}  {e['rows']:>7} rows  {parts}")
    click.echo(f"{len(entries)} sources in {config.store_dir()}")
    table = store.summary()
    if len(table):
        click.echo("\ncases by program and fiscal year (a case in several files counted once, from the latest):")
        click.echo(table.to_string(index=False))
