"""A reader opens the home page in a real browser and sees the seeded registry."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_reader_sees_seeded_questions_outcomes_and_quotes(page, live_server, tmp_path):
    page.goto(live_server + "/")
    assert page.title() == "Questions · Forecast registry"
    questions = page.locator("li.question")
    assert questions.count() == 7
    war = page.locator("#q-us-iran-war-by-end-2020")
    assert war.locator(".outcome").inner_text().lower() == "no"
    assert page.get_by_label("About this site").is_visible()  # what the site is, first
    # Each question's forecasts are one click away.
    summary = war.locator("details.forecasts summary")
    assert summary.inner_text() == "1 forecast by 1 pundit · latest 5%"
    assert not war.locator(".probability").is_visible()
    summary.click()
    assert war.locator(".probability").inner_text() == "5%"
    assert "tiny possibility" in war.locator(".phrase").inner_text()
    unscorable = page.locator("#q-iran-us-contest-over-iraq-resolved .outcome")
    assert unscorable.inner_text().lower() == "not scorable: no deadline given"
    # The criteria are folded away until the reader asks for them.
    criteria = war.locator("details.criteria p")
    assert not criteria.is_visible()
    war.locator("details.criteria summary").click()
    assert criteria.is_visible() and "seven days" in criteria.inner_text()
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)
    # A conditional question links to its condition's page (it may be on another page
    # of the list).
    page.locator("#q-iraq-sides-with-iran .meta a").click()
    assert page.url.endswith("/questions/iraq-takes-a-side-by-end-2020")
    assert "abandon its neutrality" in page.locator("h1").inner_text()
