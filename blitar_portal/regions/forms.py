from django import forms
from django.utils.translation import gettext_lazy as _

from blitar_portal.lib.params import QueryForm

from .selectors import BASEMAP_DETAILS


class BasemapQueryForm(QueryForm):
    """`GET /wilayah/peta-dasar.geojson?tingkat=kabupaten` or `?tingkat=desa&kecamatan=35.05.01`."""

    tingkat = forms.ChoiceField(
        choices=[(detail, detail) for detail in BASEMAP_DETAILS],
        error_messages={
            "required": _("Parameter tingkat wajib diisi: kabupaten atau desa."),
            "invalid_choice": _("Parameter tingkat harus kabupaten atau desa."),
        },
    )
    kecamatan = forms.RegexField(
        regex=r"^\d{2}\.\d{2}\.\d{2}$",
        required=False,
        max_length=8,
        error_messages={
            "invalid": _("Parameter kecamatan harus kode Kemendagri, mis. 35.05.01."),
            "max_length": _("Parameter kecamatan harus kode Kemendagri, mis. 35.05.01."),
        },
    )

    def clean(self):
        data = super().clean()
        if data.get("tingkat") == "desa" and not data.get("kecamatan"):
            self.add_error("kecamatan", _("Tingkat desa memerlukan parameter kecamatan (kode Kemendagri)."))
        return data
