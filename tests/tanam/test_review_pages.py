"""Diskominfo's review pages for plantings (/dasbor/verifikasi/penanaman/): who may open them, the queue,
one item's page (photo, map, duplicates within 10 m, history), decisions and their bad input, bulk
verification with a preview, constant queries per queue page, and no delete anywhere."""

import re

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blitar_portal.notifications.models import Notification
from tanam.models import Planting
from tests.factories import UserFactory

QUEUE = "/dasbor/verifikasi/penanaman/"


def item_url(planting):
    return f"{QUEUE}{planting.pk}/"


@pytest.fixture
def staff(client, alice):
    client.force_login(alice)
    return client


def no_delete(html):
    """No delete is offered: no button, link or form says it. Script blocks and data-* attributes are
    data for JavaScript (the map controls' words, {% map_locale %}), not something offered on the page."""
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", html, flags=re.DOTALL | re.IGNORECASE)
    html = re.sub(r'\sdata-[\w-]+="[^"]*"', "", html)
    return not re.search(r"hapus|delete", html, re.IGNORECASE)


@pytest.mark.parametrize("path", ["", "penanaman/", "penanaman/{pk}/"])
def test_anonymous_goes_to_login_and_others_get_403(client, bob, make_planting, path):
    url = "/dasbor/verifikasi/" + path.format(pk=make_planting().pk)
    assert client.get(url)["Location"].startswith("/akun/masuk/?next=")
    client.force_login(bob)
    assert client.get(url).status_code == 403


def test_a_planter_cannot_decide_even_their_own_planting(client, bob, make_planting):
    planting = make_planting(user=bob)
    client.force_login(bob)
    assert client.post(item_url(planting), {"keputusan": "verifikasi"}).status_code == 403
    planting.refresh_from_db()
    assert planting.status == Planting.Status.PENDING


def test_unknown_kind_and_unknown_id_are_404(staff, db):
    assert staff.get("/dasbor/verifikasi/pohon/").status_code == 404
    assert staff.get(f"{QUEUE}999999/").status_code == 404
    assert staff.post(f"{QUEUE}999999/", {"keputusan": "verifikasi"}).status_code == 404


def test_queue_lists_pending_plantings_oldest_first_without_delete(staff, make_planting):
    first, second = make_planting(notes="a"), make_planting(notes="b")
    make_planting(status="verified")
    html = staff.get(QUEUE).content.decode()
    assert html.index(f"#{first.pk} ") < html.index(f"#{second.pk} ")
    assert "2 item menunggu" in html and no_delete(html)


def test_queue_page_queries_are_constant(staff, make_planting):
    make_planting()
    staff.get(QUEUE)
    with CaptureQueriesContext(connection) as few:
        staff.get(QUEUE)
    for _ in range(12):
        make_planting()
    with CaptureQueriesContext(connection) as many:
        staff.get(QUEUE)
    assert len(many) == len(few)


def test_item_page_shows_map_shortcuts_nearby_duplicates_and_no_delete(staff, make_planting, desa):
    here = desa.geom.point_on_surface
    planting = make_planting(point=here)
    near = make_planting(point=Point(here.x + 0.00005, here.y, srid=4326))  # ~5.5 m east
    far = make_planting(point=Point(here.x + 0.0002, here.y, srid=4326))  # ~22 m east
    response = staff.get(item_url(planting))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-leaflet-map data-name="review-map"' in html and 'id="review-nearby"' in html
    duplicates = html.split('data-testid="review-duplicates"')[1].split("</ul>")[0]
    assert f"#{near.pk} " in duplicates and f"#{far.pk} " not in duplicates
    assert 'aria-keyshortcuts="v"' in html and 'aria-keyshortcuts="t"' in html and 'aria-keyshortcuts="n j"' in html
    assert no_delete(html)


def test_verify_notifies_and_goes_to_the_next_item(staff, make_planting, alice):
    first, second = make_planting(), make_planting()
    response = staff.post(item_url(first), {"keputusan": "verifikasi"})
    assert response.status_code == 302 and response["Location"] == item_url(second)
    first.refresh_from_db()
    assert first.status == Planting.Status.VERIFIED and first.verified_by == alice
    assert Notification.objects.filter(event="tanam_planting_verified", source_id=str(first.pk)).exists()


