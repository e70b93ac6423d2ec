"""toolkit.evidence on the synthetic default: findings recover planted effects, tables suppress
small cells, provenance lists the inputs, store data without sex say what they cannot show.
Evidence is language-free; toolkit.present words it (tested here through ``texts``)."""
from __future__ import annotations

import re

import matplotlib
import matplotlib.pyplot
import pandas as pd
import pytest

from toolkit import dataset, evidence, i18n, present, schema

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    matplotlib.pyplot.close("all")


def build(**request) -> evidence.Evidence:
    request.setdefault("n_bootstrap", 50)
    return evidence.build(dataset.load(dataset.Request.build(**request)), commit="c0ffee", rendered="then")


def texts(ev, lang="en") -> dict[str, str]:
    occ = present.occupation_namer(ev.soc_titles, lang)
    return {f.key: present.finding_text(f, lang, k=ev.k, occ_name=occ)[1] for f in ev.findings}


def shown(ev, key, lang="en") -> pd.DataFrame:
    return present.display_table(ev.tables[key], lang, occ_name=present.occupation_namer(ev.soc_titles, lang))[1]


@pytest.fixture(scope="module")
def ev_en():
    return build(data="synthetic", program="all", fy=2019)


def _counts(series: pd.Series) -> list[int]:
    """The numbers of a displayed column; "—" (no records) and the hidden mark carry none."""
    marks = {"—", i18n.t("cell_hidden", "en"), i18n.t("cell_hidden", "es")}
    return [int(v.replace(",", "")) for v in series if v not in marks]


def test_findings_present_and_synthetic(ev_en):
    assert ev_en.synthetic
    assert [f.key for f in ev_en.findings] == ["shortfall", "channelling", "selection", "wages", "joborders"]
    words = texts(ev_en)
    text = " ".join(words.values())
    assert "standard deviations" in text and "impact ratio" in text
    # the planted selection odds ratio (0.4) is what the selection finding reports
    assert "odds of selection for women were 0.4" in text
    # flagged job orders are read against the detector's measured recall and precision on text it was
    # not tuned to (the writers' sets, each scored by the model fitted without that writer)
    from toolkit import language

    perf = language.rules_performance()
    en, es = (i18n.fmt_percent(perf.loc[lang, "recall"], "en", 0) for lang in ("en", "es"))
    orders = words["joborders"]
    assert f"caught {en} of the explicit preferences in English and {es} in Spanish" in orders and "lower bound" in orders
    assert ("not a strict lower bound" in orders) == (perf["precision"].min() < 1)
    claim = "every line they flagged was a real preference" in orders
    assert claim == (perf["precision"].min() == 1), "the 'every line' claim only when the measured precision is 1"
    assert "{" not in orders


def test_evidence_is_language_free_and_pure(ev_en):
    # one evidence object serves both languages; the same request gives the same numbers
    es = texts(ev_en, "es")
    assert "desviaciones estándar" in es["shortfall"]
    again = build(data="synthetic", program="all", fy=2019)
    assert [f.as_dict() for f in again.findings] == [f.as_dict() for f in ev_en.findings]
    assert again.provenance == ev_en.provenance  # the commit and time are inputs, not looked up
    assert ev_en.provenance["commit"] == "c0ffee" and ev_en.provenance["rendered"] == "then"
    assert all(isinstance(spec, evidence.FigureSpec) for spec in ev_en.figures.values())


@pytest.mark.parametrize("k", [10, 50])
def test_no_printed_count_below_k(k):
    ev = build(data="synthetic", program="H-2B", fy=2019, k=k, n_bootstrap=20)
    for name in ev.tables:
        table = shown(ev, name, "es")
        for col in (i18n.t("col_workers", "es"), i18n.t("col_women", "es"), i18n.t("col_positions", "es")):
            if col in table:
                small = [v for v in _counts(table[col]) if 0 < v < k]
                assert not small, (name, col, small)
    assert any((shown(ev, name, "es") == i18n.t("cell_hidden", "es")).any().any() for name in ev.tables)


def test_provenance_lists_inputs(ev_en):
    roles = {f["role"]: f["file"] for f in ev_en.provenance["files"]}
    assert roles == {"role_generator": "toolkit/synth.py", "role_benchmark": "toolkit/data/cps11_women_share_by_soc.csv",
                     "role_params": "synth.generate(seed=2019, fiscal_years=[2019], programs=['H-2A', 'H-2B'])"
                                    ".truth['params']"}
    # the planted effects are stated next to the findings that should recover them
    planted = present.planted_text(ev_en.provenance["truth"], "en")
    assert "odds of selection for women 0.40 times" in planted and "83 job orders" in planted
    assert all(len(f["sha256"]) == 64 for f in ev_en.provenance["files"])
    assert ev_en.provenance["parameters"]["seed"] == 2019
    assert ev_en.provenance["coverage"][0] == {"program": "H-2A", "fiscal_year": 2019, "release": "synthetic",
                                               "files": ""}


