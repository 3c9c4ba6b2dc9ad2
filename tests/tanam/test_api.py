"""/api/v1/tanam/: POST a planting (authenticated, same validation), GET GeoJSON, cover, schema."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tanam import services
from tanam.models import Planting

URL = reverse("api:tanam-plantings")


@pytest.fixture
def payload(spot, species):
    lat, lon = spot
    return {
        "lat": lat,
        "lon": lon,
        "species": species.pk,
        "tree_count": 2,
        "planted_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
    }


def test_post_requires_authentication(client, payload):
    response = client.post(URL, payload, content_type="application/json")
    assert response.status_code == 403
    assert not Planting.objects.exists()


def test_post_creates_pending_planting(client, bob, payload, desa):
    client.force_login(bob)
    response = client.post(URL, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["properties"]["status"] == "pending"
    assert body["properties"]["desa"] == desa.name
    assert Planting.objects.get().user == bob


def test_post_multipart_with_photo(client, bob, payload, photo):
    client.force_login(bob)
    response = client.post(URL, {**payload, "photo": photo()})
    assert response.status_code == 201, response.content
    assert Planting.objects.get().photo


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lat": "-7.2575", "lon": "112.7521"}, "di luar Kabupaten Blitar"),
        ({"lat": "x", "lon": "112.2"}, "harus berupa angka"),
        ({"lat": "112.2", "lon": "-8.1"}, "tertukar"),
        ({"planted_on": "2999-01-01"}, "masa depan"),
    ],
)
def test_post_bad_input_is_400_in_bahasa(client, bob, payload, change, message):
    client.force_login(bob)
    response = client.post(URL, {**payload, **change}, content_type="application/json")
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not Planting.objects.exists()


def test_get_is_paginated_geojson(client, make_planting):
    for _ in range(3):
        make_planting(status="verified")
    data = client.get(URL).json()
    assert data["type"] == "FeatureCollection"
    assert data["features"][0]["geometry"]["type"] == "Point"
    assert len(data["features"]) == 3
    assert data["next"] is None and data["previous"] is None


def test_get_pages_by_keyset_without_counting(client, make_planting, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tanam.api import PlantingsView

    monkeypatch.setattr(PlantingsView, "PAGE_SIZE", 2)
    ids = sorted(make_planting(status="verified").pk for _ in range(5))
    make_planting(status="pending")
    services.cluster_cells_rebuild()
    seen, url = [], URL
    with CaptureQueriesContext(connection) as queries:
        while url:
            data = client.get(url).json()
            seen += [f["id"] for f in data["features"]]
            url = data["next"]
    assert seen == ids
    assert data["total_estimate"] == 5  # from the map cells, not from COUNT(*)
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert "OFFSET" not in " ".join(q["sql"] for q in queries).upper()
    # Back from the last page: the two before it.
    back = client.get(data["previous"]).json()
    assert [f["id"] for f in back["features"]] == ids[2:4]
    assert "after=" in back["next"] and "before=" in back["previous"]


def test_get_estimate_only_where_cells_are_precomputed(client, make_planting, species):
    planting = make_planting(status="verified")
    services.cluster_cells_rebuild()
    year = planting.planted_on.year
    data = client.get(URL, {"species": species.pk, "year": year}).json()
    assert [f["id"] for f in data["features"]] == [planting.pk]
    assert data["total_estimate"] == 1  # a year and one other filter: precomputed
    data = client.get(URL, {"species": species.pk, "year": year, "kecamatan": planting.kecamatan_id}).json()
    assert [f["id"] for f in data["features"]] == [planting.pk]
    assert data["total_estimate"] is None


@pytest.mark.parametrize("params", [{"after": "abc"}, {"before": "-3"}, {"after": "1.5"}])
def test_get_bad_cursor_is_400_in_bahasa(client, params):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert "harus berupa id" in response.json()["detail"]


def test_cover_endpoint_reads_stored_results(client, make_planting, desa):
    make_planting(status="verified")
    services.cover_refresh(desa_ids=[desa.pk])
    data = client.get(reverse("api:tanam-cover"), {"level": "kecamatan"}).json()
    feature = next(f for f in data["features"] if f["properties"]["code"] == desa.kecamatan.code)
    assert str(timezone.localdate().year) in feature["properties"]["years"]


def test_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/v1/tanam/plantings/",
        "/api/v1/tanam/plantings/{id}/",
        "/api/v1/tanam/clusters/",
        "/api/v1/tanam/cover/",
    ):
        assert path in schema
    assert "total_estimate" in schema and '"after"' in schema
