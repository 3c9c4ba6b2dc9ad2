"""The IKM dashboard's programme figure: participants' capacity and certificate changes against the
non-participants of the same sector equal a hand computation (the rule: ikm/dashboard.py)."""

import csv
import datetime
import io

import pytest

from blitar_portal.accounts.roles import IKM_OWNER
from ikm import dashboard, services
from ikm.models import Programme, ProgrammeRegistration
from tests.dashboard.conftest import refresh
from tests.factories import UserFactory

from .conftest import make_shop

pytestmark = pytest.mark.django_db

D = datetime.date
START, END = D(2025, 2, 10), D(2025, 2, 12)  # "after" reports end on or after 2025-08-13 (END + 182 days)


def shop_with_reports(name, reports, *, sector="10", certs=()):
    owner = UserFactory(username=name.lower(), groups=[IKM_OWNER])
    shop = make_shop(owner, name=f"Toko {name}", kbli_sector=sector)
    for end, capacity in reports:
        services.growth_report_create(
            shop=shop,
            period_start=end.replace(day=1),
            period_end=end,
            output=1000,
            capacity=capacity,
            unit="pcs",
            workers=3,
            omzet=10_000_000,
        )
    for n, issued in enumerate(certs):
        services.certification_save(shop=shop, kind="halal", number=f"ID{name}{n}", issued_on=issued)
    return shop


def register(programme, shop, *, attendance="", status=ProgrammeRegistration.Status.REGISTERED):
    return ProgrammeRegistration.objects.create(programme=programme, shop=shop, attendance=attendance, status=status)


@pytest.fixture
def programme():
    programme = Programme.objects.create(
        title="Pelatihan Keamanan Pangan",
        kind="pelatihan",
        place="Pendopo Kanigoro",
        starts_on=START,
        ends_on=END,
        quota=20,
        sectors=["10"],
        status=Programme.Status.PUBLISHED,
    )
    # Participants: A +30 % (100 → 130; its 2025-06-30 report is less than a semester after) with a certificate
    # issued in between; B +25 % (200 → 250, last report before the start, first a semester after), whose
    # certificate is older than the programme.
    a = shop_with_reports(
        "A", [(D(2024, 12, 31), 100), (D(2025, 6, 30), 150), (D(2025, 12, 31), 130)], certs=[D(2025, 5, 1)]
    )
    b = shop_with_reports(
        "B", [(D(2024, 6, 30), 180), (D(2024, 12, 31), 200), (D(2026, 6, 30), 250)], certs=[D(2024, 1, 1)]
    )
    register(programme, a, attendance="hadir")
    register(programme, b, attendance="hadir")
    # Non-participants of sector 10: C registered but absent (+10 %), D never registered (−5 %, a certificate
    # issued on its "after" report's last day), G cancelled (capacity 0 before: counted, but not in the mean).
    c = shop_with_reports("C", [(D(2024, 12, 31), 100), (D(2025, 12, 31), 110)])
    register(programme, c, attendance="tidak_hadir")
    shop_with_reports("D", [(D(2024, 12, 31), 400), (D(2025, 12, 31), 380)], certs=[D(2025, 12, 31)])
    g = shop_with_reports("G", [(D(2024, 12, 31), 0), (D(2025, 12, 31), 50)])
    register(programme, g, status=ProgrammeRegistration.Status.CANCELLED)
    # Left out: E has no "after" report; F is of another sector (13).
    shop_with_reports("E", [(D(2024, 12, 31), 100)])
    shop_with_reports("F", [(D(2024, 12, 31), 100), (D(2025, 12, 31), 300)], sector="13")
    return programme


HAND = {
    "attended": 2,
    "participants": {"n": 2, "capacity_change": 27.5, "cert_share": 50.0},  # (30 + 25) / 2; A of A, B
    "others": {"n": 3, "capacity_change": 2.5, "cert_share": 33.3},  # (10 − 5) / 2 (G has no base); D of C, D, G
}


def test_participants_against_non_participants_equal_the_hand_computation(programme):
    # Neither a programme still running nor a cancelled one is compared.
    Programme.objects.create(
        title="Kurasi Produk 2026",
        kind="kurasi",
        place="Dinas",
        starts_on=D(2026, 11, 1),
        ends_on=D(2099, 1, 1),
        quota=5,
        status=Programme.Status.PUBLISHED,
    )
    Programme.objects.create(
        title="Batal",
        kind="sni",
        place="Dinas",
        starts_on=START,
        ends_on=END,
        quota=5,
        status=Programme.Status.CANCELLED,
    )
    (row,) = dashboard.programme_comparison(today=D(2026, 11, 30))
    assert {key: row[key] for key in HAND} == HAND
    assert row["title"] == "Pelatihan Keamanan Pangan"


def test_the_dashboard_figure_and_its_csv_show_the_same_numbers(programme, alice):
    from django.test import Client

    refresh()
    client = Client()
    client.force_login(alice)
    page = client.get("/dasbor/ikm/")
    assert page.status_code == 200
    assert 'data-figure="program"' in page.content.decode()
    response = client.get("/dasbor/ikm/program.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    header, values = rows
    assert values[:2] == ["Pelatihan Keamanan Pangan", "2025-02-10"]
    assert values[3:] == ["2", "2", "27.5", "3", "2.5", "50.0", "33.3"]
    assert "Perubahan kapasitas peserta (%)" in header


def test_a_programme_without_reports_after_it_shows_no_figures_yet():
    programme = Programme.objects.create(
        title="Pendampingan",
        kind="pendampingan",
        place="Desa",
        starts_on=D(2026, 10, 1),
        ends_on=D(2026, 10, 2),
        quota=5,
        status=Programme.Status.PUBLISHED,
    )
    shop = shop_with_reports("H", [(D(2026, 6, 30), 100)])
    register(programme, shop, attendance="hadir")
    (row,) = dashboard.programme_comparison(today=D(2026, 11, 30))
    assert row["attended"] == 1
    assert row["participants"] == {"n": 0, "capacity_change": None, "cert_share": None}
