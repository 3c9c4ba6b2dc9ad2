"""Chromium (issue 17): Diskominfo verifies a queue of 5 plantings with the keyboard and rejects one
with a template reason; each planter's WhatsApp message reaches the local Cloud API server (sent by
the real Celery worker); no delete is offered anywhere on the way."""

import re
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from blitar_portal.accounts.roles import DISKOMINFO
from blitar_portal.notifications import services as notification_services
from tests.factories import UserFactory
from tests.notifications.servers.whatsapp import FakeCloudAPI

pytestmark = [pytest.mark.browser, pytest.mark.celery]

DELETE = re.compile(r"hapus|delete", re.IGNORECASE)


@pytest.fixture
def cloud_api(settings):
    server = FakeCloudAPI()
    settings.WHATSAPP_API_BASE = server.base
    settings.WHATSAPP_API_VERSION = server.version
    settings.WHATSAPP_PHONE_NUMBER_ID = server.phone_number_id
    settings.WHATSAPP_ACCESS_TOKEN = server.token
    settings.WHATSAPP_TIMEOUT = 5
    settings.NOTIFICATIONS_QUIET_HOURS = "off"  # these events are not urgent; the test runs at any hour
    yield server
    server.close()


@pytest.fixture
def queue_of_five(transactional_db):
    """Five pending plantings, each by its own planter who agreed to WhatsApp messages."""
    from blitar_portal.regions.models import Desa, Kecamatan
    from tanam import services as tanam_services
    from tanam.models import Planting, Species

    if not Kecamatan.objects.exists():
        call_command("load_regions", verbosity=0)
    tanam_services.species_load_csv()
    desa = Desa.objects.select_related("kecamatan").order_by("code").first()
    here = desa.geom.point_on_surface
    plantings = []
    for n in range(5):
        planter = UserFactory(username=f"penanam{n}", first_name=f"Penanam {n}", email="")
        notification_services.contact_record(user=planter, phone=f"0812-3456-700{n}", consents=["whatsapp"])
        plantings.append(
            Planting.objects.create(
                user=planter,
                point=here,
                kecamatan=desa.kecamatan,
                desa=desa,
                species=Species.objects.get(slug="mahoni"),
                tree_count=n + 1,
                planted_on=timezone.localdate() - timedelta(days=3),
            )
        )
    return plantings


def _assert_no_delete(page):
    assert page.get_by_role("button", name=DELETE).count() == 0, page.url
    assert page.get_by_role("link", name=DELETE).count() == 0, page.url


def test_diskominfo_verifies_five_plantings_with_the_keyboard_and_rejects_one(
    page, login, password, queue_of_five, cloud_api, celery_worker
):
    from tanam.models import Planting

    page.set_viewport_size({"width": 1280, "height": 900})
    login(UserFactory(username="alice", first_name="Alice Diskominfo", groups=[DISKOMINFO], is_staff=True))
    page.goto("/dasbor/")
    _assert_no_delete(page)
    page.get_by_role("link", name=re.compile(r"Penanaman: 5")).click()
    page.wait_for_load_state()
    _assert_no_delete(page)
    page.get_by_test_id("review-start").click()
    page.wait_for_load_state()

    rejected = queue_of_five[2]
    for planting in queue_of_five:
        assert page.url.endswith(f"/dasbor/verifikasi/penanaman/{planting.pk}/")
        assert page.get_by_role("heading", level=1).inner_text().startswith("Mahoni")
        _assert_no_delete(page)
        if planting == rejected:
            page.keyboard.press("t")  # focuses the reason templates
            assert page.evaluate("() => document.activeElement.id") == "id_alasan"
            page.keyboard.press("ArrowDown")  # the first template
            assert page.locator("#id_alasan").input_value() == "foto"
            page.keyboard.press("Tab")
            page.keyboard.type("via tanah kosong")  # "v" typed into the note must not verify
            assert page.url.endswith(f"/{planting.pk}/")
            page.keyboard.press("Tab")  # the Tolak button
            with page.expect_navigation():
                page.keyboard.press("Enter")
        else:
            with page.expect_navigation():
                page.keyboard.press("v")
    page.wait_for_load_state()
    assert page.url.endswith("/dasbor/verifikasi/penanaman/")
    assert "Antrean kosong" in page.content()
    _assert_no_delete(page)

    statuses = dict(Planting.objects.values_list("pk", "status"))
    assert statuses == {p.pk: ("rejected" if p == rejected else "verified") for p in queue_of_five}

    deadline = time.monotonic() + 30
    while len(cloud_api.requests) < 5 and time.monotonic() < deadline:
        time.sleep(0.2)
    sent = {call.json["to"]: call.json["template"] for call in cloud_api.requests}
    assert set(sent) == {f"628123456700{n}" for n in range(5)}
    assert sent["6281234567002"]["name"] == "tanam_planting_rejected"
    reason = sent["6281234567002"]["components"][0]["parameters"][1]["text"]
    assert reason == "Foto tidak menunjukkan pohon yang ditanam. via tanah kosong"
    assert [t["name"] for to, t in sorted(sent.items()) if to != "6281234567002"] == ["tanam_planting_verified"] * 4


def test_next_and_previous_keys_move_through_the_queue(page, login, queue_of_five):
    login(UserFactory(username="alice", groups=[DISKOMINFO], is_staff=True))
    first, second = queue_of_five[:2]
    page.goto(f"/dasbor/verifikasi/penanaman/{first.pk}/")
    with page.expect_navigation():
        page.keyboard.press("j")
    assert page.url.endswith(f"/{second.pk}/")
    with page.expect_navigation():
        page.keyboard.press("k")
    assert page.url.endswith(f"/{first.pk}/")
    with page.expect_navigation():
        page.keyboard.press("n")
    assert page.url.endswith(f"/{second.pk}/")
