"""Web Push channel against a local push service that verifies VAPID and decrypts aes128gcm."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from blitar_portal.notifications import services
from blitar_portal.notifications.channels import push
from blitar_portal.notifications.channels.base import Message, PermanentFailure, TemporaryFailure
from blitar_portal.notifications.models import PushSubscription

pytestmark = pytest.mark.django_db


def subscribe(push_service, user=None):
    browser = push_service.subscribe()
    subscription, created = services.push_subscribe(
        endpoint=browser["endpoint"], p256dh=browser["keys"]["p256dh"], auth=browser["keys"]["auth"], user=user
    )
    assert created
    return subscription


def message_for(subscription, **fields):
    return Message(
        to=str(subscription.pk),
        template="ehealth_request_accepted",
        language="id",
        subject="Permohonan diterima",
        text="Kode KS-7QX2P9: datang Senin, 1 Desember, pukul 08.00. Ubah notifikasi di profil Anda.",
        url="https://portal.blitarkab.go.id/kesehatan/lacak/KS-7QX2P9/",
        reference="notif-42",
        **fields,
    )


def test_payload_is_decrypted_by_the_push_service_as_sent(push_service, vapid_keys):
    subscription = subscribe(push_service)
    message = message_for(subscription)

    result = push.PushChannel().send(message)

    [request] = push_service.requests
    assert request.extra.get("problem") is None
    assert json.loads(request.extra["plaintext"]) == {
        "title": "Permohonan diterima",
        "body": message.text,
        "url": "https://portal.blitarkab.go.id/kesehatan/lacak/KS-7QX2P9/",
        "tag": "notif-42",
    }
    assert request.headers["content-encoding"] == "aes128gcm"
    assert request.headers["ttl"] == "86400"
    assert result.provider_message_id.startswith(push_service.base + "/message/")
    subscription.refresh_from_db()
    assert subscription.last_used_at is not None


def test_vapid_jwt_is_verified_with_our_public_key(push_service, vapid_keys):
    push.PushChannel().send(message_for(subscribe(push_service)))

    request = push_service.requests[0]
    assert request.extra["vapid_ok"] is True
    assert request.extra["vapid_key"] == vapid_keys[0]  # k= is VAPID_PUBLIC_KEY: the browser's applicationServerKey
    claims = request.extra["jwt_claims"]
    assert claims["aud"] == push_service.base
    assert claims["sub"] == "mailto:diskominfo@blitarkab.go.id"


def test_the_push_service_refuses_a_jwt_that_another_key_did_not_sign(push_service):
    from tests.notifications.servers.push import PushProblem, verify_vapid

    other_public, _pem = push.generate_vapid_keys()
    subscription = subscribe(push_service)
    push.PushChannel().send(message_for(subscription))
    header = push_service.requests[0].headers["authorization"]
    forged = header.replace(header.split("k=")[1], other_public)
    with pytest.raises(PushProblem, match="signature does not verify"):
        verify_vapid(forged, endpoint_origin=push_service.base)
    with pytest.raises(PushProblem, match="aud"):
        verify_vapid(header, endpoint_origin="https://fcm.googleapis.com")


@pytest.mark.parametrize("status", [404, 410])
def test_gone_subscription_is_removed_and_fails_permanently(push_service, status):
    subscription = subscribe(push_service)
    push_service.answer_next(status)

    with pytest.raises(PermanentFailure, match=f"HTTP {status}"):
        push.PushChannel().send(message_for(subscription))

    assert not PushSubscription.objects.filter(pk=subscription.pk).exists()


@pytest.mark.parametrize(
    ("status", "expected"), [(429, TemporaryFailure), (500, TemporaryFailure), (400, PermanentFailure)]
)
def test_other_answers_keep_the_subscription(push_service, status, expected):
    subscription = subscribe(push_service)
    push_service.answer_next(status)
    with pytest.raises(expected) as caught:
        push.PushChannel().send(message_for(subscription))
    assert type(caught.value) is expected
    assert PushSubscription.objects.filter(pk=subscription.pk).exists()


def test_a_hanging_push_service_is_a_temporary_failure_after_the_timeout(push_service, settings):
    settings.PUSH_TIMEOUT = 0.5
    subscription = subscribe(push_service)
    push_service.hang()
    with pytest.raises(TemporaryFailure, match="no answer within 0.5 s"):
        push.PushChannel().send(message_for(subscription))


def test_unknown_subscription_is_permanent(vapid_keys):
    with pytest.raises(PermanentFailure):
        push.PushChannel().send(Message(to="999999", template="x", language="id"))
    with pytest.raises(PermanentFailure):
        push.PushChannel().send(Message(to="+6281234567890", template="x", language="id"))


def test_off_without_vapid_keys(settings):
    settings.VAPID_PUBLIC_KEY = ""
    settings.VAPID_PRIVATE_KEY = ""
    assert push.PushChannel().name == "push"
    assert push.PushChannel().is_configured() is False
    assert push.vapid_public_key() == ""


def test_raw_base64url_private_key_is_accepted(push_service, settings):
    key = push.load_private_key(settings.VAPID_PRIVATE_KEY)
    settings.VAPID_PRIVATE_KEY = push.b64url(key.private_numbers().private_value.to_bytes(32, "big"))
    push.PushChannel().send(message_for(subscribe(push_service)))
    assert push_service.requests[0].extra["vapid_ok"] is True


def test_generate_vapid_keys_command_prints_a_usable_pair(push_service, settings):
    out = StringIO()
    call_command("generate_vapid_keys", stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    settings.VAPID_PUBLIC_KEY = lines["VAPID_PUBLIC_KEY"]
    settings.VAPID_PRIVATE_KEY = lines["VAPID_PRIVATE_KEY"]  # one line, "\n" escaped
    push.PushChannel().send(message_for(subscribe(push_service)))
    assert push_service.requests[0].extra["vapid_key"] == lines["VAPID_PUBLIC_KEY"]
    assert push_service.requests[0].extra["vapid_ok"] is True


def test_generate_vapid_keys_command_writes_a_private_file(tmp_path):
    target = tmp_path / "vapid.pem"
    out = StringIO()
    call_command("generate_vapid_keys", private_key_file=str(target), stdout=out)
    assert target.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert "PRIVATE KEY-----" not in out.getvalue()


# --- Which endpoints are accepted -------------------------------------------------------------------


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/abc",
        "https://web.push.apple.com/QO0",
        "https://wns2-par02p.notify.windows.com/w/?token=abc",
        "http://127.0.0.1:8123/push/abc",  # tests (and DEBUG) only
    ],
)
def test_endpoints_of_push_services_are_valid(endpoint):
    push.validate_endpoint(endpoint)


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://fcm.googleapis.com/fcm/send/abc",
        "https://intranet.blitarkab.go.id/admin",
        "https://10.0.0.5/push",
        "https://user:pw@fcm.googleapis.com/x",
        "https://evilfcm.googleapis.com.example/x",
        "ftp://fcm.googleapis.com/x",
        "javascript:alert(1)",
        "",
    ],
)
def test_other_endpoints_are_refused(endpoint):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        push.validate_endpoint(endpoint)


def test_local_http_endpoint_refused_outside_debug_and_tests(settings):
    from django.core.exceptions import ValidationError

    settings.DEBUG = False
    settings.TESTING = False
    with pytest.raises(ValidationError):
        push.validate_endpoint("http://127.0.0.1:8123/push/abc")


def test_retention_deletes_subscriptions_silent_for_too_long(push_service, settings):
    import datetime

    from django.utils import timezone

    from blitar_portal.core.services import retention_apply

    settings.PUSH_SUBSCRIPTION_RETENTION_DAYS = 180
    now = timezone.now()
    old_unused, old_used, recent = (subscribe(push_service) for _ in range(3))
    PushSubscription.objects.filter(pk__in=[old_unused.pk, old_used.pk]).update(
        created_at=now - datetime.timedelta(days=400)
    )
    services.push_subscription_used(subscription_id=old_used.pk, now=now - datetime.timedelta(days=10))

    assert retention_apply(now=now)["push_subscriptions"] == 1

    assert set(PushSubscription.objects.values_list("pk", flat=True)) == {old_used.pk, recent.pk}


@pytest.mark.django_db(transaction=True)
def test_two_tabs_subscribing_at_once_make_one_row(push_service):
    import threading

    from django.db import connection

    browser = push_service.subscribe()
    barrier = threading.Barrier(2)
    outcomes = []

    def subscribe_in_thread():
        try:
            barrier.wait(5)
            _row, created = services.push_subscribe(
                endpoint=browser["endpoint"], p256dh=browser["keys"]["p256dh"], auth=browser["keys"]["auth"]
            )
            outcomes.append(created)
        finally:
            connection.close()

    threads = [threading.Thread(target=subscribe_in_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert sorted(outcomes) == [False, True]
    assert PushSubscription.objects.filter(endpoint=browser["endpoint"]).count() == 1


def test_system_check_refuses_a_public_key_of_another_pair(vapid_keys, settings):
    from django.core import checks

    assert [m for m in checks.run_checks() if m.id == "notifications.E001"] == []
    settings.VAPID_PUBLIC_KEY = push.generate_vapid_keys()[0]
    [error] = [m for m in checks.run_checks() if m.id == "notifications.E001"]
    assert "not the public key" in error.msg
    settings.VAPID_PRIVATE_KEY = "not a key"
    [error] = [m for m in checks.run_checks() if m.id == "notifications.E001"]
    assert "cannot be read" in error.msg
