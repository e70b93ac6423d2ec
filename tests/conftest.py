"""Shared fixtures. Real files are read from ../shared/data (CI has it); tests that need them are
marked ``realdata`` and skip with a clear reason when the folder is absent."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("H2GENDER_SHARED_DATA", ROOT.parent / "shared" / "data"))


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared real data not found at {path} (set H2GENDER_SHARED_DATA or place ../shared/data)")
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data: the real DOL, BLS/Census and boundary files."""
    return _require(SHARED)


@pytest.fixture(scope="session")
def dol_dir() -> Path:
    return _require(SHARED / "dol")


@pytest.fixture(scope="session")
def benchmarks_dir() -> Path:
    return _require(SHARED / "benchmarks")


@pytest.fixture(scope="session")
def geo_dir() -> Path:
    return _require(SHARED / "geo")


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory, monkeypatch):
    """No test writes into the user's real data directory."""
    monkeypatch.setenv("H2GENDER_DATA_DIR", str(tmp_path_factory.mktemp("h2gender-data")))


def ingest_shared(dol_dir: Path, root: Path, cases, companions) -> Path:
    """A data directory under ``root`` whose store holds the shared DOL ``cases`` files and the
    ``companions`` ({file name: kind}), read by the toolkit's own readers; returns ``root``."""
    from toolkit import dol, store

    for name in cases:
        store.write_cases(dol.read_disclosure(dol_dir / name), source_sha256=dol.sha256_file(dol_dir / name),
                          source_file=name, root=root / "store")
    for name, kind in companions.items():
        store.write_table(kind, dol.read_companion(dol_dir / name, kind), source_sha256=dol.sha256_file(dol_dir / name),
                          source_file=name, root=root / "store")
    return root
