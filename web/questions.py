"""Questions: the home page lists every question with its forecasts and outcome."""

from __future__ import annotations

from flask import Blueprint, render_template

from forecasts import queries
from forecasts.serialize import is_look_ahead
from web.database import get_session

blueprint = Blueprint("questions", __name__)


@blueprint.get("/")
def index():
    questions = queries.list_questions(get_session())
    return render_template("questions/index.html", questions=questions,
                           is_look_ahead=is_look_ahead)


@blueprint.get("/healthz")
def health():
    return {"status": "ok"}
