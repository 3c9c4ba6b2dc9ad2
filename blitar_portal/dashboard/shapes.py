"""Kecamatan outlines as SVG paths for the choropleth: simplified, projected, cached.

Projection: equirectangular scaled by cos(latitude) at the regency's centre —
at Blitar's size (~60 km) it is indistinguishable from UTM for a thumbnail map.
The result changes only when `load_regions` runs, so it is cached for a day.
"""

import math

from django.core.cache import cache

from blitar_portal.regions.models import Kecamatan

CACHE_KEY = "dashboard:kecamatan-shapes:v1"
CACHE_SECONDS = 24 * 3600
MAP_WIDTH = 480
SIMPLIFY_DEGREES = 0.002  # ~200 m: keeps each path small (the whole map < 20 KB).


def project(rings_by_code, *, width=MAP_WIDTH, margin=8, legend=28):
    """rings_by_code: {code: (name, [[(lon, lat), ...], ...])} -> ({code: (name, d)}, width, height)."""
    points = [p for _name, rings in rings_by_code.values() for ring in rings for p in ring]
    if not points:
        return {}, width, 0
    min_x = min(p[0] for p in points)
    max_x = max(p[0] for p in points)
    min_y = min(p[1] for p in points)
    max_y = max(p[1] for p in points)
    kx = math.cos(math.radians((min_y + max_y) / 2))
    scale = (width - 2 * margin) / max((max_x - min_x) * kx, 1e-9)
    height = round((max_y - min_y) * scale + 2 * margin + legend)
    shapes = {}
    for code, (name, rings) in rings_by_code.items():
        parts = []
        for ring in rings:
            coords = [f"{margin + (x - min_x) * kx * scale:.1f} {margin + (max_y - y) * scale:.1f}" for x, y in ring]
            parts.append("M" + "L".join(coords) + "Z")
        shapes[code] = (name, "".join(parts))
    return shapes, width, height


def _rings(geom):
    simple = geom.simplify(SIMPLIFY_DEGREES, preserve_topology=True)
    polygons = simple if simple.geom_type == "MultiPolygon" else [simple]
    return [list(ring.coords) for polygon in polygons for ring in polygon]


def build_shapes():
    rings = {k.code: (k.name, _rings(k.geom)) for k in Kecamatan.objects.only("code", "name", "geom").order_by("code")}
    shapes, width, height = project(rings)
    return {"shapes": shapes, "width": width, "height": height}


def kecamatan_shapes():
    """{"shapes": {code: (name, d)}, "width", "height"}; at most one query per day."""
    data = cache.get(CACHE_KEY)
    if data is None:
        data = build_shapes()
        if data["shapes"]:
            cache.set(CACHE_KEY, data, CACHE_SECONDS)
    return data
