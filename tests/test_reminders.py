"""Reminders: what falls due, the Atom and iCalendar feeds behind a secret link (made,
replaced and revoked on the account page), and the e-mail digest sent to a real SMTP
server (aiosmtpd, started by the test on a free port)."""

from __future__ import annotations

import datetime as dt
import email
import socket
import xml.etree.ElementTree as ET

import icalendar
import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from sqlalchemy import select

from forecasts import reminders, services
from forecasts.cli import cli
from forecasts.db import make_session_factory
from forecasts.models import User, utcnow
from support import sign_in

ATOM = "{http://www.w3.org/2005/Atom}"


def _add_due_questions(engine) -> dict[str, int]:
    """One question overdue by 3 days with two forecasts, one due in 5 days, one due in
    a month (not yet falling due), and one overdue but resolved."""
    today = utcnow().date()
    actor = services.Actor.system()
    with make_session_factory(engine)() as session:
        pundit = services.add_pundit(session, actor, name="Remy Reminder")
        made = {}
        for name, days in (("overdue", -3), ("soon", 5), ("later", 30), ("resolved", -2)):
            question = services.add_question(
                session,
                actor,
                statement=f"Will the {name} thing happen?",
                resolution_criteria="As reported.",
                resolve_by=today + dt.timedelta(days=days),
            )
            made[name] = question.id
        for probability in (0.2, 0.4):
            services.log_prediction(
                session,
                actor,
                pundit_id=pundit.id,
                question_id=made["overdue"],
                probability=probability,
                made_at=utcnow() - dt.timedelta(days=10 + probability * 10),
            )
        services.resolve_question(
            session, actor, made["resolved"], outcome="yes", known_at=today - dt.timedelta(days=1)
        )
    return made


def test_falling_due_lists_overdue_and_soon_with_their_forecasts(engine):
    made = _add_due_questions(engine)
    with make_session_factory(engine)() as session:
        due = {r.question_id: r for r in reminders.falling_due(session)}
    assert made["overdue"] in due and made["soon"] in due
    assert made["later"] not in due and made["resolved"] not in due
    assert due[made["overdue"]].when() == "3 days overdue" and due[made["overdue"]].waiting == 2
    assert due[made["soon"]].when() == "due in 5 days" and due[made["soon"]].waiting == 0


def test_a_feed_link_gives_atom_and_icalendar_and_stops_when_revoked(app, as_role, seeded_engine):
    _add_due_questions(seeded_engine)
    editor = as_role("editor")
    assert "Make a feed link" in editor.get("/account").get_data(as_text=True)
    page = editor.post("/account/feed")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    secret = html.split("/feeds/")[1].split("/due.atom")[0]
    atom = app.test_client().get(f"/feeds/{secret}/due.atom")
    assert atom.status_code == 200 and atom.mimetype == "application/atom+xml"
    root = ET.fromstring(atom.data)
    titles = [entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")]
    assert "3 days overdue: Will the overdue thing happen?" in titles
    assert not any("later" in title or "resolved" in title for title in titles)
    ics = app.test_client().get(f"/feeds/{secret}/due.ics")
    assert ics.mimetype == "text/calendar"
    events = icalendar.Calendar.from_ical(ics.data).walk("VEVENT")
    starts = {str(e["summary"]): e.decoded("dtstart") for e in events}
    assert starts["Resolve: Will the soon thing happen?"] == utcnow().date() + dt.timedelta(5)
    # a new link replaces the old one; revoking ends it
    newer = editor.post("/account/feed").get_data(as_text=True)
    newer_secret = newer.split("/feeds/")[1].split("/due.atom")[0]
    assert app.test_client().get(f"/feeds/{secret}/due.atom").status_code == 404
    assert app.test_client().get(f"/feeds/{newer_secret}/due.ics").status_code == 200
    assert editor.post("/account/feed/revoke").status_code == 302
    assert app.test_client().get(f"/feeds/{newer_secret}/due.ics").status_code == 404
    assert app.test_client().get("/feeds/not-a-secret/due.atom").status_code == 404


def test_readers_get_no_feed_and_a_deactivated_users_link_opens_nothing(
    app, as_role, seeded_engine
):
    assert as_role("reader").post("/account/feed").status_code == 403
    admin = sign_in(app.test_client(), "admin")
    html = admin.post("/account/feed").get_data(as_text=True)
    secret = html.split("/feeds/")[1].split("/due.atom")[0]
    assert app.test_client().get(f"/feeds/{secret}/due.atom").status_code == 200
    with make_session_factory(seeded_engine)() as session:
        admin_id = session.scalar(select(User.id).where(User.name == "admin"))
        services.create_user(
            session, services.Actor.system(), name="other", role="admin", password="x" * 12
        )
        services.update_user(session, services.Actor.system(), admin_id, is_active=False)
    assert app.test_client().get(f"/feeds/{secret}/due.atom").status_code == 404


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox = _Inbox()
    with socket.socket() as probe:  # a free port (the controller checks it by connecting)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


def test_the_digest_goes_to_each_editor_with_an_address(
    seeded_sqlite_url, seeded_engine, smtp_server
):
    port, inbox = smtp_server
    _add_due_questions(seeded_engine)
    with make_session_factory(seeded_engine)() as session:
        for name, role, address in (
            ("ed2", "editor", "ed2@example.org"),
            ("ad2", "admin", "ad2@example.org"),
            ("rd2", "reader", "rd2@example.org"),
        ):
            services.create_user(
                session,
                services.Actor.system(),
                name=name,
                role=role,
                password="x" * 12,
                email=address,
            )
    env = {"FORECASTS_SMTP_HOST": "127.0.0.1", "FORECASTS_SMTP_PORT": str(port)}
    result = CliRunner().invoke(
        cli,
        ["--database-url", seeded_sqlite_url, "digest", "--base-url", "https://reg.example.org"],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert "sent the digest to 2 addresses" in result.output
    assert sorted(m.rcpt_tos[0] for m in inbox.messages) == ["ad2@example.org", "ed2@example.org"]
    message = email.message_from_bytes(inbox.messages[0].content)
    assert message["Subject"] == "1 overdue, 1 falling due: questions to resolve"
    body = message.get_payload(decode=True).decode("utf-8")
    assert "Will the overdue thing happen? (3 days overdue, 2 forecasts)" in body
    assert "https://reg.example.org/questions/" in body and "later" not in body


def test_the_digest_refuses_what_it_cannot_use(seeded_sqlite_url):
    def digest(*args, env=None):
        return CliRunner().invoke(
            cli, ["--database-url", seeded_sqlite_url, "digest", *args], env=env or {}
        )

    no_host = digest("--base-url", "https://reg.example.org", env={"FORECASTS_SMTP_HOST": ""})
    assert no_host.exit_code == 1 and "FORECASTS_SMTP_HOST: is not set" in no_host.output
    bad_port = digest(
        "--base-url", "https://x.org", env={"FORECASTS_SMTP_HOST": "h", "FORECASTS_SMTP_PORT": "x"}
    )
    assert (
        bad_port.exit_code == 1 and "FORECASTS_SMTP_PORT: must be a port number" in bad_port.output
    )
    bad_url = digest("--base-url", "not a url")
    assert bad_url.exit_code == 1 and "base-url:" in bad_url.output
    dry = digest("--base-url", "https://reg.example.org", "--dry-run")
    assert dry.exit_code == 0 and "falling due" in dry.output
