"""The bad-input boundary (issue 11, point 1): every crash found by trying the portal as an
attacker is a clear 400 (or the page a person expects), never a 500.

The sweep over every GET parameter of every public page is in test_hostile_params.py."""

import json

import pytest

pytestmark = pytest.mark.django_db


def _api_error(response, status=400):
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert body["detail"]
    return body


# --- NUL and other control characters: the middleware ---------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/kesehatan/permohonan/A%00B/",
        "/kesehatan/permohonan/baru/?rs=a%00b",
        "/ikm/cari/?q=kerip%01ik",
        "/tanam/?year=20%1b26",
        "/kesehatan/?kelas%00=ICU",
    ],
)
def test_control_characters_on_a_page_are_a_bahasa_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Permintaan tidak valid" in body and "karakter kontrol" in body


def test_control_characters_400_page_speaks_english_when_chosen(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/kesehatan/permohonan/A%00B/").content.decode()
    assert "Invalid request" in body and "control characters" in body


def test_nul_in_the_cancel_path_is_a_400(client, portal_rows):
    assert client.post("/kesehatan/permohonan/A%00B/batal/").status_code == 400


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/api/v1/service-requests/A%00B/"),
        ("post", "/api/v1/service-requests/A%00B/cancel/"),
        ("get", "/api/v1/tanam/plantings/?species=1%00"),
    ],
)
def test_control_characters_in_the_api_are_the_api_error_body(client, method, url):
    body = _api_error(getattr(client, method)(url))
    assert body["code"] == "invalid"


def test_admin_list_filter_with_nul_is_a_400(admin_client):
    assert admin_client.get("/admin/ehealth/hospital/?type__exact=RS%00UD").status_code == 400


# --- Booking code lookup -----------------------------------------------------------------


@pytest.mark.parametrize("code", ["a/b", "../admin", "X" * 300, "abc def ghi <script>"])
def test_a_malformed_booking_code_shows_the_tracking_form_with_a_message(client, code):
    response = client.get("/kesehatan/permohonan/cari/", {"kode": code})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="track-form"' in html
    assert "Kode booking" in html and "<script>" not in html.split("<main", 1)[-1].split("</main>", 1)[0]


def test_a_typed_booking_code_is_normalised_and_found(client, portal_rows):
    code = portal_rows.service_request.code
    typed = f" {code[:4].lower()}-{code[4:]} "
    response = client.get("/kesehatan/permohonan/cari/", {"kode": typed})
    assert response.status_code == 302 and response["Location"] == f"/kesehatan/permohonan/{code}/"


# --- Page numbers: junk is page 1, past the end is the last page ------------------------------


@pytest.mark.parametrize("halaman", ["9223372036854775808", "99999999999999999999999", "-1", "0", "²", "abc"])
def test_huge_or_junk_page_numbers_show_a_page(client, portal_rows, halaman):
    search = client.get("/ikm/cari/", {"q": "keripik", "halaman": halaman})
    shop = client.get(f"/ikm/toko/{portal_rows.shop.slug}/", {"halaman": halaman})
    assert search.status_code == 200 and "Keripik Tempe Sagu" in search.content.decode()
    assert shop.status_code == 200 and "Keripik Tempe Sagu" in shop.content.decode()


# --- Map filters and cursors: bounded integers ----------------------------------------------

BBOX = "111.9,-8.4,112.6,-7.9"


@pytest.mark.parametrize("year", ["0", "-1", "99999", "9223372036854775808"])
def test_out_of_range_years_are_a_400_on_the_api(client, portal_rows, year):
    body = _api_error(client.get("/api/v1/tanam/plantings/", {"year": year}))
    assert "year" in body["errors"] and "1900" in body["detail"]
    pins = client.get("/api/v1/tanam/clusters/", {"bbox": "112.0,-8.2,112.01,-8.19", "zoom": 18, "year": year})
    assert "year" in _api_error(pins)["errors"]


def test_out_of_range_year_on_the_map_page_is_a_message(client, portal_rows):
    response = client.get("/tanam/", {"year": "99999"})
    assert response.status_code == 200 and "1900" in response.content.decode()


