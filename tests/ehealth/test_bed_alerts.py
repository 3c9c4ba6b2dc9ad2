""" "Kabari saya": a citizen is told once when a bed of their class becomes free in their area
(0 -> more), whatever the source, through the outbox to the local WhatsApp Cloud API server."""

import datetime

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils import timezone

from blitar_portal.notifications import services as notification_services
from blitar_portal.notifications.models import Contact, Notification
from blitar_portal.regions.models import Kecamatan
from ehealth import services
from ehealth.models import BedAlert, Hospital
from tests.ehealth.conftest import make_hospital, set_beds

pytestmark = pytest.mark.django_db

# Three days ago: every step of a test (up to 49 hours later) is already due when the outbox sends.
T0 = timezone.now().replace(microsecond=0) - datetime.timedelta(days=3)


@pytest.fixture(autouse=True)
def _any_hour(settings):
    settings.NOTIFICATIONS_QUIET_HOURS = "off"  # the event is urgent anyway; the tests run at any hour
    settings.BED_ALERT_DEBOUNCE_MINUTES = 30
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "bed-alert": "10000/m"}


def send_all():
    for pk in Notification.objects.filter(state="pending").order_by("pk").values_list("pk", flat=True):
        notification_services.notification_send(notification_id=pk)


def told(api, event="ehealth_bed_free"):
    return [c.json for c in api.requests if c.json.get("template", {}).get("name") == event]


def params(message):
    return [p["text"] for p in message["template"]["components"][0]["parameters"]]


def alert(*, bed_class="ICU", phone="081234567801", kecamatan=("wlingi",), center=None, radius_km=None, now=T0):
    return services.bed_alert_create(
        bed_class=bed_class,
        phone=phone,
        consents=["whatsapp"],
        center=center,
        radius_km=radius_km,
        kecamatans=Kecamatan.objects.filter(slug__in=kecamatan) if center is None else [],
        area_label="uji",
        now=now,
    )


def icu(hospital, available, *, at, capacity=7, user=None):
    return set_beds(hospital, {("ICU", ""): (capacity, available)}, now=at, user=user)


@pytest.fixture
def full_icu(hospital):
    """RSUD Wlingi (tests/ehealth/conftest.py) with its ICU full: VIP 2, Kelas 3 3, ICU 0 free."""
    set_beds(hospital, {("ICU", ""): (7, 0)}, now=T0 - datetime.timedelta(hours=1))
    hospital.refresh_from_db()
    return hospital


def test_zero_to_two_icu_beds_notifies_once_and_two_to_three_does_not_again(whatsapp_api, full_icu, clerk):
    alert(now=timezone.now())
    services.hospital_beds_update_by_staff(  # the clerk's work page: ICU 0 -> 2
        hospital=full_icu, user=clerk, counts=[("ICU", "", 7, 2), ("KELAS_3", "", 12, 3)]
    )
    send_all()
    (message,) = told(whatsapp_api)
    assert message["to"] == "6281234567801"
    number, bed_class, hospital, url, hours, renew, cancel = params(message)
    assert (number, bed_class, hospital, hours) == ("2", "ICU", "RSUD Ngudi Waluyo Wlingi", "24")
    assert url.endswith("/kesehatan/rs/rsud-wlingi/")
    token = BedAlert.objects.get().token
    assert renew.endswith(f"/kesehatan/kabari/{token}/perpanjang/") and cancel.endswith(
        f"/kesehatan/kabari/{token}/batal/"
    )

    services.hospital_beds_update_by_staff(hospital=full_icu, user=clerk, counts=[("ICU", "", 7, 3)])  # 2 -> 3
    set_beds(full_icu, {("ICU", ""): (7, 3)})  # the same numbers again
    send_all()
    assert len(told(whatsapp_api)) == 1
    assert Notification.objects.filter(event="ehealth_bed_free").count() == 1


def test_a_feed_sync_notifies_too(whatsapp_api, full_icu, feed_server):
    alert(now=timezone.now())
    url = feed_server.serve("/beds.csv", "kelas,ruang,kapasitas,terisi\nICU,ICU,7,6\nKELAS_3,Melati,12,9\n")
    Hospital.objects.filter(pk=full_icu.pk).update(feed_url=url, feed_format="csv")
    services.hospital_sync(hospital_id=full_icu.pk, trigger="test")
    send_all()
    (message,) = told(whatsapp_api)
    assert params(message)[:3] == ["1", "ICU", "RSUD Ngudi Waluyo Wlingi"]


