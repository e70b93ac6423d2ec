"""``h2gender analyze``: compute the evidence tables and findings without rendering a report."""
from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli.options import build_request, request_options


@click.command()
@request_options(langs=False)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("reports/out/analysis"),
              show_default=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True,
              help="Format of the tables (the findings are always findings.json).")
@click.pass_context
def analyze(ctx, out, fmt, **options) -> None:
    """Write the evidence tables (CSV or JSON, numbers unformatted, small cells suppressed, every row)
    and the findings with their numbers, intervals and sentences (findings.json)."""
    from toolkit import dataset, publication, runinfo, tables_out, workers

    request = build_request(ctx, **options)
    if len(request.langs) != 1:
        raise click.UsageError("analyze writes one language; use --lang en or --lang es")
    ds = dataset.load(request)
    if "workers" in ds.accounting:
        click.echo(f"worker records: {workers.describe_accounting(ds.accounting['workers'])}", err=True)
    pub = publication.build(ds, kind="analyze", commit=runinfo.git_commit(), rendered=runinfo.now_utc())
    tables_out.write(pub, out, lang=request.langs[0], fmt=fmt, say=click.echo)
