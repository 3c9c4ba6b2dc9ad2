"""A fresh database shows zeros and empty states, never errors — before and after the first refresh."""

import pytest

from blitar_portal.dashboard.models import DailyMetric, RefreshRun

from .conftest import SECTION_URLS, refresh

PACE = "Laju yang dibutuhkan"  # derived from the target alone: 1,000 to go on a fresh database


@pytest.mark.parametrize("url", SECTION_URLS)
def test_before_the_first_refresh_pages_say_so_and_show_zeros(alice_client, url):
    response = alice_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Angka dasbor belum pernah dihitung" in html
    for card in response.context["section"].cards:
        assert card.value in (0, None) or card.label == PACE, card.label


@pytest.mark.parametrize("url", SECTION_URLS)
def test_after_refreshing_an_empty_database_pages_show_zeros(alice_client, url):
    run = refresh()
    assert run.status == RefreshRun.Status.OK
    assert DailyMetric.objects.count() == 0
    response = alice_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Angka dihitung pada" in html and "belum pernah" not in html
    page = response.context["section"]
    for card in page.cards:
        assert card.value in (0, None) or card.label == PACE, card.label
    for figure in page.figures:
        for row in figure.rows:
            row = row[:2] if figure.key == "terverifikasi" else row  # the third column is the target (1,000)
            assert all(value in (0, None, "") for value in row[1:] if not isinstance(value, str)), figure.key
    assert "Belum ada data untuk periode dan wilayah ini." in html or "<svg" in html


def test_ringkasan_movement_is_all_zero_on_a_fresh_database(alice_client):
    refresh()
    figure = alice_client.get("/dasbor/").context["section"].figure("pergerakan")
    assert [row[1:] for row in figure.rows] == [[0, 0, 0]] * 4
