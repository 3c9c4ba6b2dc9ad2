"""Stored summaries the dashboard pages read (never the apps' raw rows on request).

All rows are derived: `services.summaries_refresh` rebuilds them from the apps'
`dashboard.collect()`, at most every REFRESH_SECONDS and on demand.
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

REFRESH_SECONDS = 300


class DailyMetric(models.Model):
    """One number of one metric on one day (or the first day of a month for monthly metrics).

    `kecamatan` is null for regency-wide metrics that cannot be split by area;
    `dimension` is a free label inside the metric (a status, a bed class, a species…).
    """

    date = models.DateField(_("tanggal"))
    metric = models.CharField(_("metrik"), max_length=40)
    kecamatan = models.ForeignKey(
        "regions.Kecamatan",
        verbose_name=_("kecamatan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    dimension = models.CharField(_("dimensi"), max_length=120, blank=True)
    value = models.FloatField(_("nilai"), default=0)

    class Meta:
        verbose_name = _("metrik harian")
        verbose_name_plural = _("metrik harian")
        indexes = [models.Index(fields=["metric", "date"], name="dash_metric_date")]

    def __str__(self):
        return f"{self.metric} {self.date} {self.dimension}={self.value}"


class Snapshot(models.Model):
    """A point-in-time figure (a table of rows) keyed like "ehealth.hospitals" (names in `<app>/dashboard.py`)."""

    key = models.CharField(_("kunci"), max_length=60, unique=True)
    data = models.JSONField(_("isi"), encoder=DjangoJSONEncoder, default=dict)
    computed_at = models.DateTimeField(_("dihitung pada"))

    class Meta:
        verbose_name = _("cuplikan dasbor")
        verbose_name_plural = _("cuplikan dasbor")

    def __str__(self):
        return self.key


class RefreshRun(models.Model):
    class Status(models.TextChoices):
        OK = "ok", _("berhasil")
        ERROR = "error", _("gagal")

    started_at = models.DateTimeField(_("mulai"))
    finished_at = models.DateTimeField(_("selesai"))
    duration_ms = models.PositiveIntegerField(_("durasi (ms)"), default=0)
    trigger = models.CharField(_("pemicu"), max_length=20, default="beat")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OK)
    message = models.TextField(_("pesan"), blank=True)
    metric_rows = models.PositiveIntegerField(_("baris metrik"), default=0)

    class Meta:
        ordering = ["-finished_at"]
        verbose_name = _("penyegaran dasbor")
        verbose_name_plural = _("penyegaran dasbor")

    def __str__(self):
        return f"{self.finished_at:%Y-%m-%d %H:%M} {self.status}"
