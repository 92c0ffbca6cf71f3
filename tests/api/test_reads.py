"""Public reads: lists with pagination and the web pages' filters, single items, 404s;
no token needed, and a token that is sent must be good."""

from __future__ import annotations

import datetime as dt

import pytest

from forecasts import scores, services
from forecasts.models import utcnow
from rival_pundits import add_rivals
from support import bearer, field_rules

SEEDED_PUNDIT = "op-ed-author-iran-us-iraq-2020"
SEEDED_QUESTION = "us-iran-war-by-end-2020"


@pytest.fixture
def more_data(sessions):
    """Beside the seeds: a second pundit, a multiple-choice question, an open and a due
    question, and forecasts on them."""
    actor = services.Actor.system()
    today = utcnow().date()
    with sessions() as session:
        rival = services.add_pundit(session, actor, name="Rival Pundit")
        choice = services.add_question(
            session,
            actor,
            statement="Who wins the 2030 cup?",
            resolution_criteria="FIFA",
            resolve_by=today + dt.timedelta(days=400),
            kind="multiple_choice",
            options=["Red", "Blue"],
            tags=["sport"],
        )
        due = services.add_question(
            session,
            actor,
            statement="Was it sunny on 2021-06-01?",
            resolution_criteria="Records",
            resolve_by="2021-06-02",
            tags=["weather"],
        )
        services.log_prediction(
            session,
            actor,
            question_id=choice.id,
            pundit_id=rival.id,
            made_at=utcnow(),
            distribution={"Red": 0.7, "Blue": 0.3},
        )
        services.log_prediction(
            session,
            actor,
            question_id=due.id,
            pundit_id=rival.id,
            made_at="2021-05-01",
            probability=0.6,
        )
        services.log_prediction(
            session, actor, question_id=1, pundit_id=rival.id, made_at="2020-02-01", probability=0.2
        )
        return {"rival": rival.slug, "choice": choice.slug, "due": due.slug}


def test_lists_answer_pages_with_totals(client, more_data):
    body = client.get("/api/v1/questions?per_page=4").get_json()
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (1, 4, 9, 3)
    second = client.get("/api/v1/questions?per_page=4&page=2").get_json()
    last = client.get("/api/v1/questions?per_page=4&page=3").get_json()
    ids = [q["id"] for page in (body, second, last) for q in page["items"]]
    assert ids == sorted(ids) and len(set(ids)) == 9
    beyond = client.get("/api/v1/questions?per_page=4&page=9").get_json()
    assert beyond["items"] == [] and beyond["total"] == 9
    assert client.get("/api/v1/questions").get_json()["per_page"] == 20


BAD_LIST_PARAMETERS = [
    ("per_page=101", "per_page"),
    ("per_page=0", "per_page"),
    ("page=0", "page"),
    ("page=two", "page"),
    ("kind=ternary", "kind"),
    ("status=pending", "status"),
]


def test_bad_list_parameters_are_400_naming_the_parameter(client):
    for query, field in BAD_LIST_PARAMETERS:
        response = client.get(f"/api/v1/questions?{query}")
        assert response.status_code == 400, query
        assert field in field_rules(response), query


def test_question_filters(client, more_data):
    def slugs(query):
        response = client.get(f"/api/v1/questions?per_page=100&{query}")
        assert response.status_code == 200, response.get_json()
        return {q["slug"] for q in response.get_json()["items"]}

    assert slugs("tag=sport") == {more_data["choice"]}
    assert slugs("kind=multiple_choice") == {more_data["choice"]}
    assert len(slugs("kind=binary")) == 8
    assert slugs("status=due") == {more_data["due"]}
    assert slugs("status=open") == {more_data["choice"], "iran-us-contest-over-iraq-resolved"}
    assert slugs("status=annulled") == {"us-iran-war-spreads-over-region", "iraq-sides-with-iran"}
    assert len(slugs("status=resolved")) == 4
    assert slugs("tag=iraq&status=annulled") == {"iraq-sides-with-iran"}
    assert slugs("tag=no-such-tag") == set()


def test_prediction_filters(client, more_data):
    def items(query):
        return client.get(f"/api/v1/predictions?per_page=100&{query}").get_json()["items"]

    assert len(items("")) == 10
    rival = items(f"pundit={more_data['rival']}")
    assert len(rival) == 3 and {p["pundit_slug"] for p in rival} == {more_data["rival"]}
    assert [p["made_at"] for p in rival] == sorted(p["made_at"] for p in rival)
    on_war = items(f"question={SEEDED_QUESTION}")
    assert {p["pundit_slug"] for p in on_war} == {SEEDED_PUNDIT, more_data["rival"]}
    both = items(f"question={SEEDED_QUESTION}&pundit={more_data['rival']}")
    assert [p["probability"] for p in both] == [0.2]
    choice = items(f"question={more_data['choice']}")
    assert choice[0]["distribution"] == {"Red": 0.7, "Blue": 0.3}
    assert choice[0]["probability"] is None


def test_resolutions_list_every_resolution_and_filter_by_question(client):
    body = client.get("/api/v1/resolutions?per_page=100").get_json()
    assert body["total"] == 6
    assert {"id", "question_id", "outcome", "known_at", "resolved_at"} <= set(body["items"][0])
    one = client.get(f"/api/v1/resolutions?question={SEEDED_QUESTION}").get_json()["items"]
    assert [r["outcome"] for r in one] == ["no"]


