"""The synthetic demo registry on SQLite and PostgreSQL: deterministic for a seed, every
shape a real registry has, the schema's rules kept, scorable, and refused where it would
mix with or repeat itself."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from forecasts import scores, services
from forecasts.cli import cli
from forecasts.db import make_engine, make_session_factory
from forecasts.demo import (
    DEMO_NAME_SUFFIX,
    DEMO_OUTLET,
    HEDGES,
    SCALE_NAME,
    SCALE_VERSION,
    SYNTHETIC_TAG,
    generate_demo,
    has_demo_data,
)
from forecasts.models import (
    AuditEvent,
    Prediction,
    PredictionOption,
    Pundit,
    Question,
    QuestionOption,
    ReferenceForecast,
    Resolution,
    Source,
    Tag,
    question_tags,
)
from forecasts.seeding import load_seeds
from forecasts.serialize import is_look_ahead

PUNDITS, QUESTIONS, SEED = 8, 30, 4


def run(url: str, *args: str):
    return CliRunner().invoke(cli, ["--database-url", url, *args])


def _data(snapshot, engine) -> dict:
    rows = snapshot(engine)
    rows.pop("audit_events")  # holds the time the demo was made
    return rows


def test_same_seed_same_registry(engine, second_database_url, snapshot_of):
    counts = generate_demo(engine, PUNDITS, QUESTIONS, SEED)
    other = make_engine(second_database_url)
    try:
        assert generate_demo(other, PUNDITS, QUESTIONS, SEED) == counts
        assert _data(snapshot_of, other) == _data(snapshot_of, engine)
    finally:
        other.dispose()


def test_another_seed_another_registry(engine, second_database_url, snapshot_of):
    generate_demo(engine, PUNDITS, QUESTIONS, SEED)
    other = make_engine(second_database_url)
    try:
        generate_demo(other, PUNDITS, QUESTIONS, SEED + 1)
        assert _data(snapshot_of, other)["predictions"] != _data(snapshot_of, engine)["predictions"]
    finally:
        other.dispose()


def test_every_shape_is_there_and_counted(session):
    assert not has_demo_data(session)
    counts = generate_demo(session, PUNDITS, QUESTIONS, SEED)
    assert has_demo_data(session)
    frame = scores.prediction_frame(session)
    status = Counter(frame["status"])
    total = session.scalar(select(func.count()).select_from(Prediction))
    pairs = session.execute(select(Prediction.pundit_id, Prediction.question_id).distinct()).all()
    assert total == counts["predictions"] == len(frame) == 10 * QUESTIONS
    assert counts["revisions"] == total - len(pairs) > 0
    # Pundits of every kind, some who revise.
    assert counts["pundits"] == PUNDITS and counts["revising_pundits"] >= 1
    for kind in ("sharp", "over_confident", "under_confident", "noise", "typical"):
        assert counts[f"pundits_{kind}"] >= 1, kind
    # Multiple choice: options, and distributions over every option summing to 1.
    choice = session.scalars(select(Question).where(Question.kind == "multiple_choice")).all()
    assert len(choice) == counts["multiple_choice_questions"] >= 1
    for question in choice:
        assert len(question.options) >= 3
        for prediction in question.predictions:
            assert prediction.probability is None
            assert len(prediction.distribution) == len(question.options)
            assert sum(e.probability for e in prediction.distribution) == pytest.approx(1)
    assert counts["multiple_choice_predictions"] >= 1
    # Resolutions: resolved, annulled by an editor, annulled because the condition failed,
    # corrected (re-resolved); open, due and undated questions have none.
    standing = {q.id: q.standing_resolution for q in session.scalars(select(Question))}
    automatic = [r for r in standing.values() if r is not None and r.automatic]
    assert len(automatic) == counts["condition_annulled_questions"] >= 1
    assert all(
        r.outcome == "annulled"
        and r.note.startswith("Annulled automatically:")
        and r.question.condition_question_id is not None
        for r in automatic
    )
    manual = [
        r
        for r in standing.values()
        if r is not None and r.outcome == "annulled" and not r.automatic
    ]
    assert len(manual) == counts["annulled_questions"] >= 1
    assert status[scores.CONDITION_NOT_MET] >= 1 and status[scores.ANNULLED] >= 1
    assert counts["conditional_questions"] > counts["condition_annulled_questions"]
    resolved_twice = session.execute(
        select(Resolution.question_id).group_by(Resolution.question_id).having(func.count() > 1)
    ).all()
    assert len(resolved_twice) == counts["re_resolved_questions"] >= 1
    today = dt.date.today()
    open_ = [
        q
        for q in standing
        if standing[q] is None
        and (q_ := session.get(Question, q)).resolve_by
        and q_.resolve_by > today
    ]
    assert len(open_) == counts["open_questions"] >= 1
    assert counts["due_questions"] >= 1 and counts["no_deadline_questions"] >= 1
    assert status[scores.UNRESOLVED] >= 1 and status[scores.NO_DEADLINE] >= 1
    # Look-ahead: made on or after the day the outcome was known, flagged and not scored.
    assert status[scores.LOOK_AHEAD] == counts["look_ahead"] >= 1
    late = frame[frame["status"] == scores.LOOK_AHEAD]
    for row in late.itertuples():
        assert is_look_ahead(row.made_at.to_pydatetime(), row.known_at)
    # Hedge phrases mapped on the registry's default scale.
    mapped = session.scalars(
        select(Prediction).where(Prediction.probability_origin == "mapped")
    ).all()
    assert len(mapped) == counts["mapped_predictions"] >= 1
    readings = {said: p for said, _, p in HEDGES}
    for prediction in mapped:
        assert (prediction.scale_name, prediction.scale_version) == (SCALE_NAME, SCALE_VERSION)
        assert prediction.probability == readings[prediction.hedge_phrase]
    assert status[scores.SCORED] >= 1


def test_marked_synthetic_everywhere(session):
    counts = generate_demo(session, PUNDITS, QUESTIONS, SEED)
    pundits = session.scalars(select(Pundit)).all()
    assert pundits and all(
        p.slug.startswith("demo-") and p.name.endswith(DEMO_NAME_SUFFIX) for p in pundits
    )
    sources = session.scalars(select(Source)).all()
    assert len(sources) == counts["sources"] and {s.outlet for s in sources} == {DEMO_OUTLET}
    for question in session.scalars(select(Question)):
        assert question.slug.startswith("demo-")
        assert SYNTHETIC_TAG in [tag.slug for tag in question.tags]
        assert len(question.tags) >= 2  # and a topic
    (event,) = session.scalars(select(AuditEvent)).all()
    assert event.action == "demo.generate" and event.after["counts"]["predictions"] == 300
    assert event.after["synthetic"] is True and event.after["seed"] == SEED


def test_the_demo_has_a_synthetic_market_whose_prices_the_board_scores_against(session):
    counts = generate_demo(session, PUNDITS, QUESTIONS, SEED)
    points = session.scalars(select(ReferenceForecast)).all()
    assert len(points) == counts["reference_forecasts"] > 0
    assert {p.source for p in points} == {"Synthetic market"}
    assert all(0 < p.probability < 1 for p in points)
    assert len({p.question_id for p in points}) == counts["questions_with_references"]
    board = scores.leaderboard(session, min_n=1)
    assert board["n_reference"].sum() > 0
    assert board.loc[board["n_reference"] > 0, "vs_reference_brier"].notna().all()


def test_the_schema_rules_hold(session, engine):
    generate_demo(engine, PUNDITS, QUESTIONS, SEED)
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    for model in (Pundit, Source, Question, Prediction):
        assert session.scalars(select(model.version).distinct()).all() == [1]
    # What the services would have refused does not occur.
    for prediction in session.scalars(select(Prediction)):
        made = prediction.made_at.date()
        assert prediction.made_at.tzinfo is not None and made <= dt.date.today()
        if prediction.question.resolve_by:
            assert made <= prediction.question.resolve_by
        if prediction.source:
            assert made >= prediction.source.published_on
    for option in session.scalars(select(PredictionOption)):
        assert option.option.question_id == option.prediction.question_id
    for resolution in session.scalars(select(Resolution)):
        assert resolution.known <= dt.date.today()
        assert (resolution.option is not None) == (resolution.outcome == "option")
        if resolution.option is not None:
            assert resolution.option.question_id == resolution.question_id
    # Ids come from the sequences afterwards (PostgreSQL's were moved past the demo's).
    actor = services.Actor.system("test")
    pundit = services.add_pundit(session, actor, name="A real pundit")
    question = services.add_question(
        session,
        actor,
        statement="Will it rain tomorrow?",
        resolution_criteria="Rain gauge.",
        resolve_by="2030-01-01",
        tags=["weather"],
    )
    services.log_prediction(
        session,
        actor,
        question_id=question.id,
        pundit_id=pundit.id,
        made_at="2026-01-01",
        probability=0.4,
    )
    assert pundit.id > PUNDITS and question.id > QUESTIONS
    # Resolutions stay append-only: the trigger still refuses an edit.
    with pytest.raises(DBAPIError), engine.begin() as connection:
        connection.execute(text("UPDATE resolutions SET note = 'x'"))


def test_the_leaderboard_computes(session):
    generate_demo(session, PUNDITS, QUESTIONS, SEED)
    board = scores.leaderboard(session, min_n=1)
    assert 1 <= len(board) <= PUNDITS
    assert board["pundit"].str.startswith("demo-").all()
    assert board["rank"].notna().all() and (board["n"] >= 1).all()
    assert ((board["brier"] >= 0) & (board["brier"] <= 1)).all()
    assert board["time_averaged_brier"].notna().any()
    tagged = scores.leaderboard(session, scores.Filters(tag=SYNTHETIC_TAG), min_n=1)
    assert tagged["n"].tolist() == board["n"].tolist()


def test_command_writes_then_refuses_a_second_run(database_url, engine, snapshot_of):
    result = run(database_url, "demo", "--pundits", "8", "--questions", "30", "--seed", "4")
    assert result.exit_code == 0, result.output
    assert "Synthetic demo registry written" in result.output and "8 pundits" in result.output
    before = snapshot_of(engine)
    again = run(database_url, "demo", "--pundits", "8", "--questions", "30", "--seed", "5")
    assert again.exit_code == 1
    message = again.output.strip().splitlines()[-1]
    assert message.startswith("Error: --database-url: the database already holds demo data")
    assert snapshot_of(engine) == before


BAD_SIZES = [
    (["--pundits", "0", "--questions", "30", "--seed", "1"], "--pundits"),
    (["--pundits", "8", "--questions", "-3", "--seed", "1"], "--questions"),
    (
        ["--pundits", "8", "--questions", "30", "--seed", "1", "--predictions", "-1"],
        "--predictions",
    ),
    (["--pundits", "8", "--questions", "30"], "--seed"),
]


def test_command_refuses_bad_sizes(database_url, engine, snapshot_of):
    before = snapshot_of(engine)
    for args, option in BAD_SIZES:
        result = run(database_url, "demo", *args)
        assert result.exit_code != 0, args
        lines = [line for line in result.output.strip().splitlines() if line.startswith("Error")]
        assert len(lines) == 1 and option in lines[0], result.output
    assert snapshot_of(engine) == before


def test_a_real_registry_needs_allow_mixed(database_url, engine, session, snapshot_of):
    load_seeds(session)
    before = snapshot_of(engine)
    refused = run(database_url, "demo", "--pundits", "3", "--questions", "20", "--seed", "1")
    assert refused.exit_code == 1
    assert "--allow-mixed" in refused.output and "real registry" in refused.output
    assert snapshot_of(engine) == before
    mixed = run(
        database_url, "demo", "--pundits", "3", "--questions", "20", "--seed", "1", "--allow-mixed"
    )
    assert mixed.exit_code == 0, mixed.output
    with make_session_factory(engine)() as fresh:
        slugs = fresh.scalars(select(Pundit.slug)).all()
        assert sum(not slug.startswith("demo-") for slug in slugs) == 1
        assert (
            fresh.scalar(select(func.count()).select_from(Tag).where(Tag.slug == SYNTHETIC_TAG))
            == 1
        )
        tagged = fresh.scalar(
            select(func.count())
            .select_from(question_tags)
            .join(Tag, Tag.id == question_tags.c.tag_id)
            .where(Tag.slug == SYNTHETIC_TAG)
        )
        assert tagged == 20
        assert fresh.scalar(select(func.count()).select_from(QuestionOption)) >= 3


def test_generate_demo_checks_its_arguments(session):
    from forecasts.errors import ValidationError

    with pytest.raises(ValidationError, match="pundits: must be between 1"):
        generate_demo(session, 0, 10, 1)
    with pytest.raises(ValidationError, match="seed: must be a whole number"):
        generate_demo(session, 1, 10, 1.5)
    assert not has_demo_data(session)


def test_hedge_readings_are_the_scale_s():
    scales = pytest.importorskip("forecasts.phrases.scales")
    scale = scales.load_scale(f"{SCALE_NAME}@{SCALE_VERSION}")
    for said, phrase, probability in HEDGES:
        entry = scale.entry(phrase)
        assert entry is not None, phrase
        assert entry.probability == probability, said


def _expected(prediction: Prediction) -> tuple[str, float | None]:
    """Status and Brier score worked out from the ORM rows, independently of scores."""
    question = prediction.question
    standing = question.standing_resolution
    if standing is None:
        return (scores.NO_DEADLINE if question.resolve_by is None else scores.UNRESOLVED), None
    if question.condition_question_id is not None:
        condition = question.condition_question.standing_resolution
        if condition is None or condition.outcome_label != question.condition_outcome:
            return scores.CONDITION_NOT_MET, None
    if standing.outcome == "annulled":
        return scores.ANNULLED, None
    if prediction.made_at.date() >= standing.known:  # the demo gives days alone
        return scores.LOOK_AHEAD, None
    if question.kind == "binary":
        return scores.SCORED, (prediction.probability - (standing.outcome == "yes")) ** 2
    said = {entry.option_id: entry.probability for entry in prediction.distribution}
    return scores.SCORED, sum(
        (said.get(option.id, 0.0) - (option.id == standing.option_id)) ** 2
        for option in question.options
    ) / 2


def test_the_demo_s_scores_match_its_rows(session):
    generate_demo(session, PUNDITS, QUESTIONS, SEED + 2)
    frame = scores.prediction_frame(session).set_index("prediction_id")
    last: dict[tuple[int, int], Prediction] = {}
    for prediction in session.scalars(select(Prediction).order_by(Prediction.id)):
        status, brier = _expected(prediction)
        row = frame.loc[prediction.id]
        assert row["status"] == status, prediction.id
        if brier is None:
            assert row["brier"] != row["brier"]  # NaN
            continue
        assert row["brier"] == pytest.approx(brier, abs=1e-12)
        key = (prediction.pundit_id, prediction.question_id)
        if key not in last or (prediction.made_at, prediction.id) > (
            last[key].made_at,
            last[key].id,
        ):
            last[key] = prediction
    assert set(frame.index[frame["final"]]) == {p.id for p in last.values()}
