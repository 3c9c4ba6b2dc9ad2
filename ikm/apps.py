from django.apps import AppConfig
from django.db.backends.signals import connection_created

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
        connection_created.connect(_set_trigram_threshold, dispatch_uid="ikm-trigram-threshold")
