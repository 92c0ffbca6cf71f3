"""An editor pastes commentary, accepts a forecast candidate, and logs it: the prediction
keeps the phrase and the scale version it was mapped with."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from forecasts.db import make_engine, make_session_factory
from forecasts.models import CandidateReview, Prediction
from support import sign_in_page

pytestmark = pytest.mark.browser
COLUMN = """The central bank meets again in March.

Rates went up twice last year, and inflation fell to 3.1 percent in January.

I think it is very unlikely that the bank will cut rates before the end of the year.
There is a real possibility that unemployment will rise above 5 percent by next summer.
Growth will pick up in 2025, according to Tomas Berg, an analyst at Nordhaus.
"""


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_paste_accept_and_log(page, live_server, seeded_url, shoot):
    sign_in_page(page, live_server, "erin")
    page.get_by_role("link", name="Extract").click()
    page.get_by_label("Source", exact=True).select_option("new")
    page.get_by_label("Title").fill("Rates column")
    page.get_by_label("Published on").fill("2024-02-01")
    page.get_by_label("Text").fill(COLUMN)
    shoot(page, "extract-form")
    page.get_by_role("button", name="Find forecasts").click()

    page.wait_for_url(re.compile(r"/sources/\d+/candidates"))
    candidates = page.locator("li.candidate")
    assert candidates.count() == 3  # the past-tense sentences are not candidates
    assert page.locator("mark").count() == 3
    reported = candidates.nth(2).inner_text()
    assert "Tomas Berg" in reported and "reported" in reported and "new pundit" in reported
    first = candidates.first
    assert "very unlikely" in first.locator(".phrase").inner_text()
    assert "2024-12-31" in first.inner_text()  # "before the end of the year"
    shoot(page, "candidates")
    candidates.nth(1).get_by_role("button", name="Dismiss").click()
    assert "dismissed" in page.locator("li.candidate").nth(1).get_attribute("class")
    page.locator("li.candidate").first.get_by_role("button", name="Accept").click()

    page.wait_for_url(re.compile(r"/predictions/new\?"))
    assert page.get_by_label("Hedge phrase").input_value().endswith("very unlikely")
    scale = page.get_by_label("Scale").input_value()
    assert re.fullmatch(r"[\w-]+@[\w.]+", scale)
    page.get_by_label("Pundit", exact=True).fill("new")
    page.get_by_label("New pundit's name").fill("Rita Rates")
    page.get_by_label("Resolution criteria").fill("Yes if the policy rate is cut in 2024.")
    shoot(page, "prefilled-form")
    page.get_by_role("button", name="Log prediction").click()
    page.wait_for_url(re.compile(r"/questions/"))
    shoot(page, "logged")

    engine = make_engine(seeded_url)
    with make_session_factory(engine)() as session:
        prediction = session.scalar(
            select(Prediction).where(Prediction.quote.like("I think it is very unlikely%"))
        )
        assert prediction.hedge_phrase.endswith("very unlikely")
        assert f"{prediction.scale_name}@{prediction.scale_version}" == scale
        assert prediction.probability_origin == "mapped"
        assert prediction.made_at.date().isoformat() == "2024-02-01"
        decisions = {r.decision for r in session.scalars(select(CandidateReview))}
        assert decisions == {"accepted", "dismissed"}
    engine.dispose()
