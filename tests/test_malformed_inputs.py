"""Malformed mappings and store manifests (issue 23), fuzzed with hypothesis: whatever the input,
the error is a ``ToolkitError`` naming the file, never a bare TypeError, ValueError, IndexError,
AttributeError or MemoryError."""
from __future__ import annotations

import json
import re
import string
import tempfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit import schema, store, workers
from toolkit.errors import ToolkitError

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False),
                    st.text(string.printable, max_size=12))
keys = st.one_of(st.sampled_from(["columns", "values", "identifiers", "population", "sex", "fiscal_year",
                                  "program", "origin_state", "files", "rows"]), st.text(string.ascii_letters, max_size=8))
json_like = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                          st.dictionaries(keys, inner, max_size=5)), max_leaves=25)
mappings = st.one_of(
    json_like,
    st.fixed_dictionaries({}, optional={"columns": json_like, "values": json_like, "identifiers": json_like,
                                        "population": json_like, "sex": json_like,
                                        "program": st.sampled_from(["H-2A", "H-2B"])}),
    st.fixed_dictionaries({"columns": st.dictionaries(st.sampled_from(["sex", "fiscal_year", "selected"]),
                                                      st.one_of(st.sampled_from(["Sexo", "Año", "Sel"]), json_like),
                                                      max_size=3)},
                          optional={"values": st.dictionaries(st.sampled_from(["sex", "origin_state"]), json_like,
                                                              max_size=2)}),
)
TABLE = pd.DataFrame({"Sexo": ["Mujer", "Hombre", ""], "Año": ["2019", "x", "2020"], "Sel": ["sí", "no", "?"]})


def _read_with(mapping):
    try:
        workers.read_worker_records(TABLE, mapping)
    except ToolkitError:
        pass


@SETTINGS
@given(mapping=mappings)
def test_a_mapping_of_any_shape_reads_or_fails_with_a_named_error(mapping):
    _read_with(mapping)  # any other exception fails the test


@SETTINGS
@given(mapping=mappings)
def test_a_mapping_file_of_any_shape_names_the_file(tmp_path, mapping):
    path = tmp_path / "mi_mapeo.yaml"
    path.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    try:
        workers.load_mapping(path)
    except ToolkitError as exc:
        assert str(exc).startswith("mi_mapeo.yaml: ")


@SETTINGS
@given(data=st.binary(max_size=200))
def test_a_mapping_file_of_any_bytes_names_the_file(tmp_path, data):
    path = tmp_path / "mi_mapeo.yaml"
    path.write_bytes(data)
    try:
        workers.load_mapping(path)
    except ToolkitError as exc:
        assert "mi_mapeo.yaml" in str(exc)


def test_malformed_mappings_by_hand(tmp_path):
    for text, says in (("- sex\n- Sexo\n", "a mapping must be key: value pairs"),
                       ("columns: [sex, Sexo]\n", "columns must be pairs"),
                       ("columns: {sex: [a, b]}\n", "columns.sex must name one column"),
                       ("values: {sex: [F, M]}\n", "values.sex must be pairs"),
                       ("identifiers: nombre\n", "identifiers must be a list"),
                       ("program: [H-2A]\n", "program (a constant for every row) must be one value"),
                       ("columns: {sex: Sexo\n", "is not valid YAML")):
        (tmp_path / "m.yaml").write_text(text)
        with pytest.raises(ToolkitError, match=f"^m.yaml: .*{re.escape(says)}"):
            workers.load_mapping(tmp_path / "m.yaml")
    with pytest.raises(ToolkitError, match="cannot read the mapping"):
        workers.load_mapping(tmp_path / "absent.yaml")


def _good_store(root, template=[]):
    """A store of one source at ``root`` (written once, then copied: each example gets its own)."""
    import shutil

    if template:
        shutil.copytree(template[0], root, dirs_exist_ok=True)
        return store.manifest(root)
    df = schema.conform(pd.DataFrame({"program": "H-2B", "fiscal_year": 2019, "case_number": ["C-1", "C-2"],
                                      "workers_certified": [1, 2], "source_file": "f.xlsx",
                                      "decision_date": pd.Timestamp("2019-03-01")}), schema.CASE_COLUMNS)
    store.write_cases(df, source_sha256="a" * 64, source_file="f.xlsx", root=root)
    template.append(Path(tempfile.mkdtemp()) / "template")
    shutil.copytree(root, template[0])
    return store.manifest(root)


def _use_store(root):
    for call in (lambda: store.manifest(root), lambda: store.read_cases(root=root), lambda: store.summary(root),
                 lambda: store.load_cases(root=root), lambda: store.sources(["H-2B"], [2019], root=root),
                 lambda: store.verify(root)):
        try:
            call()
        except ToolkitError as exc:
            assert "manifest.json" in str(exc) or "no cases in the store" in str(exc), str(exc)


@SETTINGS
@given(manifest=json_like)
def test_a_manifest_of_any_shape_fails_with_an_error_naming_it(tmp_path, manifest):
    root = Path(tempfile.mkdtemp(dir=tmp_path))  # one store per example
    _good_store(root)
    (root / "manifest.json").write_text(json.dumps(manifest))
    _use_store(root)


@SETTINGS
@given(field=st.sampled_from(["files", "file_rows", "partitions", "source_file", "rows", "file_sha256", "kind"]),
       value=json_like)
def test_a_manifest_entry_with_a_field_of_any_shape_fails_with_an_error_naming_it(tmp_path, field, value):
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    entries = _good_store(root)
    entries["a" * 64][field] = value
    (root / "manifest.json").write_text(json.dumps(entries))
    _use_store(root)


def test_a_corrupt_manifest_is_rebuilt_by_repair(tmp_path):
    root = tmp_path / "store"
    _good_store(root)
    (root / "manifest.json").write_text('{"' + "a" * 64 + '": {"files": 3}}')
    with pytest.raises(ToolkitError, match=r"manifest\.json: the store manifest is malformed: entry 'aaaaaaaaaaaaaaaa': "
                                           r"files must be list, got int"):
        store.read_cases(root=root)
    assert [p["problem"] for p in store.verify(root)] == ["manifest corrupt"]
    store.repair(root)
    assert store.verify(root) == [] and len(store.read_cases(root=root)) == 2
