"""Every event has its text in Bahasa Indonesia and English, with every parameter filled."""

import pytest
from django.utils import timezone

from blitar_portal.notifications import services
from blitar_portal.notifications.events import EVENTS
from blitar_portal.notifications.models import Contact

PAYLOAD = {
    "code": "ABCD234567",
    "hospital": "RSUD Ngudi Waluyo",
    "date": "01-12-2026",
    "time": "08:30",
    "number": "4",
    "ahead": "2",
    "reason": "Dokter cuti",
    "status": "Selesai",
    "species": "Mahoni",
    "count": "3",
    "shop": "Keripik Bu Sri",
    "kind": "Halal",
    "number_": "",
    "days": "30",
    "product": "Keripik Tempe",
    "name": "Budi",
    "qty": "7",
    "url": "http://127.0.0.1:8000/x/",
    "bed_class": "ICU",
    "hours": "24",
    "renew_url": "http://127.0.0.1:8000/p/",
    "cancel_url": "http://127.0.0.1:8000/b/",
}


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_each_event_renders_in_both_languages(event):
    subject_id, text_id, params = services.render(event=event, language="id", payload=PAYLOAD)
    subject_en, text_en, _params = services.render(event=event, language="en", payload=PAYLOAD)
    assert text_id != text_en and subject_id != subject_en  # the English translation exists
    assert "%(" not in text_id + text_en + subject_id + subject_en
    assert len(params) == len(EVENTS[event].params) and all(params)
    assert len(text_id) <= 160 and len(text_en) <= 160  # one SMS before the stop link, with these values


@pytest.mark.django_db
@pytest.mark.parametrize("language,expected", [("id", "diterima sistem"), ("en", "received")])
def test_the_row_is_written_in_the_recipients_language(language, expected):
    contact = Contact.objects.create(email="siti@contoh.id", email_consent_at=timezone.now(), language=language)
    (row,) = services.notify(event="ehealth_request_received", payload=PAYLOAD, contact=contact)
    assert row.language == language and expected in row.text and "ABCD234567" in row.text


@pytest.mark.parametrize("value", ["0812-3456-7890", "6281234567890", "+62 812 3456 7890", "+6281234567890"])
def test_phone_numbers_are_stored_as_e164(value):
    assert services.e164(value) == "+6281234567890"


def test_a_landline_is_no_whatsapp_number():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.e164("0342-801234")


@pytest.mark.django_db
def test_the_hourly_beat_task_runs_every_dated_event_once():
    from blitar_portal.notifications import tasks

    tasks.daily_events()  # nothing due: no error, no row
    assert services.dated_events_notify() == {"visit_reminders": 0, "certificates_expiring": 0}


def test_phone_numbers_are_masked_in_log_lines():
    from blitar_portal.lib.masking import mask_log_text

    assert mask_log_text("WhatsApp to +6281234567890 failed") == "WhatsApp to 6281*******90 failed"