def test_the_last_decision_returns_to_the_empty_queue(staff, make_planting):
    planting = make_planting()
    response = staff.post(item_url(planting), {"keputusan": "verifikasi"}, follow=True)
    assert response.redirect_chain[-1][0] == QUEUE
    assert "Antrean kosong" in response.content.decode()


def test_reject_needs_a_template_reason_and_sends_it(staff, make_planting):
    planting = make_planting()
    response = staff.post(item_url(planting), {"keputusan": "tolak", "alasan": "", "catatan": "x"})
    assert response.status_code == 400 and "Pilih alasan penolakan" in response.content.decode()
    response = staff.post(item_url(planting), {"keputusan": "tolak", "alasan": "karangan"})
    assert response.status_code == 400 and "Pilih salah satu alasan" in response.content.decode()
    planting.refresh_from_db()
    assert planting.status == Planting.Status.PENDING
    staff.post(item_url(planting), {"keputusan": "tolak", "alasan": "foto", "catatan": "Foto terlalu gelap"})
    planting.refresh_from_db()
    assert planting.status == Planting.Status.REJECTED
    assert planting.rejection_reason == "Foto tidak menunjukkan pohon yang ditanam. Foto terlalu gelap"
    (row,) = Notification.objects.filter(event="tanam_planting_rejected", source_id=str(planting.pk))
    assert "Foto terlalu gelap" in row.text


def test_an_already_decided_item_changes_nothing(staff, make_planting):
    planting = make_planting(status="verified")
    response = staff.post(item_url(planting), {"keputusan": "tolak", "alasan": "foto"})
    assert response.status_code == 400 and "sudah diputuskan" in response.content.decode()
    planting.refresh_from_db()
    assert planting.status == Planting.Status.VERIFIED
    assert not Notification.objects.filter(source_id=str(planting.pk)).exists()
    html = staff.get(item_url(planting)).content.decode()
    assert 'data-testid="review-decided"' in html and 'aria-keyshortcuts="v"' not in html


def test_unknown_decision_is_refused(staff, make_planting):
    planting = make_planting()
    response = staff.post(item_url(planting), {"keputusan": "hapus"})
    assert response.status_code == 400 and "Keputusan tidak dikenal" in response.content.decode()


def test_bulk_verify_previews_then_applies_each_item(staff, make_planting):
    one, two = make_planting(), make_planting()
    decided = make_planting(status="rejected")
    response = staff.post(f"{QUEUE}massal/", {"pilih": [one.pk, two.pk, decided.pk]})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="bulk-preview"' in html
    assert "1 item yang dipilih sudah diputuskan" in html and no_delete(html)
    one.refresh_from_db()
    assert one.status == Planting.Status.PENDING  # the preview changes nothing
    response = staff.post(f"{QUEUE}massal/", {"pilih": [one.pk, two.pk, decided.pk], "konfirmasi": "on"}, follow=True)
    assert "2 item diverifikasi" in response.content.decode()
    assert set(Planting.objects.filter(status="verified").values_list("pk", flat=True)) == {one.pk, two.pk}
    decided.refresh_from_db()
    assert decided.status == Planting.Status.REJECTED


@pytest.mark.parametrize("ids", [[], ["abc"], ["0"], [str(n) for n in range(1, 102)]])
def test_bulk_bad_input_is_a_message_not_an_error(staff, make_planting, ids):
    planting = make_planting()
    response = staff.post(f"{QUEUE}massal/", {"pilih": ids, "konfirmasi": "on"}, follow=True)
    assert response.status_code == 200 and 'class="message message-error"' in response.content.decode()
    planting.refresh_from_db()
    assert planting.status == Planting.Status.PENDING


def test_dashboard_links_to_the_queues_with_counts(staff, make_planting):
    make_planting()
    make_planting()
    html = staff.get("/dasbor/").content.decode()
    assert f'href="{QUEUE}"' in html and "Penanaman: <strong>2</strong>" in html
    html = staff.get("/dasbor/verifikasi/").content.decode()
    assert "2 menunggu" in html


def test_another_planter_is_not_shown_the_staff_page_of_their_planting(client, make_planting):
    owner = UserFactory()
    planting = make_planting(user=owner)
    client.force_login(owner)
    assert client.get(item_url(planting)).status_code == 403
