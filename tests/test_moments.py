"""Moments, not days: made-at and known-at keep the precision their source gives, and the
look-ahead rule compares moments when both are moments, days when either is a date only
(on SQLite and PostgreSQL: the rows, the scores, the API's dicts and the page)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import select

from forecasts import kept, moments, scores, serialize, services
from forecasts.errors import ValidationError
from forecasts.models import Prediction, Resolution
from forecasts.scoring import look_ahead

ADMIN = services.Actor.system("test-admin")
KNOWN = dt.datetime(2021, 6, 1, 15, 0, tzinfo=dt.UTC)  # the outcome became known at 15:00


def test_a_when_is_a_moment_or_a_day_as_written():
    assert moments.parse_when("2021-06-01", "known_at") == dt.date(2021, 6, 1)
    moment = moments.parse_when("2021-06-01T17:00:00+02:00", "known_at")
    assert moment == KNOWN and moment.tzinfo == dt.UTC
    assert moments.parse_when("2021-06-01 15:00", "known_at") == KNOWN  # no offset: UTC
    assert moments.iso(moment) == "2021-06-01T15:00:00Z"
    assert moments.iso(dt.date(2021, 6, 1)) == "2021-06-01"
    assert moments.columns(dt.date(2021, 6, 1)) == (
        dt.datetime(2021, 6, 1, tzinfo=dt.UTC),
        "day",
    )
    assert moments.when_of(*moments.columns(KNOWN)) == KNOWN
    for bad in ("2021-06-31", "2021-06-01T25:00", "soon"):
        with pytest.raises(ValidationError, match="known_at: must be an ISO 8601 date or"):
            moments.parse_when(bad, "known_at")


def test_the_rule_compares_moments_or_falls_back_to_the_day():
    hour = dt.timedelta(hours=1)
    before = moments.compare(KNOWN - 3 * hour, KNOWN)
    assert (before.look_ahead, before.by) == (False, "moment")
    assert before.describe() == "made 3 h before the outcome was known"
    after = moments.compare(KNOWN + hour, KNOWN)
    assert after.look_ahead and after.describe() == "made 1 h after the outcome was known"
    assert moments.compare(KNOWN, KNOWN).look_ahead  # at the moment itself: known
    same_day = moments.compare(dt.date(2021, 6, 1), KNOWN)
    assert (same_day.look_ahead, same_day.by) == (True, "day")
    assert same_day.describe() == "made on the day it was known (compared by day)"
    day_before = moments.compare(KNOWN - 20 * hour, dt.date(2021, 6, 1))
    assert not day_before.look_ahead
    assert day_before.describe() == "made 1 day before the day it was known (compared by day)"


def test_the_vectorised_rule_agrees_with_the_one_for_a_page():
    rng = np.random.default_rng(7)
    base = dt.datetime(2021, 6, 1, tzinfo=dt.UTC)
    offsets = rng.integers(-3 * 86_400, 3 * 86_400, size=(400, 2))
    day_only = rng.random((400, 2)) < 0.4
    whens = [
        [
            moments.day_of(base + dt.timedelta(seconds=int(s)))
            if day
            else base + dt.timedelta(seconds=int(s))
            for s, day in zip(pair, days, strict=True)
        ]
        for pair, days in zip(offsets, day_only, strict=True)
    ]
    stamps = np.array(
        [[int(moments.columns(w)[0].timestamp() * 10**6) for w in pair] for pair in whens]
    )
    late, by_day = look_ahead(stamps[:, 0], day_only[:, 0], stamps[:, 1], day_only[:, 1])
    expected = [moments.compare(made, known) for made, known in whens]
    assert late.tolist() == [c.look_ahead for c in expected]
    assert by_day.tolist() == [c.by == "day" for c in expected]
    assert 0 < late.sum() < len(late)


@pytest.fixture
def question(session):
    pundit = services.add_pundit(session, ADMIN, name="Jane Doe")
    other = services.add_pundit(session, ADMIN, name="John Roe")
    question = services.add_question(
        session,
        ADMIN,
        statement="Will the treaty be signed by June 2021?",
        resolution_criteria="Signed by both parties.",
        resolve_by="2021-06-30",
    )
    made = {
        "an hour before": (pundit, "2021-06-01T14:00:00Z", 0.8),
        "an hour after": (other, "2021-06-01T16:00:00Z", 0.9),
        "that day, no time": (other, "2021-06-01", 0.7),
    }
    ids = {}
    for name, (who, when, p) in made.items():
        ids[name] = services.log_prediction(
            session, ADMIN, question_id=question.id, pundit_id=who.id, made_at=when, probability=p
        ).id
    return question, ids


def test_a_same_day_forecast_before_the_moment_is_scored(session, question):
    question, ids = question
    services.resolve_question(
        session, ADMIN, question.id, outcome="yes", known_at="2021-06-01T17:00:00+02:00"
    )
    resolution = session.scalar(select(Resolution))
    assert (resolution.known, resolution.known_at_precision) == (KNOWN, "moment")
    precision = dict(session.execute(select(Prediction.id, Prediction.made_at_precision)).all())
    assert precision[ids["that day, no time"]] == "day"
    assert precision[ids["an hour before"]] == "moment"
    frame = scores.prediction_frame(session).set_index("prediction_id")
    assert frame.loc[ids["an hour before"], "status"] == scores.SCORED
    assert frame.loc[ids["an hour before"], "brier"] == pytest.approx(0.04)
    assert frame.loc[ids["an hour after"], "status"] == scores.LOOK_AHEAD
    assert frame.loc[ids["that day, no time"], "status"] == scores.LOOK_AHEAD  # by day
    board = scores.leaderboard_from(frame.reset_index(), min_n=1)
    assert board["pundit"].tolist() == ["jane-doe"]
    # The kept scores (refreshed in the resolving transaction) say the same.
    assert kept.verify(session) == []
    kept_status = kept.frame(session).set_index("prediction_id")["status"]
    assert kept_status.to_dict() == frame["status"].to_dict()
    as_json = {p.id: serialize.prediction_dict(p) for p in session.scalars(select(Prediction))}
    assert as_json[ids["an hour before"]]["made_at"] == "2021-06-01T14:00:00Z"
    assert as_json[ids["that day, no time"]]["made_at"] == "2021-06-01"
    assert [
        (as_json[ids[n]]["look_ahead"], as_json[ids[n]]["look_ahead_by"])
        for n in ("an hour before", "an hour after", "that day, no time")
    ] == [(False, "moment"), (True, "moment"), (True, "day")]
    assert serialize.question_dict(question)["known_at"] == "2021-06-01T15:00:00Z"


def test_a_known_at_given_as_a_date_falls_back_to_the_day(session, question):
    question, ids = question
    services.resolve_question(session, ADMIN, question.id, outcome="no", known_at="2021-06-01")
    assert session.scalar(select(Resolution)).known == dt.date(2021, 6, 1)
    frame = scores.prediction_frame(session).set_index("prediction_id")
    assert set(frame["status"]) == {scores.LOOK_AHEAD}  # all three made that day
    assert serialize.question_dict(question)["known_at"] == "2021-06-01"


def test_a_known_at_in_the_future_is_refused_as_a_moment(session, question):
    question, _ = question
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)).isoformat()
    with pytest.raises(ValidationError, match="known_at: must not be in the future"):
        services.resolve_question(session, ADMIN, question.id, outcome="yes", known_at=soon)
    assert session.scalar(select(Resolution)) is None


def test_the_question_page_says_which_comparison_was_made(make_app, as_role):
    from forecasts.db import make_session_factory

    app = make_app()
    with make_session_factory(app.extensions["forecasts.engine"])() as session:
        pundit = services.add_pundit(session, ADMIN, name="Timed Pundit")
        question = services.add_question(
            session,
            ADMIN,
            statement="Will the vote pass on 1 June 2021?",
            resolution_criteria="The parliament's record.",
            resolve_by="2021-06-30",
        )
        for when in ("2021-06-01T12:00:00Z", "2021-06-01T16:30:00Z", "2021-06-01"):
            services.log_prediction(
                session,
                ADMIN,
                question_id=question.id,
                pundit_id=pundit.id,
                made_at=when,
                probability=0.6,
            )
        services.resolve_question(
            session, ADMIN, question.id, outcome="yes", known_at="2021-06-01T15:00:00Z"
        )
        slug = question.slug
    page = app.test_client().get(f"/questions/{slug}").get_data(as_text=True)
    assert "made 3 h before the outcome was known" in page
    assert "made 1.5 h after the outcome was known" in page
    assert "made on the day it was known (compared by day)" in page
    assert page.count("made after the outcome was known: not scored") == 2
    assert "2021-06-01 16:30 UTC" in page and "2021-06-01 15:00 UTC" in page


def test_the_forms_take_a_date_and_an_optional_time(app, as_role):
    from forecasts.db import make_session_factory

    factory = make_session_factory(app.extensions["forecasts.engine"])
    with factory() as session:
        pundit = services.add_pundit(session, ADMIN, name="Form Pundit")
        question = services.add_question(
            session,
            ADMIN,
            statement="Will the form keep the time?",
            resolution_criteria="As reported.",
            resolve_by="2021-06-30",
        )
        prediction = services.log_prediction(
            session,
            ADMIN,
            question_id=question.id,
            pundit_id=pundit.id,
            made_at="2021-06-01T09:15:00Z",
            probability=0.3,
        )
        slug, question_id, prediction_id = question.slug, question.id, prediction.id
    editor = as_role("editor")
    path = f"/questions/{slug}/resolve"
    refused = editor.post(path, data={"outcome": "no", "known_at": "", "known_time": "14:30"})
    assert refused.status_code == 422
    assert "needs a date for the time given" in refused.get_data(as_text=True)
    saved = editor.post(
        path, data={"outcome": "no", "known_at": "2021-06-01", "known_time": "14:30"}
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)
    with factory() as session:
        standing = session.get(
            Resolution,
            session.scalar(select(Resolution.id).where(Resolution.question_id == question_id)),
        )
        assert standing.known == dt.datetime(2021, 6, 1, 14, 30, tzinfo=dt.UTC)
    # The correction form shows the moment's date and time, so saving it keeps the time.
    form = editor.get(f"/predictions/{prediction_id}/correct").get_data(as_text=True)
    assert 'value="2021-06-01"' in form and 'value="09:15:00"' in form


ROW = {
    "pundit": "Jane Doe",
    "statement": "Will the treaty be signed on 1 June 2021?",
    "resolution_criteria": "Signed by both parties.",
    "resolve_by": "2021-06-30",
    "probability": "80%",
    "outcome": "yes",
    "known_at": "2021-06-01 17:00:00+02:00",
}


def test_an_import_keeps_moments_and_its_export_imports_back_the_same(
    session, tmp_path, second_database_url
):
    import csv

    from forecasts.db import make_engine, make_session_factory
    from forecasts.transfer import import_file
    from forecasts.transfer.exporting import export

    path = tmp_path / "calls.csv"
    rows = [
        {**ROW, "made_at": "2021-06-01T14:00:00Z"},  # scored: an hour before
        {**ROW, "made_at": "2021-06-01T16:00:00Z", "probability": "90%"},  # after
        {**ROW, "made_at": "2021-05-30", "probability": "70%"},  # a day
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert import_file(session, path).added["predictions"] == 3
    statuses = sorted(scores.prediction_frame(session)["status"])
    assert statuses == sorted([scores.SCORED, scores.SCORED, scores.LOOK_AHEAD])
    assert import_file(session, path).already_present == 3  # the moments match the rows
    export(session, tmp_path / "out")
    with (tmp_path / "out" / "predictions.csv").open(newline="", encoding="utf-8") as handle:
        exported = list(csv.DictReader(handle))
    assert sorted(row["made_at"] for row in exported) == [
        "2021-05-30",
        "2021-06-01T14:00:00Z",
        "2021-06-01T16:00:00Z",
    ]
    assert {row["known_at"] for row in exported} == {"2021-06-01T15:00:00Z"}
    engine = make_engine(second_database_url)
    try:
        with make_session_factory(engine)() as other:
            assert (
                import_file(other, tmp_path / "out" / "predictions.csv").added["predictions"] == 3
            )
            again = scores.prediction_frame(other)
            assert sorted(again["status"]) == statuses
            assert other.scalar(select(Resolution)).known == KNOWN
    finally:
        engine.dispose()


def test_the_published_data_and_the_api_write_moments_and_days(session, database_url, tmp_path):
    import json

    from web import publish as web_publish

    pundit = services.add_pundit(session, ADMIN, name="Jane Doe")
    question = services.add_question(
        session,
        ADMIN,
        statement="Will the treaty be signed on 1 June 2021?",
        resolution_criteria="Signed by both parties.",
        resolve_by="2021-06-30",
    )
    for when in ("2021-06-01T14:00:00+02:00", "2021-05-30"):
        services.log_prediction(
            session,
            ADMIN,
            question_id=question.id,
            pundit_id=pundit.id,
            made_at=when,
            probability=0.6,
        )
    services.resolve_question(session, ADMIN, question.id, outcome="yes", known_at=KNOWN)
    session.commit()
    web_publish.publish(database_url, tmp_path / "site")
    rows = json.loads((tmp_path / "site" / "data" / "predictions.json").read_text())
    assert sorted((row["made_at"], row["known_at"]) for row in rows) == [
        ("2021-05-30", "2021-06-01T15:00:00Z"),
        ("2021-06-01T12:00:00Z", "2021-06-01T15:00:00Z"),
    ]
