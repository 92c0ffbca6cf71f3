"""A signed-in user's account page: their password, and their API tokens, made and
revoked here.

A new token is shown once, on the page that answers its creation (never stored, never
put in the session cookie); afterwards only its name and prefix are shown.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import EqualTo

from forecasts import reminders, services, tokens
from forecasts.errors import NotFoundError, ValidationError
from forecasts.rules import MIN_PASSWORD_LENGTH
from web.auth import SignedIn, current_actor
from web.database import get_session
from web.extensions import limiter
from web.formtools import show_errors, submit

blueprint = Blueprint("account", __name__, url_prefix="/account")


class TokenForm(FlaskForm):
    name = StringField(
        "Token name",
        description="What it is for, e.g. 'newsroom importer'.",
        render_kw={"maxlength": 80, "autocomplete": "off"},
    )


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", render_kw={"autocomplete": "current-password"}
    )
    new_password = PasswordField(
        "New password",
        description=f"At least {MIN_PASSWORD_LENGTH} characters.",
        render_kw={"autocomplete": "new-password"},
    )
    new_password_again = PasswordField(
        "New password again",
        validators=[EqualTo("new_password", "must be the same as the new password")],
        render_kw={"autocomplete": "new-password"},
    )


class RevokeForm(FlaskForm):
    """Only the CSRF token: the token to revoke is in the address."""


def _page(
    form: TokenForm,
    new_token: str | None = None,
    created=None,
    password_form=None,
    feed_secret: str | None = None,
):
    return render_template(
        "account/account.html",
        feed_secret=feed_secret,
        has_feed_link=reminders.has_feed_link(get_session(), current_user.id),
        form=form,
        password_form=password_form or PasswordForm(formdata=None),
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
        password_form=PasswordForm(formdata=None),
        revoke_form=RevokeForm(),
        tokens=tokens.tokens_of(get_session(), current_user.id),
        new_token=None,
        created=None,
        feed_secret=None,
        has_feed_link=reminders.has_feed_link(get_session(), current_user.id),
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


@blueprint.post("/feed")
@login_required
def new_feed_link():
    """A new secret link to the reminder feeds, shown once (the old link stops)."""
    if not RevokeForm().validate_on_submit():
        abort(400)
    secret = reminders.new_feed_link(get_session(), current_actor())
    response = _page(TokenForm(formdata=None), feed_secret=secret)
    return response, 200, {"Cache-Control": "no-store"}


@blueprint.post("/feed/revoke")
@login_required
def revoke_feed_link():
    if not RevokeForm().validate_on_submit():
        abort(400)
    reminders.revoke_feed_link(get_session(), current_actor())
    flash("Your reminder feed link is revoked: it no longer opens anything.", "success")
    return redirect(url_for("account.show"))


@blueprint.post("/password")
@login_required
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,  # guesses count, not changes
)
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            user = services.change_password(
                get_session(),
                current_actor(),
                current_user.id,
                current_password=form.current_password.data,
                new_password=form.new_password.data,
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            # The change ended every session of the user, this one too: sign this one in
            # again with the new token, kept signed in if it was.
            remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
            login_user(SignedIn(user), remember=remember_cookie in request.cookies)
            flash(
                "Password changed. You are still signed in here; every other session of"
                " yours has ended. Your API tokens still work.",
                "success",
            )
            return redirect(url_for("account.show"))
    return _page(TokenForm(formdata=None), password_form=form), 422 if form.errors else 200
