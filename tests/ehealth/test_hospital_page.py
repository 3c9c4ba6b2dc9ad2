"""/kesehatan/rs/<slug>/: classes, 7-day trend as inline SVG, services, map pin, contacts, last sync."""

import datetime

import pytest
from django.utils import timezone

from ehealth import selectors
from ehealth.models import BedCountChange

pytestmark = pytest.mark.django_db


def test_hospital_page_shows_classes_services_contacts_and_map(client, hospital, service):
    response = client.get("/kesehatan/rs/rsud-wlingi/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>RSUD Ngudi Waluyo Wlingi</h1>" in html
    assert "Kelas 3" in html and "Poli Anak" in html and "kuota 3/hari" in html
    assert 'href="tel:+62342809999"' in html
    assert 'id="hospitalmap"' in html and "data-lat=" in html
    assert "/kesehatan/permohonan/baru/?rs=rsud-wlingi" in html
    assert "Diperbarui oleh petugas rumah sakit" in html
    assert len(html.encode()) < 100 * 1024 and 'src="http' not in html


def test_trend_is_rebuilt_from_history_and_drawn_as_inline_svg(client, hospital):
    now = timezone.now()
    # Today's total is 6 (2+3+1); two days ago a change took VIP from 0 to 2.
    BedCountChange.objects.filter(hospital=hospital).delete()
    BedCountChange.objects.create(
        hospital=hospital,
        code="VIP",
        source="feed",
        old_capacity=6,
        new_capacity=6,
        old_available=0,
        new_available=2,
        changed_at=now - datetime.timedelta(days=2),
    )
    trend = selectors.hospital_trend(hospital, now=now)
    assert len(trend) == 7
    assert [v for _d, v in trend] == [4, 4, 4, 4, 6, 6, 6]
    html = client.get("/kesehatan/rs/rsud-wlingi/").content.decode()
    assert html.count("<rect ") == 7 and "<svg" in html
    assert 'x="14.5"' in html  # not localized as 14,5


def test_unknown_or_inactive_hospital_is_404(client, hospital):
    assert client.get("/kesehatan/rs/tidak-ada/").status_code == 404
    hospital.is_active = False
    hospital.save()
    assert client.get("/kesehatan/rs/rsud-wlingi/").status_code == 404
