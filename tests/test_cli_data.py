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
