"""The portal's Celery app: JSON only, late acks, one task at a time per process.

Every knob is in settings.py under the CELERY_ prefix.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blitar_portal.settings")

app = Celery("blitar_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _redbeat_settings_without_namespace(sender, **kwargs):
    """celery-redbeat looks up `redbeat_*` keys without the CELERY_ namespace: give them to it."""
    sender.conf.update(
        {
            key.removeprefix("CELERY_").lower(): value
            for key, value in list(sender.conf.items())
            if key.startswith("CELERY_REDBEAT_")
        }
    )
