"""An editor works through a batch of three due questions without going back to the
queue: each saved resolution opens the next due question's form, and the last one
returns to the (now empty) queue."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from forecasts import services
from forecasts.db import make_engine, make_session_factory
from forecasts.rules import utc_today
from support import sign_in_page

pytestmark = pytest.mark.browser
SYSTEM = services.Actor.system("test")
BATCH = [  # statement, days overdue, outcome
    ("Will the ceasefire hold until the end of March?", 9, "no"),
    ("Will the embassy reopen before the summer?", 4, "yes"),
    ("Will oil close above $100 on the last day of the quarter?", 1, "annulled"),
]


@pytest.fixture
def batch_url(seeded_url):
    engine = make_engine(seeded_url)
    with make_session_factory(engine)() as session:
        pundit = services.add_pundit(session, SYSTEM, name="Dana Diplomat")
        for statement, days, _ in BATCH:
            question = services.add_question(
                session,
                SYSTEM,
                statement=statement,
                resolution_criteria="As reported by two major news agencies.",
                resolve_by=(utc_today() - dt.timedelta(days=days)).isoformat(),
            )
            services.log_prediction(
                session,
                SYSTEM,
                question_id=question.id,
                pundit_id=pundit.id,
                made_at="2020-01-01",
                probability=0.7,
            )
    engine.dispose()
    return seeded_url


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_resolve_three_due_questions_with_next(page, batch_url, live_server, shoot):
    sign_in_page(page, live_server, "erin")
    assert page.locator("#nav-due .count").inner_text() == "3"
    page.locator("#nav-due").click()
    rows = page.locator("table.due tbody tr")
    assert [row.locator("td").nth(1).inner_text() for row in rows.all()] == [
        "9 days",
        "4 days",
        "1 day",
    ]
    assert [row.locator("td").nth(3).inner_text() for row in rows.all()] == ["1", "1", "1"]
    shoot(page, "due-queue")
    rows.first.get_by_role("link", name="Resolve").click()

    for number, (statement, _, outcome) in enumerate(BATCH, start=1):
        assert page.locator("h1").inner_text() == f"Resolve: {statement}"
        assert page.get_by_label("Became known on").input_value() == utc_today().isoformat()
        assert page.get_by_label("Outcome").input_value() == ""  # nothing chosen for us
        page.get_by_label("Outcome").select_option(outcome)
        page.get_by_label("Evidence link").fill(f"https://example.org/report-{number}")
        if outcome == "annulled":
            page.get_by_label("Note").fill("The exchange was closed on the last day.")
        shoot(page, f"resolve-{number}")
        if number < len(BATCH):
            page.get_by_role("button", name="Save and resolve the next due question").click()
            page.wait_for_url(re.compile(r"/resolve$"))
            assert page.locator(".flash").inner_text() == (
                f"Resolved “{statement}”: {outcome}. Next due question:"
            )
        else:
            page.get_by_role("button", name="Save and go back to the due queue").click()
            page.wait_for_url(live_server + "/due")
            assert page.locator(".flash").inner_text() == (
                f"Resolved “{statement}”: {outcome}. Nothing else is due."
            )
    assert page.locator(".empty").inner_text().startswith("Nothing is due.")
    assert page.locator("#nav-due .count").inner_text() == "0"
    shoot(page, "due-queue-empty")
    page.goto(live_server + "/")
    assert page.locator(".outcome-due").count() == 0  # each now shows its outcome
