"""WhatsApp Cloud API channel against a local Cloud API server, and the webhook helpers."""

import json
from datetime import UTC, datetime

import pytest

from blitar_portal.notifications.channels import whatsapp
from blitar_portal.notifications.channels.base import Message, PermanentFailure, TemporaryFailure
from tests.notifications.conftest import WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN
from tests.notifications.servers.whatsapp import signed_headers, status_payload

MESSAGE = Message(
    to="+6281234567890",
    template="ehealth_request_received",
    language="id",
    params=("RSUD Ngudi Waluyo", "KS-7QX2P9", "https://portal.blitarkab.go.id/kesehatan/lacak/KS-7QX2P9/"),
)


def test_send_posts_the_exact_template_request(whatsapp_api):
    result = whatsapp.WhatsAppChannel().send(MESSAGE)

    [request] = whatsapp_api.requests
    assert request.method == "POST"
    assert request.path == "/v23.0/1234567890/messages"
    assert request.headers["authorization"] == "Bearer test-access-token"
    assert request.headers["content-type"] == "application/json"
    assert request.json == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "6281234567890",
        "type": "template",
        "template": {
            "name": "ehealth_request_received",
            "language": {"code": "id"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": "RSUD Ngudi Waluyo"},
                        {"type": "text", "text": "KS-7QX2P9"},
                        {"type": "text", "text": "https://portal.blitarkab.go.id/kesehatan/lacak/KS-7QX2P9/"},
                    ],
                }
            ],
        },
    }
    assert result.provider_message_id == whatsapp_api.sent_ids[0]
    assert result.provider_message_id.startswith("wamid.")


def test_english_uses_the_configured_language_code_and_no_params_means_no_components(whatsapp_api, settings):
    settings.WHATSAPP_LANGUAGE_EN = "en_US"
    whatsapp.WhatsAppChannel().send(Message(to="+6281234567890", template="tanam_recheck_due", language="en"))

    template = whatsapp_api.requests[0].json["template"]
    assert template == {"name": "tanam_recheck_due", "language": {"code": "en_US"}}


def test_off_without_credentials(settings):
    settings.WHATSAPP_PHONE_NUMBER_ID = ""
    settings.WHATSAPP_ACCESS_TOKEN = ""
    channel = whatsapp.WhatsAppChannel()
    assert channel.name == "whatsapp"
    assert channel.is_configured() is False
    settings.WHATSAPP_PHONE_NUMBER_ID = "1"
    settings.WHATSAPP_ACCESS_TOKEN = "t"
    assert channel.is_configured() is True


def test_a_number_that_is_not_e164_is_permanent_and_not_sent(whatsapp_api):
    with pytest.raises(PermanentFailure):
        whatsapp.WhatsAppChannel().send(Message(to="081234567890", template="x", language="id"))
    assert whatsapp_api.requests == []


@pytest.mark.parametrize(
    ("code", "expected", "undeliverable"),
    [
        (131026, PermanentFailure, True),  # not a WhatsApp user / undeliverable -> SMS fallback
        (132001, PermanentFailure, False),  # template not approved in this language
        (190, PermanentFailure, False),  # token expired (HTTP 401)
        (100, PermanentFailure, False),
        (130429, TemporaryFailure, False),  # throughput reached (HTTP 400 but temporary)
        (131056, TemporaryFailure, False),  # pair rate limit
        (131000, TemporaryFailure, False),  # Meta's trouble (HTTP 500)
        (4, TemporaryFailure, False),  # HTTP 429
    ],
)
def test_cloud_api_error_codes_map_to_failure_kinds(whatsapp_api, code, expected, undeliverable):
    whatsapp_api.fail_next(code)
    with pytest.raises(expected) as caught:
        whatsapp.WhatsAppChannel().send(MESSAGE)
    assert type(caught.value) is expected
    assert caught.value.code == code
    assert caught.value.undeliverable is undeliverable
    assert f"error {code}" in str(caught.value)
    assert "6281234567890" not in str(caught.value)


