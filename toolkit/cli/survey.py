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
