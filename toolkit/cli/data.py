"""``h2gender data``: catalog, fetch, ingest, status, verify.

The data directory comes from the root ``--data-dir`` option (``ctx.obj.data_dir``) and is
passed explicitly (``root=``, ``dest_dir=``) to the library; nothing here writes ``os.environ``
(``config.data_dir`` still reads ``$H2GENDER_DATA_DIR`` when no option is given).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import click

__all__ = ["data", "ingest_file"]


def _data_dir(ctx: click.Context) -> Path | None:
    obj = ctx.find_root().obj
    return getattr(obj, "data_dir", None)


def ingest_file(path: str | os.PathLike, *, root: str | os.PathLike | None = None,
                replace: bool = False) -> tuple[str, dict, dict]:
    """Read one DOL file (``dol.read_any``) and store it (``store.write_cases``/``write_table``
    under ``root``); returns (kind, the reader's accounting, the store's result)."""
    from toolkit import dol, store

    path = Path(path)
    sha = dol.sha256_file(path)
    kind, table = dol.read_any(path)
    if kind == "cases":
        res = store.write_cases(table, source_sha256=sha, source_file=path.name, root=root, replace=replace,
                                source_path=path)
    else:
        res = store.write_table(kind, table, source_sha256=sha, source_file=path.name, root=root, replace=replace,
                                source_path=path)
    return kind, table.attrs.get("accounting", {}), res


@click.group()
def data() -> None:
    """Data sources: list the catalog, download, ingest into the store, show and verify the store."""


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
@click.pass_context
def fetch(ctx, program, fiscal_year, companions, all_releases, force) -> None:
    """Download DOL disclosure files into the data directory (the only command that uses the network).

    By default the year's most complete release: quarterly files are cumulative, so the full-year
    (or Q4) file holds every case of the earlier quarters.
    """
    from toolkit import catalog, config
    from toolkit.errors import CatalogError
    from toolkit.fetch import fetch as fetch_one

    disclosure = catalog.find(program=program, fiscal_year=fiscal_year, kind="dol-disclosure")
    entries = disclosure if all_releases else catalog.most_complete(disclosure)
    if companions:
        entries += catalog.find(program=program, fiscal_year=fiscal_year, kind="dol-companion")
    if not entries:
        raise CatalogError(f"no catalog entry for {program} FY{fiscal_year}; `h2gender data catalog` lists them")
    for e in entries:
        path = fetch_one(e, force=force, dest_dir=config.raw_dir(_data_dir(ctx)))
        click.echo(f"{e['id']}: {path}")


@data.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True,
              help="Replace a stored file of the same name but different content (refused without it).")
@click.pass_context
def ingest(ctx, paths, replace) -> None:
    """Read DOL files (any era; disclosure or companion) into the harmonized store.

    Goes on past a file that fails, naming it and the cause; exits 1 at the end if any failed.
    """
    from tqdm.auto import tqdm

    from toolkit import config
    from toolkit.errors import ToolkitError

    root = config.store_dir(_data_dir(ctx))
    failed = []
    for path in tqdm(paths, desc="ingest", unit="file", disable=len(paths) < 2):
        try:
            kind, acc, res = ingest_file(path, root=root, replace=replace)
        except Exception as exc:  # report, go on with the next file; exit 1 at the end
            if ctx.find_root().obj is not None and ctx.find_root().obj.debug:
                raise
            cause = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if path.name not in cause:
                cause = f"{type(exc).__name__}: {cause}"
            click.echo(f"{path.name}: failed: {cause}", err=True)
            failed.append(path.name)
            continue
        dropped = ", ".join(f"{k} {v}" for k, v in acc.get("rows_dropped", {}).items()) or "none"
        workers = (f"; workers certified {acc.get('workers_certified_raw')} read, {acc.get('workers_certified')} kept"
                   if kind == "cases" else "")
        coerced = sum(acc.get("cells_coerced", {}).values())
        cells = f"; {coerced} cells emptied (accounting cells_coerced)" if coerced else ""
        click.echo(f"{path.name}: {kind} ({acc.get('layout', acc.get('kind', ''))}) {res['status']}; rows read "
                   f"{acc.get('rows_read')}, kept {acc.get('rows_kept')}, dropped: {dropped}{workers}{cells}")
        for sentence in (acc.get("name_disagrees") or {}).values():  # the rows decided; the name said otherwise
            click.echo(f"  note: {sentence}")
    if failed:  # the run's one-line cause; exit 1 (toolkit.cli.run)
        raise ToolkitError(f"{len(failed)} of {len(paths)} files failed: {', '.join(failed)}")


@data.command()
@click.pass_context
def status(ctx) -> None:
    """What is in the store: sources with sha256, cases and workers by program and year."""
    from toolkit import config, store

    root = config.store_dir(_data_dir(ctx))
    entries = store.manifest(root)
    if not entries:
        click.echo(f"the store at {root} is empty; run `h2gender data ingest FILE...`")
        return
    for sha, e in sorted(entries.items(), key=lambda kv: kv[1]["source_file"]):
        parts = ", ".join(e.get("partitions", [])) or e.get("kind")
        click.echo(f"{e['source_file']:<50} {sha[:12]}  {e['rows']:>7} rows  {parts}")
    click.echo(f"{len(entries)} sources in {root}")
    table = store.summary(root)
    if len(table):
        click.echo("\ncases by program and fiscal year (a case in several files counted once, from the latest):")
        click.echo(table.to_string(index=False))


@data.command()
@click.option("--repair", is_flag=True,
              help="Fix what is found: rebuild a lost manifest, remove orphan files; ingest a damaged source "
                   "again from the path it was ingested from or the raw folder when it is there (same sha256), "
                   "else drop it and name what is lost. Never touches a path outside the store.")
@click.pass_context
def verify(ctx, repair) -> None:
    """Check the store: files the manifest lists but are missing, altered (sha256), unreadable or
    outside the store, and orphan files it does not list (left by an interrupted write). Exits 1
    when problems are found and not repaired."""
    from toolkit import config, dol, store
    from toolkit.errors import StoreError

    data_dir = _data_dir(ctx)
    root = config.store_dir(data_dir)
    problems = store.verify(root)
    for p in problems:
        source = f" ({p['source_file']})" if p.get("source_file") else ""
        detail = f": {p['detail']}" if p.get("detail") else ""
        click.echo(f"{p['problem']:<10} {p['file']}{source}{detail}")
    if not problems:
        click.echo(f"the store at {root} is sound: {len(store.manifest(root))} sources, every file readable")
        return
    if not repair:
        raise StoreError(f"{len(problems)} problems in the store at {root}; `h2gender data verify --repair` "
                         "fixes them")
    for a in store.repair(root, raw_dir=config.raw_dir(data_dir), reader=dol.read_any):
        click.echo(f"repaired   {a['file']}: {a['action']}")
    left = store.verify(root)
    if left:
        raise StoreError(f"{len(left)} problems remain in the store at {root}: "
                         f"{', '.join(p['file'] for p in left)}")
    click.echo(f"the store at {root} is sound after repair")
