from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "blitar_portal.regions"
    label = "regions"
    verbose_name = _("Wilayah")

    def ready(self):
        post_migrate.connect(regions_ensure_loaded, sender=self, dispatch_uid="regions-ensure-loaded")


def regions_ensure_loaded(sender, using="default", **kwargs):
    """Every migrated database has the boundaries: load them when the tables are empty.

    Also runs after a test flush (TransactionTestCase), so tests always find regions.
    """
    from .models import Kecamatan
    from .services import regions_load

    if not Kecamatan.objects.using(using).exists():
        regions_load()
