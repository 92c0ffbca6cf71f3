"""Each service action on SQLite and PostgreSQL: what it writes, its audit event, and that
refused input names the field and the rule and leaves the database exactly as it was."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from forecasts import queries, services
from forecasts.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from forecasts.models import AuditEvent, Prediction, Question, Resolution, Role, User
from support import at_once

ADMIN = services.Actor.system("test-admin")
READER = services.Actor(name="rita", role=Role.READER)


def _events(session, action=None):
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(session.scalars(query))


@pytest.fixture
def registry(session):
    """A pundit, a source, a binary and a multiple-choice question."""
    pundit = services.add_pundit(session, ADMIN, name="Jane Doe", affiliation="The Daily")
    source = services.add_source(
        session,
        ADMIN,
        title="Column",
        published_on="2020-01-01",
        url="https://example.org/column",
        outlet="The Daily",
    )
    binary = services.add_question(
        session,
        ADMIN,
        statement="Will it rain in Paris on 2020-06-01?",
        resolution_criteria="Yes if Météo-France records rain.",
        resolve_by="2020-06-02",
        tags=["Weather", "france"],
    )
    choice = services.add_question(
        session,
        ADMIN,
        statement="Who wins the 2020 match?",
        resolution_criteria="The winner.",
        resolve_by="2020-12-31",
        kind="multiple_choice",
        options=["Red", "Blue", "Draw"],
    )
    return {"pundit": pundit, "source": source, "binary": binary, "choice": choice}


def _refused(session, engine, snapshot_of, action, field, rule_fragment):
    before = snapshot_of(engine)
    with pytest.raises(ValidationError) as caught:
        action()
    fields = [e.field for e in caught.value.errors]
    assert field in fields, f"expected an error on {field}, got {caught.value}"
    assert rule_fragment in str(caught.value)
    session.rollback()
    assert snapshot_of(engine) == before, "a refused action must not write anything"
    return caught.value


# ------------------------------------------------------------------------- happy paths


def test_add_pundit_and_source_write_audit_events(session, registry):
    pundit = registry["pundit"]
    assert pundit.slug == "jane-doe" and pundit.version == 1
    (event,) = _events(session, "pundit.create")
    assert event.actor_name == "test-admin" and event.entity_id == pundit.id
    assert event.before is None and event.after["name"] == "Jane Doe"
    assert _events(session, "source.create")[0].after["url"] == "https://example.org/column"


def test_same_name_gets_a_distinct_slug(session, registry):
    second = services.add_pundit(session, ADMIN, name="Jane Doe")
    assert second.slug == "jane-doe-2"
    # "new" would be shadowed by the form's address (/pundits/new): never given out.
    assert services.add_pundit(session, ADMIN, name="New").slug == "new-2"


def test_add_question_stores_options_tags_and_condition(session, registry):
    choice = registry["choice"]
    assert choice.option_labels() == ["Red", "Blue", "Draw"]
    assert [t.slug for t in registry["binary"].tags] == ["france", "weather"]
    conditional = services.add_question(
        session,
        ADMIN,
        statement="If it rains, will the match be delayed?",
        resolution_criteria="Yes if delayed.",
        resolve_by="2020-06-03",
        condition_question_id=registry["binary"].id,
        condition_outcome="yes",
    )
    assert conditional.condition_question.id == registry["binary"].id
    assert _events(session, "question.create")[-1].after["condition"]["outcome"] == "yes"


def test_log_binary_and_multiple_choice_predictions(session, registry):
    binary = services.log_prediction(
        session,
        ADMIN,
        question_id=registry["binary"].id,
        pundit_id=registry["pundit"].id,
        source_id=registry["source"].id,
        made_at="2020-01-01",
        probability=0.05,
        quote="a tiny possibility of rain",
        hedge_phrase="tiny possibility",
        probability_origin="mapped",
        scale_name="icd-203",
        scale_version="2015",
    )
    assert binary.probability == 0.05
    assert binary.made_at == dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    assert binary.logged_at.tzinfo is not None
    choice = services.log_prediction(
        session,
        ADMIN,
        question_id=registry["choice"].id,
        pundit_id=registry["pundit"].id,
        made_at="2020-02-01T12:30:00+02:00",
        distribution={"Red": 0.5, "Blue": 0.3, "Draw": 0.2},
        probability_origin="estimated",
    )
    session.expire_all()
    stored = session.get(Prediction, choice.id)
    assert {e.option.label: e.probability for e in stored.distribution} == {
        "Red": 0.5,
        "Blue": 0.3,
        "Draw": 0.2,
    }
    assert stored.made_at == dt.datetime(2020, 2, 1, 10, 30, tzinfo=dt.UTC)
    after = _events(session, "prediction.create")[-1].after
    assert after["distribution"] == {"Red": 0.5, "Blue": 0.3, "Draw": 0.2}


def test_revision_is_a_new_prediction(session, registry):
    ids = {
        services.log_prediction(
            session,
            ADMIN,
            question_id=registry["binary"].id,
            pundit_id=registry["pundit"].id,
            made_at=day,
            probability=p,
        ).id
        for day, p in (("2020-01-01", 0.2), ("2020-03-01", 0.6))
    }
    assert len(ids) == 2
    assert len(session.scalars(select(Prediction)).all()) == 2


def test_resolve_then_re_resolve_appends_and_latest_stands(session, registry):
    question = registry["binary"]
    first = services.resolve_question(
        session,
        ADMIN,
        question.id,
        outcome="yes",
        known_at="2020-06-01",
        evidence_url="https://example.org/rain",
    )
    second = services.resolve_question(
        session,
        ADMIN,
        question.id,
        outcome="no",
        known_at="2020-06-02",
        note="The first report was for Lyon.",
        expected_resolution_id=first.id,
    )
    session.expire_all()
    question = session.get(Question, question.id)
    assert [r.outcome for r in question.resolutions] == ["yes", "no"]
    assert question.standing_resolution.id == second.id
    actions = [e.action for e in _events(session) if e.entity_type == "question"]
    assert actions[-2:] == ["question.resolve", "question.re_resolve"]
    assert _events(session, "question.re_resolve")[0].before["outcome"] == "yes"


def test_resolve_multiple_choice_with_an_option(session, registry):
    resolution = services.resolve_question(
        session, ADMIN, registry["choice"].id, outcome="Blue", known_at="2020-12-31"
    )
    assert resolution.outcome == "option" and resolution.option.label == "Blue"
    assert resolution.outcome_label == "Blue"


def test_annul_needs_a_reason_and_is_recorded(session, registry):
    resolution = services.annul_question(
        session,
        ADMIN,
        registry["binary"].id,
        reason="Criteria were ambiguous.",
        known_at="2020-06-02",
    )
    assert resolution.outcome == "annulled"
    assert _events(session, "question.annul")[0].after["resolution"]["note"] == (
        "Criteria were ambiguous."
    )


def test_failed_condition_annuls_dependents_in_a_chain(session, registry):
    parent = registry["binary"]
    child = services.add_question(
        session,
        ADMIN,
        statement="If it rains, is the match delayed?",
        resolution_criteria="Yes if delayed.",
        resolve_by="2020-06-03",
        condition_question_id=parent.id,
        condition_outcome="yes",
    )
    grandchild = services.add_question(
        session,
        ADMIN,
        statement="If delayed, is it moved indoors?",
        resolution_criteria="Yes if indoors.",
        resolve_by="2020-06-04",
        condition_question_id=child.id,
        condition_outcome="yes",
    )
    services.resolve_question(session, ADMIN, parent.id, outcome="no", known_at="2020-06-01")
    session.expire_all()
    for question in (child, grandchild):
        standing = session.get(Question, question.id).standing_resolution
        assert standing.outcome == "annulled" and standing.automatic
        assert standing.note.startswith("Annulled automatically: condition")
    # The annulled question can be annulled again but not resolved yes/no.
    with pytest.raises(ValidationError, match="condition failed"):
        services.resolve_question(session, ADMIN, child.id, outcome="yes", known_at="2020-06-05")

    # A correction makes the condition hold: the child's outcome is wanted again, so it
    # joins the due queue (the grandchild waits on the child), and can be resolved.
    today = dt.date(2021, 1, 1)
    assert child.id not in [q.id for q in queries.due_questions(session, today=today)]
    services.resolve_question(
        session,
        ADMIN,
        parent.id,
        outcome="yes",
        known_at="2020-06-02",
        note="Corrected: it did rain.",
    )
    due = [q.id for q in queries.due_questions(session, today=today)]
    assert child.id in due and grandchild.id not in due
    assert queries.count_due_questions(session, today=today) == len(due)
    services.resolve_question(session, ADMIN, child.id, outcome="yes", known_at="2020-06-05")
    due = [q.id for q in queries.due_questions(session, today=today)]
    assert child.id not in due and grandchild.id in due


def test_look_ahead_prediction_is_accepted_and_flagged(session, registry):
    from forecasts.serialize import prediction_dict

    question = registry["binary"]
    services.resolve_question(session, ADMIN, question.id, outcome="yes", known_at="2020-05-30")
    late = services.log_prediction(
        session,
        ADMIN,
        question_id=question.id,
        pundit_id=registry["pundit"].id,
        made_at="2020-05-30",
        probability=0.99,
    )
    early = services.log_prediction(
        session,
        ADMIN,
        question_id=question.id,
        pundit_id=registry["pundit"].id,
        made_at="2020-05-29",
        probability=0.7,
    )
    session.refresh(question, ["resolutions"])
    assert prediction_dict(late)["look_ahead"] is True
    assert prediction_dict(early)["look_ahead"] is False


def test_edit_pundit_with_version_and_conflict(session, registry):
    pundit = registry["pundit"]
    services.edit_pundit(session, ADMIN, pundit.id, expected_version=1, bio="Columnist.")
    assert pundit.version == 2
    (event,) = _events(session, "pundit.update")
    assert event.before["bio"] == "" and event.after["bio"] == "Columnist."
    with pytest.raises(ConflictError) as caught:
        services.edit_pundit(session, ADMIN, pundit.id, expected_version=1, bio="Stale edit.")
    assert caught.value.current["bio"] == "Columnist."
    session.expire_all()
    assert session.get(type(pundit), pundit.id).bio == "Columnist."


def test_stale_resolution_view_is_a_conflict(session, registry):
    question = registry["binary"]
    services.resolve_question(session, ADMIN, question.id, outcome="yes", known_at="2020-06-01")
    with pytest.raises(ConflictError):
        services.resolve_question(
            session,
            ADMIN,
            question.id,
            outcome="no",
            known_at="2020-06-01",
            expected_resolution_id=None,
        )
    assert len(session.scalars(select(Resolution)).all()) == 1


def test_users_and_roles(session):
    user = services.create_user(
        session, ADMIN, name="erin", role="editor", password="correct horse"
    )
    assert user.password_hash != "correct horse"
    assert services.authenticate(session, "erin", "correct horse").id == user.id
    assert services.authenticate(session, "erin", "wrong password") is None
    assert "password_hash" not in _events(session, "user.create")[0].after
    services.update_user(session, ADMIN, user.id, expected_version=1, is_active=False)
    assert services.authenticate(session, "erin", "correct horse") is None


def test_sign_out_password_change_and_deactivation_issue_a_new_session_token(
    session, engine, snapshot_of
):
    ed = services.create_user(session, ADMIN, name="ed", role="editor", password="correct horse")
    rita = services.create_user(session, ADMIN, name="rita", role="reader", password="x" * 8)
    issued = [ed.session_token]

    def token_changed() -> bool:
        current = session.scalar(select(User.session_token).where(User.id == ed.id))
        changed = current not in issued
        issued.append(current)
        return changed

    assert ed.session_token and ed.session_token != rita.session_token
    services.end_sessions(session, services.Actor.of(ed), ed.id)  # signing out
    assert token_changed() and session.get(User, ed.id).version == 1  # not an edit
    assert _events(session, "user.end_sessions")[-1].entity_id == ed.id
    services.end_sessions(session, ADMIN, ed.id)
    assert token_changed()

    before = snapshot_of(engine)
    with pytest.raises(PermissionDenied):
        services.end_sessions(session, services.Actor.of(rita), ed.id)
    with pytest.raises(PermissionDenied):
        services.change_password(
            session, services.Actor.of(rita), ed.id, current_password="", new_password="x" * 9
        )
    with pytest.raises(ValidationError) as refused:
        services.change_password(
            session, services.Actor.of(ed), ed.id, current_password="wrong", new_password="short"
        )
    assert {e.field for e in refused.value.errors} == {"current_password", "new_password"}
    assert snapshot_of(engine) == before

    services.change_password(
        session,
        services.Actor.of(ed),
        ed.id,
        current_password="correct horse",
        new_password="battery staple",
    )
    assert token_changed()
    assert services.authenticate(session, "ed", "battery staple").id == ed.id
    assert services.authenticate(session, "ed", "correct horse") is None
    audited = _events(session, "user.password_change")[-1]
    assert audited.after["version"] == 2 and issued[-1] not in str(audited.after)
    assert not {"password_hash", "session_token"} & set(audited.after)

    services.update_user(session, ADMIN, ed.id, role="reader")
    assert not token_changed()  # a new role applies to live sessions at their next request
    services.update_user(session, ADMIN, ed.id, is_active=False)
    assert token_changed()


def test_reader_may_not_write(session, engine, snapshot_of):
    before = snapshot_of(engine)
    with pytest.raises(PermissionDenied, match="editor"):
        services.add_pundit(session, READER, name="Someone")
    assert snapshot_of(engine) == before


def test_missing_row_is_not_found(session):
    with pytest.raises(NotFoundError):
        services.resolve_question(session, ADMIN, 999, outcome="yes", known_at="2020-01-01")


def test_due_questions_oldest_first(session, registry):
    due = queries.due_questions(session, today=dt.date(2021, 1, 1))
    assert [q.id for q in due] == [registry["binary"].id, registry["choice"].id]
    services.resolve_question(
        session, ADMIN, registry["binary"].id, outcome="no", known_at="2020-06-01"
    )
    assert [q.id for q in queries.due_questions(session, today=dt.date(2021, 1, 1))] == [
        registry["choice"].id
    ]


# ------------------------------------------------------------------------ refused input


def _log(session, registry, **overrides):
    fields = dict(
        question_id=registry["binary"].id,
        pundit_id=registry["pundit"].id,
        made_at="2020-01-01",
        probability=0.3,
    )
    fields.update(overrides)
    return lambda: services.log_prediction(session, ADMIN, **fields)


@pytest.mark.parametrize("probability", [1.2, -0.1, float("nan"), "high"])
def test_refuses_out_of_range_probability(session, engine, snapshot_of, registry, probability):
    error = _refused(
        session,
        engine,
        snapshot_of,
        _log(session, registry, probability=probability),
        "probability",
        "between 0 and 1",
    )
    assert str(error).startswith("probability: ")


def test_refuses_prediction_made_after_resolve_by(session, engine, snapshot_of, registry):
    _refused(
        session,
        engine,
        snapshot_of,
        _log(session, registry, made_at="2020-06-03"),
        "made_at",
        "on or before the question's resolve-by date (2020-06-02)",
    )


def test_refuses_resolve_by_moved_before_a_prediction(session, engine, snapshot_of, registry):
    _log(session, registry, made_at="2020-05-01")()
    question = registry["binary"]
    _refused(
        session,
        engine,
        snapshot_of,
        lambda: services.edit_question(
            session,
            ADMIN,
            question.id,
            expected_version=question.version,
            statement=question.statement,
            resolution_criteria="x",
            resolve_by="2020-04-01",
        ),
        "resolve_by",
        "must not be before a prediction's made-at date",
    )


def test_refuses_unknown_option(session, engine, snapshot_of, registry):
    _refused(
        session,
        engine,
        snapshot_of,
        lambda: services.resolve_question(
            session, ADMIN, registry["choice"].id, outcome="Green", known_at="2020-12-31"
        ),
        "outcome",
        "must be one of Red, Blue, Draw",
    )
    _refused(
        session,
        engine,
        snapshot_of,
        _log(
            session,
            registry,
            question_id=registry["choice"].id,
            probability=None,
            distribution={"Red": 0.5, "Green": 0.5, "Blue": 0, "Draw": 0},
        ),
        "distribution",
        "unknown option 'Green'",
    )


def test_refuses_distribution_not_summing_to_one(session, engine, snapshot_of, registry):
    _refused(
        session,
        engine,
        snapshot_of,
        _log(
            session,
            registry,
            question_id=registry["choice"].id,
            probability=None,
            distribution={"Red": 0.5, "Blue": 0.3, "Draw": 0.3},
        ),
        "distribution",
        "must sum to 1",
    )


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://example.org/x", "example.org"])
def test_refuses_evidence_link_that_is_not_http(session, engine, snapshot_of, registry, link):
    _refused(
        session,
        engine,
        snapshot_of,
        lambda: services.resolve_question(
            session,
            ADMIN,
            registry["binary"].id,
            outcome="yes",
            known_at="2020-06-01",
            evidence_url=link,
        ),
        "evidence_url",
        "must be an http:// or https:// link",
    )


def test_refuses_duplicate_slug(session, engine, snapshot_of, registry):
    _refused(
        session,
        engine,
        snapshot_of,
        lambda: services.add_pundit(session, ADMIN, name="Other", slug="jane-doe"),
        "slug",
        "must be unique",
    )
    _refused(
        session,
        engine,
        snapshot_of,
        lambda: services.add_pundit(session, ADMIN, name="Other", slug="Bad Slug!"),
        "slug",
        "lowercase letters",
    )
    _refused(
        session,
        engine,
        snapshot_of,
        lambda: services.add_pundit(session, ADMIN, name="Other", slug="new"),
        "slug",
        "must not be 'new'",
    )


def test_refuses_several_bad_fieldsat_once(session, engine, snapshot_of, registry):
    error = _refused(
        session,
        engine,
        snapshot_of,
        lambda: services.add_question(
            session,
            ADMIN,
            statement="",
            resolution_criteria="",
            resolve_by="31/12/2020",
            kind="binary",
            options=["a"],
        ),
        "statement",
        "is required",
    )
    assert {e.field for e in error.errors} == {
        "statement",
        "resolution_criteria",
        "resolve_by",
        "options",
    }


def test_refuses_annul_without_reason_and_future_known_at(session, engine, snapshot_of, registry):
    _refused(
        session,
        engine,
        snapshot_of,
        lambda: services.annul_question(
            session, ADMIN, registry["binary"].id, reason=" ", known_at="2020-06-01"
        ),
        "note",
        "give the reason",
    )
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).date().isoformat()
    _refused(
        session,
        engine,
        snapshot_of,
        lambda: services.resolve_question(
            session, ADMIN, registry["binary"].id, outcome="yes", known_at=tomorrow
        ),
        "known_at",
        "must not be in the future",
    )


def test_refuses_mapped_probability_without_scale(session, engine, snapshot_of, registry):
    _refused(
        session,
        engine,
        snapshot_of,
        _log(session, registry, probability_origin="mapped", hedge_phrase="likely"),
        "scale_name",
        "is required when the probability is mapped",
    )


def test_refuses_condition_on_unknown_outcome(session, engine, snapshot_of, registry):
    _refused(
        session,
        engine,
        snapshot_of,
        lambda: services.add_question(
            session,
            ADMIN,
            statement="If Red wins?",
            resolution_criteria="x",
            condition_question_id=registry["choice"].id,
            condition_outcome="Green",
        ),
        "condition_outcome",
        "must be one of Red, Blue, Draw",
    )


def test_refuses_short_password_and_bad_role(session, engine, snapshot_of):
    error = _refused(
        session,
        engine,
        snapshot_of,
        lambda: services.create_user(session, ADMIN, name="x", role="boss", password="short"),
        "role",
        "must be one of reader, editor, admin",
    )
    assert "password" in {e.field for e in error.errors}
    assert session.scalar(select(User).where(User.name == "x")) is None


def test_edit_source_and_question_are_audited(session, registry):
    source, question = registry["source"], registry["binary"]
    services.edit_source(
        session,
        ADMIN,
        source.id,
        expected_version=1,
        title="Column, revised",
        published_on="2020-01-02",
        url=source.url,
        outlet="The Daily",
    )
    services.edit_question(
        session,
        ADMIN,
        question.id,
        expected_version=1,
        statement=question.statement,
        resolution_criteria="Yes if Météo-France records at least 1 mm.",
        resolve_by="2020-06-05",
        tags=["weather"],
    )
    assert (source.version, question.version) == (2, 2)
    (source_event,) = _events(session, "source.update")
    assert source_event.before["published_on"] == "2020-01-01"
    assert source_event.after["published_on"] == "2020-01-02"
    (question_event,) = _events(session, "question.update")
    assert question_event.before["tags"] == ["france", "weather"]
    assert question_event.after["tags"] == ["weather"]
    assert question_event.after["resolve_by"] == "2020-06-05"


def test_batch_writes_all_or_nothing(session, engine, snapshot_of, registry):
    before = snapshot_of(engine)
    with pytest.raises(ValidationError), services.batch(session):
        services.add_pundit(session, ADMIN, name="First of two")
        services.add_pundit(session, ADMIN, name="Second", slug="first-of-two")
    assert snapshot_of(engine) == before
    with services.batch(session):
        services.add_pundit(session, ADMIN, name="Kept one")
        services.add_pundit(session, ADMIN, name="Kept two")
    assert len(_events(session, "pundit.create")) == 3


@pytest.mark.parametrize(
    "fields, field, rule",
    [
        ({"name": "\u200b\u200c\u200d"}, "name", "no visible characters"),
        ({"name": "Ada\x00"}, "name", "must not contain a NUL character"),
        ({"name": "Ada", "bio": "\ud800"}, "bio", "half of a character pair"),
    ],
)
def test_text_that_cannot_be_stored_or_seen_is_refused_and_nothing_written(
    session, engine, snapshot_of, fields, field, rule
):
    before = snapshot_of(engine)
    with pytest.raises(ValidationError) as refused:
        services.add_pundit(session, ADMIN, **fields)
    assert refused.value.errors[0].field == field and rule in refused.value.errors[0].rule
    assert snapshot_of(engine) == before


def test_two_resolvers_of_one_question_at_once_one_wins_the_other_gets_the_conflict(
    session, engine
):
    for round_ in range(5):
        question = services.add_question(
            session,
            ADMIN,
            statement=f"Will round {round_} of the race end?",
            resolution_criteria="It ends.",
            resolve_by="2020-01-31",
        )

        def resolve(outcome, question_id=question.id):
            return lambda own: services.resolve_question(
                own,
                ADMIN,
                question_id,
                outcome=outcome,
                known_at="2020-02-01",
                expected_resolution_id=None,  # both saw it unresolved
            )

        results = at_once(engine, resolve("yes"), resolve("no"))
        conflicts = [r for r in results if isinstance(r, ConflictError)]
        assert len(conflicts) == 1, results
        stored = session.scalars(select(Resolution).where(Resolution.question_id == question.id))
        assert len(stored.all()) == 1


def test_two_editors_saving_one_version_at_once_one_wins_the_other_gets_the_conflict(
    session, engine
):
    for round_ in range(5):
        pundit = services.add_pundit(session, ADMIN, name=f"Racer {round_}")
        loaded = pundit.version  # the version both editors' forms were loaded with

        def edit(name, pundit_id=pundit.id, version=loaded):
            return lambda own: services.edit_pundit(
                own, ADMIN, pundit_id, expected_version=version, name=name
            )

        results = at_once(engine, edit(f"First {round_}"), edit(f"Second {round_}"))
        conflicts = [r for r in results if isinstance(r, ConflictError)]
        assert len(conflicts) == 1, results
        session.expire_all()
        saved = session.get(type(pundit), pundit.id)
        winner = next(r for r in results if not isinstance(r, ConflictError))
        assert saved.name == winner.name and saved.version == loaded + 1


def test_a_prediction_made_before_1900_is_refused_and_nothing_written(
    session, engine, snapshot_of, registry
):
    before = snapshot_of(engine)
    with pytest.raises(ValidationError, match="made_at: must be on or after 1900-01-01"):
        services.log_prediction(
            session,
            ADMIN,
            question_id=registry["binary"].id,
            pundit_id=registry["pundit"].id,
            made_at="0001-01-01",
            probability=0.3,
        )
    assert snapshot_of(engine) == before
