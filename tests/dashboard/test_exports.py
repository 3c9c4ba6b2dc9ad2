"""CSV of each figure equals the table shown; XLSX of each section holds the same numbers."""

import csv
import io
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from .conftest import SECTION_URLS, make_dataset, refresh


class TableParser(HTMLParser):
    """Collects the cells of every <table> inside <section data-figure="key">."""

    def __init__(self):
        super().__init__()
        self.tables, self.figure, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "data-figure" in attrs:
            self.figure = attrs["data-figure"]
            self.tables[self.figure] = []
        elif tag == "tr" and self.figure:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[self.figure].append(self.row)
            self.row = None
        elif tag == "section":
            self.figure = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def shown_tables(html):
    parser = TableParser()
    parser.feed(html)
    return parser.tables


def normalise(value):
    return "–" if value in ("", None) else str(value)


def shown_row(row):
    """A figure's row as the page shows it: numbers and periods in the visitor's locale (lib/l10n)."""
    from blitar_portal.lib.l10n import shown

    return [shown(v) for v in row]


@pytest.fixture
def data(db):
    dataset = make_dataset()
    refresh()
    return dataset


@pytest.mark.parametrize("url", SECTION_URLS)
def test_csv_of_every_figure_equals_the_table_shown(alice_client, data, url):
    response = alice_client.get(url)
    tables = shown_tables(response.content.decode())
    page = response.context["section"]
    assert tables, "no figure tables on the page"
    for figure in page.figures:
        if figure.is_empty:
            continue
        csv_response = alice_client.get(f"{url if url != '/dasbor/' else '/dasbor/ringkasan/'}{figure.key}.csv")
        assert csv_response.status_code == 200
        assert csv_response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
        expected = [[str(c) for c in figure.columns]] + [[normalise(v) for v in row] for row in figure.rows]
        assert [[normalise(v) for v in row] for row in rows] == expected  # the CSV keeps raw values
        table = [[str(c) for c in figure.columns]] + [shown_row(row) for row in figure.rows]
        assert tables[figure.key] == table  # the page shows the same values, localized


def test_csv_follows_the_filters(alice_client, data):
    kec = data["kec_a"]
    body = alice_client.get(
        f"/dasbor/pergerakan.csv?kecamatan={kec.slug}".replace("pergerakan", "ringkasan/pergerakan")
    )
    rows = list(csv.reader(io.StringIO(body.content.decode("utf-8-sig"))))
    assert rows[1][:2] == ["Permohonan layanan kesehatan", "5"]


def test_unknown_figure_csv_is_404(alice_client, data):
    assert alice_client.get("/dasbor/ikm/tidak-ada.csv").status_code == 404


@pytest.mark.parametrize("slug", ["ringkasan", "kesehatan", "ikm", "tanam"])
def test_xlsx_of_each_section_has_a_sheet_per_figure_with_its_numbers(alice_client, data, slug):
    response = alice_client.get(f"/dasbor/{slug}/unduh.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    page = alice_client.get("/dasbor/" if slug == "ringkasan" else f"/dasbor/{slug}/").context["section"]
    assert len(book.sheetnames) == len(page.figures) + 1
    for sheet_name, figure in zip(book.sheetnames[1:], page.figures, strict=True):
        sheet = book[sheet_name]
        values = [list(row) for row in sheet.iter_rows(min_row=3, values_only=True)]
        assert values == [[None if v == "" else v for v in row] for row in figure.rows], figure.key


def test_exports_never_turn_a_typed_name_into_a_formula():
    from blitar_portal.dashboard.figures import Figure, figure_csv, section_xlsx

    figure = Figure(key="k", title="Komunitas", columns=["Nama", "Pohon"], rows=[["=HYPERLINK(1)", 5], ["Biasa", -2]])
    rows = list(csv.reader(io.StringIO(figure_csv(figure).lstrip("\ufeff"))))
    assert rows[1] == ["'=HYPERLINK(1)", "5"] and rows[2] == ["Biasa", "-2"]
    sheet = load_workbook(io.BytesIO(section_xlsx("Uji", [figure])))["Komunitas"]
    assert sheet["A3"].value == "'=HYPERLINK(1)" and sheet["A3"].data_type == "s"
    assert sheet["B4"].value == -2
