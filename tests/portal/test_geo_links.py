""" "Petunjuk arah" / "Buka di peta" links (blitar_portal.lib.geo.map_links, partials/geo_links.html)
on the hospital page and the planting pages (issue 16, point 4)."""

import re
from html import unescape

from django.contrib.gis.geos import Point
from django.urls import reverse

from blitar_portal.lib.geo import map_links


def test_map_links_give_a_geo_uri_and_the_common_map_apps():
    links = map_links(-8.0951234, 112.1609876, "RSUD Ngudi Waluyo")
    assert links["geo"] == "geo:-8.095123,112.160988?q=-8.095123,112.160988(RSUD%20Ngudi%20Waluyo)"
    assert links["directions"] == "https://www.google.com/maps/dir/?api=1&destination=-8.095123,112.160988"
    assert links["google"] == "https://www.google.com/maps/search/?api=1&query=-8.095123,112.160988"
    assert links["osm"] == ("https://www.openstreetmap.org/?mlat=-8.095123&mlon=112.160988#map=17/-8.095123/112.160988")


def test_a_label_cannot_break_out_of_the_geo_uri():
    links = map_links(-8.1, 112.2, 'RS "A" & <B>?x=1#y')
    assert links["geo"].startswith(
        "geo:-8.100000,112.200000?q=-8.100000,112.200000(RS%20%22A%22%20%26%20%3CB%3E%3Fx%3D1%23y)"
    )


def _hrefs(html):
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', html)]


def test_the_hospital_page_links_to_directions_and_map_apps(client, db):
    from tests.ehealth.conftest import make_hospital

    hospital = make_hospital("rsud-wlingi", "RSUD Ngudi Waluyo Wlingi", location=Point(112.3, -8.07, srid=4326))
    html = client.get(reverse("ehealth:hospital_detail", args=[hospital.slug])).content.decode()
    hrefs = _hrefs(html)
    assert "Petunjuk arah" in html and "Buka di peta" in html
    expected = map_links(-8.07, 112.3, "RSUD Ngudi Waluyo Wlingi")
    for key in ("geo", "directions", "google", "osm"):
        assert expected[key] in hrefs, key


def test_a_hospital_without_a_location_has_no_links(client, db):
    from tests.ehealth.conftest import make_hospital

    hospital = make_hospital("rs-tanpa-lokasi", "RS Tanpa Lokasi", location=None)
    html = client.get(reverse("ehealth:hospital_detail", args=[hospital.slug])).content.decode()
    assert "Petunjuk arah" not in html and "geo:" not in html


def test_planting_pages_link_to_directions_and_map_apps(client, db, bob):
    from django.core.management import call_command

    from blitar_portal.regions.models import Desa, Kecamatan
    from tanam import services
    from tanam.models import Planting, Species

    if not Kecamatan.objects.exists():
        call_command("load_regions", verbosity=0)
    services.species_load_csv()
    desa = Desa.objects.select_related("kecamatan").order_by("code").first()
    point = desa.geom.point_on_surface
    planting = Planting.objects.create(
        user=bob,
        point=point,
        kecamatan=desa.kecamatan,
        desa=desa,
        species=Species.objects.get(slug="mahoni"),
        tree_count=1,
        planted_on="2024-01-01",
        status="verified",
    )
    expected = map_links(point.y, point.x, "Mahoni")
    public = _hrefs(client.get(reverse("tanam:public", args=[planting.pk])).content.decode())
    client.force_login(bob)
    owner = _hrefs(client.get(reverse("tanam:detail", args=[planting.pk])).content.decode())
    for hrefs in (public, owner):
        assert expected["geo"] in hrefs and expected["directions"] in hrefs and expected["osm"] in hrefs
