"""The channels the outbox can use, by name (explicit imports: a missing module fails at import)."""

from .email import EmailChannel
from .push import PushChannel
from .sms import SmsChannel
from .whatsapp import WhatsAppChannel

CHANNELS = {channel.name: channel for channel in (WhatsAppChannel(), SmsChannel(), EmailChannel(), PushChannel())}


def get(name):
    """The channel called `name` when it exists and is configured, else None."""
    channel = CHANNELS.get(name)
    return channel if channel is not None and channel.is_configured() else None


def configured(name):
    return get(name) is not None
