"""The rules an import file relaxes for history kept elsewhere (docs/import-format.md,
*Imported history*), on SQLite and PostgreSQL: criteria may be missing, statements may
be long and may repeat between platform questions, forecasts after the deadline are
kept while the question was still open; and the same rules still hold for questions and
predictions entered through the services the forms and the API call."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from forecasts import services
from forecasts.errors import ValidationError
from forecasts.models import Prediction, Pundit, Question
from forecasts.transfer import ImportRefused, import_file

ADMIN = services.Actor.system("test-admin")

BASE = {
    "pundit": "Ada",
    "pundit_platform": "predictionbook",
    "pundit_handle": "ada",
    "statement": "It will snow on New Year's Day",
    "resolve_by": "2016-01-01",
    "question_platform": "predictionbook",
    "question_platform_id": "1",
    "question_url": "https://predictionbook.com/predictions/1",
    "probability": "30%",
    "made_at": "2015-12-01T10:00:00Z",
    "outcome": "no",
    "known_at": "2016-01-09T16:45:00Z",
}


def write_csv(path: Path, rows: list[dict]) -> Path:
    header = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue())
    return path


def test_a_file_may_omit_criteria_repeat_statements_and_keep_late_forecasts(session, tmp_path):
    rows = [
        BASE,
        # After the deadline (1 January), before the outcome was known (9 January): kept.
        {**BASE, "pundit": "Cyd", "pundit_handle": "cyd", "made_at": "2016-01-03T11:20:00Z"},
        # The same statement on another platform question: another question.
        {
            **BASE,
            "question_platform_id": "2",
            "question_url": "",
            "resolve_by": "2017-01-01",
            "made_at": "2016-12-05T09:00:00Z",
            "outcome": "yes",
            "known_at": "2017-01-02",
        },
        {
            **BASE,
            "question_platform_id": "3",
            "statement": "Long " * 300,
            "outcome": "",
            "known_at": "",
        },
    ]
    report = import_file(session, write_csv(tmp_path / "history.csv", rows), actor=ADMIN)
    assert report.added["questions"] == 3 and report.added["predictions"] == 4
    assert report.late == 1
    snow = session.scalars(select(Question).where(Question.statement == BASE["statement"])).all()
    assert [q.platform_id for q in sorted(snow, key=lambda q: q.platform_id)] == ["1", "2"]
    assert len({q.slug for q in snow}) == 2  # slugs stay unique
    assert all(q.resolution_criteria == "" for q in snow)
    late = session.scalar(select(Prediction).join(Pundit).where(Pundit.platform_handle == "cyd"))
    assert late.question.resolve_by.isoformat() == "2016-01-01"  # the deadline stands
    long = session.scalar(select(Question).where(Question.platform_id == "3"))
    assert len(long.statement) > 1000


def test_a_late_forecast_after_the_outcome_was_known_is_refused(session, tmp_path):
    rows = [BASE, {**BASE, "pundit_handle": "late", "made_at": "2016-01-20T08:00:00Z"}]
    with pytest.raises(ImportRefused) as refused:
        import_file(session, write_csv(tmp_path / "late.csv", rows), actor=ADMIN)
    (error,) = refused.value.rows
    assert (error.line, error.column) == (3, "made_at")
    assert "after its outcome was known (2016-01-09)" in error.rule
    assert session.scalar(select(Question)) is None


def test_a_statement_several_questions_share_needs_the_slug(session, tmp_path):
    rows = [BASE, {**BASE, "question_platform_id": "2", "made_at": "2015-12-02"}]
    import_file(session, write_csv(tmp_path / "two.csv", rows), actor=ADMIN)
    plain = {k: v for k, v in BASE.items() if not k.startswith("question_")}
    with pytest.raises(ImportRefused) as refused:
        import_file(session, write_csv(tmp_path / "plain.csv", [plain]), actor=ADMIN)
    assert "several questions have this statement" in refused.value.rows[0].rule


def test_provenance_columns_must_come_in_pairs(session, tmp_path):
    rows = [{**BASE, "question_platform": "", "pundit_handle": ""}]
    with pytest.raises(ImportRefused) as refused:
        import_file(session, write_csv(tmp_path / "half.csv", rows), actor=ADMIN)
    problems = {(e.column, e.rule) for e in refused.value.rows}
    assert ("pundit_handle", "is required when pundit_platform is given") in problems
    assert ("question_platform", "is required when question_platform_id is given") in problems


def test_the_database_keeps_entered_statements_unique(session):
    def question(statement, slug, platform=None, platform_id=None):
        return Question(
            slug=slug,
            statement=statement,
            resolution_criteria="",
            kind="binary",
            note="",
            platform=platform,
            platform_id=platform_id,
            version=1,
        )

    session.add_all([question("Same words", "a", "metaculus", "1"), question("Same words", "b")])
    session.add(question("Same words", "c", "metaculus", "2"))
    session.flush()  # imported questions may repeat an entered statement
    session.add(question("Same words", "d"))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    session.add_all(
        [question("Other", "e", "metaculus", "9"), question("Other 2", "f", "metaculus", "9")]
    )
    with pytest.raises(IntegrityError):  # one question per platform id
        session.flush()


# ---------------------------------------------- the services (forms, API) keep the rules


@pytest.fixture
def imported(session, tmp_path):
    rows = [BASE, {**BASE, "pundit_handle": "cyd", "made_at": "2016-01-03T11:20:00Z"}]
    import_file(session, write_csv(tmp_path / "history.csv", rows), actor=ADMIN)
    return session.scalar(select(Question))


def test_entering_a_question_still_needs_criteria_a_short_and_unique_statement(session, imported):
    for fields, field in (
        ({"statement": "Will it rain?", "resolution_criteria": ""}, "resolution_criteria"),
        ({"statement": "x" * 501, "resolution_criteria": "Rain gauge."}, "statement"),
        ({"statement": imported.statement, "resolution_criteria": "Snow."}, "statement"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.add_question(session, ADMIN, **fields)
        assert field in {error.field for error in refused.value.errors}
    assert "must be unique" in str(refused.value)


def test_logging_a_prediction_after_the_deadline_is_still_refused(session, imported):
    pundit = session.scalar(select(Pundit).where(Pundit.platform_handle == "ada"))
    with pytest.raises(ValidationError) as refused:
        services.log_prediction(
            session,
            ADMIN,
            question_id=imported.id,
            pundit_id=pundit.id,
            made_at="2016-01-03T12:00:00Z",
            probability=0.1,
        )
    assert "resolve-by" in refused.value.errors[0].rule


def test_an_imported_question_can_be_edited_keeping_what_was_imported(session, imported):
    edited = services.edit_question(
        session,
        ADMIN,
        imported.id,
        expected_version=imported.version,
        statement=imported.statement,
        resolution_criteria="Snow measured at the city's weather station.",
        resolve_by=imported.resolve_by,
        note="Criteria added by an editor.",
    )
    assert edited.resolution_criteria.startswith("Snow measured")
    with pytest.raises(ValidationError, match="resolve_by"):  # a new deadline still checks
        services.edit_question(
            session,
            ADMIN,
            imported.id,
            expected_version=edited.version,
            statement=imported.statement,
            resolution_criteria=edited.resolution_criteria,
            resolve_by="2015-12-31",
        )
