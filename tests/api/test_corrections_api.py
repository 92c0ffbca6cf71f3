"""Corrections through the API: an editor's token corrects, retracts and restores; an
admin's merges and deletes; a merged pundit's old address redirects; every refusal is
named and writes nothing."""

from __future__ import annotations

from sqlalchemy import select

from forecasts import services
from forecasts.models import Prediction, Pundit
from support import bearer, field_rules

WAR = "us-iran-war-by-end-2020"


def _war(sessions) -> Prediction:
    with sessions() as session:
        prediction = session.scalar(
            select(Prediction).where(Prediction.question.has(slug=WAR)).order_by(Prediction.id)
        )
        session.expunge(prediction)
        return prediction


def test_an_editor_corrects_retracts_and_restores(client, editor_token, sessions):
    prediction = _war(sessions)
    path = f"/api/v1/predictions/{prediction.id}"
    corrected = client.patch(
        path,
        headers=bearer(editor_token),
        json={"expected_version": 1, "reason": "The column says 3%.", "probability": "3%"},
    )
    assert corrected.status_code == 200, corrected.get_json()
    body = corrected.get_json()
    assert body["probability"] == 0.03 and body["corrected_at"] and body["version"] == 2
    stale = client.patch(
        path, headers=bearer(editor_token), json={"expected_version": 1, "reason": "x", "note": "n"}
    )
    assert stale.status_code == 409 and stale.get_json()["current"]["version"] == 2
    retracted = client.post(
        path + "/retract",
        headers=bearer(editor_token),
        json={"expected_version": 2, "reason": "Not the author's words."},
    )
    assert retracted.status_code == 200 and retracted.get_json()["retracted_at"]
    listed = client.get(f"/api/v1/predictions?question={WAR}").get_json()["items"]
    assert any(item["retraction_reason"] == "Not the author's words." for item in listed)
    restored = client.post(
        path + "/restore",
        headers=bearer(editor_token),
        json={"expected_version": 3, "reason": "They were."},
    )
    assert restored.status_code == 200 and restored.get_json()["retracted_at"] is None


def test_bad_corrections_are_named_and_write_nothing(client, editor_token, engine, snapshot_of):
    before = snapshot_of(engine)
    for body, field in [
        ({"expected_version": 1, "reason": "", "note": "x"}, "reason"),
        ({"expected_version": 1, "reason": "x", "probability": "150%"}, "probability"),
        ({"expected_version": 1, "reason": "x", "pundit_id": 2}, "pundit_id"),
        ({"reason": "x", "note": "y"}, "expected_version"),
    ]:
        response = client.patch("/api/v1/predictions/1", headers=bearer(editor_token), json=body)
        assert response.status_code in (400, 422), (body, response.get_json())
        assert field in field_rules(response), (body, response.get_json())
    assert (
        client.patch(
            "/api/v1/predictions/999999",
            headers=bearer(editor_token),
            json={"expected_version": 1, "reason": "x", "note": "y"},
        ).status_code
        == 404
    )
    assert snapshot_of(engine) == before


def test_an_admin_merges_pundits_and_the_old_address_redirects(
    client, token_for, editor_token, sessions
):
    admin_token = token_for("admin")[1]
    with sessions() as session:
        kept = session.scalar(select(Pundit).order_by(Pundit.id)).slug
        duplicate = services.add_pundit(session, services.Actor.system(), name="Dup Licate").slug
    merge = {"into": kept, "expected_version": 1}
    path = f"/api/v1/pundits/{duplicate}/merge"
    assert client.post(path, headers=bearer(editor_token), json=merge).status_code == 403
    bad = client.post(path, headers=bearer(admin_token), json={**merge, "into": duplicate})
    assert bad.status_code == 422 and "into" in field_rules(bad)
    merged = client.post(path, headers=bearer(admin_token), json=merge)
    assert merged.status_code == 200 and merged.get_json()["slug"] == kept
    old = client.get(f"/api/v1/pundits/{duplicate}")
    assert old.status_code == 301 and old.headers["Location"].endswith(f"/api/v1/pundits/{kept}")


def test_an_admin_deletes_what_nothing_refers_to(client, token_for, sessions):
    admin_token = token_for("admin")[1]
    with sessions() as session:
        spare = services.add_pundit(session, services.Actor.system(), name="Spare One").slug
        kept = session.scalar(select(Pundit).order_by(Pundit.id))
        kept_slug, kept_version = kept.slug, kept.version
    gone = client.delete(f"/api/v1/pundits/{spare}?expected_version=1", headers=bearer(admin_token))
    assert gone.status_code == 204
    assert client.get(f"/api/v1/pundits/{spare}").status_code == 404
    refused = client.delete(
        f"/api/v1/pundits/{kept_slug}?expected_version={kept_version}", headers=bearer(admin_token)
    )
    assert refused.status_code == 422 and "merge it" in field_rules(refused)["pundit"]


def test_an_id_no_row_can_have_is_no_source_to_merge(client, token_for):
    admin_token = token_for("admin")[1]
    response = client.post(
        f"/api/v1/sources/{2**63}/merge",
        headers=bearer(admin_token),
        json={"into": "1", "expected_version": 1},
    )
    assert response.status_code == 404
