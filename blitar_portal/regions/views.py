import hashlib

from django.http import Http404, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from . import selectors
from .forms import BasemapQueryForm

# The base map changes only when `load_regions` runs (a release): browsers and proxies keep it a
# day, then revalidate with the ETag (304 without a body).
BASEMAP_MAX_AGE = 24 * 3600


@require_GET
@cache_control(public=True, max_age=3600)
def kecamatan_geojson(request):
    return HttpResponse(selectors.kecamatan_outlines_geojson(), content_type="application/geo+json")


@require_GET
@cache_control(public=True, max_age=3600)
def regency_geojson(request):
    return HttpResponse(selectors.regency_outline_geojson(), content_type="application/geo+json")


@require_GET
@gzip_page
def basemap_geojson(request):
    """One level of detail of the built-in base map (static/js/leaflet-maps.js), small and cacheable."""
    form = BasemapQueryForm(request.GET)
    if not form.is_valid():
        response = HttpResponse(form.first_error(), status=400, content_type="text/plain; charset=utf-8")
        response["Cache-Control"] = "no-store"
        return response
    data = form.cleaned_data
    body = selectors.basemap_geojson(data["tingkat"], kecamatan=data["kecamatan"] or "")
    if body is None:
        raise Http404(_("Kecamatan tidak ditemukan."))
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    response = get_conditional_response(request, etag=etag) or HttpResponse(body, content_type="application/geo+json")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={BASEMAP_MAX_AGE}"
    return response
