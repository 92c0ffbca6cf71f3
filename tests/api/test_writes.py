"""Writes: editors' (and admins') tokens only; every refusal writes nothing; bad input is
422 naming the field and the rule; a stale expected_resolution_id is 409."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forecasts import services, tokens
from forecasts.models import ApiToken, AuditEvent, Prediction, Question, Resolution
from support import bearer, field_rules

OPEN_QUESTION = "iran-us-contest-over-iraq-resolved"  # seeded, unresolved, no deadline
RESOLVED_QUESTION = "us-iran-war-by-end-2020"  # seeded, resolved "no" (resolution 1)

NEW_QUESTION = {
    "statement": "Will the 2030 World Cup final go to penalties?",
    "resolution_criteria": "FIFA's match report.",
    "resolve_by": "2030-07-31",
    "tags": ["sport"],
}
WRITES = [
    (
        "/api/v1/predictions",
        {
            "question_id": 7,
            "pundit_id": 1,
            "made_at": "2020-01-02",
            "probability": 0.3,
            "quote": "hardly",
        },
    ),
    ("/api/v1/questions", NEW_QUESTION),
    (f"/api/v1/questions/{OPEN_QUESTION}/resolve", {"outcome": "yes", "known_at": "2022-01-01"}),
    (
        f"/api/v1/questions/{OPEN_QUESTION}/annul",
        {"reason": "Too vague to call.", "known_at": "2022-01-01"},
    ),
]


def count(sessions, model) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_editor_logs_a_prediction(client, editor_token, sessions):
    response = client.post(
        "/api/v1/predictions",
        headers=bearer(editor_token),
        json={
            "question_id": 7,
            "pundit_id": 1,
            "made_at": "2020-03-01T12:00:00+01:00",
            "probability": 0.4,
            "quote": "a coin toss, maybe less",
            "hedge_phrase": "maybe",
            "probability_origin": "estimated",
        },
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["probability"] == 0.4 and body["logged_by"] == "editor"
    assert body["made_at"] == "2020-03-01T11:00:00Z" and body["question_slug"] == OPEN_QUESTION
    with sessions() as session:
        row = session.get(Prediction, body["id"])
        assert row.quote == "a coin toss, maybe less"
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert (event.action, event.actor_name) == ("prediction.create", "editor")


def test_certainty_is_sent_as_100_percent_and_percent_strings_are_read(client, editor_token):
    def log(probability, made_at):
        body = {"question_id": 7, "pundit_id": 1, "made_at": made_at, "probability": probability}
        response = client.post("/api/v1/predictions", headers=bearer(editor_token), json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["probability"]

    assert log("100%", "2020-03-02") == 1.0
    assert log("1%", "2020-03-03") == pytest.approx(0.01)
    assert log(0.05, "2020-03-04") == pytest.approx(0.05)


def test_editor_adds_questions(client, editor_token):
    response = client.post("/api/v1/questions", headers=bearer(editor_token), json=NEW_QUESTION)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["slug"] == "will-the-2030-world-cup-final-go-to-penalties"
    assert response.headers["Location"].endswith(f"/api/v1/questions/{body['slug']}")
    assert client.get(response.headers["Location"]).get_json() == body
    choice = client.post(
        "/api/v1/questions",
        headers=bearer(editor_token),
        json={
            "statement": "Which team wins?",
            "resolution_criteria": "The result.",
            "kind": "multiple_choice",
            "options": ["Red", "Blue", "Green"],
            "slug": "who-wins",
            "condition_question_id": 7,
            "condition_outcome": "yes",
        },
    )
    assert choice.status_code == 201, choice.get_json()
    assert choice.get_json()["options"] == ["Red", "Blue", "Green"]
    assert choice.get_json()["condition"]["question_slug"] == OPEN_QUESTION


def test_admin_token_may_write_too(client, token_for):
    _, admin = token_for("admin")
    response = client.post("/api/v1/questions", headers=bearer(admin), json=NEW_QUESTION)
    assert response.status_code == 201


def test_resolve_with_optimistic_locking(client, editor_token, sessions, snapshot_of, engine):
    path = f"/api/v1/questions/{OPEN_QUESTION}/resolve"
    first = client.post(
        path,
        headers=bearer(editor_token),
        json={
            "outcome": "no",
            "known_at": "2022-01-01",
            "expected_resolution_id": None,
            "evidence_url": "https://example.org/report",
            "note": "The contest went on.",
        },
    )
    assert first.status_code == 201, first.get_json()
    first_id = first.get_json()["id"]
    assert first.get_json()["outcome"] == "no" and first.get_json()["resolved_by"] == "editor"

    before = snapshot_of(engine)
    stale = client.post(
        path,
        headers=bearer(editor_token),
        json={"outcome": "yes", "known_at": "2022-01-02", "expected_resolution_id": None},
    )
    assert stale.status_code == 409
    body = stale.get_json()
    assert body["current"]["resolution"]["id"] == first_id
    assert body["current"]["outcome"] == "no"
    assert "expected_resolution_id" in field_rules(stale)
    assert snapshot_of(engine) == before

    again = client.post(
        path,
        headers=bearer(editor_token),
        json={"outcome": "yes", "known_at": "2022-01-02", "expected_resolution_id": first_id},
    )
    assert again.status_code == 201
    assert client.get(f"/api/v1/questions/{OPEN_QUESTION}").get_json()["outcome"] == "yes"
    # Without expected_resolution_id there is no check: the latest simply stands.
    plain = client.post(
        path, headers=bearer(editor_token), json={"outcome": "no", "known_at": "2022-01-03"}
    )
    assert plain.status_code == 201


def test_annul(client, editor_token, sessions):
    response = client.post(
        f"/api/v1/questions/{RESOLVED_QUESTION}/annul",
        headers=bearer(editor_token),
        json={
            "reason": "The criteria were ambiguous.",
            "known_at": "2021-01-01",
            "expected_resolution_id": 1,
        },
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["outcome"] == "annulled"
    question = client.get(f"/api/v1/questions/{RESOLVED_QUESTION}").get_json()
    assert question["outcome"] == "annulled"


def test_stale_annulment_is_409(client, editor_token, snapshot_of, engine):
    before = snapshot_of(engine)
    response = client.post(
        f"/api/v1/questions/{RESOLVED_QUESTION}/annul",
        headers=bearer(editor_token),
        json={"reason": "Ambiguous.", "known_at": "2021-01-01", "expected_resolution_id": None},
    )
    assert response.status_code == 409
    assert response.get_json()["current"]["slug"] == RESOLVED_QUESTION
    assert snapshot_of(engine) == before


@pytest.mark.parametrize("path, body", WRITES, ids=lambda value: str(value)[:30])
def test_writes_refuse_missing_reader_revoked_and_bad_tokens(
    client, token_for, user, sessions, snapshot_of, engine, path, body
):
    _, reader = token_for("reader")
    revoked_row, revoked = token_for("editor", "revoked")
    with sessions() as session:
        tokens.revoke_token(session, services.Actor.of(user("editor")), revoked_row.id)
    before = snapshot_of(engine)
    cases = [
        ({}, 401),
        (bearer(reader), 403),
        (bearer(revoked), 401),
        (bearer("fct_" + "x" * 43), 401),
        ({"Authorization": "Token abc"}, 401),
    ]
    for headers, status in cases:
        response = client.post(path, headers=headers, json=body)
        assert response.status_code == status, (headers, response.get_json())
        assert response.is_json and response.get_json()["message"]
        assert response.get_json()["errors"] == []
    assert snapshot_of(engine) == before


def test_a_token_has_its_users_role_at_use_time(
    client, token_for, user, sessions, snapshot_of, engine
):
    _, token = token_for("editor")
    path, body = WRITES[1]
    editor = user("editor")
    with sessions() as session:
        services.update_user(session, services.Actor.system(), editor.id, role="reader")
    before = snapshot_of(engine)
    demoted = client.post(path, headers=bearer(token), json=body)
    assert demoted.status_code == 403
    assert "reader" in demoted.get_json()["message"]
    assert client.get("/api/v1/questions", headers=bearer(token)).status_code == 200
    with sessions() as session:
        services.update_user(
            session, services.Actor.system(), editor.id, role="editor", is_active=False
        )
    before = snapshot_of(engine)
    for method in (client.get, client.post):
        response = method("/api/v1/questions", headers=bearer(token), json=body)
        assert response.status_code == 401
    assert snapshot_of(engine) == before


BAD_INPUT = [
    (
        "/api/v1/predictions",
        {"question_id": 7, "pundit_id": 1, "made_at": "2020-01-02", "probability": 1.2},
        "probability",
        "between 0 and 1",
    ),
    (
        "/api/v1/predictions",
        {"question_id": 7, "pundit_id": 1, "made_at": "2020-01-02", "probability": 1},
        "probability",
        '1 alone could mean 100% or 1%: write 100% or 1% (send "100%" for certainty',
    ),
    (
        "/api/v1/predictions",
        {"question_id": 7, "pundit_id": 1, "made_at": "2020-01-02", "probability": "1.0"},
        "probability",
        "1 alone could mean 100% or 1%",
    ),
    (
        "/api/v1/predictions",
        {"question_id": 7, "pundit_id": 999, "made_at": "2020-01-02", "probability": 0.5},
        "pundit_id",
        "no pundit",
    ),
    ("/api/v1/predictions", {"pundit_id": 1, "probability": 0.5}, "question_id", "required"),
    (
        "/api/v1/predictions",
        {"question_id": 7, "pundit_id": 1, "made_at": "2999-01-01", "probability": 0.5},
        "made_at",
        "future",
    ),
    ("/api/v1/questions", {"statement": "", "resolution_criteria": "x"}, "statement", "required"),
    (
        "/api/v1/questions",
        {**NEW_QUESTION, "kind": "multiple_choice", "options": ["One"]},
        "options",
        "",
    ),
    ("/api/v1/questions", {**NEW_QUESTION, "resolve_by": "31/07/2030"}, "resolve_by", "date"),
    (
        f"/api/v1/questions/{OPEN_QUESTION}/resolve",
        {"outcome": "maybe", "known_at": "2022-01-01"},
        "outcome",
        "must be one of",
    ),
    (
        f"/api/v1/questions/{OPEN_QUESTION}/resolve",
        {"outcome": "yes", "known_at": "2022-01-01", "evidence_url": "ftp://x.org/a"},
        "evidence_url",
        "http",
    ),
    (f"/api/v1/questions/{OPEN_QUESTION}/annul", {"known_at": "2022-01-01"}, "note", "required"),
]


def test_bad_input_is_422_with_field_and_rule_and_writes_nothing(
    client, editor_token, snapshot_of, engine
):
    before = snapshot_of(engine)
    for path, body, field, rule in BAD_INPUT:
        response = client.post(path, headers=bearer(editor_token), json=body)
        assert response.status_code == 422, (body, response.get_json())
        rules = field_rules(response)
        assert field in rules and rule in rules[field], rules
        assert response.get_json()["message"].startswith("Nothing was changed")
    assert snapshot_of(engine) == before


UNREADABLE = [
    ({"data": "{not json", "content_type": "application/json"}, "body"),
    ({"data": "question_id=7", "content_type": "application/x-www-form-urlencoded"}, "body"),
    ({"json": [1, 2]}, "body"),
    ({"json": {"question_id": "seven", "pundit_id": 1}}, "question_id"),
    ({"json": {"question_id": 7.5}}, "question_id"),
    ({"json": {"probability": "high"}}, "probability"),
    ({"json": {"distribution": {"Red": "most"}}}, "distribution.Red"),
    ({"json": {"question_id": 7, "colour": "red"}}, "colour"),
    ({"json": {"quote": "nul\u0000byte"}}, "quote"),
    ({"json": {"question_id": 2**40}}, "question_id"),
]


def test_unreadable_requests_are_400(client, editor_token, snapshot_of, engine):
    before = snapshot_of(engine)
    for send, field in UNREADABLE:
        response = client.post("/api/v1/predictions", headers=bearer(editor_token), **send)
        assert response.status_code == 400, (send, response.get_json())
        assert field in field_rules(response), send
    assert snapshot_of(engine) == before


def test_resolving_a_missing_question_is_404(client, editor_token):
    response = client.post(
        "/api/v1/questions/no-such-question/resolve",
        headers=bearer(editor_token),
        json={"outcome": "yes", "known_at": "2022-01-01"},
    )
    assert response.status_code == 404 and response.is_json


def test_writes_are_rate_limited_per_token(make_app, token_for, sessions):
    app = make_app(API_WRITE_RATE_LIMIT="2 per minute")
    client = app.test_client()
    _, first = token_for("editor", "first")
    _, second = token_for("editor", "second")
    before = count(sessions, Question)
    statuses = []
    for n in range(3):
        response = client.post(
            "/api/v1/questions",
            headers=bearer(first),
            json={**NEW_QUESTION, "statement": f"Question number {n}?"},
        )
        statuses.append(response.status_code)
    assert statuses == [201, 201, 429]
    assert response.is_json and "Rate limit" in response.get_json()["message"]
    assert int(response.headers["Retry-After"]) >= 1
    assert count(sessions, Question) == before + 2
    other = client.post(
        "/api/v1/questions",
        headers=bearer(second),
        json={**NEW_QUESTION, "statement": "Another token's question?"},
    )
    assert other.status_code == 201


def test_reads_are_rate_limited_per_client(make_app):
    client = make_app(API_READ_RATE_LIMIT="3 per minute").test_client()
    statuses = [client.get("/api/v1/pundits").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_last_use_is_recorded_only_for_accepted_requests(client, token_for, sessions):
    row, reader = token_for("reader")
    client.post("/api/v1/questions", headers=bearer(reader), json=NEW_QUESTION)
    with sessions() as session:
        assert session.get(ApiToken, row.id).last_used_at is None
    assert client.get("/api/v1/pundits", headers=bearer(reader)).status_code == 200
    with sessions() as session:
        assert session.get(ApiToken, row.id).last_used_at is not None
    assert count(sessions, Resolution) == 6


def test_a_body_larger_than_the_cap_is_413_in_the_json_shape_and_writes_nothing(
    app, client, editor_token, engine, snapshot_of
):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    before = snapshot_of(engine)
    big = {**NEW_QUESTION, "resolution_criteria": "x" * 20_000}
    response = client.post("/api/v1/questions", headers=bearer(editor_token), json=big)
    assert response.status_code == 413 and "message" in response.get_json()
    assert snapshot_of(engine) == before


def test_refused_tokens_are_rate_limited_per_address_and_good_tokens_are_not_counted(
    make_app, editor_token
):
    app = make_app(API_BAD_TOKEN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    for _ in range(3):
        assert client.get("/api/v1/pundits", headers=bearer(editor_token)).status_code == 200
    statuses = [
        client.get("/api/v1/pundits", headers=bearer("fct_guessed")).status_code for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    limited = client.get("/api/v1/pundits", headers=bearer("fct_another"))
    assert limited.status_code == 429 and limited.is_json and "Retry-After" in limited.headers


@pytest.mark.parametrize(
    "body",
    [
        '{"statement": "\\ud800", "resolution_criteria": "x"}',  # a lone surrogate
        "[" * 50_000 + "]" * 50_000,  # nesting deeper than any parser should follow
        '{"statement": "x", "resolution_criteria": "x", "resolve_by": ' + "9" * 5000 + "}",
        "{not json",
    ],
    ids=["lone-surrogate", "deep-nesting", "huge-integer", "malformed"],
)
def test_hostile_json_is_a_400_in_the_error_shape_and_writes_nothing(
    client, editor_token, engine, snapshot_of, body
):
    before = snapshot_of(engine)
    response = client.post(
        "/api/v1/questions",
        data=body,
        content_type="application/json",
        headers=bearer(editor_token),
    )
    assert response.status_code in (400, 422), response.get_data(True)[:200]
    assert set(response.get_json()) >= {"errors", "message"}
    assert snapshot_of(engine) == before


def test_reference_forecasts_through_the_api(client, editor_token, engine):
    from forecasts.models import ReferenceForecast

    body = {
        "points": [
            {"source": "A market", "time": "2020-02-01", "probability": 0.12},
            {
                "source": "A market",
                "time": "2020-03-01T12:00:00Z",
                "probability": "20%",
                "url": "https://market.example.org/q",
                "licence": "terms of use",
            },
        ]
    }
    path = f"/api/v1/questions/{OPEN_QUESTION}/references"
    added = client.post(path, json=body, headers=bearer(editor_token))
    assert added.status_code == 201, added.get_json()
    assert added.get_json() == {"added": 2, "already_present": 0}
    again = client.post(path, json=body, headers=bearer(editor_token))
    assert again.get_json() == {"added": 0, "already_present": 2}
    with Session(engine) as session:
        values = sorted(session.scalars(select(ReferenceForecast.probability)))
    assert values == [0.12, 0.2]
    bad = client.post(
        path,
        json={"points": [{"source": "", "time": "soon", "probability": "150%"}]},
        headers=bearer(editor_token),
    )
    assert bad.status_code == 422
    assert {"line 2, source", "line 2, time", "line 2, probability"} <= set(field_rules(bad))
    assert client.post(path, json=body).status_code == 401
    missing = client.post(
        "/api/v1/questions/no-such-question/references", json=body, headers=bearer(editor_token)
    )
    assert missing.status_code == 404
