"""The installable app's files: the manifest, the service worker at the root, the offline page."""

import io
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image

pytestmark = pytest.mark.django_db


def _static_file(url):
    assert url.startswith("/static/")
    path = finders.find(url.removeprefix("/static/"))
    assert path, url
    return path


def test_manifest_has_what_browsers_require_and_the_three_shortcuts(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = response.json()
    for key in ("name", "short_name", "start_url", "display", "icons", "theme_color", "background_color", "scope"):
        assert data[key], key
    assert data["display"] == "standalone" and data["start_url"] == "/" and data["lang"] == "id"
    assert len(data["short_name"]) <= 12  # shown under the home-screen icon
    sizes = {(icon["sizes"], icon["purpose"]) for icon in data["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")} <= sizes
    for icon in data["icons"]:
        with Image.open(_static_file(icon["src"])) as image:
            assert image.format == "PNG" and f"{image.width}x{image.height}" == icon["sizes"]
    assert [s["url"] for s in data["shortcuts"]] == ["/kesehatan/", "/ikm/", "/tanam/daftar/"]
    for shortcut in data["shortcuts"]:
        with Image.open(_static_file(shortcut["icons"][0]["src"])) as image:
            assert image.size == (96, 96)


def test_every_page_links_the_manifest_and_the_script(client):
    for url in ("/", "/kesehatan/", "/ikm/", "/tanam/", "/privasi/", "/akun/masuk/", "/tidak-ada/"):
        html = client.get(url).content.decode()
        assert '<link rel="manifest" href="/manifest.webmanifest">' in html, url
        assert 'src="/static/js/pwa.js"' in html, url
        assert 'id="offline-banner"' in html and 'data-offline-at=""' in html, url


def test_service_worker_is_served_at_the_root_and_never_from_an_old_cache(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    assert '"VERSION"' not in body and 'const VERSION = "' in body
    assert '"/offline/"' in body and '"/static/css/site.css"' in body
    assert 'importScripts("/static/js/outbox.js")' in body


def test_worker_version_changes_with_a_precached_file(settings):
    from blitar_portal.core import views_pwa

    def version():
        return re.search(r'const VERSION = "([0-9a-f]{12})"', views_pwa.service_worker_body()).group(1)

    before = version()
    assert version() == before  # stable between requests
    settings.STATIC_URL = "/static/v2/"  # as a new hashed name would do
    assert version() != before


def test_offline_page_speaks_both_languages_and_holds_no_personal_data(client, bob):
    client.force_login(bob)
    response = client.get("/offline/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Anda sedang offline") < html.index("You are offline")
    assert "bob" not in html.lower() and "csrfmiddlewaretoken" not in html


def test_the_worker_and_manifest_work_for_an_anonymous_client():
    client = Client()
    assert client.get("/sw.js").status_code == 200
    assert client.get("/manifest.webmanifest").status_code == 200
    assert Image.open(io.BytesIO(open(_static_file("/static/img/pwa/apple-touch-icon.png"), "rb").read())).size == (
        180,
        180,
    )