@pytest.mark.parametrize(
    ("status", "expected"), [(502, TemporaryFailure), (503, TemporaryFailure), (404, PermanentFailure)]
)
def test_http_status_without_an_error_body(whatsapp_api, status, expected):
    whatsapp_api.fail_next(status=status)
    with pytest.raises(expected):
        whatsapp.WhatsAppChannel().send(MESSAGE)


def test_a_wrong_token_is_permanent(whatsapp_api, settings):
    settings.WHATSAPP_ACCESS_TOKEN = "wrong"
    with pytest.raises(PermanentFailure, match="HTTP 401, error 190"):
        whatsapp.WhatsAppChannel().send(MESSAGE)


def test_a_hanging_cloud_api_is_a_temporary_failure_after_the_timeout(whatsapp_api, settings):
    settings.WHATSAPP_TIMEOUT = 0.5
    whatsapp_api.hang()
    with pytest.raises(TemporaryFailure, match="no answer within 0.5 s"):
        whatsapp.WhatsAppChannel().send(MESSAGE)
    assert len(whatsapp_api.requests) == 1


def test_a_closed_port_is_a_temporary_failure(whatsapp_api, settings):
    base = whatsapp_api.base
    whatsapp_api.close()
    settings.WHATSAPP_API_BASE = base
    with pytest.raises(TemporaryFailure, match="cannot connect"):
        whatsapp.WhatsAppChannel().send(MESSAGE)


def test_the_failure_is_logged_with_a_masked_number(whatsapp_api, caplog):
    whatsapp_api.fail_next(131026)
    with pytest.raises(PermanentFailure):
        whatsapp.WhatsAppChannel().send(MESSAGE)
    assert "6281*******90" in caplog.text
    assert "6281234567890" not in caplog.text


# --- Webhook helpers -----------------------------------------------------------------------------


def test_handshake_returns_the_challenge(whatsapp_api):
    params = {"hub.mode": "subscribe", "hub.verify_token": WHATSAPP_VERIFY_TOKEN, "hub.challenge": "1158201444"}
    assert whatsapp.verify_handshake(params) == "1158201444"


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1158201444"},
        {"hub.mode": "unsubscribe", "hub.verify_token": WHATSAPP_VERIFY_TOKEN, "hub.challenge": "1158201444"},
        {"hub.mode": "subscribe", "hub.verify_token": WHATSAPP_VERIFY_TOKEN},
        {"hub.mode": "subscribe", "hub.verify_token": WHATSAPP_VERIFY_TOKEN, "hub.challenge": "<script>"},
        {},
    ],
)
def test_handshake_refuses_a_bad_token_mode_or_challenge(whatsapp_api, params):
    with pytest.raises(whatsapp.WebhookRefused):
        whatsapp.verify_handshake(params)


def test_handshake_refused_when_no_verify_token_is_configured(settings):
    settings.WHATSAPP_VERIFY_TOKEN = ""
    with pytest.raises(whatsapp.WebhookRefused):
        whatsapp.verify_handshake({"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"})


def test_signature_good_and_bad(whatsapp_api):
    raw = json.dumps(status_payload([])).encode()
    good = signed_headers(raw, WHATSAPP_APP_SECRET)["X-Hub-Signature-256"]
    bad = signed_headers(raw, WHATSAPP_APP_SECRET, bad_signature=True)["X-Hub-Signature-256"]
    assert whatsapp.check_signature(raw, good) is True
    assert whatsapp.signature_header(raw, WHATSAPP_APP_SECRET) == good
    assert whatsapp.check_signature(raw, bad) is False
    assert whatsapp.check_signature(raw + b" ", good) is False  # the raw body, byte for byte
    assert whatsapp.check_signature(raw, good.removeprefix("sha256=")) is False
    assert whatsapp.check_signature(raw, "") is False


def test_signature_refused_without_an_app_secret(settings):
    settings.WHATSAPP_APP_SECRET = ""
    raw = b"{}"
    assert whatsapp.check_signature(raw, whatsapp.signature_header(raw, "")) is False


