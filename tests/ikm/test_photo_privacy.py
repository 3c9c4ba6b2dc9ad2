"""Nothing unverified is public: photos of draft, pending and suspended shops (and of inactive products)
reach only the owner and Diskominfo staff; verifying a shop publishes its photos under unguessable
names, suspending it withdraws them; the old predictable URLs serve nothing."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command

from ikm import services
from ikm.models import ProductPhoto, Shop
from ikm.templatetags.ikm_tags import rendition_url

from .conftest import make_product, make_shop, upload

SIZES = ("thumb", "card", "large")


def _add_photo(product):
    """A photo through the real upload service, its renditions made here (as the worker would)."""
    photo = services.product_photo_add(product=product, file=upload(), alt_text="Kemasan")
    services.product_photo_render(photo_id=photo.pk)
    photo.refresh_from_db()
    return photo


def _all_urls(photo):
    return {rendition_url(photo, size, fmt) for size in SIZES for fmt in ("jpeg", "webp")}


def _urls_on_owner_page(client, product):
    html = client.get(f"/ikm/toko-saya/produk/{product.pk}/").content.decode()
    return set(re.findall(r'(?:src|srcset)="(/[^"]+\.(?:jpg|webp))"', html))


def _loads_image(client, url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code == 200 and response["Content-Type"] in ("image/jpeg", "image/webp") and bool(body)


def _shop_in(status, owner, alice):
    shop = make_shop(owner, verified=False)
    product = make_product(shop)
    photo = _add_photo(product)
    if status == "menunggu":
        services.shop_submit(shop=shop)
    elif status == "ditangguhkan":
        services.shop_verify(shop=shop)
        services.shop_suspend(shop=shop, reason="Foto tidak sesuai.")
    shop.refresh_from_db()
    assert shop.status == status
    return shop, product, photo


@pytest.mark.parametrize("status", ["draft", "menunggu", "ditangguhkan"])
def test_photos_of_a_non_public_shop_reach_only_owner_and_staff(
    client, owner, other_owner, bob, alice, status, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _shop, product, photo = _shop_in(status, owner, alice)
    photo.refresh_from_db()
    assert photo.published == {}
    client.force_login(owner)
    seen = _urls_on_owner_page(client, product)
    assert seen, "the owner's page shows the photo"
    urls = seen | _all_urls(photo)
    assert all(url.startswith(f"/ikm/foto/{photo.pk}/") for url in urls)
    assert all(_loads_image(client, url) for url in urls)
    client.force_login(alice)
    assert all(_loads_image(client, url) for url in urls)
    for other in (other_owner, bob):
        client.force_login(other)
        assert {client.get(url).status_code for url in urls} == {404}
    client.logout()
    assert {client.get(url).status_code for url in urls} == {404}
    old = [f"/media/ikm/photos/{photo.pk}/{size}.{ext}" for size in SIZES for ext in ("jpg", "webp")]
    assert {client.get(url).status_code for url in old} == {404}
    assert not storages["default"].exists(f"ikm/photos/{photo.pk}/large.jpg")


def test_inactive_product_of_a_verified_shop_is_private(client, owner, shop, bob, django_capture_on_commit_callbacks):
    product = make_product(shop)
    with django_capture_on_commit_callbacks(execute=True):
        photo = _add_photo(product)
    photo.refresh_from_db()
    public_paths = [path for entry in photo.published.values() for path in entry.values()]
    assert public_paths
    with django_capture_on_commit_callbacks(execute=True):
        services.product_update(product=product, is_active=False)
    photo.refresh_from_db()
    assert photo.published == {}
    assert not any(storages["default"].exists(path) for path in public_paths)
    client.force_login(bob)
    assert {client.get(url).status_code for url in _all_urls(photo)} == {404}
    client.force_login(owner)
    assert all(_loads_image(client, url) for url in _urls_on_owner_page(client, product))


def test_verifying_publishes_and_suspending_withdraws(client, owner, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        shop, product, photo = _shop_in("menunggu", owner, alice)
        services.shop_verify(shop=shop)
    photo.refresh_from_db()
    assert set(photo.published) == set(SIZES)
    urls = _all_urls(photo)
    token = next(iter(urls)).split("/")[-2]
    assert all(url.startswith(f"/media/ikm/publik/{token}/") for url in urls)
    assert len(token) >= 24 and not any(f"/{photo.pk}/" in url for url in urls)
    assert all(_loads_image(client, url) for url in urls)  # anonymous
    page = client.get(f"/ikm/produk/{product.slug}/").content.decode()
    assert rendition_url(photo, "large") in page
    api = client.get(f"/api/v1/ikm/products/{product.slug}/").json()
    assert api["photos"][0]["card"] == rendition_url(photo, "card")

    with django_capture_on_commit_callbacks(execute=True):
        services.shop_suspend(shop=shop, reason="NIB tidak cocok.")
    photo.refresh_from_db()
    assert photo.published == {}
    assert {client.get(url).status_code for url in urls} == {404}
    client.force_login(owner)
    seen = _urls_on_owner_page(client, product)
    assert seen and all(url.startswith(f"/ikm/foto/{photo.pk}/") for url in seen)
    assert all(_loads_image(client, url) for url in seen)

    with django_capture_on_commit_callbacks(execute=True):
        services.shop_restore(shop=shop)
    photo.refresh_from_db()
    assert photo.published and next(iter(_all_urls(photo))).split("/")[-2] != token  # a new name


def test_public_photo_is_served_while_its_copies_are_being_made(client, owner, shop):
    """Between a verification and its publication the helper links the private view, which then
    serves everyone: a public page never shows a broken image."""
    product = make_product(shop)
    photo = _add_photo(product)
    ProductPhoto.objects.filter(pk=photo.pk).update(published={})  # the copies are not made yet
    photo.refresh_from_db()
    url = rendition_url(photo, "card")
    assert url.startswith(f"/ikm/foto/{photo.pk}/") and _loads_image(client, url)


def test_deleting_a_photo_removes_its_public_copies(owner, shop, django_capture_on_commit_callbacks):
    product = make_product(shop)
    with django_capture_on_commit_callbacks(execute=True):
        photo = _add_photo(product)
    photo.refresh_from_db()
    paths = [path for entry in photo.published.values() for path in entry.values()]
    private = [entry["jpeg"] for entry in photo.renditions.values()]
    with django_capture_on_commit_callbacks(execute=True):
        services.product_photo_delete(photo=photo)
    assert not any(storages["default"].exists(path) for path in paths)
    assert not any(storages["private"].exists(path) for path in private)


def test_upgrade_command_moves_old_renditions_and_publishes_public_ones(client, owner, other_owner):
    """A database from before this change: renditions in public storage at ikm/photos/<id>/…"""
    from blitar_portal.lib.images import image_demo

    public = storages["default"]
    shops = {"public": make_shop(owner), "draft": make_shop(other_owner, name="Batik Dewi", verified=False)}
    photos = {}
    for key, shop in shops.items():
        photo = ProductPhoto.objects.create(
            product=make_product(shop, name=f"Produk {key}"), original="ikm/originals/x.jpg", status="ready"
        )
        renditions = {}
        for size in SIZES:
            path = f"ikm/photos/{photo.pk}/{size}.jpg"
            if public.exists(path):
                public.delete(path)
            renditions[size] = {"jpeg": public.save(path, ContentFile(image_demo(text=size))), "width": 10}
        ProductPhoto.objects.filter(pk=photo.pk).update(renditions=renditions)
        photos[key] = photo
        logo = f"ikm/logo/legacy-{shop.pk}.jpg"
        if public.exists(logo):
            public.delete(logo)
        Shop.objects.filter(pk=shop.pk).update(logo=public.save(logo, ContentFile(image_demo(text="logo"))))
    old = {key: f"/media/ikm/photos/{photo.pk}/card.jpg" for key, photo in photos.items()}
    assert client.get(old["draft"]).status_code == 200  # the leak the command closes

    call_command("photos_publish", stdout=io.StringIO())
    call_command("photos_publish", stdout=io.StringIO())  # idempotent

    for key, photo in photos.items():
        photo.refresh_from_db()
        assert client.get(old[key]).status_code == 404
        assert storages["private"].exists(photo.renditions["card"]["jpeg"])
    assert photos["public"].published and _loads_image(client, rendition_url(photos["public"], "card"))
    assert photos["draft"].published == {}
    assert client.get(rendition_url(photos["draft"], "card")).status_code == 404
    from ikm.templatetags.ikm_tags import shop_image_url

    for shop in shops.values():
        shop.refresh_from_db()
        assert client.get(f"/media/{shop.logo.name}").status_code == 404
        assert storages["private"].exists(shop.logo.name)
    assert _loads_image(client, shop_image_url(shops["public"], "logo"))
    assert client.get(shop_image_url(shops["draft"], "logo")).status_code == 404


def test_demo_seed_publishes_photos_of_public_shops_only(db, client, monkeypatch):
    from ikm import demo

    monkeypatch.setattr(demo, "_counts", lambda scale: (12, 1))  # shop 7 waits, shop 11 is suspended
    demo.seed(scale=1, stdout=io.StringIO())
    photos = ProductPhoto.objects.select_related("product__shop")
    for photo in photos:
        url = rendition_url(photo, "card")
        if photo.product.shop.status == Shop.Status.VERIFIED:
            assert url.startswith("/media/ikm/demo/publik/") and _loads_image(client, url)
        else:
            assert photo.published == {} and client.get(url).status_code == 404
    assert {p.product.shop.status for p in photos} == {"terverifikasi", "menunggu", "ditangguhkan"}
    assert not storages["default"].exists(photos[0].renditions["card"]["jpeg"])


def test_logo_and_banner_are_private_until_the_shop_is_verified(
    client, owner, bob, alice, django_capture_on_commit_callbacks
):
    from ikm.templatetags.ikm_tags import shop_image_url

    with django_capture_on_commit_callbacks(execute=True):
        shop = make_shop(owner, verified=False, logo=upload("logo.png"), banner=upload("banner.jpg"))
    shop.refresh_from_db()
    assert shop.published_images == {}
    client.force_login(owner)
    html = client.get("/ikm/toko-saya/profil/").content.decode()
    logo = shop_image_url(shop, "logo")
    assert logo == f"/ikm/gambar-toko/{shop.pk}/logo.jpg" and logo in html
    urls = {logo, shop_image_url(shop, "banner")}
    assert all(_loads_image(client, url) for url in urls)
    client.force_login(alice)
    assert all(_loads_image(client, url) for url in urls)
    client.force_login(bob)
    assert {client.get(url).status_code for url in urls} == {404}
    client.logout()
    assert {client.get(url).status_code for url in urls} == {404}
    assert client.get(f"/media/{shop.logo.name}").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        services.shop_verify(shop=shop)
    shop.refresh_from_db()
    public = {shop_image_url(shop, "logo"), shop_image_url(shop, "banner")}
    assert all(url.startswith("/media/ikm/publik/") for url in public)
    assert all(_loads_image(client, url) for url in public)
    page = client.get(f"/ikm/toko/{shop.slug}/").content.decode()
    assert all(url in page for url in public)

    with django_capture_on_commit_callbacks(execute=True):
        services.shop_suspend(shop=shop, reason="NIB tidak cocok.")
    shop.refresh_from_db()
    assert shop.published_images == {}
    assert {client.get(url).status_code for url in public | urls} == {404}
