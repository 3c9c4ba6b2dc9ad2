"""Writes of the portal shell."""

import socket

from django.conf import settings
from django.utils import timezone

from .models import WorkerHeartbeat


def worker_heartbeat_record(*, queue=None, hostname=None):
    queue = queue or settings.CELERY_TASK_DEFAULT_QUEUE
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        queue=queue, defaults={"beat_at": timezone.now(), "hostname": hostname or socket.gethostname()}
    )
    return beat
