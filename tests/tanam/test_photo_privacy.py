"""Nothing unverified is public: photos of pending and rejected plantings reach only the owner and
Diskominfo staff; a verified planting's renditions are published under an unguessable name and
withdrawn again when it is rejected; the old predictable URLs serve nothing."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse

from tanam import selectors, services
from tanam.models import Planting

SIZES = ("thumb", "card", "large")


@pytest.fixture
def planting_of(bob, spot, species, photo, django_capture_on_commit_callbacks):
    """planting_of(status): bob's planting with a photo and its renditions, moved to `status` by the services."""

    def make(status, *, staff=None):
        lat, lon = spot
        with django_capture_on_commit_callbacks(execute=True):
            planting = services.planting_register(
                user=bob,
                species=species,
                lat=lat,
                lon=lon,
                photo=photo(),
                planted_on=Planting._meta.get_field("planted_on").to_python("2024-01-01"),
            ).planting
        services.planting_renditions_build(planting_id=planting.pk)
        with django_capture_on_commit_callbacks(execute=True):
            if status == "verified":
                services.planting_verify(planting=planting, user=staff)
            elif status == "rejected":
                services.planting_reject(planting=planting, user=staff, reason="Foto bukan pohon.")
        planting.refresh_from_db()
        return planting

    return make


def _image_urls_on_detail(client, planting):
    html = client.get(reverse("tanam:detail", args=[planting.pk])).content.decode()
    return [url for url in re.findall(r'<img src="([^"]+)"', html) if not url.startswith("/static/")]


def _all_rendition_urls(planting):
    return [selectors.photo_url(planting, size, fmt) for size in SIZES for fmt in ("jpeg", "webp")]


