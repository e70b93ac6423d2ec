"""``h2gender report``: render the evidence report (HTML and/or PDF, English and/or Spanish)."""
from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli.options import build_request, request_options


@click.command()
@request_options()
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "both"]), default="both", show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("reports/out"), show_default=True)
@click.option("--paper", "paper_size", type=click.Choice(["letter", "a4"]), default=None,
              help="PDF page size; default letter (English and Spanish: US filings, Mexican carta).")
@click.pass_context
def report(ctx, fmt, out, paper_size, **options) -> None:
    """Render the evidence report (evidence -> HTML -> PDF with WeasyPrint; no Jupyter kernel)."""
    from tqdm.auto import tqdm

    from toolkit import dataset, publication, runinfo, workers
    from toolkit import report as rep
    from toolkit.errors import ReportError

    request = build_request(ctx, **options)
    click.echo(f"==> loading {request.source} data ({request.program_label}, FY{request.years_label})", err=True)
    ds = dataset.load(request)
    if "workers" in ds.accounting:
        click.echo(f"worker records: {workers.describe_accounting(ds.accounting['workers'])}", err=True)
    pub = publication.build(ds, kind="report", commit=runinfo.git_commit(), rendered=runinfo.now_utc())
    ev = pub.scope().evidence
    written, pdf_error = [], None
    for lang in tqdm(request.langs, desc="report", unit="language", disable=len(request.langs) < 2):
        click.echo(f"==> rendering the {lang.upper()} report", err=True)
        try:
            written += rep.render(ev, lang=lang, fmt=fmt, out=out, paper_size=paper_size)
        except ReportError as exc:
            if "WeasyPrint" not in str(exc):
                raise
            pdf_error = exc  # the HTML was written; the PDF needs WeasyPrint
            written.append(rep.output_path(ev, lang=lang, out=out))
    for path in dict.fromkeys(written):
        click.echo(f"Report written: {path}")
    if pdf_error:
        raise pdf_error