def test_another_class_becoming_free_is_no_news_for_an_icu_alert(whatsapp_api, full_icu):
    alert()
    set_beds(full_icu, {("KELAS_3", ""): (12, 0)}, now=T0)
    set_beds(full_icu, {("KELAS_3", ""): (12, 5)}, now=T0 + datetime.timedelta(minutes=1))
    send_all()
    assert told(whatsapp_api) == []


def test_any_class_is_told_when_the_hospitals_total_goes_from_zero(whatsapp_api, full_icu):
    alert(bed_class="")
    set_beds(full_icu, {("KELAS_3", ""): (12, 0), ("VIP", ""): (6, 0)}, now=T0)  # now nothing free at all
    set_beds(full_icu, {("KELAS_3", ""): (12, 4)}, now=T0 + datetime.timedelta(minutes=1))
    send_all()
    (message,) = told(whatsapp_api)
    assert params(message)[:2] == ["4", "semua kelas"]


def test_flapping_within_the_debounce_window_is_told_once_then_again_after_it(whatsapp_api, full_icu):
    alert()
    minutes = [1, 2, 3, 4, 5]  # 0 -> 1 -> 0 -> 1 -> 0 -> 1 within five minutes
    for n, minute in enumerate(minutes):
        icu(full_icu, 1 if n % 2 == 0 else 0, at=T0 + datetime.timedelta(minutes=minute))
    send_all()
    assert len(told(whatsapp_api)) == 1
    icu(full_icu, 0, at=T0 + datetime.timedelta(minutes=20))
    icu(full_icu, 1, at=T0 + datetime.timedelta(minutes=29))  # still inside the 30 minutes from the first
    send_all()
    assert len(told(whatsapp_api)) == 1
    icu(full_icu, 0, at=T0 + datetime.timedelta(minutes=40))
    icu(full_icu, 2, at=T0 + datetime.timedelta(minutes=45))  # past the window: real news again
    send_all()
    assert [params(m)[0] for m in told(whatsapp_api)] == ["1", "2"]


def test_an_alert_expires_after_24_hours_unless_renewed(whatsapp_api, full_icu):
    made = alert(now=T0)
    assert made.expires_at == T0 + datetime.timedelta(hours=24)
    icu(full_icu, 1, at=T0 + datetime.timedelta(hours=25))  # expired: nobody is told
    send_all()
    assert told(whatsapp_api) == []
    services.bed_alert_renew(alert=made, now=T0 + datetime.timedelta(hours=25))
    assert BedAlert.objects.get().expires_at == T0 + datetime.timedelta(hours=49)
    icu(full_icu, 0, at=T0 + datetime.timedelta(hours=26))
    icu(full_icu, 3, at=T0 + datetime.timedelta(hours=27))
    send_all()
    assert [params(m)[0] for m in told(whatsapp_api)] == ["3"]


def test_a_cancelled_alert_is_not_told_and_cannot_be_renewed(whatsapp_api, full_icu):
    made = alert()
    services.bed_alert_cancel(alert=made, now=T0 + datetime.timedelta(minutes=1))
    icu(full_icu, 2, at=T0 + datetime.timedelta(minutes=2))
    send_all()
    assert told(whatsapp_api) == []
    with pytest.raises(ValidationError):
        services.bed_alert_renew(alert=made)


def test_kecamatan_matching(whatsapp_api, full_icu):
    srengat = make_hospital("rsud-srengat", "RSUD Srengat", kecamatan_slug="srengat")
    set_beds(srengat, {("ICU", ""): (4, 0)}, now=T0 - datetime.timedelta(hours=1))
    alert(phone="081234567801", kecamatan=("srengat",))
    alert(phone="081234567802", kecamatan=("wlingi", "srengat"))
    icu(full_icu, 1, at=T0 + datetime.timedelta(minutes=1))  # Wlingi: only the second
    set_beds(srengat, {("ICU", ""): (4, 2)}, now=T0 + datetime.timedelta(minutes=2))  # Srengat: both
    send_all()
    got = sorted((m["to"], params(m)[2]) for m in told(whatsapp_api))
    assert got == [
        ("6281234567801", "RSUD Srengat"),
        ("6281234567802", "RSUD Ngudi Waluyo Wlingi"),
        ("6281234567802", "RSUD Srengat"),
    ]


