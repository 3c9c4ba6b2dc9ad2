"""axe-core in Chromium at 360 px (issue 16): no serious or critical accessibility violation on every
public page and each role's main pages (the same pages as the narrow-screen walk), in Bahasa and English.

axe-core is injected by axe-playwright-python (it ships axe.min.js; nothing is downloaded)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.test_narrow_screens import WIDTH, _sign_in, portal  # noqa: F401 - the shared page list

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}
# Leaflet draws map tiles, markers and panes itself; axe's rules for them are Leaflet's, not ours.
EXCLUDE = [[".leaflet-pane"], [".leaflet-control-attribution"]]


def _violations(page, urls):
    """[(url, rule id, impact, first offending element)] of every serious or critical violation."""
    axe = Axe()
    found = []
    for url in urls:
        response = page.goto(url)
        assert response.status < 500, url
        page.wait_for_load_state("load")
        results = axe.run(page, context={"exclude": EXCLUDE}, options={"resultTypes": ["violations"]})
        for violation in results.response["violations"]:
            if violation["impact"] in SERIOUS:
                target = violation["nodes"][0]["target"] if violation["nodes"] else ""
                found.append((url, violation["id"], violation["impact"], target))
    return found


@pytest.fixture
def narrow(page):
    page.set_viewport_size({"width": WIDTH, "height": 740})
    return page


@pytest.mark.parametrize("language", ["id", "en"])
def test_no_public_page_has_a_serious_axe_violation(narrow, portal, live_server, language):  # noqa: F811
    narrow.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    found = _violations(narrow, portal["public"])
    assert found == [], "\n".join(map(str, found))


def test_no_main_page_of_any_role_has_a_serious_axe_violation(narrow, portal, password):  # noqa: F811
    found = []
    for user in (user for user in portal if user != "public"):
        narrow.context.clear_cookies()
        _sign_in(narrow, user, password)
        found += [(user.username, *row) for row in _violations(narrow, portal[user])]
    assert found == [], "\n".join(map(str, found))
