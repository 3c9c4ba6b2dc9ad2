"""Dashboards that read at a glance (issue 17, point 3): whole labels, a colour-blind-safe palette
with "lainnya", the visitor's locale everywhere, any period back to 2016 per year or month, and
SVG/PNG/CSV downloads plus a stable link for every chart."""

import csv
import datetime
import io
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.utils import translation

from blitar_portal.dashboard import svg
from blitar_portal.dashboard.figures import Figure, figure_csv
from blitar_portal.lib import l10n

from .conftest import make_dataset, refresh

NS = {"s": "http://www.w3.org/2000/svg"}
LABEL_60 = "Rumah Sakit Umum Daerah Ngudi Waluyo Wlingi Kesehatan Blitar"  # 60 characters


def parse(markup):
    return ET.fromstring(str(markup))  # noqa: S314 - our own output


def view_box(root):
    return [float(v) for v in root.get("viewBox").split()]


# --- Labels never cut --------------------------------------------------------------------------


def test_a_60_character_label_is_whole_wrapped_and_inside_the_viewbox():
    assert len(LABEL_60) == 60
    figure = Figure(
        key="rs", title="Permohonan", columns=["Rumah sakit", "Permohonan"], rows=[[LABEL_60, 7]], chart="bar"
    )
    root = parse(figure.svg)
    _x, _y, width, height = view_box(root)
    label = root.find("s:text[@class='label']", NS)
    lines = [span.text for span in label.findall("s:tspan", NS)]
    assert " ".join(lines) == LABEL_60  # present whole, nothing dropped
    assert len(lines) == 2  # wrapped between words, not cut
    assert "…" not in str(figure.svg)
    for span in label.findall("s:tspan", NS):
        assert float(span.get("x")) + len(span.text) * svg.CHAR_WIDTH <= width
    bar = root.find("s:rect[@class='bar']", NS)
    assert float(bar.get("y")) + float(bar.get("height")) <= height
    assert root.get("width") == "100%"  # the chart takes its card's width


# --- Palette and "lainnya" ----------------------------------------------------------------------


def thirteen_series():
    return [(f"Kelas {i}", [13 - i, 1]) for i in range(13)]


def test_the_palette_has_12_distinct_colours_and_lainnya_is_grey():
    assert len(set(svg.PALETTE)) == svg.MAX_SERIES == 12
    assert svg.OTHER_COLOUR not in svg.PALETTE


def test_13_bar_series_become_12_distinct_colours_with_lainnya_and_the_csv_keeps_all():
    series = thirteen_series()
    root = parse(svg.bar_chart("BOR", ["a", "b"], series))
    keys = root.findall("s:rect[@class='key']", NS)
    names = [t.text for t in root.findall("s:text[@class='tick']", NS)][-12:]
    assert len(keys) == 12 and len({k.get("fill") for k in keys}) == 12
    assert names[-1] == "lainnya" and keys[-1].get("fill") == svg.OTHER_COLOUR
    grouped = dict(svg.group_series(series))
    assert grouped["lainnya"] == [2 + 1, 1 + 1]  # the two smallest: Kelas 11 (2, 1) and Kelas 12 (1, 1)
    assert "Kelas 11" not in grouped and "Kelas 0" in grouped
    figure = Figure(
        key="k", title="t", columns=["Tanggal"] + [n for n, _p in series], rows=[["a", *[p[0] for _n, p in series]]]
    )
    header = next(csv.reader(io.StringIO(figure_csv(figure).lstrip("\ufeff"))))
    assert len(header) == 14  # the table and CSV keep every series


def test_13_lines_each_get_a_distinct_style_in_the_legend():
    root = parse(svg.line_chart("BOR", ["a", "b"], thirteen_series()))
    lines = root.findall("s:polyline", NS)
    styles = {(line.get("stroke"), line.get("stroke-dasharray")) for line in lines}
    assert len(lines) == 13 and len(styles) == 13
    assert len(root.findall("s:rect[@class='key']", NS)) == 13


