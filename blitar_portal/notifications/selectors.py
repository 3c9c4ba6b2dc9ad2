"""Reads of the notification system: what is due, quiet hours, what was sent to a recipient."""

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from .models import Contact, Notification


def parse_quiet_hours(value: str | None) -> tuple[datetime.time, datetime.time] | None:
    """ "21:00-06:00" -> (time(21), time(6)); None for "" or "off"."""
    value = (value or "").strip()
    if not value or value == "off":
        return None
    start, _dash, end = value.partition("-")
    return datetime.time.fromisoformat(start.strip()), datetime.time.fromisoformat(end.strip())


def quiet_hours_end(now: datetime.datetime, own: str = "") -> datetime.datetime:
    """When the quiet hours around `now` end (local time), or `now` itself outside them.

    `own` is the person's choice (Contact.quiet_hours), "" for the default setting, "off" for none.
    """
    window = parse_quiet_hours(own or settings.NOTIFICATIONS_QUIET_HOURS)
    if window is None:
        return now
    start, end = window
    local = timezone.localtime(now)
    clock = local.time()
    if start == end:
        return now
    if start < end:
        quiet = start <= clock < end
    else:
        quiet = clock >= start or clock < end
    if not quiet:
        return now
    day = local.date() if clock < end else local.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, end), timezone.get_current_timezone())


def sent_to_recipient_since(key: str, since: datetime.datetime) -> list[datetime.datetime]:
    """Times of the messages sent (or being sent) to one address since `since` (the rate limit)."""
    return list(  # type: ignore[return-value]  # sent_at__gte excludes NULL; the stubs see a nullable column
        Notification.objects.filter(recipient_key=key, sent_at__gte=since).values_list("sent_at", flat=True)
    ) + list(
        Notification.objects.filter(
            recipient_key=key, state=Notification.State.SENDING, sent_at__isnull=True
        ).values_list("updated_at", flat=True)
    )


def due_notification_ids(*, now: datetime.datetime, limit: int = 500) -> list[int]:
    return list(
        Notification.objects.filter(state=Notification.State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def contact_of_user(user: User) -> Contact | None:
    return Contact.objects.filter(user=user).first()


def delivery_rates(*, since: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """[{channel, event, total, sent, delivered, read, failed, rate}] with rate = reached / finished %."""
    rows = Notification.objects.all()
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    reached = Q(state__in=["sent", "delivered", "read"])
    result = []
    for row in (
        rows.values("channel", "event")
        .annotate(
            total=Count("pk"),
            reached=Count("pk", filter=reached),
            delivered=Count("pk", filter=Q(state__in=["delivered", "read"])),
            failed=Count("pk", filter=Q(state="failed")),
        )
        .order_by("channel", "event")
    ):
        finished = row["reached"] + row["failed"]
        row["rate"] = round(100 * row["reached"] / finished, 1) if finished else None
        result.append(row)
    return result


def all_topic_values() -> list[str]:
    from .models import Topic

    return list(Topic.values)


def pending_for(source: models.Model) -> bool:
    """True while a message about `source` waits to be sent (the tracking page says so)."""
    return Notification.objects.filter(
        source_model=source._meta.label_lower,
        source_id=str(source.pk),
        state__in=[Notification.State.PENDING, Notification.State.SENDING],
    ).exists()


def push_devices_of_user(user: User) -> int:
    """How many browsers (devices) of this account receive Web Push."""
    from .models import PushSubscription

    return PushSubscription.objects.filter(user_id=user.pk).count() if user.is_authenticated else 0
