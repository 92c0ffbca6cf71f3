"""Corrections, retractions, deletions and merges on SQLite and PostgreSQL: what each
writes and audits, that scores follow at once, and that refused input names the field
and the rule and changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forecasts import scores, services
from forecasts.errors import ConflictError, PermissionDenied, ValidationError
from forecasts.models import AuditEvent, Prediction, Pundit, Question, Redirect, Role, Source

ADMIN = services.Actor.system("test-admin")
EDITOR = services.Actor(name="eddie", role=Role.EDITOR)


def _events(session, action):
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


@pytest.fixture
def record(session):
    """Two spellings of one pundit and a rival, two copies of one source, a resolved
    binary question each has forecast, its unresolved duplicate, and a multiple-choice
    question with its duplicate."""
    jane = services.add_pundit(session, ADMIN, name="Jane Doe")
    jane2 = services.add_pundit(session, ADMIN, name="J. Doe")
    rival = services.add_pundit(session, ADMIN, name="Max Roe")
    column = services.add_source(
        session, ADMIN, title="Column", published_on="2020-01-01", url="https://ex.org/a"
    )
    copy = services.add_source(
        session, ADMIN, title="Column (copy)", published_on="2020-01-01", outlet="The Daily"
    )
    rain = services.add_question(
        session,
        ADMIN,
        statement="Will it rain in Paris on 2020-06-01?",
        resolution_criteria="Météo-France records rain.",
        resolve_by="2020-06-02",
        tags=["weather"],
    )
    rain2 = services.add_question(
        session,
        ADMIN,
        statement="Rain in Paris on 1 June 2020?",
        resolution_criteria="Any rain recorded.",
        resolve_by="2020-06-02",
        tags=["paris"],
    )
    match = services.add_question(
        session,
        ADMIN,
        statement="Who wins the 2020 match?",
        resolution_criteria="The winner.",
        resolve_by="2020-12-31",
        kind="multiple_choice",
        options=["Red", "Blue"],
    )
    match2 = services.add_question(
        session,
        ADMIN,
        statement="Winner of the 2020 match?",
        resolution_criteria="The winner.",
        resolve_by="2020-12-31",
        kind="multiple_choice",
        options=["Blue", "Red"],
    )

    def log(pundit, question, probability=None, source=None, **extra):
        return services.log_prediction(
            session,
            ADMIN,
            question_id=question.id,
            pundit_id=pundit.id,
            source_id=source.id if source else None,
            made_at=extra.pop("made_at", "2020-02-01"),
            probability=probability,
            **extra,
        )

    jane_rain = log(jane, rain, 0.9, column, quote="It will surely rain.")
    jane2_rain2 = log(jane2, rain2, 0.8, copy, quote="Rain, I think.")
    rival_rain = log(rival, rain, 0.2)
    jane_match = log(jane2, match2, distribution={"Red": 0.7, "Blue": 0.3})
    services.resolve_question(session, ADMIN, rain.id, outcome="yes", known_at="2020-06-01")
    return {
        "jane": jane,
        "jane2": jane2,
        "rival": rival,
        "column": column,
        "copy": copy,
        "rain": rain,
        "rain2": rain2,
        "match": match,
        "match2": match2,
        "jane_rain": jane_rain,
        "jane2_rain2": jane2_rain2,
        "rival_rain": rival_rain,
        "jane_match": jane_match,
    }


def _board(session) -> dict[str, float]:
    board = scores.leaderboard(session, min_n=1)
    return dict(zip(board["pundit"], board["brier"], strict=True))


def _unchanged(session, engine, snapshot_of, action, field, fragment):
    before = snapshot_of(engine)
    with pytest.raises(ValidationError) as caught:
        action()
    assert field in [e.field for e in caught.value.errors], str(caught.value)
    assert fragment in str(caught.value)
    session.rollback()
    assert snapshot_of(engine) == before
    return caught.value


# ------------------------------------------------------------------ corrections


def test_a_correction_changes_the_board_and_keeps_before_and_after(session, record):
    prediction = record["jane_rain"]
    assert _board(session)["jane-doe"] == pytest.approx(0.01)
    corrected = services.correct_prediction(
        session,
        EDITOR,
        prediction.id,
        expected_version=prediction.version,
        reason="The column says 60%, not 90%.",
        changes={"probability": 0.6, "quote": "It will probably rain."},
    )
    assert corrected.version == 2 and corrected.corrected_at is not None
    assert _board(session)["jane-doe"] == pytest.approx(0.16)  # (1 - 0.6)^2
    (event,) = _events(session, "prediction.correct")
    assert event.before["probability"] == 0.9 and event.before["quote"] == "It will surely rain."
    assert event.after["probability"] == 0.6 and event.after["reason"].startswith("The column")
    assert event.actor_name == "eddie"


def test_a_correction_can_move_and_remove_the_source(session, record):
    prediction = record["jane_rain"]
    services.correct_prediction(
        session,
        EDITOR,
        prediction.id,
        expected_version=1,
        reason="Logged against the wrong source.",
        changes={"source_id": record["copy"].id},
    )
    assert prediction.source_id == record["copy"].id
    services.correct_prediction(
        session,
        EDITOR,
        prediction.id,
        expected_version=2,
        reason="No source.",
        changes={"source_id": None},
    )
    assert prediction.source_id is None


def test_a_multiple_choice_correction_replaces_the_distribution(session, record):
    prediction = record["jane_match"]
    services.correct_prediction(
        session,
        EDITOR,
        prediction.id,
        expected_version=1,
        reason="Typo.",
        changes={"distribution": {"Red": 0.4, "Blue": 0.6}},
    )
    session.expire_all()
    read = {
        e.option.label: e.probability for e in session.get(Prediction, prediction.id).distribution
    }
    assert read == {"Red": 0.4, "Blue": 0.6}


@pytest.mark.parametrize(
    ("changes", "reason", "field", "fragment"),
    [
        ({"probability": 1.5}, "typo", "probability", "between"),
        ({"made_at": "2021-01-01"}, "typo", "made_at", "resolve-by date"),
        ({"made_at": "2019-12-01"}, "typo", "made_at", "publication date"),
        ({"quote": "It will surely rain."}, "no change", "prediction", "changes nothing"),
        ({"probability": 0.5}, "  ", "reason", "is required"),
        ({"pundit_id": 3}, "typo", "pundit_id", "cannot be corrected"),
        ({"source_id": 10**6}, "typo", "source_id", "no source"),
    ],
)
def test_a_bad_correction_is_refused_and_changes_nothing(
    session, engine, snapshot_of, record, changes, reason, field, fragment
):
    prediction = record["jane_rain"]
    _unchanged(
        session,
        engine,
        snapshot_of,
        lambda: services.correct_prediction(
            session, EDITOR, prediction.id, expected_version=1, reason=reason, changes=changes
        ),
        field,
        fragment,
    )


def test_a_stale_correction_conflicts(session, record):
    prediction = record["jane_rain"]
    services.correct_prediction(
        session, EDITOR, prediction.id, expected_version=1, reason="a", changes={"note": "x"}
    )
    with pytest.raises(ConflictError):
        services.correct_prediction(
            session, EDITOR, prediction.id, expected_version=1, reason="b", changes={"note": "y"}
        )


def test_a_reader_may_not_correct(session, record):
    reader = services.Actor(name="rita", role=Role.READER)
    with pytest.raises(PermissionDenied):
        services.correct_prediction(
            session, reader, record["jane_rain"].id, expected_version=1, reason="a", changes={}
        )


# ------------------------------------------------------------------ retractions


def test_a_retracted_prediction_is_kept_and_not_scored(session, engine, snapshot_of, record):
    prediction = record["jane_rain"]
    services.retract_prediction(
        session, EDITOR, prediction.id, expected_version=1, reason="Said by someone else."
    )
    assert "jane-doe" not in _board(session)
    frame = scores.prediction_frame(session, question_id=record["rain"].id)
    status = dict(zip(frame["prediction_id"], frame["status"], strict=True))
    assert status[prediction.id] == scores.RETRACTED
    assert status[record["rival_rain"].id] == scores.SCORED
    assert session.get(Prediction, prediction.id).retraction_reason == "Said by someone else."
    _unchanged(
        session,
        engine,
        snapshot_of,
        lambda: services.retract_prediction(
            session, EDITOR, prediction.id, expected_version=2, reason="again"
        ),
        "prediction",
        "already retracted",
    )
    _unchanged(
        session,
        engine,
        snapshot_of,
        lambda: services.correct_prediction(
            session, EDITOR, prediction.id, expected_version=2, reason="x", changes={"note": "n"}
        ),
        "prediction",
        "restore it",
    )
    services.restore_prediction(
        session, EDITOR, prediction.id, expected_version=2, reason="It was hers after all."
    )
    assert _board(session)["jane-doe"] == pytest.approx(0.01)
    assert [e.action for e in _events(session, "prediction.restore")] == ["prediction.restore"]


def test_a_retraction_needs_a_reason(session, engine, snapshot_of, record):
    _unchanged(
        session,
        engine,
        snapshot_of,
        lambda: services.retract_prediction(
            session, EDITOR, record["jane_rain"].id, expected_version=1, reason=""
        ),
        "reason",
        "is required",
    )


# ------------------------------------------------------------------ pundits


def test_merging_pundits_moves_predictions_and_redirects(session, record):
    jane, jane2 = record["jane"], record["jane2"]
    old_id, old_slug = jane2.id, jane2.slug
    services.merge_pundits(session, ADMIN, old_id, into_id=jane.id, expected_version=1)
    session.expire_all()
    assert session.get(Pundit, old_id) is None
    owners = {p.pundit_id for p in session.scalars(select(Prediction))}
    assert old_id not in owners
    assert len(session.get(Pundit, jane.id).predictions) == 3
    redirect = session.scalar(select(Redirect).where(Redirect.old_key == old_slug))
    assert redirect.kind == "pundit" and redirect.target_id == jane.id
    (event,) = _events(session, "pundit.merge")
    assert event.before["name"] == "J. Doe"  # nothing is lost: the row is in the audit
    assert sorted(event.after["predictions_moved"]) == sorted(
        [record["jane2_rain2"].id, record["jane_match"].id]
    )
    # Merged again, the old address follows to the newest home.
    services.merge_pundits(session, ADMIN, jane.id, into_id=record["rival"].id, expected_version=1)
    targets = {r.old_key: r.target_id for r in session.scalars(select(Redirect))}
    assert targets == {old_slug: record["rival"].id, "jane-doe": record["rival"].id}


def test_pundit_merges_and_deletes_refuse_bad_input(session, engine, snapshot_of, record):
    jane = record["jane"]
    for into, fragment in [
        (jane.id, "choose the pundit to keep"),
        (10**6, "no pundit"),
        (None, "is required"),
    ]:
        _unchanged(
            session,
            engine,
            snapshot_of,
            lambda into=into: services.merge_pundits(
                session, ADMIN, jane.id, into_id=into, expected_version=1
            ),
            "into",
            fragment,
        )
    _unchanged(
        session,
        engine,
        snapshot_of,
        lambda: services.delete_pundit(session, ADMIN, jane.id, expected_version=1),
        "pundit",
        "merge it into another pundit",
    )
    with pytest.raises(PermissionDenied):
        services.merge_pundits(
            session, EDITOR, jane.id, into_id=record["rival"].id, expected_version=1
        )


def test_deleting_a_pundit_with_no_predictions(session, record):
    spare = services.add_pundit(session, ADMIN, name="Nobody Yet")
    services.delete_pundit(session, ADMIN, spare.id, expected_version=1)
    assert session.get(Pundit, spare.id) is None
    (event,) = _events(session, "pundit.delete")
    assert event.before["name"] == "Nobody Yet" and event.after is None


# ------------------------------------------------------------------ questions


def test_merging_questions_moves_forecasts_tags_and_options(session, record):
    rain, rain2 = record["rain"], record["rain2"]
    services.merge_questions(session, ADMIN, rain2.id, into_id=rain.id, expected_version=1)
    session.expire_all()
    kept = session.get(Question, rain.id)
    assert [t.slug for t in kept.tags] == ["paris", "weather"]
    assert session.get(Question, rain2.id) is None
    # The moved forecast is scored against the kept question's resolution at once.
    assert _board(session)["j-doe"] == pytest.approx(0.04)
    match, match2 = record["match"], record["match2"]
    services.merge_questions(session, ADMIN, match2.id, into_id=match.id, expected_version=1)
    session.expire_all()
    moved = session.get(Prediction, record["jane_match"].id)
    assert moved.question_id == match.id
    assert {e.option.label: e.probability for e in moved.distribution} == {"Red": 0.7, "Blue": 0.3}
    assert {e.option.question_id for e in moved.distribution} == {match.id}


def test_question_merges_refuse_what_would_change_meaning(session, engine, snapshot_of, record):
    rain, rain2, match = record["rain"], record["rain2"], record["match"]
    cases = [
        (rain2.id, match.id, "into", "multiple_choice question"),
        (rain.id, rain2.id, "question", "has a resolution"),
    ]
    for question, into, field, fragment in cases:
        _unchanged(
            session,
            engine,
            snapshot_of,
            lambda question=question, into=into: services.merge_questions(
                session, ADMIN, question, into_id=into, expected_version=1
            ),
            field,
            fragment,
        )
    early = services.add_question(
        session,
        ADMIN,
        statement="Rain in Paris by January 2020?",
        resolution_criteria="Any rain.",
        resolve_by="2020-01-15",
    )
    _unchanged(
        session,
        engine,
        snapshot_of,
        lambda: services.merge_questions(
            session, ADMIN, rain2.id, into_id=early.id, expected_version=1
        ),
        "into",
        "before 1 of this question's predictions",
    )
    _unchanged(
        session,
        engine,
        snapshot_of,
        lambda: services.delete_question(session, ADMIN, rain.id, expected_version=rain.version),
        "question",
        "has a resolution",
    )
    services.delete_question(session, ADMIN, early.id, expected_version=1)
    assert session.get(Question, early.id) is None


# ------------------------------------------------------------------ sources


def test_merging_sources_moves_citations_and_fills_what_is_missing(session, record):
    column, copy = record["column"], record["copy"]
    services.merge_sources(session, ADMIN, copy.id, into_id=column.id, expected_version=1)
    session.expire_all()
    kept = session.get(Source, column.id)
    assert kept.outlet == "The Daily"  # the kept source lacked it
    assert session.get(Prediction, record["jane2_rain2"].id).source_id == column.id
    redirect = session.scalar(select(Redirect).where(Redirect.kind == "source"))
    assert redirect.old_key == str(copy.id) and redirect.target_id == column.id


def test_source_merges_and_deletes_refuse_bad_input(session, engine, snapshot_of, record):
    column, copy = record["column"], record["copy"]
    late = services.add_source(session, ADMIN, title="Later piece", published_on="2020-03-01")
    _unchanged(
        session,
        engine,
        snapshot_of,
        lambda: services.merge_sources(
            session, ADMIN, copy.id, into_id=late.id, expected_version=1
        ),
        "into",
        "published on 2020-03-01",
    )
    _unchanged(
        session,
        engine,
        snapshot_of,
        lambda: services.delete_source(session, ADMIN, column.id, expected_version=1),
        "source",
        "merge it into another source",
    )
    services.delete_source(session, ADMIN, late.id, expected_version=1)
    assert session.get(Source, late.id) is None
    assert _events(session, "source.delete")[0].before["published_on"] == "2020-03-01"


def test_search_follows_corrections_and_merges(session, record):
    from forecasts import search

    def found(kind, words):
        (group,) = search.search(session, words, kind=kind).groups
        return [hit.item.id for hit in group.page.items]

    services.correct_prediction(
        session,
        EDITOR,
        record["jane_rain"].id,
        expected_version=1,
        reason="Quote misread.",
        changes={"quote": "Drizzle is all but certain."},
    )
    assert found("prediction", "drizzle") == [record["jane_rain"].id]
    assert found("prediction", "surely") == []
    services.merge_pundits(
        session, ADMIN, record["jane2"].id, into_id=record["jane"].id, expected_version=1
    )
    assert found("pundit", "Doe") == [record["jane"].id]


def test_two_editors_correcting_one_version_at_once_one_wins(session, engine, record):
    from support import at_once

    for round_ in range(3):
        prediction = session.get(Prediction, record["jane_rain"].id)
        loaded = prediction.version

        def correct(note, prediction_id=prediction.id, version=loaded):
            return lambda own: services.correct_prediction(
                own,
                EDITOR,
                prediction_id,
                expected_version=version,
                reason="typo",
                changes={"note": note},
            )

        results = at_once(engine, correct(f"first {round_}"), correct(f"second {round_}"))
        conflicts = [r for r in results if isinstance(r, ConflictError)]
        assert len(conflicts) == 1, results
        session.expire_all()
        saved = session.get(Prediction, prediction.id)
        winner = next(r for r in results if not isinstance(r, ConflictError))
        assert saved.note == winner.note and saved.version == loaded + 1
