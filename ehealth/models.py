"""E-Health: hospitals, bed availability per canonical class with history, feed syncs, service requests."""

import datetime

from django.conf import settings
from django.contrib.gis.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from blitar_portal.lib.crypto import EncryptedTextField

from .feeds import CLASS_LABELS, LAINNYA


def beds_are_stale(
    *,
    confirmed_at: datetime.datetime | None,
    stale_after_minutes: int,
    now: datetime.datetime,
) -> bool:
    """The one rule for "Data usang": a hospital's bed numbers are stale when they were never
    confirmed or were last confirmed more than `stale_after_minutes` ago.

    Freshness is the age of the last confirmed numbers whatever the source: a good sync, a
    clerk's save or a clerk's "angka masih benar" all confirm them (`beds_confirmed_at`). A
    failing feed does not make just-confirmed numbers stale (the board never says "usang —
    diperbarui baru saja"); staff see the failure itself (`feed_failing_since`, the error).

    Used through `Hospital.is_stale()` (hospital page, dashboard, /metrics), by the board's
    cached rows (`selectors.board`), and by the reporting score (`FreshSpan` ends where this
    rule turns a confirmation stale).
    """
    if confirmed_at is None:
        return True
    return now - confirmed_at > datetime.timedelta(minutes=stale_after_minutes)


def format_booking_code(code):
    """ABCDEF2345 -> ABC-DEF-2345 (the grouping printed on tickets; input accepts any grouping)."""
    code = str(code or "")
    return "-".join(part for part in (code[:3], code[3:6], code[6:]) if part)


def bed_class_label(code, room_name=""):
    """What a person reads for a class code: "Kelas 3", "ICU", "Lainnya: Ruang Kemo" (never KELAS_3)."""
    if code == LAINNYA:
        return f"{CLASS_LABELS[LAINNYA]}: {room_name}" if room_name else str(CLASS_LABELS[LAINNYA])
    return str(CLASS_LABELS.get(code, code))


