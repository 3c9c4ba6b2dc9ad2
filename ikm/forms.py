"""Forms of 999 IKM Online. Messages in Bahasa Indonesia; saving is done by services."""

import re

from django import forms
from django.contrib.gis import forms as gis_forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from leaflet.forms.widgets import LeafletWidget

from blitar_portal.lib.forms import HeldImageField, PortalForm
from blitar_portal.lib.params import PageField, QueryForm
from blitar_portal.lib.validators import normalize_mobile, normalize_phone, validate_nib
from blitar_portal.regions.models import Kecamatan
from blitar_portal.regions.selectors import point_in_regency

from .models import MAX_PHOTOS, PRICE_MAX, Category, Certification, Inquiry, Product, Shop


def apply_errors(form, exc):
    """Put a service's ValidationError on the form (field errors where the field exists)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, [e for err in errors for e in err.messages])
    else:
        form.add_error(None, exc.messages)


class RupiahField(forms.IntegerField):
    """Whole Rupiah. Accepts "15000", "15.000" and "Rp 15.000" (dots are thousands separators
    in Indonesia: Django's IntegerField would read "15.000" as 15); rejects decimals."""

    THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = re.sub(r"^rp\.?", "", str(value).strip().lower()).replace(" ", "")
        if self.THOUSANDS.match(text):
            text = text.replace(".", "")
        if not re.fullmatch(r"-?\d+", text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.name} › {obj.name}" if obj.parent_id else obj.name


class ShopForm(forms.Form):
    name = forms.CharField(label=_("Nama usaha"), max_length=120)
    story = forms.CharField(
        label=_("Cerita usaha"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Siapa Anda, sejak kapan, apa yang membuat produk Anda istimewa."),
    )
    logo = forms.FileField(label=_("Logo"), required=False, help_text=_("JPEG/PNG/WebP, maksimal 8 MB."))
    banner = forms.FileField(label=_("Banner"), required=False, help_text=_("Foto lebar untuk halaman toko."))
    kecamatan = forms.ModelChoiceField(label=_("Kecamatan"), queryset=Kecamatan.objects.order_by("name"))
    address = forms.CharField(
        label=_("Alamat"), max_length=255, required=False, help_text=_("Wajib sebelum verifikasi.")
    )
    location = gis_forms.PointField(
        label=_("Lokasi di peta"),
        srid=4326,
        required=False,
        widget=LeafletWidget(),
        help_text=_("Klik ikon penanda lalu klik lokasi usaha Anda di peta (opsional)."),
    )
    whatsapp = forms.CharField(label=_("Nomor WhatsApp"), max_length=20, help_text=_("Contoh: 0812-3456-7890"))
    nib = forms.CharField(
        label=_("NIB"), max_length=13, required=False, help_text=_("13 digit dari OSS. Wajib sebelum verifikasi.")
    )
    kbli_sector = forms.ChoiceField(
        label=_("Sektor KBLI"),
        required=False,
        choices=[("", _("— belum dipilih —")), *Shop.Sector.choices],
        help_text=_("Wajib sebelum verifikasi."),
    )
    legal_form = forms.ChoiceField(label=_("Bentuk usaha"), choices=Shop.LegalForm.choices)
    year_founded = forms.IntegerField(label=_("Tahun berdiri"), required=False, min_value=1900)
    workers = forms.IntegerField(label=_("Jumlah tenaga kerja"), min_value=1, max_value=100_000, initial=1)
    monthly_capacity = forms.IntegerField(
        label=_("Kapasitas produksi per bulan"),
        min_value=0,
        max_value=100_000_000,
        initial=0,
        help_text=_("Wajib (lebih dari 0) sebelum verifikasi."),
    )
    capacity_unit = forms.CharField(label=_("Satuan kapasitas"), max_length=30, initial="pcs")
    marketplace_links = forms.CharField(
        label=_("Tautan toko di marketplace lain"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Satu tautan per baris (Tokopedia, Shopee, …), maksimal 5."),
    )

    # A shop opens with what a buyer needs; the rest (government data: address, NIB, KBLI,
    # capacity; certifications on their own page) may come later and is asked for before
    # verification (ikm.selectors.shop_verification_checklist).
    BUYER_FIELDS = ("name", "story", "kecamatan", "whatsapp")
    LATER_DEFAULTS = {
        "legal_form": Shop.LegalForm.PERSEORANGAN,
        "workers": 1,
        "monthly_capacity": 0,
        "capacity_unit": "pcs",
    }

    def __init__(self, *args, opening=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.opening = opening
        for name in self.LATER_DEFAULTS:
            self.fields[name].required = False
        if opening:
            story = self.fields["story"]
            story.required = True
            story.label = _("Apa yang Anda jual")
            story.help_text = _("Satu-dua kalimat untuk pembeli, mis. “Keripik tempe dan sambal pecel khas Kanigoro”.")
            story.error_messages["required"] = _("Tulis singkat apa yang Anda jual.")
            story.widget.attrs["rows"] = 2
            self.fields["kecamatan"].empty_label = _("— pilih kecamatan —")
            self.fields["whatsapp"].help_text = _("Pembeli menghubungi Anda di nomor ini. Contoh: 0812-3456-7890")

    def buyer_fields(self):
        return [self[name] for name in self.BUYER_FIELDS]

    def later_fields(self):
        return [field for field in self.visible_fields() if field.name not in self.BUYER_FIELDS]

    def later_errors(self):
        return any(field.errors for field in self.later_fields())

    def clean(self):
        data = super().clean()
        for name, default in self.LATER_DEFAULTS.items():
            if name not in self.errors and data.get(name) in (None, ""):
                data[name] = default
        return data

    def clean_whatsapp(self):
        return normalize_mobile(self.cleaned_data["whatsapp"])

    def clean_nib(self):
        nib = self.cleaned_data["nib"].replace(" ", "")
        if nib:
            validate_nib(nib)
        return nib

    def clean_year_founded(self):
        year = self.cleaned_data["year_founded"]
        if year and year > timezone.localdate().year:
            raise ValidationError(_("Tahun berdiri tidak boleh di masa depan."))
        return year

    def clean_location(self):
        point = self.cleaned_data.get("location")
        if point and not point_in_regency(point):
            raise ValidationError(_("Lokasi harus berada di wilayah Kabupaten Blitar."))
        return point

    def clean_marketplace_links(self):
        return [line.strip() for line in self.cleaned_data["marketplace_links"].splitlines() if line.strip()]

    @classmethod
    def initial_from(cls, shop):
        fields = {name: getattr(shop, name) for name in cls.base_fields if name not in ("logo", "banner")}
        fields["marketplace_links"] = "\n".join(shop.marketplace_links or [])
        return fields


class CertificationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis sertifikat"), choices=Certification.Kind.choices)
    number = forms.CharField(label=_("Nomor"), max_length=60)
    issued_on = forms.DateField(
        label=_("Tanggal terbit"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Membantu Diskominfo melihat sertifikat baru sesudah program pembinaan."),
    )
    expires_on = forms.DateField(
        label=_("Berlaku sampai"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Kosongkan bila berlaku seumur hidup (mis. P-IRT lama, merek)."),
    )


class ProductForm(PortalForm):
    name = forms.CharField(label=_("Nama produk"), max_length=140)
    category = CategoryChoiceField(
        label=_("Kategori"),
        queryset=Category.objects.select_related("parent").order_by(
            F("parent__position").asc(nulls_first=True), "parent__name", "position", "name"
        ),
    )
    description = forms.CharField(
        label=_("Deskripsi"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    price = RupiahField(
        label=_("Harga (Rp)"),
        required=False,
        validators=[MinValueValidator(0), MaxValueValidator(PRICE_MAX)],
        help_text=_("Rupiah tanpa sen. Contoh: 15000 atau 15.000"),
        error_messages={"invalid": _("Harga harus berupa angka bulat dalam Rupiah, tanpa sen (contoh: 15.000).")},
    )
    price_negotiable = forms.BooleanField(label=_("Harga nego (tanpa harga pasti)"), required=False)
    unit = forms.CharField(label=_("Satuan"), max_length=30, initial="pcs", help_text=_("Contoh: bungkus, kg, set."))
    min_order = forms.IntegerField(label=_("Pesanan minimum"), min_value=1, max_value=10_000_000, initial=1)
    monthly_capacity = forms.IntegerField(label=_("Kapasitas per bulan"), min_value=0, max_value=100_000_000, initial=0)
    stock_status = forms.ChoiceField(label=_("Status stok"), choices=Product.Stock.choices)
    is_active = forms.BooleanField(label=_("Tampilkan di katalog"), required=False, initial=True)

    def clean(self):
        data = super().clean()
        if data.get("price") is None and not data.get("price_negotiable") and "price" not in self.errors:
            self.add_error("price", _("Isi harga dalam Rupiah, atau centang “harga nego”."))
        return data

    @classmethod
    def initial_from(cls, product):
        return {name: getattr(product, name) for name in cls.base_fields if name in PRODUCT_DATA_FIELDS}


PRODUCT_DATA_FIELDS = tuple(ProductForm.base_fields)


class ProductNewForm(ProductForm):
    """A new product with its photos, chosen at once (several files; each checked by lib/images.py)."""

    photos = HeldImageField(
        label=_("Foto produk"),
        multiple=True,
        max_files=MAX_PHOTOS,
        required=False,
        help_text=_("Pilih beberapa foto sekaligus: JPEG, PNG, atau WebP; maksimal 8 MB per foto."),
    )


class PhotoUploadForm(PortalForm):
    photo = HeldImageField(
        label=_("Foto produk"),
        multiple=True,
        max_files=MAX_PHOTOS,
        help_text=_("Boleh beberapa foto sekaligus; JPEG, PNG, atau WebP; maksimal 8 MB per foto."),
    )
    alt_text = forms.CharField(
        label=_("Keterangan foto"),
        required=False,
        max_length=200,
        help_text=_("Apa yang terlihat di foto (untuk pembaca layar)."),
    )


class InquiryForm(forms.Form):
    buyer_name = forms.CharField(label=_("Nama Anda"), max_length=100)
    buyer_phone = forms.CharField(label=_("Nomor HP/WhatsApp"), max_length=20)
    quantity = forms.IntegerField(label=_("Jumlah"), min_value=1, max_value=10_000_000, initial=1)
    message = forms.CharField(label=_("Pesan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    consent = forms.BooleanField(
        label=_(
            "Saya setuju nama dan nomor HP saya diteruskan ke pemilik toko hanya untuk menjawab pesan ini "
            "(UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi)."
        ),
        error_messages={"required": _("Persetujuan pemrosesan data pribadi wajib dicentang.")},
    )

    def clean_buyer_phone(self):
        return normalize_phone(self.cleaned_data["buyer_phone"])


class InquiryStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Inquiry.Status.choices)


class GrowthReportForm(forms.Form):
    period_start = forms.DateField(label=_("Awal periode"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Akhir periode"), widget=forms.DateInput(attrs={"type": "date"}))
    output = forms.IntegerField(label=_("Jumlah produksi dalam periode"), min_value=0, max_value=1_000_000_000)
    capacity = forms.IntegerField(label=_("Kapasitas produksi per bulan"), min_value=0, max_value=100_000_000)
    unit = forms.CharField(label=_("Satuan"), max_length=30, initial="pcs")
    workers = forms.IntegerField(label=_("Jumlah tenaga kerja"), min_value=0, max_value=100_000)
    omzet = RupiahField(
        label=_("Omzet dalam periode (Rp)"),
        min_value=0,
        max_value=1_000_000_000_000,
        help_text=_("Rupiah tanpa sen. Contoh: 90.000.000"),
        error_messages={"invalid": _("Omzet harus berupa angka bulat dalam Rupiah.")},
    )
    notes = forms.CharField(
        label=_("Catatan"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SearchForm(QueryForm):
    """/ikm/cari/'s parameters. The page, its links and its cache key are built from
    `cleaned_data` / `querystring()` only (never from request.GET): a parameter the form does
    not know never reaches a cached page. Unknown category/kecamatan slugs are ignored."""

    q = forms.CharField(label=_("Cari produk atau toko"), required=False, max_length=100)
    kategori = forms.CharField(required=False, max_length=100)
    kecamatan = forms.CharField(required=False, max_length=100)
    sertifikat = forms.ChoiceField(required=False, choices=[("", "")] + list(Certification.Kind.choices))
    harga_min = forms.IntegerField(required=False, min_value=0, max_value=PRICE_MAX)
    harga_max = forms.IntegerField(required=False, min_value=0, max_value=PRICE_MAX)
    urut = forms.ChoiceField(
        required=False,
        choices=[
            ("", _("Paling relevan")),
            ("terbaru", _("Terbaru")),
            ("harga-terendah", _("Harga terendah")),
            ("harga-tertinggi", _("Harga tertinggi")),
        ],
    )
    halaman = PageField()

    def clean_q(self):
        from .selectors import normalize_query

        return normalize_query(self.cleaned_data["q"])

    def clean_kategori(self):
        from .selectors import category_by_slug

        category = category_by_slug(self.cleaned_data["kategori"])
        return category.slug if category else ""

    def clean_kecamatan(self):
        from .selectors import kecamatan_by_slug

        kecamatan = kecamatan_by_slug(self.cleaned_data["kecamatan"])
        return kecamatan.slug if kecamatan else ""


class ProductQueryForm(QueryForm):
    """/api/v1/ikm/products/'s parameters. A text query needs 3 letters or digits; the pattern
    documents exactly that rule (and no control characters) for API clients."""

    q = forms.CharField(
        required=False,
        max_length=100,
        help_text=_("Kata kunci (min. 3 huruf; salah ketik ditoleransi)"),
    )
    q.schema_pattern = r"^(?![\s\S]*[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f])(?:\s*|(?:\W*\w){3}[\s\S]*)$"
    kategori = forms.CharField(required=False, max_length=100, help_text=_("slug kategori"))
    kecamatan = forms.CharField(required=False, max_length=100, help_text=_("slug kecamatan"))

    def clean_q(self):
        from .selectors import normalize_query, query_too_short

        q = normalize_query(self.cleaned_data["q"])
        if q and query_too_short(q):
            raise ValidationError(_("Kata kunci minimal 3 huruf."), code="too_short")
        return q