# --- Locale ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "pct", "big", "day", "month"),
    [
        ("id", "0,08\u00a0%", "1.234,5", "30 Nov 2026", "Agu 2026"),
        ("en", "0.08%", "1,234.5", "30 Nov 2026", "Aug 2026"),
    ],
)
def test_numbers_percentages_and_dates_follow_the_language(language, pct, big, day, month):
    with translation.override(language):
        assert l10n.percent(0.075) == pct
        assert l10n.number(1234.5) == big
        assert l10n.date(datetime.date(2026, 11, 30)) == day
        assert l10n.shown(l10n.PeriodLabel(datetime.date(2026, 8, 1), "month")) == month
        tick = parse(svg.bar_chart("x", [l10n.PeriodLabel(datetime.date(2026, 8, 1), "month")], [("n", [1234.5])]))
        texts = [t.text for t in tick.findall("s:text", NS)]
        assert month in texts and l10n.number(2000) in texts  # x label and axis top (nice_max 2000), localized


@pytest.fixture
def data(db):
    dataset = make_dataset()
    refresh()
    return dataset


@pytest.mark.parametrize(("language", "survival", "decimal"), [("id", "71,4\u00a0%", "71,4"), ("en", "71.4%", "71.4")])
def test_cards_tables_and_charts_use_one_locale(alice_client, data, language, survival, decimal):
    alice_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = alice_client.get("/dasbor/tanam/").content.decode()
    assert survival in html  # the card: 5 of 7 trees alive
    assert f"<td>{decimal}</td>" in html  # the survival table
    assert l10n.date(data["today"]) in html  # the period, not an ISO date
    assert f"<td>{data['today'].isoformat()}</td>" not in html


# --- Any period back to 2016, yearly and monthly ----------------------------------------------


def plant(year_month_day_trees, user, species):
    from blitar_portal.regions.models import Desa
    from tanam.models import Planting

    desa = Desa.objects.select_related("kecamatan").first()
    for day, trees in year_month_day_trees:
        Planting.objects.create(
            user=user,
            point=desa.geom.point_on_surface,
            kecamatan=desa.kecamatan,
            desa=desa,
            species=species,
            tree_count=trees,
            planted_on=day,
            status="verified",
        )


@pytest.fixture
def decade(db):
    from tanam.models import Species
    from tests.factories import UserFactory

    species = Species.objects.order_by("local_name").first() or Species.objects.create(
        slug="trembesi-uji", local_name="Trembesi", scientific_name="Samanea saman", kind="peneduh"
    )
    plantings = [
        (datetime.date(2016, 3, 1), 100),
        (datetime.date(2016, 12, 31), 20),
        (datetime.date(2017, 6, 15), 7),
        (datetime.date(2020, 1, 1), 30),
        (datetime.date(2020, 2, 29), 3),
        (datetime.date(2024, 11, 28), 60),
    ]
    plant(plantings, UserFactory(username="penanam-dekade"), species)
    refresh()
    return plantings


def test_2016_to_today_per_year_equals_the_hand_computed_figures(alice_client, decade, django_assert_num_queries):
    today = datetime.date.today()
    params = {"mulai": "2016-01-01", "sampai": today.isoformat(), "tampilan": "tahun"}
    response = alice_client.get("/dasbor/tanam/", params)
    figure = response.context["section"].figure("penanaman")
    expected = {str(y): [0, 0] for y in range(2016, today.year + 1)}
    for day, trees in decade:  # by hand
        expected[str(day.year)][0] += trees
        expected[str(day.year)][1] += 1
    assert {row[0]: row[1:] for row in figure.rows} == expected
    assert expected["2016"] == [120, 2] and expected["2020"] == [33, 2]
    assert figure.title == "Penanaman terverifikasi per tahun"
    html = response.content.decode()
    assert 'value="2016-01-01"' in html and f'value="{today.isoformat()}"' in html  # inputs = figures
    assert '<option value="tahun" selected>' in html


