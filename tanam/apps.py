from django.apps import AppConfig


class TanamConfig(AppConfig):
    name = "tanam"
    verbose_name = "Gerakan Bangga Menanam"
