"""A booking made while signed in belongs to the account; "Permohonan saya" lists only the account's own."""

import pytest

from ehealth.models import ServiceRequest

from .test_requests import form_data

pytestmark = pytest.mark.django_db


def test_a_booking_made_while_signed_in_is_listed_in_permohonan_saya(client, service, bob, charlie):
    client.force_login(bob)
    client.post("/kesehatan/permohonan/baru/", form_data(service))
    mine = ServiceRequest.objects.get()
    assert mine.user == bob
    html = client.get("/kesehatan/permohonan/saya/").content.decode()
    assert mine.code_display in html and "Poli Anak" in html
    client.force_login(charlie)
    assert mine.code_display not in client.get("/kesehatan/permohonan/saya/").content.decode()


def test_an_anonymous_booking_belongs_to_nobody_and_the_list_asks_to_sign_in(client, service):
    client.post("/kesehatan/permohonan/baru/", form_data(service))
    assert ServiceRequest.objects.get().user is None
    response = client.get("/kesehatan/permohonan/saya/")
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_an_api_booking_by_a_signed_in_citizen_belongs_to_the_account(client, service, bob):
    client.force_login(bob)
    body = {k: v for k, v in form_data(service).items() if k != "consent"}
    response = client.post("/api/v1/service-requests/", {**body, "consent": True}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert ServiceRequest.objects.get().user == bob


def test_cancelling_erases_the_account_link_with_the_other_personal_data(client, service, bob):
    from ehealth import services

    client.force_login(bob)
    client.post("/kesehatan/permohonan/baru/", form_data(service))
    mine = ServiceRequest.objects.get()
    services.service_request_cancel(service_request=mine)
    mine.refresh_from_db()
    assert mine.user is None and mine.name == ""
    assert mine.code_display not in client.get("/kesehatan/permohonan/saya/").content.decode()
