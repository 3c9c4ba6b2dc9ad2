"""/ikm/cari/: full text + trigram typo tolerance, filters, hints, hostile query syntax."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ikm import selectors, services
from ikm.models import Category, Product, SearchWord
from ikm.templatetags.ikm_tags import highlight, options
from tests.factories import UserFactory

from .conftest import make_product, make_shop


@pytest.fixture
def catalogue(shop, other_shop):
    make_product(shop, name="Keripik Tempe Sagu")
    make_product(shop, name="Sambal Pecel Pedas", category=Category.objects.get(slug="bumbu-sambal"), price=20000)
    make_product(
        other_shop,
        name="Batik Tulis Kawung",
        category=Category.objects.get(slug="batik-tulis"),
        description="Kain batik tulis tangan.",
        price=350000,
    )
    return shop


def test_misspelt_query_finds_the_product(client, catalogue):
    response = client.get("/ikm/cari/", {"q": "kripik tempe"})
    assert response.status_code == 200
    assert "Keripik Tempe Sagu" in response.content.decode().replace("<mark>", "").replace("</mark>", "")
    assert "Batik Tulis Kawung" not in response.content.decode()


def test_matches_are_highlighted_and_escaped(client, catalogue):
    body = client.get("/ikm/cari/", {"q": "keripik"}).content.decode()
    assert "<mark>Keripik</mark> Tempe Sagu" in body


def test_description_words_are_found_with_indonesian_stemming(client, catalogue):
    body = client.get("/ikm/cari/", {"q": "tangan"}).content.decode()
    assert "Batik Tulis Kawung" in body.replace("<mark>", "").replace("</mark>", "")


def test_short_query_gets_a_hint_not_a_scan(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get("/ikm/cari/", {"q": "ke"})
    assert "Ketik minimal 3 huruf" in response.content.decode()


@pytest.mark.parametrize("q", ["'", "keripik & tempe", "!keripik", "kerip:*", "tempe' OR 1=1 --", "a & | ! ( ) : *"])
def test_tsquery_and_sql_syntax_is_harmless(client, catalogue, q):
    response = client.get("/ikm/cari/", {"q": q})
    assert response.status_code == 200


def test_filters_category_kecamatan_certification_and_price(client, catalogue):
    services.certification_save(shop=catalogue, kind="halal", number="ID3510000123", expires_on=None)
    body = client.get("/ikm/cari/", {"kategori": "makanan-minuman"}).content.decode()
    assert "Keripik Tempe Sagu" in body and "Sambal Pecel" in body and "Batik Tulis" not in body
    body = client.get("/ikm/cari/", {"sertifikat": "halal"}).content.decode()
    assert "Keripik Tempe Sagu" in body and "Batik Tulis" not in body
    body = client.get("/ikm/cari/", {"harga_min": 16000, "harga_max": 400000}).content.decode()
    assert "Sambal Pecel" in body and "Batik Tulis" in body and "Keripik Tempe Sagu" not in body
    body = client.get("/ikm/cari/", {"kecamatan": "kanigoro", "q": "batik"}).content.decode()
    assert "Tidak ada produk yang cocok" in body


def test_sort_by_price(client, catalogue):
    body = client.get("/ikm/cari/", {"urut": "harga-tertinggi"}).content.decode()
    assert body.index("Batik Tulis Kawung") < body.index("Sambal Pecel") < body.index("Keripik Tempe Sagu")


def test_unverified_and_suspended_shops_are_not_found(client, catalogue, db):
    hidden = make_shop(UserFactory(username="draf"), name="Toko Draf", verified=False)
    make_product(hidden, name="Keripik Rahasia")
    services.shop_suspend(shop=catalogue, reason="Diperiksa")
    body = client.get("/ikm/cari/", {"q": "keripik"}).content.decode()
    assert "Keripik Rahasia" not in body
    assert "Keripik Tempe Sagu" not in body


def test_inactive_products_are_not_found(client, catalogue):
    product = Product.objects.get(name="Keripik Tempe Sagu")
    services.product_update(product=product, is_active=False)
    assert "Keripik Tempe Sagu" not in client.get("/ikm/cari/", {"q": "keripik"}).content.decode()


def test_query_count_is_constant_in_the_number_of_results(client, catalogue):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get("/ikm/cari/", {"q": "keripik"})
        return len(ctx.captured_queries)

    before = count()
    for i in range(12):
        make_product(catalogue, name=f"Keripik Varian {i}")
    assert count() == before


def test_pagination(client, catalogue):
    for i in range(30):
        make_product(catalogue, name=f"Keripik Nomor {i}")
    first = client.get("/ikm/cari/", {"q": "keripik"}).content.decode()
    assert "Halaman 1 dari 2" in first
    second = client.get("/ikm/cari/", {"q": "keripik", "halaman": 2})
    assert second.status_code == 200 and "Halaman 2 dari 2" in second.content.decode()


def test_cached_results_follow_catalogue_changes(client, catalogue):
    assert "Keripik Tempe Sagu" in client.get("/ikm/cari/", {"q": "keripik"}).content.decode()
    make_product(catalogue, name="Keripik Talas Baru")
    body = client.get("/ikm/cari/", {"q": "keripik"}).content.decode()
    assert "Keripik Talas Baru" in body.replace("<mark>", "").replace("</mark>", "")
    services.shop_suspend(shop=catalogue, reason="Diperiksa")
    assert "Keripik Talas" not in client.get("/ikm/cari/", {"q": "keripik"}).content.decode()


def test_misspelt_words_are_corrected_against_the_catalogue_vocabulary(client, catalogue):
    # Product saves keep the vocabulary; the correction is said on the page and highlighted.
    assert SearchWord.objects.filter(word__in=["keripik", "tempe", "sambal"]).count() == 3
    body = client.get("/ikm/cari/", {"q": "kripik tempe"}).content.decode()
    assert "Ejaan disesuaikan: menampilkan hasil untuk “keripik tempe”." in body
    assert "Ejaan disesuaikan" not in client.get("/ikm/cari/", {"q": "keripik tempe"}).content.decode()
    body = client.get("/ikm/cari/", {"q": "sambel pecel"}).content.decode()
    assert "Ejaan disesuaikan: menampilkan hasil untuk “sambal pecel”." in body
    assert "<mark>Sambal</mark> <mark>Pecel</mark> Pedas" in body
    assert "Keripik Tempe" not in body


def test_a_results_page_costs_one_search_query_when_full_text_finds_it(catalogue):
    with CaptureQueriesContext(connection) as ctx:
        page = selectors.search_ids_page(q="keripik", number=1, per_page=24)
    searches = [q["sql"] for q in ctx.captured_queries if "ikm_product" in q["sql"]]
    assert len(searches) == 1 and "OVER ()" in searches[0]  # page and total in one query
    assert page.paginator.count == len(page.object_list) >= 1 and page.search_query == "keripik"


def test_a_page_past_the_last_shows_the_last_page(client, catalogue):
    for i in range(30):
        make_product(catalogue, name=f"Keripik Nomor {i}")
    body = client.get("/ikm/cari/", {"q": "keripik", "halaman": 9}).content.decode()
    assert "Halaman 2 dari 2" in body


def test_highlighting_leaves_escaped_markup_and_entities_alone():
    html = highlight('Keripik & <b>"tempe"</b>', ["keripik", "amp", "tempe"])
    assert html == "<mark>Keripik</mark> &amp; &lt;b&gt;&quot;<mark>tempe</mark>&quot;&lt;/b&gt;"


def test_filter_options_mark_the_chosen_value_and_escape_labels():
    html = options([("a", "Satu <1>"), ("b", "Dua")], "b")
    assert html == '<option value="a">Satu &lt;1&gt;</option><option value="b" selected>Dua</option>'


def test_shops_are_found_by_name_also_misspelt(client, catalogue):
    body = client.get("/ikm/cari/", {"q": "kripik sri"}).content.decode()
    assert 'id="toko-h"' in body and ">Keripik Bu Sri</a>" in body


def test_no_correction_is_announced_when_nothing_is_found(client, catalogue):
    body = client.get("/ikm/cari/", {"q": "kripik", "kecamatan": "wlingi"}).content.decode()
    assert "Tidak ada produk yang cocok" in body and "Ejaan disesuaikan" not in body
