"""Gerakan Bangga Menanam: species, communities, campaigns, plantings, monitoring, aggregates.

Storage is SRID 4326; every metric figure (distances, areas, crown discs) is
computed in EPSG:32749 (UTM 49S). ClusterCell and CoverStat are derived tables:
they are rebuilt from Planting/Observation by services and never edited by hand.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from blitar_portal.lib.media import private_storage
from blitar_portal.regions.models import Desa, Kecamatan


class Species(models.Model):
    class Kind(models.TextChoices):
        PENEDUH = "peneduh", _("Peneduh")
        BUAH = "buah", _("Buah")
        KAYU = "kayu", _("Kayu")
        PERKEBUNAN = "perkebunan", _("Perkebunan")
        BAMBU = "bambu", _("Bambu")
        KONSERVASI = "konservasi", _("Konservasi")

    slug = models.SlugField(_("slug (alamat halaman)"), max_length=60, unique=True)
    local_name = models.CharField(_("nama lokal"), max_length=80)
    scientific_name = models.CharField(_("nama ilmiah"), max_length=120)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    crown_diameter_m = models.FloatField(
        _("diameter tajuk dewasa (m)"), validators=[MinValueValidator(0.5), MaxValueValidator(60)]
    )
    crown_source = models.CharField(_("sumber diameter tajuk"), max_length=200, blank=True)
    years_to_maturity = models.PositiveSmallIntegerField(
        _("tahun hingga dewasa"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    maturity_source = models.CharField(_("sumber umur dewasa"), max_length=200, blank=True)
    co2_kg_per_year = models.FloatField(
        _("serapan CO₂ per pohon dewasa (kg/tahun)"), validators=[MinValueValidator(0), MaxValueValidator(50000)]
    )
    co2_source = models.CharField(_("sumber serapan CO₂"), max_length=200, blank=True)

    class Meta:
        ordering = ["local_name"]
        verbose_name = _("spesies")
        verbose_name_plural = _("spesies")

    def __str__(self):
        return f"{self.local_name} ({self.scientific_name})"


class Community(models.Model):
    name = models.CharField(_("nama"), max_length=120)
    slug = models.SlugField(_("slug (alamat halaman)"), max_length=120, unique=True)
    description = models.TextField(_("deskripsi"), blank=True)
    kecamatan = models.ForeignKey(
        Kecamatan, verbose_name=_("kecamatan"), on_delete=models.SET_NULL, null=True, blank=True
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("anggota"), blank=True, related_name="tanam_communities"
    )
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("komunitas")
        verbose_name_plural = _("komunitas")

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A citizen's membership of a community (joined and left by the citizen, `services_community`).

    `listed`: the member agreed to have their name (first name, else a masked username) and their
    plantings shown on the community's public page; otherwise they only count in the member total.
    `Community.members` (the older, unused many-to-many) is no longer read; it goes next release.
    """

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("komunitas")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tanam_memberships", verbose_name=_("warga")
    )
    listed = models.BooleanField(_("tampilkan nama saya di halaman komunitas"), default=False)
    joined_at = models.DateTimeField(_("bergabung pada"), auto_now_add=True)
    listed_changed_at = models.DateTimeField(_("pilihan tampil diubah pada"), null=True, blank=True)

    class Meta:
        ordering = ["joined_at"]
        verbose_name = _("keanggotaan komunitas")
        verbose_name_plural = _("keanggotaan komunitas")
        constraints = [models.UniqueConstraint(fields=["community", "user"], name="tanam_membership_unique")]

    def __str__(self):
        return f"{self.user} → {self.community}"


