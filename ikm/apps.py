from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IkmConfig(AppConfig):
    name = "ikm"
    verbose_name = _("999 IKM Online")

    def ready(self):
        from blitar_portal.core.beat import register_periodic_task

        from .categories import ensure_categories_after_migrate

        # Photos whose render task was lost (broker down at upload) are rendered by this sweep.
        register_periodic_task("ikm-render-pending-photos", task="ikm.render_pending_photos", schedule=120.0)

        # A flush (transactional tests) empties the table; the category tree is reference data.
        post_migrate.connect(ensure_categories_after_migrate, sender=self, dispatch_uid="ikm-categories")
