"""Writes of the dashboard: rebuilding the stored summaries and queueing a refresh."""

import datetime
import logging
import time
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from blitar_portal.lib.queue import enqueue_on_commit
from blitar_portal.notifications import dashboard as notifications_dashboard
from ehealth import dashboard as ehealth_dashboard
from ikm import dashboard as ikm_dashboard
from tanam import dashboard as tanam_dashboard

from .models import REFRESH_SECONDS, DailyMetric, RefreshRun, Snapshot

logger = logging.getLogger(__name__)

# app label (the prefix of its metric and snapshot names) -> its `collect(*, since, now)`
SOURCES = {
    "ehealth": ehealth_dashboard.collect,
    "ikm": ikm_dashboard.collect,
    "tanam": tanam_dashboard.collect,
    "notifications": notifications_dashboard.collect,
}
# Metrics are kept from the oldest programme's start (Bangga Menanam, 2016) so any period back to it
# can be shown; E-Health and IKM records begin later (with the portal), their earlier figures are 0.
# Rows are per day and kecamatan only where something happened: ten years stay a few 100k rows.
HISTORY_START = tanam_dashboard.STARTED
LOCK_ID = 0x6461_7368  # pg advisory lock: one refresh at a time across workers
QUEUED_KEY = "dashboard:refresh-queued"


def _collect_source(collect: Any, *, since: datetime.date, now: datetime.datetime) -> Any:
    """One app's rows and snapshots, inside a savepoint: a failing source must not stop the others."""
    with transaction.atomic():
        return collect(since=since, now=now)


def _store(app_label: str, rows: list[dict[str, Any]], snapshots: Any, *, now: datetime.datetime) -> None:
    """Replace one source's stored rows (metrics and snapshots are prefixed with the app label)."""
    DailyMetric.objects.filter(metric__startswith=f"{app_label}.").delete()
    DailyMetric.objects.bulk_create(
        [
            DailyMetric(date=_as_date(d), metric=m, kecamatan_id=k, dimension=str(dim)[:120], value=v or 0)
            for d, m, k, dim, v in rows
        ],
        batch_size=5000,
    )
    Snapshot.objects.filter(key__startswith=f"{app_label}.").exclude(key__in=list(snapshots)).delete()
    for key, data in snapshots.items():
        Snapshot.objects.update_or_create(key=key, defaults={"data": data, "computed_at": now})


def summaries_refresh(*, trigger: str = "beat", now: datetime.datetime | None = None) -> RefreshRun | None:
    """Recompute every stored summary in one transaction; returns the RefreshRun (None if one is running).

    A source (app) that fails keeps its last good rows; the run is then marked failed with
    the reason, and the pages say so. Derived rows are bulk-inserted without full_clean():
    they are computed here, not typed by anyone.
    """
    now = now or timezone.now()
    started = time.monotonic()
    since = HISTORY_START
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_ID])
            if not cursor.fetchone()[0]:
                logger.info("Dashboard refresh skipped: another one is running.")
                return None
        total, failures = 0, []
        for app_label, collect in SOURCES.items():
            try:
                rows, snapshots = _collect_source(collect, since=since, now=now)
            except Exception as exc:  # noqa: BLE001 - any failure of one source is reported, the rest goes on
                logger.exception("Dashboard source %s failed", app_label)
                failures.append(f"{app_label}: {exc}"[:300])
                continue
            _store(app_label, rows, snapshots, now=now)
            total += len(rows)
        run = RefreshRun(
            started_at=now,
            finished_at=timezone.now(),
            duration_ms=int((time.monotonic() - started) * 1000),
            trigger=trigger,
            metric_rows=total,
            status=RefreshRun.Status.ERROR if failures else RefreshRun.Status.OK,
            message="\n".join(failures),
        )
        run.full_clean()
        run.save()
        RefreshRun.objects.filter(finished_at__lt=now - datetime.timedelta(days=7)).delete()
    cache.delete(QUEUED_KEY)
    return run


def _as_date(value: Any) -> date:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def refresh_enqueue(*, user: User) -> bool:
    """Queue a refresh after this transaction commits; False when one is already queued."""
    from .tasks import refresh_summaries

    if not cache.add(QUEUED_KEY, user.pk, REFRESH_SECONDS):
        return False
    enqueue_on_commit(refresh_summaries, trigger="staff")  # broker down: the beat refresh catches up
    return True
