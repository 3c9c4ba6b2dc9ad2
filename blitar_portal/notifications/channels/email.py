"""E-mail through Django's mail backend (EMAIL_URL): the one channel that is always configured."""

import smtplib

from django.core.mail import EmailMessage

from .base import Message, PermanentFailure, Result, TemporaryFailure


class EmailChannel:
    name = "email"

    def is_configured(self):
        return True  # settings refuse to start without EMAIL_URL when DEBUG=0

    def send(self, message: Message) -> Result:
        mail = EmailMessage(subject=message.subject, body=message.text, to=[message.to])
        if message.reference:
            mail.extra_headers["X-Portal-Notification"] = message.reference
        try:
            mail.send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentFailure(f"SMTP refused the recipient ({len(exc.recipients)})") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"SMTP: {type(exc).__name__}: {exc}") from None
        return Result()
