"""Product photos: the image pipeline, renditions by the real Celery worker, limits, private originals."""

import io
import time

import pytest
from django.core.files.storage import storages
from PIL import Image

from ikm.models import MAX_PHOTOS, ProductPhoto
from ikm.templatetags.ikm_tags import rendition_url
from tests.factories import UserFactory

from .conftest import jpeg_bytes, make_product, make_shop, upload


def _wait_ready(photo, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        photo.refresh_from_db()
        if photo.status != ProductPhoto.Status.PROCESSING:
            return photo
        time.sleep(0.2)
    raise AssertionError("photo still processing")


@pytest.mark.celery
def test_upload_makes_renditions_in_the_worker(client, celery_worker):
    from blitar_portal.accounts.roles import IKM_OWNER

    owner = UserFactory(username="fotografer", groups=[IKM_OWNER])
    product = make_product(make_shop(owner))
    client.force_login(owner)
    response = client.post(
        f"/ikm/toko-saya/produk/{product.pk}/foto/",
        {"photo": upload("tempe.jpg", jpeg_bytes((1600, 1200))), "alt_text": "Keripik dalam kemasan"},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.json() == {"ok": True, "errors": []}
    photo = _wait_ready(ProductPhoto.objects.get(product=product))
    assert photo.status == "ready"
    assert set(photo.renditions) == {"thumb", "card", "large"}
    with storages["private"].open(photo.renditions["large"]["webp"]) as handle:
        image = Image.open(io.BytesIO(handle.read()))
        assert image.format == "WEBP" and max(image.size) == 1280
    assert photo.renditions["thumb"]["width"] == 160
    # The original stays private: the owner downloads it, the public page shows renditions only.
    original = client.get(f"/ikm/toko-saya/foto/{photo.pk}/asli/")
    assert original.status_code == 200 and b"".join(original.streaming_content) == jpeg_bytes((1600, 1200))
    body = client.get(f"/ikm/produk/{product.slug}/").content.decode()
    # The shop is verified: the worker published the renditions under a random public name.
    assert rendition_url(photo, "large", "webp").startswith("/media/ikm/publik/")
    assert rendition_url(photo, "large", "webp") in body
    assert photo.original.name not in body and photo.renditions["large"]["webp"] not in body


@pytest.mark.django_db(transaction=True)
def test_broker_down_the_upload_is_saved_and_the_beat_sweep_renders_it(client, broker_down):
    from datetime import timedelta

    from blitar_portal.accounts.roles import IKM_OWNER
    from ikm import services

    owner = UserFactory(username="fotografer", groups=[IKM_OWNER])
    product = make_product(make_shop(owner))
    client.force_login(owner)
    response = client.post(
        f"/ikm/toko-saya/produk/{product.pk}/foto/",
        {"photo": upload("tempe.jpg", jpeg_bytes((800, 600))), "alt_text": "Keripik"},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.json() == {"ok": True, "errors": []}
    photo = ProductPhoto.objects.get(product=product)
    assert photo.status == "processing"  # the render task was lost with the broker
    assert services.product_photos_render_pending() == 0  # a fresh upload may still be in a queue
    assert services.product_photos_render_pending(older_than=timedelta(0)) == 1
    photo.refresh_from_db()
    assert photo.status == "ready" and set(photo.renditions) == {"thumb", "card", "large"}


def test_photo_is_processing_until_the_renditions_exist(client, owner, product):
    client.force_login(owner)
    photo = ProductPhoto.objects.create(product=product, original="ikm/originals/wait.jpg")
    body = client.get(f"/ikm/toko-saya/produk/{product.pk}/").content.decode()
    assert "Foto sedang diproses" in body
    assert photo.status == "processing"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a not allowed", "Berkas bukan foto JPEG, PNG, atau WebP."),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "Berkas foto rusak atau tidak dapat dibaca."),
        (b"", "Berkas foto kosong."),
    ],
)
def test_bad_files_are_rejected_with_a_clear_message(client, owner, product, data, message):
    client.force_login(owner)
    response = client.post(
        f"/ikm/toko-saya/produk/{product.pk}/foto/",
        {"photo": upload("foto.jpg", data=data)},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 400
    assert any(message in e for e in response.json()["errors"]) or "kosong" in str(response.json())
    assert not ProductPhoto.objects.exists()


def test_oversized_and_bomb_images_are_rejected(client, owner, product, settings):
    client.force_login(owner)
    settings.MAX_UPLOAD_IMAGE_BYTES = 2000
    big = client.post(
        f"/ikm/toko-saya/produk/{product.pk}/foto/",
        {"photo": upload("besar.jpg", jpeg_bytes((400, 400), (1, 2, 3)) + b"\0" * 5000)},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert "terlalu besar" in str(big.json()["errors"])
    settings.MAX_UPLOAD_IMAGE_BYTES = 8 * 1024 * 1024
    settings.MAX_IMAGE_PIXELS = 10_000
    bomb = client.post(
        f"/ikm/toko-saya/produk/{product.pk}/foto/",
        {"photo": upload("bom.png", _png((400, 400)))},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert "Dimensi foto terlalu besar" in str(bomb.json()["errors"])
    assert not ProductPhoto.objects.exists()


def _png(size):
    out = io.BytesIO()
    Image.new("RGB", size).save(out, "PNG")
    return out.getvalue()


def test_at_most_eight_photos(client, owner, product):
    for i in range(MAX_PHOTOS):
        ProductPhoto.objects.create(product=product, position=i, original=f"ikm/originals/n{i}.jpg")
    client.force_login(owner)
    response = client.post(
        f"/ikm/toko-saya/produk/{product.pk}/foto/", {"photo": upload()}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert "Paling banyak 8 foto per produk." in response.json()["errors"]


def test_reorder_and_remove(client, owner, product):
    a = ProductPhoto.objects.create(product=product, position=1, original="ikm/originals/a.jpg")
    b = ProductPhoto.objects.create(product=product, position=2, original="ikm/originals/b.jpg")
    client.force_login(owner)
    client.post(f"/ikm/toko-saya/foto/{b.pk}/", {"action": "up"})
    assert list(product.photos.values_list("pk", flat=True)) == [b.pk, a.pk]
    client.post(f"/ikm/toko-saya/foto/{a.pk}/", {"action": "alt", "alt_text": "Kemasan depan"})
    a.refresh_from_db()
    assert a.alt_text == "Kemasan depan"
    client.post(f"/ikm/toko-saya/foto/{b.pk}/", {"action": "delete"})
    assert list(product.photos.values_list("pk", flat=True)) == [a.pk]
