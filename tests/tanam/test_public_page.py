"""The public page of a verified planting (`/tanam/pohon/<pk>/`, issue 16 point 4): anyone sees it,
shareable with Open Graph tags and a public photo; pending and rejected plantings stay private."""

import re
from html import unescape

import pytest
from django.urls import reverse

from tanam import selectors, services
from tanam.models import Planting


@pytest.fixture
def verified(bob, spot, species, photo, django_capture_on_commit_callbacks):
    """bob's planting with a photo and renditions, verified through the services (photos published)."""
    lat, lon = spot
    with django_capture_on_commit_callbacks(execute=True):
        planting = services.planting_register(
            user=bob,
            species=species,
            lat=lat,
            lon=lon,
            photo=photo(),
            tree_count=3,
            planted_on=Planting._meta.get_field("planted_on").to_python("2024-01-15"),
        ).planting
    services.planting_renditions_build(planting_id=planting.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.planting_verify(planting=planting, user=None)
    planting.refresh_from_db()
    return planting


def _meta(html, prop):
    found = re.search(rf'<meta property="{re.escape(prop)}" content="([^"]*)"', html)
    return unescape(found.group(1)) if found else None


def test_a_verified_planting_has_a_public_page_with_open_graph_tags(client, verified):
    response = client.get(reverse("tanam:public", args=[verified.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mahoni" in html and "15 Januari 2024" in html
    assert verified.desa.name in html and verified.kecamatan.name in html
    assert _meta(html, "og:title") == f"Mahoni di {verified.desa.name}"
    assert _meta(html, "og:url") == f"http://testserver/tanam/pohon/{verified.pk}/"
    image = _meta(html, "og:image")
    assert image == "http://testserver" + selectors.photo_url(verified, "large")
    assert client.get(image.removeprefix("http://testserver")).status_code == 200  # a public rendition
    assert "3 pohon Mahoni ditanam 15 Januari 2024" in _meta(html, "og:description")


def test_the_photo_timeline_shows_the_planting_photo_then_monitoring_photos(client, verified, bob, photo):
    import datetime

    services.observation_add(
        planting=verified,
        user=bob,
        condition="alive",
        observed_on=datetime.date(2024, 7, 1),
        height_m=1.2,
        photo=photo(),
    )
    services.observation_add(planting=verified, user=bob, condition="alive", observed_on=datetime.date(2024, 3, 1))
    html = client.get(reverse("tanam:public", args=[verified.pk])).content.decode()
    timeline = re.search(r'<ol class="photo-timeline">(.*?)</ol>', html, re.S).group(1)
    sources = re.findall(r'<img src="([^"]+)"', timeline)
    assert sources[0] == selectors.photo_url(verified, "card")
    observation = verified.observations.exclude(photo="").get()
    assert sources[1] == reverse("tanam:public-observation-photo", args=[verified.pk, observation.pk])
    assert "1 Jul 2024" in timeline and "1,2 m" in timeline
    photo_response = client.get(sources[1])
    assert photo_response.status_code == 200 and photo_response["Content-Type"] == "image/jpeg"
    assert "Pemeriksaan kelangsungan hidup" in html and "1 Mar 2024" in html


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_pending_and_rejected_plantings_have_no_public_page_for_anyone(client, bob, alice, make_planting, status):
    planting = make_planting(user=bob, status=status)
    url = reverse("tanam:public", args=[planting.pk])
    assert client.get(url).status_code == 404
    client.force_login(bob)  # not even the owner: the owner's page is /tanam/penanaman/<pk>/
    assert client.get(url).status_code == 404
    client.force_login(alice)
    assert client.get(url).status_code == 404


def test_monitoring_photos_of_a_pending_planting_stay_private(client, bob, make_planting, photo):
    import datetime

    planting = make_planting(user=bob, status="pending")
    observation = services.observation_add(
        planting=planting, user=bob, condition="alive", observed_on=datetime.date.today(), photo=photo()
    )
    url = reverse("tanam:public-observation-photo", args=[planting.pk, observation.pk])
    assert client.get(url).status_code == 404


def test_the_owner_page_links_to_the_public_page_once_verified(client, bob, verified, make_planting):
    client.force_login(bob)
    html = client.get(reverse("tanam:detail", args=[verified.pk])).content.decode()
    assert reverse("tanam:public", args=[verified.pk]) in html
    pending = make_planting(user=bob, status="pending")
    html = client.get(reverse("tanam:detail", args=[pending.pk])).content.decode()
    assert reverse("tanam:public", args=[pending.pk]) not in html


def test_the_public_page_in_english(client, verified):
    client.get("/bahasa/", {"language": "en", "next": "/"})
    html = client.get(reverse("tanam:public", args=[verified.pk])).content.decode()
    assert _meta(html, "og:title") == f"Mahoni in {verified.desa.name}"
    assert "Photos over time" in html and "Get directions" in html
