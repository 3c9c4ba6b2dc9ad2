"""WhatsApp Business Platform, Cloud API: approved template messages and the status webhook's rules.

Sending (business-initiated messages must use a template Meta approved, in that language):

    POST {WHATSAPP_API_BASE}/{WHATSAPP_API_VERSION}/{WHATSAPP_PHONE_NUMBER_ID}/messages
    Authorization: Bearer {WHATSAPP_ACCESS_TOKEN}
    {"messaging_product": "whatsapp", "recipient_type": "individual", "to": "6281234567890",
     "type": "template", "template": {"name": "...", "language": {"code": "id"},
     "components": [{"type": "body", "parameters": [{"type": "text", "text": "..."}]}]}}

The answer names the message: {"messaging_product": "whatsapp", "contacts": [...],
"messages": [{"id": "wamid...."}]}; that id comes back in the status webhook.

Errors come as {"error": {"code": <int>, "message": ..., "error_data": {"details": ...}}}; the
code decides (Meta: build error handling on `code`, not on the HTTP status): throttling and
Meta's own trouble are temporary, everything else a 4xx says is permanent (131026: the number
cannot receive the message, e.g. it has no WhatsApp -> the outbox falls back to SMS).

The webhook helpers (`verify_handshake`, `check_signature`, `parse_statuses`) are pure: the view
that receives Meta's calls (notifications app) calls them and never restates these rules.
See docs/notifications-channels.md.
"""

import hashlib
import hmac
import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings

from blitar_portal.lib.masking import mask_log_text, mask_phone

from . import http
from .base import Message, PermanentFailure, Result, TemporaryFailure

logger = logging.getLogger(__name__)

E164 = re.compile(r"^\+[1-9]\d{7,14}$")

# Cloud API error codes where trying again later can work (docs: "Error codes", throttling and
# server errors). Any other code in a 4xx answer is permanent.
TEMPORARY_CODES = {
    1,  # API Unknown: invalid request or possible server error
    2,  # API Service: temporary downtime or overload
    4,  # API Too Many Calls (application rate limit)
    80007,  # WhatsApp Business Account rate limit
    130429,  # Cloud API throughput reached
    131000,  # Something went wrong (Meta's side)
    131016,  # Service unavailable
    131048,  # Spam rate limit: too many messages from this number recently
    131056,  # (business, consumer) pair rate limit: too many messages to this number
    133004,  # Server temporarily unavailable
}
# The number cannot get this message on WhatsApp at all (no WhatsApp, blocked, not accepted the
# terms): the outbox falls back to SMS and need not try WhatsApp for this number again soon.
UNDELIVERABLE_CODES = {131026}

STATUSES = ("sent", "delivered", "read", "failed")


def _settings_ok():
    return bool(settings.WHATSAPP_PHONE_NUMBER_ID and settings.WHATSAPP_ACCESS_TOKEN and settings.WHATSAPP_API_BASE)


