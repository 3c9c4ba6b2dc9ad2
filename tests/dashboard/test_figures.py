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
    assert movement["Permohonan layanan kesehatan"] == [8, 1, 7]
    assert movement["IKM baru terverifikasi"] == [2, 1, 1]
    assert movement["Pohon ditanam (terverifikasi)"] == [5, 2, 3]
    assert movement["Titik tanam (terverifikasi)"] == [1, 1, 0]


def test_kecamatan_filter_narrows_the_movement(alice_client, data):
    page = section(alice_client, "/dasbor/", kecamatan=data["kec_a"].slug)
    movement = rows_by_label(page.figure("pergerakan"))
    assert movement["Permohonan layanan kesehatan"][0] == 5  # RS Satu only
    assert movement["IKM baru terverifikasi"] == [1, 1, 0]
    assert movement["Pohon ditanam (terverifikasi)"] == [5, 0, 5]


def test_bor_per_class_by_hand(alice_client, data):
    figure = section(alice_client, "/dasbor/kesehatan/").figure("bor")
    assert figure.columns[1:] == ["Kelas 1", "VIP"]
    # Today: Kelas 1 (20-5) + (20-15) occupied of 40 = 50 %; VIP 6 of 10 = 60 %.
    # Until today RS Dua's Kelas 1 had 5 free (its one history row): (15 + 15) of 40 = 75 %.
    assert figure.rows[-1][1:] == [50.0, 60.0]
    assert figure.rows[-2][1:] == [75.0, 60.0]
    assert figure.rows[0][1:] == [75.0, 60.0]
    assert len(figure.rows) == 30


def test_bor_follows_the_kecamatan_filter(alice_client, data):
    figure = section(alice_client, "/dasbor/kesehatan/", kecamatan=data["kec_b"].slug).figure("bor")
    assert figure.columns[1:] == ["Kelas 1"]  # RS Dua has no VIP
    assert figure.rows[-2][1:] == [75.0] and figure.rows[-1][1:] == [25.0]  # 15 of 20, then 5 of 20


def test_weekly_bor_weighs_bed_days(alice_client, data):
    today = data["today"]
    start = today - datetime.timedelta(days=59)
    figure = section(alice_client, "/dasbor/kesehatan/", mulai=start.isoformat(), sampai=today.isoformat()).figure(
        "bor"
    )
    year, week, weekday = today.isocalendar()
    assert figure.rows[-1][0] == f"{year}-W{week:02d}"
    # The last week holds `weekday` days: every earlier day 30 of 40 beds occupied, today 20 of 40.
    expected = round(100 * (30 * (weekday - 1) + 20) / (40 * weekday), 1)
    assert figure.rows[-1][1] == expected
    assert figure.rows[-1][2] == 60.0


def test_monthly_bor_sums_the_bed_days_of_the_month(alice_client, data):
    today = data["today"]
    start = today - datetime.timedelta(days=200)
    figure = section(alice_client, "/dasbor/kesehatan/", mulai=start.isoformat(), sampai=today.isoformat()).figure(
        "bor"
    )
    assert figure.rows[-1][0] == today.strftime("%Y-%m")
    # This month: today.day days, all but today with 30 of 40 Kelas 1 beds occupied, today 20 of 40.
    days = today.day
    assert figure.rows[-1][1] == round(100 * (30 * (days - 1) + 20) / (40 * days), 1)
    assert figure.rows[0][1:] == [75.0, 60.0]  # an earlier month: no change in the history


def test_requests_by_status_and_per_hospital(alice_client, data):
    page = section(alice_client, "/dasbor/kesehatan/")
    requests = page.figure("permohonan")
    status_totals = dict(
        zip(requests.columns[1:], [sum(r[i] for r in requests.rows) for i in range(1, 8)], strict=True)
    )
    assert status_totals == {
        "Diajukan": 1,
        "Diterima": 1,
        "Sedang dilayani": 0,
        "Selesai": 3,
        "Ditolak": 1,
        "Dibatalkan": 1,
        "Tidak hadir": 1,
    }
    assert rows_by_label(page.figure("permohonan-rs")) == {"RS Satu 0": [5], "RS Dua 0": [3]}


