"""Emergency room (IGD) status per hospital, as SIRANAP shows it: free IGD beds and patients waiting,
set by the clerk (one screen with the beds) or read from feeds that carry it (CSV kelas IGD with
column menunggu, FHIR Location typed ER)."""

import json

import pytest

from ehealth import selectors, services
from ehealth.models import BedClass, Hospital

from .conftest import make_hospital, sample

pytestmark = pytest.mark.django_db

WORK = "/kesehatan/petugas/rsud-wlingi/"
PT = "http://terminology.hl7.org/CodeSystem/location-physical-type"


def work_post(hospital, **igd):
    beds = list(hospital.bed_classes.order_by("code"))
    data = {"beds-TOTAL_FORMS": len(beds), "beds-INITIAL_FORMS": len(beds)}
    for i, bed in enumerate(beds):
        data.update({f"beds-{i}-code": bed.code, f"beds-{i}-room_name": bed.room_name})
        data.update({f"beds-{i}-capacity": bed.capacity, f"beds-{i}-available": bed.available})
    data.update(igd)
    return data


def test_the_clerk_sets_igd_and_beds_in_one_screen_and_citizens_see_it(client, hospital, clerk):
    client.force_login(clerk)
    data = work_post(hospital, igd_available=2, igd_waiting=5, igd_capacity=8)
    index = [b.code for b in hospital.bed_classes.order_by("code")].index("KELAS_3")
    data[f"beds-{index}-available"] = 4
    response = client.post(WORK, data, follow=True)
    assert "Tersimpan: 1 kelas berubah, IGD diperbarui." in response.content.decode()
    hospital.refresh_from_db()
    assert (hospital.igd_capacity, hospital.igd_available, hospital.igd_waiting) == (8, 2, 5)
    assert BedClass.objects.get(hospital=hospital, code="KELAS_3").available == 4
    selectors.board_cache_invalidate()
    for url in ("/kesehatan/", "/kesehatan/rs/rsud-wlingi/"):
        html = client.get(url).content.decode()
        assert "2 tempat tidur kosong" in html and "5 pasien menunggu" in html, url


def test_bad_igd_numbers_get_a_clear_message_and_nothing_changes(client, hospital, clerk):
    client.force_login(clerk)
    response = client.post(WORK, work_post(hospital, igd_available=9, igd_capacity=3, igd_waiting=1))
    assert response.status_code == 200
    assert "Tempat tidur IGD kosong tidak boleh melebihi jumlah tempat tidur IGD." in response.content.decode()
    response = client.post(WORK, work_post(hospital, igd_available=-1, igd_waiting="banyak"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Jumlah tidak boleh negatif." in html and "Isi dengan angka bulat." in html
    hospital.refresh_from_db()
    assert hospital.igd_available is None and hospital.igd_waiting is None


def test_a_hospital_that_never_reported_igd_says_so(client, hospital):
    assert "IGD: belum ada laporan" in client.get("/kesehatan/rs/rsud-wlingi/").content.decode()


def test_csv_feed_carries_igd_in_its_columns(feed_server):
    body = sample("sample.csv") + b"IGD,IGD,10,7,4\n"
    body = body.replace(b"kelas,ruang,kapasitas,terisi", b"kelas,ruang,kapasitas,terisi,menunggu", 1)
    hospital = make_hospital("rs-csv", feed_url=feed_server.serve("/f.csv", body), feed_format="csv")
    run = services.hospital_sync(hospital_id=hospital.pk)
    assert run.status == "ok", run.message
    hospital.refresh_from_db()
    assert (hospital.igd_capacity, hospital.igd_available, hospital.igd_waiting) == (10, 3, 4)
    # IGD is not a bed class.
    assert set(BedClass.objects.filter(hospital=hospital).values_list("code", flat=True)) == {"VIP", "KELAS_3", "ICU"}


def _location(id_, physical, **extra):
    return {
        "fullUrl": f"Location/{id_}",
        "resource": {
            "resourceType": "Location",
            "id": id_,
            "status": "active",
            "physicalType": {"coding": [{"system": PT, "code": physical}]},
            **extra,
        },
    }


def test_fhir_feed_carries_igd_as_an_er_location(feed_server):
    bundle = json.loads(sample("sample-fhir.json"))
    er_type = [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode", "code": "ER"}]}]
    bundle["entry"].append(_location("igd", "wa", name="Instalasi Gawat Darurat", type=er_type))
    for n, status in enumerate(["U", "U", "O"]):
        bed = {"operationalStatus": {"code": status}, "partOf": {"reference": "Location/igd"}}
        bundle["entry"].append(_location(f"igd-bed-{n}", "bd", **bed))
    hospital = make_hospital(
        "rs-fhir", feed_url=feed_server.serve("/fhir", json.dumps(bundle).encode()), feed_format="fhir"
    )
    run = services.hospital_sync(hospital_id=hospital.pk)
    assert run.status == "ok", run.message
    hospital.refresh_from_db()
    assert (hospital.igd_capacity, hospital.igd_available, hospital.igd_waiting) == (3, 2, None)
    beds = {(b.code, b.capacity, b.available) for b in BedClass.objects.filter(hospital=hospital)}
    assert beds == {("VIP", 6, 2), ("KELAS_3", 12, 3), ("ICU", 7, 1)}


def test_a_feed_without_igd_leaves_the_clerks_igd_numbers(feed_server, clerk):
    hospital = make_hospital("rs-tanpa", feed_url=feed_server.serve("/f.csv", sample("sample.csv")), feed_format="csv")
    services.hospital_beds_update_by_staff(
        hospital=hospital, user=clerk, counts=[], igd={"capacity": None, "available": 1, "waiting": 2}
    )
    services.hospital_sync(hospital_id=hospital.pk)
    hospital = Hospital.objects.get(pk=hospital.pk)
    assert (hospital.igd_available, hospital.igd_waiting) == (1, 2)


def test_the_api_hospital_list_carries_igd(client, hospital):
    Hospital.objects.filter(pk=hospital.pk).update(igd_available=1, igd_waiting=3)
    selectors.board_cache_invalidate()
    data = client.get("/api/v1/hospitals/").json()
    row = next(r for r in data if r["slug"] == "rsud-wlingi")
    assert row["igd"] == {"capacity": None, "available": 1, "waiting": 3}
    assert row["freshness"] == "diperbarui baru saja"
