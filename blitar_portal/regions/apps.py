from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "blitar_portal.regions"
    label = "regions"
    verbose_name = "Wilayah"
