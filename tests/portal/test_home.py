def test_home_shows_zeros_gracefully_on_an_empty_database(client, db):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for testid in ("beds-available", "ikm-online", "trees-planted"):
        assert f'data-testid="{testid}">0<' in html


def test_home_speaks_english_after_switching_language(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Health Services" in html
    assert "beds available now" in html


def test_home_is_small_and_has_no_external_assets(client, db):
    html = client.get("/").content.decode()
    assert len(html.encode()) < 100 * 1024
    assert "cdn" not in html.lower()
    assert 'src="http' not in html and 'href="http' not in html.replace('href="https://www.openstreetmap', "")


def test_unknown_page_is_a_friendly_404(client, db):
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_baseline_view_is_trivial(client, db):
    response = client.get("/bench/baseline")
    assert response.content == b"ok"


def test_indonesian_is_the_default_even_for_an_english_browser(client, db):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="id">' in html
    assert "tempat tidur tersedia sekarang" in html


def test_dashboard_link_only_for_diskominfo(client, alice, bob):
    client.force_login(bob)
    assert 'href="/dasbor/"' not in client.get("/").content.decode()
    client.force_login(alice)
    assert 'href="/dasbor/"' in client.get("/").content.decode()


def test_home_figures_are_computed_once_a_minute_not_per_visit(client, db, django_assert_num_queries):
    client.get("/")
    with django_assert_num_queries(0):
        response = client.get("/")
    assert response.context["computed_at"] is not None
