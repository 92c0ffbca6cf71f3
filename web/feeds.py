"""Reminder feeds behind a user's secret link (``forecasts.reminders``): the questions
falling due as Atom, for a feed reader, and as iCalendar, for a calendar. A link that
is unknown, revoked, or a deactivated user's answers 404, like a page that is not there."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from forecasts import reminders
from forecasts.models import utcnow
from web.database import get_session

blueprint = Blueprint("feeds", __name__, url_prefix="/feeds")


def _reminders(secret: str):
    session = get_session()
    user = reminders.user_for_feed(session, secret) or abort(404)
    return user, reminders.falling_due(session)


@blueprint.get("/<secret>/due.atom")
def due_atom(secret: str) -> Response:
    user, due = _reminders(secret)
    body = reminders.atom_feed(due, request.host_url, user, utcnow())
    return Response(
        body,
        mimetype="application/atom+xml",
        headers={"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"},
    )


@blueprint.get("/<secret>/due.ics")
def due_ics(secret: str) -> Response:
    _, due = _reminders(secret)
    return Response(
        reminders.ical_feed(due, request.host_url, utcnow()),
        mimetype="text/calendar",
        headers={"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"},
    )
