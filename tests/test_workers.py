"""toolkit.workers.read_worker_records on messy user files: mapping, codes, rejections, identifiers."""
from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import pytest

from toolkit import schema, synth, workers
from toolkit.errors import DataValidationError, SchemaError

SURVEY = pd.DataFrame({
    "Nombre": ["Ana P.", "Luis R.", "Eva S.", "Juan T.", "Juan T.", "Rosa M.", "Pedro Q."],
    "Pasaporte": ["G1", "G2", "G3", "G4", "G4", "G6", "G7"],
    "Sexo": ["Mujer", "Hombre", "F", "Hombre", "Hombre", "¿?", "M"],
    "Año": ["2019", "2019", "2019", "2019", "2019", "2019", "19"],
    "Nacionalidad": ["MEX"] * 7,
    "Estado de origen": ["Guanajuato", "Michoacán", "11", "Veracruz", "Veracruz", "Nayarit", "Atlantis"],
    "Edad": ["25-34"] * 7, "Código SOC": ["45-2092", "452092", "45-2092.02", "45-2092", "45-2092", "x", "45-2092"],
    "Empleador": ["A"] * 7, "Estado de trabajo": ["GA"] * 7, "Reclutador": ["R1"] * 7,
    "Etapa": ["admitido", "admitido", "solicitante", "admitido", "admitido", "admitido", "admitido"],
    "Seleccionado": ["sí", "sí", "no", "sí", "sí", "sí", "sí"], "Salario por hora": ["11.71"] * 7,
})
MAPPING = resources.files("toolkit").joinpath("data", "example_worker_mapping.yaml")


def test_spanish_survey_with_example_mapping(tmp_path):
    path = tmp_path / "encuesta.csv"
    SURVEY.to_csv(path, index=False)
    rec = workers.read_worker_records(path, MAPPING)
    out, acc = rec.table, rec.accounting
    assert acc.rows_read == 7 and acc.rows_kept == 4
    assert acc.rows_rejected == {"duplicate_row": 1, "unknown_sex_code": 1, "bad_fiscal_year": 1}
    rej = rec.rejected.set_index("source_row")["reason"]
    assert rej[6] == "duplicate_row" and rej[7] == "unknown_sex_code" and rej[8] == "bad_fiscal_year"
    assert list(out.columns) == list(schema.WORKER_COLUMNS)  # identifiers gone
    assert list(out["sex"]) == ["F", "M", "F", "M"] and list(out["origin_state"]) == ["11", "16", "11", "30"]
    assert list(out["soc_code"]) == ["45-2092"] * 4
    assert list(out["stage"]) == ["admitted", "admitted", "applied", "admitted"]
    assert out["program"].eq("H-2A").all() and out["selected"].tolist() == [True, True, False, True]
    assert "Nombre" not in rec.rejected.columns


def test_unknown_origin_state_rejected(tmp_path):
    df = SURVEY.iloc[[0, 6]].assign(Año="2019")
    assert workers.read_worker_records(df, MAPPING).rejected["reason"].tolist() == ["unknown_origin_state"]


def test_strict_mode_and_missing_columns(tmp_path):
    with pytest.raises(DataValidationError, match="row 7: unknown_sex_code"):
        workers.read_worker_records(SURVEY, MAPPING, strict=True)
    with pytest.raises(SchemaError, match="'Sexo', which is not in the file"):
        workers.read_worker_records(SURVEY.drop(columns="Sexo"), MAPPING)
    with pytest.raises(SchemaError, match="unknown canonical fields \\['gender'\\]"):
        workers.read_worker_records(SURVEY, {"columns": {"gender": "Sexo"}})
    with pytest.raises(SchemaError, match="no column for sex"):
        workers.read_worker_records(SURVEY.drop(columns="Sexo"))


def test_identifiers_kept_only_on_request():
    out = workers.read_worker_records(SURVEY.iloc[:2], MAPPING, keep_identifiers=True).table
    assert "Nombre" in out.columns
    dropped = workers.read_worker_records(SURVEY.iloc[:2], MAPPING).accounting.identifier_columns_dropped
    assert list(dropped) == ["Nombre", "Pasaporte"]


def test_round_trip_of_synthetic_workers_as_xlsx(tmp_path):
    w = synth.generate(seed=1, scale=0.02).workers.head(200)
    path = tmp_path / "w.xlsx"
    w.astype(object).where(w.notna(), "").to_excel(path, index=False)
    rec = workers.read_worker_records(path, source="synthetic")
    back = rec.table
    # no person identifiers in the file: identical rows may be different people and are kept
    assert len(back) == len(w) and back["sex"].tolist() == w["sex"].tolist()
    assert rec.accounting.identical_rows_kept == int(w.astype(str).duplicated().sum())


