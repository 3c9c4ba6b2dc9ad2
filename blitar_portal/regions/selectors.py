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
