"""An editor's account in a real browser: changing the password on the account page
keeps this browser signed in and signs the same editor out of another browser, which
then signs in with the new password only."""

from __future__ import annotations

import pytest

from support import PASSWORD, sign_in_page

pytestmark = pytest.mark.browser
NEW_PASSWORD = "a longer and newer passphrase"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_password_change_ends_the_other_sessions(browser, page, live_server, shoot):
    other = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in_page(page, live_server, "erin")
    sign_in_page(other, live_server, "erin")
    other.goto(live_server + "/predictions/new")
    assert other.get_by_role("button", name="Log prediction").is_visible()

    page.goto(live_server + "/account")
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    shoot(page, "account-password")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_load_state()
    assert "Password changed" in page.locator("main").inner_text()
    page.goto(live_server + "/predictions/new")  # this browser is still signed in
    assert page.get_by_role("button", name="Log prediction").is_visible()

    other.goto(live_server + "/predictions/new")  # the other one is not
    assert "/login" in other.url
    other.get_by_label("Name").fill("erin")
    other.get_by_label("Password").fill(PASSWORD)
    other.get_by_label("Password").press("Enter")
    other.wait_for_load_state()
    assert "/login" in other.url  # the old password opens nothing
    other.get_by_label("Name").fill("erin")
    other.get_by_label("Password").fill(NEW_PASSWORD)
    other.get_by_label("Password").press("Enter")
    other.wait_for_url(live_server + "/predictions/new")  # back where it was sent away from
    assert other.get_by_role("button", name="Log prediction").is_visible()
    shoot(other, "signed-in-again-390")
    other.context.close()
