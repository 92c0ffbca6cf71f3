"""Unscorable claims: logged with a reason from the fixed list (bad values refused by
field and rule, nothing written), counted in each pundit's scorable share (worked by
hand), shown on the board and the pundit page, moved by merges, kept by deletes, and in
the API, the export and the published data."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from forecasts import claims, scores, services, tokens
from forecasts.cli import cli
from forecasts.errors import PermissionDenied, ValidationError
from forecasts.models import AuditEvent, ReferenceForecast, UnscorableClaim, User
from support import PASSWORD, bearer, make_test_app, sign_in

ACTOR = services.Actor.system()
QUOTE = "Tensions will rise, unless cooler heads prevail."


@pytest.fixture
def registry(session):
    """Ada: three questions with deadlines (one revised twice, two resolved), one with
    none, one retracted prediction, and two claims logged as unscorable. Bo: one
    resolved forecast, nothing unscorable."""
    ada = services.add_pundit(session, ACTOR, name="Ada Pundit")
    bo = services.add_pundit(session, ACTOR, name="Bo Pundit")
    questions = [
        services.add_question(
            session,
            ACTOR,
            statement=f"Will thing {i} happen by June?",
            resolution_criteria="The record.",
            resolve_by=None if i == 3 else "2024-06-30",
        )
        for i in range(5)
    ]
    for made_at, probability in (("2024-01-01", 0.6), ("2024-02-01", 0.7), ("2024-03-01", 0.8)):
        services.log_prediction(
            session,
            ACTOR,
            pundit_id=ada.id,
            question_id=questions[0].id,
            made_at=made_at,
            probability=probability,
        )
    for question in questions[1:4]:
        services.log_prediction(
            session,
            ACTOR,
            pundit_id=ada.id,
            question_id=question.id,
            made_at="2024-01-05",
            probability=0.3,
        )
    retracted = services.log_prediction(
        session, ACTOR, pundit_id=ada.id, question_id=questions[4].id, made_at="2024-01-05",
        probability=0.5,
    )  # fmt: skip
    services.retract_prediction(
        session, ACTOR, retracted.id, reason="Not what she said.", expected_version=1
    )
    services.log_prediction(
        session, ACTOR, pundit_id=bo.id, question_id=questions[0].id, made_at="2024-01-02",
        probability=0.4,
    )  # fmt: skip
    for reason, note in (("escape_clause", ""), ("other", "Said on air, no transcript.")):
        services.log_unscorable_claim(
            session, ACTOR, pundit_id=ada.id, made_at="2024-01-03", reason=reason,
            quote=QUOTE, note=note,
        )  # fmt: skip
    for question in questions[:2]:
        services.resolve_question(session, ACTOR, question.id, outcome="yes", known_at="2024-06-01")
    return {"ada": ada, "bo": bo, "questions": questions}


def test_the_scorable_share_counts_each_question_once_and_the_vague_claims(session, registry):
    counts = claims.claim_counts(session)
    # Ada: questions 0, 1, 2 have deadlines (0 counts once for its three forecasts); 3
    # has none; 4's one prediction was retracted (not a claim); two logged claims.
    assert counts.loc["ada-pundit"].tolist() == [6, 3, 0.5]
    assert counts.loc["bo-pundit"].tolist() == [1, 0, 1.0]
    board = scores.leaderboard(session, min_n=1).set_index("pundit")
    assert board.loc["ada-pundit", "scorable_share"] == 0.5
    assert board.loc["ada-pundit", "n_claims"] == 6
    assert board.loc["bo-pundit", "n_unscorable"] == 0
    listed = claims.unscorable_claims(session, registry["ada"].id)
    assert [item.reason for item in listed] == ["escape_clause", "other", "no_deadline"]
    assert listed[2].question.id == registry["questions"][3].id


def test_a_claim_is_logged_with_its_audit_event(session, registry):
    claim = services.log_unscorable_claim(
        session,
        ACTOR,
        pundit_id=registry["bo"].id,
        made_at="2024-02-02T10:30:00Z",
        reason="vague_wording",
        quote="  It could get interesting.  ",
        hedge_phrase="could",
        question_id=registry["questions"][1].id,
    )
    assert (claim.quote, claim.reason_label) == ("It could get interesting.", "vague wording")
    event = session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "unscorable_claim.create", AuditEvent.entity_id == claim.id
        )
    )
    assert event.after["reason"] == "vague_wording"
    assert event.after["question_slug"] == registry["questions"][1].slug
    assert claims.claim_counts(session).loc["bo-pundit"].tolist() == [2, 1, 0.5]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"reason": None}, {"reason": "is required: one of no_deadline"}),
        ({"reason": "too_hard"}, {"reason": "must be one of no_deadline"}),
        ({"reason": "other", "note": "  "}, {"note": "is required when the reason is other"}),
        ({"quote": ""}, {"quote": "is required"}),
        ({"made_at": "2999-01-01"}, {"made_at": "must not be in the future"}),
        ({"made_at": "soon"}, {"made_at": "must be an ISO 8601 date"}),
        ({"pundit_id": 999_999}, {"pundit_id": "no pundit with id 999999"}),
        ({"question_id": 999_999}, {"question_id": "no question with id 999999"}),
        ({"quote": "a\x00b", "hedge_phrase": "x" * 201}, {"quote": "NUL", "hedge_phrase": "201"}),
    ],
)
def test_bad_claims_are_refused_by_field_and_rule_and_write_nothing(
    session, registry, fields, expected
):
    before = session.scalar(select(func.count()).select_from(UnscorableClaim))
    events = session.scalar(select(func.count()).select_from(AuditEvent))
    values = {
        "pundit_id": registry["ada"].id,
        "made_at": "2024-01-03",
        "reason": "no_deadline",
        "quote": QUOTE,
        **fields,
    }
    with pytest.raises(ValidationError) as refused:
        services.log_unscorable_claim(session, ACTOR, **values)
    rules = {error.field: error.rule for error in refused.value.errors}
    assert set(rules) == set(expected)
    for field, words in expected.items():
        assert words in rules[field]
    assert session.scalar(select(func.count()).select_from(UnscorableClaim)) == before
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_a_claim_before_its_source_was_published_is_refused(session, registry):
    source = services.add_source(
        session, ACTOR, title="A column", published_on="2024-03-01", url="https://x.example/c"
    )
    with pytest.raises(ValidationError) as refused:
        services.log_unscorable_claim(
            session, ACTOR, pundit_id=registry["ada"].id, source_id=source.id,
            made_at="2024-02-01", reason="no_deadline", quote=QUOTE,
        )  # fmt: skip
    assert "before the source's publication date" in str(refused.value)


def test_a_reader_may_not_log_a_claim(session, registry):
    reader = services.create_user(session, ACTOR, name="rita", role="reader", password=PASSWORD)
    with pytest.raises(PermissionDenied):
        services.log_unscorable_claim(
            session, services.Actor.of(reader), pundit_id=registry["ada"].id,
            made_at="2024-01-03", reason="no_deadline", quote=QUOTE,
        )  # fmt: skip


def test_merging_pundits_moves_their_claims_and_deleting_one_with_claims_is_refused(
    session, registry
):
    admin = services.Actor.of(
        services.create_user(session, ACTOR, name="ann", role="admin", password=PASSWORD)
    )
    vague = services.add_pundit(session, ACTOR, name="Vague Only")
    services.log_unscorable_claim(
        session, ACTOR, pundit_id=vague.id, made_at="2024-01-03", reason="no_criteria",
        quote=QUOTE,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.delete_pundit(session, admin, vague.id, expected_version=1)
    assert "1 unscorable claim(s)" in str(refused.value)
    services.merge_pundits(session, admin, vague.id, into_id=registry["bo"].id, expected_version=1)
    assert claims.claim_counts(session).loc["bo-pundit"].tolist() == [2, 1, 0.5]
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "pundit.merge"))
    assert len(event.after["unscorable_claims_moved"]) == 1


def _app_with_editor(database_url):
    app = make_test_app(database_url)
    with app.extensions["forecasts.sessions"]() as session:
        services.create_user(session, ACTOR, name="editor", role="editor", password=PASSWORD)
    return app


def test_the_log_form_logs_a_claim_and_the_pages_show_it(database_url, session, registry):
    app = _app_with_editor(database_url)
    try:
        client = sign_in(app.test_client(), "editor")
        response = client.post(
            "/predictions/new",
            data={
                "pundit": "bo-pundit",
                "quote": "The coalition's days are numbered.",
                "hedge_phrase": "numbered",
                "made_at": "2024-02-10",
                "unscorable_reason": "no_deadline",
                "unscorable_note": "No date given.",
                "probability_origin": "stated",
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        assert response.headers["Location"].endswith("/pundits/bo-pundit#unscorable")
        page = client.get("/pundits/bo-pundit").get_data(as_text=True)
        assert "The coalition’s days are numbered." in page or "coalition&#39;s" in page
        assert "No date given." in page
        assert "<strong>50%</strong>: 1 of 2 logged claims could be scored" in page
        board = client.get("/leaderboard?min_n=1&sort=scorable_share").get_data(as_text=True)
        assert 'title="1 of 2 logged claims could be scored">50%' in board
        assert "Scorable share." in board and "FiveThirtyEight" in board
    finally:
        app.extensions["forecasts.engine"].dispose()


def test_the_log_form_refuses_a_bad_claim_beside_its_fields(database_url, session, registry):
    app = _app_with_editor(database_url)
    try:
        client = sign_in(app.test_client(), "editor")
        before = session.scalar(select(func.count()).select_from(UnscorableClaim))
        response = client.post(
            "/predictions/new",
            data={
                "pundit": "bo-pundit",
                "quote": "",
                "made_at": "2024-02-10",
                "probability": "30%",
                "unscorable_reason": "other",
                "probability_origin": "stated",
            },
        )
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert "must be empty for a claim that cannot be scored" in page
        response = client.post(
            "/predictions/new",
            data={
                "pundit": "bo-pundit",
                "quote": "",
                "made_at": "2024-02-10",
                "unscorable_reason": "other",
                "probability_origin": "stated",
            },
        )
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert "is required when the reason is other" in page
        assert "is required" in page  # the quote
        response = client.post(
            "/predictions/new",
            data={
                "pundit": "bo-pundit",
                "quote": QUOTE,
                "made_at": "2024-02-10",
                "unscorable_reason": "cosmic",
                "probability_origin": "stated",
            },
        )
        assert response.status_code == 422
        assert "must be one of no_deadline" in response.get_data(as_text=True)
        session.expire_all()
        assert session.scalar(select(func.count()).select_from(UnscorableClaim)) == before
    finally:
        app.extensions["forecasts.engine"].dispose()


def test_the_api_logs_and_lists_claims_and_names_bad_fields(database_url, session, registry):
    app = _app_with_editor(database_url)
    try:
        with app.extensions["forecasts.sessions"]() as own:
            editor = own.scalar(select(User).where(User.name == "editor"))
            _, token = tokens.create_token(own, services.Actor.of(editor), name="t")
        client = app.test_client()
        body = {
            "pundit_id": registry["bo"].id,
            "made_at": "2024-02-10",
            "reason": "escape_clause",
            "quote": QUOTE,
            "note": "'Unless' fits any outcome.",
        }
        created = client.post("/api/v1/unscorable-claims", json=body, headers=bearer(token))
        assert created.status_code == 201, created.get_json()
        assert created.get_json()["reason"] == "escape_clause"
        bad = client.post(
            "/api/v1/unscorable-claims",
            json={**body, "reason": "meh", "quote": ""},
            headers=bearer(token),
        )
        assert bad.status_code == 422
        fields = {e["field"]: e["rule"] for e in bad.get_json()["errors"]}
        assert set(fields) == {"reason", "quote"}
        missing = client.post(
            "/api/v1/unscorable-claims", json={"reason": "other"}, headers=bearer(token)
        )
        assert {e["field"] for e in missing.get_json()["errors"]} >= {"pundit_id", "note"}
        assert client.post("/api/v1/unscorable-claims", json=body).status_code == 401
        listed = client.get("/api/v1/unscorable-claims?pundit=bo-pundit").get_json()
        assert [item["quote"] for item in listed["items"]] == [QUOTE]
        standing = client.get("/api/v1/pundits/bo-pundit").get_json()["standing"]
        assert (standing["n_claims"], standing["n_unscorable"]) == (2, 1)
        rows = client.get("/api/v1/leaderboard?min_n=1").get_json()["items"]
        assert {row["pundit"]: row["scorable_share"] for row in rows} == {
            "ada-pundit": 0.5,
            "bo-pundit": 0.5,
        }
    finally:
        app.extensions["forecasts.engine"].dispose()


def test_exports_and_publish_carry_the_references_and_the_claims(
    database_url, second_database_url, session, registry, tmp_path
):
    from forecasts.references import add_references, read_reference_file

    slug = registry["questions"][0].slug
    points = [
        {"question": slug, "source": "Market", "time": "2024-01-01", "probability": 0.123456789},
        {"question": slug, "source": "Market", "time": "2024-02-01T09:30:00Z", "probability": 1},
        {"question": slug, "source": "Panel", "time": "2024-01-15", "probability": "0",
         "url": "https://panel.example.org/q", "licence": "CC BY 4.0"},
    ]  # fmt: skip
    points[1]["probability"] = "100%"
    add_references(session, ACTOR, points)
    stored = sorted(
        (p.source, p.at, p.probability, p.url, p.licence)
        for p in session.scalars(select(ReferenceForecast))
    )
    for file_format in ("csv", "json"):
        outdir = tmp_path / file_format
        result = CliRunner().invoke(
            cli, ["--database-url", database_url, "export", str(outdir), "--format", file_format]
        )
        assert result.exit_code == 0, result.output
        rows = read_reference_file(outdir / f"references.{file_format}")
        assert len(rows) == 3
        again = add_references(session, ACTOR, rows)
        assert (again.added, again.already_present) == (0, 3)
        claim_rows = (
            pd.read_csv(outdir / "unscorable_claims.csv")
            if file_format == "csv"
            else pd.DataFrame(json.loads((outdir / "unscorable_claims.json").read_text()))
        )
        assert sorted(claim_rows["reason"]) == ["escape_clause", "other"]
        score_rows = (
            pd.read_csv(outdir / "scores.csv")
            if file_format == "csv"
            else pd.DataFrame(json.loads((outdir / "scores.json").read_text()))
        )
        first = score_rows[score_rows["made_at"].str.startswith("2024-01-01")]
        # Made 2024-01-01 at 60%: only the market's 12.3456789% of that midnight stood;
        # it happened: (0.6 - 1)^2 - (0.123456789 - 1)^2.
        assert first["reference"].tolist() == [0.123456789]
        assert first["vs_reference_brier"].iloc[0] == pytest.approx(0.16 - 0.876543211**2)
        assert score_rows["vs_reference_brier"].notna().sum() == 4  # Ada's three, Bo's one
    # Into another registry with the same question: the same points, exactly.
    from forecasts.db import make_engine, make_session_factory

    other = make_engine(second_database_url)
    try:
        with make_session_factory(other)() as fresh:
            services.add_question(
                fresh, ACTOR, statement=registry["questions"][0].statement,
                resolution_criteria="The record.", resolve_by="2024-06-30",
            )  # fmt: skip
            report = add_references(
                fresh, ACTOR, read_reference_file(tmp_path / "csv/references.csv")
            )
            assert report.added == 3
            copied = sorted(
                (p.source, p.at, p.probability, p.url, p.licence)
                for p in fresh.scalars(select(ReferenceForecast))
            )
        assert copied == stored
    finally:
        other.dispose()
    site = tmp_path / "site"
    result = CliRunner().invoke(cli, ["--database-url", database_url, "publish", str(site)])
    assert result.exit_code == 0, result.output
    published = pd.read_csv(site / "data/references.csv")
    assert len(published) == 3 and set(published["question"]) == {slug}
    claims_json = json.loads((site / "data/unscorable_claims.json").read_text())
    assert {row["reason"] for row in claims_json} == {"escape_clause", "other"}
    assert all("logged_by" not in row for row in claims_json)
    board = pd.read_csv(site / "data/leaderboard.csv").set_index("pundit")
    assert board.loc["ada-pundit", "scorable_share"] == 0.5


def test_a_forecast_line_says_what_it_added_to_the_reference(database_url, session, registry):
    from forecasts.references import add_references

    question = registry["questions"][0]
    add_references(
        session,
        ACTOR,
        [
            {
                "question": question.slug,
                "source": "Market",
                "time": "2024-01-01",
                "probability": "90%",
            }
        ],
    )
    app = make_test_app(database_url)
    try:
        page = app.test_client().get(f"/questions/{question.slug}").get_data(as_text=True)
    finally:
        app.extensions["forecasts.engine"].dispose()
    # Every forecast on it stood against the market's 90%, and it happened: Ada's 60%
    # scores (0.6 - 1)^2 - (0.9 - 1)^2 = 0.15 worse, her 80% 0.03 worse, Bo's 40% 0.35.
    said = re.findall(r"vs reference ([+-]\d\.\d{3})", page)
    assert sorted(said) == ["+0.030", "+0.080", "+0.150", "+0.350"]
