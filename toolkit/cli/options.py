"""The options that describe a request, shared by ``report``, ``analyze`` (and later commands), and
the one place a ``Request`` is built from them. Values are validated by ``Request`` itself, so the
CLI, notebooks and Python give the same messages."""
from __future__ import annotations

from pathlib import Path

import click

__all__ = ["request_options", "build_request", "new_release_option", "ledger_forced", "guard_publication"]


def request_options(*, langs: bool = True, fy: str = "2019", lang: str = "en"):
    """Decorator adding --program, --fy, --state, --lang, --data, --k, --benchmark-year, --infer-soc, --seed,
    --workers, --mapping
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
            click.option("--infer-soc", "infer_soc", is_flag=True, default=False,
                         help="Give positions without a SOC code (H-2A FY2008-2013) one inferred from the job title "
                              "where the classifier trained on the years with both is confident; inferred codes are "
                              "marked, the rest stay not benchmarked (toolkit.soc_inference)."),
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
                  mapping_path, benchmark_year=None, infer_soc=False):
    """The ``Request`` for these options; a bad value is a usage error (exit 2) naming the option."""
    from toolkit.dataset import Request
    from toolkit.errors import RequestError

    obj = ctx.find_root().obj
    try:
        return Request.build(data=data, program=program, fy=fiscal_years, state=state, lang=lang, k=k, seed=seed,
                             workers_path=workers_path, mapping_path=mapping_path, benchmark_year=benchmark_year,
                             infer_soc=infer_soc, data_dir=obj.data_dir if obj is not None else None)
    except RequestError as exc:
        raise click.UsageError(str(exc)) from exc


def new_release_option(f):
    """``--new-release``: start a new release of publications from the worker file (``toolkit.ledger``)."""
    return click.option("--new-release", is_flag=True, default=False,
                        help="Start a new release from this worker file: earlier publications from it are no longer "
                             "audited against, so their outputs must be withdrawn first (see README, the ledger).")(f)


def _worker_sha(ds) -> str | None:
    acc = ds.accounting.get("workers") if ds.workers is not None else None
    return None if acc is None else dict(acc).get("sha256")


def _store(ctx: click.Context):
    from toolkit import config

    obj = ctx.find_root().obj
    return config.store_dir(obj.data_dir if obj is not None else None)


def ledger_forced(ctx: click.Context, ds, *, new_release: bool = False) -> dict:
    """Rows earlier publications from the same worker file hid in this scope (``ledger.forced``)."""
    from toolkit import ledger

    sha = _worker_sha(ds)
    if sha is None or new_release:
        return {}
    return ledger.forced(sha, ds.request.fiscal_years, ds.request.states, root=_store(ctx))


def guard_publication(ctx: click.Context, ds, evidences, *, command: str, new_release: bool, created: str) -> None:
    """Audit what ``evidences`` publish from worker records with everything published before from
    the same file, and record it (``ledger.check_and_record``); a refusal names the earlier
    publication and stops the command before anything is written."""
    from toolkit import disclosure

    try:
        _check_and_record(ctx, ds, evidences, command=command, new_release=new_release, created=created)
    except disclosure.AuditError as exc:
        raise click.ClickException(str(exc)) from exc


def _check_and_record(ctx: click.Context, ds, evidences, *, command: str, new_release: bool, created: str) -> None:
    import pandas as pd

    from toolkit import ledger

    sha = _worker_sha(ds)
    cells = [c for ev in evidences for c in ev.disclosed]
    if sha is None or not cells:
        return  # no worker file, or a refused scope: nothing from the records is published
    sup = pd.concat([ev.support for ev in evidences if len(ev.support)], ignore_index=True).drop_duplicates()
    ledger.check_and_record(sha, cells, sup, k=ds.request.k, command=command, years=ds.request.fiscal_years,
                            states=ds.request.states, created=created, new_release=new_release, root=_store(ctx))


#: Rounds of extra suppression ``guarded_build`` tries before it refuses.
MAX_SUPPRESSION_ROUNDS = 8


def guarded_build(ctx: click.Context, ds, build, *, command: str, new_release: bool):
    """``build(forced)`` -> a ``Publication``, audited and recorded as ``guard_publication`` does;
    when the audit finds a hidden count that the publication (alone or with the ledger) narrows,
    more rows are hidden and the publication is built again, up to ``MAX_SUPPRESSION_ROUNDS``.

    Each round hides, in every dimension where a hidden count of one sex was narrowed, the visible
    row with the smallest published count of that sex (``widen_suppression``): hiding more can only
    widen each hidden count's feasible interval, so the rounds end in a publication that passes or
    in one with nothing left to hide, which is refused as before. Rows hidden start from what
    earlier publications from the same file hid in this scope (``ledger.forced``).
    """
    from toolkit import disclosure

    forced = {dim: set(values) for dim, values in ledger_forced(ctx, ds, new_release=new_release).items()}
    for _ in range(MAX_SUPPRESSION_ROUNDS + 1):
        pub = build(forced)
        evidences = list({id(s.evidence): s.evidence for s in pub.scopes}.values())
        try:
            _check_and_record(ctx, ds, evidences, command=command, new_release=new_release, created=pub.rendered)
            return pub
        except disclosure.AuditError as exc:
            wider = widen_suppression(forced, exc.failures, [c for ev in evidences for c in ev.disclosed])
            if wider == forced:
                raise click.ClickException(str(exc)) from exc
            forced = wider
    raise click.ClickException(str(exc))


def widen_suppression(forced: dict, failures, cells) -> dict:
    """``forced`` (dimension -> values hidden whatever their counts) plus, for each dimension and sex
    in ``failures`` (an audit's unsafe cells), the published row of that dimension with the smallest
    count of that sex that is not hidden yet (ties by value, so the choice depends on nothing
    hidden). Dimensions that are not rows of a table (totals, the selection margin) add nothing."""
    out = {dim: set(values) for dim, values in forced.items()}
    for dim, sex in sorted({(r.dim, r.sex) for r in failures.itertuples()}):
        if dim.startswith("_"):
            continue
        shown = sorted((c.count, c.values[0]) for c in cells
                       if c.dim == dim and c.sex == sex and c.count is not None and len(c.values) == 1
                       and c.values[0] not in out.get(dim, set()))
        if shown:
            out.setdefault(dim, set()).add(shown[0][1])
    return out
