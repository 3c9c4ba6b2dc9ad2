"""tanam.js holds no words: every text it shows comes from the page, in the visitor's language."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

SCRIPT = Path(__file__).resolve().parents[2] / "tanam" / "static" / "tanam" / "tanam.js"


def _get(client, url, language):
    client.cookies["django_language"] = language
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "id",
            [
                'data-text-empty="Belum ada penanaman terverifikasi di tampilan ini."',
                'data-text-error="Peta gagal dimuat. Coba lagi."',
                'data-label-trees="pohon"',
            ],
        ),
        (
            "en",
            [
                'data-text-empty="No verified plantings in this view."',
                'data-text-error="The map could not be loaded. Please try again."',
                'data-label-trees="trees"',
            ],
        ),
    ],
)
def test_map_page_gives_the_script_its_texts(client, language, texts):
    html = _get(client, reverse("tanam:map"), language)
    for text in texts:
        assert text in html


def test_register_page_gives_the_script_its_texts_in_english(client, bob):
    client.force_login(bob)
    html = _get(client, reverse("tanam:register"), "en")
    assert 'data-marker-text="Planting point"' in html
    assert 'data-fail-text="' in html and "Titik tanam" not in html


def test_cover_page_gives_the_script_its_error_text_in_english(client):
    html = _get(client, reverse("tanam:cover"), "en")
    assert 'data-text-error="The map could not be loaded. Please try again."' in html


def test_script_has_no_hard_coded_sentences():
    source = SCRIPT.read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    strings = re.findall(r'"([^"\\]*)"', code)
    sentences = [s for s in strings if s != "use strict" and re.search(r"[A-Za-z]{3,} [A-Za-z]{2,}", s)]
    assert sentences == []
