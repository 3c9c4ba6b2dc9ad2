"""URL map (docs/architecture.md §1). Each quick-win app owns its prefix and its /api/v1/ part."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from blitar_portal.core.sitemaps import collect_sitemaps

# Lazy: every admin page is headed in the visitor's language (Bahasa, or English when chosen).
admin.site.site_header = _("Portal Smart City Kabupaten Blitar")
admin.site.site_title = _("Admin Portal Blitar")
admin.site.index_title = _("Administrasi")

handler400 = "blitar_portal.core.views.bad_request_handler"
handler404 = "blitar_portal.core.views.not_found_handler"

APPS = [("ehealth", "kesehatan/"), ("ikm", "ikm/"), ("tanam", "tanam/")]

api_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up code as a file (?script): no inline script (strict CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
api_patterns += [path("", include(f"{app}.api")) for app, _prefix in APPS]
# Web Push subscriptions and the VAPID key (/api/v1/push/...): the notifications app has no pages.
api_patterns += [path("", include("blitar_portal.notifications.api"))]

SITEMAPS = collect_sitemaps()

urlpatterns = [
    path("", include("blitar_portal.core.urls")),
    path("akun/", include("blitar_portal.accounts.urls")),
    path("akun/", include("django.contrib.auth.urls")),
    # After auth.urls: reverse() takes the last pattern of a name, so these Indonesian paths win.
    path("akun/masuk/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("akun/keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_patterns, "api"))),
    path("sitemap.xml", sitemap_index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"}),
    path(
        "sitemap-<section>.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("dasbor/", include("blitar_portal.dashboard.urls")),
    path("notifikasi/", include("blitar_portal.notifications.urls")),
    # Outlines for every map (simplified, cached): /wilayah/kecamatan.geojson, /wilayah/kabupaten.geojson
    path("wilayah/", include("blitar_portal.regions.urls")),
]
urlpatterns += [path(prefix, include(f"{app}.urls")) for app, prefix in APPS]

if settings.SERVE_MEDIA:
    # Development and benchmarks only; production serves MEDIA_ROOT from the web server/object storage.

    def serve_media(request, path):
        # MEDIA_ROOT read per request (tests point it at a temporary folder).
        return serve(request, path, document_root=settings.MEDIA_ROOT)

    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve_media)]
