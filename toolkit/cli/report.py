"""``h2gender report``: render the evidence report."""
from __future__ import annotations

import click


@click.command()
def report() -> None:
    """Render the evidence report (HTML and/or PDF, English or Spanish)."""
    raise click.ClickException("report is not available yet")
