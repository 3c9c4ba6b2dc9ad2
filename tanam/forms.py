"""Forms of Gerakan Bangga Menanam (messages in Bahasa Indonesia; rules live in services.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from blitar_portal.lib.forms import HeldImageField, PortalForm
from blitar_portal.lib.params import DB_ID_MAX, IdField, QueryForm, YearField, bounded_errors

from .models import MAX_TREES_PER_POINT, TREE_COUNT_ERRORS, Campaign, Community, Observation, Planting, Species

# The planting services' error codes and the field each message stands at (the rest: above the form).
LOCATION_ERRORS = ("no_location", "outside", "duplicate", "nan", "swapped", "range")
PLANTING_ERROR_FIELDS = {
    **dict.fromkeys(LOCATION_ERRORS, "lat"),
    **dict.fromkeys(("no_date", "future", "too_old", "before_planting"), "planted_on"),
}


class PlantingForm(PortalForm):
    """The planting registration (page, offline outbox, edit). Lat/lon are placed next to the map
    (`location_fields`), where the location's messages stand; the photo survives an error."""

    error_fields = PLANTING_ERROR_FIELDS
    LOCATION_FIELDS = ("lat", "lon")
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
    photo = HeldImageField(
        label=_("Foto"),
        required=False,
        help_text=_("JPEG/PNG/WebP, maksimal 8 MB. Lokasi GPS foto dipakai bila titik belum dipilih."),
    )
    notes = forms.CharField(
        label=_("Catatan"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    # Idempotency key made by the device (static/js/outbox.js): a repeated send creates nothing new.
    client_key = forms.UUIDField(
        required=False, widget=forms.HiddenInput, error_messages={"invalid": _("Kunci pengiriman tidak sah.")}
    )

    def location_fields(self):
        return [self[name] for name in self.LOCATION_FIELDS]

    def other_fields(self):
        return [field for field in self.visible_fields() if field.name not in self.LOCATION_FIELDS]


class ObservationForm(PortalForm):
    error_fields = {"before_planting": "observed_on", "future": "observed_on"}

    observed_on = forms.DateField(
        label=_("Tanggal pemeriksaan"),
        # ISO: a date input takes no other value (the Bahasa format would leave it empty).
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"required": _("Isi tanggal pemeriksaan."), "invalid": _("Tanggal tidak sah.")},
    )
    condition = forms.ChoiceField(
        label=_("Kondisi"),
        choices=Observation.Condition.choices,
        error_messages={"required": _("Pilih kondisi pohon."), "invalid_choice": _("Kondisi tidak dikenal.")},
    )
    height_m = forms.FloatField(
        label=_("Tinggi (m)"),
        required=False,
        min_value=0,
        max_value=80,
        error_messages={"max_value": _("Tinggi maksimal 80 m."), "min_value": _("Tinggi tidak boleh negatif.")},
    )
    photo = HeldImageField(label=_("Foto"), required=False)
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


def _filter_errors(name):
    return bounded_errors(_("Filter %(name)s harus berupa angka."), name=name)


class MapFilterForm(QueryForm):
    """The public map's filters (map page, API, exports): ids and a planting year, bounded."""

    species = IdField(help_text=_("ID spesies"), error_messages=_filter_errors("species"))
    year = YearField(name="Filter year", help_text=_("Tahun tanam"))
    kecamatan = IdField(help_text=_("ID kecamatan"), error_messages=_filter_errors("kecamatan"))
    community = IdField(help_text=_("ID komunitas"), error_messages=_filter_errors("community"))
    campaign = IdField(help_text=_("ID kampanye"), error_messages=_filter_errors("campaign"))

    FILTERS = ("species", "year", "kecamatan", "community", "campaign")

    def filters(self):
        """{name: int} of the filters given (call after is_valid())."""
        return {name: self.cleaned_data[name] for name in self.FILTERS if self.cleaned_data.get(name) is not None}


def _cursor_errors(name):
    return bounded_errors(_("Parameter %(name)s harus berupa id (bilangan bulat)."), name=name)


class PlantingPageForm(MapFilterForm):
    after = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=DB_ID_MAX,
        help_text=_("Halaman setelah id ini"),
        error_messages=_cursor_errors("after"),
    )
    before = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=DB_ID_MAX,
        help_text=_("Halaman sebelum id ini"),
        error_messages=_cursor_errors("before"),
    )


class ClusterViewForm(MapFilterForm):
    bbox = forms.CharField(max_length=200, help_text=_("bujur_min,lintang_min,bujur_maks,lintang_maks"))
    # Four decimal numbers; that each min is below its max is checked by bbox_parse (400 otherwise).
    bbox.schema_pattern = r"^-?\d{1,3}(\.\d{1,12})?(,-?\d{1,3}(\.\d{1,12})?){3}$"
    zoom = forms.IntegerField(
        min_value=0,
        max_value=22,
        help_text=_("Tingkat zoom Leaflet (8–19)"),
        error_messages={"invalid": _("zoom harus berupa bilangan bulat."), "required": _("zoom wajib diisi.")},
    )

    def clean_bbox(self):
        from .selectors import bbox_parse

        return bbox_parse(self.cleaned_data["bbox"])


class CoverQueryForm(QueryForm):
    level = forms.ChoiceField(
        required=False,
        choices=[("kecamatan", "kecamatan"), ("desa", "desa")],
        help_text=_("Tingkat wilayah"),
        error_messages={"invalid_choice": _("level harus kecamatan atau desa.")},
    )


class CoverPageForm(QueryForm):
    tahun = YearField(name="tahun")
    tingkat = forms.ChoiceField(required=False, choices=[("kecamatan", "kecamatan"), ("desa", "desa")])


class MembershipForm(forms.Form):
    """Join a community (or change the listing choice): the consent to be listed is opt-in."""

    listed = forms.BooleanField(
        label=_("Tampilkan nama saya di halaman komunitas"),
        required=False,
        help_text=_(
            "Nama Anda serta jumlah pohon yang Anda tanam bersama komunitas ini tampil untuk umum. "
            "Tanpa centang, Anda hanya dihitung sebagai anggota. Dapat diubah kapan saja."
        ),
    )