@pytest.mark.realdata
def test_store_data_without_sex(tmp_path, monkeypatch, dol_dir):
    from toolkit import dol, store

    monkeypatch.setenv("H2GENDER_DATA_DIR", str(tmp_path))
    path = dol_dir / "H2B_Disclosure_Data_FY2021_Q1.xlsx"
    store.write_cases(dol.read_disclosure(path), source_sha256=dol.sha256_file(path), source_file=path.name)
    data = dataset.load(dataset.Request.build(data="store", program="H-2B", fy=2021))
    assert data.workers is None and data.files[0]["file"] == path.name and data.files[0]["release"] == "Q1"
    # the Q1 release is a partial year: October-December 2020, from the rows, agreeing with the name and catalog
    assert data.coverage.to_dict("records") == [{
        "program": "H-2B", "fiscal_year": 2021, "release": "Q1", "files": path.name, "source_file": path.name,
        "kind": "cumulative", "partial": True, "months": 3, "first_month": "2020-10", "last_month": "2020-12",
        "decided_first": "2020-10-01", "decided_last": "2020-12-31", "decided_outside": 0,
        "catalog_id": "dol-h2b-disclosure-data-fy2021-q1", "release_conflict": False,
        # the months come from the rows, which agree with the name (so no name-versus-rows flag)
        "months_from": "rows", "partial_by_rows": False, "name_program": "H-2B", "name_fiscal_year": 2021,
        "name_conflict": False}]
    cases = data.cases
    ev = evidence.build(data)
    assert not ev.synthetic
    words = texts(ev)
    assert "do not record sex" in words["shortfall"]
    assert [f.key for f in ev.findings] == ["shortfall", "concentration", "joborders"]
    with_text = int((~cases["requirements_text"].astype("string").fillna("").str.strip().str.upper()
                     .isin(["", "NONE", "N/A", "NA"])).sum())
    assert 0 < with_text < len(cases)
    assert f"{with_text:,} of them carry requirements or duties text" in words["joborders"]
    assert set(ev.tables) == {"occupations", "states", "employer_profiles"}
    # certified positions are public DOL records, shown as they are: every position counted once,
    # small occupations included
    occ = ev.raw_tables["occupations"]
    total = int(cases.loc[~cases["is_duplicate"].fillna(False), "workers_certified"].sum())
    assert occ["positions"].sum() == total and not occ["suppressed"].any() and (occ["positions"] < 10).any()
    title, table, note = present.display_table(ev.tables["occupations"], "en",
                                               occ_name=present.occupation_namer(ev.soc_titles, "en"))
    assert len(table) == present.TOP_ROWS < len(occ)
    assert "The 25 largest of" in note
    assert occ.loc[occ["suppressed"], "expected_women"].isna().all()
    # shown with every occupation, some have no Spanish title
    _, es_table, es_note = present.display_table(ev.tables["occupations"], "es", top=100,
                                                 occ_name=present.occupation_namer(ev.soc_titles, "es"))
    titles = es_table["Ocupación"]
    assert len(titles[titles.str.endswith(" *")]) and "Título oficial del SOC en inglés" in es_note
    assert "«Trabajadores de jardinería y mantenimiento de terrenos»" in texts(ev, "es")["concentration"]


def test_analyze_writes_json_tables_and_findings_with_numbers(tmp_path):
    import json

    from click.testing import CliRunner

    from toolkit.cli import main

    r = CliRunner().invoke(main, ["analyze", "--program", "H-2B", "--format", "json", "--k", "25", "--out",
                                  str(tmp_path)])
    assert r.exit_code == 0, r.output
    occ = pd.read_json(tmp_path / "occupations.json", orient="records", dtype={"soc_code": str})
    shown_women = occ.loc[~occ["suppressed"], "women"]
    assert len(shown_women) and not ((shown_women > 0) & (shown_women < 25)).any()
    assert occ.loc[occ["suppressed"], "women"].isna().all()
    findings = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))["findings"]
    by_key = {f["key"]: f for f in findings}
    # women are planted to be selected less often (odds ratio 0.4): the impact ratio's interval lies below 1
    low, high = by_key["selection"]["ci"]
    assert by_key["selection"]["measure"] == "impact_ratio" and low < by_key["selection"]["value"] < high < 1
    assert 0 < by_key["shortfall"]["value"] < 0.2
    assert by_key["shortfall"]["text"].startswith("Women were")