def test_statuses_are_parsed_in_order():
    payload = status_payload(
        [
            {"id": "wamid.B", "status": "read", "timestamp": 1750857400, "recipient_id": "6281234567890"},
            {
                "id": "wamid.A",
                "status": "failed",
                "timestamp": 1750857390,
                "recipient_id": "6281234567890",
                "errors": [
                    {
                        "code": 131026,
                        "title": "Message undeliverable",
                        "message": "Message undeliverable",
                        "error_data": {"details": "Receiver 6281234567890 is incapable of receiving this message"},
                    }
                ],
            },
            {"id": "wamid.B", "status": "delivered", "timestamp": 1750857400, "recipient_id": "6281234567890"},
            {"id": "wamid.B", "status": "sent", "timestamp": 1750857384, "recipient_id": "6281234567890"},
            {"id": "wamid.C", "status": "deleted", "timestamp": 1750857384},  # not ours: skipped
            {"id": "wamid.D", "status": "sent", "timestamp": "not-a-time"},  # malformed: skipped
        ]
    )
    payload["entry"][0]["changes"].append({"field": "messages", "value": {"messages": [{"id": "x"}]}})

    updates = whatsapp.parse_statuses(payload)

    assert [(u.provider_message_id, u.status) for u in updates] == [
        ("wamid.B", "sent"),
        ("wamid.A", "failed"),
        ("wamid.B", "delivered"),
        ("wamid.B", "read"),
    ]
    failed = updates[1]
    assert failed.at == datetime(2025, 6, 25, 13, 16, 30, tzinfo=UTC)
    assert failed.error_code == 131026
    assert failed.error.startswith("131026 Message undeliverable: Receiver 6281")
    assert "6281234567890" not in failed.error
    assert updates[0].error == "" and updates[0].error_code is None


@pytest.mark.parametrize("payload", [None, [], "x", {"entry": "x"}, {"entry": [{"changes": [{"value": []}]}]}])
def test_malformed_payloads_give_no_statuses(payload):
    assert whatsapp.parse_statuses(payload) == []


def test_signed_status_webhooks_over_http_are_checked_and_parsed(whatsapp_api):
    """The helper that plays Meta's webhook, against a receiver built from the pure helpers."""
    from tests.notifications.servers.base import RecordingServer
    from tests.notifications.servers.whatsapp import post_status_webhook

    class Receiver(RecordingServer):
        def respond(self, request):
            if not whatsapp.check_signature(request.body, request.headers.get("x-hub-signature-256", "")):
                return 403, {}, b""
            request.extra["updates"] = whatsapp.parse_statuses(request.json)
            return 200, {}, b""

    receiver = Receiver()
    try:
        payload = status_payload([{"id": "wamid.X", "status": "delivered", "timestamp": 1750857384}])
        assert post_status_webhook(receiver.base + "/hook", payload, app_secret=WHATSAPP_APP_SECRET)[0] == 200
        status, _body = post_status_webhook(
            receiver.base + "/hook", payload, app_secret=WHATSAPP_APP_SECRET, bad_signature=True
        )
        assert status == 403
    finally:
        receiver.close()
    good, bad = receiver.requests
    assert [(u.provider_message_id, u.status) for u in good.extra["updates"]] == [("wamid.X", "delivered")]
    assert "updates" not in bad.extra


def test_a_misconfigured_base_url_is_a_permanent_failure(whatsapp_api, settings):
    settings.WHATSAPP_API_BASE = "graph.facebook.com"
    with pytest.raises(PermanentFailure, match="must start with http"):
        whatsapp.WhatsAppChannel().send(MESSAGE)


def test_a_redirect_is_not_followed_so_the_token_stays_with_meta(whatsapp_api, caplog):
    elsewhere = type(whatsapp_api)(token="other")
    try:
        whatsapp_api.redirect_next(elsewhere.base + whatsapp_api.messages_path)
        with pytest.raises(PermanentFailure, match="HTTP 307") as caught:
            whatsapp.WhatsAppChannel().send(MESSAGE)
        assert elsewhere.requests == []
    finally:
        elsewhere.close()
    assert "test-access-token" not in str(caught.value)
    assert "test-access-token" not in caplog.text
