"""999 IKM Online: shops run by IKM owners, their products, photos, inquiries and reports.

Search (docs/architecture.md, performance targets): every Product keeps a stored `search_vector` (GIN index) built by
`services.product_refresh_search` whenever the product, its category or its shop changes:
names in the `simple` configuration (weight A/B, no stemming: brand and product names
must match as typed) and the description in the `indonesian` configuration (Snowball
stemmer; the migration creates it as a copy of `simple` on a PostgreSQL without it).
A misspelt word ("kripik tempe") is first corrected against `SearchWord`, the
vocabulary of those names ("keripik tempe"), then searched by full text again;
`search_text` (lower-case name, shop and category, trigram GIN index) is the last resort
for a word nothing in the vocabulary resembles (`selectors._attempts` has the rule).

The GIN indexes are built without a pending list (`fastupdate=False`): with one, every
insert lands in an unsorted list that every search scans linearly until a VACUUM, which
made a freshly seeded catalogue's searches several times slower. Catalogue writes are
rare; searches are not.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blitar_portal.lib import media
from blitar_portal.lib.validators import validate_nib

PRICE_MAX = 1_000_000_000  # Rp 1 miliar: anything above is a typo, not an IKM product.
MAX_PHOTOS = 8


def private_storage():
    # Referenced by migrations; the same storage as blitar_portal.lib.media.private_storage.
    return media.private_storage()


class Category(models.Model):
    """A tree of IKM categories (parent → children), seeded by a migration."""

    name = models.CharField(_("nama"), max_length=80)
    slug = models.SlugField(_("slug (alamat halaman)"), max_length=80, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("kategori induk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("kategori")
        verbose_name_plural = _("kategori")

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id and self.parent else self.name


class Shop(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        PENDING = "menunggu", _("Menunggu verifikasi")
        VERIFIED = "terverifikasi", _("Terverifikasi")
        SUSPENDED = "ditangguhkan", _("Ditangguhkan")

    class LegalForm(models.TextChoices):
        PERSEORANGAN = "perseorangan", _("Usaha perseorangan")
        CV = "cv", _("CV")
        PT = "pt", _("PT / PT Perorangan")
        KOPERASI = "koperasi", _("Koperasi")
        LAINNYA = "lainnya", _("Lainnya")

    class Sector(models.TextChoices):
        # KBLI 2020 two-digit divisions that IKM in Blitar work in.
        FOOD = "10", _("10 — Industri makanan")
        DRINK = "11", _("11 — Industri minuman")
        TEXTILE = "13", _("13 — Industri tekstil")
        APPAREL = "14", _("14 — Industri pakaian jadi")
        LEATHER = "15", _("15 — Industri kulit dan alas kaki")
        WOOD = "16", _("16 — Industri kayu, bambu, rotan")
        NONMETAL = "23", _("23 — Industri barang galian bukan logam")
        METAL = "25", _("25 — Industri barang logam")
        FURNITURE = "31", _("31 — Industri furnitur")
        OTHER = "32", _("32 — Industri pengolahan lainnya (kerajinan)")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("pemilik"), on_delete=models.PROTECT, related_name="ikm_shops"
    )
    name = models.CharField(_("nama usaha"), max_length=120)
    slug = models.SlugField(_("slug (alamat halaman)"), max_length=140, unique=True, editable=False)
    story = models.TextField(_("cerita usaha"), blank=True, max_length=5000)
    # Private like every upload; `published_images` holds their public copies while the shop is public.
    logo = models.FileField(_("logo"), upload_to="ikm/logo/", blank=True, max_length=200, storage=private_storage)
    banner = models.FileField(
        _("gambar sampul (banner)"), upload_to="ikm/banner/", blank=True, max_length=200, storage=private_storage
    )
    published_images = models.JSONField(_("salinan publik"), default=dict, blank=True, editable=False)
    kecamatan = models.ForeignKey("regions.Kecamatan", on_delete=models.PROTECT, verbose_name=_("kecamatan"))
    # The address, NIB, KBLI sector and capacity may come after the shop opens; they are asked for
    # before verification (ikm.selectors.shop_missing_for_verification).
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    location = models.PointField(_("lokasi"), srid=4326, null=True, blank=True)
    whatsapp = models.CharField(_("nomor WhatsApp"), max_length=16, help_text=_("Disimpan sebagai 62…"))
    nib = models.CharField(_("NIB"), max_length=13, blank=True, validators=[validate_nib])
    kbli_sector = models.CharField(_("sektor KBLI"), max_length=2, choices=Sector.choices, blank=True, default="")
    legal_form = models.CharField(
        _("bentuk usaha"), max_length=16, choices=LegalForm.choices, default=LegalForm.PERSEORANGAN
    )
    year_founded = models.PositiveSmallIntegerField(
        _("tahun berdiri"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    workers = models.PositiveIntegerField(_("jumlah tenaga kerja"), default=1, validators=[MaxValueValidator(100_000)])
    monthly_capacity = models.PositiveIntegerField(
        _("kapasitas produksi per bulan"), default=0, validators=[MaxValueValidator(100_000_000)]
    )
    capacity_unit = models.CharField(_("satuan kapasitas"), max_length=30, default="pcs")
    marketplace_links = models.JSONField(_("tautan marketplace"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    status_reason = models.TextField(_("alasan status"), blank=True)
    status_changed_at = models.DateTimeField(_("status diubah pada"), null=True, blank=True)
    verified_at = models.DateTimeField(_("diverifikasi pada"), null=True, blank=True, db_index=True)
    search_vector = SearchVectorField(_("indeks pencarian"), null=True, editable=False)
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah pada"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("toko IKM")
        verbose_name_plural = _("toko IKM")
        constraints = [models.UniqueConstraint(fields=["owner"], name="ikm_shop_one_per_owner")]
        indexes = [
            GinIndex(fields=["search_vector"], name="ikm_shop_search_gin", fastupdate=False),
            # The verified shops' ids, read by every catalogue query's join (index-only scan).
            models.Index(fields=["id"], condition=models.Q(status="terverifikasi"), name="ikm_shop_verified_ids"),
            GinIndex(name="ikm_shop_name_trgm", fields=["name"], opclasses=["gin_trgm_ops"], fastupdate=False),
        ]

    def __str__(self):
        return self.name


class Certification(models.Model):
    class Kind(models.TextChoices):
        HALAL = "halal", _("Halal")
        PIRT = "pirt", _("P-IRT")
        BPOM = "bpom", _("BPOM MD")
        SNI = "sni", _("SNI")
        HKI = "hki", _("HKI / Merek")

    shop = models.ForeignKey(Shop, verbose_name=_("toko IKM"), on_delete=models.CASCADE, related_name="certifications")
    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices)
    number = models.CharField(_("nomor"), max_length=60)
    # When the certificate was issued: the dashboard counts certificates gained between two growth reports
    # (ikm/dashboard.py, programme comparison). Empty for certificates entered before this field existed.
    issued_on = models.DateField(_("tanggal terbit"), null=True, blank=True)
    expires_on = models.DateField(_("berlaku sampai"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["kind", "expires_on"]
        verbose_name = _("sertifikat")
        verbose_name_plural = _("sertifikat")
        constraints = [models.UniqueConstraint(fields=["shop", "kind", "number"], name="ikm_cert_unique_number")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    @property
    def is_valid(self):
        return self.expires_on is None or self.expires_on >= timezone.localdate()


class ReviewStatus(models.TextChoices):
    PENDING = "menunggu", _("Menunggu verifikasi")
    VERIFIED = "terverifikasi", _("Terverifikasi")
    REJECTED = "ditolak", _("Ditolak")


class Product(models.Model):
    class Stock(models.TextChoices):
        READY = "tersedia", _("Tersedia")
        PREORDER = "pesan", _("Pre-order / dibuat sesuai pesanan")
        EMPTY = "habis", _("Stok habis")

    shop = models.ForeignKey(Shop, verbose_name=_("toko IKM"), on_delete=models.CASCADE, related_name="products")
    name = models.CharField(_("nama produk"), max_length=140)
    slug = models.SlugField(_("slug (alamat halaman)"), max_length=170, unique=True, editable=False)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("kategori")
    )
    description = models.TextField(_("deskripsi"), blank=True, max_length=5000)
    price = models.PositiveIntegerField(
        _("harga (Rp)"), null=True, blank=True, validators=[MaxValueValidator(PRICE_MAX)]
    )
    price_negotiable = models.BooleanField(_("harga nego"), default=False)
    unit = models.CharField(_("satuan"), max_length=30, default="pcs")
    min_order = models.PositiveIntegerField(_("pesanan minimum"), default=1, validators=[MinValueValidator(1)])
    monthly_capacity = models.PositiveIntegerField(
        _("kapasitas per bulan"), default=0, validators=[MaxValueValidator(100_000_000)]
    )
    stock_status = models.CharField(_("status stok"), max_length=10, choices=Stock.choices, default=Stock.READY)
    is_active = models.BooleanField(_("aktif (tampil di katalog)"), default=True)
    is_featured = models.BooleanField(_("unggulan"), default=False)
    # Diskominfo's review of the product (the staff review pages): a new product waits in the queue
    # while it is shown; a rejected one is hidden (PUBLIC_PRODUCT) until its owner edits it again.
    review_status = models.CharField(
        _("status tinjauan"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    review_reason = models.CharField(_("alasan tinjauan"), max_length=600, blank=True)
    search_vector = SearchVectorField(_("indeks pencarian"), null=True, editable=False)
    search_text = models.TextField(_("teks pencarian"), blank=True, editable=False)
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("diubah pada"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("produk")
        verbose_name_plural = _("produk")
        indexes = [
            GinIndex(fields=["search_vector"], name="ikm_product_search_gin", fastupdate=False),
            GinIndex(
                name="ikm_product_text_trgm", fields=["search_text"], opclasses=["gin_trgm_ops"], fastupdate=False
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__isnull=False) | models.Q(price_negotiable=True),
                name="ikm_product_price_or_nego",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.price is None and not self.price_negotiable:
            raise ValidationError({"price": _("Isi harga dalam Rupiah, atau centang “harga nego”.")})


class SearchWord(models.Model):
    """One word of the catalogue's names (product, shop, category: `Product.search_text`).

    The vocabulary a misspelt query word is corrected against ("kripik" → "keripik"):
    trigram similarity over a few thousand distinct words is cheap, over 20,000 product
    texts it is not. Kept by `services.product_refresh_search`; a word whose products are
    gone or hidden stays here but is never proposed (`selectors.closest_known_word` counts
    the public products of each candidate and prefers the more frequent of equally near words)."""

    word = models.CharField(_("kata"), max_length=100, primary_key=True)

    class Meta:
        verbose_name = _("kata pencarian")
        verbose_name_plural = _("kata pencarian")
        indexes = [GinIndex(name="ikm_searchword_trgm", fields=["word"], opclasses=["gin_trgm_ops"], fastupdate=False)]

    def __str__(self):
        return self.word


class ProductPhoto(models.Model):
    class Status(models.TextChoices):
        PROCESSING = "processing", _("Sedang diproses")
        READY = "ready", _("Siap")
        FAILED = "failed", _("Gagal")

    product = models.ForeignKey(Product, verbose_name=_("produk"), on_delete=models.CASCADE, related_name="photos")
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)
    alt_text = models.CharField(_("teks alternatif"), max_length=200, blank=True)
    original = models.FileField(
        _("berkas asli"), storage=private_storage, upload_to="ikm/originals/%Y/%m/", max_length=200
    )
    # {"thumb": {"webp": "path", "jpeg": "path", "width": 160, "height": 120}, "card": …, "large": …}
    renditions = models.JSONField(
        _("berkas gambar turunan"), default=dict, blank=True
    )  # private paths (blitar_portal/lib/media.py)
    # Public copies of the renditions while the product is public ({} otherwise).
    published = models.JSONField(_("salinan publik"), default=dict, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROCESSING)
    error = models.CharField(_("galat"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("foto produk")
        verbose_name_plural = _("foto produk")
        # A product card's photo: the first ready one, found without a sort.
        indexes = [
            models.Index(
                fields=["product", "position", "id"],
                condition=models.Q(status="ready"),
                name="ikm_photo_ready_order",
            )
        ]

    def __str__(self):
        return self.alt_text or f"foto {self.pk}"


class Inquiry(models.Model):
    class Status(models.TextChoices):
        NEW = "baru", _("Baru")
        REPLIED = "dibalas", _("Dibalas")
        DONE = "selesai", _("Selesai")

    product = models.ForeignKey(Product, verbose_name=_("produk"), on_delete=models.CASCADE, related_name="inquiries")
    buyer_name = models.CharField(_("nama"), max_length=100)
    buyer_phone = models.CharField(_("nomor HP/WhatsApp"), max_length=16)
    quantity = models.PositiveIntegerField(
        _("jumlah"), validators=[MinValueValidator(1), MaxValueValidator(10_000_000)]
    )
    message = models.TextField(_("pesan"), max_length=2000)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.NEW, db_index=True)
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("permintaan pembeli")
        verbose_name_plural = _("permintaan pembeli")

    def __str__(self):
        return f"{self.buyer_name} — {self.product}"


class ProductStat(models.Model):
    """Daily counters per product (one row per product per day)."""

    product = models.ForeignKey(Product, verbose_name=_("produk"), on_delete=models.CASCADE, related_name="stats")
    date = models.DateField(_("tanggal"))
    views = models.PositiveIntegerField(_("dilihat"), default=0)
    wa_clicks = models.PositiveIntegerField(_("klik WhatsApp"), default=0)
    inquiries = models.PositiveIntegerField(_("permintaan"), default=0)

    class Meta:
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["product", "date"], name="ikm_stat_one_per_day")]
        verbose_name = _("statistik produk harian")
        verbose_name_plural = _("statistik produk harian")


class GrowthReport(models.Model):
    """The owner's half-yearly self-report: output, capacity, workers, turnover."""

    shop = models.ForeignKey(Shop, verbose_name=_("toko IKM"), on_delete=models.CASCADE, related_name="growth_reports")
    period_start = models.DateField(_("awal periode"))
    period_end = models.DateField(_("akhir periode"))
    output = models.PositiveIntegerField(_("produksi dalam periode"), validators=[MaxValueValidator(1_000_000_000)])
    capacity = models.PositiveIntegerField(_("kapasitas per bulan"), validators=[MaxValueValidator(100_000_000)])
    unit = models.CharField(_("satuan"), max_length=30, default="pcs")
    workers = models.PositiveIntegerField(_("tenaga kerja"), validators=[MaxValueValidator(100_000)])
    omzet = models.PositiveBigIntegerField(
        _("omzet dalam periode (Rp)"), validators=[MaxValueValidator(1_000_000_000_000)]
    )
    notes = models.TextField(_("catatan"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)

    class Meta:
        ordering = ["-period_end"]
        verbose_name = _("laporan perkembangan")
        verbose_name_plural = _("laporan perkembangan")
        constraints = [
            models.UniqueConstraint(fields=["shop", "period_start", "period_end"], name="ikm_report_one_per_period")
        ]

    def __str__(self):
        return f"{self.shop} {self.period_start}–{self.period_end}"


class IkmTarget(models.Model):
    """The IKM online target and the date Diskominfo wants to reach it by (one row, edited on the dashboard).

    Read only through `selectors.ikm_target()` (home page, /ikm/ and every dashboard tab);
    written only by `services.ikm_target_set()`.
    """

    target = models.PositiveIntegerField(_("target IKM online"), default=1000)
    target_date = models.DateField(_("tanggal target"))
    updated_at = models.DateTimeField(_("diubah pada"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diubah oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("target IKM")
        verbose_name_plural = _("target IKM")

    def __str__(self):
        return f"{self.target} @ {self.target_date}"

    def progress_percent(self, online):
        """How far `online` IKM are towards the target, 0–100 (the progress bar and its label)."""
        return min(100, round(100 * online / self.target)) if self.target else 0


class VerificationQueue(Shop):
    """Admin entry: shops waiting for Diskominfo."""

    class Meta:
        proxy = True
        verbose_name = _("antrean verifikasi")
        verbose_name_plural = _("antrean verifikasi")


class ExpiringCertification(Certification):
    """Admin entry: certifications expiring within 60 days."""

    class Meta:
        proxy = True
        verbose_name = _("sertifikat segera kedaluwarsa")
        verbose_name_plural = _("sertifikat segera kedaluwarsa")


class Programme(models.Model):
    """A capacity-building programme of the Dinas (training, mentoring, product curation, certification
    assistance), published by Diskominfo staff; owners of shops in its target sectors register on "Toko Saya".

    Written only by `services_programmes.py` (quota under the programme's row lock)."""

    class Kind(models.TextChoices):
        TRAINING = "pelatihan", _("Pelatihan")
        MENTORING = "pendampingan", _("Pendampingan")
        CURATION = "kurasi", _("Kurasi produk")
        HALAL = "halal", _("Bantuan sertifikasi halal")
        PIRT = "pirt", _("Bantuan sertifikasi P-IRT")
        SNI = "sni", _("Bantuan sertifikasi SNI")

    class Status(models.TextChoices):
        DRAFT = "draf", _("Draf")
        PUBLISHED = "terbit", _("Terbit")
        CANCELLED = "dibatalkan", _("Dibatalkan")

    title = models.CharField(_("judul program"), max_length=140)
    kind = models.CharField(_("jenis program"), max_length=16, choices=Kind.choices)
    description = models.TextField(_("deskripsi"), blank=True, max_length=5000)
    place = models.CharField(_("tempat"), max_length=200)
    starts_on = models.DateField(_("tanggal mulai"))
    ends_on = models.DateField(_("tanggal selesai"))
    quota = models.PositiveIntegerField(
        _("kuota peserta"), validators=[MinValueValidator(1), MaxValueValidator(10_000)]
    )
    # KBLI sectors of the shops it is for (Shop.Sector); empty: every sector.
    sectors = ArrayField(
        models.CharField(max_length=2, choices=Shop.Sector.choices),
        verbose_name=_("sektor sasaran"),
        blank=True,
        default=list,
        help_text=_("Kosongkan bila program terbuka untuk semua sektor."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah pada"), auto_now=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("program peningkatan kapasitas")
        verbose_name_plural = _("program peningkatan kapasitas")

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("Tanggal selesai harus sama dengan atau sesudah tanggal mulai.")})
        unknown = [s for s in self.sectors or [] if s not in Shop.Sector.values]
        if unknown:
            raise ValidationError({"sectors": _("Sektor tidak dikenal: %(s)s") % {"s": ", ".join(unknown)[:40]}})

    def sector_labels(self):
        labels = dict(Shop.Sector.choices)
        return [str(labels[s]) for s in self.sectors if s in labels]

    def is_for_sector(self, sector):
        return not self.sectors or sector in self.sectors


class ProgrammeRegistration(models.Model):
    """A shop registered for a programme; staff record its attendance and outcome afterwards.

    One row per shop and programme: cancelling keeps the row (status "dibatalkan"), registering
    again reuses it."""

    class Status(models.TextChoices):
        REGISTERED = "terdaftar", _("Terdaftar")
        CANCELLED = "dibatalkan", _("Dibatalkan")

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("Belum dicatat")
        ATTENDED = "hadir", _("Hadir")
        ABSENT = "tidak_hadir", _("Tidak hadir")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("program")
    )
    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="programme_registrations", verbose_name=_("toko IKM")
    )
    status = models.CharField(_("status pendaftaran"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    attendance = models.CharField(
        _("kehadiran"), max_length=12, choices=Attendance.choices, default=Attendance.UNKNOWN, blank=True
    )
    certificate_obtained = models.CharField(
        _("sertifikat diperoleh"),
        max_length=8,
        choices=Certification.Kind.choices,
        blank=True,
        help_text=_("Isi bila peserta memperoleh sertifikat berkat program ini."),
    )
    capacity_note = models.CharField(
        _("catatan perubahan kapasitas"),
        max_length=200,
        blank=True,
        help_text=_("Mis. “kapasitas naik dari 500 menjadi 800 bungkus/bulan”."),
    )
    notes = models.TextField(_("catatan petugas"), blank=True, max_length=2000)
    registered_at = models.DateTimeField(_("mendaftar pada"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("dibatalkan pada"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("hasil dicatat pada"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )

    class Meta:
        ordering = ["programme", "registered_at"]
        verbose_name = _("pendaftaran program")
        verbose_name_plural = _("pendaftaran program")
        constraints = [
            models.UniqueConstraint(fields=["programme", "shop"], name="ikm_programme_one_registration_per_shop")
        ]

    def __str__(self):
        return f"{self.shop} — {self.programme}"


class ReviewLog(models.Model):
    """What happened to a shop or product in review (submitted, verified, rejected, suspended, restored), by whom.

    The history shown on the staff review pages; written by the status services in ikm/services.py."""

    class Action(models.TextChoices):
        SUBMITTED = "diajukan", _("Diajukan")
        VERIFIED = "diverifikasi", _("Diverifikasi")
        REJECTED = "ditolak", _("Ditolak")
        SUSPENDED = "ditangguhkan", _("Ditangguhkan")
        RESTORED = "dipulihkan", _("Dipulihkan")

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="review_log")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, null=True, blank=True, related_name="review_log")
    action = models.CharField(_("tindakan"), max_length=16, choices=Action.choices)
    reason = models.CharField(_("alasan"), max_length=600, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("riwayat tinjauan")
        verbose_name_plural = _("riwayat tinjauan")