def test_public_job_order_counts_are_shown_as_they_are():
    # Maryland in the synthetic default has fewer than 10 job orders stating a sex preference; job
    # orders are public DOL records, not people, so the sentence gives the number (toolkit.disclosure)
    ev = build(data="synthetic", program="all", fy=2019, state="md", n_bootstrap=20)
    orders = {f.key: f for f in ev.findings}["joborders"]
    assert re.match(r"[1-9] of \d+ job orders \(", texts(ev)["joborders"]) and 0 < orders.value < 1
    assert ev.request.states == ("MD",) and ev.provenance["parameters"]["states"] == "MD"


def test_an_interval_that_may_under_cover_says_so(ev_en):
    # the synthetic default is dense: no caveat; a sparse H (segregation.SPARSE_MEAN_CELL) adds one
    channelling = {f.key: f for f in ev_en.findings}["channelling"]
    assert channelling.caveat is None and "may cover the true value" not in texts(ev_en)["channelling"]
    import dataclasses

    sparse = dataclasses.replace(channelling, caveat=("t", "interval_may_undercover", {}))
    for lang, words in (("en", "may cover the true value less often"), ("es", "menos veces de lo prometido")):
        assert present.finding_text(sparse, lang, k=10)[1].endswith(present.format_value(sparse.caveat, lang, k=10))
        assert words in present.finding_text(sparse, lang, k=10)[1]


def test_a_sparse_h_publishes_no_interval(monkeypatch):
    # below SPARSE_MEAN_CELL the coverage study measured no interval of H holding 0.92-0.98: the
    # sentence gives H without one and says why, and the segregation table drops the bounds
    import functools

    from toolkit import segregation

    real = segregation.mutual_total

    @functools.wraps(real)  # the methods read its signature
    def flagged(*a, **kw):
        out = real(*a, **kw)
        return out.assign(sparse=True) if kw.get("se") else out

    monkeypatch.setattr(segregation, "mutual_total", flagged)
    ev = build(data="synthetic", program="all", fy=2019, n_bootstrap=20)
    channelling = {f.key: f for f in ev.findings}["channelling"]
    assert channelling.ci is None and channelling.text_key == "finding_channelling_no_interval"
    for lang, gone, said in (("en", "95% interval", "no 95% interval"), ("es", "intervalo de 95%:", "sin intervalo de 95%")):
        text = texts(ev, lang)["channelling"]
        assert said in text and gone + " " not in text.replace(said, ""), text
    assert ev.raw_tables["segregation"][["ci_low", "ci_high"]].isna().all().all()


def test_an_empty_table_displays(ev_en):
    # a scope can leave a table with no row (found building the site on real states)
    import dataclasses

    spec = ev_en.tables["occupations"]
    empty = dataclasses.replace(spec, data=spec.data.iloc[0:0])
    title, table, note = present.display_table(empty, "es", occ_name=present.occupation_namer(ev_en.soc_titles, "es"))
    assert table.empty and list(table.columns)[0] == i18n.t("col_soc", "es")


@pytest.mark.parametrize("screened", [True, False])
def test_appendix_c_table_never_repeats_the_audited_recruiter_counts(screened):
    # with the worker records' recruiters already published (audited) in 'recruiters', the Appendix C
    # table carries no second audit of the same people, whose different hidden rows could undo the first
    cases = pd.DataFrame({"case_number": ["A", "B"], "employer_name": ["Pine Co", "Crab Inc"],
                          "employer_state": ["MD", "MD"], "soc_code": ["37-3011", "51-3022"],
                          "soc_title": ["Landscaping", "Meat trimmers"], "workers_certified": [20, 30],
                          "is_duplicate": [False, False], "fiscal_year": 2021})
    cases = schema.conform(cases, schema.CASE_COLUMNS, name="cases")  # the DOL employer profiles need every column
    rec = pd.DataFrame({"case_number": ["A", "B"], "recruiter_name": ["Agencia X", "Rec Y"],
                        "recruiter_city": ["Monterrey", "Antigua"], "recruiter_province": ["NL", None],
                        "recruiter_country": ["MEXICO", "GUATEMALA"]})
    workers = pd.DataFrame({"recruiter": ["Agencia X"] * 40 + ["Rec Y"] * 30, "sex": ["F"] * 12 + ["M"] * 28 +
                            ["F"] * 11 + ["M"] * 19, "stage": "admitted", "soc_code": "37-3011"})
    bench = pd.DataFrame({"soc_code": ["37-3011", "51-3022"], "women_share": [0.1, 0.5]})
    data = dataset.Dataset(request=dataset.Request(), cases=cases, workers=workers, companions={"recruiters": rec})
    ev = evidence.Evidence(request=data.request, synthetic=False)
    ev.raw_tables["employers"] = pd.DataFrame()  # the worker records' employer table stands in for profiles
    if screened:
        ev.raw_tables["recruiters"] = pd.DataFrame()
    evidence._employers_and_recruiters(ev, data, bench, k=10, workers_allowed=True)
    table = ev.raw_tables["recruiters_appendix_c"].set_index("recruiter_name")
    if screened:
        assert table[["women", "workers"]].isna().all().all()
        assert not ev.disclosed
    else:
        assert table.loc["Agencia X", ["workers", "women"]].tolist() == [40, 12]
        # the counts are relations of the disclosure audit, over the worker-record names each row counts
        got = {(c.values, c.sex): c.count for c in ev.disclosed}
        assert got == {(("Agencia X",), "F"): 12, (("Agencia X",), "M"): 28, (("Rec Y",), "F"): 11,
                       (("Rec Y",), "M"): 19}
    # a refused scope (workers not allowed) publishes no count of people in the table
    ev = evidence.Evidence(request=data.request, synthetic=False)
    evidence._employers_and_recruiters(ev, data, bench, k=10, workers_allowed=False)
    assert ev.raw_tables["recruiters_appendix_c"][["women", "workers"]].isna().all().all() and not ev.disclosed


