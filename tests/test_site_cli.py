"""``h2gender site``: year parsing, and a whole site written from synthetic data and from the store."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from toolkit.cli import main


def test_site_command_from_synthetic_data(tmp_path):
    r = CliRunner().invoke(main, ["site", "--data", "synthetic", "--fy", "2020", "--program", "H-2B", "--lang", "es",
                                  "--out", str(tmp_path)])
    # the evidence of the report on the state pages, from present.view of evidence.build per state
    assert r.exit_code == 0, r.output
    assert (tmp_path / "es" / "index.html").exists() and not (tmp_path / "en").exists()
    index = (tmp_path / "es" / "index.html").read_text(encoding="utf-8")
    assert "Datos sintéticos" in index and "H-2B" in index
    about = (tmp_path / "es" / "about.html").read_text(encoding="utf-8")
    assert "h2gender site --program H-2B --fy 2020 --lang es --data synthetic --k 10 --seed 2019" in about
    ga = (tmp_path / "es" / "state" / "GA.html").read_text(encoding="utf-8")
    # the state keeps to DOL records (worker records stay national): women are expected, not counted
    assert "Evidencia del informe" in ga and "H-2B: " in ga and "Mujeres esperadas si estos empleos" in ga
    assert "Menos mujeres" not in ga
    assert "<img" not in ga, "figures are in the PDF, not drawn per page"


def test_site_command_rejects_bad_values(tmp_path):
    for args in (["--lang", "fr"], ["--fy", "2022-2015"], ["--fy", "19"], ["--k", "0"], ["--state", "ZZ"]):
        r = CliRunner().invoke(main, ["site", *args, "--out", str(tmp_path)])
        assert r.exit_code == 2, f"{args}: {r.output}"


@pytest.mark.realdata
def test_site_command_from_the_store(dol_dir, tmp_path):
    runner = CliRunner()
    files = [dol_dir / "H2B_Disclosure_Data_FY2021_Q1.xlsx", dol_dir / "H2B_Appendix_C_FY2021_Q1.xlsx"]
    r = runner.invoke(main, ["--data-dir", str(tmp_path / "data"), "data", "ingest", *map(str, files)])
    assert r.exit_code == 0, r.output
    out = tmp_path / "site"
    r = runner.invoke(main, ["--data-dir", str(tmp_path / "data"), "site", "--data", "store", "--fy", "2015-2022", "--program", "H-2B",
                             "--lang", "en", "--out", str(out)])
    assert r.exit_code == 0, r.output
    about = (out / "en" / "about.html").read_text(encoding="utf-8")
    assert "H2B_Disclosure_Data_FY2021_Q1.xlsx" in about, "provenance lists the stored input files"
    assert len(list((out / "en" / "recruiter").glob("*.html"))) > 10
    assert "fiscal years 2021." in (out / "en" / "index.html").read_text(encoding="utf-8")
    r = runner.invoke(main, ["--data-dir", str(tmp_path / "empty"), "site", "--data", "store", "--out", str(out)])
    assert r.exit_code != 0 and "no cases in the store" in str(r.exception)


def test_site_for_one_state_has_only_that_state_and_labels_its_area(tmp_path):
    """``--state TX``: Texas is the whole area. No other state page; the area section is labelled
    Texas (never "national" nor "Worksite state: all"), and the reproduce command keeps --state."""
    r = CliRunner().invoke(main, ["site", "--data", "synthetic", "--fy", "2020", "--program", "H-2B", "--lang", "en",
                                  "--state", "TX", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (tmp_path / "en" / "state").glob("*.html")) == ["TX.html"]
    index = (tmp_path / "en" / "index.html").read_text(encoding="utf-8")
    assert "Figures for Texas by program and fiscal year" in index
    assert "National figures" not in index and "Worksite state: all" not in index
    assert "Worksite state: TX" in index
    assert "--state TX" in (tmp_path / "en" / "about.html").read_text(encoding="utf-8")
    assert 'href="state/GA.html"' not in index, "the map links only the states that have a page"
    tx = (tmp_path / "en" / "state" / "TX.html").read_text(encoding="utf-8")
    assert "h2gender report --program H-2B --fy 2020 --state TX" in tx


@pytest.mark.realdata
def test_site_builds_what_the_store_holds_and_says_what_is_absent(dol_dir, tmp_path):
    """``--fy 2021`` with every program when the store holds only H-2B for 2021: the H-2B site is
    built and the index names H-2A FY2021 as absent (it used to stop with a StoreError)."""
    runner = CliRunner()
    files = [dol_dir / "H2B_Disclosure_Data_FY2021_Q1.xlsx"]
    r = runner.invoke(main, ["--data-dir", str(tmp_path / "data"), "data", "ingest", *map(str, files)])
    assert r.exit_code == 0, r.output
    out = tmp_path / "site"
    r = runner.invoke(main, ["--data-dir", str(tmp_path / "data"), "site", "--data", "store", "--fy", "2021",
                             "--lang", "en,es", "--state", "TX", "--out", str(out)])
    assert r.exit_code == 0, r.output
    index = (out / "en" / "index.html").read_text(encoding="utf-8")
    assert "not in the store, so not on this site: H-2A FY2021" in index
    assert "H-2A año fiscal 2021" in (out / "es" / "index.html").read_text(encoding="utf-8")
    employer = next((out / "en" / "employer").glob("*.html")).read_text(encoding="utf-8")
    assert "2021*" in employer and "Partial year (2021)" in employer, "a Q1 year is marked partial"
