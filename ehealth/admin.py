"""Admin of E-Health: Diskominfo manages hospitals and feeds; a `Petugas RS` sees only their hospital.

Every model admin filters through selectors.scoped_for_user and answers 404
(not a redirect) for an object outside the user's hospitals.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from leaflet.admin import LeafletGeoAdmin

from blitar_portal.accounts.roles import HOSPITAL_STAFF, has_role
from blitar_portal.lib.admin import ModeratedAdminMixin
from blitar_portal.lib.masking import mask_name, mask_nik

from . import selectors, services
from .feeds import CLASS_LABELS
from .forms import BedCountFormSet, HospitalFeedForm, RejectForm, bed_formset_initial
from .models import (
    BedCountChange,
    Hospital,
    HospitalMembership,
    Service,
    ServiceRequest,
    ServiceSchedule,
    SyncRun,
)


def _manager(user):
    return selectors.can_manage_all_hospitals(user)


def _clerk(user):
    return user.is_active and user.is_staff and has_role(user, HOSPITAL_STAFF)


class ScopedAdmin(admin.ModelAdmin):
    """Visible to Diskominfo (everything) and to Petugas RS (their hospital's rows only)."""

    hospital_field = "hospital"
    clerk_can_change = False
    clerk_can_add = False

    def get_queryset(self, request):
        return selectors.scoped_for_user(
            super().get_queryset(request), request.user, hospital_field=self.hospital_field
        )

    def has_module_permission(self, request):
        return _manager(request.user) or _clerk(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return _manager(request.user) or (self.clerk_can_change and _clerk(request.user))

    def has_add_permission(self, request):
        return _manager(request.user) or (self.clerk_can_add and _clerk(request.user))

    def has_delete_permission(self, request, obj=None):
        return _manager(request.user)

    def _check_object(self, request, object_id):
        if object_id and not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404(_("Data tidak ditemukan."))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._check_object(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._check_object(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._check_object(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "hospital":
            kwargs["queryset"] = selectors.hospitals_for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyScopedAdmin(ScopedAdmin):
    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Hospital)
class HospitalAdmin(ModeratedAdminMixin, ScopedAdmin, LeafletGeoAdmin):
    form = HospitalFeedForm
    hospital_field = "pk"
    list_display = [
        "name",
        "type",
        "kecamatan",
        "feed_format",
        "last_sync_status",
        "feed_failing_since",
        "beds_confirmed_at",
        "bed_link",
    ]
    list_filter = ["type", "feed_format", "last_sync_status", "kecamatan"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["sync_now"]
    readonly_fields = [
        "last_sync_at",
        "last_sync_status",
        "last_sync_message",
        "last_success_at",
        "consecutive_failures",
        "feed_failing_since",
        "beds_confirmed_at",
        "token_state",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
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
                ]
            },
        ),
        (
            gettext_lazy("Feed sistem rumah sakit"),
            {
                "fields": [
                    "feed_url",
                    "feed_format",
                    "feed_auth",
                    "token_state",
                    "new_feed_token",
                    "new_feed_user",
                    "new_feed_secret",
                    "new_feed_user_key",
                    "new_feed_token_url",
                    "clear_feed_token",
                    "sync_interval_minutes",
                    "stale_after_minutes",
                ]
            },
        ),
        (
            gettext_lazy("Sinkronisasi"),
            {
                "fields": [
                    "last_sync_at",
                    "last_sync_status",
                    "last_sync_message",
                    "last_success_at",
                    "consecutive_failures",
                    "feed_failing_since",
                    "beds_confirmed_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        qs = Hospital.objects.select_related("kecamatan")
        if _manager(request.user):
            return qs
        return qs.filter(pk__in=selectors.hospitals_for_user(request.user).values("pk"))

    @admin.display(description=gettext_lazy("Kredensial feed"))
    def token_state(self, obj):
        """Which credentials are stored, never their values."""
        stored = [
            str(obj._meta.get_field(name).verbose_name) for name in services.CREDENTIAL_FIELDS if getattr(obj, name)
        ]
        if not stored:
            return _("tidak ada")
        return _("tersimpan (tidak ditampilkan): %(fields)s") % {"fields": ", ".join(stored)}

    @admin.display(description=gettext_lazy("Tempat tidur"))
    def bed_link(self, obj):
        url = reverse("admin:ehealth_hospital_beds", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Ubah jumlah tempat tidur"))

    def save_model(self, request, obj, form, change):
        services.hospital_save(
            hospital=obj,
            credentials=form.credentials(),
            clear_token=form.cleaned_data.get("clear_feed_token", False),
        )

    def delete_model(self, request, obj):
        services.hospital_delete(hospital=obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not _manager(request.user):
            actions.pop("sync_now", None)
        return actions

    @admin.action(description=gettext_lazy("Sinkronkan sekarang"))
    def sync_now(self, request, queryset):
        # Feeds are fetched by a worker, never inside the clerk's request (timeouts of slow hospitals).
        hospitals = list(queryset.order_by("name"))
        services.hospitals_sync_enqueue(hospitals=hospitals, trigger="admin")
        message = _("%(hospitals)s: sinkronisasi dijadwalkan; hasilnya tampil di kolom status dalam beberapa saat.")
        self.message_user(request, message % {"hospitals": ", ".join(h.name for h in hospitals)}, messages.SUCCESS)

    def get_urls(self):
        custom = [
            path(
                "<int:hospital_id>/tempat-tidur/",
                self.admin_site.admin_view(self.bed_counts_view),
                name="ehealth_hospital_beds",
            ),
        ]
        return custom + super().get_urls()

    def bed_counts_view(self, request, hospital_id):
        """All classes of one hospital on one screen (the clerk's quick form)."""
        hospital = selectors.hospitals_for_user(request.user).filter(pk=hospital_id).first()
        if hospital is None or not (_manager(request.user) or _clerk(request.user)):
            raise Http404(_("Data tidak ditemukan."))
        formset = BedCountFormSet(request.POST or None, initial=bed_formset_initial(hospital), prefix="beds")
        if request.method == "POST" and formset.is_valid():
            counts = [
                (f["code"], f.get("room_name", ""), f["capacity"], f["available"])
                for f in formset.cleaned_data
                if f and f.get("code")
            ]
            try:
                changed = services.hospital_beds_update_by_staff(hospital=hospital, user=request.user, counts=counts)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                self.message_user(request, _("Tersimpan: %(n)s kelas berubah.") % {"n": changed}, messages.SUCCESS)
                return redirect("admin:ehealth_hospital_beds", hospital_id=hospital.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Jumlah tempat tidur: %(name)s") % {"name": hospital.name},
            "hospital": hospital,
            "formset": formset,
            "opts": self.model._meta,
            "history": BedCountChange.objects.filter(hospital=hospital).select_related("user")[:20],
        }
        return TemplateResponse(request, "admin/ehealth/bed_counts.html", context)


class BedClassCodeFilter(admin.SimpleListFilter):
    """Filter by class, offered by label (Kelas 3), not by code (KELAS_3)."""

    title = gettext_lazy("kelas")
    parameter_name = "code"

    def lookups(self, request, model_admin):
        return [(code, str(label)) for code, label in CLASS_LABELS.items()]

    def queryset(self, request, queryset):
        return queryset.filter(code=self.value()) if self.value() else queryset


@admin.register(BedCountChange)
class BedCountChangeAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "changed_at",
        "hospital",
        "class_label",
        "old_capacity",
        "new_capacity",
        "old_available",
        "new_available",
        "source",
        "user",
    ]
    list_filter = ["source", BedClassCodeFilter]
    date_hierarchy = "changed_at"
    list_select_related = ["hospital", "user"]
    fields = [
        "hospital",
        "class_label",
        "old_capacity",
        "new_capacity",
        "old_available",
        "new_available",
        "source",
        "user",
        "sync_run",
        "changed_at",
    ]

    @admin.display(description=gettext_lazy("kelas"), ordering="code")
    def class_label(self, obj):
        return obj.label


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "started_at",
        "hospital",
        "status",
        "trigger",
        "attempt",
        "duration_ms",
        "rows",
        "classes_changed",
        "message",
    ]
    list_filter = ["status", "trigger"]
    list_select_related = ["hospital"]


class ServiceScheduleInline(admin.TabularInline):
    """The doctor schedule of a service: a clerk edits it for their hospital's services only
    (the parent ServiceAdmin is scoped; its rows are reached only through it)."""

    model = ServiceSchedule
    extra = 1
    fields = ["weekday", "starts_at", "ends_at", "doctor_name"]

    def _may_edit(self, request):
        return _manager(request.user) or _clerk(request.user)

    def has_view_permission(self, request, obj=None):
        return self._may_edit(request)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request)

    def has_add_permission(self, request, obj=None):
        return self._may_edit(request)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request)


@admin.register(Service)
class ServiceAdmin(ScopedAdmin):
    clerk_can_change = True
    clerk_can_add = True
    list_display = ["name", "hospital", "kind", "daily_quota", "avg_service_minutes", "opens_at", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "hospital__name"]
    list_select_related = ["hospital"]
    inlines = [ServiceScheduleInline]

    def save_model(self, request, obj, form, change):
        services.service_save(service=obj)

    def save_formset(self, request, form, formset, change):
        for schedule in formset.save(commit=False):
            services.service_schedule_save(schedule=schedule)
        for schedule in formset.deleted_objects:
            services.service_schedule_delete(schedule=schedule)


class StatusAction:
    def __init__(self, status, *, reason=""):
        self.status = status
        self.reason = reason

    def __call__(self, modeladmin, request, queryset):
        done = 0
        for item in queryset:
            try:
                services.service_request_set_status(service_request=item, status=self.status, reason=self.reason)
                done += 1
            except ValidationError as exc:
                modeladmin.message_user(request, f"{item.code}: {' '.join(exc.messages)}", messages.ERROR)
        if done:
            modeladmin.message_user(request, _("%(n)s permohonan diperbarui.") % {"n": done}, messages.SUCCESS)


def _status_action(status, label):
    action = StatusAction(status)
    action.short_description = label
    action.__name__ = f"mark_{status}"
    return action


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ScopedAdmin):
    clerk_can_change = True
    list_display = [
        "code",
        "visit_date",
        "queue_number",
        "service",
        "masked_name",
        "masked_nik",
        "status",
        "created_at",
    ]
    list_filter = ["status", "visit_date", "service__kind"]
    search_fields = ["=code"]
    search_help_text = gettext_lazy("Cari dengan kode booking.")
    list_select_related = ["service", "hospital"]
    date_hierarchy = "visit_date"
    fields = [
        "code",
        "hospital",
        "service",
        "visit_date",
        "queue_number",
        "estimated_time",
        "patient_name",
        "patient_nik",
        "patient_phone",
        "patient_email",
        "patient_bpjs_number",
        "patient_complaint",
        "personal_data_erased_at",
        "erasure_reason",
        "consent_version",
        "consent_at",
        "created_at",
        "status",
        "reject_reason",
        "accepted_at",
        "served_at",
        "completed_at",
        "rejected_at",
        "cancelled_at",
        "no_show_at",
    ]
    actions = [
        _status_action(ServiceRequest.Status.DITERIMA, gettext_lazy("Terima permohonan terpilih")),
        _status_action(ServiceRequest.Status.DILAYANI, gettext_lazy("Tandai sedang dilayani")),
        _status_action(ServiceRequest.Status.SELESAI, gettext_lazy("Tandai selesai")),
        _status_action(ServiceRequest.Status.TIDAK_HADIR, gettext_lazy("Tandai tidak hadir")),
        "reject_selected",
    ]

    @admin.action(description=gettext_lazy("Tolak permohonan terpilih (dengan alasan)"))
    def reject_selected(self, request, queryset):
        """Asks for the reason on a confirmation page, then applies the same service as the change form.

        The queryset is already scoped to the user's hospitals (get_queryset), so a clerk
        can never reject another hospital's request, even with a forged id.
        """
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            StatusAction(ServiceRequest.Status.DITOLAK, reason=form.cleaned_data["reason"])(self, request, queryset)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Tolak permohonan layanan"),
            "opts": self.model._meta,
            "form": form,
            "queryset": queryset.select_related("service"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/ehealth/reject_requests.html", context)

    def get_readonly_fields(self, request, obj=None):
        return [f for f in self.fields if f not in ("status", "reject_reason")]

    def get_object(self, request, object_id, from_field=None):
        """The change form shows personal data in full only to the clerks of the request's hospital."""
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            full = selectors.can_see_personal_data(request.user, obj)
            obj.personal_view = selectors.service_request_personal_data(obj, full=full)
        return obj

    @staticmethod
    def _personal(obj, field):
        view = getattr(obj, "personal_view", None) or selectors.service_request_personal_data(obj, full=False)
        return view[field]

    @admin.display(description=gettext_lazy("nama pasien"))
    def patient_name(self, obj):
        return self._personal(obj, "name")

    @admin.display(description="NIK")
    def patient_nik(self, obj):
        return self._personal(obj, "nik")

    @admin.display(description=gettext_lazy("nomor HP"))
    def patient_phone(self, obj):
        return self._personal(obj, "phone")

    @admin.display(description=gettext_lazy("email"))
    def patient_email(self, obj):
        return self._personal(obj, "email")

    @admin.display(description=gettext_lazy("nomor kartu BPJS"))
    def patient_bpjs_number(self, obj):
        return self._personal(obj, "bpjs_number")

    @admin.display(description=gettext_lazy("keluhan"))
    def patient_complaint(self, obj):
        return self._personal(obj, "complaint")

    @admin.display(description=gettext_lazy("Nama"))
    def masked_name(self, obj):
        return mask_name(obj.name)

    @admin.display(description="NIK")
    def masked_nik(self, obj):
        return mask_nik(obj.nik)

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        services.service_request_set_status(
            service_request=obj, status=form.cleaned_data["status"], reason=form.cleaned_data.get("reject_reason", "")
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return redirect(request.path)

    def has_delete_permission(self, request, obj=None):
        # Requests are accepted/rejected/cancelled through the service, never deleted from the queue;
        # personal data is erased by the retention service, which keeps the statistics.
        return False


@admin.register(HospitalMembership)
class HospitalMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "hospital"]
    autocomplete_fields = ["hospital"]
    search_fields = ["user__username", "hospital__name"]

    def has_module_permission(self, request):
        return _manager(request.user)

    has_view_permission = has_change_permission = has_delete_permission = lambda self, request, obj=None: _manager(
        request.user
    )

    def has_add_permission(self, request):
        return _manager(request.user)
