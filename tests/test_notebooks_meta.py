"""The committed notebooks are checkable: outputs stored from a clean, in-order run, a papermill
parameters cell defaulting to synthetic data, the synthetic banner, no paths or tracebacks; and the
text between cells (tools/build_notebooks.py) is true whatever the data source."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
REQUIRED = ["01_data_overview", "02_occupational_segregation", "03_recruitment_shortfall_and_selection",
            "04_wage_gaps", "05_job_order_language", "06_geography", "07_trends_employers_recruiters"]
#: words of an interpretation that holds for the synthetic data only (planted effects)
SYNTHETIC_WORDS = re.compile(r"synthetic|planted|sint[eé]tic|plantad", re.IGNORECASE)


def builder():
    """tools/build_notebooks.py as a module (the cells of every notebook)."""
    spec = importlib.util.spec_from_file_location("build_notebooks", ROOT / "tools" / "build_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_all_required_notebooks_exist():
    assert list(builder().NOTEBOOKS) == REQUIRED
    assert [p.stem for p in NOTEBOOKS] == REQUIRED, (
        "committed notebooks differ from tools/build_notebooks.py: run it, then tools/run_notebooks.py")


@pytest.mark.parametrize("name", REQUIRED)
def test_text_between_cells_is_true_whatever_the_data(name):
    # a markdown cell is shown on DOL data too: it says what a cell computes; what the synthetic data
    # show (planted effects recovered) is worded by toolkit.narrative on synthetic data only
    nb = builder().NOTEBOOKS[name]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            assert not SYNTHETIC_WORDS.search(cell.source), f"{name}: a synthetic-only sentence: {cell.source!r}"
    planted = [c.source for c in nb.cells if c.cell_type == "code" and "narrative.planted_" in c.source]
    assert all("if ds.synthetic:" in src for src in planted), f"{name}: a planted sentence not guarded by ds.synthetic"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_with_clean_outputs(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and 'data = "synthetic"' in params[0].source
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), "run top to bottom once (tools/run_notebooks.py)"
    outputs = [o for c in code for o in c.outputs]
    assert len(outputs) >= len(code) // 2, "committed without outputs: nbval would check nothing"
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert not any(o.output_type == "error" for o in outputs)
    assert not any(o.get("name") == "stderr" for o in outputs)
    assert not re.search(r"/(?:work|home|tmp|Users)/", text), "absolute paths in outputs"
    assert not re.search(r"0x[0-9a-f]{6,}", text), "memory addresses in outputs"
    assert "Synthetic demonstration data" in text
    banner = nb.cells[3]  # after the set-up: it depends on the data source
    assert "Synthetic demonstration data" in banner.source and "DOL disclosure data" in banner.source
    assert "Synthetic demonstration data" in banner.outputs[0]["data"]["text/markdown"]
