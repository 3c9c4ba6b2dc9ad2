"""The admin speaks Bahasa Indonesia, and English when chosen (issue 17.2).

Every model admin in `admin.site._registry` (so models added later are walked too) is opened as
a superuser: its list, add and change page, once in Bahasa and once in English. From each page
the labels a person reads are collected: headings, table headers, field labels, help texts,
filter titles, action options, breadcrumbs, buttons and the page title.

How "no English label in Bahasa" is decided without a hand-kept list of every label:
the two walks see the same pages with the same structure, so the labels pair up one to one.
A label that is the same text in both languages was not translated: either it is an English
text nobody wrote in Bahasa (Django's default label "created at" from a field name, a raw
"Species") or a Bahasa text missing from the English catalogue. Only words that are truly the
same in both languages (SAME_IN_BOTH) and the object's own name may be equal. On top of that, no
Bahasa label may be one of the English texts the issue found (ENGLISH_WORDS).
"""

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib import admin
from django.db.models import FileField
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import UserFactory, admin_example

# Labels that are spelled the same in Bahasa Indonesia and English (names, abbreviations, loanwords).
SAME_IN_BOTH = {
    "",
    "---------",
    "999 ikm online",
    "bpjs",
    "cv",
    "email",
    "filter",
    "id",
    "logo",
    "nik",
    "pt",
    "sms",
    "status",
    "token",
    "whatsapp",
}
# English texts that must never label anything in the Bahasa admin (what issue 17 found, and
# Django's own English headings).
ENGLISH_WORDS = {
    "species",
    "community",
    "campaign",
    "verified by",
    "created at",
    "updated at",
    "renditions",
    "published",
    "user",
    "members",
    "organiser",
    "changes",
    "note",
    "name",
    "kind",
    "date",
    "position",
    "parent",
    "owner",
    "photo",
    "django administration",
    "django site admin",
    "site administration",
    "administrasi django",
    "home",
    "save",
    "delete",
    "history",
    "action",
    "go",
    "search",
}

DEFAULT_STR = re.compile(r"\b\w+ object \(\d+\)")
HEADINGS = {"h1", "h2", "h3", "legend", "caption"}


@dataclass
class Page:
    labels: list = field(default_factory=list)  # (kind, text) in document order
    keys: list = field(default_factory=list)  # where each label sits: (block, kind, n-th of its kind in the block)
    texts: list = field(default_factory=list)  # every visible text node (for file names / JSON)
    readonly: list = field(default_factory=list)  # texts of read-only field values
    images: list = field(default_factory=list)  # src of every <img>


