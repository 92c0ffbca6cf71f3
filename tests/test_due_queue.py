"""The due queue on SQLite and PostgreSQL: days overdue, forecasts waiting, and the
question an editor resolves next."""

from __future__ import annotations

import datetime as dt

from forecasts import queries, services

ADMIN = services.Actor.system("test-admin")
TODAY = dt.date(2021, 1, 10)


def _question(session, statement: str, resolve_by: str):
    return services.add_question(
        session,
        ADMIN,
        statement=statement,
        resolution_criteria="As reported.",
        resolve_by=resolve_by,
    )


def test_due_queue_counts_days_and_waiting_forecasts(session):
    pundits = [services.add_pundit(session, ADMIN, name=name) for name in ("Ann", "Bo")]
    old = _question(session, "Will the old thing happen?", "2021-01-01")
    recent = _question(session, "Will the recent thing happen?", "2021-01-09")
    _question(session, "Will the future thing happen?", "2021-02-01")  # not due yet
    for pundit in pundits:
        services.log_prediction(
            session,
            ADMIN,
            question_id=old.id,
            pundit_id=pundit.id,
            made_at="2020-12-01",
            probability=0.3,
        )
    queue = queries.due_queue(session, today=TODAY)
    assert [(item.question.id, item.days_overdue, item.forecasts) for item in queue] == [
        (old.id, 9, 2),  # 10 January - 1 January
        (recent.id, 1, 0),
    ]
    assert queries.next_due_question(session, old, today=TODAY).id == recent.id
    assert queries.next_due_question(session, recent, today=TODAY).id == old.id
    services.resolve_question(session, ADMIN, old.id, outcome="no", known_at="2021-01-05")
    assert [item.question.id for item in queries.due_queue(session, today=TODAY)] == [recent.id]
    assert queries.next_due_question(session, recent, today=TODAY) is None
