"""Forms of Gerakan Bangga Menanam (messages in Bahasa Indonesia; rules live in services.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_TREES_PER_POINT, TREE_COUNT_ERRORS, Campaign, Community, Observation, Planting, Species


class PlantingForm(forms.Form):
    lat = forms.CharField(
        label=_("Lintang"),
        required=False,
        help_text=_("Terisi otomatis saat Anda mengetuk peta; contoh -8.0954."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    lon = forms.CharField(
        label=_("Bujur"),
        required=False,
        help_text=_("Contoh 112.1609."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    location_source = forms.ChoiceField(
        choices=Planting.Source.choices, initial=Planting.Source.MAP, widget=forms.HiddenInput
    )
    gps_accuracy_m = forms.FloatField(required=False, min_value=0, max_value=100000, widget=forms.HiddenInput)
    species = forms.ModelChoiceField(
        label=_("Spesies"),
        queryset=Species.objects.all(),
        empty_label=_("— pilih spesies —"),
        error_messages={"required": _("Pilih spesies pohon."), "invalid_choice": _("Spesies tidak dikenal.")},
    )
    tree_count = forms.IntegerField(
        label=_("Jumlah pohon di titik ini"),
        min_value=1,
        max_value=MAX_TREES_PER_POINT,
        initial=1,
        help_text=_(
            "Satu titik boleh mewakili penanaman kelompok: isi jumlah bibit di sekitar titik ini (1–1.000). "
            "Penanaman yang lebih luas didaftarkan sebagai beberapa titik."
        ),
        error_messages={"required": _("Isi jumlah pohon (minimal 1)."), **TREE_COUNT_ERRORS},
    )
    planted_on = forms.DateField(
        label=_("Tanggal tanam"),
        required=False,
        help_text=_("Kosongkan untuk memakai tanggal dari foto (EXIF)."),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Tanggal tidak sah.")},
    )
    community = forms.ModelChoiceField(
        label=_("Komunitas/organisasi"),
        queryset=Community.objects.all(),
        required=False,
        empty_label=_("— tidak ada —"),
    )
    campaign = forms.ModelChoiceField(
        label=_("Kampanye/acara"), queryset=Campaign.objects.all(), required=False, empty_label=_("— tidak ada —")
    )
    photo = forms.FileField(
        label=_("Foto"),
        required=False,
        help_text=_("JPEG/PNG/WebP, maksimal 8 MB. Lokasi GPS foto dipakai bila titik belum dipilih."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    notes = forms.CharField(
        label=_("Catatan"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ObservationForm(forms.Form):
    observed_on = forms.DateField(
        label=_("Tanggal pemeriksaan"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Isi tanggal pemeriksaan."), "invalid": _("Tanggal tidak sah.")},
    )
    condition = forms.ChoiceField(label=_("Kondisi"), choices=Observation.Condition.choices)
    height_m = forms.FloatField(
        label=_("Tinggi (m)"),
        required=False,
        min_value=0,
        max_value=80,
        error_messages={"max_value": _("Tinggi maksimal 80 m."), "min_value": _("Tinggi tidak boleh negatif.")},
    )
    photo = forms.FileField(
        label=_("Foto"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    notes = forms.CharField(
        label=_("Catatan"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(forms.Form):
    """Admin bulk action: the reason for rejecting the selected plantings."""

    reason = forms.CharField(label=_("Alasan penolakan"), max_length=300)


class OpenDataExportForm(forms.Form):
    """Query parameters of the open-data downloads (/tanam/ekspor.csv, .geojson).

    The files are always complete (every verified planting, prebuilt by Celery), so the map's
    filters are refused with a clear message pointing to the API, which filters and pages.
    Other parameters (a cache buster) are ignored.
    """

    REFUSED = ("species", "year", "kecamatan", "community", "campaign")

    def clean(self):
        given = [name for name in self.REFUSED if str(self.data.get(name, "")).strip()]
        if given:
            raise forms.ValidationError(
                _(
                    "Berkas data terbuka selalu berisi semua penanaman terverifikasi dan tidak dapat disaring "
                    "(%(names)s). Untuk data tersaring gunakan API /api/v1/tanam/plantings/."
                ),
                code="filtered",
                params={"names": ", ".join(given)},
            )
        return super().clean()
