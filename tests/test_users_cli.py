"""``forecasts users``: list, passwd, role, deactivate and activate work through the
services (audited, sessions ended) and refuse bad input with one line, changing nothing."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select

from forecasts import services
from forecasts.cli import cli
from forecasts.db import make_engine, make_session_factory
from forecasts.models import AuditEvent, User

PASSWORD = "long enough pw"


def run(url: str, *args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["--database-url", url, *args], input=input)


def _user(url: str, name: str) -> User:
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        user = session.scalar(select(User).where(User.name == name))
        session.expunge_all()
    engine.dispose()
    return user


def _actions(url: str) -> list[str]:
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    engine.dispose()
    return actions


def test_users_list_passwd_role_deactivate_activate(database_url):
    assert "no users yet" in run(database_url, "users", "list").output
    run(database_url, "users", "create", "ada", "--role", "admin", input=PASSWORD + "\n")
    run(database_url, "users", "create", "ed", "--role", "editor", input=PASSWORD + "\n")
    listing = run(database_url, "users", "list").output.splitlines()
    assert listing[0].split() == ["name", "role", "status", "email"]
    assert [line.split()[:3] for line in listing[1:]] == [
        ["ada", "admin", "active"],
        ["ed", "editor", "active"],
    ]
    token = _user(database_url, "ed").session_token

    changed = run(database_url, "users", "passwd", "ed", input="a brand new passphrase\n")
    assert changed.exit_code == 0, changed.output
    assert "sessions have ended" in changed.output
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        assert services.authenticate(session, "ed", "a brand new passphrase") is not None
        assert services.authenticate(session, "ed", PASSWORD) is None
    engine.dispose()
    assert _user(database_url, "ed").session_token != token

    assert run(database_url, "users", "role", "ed", "admin").exit_code == 0
    assert _user(database_url, "ed").role == "admin"
    assert run(database_url, "users", "deactivate", "ed").exit_code == 0
    assert not _user(database_url, "ed").is_active
    assert "deactivated" in run(database_url, "users", "list").output
    assert run(database_url, "users", "activate", "ed").exit_code == 0
    assert _user(database_url, "ed").is_active
    assert _actions(database_url)[-4:] == [
        "user.password_reset",
        "user.update",
        "user.update",
        "user.update",
    ]


def test_users_commands_refuse_bad_input_and_change_nothing(database_url, snapshot_of):
    run(database_url, "users", "create", "ada", "--role", "admin", input=PASSWORD + "\n")
    engine = make_engine(database_url)
    before = snapshot_of(engine)
    refusals = [
        (("users", "passwd", "nobody"), PASSWORD + "\n", "user 'nobody' not found"),
        (("users", "passwd", "ada"), "short\n", "new_password: must be at least 8 characters"),
        (("users", "role", "ada", "editor"), None, "the last active admin must stay"),
        (("users", "deactivate", "ada"), None, "the last active admin must stay"),
        (("users", "deactivate", "nobody"), None, "user 'nobody' not found"),
    ]
    for args, given, message in refusals:
        result = run(database_url, *args, input=given)
        assert result.exit_code == 1, (args, result.output)
        assert message in result.output and len(result.output.strip().splitlines()) == 1
    wrong_role = run(database_url, "users", "role", "ada", "wizard")
    assert wrong_role.exit_code == 2 and "wizard" in wrong_role.output
    assert snapshot_of(engine) == before
    engine.dispose()
