"""Maps that work without a tile server (issue 16, point 4), in Chromium: the built-in base map
(boundaries and names from the portal's own data, no tiles: nothing here may reach the internet),
pins and clusters big enough to tap, popups that stay open and link to the planting's public page,
controls in the page's language."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.browser

MAP = "tanam-map"


@pytest.fixture
def plantings(transactional_db):
    """Two verified plantings a few metres apart in the first desa, and the map's cells."""
    from blitar_portal.regions.models import Desa, Kecamatan
    from tanam import services
    from tanam.models import Planting, Species

    if not Kecamatan.objects.exists():
        call_command("load_regions", verbosity=0)
    services.species_load_csv()
    desa = Desa.objects.select_related("kecamatan").order_by("code").first()
    here = desa.geom.point_on_surface
    planter = UserFactory(username="bob")
    made = [
        Planting.objects.create(
            user=planter,
            point=Point(here.x + dx, here.y, srid=4326),
            kecamatan=desa.kecamatan,
            desa=desa,
            species=Species.objects.get(slug=slug),
            tree_count=2,
            planted_on=timezone.localdate() - timedelta(days=100),
            status="verified",
        )
        for dx, slug in ((0, "mahoni"), (0.0008, "trembesi"))
    ]
    services.cluster_cells_rebuild()
    return desa, made


def _map_ready(page):
    page.wait_for_function(f"() => window['leafletmap{MAP}'] !== undefined")
    page.wait_for_function(f"() => document.getElementById('{MAP}').dataset.basemap === 'kabupaten'")


def _set_view(page, lat, lon, zoom):
    page.evaluate(
        "([name, lat, lon, zoom]) => window['leafletmap' + name].setView([lat, lon], zoom, {animate: false})",
        [MAP, lat, lon, zoom],
    )


def test_without_tiles_the_planting_map_shows_kecamatan_names_then_desa_names_at_street_zoom(page, plantings):
    desa, _ = plantings
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto("/tanam/")
    _map_ready(page)
    label = desa.geom.point_on_surface
    _set_view(page, label.y, label.x, 11)
    kecamatan_name = page.locator(".basemap-label-kecamatan span", has_text=desa.kecamatan.name)
    kecamatan_name.wait_for(state="visible")
    assert page.locator(".basemap-label-desa").count() == 0  # no village names at regency zoom

    _set_view(page, label.y, label.x, 15)
    desa_name = page.locator(".basemap-label-desa span", has_text=desa.name)
    desa_name.wait_for(state="visible")
    box, frame = desa_name.bounding_box(), page.locator(f"#{MAP}").bounding_box()
    assert frame["x"] <= box["x"] + box["width"] / 2 <= frame["x"] + frame["width"]  # drawn inside the map
    assert page.locator(".basemap-label-kecamatan").count() == 0
    assert "basemap-builtin" in page.locator(f"#{MAP}").get_attribute("class")
    assert not page.locator(".leaflet-tile").count()
    assert all(url.startswith(page.url.split("/tanam/")[0]) for url in requested)  # nothing left this host


def test_a_pin_popup_near_the_edge_stays_open_and_links_to_the_public_page(page, plantings):
    desa, (mahoni, _) = plantings
    page.goto("/tanam/")
    _map_ready(page)
    # The pin lands 12 px from the map's right edge: its popup would stick out without auto-pan.
    page.evaluate(
        """([name, lat, lon]) => {
            const map = window['leafletmap' + name];
            map.setView([lat, lon], 18, {animate: false});
            const size = map.getSize();
            map.panBy([-(size.x / 2 - 12), 0], {animate: false});
        }""",
        [MAP, mahoni.point.y, mahoni.point.x],
    )
    page.wait_for_function(f"() => document.getElementById('{MAP}').parentNode.dataset.loaded === 'pins'")
    pin = page.locator(".tanam-pin").first
    pin.wait_for(state="attached")
    pins = page.locator(".tanam-pin")
    target = next(pins.nth(i) for i in range(pins.count()) if pins.nth(i).get_attribute("title") == "Mahoni")
    target.click(force=True)  # the pin may sit under the edge; a finger taps what shows of it
    popup = page.locator(".leaflet-popup")
    popup.wait_for(state="visible")
    page.wait_for_timeout(1500)  # the auto-pan's moveend reloads the pins: the open one must stay
    assert popup.is_visible()
    frame, box = page.locator(f"#{MAP}").bounding_box(), popup.bounding_box()
    assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
    link = popup.get_by_role("link", name="Lihat halaman penanaman")
    assert link.get_attribute("href") == f"/tanam/pohon/{mahoni.pk}/"
    link.click()
    page.wait_for_url(f"**/tanam/pohon/{mahoni.pk}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Mahoni")


def test_pins_and_clusters_are_at_least_44px_to_tap(page, plantings):
    desa, (mahoni, _) = plantings
    page.goto("/tanam/")
    _map_ready(page)
    _set_view(page, mahoni.point.y, mahoni.point.x, 18)
    page.wait_for_function(f"() => document.getElementById('{MAP}').parentNode.dataset.loaded === 'pins'")
    page.locator(".tanam-pin").first.wait_for(state="attached")
    for i in range(page.locator(".tanam-pin").count()):
        box = page.locator(".tanam-pin").nth(i).bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
    _set_view(page, mahoni.point.y, mahoni.point.x, 11)
    page.wait_for_function(f"() => document.getElementById('{MAP}').parentNode.dataset.loaded === 'clusters'")
    cluster = page.locator(".tanam-cluster").first
    cluster.wait_for(state="visible")
    box = cluster.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    zoom_in = page.locator(".leaflet-control-zoom-in").bounding_box()
    assert zoom_in["width"] >= 44 and zoom_in["height"] >= 44


@pytest.mark.parametrize(
    ("language", "zoom_in", "zoom_out"), [("id", "Perbesar", "Perkecil"), ("en", "Zoom in", "Zoom out")]
)
def test_map_controls_speak_the_page_language(page, plantings, live_server, language, zoom_in, zoom_out):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto("/tanam/")
    _map_ready(page)
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == zoom_in
    assert page.locator(".leaflet-control-zoom-out").get_attribute("title") == zoom_out
    attribution = page.locator(".leaflet-control-attribution").inner_text()
    assert ("Peta dasar" if language == "id" else "Base map") in attribution


@pytest.mark.parametrize(("language", "marker"), [("id", "Tandai titik"), ("en", "Mark a point")])
def test_the_geometry_widget_has_the_built_in_base_and_drawing_tooltips_in_the_page_language(
    page, plantings, live_server, password, language, marker
):
    from blitar_portal.accounts.roles import DISKOMINFO

    UserFactory(username="alice", groups=[DISKOMINFO], is_staff=True, is_superuser=True)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto("/admin/login/")
    page.locator("#id_username").fill("alice")
    page.locator("#id_password").fill(password)
    page.locator("input[type=submit]").click()
    page.wait_for_load_state()
    page.goto("/admin/ehealth/hospital/add/")
    page.wait_for_function("() => (document.querySelector('.basemap-builtin') || {dataset: {}}).dataset.basemap")

    assert page.evaluate("() => L.drawLocal.draw.toolbar.buttons.marker") == marker
    button = page.locator(".leaflet-draw-draw-marker")
    assert button.get_attribute("title") == marker
