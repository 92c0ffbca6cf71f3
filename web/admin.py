"""Administration: users and roles, and the audit log of every change."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

import forecasts.audit
from forecasts import queries, services
from forecasts.errors import ValidationError
from forecasts.models import User
from web.auth import admin_required, current_actor
from web.database import get_session
from web.forms import PasswordResetForm, UserCreateForm, UserEditForm
from web.formtools import show_errors, submit, version_of
from web.paging import current_page

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@blueprint.route("/users", methods=["GET", "POST"])
@admin_required
def users():
    form = UserCreateForm()

    def saved(user):
        flash(f"User {user.name} created as {user.role}.", "success")
        return redirect(url_for("admin.users"))

    return submit(
        form,
        lambda: services.create_user(
            get_session(),
            current_actor(),
            name=form.name.data,
            role=form.role.data,
            password=form.password.data,
            email=form.email.data,
        ),
        saved,
        "admin/users.html",
        users=queries.list_users(get_session()),
    )


def _edit_form(account: User) -> UserEditForm:
    return UserEditForm(
        obj=SimpleNamespace(
            role=account.role, is_active=account.is_active, version=str(account.version)
        )
    )


@blueprint.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user(user_id: int):
    account = get_session().get(User, user_id) or abort(404)
    form = _edit_form(account)

    def saved(user):
        flash(f"User {user.name} saved.", "success")
        return redirect(url_for("admin.users"))

    return submit(
        form,
        lambda: services.update_user(
            get_session(),
            current_actor(),
            account.id,
            expected_version=version_of(form),
            role=form.role.data,
            is_active=form.is_active.data,
        ),
        saved,
        "admin/user.html",
        account=account,
        password_form=PasswordResetForm(formdata=None),
    )


@blueprint.post("/users/<int:user_id>/password")
@admin_required
def reset_password(user_id: int):
    """Set a user's password (one who forgot theirs); their sessions end."""
    account = get_session().get(User, user_id) or abort(404)
    password_form = PasswordResetForm()
    if password_form.validate_on_submit():
        try:
            services.reset_password(
                get_session(),
                current_actor(),
                account.id,
                new_password=password_form.new_password.data,
            )
        except ValidationError as error:
            show_errors(password_form, error)
        else:
            flash(f"Password of {account.name} set; their sessions have ended.", "success")
            return redirect(url_for("admin.user", user_id=account.id))
    page = render_template(
        "admin/user.html",
        form=_edit_form(account),
        conflict=None,
        account=account,
        password_form=password_form,
    )
    return page, 422


@blueprint.get("/audit")
@admin_required
def audit():
    """The audit log, newest first, filtered by who, kind of row, action and dates."""
    session = get_session()
    audit_filter, errors = forecasts.audit.read_filter(request.args)
    listing = current_page(
        lambda page, size: forecasts.audit.audit_page(session, audit_filter, page, size)
    )
    page = render_template(
        "admin/audit.html",
        events=[
            (event, forecasts.audit.changes(event.before, event.after)) for event in listing.items
        ],
        audit_filter=audit_filter,
        filter_errors=errors.items,
        choices=forecasts.audit.choices(session),
        shown=forecasts.audit.shown,
        **listing.numbers(),
    )
    return page, 400 if errors.items else 200
