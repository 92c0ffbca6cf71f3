"""A reader in a real browser: the leaderboard with a filter, and a pundit's page."""

from __future__ import annotations

import re

import pytest

from forecasts import services
from forecasts.db import make_engine, make_session_factory

pytestmark = pytest.mark.browser
ADMIN = services.Actor.system("test")


@pytest.fixture
def board_url(seeded_url):
    """Two more pundits with five resolved forecasts each, on economy and sport questions."""
    engine = make_engine(seeded_url)
    with make_session_factory(engine)() as session:
        questions = []
        for i in range(6):
            tag = "economy" if i % 2 else "sport"
            questions.append(
                services.add_question(
                    session,
                    ADMIN,
                    statement=f"Will event {i} happen in 2021?",
                    resolution_criteria="As reported.",
                    resolve_by="2021-12-31",
                    tags=[tag],
                )
            )
        for name, probabilities in (
            ("Careful Carla", [0.8, 0.2, 0.2, 0.7, 0.3, 0.1]),
            ("Bold Boris", [0.99, 0.99, 0.01, 0.99, 0.5, 0.01]),
        ):
            pundit = services.add_pundit(session, ADMIN, name=name)
            for question, p in zip(questions, probabilities, strict=True):
                services.log_prediction(
                    session,
                    ADMIN,
                    question_id=question.id,
                    pundit_id=pundit.id,
                    made_at="2021-01-01",
                    probability=p,
                    hedge_phrase="likely" if p > 0.5 else "",
                )
        for i, question in enumerate(questions):
            services.resolve_question(
                session,
                ADMIN,
                question.id,
                outcome="yes" if i % 3 == 0 else "no",
                known_at="2021-12-31",
                evidence_url="https://example.org/result",
            )
    engine.dispose()
    return seeded_url


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_leaderboard_filter_and_pundit_page(page, board_url, live_server, shoot):
    page.goto(live_server + "/leaderboard")
    rows = page.locator("table.board:not(.unranked) tbody tr")
    assert rows.count() == 2
    assert rows.first.locator("td").nth(1).inner_text() == "Careful Carla"
    assert "Author of the op-ed" in page.locator("table.unranked").inner_text()
    shoot(page, "leaderboard")

    page.get_by_label("Tag").select_option("economy")
    page.get_by_label("Minimum forecasts to rank").fill("3")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"tag=economy"))
    assert "min_n=3" in page.url  # the filtered board can be linked
    assert rows.count() == 2
    assert all(cell.inner_text() == "3" for cell in rows.locator("td:nth-child(3)").all())
    shoot(page, "leaderboard-economy")

    page.get_by_role("link", name="Brier").first.click()
    page.wait_for_url(re.compile(r"sort=brier"))
    page.get_by_role("link", name="Careful Carla").click()
    page.wait_for_url(re.compile(r"/pundits/careful-carla"))
    assert "Rank 1 of 2 ranked pundits" in page.locator("dl.summary").inner_text()
    assert page.locator(".calibration svg").count() == 1
    assert "“likely”" in page.locator("table.phrases").inner_text()
    shoot(page, "pundit-page")
