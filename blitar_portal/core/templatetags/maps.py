"""Map helpers for templates: `{% geo_links point label %}` ("Petunjuk arah" / "Buka di peta" links
for a point, SRID 4326) and `{% map_locale %}` (the words of the map controls)."""

import json

from django import template
from django.utils.translation import gettext as _

from blitar_portal.lib.geo import map_links

register = template.Library()


@register.inclusion_tag("partials/geo_links.html")
def geo_links(point, label=""):
    if point is None:
        return {"links": None}
    return {"links": map_links(point.y, point.x, label), "label": label}


@register.simple_tag
def map_locale():
    """The words of every map's controls in the page's language, as JSON for a data-attribute
    (static/js/leaflet-maps.js sets Leaflet's control titles and merges `draw` into L.drawLocal)."""
    return json.dumps(
        {
            "zoomIn": _("Perbesar"),
            "zoomOut": _("Perkecil"),
            "basemapAttribution": _("Peta dasar: data wilayah portal"),
            "hospital": _("Rumah sakit"),
            "draw": {
                "draw": {
                    "toolbar": {
                        "actions": {"title": _("Batalkan menggambar"), "text": _("Batal")},
                        "finish": {"title": _("Selesaikan menggambar"), "text": _("Selesai")},
                        "undo": {"title": _("Hapus titik terakhir"), "text": _("Hapus titik terakhir")},
                        "buttons": {
                            "polyline": _("Gambar garis"),
                            "polygon": _("Gambar poligon"),
                            "rectangle": _("Gambar persegi"),
                            "circle": _("Gambar lingkaran"),
                            "marker": _("Tandai titik"),
                            "circlemarker": _("Tandai titik bulat"),
                        },
                    },
                    "handlers": {
                        "circle": {
                            "tooltip": {"start": _("Klik dan seret untuk menggambar lingkaran.")},
                            "radius": _("Jari-jari"),
                        },
                        "circlemarker": {"tooltip": {"start": _("Klik peta untuk menandai titik.")}},
                        "marker": {"tooltip": {"start": _("Klik peta untuk menandai titik.")}},
                        "polygon": {
                            "tooltip": {
                                "start": _("Klik untuk mulai menggambar bentuk."),
                                "cont": _("Klik untuk melanjutkan menggambar bentuk."),
                                "end": _("Klik titik pertama untuk menutup bentuk."),
                            }
                        },
                        "polyline": {
                            "error": _("Galat: tepi bentuk tidak boleh bersilangan!"),
                            "tooltip": {
                                "start": _("Klik untuk mulai menggambar garis."),
                                "cont": _("Klik untuk melanjutkan menggambar garis."),
                                "end": _("Klik titik terakhir untuk menyelesaikan garis."),
                            },
                        },
                        "rectangle": {"tooltip": {"start": _("Klik dan seret untuk menggambar persegi.")}},
                        "simpleshape": {"tooltip": {"end": _("Lepaskan mouse untuk selesai menggambar.")}},
                    },
                },
                "edit": {
                    "toolbar": {
                        "actions": {
                            "save": {"title": _("Simpan perubahan"), "text": _("Simpan")},
                            "cancel": {"title": _("Batalkan perubahan"), "text": _("Batal")},
                            "clearAll": {"title": _("Hapus semua"), "text": _("Hapus semua")},
                        },
                        "buttons": {
                            "edit": _("Ubah bentuk"),
                            "editDisabled": _("Tidak ada bentuk untuk diubah"),
                            "remove": _("Hapus bentuk"),
                            "removeDisabled": _("Tidak ada bentuk untuk dihapus"),
                        },
                    },
                    "handlers": {
                        "edit": {
                            "tooltip": {
                                "text": _("Seret titik atau penanda untuk mengubah bentuk."),
                                "subtext": _("Klik batal untuk membatalkan perubahan."),
                            }
                        },
                        "remove": {"tooltip": {"text": _("Klik bentuk untuk menghapusnya.")}},
                    },
                },
            },
        },
        ensure_ascii=False,
    )
