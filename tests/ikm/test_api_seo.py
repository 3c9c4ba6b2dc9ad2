"""API (read-only, paginated, in the schema), sitemaps, home summary and dashboard selectors."""

import datetime

from django.utils import timezone

from ikm import dashboard, selectors, services
from ikm.models import Category
from tests.factories import UserFactory

from .conftest import make_product, make_shop


def test_products_api_searches_and_paginates(client, product, other_product):
    data = client.get("/api/v1/ikm/products/", {"q": "kripik tempe"}).json()
    assert data["count"] == 1
    item = data["results"][0]
    assert item["name"] == "Keripik Tempe Sagu"
    assert item["price"] == 15000 and item["price_label"] == "Rp 15.000"
    assert item["shop"] == product.shop.slug
    assert set(data) >= {"count", "next", "previous", "results"}


def test_api_short_query_is_a_clear_400(client, product):
    response = client.get("/api/v1/ikm/products/", {"q": "ke"})
    assert response.status_code == 400
    body = response.json()
    assert "minimal 3 huruf" in body["detail"] and body["errors"]["q"] == [body["detail"]]


def test_api_hides_unverified_shops_and_their_products(client, product):
    hidden = make_shop(UserFactory(username="tersembunyi"), name="Toko Tersembunyi", verified=False)
    secret = make_product(hidden, name="Produk Tersembunyi")
    shops = [s["slug"] for s in client.get("/api/v1/ikm/shops/").json()["results"]]
    assert product.shop.slug in shops and hidden.slug not in shops
    assert client.get(f"/api/v1/ikm/products/{secret.slug}/").status_code == 404
    assert client.get(f"/api/v1/ikm/shops/{hidden.slug}/").status_code == 404


def test_api_paths_are_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/ikm/shops/" in schema and "/api/v1/ikm/products/" in schema


def test_sitemap_lists_public_products_and_shops(client, product):
    hidden = make_shop(UserFactory(username="draf3"), name="Toko Draf Tiga", verified=False)
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-ikm-produk.xml" in index and "sitemap-ikm-toko.xml" in index
    products = client.get("/sitemap-ikm-produk.xml").content.decode()
    assert f"/ikm/produk/{product.slug}/" in products
    shops = client.get("/sitemap-ikm-toko.xml").content.decode()
    assert f"/ikm/toko/{product.shop.slug}/" in shops and hidden.slug not in shops


def test_home_summary_counts_verified_shops_and_public_products(product, other_product):
    make_shop(UserFactory(username="draf4"), name="Draf", verified=False)
    assert dashboard.home_summary() == {"ikm_online": 2, "products": 2}


def test_home_page_shows_the_ikm_figure(client, product):
    body = client.get("/").content.decode()
    assert 'data-testid="ikm-online">1<' in body


def test_dashboard_selectors(shop, product, other_shop):
    today = timezone.localdate()
    services.certification_save(shop=shop, kind="halal", number="H-1", expires_on=today + datetime.timedelta(10))
    services.growth_report_create(
        shop=shop,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 6, 30),
        output=1000,
        capacity=200,
        unit="pcs",
        workers=5,
        omzet=50_000_000,
    )
    per_kec = {row["name"]: row["n"] for row in selectors.shops_per_kecamatan()}
    assert per_kec["Kanigoro"] == 1 and per_kec["Wlingi"] == 1
    sectors = {row["sector"]: row["n"] for row in dashboard.online_per_sector_and_kecamatan()}
    assert sectors == {"10": 1, "13": 1}
    totals = selectors.growth_report_totals()
    assert totals[0]["omzet"] == 50_000_000 and totals[0]["shops"] == 1
    assert [c.number for c in selectors.certifications_expiring()] == ["H-1"]


def test_categories_count_products_of_children(product):
    roots = {c.slug: c.product_count for c in selectors.categories_with_counts()}
    assert roots["makanan-minuman"] == 1
    assert Category.objects.get(slug="keripik-camilan").parent.slug == "makanan-minuman"


def test_demo_seed_is_idempotent(db, monkeypatch):
    import io

    from ikm import demo
    from ikm.models import Product, Shop

    monkeypatch.setattr(demo, "_counts", lambda scale: (3, 2))  # tiny; real sizes run in `seed_demo`
    demo.seed(scale=1, stdout=io.StringIO())
    counts = (Shop.objects.count(), Product.objects.count())
    demo.seed(scale=1, stdout=io.StringIO())
    assert counts == (Shop.objects.count(), Product.objects.count()) == (3, 6)
    assert Product.objects.filter(search_vector__isnull=False).count() == 6