class Hospital(models.Model):
    class Type(models.TextChoices):
        RSUD = "RSUD", _("RSUD (pemerintah daerah)")
        SWASTA = "SWASTA", _("RS swasta")
        TNI_POLRI = "TNI_POLRI", _("RS TNI/Polri")
        KHUSUS = "KHUSUS", _("RS khusus (ibu dan anak, dll.)")
        KLINIK = "KLINIK", _("Klinik utama rawat inap")

    class FeedFormat(models.TextChoices):
        FHIR = "fhir", "HL7 FHIR R4"
        APLICARES = "aplicares", "BPJS Aplicares"
        SIRS = "sirs", "Kemenkes SIRS RS Online"
        CSV = "csv", "CSV"

    class FeedAuth(models.TextChoices):
        # docs/feeds/AUTH.md; the scheme names are stored as they are there.
        NONE = "none", _("tanpa autentikasi")
        BEARER = "bearer", _("token (Bearer)")
        SIRS = "sirs", _("Kemenkes RS Online (kode RS + kata sandi)")
        BPJS = "bpjs", _("BPJS Kesehatan (consumer id + secret key)")
        SATUSEHAT = "satusehat", _("SATUSEHAT (OAuth 2.0 client credentials)")

    class SyncStatus(models.TextChoices):
        NEVER = "never", _("belum pernah")
        OK = "ok", _("berhasil")
        ERROR = "error", _("gagal")

    slug = models.SlugField(_("slug (alamat halaman)"), max_length=80, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    type = models.CharField(_("jenis"), max_length=12, choices=Type.choices, default=Type.SWASTA)
    kecamatan = models.ForeignKey(
        "regions.Kecamatan", on_delete=models.PROTECT, related_name="hospitals", verbose_name=_("kecamatan")
    )
    address = models.CharField(_("alamat"), max_length=255)
    phone = models.CharField(_("telepon"), max_length=20, blank=True, help_text=_("Disimpan sebagai 62…"))
    igd_phone = models.CharField(_("telepon IGD"), max_length=20, blank=True)
    location = models.PointField(_("lokasi"), srid=4326, null=True, blank=True, spatial_index=True)
    is_active = models.BooleanField(_("tampil di papan"), default=True)
    booking_window_days = models.PositiveSmallIntegerField(
        _("jendela pendaftaran (hari)"), default=14, help_text=_("Berapa hari ke depan warga boleh mendaftar.")
    )
    feed_url = models.URLField(_("alamat feed"), max_length=500, blank=True)
    feed_format = models.CharField(_("format feed"), max_length=10, choices=FeedFormat.choices, blank=True)
    feed_auth = models.CharField(
        _("autentikasi feed"), max_length=10, choices=FeedAuth.choices, default=FeedAuth.NONE, blank=True
    )
    # Credentials (AUTH.md's model contract): encrypted at rest, never rendered back (the admin
    # form has write-only fields), never logged. Code reads them as plain text.
    feed_token = EncryptedTextField(_("token feed"), blank=True)
    feed_user = EncryptedTextField(_("kode RS / consumer id / client id"), blank=True)
    feed_secret = EncryptedTextField(_("kata sandi / secret key / client secret"), blank=True)
    feed_user_key = EncryptedTextField(_("user key BPJS"), blank=True)
    feed_token_url = EncryptedTextField(_("alamat token SATUSEHAT"), blank=True)
    sync_interval_minutes = models.PositiveSmallIntegerField(_("interval sinkronisasi (menit)"), default=5)
    stale_after_minutes = models.PositiveSmallIntegerField(
        _("dianggap usang setelah (menit)"), default=60, help_text=_("Data lebih tua dari ini ditandai usang.")
    )
    last_sync_at = models.DateTimeField(_("sinkronisasi terakhir"), null=True, blank=True)
    last_sync_status = models.CharField(
        _("status sinkronisasi"), max_length=8, choices=SyncStatus.choices, default=SyncStatus.NEVER
    )
    last_sync_message = models.TextField(_("pesan sinkronisasi terakhir"), blank=True)
    last_success_at = models.DateTimeField(_("sinkronisasi berhasil terakhir"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("gagal berturut-turut"), default=0)
    # When the current run of failed syncs began (None while the feed works): "gagal sejak 09:10".
    feed_failing_since = models.DateTimeField(_("feed gagal sejak"), null=True, blank=True)
    next_sync_at = models.DateTimeField(_("sinkronisasi berikutnya"), null=True, blank=True, db_index=True)
    # When the numbers were last confirmed (a successful sync, a clerk's save or "angka masih benar").
    beds_confirmed_at = models.DateTimeField(_("data dikonfirmasi"), null=True, blank=True)
    # Emergency room (IGD) as SIRANAP shows it; None = not reported. Set by the clerk (the work
    # page) or by a feed that carries it (CSV kelas IGD, FHIR ER location).
    igd_capacity = models.PositiveIntegerField(_("tempat tidur IGD"), null=True, blank=True)
    igd_available = models.PositiveIntegerField(_("tempat tidur IGD kosong"), null=True, blank=True)
    igd_waiting = models.PositiveIntegerField(_("pasien IGD menunggu"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("rumah sakit")
        verbose_name_plural = _("rumah sakit")

    def __str__(self):
        return self.name

    @property
    def has_feed(self):
        return bool(self.feed_url and self.feed_format)

    def clean(self):
        """Phones are stored as 62… digits (tel: links); a feed needs both URL and format."""
        from django.core.exceptions import ValidationError

        from blitar_portal.lib.validators import normalize_phone

        errors = {}
        for field in ("phone", "igd_phone"):
            if getattr(self, field):
                try:
                    setattr(self, field, normalize_phone(getattr(self, field)))
                except ValidationError as exc:
                    errors[field] = exc.messages
        if bool(self.feed_url) != bool(self.feed_format):
            errors["feed_format"] = [_("Isi alamat feed dan formatnya bersama-sama.")]
        if self.feed_token_url:
            from django.core.validators import URLValidator

            try:
                URLValidator(schemes=["http", "https"])(self.feed_token_url)
            except ValidationError:
                errors["feed_auth"] = [_("Alamat token harus berupa URL http:// atau https://.")]
        missing = self.missing_credentials()
        if missing:
            errors.setdefault("feed_auth", []).append(
                _("Autentikasi %(scheme)s memerlukan: %(fields)s.")
                % {"scheme": self.get_feed_auth_display(), "fields": ", ".join(str(f) for f in missing)}
            )
        if errors:
            raise ValidationError(errors)

    # What each scheme needs (AUTH.md's table), as model fields.
    AUTH_NEEDS = {
        "bearer": ("feed_token",),
        "sirs": ("feed_user", "feed_secret"),
        "bpjs": ("feed_user", "feed_secret"),
        "satusehat": ("feed_token_url", "feed_user", "feed_secret"),
    }

    def missing_credentials(self):
        """Labels of the credentials the feed's scheme needs and this hospital lacks."""
        if not self.has_feed:
            return []
        needs = self.AUTH_NEEDS.get(self.feed_auth, ())
        return [self._meta.get_field(name).verbose_name for name in needs if not getattr(self, name)]

    def is_stale(self, now: datetime.datetime | None = None) -> bool:
        """Whether the board marks this hospital's numbers "Data usang" (`beds_are_stale`)."""
        return beds_are_stale(
            confirmed_at=self.beds_confirmed_at,
            stale_after_minutes=self.stale_after_minutes,
            now=now or timezone.now(),
        )


class BedClass(models.Model):
    """Capacity (beds in service) and available beds of one canonical class at one hospital."""

    CODE_CHOICES = [(code, label) for code, label in CLASS_LABELS.items()]

    hospital = models.ForeignKey(
        Hospital, on_delete=models.CASCADE, related_name="bed_classes", verbose_name=_("rumah sakit")
    )
    code = models.CharField(_("kelas"), max_length=16, choices=CODE_CHOICES)
    room_name = models.CharField(_("nama ruang"), max_length=120, blank=True, help_text=_("Wajib untuk kelas Lainnya."))
    capacity = models.PositiveIntegerField(_("kapasitas"), default=0)
    available = models.PositiveIntegerField(_("tersedia"), default=0)
    # Of the available beds: for men, for women, for either; None where the feed does not say.
    available_male = models.PositiveIntegerField(_("tersedia pria"), null=True, blank=True)
    available_female = models.PositiveIntegerField(_("tersedia wanita"), null=True, blank=True)
    available_either = models.PositiveIntegerField(_("tersedia pria/wanita"), null=True, blank=True)
    updated_at = models.DateTimeField(_("diubah"), default=timezone.now)

    class Meta:
        ordering = ["hospital", "code", "room_name"]
        verbose_name = _("kelas tempat tidur")
        verbose_name_plural = _("kelas tempat tidur")
        constraints = [
            models.UniqueConstraint(fields=["hospital", "code", "room_name"], name="ehealth_bedclass_unique"),
            models.CheckConstraint(
                condition=models.Q(available__lte=models.F("capacity")), name="ehealth_bedclass_available_lte_capacity"
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return bed_class_label(self.code, self.room_name)

    @property
    def occupied(self):
        return self.capacity - self.available


class SyncRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("berjalan")
        OK = "ok", _("berhasil")
        ERROR = "error", _("gagal")
        SKIPPED = "skipped", _("dilewati")

    hospital = models.ForeignKey(
        Hospital, on_delete=models.CASCADE, related_name="sync_runs", verbose_name=_("rumah sakit")
    )
    started_at = models.DateTimeField(_("mulai"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("durasi (ms)"), default=0)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.RUNNING)
    trigger = models.CharField(
        _("pemicu"), max_length=20, default="beat", help_text=_("asal: beat (terjadwal), admin, command, test")
    )
    attempt = models.PositiveSmallIntegerField(_("percobaan ke"), default=1)
    message = models.TextField(_("pesan"), blank=True)
    rows = models.PositiveIntegerField(_("baris"), default=0)
    classes_changed = models.PositiveIntegerField(_("kelas berubah"), default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("log sinkronisasi")
        verbose_name_plural = _("log sinkronisasi")
        indexes = [models.Index(fields=["hospital", "-started_at"])]

    def __str__(self):
        return f"{self.hospital} {self.started_at:%Y-%m-%d %H:%M} {self.status}"


class FreshSpan(models.Model):
    """A stretch of time during which a hospital's numbers were fresh (`beds_are_stale` false).

    Each confirmation extends the open span to confirmed_at + stale_after_minutes, or starts a
    new one after a gap: one row per unbroken fresh period, whatever the sync interval. The
    public reporting score is the share of the last 30 days these spans cover.
    """

    hospital = models.ForeignKey(
        Hospital, on_delete=models.CASCADE, related_name="fresh_spans", verbose_name=_("rumah sakit")
    )
    started_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("berakhir"))

    class Meta:
        ordering = ["-ends_at"]
        verbose_name = _("periode data segar")
        verbose_name_plural = _("periode data segar")
        indexes = [models.Index(fields=["hospital", "-ends_at"])]

    def __str__(self):
        return f"{self.hospital_id} {self.started_at:%Y-%m-%d %H:%M}–{self.ends_at:%Y-%m-%d %H:%M}"


class BedCountChange(models.Model):
    class Source(models.TextChoices):
        USER = "user", _("petugas")
        FEED = "feed", _("feed")

    hospital = models.ForeignKey(
        Hospital, on_delete=models.CASCADE, related_name="bed_changes", verbose_name=_("rumah sakit")
    )
    bed_class = models.ForeignKey(
        BedClass, on_delete=models.SET_NULL, null=True, related_name="changes", verbose_name=_("kelas tempat tidur")
    )
    code = models.CharField(_("kode kelas"), max_length=16)
    room_name = models.CharField(_("nama ruang"), max_length=120, blank=True)
    source = models.CharField(_("sumber"), max_length=8, choices=Source.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("petugas")
    )
    sync_run = models.ForeignKey(
        SyncRun, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("sinkronisasi")
    )
    old_capacity = models.PositiveIntegerField(_("kapasitas lama"), null=True, blank=True)
    new_capacity = models.PositiveIntegerField(_("kapasitas baru"))
    old_available = models.PositiveIntegerField(_("tersedia lama"), null=True, blank=True)
    new_available = models.PositiveIntegerField(_("tersedia baru"))
    changed_at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        ordering = ["-changed_at"]
        verbose_name = _("riwayat jumlah tempat tidur")
        verbose_name_plural = _("riwayat jumlah tempat tidur")
        indexes = [models.Index(fields=["hospital", "changed_at"]), models.Index(fields=["changed_at"])]

    def __str__(self):
        old = "–" if self.old_available is None else self.old_available
        return f"{self.label} {old}→{self.new_available}"

    @property
    def label(self):
        return bed_class_label(self.code, self.room_name)


class HospitalMembership(models.Model):
    """Links a `Petugas RS` user to the hospital they work for."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="hospital_memberships",
        verbose_name=_("pengguna"),
    )
    hospital = models.ForeignKey(
        Hospital, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("rumah sakit")
    )

    class Meta:
        verbose_name = _("petugas rumah sakit")
        verbose_name_plural = _("petugas rumah sakit")
        constraints = [models.UniqueConstraint(fields=["user", "hospital"], name="ehealth_membership_unique")]

    def __str__(self):
        return f"{self.user} @ {self.hospital}"


class Service(models.Model):
    class Kind(models.TextChoices):
        POLI = "poli", _("Poliklinik")
        RAWAT_INAP = "rawat_inap", _("Permohonan rawat inap")
        LAINNYA = "lainnya", _("Layanan lain")

    hospital = models.ForeignKey(
        Hospital, on_delete=models.CASCADE, related_name="services", verbose_name=_("rumah sakit")
    )
    name = models.CharField(_("nama layanan"), max_length=120)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices, default=Kind.POLI)
    daily_quota = models.PositiveSmallIntegerField(_("kuota harian"), default=30)
    avg_service_minutes = models.PositiveSmallIntegerField(_("rata-rata menit per pasien"), default=10)
    opens_at = models.TimeField(_("jam buka"), default=datetime.time(8, 0))
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["hospital", "kind", "name"]
        verbose_name = _("layanan")
        verbose_name_plural = _("layanan")
        constraints = [models.UniqueConstraint(fields=["hospital", "name"], name="ehealth_service_unique_name")]

    def __str__(self):
        return f"{self.name} — {self.hospital.name}" if self.hospital_id else self.name


class ServiceSchedule(models.Model):
    """One doctor's session of a service on a weekday (a service is open on a day only when it has one)."""

    class Weekday(models.IntegerChoices):
        SENIN = 0, pgettext_lazy("hari", "Senin")
        SELASA = 1, pgettext_lazy("hari", "Selasa")
        RABU = 2, pgettext_lazy("hari", "Rabu")
        KAMIS = 3, pgettext_lazy("hari", "Kamis")
        JUMAT = 4, pgettext_lazy("hari", "Jumat")
        SABTU = 5, pgettext_lazy("hari", "Sabtu")
        MINGGU = 6, pgettext_lazy("hari", "Minggu")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules", verbose_name=_("layanan"))
    weekday = models.PositiveSmallIntegerField(_("hari"), choices=Weekday.choices)
    starts_at = models.TimeField(_("jam mulai"))
    ends_at = models.TimeField(_("jam selesai"))
    doctor_name = models.CharField(_("nama dokter"), max_length=120)

    class Meta:
        ordering = ["service", "weekday", "starts_at"]
        verbose_name = _("jadwal dokter")
        verbose_name_plural = _("jadwal dokter")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="ehealth_schedule_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M} {self.doctor_name}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": [_("Jam selesai harus setelah jam mulai.")]})


class ServiceDay(models.Model):
    """One service on one date: the row locked (select_for_update) while a booking counts the quota
    and takes a number, so concurrent bookings never exceed the quota."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="days", verbose_name=_("layanan"))
    date = models.DateField(_("tanggal"))
    last_number = models.PositiveIntegerField(_("nomor antrean terakhir"), default=0)

    class Meta:
        verbose_name = _("hari layanan")
        verbose_name_plural = _("hari layanan")
        constraints = [models.UniqueConstraint(fields=["service", "date"], name="ehealth_serviceday_unique")]

    def __str__(self):
        return f"{self.service_id} {self.date}"


class ServiceRequest(models.Model):
    class Status(models.TextChoices):
        DIAJUKAN = "diajukan", _("Diajukan")
        DITERIMA = "diterima", _("Diterima")
        DILAYANI = "dilayani", _("Sedang dilayani")
        SELESAI = "selesai", _("Selesai")
        DITOLAK = "ditolak", _("Ditolak")
        DIBATALKAN = "dibatalkan", _("Dibatalkan")
        TIDAK_HADIR = "tidak_hadir", _("Tidak hadir")

    class Erasure(models.TextChoices):
        RETENTION = "retensi", _("masa simpan habis")
        CANCELLED = "dibatalkan", _("permohonan dibatalkan")
        CITIZEN = "warga", _("atas permintaan warga")

    code = models.CharField(_("kode booking"), max_length=12, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_requests",
        verbose_name=_("akun warga"),
    )
    hospital = models.ForeignKey(
        Hospital, on_delete=models.PROTECT, related_name="service_requests", verbose_name=_("rumah sakit")
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="requests", verbose_name=_("layanan"))
    visit_date = models.DateField(_("tanggal kunjungan"))
    queue_number = models.PositiveIntegerField(_("nomor antrean"))
    estimated_time = models.TimeField(_("perkiraan jam layanan"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DIAJUKAN)
    reject_reason = models.TextField(_("alasan penolakan"), blank=True)
    # Personal data (docs/privacy.md): blank once erased (PERSONAL_FIELDS, personal_data_erased_at).
    # NIK, BPJS number and complaint are encrypted at rest; services.service_request_create
    # requires them where the form does.
    name = models.CharField(_("nama pasien"), max_length=120, blank=True)
    nik = EncryptedTextField(_("NIK"), blank=True)
    nik_outside_regency = models.BooleanField(_("NIK luar kabupaten"), default=False)
    phone = models.CharField(_("nomor HP"), max_length=16, blank=True)
    email = models.EmailField(_("email"), blank=True)
    bpjs_number = EncryptedTextField(_("nomor kartu BPJS"), blank=True)
    complaint = EncryptedTextField(_("keluhan"), blank=True)
    # Where and how the citizen agreed to be told about this request (WhatsApp/SMS/e-mail consent);
    # deleted with the personal data.
    notification_contact = models.ForeignKey(
        "notifications.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("kontak notifikasi"),
    )
    personal_data_erased_at = models.DateTimeField(_("data pribadi dihapus"), null=True, blank=True, db_index=True)
    erasure_reason = models.CharField(_("alasan penghapusan"), max_length=12, choices=Erasure.choices, blank=True)
    consent_version = models.CharField(_("versi persetujuan"), max_length=20)
    consent_at = models.DateTimeField(_("waktu persetujuan"))
    submit_token = models.CharField(_("kunci kirim"), max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("waktu dibuat"), default=timezone.now, db_index=True)
    status_changed_at = models.DateTimeField(_("status diubah"), default=timezone.now)
    # When the request entered each status (null: never did, or not known for rows older than
    # these fields). Set only by services.service_request_set_status; see STATUS_TIME_FIELDS.
    accepted_at = models.DateTimeField(_("waktu diterima"), null=True, blank=True)
    served_at = models.DateTimeField(_("waktu mulai dilayani"), null=True, blank=True)
    completed_at = models.DateTimeField(_("waktu selesai"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("waktu ditolak"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("waktu dibatalkan"), null=True, blank=True)
    no_show_at = models.DateTimeField(_("waktu ditandai tidak hadir"), null=True, blank=True)
    # The live queue (services.service_request_check_in / queue_*): set on the visit day only.
    checked_in_at = models.DateTimeField(_("waktu check-in"), null=True, blank=True)
    called_at = models.DateTimeField(_("waktu dipanggil"), null=True, blank=True)
    first_called_at = models.DateTimeField(_("pertama dipanggil"), null=True, blank=True)
    call_count = models.PositiveSmallIntegerField(_("jumlah panggilan"), default=0)
    skipped_at = models.DateTimeField(_("waktu dilewati"), null=True, blank=True)
    desk = models.CharField(_("loket"), max_length=20, blank=True)
    turn_near_at = models.DateTimeField(_("diberi tahu giliran dekat"), null=True, blank=True)

    # What is erased after the retention period, on cancellation or at the citizen's request.
    PERSONAL_FIELDS = ("name", "nik", "phone", "email", "bpjs_number", "complaint", "reject_reason")

    # status -> the field stamped when a request enters it ("diajukan" is created_at).
    STATUS_TIME_FIELDS = {
        Status.DITERIMA: "accepted_at",
        Status.DILAYANI: "served_at",
        Status.SELESAI: "completed_at",
        Status.DITOLAK: "rejected_at",
        Status.DIBATALKAN: "cancelled_at",
        Status.TIDAK_HADIR: "no_show_at",
    }

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("permohonan layanan")
        verbose_name_plural = _("permohonan layanan")
        constraints = [
            models.UniqueConstraint(
                fields=["hospital", "service", "visit_date", "queue_number"], name="ehealth_request_unique_queue"
            ),
        ]
        indexes = [models.Index(fields=["service", "visit_date"]), models.Index(fields=["hospital", "status"])]

    def __str__(self):
        return self.code

    @property
    def code_display(self):
        """The code in groups people read aloud and type: KZD-YHC-B34G."""
        return format_booking_code(self.code)

    def status_history(self):
        """[(status label, time)] of the steps this request went through, oldest first (known times only)."""
        steps = [(self.Status.DIAJUKAN.label, self.created_at)]
        steps += [(self.Status(s).label, getattr(self, f)) for s, f in self.STATUS_TIME_FIELDS.items()]
        return sorted(((label, at) for label, at in steps if at is not None), key=lambda step: step[1])


class PersonalDataAccessCode(models.Model):
    """A one-time code e-mailed to the address of a request: proves the citizen holds it (see, delete data).

    Only a salted hash of the code is stored; it expires and allows a few attempts.
    """

    service_request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="access_codes", verbose_name=_("permohonan layanan")
    )
    code_hash = models.CharField(_("hash kode"), max_length=128)
    created_at = models.DateTimeField(_("waktu dibuat"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("kedaluwarsa"))
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    used_at = models.DateTimeField(_("waktu dipakai"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("kode akses data pribadi")
        verbose_name_plural = _("kode akses data pribadi")

    def __str__(self):
        return f"{self.service_request_id} {self.created_at:%Y-%m-%d %H:%M}"


class BedAlert(models.Model):
    """ "Kabari saya": a citizen asks to be told when a bed of a class becomes free near them.

    The area is a circle (`center` and `radius_km`: the browser's location, or the middle of a
    chosen desa/kecamatan) or a list of kecamatan. Active from `created_at` until `expires_at`
    (24 hours, `BED_ALERT_HOURS`, renewable) unless cancelled. Who is told and on which channels
    is the `contact`'s consent (notifications). The rule of when it fires is in
    `ehealth/services.py` (`bed_alerts_notify`), the rule of who matches in
    `ehealth/selectors.py` (`bed_alerts_matching`).
    """

    ANY_CLASS = ""

    contact = models.ForeignKey(
        "notifications.Contact",
        on_delete=models.CASCADE,
        related_name="bed_alerts",
        verbose_name=_("kontak notifikasi"),
    )
    # Blank: any class (the hospital's total number of free beds).
    bed_class = models.CharField(_("kelas"), max_length=16, blank=True, choices=BedClass.CODE_CHOICES)
    center = models.PointField(_("titik pusat"), srid=4326, null=True, blank=True)
    radius_km = models.PositiveSmallIntegerField(_("radius (km)"), null=True, blank=True)
    kecamatans = models.ManyToManyField("regions.Kecamatan", blank=True, related_name="+", verbose_name=_("kecamatan"))
    area_label = models.CharField(_("wilayah"), max_length=200, blank=True)
    # The secret of the renew/cancel links in every message (and on the confirmation page).
    token = models.CharField(_("kunci tautan"), max_length=43, unique=True)
    language = models.CharField(_("bahasa"), max_length=5, default="id")
    created_at = models.DateTimeField(_("waktu dibuat"), default=timezone.now)
    expires_at = models.DateTimeField(_("berakhir"), db_index=True)
    cancelled_at = models.DateTimeField(_("dibatalkan"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("kabari saya")
        verbose_name_plural = _("kabari saya")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(center__isnull=True) | models.Q(radius_km__isnull=False)),
                name="ehealth_bedalert_center_has_radius",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.bed_class or '*'} {self.area_label}"

    def is_active(self, now=None):
        now = now or timezone.now()
        return self.cancelled_at is None and self.expires_at > now

    @property
    def class_label(self):
        return bed_class_label(self.bed_class) if self.bed_class else str(_("semua kelas"))


class BedAlertSent(models.Model):
    """When an alert was last told about a hospital: the debounce of `bed_alerts_notify`
    (a 0 → 1 → 0 → 1 flap within `BED_ALERT_DEBOUNCE_MINUTES` is told once)."""

    alert = models.ForeignKey(BedAlert, on_delete=models.CASCADE, related_name="sent", verbose_name=_("kabari saya"))
    hospital = models.ForeignKey(
        Hospital, on_delete=models.CASCADE, related_name="+", verbose_name=_("rumah sakit"), db_index=False
    )
    notified_at = models.DateTimeField(_("waktu diberi tahu"))

    class Meta:
        verbose_name = _("kabar terkirim")
        verbose_name_plural = _("kabar terkirim")
        constraints = [
            models.UniqueConstraint(fields=["alert", "hospital"], name="ehealth_bedalertsent_unique"),
        ]

    def __str__(self):
        return f"{self.alert_id} {self.hospital_id} {self.notified_at:%Y-%m-%d %H:%M}"
