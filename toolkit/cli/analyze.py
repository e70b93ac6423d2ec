"""``h2gender analyze``: compute the evidence tables and findings without rendering a report."""
from __future__ import annotations

import json
import os
from pathlib import Path

import click


@click.command()
@click.option("--program", type=click.Choice(["H-2A", "H-2B", "all"]), default="all", show_default=True)
@click.option("--fy", "fiscal_year", type=int, default=2019, show_default=True)
@click.option("--state", default=None, help="Worksite state (USPS code); default all.")
@click.option("--lang", type=click.Choice(["en", "es"]), default="en", show_default=True)
@click.option("--data", type=click.Choice(["synthetic", "store"]), default="synthetic", show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("reports/out/analysis"),
              show_default=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True,
              help="Format of the tables (the findings are always findings.json).")
@click.option("--k", type=click.IntRange(min=1), default=10, show_default=True,
              help="Suppress counts below k in every table and sentence.")
@click.option("--seed", type=int, default=2019, show_default=True)
@click.option("--workers", "workers_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Worker records you hold (CSV/xlsx: survey, FOIA extract, case files) with sex; see toolkit.workers.")
@click.option("--mapping", "mapping_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="YAML mapping of your column names to the toolkit's (example: toolkit/data/example_worker_mapping.yaml).")
@click.pass_context
def analyze(ctx, program, fiscal_year, state, lang, data, out, fmt, k, seed, workers_path, mapping_path) -> None:
    """Write the evidence tables (CSV or JSON, numbers unformatted, small cells suppressed) and the
    findings with their numbers and intervals (findings.json)."""
    import matplotlib
    import pandas as pd

    matplotlib.use("Agg")
    from toolkit import evidence

    obj = ctx.find_root().obj
    if obj is not None and obj.data_dir is not None:
        os.environ["H2GENDER_DATA_DIR"] = str(obj.data_dir)
    cases, workers, files = evidence.load_data(data, program, fiscal_year, state=state and state.upper(), seed=seed,
                                               workers_path=workers_path, mapping=mapping_path)
    from toolkit import disclosure

    for f in files:
        if f.get("accounting"):
            click.echo(f"worker records: {_describe(f['accounting'])}", err=True)
    ev = evidence.build_evidence(cases, workers, program=program, fiscal_year=fiscal_year, state=state, lang=lang,
                                 k=k, seed=seed, data=data, files=files)
    out.mkdir(parents=True, exist_ok=True)
    for name, table in ev.raw_tables.items():
        if name not in disclosure.ALLOWED_COLUMNS:
            click.echo(f"not written: {name} (no allow-list of publishable columns)", err=True)
            continue
        table = disclosure.publishable_columns(name, table)  # a column not on the allow-list is not written
        path = out / f"{name}.{fmt}"
        keep_index = not isinstance(table.index, pd.RangeIndex)
        if fmt == "csv":
            table.to_csv(path, index=keep_index)
        else:
            (table.reset_index() if keep_index else table).to_json(path, orient="records", indent=1, force_ascii=False)
        click.echo(f"wrote {path}")
    findings = {"synthetic": ev.synthetic, "findings": ev.findings, "provenance": ev.provenance}
    (out / "findings.json").write_text(json.dumps(findings, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    click.echo(f"wrote {out / 'findings.json'}")


def _describe(accounting: dict) -> str:
    """One line for the terminal from the accounting in the provenance (``workers.Accounting``)."""
    from toolkit.workers import Accounting

    fields = {**accounting, "identifier_columns_dropped": tuple(accounting.get("identifier_columns_dropped", ()))}
    return Accounting(**fields).describe()
