"""Writes of the notification system: consent records, the outbox (`notify`), dispatch, receipts.

`notify(...)` writes the rows in the caller's transaction and queues sending after commit.
A row is claimed (select_for_update skip_locked, state pending -> sending) before the provider is
called, so a task delivered twice sends once; the beat sweep `notifications_send_due` sends what
is due and what the broker lost (docs/notifications.md).
"""

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blitar_portal.lib.queue import enqueue, enqueue_on_commit
from blitar_portal.lib.validators import normalize_mobile

from . import selectors
from .channels import registry
from .channels.base import Message, PermanentFailure, TemporaryFailure
from .channels.whatsapp import StatusUpdate
from .events import EVENTS, STOP_TEXT
from .models import Contact, Notification, PushSubscription

logger = logging.getLogger(__name__)

PHONE_CHANNELS = ("whatsapp", "sms")
CONSENT_CHANNELS = ("whatsapp", "sms", "email", "push")
STUCK_SENDING = datetime.timedelta(minutes=10)  # a worker died mid-send: the row is tried again


def e164(value: str) -> str:
    """An Indonesian mobile number as E.164 (+628…): 08xx, 628xx and +628xx are accepted."""
    return "+" + normalize_mobile(value)


# --- Consent and preferences ---------------------------------------------------------------


def contact_for_user(user: User) -> Contact:
    """The user's contact record, created on first use with the account's e-mail.

    An account's e-mail was given when signing up and was already used for its notices, so
    e-mail starts agreed (the person can switch it off on /notifikasi/); phone channels start off.
    """
    contact = Contact.objects.filter(user=user).first()
    if contact is not None and contact.email != (user.email or ""):
        contact.email = user.email or ""  # the account's e-mail changed on the profile page
        contact.save(update_fields=["email", "updated_at"])
    if contact is None:
        now = timezone.now()
        try:
            with transaction.atomic():
                contact = Contact.objects.create(
                    user=user,
                    email=user.email or "",
                    email_consent_at=now if user.email else None,
                    language=translation.get_language() or settings.LANGUAGE_CODE,
                )
        except IntegrityError:
            contact = Contact.objects.get(user=user)
    return contact


def contact_record(
    *,
    contact: Contact | None = None,
    user: User | None = None,
    phone: str = "",
    email: str | None = "",
    language: str | None = None,
    consents: Iterable[str] = (),
    topics: Iterable[str] | None = None,
    quiet_hours: str | None = None,
    now: datetime.datetime | None = None,
) -> Contact:
    """Create or update a contact from what the person gave now; returns the contact.

    `consents`: the channels agreed to in this same form. WhatsApp/SMS consent needs a phone and is
    stamped now; a phone that changed drops the earlier WhatsApp/SMS consent (it was for the old
    number). A channel not in `consents` is switched off.
    """
    now = now or timezone.now()
    if contact is None:
        contact = contact_for_user(user) if user is not None else Contact()
    phone = e164(phone) if phone else ""
    if phone != contact.phone:
        contact.whatsapp_consent_at = contact.sms_consent_at = None
    contact.phone = phone
    if user is None and email is not None and (email or "") != contact.email:
        contact.email, contact.email_consent_at = email or "", None
    for channel in CONSENT_CHANNELS:
        agreed = channel in consents
        if channel in PHONE_CHANNELS and agreed and not phone:
            raise ValidationError(
                {
                    "phone": [
                        _("Isi nomor WhatsApp/HP untuk menerima pesan lewat %(channel)s.")
                        % {"channel": "WhatsApp" if channel == "whatsapp" else "SMS"}
                    ]
                }
            )
        if channel == "email" and agreed and not contact.email:
            agreed = False
        field = f"{channel}_consent_at"
        if not agreed:
            setattr(contact, field, None)
        elif getattr(contact, field) is None:
            setattr(contact, field, now)
    if language:
        contact.language = language
    if topics is not None:
        contact.topics = list(topics)
    if quiet_hours is not None:
        contact.quiet_hours = quiet_hours
    contact.full_clean(exclude=["user"])
    contact.save()
    return contact


