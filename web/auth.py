"""Signing in and out, the current user's role, and who may do what.

A session (and a remember-me cookie) names the user as ``"<id>:<session token>"``; on
every request the user loader accepts it only while that token is the user's current
one and the user is active. Signing out, changing the password and deactivation give
the user a new token (``forecasts.services``), which ends every session of the user.
"""

from __future__ import annotations

import functools
import hmac
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import UserMixin, current_user, login_required, login_user, logout_user

from forecasts import queries, services
from forecasts.models import Role, User
from web.database import get_session
from web.extensions import limiter, login_manager
from web.forms import LoginForm

blueprint = Blueprint("auth", __name__)


class SignedIn(UserMixin):
    """The signed-in user as Flask-Login sees it: a snapshot, not a live ORM row."""

    def __init__(self, user: User):
        self.id = user.id
        self.name = user.name
        self.role = Role(user.role)
        self._session_token = user.session_token

    def get_id(self) -> str:
        """What the session and the remember-me cookie keep: the id and the token."""
        return f"{self.id}:{self._session_token}"

    def can(self, role: Role) -> bool:
        return self.role.allows(role)

    @property
    def actor(self) -> services.Actor:
        return services.Actor(name=self.name, role=self.role, user_id=self.id)


login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to continue."


@login_manager.user_loader
def _load_user(session_id: str) -> SignedIn | None:
    """The user a session or remember-me cookie names, if it is still live: the user is
    active and the token is the user's current one (an old cookie of a signed-out,
    deactivated or re-passworded user names a token that is gone)."""
    user_id, _, token = session_id.partition(":")
    user = get_session().get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.is_active or not user.session_token or not token:
        return None
    if not hmac.compare_digest(user.session_token.encode(), token.encode()):
        return None
    return SignedIn(user)


def current_actor() -> services.Actor:
    return current_user.actor


def role_required(role: Role):
    """Anonymous users are sent to sign in; signed-in users without the role get 403."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if not current_user.can(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


editor_required = role_required(Role.EDITOR)
admin_required = role_required(Role.ADMIN)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no '//' or backslash tricks."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def _failed_login(response) -> bool:
    return response.status_code != 302


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=_failed_login
)
def login():
    form = LoginForm()
    days = current_app.config["REMEMBER_COOKIE_DURATION"].days
    form.remember.description = f"For {days} days on this browser, or until you sign out."
    if form.validate_on_submit():
        user = services.authenticate(get_session(), form.name.data, form.password.data)
        if user is not None:
            login_user(SignedIn(user), remember=form.remember.data)
            flash(f"Signed in as {user.name}.", "success")
            return redirect(safe_next(request.args.get("next")) or url_for("questions.index"))
        form.password.errors.append("Name or password is wrong (or the account is inactive).")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@blueprint.post("/logout")
@login_required
def logout():
    # One token per user: this ends every session of the user, on every device.
    services.end_sessions(get_session(), current_actor(), current_user.id)
    logout_user()
    flash(
        "Signed out on every device and browser: all your sessions have ended,"
        " including any kept signed in.",
        "success",
    )
    return redirect(url_for("questions.index"))


def can(role: Role | str) -> bool:
    """Whether whoever reads the page has ``role`` (templates ask, to show a link)."""
    return bool(current_user and current_user.is_authenticated and current_user.can(Role(role)))


def navigation_context() -> dict:
    """Values every page needs: the due-queue count for editors."""
    due = None
    if current_user.is_authenticated and current_user.can(Role.EDITOR):
        due = queries.count_due_questions(get_session())
    return {"due_count": due, "Role": Role}
