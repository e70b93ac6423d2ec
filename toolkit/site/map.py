"""A clickable SVG map of the 50 states, DC and Puerto Rico, from the shipped Census boundaries
(``toolkit.geo.us_states_for_map``), simplified with Douglas-Peucker.

References
----------
Douglas, D. H., & Peucker, T. K. (1973). Algorithms for the reduction of the number of points
required to represent a digitized line or its caricature. Cartographica, 10(2), 112-122.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import lru_cache

__all__ = ["MAP_STATES", "us_map_svg"]

#: The 50 states, DC and Puerto Rico: the states of the map.
MAP_STATES = ("AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL", "IN",
              "KS", "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE", "NH", "NJ",
              "NM", "NV", "NY", "OH", "OK", "OR", "PA", "PR", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VT",
              "WA", "WI", "WV", "WY")

def _ring_path(coords, x0: float, y1: float, scale: float) -> str:
    """SVG path data of one ring: absolute first point, then relative moves, in 0.1 px steps."""
    pts = [(round((x - x0) * scale * 10), round((y1 - y) * scale * 10)) for x, y in coords]
    out = [pts[0]]
    for p in pts[1:]:
        if p != out[-1]:
            out.append(p)
    if len(out) < 4:  # fewer than three distinct corners: the ring is below the map's resolution
        return ""
    steps = " ".join(f"{(x - px) / 10:g},{(y - py) / 10:g}" for (px, py), (x, y) in zip(out, out[1:]))
    return f"M{out[0][0] / 10:g},{out[0][1] / 10:g}l{steps}z"


def _polygons(geom, min_area: float) -> list:
    """The polygons of ``geom`` with area at least ``min_area`` (the largest always kept)."""
    polys = sorted(geom.geoms if geom.geom_type == "MultiPolygon" else [geom], key=lambda g: -g.area)
    return [polys[0]] + [g for g in polys[1:] if g.area >= min_area]


def us_map_svg(*, href: str = "state/{state}.html", names: Mapping[str, str] | None = None,
               tolerance: float = 6000.0, width: int = 960, title: str = "United States",
               description: str = "", linked: Collection[str] | None = None) -> str:
    """A clickable SVG map of the 50 states, DC and Puerto Rico as a string.

    Geometry: ``toolkit.geo.us_states_for_map()`` (Census 2016 cartographic boundaries in CONUS
    Albers, Alaska, Hawaii and Puerto Rico as insets), simplified by Douglas-Peucker with
    ``tolerance`` metres (topology preserved per state), islands under 25 x tolerance² left out (a
    state's largest part always kept), scaled to ``width`` pixels, coordinates rounded to 0.1 px. Each state is ``<a href="..."><path ...><title>Name</title></path></a>``;
    ``href`` is a format string with ``{state}`` (USPS code) and ``names`` maps codes to the
    accessible names (default: the Census names). ``linked``: the states that have a page
    (default all); the others are drawn without a link (class ``nolink``). Pure: the same
    arguments give the same string.
    """
    if tolerance < 0 or width <= 0:
        raise ValueError(f"tolerance must be >= 0 and width > 0, got tolerance={tolerance}, width={width}")
    if "{state}" not in href:
        raise ValueError(f"href must contain '{{state}}', got {href!r}")
    height, outlines = _outlines(float(tolerance), int(width))
    states = [{"code": code, "d": d, "name": (names or {}).get(code, census), "href": href.format(state=code),
               "linked": linked is None or code in linked} for code, d, census in outlines]
    return _template().render(width=width, height=height, title=title, description=description, states=states)


@lru_cache(maxsize=4)
def _outlines(tolerance: float, width: int) -> tuple[int, tuple[tuple[str, str, str], ...]]:
    """(height, (state, SVG path, Census name) per state) of ``us_map_svg``: the simplified
    geometry, computed once per process for a tolerance and width (each language's map draws it)."""
    from toolkit import geo

    gdf = geo.us_states_for_map()
    gdf = gdf[gdf["state"].isin(MAP_STATES)]
    x0, y0, x1, y1 = gdf.total_bounds
    min_area = 25 * tolerance ** 2  # islands smaller than about 5 x 5 simplification steps are left out
    scale = width / (x1 - x0)
    height = round((y1 - y0) * scale)
    outlines = []
    for rec in gdf.sort_values("state").itertuples():
        geom = rec.geometry.simplify(tolerance, preserve_topology=True)
        d = "".join(_ring_path(p.exterior.coords, x0, y1, scale) for p in _polygons(geom, min_area) if not p.is_empty)
        if not d:  # a state simplified away would be a missing link: keep its unsimplified outline
            d = "".join(_ring_path(p.exterior.coords, x0, y1, scale) for p in _polygons(rec.geometry, 0))
        outlines.append((rec.state, d, rec.name))
    return height, tuple(outlines)


@lru_cache(maxsize=1)
def _template():
    """``templates/map.svg.j2``, compiled once per process."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("toolkit.site", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("map.svg.j2")


