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


def test_simplified_map_stays_within_its_tolerance_of_the_published_outlines():
    """The report's map outlines (``FIGURE_TOLERANCE``) differ from the published ones by less than a
    band of that width along their outline (area of the symmetric difference < perimeter x tolerance),
    on the most ragged coasts, with far fewer points; a copy is returned, never the cache."""
    full, fine = geo.us_states_for_map(), geo.us_states_for_map(geo.FIGURE_TOLERANCE)
    assert list(fine["state"]) == list(full["state"]) and fine.crs == full.crs
    coasts = full["state"].isin(["ME", "AK", "LA", "FL", "WA", "MI", "NC"]).to_numpy()
    a, b = full.geometry[coasts], fine.geometry[coasts]
    assert (a.symmetric_difference(b).area < a.length * geo.FIGURE_TOLERANCE).all()
    assert fine.geometry.count_coordinates().sum() < full.geometry.count_coordinates().sum() / 5
    fine["state"] = "XX"
    assert "XX" not in set(geo.us_states_for_map(geo.FIGURE_TOLERANCE)["state"])
    with pytest.raises(ValueError, match="tolerance"):
        geo.us_states_for_map(-1)


def test_mexico_states_bundled():
    mx = geo.mexico_states()
    assert sorted(mx["state_code"]) == [f"{i:02d}" for i in range(1, 33)]
    # libpysal numbers states alphabetically; INEGI does not (INEGI catalog of state codes)
    names = mx.set_index("state_code")["name"]
    assert names[["05", "06", "07", "08", "15", "30"]].tolist() == [
        "Coahuila de Zaragoza", "Colima", "Chiapas", "Chihuahua", "México", "Veracruz de Ignacio de la Llave"]


def test_unknown_mexican_state_name_is_an_error():
    with pytest.raises(ValueError, match="'Atlantis' matches no INEGI state"):
        geo._inegi_code("Atlantis")
    assert geo._inegi_code("Michoacan de Ocampo") == "16"


@pytest.mark.realdata
def test_codes_agree_with_shared_geojson(geo_dir):
    us = json.loads((geo_dir / "us-states.geojson").read_text())
    fips = {f["id"] for f in us["features"]}
    ours = set(geo.us_states()["fips"])
    assert fips <= ours
    mx = json.loads((geo_dir / "mexico-states.geojson").read_text())
    codes = {f"{int(f['properties']['state_code']):02d}" for f in mx["features"]}
    assert codes == set(geo.mexico_states()["state_code"])


@pytest.mark.realdata
@pytest.mark.parametrize("country", ["us", "mexico"])
def test_each_area_lies_in_the_reference_area_with_its_code(geo_dir, country):
    # an independent source (shared geojson) must put every bundled area's interior point in
    # the polygon carrying the same code: catches codes attached to the wrong shapes
    import geopandas as gpd

    ref = gpd.read_file(geo_dir / f"{country}-states.geojson")
    if country == "us":
        ours, key = geo.us_states().rename(columns={"fips": "code"}), ref.assign(code=ref["id"].astype(str).str.zfill(2))
    else:
        ours = geo.mexico_states().rename(columns={"state_code": "code"})
        key = ref.assign(code=ref["state_code"].astype(int).map("{:02d}".format))
    both = ours.merge(key[["code", "geometry"]], on="code", suffixes=("", "_ref"))
    points = gpd.GeoSeries(both.geometry, crs=ours.crs).to_crs(ref.crs).representative_point()
    inside = gpd.GeoSeries(both["geometry_ref"], crs=ref.crs).contains(points)
    assert len(both) >= 32 and inside.all(), both.loc[~inside.to_numpy(), "code"].tolist()


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


def test_choropleth_labels_in_spanish_with_k():
    us = geo.us_states_for_map().assign(v=1.0, suppressed=lambda d: d["state"] == "TX")
    ax = geo.choropleth(us, "v", lang="es", k=10, synthetic=True)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["sin datos", "oculto (menos de 10)"]
    assert any(t.get_text() == "Datos sintéticos de demostración" for t in ax.figure.texts)
    with pytest.raises(KeyError, match="no column 'w'"):
        geo.choropleth(us, "w")
    matplotlib.pyplot.close("all")
