from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("livez", views.livez, name="livez"),
    path("readyz", views.readyz, name="readyz"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics, name="metrics"),
    path("privasi/", views.privacy, name="privacy"),
    path("bahasa/", views.language, name="language"),
    path("bench/baseline", views.baseline, name="baseline"),
]
