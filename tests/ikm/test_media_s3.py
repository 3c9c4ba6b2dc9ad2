"""IKM product photos on S3-compatible storage (moto on loopback): the upload is private in the
private bucket, the renditions are published to the public bucket when the shop is verified and
deleted from it when the shop is suspended."""

from django.core.files.storage import storages

from ikm import services
from ikm.templatetags.ikm_tags import rendition_url
from tests.tanam.test_media_s3 import PRIVATE_BUCKET, PUBLIC_BUCKET, anonymous_get, keys, s3, s3_media  # noqa: F401

from .conftest import make_product, make_shop, upload


def test_a_product_photo_is_private_until_the_shop_is_verified_and_withdrawn_on_suspension(
    client,
    s3_media,  # noqa: F811 - the fixture imported above
    owner,
    django_capture_on_commit_callbacks,
):
    server = s3_media
    shop = make_shop(owner, verified=False)
    product = make_product(shop)
    with django_capture_on_commit_callbacks(execute=True):
        photo = services.product_photo_add(product=product, file=upload(), alt_text="Kemasan")
    services.product_photo_render(photo_id=photo.pk)  # what the images worker does
    photo.refresh_from_db()

    private_keys = set(keys(server, PRIVATE_BUCKET))
    assert f"private/{photo.original.name}" in private_keys
    assert {f"private/{entry['jpeg']}" for entry in photo.renditions.values()} <= private_keys
    assert keys(server, PUBLIC_BUCKET) == []
    assert anonymous_get(f"{server.endpoint_url}/{PRIVATE_BUCKET}/private/{photo.original.name}")[0] == 403
    view_url = rendition_url(photo, "card", "jpeg")
    assert view_url == f"/ikm/foto/{photo.pk}/card.jpg"
    client.force_login(owner)
    assert client.get(view_url).status_code == 200
    client.logout()
    assert client.get(view_url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        services.shop_verify(shop=shop)
    photo.refresh_from_db()
    public_url = rendition_url(photo, "card", "jpeg")
    assert public_url.startswith(f"{server.endpoint_url}/{PUBLIC_BUCKET}/public/ikm/publik/")
    with storages["private"].open(photo.renditions["card"]["jpeg"], "rb") as handle:
        assert anonymous_get(public_url) == (200, handle.read())
    assert len(keys(server, PUBLIC_BUCKET)) == 6

    with django_capture_on_commit_callbacks(execute=True):
        services.shop_suspend(shop=shop, reason="Foto tidak sesuai.")
    photo.refresh_from_db()
    assert keys(server, PUBLIC_BUCKET) == []
    assert anonymous_get(public_url)[0] in (403, 404)
    assert rendition_url(photo, "card", "jpeg") == view_url
