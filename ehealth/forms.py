"""Forms of E-Health; messages in Bahasa Indonesia (gettext_lazy)."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from blitar_portal.lib.params import QueryForm, bounded_errors

from . import selectors
from .feeds import CANONICAL_CLASSES, CLASS_LABELS, LAINNYA
from .models import Hospital, Service

CONSENT_TEXT = _(
    "Saya menyetujui Pemerintah Kabupaten Blitar dan rumah sakit tujuan memproses nama, NIK, nomor HP, "
    "nomor BPJS dan keluhan saya hanya untuk melayani permohonan ini, sesuai UU No. 27 Tahun 2022 "
    "tentang Pelindungan Data Pribadi."
)


class BoardFilterForm(forms.Form):
    kelas = forms.ChoiceField(label=_("Kelas"), required=False)
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    jenis = forms.ChoiceField(label=_("Jenis RS"), required=False)
    urut = forms.ChoiceField(label=_("Urutkan"), required=False, choices=[("", _("Nama")), ("terdekat", _("Terdekat"))])
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kelas"].choices = [("", _("Semua kelas")), *options["classes"]]
        self.fields["kecamatan"].choices = [("", _("Semua kecamatan")), *options["kecamatan"]]
        self.fields["jenis"].choices = [("", _("Semua jenis")), *options["types"]]


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.hospital.name} — {obj.name}"


class ServiceRequestForm(forms.Form):
    service = ServiceChoiceField(
        label=_("Rumah sakit dan layanan"),
        queryset=Service.objects.none(),
        empty_label=_("— pilih layanan —"),
        error_messages={"required": _("Pilih rumah sakit dan layanan."), "invalid_choice": _("Layanan tidak dikenal.")},
    )
    visit_date = forms.DateField(
        label=_("Tanggal kunjungan"),
        widget=forms.Select(),
        help_text=_("Hanya hari buka dengan kuota tersisa yang ditampilkan."),
        error_messages={"required": _("Pilih tanggal kunjungan."), "invalid": _("Tanggal tidak valid.")},
    )
    name = forms.CharField(
        label=_("Nama lengkap pasien"), max_length=120, min_length=2, error_messages={"required": _("Isi nama pasien.")}
    )
    nik = forms.CharField(
        label=_("NIK"),
        max_length=20,
        help_text=_("16 digit sesuai KTP/KK."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Isi NIK pasien.")},
    )
    phone = forms.CharField(
        label=_("Nomor HP/WhatsApp"),
        max_length=20,
        help_text=_("Contoh: 0812-3456-7890."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("Isi nomor HP.")},
    )
    email = forms.EmailField(
        label=_("Email (opsional)"),
        required=False,
        help_text=_("Kami kirim kabar perubahan status ke email ini."),
        error_messages={"invalid": _("Alamat email tidak valid.")},
    )
    whatsapp = forms.CharField(
        label=_("Nomor WhatsApp (opsional)"),
        max_length=20,
        required=False,
        help_text=_("Kosongkan bila sama dengan nomor HP di atas."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    notify_whatsapp = forms.BooleanField(
        label=_("Saya setuju menerima kabar permohonan ini lewat WhatsApp (kode, status, pengingat)."),
        required=False,
        help_text=_("Bisa dihentikan kapan saja lewat tautan di setiap pesan. Lihat Kebijakan privasi (/privasi/)."),
    )
    notify_sms = forms.BooleanField(
        label=_("Saya setuju menerima kabar permohonan ini lewat SMS (bila WhatsApp tidak bisa)."),
        required=False,
    )
    bpjs_number = forms.CharField(
        label=_("Nomor kartu BPJS (opsional)"),
        max_length=13,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    complaint = forms.CharField(
        label=_("Keluhan"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Tuliskan keluhan singkat.")},
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        required=True,
        error_messages={"required": _("Persetujuan pemrosesan data pribadi wajib dicentang.")},
    )
    submit_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, hospital_slug=None, service=None, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = selectors.services_for_booking(hospital_slug)
        self.chosen_service = service or self._posted_service()
        self.open_days = []
        if self.chosen_service is not None:
            # The service is chosen (step 1): only its open days with quota left are offered.
            self.fields["service"].widget = forms.HiddenInput()
            self.initial.setdefault("service", self.chosen_service.pk)
            self.open_days = selectors.service_open_days(self.chosen_service, now=now)
            self.fields["visit_date"].widget.choices = [(d["date"].isoformat(), day_label(d)) for d in self.open_days]
            if self.open_days:
                self.initial.setdefault("visit_date", self.open_days[0]["date"].isoformat())
        if not self.is_bound:
            self.initial.setdefault("submit_token", uuid.uuid4().hex)

    def _posted_service(self):
        if not self.is_bound:
            return None
        try:
            return self.fields["service"].clean(self.data.get("service"))
        except ValidationError:
            return None

    def today_closed(self):
        """True when today is not offered though it is in the window (closed, ended or full)."""
        return bool(self.open_days) and self.open_days[0]["date"] != timezone.localdate()


def day_label(day):
    """ "Senin, 1 Desember 2026 — sisa 12 kuota (dr. Ani 08:00–12:00)": how an open day is offered."""
    sessions = "; ".join(f"{s['doctor_name']} {s['starts_at']:%H:%M}–{s['ends_at']:%H:%M}" for s in day["sessions"])
    return _("%(day)s — sisa %(n)s kuota (%(sessions)s)") % {
        "day": date_format(day["date"], "l, j F Y"),
        "n": day["remaining"],
        "sessions": sessions,
    }


class ServicePickForm(QueryForm):
    """Step 1 of booking (?layanan=<id>): which service, so the form can offer its open days."""

    layanan = forms.ModelChoiceField(
        label=_("Rumah sakit dan layanan"),
        queryset=Service.objects.none(),
        empty_label=_("— pilih layanan —"),
        error_messages={"required": _("Pilih rumah sakit dan layanan."), "invalid_choice": _("Layanan tidak dikenal.")},
    )
    rs = forms.SlugField(required=False, max_length=80, widget=forms.HiddenInput)

    def __init__(self, *args, hospital_slug=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["layanan"].queryset = selectors.services_for_booking(hospital_slug)
        self.fields["layanan"].label_from_instance = lambda obj: f"{obj.hospital.name} — {obj.name}"


class BedCountForm(forms.Form):
    """One class row of the clerk's quick form."""

    code = forms.ChoiceField(label=_("Kelas"), choices=[("", "—"), *CLASS_LABELS.items()], required=False)
    room_name = forms.CharField(label=_("Nama ruang (kelas Lainnya)"), max_length=120, required=False)
    capacity = forms.IntegerField(
        label=_("Kapasitas"),
        min_value=0,
        max_value=2000,
        required=False,
        error_messages={"min_value": _("Jumlah tidak boleh negatif.")},
    )
    available = forms.IntegerField(
        label=_("Tersedia"),
        min_value=0,
        max_value=2000,
        required=False,
        error_messages={"min_value": _("Jumlah tidak boleh negatif.")},
    )

    def clean(self):
        data = super().clean()
        code = data.get("code")
        if not code:
            return data
        if data.get("capacity") is None or data.get("available") is None:
            raise ValidationError(_("Isi kapasitas dan tersedia."))
        if data["available"] > data["capacity"]:
            raise ValidationError(_("Tempat tidur tersedia tidak boleh melebihi kapasitas."))
        if code == LAINNYA and not data.get("room_name"):
            raise ValidationError(_("Kelas Lainnya wajib diberi nama ruang."))
        if code != LAINNYA:
            data["room_name"] = ""
        return data


