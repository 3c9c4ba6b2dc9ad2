"""Writes of regions: loading the boundary files shipped in regions/data/."""

import json
from pathlib import Path
from typing import Any

from django.contrib.gis.db.models import Union
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.core.cache import cache
from django.db import transaction
from django.utils.text import slugify

from .models import Desa, Kecamatan, Regency
from .selectors import METRIC_SRID, basemap_cache_keys

DATA_DIR = Path(__file__).resolve().parent / "data"
REGENCY_CODE = "35.05"
REGENCY_NAME = "Kabupaten Blitar"


def _multipolygon(geometry: Any) -> GEOSGeometry | MultiPolygon:
    geom = GEOSGeometry(json.dumps(geometry), srid=4326)
    if geom.geom_type == "Polygon":
        geom = MultiPolygon(geom, srid=4326)
    if not geom.valid:
        geom = geom.buffer(0)
        if geom.geom_type == "Polygon":
            geom = MultiPolygon(geom, srid=4326)
    return geom


def _area_km2(geom: Any) -> Any:
    return geom.transform(METRIC_SRID, clone=True).area / 1_000_000


def _features(data_dir: Any, name: str) -> Any:
    with open(Path(data_dir) / name, encoding="utf-8") as fh:
        return json.load(fh)["features"]


@transaction.atomic
def regions_load(*, data_dir: Any = DATA_DIR) -> dict[str, int]:
    """Create or update the regency, its 22 kecamatan and 248 desa. Idempotent."""
    kecamatan_by_code = {}
    for feature in _features(data_dir, "kecamatan.geojson"):
        props = feature["properties"]
        geom = _multipolygon(feature["geometry"])
        kecamatan, _ = Kecamatan.objects.update_or_create(
            code=props["code"],
            defaults={"name": props["name"], "slug": slugify(props["name"]), "geom": geom, "area_km2": _area_km2(geom)},
        )
        kecamatan_by_code[kecamatan.code] = kecamatan
    for feature in _features(data_dir, "desa.geojson"):
        props = feature["properties"]
        geom = _multipolygon(feature["geometry"])
        Desa.objects.update_or_create(
            code=props["code"],
            defaults={
                "name": props["name"],
                "kecamatan": kecamatan_by_code[props["kecamatan_code"]],
                "kind": props.get("type") or Desa.Kind.DESA,
                "geom": geom,
                "area_km2": _area_km2(geom),
            },
        )
    outline = Kecamatan.objects.aggregate(union=Union("geom"))["union"]
    if outline.geom_type == "Polygon":
        outline = MultiPolygon(outline, srid=4326)
    Regency.objects.update_or_create(
        code=REGENCY_CODE, defaults={"name": REGENCY_NAME, "geom": outline, "area_km2": _area_km2(outline)}
    )
    cache.delete_many(["regions:regency-outline:v1", "regions:kecamatan-outlines:v1"] + basemap_cache_keys())
    return {"kecamatan": len(kecamatan_by_code), "desa": Desa.objects.count()}
