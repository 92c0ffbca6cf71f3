"""Re-applying a scale to the registry, on SQLite and PostgreSQL: a dry run writes
nothing; a real run changes only mapped predictions, one audit event each."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from forecasts import services
from forecasts.cli import cli
from forecasts.errors import ConflictError, PermissionDenied
from forecasts.models import AuditEvent, Prediction, Role
from forecasts.phrases.reapply import AUDIT_ACTION, apply_remap, plan_remap

ADMIN = services.Actor.system("test-admin")


@pytest.fixture
def predictions(session):
    """Five predictions: two mapped from a phrase, one mapped from a phrase no scale
    reads, one stated, one estimated."""
    pundit = services.add_pundit(session, ADMIN, name="Op-ed Author")
    questions = [
        services.add_question(
            session,
            ADMIN,
            statement=f"Will event {n} happen by 2030?",
            resolution_criteria="As reported.",
            resolve_by="2030-12-31",
        )
        for n in range(5)
    ]
    rows = [
        ("tiny possibility", 0.05, "mapped", "icd-203", "2015"),
        ("In my opinion ... will", 0.8, "mapped", "registry-default", "1"),
        ("a gut feeling", 0.6, "mapped", "registry-default", "1"),
        ("70 percent", 0.7, "stated", None, None),
        ("great possibility", 0.8, "estimated", None, None),
    ]
    made = []
    for question, (hedge, p, origin, scale_name, version) in zip(questions, rows, strict=True):
        made.append(
            services.log_prediction(
                session,
                ADMIN,
                question_id=question.id,
                pundit_id=pundit.id,
                made_at="2020-01-01",
                probability=p,
                hedge_phrase=hedge,
                probability_origin=origin,
                scale_name=scale_name,
                scale_version=version,
            )
        )
    return {p.hedge_phrase: p.id for p in made}


def _remaps(session):
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == AUDIT_ACTION)))


def test_plan_reads_only_mapped_predictions(session, engine, snapshot_of, predictions):
    before = snapshot_of(engine)
    plan = plan_remap(session, "kent-1964@1964")
    assert {r.hedge_phrase: r.new_probability for r in plan.changes} == {
        "tiny possibility": 0.07,  # Kent's "almost certainly not"
        "In my opinion ... will": pytest.approx(0.5 + (0.93 - 0.5) * 0.75),
    }
    assert [u.hedge_phrase for u in plan.unmapped] == ["a gut feeling"]
    session.rollback()
    assert snapshot_of(engine) == before


def test_apply_changes_only_mapped_predictions_with_one_audit_event_each(session, predictions):
    versions = {p.id: p.version for p in session.scalars(select(Prediction))}
    plan = plan_remap(session, "kent-1964")
    changed = apply_remap(session, ADMIN, plan)
    assert sorted(p.id for p in changed) == sorted(
        [predictions["tiny possibility"], predictions["In my opinion ... will"]]
    )
    session.expire_all()
    rows = {p.hedge_phrase: p for p in session.scalars(select(Prediction))}
    tiny = rows["tiny possibility"]
    assert (tiny.probability, tiny.scale_name, tiny.scale_version) == (0.07, "kent-1964", "1964")
    assert tiny.version == versions[tiny.id] + 1
    for untouched in ("a gut feeling", "70 percent", "great possibility"):
        row = rows[untouched]
        assert row.version == versions[row.id], untouched
    assert rows["70 percent"].probability == 0.7
    assert rows["great possibility"].probability == 0.8
    events = _remaps(session)
    assert sorted(e.entity_id for e in events) == sorted(p.id for p in changed)
    event = next(e for e in events if e.entity_id == tiny.id)
    assert event.before["probability"] == 0.05 and event.after["probability"] == 0.07
    assert event.after["scale_name"] == "kent-1964" and event.actor_name == "test-admin"
    # Re-applying the same scale again changes nothing.
    assert plan_remap(session, "kent-1964").changes == []


def test_a_changed_prediction_makes_the_plan_stale(session, engine, snapshot_of, predictions):
    plan = plan_remap(session, "survey-2015")
    row = session.get(Prediction, predictions["tiny possibility"])
    row.note = "edited meanwhile"
    session.commit()
    before = snapshot_of(engine)
    with pytest.raises(ConflictError):
        apply_remap(session, ADMIN, plan)
    assert snapshot_of(engine) == before and _remaps(session) == []


def test_readers_may_not_remap(session, predictions):
    with pytest.raises(PermissionDenied):
        apply_remap(
            session, services.Actor(name="rita", role=Role.READER), plan_remap(session, "kent-1964")
        )


def _run(url, *args, input=None):
    return CliRunner().invoke(cli, ["--database-url", url, "scale", "reapply", *args], input=input)


def test_cli_dry_run_writes_nothing(database_url, engine, snapshot_of, predictions):
    before = snapshot_of(engine)
    result = _run(database_url, "kent-1964@1964", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "2 to change, 0 unchanged, 1 not readable on this scale" in result.output
    assert "tiny possibility" in result.output and "dry run: nothing written" in result.output
    assert snapshot_of(engine) == before


def test_cli_asks_before_writing(database_url, engine, snapshot_of, session, predictions):
    before = snapshot_of(engine)
    refused = _run(database_url, "kent-1964@1964", input="n\n")
    assert refused.exit_code == 1 and "Write 2 change(s)?" in refused.output
    assert snapshot_of(engine) == before
    accepted = _run(database_url, "kent-1964@1964", input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert "re-mapped 2 prediction(s) with kent-1964@1964" in accepted.output
    assert len(_remaps(session)) == 2


def test_cli_yes_and_unknown_versions(database_url, session, predictions):
    assert _run(database_url, "icd-203@2015", "--yes").exit_code == 0
    session.expire_all()
    will = session.get(Prediction, predictions["In my opinion ... will"])
    assert (will.scale_name, will.scale_version) == ("icd-203", "2015")
    assert will.probability == pytest.approx(0.5 + (0.875 - 0.5) * 0.75)
    unknown = _run(database_url, "icd-203@1999", "--yes")
    assert unknown.exit_code == 1
    assert unknown.output.strip().splitlines()[-1] == (
        "Error: scale: icd-203 has no version '1999' (versions: 2015)"
    )
