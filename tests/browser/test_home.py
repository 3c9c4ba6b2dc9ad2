import pytest

pytestmark = pytest.mark.browser


def test_home_page_switches_language_to_english_and_back(page, db):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Portal Smart City Kabupaten Blitar"
    assert page.get_by_role("link", name="Layanan Kesehatan").first.is_visible()

    page.get_by_label("Bahasa").select_option("en")
    page.get_by_role("button", name="Ganti").click()
    page.wait_for_load_state()

    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Health Services").first.is_visible()
    assert "beds available now" in page.locator("main").inner_text()

    page.get_by_label("Language").select_option("id")
    page.get_by_role("button", name="Switch").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "id"
    assert "tempat tidur tersedia sekarang" in page.locator("main").inner_text()
