"""ModelAdmin mixins shared by the apps' admins."""


class ModeratedAdminMixin:
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
