"""Every figure against a small hand-made dataset (conftest.make_dataset), computed by hand."""

import datetime

import pytest

from .conftest import make_dataset, refresh


@pytest.fixture
def data(db):
    dataset = make_dataset()
    refresh()
    return dataset


def section(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.context["section"]


def rows_by_label(figure):
    return {row[0]: row[1:] for row in figure.rows}


def test_ringkasan_headlines_and_movement(alice_client, data):
    page = section(alice_client, "/dasbor/")
    beds, ikm, trees = page.cards
    assert beds.value == 9  # only the on-time hospital counts: VIP 4 + Kelas 1 5
    assert "1 dari 2 rumah sakit" in beds.detail
    assert ikm.value == 3 and "1000" in ikm.detail
    assert trees.value == 7  # verified trees, all time: 5 + 2
    movement = rows_by_label(page.figure("pergerakan"))
    assert movement["Permohonan layanan kesehatan"] == [6, 1, 5]
    assert movement["IKM baru terverifikasi"] == [2, 1, 1]
    assert movement["Pohon ditanam (terverifikasi)"] == [5, 2, 3]
    assert movement["Titik tanam (terverifikasi)"] == [1, 1, 0]


def test_kecamatan_filter_narrows_the_movement(alice_client, data):
    page = section(alice_client, "/dasbor/", kecamatan=data["kec_a"].slug)
    movement = rows_by_label(page.figure("pergerakan"))
    assert movement["Permohonan layanan kesehatan"][0] == 4  # RS Satu only
    assert movement["IKM baru terverifikasi"] == [1, 1, 0]
    assert movement["Pohon ditanam (terverifikasi)"] == [5, 0, 5]


def test_bor_per_class_by_hand(alice_client, data):
    figure = section(alice_client, "/dasbor/kesehatan/").figure("bor")
    assert figure.columns[1:] == ["Kelas 1", "VIP"]
    # Kelas 1: (20-5) + (20-15) occupied of 40 = 50 %; VIP: 6 of 10 = 60 %; no history -> same every day.
    assert figure.rows[-1][1:] == [50.0, 60.0]
    assert len(figure.rows) == 30


def test_requests_by_status_outcomes_and_per_hospital(alice_client, data):
    page = section(alice_client, "/dasbor/kesehatan/")
    requests = page.figure("permohonan")
    status_totals = dict(
        zip(requests.columns[1:], [sum(r[i] for r in requests.rows) for i in range(1, 7)], strict=True)
    )
    assert status_totals == {
        "Diajukan": 1,
        "Diterima": 1,
        "Sedang dilayani": 0,
        "Selesai": 2,
        "Ditolak": 1,
        "Dibatalkan": 1,
    }
    outcomes = page.figure("batal")
    assert [sum(r[i] for r in outcomes.rows) for i in (1, 2, 3)] == [1, 1, 1]  # cancelled, rejected, no-show
    assert rows_by_label(page.figure("permohonan-rs")) == {"RS Satu 0": [4], "RS Dua 0": [2]}
    medians = rows_by_label(page.figure("median"))
    assert medians[data["month_start"].strftime("%Y-%m")] == [1.0, 4.0]  # diterima 1 h; selesai 2 h and 6 h


def test_reporting_and_sync_table(alice_client, data):
    page = section(alice_client, "/dasbor/kesehatan/")
    assert rows_by_label(page.figure("pelaporan")) == {"Tepat waktu": [1], "Usang": [1]}
    assert page.cards[0].value == 1
    sync = rows_by_label(page.figure("sinkronisasi"))
    assert sync["RS Satu 0"][0] == "Tepat waktu" and sync["RS Dua 0"][0] == "Usang"


def test_ikm_figures_by_hand(alice_client, data):
    page = section(alice_client, "/dasbor/ikm/")
    verified = page.figure("terverifikasi")
    assert verified.rows[0][1] == 1  # the shop verified 40 days ago is the base of the line
    assert verified.rows[-1][1:] == [3, 1000]
    per_kecamatan = rows_by_label(page.figure("kecamatan"))
    assert per_kecamatan[data["kec_a"].name] == [2] and per_kecamatan[data["kec_b"].name] == [1]
    assert sum(v[0] for v in per_kecamatan.values()) == 3
    sectors = {row[0][:2]: row[1] for row in page.figure("sektor").rows}
    assert sectors == {"10": 2, "31": 1}
    activity = page.figure("aktivitas")
    assert [sum(r[i] for r in activity.rows) for i in (1, 2, 3, 4)] == [2, 1, 5, 20]
    growth = page.figure("perkembangan").rows
    assert growth == [["2026-06-30", 1, 33.3, 100, 50, 3, 1_000_000]]
    certs = page.figure("sertifikat").rows
    assert len(certs) == 1 and certs[0][2] == "ID0"


def test_ikm_pace_needed(alice_client, data):
    from blitar_portal.dashboard.sections.ikm import pace_per_month

    today = datetime.date(2026, 1, 1)
    assert pace_per_month(online=400, target=1000, today=today, target_date=datetime.date(2027, 1, 1)) == 50
    assert pace_per_month(online=1000, target=1000, today=today, target_date=datetime.date(2027, 1, 1)) == 0
    assert pace_per_month(online=10, target=1000, today=today, target_date=datetime.date(2025, 1, 1)) is None


def test_ikm_target_is_set_by_diskominfo(alice_client, data):
    response = alice_client.post("/dasbor/ikm/target/", {"target": 500, "target_date": "2099-12-31"}, follow=True)
    assert "Target IKM disimpan." in response.content.decode()
    page = response.context["section"]
    assert page.figure("terverifikasi").rows[-1][2] == 500
    assert "2099-12-31" in page.cards[1].detail


def test_ikm_target_rejects_a_past_date(alice_client, data):
    response = alice_client.post("/dasbor/ikm/target/", {"target": 500, "target_date": "2001-01-01"}, follow=True)
    assert "Tanggal target harus di masa depan." in response.content.decode()


def test_tanam_figures_by_hand(alice_client, data):
    page = section(alice_client, "/dasbor/tanam/")
    assert page.cards[0].value == 5 and page.cards[0].previous == 2
    assert page.cards[1].value == 1  # one pending planting
    per_period = page.figure("penanaman")
    assert sum(r[1] for r in per_period.rows) == 5 and sum(r[2] for r in per_period.rows) == 1
    assert rows_by_label(page.figure("kecamatan"))[data["kec_a"].name] == [5]
    species = page.figure("spesies").rows
    assert len(species) == 1 and species[0][1] >= 5
    backlog = rows_by_label(page.figure("antrean"))
    assert backlog[data["kec_a"].name] == [1, 1, 0, 10]


def test_invalid_filter_shows_a_message_and_the_default_period(alice_client, data):
    response = alice_client.get("/dasbor/", {"mulai": "2026-12-31", "sampai": "2026-01-01"})
    assert "Tanggal mulai harus sebelum atau sama dengan tanggal akhir." in response.content.decode()
    assert response.context["filters"].days == 30


def test_long_period_is_shown_per_month(alice_client, data):
    today = data["today"]
    start = today - datetime.timedelta(days=200)
    page = section(alice_client, "/dasbor/tanam/", mulai=start.isoformat(), sampai=today.isoformat())
    labels = [r[0] for r in page.figure("penanaman").rows]
    assert labels[-1] == today.strftime("%Y-%m") and len(labels) in (7, 8)
    assert sum(r[1] for r in page.figure("penanaman").rows) == 7


def test_a_two_month_period_is_shown_per_iso_week(alice_client, data):
    today = data["today"]
    start = today - datetime.timedelta(days=59)
    page = section(alice_client, "/dasbor/tanam/", mulai=start.isoformat(), sampai=today.isoformat())
    labels = [r[0] for r in page.figure("penanaman").rows]
    year, week, _day = today.isocalendar()
    assert labels[-1] == f"{year}-W{week:02d}" and len(labels) in (9, 10)
    assert sum(r[1] for r in page.figure("penanaman").rows) == 7
    assert page.figure("penanaman").title == "Penanaman terverifikasi per minggu"


def test_maps_outline_the_filtered_kecamatan(alice_client, data):
    page = section(alice_client, "/dasbor/tanam/", kecamatan=data["kec_a"].slug)
    figure = page.figure("kecamatan")
    assert figure.highlight == data["kec_a"].code
    assert f'class="area selected" data-code="{data["kec_a"].code}"' in str(figure.svg)


def test_choosing_only_a_kecamatan_keeps_the_default_period_in_the_form(alice_client, data):
    response = alice_client.get("/dasbor/", {"kecamatan": data["kec_a"].slug})
    html = response.content.decode()
    start = data["today"] - datetime.timedelta(days=29)
    assert f'value="{start.isoformat()}"' in html and f'value="{data["today"].isoformat()}"' in html
    assert response.context["filters"].kecamatan == data["kec_a"]
