"""The sitemap index collects each app's `sitemaps.SITEMAPS` dict, if it has one.

django.contrib.sitemaps paginates each section at 50,000 URLs, and
/sitemap.xml is an index of the sections and their pages.
"""

import importlib

from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class StaticPagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return ["core:home"]

    def location(self, item):
        return reverse(item)


def collect_sitemaps():
    sitemaps = {"portal": StaticPagesSitemap}
    for app in ("ehealth", "ikm", "tanam"):
        try:
            module = importlib.import_module(f"{app}.sitemaps")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.sitemaps":
                raise
            continue
        sitemaps.update(module.SITEMAPS)
    return sitemaps
