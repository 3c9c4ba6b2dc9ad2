from django.urls import path

from . import views, views_pwa

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("livez", views.livez, name="livez"),
    path("readyz", views.readyz, name="readyz"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics, name="metrics"),
    path("privasi/", views.privacy, name="privacy"),
    path("manifest.webmanifest", views_pwa.manifest, name="manifest"),
    path("sw.js", views_pwa.service_worker, name="service-worker"),
    path("offline/", views_pwa.offline, name="offline"),
    path("bahasa/", views.language, name="language"),
    path("bench/baseline", views.baseline, name="baseline"),
]
