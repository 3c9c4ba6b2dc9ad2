"""The page-weight budget of issue 16 ("fast on a cheap phone over a slow link"), measured on a
production process: DEBUG=0, `collectstatic` into a fresh STATIC_ROOT (CompressedManifestStaticFilesStorage
writes .gz and, with Brotli installed, .br next to each file) and gunicorn + WhiteNoise serving them.

A page's first load = its HTML + every stylesheet, script, icon, manifest and font it references
(CSS url() included), counted as the bytes actually sent for `Accept-Encoding: br, gzip`. Map tiles and
photos are not counted. Budget: ≤ 100 KB per page; JavaScript ≤ 60 KB except on pages with a Leaflet map.
"""

import gzip
import http.client
import re
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import brotli
import pytest
from django.conf import settings
from django.db import connection

from blitar_portal.accounts.roles import IKM_OWNER
from tests.ehealth.conftest import make_hospital
from tests.factories import UserFactory
from tests.ikm.conftest import make_product, make_shop

from .production import production_env

ROOT = Path(settings.BASE_DIR)
VENV_BIN = Path(sys.executable).parent
KB = 1024
PAGE_BUDGET = 100 * KB
JS_BUDGET = 60 * KB
HOST = "portal.blitarkab.go.id"  # ALLOWED_HOSTS of production_env()


def _test_database_url():
    db = connection.settings_dict
    assert db["NAME"].startswith("test_"), db["NAME"]
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgis://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _References(HTMLParser):
    """The static resources a browser fetches on first load: stylesheets, scripts, icons, manifest, <img> under
    STATIC_URL (photos are served elsewhere and not counted)."""

    def __init__(self):
        super().__init__()
        self.urls = []
        self.has_map = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-leaflet-map" in a:
            self.has_map = True
        if tag == "link" and a.get("href"):
            rels = set((a.get("rel") or "").lower().split())
            if rels & {"stylesheet", "icon", "manifest", "preload", "modulepreload"}:
                self.urls.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        elif tag == "img" and (a.get("src") or "").startswith(settings.STATIC_URL):
            self.urls.append(a["src"])


CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


def _decode(body, encoding):
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    return body


class _Site:
    def __init__(self, port):
        self.port = port

    def get(self, path):
        """(bytes sent, content-encoding, decoded body, content-type) for a first visit (no cookies, no cache)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(
                "GET", path, headers={"Host": HOST, "Accept-Encoding": "br, gzip", "X-Forwarded-Proto": "https"}
            )
            response = conn.getresponse()
            body = response.read()
            assert response.status == 200, f"{path}: HTTP {response.status}"
            encoding = response.getheader("Content-Encoding", "")
            return len(body), encoding, _decode(body, encoding), response.getheader("Content-Type", "")
        finally:
            conn.close()

    def first_load(self, path):
        """[(url, bytes sent, kind, encoding)] of `path` and everything it references, and whether it has a map."""
        sent, encoding, html, _ = self.get(path)
        parser = _References()
        parser.feed(html.decode())
        files = [(path, sent, "html", encoding)]
        queue = [urldefrag(urljoin(path, u)).url for u in parser.urls]
        seen = set()
        while queue:
            url = queue.pop(0)
            if url in seen or urlsplit(url).netloc:
                continue  # external URLs (none expected: the CSP allows 'self' only) are not ours to count
            seen.add(url)
            sent, encoding, body, ctype = self.get(url)
            kind = "js" if "javascript" in ctype else "css" if "css" in ctype else "other"
            files.append((url, sent, kind, encoding))
            if kind == "css":
                queue += [
                    urldefrag(urljoin(url, u)).url for u in CSS_URL.findall(body.decode()) if not u.startswith("data:")
                ]
        return files, parser.has_map


# collectstatic compresses ~1,000 files with Brotli at its highest level: minutes on a loaded machine, so once.
pytestmark = pytest.mark.timeout(1200)


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=production_env(STATIC_ROOT=str(root)),
        capture_output=True,
        text=True,
        timeout=1100,
    )
    assert collect.returncode == 0, collect.stderr
    return root


@pytest.fixture
def production_site(transactional_db, static_root, tmp_path):
    # A small seeded fixture: one hospital with a location (a map page) and one verified product.
    hospital = make_hospital("rsud-wlingi", "RSUD Ngudi Waluyo Wlingi")
    shop = make_shop(UserFactory(username="sri", groups=[IKM_OWNER]))
    product = make_product(shop)
    environ = production_env(DATABASE_URL=_test_database_url(), STATIC_ROOT=str(static_root))
    port = _free_port()
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "blitar_portal.wsgi"],
        cwd=ROOT,
        env={
            **environ,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "1",
            "GUNICORN_ACCESSLOG": "/dev/null",
        },
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "gunicorn.log").open("w"),  # a file, not a pipe nobody drains
    )
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.1)
        yield (
            _Site(port),
            {
                "hospital": f"/kesehatan/rs/{hospital.slug}/",
                "product": f"/ikm/produk/{product.slug}/",
                "static_root": static_root,
            },
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


PAGES = ["/", "/kesehatan/", "/ikm/", "/tanam/", "/privasi/", "hospital", "product"]


def _report(page, files):
    rows = sorted(files, key=lambda f: -f[1])
    return f"{page}:\n" + "\n".join(
        f"  {sent / KB:7.1f} KB  {kind:5} {enc or 'identity':8} {url}" for url, sent, kind, enc in rows
    )


def test_every_public_page_first_load_fits_the_budget(production_site):
    site, paths = production_site
    over, measured = [], []
    for page in PAGES:
        path = paths.get(page, page)
        files, has_map = site.first_load(path)
        total = sum(f[1] for f in files)
        js = sum(f[1] for f in files if f[2] == "js")
        measured.append(f"{path}: {total / KB:.1f} KB, JS {js / KB:.1f} KB{' (map page)' if has_map else ''}")
        if total > PAGE_BUDGET:
            over.append(f"{path} sends {total / KB:.1f} KB > {PAGE_BUDGET / KB:.0f} KB. " + _report(path, files))
        if js > JS_BUDGET and not has_map:
            over.append(
                f"{path} (no map) sends {js / KB:.1f} KB of JavaScript > {JS_BUDGET / KB:.0f} KB. "
                + _report(path, files)
            )
    print("\n".join(measured))  # shown with -s / -rA: the figures of this run
    assert not over, "\n\n".join(over)


def test_map_pages_are_recognised_and_pages_without_a_map_load_no_map_library(production_site):
    site, paths = production_site
    files, has_map = site.first_load(paths["hospital"])
    assert has_map and any("leaflet" in f[0] and f[2] == "js" for f in files)
    for page in ("/", "/privasi/", paths["product"]):
        files, has_map = site.first_load(page)
        assert not has_map and not any("leaflet" in f[0] for f in files), _report(page, files)


def test_static_files_are_sent_brotli_compressed_with_hashed_names(production_site):
    site, paths = production_site
    files, _ = site.first_load(paths["hospital"])
    texts = [f for f in files if f[2] in ("js", "css")]
    assert texts
    for url, _sent, _kind, encoding in texts:
        assert re.search(r"\.[0-9a-f]{12}\.(js|css)$", url), f"{url}: not a manifest (hashed) name"
        assert encoding == "br", f"{url}: sent with Content-Encoding {encoding or 'identity'}, not br"
    assert list(paths["static_root"].rglob("*.br")), "collectstatic wrote no .br files (is Brotli installed?)"
