"""Chromium: the tanam map script speaks the visitor's language (its texts come from the page)."""

import pytest


@pytest.fixture
def regions(transactional_db):
    from django.core.management import call_command

    from blitar_portal.regions.models import Kecamatan
    from tanam import services

    if not Kecamatan.objects.exists():
        call_command("load_regions", verbosity=0)
    services.species_load_csv()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "No verified plantings in this view."), ("id", "Belum ada penanaman terverifikasi di tampilan ini.")],
)
def test_empty_map_message_in_the_visitors_language(browser, live_server, regions, language, expected):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 412, "height": 860})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    try:
        page.goto("/tanam/")
        page.locator("#tanam-map-wrap[data-loaded='clusters']").wait_for(state="attached")
        assert page.locator("#tanam-map-status").inner_text() == expected
    finally:
        context.close()


def test_register_pin_is_labelled_in_english(browser, live_server, regions, bob, password):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 412, "height": 860})
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    try:
        page.goto("/akun/masuk/")
        page.locator("#id_username").fill(bob.username)
        page.locator("#id_password").fill(password)
        page.locator("#id_password").press("Enter")
        page.wait_for_url(lambda url: "/akun/masuk/" not in url)
        page.goto("/tanam/daftar/")
        page.locator("#register-map.leaflet-container").wait_for()
        box = page.locator("#register-map").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        marker = page.locator(".leaflet-marker-pane .leaflet-marker-icon").first
        marker.wait_for()
        assert marker.get_attribute("title") == "Planting point"
    finally:
        context.close()
