"""Sitemaps of the public catalogue (collected by /sitemap.xml; 50,000 URLs per page)."""

from django.contrib.sitemaps import Sitemap

from .selectors import public_product_rows, public_shops


class IkmProductSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6
    limit = 50_000

    def items(self):
        return public_product_rows().only("slug", "updated_at").order_by("pk")

    def location(self, item):
        return f"/ikm/produk/{item.slug}/"

    def lastmod(self, item):
        return item.updated_at


class IkmShopSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.7
    limit = 50_000

    def items(self):
        return public_shops().only("slug", "updated_at").order_by("pk")

    def location(self, item):
        return f"/ikm/toko/{item.slug}/"

    def lastmod(self, item):
        return item.updated_at


class IkmPagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return ["/ikm/"]

    def location(self, item):
        return item


SITEMAPS = {"ikm": IkmPagesSitemap, "ikm-toko": IkmShopSitemap, "ikm-produk": IkmProductSitemap}
