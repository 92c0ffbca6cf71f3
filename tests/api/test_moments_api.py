"""The API takes a made-at and a known-at as a date or an ISO 8601 moment, keeps which,
and answers moments with their offset (Z), days as dates, and how the look-ahead rule
compared them."""

from __future__ import annotations

from forecasts import services
from support import bearer, field_rules

SYSTEM = services.Actor.system("test")


def test_moments_in_and_out(client, editor_token, sessions):
    with sessions() as session:
        pundit = services.add_pundit(session, SYSTEM, name="API Pundit")
        question = services.add_question(
            session,
            SYSTEM,
            statement="Will the API keep the time?",
            resolution_criteria="As reported.",
            resolve_by="2021-06-30",
        )
        pundit_id, slug, question_id = pundit.id, question.slug, question.id
    made = {}
    for when in ("2021-06-01T16:00:00+02:00", "2021-06-01T16:00:00Z", "2021-06-01"):
        response = client.post(
            "/api/v1/predictions",
            headers=bearer(editor_token),
            json={
                "question_id": question_id,
                "pundit_id": pundit_id,
                "made_at": when,
                "probability": 0.7,
            },
        )
        assert response.status_code == 201, response.get_json()
        made[when] = response.get_json()["made_at"]
    assert list(made.values()) == ["2021-06-01T14:00:00Z", "2021-06-01T16:00:00Z", "2021-06-01"]

    path = f"/api/v1/questions/{slug}/resolve"
    refused = client.post(
        path, headers=bearer(editor_token), json={"outcome": "yes", "known_at": "2021-06-01T25:00"}
    )
    assert refused.status_code == 422
    assert field_rules(refused)["known_at"].startswith("must be an ISO 8601 date or timestamp")
    resolved = client.post(
        path,
        headers=bearer(editor_token),
        json={"outcome": "yes", "known_at": "2021-06-01T17:00:00+02:00"},
    )
    assert resolved.status_code == 201, resolved.get_json()
    assert resolved.get_json()["known_at"] == "2021-06-01T15:00:00Z"
    listed = client.get(f"/api/v1/predictions?question={slug}").get_json()["items"]
    assert [(p["made_at"], p["look_ahead"], p["look_ahead_by"]) for p in listed] == [
        ("2021-06-01", True, "day"),
        ("2021-06-01T14:00:00Z", False, "moment"),
        ("2021-06-01T16:00:00Z", True, "moment"),
    ]