@pytest.mark.parametrize("name", ["after", "before"])
@pytest.mark.parametrize("value", ["²", "-5", "9223372036854775808", "1e3"])
def test_bad_cursors_are_a_400(client, portal_rows, name, value):
    body = _api_error(client.get("/api/v1/tanam/plantings/", {name: value}))
    assert "harus berupa id" in body["detail"] and name in body["errors"]


def test_cursor_links_carry_only_known_parameters(client, portal_rows, alice, monkeypatch):
    from tanam import services
    from tanam.api import PlantingsView

    first = portal_rows.planting
    second = type(first).objects.get(pk=first.pk)
    second.pk = None
    second.save()
    for planting in (first, second):
        services.planting_verify(planting=planting, user=alice)
    monkeypatch.setattr(PlantingsView, "PAGE_SIZE", 1)
    year = first.planted_on.year
    response = client.get("/api/v1/tanam/plantings/", {"year": year, "utm_x": "evil", "after": 0})
    assert response.status_code == 200
    assert response.json()["next"].endswith(f"?year={year}&after={first.pk}")


@pytest.mark.parametrize("zoom", ["x", "-1", "99", ""])
def test_bad_zoom_is_a_400(client, zoom):
    body = _api_error(client.get("/api/v1/tanam/clusters/", {"bbox": BBOX, "zoom": zoom}))
    assert "zoom" in body["errors"]


# --- JSON bodies that are not objects -----------------------------------------------------


@pytest.mark.parametrize("payload", ["[1]", '"abc"', "5", "null"])
def test_patch_with_a_json_body_that_is_not_an_object_is_a_400(client, portal_rows, payload):
    client.force_login(portal_rows.planter)
    response = client.patch(
        f"/api/v1/tanam/plantings/{portal_rows.planting.pk}/", data=payload, content_type="application/json"
    )
    body = _api_error(response)
    assert body["code"] == "parse_error" and "objek" in body["detail"]
    portal_rows.planting.refresh_from_db()
    assert portal_rows.planting.tree_count == 3


@pytest.mark.parametrize("payload", ["[1]", "null", "{not json"])
def test_post_with_a_bad_json_body_is_the_api_error_body(client, payload):
    response = client.post("/api/v1/service-requests/", data=payload, content_type="application/json")
    assert _api_error(response)["code"] == "parse_error"


def test_api_errors_speak_english_when_chosen(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = _api_error(client.post("/api/v1/service-requests/", data="[1]", content_type="application/json"))
    assert "must be an object" in body["detail"]


def test_validation_404_and_service_errors_share_one_shape(client, portal_rows):
    invalid = _api_error(client.post("/api/v1/service-requests/", data=json.dumps({}), content_type="application/json"))
    assert invalid["code"] == "required" and "service" in invalid["errors"]
    missing = _api_error(client.get("/api/v1/service-requests/TIDAKADA/"), status=404)
    assert missing["code"] == "not_found" and missing["errors"] == {}
    past = {
        "service": portal_rows.service.pk,
        "visit_date": "2020-01-01",
        "name": "Siti Aminah",
        "nik": "3505014101900001",
        "phone": "081234567890",
        "complaint": "Demam.",
        "consent": True,
    }
    refused = _api_error(client.post("/api/v1/service-requests/", data=past, content_type="application/json"))
    assert refused["detail"] in refused["errors"]["visit_date"]


def test_unauthenticated_patch_is_a_403_with_the_error_shape(client, portal_rows):
    response = client.patch(
        f"/api/v1/tanam/plantings/{portal_rows.planting.pk}/", data="{}", content_type="application/json"
    )
    assert _api_error(response, status=403)["code"] == "not_authenticated"


# --- Dashboard dates ------------------------------------------------------------------------


@pytest.mark.parametrize("params", [{"sampai": "0001-01-01"}, {"mulai": "0001-01-01"}, {"sampai": "9999-12-31"}])
def test_dashboard_dates_out_of_range_are_a_message_not_a_crash(client, alice, params):
    client.force_login(alice)
    for url in ("/dasbor/", "/dasbor/kesehatan/"):
        response = client.get(url, params)
        assert response.status_code == 200
        assert "Tanggal" in response.content.decode()
