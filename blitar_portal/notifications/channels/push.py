"""Web Push (RFC 8030) with VAPID (RFC 8292, `Authorization: vapid t=..., k=...`) and aes128gcm
payload encryption (RFC 8291), via pywebpush.

`Message.to` is the primary key of a `PushSubscription` (as text). The payload the browser's
service worker receives is JSON: {"title": subject, "body": text, "url": url, "tag": reference}.
The push service answers 201; 404/410 mean the subscription is gone: it is deleted and the
message fails permanently; 429/5xx, timeouts and connection errors are temporary.

Where the server may POST is decided here, once (`validate_endpoint`): https only, to a host of a
known push service (PUSH_SERVICE_HOSTS), so nobody can make the portal POST to an internal address;
http://127.0.0.1 / localhost only with DEBUG or in tests.
"""

import base64
import binascii
import json
import logging
import re
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .base import Message, PermanentFailure, Result, TemporaryFailure

logger = logging.getLogger(__name__)

LOCAL_HOSTS = ("127.0.0.1", "localhost")


def b64url_decode(text):
    text = str(text or "")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# --- What a valid subscription is -----------------------------------------------------------------


def _host_allowed(host):
    for allowed in settings.PUSH_SERVICE_HOSTS:
        allowed = allowed.lower()
        if host == allowed or (allowed.startswith(".") and host.endswith(allowed)):
            return True
    return False


def validate_endpoint(value):
    try:
        parts = urlsplit(str(value or ""))
        host = (parts.hostname or "").lower()
    except ValueError:
        raise ValidationError(_("Alamat endpoint push tidak valid."), code="endpoint") from None
    local = host in LOCAL_HOSTS and (settings.DEBUG or settings.TESTING)
    if parts.scheme == "http" and local:
        return
    if parts.scheme != "https" or not host:
        raise ValidationError(_("Endpoint push harus alamat https."), code="endpoint")
    if parts.username or parts.password or not (local or _host_allowed(host)):
        raise ValidationError(_("Endpoint push bukan layanan push yang dikenal."), code="endpoint")


def validate_p256dh(value):
    """The subscriber's P-256 public key: 65 bytes, an uncompressed point on the curve."""
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(value))
        if len(b64url_decode(value)) != 65:
            raise ValueError
    except (ValueError, TypeError, binascii.Error):
        raise ValidationError(_("Kunci p256dh tidak valid."), code="p256dh") from None


def validate_auth(value):
    """The subscriber's auth secret: 16 bytes."""
    try:
        if len(b64url_decode(value)) != 16:
            raise ValueError
    except (ValueError, TypeError, binascii.Error):
        raise ValidationError(_("Kunci auth tidak valid."), code="auth") from None


def endpoint_label(endpoint):
    """An endpoint as staff may see it: the push service's host and the first characters only."""
    parts = urlsplit(str(endpoint or ""))
    tail = parts.path.rstrip("/").rsplit("/", 1)[-1]
    return f"{parts.hostname or '?'} …{tail[:6]}"


# --- VAPID keys ---------------------------------------------------------------------------------


def generate_vapid_keys():
    """A new key pair: (public key as the browser's applicationServerKey, private key PEM)."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return _public_of(key), pem.decode()


def _public_of(key):
    raw = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64url(raw)


def load_private_key(text):
    """VAPID_PRIVATE_KEY as PEM (PKCS#8 or SEC1) or as the raw 32-byte scalar in base64url."""
    text = (text or "").strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.replace("\\n", "\n").encode(), password=None)
    else:
        raw = b64url_decode(text) if re.fullmatch(r"[A-Za-z0-9_-]{43}=?", text) else b""
        if len(raw) != 32:
            raise ValueError("VAPID key must be a PEM or a 32-byte base64url scalar")
        key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("VAPID key must be a P-256 (prime256v1) key")
    return key


