"""No script from data (issue 11.3): names that are markup stay text on every page, popup and
admin screen, and the strict Content-Security-Policy reports no violation while maps still work.

A hospital, shop, product, community, campaign and species are each stored twice, once named
`<img src=x onerror=…>` and once `<script>…</script>`. On every page that shows them the test
checks that nothing fired (`window.__xss`), that the browser never parsed a name as markup (no
`<img src="x">`, no executable script carrying the payload; JSON data blocks may: so the page is
safe even without the CSP) and
that the name is shown as the literal text a person typed.
"""

import datetime
import re

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from tests.ehealth.conftest import make_hospital, set_beds
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

IMG = "<img src=x onerror=window.__xss=1>"
SCRIPT = "<script>window.__xss=1</script>"
PAYLOADS = (IMG, SCRIPT)

# Counts CSP violations from the first byte of every document (init scripts are not subject to the CSP).
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""

INERT = """(payloads) => ({
  fired: window.__xss !== undefined,
  parsed: document.querySelectorAll('img[src="x"]').length +
    [...document.scripts].filter((s) => !s.src && !/json/.test(s.type) && s.textContent.includes("__xss")).length,
  shown: payloads.filter((p) => document.body.innerText.includes(p) ||
    [...document.querySelectorAll("input, textarea, option")].some((i) => (i.value || i.text || "").includes(p))),
})"""


@pytest.fixture
def hostile(transactional_db):
    """Every kind of named thing, stored under both payloads, public and visible on the maps."""
    from django.core.management import call_command

    from blitar_portal.accounts.roles import IKM_OWNER
    from blitar_portal.regions.models import Desa, Kecamatan
    from ehealth.selectors import board_cache_invalidate
    from ikm.selectors import catalogue_version_set
    from tanam import services as tanam_services
    from tanam.models import Campaign, Community, Membership, Planting, Species
    from tests.ikm.conftest import make_product, make_shop

    if not Kecamatan.objects.exists():
        call_command("load_regions", verbosity=0)
    tanam_services.species_load_csv()
    desa = Desa.objects.select_related("kecamatan").order_by("code").first()
    planter = UserFactory(username="penanam-uji")
    today = timezone.localdate()
    data = {"hospitals": [], "shops": [], "products": [], "communities": [], "campaigns": [], "plantings": []}
    data["planter"] = planter
    for n, name in enumerate(PAYLOADS):
        hospital = make_hospital(f"rs-xss-{n}", name)
        set_beds(hospital, {("KELAS_3", ""): (10, 4)})
        data["hospitals"].append(hospital)
        owner = UserFactory(username=f"pemilik-xss-{n}", groups=[IKM_OWNER])
        shop = make_shop(owner, name=name, story=name, location=desa.geom.point_on_surface)
        data["shops"].append(shop)
        data["products"].append(make_product(shop, name=name, description=f"Deskripsi {name}"))
        species = Species.objects.create(
            slug=f"xss-{n}",
            local_name=name,
            scientific_name=name,
            kind="peneduh",
            crown_diameter_m=8,
            years_to_maturity=10,
            co2_kg_per_year=20,
        )
        community = Community.objects.create(name=name, slug=f"komunitas-xss-{n}", kecamatan=desa.kecamatan)
        Membership.objects.get_or_create(community=community, user=planter, defaults={"listed": True})
        data["communities"].append(community)
        campaign = Campaign.objects.create(
            name=name,
            slug=f"kampanye-xss-{n}",
            description=name,
            target_trees=100,
            starts_on=today - datetime.timedelta(days=30),
            ends_on=today + datetime.timedelta(days=30),
            kecamatan=desa.kecamatan,
            organiser=community,
        )
        data["campaigns"].append(campaign)
        point = desa.geom.point_on_surface
        data["plantings"].append(
            Planting.objects.create(
                user=planter,
                point=Point(point.x + 0.0006 * n, point.y, srid=4326),
                kecamatan=desa.kecamatan,
                desa=desa,
                species=species,
                community=community,
                campaign=campaign,
                tree_count=3 + n,
                planted_on=today - datetime.timedelta(days=40),
                status=Planting.Status.VERIFIED,
                verified_at=timezone.now(),
            )
        )
    tanam_services.cluster_cells_rebuild()  # the leaderboard counts from the map cells
    board_cache_invalidate()
    catalogue_version_set(timezone.now().timestamp())
    return data


@pytest.fixture
def watched(page):
    page.add_init_script(WATCH_CSP)
    return page


def visit(page, url):
    response = page.goto(url)
    assert response.status < 400, f"{url} answered {response.status}"
    page.wait_for_load_state("load")


