"""Diskominfo's admin for 999 IKM Online: verification queue, suspend/restore with reason,
certifications expiring within 60 days, SIINas-like CSV export of shops.

Every write goes through services.py (same rules and side effects as the site: search
vectors, cached catalogue pages, image pipeline, files). Shops are suspended, not deleted.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models as django_models
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from blitar_portal.lib.admin import ModeratedAdminMixin, ServiceWritesAdminMixin
from blitar_portal.lib.csvsafe import csv_writer

from . import selectors, services, services_programmes
from .models import (
    Category,
    Certification,
    ExpiringCertification,
    GrowthReport,
    Inquiry,
    Product,
    Programme,
    ProgrammeRegistration,
    Shop,
    VerificationQueue,
)
from .templatetags.ikm_tags import rendition_url, shop_image_url


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan (dikirim ke pemilik toko)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


def _status_action(modeladmin, request, queryset, *, service, title, reason_required):
    """Ask for a reason on an intermediate page, then apply `service` to every selected shop."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        reason = form.cleaned_data["reason"]
        if reason_required and not reason.strip():
            form.add_error("reason", _("Alasan wajib diisi."))
        else:
            done = 0
            for shop in queryset:
                try:
                    service(shop=shop, reason=reason, user=request.user)
                    done += 1
                except ValidationError as exc:
                    messages.error(request, f"{shop.name}: {' '.join(exc.messages)}")
            if done:
                messages.success(request, _("%(n)s toko diperbarui.") % {"n": done})
            return None
    return render(
        request,
        "admin/ikm/shop/status_reason.html",
        {
            **modeladmin.admin_site.each_context(request),  # the site's header, not "Administrasi Django"
            "title": title,
            "shops": queryset,
            "form": form,
            "action": request.POST.get("action"),
            "opts": queryset.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


@admin.action(description=_("Verifikasi toko terpilih"))
def verify_shops(modeladmin, request, queryset):
    return _status_action(
        modeladmin, request, queryset, service=services.shop_verify, title=_("Verifikasi toko"), reason_required=False
    )


@admin.action(description=_("Tangguhkan toko terpilih (dengan alasan)"))
def suspend_shops(modeladmin, request, queryset):
    return _status_action(
        modeladmin, request, queryset, service=services.shop_suspend, title=_("Tangguhkan toko"), reason_required=True
    )


@admin.action(description=_("Pulihkan toko yang ditangguhkan"))
def restore_shops(modeladmin, request, queryset):
    return _status_action(
        modeladmin, request, queryset, service=services.shop_restore, title=_("Pulihkan toko"), reason_required=False
    )


SIINAS_COLUMNS = [
    ("nama_perusahaan", lambda s: s.name),
    ("nib", lambda s: s.nib),
    ("bentuk_badan_usaha", lambda s: s.get_legal_form_display()),
    ("kbli", lambda s: s.kbli_sector),
    ("sektor", lambda s: s.get_kbli_sector_display()),
    ("alamat", lambda s: s.address),
    ("kecamatan", lambda s: s.kecamatan.name),
    ("kode_wilayah", lambda s: s.kecamatan.code),
    ("kabupaten", lambda s: "Kabupaten Blitar"),
    ("provinsi", lambda s: "Jawa Timur"),
    ("lintang", lambda s: f"{s.location.y:.6f}" if s.location else ""),
    ("bujur", lambda s: f"{s.location.x:.6f}" if s.location else ""),
    ("tahun_berdiri", lambda s: s.year_founded or ""),
    ("tenaga_kerja", lambda s: s.workers),
    ("kapasitas_produksi_per_bulan", lambda s: s.monthly_capacity),
    ("satuan_kapasitas", lambda s: s.capacity_unit),
    ("nama_pemilik", lambda s: s.owner.get_full_name() or s.owner.username),
    ("telepon", lambda s: s.whatsapp),
    ("email", lambda s: s.owner.email),
    ("sertifikat", lambda s: "; ".join(f"{c.get_kind_display()} {c.number}" for c in s.certifications.all())),
    ("jumlah_produk", lambda s: s.product_count),
    ("status", lambda s: s.get_status_display()),
]


@admin.action(description=_("Ekspor CSV (format SIINas)"))
def export_siinas_csv(modeladmin, request, queryset):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="ikm-siinas-{stamp}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 correctly with a BOM
    writer = csv_writer(response)
    writer.writerow([name for name, _getter in SIINAS_COLUMNS])
    shops = selectors.shops_for_export().filter(pk__in=queryset.values("pk"))
    for shop in shops:
        writer.writerow([getter(shop) for _name, getter in SIINAS_COLUMNS])
    return response


class CertificationFormSet(BaseInlineFormSet):
    """Certificates edited on their shop's page are saved and deleted through services.py."""

    def save_new(self, form, commit=True):
        form.instance.shop = self.instance
        return _certification_from_form(form)

    def save_existing(self, form, obj, commit=True):
        return _certification_from_form(form)

    def delete_existing(self, obj, commit=True):
        services.certification_delete(certification=obj)


class CertificationInline(admin.TabularInline):
    model = Certification
    formset = CertificationFormSet
    extra = 0


def _certification_from_form(form):
    cert = form.instance
    return services.certification_save(
        shop=cert.shop,
        kind=cert.kind,
        number=cert.number,
        issued_on=cert.issued_on,
        expires_on=cert.expires_on,
        certification=cert,
    )


def _staff_uploads(form, obj, names):
    """New files chosen in the admin form, taken off the instance so the service stores them
    through the image pipeline (validated, re-encoded) like the owner's uploads."""
    uploads = {}
    for name in names:
        value = form.cleaned_data.get(name)
        if isinstance(value, UploadedFile):
            uploads[name] = value
            setattr(obj, name, form.initial.get(name) or "")
    return uploads


class ShopWritesMixin(ModeratedAdminMixin):
    """Shops are verified/suspended/restored by actions and edited through services.py; never
    added here (an owner creates a shop) and deleted only by a superuser through shop_delete."""

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        services.shop_save_by_staff(shop=obj, **_staff_uploads(form, obj, ("logo", "banner")))

    def delete_model(self, request, obj):
        services.shop_delete(shop=obj)


class ShopImagesMixin:
    """A shop's logo and banner as pictures (the permission-checked view; staff may see them), never
    as file names: the upload fields offer only a new file, the current one is a preview beside it.
    Marketplace links as links, never as the stored JSON (owners edit them on "Toko Saya")."""

    formfield_overrides = {models.FileField: {"widget": forms.FileInput}}
    exclude = ("marketplace_links",)

    def get_fields(self, request, obj=None):
        """Each current picture right below its upload field."""
        fields = [f for f in super().get_fields(request, obj) if f not in ("logo_preview", "banner_preview")]
        for upload, preview in (("logo", "logo_preview"), ("banner", "banner_preview")):
            if upload in fields:
                fields.insert(fields.index(upload) + 1, preview)
        return fields

    def _image(self, obj, name):
        url = shop_image_url(obj, name) if obj and obj.pk else ""
        return format_html('<img src="{}" alt="" width="240" class="admin-photo">', url) if url else "—"

    @admin.display(description=_("logo saat ini"))
    def logo_preview(self, obj):
        return self._image(obj, "logo")

    @admin.display(description=_("gambar sampul saat ini"))
    def banner_preview(self, obj):
        return self._image(obj, "banner")

    @admin.display(description=_("tautan marketplace"))
    def marketplace_links_list(self, obj):
        links = [(url, url) for url in obj.marketplace_links or [] if str(url).startswith(("https://", "http://"))]
        return format_html_join(mark_safe("<br>"), '<a href="{}" rel="noopener noreferrer">{}</a>', links) or "—"


@admin.register(Shop)
class ShopAdmin(ShopImagesMixin, ShopWritesMixin, LeafletGeoAdmin):
    list_display = ("name", "kecamatan", "kbli_sector", "status", "owner", "updated_at")
    list_filter = ("status", "kbli_sector", "kecamatan")
    search_fields = ("name", "nib", "owner__username", "owner__email")
    readonly_fields = (
        "slug",
        "status",
        "status_reason",
        "status_changed_at",
        "verified_at",
        "created_at",
        "logo_preview",
        "banner_preview",
        "marketplace_links_list",
        "history_link",
    )
    list_select_related = ("kecamatan", "owner")
    actions = [verify_shops, suspend_shops, restore_shops, export_siinas_csv]
    inlines = [CertificationInline]
    raw_id_fields = ("owner",)

    @admin.display(description=_("kapasitas dan program"))
    def history_link(self, obj):
        if obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("ikm:staff_shop_history", args=[obj.pk]), _("Lihat perkembangan usaha")
        )


@admin.register(VerificationQueue)
class VerificationQueueAdmin(ShopImagesMixin, ShopWritesMixin, admin.ModelAdmin):
    list_display = ("name", "kecamatan", "nib", "owner", "product_count", "updated_at")
    readonly_fields = (
        "slug",
        "status",
        "status_reason",
        "status_changed_at",
        "verified_at",
        "created_at",
        "logo_preview",
        "banner_preview",
        "marketplace_links_list",
    )
    actions = [verify_shops, suspend_shops, export_siinas_csv]
    list_select_related = ("kecamatan", "owner")

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).filter(status=Shop.Status.PENDING).annotate(n=Count("products"))

    @admin.display(description=_("produk"), ordering="n")
    def product_count(self, obj):
        return obj.n


