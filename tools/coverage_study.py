"""Regenerate the coverage study of the segregation intervals: toolkit/data/segregation_coverage.csv.

    python tools/coverage_study.py [--samples 400] [--max-samples 3200] [--bootstrap 200] [--seed 100] [--jobs 1]

Writes one row per case x measure x method (coverage, Monte Carlo se, bias, truth, sparse flag;
``toolkit.segregation.coverage`` explains the design) and prints the sparse-cell thresholds the
table implies, which ``toolkit.segregation.SPARSE_MEAN_CELL`` must equal (a test checks it on
the table it recomputes). About 90 s of one core with the defaults.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from toolkit.segregation import coverage as study

OUT = Path(__file__).resolve().parents[1] / "toolkit" / "data" / "segregation_coverage.csv"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=study.N_SAMPLES)
    parser.add_argument("--bootstrap", type=int, default=study.N_BOOTSTRAP)
    parser.add_argument("--max-samples", type=int, default=None,
                        help="the sequential design's cap (default 8 x --samples; equal to --samples: fixed design)")
    parser.add_argument("--seed", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=1, help="processes the cases are spread over (same table)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    table = study.coverage_table(seed=args.seed, n_samples=args.samples, n_bootstrap=args.bootstrap,
                                 max_samples=args.max_samples, jobs=args.jobs)
    table.round(6).to_csv(args.out, index=False)
    print(f"wrote {args.out} ({len(table)} rows)")
    print("thresholds (people per cell below which a method was not measured to hold):")
    for measure, methods in study.thresholds(table).items():
        print(f"  {measure}: {methods}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
