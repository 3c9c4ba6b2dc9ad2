from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per Celery queue, touched by the heartbeat task: proof a worker consumes."""

    queue = models.CharField(_("antrean"), max_length=100, unique=True)
    beat_at = models.DateTimeField(_("detak terakhir"))
    hostname = models.CharField(_("nama host"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("detak pekerja")
        verbose_name_plural = _("detak pekerja")

    def __str__(self):
        return f"{self.queue} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"


class DrillEffect(models.Model):
    """The side effect of the failover drill's task (`core.drill`, run by `make rehearsal`):
    one row per token applied. Not unique on purpose: a task that ran its effect twice
    would show as two rows, which the rehearsal counts as a duplicate."""

    token = models.CharField(_("token"), max_length=64, db_index=True)
    worker = models.CharField(_("pekerja"), max_length=200)
    redelivered = models.BooleanField(_("dikirim ulang"), default=False)
    applied_at = models.DateTimeField(_("diterapkan pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("efek latihan pemulihan")
        verbose_name_plural = _("efek latihan pemulihan")

    def __str__(self):
        return self.token
