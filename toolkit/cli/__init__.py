"""The ``h2gender`` command (also ``python -m toolkit``): thin commands over the library.

Exit codes: 0 success; 2 usage error (unknown option, bad value); 1 a failed run, with a one-line
cause on stderr (the traceback only with ``--debug``).

Subcommands live in their own modules: ``toolkit.cli.data`` (catalog, fetch, ingest, status),
``toolkit.cli.analyze`` and ``toolkit.cli.report``. Heavy libraries are imported inside commands so
``h2gender --help`` stays fast.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from toolkit import __version__

__all__ = ["main", "run", "Context"]


class Context:
    """Options shared by every subcommand (``click`` passes it as ``ctx.obj``)."""

    def __init__(self, data_dir: Path | None, debug: bool):
        self.data_dir = data_dir
        self.debug = debug


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="h2gender")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data directory (raw downloads and the Parquet store). Default: $H2GENDER_DATA_DIR, "
    "else the per-user data directory.",
)
@click.option("--debug", is_flag=True, help="Show the full traceback when a command fails.")
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None, debug: bool) -> None:
    """Evidence of sex discrimination in US H-2A/H-2B temporary-visa data.

    \b
    h2gender data catalog            list the known data sources
    h2gender data fetch ...          download DOL disclosure files
    h2gender data ingest PATH...     read files into the harmonized store
    h2gender analyze ...             compute the evidence tables
    h2gender report ...              render the evidence report (HTML/PDF, English/Spanish)
    h2gender site ...                write the offline evidence site (states, employers, recruiters)
    h2gender survey form|map         the worker survey (KoboToolbox/ODK) and mappings of exports
    """
    ctx.obj = Context(data_dir=data_dir, debug=debug)


def _register() -> None:
    from toolkit.cli import analyze, data, report, scan
    from toolkit.cli import site, survey

    main.add_command(data.data)
    main.add_command(analyze.analyze)
    main.add_command(report.report)
    main.add_command(scan.scan)
    main.add_command(site.site)
    main.add_command(survey.survey)


_register()


def run(argv: list[str] | None = None) -> None:
    """Console-script entry point: map failures to exit code 1 with a one-line message."""
    args = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in args
    try:
        main.main(args=args, prog_name="h2gender", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:  # UsageError, BadParameter, ...: exit 2 (1 for others)
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as exc:  # a failed run: one line, no traceback unless --debug
        if debug:
            raise
        from toolkit.errors import ToolkitError

        cause = str(exc).splitlines()[0] if str(exc) else ""
        if not isinstance(exc, ToolkitError):
            cause = f"{type(exc).__name__}: {cause}"
        click.echo(f"error: {cause}", err=True)
        click.echo("(run again with --debug for the full traceback)", err=True)
        sys.exit(1)
    sys.exit(0)
