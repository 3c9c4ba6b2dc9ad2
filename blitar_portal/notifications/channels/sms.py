"""SMS through Zenziva (PT Zenziva, Indonesia), the "SMS Reguler" HTTP API.

    POST {SMS_ZENZIVA_URL}              (default https://console.zenziva.net/reguler/api/sendsms/)
    Content-Type: application/x-www-form-urlencoded
    userkey=<SMS_ZENZIVA_USERKEY>&passkey=<SMS_ZENZIVA_PASSKEY>&to=081234567890&message=<text>

Zenziva answers HTTP 200 with JSON: {"messageId": "...", "to": "081234567890", "status": "1",
"text": "Success"} when it accepted the message, and {"status": "0", "text": "<reason>"} when it
did not (wrong userkey/passkey, balance used up, number refused, ...). The masking product
(registered sender name) has the same API at .../masking/api/sendsms/: set SMS_ZENZIVA_URL.

Rules here (docs/notifications-channels.md):
- only Indonesian numbers (+62...): Zenziva Reguler delivers inside Indonesia; sent as 08...;
- the text is cut to fit two concatenated SMS (306 GSM-7 characters, or 134 when a character
  outside GSM-7 remains after replacing typographic quotes and dashes); the last line (how to
  stop) is always kept, the body before it is shortened with "...";
- status "0" is permanent unless the reason is a used-up balance or Zenziva's own trouble
  (temporary: the outbox retries); HTTP 429/5xx are temporary, other 4xx permanent; an answer
  that cannot be read is permanent (sending again could deliver twice).
"""

import json
import logging
import re
import urllib.parse

from django.conf import settings

from blitar_portal.lib.masking import mask_log_text, mask_phone

from . import http
from .base import Message, PermanentFailure, Result, TemporaryFailure

logger = logging.getLogger(__name__)

INDONESIA = re.compile(r"^\+62(8\d{7,12})$")

# GSM 03.38 basic set (one septet each) and the extension table (two septets each).
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")
# Typographic characters people and translators type, replaced so the message stays GSM-7.
REPLACEMENTS = str.maketrans(
    {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "\u00a0": " ", "•": "-"}
)
SEGMENTS = 2
GSM_LIMIT = 153 * SEGMENTS  # 306 septets: two concatenated GSM-7 parts (7 septets of each for the header)
UCS2_LIMIT = 67 * SEGMENTS  # 134 characters: two concatenated UCS-2 parts
ELLIPSIS = "..."

# Zenziva reasons (status "0") after which trying again later can work.
TEMPORARY_REASONS = re.compile(
    r"saldo|balance|kredit|credit|kuota|quota|timeout|sibuk|busy|maintenance|coba lagi", re.I
)


def _settings_ok():
    return bool(settings.SMS_ZENZIVA_USERKEY and settings.SMS_ZENZIVA_PASSKEY and settings.SMS_ZENZIVA_URL)


def septets(text):
    """Length of text in GSM-7 septets, or None when it needs UCS-2."""
    count = 0
    for char in text:
        if char in GSM_BASIC:
            count += 1
        elif char in GSM_EXTENDED:
            count += 2
        else:
            return None
    return count


def fit(text):
    """The text as sent: typographic characters replaced, cut to two SMS, the last line kept."""
    text = (text or "").translate(REPLACEMENTS).strip()
    if _fits(text):
        return text
    body, newline, last = text.rpartition("\n")
    if not newline or not _fits(ELLIPSIS + "\n" + last):
        body, last, newline = text, "", ""
    tail = ELLIPSIS + newline + last
    # Shorten the body one character at a time from the end (messages are short; at most a few hundred).
    cut = len(body)
    while cut > 0 and not _fits(body[:cut].rstrip() + tail):
        cut -= 1
    return body[:cut].rstrip() + tail


def _fits(text):
    length = septets(text)
    return length <= GSM_LIMIT if length is not None else len(text) <= UCS2_LIMIT


class SmsChannel:
    name = "sms"

    def is_configured(self):
        return _settings_ok()

    def form(self, message: Message):
        """The form fields of one request (public: tests and the docs show them)."""
        match = INDONESIA.match(message.to or "")
        if not match:
            raise PermanentFailure(f"SMS: only Indonesian numbers (+62 8...) ({mask_phone(message.to)})")
        return {
            "userkey": settings.SMS_ZENZIVA_USERKEY,
            "passkey": settings.SMS_ZENZIVA_PASSKEY,
            "to": "0" + match.group(1),
            "message": fit(message.text),
        }

    def send(self, message: Message) -> Result:
        if not self.is_configured():
            raise PermanentFailure("SMS is not configured")
        form = self.form(message)
        if not form["message"]:
            raise PermanentFailure("SMS: empty text")
        answer = http.post(
            settings.SMS_ZENZIVA_URL,
            data=urllib.parse.urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
            timeout=settings.SMS_TIMEOUT,
            provider="Zenziva",
        )
        masked = mask_phone(form["to"])
        if answer.status == 429 or answer.status >= 500:
            logger.warning("Zenziva HTTP %s (to %s)", answer.status, masked)
            raise TemporaryFailure(f"Zenziva HTTP {answer.status}")
        if answer.status != 200:
            logger.warning("Zenziva HTTP %s (to %s)", answer.status, masked)
            raise PermanentFailure(f"Zenziva HTTP {answer.status}")
        document = _json(answer.body)
        if document is None:
            logger.warning("Zenziva: unreadable answer (to %s)", masked)
            raise PermanentFailure("Zenziva: unreadable answer (not retried: it may have been sent)")
        if str(document.get("status")) == "1":
            return Result(provider_message_id=str(document.get("messageId") or ""))
        reason = mask_log_text(str(document.get("text") or "no reason given"))[:200]
        logger.warning("Zenziva refused: %s (to %s)", reason, masked)
        failure = TemporaryFailure if TEMPORARY_REASONS.search(reason) else PermanentFailure
        raise failure(f"Zenziva refused: {reason}")


def _json(body):
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None