def test_pundit_and_question_by_slug(client):
    pundit = client.get(f"/api/v1/pundits/{SEEDED_PUNDIT}")
    assert pundit.status_code == 200 and pundit.get_json()["slug"] == SEEDED_PUNDIT
    question = client.get(f"/api/v1/questions/{SEEDED_QUESTION}").get_json()
    assert question["outcome"] == "no" and question["resolution"]["outcome"] == "no"
    assert client.get("/api/v1/pundits").get_json()["items"][0]["slug"] == SEEDED_PUNDIT


def test_missing_rows_are_404_json(client):
    for path, slug in [
        ("/api/v1/pundits/nobody", "nobody"),
        ("/api/v1/questions/nothing", "nothing"),
    ]:
        response = client.get(path)
        assert response.status_code == 404 and response.is_json
        assert slug in response.get_json()["message"]
        assert response.get_json()["errors"] == []


def test_leaderboard_matches_the_scores_with_the_same_filters(client, sessions, more_data):
    body = client.get("/api/v1/leaderboard").get_json()
    assert body["filters"] == {
        "tag": None,
        "since": None,
        "until": None,
        "kind": None,
        "min_n": scores.DEFAULT_MIN_N,
    }
    assert [row["rank"] for row in body["items"]] == [None, None]  # fewer than 5 each
    ranked = client.get("/api/v1/leaderboard?min_n=1").get_json()["items"]
    with sessions() as session:
        board = scores.leaderboard(session, scores.Filters(), 1)
    expected = board.sort_values(["rank", "pundit"])
    assert [row["pundit"] for row in ranked] == list(expected["pundit"])
    assert [row["brier"] for row in ranked] == pytest.approx(list(expected["brier"]))
    assert [row["rank"] for row in ranked] == [1, 2]

    filtered = client.get(
        "/api/v1/leaderboard?min_n=1&since=2020-01-15&until=2020-12-31&tag=war&kind=binary"
    ).get_json()
    assert filtered["filters"] == {
        "tag": "war",
        "since": "2020-01-15",
        "until": "2020-12-31",
        "kind": "binary",
        "min_n": 1,
    }
    with sessions() as session:
        board = scores.leaderboard(
            session,
            scores.Filters(
                tag="war", since=dt.date(2020, 1, 15), until=dt.date(2020, 12, 31), kind="binary"
            ),
            1,
        )
    assert (
        [row["pundit"] for row in filtered["items"]]
        == list(board["pundit"])
        == [more_data["rival"]]
    )


def test_a_pundits_standing_is_their_leaderboard_row(client, sessions):
    with sessions() as session:
        rivals = add_rivals(session)
    board = client.get("/api/v1/leaderboard?per_page=100").get_json()
    rows = {row["pundit"]: row for row in board["items"]}
    ranked = [row for row in board["items"] if row["rank"] is not None]
    # The board under test: three ranked pundits in three places, with shared questions.
    assert sorted(row["rank"] for row in ranked) == [1, 2, 3]
    assert all(row["n_peer"] > 0 and row["peer_brier"] is not None for row in ranked)
    numbers = ["rank", "n", "brier", "brier_ci_low", "brier_ci_high", "log_score"]
    numbers += ["peer_brier", "peer_log", "n_peer", "time_averaged_brier"]
    for slug, row in rows.items():
        standing = client.get(f"/api/v1/pundits/{slug}").get_json()["standing"]
        assert {name: standing[name] for name in numbers} == {
            name: row[name] for name in numbers
        }, slug
        assert standing["min_n"] == board["filters"]["min_n"]
        assert standing["ranked_pundits"] == len(ranked)
    silent = client.get(f"/api/v1/pundits/{rivals['Silent Sam']}").get_json()["standing"]
    assert rivals["Silent Sam"] not in rows
    assert (silent["rank"], silent["n"], silent["n_peer"], silent["brier"]) == (None, 0, 0, None)


def test_leaderboard_pages(client, more_data):
    first = client.get("/api/v1/leaderboard?min_n=1&per_page=1").get_json()
    second = client.get("/api/v1/leaderboard?min_n=1&per_page=1&page=2").get_json()
    assert (first["total"], first["pages"]) == (2, 2)
    assert [first["items"][0]["rank"], second["items"][0]["rank"]] == [1, 2]


BAD_FILTERS = [
    ("since=2020-13-01", "since"),
    ("until=yesterday", "until"),
    ("kind=ternary", "kind"),
    ("min_n=0", "min_n"),
    ("min_n=many", "min_n"),
]


def test_bad_leaderboard_filters_are_400_like_the_page(client):
    for query, field in [*BAD_FILTERS, ("per_page=500", "per_page")]:
        response = client.get(f"/api/v1/leaderboard?{query}")
        assert response.status_code == 400, query
        rules = field_rules(response)
        assert field in rules, query
    for query, field in BAD_FILTERS:  # the page refuses the same values, in the same words
        page = client.get(f"/leaderboard?{query}")
        assert page.status_code == 400, query
        rule = field_rules(client.get(f"/api/v1/leaderboard?{query}"))[field]
        assert rule.replace("'", "&#39;") in page.get_data(as_text=True), query


def test_reads_need_no_token_but_a_sent_token_must_be_good(client, token_for):
    _, reader = token_for("reader")
    assert client.get("/api/v1/questions", headers=bearer(reader)).status_code == 200
    for header in ("Bearer fct_not-a-real-token", "Basic dXNlcjpwYXNz", "Bearer"):
        response = client.get("/api/v1/questions", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.get_json()["message"]


def test_api_ignores_the_session_cookie(as_role):
    editor = as_role("editor")
    response = editor.post(
        "/api/v1/questions", json={"statement": "x?", "resolution_criteria": "y"}
    )
    assert response.status_code == 401
