"""hospital_beds_apply and hospital_sync: one transaction, history only for changes, failures keep last numbers."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ehealth import selectors, services
from ehealth.models import BedClass, BedCountChange, Hospital, SyncRun

from .conftest import make_hospital, sample, set_beds

pytestmark = pytest.mark.django_db


def beds(hospital):
    return {(b.code, b.room_name): (b.capacity, b.available) for b in BedClass.objects.filter(hospital=hospital)}


def feed_hospital(feed_server, body=None, fmt="csv", **fields):
    url = feed_server.serve("/feed", body if body is not None else sample("sample.csv"))
    return make_hospital("rs-feed", feed_url=url, feed_format=fmt, **fields)


def test_apply_writes_history_only_for_changed_numbers_and_nothing_when_identical(hospital, clerk):
    before = BedCountChange.objects.filter(hospital=hospital).count()
    classes = {("VIP", ""): (6, 1), ("KELAS_3", ""): (12, 3), ("ICU", ""): (7, 1)}
    assert set_beds(hospital, classes, user=clerk) == 1
    change = BedCountChange.objects.filter(hospital=hospital).first()
    assert (change.code, change.old_available, change.new_available, change.source, change.user) == (
        "VIP",
        2,
        1,
        "user",
        clerk,
    )
    assert set_beds(hospital, classes) == 0
    assert BedCountChange.objects.filter(hospital=hospital).count() == before + 1


def test_sync_applies_the_feed_and_records_a_run(feed_server):
    hospital = feed_hospital(feed_server)
    run = services.hospital_sync(hospital_id=hospital.pk, trigger="test")
    assert run.status == SyncRun.Status.OK
    assert (run.rows, run.classes_changed) == (3, 3)
    assert beds(hospital) == {("VIP", ""): (6, 2), ("KELAS_3", ""): (12, 3), ("ICU", ""): (7, 1)}
    hospital.refresh_from_db()
    assert hospital.last_sync_status == "ok" and hospital.consecutive_failures == 0
    assert hospital.beds_confirmed_at is not None
    changes = BedCountChange.objects.filter(hospital=hospital)
    assert changes.count() == 3 and all(c.source == "feed" and c.sync_run == run for c in changes)


def test_applying_the_same_feed_twice_changes_nothing(feed_server):
    hospital = feed_hospital(feed_server)
    services.hospital_sync(hospital_id=hospital.pk)
    run = services.hospital_sync(hospital_id=hospital.pk)
    assert run.status == "ok" and run.classes_changed == 0
    assert BedCountChange.objects.filter(hospital=hospital).count() == 3


def test_failed_sync_keeps_the_last_good_numbers_and_records_the_error(feed_server):
    hospital = feed_hospital(feed_server)
    services.hospital_sync(hospital_id=hospital.pk)
    feed_server.serve("/feed", b"kelas,ruang,kapasitas,terisi\nVIP,A,6,1\nICU,ICU,7,9\n")
    run = services.hospital_sync(hospital_id=hospital.pk)
    assert run.status == "error" and "Baris 3 (ICU), kolom terisi" in run.message
    # Nothing applied half-way: VIP did not change either.
    assert beds(hospital)[("VIP", "")] == (6, 2)
    hospital.refresh_from_db()
    assert hospital.last_sync_status == "error" and hospital.consecutive_failures == 1
    assert "kolom terisi" in hospital.last_sync_message


def test_a_feed_that_flips_between_valid_and_invalid(feed_server):
    hospital = feed_hospital(feed_server)
    good_a, good_b = sample("sample.csv"), b"kelas,ruang,kapasitas,terisi\nVIP,A,6,6\n"
    for body, status, vip in [
        (good_a, "ok", (6, 2)),
        (b"{broken", "error", (6, 2)),
        (good_b, "ok", (6, 0)),
        (b"kelas,ruang,kapasitas,terisi\nVIP,A,-1,0\n", "error", (6, 0)),
        (good_a, "ok", (6, 2)),
    ]:
        feed_server.serve("/feed", body)
        assert services.hospital_sync(hospital_id=hospital.pk).status == status
        assert beds(hospital)[("VIP", "")] == vip
    # The classes missing from good_b dropped to 0/0, then came back.
    assert beds(hospital)[("ICU", "")] == (7, 1)
    hospital.refresh_from_db()
    assert hospital.consecutive_failures == 0


def test_a_hospital_that_keeps_failing_turns_stale_when_its_numbers_age(
    feed_server, client, django_capture_on_commit_callbacks
):
    """Freshness is the age of the last confirmed numbers: failures alone do not say "usang" about
    numbers confirmed minutes ago, but the numbers age and go stale, and the last ones stay."""
    hospital = feed_hospital(feed_server)
    with django_capture_on_commit_callbacks(execute=True):
        services.hospital_sync(hospital_id=hospital.pk)
    assert not selectors.board()[0]["stale"]
    feed_server.serve("/feed", b"", status=500)
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            services.hospital_sync(hospital_id=hospital.pk)
    row = selectors.board()[0]
    assert not row["stale"] and row["classes"][0]["available"] == 2
    later = timezone.now() + datetime.timedelta(minutes=hospital.stale_after_minutes + 1)
    row = selectors.board(now=later)[0]
    assert row["stale"] and row["classes"][0]["available"] == 2
    assert row["freshness"].startswith("belum diperbarui sejak")
    Hospital.objects.filter(pk=hospital.pk).update(beds_confirmed_at=timezone.now() - datetime.timedelta(hours=2))
    selectors.board_cache_invalidate()
    assert "Data usang" in client.get("/kesehatan/").content.decode()


def test_old_data_is_stale_after_the_hospital_threshold(hospital):
    later = timezone.now() + datetime.timedelta(minutes=hospital.stale_after_minutes + 1)
    assert not selectors.board()[0]["stale"]
    assert selectors.board(now=later)[0]["stale"]


def test_board_cache_is_invalidated_by_every_bed_change(hospital, client, django_capture_on_commit_callbacks):
    assert selectors.board()[0]["classes"][0]["available"] == 2
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        set_beds(hospital, {("VIP", ""): (6, 5)})
    assert callbacks
    assert selectors.board()[0]["classes"][0]["available"] == 5
    assert ">5<" in client.get("/kesehatan/?kelas=VIP").content.decode()


def test_sync_of_a_hospital_without_feed_is_an_error(hospital):
    run = services.hospital_sync(hospital_id=hospital.pk)
    assert run.status == "error" and "belum memiliki" in run.message


def test_late_acked_duplicate_is_skipped_after_a_successful_sync(feed_server):
    hospital = feed_hospital(feed_server)
    claimed = services.hospitals_claim_due()
    assert claimed == [(hospital.pk, claimed[0][1])]
    services.hospital_sync(hospital_id=hospital.pk, claimed_at=claimed[0][1])
    again = services.hospital_sync(hospital_id=hospital.pk, claimed_at=claimed[0][1])
    assert again.status == "skipped"
    assert SyncRun.objects.filter(hospital=hospital).count() == 1


def test_claim_due_dispatches_each_hospital_once_per_interval(feed_server):
    hospital = feed_hospital(feed_server)
    make_hospital("tanpa-feed")
    assert [h for h, _ in services.hospitals_claim_due()] == [hospital.pk]
    assert services.hospitals_claim_due() == []
    later = timezone.now() + datetime.timedelta(minutes=hospital.sync_interval_minutes + 1)
    assert [h for h, _ in services.hospitals_claim_due(now=later)] == [hospital.pk]


def test_unknown_class_codes_are_named_in_the_sync_log(feed_server):
    body = json.dumps({"fasyankes": [{"id_tt": "77", "ruang": "Ruang Kemo", "jumlah": 4, "terpakai": 1}]})
    hospital = feed_hospital(feed_server, body.encode(), fmt="sirs")
    run = services.hospital_sync(hospital_id=hospital.pk)
    assert "77" in run.message
    assert beds(hospital) == {("LAINNYA", "Ruang Kemo"): (4, 3)}


def test_sync_beds_command_uses_the_same_service(feed_server, capsys):
    hospital = feed_hospital(feed_server)
    call_command("sync_beds", "--hospital", hospital.slug)
    assert "rs-feed: ok" in capsys.readouterr().out
    assert SyncRun.objects.get(hospital=hospital).trigger == "command"
    feed_server.serve("/feed", b"", status=500)
    with pytest.raises(CommandError):
        call_command("sync_beds")
    with pytest.raises(CommandError):
        call_command("sync_beds", "--hospital", "tidak-ada")


def test_beat_registers_exactly_one_dispatch_entry():
    from blitar_portal.celery import app

    entries = [e for e in app.conf.beat_schedule.values() if e["task"] == "ehealth.dispatch_due_syncs"]
    assert len(entries) == 1


@pytest.mark.celery
def test_dispatch_task_fans_out_to_a_real_worker_and_applies(feed_server, celery_worker):
    from ehealth.tasks import dispatch_due_syncs

    hospital = feed_hospital(feed_server)
    dispatch_due_syncs.delay()
    import time

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not SyncRun.objects.filter(hospital=hospital, status="ok").exists():
        time.sleep(0.2)
    assert beds(hospital)[("ICU", "")] == (7, 1)
    assert Hospital.objects.get(pk=hospital.pk).next_sync_at is not None


def test_sync_task_retries_transient_faults_with_bounded_backoff(feed_server):
    from ehealth.tasks import MAX_SYNC_RETRIES, retry_countdown, sync_hospital

    hospital = feed_hospital(feed_server)
    feed_server.serve("/feed", b"", status=503)
    # Celery's local execution runs the retries at once (countdowns are ignored): bounded attempts.
    sync_hospital.apply(args=[hospital.pk])
    attempts = list(SyncRun.objects.filter(hospital=hospital).order_by("started_at").values_list("attempt", flat=True))
    assert attempts == list(range(1, MAX_SYNC_RETRIES + 2))
    assert [retry_countdown(n) for n in range(6)] == [15, 30, 60, 120, 240, 480]
    assert retry_countdown(10) == 600
    # A permanent fault (invalid numbers) is recorded once, not retried.
    SyncRun.objects.all().delete()
    feed_server.serve("/feed", b"kelas,ruang,kapasitas,terisi\nVIP,A,-1,0\n")
    sync_hospital.apply(args=[hospital.pk])
    assert SyncRun.objects.filter(hospital=hospital).count() == 1


def test_sitemap_lists_the_hospital_pages(client, hospital):
    body = client.get("/sitemap-rumah-sakit.xml").content.decode()
    assert "/kesehatan/rs/rsud-wlingi/" in body
