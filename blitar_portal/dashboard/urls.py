from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.section, name="ringkasan"),
    path("segarkan/", views.refresh, name="refresh"),
    path("ikm/target/", views.ikm_target, name="ikm-target"),
    path("<slug:slug>/", views.section, name="section"),
    path("<slug:slug>/unduh.xlsx", views.section_download, name="xlsx"),
    path("<slug:slug>/<slug:key>.csv", views.figure_download, name="csv"),
    path("<slug:slug>/<slug:key>.svg", views.figure_svg, name="svg"),
    path("<slug:slug>/<slug:key>.png", views.figure_png, name="png"),
]
