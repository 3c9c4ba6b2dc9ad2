"""Admin: a Petugas RS sees only their hospital (404 elsewhere, per model admin); Diskominfo manages feeds."""

import datetime

import pytest
from django.utils import timezone

from ehealth import services
from ehealth.models import BedClass, BedCountChange, Hospital, SyncRun

from .conftest import sample
from .test_notifications import wait_for

pytestmark = pytest.mark.django_db


def _request(service, **kw):
    req, _ = services.service_request_create(
        service=service,
        visit_date=timezone.localdate() + datetime.timedelta(days=1),
        name="Siti Aminah",
        nik="3505014101900001",
        phone="081234567890",
        complaint="Demam",
        consent=True,
        email="s@contoh.id",
        **kw,
    )
    return req


@pytest.fixture
def foreign_objects(other_hospital, other_service):
    """One object of every admin model belonging to RSUD Srengat (not the clerk's hospital)."""
    req = _request(other_service)
    run = SyncRun.objects.create(hospital=other_hospital, status="ok")
    return {
        "hospital": other_hospital.pk,
        "bedcountchange": BedCountChange.objects.filter(hospital=other_hospital).first().pk,
        "syncrun": run.pk,
        "service": other_service.pk,
        "servicerequest": req.pk,
    }


@pytest.mark.parametrize("model", ["hospital", "bedcountchange", "syncrun", "service", "servicerequest"])
@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_clerk_gets_404_for_another_hospitals_object_on_every_admin_url(client, clerk, foreign_objects, model, view):
    client.force_login(clerk)
    pk = foreign_objects[model]
    response = client.get(f"/admin/ehealth/{model}/{pk}/{view}/")
    assert response.status_code == 404


