"""Sitemaps of the public catalogue (collected by /sitemap.xml; 50,000 URLs per page)."""

from django.contrib.sitemaps import Sitemap

from .models import Product, Shop


class IkmProductSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6
    limit = 50_000

    def items(self):
        return (
            Product.objects.filter(is_active=True, shop__status=Shop.Status.VERIFIED)
            .only("slug", "updated_at")
            .order_by("pk")
        )

    def location(self, item):
        return f"/ikm/produk/{item.slug}/"

    def lastmod(self, item):
        return item.updated_at


class IkmShopSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.7
    limit = 50_000

    def items(self):
        return Shop.objects.filter(status=Shop.Status.VERIFIED).only("slug", "updated_at").order_by("pk")

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
