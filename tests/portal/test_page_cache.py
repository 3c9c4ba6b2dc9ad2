"""The one page cache (blitar_portal/lib/cache.py `cached_html`), used by the E-Health board,
the IKM catalogue pages and the dashboard tabs: hits, invalidation by version, one entry per
language, no CSRF token ever stored, and the language form of a cached page still works."""

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from blitar_portal.lib.cache import cached_html, page_cache_forget_local, page_cache_key, redis_client

ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CACHED_PAGES = ["/kesehatan/", "/kesehatan/?kelas=ICU", "/ikm/", "/ikm/cari/?q=keripik", "/dasbor/"]


class Renders:
    """A render function that counts its calls."""

    def __init__(self, html="<p>isi</p>"):
        self.html, self.calls = html, 0

    def __call__(self):
        self.calls += 1
        return f"{self.html}{self.calls}"


def test_a_second_read_of_the_same_version_is_a_hit_without_rendering(db):
    render = Renders()
    first = cached_html("uji", "a", render, version=1, timeout=60)
    second = cached_html("uji", "a", render, version=1, timeout=60)
    assert render.calls == 1 and first == second == "<p>isi</p>1"


def test_another_process_reads_the_shared_entry(db):
    render = Renders()
    cached_html("uji", "a", render, version=1, timeout=60)
    page_cache_forget_local()  # as a second web process would start: only Redis holds the entry
    assert cached_html("uji", "a", render, version=1, timeout=60) == "<p>isi</p>1"
    assert render.calls == 1


def test_a_new_version_renders_again_in_every_process(db):
    render = Renders()
    cached_html("uji", "a", render, version=1, timeout=60)
    assert cached_html("uji", "a", render, version=2, timeout=60) == "<p>isi</p>2"
    page_cache_forget_local()
    assert cached_html("uji", "a", render, version=2, timeout=60) == "<p>isi</p>2"
    assert cached_html("uji", "a", render, version=1, timeout=60) == "<p>isi</p>3"  # never an older version
    assert render.calls == 3


def test_variants_and_languages_are_separate_entries(db):
    render = Renders()
    with translation.override("id"):
        indonesian = cached_html("uji", "a", render, version=1, timeout=60)
        other_variant = cached_html("uji", "b", render, version=1, timeout=60)
        indonesian_key = page_cache_key("uji", "a")
    with translation.override("en"):
        english = cached_html("uji", "a", render, version=1, timeout=60)
        assert page_cache_key("uji", "a") != indonesian_key
    assert (indonesian, other_variant, english) == ("<p>isi</p>1", "<p>isi</p>2", "<p>isi</p>3")


def test_the_cached_html_is_marked_safe_for_the_template(db):
    from django.template import Context, Template

    html = cached_html("uji", "a", lambda: "<b>tebal</b>", version=1, timeout=60)
    assert Template("{{ body }}").render(Context({"body": html})) == "<b>tebal</b>"


def test_redis_down_renders_every_time(settings, db):
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:6390/0"},
    }
    page_cache_forget_local()
    render = Renders()
    assert cached_html("uji", "a", render, version=1, timeout=60) == "<p>isi</p>1"


@pytest.mark.parametrize("path", CACHED_PAGES)
def test_no_cached_page_entry_holds_a_csrf_token_and_each_visitor_gets_their_own(path, alice):
    first, second = Client(), Client()
    first.force_login(alice)
    second.force_login(alice)
    html_first = first.get(path).content.decode()
    html_second = second.get(path).content.decode()  # a hit
    assert TOKEN.search(html_first).group(1) != TOKEN.search(html_second).group(1)
    client = redis_client()
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*:page:*"))
    assert keys, "the page was not cached"
    for key in keys:
        assert b"csrfmiddlewaretoken" not in client.get(key)


@pytest.mark.parametrize("path", CACHED_PAGES)
def test_a_post_form_of_a_cached_page_works_with_the_token_of_a_fresh_render(path, alice):
    """The signed-in shell (rendered per request) holds the visitor's logout token."""
    warm = Client()
    warm.force_login(alice)
    warm.get(path)  # fills the page cache
    visitor = Client(enforce_csrf_checks=True)
    visitor.force_login(alice)
    token = TOKEN.search(visitor.get(path).content.decode()).group(1)
    assert visitor.post("/akun/keluar/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert "_auth_user_id" not in visitor.session


@pytest.mark.parametrize("path", ["/kesehatan/", "/kesehatan/?kelas=ICU", "/ikm/", "/ikm/cari/?q=keripik"])
def test_the_language_switch_of_a_cached_page_needs_no_token(path, db):
    Client().get(path)  # fills the page cache
    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get(path).content.decode()
    assert "csrfmiddlewaretoken" not in html  # an anonymous page: nothing per visitor
    response = visitor.get("/bahasa/", {"language": "en", "next": path})
    assert response.status_code == 302 and response["Location"] == path
    english = visitor.get(path).content.decode()
    assert 'lang="en"' in english and english != html  # the English page is an entry of its own


def test_the_language_switch_stays_on_this_site(client, db):
    response = client.get("/bahasa/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    response = client.get("/bahasa/", {"language": "xx", "next": "/ikm/"})
    assert response["Location"] == "/ikm/" and "django_language" not in response.cookies


def test_the_pages_cache_rendered_html_only_through_the_one_helper():
    views = [ROOT / "ehealth/views.py", ROOT / "ikm/views.py", ROOT / "blitar_portal/dashboard/views.py"]
    for path in views:
        text = path.read_text()
        assert "cached_html(" in text, path
        assert "django.core.cache" not in text and "csrfmiddlewaretoken" not in text, path
