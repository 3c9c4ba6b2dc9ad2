from django.apps import AppConfig


class EhealthConfig(AppConfig):
    name = "ehealth"
    verbose_name = "Layanan Kesehatan"
