"""Writes of the notifications app (CONTRIBUTING: services are the only place that changes data)."""

import datetime

from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import PushSubscription

# --- Web Push subscriptions (channels/push.py, api.py) --------------------------------------------
# Kept together at the end of this file.


def push_subscribe(*, endpoint, p256dh, auth, user=None):
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


def _push_subscription_save(*, endpoint, p256dh, auth, user):
    with transaction.atomic():
        subscription = PushSubscription.objects.select_for_update().filter(endpoint=endpoint).first()
        created = subscription is None
        if created:
            subscription = PushSubscription(endpoint=endpoint)
        subscription.p256dh = p256dh
        subscription.auth = auth
        subscription.user = user
        # The row's own uniqueness is the database's to enforce (a concurrent insert is retried above).
        subscription.full_clean(validate_unique=False)
        subscription.save()
    return subscription, created


def push_unsubscribe(*, endpoint):
    """Forget a browser's subscription (the browser unsubscribed, or the push service answered
    404/410). Returns whether there was one."""
    return PushSubscription.objects.filter(endpoint=endpoint).delete()[0] > 0


def push_subscription_used(*, subscription_id, now=None):
    """The push service accepted a message for this subscription."""
    PushSubscription.objects.filter(pk=subscription_id).update(last_used_at=now or timezone.now())


def push_subscriptions_purge(*, days, now=None):
    """Delete subscriptions that took no message for `days` (counted from their creation when
    they never did): the device most likely dropped them. For core.services.retention_apply."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    stale = PushSubscription.objects.annotate(seen=Coalesce("last_used_at", "created_at")).filter(seen__lt=cutoff)
    return stale.delete()[0]