def test_radius_matching(whatsapp_api, db):
    here = Point(112.30, -8.10, srid=4326)
    near = make_hospital("rs-dekat", "RS Dekat", location=Point(112.30, -8.127, srid=4326))  # 3.0 km south
    far = make_hospital("rs-jauh", "RS Jauh", location=Point(112.30, -8.20, srid=4326))  # 11.1 km south
    for hospital in (near, far):
        set_beds(hospital, {("ICU", ""): (5, 0)}, now=T0 - datetime.timedelta(hours=1))
    alert(phone="081234567801", center=here, radius_km=5)
    alert(phone="081234567802", center=here, radius_km=15)
    for hospital in (near, far):
        icu(hospital, 1, at=T0 + datetime.timedelta(minutes=1), capacity=5)
    send_all()
    got = sorted((m["to"], params(m)[2]) for m in told(whatsapp_api))
    assert got == [("6281234567801", "RS Dekat"), ("6281234567802", "RS Dekat"), ("6281234567802", "RS Jauh")]


def test_a_hidden_hospital_tells_nobody(whatsapp_api, full_icu):
    alert()
    Hospital.objects.filter(pk=full_icu.pk).update(is_active=False)
    full_icu.refresh_from_db()
    icu(full_icu, 2, at=T0 + datetime.timedelta(minutes=1))
    send_all()
    assert told(whatsapp_api) == []


def test_ended_alerts_and_their_anonymous_contact_are_deleted_by_retention(settings, db, bob):
    from blitar_portal.core.services import retention_apply

    settings.BED_ALERT_RETENTION_DAYS = 7
    now = timezone.now()
    old = alert(now=now - datetime.timedelta(days=9))  # expired 8 days ago
    cancelled = alert(phone="081234567802", now=now - datetime.timedelta(days=3))
    services.bed_alert_cancel(alert=cancelled, now=now - datetime.timedelta(days=3))  # 3 days: kept
    active = alert(phone="081234567803", now=now)
    signed_in = services.bed_alert_create(
        bed_class="ICU",
        user=bob,
        consents=["push"],
        kecamatans=Kecamatan.objects.filter(slug="wlingi"),
        now=now - datetime.timedelta(days=10),
    )
    result = retention_apply(now=now)
    assert result["bed_alerts"] == 2
    assert set(BedAlert.objects.values_list("pk", flat=True)) == {cancelled.pk, active.pk}
    assert not Contact.objects.filter(pk=old.contact_id).exists()  # the anonymous number goes with it
    assert Contact.objects.filter(pk=signed_in.contact_id).exists()  # an account's contact stays


# --- The pages ---------------------------------------------------------------------------------


