"""Every page a reader can see, through Flask's test client."""

from __future__ import annotations

import pytest

from forecasts.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from web import create_app, percent


def test_home_lists_every_seeded_question(as_role):
    response = as_role(None).get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('class="question"') == 7
    assert "tiny possibility" in html and "not scorable: no deadline given" in html
    assert "Log a prediction" not in html  # readers see no editing links


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/questions/us-iran-war-by-end-2020", "seven days"),
        ("/questions/iraq-sides-with-iran", "Annulled automatically"),
        ("/pundits/", "Author of the op-ed"),
        ("/pundits/op-ed-author-iran-us-iraq-2020", "tiny possibility"),
        ("/sources/", "Untitled op-ed"),
        ("/sources/1", "What is happening now between Iran and US"),
        ("/healthz", "ok"),
    ],
)
def test_public_pages(as_role, path, expected):
    response = as_role(None).get(path)
    assert response.status_code == 200
    assert expected in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/questions/nope",
        "/pundits/nope",
        "/sources/999",
        "/questions/nope/edit",
        "/questions/nope/resolve",
        "/admin/users/999",
        "/admin/audit?page=99",
    ],
)
def test_missing_rows_are_404(as_role, path):
    assert as_role("admin").get(path).status_code == 404


def test_question_page_shows_resolution_history_and_who(as_role):
    html = as_role(None).get("/questions/trump-wins-2020-election").get_data(as_text=True)
    assert "Resolution history" in html and "archives.gov" in html
    assert "seed / command line" in html and "standing" in html


def test_session_cookie_settings():
    app = create_app({"DATABASE_URL": "sqlite://"})
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize(
    "value, shown", [(0.05, "5%"), (0.125, "12.5%"), (1.0, "100%"), (0.0, "0%"), (None, "-")]
)
def test_percent_filter(value, shown):
    assert percent(value) == shown


def test_unknown_api_url_answers_json(as_role):
    response = as_role(None).get("/api/v1/no-such-thing")
    assert response.status_code == 404 and response.is_json
    assert response.get_json()["message"] == "There is nothing at this address."


@pytest.mark.parametrize(
    "error, status",
    [
        (NotFoundError("question", 999), 404),
        (PermissionDenied("resolving a question needs the editor role"), 403),
        (ConflictError("question", 1, {}), 409),
        (ValidationError("outcome", "must be yes or no"), 400),
    ],
)
def test_a_registry_error_that_reaches_a_page_is_its_status_not_a_500(app, error, status):
    # A service's error that a route does not catch: the page says it in plain words.
    def view():
        raise error

    app.add_url_rule(f"/raises-{status}", f"raises_{status}", view)
    response = app.test_client().get(f"/raises-{status}")
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert "<html" in html.lower() and str(error).split(":")[0] in html


def test_a_busy_question_lists_its_latest_forecasts_and_links_to_the_rest(as_role, session):
    """The list shows a question's count, pundits and newest forecasts, not hundreds of
    them: the rest are one link away, on the question's page."""
    from forecasts import queries, services

    actor = services.Actor.system("test")
    question = services.add_question(
        session, actor, statement="Will the busy question resolve yes?", resolution_criteria="."
    )
    pundits = [services.add_pundit(session, actor, name=f"Busy pundit {i}") for i in range(3)]
    for day in range(1, 13):
        services.log_prediction(
            session,
            actor,
            question_id=question.id,
            pundit_id=pundits[day % 3].id,
            made_at=f"2020-01-{day:02d}",
            probability=day / 100,
        )
    summary = queries.forecast_summaries(session, [question.id])[question.id]
    assert (summary.count, summary.pundits, summary.earlier) == (12, 3, 2)
    assert [p.probability for p in summary.latest] == [day / 100 for day in range(3, 13)]
    html = as_role(None).get("/?sort=newest").get_data(as_text=True)
    item = html[html.index(f'id="q-{question.slug}"') :]
    item = item[: item.index('<p class="more">')]
    assert "12 forecasts by 3 pundits · latest 12%" in item
    assert item.count('<li class="prediction') == 10
    more = f'<a href="/questions/{question.slug}">all 12 forecasts</a>'
    assert more in html[html.index(f'id="q-{question.slug}"') :]
