"""A logging filter that masks personal data in every line (configured in settings.LOGGING)."""

import logging

from .masking import mask_log_text


class PersonalDataFilter(logging.Filter):
    """Replace the message (and any traceback) by a copy with e-mails, phones and NIK-like numbers masked."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is logged as is, never lost
            message = str(record.msg)
        record.msg, record.args = mask_log_text(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_log_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_log_text(record.stack_info)
        return True
