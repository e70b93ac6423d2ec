"""Each notebook also runs on real DOL data by changing its parameters cell (data = "store"), and
says nothing there that only the synthetic data show: no synthetic banner, no planted effects; the
trends notebook marks the partial year and the absent years and lists the Appendix C recruiters.
The notebooks run are those tools/build_notebooks.py writes (the committed ones are its output)."""
from __future__ import annotations

import re

import nbformat
import papermill as pm
import pytest

from test_notebooks_meta import REQUIRED, SYNTHETIC_WORDS, builder

#: store data each notebook runs on: the trends notebook needs several years
PARAMETERS = {name: {"data": "store", "program": "H-2B", "fiscal_year": 2021} for name in REQUIRED}
PARAMETERS["07_trends_employers_recruiters"]["fiscal_year"] = "2017-2021"


@pytest.fixture(scope="module")
def store_h2b(dol_dir, tmp_path_factory):
    from toolkit import dol, store

    root = tmp_path_factory.mktemp("store-data")
    for name in ("H2B_Disclosure_Data_FY2021_Q1.xlsx", "H-2B_Disclosure_Data_FY17.xlsx"):
        store.write_cases(dol.read_disclosure(dol_dir / name), source_sha256=dol.sha256_file(dol_dir / name),
                          source_file=name, root=root / "store")
    name = "H2B_Appendix_C_FY2021_Q1.xlsx"
    store.write_table("recruiters", dol.read_companion(dol_dir / name, "recruiters"),
                      source_sha256=dol.sha256_file(dol_dir / name), source_file=name, root=root / "store")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("notebooks")
    for name, nb in builder().NOTEBOOKS.items():
        nbformat.write(nb, out / f"{name}.ipynb")
    return out


def _run(path, out, parameters) -> tuple[str, str]:
    """Execute; return (outputs text, markdown cells text)."""
    pm.execute_notebook(str(path), str(out), parameters=parameters, kernel_name="python3", progress_bar=False,
                        cwd=str(path.parent), extra_arguments=["--IPKernelApp.log_level=ERROR"])
    cells = nbformat.read(out, as_version=4).cells
    outputs = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                        + str(o.get("data", {}).get("text/markdown", ""))
                        for c in cells if c.cell_type == "code" for o in c.outputs)
    return outputs, "\n".join(c.source for c in cells if c.cell_type == "markdown")


@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.parametrize("name", REQUIRED)
def test_notebook_runs_on_store_data(name, built, store_h2b, tmp_path, monkeypatch):
    monkeypatch.setenv("H2GENDER_DATA_DIR", str(store_h2b))
    text, markdown = _run(built / f"{name}.ipynb", tmp_path / f"{name}.ipynb", PARAMETERS[name])
    assert "DOL disclosure data (no worker sex)" in text
    assert "DOL disclosure data** from the store" in text
    found = SYNTHETIC_WORDS.search(text + markdown)
    assert not found, f"{name} on DOL data says {text[max(0, found.start() - 80):found.end() + 80]!r}"
    if name == "07_trends_employers_recruiters":
        assert "29,649 in FY2021 (a partial year: the Q1 release, 3 of its 12 months)" in text
        assert "Partial years: H-2B FY2021." in text
        assert "(absent, not zero): H-2B FY2018, H-2B FY2019 and H-2B FY2020." in text
        assert "The comparison involves a partial year (H-2B FY2021)" in text
        assert re.search(r"[\d,]+ employer identities \(0 by FEIN, [\d,]+ by name and state\)", text)
        assert re.search(r"H-2B Appendix C lists \d+ recruiters, in \d+ countries", text)


@pytest.mark.slow
def test_trends_notebook_on_the_synthetic_default_says_so(built, tmp_path):
    name = "07_trends_employers_recruiters"
    text, _ = _run(built / f"{name}.ipynb", tmp_path / f"{name}.ipynb", {})
    assert "Synthetic demonstration data" in text, "the banner and the set-up line say the data are synthetic"
    assert "DOL disclosure data" not in text
    assert re.search(r"H-2A: [\d,]+ certified positions in FY2019 and [\d,]+ in FY2021;", text)
    assert "Partial years" not in text, "synthetic years are whole years"
    assert re.search(r"H-2B Appendix C lists 20 recruiters", text), "synth.appendix_c for FY2020-2021 H-2B cases"