@pytest.mark.parametrize("model", ["hospital", "bedcountchange", "syncrun", "service", "servicerequest"])
def test_clerk_changelists_show_only_their_hospital(client, clerk, foreign_objects, service, model):
    _request(service)
    client.force_login(clerk)
    response = client.get(f"/admin/ehealth/{model}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "RSUD Srengat" not in html
    assert f"/admin/ehealth/{model}/{foreign_objects[model]}/change/" not in html


def test_clerk_cannot_open_the_bed_form_of_another_hospital_nor_memberships(client, clerk, other_hospital):
    client.force_login(clerk)
    assert client.get(f"/admin/ehealth/hospital/{other_hospital.pk}/tempat-tidur/").status_code == 404
    assert client.get("/admin/ehealth/hospitalmembership/").status_code == 403


def test_user_without_role_sees_no_ehealth_admin(client, charlie, hospital):
    charlie.is_staff = True
    charlie.save()
    client.force_login(charlie)
    assert client.get(f"/admin/ehealth/hospital/{hospital.pk}/tempat-tidur/").status_code == 404
    assert client.get("/admin/ehealth/servicerequest/").status_code == 403


def test_clerk_quick_form_updates_all_classes_on_one_screen_with_history(client, clerk, hospital):
    client.force_login(clerk)
    url = f"/admin/ehealth/hospital/{hospital.pk}/tempat-tidur/"
    page = client.get(url).content.decode()
    assert page.count('name="beds-') >= 3 * 4 and "Simpan jumlah tempat tidur" in page
    data = {"beds-TOTAL_FORMS": "5", "beds-INITIAL_FORMS": "3", "beds-MIN_NUM_FORMS": "0", "beds-MAX_NUM_FORMS": "1000"}
    rows = [
        ("VIP", "", 6, 4),
        ("KELAS_3", "", 12, 3),
        ("ICU", "", 7, 0),
        ("LAINNYA", "Ruang Kemo", 3, 1),
        ("", "", "", ""),
    ]
    for i, (code, room, cap, avail) in enumerate(rows):
        data.update(
            {
                f"beds-{i}-code": code,
                f"beds-{i}-room_name": room,
                f"beds-{i}-capacity": cap,
                f"beds-{i}-available": avail,
            }
        )
    response = client.post(url, data, follow=True)
    assert "Tersimpan: 3 kelas berubah." in response.content.decode()
    assert BedClass.objects.get(hospital=hospital, code="LAINNYA").room_name == "Ruang Kemo"
    change = BedCountChange.objects.filter(hospital=hospital, code="ICU").first()
    assert (change.old_available, change.new_available, change.user, change.source) == (1, 0, clerk, "user")


def test_quick_form_rejects_available_over_capacity_and_changes_nothing(client, clerk, hospital):
    client.force_login(clerk)
    data = {
        "beds-TOTAL_FORMS": "1",
        "beds-INITIAL_FORMS": "1",
        "beds-MIN_NUM_FORMS": "0",
        "beds-MAX_NUM_FORMS": "1000",
        "beds-0-code": "VIP",
        "beds-0-capacity": "6",
        "beds-0-available": "9",
    }
    response = client.post(f"/admin/ehealth/hospital/{hospital.pk}/tempat-tidur/", data)
    assert "tidak boleh melebihi kapasitas" in response.content.decode()
    assert BedClass.objects.get(hospital=hospital, code="VIP").available == 2


def test_clerk_processes_requests_with_workflow_actions_and_search_by_code(client, clerk, service):
    req = _request(service)
    other = _request(service)
    client.force_login(clerk)
    found = client.get(f"/admin/ehealth/servicerequest/?q={req.code}").content.decode()
    assert req.code in found and other.code not in found
    assert "S*** A*****" in found and "3505014101900001" not in found  # the list masks NIK
    client.post("/admin/ehealth/servicerequest/", {"action": "mark_diterima", "_selected_action": [req.pk]})
    req.refresh_from_db()
    assert req.status == "diterima"
    client.post("/admin/ehealth/servicerequest/", {"action": "mark_selesai", "_selected_action": [req.pk]})
    req.refresh_from_db()
    assert req.status == "diterima"  # selesai needs dilayani first


def test_rejection_through_the_change_form_needs_a_reason(client, clerk, service):
    req = _request(service)
    client.force_login(clerk)
    url = f"/admin/ehealth/servicerequest/{req.pk}/change/"
    assert "3505014101900001" in client.get(url).content.decode()  # the receiving hospital sees the NIK
    response = client.post(url, {"status": "ditolak", "reject_reason": ""}, follow=True)
    assert "Alasan penolakan wajib diisi" in response.content.decode()
    req.refresh_from_db()
    assert req.status == "diajukan"
    client.post(url, {"status": "ditolak", "reject_reason": "Poli tutup hari itu"})
    req.refresh_from_db()
    assert (req.status, req.reject_reason) == ("ditolak", "Poli tutup hari itu")


def test_feed_token_is_write_only_in_the_admin(client, alice, hospital):
    Hospital.objects.filter(pk=hospital.pk).update(feed_token="sangat-rahasia-123")
    client.force_login(alice)
    url = f"/admin/ehealth/hospital/{hospital.pk}/change/"
    html = client.get(url).content.decode()
    assert "sangat-rahasia-123" not in html and "tersimpan (tidak ditampilkan)" in html


def test_diskominfo_sets_a_feed_and_sync_now_schedules_it(
    client, alice, hospital, feed_server, django_capture_on_commit_callbacks
):
    url = feed_server.serve("/rs.csv", b"kelas,ruang,kapasitas,terisi\nVIP,A,8,1\n", token="tok-baru")
    client.force_login(alice)
    form = {
        "name": hospital.name,
        "slug": hospital.slug,
        "type": hospital.type,
        "kecamatan": hospital.kecamatan_id,
        "address": hospital.address,
        "phone": hospital.phone,
        "igd_phone": hospital.igd_phone,
        "location": hospital.location.geojson,
        "is_active": "on",
        "booking_window_days": 14,
        "feed_url": url,
        "feed_format": "csv",
        "new_feed_token": "tok-baru",
        "sync_interval_minutes": 5,
        "stale_after_minutes": 60,
    }
    response = client.post(f"/admin/ehealth/hospital/{hospital.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    hospital.refresh_from_db()
    assert hospital.feed_token == "tok-baru" and hospital.feed_url == url
    # Saving again without typing a token keeps it.
    client.post(f"/admin/ehealth/hospital/{hospital.pk}/change/", {**form, "new_feed_token": ""})
    hospital.refresh_from_db()
    assert hospital.feed_token == "tok-baru"
    with django_capture_on_commit_callbacks() as queued:  # not executed: nothing reaches the broker
        response = client.post(
            "/admin/ehealth/hospital/", {"action": "sync_now", "_selected_action": [hospital.pk]}, follow=True
        )
    # The clerk's request fetched nothing: the sync is queued after commit for a worker.
    assert "sinkronisasi dijadwalkan" in response.content.decode()
    assert feed_server.hits == [] and not SyncRun.objects.exists() and len(queued) == 1


@pytest.mark.celery
def test_a_worker_runs_the_scheduled_sync_now_with_the_admin_trigger(
    client, alice, hospital, feed_server, celery_worker
):
    hospital.feed_url = feed_server.serve("/rs.csv", b"kelas,ruang,kapasitas,terisi\nVIP,A,8,1\n", token="tok")
    hospital.feed_format, hospital.feed_token = "csv", "tok"
    hospital.save()
    client.force_login(alice)
    response = client.post(
        "/admin/ehealth/hospital/", {"action": "sync_now", "_selected_action": [hospital.pk]}, follow=True
    )
    assert "sinkronisasi dijadwalkan" in response.content.decode()
    assert wait_for(lambda: SyncRun.objects.filter(hospital=hospital, status="ok").exists())
    assert SyncRun.objects.get(hospital=hospital).trigger == "admin"
    assert BedClass.objects.get(hospital=hospital, code="VIP").available == 7


def test_clerk_has_no_sync_action_and_cannot_change_feed_settings(client, clerk, hospital):
    client.force_login(clerk)
    html = client.get("/admin/ehealth/hospital/").content.decode()
    assert "sync_now" not in html
    response = client.post(f"/admin/ehealth/hospital/{hospital.pk}/change/", {"feed_url": "http://x.example/"})
    assert response.status_code == 403


def test_service_request_list_has_no_add_and_clerk_service_choices_are_scoped(client, clerk, other_hospital):
    client.force_login(clerk)
    assert client.get("/admin/ehealth/servicerequest/add/").status_code == 403
    html = client.get("/admin/ehealth/service/add/").content.decode()
    assert "RSUD Srengat" not in html and "RSUD Ngudi Waluyo Wlingi" in html


def test_sample_feeds_are_copied_into_the_repository():
    assert b"Paviliun Anggrek" in sample("sample.csv")


def test_hospital_phones_are_normalized_and_a_feed_needs_a_format(hospital):
    from django.core.exceptions import ValidationError

    hospital.phone, hospital.igd_phone = "(0342) 691-040", "+62 342 802 100"
    services.hospital_save(hospital=hospital)
    hospital.refresh_from_db()
    assert (hospital.phone, hospital.igd_phone) == ("62342691040", "62342802100")
    hospital.phone = "telepon"
    with pytest.raises(ValidationError) as exc:
        services.hospital_save(hospital=hospital)
    assert "Nomor telepon" in str(exc.value)
    hospital.phone, hospital.feed_url, hospital.feed_format = "0342691040", "http://rs.example/feed", ""
    with pytest.raises(ValidationError, match="bersama-sama"):
        services.hospital_save(hospital=hospital)
