"""The search box on every page and the /search page; /questions filtered and sorted
in the URL; tags as links to a tag page with its questions and its leaderboard."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forecasts import services
from forecasts.db import make_session_factory
from forecasts.models import Question


@pytest.mark.parametrize(
    "path",
    ["/", "/questions", "/leaderboard", "/pundits/", "/sources/", "/phrases", "/search"],
)
def test_every_page_has_the_search_box(as_role, path):
    for role in (None, "editor"):
        html = as_role(role).get(path).get_data(as_text=True)
        assert re.search(
            r'<form class="search-box" role="search" method="get" action="/search"', html
        )
        assert 'name="q"' in html


def test_search_shows_each_kind_with_the_words_marked(as_role):
    response = as_role(None).get("/search?q=iran+war")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<a class="search-title" href="/questions/us-iran-war-by-end-2020">' in html
    assert "<mark>Iran</mark> go to <mark>war</mark>" in html
    assert 'id="results-question"' in html and 'id="results-prediction"' in html
    assert 'value="iran war"' in html  # the box keeps the query


def test_a_kind_is_listed_alone_and_links_back(as_role):
    html = as_role(None).get("/search?q=iran&kind=question").get_data(as_text=True)
    assert 'id="results-question"' in html and 'id="results-pundit"' not in html
    assert html.count('class="search-hit search-question"') == 5  # every question on Iran
    assert 'href="/search?q=iran">All results' in html


def test_stored_text_and_the_query_are_escaped(as_role, engine):
    with make_session_factory(engine)() as session:
        services.add_pundit(
            session, services.Actor.system(), name="<img src=x onerror=alert(1)> Okafor"
        )
    html = as_role(None).get("/search?q=<okafor>").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt; <mark>Okafor</mark>" in html
    assert "<img src=x" not in html and "<okafor>" not in html
    assert 'value="&lt;okafor&gt;"' in html


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("q=", 200, None),
        ("q=%22%2A%28%29", 400, "q: must contain a word to search for"),
        ("q=" + "x" * 201, 400, "q: must be at most 200 characters (got 201)"),
        ("q=iran&kind=users", 400, "kind: must be one of question, pundit, source, prediction"),
        ("q=iran&page=0", 404, None),
        ("q=iran&kind=question&page=9", 404, None),
    ],
)
def test_bad_searches_say_why(as_role, query, status, message):
    response = as_role(None).get(f"/search?{query}")
    assert response.status_code == status
    if message:
        assert message in response.get_data(as_text=True).replace("&#39;", "'")


# ------------------------------------------------------------------- the list


def _shown(html: str) -> list[str]:
    return re.findall(r'<li class="question" id="q-([^"]+)">', html)


def _questions(engine) -> list[Question]:
    with make_session_factory(engine)() as session:
        return list(
            session.scalars(
                select(Question)
                .options(selectinload(Question.resolutions), selectinload(Question.tags))
                .order_by(Question.id)
            )
        )


def _status(question: Question, today: dt.date) -> str:
    standing = question.resolutions[-1] if question.resolutions else None
    if standing is not None:
        return "annulled" if standing.outcome == "annulled" else "resolved"
    if question.resolve_by is not None and question.resolve_by < today:
        return "due"
    return "open"


def test_questions_are_filtered_by_status_tag_and_kind(as_role, engine):
    client = as_role(None)
    questions = _questions(engine)
    today = dt.datetime.now(dt.UTC).date()
    for status in ("open", "due", "resolved", "annulled"):
        expected = [q.slug for q in questions if _status(q, today) == status]
        assert _shown(client.get(f"/questions?status={status}").get_data(as_text=True)) == expected
    iraq = [q.slug for q in questions if "iraq" in {tag.slug for tag in q.tags}]
    assert iraq and _shown(client.get("/questions?tag=iraq").get_data(as_text=True)) == iraq
    assert _shown(client.get("/questions?kind=multiple_choice").get_data(as_text=True)) == [
        q.slug for q in questions if q.kind == "multiple_choice"
    ]
    both = [q.slug for q in questions if q.slug in iraq and _status(q, today) == "resolved"]
    assert _shown(client.get("/questions?tag=iraq&status=resolved").get_data(as_text=True)) == both


def test_questions_are_sorted_as_the_url_says(as_role, engine):
    client = as_role(None)
    questions = _questions(engine)
    added = [q.slug for q in questions]
    assert _shown(client.get("/questions").get_data(as_text=True)) == added
    assert _shown(client.get("/").get_data(as_text=True)) == added
    assert _shown(client.get("/questions?sort=newest").get_data(as_text=True)) == added[::-1]
    by_deadline = sorted(questions, key=lambda q: (q.resolve_by is None, q.resolve_by or 0, q.id))
    html = client.get("/questions?sort=deadline").get_data(as_text=True)
    assert _shown(html) == [q.slug for q in by_deadline]
    assert '<option value="deadline" selected>' in html


def test_bad_filters_are_named_and_left_out(as_role, engine):
    response = as_role(None).get("/questions?status=lost&kind=numeric&sort=random")
    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 400
    assert "status: must be one of open, due, resolved, annulled (got 'lost')" in html
    assert "kind: must be one of binary, multiple_choice (got 'numeric')" in html
    assert "sort: must be one of added, newest, deadline, forecasts (got 'random')" in html
    assert len(_shown(html)) == len(_questions(engine))  # the unfiltered list


# ------------------------------------------------------------------ the tags


def test_tags_link_to_a_page_with_their_questions_and_board(as_role, engine):
    client = as_role(None)
    home = client.get("/").get_data(as_text=True)
    assert '<a class="tag" href="/tags/iran">iran</a>' in home
    question = client.get("/questions/us-iran-war-by-end-2020").get_data(as_text=True)
    assert '<a class="tag" href="/tags/war">war</a>' in question
    response = client.get("/tags/iran")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    tagged = [q.slug for q in _questions(engine) if "iran" in {t.slug for t in q.tags}]
    assert _shown(html) == tagged
    assert "Leaderboard for iran" in html and 'href="/leaderboard?tag=iran"' in html
    assert client.get("/tags/no-such-tag").status_code == 404
