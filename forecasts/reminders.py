"""Reminders of the questions falling due, where editors already look: a feed reader
(Atom), a calendar (iCalendar), and a daily e-mail digest.

Feeds are read by programs that cannot sign in, so each user's feeds live behind one
secret link (``/feeds/SECRET/due.atom`` and ``due.ics``): ``new_feed_link`` makes it
(replacing any earlier one, which stops working), ``revoke_feed_link`` ends it. Only the
secret's SHA-256 is kept; the link is shown once. A deactivated user's link opens
nothing, nor does a reader's (reminders are for those who resolve questions).

What a reminder lists (``falling_due``): the questions without a standing resolution
whose resolve-by date is past (overdue, oldest first) or within the next ``days`` days,
each with how many forecasts wait on it.

The digest goes by SMTP to each active editor and admin with an e-mail address; the
server is named in the environment (``smtp_settings``): ``FORECASTS_SMTP_HOST`` (no host:
no digest), ``FORECASTS_SMTP_PORT`` (25), ``FORECASTS_SMTP_USER`` and
``FORECASTS_SMTP_PASSWORD`` (to log in), ``FORECASTS_SMTP_STARTTLS`` (``1`` to upgrade the
connection) and ``FORECASTS_SMTP_FROM`` (the sender, default
``forecast-registry@localhost``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from xml.sax.saxutils import escape

import icalendar
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from forecasts import serialize
from forecasts.errors import ValidationError
from forecasts.models import Prediction, Question, Role, User, utcnow
from forecasts.queries import awaiting_resolution
from forecasts.services import Actor
from forecasts.services.kernel import record_audit, unit_of_work

DEFAULT_DAYS = 14
SECRET_BYTES = 24


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


# ------------------------------------------------------------------------ the links


def new_feed_link(session: Session, actor: Actor) -> str:
    """A new secret for the actor's reminder feeds (the old one stops working). Not an
    edit of the account: the row's version stays."""
    actor.require(Role.EDITOR, "reminder feeds")
    secret = secrets.token_urlsafe(SECRET_BYTES)
    with unit_of_work(session):
        session.execute(
            update(User).where(User.id == actor.user_id).values(feed_token_hash=_hash(secret))
        )
        record_audit(session, actor, "user.feed_link", "user", actor.user_id, None, None)
    return secret


def revoke_feed_link(session: Session, actor: Actor) -> None:
    """End the actor's feed link: its feeds answer 404 from now on."""
    actor.require(Role.EDITOR, "reminder feeds")
    with unit_of_work(session):
        session.execute(update(User).where(User.id == actor.user_id).values(feed_token_hash=None))
        record_audit(session, actor, "user.feed_link_revoke", "user", actor.user_id, None, None)


def has_feed_link(session: Session, user_id: int) -> bool:
    return session.scalar(select(User.feed_token_hash).where(User.id == user_id)) is not None


def user_for_feed(session: Session, secret: str) -> User | None:
    """The active editor or admin whose feed link carries ``secret``, or None."""
    if not secret or len(secret) > 100:
        return None
    user = session.scalar(select(User).where(User.feed_token_hash == _hash(secret)))
    if user is None or not user.is_active or not Role(user.role).allows(Role.EDITOR):
        return None
    return user


# ---------------------------------------------------------------------- what is due


@dataclass(frozen=True)
class Reminder:
    """A question falling due: ``days`` until its resolve-by date (negative: overdue)."""

    question_id: int
    slug: str
    statement: str
    resolve_by: dt.date
    days: int
    waiting: int  # forecasts on it

    @property
    def overdue(self) -> bool:
        return self.days < 0

    def when(self) -> str:
        if self.days < 0:
            n = -self.days
            return f"{n} day{'s' if n != 1 else ''} overdue"
        if self.days == 0:
            return "due today"
        return f"due in {self.days} day{'s' if self.days != 1 else ''}"


def falling_due(
    session: Session, today: dt.date | None = None, days: int = DEFAULT_DAYS
) -> list[Reminder]:
    """The unresolved questions whose resolve-by date is past or within ``days`` days,
    by date, then statement."""
    today = today or utcnow().date()
    waiting = (
        select(Prediction.question_id, func.count(Prediction.id).label("n"))
        .group_by(Prediction.question_id)
        .subquery()
    )
    rows = session.execute(
        select(Question.id, Question.slug, Question.statement, Question.resolve_by, waiting.c.n)
        .outerjoin(waiting, waiting.c.question_id == Question.id)
        .where(
            Question.resolve_by.is_not(None),
            Question.resolve_by <= today + dt.timedelta(days=days),
            awaiting_resolution(),
        )
        .order_by(Question.resolve_by, Question.statement)
    )
    return [
        Reminder(qid, slug, statement, by, (by - today).days, n or 0)
        for qid, slug, statement, by, n in rows
    ]


# ---------------------------------------------------------------------------- feeds


def _question_url(base_url: str, reminder: Reminder) -> str:
    return f"{base_url.rstrip('/')}/questions/{reminder.slug}"


