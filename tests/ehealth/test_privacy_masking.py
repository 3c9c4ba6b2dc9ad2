"""Only the clerks of the handling hospital see full NIK, BPJS number and complaint; everyone else sees masks."""

import pytest

from blitar_portal.notifications.models import Notification
from ehealth import selectors
from ehealth.models import HospitalMembership
from tests.factories import UserFactory

from .privacy_helpers import BPJS, COMPLAINT, EMAIL, NIK, make_request

pytestmark = pytest.mark.django_db

MASKED_NIK = "3505********0001"


def change_page(client, user, request):
    client.force_login(user)
    response = client.get(f"/admin/ehealth/servicerequest/{request.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def test_clerk_of_the_handling_hospital_sees_full_personal_data(client, clerk, service):
    html = change_page(client, clerk, make_request(service))
    assert NIK in html and BPJS in html and COMPLAINT in html and EMAIL in html


def test_diskominfo_sees_only_masked_values_in_the_change_form(client, alice, service):
    html = change_page(client, alice, make_request(service))
    assert NIK not in html and BPJS not in html and COMPLAINT not in html and EMAIL not in html
    assert MASKED_NIK in html and "*********7890" in html and "s***@contoh.id" in html


def test_a_superuser_sees_masked_values(client, service):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    html = change_page(client, admin, make_request(service))
    assert NIK not in html and COMPLAINT not in html and MASKED_NIK in html


def test_a_clerk_of_another_hospital_added_as_member_elsewhere_does_not_see_this_hospitals_data(
    clerk, service, other_hospital
):
    from blitar_portal.accounts.roles import HOSPITAL_STAFF

    stranger = UserFactory(username="eko", groups=[HOSPITAL_STAFF], is_staff=True)
    HospitalMembership.objects.create(user=stranger, hospital=other_hospital)
    request = make_request(service)
    assert selectors.can_see_personal_data(clerk, request)
    assert not selectors.can_see_personal_data(stranger, request)


def test_change_form_of_masked_values_is_read_only(client, alice, service):
    html = change_page(client, alice, make_request(service))
    assert 'name="nik"' not in html and 'name="complaint"' not in html and 'name="bpjs_number"' not in html


def test_admin_list_masks_for_everyone_including_the_clerk(client, clerk, alice, service):
    make_request(service)
    for user in (clerk, alice):
        client.force_login(user)
        html = client.get("/admin/ehealth/servicerequest/").content.decode()
        assert NIK not in html and MASKED_NIK in html and "Siti Aminah" not in html


def test_outbox_admin_masks_the_recipient(client, alice, service):
    request = make_request(service)
    outbox = Notification.objects.get(source_id=str(request.pk))
    client.force_login(alice)
    assert EMAIL not in client.get("/admin/notifications/notification/").content.decode()
    html = client.get(f"/admin/notifications/notification/{outbox.pk}/change/").content.decode()
    assert EMAIL not in html and "s***@contoh.id" in html


def test_api_never_returns_nik_bpjs_or_complaint(client, service):
    request = make_request(service)
    body = client.get(f"/api/v1/service-requests/{request.code}/").content.decode()
    assert NIK not in body and BPJS not in body and COMPLAINT not in body and "Siti Aminah" not in body
