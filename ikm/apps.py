from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate

# Typo tolerance of the search: "kripik" vs "keripik" has word similarity 0.57,
# under pg_trgm's default 0.6 for the %> operator. Set per connection.
WORD_SIMILARITY_THRESHOLD = 0.5


def _set_trigram_threshold(sender, connection, **kwargs):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET pg_trgm.word_similarity_threshold = %s", [WORD_SIMILARITY_THRESHOLD])


class IkmConfig(AppConfig):
    name = "ikm"
    verbose_name = "999 IKM Online"

    def ready(self):
        from blitar_portal.core.beat import register_periodic_task

        from .categories import ensure_categories_after_migrate

        # Photos whose render task was lost (broker down at upload) are rendered by this sweep.
        register_periodic_task("ikm-render-pending-photos", task="ikm.render_pending_photos", schedule=120.0)

        connection_created.connect(_set_trigram_threshold, dispatch_uid="ikm-trigram-threshold")
        # A flush (transactional tests) empties the table; the category tree is reference data.
        post_migrate.connect(ensure_categories_after_migrate, sender=self, dispatch_uid="ikm-categories")