@admin.register(ExpiringCertification)
class ExpiringCertificationAdmin(admin.ModelAdmin):
    list_display = ("shop", "kind", "number", "expires_on", "days_left")
    list_select_related = ("shop",)
    ordering = ("expires_on",)

    def get_queryset(self, request):
        today = timezone.localdate()
        return (
            super()
            .get_queryset(request)
            .filter(
                expires_on__gte=today,
                expires_on__lte=today + datetime.timedelta(days=selectors.EXPIRY_WARNING_DAYS),
            )
        )

    @admin.display(description=_("sisa hari"))
    def days_left(self, obj):
        return (obj.expires_on - timezone.localdate()).days

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # a list to act on: certificates are edited on their shop

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Certification)
class CertificationAdmin(ServiceWritesAdminMixin, admin.ModelAdmin):
    list_display = ("shop", "kind", "number", "expires_on")
    list_filter = ("kind",)
    search_fields = ("shop__name", "number")
    list_select_related = ("shop",)

    def save_model(self, request, obj, form, change):
        _certification_from_form(form)

    def delete_model(self, request, obj):
        services.certification_delete(certification=obj)

    def delete_queryset(self, request, queryset):
        for certification in queryset:
            services.certification_delete(certification=certification)


@admin.register(Category)
class CategoryAdmin(ServiceWritesAdminMixin, admin.ModelAdmin):
    list_display = ("name", "parent", "position")
    prepopulated_fields = {"slug": ("name",)}

    def save_model(self, request, obj, form, change):
        services.category_save(category=obj)

    def delete_model(self, request, obj):
        services.category_delete(category=obj)

    def delete_queryset(self, request, queryset):
        for category in queryset:
            services.category_delete(category=category)


