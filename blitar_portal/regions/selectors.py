"""Reads of regions: which area contains a point, outlines for maps."""

import json
from typing import Any, cast

from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.db.models import QuerySet

from .models import Desa, Kecamatan, Regency

METRIC_SRID = 32749  # WGS 84 / UTM zone 49S: metres, covers East Java.
OUTLINE_CACHE_SECONDS = 24 * 3600


def kecamatan_list() -> QuerySet[Kecamatan]:
    return Kecamatan.objects.only("id", "code", "name", "slug").order_by("name")


def kecamatan_at_point(point: Point) -> Kecamatan | None:
    """The kecamatan that contains `point` (SRID 4326), or None outside the regency."""
    return Kecamatan.objects.filter(geom__covers=point).only("id", "code", "name", "slug").first()


def desa_at_point(point: Point, *, kecamatan: Kecamatan | None = None) -> "Desa | None":
    """The desa containing `point`; in a sliver between villages, the nearest desa of its kecamatan.

    Village polygons leave ~0.47 km² of slivers (see regions/data/README.md):
    such a point belongs to its kecamatan but to no desa, so we take the nearest.
    """
    desa = Desa.objects.filter(geom__covers=point).select_related("kecamatan").first()
    if desa is not None:
        return desa
    kecamatan = kecamatan or kecamatan_at_point(point)
    if kecamatan is None:
        return None
    from django.contrib.gis.db.models.functions import Distance

    return (
        Desa.objects.filter(kecamatan=kecamatan)
        .annotate(distance=Distance("geom", point))
        .order_by("distance")
        .select_related("kecamatan")
        .first()
    )


def region_at_point(point: Point) -> tuple | tuple[None, None]:
    """(kecamatan, desa) for a point, or (None, None) outside Kabupaten Blitar."""
    kecamatan = kecamatan_at_point(point)
    if kecamatan is None:
        return None, None
    return kecamatan, desa_at_point(point, kecamatan=kecamatan)


def point_in_regency(point: Point) -> bool:
    return Regency.objects.filter(geom__covers=point).exists()


def regency_outline_geojson() -> str:
    """The regency outline as a GeoJSON string (cached; it changes only on load_regions)."""

    def build() -> Any:
        regency = Regency.objects.first()
        if regency is None:
            return json.dumps({"type": "FeatureCollection", "features": []})
        return json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"code": regency.code, "name": regency.name},
                        "geometry": json.loads(regency.geom.simplify(0.0005, preserve_topology=True).geojson),
                    }
                ],
            }
        )

    return cast(str, cache.get_or_set("regions:regency-outline:v1", build, OUTLINE_CACHE_SECONDS))


def kecamatan_outlines_geojson() -> str:
    """All kecamatan outlines (simplified) as a GeoJSON string, cached."""

    def build() -> Any:
        features = [
            {
                "type": "Feature",
                "properties": {"code": k.code, "name": k.name, "slug": k.slug},
                "geometry": json.loads(k.geom.simplify(0.0005, preserve_topology=True).geojson),
            }
            for k in Kecamatan.objects.order_by("code")
        ]
        return json.dumps({"type": "FeatureCollection", "features": features})

    return cast(str, cache.get_or_set("regions:kecamatan-outlines:v1", build, OUTLINE_CACHE_SECONDS))


def regions_loaded() -> bool:
    return Kecamatan.objects.exists()


# --- The built-in base map (static/js/leaflet-maps.js draws it under every map) --------------
# Two levels of detail, each served as small GeoJSON bodies built from the regions tables and cached:
# "kabupaten" for regency zooms (regency outline, kecamatan outlines and name points, one body) and
# "desa" for street zooms (desa outlines and name points, one body per kecamatan, so a street view
# fetches the one or two kecamatan it shows). The value is the simplification tolerance in degrees
# (0.001 ≈ 110 m, below a pixel at zoom 11; 0.0001 ≈ 11 m). Coordinates keep 5 decimals (~1 m).
BASEMAP_DETAILS: dict[str, float] = {"kabupaten": 0.001, "desa": 0.0001}
BASEMAP_CACHE_KEY = "regions:basemap:v1:{detail}"
BASEMAP_DESA_CACHE_KEY = "regions:basemap:v1:desa:{code}"

_BASEMAP_SQL = {
    "kabupaten": """
        SELECT 'kabupaten', code, name, '', ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, %(tol)s), 5), NULL, NULL,
               NULL::box2d
          FROM regions_regency
        UNION ALL
        SELECT 'kecamatan', code, name, '', ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, %(tol)s), 5),
               ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)), Box2D(geom)
          FROM regions_kecamatan
         ORDER BY 2
    """,
    "desa": """
        SELECT 'desa', d.code, d.name, d.kind, ST_AsGeoJSON(ST_SimplifyPreserveTopology(d.geom, %(tol)s), 5),
               ST_X(ST_PointOnSurface(d.geom)), ST_Y(ST_PointOnSurface(d.geom)), NULL::box2d
          FROM regions_desa d JOIN regions_kecamatan k ON k.id = d.kecamatan_id
         WHERE k.code = %(kecamatan)s
         ORDER BY 2
    """,
}


def basemap_geojson(detail: str, *, kecamatan: str = "") -> str | None:
    """The base map's features of one level of detail (a key of BASEMAP_DETAILS) as GeoJSON text;
    "desa" takes the code of one kecamatan (None when there is no such kecamatan).

    Each feature: properties {"level": kabupaten|kecamatan|desa, "code", "name", "kind",
    "label": [lon, lat] inside the area (a point on its surface), or null}; kecamatan features
    also carry "bbox" [west, south, east, north], so the map knows which desa bodies to fetch."""
    from django.db import connection

    if detail == "desa" and not Kecamatan.objects.filter(code=kecamatan).exists():
        return None
    params: dict[str, float | str] = {"tol": BASEMAP_DETAILS[detail], "kecamatan": kecamatan}

    def build() -> str:
        with connection.cursor() as cursor:
            cursor.execute(_BASEMAP_SQL[detail], params)
            rows = cursor.fetchall()
        parts = []
        for level, code, name, kind, geometry, x, y, box in rows:
            properties: dict[str, Any] = {
                "level": level,
                "code": code,
                "name": name,
                "kind": kind,
                "label": [round(x, 5), round(y, 5)] if x is not None else None,
            }
            if box:  # "BOX(west south,east north)"
                corners = box[4:-1].replace(",", " ").split()
                properties["bbox"] = [round(float(v), 5) for v in corners]
            parts.append(
                '{"type":"Feature","properties":'
                + json.dumps(properties, separators=(",", ":"))
                + ',"geometry":'
                + geometry
                + "}"
            )
        return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"

    key = BASEMAP_DESA_CACHE_KEY.format(code=kecamatan) if detail == "desa" else BASEMAP_CACHE_KEY.format(detail=detail)
    return cast(str, cache.get_or_set(key, build, OUTLINE_CACHE_SECONDS))


def basemap_cache_keys() -> list[str]:
    """Every cache key of the base map (emptied by load_regions)."""
    codes = Kecamatan.objects.values_list("code", flat=True)
    return [BASEMAP_CACHE_KEY.format(detail="kabupaten")] + [BASEMAP_DESA_CACHE_KEY.format(code=c) for c in codes]
