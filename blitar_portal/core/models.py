from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per Celery queue, touched by the heartbeat task: proof a worker consumes."""

    queue = models.CharField(max_length=100, unique=True)
    beat_at = models.DateTimeField()
    hostname = models.CharField(max_length=255, blank=True)

    def __str__(self):
        return f"{self.queue} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"


class DrillEffect(models.Model):
    """The side effect of the failover drill's task (`core.drill`, run by `make rehearsal`):
    one row per token applied. Not unique on purpose: a task that ran its effect twice
    would show as two rows, which the rehearsal counts as a duplicate."""

    token = models.CharField(max_length=64, db_index=True)
    worker = models.CharField(max_length=200)
    redelivered = models.BooleanField(default=False)
    applied_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.token
