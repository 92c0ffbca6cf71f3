"""Imported history in the API and on the pages: the API still refuses what an import
file may hold (no criteria, a statement an imported question has, a forecast after the
deadline), and the pages say where an imported question and pundit came from, that the
criteria were not recorded, and which forecasts were judged late."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from forecasts import services
from forecasts.models import Pundit, Question
from forecasts.transfer import import_file
from support import bearer, field_rules

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "predictionbook.json"


@pytest.fixture
def imported(sessions):
    with sessions() as session:
        import_file(session, SAMPLE, actor=services.Actor.system(), platform="predictionbook")
        question = session.scalar(select(Question).where(Question.platform_id == "9102"))
        pundit = session.scalar(select(Pundit).where(Pundit.platform_handle == "cyd"))
        return question.slug, question.statement, question.id, pundit.slug, pundit.id


def test_the_api_refuses_what_only_an_import_may_hold(client, editor_token, imported):
    slug, statement, question_id, _, pundit_id = imported
    headers = bearer(editor_token)
    missing = client.post("/api/v1/questions", headers=headers, json={"statement": "Will it thaw?"})
    assert missing.status_code == 422
    assert "resolution_criteria" in field_rules(missing)
    repeated = client.post(
        "/api/v1/questions",
        headers=headers,
        json={"statement": statement, "resolution_criteria": "Snow."},
    )
    assert repeated.status_code == 422
    assert "must be unique" in field_rules(repeated)["statement"]
    late = client.post(
        "/api/v1/predictions",
        headers=headers,
        json={
            "question_id": question_id,
            "pundit_id": pundit_id,
            "made_at": "2016-01-05",
            "probability": 0.1,
        },
    )
    assert late.status_code == 422
    assert "resolve-by" in field_rules(late)["made_at"]
    body = client.get(f"/api/v1/questions/{slug}").get_json()
    assert body["platform"] == {
        "name": "predictionbook",
        "id": "9102",
        "url": "https://predictionbook.com/predictions/9102",
    }


def test_the_pages_show_provenance_missing_criteria_and_late_forecasts(client, imported):
    slug, _, _, pundit_slug, _ = imported
    page = client.get(f"/questions/{slug}").get_data(as_text=True)
    assert "Criteria not recorded: PredictionBook kept none for this question." in page
    assert 'href="https://predictionbook.com/predictions/9102"' in page
    assert "1 forecast was made after the deadline (2016-01-01)" in page
    assert page.count(">judged late</span>") == 1
    pundit = client.get(f"/pundits/{pundit_slug}").get_data(as_text=True)
    assert "A user of PredictionBook, whose handle there is <strong>cyd</strong>" in pundit
