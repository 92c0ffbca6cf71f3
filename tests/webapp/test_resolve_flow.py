"""The resolve form and the due queue as an editor sees them: no outcome chosen for the
editor, today as the date it became known, days overdue and forecasts waiting, and a DUE
badge once a question is past its deadline."""

from __future__ import annotations

import datetime as dt
import re

from forecasts import services
from forecasts.db import make_session_factory
from forecasts.rules import utc_today

SYSTEM = services.Actor.system("test")


def _due_question(engine, days_ago: int, forecasts: int) -> str:
    with make_session_factory(engine)() as session:
        question = services.add_question(
            session,
            SYSTEM,
            statement=f"Will the thing {days_ago} days overdue happen?",
            resolution_criteria="As reported.",
            resolve_by=(utc_today() - dt.timedelta(days=days_ago)).isoformat(),
        )
        for i in range(forecasts):
            pundit = services.add_pundit(session, SYSTEM, name=f"Pundit {days_ago}-{i}")
            services.log_prediction(
                session,
                SYSTEM,
                question_id=question.id,
                pundit_id=pundit.id,
                made_at="2020-01-01",
                probability=0.4,
            )
        return question.slug


def test_resolve_form_chooses_no_outcome_and_dates_today(as_role, engine, snapshot_of):
    slug = _due_question(engine, days_ago=2, forecasts=1)
    client = as_role("editor")
    html = client.get(f"/questions/{slug}/resolve").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="outcome".*?</select>', html, re.S).group(0)
    assert "selected" not in select  # so the browser shows the first option, which is
    assert re.findall(r'<option value="([^"]*)"', select)[0] == ""  # the placeholder
    assert f'value="{utc_today().isoformat()}"' in html
    assert "Save and resolve the next due question" not in html  # nothing else is due
    assert "Save and go back to the due queue" in html

    before = snapshot_of(engine)
    refused = client.post(f"/questions/{slug}/resolve", data={"known_at": "2021-01-01"})
    assert refused.status_code == 422
    assert "is required: choose one of yes, no, annulled" in refused.get_data(as_text=True)
    assert snapshot_of(engine) == before


def test_due_queue_shows_days_overdue_and_waiting_forecasts(as_role, engine):
    older = _due_question(engine, days_ago=5, forecasts=2)
    newer = _due_question(engine, days_ago=1, forecasts=0)
    client = as_role("editor")
    html = client.get("/due").get_data(as_text=True)
    cells = re.findall(r'<td class="num">([^<]*)</td>', html)
    assert cells == ["5 days", "2", "1 day", "0"]
    assert "2 questions due; 2 forecasts wait on their outcomes to be scored." in html
    # The older one is resolved first, and its form offers the newer one next.
    form = client.get(f"/questions/{older}/resolve").get_data(as_text=True)
    assert "Save and resolve the next due question" in form
    assert f"/questions/{newer}/resolve" in form


def test_badge_says_due_past_the_deadline(as_role, engine):
    slug = _due_question(engine, days_ago=1, forecasts=0)
    with make_session_factory(engine)() as session:
        future = services.add_question(
            session,
            SYSTEM,
            statement="Will the future thing happen?",
            resolution_criteria="As reported.",
            resolve_by=(utc_today() + dt.timedelta(days=30)).isoformat(),
        ).slug
    reader = as_role(None)
    for page in (f"/questions/{slug}", "/"):
        html = reader.get(page).get_data(as_text=True)
        assert re.search(r'class="outcome outcome-due"[^>]*>due<', html), page
    assert 'class="outcome outcome-open">open<' in reader.get(f"/questions/{future}").get_data(
        as_text=True
    )
