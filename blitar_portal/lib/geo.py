"""Geometry helpers: parsing user coordinates, metric projections."""

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

METRIC_SRID = 32749  # WGS 84 / UTM 49S, metres; Kabupaten Blitar lies in it.
# Bounding box of Kabupaten Blitar (lon, lat), a little padded.
BLITAR_BBOX = (111.90, -8.40, 112.53, -7.88)


def parse_point(lat, lon):
    """A Point(lon, lat, srid=4326) from user input, or ValidationError in Bahasa Indonesia.

    Detects swapped coordinates (latitude given as ~112, longitude as ~-8).
    """
    try:
        lat_f, lon_f = float(str(lat).replace(",", ".")), float(str(lon).replace(",", "."))
    except (TypeError, ValueError):
        raise ValidationError(
            _("Koordinat harus berupa angka desimal, misalnya -8.1 dan 112.25."), code="nan"
        ) from None
    if lat_f != lat_f or lon_f != lon_f:  # NaN
        raise ValidationError(_("Koordinat harus berupa angka desimal, misalnya -8.1 dan 112.25."), code="nan")
    if not -90 <= lat_f <= 90 or not -180 <= lon_f <= 180:
        if -90 <= lon_f <= 90 and -180 <= lat_f <= 180:
            raise ValidationError(_("Lintang dan bujur tampaknya tertukar."), code="swapped")
        raise ValidationError(_("Koordinat di luar rentang yang sah (lintang −90..90, bujur −180..180)."), code="range")
    minx, miny, maxx, maxy = BLITAR_BBOX
    if minx <= lat_f <= maxx and miny <= lon_f <= maxy:
        raise ValidationError(_("Lintang dan bujur tampaknya tertukar."), code="swapped")
    return Point(lon_f, lat_f, srid=4326)


def map_links(lat: float, lon: float, label: str = "") -> dict[str, str]:
    """ "Petunjuk arah" / "Buka di peta" links for a point (templates: partials/geo_links.html).

    `geo` opens the phone's own map app (RFC 5870, with a `q=` pin so Android apps drop a marker);
    `directions` asks Google Maps for a route from where the person is; `google` and `osm` show the point.
    """
    from urllib.parse import quote

    at = f"{lat:.6f},{lon:.6f}"
    pin = f"{at}({label})" if label else at
    return {
        "geo": f"geo:{at}?q={quote(pin, safe=',()')}",
        "directions": f"https://www.google.com/maps/dir/?api=1&destination={at}",
        "google": f"https://www.google.com/maps/search/?api=1&query={at}",
        "osm": f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}#map=17/{lat:.6f}/{lon:.6f}",
    }