BedCountFormSet = forms.formset_factory(BedCountForm, extra=2)
# The clerk's phone page lists the classes the hospital has (new classes: the admin form above).
ClerkBedFormSet = forms.formset_factory(BedCountForm, extra=0)


def _count_field(label, **kwargs):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=2000,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 2000}),
        error_messages={
            "min_value": _("Jumlah tidak boleh negatif."),
            "max_value": _("Jumlah paling banyak %(limit_value)s."),
            "invalid": _("Isi dengan angka bulat."),
        },
        **kwargs,
    )


class IgdForm(forms.Form):
    """The emergency room (IGD) as SIRANAP shows it; empty = not reported."""

    igd_available = _count_field(_("Tempat tidur IGD kosong"))
    igd_waiting = _count_field(_("Pasien IGD menunggu"))
    igd_capacity = _count_field(_("Jumlah tempat tidur IGD"), help_text=_("Opsional."))

    def clean(self):
        data = super().clean()
        capacity, available = data.get("igd_capacity"), data.get("igd_available")
        if capacity is not None and available is not None and available > capacity:
            raise ValidationError(_("Tempat tidur IGD kosong tidak boleh melebihi jumlah tempat tidur IGD."))
        return data

    def igd(self):
        data = self.cleaned_data
        return {
            "capacity": data.get("igd_capacity"),
            "available": data.get("igd_available"),
            "waiting": data.get("igd_waiting"),
        }