def test_daily_activity_per_kecamatan(product):
    services.product_stat_increment(product_id=product.pk, field="views")
    services.inquiry_create(product=product, buyer_name="B", buyer_phone="081234567890", quantity=1, message="x")
    today = timezone.localdate()
    activity = selectors.daily_activity(since=today - datetime.timedelta(days=7))
    kec = product.shop.kecamatan_id
    assert "verified" not in activity  # verified shops per day come from verified_per_day
    assert activity["products"] == [{"day": today, "kecamatan_id": kec, "n": 1}]
    assert activity["inquiries"] == [{"day": today, "kecamatan_id": kec, "n": 1}]
    assert activity["views"] == [{"day": today, "kecamatan_id": kec, "n": 1}]
    assert activity["wa_clicks"] == [{"day": today, "kecamatan_id": kec, "n": 0}]


def test_every_public_read_agrees_on_what_is_public(client, shop):
    """An active product of a verified shop is in every public read (pages, API, sitemaps, search,
    counts, photos); an inactive product, a suspended shop's and a pending shop's are in none."""
    from django.contrib.auth.models import AnonymousUser

    from ikm.models import ProductPhoto

    public = make_product(shop, name="Keripik Tempe Umum")
    inactive = make_product(shop, name="Keripik Tempe Disimpan", is_active=False)
    suspended_shop = make_shop(UserFactory(username="tangguh"), name="Toko Ditangguhkan")
    suspended = make_product(suspended_shop, name="Keripik Tempe Tangguh")
    services.shop_suspend(shop=suspended_shop, reason="Foto produk tidak sesuai.")
    pending_shop = make_shop(UserFactory(username="menunggu"), name="Toko Menunggu", verified=False)
    pending = make_product(pending_shop, name="Keripik Tempe Tunggu")
    hidden = [inactive, suspended, pending]
    for product in [public, *hidden]:
        ProductPhoto.objects.create(product=product, original="ikm/originals/x.jpg")

    assert list(selectors.public_shops().order_by("pk").values_list("slug", flat=True)) == [shop.slug]
    assert list(selectors.public_product_rows().values_list("slug", flat=True)) == [public.slug]

    # Pages
    assert client.get(f"/ikm/produk/{public.slug}/").status_code == 200
    assert client.get(f"/ikm/toko/{shop.slug}/").status_code == 200
    for product in hidden:
        assert client.get(f"/ikm/produk/{product.slug}/").status_code == 404
    for other in (suspended_shop, pending_shop):
        assert client.get(f"/ikm/toko/{other.slug}/").status_code == 404
    front = client.get("/ikm/").context
    assert (front["ikm_online"], front["product_count"]) == (1, 1)
    search_page = client.get("/ikm/cari/", {"q": "keripik tempe"}).content.decode()
    assert public.name in search_page and not any(p.name in search_page for p in hidden)

    # API
    assert [s["slug"] for s in client.get("/api/v1/ikm/shops/").json()["results"]] == [shop.slug]
    found = client.get("/api/v1/ikm/products/", {"q": "keripik tempe"}).json()["results"]
    assert [p["slug"] for p in found] == [public.slug]
    assert client.get(f"/api/v1/ikm/products/{public.slug}/").status_code == 200
    for product in hidden:
        assert client.get(f"/api/v1/ikm/products/{product.slug}/").status_code == 404
    for other in (suspended_shop, pending_shop):
        assert client.get(f"/api/v1/ikm/shops/{other.slug}/").status_code == 404

    # Sitemaps
    products_map = client.get("/sitemap-ikm-produk.xml").content.decode()
    assert f"/ikm/produk/{public.slug}/" in products_map
    assert not any(f"/ikm/produk/{p.slug}/" in products_map for p in hidden)
    shops_map = client.get("/sitemap-ikm-toko.xml").content.decode()
    assert f"/ikm/toko/{shop.slug}/" in shops_map
    assert suspended_shop.slug not in shops_map and pending_shop.slug not in shops_map

    # Search, counts, photos
    assert [p.slug for p in selectors.search_products(q="keripik tempe")] == [public.slug]
    assert [p.slug for p in selectors.search_products_unindexed("keripik tempe")] == [public.slug]
    assert [s["slug"] for s in selectors.search_shops("keripik")] == [shop.slug]
    assert [s["slug"] for s in selectors.search_shops("toko")] == []
    assert dashboard.home_summary() == {"ikm_online": 1, "products": 1}
    assert {c.slug: c.product_count for c in selectors.categories_with_counts()}["makanan-minuman"] == 1
    assert sum(row["n"] for row in selectors.shops_per_kecamatan()) == 1
    visible = selectors.photos_visible_to(AnonymousUser()).values_list("product_id", flat=True)
    assert list(visible) == [public.pk]
    assert list(selectors.shops_visible_to(AnonymousUser()).values_list("pk", flat=True)) == [shop.pk]