def test_no_shows_and_cancellations_are_counted_from_the_statuses(alice_client, data):
    outcomes = section(alice_client, "/dasbor/kesehatan/").figure("batal")
    assert outcomes.columns[1:] == ["Dibatalkan", "Ditolak", "Tidak hadir"]
    # One of each; the 'diterima' request whose visit day passed is not a no-show until staff say so.
    assert [sum(r[i] for r in outcomes.rows) for i in (1, 2, 3)] == [1, 1, 1]
    day = data["month_start"].isoformat()
    assert rows_by_label(outcomes)[day] == [1, 1, 1]  # dated by when each status was set
    assert "status__in=dibatalkan,ditolak,tidak_hadir" in outcomes.link
    kec_b = section(alice_client, "/dasbor/kesehatan/", kecamatan=data["kec_b"].slug).figure("batal")
    assert [sum(r[i] for r in kec_b.rows) for i in (1, 2, 3)] == [0, 1, 1]  # RS Dua: rejected, no-show


def test_exact_medians_from_the_status_times(alice_client, data):
    medians = rows_by_label(section(alice_client, "/dasbor/kesehatan/").figure("median"))
    # This month, to "diterima": 1, 3 (finished), 1 (still diterima), 2 (no-show) h -> median 1.5 h;
    # the request finished before times were recorded has no accepted_at and is left out.
    # To "selesai": 2, 6 and 4 h (the backfilled one counts: its completion time is known) -> 4 h.
    assert medians[data["month_start"].strftime("%Y-%m")] == [1.5, 4.0]


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
    # Verified in the last 30 days vs online in total: kec A 1 (5 days ago) of 2, kec B 1 of 1.
    per_kecamatan = rows_by_label(page.figure("kecamatan"))
    assert per_kecamatan[data["kec_a"].name] == [1, 2] and per_kecamatan[data["kec_b"].name] == [1, 1]
    assert sum(v[1] for v in per_kecamatan.values()) == 3
    # Shop 0 (sector 31, kec A, 5 days ago), shops 1 and 2 (sector 10, 10 and 40 days ago).
    sectors = {row[0][:2]: row[1:] for row in page.figure("sektor").rows}
    assert sectors == {"10": [1, 2], "31": [1, 1]}
    activity = page.figure("aktivitas")
    assert [sum(r[i] for r in activity.rows) for i in (1, 2, 3, 4)] == [2, 1, 5, 20]
    growth = page.figure("perkembangan").rows
    assert growth == [["2026-06-30", 1, 33.3, 100, 50, 3, 1_000_000]]
    certs = page.figure("sertifikat").rows
    assert len(certs) == 1 and certs[0][2] == "ID0"


def test_ikm_pace_needed(alice_client, data):
    from ikm.dashboard import pace_per_month

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


def test_ikm_sectors_and_kecamatan_follow_the_period_and_the_kecamatan(alice_client, data):
    today = data["today"]
    long = {"mulai": (today - datetime.timedelta(days=60)).isoformat(), "sampai": today.isoformat()}
    page = section(alice_client, "/dasbor/ikm/", **long)
    assert rows_by_label(page.figure("kecamatan"))[data["kec_a"].name] == [2, 2]  # both within 60 days
    assert {row[0][:2]: row[1:] for row in page.figure("sektor").rows} == {"10": [2, 2], "31": [1, 1]}
    page = section(alice_client, "/dasbor/ikm/", kecamatan=data["kec_b"].slug)
    assert {row[0][:2]: row[1:] for row in page.figure("sektor").rows} == {"10": [1, 1]}


def test_tanam_survival_per_planting_year_by_hand(alice_client, data):
    page = section(alice_client, "/dasbor/tanam/")
    today = data["today"]
    # Kec A: 5 trees planted 3 days ago, monitored, alive; kec B: 2 trees 40 days ago, monitored, dead.
    years = {}
    for trees, days_ago, alive in [(5, 3, True), (2, 40, False)]:
        year = str((today - datetime.timedelta(days=days_ago)).year)
        monitored, survived = years.get(year, (0, 0))
        years[year] = (monitored + trees, survived + (trees if alive else 0))
    expected = {y: [m, s, round(100 * s / m, 1)] for y, (m, s) in years.items()}
    figure = page.figure("hidup")
    assert rows_by_label(figure) == expected
    assert page.cards[2].value == round(100 * 5 / 7, 1)
    only_b = section(alice_client, "/dasbor/tanam/", kecamatan=data["kec_b"].slug)
    assert [r[1:] for r in only_b.figure("hidup").rows] == [[2, 0, 0.0]]
    assert only_b.cards[2].value == 0.0


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
