"""The harmonized store: canonical case tables as Parquet, partitioned by program and fiscal year.

Layout under ``config.store_dir()``::

    cases/program=H-2A/fiscal_year=2019/<sha256-of-source>.parquet
    tables/<kind>/<sha256-of-source>.parquet        (recruiters, worksites, housing, ...)
    manifest.json                                  one entry per ingested source file: the list of live files
    .lock                                          the store lock (``fcntl.flock``)

Files are keyed by the sha256 of the source file, so ingesting the same file again is a no-op
("unchanged"). A different file under a name already stored is refused (``StoreError`` naming
both sha256s) unless the caller asks for ``replace=True`` ("replaced"): never a silent replacement.

Crash safety (the write protocol)
---------------------------------
Every writer holds the store lock (exclusive ``flock`` on ``<store>/.lock``), so writers are
serialised across processes. A write then goes:

1. write the new partitions, each to a temporary file renamed into place (fsynced); they are
   new paths (named by the new sha256), so nothing live is touched;
2. swap ``manifest.json`` atomically (temporary file, fsync, ``os.replace``, fsync of the
   directory): **the commit point**;
3. remove the files of the version it replaced.

The manifest is the list of live files: readers (``read_cases``, ``read_table``, ``summary``)
read only the files it lists, under a shared lock, and ignore any other file. So at every
instant the store holds the old or the new version, never neither: a crash before step 2 leaves
the old version plus orphan files, a crash after it the new version plus orphans. ``verify``
finds orphan, missing and unreadable files and ``repair`` fixes them (``h2gender data verify
--repair``).

Test hook: ``_step_hook`` (None in normal use) is called with the name of each step
(``"before_partition"``; ``"file_written"``: a temporary file written, not yet renamed;
``"partition_written"``; ``"before_manifest"``; ``"after_manifest"``; ``"after_cleanup"``).
The fault-injection tests (``tests/test_store_faults.py``) set it in a child process to kill
that process at a step; nothing else reads it.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from toolkit import config, releases, schema
from toolkit.checksum import sha256_file
from toolkit.errors import StoreError

try:  # POSIX; elsewhere writers are not serialised across processes (documented)
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

__all__ = ["write_cases", "read_cases", "load_cases", "deduplicate_cases", "sources", "write_table", "read_table",
           "manifest", "summary", "verify", "repair", "sha256_file", "store_root", "lock"]

MANIFEST = "manifest.json"
LOCK = ".lock"

#: called with each write step's name; only the fault-injection tests set it (see module docstring)
_step_hook: Callable[[str], None] | None = None

_held = threading.local()  # roots this thread holds the lock of (the lock is re-entrant per thread)


def store_root(root: str | os.PathLike | None = None) -> Path:
    return Path(root) if root is not None else config.store_dir()


def _step(name: str) -> None:
    if _step_hook is not None:
        _step_hook(name)


@contextmanager
def lock(root: str | os.PathLike | None = None, *, exclusive: bool = True):
    """Hold the store lock: exclusive for writers, shared for readers (``fcntl.flock`` on
    ``<store>/.lock``; blocks until granted). Re-entrant within a thread. A reader of a store it
    cannot write (read-only folder) reads without the lock."""
    root = store_root(root)
    held = getattr(_held, "roots", None)
    if held is None:
        held = _held.roots = {}
    key = str(root.resolve()) if root.exists() else str(root)
    if key in held and (held[key] or not exclusive):
        yield root
        return
    if fcntl is None or (not exclusive and not root.exists()):
        yield root
        return
    path = root / LOCK
    try:
        if exclusive:
            root.mkdir(parents=True, exist_ok=True)
            key = str(root.resolve())
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        if not exclusive:
            yield root
            return
        raise StoreError(f"{path}: cannot open the store lock ({exc.strerror or exc})") from exc
    previous = held.get(key)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        held[key] = exclusive
        yield root
    finally:
        if previous is None:
            held.pop(key, None)
        else:
            held[key] = previous
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _atomic_write(target: Path, write: Callable[[str], None]) -> None:
    """``write(tmp)`` to a temporary file beside ``target``, fsync, rename into place. Any I/O
    error is a ``StoreError`` naming ``target``; the temporary file is removed."""
    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        os.close(fd)
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        _step("file_written")
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise StoreError(f"{target}: cannot write ({exc.strerror or exc})") from exc
        raise


def _read_manifest(root: Path) -> dict:
    path = root / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the store manifest ({exc.strerror or exc})") from exc
    try:
        entries = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise StoreError(f"{path}: the store manifest is corrupt ({str(exc)[:200]}); `h2gender data verify --repair` "
                         "rebuilds it from the stored partitions") from exc
    return _check_manifest(entries, path)


#: manifest entry fields and the types they must have (``_check_manifest``)
_ENTRY_TYPES = {"source_file": str, "kind": str, "rows": int, "partitions": list, "files": list, "file_rows": dict,
                "file_sha256": dict, "coverage": dict, "accounting": dict}


def _check_manifest(entries: object, path: Path) -> dict:
    """The parsed manifest when every entry has the shape the store reads, else a ``StoreError``
    naming the manifest, the entry and the field (never a bare TypeError later)."""
    def bad(what: str) -> StoreError:
        return StoreError(f"{path}: the store manifest is malformed: {what}; `h2gender data verify --repair` "
                          "rebuilds it from the stored partitions")

    if not isinstance(entries, dict):
        raise bad(f"expected an object of sources, got {type(entries).__name__}")
    for sha, e in entries.items():
        if not isinstance(e, dict):
            raise bad(f"entry {sha[:16]!r} is {type(e).__name__}, not an object")
        for key, typ in _ENTRY_TYPES.items():
            if key in e and e[key] is not None and (not isinstance(e[key], typ) or isinstance(e[key], bool)):
                raise bad(f"entry {sha[:16]!r}: {key} must be {typ.__name__}, got {type(e[key]).__name__}")
        for key in ("files", "partitions"):
            if any(not isinstance(x, str) for x in e.get(key) or []):
                raise bad(f"entry {sha[:16]!r}: {key} must list text paths")
        for key in ("source_file", "files"):
            if not isinstance(e.get(key), _ENTRY_TYPES[key]):
                raise bad(f"entry {sha[:16]!r} has no {key}")
    return entries


def manifest(root: str | os.PathLike | None = None) -> dict:
    """{source_sha256: entry}: every committed source and its live files.

    Entries have ``source_file``, ``kind``, ``rows``, ``partitions`` ("H-2A 2019", ...),
    ``files`` (paths relative to the store), ``file_rows`` (path -> rows), ``release``
    (``releases.release_from_name``), ``accounting``, ``ingested_at``; case entries also
    ``workers_certified`` and ``coverage``: partition -> ``first_decision``, ``last_decision``
    (ISO dates or None) and ``months_covered`` (distinct calendar months with a decision).
    """
    return _read_manifest(store_root(root))


def _save_manifest(entries: dict, root: Path) -> None:
    text = json.dumps(entries, indent=1, sort_keys=True, default=str)
    _step("before_manifest")
    _atomic_write(root / MANIFEST, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    _step("after_manifest")


def _remove_files(rels: Iterable[str], root: Path) -> None:
    """Remove store files; a path outside the store (``_inside``) is never touched. A symbolic link
    the store holds (an orphan) is removed as a link, never followed."""
    for rel in rels:
        path = _inside(root, rel)
        if path is None:
            link = root / rel if isinstance(rel, str) and not Path(rel).is_absolute() else None
            if (link is not None and ".." not in Path(rel).parts and link.is_symlink()
                    and link.parent.resolve().is_relative_to(root.resolve())):
                link.unlink()
            continue
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise StoreError(f"{root / rel}: cannot remove ({exc.strerror or exc}); "
                             "`h2gender data verify --repair` removes it later") from exc


def _same_name(entries: dict, source_sha256: str, source_file: str, replace: bool) -> list[str]:
    """The sha256s of stored versions of ``source_file`` a new version replaces; refused (a
    clear error) unless ``replace``."""
    others = [sha for sha, e in entries.items() if e.get("source_file") == source_file and sha != source_sha256]
    if others and not replace:
        old = entries[others[0]]
        raise StoreError(
            f"{source_file}: a different file with this name is already stored (sha256 {others[0][:12]}, "
            f"{old.get('rows')} rows, ingested {old.get('ingested_at')}); this one has sha256 "
            f"{source_sha256[:12]}. Nothing was changed: rename the file to keep both, or ingest with "
            "--replace (replace=True) to replace the stored version")
    return others


def _intact(entry: dict, root: Path) -> bool:
    return all((p := _inside(root, rel)) is not None and p.is_file() for rel in (entry.get("files") or []))


def _coverage(dates: pd.Series) -> dict:
    d = pd.to_datetime(dates, errors="coerce").dropna()
    if d.empty:
        return {"first_decision": None, "last_decision": None, "months_covered": 0}
    return {"first_decision": d.min().date().isoformat(), "last_decision": d.max().date().isoformat(),
            "months_covered": int(d.dt.to_period("M").nunique())}


def _commit(entries: dict, sha: str, entry: dict, replaced: list[str], root: Path) -> None:
    """Steps 2 and 3 of the write protocol: swap the manifest, then remove replaced files."""
    live = set(entry["files"])
    old_files = [rel for s in replaced for rel in entries[s].get("files", []) if rel not in live]
    new = {s: e for s, e in entries.items() if s not in replaced}
    new[sha] = entry
    _save_manifest(new, root)
    _remove_files(old_files, root)
    _step("after_cleanup")


def _source_path(path: str | os.PathLike | None) -> str | None:
    return None if path is None else str(Path(path).resolve())


def _inside(root: Path, rel: object) -> Path | None:
    """``root / rel`` when ``rel`` is a relative path of the store's own folders (``cases/``,
    ``tables/``) that stays inside the store with no symbolic link on the way; else None.
    Every path a manifest lists goes through here before it is read, checked or removed.

    >>> _inside(Path("/s"), "../../x") is None, _inside(Path("/s"), "/etc/passwd") is None
    (True, True)
    """
    if not isinstance(rel, str) or not rel or "\0" in rel:
        return None
    pure = Path(rel)
    if pure.is_absolute() or ".." in pure.parts:
        return None
    temporary_manifest = len(pure.parts) == 1 and re.fullmatch(rf"\.{re.escape(MANIFEST)}\..+\.part", rel)
    if pure.parts[0] not in ("cases", "tables") and not temporary_manifest:
        return None
    path, here = root / pure, root
    for part in pure.parts:
        here = here / part
        if here.is_symlink():
            return None
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return None
    return path


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def write_cases(df: pd.DataFrame, *, source_sha256: str, source_file: str,
                root: str | os.PathLike | None = None, replace: bool = False,
                source_path: str | os.PathLike | None = None) -> dict:
    """Store a canonical case table from one source file. Returns {status, rows, partitions}.

    ``status`` is "added", "unchanged" (this exact source is stored), "restored" (stored, but
    files were missing: written again) or "replaced" (``replace=True`` and a different file of
    the same name was stored). Without ``replace`` a different file of a stored name raises
    ``StoreError`` and changes nothing. Crash-safe (module docstring). ``source_path`` (the file
    read; recorded as an absolute path) is where ``repair`` ingests it again from.
    """
    if schema.is_synthetic(df):
        raise StoreError("synthetic tables are not stored with real data; use toolkit.synth directly")
    if not isinstance(replace, bool):
        raise ValueError(f"replace must be True or False, got {replace!r}")
    with lock(root) as root:
        entries = _read_manifest(root)
        if source_sha256 in entries and _intact(entries[source_sha256], root):
            e = entries[source_sha256]
            return {"status": "unchanged", "rows": e["rows"], "partitions": e["partitions"]}
        restored = source_sha256 in entries
        replaced = _same_name(entries, source_sha256, source_file, replace)
        table = schema.conform(df, schema.CASE_COLUMNS, name=source_file)
        files, parts, file_rows, coverage, file_sha256 = [], [], {}, {}, {}
        for (program, fy), part in table.groupby(["program", "fiscal_year"], observed=True, dropna=False):
            if pd.isna(program) or pd.isna(fy):
                raise StoreError(f"{source_file}: {len(part)} rows without a program or fiscal year; not stored")
            rel = f"cases/program={program}/fiscal_year={int(fy)}/{source_sha256}.parquet"
            _step("before_partition")
            _atomic_write(root / rel, lambda tmp, p=part: p.to_parquet(tmp, index=False))
            _step("partition_written")
            files.append(rel)
            file_rows[rel] = len(part)
            file_sha256[rel] = sha256_file(root / rel)
            parts.append(f"{program} {int(fy)}")
            coverage[parts[-1]] = _coverage(part["decision_date"])
        entry = {
            "source_file": source_file, "kind": "cases", "rows": len(table), "partitions": parts, "files": files,
            "file_rows": file_rows, "file_sha256": file_sha256, "source_path": _source_path(source_path),
            "release": releases.release_from_name(source_file), "coverage": coverage,
            "workers_certified": int(table["workers_certified"].sum()),
            "accounting": df.attrs.get("accounting", {}), "ingested_at": _now(),
        }
        _commit(entries, source_sha256, entry, replaced, root)
    status = "restored" if restored else "replaced" if replaced else "added"
    return {"status": status, "rows": len(table), "partitions": parts}


def write_table(kind: str, df: pd.DataFrame, *, source_sha256: str, source_file: str,
                root: str | os.PathLike | None = None, replace: bool = False,
                source_path: str | os.PathLike | None = None) -> dict:
    """Store a linked companion table (recruiters, worksites, housing, ...) from one source file;
    the same protocol and statuses as ``write_cases``."""
    if not isinstance(kind, str) or not kind.isidentifier():
        raise ValueError(f"kind must be a simple name, got {kind!r}")
    if not isinstance(replace, bool):
        raise ValueError(f"replace must be True or False, got {replace!r}")
    with lock(root) as root:
        entries = _read_manifest(root)
        if source_sha256 in entries and _intact(entries[source_sha256], root):
            return {"status": "unchanged", "rows": entries[source_sha256]["rows"], "partitions": []}
        restored = source_sha256 in entries
        replaced = _same_name(entries, source_sha256, source_file, replace)
        rel = f"tables/{kind}/{source_sha256}.parquet"
        _step("before_partition")
        _atomic_write(root / rel, lambda tmp: df.to_parquet(tmp, index=False))
        _step("partition_written")
        entry = {"source_file": source_file, "kind": kind, "rows": len(df), "partitions": [], "files": [rel],
                 "file_rows": {rel: len(df)}, "file_sha256": {rel: sha256_file(root / rel)},
                 "source_path": _source_path(source_path), "release": releases.release_from_name(source_file),
                 "accounting": df.attrs.get("accounting", {}), "ingested_at": _now()}
        _commit(entries, source_sha256, entry, replaced, root)
    return {"status": "restored" if restored else "replaced" if replaced else "added", "rows": len(df),
            "partitions": []}


def _read_parquet(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """One stored file; any failure (missing, truncated, not Parquet) is a ``StoreError`` naming it."""
    try:
        return pd.read_parquet(path, columns=columns)
    except Exception as exc:  # OSError, pyarrow.ArrowInvalid, ...: name the file, whatever the engine raised
        raise StoreError(f"{path}: cannot read this stored partition ({type(exc).__name__}: {exc}); "
                         "run `h2gender data verify --repair`") from exc


def _case_files(entries: dict, root: Path) -> list[Path]:
    """The live case partitions (listed in the manifest), sorted; orphans are never read."""
    return sorted(p for e in entries.values() if e.get("kind") == "cases" for rel in (e.get("files") or [])
                  if (p := _inside(root, rel)) is not None)


def _partition_of(path: Path) -> tuple[str, int]:
    return path.parent.parent.name.split("=", 1)[1], int(path.parent.name.split("=", 1)[1])


def read_cases(program: str | None = None, fiscal_years: Iterable[int] | None = None, *,
               root: str | os.PathLike | None = None) -> pd.DataFrame:
    """Canonical cases from the store, filtered by program and fiscal years (partition pruning).

    Reads the files the manifest lists, under the shared store lock, so a concurrent writer's
    half-written version is never seen. A stored file that cannot be read raises ``StoreError``
    naming it.
    """
    if program is not None and program not in schema.PROGRAMS:
        raise ValueError(f"program must be one of {list(schema.PROGRAMS)}, got {program!r}")
    years = None if fiscal_years is None else {int(y) for y in fiscal_years}
    with lock(root, exclusive=False) as root:
        files = []
        for f in _case_files(_read_manifest(root), root):
            prog, fy = _partition_of(f)
            if (program is None or prog == program) and (years is None or fy in years):
                files.append(f)
        if not files:
            where = f"{program or 'any program'}, fiscal years {sorted(years) if years else 'any'}"
            raise StoreError(f"no cases in the store at {root} for {where}; run `h2gender data ingest FILE...` "
                             "(or `h2gender data fetch` first)")
        frames = [_read_parquet(f) for f in files]
    out = pd.concat(frames, ignore_index=True)
    return schema.conform(out, schema.CASE_COLUMNS, name="store")


def _winning_files(keys: pd.DataFrame) -> pd.Series:
    """(program, case_number) -> the source file that counts the case: the file of the latest
    ``fiscal_year``, within a year the most complete release (``releases.rank_file``), file names
    deciding only ties."""
    ranks = {f: releases.rank_file(f) for f in keys["source_file"].dropna().unique()}
    order = (keys.assign(_release=keys["source_file"].map(ranks))
             .sort_values(["fiscal_year", "_release", "source_file"], kind="stable"))
    return order.groupby(["program", "case_number"], observed=True)["source_file"].last()


def deduplicate_cases(df: pd.DataFrame, *, universe: pd.DataFrame | None = None) -> pd.DataFrame:
    """Drop rows of a case that also appear in a later file (same program and case number).

    The file of the latest ``fiscal_year`` wins, and within a year the most complete release
    (``releases.rank_file``: a full-year file over Q4 over Q1; file names decide only ties); rows
    within one file are kept (sub applications). ``universe`` (``program``, ``fiscal_year``,
    ``case_number``, ``source_file`` of every stored row; default: ``df`` itself) is where the
    winner is chosen: ``load_cases`` passes the whole store, so a case is counted in one fiscal
    year whatever years are requested. ``attrs["accounting"]["dropped_in_other_file"]`` counts
    what was dropped.
    """
    key = ["program", "case_number"]
    winners = _winning_files(df[key + ["fiscal_year", "source_file"]] if universe is None else universe)
    last_file = pd.Series(winners.reindex(pd.MultiIndex.from_frame(df[key])).to_numpy(), index=df.index)
    keep = df["source_file"].eq(last_file).fillna(False).astype(bool)
    out = df[keep]
    out.attrs = dict(df.attrs)
    out.attrs["accounting"] = {**df.attrs.get("accounting", {}), "dropped_in_other_file": int((~keep).sum())}
    return out


_KEY_COLUMNS = ["program", "fiscal_year", "case_number", "source_file"]


def _case_keys(root: Path, program: str | None) -> pd.DataFrame:
    """``_KEY_COLUMNS`` of every stored case row of ``program`` (every program when None), all years."""
    files = [f for f in _case_files(_read_manifest(root), root) if program is None or _partition_of(f)[0] == program]
    frames = [_read_parquet(f, columns=_KEY_COLUMNS) for f in files]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=_KEY_COLUMNS)


def load_cases(program: str | None = None, fiscal_years: Iterable[int] | None = None, *,
               root: str | os.PathLike | None = None, deduplicate: bool = True) -> pd.DataFrame:
    """Canonical cases as analyses count them: ``read_cases`` then, when several stored files hold
    the same case (a Q1 and a Q4 release of one year, or a case decided across years), the rows of
    the most complete, latest file only (``deduplicate_cases`` over every stored file of the
    program, so a year's count does not depend on which other years are requested)."""
    with lock(root, exclusive=False) as root:
        cases = read_cases(program=program, fiscal_years=fiscal_years, root=root)
        if not deduplicate:
            return cases
        universe = _case_keys(root, program)
    return deduplicate_cases(cases, universe=universe)


def sources(programs: Iterable[str], fiscal_years: Iterable[int], *,
            root: str | os.PathLike | None = None) -> list[dict]:
    """The stored source files that hold cases of ``programs`` x ``fiscal_years``, sorted by name:
    dicts with ``file``, ``sha256``, ``release`` (``releases.release_from_name``) and
    ``partitions`` ("H-2A 2019", ...)."""
    wanted = {f"{p} {int(y)}" for p in programs for y in fiscal_years}
    out = []
    for sha, entry in manifest(root).items():
        parts = [part for part in (entry.get("partitions") or []) if part in wanted]
        if parts:
            out.append({"file": entry["source_file"], "sha256": sha,
                        "release": releases.release_from_name(entry["source_file"]), "partitions": parts})
    return sorted(out, key=lambda f: f["file"])


def read_table(kind: str, *, root: str | os.PathLike | None = None) -> pd.DataFrame:
    """A linked companion table from every stored source of that kind (the files the manifest lists)."""
    with lock(root, exclusive=False) as root:
        files = sorted(p for e in _read_manifest(root).values() if e.get("kind") == kind
                       for rel in (e.get("files") or []) if (p := _inside(root, rel)) is not None)
        if not files:
            raise StoreError(f"no {kind} table in the store; ingest the companion files first")
        return pd.concat([_read_parquet(f) for f in files], ignore_index=True)


def summary(root: str | os.PathLike | None = None) -> pd.DataFrame:
    """Cases in the store by program and fiscal year, counted as analyses count them.

    A case held by several stored files (quarterly releases are cumulative) counts once, from
    the latest file (``deduplicate_cases``); ``rows_in_earlier_files`` says how many rows
    that set aside. ``workers_certified`` leaves out rows flagged ``is_duplicate`` (H-2A
    master/sub double counting). Columns: ``program``, ``fiscal_year``, ``files``, ``rows`` (case
    rows kept), ``certified_rows``, ``workers_certified``, ``rows_in_earlier_files``; together
    ``rows`` and ``rows_in_earlier_files`` account for every stored row.
    """
    cols = ["program", "fiscal_year", "case_number", "source_file", "is_certified", "is_duplicate",
            "workers_certified"]
    out_cols = ["program", "fiscal_year", "files", "rows", "certified_rows", "workers_certified",
                "rows_in_earlier_files"]
    with lock(root, exclusive=False) as root:
        files = _case_files(_read_manifest(root), root)
        if not files:
            return pd.DataFrame(columns=out_cols)
        table = pd.concat([_read_parquet(f, columns=cols) for f in files], ignore_index=True)
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


# ------------------------------------------------------------------------------------------------
# verify and repair
def _rows_in(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.read_table(path).num_rows  # reads every page: a corrupt page fails here, not only the footer


def _walk_store_files(root: Path) -> list[Path]:
    """Every file and symbolic link under ``cases/`` and ``tables/``, never following a link."""
    out = []
    for sub in ("cases", "tables"):
        base = root / sub
        if base.is_symlink():
            out.append(base)
            continue
        for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
            here = Path(dirpath)
            out += [here / d for d in dirnames if (here / d).is_symlink()]
            out += [here / f for f in filenames]
    return sorted(out)


def _verify(root: Path) -> list[dict]:
    if not (root / MANIFEST).exists():
        found = [p for p in _walk_store_files(root) if p.suffix == ".parquet" and not p.is_symlink()]
        if found:
            return [{"problem": "manifest missing", "file": MANIFEST, "source_file": None, "sha256": None,
                     "detail": f"{len(found)} stored partitions and no manifest; repair rebuilds it from them"}]
    try:
        entries = _read_manifest(root)
    except StoreError as exc:
        return [{"problem": "manifest corrupt", "file": MANIFEST, "source_file": None, "sha256": None,
                 "detail": str(exc)}]
    problems, live = [], set()
    for sha, e in sorted(entries.items(), key=lambda kv: str(kv[1].get("source_file", ""))):
        sums = e.get("file_sha256") or {}
        for rel in (e.get("files") or []):
            live.add(rel)
            where = {"file": rel, "source_file": e.get("source_file"), "sha256": sha}
            path = _inside(root, rel)
            if path is None:
                problems.append({"problem": "outside", **where, "detail": "the manifest lists a path outside the "
                                 "store's cases/ and tables/ folders (or through a symbolic link); never touched"})
                continue
            if not path.is_file():
                problems.append({"problem": "missing", **where})
                continue
            if rel in sums and sha256_file(path) != sums[rel]:
                problems.append({"problem": "checksum", **where,
                                 "detail": f"sha256 {sha256_file(path)[:12]}, manifest says {str(sums[rel])[:12]}"})
                continue
            try:
                n = _rows_in(path)
            except Exception as exc:  # any Arrow or OS error: the file cannot be read
                problems.append({"problem": "unreadable", **where, "detail": f"{type(exc).__name__}: {exc}"})
                continue
            expected = (e.get("file_rows") or {}).get(rel)
            if expected is not None and n != expected:
                problems.append({"problem": "row count", **where, "detail": f"{n} rows, manifest says {expected}"})
    for path in _walk_store_files(root):
        rel = path.relative_to(root).as_posix()
        if rel not in live or path.is_symlink():
            problems.append({"problem": "orphan", "file": rel, "source_file": None, "sha256": None})
    for path in sorted(root.glob(f".{MANIFEST}.*.part")):
        problems.append({"problem": "orphan", "file": path.name, "source_file": None, "sha256": None})
    return problems


def verify(root: str | os.PathLike | None = None) -> list[dict]:
    """Problems in the store, one dict per file: ``problem`` ("missing": listed in the manifest but
    absent; "checksum": its bytes are not those written (sha256 per file in the manifest);
    "unreadable": not a readable Parquet file; "row count": not the rows the manifest recorded;
    "outside": the manifest lists a path outside the store; "orphan": a file the manifest does
    not list, e.g. left by an interrupted write, or a symbolic link; "manifest missing":
    partitions without a manifest; "manifest corrupt": a manifest that is not JSON or not of the
    store's shape, which ``repair`` rebuilds from the partitions), ``file`` (relative to the store), ``source_file`` and
    ``sha256`` of the entry (None for orphans) and ``detail``. An empty list: the store is sound."""
    with lock(root, exclusive=False) as root:
        return _verify(root)


def _rebuild_manifest(root: Path) -> dict:
    """A manifest from the partitions alone (the stored files carry their source's sha256 in their
    name, and ``source_file`` in their rows); unreadable files are left out (orphans)."""
    entries: dict[str, dict] = {}
    for path in _walk_store_files(root):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink() or path.suffix != ".parquet" or _inside(root, rel) is None:
            continue
        parts = Path(rel).parts
        try:
            table = pd.read_parquet(path)
        except Exception:  # unreadable: stays an orphan, removed by the repair that follows
            continue
        sha = path.stem
        source = (str(table["source_file"].dropna().iloc[0]) if "source_file" in table and table["source_file"].notna().any()
                  else f"(name lost; sha256 {sha[:12]})")
        kind = "cases" if parts[0] == "cases" else parts[1]
        e = entries.setdefault(sha, {"source_file": source, "kind": kind, "rows": 0, "partitions": [], "files": [],
                                     "file_rows": {}, "file_sha256": {}, "source_path": None,
                                     "release": releases.release_from_name(source), "accounting": {},
                                     "ingested_at": None, "rebuilt_at": _now()})
        e["files"].append(rel)
        e["file_rows"][rel] = len(table)
        e["file_sha256"][rel] = sha256_file(path)
        e["rows"] += len(table)
        if kind == "cases":
            program, fy = _partition_of(path)
            e["partitions"].append(f"{program} {fy}")
            e.setdefault("coverage", {})[f"{program} {fy}"] = _coverage(table["decision_date"])
            e["workers_certified"] = e.get("workers_certified", 0) + int(table["workers_certified"].sum())
    return entries


def repair(root: str | os.PathLike | None = None, *, raw_dir: str | os.PathLike | None = None,
           reader: Callable[[Path], tuple[str, pd.DataFrame]] | None = None) -> list[dict]:
    """Fix what ``verify`` finds, under the exclusive store lock; returns one dict per action
    (``file``, ``problem``, ``action``).

    Every path is resolved first (``_inside``): nothing outside the store's ``cases/`` and
    ``tables/`` folders is ever removed, and a symbolic link is removed as a link. A lost
    manifest is rebuilt from the partitions. Orphans are removed. A source with a missing,
    altered (checksum), unreadable, short or outside file is ingested again from its recorded
    source path or from ``raw_dir / source_file``, the first that exists with the stored sha256,
    when ``reader`` (``path -> (kind, table)``, e.g. ``dol.read_any``) is given; otherwise its
    manifest entry is dropped, its files in the store removed, and the action names what is lost
    (file, rows, partitions) and why each source could not be used.
    """
    actions = []
    with lock(root) as root:
        problems = _verify(root)
        if problems and problems[0]["problem"] in ("manifest missing", "manifest corrupt"):
            rebuilt = _rebuild_manifest(root)
            _save_manifest(rebuilt, root)
            actions.append({**problems[0], "action": f"rebuilt the manifest from the partitions of {len(rebuilt)} "
                                                     "sources (their ingest accounting is lost)"})
            problems = _verify(root)
        broken: dict[str, list[dict]] = {}
        for p in problems:
            if p["problem"] == "orphan":
                _remove_files([p["file"]], root)
                actions.append({**p, "action": "removed (not in the manifest)"})
            else:
                broken.setdefault(p["sha256"], []).append(p)
        for sha, found in broken.items():
            entries = _read_manifest(root)
            entry = entries[sha]
            _remove_files([p["file"] for p in found if p["problem"] not in ("missing", "outside")], root)
            candidates = [Path(entry["source_path"])] if isinstance(entry.get("source_path"), str) else []
            if raw_dir is not None:
                candidates.append(Path(raw_dir) / str(entry.get("source_file")))
            why, source = [], None
            for c in candidates:
                if not c.is_file():
                    why.append(f"{c} not found")
                elif sha256_file(c) != sha:
                    why.append(f"{c} has another sha256")
                else:
                    source = c
                    break
            if reader is not None and source is not None:
                new = {s: e for s, e in entries.items() if s != sha}  # forget the damaged version first
                _save_manifest(new, root)
                kind, table = reader(source)
                write = (write_cases if kind == "cases" else
                         lambda t, **kw: write_table(kind, t, **kw))
                write(table, source_sha256=sha, source_file=entry["source_file"], root=root, source_path=source)
                action = f"ingested again from {source}"
            else:
                if reader is None:
                    why.append("no reader given")
                if not candidates:
                    why.append("no source path recorded and no raw dir given")
                new = {s: e for s, e in entries.items() if s != sha}
                _save_manifest(new, root)
                _remove_files((entry.get("files") or []), root)
                parts = ", ".join((entry.get("partitions") or [])) or entry.get("kind")
                action = (f"lost: {entry['source_file']} ({entry.get('rows')} rows; {parts}) dropped from the "
                          f"store ({'; '.join(why)}); ingest the file again to restore it")
            actions += [{**p, "action": action} for p in found]
    return actions
