"""The data catalog: one YAML entry per source in ``data_catalog/`` (see ``data_catalog/README.md``).

The catalog is found next to a source checkout (``<repo>/data_catalog``) or where
``H2GENDER_CATALOG_DIR`` points (installed copies). ``validate_catalog`` checks every entry and
reports every problem at once, naming the file.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import yaml

from toolkit import releases, schema
from toolkit.errors import CatalogError

__all__ = ["catalog_dir", "load_catalog", "validate_catalog", "get_entry", "find", "most_complete",
           "REQUIRED_KEYS", "KINDS", "RELEASES"]

ENV_CATALOG_DIR = "H2GENDER_CATALOG_DIR"
REQUIRED_KEYS = ("id", "kind", "title", "publisher", "url", "file_name", "license", "sha256", "quirks")
KINDS = ("dol-disclosure", "dol-companion", "bls-cps11", "census-crosswalk", "boundaries")
RELEASES = releases.RELEASES


def catalog_dir(path: str | os.PathLike | None = None) -> Path:
    """``path``, else ``$H2GENDER_CATALOG_DIR``, else ``data_catalog/`` of the source checkout or
    its installed copy (``config.resource_dir``)."""
    candidates = [Path(path)] if path else []
    if os.environ.get(ENV_CATALOG_DIR):
        candidates.append(Path(os.environ[ENV_CATALOG_DIR]))
    from toolkit.config import resource_dir

    installed = resource_dir("data_catalog")
    candidates.append(installed if installed is not None else Path(__file__).resolve().parents[1] / "data_catalog")
    for c in candidates:
        if c.is_dir():
            return c
    raise CatalogError(f"data catalog not found (looked in {', '.join(map(str, candidates))}); "
                       f"set {ENV_CATALOG_DIR} to the data_catalog folder of the toolkit's repository")


def _read_entries(folder: Path) -> list[tuple[Path, dict]]:
    out = []
    for f in sorted(folder.glob("*.yaml")):
        try:
            entry = yaml.safe_load(f.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise CatalogError(f"{f.name}: not valid YAML ({exc})") from exc
        out.append((f, entry))
    return out


def validate_catalog(path: str | os.PathLike | None = None) -> int:
    """Check every entry; raise ``CatalogError`` listing all problems. Returns the entry count."""
    folder = catalog_dir(path)
    problems, ids = [], {}
    entries = _read_entries(folder)
    if not entries:
        raise CatalogError(f"{folder}: no catalog entries (*.yaml)")
    for f, e in entries:
        if not isinstance(e, dict):
            problems.append(f"{f.name}: not a mapping")
            continue
        for key in REQUIRED_KEYS:
            if key not in e:
                problems.append(f"{f.name}: missing key {key!r}")
        if e.get("id") in ids:
            problems.append(f"{f.name}: id {e.get('id')!r} repeats {ids[e.get('id')]}")
        ids[e.get("id")] = f.name
        if e.get("id") and f.stem != e["id"]:
            problems.append(f"{f.name}: file name must be <id>.yaml ({e['id']}.yaml)")
        for key in ("url", "archive_url"):
            if e.get(key) is not None:
                u = urlparse(str(e[key]))
                if u.scheme != "https" or not u.netloc or " " in str(e[key]):
                    problems.append(f"{f.name}: {key} {e[key]!r} is not a well-formed https URL")
        sha = e.get("sha256")
        if sha is not None and not re.fullmatch(r"[0-9a-f]{64}", str(sha)):
            problems.append(f"{f.name}: sha256 must be 64 lower-case hex digits or null")
        if e.get("kind") not in KINDS:
            problems.append(f"{f.name}: kind {e.get('kind')!r} not in {list(KINDS)}")
        if e.get("kind", "").startswith("dol"):
            if e.get("program") not in schema.PROGRAMS:
                problems.append(f"{f.name}: program {e.get('program')!r} not in {list(schema.PROGRAMS)}")
            fy = e.get("fiscal_year")
            if not isinstance(fy, int) or not 2000 <= fy <= 2100:
                problems.append(f"{f.name}: fiscal_year {fy!r} is not a plausible year")
            if "release" in e and e["release"] not in RELEASES:
                problems.append(f"{f.name}: release {e['release']!r} not in {list(RELEASES)}")
        if not isinstance(e.get("direct_download", True), bool):
            problems.append(f"{f.name}: direct_download must be true or false")
        if not isinstance(e.get("quirks", []), list):
            problems.append(f"{f.name}: quirks must be a list")
    if problems:
        raise CatalogError(f"{len(problems)} problem(s) in the data catalog at {folder}:\n- " + "\n- ".join(problems))
    return len(entries)


def load_catalog(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """All entries, one row each, sorted by kind, program, fiscal year and id."""
    rows = [e for _, e in _read_entries(catalog_dir(path))]
    df = pd.DataFrame(rows)
    for col in ("program", "fiscal_year", "sha256", "layout"):
        if col not in df:
            df[col] = None
    df["fiscal_year"] = df["fiscal_year"].astype("Int64")
    return df.sort_values(["kind", "program", "fiscal_year", "id"], na_position="last", ignore_index=True)


def get_entry(entry_id: str, path: str | os.PathLike | None = None) -> dict:
    for _, e in _read_entries(catalog_dir(path)):
        if e.get("id") == entry_id:
            return e
    raise CatalogError(f"no catalog entry with id {entry_id!r}; `h2gender data catalog` lists them")


def find(program: str | None = None, fiscal_year: int | None = None, kind: str | None = None,
         path: str | os.PathLike | None = None) -> list[dict]:
    """Entries matching all the given filters."""
    out = []
    for _, e in _read_entries(catalog_dir(path)):
        if program is not None and e.get("program") != program:
            continue
        if fiscal_year is not None and e.get("fiscal_year") != int(fiscal_year):
            continue
        if kind is not None and e.get("kind") != kind:
            continue
        out.append(e)
    return out


def most_complete(entries: list[dict]) -> list[dict]:
    """Per kind, program and fiscal year, the entry of the most complete release that can be
    downloaded directly: a full-year file over Q4 over Q1 (``releases.rank``), since quarterly files
    are cumulative and a year is never assembled from quarters. Use it on disclosure entries;
    companion files of one year are different tables, not releases of one table."""
    best: dict[tuple, tuple[int, dict]] = {}
    for e in entries:
        if e.get("direct_download") is False:
            continue
        key = (e.get("kind"), e.get("program"), e.get("fiscal_year"))
        rank = releases.rank(e.get("release", "full year"))
        if key not in best or rank > best[key][0]:
            best[key] = (rank, e)
    return [e for _, e in best.values()]