def igd_initial(hospital):
    return {
        "igd_available": hospital.igd_available,
        "igd_waiting": hospital.igd_waiting,
        "igd_capacity": hospital.igd_capacity,
    }


def bed_formset_initial(hospital):
    existing = {(b.code, b.room_name): b for b in hospital.bed_classes.all()}
    rows = []
    order = list(CANONICAL_CLASSES) + [LAINNYA]
    for (code, room), bed in sorted(existing.items(), key=lambda kv: (order.index(kv[0][0]), kv[0][1])):
        rows.append(
            {"code": code, "room_name": room, "capacity": bed.capacity, "available": bed.available, "label": bed.label}
        )
    return rows


class RejectForm(forms.Form):
    """The reason asked on the admin's "tolak" confirmation page (sent to the citizen)."""

    reason = forms.CharField(
        label=_("Alasan penolakan"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Dikirim ke warga bersama status Ditolak."),
        error_messages={"required": _("Alasan penolakan wajib diisi.")},
    )


# Write-only credential fields of the admin form -> the model field each one sets.
CREDENTIAL_FIELDS = {
    "new_feed_token": "feed_token",
    "new_feed_user": "feed_user",
    "new_feed_secret": "feed_secret",
    "new_feed_user_key": "feed_user_key",
    "new_feed_token_url": "feed_token_url",
}
KEEP_HELP = _("Biarkan kosong untuk tetap memakai yang lama. Nilai tersimpan tidak pernah ditampilkan.")


def _secret_field(label, help_text=KEEP_HELP):
    return forms.CharField(
        label=label,
        required=False,
        max_length=1000,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=help_text,
    )


class HospitalFeedForm(forms.ModelForm):
    """Admin form: feed credentials are write-only (never rendered back, docs/feeds/AUTH.md)."""

    new_feed_token = _secret_field(_("Token feed baru (skema Bearer)"))
    new_feed_user = _secret_field(_("Kode RS / consumer id / client id baru"))
    new_feed_secret = _secret_field(_("Kata sandi / secret key / client secret baru"))
    new_feed_user_key = _secret_field(_("User key BPJS baru (opsional)"))
    new_feed_token_url = _secret_field(
        _("Alamat token SATUSEHAT baru"),
        # format_lazy: "+" would join the two texts once, at import, in Bahasa.
        help_text=format_lazy("{}{}", _("Mis. https://api-satusehat.kemkes.go.id/oauth2/v1/accesstoken. "), KEEP_HELP),
    )
    clear_feed_token = forms.BooleanField(
        label=_("Hapus semua kredensial feed tersimpan"),
        required=False,
        help_text=_("Centang untuk menghapus token, kode, kata sandi dan kunci yang tersimpan."),
    )

    class Meta:
        model = Hospital
        fields = [
            "name",
            "slug",
            "type",
            "kecamatan",
            "address",
            "phone",
            "igd_phone",
            "location",
            "is_active",
            "booking_window_days",
            "feed_url",
            "feed_format",
            "feed_auth",
            "sync_interval_minutes",
            "stale_after_minutes",
        ]

    def credentials(self):
        """{model field: new plain value} of the credentials typed in this form."""
        return {
            model: self.cleaned_data[name] for name, model in CREDENTIAL_FIELDS.items() if self.cleaned_data.get(name)
        }

    def clean(self):
        data = super().clean()
        # The model's clean() checks the scheme against the credentials it will have after saving.
        if data.get("clear_feed_token"):
            for model_field in CREDENTIAL_FIELDS.values():
                setattr(self.instance, model_field, "")
        for model_field, value in self.credentials().items():
            setattr(self.instance, model_field, value)
        return data


class AccessCodeForm(forms.Form):
    """The one-time code e-mailed to the citizen (see/delete their personal data)."""

    code = forms.RegexField(
        label=_("Kode dari email"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"required": _("Isi kode dari email."), "invalid": _("Kode terdiri dari 6 digit angka.")},
    )


class EraseConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Saya mengerti: data pribadi permohonan ini dihapus permanen dan permohonan yang belum dilayani dibatalkan."
        ),
        error_messages={"required": _("Centang kotak konfirmasi untuk menghapus data.")},
    )


