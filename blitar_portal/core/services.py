"""Writes of the portal shell."""

import datetime
import socket
import time
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import DrillEffect, WorkerHeartbeat


def worker_heartbeat_record(*, queue: Any = None, hostname: str | None = None) -> WorkerHeartbeat:
    queue = queue or settings.CELERY_TASK_DEFAULT_QUEUE
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        queue=queue, defaults={"beat_at": timezone.now(), "hostname": hostname or socket.gethostname()}
    )
    return beat


def drill_apply(*, token: str, worker: str, redelivered: bool = False, work_seconds: float = 0.0) -> bool:
    """The failover drill's task body: `work_seconds` of work (the rehearsal kills the worker
    during it), then its side effect exactly once per token, whatever the number of deliveries
    (acks_late redelivers a task whose worker died). Returns whether this run applied it."""
    time.sleep(work_seconds)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"drill:{token}"])
        if DrillEffect.objects.filter(token=token).exists():
            return False
        DrillEffect.objects.create(token=token, worker=worker, redelivered=redelivered)
    return True


def retention_apply(*, now: datetime.datetime | None = None) -> dict[str, Any]:
    """Apply every retention rule once (docs/privacy.md); returns {what: rows erased or deleted}.

    The one service behind the beat task `core.purge_personal_data` and the command
    `python manage.py purge_personal_data`. Each step is idempotent, so a run that
    stops half-way is finished by the next one.
    """
    import datetime

    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.sessions.models import Session

    from blitar_portal.lib import uploads
    from blitar_portal.notifications import services as notification_services
    from ehealth import services as ehealth_services
    from ehealth.dashboard import BOR_DAYS

    now = now or timezone.now()
    login_cutoff = now - datetime.timedelta(days=settings.LOGIN_ATTEMPT_RETENTION_DAYS)
    return {
        "service_requests_erased": ehealth_services.service_requests_erase_expired(
            days=settings.PERSONAL_DATA_RETENTION_DAYS, now=now
        ),
        # The hospital page and the dashboard read the last 7 days of sync logs.
        "sync_runs": ehealth_services.sync_runs_purge(days=max(settings.SYNC_RUN_RETENTION_DAYS, 7), now=now),
        # The dashboard walks the bed history back BOR_DAYS days: never delete inside that window.
        "bed_history": ehealth_services.bed_history_purge(
            days=max(settings.BED_HISTORY_RETENTION_DAYS, BOR_DAYS), now=now
        ),
        "notifications": notification_services.notifications_purge(days=settings.NOTIFICATIONS_RETENTION_DAYS, now=now),
        "sessions": Session.objects.filter(expire_date__lt=now).delete()[0],
        "login_attempts": sum(
            model.objects.filter(attempt_time__lt=login_cutoff).delete()[0]
            for model in (AccessAttempt, AccessLog, AccessFailureLog)
        ),
        "push_subscriptions": notification_services.push_subscriptions_purge(
            days=settings.PUSH_SUBSCRIPTION_RETENTION_DAYS, now=now
        ),
        "held_uploads": uploads.held_purge(now=now),
        "bed_alerts": ehealth_services.bed_alerts_purge(days=settings.BED_ALERT_RETENTION_DAYS, now=now),
    }


def encrypted_fields_rotate(*, batch: int = 1000) -> dict:
    """Re-encrypt every EncryptedTextField value with the first key of FIELD_ENCRYPTION_KEYS.

    The rotation step (docs/privacy.md): after it, the old keys can be removed. Works on the raw
    columns (no model save, no side effect); returns {"app_label.Model.field": values rotated}.
    """
    from django.apps import apps
    from django.db import connection, transaction

    from blitar_portal.lib.crypto import EncryptedTextField, rotate

    done = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, EncryptedTextField):
                continue
            table, column, pk = model._meta.db_table, field.column, model._meta.pk.column
            qn = connection.ops.quote_name
            count, last = 0, None
            while True:
                with transaction.atomic(), connection.cursor() as cursor:
                    after = "" if last is None else f"AND {qn(pk)} > %s"
                    cursor.execute(
                        f"SELECT {qn(pk)}, {qn(column)} FROM {qn(table)} WHERE {qn(column)} <> '' {after} "  # noqa: S608
                        f"ORDER BY {qn(pk)} LIMIT {int(batch)}",
                        [] if last is None else [last],
                    )
                    rows = cursor.fetchall()
                    if not rows:
                        break
                    cursor.executemany(
                        f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE {qn(pk)} = %s",  # noqa: S608
                        [(rotate(value), key) for key, value in rows],
                    )
                count, last = count + len(rows), rows[-1][0]
            done[f"{model._meta.label}.{field.name}"] = count
    return done
