"""The sitemap index: the portal's pages and each app's `sitemaps.SITEMAPS` dict.

django.contrib.sitemaps paginates each section at 50,000 URLs, and
/sitemap.xml is an index of the sections and their pages.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from ehealth import sitemaps as ehealth_sitemaps
from ikm import sitemaps as ikm_sitemaps
from tanam import sitemaps as tanam_sitemaps


class StaticPagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return ["core:home"]

    def location(self, item):
        return reverse(item)


def collect_sitemaps():
    return {
        "portal": StaticPagesSitemap,
        **ehealth_sitemaps.SITEMAPS,
        **ikm_sitemaps.SITEMAPS,
        **tanam_sitemaps.SITEMAPS,
    }
