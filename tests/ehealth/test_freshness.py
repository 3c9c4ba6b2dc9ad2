"""Bed data people can trust (issue 15 point 5): freshness is the age of the last confirmed numbers
whatever the source; plain words for citizens, the reason for staff; male/female availability;
a public reporting score (share of the last 30 days with fresh numbers)."""

import datetime
import json

import pytest
from django.utils import timezone

from ehealth import dashboard, selectors, services
from ehealth.models import BedClass, BedCountChange, FreshSpan, Hospital

from .conftest import make_hospital, sample

pytestmark = pytest.mark.django_db

WORK = "/kesehatan/petugas/rsud-wlingi/"


def age(hospital, **delta):
    Hospital.objects.filter(pk=hospital.pk).update(beds_confirmed_at=timezone.now() - datetime.timedelta(**delta))
    selectors.board_cache_invalidate()
    hospital.refresh_from_db()


def bed_post(hospital, **igd):
    beds = list(hospital.bed_classes.order_by("code"))
    data = {"beds-TOTAL_FORMS": len(beds), "beds-INITIAL_FORMS": len(beds)}
    for i, bed in enumerate(beds):
        data.update({f"beds-{i}-code": bed.code, f"beds-{i}-room_name": bed.room_name})
        data.update({f"beds-{i}-capacity": bed.capacity, f"beds-{i}-available": bed.available})
    data.update({key: value for key, value in igd.items()})
    return data


def test_a_clerk_saving_unchanged_numbers_makes_them_fresh(client, hospital, clerk):
    age(hospital, hours=3)
    assert hospital.is_stale()
    client.force_login(clerk)
    history = BedCountChange.objects.count()
    response = client.post(WORK, bed_post(hospital))
    assert response.status_code == 302
    hospital.refresh_from_db()
    assert not hospital.is_stale()
    assert BedCountChange.objects.count() == history  # nothing changed: no history row, yet fresh
    assert "diperbarui baru saja" in client.get("/kesehatan/rs/rsud-wlingi/").content.decode()


def test_angka_masih_benar_confirms_without_touching_the_numbers(client, hospital, clerk):
    age(hospital, hours=3)
    client.force_login(clerk)
    before = list(BedClass.objects.filter(hospital=hospital).values_list("capacity", "available"))
    response = client.post(WORK, {"confirm": "1"}, follow=True)
    assert "angka dikonfirmasi masih benar" in response.content.decode()
    hospital.refresh_from_db()
    assert not hospital.is_stale()
    assert list(BedClass.objects.filter(hospital=hospital).values_list("capacity", "available")) == before
    board = client.get("/kesehatan/").content.decode()
    assert "Data usang" not in board and "diperbarui baru saja" in board


def test_the_board_never_says_stale_and_updated_just_now(client, hospital, feed_server):
    # A failing feed, numbers confirmed a minute ago by the clerk: fresh, and staff see the failure.
    Hospital.objects.filter(pk=hospital.pk).update(feed_url=feed_server.serve("/x", b"", status=500), feed_format="csv")
    for _ in range(4):
        services.hospital_sync(hospital_id=hospital.pk)
    services.hospital_beds_confirm(hospital=hospital, user=None)
    selectors.board_cache_invalidate()
    row = selectors.board()[0]
    assert not row["stale"] and row["freshness"] == "diperbarui baru saja"
    html = client.get("/kesehatan/").content.decode()
    assert "Data usang" not in html


def test_citizens_read_plain_words():
    now = timezone.make_aware(datetime.datetime(2026, 3, 4, 10, 30))
    three = now - datetime.timedelta(minutes=3)
    at_nine_ten = timezone.make_aware(datetime.datetime(2026, 3, 4, 9, 10))
    assert selectors.freshness_words(confirmed_at=three, stale=False, now=now) == "diperbarui 3 menit lalu"
    assert selectors.freshness_words(confirmed_at=at_nine_ten, stale=True, now=now) == "belum diperbarui sejak 09:10"
    assert selectors.freshness_words(confirmed_at=None, stale=True, now=now) == "belum pernah diperbarui"


def test_a_stale_hospital_page_says_since_when(client, hospital):
    hospital.stale_after_minutes = 60
    hospital.save()
    age(hospital, hours=2)
    since = timezone.localtime(hospital.beds_confirmed_at).strftime("%H:%M")
    html = client.get("/kesehatan/rs/rsud-wlingi/").content.decode()
    if timezone.localtime(hospital.beds_confirmed_at).date() != timezone.localdate():
        since = timezone.localtime(hospital.beds_confirmed_at).strftime("%-d %b %H:%M")  # just after midnight
    assert f"belum diperbarui sejak {since}" in html
    assert "diperbarui baru saja" not in html
    assert "Data usang" in html