def test_a_long_period_reads_as_many_queries_as_a_month(alice_client, decade, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = datetime.date.today()
    warm_up = {"mulai": (today - datetime.timedelta(days=59)).isoformat(), "sampai": today.isoformat()}
    alice_client.get("/dasbor/tanam/", warm_up)  # the session and the kecamatan shapes' cache
    counts = []
    for start in (today - datetime.timedelta(days=29), datetime.date(2016, 1, 1)):
        with CaptureQueriesContext(connection) as queries:
            alice_client.get("/dasbor/tanam/", {"mulai": start.isoformat(), "sampai": today.isoformat()})
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_monthly_view_of_2020_equals_the_hand_computed_months(alice_client, decade):
    page = alice_client.get("/dasbor/tanam/", {"mulai": "2020-01-01", "sampai": "2020-12-31", "tampilan": "bulan"})
    rows = {row[0]: row[1:] for row in page.context["section"].figure("penanaman").rows}
    assert len(rows) == 12
    assert rows["2020-01"] == [30, 1] and rows["2020-02"] == [3, 1] and rows["2020-03"] == [0, 0]


def test_a_decade_without_a_chosen_view_is_shown_per_year(alice_client, decade):
    today = datetime.date.today()
    response = alice_client.get("/dasbor/tanam/", {"mulai": "2016-01-01", "sampai": today.isoformat()})
    assert response.context["filters"].granularity == "year"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"mulai": "2015-12-31", "sampai": "2016-02-01"}, "Data dasbor dimulai 1 Jan 2016 (awal program)"),
        ({"mulai": "2016-01-01", "sampai": "2016-12-31", "tampilan": "hari"}, "Tampilan harian paling lama 92 hari"),
        ({"mulai": "2016-01-01", "sampai": "2020-12-31", "tampilan": "minggu"}, "Tampilan mingguan paling lama"),
        ({"tampilan": "jam"}, "Pilih tampilan harian, mingguan, bulanan, atau tahunan."),
    ],
)
def test_bad_periods_get_a_bahasa_message_and_the_inputs_show_the_period_shown(alice_client, db, params, message):
    response = alice_client.get("/dasbor/tanam/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    filters = response.context["filters"]
    assert filters.days == 30
    assert f'value="{filters.start.isoformat()}"' in html and f'value="{filters.end.isoformat()}"' in html
    assert f'value="{params.get("mulai", "x")}"' not in html or params.get("mulai") == filters.start.isoformat()


# --- Downloads and the stable link ---------------------------------------------------------------

PERIOD = {"mulai": "2016-01-01", "tampilan": "tahun"}


def test_each_chart_downloads_as_svg_png_and_csv(alice_client, decade):
    from PIL import Image

    params = {**PERIOD, "sampai": datetime.date.today().isoformat()}
    figure = alice_client.get("/dasbor/tanam/", params).context["section"].figure("penanaman")
    response = alice_client.get("/dasbor/tanam/penanaman.svg", params)
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    assert 'filename="dasbor-tanam-penanaman.svg"' in response["Content-Disposition"]
    root = parse(response.content.decode().split("?>", 1)[1])
    assert root.find("s:title", NS).text == figure.title
    width, height = view_box(root)[2:]
    assert (float(root.get("width")), float(root.get("height"))) == (width, height)
    png = alice_client.get("/dasbor/tanam/penanaman.png", params)
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    assert image.size == (round(2 * width), round(2 * height))
    rows = list(
        csv.reader(io.StringIO(alice_client.get("/dasbor/tanam/penanaman.csv", params).content.decode("utf-8-sig")))
    )
    assert rows[1][:3] == ["2016", "120", "2"]


def test_a_table_only_figure_has_no_picture_and_downloads_need_the_role(alice_client, data):
    from django.test import Client

    assert alice_client.get("/dasbor/ikm/sertifikat.svg").status_code == 404
    assert alice_client.get("/dasbor/tanam/tidak-ada.png").status_code == 404
    assert Client().get("/dasbor/tanam/penanaman.png").status_code == 302  # anonymous: to the login page


def test_the_stable_link_opens_the_same_view(alice_client, decade):
    params = {**PERIOD, "sampai": datetime.date.today().isoformat()}
    response = alice_client.get("/dasbor/tanam/", params)
    rows = response.context["section"].figure("penanaman").rows
    link = f"/dasbor/tanam/?mulai=2016-01-01&amp;sampai={params['sampai']}&amp;tampilan=tahun#fig-penanaman"
    html = response.content.decode()
    assert link in html and 'id="fig-penanaman"' in html
    assert rows  # the decade's plantings per year
    again = alice_client.get(link.replace("&amp;", "&").split("#")[0])
    assert again.context["filters"] == response.context["filters"]

    def figure_html(page):
        text = page.content.decode()
        return text[text.index('id="fig-penanaman"') :].split("</section>", 1)[0]

    assert figure_html(again) == figure_html(response)
