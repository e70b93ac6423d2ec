"""State boundaries that ship inside installed packages (no download) and choropleth maps.

- ``us_states()``: US Census Bureau 2016 cartographic boundary file (1:500k) bundled in the
  ``plotly-geo`` package, with Alaska, Hawaii and Puerto Rico. It has no .prj; the Census
  publishes these files in NAD83 geographic coordinates, so the CRS is set to EPSG:4269.
- ``mexico_states()``: the 32 Mexican states bundled with ``libpysal`` (``examples/mexico/
  mexicojoin.shp``); its ``CODE`` ("MX02") carries the INEGI state code ("02").

``choropleth`` draws a map with matplotlib/geopandas, shows suppressed areas (count below k)
hatched, and adds the synthetic label when the data are synthetic.
"""
from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.affinity import scale, translate

__all__ = ["us_states", "mexico_states", "us_states_for_map", "choropleth"]

#: Equal-area projection for maps of the lower 48 (CONUS Albers).
ALBERS = "EPSG:5070"


def _package_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(f"package {package!r} is not installed; `pip install h2gender` installs it")
    path = Path(spec.origin).parent.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"{path} not found inside {package}")
    return path


@lru_cache(maxsize=1)
def _us() -> gpd.GeoDataFrame:
    gdf = gpd.read_file(_package_file("_plotly_geo", "package_data", "cb_2016_us_state_500k.shp"))
    gdf = gdf.set_crs(4269, allow_override=True)
    out = gdf.rename(columns={"STUSPS": "state", "NAME": "name", "STATEFP": "fips"})[["state", "fips", "name", "geometry"]]
    return out.sort_values("state", ignore_index=True)


def us_states() -> gpd.GeoDataFrame:
    """US states, DC and territories: columns ``state`` (USPS), ``fips``, ``name``, geometry (EPSG:4269)."""
    return _us().copy()


@lru_cache(maxsize=1)
def _mx() -> gpd.GeoDataFrame:
    gdf = gpd.read_file(_package_file("libpysal", "examples", "mexico", "mexicojoin.shp"))
    if gdf.crs is None:
        gdf = gdf.set_crs(4326)
    gdf["state_code"] = gdf["CODE"].str.replace("MX", "", regex=False).str.zfill(2)
    out = gdf.rename(columns={"NAME": "name"})[["state_code", "name", "geometry"]]
    return out.sort_values("state_code", ignore_index=True)


def mexico_states() -> gpd.GeoDataFrame:
    """Mexico's 32 states: ``state_code`` (INEGI, "01".."32"), ``name``, geometry."""
    return _mx().copy()


def us_states_for_map() -> gpd.GeoDataFrame:
    """Lower 48 + DC in Albers, with Alaska, Hawaii and Puerto Rico moved and scaled as insets."""
    states = us_states()
    main = states[~states["state"].isin(["AK", "HI", "PR", "GU", "VI", "MP", "AS"])].to_crs(ALBERS)
    parts = [main]
    for code, factor, x, y in (("AK", 0.35, -1.75e6, 0.55e6), ("HI", 1.0, -0.85e6, 0.45e6),
                               ("PR", 1.5, 1.95e6, 0.35e6)):
        s = states[states["state"] == code].to_crs(ALBERS)
        if len(s):
            geom = scale(s.geometry.iloc[0], factor, factor, origin="centroid")
            c = geom.centroid
            parts.append(s.assign(geometry=[translate(geom, x - c.x, y - c.y)]))
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=ALBERS)


def choropleth(gdf: gpd.GeoDataFrame, column: str, *, ax=None, title: str = "", legend_label: str = "",
               suppressed: str | None = "suppressed", suppressed_label: str = "suppressed (fewer than k)",
               no_data_label: str = "no data", cmap: str = "viridis", synthetic_label: str | None = None,
               source: str | None = None):
    """Map ``column``; rows where ``suppressed`` is True are hatched and never coloured."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 5))
    base = gdf.copy()
    values = pd.to_numeric(base[column], errors="coerce")
    hidden = (base[suppressed].astype("boolean").fillna(False).astype(bool) if suppressed and suppressed in base
              else pd.Series(False, index=base.index))
    base.plot(ax=ax, color="#eeeeee", edgecolor="white", linewidth=0.4)
    shown = base[values.notna() & ~hidden]
    if len(shown):
        shown.assign(_v=values[shown.index]).plot(column="_v", ax=ax, cmap=cmap, legend=True, edgecolor="white",
                                                   linewidth=0.4, legend_kwds={"label": legend_label, "shrink": 0.6})
    if hidden.any():
        base[hidden].plot(ax=ax, facecolor="white", edgecolor="#999999", hatch="///", linewidth=0.4)
    handles = [Patch(facecolor="#eeeeee", label=no_data_label)]
    if hidden.any():
        handles.append(Patch(facecolor="white", edgecolor="#999999", hatch="///", label=suppressed_label))
    ax.legend(handles=handles, loc="lower left", fontsize=7, frameon=False)
    ax.set_axis_off()
    ax.set_title(title, fontsize=11)
    fig = ax.figure
    if source:
        fig.text(0.01, 0.01, source, fontsize=6.5, color="#555555", ha="left", va="bottom")
    if synthetic_label:
        fig.text(0.99, 0.99, synthetic_label, fontsize=8, color="#b00020", ha="right", va="top", weight="bold")
    return ax
