"""Each notebook also runs on real DOL data by changing its parameters cell (data = "store")."""
from __future__ import annotations

from pathlib import Path

import nbformat
import papermill as pm
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def store_with_fy2021(dol_dir, tmp_path_factory):
    from toolkit import dol, store

    root = tmp_path_factory.mktemp("store-data")
    path = dol_dir / "H2B_Disclosure_Data_FY2021_Q1.xlsx"
    store.write_cases(dol.read_disclosure(path), source_sha256=dol.sha256_file(path), source_file=path.name,
                      root=root / "store")
    return root


@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_store_data(path, store_with_fy2021, tmp_path, monkeypatch):
    monkeypatch.setenv("H2GENDER_DATA_DIR", str(store_with_fy2021))
    out = tmp_path / path.name
    pm.execute_notebook(str(path), str(out), parameters={"data": "store", "program": "H-2B", "fiscal_year": 2021},
                        kernel_name="python3", progress_bar=False, cwd=str(path.parent),
                        extra_arguments=["--IPKernelApp.log_level=ERROR"])
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                     + str(o.get("data", {}).get("text/markdown", ""))
                     for c in nbformat.read(out, as_version=4).cells if c.cell_type == "code" for o in c.outputs)
    assert "DOL disclosure data (no worker sex)" in text
    assert "Synthetic demonstration data" not in text and "DOL disclosure data** from the store" in text