def assert_inert(page, where, *, shown=PAYLOADS):
    state = page.evaluate(INERT, list(PAYLOADS))
    assert not state["fired"], f"script ran from data on {where}"
    assert state["parsed"] == 0, f"a name was parsed as markup on {where}"
    assert set(shown) <= set(state["shown"]), f"{where} does not show the names as text: {state['shown']}"
    assert page.evaluate("window.__csp") == [], f"CSP violations on {where}"


def test_public_pages_show_hostile_names_as_text(watched, hostile):
    page = watched
    shops, products = hostile["shops"], hostile["products"]
    pages = [
        ("/", ()),  # figures only
        ("/kesehatan/", PAYLOADS),
        ("/ikm/", PAYLOADS),
        ("/ikm/cari/?q=onerror", (IMG,)),
        ("/ikm/cari/?q=script", (SCRIPT,)),
        ("/tanam/komunitas/", PAYLOADS),
        ("/tanam/kampanye/", PAYLOADS),
        ("/tanam/peringkat/", (SCRIPT,)),  # the top community of the kecamatan (most trees)
    ]
    for n, name in enumerate(PAYLOADS):
        pages += [
            (f"/ikm/toko/{shops[n].slug}/", (name,)),
            (f"/ikm/produk/{products[n].slug}/", (name,)),
            (f"/tanam/komunitas/{hostile['communities'][n].slug}/", (name,)),
            (f"/tanam/kampanye/{hostile['campaigns'][n].slug}/", (name,)),
        ]
    for url, shown in pages:
        visit(page, url)
        assert_inert(page, url, shown=shown)


def test_hospital_marker_popup_shows_the_name_as_text(watched, hostile):
    page = watched
    for hospital in hostile["hospitals"]:
        url = f"/kesehatan/rs/{hospital.slug}/"
        visit(page, url)
        page.locator(".leaflet-marker-pane .leaflet-marker-icon").click()  # not the base map's hospital marks
        popup = page.locator(".leaflet-popup-content")
        assert popup.inner_text() == hospital.name
        assert_inert(page, f"{url} popup", shown=(hospital.name,))


def test_tanam_map_popups_show_names_as_text(watched, hostile):
    page = watched
    visit(page, "/tanam/")
    page.wait_for_function("() => window['leafletmaptanam-map'] !== undefined")
    page.locator("#tanam-map").scroll_into_view_if_needed()
    point = hostile["plantings"][0].point
    centre = [point.y, point.x + 0.0003]  # between the two pins
    pins = page.locator(".leaflet-marker-pane .tanam-pin")
    seen = []
    for i in range(2):
        # Back to the same still view before each click (an open popup pans the map), and wait
        # until the pins of that view are drawn (each move reloads them).
        page.evaluate(
            """(c) => {
                const m = window['leafletmaptanam-map'];
                m.closePopup();
                delete document.getElementById('tanam-map-wrap').dataset.loaded;
                m.setView(c, 18, {animate: false});
            }""",
            centre,
        )
        page.locator(".leaflet-popup").wait_for(state="detached")
        page.wait_for_function("() => document.getElementById('tanam-map-wrap').dataset.loaded === 'pins'")
        assert pins.count() == 2
        pins.nth(i).click()
        text = page.locator(".leaflet-popup-content").inner_text()
        seen.append(next(p for p in PAYLOADS if p in text))
        assert re.search(r"[34] pohon", text)
        assert_inert(page, f"/tanam/ popup {i}", shown=(seen[-1],))
    assert sorted(seen) == sorted(PAYLOADS)  # both species names, each as text (with the community's)


def test_owner_pages_and_dashboards_show_hostile_names_as_text(watched, hostile, login, alice):
    page = watched
    login(hostile["planter"])
    planter_pages = [("/tanam/saya/", PAYLOADS), ("/tanam/daftar/", PAYLOADS)] + [
        (f"/tanam/penanaman/{p.pk}/", (name,)) for p, name in zip(hostile["plantings"], PAYLOADS, strict=True)
    ]
    for url, shown in planter_pages:
        visit(page, url)
        assert_inert(page, url, shown=shown)
    page.context.clear_cookies()
    login(hostile["shops"][0].owner)
    for url in ("/ikm/toko-saya/", "/ikm/toko-saya/profil/", f"/ikm/toko-saya/produk/{hostile['products'][0].pk}/"):
        visit(page, url)
        assert_inert(page, url, shown=(IMG,))
    page.context.clear_cookies()

    from blitar_portal.dashboard.services import summaries_refresh

    summaries_refresh(trigger="test")
    login(alice)
    # Hospital names appear in the E-Health figures; the other tabs show no names of these things.
    dashboards = {"/dasbor/": (), "/dasbor/kesehatan/": PAYLOADS, "/dasbor/ikm/": (), "/dasbor/tanam/": ()}
    for url, shown in dashboards.items():
        visit(page, url)
        page.locator("details.dash-table").evaluate_all("(all) => all.forEach((d) => { d.open = true; })")
        assert_inert(page, url, shown=shown)


