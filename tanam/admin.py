"""Admin for Diskominfo: species figures, communities, campaigns and the moderation of plantings.

Every write goes through services.py, so verifying in the admin refreshes the
public map, land cover and open-data files exactly like the API does, and edits after
verification are audited. Plantings are rejected, not deleted: only a superuser may delete
one (services.planting_delete), and no list offers a bulk delete.
"""

from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist
from django.shortcuts import render
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from blitar_portal.lib.admin import ModeratedAdminMixin, ServiceWritesAdminMixin
from blitar_portal.regions.models import Kecamatan

from . import selectors, services
from .forms import RejectForm
from .models import Campaign, Community, Membership, Observation, Planting, PlantingAudit, Species


class ReferenceItemAdmin(ServiceWritesAdminMixin, admin.ModelAdmin):
    """Species, communities, campaigns: saved and deleted through services (filters, open data, cells follow)."""

    def save_model(self, request, obj, form, change):
        services.reference_item_save(item=obj)

    def delete_model(self, request, obj):
        services.reference_item_delete(item=obj)

    def delete_queryset(self, request, queryset):
        for item in queryset:
            services.reference_item_delete(item=item)


@admin.register(Species)
class SpeciesAdmin(ReferenceItemAdmin):
    list_display = ("local_name", "scientific_name", "kind", "crown_diameter_m", "years_to_maturity", "co2_kg_per_year")
    list_filter = ("kind",)
    search_fields = ("local_name", "scientific_name")

    def save_model(self, request, obj, form, change):
        services.species_save(species=obj)  # its figures drive the land cover


class MembershipInline(admin.TabularInline):
    """Members join and leave themselves (services_community): staff read the list. A member who did
    not agree to be listed is shown masked here too (selectors.member_display_name)."""

    model = Membership
    extra = 0
    can_delete = False
    fields = ("member", "listed", "joined_at")
    readonly_fields = fields
    verbose_name = _("anggota")
    verbose_name_plural = _("anggota")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("nama"))
    def member(self, obj):
        return selectors.member_display_name(obj.user, listed=obj.listed)


@admin.register(Community)
class CommunityAdmin(ReferenceItemAdmin):
    list_display = ("name", "kecamatan")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    exclude = ("members",)  # replaced by memberships the citizens make (MembershipInline)
    inlines = [MembershipInline]


@admin.register(Campaign)
class CampaignAdmin(ReferenceItemAdmin):
    list_display = ("name", "starts_on", "ends_on", "target_trees", "kecamatan")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


class ObservationInline(admin.TabularInline):
    model = Observation
    extra = 0
    fields = ("observed_on", "condition", "height_m", "notes", "observed_by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # observations are added on the planting page (services keep the survival dates)


class AuditInline(admin.TabularInline):
    model = PlantingAudit
    extra = 0
    fields = ("changed_at", "user", "changes_text", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("perubahan"))
    def changes_text(self, obj):
        """ "Jumlah pohon: 1 → 3", one line per field, with the field's label (never the stored JSON)."""
        lines = []
        for name, values in (obj.changes or {}).items():
            try:
                label = Planting._meta.get_field(name).verbose_name
            except FieldDoesNotExist:
                label = name
            before, after = values if isinstance(values, list) and len(values) == 2 else ("", values)
            lines.append((capfirst(label), _audit_text(before), _audit_text(after)))
        return format_html_join(mark_safe("<br>"), "{}: {} → {}", lines) or "—"


def _audit_text(value):
    return "—" if value in (None, "") else str(value)


class KecamatanListFilter(admin.RelatedFieldListFilter):
    """The kecamatan filter by name only: the default loads every kecamatan with its boundary."""

    def field_choices(self, field, request, model_admin):
        return list(Kecamatan.objects.order_by("name").values_list("pk", "name"))


@admin.register(Planting)
class PlantingAdmin(ModeratedAdminMixin, LeafletGeoAdmin):
    list_display = (
        "id",
        "thumbnail",
        "species",
        "tree_count",
        "planted_on",
        "kecamatan",
        "desa",
        "user",
        "status",
        "created_at",
    )
    list_filter = ("status", ("kecamatan", KecamatanListFilter), "species", "campaign")
    search_fields = ("user__username", "desa__name", "species__local_name", "notes")
    # Desa.__str__ names its kecamatan: joined here, or the list costs one query per row.
    list_select_related = ("species", "kecamatan", "desa__kecamatan", "user")
    date_hierarchy = "created_at"
    raw_id_fields = ("user", "desa")
    readonly_fields = (
        "kecamatan",
        "desa",
        "status",
        "rejection_reason",
        "verified_by",
        "verified_at",
        "condition",
        "next_check_on",
        "created_at",
        "photo_preview",
    )
    fields = (
        "point",
        "species",
        "tree_count",
        "planted_on",
        "community",
        "campaign",
        "notes",
        "location_source",
        "gps_accuracy_m",
        "user",
    ) + readonly_fields
    inlines = [ObservationInline, AuditInline]
    actions = ["verify_selected", "reject_selected"]
    show_full_result_count = False

    def get_queryset(self, request):
        # Names only: region boundaries (kilobytes of geometry per row) are never loaded here.
        return (
            super()
            .get_queryset(request)
            .select_related(*self.list_select_related)
            .defer("kecamatan__geom", "desa__geom", "desa__kecamatan__geom")
        )

    @admin.display(description=_("Pratinjau foto"))
    def photo_preview(self, obj):
        # The private rendition through the permission-checked view (staff may see it), never a file name.
        url = selectors.photo_url(obj, "card") if obj and obj.pk else None
        return format_html('<img src="{}" alt="" width="320" class="admin-photo">', url) if url else "—"

    @admin.display(description=_("foto"))
    def thumbnail(self, obj):
        url = selectors.photo_url(obj, "thumb")
        return format_html('<img src="{}" alt="" width="64" loading="lazy" class="admin-thumb">', url) if url else "—"

    @admin.action(description=_("Verifikasi penanaman terpilih"))
    def verify_selected(self, request, queryset):
        count = services.plantings_verify_bulk(plantings=list(queryset), user=request.user)
        self.message_user(request, _("%(n)d penanaman diverifikasi.") % {"n": count}, messages.SUCCESS)

    @admin.action(description=_("Tolak penanaman terpilih (dengan alasan)"))
    def reject_selected(self, request, queryset):
        form = RejectForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            count = services.plantings_reject_bulk(
                plantings=list(queryset), user=request.user, reason=form.cleaned_data["reason"]
            )
            self.message_user(request, _("%(n)d penanaman ditolak.") % {"n": count}, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Tolak penanaman"),
            "form": form,
            "plantings": queryset,
            "action": "reject_selected",
            "opts": self.model._meta,
        }
        return render(request, "admin/tanam/reject.html", context)

    def has_add_permission(self, request):
        return False  # citizens register plantings (services.planting_register checks every rule)

    def delete_model(self, request, obj):
        services.planting_delete(planting=obj)

    def save_model(self, request, obj, form, change):
        original = Planting.objects.get(pk=obj.pk)
        # A refused edit (e.g. a point outside the regency) becomes a message (ServiceWritesAdminMixin).
        services.planting_update(
            planting=obj, user=request.user, original=original, changed_fields=set(form.changed_data)
        )
