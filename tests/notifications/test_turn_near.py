"""The live queue's "turn is near" reaches the citizen through the outbox, once (local Cloud API server)."""

import pytest
from django.utils import timezone

from blitar_portal.notifications import services as notification_services
from blitar_portal.notifications.models import Notification
from ehealth import services
from ehealth.models import Service
from tests.ehealth.conftest import make_hospital, open_all_week

pytestmark = pytest.mark.django_db


def book(service, n, *, channels):
    return [
        services.service_request_create(
            service=service,
            visit_date=timezone.localdate(),
            name=f"Warga {i}",
            nik="3505014101900001",
            phone=f"0812345678{i:02d}",
            complaint="Kontrol",
            consent=True,
            notify_channels=channels,
        )[0]
        for i in range(n)
    ]


def send_all():
    for pk in Notification.objects.filter(state="pending").order_by("pk").values_list("pk", flat=True):
        notification_services.notification_send(notification_id=pk)


def test_turn_near_is_sent_once_on_whatsapp_with_the_number_and_how_many_ahead(whatsapp_api, settings):
    settings.EHEALTH_TURN_NEAR_AHEAD = 1
    clinic = open_all_week(Service.objects.create(hospital=make_hospital("rs-giliran"), name="Poli Umum"))
    first, second, third = book(clinic, 3, channels=["whatsapp"])
    for request in (first, second, third):
        services.service_request_check_in(service_request=request)
    send_all()  # request received / accepted messages
    before = len(whatsapp_api.requests)

    services.queue_call_next(service=clinic)  # calls 1: number 2 has 0 ahead, number 3 has 1
    services.queue_call_next(service=clinic)  # calls 2: number 3 was already told
    services.queue_recall(service_request=second)
    send_all()

    near = [c.json for c in whatsapp_api.requests[before:] if c.json["template"]["name"] == "ehealth_turn_near"]
    assert [m["to"] for m in near] == ["6281234567801", "6281234567802"]  # numbers 2 and 3, once each
    params = [[p["text"] for p in m["template"]["components"][0]["parameters"]] for m in near]
    assert params[0][0] == str(second.queue_number) and params[0][2] == "0"
    assert params[1][0] == str(third.queue_number) and params[1][2] == "1"
    assert Notification.objects.filter(event="ehealth_turn_near").count() == 2


def test_no_consent_means_no_turn_near_message(whatsapp_api, settings):
    settings.EHEALTH_TURN_NEAR_AHEAD = 1
    clinic = open_all_week(Service.objects.create(hospital=make_hospital("rs-diam"), name="Poli Umum"))
    requests = book(clinic, 2, channels=[])
    for request in requests:
        services.service_request_check_in(service_request=request)
    services.queue_call_next(service=clinic)
    send_all()
    assert not Notification.objects.filter(event="ehealth_turn_near").exists()
    assert whatsapp_api.requests == []
