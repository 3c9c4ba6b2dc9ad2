"""Safe admin for E-Health: no delete in the request queue, hospitals deleted only by a superuser
through the service (the cached public board follows)."""

import pytest

from ehealth.models import Hospital, ServiceRequest
from tests.factories import UserFactory

from .conftest import make_hospital
from .test_admin import _request

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def _actions(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return [name for name, _label in response.context["action_form"].fields["action"].choices]


@pytest.mark.parametrize("url", ["/admin/ehealth/servicerequest/", "/admin/ehealth/hospital/"])
def test_moderation_lists_offer_no_delete_action(client, alice, root, service, url):
    _request(service)
    for user in (alice, root):
        client.force_login(user)
        assert "delete_selected" not in _actions(client, url)


def test_nobody_deletes_a_service_request_in_the_admin(client, alice, root, service):
    req = _request(service)
    for user in (alice, root):
        client.force_login(user)
        assert client.post(f"/admin/ehealth/servicerequest/{req.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ServiceRequest.objects.filter(pk=req.pk).exists()


def test_staff_cannot_delete_a_hospital(client, alice, hospital):
    client.force_login(alice)
    change = client.get(f"/admin/ehealth/hospital/{hospital.pk}/change/")
    assert change.context["has_delete_permission"] is False
    assert client.post(f"/admin/ehealth/hospital/{hospital.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Hospital.objects.filter(pk=hospital.pk).exists()


def test_superuser_delete_of_a_hospital_refreshes_the_cached_board(client, root, django_capture_on_commit_callbacks):
    gone = make_hospital("rs-hapus", "RS Hapus Uji")  # added by mistake: no history to protect yet
    assert "RS Hapus Uji" in client.get("/kesehatan/").content.decode()  # now cached
    admin = client.__class__()
    admin.force_login(root)
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(f"/admin/ehealth/hospital/{gone.pk}/delete/", {"post": "yes"}).status_code == 302
    assert "RS Hapus Uji" not in client.get("/kesehatan/").content.decode()
