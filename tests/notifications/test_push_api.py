"""/api/v1/push/: subscribe, unsubscribe, the VAPID key; bad bodies get the API error body in Bahasa."""

import pytest

from blitar_portal.notifications.models import PushSubscription

pytestmark = pytest.mark.django_db

URL = "/api/v1/push/subscriptions/"


def post(client, body):
    return client.post(URL, body, content_type="application/json")


def test_vapid_key_is_published_when_push_is_on(client, vapid_keys):
    response = client.get("/api/v1/push/vapid-public-key/")
    assert response.status_code == 200
    assert response.json() == {"enabled": True, "public_key": vapid_keys[0]}


def test_vapid_key_says_off_when_not_configured(client, settings):
    settings.VAPID_PUBLIC_KEY = ""
    settings.VAPID_PRIVATE_KEY = ""
    assert client.get("/api/v1/push/vapid-public-key/").json() == {"enabled": False, "public_key": ""}


def test_subscribe_anonymous_then_renew_then_unsubscribe(client, push_service):
    browser = push_service.subscribe()

    created = post(client, browser)
    assert created.status_code == 201
    assert created.json() == {"subscribed": True, "created": True}
    row = PushSubscription.objects.get()
    assert (row.endpoint, row.p256dh, row.auth, row.user) == (
        browser["endpoint"],
        browser["keys"]["p256dh"],
        browser["keys"]["auth"],
        None,
    )

    renewed = post(client, {**browser, "keys": push_service.subscribe()["keys"]})
    assert renewed.status_code == 200
    assert renewed.json() == {"subscribed": True, "created": False}
    assert PushSubscription.objects.count() == 1

    gone = client.delete(URL, {"endpoint": browser["endpoint"]}, content_type="application/json")
    assert gone.status_code == 204
    assert not PushSubscription.objects.exists()
    again = client.delete(URL, {"endpoint": browser["endpoint"]}, content_type="application/json")
    assert again.status_code == 204


def test_a_signed_in_subscription_belongs_to_the_person(client, bob, push_service):
    client.force_login(bob)
    assert post(client, push_service.subscribe()).status_code == 201
    assert PushSubscription.objects.get().user == bob


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "endpoint", "Bidang ini harus diisi."),
        (
            {"endpoint": "https://intranet.blitarkab.go.id/x", "keys": None},
            "endpoint",
            "Endpoint push bukan layanan push yang dikenal.",
        ),
        ({"endpoint": "http://fcm.googleapis.com/x"}, "endpoint", "Endpoint push harus alamat https."),
        (
            {"endpoint": "https://fcm.googleapis.com/x", "keys": {"p256dh": "AAAA", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}},
            "keys",
            "Kunci p256dh tidak valid.",
        ),
        ({"endpoint": "https://fcm.googleapis.com/x", "keys": "abc"}, "keys", None),
        ({"endpoint": "x" * 5000}, "endpoint", None),
        ({"endpoint": ["https://fcm.googleapis.com/x"]}, "endpoint", None),
    ],
)
def test_invalid_bodies_get_the_api_error_body_in_bahasa(client, vapid_keys, body, field, message):
    response = post(client, body)
    assert response.status_code == 400
    data = response.json()
    assert set(data) == {"detail", "code", "errors"}
    assert field in data["errors"]
    if message:
        assert message in data["errors"][field]
    assert not PushSubscription.objects.exists()


def test_a_bad_auth_secret_is_refused(client, push_service):
    browser = push_service.subscribe()
    browser["keys"]["auth"] = "c2hvcnQ"
    response = post(client, browser)
    assert response.status_code == 400
    assert response.json()["errors"]["keys"] == ["Kunci auth tidak valid."]


@pytest.mark.parametrize("raw", ["[1]", "null", "not json", '"x"'])
def test_non_object_bodies_are_400_not_500(client, vapid_keys, raw):
    response = client.post(URL, raw, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "code", "errors"}


def test_subscribing_when_push_is_off_is_refused_in_bahasa(client, settings):
    settings.VAPID_PUBLIC_KEY = ""
    response = post(client, {"endpoint": "https://fcm.googleapis.com/x"})
    assert response.status_code == 400
    assert response.json()["detail"] == "Notifikasi push belum diaktifkan di server ini."


def test_unsubscribe_needs_an_endpoint(client):
    response = client.delete(URL, {}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]["endpoint"] == ["Bidang ini harus diisi."]


def test_english_messages_when_chosen(client, vapid_keys, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = post(client, {"endpoint": "http://fcm.googleapis.com/x"})
    assert response.json()["errors"]["endpoint"] == ["The push endpoint must be an https address."]


def test_subscriptions_are_rate_limited(client, push_service, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "push-subscription": "2/h"}
    assert post(client, push_service.subscribe()).status_code == 201
    assert post(client, push_service.subscribe()).status_code == 201
    limited = post(client, push_service.subscribe())
    assert limited.status_code == 429
    assert set(limited.json()) == {"detail", "code", "errors"}
    assert PushSubscription.objects.count() == 2
