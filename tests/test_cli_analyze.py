"""`h2gender analyze` writes numeric, suppressed tables and the findings."""
from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd


def test_analyze_synthetic(tmp_path):
    r = subprocess.run([sys.executable, "-m", "toolkit", "analyze", "--program", "H-2B", "--fy", "2019",
                        "--out", str(tmp_path), "--k", "25"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    occ = pd.read_csv(tmp_path / "occupations.csv", dtype={"soc_code": str})
    assert pd.api.types.is_numeric_dtype(occ["total"])
    shown = occ.loc[~occ["suppressed"], "women"]
    assert not ((shown > 0) & (shown < 25)).any()
    findings = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))
    assert findings["synthetic"] is True and len(findings["findings"]) >= 4
    assert "stages" not in r.stderr  # no progress bar when stderr is not a terminal


def test_analyze_with_worker_records_the_user_holds(tmp_path):
    # a survey-style file: Spanish headers, no stage column (visa holders), mapped by a YAML file
    from toolkit import synth

    w = synth.generate(seed=4, programs=("H-2B",)).workers
    adm = w[w["selected"].astype(bool)]
    survey = pd.DataFrame({"Sexo": adm["sex"].map({"F": "Mujer", "M": "Hombre"}), "Año": adm["fiscal_year"],
                           "Código SOC": adm["soc_code"], "Estado de trabajo": adm["worksite_state"],
                           "Empleador": adm["employer_name"], "Salario": adm["wage_hourly"]})
    survey.to_csv(tmp_path / "encuesta.csv", index=False)
    (tmp_path / "map.yaml").write_text(
        "columns: {sex: Sexo, fiscal_year: Año, soc_code: Código SOC, worksite_state: Estado de trabajo,\n"
        "          employer_name: Empleador, wage_hourly: Salario}\nprogram: H-2B\n", encoding="utf-8")
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "toolkit", "analyze", "--program", "H-2B", "--fy", "2019",
                        "--workers", str(tmp_path / "encuesta.csv"), "--mapping", str(tmp_path / "map.yaml"),
                        "--out", str(out), "--k", "1", "--progress"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    # --progress draws the bar even into a pipe: one stage for the loading, one per evidence part
    assert "analyze: 6/6 stages" in r.stderr and "evidence: employers and recruiters" in r.stderr
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    keys = [f["key"] for f in findings["findings"]]
    assert "shortfall" in keys and "wages" in keys and "selection" not in keys  # no applicants recorded
    roles = {f["file"]: f["role"] for f in findings["provenance"]["files"]}
    assert roles["encuesta.csv"] == "role_workers"
    occ = pd.read_csv(out / "occupations.csv", dtype={"soc_code": str})
    assert occ["total"].sum() == len(adm)


def test_unknown_state_is_a_usage_error_and_an_empty_one_a_one_line_error(tmp_path):
    r = subprocess.run([sys.executable, "-m", "toolkit", "analyze", "--state", "ZZ", "--out", str(tmp_path)],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "state 'ZZ' is not a USPS state or territory code" in r.stderr
    r = subprocess.run([sys.executable, "-m", "toolkit", "analyze", "--state", "gu", "--out", str(tmp_path)],
                       capture_output=True, text=True)
    assert r.returncode == 1 and r.stderr.startswith("error: no H-2A or H-2B cases with worksite state GU")
    assert "states present: AL" in r.stderr and "Traceback" not in r.stderr


def test_state_is_handled_alike_by_report_and_analyze(tmp_path):
    # lower case in, upper case in the scope, the provenance and the reproduce command of both commands
    import json

    from click.testing import CliRunner

    from toolkit.cli import main

    r = CliRunner().invoke(main, ["analyze", "--state", "tx", "--out", str(tmp_path / "a")])
    assert r.exit_code == 0, r.output
    prov = json.loads((tmp_path / "a" / "findings.json").read_text(encoding="utf-8"))["provenance"]
    assert prov["parameters"]["states"] == "TX" and "--state TX" in prov["command"]
    r = CliRunner().invoke(main, ["report", "--state", "tx", "--format", "html", "--out", str(tmp_path / "r")])
    assert r.exit_code == 0, r.output
    (page,) = (tmp_path / "r").glob("*_TX_synthetic_en.html")
    html = page.read_text(encoding="utf-8")
    assert "states=TX" in html and "--state TX" in html


def test_analyze_csv_neutralises_formula_cells(tmp_path, monkeypatch):
    # an employer name written as a formula (DOL files carry what employers typed) reaches the CSV quoted
    from click.testing import CliRunner

    from toolkit import synth
    from toolkit.cli import main

    real = synth.generate

    def hostile(*args, **kwargs):
        d = real(*args, **kwargs)
        big = d.workers["employer_name"].mode().iloc[0]  # the largest employer: listed in every table
        for table in (d.cases, d.workers):
            table["employer_name"] = table["employer_name"].astype("string").replace(big, '=HYPERLINK("http://x")')
        return d

    monkeypatch.setattr(synth, "generate", hostile)
    r = CliRunner().invoke(main, ["analyze", "--program", "H-2B", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    text = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("*.csv"))
    assert "'=HYPERLINK" in text
    assert not any(bad in text for bad in ("\n=HYPERLINK", ",=HYPERLINK", '"=HYPERLINK'))
