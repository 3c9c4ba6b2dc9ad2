"""Every figure and headline links to a list where it can be checked, and that list opens."""

import pytest

from .conftest import SECTION_URLS, make_dataset, refresh


@pytest.mark.parametrize("url", SECTION_URLS)
def test_every_figure_links_to_a_list_that_opens(client, root, url):
    make_dataset()
    refresh()
    client.force_login(root)
    page = client.get(url).context["section"]
    links = {f.link for f in page.figures} | {c.link for c in page.cards if c.link}
    assert all(page.figures) and all(f.link for f in page.figures)
    for link in sorted(links):
        response = client.get(link)
        assert response.status_code == 200, link
