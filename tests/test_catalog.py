"""The shipped data catalog is valid, and broken catalogs get errors naming every problem."""
from __future__ import annotations

import hashlib

import pytest
import yaml

from toolkit import catalog
from toolkit.errors import CatalogError


def test_shipped_catalog_is_valid():
    n = catalog.validate_catalog()
    df = catalog.load_catalog()
    assert n == len(df) and df["id"].is_unique
    dol = df[df["kind"] == "dol-disclosure"]
    # every program-year from FY2000 (H-2B) / FY2006 (H-2A) to FY2024
    assert set(dol[dol.program == "H-2B"]["fiscal_year"]) == set(range(2000, 2025))
    assert set(dol[dol.program == "H-2A"]["fiscal_year"]) == set(range(2006, 2025))
    assert {"bls-cps11", "census-crosswalk", "boundaries", "dol-companion"} <= set(df["kind"])


@pytest.mark.realdata
def test_catalog_sha256_matches_shared_files(dol_dir):
    checked = 0
    for e in catalog.find(kind="dol-disclosure") + catalog.find(kind="dol-companion"):
        path = dol_dir / e["file_name"]
        if e["sha256"] and path.exists():
            assert hashlib.sha256(path.read_bytes()).hexdigest() == e["sha256"], e["id"]
            checked += 1
    assert checked >= 20


def _write(folder, name, entry):
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(entry), encoding="utf-8")


def test_broken_catalog_lists_every_problem(tmp_path):
    good = catalog.get_entry("bls-cps-table11-2022")
    _write(tmp_path, "bls-cps-table11-2022", good)
    _write(tmp_path, "dup", {**good})  # same id, wrong file name
    _write(tmp_path, "bad-url", {**good, "id": "bad-url", "url": "ftp://x y"})
    _write(tmp_path, "bad-sha", {**good, "id": "bad-sha", "sha256": "abc"})
    _write(tmp_path, "dol-x", {**good, "id": "dol-x", "kind": "dol-disclosure", "program": "H2A", "fiscal_year": 1890})
    missing = {k: v for k, v in good.items() if k != "license"}
    _write(tmp_path, "no-license", {**missing, "id": "no-license"})
    with pytest.raises(CatalogError) as err:
        catalog.validate_catalog(tmp_path)
    msg = str(err.value)
    for expected in ("dup.yaml: id 'bls-cps-table11-2022' repeats", "bad-url.yaml: url", "bad-sha.yaml: sha256",
                     "dol-x.yaml: program 'H2A'", "dol-x.yaml: fiscal_year 1890", "no-license.yaml: missing key 'license'"):
        assert expected in msg


def test_unknown_id_and_missing_folder(tmp_path, monkeypatch):
    with pytest.raises(CatalogError, match="no catalog entry with id 'nope'"):
        catalog.get_entry("nope")
    with pytest.raises(CatalogError, match="no catalog entries"):
        catalog.validate_catalog(tmp_path)