class LabelCollector(HTMLParser):
    """Collects the labels of an admin page (see the module docstring) with the standard library parser."""

    VOID = {"input", "img", "br", "hr", "meta", "link", "col", "area", "base", "source", "wbr", "track", "embed"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack = []  # (tag, kind or None, classes)
        self.buffers = []  # [kind, [text parts]] open label elements
        self.counts = {}

    def _add(self, kind, text):
        """A label, keyed by its block (an app's or a model's row of the app list, else the page):
        apps are listed in the alphabetical order of their names, which differs between languages."""
        block = next(
            (c for _t, _k, cs in reversed(self.stack) for c in sorted(cs) if c.startswith(("app-", "model-"))), "page"
        )
        n = self.counts[block, kind] = self.counts.get((block, kind), -1) + 1
        self.page.labels.append((kind, text))
        self.page.keys.append((block, kind, n))

    def _kind(self, tag, attrs, classes):
        inside = {c for _t, _k, cs in self.stack for c in cs} | {t for t, _k, _c in self.stack}
        if "script" in inside or "style" in inside:
            return None
        if tag == "title":
            return "title"
        if "site-name" in classes:
            return "heading"
        if tag in HEADINGS:
            return "heading"
        if tag == "th" and "thead" in inside:
            return "column"
        if tag == "label":
            return "label"
        if tag == "div" and "help" in classes:
            return "help"
        if tag == "summary" and "changelist-filter" in {a for _t, _k, cs in self.stack for a in cs}:
            return "filter"
        if tag == "option" and self._in_action_select():
            return "action"
        if tag == "a" and "breadcrumbs" in inside:
            return "crumb"
        if tag == "div" and "readonly" in classes:
            return "readonly"
        if tag == "a" and ({"addlink", "historylink", "deletelink", "viewsitelink"} & classes):
            return "button"
        return None

    def _in_action_select(self):
        return any(tag == "select" and "action-select" in classes for tag, _k, classes in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        if attrs.get("id"):
            classes.add(attrs["id"])
        if tag == "select" and attrs.get("name") == "action":
            classes.add("action-select")
        if tag == "img":
            self.page.images.append(attrs.get("src") or "")
        if tag == "details" and attrs.get("data-filter-title") is not None:
            self._add("filter", _clean(attrs["data-filter-title"]))
        if tag == "input" and attrs.get("type") == "submit" and attrs.get("value"):
            self._add("button", _clean(attrs["value"]))
        if tag in self.VOID:
            return
        kind = self._kind(tag, attrs, classes)
        self.stack.append((tag, kind, classes))
        if kind:
            self.buffers.append([kind, []])

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        while self.stack:
            open_tag, kind, _classes = self.stack.pop()
            if kind:
                done_kind, parts = self.buffers.pop()
                text = _clean(" ".join(parts))
                if done_kind == "readonly":
                    self.page.readonly.append(text)
                elif text:
                    self._add(done_kind, text)
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not data.strip() or any(t in ("script", "style") for t, _k, _c in self.stack):
            return
        self.page.texts.append(data.strip())
        for buffer in self.buffers:
            buffer[1].append(data)
        # the current crumb (the page itself) is text after the last link of the breadcrumbs
        if self.stack and "breadcrumbs" in self.stack[-1][2]:
            for part in data.split("›"):
                if part.strip():
                    self._add("crumb", _clean(part))


def _clean(text):
    return re.sub(r"\s+", " ", text).strip().rstrip(":").strip()


def collect(html):
    parser = LabelCollector()
    parser.feed(html)
    parser.close()
    return parser.page


def admin_pages(superuser):
    """[(url, model, obj or None)]: every registered model's list, add and change page, with an object each."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    pages = [("/admin/", None, None)]
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label):
        info = (model._meta.app_label, model._meta.model_name)
        obj = admin_example(model, model_admin.get_queryset(request))
        if model_admin.has_view_or_change_permission(request):
            pages.append((reverse("admin:{}_{}_changelist".format(*info)), model, None))
            pages.append((reverse("admin:{}_{}_change".format(*info), args=[obj.pk]), model, obj))
        if model_admin.has_add_permission(request):
            pages.append((reverse("admin:{}_{}_add".format(*info)), model, None))
    return pages


def walk(client, pages, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    seen = {}
    for url, _model, _obj in pages:
        response = client.get(url)
        assert response.status_code == 200, f"{url} ({language}): {response.status_code}"
        assert response["Content-Language"] == language, url
        seen[url] = collect(response.content.decode())
    return seen


def object_names(pages):
    """{url: what the page may show as its object's own name (the same in both languages)}."""
    return {url: {_clean(str(obj)).lower()} if obj is not None else set() for url, _model, obj in pages}


_WALKS = {}  # the two walks take a minute: made once per run, read by each test below


@pytest.fixture
def walked(client, db, settings, tmp_path):
    if not _WALKS:
        settings.MEDIA_ROOT = tmp_path / "media"
        settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
        superuser = UserFactory(username="root-bahasa", is_superuser=True, is_staff=True)
        client.force_login(superuser)
        pages = admin_pages(superuser)
        _WALKS["walk"] = pages, walk(client, pages, "id"), walk(client, pages, "en")
        _WALKS["names"] = object_names(pages)
    return _WALKS["walk"]


def test_the_walk_covers_every_registered_model_admin(walked):
    pages, _id, _en = walked
    walked_models = {model for _url, model, _obj in pages if model is not None}
    assert walked_models == set(admin.site._registry), set(admin.site._registry) - walked_models
    # every list and change page, and the add page wherever adding is allowed
    assert len(pages) >= 1 + 2 * len(admin.site._registry)


def test_every_admin_label_in_bahasa_differs_from_its_english_translation(walked):
    pages, bahasa, english = walked
    names = _WALKS["names"]
    problems = []
    for url, _model, _obj in pages:
        id_labels = dict(zip(bahasa[url].keys, bahasa[url].labels, strict=True))
        en_labels = dict(zip(english[url].keys, english[url].labels, strict=True))
        if set(id_labels) != set(en_labels):
            problems.append(f"{url}: the pages differ between the languages: {set(id_labels) ^ set(en_labels)}")
            continue
        for key, (kind, id_text) in id_labels.items():
            en_text = en_labels[key][1]
            if id_text.lower() in ENGLISH_WORDS:
                problems.append(f"{url}: {kind} {id_text!r} is English in the Bahasa admin")
            elif id_text == en_text and id_text.lower() not in SAME_IN_BOTH | names[url]:
                problems.append(f"{url}: {kind} {id_text!r} is the same in Bahasa and English (not translated)")
        # Django's name for an object without __str__ ("Observation object (12)") is English too.
        problems += [
            f"{url}: {text!r} names an object in English" for text in bahasa[url].texts if DEFAULT_STR.search(text)
        ]
    assert not problems, "Untranslated admin labels:\n" + "\n".join(sorted(set(problems)))


def test_the_admin_in_english_shows_english_labels(walked):
    _pages, bahasa, english = walked
    planting_list = reverse("admin:tanam_planting_changelist")
    en = {text for _kind, text in english[planting_list].labels}
    id_ = {text for _kind, text in bahasa[planting_list].labels}
    assert {"Species", "Planter", "Photo", "Status", "Created at", "By campaign", "Home"} <= en, sorted(en)
    assert {"Spesies", "Penanam", "Foto", "Status", "Dibuat pada", "Berdasarkan kampanye", "Beranda"} <= id_
    assert "Verify selected plantings" in {t for k, t in english[planting_list].labels if k == "action"}
    assert "Verifikasi penanaman terpilih" in {t for k, t in bahasa[planting_list].labels if k == "action"}
    home_en = {text for _kind, text in english["/admin/"].labels}
    home_id = {text for _kind, text in bahasa["/admin/"].labels}
    assert {"Blitar Regency Smart City Portal", "Administration", "Proud to Plant Movement"} <= home_en
    assert {"Portal Smart City Kabupaten Blitar", "Administrasi", "Gerakan Bangga Menanam"} <= home_id
    assert "Administration | Blitar Portal admin" in home_en and "Administrasi | Admin Portal Blitar" in home_id


def test_django_own_admin_texts_use_its_indonesian_catalogue(walked):
    _pages, bahasa, _english = walked
    user_change = [url for url in bahasa if url.startswith("/admin/auth/user/") and url.rstrip("/").split("/")[-2:][0]]
    labels = {text for url in user_change for _kind, text in bahasa[url].labels}
    assert {"Beranda", "Simpan", "Nama pengguna"} <= labels, sorted(labels)


def test_photos_are_previews_and_no_page_shows_a_file_name_or_raw_json(walked):
    pages, bahasa, english = walked
    problems = []
    for url, model, obj in pages:
        if obj is None:
            continue
        names = [getattr(obj, f.name).name for f in model._meta.concrete_fields if isinstance(f, FileField)]
        for language, seen in (("id", bahasa), ("en", english)):
            page = seen[url]
            for name in filter(None, names):
                if any(name in text or name.rsplit("/", 1)[-1] in text for text in page.texts):
                    problems.append(f"{url} ({language}) shows the file name {name!r}")
            for value in page.readonly:
                if value[:1] in "{[" and _is_json(value):
                    problems.append(f"{url} ({language}) shows raw JSON {value[:60]!r}")
    assert not problems, "\n".join(problems)

    planting = next(obj for _url, model, obj in pages if obj is not None and model._meta.label == "tanam.Planting")
    change = reverse("admin:tanam_planting_change", args=[planting.pk])
    assert any(f"/tanam/penanaman/{planting.pk}/foto/" in src for src in bahasa[change].images)
    listing = bahasa[reverse("admin:tanam_planting_changelist")]
    assert any(f"/tanam/penanaman/{planting.pk}/foto/thumb" in src for src in listing.images)
    shop = next(obj for _url, model, obj in pages if obj is not None and model._meta.label == "ikm.Shop")
    shop_page = bahasa[reverse("admin:ikm_shop_change", args=[shop.pk])]
    assert any(src.endswith("/logo.jpg") for src in shop_page.images), shop_page.images
    product = next(obj for _url, model, obj in pages if obj is not None and model._meta.label == "ikm.Product")
    product_page = bahasa[reverse("admin:ikm_product_change", args=[product.pk])]
    assert any("/ikm/foto/" in src for src in product_page.images), product_page.images


def _is_json(text):
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def test_the_collector_reads_labels_from_admin_markup():
    """The collector itself, on a hand-written fragment of each kind of label."""
    page = collect(
        """<html><head><title>Ubah penanaman | Admin</title></head><body>
        <nav class="breadcrumbs"><a href="/admin/">Beranda</a> › <a href="/admin/tanam/">Tanam</a> › Mahoni</nav>
        <h1>Ubah penanaman</h1>
        <select name="action"><option value="">---------</option><option value="v">Verifikasi</option></select>
        <nav id="changelist-filter">
          <details data-filter-title="status"><summary>Berdasarkan status</summary></details>
        </nav>
        <table><thead><tr><th><div class="text"><a>Spesies</a></div></th></tr></thead></table>
        <label for="x">Jumlah pohon:</label><div class="help">Bantuan</div>
        <div class="readonly">{"a": 1}</div><img src="/foto.jpg"><input type="submit" value="Simpan">
        </body></html>"""
    )
    assert page.labels == [
        ("title", "Ubah penanaman | Admin"),
        ("crumb", "Beranda"),
        ("crumb", "Tanam"),
        ("crumb", "Mahoni"),
        ("heading", "Ubah penanaman"),
        ("action", "---------"),
        ("action", "Verifikasi"),
        ("filter", "status"),
        ("filter", "Berdasarkan status"),
        ("column", "Spesies"),
        ("label", "Jumlah pohon"),
        ("help", "Bantuan"),
        ("button", "Simpan"),
    ]
    assert page.readonly == ['{"a": 1}'] and page.images == ["/foto.jpg"]


HEADERS = {"id": "Portal Smart City Kabupaten Blitar", "en": "Blitar Regency Smart City Portal"}


def _own_pages(client):
    """The admin pages the apps render themselves (action confirmations, the bed-count form): not in
    the registry walk, so listed here. [(method, url, data, object names)]"""
    from ehealth.models import Hospital, ServiceRequest
    from ikm.models import Shop
    from tanam.models import Planting

    shop, planting = admin_example(Shop), admin_example(Planting)
    hospital, booking = admin_example(Hospital), admin_example(ServiceRequest)
    return [
        ("post", reverse("admin:ikm_shop_changelist"), {"action": "suspend_shops", "_selected_action": [shop.pk]}),
        ("post", reverse("admin:ikm_shop_changelist"), {"action": "verify_shops", "_selected_action": [shop.pk]}),
        (
            "post",
            reverse("admin:tanam_planting_changelist"),
            {"action": "reject_selected", "_selected_action": [planting.pk]},
        ),
        (
            "post",
            reverse("admin:ehealth_servicerequest_changelist"),
            {"action": "reject_selected", "_selected_action": [booking.pk]},
        ),
        ("get", reverse("admin:ehealth_hospital_beds", args=[hospital.pk]), None),
    ], {str(obj).lower() for obj in (shop, planting, hospital, booking)}


def test_pages_the_apps_render_in_the_admin_speak_both_languages(client, db):
    """Action confirmation pages and the bed-count form carry the portal's header (never "Administrasi
    Django") and, like the registry walk, no label that is the same in both languages."""
    client.force_login(UserFactory(username="root-aksi", is_superuser=True, is_staff=True))
    pages, names = _own_pages(client)
    seen = {}
    for language in ("id", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for method, url, data in pages:
            response = getattr(client, method)(url, data) if data else client.get(url)
            assert response.status_code == 200, f"{url} {data} ({language}): {response.status_code}"
            page = collect(response.content.decode())
            labels = {text for _kind, text in page.labels}
            assert HEADERS[language] in labels, (url, data, sorted(labels))
            assert not {"Administrasi Django", "Django administration", "Situs admin Django"} & labels
            seen[language, url, str(data)] = page
    problems = []
    for method, url, data in pages:
        bahasa, english = seen["id", url, str(data)], seen["en", url, str(data)]
        id_labels = dict(zip(bahasa.keys, bahasa.labels, strict=True))
        en_labels = dict(zip(english.keys, english.labels, strict=True))
        for key, (kind, text) in id_labels.items():
            same = key in en_labels and en_labels[key][1] == text
            if text.lower() in ENGLISH_WORDS or (same and text.lower() not in SAME_IN_BOTH | names):
                problems.append(f"{method} {url} {data}: {kind} {text!r} not in Bahasa with an English translation")
    assert not problems, "\n".join(problems)
