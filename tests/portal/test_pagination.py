"""One pagination convention per kind of list (CONTRIBUTING "lists in pages"): pages go through
`page_of` and one template; the API pages by number with PortalPagination or by id with
`cursor_links`."""

import re
from pathlib import Path

from django.test import RequestFactory

from blitar_portal.core.pagination import cursor_links
from blitar_portal.lib.params import page_of
from tanam.forms import PlantingPageForm
from tanam.models import Community

ROOT = Path(__file__).resolve().parents[2]


def _communities(n):
    Community.objects.bulk_create(Community(name=f"Komunitas {i:02d}", slug=f"komunitas-{i:02d}") for i in range(n))


def test_page_of_reads_the_number_like_people_expect():
    items = list(range(45))
    factory = RequestFactory()
    assert page_of(items, factory.get("/", {"halaman": "2"}), per_page=20).number == 2
    assert page_of(items, factory.get("/", {"halaman": "dua"}), per_page=20).number == 1  # junk: page 1
    assert page_of(items, factory.get("/", {"halaman": "999"}), per_page=20).number == 3  # past the end: the last
    assert page_of(items, factory.get("/", {"page": "3"}), per_page=20, param="page").number == 3


def test_a_page_list_links_its_pages_with_the_shared_bar(client, db):
    _communities(25)
    html = client.get("/tanam/komunitas/?page=2&utm_source=x").content.decode()
    assert "Komunitas 20" in html and "Komunitas 00" not in html
    previous = re.search(r'<a class="btn btn-secondary" rel="prev" href="\?([^"]*)"', html).group(1)
    assert previous == "page=1"  # an unknown parameter never travels on in a link


def test_no_page_builds_its_own_paginator_or_pagination_bar():
    offenders = []
    for folder in ("blitar_portal", "ehealth", "ikm", "tanam"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text()
            if "Paginator(" in text and path.relative_to(ROOT).as_posix() not in (
                "blitar_portal/lib/params.py",
                "ikm/selectors.py",  # ids_page: the window-count pages of the product grids
            ):
                offenders.append(str(path.relative_to(ROOT)))
        for path in (ROOT / folder).rglob("*.html"):
            if "page.has_other_pages" in path.read_text():
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_keyset_links_come_from_the_validated_query_only(db):
    request = RequestFactory().get("/api/v1/tanam/plantings/", {"after": "5", "year": "2024", "utm": "x"})
    form = PlantingPageForm(request.GET)
    assert form.is_valid()
    links = cursor_links(request, form, after=9, before=None)
    assert links["previous"] is None
    assert links["next"] == "http://testserver/api/v1/tanam/plantings/?year=2024&after=9"
