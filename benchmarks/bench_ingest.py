"""Ingest every file in ../shared/data/dol cold into a temporary store, then load it back warm,
against a plain pandas.read_excel(engine="openpyxl") / read_csv loop over the same files.

    .venv/bin/python benchmarks/bench_ingest.py [--shared ../shared/data]   (bench extra: openpyxl)
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import measure, row  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def ingest_all(files):
    from toolkit import dol, store

    for f in files:
        kind, table = dol.read_any(f)
        sha = dol.sha256_file(f)
        if kind == "cases":
            store.write_cases(table, source_sha256=sha, source_file=f.name)
        else:
            store.write_table(kind, table, source_sha256=sha, source_file=f.name)


def load_all():
    from toolkit import store

    return store.read_cases()


def pandas_loop(files):
    out = []
    for f in files:
        out.append(pd.read_csv(f, dtype=str, encoding_errors="replace") if f.suffix == ".csv"
                   else pd.read_excel(f, engine="openpyxl" if f.suffix != ".xls" else "calamine", dtype=str))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = ap.parse_args(argv)
    files = sorted((args.shared / "dol").glob("*"))
    if not files:
        print(f"no files in {args.shared / 'dol'}")
        return 1
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        print("openpyxl is needed for the baseline: .venv/bin/python -m pip install -e '.[bench]'")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["H2GENDER_DATA_DIR"] = tmp
        _, t_base, m_base = measure(pandas_loop, files)
        _, t_cold, m_cold = measure(ingest_all, files)
        cases, t_warm, m_warm = measure(load_all)
    print(f"{len(files)} files, {len(cases):,} harmonized cases")
    print(f"{'step':<58} {'time':>11} {'peak mem':>13} {'speed-up':>9}")
    print(row("baseline: pandas read_excel(openpyxl)/read_csv loop", t_base, m_base))
    print(row("toolkit: read + harmonize + store (cold)", t_cold, m_cold, t_base))
    print(row("toolkit: load all cases from the store (warm)", t_warm, m_warm, t_base))
    print("speed-up = baseline time / toolkit time (the baseline only reads; it does not harmonize)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
