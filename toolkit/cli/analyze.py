"""``h2gender analyze``: compute the evidence tables and findings without rendering a report."""
from __future__ import annotations

import json
from pathlib import Path

import click

from toolkit.cli.options import build_request, request_options
from toolkit.cli.progress import load_evidence, progress_option, stages


@click.command()
@request_options(langs=False)
@progress_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("reports/out/analysis"),
              show_default=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True,
              help="Format of the tables (the findings are always findings.json).")
@click.pass_context
def analyze(ctx, out, fmt, progress, **options) -> None:
    """Write the evidence tables (CSV or JSON, numbers unformatted, small cells suppressed, every row)
    and the findings with their numbers, intervals and sentences (findings.json)."""
    import pandas as pd

    from toolkit import disclosure, evidence, present, safeio

    request = build_request(ctx, **options)
    if len(request.langs) != 1:
        raise click.UsageError("analyze writes one language; use --lang en or --lang es")
    lang = request.langs[0]
    with stages(1 + len(evidence.PARTS), progress=progress, desc="analyze") as step:
        ev = load_evidence(request, step)[1]
    out.mkdir(parents=True, exist_ok=True)
    for name, table in ev.raw_tables.items():
        if name not in disclosure.ALLOWED_COLUMNS:
            click.echo(f"not written: {name} (no allow-list of publishable columns)", err=True)
            continue
        table = disclosure.publishable_columns(name, table)  # a column not on the allow-list is not written
        path = out / f"{name}.{fmt}"
        keep_index = not isinstance(table.index, pd.RangeIndex)
        if fmt == "csv":  # cells starting with = + - @ tab CR are neutralised (employers write those names)
            safeio.write_csv(table, path, index=keep_index)
        else:
            (table.reset_index() if keep_index else table).to_json(path, orient="records", indent=1, force_ascii=False)
        click.echo(f"wrote {path} ({len(table)} rows)")
    occ_name = present.occupation_namer(ev.soc_titles, lang)
    findings = []
    for f in ev.findings:
        title, text = present.finding_text(f, lang, k=ev.k, occ_name=occ_name)
        findings.append({**f.as_dict(), "title": title, "text": text})
    provenance = {key: value for key, value in ev.provenance.items() if key != "truth"}
    provenance["command"] = request.command(lang, verb="analyze")
    result = {"synthetic": ev.synthetic, "findings": findings, "provenance": provenance}
    (out / "findings.json").write_text(json.dumps(result, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    click.echo(f"wrote {out / 'findings.json'}")