def test_a_match_shared_across_scopes_gives_each_employer_one_identity(tmp_path, monkeypatch, dol_dir):
    """The site matches employers once and builds every state from that match (``employer_match``):
    nationally it is the report's own match; in a state, the same employer has the national id."""
    from toolkit import dol, employers, publication, site, store

    monkeypatch.setenv("H2GENDER_DATA_DIR", str(tmp_path))
    path = dol_dir / "H2B_Disclosure_Data_FY2021_Q1.xlsx"
    store.write_cases(dol.read_disclosure(path), source_sha256=dol.sha256_file(path), source_file=path.name)
    data = dataset.load(dataset.Request.build(data="store", program="H-2B", fy=2021))
    match = employers.match_employers(data.cases)
    alone, shared = evidence.build(data), evidence.build(data, employer_match=match)
    pd.testing.assert_frame_equal(alone.raw_tables["employer_profiles"], shared.raw_tables["employer_profiles"])
    pd.testing.assert_frame_equal(alone.raw_tables["employer_ambiguous_matches"],
                                  shared.raw_tables["employer_ambiguous_matches"])
    tx = publication.scoped(data, "H-2B", "TX")
    scoped = evidence.build(tx, employer_match=match).raw_tables["employer_profiles"]
    national = match.ids[tx.cases.index].dropna()
    assert set(scoped["employer_id"]) == set(national) and len(scoped) < len(alone.raw_tables["employer_profiles"])
    # an ambiguity kept for the state involves one of its employers; a narrowed match refuses foreign rows
    amb = evidence.build(tx, employer_match=match).raw_tables["employer_ambiguous_matches"]
    assert (amb["employer_id"].isin(national) | amb["other_id"].isin(national)).all()
    with pytest.raises(KeyError, match="not in the match"):
        match.within(pd.Index([len(data.cases) + 5]))
    with pytest.raises(ValueError, match="match= or identity="):
        site.build_pages(data.cases, match=match, identity=site.employer_identity)


def test_without_any_measured_share_no_heading_claims_a_shortfall(tmp_path, monkeypatch, dol_dir):
    """DOL files record no sex and no published share covers FY2013-2017 H-2A: the expected women
    are a benchmark, so no title may say that women are fewer (the other side quotes headings)."""
    from toolkit import dol, store

    monkeypatch.setenv("H2GENDER_DATA_DIR", str(tmp_path))
    for name in ("H2A_FY2013.xls", "H-2A_Disclosure_Data_FY17.xlsx"):
        path = dol_dir / name
        store.write_cases(dol.read_disclosure(path), source_sha256=dol.sha256_file(path), source_file=path.name)
    ev = evidence.build(dataset.load(dataset.Request.build(data="store", program="H-2A", fy="2013-2017",
                                                           n_bootstrap=20)))
    assert ev.findings[0].key == "shortfall" and ev.findings[0].measure == "expected_women_share"
    for lang, words in (("en", ("fewer", "shortfall", "missing")), ("es", ("menos", "faltan", "déficit"))):
        titles = [present.finding_text(f, lang, k=ev.k)[0] for f in ev.findings]
        assert not any(w in t.lower() for t in titles for w in words), (lang, titles)
