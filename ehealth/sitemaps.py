"""Public pages of Layanan Kesehatan for /sitemap.xml."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Hospital


class EhealthPagesSitemap(Sitemap):
    changefreq = "always"
    priority = 0.9

    def items(self):
        return ["ehealth:board", "ehealth:request_new"]

    def location(self, item):
        return reverse(item)


class HospitalSitemap(Sitemap):
    changefreq = "hourly"
    priority = 0.7

    def items(self):
        return Hospital.objects.filter(is_active=True).order_by("pk").only("slug")

    def location(self, item):
        return reverse("ehealth:hospital_detail", args=[item.slug])


SITEMAPS = {"kesehatan": EhealthPagesSitemap, "rumah-sakit": HospitalSitemap}
