"""The seed registry and the `forecasts` command, end to end on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import tomllib

import pytest
from click.testing import CliRunner

from forecasts.cli import cli
from forecasts.seeding import SEED_FILE, SEEDS_DIR

EXPECTED_OUTCOMES = {
    "us-iran-war-by-end-2020": "no",
    "us-iran-war-spreads-over-region": "annulled",
    "trump-wins-2020-election": "no",
    "iraq-takes-a-side-by-end-2020": "no",
    "iraq-sides-with-iran": "annulled",
    "baghdad-tahrir-sit-in-ends-by-end-2020": "yes",
    "iran-us-contest-over-iraq-resolved": None,
}


def run(url: str, *args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["--database-url", url, *args], input=input)


@pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)
def test_upgrade_seed_twice_then_list_questions(empty_database_url):
    url = empty_database_url
    assert run(url, "db", "upgrade").exit_code == 0
    first = run(url, "seed")
    assert first.exit_code == 0, first.output
    assert "added 1 pundit, 1 source, 7 questions, 7 predictions, 6 resolutions" in first.output
    second = run(url, "seed")
    assert second.exit_code == 0 and "nothing to add" in second.output
    listed = run(url, "list", "questions", "--format", "json")
    questions = json.loads(listed.output)
    assert {q["slug"]: q["outcome"] for q in questions} == EXPECTED_OUTCOMES
    unscorable = next(q for q in questions if q["outcome"] is None)
    assert unscorable["resolve_by"] is None and unscorable["scorable"] is False
    conditional = next(q for q in questions if q["slug"] == "iraq-sides-with-iran")
    assert conditional["condition"] == {
        "question_id": next(
            q["id"] for q in questions if q["slug"] == "iraq-takes-a-side-by-end-2020"
        ),
        "question_slug": "iraq-takes-a-side-by-end-2020",
        "outcome": "yes",
    }
    predictions = json.loads(run(url, "list", "predictions", "--format", "json").output)
    war = next(p for p in predictions if p["question_slug"] == "us-iran-war-by-end-2020")
    assert war["hedge_phrase"] == "tiny possibility" and war["probability"] == 0.05
    assert not any(p["look_ahead"] for p in predictions)
    table = run(url, "list", "pundits")
    assert "op-ed-author-iran-us-iraq-2020" in table.output


def test_seed_records_are_complete_and_quotes_verbatim():
    data = tomllib.loads(SEED_FILE.read_text(encoding="utf-8"))
    text = " ".join((SEEDS_DIR / data["source"]["text_file"]).read_text().split())
    for record in data["forecast"]:
        prediction, question = record["prediction"], record["question"]
        assert " ".join(prediction["quote"].split()) in text, record["slug"]
        assert question["resolution_criteria"].strip()
        assert prediction["hedge_phrase"].strip()
        resolution = record.get("resolution")
        if question.get("resolve_by") is None:
            assert resolution is None  # no deadline: kept, never resolved or scored
        elif resolution["outcome"] != "annulled":
            assert resolution["evidence_url"].startswith("https://"), record["slug"]
            assert resolution["note"].strip()
    assert data["source"]["published_on"].isoformat() == "2020-01-01"


def test_commands_refuse_bad_input_with_one_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    not_migrated = run(url, "list", "questions")
    assert not_migrated.exit_code == 1
    assert "run `forecasts db upgrade` first" in not_migrated.output
    assert run(url, "db", "upgrade").exit_code == 0
    bad_revision = run(url, "db", "downgrade", "nonsense")
    assert bad_revision.exit_code == 1 and "revision:" in bad_revision.output
    bad_kind = run(url, "list", "wizards")
    assert bad_kind.exit_code == 2 and "wizards" in bad_kind.output
    short = run(url, "users", "create", "ada", "--role", "admin", input="short\n")
    assert short.exit_code == 1
    assert short.output.strip().splitlines() == ["Error: password: must be at least 8 characters"]


def test_users_create_reads_the_password_from_stdin(tmp_path):
    from forecasts import services
    from forecasts.db import make_engine, make_session_factory

    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    run(url, "db", "upgrade")
    created = run(url, "users", "create", "ada", "--role", "admin", input="long enough pw\n")
    assert created.exit_code == 0 and "created admin 'ada'" in created.output
    again = run(url, "users", "create", "ada", "--role", "editor", input="long enough pw\n")
    assert again.exit_code == 1 and "name: must be unique" in again.output
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        assert services.authenticate(session, "ada", "long enough pw").role == "admin"
    engine.dispose()


def test_db_current_reports_the_revision(tmp_path):
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    assert "revision none" in run(url, "db", "current").output
    run(url, "db", "upgrade")
    assert "up to date" in run(url, "db", "current").output
    run(url, "db", "downgrade", "base")
    assert "revision none" in run(url, "db", "current").output


@pytest.mark.parametrize(
    "url, message",
    [
        ("nonsense", "Error: database-url: not a database URL"),
        ("postgresql+psycopg://nobody:secret@127.0.0.1:1/none", "Error: cannot use the database"),
    ],
)
def test_unusable_database_url_is_one_line(url, message):
    result = run(url, "list", "questions")
    assert result.exit_code == 1
    assert result.output.startswith(message) and len(result.output.strip().splitlines()) == 1
