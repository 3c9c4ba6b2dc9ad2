"""Encryption at rest for personal data and secrets: Fernet keys from settings.FIELD_ENCRYPTION_KEYS.

The first key encrypts, every key decrypts (cryptography's MultiFernet), so keys
rotate without downtime: put the new key first, keep the old ones, run
`python manage.py reencrypt_fields`, then drop the old keys (docs/privacy.md).
A database dump holds only Fernet tokens ("gAAAAA…"), never the clear values.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models

TOKEN_PREFIX = "gAAAAA"  # noqa: S105 - not a secret: every Fernet token (version byte 0x80) starts with this


@lru_cache(maxsize=1)
def _fernet(keys):
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be comma-separated Fernet keys (make one with: python -c "
            "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')."
        ) from exc


def fernet():
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def _keys_changed(setting, **kwargs):
    if setting == "FIELD_ENCRYPTION_KEYS":
        _fernet.cache_clear()


setting_changed.connect(_keys_changed)


def is_token(value):
    return isinstance(value, str) and value.startswith(TOKEN_PREFIX)


def encrypt(value):
    """Clear text -> Fernet token (str); "" stays "" (an empty field reveals only that it is empty)."""
    if value in (None, ""):
        return value
    return fernet().encrypt(str(value).encode()).decode()


def decrypt(token):
    """Fernet token -> clear text. A token no configured key opens is a configuration error, said clearly."""
    if token in (None, ""):
        return token
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "An encrypted value cannot be decrypted with FIELD_ENCRYPTION_KEYS: the key that encrypted it is missing."
        ) from None


def rotate(token):
    """Re-encrypt a token with the first (newest) key; "" stays ""."""
    if token in (None, ""):
        return token
    return fernet().rotate(token.encode()).decode()


class EncryptedTextField(models.TextField):
    """A text column stored as a Fernet token; Python code sees the clear value.

    Tokens are random, so the column cannot be filtered or sorted by value: look a
    value up through a keyed hash column instead (none is needed today).
    """

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value)

    def from_db_value(self, value, expression, connection):
        return decrypt(value)
