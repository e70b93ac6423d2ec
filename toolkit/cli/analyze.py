"""``h2gender analyze``: compute the evidence tables and findings without rendering a report."""
from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli.options import build_request, new_release_option, request_options
from toolkit.cli.progress import load_publication, progress_option, stages


@click.command()
@request_options(langs=False)
@progress_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("reports/out/analysis"),
              show_default=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True,
              help="Format of the tables (the findings are always findings.json).")
@new_release_option
@click.pass_context
def analyze(ctx, out, fmt, progress, new_release, **options) -> None:
    """Write the evidence tables (CSV or JSON, numbers unformatted, small cells suppressed, every row)
    and the findings with their numbers, intervals and sentences (findings.json)."""
    from toolkit import evidence, tables_out

    request = build_request(ctx, **options)
    if len(request.langs) != 1:
        raise click.UsageError("analyze writes one language; use --lang en or --lang es")
    with stages(1 + len(evidence.PARTS), progress=progress, desc="analyze") as step:
        pub = load_publication(request, step, kind="analyze", ctx=ctx, new_release=new_release)[1]
    tables_out.write(pub, out, lang=request.langs[0], fmt=fmt, say=click.echo)
