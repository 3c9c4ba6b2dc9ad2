"""The portal's Celery app: JSON only, late acks, one task at a time per process.

Every knob is in settings.py under the CELERY_ prefix.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blitar_portal.settings")

app = Celery("blitar_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
