"""``h2gender report``: render the evidence report (HTML and/or PDF, English and/or Spanish)."""
from __future__ import annotations

import os
from pathlib import Path

import click

_LANGS = ("en", "es")


def _langs(ctx, param, value: str) -> list[str]:
    langs = [v.strip() for v in value.split(",") if v.strip()]
    bad = [v for v in langs if v not in _LANGS]
    if bad or not langs:
        raise click.BadParameter(f"use en, es or en,es (got {value!r})")
    return langs


@click.command()
@click.option("--program", type=click.Choice(["H-2A", "H-2B", "all"]), default="all", show_default=True)
@click.option("--fy", "fiscal_year", type=int, default=2019, show_default=True, help="Fiscal year.")
@click.option("--state", default=None, help="Worksite state (USPS code, e.g. TX); default all states.")
@click.option("--lang", default="en", show_default=True, callback=_langs, help="en, es, or en,es for both.")
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "both"]), default="both", show_default=True)
@click.option("--data", type=click.Choice(["synthetic", "store"]), default="synthetic", show_default=True,
              help="synthetic: embedded demonstration data; store: DOL files ingested with `h2gender data ingest`.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("reports/out"), show_default=True)
@click.option("--k", type=click.IntRange(min=1), default=10, show_default=True,
              help="Suppress counts below k in every table, map and sentence.")
@click.option("--seed", type=int, default=2019, show_default=True, help="Seed of the synthetic data.")
@click.option("--workers", "workers_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Worker records you hold (CSV/xlsx: survey, FOIA extract, case files) with sex; see toolkit.workers.")
@click.option("--mapping", "mapping_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="YAML mapping of your column names to the toolkit's (example: toolkit/data/example_worker_mapping.yaml).")
@click.pass_context
def report(ctx, program, fiscal_year, state, lang, fmt, data, out, k, seed, workers_path, mapping_path) -> None:
    """Render the evidence report (papermill template -> HTML -> PDF with WeasyPrint)."""
    from tqdm.auto import tqdm

    from toolkit import report as rep
    from toolkit.errors import ReportError

    obj = ctx.find_root().obj
    if obj is not None and obj.data_dir is not None:
        os.environ["H2GENDER_DATA_DIR"] = str(obj.data_dir)
    if state is not None:
        state = state.strip().upper()
        if len(state) != 2 or not state.isalpha():
            raise click.BadParameter(f"state must be a two-letter USPS code such as TX, got {state!r}", param_hint="--state")
    if workers_path is not None:  # account for the records before rendering (and fail early when none is left)
        from toolkit import evidence
        from toolkit.cli.analyze import _describe

        programs = ("H-2A", "H-2B") if program == "all" else (program,)
        records = evidence._user_workers(workers_path, mapping_path, programs, fiscal_year, state)
        click.echo(f"worker records: {_describe(records.accounting.as_dict())}", err=True)
    written, pdf_error = [], None
    for one in tqdm(lang, desc="report", unit="language", disable=len(lang) < 2):
        click.echo(f"==> rendering the {one.upper()} report ({program}, FY{fiscal_year}, {data} data)", err=True)
        try:
            written += rep.render(program=program, fiscal_year=fiscal_year, state=state, lang=one, fmt=fmt,
                                  data=data, out=out, k=k, seed=seed, workers_path=workers_path,
                                  mapping_path=mapping_path)
        except ReportError as exc:
            if "WeasyPrint" not in str(exc):
                raise
            pdf_error = exc  # the HTML was written; the PDF needs WeasyPrint
            written.append(rep.output_path(program=program, fiscal_year=fiscal_year, state=state, data=data,
                                           lang=one, out=out))
    for path in written:
        click.echo(f"Report written: {path}")
    if pdf_error:
        raise pdf_error
