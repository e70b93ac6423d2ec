"""Ingest every file in ../shared/data/dol cold into a temporary store, then load it back warm,
against a plain pandas.read_excel(engine="openpyxl") / read_csv loop over the same files.

Also the cost of crash safety: the same tables written through the store (store lock, fsynced
temporary files renamed into place, the atomic manifest swap) against a naive writer (plain
``to_parquet`` and ``json.dump``, no lock, no fsync), as a share of the cold ingest (target < 10%).

    .venv/bin/python benchmarks/bench_ingest.py [--shared ../shared/data]   (bench extra: openpyxl)
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import measure, row  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def ingest_all(files, root):
    from toolkit.cli.data import ingest_file

    for f in files:
        ingest_file(f, root=root)


def read_all(files):
    from toolkit import dol

    return [(f, dol.sha256_file(f), *dol.read_any(f)) for f in files]


def store_writes(tables, root):
    """The store's own writes: lock, fsynced temporary files, atomic manifest swap."""
    from toolkit import store

    for f, sha, kind, table in tables:
        if kind == "cases":
            store.write_cases(table, source_sha256=sha, source_file=f.name, root=root)
        else:
            store.write_table(kind, table, source_sha256=sha, source_file=f.name, root=root)


def naive_writes(tables, root):
    """The same files without the protocol: to_parquet in place and a manifest rewritten each time."""
    import json

    from toolkit import schema

    manifest = {}
    for f, sha, kind, table in tables:
        files = []
        if kind == "cases":
            table = schema.conform(table, schema.CASE_COLUMNS, name=f.name)
            for (program, fy), part in table.groupby(["program", "fiscal_year"], observed=True):
                rel = Path(f"cases/program={program}/fiscal_year={int(fy)}/{sha}.parquet")
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                part.to_parquet(root / rel, index=False)
                files.append(str(rel))
        else:
            rel = Path(f"tables/{kind}/{sha}.parquet")
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            table.to_parquet(root / rel, index=False)
            files.append(str(rel))
        manifest[sha] = {"source_file": f.name, "files": files, "accounting": table.attrs.get("accounting", {})}
        (root / "manifest.json").write_text(json.dumps(manifest, default=str), encoding="utf-8")


def load_all(root):
    from toolkit import store

    return store.read_cases(root=root)


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
        tmp = Path(tmp)
        _, t_base, m_base = measure(pandas_loop, files)
        _, t_cold, m_cold = measure(ingest_all, files, tmp / "cold")
        cases, t_warm, m_warm = measure(load_all, tmp / "cold")
        tables = read_all(files)
        safe, naive = [], []
        for i in range(3):  # alternate, best of three, so neither side profits from a warm cache
            safe.append(measure(store_writes, tables, tmp / f"safe{i}")[1])
            naive.append(measure(naive_writes, tables, tmp / f"naive{i}")[1])
    t_safe, t_naive = min(safe), min(naive)
    print(f"{len(files)} files, {len(cases):,} harmonized cases")
    print(f"{'step':<58} {'time':>11} {'peak mem':>13} {'speed-up':>9}")
    print(row("baseline: pandas read_excel(openpyxl)/read_csv loop", t_base, m_base))
    print(row("toolkit: read + harmonize + store (cold)", t_cold, m_cold, t_base))
    print(row("toolkit: load all cases from the store (warm)", t_warm, m_warm, t_base))
    print("speed-up = baseline time / toolkit time (the baseline only reads; it does not harmonize)")
    print(f"store writes, crash-safe (lock, fsync, atomic swap): {t_safe:.2f} s; naive writes: {t_naive:.2f} s")
    print(f"lock + atomic swap cost: {t_safe - t_naive:.2f} s = {(t_safe - t_naive) / t_cold:.1%} of a cold ingest "
          f"of the shared files ({t_cold:.2f} s; target < 10%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