def vapid_key_problems():
    """What is wrong with the VAPID settings (system check notifications.E001); empty when push is
    off or the pair is usable. A public key that is not the private key's would make every browser
    subscribe under a key the portal cannot sign for: each message would then be refused."""
    if not (settings.VAPID_PUBLIC_KEY or settings.VAPID_PRIVATE_KEY):
        return []
    if not (settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY):
        return ["VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY must be set together"]
    try:
        key = load_private_key(settings.VAPID_PRIVATE_KEY)
    except (ValueError, TypeError, binascii.Error):
        return ["VAPID_PRIVATE_KEY cannot be read (PEM or base64url P-256 key)"]
    if _public_of(key) != settings.VAPID_PUBLIC_KEY.strip():
        return ["VAPID_PUBLIC_KEY is not the public key of VAPID_PRIVATE_KEY"]
    if not settings.VAPID_SUBJECT.startswith(("mailto:", "https://")):
        return ["VAPID_SUBJECT must be a mailto: or https:// contact"]
    return []


def vapid_public_key():
    """The public key pages give PushManager.subscribe() (empty when push is off)."""
    return settings.VAPID_PUBLIC_KEY if PushChannel().is_configured() else ""


# --- The channel --------------------------------------------------------------------------------


class PushChannel:
    name = "push"

    def is_configured(self):
        return bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY and settings.VAPID_SUBJECT)

    def payload(self, message: Message):
        return {"title": message.subject, "body": message.text, "url": message.url, "tag": message.reference}

    def send(self, message: Message) -> Result:
        from blitar_portal.notifications import services  # the only writes: used / gone
        from blitar_portal.notifications.models import PushSubscription

        if not self.is_configured():
            raise PermanentFailure("Web Push is not configured")
        subscription = PushSubscription.objects.filter(pk=int(message.to) if str(message.to).isdigit() else 0).first()
        if subscription is None:
            raise PermanentFailure("push subscription no longer exists")
        status, location = self._post(subscription, message)
        label = endpoint_label(subscription.endpoint)
        if status in (200, 201, 202):
            services.push_subscription_used(subscription_id=subscription.pk)
            return Result(provider_message_id=location[-200:])
        logger.warning("push service answered HTTP %s (%s)", status, label)
        if status in (404, 410):
            services.push_unsubscribe(endpoint=subscription.endpoint)
            raise PermanentFailure(f"push subscription gone (HTTP {status}); removed")
        if status == 429 or status >= 500:
            raise TemporaryFailure(f"push service HTTP {status}")
        raise PermanentFailure(f"push service HTTP {status}")

    def _post(self, subscription, message):
        from py_vapid import Vapid02
        from pywebpush import WebPushException, webpush

        try:
            vapid = Vapid02(private_key=load_private_key(settings.VAPID_PRIVATE_KEY))
        except (ValueError, TypeError, binascii.Error):
            raise PermanentFailure("VAPID_PRIVATE_KEY cannot be read (PEM or base64url P-256 key)") from None
        session = requests.Session()
        session.max_redirects = 0  # never follow a push service elsewhere
        try:
            response = webpush(
                subscription_info={
                    "endpoint": subscription.endpoint,
                    "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                },
                data=json.dumps(self.payload(message), ensure_ascii=False),
                vapid_private_key=vapid,
                vapid_claims={"sub": settings.VAPID_SUBJECT},  # a new dict: pywebpush adds aud and exp
                content_encoding="aes128gcm",
                ttl=settings.PUSH_TTL,
                headers={"Urgency": message.extra.get("urgency", "normal")},
                timeout=settings.PUSH_TIMEOUT,
                requests_session=session,
            )
        except WebPushException as exc:
            if exc.response is None:
                raise PermanentFailure("push: cannot encrypt for this subscription") from None
            return exc.response.status_code, ""
        except requests.Timeout:
            raise TemporaryFailure(f"push: no answer within {settings.PUSH_TIMEOUT:g} s") from None
        except requests.TooManyRedirects:
            raise PermanentFailure("push service redirected; not followed") from None
        except requests.RequestException as exc:
            raise TemporaryFailure(f"push: cannot connect ({type(exc).__name__})") from None
        finally:
            session.close()
        return response.status_code, response.headers.get("Location", "")
