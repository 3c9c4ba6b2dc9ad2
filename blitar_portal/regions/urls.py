from django.urls import path

from . import views

app_name = "regions"

urlpatterns = [
    path("kecamatan.geojson", views.kecamatan_geojson, name="kecamatan-geojson"),
    path("kabupaten.geojson", views.regency_geojson, name="regency-geojson"),
    path("peta-dasar.geojson", views.basemap_geojson, name="basemap"),
]
