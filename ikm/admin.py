"""Diskominfo's admin for 999 IKM Online: verification queue, suspend/restore with reason,
certifications expiring within 60 days, SIINas-like CSV export of shops.

Every write goes through services.py (same rules and side effects as the site: search
vectors, cached catalogue pages, image pipeline, files). Shops are suspended, not deleted.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from blitar_portal.lib.admin import ModeratedAdminMixin, ServiceWritesAdminMixin
from blitar_portal.lib.csvsafe import csv_writer

from . import selectors, services
from .models import (
    Category,
    Certification,
    ExpiringCertification,
    GrowthReport,
    Inquiry,
    Product,
    Shop,
    VerificationQueue,
)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan (dikirim ke pemilik toko)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


def _status_action(request, queryset, *, service, title, reason_required):
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
        request, queryset, service=services.shop_verify, title=_("Verifikasi toko"), reason_required=False
    )


@admin.action(description=_("Tangguhkan toko terpilih (dengan alasan)"))
def suspend_shops(modeladmin, request, queryset):
    return _status_action(
        request, queryset, service=services.shop_suspend, title=_("Tangguhkan toko"), reason_required=True
    )


@admin.action(description=_("Pulihkan toko yang ditangguhkan"))
def restore_shops(modeladmin, request, queryset):
    return _status_action(
        request, queryset, service=services.shop_restore, title=_("Pulihkan toko"), reason_required=False
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
        shop=cert.shop, kind=cert.kind, number=cert.number, expires_on=cert.expires_on, certification=cert
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


@admin.register(Shop)
class ShopAdmin(ShopWritesMixin, LeafletGeoAdmin):
    list_display = ("name", "kecamatan", "kbli_sector", "status", "owner", "updated_at")
    list_filter = ("status", "kbli_sector", "kecamatan")
    search_fields = ("name", "nib", "owner__username", "owner__email")
    readonly_fields = ("slug", "status", "status_reason", "status_changed_at", "verified_at", "created_at")
    list_select_related = ("kecamatan", "owner")
    actions = [verify_shops, suspend_shops, restore_shops, export_siinas_csv]
    inlines = [CertificationInline]
    raw_id_fields = ("owner",)


@admin.register(VerificationQueue)
class VerificationQueueAdmin(ShopWritesMixin, admin.ModelAdmin):
    list_display = ("name", "kecamatan", "nib", "owner", "product_count", "updated_at")
    readonly_fields = ("slug", "status", "status_reason", "status_changed_at", "verified_at", "created_at")
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
    readonly_fields = ("slug",)
    raw_id_fields = ("shop",)

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
