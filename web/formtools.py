"""Glue between forms and the service layer's errors."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from flask import Response, render_template
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from forecasts.errors import ConflictError, FieldError, ValidationError


def show_errors(form: FlaskForm, error: ValidationError) -> None:
    """Put each field error next to its field; errors without a field go on top."""
    for item in error.errors:
        candidates = (
            item.field,
            item.field.split("[", 1)[0],
            item.field.split(" ", 1)[0],
            item.field.removesuffix("_id"),
            item.field.split("_", 1)[0],
        )
        field = next((form._fields[c] for c in candidates if c in form._fields), None)
        if field is None:
            form.form_errors.append(str(item))
        else:
            rule = item.rule if field.name == item.field else str(item)
            field.errors = [*field.errors, rule]


@contextlib.contextmanager
def prefixed(prefix: str) -> Iterator[None]:
    """Rename a service's fields ('name' -> 'new_pundit_name') for a form that embeds it."""
    try:
        yield
    except ValidationError as error:
        raise ValidationError(
            [FieldError(prefix + e.field, e.rule) for e in error.errors]
        ) from error


def version_of(form: FlaskForm) -> int:
    """The row version the form was loaded with; a missing one never matches (conflict)."""
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return 0


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def comma_list(text: str | None) -> list[str]:
    return [item.strip() for item in (text or "").split(",") if item.strip()]


def submit(
    form: FlaskForm,
    action: Callable[[], object],
    on_success: Callable[[object], Response],
    template: str,
    **context,
) -> ResponseReturnValue:
    """The one shape of every form route: on a valid POST run the service action; on
    refused input show each error beside its field (422); on a stale version show the
    current values (409); otherwise render the form."""
    conflict = None
    if form.validate_on_submit():
        try:
            result = action()
        except ValidationError as error:
            show_errors(form, error)
        except ConflictError as error:
            conflict = error.current
            if "version" in form and "version" in conflict:
                form["version"].data = str(conflict["version"])
        else:
            return on_success(result)
    status = 409 if conflict else (422 if form.errors else 200)
    return render_template(template, form=form, conflict=conflict, **context), status
