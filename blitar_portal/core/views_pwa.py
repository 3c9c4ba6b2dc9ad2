"""The installable app: web app manifest, service worker at the site root, offline page (docs/pwa.md)."""

import hashlib
import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

THEME_COLOUR = "#0b5d4b"

# Files every page needs offline (the offline page's own look included); the service worker
# stores them at install. The JS of a page is cached the first time the page is opened.
PRECACHED_STATIC = (
    "css/site.css",
    "js/pwa.js",
    "js/outbox.js",
    "img/favicon.svg",
    "img/pwa/icon-192.png",
)


def _icon(size, purpose="any"):
    name = f"icon-{size}.png" if purpose == "any" else f"maskable-{size}.png"
    return {"src": static(f"img/pwa/{name}"), "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}


@require_GET
def manifest(request):
    """The web app manifest (browsers fetch it without cookies: Bahasa Indonesia)."""
    shortcut_icon = [{"src": static("img/pwa/icon-96.png"), "sizes": "96x96", "type": "image/png"}]
    data = {
        "id": "/",
        "name": "Portal Smart City Kabupaten Blitar",
        "short_name": "Blitar",
        "description": _("Ketersediaan kamar rumah sakit, 999 IKM Online dan Gerakan Bangga Menanam."),
        "lang": "id",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "categories": ["government", "health", "shopping"],
        "icons": [_icon(192), _icon(512), _icon(192, "maskable"), _icon(512, "maskable")],
        "shortcuts": [
            {
                "name": _("Kamar rumah sakit"),
                "short_name": _("Kesehatan"),
                "url": "/kesehatan/",
                "icons": shortcut_icon,
            },
            {"name": _("999 IKM Online"), "short_name": "IKM", "url": "/ikm/", "icons": shortcut_icon},
            {
                "name": _("Daftarkan penanaman"),
                "short_name": _("Tanam"),
                "url": reverse("tanam:register"),
                "icons": shortcut_icon,
            },
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=3600"
    return response


def service_worker_body():
    """The worker's code with its version: a hash of the code and of every precached file's URL.

    With hashed static names (production) any change of a precached file, of the worker or of the
    offline page's template changes the bytes of /sw.js, which is how browsers notice an update.
    """
    context = {
        "precache": json.dumps([static(name) for name in PRECACHED_STATIC] + [reverse("core:offline")]),
        "offline_url": json.dumps(reverse("core:offline")),
        "outbox_js": json.dumps(static("js/outbox.js")),
    }
    body = render_to_string("pwa/sw.js", {**context, "version": "VERSION"})
    offline_page = render_to_string("pwa/offline.html")
    version = hashlib.sha256((body + offline_page).encode()).hexdigest()[:12]
    return body.replace('"VERSION"', f'"{version}"', 1)


@require_GET
def service_worker(request):
    response = HttpResponse(service_worker_body(), content_type="text/javascript; charset=utf-8")
    # Browsers check for a new worker on navigation; no-cache makes every check see the newest one.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request):
    """What the service worker shows for a page that was never opened while online (both languages)."""
    return render(request, "pwa/offline.html")
