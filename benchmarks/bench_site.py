"""Time of the whole evidence site for the shared DOL files, seconds per page, and page sizes.

    .venv/bin/python benchmarks/bench_site.py [--dol ../shared/data/dol] [--fy 2000-2022] [--lang es,en]
                                              [--pdf] [--jobs N] [--trace-memory]
                                              [--out DIR]

Ingests every shared DOL file (disclosure files and their companions) into a temporary store
(timed apart: publishing a site starts from a store), then runs the stages of ``h2gender site``
in this process: ``dataset.load``, ``publication.build(kind="site")`` (the employer match once,
``evidence.build`` + the site's wording per program x state in the pool, the directories) and
``site.render`` (pages written). Baseline, in the same run: one state's full report page
(``report.render_html``, the path a report takes) against that state's site page, so the ratio
says what a page costs next to a report. Target (issue 14): the whole site in at
most 3 minutes on the 2-core machine, most pages under 100 KB. With ``--against DIR`` (another
checkout, e.g. ``git worktree add /tmp/main main``) the same stages of that checkout's own
``bench_site.py`` run on the same store, alternating with this one (``--rounds``), and the stage
times of both are printed side by side with their ratio and the load average, and the CPU
seconds of each run (user + system, its evidence processes included), which other jobs on a
shared machine disturb less than wall time.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._util import measure, row  # noqa: E402


def _ingest(dol: Path, data_dir: Path) -> int:
    from toolkit import config
    from toolkit.cli.data import ingest_file

    root = config.store_dir(data_dir)
    paths = [p for p in sorted(dol.iterdir()) if p.suffix.lower() in (".csv", ".xlsx", ".xls")]
    for path in paths:
        ingest_file(path, root=root)
    return len(paths)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dol", type=Path, default=ROOT.parent / "shared" / "data" / "dol")
    ap.add_argument("--fy", default="2000-2022")
    ap.add_argument("--lang", default="es,en")
    ap.add_argument("--pdf", action="store_true", help="also print every scope's evidence to PDF (h2gender site --pdf)")
    ap.add_argument("--trace-memory", action="store_true",
                    help="also report peak Python memory per stage (tracemalloc slows the stages down)")
    ap.add_argument("--jobs", type=int, default=None, help="processes for the evidence (default: one per CPU)")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--data-dir", type=Path, default=None,
                    help="a data directory whose store an earlier run ingested (the ingest is skipped)")
    ap.add_argument("--against", type=Path, default=None,
                    help="another checkout whose site is timed on the same store in the same run")
    ap.add_argument("--rounds", type=int, default=2, help="alternated runs of each side with --against")
    args = ap.parse_args()
    if args.against is not None:
        return _against(args)

    import matplotlib

    matplotlib.use("Agg")
    from toolkit import dataset, evidence, present, publication, report, site

    tmp = args.data_dir or Path(tempfile.mkdtemp(prefix="bench-site-"))
    out = args.out or tmp / "site"
    start = time.perf_counter()
    if args.data_dir is None:
        files = _ingest(args.dol, tmp)
        t_ingest = time.perf_counter() - start
        print(f"ingested {files} files in {t_ingest:.1f} s (not counted below)")
    else:
        t_ingest = 0.0
        print(f"store of {tmp} (ingested by an earlier run)")
    request = dataset.Request.build(data="store", program="all", fy=args.fy, lang=args.lang, data_dir=tmp)

    print(f"{'stage':<58} {'time':>11} {'peak':>13}")
    ds, t_load, m = measure(dataset.load, request, trace_memory=args.trace_memory)
    print(row(f"dataset.load ({len(ds.cases):,} cases)", t_load, m))
    pub, t_pub, m = measure(publication.build, ds, kind="site", commit="bench", jobs=args.jobs,
                            prepare=site.prepare(request.langs, out=out, pdf=args.pdf), trace_memory=args.trace_memory)
    pdfs = f", {len(list((out / 'pdf').glob('*.pdf')))} PDFs" if args.pdf else ""
    print(row(f"publication.build ({len(pub.scopes)} scopes, {len(pub.employers.employers):,} employers{pdfs})",
              t_pub, m))
    written, t_write, m = measure(site.render, pub, out, pdf=args.pdf,
                                  provenance={"files": [], "version": "", "commit": "bench", "command": ""},
                                  trace_memory=args.trace_memory)
    html = [p for p in written if p.suffix == ".html"]
    print(row(f"site.render ({len(html):,} pages)", t_write, m))
    total = t_load + t_pub + t_write
    print(row("whole site", total, 0.0))
    print(f"seconds per page: {total / len(html):.4f} (all stages) ; {t_write / len(html):.4f} (writing only)")
    sizes = sorted(p.stat().st_size for p in html)
    under = sum(s < 100_000 for s in sizes) / len(sizes)
    print(f"page sizes: median {sizes[len(sizes) // 2] / 1000:.1f} KB, max {sizes[-1] / 1000:.1f} KB, "
          f"{under:.1%} under 100 KB; search index {(out / 'assets' / 'search-index.js').stat().st_size / 1e6:.2f} MB")
    print(f"target: whole site <= 180 s -> {'met' if total <= 180 else 'NOT met'} ({total:.0f} s; "
          f"{total + t_ingest:.0f} s with the ingest; "
          f"evidence in {args.jobs or publication.default_jobs()} process(es))")

    # baseline in the same run: the busiest state's full report page vs its site page
    state = ds.cases["worksite_state"].value_counts().index[0]
    program = ds.cases.loc[ds.cases["worksite_state"] == state, "program"].value_counts().index[0]
    lang = request.langs[0]

    def one_report():
        ev = evidence.build(publication.scoped(ds, program, state), commit="bench")
        return report.render_html(ev, lang)

    def one_page():
        ev = evidence.build(publication.scoped(ds, program, state), commit="bench")
        return site.view_html(present.view(ev.__class__(**{**ev.__dict__, "figures": {}}), lang), program=program,
                              pdf=None)

    _, t_report, m_report = measure(one_report)
    _, t_page, m_page = measure(one_page)
    print(row(f"baseline: one report page ({program} {state}, {lang})", t_report, m_report))
    print(row(f"site evidence for the same scope ({program} {state}, {lang})", t_page, m_page, t_report))
    print(f"site written to {out}")


_STAGES = ("dataset.load", "publication.build", "site.render", "whole site")


def _stage_times(output: str) -> dict[str, float]:
    return {stage: float(m.group(1)) for stage in _STAGES
            for m in [re.search(rf"^{re.escape(stage)}.*?([0-9.]+) s ", output, flags=re.M)] if m}


def _against(args) -> None:
    """This checkout and ``args.against`` on one store, alternated ``args.rounds`` times."""
    data = args.data_dir or Path(tempfile.mkdtemp(prefix="bench-site-"))
    if args.data_dir is None:
        print(f"ingested {_ingest(args.dol, data)} files into {data}")
    sides = {"this": ROOT, "against": args.against.resolve()}
    times: dict[str, list[dict]] = {side: [] for side in sides}
    for n in range(args.rounds):
        for side, root in sides.items():
            cmd = [sys.executable, str(root / "benchmarks" / "bench_site.py"), "--data-dir", str(data),
                   "--fy", args.fy, "--lang", args.lang, "--out", str(data / f"site-{side}")]
            if args.jobs:
                cmd += ["--jobs", str(args.jobs)]
            env = {**os.environ, "PYTHONPATH": str(root)}
            before = _children_cpu()
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
            # CPU of the run and of the evidence processes it waited for: less sensitive to other jobs
            times[side].append({**_stage_times(out), "CPU (all processes)": _children_cpu() - before})
            print(f"round {n + 1} {side:8} {times[side][-1]} load average {os.getloadavg()[0]:.1f}")
    print(f"{'stage (best of ' + str(args.rounds) + ')':<24} {'this':>10} {'against':>10} {'ratio':>7}")
    for stage in (*_STAGES, "CPU (all processes)"):
        this, other = (min(r[stage] for r in times[side]) for side in sides)
        print(f"{stage:<24} {this:>9.1f}s {other:>9.1f}s {this / other:>7.2f}")


def _children_cpu() -> float:
    """User + system CPU seconds of the child processes waited for so far (and theirs)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
