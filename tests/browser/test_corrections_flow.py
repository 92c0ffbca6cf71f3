"""Keeping the record right in a real browser: an editor corrects a quote and retracts a
prediction, an admin merges two spellings of one pundit through the picker. Each page
visited is saved as a screenshot (see FORECASTS_SCREENSHOTS)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from forecasts import services
from forecasts.db import make_engine, make_session_factory
from forecasts.models import Prediction, Pundit
from support import PASSWORD, sign_in_page

pytestmark = pytest.mark.browser
WAR = "us-iran-war-by-end-2020"


@pytest.fixture
def duplicate(seeded_url):
    """An admin, and a second spelling of the seed pundit with one forecast of its own."""
    engine = make_engine(seeded_url)
    system = services.Actor.system("test")
    with make_session_factory(engine)() as session:
        services.create_user(session, system, name="ada", role="admin", password=PASSWORD)
        kept = session.scalars(select(Pundit).order_by(Pundit.id)).first()
        twin = services.add_pundit(session, system, name="Oped Author (Iran)")
        war = session.scalar(select(Prediction).where(Prediction.question.has(slug=WAR)))
        services.log_prediction(
            session,
            system,
            question_id=war.question_id,
            pundit_id=twin.id,
            made_at="2020-01-05",
            probability=0.2,
            quote="War is not likely this year.",
        )
        names = kept.name, kept.slug, twin.slug, war.id
    engine.dispose()
    return names


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_correct_retract_and_merge(page, live_server, duplicate, shoot):
    kept_name, kept_slug, twin_slug, war_id = duplicate
    sign_in_page(page, live_server, "erin")
    page.goto(f"{live_server}/questions/{WAR}")
    item = page.locator(f"#prediction-{war_id}")
    item.get_by_role("link", name="correct").click()
    quote = page.get_by_label("Verbatim quote")
    quote.fill(quote.input_value().replace("tiny possibility", "tiny posibility"))
    page.get_by_role("button", name="Save the correction").click()
    assert "Reason for the correction: is required" in page.content()  # nothing saved
    shoot(page, "correction-refused")
    quote.fill(quote.input_value().replace("tiny posibility", "small possibility"))
    page.get_by_label("Reason for the correction").fill("The column says 'small'.")
    page.get_by_role("button", name="Save the correction").click()
    page.wait_for_url(re.compile(rf"/questions/{WAR}"))
    item = page.locator(f"#prediction-{war_id}")
    assert "small possibility" in item.inner_text() and "corrected on" in item.inner_text()
    shoot(page, "corrected")
    item.get_by_role("link", name="history").click()
    assert "The column says 'small'." in page.content()
    assert page.locator("table.changes").count() == 1
    shoot(page, "history")

    page.goto(f"{live_server}/questions/{WAR}")
    page.locator(f"#prediction-{war_id}").get_by_role("link", name="retract").click()
    page.get_by_label("Reason").fill("Logged against the wrong question.")
    page.get_by_role("button", name="Retract the prediction").click()
    page.wait_for_url(re.compile(rf"/questions/{WAR}"))
    item = page.locator(f"#prediction-{war_id}")
    assert "retracted" in item.get_attribute("class")
    decoration = item.locator(".probability").evaluate(
        "e => getComputedStyle(e).textDecorationLine"
    )
    assert decoration == "line-through"
    assert "Logged against the wrong question." in item.inner_text()
    shoot(page, "retracted")

    page.get_by_role("button", name="Sign out").click()
    sign_in_page(page, live_server, "ada")
    page.goto(f"{live_server}/pundits/{twin_slug}")
    page.get_by_role("link", name="Merge or delete").click()
    into = page.get_by_label("Merge into")
    into.press_sequentially("op-ed author", delay=20)
    options = page.locator("#into-options option")
    options.first.wait_for(state="attached")
    into.fill(options.first.get_attribute("value"))
    shoot(page, "merge-form")
    page.get_by_role("button", name="Merge into it").click()
    page.wait_for_url(re.compile(rf"/pundits/{kept_slug}$"))
    assert "its old address leads here" in page.locator(".flash").inner_text()
    page.goto(f"{live_server}/pundits/{twin_slug}")  # the old address follows
    assert page.url.endswith(f"/pundits/{kept_slug}")
    assert "War is not likely this year." in page.content()
    shoot(page, "merged")
