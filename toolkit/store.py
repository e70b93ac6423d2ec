"""The harmonized store: canonical case tables as Parquet, partitioned by program and fiscal year.

Layout under ``config.store_dir()``::

    cases/program=H-2A/fiscal_year=2019/<sha256-of-source>.parquet
    tables/<kind>/<sha256-of-source>.parquet        (recruiters, worksites, housing, ...)
    manifest.json                                  one entry per ingested source file

Files are keyed by the sha256 of the source file, so ingesting the same file again is a no-op
("unchanged"); a changed file with the same name replaces what the old version wrote
("replaced"). Every write goes to a temporary file first and is renamed into place (atomic on
POSIX), so an interrupted ingest never leaves half a partition.
"""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from toolkit import config, releases, schema
from toolkit.checksum import sha256_file
from toolkit.errors import StoreError

__all__ = ["write_cases", "read_cases", "load_cases", "deduplicate_cases", "sources", "write_table", "read_table",
           "manifest", "summary", "sha256_file", "store_root"]

MANIFEST = "manifest.json"


def store_root(root: str | os.PathLike | None = None) -> Path:
    return Path(root) if root is not None else config.store_dir()


def _atomic_write_bytes(target: Path, write) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def manifest(root: str | os.PathLike | None = None) -> dict:
    """{source_sha256: entry}; entries have source_file, kind, rows, partitions, accounting, ingested_at."""
    path = store_root(root) / MANIFEST
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise StoreError(f"{path}: the store manifest is corrupt ({exc}); delete the store and ingest again") from exc


