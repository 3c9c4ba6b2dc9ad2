"""Re-check reminders: when a check is due (tanam/schedule.py), the planter is told once per due check
with a link to the check form (through sign-in when needed); staff see overdue checks."""

import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from blitar_portal.notifications import services as notification_services
from blitar_portal.notifications.models import Notification
from tanam import schedule, services, tasks
from tests.factories import UserFactory
from tests.notifications.conftest import whatsapp_api  # noqa: F401 - the local WhatsApp Cloud API

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_quiet_hours(settings):
    settings.NOTIFICATIONS_QUIET_HOURS = "off"  # not urgent: would wait for the morning in a night-time run


def rows(planting):
    return Notification.objects.filter(
        source_model="tanam.planting", source_id=str(planting.pk), event="tanam_recheck_due"
    )


# --- When a check is due ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("planted", "last", "expected"),
    [
        (date(2025, 1, 15), None, date(2025, 4, 15)),  # never checked: 3 months
        (date(2025, 1, 31), None, date(2025, 4, 30)),  # the 31st: the month's last day
        (date(2025, 1, 15), date(2025, 4, 20), date(2025, 7, 15)),  # 3-month check done: 6 months
        (date(2025, 1, 15), date(2025, 6, 1), date(2026, 1, 15)),  # checked a little early: 12 months
        (date(2025, 1, 15), date(2026, 1, 10), date(2027, 1, 15)),  # then every year
        (date(2016, 3, 1), date(2016, 9, 1), date(2017, 3, 1)),
        (date(2016, 3, 1), None, date(2016, 6, 1)),  # long overdue stays due on its date
        (date(2020, 2, 29), date(2023, 1, 10), date(2024, 2, 29)),  # 2023-02-28 is < 60 days after the check
    ],
)
def test_the_schedule(planted, last, expected):
    assert schedule.next_check_on(planted_on=planted, last_checked_on=last) == expected


def test_a_dead_planting_has_no_next_check():
    assert schedule.next_check_on(planted_on=date(2025, 1, 1), last_checked_on=date(2025, 4, 1), dead=True) is None


def test_the_sql_schedule_equals_the_python_one():
    """The demo data and the migration use next_check_sql: the same dates for 300 random cases."""
    generator = random.Random(17)
    cases = []
    for _ in range(300):
        planted = date(2016, 1, 1) + timedelta(days=generator.randrange(0, 3800))
        last = None if generator.random() < 0.2 else planted + timedelta(days=generator.randrange(0, 3000))
        cases.append((planted, last))
    expression = schedule.next_check_sql("c.planted", "c.last", "false")
    with connection.cursor() as cursor:
        rows_of = "unnest(%s::date[], %s::date[]) WITH ORDINALITY AS c(planted, last, n)"
        sql = f"SELECT {expression} FROM {rows_of} ORDER BY n"  # noqa: S608 - constant text
        cursor.execute(sql, [[p for p, _ in cases], [last for _, last in cases]])
        in_sql = [row[0] for row in cursor.fetchall()]
    assert in_sql == [schedule.next_check_on(planted_on=p, last_checked_on=last) for p, last in cases]


def test_registering_and_checking_follow_the_schedule(make_planting, alice):
    planted = timezone.localdate() - timedelta(days=400)
    planting = make_planting(status="verified", planted_on=planted)
    services.observation_add(planting=planting, user=alice, condition="alive", observed_on=planted + timedelta(days=95))
    planting.refresh_from_db()
    assert planting.last_observed_on == planted + timedelta(days=95)
    assert planting.next_check_on == schedule.add_months(planted, 6)


# --- The reminder ----------------------------------------------------------------------------


def test_a_due_recheck_is_notified_once_on_whatsapp(make_planting, whatsapp_api):  # noqa: F811
    today = timezone.localdate()
    planter = UserFactory(username="penanam-wa", email="")
    notification_services.contact_record(user=planter, phone="0812-3456-7890", consents=["whatsapp"])
    due = make_planting(user=planter, status="verified", next_check_on=today - timedelta(days=2))
    make_planting(user=planter, status="verified", next_check_on=today + timedelta(days=5))  # not yet
    make_planting(user=planter, status="pending", next_check_on=today - timedelta(days=2))  # not public
    make_planting(user=planter, status="verified", next_check_on=today - timedelta(days=200))  # long overdue

    tasks.recheck_reminders()  # the periodic task, twice: one message
    tasks.recheck_reminders()
    (row,) = rows(due)
    assert row.channel == "whatsapp" and Notification.objects.count() == 1
    assert notification_services.notification_send(notification_id=row.pk) == "sent"
    (call,) = whatsapp_api.requests
    template = call.json["template"]
    assert template["name"] == "tanam_recheck_due"
    params = [p["text"] for p in template["components"][0]["parameters"]]
    assert params[-1].endswith(f"/tanam/penanaman/{due.pk}/periksa/")
    assert services.plantings_recheck_notify(today=today) == 0


