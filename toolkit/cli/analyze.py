"""``h2gender analyze``: compute the evidence tables for a scope and write them as CSV."""
from __future__ import annotations

import click


@click.command()
def analyze() -> None:
    """Compute segregation and discrimination tables (CSV) for a program, year and state."""
    raise click.ClickException("analyze is not available yet")
