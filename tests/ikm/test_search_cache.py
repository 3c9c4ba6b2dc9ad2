"""Issue 11, point 8: the cached search page is keyed and built from validated parameters only.

A parameter the form does not know (utm_…) never reaches a cached page, and two searches that
differ only after 100 characters never share an entry."""

import re

import pytest

from .conftest import make_product


@pytest.fixture
def two_pages(shop):
    for i in range(30):
        make_product(shop, name=f"Keripik Nomor {i}")
    return shop


def _next_link(body):
    match = re.search(r'rel="next" href="\?([^"]*)"', body)
    assert match, "the page has a next link"
    return match.group(1).replace("&amp;", "&")


def test_an_unknown_parameter_never_reaches_another_visitors_next_link(client, two_pages):
    poisoned = client.get("/ikm/cari/", {"q": "keripik", "utm_x": "evil"}).content.decode()
    assert "utm_x" not in _next_link(poisoned)  # (the language switch may return the visitor to their own URL)
    # Another visitor's plain search is served from the same (validated) cache entry.
    clean = client.get("/ikm/cari/", {"q": "keripik"}).content.decode()
    assert "evil" not in clean
    assert _next_link(clean) == "q=keripik&halaman=2"


def test_links_carry_the_validated_values_not_the_raw_ones(client, two_pages):
    body = client.get(
        "/ikm/cari/", {"q": "  keripik   ", "kategori": "tidak-ada", "urut": "terbaru", "halaman": "1"}
    ).content.decode()
    # Normalised query, unknown category dropped, known sort kept.
    assert _next_link(body) == "q=keripik&urut=terbaru&halaman=2"


def test_the_same_search_written_differently_shares_one_entry(client, two_pages, django_assert_num_queries):
    client.get("/ikm/cari/", {"q": "keripik", "halaman": "2"})
    with django_assert_num_queries(0):  # a cache hit: no search runs again
        client.get("/ikm/cari/", {"halaman": "02", "q": " keripik ", "fbclid": "x"})


def test_long_parameters_do_not_collide(client, shop):
    make_product(shop, name="Keripik Tempe Sagu")
    long_a = "keripik " + "a" * 92  # 100 characters: the longest valid query
    long_b = "keripik " + "a" * 91 + "b"
    assert len(long_a) == len(long_b) == 100
    first = client.get("/ikm/cari/", {"q": long_a}).content.decode()
    second = client.get("/ikm/cari/", {"q": long_b}).content.decode()
    assert long_a in first and long_b not in first
    assert long_b in second and long_a not in second


def test_an_invalid_search_is_a_400_with_its_message_and_is_not_cached(client, shop):
    response = client.get("/ikm/cari/", {"harga_min": "-5", "q": "keripik"})
    assert response.status_code == 400 and "harga_min" in response.content.decode()
    too_long = client.get("/ikm/cari/", {"q": "k" * 101})
    assert too_long.status_code == 400
