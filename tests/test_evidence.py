"""toolkit.evidence on the synthetic default: findings recover planted effects, tables suppress
small cells, provenance lists the inputs, store data without sex say what they cannot show."""
from __future__ import annotations

import re

import matplotlib
import matplotlib.pyplot
import pandas as pd
import pytest

from toolkit import evidence, i18n

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    matplotlib.pyplot.close("all")


@pytest.fixture(scope="module")
def ev_en():
    cases, workers, files = evidence.load_data("synthetic", "all", 2019)
    return evidence.build_evidence(cases, workers, program="all", fiscal_year=2019, lang="en", files=files,
                                   n_bootstrap=50)


def _counts(series: pd.Series) -> list[int]:
    return [int(v.replace(",", "")) for v in series if v != "—"]


def test_findings_present_and_synthetic(ev_en):
    assert ev_en.synthetic
    assert [f["key"] for f in ev_en.findings] == ["shortfall", "channelling", "selection", "wages", "joborders"]
    text = " ".join(f["text"] for f in ev_en.findings)
    assert "standard deviations" in text and "impact ratio" in text
    # the planted selection odds ratio (0.4) is what the selection finding reports
    assert "odds of selection for women were 0.4" in text
    # flagged job orders are a lower bound, with the rules' recall on the blind set (58% ES, 69% EN)
    orders = ev_en.findings[-1]["text"]
    assert "caught 58% to 69% of the explicit preferences" in orders and "lower bound" in orders
    assert "every line they flagged was a real preference" in orders and "{" not in orders


@pytest.mark.parametrize("k", [10, 50])
def test_no_printed_count_below_k(k):
    cases, workers, files = evidence.load_data("synthetic", "H-2B", 2019)
    ev = evidence.build_evidence(cases, workers, program="H-2B", fiscal_year=2019, lang="es", k=k, files=files,
                                 n_bootstrap=20)
    for name, table in ev.tables.items():
        for col in (i18n.t("col_workers", "es"), i18n.t("col_women", "es"), i18n.t("col_positions", "es")):
            if col in table:
                small = [v for v in _counts(table[col]) if 0 < v < k]
                assert not small, (name, col, small)
    assert any((t == "—").any().any() for t in ev.tables.values())


def test_provenance_lists_inputs(ev_en):
    roles = {f["role"]: f["file"] for f in ev_en.provenance["files"]}
    assert roles == {"role_generator": "toolkit/synth.py", "role_benchmark": "toolkit/data/cps11_women_share_by_soc.csv",
                     "role_params": "synth.generate(seed=2019, fiscal_years=(2019,), programs=('H-2A', 'H-2B'))"
                                    ".truth['params']"}
    # the planted effects are stated next to the findings that should recover them
    assert "odds of selection for women 0.40 times" in ev_en.provenance["planted"]
    assert "83 job orders" in ev_en.provenance["planted"]
    assert all(len(f["sha256"]) == 64 for f in ev_en.provenance["files"])
    assert ev_en.provenance["parameters"]["seed"] == 2019


def test_store_data_without_sex(tmp_path, monkeypatch, dol_dir):
    from toolkit import dol, store

    monkeypatch.setenv("H2GENDER_DATA_DIR", str(tmp_path))
    path = dol_dir / "H2B_Disclosure_Data_FY2021_Q1.xlsx"
    store.write_cases(dol.read_disclosure(path), source_sha256=dol.sha256_file(path), source_file=path.name)
    cases, workers, files = evidence.load_data("store", "H-2B", 2021)
    assert workers is None and files[0]["file"] == path.name
    ev = evidence.build_evidence(cases, None, program="H-2B", fiscal_year=2021, lang="en", data="store", files=files)
    assert not ev.synthetic
    assert "do not record sex" in ev.findings[0]["text"]
    assert [f["key"] for f in ev.findings] == ["shortfall", "concentration", "joborders"]
    with_text = int((~cases["requirements_text"].astype("string").fillna("").str.strip().str.upper()
                     .isin(["", "NONE", "N/A", "NA"])).sum())
    assert 0 < with_text < len(cases)
    assert f"{with_text:,} of them carry requirements or duties text" in ev.findings[2]["text"]
    assert set(ev.tables) == {"occupations", "states", "employers"}
    # certified positions are public DOL records, shown as they are: every position counted once,
    # small occupations included
    occ = ev.raw_tables["occupations"]
    total = int(cases.loc[~cases["is_duplicate"].fillna(False), "workers_certified"].sum())
    assert occ["positions"].sum() == total and not occ["suppressed"].any() and (occ["positions"] < 10).any()
    assert len(ev.tables["occupations"]) == evidence.TOP_ROWS < len(occ)
    assert "The 25 largest of" in ev.table_notes["occupations"]
    assert occ.loc[occ["suppressed"], "expected_women"].isna().all()

    monkeypatch.setattr(evidence, "TOP_ROWS", 100)  # show every occupation, some without a Spanish title
    es = evidence.build_evidence(cases, None, program="H-2B", fiscal_year=2021, lang="es", data="store", files=files)
    titles = es.tables["occupations"]["Ocupación"]
    english = titles[titles.str.endswith(" *")]
    assert len(english) and "Título oficial del SOC en inglés" in es.table_notes["occupations"]
    assert "«Trabajadores de jardinería y mantenimiento de terrenos»" in es.findings[1]["text"]


def test_analyze_writes_json_tables_and_findings_with_numbers(tmp_path):
    import json

    from click.testing import CliRunner

    from toolkit.cli import main

    r = CliRunner().invoke(main, ["analyze", "--program", "H-2B", "--format", "json", "--k", "25", "--out",
                                  str(tmp_path)])
    assert r.exit_code == 0, r.output
    occ = pd.read_json(tmp_path / "occupations.json", orient="records", dtype={"soc_code": str})
    shown = occ.loc[~occ["suppressed"], "women"]
    assert len(shown) and not ((shown > 0) & (shown < 25)).any()
    assert occ.loc[occ["suppressed"], "women"].isna().all()
    findings = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))["findings"]
    by_key = {f["key"]: f for f in findings}
    # women are planted to be selected less often (odds ratio 0.4): the impact ratio's interval lies below 1
    low, high = by_key["selection"]["ci"]
    assert by_key["selection"]["measure"] == "impact_ratio" and low < by_key["selection"]["value"] < high < 1
    assert 0 < by_key["shortfall"]["value"] < 0.2


def test_public_job_order_counts_are_shown_as_they_are():
    # Maryland in the synthetic default has fewer than 10 job orders stating a sex preference; job
    # orders are public DOL records, not people, so the sentence gives the number (toolkit.disclosure)
    cases, workers, files = evidence.load_data("synthetic", "all", 2019, state="MD")
    ev = evidence.build_evidence(cases, workers, program="all", fiscal_year=2019, state="MD", lang="en",
                                 files=files, n_bootstrap=20)
    orders = {f["key"]: f for f in ev.findings}["joborders"]
    assert re.match(r"[1-9] of \d+ job orders \(", orders["text"]) and 0 < orders["value"] < 1
    assert ev.params["state"] == "MD" and set(cases["worksite_state"]) == {"MD"}
