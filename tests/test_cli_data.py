"""`h2gender data ...` end to end (no network)."""
from __future__ import annotations

import subprocess
import sys

import pytest


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True, env=env)


def test_catalog_lists_entries():
    r = run("data", "catalog", "--program", "H-2B", "--fy", "2021")
    assert r.returncode == 0, r.stderr
    assert "dol-h2b-disclosure-data-fy2021-q1" in r.stdout and "entries" in r.stdout


def test_fetch_unknown_year_is_a_one_line_error():
    r = run("data", "fetch", "--program", "H-2B", "--fy", "1990")
    assert r.returncode == 1 and r.stderr.startswith("error: no catalog entry for H-2B FY1990")
    assert "Traceback" not in r.stderr


@pytest.mark.realdata
def test_ingest_and_status(dol_dir, tmp_path):
    files = [dol_dir / "H2B_Disclosure_Data_FY2021_Q1.xlsx", dol_dir / "H2B_Appendix_C_FY2021_Q1.xlsx"]
    r = run("--data-dir", str(tmp_path), "data", "ingest", *map(str, files))
    assert r.returncode == 0, r.stderr
    assert "H2B_Disclosure_Data_FY2021_Q1.xlsx: cases (form-2019) added; rows read 1159, kept 1159" in r.stdout
    assert "H2B_Appendix_C_FY2021_Q1.xlsx: recruiters" in r.stdout
    again = run("--data-dir", str(tmp_path), "data", "ingest", str(files[0]))
    assert "unchanged" in again.stdout
    st = run("--data-dir", str(tmp_path), "data", "status")
    assert "H-2B 2021" in st.stdout and "2 sources" in st.stdout
    assert "program  fiscal_year  files  rows" in st.stdout and "H-2B         2021      1  1159" in st.stdout, st.stdout
    from toolkit import dol, store

    cases = store.read_cases("H-2B", [2021], root=tmp_path / "store")
    assert cases["workers_certified"].sum() == dol.read_disclosure(files[0])["workers_certified"].sum()


def test_ingest_goes_on_past_bad_files_and_verify_repairs(tmp_path):
    import os

    from test_dol import ERA_HEADERS, ROWS, _write

    from toolkit import store

    src = tmp_path / "in"
    src.mkdir()
    good = _write(src / "H-2B_Disclosure_Data_FY2015.xlsx", ERA_HEADERS["icert-2015"], ROWS["icert-2015"])
    good2 = _write(src / "H-2A_Disclosure_Data_FY2020.xlsx", ERA_HEADERS["form-2019"], ROWS["form-2019"])
    wrong = _write(src / "H-2A_FY2015.xlsx", ERA_HEADERS["icert-2015"],
                   [[f"{r[0]}9", *r[1:]] for r in ROWS["icert-2015"]])  # other cases, an H-2B file under an H-2A name
    broken = src / "H-2B_FY2016.xlsx"
    broken.write_bytes(good.read_bytes()[:500])
    data = tmp_path / "data"
    # $H2GENDER_DATA_DIR points elsewhere: --data-dir is passed down explicitly, not through the environment
    env = {**os.environ, "H2GENDER_DATA_DIR": str(tmp_path / "elsewhere")}
    r = run("--data-dir", str(data), "data", "ingest", str(good), str(wrong), str(broken), str(good2), env=env)
    assert r.returncode == 1, r.stderr
    # a name that disagrees with the rows: read as the rows say, the disagreement reported (issue 23)
    assert "H-2A_FY2015.xlsx: cases (icert-2015) added" in r.stdout
    assert "  note: H-2A_FY2015.xlsx: the file name says program H-2A, but the rows say H-2B" in r.stdout
    assert "H-2B_FY2016.xlsx: failed: H-2B_FY2016.xlsx: cannot open" in r.stderr
    assert "1 of 4 files failed: H-2B_FY2016.xlsx" in r.stderr
    assert "H-2B_Disclosure_Data_FY2015.xlsx: cases (icert-2015) added" in r.stdout
    assert "H-2A_Disclosure_Data_FY2020.xlsx: cases (form-2019) added" in r.stdout
    assert len(store.manifest(data / "store")) == 3 and not (tmp_path / "elsewhere").exists()
    # a different file under a stored name: refused; --replace replaces
    other = tmp_path / "other"
    other.mkdir()
    changed = _write(other / good.name, ERA_HEADERS["icert-2015"], ROWS["icert-2015"][:1])
    r = run("--data-dir", str(data), "data", "ingest", str(changed))
    assert r.returncode == 1 and "a different file with this name is already stored" in r.stderr
    r = run("--data-dir", str(data), "data", "ingest", "--replace", str(changed))
    assert r.returncode == 0 and "replaced" in r.stdout, r.stderr
    # verify: sound; then an orphan and a missing partition are found, named and repaired
    r = run("--data-dir", str(data), "data", "verify")
    assert r.returncode == 0 and "is sound: 3 sources" in r.stdout, r.stdout + r.stderr
    root = data / "store"
    entries = store.manifest(root)
    h2a = next(e for e in entries.values() if e["source_file"] == good2.name)
    (root / h2a["files"][0]).unlink()
    (root / "cases" / "program=H-2B" / "fiscal_year=2015" / "stray.parquet").write_bytes(b"x")
    r = run("--data-dir", str(data), "data", "verify")
    assert r.returncode == 1 and "2 problems" in r.stderr
    assert f"missing    {h2a['files'][0]} ({good2.name})" in r.stdout and "orphan     cases/program=H-2B" in r.stdout
    (data / "raw").mkdir()
    (data / "raw" / good2.name).write_bytes(good2.read_bytes())  # the raw copy: re-ingested from it
    good2.unlink()  # the path it was ingested from is gone (tried first)
    r = run("--data-dir", str(data), "data", "verify", "--repair")
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"ingested again from {data / 'raw' / good2.name}" in r.stdout and "removed (not in the manifest)" in r.stdout
    assert store.verify(root) == [] and len(store.read_cases("H-2A", root=root)) == 2