def test_a_new_check_moves_the_due_date_and_the_next_one_is_told_again(make_planting, alice):
    today = timezone.localdate()
    planter = UserFactory(username="penanam-email", email="penanam@contoh.id")
    planting = make_planting(user=planter, status="verified", planted_on=today - timedelta(days=95))
    planting.next_check_on = schedule.next_check_on(planted_on=planting.planted_on, last_checked_on=None)
    planting.save()
    assert services.plantings_recheck_notify(today=today) == 1
    services.observation_add(planting=planting, user=planter, condition="alive", observed_on=today)
    planting.refresh_from_db()
    assert planting.next_check_on == schedule.add_months(planting.planted_on, 6)
    assert services.plantings_recheck_notify(today=today) == 0
    later = planting.next_check_on + timedelta(days=1)
    assert services.plantings_recheck_notify(today=later) == 1
    assert rows(planting).count() == 2  # one per due check, by e-mail
    assert "cek ulang" in rows(planting).first().text


def test_the_periodic_task_is_registered():
    """(Its queue, "notifications": tests/portal/test_celery_queues.py.)"""
    from blitar_portal.celery import app

    entries = [entry for entry in app.conf.beat_schedule.values() if entry["task"] == "tanam.recheck_reminders"]
    assert len(entries) == 1 and "tanam.recheck_reminders" in app.tasks


# --- The link: the check form, through sign-in -------------------------------------------------


def test_the_link_opens_the_check_form_after_sign_in(client, make_planting, password):
    planter = UserFactory(username="penanam-link")
    planting = make_planting(user=planter, status="verified")
    url = reverse("tanam:check", args=[planting.pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == f"{reverse('login')}?next={url}"
    response = client.post(f"{reverse('login')}?next={url}", {"username": "penanam-link", "password": password})
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url)
    assert page.status_code == 200 and "Simpan pemantauan" in page.content.decode()
    assert page.context["form"]["observed_on"].value() == timezone.localdate()
    assert f'value="{timezone.localdate().isoformat()}"' in page.content.decode()  # a date input needs ISO
    response = client.post(url, {"observed_on": timezone.localdate().isoformat(), "condition": "alive"})
    assert response.status_code == 302 and response["Location"] == reverse("tanam:detail", args=[planting.pk])
    planting.refresh_from_db()
    assert planting.condition == "alive" and planting.last_observed_on == timezone.localdate()


def test_someone_elses_check_form_is_404(client, make_planting, charlie):
    planting = make_planting(status="verified")
    client.force_login(charlie)
    assert client.get(reverse("tanam:check", args=[planting.pk])).status_code == 404
    assert client.post(reverse("tanam:check", args=[planting.pk]), {"condition": "dead"}).status_code == 404
    assert not planting.observations.exists()


def test_bad_check_input_is_refused_with_a_message_and_nothing_saved(client, make_planting, bob):
    planting = make_planting(user=bob, status="verified")
    client.force_login(bob)
    url = reverse("tanam:check", args=[planting.pk])
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    for data, message in (
        ({"observed_on": future, "condition": "alive"}, "tidak boleh di masa depan"),
        ({"observed_on": "kemarin", "condition": "alive"}, "Tanggal tidak sah"),
        ({"observed_on": timezone.localdate().isoformat(), "condition": "<b>hidup</b>"}, "Kondisi tidak dikenal"),
        ({"observed_on": timezone.localdate().isoformat(), "condition": "alive", "height_m": "999"}, "80 m"),
    ):
        response = client.post(url, data)
        assert response.status_code == 200 and message in response.content.decode()
    assert not planting.observations.exists()


# --- Staff: overdue checks per kecamatan and community ---------------------------------------


def test_overdue_checks_per_kecamatan_and_community_equal_a_hand_count(make_planting):
    from tanam.dashboard import rechecks_overdue
    from tanam.models import Community

    today = timezone.localdate()
    community = Community.objects.create(name="Komunitas Terlambat", slug="komunitas-terlambat")
    make_planting(status="verified", community=community, tree_count=3, next_check_on=today - timedelta(days=1))
    make_planting(status="verified", community=community, tree_count=4, next_check_on=today - timedelta(days=120))
    make_planting(status="verified", tree_count=5, next_check_on=today - timedelta(days=10))
    make_planting(status="verified", community=community, tree_count=9, next_check_on=today)  # due today: not late
    make_planting(status="pending", community=community, tree_count=8, next_check_on=today - timedelta(days=9))
    make_planting(status="verified", tree_count=6, next_check_on=None)  # found dead: no more checks
    rows_ = {r["community_id"]: r for r in rechecks_overdue(today=today)}
    assert (rows_[community.pk]["plantings"], rows_[community.pk]["trees"], rows_[community.pk]["over_90"]) == (2, 7, 1)
    assert (rows_[None]["plantings"], rows_[None]["trees"], rows_[None]["over_90"]) == (1, 5, 0)
