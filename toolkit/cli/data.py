"""``h2gender data``: catalog, fetch, ingest, status (filled by the DOL data layer)."""
from __future__ import annotations

import click


@click.group()
def data() -> None:
    """Data sources: list the catalog, download, ingest into the store, show store status."""
