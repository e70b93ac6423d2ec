"""State boundaries that ship inside installed packages (no download) and choropleth maps.

- ``us_states()``: US Census Bureau 2016 cartographic boundary file (1:500k) bundled in the
  ``plotly-geo`` package, with Alaska, Hawaii and Puerto Rico. It has no .prj; the Census
  publishes these files in NAD83 geographic coordinates, so the CRS is set to EPSG:4269.
- ``mexico_states()``: the 32 Mexican states bundled with ``libpysal`` (``examples/mexico/
  mexicojoin.shp``, no download). Its ``CODE`` ("MX01".."MX32") numbers the states in
  alphabetical order, which is *not* INEGI's order (INEGI puts Coahuila 05, Colima 06, Chiapas 07,
  Chihuahua 08), so each state is matched by name to its INEGI code (``INEGI_STATES``, INEGI's
  Marco Geoestadístico catalog of "claves de entidad federativa").

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

from toolkit import codes

__all__ = ["us_states", "mexico_states", "us_states_for_map", "choropleth", "INEGI_STATES", "FIGURE_TOLERANCE"]

INEGI_STATES = codes.INEGI_STATES

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
    """US states, DC and territories: columns ``state`` (USPS), ``fips``, ``name``, geometry.

    Source: US Census Bureau, 2016 cartographic boundary file ``cb_2016_us_state_500k`` (1:500,000),
    bundled in ``plotly-geo``; NAD83 geographic coordinates (EPSG:4269).
    """
    return _us().copy()


def _inegi_code(name: str) -> str:
    """INEGI code of a libpysal state name (accents and case ignored; ``codes.mexican_state_code``
    knows libpysal's older names such as "Veracruz-Llave")."""
    code = codes.mexican_state_code(name)
    if code is None:
        raise ValueError(f"mexicojoin.shp: state name {name!r} matches no INEGI state; known: "
                         f"{', '.join(INEGI_STATES.values())}")
    return code


@lru_cache(maxsize=1)
def _mx() -> gpd.GeoDataFrame:
    gdf = gpd.read_file(_package_file("libpysal", "examples", "mexico", "mexicojoin.shp"))
    if gdf.crs is None:
        gdf = gdf.set_crs(4326)
    gdf["state_code"] = gdf["NAME"].map(_inegi_code)
    gdf["name"] = gdf["state_code"].map(INEGI_STATES)
    return gdf[["state_code", "name", "geometry"]].sort_values("state_code", ignore_index=True)


def mexico_states() -> gpd.GeoDataFrame:
    """Mexico's 32 states: ``state_code`` (INEGI, "01".."32"), ``name`` (INEGI's official name),
    geometry (geographic coordinates as shipped by libpysal)."""
    return _mx().copy()


#: Douglas-Peucker tolerance (metres) of the report's state maps: one pixel of an 8-inch map of the
#: United States at 110 dpi is about 5 km, so a quarter of a kilometre changes no pixel that matters
#: (7 of 500,000 differ) and leaves 1 point in 15 to draw.
FIGURE_TOLERANCE = 250.0


def us_states_for_map(tolerance: float = 0.0) -> gpd.GeoDataFrame:
    """Lower 48 + DC in CONUS Albers (EPSG:5070), with Alaska (scaled to 35%), Hawaii and Puerto
    Rico (enlarged 1.5x) moved next to them as insets; the other territories are left out.

    ``tolerance``: when positive, each state's outline simplified by Douglas-Peucker with that
    many metres (topology preserved per state; ``FIGURE_TOLERANCE`` for a printed figure). The
    projection is computed once per process and tolerance; each call returns a copy."""
    if tolerance < 0:
        raise ValueError(f"tolerance must be >= 0 metres, got {tolerance}")
    return _us_for_map(float(tolerance)).copy()


@lru_cache(maxsize=4)
def _us_for_map(tolerance: float) -> gpd.GeoDataFrame:
    if tolerance > 0:
        full = _us_for_map(0.0)
        return full.assign(geometry=full.geometry.simplify(tolerance, preserve_topology=True))
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


def choropleth(gdf: gpd.GeoDataFrame, column: str, *, lang: str = "en", title: str = "", k: int | None = None,
               legend_label: str = "", suppressed: str | None = "suppressed", suppressed_label: str | None = None,
               no_data_label: str | None = None, cmap: str = "viridis", synthetic: bool = False,
               synthetic_label: str | None = None, source: str | None = None, ax=None):
    """Map ``column`` by area; areas whose count was suppressed are hatched and never coloured.

    Parameters
    ----------
    gdf : GeoDataFrame with ``column`` and, when given, the boolean ``suppressed`` column that
        ``disclosure.protect`` adds (True where a count fell below k).
    column : the value to colour (areas with NA are grey, "no data").
    lang : "en" or "es": language of the default legend labels.
    title, legend_label : text for the title and the colour bar.
    k : the suppression threshold, named in the hatched category's legend ("suppressed (fewer
        than 10)"); without it the legend says "fewer than k".
    suppressed_label, no_data_label : override the default legend labels.
    synthetic : add the label "Synthetic demonstration data" in ``lang`` (or pass the text as
        ``synthetic_label``).
    source : source line under the map.

    Returns
    -------
    matplotlib Axes.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from toolkit import i18n

    i18n.check_lang(lang)
    if suppressed_label is None:
        suppressed_label = i18n.t("suppressed_label", lang, k=k if k is not None else "k")
    no_data_label = i18n.t("no_data", lang) if no_data_label is None else no_data_label
    if synthetic and synthetic_label is None:
        synthetic_label = i18n.t("synthetic_label", lang)
    if column not in gdf:
        raise KeyError(f"choropleth: no column {column!r}; columns are {', '.join(map(str, gdf.columns))}")
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