def test_staff_see_why_the_public_sees_no_technical_words(client, hospital, clerk, feed_server):
    Hospital.objects.filter(pk=hospital.pk).update(
        feed_url=feed_server.serve("/x", b"", status=500), feed_format="fhir"
    )
    first = services.hospital_sync(hospital_id=hospital.pk)
    services.hospital_sync(hospital_id=hospital.pk)
    hospital.refresh_from_db()
    assert hospital.feed_failing_since == first.started_at
    public = client.get("/kesehatan/rs/rsud-wlingi/").content.decode()
    for word in ("HL7", "FHIR", "gagal", "HTTP 500", "Sinkronisasi terakhir"):
        assert word not in public, word
    client.force_login(clerk)
    work = client.get(WORK).content.decode()
    assert "Feed sistem RS gagal sejak" in work and "HTTP 500" in work and "2 kali berturut-turut" in work
    # A good sync clears the failure.
    feed_server.serve("/x", sample("sample-fhir.json"))
    services.hospital_sync(hospital_id=hospital.pk)
    hospital.refresh_from_db()
    assert hospital.feed_failing_since is None
    assert "Feed sistem RS gagal sejak" not in client.get(WORK).content.decode()


def test_male_female_availability_from_aplicares(client, feed_server):
    hospital = make_hospital(
        "rs-apl", feed_url=feed_server.serve("/apl", sample("sample-aplicares.json")), feed_format="aplicares"
    )
    assert services.hospital_sync(hospital_id=hospital.pk).status == "ok"
    vip = BedClass.objects.get(hospital=hospital, code="VIP")
    kelas3 = BedClass.objects.get(hospital=hospital, code="KELAS_3")
    assert (vip.available_male, vip.available_female, vip.available_either) == (1, 1, 0)
    assert (kelas3.available_male, kelas3.available_female, kelas3.available_either) == (0, 0, 3)
    html = client.get("/kesehatan/rs/rs-apl/").content.decode()
    assert "Untuk pria" in html and "Untuk wanita" in html
    # A feed that says more for a sex than is available is refused, naming the row.
    data = json.loads(sample("sample-aplicares.json"))
    data["response"]["list"][0]["tersediapria"] = 5
    feed_server.serve("/apl", json.dumps(data).encode())
    run = services.hospital_sync(hospital_id=hospital.pk)
    assert run.status == "error" and "melebihi tersedia" in run.message


def test_a_hospital_without_sex_data_shows_no_such_columns(client, hospital):
    assert "Untuk pria" not in client.get("/kesehatan/rs/rsud-wlingi/").content.decode()


def test_reporting_score_is_the_share_of_the_last_30_days_with_fresh_numbers(client, hospital, other_hospital):
    now = timezone.now()
    FreshSpan.objects.all().delete()
    # 15 of the last 30 days fresh (two spans), plus a span older than the window.
    FreshSpan.objects.create(
        hospital=hospital, started_at=now - datetime.timedelta(days=40), ends_at=now - datetime.timedelta(days=31)
    )
    FreshSpan.objects.create(
        hospital=hospital, started_at=now - datetime.timedelta(days=35), ends_at=now - datetime.timedelta(days=20)
    )
    FreshSpan.objects.create(hospital=hospital, started_at=now - datetime.timedelta(days=5), ends_at=now)
    scores = selectors.reporting_scores(hospital_ids=[hospital.pk, other_hospital.pk], now=now)
    assert scores == {hospital.pk: 50, other_hospital.pk: 0}
    assert "Skor pelaporan: 50%" in client.get("/kesehatan/rs/rsud-wlingi/").content.decode()
    rows = {r["slug"]: r["reporting_score"] for r in dashboard.hospital_status(now=now)}
    assert rows == {"rsud-wlingi": 50, "rsud-srengat": 0}


def test_confirmations_extend_one_span_and_a_gap_starts_another(hospital):
    FreshSpan.objects.all().delete()
    start = timezone.now() - datetime.timedelta(hours=5)
    services.hospital_beds_confirm(hospital=hospital, user=None, now=start)
    services.hospital_beds_confirm(hospital=hospital, user=None, now=start + datetime.timedelta(minutes=30))
    assert FreshSpan.objects.filter(hospital=hospital).count() == 1
    span = FreshSpan.objects.get(hospital=hospital)
    assert span.ends_at == start + datetime.timedelta(minutes=30 + hospital.stale_after_minutes)
    # Stale for two hours, then confirmed again: a new span; the score counts only fresh time.
    services.hospital_beds_confirm(hospital=hospital, user=None, now=start + datetime.timedelta(hours=4))
    assert FreshSpan.objects.filter(hospital=hospital).count() == 2
    now = start + datetime.timedelta(hours=5)
    fresh_minutes = (30 + hospital.stale_after_minutes) + 60
    expected = round(100 * fresh_minutes * 60 / (30 * 86400))
    assert selectors.reporting_score(hospital, now=now) == expected


def test_the_dashboard_shows_the_reporting_score_column(hospital):
    figure = dashboard._sync([{**row, "on_time": True} for row in dashboard.hospital_status()], None)
    assert "Skor pelaporan 30 hari (%)" in [str(c) for c in figure.columns]
