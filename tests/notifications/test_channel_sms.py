"""SMS channel (Zenziva) against a local Zenziva server; text length handling."""

import pytest

from blitar_portal.notifications.channels import sms
from blitar_portal.notifications.channels.base import Message, PermanentFailure, TemporaryFailure

STOP = "Berhenti: balas STOP atau ubah di profil."
MESSAGE = Message(
    to="+6281234567890",
    template="ehealth_request_received",
    language="id",
    text=f"Permohonan Anda di RSUD Ngudi Waluyo diterima. Kode: KS-7QX2P9.\n{STOP}",
)


def test_send_posts_the_exact_zenziva_form(sms_gateway):
    result = sms.SmsChannel().send(MESSAGE)

    [request] = sms_gateway.requests
    assert request.method == "POST"
    assert request.path == "/reguler/api/sendsms/"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.extra["form"] == {
        "userkey": "test-userkey",
        "passkey": "test-passkey",
        "to": "081234567890",
        "message": MESSAGE.text,
    }
    assert result.provider_message_id == "50000001"


def test_off_without_keys(settings):
    settings.SMS_ZENZIVA_USERKEY = ""
    settings.SMS_ZENZIVA_PASSKEY = ""
    assert sms.SmsChannel().name == "sms"
    assert sms.SmsChannel().is_configured() is False


@pytest.mark.parametrize("to", ["081234567890", "+14155550100", "+62", "", "+6221123456"])
def test_only_indonesian_mobile_numbers_in_e164(sms_gateway, to):
    with pytest.raises(PermanentFailure):
        sms.SmsChannel().send(Message(to=to, template="x", language="id", text="Halo"))
    assert sms_gateway.requests == []


def test_wrong_keys_are_a_permanent_failure(sms_gateway, settings):
    settings.SMS_ZENZIVA_PASSKEY = "wrong"
    with pytest.raises(PermanentFailure, match="Userkey / Passkey Salah"):
        sms.SmsChannel().send(MESSAGE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Saldo tidak mencukupi", TemporaryFailure),
        ("Nomor tujuan tidak valid", PermanentFailure),
    ],
)
def test_refusals_map_to_failure_kinds(sms_gateway, text, expected):
    sms_gateway.refuse_next(text)
    with pytest.raises(expected) as caught:
        sms.SmsChannel().send(MESSAGE)
    assert type(caught.value) is expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [(500, TemporaryFailure), (503, TemporaryFailure), (429, TemporaryFailure), (403, PermanentFailure)],
)
def test_http_errors_map_to_failure_kinds(sms_gateway, status, expected):
    sms_gateway.fail_next(status)
    with pytest.raises(expected) as caught:
        sms.SmsChannel().send(MESSAGE)
    assert type(caught.value) is expected


def test_a_hanging_gateway_is_a_temporary_failure_after_the_timeout(sms_gateway, settings):
    settings.SMS_TIMEOUT = 0.5
    sms_gateway.hang()
    with pytest.raises(TemporaryFailure, match="no answer within 0.5 s"):
        sms.SmsChannel().send(MESSAGE)


def test_failures_are_logged_with_a_masked_number(sms_gateway, caplog):
    sms_gateway.refuse_next("Nomor 081234567890 diblokir")
    with pytest.raises(PermanentFailure) as caught:
        sms.SmsChannel().send(MESSAGE)
    assert "081234567890" not in caplog.text
    assert "081234567890" not in str(caught.value)


# --- Length ---------------------------------------------------------------------------------------


def test_short_gsm_text_is_unchanged_and_typography_is_replaced():
    assert sms.fit("Kode “KS-1” – siap…") == 'Kode "KS-1" - siap...'
    assert sms.septets("Halo {}") == 9  # braces are two septets each


def test_long_gsm_text_is_cut_to_two_sms_and_keeps_how_to_stop():
    text = "Pesan " + "panjang " * 80 + "\n" + STOP
    sent = sms.fit(text)
    assert sms.septets(sent) <= 306
    assert sms.septets(sent) > 290  # cut, not emptied
    assert sent.endswith("...\n" + STOP)
    assert sent.startswith("Pesan panjang")


def test_text_outside_gsm_is_cut_to_two_ucs2_sms():
    text = "Pohon 🌳 " + "tumbuh " * 40 + "\n" + STOP
    sent = sms.fit(text)
    assert sms.septets(sent) is None
    assert len(sent) <= 134
    assert sent.endswith("...\n" + STOP)


def test_a_long_text_without_lines_is_cut_at_the_end():
    sent = sms.fit("a" * 400)
    assert sent == "a" * 303 + "..."


def test_the_sent_text_is_the_fitted_text(sms_gateway):
    long = Message(to="+6281234567890", template="x", language="id", text="x" * 500 + "\n" + STOP)
    sms.SmsChannel().send(long)
    assert sms_gateway.requests[0].extra["form"]["message"] == sms.fit(long.text)
