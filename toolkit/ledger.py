"""The publication ledger: everything published from one worker file, audited together.

Two publications from the same worker file can be differenced (the nation's table minus a
state's, FY2020 against FY2020-2022): each may pass the audit alone and together give a hidden
count back. So the store keeps, per worker file (keyed by its SHA-256), a ledger of every
publication made from it with ``report``, ``analyze`` and ``site``: its command, scope (fiscal
years, worksite states), k, the language-independent cells it published (``disclosure.Cell``:
counts, or None where hidden) and the support of its records (which year x state x value
combinations exist; no count). Nothing in the ledger is a hidden count.

A new publication from the same file:

1. is built hiding every row an earlier publication of the same scope hid (``forced``), so the
   earlier suppression pattern is kept where it suffices;
2. is audited (``disclosure.audit``) together with every earlier publication of the current
   release; if a hidden count could then be narrowed, it is refused (``check_and_record``
   raises ``disclosure.AuditError`` naming the earlier publication it conflicts with) and nothing
   is written;
3. otherwise is recorded (an exact repeat, e.g. the same report in the other language or the site
   publishing the same national evidence, adds its command to the earlier record's ``commands``).

``new_release=True`` (``--new-release``) starts a new release: earlier publications are kept in
the ledger but no longer audited against, so their outputs must be withdrawn before the new
ones are published. The ledger is private (it names entities and where they had workers); it
lives in the store (``<store>/ledger/<sha256>.json``), written atomically under the store lock.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from toolkit import disclosure, store

__all__ = ["ledger_path", "read", "forced", "check_and_record"]

FOLDER = "ledger"


def ledger_path(sha256: str, root: str | os.PathLike | None = None) -> Path:
    """``<store>/ledger/<sha256>.json``."""
    if not sha256 or any(c not in "0123456789abcdef" for c in sha256.lower()):
        raise ValueError(f"sha256 must be a hexadecimal checksum, got {sha256!r}")
    return store.store_root(root) / FOLDER / f"{sha256.lower()}.json"


def read(sha256: str, root: str | os.PathLike | None = None) -> dict:
    """The ledger of a worker file: ``{"sha256", "release", "publications": [...]}`` (empty if none)."""
    path = ledger_path(sha256, root)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"sha256": sha256, "release": 1, "publications": []}
    except (OSError, json.JSONDecodeError) as exc:
        raise store.StoreError(f"{path}: the publication ledger cannot be read ({exc}); it guards against "
                               "differencing publications, so nothing is published until it is repaired") from exc


def _current(ledger: dict) -> list[dict]:
    return [p for p in ledger["publications"] if p["release"] == ledger["release"]]


def forced(sha256: str, years: Sequence[int], states: Sequence[str] = (), *,
           root: str | os.PathLike | None = None) -> dict[str, set[str]]:
    """Dimension -> values an earlier publication of the current release hid in the same scope."""
    scope = ([int(y) for y in years], [str(s) for s in states])
    out: dict[str, set[str]] = {}
    for pub in _current(read(sha256, root)):
        if (pub["scope"]["years"], pub["scope"]["states"]) != scope:
            continue
        for row in pub["cells"]:
            cell = disclosure.Cell.from_list(row)
            if cell.count is None and len(cell.values) == 1:
                out.setdefault(cell.dim, set()).add(cell.values[0])
    return out


def _label(pub: dict) -> str:
    states = ",".join(pub["scope"]["states"]) or "all states"
    years = ",".join(str(y) for y in pub["scope"]["years"])
    return f"{pub['command']} (FY{years}, {states}, k={pub['k']}, recorded {pub['created']})"


def _support(pubs: Sequence[dict], sup: pd.DataFrame) -> pd.DataFrame:
    frames = [sup] + [pd.DataFrame(p["support"], columns=disclosure.SUPPORT_COLUMNS) for p in pubs]
    return pd.concat([f for f in frames if len(f)], ignore_index=True).drop_duplicates(ignore_index=True)


def _cells(pubs: Sequence[dict]) -> list[disclosure.Cell]:
    return [disclosure.Cell.from_list(row) for p in pubs for row in p["cells"]]


def _fails(cells, sup, k) -> pd.DataFrame:
    """The unsafe hidden cells of ``cells``, with the counts their scopes' differences give
    (``disclosure.implied_cells``: FY2022 from FY2020 and FY2020-2022) held to the same rule."""
    cells = list(cells)
    result = disclosure.audit(cells + disclosure.implied_cells(cells, sup), sup, k=k)
    return result[~result["safe"]]


def check_and_record(sha256: str, cells: Sequence[disclosure.Cell], sup: pd.DataFrame, *, k: int, command: str,
                     years: Sequence[int], states: Sequence[str] = (), created: str = "",
                     new_release: bool = False, root: str | os.PathLike | None = None) -> dict:
    """Audit a publication with every earlier one of the current release, then record it.

    Parameters
    ----------
    sha256 : the worker file's checksum (the ledger's key).
    cells, sup : the publication's ``Evidence.disclosed`` (every scope of it) and its support.
    k, command, years, states, created : the publication's threshold, command ("report",
        "analyze", "site"), scope and time (recorded and named in a refusal).
    new_release : start a new release (earlier outputs must be withdrawn).

    Returns
    -------
    dict: the publication as recorded (or the earlier identical one).

    Raises
    ------
    disclosure.AuditError
        When the publication, alone or with an earlier one, lets a reader narrow a hidden count
        (interval rule of ``toolkit.disclosure``); the message names the earlier publication.
    """
    cells = list(cells)
    rows = [c.as_list() for c in cells]
    digest = hashlib.sha256(json.dumps([rows, int(k)], sort_keys=True, default=str).encode()).hexdigest()
    path = ledger_path(sha256, root)
    with store.lock(root):
        ledger = read(sha256, root)
        if new_release and ledger["publications"]:
            ledger["release"] += 1
        earlier = _current(ledger)
        same = [p for p in earlier if p["digest"] == digest]
        if same:  # the same cells again (another language, format or command): noted, not audited again
            if command not in same[0].setdefault("commands", [same[0]["command"]]):
                same[0]["commands"].append(command)
                _write(path, ledger)
            return same[0]
        kmax = max([int(k)] + [int(p["k"]) for p in earlier])
        alone = _fails(cells, sup, int(k))
        if len(alone):
            raise disclosure.AuditError(_message(alone, None), alone)
        if earlier:
            both = _fails(_cells(earlier) + cells, _support(earlier, sup), kmax)
            if len(both):
                culprit = next((p for p in earlier
                                if len(_fails(_cells([p]) + cells, _support([p], sup), max(int(k), int(p["k"]))))),
                               None)
                raise disclosure.AuditError(_message(both, culprit if culprit else earlier), both)
        pub = {"digest": digest, "release": ledger["release"], "command": command, "commands": [command],
               "scope": {"years": [int(y) for y in years], "states": [str(s) for s in states]}, "k": int(k),
               "created": created, "cells": rows,
               "support": sup[disclosure.SUPPORT_COLUMNS].astype({"year": int}).values.tolist()}
        ledger["publications"].append(pub)
        _write(path, ledger)
        return pub


def _write(path: Path, ledger: dict) -> None:
    """Write the ledger atomically (the store's temporary file, fsync and rename); the caller holds
    the store lock."""
    text = json.dumps(ledger, ensure_ascii=False, default=str)
    store._atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def _message(failures: pd.DataFrame, earlier) -> str:
    cells = "; ".join(f"{r.dim} {','.join(r.values)} ({r.sex})"
                      for r in failures.head(3).itertuples())
    if earlier is None:
        return f"refused: this publication alone lets a reader narrow a hidden count ({cells})"
    names = _label(earlier) if isinstance(earlier, dict) else "; ".join(_label(p) for p in earlier)
    return (f"refused: with the earlier publication from the same worker file, {names}, a reader could narrow "
            f"a hidden count ({cells}). Publish with the same scope and k as before, or start a new release "
            "with --new-release after withdrawing the earlier outputs.")
