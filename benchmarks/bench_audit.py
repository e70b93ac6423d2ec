"""Speed of the disclosure audit (``toolkit.disclosure.audit``) against building the evidence it audits.

    .venv/bin/python benchmarks/bench_audit.py

The synthetic H-2B request (every state, the default k = 10; hundreds of employers with fewer than
k workers are hidden rows) is built once (``evidence.build``); the audit of everything it publishes
from worker records then runs three ways: the default (rounds of LPs over every cell still without
a witness, then one LP per cell left), ``exact=True`` (two LPs per hidden cell, the intervals
sdcTable's ``attack()`` reports) and, for a publication and its ledger, the same cells twice (two
identical publications audited together). Ratios are against the evidence build of the same run.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import measure, row  # noqa: E402

from toolkit import dataset, disclosure, evidence  # noqa: E402


def main() -> None:
    request = dataset.Request.build(data="synthetic", program="H-2B", n_bootstrap=20)
    ds = dataset.load(request)
    ev, build_s, build_mb = measure(evidence.build, ds, commit="bench", rendered="", trace_memory=False)
    hidden = sum(c.count is None for c in ev.disclosed)
    print(f"{len(ev.disclosed):,} published relations, {hidden:,} hidden cells, {len(ev.support):,} atoms")
    print(row("evidence.build (baseline)", build_s, build_mb))
    out, s, mb = measure(disclosure.audit, ev.disclosed, ev.support, k=request.k, trace_memory=False)
    print(row(f"audit (witness rounds; all safe: {bool(out['safe'].all())})", s, mb, build_s))
    _, s, mb = measure(disclosure.audit, ev.disclosed + ev.disclosed, ev.support, k=request.k, trace_memory=False)
    print(row("audit of the publication beside its own ledger entry", s, mb, build_s))
    _, s, mb = measure(disclosure.audit, ev.disclosed, ev.support, k=request.k, exact=True, trace_memory=False)
    print(row("audit exact=True (two LPs per hidden cell)", s, mb, build_s))


if __name__ == "__main__":
    main()
