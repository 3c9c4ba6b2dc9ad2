"""Bed history shows class labels (Kelas 3, Lainnya: Ruang Kemo) wherever a person reads it, never KELAS_3."""

from html.parser import HTMLParser

import pytest

from ehealth.models import BedCountChange

from .conftest import set_beds

pytestmark = pytest.mark.django_db


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html):
    """The text a person reads (no attribute values such as filter links)."""
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture
def history(hospital):
    set_beds(hospital, {("KELAS_3", ""): (12, 5), ("LAINNYA", "Ruang Kemo"): (3, 1)})
    return BedCountChange.objects.filter(hospital=hospital)


def test_history_label_and_str_use_the_class_label(history):
    kelas_3 = history.filter(code="KELAS_3").first()
    lainnya = history.get(code="LAINNYA")
    assert kelas_3.label == "Kelas 3" and str(kelas_3) == "Kelas 3 3→5"
    assert lainnya.label == "Lainnya: Ruang Kemo" and str(lainnya) == "Lainnya: Ruang Kemo –→1"


def test_history_changelist_shows_labels_and_filters_by_label(client, clerk, history):
    client.force_login(clerk)
    text = visible_text(client.get("/admin/ehealth/bedcountchange/").content.decode())
    assert "Kelas 3" in text and "Lainnya: Ruang Kemo" in text
    assert "KELAS_3" not in text and "LAINNYA" not in text
    lowered = text.lower()  # column headers are named in Bahasa Indonesia, not field names
    assert "waktu" in lowered and "tersedia baru" in lowered and "changed at" not in lowered
    filtered = visible_text(client.get("/admin/ehealth/bedcountchange/?code=KELAS_3").content.decode())
    assert "Kelas 3" in filtered and "Ruang Kemo" not in filtered
    assert "KELAS_3" not in filtered


def test_history_detail_page_shows_the_label(client, clerk, history):
    client.force_login(clerk)
    change = history.get(code="LAINNYA")
    text = visible_text(client.get(f"/admin/ehealth/bedcountchange/{change.pk}/change/").content.decode())
    assert "Lainnya: Ruang Kemo" in text and "LAINNYA" not in text


def test_quick_form_history_and_field_labels_use_class_labels(client, clerk, hospital, history):
    client.force_login(clerk)
    html = client.get(f"/admin/ehealth/hospital/{hospital.pk}/tempat-tidur/").content.decode()
    text = visible_text(html)
    assert "Tersedia Kelas 3" in text and "Kapasitas Lainnya: Ruang Kemo" in text
    history_table = text.split("Riwayat perubahan terakhir", 1)[1]
    assert "Kelas 3" in history_table and "Lainnya: Ruang Kemo" in history_table
    assert "KELAS_3" not in text and "LAINNYA" not in text
