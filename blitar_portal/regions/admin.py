from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from .models import Desa, Kecamatan


@admin.register(Kecamatan)
class KecamatanAdmin(LeafletGeoAdmin):
    list_display = ["code", "name", "area_km2"]
    search_fields = ["code", "name"]
    readonly_fields = ["area_km2"]


@admin.register(Desa)
class DesaAdmin(LeafletGeoAdmin):
    list_display = ["code", "name", "kecamatan", "kind", "area_km2"]
    list_filter = ["kind", "kecamatan"]
    search_fields = ["code", "name"]
    list_select_related = ["kecamatan"]
    readonly_fields = ["area_km2"]
