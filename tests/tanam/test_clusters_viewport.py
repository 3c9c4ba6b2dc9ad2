"""/api/v1/tanam/clusters/: the band follows the bbox as well as the zoom; pins are read only when few."""

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tanam import clusters, services
from tanam.models import Planting

REGENCY = (111.90, -8.40, 112.53, -7.88)
URL = reverse("api:tanam-clusters")


def _bbox(values):
    return ",".join(str(v) for v in values)


def _planting_reads(queries):
    return [q["sql"] for q in queries if "FROM tanam_planting" in q["sql"]]


def test_viewport_zoom_is_never_finer_than_a_screen_needs():
    # A regency-wide bbox (0.63°) fills about 2,000 px at zoom 12, whatever zoom is asked for.
    assert clusters.viewport_zoom(16, REGENCY) == 12
    assert clusters.viewport_zoom(19, REGENCY) == 12
    assert clusters.viewport_zoom(10, REGENCY) == 10
    # A street (0.008°) at zoom 17 is a phone-sized view: the zoom is kept.
    assert clusters.viewport_zoom(17, (111.960, -8.012, 111.968, -8.007)) == 17


@pytest.mark.parametrize("zoom", [11, 16, 18, 19])
def test_regency_bbox_at_any_zoom_is_served_from_coarse_cells(client, make_planting, zoom):
    make_planting(status="verified", tree_count=3)
    services.cluster_cells_rebuild()
    with CaptureQueriesContext(connection) as queries:
        data = client.get(URL, {"bbox": _bbox(REGENCY), "zoom": zoom}).json()
    assert data["kind"] == "clusters"
    assert data["band"] <= 12
    assert sum(f["properties"]["trees"] for f in data["features"]) == 3
    assert _planting_reads(queries) == []  # neither pins nor on-the-fly clustering


def test_regency_bbox_at_high_zoom_equals_the_regency_view(client, make_planting):
    make_planting(status="verified", tree_count=2)
    services.cluster_cells_rebuild()
    high = client.get(URL, {"bbox": _bbox(REGENCY), "zoom": 16}).json()
    view = client.get(URL, {"bbox": _bbox(REGENCY), "zoom": 12}).json()
    assert high["features"] == view["features"]


def test_each_single_filter_at_regency_view_reads_only_cells(client, make_planting, species):
    planting = make_planting(status="verified", tree_count=4)
    services.cluster_cells_rebuild()
    filters = {
        "year": planting.planted_on.year,
        "species": species.pk,
        "kecamatan": planting.kecamatan_id,
    }
    for name, value in filters.items():
        with CaptureQueriesContext(connection) as queries:
            data = client.get(URL, {"bbox": _bbox(REGENCY), "zoom": 11, name: value}).json()
        assert sum(f["properties"]["trees"] for f in data["features"]) == 4, name
        assert _planting_reads(queries) == [], name


def test_dense_street_view_skips_reading_pins(client, make_planting, desa, species, bob):
    template = make_planting(status="verified", user=bob)
    base = template.point
    Planting.objects.bulk_create(
        [
            Planting(
                user=bob,
                point=Point(base.x + (i % 50) * 0.00008, base.y + (i // 50) * 0.00008, srid=4326),
                kecamatan=desa.kecamatan,
                desa=desa,
                species=species,
                planted_on=template.planted_on,
                status="verified",
            )
            for i in range(1500)
        ]
    )
    services.cluster_cells_rebuild()
    bbox = (base.x - 0.001, base.y - 0.001, base.x + 0.005, base.y + 0.0025)  # a street view at zoom 17
    with CaptureQueriesContext(connection) as queries:
        data = client.get(URL, {"bbox": _bbox(bbox), "zoom": 17}).json()
    assert data["kind"] == "clusters"
    assert len(data["features"]) <= clusters.MAX_FEATURES
    assert sum(f["properties"]["plantings"] for f in data["features"]) == 1501
    assert _planting_reads(queries) == []


def test_sparse_street_view_still_gets_pins(client, make_planting):
    planting = make_planting(status="verified")
    services.cluster_cells_rebuild()
    p = planting.point
    data = client.get(URL, {"bbox": _bbox((p.x - 0.003, p.y - 0.002, p.x + 0.003, p.y + 0.002)), "zoom": 17}).json()
    assert data["kind"] == "pins"
    assert [f["id"] for f in data["features"]] == [planting.pk]


@pytest.mark.parametrize("other", ["species", "kecamatan", "community", "campaign"])
def test_year_with_one_other_filter_reads_precomputed_cells(client, make_planting, species, other):
    from datetime import date

    from tanam.models import Campaign, Community

    community = Community.objects.create(name="Komunitas Uji", slug="komunitas-uji")
    campaign = Campaign.objects.create(
        name="Kampanye Uji",
        slug="kampanye-uji",
        target_trees=10,
        starts_on=date(2020, 1, 1),
        ends_on=date(2020, 12, 31),
    )
    match = make_planting(
        status="verified", tree_count=4, planted_on=date(2020, 3, 1), community=community, campaign=campaign
    )
    make_planting(status="verified", tree_count=7, planted_on=date(2021, 3, 1), community=community, campaign=campaign)
    services.cluster_cells_rebuild()
    value = {
        "species": species.pk,
        "kecamatan": match.kecamatan_id,
        "community": community.pk,
        "campaign": campaign.pk,
    }[other]
    for zoom in (9, 11, 16):
        with CaptureQueriesContext(connection) as queries:
            data = client.get(URL, {"bbox": _bbox(REGENCY), "zoom": zoom, "year": 2020, other: value}).json()
        assert sum(f["properties"]["trees"] for f in data["features"]) == 4
        assert _planting_reads(queries) == []


def test_three_filters_are_clustered_on_request(client, make_planting, species):
    planting = make_planting(status="verified", tree_count=6)
    services.cluster_cells_rebuild()
    params = {"year": planting.planted_on.year, "species": species.pk, "kecamatan": planting.kecamatan_id}
    data = client.get(URL, {"bbox": _bbox(REGENCY), "zoom": 11, **params}).json()
    assert sum(f["properties"]["trees"] for f in data["features"]) == 6


def test_precomputed_key_encodes_year_pairs():
    assert clusters.precomputed_key({}) == (clusters.DIM_ALL, 0)
    assert clusters.precomputed_key({"year": 2024}) == (clusters.DIM_YEAR, 2024)
    assert clusters.precomputed_key({"year": 2024, "species": 7}) == (
        clusters.PAIR_DIM_OFFSET + clusters.DIM_SPECIES,
        7 * clusters.YEAR_SLOTS + 2024,
    )
    assert clusters.precomputed_key({"species": 7, "kecamatan": 3}) is None
    assert clusters.precomputed_key({"year": 2024, "species": -1}) is None
