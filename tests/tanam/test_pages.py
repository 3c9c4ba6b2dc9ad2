"""Public pages: land cover, communities, campaigns, leaderboard, outlines; sizes and empty states."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from tanam import services, services_community
from tanam.models import Campaign, Community


@pytest.fixture
def community(bob):
    community = Community.objects.create(name="Komunitas Uji Hijau", slug="komunitas-uji-hijau")
    services_community.membership_join(community=community, user=bob, listed=True)
    return community


@pytest.fixture
def campaign(community):
    return Campaign.objects.create(
        name="Penanaman Taman Tahura",
        slug="penanaman-taman-tahura",
        target_trees=100,
        starts_on=date(2024, 1, 1),
        ends_on=date(2024, 12, 31),
        organiser=community,
    )


def test_cover_page_empty_state(client):
    response = client.get(reverse("tanam:cover"))
    assert response.status_code == 200
    assert "Belum ada hasil perhitungan" in response.content.decode()


def test_cover_page_reads_stored_figures_and_documents_method(
    client, make_planting, desa, django_assert_max_num_queries
):
    make_planting(status="verified", planted_on=date(2018, 1, 1), tree_count=4)
    services.cover_refresh(desa_ids=[desa.pk])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("tanam:cover"))
    html = response.content.decode()
    assert response.status_code == 200
    assert desa.kecamatan.name in html
    assert "Metode dan keterbatasan" in html
    assert "EPSG:32749" in html
    assert len(response.content) < 100_000
    year = client.get(reverse("tanam:cover"), {"tahun": 2017, "tingkat": "desa"})
    assert year.context["year"] == 2017 and year.context["level"] == "desa"


def test_community_page_shows_members_rank_and_survival(client, community, make_planting, bob):
    make_planting(status="verified", community=community, tree_count=5, user=bob)
    make_planting(status="pending", community=community, tree_count=50)
    services.cluster_cells_rebuild()
    response = client.get(reverse("tanam:community", args=[community.slug]))
    html = response.content.decode()
    assert response.context["community"].trees == 5
    assert response.context["rank"] == 1
    assert bob.first_name in html
    listing = client.get(reverse("tanam:communities")).content.decode()
    assert "Komunitas Uji Hijau" in listing


def test_campaign_progress(client, campaign, make_planting):
    make_planting(status="verified", campaign=campaign, tree_count=25)
    services.cluster_cells_rebuild()
    response = client.get(reverse("tanam:campaign", args=[campaign.slug]))
    assert response.context["progress_percent"] == 25
    assert "25 dari target 100 pohon" in response.content.decode()
    assert "Penanaman Taman Tahura" in client.get(reverse("tanam:campaigns")).content.decode()


def test_unknown_community_and_campaign_are_404(client):
    assert client.get(reverse("tanam:community", args=["tidak-ada"])).status_code == 404
    assert client.get(reverse("tanam:campaign", args=["tidak-ada"])).status_code == 404


def test_leaderboard_per_kecamatan(client, make_planting, desa, community):
    make_planting(status="verified", tree_count=7, community=community)
    services.cluster_cells_rebuild()
    response = client.get(reverse("tanam:leaderboard"))
    row = response.context["rows"][0]
    assert row["kecamatan__name"] == desa.kecamatan.name and row["trees"] == 7
    assert row["top_community"] == community.name


def test_outlines_geojson(client):
    data = client.get(reverse("tanam:outlines")).json()
    assert len(data["kecamatan"]["features"]) == 22
    assert data["regency"]["features"]


def test_pages_in_english(client):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("tanam:cover"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200


def test_home_summary_canopy_from_current_year(make_planting, desa):
    from tanam.dashboard import home_summary

    assert home_summary()["canopy_percent"] is None
    make_planting(status="verified", planted_on=date(timezone.localdate().year - 3, 1, 1), tree_count=100)
    services.cover_refresh(desa_ids=[desa.pk])
    assert home_summary()["canopy_percent"] is not None


def test_sitemap_lists_tanam_pages(client, community):
    body = client.get("/sitemap-tanam.xml").content.decode()
    assert "/tanam/tutupan/" in body
    assert "komunitas-uji-hijau" in client.get("/sitemap-tanam-komunitas.xml").content.decode()


def test_nightly_refresh_creates_current_year_figures(make_planting, desa):
    from tanam.models import CoverStat

    make_planting(status="verified", planted_on=date(2019, 2, 1))
    services.cover_refresh_current_year()
    year = timezone.localdate().year
    assert CoverStat.objects.filter(level="desa", desa=desa, year=year, trees=1).exists()
    assert not CoverStat.objects.filter(year=year - 1).exists()
