"""``h2gender survey``: the worker survey form and the mapping of other forms' exports."""
from __future__ import annotations

from pathlib import Path

import click


@click.group()
def survey() -> None:
    """The worker survey (XLSForm for KoboToolbox / ODK) and its exports.

    \b
    h2gender survey form --out DIR               the form and the organizer's guide (en, es)
    h2gender survey map EXPORT --form FORM.xlsx  draft a mapping for an export of another form
    h2gender survey check EXPORT                 what the import reads from an export of the form
    Exports of the shipped form need no mapping: h2gender report --workers export.xlsx
    """


@survey.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("survey"), show_default=True,
              help="Folder for the form and the guides.")
def form(out: Path) -> None:
    """Write the survey form (XLSForm, English and Spanish) and the organizer's guide."""
    from toolkit.survey import write_kit

    for path in write_kit(out):
        click.echo(f"written: {path}")


@survey.command(name="map")
@click.argument("export", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--form", "form_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="The XLSForm the export came from.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the mapping YAML (default: print it).")
def map_(export: Path, form_path: Path, out: Path | None) -> None:
    """Draft the mapping file (for --mapping) of EXPORT from the form it came from."""
    from toolkit.survey import exports, mapping, xlsform

    main, _ = exports.read_export_tables(export)
    sheets = xlsform.read_xlsform(form_path)
    draft = mapping.draft_mapping(main.columns, sheets["survey"], sheets["choices"])
    text = mapping.mapping_yaml(draft, export_name=export.name, form_name=form_path.name)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"written: {out} ({len(draft.mapping['columns'])} fields mapped, {len(draft.notes)} notes)")


@survey.command()
@click.argument("export", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check(export: Path) -> None:
    """Say what the import reads from EXPORT (an export of the shipped form): rows and why some
    cannot be used, form versions, repeat rows, and what it left aside."""
    from toolkit.errors import SchemaError
    from toolkit.survey import exports

    ex = exports.read_form_export(export)
    if ex is None:
        raise SchemaError(f"{export.name}: not an export of the shipped survey (no columns named "
                          f"{', '.join(exports.SIGNATURE)}); use `h2gender survey map` and --mapping")
    reasons = ex.reasons.value_counts().to_dict()
    click.echo(f"{ex.source_file}: {len(ex.table):,} submissions, {len(ex.table) - sum(reasons.values()):,} usable"
               + "".join(f"; {why} {n:,}" for why, n in sorted(reasons.items())))
    versions = ", ".join(f"{v or '(none)'} {n:,}" for v, n in sorted(ex.versions.items()))
    click.echo(f"form versions: {versions or '-'}")
    for name, table in ex.repeats.items():
        click.echo(f"repeat {name}: {len(table):,} rows joined to their submissions")
    for label, value in (("repeat rows without their submission", ex.orphan_repeat_rows),
                         ("select-many answers whose 1/0 columns disagree (the joined column is read)",
                          ex.select_multiple_conflicts)):
        if value:
            click.echo(f"{label}: {value:,}")
    for why, n in sorted(ex.wages_not_hourly.items()):
        click.echo(f"wages with no hourly rate ({why}), read as missing: {n:,}")
    if ex.ignored_columns:
        click.echo(f"columns not in the form, left aside: {', '.join(ex.ignored_columns)}")
