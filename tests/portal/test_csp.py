"""The Content-Security-Policy of every response allows no inline script or style (issue 11.3),
and no page relies on one: no inline <script>, no on…= handler, no javascript: URL, no style="…".

Pages, dashboards, the API docs and the browsable API are listed here; the admin is walked from
admin.site's registry (list, add and change screen of every model), so a new model is covered.
"""

import datetime
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from tests.ehealth.conftest import make_hospital, set_beds
from tests.factories import UserFactory

EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module"}


def csp_directives(response):
    header = response.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} has no Content-Security-Policy"
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


class InlineCode(HTMLParser):
    """Collects what a strict CSP would refuse: inline scripts, handlers, javascript: URLs, style attributes."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            url_attr = name in ("href", "src", "action", "formaction")
            if url_attr and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
        if tag == "style":
            self.found.append("<style> element")
        self._in_script = tag == "script" and "src" not in attrs and (attrs.get("type") or "") in EXECUTABLE_TYPES

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"inline <script>: {data.strip()[:80]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def assert_strict(response, *, check_markup=True):
    path = response.request["PATH_INFO"]
    directives = csp_directives(response)
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in directives[directive], f"{path}: {directive} allows 'unsafe-inline'"
    assert "'unsafe-eval'" not in directives["script-src"], path
    if check_markup and response["Content-Type"].startswith("text/html"):
        parser = InlineCode()
        parser.feed(response.content.decode())
        assert parser.found == [], f"{path} needs inline code: {parser.found[:5]}"


@pytest.fixture
def content(db):
    """One of each thing, so detail, change and map-widget screens exist."""
    from blitar_portal.accounts.roles import IKM_OWNER
    from blitar_portal.regions.models import Desa
    from tanam import services as tanam_services
    from tanam.models import Campaign, Community, Planting, Species
    from tests.ikm.conftest import make_product, make_shop

    tanam_services.species_load_csv()
    desa = Desa.objects.select_related("kecamatan").order_by("code").first()
    hospital = make_hospital("rsud-uji", "RSUD Uji")
    set_beds(hospital, {("KELAS_3", ""): (10, 4)})
    shop = make_shop(UserFactory(username="pemilik-csp", groups=[IKM_OWNER]), location=desa.geom.point_on_surface)
    product = make_product(shop)
    community = Community.objects.create(name="Komunitas Hijau", slug="komunitas-hijau")
    today = timezone.localdate()
    Campaign.objects.create(
        name="Blitar Hijau",
        slug="blitar-hijau",
        target_trees=10,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=9),
        organiser=community,
    )
    Planting.objects.create(
        user=UserFactory(username="penanam-csp"),
        point=desa.geom.point_on_surface,
        kecamatan=desa.kecamatan,
        desa=desa,
        species=Species.objects.first(),
        planted_on=today,
        status=Planting.Status.VERIFIED,
    )
    return {"hospital": hospital, "shop": shop, "product": product}


def test_public_pages_and_api_docs_send_a_strict_policy_and_need_no_inline_code(client, content):
    pages = [
        "/",
        "/kesehatan/",
        f"/kesehatan/rs/{content['hospital'].slug}/",
        "/kesehatan/permohonan/baru/",
        "/kesehatan/permohonan/cari/",
        "/kesehatan/permohonan/cari/?kode=salah",
        f"/kesehatan/antrean/{content['hospital'].slug}/",
        f"/kesehatan/antrean/{content['hospital'].slug}/check-in/",
        "/kesehatan/kabari/",
        f"/kesehatan/kabari/?rs={content['hospital'].slug}&kelas=ICU",
        "/ikm/",
        "/ikm/cari/?q=keripik",
        f"/ikm/toko/{content['shop'].slug}/",
        f"/ikm/produk/{content['product'].slug}/",
        "/tanam/",
        "/tanam/tutupan/",
        "/tanam/komunitas/",
        "/tanam/komunitas/komunitas-hijau/",
        "/tanam/kampanye/",
        "/tanam/kampanye/blitar-hijau/",
        "/tanam/peringkat/",
        "/akun/masuk/",
        "/akun/daftar/",
        "/halaman-yang-tidak-ada/",
        "/api/v1/docs/",
        "/api/v1/docs/?script",
        "/api/v1/schema/",
        "/healthz",
    ]
    for url in pages:
        assert_strict(client.get(url))


def test_browsable_api_sends_the_strict_policy_and_needs_no_inline_code(client, content):
    for url in ("/api/v1/ikm/shops/", "/api/v1/hospitals/", "/api/v1/tanam/cover/"):
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200 and b"<html" in response.content
        assert_strict(response)


def test_signed_in_pages_and_dashboards_send_a_strict_policy(client, content, alice):
    client.force_login(content["shop"].owner)
    for url in (
        "/ikm/toko-saya/",
        "/ikm/toko-saya/profil/",
        f"/ikm/toko-saya/produk/{content['product'].pk}/",
        "/ikm/toko-saya/program/",
    ):
        assert_strict(client.get(url))
    client.force_login(UserFactory(username="warga-csp"))
    for url in ("/tanam/daftar/", "/tanam/saya/", "/akun/profil/"):
        assert_strict(client.get(url))
    client.force_login(alice)
    for url in ("/dasbor/", "/dasbor/kesehatan/", "/dasbor/ikm/", "/dasbor/tanam/"):
        assert_strict(client.get(url))
    assert_strict(client.get(f"/ikm/staf/toko/{content['shop'].pk}/perkembangan/"))
    review = ["/dasbor/verifikasi/", "/dasbor/verifikasi/toko/", "/dasbor/verifikasi/produk/"]
    review += [f"/dasbor/verifikasi/produk/{content['product'].pk}/", f"/dasbor/verifikasi/toko/{content['shop'].pk}/"]
    for url in review:
        assert_strict(client.get(url))


def test_every_admin_screen_sends_a_strict_policy_and_needs_no_inline_code(client, content):
    client.force_login(UserFactory(username="root-csp", is_superuser=True, is_staff=True))
    assert_strict(client.get("/admin/"))
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls = [reverse("admin:{}_{}_changelist".format(*info)), reverse("admin:{}_{}_add".format(*info))]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
        for url in urls:
            response = client.get(url)
            if response.status_code in (302, 403):  # e.g. no "add" for generated rows, a queue's row opens elsewhere
                continue
            assert response.status_code == 200, f"{url}: {response.status_code}"
            assert_strict(response)
