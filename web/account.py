"""A signed-in user's account page: their API tokens, made and revoked here.

A new token is shown once, on the page that answers its creation (never stored, never
put in the session cookie); afterwards only its name and prefix are shown.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField

from forecasts import tokens
from forecasts.errors import NotFoundError
from web.auth import current_actor
from web.database import get_session
from web.formtools import submit

blueprint = Blueprint("account", __name__, url_prefix="/account")


class TokenForm(FlaskForm):
    name = StringField(
        "Token name",
        description="What it is for, e.g. 'newsroom importer'.",
        render_kw={"maxlength": 80, "autocomplete": "off"},
    )


class RevokeForm(FlaskForm):
    """Only the CSRF token: the token to revoke is in the address."""


def _page(form: TokenForm, new_token: str | None = None, created=None):
    return render_template(
        "account/account.html",
        form=form,
        revoke_form=RevokeForm(),
        tokens=tokens.tokens_of(get_session(), current_user.id),
        new_token=new_token,
        created=created,
        conflict=None,
    )


@blueprint.get("")
@login_required
def show():
    return _page(TokenForm(formdata=None))


@blueprint.post("/tokens")
@login_required
def create_token():
    form = TokenForm()

    def created(result):
        token, raw = result
        # Answer with the page itself: the token exists only in this response.
        response = _page(TokenForm(formdata=None), new_token=raw, created=token)
        return response, 200, {"Cache-Control": "no-store"}

    return submit(
        form,
        lambda: tokens.create_token(get_session(), current_actor(), name=form.name.data),
        created,
        "account/account.html",
        revoke_form=RevokeForm(),
        tokens=tokens.tokens_of(get_session(), current_user.id),
        new_token=None,
        created=None,
    )


@blueprint.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    if not RevokeForm().validate_on_submit():
        abort(400)
    try:
        token = tokens.revoke_token(get_session(), current_actor(), token_id)
    except NotFoundError:
        abort(404)
    flash(f"Token {token.name!r} ({token.prefix}…) is revoked: it no longer works.", "success")
    return redirect(url_for("account.show"))
