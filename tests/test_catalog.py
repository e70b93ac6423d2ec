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
    # every program-year from FY2000 (H-2B) / FY2006 (H-2A) to FY2025, each with a complete release
    assert set(dol[dol.program == "H-2B"]["fiscal_year"]) == set(range(2000, 2026))
    assert set(dol[dol.program == "H-2A"]["fiscal_year"]) == set(range(2006, 2026))
    chosen = catalog.most_complete(catalog.find(kind="dol-disclosure"))
    assert len(chosen) == len(dol.groupby(["program", "fiscal_year"]))
    assert all(e["release"] in ("Q4", "full year") for e in chosen)
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
    _write(tmp_path, "dol-y", {**good, "id": "dol-y", "kind": "dol-disclosure", "program": "H-2A", "fiscal_year": 2020,
                               "release": "Q5", "direct_download": "no"})
    missing = {k: v for k, v in good.items() if k != "license"}
    _write(tmp_path, "no-license", {**missing, "id": "no-license"})
    with pytest.raises(CatalogError) as err:
        catalog.validate_catalog(tmp_path)
    msg = str(err.value)
    for expected in ("dup.yaml: id 'bls-cps-table11-2022' repeats", "bad-url.yaml: url", "bad-sha.yaml: sha256",
                     "dol-x.yaml: program 'H2A'", "dol-x.yaml: fiscal_year 1890", "no-license.yaml: missing key 'license'",
                     "dol-y.yaml: release 'Q5'", "dol-y.yaml: direct_download must be true or false"):
        assert expected in msg


def test_unknown_id_and_missing_folder(tmp_path, monkeypatch):
    with pytest.raises(CatalogError, match="no catalog entry with id 'nope'"):
        catalog.get_entry("nope")
    with pytest.raises(CatalogError, match="no catalog entries"):
        catalog.validate_catalog(tmp_path)


def test_most_complete_release_is_chosen_and_partial_years_keep_their_archived_quarter():
    def e(name, release, **kw):
        return {"id": name, "kind": "dol-disclosure", "program": "H-2B", "fiscal_year": 2021, "release": release,
                "file_name": name, **kw}

    q1, year = e("H2B_Disclosure_Data_FY2021_Q1.xlsx", "Q1"), e("H-2B_Disclosure_Data_FY2021.xlsx", "full year")
    assert catalog.most_complete([q1, year]) == [year] and catalog.most_complete([year, q1]) == [year]
    extract = e("X_FY2021_Q3_extract.xlsx", "Q3", direct_download=False)
    assert catalog.most_complete([q1, extract]) == [q1]  # an extract that cannot be downloaded is never chosen
    # the shipped catalog: FY2021 H-2B has the archived Q1 (sha256 known) and the published full year
    shipped = catalog.find(program="H-2B", fiscal_year=2021, kind="dol-disclosure")
    assert {x["release"] for x in shipped} == {"Q1", "full year"}
    assert catalog.most_complete(shipped)[0]["file_name"] == "H-2B_Disclosure_Data_FY2021.xlsx"
    corroborated = catalog.get_entry("dol-h-2a-fy2009")
    assert corroborated["file_name"] == "H2A_FY2009.xlsx" and corroborated["name_corroborated"] is True
