from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "blitar_portal.accounts"
    label = "accounts"
    verbose_name = _("Akun dan peran")

    def ready(self):
        from .services import diskominfo_grant_permissions

        # After every migrate, so new models of the apps are covered too.
        post_migrate.connect(diskominfo_grant_permissions, dispatch_uid="diskominfo-grant-permissions")
