"""ehealth/demo.py: idempotent seed, clerks, and demo feeds in all four formats that the parsers accept."""

import io

import pytest
from django.contrib.auth import get_user_model

from ehealth import demo, services
from ehealth.feeds import parse_feed
from ehealth.models import BedClass, Hospital, HospitalMembership, Service

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_creates_real_names_feeds_and_clerks():
    out = io.StringIO()
    demo.seed(scale=1, stdout=out)
    counts = (Hospital.objects.count(), BedClass.objects.count(), Service.objects.count())
    demo.seed(scale=1, stdout=out)
    assert (Hospital.objects.count(), BedClass.objects.count(), Service.objects.count()) == counts
    names = set(Hospital.objects.values_list("name", flat=True))
    assert {"RSUD Ngudi Waluyo Wlingi", "RSUD Srengat"} <= names
    assert set(Hospital.objects.exclude(feed_format="").values_list("feed_format", flat=True)) == {
        "fhir",
        "aplicares",
        "sirs",
        "csv",
    }
    assert Hospital.objects.filter(feed_url="").exists()  # some are updated by hand
    clerk = get_user_model().objects.get(username="petugas-wlingi")
    assert clerk.check_password("blitar-demo-2026") and clerk.is_staff
    assert HospitalMembership.objects.get(user=clerk).hospital.slug == "rsud-ngudi-waluyo-wlingi"
    assert "petugas-wlingi" in out.getvalue()


def test_demo_feed_is_hidden_unless_debug_or_demo_feeds(client, settings):
    demo.seed(scale=1, stdout=io.StringIO())
    settings.DEBUG = False
    assert client.get("/kesehatan/demo-feed/rsud-srengat/").status_code == 404
    settings.DEMO_FEEDS = True
    assert client.get("/kesehatan/demo-feed/rsud-srengat/").status_code == 200


@pytest.mark.parametrize(
    "slug", ["rsud-ngudi-waluyo-wlingi", "rsud-srengat", "rs-medika-utama-kesamben", "rs-islam-garum"]
)
def test_every_demo_feed_parses_to_the_hospitals_classes(client, settings, slug):
    demo.seed(scale=1, stdout=io.StringIO())
    settings.DEMO_FEEDS = True
    hospital = Hospital.objects.get(slug=slug)
    body = client.get(f"/kesehatan/demo-feed/{slug}/").content
    result = parse_feed(hospital.feed_format, body)
    capacities = {(b.code, ""): b.capacity for b in hospital.bed_classes.all()}
    assert {key: cap for key, (cap, _avail) in result.classes.items()} == capacities
    assert all(avail <= cap for cap, avail in result.classes.values())


def test_demo_numbers_drift_over_time(settings):
    import datetime

    from django.utils import timezone

    demo.seed(scale=1, stdout=io.StringIO())
    hospital = Hospital.objects.get(slug="rsud-srengat")
    now = timezone.now()
    bodies = {demo.feed_body(hospital, now=now + datetime.timedelta(minutes=3 * n))[0] for n in range(6)}
    assert len(bodies) > 1


def test_demo_feed_applies_through_the_sync_service(client, settings, live_server):
    demo.seed(scale=1, stdout=io.StringIO())
    settings.DEMO_FEEDS = True
    hospital = Hospital.objects.get(slug="rs-islam-garum")
    Hospital.objects.filter(pk=hospital.pk).update(feed_url=f"{live_server.url}/kesehatan/demo-feed/rs-islam-garum/")
    run = services.hospital_sync(hospital_id=hospital.pk)
    assert run.status == "ok", run.message


def test_demo_csv_feed_writes_a_formula_like_room_name_as_text(db):
    import csv as csv_module

    from django.utils import timezone

    from .conftest import make_hospital, set_beds

    hospital = make_hospital("rs-rumus", feed_format="csv")
    set_beds(hospital, {("VIP", ""): (4, 1)})
    hospital.bed_classes.update(room_name='=HYPERLINK("http://x")')  # a name typed in the admin
    body, content_type = demo.feed_body(hospital, now=timezone.now())
    rows = list(csv_module.reader(io.StringIO(body)))
    assert content_type.startswith("text/csv")
    assert ["VIP", '\'=HYPERLINK("http://x")'] in [row[:2] for row in rows]