@admin.register(Product)
class ProductAdmin(ServiceWritesAdminMixin, admin.ModelAdmin):
    list_display = ("name", "shop", "category", "price", "is_active", "is_featured")
    list_filter = ("is_active", "is_featured", "category")
    search_fields = ("name", "shop__name")
    list_select_related = ("shop", "category")
    list_editable = ("is_featured",)
    readonly_fields = ("slug", "photos_preview")
    raw_id_fields = ("shop",)

    @admin.display(description=_("foto produk"))
    def photos_preview(self, obj):
        """The product's photos as pictures (the permission-checked view while not public), never file names."""
        urls = [url for photo in obj.photos.all() if (url := rendition_url(photo, "thumb"))] if obj.pk else []
        return (
            format_html_join("", '<img src="{}" alt="" width="120" class="admin-photo">', ((u,) for u in urls)) or "—"
        )

    def has_add_permission(self, request):
        return False  # owners add products on "Toko Saya"

    def save_model(self, request, obj, form, change):
        services.product_save_by_staff(product=obj)

    def delete_model(self, request, obj):
        services.product_delete(product=obj)

    def delete_queryset(self, request, queryset):
        for product in queryset:
            services.product_delete(product=product)


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    list_display = ("product", "buyer_name", "quantity", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("product",)
    raw_id_fields = ("product",)


@admin.register(GrowthReport)
class GrowthReportAdmin(admin.ModelAdmin):
    list_display = ("shop", "period_start", "period_end", "output", "workers", "omzet")
    list_select_related = ("shop",)
    raw_id_fields = ("shop",)


# --- capacity-building programmes ----------------------------------------------------------------


class ProgrammeAdminForm(forms.ModelForm):
    sectors = forms.MultipleChoiceField(
        label=_("Sektor sasaran"),
        choices=Shop.Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kosongkan bila program terbuka untuk semua sektor."),
    )

    class Meta:
        model = Programme
        fields = ["title", "kind", "status", "description", "place", "starts_on", "ends_on", "quota", "sectors"]


class RegistrationFormSet(BaseInlineFormSet):
    """Attendance and outcome recorded on the programme's page go through services_programmes."""

    def save_new(self, form, commit=True):  # registrations are made by owners, never here
        raise ValidationError(_("Pendaftaran dibuat oleh pemilik toko di “Toko Saya”."))

    def save_existing(self, form, obj, commit=True):
        if not form.has_changed():
            return obj
        return services_programmes.programme_attendance_record(
            registration=obj,
            attendance=obj.attendance,
            certificate_obtained=obj.certificate_obtained,
            capacity_note=obj.capacity_note,
            notes=obj.notes,
            user=self.request_user,
        )

    def delete_existing(self, obj, commit=True):
        raise ValidationError(
            _("Pendaftaran tidak dihapus: pemilik toko dapat membatalkannya sebelum program dimulai.")
        )


class RegistrationInline(admin.TabularInline):
    model = ProgrammeRegistration
    formset = RegistrationFormSet
    extra = 0
    can_delete = False
    fields = ("shop_link", "status", "attendance", "certificate_obtained", "capacity_note", "notes", "recorded_at")
    readonly_fields = ("shop_link", "status", "recorded_at")
    verbose_name = _("peserta")
    verbose_name_plural = _("peserta (catat kehadiran dan hasil)")
    formfield_overrides = {
        django_models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 24})},
        django_models.CharField: {"widget": forms.TextInput(attrs={"size": 24})},
    }

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("shop")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request_user = request.user
        return formset

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("toko IKM"))
    def shop_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("ikm:staff_shop_history", args=[obj.shop_id]), obj.shop.name)


@admin.register(Programme)
class ProgrammeAdmin(ServiceWritesAdminMixin, admin.ModelAdmin):
    form = ProgrammeAdminForm
    list_display = ("title", "kind", "starts_on", "place", "quota", "taken", "status", "participants_link")
    list_filter = ("status", "kind")
    search_fields = ("title", "place")
    date_hierarchy = "starts_on"
    inlines = [RegistrationInline]

    def get_queryset(self, request):
        from django.db.models import Count, Q

        return (
            super()
            .get_queryset(request)
            .annotate(n_taken=Count("registrations", filter=Q(registrations__status="terdaftar")))
        )

    @admin.display(description=_("terisi"), ordering="n_taken")
    def taken(self, obj):
        return obj.n_taken

    @admin.display(description=_("peserta"))
    def participants_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("ikm:staff_programme", args=[obj.pk]), _("lihat"))

    def save_model(self, request, obj, form, change):
        services_programmes.programme_save(programme=obj, user=request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # a programme is cancelled (status), never deleted: its registrations are history

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