def _loads_image(client, url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code == 200 and response["Content-Type"] in ("image/jpeg", "image/webp") and body


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_owner_sees_photos_of_a_non_public_planting_nobody_else_does(client, planting_of, bob, charlie, alice, status):
    planting = planting_of(status, staff=alice)
    client.force_login(bob)
    seen = _image_urls_on_detail(client, planting)
    assert seen, "the owner's page shows the photo"
    urls = set(seen) | set(_all_rendition_urls(planting))
    assert all(url.startswith(f"/tanam/penanaman/{planting.pk}/foto/") for url in urls)
    for url in urls:
        assert _loads_image(client, url), url
    client.force_login(alice)
    assert all(_loads_image(client, url) for url in urls)
    client.logout()
    assert {client.get(url).status_code for url in urls} == {404}
    client.force_login(charlie)
    assert {client.get(url).status_code for url in urls} == {404}
    assert not planting.published


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_old_predictable_urls_serve_nothing(client, planting_of, alice, status):
    planting = planting_of(status, staff=alice)
    public = storages["default"]
    old = [f"/media/tanam/rendisi/{planting.pk}/{size}.jpg" for size in SIZES] + [f"/media/{planting.photo.name}"]
    assert {client.get(url).status_code for url in old} == {404}
    assert not public.exists(planting.photo.name)
    assert not any(public.exists(f"tanam/rendisi/{planting.pk}/{size}.jpg") for size in SIZES)
    assert storages["private"].exists(planting.photo.name)


def test_verifying_publishes_renditions_under_an_unguessable_name(client, planting_of, alice):
    planting = planting_of("verified", staff=alice)
    assert set(planting.published) == set(SIZES)
    urls = _all_rendition_urls(planting)
    token = urls[0].split("/")[-2]
    assert all(url.startswith(f"/media/tanam/publik/{token}/") for url in urls)
    assert len(token) >= 24 and not any(f"/{planting.pk}/" in url for url in urls)
    for url in urls:
        assert _loads_image(client, url), url  # anonymous
    # The public map's pin links the same copy.
    point = planting.point
    bbox = f"{point.x - 0.001},{point.y - 0.001},{point.x + 0.001},{point.y + 0.001}"
    pins = client.get("/api/v1/tanam/clusters/", {"bbox": bbox, "zoom": 18}).json()["features"]
    assert [f["properties"]["photo"] for f in pins] == [selectors.photo_url(planting, "thumb")]


def test_rejecting_a_verified_planting_withdraws_its_photos(
    client, planting_of, alice, bob, django_capture_on_commit_callbacks
):
    planting = planting_of("verified", staff=alice)
    public_urls = _all_rendition_urls(planting)
    public_paths = [path for entry in planting.published.values() for path in entry.values()]
    with django_capture_on_commit_callbacks(execute=True):
        services.planting_reject(planting=planting, user=alice, reason="Titik salah.")
    planting.refresh_from_db()
    assert planting.published == {}
    assert not any(storages["default"].exists(path) for path in public_paths)
    assert {client.get(url).status_code for url in public_urls} == {404}
    # The owner's links switch back to the private view.
    client.force_login(bob)
    seen = _image_urls_on_detail(client, planting)
    assert seen and all(url.startswith(f"/tanam/penanaman/{planting.pk}/foto/") for url in seen)
    assert all(_loads_image(client, url) for url in seen)
    client.logout()
    assert {client.get(url).status_code for url in seen} == {404}


def test_verifying_again_publishes_under_a_new_name(client, planting_of, alice, django_capture_on_commit_callbacks):
    planting = planting_of("rejected", staff=alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.planting_verify(planting=planting, user=alice)
    planting.refresh_from_db()
    first = selectors.photo_url(planting)
    with django_capture_on_commit_callbacks(execute=True):
        services.planting_reject(planting=planting, user=alice, reason="Salah titik.")
    assert client.get(first).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        services.planting_verify(planting=planting, user=alice)
    planting.refresh_from_db()
    assert planting.published and selectors.photo_url(planting) != first


def test_photo_view_refuses_unknown_sizes_and_formats(client, planting_of, bob):
    planting = planting_of("pending")
    client.force_login(bob)
    for size, ext in (("huge", "jpg"), ("card", "png"), ("card", "gif")):
        assert client.get(reverse("tanam:photo", args=[planting.pk, size, ext])).status_code == 404


def test_observation_photos_are_private(client, planting_of, bob, photo):
    from datetime import date

    planting = planting_of("pending")
    observation = services.observation_add(
        planting=planting, user=bob, condition="alive", observed_on=date(2024, 6, 1), photo=photo()
    )
    assert storages["private"].exists(observation.photo.name)
    assert not storages["default"].exists(observation.photo.name)
    assert client.get(f"/media/{observation.photo.name}").status_code == 404


def test_upgrade_command_moves_old_public_files_and_publishes_verified_ones(client, make_planting, bob, settings):
    """A database from before this change: originals and renditions in public storage at predictable paths."""
    from blitar_portal.lib.images import image_demo

    public = storages["default"]
    legacy = {}
    for status in ("verified", "pending"):
        planting = make_planting(user=bob, status=status)
        original = public.save(f"tanam/foto/{bob.pk}-legacy-{status}.jpg", ContentFile(image_demo(text=status)))
        renditions = {}
        for size in SIZES:
            renditions[size] = {
                "jpeg": public.save(f"tanam/rendisi/{planting.pk}/{size}.jpg", ContentFile(image_demo(text=size))),
                "width": 100,
                "height": 75,
            }
        Planting.objects.filter(pk=planting.pk).update(photo=original, renditions=renditions)
        legacy[status] = planting
    old_urls = {s: f"/media/tanam/rendisi/{p.pk}/card.jpg" for s, p in legacy.items()}
    assert client.get(old_urls["pending"]).status_code == 200  # the leak this command closes

    call_command("photos_publish", stdout=io.StringIO())
    call_command("photos_publish", stdout=io.StringIO())  # idempotent

    for status, planting in legacy.items():
        planting.refresh_from_db()
        assert client.get(old_urls[status]).status_code == 404
        assert client.get(f"/media/{planting.photo.name}").status_code == 404
        assert storages["private"].exists(planting.renditions["card"]["jpeg"])
    assert _loads_image(client, selectors.photo_url(legacy["verified"], "card"))
    assert legacy["pending"].published == {}
    assert client.get(selectors.photo_url(legacy["pending"], "card")).status_code == 404