class BookingCodeField(forms.CharField):
    """A booking code as people type it (spaces, dashes, lower case), normalised to ABCD234567."""

    def to_python(self, value):
        return selectors.normalize_booking_code(super().to_python(value))


class BookingLookupForm(QueryForm):
    """The "find my request" box (board, tracking, check-in): a booking code is letters and digits only."""

    kode = BookingCodeField(
        label=_("Kode booking"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        validators=[
            RegexValidator(
                r"^[A-Z0-9]+$", _("Kode booking hanya berisi huruf dan angka, mis. ABCD234567."), code="booking_code"
            )
        ],
        error_messages={
            "required": _("Masukkan kode booking Anda."),
            "max_length": _("Kode booking paling banyak %(limit_value)d karakter."),
        },
    )


def _coordinate_errors(name, low, high):
    return bounded_errors(
        _("%(name)s harus berupa angka desimal %(low)s sampai %(high)s."), name=name, low=low, high=high
    )


class HospitalQueryForm(QueryForm):
    """/api/v1/hospitals/'s parameters: filters as free text (unknown values match nothing) and
    the client's position, bounded, for sorting by distance."""

    kelas = forms.CharField(required=False, max_length=32, help_text=_("Kode kelas, mis. ICU"))
    kecamatan = forms.CharField(required=False, max_length=100, help_text=_("Slug kecamatan"))
    jenis = forms.CharField(required=False, max_length=32, help_text=_("Jenis RS: RSUD, SWASTA, …"))
    lat = forms.FloatField(
        required=False,
        min_value=-90,
        max_value=90,
        help_text=_("Lintang pengguna (urut terdekat)"),
        error_messages=_coordinate_errors("lat", -90, 90),
    )
    lon = forms.FloatField(
        required=False,
        min_value=-180,
        max_value=180,
        help_text=_("Bujur pengguna (urut terdekat)"),
        error_messages=_coordinate_errors("lon", -180, 180),
    )

    def point(self):
        from django.contrib.gis.geos import Point

        lat, lon = self.cleaned_data.get("lat"), self.cleaned_data.get("lon")
        return Point(lon, lat, srid=4326) if lat is not None and lon is not None else None


class QueueActionForm(forms.Form):
    """A button of the clerk's queue screen."""

    action = forms.ChoiceField(
        choices=[(a, a) for a in ("call_next", "recall", "skip", "no_show", "start", "finish")],
        error_messages={"required": _("Aksi tidak dikenal."), "invalid_choice": _("Aksi tidak dikenal.")},
    )
    kode = BookingCodeField(required=False, max_length=20)


class DeskForm(forms.Form):
    loket = forms.CharField(label=_("Loket"), max_length=20, required=False, help_text=_("Mis. Loket 2"))


# --- "Kabari saya" ---------------------------------------------------------------------------


class BedAlertPrefillForm(QueryForm):
    """GET parameters of /kesehatan/kabari/: a class (?kelas=ICU) and a hospital (?rs=slug) to start from."""

    kelas = forms.ChoiceField(required=False)
    rs = forms.SlugField(required=False, max_length=80)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kelas"].choices = selectors.bed_alert_class_choices()


class KecamatanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class DesaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.kecamatan.name})"


