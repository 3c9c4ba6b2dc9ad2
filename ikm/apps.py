from django.apps import AppConfig


class IkmConfig(AppConfig):
    name = "ikm"
    verbose_name = "999 IKM Online"