class WhatsAppChannel:
    name = "whatsapp"

    def is_configured(self):
        return _settings_ok()

    def url(self):
        base = settings.WHATSAPP_API_BASE.rstrip("/")
        return f"{base}/{settings.WHATSAPP_API_VERSION}/{settings.WHATSAPP_PHONE_NUMBER_ID}/messages"

    def payload(self, message: Message):
        """The request body for one template message (public: tests and the docs show it)."""
        if not E164.match(message.to or ""):
            raise PermanentFailure(f"WhatsApp: not an E.164 number ({mask_phone(message.to)})")
        template = {"name": message.template, "language": {"code": language_code(message.language)}}
        if message.params:
            template["components"] = [
                {"type": "body", "parameters": [{"type": "text", "text": str(p)} for p in message.params]}
            ]
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": message.to[1:],
            "type": "template",
            "template": template,
        }

    def send(self, message: Message) -> Result:
        if not self.is_configured():
            raise PermanentFailure("WhatsApp is not configured")
        body = json.dumps(self.payload(message)).encode()
        answer = http.post(
            self.url(),
            data=body,
            headers={
                "Authorization": f"Bearer {settings.WHATSAPP_ACCESS_TOKEN}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
            timeout=settings.WHATSAPP_TIMEOUT,
            provider="WhatsApp",
        )
        if 200 <= answer.status < 300:
            return Result(provider_message_id=_message_id(answer.body))
        raise _failure(answer, to=message.to)


def language_code(language):
    """Our language ("id", "en") -> the code the template was approved under at Meta."""
    return settings.WHATSAPP_LANGUAGE_EN if language == "en" else "id"


def _json(body):
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _message_id(body):
    messages = _json(body).get("messages")
    if isinstance(messages, list) and messages and isinstance(messages[0], dict):
        return str(messages[0].get("id") or "")
    return ""


def _failure(answer, *, to):
    error = _json(answer.body).get("error")
    error = error if isinstance(error, dict) else {}
    code = error.get("code")
    code = code if isinstance(code, int) else None
    details = (error.get("error_data") or {}).get("details", "") if isinstance(error.get("error_data"), dict) else ""
    text = mask_log_text(" ".join(str(part) for part in (error.get("message", ""), details) if part))[:300]
    summary = (
        f"WhatsApp HTTP {answer.status}"
        + (f", error {code}" if code is not None else "")
        + (f": {text}" if text else "")
    )
    logger.warning("%s (to %s)", summary, mask_phone(to.lstrip("+")))
    temporary = answer.status == 429 or answer.status >= 500 or code in TEMPORARY_CODES
    failure = TemporaryFailure(summary) if temporary else PermanentFailure(summary)
    failure.code = code
    failure.undeliverable = code in UNDELIVERABLE_CODES
    return failure


# --- Webhook helpers (the view is the notifications app's) ---------------------------------------


class WebhookRefused(Exception):
    """The call is not Meta's verification handshake for our app: answer 403."""


def verify_handshake(params):
    """The challenge to echo back when Meta verifies the callback URL, or WebhookRefused.

    GET ?hub.mode=subscribe&hub.verify_token=<WHATSAPP_VERIFY_TOKEN>&hub.challenge=<number>"""
    expected = settings.WHATSAPP_VERIFY_TOKEN
    token = str(params.get("hub.verify_token") or "")
    challenge = str(params.get("hub.challenge") or "")
    if params.get("hub.mode") != "subscribe":
        raise WebhookRefused("hub.mode is not subscribe")
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise WebhookRefused("hub.verify_token does not match")
    # Meta sends a number; anything else is echoed nowhere (the answer is text/plain anyway).
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,128}", challenge):
        raise WebhookRefused("hub.challenge missing or malformed")
    return challenge


def check_signature(raw_body: bytes, header: str) -> bool:
    """X-Hub-Signature-256 is "sha256=" + hex HMAC-SHA256 of the raw body with the app secret."""
    secret = settings.WHATSAPP_APP_SECRET
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header[len("sha256=") :].strip().lower().encode(), expected.encode())


def signature_header(raw_body: bytes, secret: str) -> str:
    """The header Meta would send for raw_body (tests and the docs' curl example)."""
    return "sha256=" + hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class StatusUpdate:
    provider_message_id: str
    status: str  # sent, delivered, read, failed
    at: datetime  # aware, UTC
    error: str = ""  # for failed: "<code> <title>: <details>" (no phone number)
    error_code: int | None = None


def parse_statuses(payload) -> list[StatusUpdate]:
    """Every message status in a webhook payload (entry[].changes[].value.statuses[]), oldest first.

    Incoming messages, other fields and malformed parts are skipped, never an exception."""
    updates = []
    for value in _values(payload):
        for item in value.get("statuses") or []:
            update = _status(item)
            if update:
                updates.append(update)
    return sorted(updates, key=lambda u: (u.at, STATUSES.index(u.status)))


def _values(payload):
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        return
    for entry in payload["entry"]:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        for change in changes if isinstance(changes, list) else []:
            value = change.get("value") if isinstance(change, dict) else None
            if isinstance(value, dict) and isinstance(value.get("statuses") or [], list):
                yield value


def _status(item):
    if not isinstance(item, dict) or item.get("status") not in STATUSES or not item.get("id"):
        return None
    try:
        at = datetime.fromtimestamp(int(item.get("timestamp")), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
    error, code = "", None
    errors = item.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        code = first.get("code") if isinstance(first.get("code"), int) else None
        data = first.get("error_data") if isinstance(first.get("error_data"), dict) else {}
        parts = [str(code or ""), str(first.get("title") or first.get("message") or "")]
        error = " ".join(p for p in parts if p)
        if data.get("details"):
            error += f": {data['details']}"
        error = mask_log_text(error)[:300]
    return StatusUpdate(str(item["id"])[:200], item["status"], at, error, code)
