"""The built-in base map's data (`GET /wilayah/peta-dasar.geojson`, `GET /kesehatan/rs.geojson`):
small simplified bodies per level of detail, cacheable by browsers and proxies, bad parameters
answered with a Bahasa message (issue 16, point 4)."""

import gzip
import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from blitar_portal.regions.selectors import basemap_cache_keys

URL = "/wilayah/peta-dasar.geojson"
KB = 1024


@pytest.fixture(autouse=True)
def _regions_and_fresh_basemap_cache(db):
    from django.core.management import call_command

    from blitar_portal.regions.models import Kecamatan

    if not Kecamatan.objects.exists():
        call_command("load_regions", verbosity=0)
    cache.delete_many(basemap_cache_keys())


def _features(response):
    return json.loads(response.content)["features"]


def test_regency_zoom_body_has_the_outline_every_kecamatan_with_a_name_point_and_is_small(client):
    response = client.get(URL, {"tingkat": "kabupaten"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    features = _features(response)
    levels = [f["properties"]["level"] for f in features]
    assert levels.count("kabupaten") == 1 and levels.count("kecamatan") == 22
    wonodadi = next(f for f in features if f["properties"]["code"] == "35.05.01")
    assert wonodadi["properties"]["name"] == "Wonodadi"
    lon, lat = wonodadi["properties"]["label"]
    west, south, east, north = wonodadi["properties"]["bbox"]
    assert west <= lon <= east and south <= lat <= north
    assert len(response.content) < 64 * KB  # simplified: the source file is 370 KB
    assert len(gzip.compress(response.content)) < 16 * KB


def test_street_zoom_body_is_one_kecamatan_of_desa_with_names(client):
    response = client.get(URL, {"tingkat": "desa", "kecamatan": "35.05.01"})
    assert response.status_code == 200
    features = _features(response)
    assert features and all(f["properties"]["level"] == "desa" for f in features)
    assert all(f["properties"]["name"] and f["properties"]["label"] for f in features)
    assert all(f["properties"]["code"].startswith("35.05.01.") for f in features)
    assert len(response.content) < 48 * KB
    assert len(gzip.compress(response.content)) < 12 * KB


def test_bodies_are_compressed_for_clients_that_accept_it(client):
    plain = client.get(URL, {"tingkat": "kabupaten"})
    packed = client.get(URL, {"tingkat": "kabupaten"}, HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert len(packed.content) < len(plain.content) / 3


def test_caching_headers_and_revalidation_without_a_body(client):
    first = client.get(URL, {"tingkat": "kabupaten"})
    assert first["Cache-Control"] == "public, max-age=86400"
    etag = first["ETag"]
    assert etag
    again = client.get(URL, {"tingkat": "kabupaten"}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    other = client.get(URL, {"tingkat": "desa", "kecamatan": "35.05.02"})
    assert other["ETag"] != etag


def test_the_body_is_built_once_then_read_from_the_cache(client, django_assert_num_queries):
    client.get(URL, {"tingkat": "kabupaten"})
    with django_assert_num_queries(0):
        assert client.get(URL, {"tingkat": "kabupaten"}).status_code == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Parameter tingkat wajib diisi"),
        ({"tingkat": "provinsi"}, "Parameter tingkat harus kabupaten atau desa"),
        ({"tingkat": "desa"}, "Tingkat desa memerlukan parameter kecamatan"),
        ({"tingkat": "desa", "kecamatan": "Wonodadi"}, "Parameter kecamatan harus kode Kemendagri"),
        ({"tingkat": "desa", "kecamatan": "x" * 5000}, "Parameter kecamatan harus kode Kemendagri"),
    ],
)
def test_bad_parameters_get_a_clear_bahasa_message_and_are_not_cached(client, params, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_an_unknown_kecamatan_is_404(client):
    assert client.get(URL, {"tingkat": "desa", "kecamatan": "35.05.99"}).status_code == 404


def test_load_regions_empties_the_cached_bodies(client):
    from django.core.management import call_command

    client.get(URL, {"tingkat": "kabupaten"})
    client.get(URL, {"tingkat": "desa", "kecamatan": "35.05.01"})
    call_command("load_regions", verbosity=0)
    assert not any(cache.get(key) for key in basemap_cache_keys())


def test_hospitals_layer_lists_public_hospitals_with_a_location(client):
    from django.contrib.gis.geos import Point

    from ehealth.selectors import HOSPITALS_MAP_CACHE_KEY
    from tests.ehealth.conftest import make_hospital

    cache.delete(HOSPITALS_MAP_CACHE_KEY)
    shown = make_hospital("rsud-wlingi", "RSUD Ngudi Waluyo Wlingi")
    shown.location = Point(112.3, -8.07, srid=4326)
    shown.save()
    hidden = make_hospital("rs-tutup", "RS Tutup")
    hidden.location = Point(112.2, -8.1, srid=4326)
    hidden.is_active = False
    hidden.save()
    response = client.get(reverse("ehealth:hospitals_geojson"))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("public, max-age=")
    features = _features(response)
    assert [f["properties"]["name"] for f in features] == ["RSUD Ngudi Waluyo Wlingi"]
    assert features[0]["properties"]["url"] == reverse("ehealth:hospital_detail", args=["rsud-wlingi"])
    assert features[0]["geometry"]["coordinates"] == [112.3, -8.07]
