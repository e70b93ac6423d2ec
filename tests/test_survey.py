"""The worker survey: the shipped XLSForm (built with pyxform as KoboToolbox and ODK do), the import
of its KoboToolbox / ODK Central exports in every layout without a mapping file, and the mapping
drafted for other forms. The exports are synthetic with planted answers (``toolkit.survey.simulate``);
the truth is drawn before the answers are written, so it does not come from the import it checks."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter

import pandas as pd
import pytest
from click.testing import CliRunner

from toolkit import codes, dataset, evidence, workers
from toolkit.errors import SchemaError
from toolkit.cli import main
from toolkit.survey import exports, form as F, mapping, simulate, write_kit, xlsform

XF = "{http://www.w3.org/2002/xforms}"
RECORD_FIELDS = ["program", "fiscal_year", "sex", "nationality", "origin_state", "age_band", "soc_code",
                 "employer_name", "worksite_state", "recruiter", "stage", "selected", "wage_hourly"]


@pytest.fixture(scope="module")
def planted():
    return simulate.plant(900, seed=28)


@pytest.fixture(scope="module")
def export_paths(planted, tmp_path_factory):
    return simulate.write_exports(tmp_path_factory.mktemp("exports"), planted)


@pytest.fixture(scope="module")
def xform(tmp_path_factory):
    from pyxform.xls2xform import convert

    path = xlsform.write_form(tmp_path_factory.mktemp("form") / xlsform.FORM_FILE)
    warnings: list[str] = []
    result = convert(xlsform=str(path), warnings=warnings, validate=False)
    return result.xform, warnings


# ---- the form ---------------------------------------------------------------------------------

def test_pyxform_converts_the_form_without_warnings_and_both_languages(xform):
    text, warnings = xform
    assert warnings == [], f"pyxform warned about the shipped form: {warnings}"
    root = ET.fromstring(text)
    langs = {t.get("lang") for t in root.iter(f"{XF}translation")}
    assert langs == set(F.LANGUAGES.values()), f"expected labels in English and Spanish, got {langs}"


def test_xform_binds_consent_first_skip_logic_and_optional_sensitive_questions(xform):
    binds = {b.get("nodeset"): b.attrib for b in ET.fromstring(xform[0]).iter(f"{XF}bind")}
    assert binds["/data/consent"].get("required") == "true()"
    required = sorted(n for n, b in binds.items() if b.get("required") == "true()")
    assert required == ["/data/consent", "/data/season/program"], f"only consent and program are required: {required}"
    for group in ("season", "about", "fees", "treatment"):  # nothing after consent without a yes
        assert "/data/consent  = 'yes'" in binds[f"/data/{group}"]["relevant"], group
    assert "/data/about/sex  != 'male'" in binds["/data/treatment/asked_pregnancy"]["relevant"]
    assert binds["/data/season/season_year"]["type"] == "int"
    assert "/data/fees/paid_fees  = 'yes'" in binds["/data/fees/fee"]["relevant"]
    assert "origin_country" in xform[0].split('nodeset="instance(\'origin_place\')')[1][:80]


def test_the_form_asks_for_no_identifier_and_lets_sensitive_questions_be_declined():
    answers = [q for q in F.QUESTIONS if q.is_answer and q.type != "note"]
    assert answers[0].name == "consent"
    banned = ("name", "nombre", "passport", "pasaporte", "phone", "telefono", "birth", "nacimiento", "address",
              "domicilio")
    for q in answers:
        words = codes.fold(f"{q.name} {q.en} {q.es}").replace("_", " ").split()
        asked = [w for w in banned if w in words and q.name not in ("employer", "recruiter")]
        assert not asked, f"{q.name} asks for an identifier: {asked}"
    for q in answers:
        if q.sensitive:
            assert not q.required, q.name
            assert "prefer_not" in F.CHOICES_BY_NAME[q.choices], f"{q.name} offers no 'prefer not to say'"
    assert F.CHOICES_BY_NAME["age_band"]["a25_34"].canonical == "25-34"


def test_form_sheets_carry_every_question_and_choice_once():
    sheets = xlsform.form_sheets()
    names = [r[1] for r in sheets["survey"][1:] if r[1]]
    assert len(names) == len(set(names)), "a name is used twice on the survey sheet"
    assert [r[1] for r in sheets["survey"][1:] if r[0].startswith("end_")] == [""] * 5  # end rows carry no name
    pairs = [(r[0], r[1]) for r in sheets["choices"][1:]]
    assert len(pairs) == len(set(pairs)) == sum(len(v) for v in F.CHOICES.values())


@pytest.mark.realdata
def test_origin_places_name_every_mexican_state_of_the_geo_file(geo_dir):
    geo = json.loads((geo_dir / "mexico-states.geojson").read_text(encoding="utf-8"))
    ours = {c.canonical: c.en for c in F.origin_places() if c.country == "mex"}
    geo_codes = {f"{int(f['properties']['state_code']):02d}": f["properties"]["state_name"] for f in geo["features"]}
    assert set(ours) == set(geo_codes) == set(codes.INEGI_STATES)
    for code, name in geo_codes.items():  # the names agree (the file still says Distrito Federal)
        assert codes.mexican_state_code(name) == code == codes.mexican_state_code(ours[code]), (code, name)
    counts = Counter(c.country for c in F.origin_places())
    assert (counts["gtm"], counts["hnd"], counts["slv"]) == (22, 18, 14)


# ---- the import --------------------------------------------------------------------------------

def _expected(planted) -> pd.DataFrame:
    return planted.records.sort_values("submission").reset_index(drop=True)


@pytest.mark.parametrize("layout", list(simulate.LAYOUTS))
def test_each_layout_gives_the_planted_records_without_a_mapping(layout, planted, export_paths):
    rec = workers.read_worker_records(export_paths[layout])
    want = _expected(planted)
    acc = rec.accounting
    assert acc.rows_read == len(planted.answers)
    assert acc.rows_rejected == dict(Counter(planted.rejected.values())), acc.describe()
    assert sorted(rec.rejected["source_row"] - 2) == sorted(planted.rejected)
    got = rec.table[RECORD_FIELDS].reset_index(drop=True)
    for col in RECORD_FIELDS:
        g, w = got[col], want[col]
        if col == "wage_hourly":
            assert (g.isna().to_numpy() == w.isna().to_numpy()).all(), layout
            assert (abs(g.dropna().to_numpy(float) - w.dropna().to_numpy(float)) < 1e-9).all(), layout
        else:
            assert g.astype(object).where(g.notna(), None).tolist() == w.astype(object).where(w.notna(), None).tolist(), \
                f"{layout}: column {col} differs from the planted values"
    assert acc.population == "applicants"


@pytest.mark.parametrize("layout", list(simulate.LAYOUTS))
def test_select_multiple_repeats_and_versions_read_the_same_in_each_layout(layout, planted, export_paths):
    ex = exports.read_form_export(export_paths[layout])
    assert ex.responses["unequal_treatment"].tolist() == planted.answers["unequal_treatment"].tolist()
    assert sum(ex.versions.values()) == len(planted.answers) and len(ex.versions) == 2
    assert ex.ignored_columns == (), f"{layout}: columns neither the form's nor metadata: {ex.ignored_columns}"
    assert ex.select_multiple_conflicts == 0
    assert ex.wages_not_hourly == {"piece": int((planted.answers["wage_unit"] == "piece").sum())}
    if simulate.LAYOUTS[layout].fmt == "csv":
        assert ex.repeats == {}  # KoboToolbox CSV exports carry no repeat groups
        return
    fee = ex.repeats["fee"]
    want = planted.fees.reset_index(drop=True)
    assert ex.orphan_repeat_rows == 0
    pd.testing.assert_frame_equal(fee[list(want.columns)], want, check_dtype=False)


@pytest.mark.parametrize("layout", ["kobo_xlsx_both", "odk_central_zip", "kobo_csv_semicolon"])
def test_metadata_is_never_carried_into_any_output(layout, export_paths):
    ex = exports.read_form_export(export_paths[layout])
    main, _ = exports.read_export_tables(export_paths[layout])
    _, meta, _ = exports.classify_columns(main.columns)
    assert {"_uuid", "_id", "_submission_time", "_status"} <= set(meta) or {"KEY", "SubmissionDate"} <= set(meta)
    frames = [ex.table, ex.responses, *ex.repeats.values(), workers.read_worker_records(export_paths[layout]).table]
    for frame in frames:
        assert not set(frame.columns) & set(meta)
        text = frame.astype(str).to_numpy().ravel()
        assert not any("uuid" in v or "2026-05-0" in v or v == "organizer" for v in text)


def test_joined_and_split_select_multiple_that_disagree_are_counted(export_paths, tmp_path):
    main = pd.read_csv(export_paths["kobo_csv_no_groups_both"], sep=";", dtype=str, keep_default_na=False)
    row = main.index[main["unequal_treatment"] == "none"][0]
    main.loc[row, "unequal_treatment"] = "pay"  # the 1/0 columns still say "none"
    main.to_csv(tmp_path / "edited.csv", sep=";", index=False)
    ex = exports.read_form_export(tmp_path / "edited.csv")
    assert ex.select_multiple_conflicts == 1 and ex.responses.loc[row, "unequal_treatment"] == "pay"


def test_values_exported_as_labels_in_either_language_read_as_choice_names():
    assert exports._choice_name("Mujer", "sex") == exports._choice_name("Woman", "sex") == "female"
    assert exports._choice_name("Oaxaca", "origin_place") == "mx_20"
    assert exports._choice_name("Martian", "sex") is None


def test_an_answer_outside_the_form_and_a_bad_year_are_rejected_by_reason(tmp_path):
    rows = pd.DataFrame({"consent": ["yes", "yes", "yes", "no"], "season/program": ["h2a"] * 4,
                         "season/season_year": ["2019", "19999", "2019", ""], "about/sex": ["female", "male", "robot", ""],
                         "_uuid": ["a", "b", "c", "d"]})
    rows.to_csv(tmp_path / "export.csv", index=False, sep=";")
    rec = workers.read_worker_records(tmp_path / "export.csv")
    assert rec.accounting.rows_rejected == {"bad_fiscal_year": 1, "unknown_sex_choice": 1, "no_consent": 1}
    assert rec.rejected.set_index("source_row")["reason"].to_dict() == {
        3: "bad_fiscal_year", 4: "unknown_sex_choice", 5: "no_consent"}


def test_a_file_of_another_form_is_not_taken_for_the_survey(tmp_path):
    pd.DataFrame({"Sexo": ["Mujer"], "consent": ["yes"], "programa": ["H-2A"]}).to_csv(tmp_path / "o.csv", index=False)
    assert exports.read_form_export(tmp_path / "o.csv") is None
    assert workers.read_worker_records(tmp_path / "o.csv", {"columns": {"sex": "Sexo"}}).table["sex"].tolist() == ["F"]


# ---- the report --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def reports(export_paths):
    out = {}
    for layout in ("kobo_xlsx_split_colon", "odk_central_zip"):
        req = dataset.Request.build(workers_path=export_paths[layout], n_bootstrap=20)
        out[layout] = evidence.build(dataset.load(req), commit="c0ffee", rendered="then")
    return out


def test_every_layout_gives_the_report_the_same_worker_table(export_paths):
    tables = {layout: dataset.load(dataset.Request.build(workers_path=path, n_bootstrap=20)).workers.drop(columns="source")
              for layout, path in export_paths.items()}
    first = next(iter(tables.values()))
    assert len(first) > 500
    for layout, table in tables.items():
        pd.testing.assert_frame_equal(table, first, obj=layout)


def test_two_layouts_give_the_same_report_tables(reports):
    a, b = reports.values()
    assert set(a.raw_tables) == set(b.raw_tables)
    for key in a.raw_tables:
        pd.testing.assert_frame_equal(a.raw_tables[key].reset_index(drop=True), b.raw_tables[key].reset_index(drop=True),
                                      obj=key)
    assert [f.value for f in a.findings] == [f.value for f in b.findings]


def test_report_counts_equal_the_planted_ones_and_the_small_cell_stays_hidden(reports, planted):
    ev = reports["odk_central_zip"]
    truth = planted.records[(planted.records["fiscal_year"] == 2019) & (planted.records["stage"] == "admitted")
                            & planted.records["sex"].isin(["F", "M"])]
    for table, by in (("occupations", "soc_code"), ("states", "worksite_state")):
        shown = ev.raw_tables[table][~ev.raw_tables[table]["suppressed"].astype(bool)]
        assert len(shown) >= 3, f"{table}: the fixture should publish some rows"
        want = truth.groupby(by)["sex"].agg(total="size", women=lambda s: int((s == "F").sum()))
        for _, row in shown.iterrows():
            assert (int(row["total"]), int(row["women"])) == tuple(want.loc[row[by], ["total", "women"]]), row[by]
    state, women, men = simulate.SMALL_CELL
    assert (truth[truth["worksite_state"] == state]["sex"].value_counts().to_dict() == {"M": men, "F": women})
    vt = ev.raw_tables["states"].set_index("worksite_state").loc[state]
    assert bool(vt["suppressed"]) and pd.isna(vt["women"]), "a cell of 3 women must not be published"


# ---- mapping for other forms, and the CLI -----------------------------------------------------

def _write_other_form(path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in (["type", "name", "label::Español (es)"], ["begin_group", "datos", "Datos"],
                ["select_one g", "genero", "Sexo de la persona"], ["integer", "temporada", "Año de la temporada"],
                ["text", "nombre", "Nombre completo"], ["text", "empresa", "Empresa donde trabajó"],
                ["end_group", "", ""]):
        ws.append(row)
    ch = wb.create_sheet("choices")
    for row in (["list_name", "name", "label::Español (es)"], ["g", "1", "Mujer"], ["g", "2", "Hombre"],
                ["g", "9", "No contesta"]):
        ch.append(row)
    wb.save(path)


def test_survey_map_drafts_a_mapping_the_worker_reader_reads(tmp_path):
    _write_other_form(tmp_path / "otra.xlsx")
    pd.DataFrame({"datos/genero": ["1", "2", "2", "9"], "datos/temporada": ["2019"] * 4,
                  "datos/nombre": ["A", "B", "C", "D"], "datos/empresa": ["X", "Y", "X", "Y"],
                  "_uuid": list("abcd")}).to_csv(tmp_path / "otra.csv", index=False)
    result = CliRunner().invoke(main, ["survey", "map", str(tmp_path / "otra.csv"), "--form", str(tmp_path / "otra.xlsx"),
                                       "--out", str(tmp_path / "m.yaml")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "m.yaml").read_text(encoding="utf-8")
    assert "_uuid: server metadata" in text and "['9']" in text  # what it could not map, as comments
    spec = workers.load_mapping(tmp_path / "m.yaml")
    assert spec["columns"] == {"sex": "datos/genero", "fiscal_year": "datos/temporada", "employer_name": "datos/empresa"}
    rec = workers.read_worker_records(tmp_path / "otra.csv", tmp_path / "m.yaml")
    assert rec.table["sex"].tolist() == ["F", "M", "M"] and rec.accounting.rows_rejected == {"unknown_sex_code": 1}
    assert rec.accounting.identifier_columns_dropped == ("datos/nombre",)
    assert "datos/nombre" not in rec.table.columns


def test_draft_mapping_keeps_agency_apart_from_age():
    survey = [{"type": "text", "name": "agencia", "label": "Agency that recruited you"},
              {"type": "select_one edades", "name": "edad", "label": "Age"}]
    d = mapping.draft_mapping(["agencia", "edad"], survey, [])
    assert d.mapping["columns"] == {"recruiter": "agencia", "age_band": "edad"}


def test_survey_form_writes_the_form_and_both_guides(tmp_path):
    result = CliRunner().invoke(main, ["survey", "form", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h2gender_worker_survey.xlsx", "organizer_guide_en.md",
                                                          "organizer_guide_es.md"]
    sheets = xlsform.read_xlsform(tmp_path / "h2gender_worker_survey.xlsx")
    assert [r["name"] for r in sheets["survey"] if r["type"] == "select_one yes_no"] == ["consent"]
    for lang, word in (("en", "UN Women"), ("es", "ONU Mujeres")):
        guide = (tmp_path / f"organizer_guide_{lang}.md").read_text(encoding="utf-8")
        assert word in guide and "https://www.unognewsroom.org/story/en/1391/" in guide
    assert write_kit(tmp_path)[0].name == xlsform.FORM_FILE


def test_survey_check_reports_what_the_import_read(export_paths, planted, tmp_path):
    result = CliRunner().invoke(main, ["survey", "check", str(export_paths["odk_central_zip"])])
    assert result.exit_code == 0, result.output
    assert f"{len(planted.answers):,} submissions, {len(planted.records):,} usable" in result.output
    assert f"repeat fee: {len(planted.fees):,} rows" in result.output and "2026.1" in result.output
    pd.DataFrame({"Sexo": ["Mujer"]}).to_csv(tmp_path / "other.csv", index=False)
    result = CliRunner().invoke(main, ["survey", "check", str(tmp_path / "other.csv")])
    assert result.exit_code != 0 and "not an export of the shipped survey" in str(result.exception)


def test_an_export_with_label_headers_is_refused_with_the_fix(planted, tmp_path):
    labels = {q.name: q.es for q in F.QUESTIONS if q.is_answer}
    table = planted.answers[["consent", "program", "sex"]].rename(columns=labels)
    table.to_csv(tmp_path / "labels.csv", index=False)
    with pytest.raises(SchemaError, match="XML values and headers"):
        workers.read_worker_records(tmp_path / "labels.csv")


def test_export_encodings_are_decided_for_the_whole_file(tmp_path):
    """UTF-8 with its BOM, cp1252 (an export re-saved by a spreadsheet) and UTF-8 with an altered byte."""
    rows = "nombre;sexo\nPeña;mujer\nNúñez;hombre\n"
    (tmp_path / "bom.csv").write_bytes(rows.encode("utf-8-sig"))
    (tmp_path / "win.csv").write_bytes(rows.encode("cp1252"))
    (tmp_path / "bad.csv").write_bytes(rows.encode("utf-8") + "Ibáñez;mujer\n".encode() + b"Pe\xf1a;mujer\n")
    for name in ("bom.csv", "win.csv"):
        main_table, _ = exports.read_export_tables(tmp_path / name)
        assert list(main_table.columns) == ["nombre", "sexo"]
        assert main_table["nombre"].tolist() == ["Peña", "Núñez"]
    with pytest.raises(SchemaError, match=r"bad\.csv: .*line\(s\) 5;"):
        exports.read_export_tables(tmp_path / "bad.csv")
