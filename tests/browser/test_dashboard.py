"""Diskominfo dashboard in Chromium: each section shows a chart (inline SVG) and its table."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from blitar_portal.lib import l10n
from tests.dashboard.conftest import make_dataset, refresh

pytestmark = pytest.mark.browser

SECTIONS = [
    ("Ringkasan", "/dasbor/", ["pergerakan"]),
    ("E-Health", "/dasbor/kesehatan/", ["bor", "batal", "median"]),
    ("IKM", "/dasbor/ikm/", ["kecamatan", "sektor"]),
    ("Bangga Menanam", "/dasbor/tanam/", ["penanaman", "hidup"]),
]


def sign_in(page, user, password, next_url="/dasbor/"):
    page.goto(f"/akun/masuk/?next={next_url}")
    page.get_by_label("Nama pengguna").fill(user.username)
    page.get_by_label(re.compile("sandi", re.I)).fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()


@pytest.fixture
def dataset(transactional_db):
    data = make_dataset()
    refresh()
    return data


def test_staff_opens_each_section_and_sees_a_chart_and_its_table(page, alice, password, dataset):
    sign_in(page, alice, password)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ringkasan")
    tabs = page.get_by_role("navigation", name="Bagian dasbor")
    for tab, url, keys in SECTIONS:
        tabs.get_by_role("link", name=tab, exact=True).click()
        page.wait_for_load_state()
        assert page.url.split("?")[0].endswith(url)
        for key in keys:
            figure = page.locator(f"#fig-{key}")
            chart = figure.locator("svg.chart")
            expect(chart).to_be_visible()
            assert chart.locator("rect.bar, polyline.series, path.area").count() > 0, key
            table = figure.locator("details.dash-table")
            if table.get_attribute("open") is None:
                table.locator("summary").click()
            expect(table.get_by_role("table")).to_be_visible()
            assert table.get_by_role("row").count() > 1, key
            csv_link = figure.locator(f'a[href*="{key}.csv"]')
            expect(csv_link).to_have_count(1)
        expect(page.get_by_test_id("freshness")).to_contain_text("Angka dihitung pada")


def test_new_e_health_figures_show_the_hand_made_numbers(page, alice, password, dataset):
    sign_in(page, alice, password, "/dasbor/kesehatan/")
    outcomes = page.locator("#fig-batal")
    headers = outcomes.locator("thead th")
    expect(headers).to_have_text(["Tanggal", "Dibatalkan", "Ditolak", "Tidak hadir"])
    medians = page.locator("#fig-median")
    with translation.override("id"):  # the month as the page shows it in Bahasa ("Nov 2026")
        month = l10n.shown(l10n.PeriodLabel(dataset["month_start"], "month"))
    row = medians.locator("tbody tr", has_text=month)
    expect(row.locator("td")).to_have_text(["1,5", "4"])  # Indonesian decimal comma


def test_kecamatan_filter_changes_the_figures(page, alice, password, dataset):
    sign_in(page, alice, password, "/dasbor/tanam/")
    page.get_by_label("Kecamatan", exact=True).select_option(label=dataset["kec_b"].name)
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_load_state()
    expect(page.locator(".dash-period")).to_contain_text(f"Kecamatan {dataset['kec_b'].name}")
    first_card = page.locator(".dash-cards .card").first
    expect(first_card.locator(".figure")).to_have_text("0")  # kec B planted 40 days ago: previous period


def test_staff_asks_for_a_refresh_and_gets_a_confirmation(page, alice, password, dataset):
    sign_in(page, alice, password, "/dasbor/ikm/")
    page.get_by_role("button", name="Segarkan sekarang").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status").first).to_contain_text("Penyegaran angka dasbor dijadwalkan")
    assert page.url.split("?")[0].endswith("/dasbor/ikm/")


def test_citizen_is_refused(page, bob, password, dataset):
    sign_in(page, bob, password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Akses ditolak")
