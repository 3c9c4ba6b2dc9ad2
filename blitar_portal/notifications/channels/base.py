"""The one interface every delivery channel implements (WhatsApp, SMS, Web Push, e-mail).

A channel turns one `Message` into one request to its provider and says what happened:
- it returns a `Result` (with the provider's message id, when there is one) when the provider
  accepted the message;
- it raises `TemporaryFailure` when trying again later may work (timeout, connection refused,
  HTTP 429/5xx): the outbox retries with backoff;
- it raises `PermanentFailure` when trying again cannot work (HTTP 4xx other than 429, a number
  without WhatsApp, a push subscription that answered 404/410): the outbox marks the row failed
  and may fall back to another channel (WhatsApp -> SMS).

Channels are configured from settings (read from the environment) and are off when not configured:
`is_configured()` is False and the outbox never offers them. Channels never touch the database
except where their protocol requires it (Web Push removes a subscription that is gone), never
retry by themselves, and never log a full phone number or address (`blitar_portal.lib.masking`).
"""

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Message:
    """One message to one recipient on one channel, already rendered in the recipient's language."""

    to: str  # E.164 phone (+62...) for whatsapp/sms, an e-mail address, or a push subscription's pk as text
    template: str  # event template name, e.g. "ehealth_request_received" (WhatsApp approved template name)
    language: str  # "id" or "en"
    params: tuple[str, ...] = ()  # ordered template body parameters ({{1}}, {{2}}, ... in WhatsApp)
    text: str = ""  # the whole message as plain text (SMS, e-mail body, push body); ends with how to stop
    subject: str = ""  # e-mail subject, push title
    url: str = ""  # absolute link the message points to (push click target, tracking page)
    reference: str = ""  # the outbox row's idempotency key; providers that accept one get it
    extra: dict = field(default_factory=dict)  # channel-specific options


@dataclass(frozen=True)
class Result:
    provider_message_id: str = ""


class ChannelError(Exception):
    """A channel could not deliver; the message is safe to show staff (no full address in it)."""


class TemporaryFailure(ChannelError):
    """Retry later (timeouts, connection errors, HTTP 429 and 5xx)."""


class PermanentFailure(ChannelError):
    """Retrying cannot help (HTTP 4xx, no WhatsApp on this number, push subscription gone)."""


class Channel(Protocol):
    name: str  # "whatsapp", "sms", "push", "email"

    def is_configured(self) -> bool:
        """True when the settings this channel needs are present."""

    def send(self, message: Message) -> Result:
        """Deliver one message or raise TemporaryFailure / PermanentFailure."""
