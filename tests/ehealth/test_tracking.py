"""Tracking and cancelling that forgive mistakes; the ticket's QR code and readable code groups."""

import datetime

import pytest
import segno
from django.utils import timezone

from ehealth import services
from ehealth.models import ServiceRequest, format_booking_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(service):
    request, _warnings = services.service_request_create(
        service=service,
        visit_date=timezone.localdate() + datetime.timedelta(days=1),
        name="Siti Aminah",
        nik="3505014101900001",
        phone="081234567890",
        complaint="Demam",
        consent=True,
    )
    return request


def test_an_empty_box_asks_for_the_code(client):
    response = client.get("/kesehatan/permohonan/cari/", {"kode": "  "})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="track-form"' in html
    assert "Masukkan kode booking Anda." in html


def test_the_tracking_page_without_a_code_shows_the_box_without_an_error(client):
    html = client.get("/kesehatan/permohonan/cari/").content.decode()
    assert 'data-testid="track-form"' in html and "Masukkan kode booking Anda." not in html


def test_a_mistyped_code_says_not_found_and_offers_the_box_again(client, booking):
    typo = booking.code[:-1] + ("A" if booking.code[-1] != "A" else "B")
    response = client.get("/kesehatan/permohonan/cari/", {"kode": typo})
    html = response.content.decode()
    assert response.status_code == 200 and "Kode tidak ditemukan" in html
    assert f'value="{typo}"' in html  # the typed code stays in the box to correct it


def test_a_malformed_code_shows_the_box_with_the_rule(client):
    html = client.get("/kesehatan/permohonan/cari/", {"kode": "ab$cd"}).content.decode()
    assert "hanya berisi huruf dan angka" in html and 'data-testid="track-form"' in html


def test_an_unknown_code_in_a_link_shows_the_box_not_the_404_page(client):
    response = client.get("/kesehatan/permohonan/ZZZZZZZZZZ/")
    html = response.content.decode()
    assert response.status_code == 404 and 'data-testid="track-form"' in html and "Kode tidak ditemukan" in html


def test_a_code_typed_in_groups_and_any_case_is_found(client, booking):
    typed = format_booking_code(booking.code).lower()
    response = client.get("/kesehatan/permohonan/cari/", {"kode": typed})
    assert response.status_code == 302 and response["Location"] == f"/kesehatan/permohonan/{booking.code}/"
    dashed = client.get(f"/kesehatan/permohonan/{typed}/")
    assert dashed.status_code == 200 and format_booking_code(booking.code) in dashed.content.decode()


def test_the_ticket_shows_the_code_in_groups_and_a_server_drawn_qr_of_it(client, booking):
    html = client.get(f"/kesehatan/permohonan/{booking.code}/").content.decode()
    grouped = format_booking_code(booking.code)
    assert grouped == f"{booking.code[:3]}-{booking.code[3:6]}-{booking.code[6:]}"
    assert f'data-testid="booking-code">{grouped}<' in html
    qr = html.split('data-testid="qr">', 1)[1].split("</div>", 1)[0]
    assert qr.startswith("<svg") and "style=" not in qr and "<script" not in qr
    # The QR holds exactly the code (what a desk scanner types back): segno's symbol of the code.
    assert f"<title>{booking.code}</title>" in qr
    symbol = segno.make(booking.code, error="m", micro=False)
    assert symbol.version == 1 and qr.count("<path") == 1  # 10 characters fit the smallest QR


def test_cancelling_asks_for_confirmation_first(client, booking):
    ticket = client.get(f"/kesehatan/permohonan/{booking.code}/").content.decode()
    assert f'href="/kesehatan/permohonan/{booking.code}/batal/"' in ticket
    confirm = client.get(f"/kesehatan/permohonan/{booking.code}/batal/").content.decode()
    assert "Ya, batalkan permohonan" in confirm and "tidak dapat diurungkan" in confirm
    booking.refresh_from_db()
    assert booking.status == ServiceRequest.Status.DIAJUKAN  # looking is not cancelling
    done = client.post(f"/kesehatan/permohonan/{booking.code}/batal/", follow=True)
    booking.refresh_from_db()
    assert booking.status == ServiceRequest.Status.DIBATALKAN and "Permohonan dibatalkan." in done.content.decode()


def test_the_confirmation_page_of_an_unknown_code_shows_the_box(client):
    response = client.get("/kesehatan/permohonan/ZZZZZZZZZZ/batal/")
    assert response.status_code == 404 and "Kode tidak ditemukan" in response.content.decode()