class BedAlertForm(forms.Form):
    """ "Kabari saya": which class, where (a circle around a point or a list of kecamatan), how to tell."""

    AREA_RADIUS, AREA_KECAMATAN = "radius", "kecamatan"
    POINT_LOCATION, POINT_DESA, POINT_KECAMATAN = "lokasi", "desa", "kecamatan"

    kelas = forms.ChoiceField(
        label=_("Kelas tempat tidur"),
        required=False,
        error_messages={"invalid_choice": _("Pilih kelas dari daftar.")},
    )
    wilayah = forms.ChoiceField(
        label=_("Wilayah"),
        widget=forms.RadioSelect,
        choices=[
            (AREA_RADIUS, _("Dalam radius dari sebuah titik")),
            (AREA_KECAMATAN, _("Di kecamatan yang saya pilih")),
        ],
        error_messages={"required": _("Pilih wilayah."), "invalid_choice": _("Pilih wilayah dari daftar.")},
    )
    radius_km = forms.IntegerField(
        label=_("Radius (km)"),
        required=False,
        min_value=1,
        max_value=100,
        initial=10,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Radius harus berupa angka km."),
            "min_value": _("Radius paling kecil 1 km."),
            "max_value": _("Radius paling besar 100 km."),
        },
    )
    titik = forms.ChoiceField(
        label=_("Titik pusat"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            (POINT_LOCATION, _("Lokasi saya sekarang (dari peramban)")),
            (POINT_DESA, _("Desa/kelurahan")),
            (POINT_KECAMATAN, _("Kecamatan")),
        ],
        error_messages={"invalid_choice": _("Pilih titik pusat dari daftar.")},
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    titik_desa = DesaChoiceField(
        label=_("Desa/kelurahan"),
        required=False,
        queryset=None,
        empty_label=_("— pilih desa —"),
        error_messages={"invalid_choice": _("Desa tidak dikenal.")},
    )
    titik_kecamatan = KecamatanChoiceField(
        label=_("Kecamatan titik pusat"),
        required=False,
        queryset=None,
        empty_label=_("— pilih kecamatan —"),
        error_messages={"invalid_choice": _("Kecamatan tidak dikenal.")},
    )
    kecamatan = forms.ModelMultipleChoiceField(
        label=_("Kecamatan"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Kecamatan tidak dikenal."),
            "invalid_pk_value": _("Kecamatan tidak dikenal."),
        },
    )
    phone = forms.CharField(
        label=_("Nomor WhatsApp/HP"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    whatsapp = forms.BooleanField(label=_("Saya setuju dikabari lewat WhatsApp."), required=False)
    sms = forms.BooleanField(label=_("Saya setuju dikabari lewat SMS."), required=False)
    push = forms.BooleanField(
        label=_("Kabari saya lewat notifikasi browser di perangkat ini."),
        required=False,
        help_text=_("Setelah disimpan, peramban akan meminta izin Anda."),
    )

    def __init__(self, *args, user=None, **kwargs):
        from blitar_portal.regions.models import Desa, Kecamatan

        super().__init__(*args, **kwargs)
        self.signed_in = bool(user is not None and user.is_authenticated)
        self.fields["kelas"].choices = selectors.bed_alert_class_choices()
        kecamatan = Kecamatan.objects.only("id", "name").order_by("name")
        self.fields["titik_kecamatan"].queryset = kecamatan
        self.fields["kecamatan"].queryset = kecamatan
        self.fields["kecamatan"].label_from_instance = lambda obj: obj.name
        self.fields["titik_desa"].queryset = (
            Desa.objects.select_related("kecamatan").only("id", "name", "kecamatan__name").order_by("name")
        )
        if not self.signed_in:
            del self.fields["push"]
            self.fields["phone"].help_text = _("Wajib bila tidak masuk akun. Mis. 0812 3456 7890.")
        else:
            self.fields["phone"].help_text = _("Kosongkan untuk memakai nomor di pengaturan notifikasi Anda.")

    def clean_phone(self):
        from blitar_portal.notifications.services import e164

        value = self.cleaned_data["phone"].strip()
        if not value:
            return ""
        try:
            return e164(value)
        except ValidationError:
            raise ValidationError(_("Nomor HP tidak valid. Contoh: 0812 3456 7890.")) from None

    def clean(self):
        data = super().clean()
        errors = {}
        if data.get("wilayah") == self.AREA_RADIUS:
            if data.get("radius_km") is None and "radius_km" not in self.errors:
                errors["radius_km"] = _("Isi radius dalam km.")
            point = data.get("titik")
            if not point:
                errors["titik"] = _("Pilih titik pusat: lokasi Anda, sebuah desa atau kecamatan.")
            elif point == self.POINT_LOCATION and (data.get("lat") is None or data.get("lon") is None):
                errors["titik"] = _(
                    "Lokasi Anda belum terbaca. Tekan \u201cPakai lokasi saya\u201d atau pilih desa/kecamatan."
                )
            elif point == self.POINT_DESA and not data.get("titik_desa") and "titik_desa" not in self.errors:
                errors["titik_desa"] = _("Pilih desa/kelurahan.")
            elif (
                point == self.POINT_KECAMATAN
                and not data.get("titik_kecamatan")
                and "titik_kecamatan" not in self.errors
            ):
                errors["titik_kecamatan"] = _("Pilih kecamatan.")
        elif (
            data.get("wilayah") == self.AREA_KECAMATAN and not data.get("kecamatan") and "kecamatan" not in self.errors
        ):
            errors["kecamatan"] = _("Pilih paling sedikit satu kecamatan.")
        phone_channel = data.get("whatsapp") or data.get("sms")
        if phone_channel and not data.get("phone") and "phone" not in self.errors and not self.signed_in:
            errors["phone"] = _("Isi nomor WhatsApp/HP untuk menerima kabar lewat WhatsApp atau SMS.")
        if not self.signed_in and not phone_channel:
            errors["whatsapp"] = _("Pilih WhatsApp atau SMS, atau masuk akun untuk notifikasi browser.")
        if self.signed_in and not phone_channel and not data.get("push"):
            errors["whatsapp"] = _("Pilih cara kami mengabari Anda: WhatsApp, SMS atau notifikasi browser.")
        if errors:
            raise ValidationError(errors)
        return data

    def consents(self):
        return [c for c in ("whatsapp", "sms", "push") if self.cleaned_data.get(c)]

    def area(self):
        """(center Point or None, radius km or None, [kecamatan], label) from the valid form."""
        from django.contrib.gis.geos import Point

        data = self.cleaned_data
        if data["wilayah"] == self.AREA_KECAMATAN:
            chosen = list(data["kecamatan"])
            return None, None, chosen, ", ".join(k.name for k in chosen)
        radius = data["radius_km"]
        if data["titik"] == self.POINT_LOCATION:
            return (
                Point(data["lon"], data["lat"], srid=4326),
                radius,
                [],
                str(_("%(km)s km dari lokasi Anda") % {"km": radius}),
            )
        place = data["titik_desa"] if data["titik"] == self.POINT_DESA else data["titik_kecamatan"]
        center = place.geom.point_on_surface
        center.srid = 4326
        return center, radius, [], str(_("%(km)s km dari %(place)s") % {"km": radius, "place": place.name})