def unsubscribe_token(contact: Contact) -> str:
    """A short signed token for the stop link in every message (works without signing in)."""
    digest = salted_hmac("notifications.unsubscribe", str(contact.pk)).hexdigest()[:20]
    return f"{contact.pk}-{digest}"


def contact_from_token(token: str) -> Contact | None:
    """The contact a stop token was made for, or None (bad or tampered token)."""
    pk, _dash, digest = str(token).partition("-")
    if not pk.isdigit() or len(pk) > 12:
        return None
    contact = Contact.objects.filter(pk=int(pk)).first()
    if contact is None or not constant_time_compare(unsubscribe_token(contact), f"{pk}-{digest}"):
        return None
    return contact


def contact_stop_all(*, contact: Contact, now: datetime.datetime | None = None) -> Contact:
    """Withdraw every consent (the stop link): nothing more is sent, waiting messages are cancelled."""
    with transaction.atomic():
        for channel in CONSENT_CHANNELS:
            setattr(contact, f"{channel}_consent_at", None)
        contact.save()
        if contact.user_id:
            PushSubscription.objects.filter(user_id=contact.user_id).delete()
        contact.notifications.filter(state=Notification.State.PENDING).update(
            state=Notification.State.CANCELLED, last_error="consent withdrawn", updated_at=now or timezone.now()
        )
    return contact


# --- Writing the outbox --------------------------------------------------------------------


def _source_of(source: models.Model | None) -> tuple[str, str]:
    return (source._meta.label_lower, str(source.pk)) if source is not None else ("", "")


def _channels_for(contact: Contact) -> list[tuple[str, str]]:
    """The channels to use for this contact now: consent given and channel configured.

    The phone gets one message: WhatsApp when agreed and configured, else SMS (the SMS fallback
    after a failed WhatsApp message is decided at dispatch).
    """
    chosen = []
    if contact.phone and contact.whatsapp_consent_at and registry.configured("whatsapp"):
        chosen.append(("whatsapp", contact.phone))
    elif contact.phone and contact.sms_consent_at and registry.configured("sms"):
        chosen.append(("sms", contact.phone))
    if contact.email and contact.email_consent_at and registry.configured("email"):
        chosen.append(("email", contact.email))
    if contact.user_id and registry.configured("push"):
        # Web Push: the browser asked the person and they subscribed; one row per device.
        subscriptions = PushSubscription.objects.filter(user_id=contact.user_id).order_by("pk")
        chosen += [(f"push:{pk}", str(pk)) for pk in subscriptions.values_list("pk", flat=True)[:5]]
    return chosen


def has_consent(contact: Contact, channel: str, to: str = "") -> bool:
    """Consent at the moment of sending: a consent time, or for Web Push the subscription itself."""
    if channel == "push":
        return PushSubscription.objects.filter(pk=int(to) if str(to).isdigit() else 0, user_id=contact.user_id).exists()  # type: ignore[misc]  # user_id=None matches IS NULL
    return bool(contact.consent_at(channel))


def recipient_key(address: str) -> str:
    return salted_hmac("notifications.recipient", str(address).lower()).hexdigest()


def render(
    *, event: str, language: str, payload: dict[str, Any], contact: Contact | None = None
) -> tuple[str, str, tuple[str, ...]]:
    """(subject, text, params) of an event in a language; the text ends with the stop link."""
    spec = EVENTS[event]
    with translation.override(language):
        values = {k: (gettext(v) if k in spec.translate and v else v) for k, v in payload.items()}
        values = defaultdict(str, {k: "" if v is None else str(v) for k, v in values.items()})  # missing: ""
        subject = str(spec.subject) % values
        text = str(spec.text) % values
        if contact is not None and contact.pk:
            stop_url = settings.SITE_URL + reverse("notifications:stop", args=[unsubscribe_token(contact)])
            text = f"{text}\n{str(STOP_TEXT) % {'url': stop_url}}"
    return subject[:200], text, tuple(values.get(name, "") for name in spec.params)


