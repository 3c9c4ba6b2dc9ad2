"""Unverified plantings never leak: map clusters, pins, API list, exports, counts."""

import json

import pytest
from django.urls import reverse

from tanam import services

BBOX = "111.8,-8.5,112.6,-7.8"


@pytest.fixture
def plantings(make_planting, desa):
    from django.contrib.gis.geos import Point

    base = desa.geom.point_on_surface
    verified = make_planting(status="verified", notes="publik")
    pending = make_planting(status="pending", point=Point(base.x + 0.0001, base.y, srid=4326), tree_count=7)
    rejected = make_planting(status="rejected", point=Point(base.x, base.y + 0.0001, srid=4326), tree_count=9)
    services.cluster_cells_rebuild()
    return verified, pending, rejected


def _total_trees(features):
    return sum(f["properties"]["trees"] for f in features)


@pytest.mark.parametrize("zoom", [8, 11, 13, 15, 16])
def test_clusters_count_only_verified(client, plantings, zoom):
    data = client.get(reverse("api:tanam-clusters"), {"bbox": BBOX, "zoom": zoom}).json()
    assert data["kind"] == "clusters"
    assert _total_trees(data["features"]) == 1


def test_pins_at_high_zoom_are_only_verified(client, plantings):
    verified = plantings[0]
    p = verified.point
    bbox = f"{p.x - 0.001},{p.y - 0.001},{p.x + 0.001},{p.y + 0.001}"
    data = client.get(reverse("api:tanam-clusters"), {"bbox": bbox, "zoom": 18}).json()
    assert data["kind"] == "pins"
    assert [f["id"] for f in data["features"]] == [verified.pk]
    assert data["features"][0]["properties"]["species"] == "Mahoni"


def test_filtered_clusters_only_verified(client, plantings, species):
    for zoom in (10, 15):
        data = client.get(
            reverse("api:tanam-clusters"), {"bbox": BBOX, "zoom": zoom, "species": species.pk, "year": 2020}
        ).json()
        assert _total_trees(data["features"]) <= 1


def test_api_list_only_verified(client, plantings):
    data = client.get(reverse("api:tanam-plantings")).json()
    assert data["type"] == "FeatureCollection"
    assert [f["id"] for f in data["features"]] == [plantings[0].pk]


def test_csv_export_holds_only_verified(client, plantings):
    services.open_data_build()
    response = client.get(reverse("tanam:export-csv"))
    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert lines[0].startswith("id,lintang,bujur")
    assert len(lines) == 2
    assert lines[1].startswith(f"{plantings[0].pk},")


def test_geojson_export_holds_only_verified(client, plantings):
    services.open_data_build()
    response = client.get(reverse("tanam:export-geojson"))
    data = json.loads(b"".join(response.streaming_content))
    assert [f["properties"]["id"] for f in data["features"]] == [plantings[0].pk]


def test_export_refuses_a_filter(client):
    response = client.get(reverse("tanam:export-csv"), {"species": "mahoni"})
    assert response.status_code == 400
    assert "tidak dapat disaring" in response.content.decode()


def test_home_summary_counts_only_verified(plantings):
    from tanam.dashboard import home_summary

    summary = home_summary()
    assert summary["trees_planted"] == 1
    assert summary["plantings_verified"] == 1
    assert set(summary) == {"trees_planted", "plantings_verified", "canopy_percent"}


