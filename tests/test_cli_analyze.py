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