def notify(
    *,
    event: str,
    payload: dict[str, Any],
    source: models.Model | None = None,
    contact: Contact | None = None,
    user: User | None = None,
    key: str = "",
    urgent: bool | None = None,
    now: datetime.datetime | None = None,
) -> list[Notification]:
    """Write one outbox row per agreed channel for `event` (in the caller's transaction); returns them.

    The recipient is `contact`, or `user`'s contact. Nothing is written when the person agreed to
    no configured channel or switched the event's topic off. The same (event, source, key,
    channel) never makes a second row, so a repeated event or beat run is harmless.
    """
    spec = EVENTS[event]
    if contact is None and user is not None:
        contact = contact_for_user(user)
    if contact is None or spec.topic not in (contact.topics or []):
        return []
    now = now or timezone.now()
    urgent = spec.urgent if urgent is None else urgent
    source_model, source_id = _source_of(source)
    subject, text, _params = render(event=event, language=contact.language, payload=payload, contact=contact)
    due = now if urgent else selectors.quiet_hours_end(now, contact.quiet_hours)
    rows = []
    for channel_key, address in _channels_for(contact):
        channel = channel_key.partition(":")[0]
        row = Notification(
            contact=contact,
            event=event,
            template=event,
            language=contact.language,
            payload=payload,
            channel=channel,
            to=address,
            recipient_key=recipient_key(address),
            subject=subject,
            text=text,
            url=str(payload.get("url", ""))[:500],
            urgent=urgent,
            next_attempt_at=due,
            created_at=now,
            dedupe_key=f"{event}:{source_model}:{source_id}:{key}:{channel_key}"[:200],
            source_model=source_model,
            source_id=source_id,
        )
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            continue  # this event was already notified on this channel
        rows.append(row)
        if due <= now:
            enqueue_on_commit(_send_task(), row.pk)  # broker down: the row waits for the sweep
    return rows


def _send_task() -> Any:
    from .tasks import send

    return send


# --- Dispatch -------------------------------------------------------------------------------


def _claim(notification_id: int, now: datetime.datetime) -> Notification | None:
    """Lock a due pending row and move it to sending; None when someone else has it or it is not due.

    Quiet hours, the rate limit and withdrawn consent are checked here, at the moment of sending.
    """
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("contact")
            .filter(pk=notification_id, state=Notification.State.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if row is None:
            return None
        if row.contact_id and row.contact is not None and not has_consent(row.contact, row.channel, row.to):
            row.state, row.last_error = Notification.State.CANCELLED, "consent withdrawn"
            row.save(update_fields=["state", "last_error", "updated_at"])
            return None
        later = channel_paused_until(row.channel, now) or _not_before(row, now)
        if later:
            row.next_attempt_at = later
            row.save(update_fields=["next_attempt_at", "updated_at"])
            return None
        row.state = Notification.State.SENDING
        row.attempts += 1
        row.save(update_fields=["state", "attempts", "updated_at"])
    return row


def _not_before(row: Notification, now: datetime.datetime) -> datetime.datetime | None:
    """When a row that is due must wait: the end of quiet hours, or the end of the rate-limit hour."""
    if not row.urgent:
        end = selectors.quiet_hours_end(
            now, row.contact.quiet_hours if row.contact_id and row.contact is not None else ""
        )
        if end > now:
            return end
    recent = selectors.sent_to_recipient_since(row.recipient_key, now - datetime.timedelta(hours=1))
    if len(recent) >= settings.NOTIFICATIONS_RATE_PER_HOUR:
        return min(recent) + datetime.timedelta(hours=1)
    return None


def _message(row: Notification) -> Message:
    return Message(
        to=row.to,
        template=row.template,
        language=row.language,
        params=render(event=row.event, language=row.language, payload=row.payload)[2] if row.event in EVENTS else (),
        text=row.text,
        subject=row.subject,
        url=row.url,
        reference=row.dedupe_key,
    )


def notification_send(*, notification_id: int, now: datetime.datetime | None = None) -> str | None:
    """Send one outbox row once; returns the new state (or None when there was nothing to do)."""
    now = now or timezone.now()
    row = _claim(notification_id, now)
    if row is None:
        return None
    channel = registry.get(row.channel)
    try:
        if channel is None:
            raise PermanentFailure(f"channel {row.channel} is not configured")
        result = channel.send(_message(row))
    except PermanentFailure as exc:
        return _finish(row, state=Notification.State.FAILED, error=str(exc), fallback=True)
    except Exception as exc:  # noqa: BLE001 - TemporaryFailure or anything unexpected: retry with backoff
        if not isinstance(exc, TemporaryFailure):
            logger.exception("Channel %s raised for notification %s", row.channel, row.pk)
        elif _unreachable(exc):
            channel_pause(row.channel)
        if row.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            return _finish(row, state=Notification.State.FAILED, error=str(exc), fallback=True)
        delay = settings.NOTIFICATIONS_RETRY_BASE_SECONDS * 2 ** (row.attempts - 1)
        return _finish(
            row,
            state=Notification.State.PENDING,
            error=str(exc),
            next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay),
        )
    return _finish(row, state=Notification.State.SENT, provider_message_id=result.provider_message_id)


