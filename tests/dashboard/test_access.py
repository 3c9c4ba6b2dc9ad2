"""Who may open the dashboard: Diskominfo staff and superusers; anonymous -> login; others -> 403."""

import pytest

from .conftest import SECTION_URLS

OTHER_URLS = ["/dasbor/ikm/unduh.xlsx", "/dasbor/tanam/kecamatan.csv"]


@pytest.mark.parametrize("url", SECTION_URLS + OTHER_URLS)
def test_anonymous_gets_the_login_page(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/?next=")


@pytest.mark.parametrize("url", SECTION_URLS + OTHER_URLS)
@pytest.mark.parametrize("persona", ["bob", "charlie"])
def test_users_without_the_diskominfo_role_get_403(client, request, persona, url):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(url)
    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()


@pytest.mark.parametrize("url", SECTION_URLS)
def test_diskominfo_staff_sees_every_section(alice_client, url):
    response = alice_client.get(url)
    assert response.status_code == 200
    assert "Dasbor Diskominfo" in response.content.decode()


@pytest.mark.parametrize("url", SECTION_URLS)
def test_superuser_sees_every_section(client, root, url):
    client.force_login(root)
    assert client.get(url).status_code == 200


def test_refresh_button_is_refused_to_others(client, bob):
    client.force_login(bob)
    assert client.post("/dasbor/segarkan/").status_code == 403


def test_ikm_target_form_is_refused_to_others(client, charlie):
    client.force_login(charlie)
    assert client.post("/dasbor/ikm/target/", {"target": 5, "target_date": "2099-01-01"}).status_code == 403


def test_unknown_section_is_404(alice_client):
    assert alice_client.get("/dasbor/tidak-ada/").status_code == 404


def test_dashboard_speaks_english_when_chosen(alice_client):
    from django.conf import settings

    alice_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = alice_client.get("/dasbor/kesehatan/").content.decode()
    assert "Diskominfo dashboard" in html
    assert "Overview" in html and "Bed occupancy rate (BOR, %) per class" in html
