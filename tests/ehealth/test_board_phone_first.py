"""The bed board starts with what people look for: free critical-care beds, the booking tracker,
and the filters as chips (links built from the validated filters), all in the cached page."""

import pytest

from ehealth import selectors

from .conftest import make_hospital, set_beds

pytestmark = pytest.mark.django_db


def test_critical_care_block_lists_hospitals_with_a_free_icu_hcu_nicu_bed(client, hospital, other_hospital):
    set_beds(other_hospital, {("KELAS_1", ""): (10, 4), ("NICU", ""): (3, 0)})  # NICU full
    third = make_hospital("rs-garum", "RS Garum", kecamatan_slug="garum")
    set_beds(third, {("HCU", ""): (4, 1), ("NICU", ""): (2, 0)})
    selectors.board_cache_invalidate()
    critical = selectors.board_critical_care()
    assert [item["slug"] for item in critical] == ["rs-garum", "rsud-wlingi"]
    assert [c["code"] for c in critical[0]["classes"]] == ["HCU"]  # only the free ones
    html = client.get("/kesehatan/").content.decode()
    block = html.split('data-testid="critical-care"')[1].split("</section>")[0]
    assert "ICU/HCU/NICU kosong sekarang" in block
    assert "RS Garum" in block and "RSUD Ngudi Waluyo Wlingi" in block and "RSUD Srengat" not in block


def test_no_free_critical_care_bed_says_so(client, hospital):
    set_beds(hospital, {("VIP", ""): (6, 2), ("ICU", ""): (7, 0)})
    selectors.board_cache_invalidate()
    assert "Tidak ada tempat tidur ICU/HCU/NICU/PICU kosong" in client.get("/kesehatan/").content.decode()


def test_order_critical_care_then_tracking_then_chips_then_list(client, hospital):
    html = client.get("/kesehatan/").content.decode()
    positions = [
        html.index(marker) for marker in ('id="kritis"', 'id="lacak"', 'id="board-filters-chips"', 'id="board-results"')
    ]
    assert positions == sorted(positions)
    assert "<select" not in html.split("<main")[1].split('id="board-results"')[0]  # no dropdown wall above the list


def test_chips_are_links_from_the_validated_filters(client, hospital):
    html = client.get("/kesehatan/?kelas=ICU&kecamatan=wlingi").content.decode()
    assert 'class="chip is-active" href="/kesehatan/?kelas=ICU&amp;kecamatan=wlingi" aria-current="true">ICU<' in html
    assert 'href="/kesehatan/?kelas=HCU&amp;kecamatan=wlingi"' in html  # one value changed, the rest kept
    assert "Kelas: <strong>ICU</strong>" in html
    junk = client.get("/kesehatan/?kelas=ICU&jenis=zzz").content.decode()  # junk: no filter applied, none echoed
    assert "zzz" not in junk.split("<main")[1] and "Kelas: <strong>Semua kelas</strong>" in junk


def test_anonymous_board_still_has_no_post_form(client, hospital):
    html = client.get("/kesehatan/").content.decode()
    assert 'method="post"' not in html.split("<main")[1]  # cached whole: no CSRF token inside