_UNREACHABLE = ("no answer within", "cannot connect")


def _unreachable(exc: Exception) -> bool:
    return any(marker in str(exc) for marker in _UNREACHABLE)


def _pause_key(channel: str) -> str:
    return f"notifications:pause:{channel}"


def channel_pause(channel: str, *, seconds: int | None = None) -> None:
    """A provider that hangs or refuses connections: its channel's other rows wait instead of each
    holding a worker for the whole timeout (so one hanging gateway does not delay other channels)."""
    seconds = settings.NOTIFICATIONS_CHANNEL_PAUSE_SECONDS if seconds is None else seconds
    if seconds > 0:
        until = timezone.now() + datetime.timedelta(seconds=seconds)
        cache.set(_pause_key(channel), until.timestamp(), seconds)


def channel_paused_until(channel: str, now: datetime.datetime) -> datetime.datetime | None:
    """The end of the channel's pause, or None."""
    until = cache.get(_pause_key(channel))
    if until is None or until <= now.timestamp():
        return None
    return datetime.datetime.fromtimestamp(until, tz=datetime.UTC)


def _finish(
    row: Notification,
    *,
    state: str,
    error: str = "",
    provider_message_id: str = "",
    next_attempt_at: datetime.datetime | None = None,
    fallback: bool = False,
) -> str:
    now = timezone.now()
    fields = {"state": state, "last_error": str(error)[:1000], "updated_at": now}
    if state == Notification.State.SENT:
        fields.update(sent_at=now, provider_message_id=provider_message_id or "")
    elif state == Notification.State.FAILED:
        fields["failed_at"] = now
    if next_attempt_at:
        fields["next_attempt_at"] = next_attempt_at
    Notification.objects.filter(pk=row.pk, state=Notification.State.SENDING).update(**fields)
    if error:
        logger.info("Notification %s (%s) %s: %s", row.pk, row.channel, state, error)
    if fallback and state == Notification.State.FAILED and row.channel == "whatsapp":
        notification_fallback_sms(notification=row)
    return state


