"""A clerk's day on a phone (issue 15 point 8): after login a clerk of one hospital lands on its work
page (beds and IGD in one form, "angka masih benar", today's requests); another hospital's page is
404; the Bahasa admin of E-Health has no English column headings."""

import datetime
import re

import pytest
from django.apps import apps
from django.utils import timezone

from ehealth.models import HospitalMembership, ServiceRequest
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WORK = "/kesehatan/petugas/rsud-wlingi/"


def login(client, user, password):
    return client.post("/akun/masuk/", {"username": user.username, "password": password}, follow=True)


def test_a_clerk_of_one_hospital_lands_on_its_work_page_after_login(client, clerk, password):
    response = login(client, clerk, password)
    assert response.redirect_chain[-1][0] == WORK
    html = response.content.decode()
    # One screen: IGD and every class, one tap from the start.
    assert 'name="igd_available"' in html and 'name="igd_waiting"' in html
    assert html.count('name="beds-') >= 3 * 4
    assert "Angka masih benar" in html and "Simpan tempat tidur dan IGD" in html


def test_a_citizen_lands_on_the_profile(client, bob, password):
    assert login(client, bob, password).redirect_chain[-1][0] == "/akun/profil/"


def test_a_clerk_of_two_hospitals_picks_one_on_the_start_page(client, clerk, other_hospital, password):
    HospitalMembership.objects.create(user=clerk, hospital=other_hospital)
    response = login(client, clerk, password)
    assert response.redirect_chain[-1][0] == "/kesehatan/petugas/"
    html = response.content.decode()
    assert "/kesehatan/petugas/rsud-wlingi/" in html and "/kesehatan/petugas/rsud-srengat/" in html


def test_another_hospitals_page_is_404_and_strangers_are_sent_to_login(client, clerk, other_hospital, bob):
    assert client.get(WORK).status_code == 302  # to the login page
    client.force_login(clerk)
    assert client.get("/kesehatan/petugas/rsud-srengat/").status_code == 404
    client.force_login(bob)
    assert client.get(WORK).status_code == 404
    assert client.get("/kesehatan/petugas/").status_code == 404


def test_the_work_page_links_todays_requests_with_their_count(client, clerk, service):
    today = timezone.localdate()
    for number, day in enumerate([today, today, today + datetime.timedelta(days=1)], start=1):
        ServiceRequest.objects.create(
            code=f"KODE{number:06d}", hospital=service.hospital, service=service, visit_date=day,
            queue_number=number, consent_version="2026-01", consent_at=timezone.now(),
        )  # fmt: skip
    client.force_login(clerk)
    html = client.get(WORK).content.decode()
    match = re.search(r'href="([^"]+)"[^>]*>Permohonan hari ini \((\d+)\)', html)
    assert match and match.group(2) == "2"
    listing = client.get(match.group(1).replace("&amp;", "&")).content.decode()
    assert "KODE000001" in listing and "KODE000002" in listing and "KODE000003" not in listing


def test_the_work_page_links_todays_queue_screens(client, clerk, service):
    client.force_login(clerk)
    html = client.get(WORK).content.decode()
    match = re.search(r'href="([^"]+)"[^>]*>Antrean hari ini<', html)
    assert match and match.group(1) == "/kesehatan/petugas/antrean/"
    queue = client.get(match.group(1)).content.decode()
    assert f"/kesehatan/petugas/antrean/{service.pk}/" in queue  # the clerk's service, one tap away


def test_every_ehealth_field_has_a_bahasa_name():
    # Words that are the same in Bahasa Indonesia as the field's name.
    same_in_bahasa = {"kecamatan", "status", "email"}
    english = []
    for model in apps.get_app_config("ehealth").get_models():
        for field in model._meta.get_fields():
            if not field.concrete or field.auto_created:
                continue
            if field.verbose_name == field.name.replace("_", " ") and field.name not in same_in_bahasa:
                english.append(f"{model.__name__}.{field.name}")
    assert english == []


ENGLISH_HEADINGS = re.compile(
    r">\s*(Started at|Finished at|Duration ms|Trigger|Attempts?|Message|Rows|Classes changed|User|Hospital|"
    r"To email|Subject|Sent at|Last error|Service request|Created at)\s*<",
    re.IGNORECASE,
)


@pytest.mark.parametrize(
    "model",
    ["hospital", "bedcountchange", "syncrun", "service", "servicerequest", "hospitalmembership"],
)
def test_admin_lists_have_no_english_column_headings(client, alice, hospital, model):
    client.force_login(alice)
    response = client.get(f"/admin/ehealth/{model}/")
    assert response.status_code == 200
    headings = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', response.content.decode(), re.S)
    assert headings
    assert not [h for h in headings if ENGLISH_HEADINGS.search(">" + re.sub(r"<[^>]+>", "", h).strip() + "<")]


def test_a_clerk_without_staff_rights_has_no_work_page(client, hospital, password):
    user = UserFactory(username="tanpa-staf", groups=["Petugas RS"], is_staff=False)
    HospitalMembership.objects.create(user=user, hospital=hospital)
    client.force_login(user)
    assert client.get(WORK).status_code == 404


def test_the_work_page_sends_the_strict_policy_and_needs_no_inline_code(client, clerk):
    from tests.portal.test_csp import assert_strict

    client.force_login(clerk)
    assert_strict(client.get(WORK))
