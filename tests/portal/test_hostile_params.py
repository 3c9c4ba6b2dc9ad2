"""Hostile values in every GET parameter of every page: never a 500 (issue 11, point 1).

Pages come from the URLconf (every named pattern outside /admin/, /api/ — the API has its
schema-driven test — and the data exports being rewritten elsewhere); each page's parameters
come from its module: the fields of the forms it defines or imports and every
`request.GET.get("…")` it reads. A new page or parameter is swept without editing this file;
a new page whose path needs an argument fails until _path_args() says which row to use.
"""

import inspect
import re

import pytest
from django import forms
from django.urls import URLPattern, URLResolver, get_resolver, reverse

HOSTILE = [
    "\x00",
    "a\x1b[31mb",
    "9223372036854775808",
    "-1",
    "²",
    "../../etc/passwd",
    "x" * 5000,
    "0001-01-01",
    "9999-12-31",
    "a/b",
    "1e309",
    "NaN",
    "' OR 1=1 --",
    '<img src=x onerror="alert(1)">',
]
SKIPPED_PREFIXES = ("/admin/", "/api/", "/i18n/", "/media/", "/static/")
SKIPPED_NAMES = {
    "core:baseline",  # benchmark baseline, reads nothing
}


def _patterns(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _path_args(rows):
    return {
        "ehealth:hospital_detail": {"slug": rows.hospital.slug},
        "ehealth:request_detail": {"code": rows.service_request.code},
        "ehealth:request_cancel": {"code": rows.service_request.code},
        "ehealth:request_my_data": {"code": rows.service_request.code},
        "ehealth:request_erase": {"code": rows.service_request.code},
        "ikm:photo": {"pk": 999_999, "size": "card", "ext": "jpg"},
        "ikm:shop_image": {"pk": rows.shop.pk, "size": "logo", "ext": "jpg"},
        "tanam:photo": {"pk": rows.planting.pk, "size": "card", "ext": "jpg"},
        "ehealth:demo_feed": {"slug": rows.hospital.slug},
        "ehealth:queue_display": {"slug": rows.hospital.slug},
        "ehealth:queue_display_data": {"slug": rows.hospital.slug},
        "ehealth:self_check_in": {"slug": rows.hospital.slug},
        "ehealth:staff_queue": {"service_id": rows.service_request.service_id},
        "ehealth:clerk_hospital": {"slug": rows.hospital.slug},
        "ehealth:bed_alert_manage": {"token": "tidak-ada"},
        "ehealth:bed_alert_renew": {"token": "tidak-ada"},
        "ehealth:bed_alert_cancel": {"token": "tidak-ada"},
        "ikm:product": {"slug": rows.product.slug},
        "ikm:product_whatsapp": {"slug": rows.product.slug},
        "ikm:product_inquiry": {"slug": rows.product.slug},
        "ikm:shop": {"slug": rows.shop.slug},
        "ikm:staff_programme": {"pk": 999_999},
        "ikm:staff_shop_history": {"pk": rows.shop.pk},
        "tanam:detail": {"pk": rows.planting.pk},
        "tanam:edit": {"pk": rows.planting.pk},
        "tanam:check": {"pk": rows.planting.pk},
        "tanam:public": {"pk": rows.planting.pk},
        "tanam:public-observation-photo": {"pk": rows.planting.pk, "observation_id": 999_999},
        "tanam:community": {"slug": rows.community.slug},
        "tanam:community-join": {"slug": rows.community.slug},
        "tanam:community-leave": {"slug": rows.community.slug},
        "tanam:campaign": {"slug": rows.campaign.slug},
        "dashboard:section": {"slug": "kesehatan"},
        "dashboard:xlsx": {"slug": "ringkasan"},
        "dashboard:csv": {"slug": "ringkasan", "key": "ringkasan"},
        "dashboard:review-queue": {"kind": "penanaman"},
        "dashboard:review-bulk": {"kind": "penanaman"},
        "dashboard:review-item": {"kind": "penanaman", "pk": rows.planting.pk},
        "dashboard:svg": {"slug": "tanam", "key": "penanaman"},
        "dashboard:png": {"slug": "tanam", "key": "penanaman"},
        "sitemap-section": {"section": "ikm"},
        "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "notifications:stop": {"token": "1-00000000000000000000"},
    }


def _owner_pages(name):
    """Pages with a numeric id of an owner's own row: swept with an id nobody owns (a 404)."""
    return name.startswith("ikm:owner_") or name.startswith("ikm:owner")


def _parameters(callback):
    """The GET parameters a view reads: `request.GET.get("…")` names and the fields of the forms it
    binds to the query string, in its own source and in the same-module helpers it calls."""
    view = getattr(callback, "view_class", None) or inspect.unwrap(callback)
    module = inspect.getmodule(view)
    text = inspect.getsource(view)
    helpers = [
        value
        for name, value in vars(module).items()
        if inspect.isfunction(value) and value.__module__ == module.__name__ and re.search(rf"\b{name}\(", text)
    ]
    text += "".join(inspect.getsource(helper) for helper in helpers)
    names = set(re.findall(r"""GET\.get\(\s*["'](\w+)["']""", text))
    for call in re.findall(r"\bpage_of\((?:[^()]|\([^()]*\))*\)", text):  # lib/params.page_of reads one page number
        names.add((re.findall(r"""param=["'](\w+)["']""", call) or ["halaman"])[0])
    for name, value in vars(module).items():
        if inspect.isclass(value) and issubclass(value, forms.BaseForm):
            if re.search(rf"\b{name}\(\s*(request\.GET|params)", text):
                names |= set(value.base_fields)
    return sorted(names)


def _pages(rows):
    args = _path_args(rows)
    pages = []
    for name, pattern in _patterns():
        kwargs = args.get(name, {})
        if name in SKIPPED_NAMES or name.startswith(("admin:", "api:")):
            continue
        if pattern.pattern.converters and not kwargs:
            kwargs = {key: 999_999 for key in pattern.pattern.converters} if _owner_pages(name) else None
        assert kwargs is not None, f"{name}: add its path arguments to _path_args()"
        url = reverse(name, kwargs=kwargs)
        if not url.startswith(SKIPPED_PREFIXES):
            pages.append((name, url, _parameters(pattern.callback)))
    return pages


def _sweep(client, pages):
    failures = []
    for name, url, params in pages:
        for param in params:
            for value in HOSTILE:
                response = client.get(url, {param: value})
                if response.status_code >= 500:
                    failures.append(f"{name} {url}?{param}={value[:20]!r}: {response.status_code}")
    return failures


@pytest.fixture
def pages(portal_rows):
    return _pages(portal_rows)


def test_the_sweep_covers_every_app_and_its_parameters(pages):
    by_name = {name: params for name, _url, params in pages}
    assert {"halaman", "q", "harga_min"} <= set(by_name["ikm:search"])
    assert {"halaman"} <= set(by_name["ikm:shop"])
    assert {"year", "species", "campaign"} <= set(by_name["tanam:map"])
    assert {"tahun", "tingkat", "page"} <= set(by_name["tanam:cover"])
    assert {"kelas", "jenis", "lat", "lon"} <= set(by_name["ehealth:board"])
    assert by_name["ehealth:request_lookup"] == ["kode"] and by_name["ehealth:request_new"] == ["layanan", "rs"]
    assert {"mulai", "sampai", "kecamatan", "tampilan"} <= set(by_name["dashboard:section"])
    assert {"mulai", "sampai", "tampilan"} <= set(by_name["dashboard:png"])
    assert len(pages) >= 30


def test_hostile_values_in_any_parameter_of_any_page_never_give_a_500(client, pages):
    assert _sweep(client, pages) == []


def test_signed_in_pages_survive_hostile_values_too(client, alice, portal_rows, settings):
    """Diskominfo sees the dashboards; the planter their own plantings."""
    client.force_login(alice)
    dashboards = [page for page in _pages(portal_rows) if page[0].startswith("dashboard:")]
    assert _sweep(client, dashboards) == []
    client.force_login(portal_rows.planter)
    own_pages = {"tanam:mine", "tanam:detail", "tanam:edit", "tanam:check"}
    own = [page for page in _pages(portal_rows) if page[0] in own_pages]
    assert _sweep(client, own) == []
