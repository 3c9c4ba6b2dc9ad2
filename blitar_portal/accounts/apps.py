from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "blitar_portal.accounts"
    label = "accounts"
    verbose_name = "Akun dan peran"
