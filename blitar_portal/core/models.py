from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per Celery queue, touched by the heartbeat task: proof a worker consumes."""

    queue = models.CharField(max_length=100, unique=True)
    beat_at = models.DateTimeField()
    hostname = models.CharField(max_length=255, blank=True)

    def __str__(self):
        return f"{self.queue} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
