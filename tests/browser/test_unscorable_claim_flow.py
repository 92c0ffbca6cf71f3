"""An editor logs a claim that cannot be scored from the log form, sees it listed with
its reason on the pundit's page, and the leaderboard's scorable share counts it."""

from __future__ import annotations

import re

import pytest

from support import sign_in_page

pytestmark = pytest.mark.browser
PUNDIT = "op-ed-author-iran-us-iraq-2020"


def _share(page, base_url: str) -> tuple[int, int]:
    page.goto(base_url + "/leaderboard?min_n=1")
    cell = page.locator(f"#pundit-{PUNDIT} td.share small").inner_text()
    scorable, total = re.fullmatch(r"(\d+) of (\d+)", cell).groups()
    return int(scorable), int(total)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_log_an_unscorable_claim_and_see_the_share_on_the_board(page, live_server, shoot):
    sign_in_page(page, live_server, "erin")
    scorable, total = _share(page, live_server)
    page.goto(live_server + f"/predictions/new?pundit={PUNDIT}")
    page.get_by_label("Verbatim quote").fill(
        "Iraq will likely have to choose a side, unless it finds a middle way."
    )
    page.get_by_label("Hedge phrase").press_sequentially("likely", delay=20)
    probability = page.get_by_label("Probability", exact=True)
    page.wait_for_function("document.getElementById('probability').value !== ''")
    page.get_by_label("Made on").fill("2020-01-01")
    # Not scorable: the number the phrase's reading filled in goes again.
    page.get_by_label("Can it be scored?").select_option("escape_clause")
    assert probability.input_value() == ""
    page.get_by_label("Why it cannot be scored").fill("'A middle way' fits any outcome.")
    shoot(page, "log-form-unscorable")
    page.get_by_role("button", name="Log prediction").click()

    page.wait_for_url(re.compile(rf"/pundits/{PUNDIT}#unscorable"))
    assert "cannot be scored (an escape clause)" in page.locator(".flash").inner_text()
    claim = page.locator("ul.unscorable li", has_text="a middle way")
    assert claim.locator(".reason").inner_text() == "an escape clause"
    assert "fits any outcome" in claim.inner_text()
    share = page.locator(".scorable-share").inner_text()
    assert f"{scorable} of {total + 1} logged claims could be scored" in share
    shoot(page, "pundit-page")

    assert _share(page, live_server) == (scorable, total + 1)
    shoot(page, "leaderboard")
