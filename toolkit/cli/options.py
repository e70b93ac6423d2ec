"""The options that describe a request, shared by ``report``, ``analyze`` (and later commands), and
the one place a ``Request`` is built from them. Values are validated by ``Request`` itself, so the
CLI, notebooks and Python give the same messages."""
from __future__ import annotations

from pathlib import Path

import click

__all__ = ["request_options", "build_request"]


def request_options(*, langs: bool = True, fy: str = "2019", lang: str = "en"):
    """Decorator adding --program, --fy, --state, --lang, --data, --k, --benchmark-year, --seed, --workers, --mapping
    (``fy`` and ``lang``: the command's defaults)."""
    def wrap(f):
        options = [
            click.option("--program", default="all", show_default=True, help="H-2A, H-2B or all."),
            click.option("--fy", "fiscal_years", default=fy, show_default=True,
                         help="Fiscal year, a range (2010-2019) or a list (2013,2015)."),
            click.option("--state", default=None, help="Worksite state(s), USPS codes (TX or TX,GA); default all."),
            click.option("--lang", default=lang, show_default=True,
                         help="en, es, or en,es for both." if langs else "en or es."),
            click.option("--data", type=click.Choice(["synthetic", "store"]), default="synthetic", show_default=True,
                         help="synthetic: embedded demonstration data; store: DOL files ingested with "
                              "`h2gender data ingest`."),
            click.option("--k", type=click.IntRange(min=1), default=10, show_default=True,
                         help="Suppress counts of people below k in every table, map and sentence."),
            click.option("--benchmark-year", "benchmark_year", type=int, default=None,
                         help="CPS Table 11 year for every fiscal year (2019, 2021, 2022, 2023); default: each "
                              "fiscal year takes the nearest CPS year of its occupation classification."),
            click.option("--seed", type=int, default=2019, show_default=True,
                         help="Seed of the synthetic data and of the bootstraps."),
            click.option("--workers", "workers_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                         default=None, help="Worker records you hold (CSV/xlsx: survey, FOIA extract, case files) "
                                            "with sex; see toolkit.workers."),
            click.option("--mapping", "mapping_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                         default=None, help="YAML mapping of your column names to the toolkit's (example: "
                                            "toolkit/data/example_worker_mapping.yaml)."),
        ]
        for option in reversed(options):
            f = option(f)
        return f
    return wrap


def build_request(ctx: click.Context, *, program, fiscal_years, state, lang, data, k, seed, workers_path,
                  mapping_path, benchmark_year=None):
    """The ``Request`` for these options; a bad value is a usage error (exit 2) naming the option."""
    from toolkit.dataset import Request
    from toolkit.errors import RequestError

    obj = ctx.find_root().obj
    try:
        return Request.build(data=data, program=program, fy=fiscal_years, state=state, lang=lang, k=k, seed=seed,
                             workers_path=workers_path, mapping_path=mapping_path, benchmark_year=benchmark_year,
                             data_dir=obj.data_dir if obj is not None else None)
    except RequestError as exc:
        raise click.UsageError(str(exc)) from exc
