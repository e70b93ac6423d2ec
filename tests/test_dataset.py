"""toolkit.dataset: one validated Request, one loader; the data directory travels in the request."""
from __future__ import annotations

import dataclasses

import pytest

from toolkit import dataset, schema, store
from toolkit.dataset import Request
from toolkit.errors import DataValidationError, RequestError, StoreError


def test_request_normalises_what_users_type():
    r = Request.build(program="h2b", fy="2013-2015,2019", state=" ga, tx ", lang="es,en,es")
    assert r.programs == ("H-2B",) and r.fiscal_years == (2013, 2014, 2015, 2019)
    assert r.states == ("GA", "TX") and r.langs == ("es", "en")
    assert r.years_label == "2013,2014,2015,2019" and r.states_label == "GA,TX"
    assert Request.build(fy=[2017, "2018"]).years_label == "2017-2018"
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.k = 1  # frozen: built once, passed down unchanged


@pytest.mark.parametrize("options, message", [
    ({"program": "H-2C"}, "program must be one of ['H-2A', 'H-2B', 'all'], got 'H-2C'"),
    ({"fy": "2019-2010"}, "runs backwards"),
    ({"fy": "FY19"}, "fiscal year 'FY19' is not a year"),
    ({"fy": 1999}, "fiscal year 1999 is outside 2000-2100"),
    ({"state": "Texas"}, "state 'TEXAS' is not a USPS state"),
    ({"lang": "fr"}, "language must be one of ['en', 'es'], got 'fr'"),
    ({"data": "web"}, "data source must be one of ['synthetic', 'store'], got 'web'"),
    ({"k": 0}, "k must be at least 1, got 0"),
    ({"k": 2.5}, "k must be a whole number, got 2.5"),
    ({"benchmark_year": 2015}, "benchmark_year must be one of [2019, 2021, 2022, 2023], got 2015"),
    ({"mapping_path": "map.yaml"}, "a column mapping was given without a worker file"),
    ({"workers_path": "no-such-file.csv"}, "workers file not found: no-such-file.csv"),
])
def test_bad_requests_name_the_option_and_the_value(options, message):
    with pytest.raises(RequestError) as err:
        Request.build(**options)
    assert message in str(err.value)


def test_command_reproduces_the_request_with_file_names_only(tmp_path):
    workers = tmp_path / "private" / "encuesta.csv"
    workers.parent.mkdir()
    workers.write_text("sexo\nF\n", encoding="utf-8")
    mapping = tmp_path / "private" / "map.yaml"
    mapping.write_text("columns: {sex: sexo}\n", encoding="utf-8")
    r = Request.build(program="H-2A", fy="2013-2017", state="ga", workers_path=workers, mapping_path=mapping)
    cmd = r.command("es")
    assert cmd == ("h2gender report --program H-2A --fy 2013-2017 --state GA --lang es --data synthetic --k 10 "
                   "--seed 2019 --workers encuesta.csv --mapping map.yaml")
    assert str(tmp_path) not in cmd and str(tmp_path) not in str(r.parameters())


def test_store_request_reads_the_data_dir_it_carries(tmp_path, monkeypatch):
    # the request's data_dir wins over the environment's default; nothing is written to os.environ
    import os

    from toolkit import synth

    monkeypatch.setenv("H2GENDER_DATA_DIR", str(tmp_path / "elsewhere"))
    cases = synth.generate(seed=1, programs=("H-2B",), scale=0.05).cases
    real = schema.mark_synthetic(cases.copy(), False).assign(source_file="H-2B_FY2019_Q2.xlsx")
    real.attrs = {}
    store.write_cases(real, source_sha256="d" * 64, source_file="H-2B_FY2019_Q2.xlsx", root=tmp_path / "mine" / "store")
    before = dict(os.environ)
    ds = dataset.load(Request.build(data="store", program="H-2B", fy=2019, data_dir=tmp_path / "mine"))
    assert dict(os.environ) == before
    assert len(ds.cases) == len(real) and not ds.synthetic and ds.workers is None
    assert ds.files[0] == {"file": "H-2B_FY2019_Q2.xlsx", "sha256": "d" * 64, "role": "role_dol", "release": "Q2"}
    cov = ds.coverage.to_dict("records")
    assert len(cov) == 1 and {k: cov[0][k] for k in ("program", "fiscal_year", "release", "files")} == {
        "program": "H-2B", "fiscal_year": 2019, "release": "Q2", "files": "H-2B_FY2019_Q2.xlsx"}
    # a Q2 release covers October-March; the synthetic decision dates run to September: the rows decide the
    # months (a whole year) and the decisions beyond the name's months are counted
    assert (cov[0]["partial"], cov[0]["last_month"], cov[0]["months_from"]) == (False, "2019-09", "rows")
    assert cov[0]["decided_outside"] > 0
    with pytest.raises(StoreError, match="no cases in the store"):
        dataset.load(Request.build(data="store", program="H-2B", fy=2019))  # the environment's empty store


def test_state_scope_applies_to_cases_and_workers_alike():
    ds = dataset.load(Request.build(program="H-2B", state="tx"))
    assert set(ds.cases["worksite_state"]) == {"TX"} and set(ds.workers["worksite_state"]) == {"TX"}
    with pytest.raises(DataValidationError, match="no H-2B cases with worksite state GU in FY2019"):
        dataset.load(Request.build(program="H-2B", state="GU"))