def atom_feed(reminders: list[Reminder], base_url: str, user: User, now: dt.datetime) -> str:
    """An Atom 1.0 feed (RFC 4287): one entry per question falling due. An entry's id
    is the question with its date, so a reader shows it again when the date moves."""
    entries = []
    for r in reminders:
        url = _question_url(base_url, r)
        entries.append(
            "  <entry>\n"
            f"    <id>tag:forecast-registry,2020:due/{r.question_id}/{r.resolve_by}</id>\n"
            f"    <title>{escape(r.when().capitalize())}: {escape(r.statement)}</title>\n"
            f"    <updated>{serialize._iso(now)}</updated>\n"
            f'    <link rel="alternate" type="text/html" href="{escape(url)}"/>\n'
            f"    <summary>Resolve by {r.resolve_by}; {r.waiting} forecast"
            f"{'s' if r.waiting != 1 else ''} wait on it.</summary>\n"
            "  </entry>\n"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"  <id>tag:forecast-registry,2020:due/user/{user.id}</id>\n"
        f"  <title>Questions falling due, for {escape(user.name)}</title>\n"
        f"  <updated>{serialize._iso(now)}</updated>\n"
        "  <author><name>Forecast registry</name></author>\n"
        f'  <link rel="alternate" type="text/html" href="{escape(base_url.rstrip("/"))}/due"/>\n'
        + "".join(entries)
        + "</feed>\n"
    )


def ical_feed(reminders: list[Reminder], base_url: str, now: dt.datetime) -> bytes:
    """An iCalendar (RFC 5545) calendar: one all-day event per question on its
    resolve-by date."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Forecast registry//questions falling due//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Questions falling due")
    for r in reminders:
        event = icalendar.Event()
        event.add("uid", f"question-{r.question_id}-{r.resolve_by}@forecast-registry")
        event.add("dtstamp", now.astimezone(dt.UTC))
        event.add("dtstart", r.resolve_by)
        event.add("dtend", r.resolve_by + dt.timedelta(days=1))
        event.add("summary", f"Resolve: {r.statement}")
        event.add("description", f"{r.waiting} forecasts wait on it. {_question_url(base_url, r)}")
        event.add("url", _question_url(base_url, r))
        calendar.add_component(event)
    return calendar.to_ical()


# --------------------------------------------------------------------------- digest


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    sender: str = "forecast-registry@localhost"


def smtp_settings(environ: Mapping[str, str] | None = None) -> SmtpSettings | None:
    """The SMTP server named in the environment, or None when none is (no host)."""
    env = os.environ if environ is None else environ
    host = env.get("FORECASTS_SMTP_HOST", "").strip()
    if not host:
        return None
    raw_port = env.get("FORECASTS_SMTP_PORT", "25").strip() or "25"
    if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
        raise ValidationError("FORECASTS_SMTP_PORT", f"must be a port number (got {raw_port!r})")
    return SmtpSettings(
        host=host,
        port=int(raw_port),
        user=env.get("FORECASTS_SMTP_USER") or None,
        password=env.get("FORECASTS_SMTP_PASSWORD") or None,
        starttls=env.get("FORECASTS_SMTP_STARTTLS", "") == "1",
        sender=env.get("FORECASTS_SMTP_FROM") or "forecast-registry@localhost",
    )


def digest_message(user: User, reminders: list[Reminder], base_url: str, sender: str):
    """The digest for one user: an e-mail listing the overdue questions, then those
    falling due."""
    overdue = [r for r in reminders if r.overdue]
    coming = [r for r in reminders if not r.overdue]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = user.email
    message["Subject"] = f"{len(overdue)} overdue, {len(coming)} falling due: questions to resolve"
    lines = [f"Hello {user.name},", ""]
    for title, group in (("Overdue", overdue), ("Falling due", coming)):
        if group:
            lines.append(f"{title}:")
            lines += [
                f"- {r.statement} ({r.when()}, {r.waiting} forecasts) {_question_url(base_url, r)}"
                for r in group
            ]
            lines.append("")
    lines.append(f"The queue: {base_url.rstrip('/')}/due")
    message.set_content("\n".join(lines))
    return message


def send_digests(
    session: Session,
    settings: SmtpSettings,
    base_url: str,
    today: dt.date | None = None,
    days: int = DEFAULT_DAYS,
) -> list[str]:
    """Send the digest to every active editor and admin with an e-mail address, when
    something is falling due; the addresses written to."""
    reminders = falling_due(session, today, days)
    if not reminders:
        return []
    users = session.scalars(
        select(User)
        .where(User.is_active.is_(True), User.email.is_not(None), User.email != "")
        .where(User.role.in_([Role.EDITOR.value, Role.ADMIN.value]))
        .order_by(User.name)
    ).all()
    if not users:
        return []
    sent = []
    with smtplib.SMTP(settings.host, settings.port, timeout=30) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        for user in users:
            smtp.send_message(digest_message(user, reminders, base_url, settings.sender))
            sent.append(user.email)
    return sent
