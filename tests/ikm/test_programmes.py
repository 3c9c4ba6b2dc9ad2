"""Capacity-building programmes: staff publish (admin), owners register on "Toko Saya" (quota under a lock,
no double registration, cancel before the start), staff record attendance and outcomes; a shop's capacity
and certificates over time next to the programmes it attended (owner page, staff page); access and bad input."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from blitar_portal.accounts.roles import IKM_OWNER
from ikm import services, services_programmes
from ikm.models import Programme, ProgrammeRegistration
from tests.factories import UserFactory

from .conftest import make_shop

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def make_programme(**overrides):
    data = {
        "title": "Pelatihan Pengemasan Produk Pangan",
        "kind": "pelatihan",
        "place": "Aula Dinas Koperasi dan Usaha Mikro",
        "starts_on": TODAY + 10 * DAY,
        "ends_on": TODAY + 11 * DAY,
        "quota": 2,
        "sectors": ["10", "11"],
        "status": Programme.Status.PUBLISHED,
    }
    data.update(overrides)
    return services_programmes.programme_save(**data)


def owner_shop(name, sector="10"):
    owner = UserFactory(username=name, groups=[IKM_OWNER])
    return make_shop(owner, name=f"Toko {name}", kbli_sector=sector)


# --- a programme with registrations and attendance ---------------------------------------------


def test_a_programme_with_registrations_and_attendance(shop, alice):
    programme = make_programme(quota=3)
    other = owner_shop("wati")
    mine = services_programmes.programme_register(programme=programme, shop=shop)
    theirs = services_programmes.programme_register(programme=programme, shop=other)
    on_the_day = programme.starts_on
    services_programmes.programme_attendance_record(
        registration=mine,
        attendance="hadir",
        certificate_obtained="halal",
        capacity_note="Kapasitas naik dari 2.000 menjadi 2.600 bungkus/bulan",
        user=alice,
        today=on_the_day,
    )
    services_programmes.programme_attendance_record(
        registration=theirs, attendance="tidak_hadir", user=alice, today=on_the_day
    )
    rows = {r.shop_id: r for r in ProgrammeRegistration.objects.filter(programme=programme)}
    assert rows[shop.pk].attendance == "hadir" and rows[shop.pk].certificate_obtained == "halal"
    assert rows[shop.pk].recorded_by == alice and rows[shop.pk].recorded_at is not None
    assert rows[other.pk].attendance == "tidak_hadir"


def test_attendance_is_recorded_only_after_the_start_and_an_outcome_only_for_who_attended(shop, alice):
    registration = services_programmes.programme_register(programme=make_programme(), shop=shop)
    with pytest.raises(ValidationError, match="setelah program dimulai"):
        services_programmes.programme_attendance_record(registration=registration, attendance="hadir", user=alice)
    with pytest.raises(ValidationError, match="hanya dicatat untuk peserta yang hadir"):
        services_programmes.programme_attendance_record(
            registration=registration,
            attendance="tidak_hadir",
            certificate_obtained="halal",
            user=alice,
            today=TODAY + 10 * DAY,
        )
    with pytest.raises(ValidationError):
        services_programmes.programme_attendance_record(
            registration=registration, attendance="mungkin", user=alice, today=TODAY + 10 * DAY
        )
    registration.refresh_from_db()
    assert registration.attendance == "" and registration.recorded_at is None  # nothing saved half-way


# --- quota and double registration -----------------------------------------------------------------


def test_the_quota_is_enforced_and_a_cancelled_place_goes_back(shop):
    programme = make_programme(quota=2)
    first, second, third = owner_shop("a1"), owner_shop("a2"), shop
    services_programmes.programme_register(programme=programme, shop=first)
    registration = services_programmes.programme_register(programme=programme, shop=second)
    with pytest.raises(ValidationError, match="Kuota program ini sudah penuh"):
        services_programmes.programme_register(programme=programme, shop=third)
    services_programmes.programme_registration_cancel(registration=registration)
    services_programmes.programme_register(programme=programme, shop=third)
    assert ProgrammeRegistration.objects.filter(programme=programme, status="terdaftar").count() == 2


def test_a_shop_cannot_register_twice(shop):
    programme = make_programme()
    services_programmes.programme_register(programme=programme, shop=shop)
    with pytest.raises(ValidationError, match="sudah terdaftar"):
        services_programmes.programme_register(programme=programme, shop=shop)
    assert ProgrammeRegistration.objects.filter(programme=programme).count() == 1


def test_cancelling_then_registering_again_reuses_the_row(shop):
    programme = make_programme()
    registration = services_programmes.programme_register(programme=programme, shop=shop)
    services_programmes.programme_registration_cancel(registration=registration)
    with pytest.raises(ValidationError, match="sudah dibatalkan"):
        services_programmes.programme_registration_cancel(registration=registration)
    again = services_programmes.programme_register(programme=programme, shop=shop)
    assert again.pk == registration.pk and again.status == "terdaftar" and again.cancelled_at is None


@pytest.mark.django_db(transaction=True)
def test_two_owners_taking_the_last_place_at_once_get_one_place():
    programme = make_programme(quota=1)
    shops = [owner_shop("p1"), owner_shop("p2")]
    barrier = threading.Barrier(2)
    outcomes = []

    def take(shop):
        try:
            barrier.wait()
            services_programmes.programme_register(programme=programme, shop=shop)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(shop,)) for shop in shops]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["Kuota program ini sudah penuh.", "ok"]
    assert ProgrammeRegistration.objects.filter(programme=programme, status="terdaftar").count() == 1


def test_registration_is_refused_when_closed_started_or_for_another_sector(shop):
    with pytest.raises(ValidationError, match="tidak dibuka"):
        services_programmes.programme_register(programme=make_programme(status="draf"), shop=shop)
    started = make_programme(starts_on=TODAY, ends_on=TODAY + DAY)
    with pytest.raises(ValidationError, match="sudah dimulai"):
        services_programmes.programme_register(programme=started, shop=shop)
    with pytest.raises(ValidationError, match="bukan untuk sektor"):
        services_programmes.programme_register(programme=make_programme(sectors=["13"]), shop=shop)
    for_everyone = make_programme(sectors=[])
    assert services_programmes.programme_register(programme=for_everyone, shop=shop).status == "terdaftar"


def test_cancelling_after_the_start_is_refused(shop):
    programme = make_programme()
    registration = services_programmes.programme_register(programme=programme, shop=shop)
    with pytest.raises(ValidationError, match="sudah dimulai"):
        services_programmes.programme_registration_cancel(registration=registration, today=programme.starts_on)


def test_bad_programme_input_saves_nothing(alice):
    with pytest.raises(ValidationError) as error:
        make_programme(starts_on=TODAY, ends_on=TODAY - DAY)
    assert "ends_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_programme(quota=0)
    assert "quota" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_programme(sectors=["99"])
    assert "sectors" in error.value.message_dict
    assert not Programme.objects.exists()


def test_the_quota_cannot_go_below_the_places_taken(shop):
    programme = make_programme(quota=2)
    services_programmes.programme_register(programme=programme, shop=shop)
    services_programmes.programme_register(programme=programme, shop=owner_shop("q2"))
    with pytest.raises(ValidationError, match="tidak boleh kurang dari 2"):
        services_programmes.programme_save(programme=programme, quota=1)
    assert Programme.objects.get(pk=programme.pk).quota == 2


# --- owner pages ---------------------------------------------------------------------------


def test_owner_sees_open_programmes_of_their_sector_and_registers(client, owner, shop):
    open_one = make_programme(title="Bantuan Sertifikasi Halal Gratis", kind="halal")
    make_programme(title="Pelatihan Batik Warna Alam", sectors=["13"])
    make_programme(title="Draf Kurasi", status="draf")
    client.force_login(owner)
    page = client.get("/ikm/toko-saya/program/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Bantuan Sertifikasi Halal Gratis" in html and "2 dari 2 tempat" in html
    assert "Pelatihan Batik Warna Alam" not in html and "Draf Kurasi" not in html
    response = client.post(f"/ikm/toko-saya/program/{open_one.pk}/daftar/", follow=True)
    assert "Anda terdaftar di" in response.content.decode()
    assert ProgrammeRegistration.objects.get(programme=open_one, shop=shop).status == "terdaftar"
    again = client.post(f"/ikm/toko-saya/program/{open_one.pk}/daftar/", follow=True)
    assert "sudah terdaftar" in again.content.decode()


def test_owner_cancels_their_registration_but_not_another_owners(client, owner, shop, other_owner):
    programme = make_programme(sectors=[])
    other = make_shop(other_owner, name="Batik Dewi", kbli_sector="13")
    theirs = services_programmes.programme_register(programme=programme, shop=other)
    mine = services_programmes.programme_register(programme=programme, shop=shop)
    client.force_login(owner)
    assert client.post(f"/ikm/toko-saya/program/batal/{theirs.pk}/").status_code == 404
    response = client.post(f"/ikm/toko-saya/program/batal/{mine.pk}/", follow=True)
    assert "dibatalkan" in response.content.decode()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == "dibatalkan" and theirs.status == "terdaftar"


def test_register_needs_post_a_published_programme_and_an_owner(client, owner, bob):
    draft = make_programme(status="draf")
    client.force_login(owner)
    assert client.get(f"/ikm/toko-saya/program/{draft.pk}/daftar/").status_code == 405
    # No shop yet: the owner is sent to the shop profile first.
    assert client.post(f"/ikm/toko-saya/program/{draft.pk}/daftar/").status_code == 302
    make_shop(owner)
    assert client.post(f"/ikm/toko-saya/program/{draft.pk}/daftar/").status_code == 404
    assert client.post("/ikm/toko-saya/program/999999/daftar/").status_code == 404
    client.force_login(bob)  # not an owner
    response = client.get("/ikm/toko-saya/program/")
    assert response.status_code == 302 and "/ikm/toko-saya/daftar/" in response["Location"]
    client.logout()
    assert client.get("/ikm/toko-saya/program/").status_code == 302


def test_shop_history_shows_capacity_and_certificates_next_to_programmes(client, owner, shop, alice):
    programme = make_programme(title="Kurasi Produk Oleh-oleh", kind="kurasi", sectors=[])
    registration = services_programmes.programme_register(programme=programme, shop=shop)
    services_programmes.programme_attendance_record(
        registration=registration,
        attendance="hadir",
        capacity_note="kemasan baru",
        user=alice,
        today=programme.starts_on,
    )
    for end, capacity in ((datetime.date(2025, 6, 30), 2000), (datetime.date(2025, 12, 31), 2500)):
        services.growth_report_create(
            shop=shop,
            period_start=end.replace(day=1),
            period_end=end,
            output=9000,
            capacity=capacity,
            unit="bungkus",
            workers=4,
            omzet=50_000_000,
        )
    services.certification_save(shop=shop, kind="halal", number="ID3500001", issued_on=datetime.date(2025, 8, 1))
    client.force_login(owner)
    html = client.get("/ikm/toko-saya/program/").content.decode()
    assert "2.500 bungkus" in html or "2,500 bungkus" in html
    assert "+25,0 %" in html or "+25.0 %" in html
    assert "Sertifikat terbit: Halal ID3500001" in html
    assert "Mengikuti Kurasi produk: Kurasi Produk Oleh-oleh — kemasan baru" in html
    client.force_login(alice)
    staff = client.get(f"/ikm/staf/toko/{shop.pk}/perkembangan/").content.decode()
    assert "Mengikuti Kurasi produk: Kurasi Produk Oleh-oleh" in staff and "Sertifikat terbit" in staff
    assert client.get(f"/ikm/staf/program/{programme.pk}/").status_code == 200


def test_staff_pages_are_for_diskominfo_only(client, owner, shop, bob):
    programme = make_programme()
    for user in (owner, bob):
        client.force_login(user)
        assert client.get(f"/ikm/staf/toko/{shop.pk}/perkembangan/").status_code == 403
        assert client.get(f"/ikm/staf/program/{programme.pk}/").status_code == 403
    client.logout()
    assert client.get(f"/ikm/staf/program/{programme.pk}/").status_code == 302


def test_staff_pages_answer_404_for_unknown_ids(client, alice):
    client.force_login(alice)
    assert client.get("/ikm/staf/toko/999999/perkembangan/").status_code == 404
    assert client.get("/ikm/staf/program/999999/").status_code == 404


# --- the admin ---------------------------------------------------------------------------------


def test_staff_publish_a_programme_and_record_attendance_in_the_admin(client, alice, shop):
    client.force_login(alice)
    response = client.post(
        "/admin/ikm/programme/add/",
        {
            "title": "Pendampingan SNI Mebel",
            "kind": "sni",
            "status": "terbit",
            "description": "",
            "place": "Balai Desa",
            "starts_on": (TODAY + 5 * DAY).isoformat(),
            "ends_on": (TODAY + 6 * DAY).isoformat(),
            "quota": "10",
            "sectors": ["10", "31"],
            "registrations-TOTAL_FORMS": "0",
            "registrations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    programme = Programme.objects.get(title="Pendampingan SNI Mebel")
    assert programme.sectors == ["10", "31"] and programme.created_by == alice
    registration = services_programmes.programme_register(programme=programme, shop=shop)
    Programme.objects.filter(pk=programme.pk).update(starts_on=TODAY, ends_on=TODAY)
    page = client.get(f"/admin/ikm/programme/{programme.pk}/change/")
    assert page.status_code == 200 and "Kehadiran" in page.content.decode()
    response = client.post(
        f"/admin/ikm/programme/{programme.pk}/change/",
        {
            "title": programme.title,
            "kind": "sni",
            "status": "terbit",
            "description": "",
            "place": "Balai Desa",
            "starts_on": TODAY.isoformat(),
            "ends_on": TODAY.isoformat(),
            "quota": "10",
            "sectors": ["10", "31"],
            "registrations-TOTAL_FORMS": "1",
            "registrations-INITIAL_FORMS": "1",
            "registrations-0-id": str(registration.pk),
            "registrations-0-programme": str(programme.pk),
            "registrations-0-attendance": "hadir",
            "registrations-0-certificate_obtained": "sni",
            "registrations-0-capacity_note": "Kapasitas naik 20 %",
            "registrations-0-notes": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    registration.refresh_from_db()
    assert registration.attendance == "hadir" and registration.certificate_obtained == "sni"
    assert registration.recorded_by == alice
    assert client.get("/admin/ikm/programme/").status_code == 200
    shop_page = client.get(f"/admin/ikm/shop/{shop.pk}/change/").content.decode()
    assert f"/ikm/staf/toko/{shop.pk}/perkembangan/" in shop_page  # the shop's growth next to its programmes
