"""ModelAdmin mixins shared by the apps' admins."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect


class ServiceWritesAdminMixin:
    """For admins whose save_model/delete_model call `<app>/services.py`.

    A rule the service refuses (ValidationError, e.g. a point outside the regency or an invalid
    WhatsApp number) becomes an error message on the same page instead of a 500; the admin
    view's transaction is rolled back, so nothing is saved half-way.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return redirect(request.get_full_path())


class ModeratedAdminMixin(ServiceWritesAdminMixin):
    """Items that staff moderate (shops, plantings, hospitals): suspended or rejected, never deleted by staff.

    - no "delete selected" action in the list, for anyone: a bulk delete is never one click away
      from the verify/reject actions;
    - only a superuser may delete, one item at a time from its change page; the ModelAdmin's
      `delete_model` must then call the app's delete service (side effects: caches, aggregates, files).
    """

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        return bool(request.user.is_active and request.user.is_superuser)

    def delete_queryset(self, request, queryset):  # no bulk action, but never bypass delete_model
        for obj in queryset:
            self.delete_model(request, obj)
