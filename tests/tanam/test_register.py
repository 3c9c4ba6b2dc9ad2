"""/tanam/daftar/: registering a planting, and every kind of bad input changing nothing."""

import io
from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tanam.models import Planting

URL = reverse("tanam:register")


@pytest.fixture
def post(client, bob, species):
    client.force_login(bob)

    def do(lat, lon, **extra):
        data = {
            "lat": lat,
            "lon": lon,
            "location_source": "map",
            "species": species.pk,
            "tree_count": 1,
            "planted_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
            **extra,
        }
        return client.post(URL, data, follow=True)

    return do


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.django_db(transaction=True)
def test_broker_down_the_registration_is_saved_and_no_500(post, spot, bob, photo, broker_down, caplog):
    with caplog.at_level("WARNING", logger="blitar_portal.lib.queue"):
        response = post(*spot, photo=photo())
    assert response.status_code == 200 and response.redirect_chain[-1][0] == reverse("tanam:mine")
    assert Planting.objects.get(user=bob).status == Planting.Status.PENDING
    assert "tanam.planting_renditions left to its periodic safety net" in caplog.text
    # The beat's sweep renders the photo whose task was lost.
    from tanam import services

    assert services.plantings_render_pending() == 0  # a fresh upload may still be in a queue
    assert services.plantings_render_pending(older_than=timedelta(0)) == 1
    assert set(Planting.objects.get(user=bob).renditions) == {"thumb", "card", "large"}


def test_form_shows_map_and_location_button(client, bob):
    client.force_login(bob)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="register-map"' in html
    assert "Gunakan lokasi saya" in html
    assert len(response.content) < 100_000


def test_valid_registration_is_pending_with_region_from_point(post, spot, desa, bob, photo):
    response = post(*spot, photo=photo())
    planting = Planting.objects.get(user=bob)
    assert planting.status == Planting.Status.PENDING
    assert planting.desa == desa and planting.kecamatan == desa.kecamatan
    assert response.redirect_chain[-1][0] == reverse("tanam:mine")
    page = response.content.decode()
    assert "menunggu verifikasi" in page.lower()
    assert "Menunggu verifikasi" in page


def test_stored_photo_has_no_exif(post, spot, bob, photo):
    post(*spot, photo=photo(gps=(-8.1, 112.2), taken_at=datetime(2025, 1, 2, 8, 0)))
    planting = Planting.objects.get(user=bob)
    with planting.photo.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
    assert not stored.getexif()


def _assert_rejected(response, text):
    assert response.status_code == 200
    assert text in response.content.decode()
    assert not Planting.objects.exists()


def test_outside_regency_is_rejected(post):
    _assert_rejected(post("-7.2575", "112.7521"), "di luar Kabupaten Blitar")  # Surabaya


def test_out_of_range_is_rejected(post):
    _assert_rejected(post("-95", "200"), "di luar rentang yang sah")


def test_non_numeric_is_rejected(post):
    _assert_rejected(post("abc", "112.2"), "harus berupa angka")


def test_swapped_coordinates_are_rejected(post, spot):
    lat, lon = spot
    _assert_rejected(post(lon, lat), "tertukar")


def test_future_date_is_rejected(post, spot):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    _assert_rejected(post(*spot, planted_on=tomorrow), "masa depan")


def test_missing_location_is_rejected(post):
    _assert_rejected(post("", ""), "Tentukan lokasi penanaman")


def test_duplicate_within_10_m_and_10_minutes_is_rejected(post, spot, bob):
    post(*spot)
    lat, lon = spot
    response = post(f"{float(lat) + 0.00003:.7f}", lon)  # ~3 m north
    assert "dalam jarak 10 m" in response.content.decode()
    assert Planting.objects.filter(user=bob).count() == 1


def test_same_spot_by_another_user_or_later_is_not_a_duplicate(post, spot, bob, make_planting, desa):
    lat, lon = spot
    other = make_planting(point=desa.geom.point_on_surface)
    assert other.user != bob
    old = make_planting(user=bob)
    Planting.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    post(lat, lon)
    assert Planting.objects.filter(user=bob).count() == 2


def test_non_image_photo_is_rejected(post, spot):
    fake = SimpleUploadedFile("pohon.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    _assert_rejected(post(*spot, photo=fake), "bukan foto")


def test_huge_photo_is_rejected(post, spot, settings):
    settings.MAX_UPLOAD_IMAGE_BYTES = 1024
    big = SimpleUploadedFile("besar.jpg", b"\xff\xd8\xff" + b"0" * 5000, content_type="image/jpeg")
    _assert_rejected(post(*spot, photo=big), "terlalu besar")


def test_decompression_bomb_photo_is_rejected(post, spot, settings):
    settings.MAX_IMAGE_PIXELS = 10_000
    out = io.BytesIO()
    Image.new("L", (400, 400)).save(out, "PNG")
    bomb = SimpleUploadedFile("bom.png", out.getvalue(), content_type="image/png")
    _assert_rejected(post(*spot, photo=bomb), "Dimensi foto terlalu besar")


def test_exif_gps_inside_regency_is_used_when_no_pin(post, spot, bob, photo):
    lat, lon = spot
    taken = datetime(2025, 6, 1, 7, 30)
    post("", "", planted_on="", photo=photo(gps=(float(lat), float(lon)), taken_at=taken))
    planting = Planting.objects.get(user=bob)
    assert planting.location_source == Planting.Source.EXIF
    assert abs(planting.point.y - float(lat)) < 1e-4
    assert planting.planted_on == taken.date()


def test_exif_gps_outside_regency_is_ignored_with_message(post, spot, bob, photo):
    response = post(*spot, photo=photo(gps=(-7.2575, 112.7521)))
    planting = Planting.objects.get(user=bob)
    assert planting.location_source == Planting.Source.MAP
    assert "GPS pada foto berada di luar Kabupaten Blitar" in response.content.decode()


def test_exif_gps_outside_regency_and_no_pin_saves_nothing(post, photo):
    response = post("", "", photo=photo(gps=(-7.2575, 112.7521)))
    _assert_rejected(response, "Tentukan lokasi penanaman")


def test_gps_accuracy_above_30_m_warns(post, spot, bob):
    response = post(*spot, location_source="gps", gps_accuracy_m="45")
    planting = Planting.objects.get(user=bob)
    assert planting.gps_accuracy_m == 45
    assert "Akurasi GPS 45 m" in response.content.decode()


def test_tree_count_zero_is_rejected(post, spot):
    _assert_rejected(post(*spot, tree_count=0), "Jumlah pohon minimal 1")
