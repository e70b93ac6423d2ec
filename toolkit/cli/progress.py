"""Progress on stderr for the commands that can run for minutes (``report``, ``analyze``, ``site``).

One tqdm bar per command over its named stages (reading, each evidence part, rendering), with the
time spent so far. It is drawn only on a terminal: ``--progress/--no-progress`` overrides, and
nothing is drawn when stderr is not a TTY (pipes, CI logs, ``CliRunner`` in the tests); notebooks
call the library, which draws nothing.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

__all__ = ["progress_option", "enabled", "stages", "load_evidence"]


def progress_option(f):
    """Decorator adding ``--progress/--no-progress`` (default: on when stderr is a terminal)."""
    return click.option("--progress/--no-progress", "progress", default=None,
                        help="Show progress bars on stderr [default: when stderr is a terminal].")(f)


def enabled(progress: bool | None) -> bool:
    """The option's value, or whether stderr is a terminal when it was not given."""
    return sys.stderr.isatty() if progress is None else bool(progress)


def load_evidence(request, step: Callable[[str], None]):
    """``dataset.load`` then ``evidence.build`` for ``request``, each stage named to ``step``
    (one for the loading, one per ``evidence.PARTS``); the worker file's accounting is printed.
    Returns (dataset, evidence)."""
    from toolkit import dataset, evidence, runinfo, workers

    step("loading data" + (" and worker records" if request.workers_path else ""))
    ds = dataset.load(request)
    if "workers" in ds.accounting:
        click.echo(f"worker records: {workers.describe_accounting(ds.accounting['workers'])}", err=True)
    ev = evidence.build(ds, commit=runinfo.git_commit(), rendered=runinfo.now_utc(),
                        progress=lambda part: step(f"evidence: {part}"))
    return ds, ev


@contextmanager
def stages(total: int, *, progress: bool | None, desc: str) -> Iterator[Callable[[str], None]]:
    """A bar of ``total`` stages; yields ``step(name)``, which closes the stage running (if any)
    and shows ``name`` as the one now running.

    >>> with stages(2, progress=False, desc="report") as step:
    ...     step("reading"); step("rendering")
    """
    from tqdm import tqdm

    bar = tqdm(total=total, desc=desc, file=sys.stderr, disable=not enabled(progress), unit="stage",
               bar_format="{desc}: {n_fmt}/{total_fmt} stages [{elapsed}] {postfix}", leave=True)
    started = [False]

    def step(name: str) -> None:
        if started[0]:
            bar.update(1)
        started[0] = True
        bar.set_postfix_str(name, refresh=True)

    try:
        yield step
        if started[0]:
            bar.update(1)
        bar.set_postfix_str("done", refresh=True)
    finally:
        bar.close()
