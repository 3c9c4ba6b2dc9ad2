"""A shop opens with what a buyer needs; government data is asked for before verification;
a product's photos are chosen with it, several at once, each checked, nothing saved half-way."""

import pytest
from django.core.exceptions import ValidationError

from blitar_portal.regions.models import Kecamatan
from ikm import services
from ikm.models import Product, ProductPhoto, Shop
from tests.factories import UserFactory

from .conftest import make_product, make_shop, upload


def _opening(**overrides):
    data = {
        "name": "Batik Tulis Bu Ani",
        "story": "Batik tulis motif Blitar",
        "kecamatan": Kecamatan.objects.get(name__iexact="Kanigoro").pk,
        "whatsapp": "0812 3456 7890",
    }
    data.update(overrides)
    return data


def test_a_shop_opens_with_four_fields(client, owner):
    client.force_login(owner)
    page = client.get("/ikm/toko-saya/profil/").content.decode()
    assert "Apa yang Anda jual" in page and "boleh diisi nanti" in page
    response = client.post("/ikm/toko-saya/profil/", _opening())
    assert response.status_code == 302
    shop = Shop.objects.get(owner=owner)
    assert (shop.status, shop.nib, shop.kbli_sector, shop.address) == (Shop.Status.DRAFT, "", "", "")
    assert shop.story == "Batik tulis motif Blitar" and shop.workers == 1 and shop.monthly_capacity == 0


def test_opening_without_what_it_sells_is_explained_at_the_field(client, owner):
    client.force_login(owner)
    html = client.post("/ikm/toko-saya/profil/", _opening(story="")).content.decode()
    assert '<div class="error" id="id_story_error"><p>Tulis singkat apa yang Anda jual.</p></div>' in html
    assert 'value="Batik Tulis Bu Ani"' in html  # the other values are kept
    assert not Shop.objects.exists()


def test_submit_lists_everything_missing(db):
    shop = make_shop(
        UserFactory(username="ani"), verified=False, address="", nib="", kbli_sector="", monthly_capacity=0
    )
    with pytest.raises(ValidationError) as refused:
        services.shop_submit(shop=shop)
    assert refused.value.messages == [
        "Alamat usaha",
        "NIB (13 digit dari OSS)",
        "Sektor KBLI",
        "Kapasitas produksi per bulan",
        "Minimal satu produk",
    ]
    assert Shop.objects.get(pk=shop.pk).status == Shop.Status.DRAFT


def test_owner_submit_shows_the_list(client, owner):
    shop = make_shop(owner, verified=False, nib="", kbli_sector="")
    make_product(shop)
    client.force_login(owner)
    page = client.post("/ikm/toko-saya/ajukan/", follow=True).content.decode()
    assert "Toko belum dapat diajukan. Lengkapi dulu: NIB (13 digit dari OSS); Sektor KBLI." in page
    assert 'data-testid="verification-checklist"' in page


def _product_post(**overrides):
    from ikm.models import Category

    data = {
        "name": "Batik Tulis Kawung",
        "category": Category.objects.get(slug="keripik-camilan").pk,
        "price": "350000",
        "unit": "lembar",
        "min_order": "1",
        "monthly_capacity": "20",
        "stock_status": "tersedia",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_a_product_with_three_photos_at_once(client, owner, shop):
    client.force_login(owner)
    photos = [upload(f"kain-{i}.jpg") for i in range(3)]
    response = client.post("/ikm/toko-saya/produk/baru/", _product_post(photos=photos))
    assert response.status_code == 302
    product = Product.objects.get(shop=shop)
    assert list(product.photos.values_list("position", flat=True)) == [1, 2, 3]


def test_one_bad_file_saves_nothing_and_names_the_file(client, owner, shop):
    client.force_login(owner)
    photos = [upload("kain-1.jpg"), upload("surat.pdf", data=b"%PDF-1.4 not an image"), upload("kain-2.jpg")]
    html = client.post("/ikm/toko-saya/produk/baru/", _product_post(photos=photos)).content.decode()
    assert "surat.pdf: Berkas bukan foto JPEG, PNG, atau WebP." in html
    assert not Product.objects.exists() and not ProductPhoto.objects.exists()


def test_photos_are_kept_when_the_product_has_an_error(client, owner, shop):
    client.force_login(owner)
    photos = [upload(f"kain-{i}.jpg") for i in range(3)]
    html = client.post("/ikm/toko-saya/produk/baru/", _product_post(name="", photos=photos)).content.decode()
    assert not Product.objects.exists()
    tokens = [part.split('"')[0] for part in html.split('name="photos_held" value="')[1:]]
    assert len(tokens) == 3 and html.count("Foto sudah dipilih") == 3
    response = client.post("/ikm/toko-saya/produk/baru/", _product_post(photos_held=tokens))
    assert response.status_code == 302
    assert Product.objects.get(shop=shop).photos.count() == 3


def test_product_photos_add_checks_the_count_first(product):
    with pytest.raises(ValidationError) as refused:
        services.product_photos_add(product=product, files=[upload() for _ in range(9)])
    assert "Paling banyak 8 foto per produk." in refused.value.messages[0]
    assert not product.photos.exists()
