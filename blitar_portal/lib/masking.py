"""Masking of personal data: the one place that decides how a NIK, BPJS number, phone, e-mail,
name or free text looks to someone who may not see it in full, and how log lines are cleaned.

Who may see what in full is decided by each app (for E-Health:
`ehealth.selectors.can_see_personal_data`); this module only masks.
"""

import re

HIDDEN = "••••••"


def mask_nik(value):
    """3505124708900001 → 3505********0001: the region code and the last four digits only."""
    value = str(value or "")
    return value[:4] + "*" * max(0, len(value) - 8) + value[-4:] if len(value) >= 8 else "*" * len(value)


def mask_bpjs(value):
    """0001234567890 → *********7890: the last four digits only."""
    value = str(value or "")
    return "*" * max(0, len(value) - 4) + value[-4:] if len(value) > 4 else "*" * len(value)


def mask_phone(value):
    """6281234567890 → 6281*******90: the operator prefix and the last two digits only."""
    value = str(value or "")
    return value[:4] + "*" * max(0, len(value) - 6) + value[-2:] if len(value) > 6 else "*" * len(value)


def mask_email(value):
    """siti.aminah@gmail.com → s***@gmail.com: enough to recognise one's own address."""
    value = str(value or "")
    if "@" not in value:
        return "*" * len(value)
    local, _at, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_name(value):
    """Siti Aminah → S*** A*****: the tracking page never shows a whole name."""
    return " ".join(part[0] + "*" * (len(part) - 1) for part in str(value or "").split())


def mask_text(value):
    """Free text (a health complaint): nothing of it, only whether there is any."""
    return HIDDEN if value else ""


# --- Log lines ------------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Indonesian mobile numbers as people type them: 0812-3456-7890, +62 812 3456 7890, 6281234567890.
_PHONE = re.compile(r"(?<![\w+.])(?:\+?62|0)[\s-]?8\d{1,3}(?:[\s-]?\d{2,4}){2,4}(?!\w)")
# Any other long digit run: a NIK (16), a BPJS number (13), an account or card number
# (not the decimals of a float such as a task's run time).
_DIGITS = re.compile(r"(?<![\d.])\d{12,20}(?!\d)")


def _digits_only(value):
    return re.sub(r"\D", "", value)


def mask_log_text(text):
    """Mask e-mail addresses, phone numbers and NIK-like digit runs in one log line (or traceback)."""
    text = _EMAIL.sub(lambda m: mask_email(m.group()), str(text))
    text = _PHONE.sub(lambda m: mask_phone(_digits_only(m.group())), text)
    return _DIGITS.sub(lambda m: mask_nik(m.group()), text)
