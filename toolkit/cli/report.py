"""``h2gender report``: render the evidence report (HTML and/or PDF, English and/or Spanish)."""
from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli.options import build_request, new_release_option, request_options
from toolkit.cli.progress import load_publication, progress_option, stages


@click.command()
@request_options()
@progress_option
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "both"]), default="both", show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("reports/out"), show_default=True)
@click.option("--paper", "paper_size", type=click.Choice(["letter", "a4"]), default=None,
              help="PDF page size; default letter (English and Spanish: US filings, Mexican carta).")
@new_release_option
@click.pass_context
def report(ctx, fmt, out, paper_size, progress, new_release, **options) -> None:
    """Render the evidence report (evidence -> HTML -> PDF with WeasyPrint; no Jupyter kernel)."""
    from toolkit import evidence
    from toolkit import report as rep
    from toolkit.errors import ReportError

    request = build_request(ctx, **options)
    click.echo(f"==> loading {request.source} data ({request.program_label}, FY{request.years_label})", err=True)
    written, pdf_error = [], None
    with stages(1 + len(evidence.PARTS) + len(request.langs), progress=progress, desc="report") as step:
        ev = load_publication(request, step, kind="report", ctx=ctx, new_release=new_release)[1].scope().evidence
        for lang in request.langs:
            step(f"rendering the {lang.upper()} report")
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