def _save_manifest(entries: dict, root: Path) -> None:
    text = json.dumps(entries, indent=1, sort_keys=True, default=str)
    _atomic_write_bytes(root / MANIFEST, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def _remove_source(entries: dict, sha: str, root: Path) -> None:
    for rel in entries.get(sha, {}).get("files", []):
        (root / rel).unlink(missing_ok=True)
    entries.pop(sha, None)


def _prepare(entries: dict, source_sha256: str, source_file: str, root: Path) -> str | None:
    """'unchanged' if this exact source is stored; remove an older version of the same file."""
    if source_sha256 in entries:
        return "unchanged"
    status = None
    for sha, entry in list(entries.items()):
        if entry.get("source_file") == source_file:
            _remove_source(entries, sha, root)
            status = "replaced"
    return status


def write_cases(df: pd.DataFrame, *, source_sha256: str, source_file: str,
                root: str | os.PathLike | None = None) -> dict:
    """Store a canonical case table from one source file. Returns {status, rows, partitions}.

    ``status`` is "added", "replaced" (same file name, new content) or "unchanged".
    """
    if schema.is_synthetic(df):
        raise StoreError("synthetic tables are not stored with real data; use toolkit.synth directly")
    root = store_root(root)
    entries = manifest(root)
    prior = _prepare(entries, source_sha256, source_file, root)
    if prior == "unchanged":
        return {"status": "unchanged", "rows": entries[source_sha256]["rows"],
                "partitions": entries[source_sha256]["partitions"]}
    table = schema.conform(df, schema.CASE_COLUMNS, name=source_file)
    files, parts = [], []
    for (program, fy), part in table.groupby(["program", "fiscal_year"], observed=True, dropna=False):
        rel = f"cases/program={program}/fiscal_year={int(fy)}/{source_sha256}.parquet"
        _atomic_write_bytes(root / rel, lambda tmp, p=part: p.to_parquet(tmp, index=False))
        files.append(rel)
        parts.append(f"{program} {int(fy)}")
    entries[source_sha256] = {
        "source_file": source_file, "kind": "cases", "rows": len(table), "partitions": parts, "files": files,
        "workers_certified": int(table["workers_certified"].sum()),
        "accounting": df.attrs.get("accounting", {}),
        "ingested_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    _save_manifest(entries, root)
    return {"status": prior or "added", "rows": len(table), "partitions": parts}


def write_table(kind: str, df: pd.DataFrame, *, source_sha256: str, source_file: str,
                root: str | os.PathLike | None = None) -> dict:
    """Store a linked companion table (recruiters, worksites, housing, ...) from one source file."""
    if not kind.isidentifier():
        raise ValueError(f"kind must be a simple name, got {kind!r}")
    root = store_root(root)
    entries = manifest(root)
    prior = _prepare(entries, source_sha256, source_file, root)
    if prior == "unchanged":
        return {"status": "unchanged", "rows": entries[source_sha256]["rows"], "partitions": []}
    rel = f"tables/{kind}/{source_sha256}.parquet"
    _atomic_write_bytes(root / rel, lambda tmp: df.to_parquet(tmp, index=False))
    entries[source_sha256] = {"source_file": source_file, "kind": kind, "rows": len(df), "partitions": [],
                              "files": [rel], "accounting": df.attrs.get("accounting", {}),
                              "ingested_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    _save_manifest(entries, root)
    return {"status": prior or "added", "rows": len(df), "partitions": []}


def _case_files(base: Path) -> list[Path]:
    """The stored case partitions under ``<store>/cases``, sorted; none when it does not exist."""
    return sorted(base.glob("program=*/fiscal_year=*/*.parquet")) if base.exists() else []


def read_cases(program: str | None = None, fiscal_years: Iterable[int] | None = None, *,
               root: str | os.PathLike | None = None) -> pd.DataFrame:
    """Canonical cases from the store, filtered by program and fiscal years (partition pruning)."""
    root = store_root(root)
    base = root / "cases"
    if program is not None and program not in schema.PROGRAMS:
        raise ValueError(f"program must be one of {list(schema.PROGRAMS)}, got {program!r}")
    years = None if fiscal_years is None else {int(y) for y in fiscal_years}
    files = []
    for f in _case_files(base):
        prog = f.parent.parent.name.split("=", 1)[1]
        fy = int(f.parent.name.split("=", 1)[1])
        if (program is None or prog == program) and (years is None or fy in years):
            files.append(f)
    if not files:
        where = f"{program or 'any program'}, fiscal years {sorted(years) if years else 'any'}"
        raise StoreError(f"no cases in the store at {root} for {where}; run `h2gender data ingest FILE...` "
                         "(or `h2gender data fetch` first)")
    frames = [pd.read_parquet(f) for f in files]
    out = pd.concat(frames, ignore_index=True)
    out = schema.conform(out, schema.CASE_COLUMNS, name="store")
    out.attrs["sources"] = sorted({f.stem for f in files})
    return out


def deduplicate_cases(df: pd.DataFrame) -> pd.DataFrame:
    """Drop rows of a case that also appear in a later file (same program and case number).

    The file of the latest ``fiscal_year`` wins, and within a year the most complete release
    (``releases.rank_file``: a full-year file over Q4 over Q1; file names decide only ties); rows
    within one file are kept (sub applications). ``attrs["accounting"]["dropped_in_other_file"]``
    counts what was dropped.
    """
    key = ["program", "case_number"]
    ranks = {f: releases.rank_file(f) for f in df["source_file"].dropna().unique()}
    order = (df.assign(_release=df["source_file"].map(ranks))
             .sort_values(["fiscal_year", "_release", "source_file"], kind="stable").drop(columns="_release"))
    last_file = order.groupby(key, observed=True)["source_file"].transform("last")
    keep = order["source_file"] == last_file
    out = order[keep].sort_index()
    out.attrs = dict(df.attrs)
    out.attrs["accounting"] = {**df.attrs.get("accounting", {}), "dropped_in_other_file": int((~keep).sum())}
    return out


def load_cases(program: str | None = None, fiscal_years: Iterable[int] | None = None, *,
               root: str | os.PathLike | None = None, deduplicate: bool = True) -> pd.DataFrame:
    """Canonical cases as analyses count them: ``read_cases`` then, when several stored files hold
    the same case (a Q1 and a Q4 release of one year, or a case decided across years), the rows of
    the most complete, latest file only (``deduplicate_cases``)."""
    cases = read_cases(program=program, fiscal_years=fiscal_years, root=root)
    return deduplicate_cases(cases) if deduplicate else cases


def sources(programs: Iterable[str], fiscal_years: Iterable[int], *,
            root: str | os.PathLike | None = None) -> list[dict]:
    """The stored source files that hold cases of ``programs`` x ``fiscal_years``, sorted by name:
    dicts with ``file``, ``sha256``, ``release`` (``releases.release_from_name``) and
    ``partitions`` ("H-2A 2019", ...)."""
    wanted = {f"{p} {int(y)}" for p in programs for y in fiscal_years}
    out = []
    for sha, entry in manifest(root).items():
        parts = [part for part in entry.get("partitions", []) if part in wanted]
        if parts:
            out.append({"file": entry["source_file"], "sha256": sha,
                        "release": releases.release_from_name(entry["source_file"]), "partitions": parts})
    return sorted(out, key=lambda f: f["file"])


def read_table(kind: str, *, root: str | os.PathLike | None = None) -> pd.DataFrame:
    """A linked companion table from every stored source of that kind."""
    base = store_root(root) / "tables" / kind
    files = sorted(base.glob("*.parquet")) if base.exists() else []
    if not files:
        raise StoreError(f"no {kind} table in the store; ingest the companion files first")
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)


def summary(root: str | os.PathLike | None = None) -> pd.DataFrame:
    """Cases in the store by program and fiscal year, counted as analyses count them.

    A case held by several stored files (quarterly releases are cumulative) counts once, from
    the latest file (``deduplicate_cases``); ``rows_in_earlier_files`` says how many rows
    that set aside. ``workers_certified`` leaves out rows flagged ``is_duplicate`` (H-2A
    master/sub double counting). Columns: ``program``, ``fiscal_year``, ``files``, ``rows`` (case
    rows kept), ``certified_rows``, ``workers_certified``, ``rows_in_earlier_files``; together
    ``rows`` and ``rows_in_earlier_files`` account for every stored row.
    """
    base = store_root(root) / "cases"
    cols = ["program", "fiscal_year", "case_number", "source_file", "is_certified", "is_duplicate",
            "workers_certified"]
    files = _case_files(base)
    out_cols = ["program", "fiscal_year", "files", "rows", "certified_rows", "workers_certified",
                "rows_in_earlier_files"]
    if not files:
        return pd.DataFrame(columns=out_cols)
    table = pd.concat([pd.read_parquet(f, columns=cols) for f in files], ignore_index=True)
    kept = deduplicate_cases(table)
    dropped = table.loc[table.index.difference(kept.index), ["program", "fiscal_year"]]
    once = ~kept["is_duplicate"].fillna(False).astype(bool)
    grouped = kept.assign(certified=kept["is_certified"].fillna(False).astype(bool),
                          workers=kept["workers_certified"].where(once, 0).fillna(0))
    out = grouped.groupby(["program", "fiscal_year"], observed=True).agg(
        files=("source_file", "nunique"), rows=("program", "size"),
        certified_rows=("certified", "sum"), workers_certified=("workers", "sum"))
    earlier = dropped.groupby(["program", "fiscal_year"], observed=True).size()
    out["rows_in_earlier_files"] = earlier.reindex(out.index, fill_value=0)
    # files counted over every stored file of the year, not only those that kept rows
    out["files"] = table.groupby(["program", "fiscal_year"], observed=True)["source_file"].nunique()
    return out.reset_index().astype({"fiscal_year": int, "files": int, "rows": int, "certified_rows": int,
                                     "workers_certified": int, "rows_in_earlier_files": int})[out_cols]

