"""The public privacy notice (/privasi/), in Bahasa and English, linked from the footer and every form
that collects personal data; consent where personal data is collected."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


def test_privacy_page_in_bahasa_lists_what_is_kept_and_for_how_long(client, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 90
    html = client.get("/privasi/").content.decode()
    assert "Kebijakan privasi" in html and "UU PDP" in html
    for text in ("NIK, nomor kartu BPJS", "Keluhan (data kesehatan)", "Dihapus 90 hari setelah tanggal kunjungan"):
        assert text in html
    assert "3505********0001" in html and "diskominfo@blitarkab.go.id" in html


def test_privacy_page_in_english(client):
    client.cookies["django_language"] = "en"
    html = client.get("/privasi/").content.decode()
    assert "Privacy notice" in html and "Erased 90 days after the visit date" in html
    assert "Kebijakan privasi" not in html


def test_footer_links_the_privacy_page_everywhere(client):
    for url in ("/", "/kesehatan/", "/ikm/", "/tanam/"):
        assert 'href="/privasi/"' in client.get(url).content.decode(), url


def test_booking_form_has_consent_and_links_the_privacy_page(client, db):
    from ehealth.models import Service
    from tests.ehealth.conftest import make_hospital, open_all_week

    service = open_all_week(Service.objects.create(hospital=make_hospital("rs-privasi"), name="Poli Umum"))
    html = client.get(f"/kesehatan/permohonan/baru/?layanan={service.pk}").content.decode()
    assert 'name="consent"' in html and 'data-testid="privacy-note"' in html
    assert html.count('href="/privasi/"') >= 2  # the form's note and the footer


def test_signup_and_profile_link_the_privacy_page(client, bob):
    assert html_links_privacy(client.get("/akun/daftar/").content.decode(), in_main=True)
    client.force_login(bob)
    assert html_links_privacy(client.get("/akun/profil/").content.decode(), in_main=True)


def html_links_privacy(html, *, in_main):
    main = html[html.index("<main") : html.index("</main>")] if in_main else html
    return 'href="/privasi/"' in main


def test_signup_needs_consent(client):
    data = {
        "username": "tanpa",
        "first_name": "Tanpa Persetujuan",
        "email": "tanpa@contoh.id",
        "password1": "Kebun-Mangga-2026!",
        "password2": "Kebun-Mangga-2026!",
    }
    response = client.post("/akun/daftar/", data)
    assert response.status_code == 200
    assert "Persetujuan pemrosesan data pribadi wajib dicentang." in response.content.decode()
    assert not get_user_model().objects.filter(username="tanpa").exists()