def test_records_are_accounted_as_a_value(tmp_path):
    folder = tmp_path / "private"
    folder.mkdir()
    path = folder / "encuesta.csv"
    SURVEY.to_csv(path, index=False)
    rec = workers.read_worker_records(path, MAPPING)
    acc = rec.accounting
    assert (acc.rows_read, acc.rows_kept) == (7, 4)
    assert acc.rows_rejected == {"duplicate_row": 1, "unknown_sex_code": 1, "bad_fiscal_year": 1}
    assert acc.source_file == "encuesta.csv" and "private" not in str(acc.as_dict())  # name and sha256 only
    assert len(acc.sha256) == 64 and acc.population == "applicants"  # one row is an applicant not selected
    assert acc.identifier_columns_dropped == ("Nombre", "Pasaporte")
    assert "7 rows read, 4 kept (applicants); rejected: bad_fiscal_year 1, duplicate_row 1" in acc.describe()
    assert rec.rejected["source_row"].tolist() == [6, 7, 8] and len(rec.table) == 4


def test_population_is_what_the_rows_are():
    admitted = SURVEY.iloc[[0, 1]]
    assert workers.read_worker_records(admitted, MAPPING).accounting.population == "admitted workers"
    bare = admitted.drop(columns=["Etapa", "Seleccionado"])
    mapping = {"columns": {"sex": "Sexo"}}
    assert workers.read_worker_records(bare, mapping).accounting.population == "respondents"
    declared = {**mapping, "population": "admitted workers"}
    assert workers.read_worker_records(bare, declared).accounting.population == "admitted workers"
    with pytest.raises(SchemaError, match="population must be one of"):
        workers.read_worker_records(bare, {**mapping, "population": "visa holders"})


def test_in_scope_counts_what_it_leaves_out_and_refuses_nothing_left():
    rec = workers.read_worker_records(SURVEY.iloc[[0, 1, 2]].assign(**{"Estado de trabajo": ["GA", "TX", "GA"]}),
                                      MAPPING)
    kept = workers.in_scope(rec, programs=["H-2A"], fiscal_years=[2019], states=["GA"])
    assert len(kept.table) == 2 and kept.accounting.rows_out_of_scope == {"other_state": 1}
    assert kept.accounting.rows_kept == 2 and kept.accounting.rows_read == 3
    with pytest.raises(DataValidationError, match="no worker rows left for program H-2B, FY2019"):
        workers.in_scope(rec, programs=["H-2B"], fiscal_years=[2019])


def test_a_file_with_no_readable_row_is_an_error():
    bad = SURVEY.iloc[[5]]  # sex "¿?"
    with pytest.raises(DataValidationError, match="no worker row could be read .1 rows read; unknown_sex_code 1"):
        workers.read_worker_records(bad, MAPPING)


def test_module_doctests():
    import doctest

    assert doctest.testmod(workers).failed == 0


MESSY = pd.DataFrame({
    "Sexo": ["Mujer", " hombre ", "", "NA", "F", "x", "Otro", "?", "mujer", "M", "H", "M"],
    "Año": ["2019", "2019.0", "19", "", "2019", "abc", "2019", "2019", "2019", "2019.5", "2019", "2019"],
    "Código SOC": ["45-2092", "452092", "45-2092.02", "", "x", "45-2092", "45-2092", "45-2092", "n/a",
                   "45-2092", "45-2092", "45-2092"],
    "Estado de origen": ["Michoacán", "07", "", "Atlantis", "Guanajuato", "11", "11", "11", "11", "11", "11", "11"],
    "Nacionalidad": ["MEX", "MEX", "MEX", "GTM", "MEX", "MEX", "MEX", "MEX", "MEX", "MEX", "MEX", "MEX"],
    "Etapa": ["admitido", "visa", "", "admitted", "solicitante", "nada", "admitido", "admitido", "admitido",
              "admitido", "admitido", "admitido"],
    "Seleccionado": ["sí", "no", "", "Y", "0", "1", "quizás", "sí", "sí", "sí", "sí", "sí"],
    "Salario por hora": ["$11.71", "1,000", "", "", "-3", "12", "12", "1_2", "inf", "12", "12", "12"],
})
MESSY_MAP = {"columns": {"sex": "Sexo", "fiscal_year": "Año", "soc_code": "Código SOC", "origin_state": "Estado de origen",
                         "nationality": "Nacionalidad", "stage": "Etapa", "selected": "Seleccionado",
                         "wage_hourly": "Salario por hora"},
             "values": {"sex": {"Otro": "X"}}, "program": "H-2A"}


