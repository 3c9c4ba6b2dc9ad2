"""/tanam/daftar/ after an error: every value and the photo are kept, each message stands at its field."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from blitar_portal.lib import uploads
from blitar_portal.lib.media import private_storage
from tanam.models import Planting

URL = reverse("tanam:register")
OUTSIDE = ("-6.2000", "106.8166")  # Jakarta


@pytest.fixture
def data(species):
    return {
        "location_source": "map",
        "species": species.pk,
        "tree_count": 7,
        "planted_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "notes": "Di tepi sungai",
    }


def _held_token(html):
    match = re.search(r'name="photo_held" value="([^"]+)"', html)
    return match.group(1) if match else None


def _error_of(html, field):
    match = re.search(rf'<div class="error" id="id_{field}_error">(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


def test_outside_location_keeps_the_photo_and_puts_the_message_at_the_location(client, bob, data, photo, spot):
    client.force_login(bob)
    response = client.post(URL, {**data, "lat": OUTSIDE[0], "lon": OUTSIDE[1], "photo": photo()})
    html = response.content.decode()
    assert response.status_code == 200 and not Planting.objects.exists()
    assert "di luar Kabupaten Blitar" in _error_of(html, "lat")
    assert 'aria-describedby="id_lat_helptext id_lat_error"' in html
    assert "form-errors" not in html  # nothing left above the form
    # The location field stands inside the map's fieldset, right after the map.
    assert html.index('id="register-map"') < html.index('id="id_lat_error"') < html.index("</fieldset>")
    # Every value is back, the photo as "Foto sudah dipilih" with a thumbnail.
    assert 'value="7"' in html and "Di tepi sungai" in html
    assert "Foto sudah dipilih" in html and 'src="data:image/jpeg;base64,' in html
    token = _held_token(html)
    assert token
    # Sending again with a good point and without choosing the file: saved with the photo.
    again = client.post(URL, {**data, "lat": spot[0], "lon": spot[1], "photo_held": token})
    assert again.status_code == 302
    planting = Planting.objects.get(user=bob)
    assert planting.photo and planting.tree_count == 7
    assert uploads.held_open(token, holder=f"u{bob.pk}") is None  # released after the save


def test_a_held_photo_is_only_its_holders(client, bob, alice, data, photo, spot):
    client.force_login(bob)
    html = client.post(URL, {**data, "lat": OUTSIDE[0], "lon": OUTSIDE[1], "photo": photo()}).content.decode()
    token = _held_token(html)
    client.force_login(alice)
    response = client.post(URL, {**data, "lat": spot[0], "lon": spot[1], "photo_held": token})
    assert response.status_code == 200 and not Planting.objects.exists()
    assert "pilih lagi" in _error_of(response.content.decode(), "photo")


def test_a_bad_photo_is_refused_at_the_photo_field(client, bob, data, spot):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(bob)
    bad = SimpleUploadedFile("foto.jpg", b"not an image at all", content_type="image/jpeg")
    response = client.post(URL, {**data, "lat": spot[0], "lon": spot[1], "photo": bad})
    html = response.content.decode()
    assert "bukan foto" in _error_of(html, "photo")
    assert _held_token(html) is None and not Planting.objects.exists()


def test_do_not_use_the_held_photo(client, bob, data, photo, spot):
    client.force_login(bob)
    html = client.post(URL, {**data, "lat": OUTSIDE[0], "lon": OUTSIDE[1], "photo": photo()}).content.decode()
    token = _held_token(html)
    client.post(URL, {**data, "lat": spot[0], "lon": spot[1], "photo_held": token, "photo_drop": "1"})
    assert not Planting.objects.get(user=bob).photo


def test_future_date_message_at_the_date_field(client, bob, data, spot):
    client.force_login(bob)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    html = client.post(URL, {**data, "lat": spot[0], "lon": spot[1], "planted_on": future}).content.decode()
    assert "masa depan" in _error_of(html, "planted_on")


def test_held_files_are_purged_after_their_hours(client, bob, data, photo, settings, tmp_path):
    private = {**settings.STORAGES["private"], "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}}
    settings.STORAGES = {**settings.STORAGES, "private": private}
    client.force_login(bob)
    html = client.post(URL, {**data, "lat": OUTSIDE[0], "lon": OUTSIDE[1], "photo": photo()}).content.decode()
    token = _held_token(html)
    assert uploads.held_purge() == 0  # still fresh
    later = timezone.now() + timedelta(hours=settings.HELD_UPLOAD_HOURS + 2)
    assert uploads.held_purge(now=later) == 2  # the file and its thumbnail
    assert private_storage().listdir(uploads.FOLDER)[0]  # hour folders may stay; their files are gone
    assert uploads.held_open(token, holder=f"u{bob.pk}") is None


def test_observation_form_keeps_its_photo_after_an_error(client, bob, make_planting, photo):
    planting = make_planting(user=bob)
    client.force_login(bob)
    url = reverse("tanam:detail", args=[planting.pk])
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    html = client.post(url, {"observed_on": future, "condition": "alive", "photo": photo()}).content.decode()
    assert "masa depan" in _error_of(html, "observed_on")
    token = _held_token(html)
    assert token and "Foto sudah dipilih" in html
    today = timezone.localdate().isoformat()
    response = client.post(url, {"observed_on": today, "condition": "alive", "photo_held": token})
    assert response.status_code == 302
    assert planting.observations.get().photo


def test_the_offline_outbox_sends_a_held_photo_by_its_token(client, bob, data, photo, spot):
    """A photo held by the page before the signal went away travels as its token (outbox.js sends
    every field of the form), and register_send puts location messages at the same field."""
    import uuid

    client.force_login(bob)
    html = client.post(URL, {**data, "lat": OUTSIDE[0], "lon": OUTSIDE[1], "photo": photo()}).content.decode()
    token = _held_token(html)
    send = reverse("tanam:register-send")
    refused = client.post(send, {**data, "lat": OUTSIDE[0], "lon": OUTSIDE[1], "client_key": uuid.uuid4()})
    assert refused.status_code == 400 and "di luar Kabupaten Blitar" in refused.json()["errors"]["lat"][0]
    sent = client.post(send, {**data, "lat": spot[0], "lon": spot[1], "photo_held": token, "client_key": uuid.uuid4()})
    assert sent.status_code == 201
    assert Planting.objects.get(user=bob).photo