class Campaign(models.Model):
    name = models.CharField(_("nama"), max_length=160)
    slug = models.SlugField(_("slug (alamat halaman)"), max_length=160, unique=True)
    description = models.TextField(_("deskripsi"), blank=True)
    target_trees = models.PositiveIntegerField(_("target pohon"), validators=[MinValueValidator(1)])
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("selesai"))
    kecamatan = models.ForeignKey(
        Kecamatan, verbose_name=_("kecamatan"), on_delete=models.SET_NULL, null=True, blank=True
    )
    organiser = models.ForeignKey(
        Community, verbose_name=_("penyelenggara"), on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("kampanye")
        verbose_name_plural = _("kampanye")

    def __str__(self):
        return self.name


# One pin may be a group planting. The cover method draws a group as one disc capped at a 50 m
# radius (~0.8 ha, tanam/cover.py); at a usual spacing of 3 x 3 m about 1,000 seedlings fill it.
# A larger planting covers ground the pin does not locate: register it as several pins.
MAX_TREES_PER_POINT = 1000
TREE_COUNT_ERRORS = {
    "invalid": _("Jumlah pohon harus berupa bilangan bulat."),
    "min_value": _("Jumlah pohon minimal 1."),
    "max_value": _(
        "Jumlah pohon maksimal 1.000 per titik. Penanaman yang lebih luas didaftarkan sebagai beberapa titik."
    ),
}


class TreeCondition(models.TextChoices):
    """A tree's condition at a check (Observation), denormalised as the planting's last one."""

    ALIVE = "alive", _("Hidup")
    DEAD = "dead", _("Mati")
    UNKNOWN = "unknown", _("Tidak diketahui")


class Planting(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu verifikasi")
        VERIFIED = "verified", _("Terverifikasi")
        REJECTED = "rejected", _("Ditolak")

    class Source(models.TextChoices):
        MAP = "map", _("Ketuk peta")
        GPS = "gps", _("Lokasi perangkat (GPS)")
        EXIF = "exif", _("GPS dari foto (EXIF)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("penanam"), on_delete=models.PROTECT, related_name="tanam_plantings"
    )
    point = models.PointField(_("titik"), srid=4326, spatial_index=True)
    gps_accuracy_m = models.FloatField(_("akurasi GPS (m)"), null=True, blank=True)
    location_source = models.CharField(_("sumber lokasi"), max_length=8, choices=Source.choices, default=Source.MAP)
    kecamatan = models.ForeignKey(Kecamatan, verbose_name=_("kecamatan"), on_delete=models.PROTECT, related_name="+")
    desa = models.ForeignKey(Desa, verbose_name=_("desa/kelurahan"), on_delete=models.PROTECT, related_name="+")
    species = models.ForeignKey(Species, verbose_name=_("spesies"), on_delete=models.PROTECT, related_name="plantings")
    tree_count = models.PositiveIntegerField(
        _("jumlah pohon"),
        default=1,
        validators=[
            MinValueValidator(1, TREE_COUNT_ERRORS["min_value"]),
            MaxValueValidator(MAX_TREES_PER_POINT, TREE_COUNT_ERRORS["max_value"]),
        ],
    )
    planted_on = models.DateField(_("tanggal tanam"))
    community = models.ForeignKey(
        Community,
        verbose_name=_("komunitas"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plantings",
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("kampanye"), on_delete=models.SET_NULL, null=True, blank=True, related_name="plantings"
    )
    # The sanitized photo and its renditions are private (blitar_portal/lib/media.py); `published`
    # holds the public copies of the renditions while the planting is verified, else {}.
    photo = models.FileField(_("foto"), upload_to="tanam/foto/", blank=True, storage=private_storage)
    renditions = models.JSONField(_("berkas gambar turunan"), default=dict, blank=True)
    published = models.JSONField(_("salinan publik"), default=dict, blank=True, editable=False)
    notes = models.TextField(_("catatan"), blank=True, max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    rejection_reason = models.CharField(_("alasan penolakan"), max_length=300, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diverifikasi oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("diverifikasi pada"), null=True, blank=True)
    # Denormalised from the latest Observation (survival figures without a join).
    condition = models.CharField(
        _("kondisi terakhir"), max_length=8, choices=TreeCondition.choices, default=TreeCondition.UNKNOWN
    )
    first_observed_on = models.DateField(_("pertama diperiksa"), null=True, blank=True)
    # Of the latest observation (surviving trees).
    last_observed_on = models.DateField(_("terakhir diperiksa"), null=True, blank=True)
    dead_since = models.DateField(_("mati sejak"), null=True, blank=True)
    # When the next re-check is due: tanam/schedule.py (written by the services, never by hand).
    next_check_on = models.DateField(_("pemeriksaan berikutnya"), null=True, blank=True)
    # Idempotency key made by the device (static/js/outbox.js, the register form): the same key
    # sent again (a retried sync, two tabs) gets the planting it already created.
    client_key = models.UUIDField(_("kunci perangkat"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("diubah pada"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("penanaman")
        verbose_name_plural = _("penanaman")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client_key"], condition=Q(client_key__isnull=False), name="tanam_pl_user_client_key"
            ),
        ]
        indexes = [
            GistIndex(fields=["point"], condition=Q(status="verified"), name="tanam_pl_verified_gist"),
            # Filters of the public map: each dimension with the planting date, so a
            # "species + year" filter is one index range (see tanam/clusters.py).
            models.Index(fields=["status", "species", "planted_on"], name="tanam_pl_status_species"),
            models.Index(fields=["status", "planted_on"], name="tanam_pl_status_planted"),
            models.Index(fields=["status", "kecamatan", "planted_on"], name="tanam_pl_status_kec"),
            models.Index(fields=["status", "desa"], name="tanam_pl_status_desa"),
            models.Index(fields=["status", "community", "planted_on"], name="tanam_pl_status_comm"),
            models.Index(fields=["status", "campaign", "planted_on"], name="tanam_pl_status_camp"),
            models.Index(fields=["user", "created_at"], name="tanam_pl_user_created"),
            # Re-check reminders read the verified plantings falling due in a window of days.
            models.Index(fields=["next_check_on"], condition=Q(status="verified"), name="tanam_pl_ver_next_check"),
            # Keyset pages of the open-data list (id order) with one filter: an index range, not a
            # scan of the primary key that skips every non-matching planting (0.3 s for a campaign).
            *(
                models.Index(fields=[column, "id"], condition=Q(status="verified"), name=f"tanam_pl_ver_{column}_id")
                for column in ("species", "kecamatan", "community", "campaign")
            ),
        ]

    def __str__(self):
        return f"{self.species.local_name if self.species_id else '?'} ×{self.tree_count} ({self.planted_on})"


class PlantingAudit(models.Model):
    """One row per change of a planting after it was verified (who, when, old → new)."""

    planting = models.ForeignKey(Planting, verbose_name=_("penanaman"), on_delete=models.CASCADE, related_name="audits")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diubah oleh"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("waktu perubahan"), auto_now_add=True)
    changes = models.JSONField(_("perubahan"), default=dict)
    note = models.CharField(_("catatan"), max_length=300, blank=True)

    class Meta:
        ordering = ["-changed_at"]
        verbose_name = _("jejak perubahan")
        verbose_name_plural = _("jejak perubahan")

    def __str__(self):  # the admin's row title, instead of "PlantingAudit object (12)"
        return f"#{self.pk} {self.changed_at:%Y-%m-%d %H:%M}" if self.changed_at else f"#{self.pk}"


class Observation(models.Model):
    Condition = TreeCondition

    planting = models.ForeignKey(
        Planting, verbose_name=_("penanaman"), on_delete=models.CASCADE, related_name="observations"
    )
    observed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diperiksa oleh"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    observed_on = models.DateField(_("tanggal pemeriksaan"))
    condition = models.CharField(_("kondisi"), max_length=8, choices=Condition.choices)
    height_m = models.FloatField(
        _("tinggi (m)"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(80)]
    )
    photo = models.FileField(_("foto"), upload_to="tanam/pantau/", blank=True, storage=private_storage)
    notes = models.TextField(_("catatan"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)

    class Meta:
        ordering = ["-observed_on", "-id"]
        verbose_name = _("pemantauan")
        verbose_name_plural = _("pemantauan")
        indexes = [models.Index(fields=["planting", "observed_on"], name="tanam_obs_planting_date")]

    def __str__(self):  # the admin's row title, instead of "Observation object (12)"
        return f"{self.observed_on} {self.get_condition_display()}"


class ClusterCell(models.Model):
    """Verified plantings counted per grid cell of a zoom band (see tanam/clusters.py).

    dim/value make filtered maps cheap: dim 0 = all plantings (value 0), 1 = species,
    2 = planting year, 3 = kecamatan, 4 = community, 5 = campaign (value = that id/year).
    sum_x/sum_y give the centroid of the cell's plantings (mean lon/lat).
    """

    band = models.PositiveSmallIntegerField(_("pita zoom"))
    dim = models.PositiveSmallIntegerField(_("dimensi"), default=0)
    value = models.IntegerField(_("nilai"), default=0)
    gx = models.IntegerField(_("sel x"))
    gy = models.IntegerField(_("sel y"))
    plantings = models.IntegerField(_("jumlah penanaman"), default=0)
    trees = models.BigIntegerField(_("jumlah pohon"), default=0)
    sum_x = models.FloatField(_("jumlah bujur"), default=0)
    sum_y = models.FloatField(_("jumlah lintang"), default=0)

    class Meta:
        verbose_name = _("sel klaster peta")
        verbose_name_plural = _("sel klaster peta")
        constraints = [
            models.UniqueConstraint(fields=["band", "dim", "value", "gx", "gy"], name="tanam_cluster_cell_key"),
        ]


class CoverStat(models.Model):
    """Estimated canopy cover of one area at the end of one year (see tanam/cover.py)."""

    class Level(models.TextChoices):
        REGENCY = "regency", _("Kabupaten")
        KECAMATAN = "kecamatan", _("Kecamatan")
        DESA = "desa", _("Desa")

    level = models.CharField(_("tingkat wilayah"), max_length=10, choices=Level.choices)
    area_code = models.CharField(_("kode wilayah"), max_length=13)
    kecamatan = models.ForeignKey(
        Kecamatan, verbose_name=_("kecamatan"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    desa = models.ForeignKey(
        Desa, verbose_name=_("desa/kelurahan"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    area_m2 = models.FloatField(_("luas (m²)"))
    canopy_m2 = models.FloatField(_("luas tajuk (m²)"), default=0)
    canopy_percent = models.FloatField(_("tutupan tajuk (%)"), default=0)
    trees = models.BigIntegerField(_("jumlah pohon"), default=0)
    plantings = models.IntegerField(_("jumlah penanaman"), default=0)
    survival_percent = models.FloatField(_("tingkat hidup (%)"), null=True, blank=True)
    trees_monitored = models.BigIntegerField(_("pohon dipantau"), default=0)
    trees_survived = models.BigIntegerField(_("pohon hidup"), default=0)
    co2_kg_per_year = models.FloatField(_("serapan CO₂ (kg/tahun)"), default=0)
    computed_at = models.DateTimeField(_("dihitung pada"), auto_now=True)

    class Meta:
        verbose_name = _("statistik tutupan tajuk")
        verbose_name_plural = _("statistik tutupan tajuk")
        ordering = ["level", "area_code", "year"]
        constraints = [
            models.UniqueConstraint(fields=["level", "area_code", "year"], name="tanam_cover_area_year"),
        ]


class CanopyTile(models.Model):
    """Canopy m² of one desa within one 500 m tile (EPSG:32749) at the end of one year (see tanam/cover.py)."""

    desa = models.ForeignKey(Desa, verbose_name=_("desa/kelurahan"), on_delete=models.CASCADE, related_name="+")
    tx = models.IntegerField(_("petak x"))
    ty = models.IntegerField(_("petak y"))
    year = models.PositiveSmallIntegerField(_("tahun"))
    canopy_m2 = models.FloatField(_("luas tajuk (m²)"))

    class Meta:
        verbose_name = _("petak tajuk")
        verbose_name_plural = _("petak tajuk")
        constraints = [
            models.UniqueConstraint(fields=["desa", "year", "tx", "ty"], name="tanam_canopy_tile_key"),
        ]


class OpenDataFile(models.Model):
    """The current complete open-data file of one format (written by services.open_data_build).

    A build writes a new file under a new name and then switches this row to it in one
    transaction, so a download always reads a complete file: the previous one or the new one.
    """

    class Kind(models.TextChoices):
        CSV = "csv", "CSV"
        GEOJSON = "geojson", "GeoJSON"

    kind = models.CharField(_("format berkas"), max_length=10, choices=Kind.choices, unique=True)
    name = models.CharField(_("nama berkas"), max_length=255)  # storage name of the current file
    previous_name = models.CharField(
        _("nama berkas sebelumnya"), max_length=255, blank=True
    )  # kept one build, for downloads in flight
    size = models.BigIntegerField(_("ukuran (bita)"))
    sha256 = models.CharField(_("sidik SHA-256"), max_length=64)
    rows = models.IntegerField(_("jumlah baris"))
    started_at = models.DateTimeField(
        _("mulai dibangun")
    )  # when the build began reading: an older build never replaces a newer one
    built_at = models.DateTimeField(_("selesai dibangun"))

    class Meta:
        verbose_name = _("berkas data terbuka")
        verbose_name_plural = _("berkas data terbuka")

    def __str__(self):
        return f"{self.kind} ({self.rows} rows, {self.built_at:%Y-%m-%d %H:%M})"