def test_map_page_renders_filters_and_counts(client, plantings):
    response = client.get(reverse("tanam:map"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 pohon dari 1 penanaman terverifikasi" in html
    assert 'id="tanam-map"' in html
    assert len(response.content) < 100_000


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"bbox": "a,b,c,d", "zoom": 10}, "empat angka"),
        ({"bbox": "112.5,-8,112.1,-7.9", "zoom": 10}, "terbalik"),
        ({"bbox": BBOX, "zoom": "x"}, "bilangan bulat"),
        ({"bbox": BBOX, "zoom": 10, "year": "dua"}, "harus berupa angka"),
    ],
)
def test_clusters_bad_parameters(client, params, message):
    response = client.get(reverse("api:tanam-clusters"), params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_cached_clusters_change_after_a_committed_refresh(
    client, make_planting, desa, django_capture_on_commit_callbacks
):
    params = {"bbox": BBOX, "zoom": 10}
    make_planting(status="verified", tree_count=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.cluster_cells_rebuild()
    assert _total_trees(client.get(reverse("api:tanam-clusters"), params).json()["features"]) == 2
    planting = make_planting(status="verified", tree_count=5)
    with django_capture_on_commit_callbacks(execute=True):
        services.cluster_cells_refresh(points=[[planting.point.x, planting.point.y]])
    assert _total_trees(client.get(reverse("api:tanam-clusters"), params).json()["features"]) == 7


def test_more_than_1000_pins_in_view_fall_back_to_cells(client, make_planting, desa, species, bob):
    from django.contrib.gis.geos import Point

    from tanam.models import Planting

    template = make_planting(status="verified", user=bob)
    base = template.point
    Planting.objects.bulk_create(
        [
            Planting(
                user=bob,
                point=Point(base.x + (i % 40) * 0.00001, base.y + (i // 40) * 0.00001, srid=4326),
                kecamatan=desa.kecamatan,
                desa=desa,
                species=species,
                planted_on=template.planted_on,
                status="verified",
            )
            for i in range(1000)
        ]
    )
    services.cluster_cells_rebuild()
    bbox = f"{base.x - 0.0005},{base.y - 0.0005},{base.x + 0.0005},{base.y + 0.0005}"
    data = client.get(reverse("api:tanam-clusters"), {"bbox": bbox, "zoom": 19}).json()
    assert data["kind"] == "clusters"
    assert len(data["features"]) <= 1000
    assert _total_trees(data["features"]) == 1001


@pytest.fixture
def one_of_each(make_planting, desa):
    """A verified, a pending and a rejected planting of one community and campaign, in one desa;
    their tree counts (1, 7, 9) tell in every total which of them was counted."""
    from datetime import date

    from django.contrib.gis.geos import Point

    from tanam.models import Campaign, Community

    community = Community.objects.create(name="Komunitas Publik", slug="komunitas-publik")
    campaign = Campaign.objects.create(
        name="Kampanye Publik",
        slug="kampanye-publik",
        target_trees=100,
        starts_on=date(2020, 1, 1),
        ends_on=date(2030, 12, 31),
    )
    base = desa.geom.point_on_surface
    made = {
        status: make_planting(
            status=status,
            tree_count=trees,
            point=Point(base.x + i * 0.0001, base.y, srid=4326),
            community=community,
            campaign=campaign,
        )
        for i, (status, trees) in enumerate([("verified", 1), ("pending", 7), ("rejected", 9)])
    }
    services.cluster_cells_rebuild()
    return made, community, campaign


def test_every_public_read_agrees_on_what_is_public(client, one_of_each, desa, species):
    """The ORM rule, its raw-SQL form, and every public read built on them (map cells, filtered
    cells clustered in SQL, pins, API, open data, land cover, community and campaign pages, photos)
    show the verified planting and neither the pending nor the rejected one."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.utils import timezone

    from tanam import selectors
    from tanam.models import CoverStat

    made, community, campaign = one_of_each
    verified = made["verified"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM tanam_planting WHERE {selectors.public_planting_sql()}")  # noqa: S608
        assert [row[0] for row in cursor.fetchall()] == [verified.pk]
    assert list(selectors.plantings_public().values_list("pk", flat=True)) == [verified.pk]
    assert list(selectors.plantings_photos_visible_to(AnonymousUser()).values_list("pk", flat=True)) == [verified.pk]

    url = reverse("api:tanam-clusters")
    assert _total_trees(client.get(url, {"bbox": BBOX, "zoom": 10}).json()["features"]) == 1
    two_filters = {"bbox": BBOX, "zoom": 10, "species": species.pk, "community": community.pk}  # clustered in SQL
    assert _total_trees(client.get(url, two_filters).json()["features"]) == 1
    p = verified.point
    pins = client.get(url, {"bbox": f"{p.x - 0.001},{p.y - 0.001},{p.x + 0.001},{p.y + 0.001}", "zoom": 18}).json()
    assert pins["kind"] == "pins" and [f["id"] for f in pins["features"]] == [verified.pk]

    assert [f["id"] for f in client.get(reverse("api:tanam-plantings")).json()["features"]] == [verified.pk]
    services.open_data_build()
    csv_lines = b"".join(client.get(reverse("tanam:export-csv")).streaming_content).decode().splitlines()
    assert [line.split(",")[0] for line in csv_lines[1:]] == [str(verified.pk)]

    services.cover_refresh(desa_ids=[desa.pk])
    year = timezone.localdate().year
    assert CoverStat.objects.get(level="desa", desa=desa, year=year).trees == 1

    for page in (reverse("tanam:community", args=[community.slug]), reverse("tanam:campaign", args=[campaign.slug])):
        html = client.get(page).content.decode()
        assert "× 1 " in html and "× 7 " not in html and "× 9 " not in html, page