def form_data(**overrides):
    wlingi = Kecamatan.objects.get(slug="wlingi")
    data = {
        "kelas": "ICU",
        "wilayah": "kecamatan",
        "kecamatan": [str(wlingi.pk)],
        "radius_km": "10",
        "titik": "lokasi",
        "phone": "0812 3456 7801",
        "whatsapp": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_board_and_the_hospital_page_offer_kabari_saya(client, full_icu):
    assert "/kesehatan/kabari/" in client.get("/kesehatan/").content.decode()
    page = client.get("/kesehatan/rs/rsud-wlingi/").content.decode()
    assert "/kesehatan/kabari/?rs=rsud-wlingi" in page
    start = client.get("/kesehatan/kabari/?rs=rsud-wlingi&kelas=ICU")
    assert start.status_code == 200
    assert 'value="ICU" selected' in start.content.decode().replace("\n", " ")


def test_an_anonymous_citizen_subscribes_renews_and_cancels(client, full_icu):
    response = client.post("/kesehatan/kabari/", form_data())
    made = BedAlert.objects.get()
    assert response.status_code == 302 and response.url == f"/kesehatan/kabari/{made.token}/"
    assert made.bed_class == "ICU" and list(made.kecamatans.values_list("slug", flat=True)) == ["wlingi"]
    assert made.contact.phone == "+6281234567801" and made.contact.whatsapp_consent_at is not None
    assert made.contact.user is None
    page = client.get(response.url).content.decode()
    assert "Aktif" in page and "Perpanjang 24 jam" in page
    # The links in a message open the page; only its buttons change anything.
    before = made.expires_at
    assert client.get(f"/kesehatan/kabari/{made.token}/perpanjang/").status_code == 200
    assert client.get(f"/kesehatan/kabari/{made.token}/batal/").status_code == 200
    made.refresh_from_db()
    assert made.expires_at == before and made.cancelled_at is None
    client.post(f"/kesehatan/kabari/{made.token}/perpanjang/", {"aksi": "perpanjang"})
    made.refresh_from_db()
    assert made.expires_at > before
    client.post(f"/kesehatan/kabari/{made.token}/batal/", {"aksi": "batal"})
    made.refresh_from_db()
    assert made.cancelled_at is not None
    assert "Dibatalkan" in client.get(f"/kesehatan/kabari/{made.token}/").content.decode()
    assert client.get("/kesehatan/kabari/tidak-ada/").status_code == 404


def test_a_radius_around_a_chosen_desa(client, full_icu):
    from blitar_portal.regions.models import Desa

    desa = Desa.objects.filter(kecamatan__slug="wlingi").order_by("code").first()
    response = client.post(
        "/kesehatan/kabari/",
        form_data(wilayah="radius", kecamatan=None, titik="desa", titik_desa=str(desa.pk), radius_km="7"),
    )
    assert response.status_code == 302
    made = BedAlert.objects.get()
    assert made.radius_km == 7 and desa.geom.covers(made.center) and not made.kecamatans.exists()
    assert desa.name in made.area_label


def test_browser_location_as_the_centre(client, full_icu):
    response = client.post(
        "/kesehatan/kabari/",
        form_data(wilayah="radius", kecamatan=None, titik="lokasi", lat="-8.1", lon="112.3", radius_km="5"),
    )
    assert response.status_code == 302
    made = BedAlert.objects.get()
    assert (round(made.center.x, 3), round(made.center.y, 3), made.radius_km) == (112.3, -8.1, 5)


BAD_INPUT = [
    ({"wilayah": None}, "wilayah", "Pilih wilayah."),
    ({"wilayah": "laut"}, "wilayah", "Pilih wilayah dari daftar."),
    ({"kelas": "KAMAR_MANDI"}, "kelas", "Pilih kelas dari daftar."),
    ({"kecamatan": []}, "kecamatan", "Pilih paling sedikit satu kecamatan."),
    ({"kecamatan": ["999999"]}, "kecamatan", "Kecamatan tidak dikenal."),
    ({"kecamatan": ["abc"]}, "kecamatan", "Kecamatan tidak dikenal."),
    ({"wilayah": "radius", "radius_km": "500"}, "radius_km", "Radius paling besar 100 km."),
    ({"wilayah": "radius", "radius_km": "lima"}, "radius_km", "Radius harus berupa angka km."),
    ({"wilayah": "radius", "titik": "lokasi"}, "titik", "Lokasi Anda belum terbaca."),
    ({"wilayah": "radius", "titik": "desa"}, "titik_desa", "Pilih desa/kelurahan."),
    ({"wilayah": "radius", "titik": "desa", "titik_desa": "0"}, "titik_desa", "Desa tidak dikenal."),
    ({"phone": "12345"}, "phone", "Nomor HP tidak valid."),
    ({"phone": ""}, "phone", "Isi nomor WhatsApp/HP"),
    ({"whatsapp": None}, "whatsapp", "Pilih WhatsApp atau SMS"),
]


@pytest.mark.parametrize("overrides,field,message", BAD_INPUT)
def test_bad_input_shows_a_bahasa_message_and_saves_nothing(client, full_icu, overrides, field, message):
    contacts = Contact.objects.count()
    response = client.post("/kesehatan/kabari/", form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert not BedAlert.objects.exists() and Contact.objects.count() == contacts


def test_a_signed_in_citizen_may_choose_browser_notifications_and_is_offered_push(client, bob, full_icu):
    client.force_login(bob)
    response = client.post("/kesehatan/kabari/", form_data(phone="", whatsapp=None, push="on"), follow=True)
    made = BedAlert.objects.get()
    assert made.contact.user == bob and made.contact.push_consent_at is not None
    html = response.content.decode()
    assert 'id="push-offer"' in html
    assert made.token in client.get("/kesehatan/kabari/").content.decode()  # "Kabar aktif Anda"
