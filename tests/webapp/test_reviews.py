"""The review queue's routes: extraction from a stored or pasted text, and decisions."""

from __future__ import annotations

import re
import urllib.parse

from sqlalchemy import select
from sqlalchemy.orm import Session

from forecasts.models import CandidateReview, Source


def _first_action(html: str) -> str:
    return re.search(r'action="(/sources/\d+/candidates/\d+-\d+)"', html).group(1)


def test_seed_source_candidates_and_decisions(as_role, engine):
    client = as_role("editor")
    html = client.get("/sources/1/candidates").get_data(as_text=True)
    assert "tiny possibility" in html and html.count("<mark") >= 5
    action = _first_action(html)
    accepted = client.post(action, data={"decision": "accepted"})
    assert accepted.status_code == 302
    location = accepted.headers["Location"]
    assert "/predictions/new?" in location and "probability_origin=mapped" in location
    assert "hedge_phrase=" in location and "scale=" in location
    assert "candidate=1:" in location and "new_question_resolution_criteria=" in location
    with Session(engine) as session:  # nothing is accepted before the prediction is saved
        assert session.scalars(select(CandidateReview)).all() == []
    again = client.post(action, data={"decision": "dismissed"})  # a change of mind
    assert again.status_code == 302
    with Session(engine) as session:
        (review,) = session.scalars(select(CandidateReview)).all()
        assert (review.decision, review.version) == ("dismissed", 1)
    page = client.get("/sources/1/candidates").get_data(as_text=True)
    assert 'class="candidate dismissed" id="c-0"' in page
    assert '<span class="badge logged">logged</span>' in page  # the seeds logged this quote


def test_review_refusals_write_nothing(as_role, engine, snapshot_of):
    client = as_role("editor")
    action = _first_action(client.get("/sources/1/candidates").get_data(as_text=True))
    before = snapshot_of(engine)
    bad = client.post(action, data={"decision": "maybe"})
    assert bad.status_code == 400
    assert "decision: must be accepted or dismissed" in bad.get_data(as_text=True)
    assert (
        client.post("/sources/1/candidates/0-3", data={"decision": "accepted"}).status_code == 404
    )  # no candidate there
    assert (
        client.post("/sources/99/candidates/0-3", data={"decision": "accepted"}).status_code == 404
    )
    missing = client.post(
        "/extract",
        data={"source": "new", "title": "T", "published_on": "2024-01-01", "full_text": " "},
    )
    assert missing.status_code == 422 and "Text: is required" in missing.get_data(as_text=True)
    bad_date = client.post(
        "/extract",
        data={
            "source": "new",
            "title": "T",
            "published_on": "01/02/2024",
            "full_text": "It will rain.",
        },
    )
    assert "Published on: must be a date as YYYY-MM-DD" in bad_date.get_data(as_text=True)
    assert snapshot_of(engine) == before
    assert as_role("reader").get("/extract").status_code == 403


def test_pasting_creates_a_source_with_its_text(as_role, engine):
    response = as_role("editor").post(
        "/extract",
        data={
            "source": "new",
            "title": "Match preview",
            "published_on": "2023-08-11",
            "full_text": "United will almost certainly win the league this season.",
        },
    )
    assert response.status_code == 302
    with Session(engine) as session:
        source = session.scalar(select(Source).where(Source.title == "Match preview"))
        assert source.full_text.startswith("United will")
    assert response.headers["Location"].endswith(f"/sources/{source.id}/candidates")


def test_a_candidate_is_accepted_when_its_prediction_is_saved_and_not_before(as_role, engine):
    client = as_role("editor")
    action = _first_action(client.get("/sources/1/candidates").get_data(as_text=True))
    location = client.post(action, data={"decision": "accepted"}).headers["Location"]
    form = client.get(location).get_data(as_text=True)
    assert 'name="candidate" type="hidden" value="1:' in form
    assert "Resolves yes if" in form  # the criteria draft
    fields = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    fields |= {"pundit": "new", "new_pundit_name": "Accepting Anna", "new_question_kind": "binary"}
    refused = client.post("/predictions/new", data={**fields, "probability": "250%"})
    assert refused.status_code == 422
    with Session(engine) as session:
        assert session.scalars(select(CandidateReview)).all() == []  # a refused save: none
    bad = client.post("/predictions/new", data={**fields, "candidate": "nonsense"})
    assert bad.status_code == 422
    assert "Candidate: must be SOURCE:START-END" in bad.get_data(as_text=True)
    saved = client.post("/predictions/new", data=fields)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    with Session(engine) as session:
        (review,) = session.scalars(select(CandidateReview)).all()
        assert review.decision == "accepted"