def test_admin_lists_and_change_screens_show_hostile_names_as_text(watched, hostile, login):
    page = watched
    root = UserFactory(username="root-xss", is_superuser=True, is_staff=True)
    login(root)
    h, s, p = hostile["hospitals"][0], hostile["shops"][0], hostile["products"][0]
    c, k, t = hostile["communities"][0], hostile["campaigns"][0], hostile["plantings"][0]
    screens = {
        "/admin/ehealth/hospital/": PAYLOADS,
        f"/admin/ehealth/hospital/{h.pk}/change/": (IMG,),
        "/admin/ikm/shop/": PAYLOADS,
        f"/admin/ikm/shop/{s.pk}/change/": (IMG,),
        "/admin/ikm/product/": PAYLOADS,
        f"/admin/ikm/product/{p.pk}/change/": (IMG,),
        "/admin/tanam/species/": PAYLOADS,
        f"/admin/tanam/species/{t.species_id}/change/": (IMG,),
        "/admin/tanam/community/": PAYLOADS,
        f"/admin/tanam/community/{c.pk}/change/": (IMG,),
        "/admin/tanam/campaign/": PAYLOADS,
        f"/admin/tanam/campaign/{k.pk}/change/": (IMG,),
        "/admin/tanam/planting/": PAYLOADS,
        f"/admin/tanam/planting/{t.pk}/change/": (IMG,),
    }
    for url, shown in screens.items():
        visit(page, url)
        assert_inert(page, url, shown=shown)
    # The geometry widget still works under the strict policy: its map and draw toolbar are there.
    visit(page, f"/admin/tanam/planting/{t.pk}/change/")
    page.locator(".leaflet-container .leaflet-draw").first.wait_for()
    page.locator(".leaflet-container path.leaflet-interactive, .leaflet-marker-icon").first.wait_for()


def test_strict_policy_reports_no_violation_and_maps_still_work(watched, hostile, login, alice):
    """The main pages under the strict policy: no violation in the console or as an event, no
    script error, and every map still draws its markers, layers and widgets."""
    page = watched
    console, errors = [], []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def check(where):
        assert page.evaluate("window.__csp") == [], where
        assert console == [] and errors == [], f"{where}: {console} {errors}"

    public = ("/", "/kesehatan/", "/ikm/", "/ikm/cari/?q=keripik", "/tanam/komunitas/", "/tanam/kampanye/")
    for url in (*public, "/api/v1/ikm/shops/"):  # the last one: DRF's browsable API page
        visit(page, url)
        check(url)
    visit(page, f"/kesehatan/rs/{hostile['hospitals'][0].slug}/")
    page.locator("#hospitalmap .leaflet-marker-pane .leaflet-marker-icon").wait_for()
    check("hospital map")
    visit(page, "/tanam/")
    page.wait_for_function("() => document.getElementById('tanam-map-wrap').dataset.loaded !== undefined")
    point = hostile["plantings"][0].point
    page.evaluate("(c) => window['leafletmaptanam-map'].setView(c, 12, {animate: false})", [point.y, point.x])
    page.locator("#tanam-map .tanam-cluster").first.wait_for()  # a cluster of the verified plantings
    check("tanam map")
    visit(page, "/tanam/tutupan/")
    page.wait_for_function("() => document.getElementById('cover-map-wrap').dataset.loaded === '1'")
    assert page.locator("#cover-legend .legend-swatch").count() == 5
    assert page.locator("#cover-map path.leaflet-interactive").count() > 0  # the kecamatan polygons
    check("cover map")
    visit(page, "/api/v1/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    page.locator(".swagger-ui .opblock").first.wait_for()  # the schema loaded and its operations are listed
    check("API docs")

    login(hostile["planter"])
    visit(page, "/tanam/daftar/")
    page.locator("#register-map.leaflet-container").wait_for()
    page.locator("#register-map").click()
    page.locator("#register-map .leaflet-marker-pane .leaflet-marker-icon").wait_for()  # tap to place still works
    assert page.locator("#id_lat").input_value()
    check("planting form map")
    page.context.clear_cookies()
    login(hostile["shops"][0].owner)
    visit(page, "/ikm/toko-saya/profil/")
    page.locator(".leaflet-draw-draw-marker").wait_for()  # the geometry widget's draw toolbar
    page.locator(".leaflet-container .leaflet-marker-pane .leaflet-marker-icon").wait_for()  # the stored shop location
    check("shop form widget")
    page.context.clear_cookies()
    login(alice)
    visit(page, "/dasbor/")
    check("dashboard")
    visit(page, f"/admin/ikm/shop/{hostile['shops'][0].pk}/change/")
    page.locator(".leaflet-draw-draw-marker").wait_for()
    page.locator(".leaflet-container .leaflet-marker-pane .leaflet-marker-icon").wait_for()
    check("admin map widget")
