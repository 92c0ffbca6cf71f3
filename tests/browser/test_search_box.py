"""A reader searches from the box in the header, sees the matches marked, and follows a
result to its page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_reader_searches_from_the_box_and_opens_a_result(page, live_server, shoot):
    page.goto(live_server + "/sources/")
    box = page.get_by_role("search").get_by_label("Search questions, pundits, sources and quotes")
    box.fill('tiny "possibility"')
    box.press("Enter")
    page.wait_for_url("**/search?q=*")
    assert page.title() == 'Search: tiny "possibility" · Forecast registry'
    quotes = page.locator("#results-prediction + ol .search-hit")
    assert quotes.count() == 1
    marked = quotes.first.locator("mark").all_inner_texts()
    assert [word.lower() for word in marked] == ["tiny", "possibility"]
    assert page.locator("#results-question").count() == 0  # no question says it
    shoot(page, "results")
    page.set_viewport_size({"width": 390, "height": 900})
    shoot(page, "results-phone")
    quotes.first.locator(".meta a").last.click()
    page.wait_for_url("**/questions/us-iran-war-by-end-2020")
    assert "go to war" in page.locator("h1").inner_text()
