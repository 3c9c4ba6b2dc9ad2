"""One IKM target (ikm.IkmTarget, read by ikm.selectors.ikm_target): Diskominfo changes it once,
the home page, /ikm/ and the dashboard's Ringkasan and IKM tabs all show the new value."""

import re

from ikm.models import IkmTarget

from .conftest import make_dataset, refresh


def progress(html):
    """The progress bar's value and label (home page and /ikm/)."""
    match = re.search(r'aria-valuenow="(\d+)" aria-label="([^"]+)"', html)
    return int(match.group(1)), match.group(2)


def pages(client):
    """The four pages as a person sees them (cached or not)."""
    return {name: client.get(url).content.decode() for name, url in URLS.items()}


URLS = {"home": "/", "ikm": "/ikm/", "ringkasan": "/dasbor/", "ikm_tab": "/dasbor/ikm/"}


def test_a_new_target_shows_on_the_home_page_ikm_and_every_dashboard_tab(alice_client, db):
    make_dataset()  # 3 IKM online
    refresh()
    before = pages(alice_client)  # every page (and its cache) has seen the default target
    assert "IKM online dari target 1.000" in before["home"] and "IKM online dari target 1.000" in before["ikm"]
    assert "dari target 1000 (0%)" in before["ringkasan"] and "dari target 1000<" in before["ikm_tab"]

    response = alice_client.post("/dasbor/ikm/target/", {"target": 500, "target_date": "2099-12-31"}, follow=True)
    assert "Target IKM disimpan." in response.content.decode()
    assert IkmTarget.objects.get().target == 500
    tab = response.context["section"]  # the IKM tab, built again for the new target
    assert tab.figure("terverifikasi").rows[-1][2] == 500
    assert "2099-12-31" in tab.cards[1].detail

    after = pages(alice_client)
    for page in ("home", "ikm"):
        assert "IKM online dari target 500" in after[page], page
        # 3 of 500 = 0.6 % -> 1 %, computed by IkmTarget.progress_percent for every page
        assert progress(after[page]) == (1, "Kemajuan menuju 500 IKM online"), page
    assert "dari target 500 (1%)" in after["ringkasan"]
    assert "dari target 500<" in after["ikm_tab"]


def test_the_target_reaches_the_pages_in_english_too(alice_client, db):
    from django.conf import settings

    IkmTarget.objects.create(target=2500, target_date="2099-12-31")  # a row saved earlier (kept by the migration)
    alice_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url in ("/", "/ikm/"):
        assert progress(alice_client.get(url).content.decode())[1] == "Progress towards 2,500 IKM online", url
