"""Download catalogued sources into the data directory, safely.

``fetch(entry)`` streams the file with a tqdm progress bar into ``<name>.part``, resumes a partial
download with an HTTP Range request, verifies the sha256 when the catalog has one, and renames the
file into place only when complete (no half file after an interrupt). A second run re-verifies
and does nothing. Offline, it fails at once with the URL to fetch by hand and the exact path to
save it to. The transport is injectable (``opener``) so tests never touch the network.
"""
from __future__ import annotations

import os
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from toolkit import catalog, config
from toolkit.checksum import sha256_file
from toolkit.errors import ChecksumError, FetchError

__all__ = ["fetch", "target_path"]

CHUNK = 1 << 16


def target_path(entry: dict, dest_dir: str | os.PathLike | None = None) -> Path:
    """Where ``entry`` is saved: ``dest_dir`` (default ``<data dir>/raw``) / its file name."""
    return (Path(dest_dir) if dest_dir else config.raw_dir()) / entry["file_name"]


def _verify(path: Path, expected: str | None) -> None:
    if expected is None:
        return
    actual = sha256_file(path)
    if actual != expected:
        bad = path.with_name(path.name + ".bad")
        os.replace(path, bad)
        raise ChecksumError(f"{path.name}: sha256 {actual} does not match the catalog's {expected}; "
                            f"the download was moved aside to {bad}")


def fetch(entry_or_id: dict | str, *, dest_dir: str | os.PathLike | None = None, force: bool = False,
          opener: Callable | None = None, progress: bool = True, timeout: float = 30) -> Path:
    """Download one catalog entry; return the local path (see module docstring)."""
    entry = catalog.get_entry(entry_or_id) if isinstance(entry_or_id, str) else entry_or_id
    target = target_path(entry, dest_dir)
    if entry.get("direct_download") is False and not target.exists():
        raise FetchError(f"{entry['file_name']} is not a direct download; get it from {entry['url']} and save it "
                         f"as {target}")
    expected = entry.get("sha256")
    if target.exists() and not force:
        _verify(target, expected)
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(entry["url"], headers={"User-Agent": "h2gender (research toolkit)"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    open_ = opener or urllib.request.urlopen
    try:
        response = open_(request, timeout=timeout)
    except (urllib.error.URLError, socket.timeout, OSError) as exc:
        raise FetchError(f"could not download {entry['url']} ({exc}); fetch it by hand in a browser and "
                         f"save it as {target}") from exc
    status = getattr(response, "status", 200)
    mode = "ab" if have and status == 206 else "wb"
    total = response.headers.get("Content-Length") if hasattr(response, "headers") else None
    total = int(total) + (have if mode == "ab" else 0) if total else None
    from tqdm.auto import tqdm

    with response, open(part, mode) as out, tqdm(total=total, initial=have if mode == "ab" else 0, unit="B",
                                                 unit_scale=True, desc=entry["file_name"],
                                                 disable=not progress) as bar:
        while True:
            block = response.read(CHUNK)
            if not block:
                break
            out.write(block)
            bar.update(len(block))
    _verify(part, expected)
    os.replace(part, target)
    return target
