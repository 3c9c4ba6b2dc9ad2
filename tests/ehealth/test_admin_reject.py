"""Admin list action "tolak": asks the reason on a confirmation page, then applies the status service."""

import pytest

from blitar_portal.notifications.models import Notification
from ehealth import services
from ehealth.models import ServiceRequest

from .test_admin import _request

pytestmark = pytest.mark.django_db

URL = "/admin/ehealth/servicerequest/"


def _action(client, pks, **extra):
    return client.post(URL, {"action": "reject_selected", "_selected_action": pks, **extra}, follow=True)


def test_reject_action_first_asks_for_the_reason_and_changes_nothing(client, clerk, service):
    first, second = _request(service), _request(service)
    client.force_login(clerk)
    response = _action(client, [first.pk, second.pk])
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tolak permohonan layanan" in html and "Alasan penolakan" in html
    assert first.code in html and second.code in html
    assert html.count('name="_selected_action"') == 2 and 'name="apply"' in html
    assert set(ServiceRequest.objects.values_list("status", flat=True)) == {"diajukan"}


def test_reject_action_without_a_reason_shows_the_error_on_the_confirmation_page(client, clerk, service):
    req = _request(service)
    client.force_login(clerk)
    html = _action(client, [req.pk], apply="1", reason="  ").content.decode()
    assert "Alasan penolakan wajib diisi." in html and 'name="apply"' in html
    req.refresh_from_db()
    assert (req.status, req.reject_reason) == ("diajukan", "")


def test_reject_action_with_a_reason_rejects_every_selected_request_and_emails(client, clerk, service):
    first, second = _request(service), _request(service)
    client.force_login(clerk)
    response = _action(client, [first.pk, second.pk], apply="1", reason="Dokter cuti")
    assert response.redirect_chain[-1][0] == URL
    assert "2 permohonan diperbarui." in response.content.decode()
    for req in (first, second):
        req.refresh_from_db()
        assert (req.status, req.reject_reason) == ("ditolak", "Dokter cuti")
        assert Notification.objects.filter(source_id=str(req.pk), event="ehealth_request_rejected").exists()


def test_reject_action_keeps_the_workflow_rules_of_the_service(client, clerk, service):
    done, open_ = _request(service), _request(service)
    for status in ("diterima", "dilayani", "selesai"):
        services.service_request_set_status(service_request=done, status=status)
    client.force_login(clerk)
    html = _action(client, [done.pk, open_.pk], apply="1", reason="Penuh").content.decode()
    assert f"{done.code}: Status tidak dapat diubah dari Selesai ke Ditolak." in html
    assert "1 permohonan diperbarui." in html
    done.refresh_from_db()
    open_.refresh_from_db()
    assert (done.status, open_.status) == ("selesai", "ditolak")


def test_clerk_cannot_reject_another_hospitals_request_even_with_its_id(client, clerk, service, other_service):
    own, foreign = _request(service), _request(other_service)
    client.force_login(clerk)
    page = _action(client, [own.pk, foreign.pk]).content.decode()
    assert own.code in page and foreign.code not in page and f'value="{foreign.pk}"' not in page
    _action(client, [own.pk, foreign.pk], apply="1", reason="Penuh")
    own.refresh_from_db()
    foreign.refresh_from_db()
    assert (own.status, foreign.status) == ("ditolak", "diajukan")
    # Only a foreign id: nothing to confirm, nothing changes.
    _action(client, [foreign.pk], apply="1", reason="Penuh")
    foreign.refresh_from_db()
    assert foreign.status == "diajukan"


def test_diskominfo_rejects_requests_of_any_hospital(client, alice, service, other_service):
    own, foreign = _request(service), _request(other_service)
    client.force_login(alice)
    _action(client, [own.pk, foreign.pk], apply="1", reason="Libur nasional")
    assert set(ServiceRequest.objects.values_list("status", flat=True)) == {"ditolak"}