def test_every_reading_path_gives_the_same_records(tmp_path):
    """The pyarrow path (UTF-8 CSV), the rawio path (cp1252 CSV) and an in-memory table read the
    same records; the values are the rules' (hand-checked below)."""
    utf8, cp1252 = tmp_path / "a.csv", tmp_path / "b.csv"
    MESSY.to_csv(utf8, index=False)
    cp1252.write_bytes(MESSY.to_csv(index=False).encode("cp1252"))
    reads = [workers.read_worker_records(p, MESSY_MAP) for p in (utf8, cp1252, MESSY)]
    for other in reads[1:]:
        pd.testing.assert_frame_equal(reads[0].table.drop(columns="source"), other.table.drop(columns="source"))
        pd.testing.assert_frame_equal(reads[0].rejected, other.rejected)
    rec = reads[0]
    # the first rule a row breaks names it (sex, year, SOC, stage, selected, wage, state of origin)
    assert dict(zip(rec.rejected["source_row"], rec.rejected["reason"])) == {
        4: "bad_fiscal_year", 6: "bad_soc_code", 7: "bad_fiscal_year", 8: "bad_selected", 9: "unknown_sex_code",
        10: "bad_wage", 11: "bad_fiscal_year"}
    t = rec.table
    assert t["sex"].tolist() == ["F", "M", pd.NA, "M", "M"] and t["fiscal_year"].tolist()[:3] == [2019, 2019, pd.NA]
    assert t["origin_state"].tolist() == ["16", "07", pd.NA, "11", "11"]  # Atlantis: the row is not Mexican
    assert t["stage"].eq("admitted").all() and t["selected"].tolist() == [True, False, True, True, True]
    assert t["wage_hourly"].tolist() == [11.71, 1000.0, pd.NA, 12.0, 12.0]
    assert t["soc_code"].tolist() == ["45-2092", "45-2092", pd.NA, "45-2092", "45-2092"]


def test_bad_rows_are_rejected_with_their_reasons():
    bad = pd.DataFrame({"Sexo": ["F", "F", "F", "F"], "Salario por hora": ["0", "-3", "1_2", "inf"],
                        "Etapa": ["admitido", "admitido", "nada", "admitido"], "Seleccionado": ["sí", "sí", "sí", "quizás"]})
    rec = workers.read_worker_records(pd.concat([bad, MESSY.iloc[[0]]]), {"columns": {
        "sex": "Sexo", "wage_hourly": "Salario por hora", "stage": "Etapa", "selected": "Seleccionado"}})
    assert rec.rejected["reason"].tolist() == ["bad_wage", "bad_wage", "unknown_stage", "bad_selected"]


def test_a_second_read_comes_from_the_parquet_cache(tmp_path, monkeypatch):
    path = tmp_path / "s.csv"
    MESSY.to_csv(path, index=False)
    cache = tmp_path / "cache"
    first = workers.read_worker_records(path, MESSY_MAP, cache=cache)
    assert len(list(cache.glob("*.parquet"))) == 2 and not list(cache.glob(".*"))  # no temporary file left

    def no_parsing(*args):
        raise AssertionError("parsed again")

    with monkeypatch.context() as m:
        m.setattr(workers, "_raw_columns", no_parsing)
        again = workers.read_worker_records(path, MESSY_MAP, cache=cache)
        with pytest.raises(AssertionError, match="parsed again"):  # another mapping: another key
            workers.read_worker_records(path, {"columns": {"sex": "Sexo"}}, cache=cache)
        with pytest.raises(AssertionError, match="parsed again"):  # identifiers are never cached
            workers.read_worker_records(path, MESSY_MAP, cache=cache, keep_identifiers=True)
    pd.testing.assert_frame_equal(first.table, again.table)
    pd.testing.assert_frame_equal(first.rejected, again.rejected)
    assert first.accounting == again.accounting
    path.write_text(MESSY.iloc[:6].to_csv(index=False))  # the file changed: its sha256 too
    assert workers.read_worker_records(path, MESSY_MAP, cache=cache).accounting.rows_read == 6
    for damaged in cache.glob("*.parquet"):
        damaged.write_bytes(b"not parquet")
    assert workers.read_worker_records(path, MESSY_MAP, cache=cache).accounting.rows_read == 6


def test_cells_account_for_every_row():
    from toolkit import cells

    w = synth.generate(seed=3, scale=0.05).workers
    table = cells.aggregate(w)
    assert table["n"].sum() == len(w) and set(cells.CELL_COLUMNS) <= set(table.columns)
    # a count by any coarser key is the same from the cells as from the rows
    by_cells = table.groupby(["sex", "soc_code"], dropna=False)["n"].sum()
    by_rows = w.groupby(["sex", "soc_code"], dropna=False).size()
    pd.testing.assert_series_equal(by_cells, by_rows, check_names=False)
    paid = w["wage_hourly"].notna()
    assert table["n_wage"].sum() == paid.sum()
    assert table["sum_log_wage"].sum() == pytest.approx(np.log(w.loc[paid, "wage_hourly"].astype(float)).sum())
    with pytest.raises(ValueError, match="must be positive"):
        cells.aggregate(w.assign(wage_hourly=0.0), ["sex"])


def test_repeated_rows_are_those_pandas_finds():
    rng = np.random.default_rng(0)
    for trial in range(100):
        n = int(rng.integers(1, 40))
        df = pd.DataFrame({c: rng.integers(0, rng.integers(1, 4), n).astype(str) for c in "abc"}).astype(object)
        if trial % 3 == 0:
            df.loc[df.index[::2], "b"] = None
        cols = [workers._column(*pd.factorize(df[c], use_na_sentinel=True)) for c in df.columns]
        assert (workers._repeated_rows(cols) == df.astype(str).duplicated().to_numpy()).all()
    ident = [workers._column(np.arange(5), list("abcde")), workers._column(np.zeros(5, dtype=int), ["x"])]
    assert not workers._repeated_rows(ident).any()
