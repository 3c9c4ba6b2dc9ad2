"""Public pages of Gerakan Bangga Menanam for /sitemap.xml."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Campaign, Community


class TanamPagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.7

    def items(self):
        return ["tanam:map", "tanam:cover", "tanam:communities", "tanam:campaigns", "tanam:leaderboard"]

    def location(self, item):
        return reverse(item)


class CommunitySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Community.objects.order_by("pk")

    def location(self, item):
        return reverse("tanam:community", args=[item.slug])


class CampaignSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Campaign.objects.order_by("pk")

    def location(self, item):
        return reverse("tanam:campaign", args=[item.slug])


SITEMAPS = {"tanam": TanamPagesSitemap, "tanam-komunitas": CommunitySitemap, "tanam-kampanye": CampaignSitemap}
