"""Fake providers for the notification channels: real HTTP servers on 127.0.0.1, port 0.

Each fixture starts its server, points the channel's settings at it and stops it after the test:
- `whatsapp_api`: a Cloud API (tests/notifications/servers/whatsapp.py); `WHATSAPP_*` settings set,
  including WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN for the webhook.
- `push_service`: a Web Push service that verifies VAPID and decrypts (servers/push.py), with
  `vapid_keys` (a fresh key pair in VAPID_* settings).
- `sms_gateway`: a Zenziva SMS Reguler API (tests/notifications/servers/sms.py); `SMS_ZENZIVA_*` set.
"""

import pytest

from tests.notifications.servers.push import FakePushService
from tests.notifications.servers.sms import FakeZenziva
from tests.notifications.servers.whatsapp import FakeCloudAPI

WHATSAPP_APP_SECRET = "test-app-secret"
WHATSAPP_VERIFY_TOKEN = "test-verify-token"


@pytest.fixture
def whatsapp_api(settings):
    server = FakeCloudAPI()
    settings.WHATSAPP_API_BASE = server.base
    settings.WHATSAPP_API_VERSION = server.version
    settings.WHATSAPP_PHONE_NUMBER_ID = server.phone_number_id
    settings.WHATSAPP_ACCESS_TOKEN = server.token
    settings.WHATSAPP_APP_SECRET = WHATSAPP_APP_SECRET
    settings.WHATSAPP_VERIFY_TOKEN = WHATSAPP_VERIFY_TOKEN
    settings.WHATSAPP_TIMEOUT = 2
    yield server
    server.close()


@pytest.fixture
def sms_gateway(settings):
    server = FakeZenziva()
    settings.SMS_ZENZIVA_URL = server.url
    settings.SMS_ZENZIVA_USERKEY = server.userkey
    settings.SMS_ZENZIVA_PASSKEY = server.passkey
    settings.SMS_TIMEOUT = 2
    yield server
    server.close()


@pytest.fixture
def vapid_keys(settings):
    """A fresh VAPID key pair in the settings (Web Push on); returns (public, private PEM)."""
    from blitar_portal.notifications.channels.push import generate_vapid_keys

    public, pem = generate_vapid_keys()
    settings.VAPID_PUBLIC_KEY = public
    settings.VAPID_PRIVATE_KEY = pem
    settings.VAPID_SUBJECT = "mailto:diskominfo@blitarkab.go.id"
    settings.PUSH_TIMEOUT = 2
    return public, pem


@pytest.fixture
def push_service(vapid_keys):
    """A Web Push service (tests/notifications/servers/push.py) with VAPID keys configured."""
    server = FakePushService()
    yield server
    server.close()
