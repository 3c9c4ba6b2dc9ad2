"""The monitoring token: what lets a monitoring system see details that anonymous callers never see."""

import hmac

from django.conf import settings


def has_monitoring_token(request):
    """True when the request carries `Authorization: Bearer <MONITORING_TOKEN>` (constant-time compare).

    An empty MONITORING_TOKEN (the default) grants nothing."""
    expected = settings.MONITORING_TOKEN
    scheme, _, provided = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer" or not provided:
        return False
    return hmac.compare_digest(provided.strip().encode(), expected.encode())
