from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from . import selectors


@require_GET
@cache_control(public=True, max_age=3600)
def kecamatan_geojson(request):
    return HttpResponse(selectors.kecamatan_outlines_geojson(), content_type="application/geo+json")


@require_GET
@cache_control(public=True, max_age=3600)
def regency_geojson(request):
    return HttpResponse(selectors.regency_outline_geojson(), content_type="application/geo+json")
