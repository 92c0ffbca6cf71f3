"""``forecasts import`` and ``forecasts export`` on SQLite and PostgreSQL: all or nothing
with every bad row reported, idempotent re-import, an exact export-import round trip,
encodings, dry run, the acting user and the audit trail."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from forecasts import scores, serialize, services
from forecasts.cli import cli
from forecasts.db import make_engine, make_session_factory
from forecasts.models import AuditEvent, Prediction, Pundit, Question, Resolution, Source
from forecasts.seeding import load_seeds
from forecasts.transfer import ImportRefused, import_file
from forecasts.transfer.columns import COLUMNS

ADMIN = services.Actor.system("test-admin")
DOCS = Path(__file__).resolve().parent.parent / "docs"


def run(url: str, *args: str):
    return CliRunner().invoke(cli, ["--database-url", url, *args])


def write_csv(path: Path, rows: list[dict], encoding: str = "utf-8") -> Path:
    header = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


CEASEFIRE = {
    "pundit": "Jane Doe",
    "pundit_slug": "jane-doe",
    "source_title": "Why the ceasefire will hold",
    "source_url": "https://example.org/ledger/ceasefire",
    "source_published_on": "2021-03-01",
    "statement": "Will the ceasefire hold until 31 December 2021?",
    "resolution_criteria": "Yes if no exchange of fire is reported in 2021.",
    "resolve_by": "2021-12-31",
    "tags": "conflict|diplomacy",
    "probability": "80%",
    "quote": "The ceasefire will hold.",
    "made_at": "2021-03-01",
    "outcome": "yes",
    "known_at": "2022-01-03",
    "evidence_url": "https://example.org/wire/ceasefire-held",
}
ELECTION = {
    "pundit": "Omar Haddad",
    "statement": "Who wins the 2021 election?",
    "resolution_criteria": "The party whose leader becomes prime minister.",
    "resolve_by": "2021-09-30",
    "kind": "multiple_choice",
    "options": "Blue | Green | Other",
    "distribution": "Blue: 50% | Green: 40% | Other: 10%",
    "made_at": "2021-04-10",
}


def good_rows() -> list[dict]:
    return [
        CEASEFIRE,
        {
            "pundit_slug": "jane-doe",
            "question_slug": "will-the-ceasefire-hold-until-31-december-2021",
            "probability": "0.875",
            "hedge_phrase": "very likely",
            "probability_origin": "mapped",
            "scale": "icd-203@2015",
            "made_at": "2021-06-15T09:30:00Z",
            "quote": "It will very likely hold.",
        },
        ELECTION,
        {
            "pundit": "Omar Haddad",
            "statement": CEASEFIRE["statement"],
            "probability": "40%",
            "made_at": "2021-04-10",
        },
    ]


# ----------------------------------------------------------------- all or nothing


def test_bad_rows_write_nothing_and_each_is_reported(database_url, engine, snapshot_of, tmp_path):
    rows = [
        CEASEFIRE,  # line 2: good
        {**CEASEFIRE, "quote": "Surely.", "probability": "120%"},  # line 3
        {**CEASEFIRE, "quote": "Later.", "made_at": "2021-13-01"},  # line 4
        {
            "pundit": "Li Wei",
            "statement": "Will the treaty be signed by 2022?",  # line 5
            "resolution_criteria": "Signed by both.",
            "resolve_by": "2022-06-30",
            "probability": "0.2",
            "made_at": "2021-05-01",
            "outcome": "no",
            "known_at": "2022-07-01",
            "evidence_url": "ftp://example.org/treaty",
        },
        {**ELECTION, "distribution": "Blue: 50% | Purple: 50%"},  # line 6
        {
            "pundit": "Li Wei",
            "statement": "",
            "probability": "0.5",  # line 7
            "made_at": "2021-05-01",
        },
        {**ELECTION, "pundit": "Li Wei", "made_at": "2021-05-02"},  # line 8: good
    ]
    path = write_csv(tmp_path / "bad.csv", rows)
    before = snapshot_of(engine)
    result = run(database_url, "import", str(path))
    assert result.exit_code == 1, result.output
    assert snapshot_of(engine) == before
    report = result.stderr
    expected = [
        ("line 3, column probability, value '120%'", "must be between 0% and 100%"),
        ("line 4, column made_at, value '2021-13-01'", "must be an ISO 8601 date or timestamp"),
        (
            "line 5, column evidence_url, value 'ftp://example.org/treaty'",
            "must be an http:// or https:// link",
        ),
        (
            "line 6, column distribution, value 'Blue: 50% | Purple: 50%'",
            "unknown option 'Purple'; the options are Blue, Green, Other",
        ),
        ("line 7, column statement", "is required"),
    ]
    for where, rule in expected:
        assert any(line.startswith(where) and rule in line for line in report.splitlines()), (
            where,
            report,
        )
    assert "line 2," not in report and "line 8," not in report
    assert "Error: bad.csv: 5 bad rows; nothing was imported" in report


def test_rows_defining_one_question_differently_are_refused(
    database_url, engine, snapshot_of, tmp_path
):
    path = write_csv(
        tmp_path / "conflict.csv",
        [CEASEFIRE, {**CEASEFIRE, "quote": "Again.", "resolve_by": "2021-11-30"}],
    )
    before = snapshot_of(engine)
    result = run(database_url, "import", str(path))
    assert result.exit_code == 1
    assert (
        "line 3, column resolve_by, value '2021-11-30': differs from line 2, which gave "
        "'2021-12-31' for this question" in result.stderr
    )
    assert snapshot_of(engine) == before


def test_file_problems_are_one_clear_line(database_url, engine, snapshot_of, tmp_path):
    before = snapshot_of(engine)
    unknown = write_csv(tmp_path / "typo.csv", [{**CEASEFIRE, "probabilty": "5%"}])
    result = run(database_url, "import", str(unknown))
    assert result.exit_code == 1 and "unknown columns: 'probabilty'" in result.output
    weird = tmp_path / "data.txt"
    weird.write_text("pundit\n")
    result = run(database_url, "import", str(weird))
    assert result.exit_code == 1 and "give --format csv|json" in result.output
    broken = tmp_path / "broken.json"
    broken.write_text('[\n{"pundit": "A"},\n{"pundit": nope}\n]\n')
    result = run(database_url, "import", str(broken))
    assert result.exit_code == 1 and "broken.json line 3: not valid JSON" in result.output
    assert snapshot_of(engine) == before


def test_json_rows_are_reported_by_the_line_their_object_starts_on(
    database_url, engine, snapshot_of, tmp_path
):
    path = tmp_path / "rows.json"
    good = {**CEASEFIRE, "tags": ["conflict", "diplomacy"], "probability": 0.8}
    bad = {**ELECTION, "options": ["Blue", "Green"], "distribution": {"Blue": "70%", "Green": 0.2}}
    path.write_text(
        "[\n" + json.dumps(good, indent=1) + ",\n" + json.dumps(bad, indent=1) + "\n]\n",
        encoding="utf-8",
    )
    start = 2 + json.dumps(good, indent=1).count("\n") + 1
    before = snapshot_of(engine)
    result = run(database_url, "import", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"line {start}, column distribution, value 'Blue: 70% | Green: 0.2': must sum to 1 "
        "(got 0.9)"
    )
    assert snapshot_of(engine) == before
    bad["distribution"]["Green"] = "30%"
    path.write_text(json.dumps([good, bad]), encoding="utf-8")
    assert run(database_url, "import", str(path)).exit_code == 0


def test_entry_rows_declare_one_noun_and_names_must_be_unambiguous(database_url, session, tmp_path):
    services.add_pundit(session, ADMIN, name="Ann Lee", slug="ann-lee")
    services.add_pundit(session, ADMIN, name="Ann Lee", slug="ann-lee-2")
    path = write_csv(
        tmp_path / "entries.csv",
        [
            {"entry": "pundit", "pundit": "Bo Chen", "pundit_links": "https://example.org/bo"},
            {"entry": "pundit", "pundit": "Cy Dean", "probability": "5%"},
            {**CEASEFIRE, "pundit": "Ann Lee", "pundit_slug": ""},
            {"entry": "opinion", "pundit": "Di Eve"},
        ],
    )
    result = run(database_url, "import", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:3] == [
        "line 3, column probability, value '5%': must be empty on a pundit row",
        "line 4, column pundit, value 'Ann Lee': several pundits are named 'Ann Lee'; give "
        "pundit_slug to say which",
        "line 5, column entry, value 'opinion': must be one of prediction, pundit, source, "
        "question (empty means prediction)",
    ]
    fixed = write_csv(
        tmp_path / "fixed.csv",
        [
            {"entry": "pundit", "pundit": "Bo Chen", "pundit_links": "https://example.org/bo"},
            {**CEASEFIRE, "pundit": "Ann Lee", "pundit_slug": "ann-lee-2"},
        ],
    )
    assert run(database_url, "import", str(fixed)).exit_code == 0
    bo = session.scalar(select(Pundit).where(Pundit.slug == "bo-chen"))
    assert bo.links == ["https://example.org/bo"]
    assert session.scalar(select(Prediction.pundit_id)) == session.scalar(
        select(Pundit.id).where(Pundit.slug == "ann-lee-2")
    )


def test_latin1_file_is_refused_clearly(database_url, engine, snapshot_of, tmp_path):
    path = write_csv(
        tmp_path / "latin1.csv",
        [{**CEASEFIRE, "quote": "Il fera beau à Paris."}],
        encoding="latin-1",
    )
    before = snapshot_of(engine)
    result = run(database_url, "import", str(path))
    assert result.exit_code == 1
    assert "latin1.csv is not UTF-8 text: the byte 0xe0 on line 2 cannot be UTF-8" in result.output
    assert "iconv -f latin1 -t utf-8" in result.output
    assert snapshot_of(engine) == before


def test_utf8_with_byte_order_mark_imports(database_url, session, tmp_path):
    path = write_csv(
        tmp_path / "bom.csv",
        [{**CEASEFIRE, "quote": "Il fera beau à Paris."}],
        encoding="utf-8-sig",
    )
    result = run(database_url, "import", str(path))
    assert result.exit_code == 0, result.output
    assert session.scalar(select(Prediction.quote)) == "Il fera beau à Paris."


# ------------------------------------------------------------ dry run, re-import


def test_dry_run_writes_nothing_and_reports_what_it_would_add(
    database_url, engine, snapshot_of, tmp_path
):
    path = write_csv(tmp_path / "good.csv", good_rows())
    before = snapshot_of(engine)
    result = run(database_url, "import", "--dry-run", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "dry run of good.csv: 4 rows are valid; would add 2 pundits, 1 source, 2 questions, "
        "4 predictions, 1 resolution; nothing was written"
    )
    assert snapshot_of(engine) == before


def test_reimport_adds_nothing_and_says_so(database_url, engine, session, snapshot_of, tmp_path):
    path = write_csv(tmp_path / "good.csv", good_rows())
    first = run(database_url, "import", str(path))
    assert first.exit_code == 0, first.output
    assert first.stdout.strip() == (
        "imported good.csv: 4 rows; added 2 pundits, 1 source, "
        "2 questions, 4 predictions, 1 resolution"
    )
    after_first = snapshot_of(engine)
    second = run(database_url, "import", str(path))
    assert second.exit_code == 0, second.output
    assert second.stdout.strip() == (
        "good.csv: nothing to add; the registry already has everything in its 4 rows"
    )
    assert snapshot_of(engine) == after_first
    # A revised forecast is new; an outcome that differs is a re-resolution.
    revised = write_csv(
        tmp_path / "revised.csv",
        [
            {**CEASEFIRE, "probability": "85%"},
            {
                "question_slug": "who-wins-the-2021-election",
                "pundit": "Omar Haddad",
                "distribution": "Blue: 0.5 | Green: 0.4 | Other: 0.1",
                "made_at": "2021-04-10",
                "outcome": "Green",
                "known_at": "2021-09-27",
            },
        ],
    )
    third = run(database_url, "import", str(revised))
    assert third.stdout.strip() == (
        "imported revised.csv: 2 rows; added 1 prediction, 1 resolution; 1 prediction was "
        "already in the registry"
    )
    standing = session.scalars(select(Resolution).order_by(Resolution.id)).all()
    assert [r.outcome_label for r in standing] == ["yes", "Green"]


def test_duplicate_rows_in_one_file_are_added_once(database_url, session, tmp_path):
    path = write_csv(tmp_path / "twice.csv", [CEASEFIRE, CEASEFIRE])
    result = run(database_url, "import", str(path))
    assert result.stdout.strip().endswith("1 row repeated an earlier row")
    assert session.scalar(select(func.count(Prediction.id))) == 1


# ---------------------------------------------------------------- actor and audit


def test_import_as_user_must_be_an_active_editor(database_url, session, tmp_path):
    editor = services.create_user(
        session, ADMIN, name="edna", role="editor", password="correct horse"
    )
    services.create_user(session, ADMIN, name="rita", role="reader", password="correct horse")
    gone = services.create_user(
        session, ADMIN, name="gone", role="editor", password="correct horse"
    )
    services.update_user(session, ADMIN, gone.id, is_active=False)
    path = write_csv(tmp_path / "good.csv", good_rows())
    for name, message in [
        ("nobody", "no user named 'nobody'"),
        ("rita", "importing needs the editor role; rita is a reader"),
        ("gone", "the user 'gone' is deactivated"),
    ]:
        result = run(database_url, "import", "--as", name, str(path))
        assert result.exit_code == 1 and message in result.output, result.output
    result = run(database_url, "import", "--as", "edna", str(path))
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert set(session.scalars(select(Prediction.logged_by_id))) == {editor.id}
    actors = set(
        session.scalars(
            select(AuditEvent.actor_name).where(
                AuditEvent.action != "user.create", AuditEvent.action != "user.update"
            )
        )
    )
    assert actors == {"edna"}


def test_audit_events_have_the_services_shapes(database_url, session, tmp_path):
    path = write_csv(tmp_path / "good.csv", good_rows())
    assert run(database_url, "import", str(path)).exit_code == 0
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == [
        "pundit.create",
        "pundit.create",
        "source.create",
        "question.create",
        "question.create",
        "question.resolve",
        "import",
    ]
    for event in events[:2]:
        assert event.after == serialize.pundit_dict(session.get(Pundit, event.entity_id))
    assert events[2].after == serialize.source_dict(session.get(Source, events[2].entity_id))
    ceasefire = session.get(Question, events[5].entity_id)
    assert events[5].after == serialize.question_dict(ceasefire)
    assert events[5].before == {
        **events[5].after,
        "outcome": None,
        "known_at": None,
        "resolution": None,
    }
    assert events[3].after == events[5].before
    election = session.get(Question, events[4].entity_id)
    assert events[4].after == serialize.question_dict(election)
    summary = events[-1].after
    ids = sorted(session.scalars(select(Prediction.id)))
    assert summary["file"] == "good.csv" and summary["rows"] == 4
    assert summary["added"] == {
        "pundits": 2,
        "sources": 1,
        "questions": 2,
        "predictions": 4,
        "resolutions": 1,
    }
    assert summary["prediction_ids"] == [ids[0], ids[-1]] and summary["logged_by"] == "cli"


# -------------------------------------------------------------------- conditions


def test_conditions_may_point_forward_and_failed_ones_annul(database_url, session, tmp_path):
    dependent = {
        "pundit": "Jane Doe",
        "statement": "If the ceasefire holds, is a treaty signed by 2022?",
        "resolution_criteria": "Signed by both governments.",
        "resolve_by": "2022-06-30",
        "condition": "will-the-ceasefire-hold-until-31-december-2021",
        "condition_outcome": "yes",
        "probability": "25",
        "made_at": "2021-03-01",
    }
    failed = {**CEASEFIRE, "outcome": "no"}
    path = write_csv(tmp_path / "conditional.csv", [dependent, failed])
    result = run(database_url, "import", str(path))
    assert result.exit_code == 0, result.output
    treaty = session.scalar(select(Question).where(Question.slug.like("if-the-ceasefire%")))
    assert treaty.condition_question.statement == CEASEFIRE["statement"]
    standing = treaty.standing_resolution
    assert standing.outcome == "annulled" and standing.automatic
    assert standing.known == dt.date(2022, 1, 3)
    assert standing.note.startswith("Annulled automatically: condition not met")
    # The dependent may not say otherwise once its condition failed.
    contrary = write_csv(
        tmp_path / "contrary.csv",
        [
            {
                "statement": dependent["statement"],
                "pundit": "Jane Doe",
                "probability": "30",
                "made_at": "2021-03-02",
                "outcome": "yes",
                "known_at": "2022-06-30",
            }
        ],
    )
    result = run(database_url, "import", str(contrary))
    assert result.exit_code == 1
    assert "line 2, column outcome, value 'yes': the question's condition failed" in result.stderr


# -------------------------------------------------------------------- round trip


def _rich_registry(session) -> None:
    """The seed registry, plus what it lacks: several pundits with ranked scores, a
    multiple-choice question, a re-resolution, a hand annulment of a question whose
    condition later failed, a pundit and a question no prediction mentions, a source
    without a link, links, notes, microseconds and awkward floats."""
    load_seeds(session)
    add = services
    lee = add.add_pundit(
        session,
        ADMIN,
        name="Lee Park",
        affiliation="Ledger",
        links=["https://example.org/lee"],
        # Text a spreadsheet would run: the CSV export guards it, the import restores it.
        bio='=HYPERLINK("https://example.org") writes on markets.',
    )
    kim = add.add_pundit(session, ADMIN, name="Kim Ode")
    add.add_pundit(session, ADMIN, name="Silent Sam", slug="silent-sam")
    paper = add.add_source(
        session,
        ADMIN,
        title="Notes, unlinked",
        published_on="2020-02-01",
        note="No URL.",
        full_text='Line one.\nLine "two", with a comma.',
    )
    for n in range(7):
        question = add.add_question(
            session,
            ADMIN,
            statement=f"Will market index {n} rise in 2020?",
            resolution_criteria="Closes the year higher.",
            resolve_by="2020-12-31",
            tags=["Markets", f"index {n}"],
            note="Synthetic." if n == 0 else "",
        )
        for pundit, p in ((lee, (n + 1) / 9), (kim, 1 / 3 + n / 100)):
            add.log_prediction(
                session,
                ADMIN,
                question_id=question.id,
                pundit_id=pundit.id,
                source_id=paper.id,
                made_at=f"2020-03-0{n + 1}T08:15:30.123456Z",
                probability=p,
                quote=f"On index {n}.",
                note="noted",
            )
        add.resolve_question(
            session, ADMIN, question.id, outcome="yes" if n % 2 else "no", known_at="2021-01-02"
        )
    choice = add.add_question(
        session,
        ADMIN,
        statement="Which colour wins?",
        resolution_criteria="The winner.",
        resolve_by="2020-12-31",
        kind="multiple_choice",
        options=["Red", "Blue: dark", "Draw"],
    )
    for pundit, dist in (
        (lee, {"Red": 0.1, "Blue: dark": 0.7, "Draw": 0.2}),
        (kim, {"Red": 1 / 3, "Blue: dark": 1 / 3, "Draw": 1 / 3}),
    ):
        add.log_prediction(
            session,
            ADMIN,
            question_id=choice.id,
            pundit_id=pundit.id,
            made_at="2020-04-01",
            distribution=dist,
            hedge_phrase="likely",
            probability_origin="mapped",
            scale_name="icd-203",
            scale_version="2015",
        )
    add.resolve_question(session, ADMIN, choice.id, outcome="Red", known_at="2020-12-30")
    add.resolve_question(
        session,
        ADMIN,
        choice.id,
        outcome="Blue: dark",
        known_at="2020-12-31",
        evidence_url="https://example.org/result",
        note="Corrected.",
    )
    base = add.add_question(
        session,
        ADMIN,
        statement="Will the summit happen in 2020?",
        resolution_criteria="Held.",
        resolve_by="2020-12-31",
    )
    follow = add.add_question(
        session,
        ADMIN,
        statement="If the summit happens, a deal?",
        resolution_criteria="Signed.",
        resolve_by="2020-12-31",
        condition_question_id=base.id,
        condition_outcome="yes",
    )
    add.log_prediction(
        session,
        ADMIN,
        question_id=follow.id,
        pundit_id=kim.id,
        made_at="2020-05-01",
        probability=0.05,
    )
    add.annul_question(
        session, ADMIN, follow.id, reason="Ambiguous wording.", known_at="2020-06-01"
    )
    add.resolve_question(session, ADMIN, base.id, outcome="no", known_at="2020-07-01")
    add.add_question(
        session,
        ADMIN,
        statement="Will anyone forecast this?",
        resolution_criteria="Never.",
        resolve_by=None,
        tags=["lonely"],
    )


def _registry_state(url: str) -> dict:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:

            def strip(row: dict, *keys) -> dict:
                return {k: v for k, v in row.items() if k not in {"id", *keys}}

            questions = session.scalars(select(Question).order_by(Question.slug)).all()
            state = {
                "pundits": [
                    strip(serialize.pundit_dict(p))
                    for p in session.scalars(select(Pundit).order_by(Pundit.slug))
                ],
                "sources": [
                    strip(serialize.source_dict(s, with_text=True))
                    for s in session.scalars(select(Source).order_by(Source.title))
                ],
                "questions": [
                    strip(serialize.question_dict(q), "resolution", "condition")
                    | {"condition": q.condition_question.slug if q.condition_question else None}
                    for q in questions
                ],
                "standing": {
                    q.slug: strip(
                        serialize.resolution_dict(q.standing_resolution),
                        "question_id",
                        "resolved_at",
                        "resolved_by",
                    )
                    for q in questions
                    if q.standing_resolution
                },
                "predictions": [
                    strip(
                        serialize.prediction_dict(p),
                        "question_id",
                        "pundit_id",
                        "source_id",
                        "logged_at",
                        "logged_by",
                        "version",  # a correction's or retraction's history is not imported
                        "corrected_at",
                    )
                    | {"source": p.source.title if p.source else None}
                    for p in session.scalars(select(Prediction).order_by(Prediction.id))
                ],
            }

            state["leaderboard"] = scores.leaderboard(session)
            return state
    finally:
        engine.dispose()


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_export_then_import_gives_the_same_registry_and_scores(
    database_url, session, second_database_url, tmp_path, file_format
):
    _rich_registry(session)
    retracted = session.scalar(select(Prediction).order_by(Prediction.id.desc()).limit(1))
    services.retract_prediction(
        session,
        services.Actor.system(),
        retracted.id,
        expected_version=retracted.version,
        reason="Logged against the wrong pundit.",
    )
    original = tmp_path / "original"
    result = run(database_url, "export", "--format", file_format, str(original))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in original.iterdir()) == sorted(
        f"{name}.{file_format}"
        for name in (
            "predictions",
            "pundits",
            "sources",
            "questions",
            "resolutions",
            "references",
            "unscorable_claims",
            "scores",
            "leaderboard",
        )
    )
    result = run(second_database_url, "import", str(original / f"predictions.{file_format}"))
    assert result.exit_code == 0, result.output
    before, after = _registry_state(database_url), _registry_state(second_database_url)
    board = after.pop("leaderboard")
    assert (board["rank"] == 1).any() and len(board) == 3
    pd.testing.assert_frame_equal(board, before.pop("leaderboard"), check_exact=True)
    for key in before:
        assert after[key] == before[key], key
    # Only the standing resolution comes back; the history is in resolutions.* to read.
    copy = tmp_path / "copy"
    assert run(second_database_url, "export", "--format", file_format, str(copy)).exit_code == 0
    for name in ("pundits", "sources", "questions", "leaderboard"):
        assert (copy / f"{name}.{file_format}").read_text() == (
            original / f"{name}.{file_format}"
        ).read_text(), name
    history = _read(original / f"resolutions.{file_format}")
    again = _read(copy / f"resolutions.{file_format}")
    assert len(history) == len(again) + 1  # the corrected colour question
    assert [_drop(r, "resolved_at") for r in again] == [
        _drop(r, "resolved_at") for r in history if r["standing"] in (True, "true")
    ]
    scores_before = [_drop(r, "prediction_id") for r in _read(original / f"scores.{file_format}")]
    scores_after = [_drop(r, "prediction_id") for r in _read(copy / f"scores.{file_format}")]
    assert scores_after == scores_before
    # Each noun file imports on its own: nothing new.
    for name in ("pundits", "sources", "questions", "predictions"):
        result = run(second_database_url, "import", str(original / f"{name}.{file_format}"))
        assert result.exit_code == 0 and "nothing to add" in result.stdout, result.output


def _read(path: Path) -> list[dict]:
    if path.suffix == ".json":
        return json.loads(path.read_text())
    return list(csv.DictReader(path.open(encoding="utf-8")))


def _drop(row: dict, *keys: str) -> dict:
    return {k: v for k, v in row.items() if k not in keys}


# ------------------------------------------------------------------------- samples


@pytest.mark.parametrize("name", ["sample-import.csv", "sample-import.json"])
def test_documented_samples_import_cleanly(database_url, session, name):
    result = run(database_url, "import", str(DOCS / name))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        f"imported {name}: 7 rows; added 2 pundits, 2 sources, 4 questions, 7 predictions, "
        "3 resolutions"
    )
    outcomes = dict(
        session.execute(select(Question.slug, Resolution.outcome).join(Resolution)).tuples().all()
    )
    assert outcomes == {
        "northland-southland-ceasefire-2021": "yes",
        "northland-election-2021": "option",
        "northland-southland-treaty-2022": "no",
    }


def test_samples_use_only_documented_columns():
    header = (DOCS / "sample-import.csv").read_text().splitlines()[0].split(",")
    assert set(header) <= set(COLUMNS)
    documented = (DOCS / "import-format.md").read_text()
    for column in COLUMNS:
        assert f"| `{column}` |" in documented, column


def _two_imports_at_once(engine, path: Path) -> list:
    """Import ``path`` from two sessions released together: each one's report, or the
    error it was refused with."""
    from forecasts.transfer.importing import import_file

    sessions = make_session_factory(engine)
    start = threading.Barrier(2)
    outcomes: list = []

    def one_import():
        with sessions() as session:
            start.wait()
            try:
                outcomes.append(import_file(session, path))
            except Exception as error:  # noqa: BLE001 - the test says what it was
                outcomes.append(error)

    threads = [threading.Thread(target=one_import) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_imports_of_one_file_at_once_add_it_once(database_url, engine, tmp_path):
    from forecasts.transfer.importing import import_file

    sessions = make_session_factory(engine)
    with sessions() as session:
        import_file(session, write_csv(tmp_path / "good.csv", good_rows()))
    # Only predictions of pundits and questions the registry has: no unique key would
    # refuse the second import's rows.
    day = dt.date(2021, 3, 2)
    revisions = [
        {
            "pundit_slug": "jane-doe",
            "question_slug": "will-the-ceasefire-hold-until-31-december-2021",
            "probability": f"{50 + n % 40}%",
            "made_at": (day + dt.timedelta(days=n % 250)).isoformat(),
            "quote": f"Revision {n}.",
        }
        for n in range(2000)
    ]
    path = write_csv(tmp_path / "revisions.csv", revisions)
    outcomes = _two_imports_at_once(engine, path)
    with sessions() as session:
        assert session.scalar(select(func.count(Prediction.id))) == 4 + len(revisions)
    reports = [outcome for outcome in outcomes if not isinstance(outcome, Exception)]
    assert reports, outcomes
    assert sorted(report.added["predictions"] for report in reports) in (
        [len(revisions)],
        [0, len(revisions)],
    )
    for refused in (outcome for outcome in outcomes if isinstance(outcome, Exception)):
        assert "Nothing was imported" in str(refused)


def test_two_imports_of_one_new_file_at_once_the_second_waits_and_has_nothing_to_add(
    database_url, engine, snapshot_of, tmp_path
):
    """New pundits, sources and questions (unique slugs): the second import must wait for
    the first, then find everything there, not fail on a duplicate key."""

    sessions = make_session_factory(engine)
    path = write_csv(tmp_path / "good.csv", good_rows())
    outcomes = _two_imports_at_once(engine, path)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    first, second = sorted(outcomes, key=lambda report: -report.added["predictions"])
    assert first.added["predictions"] == 4 and first.added["pundits"] == 2
    assert not any(second.added.values()), second.added
    assert "nothing to add" in second.summary()
    with sessions() as session:
        assert session.scalar(select(func.count(Prediction.id))) == 4
        assert session.scalar(select(func.count(Pundit.id))) == 2


def test_text_no_database_can_store_or_no_reader_can_see_is_refused_by_row_and_column(
    database_url, engine, snapshot_of, tmp_path
):
    before = snapshot_of(engine)
    rows = [
        {**CEASEFIRE, "quote": "It will hold.\x00"},  # line 2: a NUL byte
        {**ELECTION, "statement": "\u200b\u200d\u2060"},  # line 3: zero-width only
        {**CEASEFIRE, "pundit": "\u200b", "quote": "Again."},  # line 4
    ]
    result = run(database_url, "import", str(write_csv(tmp_path / "bad.csv", rows)))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "line 2, column quote: must not contain a NUL character" in lines
    assert lines[1].startswith("line 3, column statement") and "no visible characters" in lines[1]
    assert lines[2].startswith("line 4, column pundit") and "no visible characters" in lines[2]
    deep = tmp_path / "deep.json"
    deep.write_text('[{"pundit": ' + "[" * 100_000 + "]" * 100_000 + "}]")
    result = run(database_url, "import", str(deep))
    assert result.exit_code == 1 and "deep.json line 1: not valid JSON (nested too" in result.output
    assert "Traceback" not in result.output
    assert snapshot_of(engine) == before


def _column(probabilities: list[str]) -> list[dict]:
    """One prediction per probability, on one question (distinct quotes)."""
    return [
        {**CEASEFIRE, "quote": f"Said {n}.", "probability": p} for n, p in enumerate(probabilities)
    ]


def _stored(engine) -> list[float]:
    with engine.connect() as connection:
        rows = connection.execute(select(Prediction.probability).order_by(Prediction.id))
        return [row[0] for row in rows]


def test_a_column_of_percents_reads_its_bare_one_as_one_percent(database_url, engine, tmp_path):
    path = write_csv(tmp_path / "percents.csv", _column(["5", "20", "1", "50"]))
    result = run(database_url, "import", str(path))
    assert result.exit_code == 0, result.output
    assert _stored(engine) == pytest.approx([0.05, 0.2, 0.01, 0.5])
    # The same cells in a column of fractions: the 1 is certainty.
    path = write_csv(tmp_path / "fractions.csv", _column(["0.05", "0.2", "1", "0.5"]))
    with engine.begin() as connection:
        connection.execute(Prediction.__table__.delete())
    assert run(database_url, "import", str(path)).exit_code == 0
    assert _stored(engine) == pytest.approx([0.05, 0.2, 1.0, 0.5])


def test_a_column_mixing_fractions_and_percents_is_refused_naming_the_rows(
    database_url, engine, snapshot_of, tmp_path
):
    path = write_csv(tmp_path / "slip.csv", _column(["0.2", "0.35", "1.7", "0.6"]))
    before = snapshot_of(engine)
    result = run(database_url, "import", str(path))
    assert result.exit_code == 1, result.output
    assert snapshot_of(engine) == before
    assert (
        "line 4, column probability, value '1.7': reads as a percent but line(s) 2, 3, 5 "
        "read as fractions" in result.stderr
    )
    assert "--probabilities fraction|percent" in result.stderr
    # Said outright, the column is read that way; as fractions the 1.7 is out of range.
    refused = run(database_url, "import", "--probabilities", "fraction", str(path))
    assert refused.exit_code == 1 and "value '1.7': must be between 0 and 1" in refused.stderr
    assert snapshot_of(engine) == before
    assert run(database_url, "import", "--probabilities", "percent", str(path)).exit_code == 0
    assert _stored(engine) == pytest.approx([0.002, 0.0035, 0.017, 0.006])


def test_a_bare_one_that_nothing_explains_is_refused_and_certainty_exports_as_100_percent(
    database_url, engine, session, snapshot_of, tmp_path
):
    path = write_csv(tmp_path / "ones.csv", _column(["1", "0", "1"]))
    before = snapshot_of(engine)
    result = run(database_url, "import", str(path))
    assert result.exit_code == 1 and snapshot_of(engine) == before
    for line in (2, 4):
        assert (
            f"line {line}, column probability, value '1': 1 alone could mean 100% or 1%"
            in result.stderr
        )
    # An export of certainties says so with %, so it imports back as certainty.
    assert run(database_url, "import", "--probabilities", "fraction", str(path)).exit_code == 0
    assert run(database_url, "export", str(tmp_path / "out")).exit_code == 0
    with (tmp_path / "out" / "predictions.csv").open(newline="") as handle:
        written = [row["probability"] for row in csv.DictReader(handle)]
    assert written == ["100%", "0.0", "100%"]


@pytest.mark.parametrize(
    ("written", "outcome"),
    [("YES", "yes"), ("true", "yes"), ("1", "yes"), ("No", "no"), ("FALSE", "no"), ("0", "no")],
)
def test_outcomes_and_moments_as_other_tools_write_them(session, tmp_path, written, outcome):
    row = {
        **CEASEFIRE,
        "outcome": written,
        "known_at": "2022-01-03 10:00:00+02:00",  # a moment: kept as one, in UTC
        "resolve_by": "2021-12-31T23:00:00-05:00",  # 2022-01-01 in UTC
        "source_published_on": "2021-03-01T09:30:00Z",
    }
    report = import_file(session, write_csv(tmp_path / "calls.csv", [row]))
    assert report.added["resolutions"] == 1
    question = session.scalar(select(Question))
    assert question.resolve_by.isoformat() == "2022-01-01"
    standing = question.standing_resolution
    assert (standing.outcome, standing.known) == (
        outcome,
        dt.datetime(2022, 1, 3, 8, tzinfo=dt.UTC),
    )
    assert standing.known_at_precision == "moment"
    assert session.scalar(select(Source)).published_on.isoformat() == "2021-03-01"


def test_a_moment_that_is_not_one_is_still_refused(session, tmp_path):
    row = {**CEASEFIRE, "known_at": "2022-01-03 25:00:00"}
    with pytest.raises(ImportRefused) as refused:
        import_file(session, write_csv(tmp_path / "calls.csv", [row]))
    assert [(r.column, r.value) for r in refused.value.rows] == [
        ("known_at", "2022-01-03 25:00:00")
    ]


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"retraction_reason": "Not said."}, "retracted_at"),
        ({"retracted_at": "2021-01-01T10:00:00Z"}, "retraction_reason"),
        ({"retracted_at": "last week", "retraction_reason": "Not said."}, "retracted_at"),
    ],
)
def test_a_retraction_needs_its_time_and_its_reason(
    session, engine, snapshot_of, tmp_path, cells, column
):
    before = snapshot_of(engine)
    with pytest.raises(ImportRefused) as refused:
        import_file(session, write_csv(tmp_path / "calls.csv", [{**CEASEFIRE, **cells}]))
    assert column in [r.column for r in refused.value.rows]
    session.rollback()
    assert snapshot_of(engine) == before


def test_a_retracted_row_is_imported_retracted_and_not_scored(session, tmp_path):
    row = {**CEASEFIRE, "retracted_at": "2021-01-01T10:00:00Z", "retraction_reason": "Not said."}
    import_file(session, write_csv(tmp_path / "calls.csv", [row]))
    prediction = session.scalar(select(Prediction))
    assert prediction.retraction_reason == "Not said."
    assert prediction.retracted_at == dt.datetime(2021, 1, 1, 10, tzinfo=dt.UTC)
    frame = scores.prediction_frame(session)
    assert list(frame["status"]) == [scores.RETRACTED]