def notification_fallback_sms(*, notification: Notification) -> Notification | None:
    """WhatsApp failed for good: the same message by SMS when agreed and configured (settings)."""
    contact = notification.contact
    if not (settings.NOTIFICATIONS_SMS_FALLBACK and contact and contact.sms_consent_at and contact.phone):
        return None
    if not registry.configured("sms"):
        return None
    row = Notification(
        contact=contact,
        event=notification.event,
        template=notification.template,
        language=notification.language,
        payload=notification.payload,
        channel="sms",
        to=contact.phone,
        recipient_key=recipient_key(contact.phone),
        subject=notification.subject,
        text=notification.text,
        url=notification.url,
        urgent=True,
        dedupe_key=f"{notification.dedupe_key}:fallback"[:200],
        source_model=notification.source_model,
        source_id=notification.source_id,
        fallback_of=notification,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return None
    enqueue_on_commit(_send_task(), row.pk)
    return row


def notifications_send_due(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """The beat sweep: queue every due pending row (lost by a broker outage, retries, quiet hours over).

    A row left in "sending" by a worker that died is tried again after STUCK_SENDING (the provider
    may then get it twice: the one case where at-least-once wins over at-most-once).
    """
    now = now or timezone.now()
    Notification.objects.filter(state=Notification.State.SENDING, updated_at__lt=now - STUCK_SENDING).update(
        state=Notification.State.PENDING, updated_at=now
    )
    queued = 0
    for pk in selectors.due_notification_ids(now=now, limit=limit):
        if not enqueue(_send_task(), pk):
            break  # broker gone again: the next sweep continues
        queued += 1
    return queued


def notification_retry(*, notification: Notification, now: datetime.datetime | None = None) -> bool:
    """Staff's "Kirim ulang": a failed (or cancelled) row goes back to pending and is queued."""
    if notification.state not in (Notification.State.FAILED, Notification.State.CANCELLED):
        raise ValidationError(_("Hanya notifikasi yang gagal atau dibatalkan yang dapat dikirim ulang."))
    now = now or timezone.now()
    with transaction.atomic():
        updated = Notification.objects.filter(pk=notification.pk, state=notification.state).update(
            state=Notification.State.PENDING, attempts=0, next_attempt_at=now, failed_at=None, updated_at=now
        )
        if updated:
            enqueue_on_commit(_send_task(), notification.pk)
    return bool(updated)


# --- Receipts (WhatsApp statuses) ------------------------------------------------------------

_RECEIPT_ORDER = ["sent", "delivered", "read"]


def notification_receipt(
    *, provider_message_id: str, status: str, at: datetime.datetime | None = None, error: str = ""
) -> int:
    """Apply one provider status (sent/delivered/read/failed) to the row with that message id.

    States only move forward (a late "sent" never undoes "read"); returns the number of rows changed.
    """
    at = at or timezone.now()
    rows = Notification.objects.filter(provider_message_id=provider_message_id)
    if not provider_message_id:
        return 0
    if status == "failed":
        with transaction.atomic():
            failing = list(rows.exclude(state=Notification.State.FAILED).select_related("contact"))
            rows.filter(pk__in=[r.pk for r in failing]).update(
                state=Notification.State.FAILED, failed_at=at, last_error=str(error)[:1000], updated_at=timezone.now()
            )
            for row in failing:
                if row.channel == "whatsapp":
                    notification_fallback_sms(notification=row)  # e.g. 131026: the number has no WhatsApp
        return len(failing)
    if status not in _RECEIPT_ORDER:
        return 0
    earlier = _RECEIPT_ORDER[: _RECEIPT_ORDER.index(status)]
    fields = {"state": status, "updated_at": timezone.now()}
    if status in ("delivered", "read"):
        fields[f"{status}_at"] = at
    return rows.filter(state__in=[*earlier, Notification.State.SENDING]).update(**fields)


def whatsapp_statuses_apply(*, updates: Iterable[StatusUpdate]) -> int:
    """Apply the statuses of one WhatsApp webhook call (oldest first); returns the rows changed."""
    return sum(
        notification_receipt(provider_message_id=u.provider_message_id, status=u.status, at=u.at, error=u.error)
        for u in updates
    )


# --- Retention and erasure -------------------------------------------------------------------


def notifications_purge(*, days: int, now: datetime.datetime | None = None) -> int:
    """Delete finished rows older than `days` days (their text and address go with them)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    finished = Notification.objects.filter(state__in=Notification.FINISHED, created_at__lt=cutoff)
    return finished.delete()[0]


def notifications_erase_for(*, source: models.Model) -> int:
    """Personal data of `source` is erased: its finished messages go; waiting ones go out, then retention."""
    source_model, source_id = _source_of(source)
    return Notification.objects.filter(
        source_model=source_model, source_id=source_id, state__in=Notification.FINISHED
    ).delete()[0]


# --- Dated events ----------------------------------------------------------------------------


def dated_events_notify(*, today: datetime.date | None = None) -> dict[str, int]:
    """Notify the events that come with a date (each once: the outbox's dedupe key); returns counts.
    (Tanam's re-check reminders have their own beat task, `tanam.recheck_reminders`.)"""
    from ehealth import services as ehealth_services
    from ikm import services as ikm_services

    today = today or timezone.localdate()
    return {
        "visit_reminders": ehealth_services.service_requests_remind(today=today),
        "certificates_expiring": ikm_services.certifications_expiry_notify(today=today),
    }


# --- Web Push subscriptions (channels/push.py, api.py) --------------------------------------------
# Kept together at the end of this file.


def push_subscribe(*, endpoint: str, p256dh: str, auth: str, user: Any = None) -> tuple[PushSubscription, bool]:
    """Save the browser's subscription (or renew its keys); returns (subscription, created).

    The endpoint is the device: subscribing it again updates its keys and its account (the
    signed-in person, or none) and never makes a second row. Raises ValidationError (Bahasa)."""
    from django.db import IntegrityError  # here, so this section merges cleanly with the outbox's imports

    owner = user if user is not None and user.is_authenticated else None
    try:
        return _push_subscription_save(endpoint=endpoint, p256dh=p256dh, auth=auth, user=owner)
    except IntegrityError:
        # The same browser subscribed twice at once (two tabs): the other request created the row.
        return _push_subscription_save(endpoint=endpoint, p256dh=p256dh, auth=auth, user=owner)


def _push_subscription_save(
    *, endpoint: str, p256dh: str, auth: str, user: User | None
) -> tuple[PushSubscription, bool]:
    with transaction.atomic():
        subscription = PushSubscription.objects.select_for_update().filter(endpoint=endpoint).first()
        created = subscription is None
        if subscription is None:  # (created)
            subscription = PushSubscription(endpoint=endpoint)
        subscription.p256dh = p256dh
        subscription.auth = auth
        subscription.user = user
        # The row's own uniqueness is the database's to enforce (a concurrent insert is retried above).
        subscription.full_clean(validate_unique=False)
        subscription.save()
    return subscription, created


def push_unsubscribe(*, endpoint: str) -> bool:
    """Forget a browser's subscription (the browser unsubscribed, or the push service answered
    404/410). Returns whether there was one."""
    return PushSubscription.objects.filter(endpoint=endpoint).delete()[0] > 0


def push_subscription_used(*, subscription_id: int, now: datetime.datetime | None = None) -> None:
    """The push service accepted a message for this subscription."""
    PushSubscription.objects.filter(pk=subscription_id).update(last_used_at=now or timezone.now())


def push_subscriptions_purge(*, days: int, now: datetime.datetime | None = None) -> int:
    """Delete subscriptions that took no message for `days` (counted from their creation when
    they never did): the device most likely dropped them. For core.services.retention_apply."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    stale = PushSubscription.objects.annotate(seen=Coalesce("last_used_at", "created_at")).filter(seen__lt=cutoff)
    return stale.delete()[0]


def push_unsubscribe_user(*, user: User) -> int:
    """Turn Web Push off on every device of this account (the settings page's button); returns how many."""
    return PushSubscription.objects.filter(user_id=user.pk).delete()[0]
