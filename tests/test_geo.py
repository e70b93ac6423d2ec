"""toolkit.geo: bundled boundaries against the shared geojson as an independent reference."""
from __future__ import annotations

import json

import matplotlib
import pandas as pd
import pytest

from toolkit import geo

matplotlib.use("Agg")


def test_us_states_bundled():
    us = geo.us_states()
    assert {"AK", "HI", "PR", "DC", "TX"} <= set(us["state"])
    assert us.crs.to_epsg() == 4269
    assert len(geo.us_states_for_map()) == 52  # 50 states, DC, PR


def test_mexico_states_bundled():
    mx = geo.mexico_states()
    assert sorted(mx["state_code"]) == [f"{i:02d}" for i in range(1, 33)]


@pytest.mark.realdata
def test_codes_agree_with_shared_geojson(geo_dir):
    us = json.loads((geo_dir / "us-states.geojson").read_text())
    fips = {f["id"] for f in us["features"]}
    ours = set(geo.us_states()["fips"])
    assert fips <= ours
    mx = json.loads((geo_dir / "mexico-states.geojson").read_text())
    codes = {f"{int(f['properties']['state_code']):02d}" for f in mx["features"]}
    assert codes == set(geo.mexico_states()["state_code"])


def test_choropleth_hatches_suppressed_areas():
    us = geo.us_states_for_map()
    us["v"] = range(len(us))
    us["suppressed"] = us["state"].isin(["TX"])
    ax = geo.choropleth(us, "v", title="t", synthetic_label="Synthetic demonstration data")
    hatches = [p.get_hatch() for coll in ax.collections for p in [coll] if hasattr(p, "get_hatch")]
    assert "///" in hatches
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "suppressed (fewer than k)" in labels
    assert any(t.get_text() == "Synthetic demonstration data" for t in ax.figure.texts)
    matplotlib.pyplot.close("all")
    pd.testing.assert_series_equal(us["v"], pd.Series(range(len(us)), name="v"))
